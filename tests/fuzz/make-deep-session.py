#!/usr/bin/env python3
# make-deep-session.py OUTDIR — hostile session files of about 1 MB, made
# at build time rather than committed: deep nesting of arrays, objects and
# both (inside an otherwise valid session too), a 1 MB string, and a valid
# session with thousands of sockets.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys

MB = 1024 * 1024
out = sys.argv[1]


def write(name, text):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)


n = MB
write("deep-arrays.json", "[" * (n // 2) + "]" * (n // 2))
write("deep-objects.json", '{"a":' * (n // 5))
write("deep-mixed.json", '[{"b":' * (n // 6))
head = '{"format": "sockbench-session", "version": 1, "sockets": [{"name": "s", "steps": [{"kind": "wait", "x": '
write("deep-in-session.json", head + "[" * (n - len(head)))
write("long-string.json", '{"format": "sockbench-session", "version": 1, "description": "'
      + "\u00e9x" * (MB // 3) + '"}')
sockets = [{"name": f"s{i}", "type": "datagram", "bind": {"host": "127.0.0.1", "port": 0},
            "steps": [{"kind": "bind"}, {"kind": "send", "data": f"hello {i}\\n",
                                            "host": "127.0.0.1", "port": 9}]}
           for i in range(5000)]
write("many-sockets.json", json.dumps({"format": "sockbench-session", "version": 1,
                                       "sockets": sockets}))

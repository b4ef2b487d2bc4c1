#!/usr/bin/env python3
# test-cli-ko.py — sockbench-cli speaks Korean from the build tree
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-ko.py PATH-TO-sockbench-cli PO-BUILD-DIR
# SOCKBENCH_LOCALEDIR points the programs at the build tree's catalogues
# (build-aux/run.sh sets it), so LANGUAGE=ko works before meson install.
# Prints TAP.

import os
import socket
import subprocess
import sys

cli, po_dir = sys.argv[1], sys.argv[2]

# a port nothing listens on: bind, then close
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

env = dict(os.environ, LANG="C.UTF-8", LC_ALL="", LANGUAGE="ko", SOCKBENCH_LOCALEDIR=po_dir)
p = subprocess.run([cli, "connect", f"tcp://127.0.0.1:{port}"], capture_output=True, env=env,
                   timeout=20)
err = p.stderr.decode("utf-8", "replace")
print("1..2")
print(("ok" if p.returncode == 3 else "not ok") + f" 1 - refused exits 3 (got {p.returncode})")
korean = "연결이 거부됨" in err
print(("ok" if korean else "not ok") + " 2 - the refusal is in Korean")
if not korean:
    print("# stderr: " + err.replace("\n", "\n# "))

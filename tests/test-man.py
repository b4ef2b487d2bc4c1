#!/usr/bin/env python3
"""Check man pages written in roff: any warning of groff or man fails.

Usage: test-man.py PAGE.1...

Runs `groff -man -ww -z` (every warning) and `man --warnings -l -Tutf8`, the
way a reader's man renders the page. A page that renders with a warning has
a real mistake (an unknown macro, a bad escape, a line that cannot break).
Exit 77 (skipped) when neither groff nor man is installed.
"""

import os
import shutil
import subprocess
import sys


def run(label, argv):
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MAN_KEEP_FORMATTING="1")
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env, check=False)
    problems = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or problems:
        print(f"not ok - {label}")
        print(f"# {' '.join(argv)} exited with {proc.returncode}")
        for line in problems.splitlines():
            print(f"#   {line}")
        return False
    print(f"ok - {label}")
    return True


def main():
    pages = sys.argv[1:]
    if not pages:
        print("usage: test-man.py PAGE.1...", file=sys.stderr)
        return 2
    groff = shutil.which("groff")
    man = shutil.which("man")
    if not groff and not man:
        print("1..0 # SKIP neither groff nor man is installed (groff-base, man-db)")
        return 77

    checks = []
    for page in pages:
        name = os.path.basename(page)
        if groff:
            checks.append((f"groff -ww {name}", [groff, "-man", "-ww", "-z", "-Tutf8", page]))
        if man:
            checks.append((f"man --warnings {name}", [man, "--warnings", "-l", "-Tutf8", page]))

    print(f"1..{len(checks)}")
    ok = all([run(label, argv) for label, argv in checks])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

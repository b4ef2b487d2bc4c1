#!/usr/bin/env bash
# Install what is missing, build, and run every test headless (Xvfb + a
# private D-Bus session). The last line is meson's count: N passed, N failed.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
build-aux/install-deps.sh
[[ -f "$build/build.ninja" ]] || meson setup "$build" ${MESON_ARGS:-}
ninja -C "$build"
status=0
dbus-run-session -- meson test -C "$build" --print-errorlogs "$@" || status=$?
python3 build-aux/count-tests.py "$build/meson-logs/testlog.json"
exit $status

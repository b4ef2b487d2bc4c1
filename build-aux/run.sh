#!/usr/bin/env bash
# Install what is missing, build, and start Sockbench.
set -euo pipefail
cd "$(dirname "$0")/.."
build-aux/install-deps.sh
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
exec build/src/app/sockbench "$@"

#!/usr/bin/env bash
# Install what is missing, build, and start Sockbench.
set -euo pipefail
cd "$(dirname "$0")/.."
build-aux/install-deps.sh
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
export GSETTINGS_SCHEMA_DIR="$PWD/build/data"   # run in place, before meson install
export SOCKBENCH_LOCALEDIR="$PWD/build/po"       # and its translations (LANGUAGE=ko)
exec build/src/app/sockbench "$@"

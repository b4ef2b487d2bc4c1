#!/usr/bin/env bash
# Install the Debian 12 packages Sockbench needs to build, run and test.
# Installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libjson-glib-dev libpcap-dev
  xvfb xauth dbus dbus-x11 python3 socat netcat-openbsd tshark tcpdump iproute2
  desktop-file-utils appstream-util libglib2.0-bin
  appstream libxml2-utils groff-base shared-mime-info
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# The README's test command. On a fresh Debian or Ubuntu machine it first
# installs what the tests need and nothing else: Mesa's software Vulkan
# (lavapipe) for the UI snapshots, the desktop-entry validator for the
# packaging test, and the shells the terminal tests type into (fish).
# Then it runs every test: `bash scripts/test.sh [cargo test args…]`.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(mesa-vulkan-drivers desktop-file-utils fish)
if command -v dpkg >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${missing[*]}" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "scripts/test.sh: not a Debian-like system; install Mesa's Vulkan driver, desktop-file-validate and fish yourself" >&2
fi
exec cargo test --locked "$@"

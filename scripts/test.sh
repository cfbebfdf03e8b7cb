#!/usr/bin/env bash
# The README's test command. On a fresh Debian or Ubuntu machine it first
# installs what the tests need and nothing else: Mesa's software Vulkan
# (lavapipe) for the UI snapshots, the desktop-entry validator for the
# packaging test, the shells the terminal tests type into (fish), and
# awscli with botocore (the AWS CLI's config parser and its config writer,
# from PyPI into a venv under the target dir) for the tests that read
# Escher's added profiles back with it and that race the CLI's own writer.
# Then it runs every test: `bash scripts/test.sh [cargo test args…]`.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(mesa-vulkan-drivers desktop-file-utils fish python3 python3-venv)
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

needs='import botocore, awscli.customizations.configure.writer'
if python3 -c "$needs" >/dev/null 2>&1; then
  export ESCHER_TEST_PYTHON=python3
else
  mkdir -p "${CARGO_TARGET_DIR:-target}"
  venv="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/botocore-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if ! "$venv/bin/python" -c "$needs" >/dev/null 2>&1; then
    # awscli brings the botocore it was released with (about 35 MB in all).
    echo "scripts/test.sh: installing awscli and botocore into $venv" >&2
    "$venv/bin/python" -m pip install -q awscli
  fi
  export ESCHER_TEST_PYTHON="$venv/bin/python"
fi
exec cargo test --locked "$@"

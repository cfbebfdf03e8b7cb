#!/usr/bin/env bash
# Build the Windows release (x86_64-pc-windows-gnu, with mingw) and its
# per-user installer with NSIS (Debian's `nsis` package), on Linux:
#   bash scripts/windows-installer.sh
# writes $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/Escher-Setup.exe.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="$target/x86_64-pc-windows-gnu/release"
cargo build --release --locked --target x86_64-pc-windows-gnu --bins
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
makensis -V2 -INPUTCHARSET UTF8 \
  -DBIN="$(cd "$bin" && pwd)" \
  -DICON="$(pwd)/assets/icons/escher.ico" \
  -DVERSION="$version" \
  -DOUTFILE="$(cd "$bin" && pwd)/Escher-Setup.exe" \
  packaging/windows/escher.nsi
echo "$bin/Escher-Setup.exe"

#!/usr/bin/env bash
# Build Escher.app and the .deb with cargo-bundle, then check what a user's
# machine will read from them. `cargo bundle --format osx` also runs on
# Linux: it lays the bundle out around the host binary.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "bundle: $*" >&2; exit 1; }
command -v desktop-file-validate >/dev/null || fail "desktop-file-validate is missing (apt-get install desktop-file-utils)"
command -v cargo-bundle >/dev/null || cargo install cargo-bundle --version 0.12.0 --locked
metadata=$(cargo metadata --format-version 1 --no-deps)
target_dir=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' <<<"$metadata")
identifier=$(python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["packages"] if p["name"] == "escher"][0]["metadata"]["bundle"]["identifier"])' <<<"$metadata")

cargo bundle --release --format osx
app="$target_dir/release/bundle/osx/Escher.app"
plist="$app/Contents/Info.plist"
[ -f "$plist" ] || fail "no Info.plist in $app"
[ -x "$app/Contents/MacOS/escher" ] || fail "no executable in $app/Contents/MacOS"
ls "$app"/Contents/Resources/*.icns >/dev/null 2>&1 || fail "no .icns icon in $app/Contents/Resources"
# The plist as macOS reads it: the keys Escher needs, and the identifier
# from the package metadata.
python3 - "$plist" "$identifier" <<'PY' || fail "Info.plist is not what Escher needs"
import plistlib, sys
with open(sys.argv[1], "rb") as f:
    plist = plistlib.load(f)
needed = ["CFBundleIdentifier", "CFBundleIconFile", "LSMinimumSystemVersion",
          "NSHighResolutionCapable", "NSAppleEventsUsageDescription"]
missing = [k for k in needed if k not in plist]
if missing:
    sys.exit(f"Info.plist lacks {missing}")
if plist["CFBundleIdentifier"] != sys.argv[2]:
    sys.exit(f"Info.plist names {plist['CFBundleIdentifier']}, the package {sys.argv[2]}")
PY
dups=$(grep -o "<key>[^<]*</key>" "$plist" | sort | uniq -d)
[ -z "$dups" ] || fail "Info.plist has duplicate keys: $dups"
echo "bundle: $app has its executable, icon and plist keys"

cargo bundle --release --format deb
deb=$(ls -t "$target_dir"/release/bundle/deb/*.deb | head -1)
contents=$(dpkg-deb -c "$deb")
for path in usr/bin/escher usr/share/applications/escher.desktop; do
  grep -q "$path" <<<"$contents" || fail "$deb lacks $path"
done
grep -q "usr/share/icons/hicolor/.*/apps/escher.png" <<<"$contents" || fail "$deb lacks the icon"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
desktop-file-validate "$tmp/usr/share/applications/escher.desktop" || fail "the .deb's desktop entry is not valid"
echo "bundle: $deb installs escher, its desktop entry and icons"

#!/usr/bin/env bash
# Measure every row of the performance budget (README, "Performance") on
# this machine: release build, a local STS endpoint, 100 and 1,000
# profiles in a temp home, and the window under Xvfb with Mesa's software
# renderer. Prints one line per row: measured value, target, verdict.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools: hyperfine for whole-process timings, Xvfb for the window, and the
# libraries a window dlopens at run time (X11, xkbcommon, GL).
packages=(hyperfine xvfb libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --bin escher >&2
# The endpoint is built in the dev profile: an example pulls in every
# dev-dependency, and the tests have built those there already. It checks
# every request's SigV4 signature; it and the crates it runs on are
# optimised, so the stand-in's own work (about 20 ms of CPU for 100
# requests instead of 50 unoptimised) does not stand in for Escher's on
# the same two cores. Only those crates build again; the tests' copies stay.
opt=()
for p in escher aws-sigv4 sha2 hmac digest aws-credential-types aws-smithy-runtime-api aws-smithy-http aws-smithy-types percent-encoding; do
  opt+=(--config "profile.dev.package.$p.opt-level=3")
done
cargo build --locked --example fake_aws "${opt[@]}" >&2
bin="$target_dir/release/escher"
fake="$target_dir/debug/examples/fake_aws"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$fake" 100 > "$work/url" & pids+=($!)
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
url=$(head -1 "$work/url")

# A home with n access-key profiles p0..p{n-1}, keys the endpoint knows.
make_home() {
  local dir=$1 n=$2
  mkdir -p "$dir/.aws"
  python3 - "$dir" "$n" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(f"{d}/.aws/config", "w") as c, open(f"{d}/.aws/credentials", "w") as k:
    for i in range(n):
        c.write(f"[profile p{i}]\nregion = us-east-1\n")
        k.write(f"[p{i}]\naws_access_key_id = AKIA{i:016d}\naws_secret_access_key = secret{i}\n")
PY
  chmod 600 "$dir/.aws/credentials"
}
make_home "$work/h100" 100
make_home "$work/h1000" 1000
run() { local home=$1; shift; env -i PATH="$PATH" HOME="$home" ESCHER_CONFIG_DIR="$work/cfg" AWS_ENDPOINT_URL="$url" "$@"; }
export -f run 2>/dev/null || true

median_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(round(r['median']*1000,1))" "$1"; }
verdict() { python3 -c "import sys; print('ok' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISS')" "$1" "$2"; }
row() { printf '%-58s %12s %14s  %s\n' "$1" "$2" "$3" "$4"; }

run "$work/h100" "$bin" check p0 >/dev/null || { echo "escher check p0 failed against $url" >&2; exit 1; }
q() { printf 'env -i PATH=%q HOME=%q ESCHER_CONFIG_DIR=%q AWS_ENDPOINT_URL=%q' "$PATH" "$1" "$work/cfg" "$url"; }
hyperfine -N --warmup 3 --runs 40 --export-json "$work/one.json" "$(q "$work/h100") $bin check p0" >/dev/null 2>&1
one=$(median_ms "$work/one.json")
hyperfine -N --warmup 1 --runs 10 --export-json "$work/all.json" "$(q "$work/h100") $bin check --all" >/dev/null 2>&1
all=$(median_ms "$work/all.json")
ratio=$(python3 -c "print(round($all/$one,2))")
hyperfine -N --warmup 3 --runs 30 --export-json "$work/disc.json" "$(q "$work/h1000") $bin profiles --json" >/dev/null 2>&1
disc=$(median_ms "$work/disc.json")

# The window: first frame, then 10 s at rest.
display=:$(( 90 + RANDOM % 100 ))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!)
sleep 1
env -i PATH="$PATH" HOME="$work/h100" ESCHER_CONFIG_DIR="$work/cfg" DISPLAY="$display" \
  LIBGL_ALWAYS_SOFTWARE=1 ESCHER_TRACE_STARTUP=1 "$bin" 2> "$work/window.err" & win=$!; pids+=($win)
for _ in $(seq 200); do grep -q "first frame" "$work/window.err" 2>/dev/null && break; sleep 0.05; done
first=$(sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$work/window.err" | head -1)
[ -n "$first" ] || { echo "the window did not draw a frame:" >&2; cat "$work/window.err" >&2; exit 1; }
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$win/stat"; }
t0=$(ticks); sleep 10; t1=$(ticks)
hz=$(getconf CLK_TCK)
cpu=$(python3 -c "print(round(($t1-$t0)/($hz*10)*100, 2))")
rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$win/status")
kill "$win"; wait "$win" 2>/dev/null || true

# The window on Connect AWS, watching the AWS files' folders: 20 s at rest.
mkdir -p "$work/cfg-aws"
printf '{"schema_version":1,"step":"connect_aws"}' > "$work/cfg-aws/settings.json"
env -i PATH="$PATH" HOME="$work/h100" ESCHER_CONFIG_DIR="$work/cfg-aws" DISPLAY="$display" \
  LIBGL_ALWAYS_SOFTWARE=1 ESCHER_TRACE_STARTUP=1 "$bin" 2> "$work/window-aws.err" & win=$!; pids+=($win)
for _ in $(seq 200); do grep -q "first frame" "$work/window-aws.err" 2>/dev/null && break; sleep 0.05; done
sleep 3
t0=$(ticks); sleep 20; t1=$(ticks)
watching=$(python3 -c "print(round(($t1-$t0)/($hz*20)*100, 2))")
inotify=$(find /proc/$win/fdinfo -type f -exec grep -c '^inotify' {} + 2>/dev/null | awk -F: '{s+=$NF} END {print s+0}')
kill "$win"; wait "$win" 2>/dev/null || true

# Credentials written -> passed on screen, through the watch (kittest).
recheck=$(cargo bench --locked --profile dev --bench auto_recheck 2>/dev/null | sed -n 's/.*median \([0-9]*\) ms, slowest \([0-9]*\) ms.*/\1 \2/p')
recheck_median=${recheck% *}; recheck_slowest=${recheck#* }
size=$(python3 -c "import os; print(round(os.path.getsize('$bin')/1e6, 1))")

echo "Escher performance budget — $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB, $(uname -m), $(date -u +%Y-%m-%d)"
row "what" "measured" "target" ""
row "escher check NAME (access keys), whole process, median" "${one} ms" "<= 30 ms" "$(verdict "$one" 30)"
row "escher check of 100 profiles, whole process" "${all} ms" "<= 3x one" "${ratio}x $(verdict "$ratio" 3)"
row "escher profiles --json, 1,000 profiles, whole process" "${disc} ms" "<= 20 ms" "$(verdict "$disc" 20)"
row "window at rest for 10 s (Xvfb, Mesa software GL)" "${cpu} %" "<= 1 % core" "$(verdict "$cpu" 1)"
row "window at rest on Connect AWS ($inotify inotify watches), 20 s" "${watching} %" "<= 1 % core" "$(verdict "$watching" 1)"
row "credentials written -> passed on screen (median, slowest)" "${recheck_median} ms" "<= 2000 ms" "slowest ${recheck_slowest} ms $(verdict "$recheck_slowest" 2000)"
row "resident memory of the window at rest" "${rss} MB" "<= 150 MB" "$(verdict "$rss" 150)"
row "process start to first frame" "${first} ms" "<= 500 ms" "$(verdict "$first" 500)"
row "release binary, stripped" "${size} MB" "<= 25 MB" "$(verdict "$size" 25)"

#!/usr/bin/env bash
# Every performance figure of the README in one run, natively and in headless Chromium:
#   1. cargo bench --bench engine: events/s (bare loop, not recording, recording), seek latency
#   2. the same workload in Chromium (e2e/bench.mjs, the app's wasm in a Web Worker)
#   3. wasm/native time ratios for the same workload (goal: ≤ 1.5×), and the model checker's
#      unique states/s natively and in Chromium (goal: wasm ≥ 50 % of native)
#   4. e2e/perf.test.mjs: first render, p95 frame time with 9 nodes and 300+ messages in flight
# Usage: scripts/bench.sh   (builds dist/ with scripts/build-web.sh; takes ~3 min)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" >/dev/null

out="$TARGET_DIR/bench"
mkdir -p "$out"
say "native: cargo bench --bench engine"
cargo bench --bench engine 2>/dev/null | tee "$out/native.txt"
say "native: cargo bench --bench check -- --workload (the model checker's browser workload)"
cargo bench --bench check -- --workload 2>/dev/null | tee -a "$out/native.txt"

say "building dist/"
"$ROOT/scripts/build-web.sh" >"$out/build.log" 2>&1 || { cat "$out/build.log"; die "build failed"; }
port="$(free_port)"
python3 -m http.server --bind 127.0.0.1 --directory "$ROOT/dist" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
url="http://127.0.0.1:$port/"
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url" && break
  sleep 0.1
done

say "wasm: the same workload in headless Chromium"
BASE_URL="$url" node "$ROOT/e2e/bench.mjs" | tee "$out/wasm.txt"

say "wasm / native (time for the same work; goal ≤ 1.5×)"
rate() { grep -F "$2" "$1" | head -1 | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "M") { print $i; exit } }'; }
for what in "bare event loop" "not recording" "recording (browser"; do  # labels as both benchmarks print them
  n="$(rate "$out/native.txt" "$what")"; w="$(rate "$out/wasm.txt" "$what")"
  awk -v n="$n" -v w="$w" -v what="$what" 'BEGIN { printf "  %-20s native %5.2f M/s, wasm %5.2f M/s: wasm/native %.2f×\n", what, n, w, n / w }'
done

# The model checker: unique states per second, wasm as a share of native (goal ≥ 50 %).
n="$(grep -F 'checker workload' "$out/native.txt" | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "M") { print $i; exit } }')"
w="$(grep -F 'checker workload' "$out/wasm.txt" | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "M") { print $i; exit } }')"
awk -v n="$n" -v w="$w" 'BEGIN { printf "  %-20s native %5.3f M unique/s, wasm %5.3f M unique/s: wasm/native %.0f %% (goal >= 50 %%)\n", "model checker", n, w, 100 * w / n }'

say "browser: first render and frame time (e2e/perf.test.mjs)"
BASE_URL="$url" node "$ROOT/e2e/run.mjs" perf.test.mjs

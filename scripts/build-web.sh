#!/usr/bin/env bash
# Builds the browser app into dist/:
#   dist/index.html, dist/www/…, dist/pkg/paxoscope.js + paxoscope_bg.wasm
# Steps: setup.sh; cargo build (profile `web`, wasm32, --lib only); wasm-bindgen --target web;
# wasm-opt -Oz when binaryen is installed (PAXOSCOPE_WASM_OPT=0 skips it); copy the static files.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
t0="$(now)"

"$ROOT/scripts/setup.sh"

# Only the library: the native binary (clap) is not meant for wasm32.
say "cargo build --profile web --target wasm32-unknown-unknown --lib"
cargo build --profile web --target wasm32-unknown-unknown --lib
wasm_in="$TARGET_DIR/wasm32-unknown-unknown/web/paxoscope.wasm"
[ -f "$wasm_in" ] || die "cargo produced no $wasm_in"

dist="$ROOT/dist"
rm -rf "$dist.tmp"
mkdir -p "$dist.tmp/pkg"

say "wasm-bindgen --target web"
wasm-bindgen --target web --no-typescript --out-dir "$dist.tmp/pkg" "$wasm_in"
wasm="$dist.tmp/pkg/paxoscope_bg.wasm"

wasm_opt=""
if [ "${PAXOSCOPE_WASM_OPT:-1}" != 0 ]; then
  for c in "$ROOT/node_modules/.bin/wasm-opt" "$ROOT/node_modules/binaryen/bin/wasm-opt"; do
    if [ -x "$c" ]; then wasm_opt="$c"; break; fi
  done
fi
if [ -n "$wasm_opt" ]; then
  say "wasm-opt -Oz ($("$wasm_opt" --version))"
  # wasm-opt takes the wasm features to allow from the module's target_features section.
  "$wasm_opt" -Oz -o "$wasm.opt" "$wasm"
  mv "$wasm.opt" "$wasm"
else
  warn "wasm-opt not found (or PAXOSCOPE_WASM_OPT=0): shipping wasm-bindgen's output as is"
fi

cp index.html "$dist.tmp/"
# www/ holds the stylesheets and the Experiments tab's Web Worker (www/sweep-worker.js), which
# imports ../pkg/paxoscope.js: the same module, so nothing else needs bundling.
[ -f www/sweep-worker.js ] || die "www/sweep-worker.js is missing (the Experiments tab needs it)"
[ -f www/check-worker.js ] || die "www/check-worker.js is missing (the Checker tab needs it)"
cp -r www "$dist.tmp/www"
rm -rf "$dist"
mv "$dist.tmp" "$dist"

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
w="$dist/pkg/paxoscope_bg.wasm" j="$dist/pkg/paxoscope.js" k="$dist/www/sweep-worker.js" c="$dist/www/check-worker.js"
printf '%-22s %9s %9s\n' "dist/" "bytes" "gzip -9"
printf '%-22s %9s %9s\n' "pkg/paxoscope_bg.wasm" "$(size "$w")" "$(gz "$w")"
printf '%-22s %9s %9s\n' "pkg/paxoscope.js" "$(size "$j")" "$(gz "$j")"
printf '%-22s %9s %9s\n' "www/sweep-worker.js" "$(size "$k")" "$(gz "$k")"
printf '%-22s %9s %9s\n' "www/check-worker.js" "$(size "$c")" "$(gz "$c")"
total_gz=$(( $(gz "$w") + $(gz "$j") + $(gz "$k") + $(gz "$c") ))
printf '%-22s %9s %9s\n' "total (wasm + JS)" "$(( $(size "$w") + $(size "$j") + $(size "$k") + $(size "$c") ))" "$total_gz"
# The size ceiling (gzip -9, wasm + JS). The product budget is 350 KB; serde (+70 KB) and the
# Experiments tab (+38 KB) took the bundle past it (see README, Performance). Until that is
# decided, the ceiling is a ratchet just above today's size: the bundle may shrink; it grows only
# when a feature is merged on purpose, saying so (440 → 448 KB: the classroom work, +7 KB, and
# replayable model-checker counterexamples, +6 KB; 448 → 460 KB: the house, #11 — the inspector,
# Break Paxos picture, number line, timeline and legend as html! trees with typed callbacks
# instead of markup strings, +12.6 KB; 460 → 510 KB: the Checker tab, #14 — the model checker's
# explorer and state fingerprints, the tab, and the typed worker protocol's serde code, and the faster explorer's memo tables: +52 KB).
budget_kb="${PAXOSCOPE_BUNDLE_CEILING_KB:-510}"
if [ "$total_gz" -gt $(( budget_kb * 1024 )) ]; then
  die "bundle is $(( total_gz / 1024 )) KB gzip, above the ${budget_kb} KB ceiling"
fi
say "bundle $(( total_gz * 10 / 1024 / 10 )).$(( total_gz * 10 / 1024 % 10 )) KB gzip, under the ${budget_kb} KB ceiling (budget 350 KB)"
say "web build ok in $(elapsed "$t0"): $dist"

#!/usr/bin/env bash
# Runs every PaxosScope test suite and ends with one summary line per suite:
#   native   cargo test (lib, bins, integration tests, examples build, doc tests) on x86-64
#   browser  tests/web.rs: Yew component tests in headless Chromium (wasm-bindgen-test-runner)
#   e2e      build dist/ (scripts/build-web.sh), serve it on a free port, node e2e/run.mjs
#   lint     cargo fmt --check; clippy -D warnings, native and wasm32 (skip: --no-lint or LINT=0)
# Usage: scripts/test.sh [--no-lint] [SUITE...]   e.g. scripts/test.sh browser e2e
# Every selected suite runs even when an earlier one fails; the exit code is 1 if any failed.
# Logs: target/test-logs/<suite>.log.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1
t_all="$(now)"

lint="${LINT:-1}"
suites=()
for arg in "$@"; do
  case "$arg" in
    --lint) lint=1 ;;
    --no-lint) lint=0 ;;
    native|browser|e2e|lint) suites+=("$arg") ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (suites: native browser e2e lint; flag: --no-lint)" ;;
  esac
done
if [ "${#suites[@]}" -eq 0 ]; then
  suites=(native browser e2e)
  [ "$lint" = 1 ] && suites=(lint "${suites[@]}")
fi

logs="$TARGET_DIR/test-logs"
mkdir -p "$logs"
summary=()
n_pass=0
n_fail=0

# Totals of cargo's "test result: ok. N passed; M failed; K ignored" lines, or the e2e runner's
# "e2e: N passed, M failed" line.
counts() {
  local log="$1"
  if grep -q '^e2e: [0-9]* passed' "$log"; then
    grep '^e2e: [0-9]* passed' "$log" | tail -1 | sed 's/^e2e: //'
  elif grep -q '^test result: ' "$log"; then
    grep '^test result: ' "$log" | awk '
      { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i } }
      END { printf "%d passed, %d failed, %d ignored", p, f, g }'
  else
    echo "no test results"
  fi
}

# run_suite NAME LABEL COMMAND...: runs it, streams and logs its output, records the result.
run_suite() {
  local name="$1" label="$2"; shift 2
  local log="$logs/$name.log" t0 rc
  t0="$(now)"
  say "[$name] $label"
  "$@" 2>&1 | tee "$log"
  rc="${PIPESTATUS[0]}"
  local line
  line="$(printf '%-8s %-34s %-36s %7s' "$name" "$label" "$(counts "$log")" "$(elapsed "$t0")")"
  if [ "$rc" -eq 0 ]; then
    n_pass=$((n_pass + 1)); summary+=("${_G}PASS${_N}  $line")
  else
    n_fail=$((n_fail + 1)); summary+=("${_R}FAIL${_N}  $line  (exit $rc, log: ${log#"$ROOT"/})")
  fi
}

suite_lint() {
  local rc=0
  cargo fmt --all -- --check || rc=1
  cargo clippy --all-targets -- -D warnings || rc=1
  cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings || rc=1
  return "$rc"
}

suite_native() {
  cargo test --no-fail-fast
}

suite_browser() {
  # The runner starts chromedriver (found on PATH, or $CHROMEDRIVER) and headless Chromium.
  # Its limit is per test file; tests/web_cross_target.rs runs 4,800 simulations (~1 min).
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}" \
  CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --no-fail-fast --target wasm32-unknown-unknown $(web_tests)
}

# Every browser test file: tests/web.rs and tests/web_*.rs.
web_tests() {
  local f
  for f in "$ROOT"/tests/web.rs "$ROOT"/tests/web_*.rs; do
    [ -f "$f" ] && printf -- '--test %s ' "$(basename "$f" .rs)"
  done
}

suite_e2e() {
  "$ROOT/scripts/build-web.sh" || return 1
  local port server_pid
  port="$(free_port)"
  python3 -m http.server --bind 127.0.0.1 --directory "$ROOT/dist" "$port" >"$logs/e2e-server.log" 2>&1 &
  server_pid=$!
  # This function runs in a subshell (it is piped into tee): stop the server however it ends.
  trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
  local url="http://127.0.0.1:$port/"
  for _ in $(seq 1 100); do
    if node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"; then
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$logs/e2e-server.log"; die "the static server exited"; }
    sleep 0.1
  done
  say "serving dist/ at $url (pid $server_pid)"
  BASE_URL="$url" node "$ROOT/e2e/run.mjs"
}

if ! "$ROOT/scripts/setup.sh"; then
  echo "setup failed: no suite ran"
  echo "suites: 0 passed, ${#suites[@]} failed"
  exit 1
fi

for s in "${suites[@]}"; do
  case "$s" in
    lint)    run_suite lint    "fmt + clippy -D warnings"          suite_lint ;;
    native)  run_suite native  "cargo test"                        suite_native ;;
    browser) run_suite browser "wasm-bindgen-test, Chromium"       suite_browser ;;
    e2e)     run_suite e2e     "build dist/ + playwright e2e"      suite_e2e ;;
  esac
done

echo
echo "==================== PaxosScope test summary ($(elapsed "$t_all")) ===================="
printf '%s\n' "${summary[@]}"
echo "suites: $n_pass passed, $n_fail failed"
[ "$n_fail" -eq 0 ]

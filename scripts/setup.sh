#!/usr/bin/env bash
# Installs what building and testing PaxosScope needs, and only what is missing:
#   - the wasm32-unknown-unknown Rust target
#   - wasm-bindgen-cli, at exactly the version of the wasm-bindgen crate in Cargo.lock
#   - Debian's chromium + chromium-driver (browser tests and end-to-end tests)
#   - node_modules from package-lock.json (playwright-core; binaryen for wasm-opt)
# Idempotent: on a machine that has everything it takes a second or two.
# wasm-pack is optional and NOT installed here (it takes minutes): see scripts/README.md.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
t0="$(now)"

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "node and npm are needed (Node.js >= 20)"
fi

# 1. The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli (gives wasm-bindgen and wasm-bindgen-test-runner). No --locked: its lock
#    file pins a crate the registry lacks.
have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have_bindgen" != "$WASM_BINDGEN_VERSION" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION (have: ${have_bindgen:-none}; takes ~2.5 min)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 3. Chromium and its driver, from Debian.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "apt-get install chromium chromium-driver (takes ~1 min)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 4. Node packages: reinstall only when node_modules is missing or older than the manifests.
#    (npm writes node_modules/.package-lock.json on every install.)
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/binaryen ] \
  || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  if [ -f package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm install (no package-lock.json yet)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch "$stamp"
fi

say "setup ok in $(elapsed "$t0"): $(rustc --version | awk '{print $1, $2}'), wasm-bindgen $WASM_BINDGEN_VERSION, $(/usr/bin/chromium --version 2>/dev/null | awk '{print $1, $2}'), node $(node --version)"

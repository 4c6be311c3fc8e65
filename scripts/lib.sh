# Shared helpers for the scripts in this folder. Source it; don't run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# cargo-installed tools (wasm-bindgen) live in $CARGO_INSTALL_ROOT/bin or $CARGO_HOME/bin.
export PATH="${CARGO_INSTALL_ROOT:+$CARGO_INSTALL_ROOT/bin:}${CARGO_HOME:-$HOME/.cargo}/bin:$PATH:$ROOT/node_modules/.bin"

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock" 2>/dev/null || true
}
WASM_BINDGEN_VERSION="$(wasm_bindgen_lock_version)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"

# shellcheck disable=SC2034 # used by the scripts that source this file
# Honour CARGO_TARGET_DIR when the caller sets it; the default is ./target.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ -t 1 ]; then
  _B=$'\e[1m' _G=$'\e[32m' _R=$'\e[31m' _Y=$'\e[33m' _N=$'\e[0m'
else
  _B='' _G='' _R='' _Y='' _N=''
fi
say()  { printf '%s==> %s%s\n' "$_B" "$*" "$_N"; }
warn() { printf '%swarning: %s%s\n' "$_Y" "$*" "$_N" >&2; }
die()  { printf '%serror: %s%s\n' "$_R" "$*" "$_N" >&2; exit 1; }

# Seconds since the epoch, with milliseconds.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Run as root directly, otherwise through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# A TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

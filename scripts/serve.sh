#!/usr/bin/env bash
# Builds the web app (scripts/build-web.sh) and serves dist/ at http://127.0.0.1:${PORT:-8080}/.
# SKIP_BUILD=1 serves the dist/ that is already there.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
PORT="${PORT:-8080}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  "$ROOT/scripts/build-web.sh"
fi
[ -f dist/index.html ] || die "dist/ is empty: run scripts/build-web.sh"

say "serving dist/ at http://127.0.0.1:$PORT/ (Ctrl-C stops)"
exec python3 -m http.server --bind 127.0.0.1 --directory dist "$PORT"

#!/usr/bin/env bash
# Regenerates the Raft-paper-Figure-16-style pictures in docs/: time without a leader after a
# leader crash, 5 nodes, TimeLock's random wait U[0, max) for max = 0, 5, 25, 50, 150, 300 ms,
# 1,000 runs each, seed 1 — once with AtlasDB's own timings (1–5 ms network, 50 ms pings, 2 s
# ping timeout), once with the classroom timings (60–140 ms network, 300 ms pings, 1.5 s), and
# once as AtlasDB's code is written (its quirks: a crashed process refuses connections, so a
# ping fails at once); and a cold start, where all five nodes begin together (Raft's case).
# Writes docs/figure16-<name>.svg (the CDF) and .json (the numbers in the
# README), and prints the tables. Usage: scripts/figure16.sh   (about a second per picture on 2 cores)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

say "cargo build --release"
cargo build --release --quiet
bin="$TARGET_DIR/release/paxoscope"

for name in atlasdb classroom atlasdb-as-written cold-start; do
  args=(sweep --nodes 5 --backoff uniform --backoff-max-ms 0,5,25,50,150,300 --runs 1000 --seed 1)
  case "$name" in
    cold-start) args+=(--scenario cold-start-5) ;;
    *) args+=(--scenario leader-crash) ;;
  esac
  case "$name" in
    atlasdb)
      args+=(--preset atlasdb)
      title="Leader crash, 5 nodes, AtlasDB timings (1–5 ms network, 2 s ping timeout)" ;;
    classroom)
      args+=(--preset classroom)
      title="Leader crash, 5 nodes, classroom timings (60–140 ms network, 1.5 s ping timeout)" ;;
    atlasdb-as-written)
      args+=(--preset atlasdb --protocol atlasdb)
      title="Leader crash, AtlasDB as written (a dead process refuses pings at once)" ;;
    cold-start)
      args+=(--preset classroom)
      title="Cold start, 5 nodes booting together, classroom timings (time to the first leader)" ;;
  esac
  say "paxoscope ${args[*]}"
  "$bin" "${args[@]}"
  "$bin" "${args[@]}" --json --svg "docs/figure16-$name.svg" --title "$title" >"docs/figure16-$name.json"
done
say "wrote docs/figure16-{atlasdb,classroom,atlasdb-as-written,cold-start}.{svg,json}"

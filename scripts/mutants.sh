#!/usr/bin/env bash
# Mutation testing of the safety core with cargo-mutants (not in CI: about an hour on 2 cores).
#
# Each shard mutates one part of the core and runs a focused test command against every mutant:
#   acceptor   src/engine/acceptor.rs (whole file)
#   proposer   src/engine/proposer.rs (whole file)
#   learner    src/engine/learner.rs (whole file)
#   leadership src/engine/leadership_check.rs (whole file): the check's tally and verdicts
#   election   src/engine/election.rs: the leadership check (iterate, the Checking replies and
#              timeout, a learned later round) — not the pinger, catch-up or backoff
#   timestamp  src/engine/timestamp.rs: the bound logic (store limits, the per-request check and
#              its fence, recovery, forcing, extending, serving under the bound, stale stores)
#   checker    src/sim/checker.rs (whole file)
# Tests per mutant, in two stages: (1) every mutant against the lib's unit tests; (2) the ones
# that survive (cargo mutants --iterate) against the lib, tests/scenarios.rs and tests/swarm.rs
# with PAXOSCOPE_SWARM_SEEDS seeds per range (default 300; every pinned bug seed is still
# reached), skipping the two swarm tests that attribute or sweep AtlasDB quirks. A mutant
# counts as caught if either stage catches it (STAGE2=0 skips stage 2).
#
# Usage: scripts/mutants.sh [SHARD...] [-- EXTRA cargo-mutants ARGS]
#   scripts/mutants.sh                          every shard, one after another
#   scripts/mutants.sh checker                  one shard
#   scripts/mutants.sh proposer -- --list       list its mutants without testing them
#   scripts/mutants.sh checker -- --re 'Checker::served'   only some mutants
#   scripts/mutants.sh checker -- --iterate     skip mutants caught in the previous run
# Env: JOBS (default 1: the machine is shared), TIMEOUT (per-mutant test timeout in seconds,
#   default 240), PAXOSCOPE_SWARM_SEEDS (default 300), STAGE2=0 (stage 1 only), MUTANTS_TAG
#   (results in target/mutants/<shard>-<tag>, own build directory: for two runs side by side).
# Results: target/mutants/<shard>/mutants.out/ (caught.txt, missed.txt, timeout.txt,
#   unviable.txt, outcomes.json, a log per mutant); a summary line per shard at the end.
# Builds use the test profile at opt-level 0 without debug info (faster rebuilds per mutant);
# every shard shares one target directory, target/mutants/build, so dependencies build once.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1

MUTANTS_VERSION=27.1.0

all_shards=(acceptor proposer learner leadership election timestamp checker)
shards=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    acceptor|proposer|learner|leadership|election|timestamp|checker) shards+=("$1") ;;
    *) die "unknown shard '$1' (shards: ${all_shards[*]})" ;;
  esac
  shift
done
[ "${#shards[@]}" -eq 0 ] && shards=("${all_shards[@]}")

if [ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $MUTANTS_VERSION" ]; then
  say "installing cargo-mutants $MUTANTS_VERSION (~2.5 min)"
  cargo install cargo-mutants --locked --version "$MUTANTS_VERSION" || die "cargo install failed"
fi

# The functions of election.rs and timestamp.rs that make up the leadership check and the
# bound logic (cargo-mutants --re matches the mutant's description, which names its function).
election_re='Node::(iterate|on_election_latest_reply|on_election_latest_refused|end_election_check|on_election_timer|on_leadership_learned|lose_leadership)'
timestamp_re='(BoundStore::(limit|next_seq)|fence_on|Node::(start_service_check|fenced_bound_seq|on_service_latest_reply|on_learned_reply|start_recovery|recovery_lookup|force|finish_recovery|process_queue|extend|on_bound_outcome|end_service_check|on_service_latest_refused|drop_stale_store|on_bound_learned|lose_store))'

shard_args() {
  case "$1" in
    acceptor) echo "--file src/engine/acceptor.rs" ;;
    proposer) echo "--file src/engine/proposer.rs" ;;
    learner) echo "--file src/engine/learner.rs" ;;
    leadership) echo "--file src/engine/leadership_check.rs" ;;
    election) echo "--file src/engine/election.rs --re $election_re" ;;
    timestamp) echo "--file src/engine/timestamp.rs --re $timestamp_re" ;;
    checker) echo "--file src/sim/checker.rs" ;;
  esac
}

export PAXOSCOPE_SWARM_SEEDS="${PAXOSCOPE_SWARM_SEEDS:-300}"
export CARGO_PROFILE_TEST_OPT_LEVEL="${CARGO_PROFILE_TEST_OPT_LEVEL:-0}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-0}"
export CARGO_TARGET_DIR="${MUTANTS_BUILD_DIR:-$TARGET_DIR/mutants/build}"
out_root="$TARGET_DIR/mutants"
# Two runs side by side (e.g. `-- --shard 0/2` and `-- --shard 1/2`) need their own results
# and build directories: MUTANTS_TAG=a / b.
tag="${MUTANTS_TAG:+-$MUTANTS_TAG}"
[ -n "$tag" ] && [ -z "${MUTANTS_BUILD_DIR:-}" ] && export CARGO_TARGET_DIR="$CARGO_TARGET_DIR$tag"
mkdir -p "$out_root"

results=()
t_all="$(now)"
for shard in "${shards[@]}"; do
  t0="$(now)"
  say "[$shard] cargo mutants $(shard_args "$shard")"
  # Stage 1: every mutant against the lib's unit tests (one crate to rebuild, well under a
  # second to run). Targets go in --cargo-arg so the build step (cargo test --no-run) builds
  # only them too, not every test, bin and bench.
  # shellcheck disable=SC2046 # the shard's arguments are words
  cargo mutants $(shard_args "$shard") \
    --jobs "${JOBS:-1}" --timeout "${TIMEOUT:-240}" --build-timeout 900 \
    --no-shuffle --test-tool cargo --output "$out_root/$shard$tag" \
    --cargo-arg=--lib "${extra[@]}"
  rc=$?
  # Stage 2: the survivors (and timeouts) again, with the scenarios and the quick swarm too.
  if { [ "$rc" -eq 2 ] || [ "$rc" -eq 3 ]; } && [ "${STAGE2:-1}" = 1 ]; then
    say "[$shard] stage 2: missed mutants against --lib + scenarios + swarm"
    rm -rf "$out_root/$shard$tag/stage1.out"
    cp -r "$out_root/$shard$tag/mutants.out" "$out_root/$shard$tag/stage1.out"
    # shellcheck disable=SC2046
    cargo mutants $(shard_args "$shard") \
      --jobs "${JOBS:-1}" --timeout "${TIMEOUT:-240}" --build-timeout 900 \
      --no-shuffle --test-tool cargo --output "$out_root/$shard$tag" --iterate \
      --cargo-arg=--lib --cargo-arg=--test=scenarios --cargo-arg=--test=swarm \
      "${extra[@]}" \
      -- --skip atlasdb_as_written --skip the_quirks_without_a_hazard
    rc=$?
  fi
  o="$out_root/$shard$tag/mutants.out"
  count() { [ -f "$o/$1.txt" ] && grep -c . "$o/$1.txt" || echo 0; }
  results+=("$(printf '%-10s caught %3s  missed %3s  timeout %3s  unviable %3s  %8s  (exit %s)' \
    "$shard" "$(count caught)" "$(count missed)" "$(count timeout)" "$(count unviable)" \
    "$(elapsed "$t0")" "$rc")")
done

echo
echo "==================== mutation testing ($(elapsed "$t_all")) ===================="
printf '%s\n' "${results[@]}"
echo "missed mutants: $out_root/<shard>/mutants.out/missed.txt"

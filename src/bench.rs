//! The benchmark workload, shared by `cargo bench`, the CI budget test and the browser
//! (`bench_engine` in `ui::bench`), so that "events per second natively" and "in Chromium"
//! are measured on exactly the same simulation and their ratio means something.
//!
//! It also holds a **bare event loop** — a priority queue of timed events with a trivial
//! handler and no Paxos — measured in the same process, so a budget can be a ratio ("the
//! engine runs at least this fraction of the bare loop's speed") that a slow or loaded machine
//! does not fail at random.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::sim::config::Preset;
use crate::sim::history::NoRecord;
use crate::sim::{Run, SimConfig, World};

/// The workload: five nodes with AtlasDB's timings and four busy timestamp clients —
/// elections, pings, bound extensions and client traffic, all under load.
pub fn workload() -> SimConfig {
    let mut c = SimConfig::preset(Preset::AtlasDb, 5, 42);
    c.clients.count = 4;
    c
}

/// Runs the workload for `steps` steps, recording every event for time travel as the page
/// and the CLI do (`record`), or not, as the swarm does. Returns the run's virtual end time
/// (µs), so the work cannot be optimised away and callers can report it.
pub fn run_workload(steps: u64, record: bool) -> u64 {
    if record {
        let mut run = Run::new(workload(), vec![]).expect("the workload is valid");
        while run.world().steps < steps && run.step() {}
        run.world().now
    } else {
        let mut w = World::new(workload());
        while w.steps < steps && w.step(&[], &mut NoRecord) {}
        w.now
    }
}

/// The bare event loop: `events` timed events through a binary heap, each handler drawing a
/// pseudo-random delay and scheduling one follow-up, with a running checksum. About the
/// cheapest possible discrete-event simulation; returns the checksum.
pub fn bare_event_loop(events: u64) -> u64 {
    let mut heap = BinaryHeap::with_capacity(1024);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..512u64 {
        heap.push(Reverse((i * 97, i)));
    }
    let mut sum = 0u64;
    for _ in 0..events {
        let Some(Reverse((t, id))) = heap.pop() else {
            break;
        };
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum = sum.wrapping_add(t ^ id);
        heap.push(Reverse((t + 1 + (x % 5_000), id)));
    }
    sum
}

/// The model-checker workload, the same natively (`cargo bench --bench check -- --workload`)
/// and in Chromium (`bench_check` in `ui::bench`, run by `e2e/bench.mjs`): depth-first over
/// the 3-node leadership duel (two proposers, one wake-up each, no crash), cut at
/// `max_states` unique states.
pub fn check_workload(max_states: u64) -> crate::check::CheckConfig {
    // The unreduced duel (`check::bench_config`): the same work natively and in the browser,
    // comparable with other checkers'.
    let mut cfg = crate::check::bench_config();
    cfg.max_states = max_states;
    cfg
}

/// Explores [`check_workload`] to its state limit (or to the end); returns (unique states,
/// states generated), so callers can report rates and the work cannot be optimised away.
pub fn run_check(max_states: u64) -> (u64, u64) {
    let mut ex = crate::check::Explorer::new(check_workload(max_states));
    while !ex.run(4_096) {}
    let p = ex.progress();
    (p.unique, p.states)
}

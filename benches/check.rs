//! Model-checker throughput: the 3-node leadership duel (two proposers, one wake-up each, no
//! crash) explored to exhaustion depth-first and breadth-first without the reduction (then
//! depth-first with it), with unique states per second
//! and fingerprint-table bytes per state — the numbers the README sets beside stateright's.
//! `cargo bench --bench check` (add `-- --crash` for the one-crash configuration, cut at
//! 5 M states; `-- --no-memo` to measure without the node-event and checker-step memos;
//! `-- --workload` for only the browser comparison's workload,
//! `paxoscope::bench::check_workload`, which `e2e/bench.mjs` runs in Chromium).

#[cfg(not(target_arch = "wasm32"))]
use paxoscope::check::{self, Search};

/// Nothing to time in wasm32 (no clock): the browser reports its own numbers
/// (`check::bench_dfs` with its own clock).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if std::env::args().any(|a| a == "--workload") {
        return workload();
    }
    let crash = std::env::args().any(|a| a == "--crash");
    let memo = !std::env::args().any(|a| a == "--no-memo");
    for (search, reduce) in [
        (Search::Dfs, false),
        (Search::Bfs, false),
        (Search::Dfs, true),
    ] {
        let mut cfg = check::bench_config();
        cfg.search = search;
        cfg.reduce = reduce;
        cfg.memo = memo;
        cfg.bounds.crashes = u8::from(crash);
        if crash {
            cfg.max_states = 5_000_000;
        }
        let (_, r) = check::check(cfg);
        println!(
            "{}{}: {} states, {} unique, depth {}, {:.2} s, {:.0} unique states/s, {:.1} bytes/state, {}",
            search.name(),
            if reduce { " (reduced)" } else { "" },
            r.progress.states,
            r.progress.unique,
            r.progress.depth,
            r.seconds,
            r.unique_per_second(),
            r.bytes_per_state,
            match r.verdict {
                check::Verdict::Safe => "safe",
                check::Verdict::Unfinished => "unfinished",
                check::Verdict::Violation { .. } => "VIOLATION",
            }
        );
    }
}

/// The workload shared with the browser, best of `BENCH_CHECK_RUNS` (default 2), printed as
/// `e2e/bench.mjs` prints it.
#[cfg(not(target_arch = "wasm32"))]
fn workload() {
    let states: u64 = std::env::var("BENCH_CHECK_STATES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("BENCH_CHECK_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let mut best = f64::INFINITY;
    let mut unique = 0;
    for _ in 0..runs.max(1) {
        let start = std::time::Instant::now();
        unique = paxoscope::bench::run_check(states).0;
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "checker workload (DFS, 3-node duel):   {:>6.3} M unique/s  ({:.0} ms; {unique} unique states, best of {runs})",
        unique as f64 / best / 1e6,
        best * 1e3
    );
}

//! Model-checker throughput: the 3-node leadership duel (two proposers, one wake-up each, no
//! crash) explored to exhaustion depth-first and breadth-first without the reduction (then
//! depth-first with it), with unique states per second
//! and fingerprint-table bytes per state — the numbers the README sets beside stateright's.
//! `cargo bench --bench check` (add `-- --crash` for the one-crash configuration, cut at
//! 5 M states; `-- --no-memo` to measure without the node-event and checker-step memos).

#[cfg(not(target_arch = "wasm32"))]
use paxoscope::check::{self, Search};

/// Nothing to time in wasm32 (no clock): the browser reports its own numbers
/// (`check::bench_dfs` with its own clock).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
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

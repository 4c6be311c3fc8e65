//! Native ≡ wasm at scale: every scenario, under both protocol profiles, at 100 seeds each.
//! The native test (`tests/cross_target.rs`) computes each case's trace fingerprint and
//! compares it with `tests/fixtures/cross-target.txt`; the browser test
//! (`tests/web_cross_target.rs`) computes the same cases inside Chromium and compares them
//! with the same file. So a difference between targets fails one of the two, and the file
//! says which case. Each case also rewinds and plays forward again, which must reproduce
//! the same fingerprint exactly (time travel is part of determinism).

use paxoscope::codec::trace::trace_hash;
use paxoscope::engine::Protocol;
use paxoscope::sim::scenario;
use paxoscope::sim::{Run, Time};

/// Seeds per (scenario, profile).
pub const SEEDS: u64 = 100;

/// Virtual time each case runs to: long enough for elections, a duel, a failover and bound
/// extensions in most scenarios; short enough that 4,800 cases take seconds.
pub const HORIZON: Time = 3_000_000;

/// The fixture: one line per case, `scenario profile seed events hash`.
pub const FIXTURE: &str = include_str!("../fixtures/cross-target.txt");

/// One case of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    pub scenario: &'static str,
    pub protocol: Protocol,
    pub seed: u64,
}

/// Every case, in the fixture's order.
pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for s in scenario::all() {
        for protocol in Protocol::ALL {
            for i in 0..SEEDS {
                out.push(Case {
                    scenario: s.name,
                    protocol,
                    seed: 0x9e37_79b9_0000_0000 ^ i.wrapping_mul(0x2545_f491_4f6c_dd1d),
                });
            }
        }
    }
    out
}

/// Runs one case to [`HORIZON`], rewinds to a third of it and plays forward again; returns
/// (events, trace hash) or what went wrong.
pub fn run_case(c: Case) -> Result<(usize, u64), String> {
    let s = scenario::by_name(c.scenario).ok_or("unknown scenario")?;
    let mut cfg = s.config;
    cfg.seed = c.seed;
    cfg.protocol.quirks = c.protocol.quirks();
    let mut run = Run::new(cfg, s.interventions)?;
    run.seek(HORIZON);
    let n = run.cursor_event();
    let first = trace_hash(run.history(), n);
    run.seek(HORIZON / 3);
    run.seek(HORIZON);
    let again = (
        run.cursor_event(),
        trace_hash(run.history(), run.cursor_event()),
    );
    if again != (n, first) {
        return Err(format!(
            "rewinding and replaying changed the trace: {n} events {first:016x} then {} events {:016x}",
            again.0, again.1
        ));
    }
    Ok((n, first))
}

/// One fixture line for a case and its result.
pub fn line(c: Case, events: usize, hash: u64) -> String {
    format!(
        "{} {} {} {} {:016x}",
        c.scenario,
        c.protocol.name(),
        c.seed,
        events,
        hash
    )
}

/// The fixture's lines, checked to cover every case once; the error says how to re-pin.
pub fn expected() -> Result<Vec<&'static str>, String> {
    let lines: Vec<&str> = FIXTURE.lines().collect();
    let n = cases().len();
    if lines.len() != n {
        return Err(format!(
            "the fixture has {} lines for {n} cases: re-pin it (PAXOSCOPE_REPIN=1 cargo test --test cross_target)",
            lines.len()
        ));
    }
    Ok(lines)
}

/// Runs one case and compares it with its fixture line; `Some` says how it differs.
pub fn check(c: Case, want: &str) -> Option<String> {
    let got = match run_case(c) {
        Ok((n, h)) => line(c, n, h),
        Err(e) => format!("{c:?}: {e}"),
    };
    (got != want).then(|| format!("expected {want}\n     got {got}"))
}

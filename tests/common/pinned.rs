//! Trace fingerprints pinned from a native run. Native and browser (wasm32) tests both
//! assert them: the same seed, configuration and interventions give the same trace
//! everywhere. If the engine's behaviour changes on purpose, re-pin these.

/// (scenario, cursor µs, events up to the cursor, trace hash).
pub const PINNED: [(&str, u64, usize, u64); 6] = [
    ("cold-start-5", 5_000_000, 871, 0xe5a9_1875_5bf7_31f8),
    ("leader-crash", 12_000_000, 1771, 0x0267_54a4_b047_b6f4),
    ("lossy-network", 8_000_000, 1045, 0x85e9_3232_883a_163e),
    ("bug-minority-quorum", 5_000_000, 703, 0x4c6f_24af_a18d_e618),
    ("dueling-no-backoff", 3_000_000, 1655, 0xaa15_649a_61b5_12a6),
    ("bound-extension", 6_000_000, 1276, 0xbdad_0204_6924_9a8f),
];

/// Runs a pinned scenario to its cursor and returns (events, hash).
pub fn replay(name: &str, t: u64) -> (usize, u64) {
    let s = paxoscope::sim::scenario::by_name(name).expect("pinned scenario exists");
    let mut run = paxoscope::sim::Run::new(s.config, s.interventions).expect("valid");
    run.seek(t);
    let n = run.cursor_event();
    (n, paxoscope::sim::trace::trace_hash(run.history(), n))
}

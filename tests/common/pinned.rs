//! Trace fingerprints pinned from a native run. Native and browser (wasm32) tests both
//! assert them: the same seed, configuration and interventions give the same trace
//! everywhere. If the engine's behaviour changes on purpose, re-pin these.

/// (scenario, cursor µs, events up to the cursor, trace hash).
pub const PINNED: [(&str, u64, usize, u64); 6] = [
    ("cold-start-5", 5_000_000, 870, 0xa0ef_ffd3_7a3e_896c),
    ("leader-crash", 12_000_000, 1770, 0x3ae8_fc84_66af_e3c9),
    ("lossy-network", 8_000_000, 1044, 0xf563_b21c_2dc5_81e9),
    ("bug-minority-quorum", 5_000_000, 701, 0xf697_996b_277c_1741),
    ("dueling-no-backoff", 3_000_000, 1655, 0xaa15_649a_61b5_12a6),
    ("bound-extension", 6_000_000, 1275, 0x2128_8154_499e_9f57),
];

/// Runs a pinned scenario to its cursor and returns (events, hash).
pub fn replay(name: &str, t: u64) -> (usize, u64) {
    let s = paxoscope::sim::scenario::by_name(name).expect("pinned scenario exists");
    let mut run = paxoscope::sim::Run::new(s.config, s.interventions).expect("valid");
    run.seek(t);
    let n = run.cursor_event();
    (n, paxoscope::sim::trace::trace_hash(run.history(), n))
}

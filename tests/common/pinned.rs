//! Trace fingerprints pinned from a native run. Native and browser (wasm32) tests both
//! assert them: the same seed, configuration and interventions give the same trace
//! everywhere. If the engine's behaviour changes on purpose, re-pin these.

/// (scenario, cursor µs, events up to the cursor, trace hash).
pub const PINNED: [(&str, u64, usize, u64); 6] = [
    ("cold-start-5", 5_000_000, 870, 0x9cea_5ca4_d9e2_cfe0),
    ("leader-crash", 12_000_000, 1770, 0xa053_b3a4_f7c5_19df),
    ("lossy-network", 8_000_000, 1044, 0x3d61_d88c_fa8d_aa73),
    ("bug-minority-quorum", 5_000_000, 701, 0xf7e4_292c_6ff9_6124),
    ("dueling-no-backoff", 3_000_000, 1655, 0xaa15_649a_61b5_12a6),
    ("bound-extension", 6_000_000, 1275, 0x46fa_e7c0_bfe1_b5c9),
];

/// Runs a pinned scenario to its cursor and returns (events, hash).
pub fn replay(name: &str, t: u64) -> (usize, u64) {
    let s = paxoscope::sim::scenario::by_name(name).expect("pinned scenario exists");
    let mut run = paxoscope::sim::Run::new(s.config, s.interventions).expect("valid");
    run.seek(t);
    let n = run.cursor_event();
    (n, paxoscope::sim::trace::trace_hash(run.history(), n))
}

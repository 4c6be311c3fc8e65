//! Trace fingerprints pinned from a native run. Native and browser (wasm32) tests both
//! assert them: the same seed, configuration and interventions give the same trace
//! everywhere. If the engine's behaviour changes on purpose, re-pin these.

/// (scenario, cursor µs, events up to the cursor, trace hash).
pub const PINNED: [(&str, u64, usize, u64); 6] = [
    ("cold-start-5", 5_000_000, 871, 0x442e_b347_de75_2e9f),
    ("leader-crash", 12_000_000, 1771, 0x1bef_86a0_e71c_e49c),
    ("lossy-network", 8_000_000, 1045, 0xeb38_b87b_60cd_6429),
    ("bug-minority-quorum", 5_000_000, 703, 0xe777_c315_73b6_4056),
    ("dueling-no-backoff", 3_000_000, 1655, 0xee4e_ce45_5406_227d),
    ("bound-extension", 6_000_000, 1276, 0x7a5a_f633_468b_da1a),
];

/// Runs a pinned scenario to its cursor and returns (events, hash).
pub fn replay(name: &str, t: u64) -> (usize, u64) {
    let s = paxoscope::sim::scenario::by_name(name).expect("pinned scenario exists");
    let mut run = paxoscope::sim::Run::new(s.config, s.interventions).expect("valid");
    run.seek(t);
    let n = run.cursor_event();
    (n, paxoscope::codec::trace::trace_hash(run.history(), n))
}

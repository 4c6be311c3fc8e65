//! Entry points `scripts/bench.sh` calls in Chromium (through `e2e/bench.mjs`): the same
//! workload and bare loop as `cargo bench`, so the wasm/native ratio is measured side by side.
//! The page never calls them.

use wasm_bindgen::prelude::*;

/// Runs the shared benchmark workload for `steps` steps (recording for time travel when
/// `record`); returns its virtual end time in µs. JavaScript times the call.
#[wasm_bindgen]
pub fn bench_engine(steps: u32, record: bool) -> f64 {
    crate::bench::run_workload(u64::from(steps), record) as f64
}

/// The bare event loop of [`crate::bench::bare_event_loop`], for the same ratio as natively.
#[wasm_bindgen]
pub fn bench_bare_loop(events: u32) -> f64 {
    crate::bench::bare_event_loop(u64::from(events)) as f64
}

/// The model-checker workload of [`crate::bench::run_check`], cut at `max_states` unique
/// states; returns the unique states explored. JavaScript times the call.
#[wasm_bindgen]
pub fn bench_check(max_states: u32) -> f64 {
    crate::bench::run_check(u64::from(max_states)).0 as f64
}

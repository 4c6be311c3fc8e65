//! The entry point Web Workers call: `www/sweep-worker.js` loads this same wasm module in a
//! worker and asks it for chunks of a sweep. Nothing else of the app runs there (see
//! [`super::start`]).

use wasm_bindgen::prelude::*;

use crate::sim::sweep::SweepSpec;

/// Runs `count` runs of setting `setting` from run `first` of the sweep in `query` (its
/// `x…` link parameters) and returns their CSV lines, or one line starting `error:` saying
/// what was wrong — a worker never panics on bad input.
#[wasm_bindgen]
pub fn sweep_chunk(query: &str, setting: u32, first: u32, count: u32) -> String {
    let spec = match SweepSpec::from_query(query) {
        Some((spec, warnings)) if warnings.is_empty() => spec,
        Some((_, warnings)) => return format!("error: {}", warnings.join(" ")),
        None => return "error: the worker was sent no sweep".to_string(),
    };
    match spec.run_chunk(setting as usize, first, count) {
        Ok(rows) => rows.iter().map(|r| r.csv()).collect::<Vec<_>>().join("\n"),
        Err(e) => format!("error: {e}"),
    }
}

/// The Checker tab's worker (`www/check-worker.js`): starts the check in `request` (a
/// [`crate::lab::checker::StartCheck`] as JSON) in this instance. Returns "" when it started,
/// or a `failed` message (JSON) saying why not.
#[wasm_bindgen]
pub fn check_start(request: &str) -> String {
    crate::lab::checker::worker_start(request, js_sys::Date::now()).unwrap_or_default()
}

/// Explores for a fraction of a second and returns the message to post (progress, or the
/// result), as JSON. Call again while [`check_busy`] says so.
#[wasm_bindgen]
pub fn check_step() -> String {
    let (msg, more) = crate::lab::checker::worker_step(&js_sys::Date::now);
    CHECK_BUSY.with(|b| b.set(more));
    msg
}

/// Whether the last [`check_step`] left work to do.
#[wasm_bindgen]
pub fn check_busy() -> bool {
    CHECK_BUSY.with(|b| b.get())
}

thread_local! {
    static CHECK_BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

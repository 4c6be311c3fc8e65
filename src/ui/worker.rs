//! The entry point Web Workers call: `www/sweep-worker.js` loads this same wasm module in a
//! worker and asks it for chunks of a sweep. Nothing else of the app runs there (see
//! [`super::start`]).

use wasm_bindgen::prelude::*;

use crate::lab::experiments::run_chunk;

/// Runs one chunk of a sweep: `request` is a [`crate::lab::experiments::ChunkRequest`] as
/// JSON, the answer a `ChunkReply` as JSON (rows or the reason there are none) — typed at
/// both ends, the script in between only carries the text.
#[wasm_bindgen]
pub fn sweep_chunk(request: &str) -> String {
    run_chunk(request)
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

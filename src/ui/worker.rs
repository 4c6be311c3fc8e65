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

//! The entry point Web Workers call: `www/sweep-worker.js` loads this same wasm module in a
//! worker and asks it for chunks of a sweep. Nothing else of the app runs there (see
//! [`super::start`]).

use wasm_bindgen::prelude::*;

use crate::lab::experiments::SweepSpec;

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

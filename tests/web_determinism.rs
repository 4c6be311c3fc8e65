//! Determinism across targets: the pinned scenarios, run inside Chromium (wasm32), produce
//! exactly the trace fingerprints pinned from a native run (tests/determinism.rs checks the
//! same numbers natively).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "common/pinned.rs"]
mod pinned;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_traces_match_the_native_fingerprints() {
    for (name, t, events, hash) in pinned::PINNED {
        assert_eq!(pinned::replay(name, t), (events, hash), "{name} at {t} µs");
    }
}

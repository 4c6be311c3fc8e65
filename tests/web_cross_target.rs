//! Browser half of the cross-target check: the same 4,800 cases as `tests/cross_target.rs`,
//! computed in Chromium (wasm32), must match the fingerprints pinned from the native run.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "common/cross.rs"]
mod cross;

wasm_bindgen_test_configure!(run_in_browser);

/// Async so the page can answer the test runner between chunks of cases (a page busy for
/// more than a few seconds makes the WebDriver poll time out); `scripts/test.sh` raises the
/// runner's overall limit for this file.
#[wasm_bindgen_test]
async fn wasm_matches_native_for_every_scenario_profile_and_seed() {
    let want = cross::expected().unwrap_or_else(|e| panic!("{e}"));
    let cases = cross::cases();
    let mut bad = Vec::new();
    for (i, (c, w)) in cases.iter().zip(&want).enumerate() {
        bad.extend(cross::check(*c, w));
        if i % 40 == 39 {
            yew::platform::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases differ (first ten):\n{}",
        bad.len(),
        cases.len(),
        bad[..bad.len().min(10)].join("\n")
    );
}

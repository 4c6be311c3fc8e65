//! Browser component tests for the Yew front end (wasm32 only).
//!
//! Run with `scripts/test.sh`, or directly:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!  cargo test --target wasm32-unknown-unknown --test web`
//! (chromedriver must be on PATH), or `wasm-pack test --headless --chrome -- --test web`.
//! The helpers every browser test file shares are in tests/common/web.rs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn renders_heading_and_play_button() {
    let root = mount("").await;
    assert_eq!(text(&root, "h1"), "PaxosScope");
    assert_eq!(text(&root, "#play"), "Play");
    assert_eq!(text(&root, "#clock"), "t = 0.000 s");
}

#[wasm_bindgen_test]
async fn play_runs_the_clock_and_pause_stops_it_where_the_share_link_says() {
    let root = mount("").await;
    let start = text(&root, "#clock");
    click(&root, "#play");
    wait_text_eq(&root, "#play", "Pause").await;
    // Playing really runs the simulation: the virtual clock moves.
    wait_text(&root, "#clock", "a later time", |t| t != start).await;
    click(&root, "#play");
    // Paused, the app writes the moment it stopped at into the share link (it does not while
    // playing): the link and the clock agree, past the start.
    wait_paused(&root).await;
    assert!(clock_ms(&text(&root, "#clock")) > 0);
}

//! Browser component tests for the Yew front end (wasm32 only).
//!
//! Run with `scripts/test.sh`, or directly:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!  cargo test --target wasm32-unknown-unknown --test web`
//! (chromedriver must be on PATH), or `wasm-pack test --headless --chrome -- --test web`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use paxoscope::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh `<div>` of its own, so tests never see each other's DOM.
fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Yew renders asynchronously: let the scheduler run before reading the DOM.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(10)).await;
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn renders_heading_and_play_button() {
    let root = mount();
    settle().await;
    assert_eq!(text(&root, "h1"), "PaxosScope");
    assert_eq!(text(&root, "#play"), "Play");
}

#[wasm_bindgen_test]
async fn play_button_toggles() {
    let root = mount();
    settle().await;
    let button: HtmlElement = root
        .query_selector("#play")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    settle().await;
    assert_eq!(text(&root, "#play"), "Pause");
    button.click();
    settle().await;
    assert_eq!(text(&root, "#play"), "Play");
}

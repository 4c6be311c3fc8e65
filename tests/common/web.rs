//! Shared by the browser test files (`#[path = "common/web.rs"] mod web_common;`).
#![cfg(target_arch = "wasm32")]

use paxoscope::ui::App;
use web_sys::Element;

/// Puts `search` ("?s=…" or "") in the address bar, as a share link would, and mounts `App`
/// into a fresh `<div>` of its own (the app reads the address once, at its first render).
/// Yew renders asynchronously: wait before reading the DOM.
pub fn mount_app(search: &str) -> Element {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}")),
        )
        .unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

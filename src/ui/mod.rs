//! Placeholder browser front end (wasm32 only): a heading and a Play/Pause button.
//!
//! This module exists so the web build, the browser tests and the end-to-end tests have
//! something to load; the real UI replaces it.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The root component: the title and a Play/Pause toggle (`#play`).
#[component]
pub fn App() -> Html {
    let playing = use_state(|| false);
    let onclick = {
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| playing.set(!*playing))
    };
    html! {
        <>
            <h1>{ "PaxosScope" }</h1>
            <button id="play" type="button" {onclick}>
                { if *playing { "Pause" } else { "Play" } }
            </button>
        </>
    }
}

/// Entry point run by the wasm-bindgen glue on `init()`: mounts [`App`] into
/// `<main id="app">`, or into `<body>` when the page has no such element.
#[wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}

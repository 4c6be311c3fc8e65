//! The browser front end (wasm32 only): Yew function components that draw a
//! [`crate::lab::Lab`] and dispatch [`crate::lab::LabAction`]s. No protocol logic lives here.
//!
//! Imports: only `crate::lab` (which re-exports the value types a view may name) and this
//! folder; never the engine, the simulator, the codecs or the `World` (tests/layers.rs). The
//! lab is read through [`store::LabHandle::lab`] while rendering and changed only through the
//! callbacks `LabHandle` builds, whose closures never hold the lab borrowed when they dispatch.

mod app;
pub mod banner;
pub mod bench;
pub mod breakpaxos;
pub mod checker;
pub mod cluster;
pub mod controls;
pub mod duel;
pub mod eventlog;
pub mod experiments;
pub mod format;
pub mod help;
pub mod hooks;
pub mod inspector;
pub mod io;
pub mod numberline;
pub mod sidebar;
pub mod spacetime;
pub mod store;
pub mod timeline;
pub mod tour;
pub mod worker;

pub use app::App;

use wasm_bindgen::prelude::*;

/// Entry point run by the wasm-bindgen glue on `init()`: mounts [`App`] into
/// `<div id="app">`, or into `<body>` when the page has no such element. In a Web Worker
/// (no window: the sweep workers load this module too) it does nothing.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let root = window.document().and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}

//! Browser plumbing as hooks: the animation loop, the keyboard, and the URL.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Calls `on_frame(ms since the previous frame)` on every animation frame while `active`.
/// When inactive nothing is scheduled at all, so a paused lab uses no CPU.
#[hook]
pub fn use_animation_frame(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |active| {
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        if *active {
            fn schedule(
                handle: Rc<RefCell<Option<AnimationFrame>>>,
                last: Option<f64>,
                on_frame: Callback<f64>,
            ) {
                let next = handle.clone();
                let frame = request_animation_frame(move |now| {
                    if let Some(prev) = last {
                        on_frame.emit(now - prev);
                    }
                    schedule(next, Some(now), on_frame);
                });
                *handle.borrow_mut() = Some(frame);
            }
            schedule(handle.clone(), None, on_frame);
        }
        move || {
            // Dropping the AnimationFrame cancels it; clear the chain's reference too.
            handle.borrow_mut().take();
        }
    });
}

/// A key pressed on the page, for the app's shortcuts.
#[derive(Clone)]
pub struct KeyPress {
    /// The browser's event (to read the key and prevent its default).
    pub event: web_sys::KeyboardEvent,
    /// Focus is on a control that answers keys itself (a button, a tab, a link, a node of the
    /// picture): Space, Enter and the arrows belong to it, not to the page's shortcuts.
    pub on_control: bool,
}

/// What counts as a control for [`KeyPress::on_control`].
const CONTROLS: &str = "button, a[href], summary, [role=button], [role=tab], [role=slider], \
    [role=menuitem], [role=checkbox], [contenteditable]";

/// Listens to key presses on the document, ignoring those typed into form fields.
#[hook]
pub fn use_keys(on_key: Callback<KeyPress>) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        // Not passive: the app calls preventDefault (Space must not scroll the page).
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&document, "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let typing = target.as_ref().is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            });
            let on_control = target
                .as_ref()
                .and_then(|el| el.closest(CONTROLS).ok().flatten())
                .is_some();
            if !typing {
                on_key.emit(KeyPress {
                    event: e.clone(),
                    on_control,
                });
            }
        });
        move || drop(listener)
    });
}

/// The page's query string (without `?`).
pub fn current_query() -> String {
    gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_string()
}

/// Replaces the query string without reloading or adding history entries.
pub fn replace_query(query: &str) {
    let window = gloo::utils::window();
    if current_query() == query {
        return;
    }
    if let Ok(history) = window.history() {
        let path = window.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}?{query}")),
        );
    }
}

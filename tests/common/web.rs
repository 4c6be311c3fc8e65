//! The browser tests' one set of helpers (`#[path = "common/web.rs"] mod web;` in each
//! tests/web*.rs): mount the app, find elements, act as a person would, and wait for a
//! condition, never for a fixed time.
//!
//! Yew renders asynchronously (its scheduler runs in a microtask and, in 0.23, yields to the
//! browser every 16 ms), and a file is read, a canvas drawn, a timer fired later still. So a
//! test acts, then waits for the effect it needs: an element appearing, a text changing, a
//! class toggling. [`eventually`] polls a check, yielding to the event loop between polls, and
//! panics after [`TIMEOUT_MS`] naming what it waited for and why the last check failed.
//!
//! wasm-bindgen-test 0.3 runs one test at a time (its `CONCURRENCY` is 1); [`mount`] destroys
//! the apps of earlier mounts, so no earlier app still plays, listens to the keyboard or writes
//! the address bar while the next test runs.
#![cfg(target_arch = "wasm32")]
#![allow(dead_code)] // each test file uses part of this

use std::cell::RefCell;

use paxoscope::ui::App;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::AppHandle;

/// How long a wait may take before the test fails: generous, for a loaded 2-core machine
/// (the conditions awaited take milliseconds when the machine is idle).
pub const TIMEOUT_MS: f64 = 5000.0;

/// Asserts inside an [`eventually`] check: `ensure!(cond, "why {}", x)` returns the message
/// as the check's `Err` when `cond` does not hold (yet).
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err(format!($($why)+));
        }
    };
}
#[allow(unused_imports)] // not every test file asserts inside `eventually`
pub(crate) use ensure;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Lets the browser run its other tasks (Yew's scheduler, timers, file reads, rendering)
/// before the next poll. The only timer in the browser tests: a yield, never a pause to hope.
async fn yield_to_browser() {
    yew::platform::time::sleep(std::time::Duration::from_millis(1)).await;
}

/// Polls `check` until it returns `Ok`, yielding to the browser between polls; returns the
/// value. Panics after [`TIMEOUT_MS`] with `what` and the last `Err` (why it did not hold).
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Result<T, String>) -> T {
    let start = now_ms();
    loop {
        match check() {
            Ok(v) => return v,
            Err(why) if now_ms() - start > TIMEOUT_MS => {
                panic!("waited {TIMEOUT_MS} ms for {what}, in vain: {why}")
            }
            Err(_) => yield_to_browser().await,
        }
    }
}

/// Waits until `cond` holds.
pub async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    eventually(what, || {
        if cond() {
            Ok(())
        } else {
            Err("the condition is false".into())
        }
    })
    .await
}

/// Waits until `selector` matches inside `root`; returns the element.
pub async fn wait_el(root: &Element, selector: &str) -> Element {
    eventually(&format!("{selector} to appear"), || {
        try_find(root, selector).ok_or_else(|| format!("nothing matches {selector}"))
    })
    .await
}

/// Waits until nothing inside `root` matches `selector`.
pub async fn wait_gone(root: &Element, selector: &str) {
    eventually(&format!("{selector} to go"), || {
        match try_find(root, selector) {
            None => Ok(()),
            Some(e) => Err(format!("still there: {}", e.outer_html())),
        }
    })
    .await
}

/// Waits until `selector` exists and its text satisfies `want` (described by `what`);
/// returns the text.
pub async fn wait_text(
    root: &Element,
    selector: &str,
    what: &str,
    want: impl Fn(&str) -> bool,
) -> String {
    eventually(&format!("{selector} to read {what}"), || {
        let t = try_find(root, selector)
            .ok_or_else(|| format!("nothing matches {selector}"))?
            .text_content()
            .unwrap_or_default();
        if want(&t) {
            Ok(t)
        } else {
            Err(format!("it reads {t:?}"))
        }
    })
    .await
}

/// Waits until `selector`'s text is exactly `want`.
pub async fn wait_text_eq(root: &Element, selector: &str, want: &str) {
    wait_text(root, selector, &format!("{want:?}"), |t| t == want).await;
}

thread_local!(static APPS: RefCell<Vec<(AppHandle<App>, Element)>> = const { RefCell::new(Vec::new()) });

/// Puts `search` ("?s=…" or "") in the address bar, as a share link would, and mounts `App`
/// into a fresh `<div>` of its own (the app reads the address once, at its first render).
/// Earlier mounts' apps are destroyed first. Returns at once: see [`mount`].
pub fn mount_app(search: &str) -> Element {
    for (app, root) in APPS.with(|a| a.take()) {
        app.destroy();
        root.remove();
    }
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{search}")))
        .unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    APPS.with(|a| a.borrow_mut().push((app, root.clone())));
    root
}

/// [`mount_app`], then waits for the app's first render (its transport bar's clock) and for
/// the share link it writes into the address bar after rendering: the same lab built here
/// says what that link is. `query` is a share link's query without `?` ("" for none).
pub async fn mount(query: &str) -> Element {
    let query = query.trim_start_matches('?');
    let search = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let root = mount_app(&search);
    wait_el(&root, "#clock").await;
    let link = paxoscope::lab::Lab::from_query(query).share_query();
    eventually("the app's share link in the address bar", || {
        let now = address();
        ensure!(now == link, "the address bar says {now}, the lab {link}");
        Ok(())
    })
    .await;
    root
}

/// The element `selector` matches inside `root`, if any.
pub fn try_find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

/// The element `selector` matches inside `root`; panics if there is none.
pub fn find(root: &Element, selector: &str) -> Element {
    try_find(root, selector).unwrap_or_else(|| panic!("no element matches {selector}"))
}

/// Every element `selector` matches inside `root`, in document order.
pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// How many elements `selector` matches inside `root`.
pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// The text of `selector` inside `root`; panics if nothing matches.
pub fn text(root: &Element, selector: &str) -> String {
    text_of(&find(root, selector))
}

/// The text of `selector`, or "" while nothing matches.
pub fn text_or_empty(root: &Element, selector: &str) -> String {
    try_find(root, selector)
        .map(|e| text_of(&e))
        .unwrap_or_default()
}

/// An element's text.
pub fn text_of(e: &Element) -> String {
    e.text_content().unwrap_or_default()
}

/// The value of the `<input>` `selector`.
pub fn input_value(root: &Element, selector: &str) -> String {
    find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value()
}

/// Dispatches a bubbling mouse event of `kind` ("click", "mouseover", …) at `el` (SVG elements
/// have no `click()`; the app listens on whole pictures and lists).
pub fn mouse(el: &Element, kind: &str) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// Clicks `el` (an HTML or SVG element).
pub fn click_el(el: &Element) {
    match el.dyn_ref::<HtmlElement>() {
        Some(h) => h.click(),
        None => mouse(el, "click"),
    }
}

/// Clicks the element `selector` matches inside `root`.
pub fn click(root: &Element, selector: &str) {
    click_el(&find(root, selector));
}

/// Sets an `<input>`'s value as a person would (type, then leave the field: a `change`).
pub fn change(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Sets an `<input>`'s value as a drag or keystroke would (an `input` event).
pub fn input(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Sends a key press to the document, as a person at the keyboard would.
pub fn press(key: &str) {
    js_sys::Function::new_with_args(
        "key",
        "document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))",
    )
    .call1(&JsValue::NULL, &JsValue::from_str(key))
    .unwrap();
}

/// The address bar's query string, without `?` (the app keeps its share link there).
pub fn address() -> String {
    web_sys::window()
        .unwrap()
        .location()
        .search()
        .unwrap()
        .trim_start_matches('?')
        .to_string()
}

/// The `t=` of the share link in the address bar, in ms (rounded as the clock is).
pub fn linked_ms() -> Option<u64> {
    address()
        .split('&')
        .find_map(|kv| kv.strip_prefix("t="))
        .and_then(|t| t.parse::<u64>().ok())
        .map(|us| (us + 500) / 1000)
}

/// The interventions in the share link in the address bar (`at:kind[:args]`, times in µs).
pub fn linked_interventions() -> Vec<String> {
    address()
        .split('&')
        .find_map(|kv| kv.strip_prefix("iv="))
        .map(|iv| iv.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// Waits until the run is paused and settled: Play shows "Play", and the app has written the
/// moment it stopped at into the share link. (It does so only when paused, in an effect that
/// runs after every panel has rendered and run its own effects, such as drawing the timeline's
/// marks. So use it after the clock moved by a millisecond or more: then the link agrees only
/// once the app has settled.)
pub async fn wait_paused(root: &Element) {
    wait_text_eq(root, "#play", "Play").await;
    eventually("the share link's t= to match the paused clock", || {
        let shown = clock_ms(&text(root, "#clock"));
        let linked = linked_ms();
        ensure!(
            linked == Some(shown),
            "the link says {linked:?} ms, the clock {shown} ms ({})",
            address()
        );
        Ok(())
    })
    .await;
}

/// "t = 1.234 s" in ms.
pub fn clock_ms(clock: &str) -> u64 {
    let n = clock.trim_start_matches("t = ").trim_end_matches(" s");
    paxoscope::sim::units::parse(n, 3).unwrap_or_else(|| panic!("a clock: {clock}"))
}

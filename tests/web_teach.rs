//! Browser component tests for the teaching layer: guided tours, Break Paxos, the help overlay.
//! Run with `scripts/test.sh browser` (see tests/web.rs for running one file by hand).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use paxoscope::engine::{Bugs, Msg};
use paxoscope::sim::{glossary, tour};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

#[path = "common/web.rs"]
mod web_common;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` for `query` into a fresh `<div>` of its own.
async fn mount(query: &str) -> Element {
    let root = web_common::mount_app(query);
    settle().await;
    root
}

/// Yew renders asynchronously: let the scheduler run before reading the DOM.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

/// Waits (up to ~2 s) until `selector` matches, and returns it.
async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..100 {
        if let Some(e) = find(root, selector) {
            return e;
        }
        settle().await;
    }
    panic!("nothing matches {selector}");
}

/// The text of `selector`, once it exists.
async fn text(root: &Element, selector: &str) -> String {
    wait_for(root, selector)
        .await
        .text_content()
        .unwrap_or_default()
}

async fn click(root: &Element, selector: &str) {
    wait_for(root, selector)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
}

/// "t = 1.234 s" in ms.
fn seconds(clock: &str) -> u64 {
    let n = clock.trim_start_matches("t = ").trim_end_matches(" s");
    paxoscope::sim::units::parse(n, 3).unwrap_or_else(|| panic!("a clock: {clock}"))
}

/// Sends a key press to the document, as a person at the keyboard would.
fn press(key: &str) {
    let js = format!(
        "document.dispatchEvent(new KeyboardEvent('keydown', {{ key: '{key}', bubbles: true }}))"
    );
    js_sys::Function::new_no_args(&js)
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
async fn every_tour_starts_steps_forward_and_really_rewinds() {
    for t in tour::ALL {
        let root = mount("").await;
        click(&root, "#tours").await;
        click(&root, &format!("[data-tour='{}']", t.name)).await;
        let card = wait_for(&root, ".tour-card").await;
        assert_eq!(card.get_attribute("data-tour").as_deref(), Some(t.name));
        assert_eq!(text(&root, "#tour-caption").await, t.intro, "{}", t.name);
        assert!(text(&root, "#tour-count").await.starts_with("Introduction"));
        assert_eq!(text(&root, "#clock").await, "t = 0.000 s");
        assert!(find(&root, "#tour-back").unwrap().has_attribute("disabled"));

        click(&root, "#tour-next").await;
        let first = text(&root, "#tour-caption").await;
        let clock1 = text(&root, "#clock").await;
        assert_ne!(first, t.intro, "{}: a caption for step 1", t.name);
        assert_ne!(clock1, "t = 0.000 s", "{}: the clock moved", t.name);
        assert_eq!(
            text(&root, "#tour-count").await,
            format!("Step 1 of {}", tour::steps(t.name).len())
        );

        click(&root, "#tour-next").await;
        let clock2 = text(&root, "#clock").await;
        assert_ne!(
            text(&root, "#tour-caption").await,
            first,
            "{}: step 2 says something new",
            t.name
        );

        click(&root, "#tour-back").await;
        assert_eq!(text(&root, "#tour-caption").await, first, "{}", t.name);
        assert_eq!(
            text(&root, "#clock").await,
            clock1,
            "{}: Back rewound to step 1",
            t.name
        );
        click(&root, "#tour-next").await;
        assert_eq!(
            text(&root, "#clock").await,
            clock2,
            "{}: and forward again",
            t.name
        );

        click(&root, "#tour-exit").await;
        assert!(find(&root, ".tour-card").is_none());
        assert_eq!(
            text(&root, "#clock").await,
            clock2,
            "exit keeps the run where it is"
        );
    }
}

#[wasm_bindgen_test]
async fn wandering_off_pauses_the_tour_and_resume_returns() {
    let root = mount("").await;
    click(&root, "#invite-tour").await;
    wait_for(&root, ".tour-card").await;
    click(&root, "#tour-next").await;
    let clock = text(&root, "#clock").await;
    assert!(find(&root, "#tour-resume").is_none());
    click(&root, "#step-phase").await;
    assert_ne!(text(&root, "#clock").await, clock);
    assert!(text(&root, ".tour-paused").await.contains("paused"));
    click(&root, "#tour-resume").await;
    assert_eq!(text(&root, "#clock").await, clock);
    assert!(find(&root, ".tour-paused").is_none());
}

#[wasm_bindgen_test]
async fn every_counterexample_button_breaks_its_invariant() {
    for name in Bugs::NAMES {
        let expected = glossary::bug(name).unwrap().breaks.name();
        let root = mount("?s=cold-start-3").await;
        click(&root, "#tab-break-paxos").await;
        assert!(text(&root, ".bp-verdict").await.contains("Safety holds"));
        assert!(find(&root, "#safety.holds").is_some());
        click(&root, &format!("#cx-{name}")).await;
        let banner = wait_for(&root, "#safety.violated").await;
        assert!(
            banner.text_content().unwrap().contains(expected),
            "{name}: {}",
            banner.text_content().unwrap()
        );
        let verdict = text(&root, ".bp-verdict.violated").await;
        assert!(verdict.contains(expected), "{name}: {verdict}");
        assert!(
            find(&root, ".bp-verdict svg.bp-picture").is_some(),
            "{name}: a picture"
        );
        let switch: HtmlInputElement = find(&root, &format!("#bug-{name}"))
            .unwrap()
            .dyn_into()
            .unwrap();
        assert!(switch.checked(), "{name}: its switch shows it is on");
        let clock = text(&root, "#clock").await;
        click(&root, "#bp-jump").await;
        assert!(
            find(&root, "#safety.violated").is_some(),
            "still past the violation"
        );
        assert!(seconds(&text(&root, "#clock").await) <= seconds(&clock));
    }
}

#[wasm_bindgen_test]
async fn a_bug_switch_turns_the_bug_on_from_now() {
    let root = mount("?s=cold-start-5").await;
    click(&root, "#tab-break-paxos").await;
    click(&root, "#bug-minority-quorum").await;
    assert!(find(&root, "[data-bug='minority-quorum'].on").is_some());
    assert!(text(&root, ".bp-verdict").await.contains("minority-quorum"));
    click(&root, "#bug-minority-quorum").await;
    assert!(find(&root, "[data-bug='minority-quorum'].on").is_none());
}

#[wasm_bindgen_test]
async fn help_opens_with_question_mark_and_lists_every_message_type() {
    let root = mount("").await;
    click(&root, ".help-button").await;
    let dialog = wait_for(&root, "[role='dialog']").await;
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element();
    assert_eq!(
        active.map(|a| a.id()).as_deref(),
        Some("help-close"),
        "focus moves into the dialog"
    );
    click(&root, "#help-done").await;
    assert!(find(&root, "[role='dialog']").is_none());

    press("?");
    settle().await;
    wait_for(&root, "[role='dialog']").await;
    let n = Msg::TYPE_NAMES.len();
    assert!(find(&root, &format!("#help-messages dt:nth-of-type({n})")).is_some());
    assert!(find(&root, &format!("#help-messages dt:nth-of-type({})", n + 1)).is_none());
    for t in Msg::TYPE_NAMES {
        assert!(
            find(&root, &format!("#help-messages dt[data-msg-type='{t}']")).is_some(),
            "{t}"
        );
    }
    assert!(text(&root, "#help-state").await.contains("promised"));
    press("Escape");
    settle().await;
    assert!(find(&root, "[role='dialog']").is_none(), "Esc closes it");
}

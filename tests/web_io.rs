//! Browser component tests for getting runs in and out (share, export, import, "Copy as Rust
//! test") and the dueling lab. Run with `scripts/test.sh browser`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use paxoscope::lab::{Lab, LabAction};
use paxoscope::sim::trace;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

#[path = "common/web.rs"]
mod web_common;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` at the share link `query` into a fresh `<div>` of its own.
fn mount(query: &str) -> Element {
    web_common::mount_app(&format!("?{query}"))
}

/// Yew renders asynchronously: let the scheduler run before reading the DOM.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// The text of `selector`, or "" while it is not there.
fn text_or_empty(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
fn an_exported_trace_imports_to_the_same_run_in_wasm() {
    let mut lab = Lab::scenario("leader-crash").unwrap();
    lab.apply(LabAction::Seek(9_000_000));
    lab.apply(LabAction::Intervene(paxoscope::sim::Action::Crash(
        paxoscope::engine::NodeId(3),
    )));
    lab.apply(LabAction::Seek(11_000_000));
    let text = trace::export(&lab.run);
    let mut other = Lab::scenario("cold-start-3").unwrap();
    other.apply(LabAction::Import(text));
    assert_eq!(other.run.now(), lab.run.now());
    assert_eq!(
        trace::trace_hash(other.run.history(), other.run.cursor_event()),
        trace::trace_hash(lab.run.history(), lab.run.cursor_event())
    );
    assert!(other
        .notices
        .last()
        .unwrap()
        .text
        .contains("reproduced every recorded event"));
}

#[wasm_bindgen_test]
async fn malformed_and_unknown_version_imports_are_refused_and_the_run_is_kept() {
    let root = mount("s=leader-crash&seed=7&t=9000000");
    settle().await;
    let clock = text(&root, "#clock");
    assert_eq!(clock, "t = 9.000 s");
    // Choose a file in the hidden picker the way a person would (DataTransfer is the only
    // way to put files into an <input type=file> from script).
    let choose = js_sys::Function::new_with_args(
        "input, body",
        "const dt = new DataTransfer(); dt.items.add(new File([body], 'bad.json')); \
         input.files = dt.files; input.dispatchEvent(new Event('change'));",
    );
    let input = find(&root, "#import-file");
    for (body, needle) in [
        ("{ not json", "That file was not loaded"),
        ("{\"version\": 9, \"seed\": 1}", "version 9"),
    ] {
        choose
            .call2(
                &wasm_bindgen::JsValue::NULL,
                &input,
                &wasm_bindgen::JsValue::from_str(body),
            )
            .unwrap();
        // The file is read asynchronously.
        for _ in 0..50 {
            settle().await;
            if text_or_empty(&root, ".notices").contains(needle) {
                break;
            }
        }
        let notices = text(&root, ".notices");
        assert!(notices.contains(needle), "{notices}");
        assert!(
            notices.contains("Your current run is unchanged"),
            "{notices}"
        );
        assert_eq!(text(&root, "#clock"), clock, "the run is untouched");
        assert!(text(&root, "#safety").contains("Safety holds"));
    }
}

#[wasm_bindgen_test]
async fn the_rust_test_dialog_shows_the_code_with_the_runs_hash() {
    let root = mount("s=leader-crash&seed=7&t=9000000");
    settle().await;
    click(&root, "#rust-test");
    settle().await;
    let code: web_sys::HtmlTextAreaElement = find(&root, "#rust-test-code").dyn_into().unwrap();
    let lab = Lab::from_query("s=leader-crash&seed=7&t=9000000");
    let hash = trace::trace_hash(lab.run.history(), lab.run.cursor_event());
    let hex = format!("{hash:016x}");
    let want = format!(
        "0x{}_{}_{}_{}",
        &hex[0..4],
        &hex[4..8],
        &hex[8..12],
        &hex[12..16]
    );
    assert!(code.value().contains(&want), "{}", code.value());
    assert!(code.value().contains("#[test]"));
    assert!(text(&root, "#rust-test-hint").contains("tests/"));
    click(&root, "#close-rust-test");
    settle().await;
    assert!(root.query_selector("#rust-test-code").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_duel_view_shows_two_pictures_and_their_counters() {
    let root = mount("s=dueling-no-backoff");
    settle().await;
    click(&root, "#compare-duel");
    settle().await;
    assert!(
        root.query_selector(".stage").unwrap().is_none(),
        "the stage is replaced"
    );
    assert!(
        root.query_selector("section.lesson").unwrap().is_none(),
        "the normal run's lesson describes only one side: hidden"
    );
    let pictures = root.query_selector_all(".duel-side svg.cluster").unwrap();
    assert_eq!(pictures.length(), 2);
    assert_eq!(
        root.query_selector_all(".duel-side .preempted")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        root.query_selector_all(".duel-side .proposals")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(text(&root, ".duel-side.left .duel-leader"), "no leader yet");
    assert_eq!(
        text(&root, ".duel-side.right .duel-leader"),
        "no leader yet"
    );
    // Seek both sides to 10 s with the shared scrubber.
    let scrubber: web_sys::HtmlInputElement = find(&root, "#duel-scrubber").dyn_into().unwrap();
    scrubber.set_value("10000000");
    scrubber
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(text(&root, "#duel-clock"), "t = 10.000 s");
    assert_eq!(text(&root, ".duel-side.left .duel-leader"), "no leader yet");
    assert!(
        text(&root, ".duel-side.right .duel-leader").starts_with("leader elected at t = "),
        "{}",
        text(&root, ".duel-side.right .duel-leader")
    );
    let left: u64 = text(&root, ".duel-side.left .preempted").parse().unwrap();
    let right: u64 = text(&root, ".duel-side.right .preempted").parse().unwrap();
    assert!(left > right, "{left} vs {right}");
    click(&root, "#close-duel");
    settle().await;
    assert!(root.query_selector(".duel").unwrap().is_none());
    assert!(root.query_selector(".stage").unwrap().is_some());
    assert!(root.query_selector("section.lesson").unwrap().is_some());
    assert!(!find(&root, "#export").has_attribute("disabled"));
}

/// Sets a settings field as a person would (type, then leave the field).
fn change(root: &Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn out_of_range_settings_are_refused_with_a_message_and_the_run_is_kept() {
    let root = mount("s=leader-crash&t=3000000");
    settle().await;
    let clock = text(&root, "#clock");
    let input = |sel: &str| -> String {
        find(&root, sel)
            .dyn_into::<web_sys::HtmlInputElement>()
            .unwrap()
            .value()
    };
    let loss = input("#loss");
    change(&root, "#loss", "150");
    settle().await;
    assert_eq!(
        input("#loss"),
        loss,
        "the field shows the loss in force again"
    );
    let notices = text_or_empty(&root, ".notices");
    assert!(
        notices.contains("Loss % takes a number from 0 to 100, not 150"),
        "{notices}"
    );

    let timeout = input("#ping-timeout");
    change(&root, "#ping-timeout", "");
    settle().await;
    assert_eq!(input("#ping-timeout"), timeout);
    assert!(text_or_empty(&root, ".notices").contains("Ping timeout (ms) needs a number"));
    assert_eq!(text(&root, "#clock"), clock, "the run was not touched");

    // A good value still goes through (and is kept in the share link's config).
    change(&root, "#loss", "20");
    settle().await;
    assert_eq!(input("#loss"), "20");
}

#[wasm_bindgen_test]
async fn timeline_marks_sit_on_a_stepped_scale_and_clicking_one_seeks_there() {
    use paxoscope::ui::timeline::scale_end;
    // Half-decade steps, at least 10 s: marks keep their place while the run grows.
    assert_eq!(scale_end(0), 10_000_000);
    assert_eq!(scale_end(12_300_000), 15_000_000);
    assert_eq!(scale_end(15_000_000), 15_000_000);
    assert_eq!(scale_end(123_000_000), 150_000_000);

    let root = mount("s=leader-crash&t=12000000");
    settle().await;
    // The scenario crashes the leader at 8 s, on a 15 s scale.
    let mark = find(&root, ".timeline .mark.m-intervention");
    assert_eq!(
        mark.get_attribute("style").as_deref(),
        Some("left: 53.333%")
    );
    mark.dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(text(&root, "#clock"), "t = 8.000 s");
}

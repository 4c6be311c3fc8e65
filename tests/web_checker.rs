//! Browser component tests for the Checker tab (wasm32 only; `scripts/test.sh browser`): the
//! form refuses out-of-range fields in words and starts nothing, the protocol switch sets every
//! quirk, and the worker's entry points (`check_start`, `check_step`, `check_busy`) run a check
//! to its counterexample inside this very wasm instance, as `www/check-worker.js` calls them.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

use paxoscope::lab::checker::{CheckPreset, FromWorker, StartCheck, VerdictKind};
use paxoscope::ui::worker::{check_busy, check_start, check_step};

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_out_of_range_field_is_refused_in_words_and_nothing_starts() {
    let root = mount("").await;
    click(&root, "#tab-checker");
    wait_el(&root, "#check-run").await;
    assert_eq!(
        text(&root, "#check-status"),
        "Not run yet: pick a preset, or set the bounds below and press Run check."
    );
    assert!(
        text(&root, "#check-cli").starts_with("paxoscope check --nodes 3 --log leadership --bfs")
    );
    input(&root, "#check-nodes", "6");
    click(&root, "#check-run");
    wait_text_eq(
        &root,
        "#check-form-error",
        "Nodes: 6 is out of range; use 3–5.",
    )
    .await;
    let status = find(&root, "#check-status");
    assert_eq!(status.get_attribute("data-status").as_deref(), Some("idle"));
    assert!(text(&root, "#check-cli").starts_with("(fix the form first"));
    assert_eq!(count(&root, "#check-progress"), 0);
}

#[wasm_bindgen_test]
async fn the_protocol_switch_sets_every_quirk_and_the_cli_says_so() {
    let root = mount("").await;
    click(&root, "#tab-checker");
    wait_el(&root, "#check-protocol").await;
    change_select(&root, "#check-protocol", "atlasdb");
    wait_text(&root, ".check-quirks summary", "10 of 10 on", |t| {
        t.contains("10 of 10 on")
    })
    .await;
    assert!(text(&root, "#check-cli").ends_with("--protocol atlasdb"));
    click(&root, "#check-bug-minority-quorum");
    wait_text(&root, "#check-cli", "--bug", |t| {
        t.ends_with("--bug minority-quorum")
    })
    .await;
}

fn change_select(root: &web_sys::Element, selector: &str, value: &str) {
    use wasm_bindgen::JsCast;
    let s: web_sys::HtmlSelectElement = find(root, selector).dyn_into().unwrap();
    s.set_value(value);
    s.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
fn the_worker_entry_points_run_a_check_to_its_counterexample() {
    let spec = CheckPreset::IgnorePromisedValues.form().spec().unwrap();
    let req = serde_json::to_string(&StartCheck { job: 5, spec }).unwrap();
    assert_eq!(check_start(&req), "");
    let mut last = String::new();
    for _ in 0..10_000 {
        last = check_step();
        if !check_busy() {
            break;
        }
    }
    match FromWorker::from_json(&last) {
        FromWorker::Done { job, result, .. } => {
            assert_eq!(job, 5);
            assert_eq!(result.verdict, VerdictKind::Violation);
            assert_eq!(result.invariant.as_deref(), Some("agreement"));
            assert_eq!(result.moves.len(), 8, "{}", result.report);
            assert!(result.trace.is_some());
        }
        m => panic!("{m:?}"),
    }
    // A bad request is answered in words, never a panic.
    let refused = FromWorker::from_json(&check_start("{\"job\":1}"));
    assert!(matches!(refused, FromWorker::Failed { .. }), "{refused:?}");
}

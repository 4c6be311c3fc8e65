//! Browser component tests for getting runs in and out (share, export, import, "Copy as Rust
//! test") and the dueling lab. Run with `scripts/test.sh browser`.
#![cfg(target_arch = "wasm32")]

use paxoscope::codec::trace;
use paxoscope::lab::{Lab, LabAction};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    let root = mount("s=leader-crash&seed=7&t=9000000").await;
    let clock = text(&root, "#clock");
    assert_eq!(clock, "t = 9.000 s");
    let link = address();
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
        let notices = wait_text(&root, ".notices", needle, |t| t.contains(needle)).await;
        assert!(
            notices.contains("Your current run is unchanged"),
            "{notices}"
        );
        assert_eq!(text(&root, "#clock"), clock, "the run is untouched");
        assert_eq!(address(), link, "the share link (the run) is untouched");
        assert!(text(&root, "#safety").contains("Safety holds"));
    }
}

#[wasm_bindgen_test]
async fn the_rust_test_dialog_shows_the_code_with_the_runs_hash() {
    let root = mount("s=leader-crash&seed=7&t=9000000").await;
    click(&root, "#rust-test");
    let code: web_sys::HtmlTextAreaElement =
        wait_el(&root, "#rust-test-code").await.dyn_into().unwrap();
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
    wait_gone(&root, "#rust-test-code").await;
}

#[wasm_bindgen_test]
async fn the_duel_view_shows_two_pictures_and_their_counters() {
    let root = mount("s=dueling-no-backoff").await;
    click(&root, "#compare-duel");
    wait_el(&root, ".duel").await;
    // (The two sides are child components: wait for both pictures.)
    wait_for("two duel pictures", || {
        count(&root, ".duel-side svg.cluster") == 2
    })
    .await;
    assert!(try_find(&root, ".stage").is_none(), "the stage is replaced");
    assert!(
        try_find(&root, "section.lesson").is_none(),
        "the normal run's lesson describes only one side: hidden"
    );
    assert_eq!(count(&root, ".duel-side .preempted"), 2);
    assert_eq!(count(&root, ".duel-side .proposals"), 2);
    assert_eq!(text(&root, ".duel-side.left .duel-leader"), "no leader yet");
    assert_eq!(
        text(&root, ".duel-side.right .duel-leader"),
        "no leader yet"
    );
    // Seek both sides to 10 s with the shared scrubber: both runs go there.
    input(&root, "#duel-scrubber", "10000000");
    wait_text_eq(&root, "#duel-clock", "t = 10.000 s").await;
    let right = wait_text(
        &root,
        ".duel-side.right .duel-leader",
        "an elected leader",
        |t| t.starts_with("leader elected at t = "),
    )
    .await;
    assert_eq!(
        text(&root, ".duel-side.left .duel-leader"),
        "no leader yet",
        "(right: {right})"
    );
    let left: u64 = text(&root, ".duel-side.left .preempted").parse().unwrap();
    let right: u64 = text(&root, ".duel-side.right .preempted").parse().unwrap();
    assert!(left > right, "{left} vs {right}");
    click(&root, "#close-duel");
    wait_gone(&root, ".duel").await;
    wait_el(&root, ".stage").await;
    wait_el(&root, "section.lesson").await;
    assert!(!find(&root, "#export").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn out_of_range_settings_are_refused_with_a_message_and_the_run_is_kept() {
    let root = mount("s=leader-crash&t=3000000").await;
    let clock = text(&root, "#clock");
    let link = address();
    let loss = input_value(&root, "#loss");
    change(&root, "#loss", "150");
    wait_text(&root, ".notices", "the loss refused", |t| {
        t.contains("Loss % takes a number from 0 to 100, not 150")
    })
    .await;
    assert_eq!(
        input_value(&root, "#loss"),
        loss,
        "the field shows the loss in force again"
    );

    let timeout = input_value(&root, "#ping-timeout");
    change(&root, "#ping-timeout", "");
    wait_text(&root, ".notices", "the empty timeout refused", |t| {
        t.contains("Ping timeout (ms) needs a number")
    })
    .await;
    assert_eq!(input_value(&root, "#ping-timeout"), timeout);
    assert_eq!(text(&root, "#clock"), clock, "the run was not touched");
    assert_eq!(address(), link, "no setting changed in the run");

    // A good value goes through: the run changes the loss from now on, and the share link
    // records that (20 % = 200000 ppm, at the cursor).
    change(&root, "#loss", "20");
    wait_for("the share link to record the new loss", || {
        linked_interventions().contains(&"3000000:set:loss:200000".to_string())
    })
    .await;
    assert_eq!(text(&root, "#clock"), clock);
}

#[wasm_bindgen_test]
async fn timeline_marks_sit_on_a_stepped_scale_and_clicking_one_seeks_there() {
    use paxoscope::ui::timeline::scale_end;
    // Half-decade steps, at least 10 s: marks keep their place while the run grows.
    assert_eq!(scale_end(0), 10_000_000);
    assert_eq!(scale_end(12_300_000), 15_000_000);
    assert_eq!(scale_end(15_000_000), 15_000_000);
    assert_eq!(scale_end(123_000_000), 150_000_000);

    let root = mount("s=leader-crash&t=12000000").await;
    // The scenario crashes the leader at 8 s, on a 15 s scale (the marks are drawn after the
    // render).
    let mark = wait_el(&root, ".timeline .mark.m-intervention").await;
    assert_eq!(
        mark.get_attribute("style").as_deref(),
        Some("left: 53.333%")
    );
    click_el(&mark);
    wait_text_eq(&root, "#clock", "t = 8.000 s").await;
}

#[wasm_bindgen_test]
async fn new_seed_draws_from_the_browsers_crypto_and_goes_into_the_link() {
    let root = mount("s=leader-crash&seed=7").await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..8 {
        let before = input_value(&root, "#seed");
        click(&root, "#new-seed");
        let now = eventually("a new seed in the field", || {
            let v = input_value(&root, "#seed");
            if v != before {
                Ok(v)
            } else {
                Err(v)
            }
        })
        .await;
        let seed: u64 = now.parse().expect("the field shows a whole number");
        // The address bar is written by an effect after the render that changed the field.
        eventually("the new seed in the address bar", || {
            ensure!(address().contains(&format!("seed={seed}")), "{}", address());
            Ok(())
        })
        .await;
        seen.insert(seed);
    }
    assert_eq!(seen.len(), 8);
    // Math.random()·1e9 never passes 2^30; 64-bit draws nearly always do.
    assert!(
        seen.iter().filter(|&&s| s > 1 << 30).count() >= 7,
        "{seen:?}"
    );
}

//! Browser component tests for the teaching layer: guided tours, Break Paxos, the help overlay.
//! Run with `scripts/test.sh browser` (see tests/web.rs for running one file by hand); the
//! helpers are in tests/common/web.rs.
#![cfg(target_arch = "wasm32")]

use paxoscope::engine::{Bugs, Msg};
use paxoscope::lab::{glossary, tour};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits until the tour `name` shows stop `at` (0: the introduction) and the app has settled
/// there: it writes the stop into the share link after every panel has rendered.
async fn at_stop(root: &Element, name: &str, at: usize) {
    wait_el(
        root,
        &format!(".tour-card[data-tour='{name}'][data-step='{at}']"),
    )
    .await;
    let want = format!("tour={name}.{at}");
    wait_for(&format!("the share link to say {want}"), || {
        address().split('&').any(|kv| kv == want)
    })
    .await;
}

#[wasm_bindgen_test]
async fn every_tour_starts_steps_forward_and_really_rewinds() {
    for t in tour::ALL {
        let root = mount("").await;
        click(&root, "#tours");
        click_el(&wait_el(&root, &format!(".tour-list [data-tour='{}']", t.name)).await);
        at_stop(&root, t.name, 0).await;
        assert_eq!(text(&root, "#tour-caption"), t.intro, "{}", t.name);
        assert!(text(&root, "#tour-count").starts_with("Introduction"));
        assert_eq!(text(&root, "#clock"), "t = 0.000 s");
        assert!(find(&root, "#tour-back").has_attribute("disabled"));
        let steps = tour::steps(t.name).len();

        click(&root, "#tour-next");
        at_stop(&root, t.name, 1).await;
        let first = text(&root, "#tour-caption");
        let clock1 = text(&root, "#clock");
        assert_ne!(first, t.intro, "{}: a caption for step 1", t.name);
        assert_ne!(clock1, "t = 0.000 s", "{}: the clock moved", t.name);
        assert_eq!(text(&root, "#tour-count"), format!("Step 1 of {steps}"));

        click(&root, "#tour-next");
        at_stop(&root, t.name, 2).await;
        let clock2 = text(&root, "#clock");
        assert_ne!(
            text(&root, "#tour-caption"),
            first,
            "{}: step 2 says something new",
            t.name
        );
        assert_eq!(text(&root, "#tour-count"), format!("Step 2 of {steps}"));

        click(&root, "#tour-back");
        at_stop(&root, t.name, 1).await;
        assert_eq!(text(&root, "#tour-caption"), first, "{}", t.name);
        assert_eq!(
            text(&root, "#clock"),
            clock1,
            "{}: Back rewound to step 1",
            t.name
        );
        click(&root, "#tour-next");
        at_stop(&root, t.name, 2).await;
        assert_eq!(
            text(&root, "#clock"),
            clock2,
            "{}: and forward again",
            t.name
        );

        click(&root, "#tour-exit");
        wait_gone(&root, ".tour-card").await;
        wait_for("the share link to leave the tour", || {
            !address().contains("tour=")
        })
        .await;
        assert_eq!(
            text(&root, "#clock"),
            clock2,
            "exit keeps the run where it is"
        );
    }
}

#[wasm_bindgen_test]
async fn wandering_off_pauses_the_tour_and_resume_returns() {
    let root = mount("").await;
    click(&root, "#invite-tour");
    let name = wait_el(&root, ".tour-card")
        .await
        .get_attribute("data-tour")
        .unwrap();
    at_stop(&root, &name, 0).await;
    click(&root, "#tour-next");
    at_stop(&root, &name, 1).await;
    let clock = text(&root, "#clock");
    assert!(try_find(&root, "#tour-resume").is_none());
    // Step on by hand: the run leaves the tour's stop, and the tour says it is paused.
    click(&root, "#step-phase");
    wait_text(&root, "#clock", "a later time", |t| t != clock).await;
    wait_text(&root, ".tour-paused", "paused", |t| t.contains("paused")).await;
    wait_for("the share link to leave the paused tour", || {
        !address().contains("tour=")
    })
    .await;
    click(&root, "#tour-resume");
    at_stop(&root, &name, 1).await;
    assert_eq!(text(&root, "#clock"), clock, "back at the tour's stop");
    wait_gone(&root, ".tour-paused").await;
}

#[wasm_bindgen_test]
async fn every_counterexample_button_breaks_its_invariant_and_jump_finds_it() {
    for name in Bugs::NAMES {
        let expected = glossary::bug(name).unwrap().breaks.name();
        let root = mount("s=cold-start-3").await;
        click(&root, "#tab-break-paxos");
        wait_text(&root, ".bp-verdict", "Safety holds", |t| {
            t.contains("Safety holds")
        })
        .await;
        assert!(try_find(&root, "#safety.holds").is_some());
        click(&root, &format!("#cx-{name}"));
        let banner = wait_el(&root, "#safety.violated").await;
        assert!(
            text_of(&banner).contains(expected),
            "{name}: {}",
            text_of(&banner)
        );
        let verdict = wait_text(&root, ".bp-verdict.violated", expected, |t| {
            t.contains(expected)
        })
        .await;
        assert!(
            try_find(&root, ".bp-verdict svg.bp-picture").is_some(),
            "{name}: a picture"
        );
        let switch: HtmlInputElement = find(&root, &format!("#bug-{name}")).dyn_into().unwrap();
        assert!(switch.checked(), "{name}: its switch shows it is on");

        // "✗ <invariant> broken at 1.234 s": move on past it, then jump back to it.
        let title = text(&root, "#bp-title");
        let broken_at = title
            .split(" broken at ")
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: {title}"));
        let at = format!("t = {broken_at}");
        let max: u64 = find(&root, "#scrubber")
            .get_attribute("max")
            .unwrap()
            .parse()
            .unwrap();
        let later = ((clock_ms(&at) + 500) * 1000).min(max);
        assert!(
            later > clock_ms(&at) * 1000,
            "{name}: the violation is at the end of the scale"
        );
        input(&root, "#scrubber", &later.to_string());
        wait_text(&root, "#clock", "a later time", |t| {
            clock_ms(t) == later / 1000
        })
        .await;
        wait_el(&root, "#bp-jump").await;
        click(&root, "#bp-jump");
        wait_text_eq(&root, "#clock", &at).await;
        assert!(
            try_find(&root, "#safety.violated").is_some(),
            "{name}: at the violation ({verdict})"
        );
    }
}

#[wasm_bindgen_test]
async fn a_bug_switch_turns_the_bug_on_from_now() {
    let root = mount("s=cold-start-5&t=2000000").await;
    click(&root, "#tab-break-paxos");
    wait_el(&root, ".bp-verdict.holds").await;
    click(&root, "#bug-minority-quorum");
    wait_el(&root, "[data-bug='minority-quorum'].on").await;
    wait_text(&root, ".bp-verdict", "the bug switched on", |t| {
        t.contains("minority-quorum")
    })
    .await;
    // The switch is an intervention of the run at the cursor: the bug is on from 2 s on.
    wait_for("the share link to switch the bug on at 2 s", || {
        linked_interventions().contains(&"2000000:set:bug:minority-quorum:1".to_string())
    })
    .await;
    assert_eq!(text(&root, "#clock"), "t = 2.000 s");
    click(&root, "#bug-minority-quorum");
    wait_gone(&root, "[data-bug='minority-quorum'].on").await;
    wait_for("the share link to leave the bug off", || {
        linked_interventions()
            .iter()
            .rfind(|iv| iv.contains(":set:bug:minority-quorum:"))
            .is_none_or(|iv| iv.ends_with(":0"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn help_opens_with_question_mark_and_lists_every_message_type() {
    let root = mount("").await;
    click(&root, ".help-button");
    let dialog = wait_el(&root, "[role='dialog']").await;
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    eventually("focus to move into the dialog", || {
        let active = web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .map(|a| a.id());
        ensure!(
            active.as_deref() == Some("help-close"),
            "focus is on {active:?}"
        );
        Ok(())
    })
    .await;
    click(&root, "#help-done");
    wait_gone(&root, "[role='dialog']").await;

    press("?");
    wait_el(&root, "[role='dialog']").await;
    let n = Msg::TYPE_NAMES.len();
    assert!(try_find(&root, &format!("#help-messages dt:nth-of-type({n})")).is_some());
    assert!(try_find(&root, &format!("#help-messages dt:nth-of-type({})", n + 1)).is_none());
    for t in Msg::TYPE_NAMES {
        assert!(
            try_find(&root, &format!("#help-messages dt[data-msg-type='{t}']")).is_some(),
            "{t}"
        );
    }
    assert!(text(&root, "#help-state").contains("promised"));
    press("Escape");
    wait_gone(&root, "[role='dialog']").await;
}

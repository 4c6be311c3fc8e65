//! Browser component tests for the cluster picture and the inspector (wasm32 only).
//!
//! `scripts/test.sh browser` runs them. Each test mounts the whole `App` into a fresh `<div>`
//! after putting a share link in the address bar (the app reads it once, at mount).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

#[path = "common/web.rs"]
mod web_common;

wasm_bindgen_test_configure!(run_in_browser);

thread_local!(static BUSY: Cell<bool> = const { Cell::new(false) });

/// One test at a time: the runner polls async tests concurrently, and an app reads the
/// address bar at its first render, which another test's `mount` could change first.
struct Turn;

async fn turn() -> Turn {
    while BUSY.with(|b| b.replace(true)) {
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    Turn
}

impl Drop for Turn {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(false));
    }
}

/// Mounts `App` for the share link `query` into a fresh `<div id=…>` of its own.
async fn mount(query: &str, id: &str) -> Element {
    let root = web_common::mount_app(&format!("?{query}"));
    root.set_id(id);
    wait_for(&root, "svg.cluster .node").await;
    settle().await;
    root
}

/// Yew renders asynchronously: let the scheduler run before reading the DOM.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

/// Waits (up to 3 s) until `selector` matches inside `root`: on a busy machine a render can
/// take longer than any fixed pause.
async fn wait_for(root: &Element, selector: &str) {
    for _ in 0..300 {
        if root.query_selector(selector).unwrap().is_some() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("nothing matched {selector} within 3 s");
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// A bubbling click (SVG elements have no `click()`; Yew listens at the root).
fn click(root: &Element, selector: &str) {
    let script = format!(
        "document.querySelector('#{} {}').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))",
        root.id(),
        selector.replace('\'', "\\'")
    );
    js_sys::eval(&script).expect("dispatching a click");
}

#[wasm_bindgen_test]
async fn nodes_show_role_incarnation_round_and_countdown() {
    let _turn = turn().await;
    let root = mount("s=leader-crash&t=9000000", "t-nodes").await;
    assert_eq!(count(&root, "svg.cluster .node"), 5);
    // The scenario crashes the leader at 8 s: one node is down, drawn as such.
    let crashed = find(&root, "svg.cluster .node.crashed");
    assert_eq!(
        crashed.get_attribute("data-role").as_deref(),
        Some("crashed")
    );
    assert!(crashed.text_content().unwrap().contains("crashed"));
    for node in ["1", "2", "3", "4", "5"] {
        let g = find(&root, &format!("svg.cluster .node[data-node=\"{node}\"]"));
        assert_eq!(g.get_attribute("role").as_deref(), Some("button"));
        assert_eq!(g.get_attribute("tabindex").as_deref(), Some("0"));
        let label = g.get_attribute("aria-label").unwrap();
        assert!(
            label.starts_with(&format!("N{node}, incarnation 0, ")),
            "{label}"
        );
    }
    // Followers wait for their leader's answer: their ping timeout's track is in the picture,
    // the canvas draws the draining arc with its label, and (paused) the node says how long.
    assert!(count(&root, "svg.cluster .ring-track.ping-timeout") >= 1);
    let rings = find(&root, "canvas.msg-canvas")
        .get_attribute("data-rings")
        .unwrap_or_default();
    assert!(rings.contains("ping timeout "), "{rings}");
    let timed = find(&root, "svg.cluster .node.follower")
        .get_attribute("aria-label")
        .unwrap();
    assert!(
        timed.contains("ping timeout running, ") && timed.ends_with(" s left"),
        "{timed}"
    );
    // And the arc is really on the canvas: just clockwise of the top of N1's ring (where a
    // ping timeout's first dash starts) the pixel has the ping timeout's colour.
    let canvas: web_sys::HtmlCanvasElement = find(&root, "canvas.msg-canvas").dyn_into().unwrap();
    let k = f64::from(canvas.width()) / paxoscope::ui::cluster::WIDTH;
    let (x, y) = paxoscope::ui::cluster::node_pos(0, 5);
    let (r, a) = (46.0 + 7.0, -std::f64::consts::FRAC_PI_2 + 0.05);
    let g: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let px = g
        .get_image_data(
            ((x + r * a.cos()) * k).round(),
            ((y + r * a.sin()) * k).round(),
            1.0,
            1.0,
        )
        .unwrap()
        .data();
    // --ring-ping: #d99a00 (the exact value depends on anti-aliasing).
    assert!(
        px[3] > 150 && px[0] > 150 && px[2] < 90,
        "pixel at the ring: {:?}",
        &px[..]
    );
    // The legend names the roles and says what a ring counts down.
    let legend = text(&root, ".legend");
    assert!(legend.contains("suspecting") && legend.contains("random wait before proposing"));
}

#[wasm_bindgen_test]
async fn clicking_a_node_opens_its_durable_and_volatile_state() {
    let _turn = turn().await;
    let root = mount("s=leader-crash&t=9000000", "t-select").await;
    assert!(
        text(&root, "#inspector").contains("Click a node"),
        "a hint first"
    );
    click(&root, "svg.cluster .node[data-node=\"2\"]");
    wait_for(&root, "#inspector[data-node=\"2\"]").await;
    let panel = find(&root, "#inspector");
    assert_eq!(
        panel.get_attribute("data-node").as_deref(),
        Some("2"),
        "{}",
        panel.outer_html()
    );
    // (Yew may render the picture in a later pass than the inspector: wait for it too.)
    wait_for(&root, "svg.cluster .node.selected[data-node=\"2\"]").await;
    assert_eq!(count(&root, "svg.cluster .node.selected"), 1);
    // Disk: the acceptor's promise and acceptance for leadership round 0.
    let row = text(
        &root,
        "#inspector .durable table[data-log=\"leadership\"] tbody tr",
    );
    assert!(
        row.starts_with('0') && row.contains('(') && row.contains("leads"),
        "{row}"
    );
    // Memory: the proposers' counters, the election state in words, the timers.
    let mem = text(&root, "#inspector .volatile");
    assert!(
        mem.contains("counter") && mem.contains("Follows N5#0"),
        "{mem}"
    );
    assert!(count(&root, "#inspector .timers li") >= 1);
    assert!(count(&root, "#inspector-crash") == 1 && count(&root, "#inspector-isolate") == 1);
}

#[wasm_bindgen_test]
async fn a_crashed_node_shows_its_memory_as_lost_and_restarts() {
    let _turn = turn().await;
    let root = mount("s=leader-crash&t=9000000", "t-crashed").await;
    click(&root, "svg.cluster .node[data-node=\"5\"]");
    wait_for(&root, "#inspector[data-node=\"5\"]").await;
    assert!(count(&root, "#inspector .volatile.lost") == 1);
    assert!(text(&root, "#inspector .lost-note").starts_with("Gone"));
    assert!(
        count(&root, "#inspector .durable tbody tr") >= 2,
        "the disk survived the crash"
    );
    assert_eq!(
        count(&root, "#inspector .timers"),
        0,
        "no timers in a dead node"
    );
    // Restart it from the inspector: a new incarnation, memory back.
    click(&root, "#inspector-restart");
    wait_for(&root, "#inspector-crash").await;
    assert_eq!(count(&root, "#inspector .volatile.lost"), 0);
    assert!(text(&root, "#inspector .insp-head").contains("incarnation 1"));
    let label = find(&root, "svg.cluster .node[data-node=\"5\"]")
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.starts_with("N5, incarnation 1"), "{label}");
}

#[wasm_bindgen_test]
async fn clicking_a_message_shows_its_fields_and_dropping_marks_it() {
    let _turn = turn().await;
    let root = mount("s=dueling-no-backoff&t=2000000", "t-msg").await;
    let canvas = find(&root, "canvas.msg-canvas");
    let drawn: u32 = canvas
        .get_attribute("data-messages")
        .unwrap()
        .parse()
        .unwrap();
    assert!(drawn > 0);
    assert_eq!(
        count(&root, ".msg-hits .msg"),
        drawn,
        "one target per message"
    );
    assert!(
        canvas
            .dyn_ref::<web_sys::HtmlCanvasElement>()
            .unwrap()
            .width()
            > 0
    );
    let target: HtmlElement = find(&root, ".msg-hits .msg:not(.dropped)")
        .dyn_into()
        .unwrap();
    let id = target.get_attribute("data-msg").unwrap();
    let kind = target.get_attribute("data-type").unwrap();
    target.click();
    wait_for(&root, &format!("#inspector[data-msg=\"{id}\"]")).await;
    let panel = find(&root, "#inspector");
    assert_eq!(
        panel.get_attribute("data-msg").as_deref(),
        Some(id.as_str())
    );
    let words = text(&root, "#inspector");
    assert!(words.contains(&format!("Message #{id}")) && words.contains(&kind));
    assert!(
        words.contains("from → to") && words.contains("ballot"),
        "{words}"
    );
    assert!(text(&root, "#msg-fate").starts_with("travelling"));
    click(&root, "#drop-message");
    wait_for(&root, ".msg-hits .msg.doomed").await;
    assert!(text(&root, "#msg-fate").contains("you asked to drop it"));
    assert_eq!(count(&root, "#drop-message"), 0, "no second drop");
    assert_eq!(
        count(&root, &format!(".msg-hits .msg.doomed[data-msg=\"{id}\"]")),
        1
    );
}

#[wasm_bindgen_test]
async fn past_a_violation_the_picture_shows_the_two_quorums() {
    let _turn = turn().await;
    let root = mount("s=bug-minority-quorum&t=5000000", "t-why").await;
    assert!(count(&root, "svg.cluster .why-halo.qa") >= 2);
    assert!(count(&root, "svg.cluster .why-halo.qb") >= 2);
    assert_eq!(text(&root, "svg.cluster .why-centre"), "A ∩ B = ∅");
    let why = text(&root, "#why");
    assert!(
        why.contains("Quorum A {") && why.contains("Quorum B {"),
        "{why}"
    );
    assert!(why.contains("share no acceptor"));
    // Before the violation there is nothing to explain.
    let early = mount("s=bug-minority-quorum&t=100000", "t-why-early").await;
    assert_eq!(count(&early, "#why"), 0);
    assert_eq!(count(&early, "svg.cluster .why-halo"), 0);
}

#[wasm_bindgen_test]
async fn a_partition_is_drawn_as_groups_and_cut_edges() {
    let _turn = turn().await;
    let root = mount("s=minority-partition&t=6000000", "t-split").await;
    // N1, N2 | N3, N4, N5: 2 × 3 = 6 cut edges, group halos on every node.
    assert_eq!(count(&root, "svg.cluster .edge.cut"), 6);
    assert_eq!(count(&root, "svg.cluster .group-halo"), 5);
    assert!(text(&root, "svg.cluster .partition-caption").contains("{N1,N2}"));
}

#[wasm_bindgen_test]
async fn panels_that_skip_frames_still_follow_a_crash_while_playing() {
    let _turn = turn().await;
    // The leader crashes at 8 s: play from just before it. The fault buttons do not follow
    // the clock frame by frame (they re-render only when the run's shape changes), but they
    // must notice the crash.
    let root = mount("s=leader-crash&t=7950000", "t-quiet").await;
    assert_eq!(count(&root, ".faults .fault.restart"), 0);
    find(&root, "#play")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    wait_for(&root, ".faults .fault.restart").await;
    let restart = text(&root, ".faults .fault.restart");
    let crashed = find(&root, "svg.cluster .node.crashed")
        .get_attribute("data-node")
        .unwrap();
    assert_eq!(restart, format!("Restart N{crashed}"));
    find(&root, "#play")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    // A tab change is not a tick: it shows at once.
    click(&root, "#tab-break-paxos");
    wait_for(&root, ".bp-verdict").await;
}

#[wasm_bindgen_test]
async fn pointing_at_a_thinned_timeline_mark_names_the_markers_it_stands_for() {
    let _turn = turn().await;
    // Frequent markers share a mark per 1/400 of the scale. Without backoff all five nodes
    // propose within the same 25 ms at 0.2 s: one mark, and its tooltip names the other four.
    let root = mount("s=dueling-no-backoff&t=10000000", "t-thinned").await;
    wait_for(&root, ".timeline .mark.m-election").await;
    let first = find(&root, ".timeline .mark.m-election");
    let over = web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseover", &{
        let init = web_sys::MouseEventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    first.dispatch_event(&over).unwrap();
    let title = first.get_attribute("title").unwrap();
    assert!(
        title.starts_with("leadership proposal at 0.200 s: ")
            && title.contains(" — and 4 more within 25 ms: "),
        "{title}"
    );
}

#[wasm_bindgen_test]
async fn new_timeline_marks_are_added_without_redrawing_the_others() {
    let _turn = turn().await;
    // Without backoff a proposal round starts every 200 ms; the scale stays at 10 s.
    let root = mount("s=dueling-no-backoff&t=1000000", "t-append").await;
    wait_for(&root, ".timeline .mark.m-election").await;
    let first = find(&root, ".timeline .mark");
    let before = count(&root, ".timeline .mark");
    find(&root, "#play")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    for _ in 0..300 {
        if count(&root, ".timeline .mark") > before {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    find(&root, "#play")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(
        count(&root, ".timeline .mark") > before,
        "a new mark appeared"
    );
    assert!(
        first.is_same_node(Some(&find(&root, ".timeline .mark"))),
        "the first mark is the same element: appended to, not rebuilt"
    );
}

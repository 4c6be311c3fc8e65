//! Browser component tests for the cluster picture and the inspector (wasm32 only).
//!
//! `scripts/test.sh browser` runs them. Each test mounts the whole `App` into a fresh `<div>`
//! after putting a share link in the address bar (the app reads it once, at mount); the
//! helpers are in tests/common/web.rs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` for the share link `query` and waits for the cluster picture.
async fn mount_cluster(query: &str) -> web_sys::Element {
    let root = mount(query).await;
    wait_el(&root, "svg.cluster .node").await;
    root
}

#[wasm_bindgen_test]
async fn nodes_show_role_incarnation_round_and_countdown() {
    let root = mount_cluster("s=leader-crash&t=9000000").await;
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
        // What the glyph shows comes first, in its order (speech input users say what they
        // see); the incarnation is in it too.
        assert!(
            label.starts_with(&format!("N{node}, ")) && label.contains("incarnation 0"),
            "{label}"
        );
    }
    // Followers wait for their leader's answer: their ping timeout's track is in the picture,
    // the canvas draws the draining arc with its label, and (paused) the node says how long.
    assert!(count(&root, "svg.cluster .ring-track.ping-timeout") >= 1);
    let timed = find(&root, "svg.cluster .node.follower")
        .get_attribute("aria-label")
        .unwrap();
    assert!(
        timed.contains("ping timeout running, ") && timed.ends_with(" s left"),
        "{timed}"
    );
    // The canvas is drawn after the render: wait for its label and its pixels. The arc is
    // really on the canvas: just clockwise of the top of N1's ring (where a ping timeout's
    // first dash starts) the pixel has the ping timeout's colour.
    eventually("the ping timeout's arc on the canvas", || {
        let canvas: web_sys::HtmlCanvasElement =
            find(&root, "canvas.msg-canvas").dyn_into().unwrap();
        let rings = canvas.get_attribute("data-rings").unwrap_or_default();
        ensure!(rings.contains("ping timeout "), "data-rings: {rings}");
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
        ensure!(
            px[3] > 150 && px[0] > 150 && px[2] < 90,
            "pixel at the ring: {:?}",
            &px[..]
        );
        Ok(())
    })
    .await;
    // The legend names the roles and says what a ring counts down.
    let legend = text(&root, ".legend");
    assert!(legend.contains("suspecting") && legend.contains("random wait before proposing"));
}

#[wasm_bindgen_test]
async fn clicking_a_node_opens_its_durable_and_volatile_state() {
    let root = mount_cluster("s=leader-crash&t=9000000").await;
    assert!(
        text(&root, "#inspector").contains("Click a node"),
        "a hint first"
    );
    click(&root, "svg.cluster .node[data-node=\"2\"]");
    wait_el(&root, "#inspector[data-node=\"2\"]").await;
    // (Yew may render the picture in a later pass than the inspector: wait for it too.)
    wait_el(&root, "svg.cluster .node.selected[data-node=\"2\"]").await;
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
    let root = mount_cluster("s=leader-crash&t=9000000").await;
    click(&root, "svg.cluster .node[data-node=\"5\"]");
    wait_el(&root, "#inspector[data-node=\"5\"]").await;
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
    let head = wait_text(&root, "#inspector .insp-head", "incarnation 1", |t| {
        t.contains("incarnation 1")
    })
    .await;
    assert!(head.contains("N5"), "{head}");
    wait_gone(&root, "#inspector .volatile.lost").await;
    assert_eq!(count(&root, "#inspector-crash"), 1, "it can crash again");
    eventually("N5 drawn as incarnation 1", || {
        let label = find(&root, "svg.cluster .node[data-node=\"5\"]")
            .get_attribute("aria-label")
            .unwrap();
        ensure!(
            label.starts_with("N5, ") && label.contains("incarnation 1"),
            "{label}"
        );
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn clicking_a_message_shows_its_fields_and_dropping_marks_it() {
    let root = mount_cluster("s=dueling-no-backoff&t=2000000").await;
    // The canvas is drawn after the render: its count and the click targets agree.
    let drawn = eventually("the canvas to draw the messages", || {
        let drawn: u32 = find(&root, "canvas.msg-canvas")
            .get_attribute("data-messages")
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        ensure!(drawn > 0, "no message drawn");
        Ok(drawn)
    })
    .await;
    assert_eq!(
        count(&root, ".msg-hits .msg"),
        drawn,
        "one target per message"
    );
    assert!(
        find(&root, "canvas.msg-canvas")
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
    wait_el(&root, &format!("#inspector[data-msg=\"{id}\"]")).await;
    let words = text(&root, "#inspector");
    assert!(words.contains(&format!("Message #{id}")) && words.contains(&kind));
    assert!(
        words.contains("from → to") && words.contains("ballot"),
        "{words}"
    );
    assert!(text(&root, "#msg-fate").starts_with("travelling"));
    click(&root, "#drop-message");
    wait_text(&root, "#msg-fate", "the drop", |t| {
        t.contains("you asked to drop it")
    })
    .await;
    wait_el(&root, &format!(".msg-hits .msg.doomed[data-msg=\"{id}\"]")).await;
    assert_eq!(count(&root, ".msg-hits .msg.doomed"), 1, "only that one");
    assert_eq!(count(&root, "#drop-message"), 0, "no second drop");
    // The drop is an intervention of the run: the share link records it.
    wait_for("the share link to record the drop", || {
        linked_interventions()
            .iter()
            .any(|iv| iv.ends_with(&format!(":drop:{id}")))
    })
    .await;
}

#[wasm_bindgen_test]
async fn past_a_violation_the_picture_shows_the_two_quorums() {
    // Minority quorums: N2 learned a value only {N1,N2} (A) acked, while the majority
    // {N3,N4,N5} (B) chose another — the checker's majority, not the code's quorum.
    let root = mount_cluster("s=bug-minority-quorum&t=5000000").await;
    assert_eq!(count(&root, "svg.cluster .why-halo.qa"), 2);
    assert_eq!(count(&root, "svg.cluster .why-halo.qb"), 3);
    assert_eq!(text(&root, "svg.cluster .why-centre"), "|A| = 2 < majority");
    let why = text(&root, "#why");
    assert!(why.contains("no majority accepted"), "{why}");
    assert!(why.contains("a majority is 3"), "{why}");
    assert!(why.contains("The majority {N3,N4,N5} chose"), "{why}");
}

#[wasm_bindgen_test]
async fn a_partition_is_drawn_as_groups_and_cut_edges() {
    let root = mount_cluster("s=minority-partition&t=6000000").await;
    // N1, N2 | N3, N4, N5: 2 × 3 = 6 cut edges, group halos on every node.
    assert_eq!(count(&root, "svg.cluster .edge.cut"), 6);
    assert_eq!(count(&root, "svg.cluster .group-halo"), 5);
    assert!(text(&root, "svg.cluster .partition-caption").contains("{N1,N2}"));
}

#[wasm_bindgen_test]
async fn panels_that_skip_frames_still_follow_a_crash_while_playing() {
    // The leader crashes at 8 s: play from just before it. The fault buttons do not follow
    // the clock frame by frame (they re-render only when the run's shape changes), but they
    // must notice the crash.
    let root = mount_cluster("s=leader-crash&t=7950000").await;
    assert_eq!(count(&root, ".faults .fault.restart"), 0);
    click(&root, "#play");
    wait_el(&root, ".faults .fault.restart").await;
    let restart = text(&root, ".faults .fault.restart");
    let crashed = find(&root, "svg.cluster .node.crashed")
        .get_attribute("data-node")
        .unwrap();
    assert_eq!(restart, format!("Restart N{crashed}"));
    click(&root, "#play");
    wait_paused(&root).await;
    // A tab change is not a tick: it shows at once.
    assert_eq!(count(&root, ".bp-verdict"), 0);
    click(&root, "#tab-break-paxos");
    wait_el(&root, ".bp-verdict").await;
}

#[wasm_bindgen_test]
async fn pointing_at_a_thinned_timeline_mark_names_the_markers_it_stands_for() {
    // Frequent markers share a mark per 1/400 of the scale. Without backoff all five nodes
    // propose within the same 25 ms at 0.2 s: one mark, and its tooltip names the other four.
    // The mark is drawn when the first proposal happens and not redrawn when the others come;
    // pointing at it works its tooltip out again.
    let root = mount_cluster("s=dueling-no-backoff").await;
    let mut clock = text(&root, "#clock");
    while count(&root, ".timeline .mark.m-election") == 0 {
        click(&root, "#step-phase");
        clock = wait_text(&root, "#clock", "a later time", |t| t != clock).await;
        assert!(clock_ms(&clock) < 1000, "no proposal by {clock}");
        // The marks are drawn after the render: let the app settle before looking.
        wait_paused(&root).await;
    }
    let first = find(&root, ".timeline .mark.m-election");
    let drawn = first.get_attribute("title").unwrap();
    assert!(
        drawn.starts_with("leadership proposal at 0.200 s: ") && !drawn.contains(" — and 4 more"),
        "drawn at the first proposal: {drawn}"
    );
    // Past the other four proposals (the scale stays at 10 s: the mark is kept).
    input(&root, "#scrubber", "1000000");
    wait_text_eq(&root, "#clock", "t = 1.000 s").await;
    mouse(&first, "mouseover");
    eventually("the pointed mark's tooltip to name the other four", || {
        ensure!(first.is_connected(), "the mark was redrawn");
        let title = first.get_attribute("title").unwrap();
        ensure!(
            title.starts_with("leadership proposal at 0.200 s: ")
                && title.contains(" — and 4 more within 25 ms: "),
            "{title}"
        );
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn new_timeline_marks_are_added_without_redrawing_the_others() {
    // Without backoff a proposal round starts every 200 ms; the scale stays at 10 s.
    let root = mount_cluster("s=dueling-no-backoff&t=1000000").await;
    wait_el(&root, ".timeline .mark.m-election").await;
    let first = find(&root, ".timeline .mark");
    let before = count(&root, ".timeline .mark");
    click(&root, "#play");
    wait_for("a new timeline mark while playing", || {
        count(&root, ".timeline .mark") > before
    })
    .await;
    click(&root, "#play");
    wait_paused(&root).await;
    assert!(
        first.is_same_node(Some(&find(&root, ".timeline .mark"))),
        "the first mark is the same element: appended to, not rebuilt"
    );
}

#[wasm_bindgen_test]
async fn lock_and_refused_connection_messages_draw_while_playing() {
    // Message types 16–20 (ConnectionRefused and the lock calls) once drew past the end of the
    // sprite table and panicked the app as soon as one was on the canvas (found by the soak).
    // Lock clients are busy around the failover at 6 s; the AtlasDB profile refuses calls to a
    // crashed node.
    for query in ["s=lock-failover&t=5800000", "s=atlasdb-failover&t=7900000"] {
        let root = mount_cluster(query).await;
        let start = clock_ms(&text(&root, "#clock"));
        click(&root, "#play");
        eventually("the clock to run 400 ms while drawing", || {
            let now = clock_ms(&text(&root, "#clock"));
            ensure!(now >= start + 400, "at {now} ms");
            Ok(())
        })
        .await;
        click(&root, "#play");
        wait_paused(&root).await;
        root.remove();
    }
}

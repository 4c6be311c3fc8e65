//! Browser component tests for the event log, the space-time diagram and the timestamp
//! number line (wasm32 only; `scripts/test.sh browser`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

#[path = "common/web.rs"]
mod web;
use web::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Opens the app on a share link with side tab `tab` open, once `ready` shows in it.
async fn open(query: &str, tab: &str, ready: &str) -> Element {
    let root = mount(query).await;
    click(&root, &format!("#{tab}"));
    wait_el(&root, &format!("#{tab}[aria-selected='true']")).await;
    wait_el(&root, ready).await;
    root
}

fn chip(root: &Element, label: &str) -> HtmlElement {
    find_all(root, ".log-filters .chip")
        .into_iter()
        .find(|c| text_of(c) == label)
        .unwrap_or_else(|| panic!("no chip {label}"))
        .dyn_into()
        .unwrap()
}

/// Texts of the message rows (sends and arrivals) in the log.
fn message_rows(root: &Element) -> Vec<String> {
    find_all(
        root,
        ".log-rows .row.send .text, .log-rows .row.arrive .text",
    )
    .iter()
    .map(text_of)
    .collect()
}

#[wasm_bindgen_test]
async fn the_log_shows_rows_and_filters_by_node_and_type() {
    let root = open("s=leader-crash&t=9000000", "tab-log", ".log-rows .row").await;
    let rows = find_all(&root, ".log-rows .row");
    assert!(rows.len() >= 100, "{} rows", rows.len());
    assert!(rows.len() <= 200, "only the last page is rendered");
    assert!(!find_all(&root, ".log-rows .row.current").is_empty());
    assert!(message_rows(&root).iter().any(|t| !t.contains("N2")));

    chip(&root, "N2").click();
    eventually("only N2's messages in the log", || {
        ensure!(
            text_or_empty(&root, ".log-filters .chip.on") == "N2",
            "the N2 chip is not on"
        );
        let texts = message_rows(&root);
        ensure!(!texts.is_empty(), "no message rows");
        ensure!(texts.iter().all(|t| t.contains("N2")), "{texts:?}");
        Ok(())
    })
    .await;

    chip(&root, "Ping").click();
    eventually("only N2's Pings in the log", || {
        ensure!(
            chip(&root, "Ping").class_name().contains("on"),
            "Ping is not on"
        );
        let texts = message_rows(&root);
        ensure!(!texts.is_empty(), "no message rows");
        ensure!(
            texts.iter().all(|t| t.contains("Ping") && t.contains("N2")),
            "{texts:?}"
        );
        Ok(())
    })
    .await;
    // Only the types that occurred get a chip, with the glossary as tooltip.
    assert!(find_all(&root, ".log-filters .chip")
        .iter()
        .all(|c| text_of(c) != "LearnedQuery"));
    assert!(chip(&root, "Ping")
        .get_attribute("title")
        .unwrap()
        .contains("still the leader"));
}

#[wasm_bindgen_test]
async fn clicking_a_log_row_moves_the_clock_to_its_event() {
    let root = open("s=leader-crash&t=9000000", "tab-log", ".log-rows .row").await;
    let before = text(&root, "#clock");
    assert_eq!(before, "t = 9.000 s");
    let rows = find_all(&root, ".log-rows .row .entry");
    let target = rows[10].clone();
    let event: usize = target.get_attribute("data-event").unwrap().parse().unwrap();
    // The row's time, "8.123": the clock goes there.
    let at = format!("t = {} s", text(&target, ".t"));
    assert_ne!(at, before, "an earlier moment");
    target.dyn_into::<HtmlElement>().unwrap().click();
    wait_text_eq(&root, "#clock", &at).await;
    // The clicked event is now in the cursor's step: highlighted, at the bottom.
    eventually(
        "the clicked event to be the current one, last in the log",
        || {
            let current = find_all(&root, ".log-rows .row.current .entry");
            ensure!(
                current
                    .iter()
                    .any(|e| e.get_attribute("data-event") == Some(event.to_string())),
                "event {event} is not current"
            );
            let last = find_all(&root, ".log-rows .row").pop().unwrap();
            ensure!(
                last.class_name().contains("current"),
                "{} {} (clicked {event})",
                last.class_name(),
                text_of(&last)
            );
            ensure!(
                find_all(&root, ".log-rows .row .entry").iter().all(|e| e
                    .get_attribute("data-event")
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
                    <= event + 40),
                "rows after the cursor"
            );
            Ok(())
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn the_space_time_diagram_draws_arrows_and_hover_highlights_the_cluster() {
    let root = open("s=leader-crash&t=9000000", "tab-spacetime", "svg.st .arrow").await;
    let arrows = find_all(&root, "svg.st .arrow");
    assert!(arrows.len() >= 20, "{} arrows", arrows.len());
    assert_eq!(
        find_all(&root, "svg.st .lane").len(),
        6,
        "five nodes and the clients"
    );
    assert!(
        !find_all(&root, "svg.st .arrow.dropped").is_empty(),
        "messages to the crashed N5"
    );
    assert!(find_all(&root, "svg.st .mark.crash").len() == 1);
    assert!(find_all(&root, ".msg-hits .msg.highlighted").is_empty());

    // A message the cluster shows (travelling or just dropped).
    let shown: Vec<String> = find_all(&root, ".msg-hits .msg")
        .iter()
        .filter_map(|m| m.get_attribute("data-msg"))
        .collect();
    let arrow = arrows
        .iter()
        .rev()
        .find(|a| shown.contains(&a.get_attribute("data-msg").unwrap()))
        .expect("an arrow the cluster also shows")
        .clone();
    let id = arrow.get_attribute("data-msg").unwrap();
    mouse(&arrow.first_element_child().unwrap(), "mouseover");
    eventually("the hovered message lit in both pictures", || {
        let lit = find_all(&root, ".msg-hits .msg.highlighted");
        ensure!(lit.len() == 1, "{} lit in the cluster", lit.len());
        ensure!(
            lit[0].get_attribute("data-msg").as_deref() == Some(id.as_str()),
            "another message is lit"
        );
        ensure!(
            count(&root, "svg.st .arrow.hl") == 1,
            "{} arrows lit",
            count(&root, "svg.st .arrow.hl")
        );
        Ok(())
    })
    .await;

    mouse(&arrow.first_element_child().unwrap(), "mouseout");
    wait_gone(&root, ".msg-hits .msg.highlighted").await;
    wait_gone(&root, "svg.st .arrow.hl").await;
}

#[wasm_bindgen_test]
async fn the_number_line_shows_fences_ranges_and_the_skipped_reservation() {
    let root = open(
        "s=failover-monotonic&t=20000000",
        "tab-timestamps",
        "svg.nl",
    )
    .await;
    assert!(count(&root, "svg.nl .fence") >= 3);
    let owners: Vec<String> = find_all(&root, "svg.nl rect.served")
        .iter()
        .filter_map(|r| r.get_attribute("data-node"))
        .collect();
    assert!(owners.len() >= 2, "{owners:?}");
    assert_ne!(owners[0], owners[1], "two leaders served");
    assert_eq!(count(&root, "svg.nl rect.skipped"), 1);
    let note = text(&root, "svg.nl .note.skipped");
    assert!(
        note.contains(&format!(
            "reserved by N{}, never handed out: skipped",
            owners[0]
        )),
        "{note}"
    );
    assert_eq!(count(&root, "svg.nl path.counter"), 1);
    assert_eq!(count(&root, "svg.nl rect.conflict"), 0);
    assert!(text(&root, ".nl-why").contains("never go backwards"));
}

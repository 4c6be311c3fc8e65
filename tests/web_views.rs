//! Browser component tests for the event log, the space-time diagram and the timestamp
//! number line (wasm32 only; `scripts/test.sh browser`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use paxoscope::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Opens the app on a share link, in a fresh `<div>`, with side tab `tab` open.
async fn open(query: &str, tab: &str) -> Element {
    let window = web_sys::window().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query))
        .unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    click(&root, &format!("#{tab}"));
    settle().await;
    root
}

/// Yew renders asynchronously: let the scheduler run before reading the DOM.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn click(root: &Element, selector: &str) {
    one(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

/// Dispatches a bubbling mouse event (the views listen once, on the whole picture or list).
fn mouse(el: &Element, kind: &str) {
    let f = js_sys::Function::new_with_args(
        "el, kind",
        "el.dispatchEvent(new MouseEvent(kind, { bubbles: true }))",
    );
    f.call2(&wasm_bindgen::JsValue::NULL, el, &kind.into())
        .unwrap();
}

fn text(e: &Element) -> String {
    e.text_content().unwrap_or_default()
}

fn chip(root: &Element, label: &str) -> HtmlElement {
    all(root, ".log-filters .chip")
        .into_iter()
        .find(|c| text(c) == label)
        .unwrap_or_else(|| panic!("no chip {label}"))
        .dyn_into()
        .unwrap()
}

/// Texts of the message rows (sends and arrivals) in the log.
fn message_rows(root: &Element) -> Vec<String> {
    all(
        root,
        ".log-rows .row.send .text, .log-rows .row.arrive .text",
    )
    .iter()
    .map(text)
    .collect()
}

#[wasm_bindgen_test]
async fn the_log_shows_rows_and_filters_by_node_and_type() {
    let root = open("?s=leader-crash&t=9000000", "tab-log").await;
    let rows = all(&root, ".log-rows .row");
    assert!(rows.len() >= 100, "{} rows", rows.len());
    assert!(rows.len() <= 200, "only the last page is rendered");
    assert!(!all(&root, ".log-rows .row.current").is_empty());
    assert!(message_rows(&root).iter().any(|t| !t.contains("N2")));

    chip(&root, "N2").click();
    settle().await;
    assert_eq!(text(&one(&root, ".log-filters .chip.on")), "N2");
    let texts = message_rows(&root);
    assert!(!texts.is_empty());
    assert!(texts.iter().all(|t| t.contains("N2")), "{texts:?}");

    chip(&root, "Ping").click();
    settle().await;
    let texts = message_rows(&root);
    assert!(!texts.is_empty());
    assert!(
        texts.iter().all(|t| t.contains("Ping") && t.contains("N2")),
        "{texts:?}"
    );
    // Only the types that occurred get a chip, with the glossary as tooltip.
    assert!(all(&root, ".log-filters .chip")
        .iter()
        .all(|c| text(c) != "LearnedQuery"));
    assert!(chip(&root, "Ping")
        .get_attribute("title")
        .unwrap()
        .contains("still the leader"));
}

#[wasm_bindgen_test]
async fn clicking_a_log_row_moves_the_clock() {
    let root = open("?s=leader-crash&t=9000000", "tab-log").await;
    let before = text(&one(&root, "#clock"));
    assert_eq!(before, "t = 9.000 s");
    let rows = all(&root, ".log-rows .row .entry");
    let target = rows[10].clone();
    let event: usize = target.get_attribute("data-event").unwrap().parse().unwrap();
    target.dyn_into::<HtmlElement>().unwrap().click();
    // Rows are child components: with earlier tests' apps still mounted, give them longer.
    yew::platform::time::sleep(Duration::from_millis(150)).await;
    let after = text(&one(&root, "#clock"));
    assert_ne!(after, before);
    // The clicked event is now the cursor's step: highlighted, at the bottom.
    let last = all(&root, ".log-rows .row").pop().unwrap();
    assert!(
        last.class_name().contains("current"),
        "{} {} (clicked {event}, now {after})",
        last.class_name(),
        text(&last)
    );
    assert!(all(&root, ".log-rows .row .entry").iter().all(|e| e
        .get_attribute("data-event")
        .unwrap()
        .parse::<usize>()
        .unwrap()
        <= event + 40));
}

#[wasm_bindgen_test]
async fn the_space_time_diagram_draws_arrows_and_hover_highlights_the_cluster() {
    let root = open("?s=leader-crash&t=9000000", "tab-spacetime").await;
    let arrows = all(&root, "svg.st .arrow");
    assert!(arrows.len() >= 20, "{} arrows", arrows.len());
    assert_eq!(
        all(&root, "svg.st .lane").len(),
        6,
        "five nodes and the clients"
    );
    assert!(
        !all(&root, "svg.st .arrow.dropped").is_empty(),
        "messages to the crashed N5"
    );
    assert!(all(&root, "svg.st .mark.crash").len() == 1);
    assert!(all(&root, ".msg-hits .msg.highlighted").is_empty());

    // A message the cluster shows (travelling or just dropped).
    let shown: Vec<String> = all(&root, ".msg-hits .msg")
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
    settle().await;
    let lit = all(&root, ".msg-hits .msg.highlighted");
    assert_eq!(lit.len(), 1);
    assert_eq!(lit[0].get_attribute("data-msg").unwrap(), id);
    assert_eq!(all(&root, "svg.st .arrow.hl").len(), 1);

    mouse(&arrow.first_element_child().unwrap(), "mouseout");
    settle().await;
    assert!(all(&root, ".msg-hits .msg.highlighted").is_empty());
}

#[wasm_bindgen_test]
async fn the_number_line_shows_fences_ranges_and_the_skipped_reservation() {
    let root = open("?s=failover-monotonic&t=20000000", "tab-timestamps").await;
    assert!(all(&root, "svg.nl .fence").len() >= 3);
    let owners: Vec<String> = all(&root, "svg.nl rect.served")
        .iter()
        .filter_map(|r| r.get_attribute("data-node"))
        .collect();
    assert!(owners.len() >= 2, "{owners:?}");
    assert_ne!(owners[0], owners[1], "two leaders served");
    assert_eq!(all(&root, "svg.nl rect.skipped").len(), 1);
    let note = text(&one(&root, "svg.nl .note.skipped"));
    assert!(
        note.contains(&format!(
            "reserved by N{}, never handed out: skipped",
            owners[0]
        )),
        "{note}"
    );
    assert_eq!(all(&root, "svg.nl path.counter").len(), 1);
    assert!(all(&root, "svg.nl rect.conflict").is_empty());
    assert!(text(&one(&root, ".nl-why")).contains("never go backwards"));
}

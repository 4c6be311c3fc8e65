//! The help overlay ("?"): keyboard shortcuts, how to read the picture, a glossary of every
//! message type and piece of state, and TimeLock's two uses of Paxos. A modal dialog: focus
//! moves into it, Tab stays inside, Esc or the close button returns focus where it was.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::format::node_color;
use super::store::use_quiet_lab;
use crate::lab::glossary;
use crate::lab::LabAction;
use crate::lab::{Msg, NodeId};

const KEYS: [(&str, &str); 6] = [
    ("Space", "play or pause"),
    ("→", "one event forward"),
    ("←", "one event back"),
    ("N / B", "next / previous stop of a guided tour"),
    ("?", "show or hide this help"),
    ("Esc", "close this help, or clear the selection"),
];

const RINGS: [(&str, &str); 4] = [
    ("backoff", "the random wait before proposing"),
    (
        "ping-timeout",
        "how long a follower still waits for the leader's answer",
    ),
    (
        "leadership-proposal-timeout",
        "a proposal's deadline for a quorum",
    ),
    (
        "catch-up-timeout",
        "catching up, or checking leadership, with a quorum",
    ),
];

fn html_element(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// The overlay itself; render it only while `lab.help` is set.
#[component]
pub fn Help() -> Html {
    let store = use_quiet_lab();
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            let previous = gloo::utils::document()
                .active_element()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(close) = dialog
                .cast::<Element>()
                .and_then(|d| html_element(&d, "#help-close"))
            {
                let _ = close.focus();
            }
            move || {
                // Back where it was; with nothing focused before ("?" pressed on the page),
                // to the Help button, so a keyboard user is not dropped to the top of the page.
                let document = gloo::utils::document();
                let body = document.body();
                let back = previous
                    .filter(|p| p.is_connected() && Some(p) != body.as_ref())
                    .or_else(|| html_element(&document.document_element()?, ".help-button"));
                if let Some(p) = back {
                    let _ = p.focus();
                }
            }
        });
    }
    // Keep Tab inside the dialog: its first and last buttons wrap around.
    let trap = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(d) = dialog.cast::<Element>() else {
                return;
            };
            let (Some(first), Some(last)) = (
                html_element(&d, "#help-close"),
                html_element(&d, "#help-done"),
            ) else {
                return;
            };
            let active = gloo::utils::document().active_element();
            let at = |el: &HtmlElement| active.as_ref() == Some(el.as_ref());
            if e.shift_key() && (at(&first) || active.as_ref() == Some(&d)) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(&last) {
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };
    let close = store.send::<MouseEvent>(LabAction::ToggleHelp);
    let keep = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="help-backdrop" onclick={close.clone()}>
            <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" tabindex="-1"
                 ref={dialog} onkeydown={trap} onclick={keep}>
                <div class="help-head">
                    <h2 id="help-title">{ "How to use PaxosScope" }</h2>
                    <button id="help-close" aria-label="Close help" onclick={close.clone()}>{ "×" }</button>
                </div>
                { body() }
                <div class="help-foot">
                    <button id="help-done" class="primary" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}

/// The overlay's content: keyboard, the picture, the glossary.
fn body() -> Html {
    let pairs = |items: Vec<(Html, &'static str)>| -> Html {
        items
            .into_iter()
            .map(|(dt, dd)| html! { <><dt>{ dt }</dt><dd>{ dd }</dd></> })
            .collect()
    };
    let keys = pairs(
        KEYS.iter()
            .map(|&(k, what)| (html! { <kbd>{ k }</kbd> }, what))
            .collect(),
    );
    let roles = pairs(
        glossary::roles()
            .into_iter()
            .map(|r| {
                let dt = html! { <><span class={classes!("role-swatch", r)}></span>{ r }</> };
                (dt, glossary::role(r))
            })
            .collect(),
    );
    let rings = pairs(
        RINGS
            .iter()
            .map(|&(k, what)| {
                let dt = html! { <><span class={classes!("ring-swatch", k)}></span><span class="visually-hidden">{ k }</span></> };
                (dt, what)
            })
            .collect(),
    );
    let owners: Html = (0..5)
        .map(|i| {
            let n = NodeId::from_index(i);
            html! { <span class="owner-swatch" style={format!("--owner:{}", node_color(n))}>{ n.to_string() }</span> }
        })
        .collect();
    let messages: Html = Msg::TYPE_NAMES
        .iter()
        .map(|&t| html! { <><dt data-msg-type={t}>{ t }</dt><dd>{ glossary::message(t) }</dd></> })
        .collect();
    let state = pairs(
        glossary::STATE_KEYS
            .iter()
            .map(|&k| (html! { <>{ k }</> }, glossary::state(k)))
            .collect(),
    );
    html! {
        <>
            <section><h3>{ "TimeLock's two uses of Paxos" }</h3><p>{ glossary::TIMELOCK }</p></section>
            <section><h3>{ "Keyboard" }</h3><dl class="help-keys">{ keys }</dl></section>
            <section>
                <h3>{ "Reading the picture" }</h3>
                <p>{ "Each circle is a server; its fill and label say its role:" }</p>
                <dl>{ roles }</dl>
                <p>{ "A ring around a node is a timer running out:" }</p>
                <dl>{ rings }</dl>
                <p>
                    { "Messages travel along the lines. A Paxos message is coloured by the node whose ballot it carries — " }
                    { owners }
                    { " — so rival ballots are easy to tell apart; other messages are grey. ✕ marks a dropped message, ×2 a duplicate, a red dashed line a partition." }
                </p>
                <p>
                    <strong>{ "Durable" }</strong>{ ": " }{ glossary::state("durable") }
                    { " " }<strong>{ "Volatile" }</strong>{ ": " }{ glossary::state("volatile") }
                    { " Acceptor and learner logs are durable; a proposer's counter and a leader's timestamp counter are volatile." }
                </p>
            </section>
            <section><h3>{ "Messages" }</h3><dl class="help-glossary" id="help-messages">{ messages }</dl></section>
            <section><h3>{ "State" }</h3><dl class="help-glossary" id="help-state">{ state }</dl></section>
        </>
    }
}

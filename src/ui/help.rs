//! The help overlay ("?"): keyboard shortcuts, how to read the picture, a glossary of every
//! message type and piece of state, and TimeLock's two uses of Paxos. A modal dialog: focus
//! moves into it, Tab stays inside, Esc or the close button returns focus where it was.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::format::{escape_into as esc, node_color};
use super::store::{dispatch, use_quiet_lab};
use crate::engine::{Msg, NodeId};
use crate::lab::LabAction;
use crate::sim::glossary;

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
                if let Some(p) = previous {
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
    let close = dispatch::<MouseEvent>(&store, LabAction::ToggleHelp);
    let keep = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="help-backdrop" onclick={close.clone()}>
            <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" tabindex="-1"
                 ref={dialog} onkeydown={trap} onclick={keep}>
                <header>
                    <h2 id="help-title">{ "How to use PaxosScope" }</h2>
                    <button id="help-close" aria-label="Close help" onclick={close.clone()}>{ "×" }</button>
                </header>
                { Html::from_html_unchecked(AttrValue::from(body())) }
                <footer>
                    <button id="help-done" class="primary" onclick={close}>{ "Close" }</button>
                </footer>
            </div>
        </div>
    }
}

/// One `<dt>`/`<dd>` pair; `dt` is trusted markup, `dd` plain text.
fn entry(out: &mut String, dt: &str, dd: &str) {
    out.push_str("<dt>");
    out.push_str(dt);
    out.push_str("</dt><dd>");
    esc(out, dd);
    out.push_str("</dd>");
}

/// The overlay's content as markup: it never changes, so it is built as one string rather
/// than as hundreds of virtual nodes (which would cost far more code in the bundle).
fn body() -> String {
    let mut h = String::with_capacity(9_000);
    h.push_str("<section><h3>TimeLock's two uses of Paxos</h3><p>");
    esc(&mut h, glossary::TIMELOCK);
    h.push_str("</p></section><section><h3>Keyboard</h3><dl class=\"help-keys\">");
    for (k, what) in KEYS {
        entry(&mut h, &format!("<kbd>{k}</kbd>"), what);
    }
    h.push_str(
        "</dl></section><section><h3>Reading the picture</h3>\
         <p>Each circle is a server; its fill and label say its role:</p><dl>",
    );
    for r in glossary::roles() {
        entry(
            &mut h,
            &format!("<span class=\"role-swatch {r}\"></span>{r}"),
            glossary::role(r),
        );
    }
    h.push_str("</dl><p>A ring around a node is a timer running out:</p><dl>");
    for (k, what) in RINGS {
        entry(
            &mut h,
            &format!("<span class=\"ring-swatch {k}\"></span>"),
            what,
        );
    }
    h.push_str(
        "</dl><p>Messages travel along the lines. A Paxos message is coloured by the node \
         whose ballot it carries — ",
    );
    for i in 0..5 {
        let n = NodeId::from_index(i);
        h.push_str(&format!(
            "<span class=\"owner-swatch\" style=\"background:{}\">{n}</span>",
            node_color(n)
        ));
    }
    h.push_str(
        " — so rival ballots are easy to tell apart; other messages are grey. ✕ marks a dropped \
         message, ×2 a duplicate, a red dashed line a partition.</p><p><strong>Durable</strong>: ",
    );
    esc(&mut h, glossary::state("durable"));
    h.push_str(" <strong>Volatile</strong>: ");
    esc(&mut h, glossary::state("volatile"));
    h.push_str(
        " Acceptor and learner logs are durable; a proposer's counter and a leader's timestamp \
         counter are volatile.</p></section><section><h3>Messages</h3>\
         <dl class=\"help-glossary\" id=\"help-messages\">",
    );
    for t in Msg::TYPE_NAMES {
        h.push_str(&format!("<dt data-msg-type=\"{t}\">{t}</dt><dd>"));
        esc(&mut h, glossary::message(t));
        h.push_str("</dd>");
    }
    h.push_str(
        "</dl></section><section><h3>State</h3><dl class=\"help-glossary\" id=\"help-state\">",
    );
    for k in glossary::STATE_KEYS {
        entry(&mut h, k, glossary::state(k));
    }
    h.push_str("</dl></section>");
    h
}

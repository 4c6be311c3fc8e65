//! The Break Paxos tab: one switch per injected bug with the rule it removes and a one-click
//! counterexample, and — once the cursor is past a violation — a picture of what broke
//! (built by [`crate::lab::breakdown`]).

use yew::prelude::*;

use super::format::{node_color, px, secs, value};
use super::store::use_lab;
use crate::lab::breakdown::{self, Ack, Breakdown};
use crate::lab::LabAction;
use crate::lab::{explain, glossary};
use crate::lab::{Bugs, Invariant, NodeId, Quirks};

/// Width of the violation pictures' coordinate box.
const W: f64 = 440.0;

/// Bug switches, counterexamples, and the verdict.
#[component]
pub fn BreakPaxos() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let bugs = lab.config_now().protocol.bugs;
    let h = lab.run.history();
    // When a violation comes into view, scroll the panel up to its explanation.
    let root = use_node_ref();
    let shown = h
        .first_violation()
        .map(|(i, _)| i)
        .filter(|&i| lab.run.cursor_event() > i);
    {
        let root = root.clone();
        use_effect_with(shown, move |shown| {
            if shown.is_some() {
                if let Some(body) = root
                    .cast::<web_sys::Element>()
                    .and_then(|r| r.closest(".tab-body").ok().flatten())
                {
                    body.set_scroll_top(0);
                }
            }
        });
    }
    let verdict = match h.first_violation() {
        Some((i, v)) if lab.run.cursor_event() > i => {
            html! {
                <section class="bp-verdict violated" aria-labelledby="bp-title">
                    <h3 id="bp-title">{ format!("✗ {} broken at {}", v.invariant.name(), secs(v.t)) }</h3>
                    <p class="bp-rule"><strong>{ "The rule: " }</strong>{ v.invariant.rule() }</p>
                    { picture(&breakdown::of(&lab.run, i, v)) }
                    <p class="bp-detail">{ v.detail.clone() }</p>
                    <button id="bp-jump" class="primary" onclick={store.send(LabAction::JumpToViolation)}>
                        { "Jump to the first bad event" }
                    </button>
                </section>
            }
        }
        _ => {
            let on = bugs.enabled();
            html! {
                <section class="bp-verdict holds">
                    <h3>{ "✓ Safety holds" }</h3>
                    <p>{ if on.is_empty() {
                        "Every rule is in place. Switch one off below and keep playing, or show a counterexample.".to_string()
                    } else {
                        format!("Bugs switched on: {}. Nothing has broken yet at t = {} — keep playing, or show a counterexample.", on.join(", "), secs(lab.run.now()))
                    } }</p>
                </section>
            }
        }
    };
    html! {
        <div class="break-paxos" ref={root}>
            { verdict }
            <p class="hint">{ "Each switch removes one rule from every node, from the current moment on. The checker watches every event." }</p>
            <ul class="bp-bugs">
                { for Bugs::NAMES.iter().map(|&name| {
                    let Some(info) = glossary::bug(name) else { return html! {} };
                    let on = bugs.get(name) == Some(true);
                    html! {
                        <li class={classes!("bp-bug", on.then_some("on"))} data-bug={name}>
                            <label class="bp-switch">
                                <input type="checkbox" role="switch" id={format!("bug-{name}")} checked={on}
                                       onchange={store.send(LabAction::SetBug(name.into(), !on))} />
                                <span class="bp-title">{ info.title }</span>
                                <code>{ name }</code>
                            </label>
                            <p><span class="bp-label">{ "Rule: " }</span>{ info.rule }</p>
                            <p><span class="bp-label">{ "Switched on: " }</span>{ format!("{} Breaks {}.", info.broken, info.breaks.name()) }</p>
                            <button class="bp-cx" id={format!("cx-{name}")}
                                    onclick={store.send(LabAction::ShowCounterexample(name.into()))}>
                                { "Show a counterexample" }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <FoundInRealCode />
        </div>
    }
}

/// AtlasDB's quirks: what its code does differently, where, and — for the two that can break
/// safety — a one-click scenario that shows it.
#[component]
fn FoundInRealCode() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let quirks = lab.config_now().protocol.quirks;
    html! {
        <section class="bp-real" aria-labelledby="bp-real-title">
            <h3 id="bp-real-title">{ "Found in real code: AtlasDB as written" }</h3>
            <p class="hint">{ "Each switch makes every node behave like palantir/atlasdb's code in one respect, from the current moment on. The protocol picker in Settings turns them all on at once." }</p>
            <ul class="bp-bugs">
                { for Quirks::NAMES.iter().map(|&name| {
                    let Some(info) = glossary::quirk(name) else { return html! {} };
                    let on = quirks.get(name) == Some(true);
                    html! {
                        <li class={classes!("bp-bug", "bp-quirk", on.then_some("on"), info.hazard.map(|_| "hazard"))} data-quirk={name}>
                            <label class="bp-switch">
                                <input type="checkbox" role="switch" id={format!("quirk-{name}")} checked={on}
                                       onchange={store.send(LabAction::SetQuirk(name.into(), !on))} />
                                <span class="bp-title">{ info.title }</span>
                                <code>{ name }</code>
                            </label>
                            <p><span class="bp-label">{ "Textbook: " }</span>{ info.textbook }</p>
                            <p><span class="bp-label">{ "AtlasDB: " }</span>{ info.atlasdb }</p>
                            <p class="bp-source"><span class="bp-label">{ "Where: " }</span><code>{ info.source }</code></p>
                            { match info.hazard {
                                Some(hazard) => html! {
                                    <>
                                        <p><span class="bp-label">{ "Hazard: " }</span>{ hazard }</p>
                                        <button class="bp-cx" id={format!("hazard-{name}")}
                                                onclick={store.send(LabAction::ShowHazard(name.into()))}>
                                            { "Show it happen" }
                                        </button>
                                    </>
                                },
                                None => html! {
                                    <p class="bp-harmless">{ "On its own it breaks nothing: 100,000 swarm seeds with it on stay safe." }</p>
                                },
                            } }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// `<text>` at (x, y) with a class.
fn text(class: &'static str, x: f64, y: f64, body: &str) -> Html {
    html! { <text class={class} x={px(x)} y={px(y)}>{ body.to_string() }</text> }
}

/// A rectangle from `x0` to `x1` (at least 3 wide).
fn bar(x0: f64, x1: f64, y: f64, h: f64) -> Html {
    html! { <rect x={px(x0)} y={px(y)} width={px((x1 - x0).max(3.0))} height={px(h)} rx="3" /> }
}

/// The picture's elements, with `<g>` groups opened and closed in drawing order.
#[derive(Default)]
struct Svg {
    parts: Vec<Html>,
    open: Vec<(Classes, Option<String>, Vec<Html>)>,
}

impl Svg {
    fn push(&mut self, h: Html) {
        self.parts.push(h);
    }

    /// Starts a `<g>`: what is pushed until [`Svg::end`] goes inside it.
    fn group(&mut self, class: impl Into<Classes>, style: Option<String>) {
        let outer = std::mem::take(&mut self.parts);
        self.open.push((class.into(), style, outer));
    }

    fn end(&mut self) {
        if let Some((class, style, outer)) = self.open.pop() {
            let inner = std::mem::replace(&mut self.parts, outer);
            self.parts
                .push(html! { <g {class} {style}>{ for inner }</g> });
        }
    }
}

/// `s.push(text(…))`.
macro_rules! push_text {
    ($s:ident, $($a:expr),+ $(,)?) => {
        $s.push(text($($a),+))
    };
}

/// `s.push(bar(…))`.
macro_rules! push_bar {
    ($s:ident, $($a:expr),+ $(,)?) => {
        $s.push(bar($($a),+))
    };
}

/// The violation as an SVG picture (nothing for a violation told in words only).
fn picture(b: &Breakdown) -> Html {
    let mut s = Svg::default();
    let (height, label) = match b {
        Breakdown::Quorums {
            nodes,
            slot,
            first,
            second,
            shared,
        } => {
            let n = usize::from(*nodes);
            let x = |i: usize| 40.0 + i as f64 * (W - 80.0) / (n.max(2) - 1) as f64;
            for (q, y, ty, class) in [(first, 32.0, 16.0, "q1"), (second, 144.0, 182.0, "q2")] {
                s.group(
                    "bp-quorum",
                    Some(format!("--q:{}", node_color(q.ballot.node))),
                );
                for m in q.acceptors.iter() {
                    push_bar!(s, x(m.index()) - 22.0, x(m.index()) + 22.0, y, 14.0);
                }
                s.end();
                let what = format!(
                    "Quorum {} {}: {} at {}",
                    &class[1..],
                    q.acceptors,
                    value(q.value),
                    q.ballot
                );
                push_text!(s, class, 8.0, ty, &what);
            }
            for i in 0..n {
                let id = NodeId::from_index(i);
                s.group(
                    classes!("bp-node", (shared.contains(id)).then_some("shared")),
                    None,
                );
                s.push(html! { <circle cx={px(x(i))} cy="95" r="17" style={format!("--owner:{}", node_color(id))} /> });
                push_text!(s, "", x(i), 100.0, &id.to_string());
                s.end();
            }
            let note = if shared.is_empty() {
                "no node in both quorums".to_string()
            } else {
                format!("{shared} in both: should have carried value 1")
            };
            push_text!(s, "bp-note", W - 8.0, 68.0, &note);
            (
                190.0,
                format!(
                    "Two quorums chose different values at {}",
                    explain::slot(slot.0, slot.1)
                ),
            )
        }
        Breakdown::Majority {
            nodes,
            slot,
            learner,
            acked,
            chosen,
            majority,
        } => {
            let n = usize::from(*nodes);
            let x = |i: usize| 40.0 + i as f64 * (W - 80.0) / (n.max(2) - 1) as f64;
            s.group(
                "bp-quorum",
                Some(format!("--q:{}", node_color(acked.ballot.node))),
            );
            for m in acked.acceptors.iter() {
                push_bar!(s, x(m.index()) - 22.0, x(m.index()) + 22.0, 32.0, 14.0);
            }
            s.end();
            let what = format!(
                "Acked by {}: {} at {}",
                acked.acceptors,
                value(acked.value),
                acked.ballot
            );
            push_text!(s, "q1", 8.0, 16.0, &what);
            for i in 0..n {
                let id = NodeId::from_index(i);
                s.group(
                    classes!(
                        "bp-node",
                        (acked.acceptors.contains(id)).then_some("shared")
                    ),
                    None,
                );
                s.push(html! { <circle cx={px(x(i))} cy="95" r="17" style={format!("--owner:{}", node_color(id))} /> });
                push_text!(s, "", x(i), 100.0, &id.to_string());
                s.end();
            }
            let note = format!(
                "{} of {n} acked — a majority is {majority}",
                acked.acceptors.len()
            );
            push_text!(s, "bp-note", W - 8.0, 68.0, &note);
            let mut height = 130.0;
            if let Some(c) = chosen {
                s.group(
                    "bp-quorum",
                    Some(format!("--q:{}", node_color(c.ballot.node))),
                );
                for m in c.acceptors.iter() {
                    push_bar!(s, x(m.index()) - 22.0, x(m.index()) + 22.0, 144.0, 14.0,);
                }
                s.end();
                let what = format!(
                    "Chosen by the majority {}: {} at {}",
                    c.acceptors,
                    value(c.value),
                    c.ballot
                );
                push_text!(s, "q2", 8.0, 182.0, &what);
                height = 190.0;
            }
            (
                height,
                format!(
                    "{learner} learned a value no majority accepted at {}",
                    explain::slot(slot.0, slot.1)
                ),
            )
        }
        Breakdown::Promise {
            acceptor,
            before,
            crash,
            restart,
            after,
            ..
        } => {
            s.push(html! { <line class="bp-axis" x1="20" y1="60" x2={px(W - 20.0)} y2="60" /> });
            let ack = |a: &Ack| format!("{} {}", a.what, a.ballot);
            let marks = [
                before.as_ref().map(|a| ("kept", a.t, ack(a))),
                crash.map(|t| ("event", t, "crash".to_string())),
                restart.map(|(t, inc)| ("event", t, format!("restart #{inc}"))),
                after.as_ref().map(|a| ("broken", a.t, ack(a))),
            ];
            for (i, mark) in marks.into_iter().enumerate() {
                let Some((class, t, what)) = mark else {
                    continue;
                };
                let x = 60.0 + i as f64 * 106.0;
                s.group(classes!("bp-mark", class), None);
                if class == "event" {
                    push_bar!(s, x - 7.0, x + 7.0, 53.0, 14.0);
                } else {
                    s.push(html! { <circle cx={px(x)} cy="60" r="9" /> });
                }
                push_text!(s, "", x, 36.0, &what);
                push_text!(s, "bp-t", x, 88.0, &secs(t));
                s.end();
            }
            push_text!(
                s,
                "bp-lane",
                4.0,
                106.0,
                &format!("{acceptor}'s life, left to right"),
            );
            (
                110.0,
                format!("{acceptor}'s promise before its crash and what it acknowledged after"),
            )
        }
        Breakdown::Ranges {
            invariant,
            ranges,
            bound,
            overlap,
            span,
        } => {
            let (lo, hi) = (span.0 as f64, span.1.max(span.0 + 1) as f64);
            let x = |v: u64| 20.0 + (v as f64 - lo) / (hi - lo) * (W - 40.0);
            let rows = ranges.len() as f64 * 38.0;
            let height = 50.0 + rows;
            if let Some((a, b)) = overlap {
                s.group("bp-overlap", None);
                push_bar!(s, x(*a), x(*b + 1), 10.0, rows);
                s.end();
                push_text!(
                    s,
                    "bp-twice",
                    x(*b + 1) + 4.0,
                    height - 24.0,
                    &format!("{a}–{b} handed out twice"),
                );
            }
            for (i, r) in ranges.iter().enumerate() {
                let y = 14.0 + i as f64 * 38.0;
                let role = match (invariant, i) {
                    (Invariant::RealTimeOrder, 0) => "gave a client",
                    (Invariant::RealTimeOrder, _) => "then gave a later request",
                    _ => "handed out",
                };
                s.group("bp-range", Some(format!("--owner:{}", node_color(r.node))));
                push_text!(
                    s,
                    "",
                    20.0,
                    y + 8.0,
                    &if r.first == r.last {
                        format!("{}: {} {role} {}", secs(r.t), r.node, r.first)
                    } else {
                        format!("{}: {} {role} {}–{}", secs(r.t), r.node, r.first, r.last)
                    },
                );
                push_bar!(s, x(r.first), x(r.last + 1), y + 13.0, 12.0);
                s.end();
                if *invariant == Invariant::RealTimeOrder && i == 1 {
                    let note = "← later, yet smaller: time went backwards";
                    push_text!(s, "bp-twice", x(r.last + 1) + 6.0, y + 23.0, note);
                }
            }
            if let Some(b) = bound {
                s.group("bp-bound", None);
                s.push(
                    html! { <line x1={px(x(*b))} y1="6" x2={px(x(*b))} y2={px(height - 16.0)} /> },
                );
                push_text!(s, "", x(*b), height - 4.0, &format!("bound {b}"));
                s.end();
            }
            s.push(html! { <line class="bp-axis" x1="20" y1={px(height - 20.0)} x2={px(W - 20.0)} y2={px(height - 20.0)} /> });
            push_text!(s, "bp-t", 20.0, height - 4.0, &span.0.to_string());
            push_text!(s, "bp-t end", W - 20.0, height - 4.0, &span.1.to_string(),);
            (
                height,
                "The conflicting timestamps on a number line".to_string(),
            )
        }
        Breakdown::Text => return Html::default(),
    };
    html! {
        <svg class="bp-picture" viewBox={format!("0 0 {} {}", px(W), px(height))} role="img" aria-label={label}>
            { for s.parts }
        </svg>
    }
}

//! The inspector tab: the selected node's state split as a crash splits it (disk survives,
//! memory does not), the selected message in plain words with a button to drop it, or — with
//! nothing selected — a hint and the cluster in a few numbers.
//!
//! The panel is mostly text, so it is written as markup strings in a few blocks (each
//! replaced only when its text changes) with one delegated click handler reading the
//! buttons' `data-act`: a tree of `html!` tags this size would cost the bundle several times
//! more. Every value shown comes from [`crate::lab::view`]; nothing here is user input, and
//! text is escaped anyway.

use std::fmt::Write;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::cluster::{countdown_name, role_icon};
use super::format::{dur, escape as esc, secs};
use super::store::use_lab;
use crate::engine::proposer::Proposer;
use crate::engine::{Address, LogId, NodeId, NodeSet, Phase, Value};
use crate::lab::view::{self, ClusterSummary, MessageDetail, MsgStatus, NodeDetail, SlotRow};
use crate::lab::LabAction;
use crate::lab::{explain, glossary};
use crate::sim::history::DropReason;
use crate::sim::{Action, Run};

/// How many recent sequences of each log the node panel lists.
const ROWS: usize = 8;
/// How many in-flight messages a panel lists as buttons.
const LISTED: usize = 10;

/// The action a `data-act` value names ("crash:3", "msg:41", "drop"…).
fn action(act: &str) -> Option<LabAction> {
    let (verb, arg) = act.split_once(':').unwrap_or((act, ""));
    let node = || arg.parse().ok().map(NodeId);
    Some(match verb {
        "node" => LabAction::SelectNode(Some(node()?)),
        "unnode" => LabAction::SelectNode(None),
        "msg" => LabAction::SelectMessage(Some(arg.parse().ok()?)),
        "unmsg" => LabAction::SelectMessage(None),
        "crash" => LabAction::Intervene(Action::Crash(node()?)),
        "restart" => LabAction::Intervene(Action::Restart(node()?)),
        "isolate" => LabAction::Isolate(node()?),
        "drop" => LabAction::DropSelected,
        _ => return None,
    })
}

/// The inspector: message, node, or summary.
#[component]
pub fn Inspector() -> Html {
    let store = use_lab();
    let d = store.dispatcher();
    let onclick = Callback::from(move |e: MouseEvent| {
        let act = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-act]").ok().flatten())
            .and_then(|el| el.get_attribute("data-act"));
        if let Some(a) = act.as_deref().and_then(action) {
            d.dispatch(a);
        }
    });
    let lab = store.lab();
    let msg = lab
        .selected_msg
        .and_then(|id| view::message_detail(&lab.run, id));
    let node = lab
        .selected_node
        .and_then(|id| view::node_detail(&lab.run, id, ROWS));
    let (kind, blocks) = match (&msg, &node) {
        (Some(m), _) => ("msg-inspector", message_panel(m)),
        (None, Some(n)) => ("node-inspector", node_panel(n)),
        (None, None) => ("summary", vec![SUMMARY_HINT.to_string()]),
    };
    // The count of messages in flight changes on every frame while playing: a text node,
    // not part of a markup block (which would be replaced whole, and laid out again).
    let in_flight = msg.is_none().then(|| {
        let about = node.as_ref().map(|n| n.id);
        let total = view::in_flight_count(&lab.run, about);
        let list = message_buttons(&lab.run, about, lab.playing);
        let head = match about {
            Some(n) => format!("Messages in flight to or from {n}: {total}"),
            None => format!("Messages in flight: {total}"),
        };
        html! { <><h3 class="in-flight">{ head }</h3>{ Html::from_html_unchecked(list.into()) }</> }
    });
    html! {
        <div class={classes!("inspector", kind, node.as_ref().filter(|n| !n.up).map(|_| "is-crashed"))} id="inspector"
             data-node={node.as_ref().map(|n| n.id.0.to_string())} data-msg={msg.as_ref().map(|m| m.record.id.to_string())}
             {onclick}>
            { for blocks.into_iter().map(|b| Html::from_html_unchecked(b.into())) }
            if kind == "summary" {
                <Summary summary={view::cluster_summary(&lab.run)} />
            }
            { in_flight }
        </div>
    }
}

fn value(v: Option<Value>) -> String {
    v.map_or("—".into(), |v| esc(&explain::value(&v)))
}

fn set(s: NodeSet) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s.to_string()
    }
}

/// `<dt>`/`<dd>` pairs; the keys are ours, the values are escaped.
fn facts(class: &str, rows: &[(&str, String)]) -> String {
    let mut h = format!(r#"<dl class="{class}">"#);
    for (k, v) in rows {
        let _ = write!(h, "<dt>{k}</dt><dd>{}</dd>", esc(v));
    }
    h.push_str("</dl>");
    h
}

fn slot_table(h: &mut String, log: LogId, rows: &[SlotRow]) {
    let _ = write!(
        h,
        r#"<table class="slots" data-log="{}"><caption>{} log — latest sequences</caption><thead><tr><th scope="col" title="{}">seq</th><th scope="col" title="{}">promised</th><th scope="col" title="{}">accepted (ballot → value)</th><th scope="col" title="{}">learned</th></tr></thead><tbody>"#,
        log.name(),
        match log {
            LogId::Leadership => "Leadership",
            LogId::Timestamp => "Timestamp",
        },
        esc(glossary::state("round")),
        esc(glossary::state("promised")),
        esc(glossary::state("accepted")),
        esc(glossary::state("learned")),
    );
    if rows.is_empty() {
        h.push_str(r#"<tr><td colspan="4" class="empty">nothing yet</td></tr>"#);
    }
    for r in rows {
        let _ = write!(
            h,
            r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td class="learned">{}</td></tr>"#,
            r.seq,
            r.promised.map_or("—".into(), |b| b.to_string()),
            r.accepted.map_or("—".into(), |(b, v)| format!(
                "{b} → {}",
                esc(&explain::value(&v))
            )),
            value(r.learned)
        );
    }
    h.push_str("</tbody></table>");
}

fn proposer(h: &mut String, p: &Proposer) {
    let _ = write!(
        h,
        r#"<li><strong>{}</strong> — <span title="{}">counter {}</span>; "#,
        p.log.name(),
        esc(glossary::state("counter")),
        p.counter
    );
    match &p.attempt {
        None => h.push_str(r#"<span class="muted">no attempt in flight</span>"#),
        Some(a) => {
            let phase = match a.phase {
                Phase::Prepare => "phase 1 (Prepare → Promise)",
                Phase::Accept => "phase 2 (Accept → Accepted)",
            };
            let _ = write!(
                h,
                "{} with ballot {}, {phase}: acks {}, nacks {}; value {}",
                explain::slot(p.log, a.seq),
                a.ballot,
                set(a.acks),
                set(a.nacks),
                esc(&explain::value(&a.value))
            );
        }
    }
    h.push_str("</li>");
}

/// Buttons selecting the messages in flight to or from `node` (all, for None). While time
/// runs the list would change every frame, so it is left out (the count is drawn apart).
fn message_buttons(run: &Run, node: Option<NodeId>, live: bool) -> String {
    let mut h = String::new();
    if live {
        return h;
    }
    let all = view::in_flight(run);
    let mine: Vec<_> = all
        .iter()
        .filter(|m| node.is_none_or(|n| m.from == Address::Node(n) || m.to == Address::Node(n)))
        .collect();

    h.push_str(r#"<ul class="msg-list">"#);
    for m in mine.iter().take(LISTED) {
        let _ = write!(
            h,
            r#"<li><button type="button" class="link" data-act="msg:{id}">#{id} {} {} → {}</button></li>"#,
            m.msg.type_name(),
            m.from,
            m.to,
            id = m.id
        );
    }
    if mine.len() > LISTED {
        let _ = write!(
            h,
            "<li class=\"muted\">… and {} more</li>",
            mine.len() - LISTED
        );
    }
    h.push_str("</ul>");
    h
}

fn node_panel(d: &NodeDetail) -> Vec<String> {
    let id = d.id;
    let role = d.role.name();
    let mut head = format!(
        r#"<header class="insp-head"><h2>{id}</h2><span class="inc" title="{}">incarnation {}</span>{}<span class="role-pill {role}" title="{}">{} {role}</span><button type="button" class="close" aria-label="Close the node inspector" data-act="unnode">×</button></header><p class="role-text">{}</p><div class="insp-actions">"#,
        esc(glossary::state("incarnation")),
        d.incarnation,
        if d.up {
            r#"<span class="status up">● up</span>"#
        } else {
            r#"<span class="status down">✕ crashed</span>"#
        },
        esc(glossary::role(role)),
        role_icon(d.role),
        esc(glossary::role(role)),
    );
    let n = id.0;
    if d.up {
        let _ = write!(
            head,
            r#"<button type="button" id="inspector-crash" class="danger" data-act="crash:{n}">Crash {id}</button><button type="button" id="inspector-isolate" data-act="isolate:{n}" title="Cut this node off from every other node">Isolate {id}</button>"#
        );
    } else {
        let _ = write!(
            head,
            r#"<button type="button" id="inspector-restart" class="restart" data-act="restart:{n}">Restart {id}</button>"#
        );
    }
    head.push_str("</div>");

    let mut disk = format!(
        r#"<section class="state durable" aria-label="Durable state"><h3><span class="badge disk" title="{}">disk</span> Durable — survives a crash</h3><p><span class="key">Believes:</span> {}</p>"#,
        esc(glossary::state("durable")),
        match d.believes {
            Some((seq, l)) => format!("round {seq}: {l} leads"),
            None => "no leader learned yet".into(),
        }
    );
    slot_table(&mut disk, LogId::Leadership, &d.logs[0]);
    slot_table(&mut disk, LogId::Timestamp, &d.logs[1]);
    disk.push_str("</section>");

    let mut mem = format!(
        r#"<section class="state volatile{}" aria-label="Volatile state"><h3><span class="badge memory" title="{}">memory</span> Volatile — lost on a crash</h3>"#,
        if d.up { "" } else { " lost" },
        esc(glossary::state("volatile"))
    );
    if !d.up {
        let _ = write!(
            mem,
            r#"<p class="lost-note">Gone: the crash wiped {id}'s proposer counters, election state, timers and timestamp service. A restart brings it back as incarnation {} with its counters at 0 — its disk is all it keeps.</p><ul class="gone" aria-hidden="true"><li>proposer counters</li><li>attempts in flight</li><li>timers</li><li>timestamp counter and bound store</li></ul>"#,
            d.incarnation + 1
        );
    } else {
        let _ = write!(
            mem,
            "<p class=\"election\"><strong>Election:</strong> {}</p><h4>Proposers</h4><ul class=\"proposers\">",
            esc(&d.election)
        );
        for p in &d.proposers {
            proposer(&mut mem, p);
        }
        mem.push_str("</ul><h4>Timers</h4>");
        if d.timers.is_empty() {
            mem.push_str(r#"<p class="muted">none armed</p>"#);
        } else {
            mem.push_str(r#"<ul class="timers">"#);
            for t in &d.timers {
                let name = match countdown_name(t.kind) {
                    "timer" => t.kind.name(),
                    n => n,
                };
                let _ = write!(
                    mem,
                    r#"<li class="{}"><span class="timer-name">{name}</span><meter min="0" max="1000" value="{}" aria-label="{name} left"></meter><span class="timer-left">{} left of {}</span></li>"#,
                    t.kind.name(),
                    t.left * 1000 / t.total.max(1),
                    dur(t.left),
                    dur(t.total)
                );
            }
            mem.push_str("</ul>");
        }
        if let Some(s) = d.store {
            mem.push_str("<h4>Timestamp service (leader)</h4>");
            let mut rows = vec![
                ("timestamp counter", s.counter.to_string()),
                (
                    "agreed bound",
                    s.agreed.map_or("none agreed yet (0)".into(), |(seq, b)| {
                        format!("{b} ({})", explain::slot(LogId::Timestamp, seq))
                    }),
                ),
                (
                    "store",
                    format!(
                        "{}{}",
                        s.id,
                        if s.ready {
                            ""
                        } else {
                            " (recovering the bound)"
                        }
                    ),
                ),
                ("pending requests", d.pending.to_string()),
            ];
            if let Some(w) = &d.service {
                rows.push(("doing", w.clone()));
            }
            mem.push_str(&facts("service", &rows));
        } else if d.pending > 0 {
            let _ = write!(mem, "<p>{} client request(s) waiting.</p>", d.pending);
        }
        if let Some(t) = &d.locks {
            mem.push_str("<h4>Lock service (leader)</h4>");
            let mut rows = vec![(
                "term",
                match (t.term, t.open) {
                    (Some(r), true) => format!("round {r}: granting"),
                    (Some(r), false) => format!(
                        "round {r}: grace period — no grants until earlier terms' leases have run out"
                    ),
                    (None, _) => "none".into(),
                },
            )];
            if t.held.is_empty() {
                rows.push(("held", "nothing".into()));
            }
            for (lock, h) in &t.held {
                rows.push((
                    "held",
                    format!("{lock} by {} (token {})", h.client, h.token),
                ));
            }
            mem.push_str(&facts("locks", &rows));
        }
    }
    mem.push_str("</section>");
    vec![head, disk, mem]
}

fn reason(r: DropReason) -> &'static str {
    match r {
        DropReason::Lost => "lost by the network (random loss)",
        DropReason::Partitioned => "dropped at a partition: sender and receiver could not talk",
        DropReason::ReceiverDown => "dropped: the receiver was down",
        DropReason::ByUser => "dropped by you",
        DropReason::Filtered => "dropped by a link filter",
    }
}

fn message_panel(d: &MessageDetail) -> Vec<String> {
    let m = &d.record;
    let kind = m.msg.type_name();
    let head = format!(
        r#"<header class="insp-head"><h2>Message #{}</h2><span class="kind">{kind}</span><button type="button" class="close" aria-label="Close the message inspector" data-act="unmsg">×</button></header><p class="msg-words">{}</p><p class="gloss">{}</p>"#,
        m.id,
        esc(&explain::message(&m.msg)),
        esc(glossary::message(kind))
    );
    let mut rows = vec![("from → to", format!("{} → {}", m.from, m.to))];
    if let Some(b) = m.msg.ballot() {
        rows.push((
            "ballot",
            format!(
                "{b} — owned by {}, which gives the message its colour",
                b.node
            ),
        ));
    }
    if let (Some(log), Some(seq)) = (m.msg.log(), m.msg.seq()) {
        rows.push(("about", explain::slot(log, seq)));
    }
    rows.push(("sent", secs(m.sent)));
    rows.push((
        if matches!(d.status, MsgStatus::Dropped(_)) {
            "vanished"
        } else {
            "arrival"
        },
        format!(
            "{} (travel time {})",
            secs(m.arrive),
            dur(m.arrive.saturating_sub(m.sent))
        ),
    ));
    let mut fields = facts("msg-fields", &rows);
    if let Some(o) = m.dup_of {
        let _ = write!(
            fields,
            r#"<p class="dup">A network duplicate: the network delivered this message twice. The original is <button type="button" class="link" data-act="msg:{o}">#{o}</button>.</p>"#
        );
    }
    let (fate_class, fate) = match d.status {
        MsgStatus::NotSent => (
            "not-sent",
            "not sent yet at this moment (you rewound past it)".to_string(),
        ),
        MsgStatus::InFlight { left } if d.doomed => (
            "in-flight",
            format!(
                "travelling — you asked to drop it: it vanishes instead of arriving in {}",
                dur(left)
            ),
        ),
        MsgStatus::InFlight { left } => (
            "in-flight",
            format!("travelling — arrives in {}", dur(left)),
        ),
        MsgStatus::Delivered => ("delivered", format!("delivered at {}", secs(m.arrive))),
        MsgStatus::Dropped(r) => ("dropped", format!("{} at {}", reason(r), secs(m.arrive))),
    };
    let mut fate = format!(
        r#"<p class="fate-line">Fate: <span class="fate {fate_class}" id="msg-fate">{}</span></p>"#,
        esc(&fate)
    );
    if matches!(d.status, MsgStatus::InFlight { .. }) && !d.doomed {
        fate.push_str(r#"<button type="button" id="drop-message" class="danger" data-act="drop" title="It will vanish instead of arriving; the drop becomes part of the share link">Drop this message</button>"#);
    }
    vec![head, fields, fate]
}

const SUMMARY_HINT: &str = r#"<p class="hint">Click a node to see what it keeps on disk and in memory, or a message to read it — and drop it while it travels.</p>"#;

#[derive(Properties, PartialEq)]
struct SummaryProps {
    summary: ClusterSummary,
}

/// The cluster in a few numbers. Unlike the rest of the panel this is `html!`: while time
/// runs its counts and roles change many times a second, and Yew then rewrites a text node
/// where a markup block would be replaced whole (and its table laid out again).
#[component]
fn Summary(p: &SummaryProps) -> Html {
    let s = &p.summary;
    let leader = match s.leader {
        Some((n, seq)) => format!("{n} leads round {seq}"),
        None => "nobody leads right now".into(),
    };
    html! {
        <>
            <dl class="summary-facts">
                <dt>{ "leader" }</dt><dd id="summary-leader">{ leader }</dd>
                <dt>{ "elections" }</dt><dd>{ format!("{} proposals, {} pre-empted ballots", s.elections, s.preempted) }</dd>
                <dt>{ "network" }</dt><dd>{ if s.partitioned { "partitioned" } else { "whole" } }</dd>
            </dl>
            <table class="summary-nodes">
                <thead><tr>
                    <th scope="col">{ "node" }</th><th scope="col">{ "role" }</th>
                    <th scope="col" title={glossary::state("round")}>{ "round" }</th>
                </tr></thead>
                <tbody>
                    { for s.nodes.iter().map(|&(id, role, round)| {
                        let r = role.name();
                        html! {
                            <tr key={id.0}>
                                <th scope="row"><button type="button" class="link" data-act={format!("node:{}", id.0)}>{ id.to_string() }</button></th>
                                <td class={classes!("role-cell", r)} title={glossary::role(r)}>{ format!("{} {r}", role_icon(role)) }</td>
                                <td>{ round.map_or("—".into(), |x| x.to_string()) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </>
    }
}

//! The inspector tab: the selected node's state split as a crash splits it (disk survives,
//! memory does not), the selected message in plain words with a button to drop it, or — with
//! nothing selected — a hint and the cluster in a few numbers.
//!
//! Every value shown comes from [`crate::lab::view`]; every button dispatches a typed
//! [`LabAction`] through one callback made on the first render, so the panels' props stay
//! equal (and Yew skips them) while nothing they show changes.

use yew::prelude::*;

use super::cluster::{countdown_name, role_icon};
use super::format::{dur, secs};
use super::store::use_lab;
use crate::lab::view::{self, ClusterSummary, MessageDetail, MsgStatus, NodeDetail, SlotRow};
use crate::lab::{explain, glossary};
use crate::lab::{
    Action, Address, DropReason, LabAction, LogId, MsgId, NodeSet, Phase, Proposer, Value,
};

/// How many recent sequences of each log the node panel lists.
const ROWS: usize = 8;
/// How many in-flight messages a panel lists as buttons.
const LISTED: usize = 10;

/// The inspector: message, node, or summary.
#[component]
pub fn Inspector() -> Html {
    let store = use_lab();
    let act = {
        let s = store.clone();
        (*use_memo((), move |_| s.sender())).clone()
    };
    let lab = store.lab();
    let msg = lab
        .selected_msg
        .and_then(|id| view::message_detail(&lab.run, id));
    let node = lab
        .selected_node
        .and_then(|id| view::node_detail(&lab.run, id, ROWS));
    let kind = match (&msg, &node) {
        (Some(_), _) => "msg-inspector",
        (None, Some(_)) => "node-inspector",
        (None, None) => "summary",
    };
    // While time runs the list would change every frame, so it is left out (the count stays).
    let in_flight = msg.is_none().then(|| {
        let about = node.as_ref().map(|n| n.id);
        let total = view::in_flight_count(&lab.run, about);
        let head = match about {
            Some(n) => format!("Messages in flight to or from {n}: {total}"),
            None => format!("Messages in flight: {total}"),
        };
        let listed: Vec<Listed> = if lab.playing {
            Vec::new()
        } else {
            view::in_flight(&lab.run)
                .into_iter()
                .filter(|m| {
                    about.is_none_or(|n| m.from == Address::Node(n) || m.to == Address::Node(n))
                })
                .map(|m| Listed {
                    id: m.id,
                    words: format!("#{} {} {} → {}", m.id, m.msg.type_name(), m.from, m.to),
                })
                .collect()
        };
        html! {
            <>
                <h3 class="in-flight">{ head }</h3>
                if !lab.playing {
                    <MessageList {listed} act={act.clone()} />
                }
            </>
        }
    });
    html! {
        <div class={classes!("inspector", kind, node.as_ref().filter(|n| !n.up).map(|_| "is-crashed"))} id="inspector"
             data-node={node.as_ref().map(|n| n.id.0.to_string())} data-msg={msg.as_ref().map(|m| m.record.id.to_string())}>
            if let Some(detail) = msg {
                <MessagePanel {detail} act={act.clone()} />
            } else if let Some(detail) = node {
                <NodePanel {detail} act={act.clone()} />
            } else {
                <p class="hint">{ "Click a node to see what it keeps on disk and in memory, or a message to read it — and drop it while it travels." }</p>
                <Summary summary={view::cluster_summary(&lab.run)} act={act.clone()} />
            }
            { in_flight }
        </div>
    }
}

/// A message listed as a button.
#[derive(Clone, PartialEq)]
struct Listed {
    id: MsgId,
    words: String,
}

#[derive(Properties, PartialEq)]
struct MessageListProps {
    listed: Vec<Listed>,
    act: Callback<LabAction>,
}

/// Buttons selecting the messages in flight (the first [`LISTED`], then how many more).
#[component]
fn MessageList(p: &MessageListProps) -> Html {
    html! {
        <ul class="msg-list">
            { for p.listed.iter().take(LISTED).map(|m| {
                let id = m.id;
                html! {
                    <li key={id}>
                        <button type="button" class="link"
                                onclick={p.act.reform(move |_: MouseEvent| LabAction::SelectMessage(Some(id)))}>
                            { m.words.clone() }
                        </button>
                    </li>
                }
            }) }
            if p.listed.len() > LISTED {
                <li class="muted">{ format!("… and {} more", p.listed.len() - LISTED) }</li>
            }
        </ul>
    }
}

fn value(v: Option<Value>) -> String {
    v.map_or("—".into(), |v| explain::value(&v))
}

fn set(s: NodeSet) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s.to_string()
    }
}

/// `<dt>`/`<dd>` pairs.
fn facts(class: &'static str, rows: Vec<(&'static str, String)>) -> Html {
    html! {
        <dl class={class}>
            { for rows.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
        </dl>
    }
}

fn slot_table(log: LogId, rows: &[SlotRow]) -> Html {
    let title = match log {
        LogId::Leadership => "Leadership",
        LogId::Timestamp => "Timestamp",
    };
    html! {
        <table class="slots" data-log={log.name()}>
            <caption>{ format!("{title} log — latest sequences") }</caption>
            <thead><tr>
                <th scope="col" title={glossary::state("round")}>{ "seq" }</th>
                <th scope="col" title={glossary::state("promised")}>{ "promised" }</th>
                <th scope="col" title={glossary::state("accepted")}>{ "accepted (ballot → value)" }</th>
                <th scope="col" title={glossary::state("learned")}>{ "learned" }</th>
            </tr></thead>
            <tbody>
                if rows.is_empty() {
                    <tr><td colspan="4" class="empty">{ "nothing yet" }</td></tr>
                }
                { for rows.iter().map(|r| html! {
                    <tr>
                        <th scope="row">{ r.seq }</th>
                        <td>{ r.promised.map_or("—".into(), |b| b.to_string()) }</td>
                        <td>{ r.accepted.map_or("—".into(), |(b, v)| format!("{b} → {}", explain::value(&v))) }</td>
                        <td class="learned">{ value(r.learned) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn proposer(p: &Proposer) -> Html {
    let attempt = match &p.attempt {
        None => html! { <span class="muted">{ "no attempt in flight" }</span> },
        Some(a) => {
            let phase = match a.phase {
                Phase::Prepare => "phase 1 (Prepare → Promise)",
                Phase::Accept => "phase 2 (Accept → Accepted)",
            };
            html! {
                { format!(
                    "{} with ballot {}, {phase}: acks {}, nacks {}; value {}",
                    explain::slot(p.log, a.seq),
                    a.ballot,
                    set(a.acks),
                    set(a.nacks),
                    explain::value(&a.value)
                ) }
            }
        }
    };
    html! {
        <li>
            <strong>{ p.log.name() }</strong>{ " — " }
            <span title={glossary::state("counter")}>{ format!("counter {}", p.counter) }</span>{ "; " }
            { attempt }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct NodePanelProps {
    detail: NodeDetail,
    act: Callback<LabAction>,
}

/// One node: header with its actions, the durable state, the volatile state.
#[component]
fn NodePanel(p: &NodePanelProps) -> Html {
    let d = &p.detail;
    let id = d.id;
    let role = d.role.name();
    let send = |a: LabAction| p.act.reform(move |_: MouseEvent| a.clone());
    let actions = if d.up {
        html! {
            <>
                <button type="button" id="inspector-crash" class="danger"
                        onclick={send(LabAction::Intervene(Action::Crash(id)))}>{ format!("Crash {id}") }</button>
                <button type="button" id="inspector-isolate" title="Cut this node off from every other node"
                        onclick={send(LabAction::Isolate(id))}>{ format!("Isolate {id}") }</button>
            </>
        }
    } else {
        html! {
            <button type="button" id="inspector-restart" class="restart"
                    onclick={send(LabAction::Intervene(Action::Restart(id)))}>{ format!("Restart {id}") }</button>
        }
    };
    let head = html! {
        <>
            <header class="insp-head">
                <h2>{ id.to_string() }</h2>
                <span class="inc" title={glossary::state("incarnation")}>{ format!("incarnation {}", d.incarnation) }</span>
                if d.up {
                    <span class="status up">{ "● up" }</span>
                } else {
                    <span class="status down">{ "✕ crashed" }</span>
                }
                <span class={classes!("role-pill", role)} title={glossary::role(role)}>{ format!("{} {role}", role_icon(d.role)) }</span>
                <button type="button" class="close" aria-label="Close the node inspector"
                        onclick={send(LabAction::SelectNode(None))}>{ "×" }</button>
            </header>
            <p class="role-text">{ glossary::role(role) }</p>
            <div class="insp-actions">{ actions }</div>
        </>
    };
    let disk = html! {
        <section class="state durable" aria-label="Durable state">
            <h3><span class="badge disk" title={glossary::state("durable")}>{ "disk" }</span>{ " Durable — survives a crash" }</h3>
            <p><span class="key">{ "Believes:" }</span>{ " " }{ match d.believes {
                Some((seq, l)) => format!("round {seq}: {l} leads"),
                None => "no leader learned yet".into(),
            } }</p>
            { slot_table(LogId::Leadership, &d.logs[0]) }
            { slot_table(LogId::Timestamp, &d.logs[1]) }
        </section>
    };
    html! {
        <>
            { head }
            { disk }
            <section class={classes!("state", "volatile", (!d.up).then_some("lost"))} aria-label="Volatile state">
                <h3><span class="badge memory" title={glossary::state("volatile")}>{ "memory" }</span>{ " Volatile — lost on a crash" }</h3>
                if d.up {
                    { memory(d) }
                } else {
                    <p class="lost-note">{ format!(
                        "Gone: the crash wiped {id}'s proposer counters, election state, timers and timestamp service. A restart brings it back as incarnation {} with its counters at 0 — its disk is all it keeps.",
                        d.incarnation + 1
                    ) }</p>
                    <ul class="gone" aria-hidden="true">
                        <li>{ "proposer counters" }</li><li>{ "attempts in flight" }</li>
                        <li>{ "timers" }</li><li>{ "timestamp counter and bound store" }</li>
                    </ul>
                }
            </section>
        </>
    }
}

/// What an up node holds in memory: election, proposers, timers, services.
fn memory(d: &NodeDetail) -> Html {
    let timers = if d.timers.is_empty() {
        html! { <p class="muted">{ "none armed" }</p> }
    } else {
        html! {
            <ul class="timers">
                { for d.timers.iter().map(|t| {
                    let name = match countdown_name(t.kind) {
                        "timer" => t.kind.name(),
                        n => n,
                    };
                    html! {
                        <li class={t.kind.name()}>
                            <span class="timer-name">{ name }</span>
                            <meter min="0" max="1000" value={(t.left * 1000 / t.total.max(1)).to_string()} aria-label={format!("{name} left")}></meter>
                            <span class="timer-left">{ format!("{} left of {}", dur(t.left), dur(t.total)) }</span>
                        </li>
                    }
                }) }
            </ul>
        }
    };
    let service = if let Some(s) = d.store {
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
        html! { <><h4>{ "Timestamp service (leader)" }</h4>{ facts("service", rows) }</> }
    } else if d.pending > 0 {
        html! { <p>{ format!("{} client request(s) waiting.", d.pending) }</p> }
    } else {
        Html::default()
    };
    let locks = d.locks.as_ref().map(|t| {
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
        html! { <><h4>{ "Lock service (leader)" }</h4>{ facts("locks", rows) }</> }
    });
    html! {
        <>
            <p class="election"><strong>{ "Election:" }</strong>{ " " }{ d.election.clone() }</p>
            <h4>{ "Proposers" }</h4>
            <ul class="proposers">{ for d.proposers.iter().map(proposer) }</ul>
            <h4>{ "Timers" }</h4>
            { timers }
            { service }
            { locks }
        </>
    }
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

#[derive(Properties, PartialEq)]
struct MessagePanelProps {
    detail: MessageDetail,
    act: Callback<LabAction>,
}

/// One message: what it says, where it goes, and its fate (with Drop while it travels).
#[component]
fn MessagePanel(p: &MessagePanelProps) -> Html {
    let d = &p.detail;
    let m = &d.record;
    let kind = m.msg.type_name();
    let send = |a: LabAction| p.act.reform(move |_: MouseEvent| a.clone());
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
    let droppable = matches!(d.status, MsgStatus::InFlight { .. }) && !d.doomed;
    html! {
        <>
            <header class="insp-head">
                <h2>{ format!("Message #{}", m.id) }</h2>
                <span class="kind">{ kind }</span>
                <button type="button" class="close" aria-label="Close the message inspector"
                        onclick={send(LabAction::SelectMessage(None))}>{ "×" }</button>
            </header>
            <p class="msg-words">{ explain::message(&m.msg) }</p>
            <p class="gloss">{ glossary::message(kind) }</p>
            { facts("msg-fields", rows) }
            if let Some(o) = m.dup_of {
                <p class="dup">
                    { "A network duplicate: the network delivered this message twice. The original is " }
                    <button type="button" class="link" onclick={send(LabAction::SelectMessage(Some(o)))}>{ format!("#{o}") }</button>
                    { "." }
                </p>
            }
            <p class="fate-line">{ "Fate: " }<span class={classes!("fate", fate_class)} id="msg-fate">{ fate }</span></p>
            if droppable {
                <button type="button" id="drop-message" class="danger"
                        title="It will vanish instead of arriving; the drop becomes part of the share link"
                        onclick={send(LabAction::DropSelected)}>{ "Drop this message" }</button>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    summary: ClusterSummary,
    act: Callback<LabAction>,
}

/// The cluster in a few numbers.
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
                        let select = p.act.reform(move |_: MouseEvent| LabAction::SelectNode(Some(id)));
                        html! {
                            <tr key={id.0}>
                                <th scope="row"><button type="button" class="link" onclick={select}>{ id.to_string() }</button></th>
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

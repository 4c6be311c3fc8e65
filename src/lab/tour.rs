//! Guided tours: a scenario plus steps a lecturer clicks through. A step runs the simulation
//! until something worth explaining happens (its trigger, a predicate over recorded events),
//! stops there, and says what happened in plain words built from that very event — so the
//! caption always matches the picture, whatever the engine does.
//!
//! Moving between steps is time travel: every stop is remembered as a step count of the run,
//! so going back (and forward again) seeks instead of recomputing, and a tour stays exact.
//! [`Progress`] is the state of one tour being followed; [`crate::lab::Lab`] owns it.

use super::explain;
use super::{Lab, LabAction, NoticeKind};
use crate::engine::{
    Address, BackoffPolicy, Ballot, FailReason, LogId, Msg, NodeId, Observation, Phase, Role, Seq,
    TimerKind, Value, MS,
};
use crate::sim::config::Time;
use crate::sim::history::{EventKind, History, MessageRecord, TraceEvent};
use crate::sim::intervention::{Action, Intervention, Param};
use crate::sim::run::Run;
use crate::sim::units::secs;
use crate::sim::SimConfig;

const S: Time = 1_000_000;

/// What a tour is, for pickers (the steps are built on demand by [`steps`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TourInfo {
    /// Identifier (URLs, tests, actions).
    pub name: &'static str,
    /// Title for the picker and the card.
    pub title: &'static str,
    /// One line for the picker.
    pub summary: &'static str,
    /// The scenario it runs.
    pub scenario: &'static str,
    /// The caption before the first step.
    pub intro: &'static str,
}

/// Every tour, in the order a course would take them.
pub const ALL: [TourInfo; 6] = [
    TourInfo {
        name: "first-election",
        title: "Electing a leader",
        summary: "Three fresh servers agree on a leader with Prepare, Promise, Accept and Learn.",
        scenario: "cold-start-3",
        intro: "Three servers have just started with empty disks. Nobody knows a leader, so \
                each one waits a random time and then proposes itself. Paxos makes sure only \
                one proposal can win, even when several run at once. Press Next to run to the \
                first interesting moment; Back rewinds.",
    },
    TourInfo {
        name: "dueling",
        title: "Dueling proposers and the random wait",
        summary: "With identical timing and no random wait nobody ever wins; switch the wait on and a leader appears.",
        scenario: "dueling-no-backoff",
        intro: "Five servers, every message takes exactly 100 ms, and — unlike TimeLock — \
                nobody waits a random time before proposing. Perfect symmetry is the worst \
                case for Paxos: watch what it does, then what one small change fixes.",
    },
    TourInfo {
        name: "leader-crash",
        title: "The leader crashes",
        summary: "Followers notice the silence, one of them wins the next round and serves again.",
        scenario: "leader-crash",
        intro: "Five servers elect a leader; at 8 s the leader crashes. Nobody tells the \
                others — they have to notice on their own. Follow how the cluster finds a new \
                leader without ever disagreeing about the old one.",
    },
    TourInfo {
        name: "timestamp-bound",
        title: "The timestamp bound: time never goes backwards",
        summary: "The leader serves under a bound agreed by Paxos; after a crash the next leader starts above it.",
        scenario: "failover-monotonic",
        intro: "TimeLock's second use of Paxos. The leader hands out timestamps from a counter, \
                but never above an upper bound agreed by Paxos in a second log, the timestamp \
                log. Three clients keep asking for 10 timestamps at a time; the bound grows in \
                steps of 100. At 8 s the leader crashes.",
    },
    TourInfo {
        name: "partitioned-leader",
        title: "A leader cut off from the rest",
        summary: "An isolated leader still believes it leads, but without a quorum it hands out nothing.",
        scenario: "leader-isolated",
        intro: "At 8 s the network cuts the leader off from everyone else, while clients keep \
                asking it for timestamps. It has not crashed: it still believes it leads. Can \
                it hand out stale timestamps? The network heals at 25 s.",
    },
    TourInfo {
        name: "atlasdb",
        title: "AtlasDB as written",
        summary: "The same Paxos, as palantir/atlasdb's code runs it: lazy start, UUID ballots, one ping at a time, refused connections.",
        scenario: "atlasdb-failover",
        intro: "So far the lab ran textbook Paxos with AtlasDB's constants. This run uses \
                AtlasDB's code as written (Settings → Protocol): its quirks change how a \
                cluster starts, breaks ties and notices a dead leader. Two of them can even \
                break safety — Break Paxos → Found in real code shows both.",
    },
];

/// Looks a tour up by name.
pub fn info(name: &str) -> Option<TourInfo> {
    ALL.iter().copied().find(|t| t.name == name)
}

/// Where a trigger matched: the run stopped just after the step that recorded `event`.
pub struct Hit<'a> {
    /// The run at the stop.
    pub run: &'a Run,
    /// The matching event's index in the record.
    pub index: usize,
}

/// The moment a step stops at: a predicate over the recorded event (and the record before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// A node proposes itself as leader.
    LeadershipProposal,
    /// An acceptor sends a Promise to another node.
    PromiseSent,
    /// A proposer got a quorum of promises for the leadership log.
    AcceptPhase,
    /// A leadership value is chosen.
    LeadershipChosen,
    /// A refusal arrives.
    Nack,
    /// A refusal of an Accept arrives.
    AcceptNack,
    /// A Prepare arrives at another node.
    PrepareArrives,
    /// A proposer is pre-empted, no earlier than the given time.
    Preempted(Time),
    /// A node passes the leadership check, for a round at least the given one.
    Leader(Seq),
    /// A node crashes.
    Crash,
    /// A node's timer of this kind fires.
    Timer(TimerKind),
    /// A leader recovers the bound.
    BoundRecovered,
    /// A bound extension is chosen.
    BoundExtended,
    /// A leader hands out timestamps.
    Serve,
    /// A scripted intervention takes effect.
    Intervention,
    /// A leader steps down.
    LostLeadership,
    /// The first leader learns a later leadership round.
    FirstLeaderLearnsNewRound,
    /// A caller hears that its call was refused (a crashed peer).
    Refused,
}

impl On {
    /// Whether the hit's event is this moment.
    pub fn matches(self, h: &Hit) -> bool {
        let e = &h.event().kind;
        let at = e.at_node();
        let f = at.map(|(_, o)| o);
        let m = h.message();
        match self {
            On::LeadershipProposal => matches!(
                f,
                Some(Observation::Proposing {
                    log: LogId::Leadership,
                    ..
                })
            ),
            On::PromiseSent => {
                matches!(e, EventKind::Send(_))
                    && m.is_some_and(|m| m.from != m.to && matches!(m.msg, Msg::Promise { .. }))
            }
            On::AcceptPhase => matches!(
                f,
                Some(Observation::AcceptPhase {
                    log: LogId::Leadership,
                    ..
                })
            ),
            On::LeadershipChosen => matches!(
                f,
                Some(Observation::AttemptChosen {
                    log: LogId::Leadership,
                    ..
                })
            ),
            On::Nack | On::AcceptNack | On::PrepareArrives => {
                matches!(e, EventKind::Deliver(_))
                    && m.is_some_and(|m| match (self, &m.msg) {
                        (On::Nack, Msg::Nack { .. }) => true,
                        (On::AcceptNack, Msg::Nack { phase, .. }) => *phase == Phase::Accept,
                        (On::PrepareArrives, Msg::Prepare { .. }) => m.from != m.to,
                        _ => false,
                    })
            }
            On::Preempted(after) => {
                h.event().t >= after
                    && matches!(
                        f,
                        Some(Observation::AttemptFailed {
                            reason: FailReason::Nacked { .. },
                            ..
                        })
                    )
            }
            On::Leader(min) => e.leader().is_some_and(|(_, seq)| seq >= min),
            On::Crash => matches!(e, EventKind::Crash(_)),
            On::Timer(k) => matches!(*e, EventKind::Timer(Address::Node(_), kind) if kind == k),
            On::BoundRecovered => matches!(f, Some(Observation::BoundRecovered { .. })),
            On::BoundExtended => matches!(f, Some(Observation::BoundExtended { .. })),
            On::Serve => matches!(f, Some(Observation::Served { .. })),
            On::Intervention => matches!(e, EventKind::Intervene(_)),
            On::LostLeadership => matches!(f, Some(Observation::LostLeadership { .. })),
            On::Refused => {
                matches!(e, EventKind::Deliver(_))
                    && m.is_some_and(|m| matches!(m.msg, Msg::ConnectionRefused { .. }))
            }
            On::FirstLeaderLearnsNewRound => matches!(at,
                Some((node, &Observation::Learned { log: LogId::Leadership, seq, .. }))
                    if seq >= 1 && Some(node) == h.first_leader()),
        }
    }
}

/// One stop of a tour.
#[derive(Clone, Debug)]
pub struct Step {
    /// A few words for the card's heading.
    pub title: &'static str,
    /// Applied at the previous stop before running (e.g. switch the random wait on).
    pub action: Option<Action>,
    /// How far past the previous stop the moment must come (virtual time).
    pub within: Time,
    /// The moment this step stops at.
    pub on: On,
    /// The caption: plain words with `{field}`s filled from the matching event and the run
    /// at the stop (see [`Hit::field`]).
    pub caption: &'static str,
}

const fn step(title: &'static str, within: Time, on: On, caption: &'static str) -> Step {
    Step {
        title,
        action: None,
        within,
        on,
        caption,
    }
}

/// "A", "A and B", "A, B and C".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A duration in seconds without trailing zeros: "0.3 s", "1.5 s".
fn seconds(t: Time) -> String {
    format!("{} s", crate::sim::units::short(i128::from(t), 6))
}

impl Hit<'_> {
    /// The matching event.
    pub fn event(&self) -> &TraceEvent {
        &self.run.history().events[self.index]
    }

    fn history(&self) -> &History {
        self.run.history()
    }

    /// The message, if the event is a send, delivery or drop.
    fn message(&self) -> Option<&MessageRecord> {
        match self.event().kind {
            EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => {
                self.history().messages.get(id as usize)
            }
            _ => None,
        }
    }

    /// The first node that became leader in this run.
    fn first_leader(&self) -> Option<NodeId> {
        self.history()
            .events
            .range(0..self.index)
            .find_map(|e| e.kind.leader().map(|(node, _)| node))
    }

    /// The node that crashed most recently before the event, and when.
    fn last_crash(&self) -> Option<(NodeId, Time)> {
        let h = self.history();
        (0..self.index).rev().find_map(|i| match h.events[i].kind {
            EventKind::Crash(n) => Some((n, h.events[i].t)),
            _ => None,
        })
    }

    /// The leader before the current one: the last to crash, or else the first leader.
    fn old_leader(&self) -> Option<NodeId> {
        self.last_crash()
            .map(|c| c.0)
            .or_else(|| self.first_leader())
    }

    /// The highest timestamp `node` ever handed out, up to the stop.
    fn max_served_by(&self, node: NodeId) -> Option<u64> {
        self.run
            .world()
            .checker
            .served_ranges()
            .filter(|r| r.node == node)
            .map(|r| r.last)
            .max()
    }

    /// Leadership proposals recorded up to the event.
    fn proposals(&self) -> impl Iterator<Item = Ballot> + '_ {
        self.history()
            .events
            .range(0..self.index + 1)
            .filter_map(|e| match e.kind.at_node().map(|(_, o)| o) {
                Some(&Observation::Proposing {
                    log: LogId::Leadership,
                    ballot,
                    ..
                }) => Some(ballot),
                _ => None,
            })
    }

    /// One caption field, in words.
    pub fn field(&self, key: &str) -> String {
        let e = self.event();
        let f = e.kind.at_node().map(|(_, o)| o);
        let m = self.message();
        let p = &self.run.config().protocol;
        let quorum = usize::from(p.nodes) / 2 + 1;
        let node = match &e.kind {
            &EventKind::Crash(node) | &EventKind::Timer(Address::Node(node), _) => Some(node),
            _ => e.kind.at_node().map(|(node, _)| node),
        };
        let value = match (f, m.map(|m| &m.msg)) {
            (
                Some(
                    Observation::AcceptPhase { value, .. }
                    | Observation::AttemptChosen { value, .. }
                    | Observation::Learned { value, .. },
                ),
                _,
            ) => Some(*value),
            _ => None,
        };
        let ballot = match (f, m.map(|m| &m.msg)) {
            (
                Some(
                    &Observation::Proposing { ballot, .. }
                    | &Observation::AcceptPhase { ballot, .. }
                    | &Observation::AttemptChosen { ballot, .. }
                    | &Observation::AttemptFailed { ballot, .. },
                ),
                _,
            ) => Some(ballot),
            (_, Some(msg)) => msg.ballot(),
            _ => None,
        };
        let promised = match (f, m.map(|m| &m.msg)) {
            (
                Some(&Observation::AttemptFailed {
                    reason: FailReason::Nacked { promised, .. },
                    ..
                }),
                _,
            )
            | (_, Some(&Msg::Nack { promised, .. })) => Some(promised),
            _ => None,
        };
        let seq = match (&e.kind, f) {
            (_, Some(&Observation::BecameLeader { seq })) => Some(seq),
            (
                _,
                Some(
                    &Observation::Proposing { seq, .. }
                    | &Observation::AttemptChosen { seq, .. }
                    | &Observation::BoundExtended { seq, .. }
                    | &Observation::LostLeadership { seq, .. }
                    | &Observation::Learned { seq, .. },
                ),
            ) => Some(seq),
            (_, Some(&Observation::BoundRecovered { seq, .. })) => seq,
            _ => m.and_then(|m| m.msg.seq()),
        };
        let serve = match f {
            Some(&Observation::Served {
                client,
                first,
                last,
                bound,
                ..
            }) => Some((client, first, last, bound)),
            _ => None,
        };
        let some = |o: Option<String>| o.unwrap_or_default();
        let old = self.old_leader();
        let old_max = old.and_then(|o| self.max_served_by(o));
        match key {
            "t" => secs(e.t),
            "node" => some(node.map(|n| n.to_string())),
            "from" => some(m.map(|m| m.from.to_string())),
            "to" => some(m.map(|m| m.to.to_string())),
            "ballot" => some(ballot.map(|b| b.to_string())),
            "promised" => some(promised.map(|b| b.to_string())),
            "seq" => some(seq.map(|s| s.to_string())),
            "prev" => some(seq.map(|s| s.saturating_sub(1).to_string())),
            "value" => some(value.map(|v| explain::value(&v))),
            "new" => some(value.and_then(|v| match v {
                Value::Leader(l) => Some(l.node.to_string()),
                Value::Bound { .. } => None,
            })),
            "slot" => some(seq.map(|s| explain::slot(LogId::Timestamp, s))),
            "bound" => some(match f {
                Some(
                    &Observation::BoundExtended { bound, .. }
                    | &Observation::BoundRecovered { bound, .. },
                ) => Some(bound.to_string()),
                _ => serve.map(|s| s.3.to_string()),
            }),
            "client" => some(serve.map(|s| s.0.to_string())),
            "first" => some(serve.map(|s| s.1.to_string())),
            "last" => some(serve.map(|s| s.2.to_string())),
            "reason" => some(match f {
                Some(&Observation::LostLeadership { reason, .. }) => Some(reason.to_string()),
                _ => None,
            }),
            "q" => quorum.to_string(),
            "n" => p.nodes.to_string(),
            "down" => (usize::from(p.nodes) - quorum).to_string(),
            "ping" => seconds(p.ping_interval),
            "timeout" => seconds(p.ping_timeout),
            "buffer" => p.bound_buffer.to_string(),
            "acceptors" => some(seq.and_then(|s| {
                self.run
                    .world()
                    .checker
                    .chosen(LogId::Leadership, s)
                    .map(|c| c.acceptors.to_string())
            })),
            "count" => self.proposals().count().to_string(),
            "ballots" => self
                .proposals()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "t0" => some(
                self.history()
                    .events
                    .iter()
                    .find(|e| {
                        matches!(
                            e.kind.at_node().map(|(_, o)| o),
                            Some(Observation::Proposing {
                                log: LogId::Leadership,
                                ..
                            })
                        )
                    })
                    .map(|e| secs(e.t)),
            ),
            "top" => some(
                self.proposals()
                    .map(|b| b.number)
                    .max()
                    .map(|n| n.to_string()),
            ),
            "preempted" => self.run.world().stats.preempted_total().to_string(),
            "crashed" => some(self.last_crash().map(|c| c.0.to_string())),
            "since" => some(self.last_crash().map(|c| secs(e.t.saturating_sub(c.1)))),
            "old" => some(old.map(|n| n.to_string())),
            "oldmax" => some(old_max.map(|x| x.to_string())),
            "agreed" => some(
                super::view::number_line(self.run)
                    .bounds
                    .last()
                    .map(|b| b.bound.to_string()),
            ),
            "unused" => {
                let from = node.and_then(|n| self.max_served_by(n)).unwrap_or(0) + 1;
                from.to_string()
            }
            // Phrases that depend on the event.
            "waiting" => {
                let w = self.run.world();
                let waiting: Vec<String> = w
                    .nodes
                    .iter()
                    .filter(|n| w.timers(n.id).any(|(k, _, _)| k == TimerKind::Backoff))
                    .map(|n| n.id.to_string())
                    .collect();
                if waiting.is_empty() {
                    String::new()
                } else {
                    format!(" (blue rings: {})", waiting.join(", "))
                }
            }
            "adopted" => match (value, node) {
                (Some(Value::Leader(l)), Some(n)) if l.node != n => format!(
                    " {n} proposes {}, not itself: a promise reported that value as already \
                     accepted, and Paxos makes a proposer adopt it.",
                    l.node
                ),
                _ => String::new(),
            },
            "reported" => {
                match m.map(|m| (&m.msg, m.to)) {
                    Some((Msg::Promise { accepted: None, .. }, to)) => {
                        format!("It had accepted nothing yet, so {to} is free to propose its own value.")
                    }
                    Some((
                        Msg::Promise {
                            accepted: Some((b, v)),
                            ..
                        },
                        to,
                    )) => format!(
                    "It reports it already accepted {} at {b}: {to} must propose that value, not \
                     its own.",
                    explain::value(v)
                ),
                    _ => String::new(),
                }
            }
            "refuser" => some(m.map(|m| {
                if m.from == m.to {
                    "its own acceptor".to_string()
                } else {
                    m.from.to_string()
                }
            })),
            "to_whom" => match (promised, m) {
                (Some(p), Some(m)) if Address::Node(p.node) == m.from => {
                    "to its own proposer".into()
                }
                (Some(p), _) => format!("to {}", p.node),
                _ => String::new(),
            },
            "others" => self.others(node, seq),
            "skipped" => match (serve, old_max) {
                (Some((_, first, _, _)), Some(mx)) if first > mx + 1 => format!(
                    " {}–{} were reserved under the old bound but never handed out: they are \
                     skipped for good.",
                    mx + 1,
                    first - 1
                ),
                _ => String::new(),
            },
            _ => format!("{{{key}}}"),
        }
    }

    /// What the nodes other than `leader` are doing at the stop, read from the world there:
    /// a caption written as "the others are followers" contradicted the picture whenever a
    /// rival was still proposing or waiting when the leader won.
    fn others(&self, leader: Option<NodeId>, seq: Option<Seq>) -> String {
        let Some(leader) = leader else {
            return String::new();
        };
        let w = self.run.world();
        let (mut follow, mut behind, mut down) = (Vec::new(), Vec::new(), Vec::new());
        for n in w.nodes.iter().filter(|n| n.id != leader) {
            match n.role() {
                Role::Follower => follow.push(n.id.to_string()),
                Role::Crashed => down.push(n.id.to_string()),
                r => behind.push(format!("{} ({})", n.id, r.name())),
            }
        }
        let ping = seconds(self.run.config().protocol.ping_interval);
        let mut out = String::new();
        if !follow.is_empty() {
            out.push_str(&format!(
                " {} already follow{} it: every {ping} each pings {leader}, and as long as it \
                 answers \"yes, I lead\" nobody proposes.",
                and_list(&follow),
                if follow.len() == 1 { "s" } else { "" }
            ));
        }
        if !behind.is_empty() {
            let round = seq.map_or_else(String::new, |s| format!(" that round {s} is decided"));
            out.push_str(&format!(
                " {} {} not heard yet: {} follow{} {leader} once {} learn{}{round}.",
                and_list(&behind),
                if behind.len() == 1 { "has" } else { "have" },
                if behind.len() == 1 { "it" } else { "they" },
                if behind.len() == 1 { "s" } else { "" },
                if behind.len() == 1 { "it" } else { "they" },
                if behind.len() == 1 { "s" } else { "" },
            ));
        }
        if !down.is_empty() {
            out.push_str(&format!(
                " {} {} down.",
                and_list(&down),
                if down.len() == 1 { "is" } else { "are" }
            ));
        }
        out
    }

    /// `template` with every `{field}` filled in.
    pub fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            out.push_str(&self.field(&rest[open + 1..open + close]));
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

const LEADER: &str = "{node} learned that round {seq} names it, then asked a quorum whether \
    any later round exists. None does, so {node} is the leader (★) from {t}.{others}";

const RECOVERED: &str = "Before serving anything, {node} asks a quorum for the highest sequence \
    of the timestamp log and reads the bound there: {bound}, at {slot}. Any bound the old leader \
    used was agreed by a quorum, and every two quorums share a node, so nothing higher can \
    exist. {node}'s counter starts at {bound}.";

const ABOVE_OLD: &str = "{node} hands {client} timestamps {first}–{last} (under its bound \
    {bound}). They are larger than every timestamp {old} ever handed out — its highest was \
    {oldmax}.{skipped} Timestamps must be unique and increasing; they need not be gap-free.";

/// The steps of a tour (empty for an unknown name).
pub fn steps(name: &str) -> Vec<Step> {
    match name {
        "first-election" => {
            vec![
            step("A node proposes itself", 5 * S, On::LeadershipProposal,
                "{node}'s random wait ended first, at {t}. It proposes itself as leader for round \
                 {seq} with ballot {ballot}. A ballot is (number, node, incarnation) and ballots \
                 are compared in that order, so two proposers never share one. Phase 1 starts: \
                 {node} sends Prepare to every node, itself included."),
            step("An acceptor promises", 5 * S, On::PromiseSent,
                "{from} answers with a Promise: from now on it refuses every ballot below \
                 {ballot} for this round, and it writes that promise to disk first, so it \
                 survives a crash. {reported}"),
            step("A quorum of promises: phase 2", 5 * S, On::AcceptPhase,
                "{node} now holds promises from {q} of {n} nodes: a quorum, that is a majority. \
                 Any two majorities share at least one node, and that node would have reported \
                 any value accepted earlier. Phase 2: {node} asks everyone to accept {value} at \
                 ballot {ballot}.{adopted}"),
            step("Chosen", 5 * S, On::LeadershipChosen,
                "A quorum accepted {value} at ballot {ballot}: that value is now chosen for round \
                 {seq}, for good — any later ballot would find it in some promise and have to \
                 propose it again. Only {node} knows yet; it sends Learn to everyone."),
            step("A latecomer is refused", 5 * S, On::Nack,
                "{to}'s random wait ended later. Its Prepare with ballot {ballot} was refused: \
                 {refuser} had already promised {promised}, a higher ballot. The refusal (a Nack) \
                 carries that promise, so {to} knows it lost; it will learn the winner and \
                 follow it."),
            step("A leader", 5 * S, On::Leader(0), LEADER),
            step("A bound for timestamps", 10 * S, On::BoundExtended,
                "Before handing out any timestamp, {node} needs an upper bound agreed by Paxos in \
                 TimeLock's second log. It proposed {bound} at {slot} (what it needs plus a \
                 buffer of {buffer}), with the same Prepare and Accept as the election, and a \
                 quorum accepted. Up to {bound} it may now serve without another Paxos round."),
            step("The first timestamps", 5 * S, On::Serve,
                "{node} hands {client} timestamps {first}–{last}, all at or below the agreed \
                 bound {bound}. Before every batch it asks a quorum whether a later leadership \
                 round exists, so a leader that was replaced cannot keep serving. That is the \
                 whole election; press Finish to explore on your own."),
        ]
        }
        "dueling" => {
            vec![
            step("Everyone proposes at once", 5 * S, On::PrepareArrives,
                "At {t0} no node had a leader to ping, and with no random wait all {count} \
                 proposed themselves at the same instant, with ballots {ballots}. Their Prepares \
                 arrive now, all at once. A ballot is (number, node, incarnation): with equal \
                 numbers the higher node wins, and each acceptor promises the highest ballot it \
                 has seen."),
            step("A refusal", 5 * S, On::Nack,
                "{to}'s Prepare with ballot {ballot} was rejected: {from} had already promised \
                 {promised} {to_whom}, and {promised} is higher. The refusal (a Nack) carries \
                 that promise, so {to} knows how high it has to go next time."),
            step("Pre-empted: try again at once", 5 * S, On::Preempted(0),
                "Enough acceptors refused {node} that it can no longer get a quorum: its ballot \
                 {ballot} was pre-empted by {promised}. With no random wait it immediately tries \
                 again with a higher ballot number — and every other loser does the same."),
            step("An Accept is overtaken", 5 * S, On::AcceptNack,
                "{to}'s Accept at ballot {ballot} was refused by {refuser}. {to} had collected a \
                 quorum of promises, but before the Accept arrived a higher Prepare got there, \
                 and {refuser} promised {promised} instead. This is the duel: every new Prepare \
                 kills the Accept before it, and the loser's next Prepare kills the winner's."),
            step("Livelock", 20 * S, On::Preempted(5 * S),
                "{t} and still no leader. Ballot numbers have climbed to {top} and proposals \
                 were pre-empted {preempted} times. With perfectly symmetric timing this never \
                 ends. Paxos stays safe — nothing wrong is ever chosen — but it is not \
                 guaranteed to make progress. Next we switch on TimeLock's remedy."),
            Step {
                title: "Switch on the random wait",
                action: Some(Action::Set(Param::Backoff(BackoffPolicy::Uniform {
                    max: 800 * MS,
                }))),
                within: 10 * S,
                on: On::LeadershipChosen,
                caption: "We switched on the random wait: a pre-empted node now waits a random \
                    time, uniformly between 0 and 800 ms, before it tries again (TimeLock waits \
                    up to 300 ms). The losers of the next clash went to wait{waiting} instead of \
                    firing a new Prepare, so nothing overtook {node}'s Accept: {value} is chosen \
                    at ballot {ballot}.{adopted}",
            },
            step("A leader at last", 10 * S, On::Leader(0),
                "{node} leads, at {t}. The others learned the choice during their wait, and when \
                 it ended they had a leader to follow instead of a reason to propose. The random \
                 wait broke the symmetry: one node gets far enough ahead to finish both phases \
                 alone."),
        ]
        }
        "leader-crash" => {
            vec![
            step("A leader", 10 * S, On::Leader(0), LEADER),
            step("The crash", 10 * S, On::Crash,
                "{node} crashed at {t}. What it wrote to disk — its promises, acceptances and \
                 learned values — survives; everything in memory is gone. It answers nothing \
                 now, and nobody tells the others: watch the amber rings, each follower's ping \
                 timeout running out."),
            step("Suspicion", 5 * S, On::Timer(TimerKind::PingTimeout),
                "{node} got no answer from {crashed} for {timeout}: it suspects the leader. \
                 First it asks a quorum what they learned (maybe someone already leads a newer \
                 round); then it waits a random time before proposing itself."),
            step("A new round", 5 * S, On::LeadershipProposal,
                "{node}'s wait ended first: it proposes itself for round {seq} with ballot \
                 {ballot} — the greatest round it has learned, plus one. Round {prev} stays \
                 decided forever: a chosen value never changes, so a new leader needs a new \
                 sequence of the leadership log."),
            step("Chosen without the old leader", 5 * S, On::LeadershipChosen,
                "{value} is chosen for round {seq} by {acceptors}. A quorum is a majority of all \
                 {n} nodes, not of the living ones, so the cluster elects with up to {down} \
                 nodes down."),
            step("A new leader", 5 * S, On::Leader(1), LEADER),
            step("Recovering the bound", 5 * S, On::BoundRecovered, RECOVERED),
            step("Serving again", 5 * S, On::Serve,
                "{node} hands {client} timestamps {first}–{last}, above the last one {crashed} \
                 handed out ({oldmax}). The cluster serves again {since} after the crash; in \
                 between, the clients timed out and tried other nodes. The timestamp-bound tour \
                 shows why the numbers can only go up."),
        ]
        }
        "timestamp-bound" => {
            vec![
            step("No bound yet", 10 * S, On::BoundRecovered,
                "{node} leads, but before its first timestamp it asks a quorum for the latest \
                 bound in the timestamp log. None was ever agreed, so its counter starts at 0 \
                 and it proposes a first bound by Paxos."),
            step("A bound is agreed", 5 * S, On::BoundExtended,
                "A quorum accepted bound {bound} at {slot} — the same Prepare and Accept as the \
                 election, in a separate log. {node} may now hand out timestamps up to {bound} \
                 without another Paxos round. The Timestamps tab draws the bound and what was \
                 handed out."),
            step("Serving under the bound", 5 * S, On::Serve,
                "{node} hands {client} timestamps {first}–{last} from its counter, below the \
                 bound {bound}. Each batch only needs a quick check that no later leadership \
                 round exists — no Paxos round at all."),
            step("Extending the bound", 10 * S, On::BoundExtended,
                "The counter reached the old bound. To go on, {node} proposed {bound} at the \
                 next sequence, {slot}, and a quorum accepted. Only then did it hand out more. \
                 AtlasDB reserves 1,000,000 at a time, so in production this is rare."),
            step("The crash", 10 * S, On::Crash,
                "{node} crashed at {t}. The last timestamp it handed out was {oldmax}; the \
                 agreed bound is {agreed}. So {unused}–{agreed} were reserved but never handed \
                 out. What will the next leader do?"),
            step("Recovering the bound", 10 * S, On::BoundRecovered, RECOVERED),
            step("Never backwards", 5 * S, On::Serve, ABOVE_OLD),
        ]
        }
        "partitioned-leader" => {
            vec![
            step("A leader", 10 * S, On::Leader(0), LEADER),
            step("Cut off", 10 * S, On::Intervention,
                "At {t} the network starts dropping every message between {old} and the others \
                 (red dashed lines). {old} is alive and still believes it leads; the others will \
                 only notice that its pings go unanswered."),
            step("No quorum, no timestamps", 10 * S, On::Timer(TimerKind::ServiceCheckTimeout),
                "A client's request reached {node}. Before serving, a leader asks a quorum \
                 whether a later leadership round exists — and nobody answered. So {node} \
                 handed out nothing, not even from the bound it still has. Without a quorum an \
                 old leader cannot serve."),
            step("A leader on the majority side", 10 * S, On::Leader(1),
                "Meanwhile the others stopped hearing from {old}, and {node} won round {seq}. \
                 For a while two nodes believe they lead — that is allowed, because only one of \
                 them can reach a quorum, and only that one can serve."),
            step("The new leader recovers the bound", 5 * S, On::BoundRecovered, RECOVERED),
            step("Serving above the old leader", 5 * S, On::Serve, ABOVE_OLD),
            step("The old leader steps down", 10 * S, On::LostLeadership,
                "{node} stops leading round {seq}: {reason}. It stays cut off, but it no longer \
                 even tries to serve."),
            step("Healed", 15 * S, On::FirstLeaderLearnsNewRound,
                "The network healed. {node} caught up and learned that round {seq} names {new}, \
                 so it follows {new} now. While it was cut off it did not hand out a single \
                 timestamp: every one it ever served is below the new leader's."),
        ]
        }
        "atlasdb" => {
            vec![
            step("A client wakes the cluster", 5 * S, On::Intervention,
                "Nothing happened for {t}: in AtlasDB a node starts electing only when the first \
                 client request reaches it (LeadershipComponents creates the leadership context \
                 lazily). This request goes to N1; it is refused — nobody leads yet — and the \
                 client tries the other nodes, waking them too."),
            step("A ballot with a UUID", 5 * S, On::LeadershipProposal,
                "{node} proposes itself for round {seq} with ballot {ballot}. Its last part is \
                 {node}'s UUID, drawn afresh each time the process starts: AtlasDB orders equal \
                 ballot numbers by UUID, not by node id (PaxosProposalId.compareTo)."),
            step("A leader", 10 * S, On::Leader(0),
                "{node} leads from {t}. Its followers ping it one ping at a time \
                 (SingleLeaderPinger): each ping waits up to {timeout}; a \"yes\" means sleep \
                 {ping} and ping again, anything else — even one lost reply — starts an \
                 election."),
            step("The leader's process dies", 10 * S, On::Crash,
                "{node} crashed at {t}. Its disk survives — promises, acceptances, learned values \
                 — but the process is gone. Were it restarted, it would get a new UUID, so the \
                 old leadership value could never name it again."),
            step("Connection refused", 5 * S, On::Refused,
                "{to}'s call to {from} was refused at once: AtlasDB's pings and leader-election \
                 calls use non-retrying HTTP channels, and a dead process's host refuses the \
                 connection. So {to} does not wait for its {timeout} ping timeout — it catches \
                 up and proposes now. (A partitioned or paused node would still be silent.)"),
            step("A new leader", 10 * S, On::Leader(1),
                "{node} leads round {seq}, {since} after the crash. The failover was faster than \
                 the textbook's, which waits out the ping timeout. Two other quirks of this code \
                 can break safety outright; Break Paxos → Found in real code runs both."),
        ]
        }
        _ => Vec::new(),
    }
}

/// Steps from the cursor until a recorded event satisfies `hit`, or time passes `limit`
/// ([`Run::run_until_event`], but the predicate also sees the record and the world).
/// Returns the matching event's index.
pub fn run_until(
    run: &mut Run,
    limit: Time,
    mut hit: impl FnMut(&Run, usize) -> bool,
) -> Option<usize> {
    loop {
        let before = run.cursor_event();
        match run.world().next_time(run.interventions()) {
            Some(t) if t <= limit => {}
            _ => {
                run.seek(limit);
                return None;
            }
        }
        if !run.step() {
            return None;
        }
        let after = run.cursor_event();
        if let Some(i) = (before..after).find(|&i| hit(run, i)) {
            return Some(i);
        }
    }
}

/// Where a tour stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The run's step count there (the position, for exact rewinds).
    pub steps: u64,
    /// Virtual time there.
    pub t: Time,
    /// The event that triggered it (None for the introduction, or when it never came).
    pub event: Option<usize>,
    /// What the card says.
    pub caption: String,
}

/// Someone following one tour: where they are and every stop reached so far.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The tour.
    pub info: TourInfo,
    /// Its steps.
    pub steps: Vec<Step>,
    /// 0 = the introduction, k = step k reached.
    pub at: usize,
    /// `stops[k]` for every k reached so far (`stops[0]` is the introduction).
    pub stops: Vec<Stop>,
    /// The user did something else since the tour last moved: the run may be elsewhere.
    pub paused: bool,
    /// The configuration and interventions the stops belong to (a different run — forked,
    /// rebuilt, another scenario — invalidates them).
    config: SimConfig,
    interventions: Vec<Intervention>,
}

impl Progress {
    /// A tour starting on `run`, a fresh run of its scenario (at time 0).
    pub fn start(info: TourInfo, run: &Run) -> Progress {
        Progress {
            info,
            steps: steps(info.name),
            at: 0,
            stops: vec![Stop {
                steps: run.world().steps,
                t: run.now(),
                event: None,
                caption: info.intro.to_string(),
            }],
            paused: false,
            config: run.config().clone(),
            interventions: run.interventions().to_vec(),
        }
    }

    /// Number of steps (the introduction not counted).
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the tour has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The current step (None at the introduction).
    pub fn current(&self) -> Option<&Step> {
        self.at.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// The current stop.
    pub fn stop(&self) -> &Stop {
        &self.stops[self.at]
    }

    /// Whether `run` is still the run the stops were recorded on.
    pub fn same_run(&self, run: &Run) -> bool {
        run.config() == &self.config && run.interventions() == self.interventions.as_slice()
    }

    /// Whether `run` is exactly at the current stop.
    pub fn on_track(&self, run: &Run) -> bool {
        self.same_run(run) && run.world().steps == self.stop().steps
    }

    /// Moves `run` (the tour's run) to the current stop.
    pub fn return_to_stop(&self, run: &mut Run) {
        run.seek_steps(self.stop().steps);
    }

    /// Goes one step forward on `run` (the tour's run, at the current stop): to a stop reached
    /// before by seeking, otherwise by applying the step's action and running to its trigger.
    /// Returns false at the end of the tour.
    pub fn next(&mut self, run: &mut Run) -> bool {
        let k = self.at + 1;
        if k > self.steps.len() {
            return false;
        }
        if let Some(stop) = self.stops.get(k) {
            run.seek_steps(stop.steps);
            self.at = k;
            return true;
        }
        let step = &self.steps[k - 1];
        if let Some(action) = step.action.clone() {
            // A tour's own actions are valid by construction.
            let _ = run.act(action);
            self.interventions = run.interventions().to_vec();
        }
        let on = step.on;
        // Several moments can happen in one simulator step: look at the rest of the previous
        // stop's step first (the clock does not move then).
        let mut found = None;
        if step.action.is_none() {
            if let Some(prev) = self.stops[k - 1].event {
                found =
                    (prev + 1..run.cursor_event()).find(|&index| on.matches(&Hit { run, index }));
            }
        }
        if found.is_none() {
            let limit = run.now() + step.within;
            found = run_until(run, limit, |run, index| on.matches(&Hit { run, index }));
        }
        let caption = match found {
            Some(index) => Hit { run, index }.fill(step.caption),
            None => format!(
                "This moment did not come within {} — the run went differently than the tour \
                 expected. Press Resume or Back to return to the tour's run.",
                seconds(step.within)
            ),
        };
        self.stops.push(Stop {
            steps: run.world().steps,
            t: run.now(),
            event: found,
            caption,
        });
        self.at = k;
        true
    }

    /// Goes one step back on `run` (the tour's run): a real rewind to the previous stop.
    pub fn back(&mut self, run: &mut Run) {
        if self.at > 0 {
            self.at -= 1;
            run.seek_steps(self.stops[self.at].steps);
        }
    }

    /// Recomputes the stops up to the current one on `fresh`, a new run of the tour's scenario
    /// (after the user left the tour's run). Deterministic: the same stops come back.
    pub fn replay(&mut self, fresh: &mut Run) {
        let target = self.at;
        self.stops.truncate(1);
        self.at = 0;
        self.config = fresh.config().clone();
        self.interventions = fresh.interventions().to_vec();
        while self.at < target && self.next(fresh) {}
    }
}

// --- Driving a tour from the lab ---

/// Whether an action takes the user off a tour's path (it moves or changes the run); looking
/// around — selecting, switching tabs, help — does not.
pub(super) fn leaves_tour(a: &LabAction) -> bool {
    !matches!(
        a,
        LabAction::Tick(_)
            | LabAction::Pause
            | LabAction::SetSpeed(_)
            | LabAction::SelectNode(_)
            | LabAction::SelectMessage(_)
            | LabAction::Highlight(_)
            | LabAction::SetLogFilter(_)
            | LabAction::SetTab(_)
            | LabAction::ToggleHelp
            | LabAction::TogglePresenter
            | LabAction::Dismiss(_)
            | LabAction::StartSplit
            | LabAction::ToggleSplit(_)
            | LabAction::CancelSplit
            | LabAction::StartTour(_)
            | LabAction::TourNext
            | LabAction::TourBack
            | LabAction::TourResume
            | LabAction::ExitTour
            | LabAction::RunSweep(_)
            | LabAction::SweepRows { .. }
            | LabAction::SweepFailed { .. }
            | LabAction::CancelSweep
            | LabAction::SelectSweepSetting(_)
            | LabAction::Checker(_)
    )
}

/// Guided tours.
impl Lab {
    pub(super) fn start_tour(&mut self, name: &str) {
        let Some(info) = info(name) else {
            self.notify(
                NoticeKind::Error,
                format!(
                    "There is no tour called '{}'.",
                    crate::sim::units::clip(name, 40)
                ),
            );
            return;
        };
        self.tour = None;
        self.apply(LabAction::LoadScenario(info.scenario.to_string()));
        self.playing = false;
        self.tour = Some(Progress::start(info, &self.run));
    }

    /// Puts the run at the tour's current stop; if the user left the tour's run (forked it,
    /// loaded another scenario, changed a setting), rebuilds it from the tour's scenario.
    fn back_on_tour(&mut self, p: &mut Progress) {
        if p.same_run(&self.run) {
            p.return_to_stop(&mut self.run);
        } else {
            self.apply(LabAction::LoadScenario(p.info.scenario.to_string()));
            p.replay(&mut self.run);
        }
        self.playing = false;
        self.split = None;
        p.paused = false;
    }

    pub(super) fn tour_action(&mut self, action: LabAction) {
        let Some(mut p) = self.tour.take() else {
            return;
        };
        match action {
            LabAction::TourNext => {
                self.back_on_tour(&mut p);
                p.next(&mut self.run);
            }
            LabAction::TourBack => {
                self.back_on_tour(&mut p);
                p.back(&mut self.run);
            }
            LabAction::TourResume => self.back_on_tour(&mut p),
            _ => return, // ExitTour: the run stays where it is.
        }
        self.announced = self.run.world().checker.violations.len();
        self.tour = Some(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario;

    fn fresh(info: &TourInfo) -> Run {
        let s = scenario::by_name(info.scenario).expect("a tour's scenario exists");
        Run::new(s.config, s.interventions).unwrap()
    }

    #[test]
    fn every_tour_has_a_scenario_and_steps() {
        for t in ALL {
            assert!(scenario::by_name(t.scenario).is_some(), "{}", t.name);
            assert!(steps(t.name).len() >= 5, "{}", t.name);
            assert_eq!(info(t.name), Some(t));
        }
        assert!(info("nope").is_none() && steps("nope").is_empty());
    }

    #[test]
    fn every_step_of_every_tour_triggers_in_order_within_its_limit() {
        for t in ALL {
            let mut run = fresh(&t);
            let mut p = Progress::start(t, &run);
            let mut last_t = 0;
            while p.next(&mut run) {
                let stop = p.stop().clone();
                let step = p.current().unwrap().title;
                let i = stop.event.unwrap_or_else(|| {
                    panic!("{} / {step}: no trigger ({})", t.name, stop.caption)
                });
                assert!(stop.t >= last_t, "{} / {step}: time went back", t.name);
                assert!(stop.t <= last_t + p.current().unwrap().within);
                assert!(p.on_track(&run), "{} / {step}", t.name);
                assert!(
                    i < run.cursor_event(),
                    "{} / {step}: stopped after its trigger",
                    t.name
                );
                assert!(
                    stop.caption.len() > 80
                        && !stop
                            .caption
                            .split('{')
                            .skip(1)
                            .any(|r| r.starts_with(|c: char| c.is_ascii_lowercase())),
                    "{} / {step}: {}",
                    t.name,
                    stop.caption
                );
                last_t = stop.t;
            }
            assert_eq!(p.at, p.len(), "{}", t.name);
        }
    }

    #[test]
    fn a_leader_caption_says_what_the_other_nodes_are_doing_at_that_stop() {
        for name in ["first-election", "leader-crash", "partitioned-leader"] {
            let t = info(name).unwrap();
            let mut run = fresh(&t);
            let mut p = Progress::start(t, &run);
            while p.next(&mut run) {
                if p.current().unwrap().caption != LEADER {
                    continue;
                }
                let caption = p.stop().caption.clone();
                assert!(!caption.contains("The others are followers"), "{caption}");
                let leader = run.world().leader().expect("a leader at a leader stop");
                for n in run.world().nodes.iter().filter(|n| n.id != leader) {
                    let role = n.role();
                    let said = match role {
                        Role::Follower => caption
                            .split(" already follow")
                            .next()
                            .is_some_and(|s| s.contains(&n.id.to_string())),
                        Role::Crashed => caption.contains(&format!("{}", n.id)),
                        r => caption.contains(&format!("{} ({})", n.id, r.name())),
                    };
                    assert!(
                        said,
                        "{name}: {} is {} but the caption says: {caption}",
                        n.id,
                        role.name()
                    );
                }
            }
        }
    }

    #[test]
    fn captions_name_the_triggering_event() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        p.next(&mut run);
        p.next(&mut run);
        let stop = p.stop();
        let EventKind::Deliver(id) = run.history().events[stop.event.unwrap()].kind else {
            panic!("the refusal step stops at a delivery");
        };
        let m = &run.history().messages[id as usize];
        let Msg::Nack { promised, .. } = m.msg else {
            panic!("a Nack");
        };
        assert!(stop.caption.contains("was rejected"), "{}", stop.caption);
        assert!(stop.caption.contains(&promised.to_string()));
        assert!(stop.caption.starts_with(&m.to.to_string()));
    }

    #[test]
    fn the_dueling_tour_livelocks_until_the_random_wait_is_switched_on() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        for _ in 0..5 {
            p.next(&mut run);
        }
        assert_eq!(p.current().unwrap().title, "Livelock");
        assert!(run.now() >= 5 * S);
        assert!(run.world().leader().is_none(), "no leader without the wait");
        assert!(run.interventions().is_empty());
        p.next(&mut run);
        assert!(matches!(
            run.interventions()[0].action,
            Action::Set(Param::Backoff(BackoffPolicy::Uniform { .. }))
        ));
        while p.next(&mut run) {}
        assert!(run.world().leader().is_some());
    }

    #[test]
    fn back_and_next_travel_between_the_same_stops() {
        let t = info("leader-crash").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        for _ in 0..4 {
            p.next(&mut run);
        }
        let at4 = p.stop().clone();
        p.back(&mut run);
        p.back(&mut run);
        assert_eq!(p.at, 2);
        assert_eq!(run.world().steps, p.stops[2].steps);
        assert!(run.now() < at4.t, "really rewound");
        p.next(&mut run);
        p.next(&mut run);
        assert_eq!(p.stop(), &at4);
        assert_eq!(run.world().steps, at4.steps);
        assert!(p.on_track(&run));
    }

    #[test]
    fn replay_on_a_fresh_run_finds_the_same_stops() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        while p.next(&mut run) {}
        let stops = p.stops.clone();
        let mut again = fresh(&t);
        assert!(
            !p.same_run(&again),
            "the tour's action changed the interventions"
        );
        p.replay(&mut again);
        assert_eq!(p.stops, stops);
        assert!(p.on_track(&again));
    }
}

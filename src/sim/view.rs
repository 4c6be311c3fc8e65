//! Read-only views of a run for drawing: nodes with their timers, messages in flight and
//! recently dropped, the timestamp number line, space-time arrows, and the event log.
//!
//! Everything here is computed from the run at its cursor; the UI only turns it into SVG.
//! Keeping it here (not in components) means it is tested natively like the engine.

use super::checker::{Invariant, QuorumVote, ServedRange, Violation};
use super::config::Time;
use super::history::{DropReason, EventKind, Fate, History, MessageRecord, MsgId};
use super::run::Run;
use super::units;
use crate::engine::election::ElectionState;
use crate::engine::proposer::Proposer;
use crate::engine::timestamp::{BoundStore, Recovery, ServiceOp};
use crate::engine::{
    Address, Ballot, LeaderId, LogId, Msg, NodeId, NodeSet, ProtocolConfig, Role, Seq, TimerKind,
    Value,
};

/// A node as the cluster view draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Which node.
    pub id: NodeId,
    /// Which life of it.
    pub incarnation: u32,
    /// One-word role.
    pub role: Role,
    /// Greatest learned leadership round.
    pub round: Option<Seq>,
    /// The leader that round names.
    pub believes: Option<LeaderId>,
    /// Partition group (nodes in one group can talk).
    pub group: u8,
    /// The countdown drawn as a ring: backoff wait, ping timeout, or proposal timeout.
    pub countdown: Option<Countdown>,
    /// Ballots of this node pre-empted by rivals so far.
    pub preempted: u64,
    /// For the leader: (last timestamp handed out, agreed bound).
    pub timestamps: Option<(u64, u64)>,
}

/// A timer drawn as a draining ring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Countdown {
    /// Which timer.
    pub kind: TimerKind,
    /// Fraction still to wait (1 when just set, 0 when it fires).
    pub remaining: f64,
    /// Microseconds left.
    pub left: Time,
}

/// Nodes at the cursor.
pub fn nodes(run: &Run) -> Vec<NodeView> {
    let w = run.world();
    let now = w.now;
    w.nodes
        .iter()
        .map(|n| {
            let countdown = [
                TimerKind::Backoff,
                TimerKind::LeadershipProposalTimeout,
                TimerKind::PingTimeout,
                TimerKind::CatchUpTimeout,
                TimerKind::ElectionCheckTimeout,
            ]
            .iter()
            .find_map(|&k| {
                w.timers(n.id)
                    .find(|(kind, _, _)| *kind == k)
                    .map(|(kind, set, fires)| {
                        let total = fires.saturating_sub(set).max(1);
                        let left = fires.saturating_sub(now);
                        Countdown {
                            kind,
                            remaining: left as f64 / total as f64,
                            left,
                        }
                    })
            });
            let timestamps = match (n.up, n.v.election, n.v.service.store) {
                (true, ElectionState::Leading { .. }, Some(s)) if s.ready => {
                    Some((s.counter, s.limit()))
                }
                _ => None,
            };
            NodeView {
                id: n.id,
                incarnation: n.incarnation,
                role: n.role(),
                round: n.believed_leader().map(|(s, _)| s),
                believes: n.believed_leader().map(|(_, l)| l),
                group: w.partition[n.id.index()],
                countdown: if n.up { countdown } else { None },
                preempted: w.stats.preempted[n.id.index()],
                timestamps,
            }
        })
        .collect()
}

/// A message as drawn between two processes.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// Stable id.
    pub id: MsgId,
    /// Sender.
    pub from: Address,
    /// Receiver.
    pub to: Address,
    /// Send time.
    pub sent: Time,
    /// Arrival (or vanishing) time.
    pub arrive: Time,
    /// Position along the edge, 0 at the sender, 1 at the receiver.
    pub progress: f64,
    /// Payload.
    pub msg: Msg,
    /// The original, for a network duplicate.
    pub dup_of: Option<MsgId>,
    /// Set for a message that was dropped, with how long ago (µs) — drawn fading.
    pub dropped: Option<(DropReason, Time)>,
    /// Whose ballot it carries (colour), if a Paxos message.
    pub owner: Option<NodeId>,
    /// A person asked to drop it and it has not arrived yet.
    pub doomed: bool,
}

fn message_view(
    m: &MessageRecord,
    now: Time,
    dropped: Option<(DropReason, Time)>,
    doomed: bool,
) -> MessageView {
    let span = m.arrive.saturating_sub(m.sent).max(1);
    MessageView {
        id: m.id,
        from: m.from,
        to: m.to,
        sent: m.sent,
        arrive: m.arrive,
        progress: (now.saturating_sub(m.sent) as f64 / span as f64).clamp(0.0, 1.0),
        msg: m.msg.clone(),
        dup_of: m.dup_of,
        dropped,
        owner: m.msg.ballot().map(|b| b.node),
        doomed,
    }
}

/// Messages travelling at the cursor (local calls, which take no time, are left out).
pub fn in_flight(run: &Run) -> Vec<MessageView> {
    let w = run.world();
    let h = run.history();
    let mut v: Vec<MessageView> = w
        .in_flight()
        .filter_map(|(_, id)| h.messages.get(id as usize))
        .filter(|m| m.from != m.to && m.sent <= w.now)
        .map(|m| message_view(m, w.now, None, w.pending_user_drops().contains(&m.id)))
        .collect();
    v.sort_by_key(|m| m.id);
    v
}

/// Messages dropped within `window` µs before the cursor, for a fading mark.
pub fn recent_drops(run: &Run, window: Time) -> Vec<MessageView> {
    let w = run.world();
    let h = run.history();
    let now = w.now;
    let latency = w.cfg.network.latency_max.max(1);
    let start = h.first_message_at_or_after(now.saturating_sub(window + latency));
    let end = h.first_message_at_or_after(now + 1);
    h.messages
        .range(start..end)
        .filter(|m| m.id < w.next_msg)
        .filter_map(|m| match m.fate {
            Fate::Dropped(reason) if m.arrive <= now && now - m.arrive <= window => Some(
                message_view(m, m.arrive, Some((reason, now - m.arrive)), false),
            ),
            _ => None,
        })
        .collect()
}

/// One chosen bound on the number line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundMark {
    /// Timestamp-log sequence.
    pub seq: Seq,
    /// The bound.
    pub bound: u64,
    /// The leader whose store proposed it.
    pub owner: NodeId,
}

/// Everything the timestamp number line draws.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberLine {
    /// Bounds chosen by Paxos, by sequence.
    pub bounds: Vec<BoundMark>,
    /// Ranges handed out (adjacent ranges of one leader merged), in timestamp order.
    pub served: Vec<ServedRange>,
    /// The current leader's counter and limit, if it serves.
    pub leader: Option<(NodeId, u64, u64)>,
    /// Highest timestamp anybody handed out.
    pub max_served: u64,
}

/// The timestamp number line at the cursor.
pub fn number_line(run: &Run) -> NumberLine {
    let w = run.world();
    let bounds = (0..=w.checker.greatest_seq(LogId::Timestamp).unwrap_or(0))
        .filter_map(|s| {
            w.checker
                .chosen(LogId::Timestamp, s)
                .and_then(|c| match c.value {
                    Value::Bound { bound, owner } => Some(BoundMark {
                        seq: s,
                        bound,
                        owner: owner.leader.node,
                    }),
                    Value::Leader(_) => None,
                })
        })
        .collect();
    let served: Vec<ServedRange> = w.checker.served_ranges().copied().collect();
    let leader = nodes(run)
        .into_iter()
        .find_map(|n| n.timestamps.map(|(c, l)| (n.id, c, l)));
    NumberLine {
        bounds,
        max_served: served.iter().map(|r| r.last).max().unwrap_or(0),
        served,
        leader,
    }
}

/// A message arrow for the space-time diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Message id.
    pub id: MsgId,
    /// Sender lane.
    pub from: Address,
    /// Receiver lane.
    pub to: Address,
    /// Send time.
    pub sent: Time,
    /// Arrival time (or drop time).
    pub arrive: Time,
    /// Type name.
    pub kind: &'static str,
    /// Ballot owner, for colour.
    pub owner: Option<NodeId>,
    /// How it ended (as known at the cursor: in flight if not yet).
    pub fate: Fate,
}

/// Messages sent in [from, to] (virtual µs) that are not local calls, up to the cursor.
pub fn arrows(run: &Run, from: Time, to: Time) -> Vec<Arrow> {
    let h = run.history();
    let now = run.now();
    let (a, b) = (
        h.first_message_at_or_after(from),
        h.first_message_at_or_after(to.min(now) + 1),
    );
    h.messages
        .range(a..b)
        .filter(|m| m.from != m.to && m.id < run.world().next_msg)
        .map(|m| Arrow {
            id: m.id,
            from: m.from,
            to: m.to,
            sent: m.sent,
            arrive: m.arrive,
            kind: m.msg.type_name(),
            owner: m.msg.ballot().map(|b| b.node),
            fate: if m.arrive > now {
                Fate::InFlight
            } else {
                m.fate
            },
        })
        .collect()
}

/// A filter for the event log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events involving this node.
    pub node: Option<NodeId>,
    /// Only messages of these types (empty: all); non-message events always pass.
    pub types: Vec<&'static str>,
    /// Hide message sends (show arrivals and drops only).
    pub hide_sends: bool,
    /// Hide timer firings.
    pub hide_timers: bool,
}

impl LogFilter {
    /// Whether event `e` passes.
    pub fn accepts(&self, e: &EventKind, h: &History) -> bool {
        let msg = match e {
            EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => {
                h.messages.get(*id as usize)
            }
            _ => None,
        };
        if self.hide_sends && matches!(e, EventKind::Send(_)) {
            return false;
        }
        if self.hide_timers && matches!(e, EventKind::Timer(..)) {
            return false;
        }
        if let Some(m) = msg {
            if !self.types.is_empty() && !self.types.contains(&m.msg.type_name()) {
                return false;
            }
        }
        match self.node {
            None => true,
            Some(n) => involves(e, msg, n),
        }
    }
}

fn involves(e: &EventKind, msg: Option<&MessageRecord>, n: NodeId) -> bool {
    let a = Address::Node(n);
    if let Some(m) = msg {
        return m.from == a || m.to == a;
    }
    match e {
        EventKind::Boot(x) | EventKind::Timer(x, _) => *x == a,
        EventKind::Crash(x) | EventKind::Restart(x, _) | EventKind::Leader { node: x, .. } => {
            *x == n
        }
        EventKind::Violation(v) => v.nodes.contains(&n),
        EventKind::Fact(f) => {
            use super::history::Fact::*;
            match &**f {
                Learn { node, .. }
                | Propose { node, .. }
                | AcceptPhase { node, .. }
                | Chosen { node, .. }
                | AttemptFailed { node, .. }
                | LostLeadership { node, .. }
                | Serve { node, .. }
                | BoundExtended { node, .. }
                | BoundRecovered { node, .. }
                | StoreLost { node, .. } => *node == n,
                ClientGranted { from, .. } => *from == a,
                ClientRequest { .. } | Intervene(_) => true,
            }
        }
        _ => false,
    }
}

/// Indices of the last `limit` events before the cursor that pass `filter`, oldest first.
pub fn log_rows(run: &Run, filter: &LogFilter, limit: usize) -> Vec<usize> {
    let h = run.history();
    let end = run.cursor_event();
    let mut rows = Vec::with_capacity(limit);
    let mut i = end;
    while i > 0 && rows.len() < limit {
        i -= 1;
        if filter.accepts(&h.events[i].kind, h) {
            rows.push(i);
        }
    }
    rows.reverse();
    rows
}

/// The first safety violation, shaped for the cluster picture: which nodes to ring, which
/// quorums to outline, which ranges collided, and a few short lines saying why.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationView {
    /// The broken rule.
    pub invariant: Invariant,
    /// Log and sequence, for Paxos rules.
    pub slot: Option<(LogId, Seq)>,
    /// For agreement: the quorum behind the first value (A), then the second (B).
    pub quorums: Vec<QuorumVote>,
    /// For agreement: acceptors in both quorums (empty: the quorums do not intersect).
    pub shared: NodeSet,
    /// The node that broke the rule, when one did (the acceptor that forgot its promise).
    pub culprit: Option<NodeId>,
    /// Every node involved.
    pub nodes: Vec<NodeId>,
    /// For timestamp rules: the ranges in conflict, earlier first.
    pub ranges: Vec<ServedRange>,
    /// Caption, one short line each.
    pub lines: Vec<String>,
}

/// The run's first violation, once the cursor has passed it (None before, or if none).
pub fn violation(run: &Run) -> Option<ViolationView> {
    let (i, v) = run.history().first_violation()?;
    (i < run.cursor_event()).then(|| violation_view(v, run.config().protocol.nodes))
}

/// Shapes one violation of a cluster of `nodes` for drawing.
pub fn violation_view(v: &Violation, nodes: u8) -> ViolationView {
    let slot = v.slot.map(|(l, s)| super::explain::slot(l, s));
    let at = slot.as_deref().unwrap_or("");
    let majority = usize::from(nodes) / 2 + 1;
    let mut shared = NodeSet::default();
    let mut culprit = None;
    let mut lines = Vec::new();
    let range = |r: &ServedRange| {
        format!(
            "{} handed out {}–{} at {}",
            r.node,
            r.first,
            r.last,
            units::secs(r.t)
        )
    };
    match v.invariant {
        Invariant::Agreement if v.quorums.len() >= 2 => {
            let (a, b) = (v.quorums[0], v.quorums[1]);
            shared = a.acceptors.intersection(b.acceptors);
            lines.push(format!("Two different values were chosen at {at}."));
            for (name, q) in [("A", a), ("B", b)] {
                lines.push(format!(
                    "Quorum {name} {} accepted {} at ballot {}.",
                    q.acceptors,
                    super::explain::value(&q.value),
                    q.ballot
                ));
            }
            lines.push(if shared.is_empty() {
                format!(
                    "A and B share no acceptor, so nobody could tell B's proposer about A's value. \
                     Majorities ({majority} of {nodes}) always share one."
                )
            } else {
                format!(
                    "A and B share {shared}: it should have reported A's value in its promise to \
                     B's proposer."
                )
            });
        }
        Invariant::PromiseKept | Invariant::LearnedChosen | Invariant::Nontriviality => {
            culprit = v.nodes.first().copied();
            lines.push(v.detail.clone());
        }
        Invariant::UniqueTimestamps if v.ranges.len() >= 2 => {
            let (p, r) = (v.ranges[0], v.ranges[1]);
            lines.push(format!("{}.", range(&p)));
            lines.push(format!("{}.", range(&r)));
            lines.push(format!(
                "Timestamps {}–{} were handed out twice.",
                p.first.max(r.first),
                p.last.min(r.last)
            ));
        }
        Invariant::RealTimeOrder if v.ranges.len() >= 2 => {
            let (p, r) = (v.ranges[0], v.ranges[1]);
            lines.push(format!(
                "A client received timestamp {} from {} at {}.",
                p.last,
                p.node,
                units::secs(p.t)
            ));
            lines.push(format!(
                "A request that started later got {}–{} from {}: time went backwards.",
                r.first, r.last, r.node
            ));
        }
        _ => lines.push(v.detail.clone()),
    }
    ViolationView {
        invariant: v.invariant,
        slot: v.slot,
        quorums: v.quorums.clone(),
        shared,
        culprit,
        nodes: v.nodes.clone(),
        ranges: v.ranges.clone(),
        lines,
    }
}

/// A duration in words for sentences: "300 ms", "1.5 s".
fn span(t: Time) -> String {
    if t < 1_000_000 {
        format!("{} ms", units::short(i128::from(t), 3))
    } else {
        format!("{} s", units::short(i128::from(t / 1_000), 3))
    }
}

/// One sequence of one log as a node's acceptor (durable) and learner (durable) hold it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlotRow {
    /// The sequence.
    pub seq: Seq,
    /// Highest ballot promised.
    pub promised: Option<Ballot>,
    /// Last (ballot, value) accepted.
    pub accepted: Option<(Ballot, Value)>,
    /// The value learned as chosen.
    pub learned: Option<Value>,
}

/// An armed timer with the time it has left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimerRow {
    /// Which timer.
    pub kind: TimerKind,
    /// Microseconds until it fires.
    pub left: Time,
    /// Microseconds it was set for.
    pub total: Time,
}

/// Everything the inspector shows about one node, split as a crash splits it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDetail {
    /// Which node.
    pub id: NodeId,
    /// Which life of it.
    pub incarnation: u32,
    /// False while crashed.
    pub up: bool,
    /// One-word role.
    pub role: Role,
    /// Partition group.
    pub group: u8,
    /// Greatest learned leadership round and the leader it names (durable: learned).
    pub believes: Option<(Seq, LeaderId)>,
    /// Durable: the last few sequences of the leadership and timestamp logs.
    pub logs: [Vec<SlotRow>; 2],
    /// Volatile: where the election loop is, in words.
    pub election: String,
    /// Volatile: the proposers of both logs (counter and attempt in flight).
    pub proposers: [Proposer; 2],
    /// Volatile: armed timers, soonest first.
    pub timers: Vec<TimerRow>,
    /// Volatile, while leading: the bound store.
    pub store: Option<BoundStore>,
    /// Volatile, while leading: what the timestamp service is doing, in words.
    pub service: Option<String>,
    /// Volatile: client requests waiting for the leader.
    pub pending: usize,
}

/// The inspector's view of node `id` with the last `rows` sequences of each log.
pub fn node_detail(run: &Run, id: NodeId, rows: usize) -> Option<NodeDetail> {
    let w = run.world();
    let n = w.nodes.get(id.index())?;
    let now = w.now;
    let logs = LogId::ALL.map(|log| {
        let top = [
            n.acceptor.latest_seq(log),
            n.learner.greatest(log).map(|(s, _)| s),
        ]
        .into_iter()
        .flatten()
        .max();
        let Some(top) = top else { return Vec::new() };
        let lo = top.saturating_sub(rows.saturating_sub(1) as u64);
        (lo..=top)
            .rev()
            .filter_map(|seq| {
                let a = n.acceptor.slot(log, seq).copied().unwrap_or_default();
                let learned = n.learner.get(log, seq);
                (a.promised.is_some() || a.accepted.is_some() || learned.is_some()).then_some(
                    SlotRow {
                        seq,
                        promised: a.promised,
                        accepted: a.accepted,
                        learned,
                    },
                )
            })
            .collect()
    });
    let mut timers: Vec<TimerRow> = w
        .timers(id)
        .map(|(kind, set, fires)| TimerRow {
            kind,
            left: fires.saturating_sub(now),
            total: fires.saturating_sub(set),
        })
        .collect();
    // Soonest first (an insertion sort: a dozen timers at most, and no sort code in the wasm).
    for i in 1..timers.len() {
        let mut j = i;
        while j > 0 && timers[j - 1].left > timers[j].left {
            timers.swap(j - 1, j);
            j -= 1;
        }
    }
    let leading = n.up && matches!(n.v.election, ElectionState::Leading { .. });
    let cfg = &w.cfg.protocol;
    Some(NodeDetail {
        id,
        incarnation: n.incarnation,
        up: n.up,
        role: n.role(),
        group: w.partition[id.index()],
        believes: n.believed_leader(),
        logs,
        election: if n.up {
            election_words(&n.v.election, cfg)
        } else {
            "Down: no election state (it was in memory).".into()
        },
        proposers: n.v.proposers.clone(),
        timers,
        store: n.v.service.store,
        service: leading.then(|| service_words(&n.v.service.op, cfg.quorum())),
        pending: n.v.service.pending.len(),
    })
}

/// Where the election loop is, in one sentence.
pub fn election_words(e: &ElectionState, cfg: &ProtocolConfig) -> String {
    let q = cfg.quorum();
    match *e {
        ElectionState::Starting => "Starting up.".into(),
        ElectionState::Leading { seq } => format!(
            "Leads round {seq}: a quorum confirmed no later round exists. It checks again before \
             every batch of requests."
        ),
        ElectionState::Checking {
            seq,
            agree,
            disagree,
            ..
        } => format!(
            "Its learned round {seq} names it; asking whether any acceptor knows a later round: \
             {} of {q} needed said no, {} said yes.",
            agree.len(),
            disagree.len()
        ),
        ElectionState::Following { leader, .. } => format!(
            "Follows {leader}: pings it every {}; suspects it after {} without a \"yes\".",
            span(cfg.ping_interval),
            span(cfg.ping_timeout)
        ),
        ElectionState::CatchingUp {
            from_seq, replied, ..
        } => format!(
            "Suspects the leader. Asking learners for rounds from {from_seq} on before acting \
             ({} of {q} answered).",
            replied.len()
        ),
        ElectionState::BackingOff { seen } => format!(
            "In the random wait; then, if nothing new was learned, it proposes itself for round {}.",
            seen.map_or(0, |s| s + 1)
        ),
        ElectionState::Proposing { seq } => {
            format!("Proposing itself as leader for round {seq}.")
        }
        ElectionState::AwaitingLearn { seq } => {
            format!("Round {seq} was chosen; waiting to learn which value won.")
        }
    }
}

/// What a leader's timestamp service is busy with, in one sentence.
pub fn service_words(op: &ServiceOp, quorum: usize) -> String {
    match *op {
        ServiceOp::Idle => "Idle: no request waiting.".into(),
        ServiceOp::Checking {
            seq,
            agree,
            disagree,
            ..
        } => format!(
            "Checking it still leads round {seq} before serving: {} of {quorum} agree, {} disagree.",
            agree.len(),
            disagree.len()
        ),
        ServiceOp::CheckRetryWait => {
            "The last check got no quorum; pausing before trying again.".into()
        }
        ServiceOp::Recovering(r) => match r {
            Recovery::Latest { replied, .. } => format!(
                "Recovering the bound: asking for the latest timestamp sequence ({} of {quorum} \
                 answered).",
                replied.len()
            ),
            Recovery::Lookup { seq, .. } => format!(
                "Recovering the bound: asking which bound was learned at {}.",
                super::explain::slot(LogId::Timestamp, seq)
            ),
            Recovery::Forcing { seq, bound, .. } => format!(
                "Recovering the bound: proposing again at {} (bound {bound} unless one was \
                 accepted) so whatever was chosen is learned.",
                super::explain::slot(LogId::Timestamp, seq)
            ),
        },
        ServiceOp::Extending {
            seq,
            target,
            running,
        } => format!(
            "Extending the bound to {target} at {}{}.",
            super::explain::slot(LogId::Timestamp, seq),
            if running { "" } else { " (waiting to retry)" }
        ),
    }
}

/// Where a message is at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgStatus {
    /// The cursor is before its send (after rewinding).
    NotSent,
    /// Travelling; arrives (or vanishes) after `left` µs.
    InFlight {
        /// Microseconds until it arrives or vanishes.
        left: Time,
    },
    /// It arrived.
    Delivered,
    /// It did not arrive.
    Dropped(DropReason),
}

/// A message as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetail {
    /// The record (sender, receiver, times, payload, duplicate origin).
    pub record: MessageRecord,
    /// Where it is at the cursor.
    pub status: MsgStatus,
    /// A person asked to drop it and it has not arrived yet.
    pub doomed: bool,
}

/// The inspector's view of message `id` at the cursor (None if the run never sent it).
pub fn message_detail(run: &Run, id: MsgId) -> Option<MessageDetail> {
    let w = run.world();
    let m = run.history().messages.get(usize::try_from(id).ok()?)?;
    let status = if id >= w.next_msg || m.sent > w.now {
        MsgStatus::NotSent
    } else if w.in_flight().any(|(_, x)| x == id) {
        MsgStatus::InFlight {
            left: m.arrive.saturating_sub(w.now),
        }
    } else {
        match m.fate {
            Fate::Dropped(r) => MsgStatus::Dropped(r),
            _ => MsgStatus::Delivered,
        }
    };
    Some(MessageDetail {
        record: m.clone(),
        status,
        doomed: w.pending_user_drops().contains(&id),
    })
}

/// The whole cluster in a few numbers, for the inspector when nothing is selected.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterSummary {
    /// The node holding leadership with the highest round, and that round.
    pub leader: Option<(NodeId, Seq)>,
    /// Per node: role and greatest learned leadership round.
    pub nodes: Vec<(NodeId, Role, Option<Seq>)>,
    /// Messages travelling (local calls left out).
    pub in_flight: usize,
    /// Leadership proposals started so far.
    pub elections: u64,
    /// Ballots pre-empted by a rival so far.
    pub preempted: u64,
    /// Whether a partition is in force.
    pub partitioned: bool,
}

/// How many messages are travelling at the cursor (local calls left out), to or from `node`
/// if given — counted without building their views.
pub fn in_flight_count(run: &Run, node: Option<NodeId>) -> usize {
    let w = run.world();
    let h = run.history();
    w.in_flight()
        .filter_map(|(_, id)| h.messages.get(id as usize))
        .filter(|m| m.from != m.to && m.sent <= w.now)
        .filter(|m| node.is_none_or(|n| m.from == Address::Node(n) || m.to == Address::Node(n)))
        .count()
}

/// The cluster summary at the cursor.
pub fn cluster_summary(run: &Run) -> ClusterSummary {
    let w = run.world();
    let nodes: Vec<_> = w
        .nodes
        .iter()
        .map(|n| (n.id, n.role(), n.believed_leader().map(|(s, _)| s)))
        .collect();
    let leader = w.leader().map(|l| {
        let seq = match w.nodes[l.index()].v.election {
            ElectionState::Leading { seq } => seq,
            _ => 0,
        };
        (l, seq)
    });
    ClusterSummary {
        leader,
        in_flight: in_flight_count(run, None),
        elections: w.stats.elections,
        preempted: w.stats.preempted_total(),
        partitioned: w.nodes.iter().any(|n| !w.connected(n.id, NodeId(1))),
        nodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario;
    use crate::sim::{Action, SimConfig};

    #[test]
    fn messages_in_flight_move_from_sender_to_receiver() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(400_000);
        let v = in_flight(&run);
        assert!(!v.is_empty());
        for m in &v {
            assert!(m.sent <= run.now() && run.now() < m.arrive);
            assert!((0.0..1.0).contains(&m.progress));
            assert_ne!(m.from, m.to);
        }
    }

    #[test]
    fn a_waiting_node_shows_its_backoff_draining() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        let mut seen = false;
        for t in (0..2_000_000).step_by(20_000) {
            run.seek(t);
            for n in nodes(&run) {
                if let Some(c) = n.countdown {
                    if c.kind == TimerKind::Backoff {
                        assert_eq!(n.role, Role::Waiting);
                        assert!((0.0..=1.0).contains(&c.remaining));
                        seen = true;
                    }
                }
            }
        }
        assert!(seen, "some node waited before proposing");
    }

    #[test]
    fn dropped_messages_fade_for_a_while() {
        let s = scenario::by_name("lossy-network").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(3_000_000);
        let d = recent_drops(&run, 500_000);
        assert!(!d.is_empty());
        assert!(d
            .iter()
            .all(|m| m.dropped.is_some_and(|(_, ago)| ago <= 500_000)));
    }

    #[test]
    fn the_number_line_shows_bounds_ranges_and_the_leaders_counter() {
        let s = scenario::by_name("failover-monotonic").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(20_000_000);
        let nl = number_line(&run);
        assert!(nl.bounds.len() >= 2);
        assert!(
            nl.bounds.windows(2).all(|w| w[0].bound < w[1].bound),
            "bounds only grow"
        );
        let owners: std::collections::BTreeSet<_> = nl.served.iter().map(|r| r.node).collect();
        assert!(owners.len() >= 2, "two leaders served");
        let (_, counter, limit) = nl.leader.expect("a leader serves");
        assert!(counter <= limit);
    }

    #[test]
    fn the_log_filters_by_node_and_type() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(3_000_000);
        let f = LogFilter {
            node: Some(NodeId(2)),
            types: vec!["Prepare"],
            ..Default::default()
        };
        let rows = log_rows(&run, &f, 50);
        assert!(!rows.is_empty());
        let h = run.history();
        for i in rows {
            if let EventKind::Send(id) | EventKind::Deliver(id) = h.events[i].kind {
                let m = &h.messages[id as usize];
                assert_eq!(m.msg.type_name(), "Prepare");
                assert!(m.from == Address::Node(NodeId(2)) || m.to == Address::Node(NodeId(2)));
            }
        }
    }

    #[test]
    fn a_message_marked_for_dropping_is_flagged() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(1_100_000);
        let id = in_flight(&run)[0].id;
        run.act(Action::DropMessage(id)).unwrap();
        assert!(
            in_flight(&run).iter().any(|m| m.id == id && m.doomed)
                || recent_drops(&run, 1_000_000).iter().any(|m| m.id == id)
        );
    }

    #[test]
    fn arrows_cover_a_window_and_stop_at_the_cursor() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(2_000_000);
        let a = arrows(&run, 1_000_000, 5_000_000);
        assert!(!a.is_empty());
        assert!(a.iter().all(|x| x.sent >= 1_000_000 && x.sent <= 2_000_000));
        assert!(
            a.iter().any(|x| x.fate == Fate::InFlight) || a.iter().all(|x| x.arrive <= 2_000_000)
        );
    }

    fn scenario_run(name: &str) -> Run {
        let s = scenario::by_name(name).unwrap();
        Run::new(s.config, s.interventions).unwrap()
    }

    fn first_violation_time(run: &mut Run) -> Time {
        run.seek(30_000_000);
        let (_, v) = run.history().first_violation().expect("the bug is caught");
        v.t
    }

    #[test]
    fn the_violation_picture_appears_only_after_the_cursor_passes_it() {
        let mut run = scenario_run("bug-minority-quorum");
        let t = first_violation_time(&mut run);
        run.seek(t.saturating_sub(1));
        assert_eq!(violation(&run), None, "not yet");
        run.seek(5_000_000.max(t));
        let v = violation(&run).expect("shown after it happened");
        assert_eq!(v.invariant, Invariant::Agreement);
        assert_eq!(v.quorums.len(), 2);
        assert_ne!(v.quorums[0].value, v.quorums[1].value);
        assert!(v.shared.is_empty(), "minority quorums need not meet");
        assert!(v.lines.iter().any(|l| l.contains("share no acceptor")));
        assert!(v.lines[1].starts_with("Quorum A {"), "{:?}", v.lines);
    }

    #[test]
    fn a_forgotten_promise_names_the_acceptor() {
        let mut run = scenario_run("bug-acceptor-forgets");
        first_violation_time(&mut run);
        let v = violation(&run).unwrap();
        assert_eq!(v.invariant, Invariant::PromiseKept);
        let culprit = v.culprit.expect("the acceptor that forgot");
        assert_eq!(Some(&culprit), v.nodes.first());
        assert!(v.lines[0].contains("forgot its promise"));
    }

    #[test]
    fn colliding_timestamps_show_both_ranges_and_the_overlap() {
        let mut run = scenario_run("bug-skip-bound-recovery");
        first_violation_time(&mut run);
        let (_, first) = run.history().first_violation().unwrap();
        let v = violation_view(first, 5);
        match v.invariant {
            Invariant::UniqueTimestamps => {
                assert_eq!(v.ranges.len(), 2);
                assert!(v.lines[2].contains("twice"), "{:?}", v.lines);
            }
            Invariant::RealTimeOrder => assert!(v.lines[1].contains("backwards")),
            other => panic!("unexpected {other:?}"),
        }
        assert!(v.lines.len() >= 2);
    }

    #[test]
    fn node_detail_splits_durable_from_volatile_state() {
        let mut run = scenario_run("leader-crash");
        run.seek(30_000_000);
        let crashes: Vec<NodeId> = run
            .history()
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Crash(n) => Some(n),
                _ => None,
            })
            .collect();
        let crashed = *crashes.first().expect("the scenario crashes the leader");
        let (t, _) = run
            .history()
            .events
            .iter()
            .find_map(|e| matches!(e.kind, EventKind::Crash(_)).then_some((e.t, ())))
            .unwrap();
        run.seek(t + 1_000_000);
        let d = node_detail(&run, crashed, 8).unwrap();
        assert!(!d.up);
        assert_eq!(d.role, Role::Crashed);
        assert!(
            !d.logs[0].is_empty(),
            "its leadership log survives the crash"
        );
        assert_eq!(d.proposers[0].counter, 0, "its counters did not");
        assert!(d.timers.is_empty() && d.store.is_none() && d.service.is_none());
        assert!(d.election.starts_with("Down"));
        // The new leader serves, with a store and a service sentence.
        run.seek(t + 10_000_000);
        let leader = run.world().leader().expect("a successor leads");
        let l = node_detail(&run, leader, 8).unwrap();
        assert!(l.up && l.store.is_some() && l.service.is_some());
        assert!(l.election.starts_with("Leads round"));
        for rows in &l.logs {
            assert!(rows.len() <= 8);
            assert!(rows.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        }
        assert!(l.logs[0][0].learned.is_some());
        assert!(l.timers.windows(2).all(|w| w[0].left <= w[1].left));
        assert_eq!(node_detail(&run, NodeId(9), 8), None);
    }

    #[test]
    fn every_election_state_reads_as_a_sentence() {
        let cfg = ProtocolConfig::classroom(5);
        let l = LeaderId {
            node: NodeId(2),
            incarnation: 0,
        };
        for e in [
            ElectionState::Starting,
            ElectionState::Leading { seq: 3 },
            ElectionState::Checking {
                query: 1,
                seq: 3,
                agree: NodeSet(0b11),
                disagree: NodeSet(0),
            },
            ElectionState::Following {
                leader: l,
                since: 1,
            },
            ElectionState::CatchingUp {
                query: 1,
                from_seq: 2,
                replied: NodeSet(1),
                learned_new: false,
            },
            ElectionState::BackingOff { seen: Some(3) },
            ElectionState::Proposing { seq: 4 },
            ElectionState::AwaitingLearn { seq: 4 },
        ] {
            let w = election_words(&e, &cfg);
            assert!(w.ends_with('.'), "{w}");
        }
        assert!(
            election_words(&ElectionState::BackingOff { seen: Some(3) }, &cfg).contains("round 4")
        );
        assert!(election_words(
            &ElectionState::Following {
                leader: l,
                since: 1
            },
            &cfg
        )
        .contains("every 300 ms"));
        assert_eq!(span(1_500_000), "1.5 s");
    }

    #[test]
    fn a_message_is_in_flight_then_delivered_or_dropped() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(1_100_000);
        let m = in_flight(&run)[0].clone();
        let d = message_detail(&run, m.id).unwrap();
        assert_eq!(
            d.status,
            MsgStatus::InFlight {
                left: m.arrive - run.now()
            }
        );
        assert!(!d.doomed);
        run.seek(m.sent - 1);
        assert_eq!(
            message_detail(&run, m.id).unwrap().status,
            MsgStatus::NotSent
        );
        run.seek(m.arrive);
        let after = message_detail(&run, m.id).unwrap().status;
        assert!(matches!(
            after,
            MsgStatus::Delivered | MsgStatus::Dropped(_)
        ));
        // Dropping it by hand marks it, then drops it.
        run.seek(1_100_000);
        run.act(Action::DropMessage(m.id)).unwrap();
        assert!(message_detail(&run, m.id).unwrap().doomed);
        run.seek(m.arrive + 1);
        assert_eq!(
            message_detail(&run, m.id).unwrap().status,
            MsgStatus::Dropped(DropReason::ByUser)
        );
        assert_eq!(message_detail(&run, u64::MAX), None);
    }

    #[test]
    fn the_summary_names_the_leader_and_counts_messages() {
        let mut run = scenario_run("cold-start-3");
        run.seek(6_000_000);
        let s = cluster_summary(&run);
        let (leader, round) = s.leader.expect("a leader by 6 s");
        assert_eq!(s.nodes[leader.index()].1, Role::Leader);
        assert_eq!(s.nodes[leader.index()].2, Some(round));
        assert_eq!(s.in_flight, in_flight(&run).len());
        let n1 = in_flight(&run)
            .iter()
            .filter(|m| m.from == Address::Node(NodeId(1)) || m.to == Address::Node(NodeId(1)))
            .count();
        assert_eq!(in_flight_count(&run, Some(NodeId(1))), n1);
        assert!(n1 < s.in_flight, "some messages do not involve N1");
        assert!(s.elections >= 1);
        assert!(!s.partitioned);
    }
}

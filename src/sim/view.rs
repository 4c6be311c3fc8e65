//! Read-only views of a run for drawing: nodes with their timers, messages in flight and
//! recently dropped, the timestamp number line, space-time arrows, and the event log.
//!
//! Everything here is computed from the run at its cursor; the UI only turns it into SVG.
//! Keeping it here (not in components) means it is tested natively like the engine.

use super::checker::{Invariant, QuorumVote, ServedRange, Violation};
use super::config::{SimConfig, Time};
use super::history::{DropReason, EventKind, Fate, History, MarkerKind, MessageRecord, MsgId};
use super::run::Run;
use super::units;
use crate::engine::client::LockState;
use crate::engine::election::ElectionState;
use crate::engine::leadership_check::LeadershipCheck;
use crate::engine::locks::LockTable;
use crate::engine::proposer::Proposer;
use crate::engine::timestamp::{BoundStore, Recovery, ServiceOp};
use crate::engine::{
    Address, Ballot, ClientId, LeaderId, LockName, LogId, Msg, NodeId, NodeSet, Observation,
    ProtocolConfig, Role, Seq, TimerKind, Value,
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
    /// For the leader: its lock table (None while its grace period runs).
    pub locks: Option<Vec<(LockName, ClientId)>>,
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
            .into_iter()
            .find_map(|kind| {
                // A direct lookup: nesting iterator chains here once sent LLVM's loop
                // unswitching into a combinatorial blow-up (release builds never finished).
                let (set, fires) = w.timer(n.id, kind)?;
                let total = fires.saturating_sub(set).max(1);
                let left = fires.saturating_sub(now);
                Some(Countdown {
                    kind,
                    remaining: left as f64 / total as f64,
                    left,
                })
            });
            let timestamps = match (n.up, n.v.election, n.v.service.store) {
                (true, ElectionState::Leading { .. }, Some(s)) if s.ready => {
                    Some((s.counter, s.limit()))
                }
                _ => None,
            };
            let leading = n.up && matches!(n.v.election, ElectionState::Leading { .. });
            let locks = (leading && n.v.locks.open)
                .then(|| n.v.locks.held.iter().map(|(&l, h)| (l, h.client)).collect());
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
                locks,
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
    /// Reserved timestamps nobody will ever hand out (a new leader started above them).
    pub skipped: Vec<Skipped>,
    /// Reserved by the highest agreed bound and not handed out yet: the serving leader's
    /// headroom — or, while no leader serves, what the next leader will skip.
    pub pending: Option<Skipped>,
    /// Ranges named by a timestamp violation (given twice, or going backwards), each once,
    /// for red marks.
    pub conflicts: Vec<Conflict>,
}

/// Timestamps reserved under one agreed bound that were never handed out and never will be:
/// a later leader (or store) started counting above them. This gap is the price of never
/// going backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// First skipped timestamp.
    pub first: u64,
    /// Last skipped timestamp.
    pub last: u64,
    /// The timestamp-log sequence whose bound reserved them (None above every bound).
    pub seq: Option<Seq>,
    /// The leader whose store reserved them.
    pub owner: Option<NodeId>,
}

/// A served range that a timestamp invariant names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Which rule it broke.
    pub invariant: Invariant,
    /// The range.
    pub range: ServedRange,
}

/// Gaps below the highest timestamp that is "used up" (handed out, or passed by a leader's
/// counter), split at the bound fences so each gap names the store that reserved it.
/// `served` is in timestamp order and `bounds` in sequence order (as [`number_line`] has them).
fn skipped(bounds: &[BoundMark], served: &[ServedRange], counter: Option<u64>) -> Vec<Skipped> {
    let mut out = Vec::new();
    let mut gap = |a: u64, b: u64| {
        let mut lo = 0u64;
        let fences = bounds
            .iter()
            .map(|f| (f.bound, Some(f.seq), Some(f.owner)))
            .chain(std::iter::once((u64::MAX, None, None)));
        for (hi, seq, owner) in fences {
            if hi <= lo {
                continue; // out of order (only with an injected bug): not a fence
            }
            let (from, to) = (a.max(lo + 1), b.min(hi));
            if from <= to {
                out.push(Skipped {
                    first: from,
                    last: to,
                    seq,
                    owner,
                });
            }
            lo = hi;
            if lo >= b {
                break;
            }
        }
    };
    let mut covered = 0u64;
    for r in served {
        if r.first > covered + 1 {
            gap(covered + 1, r.first - 1);
        }
        covered = covered.max(r.last);
    }
    // A leader's counter at c means everything up to c is behind it (c itself included).
    if let Some(c) = counter.filter(|&c| c > covered) {
        gap(covered + 1, c);
    }
    out
}

/// The timestamp number line at the cursor.
pub fn number_line(run: &Run) -> NumberLine {
    let w = run.world();
    let bounds: Vec<BoundMark> = (0..=w.checker.greatest_seq(LogId::Timestamp).unwrap_or(0))
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
    let conflicts = w
        .checker
        .violations
        .iter()
        .filter(|v| {
            matches!(
                v.invariant,
                Invariant::UniqueTimestamps | Invariant::RealTimeOrder | Invariant::UnderBound
            )
        })
        .flat_map(|v| {
            v.ranges.iter().map(|&range| Conflict {
                invariant: v.invariant,
                range,
            })
        })
        .fold(Vec::<Conflict>::new(), |mut all, c| {
            // One mark per range, even when two rules name it.
            let same = |o: &Conflict| (o.range.node, o.range.first, o.range.last);
            if !all.iter().any(|o| same(o) == same(&c)) {
                all.push(c);
            }
            all
        });
    let max_served = served.iter().map(|r| r.last).max().unwrap_or(0);
    let used = max_served.max(leader.map_or(0, |l| l.1));
    let pending = bounds
        .iter()
        .max_by_key(|b| b.bound)
        .filter(|b| b.bound > used)
        .map(|b| Skipped {
            first: used + 1,
            last: b.bound,
            seq: Some(b.seq),
            owner: Some(b.owner),
        });
    NumberLine {
        skipped: skipped(&bounds, &served, leader.map(|l| l.1)),
        pending,
        bounds,
        max_served,
        served,
        leader,
        conflicts,
    }
}

/// One stretch of the number line's broken axis: the timestamps one agreed bound reserved
/// (or several quiet ones folded together). Every band is drawn the same size, so a buffer
/// of 100 and one of 1,000,000 both read well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// Exclusive lower end (the previous fence).
    pub lo: u64,
    /// Inclusive upper end (this band's fence).
    pub hi: u64,
    /// The timestamp-log sequences folded into this band (None above every bound).
    pub seqs: Option<(Seq, Seq)>,
    /// The store owner, when every folded bound has the same one.
    pub owner: Option<NodeId>,
}

impl Band {
    /// Whether several bounds were folded into this band.
    pub fn folded(&self) -> bool {
        self.seqs.is_some_and(|(a, b)| a != b)
    }
}

/// The bands of the broken axis: one per agreed bound (in sequence order; a bound not above
/// the previous one, possible only with an injected bug, gets no band), except that runs of uneventful bounds
/// outside the last `keep` are folded, and the oldest are folded further until at most
/// `max` bands remain. A band is eventful when it holds a skipped or conflicting range or
/// its owner differs from the previous band's.
pub fn bands(nl: &NumberLine, keep: usize, max: usize) -> Vec<Band> {
    let mut raw: Vec<Band> = Vec::with_capacity(nl.bounds.len() + 1);
    let mut lo = 0u64;
    for m in &nl.bounds {
        if m.bound > lo {
            raw.push(Band {
                lo,
                hi: m.bound,
                seqs: Some((m.seq, m.seq)),
                owner: Some(m.owner),
            });
            lo = m.bound;
        }
    }
    let top = nl
        .max_served
        .max(nl.leader.map_or(0, |l| l.1))
        .max(nl.conflicts.iter().map(|c| c.range.last).max().unwrap_or(0));
    if top > lo {
        raw.push(Band {
            lo,
            hi: top,
            seqs: None,
            owner: None,
        });
    }
    let n = raw.len();
    let eventful = |i: usize, b: &Band| {
        i + keep >= n
            || (i > 0 && raw[i - 1].owner != b.owner)
            || nl.skipped.iter().any(|s| s.first <= b.hi && s.last > b.lo)
            || nl
                .conflicts
                .iter()
                .any(|c| c.range.first <= b.hi && c.range.last > b.lo)
    };
    let mut out: Vec<Band> = Vec::new();
    let mut quiet_run = 0usize;
    for (i, b) in raw.iter().enumerate() {
        let quiet = !eventful(i, b);
        match out.last_mut() {
            Some(prev) if quiet && quiet_run > 0 => fold(prev, b),
            _ => out.push(*b),
        }
        quiet_run = if quiet { quiet_run + 1 } else { 0 };
    }
    while out.len() > max.max(2) {
        let second = out.remove(1);
        fold(&mut out[0], &second);
    }
    out
}

fn fold(into: &mut Band, next: &Band) {
    into.hi = next.hi;
    into.seqs = match (into.seqs, next.seqs) {
        (Some((a, _)), Some((_, b))) => Some((a, b)),
        (a, None) => a,
        (None, b) => b,
    };
    if into.owner != next.owner {
        into.owner = None;
    }
}

/// Where timestamp `v` sits on the broken axis, in band heights from the top (0 at the
/// start, `bands.len()` at the end). Timestamp t occupies (t−1, t], so a range [a, b] spans
/// `position(a − 1)` to `position(b)`.
pub fn position(bands: &[Band], v: u64) -> f64 {
    let i = bands.partition_point(|b| b.hi < v);
    match bands.get(i) {
        None => bands.len() as f64,
        Some(b) if v <= b.lo => i as f64,
        Some(b) => i as f64 + (v - b.lo) as f64 / (b.hi - b.lo) as f64,
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
    /// A copy the network made (drawn dashed).
    pub dup: bool,
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
            dup: m.dup_of.is_some(),
        })
        .collect()
}

/// How much virtual time the space-time diagram shows by default: fourteen of the slowest
/// message delays (about 2 s in the classroom preset, 70 ms on AtlasDB's datacenter network).
pub fn spacetime_window(cfg: &SimConfig) -> Time {
    (cfg.network.latency_max * 14).clamp(40_000, 5_000_000)
}

/// A mark on a node's lane (or across all lanes when `node` is None).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneMark {
    /// When.
    pub t: Time,
    /// The recorded event (to seek to it and describe it).
    pub event: usize,
    /// Which lane; None for cluster-wide events (partitions, violations).
    pub node: Option<NodeId>,
    /// What kind of mark.
    pub kind: MarkerKind,
}

/// Leader changes, proposals, crashes, restarts, interventions and violations from `from`
/// up to the cursor, for the space-time diagram's lanes.
pub fn lane_marks(run: &Run, from: Time) -> Vec<LaneMark> {
    let h = run.history();
    let end = run.cursor_event();
    let start = h.markers.partition_point(|m| m.t < from);
    h.markers[start..]
        .iter()
        .take_while(|m| m.event < end)
        .map(|m| {
            let node = match &h.events[m.event].kind {
                EventKind::Crash(node) | EventKind::Restart(node, _) => Some(*node),
                EventKind::Observed(Address::Node(node), _) => Some(*node),
                _ => None,
            };
            LaneMark {
                t: m.t,
                event: m.event,
                node,
                kind: m.kind,
            }
        })
        .collect()
}

/// The stretches of [from, cursor] during which each node was down, for dashed lanes.
pub fn down_intervals(run: &Run, from: Time) -> Vec<(NodeId, Time, Time)> {
    let w = run.world();
    let h = run.history();
    let end = run.cursor_event();
    let start = h.markers.partition_point(|m| m.t < from);
    let marks = &h.markers[start..];
    let mut out = Vec::new();
    for n in &w.nodes {
        let mut down_until = (!n.up).then_some(w.now);
        for m in marks.iter().rev().filter(|m| m.event < end) {
            match h.events[m.event].kind {
                EventKind::Restart(x, _) if x == n.id => down_until = Some(m.t),
                EventKind::Crash(x) if x == n.id => {
                    if let Some(until) = down_until.take() {
                        out.push((n.id, m.t, until));
                    }
                }
                _ => {}
            }
        }
        if let Some(until) = down_until {
            out.push((n.id, from, until));
        }
    }
    out
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
        EventKind::Crash(x) | EventKind::Restart(x, _) => *x == n,
        EventKind::Violation(v) => v.nodes.contains(&n),
        EventKind::Observed(at, o) => match (*at, &**o) {
            (Address::Node(x), _) => x == n,
            // A grant concerns the server that made it.
            (_, Observation::ClientGranted { from, .. }) => *from == a,
            (_, Observation::ClientLocked { token, .. }) => token.leader.node == n,
            // A client's wish names no node.
            _ => false,
        },
        // What you did concerns everyone.
        EventKind::Intervene(_) => true,
        _ => false,
    }
}

/// A page of the event log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    /// Indices of the events shown, oldest first.
    pub rows: Vec<usize>,
    /// Earlier events exist that were not looked at (offer "show earlier").
    pub more: bool,
}

/// Like [`log_rows`], but looks at no more than `max_scan` events, so a filter that matches
/// rarely cannot make a long run's log slow.
pub fn log_page(run: &Run, filter: &LogFilter, limit: usize, max_scan: usize) -> LogPage {
    let h = run.history();
    let end = run.cursor_event();
    let stop = end.saturating_sub(max_scan);
    let mut rows = Vec::with_capacity(limit.min(1024));
    let mut i = end;
    while i > stop && rows.len() < limit {
        i -= 1;
        if filter.accepts(&h.events[i].kind, h) {
            rows.push(i);
        }
    }
    rows.reverse();
    LogPage { rows, more: i > 0 }
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
            lines.push(format!("The servers hold two different values at {at}."));
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
        Invariant::LearnedChosen
            if v.quorums
                .first()
                .is_some_and(|q| q.acceptors.len() < majority) =>
        {
            let q = v.quorums[0];
            culprit = v.nodes.first().copied();
            lines.push(format!(
                "{} learned a value no majority accepted at {at}.",
                culprit.map_or("A node".into(), |n| n.to_string())
            ));
            lines.push(format!(
                "Only {} accepted {} ({} of {nodes}); a majority is {majority}.",
                q.acceptors,
                super::explain::value(&q.value),
                q.acceptors.len()
            ));
            if let Some(c) = v.quorums.get(1) {
                lines.push(format!(
                    "The majority {} chose {} there.",
                    c.acceptors,
                    super::explain::value(&c.value)
                ));
            }
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
    /// Volatile, while leading: this term's lock table.
    pub locks: Option<LockTable>,
}

/// The lock each client holds, as the client sees it (None: none, or not a lock client).
pub fn client_locks(run: &Run) -> Vec<Option<LockName>> {
    run.world()
        .clients
        .iter()
        .map(|c| match c.lock {
            LockState::Holding { lock, .. } => Some(lock),
            _ => None,
        })
        .collect()
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
        locks: leading.then(|| n.v.locks.clone()),
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
        ElectionState::Checking(LeadershipCheck {
            seq,
            agree,
            disagree,
            ..
        }) => format!(
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
        ServiceOp::Checking(LeadershipCheck {
            seq,
            agree,
            disagree,
            ..
        }) => format!(
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

    fn bound(seq: Seq, bound: u64, owner: u8) -> BoundMark {
        BoundMark {
            seq,
            bound,
            owner: NodeId(owner),
        }
    }

    fn range(node: u8, first: u64, last: u64) -> ServedRange {
        ServedRange {
            node: NodeId(node),
            first,
            last,
            t: 0,
        }
    }

    #[test]
    fn unused_reservations_are_skipped_and_named_by_their_store() {
        let bounds = [bound(0, 110, 3), bound(1, 220, 3), bound(2, 330, 2)];
        let served = [range(3, 1, 190), range(2, 331, 340)];
        assert_eq!(
            skipped(&bounds, &served, Some(340)),
            vec![
                Skipped {
                    first: 191,
                    last: 220,
                    seq: Some(1),
                    owner: Some(NodeId(3))
                },
                Skipped {
                    first: 221,
                    last: 330,
                    seq: Some(2),
                    owner: Some(NodeId(2))
                },
            ]
        );
        // A new leader that recovered the bound 220 has skipped 191–220 before serving.
        let early = skipped(&bounds[..2], &served[..1], Some(220));
        assert_eq!(early.len(), 1);
        assert_eq!((early[0].first, early[0].last), (191, 220));
        // Nothing is skipped while one leader serves contiguously.
        assert!(skipped(&bounds, &[range(3, 1, 150)], Some(150)).is_empty());
        assert!(skipped(&bounds, &[], Some(0)).is_empty());
    }

    #[test]
    fn failover_skips_the_old_leaders_unused_reservation() {
        let s = scenario::by_name("failover-monotonic").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(20_000_000);
        let nl = number_line(&run);
        let (old, new) = (nl.served[0], nl.served[1]);
        assert_ne!(old.node, new.node);
        assert_eq!(nl.skipped.len(), 1, "{:?}", nl.skipped);
        let gap = nl.skipped[0];
        assert_eq!(gap.first, old.last + 1);
        assert_eq!(
            gap.last + 1,
            new.first,
            "the new leader starts right above the gap"
        );
        assert_eq!(gap.owner, Some(old.node), "reserved by the old leader");
        assert!(
            nl.bounds
                .iter()
                .any(|b| b.bound == gap.last && Some(b.seq) == gap.seq),
            "the gap ends at an agreed bound"
        );
        assert!(nl.conflicts.is_empty());
        let (leader, counter, limit) = nl.leader.unwrap();
        let p = nl.pending.expect("the leader's headroom");
        assert_eq!(
            (p.first, p.last, p.owner),
            (counter + 1, limit, Some(leader))
        );

        // Between the crash and the next leader: the old reservation is pending, not skipped.
        run.seek(9_800_000);
        let nl = number_line(&run);
        assert!(nl.leader.is_none() && nl.skipped.is_empty());
        let p = nl.pending.expect("the crashed leader's reservation");
        assert_eq!((p.first, p.last, p.owner), (gap.first, gap.last, gap.owner));
    }

    #[test]
    fn timestamp_violations_name_their_ranges() {
        let s = scenario::by_name("bug-skip-bound-recovery").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(s.duration);
        let nl = number_line(&run);
        assert!(nl
            .conflicts
            .iter()
            .any(|c| c.invariant == Invariant::UniqueTimestamps));
        for (i, a) in nl.conflicts.iter().enumerate() {
            assert!(
                nl.conflicts[..i]
                    .iter()
                    .all(|b| (b.range.node, b.range.first, b.range.last)
                        != (a.range.node, a.range.first, a.range.last)),
                "each range once"
            );
        }
        let b = bands(&nl, 6, 12);
        for c in &nl.conflicts {
            assert!(position(&b, c.range.last) <= b.len() as f64);
        }
    }

    #[test]
    fn the_broken_axis_folds_quiet_bounds_and_keeps_the_failover() {
        let mut bounds: Vec<BoundMark> = (0..20).map(|i| bound(i, 100 * (i + 1), 5)).collect();
        bounds.extend((20..30).map(|i| bound(i, 100 * (i + 1), 5)));
        bounds[10].owner = NodeId(2); // a brief other leader at sequence 10
        let nl = NumberLine {
            served: vec![range(5, 1, 2_950)],
            max_served: 2_950,
            leader: Some((NodeId(5), 2_950, 3_000)),
            skipped: vec![],
            pending: None,
            conflicts: vec![],
            bounds,
        };
        let b = bands(&nl, 3, 12);
        assert!(b.len() <= 12 && b.len() >= 5, "{b:?}");
        assert_eq!(b[0].lo, 0);
        assert_eq!(b.last().unwrap().hi, 3_000);
        assert!(b.windows(2).all(|w| w[0].hi == w[1].lo), "contiguous");
        assert!(
            b.iter().any(|x| x.seqs == Some((10, 10))),
            "owner change kept"
        );
        assert!(b.iter().any(|x| x.folded()));
        assert_eq!(b[b.len() - 3..].iter().filter(|x| !x.folded()).count(), 3);
        assert_eq!(position(&b, 0), 0.0);
        assert_eq!(position(&b, 3_000), b.len() as f64);
        assert_eq!(position(&b, 9_999), b.len() as f64);
        let mut last = 0.0;
        for v in (0..=3_000).step_by(7) {
            let p = position(&b, v);
            assert!(p >= last, "monotonic at {v}");
            last = p;
        }
        // A tight limit folds the oldest bands.
        assert_eq!(bands(&nl, 3, 4).len(), 4);
    }

    #[test]
    fn the_space_time_window_follows_the_network() {
        assert_eq!(spacetime_window(&SimConfig::classroom(1)), 1_960_000);
        let atlas = SimConfig::preset(crate::sim::Preset::AtlasDb, 5, 1);
        assert_eq!(spacetime_window(&atlas), 70_000);
    }

    #[test]
    fn lanes_show_the_crash_the_downtime_and_the_new_leader() {
        let s = scenario::by_name("leader-crash").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(7_900_000);
        let old = run.world().leader().expect("a leader before the crash");
        run.seek(14_000_000);
        let marks = lane_marks(&run, 7_000_000);
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkerKind::Intervention && m.node == Some(old)));
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkerKind::LeaderChange && m.node.is_some_and(|n| n != old)));
        assert!(marks.iter().all(|m| m.t >= 7_000_000 && m.t <= 14_000_000));
        let down = down_intervals(&run, 7_000_000);
        assert_eq!(down.len(), 1, "{down:?}");
        let (n, from, until) = down[0];
        assert_eq!(n, old);
        assert!(from >= 8_000_000 && until == 14_000_000);
    }

    #[test]
    fn a_log_page_stops_looking_after_max_scan_events() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(5_000_000);
        let end = run.cursor_event();
        let all = log_page(&run, &LogFilter::default(), 50, usize::MAX);
        assert_eq!(all.rows.len(), 50);
        assert_eq!(*all.rows.last().unwrap(), end - 1);
        assert!(all.more);
        let rare = LogFilter {
            types: vec!["Accepted"],
            hide_sends: true,
            ..Default::default()
        };
        let page = log_page(&run, &rare, 50, 100);
        assert!(page.rows.iter().all(|&i| i >= end - 100));
        assert!(page.more, "earlier events were not looked at");
        // A node filter hides client wishes (they name no node) but keeps what you did.
        let s = scenario::by_name("leader-crash").unwrap();
        let mut busy = Run::new(s.config, s.interventions).unwrap();
        busy.seek(9_000_000);
        let n2 = LogFilter {
            node: Some(NodeId(2)),
            ..Default::default()
        };
        let h = busy.history();
        let rows = log_page(&busy, &n2, 100_000, usize::MAX).rows;
        assert!(rows.iter().all(|&i| !matches!(
            h.events[i].kind.observed(),
            Some((_, Observation::ClientStarted { .. }))
        )));
        let whole = log_page(&run, &rare, 10_000, usize::MAX);
        assert!(!whole.more);
        assert_eq!(whole.rows, log_rows(&run, &rare, 10_000));
    }

    #[test]
    fn arrows_cover_a_window_and_stop_at_the_cursor() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(2_000_000);
        let a = arrows(&run, 1_000_000, 5_000_000);
        assert!(!a.is_empty());
        assert!(a.iter().all(|x| x.sent >= 1_000_000 && x.sent <= 2_000_000));
        // Nothing from after the cursor, and the fate is as known at the cursor: what arrives
        // later is still travelling, what arrived was delivered or dropped.
        assert!(a.iter().all(|x| x.from != x.to), "no local calls");
        for x in &a {
            assert_eq!(x.arrive > 2_000_000, x.fate == Fate::InFlight, "{x:?}");
        }
        assert!(
            a.iter().any(|x| x.fate == Fate::InFlight),
            "some still travel at 2 s"
        );
        assert!(
            a.iter().any(|x| x.fate == Fate::Delivered),
            "some have arrived"
        );
        // The same window seen from later: those messages have arrived since.
        run.seek(3_000_000);
        let later = arrows(&run, 1_000_000, 2_000_000);
        assert!(later
            .iter()
            .all(|x| x.fate != Fate::InFlight || x.arrive > 3_000_000));
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
        // Two of five acceptors took the value: the checker's majority is three.
        assert_eq!(v.invariant, Invariant::LearnedChosen);
        assert_eq!(v.quorums[0].acceptors.len(), 2);
        assert!(v.lines[1].contains("a majority is 3"), "{:?}", v.lines);
        // The agreement violation that follows outlines the two disjoint quorums.
        run.seek(30_000_000);
        let agreement = run
            .world()
            .checker
            .violations
            .iter()
            .find(|v| v.invariant == Invariant::Agreement)
            .expect("the other side learns a different leader");
        let v = violation_view(agreement, 5);
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
            ElectionState::Checking(LeadershipCheck {
                agree: NodeSet(0b11),
                ..LeadershipCheck::new(1, 3)
            }),
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
        let all = in_flight_count(&run, None);
        assert_eq!(all, in_flight(&run).len());
        let n1 = in_flight(&run)
            .iter()
            .filter(|m| m.from == Address::Node(NodeId(1)) || m.to == Address::Node(NodeId(1)))
            .count();
        assert_eq!(in_flight_count(&run, Some(NodeId(1))), n1);
        assert!(n1 < all, "some messages do not involve N1");
        assert!(s.elections >= 1);
        assert!(!s.partitioned);
    }
}

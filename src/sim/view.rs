//! Read-only views of a run for drawing: nodes with their timers, messages in flight and
//! recently dropped, the timestamp number line, space-time arrows, and the event log.
//!
//! Everything here is computed from the run at its cursor; the UI only turns it into SVG.
//! Keeping it here (not in components) means it is tested natively like the engine.

use super::checker::ServedRange;
use super::config::Time;
use super::history::{DropReason, EventKind, Fate, History, MessageRecord, MsgId};
use super::run::Run;
use crate::engine::election::ElectionState;
use crate::engine::{Address, LeaderId, LogId, Msg, NodeId, Role, Seq, TimerKind, Value};

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
}

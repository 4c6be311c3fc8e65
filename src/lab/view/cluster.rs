//! The cluster picture: nodes with their roles and draining timers, messages in flight and
//! those just dropped.

use super::inspector::client_locks;
use super::violation::{violation, ViolationView};
use crate::engine::election::ElectionState;
use crate::engine::{Address, ClientId, LeaderId, LockName, Msg, NodeId, Role, Seq, TimerKind};
use crate::sim::config::Time;
use crate::sim::history::{DropReason, Fate, MessageRecord, MsgId};
use crate::sim::run::Run;

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

/// Everything one cluster picture shows, computed from a run at its cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Nodes with roles and countdowns.
    pub nodes: Vec<NodeView>,
    /// Messages in flight and recently dropped.
    pub messages: Vec<MessageView>,
    /// Number of clients (drawn under the ring).
    pub clients: usize,
    /// The lock each client holds, by its own account.
    pub held: Vec<Option<LockName>>,
    /// Node pairs that cannot talk (partition).
    pub cut: Vec<(NodeId, NodeId)>,
    /// The first safety violation, once the cursor is past it.
    pub violation: Option<ViolationView>,
}

impl Scene {
    /// The scene of `run` at its cursor.
    pub fn of(run: &Run) -> Scene {
        let nodes = nodes(run);
        let mut messages = in_flight(run);
        messages.extend(recent_drops(run, 600_000));
        let w = run.world();
        let n = nodes.len();
        let mut cut = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (NodeId::from_index(i), NodeId::from_index(j));
                if !w.connected(a, b) {
                    cut.push((a, b));
                }
            }
        }
        Scene {
            nodes,
            messages,
            clients: w.clients.len(),
            held: client_locks(run),
            cut,
            violation: violation(run),
        }
    }
}

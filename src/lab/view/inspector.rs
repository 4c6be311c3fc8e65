//! The inspector: one node's durable logs, timers and roles, or one message's fate, in words.

use super::*;
use crate::engine::client::LockState;
use crate::engine::election::ElectionState;
use crate::engine::leadership_check::LeadershipCheck;
use crate::engine::locks::LockTable;
use crate::engine::proposer::Proposer;
use crate::engine::timestamp::{BoundStore, Recovery, ServiceOp};
use crate::engine::{
    Ballot, LeaderId, LockName, LogId, NodeId, ProtocolConfig, Role, Seq, TimerKind, Value,
};
use crate::sim::config::Time;
use crate::sim::history::{DropReason, Fate, MessageRecord, MsgId};
use crate::sim::run::Run;

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
                crate::lab::explain::slot(LogId::Timestamp, seq)
            ),
            Recovery::Forcing { seq, bound, .. } => format!(
                "Recovering the bound: proposing again at {} (bound {bound} unless one was \
                 accepted) so whatever was chosen is learned.",
                crate::lab::explain::slot(LogId::Timestamp, seq)
            ),
        },
        ServiceOp::Extending {
            seq,
            target,
            running,
        } => format!(
            "Extending the bound to {target} at {}{}.",
            crate::lab::explain::slot(LogId::Timestamp, seq),
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

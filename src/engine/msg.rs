//! Everything that crosses the (simulated) network. Each variant mirrors an AtlasDB endpoint:
//! acceptor `prepare`/`accept`/`latest-sequence`, learner `learn`/`learned-values-since`,
//! leader `ping`, and the timestamp service's `fresh-timestamps`.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::types::{Ballot, LeaderId, LockName, LockToken, LogId, NodeId, Seq, Value};

/// Correlates a reply with the request that asked for it, so late replies to an abandoned
/// query are recognised and ignored.
pub type QueryId = u64;

/// Identifies one logical client request (kept across retries and redirects).
pub type RequestId = u64;

/// Which phase a Nack rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Phase 1 (prepare).
    Prepare,
    /// Phase 2 (accept).
    Accept,
}

/// How a lock-service call ended, from the server's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockResult {
    /// The lock is yours (again, if you already held it this term).
    Granted {
        /// Show it when refreshing or unlocking.
        token: LockToken,
    },
    /// Your hold is extended.
    Refreshed,
    /// Someone else holds it; try later.
    Busy,
    /// This term's lock service does not know that token: your lock is gone.
    Unknown,
    /// Released.
    Unlocked,
    /// A new leader's lock service does not grant yet: locks granted in earlier terms may still
    /// be held until their leases run out.
    Wait,
    /// This node does not lead; `hint` is who it believes does.
    NotLeader {
        /// The believed leader, if any.
        hint: Option<NodeId>,
    },
}

/// How a timestamp request ended, from the server's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampResult {
    /// The inclusive range handed out.
    Granted {
        /// First timestamp.
        first: u64,
        /// Last timestamp.
        last: u64,
    },
    /// This node does not lead; `hint` is who it believes does.
    NotLeader {
        /// The believed leader, if any.
        hint: Option<NodeId>,
    },
    /// The node led but could not serve (lost its bound store, no quorum).
    Unavailable,
}

/// A protocol message. In JSON: `{"type": "Prepare", "log": "leadership", "seq": 0, …}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Phase 1a: "promise not to accept anything below `ballot` at (log, seq)".
    Prepare {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The proposal number.
        ballot: Ballot,
    },
    /// Phase 1b: the promise, with whatever this acceptor accepted before.
    Promise {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The ballot promised.
        ballot: Ballot,
        /// The acceptor's earlier acceptance, which the proposer must adopt if highest.
        accepted: Option<(Ballot, Value)>,
    },
    /// A rejection of a prepare or accept, carrying the higher ballot already promised.
    Nack {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The rejected ballot.
        ballot: Ballot,
        /// The promise that outranks it.
        promised: Ballot,
        /// Which phase was rejected.
        phase: Phase,
    },
    /// Phase 2a: "accept `value` at `ballot`".
    Accept {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The proposal number.
        ballot: Ballot,
        /// The proposed value (possibly adopted from a promise).
        value: Value,
    },
    /// Phase 2b: the acceptor accepted.
    Accepted {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The accepted ballot.
        ballot: Ballot,
        /// The accepted value.
        value: Value,
    },
    /// A proposer tells learners what was chosen. Fire-and-forget: it may be lost.
    Learn {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// The ballot that got a quorum.
        ballot: Ballot,
        /// The chosen value.
        value: Value,
    },
    /// Learner catch-up: "send me every value you learned from `from_seq` on".
    CatchUp {
        /// Which log.
        log: LogId,
        /// First sequence wanted.
        from_seq: Seq,
        /// Correlation.
        query: QueryId,
    },
    /// Reply to [`Msg::CatchUp`].
    CatchUpReply {
        /// Which log.
        log: LogId,
        /// Correlation.
        query: QueryId,
        /// Learned values, by sequence.
        values: Rc<[(Seq, Value)]>,
    },
    /// Follower asks the believed leader "are you still leading as `leader`?".
    Ping {
        /// The identity the follower believes leads.
        leader: LeaderId,
        /// Correlation.
        query: QueryId,
    },
    /// Answered from local state only: no quorum check (AtlasDB issue #2596).
    PingReply {
        /// Correlation.
        query: QueryId,
        /// True iff the receiver is `leader` and its greatest learned value names it.
        is_leader: bool,
        /// The receiver's greatest learned leadership round: lets a follower that already
        /// knows a newer round tell "not leader" from "has not heard yet".
        round: Option<Seq>,
    },
    /// "What is the latest sequence you have prepared or accepted in `log`?"
    LatestSeq {
        /// Which log.
        log: LogId,
        /// Correlation.
        query: QueryId,
    },
    /// Reply to [`Msg::LatestSeq`].
    LatestSeqReply {
        /// Which log.
        log: LogId,
        /// Correlation.
        query: QueryId,
        /// None if the acceptor has no state at all for this log.
        seq: Option<Seq>,
        /// The acceptor's latest timestamp-log sequence, reported with every answer: the
        /// leader's per-request check uses it to make sure no other store has moved the bound
        /// past the one it serves under (see [`crate::engine::timestamp`]).
        bound_seq: Option<Seq>,
    },
    /// "Do you know the value learned at (log, seq)?" (bound recovery).
    LearnedQuery {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// Correlation.
        query: QueryId,
    },
    /// Reply to [`Msg::LearnedQuery`].
    LearnedReply {
        /// Which log.
        log: LogId,
        /// Which instance.
        seq: Seq,
        /// Correlation.
        query: QueryId,
        /// The learned value, if any.
        value: Option<Value>,
    },
    /// A client asks for `count` fresh timestamps.
    TimestampRequest {
        /// The client's request id.
        request: RequestId,
        /// How many timestamps.
        count: u64,
    },
    /// The server's answer.
    TimestampReply {
        /// The client's request id.
        request: RequestId,
        /// What happened.
        result: TimestampResult,
    },
    /// A lock client asks the leader for a lock.
    LockRequest {
        /// The client's request id.
        request: RequestId,
        /// Which lock.
        lock: LockName,
    },
    /// A lock client extends its hold before its lease runs out.
    LockRefresh {
        /// The client's request id.
        request: RequestId,
        /// Which lock.
        lock: LockName,
        /// The token it was granted.
        token: LockToken,
    },
    /// A lock client releases a lock.
    Unlock {
        /// The client's request id.
        request: RequestId,
        /// Which lock.
        lock: LockName,
        /// The token it was granted.
        token: LockToken,
    },
    /// The leader's answer to a lock call.
    LockReply {
        /// The client's request id.
        request: RequestId,
        /// Which lock.
        lock: LockName,
        /// What happened.
        result: LockResult,
    },
    /// Not a protocol message: the network telling a caller that its leader-election call or
    /// ping reached a crashed process (`refused-connections` quirk — AtlasDB's non-retrying
    /// channels fail at once where a partitioned peer would time out).
    ConnectionRefused {
        /// The call that could not connect.
        request: Box<Msg>,
    },
}

impl Msg {
    /// The position of a type name in [`Msg::TYPE_NAMES`]: how filters name a message type.
    pub fn type_of_name(name: &str) -> Option<u8> {
        Msg::TYPE_NAMES
            .iter()
            .position(|&n| n == name)
            .and_then(|i| u8::try_from(i).ok())
    }

    /// Position of the type in [`Msg::TYPE_NAMES`] (for per-type counters).
    pub fn type_index(&self) -> usize {
        match self {
            Msg::Prepare { .. } => 0,
            Msg::Promise { .. } => 1,
            Msg::Nack { .. } => 2,
            Msg::Accept { .. } => 3,
            Msg::Accepted { .. } => 4,
            Msg::Learn { .. } => 5,
            Msg::CatchUp { .. } => 6,
            Msg::CatchUpReply { .. } => 7,
            Msg::Ping { .. } => 8,
            Msg::PingReply { .. } => 9,
            Msg::LatestSeq { .. } => 10,
            Msg::LatestSeqReply { .. } => 11,
            Msg::LearnedQuery { .. } => 12,
            Msg::LearnedReply { .. } => 13,
            Msg::TimestampRequest { .. } => 14,
            Msg::TimestampReply { .. } => 15,
            Msg::ConnectionRefused { .. } => 16,
            Msg::LockRequest { .. } => 17,
            Msg::LockRefresh { .. } => 18,
            Msg::Unlock { .. } => 19,
            Msg::LockReply { .. } => 20,
        }
    }

    /// The type name used in traces, filters and labels.
    pub fn type_name(&self) -> &'static str {
        Msg::TYPE_NAMES[self.type_index()]
    }

    /// The Paxos log this message is about, if any.
    pub fn log(&self) -> Option<LogId> {
        match self {
            Msg::Prepare { log, .. }
            | Msg::Promise { log, .. }
            | Msg::Nack { log, .. }
            | Msg::Accept { log, .. }
            | Msg::Accepted { log, .. }
            | Msg::Learn { log, .. }
            | Msg::CatchUp { log, .. }
            | Msg::CatchUpReply { log, .. }
            | Msg::LatestSeq { log, .. }
            | Msg::LatestSeqReply { log, .. }
            | Msg::LearnedQuery { log, .. }
            | Msg::LearnedReply { log, .. } => Some(*log),
            _ => None,
        }
    }

    /// The ballot a Paxos message carries; the UI colours a message by the ballot's owner.
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Msg::Prepare { ballot, .. }
            | Msg::Promise { ballot, .. }
            | Msg::Nack { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. }
            | Msg::Learn { ballot, .. } => Some(*ballot),
            _ => None,
        }
    }

    /// The sequence a Paxos message is about.
    pub fn seq(&self) -> Option<Seq> {
        match self {
            Msg::Prepare { seq, .. }
            | Msg::Promise { seq, .. }
            | Msg::Nack { seq, .. }
            | Msg::Accept { seq, .. }
            | Msg::Accepted { seq, .. }
            | Msg::Learn { seq, .. }
            | Msg::LearnedQuery { seq, .. }
            | Msg::LearnedReply { seq, .. } => Some(*seq),
            _ => None,
        }
    }

    /// Every message type name, for filters and the glossary.
    pub const TYPE_NAMES: [&'static str; 21] = [
        "Prepare",
        "Promise",
        "Nack",
        "Accept",
        "Accepted",
        "Learn",
        "CatchUp",
        "CatchUpReply",
        "Ping",
        "PingReply",
        "LatestSeq",
        "LatestSeqReply",
        "LearnedQuery",
        "LearnedReply",
        "TimestampRequest",
        "TimestampReply",
        "ConnectionRefused",
        "LockRequest",
        "LockRefresh",
        "Unlock",
        "LockReply",
    ];

    /// Whether the call travels on one of AtlasDB's non-retrying channels (leader-election
    /// acceptors and pings), where a crashed peer refuses the connection at once.
    pub fn fails_fast(&self) -> bool {
        matches!(
            self,
            Msg::Prepare {
                log: LogId::Leadership,
                ..
            } | Msg::Accept {
                log: LogId::Leadership,
                ..
            } | Msg::LatestSeq {
                log: LogId::Leadership,
                ..
            } | Msg::Ping { .. }
        )
    }
}

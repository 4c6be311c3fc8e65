//! What a handler asks the world to do. The engine never sends, sleeps or draws a random
//! number itself: it appends [`Command`]s here and the simulator (or any other driver)
//! carries them out — the stateright `Out` pattern.

use serde::{Deserialize, Serialize};

use super::config::{Delay, Micros};
use super::msg::{Msg, Phase, RequestId};
use super::types::{Address, Ballot, ClientId, LockName, LockToken, LogId, Seq, Value};

/// Named timers. A node has at most one pending timer of each kind; setting one again
/// replaces it, so a stale firing can never be confused with the current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimerKind {
    /// Follower sleeps between successful pings.
    PingInterval,
    /// The believed leader did not answer the ping in time.
    PingTimeout,
    /// Learner catch-up gave up waiting for a quorum.
    CatchUpTimeout,
    /// The random wait before proposing leadership.
    Backoff,
    /// The "am I still leader" check of the election loop got no quorum in time.
    ElectionCheckTimeout,
    /// A leadership proposal attempt got no quorum in time.
    LeadershipProposalTimeout,
    /// A timestamp-bound proposal attempt got no quorum in time.
    TimestampProposalTimeout,
    /// The per-request leadership check got no quorum in time.
    ServiceCheckTimeout,
    /// Pause before retrying a per-request check that had no quorum.
    ServiceCheckRetry,
    /// Bound recovery got no quorum in time.
    RecoveryTimeout,
    /// Pause before retrying a failed bound round at the same sequence.
    BoundRetry,
    /// Re-send outstanding quorum requests to peers that have not answered.
    Resend,
    /// A client's pause before its next request.
    ClientNext,
    /// A client gave up waiting for a reply.
    ClientTimeout,
    /// A new leader's lock service may grant from now on (earlier terms' leases are over).
    LockGrace,
    /// A lock client refreshes its hold.
    ClientRefresh,
    /// A lock client's lease may have run out.
    ClientLease,
}

impl TimerKind {
    /// Number of kinds, for per-node timer tables.
    pub const COUNT: usize = 17;

    /// Every kind, in table order.
    pub const ALL: [TimerKind; TimerKind::COUNT] = [
        TimerKind::PingInterval,
        TimerKind::PingTimeout,
        TimerKind::CatchUpTimeout,
        TimerKind::Backoff,
        TimerKind::ElectionCheckTimeout,
        TimerKind::LeadershipProposalTimeout,
        TimerKind::TimestampProposalTimeout,
        TimerKind::ServiceCheckTimeout,
        TimerKind::ServiceCheckRetry,
        TimerKind::RecoveryTimeout,
        TimerKind::BoundRetry,
        TimerKind::Resend,
        TimerKind::ClientNext,
        TimerKind::ClientTimeout,
        TimerKind::LockGrace,
        TimerKind::ClientRefresh,
        TimerKind::ClientLease,
    ];

    /// Table position.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The proposal timeout for a log.
    pub fn proposal_timeout(log: LogId) -> TimerKind {
        match log {
            LogId::Leadership => TimerKind::LeadershipProposalTimeout,
            LogId::Timestamp => TimerKind::TimestampProposalTimeout,
        }
    }

    /// Name for traces and the inspector.
    pub fn name(self) -> &'static str {
        match self {
            TimerKind::PingInterval => "ping-interval",
            TimerKind::PingTimeout => "ping-timeout",
            TimerKind::CatchUpTimeout => "catch-up-timeout",
            TimerKind::Backoff => "backoff",
            TimerKind::ElectionCheckTimeout => "election-check-timeout",
            TimerKind::LeadershipProposalTimeout => "leadership-proposal-timeout",
            TimerKind::TimestampProposalTimeout => "timestamp-proposal-timeout",
            TimerKind::ServiceCheckTimeout => "service-check-timeout",
            TimerKind::ServiceCheckRetry => "service-check-retry",
            TimerKind::RecoveryTimeout => "recovery-timeout",
            TimerKind::BoundRetry => "bound-retry",
            TimerKind::Resend => "resend",
            TimerKind::ClientNext => "client-next",
            TimerKind::ClientTimeout => "client-timeout",
            TimerKind::LockGrace => "lock-grace",
            TimerKind::ClientRefresh => "client-refresh",
            TimerKind::ClientLease => "client-lease",
        }
    }
}

/// Why a proposal attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum FailReason {
    /// So many acceptors refused that a quorum became impossible; `promised` is the highest
    /// ballot they reported — the rival that pre-empted us.
    Nacked {
        /// Highest promised ballot seen.
        promised: Ballot,
        /// Phase that was refused.
        phase: Phase,
    },
    /// Too few replies before the quorum timeout.
    Timeout {
        /// Phase that timed out.
        phase: Phase,
    },
    /// So many acceptors refused the connection (`refused-connections` quirk) that a quorum
    /// became impossible, and none of those that answered refused.
    Unreachable {
        /// Phase that failed.
        phase: Phase,
    },
}

/// Facts the engine reports about itself — the one vocabulary of events: the simulator records
/// them as they are (with the node or client and the time), the trace writes them with serde
/// (`{"kind": "learned", "at": 2, "log": "leadership", …}`), and the checker, explanations
/// and tours decide things about them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Observation {
    /// This node's learner learned a value it did not know.
    Learned {
        /// Log.
        log: LogId,
        /// Instance.
        seq: Seq,
        /// Value.
        value: Value,
    },
    /// A proposal attempt started phase 1, wanting `own`.
    Proposing {
        /// Log.
        log: LogId,
        /// Instance.
        seq: Seq,
        /// Ballot.
        ballot: Ballot,
        /// The proposer's own value.
        own: Value,
    },
    /// Phase 1 succeeded; phase 2 proposes `value` (`adopted` if taken from a promise).
    AcceptPhase {
        /// Log.
        log: LogId,
        /// Instance.
        seq: Seq,
        /// Ballot.
        ballot: Ballot,
        /// Value sent in Accept.
        value: Value,
        /// Whether it came from a promise rather than the proposer.
        adopted: bool,
    },
    /// A quorum accepted; the proposer broadcasts Learn.
    AttemptChosen {
        /// Log.
        log: LogId,
        /// Instance.
        seq: Seq,
        /// Ballot.
        ballot: Ballot,
        /// Value.
        value: Value,
    },
    /// The attempt failed.
    AttemptFailed {
        /// Log.
        log: LogId,
        /// Instance.
        seq: Seq,
        /// Ballot.
        ballot: Ballot,
        /// Why.
        reason: FailReason,
    },
    /// Passed the quorum check for leadership round `seq`: from now on this node serves.
    BecameLeader {
        /// Leadership sequence.
        seq: Seq,
    },
    /// Stopped considering itself leader.
    LostLeadership {
        /// The round it led.
        seq: Seq,
        /// Plain-words reason.
        reason: &'static str,
    },
    /// Handed out timestamps.
    Served {
        /// Requesting client.
        client: ClientId,
        /// Request id.
        request: RequestId,
        /// First timestamp.
        first: u64,
        /// Last timestamp.
        last: u64,
        /// Sequence of the bound it served under.
        bound_seq: Option<Seq>,
        /// That bound.
        bound: u64,
    },
    /// A bound extension was chosen with our value.
    BoundExtended {
        /// Timestamp-log sequence.
        seq: Seq,
        /// New bound.
        bound: u64,
    },
    /// A new leader recovered the agreed bound before serving.
    BoundRecovered {
        /// Highest agreed sequence, if any.
        seq: Option<Seq>,
        /// The bound the counter starts from.
        bound: u64,
    },
    /// The bound store saw a value it did not propose and stopped serving.
    StoreLost {
        /// Sequence where it happened.
        seq: Seq,
        /// The foreign value.
        found: Value,
    },
    /// Another store has moved the bound past the one this store serves under (the
    /// per-request check's fence saw a later timestamp-log sequence, or the learner learned
    /// one): the store is dropped and a fresh one recovers the latest bound before serving.
    BoundStale {
        /// Sequence of the bound the store served under, if any.
        agreed: Option<Seq>,
        /// A later timestamp-log sequence some acceptor or learner knows of.
        later: Seq,
    },
    /// This leader's lock service granted a lock.
    LockGranted {
        /// To whom.
        client: ClientId,
        /// Which lock.
        lock: LockName,
        /// The token.
        token: LockToken,
    },
    /// A lock client now holds a lock, by its lease until `until` (virtual µs, measured from
    /// when it sent the request — it cannot know when the leader granted it).
    ClientLocked {
        /// Which lock.
        lock: LockName,
        /// The token.
        token: LockToken,
        /// End of its lease.
        until: Micros,
    },
    /// A lock client's refresh succeeded: its lease now ends at `until`.
    ClientLockRefreshed {
        /// Which lock.
        lock: LockName,
        /// New end of its lease.
        until: Micros,
    },
    /// A lock client stopped holding a lock: it released it, its refresh was refused, or its
    /// lease ran out.
    ClientLockEnded {
        /// Which lock.
        lock: LockName,
        /// Why, in a word: "released", "refused" or "expired".
        why: &'static str,
    },
    /// A client began a logical request.
    ClientStarted {
        /// Request id.
        request: RequestId,
        /// How many timestamps it asks for.
        count: u64,
    },
    /// A client received timestamps (first reply only).
    ClientGranted {
        /// Request id.
        request: RequestId,
        /// Server.
        from: Address,
        /// First timestamp.
        first: u64,
        /// Last timestamp.
        last: u64,
    },
}

/// One request from a handler to its driver.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Put a message on the network.
    Send {
        /// Destination.
        to: Address,
        /// Payload.
        msg: Msg,
    },
    /// Arm (or re-arm) a named timer.
    SetTimer {
        /// Which.
        timer: TimerKind,
        /// After how long.
        delay: Delay,
    },
    /// Disarm a named timer.
    CancelTimer(TimerKind),
    /// Report a fact.
    Observe(Observation),
}

/// Commands produced by one handler call, in order. Reused between calls to avoid allocating.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// The commands.
    pub commands: Vec<Command>,
}

impl Outbox {
    /// Queues a message.
    pub fn send(&mut self, to: Address, msg: Msg) {
        self.commands.push(Command::Send { to, msg });
    }

    /// Arms a timer.
    pub fn set_timer(&mut self, timer: TimerKind, delay: Delay) {
        self.commands.push(Command::SetTimer { timer, delay });
    }

    /// Disarms a timer.
    pub fn cancel_timer(&mut self, timer: TimerKind) {
        self.commands.push(Command::CancelTimer(timer));
    }

    /// Reports a fact.
    pub fn observe(&mut self, o: Observation) {
        self.commands.push(Command::Observe(o));
    }

    /// Drops everything (the driver calls this after carrying the commands out).
    pub fn clear(&mut self) {
        self.commands.clear();
    }
}

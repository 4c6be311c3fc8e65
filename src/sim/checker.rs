//! The safety checker: ghost state that watches what the nodes say on the wire and what
//! they learn, and reports the first moment an invariant breaks — with the nodes, quorums,
//! values and ranges that explain it.
//!
//! **It judges the code; it never borrows its rules.** "Chosen" always means accepted by a
//! true majority (n/2 + 1) of acceptors at one ballot, whatever quorum the code under test
//! counts; acceptances and promises are read off the Promise and Accepted messages acceptors
//! send (what a proposer counts), and served timestamps off the replies clients are sent — not
//! off a node's own account of what it did. So an injected bug or an AtlasDB quirk switched on
//! mid-run is judged by the same rules as a correct run.
//!
//! Invariants (each O(1) or O(log n) per event, O(chosen) per newly chosen bound):
//! * **Agreement** — per log and sequence at most one value is chosen, and no two learners
//!   learn different values ("all servers agree on the same value").
//! * **Learned = chosen** — every learned value was chosen by a majority, and is the chosen one.
//! * **Nontriviality** — every accepted value was proposed by some proposer.
//! * **Promise kept** — no acceptor acks below a ballot it promised earlier (the ghost
//!   remembers every promise an acceptor sent, even if the acceptor forgets it).
//! * **Promises report acceptances** — a Promise carries the highest-ballot value its acceptor
//!   has acked (phase 1b): an acceptor that acked a value and then promises as if it had not
//!   hides a possibly chosen value from the next proposer.
//! * **Bounds only grow** — a bound chosen at a later timestamp-log sequence is never lower
//!   than one chosen at an earlier sequence.
//! * **Unique timestamps** — no timestamp is handed out twice, across all leaders.
//! * **Real-time order** — a request that starts after another request's reply arrived gets
//!   larger timestamps (TimeLock's guarantee to clients).
//! * **Under the bound** — nobody hands out a timestamp above the highest bound chosen so far.
//! * **Locks are exclusive** — no two clients hold one lock at the same time, as each client
//!   sees it: from the grant's arrival until it releases the lock, a refresh is refused, or its
//!   lease runs out.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::config::Time;
use crate::engine::seqlog::SeqLog;
use crate::engine::{
    Address, Ballot, ClientId, LockName, LockToken, LogId, Msg, NodeId, NodeSet, Observation,
    RequestId, Seq, TimestampResult, Value,
};

/// Which rule broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Invariant {
    /// Two different values chosen, or learned, at one (log, seq).
    Agreement,
    /// A learner learned a value that was not chosen, or a different one.
    #[serde(rename = "learned-is-chosen")]
    LearnedChosen,
    /// A value was accepted that nobody proposed.
    Nontriviality,
    /// An acceptor acked below a ballot it had promised.
    PromiseKept,
    /// A promise did not report a value its acceptor had acked.
    PromiseReportsAccepted,
    /// A bound chosen at a later sequence is lower than one chosen earlier.
    #[serde(rename = "bounds-only-grow")]
    BoundsGrow,
    /// A timestamp was handed out twice.
    UniqueTimestamps,
    /// A later request got smaller timestamps than an earlier, completed one.
    RealTimeOrder,
    /// A timestamp above the agreed bound was handed out.
    #[serde(rename = "under-the-bound")]
    UnderBound,
    /// Two clients held one lock at the same time.
    LocksExclusive,
}

impl Invariant {
    /// Every rule, in the order the UI lists them.
    pub const ALL: [Invariant; 10] = [
        Invariant::Agreement,
        Invariant::LearnedChosen,
        Invariant::Nontriviality,
        Invariant::PromiseKept,
        Invariant::PromiseReportsAccepted,
        Invariant::BoundsGrow,
        Invariant::UniqueTimestamps,
        Invariant::RealTimeOrder,
        Invariant::UnderBound,
        Invariant::LocksExclusive,
    ];

    /// Name used in traces and the UI.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::Agreement => "agreement",
            Invariant::LearnedChosen => "learned-is-chosen",
            Invariant::Nontriviality => "nontriviality",
            Invariant::PromiseKept => "promise-kept",
            Invariant::PromiseReportsAccepted => "promise-reports-accepted",
            Invariant::BoundsGrow => "bounds-only-grow",
            Invariant::UniqueTimestamps => "unique-timestamps",
            Invariant::RealTimeOrder => "real-time-order",
            Invariant::UnderBound => "under-the-bound",
            Invariant::LocksExclusive => "locks-exclusive",
        }
    }

    /// Parses [`Invariant::name`].
    pub fn from_name(s: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == s)
    }

    /// The rule in plain words.
    pub fn rule(self) -> &'static str {
        match self {
            Invariant::Agreement => {
                "At most one value may be chosen for each sequence of each log, and no two servers may learn different ones."
            }
            Invariant::LearnedChosen => {
                "A learner may only learn the value a majority of acceptors accepted."
            }
            Invariant::Nontriviality => "Only a value some proposer proposed may be chosen.",
            Invariant::PromiseKept => {
                "An acceptor never acks a ballot below one it has promised."
            }
            Invariant::PromiseReportsAccepted => {
                "A promise carries the highest-ballot value its acceptor has accepted."
            }
            Invariant::BoundsGrow => {
                "A bound agreed at a later sequence is never lower than one agreed earlier."
            }
            Invariant::UniqueTimestamps => "No timestamp is ever handed out twice.",
            Invariant::RealTimeOrder => {
                "A request that starts after another request's reply arrived gets larger timestamps."
            }
            Invariant::UnderBound => {
                "No timestamp above the bound agreed by Paxos is handed out."
            }
            Invariant::LocksExclusive => {
                "No two clients hold the same lock at the same time."
            }
        }
    }
}

/// The acceptors that acked one (ballot, value) at one sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct QuorumVote {
    /// The ballot.
    pub ballot: Ballot,
    /// The value.
    pub value: Value,
    /// Acceptors that acked it.
    pub acceptors: NodeSet,
}

/// A range of timestamps one node handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ServedRange {
    /// Who handed it out.
    pub node: NodeId,
    /// First timestamp.
    pub first: u64,
    /// Last timestamp.
    pub last: u64,
    /// When.
    pub t: Time,
}

/// Everything the UI needs to explain a violation.
/// In a trace its time is the event's: `{"t": …, "kind": "violation", "invariant": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The broken rule.
    pub invariant: Invariant,
    /// When it was detected.
    #[serde(skip)]
    pub t: Time,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
    /// Log and sequence, for Paxos invariants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<(LogId, Seq)>,
    /// For agreement and learned-is-chosen: the acceptors behind the values in conflict.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quorums: Vec<QuorumVote>,
    /// For timestamp invariants: the ranges in conflict.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<ServedRange>,
    /// What happened, in plain words.
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct SlotGhost {
    /// Highest ballot each acceptor ever promised or accepted (index = node index).
    promised: [Option<Ballot>; 16],
    /// Highest-ballot (ballot, value) each acceptor acked with Accepted.
    acked: [Option<(Ballot, Value)>; 16],
    /// Acks grouped by (ballot, value).
    votes: Vec<QuorumVote>,
    /// The chosen value and the majority that chose it.
    chosen: Option<QuorumVote>,
    /// The first value learned here, and by whom.
    learned: Option<(NodeId, Value)>,
    /// Values proposers put forward as their own.
    proposed: Vec<Value>,
}

impl SlotGhost {
    /// The largest set of acceptors that acked `value` at one ballot (for pictures).
    fn best_vote(&self, value: Value) -> Option<QuorumVote> {
        self.votes
            .iter()
            .filter(|v| v.value == value)
            .max_by_key(|v| v.acceptors.len())
            .copied()
    }
}

/// A client's hold of a lock, as the client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hold {
    client: ClientId,
    token: LockToken,
    since: Time,
    until: Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ack {
    ts: u64,
    client: ClientId,
    node: Option<NodeId>,
    t: Time,
}

/// Violations reported in all, at most, one per rule and slot; later ones are not kept (a run
/// is judged by its first, and a broken run must not grow without end).
const REPORT_CAP: usize = 64;

/// Ghost state plus the violations found so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Checker {
    /// A true majority of the cluster: n/2 + 1.
    majority: usize,
    slots: [SeqLog<SlotGhost>; 2],
    /// The highest bound chosen so far, and where.
    max_bound: Option<(Seq, u64)>,
    /// Served ranges by (first timestamp, arrival order), adjacent ranges of one node merged.
    /// The order keeps a range that repeats another's start (a violation, reported once) from
    /// hiding the earlier range from the number line.
    served: BTreeMap<(u64, usize), ServedRange>,
    /// Largest timestamp in any reply that has reached its client.
    acked_max: Option<Ack>,
    /// Per client: `acked_max` when its current request started.
    floors: BTreeMap<ClientId, (RequestId, Option<Ack>)>,
    /// Per lock: who holds it, the token and since when, and until when its lease runs.
    holders: BTreeMap<LockName, Vec<Hold>>,
    /// Violations, in order (one per rule and slot, at most [`REPORT_CAP`] in all).
    pub violations: Vec<Violation>,
    reported: Vec<(Invariant, Option<(LogId, Seq)>)>,
}

impl Checker {
    /// A checker for a cluster of `nodes` acceptors.
    pub fn new(nodes: u8) -> Checker {
        Checker {
            majority: usize::from(nodes) / 2 + 1,
            slots: Default::default(),
            max_bound: None,
            served: BTreeMap::new(),
            acked_max: None,
            floors: BTreeMap::new(),
            holders: BTreeMap::new(),
            violations: Vec::new(),
            reported: Vec::new(),
        }
    }

    /// Acceptors needed for a value to be chosen: a true majority.
    pub fn majority(&self) -> usize {
        self.majority
    }

    /// Whether [`Checker::on_send`] reads this kind of message at all (promises, acceptances
    /// and granted timestamps): a driver may skip the call for the others.
    pub fn reads(msg: &Msg) -> bool {
        matches!(
            msg,
            Msg::Promise { .. }
                | Msg::Accepted { .. }
                | Msg::TimestampReply {
                    result: TimestampResult::Granted { .. },
                    ..
                }
        )
    }

    /// Feeds one message as it leaves `from` at time `t`: promises, acceptances and the
    /// timestamps a node hands out are judged by what was said on the wire.
    pub fn on_send(&mut self, from: Address, msg: &Msg, t: Time) -> Vec<Violation> {
        let Address::Node(node) = from else {
            return Vec::new();
        };
        if !Checker::reads(msg) {
            return Vec::new();
        }
        let mut found = Vec::new();
        match *msg {
            Msg::Promise {
                log,
                seq,
                ballot,
                accepted,
            } => {
                self.keep_promise(node, log, seq, ballot, "promised", t, &mut found);
                self.reports_accepted(node, log, seq, ballot, accepted, t, &mut found);
            }
            Msg::Accepted {
                log,
                seq,
                ballot,
                value,
            } => self.accepted(node, log, seq, ballot, value, t, &mut found),
            Msg::TimestampReply {
                result: TimestampResult::Granted { first, last },
                ..
            } => self.served(node, first, last, t, &mut found),
            _ => {}
        }
        self.record(found)
    }

    /// Feeds one observation made by `at` (a node or client) at time `t`: what proposers put
    /// forward, what learners learned, and when clients start and hear back.
    pub fn observe(&mut self, at: Address, obs: &Observation, t: Time) -> Vec<Violation> {
        let mut found = Vec::new();
        match (at, obs) {
            (Address::Node(_), Observation::Proposing { log, seq, own, .. }) => {
                let g = self.slots[log.index()].entry_or_insert_with(*seq, SlotGhost::default);
                if !g.proposed.contains(own) {
                    g.proposed.push(*own);
                }
            }
            (Address::Node(node), Observation::Learned { log, seq, value }) => {
                self.learned(node, *log, *seq, *value, t, &mut found)
            }
            (Address::Client(c), Observation::ClientStarted { request, .. }) => {
                self.floors.insert(c, (*request, self.acked_max));
            }
            (
                Address::Client(c),
                Observation::ClientGranted {
                    request,
                    from,
                    first,
                    last,
                },
            ) => self.granted(c, *request, *from, *first, *last, t, &mut found),
            (Address::Client(c), Observation::ClientLocked { lock, token, until }) => {
                self.locked(c, *lock, *token, *until, t, &mut found)
            }
            (Address::Client(c), Observation::ClientLockRefreshed { lock, until }) => {
                if let Some(h) = self
                    .holders
                    .get_mut(lock)
                    .and_then(|v| v.iter_mut().find(|h| h.client == c))
                {
                    h.until = *until;
                }
            }
            (Address::Client(c), Observation::ClientLockEnded { lock, .. }) => {
                if let Some(v) = self.holders.get_mut(lock) {
                    v.retain(|h| h.client != c);
                }
            }
            _ => {}
        }
        self.record(found)
    }

    /// Client `c` now holds `lock`: nobody else may, by their own account.
    fn locked(
        &mut self,
        c: ClientId,
        lock: LockName,
        token: LockToken,
        until: Time,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let holds = self.holders.entry(lock).or_default();
        holds.retain(|h| h.until > t && h.client != c);
        let clash = holds.first().copied();
        holds.push(Hold {
            client: c,
            token,
            since: t,
            until,
        });
        if let Some(other) = clash {
            if !self.already(Invariant::LocksExclusive, None) {
                let nodes = vec![other.token.leader.node, token.leader.node];
                found.push(Violation {
                    invariant: Invariant::LocksExclusive,
                    t,
                    nodes,
                    slot: None,
                    quorums: vec![],
                    ranges: vec![],
                    detail: format!(
                        "{c} was granted {lock} by {} (term {}), but {} has held it since {} \
                         under a lease from {} (term {}) that runs until {}: two clients hold \
                         one lock.",
                        token.leader.node,
                        token.term,
                        other.client,
                        super::units::secs(other.since),
                        other.token.leader.node,
                        other.token.term,
                        super::units::secs(other.until)
                    ),
                });
            }
        }
    }

    fn record(&mut self, found: Vec<Violation>) -> Vec<Violation> {
        for v in &found {
            self.reported.push((v.invariant, v.slot));
        }
        self.violations.extend(found.iter().cloned());
        found
    }

    /// Whether a violation of `inv` at `slot` is already reported (or the cap is reached).
    fn already(&self, inv: Invariant, slot: Option<(LogId, Seq)>) -> bool {
        self.reported.contains(&(inv, slot)) || self.reported.len() >= REPORT_CAP
    }

    #[allow(clippy::too_many_arguments)]
    fn keep_promise(
        &mut self,
        node: NodeId,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
        what: &str,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let g = self.slots[log.index()].entry_or_insert_with(seq, SlotGhost::default);
        let slot = &mut g.promised[node.index()];
        match *slot {
            Some(p) if ballot < p => {
                let s = Some((log, seq));
                if !self.already(Invariant::PromiseKept, s) {
                    found.push(Violation {
                        invariant: Invariant::PromiseKept,
                        t,
                        nodes: vec![node, ballot.node, p.node],
                        slot: s,
                        quorums: vec![],
                        ranges: vec![],
                        detail: format!(
                            "{node} {what} ballot {ballot} at {}[{seq}] although it had promised \
                             {p} earlier: it forgot its promise.",
                            log.name()
                        ),
                    });
                }
            }
            _ => *slot = Some(ballot),
        }
    }

    /// Phase 1b: a promise must report the highest-ballot value this acceptor acked at `seq`.
    #[allow(clippy::too_many_arguments)]
    fn reports_accepted(
        &mut self,
        node: NodeId,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
        reported: Option<(Ballot, Value)>,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let s = Some((log, seq));
        let Some((b, v)) = self.slots[log.index()]
            .get(seq)
            .and_then(|g| g.acked[node.index()])
        else {
            return;
        };
        if reported.is_some_and(|(rb, _)| rb >= b)
            || self.already(Invariant::PromiseReportsAccepted, s)
        {
            return;
        }
        let said = match reported {
            None => "nothing accepted".to_string(),
            Some((rb, rv)) => format!("{rv} at {rb}"),
        };
        found.push(Violation {
            invariant: Invariant::PromiseReportsAccepted,
            t,
            nodes: vec![node, ballot.node],
            slot: s,
            quorums: vec![],
            ranges: vec![],
            detail: format!(
                "{node} had acked {v} at ballot {b} for {}[{seq}], yet its promise to {} for \
                 ballot {ballot} reports {said}: the next proposer cannot see a value that may \
                 be chosen.",
                log.name(),
                ballot.node
            ),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn accepted(
        &mut self,
        node: NodeId,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
        value: Value,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        self.keep_promise(node, log, seq, ballot, "accepted", t, found);
        let s = Some((log, seq));
        let majority = self.majority;
        let g = self.slots[log.index()].entry_or_insert_with(seq, SlotGhost::default);
        let mine = &mut g.acked[node.index()];
        if mine.is_none_or(|(b, _)| ballot >= b) {
            *mine = Some((ballot, value));
        }
        let nontrivial = g.proposed.contains(&value);
        let vote = match g
            .votes
            .iter_mut()
            .find(|v| v.ballot == ballot && v.value == value)
        {
            Some(v) => v,
            None => {
                g.votes.push(QuorumVote {
                    ballot,
                    value,
                    acceptors: NodeSet::default(),
                });
                g.votes.last_mut().expect("just pushed")
            }
        };
        vote.acceptors.insert(node);
        let vote = *vote;
        let mut conflict = None;
        let mut newly_chosen = false;
        if vote.acceptors.len() >= majority {
            match g.chosen {
                None => {
                    g.chosen = Some(vote);
                    newly_chosen = true;
                }
                Some(c) if c.value != vote.value => conflict = Some(c),
                Some(_) => {}
            }
        }
        if !nontrivial && !self.already(Invariant::Nontriviality, s) {
            found.push(Violation {
                invariant: Invariant::Nontriviality,
                t,
                nodes: vec![node],
                slot: s,
                quorums: vec![],
                ranges: vec![],
                detail: format!(
                    "{node} accepted {value} at {}[{seq}], which no proposer proposed.",
                    log.name()
                ),
            });
        }
        if let Some(first) = conflict {
            if !self.already(Invariant::Agreement, s) {
                found.push(two_values(log, seq, first, vote, t, "chosen"));
            }
        }
        if newly_chosen {
            if let Value::Bound { bound, .. } = value {
                self.bound_chosen(seq, bound, t, found);
            }
        }
    }

    /// A bound became chosen at `seq`: it must not be below a bound chosen at an earlier
    /// sequence, nor above one chosen at a later sequence.
    fn bound_chosen(&mut self, seq: Seq, bound: u64, t: Time, found: &mut Vec<Violation>) {
        if self.max_bound.is_none_or(|(_, b)| bound > b) {
            self.max_bound = Some((seq, bound));
        }
        let bound_at = |g: &SlotGhost| match g.chosen {
            Some(QuorumVote {
                value: Value::Bound { bound, .. },
                ..
            }) => Some(bound),
            _ => None,
        };
        let log = &self.slots[LogId::Timestamp.index()];
        let clash = log.iter().find_map(|(s, g)| {
            let b = bound_at(g)?;
            let wrong = (s < seq && b > bound) || (s > seq && b < bound);
            wrong.then_some((s, b))
        });
        let slot = Some((LogId::Timestamp, seq));
        if let Some((s, b)) = clash {
            if !self.already(Invariant::BoundsGrow, slot) {
                let (lo, hi) = if s < seq {
                    ((s, b), (seq, bound))
                } else {
                    ((seq, bound), (s, b))
                };
                found.push(Violation {
                    invariant: Invariant::BoundsGrow,
                    t,
                    nodes: vec![],
                    slot,
                    quorums: vec![],
                    ranges: vec![],
                    detail: format!(
                        "timestamp[{}] chose the bound {}, but the earlier timestamp[{}] had \
                         chosen {}: the bound went down.",
                        hi.0, hi.1, lo.0, lo.1
                    ),
                });
            }
        }
    }

    fn learned(
        &mut self,
        node: NodeId,
        log: LogId,
        seq: Seq,
        value: Value,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let s = Some((log, seq));
        let majority = self.majority;
        let g = self.slots[log.index()].entry_or_insert_with(seq, SlotGhost::default);
        let chosen = g.chosen;
        let earlier = *g.learned.get_or_insert((node, value));
        let acked = g.best_vote(value);
        let other = g.best_vote(earlier.1);
        let problem = match chosen {
            None => Some(format!(
                "{node} learned {value} at {}[{seq}], but no majority had accepted it{} (a \
                 majority is {majority}).",
                log.name(),
                match acked {
                    Some(v) => format!(" — only {} did", v.acceptors),
                    None => String::new(),
                }
            )),
            Some(c) if c.value != value => Some(format!(
                "{node} learned {value} at {}[{seq}], but {} was chosen there (majority {}).",
                log.name(),
                c.value,
                c.acceptors
            )),
            Some(_) => None,
        };
        if let Some(detail) = problem {
            if !self.already(Invariant::LearnedChosen, s) {
                found.push(Violation {
                    invariant: Invariant::LearnedChosen,
                    t,
                    nodes: vec![node],
                    slot: s,
                    // What the learned value got, then (if any) what a majority chose.
                    quorums: acked.into_iter().chain(chosen).collect(),
                    ranges: vec![],
                    detail,
                });
            }
        }
        if earlier.1 != value && !self.already(Invariant::Agreement, s) {
            let blank = |v: Value| QuorumVote {
                ballot: Ballot {
                    number: 0,
                    uuid: 0,
                    node: NodeId::default(),
                    incarnation: 0,
                },
                value: v,
                acceptors: NodeSet::default(),
            };
            let mut v = two_values(
                log,
                seq,
                other.unwrap_or(blank(earlier.1)),
                acked.unwrap_or(blank(value)),
                t,
                "learned",
            );
            v.detail = format!(
                "{} learned {} at {}[{seq}] but {node} learned {value}: the servers disagree. {}",
                earlier.0,
                earlier.1,
                log.name(),
                v.detail
            );
            found.push(v);
        }
    }

    fn served(&mut self, node: NodeId, first: u64, last: u64, t: Time, found: &mut Vec<Violation>) {
        let range = ServedRange {
            node,
            first,
            last,
            t,
        };
        // Under the bound: nothing above the highest bound a majority has chosen.
        let ok = self.max_bound.is_some_and(|(_, b)| b >= last);
        let bound_slot = self.max_bound.map(|(s, _)| (LogId::Timestamp, s));
        if !ok && !self.already(Invariant::UnderBound, bound_slot) {
            let why = match self.max_bound {
                None => "no bound had been agreed at all".to_string(),
                Some((s, b)) => format!("the highest bound agreed so far is {b} (timestamp[{s}])"),
            };
            let chosen = self
                .max_bound
                .and_then(|(s, _)| self.chosen(LogId::Timestamp, s));
            found.push(Violation {
                invariant: Invariant::UnderBound,
                t,
                nodes: vec![node],
                slot: bound_slot,
                quorums: chosen.into_iter().collect(),
                ranges: vec![range],
                detail: format!("{node} handed out {first}–{last}, but {why}."),
            });
        }
        // Unique: the range starting closest below `last` is the only candidate for overlap.
        if let Some((_, prev)) = self.served.range(..=(last, usize::MAX)).next_back() {
            if prev.last >= first && !self.already(Invariant::UniqueTimestamps, None) {
                let (lo, hi) = (first.max(prev.first), last.min(prev.last));
                found.push(Violation {
                    invariant: Invariant::UniqueTimestamps,
                    t,
                    nodes: vec![prev.node, node],
                    slot: None,
                    quorums: vec![],
                    ranges: vec![*prev, range],
                    detail: format!(
                        "{node} handed out {first}–{last}, but {} had already handed out {}–{} \
                         at {}: timestamps {lo}–{hi} were given twice.",
                        prev.node,
                        prev.first,
                        prev.last,
                        super::units::secs(prev.t)
                    ),
                });
            }
        }
        // Record, merging with the previous range of the same node when contiguous.
        let merge = self
            .served
            .range(..(first, 0))
            .next_back()
            .filter(|(_, p)| p.node == node && p.last + 1 == first)
            .map(|(&k, _)| k);
        match merge {
            Some(k) => {
                if let Some(p) = self.served.get_mut(&k) {
                    p.last = p.last.max(last);
                    p.t = t;
                }
            }
            None => {
                let order = self.served.len();
                self.served.insert((first, order), range);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn granted(
        &mut self,
        client: ClientId,
        request: RequestId,
        from: Address,
        first: u64,
        last: u64,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let node = match from {
            Address::Node(n) => Some(n),
            Address::Client(_) => None,
        };
        if let Some(&(r, Some(floor))) = self.floors.get(&client) {
            if r == request && first <= floor.ts && !self.already(Invariant::RealTimeOrder, None) {
                let nodes: Vec<NodeId> = floor.node.into_iter().chain(node).collect();
                found.push(Violation {
                    invariant: Invariant::RealTimeOrder,
                    t,
                    nodes,
                    slot: None,
                    quorums: vec![],
                    ranges: vec![
                        ServedRange {
                            node: floor.node.unwrap_or_default(),
                            first: floor.ts,
                            last: floor.ts,
                            t: floor.t,
                        },
                        ServedRange {
                            node: node.unwrap_or_default(),
                            first,
                            last,
                            t,
                        },
                    ],
                    detail: format!(
                        "{client}'s request began after {} had received timestamp {} (from {}), \
                         yet it got {first}–{last} from {}: time went backwards.",
                        floor.client,
                        floor.ts,
                        floor.node.map_or("?".into(), |n| n.to_string()),
                        node.map_or("?".into(), |n| n.to_string()),
                    ),
                });
            }
        }
        if self.acked_max.is_none_or(|a| last > a.ts) {
            self.acked_max = Some(Ack {
                ts: last,
                client,
                node,
                t,
            });
        }
    }

    /// Feeds the ghost state into a model checker's state fingerprint. Times are left out:
    /// the model checker abstracts time away, and no invariant's verdict on later events
    /// depends on when earlier ones happened (lock leases aside, which the model checker does
    /// not explore). Two checkers that hash alike judge every continuation alike.
    pub fn fingerprint<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.majority.hash(h);
        self.slots.hash(h);
        self.max_bound.hash(h);
        self.served.len().hash(h);
        for (k, r) in &self.served {
            (k, r.node, r.first, r.last).hash(h);
        }
        self.acked_max.map(|a| (a.ts, a.client, a.node)).hash(h);
        self.floors.len().hash(h);
        for (c, (r, a)) in &self.floors {
            (c, r, a.map(|a| (a.ts, a.client, a.node))).hash(h);
        }
        self.holders.len().hash(h);
        for (lock, holds) in &self.holders {
            lock.hash(h);
            for hold in holds {
                (hold.client, hold.token, hold.until).hash(h);
            }
        }
        self.reported.hash(h);
    }

    /// The value chosen at (log, seq), with its quorum.
    pub fn chosen(&self, log: LogId, seq: Seq) -> Option<QuorumVote> {
        self.slots[log.index()].get(seq).and_then(|g| g.chosen)
    }

    /// Highest sequence with any ghost state in `log`.
    pub fn greatest_seq(&self, log: LogId) -> Option<Seq> {
        self.slots[log.index()].greatest_seq()
    }

    /// Served ranges in timestamp order (adjacent ranges of one leader merged).
    pub fn served_ranges(&self) -> impl Iterator<Item = &ServedRange> + '_ {
        self.served.values()
    }
}

/// An Agreement violation between two values at one slot, with the acceptors behind each.
fn two_values(
    log: LogId,
    seq: Seq,
    first: QuorumVote,
    second: QuorumVote,
    t: Time,
    how: &str,
) -> Violation {
    let overlap = first.acceptors.intersection(second.acceptors);
    let mut detail = format!(
        "Two values were {how} at {}[{seq}]: {} (acked by {} at ballot {}) and {} (acked by {} \
         at ballot {}). ",
        log.name(),
        first.value,
        first.acceptors,
        first.ballot,
        second.value,
        second.acceptors,
        second.ballot
    );
    if overlap.is_empty() {
        let _ = write!(
            detail,
            "The sets do not intersect, so no acceptor could carry the first value into the \
             second ballot."
        );
    } else {
        let _ = write!(
            detail,
            "They share {overlap}, which should have reported the first value in its promise."
        );
    }
    let mut nodes: Vec<NodeId> = first.acceptors.iter().collect();
    nodes.extend(
        second
            .acceptors
            .iter()
            .filter(|n| !first.acceptors.contains(*n)),
    );
    Violation {
        invariant: Invariant::Agreement,
        t,
        nodes,
        slot: Some((log, seq)),
        quorums: vec![first, second],
        ranges: vec![],
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{LeaderId, StoreId};

    const L: LogId = LogId::Leadership;
    const T: LogId = LogId::Timestamp;

    fn b(number: u64, node: u8) -> Ballot {
        Ballot {
            number,
            uuid: 0,
            node: NodeId(node),
            incarnation: 0,
        }
    }

    fn leader(node: u8) -> Value {
        Value::Leader(LeaderId {
            node: NodeId(node),
            incarnation: 0,
        })
    }

    fn bound(bound: u64) -> Value {
        let owner = StoreId {
            leader: LeaderId {
                node: NodeId(1),
                incarnation: 0,
            },
            epoch: 0,
        };
        Value::Bound { bound, owner }
    }

    fn at(node: u8) -> Address {
        Address::Node(NodeId(node))
    }

    fn propose(c: &mut Checker, log: LogId, seq: Seq, v: Value) {
        c.observe(
            at(1),
            &Observation::Proposing {
                log,
                seq,
                ballot: b(1, 1),
                own: v,
            },
            0,
        );
    }

    /// Acceptor `node` sends Accepted for (ballot, v) at `seq` of `log`.
    fn ack(
        c: &mut Checker,
        log: LogId,
        node: u8,
        seq: Seq,
        ballot: Ballot,
        v: Value,
    ) -> Vec<Violation> {
        c.on_send(
            at(node),
            &Msg::Accepted {
                log,
                seq,
                ballot,
                value: v,
            },
            0,
        )
    }

    fn accept(c: &mut Checker, node: u8, seq: Seq, ballot: Ballot, v: Value) -> Vec<Violation> {
        ack(c, L, node, seq, ballot, v)
    }

    fn promise(c: &mut Checker, node: u8, seq: Seq, ballot: Ballot) -> Vec<Violation> {
        c.on_send(
            at(node),
            &Msg::Promise {
                log: L,
                seq,
                ballot,
                accepted: None,
            },
            0,
        )
    }

    fn learn(c: &mut Checker, node: u8, seq: Seq, v: Value) -> Vec<Violation> {
        c.observe(
            at(node),
            &Observation::Learned {
                log: L,
                seq,
                value: v,
            },
            0,
        )
    }

    fn invariants(v: &[Violation]) -> Vec<Invariant> {
        v.iter().map(|v| v.invariant).collect()
    }

    #[test]
    fn two_values_chosen_at_one_sequence_break_agreement_with_both_quorums() {
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        propose(&mut c, L, 0, leader(3));
        assert!(accept(&mut c, 1, 0, b(1, 1), leader(1)).is_empty());
        assert!(accept(&mut c, 2, 0, b(1, 1), leader(1)).is_empty());
        assert_eq!(c.chosen(L, 0).unwrap().value, leader(1));
        assert!(accept(&mut c, 3, 0, b(2, 3), leader(3)).is_empty());
        let v = accept(&mut c, 2, 0, b(2, 3), leader(3));
        assert_eq!(invariants(&v), vec![Invariant::Agreement]);
        assert_eq!(v[0].quorums.len(), 2);
        assert_eq!(v[0].quorums[0].acceptors, NodeSet(0b011));
        assert_eq!(v[0].quorums[1].acceptors, NodeSet(0b110));
        assert!(v[0].detail.contains("share {N2}"), "{}", v[0].detail);
        // Every acceptor behind either value is named once, the first quorum's first.
        assert_eq!(v[0].nodes, vec![NodeId(1), NodeId(2), NodeId(3)]);
    }

    #[test]
    fn chosen_means_a_true_majority_whatever_quorum_the_code_counts() {
        // Five acceptors: two acks (the minority-quorum bug's "quorum") choose nothing.
        let mut c = Checker::new(5);
        propose(&mut c, L, 0, leader(1));
        accept(&mut c, 1, 0, b(1, 1), leader(1));
        accept(&mut c, 2, 0, b(1, 1), leader(1));
        assert_eq!(c.chosen(L, 0), None);
        // Learning it is learning a value no majority accepted.
        let v = learn(&mut c, 1, 0, leader(1));
        assert_eq!(invariants(&v), vec![Invariant::LearnedChosen]);
        assert!(v[0].detail.contains("a majority is 3"), "{}", v[0].detail);
        assert_eq!(v[0].quorums[0].acceptors, NodeSet(0b11), "who did ack it");
        accept(&mut c, 3, 0, b(1, 1), leader(1));
        assert_eq!(c.chosen(L, 0).unwrap().acceptors.len(), 3);
    }

    #[test]
    fn votes_count_per_ballot_and_value() {
        // The same ballot with two different values (possible only with a broken proposer)
        // is two votes: neither reaches a majority by the other's acks.
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        propose(&mut c, L, 0, leader(2));
        accept(&mut c, 1, 0, b(1, 1), leader(1));
        accept(&mut c, 2, 0, b(1, 1), leader(2));
        assert_eq!(c.chosen(L, 0), None);
    }

    #[test]
    fn the_same_value_at_a_higher_ballot_is_fine() {
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        for n in [1, 2] {
            accept(&mut c, n, 0, b(1, 1), leader(1));
        }
        for n in [2, 3] {
            assert!(accept(&mut c, n, 0, b(5, 3), leader(1)).is_empty());
        }
        assert!(learn(&mut c, 3, 0, leader(1)).is_empty());
    }

    #[test]
    fn a_promise_sent_is_remembered_even_if_the_acceptor_forgets_it() {
        // The checker remembers what went out on the wire. A real acceptor that promised
        // (5,N3), lost its disk (`forget`, as the acceptor-forgets bug does on a crash) and
        // then acks (2,N1) — which it now happily does — is caught.
        use crate::engine::acceptor::Acceptor;
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        let mut n2 = Acceptor::default();
        let promised = n2.prepare(L, 0, b(5, 3));
        assert_eq!(promised, Ok(None));
        assert!(promise(&mut c, 2, 0, b(5, 3)).is_empty());
        assert_eq!(
            n2.accept(L, 0, b(2, 1), leader(1), false),
            Err(b(5, 3)),
            "with its memory the acceptor refuses"
        );
        n2.forget();
        assert_eq!(
            n2.accept(L, 0, b(2, 1), leader(1), false),
            Ok(()),
            "without it, it acks"
        );
        let v = accept(&mut c, 2, 0, b(2, 1), leader(1));
        assert_eq!(invariants(&v), vec![Invariant::PromiseKept]);
        assert_eq!(v[0].nodes, vec![NodeId(2), NodeId(1), NodeId(3)]);
        assert!(
            v[0].detail.contains("forgot its promise"),
            "{}",
            v[0].detail
        );
        // The same after a forgotten promise answered by a lower promise.
        let v = promise(&mut c, 3, 0, b(7, 3));
        assert!(v.is_empty());
        let v = promise(&mut c, 3, 0, b(6, 1));
        assert!(v.is_empty(), "reported once per slot: {v:?}");
        // At another slot the rule is judged afresh.
        assert!(promise(&mut c, 3, 1, b(7, 3)).is_empty());
        assert_eq!(
            invariants(&promise(&mut c, 3, 1, b(6, 1))),
            vec![Invariant::PromiseKept]
        );
    }

    #[test]
    fn a_promise_must_report_what_its_acceptor_acked() {
        // AtlasDB's accept-without-state: the acceptor acked (1,N1)'s value, stored only the
        // promise, and then promises (2,N2) with nothing accepted.
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        assert!(accept(&mut c, 3, 0, b(1, 1), leader(1)).is_empty());
        let report = |c: &mut Checker, ballot, accepted| {
            c.on_send(
                at(3),
                &Msg::Promise {
                    log: L,
                    seq: 0,
                    ballot,
                    accepted,
                },
                0,
            )
        };
        // Reporting it (or something accepted later) is the rule.
        assert!(report(&mut c, b(2, 2), Some((b(1, 1), leader(1)))).is_empty());
        let v = report(&mut c, b(3, 2), None);
        assert_eq!(invariants(&v), vec![Invariant::PromiseReportsAccepted]);
        assert!(
            v[0].detail.contains("reports nothing accepted"),
            "{}",
            v[0].detail
        );
        // An acceptor that never acked anything may report nothing.
        let mut c = Checker::new(3);
        assert!(report(&mut c, b(2, 2), None).is_empty());
    }

    #[test]
    fn acking_exactly_the_promised_ballot_keeps_the_promise() {
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        assert!(promise(&mut c, 2, 0, b(5, 3)).is_empty());
        assert!(
            promise(&mut c, 2, 0, b(5, 3)).is_empty(),
            "a repeated prepare"
        );
        assert!(accept(&mut c, 2, 0, b(5, 3), leader(1)).is_empty());
    }

    #[test]
    fn learning_an_unchosen_or_a_different_value_is_caught() {
        let mut c = Checker::new(3);
        let v = learn(&mut c, 3, 0, leader(2));
        assert_eq!(invariants(&v), vec![Invariant::LearnedChosen]);
        // A chosen value, and a learner that learns another one.
        let mut c = Checker::new(3);
        propose(&mut c, L, 1, leader(1));
        accept(&mut c, 1, 1, b(1, 1), leader(1));
        accept(&mut c, 2, 1, b(1, 1), leader(1));
        assert!(
            learn(&mut c, 1, 1, leader(1)).is_empty(),
            "the chosen value"
        );
        let v = learn(&mut c, 3, 1, leader(2));
        assert_eq!(
            invariants(&v),
            vec![Invariant::LearnedChosen, Invariant::Agreement]
        );
        assert!(v[0].detail.contains("was chosen there"), "{}", v[0].detail);
        assert!(
            v[1].detail.contains("the servers disagree"),
            "{}",
            v[1].detail
        );
    }

    #[test]
    fn accepting_a_value_nobody_proposed_is_caught_and_a_proposed_one_is_not() {
        let mut c = Checker::new(3);
        let v = accept(&mut c, 1, 0, b(1, 1), leader(9));
        assert_eq!(invariants(&v), vec![Invariant::Nontriviality]);
        propose(&mut c, L, 1, leader(2));
        assert!(accept(&mut c, 1, 1, b(1, 1), leader(2)).is_empty());
    }

    #[test]
    fn violations_are_reported_once_per_rule_and_slot_and_capped() {
        let mut c = Checker::new(3);
        for seq in 0..100 {
            learn(&mut c, 1, seq, leader(1));
            learn(&mut c, 2, seq, leader(1));
        }
        assert_eq!(c.violations.len(), REPORT_CAP);
        assert!(c
            .violations
            .iter()
            .all(|v| v.invariant == Invariant::LearnedChosen));
        let seqs: Vec<Seq> = c.violations.iter().map(|v| v.slot.unwrap().1).collect();
        assert_eq!(seqs, (0..REPORT_CAP as Seq).collect::<Vec<_>>());
        // The cap holds across rules: a fresh rule at a fresh slot is not kept either.
        assert!(accept(&mut c, 1, 500, b(1, 1), leader(9)).is_empty());
        assert_eq!(c.violations.len(), REPORT_CAP);
    }

    #[test]
    fn once_per_rule_and_slot_means_other_rules_and_slots_still_report() {
        let mut c = Checker::new(3);
        // Nontriviality at leadership[0], once.
        let v = accept(&mut c, 1, 0, b(1, 1), leader(9));
        assert_eq!(invariants(&v), vec![Invariant::Nontriviality]);
        assert!(accept(&mut c, 2, 0, b(1, 1), leader(8)).is_empty(), "once");
        // Another rule at the same slot is reported.
        assert!(promise(&mut c, 3, 0, b(4, 3)).is_empty());
        let v = accept(&mut c, 3, 0, b(2, 1), leader(9));
        assert_eq!(invariants(&v), vec![Invariant::PromiseKept]);
        // The same rule at the next slot, and in the other log, is reported.
        let v = accept(&mut c, 1, 1, b(1, 1), leader(9));
        assert_eq!(invariants(&v), vec![Invariant::Nontriviality]);
        let v = ack(&mut c, T, 1, 0, b(1, 1), leader(9));
        assert_eq!(invariants(&v), vec![Invariant::Nontriviality]);
        assert_eq!(v[0].slot, Some((T, 0)));
        assert_eq!(c.violations.len(), 4);
    }

    fn choose_bound(c: &mut Checker, seq: Seq, value: u64) -> Vec<Violation> {
        propose(c, T, seq, bound(value));
        let mut found = ack(c, T, 1, seq, b(1, 1), bound(value));
        found.extend(ack(c, T, 2, seq, b(1, 1), bound(value)));
        found
    }

    fn serve(c: &mut Checker, node: u8, first: u64, last: u64) -> Vec<Violation> {
        c.on_send(
            at(node),
            &Msg::TimestampReply {
                request: 0,
                result: TimestampResult::Granted { first, last },
            },
            0,
        )
    }

    #[test]
    fn timestamps_must_stay_under_the_highest_agreed_bound() {
        let mut c = Checker::new(3);
        let v = serve(&mut c, 1, 1, 5);
        assert_eq!(
            invariants(&v),
            vec![Invariant::UnderBound],
            "nothing agreed yet"
        );
        assert_eq!(v[0].slot, None);
        assert!(v[0].quorums.is_empty());
        assert!(
            v[0].detail.contains("no bound had been agreed at all"),
            "{}",
            v[0].detail
        );
        // Nothing chosen at sequence 0: a minority's bound is no bound.
        let mut c = Checker::new(5);
        propose(&mut c, T, 0, bound(100));
        ack(&mut c, T, 1, 0, b(1, 1), bound(100));
        ack(&mut c, T, 2, 0, b(1, 1), bound(100));
        assert_eq!(c.chosen(T, 0), None);
        let v = serve(&mut c, 1, 1, 5);
        assert_eq!(invariants(&v), vec![Invariant::UnderBound]);
        assert!(
            v[0].detail.contains("no bound had been agreed at all"),
            "{}",
            v[0].detail
        );
        // Once a majority accepted it, the same range is fine.
        ack(&mut c, T, 3, 0, b(1, 1), bound(100));
        assert!(serve(&mut c, 2, 6, 10).is_empty());
        let mut c = Checker::new(3);
        choose_bound(&mut c, 0, 100);
        assert!(serve(&mut c, 1, 1, 100).is_empty());
        let v = serve(&mut c, 1, 101, 120);
        assert_eq!(invariants(&v), vec![Invariant::UnderBound]);
        assert_eq!(
            v[0].slot,
            Some((T, 0)),
            "the highest agreed bound's sequence"
        );
        assert_eq!(v[0].quorums[0].value, bound(100));
        assert_eq!(v[0].quorums[0].acceptors, NodeSet(0b011));
        assert_eq!(
            v[0].ranges,
            vec![ServedRange {
                node: NodeId(1),
                first: 101,
                last: 120,
                t: 0
            }]
        );
        assert!(
            v[0].detail.contains("100 (timestamp[0])"),
            "{}",
            v[0].detail
        );
        // A bound only one acceptor accepted does not count.
        let mut c = Checker::new(3);
        choose_bound(&mut c, 0, 100);
        propose(&mut c, T, 1, bound(300));
        ack(&mut c, T, 1, 1, b(1, 1), bound(300));
        assert_eq!(
            invariants(&serve(&mut c, 1, 101, 110)),
            vec![Invariant::UnderBound]
        );
    }

    #[test]
    fn a_bound_chosen_below_an_earlier_one_is_caught() {
        let mut c = Checker::new(3);
        assert!(choose_bound(&mut c, 0, 100).is_empty());
        assert!(choose_bound(&mut c, 1, 100).is_empty(), "equal is fine");
        let v = choose_bound(&mut c, 2, 40);
        assert_eq!(invariants(&v), vec![Invariant::BoundsGrow]);
        assert!(v[0].detail.contains("went down"), "{}", v[0].detail);
        // Out of order: a later sequence chosen first, then a larger bound below it.
        let mut c = Checker::new(3);
        assert!(choose_bound(&mut c, 5, 100).is_empty());
        assert_eq!(
            invariants(&choose_bound(&mut c, 4, 200)),
            vec![Invariant::BoundsGrow]
        );
    }

    #[test]
    fn a_timestamp_handed_out_twice_is_caught_across_leaders() {
        let mut c = Checker::new(3);
        choose_bound(&mut c, 0, 1_000);
        assert!(serve(&mut c, 1, 1, 10).is_empty());
        assert!(serve(&mut c, 1, 11, 20).is_empty());
        assert_eq!(
            c.served_ranges().count(),
            1,
            "adjacent ranges of one leader merge"
        );
        assert!(serve(&mut c, 2, 30, 40).is_empty());
        let v = serve(&mut c, 2, 15, 16);
        assert_eq!(invariants(&v), vec![Invariant::UniqueTimestamps]);
        assert_eq!(v[0].nodes, vec![NodeId(1), NodeId(2)]);
    }

    #[test]
    fn ranges_with_the_same_start_are_both_kept() {
        // A stale leader repeating the new one's first timestamp: caught, and both ranges
        // stay for the number line to draw.
        let mut c = Checker::new(3);
        choose_bound(&mut c, 0, 1_000);
        assert!(serve(&mut c, 1, 100, 110).is_empty());
        let v = serve(&mut c, 2, 100, 105);
        assert_eq!(invariants(&v), vec![Invariant::UniqueTimestamps]);
        let nodes: Vec<NodeId> = c.served_ranges().map(|r| r.node).collect();
        assert_eq!(nodes, vec![NodeId(1), NodeId(2)]);
    }

    #[test]
    fn a_later_request_must_get_larger_timestamps() {
        let client = |n| Address::Client(ClientId(n));
        let started = |c: &mut Checker, n, t| {
            c.observe(
                client(n),
                &Observation::ClientStarted {
                    request: 0,
                    count: 1,
                },
                t,
            );
        };
        let granted = |c: &mut Checker, n, from, first, last, t| {
            c.observe(
                client(n),
                &Observation::ClientGranted {
                    request: 0,
                    from: at(from),
                    first,
                    last,
                },
                t,
            )
        };
        let mut c = Checker::new(3);
        started(&mut c, 0, 0);
        assert!(granted(&mut c, 0, 2, 50, 60, 10).is_empty());
        // Client 1 starts after that reply arrived: it must get more than 60.
        started(&mut c, 1, 11);
        let v = granted(&mut c, 1, 1, 20, 21, 12);
        assert_eq!(invariants(&v), vec![Invariant::RealTimeOrder]);
        // Overlapping requests (started before the reply arrived) may come back in any order.
        let mut c = Checker::new(3);
        started(&mut c, 0, 0);
        started(&mut c, 1, 1);
        granted(&mut c, 0, 2, 50, 60, 10);
        assert!(granted(&mut c, 1, 1, 20, 21, 12).is_empty());
        // Exactly one above is fine.
        let mut c = Checker::new(3);
        started(&mut c, 0, 0);
        granted(&mut c, 0, 2, 50, 60, 10);
        started(&mut c, 1, 11);
        assert!(granted(&mut c, 1, 1, 61, 61, 12).is_empty());
    }

    fn client(n: u16) -> Address {
        Address::Client(ClientId(n))
    }

    fn token(node: u8, term: Seq) -> LockToken {
        LockToken {
            leader: LeaderId {
                node: NodeId(node),
                incarnation: 0,
            },
            term,
            id: 0,
        }
    }

    fn lock(c: &mut Checker, who: u16, node: u8, t: Time, until: Time) -> Vec<Violation> {
        c.observe(
            client(who),
            &Observation::ClientLocked {
                lock: LockName(0),
                token: token(node, 0),
                until,
            },
            t,
        )
    }

    #[test]
    fn two_clients_holding_one_lock_are_caught_while_the_first_lease_runs() {
        let mut c = Checker::new(3);
        assert!(lock(&mut c, 0, 1, 0, 100).is_empty());
        // The same client taking it again is no clash with itself.
        assert!(lock(&mut c, 0, 1, 10, 100).is_empty());
        // Another lock is another matter.
        let other = c.observe(
            client(1),
            &Observation::ClientLocked {
                lock: LockName(1),
                token: token(2, 1),
                until: 100,
            },
            20,
        );
        assert!(other.is_empty());
        let v = lock(&mut c, 1, 2, 50, 200);
        assert_eq!(invariants(&v), vec![Invariant::LocksExclusive]);
        assert_eq!(v[0].nodes, vec![NodeId(1), NodeId(2)]);
        assert!(
            v[0].detail.contains("C1 was granted lock A by N2"),
            "{}",
            v[0].detail
        );
        assert!(
            v[0].detail.contains("C0 has held it since"),
            "{}",
            v[0].detail
        );
    }

    #[test]
    fn a_lock_is_free_again_once_its_lease_ran_out_or_it_was_released() {
        // Lease until 100: at exactly 100 it has run out.
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        assert!(lock(&mut c, 1, 2, 100, 300).is_empty());
        // At 99 it had not.
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        assert_eq!(
            invariants(&lock(&mut c, 1, 2, 99, 300)),
            vec![Invariant::LocksExclusive]
        );
        // A refresh extends the hold: a grant to another client before the new end clashes.
        let refresh = |c: &mut Checker, who, until| {
            let r = Observation::ClientLockRefreshed {
                lock: LockName(0),
                until,
            };
            assert!(c.observe(client(who), &r, 90).is_empty());
        };
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        refresh(&mut c, 0, 250);
        assert_eq!(
            invariants(&lock(&mut c, 1, 2, 200, 300)),
            vec![Invariant::LocksExclusive]
        );
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        refresh(&mut c, 0, 250);
        assert!(
            lock(&mut c, 1, 2, 250, 300).is_empty(),
            "refreshed until 250"
        );
        // Another client's refresh extends nobody else's hold.
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        refresh(&mut c, 7, 900);
        assert!(lock(&mut c, 1, 2, 200, 300).is_empty());
        // Released: free at once. Another client's release frees nothing.
        let ended = |c: &mut Checker, who| {
            c.observe(
                client(who),
                &Observation::ClientLockEnded {
                    lock: LockName(0),
                    why: "released",
                },
                30,
            )
        };
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        ended(&mut c, 5);
        assert_eq!(
            invariants(&lock(&mut c, 1, 2, 40, 300)),
            vec![Invariant::LocksExclusive]
        );
        let mut c = Checker::new(3);
        lock(&mut c, 0, 1, 0, 100);
        ended(&mut c, 0);
        assert!(lock(&mut c, 1, 2, 40, 300).is_empty());
    }

    #[test]
    fn a_promise_must_report_the_highest_ballot_its_acceptor_acked() {
        let mut c = Checker::new(3);
        propose(&mut c, L, 0, leader(1));
        propose(&mut c, L, 0, leader(2));
        accept(&mut c, 3, 0, b(1, 1), leader(1));
        accept(&mut c, 3, 0, b(5, 2), leader(2));
        // An older, lower ack arriving late does not lower what it must report.
        accept(&mut c, 3, 0, b(4, 1), leader(1));
        let report = |c: &mut Checker, ballot, accepted| {
            c.on_send(
                at(3),
                &Msg::Promise {
                    log: L,
                    seq: 0,
                    ballot,
                    accepted,
                },
                0,
            )
        };
        let v = report(&mut c, b(6, 1), Some((b(1, 1), leader(1))));
        assert_eq!(invariants(&v), vec![Invariant::PromiseReportsAccepted]);
        assert!(v[0].detail.contains("at ballot (5,2,0)"), "{}", v[0].detail);
        let mut c2 = Checker::new(3);
        propose(&mut c2, L, 0, leader(2));
        accept(&mut c2, 3, 0, b(5, 2), leader(2));
        assert!(report(&mut c2, b(6, 1), Some((b(5, 2), leader(2)))).is_empty());
    }

    #[test]
    fn an_equal_bound_at_a_later_sequence_is_fine_in_either_order() {
        let mut c = Checker::new(3);
        assert!(choose_bound(&mut c, 5, 100).is_empty());
        assert!(choose_bound(&mut c, 4, 100).is_empty());
        assert!(choose_bound(&mut c, 6, 100).is_empty());
        // The detail names the later sequence's lower bound and the earlier one's.
        let v = choose_bound(&mut c, 7, 40);
        assert_eq!(
            v[0].detail,
            "timestamp[7] chose the bound 40, but the earlier timestamp[4] had chosen 100: the \
             bound went down."
        );
        let mut c = Checker::new(3);
        choose_bound(&mut c, 5, 100);
        let v = choose_bound(&mut c, 2, 300);
        assert_eq!(
            v[0].detail,
            "timestamp[5] chose the bound 100, but the earlier timestamp[2] had chosen 300: the \
             bound went down."
        );
        assert_eq!(v[0].slot, Some((T, 2)));
    }

    #[test]
    fn the_highest_bound_counts_whatever_order_bounds_are_chosen_in() {
        let mut c = Checker::new(3);
        choose_bound(&mut c, 1, 300);
        choose_bound(&mut c, 0, 100);
        assert!(serve(&mut c, 1, 250, 300).is_empty(), "300 is agreed");
        let v = serve(&mut c, 1, 301, 301);
        assert!(
            v[0].detail.contains("300 (timestamp[1])"),
            "{}",
            v[0].detail
        );
    }

    #[test]
    fn only_one_nodes_contiguous_ranges_merge() {
        let mut c = Checker::new(3);
        choose_bound(&mut c, 0, 1_000);
        assert!(serve(&mut c, 1, 1, 10).is_empty());
        assert!(
            serve(&mut c, 2, 11, 20).is_empty(),
            "contiguous, not overlapping"
        );
        assert!(serve(&mut c, 1, 22, 30).is_empty());
        let ranges: Vec<(NodeId, u64, u64)> = c
            .served_ranges()
            .map(|r| (r.node, r.first, r.last))
            .collect();
        assert_eq!(
            ranges,
            vec![(NodeId(1), 1, 10), (NodeId(2), 11, 20), (NodeId(1), 22, 30)]
        );
        assert!(serve(&mut c, 1, 31, 40).is_empty());
        assert_eq!(
            c.served_ranges().last().map(|r| (r.first, r.last)),
            Some((22, 40))
        );
    }

    #[test]
    fn real_time_order_follows_the_largest_timestamp_acknowledged_so_far() {
        let started = |c: &mut Checker, n, request, t| {
            c.observe(
                client(n),
                &Observation::ClientStarted { request, count: 1 },
                t,
            );
        };
        let granted = |c: &mut Checker, n, request, first, last, t| {
            c.observe(
                client(n),
                &Observation::ClientGranted {
                    request,
                    from: at(1),
                    first,
                    last,
                },
                t,
            )
        };
        let mut c = Checker::new(3);
        started(&mut c, 0, 0, 0);
        granted(&mut c, 0, 0, 10, 20, 5);
        started(&mut c, 0, 1, 6);
        started(&mut c, 2, 0, 7);
        granted(&mut c, 0, 1, 50, 60, 10);
        // A smaller grant after that (to a request that overlapped) does not lower the floor.
        assert!(granted(&mut c, 2, 0, 21, 22, 11).is_empty());
        started(&mut c, 1, 0, 12);
        let v = granted(&mut c, 1, 0, 30, 40, 13);
        assert_eq!(invariants(&v), vec![Invariant::RealTimeOrder]);
        assert!(
            v[0].detail.contains("received timestamp 60"),
            "{}",
            v[0].detail
        );
        // A late reply to an older request is not judged against the newer request's floor.
        let mut c = Checker::new(3);
        started(&mut c, 1, 4, 0);
        granted(&mut c, 0, 0, 50, 60, 10);
        started(&mut c, 1, 5, 11);
        assert!(granted(&mut c, 1, 4, 20, 21, 12).is_empty());
        assert_eq!(
            invariants(&granted(&mut c, 1, 5, 22, 23, 13)),
            vec![Invariant::RealTimeOrder]
        );
    }

    #[test]
    fn the_majority_is_a_true_majority_and_ghost_state_is_readable() {
        assert_eq!(Checker::new(3).majority(), 2);
        assert_eq!(Checker::new(4).majority(), 3);
        assert_eq!(Checker::new(5).majority(), 3);
        let mut c = Checker::new(3);
        assert_eq!(c.greatest_seq(L), None);
        propose(&mut c, L, 4, leader(1));
        accept(&mut c, 1, 2, b(1, 1), leader(1));
        assert_eq!(c.greatest_seq(L), Some(4));
        assert_eq!(c.greatest_seq(T), None);
        for i in Invariant::ALL {
            assert_eq!(Invariant::from_name(i.name()), Some(i));
            assert!(
                i.rule().ends_with('.') && i.rule().len() > 30,
                "{}",
                i.rule()
            );
        }
        assert_eq!(Invariant::from_name("agreement "), None);
    }
}

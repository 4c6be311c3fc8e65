//! The safety checker: ghost state that watches every promise, acceptance, learn and served
//! timestamp, and reports the first moment an invariant breaks — with the nodes, quorums,
//! values and ranges that explain it.
//!
//! Invariants (each O(1) or O(log n) per event):
//! * **Agreement** — per log and sequence at most one value is chosen (accepted by a quorum
//!   at one ballot).
//! * **Learned = chosen** — every learned value was chosen, and is the chosen one.
//! * **Nontriviality** — every accepted value was proposed by some proposer.
//! * **Promise kept** — no acceptor promises or accepts below a ballot it promised earlier
//!   (the ghost remembers promises even if the acceptor forgets them).
//! * **Unique timestamps** — no timestamp is handed out twice, across all leaders.
//! * **Real-time order** — a request that starts after another request's reply arrived gets
//!   larger timestamps (TimeLock's guarantee to clients).
//! * **Under the bound** — nobody hands out a timestamp above a bound Paxos agreed.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::config::Time;
use crate::engine::seqlog::SeqLog;
use crate::engine::{
    Address, Ballot, ClientId, LogId, NodeId, NodeSet, Observation, RequestId, Seq, Value,
};

/// Which rule broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    /// Two different values chosen at one (log, seq).
    Agreement,
    /// A learner learned a value that was not chosen, or a different one.
    LearnedChosen,
    /// A value was accepted that nobody proposed.
    Nontriviality,
    /// An acceptor acked below a ballot it had promised.
    PromiseKept,
    /// A timestamp was handed out twice.
    UniqueTimestamps,
    /// A later request got smaller timestamps than an earlier, completed one.
    RealTimeOrder,
    /// A timestamp above the agreed bound was handed out.
    UnderBound,
}

impl Invariant {
    /// Name used in traces and the UI.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::Agreement => "agreement",
            Invariant::LearnedChosen => "learned-is-chosen",
            Invariant::Nontriviality => "nontriviality",
            Invariant::PromiseKept => "promise-kept",
            Invariant::UniqueTimestamps => "unique-timestamps",
            Invariant::RealTimeOrder => "real-time-order",
            Invariant::UnderBound => "under-the-bound",
        }
    }

    /// The rule in plain words.
    pub fn rule(self) -> &'static str {
        match self {
            Invariant::Agreement => "At most one value may be chosen for each sequence of each log.",
            Invariant::LearnedChosen => "A learner may only learn the value that was chosen.",
            Invariant::Nontriviality => "Only a value some proposer proposed may be chosen.",
            Invariant::PromiseKept => {
                "An acceptor never acks a ballot below one it has promised."
            }
            Invariant::UniqueTimestamps => "No timestamp is ever handed out twice.",
            Invariant::RealTimeOrder => {
                "A request that starts after another request's reply arrived gets larger timestamps."
            }
            Invariant::UnderBound => {
                "No timestamp above the bound agreed by Paxos is handed out."
            }
        }
    }
}

/// A quorum that accepted a value at one ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuorumVote {
    /// The ballot.
    pub ballot: Ballot,
    /// The value.
    pub value: Value,
    /// Acceptors that accepted it.
    pub acceptors: NodeSet,
}

/// A range of timestamps one node handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The broken rule.
    pub invariant: Invariant,
    /// When it was detected.
    pub t: Time,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
    /// Log and sequence, for Paxos invariants.
    pub slot: Option<(LogId, Seq)>,
    /// For agreement: the quorums behind the conflicting values.
    pub quorums: Vec<QuorumVote>,
    /// For timestamp invariants: the ranges in conflict.
    pub ranges: Vec<ServedRange>,
    /// What happened, in plain words.
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SlotGhost {
    /// Highest ballot each acceptor ever promised (index = node index).
    promised: [Option<Ballot>; 16],
    /// Acceptances grouped by ballot.
    votes: Vec<QuorumVote>,
    /// The chosen value and the quorum that chose it.
    chosen: Option<QuorumVote>,
    /// Values proposers put forward as their own.
    proposed: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ack {
    ts: u64,
    client: ClientId,
    node: Option<NodeId>,
    t: Time,
}

/// Ghost state plus the violations found so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checker {
    slots: [SeqLog<SlotGhost>; 2],
    /// Served ranges by (first timestamp, arrival order), adjacent ranges of one node merged.
    /// The order keeps a range that repeats another's start (a violation, reported once) from
    /// hiding the earlier range from the number line.
    served: BTreeMap<(u64, usize), ServedRange>,
    /// Largest timestamp in any reply that has reached its client.
    acked_max: Option<Ack>,
    /// Per client: `acked_max` when its current request started.
    floors: BTreeMap<ClientId, (RequestId, Option<Ack>)>,
    /// Violations, in order (one per rule and slot).
    pub violations: Vec<Violation>,
    reported: Vec<(Invariant, Option<(LogId, Seq)>)>,
}

impl Checker {
    /// Feeds one observation made by `at` (a node or client) at time `t`.
    /// Returns the violations it caused.
    pub fn observe(
        &mut self,
        at: Address,
        obs: &Observation,
        t: Time,
        quorum: usize,
    ) -> Vec<Violation> {
        let mut found = Vec::new();
        match (at, obs) {
            (Address::Node(node), Observation::Promised { log, seq, ballot }) => {
                self.keep_promise(node, *log, *seq, *ballot, "promised", t, &mut found);
            }
            (
                Address::Node(node),
                Observation::AcceptedValue {
                    log,
                    seq,
                    ballot,
                    value,
                },
            ) => self.accepted(node, *log, *seq, *ballot, *value, t, quorum, &mut found),
            (Address::Node(_), Observation::Proposing { log, seq, own, .. }) => {
                let g = self.slots[log.index()].entry_or_insert_with(*seq, SlotGhost::default);
                if !g.proposed.contains(own) {
                    g.proposed.push(*own);
                }
            }
            (Address::Node(node), Observation::Learned { log, seq, value }) => {
                self.learned(node, *log, *seq, *value, t, &mut found)
            }
            (
                Address::Node(node),
                Observation::Served {
                    first,
                    last,
                    bound_seq,
                    ..
                },
            ) => self.served(node, *first, *last, *bound_seq, t, &mut found),
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
            _ => {}
        }
        for v in &found {
            self.reported.push((v.invariant, v.slot));
        }
        self.violations.extend(found.iter().cloned());
        found
    }

    fn already(&self, inv: Invariant, slot: Option<(LogId, Seq)>) -> bool {
        self.reported.contains(&(inv, slot)) || self.reported.len() >= 64
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

    #[allow(clippy::too_many_arguments)]
    fn accepted(
        &mut self,
        node: NodeId,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
        value: Value,
        t: Time,
        quorum: usize,
        found: &mut Vec<Violation>,
    ) {
        self.keep_promise(node, log, seq, ballot, "accepted", t, found);
        let s = Some((log, seq));
        let g = self.slots[log.index()].entry_or_insert_with(seq, SlotGhost::default);
        let nontrivial = g.proposed.contains(&value);
        let vote = match g.votes.iter_mut().find(|v| v.ballot == ballot) {
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
        if vote.acceptors.len() >= quorum {
            match g.chosen {
                None => g.chosen = Some(vote),
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
                let overlap = first.acceptors.intersection(vote.acceptors);
                let mut detail = format!(
                    "Two values were chosen at {}[{seq}]: {} by quorum {} at ballot {}, then {} \
                     by quorum {} at ballot {}. ",
                    log.name(),
                    first.value,
                    first.acceptors,
                    first.ballot,
                    vote.value,
                    vote.acceptors,
                    vote.ballot
                );
                if overlap.is_empty() {
                    let _ = write!(
                        detail,
                        "The quorums do not intersect, so no acceptor could carry the first value \
                         into the second ballot."
                    );
                } else {
                    let _ = write!(
                        detail,
                        "They share {overlap}, which should have reported the first value in its \
                         promise."
                    );
                }
                let mut nodes: Vec<NodeId> = first.acceptors.iter().collect();
                nodes.extend(
                    vote.acceptors
                        .iter()
                        .filter(|n| !first.acceptors.contains(*n)),
                );
                found.push(Violation {
                    invariant: Invariant::Agreement,
                    t,
                    nodes,
                    slot: s,
                    quorums: vec![first, vote],
                    ranges: vec![],
                    detail,
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
        let chosen = self.slots[log.index()].get(seq).and_then(|g| g.chosen);
        let problem = match chosen {
            None => Some(format!(
                "{node} learned {value} at {}[{seq}], but no quorum had accepted it.",
                log.name()
            )),
            Some(c) if c.value != value => Some(format!(
                "{node} learned {value} at {}[{seq}], but {} was chosen there (quorum {}).",
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
                    quorums: chosen.into_iter().collect(),
                    ranges: vec![],
                    detail,
                });
            }
        }
    }

    fn served(
        &mut self,
        node: NodeId,
        first: u64,
        last: u64,
        bound_seq: Option<Seq>,
        t: Time,
        found: &mut Vec<Violation>,
    ) {
        let range = ServedRange {
            node,
            first,
            last,
            t,
        };
        // Under the bound: the bound served under must be chosen, and at least `last`.
        let chosen = bound_seq.and_then(|s| {
            self.slots[LogId::Timestamp.index()]
                .get(s)
                .and_then(|g| g.chosen)
        });
        let ok = matches!(chosen, Some(QuorumVote { value: Value::Bound { bound, .. }, .. }) if bound >= last);
        if !ok && !self.already(Invariant::UnderBound, None) {
            let why = match (bound_seq, chosen) {
                (None, _) => "no bound had been agreed at all".to_string(),
                (Some(s), None) => format!("nothing was chosen at timestamp[{s}]"),
                (Some(s), Some(c)) => format!("timestamp[{s}] chose {}", c.value),
            };
            found.push(Violation {
                invariant: Invariant::UnderBound,
                t,
                nodes: vec![node],
                slot: bound_seq.map(|s| (LogId::Timestamp, s)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{LeaderId, StoreId};

    const L: LogId = LogId::Leadership;

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
            2,
        );
    }

    fn accept(
        c: &mut Checker,
        node: u8,
        seq: Seq,
        ballot: Ballot,
        v: Value,
        q: usize,
    ) -> Vec<Violation> {
        c.observe(
            at(node),
            &Observation::AcceptedValue {
                log: L,
                seq,
                ballot,
                value: v,
            },
            0,
            q,
        )
    }

    #[test]
    fn two_values_chosen_at_one_sequence_break_agreement_with_both_quorums() {
        let mut c = Checker::default();
        propose(&mut c, L, 0, leader(1));
        propose(&mut c, L, 0, leader(4));
        assert!(accept(&mut c, 1, 0, b(1, 1), leader(1), 2).is_empty());
        assert!(accept(&mut c, 2, 0, b(1, 1), leader(1), 2).is_empty());
        assert_eq!(c.chosen(L, 0).unwrap().value, leader(1));
        assert!(accept(&mut c, 4, 0, b(1, 4), leader(4), 2).is_empty());
        let v = accept(&mut c, 5, 0, b(1, 4), leader(4), 2);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].invariant, Invariant::Agreement);
        assert_eq!(v[0].quorums.len(), 2);
        assert!(v[0].detail.contains("do not intersect"), "{}", v[0].detail);
    }

    #[test]
    fn the_same_value_at_a_higher_ballot_is_fine() {
        let mut c = Checker::default();
        propose(&mut c, L, 0, leader(1));
        for n in [1, 2] {
            accept(&mut c, n, 0, b(1, 1), leader(1), 2);
        }
        for n in [2, 3] {
            assert!(accept(&mut c, n, 0, b(5, 3), leader(1), 2).is_empty());
        }
    }

    #[test]
    fn accepting_below_a_remembered_promise_is_caught_even_if_the_acceptor_forgot() {
        let mut c = Checker::default();
        propose(&mut c, L, 0, leader(1));
        c.observe(
            at(2),
            &Observation::Promised {
                log: L,
                seq: 0,
                ballot: b(5, 3),
            },
            0,
            3,
        );
        let v = accept(&mut c, 2, 0, b(2, 1), leader(1), 3);
        assert_eq!(v[0].invariant, Invariant::PromiseKept);
    }

    #[test]
    fn learning_an_unchosen_value_is_caught() {
        let mut c = Checker::default();
        let v = c.observe(
            at(3),
            &Observation::Learned {
                log: L,
                seq: 0,
                value: leader(2),
            },
            0,
            3,
        );
        assert_eq!(v[0].invariant, Invariant::LearnedChosen);
    }

    #[test]
    fn accepting_a_value_nobody_proposed_is_caught() {
        let mut c = Checker::default();
        let v = accept(&mut c, 1, 0, b(1, 1), leader(9), 3);
        assert_eq!(v[0].invariant, Invariant::Nontriviality);
    }

    fn bound_chosen(c: &mut Checker, seq: Seq, bound: u64) {
        let owner = StoreId {
            leader: LeaderId {
                node: NodeId(1),
                incarnation: 0,
            },
            epoch: 0,
        };
        let v = Value::Bound { bound, owner };
        c.observe(
            at(1),
            &Observation::Proposing {
                log: LogId::Timestamp,
                seq,
                ballot: b(1, 1),
                own: v,
            },
            0,
            1,
        );
        c.observe(
            at(1),
            &Observation::AcceptedValue {
                log: LogId::Timestamp,
                seq,
                ballot: b(1, 1),
                value: v,
            },
            0,
            1,
        );
    }

    fn serve(
        c: &mut Checker,
        node: u8,
        first: u64,
        last: u64,
        bound_seq: Option<Seq>,
    ) -> Vec<Violation> {
        c.observe(
            at(node),
            &Observation::Served {
                client: ClientId(0),
                request: 0,
                first,
                last,
                bound_seq,
                bound: 0,
            },
            0,
            1,
        )
    }

    #[test]
    fn timestamps_must_stay_under_an_agreed_bound() {
        let mut c = Checker::default();
        bound_chosen(&mut c, 0, 100);
        assert!(serve(&mut c, 1, 1, 100, Some(0)).is_empty());
        let v = serve(&mut c, 1, 101, 120, Some(0));
        assert_eq!(v[0].invariant, Invariant::UnderBound);
        let mut c = Checker::default();
        assert_eq!(
            serve(&mut c, 1, 1, 5, None)[0].invariant,
            Invariant::UnderBound
        );
    }

    #[test]
    fn a_timestamp_handed_out_twice_is_caught_across_leaders() {
        let mut c = Checker::default();
        bound_chosen(&mut c, 0, 1_000);
        assert!(serve(&mut c, 1, 1, 10, Some(0)).is_empty());
        assert!(serve(&mut c, 1, 11, 20, Some(0)).is_empty());
        assert_eq!(
            c.served_ranges().count(),
            1,
            "adjacent ranges of one leader merge"
        );
        assert!(serve(&mut c, 2, 30, 40, Some(0)).is_empty());
        let v = serve(&mut c, 2, 15, 16, Some(0));
        assert_eq!(v[0].invariant, Invariant::UniqueTimestamps);
        assert_eq!(v[0].nodes, vec![NodeId(1), NodeId(2)]);
    }

    #[test]
    fn ranges_with_the_same_start_are_both_kept() {
        // A stale leader repeating the new one's first timestamp: caught, and both ranges
        // stay for the number line to draw.
        let mut c = Checker::default();
        bound_chosen(&mut c, 0, 1_000);
        assert!(serve(&mut c, 1, 100, 110, Some(0)).is_empty());
        let v = serve(&mut c, 2, 100, 105, Some(0));
        assert_eq!(v[0].invariant, Invariant::UniqueTimestamps);
        let nodes: Vec<NodeId> = c.served_ranges().map(|r| r.node).collect();
        assert_eq!(nodes, vec![NodeId(1), NodeId(2)]);
    }

    #[test]
    fn a_later_request_must_get_larger_timestamps() {
        let mut c = Checker::default();
        let client = |n| Address::Client(ClientId(n));
        c.observe(
            client(0),
            &Observation::ClientStarted {
                request: 0,
                count: 1,
            },
            0,
            1,
        );
        c.observe(
            client(0),
            &Observation::ClientGranted {
                request: 0,
                from: at(2),
                first: 50,
                last: 60,
            },
            10,
            1,
        );
        // Client 1 starts after that reply arrived: it must get more than 60.
        c.observe(
            client(1),
            &Observation::ClientStarted {
                request: 0,
                count: 1,
            },
            11,
            1,
        );
        let v = c.observe(
            client(1),
            &Observation::ClientGranted {
                request: 0,
                from: at(1),
                first: 20,
                last: 21,
            },
            12,
            1,
        );
        assert_eq!(v[0].invariant, Invariant::RealTimeOrder);
        // Overlapping requests (started before the reply arrived) may come back in any order.
        let mut c = Checker::default();
        c.observe(
            client(0),
            &Observation::ClientStarted {
                request: 0,
                count: 1,
            },
            0,
            1,
        );
        c.observe(
            client(1),
            &Observation::ClientStarted {
                request: 0,
                count: 1,
            },
            1,
            1,
        );
        c.observe(
            client(0),
            &Observation::ClientGranted {
                request: 0,
                from: at(2),
                first: 50,
                last: 60,
            },
            10,
            1,
        );
        let v = c.observe(
            client(1),
            &Observation::ClientGranted {
                request: 0,
                from: at(1),
                first: 20,
                last: 21,
            },
            12,
            1,
        );
        assert!(v.is_empty());
    }
}

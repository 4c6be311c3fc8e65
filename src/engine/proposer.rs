//! The proposer: one attempt at getting a value chosen at one (log, seq).
//!
//! Prepare → a quorum of Promises → propose the highest-ballot value reported in them, else
//! our own → Accept → a quorum of Accepted → Learn to everyone (ourselves first). As in
//! AtlasDB's `PaxosProposerImpl`, one call is one attempt with no internal retry: the caller
//! (election loop or bound store) decides when to try again. The counter is volatile — it
//! restarts at zero after a crash, which is why ballots carry the incarnation.

use super::config::Delay;
use super::msg::{Msg, Phase};
use super::outbox::{FailReason, Observation, Outbox, TimerKind};
use super::types::{Address, Ballot, LogId, NodeId, NodeSet, Seq, Value};
use super::Ctx;

/// Result of a finished attempt.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum Outcome {
    /// A quorum accepted `value` (possibly adopted, not ours) at `seq`.
    Chosen {
        /// Sequence.
        seq: Seq,
        /// The chosen value.
        value: Value,
    },
    /// No quorum: pre-empted by a higher ballot or timed out.
    Failed {
        /// Sequence.
        seq: Seq,
        /// Why.
        reason: FailReason,
    },
}

/// An attempt in progress.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct Attempt {
    /// The instance.
    pub seq: Seq,
    /// Our ballot.
    pub ballot: Ballot,
    /// The value we want.
    pub own: Value,
    /// Current phase.
    pub phase: Phase,
    /// What phase 2 proposes (own or adopted).
    pub value: Value,
    /// Acceptors that acked the current phase.
    pub acks: NodeSet,
    /// Acceptors that refused the current phase.
    pub nacks: NodeSet,
    /// Acceptors whose connection was refused (`refused-connections` quirk): a failure that
    /// carries no reply.
    pub unreachable: NodeSet,
    /// Highest acceptance reported in promises so far.
    pub highest_accepted: Option<(Ballot, Value)>,
    /// Highest rival promise reported in Nacks.
    pub highest_promised: Option<Ballot>,
}

/// The proposer of one log on one node.
#[derive(Clone, Debug, PartialEq, Hash, Eq)]
pub struct Proposer {
    /// Which log.
    pub log: LogId,
    /// Last proposal number used (or seen in a Nack).
    pub counter: u64,
    /// The attempt in flight.
    pub attempt: Option<Attempt>,
}

impl Proposer {
    /// A fresh proposer (counter 0, as after a restart).
    pub fn new(log: LogId) -> Proposer {
        Proposer {
            log,
            counter: 0,
            attempt: None,
        }
    }

    /// Starts phase 1 for `own` at `seq` with a fresh ballot. Any attempt in flight is
    /// abandoned (its late replies no longer match).
    pub fn propose(&mut self, ctx: &Ctx<'_>, seq: Seq, own: Value, out: &mut Outbox) {
        self.counter += 1;
        let ballot = Ballot {
            number: self.counter,
            uuid: if ctx.cfg.quirks.uuid_ballots {
                ctx.uuid
            } else {
                0
            },
            node: ctx.me.node,
            incarnation: ctx.me.incarnation,
        };
        self.attempt = Some(Attempt {
            seq,
            ballot,
            own,
            phase: Phase::Prepare,
            value: own,
            acks: NodeSet::default(),
            nacks: NodeSet::default(),
            unreachable: NodeSet::default(),
            highest_accepted: None,
            highest_promised: None,
        });
        out.observe(Observation::Proposing {
            log: self.log,
            seq,
            ballot,
            own,
        });
        ctx.broadcast(
            out,
            Msg::Prepare {
                log: self.log,
                seq,
                ballot,
            },
        );
        out.set_timer(
            TimerKind::proposal_timeout(self.log),
            Delay::Exactly(ctx.cfg.quorum_timeout),
        );
        super::election::arm_resend(ctx.cfg, out);
    }

    fn current(&mut self, seq: Seq, ballot: Ballot, phase: Phase) -> Option<&mut Attempt> {
        self.attempt
            .as_mut()
            .filter(|a| a.seq == seq && a.ballot == ballot && a.phase == phase)
    }

    /// A Promise for our current phase-1 ballot.
    pub fn on_promise(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        seq: Seq,
        ballot: Ballot,
        accepted: Option<(Ballot, Value)>,
        out: &mut Outbox,
    ) -> Option<Outcome> {
        let log = self.log;
        let a = self.current(seq, ballot, Phase::Prepare)?;
        if !a.acks.insert(from) {
            return None;
        }
        if let Some((b, v)) = accepted {
            if a.highest_accepted.is_none_or(|(hb, _)| b > hb) {
                a.highest_accepted = Some((b, v));
            }
        }
        if a.acks.len() < ctx.cfg.quorum() {
            return None;
        }
        // Phase 1 done. The safety rule: adopt the highest-ballot value any promise reported.
        let adopted = match a.highest_accepted {
            Some((_, v)) if !ctx.cfg.bugs.ignore_promised_values => Some(v),
            _ => None,
        };
        a.value = adopted.unwrap_or(a.own);
        a.phase = Phase::Accept;
        a.acks = NodeSet::default();
        a.nacks = NodeSet::default();
        a.unreachable = NodeSet::default();
        let (value, ballot) = (a.value, a.ballot);
        out.observe(Observation::AcceptPhase {
            log,
            seq,
            ballot,
            value,
            adopted: adopted.is_some_and(|v| v != a.own),
        });
        ctx.broadcast(
            out,
            Msg::Accept {
                log,
                seq,
                ballot,
                value,
            },
        );
        out.set_timer(
            TimerKind::proposal_timeout(log),
            Delay::Exactly(ctx.cfg.quorum_timeout),
        );
        super::election::arm_resend(ctx.cfg, out);
        None
    }

    /// A Nack for our current attempt: note the rival's ballot, and give up once a quorum of
    /// acks has become impossible.
    #[allow(clippy::too_many_arguments)]
    pub fn on_nack(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        seq: Seq,
        ballot: Ballot,
        promised: Ballot,
        phase: Phase,
        out: &mut Outbox,
    ) -> Option<Outcome> {
        // Raise the counter past anything seen, even for a stale reply: the next attempt
        // must outrank the rival. (AtlasDB raises it only when phase 1 fails.)
        if !ctx.cfg.quirks.counter_after_phase_one {
            self.counter = self.counter.max(promised.number);
        }
        let a = self.current(seq, ballot, phase)?;
        if !a.nacks.insert(from) {
            return None;
        }
        if a.highest_promised.is_none_or(|p| promised > p) {
            a.highest_promised = Some(promised);
        }
        self.fail_if_hopeless(ctx, phase, out)
    }

    /// The connection to acceptor `from` was refused (`refused-connections` quirk): a failure
    /// for the current phase, like a Nack without a ballot.
    pub fn on_unreachable(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        seq: Seq,
        ballot: Ballot,
        phase: Phase,
        out: &mut Outbox,
    ) -> Option<Outcome> {
        let a = self.current(seq, ballot, phase)?;
        if !a.unreachable.insert(from) {
            return None;
        }
        self.fail_if_hopeless(ctx, phase, out)
    }

    /// Fails the attempt once refusals and unreachable acceptors leave no quorum possible.
    fn fail_if_hopeless(
        &mut self,
        ctx: &Ctx<'_>,
        phase: Phase,
        out: &mut Outbox,
    ) -> Option<Outcome> {
        let a = self.attempt.as_ref()?;
        if a.nacks.len() + a.unreachable.len() <= ctx.max_refusals() {
            return None;
        }
        let reason = match a.highest_promised {
            Some(promised) => FailReason::Nacked { promised, phase },
            None => FailReason::Unreachable { phase },
        };
        Some(self.fail(ctx, reason, out))
    }

    /// An Accepted for our current phase-2 ballot; at a quorum the value is chosen.
    pub fn on_accepted(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        seq: Seq,
        ballot: Ballot,
        out: &mut Outbox,
    ) -> Option<Outcome> {
        let log = self.log;
        let a = self.current(seq, ballot, Phase::Accept)?;
        if !a.acks.insert(from) || a.acks.len() < ctx.cfg.quorum() {
            return None;
        }
        let value = a.value;
        self.attempt = None;
        out.cancel_timer(TimerKind::proposal_timeout(log));
        out.observe(Observation::AttemptChosen {
            log,
            seq,
            ballot,
            value,
        });
        // Learn: to ourselves first (reliable, in-line in AtlasDB), then everyone else
        // (fire-and-forget).
        let learn = Msg::Learn {
            log,
            seq,
            ballot,
            value,
        };
        out.send(Address::Node(ctx.me.node), learn.clone());
        for i in 0..usize::from(ctx.cfg.nodes) {
            let to = NodeId::from_index(i);
            if to != ctx.me.node {
                out.send(Address::Node(to), learn.clone());
            }
        }
        Some(Outcome::Chosen { seq, value })
    }

    /// The quorum timeout fired.
    pub fn on_timeout(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) -> Option<Outcome> {
        let phase = self.attempt.as_ref()?.phase;
        Some(self.fail(ctx, FailReason::Timeout { phase }, out))
    }

    fn fail(&mut self, ctx: &Ctx<'_>, reason: FailReason, out: &mut Outbox) -> Outcome {
        let log = self.log;
        let a = self.attempt.take().expect("failing an attempt in flight");
        if ctx.cfg.quirks.counter_after_phase_one && a.phase == Phase::Prepare {
            // PaxosProposerImpl: after phase 1 fails, the next number is one past the highest
            // promise in any reply (acks carry our own number, Nacks the rival's).
            let seen = a.highest_promised.map_or(0, |p| p.number);
            self.counter = self.counter.max(seen);
        }
        out.cancel_timer(TimerKind::proposal_timeout(log));
        out.observe(Observation::AttemptFailed {
            log,
            seq: a.seq,
            ballot: a.ballot,
            reason,
        });
        Outcome::Failed { seq: a.seq, reason }
    }

    /// Drops the attempt in flight without reporting (the caller moved on).
    pub fn abandon(&mut self, out: &mut Outbox) {
        if self.attempt.take().is_some() {
            out.cancel_timer(TimerKind::proposal_timeout(self.log));
        }
    }
}

impl Attempt {
    /// The request of the current phase, for retransmission to silent acceptors.
    pub fn request(&self, log: LogId) -> Msg {
        match self.phase {
            Phase::Prepare => Msg::Prepare {
                log,
                seq: self.seq,
                ballot: self.ballot,
            },
            Phase::Accept => Msg::Accept {
                log,
                seq: self.seq,
                ballot: self.ballot,
                value: self.value,
            },
        }
    }

    /// Acceptors that answered the current phase either way (or refused the connection).
    pub fn answered(&self) -> NodeSet {
        NodeSet(self.acks.0 | self.nacks.0 | self.unreachable.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::*;

    #[test]
    fn prepares_every_acceptor_with_a_fresh_ballot() {
        let cfg = config(3);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&ctx(&cfg), 0, leader_value(1), &mut out);
        let prepares = sent_of(&out, "Prepare");
        assert_eq!(
            prepares.len(),
            3,
            "one Prepare per acceptor, ourselves included"
        );
        assert_eq!(
            prepares[0].0,
            Address::Node(NodeId(1)),
            "our own acceptor first"
        );
        assert_eq!(p.attempt.unwrap().ballot, ballot(1, 1));
    }

    #[test]
    fn adopts_the_highest_ballot_value_reported_in_promises() {
        // Rule P2c: with a quorum of promises, propose the value of the highest-numbered
        // acceptance reported, not our own.
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        p.counter = 9;
        let mut out = Outbox::default();
        p.propose(&c, 4, leader_value(1), &mut out);
        let b = ballot(10, 1);
        p.on_promise(
            &c,
            NodeId(1),
            4,
            b,
            Some((ballot(3, 2), leader_value(2))),
            &mut out,
        );
        p.on_promise(
            &c,
            NodeId(2),
            4,
            b,
            Some((ballot(7, 3), leader_value(3))),
            &mut out,
        );
        out.clear();
        assert_eq!(p.on_promise(&c, NodeId(3), 4, b, None, &mut out), None);
        let accepts = sent_of(&out, "Accept");
        assert_eq!(accepts.len(), 5);
        assert!(matches!(accepts[0].1, Msg::Accept { value, .. } if value == leader_value(3)));
        assert!(observed(&out)
            .iter()
            .any(|o| matches!(o, Observation::AcceptPhase { adopted: true, .. })));
    }

    #[test]
    fn the_ignore_bug_proposes_its_own_value_anyway() {
        let mut cfg = config(3);
        cfg.bugs.ignore_promised_values = true;
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(1, 1);
        p.on_promise(
            &c,
            NodeId(2),
            0,
            b,
            Some((ballot(0, 2), leader_value(2))),
            &mut out,
        );
        out.clear();
        p.on_promise(&c, NodeId(3), 0, b, None, &mut out);
        assert!(
            matches!(sent_of(&out, "Accept")[0].1, Msg::Accept { value, .. } if value == leader_value(1))
        );
    }

    #[test]
    fn fails_once_a_quorum_is_impossible_and_outranks_the_rival_next_time() {
        // Rule: on Nack raise the counter past the highest ballot seen; give up when the
        // refusals leave no quorum.
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(1, 1);
        let rival = ballot(4, 3);
        assert_eq!(
            p.on_nack(&c, NodeId(2), 0, b, rival, Phase::Prepare, &mut out),
            None
        );
        assert_eq!(
            p.on_nack(&c, NodeId(3), 0, b, rival, Phase::Prepare, &mut out),
            None,
            "2 of 5 refusing still leaves a quorum"
        );
        let outcome = p.on_nack(&c, NodeId(4), 0, b, rival, Phase::Prepare, &mut out);
        assert!(
            matches!(outcome, Some(Outcome::Failed { reason: FailReason::Nacked { promised, .. }, .. }) if promised == rival)
        );
        assert!(p.attempt.is_none());
        p.propose(&c, 0, leader_value(1), &mut out);
        assert!(p.attempt.unwrap().ballot > rival);
    }

    #[test]
    fn a_quorum_of_accepted_chooses_and_learns_locally_first() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Timestamp);
        let mut out = Outbox::default();
        let v = leader_value(1);
        p.propose(&c, 2, v, &mut out);
        let b = ballot(1, 1);
        p.on_promise(&c, NodeId(1), 2, b, None, &mut out);
        p.on_promise(&c, NodeId(2), 2, b, None, &mut out);
        out.clear();
        assert_eq!(p.on_accepted(&c, NodeId(1), 2, b, &mut out), None);
        assert_eq!(
            p.on_accepted(&c, NodeId(1), 2, b, &mut out),
            None,
            "duplicates do not count twice"
        );
        let outcome = p.on_accepted(&c, NodeId(3), 2, b, &mut out);
        assert_eq!(outcome, Some(Outcome::Chosen { seq: 2, value: v }));
        let learns = sent_of(&out, "Learn");
        assert_eq!(learns.len(), 3);
        assert_eq!(learns[0].0, Address::Node(NodeId(1)));
    }

    #[test]
    fn stale_replies_are_ignored() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        p.propose(&c, 0, leader_value(1), &mut out); // abandons ballot 1
        let old = ballot(1, 1);
        assert_eq!(p.on_promise(&c, NodeId(2), 0, old, None, &mut out), None);
        assert!(p.attempt.unwrap().acks.is_empty());
        assert_eq!(
            p.on_timeout(&c, &mut out)
                .map(|o| matches!(o, Outcome::Failed { .. })),
            Some(true)
        );
    }

    #[test]
    fn atlasdb_raises_the_counter_only_when_phase_one_fails() {
        // PaxosProposerImpl.propose: a phase-2 Nack leaves proposalNumber alone; a failed
        // phase 1 raises it to the highest promised number among the replies.
        let mut cfg = config(3);
        cfg.quirks.counter_after_phase_one = true;
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(1, 1);
        p.on_promise(&c, NodeId(1), 0, b, None, &mut out);
        p.on_promise(&c, NodeId(2), 0, b, None, &mut out);
        // Phase 2 is refused by two acceptors that promised (7, N3) meanwhile.
        let rival = ballot(7, 3);
        p.on_nack(&c, NodeId(2), 0, b, rival, Phase::Accept, &mut out);
        let failed = p.on_nack(&c, NodeId(3), 0, b, rival, Phase::Accept, &mut out);
        assert!(matches!(failed, Some(Outcome::Failed { .. })));
        assert_eq!(p.counter, 1, "no raise after phase 2");
        // The next attempt's phase 1 fails against the same rival: now it is raised.
        p.propose(&c, 0, leader_value(1), &mut out);
        let b2 = ballot(2, 1);
        p.on_nack(&c, NodeId(2), 0, b2, rival, Phase::Prepare, &mut out);
        assert_eq!(p.counter, 2, "not on the Nack itself");
        p.on_nack(&c, NodeId(3), 0, b2, rival, Phase::Prepare, &mut out);
        assert_eq!(
            p.counter, 7,
            "raised to the rival's number when phase 1 fails"
        );
        p.propose(&c, 0, leader_value(1), &mut out);
        assert_eq!(p.attempt.unwrap().ballot.number, 8);
        // The textbook proposer raises on every Nack.
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        p.propose(&c, 0, leader_value(1), &mut out);
        p.on_nack(&c, NodeId(2), 0, b, rival, Phase::Accept, &mut out);
        assert_eq!(p.counter, 7);
    }

    #[test]
    fn atlasdb_breaks_ballot_ties_by_the_proposers_uuid() {
        // PaxosProposalId.compareTo: number first, then the proposer UUID.
        let mut cfg = config(3);
        cfg.quirks.uuid_ballots = true;
        let mut c = ctx(&cfg);
        c.uuid = 0xFFFF_0000;
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let mine = p.attempt.unwrap().ballot;
        assert_eq!(mine.uuid, 0xFFFF_0000);
        let n3_low_uuid = Ballot {
            uuid: 5,
            ..ballot(1, 3)
        };
        assert!(
            mine > n3_low_uuid,
            "N1 outranks N3 at equal numbers: its UUID is higher"
        );
        assert!(ballot(1, 3) > ballot(1, 1), "by node id in the textbook");
        // Without the quirk the UUID stays out of the ballot.
        let cfg = config(3);
        let mut c = ctx(&cfg);
        c.uuid = 0xFFFF_0000;
        p.propose(&c, 0, leader_value(1), &mut out);
        assert_eq!(p.attempt.unwrap().ballot.uuid, 0);
    }

    #[test]
    fn a_refused_connection_counts_as_a_failure_without_a_ballot() {
        // refused-connections: non-retrying channels fail at once; PaxosQuorumChecker counts
        // the failure towards giving up, and the counter learns nothing from it.
        let mut cfg = config(3);
        cfg.quirks.refused_connections = true;
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(1, 1);
        assert_eq!(
            p.on_unreachable(&c, NodeId(2), 0, b, Phase::Prepare, &mut out),
            None
        );
        let failed = p.on_unreachable(&c, NodeId(3), 0, b, Phase::Prepare, &mut out);
        assert!(matches!(
            failed,
            Some(Outcome::Failed {
                reason: FailReason::Unreachable {
                    phase: Phase::Prepare
                },
                ..
            })
        ));
        assert_eq!(p.counter, 1);
    }

    #[test]
    fn the_failure_names_the_highest_rival_promise_whatever_order_the_nacks_come_in() {
        // The next ballot must outrank every rival seen, so the failure reports the highest
        // promise among the Nacks, not the first or the last.
        for order in [[2u64, 9, 5], [9, 2, 5], [5, 2, 9]] {
            let cfg = config(5);
            let c = ctx(&cfg);
            let mut p = Proposer::new(LogId::Leadership);
            let mut out = Outbox::default();
            p.propose(&c, 0, leader_value(1), &mut out);
            let b = ballot(1, 1);
            let mut outcome = None;
            for (i, n) in order.into_iter().enumerate() {
                let from = NodeId(u8::try_from(i).unwrap() + 2);
                let rival = ballot(n, 3);
                outcome = p.on_nack(&c, from, 0, b, rival, Phase::Prepare, &mut out);
            }
            assert_eq!(
                outcome,
                Some(Outcome::Failed {
                    seq: 0,
                    reason: FailReason::Nacked {
                        promised: ballot(9, 3),
                        phase: Phase::Prepare
                    }
                }),
                "{order:?}"
            );
        }
    }

    #[test]
    fn a_duplicate_nack_or_refusal_does_not_count_twice() {
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(1, 1);
        let rival = ballot(4, 3);
        for _ in 0..3 {
            assert_eq!(
                p.on_nack(&c, NodeId(2), 0, b, rival, Phase::Prepare, &mut out),
                None
            );
            assert_eq!(
                p.on_unreachable(&c, NodeId(3), 0, b, Phase::Prepare, &mut out),
                None
            );
        }
        assert!(
            p.attempt.is_some(),
            "two acceptors of five refused: still hopeful"
        );
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b0110));
        // A Nack for another phase or ballot is not ours.
        assert_eq!(
            p.on_nack(&c, NodeId(4), 0, b, rival, Phase::Accept, &mut out),
            None
        );
        assert_eq!(
            p.on_nack(
                &c,
                NodeId(4),
                0,
                ballot(2, 1),
                rival,
                Phase::Prepare,
                &mut out
            ),
            None
        );
        assert_eq!(
            p.on_unreachable(&c, NodeId(4), 1, b, Phase::Prepare, &mut out),
            None
        );
        assert!(p.attempt.is_some());
        // The third distinct refusal ends it: a Nack and an unreachable acceptor both count.
        let failed = p.on_unreachable(&c, NodeId(4), 0, b, Phase::Prepare, &mut out);
        assert_eq!(
            failed,
            Some(Outcome::Failed {
                seq: 0,
                reason: FailReason::Nacked {
                    promised: rival,
                    phase: Phase::Prepare
                }
            }),
            "the failure still names the rival's promise"
        );
    }

    #[test]
    fn the_attempt_resends_its_current_phase_to_whoever_has_not_answered() {
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Timestamp);
        let mut out = Outbox::default();
        let v = leader_value(1);
        p.propose(&c, 4, v, &mut out);
        let b = ballot(1, 1);
        let a = p.attempt.unwrap();
        assert_eq!(
            a.request(LogId::Timestamp),
            Msg::Prepare {
                log: LogId::Timestamp,
                seq: 4,
                ballot: b
            }
        );
        assert!(a.answered().is_empty());
        p.on_promise(&c, NodeId(2), 4, b, None, &mut out);
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b010));
        p.on_promise(&c, NodeId(3), 4, b, None, &mut out);
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b110));
        p.on_promise(&c, NodeId(4), 4, b, None, &mut out);
        // Phase 2: nobody has answered it yet, and the request is the Accept.
        let a = p.attempt.unwrap();
        assert!(a.answered().is_empty(), "answers are per phase");
        assert_eq!(
            a.request(LogId::Timestamp),
            Msg::Accept {
                log: LogId::Timestamp,
                seq: 4,
                ballot: b,
                value: v
            }
        );
        p.on_nack(&c, NodeId(3), 4, b, ballot(2, 2), Phase::Accept, &mut out);
        p.on_unreachable(&c, NodeId(1), 4, b, Phase::Accept, &mut out);
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b101));
        // An acceptor counted twice (a late ack after its refusal, or after a refused resend)
        // has still answered.
        assert_eq!(p.on_accepted(&c, NodeId(3), 4, b, &mut out), None);
        assert_eq!(p.on_accepted(&c, NodeId(1), 4, b, &mut out), None);
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b101));
        // So has one that refused and then refused the connection of a resend.
        p.propose(&c, 5, v, &mut out);
        let b2 = p.attempt.unwrap().ballot;
        p.on_nack(&c, NodeId(5), 5, b2, ballot(9, 2), Phase::Prepare, &mut out);
        assert_eq!(
            p.on_unreachable(&c, NodeId(5), 5, b2, Phase::Prepare, &mut out),
            None
        );
        assert_eq!(p.attempt.unwrap().answered(), NodeSet(0b1_0000));
    }

    #[test]
    fn an_abandoned_attempt_stops_its_timer_and_ignores_late_replies() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.propose(&c, 0, leader_value(1), &mut out);
        out.clear();
        p.abandon(&mut out);
        assert!(p.attempt.is_none());
        assert!(out.commands.iter().any(|cmd| matches!(
            cmd,
            crate::engine::Command::CancelTimer(TimerKind::LeadershipProposalTimeout)
        )));
        let b = ballot(1, 1);
        for n in 1..=3 {
            assert_eq!(p.on_promise(&c, NodeId(n), 0, b, None, &mut out), None);
        }
        assert!(sent_of(&out, "Accept").is_empty());
        assert_eq!(p.on_timeout(&c, &mut out), None, "nothing left to time out");
        // Abandoning nothing cancels nothing.
        out.clear();
        p.abandon(&mut out);
        assert!(out.commands.is_empty());
    }

    #[test]
    fn timing_out_reports_the_phase_and_cancels_nothing_twice() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Timestamp);
        let mut out = Outbox::default();
        p.propose(&c, 3, leader_value(1), &mut out);
        let b = ballot(1, 1);
        p.on_promise(&c, NodeId(1), 3, b, None, &mut out);
        p.on_promise(&c, NodeId(2), 3, b, None, &mut out);
        out.clear();
        assert_eq!(
            p.on_timeout(&c, &mut out),
            Some(Outcome::Failed {
                seq: 3,
                reason: FailReason::Timeout {
                    phase: Phase::Accept
                }
            })
        );
        assert!(p.attempt.is_none());
        assert!(observed(&out).iter().any(|o| matches!(
            o,
            Observation::AttemptFailed { seq: 3, ballot, .. } if *ballot == b
        )));
        assert!(out.commands.iter().any(|cmd| matches!(
            cmd,
            crate::engine::Command::CancelTimer(TimerKind::TimestampProposalTimeout)
        )));
    }

    #[test]
    fn adopting_our_own_value_back_is_not_called_adopting() {
        // A promise may report our own value (accepted at an earlier ballot of ours): phase 2
        // proposes it, and the observation does not claim another value was adopted.
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut p = Proposer::new(LogId::Leadership);
        let mut out = Outbox::default();
        p.counter = 4;
        p.propose(&c, 0, leader_value(1), &mut out);
        let b = ballot(5, 1);
        let earlier = Some((ballot(2, 1), leader_value(1)));
        p.on_promise(&c, NodeId(2), 0, b, earlier, &mut out);
        out.clear();
        p.on_promise(&c, NodeId(3), 0, b, None, &mut out);
        assert!(observed(&out).iter().any(|o| matches!(
            o,
            Observation::AcceptPhase { adopted: false, value, .. } if *value == leader_value(1)
        )));
    }
}

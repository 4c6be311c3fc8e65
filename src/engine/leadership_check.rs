//! "Am I still the leader?" — one rule, used by the election loop and by the timestamp service.
//!
//! A process whose learned leadership value names it does not know whether a later round has
//! been prepared or chosen meanwhile: its learner may simply not have heard. There is no lease;
//! it asks every acceptor for its latest leadership sequence and counts. Any later round was
//! prepared by a quorum of acceptors, and any two quorums intersect, so a quorum answering
//! "nothing later than round `seq`" proves no later round had been prepared when they answered.
//! Conversely once more than `max_refusals` acceptors report a later round (or cannot be
//! reached), no quorum can agree any more and waiting is pointless.
//!
//! The election loop checks before it starts leading (AtlasDB's latest-round verification in
//! `blockOnBecomingLeader`); the service checks again before serving each batch of requests,
//! and also fences the timestamp bound: an acceptor that knows a later bound sequence than the
//! store serves under reports the store as stale (see [`super::timestamp`]). Both used to tally
//! and count on their own; the tally and the quorum arithmetic now live here, as a pure value
//! that turns each reply, refusal or timeout into a [`CheckVerdict`]. What to *do* about a
//! verdict stays with each caller: the election catches up or loops, the service gives up
//! leadership, drops a stale store or retries.

use std::fmt::Debug;
use std::hash::Hash;

use super::config::Delay;
use super::election::arm_resend;
use super::msg::{Msg, QueryId};
use super::node::Node;
use super::outbox::{Outbox, TimerKind};
use super::types::{LogId, NodeId, NodeSet, Seq};
use super::{Ctx, ProtocolConfig};

/// Where a check stands after an event: the caller acts on every verdict but `Pending`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckVerdict {
    /// Neither a quorum of agreement nor its impossibility yet: keep waiting.
    Pending,
    /// A quorum reported nothing later than our round (and, when fenced, no later bound): by
    /// quorum intersection, we still lead and the store's bound is the latest.
    Confirmed,
    /// Acceptors reported a later leadership round (AtlasDB's SOME_DISAGREED): someone else
    /// has prepared past us, so we do not lead.
    LaterRound,
    /// No later round, but acceptors know a later timestamp-bound sequence than the store
    /// serves under: still leading, yet another store moved the bound, so this one is stale.
    StaleBound,
    /// No quorum answered either way and nobody reported anything later (AtlasDB's
    /// NO_QUORUM): nothing was learned, so the caller tries again.
    NoQuorum,
}

/// The acceptors that reported a stale bound. The service's check keeps a [`NodeSet`]; the
/// election's has no bound to fence and keeps [`NoFence`], so it cannot hold a stale report —
/// and hashes exactly as the check without a stale set always did (the model checker's
/// state counts depend on it).
pub trait StaleTally: Copy + Debug + Default + Eq + Hash {
    /// The acceptors counted, so the quorum arithmetic treats every kind of check alike.
    fn nodes(self) -> NodeSet;
}

impl StaleTally for NodeSet {
    fn nodes(self) -> NodeSet {
        self
    }
}

/// The election's check fences nothing: leadership is all it asks about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoFence;

impl StaleTally for NoFence {
    fn nodes(self) -> NodeSet {
        NodeSet::default()
    }
}

/// One check of leadership round `seq`: the replies to query `query`, tallied by acceptor so a
/// repeated reply (a resend answered twice, a duplicated message) counts once.
///
/// The field order is the order the derived `Hash` feeds the model checker's fingerprints;
/// it matches the states these checks replaced, so keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeadershipCheck<S = NodeSet> {
    /// Correlates replies with this check: a reply to an older check must not count.
    pub query: QueryId,
    /// The leadership round we believe we hold; only a later one disagrees.
    pub seq: Seq,
    /// Acceptors reporting nothing later: a quorum of them confirms.
    pub agree: NodeSet,
    /// Acceptors reporting a later leadership round.
    pub disagree: NodeSet,
    /// Acceptors reporting no later round but a later bound sequence (fenced checks only).
    pub stale: S,
    /// Acceptors whose connection was refused (`refused-connections` quirk): no answer, but
    /// no longer one we can wait for.
    pub unreachable: NodeSet,
}

impl<S: StaleTally> LeadershipCheck<S> {
    /// A check with nothing counted yet, so only replies to `query` fill it.
    pub fn new(query: QueryId, seq: Seq) -> Self {
        LeadershipCheck {
            query,
            seq,
            agree: NodeSet::default(),
            disagree: NodeSet::default(),
            stale: S::default(),
            unreachable: NodeSet::default(),
        }
    }

    /// The question every acceptor is asked (sent at the start, resent to the silent ones).
    pub fn request(&self) -> Msg {
        Msg::LatestSeq {
            log: LogId::Leadership,
            query: self.query,
        }
    }

    /// Acceptors that need no resend: they answered, or their connection was refused.
    pub fn answered(&self) -> NodeSet {
        NodeSet(self.agree.0 | self.disagree.0 | self.stale.nodes().0 | self.unreachable.0)
    }

    /// `from` could not be reached: one fewer acceptor that might still agree. Ends the check
    /// once too few are left for a quorum.
    pub fn record_refused(&mut self, ctx: &Ctx<'_>, from: NodeId) -> CheckVerdict {
        self.unreachable.insert(from);
        self.verdict(ctx, self.unreachable.len())
    }

    /// The check's time is up without a quorum either way: any report of a later round
    /// outweighs a stale bound, which outweighs mere silence.
    pub fn timed_out(&self) -> CheckVerdict {
        if !self.disagree.is_empty() {
            CheckVerdict::LaterRound
        } else if !self.stale.nodes().is_empty() {
            CheckVerdict::StaleBound
        } else {
            CheckVerdict::NoQuorum
        }
    }

    /// Counts `from`'s report of a later round (or of nothing later).
    fn tally_round(&mut self, from: NodeId, latest: Option<Seq>) -> bool {
        let later = latest.is_some_and(|l| l > self.seq);
        if later {
            self.disagree.insert(from);
        }
        later
    }

    /// The verdict on the tally, counting `unreachable` refused acceptors against a quorum.
    ///
    /// A quorum of agreement confirms. Otherwise, once disagreeing, stale and unreachable
    /// acceptors leave no quorum possible: a later round wins if more than `max_refusals`
    /// report it, or if any does and nobody reports a stale bound; else a stale bound; else
    /// nothing later was reported and the answers are simply missing.
    fn verdict(&self, ctx: &Ctx<'_>, unreachable: usize) -> CheckVerdict {
        if self.agree.len() >= ctx.quorum() {
            return CheckVerdict::Confirmed;
        }
        let max_refusals = ctx.max_refusals();
        let (disagree, stale) = (self.disagree.len(), self.stale.nodes().len());
        if disagree + stale + unreachable <= max_refusals {
            CheckVerdict::Pending
        } else if disagree > max_refusals || (disagree > 0 && stale == 0) {
            CheckVerdict::LaterRound
        } else if stale > 0 {
            CheckVerdict::StaleBound
        } else {
            CheckVerdict::NoQuorum
        }
    }
}

impl LeadershipCheck<NoFence> {
    /// The election's tally of `from`'s latest leadership sequence.
    ///
    /// A reply ends the election's check only when the replies alone decide it (a quorum
    /// agrees, or more than `max_refusals` report a later round); refused acceptors are weighed
    /// when a refusal arrives and at the timeout. That is the election loop's rule as it has
    /// always run, and the pinned traces depend on it.
    pub fn record_reply(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        latest: Option<Seq>,
    ) -> CheckVerdict {
        if !self.tally_round(from, latest) {
            self.agree.insert(from);
        }
        self.verdict(ctx, 0)
    }
}

impl LeadershipCheck<NodeSet> {
    /// The service's tally of `from`'s latest leadership sequence and latest bound sequence
    /// `bound_seq`. `fence` is `Some(mine)` when the bound is fenced (`mine`: the sequence the
    /// store serves under, `None` if nothing is agreed yet): a later bound makes `from` report
    /// the store stale instead of agreeing.
    ///
    /// The service settles as soon as no quorum of agreement is possible, refused acceptors
    /// included: it must not make a waiting client wait for a foregone timeout.
    pub fn record_reply(
        &mut self,
        ctx: &Ctx<'_>,
        from: NodeId,
        latest: Option<Seq>,
        bound_seq: Option<Seq>,
        fence: Option<Option<Seq>>,
    ) -> CheckVerdict {
        if !self.tally_round(from, latest) {
            if fence.is_some_and(|mine| bound_seq > mine) {
                self.stale.insert(from);
            } else {
                self.agree.insert(from);
            }
        }
        self.verdict(ctx, self.unreachable.len())
    }
}

impl Node {
    /// Asks every acceptor (ourselves included) whether a round later than `seq` exists, and
    /// arms the check's `timeout` and the resend timer. The caller stores the returned check
    /// where its replies will find it.
    pub(crate) fn start_leadership_check<S: StaleTally>(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        timeout: TimerKind,
        out: &mut Outbox,
    ) -> LeadershipCheck<S> {
        let check = LeadershipCheck::new(self.next_query(), seq);
        self.ctx(cfg).broadcast(out, check.request());
        out.set_timer(timeout, Delay::Exactly(cfg.quorum_timeout));
        arm_resend(cfg, out);
        check
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::{config, ctx};
    use CheckVerdict::*;

    const ROUND: Seq = 4;

    fn election() -> LeadershipCheck<NoFence> {
        LeadershipCheck::new(7, ROUND)
    }

    fn service() -> LeadershipCheck {
        LeadershipCheck::new(7, ROUND)
    }

    /// A fence for a store serving under bound sequence 2.
    const FENCE: Option<Option<Seq>> = Some(Some(2));

    #[test]
    fn a_quorum_of_agreement_confirms_at_exactly_the_quorum() {
        for (n, quorum) in [(3u8, 2u8), (5, 3)] {
            let cfg = config(n);
            let c = ctx(&cfg);
            let (mut e, mut s) = (election(), service());
            for i in 1..quorum {
                // Nothing at all, or exactly our round: both agree.
                let latest = if i % 2 == 0 { None } else { Some(ROUND) };
                assert_eq!(e.record_reply(&c, NodeId(i), latest), Pending, "{n}: {i}");
                assert_eq!(
                    s.record_reply(&c, NodeId(i), latest, Some(2), FENCE),
                    Pending
                );
            }
            assert_eq!(e.record_reply(&c, NodeId(quorum), Some(0)), Confirmed);
            assert_eq!(
                s.record_reply(&c, NodeId(quorum), Some(0), None, FENCE),
                Confirmed
            );
        }
    }

    #[test]
    fn a_later_round_ends_the_check_once_no_quorum_can_agree() {
        for (n, max_refusals) in [(3u8, 1u8), (5, 2)] {
            let cfg = config(n);
            let c = ctx(&cfg);
            let (mut e, mut s) = (election(), service());
            for i in 1..=max_refusals {
                assert_eq!(e.record_reply(&c, NodeId(i), Some(ROUND + 1)), Pending);
                assert_eq!(
                    s.record_reply(&c, NodeId(i), Some(ROUND + 1), None, FENCE),
                    Pending
                );
            }
            let last = NodeId(max_refusals + 1);
            assert_eq!(e.record_reply(&c, last, Some(ROUND + 1)), LaterRound);
            assert_eq!(
                s.record_reply(&c, last, Some(ROUND + 1), None, FENCE),
                LaterRound
            );
        }
    }

    #[test]
    fn a_repeated_reply_from_one_acceptor_counts_once() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let mut e = election();
        for _ in 0..3 {
            assert_eq!(e.record_reply(&c, NodeId(2), None), Pending);
        }
        assert_eq!(e.agree, NodeSet(0b010));
        // Of five, a later round and a refusal leave a quorum possible however often they
        // are repeated.
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut s = service();
        for _ in 0..3 {
            assert_eq!(
                s.record_reply(&c, NodeId(3), Some(ROUND + 1), None, None),
                Pending
            );
            assert_eq!(s.record_refused(&c, NodeId(2)), Pending);
        }
        assert_eq!(
            (s.disagree, s.unreachable),
            (NodeSet(0b100), NodeSet(0b010))
        );
        assert_eq!(s.answered(), NodeSet(0b110));
    }

    #[test]
    fn a_later_bound_is_stale_only_behind_the_fence_and_a_later_round_outranks_it() {
        let cfg = config(3);
        let c = ctx(&cfg);
        // Fence off (`no-bound-fence`, `leadership-only-check`): a later bound agrees.
        let mut s = service();
        s.record_reply(&c, NodeId(1), None, Some(9), None);
        assert_eq!(
            s.record_reply(&c, NodeId(2), None, Some(9), None),
            Confirmed
        );
        // Fenced: the same bound sequence agrees, a later one is stale; "nothing agreed yet"
        // is behind any bound at all.
        let mut s = service();
        assert_eq!(s.record_reply(&c, NodeId(1), None, Some(2), FENCE), Pending);
        assert_eq!(s.record_reply(&c, NodeId(2), None, Some(3), FENCE), Pending);
        assert_eq!((s.agree, s.stale), (NodeSet(0b001), NodeSet(0b010)));
        assert_eq!(
            s.record_reply(&c, NodeId(3), None, Some(3), FENCE),
            StaleBound
        );
        let mut s = service();
        s.record_reply(&c, NodeId(1), None, Some(0), Some(None));
        assert_eq!(s.stale, NodeSet(0b001));
        // A later round and a later bound from one acceptor: the round is what it reports.
        let mut s = service();
        s.record_reply(&c, NodeId(1), Some(ROUND + 1), Some(9), FENCE);
        assert_eq!((s.disagree, s.stale), (NodeSet(0b001), NodeSet(0)));
        // One later round and one stale bound of three: the stale store is the finding.
        assert_eq!(
            s.record_reply(&c, NodeId(2), None, Some(9), FENCE),
            StaleBound
        );
        // Of five: one stale report and two later rounds still leave the stale store as the
        // finding (a minority reported the later round).
        let cfg = config(5);
        let c = ctx(&cfg);
        let mut s = service();
        s.record_reply(&c, NodeId(1), None, Some(9), FENCE);
        assert_eq!(
            s.record_reply(&c, NodeId(2), Some(ROUND + 1), None, FENCE),
            Pending
        );
        assert_eq!(
            s.record_reply(&c, NodeId(3), Some(ROUND + 1), None, FENCE),
            StaleBound
        );
        // More than `max_refusals` later rounds outrank any stale report. (Events arrive one
        // at a time, so a check ends before such a tally forms; the rule covers it anyway.)
        s.disagree = NodeSet(0b01110);
        assert_eq!(s.verdict(&c, 0), LaterRound);
        // Later rounds alone, no stale report, even short of a quorum of them: a later round.
        let mut s = service();
        s.record_refused(&c, NodeId(4));
        s.record_refused(&c, NodeId(5));
        assert_eq!(
            s.record_reply(&c, NodeId(2), Some(ROUND + 1), None, FENCE),
            LaterRound
        );
    }

    #[test]
    fn refusals_end_the_check_as_no_quorum_unless_someone_disagreed() {
        for (n, max_refusals) in [(3u8, 1u8), (5, 2)] {
            let cfg = config(n);
            let c = ctx(&cfg);
            let (mut e, mut s) = (election(), service());
            for i in 2..=max_refusals + 1 {
                assert_eq!(e.record_refused(&c, NodeId(i)), Pending);
                assert_eq!(s.record_refused(&c, NodeId(i)), Pending);
            }
            // The same refusal again changes nothing.
            assert_eq!(e.record_refused(&c, NodeId(2)), Pending);
            let last = NodeId(max_refusals + 2);
            assert_eq!(e.record_refused(&c, last), NoQuorum);
            assert_eq!(s.record_refused(&c, last), NoQuorum);
            // With a later round among the answers, the refusals end it as a later round.
            let mut e = election();
            e.record_reply(&c, NodeId(1), Some(ROUND + 1));
            for i in 2..=max_refusals {
                assert_eq!(e.record_refused(&c, NodeId(i)), Pending);
            }
            assert_eq!(e.record_refused(&c, NodeId(max_refusals + 1)), LaterRound);
        }
    }

    #[test]
    fn the_election_weighs_refusals_when_they_arrive_the_service_at_every_reply() {
        let cfg = config(3);
        let c = ctx(&cfg);
        let (mut e, mut s) = (election(), service());
        assert_eq!(e.record_refused(&c, NodeId(3)), Pending);
        assert_eq!(s.record_refused(&c, NodeId(3)), Pending);
        // One later round plus one refusal of three: no quorum can agree any more.
        assert_eq!(e.record_reply(&c, NodeId(2), Some(ROUND + 1)), Pending);
        assert_eq!(
            s.record_reply(&c, NodeId(2), Some(ROUND + 1), None, FENCE),
            LaterRound
        );
        // The election finds out at its timeout.
        assert_eq!(e.timed_out(), LaterRound);
    }

    #[test]
    fn a_timeout_prefers_a_later_round_then_a_stale_bound_then_no_quorum() {
        let cfg = config(5);
        let c = ctx(&cfg);
        assert_eq!(election().timed_out(), NoQuorum);
        let mut s = service();
        s.record_reply(&c, NodeId(1), None, None, FENCE);
        assert_eq!(s.timed_out(), NoQuorum, "agreement short of a quorum");
        s.record_reply(&c, NodeId(2), None, Some(5), FENCE);
        assert_eq!(s.timed_out(), StaleBound);
        s.record_reply(&c, NodeId(3), Some(ROUND + 1), None, FENCE);
        assert_eq!(s.timed_out(), LaterRound);
    }

    #[test]
    fn the_check_asks_for_the_latest_leadership_sequence_of_its_own_query() {
        let s = service();
        assert_eq!(
            s.request(),
            Msg::LatestSeq {
                log: LogId::Leadership,
                query: 7
            }
        );
        assert_eq!(s.answered(), NodeSet(0));
    }
}

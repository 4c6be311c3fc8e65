//! AtlasDB's leadership loop (`PaxosLeaderElectionService.blockOnBecomingLeader`).
//!
//! Each iteration:
//! 1. Read the greatest learned leadership value V.
//! 2. If V names this process, ask a quorum of acceptors for their latest sequence
//!    (latest-round verification). All ≤ V's round ⇒ **leading**. A later round ⇒ not leading.
//! 3. Otherwise follow V's node: ping it every `ping_interval` (like AtlasDB's cumulative
//!    pinger). Each "yes, I lead" answer restarts the `ping_timeout` window (steady state).
//!    Under the `blocking-pinger` quirk it is AtlasDB's default `SingleLeaderPinger` instead:
//!    one ping at a time, each waiting up to `ping_timeout`; "yes" ⇒ sleep `ping_interval` and
//!    loop; anything else fails at once — so one lost reply starts an election.
//! 4. A whole `ping_timeout` without a "yes", or a "no" ⇒ catch up from a quorum of learners.
//!    Anything new ⇒ loop without proposing.
//! 5. **Wait a random time** (the backoff policy), then, if nothing new was learned meanwhile,
//!    propose this process at V's round + 1. Whatever the outcome, loop.
//!
//! Without step 5's randomness, followers that suspect the leader together propose together
//! and pre-empt each other's ballots: dueling proposers.

use super::config::Delay;
use super::leadership_check::{CheckVerdict, LeadershipCheck, NoFence};
use super::msg::{Msg, QueryId};
use super::node::Node;
use super::outbox::{Observation, Outbox, TimerKind};
use super::proposer::Outcome;
use super::types::{LeaderId, LogId, NodeId, NodeSet, Seq, Value};
use super::ProtocolConfig;

/// Where the loop is. Every waiting state names what it waits for, so a late reply or a stale
/// timer is recognised and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum ElectionState {
    /// Not started yet.
    Starting,
    /// Holds leadership for round `seq`; serves timestamps after per-request checks.
    Leading {
        /// Leadership round.
        seq: Seq,
    },
    /// V names us; asking a quorum whether a later round exists (the check's `seq` is the
    /// round V is at).
    Checking(LeadershipCheck<NoFence>),
    /// Following `leader`: pinging it every interval; `since` is the first ping of this
    /// stretch (answers to older pings are stale).
    Following {
        /// Who we follow.
        leader: LeaderId,
        /// Correlation id of the first ping sent to it.
        since: QueryId,
    },
    /// Pulling learned values from a quorum.
    CatchingUp {
        /// Correlation.
        query: QueryId,
        /// First sequence asked for.
        from_seq: Seq,
        /// Learners that answered.
        replied: NodeSet,
        /// Whether anything new arrived.
        learned_new: bool,
    },
    /// In the random wait; `seen` is the greatest learned round when it began.
    BackingOff {
        /// Greatest learned leadership round at the start of the wait.
        seen: Option<Seq>,
    },
    /// Our leadership proposal is running at `seq`.
    Proposing {
        /// Round proposed.
        seq: Seq,
    },
    /// A value was chosen at `seq`; waiting for our own learner to record it.
    AwaitingLearn {
        /// Round chosen.
        seq: Seq,
    },
}

impl Node {
    /// One iteration of the loop, from step 1.
    pub(crate) fn iterate(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let me = self.identity();
        match self.believed_leader() {
            Some((seq, leader)) if leader == me => {
                let check =
                    self.start_leadership_check(cfg, seq, TimerKind::ElectionCheckTimeout, out);
                self.v.election = ElectionState::Checking(check);
            }
            Some((_, leader)) => {
                let since = self.next_query();
                self.v.election = ElectionState::Following { leader, since };
                out.send(
                    super::Address::Node(leader.node),
                    Msg::Ping {
                        leader,
                        query: since,
                    },
                );
                if !cfg.quirks.blocking_pinger {
                    out.set_timer(TimerKind::PingInterval, Delay::Exactly(cfg.ping_interval));
                }
                out.set_timer(TimerKind::PingTimeout, Delay::Exactly(cfg.ping_timeout));
            }
            // Nobody to ping: the ping fails at once.
            None => self.start_catch_up(cfg, out),
        }
    }

    fn start_catch_up(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let query = self.next_query();
        let from_seq = self
            .learner
            .greatest(LogId::Leadership)
            .map_or(0, |(s, _)| s + 1);
        self.v.election = ElectionState::CatchingUp {
            query,
            from_seq,
            replied: NodeSet::default(),
            learned_new: false,
        };
        self.ctx(cfg).broadcast(
            out,
            Msg::CatchUp {
                log: LogId::Leadership,
                from_seq,
                query,
            },
        );
        out.set_timer(
            TimerKind::CatchUpTimeout,
            Delay::Exactly(cfg.quorum_timeout),
        );
        arm_resend(cfg, out);
    }

    pub(crate) fn on_catch_up_reply(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        log: LogId,
        query: QueryId,
        values: &[(Seq, Value)],
        out: &mut Outbox,
    ) {
        let ElectionState::CatchingUp { query: q, .. } = self.v.election else {
            return;
        };
        if q != query || log != LogId::Leadership {
            return;
        }
        let mut fresh = false;
        for &(seq, value) in values {
            if self.learner.get(log, seq).is_none() {
                // Learning may change the loop's state (it does not here: we are catching up).
                self.learn(cfg, log, seq, value, out);
                fresh = true;
            }
        }
        let ElectionState::CatchingUp {
            replied,
            learned_new,
            ..
        } = &mut self.v.election
        else {
            return;
        };
        *learned_new |= fresh;
        if replied.insert(from) && replied.len() >= cfg.quorum() {
            self.finish_catch_up(cfg, out);
        }
    }

    fn finish_catch_up(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let ElectionState::CatchingUp { learned_new, .. } = self.v.election else {
            return;
        };
        out.cancel_timer(TimerKind::CatchUpTimeout);
        if learned_new {
            self.iterate(cfg, out);
            return;
        }
        let seen = self.greatest_leadership_seq();
        self.back_off(cfg, seen, out);
    }

    fn greatest_leadership_seq(&self) -> Option<Seq> {
        self.learner.greatest(LogId::Leadership).map(|(s, _)| s)
    }

    /// Step 5: the wait before proposing at `seen` + 1, drawn by the driver from the backoff
    /// policy.
    fn back_off(&mut self, cfg: &ProtocolConfig, seen: Option<Seq>, out: &mut Outbox) {
        self.v.election = ElectionState::BackingOff { seen };
        match cfg.backoff.delay(self.v.consecutive_failures) {
            Delay::Exactly(0) => self.propose_leadership(cfg, seen, out),
            delay => out.set_timer(TimerKind::Backoff, delay),
        }
    }

    fn propose_leadership(&mut self, cfg: &ProtocolConfig, seen: Option<Seq>, out: &mut Outbox) {
        let seq = seen.map_or(0, |s| s + 1);
        self.v.election = ElectionState::Proposing { seq };
        let ctx = self.ctx(cfg);
        let own = Value::Leader(self.identity());
        self.v.proposers[LogId::Leadership.index()].propose(&ctx, seq, own, out);
    }

    pub(crate) fn on_ping_reply(
        &mut self,
        cfg: &ProtocolConfig,
        query: QueryId,
        is_leader: bool,
        round: Option<Seq>,
        out: &mut Outbox,
    ) {
        let ElectionState::Following { since, .. } = self.v.election else {
            return;
        };
        if query < since {
            return; // an answer to a ping sent before this stretch of following
        }
        if cfg.quirks.blocking_pinger {
            // SingleLeaderPinger: only the one outstanding ping counts; "yes" ⇒ sleep
            // pingRate, then loop; anything else ⇒ the ping failed.
            if query != since {
                return;
            }
            out.cancel_timer(TimerKind::PingTimeout);
            if is_leader {
                out.set_timer(TimerKind::PingInterval, Delay::Exactly(cfg.ping_interval));
            } else {
                self.start_catch_up(cfg, out);
            }
            return;
        }
        // Deliberate difference from AtlasDB: a "no" from a node that has not yet learned the
        // round naming it (its Learn is still on the way) is not a failure; keep pinging until
        // the timeout. AtlasDB would start a needless election at the next round.
        let behind = round < self.greatest_leadership_seq();
        if behind && !is_leader {
            return;
        }
        if is_leader {
            out.set_timer(TimerKind::PingTimeout, Delay::Exactly(cfg.ping_timeout));
        } else {
            out.cancel_timer(TimerKind::PingInterval);
            out.cancel_timer(TimerKind::PingTimeout);
            self.start_catch_up(cfg, out);
        }
    }

    /// The ping to the believed leader could not connect (`refused-connections` quirk): a
    /// failed ping, so the loop catches up at once.
    pub(crate) fn on_ping_refused(
        &mut self,
        cfg: &ProtocolConfig,
        query: QueryId,
        out: &mut Outbox,
    ) {
        let ElectionState::Following { since, .. } = self.v.election else {
            return;
        };
        if query < since {
            return;
        }
        out.cancel_timer(TimerKind::PingInterval);
        out.cancel_timer(TimerKind::PingTimeout);
        self.start_catch_up(cfg, out);
    }

    /// Next ping of the stretch — unless the learner now names a different leader, in which
    /// case the loop starts over.
    fn ping_again(&mut self, cfg: &ProtocolConfig, leader: LeaderId, out: &mut Outbox) {
        if cfg.quirks.blocking_pinger {
            // The sleep after a "yes" is over: the loop starts again from step 1.
            self.iterate(cfg, out);
            return;
        }
        if self.believed_leader().map(|(_, l)| l) != Some(leader) {
            out.cancel_timer(TimerKind::PingTimeout);
            self.iterate(cfg, out);
            return;
        }
        let query = self.next_query();
        out.send(
            super::Address::Node(leader.node),
            Msg::Ping { leader, query },
        );
        out.set_timer(TimerKind::PingInterval, Delay::Exactly(cfg.ping_interval));
    }

    /// Returns true if the reply belonged to the election's check.
    pub(crate) fn on_election_latest_reply(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        log: LogId,
        query: QueryId,
        latest: Option<Seq>,
        out: &mut Outbox,
    ) -> bool {
        let ctx = self.ctx(cfg);
        let ElectionState::Checking(check) = &mut self.v.election else {
            return false;
        };
        if check.query != query || log != LogId::Leadership {
            return false;
        }
        let verdict = check.record_reply(&ctx, from, latest);
        let seq = check.seq;
        self.end_election_check(cfg, seq, verdict, out);
        true
    }

    /// The connection for the election check's query to `from` was refused: a failure
    /// without a reply. With no quorum left and nobody reporting a later round, AtlasDB's
    /// result is NO_QUORUM and the loop checks again at once.
    pub(crate) fn on_election_latest_refused(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        query: QueryId,
        out: &mut Outbox,
    ) -> bool {
        let ctx = self.ctx(cfg);
        let ElectionState::Checking(check) = &mut self.v.election else {
            return false;
        };
        if check.query != query {
            return false;
        }
        let verdict = check.record_refused(&ctx, from);
        let seq = check.seq;
        self.end_election_check(cfg, seq, verdict, out);
        true
    }

    /// The loop's reaction to a reply's or a refusal's verdict on the check of round `seq`.
    fn end_election_check(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        verdict: CheckVerdict,
        out: &mut Outbox,
    ) {
        if verdict != CheckVerdict::Pending {
            out.cancel_timer(TimerKind::ElectionCheckTimeout);
        }
        match verdict {
            CheckVerdict::Pending => {}
            CheckVerdict::Confirmed => {
                if self.v.service.draining {
                    // A new term gets a new service: the old term's leftovers are told to go
                    // elsewhere (AtlasDB closes the old delegate when the token changes).
                    self.close_service(out);
                }
                self.v.election = ElectionState::Leading { seq };
                self.v.consecutive_failures = 0;
                self.open_lock_table(cfg, seq, out);
                out.observe(Observation::BecameLeader { seq });
            }
            // Someone has prepared a later round: not leading. Catch up and carry on. (The
            // election's check fences no bound, so it never finds a stale one.)
            CheckVerdict::LaterRound | CheckVerdict::StaleBound => self.start_catch_up(cfg, out),
            // No quorum either way: loop (AtlasDB retries at once).
            CheckVerdict::NoQuorum => self.iterate(cfg, out),
        }
    }

    pub(crate) fn on_election_timer(
        &mut self,
        cfg: &ProtocolConfig,
        timer: TimerKind,
        out: &mut Outbox,
    ) {
        match (timer, self.v.election) {
            (TimerKind::PingInterval, ElectionState::Following { leader, .. }) => {
                self.ping_again(cfg, leader, out)
            }
            (TimerKind::PingTimeout, ElectionState::Following { .. }) => {
                out.cancel_timer(TimerKind::PingInterval);
                self.start_catch_up(cfg, out)
            }
            (TimerKind::CatchUpTimeout, ElectionState::CatchingUp { .. }) => {
                self.finish_catch_up(cfg, out)
            }
            (TimerKind::Backoff, ElectionState::BackingOff { seen }) => {
                // Re-check under the lock: a rival's Learn may have arrived during the wait.
                if self.greatest_leadership_seq() != seen {
                    self.iterate(cfg, out);
                } else {
                    self.propose_leadership(cfg, seen, out);
                }
            }
            (TimerKind::ElectionCheckTimeout, ElectionState::Checking(check)) => {
                match check.timed_out() {
                    // No quorum either way: loop (AtlasDB retries at once).
                    CheckVerdict::NoQuorum => self.iterate(cfg, out),
                    _ => self.start_catch_up(cfg, out),
                }
            }
            _ => {}
        }
    }

    pub(crate) fn on_leadership_outcome(
        &mut self,
        cfg: &ProtocolConfig,
        outcome: Outcome,
        out: &mut Outbox,
    ) {
        let ElectionState::Proposing { seq } = self.v.election else {
            return;
        };
        match outcome {
            Outcome::Chosen { seq: s, .. } if s == seq => {
                if self.learner.get(LogId::Leadership, seq).is_some() {
                    self.iterate(cfg, out);
                } else {
                    // Our own Learn is on its way to our learner.
                    self.v.election = ElectionState::AwaitingLearn { seq };
                }
            }
            Outcome::Failed { reason, .. } => {
                self.v.consecutive_failures = self.v.consecutive_failures.saturating_add(1);
                let preempted = matches!(reason, super::FailReason::Nacked { .. });
                // The round we contended for is still open unless we have learned it since.
                let before = seq.checked_sub(1);
                let open = self.greatest_leadership_seq() == before;
                if preempted && open && !cfg.quirks.catch_up_after_preemption {
                    // A rival is proposing right now: wait (the backoff), re-check, retry.
                    self.back_off(cfg, before, out);
                } else {
                    self.iterate(cfg, out);
                }
            }
            Outcome::Chosen { .. } => {}
        }
    }

    pub(crate) fn on_leadership_learned(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        out: &mut Outbox,
    ) {
        match self.v.election {
            ElectionState::Leading { seq: led } if seq > led => {
                self.lose_leadership(cfg, led, "learned that a later round was chosen", out);
            }
            ElectionState::AwaitingLearn { seq: s } if seq >= s => self.iterate(cfg, out),
            _ => {}
        }
    }

    /// Leaves the leading state (the service answers its queue with NotLeader) and loops.
    pub(crate) fn lose_leadership(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        reason: &'static str,
        out: &mut Outbox,
    ) {
        out.observe(Observation::LostLeadership { seq, reason });
        self.shut_down_service(cfg, out);
        self.iterate(cfg, out);
    }
}

/// Arms the retransmission timer (see [`Node::resend_outstanding`]).
pub(crate) fn arm_resend(cfg: &ProtocolConfig, out: &mut Outbox) {
    if cfg.resend_interval > 0 {
        out.set_timer(TimerKind::Resend, Delay::Exactly(cfg.resend_interval));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::*;
    use crate::engine::testnet::Net;
    use crate::engine::{Address, BackoffPolicy, Role};

    #[test]
    fn a_cold_node_catches_up_then_waits_a_random_time() {
        // Step 3–5: nobody to ping (fails at once) → catch up → random wait, not a proposal.
        let mut net = Net::new(config(3));
        for n in 1..=3 {
            net.start(n);
        }
        assert_eq!(
            net.queue
                .iter()
                .filter(|(_, _, m)| m.type_name() == "CatchUp")
                .count(),
            9
        );
        net.settle();
        for n in 1..=3 {
            assert_eq!(net.role(n), Role::Waiting);
            let (_, delay) = net.armed[usize::from(n) - 1]
                .iter()
                .find(|(t, _)| *t == TimerKind::Backoff)
                .copied()
                .expect("backoff armed");
            assert_eq!(
                delay,
                Delay::Uniform {
                    min: 0,
                    max: 800 * crate::engine::MS
                }
            );
        }
    }

    #[test]
    fn without_backoff_a_node_proposes_straight_after_catching_up() {
        let mut cfg = config(3);
        cfg.backoff = BackoffPolicy::None;
        let mut net = Net::new(cfg);
        net.start(1);
        net.settle();
        assert!(net
            .log
            .iter()
            .any(|(n, o)| *n == NodeId(1) && matches!(o, Observation::Proposing { seq: 0, .. })));
    }

    #[test]
    fn the_first_to_propose_leads_and_the_others_follow_it() {
        let mut net = Net::new(config(3));
        net.elect(2);
        assert!(net
            .log
            .iter()
            .any(|(n, o)| *n == NodeId(2) && *o == Observation::BecameLeader { seq: 0 }));
        // The others' waits end; they re-check, see the new value, and ping N2 instead.
        for n in [1, 3] {
            net.fire(n, TimerKind::Backoff);
        }
        net.settle();
        assert_eq!(net.role(1), Role::Follower);
        assert_eq!(net.role(3), Role::Follower);
        assert!(
            !net.log
                .iter()
                .any(|(n, o)| *n != NodeId(2) && matches!(o, Observation::Proposing { .. })),
            "nobody else proposed"
        );
    }

    /// The PingTimeout armed on node `n`, taken out of the test network's armed timers (so a
    /// test can see whether something arms it again).
    fn take_ping_timeout(net: &mut Net, n: u8) -> Delay {
        let a = &mut net.armed[usize::from(n) - 1];
        let pos = a
            .iter()
            .position(|(t, _)| *t == TimerKind::PingTimeout)
            .expect("PingTimeout armed");
        a.remove(pos).1
    }

    #[test]
    fn a_follower_suspects_only_after_a_whole_timeout_without_a_yes() {
        let mut net = Net::new(config(3));
        net.elect(1);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        assert_eq!(net.role(2), Role::Follower);
        let whole = Delay::Exactly(net.cfg.ping_timeout);
        assert!(net.cfg.ping_interval < net.cfg.ping_timeout);
        // Each "yes" restarts a whole timeout window: take the armed timeout away, ping, and
        // the answer arms it again, for the whole ping_timeout.
        assert_eq!(take_ping_timeout(&mut net, 2), whole);
        assert!(net.fire(2, TimerKind::PingInterval));
        net.settle();
        assert_eq!(net.role(2), Role::Follower);
        assert_eq!(
            take_ping_timeout(&mut net, 2),
            whole,
            "the yes restarted the window"
        );
        net.armed[1].push((TimerKind::PingTimeout, whole));
        // Leader gone: pings go unanswered. Firing the ping interval early and often (several
        // pings inside one timeout) neither suspects the leader nor restarts the window.
        net.nodes[0].crash(&net.cfg.clone());
        assert_eq!(take_ping_timeout(&mut net, 2), whole);
        for _ in 0..3 {
            assert!(net.fire(2, TimerKind::PingInterval));
            net.settle();
            assert_eq!(
                net.role(2),
                Role::Follower,
                "no suspicion before the timeout"
            );
            assert!(
                !net.armed[1]
                    .iter()
                    .any(|(t, _)| *t == TimerKind::PingTimeout),
                "an unanswered ping does not restart the window"
            );
        }
        assert!(
            !net.queue.iter().any(|(_, _, m)| m.type_name() == "CatchUp"),
            "no catch-up before the timeout"
        );
        // Only the timeout itself makes the follower suspect and catch up.
        net.armed[1].push((TimerKind::PingTimeout, whole));
        assert!(net.fire(2, TimerKind::PingTimeout));
        assert_eq!(net.role(2), Role::Suspecting);
        net.settle();
        assert_eq!(
            net.role(2),
            Role::Waiting,
            "nothing new learned: wait, then propose"
        );
        net.fire(2, TimerKind::Backoff);
        net.settle();
        assert_eq!(net.role(2), Role::Leader);
        assert_eq!(
            net.nodes[1].believed_leader().map(|(s, _)| s),
            Some(1),
            "greatest learned + 1"
        );
    }

    #[test]
    fn ping_answers_come_from_local_state_only() {
        // AtlasDB #2596: "yes" iff the identity matches and the local learner names it.
        let mut net = Net::new(config(3));
        net.elect(1);
        let me = net.nodes[0].identity();
        let mut out = Outbox::default();
        let cfg = net.cfg.clone();
        net.nodes[0].on_message(
            &cfg,
            Address::Node(NodeId(2)),
            &Msg::Ping {
                leader: me,
                query: 7,
            },
            &mut out,
        );
        assert_eq!(
            sent(&out)[0].1,
            Msg::PingReply {
                query: 7,
                is_leader: true,
                round: Some(0)
            }
        );
        out.clear();
        let old = LeaderId {
            incarnation: 5,
            ..me
        };
        net.nodes[0].on_message(
            &cfg,
            Address::Node(NodeId(2)),
            &Msg::Ping {
                leader: old,
                query: 8,
            },
            &mut out,
        );
        assert_eq!(
            sent(&out)[0].1,
            Msg::PingReply {
                query: 8,
                is_leader: false,
                round: Some(0)
            }
        );
    }

    #[test]
    fn a_later_prepared_round_means_not_leading() {
        // Latest-round verification: a quorum must report nothing beyond our round.
        let mut net = Net::new(config(3));
        net.elect(1);
        // N3's acceptor hears of round 1 from a challenger.
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[2].on_message(
            &cfg,
            Address::Node(NodeId(2)),
            &Msg::Prepare {
                log: LogId::Leadership,
                seq: 1,
                ballot: ballot(1, 2),
            },
            &mut out,
        );
        net.nodes[1].on_message(
            &cfg,
            Address::Node(NodeId(2)),
            &Msg::Prepare {
                log: LogId::Leadership,
                seq: 1,
                ballot: ballot(1, 2),
            },
            &mut out,
        );
        // A restarted N1 re-checks its claim.
        let mut out = Outbox::default();
        net.nodes[0].v.election = ElectionState::Starting;
        net.nodes[0].iterate(&cfg, &mut out);
        assert!(matches!(
            net.nodes[0].v.election,
            ElectionState::Checking(LeadershipCheck { seq: 0, .. })
        ));
        net.queue.clear();
        for to in 1..=3u8 {
            let mut o = Outbox::default();
            let latest = net.nodes[usize::from(to) - 1]
                .acceptor
                .latest_seq(LogId::Leadership);
            let q = match net.nodes[0].v.election {
                ElectionState::Checking(check) => check.query,
                _ => unreachable!(),
            };
            net.nodes[0].on_message(
                &cfg,
                Address::Node(NodeId(to)),
                &Msg::LatestSeqReply {
                    log: LogId::Leadership,
                    query: q,
                    seq: latest,
                    bound_seq: None,
                },
                &mut o,
            );
            if to == 3 {
                assert!(
                    matches!(net.nodes[0].v.election, ElectionState::CatchingUp { .. }),
                    "two of three report round 1"
                );
            }
        }
    }

    /// Starts three nodes, lets N1 and N3 propose round 0 together (N3's ballot outranks
    /// N1's) and delivers messages only until the first attempt fails: returns the loser.
    fn duel_until_preempted(net: &mut Net) -> NodeId {
        for n in 1..=3 {
            net.start(n);
        }
        net.settle();
        net.fire(1, TimerKind::Backoff);
        net.fire(3, TimerKind::Backoff);
        while let Some((from, to, msg)) = net.queue.pop_front() {
            let Address::Node(n) = to else { continue };
            let mut out = Outbox::default();
            let cfg = net.cfg.clone();
            net.nodes[n.index()].on_message(&cfg, from, &msg, &mut out);
            let failed = out.commands.iter().any(|c| {
                matches!(
                    c,
                    crate::engine::Command::Observe(Observation::AttemptFailed { .. })
                )
            });
            for c in out.commands {
                match c {
                    crate::engine::Command::Send { to, msg } => {
                        net.queue.push_back((Address::Node(n), to, msg))
                    }
                    crate::engine::Command::SetTimer { timer, delay } => {
                        let a = &mut net.armed[n.index()];
                        a.retain(|(t, _)| *t != timer);
                        a.push((timer, delay));
                    }
                    crate::engine::Command::CancelTimer(timer) => {
                        net.armed[n.index()].retain(|(t, _)| *t != timer)
                    }
                    crate::engine::Command::Observe(o) => net.log.push((n, o)),
                }
            }
            if failed {
                return n;
            }
        }
        panic!("nobody was pre-empted");
    }

    #[test]
    fn a_preempted_proposer_waits_and_retries_the_same_round() {
        let mut cfg = config(3);
        cfg.backoff = BackoffPolicy::Uniform { max: 100 };
        let mut net = Net::new(cfg);
        let loser = duel_until_preempted(&mut net);
        assert_eq!(loser, NodeId(1), "N3's ballot outranks N1's");
        let l = &net.nodes[loser.index()];
        assert_eq!(l.believed_leader(), None, "round 0 is still open for it");
        assert_eq!(
            l.v.election,
            ElectionState::BackingOff { seen: None },
            "it waits to retry round 0, not round 1"
        );
        assert!(net.armed[0].iter().any(|(t, _)| *t == TimerKind::Backoff));
        // The wait ends with nothing learned: it proposes round 0 again, with a ballot that
        // outranks the rival it lost to.
        let rival = ballot(1, 3);
        net.queue.clear();
        assert!(net.fire(1, TimerKind::Backoff));
        assert_eq!(net.nodes[0].v.election, ElectionState::Proposing { seq: 0 });
        let retry = net
            .queue
            .iter()
            .find_map(|(_, _, m)| match m {
                Msg::Prepare { seq, ballot, .. } => Some((*seq, *ballot)),
                _ => None,
            })
            .expect("a new Prepare");
        assert_eq!(retry.0, 0, "the same round");
        assert!(retry.1 > rival, "{} outranks {rival}", retry.1);
    }

    #[test]
    fn a_restarted_leader_does_not_recognise_its_old_self() {
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        net.nodes[0].crash(&cfg);
        let mut out = Outbox::default();
        net.nodes[0].restart(&cfg, 7, &mut out);
        // Its learned value names incarnation 0; it is incarnation 1: it pings (itself) instead
        // of claiming leadership.
        assert_eq!(net.nodes[0].incarnation, 1);
        assert!(matches!(
            net.nodes[0].v.election,
            ElectionState::Following { .. }
        ));
        let pings = sent_of(&out, "Ping");
        assert_eq!(pings[0].0, Address::Node(NodeId(1)));
    }

    #[test]
    fn atlasdbs_pinger_waits_for_one_ping_and_a_no_fails_at_once() {
        // SingleLeaderPinger: one ping, wait up to the timeout; true ⇒ sleep pingRate and loop;
        // anything else ⇒ the ping failed.
        let mut cfg = config(3);
        cfg.quirks.blocking_pinger = true;
        let mut net = Net::new(cfg);
        net.elect(1);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        assert_eq!(net.role(2), Role::Follower);
        assert!(
            !net.armed[1]
                .iter()
                .any(|(t, _)| *t == TimerKind::PingTimeout),
            "the answer came: no ping outstanding"
        );
        assert!(
            net.armed[1]
                .iter()
                .any(|(t, _)| *t == TimerKind::PingInterval),
            "sleeping"
        );
        // After the sleep, one new ping; its reply is lost: the timeout fails the leader.
        net.drop = Box::new(|_, _, m| m.type_name() == "PingReply");
        assert!(net.fire(2, TimerKind::PingInterval));
        net.settle();
        assert!(net.armed[1]
            .iter()
            .any(|(t, _)| *t == TimerKind::PingTimeout));
        assert!(
            !net.armed[1]
                .iter()
                .any(|(t, _)| *t == TimerKind::PingInterval),
            "no second ping while one is outstanding"
        );
        assert!(net.fire(2, TimerKind::PingTimeout));
        assert_eq!(
            net.role(2),
            Role::Suspecting,
            "one lost reply starts an election"
        );
        // A "no" fails at once too — even from a leader that has not learned its round yet.
        net.drop = Box::new(|_, _, _| false);
        net.fire(3, TimerKind::Backoff);
        net.settle();
        assert_eq!(net.role(3), Role::Follower);
        assert!(net.fire(3, TimerKind::PingInterval));
        let q = match net.nodes[2].v.election {
            ElectionState::Following { since, .. } => since,
            ref e => panic!("{e:?}"),
        };
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[2].on_ping_reply(&cfg, q, false, None, &mut out);
        assert_eq!(net.role(3), Role::Suspecting);
    }

    #[test]
    fn the_textbook_pinger_forgives_a_no_from_a_leader_that_is_behind() {
        let mut net = Net::new(config(3));
        net.elect(1);
        net.fire(3, TimerKind::Backoff);
        net.settle();
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        let q = match net.nodes[2].v.election {
            ElectionState::Following { since, .. } => since,
            ref e => panic!("{e:?}"),
        };
        net.nodes[2].on_ping_reply(&cfg, q, false, None, &mut out);
        assert_eq!(net.role(3), Role::Follower);
    }

    #[test]
    fn atlasdb_pings_and_catches_up_again_after_a_failed_attempt() {
        // PaxosLeaderElectionService: a round failure is recorded and the loop starts over.
        for quirk in [false, true] {
            let mut cfg = config(3);
            cfg.backoff = BackoffPolicy::Uniform { max: 100 };
            cfg.quirks.catch_up_after_preemption = quirk;
            let mut net = Net::new(cfg);
            let loser = duel_until_preempted(&mut net);
            let state = net.nodes[loser.index()].v.election;
            if quirk {
                assert!(
                    matches!(
                        state,
                        ElectionState::CatchingUp { .. } | ElectionState::Following { .. }
                    ),
                    "AtlasDB loops: {state:?}"
                );
            } else {
                assert!(
                    matches!(state, ElectionState::BackingOff { .. }),
                    "textbook waits at once: {state:?}"
                );
            }
        }
    }

    #[test]
    fn atlasdb_starts_electing_only_when_a_client_asks() {
        // LeadershipComponents#getOrCreateNewLeadershipContext: lazily, at the first request.
        let mut cfg = config(3);
        cfg.quirks.lazy_start = true;
        let mut net = Net::new(cfg);
        net.start(1);
        assert_eq!(net.nodes[0].v.election, ElectionState::Starting);
        assert!(net.queue.is_empty(), "nothing sent at boot");
        net.request(1, 0, 1);
        net.settle();
        assert_ne!(net.nodes[0].v.election, ElectionState::Starting);
        assert!(
            matches!(
                net.replies()[0].1,
                crate::engine::TimestampResult::NotLeader { .. }
            ),
            "the first request is refused: nobody leads yet"
        );
    }

    /// N1 led round 0 and now re-checks its claim: returns the check's query.
    fn recheck(net: &mut Net) -> QueryId {
        net.elect(1);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[0].v.election = ElectionState::Starting;
        net.nodes[0].iterate(&cfg, &mut out);
        match net.nodes[0].v.election {
            ElectionState::Checking(LeadershipCheck { query, seq: 0, .. }) => query,
            e => panic!("{e:?}"),
        }
    }

    fn check_query(net: &Net) -> Option<QueryId> {
        match net.nodes[0].v.election {
            ElectionState::Checking(check) => Some(check.query),
            _ => None,
        }
    }

    #[test]
    fn the_leadership_check_needs_a_quorum_either_way_and_only_its_own_replies() {
        let mut net = Net::new(config(3));
        let q = recheck(&mut net);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        let l = LogId::Leadership;
        // Not this check's replies: another query, or the other log.
        let n1 = &mut net.nodes[0];
        assert!(!n1.on_election_latest_reply(&cfg, NodeId(2), l, q + 100, Some(5), &mut out));
        assert!(!n1.on_election_latest_reply(
            &cfg,
            NodeId(2),
            LogId::Timestamp,
            q,
            Some(5),
            &mut out
        ));
        assert!(!n1.on_election_latest_reply(&cfg, NodeId(3), l, q + 100, Some(0), &mut out));
        assert_eq!(
            check_query(&net),
            Some(q),
            "still checking, nothing counted"
        );
        // One of three reports a later round: a quorum of agreement is still possible.
        let n1 = &mut net.nodes[0];
        assert!(n1.on_election_latest_reply(&cfg, NodeId(2), l, q, Some(1), &mut out));
        assert_eq!(
            check_query(&net),
            Some(q),
            "one disagreeing acceptor is not enough"
        );
        // A second one: not leading; catch up.
        let n1 = &mut net.nodes[0];
        assert!(n1.on_election_latest_reply(&cfg, NodeId(3), l, q, Some(1), &mut out));
        assert!(matches!(
            net.nodes[0].v.election,
            ElectionState::CatchingUp { .. }
        ));
        // Another check: nothing at all (None) and exactly our round both agree.
        let mut net = Net::new(config(3));
        let q = recheck(&mut net);
        let n1 = &mut net.nodes[0];
        let mut out = Outbox::default();
        assert!(n1.on_election_latest_reply(&cfg, NodeId(2), l, q, None, &mut out));
        assert_eq!(
            check_query(&net),
            Some(q),
            "one agreeing acceptor is not a quorum"
        );
        let n1 = &mut net.nodes[0];
        assert!(n1.on_election_latest_reply(&cfg, NodeId(3), l, q, Some(0), &mut out));
        assert_eq!(net.nodes[0].v.election, ElectionState::Leading { seq: 0 });
        assert!(observed(&out).contains(&Observation::BecameLeader { seq: 0 }));
    }

    #[test]
    fn a_leadership_check_that_times_out_checks_again_or_catches_up() {
        // No answers at all: AtlasDB's NO_QUORUM, the loop checks again at once.
        let mut net = Net::new(config(3));
        let q = recheck(&mut net);
        net.armed[0].push((TimerKind::ElectionCheckTimeout, Delay::Exactly(1)));
        assert!(net.fire(1, TimerKind::ElectionCheckTimeout));
        let again = check_query(&net).expect("checking again");
        assert!(again > q, "a fresh query");
        // A later round reported, but no quorum of it: catch up.
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[0].on_election_latest_reply(
            &cfg,
            NodeId(3),
            LogId::Leadership,
            again,
            Some(4),
            &mut out,
        );
        net.armed[0].push((TimerKind::ElectionCheckTimeout, Delay::Exactly(1)));
        assert!(net.fire(1, TimerKind::ElectionCheckTimeout));
        assert!(matches!(
            net.nodes[0].v.election,
            ElectionState::CatchingUp { .. }
        ));
    }

    #[test]
    fn refused_check_queries_count_towards_giving_up() {
        let mut net = Net::new(config(3));
        let q = recheck(&mut net);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        let n1 = &mut net.nodes[0];
        assert!(!n1.on_election_latest_refused(&cfg, NodeId(2), q + 100, &mut out));
        assert!(n1.on_election_latest_refused(&cfg, NodeId(2), q, &mut out));
        assert_eq!(
            check_query(&net),
            Some(q),
            "one refusal of three: keep waiting"
        );
        let n1 = &mut net.nodes[0];
        assert!(n1.on_election_latest_refused(&cfg, NodeId(3), q, &mut out));
        let again = check_query(&net).expect("no quorum, nobody disagreed: check again");
        assert!(again > q);
        // A refusal plus a later round: catch up.
        let n1 = &mut net.nodes[0];
        n1.on_election_latest_reply(&cfg, NodeId(2), LogId::Leadership, again, Some(3), &mut out);
        assert!(n1.on_election_latest_refused(&cfg, NodeId(3), again, &mut out));
        assert!(matches!(
            net.nodes[0].v.election,
            ElectionState::CatchingUp { .. }
        ));
    }

    #[test]
    fn only_a_later_learned_round_ends_leadership_or_the_wait_for_our_own() {
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[0].on_leadership_learned(&cfg, 0, &mut out);
        assert_eq!(net.nodes[0].v.election, ElectionState::Leading { seq: 0 });
        assert!(
            out.commands.is_empty(),
            "our own round again changes nothing"
        );
        net.nodes[0].on_leadership_learned(&cfg, 1, &mut out);
        assert_ne!(net.nodes[0].v.election, ElectionState::Leading { seq: 0 });
        assert!(observed(&out)
            .iter()
            .any(|o| matches!(o, Observation::LostLeadership { seq: 0, .. })));
        // Waiting for our own Learn of round 2: an older round does not end the wait.
        let mut out = Outbox::default();
        net.nodes[1].v.election = ElectionState::AwaitingLearn { seq: 2 };
        net.nodes[1].on_leadership_learned(&cfg, 1, &mut out);
        assert_eq!(
            net.nodes[1].v.election,
            ElectionState::AwaitingLearn { seq: 2 }
        );
        net.nodes[1].on_leadership_learned(&cfg, 2, &mut out);
        assert_ne!(
            net.nodes[1].v.election,
            ElectionState::AwaitingLearn { seq: 2 }
        );
    }

    #[test]
    fn a_catch_up_without_a_quorum_of_answers_ends_at_its_timeout() {
        let mut net = Net::new(config(3));
        net.drop = Box::new(|from, to, _| from != to);
        net.start(1);
        net.settle();
        assert_eq!(
            net.role(1),
            Role::Suspecting,
            "only its own learner answered"
        );
        assert!(net.fire(1, TimerKind::CatchUpTimeout));
        assert_eq!(net.role(1), Role::Waiting, "nothing new: the random wait");
    }
}

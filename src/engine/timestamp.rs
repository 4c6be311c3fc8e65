//! The leader's timestamp service and its Paxos-agreed upper bound
//! (AtlasDB's `PersistentTimestampServiceImpl` over a `PaxosTimestampBoundStore`).
//!
//! * Before serving, the leader asks a quorum of acceptors whether a later leadership round
//!   exists (no lease). Only checks that *start after* a request arrived may cover it, so a
//!   request never rides on a check that predates it (this closes AtlasDB PR #6117's window).
//! * **The bound fence.** The same check also asks each acceptor for its latest
//!   *timestamp-log* sequence, and passes only if a quorum reports nothing later than the
//!   sequence of the bound this store serves under. This is what makes real-time order hold
//!   by construction rather than by timing: any bound another store served under before the
//!   request arrived was accepted by a quorum, which intersects the check's quorum, so a
//!   store whose check passes holds the latest chosen bound and its counter is above every
//!   timestamp already handed out. The leadership part alone cannot promise that — its
//!   replies are gathered over a window (re-sent to slow peers), so a stale leader can pass it
//!   after a newer leader was chosen and move the bound while that leader still serves from
//!   memory (swarm seed 50019509). A check that finds a later bound sequence drops the store
//!   and starts over with a fresh check and recovery; so does a leader that *learns* a later
//!   bound it did not propose. The `no-bound-fence` bug switches the fence off, which is
//!   AtlasDB's check as written.
//! * It hands out timestamps from its counter only while they stay **at or below the bound
//!   Paxos agreed**. Crossing it proposes `needed + buffer` at the next sequence of the
//!   timestamp log; a failed round is retried at the same sequence after U[1, 301) ms.
//! * A store that finds a value it did not propose at its sequence stops for good; the next
//!   request builds a new store (new identity) after a fresh leadership check.
//! * A **new leader recovers the bound** first: the highest sequence any of a quorum of
//!   acceptors prepared or accepted, its learned value — or, if nobody learned it, the value
//!   forced by proposing again (Paxos makes any already-chosen bound win). The counter starts
//!   *at* that bound, so the first request must extend it: a stale leader racing for the same
//!   sequence cannot both win.

use std::collections::VecDeque;

use super::config::{Delay, MS};
use super::election::ElectionState;
use super::leadership_check::{CheckVerdict, LeadershipCheck};
use super::msg::{LockResult, Msg, QueryId, RequestId, TimestampResult};
use super::node::Node;
use super::outbox::{Observation, Outbox, TimerKind};
use super::proposer::Outcome;
use super::types::{ClientId, LockName, LockToken, LogId, NodeId, NodeSet, Seq, StoreId, Value};
use super::ProtocolConfig;

/// Whether the per-request check fences the bound: the textbook rule, off with the
/// `no-bound-fence` bug or AtlasDB's `leadership-only-check`.
fn fence_on(cfg: &ProtocolConfig) -> bool {
    !cfg.bugs.no_bound_fence && !cfg.quirks.leadership_only_check
}

/// One leadership term's view of the bound (AtlasDB builds a fresh store per term).
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct BoundStore {
    /// Identity written into every bound this store proposes.
    pub id: StoreId,
    /// The (sequence, bound) this store knows to be agreed. None: nothing agreed yet (bound 0).
    pub agreed: Option<(Seq, u64)>,
    /// Last timestamp handed out (or the recovered bound, before the first request).
    pub counter: u64,
    /// False until recovery finished.
    pub ready: bool,
}

impl BoundStore {
    /// The highest timestamp this store may hand out.
    pub fn limit(&self) -> u64 {
        self.agreed.map_or(0, |(_, b)| b)
    }

    /// The timestamp-log sequence this store's next extension goes to.
    pub fn next_seq(&self) -> Seq {
        self.agreed.map_or(0, |(s, _)| s + 1)
    }
}

/// What a client asks the leader for: timestamps, or a lock-service call. Every one waits for
/// a leadership check that started after it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum Ask {
    /// Fresh timestamps.
    Timestamps {
        /// How many.
        count: u64,
    },
    /// Take a lock.
    Lock {
        /// Which.
        lock: LockName,
    },
    /// Extend a hold.
    Refresh {
        /// Which lock.
        lock: LockName,
        /// The token granted.
        token: LockToken,
    },
    /// Release a lock.
    Unlock {
        /// Which lock.
        lock: LockName,
        /// The token granted.
        token: LockToken,
    },
}

/// A client request waiting for the leader.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct Pending {
    /// Who asked.
    pub client: ClientId,
    /// Their request id.
    pub request: RequestId,
    /// What for.
    pub ask: Ask,
    /// True once a leadership check that started after its arrival is running or done.
    pub covered: bool,
}

/// Which lookup bound recovery is doing.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum LookupStep {
    /// Looking for the value at the latest sequence S.
    Latest,
    /// Nobody learned S; looking at S−1 to re-propose it at S.
    Previous,
}

/// Bound recovery in progress.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum Recovery {
    /// Asking acceptors for their latest timestamp-log sequence.
    Latest {
        /// Correlation.
        query: QueryId,
        /// Who answered.
        replied: NodeSet,
        /// Highest sequence reported.
        max: Option<Seq>,
    },
    /// Asking learners for the value at `seq`.
    Lookup {
        /// Correlation.
        query: QueryId,
        /// Sequence asked about.
        seq: Seq,
        /// The latest sequence S.
        latest: Seq,
        /// Which lookup.
        step: LookupStep,
        /// Who answered (without the value).
        replied: NodeSet,
    },
    /// Re-proposing `bound` at `seq` to force whatever was chosen there to be learned.
    Forcing {
        /// Sequence being forced.
        seq: Seq,
        /// The latest sequence S (forcing continues up to it).
        latest: Seq,
        /// Bound we propose if nothing was accepted.
        bound: u64,
        /// False while waiting to retry after a failed round.
        running: bool,
    },
}

/// What the service is busy with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Hash, Eq)]
pub enum ServiceOp {
    /// Nothing.
    #[default]
    Idle,
    /// Per-request leadership check (and bound fence): `agree` counts acceptors reporting
    /// nothing later in either log, `stale` those reporting no later round but a
    /// timestamp-log sequence later than our store's bound.
    Checking(LeadershipCheck),
    /// Pausing before retrying a check that got no quorum.
    CheckRetryWait,
    /// Recovering the bound (new store).
    Recovering(Recovery),
    /// Proposing a higher bound at `seq`.
    Extending {
        /// Timestamp-log sequence.
        seq: Seq,
        /// Bound proposed.
        target: u64,
        /// False while waiting to retry after a failed round.
        running: bool,
    },
}

/// The service's state (volatile; only meaningful while leading).
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct TimestampService {
    /// The current term's bound store.
    pub store: Option<BoundStore>,
    /// Stores built by this process (the next store's epoch).
    pub stores_built: u32,
    /// Requests in arrival order.
    pub pending: VecDeque<Pending>,
    /// Current activity.
    pub op: ServiceOp,
    /// Checks in a row that got no quorum.
    pub no_quorum_checks: u32,
    /// Leadership is gone but requests that passed their check are still being served
    /// (`check-then-act` quirk: AtlasDB's `AwaitingLeadershipProxy` runs them to the end).
    pub draining: bool,
}

impl Node {
    /// A client asks the leader for something: queue it behind a leadership check.
    pub(crate) fn on_leader_call(
        &mut self,
        cfg: &ProtocolConfig,
        client: ClientId,
        request: RequestId,
        ask: Ask,
        out: &mut Outbox,
    ) {
        if let Ask::Timestamps { count } = ask {
            if count == 0 || count > cfg.max_timestamps_per_request {
                self.reply(client, request, TimestampResult::Unavailable, out);
                return;
            }
        }
        if self.v.election == ElectionState::Starting {
            // `lazy-start`: the first request starts the election loop; this one is refused,
            // as TimeLock's first request typically is.
            self.iterate(cfg, out);
        }
        if !matches!(self.v.election, ElectionState::Leading { .. }) {
            let hint = self
                .believed_leader()
                .map(|(_, l)| l.node)
                .filter(|&n| n != self.id);
            let p = Pending {
                client,
                request,
                ask,
                covered: false,
            };
            self.refuse(p, hint, out);
            return;
        }
        self.v.service.pending.push_back(Pending {
            client,
            request,
            ask,
            covered: false,
        });
        if self.v.service.op == ServiceOp::Idle {
            self.start_service_check(cfg, out);
        }
    }

    fn start_service_check(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let ElectionState::Leading { seq } = self.v.election else {
            return;
        };
        for p in &mut self.v.service.pending {
            p.covered = true;
        }
        if cfg.bugs.no_leadership_check {
            self.v.service.op = ServiceOp::Idle;
            self.process_queue(cfg, out);
            return;
        }
        let check = self.start_leadership_check(cfg, seq, TimerKind::ServiceCheckTimeout, out);
        self.v.service.op = ServiceOp::Checking(check);
    }

    /// The sequence of the bound the store serves under, when the check must fence it: a
    /// ready store and the fence switched on. `Some(None)` is "nothing agreed yet".
    fn fenced_bound_seq(&self, cfg: &ProtocolConfig) -> Option<Option<Seq>> {
        if !fence_on(cfg) {
            return None;
        }
        self.v
            .service
            .store
            .filter(|s| s.ready)
            .map(|s| s.agreed.map(|(seq, _)| seq))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_service_latest_reply(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        log: LogId,
        query: QueryId,
        latest: Option<Seq>,
        bound_seq: Option<Seq>,
        out: &mut Outbox,
    ) {
        let ctx = self.ctx(cfg);
        let fence = self.fenced_bound_seq(cfg);
        match &mut self.v.service.op {
            ServiceOp::Checking(check) if check.query == query && log == LogId::Leadership => {
                let verdict = check.record_reply(&ctx, from, latest, bound_seq, fence);
                let seq = check.seq;
                self.end_service_check(cfg, seq, verdict, bound_seq.unwrap_or_default(), out);
            }
            ServiceOp::Recovering(Recovery::Latest {
                query: q,
                replied,
                max,
            }) if *q == query && log == LogId::Timestamp => {
                if let Some(l) = latest {
                    *max = Some(max.map_or(l, |m| m.max(l)));
                }
                if replied.insert(from) && replied.len() >= ctx.quorum() {
                    let max = *max;
                    out.cancel_timer(TimerKind::RecoveryTimeout);
                    match max {
                        None => self.finish_recovery(cfg, None, 0, out),
                        Some(s) => self.recovery_lookup(cfg, s, s, LookupStep::Latest, out),
                    }
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_learned_reply(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        log: LogId,
        seq: Seq,
        query: QueryId,
        value: Option<Value>,
        out: &mut Outbox,
    ) {
        let ServiceOp::Recovering(Recovery::Lookup {
            query: q,
            seq: asked,
            latest,
            step,
            replied,
        }) = &mut self.v.service.op
        else {
            return;
        };
        if *q != query || log != LogId::Timestamp || *asked != seq {
            return;
        }
        let (latest, step) = (*latest, *step);
        if let Some(Value::Bound { bound, .. }) = value {
            // One answer is enough: learners cannot have learned different values.
            out.cancel_timer(TimerKind::RecoveryTimeout);
            match step {
                LookupStep::Latest => self.finish_recovery(cfg, Some(latest), bound, out),
                LookupStep::Previous => self.force(cfg, latest, latest, bound, out),
            }
            return;
        }
        if !replied.insert(from) || replied.len() < cfg.quorum() {
            return;
        }
        out.cancel_timer(TimerKind::RecoveryTimeout);
        // Nobody in a quorum learned it.
        match (step, latest) {
            // Sequence 0 with nothing before it: force bound 0 (everything ≤ −1 is bound 0).
            (LookupStep::Latest, 0) => self.force(cfg, 0, 0, 0, out),
            (LookupStep::Latest, s) => {
                self.recovery_lookup(cfg, s - 1, s, LookupStep::Previous, out)
            }
            // S−1 unknown too: S−2 must be agreed; force it, then S−1, then S.
            (LookupStep::Previous, s) if s >= 2 => self.force(cfg, s - 2, s, 0, out),
            (LookupStep::Previous, s) => self.force(cfg, 0, s, 0, out),
        }
    }

    fn start_recovery(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let epoch = self.v.service.stores_built;
        self.v.service.stores_built += 1;
        let id = StoreId {
            leader: self.identity(),
            epoch,
        };
        if cfg.bugs.skip_bound_recovery {
            // The bug: trust whatever bound this node happens to have learned, and count from
            // zero, as if no earlier leader had handed anything out.
            let agreed = match self.learner.greatest(LogId::Timestamp) {
                Some((s, Value::Bound { bound, .. })) => Some((s, bound)),
                _ => None,
            };
            self.v.service.store = Some(BoundStore {
                id,
                agreed,
                counter: 0,
                ready: true,
            });
            self.process_queue(cfg, out);
            return;
        }
        self.v.service.store = Some(BoundStore {
            id,
            agreed: None,
            counter: 0,
            ready: false,
        });
        let query = self.next_query();
        self.v.service.op = ServiceOp::Recovering(Recovery::Latest {
            query,
            replied: NodeSet::default(),
            max: None,
        });
        self.ctx(cfg).broadcast(
            out,
            Msg::LatestSeq {
                log: LogId::Timestamp,
                query,
            },
        );
        out.set_timer(
            TimerKind::RecoveryTimeout,
            Delay::Exactly(cfg.quorum_timeout),
        );
        super::election::arm_resend(cfg, out);
    }

    fn recovery_lookup(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        latest: Seq,
        step: LookupStep,
        out: &mut Outbox,
    ) {
        let query = self.next_query();
        self.v.service.op = ServiceOp::Recovering(Recovery::Lookup {
            query,
            seq,
            latest,
            step,
            replied: NodeSet::default(),
        });
        self.ctx(cfg).broadcast(
            out,
            Msg::LearnedQuery {
                log: LogId::Timestamp,
                seq,
                query,
            },
        );
        out.set_timer(
            TimerKind::RecoveryTimeout,
            Delay::Exactly(cfg.quorum_timeout),
        );
        super::election::arm_resend(cfg, out);
    }

    fn force(&mut self, cfg: &ProtocolConfig, seq: Seq, latest: Seq, bound: u64, out: &mut Outbox) {
        let Some(store) = self.v.service.store else {
            return;
        };
        self.v.service.op = ServiceOp::Recovering(Recovery::Forcing {
            seq,
            latest,
            bound,
            running: true,
        });
        let ctx = self.ctx(cfg);
        let value = Value::Bound {
            bound,
            owner: store.id,
        };
        self.v.proposers[LogId::Timestamp.index()].propose(&ctx, seq, value, out);
    }

    fn finish_recovery(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Option<Seq>,
        bound: u64,
        out: &mut Outbox,
    ) {
        let Some(store) = &mut self.v.service.store else {
            return;
        };
        store.agreed = seq.map(|s| (s, bound));
        store.counter = bound;
        store.ready = true;
        self.v.service.op = ServiceOp::Idle;
        out.observe(Observation::BoundRecovered { seq, bound });
        self.process_queue(cfg, out);
    }

    /// Serves covered requests in order until one needs Paxos work or an uncovered one is next.
    fn process_queue(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        loop {
            let Some(&front) = self.v.service.pending.front() else {
                self.v.service.op = ServiceOp::Idle;
                if self.v.service.draining {
                    self.close_service(out);
                }
                return;
            };
            if !front.covered {
                self.start_service_check(cfg, out);
                return;
            }
            let Ask::Timestamps { count } = front.ask else {
                self.v.service.pending.pop_front();
                self.serve_lock(front, out);
                continue;
            };
            let store = match self.v.service.store {
                Some(s) if s.ready => s,
                Some(_) => return, // recovery running
                None => {
                    self.start_recovery(cfg, out);
                    return;
                }
            };
            let last = store.counter + count;
            // (Bug `serve-past-bound`: serve first, reserve later.)
            let past = last > store.limit();
            if !past || cfg.bugs.serve_past_bound {
                self.v.service.pending.pop_front();
                if let Some(s) = &mut self.v.service.store {
                    s.counter = last;
                }
                let first = store.counter + 1;
                self.reply(
                    front.client,
                    front.request,
                    TimestampResult::Granted { first, last },
                    out,
                );
                out.observe(Observation::Served {
                    client: front.client,
                    request: front.request,
                    first,
                    last,
                    bound_seq: store.agreed.map(|(s, _)| s),
                    bound: store.limit(),
                });
                if past {
                    let seq = store.next_seq();
                    self.extend(cfg, seq, last + cfg.bound_buffer, out);
                    return;
                }
                continue;
            }
            let seq = store.next_seq();
            let target = last + cfg.bound_buffer;
            self.extend(cfg, seq, target, out);
            return;
        }
    }

    fn extend(&mut self, cfg: &ProtocolConfig, seq: Seq, target: u64, out: &mut Outbox) {
        let Some(store) = self.v.service.store else {
            return;
        };
        self.v.service.op = ServiceOp::Extending {
            seq,
            target,
            running: true,
        };
        let ctx = self.ctx(cfg);
        let value = Value::Bound {
            bound: target,
            owner: store.id,
        };
        self.v.proposers[LogId::Timestamp.index()].propose(&ctx, seq, value, out);
    }

    pub(crate) fn on_bound_outcome(
        &mut self,
        cfg: &ProtocolConfig,
        outcome: Outcome,
        out: &mut Outbox,
    ) {
        let retry = Delay::Uniform {
            min: MS,
            max: cfg.bound_retry_max + MS,
        };
        match (self.v.service.op, outcome) {
            (
                ServiceOp::Extending {
                    seq,
                    target,
                    running: true,
                },
                Outcome::Chosen { seq: s, value },
            ) if s == seq => {
                let Some(store) = &mut self.v.service.store else {
                    return;
                };
                match value {
                    Value::Bound { bound, owner } if owner == store.id && bound >= target => {
                        store.agreed = Some((seq, bound));
                        self.v.service.op = ServiceOp::Idle;
                        out.observe(Observation::BoundExtended { seq, bound });
                        self.process_queue(cfg, out);
                    }
                    found => self.lose_store(cfg, seq, found, out),
                }
            }
            (ServiceOp::Extending { seq, target, .. }, Outcome::Failed { .. }) => {
                self.v.service.op = ServiceOp::Extending {
                    seq,
                    target,
                    running: false,
                };
                out.set_timer(TimerKind::BoundRetry, retry);
            }
            (
                ServiceOp::Recovering(Recovery::Forcing { seq, latest, .. }),
                Outcome::Chosen { seq: s, value },
            ) if s == seq => {
                let bound = match value {
                    Value::Bound { bound, .. } => bound,
                    Value::Leader(_) => 0,
                };
                if seq >= latest {
                    self.finish_recovery(cfg, Some(latest), bound, out);
                } else {
                    self.force(cfg, seq + 1, latest, bound, out);
                }
            }
            (
                ServiceOp::Recovering(Recovery::Forcing {
                    seq, latest, bound, ..
                }),
                Outcome::Failed { .. },
            ) => {
                self.v.service.op = ServiceOp::Recovering(Recovery::Forcing {
                    seq,
                    latest,
                    bound,
                    running: false,
                });
                out.set_timer(TimerKind::BoundRetry, retry);
            }
            _ => {}
        }
    }

    /// The connection for the service check's query to `from` was refused: a failure without
    /// a reply.
    pub(crate) fn on_service_latest_refused(
        &mut self,
        cfg: &ProtocolConfig,
        from: NodeId,
        query: QueryId,
        out: &mut Outbox,
    ) {
        let ctx = self.ctx(cfg);
        if let ServiceOp::Checking(check) = &mut self.v.service.op {
            if check.query == query {
                let verdict = check.record_refused(&ctx, from);
                let seq = check.seq;
                self.end_service_check(cfg, seq, verdict, 0, out);
            }
        }
    }

    /// The service's reaction to a reply's or a refusal's verdict on the check of round
    /// `seq`. A check ends as soon as a quorum agrees (serve the queue) or none can any more
    /// (AtlasDB's `PaxosQuorumChecker` stops early too): a later leadership round ⇒ leadership
    /// is lost (SOME_DISAGREED); a later bound ⇒ the store is stale; nobody disagreed, the
    /// replies are missing (NO_QUORUM) ⇒ retry. `later` is the latest bound sequence seen.
    fn end_service_check(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        verdict: CheckVerdict,
        later: Seq,
        out: &mut Outbox,
    ) {
        if verdict == CheckVerdict::Pending {
            return;
        }
        out.cancel_timer(TimerKind::ServiceCheckTimeout);
        match verdict {
            CheckVerdict::Pending => {}
            CheckVerdict::Confirmed => {
                self.v.service.op = ServiceOp::Idle;
                self.v.service.no_quorum_checks = 0;
                self.process_queue(cfg, out);
            }
            CheckVerdict::LaterRound => {
                self.lose_leadership(cfg, seq, "a quorum reported a later leadership round", out)
            }
            CheckVerdict::StaleBound => {
                // Still leading as far as we know, but another store has moved the bound.
                let later = self
                    .v
                    .service
                    .store
                    .map_or(later, |s| later.max(s.next_seq()));
                self.drop_stale_store(cfg, later, out);
            }
            CheckVerdict::NoQuorum => self.check_without_quorum(cfg, seq, out),
        }
    }

    /// A check got no quorum either way: retry after a pause, a few times, then give up
    /// leadership (AtlasDB: 10 × 700 ms, then NotCurrentLeaderException).
    fn check_without_quorum(&mut self, cfg: &ProtocolConfig, led: Seq, out: &mut Outbox) {
        self.v.service.no_quorum_checks += 1;
        if self.v.service.no_quorum_checks > cfg.no_quorum_retries {
            self.lose_leadership(cfg, led, "no quorum answered the leadership check", out);
        } else {
            self.v.service.op = ServiceOp::CheckRetryWait;
            out.set_timer(
                TimerKind::ServiceCheckRetry,
                Delay::Exactly(cfg.no_quorum_retry_delay),
            );
        }
    }

    /// Another store has prepared, accepted or chosen a bound at `later`, past the one this
    /// store serves under: it must not serve from memory any more. The store is dropped (its
    /// Paxos attempt abandoned) and the waiting requests get a fresh check, then a new store
    /// recovers the latest bound — their arrival precedes both, so serving them is still in
    /// real-time order.
    fn drop_stale_store(&mut self, cfg: &ProtocolConfig, later: Seq, out: &mut Outbox) {
        let agreed = self
            .v
            .service
            .store
            .and_then(|s| s.agreed.map(|(seq, _)| seq));
        out.observe(Observation::BoundStale { agreed, later });
        self.v.service.store = None;
        self.v.service.op = ServiceOp::Idle;
        self.v.proposers[LogId::Timestamp.index()].abandon(out);
        out.cancel_timer(TimerKind::BoundRetry);
        if !self.v.service.pending.is_empty() {
            self.start_service_check(cfg, out);
        }
    }

    /// The local learner learned a bound at `seq`. A ready store that is not extending or
    /// recovering, and finds a later bound it did not propose, is stale (the fence would catch
    /// it at the next check; this stops it at once).
    pub(crate) fn on_bound_learned(
        &mut self,
        cfg: &ProtocolConfig,
        seq: Seq,
        value: Value,
        out: &mut Outbox,
    ) {
        if !fence_on(cfg) || !matches!(self.v.election, ElectionState::Leading { .. }) {
            return;
        }
        let Some(store) = self.v.service.store.filter(|s| s.ready) else {
            return;
        };
        let idle = matches!(
            self.v.service.op,
            ServiceOp::Idle | ServiceOp::Checking(_) | ServiceOp::CheckRetryWait
        );
        let foreign = !matches!(value, Value::Bound { owner, .. } if owner == store.id);
        let later = store.agreed.is_none_or(|(agreed, _)| seq > agreed);
        if idle && foreign && later {
            out.cancel_timer(TimerKind::ServiceCheckTimeout);
            out.cancel_timer(TimerKind::ServiceCheckRetry);
            self.drop_stale_store(cfg, seq, out);
        }
    }

    /// The store saw a value it did not propose: it stops for good. Waiting requests fail;
    /// the next request builds a new store after a fresh leadership check.
    fn lose_store(&mut self, cfg: &ProtocolConfig, seq: Seq, found: Value, out: &mut Outbox) {
        out.observe(Observation::StoreLost { seq, found });
        self.v.service.store = None;
        self.v.service.op = ServiceOp::Idle;
        self.fail_covered(TimestampResult::Unavailable, out);
        if self.v.service.draining {
            self.close_service(out);
        } else if !self.v.service.pending.is_empty() {
            self.start_service_check(cfg, out);
        }
    }

    /// Fails the covered timestamp requests (the store is gone); lock calls do not need it.
    fn fail_covered(&mut self, result: TimestampResult, out: &mut Outbox) {
        let pending = std::mem::take(&mut self.v.service.pending);
        for p in pending {
            if p.covered && matches!(p.ask, Ask::Timestamps { .. }) {
                self.reply(p.client, p.request, result, out);
            } else {
                self.v.service.pending.push_back(p);
            }
        }
    }

    /// Tells a caller this node does not lead, in the reply its call expects.
    pub(crate) fn refuse(&self, p: Pending, hint: Option<NodeId>, out: &mut Outbox) {
        match p.ask {
            Ask::Timestamps { .. } => self.reply(
                p.client,
                p.request,
                TimestampResult::NotLeader { hint },
                out,
            ),
            Ask::Lock { lock } | Ask::Refresh { lock, .. } | Ask::Unlock { lock, .. } => {
                super::locks::lock_reply(
                    p.client,
                    p.request,
                    lock,
                    LockResult::NotLeader { hint },
                    out,
                )
            }
        }
    }

    pub(crate) fn on_service_timer(
        &mut self,
        cfg: &ProtocolConfig,
        timer: TimerKind,
        out: &mut Outbox,
    ) {
        let led = match self.v.election {
            ElectionState::Leading { seq } => seq,
            _ if self.v.service.draining => return self.on_draining_timer(cfg, timer, out),
            _ => return,
        };
        match (timer, self.v.service.op) {
            (TimerKind::ServiceCheckTimeout, ServiceOp::Checking(check)) => {
                match check.timed_out() {
                    CheckVerdict::LaterRound => self.lose_leadership(
                        cfg,
                        led,
                        "an acceptor reported a later leadership round",
                        out,
                    ),
                    CheckVerdict::StaleBound => {
                        let later = self.v.service.store.map_or(0, |s| s.next_seq());
                        self.drop_stale_store(cfg, later, out);
                    }
                    _ => self.check_without_quorum(cfg, led, out),
                }
            }
            (TimerKind::ServiceCheckRetry, ServiceOp::CheckRetryWait) => {
                self.start_service_check(cfg, out)
            }
            (TimerKind::RecoveryTimeout, ServiceOp::Recovering(_)) => {
                // AtlasDB: ServiceNotAvailable, and leadership is given up.
                self.lose_leadership(cfg, led, "bound recovery could not reach a quorum", out);
            }
            (
                TimerKind::BoundRetry,
                ServiceOp::Extending {
                    seq,
                    target,
                    running: false,
                },
            ) => self.extend(cfg, seq, target, out),
            (
                TimerKind::BoundRetry,
                ServiceOp::Recovering(Recovery::Forcing {
                    seq,
                    latest,
                    bound,
                    running: false,
                }),
            ) => self.force(cfg, seq, latest, bound, out),
            _ => {}
        }
    }

    /// Timers while draining (`check-then-act`): extensions and forcing still retry; a
    /// recovery that cannot reach a quorum ends the drain.
    fn on_draining_timer(&mut self, cfg: &ProtocolConfig, timer: TimerKind, out: &mut Outbox) {
        match (timer, self.v.service.op) {
            (
                TimerKind::BoundRetry,
                ServiceOp::Extending {
                    seq,
                    target,
                    running: false,
                },
            ) => self.extend(cfg, seq, target, out),
            (
                TimerKind::BoundRetry,
                ServiceOp::Recovering(Recovery::Forcing {
                    seq,
                    latest,
                    bound,
                    running: false,
                }),
            ) => self.force(cfg, seq, latest, bound, out),
            (TimerKind::RecoveryTimeout, ServiceOp::Recovering(_)) => self.close_service(out),
            _ => {}
        }
    }

    /// Leadership is gone. Every waiting request is told and timers and proposals stop —
    /// except, under the `check-then-act` quirk, requests that already passed their check and
    /// are only waiting for the bound: AtlasDB's proxy lets them run to the end on this term's
    /// store (the service drains, then closes).
    pub(crate) fn shut_down_service(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let passed = matches!(
            self.v.service.op,
            ServiceOp::Idle | ServiceOp::Recovering(_) | ServiceOp::Extending { .. }
        );
        let any_covered = self.v.service.pending.iter().any(|p| p.covered);
        if cfg.quirks.check_then_act && passed && any_covered && !self.v.service.draining {
            let pending = std::mem::take(&mut self.v.service.pending);
            for p in pending {
                if p.covered {
                    self.v.service.pending.push_back(p);
                } else {
                    self.refuse(p, None, out);
                }
            }
            self.v.service.draining = true;
            out.cancel_timer(TimerKind::ServiceCheckTimeout);
            out.cancel_timer(TimerKind::ServiceCheckRetry);
            return;
        }
        self.close_service(out);
    }

    /// Ends the service: waiting requests are told NotLeader, its store and timers go.
    pub(crate) fn close_service(&mut self, out: &mut Outbox) {
        let svc = std::mem::take(&mut self.v.service);
        for p in svc.pending {
            self.refuse(p, None, out);
        }
        self.v.service.stores_built = svc.stores_built;
        self.v.proposers[LogId::Timestamp.index()].abandon(out);
        // The term's lock table goes with it.
        self.v.locks = super::locks::LockTable::default();
        for t in [
            TimerKind::ServiceCheckTimeout,
            TimerKind::ServiceCheckRetry,
            TimerKind::RecoveryTimeout,
            TimerKind::BoundRetry,
            TimerKind::LockGrace,
        ] {
            out.cancel_timer(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::*;
    use crate::engine::testnet::Net;
    use crate::engine::{Address, LeaderId, Role};

    /// What node `n` reported, in order.
    fn observations(net: &Net, n: u8) -> Vec<Observation> {
        net.log
            .iter()
            .filter(|(node, _)| *node == NodeId(n))
            .map(|(_, o)| o.clone())
            .collect()
    }

    fn served(net: &Net) -> Vec<(u64, u64)> {
        net.replies()
            .into_iter()
            .filter_map(|(_, r)| match r {
                TimestampResult::Granted { first, last } => Some((first, last)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_follower_redirects_to_the_leader_it_knows() {
        let mut net = Net::new(config(3));
        net.elect(2);
        net.fire(1, TimerKind::Backoff);
        net.settle();
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(
            net.replies(),
            vec![(
                Address::Node(NodeId(1)),
                TimestampResult::NotLeader {
                    hint: Some(NodeId(2))
                }
            )]
        );
    }

    #[test]
    fn the_first_request_recovers_then_extends_the_bound_before_serving() {
        // A new leader starts at the agreed bound (0 in an empty log), so the first request
        // crosses it: the bound is extended to needed + buffer by Paxos, then served.
        let mut net = Net::new(config(3));
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5)]);
        let obs = observations(&net, 1);
        assert!(obs.contains(&Observation::BoundRecovered {
            seq: None,
            bound: 0
        }));
        assert!(obs.contains(&Observation::BoundExtended { seq: 0, bound: 105 }));
        // Every learner knows the new bound.
        for n in &net.nodes {
            assert!(matches!(
                n.learner.get(LogId::Timestamp, 0),
                Some(Value::Bound { bound: 105, .. })
            ));
        }
    }

    #[test]
    fn requests_under_the_bound_need_only_the_leadership_check() {
        let mut net = Net::new(config(3));
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        let before = net.log.len();
        net.request(1, 1, 50);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5), (6, 55)]);
        let new: Vec<_> = net.log[before..].iter().map(|(_, o)| o.clone()).collect();
        assert!(
            !new.iter()
                .any(|o| matches!(o, Observation::Proposing { .. })),
            "no Paxos round for the bound"
        );
        assert_eq!(net.queue.len(), 0);
    }

    #[test]
    fn each_request_waits_for_a_check_that_started_after_it_arrived() {
        let mut net = Net::new(config(3));
        net.elect(1);
        net.request(1, 0, 1);
        net.settle();
        let cfg = net.cfg.clone();
        // Request A starts a check; request B arrives while it runs.
        let mut out = Outbox::default();
        net.nodes[0].on_message(
            &cfg,
            Address::Client(ClientId(0)),
            &Msg::TimestampRequest {
                request: 1,
                count: 1,
            },
            &mut out,
        );
        net.nodes[0].on_message(
            &cfg,
            Address::Client(ClientId(0)),
            &Msg::TimestampRequest {
                request: 2,
                count: 1,
            },
            &mut out,
        );
        let p = &net.nodes[0].v.service.pending;
        assert_eq!(
            p.iter().map(|p| p.covered).collect::<Vec<_>>(),
            vec![true, false]
        );
    }

    #[test]
    fn a_store_that_finds_a_rivals_bound_stops_serving() {
        // A rival's bound below the target, and one above it: a foreign value is never taken
        // for the store's own, however high (the second kills the `&&` → `||` mutant that
        // only a high rival bound exposes).
        for rival_bound in [7, 100_000] {
            store_meets_a_rival_bound_at_its_extension(rival_bound);
        }
    }

    fn store_meets_a_rival_bound_at_its_extension(rival_bound: u64) {
        // A bound proposer that sees a foreign value at its sequence must not serve from it.
        // (The fence would notice the rival's acceptances at the check already; switching it
        // off isolates the last line of defence, at the extension itself, which is what
        // catches a rival that accepts between the check and the extension.)
        let mut cfg = config(3);
        cfg.bugs.no_bound_fence = true;
        let mut net = Net::new(cfg);
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        // A rival store got a value accepted at timestamp[1] everywhere.
        let rival = StoreId {
            leader: LeaderId {
                node: NodeId(3),
                incarnation: 0,
            },
            epoch: 0,
        };
        let cfg = net.cfg.clone();
        for n in &mut net.nodes {
            let mut out = Outbox::default();
            n.on_message(
                &cfg,
                Address::Node(NodeId(3)),
                &Msg::Accept {
                    log: LogId::Timestamp,
                    seq: 1,
                    ballot: ballot(9, 3),
                    value: Value::Bound {
                        bound: rival_bound,
                        owner: rival,
                    },
                },
                &mut out,
            );
        }
        net.request(1, 1, 200); // crosses the bound of 105: an extension at seq 1
        net.settle();
        // The first ballot is refused (the rival's promise is higher); the retry, with a
        // raised counter, gets promises carrying the rival's value and must adopt it.
        assert!(net.fire(1, TimerKind::BoundRetry));
        net.settle();
        assert!(net
            .log
            .iter()
            .any(|(_, o)| matches!(o, Observation::StoreLost { seq: 1, .. })));
        assert_eq!(
            net.replies().last().unwrap().1,
            TimestampResult::Unavailable
        );
        assert_eq!(served(&net), vec![(1, 5)]);
    }

    #[test]
    fn a_new_leader_starts_above_everything_the_old_one_could_hand_out() {
        // Failover: N1 served under bound 105; N2 takes over and must start at 105.
        let mut net = Net::new(config(3));
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        let cfg = net.cfg.clone();
        net.nodes[0].crash(&cfg);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        if net.role(2) == Role::Follower {
            net.fire(2, TimerKind::PingTimeout);
            net.settle();
            net.fire(2, TimerKind::Backoff);
            net.settle();
        }
        assert_eq!(net.role(2), Role::Leader);
        net.request(2, 1, 5);
        net.settle();
        assert!(net.log.iter().any(|(n, o)| *n == NodeId(2)
            && *o
                == Observation::BoundRecovered {
                    seq: Some(0),
                    bound: 105
                }));
        assert_eq!(served(&net), vec![(1, 5), (106, 110)]);
    }

    #[test]
    fn recovery_forces_an_unlearned_bound_through_paxos() {
        // Nobody learned timestamp[0] (its Learns were lost), but a quorum accepted it: the new
        // leader's proposal at seq 0 adopts it, so the old bound is never lost.
        let mut net = Net::new(config(3));
        net.elect(1);
        net.drop = Box::new(|_, to, m| {
            matches!(
                m,
                Msg::Learn {
                    log: LogId::Timestamp,
                    ..
                }
            ) && to != Address::Node(NodeId(1))
        });
        net.request(1, 0, 5);
        net.settle();
        net.drop = Box::new(|_, _, _| false);
        let cfg = net.cfg.clone();
        net.nodes[0].crash(&cfg);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        if net.role(2) == Role::Follower {
            net.fire(2, TimerKind::PingTimeout);
            net.settle();
            net.fire(2, TimerKind::Backoff);
            net.settle();
        }
        net.request(2, 1, 5);
        net.settle();
        assert!(net.log.iter().any(|(n, o)| *n == NodeId(2)
            && *o
                == Observation::BoundRecovered {
                    seq: Some(0),
                    bound: 105
                }));
        assert_eq!(served(&net).last(), Some(&(106, 110)));
    }

    #[test]
    fn a_check_refused_by_a_quorum_ends_leadership() {
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        for i in [1, 2] {
            let mut out = Outbox::default();
            net.nodes[i].on_message(
                &cfg,
                Address::Node(NodeId(3)),
                &Msg::Prepare {
                    log: LogId::Leadership,
                    seq: 1,
                    ballot: ballot(1, 3),
                },
                &mut out,
            );
        }
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(
            net.replies()[0].1,
            TimestampResult::NotLeader { hint: None }
        );
        assert!(net
            .log
            .iter()
            .any(|(_, o)| matches!(o, Observation::LostLeadership { seq: 0, .. })));
    }

    #[test]
    fn the_serve_past_bound_bug_serves_before_the_bound_is_agreed() {
        // The rule it breaks: nothing is handed out above a bound Paxos has chosen.
        let mut cfg = config(3);
        cfg.bugs.serve_past_bound = true;
        let mut net = Net::new(cfg);
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5)]);
        let obs = observations(&net, 1);
        let served_at = obs
            .iter()
            .position(|o| {
                matches!(
                    o,
                    Observation::Served {
                        last: 5,
                        bound: 0,
                        ..
                    }
                )
            })
            .expect("served 1–5 under a bound of 0");
        let extended_at = obs
            .iter()
            .position(|o| matches!(o, Observation::BoundExtended { seq: 0, .. }))
            .expect("the bound is still extended, afterwards");
        assert!(served_at < extended_at);
    }

    /// N1 leads and serves 1–5 under bound 105 at timestamp seq 0; then a rival store's bound
    /// of 500 is accepted at seq 1 by N2 and N3 (as if a deposed leader had passed a stale
    /// check and extended the bound). N1 never hears of it directly.
    fn rival_moves_the_bound(cfg: ProtocolConfig) -> Net {
        let mut net = Net::new(cfg);
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5)]);
        let rival = StoreId {
            leader: LeaderId {
                node: NodeId(2),
                incarnation: 0,
            },
            epoch: 0,
        };
        let cfg = net.cfg.clone();
        for i in [1, 2] {
            let mut out = Outbox::default();
            net.nodes[i].on_message(
                &cfg,
                Address::Node(NodeId(2)),
                &Msg::Accept {
                    log: LogId::Timestamp,
                    seq: 1,
                    ballot: ballot(7, 2),
                    value: Value::Bound {
                        bound: 500,
                        owner: rival,
                    },
                },
                &mut out,
            );
        }
        net
    }

    #[test]
    fn the_check_fences_the_bound_a_rival_moved() {
        // The check's quorum intersects the quorum that accepted the rival's bound, so N1
        // learns that its bound is stale, drops its store, recovers 500 and serves above it.
        let mut net = rival_moves_the_bound(config(3));
        net.request(1, 1, 5);
        net.settle();
        assert!(observations(&net, 1).contains(&Observation::BoundStale {
            agreed: Some(0),
            later: 1
        }));
        // Recovery forces seq 1; its first ballot is below the rival's promise, so it retries.
        assert_eq!(served(&net), vec![(1, 5)]);
        assert!(net.fire(1, TimerKind::BoundRetry));
        net.settle();
        assert!(
            observations(&net, 1).contains(&Observation::BoundRecovered {
                seq: Some(1),
                bound: 500
            })
        );
        assert_eq!(served(&net), vec![(1, 5), (501, 505)]);
    }

    #[test]
    fn without_the_fence_the_leader_serves_below_a_moved_bound() {
        // The same schedule with the fence off: N1's leadership is fine, so it serves 6–10 from
        // memory although timestamps up to 500 may have been handed out.
        let mut cfg = config(3);
        cfg.bugs.no_bound_fence = true;
        let mut net = rival_moves_the_bound(cfg);
        net.request(1, 1, 5);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5), (6, 10)]);
    }

    #[test]
    fn learning_a_later_foreign_bound_drops_the_store_at_once() {
        let mut net = rival_moves_the_bound(config(3));
        let rival = Value::Bound {
            bound: 500,
            owner: StoreId {
                leader: LeaderId {
                    node: NodeId(2),
                    incarnation: 0,
                },
                epoch: 0,
            },
        };
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        net.nodes[0].on_message(
            &cfg,
            Address::Node(NodeId(2)),
            &Msg::Learn {
                log: LogId::Timestamp,
                seq: 1,
                ballot: ballot(7, 2),
                value: rival,
            },
            &mut out,
        );
        assert_eq!(net.nodes[0].v.service.store, None, "no request needed");
        assert!(observed(&out).contains(&Observation::BoundStale {
            agreed: Some(0),
            later: 1
        }));
        // Learning its own bound again is not news.
        let mut net = Net::new(config(3));
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        let store = net.nodes[0].v.service.store.expect("a store");
        let own = Value::Bound {
            bound: 105,
            owner: store.id,
        };
        let mut out = Outbox::default();
        net.nodes[0].on_bound_learned(&cfg, 0, own, &mut out);
        assert_eq!(net.nodes[0].v.service.store, Some(store));
    }

    #[test]
    fn the_skip_recovery_bug_counts_from_zero() {
        let mut cfg = config(3);
        cfg.bugs.skip_bound_recovery = true;
        let mut net = Net::new(cfg);
        net.elect(1);
        net.request(1, 0, 5);
        net.settle();
        let cfg = net.cfg.clone();
        net.nodes[0].crash(&cfg);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        if net.role(2) == Role::Follower {
            net.fire(2, TimerKind::PingTimeout);
            net.settle();
            net.fire(2, TimerKind::Backoff);
            net.settle();
        }
        net.request(2, 1, 5);
        net.settle();
        assert_eq!(
            served(&net),
            vec![(1, 5), (1, 5)],
            "the same timestamps twice"
        );
    }

    #[test]
    fn atlasdbs_check_asks_about_leadership_only() {
        // PaxosLatestRoundVerifierImpl: the same schedule as the fence test, with the quirk
        // instead of the bug: N1 serves from memory below the rival's bound.
        let mut cfg = config(3);
        cfg.quirks.leadership_only_check = true;
        let mut net = rival_moves_the_bound(cfg);
        net.request(1, 1, 5);
        net.settle();
        assert_eq!(served(&net), vec![(1, 5), (6, 10)]);
    }

    #[test]
    fn atlasdb_finishes_a_request_that_passed_its_check_after_losing_leadership() {
        // AwaitingLeadershipProxy: the delegate runs after the check with no re-check. A
        // request that passed its check and waits for the bound extension is still served when
        // the leader learns meanwhile that a later round was chosen; the textbook refuses it.
        for quirk in [false, true] {
            let mut cfg = config(3);
            cfg.quirks.check_then_act = quirk;
            let mut net = Net::new(cfg);
            net.elect(1);
            net.request(1, 0, 5);
            net.settle();
            // A request that crosses the bound: the check passes, the extension's Accepts are
            // held back for now.
            net.drop = Box::new(|_, to, m| {
                matches!(
                    m,
                    Msg::Accept {
                        log: LogId::Timestamp,
                        ..
                    }
                ) && to != Address::Node(NodeId(1))
            });
            net.request(1, 1, 200);
            net.settle();
            assert!(matches!(
                net.nodes[0].v.service.op,
                ServiceOp::Extending { .. }
            ));
            // N1 learns that round 1 was chosen for N2.
            let cfg = net.cfg.clone();
            let mut out = Outbox::default();
            net.nodes[0].on_message(
                &cfg,
                Address::Node(NodeId(2)),
                &Msg::Learn {
                    log: LogId::Leadership,
                    seq: 1,
                    ballot: ballot(9, 2),
                    value: leader_value(2),
                },
                &mut out,
            );
            assert!(!matches!(
                net.nodes[0].v.election,
                ElectionState::Leading { .. }
            ));
            assert_eq!(net.nodes[0].v.service.draining, quirk);
            // The extension round is retried and completes.
            net.drop = Box::new(|_, _, _| false);
            net.fire(1, TimerKind::TimestampProposalTimeout);
            net.settle();
            net.fire(1, TimerKind::BoundRetry);
            net.settle();
            let got: Vec<_> = net
                .to_clients
                .iter()
                .filter_map(|(_, _, m)| match m {
                    Msg::TimestampReply { request: 1, result } => Some(*result),
                    _ => None,
                })
                .collect();
            let served = got
                .iter()
                .any(|r| matches!(r, TimestampResult::Granted { .. }));
            assert_eq!(served, quirk, "{got:?}");
            if quirk {
                assert!(!net.nodes[0].v.service.draining, "drained, then closed");
            }
        }
    }

    /// N1 leads and serves `counts` one request after another, each crossing the bound, while
    /// only N1 hears the timestamp log's Learns; then N1 crashes and N2 takes over.
    fn unlearned_bounds_then_failover(counts: &[u64], learned_by_all: usize) -> Net {
        let mut net = Net::new(config(3));
        net.elect(1);
        for (i, &count) in counts.iter().enumerate() {
            if i == learned_by_all {
                net.drop = Box::new(|_, to, m| {
                    matches!(
                        m,
                        Msg::Learn {
                            log: LogId::Timestamp,
                            ..
                        }
                    ) && to != Address::Node(NodeId(1))
                });
            }
            net.request(1, i as u64, count);
            net.settle();
        }
        net.drop = Box::new(|_, _, _| false);
        let cfg = net.cfg.clone();
        net.nodes[0].crash(&cfg);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        if net.role(2) == Role::Follower {
            net.fire(2, TimerKind::PingTimeout);
            net.settle();
            net.fire(2, TimerKind::Backoff);
            net.settle();
        }
        assert_eq!(net.role(2), Role::Leader);
        net
    }

    /// Settles, firing node `n`'s bound retries until none is armed: forcing a sequence can
    /// meet the old leader's higher ballot once.
    fn settle_retrying(net: &mut Net, n: u8) {
        net.settle();
        for _ in 0..10 {
            if !net.fire(n, TimerKind::BoundRetry) {
                return;
            }
            net.settle();
        }
        panic!("still retrying");
    }

    fn recovered(net: &Net, n: u8) -> Vec<(Option<Seq>, u64)> {
        observations(net, n)
            .into_iter()
            .filter_map(|o| match o {
                Observation::BoundRecovered { seq, bound } => Some((seq, bound)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn recovery_reads_the_bound_before_an_unlearned_latest_and_forces_the_latest() {
        // timestamp[0] = 105 is learned everywhere; timestamp[1] = 305 + 100 = 405 only
        // by N1 (crashed). N2 finds seq 1 latest, nobody learned it, reads seq 0 and forces
        // seq 1 with Paxos: the accepted 405 wins, and serving starts above it.
        let mut net = unlearned_bounds_then_failover(&[5, 300], 1);
        assert_eq!(served(&net), vec![(1, 5), (6, 305)]);
        net.request(2, 9, 5);
        settle_retrying(&mut net, 2);
        assert_eq!(recovered(&net, 2), vec![(Some(1), 405)]);
        assert_eq!(served(&net).last(), Some(&(406, 410)));
    }

    #[test]
    fn recovery_forces_every_unlearned_bound_from_the_last_one_agreed() {
        // Nobody but N1 learned timestamp[1] (305 + 100) and timestamp[2] (605 + 100 = 705):
        // seq 2 and seq 1 are both unknown, so seq 0 must be agreed; N2 forces 0, then 1, then 2.
        let mut net = unlearned_bounds_then_failover(&[5, 300, 300], 1);
        assert_eq!(served(&net).last(), Some(&(306, 605)));
        net.request(2, 9, 5);
        settle_retrying(&mut net, 2);
        assert_eq!(recovered(&net, 2), vec![(Some(2), 705)]);
        let forced: Vec<Seq> = observations(&net, 2)
            .into_iter()
            .filter_map(|o| match o {
                Observation::Proposing {
                    log: LogId::Timestamp,
                    seq,
                    ..
                } => Some(seq),
                _ => None,
            })
            .collect();
        assert_eq!(
            forced,
            vec![0, 1, 2, 3],
            "forced 0, 1, 2, then extended at 3"
        );
        assert_eq!(served(&net).last(), Some(&(706, 710)));
    }

    #[test]
    fn recovery_with_nothing_learned_at_all_forces_from_sequence_zero() {
        // Neither timestamp[0] (105) nor timestamp[1] (405) was learned by N2 or N3.
        let mut net = unlearned_bounds_then_failover(&[5, 300], 0);
        net.request(2, 9, 5);
        settle_retrying(&mut net, 2);
        assert_eq!(recovered(&net, 2), vec![(Some(1), 405)]);
        assert_eq!(served(&net).last(), Some(&(406, 410)));
        // With only timestamp[0] accepted and unlearned, sequence 0 is forced on its own.
        let mut net = unlearned_bounds_then_failover(&[5], 0);
        net.request(2, 9, 5);
        settle_retrying(&mut net, 2);
        assert_eq!(recovered(&net, 2), vec![(Some(0), 105)]);
        assert_eq!(served(&net).last(), Some(&(106, 110)));
    }

    #[test]
    fn a_failed_forcing_round_is_retried_at_the_same_sequence_after_u_1_301_ms() {
        // A rival prepared timestamp[0] at a high ballot on two acceptors: the new leader's
        // recovery finds seq 0 latest and unlearned, forces it, is refused, and retries the same
        // sequence after a random U[1 ms, bound_retry_max + 1 ms) pause — then outranks it.
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        for i in [1, 2] {
            let mut out = Outbox::default();
            net.nodes[i].on_message(
                &cfg,
                Address::Node(NodeId(3)),
                &Msg::Prepare {
                    log: LogId::Timestamp,
                    seq: 0,
                    ballot: ballot(50, 3),
                },
                &mut out,
            );
        }
        net.request(1, 0, 5);
        net.settle();
        assert_eq!(served(&net), vec![]);
        let retry = net.armed[0]
            .iter()
            .find(|(t, _)| *t == TimerKind::BoundRetry)
            .map(|(_, d)| *d);
        assert_eq!(
            retry,
            Some(Delay::Uniform {
                min: MS,
                max: cfg.bound_retry_max + MS
            })
        );
        assert!(matches!(
            net.nodes[0].v.service.op,
            ServiceOp::Recovering(Recovery::Forcing {
                seq: 0,
                latest: 0,
                running: false,
                ..
            })
        ));
        assert!(net.fire(1, TimerKind::BoundRetry));
        net.settle();
        assert_eq!(recovered(&net, 1), vec![(Some(0), 0)]);
        assert_eq!(served(&net), vec![(1, 5)], "the retry outranks the rival");
        assert!(observations(&net, 1).contains(&Observation::BoundExtended { seq: 1, bound: 105 }));
    }

    #[test]
    fn a_recovery_lookup_counts_only_its_own_replies_and_waits_for_a_quorum() {
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        let n1 = &mut net.nodes[0];
        n1.v.service.store = Some(BoundStore {
            id: StoreId {
                leader: n1.identity(),
                epoch: 0,
            },
            agreed: None,
            counter: 0,
            ready: false,
        });
        let lookup = ServiceOp::Recovering(Recovery::Lookup {
            query: 40,
            seq: 3,
            latest: 3,
            step: LookupStep::Latest,
            replied: NodeSet::default(),
        });
        n1.v.service.op = lookup;
        let mut out = Outbox::default();
        let t = LogId::Timestamp;
        // Another query's reply, the other log's, another sequence's: none of them counts.
        n1.on_learned_reply(&cfg, NodeId(2), t, 3, 39, None, &mut out);
        n1.on_learned_reply(&cfg, NodeId(2), LogId::Leadership, 3, 40, None, &mut out);
        n1.on_learned_reply(&cfg, NodeId(2), t, 2, 40, None, &mut out);
        assert_eq!(n1.v.service.op, lookup);
        // One "don't know" of three is not yet "nobody in a quorum learned it", and the same
        // learner saying it twice is still one.
        n1.on_learned_reply(&cfg, NodeId(2), t, 3, 40, None, &mut out);
        n1.on_learned_reply(&cfg, NodeId(2), t, 3, 40, None, &mut out);
        assert!(matches!(
            n1.v.service.op,
            ServiceOp::Recovering(Recovery::Lookup { seq: 3, replied, .. }) if replied == NodeSet(0b010)
        ));
        assert!(out.commands.is_empty(), "nothing asked or proposed yet");
        // A second learner that does not know either: look at the sequence before.
        n1.on_learned_reply(&cfg, NodeId(3), t, 3, 40, None, &mut out);
        assert!(matches!(
            n1.v.service.op,
            ServiceOp::Recovering(Recovery::Lookup {
                seq: 2,
                latest: 3,
                step: LookupStep::Previous,
                ..
            })
        ));
    }

    #[test]
    fn recovery_forces_from_two_before_the_latest_not_from_the_start() {
        // timestamp[0] and [1] are learned everywhere; [2] (705) and [3] (1005) only by N1.
        // Neither 3 nor 2 is known, so 1 must be agreed: N2 forces 1, 2 and 3 — not 0.
        let mut net = unlearned_bounds_then_failover(&[5, 300, 300, 300], 2);
        net.request(2, 9, 5);
        settle_retrying(&mut net, 2);
        assert_eq!(recovered(&net, 2), vec![(Some(3), 1005)]);
        let mut proposed: Vec<Seq> = observations(&net, 2)
            .into_iter()
            .filter_map(|o| match o {
                Observation::Proposing {
                    log: LogId::Timestamp,
                    seq,
                    ..
                } => Some(seq),
                _ => None,
            })
            .collect();
        proposed.dedup();
        assert_eq!(
            proposed,
            vec![1, 2, 3, 4],
            "forced 1, 2, 3, then extended at 4"
        );
        assert_eq!(served(&net).last(), Some(&(1006, 1010)));
    }

    #[test]
    fn bound_recovery_counts_only_its_own_latest_sequence_replies() {
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        let n1 = &mut net.nodes[0];
        n1.start_recovery(&cfg, &mut out);
        let ServiceOp::Recovering(Recovery::Latest { query, .. }) = n1.v.service.op else {
            panic!("{:?}", n1.v.service.op);
        };
        let before = n1.v.service.op;
        // A leadership-log reply (the check's) or another query's is not recovery's.
        n1.on_service_latest_reply(
            &cfg,
            NodeId(2),
            LogId::Leadership,
            query,
            Some(9),
            None,
            &mut out,
        );
        n1.on_service_latest_reply(
            &cfg,
            NodeId(2),
            LogId::Leadership,
            query + 1,
            Some(9),
            None,
            &mut out,
        );
        n1.on_service_latest_reply(
            &cfg,
            NodeId(2),
            LogId::Timestamp,
            query + 1,
            Some(9),
            None,
            &mut out,
        );
        assert_eq!(n1.v.service.op, before);
        n1.on_service_latest_reply(
            &cfg,
            NodeId(2),
            LogId::Timestamp,
            query,
            Some(4),
            None,
            &mut out,
        );
        n1.on_service_latest_reply(
            &cfg,
            NodeId(3),
            LogId::Timestamp,
            query,
            None,
            None,
            &mut out,
        );
        assert!(matches!(
            n1.v.service.op,
            ServiceOp::Recovering(Recovery::Lookup {
                seq: 4,
                latest: 4,
                step: LookupStep::Latest,
                ..
            })
        ));
    }

    #[test]
    fn every_store_a_leader_builds_has_an_identity_of_its_own() {
        // A store tells its own bound from another store's by its id: a rebuilt store must not
        // take the old store's bound for its own.
        let mut net = Net::new(config(3));
        net.elect(1);
        let cfg = net.cfg.clone();
        let mut out = Outbox::default();
        let n1 = &mut net.nodes[0];
        let mut ids = Vec::new();
        for _ in 0..3 {
            n1.start_recovery(&cfg, &mut out);
            ids.push(n1.v.service.store.unwrap().id);
        }
        assert_eq!(
            ids.iter().map(|id| id.epoch).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(ids.iter().all(|id| id.leader == n1.identity()));
        assert_eq!(n1.v.service.stores_built, 3);
    }
}

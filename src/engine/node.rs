//! A TimeLock server: acceptor and learner (durable), proposers, election loop and timestamp
//! service (volatile), and the dispatch of messages and timers between them.

use super::acceptor::Acceptor;
use super::election::ElectionState;
use super::learner::Learner;
use super::msg::{Msg, QueryId, TimestampResult};
use super::outbox::{Observation, Outbox, TimerKind};
use super::proposer::{Outcome, Proposer};
use super::timestamp::TimestampService;
use super::timestamp::{Recovery, ServiceOp};
use super::types::{Address, Incarnation, LeaderId, LogId, NodeId, NodeSet, Seq, Value};
use super::{Ctx, ProtocolConfig};

/// What the node is doing, in one word for the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Down.
    Crashed,
    /// Holds leadership (passed the quorum check).
    Leader,
    /// Follows a leader that answers its pings.
    Follower,
    /// Its leader did not answer; pulling news from peers.
    Suspecting,
    /// In the random wait before proposing itself.
    Waiting,
    /// Running a leadership proposal.
    Proposing,
    /// Its learned value names it; asking a quorum whether a later round exists.
    Checking,
}

impl Role {
    /// Every role, in the order the help overlay lists them.
    pub const ALL: [Role; 7] = [
        Role::Leader,
        Role::Follower,
        Role::Suspecting,
        Role::Waiting,
        Role::Proposing,
        Role::Checking,
        Role::Crashed,
    ];

    /// Name for labels and traces.
    pub fn name(self) -> &'static str {
        match self {
            Role::Crashed => "crashed",
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::Suspecting => "suspecting",
            Role::Waiting => "waiting",
            Role::Proposing => "proposing",
            Role::Checking => "checking",
        }
    }
}

/// State lost on a crash.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Volatile {
    /// One proposer per log (leadership, timestamp), with their counters.
    pub proposers: [Proposer; 2],
    /// The leadership loop.
    pub election: ElectionState,
    /// Failed leadership attempts in a row (drives exponential backoff).
    pub consecutive_failures: u32,
    /// The timestamp service (meaningful only while leading).
    pub service: TimestampService,
    /// The lock service's table for this term (only while leading).
    pub locks: super::locks::LockTable,
    /// Next correlation id.
    pub next_query: u32,
}

impl Volatile {
    fn new() -> Volatile {
        Volatile {
            proposers: [
                Proposer::new(LogId::Leadership),
                Proposer::new(LogId::Timestamp),
            ],
            election: ElectionState::Starting,
            consecutive_failures: 0,
            service: TimestampService::default(),
            locks: super::locks::LockTable::default(),
            next_query: 0,
        }
    }
}

/// One cluster member.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Node {
    /// Which server.
    pub id: NodeId,
    /// Which life of it.
    pub incarnation: Incarnation,
    /// This life's random identity (AtlasDB gives each process a fresh UUID); the driver draws
    /// it, the engine never does.
    pub uuid: u32,
    /// False while crashed.
    pub up: bool,
    /// Durable: promises and acceptances.
    pub acceptor: Acceptor,
    /// Durable: learned values.
    pub learner: Learner,
    /// Everything else.
    pub v: Volatile,
}

impl Node {
    /// A node that has never run.
    pub fn new(id: NodeId) -> Node {
        Node {
            id,
            incarnation: 0,
            uuid: 0,
            up: true,
            acceptor: Acceptor::default(),
            learner: Learner::default(),
            v: Volatile::new(),
        }
    }

    /// This process's identity (what a leadership value names).
    pub fn identity(&self) -> LeaderId {
        LeaderId {
            node: self.id,
            incarnation: self.incarnation,
        }
    }

    pub(crate) fn ctx<'a>(&self, cfg: &'a ProtocolConfig) -> Ctx<'a> {
        Ctx {
            cfg,
            me: self.identity(),
            uuid: self.uuid,
        }
    }

    pub(crate) fn next_query(&mut self) -> QueryId {
        self.v.next_query += 1;
        (u64::from(self.incarnation) << 32) | u64::from(self.v.next_query)
    }

    /// Boots the process with the identity `uuid` (drawn by the driver). The election loop
    /// starts at once — or, under the `lazy-start` quirk, when the first client request
    /// arrives, as a TimeLock node's does.
    pub fn start(&mut self, cfg: &ProtocolConfig, uuid: u32, out: &mut Outbox) {
        self.uuid = uuid;
        if !cfg.quirks.lazy_start {
            self.iterate(cfg, out);
        }
    }

    /// Crash: volatile state is gone; durable state stays (unless a bug says otherwise).
    pub fn crash(&mut self, cfg: &ProtocolConfig) {
        self.up = false;
        self.v = Volatile::new();
        if cfg.bugs.acceptor_forgets {
            self.acceptor.forget();
        }
    }

    /// Restart as a new incarnation with a new identity `uuid`: fresh counters, same disk.
    pub fn restart(&mut self, cfg: &ProtocolConfig, uuid: u32, out: &mut Outbox) {
        self.up = true;
        self.incarnation += 1;
        self.v = Volatile::new();
        self.start(cfg, uuid, out);
    }

    /// One-word role for the cluster view.
    pub fn role(&self) -> Role {
        if !self.up {
            return Role::Crashed;
        }
        match self.v.election {
            ElectionState::Leading { .. } => Role::Leader,
            ElectionState::Following { .. } | ElectionState::Starting => Role::Follower,
            ElectionState::CatchingUp { .. } => Role::Suspecting,
            ElectionState::BackingOff { .. } => Role::Waiting,
            ElectionState::Proposing { .. } | ElectionState::AwaitingLearn { .. } => {
                Role::Proposing
            }
            ElectionState::Checking(_) => Role::Checking,
        }
    }

    /// The leader this node believes in: its greatest learned leadership value.
    pub fn believed_leader(&self) -> Option<(Seq, LeaderId)> {
        match self.learner.greatest(LogId::Leadership) {
            Some((seq, Value::Leader(l))) => Some((seq, l)),
            _ => None,
        }
    }

    /// Handles one delivered message.
    pub fn on_message(&mut self, cfg: &ProtocolConfig, from: Address, msg: &Msg, out: &mut Outbox) {
        debug_assert!(self.up, "messages are not delivered to crashed nodes");
        let ctx = self.ctx(cfg);
        let from_node = match from {
            Address::Node(n) => Some(n),
            Address::Client(_) => None,
        };
        match *msg {
            Msg::Prepare { log, seq, ballot } => {
                let reply = match self.acceptor.prepare(log, seq, ballot) {
                    Ok(accepted) => Msg::Promise {
                        log,
                        seq,
                        ballot,
                        accepted,
                    },
                    Err(promised) => Msg::Nack {
                        log,
                        seq,
                        ballot,
                        promised,
                        phase: super::Phase::Prepare,
                    },
                };
                out.send(from, reply);
            }
            Msg::Accept {
                log,
                seq,
                ballot,
                value,
            } => {
                let quirk = cfg.quirks.accept_without_state;
                let reply = match self.acceptor.accept(log, seq, ballot, value, quirk) {
                    Ok(()) => Msg::Accepted {
                        log,
                        seq,
                        ballot,
                        value,
                    },
                    Err(promised) => Msg::Nack {
                        log,
                        seq,
                        ballot,
                        promised,
                        phase: super::Phase::Accept,
                    },
                };
                out.send(from, reply);
            }
            Msg::Promise {
                log,
                seq,
                ballot,
                accepted,
            } => {
                let Some(n) = from_node else { return };
                let outcome =
                    self.v.proposers[log.index()].on_promise(&ctx, n, seq, ballot, accepted, out);
                self.route_outcome(cfg, log, outcome, out);
            }
            Msg::Nack {
                log,
                seq,
                ballot,
                promised,
                phase,
            } => {
                let Some(n) = from_node else { return };
                let outcome = self.v.proposers[log.index()]
                    .on_nack(&ctx, n, seq, ballot, promised, phase, out);
                self.route_outcome(cfg, log, outcome, out);
            }
            Msg::Accepted {
                log, seq, ballot, ..
            } => {
                let Some(n) = from_node else { return };
                let outcome = self.v.proposers[log.index()].on_accepted(&ctx, n, seq, ballot, out);
                self.route_outcome(cfg, log, outcome, out);
            }
            Msg::Learn {
                log, seq, value, ..
            } => self.learn(cfg, log, seq, value, out),
            Msg::CatchUp {
                log,
                from_seq,
                query,
            } => {
                let values = self.learner.since(log, from_seq).into();
                out.send(from, Msg::CatchUpReply { log, query, values });
            }
            Msg::CatchUpReply {
                log,
                query,
                ref values,
            } => {
                let Some(n) = from_node else { return };
                let values = values.clone();
                self.on_catch_up_reply(cfg, n, log, query, &values, out);
            }
            Msg::Ping { leader, query } => {
                let is_leader = leader == self.identity()
                    && self.believed_leader().map(|(_, l)| l) == Some(self.identity());
                let round = self.believed_leader().map(|(s, _)| s);
                out.send(
                    from,
                    Msg::PingReply {
                        query,
                        is_leader,
                        round,
                    },
                );
            }
            Msg::PingReply {
                query,
                is_leader,
                round,
            } => self.on_ping_reply(cfg, query, is_leader, round, out),
            Msg::LatestSeq { log, query } => {
                let seq = self.acceptor.latest_seq(log);
                let bound_seq = self.acceptor.latest_seq(LogId::Timestamp);
                out.send(
                    from,
                    Msg::LatestSeqReply {
                        log,
                        query,
                        seq,
                        bound_seq,
                    },
                );
            }
            Msg::LatestSeqReply {
                log,
                query,
                seq,
                bound_seq,
            } => {
                let Some(n) = from_node else { return };
                if !self.on_election_latest_reply(cfg, n, log, query, seq, out) {
                    self.on_service_latest_reply(cfg, n, log, query, seq, bound_seq, out);
                }
            }
            Msg::LearnedQuery { log, seq, query } => {
                let value = self.learner.get(log, seq);
                out.send(
                    from,
                    Msg::LearnedReply {
                        log,
                        seq,
                        query,
                        value,
                    },
                );
            }
            Msg::LearnedReply {
                log,
                seq,
                query,
                value,
            } => {
                let Some(n) = from_node else { return };
                self.on_learned_reply(cfg, n, log, seq, query, value, out);
            }
            Msg::TimestampRequest { request, count } => {
                if let Address::Client(c) = from {
                    let ask = super::timestamp::Ask::Timestamps { count };
                    self.on_leader_call(cfg, c, request, ask, out);
                }
            }
            Msg::LockRequest { request, lock } => {
                if let Address::Client(c) = from {
                    let ask = super::timestamp::Ask::Lock { lock };
                    self.on_leader_call(cfg, c, request, ask, out);
                }
            }
            Msg::LockRefresh {
                request,
                lock,
                token,
            } => {
                if let Address::Client(c) = from {
                    let ask = super::timestamp::Ask::Refresh { lock, token };
                    self.on_leader_call(cfg, c, request, ask, out);
                }
            }
            Msg::Unlock {
                request,
                lock,
                token,
            } => {
                if let Address::Client(c) = from {
                    let ask = super::timestamp::Ask::Unlock { lock, token };
                    self.on_leader_call(cfg, c, request, ask, out);
                }
            }
            Msg::TimestampReply { .. } | Msg::LockReply { .. } => {}
            Msg::ConnectionRefused { ref request } => {
                let Some(n) = from_node else { return };
                let request = request.as_ref().clone();
                self.on_refused(cfg, n, &request, out);
            }
        }
    }

    /// A call to `peer` could not connect (`refused-connections` quirk): the caller counts a
    /// failure at once instead of waiting for a timeout.
    fn on_refused(&mut self, cfg: &ProtocolConfig, peer: NodeId, request: &Msg, out: &mut Outbox) {
        let ctx = self.ctx(cfg);
        match *request {
            Msg::Prepare { log, seq, ballot } => {
                let outcome = self.v.proposers[log.index()].on_unreachable(
                    &ctx,
                    peer,
                    seq,
                    ballot,
                    super::Phase::Prepare,
                    out,
                );
                self.route_outcome(cfg, log, outcome, out);
            }
            Msg::Accept {
                log, seq, ballot, ..
            } => {
                let outcome = self.v.proposers[log.index()].on_unreachable(
                    &ctx,
                    peer,
                    seq,
                    ballot,
                    super::Phase::Accept,
                    out,
                );
                self.route_outcome(cfg, log, outcome, out);
            }
            Msg::Ping { query, .. } => self.on_ping_refused(cfg, query, out),
            Msg::LatestSeq {
                log: LogId::Leadership,
                query,
            } if !self.on_election_latest_refused(cfg, peer, query, out) => {
                self.on_service_latest_refused(cfg, peer, query, out);
            }
            _ => {}
        }
    }

    /// Handles one timer firing (the driver only delivers the latest arming of each kind).
    pub fn on_timer(&mut self, cfg: &ProtocolConfig, timer: TimerKind, out: &mut Outbox) {
        debug_assert!(self.up, "timers do not fire on crashed nodes");
        match timer {
            TimerKind::PingInterval
            | TimerKind::PingTimeout
            | TimerKind::CatchUpTimeout
            | TimerKind::Backoff
            | TimerKind::ElectionCheckTimeout => self.on_election_timer(cfg, timer, out),
            TimerKind::LeadershipProposalTimeout | TimerKind::TimestampProposalTimeout => {
                let log = if timer == TimerKind::LeadershipProposalTimeout {
                    LogId::Leadership
                } else {
                    LogId::Timestamp
                };
                let ctx = self.ctx(cfg);
                let outcome = self.v.proposers[log.index()].on_timeout(&ctx, out);
                self.route_outcome(cfg, log, outcome, out);
            }
            TimerKind::ServiceCheckTimeout
            | TimerKind::ServiceCheckRetry
            | TimerKind::RecoveryTimeout
            | TimerKind::BoundRetry => self.on_service_timer(cfg, timer, out),
            TimerKind::Resend => self.resend_outstanding(cfg, out),
            TimerKind::LockGrace => self.on_lock_grace(),
            TimerKind::ClientNext
            | TimerKind::ClientTimeout
            | TimerKind::ClientRefresh
            | TimerKind::ClientLease => {}
        }
    }

    fn route_outcome(
        &mut self,
        cfg: &ProtocolConfig,
        log: LogId,
        outcome: Option<Outcome>,
        out: &mut Outbox,
    ) {
        let Some(outcome) = outcome else { return };
        match log {
            LogId::Leadership => self.on_leadership_outcome(cfg, outcome, out),
            LogId::Timestamp => self.on_bound_outcome(cfg, outcome, out),
        }
    }

    /// Re-sends every outstanding quorum request to the peers that have not answered it yet
    /// (requests are idempotent: a repeated Prepare or Accept is re-acked). Re-arms itself
    /// while anything is outstanding.
    fn resend_outstanding(&mut self, cfg: &ProtocolConfig, out: &mut Outbox) {
        let mut pending: Vec<(NodeSet, Msg)> = Vec::new();
        for p in &self.v.proposers {
            if let Some(a) = &p.attempt {
                pending.push((a.answered(), a.request(p.log)));
            }
        }
        match self.v.election {
            ElectionState::Checking(check) => pending.push((check.answered(), check.request())),
            ElectionState::CatchingUp {
                query,
                from_seq,
                replied,
                ..
            } => pending.push((
                replied,
                Msg::CatchUp {
                    log: LogId::Leadership,
                    from_seq,
                    query,
                },
            )),
            _ => {}
        }
        match self.v.service.op {
            ServiceOp::Checking(check) => pending.push((check.answered(), check.request())),
            ServiceOp::Recovering(Recovery::Latest { query, replied, .. }) => pending.push((
                replied,
                Msg::LatestSeq {
                    log: LogId::Timestamp,
                    query,
                },
            )),
            ServiceOp::Recovering(Recovery::Lookup {
                query,
                seq,
                replied,
                ..
            }) => pending.push((
                replied,
                Msg::LearnedQuery {
                    log: LogId::Timestamp,
                    seq,
                    query,
                },
            )),
            _ => {}
        }
        if pending.is_empty() {
            return;
        }
        for (answered, msg) in pending {
            for i in 0..usize::from(cfg.nodes) {
                let to = NodeId::from_index(i);
                if to != self.id && !answered.contains(to) {
                    out.send(Address::Node(to), msg.clone());
                }
            }
        }
        super::election::arm_resend(cfg, out);
    }

    /// Records a value in the local learner and lets the election loop react.
    pub(crate) fn learn(
        &mut self,
        cfg: &ProtocolConfig,
        log: LogId,
        seq: Seq,
        value: Value,
        out: &mut Outbox,
    ) {
        if !self.learner.learn(log, seq, value) {
            return;
        }
        out.observe(Observation::Learned { log, seq, value });
        match log {
            LogId::Leadership => self.on_leadership_learned(cfg, seq, out),
            LogId::Timestamp => self.on_bound_learned(cfg, seq, value, out),
        }
    }

    /// Answers a client at once.
    pub(crate) fn reply(
        &self,
        client: super::ClientId,
        request: super::RequestId,
        result: TimestampResult,
        out: &mut Outbox,
    ) {
        out.send(
            Address::Client(client),
            Msg::TimestampReply { request, result },
        );
    }
}

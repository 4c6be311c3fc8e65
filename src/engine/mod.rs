//! The protocol core: AtlasDB TimeLock's two Paxos uses, as pure state machines.
//!
//! # What runs here
//! Every node is proposer, acceptor and learner of two independent multi-instance Paxos
//! logs: the **leadership** log (value at seq k names the leader of term k) and the
//! **timestamp** log (value at seq k is the highest timestamp the leader may hand out).
//!
//! * [`acceptor`] keeps promises and acceptances (durable).
//! * [`learner`] keeps chosen values (durable) and answers catch-up.
//! * [`proposer`] runs one Prepare/Accept attempt and broadcasts Learn.
//! * [`election`] is AtlasDB's leadership loop: ping the believed leader; if it does not
//!   answer, catch up, **wait a random time**, re-check nothing new was learned, and propose
//!   yourself at greatest-learned + 1. A node leads iff its greatest learned value names it
//!   *and* a quorum confirms no later sequence.
//! * [`leadership_check`] is the one rule for "am I still the leader?" that both of them
//!   use: a quorum of acceptors reports no later round.
//! * [`timestamp`] is the leader's timestamp service: check leadership before serving, hand
//!   out timestamps only below the agreed bound, extend the bound by Paxos, and recover it
//!   from a quorum when a new leader starts.
//! * [`client`] is a simulated timestamp client that follows NotLeader hints.
//!
//! # Sans-IO
//! This folder imports nothing else of the crate (tests/layers.rs). Handlers take a message or a timer firing and append [`outbox::Command`]s: messages to
//! send, timers to arm (durations, possibly random *ranges*), and observations. There is no
//! clock, no random number generator and no I/O in this module, so the same code runs in
//! the simulator, in tests and in the browser, and one seed reproduces a run exactly.

pub mod acceptor;
pub mod client;
pub mod config;
pub mod election;
pub mod leadership_check;
pub mod learner;
pub mod locks;
pub mod msg;
pub mod node;
pub mod outbox;
pub mod proposer;
pub mod seqlog;
pub mod timestamp;
pub mod types;

pub use config::{BackoffPolicy, Bugs, Delay, Micros, Protocol, ProtocolConfig, Quirks, MS};
pub use msg::{LockResult, Msg, Phase, QueryId, RequestId, TimestampResult};
pub use node::{Node, Role};
pub use outbox::{Command, FailReason, Observation, Outbox, TimerKind};
pub use types::{
    Address, Ballot, ClientId, Incarnation, LeaderId, LockName, LockToken, LogId, NodeId, NodeSet,
    Seq, StoreId, Value,
};

/// What a handler may read about its surroundings: the shared configuration and who it is.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// Cluster-wide parameters.
    pub cfg: &'a ProtocolConfig,
    /// This process (node and incarnation).
    pub me: LeaderId,
    /// This process's random identity (AtlasDB's UUID), drawn by the driver at each start.
    pub uuid: u32,
}

impl Ctx<'_> {
    /// Sends `msg` to every node, this one first (its own acceptor or learner answers at once).
    pub fn broadcast(&self, out: &mut Outbox, msg: Msg) {
        out.send(Address::Node(self.me.node), msg.clone());
        for i in 0..usize::from(self.cfg.nodes) {
            let to = NodeId::from_index(i);
            if to != self.me.node {
                out.send(Address::Node(to), msg.clone());
            }
        }
    }

    /// Replies needed for a quorum.
    pub fn quorum(&self) -> usize {
        self.cfg.quorum()
    }

    /// Refusals after which a quorum of acks is impossible.
    pub fn max_refusals(&self) -> usize {
        let n = usize::from(self.cfg.nodes);
        n - self.quorum().min(n)
    }
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Helpers for reading an [`Outbox`] in unit tests.
    use super::*;

    /// Node 1's context (incarnation 0) under `cfg`.
    pub fn ctx(cfg: &ProtocolConfig) -> Ctx<'_> {
        Ctx {
            cfg,
            me: LeaderId {
                node: NodeId(1),
                incarnation: 0,
            },
            uuid: 0,
        }
    }

    /// Messages sent, in order.
    pub fn sent(out: &Outbox) -> Vec<(Address, Msg)> {
        out.commands
            .iter()
            .filter_map(|c| match c {
                Command::Send { to, msg } => Some((*to, msg.clone())),
                _ => None,
            })
            .collect()
    }

    /// Messages of one type sent, with their destinations.
    pub fn sent_of(out: &Outbox, type_name: &str) -> Vec<(Address, Msg)> {
        sent(out)
            .into_iter()
            .filter(|(_, m)| m.type_name() == type_name)
            .collect()
    }

    /// Observations, in order.
    pub fn observed(out: &Outbox) -> Vec<Observation> {
        out.commands
            .iter()
            .filter_map(|c| match c {
                Command::Observe(o) => Some(o.clone()),
                _ => None,
            })
            .collect()
    }

    /// A ballot of node `node` (incarnation 0).
    pub fn ballot(number: u64, node: u8) -> Ballot {
        Ballot {
            number,
            uuid: 0,
            node: NodeId(node),
            incarnation: 0,
        }
    }

    /// "node leads" (incarnation 0).
    pub fn leader_value(node: u8) -> Value {
        Value::Leader(LeaderId {
            node: NodeId(node),
            incarnation: 0,
        })
    }

    /// A classroom config for `n` nodes with resends off (tests count messages).
    pub fn config(n: u8) -> ProtocolConfig {
        ProtocolConfig {
            resend_interval: 0,
            ..ProtocolConfig::classroom(n)
        }
    }
}

#[cfg(test)]
pub(crate) mod testnet {
    //! A tiny synchronous network for unit tests: messages are delivered in FIFO order until
    //! none are left; timers only fire when a test fires them. No simulator involved.
    use std::collections::VecDeque;

    use super::client::ClientParams;
    use super::*;

    /// Decides which messages the test network loses.
    pub type DropRule = Box<dyn Fn(Address, Address, &Msg) -> bool>;

    /// Nodes plus a FIFO of messages in flight.
    pub struct Net {
        pub cfg: ProtocolConfig,
        pub nodes: Vec<Node>,
        pub queue: VecDeque<(Address, Address, Msg)>,
        /// Messages to clients, in order.
        pub to_clients: Vec<(Address, ClientId, Msg)>,
        /// Every observation, with its node.
        pub log: Vec<(NodeId, Observation)>,
        /// Timers currently armed per node.
        pub armed: Vec<Vec<(TimerKind, Delay)>>,
        /// Messages matching this are dropped.
        pub drop: DropRule,
    }

    impl Net {
        pub fn new(cfg: ProtocolConfig) -> Net {
            let n = usize::from(cfg.nodes);
            Net {
                nodes: (0..n).map(|i| Node::new(NodeId::from_index(i))).collect(),
                cfg,
                queue: VecDeque::new(),
                to_clients: Vec::new(),
                log: Vec::new(),
                armed: vec![Vec::new(); n],
                drop: Box::new(|_, _, _| false),
            }
        }

        fn absorb(&mut self, from: NodeId, out: &mut Outbox) {
            for c in out.commands.drain(..) {
                match c {
                    Command::Send { to, msg } => match to {
                        Address::Client(cl) => self.to_clients.push((Address::Node(from), cl, msg)),
                        Address::Node(_) => self.queue.push_back((Address::Node(from), to, msg)),
                    },
                    Command::SetTimer { timer, delay } => {
                        let a = &mut self.armed[from.index()];
                        a.retain(|(t, _)| *t != timer);
                        a.push((timer, delay));
                    }
                    Command::CancelTimer(timer) => {
                        self.armed[from.index()].retain(|(t, _)| *t != timer)
                    }
                    Command::Observe(o) => self.log.push((from, o)),
                }
            }
        }

        pub fn start(&mut self, n: u8) {
            let mut out = Outbox::default();
            // A fixed "random" identity per node and start, so tests stay reproducible.
            let uuid = 0x9E37_79B9u32.wrapping_mul(u32::from(n) + 1);
            self.nodes[usize::from(n) - 1].start(&self.cfg, uuid, &mut out);
            self.absorb(NodeId(n), &mut out);
        }

        /// Delivers messages until none are left (or `limit` deliveries).
        pub fn settle(&mut self) {
            let mut budget = 100_000;
            while let Some((from, to, msg)) = self.queue.pop_front() {
                budget -= 1;
                assert!(budget > 0, "network did not settle");
                let Address::Node(n) = to else { continue };
                if (self.drop)(from, to, &msg) || !self.nodes[n.index()].up {
                    continue;
                }
                let mut out = Outbox::default();
                self.nodes[n.index()].on_message(&self.cfg, from, &msg, &mut out);
                self.absorb(n, &mut out);
            }
        }

        /// Fires a timer if armed; returns whether it was.
        pub fn fire(&mut self, n: u8, timer: TimerKind) -> bool {
            let id = NodeId(n);
            let a = &mut self.armed[id.index()];
            let Some(pos) = a.iter().position(|(t, _)| *t == timer) else {
                return false;
            };
            a.remove(pos);
            let mut out = Outbox::default();
            self.nodes[id.index()].on_timer(&self.cfg, timer, &mut out);
            self.absorb(id, &mut out);
            true
        }

        /// A client request from client 0.
        pub fn request(&mut self, n: u8, request: RequestId, count: u64) {
            self.queue.push_back((
                Address::Client(ClientId(0)),
                Address::Node(NodeId(n)),
                Msg::TimestampRequest { request, count },
            ));
        }

        /// Replies to clients so far, in order.
        pub fn replies(&self) -> Vec<(Address, TimestampResult)> {
            self.to_clients
                .iter()
                .filter_map(|(from, _, m)| match m {
                    Msg::TimestampReply { result, .. } => Some((*from, *result)),
                    _ => None,
                })
                .collect()
        }

        pub fn role(&self, n: u8) -> Role {
            self.nodes[usize::from(n) - 1].role()
        }

        /// Elects node `n` at the next round by running its loop with every timer it needs.
        pub fn elect(&mut self, n: u8) {
            for i in 1..=self.cfg.nodes {
                if self.nodes[usize::from(i) - 1].v.election == election::ElectionState::Starting {
                    self.start(i);
                }
            }
            self.settle();
            if self.role(n) == Role::Follower {
                self.fire(n, TimerKind::PingTimeout);
                self.settle();
            }
            self.fire(n, TimerKind::Backoff);
            self.settle();
            assert_eq!(self.role(n), Role::Leader, "N{n} should lead");
        }

        #[allow(dead_code)]
        pub fn client_params() -> ClientParams {
            ClientParams {
                batch: 1,
                think: 1,
                timeout: 1,
                retry_pause: 1,
                one_shot: true,
                locks: None,
            }
        }
    }
}

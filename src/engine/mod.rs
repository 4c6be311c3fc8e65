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
//! * [`timestamp`] is the leader's timestamp service: check leadership before serving, hand
//!   out timestamps only below the agreed bound, extend the bound by Paxos, and recover it
//!   from a quorum when a new leader starts.
//! * [`client`] is a simulated timestamp client that follows NotLeader hints.
//!
//! # Sans-IO
//! Handlers take a message or a timer firing and append [`outbox::Command`]s: messages to
//! send, timers to arm (durations, possibly random *ranges*), and observations. There is no
//! clock, no random number generator and no I/O in this module, so the same code runs in
//! the simulator, in tests and in the browser, and one seed reproduces a run exactly.

pub mod acceptor;
pub mod client;
pub mod config;
pub mod election;
pub mod learner;
pub mod msg;
pub mod node;
pub mod outbox;
pub mod proposer;
pub mod seqlog;
pub mod timestamp;
pub mod types;

pub use config::{BackoffPolicy, Bugs, Delay, Micros, ProtocolConfig, MS};
pub use msg::{Msg, Phase, QueryId, RequestId, TimestampResult};
pub use node::{Node, Role};
pub use outbox::{Command, FailReason, Observation, Outbox, TimerKind};
pub use types::{
    Address, Ballot, ClientId, Incarnation, LeaderId, LogId, NodeId, NodeSet, Seq, StoreId, Value,
};

/// What a handler may read about its surroundings: the shared configuration and who it is.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// Cluster-wide parameters.
    pub cfg: &'a ProtocolConfig,
    /// This process (node and incarnation).
    pub me: LeaderId,
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

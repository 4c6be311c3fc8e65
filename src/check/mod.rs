//! The model checker: every execution of a small cluster, not a sample of them.
//!
//! # What is explored
//! The states are the engine's own [`Node`]s (the very code the simulator and the page run),
//! the messages in flight, the timers each process has armed, the one-off clients, and the
//! safety [`Checker`] of `src/sim/checker.rs` — fed exactly the observations the simulated
//! world feeds it (every message as it is sent, every [`crate::engine::Observation`] as it is made), so the
//! model checker judges the engine by the same rules as a simulation and never by the engine's
//! own. From a state, every choice point is a branch ([`Move`]):
//!
//! * **deliver** any in-flight message (in any order: the network reorders freely);
//! * **duplicate** one (the network may deliver it twice) — at most `duplicates` in a run;
//! * **lose** one — at most `losses` in a run (a message that is simply never delivered is
//!   already covered: the checker judges what was sent and learned, so for safety an
//!   undelivered message is as good as a lost one; losses only add the "gone for good" state);
//! * **fire** any armed timer of an *active* node (nodes 1 to `proposers`) — at most `timers`
//!   firings per node; the other nodes are acceptors and learners that never time out;
//! * **crash** an up node and later **restart** it — at most `crashes` crashes;
//! * **ask** a node for a timestamp (a one-off client, the world's `client-request`) — at most
//!   `requests`; a client's retry timers count against `client_timeouts`.
//!
//! A message a process sends itself is an in-line call in TimeLock: it is delivered within the
//! same move, in the order it was sent, never lost or reordered (the scripted world does the
//! same, see [`crate::sim::SimConfig::scripted`]).
//!
//! # How time is abstracted
//! There is no clock. A timer is either armed or not; an armed timer may fire at any moment,
//! before or after any delivery, whatever its duration or random range (the backoff's random
//! wait becomes "any order of the rivals' wake-ups"). That over-approximates every timing the
//! simulator could draw — safety must hold under asynchrony — and removes time from the state.
//! What remains unbounded is the number of things that can happen (pings, retries, elections
//! with ever higher ballots), so the budgets above bound it: each timer firing, duplicate,
//! loss, crash and request spends budget, and a delivery consumes a message. Every handler
//! sends finitely many messages, so with budgets spent every path ends: the space is finite
//! and the search exhausts it. `max_depth` is a second, optional bound on path length.
//!
//! # Fingerprints, symmetry
//! A state's fingerprint hashes the nodes, the armed timers, the clients, the network as a
//! multiset (an order-independent sum of per-message hashes, so two networks holding the same
//! messages in another order are one state), the checker's ghost state (times left out) and
//! the spent budgets. **No symmetry reduction**: it would be unsound here. Node ids order
//! ballots of equal number (a ballot's tie-break), the broadcast order is by id, the active
//! nodes differ from the passive ones, and in the timestamp configuration node 1 is the old
//! leader; renaming nodes changes behaviour, so permuted states are not equivalent.
//!
//! # Search
//! [`Search::Bfs`] finds a shortest counterexample (by moves after the fixed prefix);
//! [`Search::Dfs`] uses a stack (memory grows with depth × branching, not with a level).
//! Both keep a table fingerprint → parent fingerprint; a counterexample is rebuilt by
//! replaying from the root the moves whose successors have the recorded fingerprints, then
//! written as an ordinary scripted trace (see [`replay`]).
//!
//! # Reduction: quiet deliveries are skipped
//! A delivery is *quiet* if the receiving node stays as it was (same fingerprint, same armed
//! timers), sends nothing and feeds the checker nothing: a stale reply its proposer no longer
//! waits for, a message to a crashed node (unless `refused-connections` answers it). Its only
//! effect is taking the message off the network. With [`CheckConfig::reduce`] on (the
//! default; `--no-reduction` turns it off) the search does not branch on quiet deliveries.
//! This is sound for every invariant here, and keeps BFS counterexamples shortest:
//!
//! * Call `s′ ≼ s` when the two states are equal except that `s′`'s network is a
//!   sub-multiset of `s`'s. A move's effect depends only on the node it concerns and the
//!   message (or timer) — that is what the memo below relies on too — and on the budgets; an
//!   extra message in flight disables no move. So every move possible in `s′` is possible in
//!   `s` with the same effect, and the successors are again `s′ ≼ s` (induction: every path
//!   from `s′` is matched, move for move, from `s`).
//! * A quiet delivery goes from `s` to `s − e ≼ s`. Take any path from the root to a state
//!   that breaks an invariant and delete its quiet deliveries: by the above, the other moves
//!   stay possible with the same effects (whether a delivery is quiet depends only on its node
//!   and message, so no move changes class), and the path ends in a state with the *same*
//!   nodes and checker — the same violation — after no more moves than before. Every move of
//!   the shortened path is one the reduced search takes, so it reaches that state (or one of
//!   the same fingerprint): DFS finds a violation if there is one, and BFS's shortest is
//!   never longer than without the reduction. The rule depends only on the state and the
//!   move, so the visited-state table needs no care (the reduced graph is a subgraph).
//! * What changes is the number of states (a message left in flight is a different state
//!   from one delivered quietly) and paths' shapes; the unreduced counts stay pinned in the
//!   tests with `reduce` off.
//!
//! # Speed
//! A move that concerns one node (a delivery to it, its timer, its crash or restart) is
//! computed on that node alone and memoised by (node fingerprint, event): the node
//! afterwards, its timers, its sends and its feed to the checker. The checker's step is
//! memoised by (checker fingerprint, feed). A successor is then a copy of the parent into a
//! reused buffer (nodes, checker and messages are shared `Rc`s) and a few table look-ups;
//! the memos change nothing but speed (tested: same counts, same order, same
//! counterexamples with `memo` off). The fingerprint table is flat (buckets of four entries,
//! one cache line each), and a state's successors are all made before they are looked up,
//! their buckets prefetched, so the cache misses overlap.

pub mod replay;

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;

use crate::engine::client::{Client, ClientParams};
use crate::engine::{
    Address, Bugs, ClientId, Command, Msg, Node, NodeId, Observation, Outbox, ProtocolConfig,
    Quirks, TimerKind, MS,
};
use crate::sim::checker::{Checker, Invariant, Violation};
use crate::sim::config::{ClientLoad, NetworkConfig, SimConfig};
use crate::sim::rng::Rng;

/// Time between two moves of a counterexample when it is written as a scripted trace, so the
/// animation shows one move at a time.
pub const MOVE_SPACING: u64 = 100 * MS;

/// Which of TimeLock's two Paxos uses a configuration puts under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogUnderTest {
    /// Leader election from a cold start: two proposers compete for the first rounds.
    Leadership,
    /// The timestamp bound: node 1 leads and serves; node 2 may take over and both race for
    /// the next bound.
    Timestamp,
}

impl LogUnderTest {
    /// Name in the CLI.
    pub fn name(self) -> &'static str {
        match self {
            LogUnderTest::Leadership => "leadership",
            LogUnderTest::Timestamp => "timestamp",
        }
    }

    /// Parses [`LogUnderTest::name`].
    pub fn from_name(s: &str) -> Option<LogUnderTest> {
        match s {
            "leadership" => Some(LogUnderTest::Leadership),
            "timestamp" => Some(LogUnderTest::Timestamp),
            _ => None,
        }
    }
}

/// The order states are explored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// Breadth-first: the first counterexample found is a shortest one.
    Bfs,
    /// Depth-first: less memory for the frontier.
    Dfs,
}

impl Search {
    /// Name in the CLI and reports.
    pub fn name(self) -> &'static str {
        match self {
            Search::Bfs => "bfs",
            Search::Dfs => "dfs",
        }
    }
}

/// What makes the state space finite (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Longest path explored, in moves after the prefix (`u32::MAX`: no limit).
    pub max_depth: u32,
    /// Crashes in a run (each crashed node may restart).
    pub crashes: u8,
    /// Nodes 1 to `proposers` are active (their timers fire); the rest never time out.
    pub proposers: u8,
    /// Timer firings per active node.
    pub timers: u8,
    /// Messages the network may duplicate in a run.
    pub duplicates: u8,
    /// Messages the network may lose in a run.
    pub losses: u8,
    /// One-off client requests in a run.
    pub requests: u8,
    /// Client retry timers (timeouts, pauses) that may fire in a run.
    pub client_timeouts: u8,
}

/// One configuration to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckConfig {
    /// Cluster size.
    pub nodes: u8,
    /// Which log is under test (decides the prefix and the defaults).
    pub log: LogUnderTest,
    /// Breadth- or depth-first.
    pub search: Search,
    /// The budgets.
    pub bounds: Bounds,
    /// Injected bugs.
    pub bugs: Bugs,
    /// AtlasDB quirks.
    pub quirks: Quirks,
    /// Seed of the process identities (UUIDs) drawn at each start, as the world draws them.
    pub seed: u64,
    /// Stop after this many unique states (the verdict then says the search was cut short).
    pub max_states: u64,
    /// Invariants whose violations do not stop the search (to ask whether a weaker rule's
    /// break leads on to a stronger one's, e.g. a hidden acceptance to two values chosen).
    pub ignore: Vec<Invariant>,
    /// Memoise node events and checker steps (same states, same order, faster; off only to
    /// measure or to cross-check the memo).
    pub memo: bool,
    /// Skip quiet deliveries (see the module documentation's "Reduction"): fewer states, the
    /// same violations found, counterexamples no longer. Off: every delivery is a branch.
    pub reduce: bool,
}

impl CheckConfig {
    /// The configuration the issue asks for: `nodes` nodes, the given log, default budgets.
    pub fn new(nodes: u8, log: LogUnderTest) -> CheckConfig {
        let bounds = match log {
            LogUnderTest::Leadership => Bounds {
                max_depth: u32::MAX,
                crashes: 1,
                proposers: 2,
                timers: 2,
                duplicates: 0,
                losses: 0,
                requests: 0,
                client_timeouts: 0,
            },
            LogUnderTest::Timestamp => Bounds {
                max_depth: u32::MAX,
                crashes: 0,
                proposers: 2,
                timers: 1,
                duplicates: 0,
                losses: 0,
                requests: 2,
                client_timeouts: 0,
            },
        };
        CheckConfig {
            nodes,
            log,
            search: Search::Dfs,
            bounds,
            bugs: Bugs::default(),
            quirks: Quirks::default(),
            seed: 0,
            max_states: 50_000_000,
            ignore: Vec::new(),
            memo: true,
            reduce: true,
        }
    }

    /// The world configuration a counterexample replays in: classroom timings (they only
    /// space the animation out), resends off (duplicates are the network's), a bound buffer
    /// of 1 so every request after the first crosses the bound, no standing clients, and
    /// [`SimConfig::scripted`] on.
    pub fn sim_config(&self) -> SimConfig {
        let protocol = ProtocolConfig {
            resend_interval: 0,
            bound_buffer: 1,
            bugs: self.bugs,
            quirks: self.quirks,
            ..ProtocolConfig::classroom(self.nodes)
        };
        SimConfig {
            seed: self.seed,
            protocol,
            network: NetworkConfig {
                latency_min: MOVE_SPACING,
                latency_max: MOVE_SPACING,
                loss_ppm: 0,
                duplicate_ppm: 0,
            },
            clients: ClientLoad {
                count: 0,
                batch: 1,
                ..ClientLoad::NO_LOCKS
            },
            scripted: true,
        }
    }
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Envelope {
    /// Sender.
    pub from: Address,
    /// Receiver.
    pub to: Address,
    /// Payload.
    pub msg: Msg,
}

/// One choice the explorer makes, with the message it concerns written out (a counterexample
/// is a list of these; [`replay`] turns them into scripted interventions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// The message arrives.
    Deliver(Envelope),
    /// The network copies it.
    Duplicate(Envelope),
    /// The network loses it.
    Lose(Envelope),
    /// An armed timer fires.
    Fire(Address, TimerKind),
    /// A node crashes.
    Crash(NodeId),
    /// A crashed node restarts.
    Restart(NodeId),
    /// A one-off client asks a node for one timestamp.
    Request(NodeId),
}

impl Move {
    /// One line for reports.
    pub fn describe(&self) -> String {
        match self {
            Move::Deliver(e) => format!("deliver {} {} → {}", e.msg.type_name(), e.from, e.to),
            Move::Duplicate(e) => {
                format!("duplicate {} {} → {}", e.msg.type_name(), e.from, e.to)
            }
            Move::Lose(e) => format!("lose {} {} → {}", e.msg.type_name(), e.from, e.to),
            Move::Fire(a, t) => format!("{a}: {} fires", t.name()),
            Move::Crash(n) => format!("crash {n}"),
            Move::Restart(n) => format!("restart {n}"),
            Move::Request(n) => format!("a client asks {n} for a timestamp"),
        }
    }
}

/// A choice by position (cheap to enumerate); [`Model::to_move`] writes it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Deliver(usize),
    Duplicate(usize),
    Lose(usize),
    Fire(Address, TimerKind),
    Crash(NodeId),
    Restart(NodeId),
    Request(NodeId),
}

/// The whole system at one point of one execution. Nodes and the checker are shared between
/// a state and its successors until a move changes them (copy on write), and each part's hash
/// is cached, so a successor costs at most one node's copy and hash, not the whole cluster's
/// (and with the memos of [`Model::apply`] usually neither).
#[derive(Debug)]
pub struct State {
    /// The servers (the engine's own).
    pub nodes: Vec<Rc<Node>>,
    node_hash: Vec<u64>,
    /// Armed timers per node, one bit per [`TimerKind`].
    node_timers: Vec<u32>,
    /// One-off clients, in the order they were created.
    pub clients: Vec<Client>,
    /// Armed timers per client.
    client_timers: Vec<u32>,
    /// Messages in flight (a multiset: order is irrelevant to the fingerprint).
    pub net: Vec<Rc<Envelope>>,
    net_hash: Vec<u64>,
    net_sum: u64,
    /// The safety checker's ghost state.
    pub checker: Rc<Checker>,
    checker_hash: u64,
    /// Parts changed by the move being carried out (node bits, [`CHECKER_DIRTY`]).
    dirty: u32,
    /// Timer firings spent per node.
    fired: Vec<u8>,
    crashes: u8,
    duplicates: u8,
    losses: u8,
    requests: u8,
    client_timeouts: u8,
    /// Process starts so far (which UUID the next start draws).
    starts: u8,
}

/// `clone_from` reuses the target's buffers: the search copies each state into a spare one
/// for every successor, so a successor that turns out to be known costs no allocation.
impl Clone for State {
    fn clone(&self) -> State {
        State {
            nodes: self.nodes.clone(),
            node_hash: self.node_hash.clone(),
            node_timers: self.node_timers.clone(),
            clients: self.clients.clone(),
            client_timers: self.client_timers.clone(),
            net: self.net.clone(),
            net_hash: self.net_hash.clone(),
            net_sum: self.net_sum,
            checker: self.checker.clone(),
            checker_hash: self.checker_hash,
            dirty: self.dirty,
            fired: self.fired.clone(),
            crashes: self.crashes,
            duplicates: self.duplicates,
            losses: self.losses,
            requests: self.requests,
            client_timeouts: self.client_timeouts,
            starts: self.starts,
        }
    }

    fn clone_from(&mut self, o: &State) {
        self.nodes.clone_from(&o.nodes);
        self.node_hash.clone_from(&o.node_hash);
        self.node_timers.clone_from(&o.node_timers);
        self.clients.clone_from(&o.clients);
        self.client_timers.clone_from(&o.client_timers);
        self.net.clone_from(&o.net);
        self.net_hash.clone_from(&o.net_hash);
        self.net_sum = o.net_sum;
        self.checker.clone_from(&o.checker);
        self.checker_hash = o.checker_hash;
        self.dirty = o.dirty;
        self.fired.clone_from(&o.fired);
        self.crashes = o.crashes;
        self.duplicates = o.duplicates;
        self.losses = o.losses;
        self.requests = o.requests;
        self.client_timeouts = o.client_timeouts;
        self.starts = o.starts;
    }
}

/// The fixed part of a check: configuration, the UUIDs each start draws, the root state.
#[derive(Clone, Debug)]
pub struct Model {
    /// What is checked.
    pub cfg: CheckConfig,
    /// The world configuration (protocol, clients) the moves run under.
    pub sim: SimConfig,
    uuids: Vec<u32>,
    /// Moves from the cold start to the root (delivered in order, no choice made).
    pub prefix: Vec<Move>,
    root: State,
    /// Whether [`Model::apply`] memoises node events and checker steps.
    memo_on: bool,
    memo: std::cell::RefCell<Memo>,
}

fn bit(t: TimerKind) -> u32 {
    1 << t.index()
}

impl Model {
    /// Builds the root: every node boots (as the world boots them at time 0), then the
    /// configuration's fixed prefix runs.
    pub fn new(cfg: CheckConfig) -> Model {
        let sim = cfg.sim_config();
        let cfg_memo = cfg.memo;
        // The world draws one UUID per node start from stream 3 of the seed, in start order.
        let mut rng = Rng::derive(sim.seed, 3);
        let starts = usize::from(cfg.nodes) + usize::from(cfg.bounds.crashes) + 1;
        let uuids = (0..starts)
            .map(|_| (rng.below(u64::from(u32::MAX)) as u32) + 1)
            .collect();
        let n = usize::from(cfg.nodes);
        let mut root = State {
            nodes: (0..n)
                .map(|i| Rc::new(Node::new(NodeId::from_index(i))))
                .collect(),
            node_hash: vec![0; n],
            node_timers: vec![0; n],
            clients: Vec::new(),
            client_timers: Vec::new(),
            net: Vec::new(),
            net_hash: Vec::new(),
            net_sum: 0,
            checker: Rc::new(Checker::new(cfg.nodes)),
            checker_hash: 0,
            dirty: u32::MAX,
            fired: vec![0; n],
            crashes: 0,
            duplicates: 0,
            losses: 0,
            requests: 0,
            client_timeouts: 0,
            starts: 0,
        };
        root.refresh();
        let mut m = Model {
            cfg,
            sim,
            uuids,
            prefix: Vec::new(),
            root,
            memo_on: cfg_memo,
            memo: Default::default(),
        };
        let mut s = m.root.clone();
        for i in 0..n {
            m.boot(&mut s, NodeId::from_index(i));
        }
        let lazy = m.sim.protocol.quirks.lazy_start;
        match m.cfg.log {
            LogUnderTest::Leadership => {
                if lazy {
                    // AtlasDB starts a node's election loop at its first client request.
                    for i in 0..m.cfg.bounds.proposers.min(m.cfg.nodes) {
                        m.prefix_move(&mut s, Move::Request(NodeId(i + 1)));
                    }
                }
                // The cold start's catch-ups (nothing to learn yet) complete in order: every
                // node is then in its random wait. The search starts at the duel.
                m.settle(&mut s);
            }
            LogUnderTest::Timestamp => {
                if lazy {
                    for i in 0..m.cfg.nodes {
                        m.prefix_move(&mut s, Move::Request(NodeId(i + 1)));
                    }
                }
                // Every node catches up and waits; node 1 wakes first and leads round 0.
                m.settle(&mut s);
                m.prefix_move(
                    &mut s,
                    Move::Fire(Address::Node(NodeId(1)), TimerKind::Backoff),
                );
                m.settle(&mut s);
                // The others wake, see node 1 lead, and follow it.
                for i in 2..=m.cfg.nodes {
                    let a = Address::Node(NodeId(i));
                    if s.node_timers[usize::from(i) - 1] & bit(TimerKind::Backoff) != 0 {
                        m.prefix_move(&mut s, Move::Fire(a, TimerKind::Backoff));
                    }
                }
                m.settle(&mut s);
                // A client's request makes node 1 recover the bound, extend it and serve.
                m.prefix_move(&mut s, Move::Request(NodeId(1)));
                m.settle(&mut s);
                // Node 2 stops hearing node 1 (its ping timeout fires), catches up from node
                // 3, waits, and wins round 1 with node 3; nothing it says has reached node 1,
                // which still leads as far as it knows. From here the search decides: clients
                // ask either node, node 1 learns of round 1 late or never — the old leader and
                // the new one race for the next bound.
                let n1 = Address::Node(NodeId(1));
                let n2 = Address::Node(NodeId(2));
                if s.node_timers[1] & bit(TimerKind::PingTimeout) == 0 {
                    // AtlasDB's blocking pinger sleeps between pings: the next ping goes out
                    // (and is held) before its timeout can fire.
                    m.prefix_move(&mut s, Move::Fire(n2, TimerKind::PingInterval));
                }
                m.prefix_move(&mut s, Move::Fire(n2, TimerKind::PingTimeout));
                m.settle_except(&mut s, n1);
                m.prefix_move(&mut s, Move::Fire(n2, TimerKind::Backoff));
                m.settle_except(&mut s, n1);
            }
        }
        // The prefix spent no budget: the search starts with all of it.
        s.fired.iter_mut().for_each(|f| *f = 0);
        s.requests = 0;
        s.client_timeouts = 0;
        s.refresh();
        m.root = s;
        m
    }

    /// The state the search starts from.
    pub fn root(&self) -> &State {
        &self.root
    }

    fn prefix_move(&mut self, s: &mut State, mv: Move) {
        let c = self
            .choice_for(s, &mv)
            .expect("the prefix only makes moves that are possible");
        self.apply(s, c);
        self.prefix.push(mv);
    }

    /// Delivers the first message in flight until none is left (no timer fires).
    fn settle(&mut self, s: &mut State) {
        self.settle_except(s, Address::Client(ClientId(u16::MAX)));
    }

    /// Like [`Model::settle`], but messages to `held` stay in flight.
    fn settle_except(&mut self, s: &mut State, held: Address) {
        let mut budget = 10_000;
        while let Some(i) = s.net.iter().position(|e| e.to != held) {
            budget -= 1;
            assert!(budget > 0, "the prefix did not settle");
            let mv = Move::Deliver((*s.net[i]).clone());
            self.apply(s, Choice::Deliver(i));
            self.prefix.push(mv);
        }
    }

    fn boot(&self, s: &mut State, n: NodeId) {
        let uuid = self.next_uuid(s);
        let mut out = Outbox::default();
        s.node_mut(n).start(&self.sim.protocol, uuid, &mut out);
        let mut local = VecDeque::new();
        self.carry_out(s, Address::Node(n), &mut out, &mut local);
        self.drain(s, &mut local);
    }

    fn next_uuid(&self, s: &mut State) -> u32 {
        let u = self.uuids.get(usize::from(s.starts)).copied().unwrap_or(1);
        s.starts += 1;
        u
    }

    fn is_active(&self, n: NodeId) -> bool {
        n.0 <= self.cfg.bounds.proposers
    }

    /// Every choice possible in `s`, in a fixed order (deterministic counts).
    fn choices(&self, s: &State, into: &mut Vec<Choice>) {
        into.clear();
        let b = &self.cfg.bounds;
        for (i, e) in s.net.iter().enumerate() {
            // Identical copies give identical successors: offer the first only.
            if s.net_hash[..i].contains(&s.net_hash[i]) && s.net[..i].contains(e) {
                continue;
            }
            into.push(Choice::Deliver(i));
            if s.duplicates < b.duplicates {
                into.push(Choice::Duplicate(i));
            }
            if s.losses < b.losses {
                into.push(Choice::Lose(i));
            }
        }
        for (i, node) in s.nodes.iter().enumerate() {
            let id = NodeId::from_index(i);
            if node.up && self.is_active(id) && s.fired[i] < b.timers {
                let mut armed = s.node_timers[i];
                while armed != 0 {
                    let k = armed.trailing_zeros() as usize;
                    armed &= armed - 1;
                    into.push(Choice::Fire(Address::Node(id), TimerKind::ALL[k]));
                }
            }
        }
        for (i, &armed) in s.client_timers.iter().enumerate() {
            let mut armed = armed;
            while armed != 0 {
                let k = armed.trailing_zeros() as usize;
                armed &= armed - 1;
                if s.client_timeouts < b.client_timeouts {
                    into.push(Choice::Fire(
                        Address::Client(ClientId(i as u16)),
                        TimerKind::ALL[k],
                    ));
                }
            }
        }
        for (i, node) in s.nodes.iter().enumerate() {
            let id = NodeId::from_index(i);
            if node.up && s.crashes < b.crashes {
                into.push(Choice::Crash(id));
            }
            if !node.up {
                into.push(Choice::Restart(id));
            }
        }
        if s.requests < b.requests {
            for i in 0..self.cfg.nodes {
                into.push(Choice::Request(NodeId(i + 1)));
            }
        }
    }

    /// The choice in `s` that makes `mv`, if possible.
    fn choice_for(&self, s: &State, mv: &Move) -> Option<Choice> {
        let find = |e: &Envelope| s.net.iter().position(|x| **x == *e);
        Some(match mv {
            Move::Deliver(e) => Choice::Deliver(find(e)?),
            Move::Duplicate(e) => Choice::Duplicate(find(e)?),
            Move::Lose(e) => Choice::Lose(find(e)?),
            Move::Fire(a, t) => {
                let armed = match *a {
                    Address::Node(n) => {
                        s.nodes.get(n.index()).is_some_and(|n| n.up)
                            && s.node_timers[n.index()] & bit(*t) != 0
                    }
                    Address::Client(c) => s
                        .client_timers
                        .get(usize::from(c.0))
                        .is_some_and(|&m| m & bit(*t) != 0),
                };
                if !armed {
                    return None;
                }
                Choice::Fire(*a, *t)
            }
            Move::Crash(n) => Choice::Crash(*n),
            Move::Restart(n) => Choice::Restart(*n),
            Move::Request(n) => Choice::Request(*n),
        })
    }

    fn to_move(&self, s: &State, c: Choice) -> Move {
        match c {
            Choice::Deliver(i) => Move::Deliver((*s.net[i]).clone()),
            Choice::Duplicate(i) => Move::Duplicate((*s.net[i]).clone()),
            Choice::Lose(i) => Move::Lose((*s.net[i]).clone()),
            Choice::Fire(a, t) => Move::Fire(a, t),
            Choice::Crash(n) => Move::Crash(n),
            Choice::Restart(n) => Move::Restart(n),
            Choice::Request(n) => Move::Request(n),
        }
    }

    /// Carries out one choice on `s`, as the scripted world carries out the same move.
    ///
    /// A move that concerns one node only (a delivery to it, its timer, its crash or restart)
    /// is computed on that node alone ([`Model::node_effect`]) and its effect memoised by
    /// (node fingerprint, event): the next state holding an equal node and facing the same
    /// event reuses the resulting node, timers, sends and checker feed without running or
    /// hashing anything. The checker's step is memoised the same way (see [`Model::feed`]).
    fn apply(&self, s: &mut State, c: Choice) {
        if s.dirty != 0 {
            // The memo keys are the cached hashes: bring them up to date first.
            s.refresh();
        }
        let cfg = &self.sim.protocol;
        let mut local = VecDeque::new();
        let mut out = Outbox::default();
        match c {
            Choice::Deliver(i) => {
                let (e, h) = s.net_remove_hashed(i);
                match e.to {
                    Address::Node(n) => {
                        let key = MemoKey {
                            node: s.node_hash[n.index()],
                            event: h,
                            tag: 0,
                        };
                        let eff =
                            self.memoised(key, || self.node_effect(s, n, NodeEvent::Deliver(&e)));
                        self.apply_effect(s, n, &eff);
                    }
                    Address::Client(_) => {
                        self.deliver(s, Rc::unwrap_or_clone(e), &mut out, &mut local)
                    }
                }
            }
            Choice::Duplicate(i) => {
                s.duplicates += 1;
                let (e, h) = (s.net[i].clone(), s.net_hash[i]);
                s.net_push_hashed(e, h);
            }
            Choice::Lose(i) => {
                s.losses += 1;
                s.net_remove(i);
            }
            Choice::Fire(a, t) => match a {
                Address::Node(n) => {
                    s.node_timers[n.index()] &= !bit(t);
                    s.fired[n.index()] += 1;
                    let key = MemoKey {
                        node: s.node_hash[n.index()],
                        event: t.index() as u64,
                        tag: 1,
                    };
                    let eff = self.memoised(key, || self.node_effect(s, n, NodeEvent::Fire(t)));
                    self.apply_effect(s, n, &eff);
                }
                Address::Client(id) => {
                    let i = usize::from(id.0);
                    s.client_timers[i] &= !bit(t);
                    s.client_timeouts += 1;
                    s.clients[i].on_timer(t, 0, cfg.nodes, &mut out);
                    self.carry_out(s, a, &mut out, &mut local);
                }
            },
            Choice::Crash(n) => {
                s.crashes += 1;
                let eff = self.node_effect(s, n, NodeEvent::Crash);
                self.apply_effect(s, n, &eff);
            }
            Choice::Restart(n) => {
                let uuid = self.next_uuid(s);
                let eff = self.node_effect(s, n, NodeEvent::Restart(uuid));
                self.apply_effect(s, n, &eff);
            }
            Choice::Request(n) => {
                // The world's client-request: a one-shot client created and booted, whose
                // first request goes out at once (its client-next timer, armed at 0, fires).
                s.requests += 1;
                let id = ClientId(s.clients.len() as u16);
                let params = ClientParams {
                    batch: 1,
                    one_shot: true,
                    ..self.sim.clients.params()
                };
                s.clients.push(Client::new(id, n, params));
                s.client_timers.push(0);
                let a = Address::Client(id);
                s.clients[usize::from(id.0)].start(&mut out);
                self.carry_out(s, a, &mut out, &mut local);
                self.drain(s, &mut local);
                if s.client_timers[usize::from(id.0)] & bit(TimerKind::ClientNext) != 0 {
                    s.client_timers[usize::from(id.0)] &= !bit(TimerKind::ClientNext);
                    s.clients[usize::from(id.0)].on_timer(
                        TimerKind::ClientNext,
                        0,
                        cfg.nodes,
                        &mut out,
                    );
                    self.carry_out(s, a, &mut out, &mut local);
                }
            }
        }
        self.drain(s, &mut local);
        s.refresh();
    }

    /// Whether choice `c` in `s` is a quiet delivery: the receiving node stays as it was
    /// (same fingerprint, same armed timers), sends nothing and feeds the checker nothing —
    /// the move only takes the message off the network. Such a move is redundant for safety
    /// (see the module documentation's "Reduction"); the search skips it when
    /// [`CheckConfig::reduce`] is on.
    fn is_quiet(&self, s: &State, c: Choice) -> bool {
        let Choice::Deliver(i) = c else {
            return false;
        };
        let Address::Node(n) = s.net[i].to else {
            return false;
        };
        let key = MemoKey {
            node: s.node_hash[n.index()],
            event: s.net_hash[i],
            tag: 0,
        };
        let eff = self.memoised(key, || {
            self.node_effect(s, n, NodeEvent::Deliver(&s.net[i]))
        });
        let timers = s.node_timers[n.index()];
        eff.node.is_none()
            && eff.sends.is_empty()
            && eff.feeds.is_empty()
            && (timers & eff.keep) | eff.add == timers
    }

    /// The memoised effect for `key`, computed by `make` on a miss.
    fn memoised(&self, key: MemoKey, make: impl FnOnce() -> Effect) -> Rc<Effect> {
        if !self.memo_on {
            return Rc::new(make());
        }
        if let Some(e) = self.memo.borrow().effects.get(&key) {
            return e.clone();
        }
        let e = Rc::new(make());
        let mut memo = self.memo.borrow_mut();
        if memo.effects.len() >= MEMO_CAP {
            memo.effects.clear();
        }
        memo.effects.insert(key, e.clone());
        e
    }

    /// What `ev` does at node `n` (whose current state is `node`), computed on the node alone,
    /// exactly as [`Model::deliver`], [`Model::carry_out`] and [`Model::drain`] would carry it
    /// out on a whole state: the node afterwards, its timers, the messages it puts on the
    /// network (in order), and what the checker is fed (in order). Messages a node sends
    /// itself are delivered within the event, so nothing but `node` decides the outcome.
    fn node_effect(&self, s: &State, n: NodeId, ev: NodeEvent<'_>) -> Effect {
        let before = s.node_hash[n.index()];
        let node = &s.nodes[n.index()];
        let cfg = &self.sim.protocol;
        let me = Address::Node(n);
        let mut node = node.clone();
        let mut eff = Effect {
            node: None,
            keep: u32::MAX,
            add: 0,
            sends: Vec::new(),
            feeds: Vec::new(),
            feed_key: 0,
        };
        let mut changed = false;
        let mut out = Outbox::default();
        let mut local = VecDeque::new();
        match ev {
            NodeEvent::Deliver(e) => self.node_deliver(
                &mut node,
                &mut changed,
                me,
                e.from,
                &e.msg,
                &mut eff,
                &mut local,
            ),
            NodeEvent::Fire(t) => {
                changed = true;
                Rc::make_mut(&mut node).on_timer(cfg, t, &mut out);
                node_carry_out(me, &mut out, &mut eff, &mut local);
            }
            NodeEvent::Crash => {
                changed = true;
                Rc::make_mut(&mut node).crash(cfg);
                eff.keep = 0;
            }
            NodeEvent::Restart(uuid) => {
                changed = true;
                Rc::make_mut(&mut node).restart(cfg, uuid, &mut out);
                node_carry_out(me, &mut out, &mut eff, &mut local);
            }
        }
        while let Some(e) = local.pop_front() {
            self.node_deliver(
                &mut node,
                &mut changed,
                me,
                e.from,
                &e.msg,
                &mut eff,
                &mut local,
            );
        }
        if changed {
            let h = hash_one(&*node);
            if h != before {
                eff.node = Some((h, node));
            }
        }
        if !eff.feeds.is_empty() {
            eff.feed_key = hash_one(&eff.feeds);
        }
        eff
    }

    /// [`Model::deliver`] for a message to node `me`, on the node alone.
    #[allow(clippy::too_many_arguments)]
    fn node_deliver(
        &self,
        node: &mut Rc<Node>,
        changed: &mut bool,
        me: Address,
        from: Address,
        msg: &Msg,
        eff: &mut Effect,
        local: &mut VecDeque<Envelope>,
    ) {
        let cfg = &self.sim.protocol;
        if !node.up && from != me {
            if cfg.quirks.refused_connections
                && msg.fails_fast()
                && matches!(from, Address::Node(_))
            {
                let refused = Msg::ConnectionRefused {
                    request: Box::new(msg.clone()),
                };
                node_send(me, from, refused, eff, local);
            }
            return;
        }
        *changed = true;
        let mut out = Outbox::default();
        let Address::Node(n) = me else {
            unreachable!("a node's event")
        };
        debug_assert_eq!(node.id, n);
        Rc::make_mut(node).on_message(cfg, from, msg, &mut out);
        node_carry_out(me, &mut out, eff, local);
    }

    /// Puts an effect computed by [`Model::node_effect`] on `s`.
    fn apply_effect(&self, s: &mut State, n: NodeId, eff: &Effect) {
        let i = n.index();
        if let Some((h, node)) = &eff.node {
            s.nodes[i] = node.clone();
            s.node_hash[i] = *h;
        }
        s.node_timers[i] = (s.node_timers[i] & eff.keep) | eff.add;
        for (e, h) in &eff.sends {
            s.net_push_hashed(e.clone(), *h);
        }
        if !eff.feeds.is_empty() {
            self.feed(s, eff.feed_key, &eff.feeds);
        }
    }

    /// Feeds the checker, memoised by (checker fingerprint, feed): the checker's step is a
    /// function of its ghost state and what it is fed (times are all 0 here). A checker that
    /// already holds violations is stepped without the memo (its reports are not part of the
    /// fingerprint, so two such checkers that hash alike may word them differently).
    fn feed(&self, s: &mut State, key: u64, feeds: &[Feed]) {
        if s.dirty & CHECKER_DIRTY != 0 {
            s.refresh();
        }
        let memo = self.memo_on && s.checker.violations.is_empty();
        let k = MemoKey {
            node: s.checker_hash,
            event: key,
            tag: 2,
        };
        if memo {
            if let Some((c, h)) = self.memo.borrow().checkers.get(&k) {
                s.checker = c.clone();
                s.checker_hash = *h;
                return;
            }
        }
        let c = Rc::make_mut(&mut s.checker);
        for f in feeds {
            match f {
                Feed::Send(from, msg) => {
                    c.on_send(*from, msg, 0);
                }
                Feed::Observe(at, o) => {
                    c.observe(*at, o, 0);
                }
            }
        }
        s.checker_hash = checker_hash(&s.checker);
        if memo {
            let mut m = self.memo.borrow_mut();
            if m.checkers.len() >= MEMO_CAP {
                m.checkers.clear();
            }
            m.checkers.insert(k, (s.checker.clone(), s.checker_hash));
        }
    }

    fn drain(&self, s: &mut State, local: &mut VecDeque<Envelope>) {
        let mut out = Outbox::default();
        while let Some(e) = local.pop_front() {
            self.deliver(s, e, &mut out, local);
        }
    }

    /// The world's `deliver`: to a down node the message is dropped (and with
    /// `refused-connections` the caller hears so); otherwise the receiver handles it.
    fn deliver(
        &self,
        s: &mut State,
        e: Envelope,
        out: &mut Outbox,
        local: &mut VecDeque<Envelope>,
    ) {
        let cfg = &self.sim.protocol;
        match e.to {
            Address::Node(n) => {
                if !s.nodes[n.index()].up && e.from != e.to {
                    if cfg.quirks.refused_connections
                        && e.msg.fails_fast()
                        && matches!(e.from, Address::Node(_))
                    {
                        let refused = Msg::ConnectionRefused {
                            request: Box::new(e.msg),
                        };
                        self.send(s, e.to, e.from, refused, local);
                    }
                    return;
                }
                s.node_mut(n).on_message(cfg, e.from, &e.msg, out);
            }
            Address::Client(c) => {
                let client = &mut s.clients[usize::from(c.0)];
                if let (Address::Node(server), Msg::TimestampReply { request, result }) =
                    (e.from, &e.msg)
                {
                    client.on_reply(server, *request, *result, cfg.nodes, out);
                }
            }
        }
        self.carry_out(s, e.to, out, local);
    }

    fn send(
        &self,
        s: &mut State,
        from: Address,
        to: Address,
        msg: Msg,
        local: &mut VecDeque<Envelope>,
    ) {
        if Checker::reads(&msg) {
            s.checker_mut().on_send(from, &msg, 0);
        }
        let e = Envelope { from, to, msg };
        if from == to {
            local.push_back(e);
        } else {
            s.net_push(Rc::new(e));
        }
    }

    fn carry_out(
        &self,
        s: &mut State,
        owner: Address,
        out: &mut Outbox,
        local: &mut VecDeque<Envelope>,
    ) {
        for cmd in out.commands.drain(..) {
            match cmd {
                Command::Send { to, msg } => self.send(s, owner, to, msg, local),
                Command::SetTimer { timer, .. } => *s.timers_mut(owner) |= bit(timer),
                Command::CancelTimer(timer) => *s.timers_mut(owner) &= !bit(timer),
                Command::Observe(o) => {
                    s.checker_mut().observe(owner, &o, 0);
                }
            }
        }
    }

    /// Follows `moves` from the root; the state reached, or None if a move is impossible.
    pub fn follow(&self, moves: &[Move]) -> Option<State> {
        let mut s = self.root.clone();
        for mv in moves {
            let c = self.choice_for(&s, mv)?;
            self.apply(&mut s, c);
        }
        Some(s)
    }
}

/// [`State::dirty`]'s bit for the checker.
const CHECKER_DIRTY: u32 = 1 << 31;

/// Entries a memo table holds before it is emptied (memory stays bounded; emptying changes
/// nothing but speed).
const MEMO_CAP: usize = 1 << 20;

/// One node's event (see [`Model::node_effect`]).
enum NodeEvent<'a> {
    Deliver(&'a Envelope),
    Fire(TimerKind),
    Crash,
    Restart(u32),
}

/// What the checker is fed, in order.
#[derive(Debug, Hash)]
enum Feed {
    Send(Address, Msg),
    Observe(Address, Observation),
}

/// The outcome of one node's event, independent of the rest of the state.
#[derive(Debug)]
struct Effect {
    /// The node afterwards and its hash (None: the event left it as it was).
    node: Option<(u64, Rc<Node>)>,
    /// The node's armed timers afterwards: `(timers & keep) | add`.
    keep: u32,
    add: u32,
    /// Messages put on the network, in order, with their hashes.
    sends: Vec<(Rc<Envelope>, u64)>,
    /// What the checker is fed, in order, and the feed's hash.
    feeds: Vec<Feed>,
    feed_key: u64,
}

/// A memo key: a part's fingerprint, the event's, and which table.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct MemoKey {
    node: u64,
    event: u64,
    tag: u8,
}

/// The memo tables of [`Model::apply`]: node events and checker steps.
#[derive(Default)]
struct Memo {
    effects: HashMap<MemoKey, Rc<Effect>, BuildHasherDefault<FxHasher>>,
    checkers: HashMap<MemoKey, (Rc<Checker>, u64), BuildHasherDefault<FxHasher>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Memo {{ effects: {}, checkers: {} }}",
            self.effects.len(),
            self.checkers.len()
        )
    }
}

/// A copied model starts with empty memos (they are a cache).
impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

/// [`Model::carry_out`] for node `me`'s own commands, recorded into `eff`.
fn node_carry_out(me: Address, out: &mut Outbox, eff: &mut Effect, local: &mut VecDeque<Envelope>) {
    for cmd in out.commands.drain(..) {
        match cmd {
            Command::Send { to, msg } => node_send(me, to, msg, eff, local),
            Command::SetTimer { timer, .. } => eff.add |= bit(timer),
            Command::CancelTimer(timer) => {
                eff.keep &= !bit(timer);
                eff.add &= !bit(timer);
            }
            Command::Observe(o) => eff.feeds.push(Feed::Observe(me, o)),
        }
    }
}

/// [`Model::send`], recorded into `eff`.
fn node_send(
    from: Address,
    to: Address,
    msg: Msg,
    eff: &mut Effect,
    local: &mut VecDeque<Envelope>,
) {
    if Checker::reads(&msg) {
        eff.feeds.push(Feed::Send(from, msg.clone()));
    }
    let e = Envelope { from, to, msg };
    if from == to {
        local.push_back(e);
    } else {
        let h = hash_one(&e);
        eff.sends.push((Rc::new(e), h));
    }
}

/// The checker's part of a fingerprint.
fn checker_hash(c: &Checker) -> u64 {
    let mut h = FxHasher::default();
    c.fingerprint(&mut h);
    mix(h.finish())
}

fn hash_one<T: Hash + ?Sized>(x: &T) -> u64 {
    let mut h = FxHasher::default();
    x.hash(&mut h);
    mix(h.finish())
}

impl State {
    fn timers_mut(&mut self, a: Address) -> &mut u32 {
        match a {
            Address::Node(n) => &mut self.node_timers[n.index()],
            Address::Client(c) => &mut self.client_timers[usize::from(c.0)],
        }
    }

    /// A node to change (copied first if a predecessor shares it).
    fn node_mut(&mut self, n: NodeId) -> &mut Node {
        self.dirty |= 1 << n.index();
        Rc::make_mut(&mut self.nodes[n.index()])
    }

    /// The checker to feed (copied first if a predecessor shares it).
    fn checker_mut(&mut self) -> &mut Checker {
        self.dirty |= CHECKER_DIRTY;
        Rc::make_mut(&mut self.checker)
    }

    fn net_push(&mut self, e: Rc<Envelope>) {
        let h = hash_one(&e);
        self.net_push_hashed(e, h);
    }

    fn net_push_hashed(&mut self, e: Rc<Envelope>, h: u64) {
        self.net_sum = self.net_sum.wrapping_add(h);
        self.net.push(e);
        self.net_hash.push(h);
    }

    fn net_remove(&mut self, i: usize) -> Rc<Envelope> {
        self.net_remove_hashed(i).0
    }

    fn net_remove_hashed(&mut self, i: usize) -> (Rc<Envelope>, u64) {
        let h = self.net_hash.swap_remove(i);
        self.net_sum = self.net_sum.wrapping_sub(h);
        (self.net.swap_remove(i), h)
    }

    /// Re-hashes the parts the last move changed.
    fn refresh(&mut self) {
        for i in 0..self.nodes.len() {
            if self.dirty & (1 << i) != 0 {
                self.node_hash[i] = hash_one(&*self.nodes[i]);
            }
        }
        if self.dirty & CHECKER_DIRTY != 0 {
            self.checker_hash = checker_hash(&self.checker);
        }
        self.dirty = 0;
    }

    /// The first safety violation in this state, if any.
    pub fn violation(&self) -> Option<&Violation> {
        self.checker.violations.first()
    }

    /// The first violation of an invariant not in `ignore`.
    pub fn violation_of_interest(&self, ignore: &[Invariant]) -> Option<&Violation> {
        self.checker
            .violations
            .iter()
            .find(|v| !ignore.contains(&v.invariant))
    }

    /// The state's fingerprint (see the module documentation): the cached hashes of its
    /// parts, the network as a multiset (a sum of per-message hashes), timers and budgets.
    pub fn fingerprint(&self) -> u64 {
        let mut h = FxHasher::default();
        for i in 0..self.nodes.len() {
            h.write_u64(self.node_hash[i]);
            h.write_u64(u64::from(self.node_timers[i]) | (u64::from(self.fired[i]) << 32));
        }
        h.write_u64(self.clients.len() as u64);
        if !self.clients.is_empty() {
            self.clients.hash(&mut h);
            self.client_timers.hash(&mut h);
        }
        h.write_u64(self.net.len() as u64);
        h.write_u64(self.net_sum);
        h.write_u64(self.checker_hash);
        h.write_u64(u64::from_le_bytes([
            self.crashes,
            self.duplicates,
            self.losses,
            self.requests,
            self.client_timeouts,
            0,
            0,
            0,
        ]));
        mix(h.finish())
    }
}

/// A fast, deterministic (same on every platform and run) 64-bit hasher in the style of
/// rustc's FxHasher; [`mix`] finishes it so similar states spread over the whole table.
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.hash = (self.hash.rotate_left(5) ^ i).wrapping_mul(SEED);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fingerprint table: fingerprint → parent fingerprint, open addressing over buckets of
/// four 16-byte entries (one cache line), so a lookup usually touches one line. Fingerprints
/// are well mixed already and index the table as they are; 0 marks an empty entry (the state
/// whose fingerprint is 0, if any, is kept aside).
struct Seen {
    slots: Vec<Bucket>,
    len: usize,
    zero: Option<u64>,
}

/// Four entries, cache-line aligned.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Bucket([(u64, u64); 4]);

impl Seen {
    fn new() -> Seen {
        Seen {
            slots: vec![Bucket::default(); 1 << 10],
            len: 0,
            zero: None,
        }
    }

    /// Entries the table holds before it grows.
    fn capacity(&self) -> usize {
        self.slots.len() * 4 / 8 * 7
    }

    fn bucket_of(&self, fp: u64) -> usize {
        (fp as usize) & (self.slots.len() - 1)
    }

    fn get(&self, fp: u64) -> Option<u64> {
        if fp == 0 {
            return self.zero;
        }
        let mut b = self.bucket_of(fp);
        loop {
            for &(k, v) in &self.slots[b].0 {
                if k == fp {
                    return Some(v);
                }
                if k == 0 {
                    return None;
                }
            }
            b = (b + 1) & (self.slots.len() - 1);
        }
    }

    /// Records `fp` with its parent; false if it was there already (the parent is kept).
    fn insert(&mut self, fp: u64, parent: u64) -> bool {
        if fp == 0 {
            let new = self.zero.is_none();
            self.zero.get_or_insert(parent);
            self.len += usize::from(new);
            return new;
        }
        if self.len >= self.capacity() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut b = self.bucket_of(fp);
        loop {
            for e in &mut self.slots[b].0 {
                if e.0 == fp {
                    return false;
                }
                if e.0 == 0 {
                    *e = (fp, parent);
                    self.len += 1;
                    return true;
                }
            }
            b = (b + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let wider = vec![Bucket::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, wider);
        let mask = self.slots.len() - 1;
        for bucket in &old {
            for &(k, v) in &bucket.0 {
                if k == 0 {
                    continue;
                }
                let mut b = (k as usize) & mask;
                'place: loop {
                    for e in &mut self.slots[b].0 {
                        if e.0 == 0 {
                            *e = (k, v);
                            break 'place;
                        }
                    }
                    b = (b + 1) & mask;
                }
            }
        }
    }

    /// Starts loading the bucket of `fp` into the cache.
    #[inline]
    fn prefetch(&self, fp: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let p = &self.slots[self.bucket_of(fp)] as *const Bucket as *const i8;
            // SAFETY: a prefetch is a hint that never faults, and SSE is part of x86-64.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = fp;
    }

    /// Bytes the table occupies.
    fn bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Bucket>()
    }
}

/// The outcome of a search.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every state within the bounds was explored; none breaks an invariant.
    Safe,
    /// A reachable state breaks an invariant.
    Violation {
        /// The first violation in that state.
        violation: Violation,
        /// Moves from the root (after the prefix) to it.
        path: Vec<Move>,
    },
    /// The search stopped before it was done (state limit or cancelled): nothing was found
    /// in the states explored so far.
    Unfinished,
}

/// Counters a running search reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// States generated (successors, counted again when seen before).
    pub states: u64,
    /// Distinct states (fingerprints).
    pub unique: u64,
    /// Deepest state reached, in moves after the prefix.
    pub depth: u32,
    /// States still waiting to be expanded.
    pub frontier: u64,
    /// Whether some state was left unexpanded because of `max_depth`.
    pub depth_cut: bool,
    /// Quiet deliveries skipped by the reduction (not counted in `states`).
    pub quiet: u64,
}

/// A resumable search: [`Explorer::run`] expands a slice of states at a time, so the CLI can
/// time it and the page's worker can report progress and be cancelled between slices.
pub struct Explorer {
    model: Model,
    seen: Seen,
    frontier: VecDeque<(Box<State>, u32, u64)>,
    /// Successors of the state being expanded, with their fingerprints.
    batch: Vec<(Box<State>, u64)>,
    progress: Progress,
    found: Option<(u64, Violation)>,
    scratch: Vec<Choice>,
    /// Expanded states kept to be overwritten by successors (see [`State::clone_from`]);
    /// boxed so a state moves between the spares, the batch and the frontier as a pointer.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<State>>,
}

impl Explorer {
    /// A search of `cfg` from its root.
    pub fn new(cfg: CheckConfig) -> Explorer {
        let model = Model::new(cfg);
        let root = model.root.clone();
        let fp = root.fingerprint();
        let mut seen = Seen::new();
        seen.insert(fp, fp);
        let found = root
            .violation_of_interest(&model.cfg.ignore)
            .map(|v| (fp, v.clone()));
        let mut frontier = VecDeque::new();
        if found.is_none() {
            frontier.push_back((Box::new(root), 0, fp));
        }
        Explorer {
            model,
            seen,
            frontier,
            progress: Progress {
                states: 1,
                unique: 1,
                depth: 0,
                frontier: 1,
                depth_cut: false,
                quiet: 0,
            },
            found,
            scratch: Vec::new(),
            spare: Vec::new(),
            batch: Vec::new(),
        }
    }

    /// The model being explored.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Counters so far.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Whether the search is over (exhausted, violation found, or state limit reached).
    pub fn done(&self) -> bool {
        self.found.is_some()
            || self.frontier.is_empty()
            || self.progress.unique >= self.model.cfg.max_states
    }

    /// Approximate bytes of the fingerprint table per unique state.
    pub fn bytes_per_state(&self) -> f64 {
        let table = self.seen.bytes();
        table as f64 / self.progress.unique.max(1) as f64
    }

    /// Expands up to `budget` states; returns whether the search is over.
    pub fn run(&mut self, budget: u64) -> bool {
        let bfs = self.model.cfg.search == Search::Bfs;
        let max_depth = self.model.cfg.bounds.max_depth;
        let mut choices = std::mem::take(&mut self.scratch);
        for _ in 0..budget {
            if self.done() {
                break;
            }
            let next = if bfs {
                self.frontier.pop_front()
            } else {
                self.frontier.pop_back()
            };
            let Some((s, depth, parent)) = next else {
                break;
            };
            self.model.choices(&s, &mut choices);
            if depth >= max_depth {
                // Paths end here: the state was judged, its successors are beyond the bound.
                self.progress.depth_cut |= !choices.is_empty();
                continue;
            }
            // Successors are made first and looked up after, all together: the table's
            // cache misses then overlap (each bucket is prefetched when its fingerprint is
            // known). The lookups, counts and frontier pushes keep the choices' order.
            let mut batch = std::mem::take(&mut self.batch);
            let reduce = self.model.cfg.reduce;
            for &c in &choices {
                if reduce && self.model.is_quiet(&s, c) {
                    self.progress.quiet += 1;
                    continue;
                }
                let mut t = match self.spare.pop() {
                    Some(mut t) => {
                        t.clone_from(&s);
                        t
                    }
                    None => s.clone(),
                };
                self.model.apply(&mut t, c);
                let fp = t.fingerprint();
                self.seen.prefetch(fp);
                batch.push((t, fp));
            }
            for (t, fp) in batch.drain(..) {
                if self.found.is_some() || !self.seen.insert(fp, parent) {
                    self.progress.states += u64::from(self.found.is_none());
                    self.spare.push(t);
                    continue;
                }
                self.progress.states += 1;
                self.progress.unique += 1;
                self.progress.depth = self.progress.depth.max(depth + 1);
                if let Some(v) = t.violation_of_interest(&self.model.cfg.ignore) {
                    self.found = Some((fp, v.clone()));
                    self.spare.push(t);
                    continue;
                }
                self.frontier.push_back((t, depth + 1, fp));
            }
            self.batch = batch;
            self.spare.truncate(64);
            self.spare.push(s);
            if self.found.is_some() {
                break;
            }
        }
        self.scratch = choices;
        self.progress.frontier = self.frontier.len() as u64;
        self.done()
    }

    /// The verdict so far (a violation's path is rebuilt from the fingerprint table).
    pub fn verdict(&self) -> Verdict {
        if let Some((fp, v)) = &self.found {
            return Verdict::Violation {
                violation: v.clone(),
                path: self.path_to(*fp),
            };
        }
        if self.frontier.is_empty() {
            Verdict::Safe
        } else {
            Verdict::Unfinished
        }
    }

    /// Rebuilds the moves from the root to the state with fingerprint `fp`.
    fn path_to(&self, fp: u64) -> Vec<Move> {
        let mut fps = vec![fp];
        let mut at = fp;
        while let Some(p) = self.seen.get(at) {
            if p == at {
                break;
            }
            fps.push(p);
            at = p;
        }
        fps.reverse();
        let mut s = self.model.root.clone();
        let mut path = Vec::new();
        let mut choices = Vec::new();
        for &want in &fps[1..] {
            self.model.choices(&s, &mut choices);
            let step = choices.iter().find_map(|&c| {
                let mut t = s.clone();
                self.model.apply(&mut t, c);
                (t.fingerprint() == want).then_some((c, t))
            });
            let Some((c, t)) = step else { break };
            path.push(self.model.to_move(&s, c));
            s = t;
        }
        path
    }
}

/// Everything a finished (or stopped) check reports.
#[derive(Clone, Debug)]
pub struct Report {
    /// Final counters.
    pub progress: Progress,
    /// Wall time in seconds (0 where no clock is available).
    pub seconds: f64,
    /// Fingerprint-table bytes per unique state.
    pub bytes_per_state: f64,
    /// The outcome.
    pub verdict: Verdict,
}

impl Report {
    /// Unique states per second.
    pub fn unique_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.progress.unique as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Runs a whole check natively, timed.
#[cfg(not(target_arch = "wasm32"))]
pub fn check(cfg: CheckConfig) -> (Explorer, Report) {
    let start = std::time::Instant::now();
    check_timed(cfg, &|| start.elapsed().as_secs_f64())
}

/// Runs a whole check, timed by `now` (seconds from any fixed origin: natively an
/// `Instant`, in the browser `performance.now() / 1000`), so both report the same measure.
pub fn check_timed(cfg: CheckConfig, now: &dyn Fn() -> f64) -> (Explorer, Report) {
    let start = now();
    let mut ex = Explorer::new(cfg);
    while !ex.run(4_096) {}
    let seconds = (now() - start).max(0.0);
    let report = Report {
        progress: ex.progress(),
        seconds,
        bytes_per_state: ex.bytes_per_state(),
        verdict: ex.verdict(),
    };
    (ex, report)
}

/// The throughput benchmark's configuration (`cargo bench --bench check`, the README's
/// numbers): the 3-node leadership duel, two proposers waking once each, no crash, DFS,
/// without the reduction.
pub fn bench_config() -> CheckConfig {
    let mut cfg = CheckConfig::new(3, LogUnderTest::Leadership);
    cfg.search = Search::Dfs;
    cfg.bounds.timers = 1;
    cfg.bounds.crashes = 0;
    // Throughput is measured on the whole space, comparable with other checkers'.
    cfg.reduce = false;
    cfg
}

/// The benchmark as one call, for the page to measure the browser beside the native numbers:
/// [`bench_config`] explored depth-first (stopped at `max_states` unique states if that is
/// not 0; exhausted it has 5,617,873), timed by `now` as in [`check_timed`].
pub fn bench_dfs(max_states: u64, now: &dyn Fn() -> f64) -> Report {
    let mut cfg = bench_config();
    if max_states > 0 {
        cfg.max_states = max_states;
    }
    check_timed(cfg, now).1
}

/// The budgets in one line, for reports.
pub fn describe_bounds(cfg: &CheckConfig) -> String {
    let b = &cfg.bounds;
    let depth = if b.max_depth == u32::MAX {
        "none".to_string()
    } else {
        b.max_depth.to_string()
    };
    format!(
        "proposers {}, timers {} per active node, crashes {}, duplicates {}, losses {}, \
         requests {}, client timeouts {}, max depth {depth}",
        b.proposers, b.timers, b.crashes, b.duplicates, b.losses, b.requests, b.client_timeouts
    )
}

fn protocol_name(cfg: &CheckConfig) -> String {
    let mut s = match crate::engine::Protocol::of(cfg.quirks) {
        Some(p) => p.name().to_string(),
        None => format!("quirks [{}]", cfg.quirks.enabled().join(", ")),
    };
    if !cfg.bugs.none() {
        s.push_str(&format!(", bugs [{}]", cfg.bugs.enabled().join(", ")));
    }
    s
}

/// The report as text: the configuration, the counters and the verdict (with the moves of a
/// counterexample).
pub fn report_text(cfg: &CheckConfig, r: &Report, model: &Model) -> String {
    let p = &r.progress;
    let mut s = format!(
        "check: {} nodes, {} log, {}, {}\nbounds: {}\n",
        cfg.nodes,
        cfg.log.name(),
        cfg.search.name(),
        protocol_name(cfg),
        describe_bounds(cfg)
    );
    s.push_str(&format!(
        "states {}  unique {}  depth {}  {:.2} s  {:.0} unique states/s  {:.1} bytes/state\n",
        p.states,
        p.unique,
        p.depth,
        r.seconds,
        r.unique_per_second(),
        r.bytes_per_state
    ));
    match &r.verdict {
        Verdict::Safe => {
            let how = if p.depth_cut {
                format!(" (paths cut at depth {})", cfg.bounds.max_depth)
            } else {
                " (exhausted)".to_string()
            };
            s.push_str(&format!(
                "verdict: SAFE — no violation in {} unique states within the bounds{how}\n",
                p.unique
            ));
        }
        Verdict::Unfinished => s.push_str(&format!(
            "verdict: UNFINISHED — stopped at {} unique states, no violation so far\n",
            p.unique
        )),
        Verdict::Violation { violation, path } => {
            s.push_str(&format!(
                "verdict: VIOLATION of {} after {} moves ({} of them the fixed prefix)\n{}\n",
                violation.invariant.name(),
                model.prefix.len() + path.len(),
                model.prefix.len(),
                violation.detail
            ));
            for (i, mv) in path.iter().enumerate() {
                s.push_str(&format!("  {:>3}. {}\n", i + 1, mv.describe()));
            }
        }
    }
    s
}

/// The report as one JSON object (for scripts and the benchmark).
pub fn report_json(cfg: &CheckConfig, r: &Report) -> String {
    let p = &r.progress;
    let (verdict, invariant, detail, moves) = match &r.verdict {
        Verdict::Safe => ("safe", None, None, None),
        Verdict::Unfinished => ("unfinished", None, None, None),
        Verdict::Violation { violation, path } => (
            "violation",
            Some(violation.invariant.name()),
            Some(violation.detail.clone()),
            Some(path.iter().map(Move::describe).collect::<Vec<_>>()),
        ),
    };
    serde_json::json!({
        "nodes": cfg.nodes,
        "log": cfg.log.name(),
        "search": cfg.search.name(),
        "protocol": protocol_name(cfg),
        "bounds": describe_bounds(cfg),
        "states": p.states,
        "unique": p.unique,
        "depth": p.depth,
        "depth_cut": p.depth_cut,
        "seconds": r.seconds,
        "unique_per_second": r.unique_per_second(),
        "bytes_per_state": r.bytes_per_state,
        "verdict": verdict,
        "invariant": invariant,
        "detail": detail,
        "moves": moves,
    })
    .to_string()
}

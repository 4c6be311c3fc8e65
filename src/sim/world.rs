//! The simulated world at one instant: nodes, clients, the network, timers, the random
//! streams and the safety checker. [`World::step`] advances it by one event.
//!
//! A `World` is a plain value: cloning it is a checkpoint (durable logs share structure, see
//! [`crate::engine::seqlog`]), and replaying the same steps from a clone reproduces the same
//! future exactly.

use std::rc::Rc;

use super::checker::{Checker, Violation};
use super::config::{SimConfig, Time};
use super::history::{DropReason, EventKind, Fate, MessageRecord, MsgId, Recorder};
use super::intervention::{Action, Intervention, LinkFilter, Param, Scripted};
use super::queue::{EventQueue, Scheduled};
use super::rng::Rng;
use crate::engine::client::{Client, ClientParams};
use crate::engine::{
    Address, ClientId, Command, Delay, FailReason, LogId, Micros, Msg, Node, NodeId, Observation,
    Outbox, TimerKind, MS,
};

/// A named timer's current arming.
///
/// Timers are lazy: re-arming a timer to a *later* time (a follower's ping timeout, every
/// ping) does not add a queue entry; the pending entry pops at the old time and is moved to
/// the new one. So the queue holds about one entry per armed timer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimerSlot {
    /// Identifies the newest queue entry for this timer; older entries are stale.
    pub generation: u32,
    /// Time of that entry, while it is queued.
    pub queued: Option<Time>,
    /// Whether it will fire.
    pub armed: bool,
    /// When it was set.
    pub set_at: Time,
    /// When it fires.
    pub fires_at: Time,
}

type TimerTable = [TimerSlot; TimerKind::COUNT];

/// Counters for summaries and the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages sent, by [`Msg::TYPE_NAMES`] position.
    pub sent_by_type: [u64; Msg::TYPE_NAMES.len()],
    /// Messages dropped (any reason).
    pub dropped: u64,
    /// Messages duplicated by the network.
    pub duplicated: u64,
    /// Times some node became leader.
    pub leader_changes: u64,
    /// When the first leader appeared.
    pub first_leader_at: Option<Time>,
    /// Leadership proposals started.
    pub elections: u64,
    /// Proposal attempts that failed because a rival's ballot pre-empted them, per node.
    pub preempted: [u64; 16],
    /// Proposal attempts that failed by timeout.
    pub timed_out: u64,
    /// Client requests granted.
    pub requests_served: u64,
    /// Timestamps handed out.
    pub timestamps_served: u64,
    /// Bound extensions chosen.
    pub bound_extensions: u64,
    /// Safety violations found.
    pub violations: u64,
}

impl Stats {
    /// Pre-empted ballots across all nodes.
    pub fn preempted_total(&self) -> u64 {
        self.preempted.iter().sum()
    }
}

/// The whole simulated system at one instant.
#[derive(Clone, Debug)]
pub struct World {
    /// Effective configuration (interventions may change it).
    pub cfg: SimConfig,
    /// Virtual time.
    pub now: Time,
    /// Steps taken (events processed plus interventions applied).
    pub steps: u64,
    /// The servers.
    pub nodes: Vec<Node>,
    /// The clients (regular ones first, then one-off requests).
    pub clients: Vec<Client>,
    /// Partition group of each node (same group = can talk).
    pub partition: [u8; 16],
    /// Ghost state and violations.
    pub checker: Checker,
    /// Counters.
    pub stats: Stats,
    /// Next message id.
    pub next_msg: MsgId,
    /// Next intervention to apply (index into the run's list).
    pub next_intervention: usize,
    queue: EventQueue,
    node_timers: Vec<TimerTable>,
    client_timers: Vec<TimerTable>,
    rng_net: Rng,
    rng_timer: Rng,
    /// Each process start's random identity (a sub-stream of its own, so drawing it changes no
    /// other draw).
    rng_uuid: Rng,
    user_drops: Vec<MsgId>,
    /// Active link filters.
    pub filters: Vec<LinkFilter>,
    /// Extra one-way latency to and from each node (slow, not down).
    pub slow: [Micros; 16],
    scratch: Outbox,
}

impl World {
    /// A cold cluster at time 0: every node and client boots at once.
    pub fn new(cfg: SimConfig) -> World {
        let n = cfg.protocol.nodes;
        let params = cfg.clients.params();
        let lock_params = cfg.clients.lock_params(cfg.protocol.lock_lease);
        // Timestamp clients first, then lock clients; each starts at a different node.
        let clients: Vec<Client> = (0..cfg.clients.count + cfg.clients.lock_clients)
            .map(|i| {
                let p = if i < cfg.clients.count {
                    params
                } else {
                    lock_params
                };
                Client::new(ClientId(i), NodeId((i % u16::from(n)) as u8 + 1), p)
            })
            .collect();
        let mut w = World {
            nodes: (0..usize::from(n))
                .map(|i| Node::new(NodeId::from_index(i)))
                .collect(),
            client_timers: vec![TimerTable::default(); clients.len()],
            clients,
            node_timers: vec![TimerTable::default(); usize::from(n)],
            rng_net: Rng::derive(cfg.seed, 1),
            rng_timer: Rng::derive(cfg.seed, 2),
            rng_uuid: Rng::derive(cfg.seed, 3),
            cfg,
            now: 0,
            steps: 0,
            partition: [0; 16],
            checker: Checker::new(n),
            stats: Stats::default(),
            next_msg: 0,
            next_intervention: 0,
            queue: EventQueue::default(),
            user_drops: Vec::new(),
            filters: Vec::new(),
            slow: [0; 16],
            scratch: Outbox::default(),
        };
        for i in 0..w.nodes.len() {
            w.queue
                .push(0, Scheduled::Boot(Address::Node(NodeId::from_index(i))));
        }
        for i in 0..w.clients.len() {
            w.queue
                .push(0, Scheduled::Boot(Address::Client(ClientId(i as u16))));
        }
        w
    }

    /// Time of the next step (event or intervention), if any.
    pub fn next_time(&self, interventions: &[Intervention]) -> Option<Time> {
        let iv = interventions.get(self.next_intervention).map(|i| i.at);
        if self.cfg.scripted {
            return self.next_boot().or(iv);
        }
        match (self.queue.peek_time(), iv) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes one step: the next intervention if it is due before the next event (an
    /// intervention at time t comes after every event at t), else the next live event.
    /// Returns false when nothing is left to do.
    pub fn step<R: Recorder>(&mut self, interventions: &[Intervention], rec: &mut R) -> bool {
        if self.cfg.scripted {
            return self.scripted_step(interventions, rec);
        }
        loop {
            let due_iv = interventions.get(self.next_intervention);
            let take_iv = match (self.queue.peek_time(), due_iv) {
                (Some(tq), Some(iv)) => iv.at < tq,
                (None, Some(_)) => true,
                _ => false,
            };
            if take_iv {
                let iv = &interventions[self.next_intervention];
                self.next_intervention += 1;
                self.now = self.now.max(iv.at);
                self.apply(&iv.action, rec);
                break;
            }
            let Some((t, what)) = self.queue.pop() else {
                return false;
            };
            self.now = t;
            if self.handle(what, rec) {
                break;
            }
        }
        self.drop_stale_timers();
        self.steps += 1;
        rec.end_step();
        true
    }

    /// A step of a scripted run: the next boot, else the next intervention — nothing happens
    /// on its own. Messages a process sends itself (in-line calls) are delivered within the
    /// step, in the order they were sent, as the model checker does.
    fn scripted_step<R: Recorder>(&mut self, interventions: &[Intervention], rec: &mut R) -> bool {
        if self.next_boot().is_some() {
            let Some((t, what)) = self.queue.pop() else {
                return false;
            };
            self.now = t;
            self.handle(what, rec);
        } else if let Some(iv) = interventions.get(self.next_intervention) {
            self.next_intervention += 1;
            self.now = self.now.max(iv.at);
            self.apply(&iv.action, rec);
        } else {
            return false;
        }
        while let Some((_, Scheduled::Deliver { id, from, to, msg })) = self
            .queue
            .take_first(|s| matches!(s, Scheduled::Deliver { from, to, .. } if from == to))
        {
            self.deliver(id, from, to, msg, rec);
        }
        self.steps += 1;
        rec.end_step();
        true
    }

    /// Time of the boot at the head of the queue, if one is still to come.
    fn next_boot(&self) -> Option<Time> {
        match self.queue.peek() {
            Some((t, Scheduled::Boot(_))) => Some(t),
            _ => None,
        }
    }

    /// Carries out one scripted move (see [`Scripted`]); a move naming a message no longer in
    /// flight or a timer not armed does nothing.
    fn apply_scripted<R: Recorder>(&mut self, step: Scripted, rec: &mut R) {
        let in_flight = |id: u64| move |s: &Scheduled| matches!(s, Scheduled::Deliver { id: i, .. } if *i == id);
        match step {
            Scripted::Deliver(id) => {
                if let Some((_, Scheduled::Deliver { id, from, to, msg })) =
                    self.queue.take_first(in_flight(id))
                {
                    self.deliver(id, from, to, msg, rec);
                }
            }
            Scripted::Lose(id) => {
                if self.queue.take_first(in_flight(id)).is_some() {
                    self.drop_message(id, DropReason::Lost, rec);
                }
            }
            Scripted::Duplicate(id) => {
                let Some((t, Scheduled::Deliver { from, to, msg, .. })) = self
                    .queue
                    .iter()
                    .find(|(_, s)| in_flight(id)(s))
                    .map(|(t, s)| (t, s.clone()))
                else {
                    return;
                };
                let dup = self.next_msg;
                self.next_msg += 1;
                self.stats.duplicated += 1;
                let arrive = t.max(self.now);
                if R::RECORDS {
                    rec.message(MessageRecord {
                        id: dup,
                        from,
                        to,
                        sent: self.now,
                        arrive,
                        msg: msg.clone(),
                        dup_of: Some(id),
                        fate: Fate::InFlight,
                    });
                    rec.event(self.now, EventKind::Send(dup));
                }
                self.queue.push(
                    arrive,
                    Scheduled::Deliver {
                        id: dup,
                        from,
                        to,
                        msg,
                    },
                );
            }
            Scripted::Fire { at, timer } => {
                if let Address::Node(n) = at {
                    if self.nodes.get(n.index()).is_none_or(|n| !n.up) {
                        return;
                    }
                }
                if let Address::Client(c) = at {
                    if usize::from(c.0) >= self.clients.len() {
                        return;
                    }
                }
                let slot = self.timer_slot(at, timer);
                if !slot.armed {
                    return;
                }
                slot.armed = false;
                rec.event(self.now, EventKind::Timer(at, timer));
                self.fire(at, timer, rec);
            }
        }
    }

    /// Removes cancelled or superseded timers from the head of the queue, so the next
    /// scheduled time is always the time of something that will really happen (a seek to t
    /// must never run an event after t).
    fn drop_stale_timers(&mut self) {
        while let Some((
            t,
            &Scheduled::Timer {
                owner,
                kind,
                generation,
            },
        )) = self.queue.peek()
        {
            let slot = *self.timer_slot(owner, kind);
            if slot.generation == generation && slot.armed && slot.fires_at <= t {
                break;
            }
            self.queue.pop();
            self.timer_due(owner, kind, generation, t);
        }
    }

    /// A timer entry popped at `t`: is it due? Stale entries are dropped; postponed ones are
    /// queued again at their new time.
    fn timer_due(&mut self, owner: Address, kind: TimerKind, generation: u32, t: Time) -> bool {
        let slot = self.timer_slot(owner, kind);
        if slot.generation != generation {
            return false;
        }
        slot.queued = None;
        if !slot.armed {
            return false;
        }
        if slot.fires_at > t {
            let at = slot.fires_at;
            self.queue_timer(owner, kind, at);
            return false;
        }
        true
    }

    fn queue_timer(&mut self, owner: Address, kind: TimerKind, at: Time) {
        let slot = self.timer_slot(owner, kind);
        slot.generation = slot.generation.wrapping_add(1);
        slot.queued = Some(at);
        let generation = slot.generation;
        self.queue.push(
            at,
            Scheduled::Timer {
                owner,
                kind,
                generation,
            },
        );
    }

    /// Runs every step due at or before `t`, then lets the clock reach `t`.
    pub fn run_until<R: Recorder>(&mut self, t: Time, interventions: &[Intervention], rec: &mut R) {
        while self.next_time(interventions).is_some_and(|n| n <= t) {
            if !self.step(interventions, rec) {
                break;
            }
        }
        self.now = self.now.max(t);
    }

    /// Time of the next scheduled event (interventions aside).
    pub fn next_event_time(&self) -> Option<Time> {
        if self.cfg.scripted {
            return self.next_boot();
        }
        self.queue.peek_time()
    }

    // ---- carrying out what happens -------------------------------------------------------

    /// Returns false for a stale timer (nothing happened).
    fn handle<R: Recorder>(&mut self, what: Scheduled, rec: &mut R) -> bool {
        match what {
            Scheduled::Boot(a) => {
                rec.event(self.now, EventKind::Boot(a));
                self.boot(a, rec);
            }
            Scheduled::Vanish { id, reason } => self.drop_message(id, reason, rec),
            Scheduled::Deliver { id, from, to, msg } => self.deliver(id, from, to, msg, rec),
            Scheduled::Timer {
                owner,
                kind,
                generation,
            } => {
                if !self.timer_due(owner, kind, generation, self.now) {
                    return false;
                }
                self.timer_slot(owner, kind).armed = false;
                rec.event(self.now, EventKind::Timer(owner, kind));
                self.fire(owner, kind, rec);
            }
        }
        true
    }

    fn boot<R: Recorder>(&mut self, a: Address, rec: &mut R) {
        let mut out = std::mem::take(&mut self.scratch);
        match a {
            Address::Node(n) => {
                let uuid = self.draw_uuid();
                let node = &mut self.nodes[n.index()];
                if node.up {
                    node.start(&self.cfg.protocol, uuid, &mut out);
                }
            }
            Address::Client(c) => self.clients[usize::from(c.0)].start(&mut out),
        }
        self.carry_out(a, &mut out, rec);
        self.scratch = out;
    }

    fn fire<R: Recorder>(&mut self, owner: Address, kind: TimerKind, rec: &mut R) {
        let mut out = std::mem::take(&mut self.scratch);
        match owner {
            Address::Node(n) => self.nodes[n.index()].on_timer(&self.cfg.protocol, kind, &mut out),
            Address::Client(c) => self.clients[usize::from(c.0)].on_timer(
                kind,
                self.now,
                self.cfg.protocol.nodes,
                &mut out,
            ),
        }
        self.carry_out(owner, &mut out, rec);
        self.scratch = out;
    }

    fn drop_message<R: Recorder>(&mut self, id: MsgId, reason: DropReason, rec: &mut R) {
        self.stats.dropped += 1;
        rec.resolve(id, Fate::Dropped(reason));
        rec.event(self.now, EventKind::Drop(id, reason));
    }

    fn deliver<R: Recorder>(
        &mut self,
        id: MsgId,
        from: Address,
        to: Address,
        msg: Msg,
        rec: &mut R,
    ) {
        // A process's messages to itself are in-line calls in TimeLock: nothing drops them.
        let local = from == to;
        if local {
            return self.deliver_now(id, from, to, msg, rec);
        }
        if let Some(i) = self.user_drops.iter().position(|&d| d == id) {
            self.user_drops.swap_remove(i);
            return self.drop_message(id, DropReason::ByUser, rec);
        }
        if !self.filters.is_empty()
            && self
                .filters
                .iter()
                .any(|f| f.matches(from, to, msg.type_index()))
        {
            return self.drop_message(id, DropReason::Filtered, rec);
        }
        if let Address::Node(n) = to {
            if !self.nodes[n.index()].up {
                self.drop_message(id, DropReason::ReceiverDown, rec);
                // AtlasDB's non-retrying channels: the dead process's host refuses the
                // connection, and the caller hears so one hop later instead of timing out.
                if self.cfg.protocol.quirks.refused_connections
                    && msg.fails_fast()
                    && matches!(from, Address::Node(_))
                {
                    let refused = Msg::ConnectionRefused {
                        request: Box::new(msg),
                    };
                    self.send(to, from, refused, rec);
                }
                return;
            }
            if let Address::Node(m) = from {
                if self.partition[m.index()] != self.partition[n.index()] {
                    return self.drop_message(id, DropReason::Partitioned, rec);
                }
            }
        }
        self.deliver_now(id, from, to, msg, rec);
    }

    fn deliver_now<R: Recorder>(
        &mut self,
        id: MsgId,
        from: Address,
        to: Address,
        msg: Msg,
        rec: &mut R,
    ) {
        rec.resolve(id, Fate::Delivered);
        rec.event(self.now, EventKind::Deliver(id));
        let mut out = std::mem::take(&mut self.scratch);
        match to {
            Address::Node(n) => {
                self.nodes[n.index()].on_message(&self.cfg.protocol, from, &msg, &mut out)
            }
            Address::Client(c) => {
                let nodes = self.cfg.protocol.nodes;
                let client = &mut self.clients[usize::from(c.0)];
                match (from, &msg) {
                    (Address::Node(server), Msg::TimestampReply { request, result }) => {
                        client.on_reply(server, *request, *result, nodes, &mut out)
                    }
                    (
                        Address::Node(server),
                        Msg::LockReply {
                            request, result, ..
                        },
                    ) => client.on_lock_reply(server, *request, *result, self.now, nodes, &mut out),
                    _ => {}
                }
            }
        }
        self.carry_out(to, &mut out, rec);
        self.scratch = out;
    }

    fn carry_out<R: Recorder>(&mut self, owner: Address, out: &mut Outbox, rec: &mut R) {
        for cmd in out.commands.drain(..) {
            match cmd {
                Command::Send { to, msg } => self.send(owner, to, msg, rec),
                Command::SetTimer { timer, delay } => {
                    let d = self.draw(delay);
                    let now = self.now;
                    let slot = self.timer_slot(owner, timer);
                    slot.armed = true;
                    slot.set_at = now;
                    slot.fires_at = now + d;
                    // An entry already queued at or before the new time will move itself.
                    if slot.queued.is_none_or(|q| q > now + d) {
                        self.queue_timer(owner, timer, now + d);
                    }
                }
                Command::CancelTimer(timer) => self.timer_slot(owner, timer).armed = false,
                Command::Observe(obs) => self.observe(owner, obs, rec),
            }
        }
    }

    /// A fresh process identity: never 0 (0 means "no UUID" in a ballot).
    fn draw_uuid(&mut self) -> u32 {
        (self.rng_uuid.below(u64::from(u32::MAX)) as u32) + 1
    }

    fn draw(&mut self, d: Delay) -> Micros {
        match d {
            Delay::Exactly(d) => d,
            Delay::Uniform { min, max } => {
                if max <= min + 1 {
                    min
                } else {
                    min + self.rng_timer.below(max - min)
                }
            }
        }
    }

    fn timer_slot(&mut self, owner: Address, kind: TimerKind) -> &mut TimerSlot {
        let table = match owner {
            Address::Node(n) => &mut self.node_timers[n.index()],
            Address::Client(c) => &mut self.client_timers[usize::from(c.0)],
        };
        &mut table[kind.index()]
    }

    fn send<R: Recorder>(&mut self, from: Address, to: Address, msg: Msg, rec: &mut R) {
        let id = self.next_msg;
        self.next_msg += 1;
        self.stats.sent_by_type[msg.type_index()] += 1;
        // The checker reads promises, acceptances and grants off the wire.
        let found = self.checker.on_send(from, &msg, self.now);
        let now = self.now;
        let net = self.cfg.network;
        // A process's messages to itself are in-line calls: instant and reliable.
        let local = from == to;
        let slowness = |a: Address| match a {
            Address::Node(n) => self.slow[n.index()],
            Address::Client(_) => 0,
        };
        let extra = slowness(from) + slowness(to);
        let latency = if local {
            0
        } else {
            self.rng_net.between(net.latency_min, net.latency_max) + extra
        };
        let lost = !local && self.rng_net.chance_ppm(net.loss_ppm);
        let duplicated = !local && self.rng_net.chance_ppm(net.duplicate_ppm);
        let arrive = if lost {
            now + latency / 2
        } else {
            now + latency
        };
        if R::RECORDS {
            rec.message(MessageRecord {
                id,
                from,
                to,
                sent: now,
                arrive,
                msg: msg.clone(),
                dup_of: None,
                fate: Fate::InFlight,
            });
            rec.event(now, EventKind::Send(id));
        }
        if duplicated {
            let dup = self.next_msg;
            self.next_msg += 1;
            self.stats.duplicated += 1;
            let at = now + self.rng_net.between(net.latency_min, net.latency_max) + extra;
            if R::RECORDS {
                rec.message(MessageRecord {
                    id: dup,
                    from,
                    to,
                    sent: now,
                    arrive: at,
                    msg: msg.clone(),
                    dup_of: Some(id),
                    fate: Fate::InFlight,
                });
                rec.event(now, EventKind::Send(dup));
            }
            self.queue.push(
                at,
                Scheduled::Deliver {
                    id: dup,
                    from,
                    to,
                    msg: msg.clone(),
                },
            );
        }
        if lost {
            self.queue.push(
                arrive,
                Scheduled::Vanish {
                    id,
                    reason: DropReason::Lost,
                },
            );
        } else {
            self.queue
                .push(arrive, Scheduled::Deliver { id, from, to, msg });
        }
        self.record_violations(found, rec);
    }

    fn observe<R: Recorder>(&mut self, at: Address, obs: Observation, rec: &mut R) {
        let found = self.checker.observe(at, &obs, self.now);
        match (at, &obs) {
            (
                Address::Node(_),
                Observation::Proposing {
                    log: LogId::Leadership,
                    ..
                },
            ) => self.stats.elections += 1,
            (Address::Node(n), Observation::AttemptFailed { reason, .. }) => match reason {
                FailReason::Nacked { .. } => self.stats.preempted[n.index()] += 1,
                FailReason::Timeout { .. } | FailReason::Unreachable { .. } => {
                    self.stats.timed_out += 1
                }
            },
            (Address::Node(_), Observation::BecameLeader { .. }) => {
                self.stats.leader_changes += 1;
                self.stats.first_leader_at.get_or_insert(self.now);
            }
            (Address::Node(_), &Observation::Served { first, last, .. }) => {
                self.stats.requests_served += 1;
                self.stats.timestamps_served += last - first + 1;
            }
            (Address::Node(_), Observation::BoundExtended { .. }) => {
                self.stats.bound_extensions += 1
            }
            _ => {}
        }
        if R::RECORDS {
            rec.event(self.now, EventKind::Observed(at, Box::new(obs)));
        }
        self.record_violations(found, rec);
    }

    fn record_violations<R: Recorder>(&mut self, found: Vec<Violation>, rec: &mut R) {
        for v in found {
            self.stats.violations += 1;
            rec.event(self.now, EventKind::Violation(Rc::new(v)));
        }
    }

    fn apply<R: Recorder>(&mut self, action: &Action, rec: &mut R) {
        let t = self.now;
        match action {
            Action::Crash(n) => {
                let Some(node) = self.nodes.get_mut(n.index()) else {
                    return;
                };
                if node.up {
                    node.crash(&self.cfg.protocol);
                    self.disarm_all(*n);
                    rec.event(t, EventKind::Crash(*n));
                }
            }
            Action::CrashLeader => {
                if let Some(l) = self.leader() {
                    self.apply(&Action::Crash(l), rec);
                }
            }
            Action::IsolateLeader { followers } => {
                if let Some(l) = self.leader() {
                    let mut side = vec![l];
                    side.extend(
                        self.nodes
                            .iter()
                            .map(|n| n.id)
                            .filter(|&n| n != l)
                            .take(usize::from(*followers)),
                    );
                    let rest = self
                        .nodes
                        .iter()
                        .map(|n| n.id)
                        .filter(|n| !side.contains(n))
                        .collect();
                    self.apply(&Action::Partition(vec![side, rest]), rec);
                }
            }
            Action::Filter(f) => {
                self.filters.push(*f);
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::ClearFilters => {
                self.filters.clear();
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::Restart(n) => {
                let Some(node) = self.nodes.get_mut(n.index()) else {
                    return;
                };
                if node.up {
                    node.crash(&self.cfg.protocol);
                    self.disarm_all(*n);
                    rec.event(t, EventKind::Crash(*n));
                }
                let mut out = std::mem::take(&mut self.scratch);
                let uuid = self.draw_uuid();
                let node = &mut self.nodes[n.index()];
                node.restart(&self.cfg.protocol, uuid, &mut out);
                rec.event(t, EventKind::Restart(*n, node.incarnation));
                self.carry_out(Address::Node(*n), &mut out, rec);
                self.scratch = out;
            }
            Action::Partition(groups) => {
                self.partition = [0; 16];
                for (g, members) in groups.iter().enumerate() {
                    for m in members {
                        if m.index() < 16 {
                            self.partition[m.index()] = g as u8 + 1;
                        }
                    }
                }
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::Heal => {
                self.partition = [0; 16];
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::Slow { node, extra } => {
                if let Some(s) = self.slow.get_mut(node.index()) {
                    *s = *extra;
                }
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::DropMessage(id) => {
                if !self.user_drops.contains(id) {
                    self.user_drops.push(*id);
                }
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::ClientRequest { node, count } => {
                let id = ClientId(u16::try_from(self.clients.len()).unwrap_or(u16::MAX));
                let params = ClientParams {
                    batch: *count,
                    one_shot: true,
                    ..self.cfg.clients.params()
                };
                self.clients.push(Client::new(id, *node, params));
                self.client_timers.push(TimerTable::default());
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
                rec.event(t, EventKind::Boot(Address::Client(id)));
                self.boot(Address::Client(id), rec);
            }
            Action::Set(p) => {
                match p {
                    Param::LossPpm(v) => self.cfg.network.loss_ppm = *v,
                    Param::DuplicatePpm(v) => self.cfg.network.duplicate_ppm = *v,
                    Param::Latency { min, max } => {
                        self.cfg.network.latency_min = *min;
                        self.cfg.network.latency_max = *max;
                    }
                    Param::Backoff(b) => self.cfg.protocol.backoff = *b,
                    Param::PingInterval(v) => self.cfg.protocol.ping_interval = *v,
                    Param::PingTimeout(v) => self.cfg.protocol.ping_timeout = *v,
                    Param::Bug { name, on } => {
                        self.cfg.protocol.bugs.set(name, *on);
                    }
                    Param::Quirk { name, on } => {
                        self.cfg.protocol.quirks.set(name, *on);
                    }
                }
                rec.event(t, EventKind::Intervene(Box::new(action.clone())));
            }
            Action::Script(step) => self.apply_scripted(*step, rec),
        }
    }

    fn disarm_all(&mut self, n: NodeId) {
        for slot in &mut self.node_timers[n.index()] {
            slot.armed = false;
        }
    }

    // ---- reading state for pictures and tests --------------------------------------------

    /// Messages still travelling: (arrival or vanishing time, id).
    pub fn in_flight(&self) -> impl Iterator<Item = (Time, MsgId)> + '_ {
        self.queue.iter().filter_map(|(t, s)| match s {
            Scheduled::Deliver { id, .. } | Scheduled::Vanish { id, .. } => Some((t, *id)),
            _ => None,
        })
    }

    /// The id of an in-flight message from `from` to `to` carrying `msg` (the oldest, if the
    /// network holds copies): how a model checker's move becomes a scripted intervention.
    pub fn in_flight_id(&self, from: Address, to: Address, msg: &Msg) -> Option<MsgId> {
        self.queue
            .iter()
            .filter_map(|(_, s)| match s {
                Scheduled::Deliver {
                    id,
                    from: f,
                    to: t,
                    msg: m,
                } if *f == from && *t == to && m == msg => Some(*id),
                _ => None,
            })
            .min()
    }

    /// One timer of a node, if armed: (set at, fires at).
    pub fn timer(&self, n: NodeId, kind: TimerKind) -> Option<(Time, Time)> {
        let s = self.node_timers.get(n.index())?[kind.index()];
        s.armed.then_some((s.set_at, s.fires_at))
    }

    /// A node's armed timers: (kind, set at, fires at).
    pub fn timers(&self, n: NodeId) -> impl Iterator<Item = (TimerKind, Time, Time)> + '_ {
        TimerKind::ALL.iter().filter_map(move |&k| {
            let s = self.node_timers[n.index()][k.index()];
            s.armed.then_some((k, s.set_at, s.fires_at))
        })
    }

    /// Messages a person asked to drop that have not arrived yet.
    pub fn pending_user_drops(&self) -> &[MsgId] {
        &self.user_drops
    }

    /// The node currently holding leadership with the highest round, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter(|n| n.up)
            .filter_map(|n| match n.v.election {
                crate::engine::election::ElectionState::Leading { seq } => Some((seq, n.id)),
                _ => None,
            })
            .max()
            .map(|(_, n)| n)
    }

    /// Whether two nodes can currently exchange messages.
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        self.partition[a.index()] == self.partition[b.index()]
    }

    /// Milliseconds, for labels.
    pub fn now_ms(&self) -> f64 {
        self.now as f64 / MS as f64
    }
}

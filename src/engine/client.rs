//! A TimeLock client: ask the node you believe leads; follow a NotLeader hint; on silence or
//! refusal try the next node. A *timestamp* client issues requests one at a time, so
//! "request B started after request A's reply arrived" is well defined — the real-time order
//! the safety checker holds the cluster to. A *lock* client takes a named lock, holds it for a
//! while under a lease (refreshing it), and releases it; the checker holds the cluster to "no
//! two clients hold one lock at once".
//!
//! Lock clients need the time (their lease is counted from when they sent a request): the
//! driver passes `now` in, as it does every random draw — the engine never reads a clock.

use super::config::{Delay, Micros};
use super::msg::{LockResult, Msg, RequestId, TimestampResult};
use super::outbox::{Observation, Outbox, TimerKind};
use super::types::{Address, ClientId, LockName, LockToken, NodeId};

/// How a client behaves.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct ClientParams {
    /// Timestamps per request.
    pub batch: u64,
    /// Mean pause between a reply and the next request (drawn from U[½, 1½)×).
    pub think: Micros,
    /// Give up on a node after this long without a reply.
    pub timeout: Micros,
    /// Pause before retrying after a refusal without a hint.
    pub retry_pause: Micros,
    /// Issue exactly one request, then stop (an intervention's manual request).
    pub one_shot: bool,
    /// A lock client instead of a timestamp client.
    pub locks: Option<LockPlan>,
}

/// What a lock client does.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct LockPlan {
    /// How many named locks the clients share (they take them in turn).
    pub names: u8,
    /// How long it holds a lock before releasing it.
    pub hold: Micros,
    /// Its lease (the protocol's `lock_lease`); it refreshes after 5/8 of it, as TimeLock's
    /// clients refresh every 5 s of an 8 s lease.
    pub lease: Micros,
}

/// What a lock client is doing.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum LockState {
    /// Not holding anything, not asking.
    Idle,
    /// Asking for `lock`; `sent` is when this attempt left.
    Acquiring {
        /// Request id.
        request: RequestId,
        /// Which lock.
        lock: LockName,
        /// When the current attempt was sent.
        sent: Micros,
    },
    /// Holding `lock` under a lease that ends at `until`.
    Holding {
        /// Which lock.
        lock: LockName,
        /// Its token.
        token: LockToken,
        /// End of the lease.
        until: Micros,
        /// A refresh in flight: its request id and when it was sent.
        refreshing: Option<(RequestId, Micros)>,
    },
}

/// What the client is doing.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub enum ClientState {
    /// Between requests.
    Thinking,
    /// A request is outstanding.
    Waiting {
        /// Which.
        request: RequestId,
        /// Attempts so far.
        attempts: u32,
    },
    /// One-shot client that got its answer.
    Done,
}

/// One simulated client.
#[derive(Clone, Debug, PartialEq, Hash, Eq)]
pub struct Client {
    /// Identity.
    pub id: ClientId,
    /// Where the next attempt goes.
    pub target: NodeId,
    /// Behaviour.
    pub params: ClientParams,
    /// Current state.
    pub state: ClientState,
    /// Next request id.
    pub next_request: RequestId,
    /// Granted requests so far.
    pub granted: u64,
    /// A lock client's state.
    pub lock: LockState,
}

impl Client {
    /// A client that will first ask `target`.
    pub fn new(id: ClientId, target: NodeId, params: ClientParams) -> Client {
        Client {
            id,
            target,
            params,
            state: ClientState::Thinking,
            next_request: 0,
            granted: 0,
            lock: LockState::Idle,
        }
    }

    /// Arms the first request (a one-shot client asks at once).
    pub fn start(&mut self, out: &mut Outbox) {
        let delay = if self.params.one_shot {
            Delay::Exactly(0)
        } else {
            self.think()
        };
        out.set_timer(TimerKind::ClientNext, delay);
    }

    fn think(&self) -> Delay {
        let t = self.params.think.max(2);
        Delay::Uniform {
            min: t / 2,
            max: t + t / 2,
        }
    }

    fn send(&mut self, out: &mut Outbox) {
        let ClientState::Waiting { request, attempts } = &mut self.state else {
            return;
        };
        *attempts += 1;
        out.send(
            Address::Node(self.target),
            Msg::TimestampRequest {
                request: *request,
                count: self.params.batch,
            },
        );
        out.set_timer(
            TimerKind::ClientTimeout,
            Delay::Exactly(self.params.timeout),
        );
    }

    fn next_target(&mut self, after: NodeId, nodes: u8) {
        self.target = NodeId(after.0 % nodes + 1);
    }

    /// A timer fired at `now`.
    pub fn on_timer(&mut self, timer: TimerKind, now: Micros, nodes: u8, out: &mut Outbox) {
        if let Some(plan) = self.params.locks {
            return self.on_lock_timer(plan, timer, now, nodes, out);
        }
        match (timer, self.state) {
            (TimerKind::ClientNext, ClientState::Thinking) => {
                let request = self.next_request;
                self.next_request += 1;
                self.state = ClientState::Waiting {
                    request,
                    attempts: 0,
                };
                out.observe(Observation::ClientStarted {
                    request,
                    count: self.params.batch,
                });
                self.send(out);
            }
            // Retry pause over: ask again.
            (TimerKind::ClientNext, ClientState::Waiting { .. }) => self.send(out),
            (TimerKind::ClientTimeout, ClientState::Waiting { .. }) => {
                self.next_target(self.target, nodes);
                self.send(out);
            }
            _ => {}
        }
    }

    /// A server answered.
    pub fn on_reply(
        &mut self,
        from: NodeId,
        request: RequestId,
        result: TimestampResult,
        nodes: u8,
        out: &mut Outbox,
    ) {
        let ClientState::Waiting { request: r, .. } = self.state else {
            return;
        };
        if r != request || from != self.target {
            return; // a late answer to an attempt we already gave up on
        }
        out.cancel_timer(TimerKind::ClientTimeout);
        match result {
            TimestampResult::Granted { first, last } => {
                self.granted += 1;
                out.observe(Observation::ClientGranted {
                    request,
                    from: Address::Node(from),
                    first,
                    last,
                });
                if self.params.one_shot {
                    self.state = ClientState::Done;
                } else {
                    self.state = ClientState::Thinking;
                    out.set_timer(TimerKind::ClientNext, self.think());
                }
            }
            TimestampResult::NotLeader { hint: Some(h) } if h != from && h.0 <= nodes => {
                self.target = h;
                self.send(out);
            }
            _ => {
                self.next_target(from, nodes);
                out.set_timer(
                    TimerKind::ClientNext,
                    Delay::Exactly(self.params.retry_pause),
                );
            }
        }
    }
}

impl Client {
    fn lock_call(&self, msg: Msg, out: &mut Outbox) {
        out.send(Address::Node(self.target), msg);
        out.set_timer(
            TimerKind::ClientTimeout,
            Delay::Exactly(self.params.timeout),
        );
    }

    /// Sends (or re-sends) the lock request. Its lease will count from the *first* send: any
    /// attempt may be the one granted, and none left earlier.
    fn ask_for_lock(&mut self, out: &mut Outbox) {
        let LockState::Acquiring { request, lock, .. } = self.lock else {
            return;
        };
        let msg = Msg::LockRequest { request, lock };
        self.lock_call(msg, out);
    }

    fn refresh(&mut self, now: Micros, out: &mut Outbox) {
        let LockState::Holding {
            lock,
            token,
            refreshing,
            ..
        } = &mut self.lock
        else {
            return;
        };
        // A re-sent refresh keeps its first send time (the lease counts from the earliest).
        let (request, sent) = match refreshing {
            Some((r, sent)) => (*r, *sent),
            None => {
                let r = self.next_request;
                self.next_request += 1;
                (r, now)
            }
        };
        *refreshing = Some((request, sent));
        let msg = Msg::LockRefresh {
            request,
            lock: *lock,
            token: *token,
        };
        self.lock_call(msg, out);
    }

    /// Stops holding: says why, and rests before the next lock.
    fn end_hold(&mut self, why: &'static str, out: &mut Outbox) {
        if let LockState::Holding { lock, .. } = self.lock {
            out.observe(Observation::ClientLockEnded { lock, why });
        }
        self.lock = LockState::Idle;
        for t in [
            TimerKind::ClientRefresh,
            TimerKind::ClientLease,
            TimerKind::ClientTimeout,
        ] {
            out.cancel_timer(t);
        }
        out.set_timer(TimerKind::ClientNext, self.think());
    }

    /// A lock client's timer fired at `now`.
    fn on_lock_timer(
        &mut self,
        plan: LockPlan,
        timer: TimerKind,
        now: Micros,
        nodes: u8,
        out: &mut Outbox,
    ) {
        match (timer, self.lock) {
            (TimerKind::ClientNext, LockState::Idle) => {
                let request = self.next_request;
                self.next_request += 1;
                // Clients take the locks in turn, so they meet on the same ones.
                let lock = LockName(
                    ((u64::from(self.id.0) + request) % u64::from(plan.names.max(1))) as u8,
                );
                self.lock = LockState::Acquiring {
                    request,
                    lock,
                    sent: now,
                };
                self.ask_for_lock(out);
            }
            // Retry pause over.
            (TimerKind::ClientNext, LockState::Acquiring { .. }) => self.ask_for_lock(out),
            (TimerKind::ClientTimeout, LockState::Acquiring { .. }) => {
                self.next_target(self.target, nodes);
                self.ask_for_lock(out);
            }
            // Time to let go.
            (TimerKind::ClientNext, LockState::Holding { lock, token, .. }) => {
                let request = self.next_request;
                self.next_request += 1;
                out.send(
                    Address::Node(self.target),
                    Msg::Unlock {
                        request,
                        lock,
                        token,
                    },
                );
                self.end_hold("released", out);
            }
            (TimerKind::ClientRefresh, LockState::Holding { .. }) => self.refresh(now, out),
            (
                TimerKind::ClientTimeout,
                LockState::Holding {
                    refreshing: Some(_),
                    ..
                },
            ) => {
                self.next_target(self.target, nodes);
                self.refresh(now, out);
            }
            (TimerKind::ClientLease, LockState::Holding { until, .. }) => {
                if now >= until {
                    self.end_hold("expired", out);
                } else {
                    out.set_timer(TimerKind::ClientLease, Delay::Exactly(until - now));
                }
            }
            _ => {}
        }
    }

    /// The leader answered a lock call at `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn on_lock_reply(
        &mut self,
        from: NodeId,
        request: RequestId,
        result: LockResult,
        now: Micros,
        nodes: u8,
        out: &mut Outbox,
    ) {
        let Some(plan) = self.params.locks else {
            return;
        };
        if from != self.target {
            return; // a late answer to an attempt we already gave up on
        }
        let retry_pause = Delay::Exactly(self.params.retry_pause);
        match self.lock {
            LockState::Acquiring {
                request: r,
                lock,
                sent,
            } if r == request => {
                out.cancel_timer(TimerKind::ClientTimeout);
                match result {
                    LockResult::Granted { token } => {
                        let until = sent + plan.lease;
                        self.granted += 1;
                        self.lock = LockState::Holding {
                            lock,
                            token,
                            until,
                            refreshing: None,
                        };
                        out.observe(Observation::ClientLocked { lock, token, until });
                        out.set_timer(
                            TimerKind::ClientRefresh,
                            Delay::Exactly(refresh_after(plan)),
                        );
                        out.set_timer(
                            TimerKind::ClientLease,
                            Delay::Exactly(until.saturating_sub(now)),
                        );
                        out.set_timer(TimerKind::ClientNext, Delay::Exactly(plan.hold));
                    }
                    LockResult::Busy => {
                        self.lock = LockState::Idle;
                        out.set_timer(TimerKind::ClientNext, self.think());
                    }
                    LockResult::NotLeader { hint: Some(h) } if h != from && h.0 <= nodes => {
                        self.target = h;
                        self.ask_for_lock(out);
                    }
                    LockResult::Wait => out.set_timer(TimerKind::ClientNext, retry_pause),
                    _ => {
                        self.next_target(from, nodes);
                        out.set_timer(TimerKind::ClientNext, retry_pause);
                    }
                }
            }
            LockState::Holding {
                lock,
                token,
                until,
                refreshing: Some((r, sent)),
            } if r == request => {
                out.cancel_timer(TimerKind::ClientTimeout);
                match result {
                    LockResult::Refreshed | LockResult::Granted { .. } => {
                        let until = until.max(sent + plan.lease);
                        self.lock = LockState::Holding {
                            lock,
                            token,
                            until,
                            refreshing: None,
                        };
                        out.observe(Observation::ClientLockRefreshed { lock, until });
                        out.set_timer(
                            TimerKind::ClientRefresh,
                            Delay::Exactly(refresh_after(plan)),
                        );
                        out.set_timer(
                            TimerKind::ClientLease,
                            Delay::Exactly(until.saturating_sub(now)),
                        );
                    }
                    LockResult::NotLeader { hint: Some(h) } if h != from && h.0 <= nodes => {
                        self.target = h;
                        self.refresh(now, out);
                    }
                    LockResult::Unknown | LockResult::Busy => self.end_hold("refused", out),
                    _ => {
                        // No leader right now: keep the lease, try again shortly.
                        self.next_target(from, nodes);
                        out.set_timer(TimerKind::ClientRefresh, retry_pause);
                    }
                }
            }
            _ => {}
        }
    }
}

/// When a lock client refreshes: after 5/8 of its lease.
fn refresh_after(plan: LockPlan) -> Micros {
    (plan.lease / 8 * 5).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Command;

    fn params() -> ClientParams {
        ClientParams {
            batch: 3,
            think: 100,
            timeout: 1_000,
            retry_pause: 50,
            one_shot: false,
            locks: None,
        }
    }

    fn sent_to(out: &Outbox) -> Vec<NodeId> {
        out.commands
            .iter()
            .filter_map(|c| match c {
                Command::Send {
                    to: Address::Node(n),
                    ..
                } => Some(*n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn follows_a_hint_and_rotates_on_refusal() {
        let mut c = Client::new(ClientId(0), NodeId(1), params());
        let mut out = Outbox::default();
        c.on_timer(TimerKind::ClientNext, 0, 3, &mut out);
        assert_eq!(sent_to(&out), vec![NodeId(1)]);
        out.clear();
        c.on_reply(
            NodeId(1),
            0,
            TimestampResult::NotLeader {
                hint: Some(NodeId(3)),
            },
            3,
            &mut out,
        );
        assert_eq!(sent_to(&out), vec![NodeId(3)], "redirected at once");
        out.clear();
        c.on_reply(NodeId(3), 0, TimestampResult::Unavailable, 3, &mut out);
        assert_eq!(c.target, NodeId(1), "wraps around after the last node");
    }

    #[test]
    fn ignores_answers_to_abandoned_attempts() {
        let mut c = Client::new(ClientId(0), NodeId(1), params());
        let mut out = Outbox::default();
        c.on_timer(TimerKind::ClientNext, 0, 3, &mut out);
        c.on_timer(TimerKind::ClientTimeout, 0, 3, &mut out);
        assert_eq!(c.target, NodeId(2));
        out.clear();
        let granted = TimestampResult::Granted { first: 1, last: 3 };
        c.on_reply(NodeId(1), 0, granted, 3, &mut out);
        assert!(out.commands.is_empty(), "N1's late answer is ignored");
        c.on_reply(NodeId(2), 0, granted, 3, &mut out);
        assert_eq!(c.granted, 1);
    }
}

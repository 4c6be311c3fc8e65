//! A timestamp client, as a TimeLock client behaves: ask the node you believe leads; follow a
//! NotLeader hint; on silence or refusal try the next node. Requests are issued one at a
//! time, so "request B started after request A's reply arrived" is well defined — the
//! real-time order the safety checker holds the cluster to.

use super::config::{Delay, Micros};
use super::msg::{Msg, RequestId, TimestampResult};
use super::outbox::{Observation, Outbox, TimerKind};
use super::types::{Address, ClientId, NodeId};

/// How a client behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

/// What the client is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// A timer fired.
    pub fn on_timer(&mut self, timer: TimerKind, nodes: u8, out: &mut Outbox) {
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
        c.on_timer(TimerKind::ClientNext, 3, &mut out);
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
        c.on_timer(TimerKind::ClientNext, 3, &mut out);
        c.on_timer(TimerKind::ClientTimeout, 3, &mut out);
        assert_eq!(c.target, NodeId(2));
        out.clear();
        let granted = TimestampResult::Granted { first: 1, last: 3 };
        c.on_reply(NodeId(1), 0, granted, 3, &mut out);
        assert!(out.commands.is_empty(), "N1's late answer is ignored");
        c.on_reply(NodeId(2), 0, granted, 3, &mut out);
        assert_eq!(c.granted, 1);
    }
}

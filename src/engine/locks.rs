//! The leader's lock service: clients lock, refresh and unlock named locks at the leader.
//!
//! As in TimeLock, the lock table lives only in the leader's memory, and every leadership term
//! gets a new, empty one (AtlasDB builds a fresh `AsyncLockService` with a random leadership id
//! per term): a failover forgets every lock, and a refresh of an earlier term's token fails.
//! Lock calls pass the same per-request leadership check as timestamp requests.
//!
//! A client holds a lock under a **lease** of [`ProtocolConfig::lock_lease`], counted from
//! when it *sent* the request the leader granted or refreshed; it refreshes well before the
//! lease ends, and stops trusting the lock when the lease ends or a refresh is refused.
//!
//! **Why two clients never hold one lock at once.** Within a term the table serialises
//! grants. Across terms, the new leader grants nothing for one lease after it became leader
//! (the *grace period*). Every grant or refresh of an earlier term passed a leadership check
//! that began after the client sent its request, and such a check can only pass if it began
//! before a later round was chosen (its quorum intersects the one that chose it) — so that
//! client's lease ends before the new leader's grace does. The `no-lock-grace` quirk grants at
//! once, as AtlasDB does: its clients lean on the leadership id in their lease instead.

use std::collections::BTreeMap;

use super::config::Delay;
use super::election::ElectionState;
use super::msg::{LockResult, Msg, RequestId};
use super::node::Node;
use super::outbox::{Observation, Outbox, TimerKind};
use super::timestamp::{Ask, Pending};
use super::types::{Address, ClientId, LockName, LockToken, Seq};
use super::ProtocolConfig;

/// One term's lock table (volatile: only the leader has one).
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq)]
pub struct LockTable {
    /// The leadership round this table belongs to (None: not leading).
    pub term: Option<Seq>,
    /// False during the grace period at the start of a term.
    pub open: bool,
    /// Who holds what, with the token and the request that got it.
    pub held: BTreeMap<LockName, Held>,
    /// Grants so far this term (the next token's id).
    pub granted: u32,
}

/// One lock's holder.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Eq)]
pub struct Held {
    /// The client.
    pub client: ClientId,
    /// Its token.
    pub token: LockToken,
    /// The request that was granted: the same request asked again (a retry, a duplicate) gets
    /// the same token; a new request gets a new one, so a late Unlock of the old token cannot
    /// release the new grant.
    pub request: RequestId,
}

impl Node {
    /// A new term begins: a new, empty lock table that opens after the grace period (at once
    /// under `no-lock-grace`).
    pub(crate) fn open_lock_table(&mut self, cfg: &ProtocolConfig, term: Seq, out: &mut Outbox) {
        let open = cfg.quirks.no_lock_grace;
        self.v.locks = LockTable {
            term: Some(term),
            open,
            ..LockTable::default()
        };
        if open {
            out.cancel_timer(TimerKind::LockGrace);
        } else {
            out.set_timer(TimerKind::LockGrace, Delay::Exactly(cfg.lock_lease));
        }
    }

    /// The grace period is over: grant from now on (if this is still the term it began in).
    pub(crate) fn on_lock_grace(&mut self) {
        if matches!(self.v.election, ElectionState::Leading { seq } if self.v.locks.term == Some(seq))
        {
            self.v.locks.open = true;
        }
    }

    /// Answers one lock call that passed its leadership check.
    pub(crate) fn serve_lock(&mut self, p: Pending, out: &mut Outbox) {
        let me = self.identity();
        let t = &mut self.v.locks;
        let (lock, result) = match p.ask {
            Ask::Timestamps { .. } => return,
            Ask::Lock { lock } if !t.open => (lock, LockResult::Wait),
            Ask::Lock { lock } => match t.held.get(&lock) {
                Some(h) if h.client == p.client && h.request == p.request => {
                    (lock, LockResult::Granted { token: h.token })
                }
                Some(h) if h.client != p.client => (lock, LockResult::Busy),
                _ => {
                    let token = LockToken {
                        leader: me,
                        term: t.term.unwrap_or_default(),
                        id: t.granted,
                    };
                    t.granted += 1;
                    let held = Held {
                        client: p.client,
                        token,
                        request: p.request,
                    };
                    t.held.insert(lock, held);
                    out.observe(Observation::LockGranted {
                        client: p.client,
                        lock,
                        token,
                    });
                    (lock, LockResult::Granted { token })
                }
            },
            Ask::Refresh { lock, token } => match t.held.get(&lock) {
                Some(h) if h.client == p.client && h.token == token => {
                    (lock, LockResult::Refreshed)
                }
                _ => (lock, LockResult::Unknown),
            },
            Ask::Unlock { lock, token } => {
                if t.held
                    .get(&lock)
                    .is_some_and(|h| h.client == p.client && h.token == token)
                {
                    t.held.remove(&lock);
                }
                (lock, LockResult::Unlocked)
            }
        };
        lock_reply(p.client, p.request, lock, result, out);
    }
}

/// Sends a lock call's answer.
pub(crate) fn lock_reply(
    client: ClientId,
    request: RequestId,
    lock: LockName,
    result: LockResult,
    out: &mut Outbox,
) {
    out.send(
        Address::Client(client),
        Msg::LockReply {
            request,
            lock,
            result,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::*;
    use crate::engine::testnet::Net;
    use crate::engine::{NodeId, Role};

    fn call(net: &mut Net, n: u8, client: u16, request: RequestId, msg: Msg) -> Vec<LockResult> {
        net.queue.push_back((
            Address::Client(ClientId(client)),
            Address::Node(NodeId(n)),
            msg,
        ));
        let _ = request;
        net.settle();
        net.to_clients
            .iter()
            .filter_map(|(_, c, m)| match m {
                Msg::LockReply { result, .. } if c.0 == client => Some(*result),
                _ => None,
            })
            .collect()
    }

    fn lock(request: RequestId) -> Msg {
        Msg::LockRequest {
            request,
            lock: LockName(0),
        }
    }

    #[test]
    fn a_new_term_waits_a_lease_before_granting_then_serialises() {
        let mut net = Net::new(config(3));
        net.elect(1);
        assert_eq!(call(&mut net, 1, 0, 0, lock(0)), vec![LockResult::Wait]);
        assert!(net.fire(1, TimerKind::LockGrace));
        let granted = call(&mut net, 1, 0, 1, lock(1));
        let Some(&LockResult::Granted { token }) = granted.last() else {
            panic!("{granted:?}")
        };
        assert_eq!(token.term, 0);
        // Another client is refused while the first holds it.
        assert_eq!(call(&mut net, 1, 1, 0, lock(0)), vec![LockResult::Busy]);
        // Refresh with the token works; a made-up token does not.
        let refresh = |token| Msg::LockRefresh {
            request: 2,
            lock: LockName(0),
            token,
        };
        assert_eq!(
            call(&mut net, 1, 0, 2, refresh(token)).last(),
            Some(&LockResult::Refreshed)
        );
        let forged = LockToken { id: 9, ..token };
        assert_eq!(
            call(&mut net, 1, 0, 3, refresh(forged)).last(),
            Some(&LockResult::Unknown)
        );
        // After unlocking, the other client gets it.
        call(
            &mut net,
            1,
            0,
            4,
            Msg::Unlock {
                request: 4,
                lock: LockName(0),
                token,
            },
        );
        assert!(matches!(
            call(&mut net, 1, 1, 1, lock(1)).last(),
            Some(LockResult::Granted { .. })
        ));
    }

    #[test]
    fn atlasdb_grants_at_once_and_a_new_term_forgets_every_lock() {
        // AsyncLockService.createDefault: a fresh table per term, no grace period.
        let mut cfg = config(3);
        cfg.quirks.no_lock_grace = true;
        let mut net = Net::new(cfg);
        net.elect(1);
        let Some(&LockResult::Granted { token }) = call(&mut net, 1, 0, 0, lock(0)).last() else {
            panic!("granted at once")
        };
        // N2 takes over: its table is empty, the old token is unknown there.
        let c = net.cfg.clone();
        net.nodes[0].crash(&c);
        net.fire(2, TimerKind::Backoff);
        net.settle();
        if net.role(2) == Role::Follower {
            net.fire(2, TimerKind::PingTimeout);
            net.settle();
            net.fire(2, TimerKind::Backoff);
            net.settle();
        }
        assert_eq!(net.role(2), Role::Leader);
        let refresh = Msg::LockRefresh {
            request: 1,
            lock: LockName(0),
            token,
        };
        assert_eq!(
            call(&mut net, 2, 0, 1, refresh).last(),
            Some(&LockResult::Unknown)
        );
        assert!(matches!(
            call(&mut net, 2, 1, 0, lock(0)).last(),
            Some(LockResult::Granted { .. })
        ));
    }
}

//! The acceptor: the durable memory of Paxos.
//!
//! Per (log, seq) it remembers the highest ballot it promised and the last (ballot, value) it
//! accepted. Rule: never ack a prepare or accept below the promise — answer with a Nack that
//! carries the promise, so the proposer can raise its counter. In AtlasDB every change is
//! written to disk before the reply; here the state survives crashes unless the
//! `acceptor-forgets` bug is on.
//!
//! The textbook acceptor records the value of every Accept it acks. AtlasDB's
//! `PaxosAcceptorImpl.accept` does not when it holds **no state** for the sequence (the Accept
//! arrived without a Prepare before it — lost, or overtaken): it acks, but stores only the
//! promise (`PaxosAcceptorState.newState(proposal.id)`, since commit c0086d7a65, 2016). The
//! `accept-without-state` quirk copies that: the proposer then counts an ack that no acceptor
//! remembers, and a later proposer's phase 1 can miss a value that was chosen.

use super::seqlog::SeqLog;
use super::types::{Ballot, LogId, Seq, Value};

/// What one acceptor remembers about one sequence of one log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Hash, Eq)]
pub struct AcceptorSlot {
    /// Highest ballot promised (prepare or accept both promise).
    pub promised: Option<Ballot>,
    /// Last accepted proposal.
    pub accepted: Option<(Ballot, Value)>,
}

/// The acceptor role of one node, for both logs.
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct Acceptor {
    logs: [SeqLog<AcceptorSlot>; 2],
}

impl Acceptor {
    /// Phase 1b. `Ok(accepted)` is a promise carrying the earlier acceptance;
    /// `Err(promised)` is a Nack carrying the higher promise.
    ///
    /// A repeated prepare with the promised ballot is re-acked (idempotent), as in AtlasDB.
    pub fn prepare(
        &mut self,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
    ) -> Result<Option<(Ballot, Value)>, Ballot> {
        let slot = self.logs[log.index()].entry_or_insert_with(seq, AcceptorSlot::default);
        match slot.promised {
            Some(p) if ballot < p => Err(p),
            _ => {
                slot.promised = Some(ballot);
                Ok(slot.accepted)
            }
        }
    }

    /// Phase 2b. `Ok(())` means acked; `Err(promised)` is a Nack.
    /// Only the promise matters: there is no check against the last accepted ballot. With
    /// `without_state_keeps_promise_only` (AtlasDB's acceptor), an Accept at a sequence with no
    /// state at all is acked but only its ballot is stored, as a promise.
    pub fn accept(
        &mut self,
        log: LogId,
        seq: Seq,
        ballot: Ballot,
        value: Value,
        without_state_keeps_promise_only: bool,
    ) -> Result<(), Ballot> {
        let fresh = self.logs[log.index()].get(seq).is_none();
        let slot = self.logs[log.index()].entry_or_insert_with(seq, AcceptorSlot::default);
        match slot.promised {
            Some(p) if ballot < p => Err(p),
            _ => {
                slot.promised = Some(ballot);
                if !(fresh && without_state_keeps_promise_only) {
                    slot.accepted = Some((ballot, value));
                }
                Ok(())
            }
        }
    }

    /// AtlasDB's `getLatestSequencePreparedOrAccepted`: the basis of the leadership check and
    /// of bound recovery.
    pub fn latest_seq(&self, log: LogId) -> Option<Seq> {
        self.logs[log.index()].greatest_seq()
    }

    /// State at one sequence, for the inspector.
    pub fn slot(&self, log: LogId, seq: Seq) -> Option<&AcceptorSlot> {
        self.logs[log.index()].get(seq)
    }

    /// All sequences of a log with state, for the inspector.
    pub fn slots(&self, log: LogId) -> impl Iterator<Item = (Seq, &AcceptorSlot)> + '_ {
        self.logs[log.index()].iter()
    }

    /// Loses everything: only the `acceptor-forgets` bug calls this on a crash.
    pub fn forget(&mut self) {
        for l in &mut self.logs {
            l.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::types::{LeaderId, NodeId};

    fn b(number: u64, node: u8) -> Ballot {
        Ballot {
            number,
            uuid: 0,
            node: NodeId(node),
            incarnation: 0,
        }
    }

    fn v(node: u8) -> Value {
        Value::Leader(LeaderId {
            node: NodeId(node),
            incarnation: 0,
        })
    }

    const L: LogId = LogId::Leadership;

    #[test]
    fn promise_reports_the_earlier_acceptance() {
        // Rule P1b: a promise carries the highest accepted proposal so the proposer adopts it.
        let mut a = Acceptor::default();
        assert_eq!(a.prepare(L, 0, b(1, 1)), Ok(None));
        assert_eq!(a.accept(L, 0, b(1, 1), v(1), false), Ok(()));
        assert_eq!(a.prepare(L, 0, b(2, 2)), Ok(Some((b(1, 1), v(1)))));
    }

    #[test]
    fn nothing_below_the_promise_is_acked() {
        // Rule: an acceptor never acks a prepare or accept whose ballot is below its promise,
        // and the Nack names the promise.
        let mut a = Acceptor::default();
        assert!(a.prepare(L, 0, b(2, 2)).is_ok());
        assert_eq!(a.prepare(L, 0, b(1, 5)), Err(b(2, 2)));
        assert_eq!(a.accept(L, 0, b(1, 5), v(5), false), Err(b(2, 2)));
        assert_eq!(a.slot(L, 0).unwrap().accepted, None);
    }

    #[test]
    fn repeated_prepare_is_reacked_and_accept_raises_the_promise() {
        let mut a = Acceptor::default();
        assert!(a.prepare(L, 3, b(1, 1)).is_ok());
        assert!(a.prepare(L, 3, b(1, 1)).is_ok(), "idempotent re-ack");
        assert!(
            a.accept(L, 3, b(4, 2), v(2), false).is_ok(),
            "accept without prepare"
        );
        assert_eq!(a.slot(L, 3).unwrap().promised, Some(b(4, 2)));
        assert_eq!(a.prepare(L, 3, b(3, 3)), Err(b(4, 2)));
    }

    #[test]
    fn atlasdb_acks_an_accept_without_state_but_keeps_only_the_promise() {
        // PaxosAcceptorImpl.accept, no state for the seq: newState(proposal.id), reply true.
        let mut a = Acceptor::default();
        assert_eq!(a.accept(L, 0, b(1, 1), v(1), true), Ok(()));
        let slot = a.slot(L, 0).unwrap();
        assert_eq!(slot.promised, Some(b(1, 1)));
        assert_eq!(slot.accepted, None, "the value is not stored");
        assert_eq!(
            a.prepare(L, 0, b(2, 2)),
            Ok(None),
            "a later proposer hears of no value"
        );
        // With state at that seq, AtlasDB stores the value like everyone else.
        assert_eq!(a.accept(L, 0, b(3, 3), v(3), true), Ok(()));
        assert_eq!(a.slot(L, 0).unwrap().accepted, Some((b(3, 3), v(3))));
        // The textbook acceptor records it even without state.
        let mut t = Acceptor::default();
        assert_eq!(t.accept(L, 0, b(1, 1), v(1), false), Ok(()));
        assert_eq!(t.slot(L, 0).unwrap().accepted, Some((b(1, 1), v(1))));
    }

    #[test]
    fn latest_sequence_is_per_log() {
        let mut a = Acceptor::default();
        assert_eq!(a.latest_seq(L), None);
        a.prepare(L, 4, b(1, 1)).unwrap();
        a.prepare(LogId::Timestamp, 9, b(1, 1)).unwrap();
        assert_eq!(a.latest_seq(L), Some(4));
        assert_eq!(a.latest_seq(LogId::Timestamp), Some(9));
        a.forget();
        assert_eq!(a.latest_seq(L), None);
    }

    #[test]
    fn the_inspector_sees_every_slot_of_each_log_and_only_that_log() {
        let mut a = Acceptor::default();
        a.prepare(L, 2, b(1, 1)).unwrap();
        a.accept(L, 5, b(3, 2), v(2), false).unwrap();
        a.prepare(LogId::Timestamp, 7, b(1, 1)).unwrap();
        let slots: Vec<(Seq, AcceptorSlot)> = a.slots(L).map(|(s, x)| (s, *x)).collect();
        assert_eq!(
            slots,
            vec![
                (
                    2,
                    AcceptorSlot {
                        promised: Some(b(1, 1)),
                        accepted: None
                    }
                ),
                (
                    5,
                    AcceptorSlot {
                        promised: Some(b(3, 2)),
                        accepted: Some((b(3, 2), v(2)))
                    }
                ),
            ]
        );
        assert_eq!(a.slots(LogId::Timestamp).count(), 1);
        assert_eq!(a.slot(LogId::Timestamp, 2), None);
    }

    #[test]
    fn a_later_accept_replaces_the_accepted_value_and_the_promise_follows_it() {
        let mut a = Acceptor::default();
        assert_eq!(a.accept(L, 0, b(1, 1), v(1), false), Ok(()));
        assert_eq!(a.accept(L, 0, b(2, 2), v(2), false), Ok(()));
        assert_eq!(a.slot(L, 0).unwrap().accepted, Some((b(2, 2), v(2))));
        // Re-accepting exactly the promised ballot is allowed (phase 2 after our own phase 1).
        assert_eq!(a.prepare(L, 0, b(3, 3)), Ok(Some((b(2, 2), v(2)))));
        assert_eq!(a.accept(L, 0, b(3, 3), v(2), true), Ok(()));
        assert_eq!(a.slot(L, 0).unwrap().accepted, Some((b(3, 3), v(2))));
    }
}

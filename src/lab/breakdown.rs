//! Break Paxos: the shape of a safety violation, ready to draw. The checker's [`Violation`]
//! names the rule, nodes, quorums and ranges; this adds what the record knows around it (the
//! promise an acceptor forgot, the crash in between) so the panel can draw the reason instead
//! of only stating it.

use crate::engine::{Address, Ballot, Incarnation, LogId, Msg, NodeId, NodeSet, Seq, Value};
use crate::sim::checker::{Invariant, QuorumVote, ServedRange, Violation};
use crate::sim::config::Time;
use crate::sim::history::{EventKind, History};
use crate::sim::run::Run;

/// One acknowledgement an acceptor sent: a Promise or an Accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ack {
    /// The ballot acknowledged.
    pub ballot: Ballot,
    /// When it was sent.
    pub t: Time,
    /// "promised" or "accepted".
    pub what: &'static str,
}

/// What to draw for a violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Breakdown {
    /// Agreement: two quorums over the row of nodes, and what they share.
    Quorums {
        /// Cluster size.
        nodes: u8,
        /// Where the two values were chosen.
        slot: (LogId, Seq),
        /// The quorum that chose first.
        first: QuorumVote,
        /// The quorum that chose a different value.
        second: QuorumVote,
        /// Nodes in both (empty: the quorums do not intersect).
        shared: NodeSet,
    },
    /// Learned = chosen, when nothing was chosen: the few acceptors that acked the learned
    /// value, against the majority it needed.
    Majority {
        /// Cluster size.
        nodes: u8,
        /// Where.
        slot: (LogId, Seq),
        /// Who learned it.
        learner: NodeId,
        /// The acceptors that acked the learned value (at its best ballot).
        acked: QuorumVote,
        /// What a majority chose there instead, if anything.
        chosen: Option<QuorumVote>,
        /// Acceptors a value needs to be chosen (n/2 + 1).
        majority: usize,
    },
    /// Promise kept: what the acceptor promised before its crash and what it acked after.
    Promise {
        /// The acceptor.
        acceptor: NodeId,
        /// Where.
        slot: (LogId, Seq),
        /// The highest ballot it acknowledged before restarting.
        before: Option<Ack>,
        /// When it crashed (the last crash before the violation).
        crash: Option<Time>,
        /// When it restarted, and as which incarnation.
        restart: Option<(Time, Incarnation)>,
        /// The acknowledgement below the old promise.
        after: Option<Ack>,
    },
    /// Timestamp invariants: the ranges in conflict on a number line.
    Ranges {
        /// Which rule.
        invariant: Invariant,
        /// The ranges, in the order the checker reports them (earlier first).
        ranges: Vec<ServedRange>,
        /// The agreed bound, for under-the-bound.
        bound: Option<u64>,
        /// Timestamps handed out twice, for unique-timestamps.
        overlap: Option<(u64, u64)>,
        /// The span of the number line to draw.
        span: (u64, u64),
    },
    /// Nothing more to draw than the checker's words.
    Text,
}

/// The violation at record index `index` of `run`, ready to draw.
pub fn of(run: &Run, index: usize, v: &Violation) -> Breakdown {
    match v.invariant {
        Invariant::Agreement => match (v.slot, v.quorums.as_slice()) {
            (Some(slot), [first, second, ..]) => Breakdown::Quorums {
                nodes: run.config().protocol.nodes,
                slot,
                first: *first,
                second: *second,
                shared: first.acceptors.intersection(second.acceptors),
            },
            _ => Breakdown::Text,
        },
        Invariant::LearnedChosen => {
            let nodes = run.config().protocol.nodes;
            let majority = usize::from(nodes) / 2 + 1;
            match (v.slot, v.nodes.first(), v.quorums.first()) {
                (Some(slot), Some(&learner), Some(&acked)) if acked.acceptors.len() < majority => {
                    Breakdown::Majority {
                        nodes,
                        slot,
                        learner,
                        acked,
                        chosen: v.quorums.get(1).copied(),
                        majority,
                    }
                }
                _ => Breakdown::Text,
            }
        }
        Invariant::PromiseKept => match (v.nodes.first(), v.slot) {
            (Some(&acceptor), Some(slot)) => promise(run.history(), index, acceptor, slot),
            _ => Breakdown::Text,
        },
        Invariant::UniqueTimestamps | Invariant::RealTimeOrder | Invariant::UnderBound
            if !v.ranges.is_empty() =>
        {
            let bound = v.quorums.first().and_then(|q| match q.value {
                Value::Bound { bound, .. } => Some(bound),
                Value::Leader(_) => None,
            });
            let overlap = match (v.invariant, v.ranges.as_slice()) {
                (Invariant::UniqueTimestamps, [a, b, ..]) => {
                    Some((a.first.max(b.first), a.last.min(b.last)))
                }
                _ => None,
            };
            let lo = v.ranges.iter().map(|r| r.first).min().unwrap_or(0);
            let hi = v
                .ranges
                .iter()
                .map(|r| r.last)
                .chain(bound)
                .max()
                .unwrap_or(lo);
            Breakdown::Ranges {
                invariant: v.invariant,
                ranges: v.ranges.clone(),
                bound,
                overlap,
                span: (lo.saturating_sub(1), hi + 1),
            }
        }
        _ => Breakdown::Text,
    }
}

/// Reads the acceptor's acknowledgements and restarts for one slot out of the record, up to
/// the end of the simulator step that found the violation.
fn promise(h: &History, index: usize, acceptor: NodeId, slot: (LogId, Seq)) -> Breakdown {
    let step = h.step_ends.partition_point(|&end| (end as usize) <= index);
    let end = h
        .step_ends
        .get(step)
        .map_or(h.events.len(), |&e| e as usize);
    let me = Address::Node(acceptor);
    let mut acks: Vec<(usize, Ack)> = Vec::new();
    let (mut crash, mut restart) = (None, None);
    for (i, e) in h.events.range(0..end).enumerate() {
        match e.kind {
            EventKind::Send(id) => {
                let Some(m) = h.messages.get(id as usize) else {
                    continue;
                };
                if m.from != me {
                    continue;
                }
                let ack = match m.msg {
                    Msg::Promise {
                        log, seq, ballot, ..
                    } if (log, seq) == slot => Some((ballot, "promised")),
                    Msg::Accepted {
                        log, seq, ballot, ..
                    } if (log, seq) == slot => Some((ballot, "accepted")),
                    _ => None,
                };
                if let Some((ballot, what)) = ack {
                    acks.push((
                        i,
                        Ack {
                            ballot,
                            t: e.t,
                            what,
                        },
                    ));
                }
            }
            EventKind::Crash(n) if n == acceptor && i <= index => crash = Some(e.t),
            EventKind::Restart(n, inc) if n == acceptor && i <= index => {
                restart = Some((i, e.t, inc))
            }
            _ => {}
        }
    }
    let (before, after) = match restart {
        Some((r, _, _)) => {
            let before = acks
                .iter()
                .filter(|(i, _)| *i < r)
                .map(|(_, a)| *a)
                .max_by_key(|a| a.ballot);
            let after = acks
                .iter()
                .filter(|(i, _)| *i > r)
                .map(|(_, a)| *a)
                .find(|a| before.is_some_and(|b| a.ballot < b.ballot));
            (before, after)
        }
        None => {
            // No restart: the first acknowledgement below an earlier one.
            let mut best: Option<Ack> = None;
            let mut broken = None;
            for &(_, a) in &acks {
                match best {
                    Some(b) if a.ballot < b.ballot => {
                        broken = Some(a);
                        break;
                    }
                    Some(b) if a.ballot <= b.ballot => {}
                    _ => best = Some(a),
                }
            }
            (best, broken)
        }
    };
    Breakdown::Promise {
        acceptor,
        slot,
        before,
        crash,
        restart: restart.map(|(_, t, inc)| (t, inc)),
        after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{scenario, MarkerKind};

    fn counterexample(bug: &str) -> (Run, usize, Breakdown) {
        let s = scenario::for_bug(bug).unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.run_until_marker(MarkerKind::Violation, s.duration);
        let (i, v) = run.history().first_violation().unwrap();
        let v = v.clone();
        let b = of(&run, i, &v);
        (run, i, b)
    }

    #[test]
    fn a_minority_quorum_is_drawn_against_the_majority_it_needed() {
        let (_, _, b) = counterexample("minority-quorum");
        let Breakdown::Majority {
            nodes,
            acked,
            majority,
            learner,
            ..
        } = b
        else {
            panic!("{b:?}")
        };
        assert_eq!((nodes, majority), (5, 3));
        assert_eq!(acked.acceptors.len(), 2);
        assert!(acked.acceptors.contains(learner) || acked.ballot.node == learner);
    }

    #[test]
    fn ignored_promises_share_a_node_that_knew_the_first_value() {
        let (_, _, b) = counterexample("ignore-promised-values");
        let Breakdown::Quorums { shared, .. } = b else {
            panic!("{b:?}")
        };
        assert!(!shared.is_empty());
    }

    #[test]
    fn a_forgotten_promise_is_found_before_the_crash_and_broken_after_it() {
        let (run, i, b) = counterexample("acceptor-forgets");
        let Breakdown::Promise {
            before,
            after,
            crash,
            restart,
            ..
        } = b
        else {
            panic!("{b:?}")
        };
        let (before, after) = (before.unwrap(), after.unwrap());
        assert!(after.ballot < before.ballot, "{before:?} {after:?}");
        let restart = restart.unwrap();
        assert!(before.t <= crash.unwrap() && crash.unwrap() <= restart.0);
        assert!(restart.0 <= after.t && restart.1 >= 1);
        // The ack below the old promise is the very one the checker caught.
        let (_, v) = run.history().first_violation().unwrap();
        assert_eq!((after.t, run.history().events[i].t), (v.t, v.t));
    }

    #[test]
    fn timestamp_violations_become_ranges_on_a_line() {
        let (_, _, b) = counterexample("skip-bound-recovery");
        let Breakdown::Ranges {
            invariant,
            overlap,
            span,
            ranges,
            ..
        } = b
        else {
            panic!("{b:?}")
        };
        assert_eq!(invariant, Invariant::UniqueTimestamps);
        let (lo, hi) = overlap.unwrap();
        assert!(lo <= hi && span.0 < lo && hi < span.1);
        assert_ne!(ranges[0].node, ranges[1].node);

        let (_, _, b) = counterexample("no-leadership-check");
        let Breakdown::Ranges {
            invariant,
            ranges,
            overlap,
            ..
        } = b
        else {
            panic!("{b:?}")
        };
        assert_eq!(invariant, Invariant::RealTimeOrder);
        assert!(overlap.is_none());
        assert!(
            ranges[1].first <= ranges[0].last,
            "the later one is smaller"
        );

        // Served before any bound was agreed: one range, and no fence under it.
        let (_, _, b) = counterexample("serve-past-bound");
        let Breakdown::Ranges {
            invariant,
            ranges,
            bound,
            ..
        } = b
        else {
            panic!("{b:?}")
        };
        assert_eq!(invariant, Invariant::UnderBound);
        assert_eq!((ranges.len(), bound), (1, None));
    }
}

//! A safety violation shaped for the picture: which nodes to ring and what to say.

use crate::engine::{LogId, NodeId, NodeSet, Seq};
use crate::sim::checker::{Invariant, QuorumVote, ServedRange, Violation};
use crate::sim::config::Time;
use crate::sim::run::Run;
use crate::sim::units;

/// The first safety violation, shaped for the cluster picture: which nodes to ring, which
/// quorums to outline, which ranges collided, and a few short lines saying why.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationView {
    /// The broken rule.
    pub invariant: Invariant,
    /// Log and sequence, for Paxos rules.
    pub slot: Option<(LogId, Seq)>,
    /// For agreement: the quorum behind the first value (A), then the second (B).
    pub quorums: Vec<QuorumVote>,
    /// For agreement: acceptors in both quorums (empty: the quorums do not intersect).
    pub shared: NodeSet,
    /// The node that broke the rule, when one did (the acceptor that forgot its promise).
    pub culprit: Option<NodeId>,
    /// Every node involved.
    pub nodes: Vec<NodeId>,
    /// For timestamp rules: the ranges in conflict, earlier first.
    pub ranges: Vec<ServedRange>,
    /// Caption, one short line each.
    pub lines: Vec<String>,
}

/// The run's first violation, once the cursor has passed it (None before, or if none).
pub fn violation(run: &Run) -> Option<ViolationView> {
    let (i, v) = run.history().first_violation()?;
    (i < run.cursor_event()).then(|| violation_view(v, run.config().protocol.nodes))
}

/// Shapes one violation of a cluster of `nodes` for drawing.
pub fn violation_view(v: &Violation, nodes: u8) -> ViolationView {
    let slot = v.slot.map(|(l, s)| crate::lab::explain::slot(l, s));
    let at = slot.as_deref().unwrap_or("");
    let majority = usize::from(nodes) / 2 + 1;
    let mut shared = NodeSet::default();
    let mut culprit = None;
    let mut lines = Vec::new();
    let range = |r: &ServedRange| {
        format!(
            "{} handed out {}–{} at {}",
            r.node,
            r.first,
            r.last,
            units::secs(r.t)
        )
    };
    match v.invariant {
        Invariant::Agreement if v.quorums.len() >= 2 => {
            let (a, b) = (v.quorums[0], v.quorums[1]);
            shared = a.acceptors.intersection(b.acceptors);
            lines.push(format!("The servers hold two different values at {at}."));
            for (name, q) in [("A", a), ("B", b)] {
                lines.push(format!(
                    "Quorum {name} {} accepted {} at ballot {}.",
                    q.acceptors,
                    crate::lab::explain::value(&q.value),
                    q.ballot
                ));
            }
            lines.push(if shared.is_empty() {
                format!(
                    "A and B share no acceptor, so nobody could tell B's proposer about A's value. \
                     Majorities ({majority} of {nodes}) always share one."
                )
            } else {
                format!(
                    "A and B share {shared}: it should have reported A's value in its promise to \
                     B's proposer."
                )
            });
        }
        Invariant::LearnedChosen
            if v.quorums
                .first()
                .is_some_and(|q| q.acceptors.len() < majority) =>
        {
            let q = v.quorums[0];
            culprit = v.nodes.first().copied();
            lines.push(format!(
                "{} learned a value no majority accepted at {at}.",
                culprit.map_or("A node".into(), |n| n.to_string())
            ));
            lines.push(format!(
                "Only {} accepted {} ({} of {nodes}); a majority is {majority}.",
                q.acceptors,
                crate::lab::explain::value(&q.value),
                q.acceptors.len()
            ));
            if let Some(c) = v.quorums.get(1) {
                lines.push(format!(
                    "The majority {} chose {} there.",
                    c.acceptors,
                    crate::lab::explain::value(&c.value)
                ));
            }
        }
        Invariant::PromiseKept | Invariant::LearnedChosen | Invariant::Nontriviality => {
            culprit = v.nodes.first().copied();
            lines.push(v.detail.clone());
        }
        Invariant::UniqueTimestamps if v.ranges.len() >= 2 => {
            let (p, r) = (v.ranges[0], v.ranges[1]);
            lines.push(format!("{}.", range(&p)));
            lines.push(format!("{}.", range(&r)));
            lines.push(format!(
                "Timestamps {}–{} were handed out twice.",
                p.first.max(r.first),
                p.last.min(r.last)
            ));
        }
        Invariant::RealTimeOrder if v.ranges.len() >= 2 => {
            let (p, r) = (v.ranges[0], v.ranges[1]);
            lines.push(format!(
                "A client received timestamp {} from {} at {}.",
                p.last,
                p.node,
                units::secs(p.t)
            ));
            lines.push(format!(
                "A request that started later got {}–{} from {}: time went backwards.",
                r.first, r.last, r.node
            ));
        }
        _ => lines.push(v.detail.clone()),
    }
    ViolationView {
        invariant: v.invariant,
        slot: v.slot,
        quorums: v.quorums.clone(),
        shared,
        culprit,
        nodes: v.nodes.clone(),
        ranges: v.ranges.clone(),
        lines,
    }
}

/// A duration in words for sentences: "300 ms", "1.5 s".
pub(super) fn span(t: Time) -> String {
    if t < 1_000_000 {
        format!("{} ms", units::short(i128::from(t), 3))
    } else {
        format!("{} s", units::short(i128::from(t / 1_000), 3))
    }
}

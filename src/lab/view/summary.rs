//! The cluster in a few numbers, for the inspector when nothing is selected.

use crate::engine::election::ElectionState;
use crate::engine::{Address, NodeId, Role, Seq};
use crate::sim::run::Run;

/// The whole cluster in a few numbers, for the inspector when nothing is selected.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterSummary {
    /// The node holding leadership with the highest round, and that round.
    pub leader: Option<(NodeId, Seq)>,
    /// Per node: role and greatest learned leadership round.
    pub nodes: Vec<(NodeId, Role, Option<Seq>)>,
    /// Leadership proposals started so far.
    pub elections: u64,
    /// Ballots pre-empted by a rival so far.
    pub preempted: u64,
    /// Whether a partition is in force.
    pub partitioned: bool,
}

/// How many messages are travelling at the cursor (local calls left out), to or from `node`
/// if given — counted without building their views.
pub fn in_flight_count(run: &Run, node: Option<NodeId>) -> usize {
    let w = run.world();
    let h = run.history();
    w.in_flight()
        .filter_map(|(_, id)| h.messages.get(id as usize))
        .filter(|m| m.from != m.to && m.sent <= w.now)
        .filter(|m| node.is_none_or(|n| m.from == Address::Node(n) || m.to == Address::Node(n)))
        .count()
}

/// The cluster summary at the cursor.
pub fn cluster_summary(run: &Run) -> ClusterSummary {
    let w = run.world();
    let nodes: Vec<_> = w
        .nodes
        .iter()
        .map(|n| (n.id, n.role(), n.believed_leader().map(|(s, _)| s)))
        .collect();
    let leader = w.leader().map(|l| {
        let seq = match w.nodes[l.index()].v.election {
            ElectionState::Leading { seq } => seq,
            _ => 0,
        };
        (l, seq)
    });
    ClusterSummary {
        leader,
        elections: w.stats.elections,
        preempted: w.stats.preempted_total(),
        partitioned: w.nodes.iter().any(|n| !w.connected(n.id, NodeId(1))),
        nodes,
    }
}

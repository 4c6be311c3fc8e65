//! The space-time diagram: message arrows, marks on each node's lane, and down time.

use crate::engine::{Address, NodeId};
use crate::sim::config::{SimConfig, Time};
use crate::sim::history::{EventKind, Fate, MarkerKind, MsgId};
use crate::sim::run::Run;

/// A message arrow for the space-time diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Message id.
    pub id: MsgId,
    /// Sender lane.
    pub from: Address,
    /// Receiver lane.
    pub to: Address,
    /// Send time.
    pub sent: Time,
    /// Arrival time (or drop time).
    pub arrive: Time,
    /// Type name.
    pub kind: &'static str,
    /// Ballot owner, for colour.
    pub owner: Option<NodeId>,
    /// How it ended (as known at the cursor: in flight if not yet).
    pub fate: Fate,
    /// A copy the network made (drawn dashed).
    pub dup: bool,
}

/// Messages sent in [from, to] (virtual µs) that are not local calls, up to the cursor.
pub fn arrows(run: &Run, from: Time, to: Time) -> Vec<Arrow> {
    let h = run.history();
    let now = run.now();
    let (a, b) = (
        h.first_message_at_or_after(from),
        h.first_message_at_or_after(to.min(now) + 1),
    );
    h.messages
        .range(a..b)
        .filter(|m| m.from != m.to && m.id < run.world().next_msg)
        .map(|m| Arrow {
            id: m.id,
            from: m.from,
            to: m.to,
            sent: m.sent,
            arrive: m.arrive,
            kind: m.msg.type_name(),
            owner: m.msg.ballot().map(|b| b.node),
            fate: if m.arrive > now {
                Fate::InFlight
            } else {
                m.fate
            },
            dup: m.dup_of.is_some(),
        })
        .collect()
}

/// How much virtual time the space-time diagram shows by default: fourteen of the slowest
/// message delays (about 2 s in the classroom preset, 70 ms on AtlasDB's datacenter network).
pub fn spacetime_window(cfg: &SimConfig) -> Time {
    (cfg.network.latency_max * 14).clamp(40_000, 5_000_000)
}

/// A mark on a node's lane (or across all lanes when `node` is None).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneMark {
    /// When.
    pub t: Time,
    /// The recorded event (to seek to it and describe it).
    pub event: usize,
    /// Which lane; None for cluster-wide events (partitions, violations).
    pub node: Option<NodeId>,
    /// What kind of mark.
    pub kind: MarkerKind,
}

/// Leader changes, proposals, crashes, restarts, interventions and violations from `from`
/// up to the cursor, for the space-time diagram's lanes.
pub fn lane_marks(run: &Run, from: Time) -> Vec<LaneMark> {
    let h = run.history();
    let end = run.cursor_event();
    let start = h.markers.partition_point(|m| m.t < from);
    h.markers[start..]
        .iter()
        .take_while(|m| m.event < end)
        .map(|m| {
            let node = match &h.events[m.event].kind {
                EventKind::Crash(node) | EventKind::Restart(node, _) => Some(*node),
                EventKind::Observed(Address::Node(node), _) => Some(*node),
                _ => None,
            };
            LaneMark {
                t: m.t,
                event: m.event,
                node,
                kind: m.kind,
            }
        })
        .collect()
}

/// The stretches of [from, cursor] during which each node was down, for dashed lanes.
pub fn down_intervals(run: &Run, from: Time) -> Vec<(NodeId, Time, Time)> {
    let w = run.world();
    let h = run.history();
    let end = run.cursor_event();
    let start = h.markers.partition_point(|m| m.t < from);
    let marks = &h.markers[start..];
    let mut out = Vec::new();
    for n in &w.nodes {
        let mut down_until = (!n.up).then_some(w.now);
        for m in marks.iter().rev().filter(|m| m.event < end) {
            match h.events[m.event].kind {
                EventKind::Restart(x, _) if x == n.id => down_until = Some(m.t),
                EventKind::Crash(x) if x == n.id => {
                    if let Some(until) = down_until.take() {
                        out.push((n.id, m.t, until));
                    }
                }
                _ => {}
            }
        }
        if let Some(until) = down_until {
            out.push((n.id, from, until));
        }
    }
    out
}

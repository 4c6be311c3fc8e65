//! What a run amounted to: leaders over time, messages, timestamps, bound extensions and the
//! invariant status — for the CLI (text or JSON) and for tests.

use std::fmt::Write;

use serde::{Serialize, Serializer};

use crate::engine::{Msg, NodeId, Seq};
use crate::sim::config::Time;
use crate::sim::history::History;
use crate::sim::run::Run;
use crate::sim::world::World;

/// A run's outcome in numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Seed.
    pub seed: u64,
    /// Cluster size.
    pub nodes: u8,
    /// Virtual time covered (µs).
    #[serde(rename = "duration_us")]
    pub duration: Time,
    /// Steps simulated.
    pub steps: u64,
    /// Every time a node became leader.
    pub leaders: Vec<LeaderChange>,
    /// When the first leader appeared.
    #[serde(rename = "first_leader_us")]
    pub first_leader_at: Option<Time>,
    /// Messages sent, by type (types never sent are left out); in JSON an object by type.
    #[serde(serialize_with = "by_type")]
    pub messages: Vec<(&'static str, u64)>,
    /// Messages dropped.
    pub dropped: u64,
    /// Leadership proposals started.
    pub elections: u64,
    /// Ballots pre-empted by a rival.
    pub preempted: u64,
    /// Client requests served.
    pub requests_served: u64,
    /// Timestamps handed out.
    pub timestamps_served: u64,
    /// Bound extensions chosen.
    pub bound_extensions: u64,
    /// Violations, in the order found.
    pub violations: Vec<ViolationNote>,
}

/// A node became leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderChange {
    /// When (µs).
    pub t: Time,
    /// Who.
    pub node: NodeId,
    /// The leadership round it won.
    pub seq: Seq,
}

/// A broken invariant, in a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViolationNote {
    /// When (µs).
    pub t: Time,
    /// Which invariant.
    pub invariant: &'static str,
    /// What happened.
    pub detail: String,
}

fn by_type<S: Serializer>(counts: &[(&'static str, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(counts.iter().copied())
}

impl Summary {
    /// Summarises a run at its cursor.
    pub fn of(run: &Run) -> Summary {
        Summary::from_parts(run.world(), run.history(), run.cursor_event())
    }

    /// Summarises a world and the first `upto` recorded events.
    pub fn from_parts(w: &World, h: &History, upto: usize) -> Summary {
        let leaders = h
            .events
            .range(0..upto)
            .filter_map(|e| {
                e.kind
                    .leader()
                    .map(|(node, seq)| LeaderChange { t: e.t, node, seq })
            })
            .collect();
        let s = &w.stats;
        Summary {
            seed: w.cfg.seed,
            nodes: w.cfg.protocol.nodes,
            duration: w.now,
            steps: w.steps,
            leaders,
            first_leader_at: s.first_leader_at,
            messages: Msg::TYPE_NAMES
                .iter()
                .zip(s.sent_by_type)
                .filter(|(_, c)| *c > 0)
                .map(|(n, c)| (*n, c))
                .collect(),
            dropped: s.dropped,
            elections: s.elections,
            preempted: s.preempted_total(),
            requests_served: s.requests_served,
            timestamps_served: s.timestamps_served,
            bound_extensions: s.bound_extensions,
            violations: w
                .checker
                .violations
                .iter()
                .map(|v| ViolationNote {
                    t: v.t,
                    invariant: v.invariant.name(),
                    detail: v.detail.clone(),
                })
                .collect(),
        }
    }

    /// Whether every invariant held.
    pub fn safe(&self) -> bool {
        self.violations.is_empty()
    }

    /// Human-readable report.
    pub fn text(&self) -> String {
        let ms = |t: Time| format!("{:.1} ms", t as f64 / 1_000.0);
        let mut o = String::new();
        let _ = writeln!(
            o,
            "seed {}, {} nodes, {} of virtual time, {} steps",
            self.seed,
            self.nodes,
            ms(self.duration),
            self.steps
        );
        match self.first_leader_at {
            Some(t) => {
                let _ = writeln!(o, "time to first leader: {}", ms(t));
            }
            None => {
                let _ = writeln!(o, "time to first leader: no leader was elected");
            }
        }
        let _ = writeln!(o, "leaders over time:");
        if self.leaders.is_empty() {
            let _ = writeln!(o, "  (none)");
        }
        for l in &self.leaders {
            let _ = writeln!(o, "  {:>12}  {} leads round {}", ms(l.t), l.node, l.seq);
        }
        let _ = writeln!(
            o,
            "leadership proposals: {}, ballots pre-empted: {}",
            self.elections, self.preempted
        );
        let total: u64 = self.messages.iter().map(|(_, c)| c).sum();
        let _ = writeln!(o, "messages: {total} sent, {} dropped", self.dropped);
        for (name, count) in &self.messages {
            let _ = writeln!(o, "  {name:<17}{count:>10}");
        }
        let _ = writeln!(
            o,
            "timestamps served: {} in {} requests; bound extensions: {}",
            self.timestamps_served, self.requests_served, self.bound_extensions
        );
        if self.safe() {
            let _ = writeln!(o, "invariants: all held");
        } else {
            let _ = writeln!(o, "invariants: {} VIOLATED", self.violations.len());
            for v in &self.violations {
                let _ = writeln!(o, "  {} {}: {}", ms(v.t), v.invariant, v.detail);
            }
        }
        o
    }

    /// One JSON object: the fields above, plus `"safe"`.
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("safe".into(), self.safe().into());
        }
        v
    }
}

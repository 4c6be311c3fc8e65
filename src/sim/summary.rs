//! What a run amounted to: leaders over time, messages, timestamps, bound extensions and the
//! invariant status — for the CLI (text or JSON) and for tests.

use std::fmt::Write;

use super::config::Time;
use super::history::{EventKind, History};
use super::json::{obj, Json};
use super::run::Run;
use super::world::World;
use crate::engine::{Msg, NodeId, Seq};

/// A run's outcome in numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Seed.
    pub seed: u64,
    /// Cluster size.
    pub nodes: u8,
    /// Virtual time covered (µs).
    pub duration: Time,
    /// Steps simulated.
    pub steps: u64,
    /// Every time a node became leader: (time, node, round).
    pub leaders: Vec<(Time, NodeId, Seq)>,
    /// When the first leader appeared.
    pub first_leader_at: Option<Time>,
    /// Messages sent, by type (types never sent are left out).
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
    /// Violations: (time, invariant, detail).
    pub violations: Vec<(Time, &'static str, String)>,
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
            .filter_map(|e| match e.kind {
                EventKind::Leader { node, seq } => Some((e.t, node, seq)),
                _ => None,
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
                .map(|v| (v.t, v.invariant.name(), v.detail.clone()))
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
        for (t, n, seq) in &self.leaders {
            let _ = writeln!(o, "  {:>12}  {n} leads round {seq}", ms(*t));
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
            for (t, inv, detail) in &self.violations {
                let _ = writeln!(o, "  {} {inv}: {detail}", ms(*t));
            }
        }
        o
    }

    /// One JSON object.
    pub fn json(&self) -> Json {
        obj([
            ("seed", self.seed.into()),
            ("nodes", self.nodes.into()),
            ("duration_us", self.duration.into()),
            ("steps", self.steps.into()),
            ("first_leader_us", self.first_leader_at.into()),
            (
                "leaders",
                Json::Arr(
                    self.leaders
                        .iter()
                        .map(|(t, n, s)| {
                            obj([
                                ("t", (*t).into()),
                                ("node", n.0.into()),
                                ("seq", (*s).into()),
                            ])
                        })
                        .collect(),
                ),
            ),
            (
                "messages",
                Json::Obj(
                    self.messages
                        .iter()
                        .map(|(n, c)| (n.to_string(), (*c).into()))
                        .collect(),
                ),
            ),
            ("dropped", self.dropped.into()),
            ("elections", self.elections.into()),
            ("preempted", self.preempted.into()),
            ("requests_served", self.requests_served.into()),
            ("timestamps_served", self.timestamps_served.into()),
            ("bound_extensions", self.bound_extensions.into()),
            ("safe", self.safe().into()),
            (
                "violations",
                Json::Arr(
                    self.violations
                        .iter()
                        .map(|(t, i, d)| {
                            obj([
                                ("t", (*t).into()),
                                ("invariant", (*i).into()),
                                ("detail", d.as_str().into()),
                            ])
                        })
                        .collect(),
                ),
            ),
        ])
    }
}

//! The timestamp number line: agreed bounds, served ranges, skipped stretches and the broken
//! axis that keeps a long run readable.

use super::*;
use crate::engine::{LogId, NodeId, Seq, Value};
use crate::sim::checker::{Invariant, ServedRange};
use crate::sim::run::Run;

/// One chosen bound on the number line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundMark {
    /// Timestamp-log sequence.
    pub seq: Seq,
    /// The bound.
    pub bound: u64,
    /// The leader whose store proposed it.
    pub owner: NodeId,
}

/// Everything the timestamp number line draws.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberLine {
    /// Bounds chosen by Paxos, by sequence.
    pub bounds: Vec<BoundMark>,
    /// Ranges handed out (adjacent ranges of one leader merged), in timestamp order.
    pub served: Vec<ServedRange>,
    /// The current leader's counter and limit, if it serves.
    pub leader: Option<(NodeId, u64, u64)>,
    /// Highest timestamp anybody handed out.
    pub max_served: u64,
    /// Reserved timestamps nobody will ever hand out (a new leader started above them).
    pub skipped: Vec<Skipped>,
    /// Reserved by the highest agreed bound and not handed out yet: the serving leader's
    /// headroom — or, while no leader serves, what the next leader will skip.
    pub pending: Option<Skipped>,
    /// Ranges named by a timestamp violation (given twice, or going backwards), each once,
    /// for red marks.
    pub conflicts: Vec<Conflict>,
}

/// Timestamps reserved under one agreed bound that were never handed out and never will be:
/// a later leader (or store) started counting above them. This gap is the price of never
/// going backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// First skipped timestamp.
    pub first: u64,
    /// Last skipped timestamp.
    pub last: u64,
    /// The timestamp-log sequence whose bound reserved them (None above every bound).
    pub seq: Option<Seq>,
    /// The leader whose store reserved them.
    pub owner: Option<NodeId>,
}

/// A served range that a timestamp invariant names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Which rule it broke.
    pub invariant: Invariant,
    /// The range.
    pub range: ServedRange,
}

/// Gaps below the highest timestamp that is "used up" (handed out, or passed by a leader's
/// counter), split at the bound fences so each gap names the store that reserved it.
/// `served` is in timestamp order and `bounds` in sequence order (as [`number_line`] has them).
pub(super) fn skipped(
    bounds: &[BoundMark],
    served: &[ServedRange],
    counter: Option<u64>,
) -> Vec<Skipped> {
    let mut out = Vec::new();
    let mut gap = |a: u64, b: u64| {
        let mut lo = 0u64;
        let fences = bounds
            .iter()
            .map(|f| (f.bound, Some(f.seq), Some(f.owner)))
            .chain(std::iter::once((u64::MAX, None, None)));
        for (hi, seq, owner) in fences {
            if hi <= lo {
                continue; // out of order (only with an injected bug): not a fence
            }
            let (from, to) = (a.max(lo + 1), b.min(hi));
            if from <= to {
                out.push(Skipped {
                    first: from,
                    last: to,
                    seq,
                    owner,
                });
            }
            lo = hi;
            if lo >= b {
                break;
            }
        }
    };
    let mut covered = 0u64;
    for r in served {
        if r.first > covered + 1 {
            gap(covered + 1, r.first - 1);
        }
        covered = covered.max(r.last);
    }
    // A leader's counter at c means everything up to c is behind it (c itself included).
    if let Some(c) = counter.filter(|&c| c > covered) {
        gap(covered + 1, c);
    }
    out
}

/// The timestamp number line at the cursor.
pub fn number_line(run: &Run) -> NumberLine {
    let w = run.world();
    let bounds: Vec<BoundMark> = (0..=w.checker.greatest_seq(LogId::Timestamp).unwrap_or(0))
        .filter_map(|s| {
            w.checker
                .chosen(LogId::Timestamp, s)
                .and_then(|c| match c.value {
                    Value::Bound { bound, owner } => Some(BoundMark {
                        seq: s,
                        bound,
                        owner: owner.leader.node,
                    }),
                    Value::Leader(_) => None,
                })
        })
        .collect();
    let served: Vec<ServedRange> = w.checker.served_ranges().copied().collect();
    let leader = nodes(run)
        .into_iter()
        .find_map(|n| n.timestamps.map(|(c, l)| (n.id, c, l)));
    let conflicts = w
        .checker
        .violations
        .iter()
        .filter(|v| {
            matches!(
                v.invariant,
                Invariant::UniqueTimestamps | Invariant::RealTimeOrder | Invariant::UnderBound
            )
        })
        .flat_map(|v| {
            v.ranges.iter().map(|&range| Conflict {
                invariant: v.invariant,
                range,
            })
        })
        .fold(Vec::<Conflict>::new(), |mut all, c| {
            // One mark per range, even when two rules name it.
            let same = |o: &Conflict| (o.range.node, o.range.first, o.range.last);
            if !all.iter().any(|o| same(o) == same(&c)) {
                all.push(c);
            }
            all
        });
    let max_served = served.iter().map(|r| r.last).max().unwrap_or(0);
    let used = max_served.max(leader.map_or(0, |l| l.1));
    let pending = bounds
        .iter()
        .max_by_key(|b| b.bound)
        .filter(|b| b.bound > used)
        .map(|b| Skipped {
            first: used + 1,
            last: b.bound,
            seq: Some(b.seq),
            owner: Some(b.owner),
        });
    NumberLine {
        skipped: skipped(&bounds, &served, leader.map(|l| l.1)),
        pending,
        bounds,
        max_served,
        served,
        leader,
        conflicts,
    }
}

/// One stretch of the number line's broken axis: the timestamps one agreed bound reserved
/// (or several quiet ones folded together). Every band is drawn the same size, so a buffer
/// of 100 and one of 1,000,000 both read well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// Exclusive lower end (the previous fence).
    pub lo: u64,
    /// Inclusive upper end (this band's fence).
    pub hi: u64,
    /// The timestamp-log sequences folded into this band (None above every bound).
    pub seqs: Option<(Seq, Seq)>,
    /// The store owner, when every folded bound has the same one.
    pub owner: Option<NodeId>,
}

impl Band {
    /// Whether several bounds were folded into this band.
    pub fn folded(&self) -> bool {
        self.seqs.is_some_and(|(a, b)| a != b)
    }
}

/// The bands of the broken axis: one per agreed bound (in sequence order; a bound not above
/// the previous one, possible only with an injected bug, gets no band), except that runs of uneventful bounds
/// outside the last `keep` are folded, and the oldest are folded further until at most
/// `max` bands remain. A band is eventful when it holds a skipped or conflicting range or
/// its owner differs from the previous band's.
pub fn bands(nl: &NumberLine, keep: usize, max: usize) -> Vec<Band> {
    let mut raw: Vec<Band> = Vec::with_capacity(nl.bounds.len() + 1);
    let mut lo = 0u64;
    for m in &nl.bounds {
        if m.bound > lo {
            raw.push(Band {
                lo,
                hi: m.bound,
                seqs: Some((m.seq, m.seq)),
                owner: Some(m.owner),
            });
            lo = m.bound;
        }
    }
    let top = nl
        .max_served
        .max(nl.leader.map_or(0, |l| l.1))
        .max(nl.conflicts.iter().map(|c| c.range.last).max().unwrap_or(0));
    if top > lo {
        raw.push(Band {
            lo,
            hi: top,
            seqs: None,
            owner: None,
        });
    }
    let n = raw.len();
    let eventful = |i: usize, b: &Band| {
        i + keep >= n
            || (i > 0 && raw[i - 1].owner != b.owner)
            || nl.skipped.iter().any(|s| s.first <= b.hi && s.last > b.lo)
            || nl
                .conflicts
                .iter()
                .any(|c| c.range.first <= b.hi && c.range.last > b.lo)
    };
    let mut out: Vec<Band> = Vec::new();
    let mut quiet_run = 0usize;
    for (i, b) in raw.iter().enumerate() {
        let quiet = !eventful(i, b);
        match out.last_mut() {
            Some(prev) if quiet && quiet_run > 0 => fold(prev, b),
            _ => out.push(*b),
        }
        quiet_run = if quiet { quiet_run + 1 } else { 0 };
    }
    while out.len() > max.max(2) {
        let second = out.remove(1);
        fold(&mut out[0], &second);
    }
    out
}

fn fold(into: &mut Band, next: &Band) {
    into.hi = next.hi;
    into.seqs = match (into.seqs, next.seqs) {
        (Some((a, _)), Some((_, b))) => Some((a, b)),
        (a, None) => a,
        (None, b) => b,
    };
    if into.owner != next.owner {
        into.owner = None;
    }
}

/// Where timestamp `v` sits on the broken axis, in band heights from the top (0 at the
/// start, `bands.len()` at the end). Timestamp t occupies (t−1, t], so a range [a, b] spans
/// `position(a − 1)` to `position(b)`.
pub fn position(bands: &[Band], v: u64) -> f64 {
    let i = bands.partition_point(|b| b.hi < v);
    match bands.get(i) {
        None => bands.len() as f64,
        Some(b) if v <= b.lo => i as f64,
        Some(b) => i as f64 + (v - b.lo) as f64 / (b.hi - b.lo) as f64,
    }
}

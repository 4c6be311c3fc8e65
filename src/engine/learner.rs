//! The learner: what a node knows was chosen.
//!
//! Values arrive by the proposer's Learn broadcast (unreliable) or by pulling from peers
//! (catch-up). Like AtlasDB's learner log, this state is durable.

use super::seqlog::SeqLog;
use super::types::{LogId, Seq, Value};

/// The learner role of one node, for both logs.
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct Learner {
    logs: [SeqLog<Value>; 2],
}

impl Learner {
    /// Records a value; returns true if it was not already known at that sequence.
    /// (AtlasDB overwrites without a conflict check; a conflicting value is recorded so the
    /// safety checker can see it.)
    pub fn learn(&mut self, log: LogId, seq: Seq, value: Value) -> bool {
        let old = self.logs[log.index()].insert(seq, value);
        old != Some(value)
    }

    /// The value learned at one sequence.
    pub fn get(&self, log: LogId, seq: Seq) -> Option<Value> {
        self.logs[log.index()].get(seq).copied()
    }

    /// The highest learned sequence and its value: the leadership log's tells who leads.
    pub fn greatest(&self, log: LogId) -> Option<(Seq, Value)> {
        self.logs[log.index()].greatest().map(|(s, v)| (s, *v))
    }

    /// Everything learned from `seq` on (catch-up replies).
    pub fn since(&self, log: LogId, seq: Seq) -> Vec<(Seq, Value)> {
        self.logs[log.index()]
            .iter_from(seq)
            .map(|(s, v)| (s, *v))
            .collect()
    }

    /// All learned values of a log, for the inspector.
    pub fn values(&self, log: LogId) -> impl Iterator<Item = (Seq, &Value)> + '_ {
        self.logs[log.index()].iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::types::{LeaderId, NodeId};

    #[test]
    fn greatest_and_since_follow_sequence_order() {
        let v = |n| {
            Value::Leader(LeaderId {
                node: NodeId(n),
                incarnation: 0,
            })
        };
        let mut l = Learner::default();
        assert!(l.learn(LogId::Leadership, 2, v(2)));
        assert!(l.learn(LogId::Leadership, 0, v(1)));
        assert!(!l.learn(LogId::Leadership, 0, v(1)), "already known");
        assert_eq!(l.greatest(LogId::Leadership), Some((2, v(2))));
        assert_eq!(l.since(LogId::Leadership, 1), vec![(2, v(2))]);
        assert_eq!(l.greatest(LogId::Timestamp), None);
    }

    #[test]
    fn values_are_read_back_per_log_and_a_new_value_overwrites() {
        let v = |n| {
            Value::Leader(LeaderId {
                node: NodeId(n),
                incarnation: 0,
            })
        };
        let mut l = Learner::default();
        assert_eq!(l.get(LogId::Leadership, 0), None);
        assert!(l.learn(LogId::Leadership, 0, v(1)));
        assert!(l.learn(LogId::Timestamp, 3, v(3)));
        assert_eq!(l.get(LogId::Leadership, 0), Some(v(1)));
        assert_eq!(l.get(LogId::Timestamp, 0), None, "per log");
        assert_eq!(l.get(LogId::Timestamp, 3), Some(v(3)));
        let all: Vec<(Seq, Value)> = l.values(LogId::Leadership).map(|(s, x)| (s, *x)).collect();
        assert_eq!(all, vec![(0, v(1))]);
        // AtlasDB overwrites without a conflict check; the new value counts as news.
        assert!(l.learn(LogId::Leadership, 0, v(2)));
        assert_eq!(l.get(LogId::Leadership, 0), Some(v(2)));
        assert_eq!(l.since(LogId::Leadership, 0), vec![(0, v(2))]);
        assert_eq!(l.since(LogId::Leadership, 1), vec![]);
    }
}

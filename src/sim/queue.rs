//! The event queue: ordered by (time, insertion counter), so events at the same virtual
//! instant run in the order they were scheduled — deterministically, on every platform.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::config::Time;
use super::history::{DropReason, MsgId};
use crate::engine::{Address, Msg, TimerKind};

/// Something scheduled to happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheduled {
    /// A process starts.
    Boot(Address),
    /// A message arrives (unless dropped on arrival).
    Deliver {
        /// Message id.
        id: MsgId,
        /// Sender.
        from: Address,
        /// Receiver.
        to: Address,
        /// Payload.
        msg: Msg,
    },
    /// A message vanishes (its loss was decided when it was sent).
    Vanish {
        /// Message id.
        id: MsgId,
        /// Why.
        reason: DropReason,
    },
    /// A timer fires, if it is still the current arming (`generation`).
    Timer {
        /// Owner.
        owner: Address,
        /// Which timer.
        kind: TimerKind,
        /// Arming it belongs to.
        generation: u32,
    },
}

/// Heap entries stay small (the payload lives in a slab) so sifting is cheap.
#[derive(Clone, Copy, Debug)]
struct Entry {
    t: Time,
    order: u64,
    slot: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.t == other.t && self.order == other.order
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap, we want the earliest first.
        (other.t, other.order).cmp(&(self.t, self.order))
    }
}

/// A min-queue of scheduled events.
#[derive(Clone, Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    slab: Vec<Scheduled>,
    free: Vec<u32>,
    next_order: u64,
}

const VACANT: Scheduled = Scheduled::Vanish {
    id: u64::MAX,
    reason: DropReason::Lost,
};

impl EventQueue {
    /// Schedules `what` at `t`.
    pub fn push(&mut self, t: Time, what: Scheduled) {
        let order = self.next_order;
        self.next_order += 1;
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = what;
                s
            }
            None => {
                self.slab.push(what);
                u32::try_from(self.slab.len() - 1).expect("fewer than 4 billion pending events")
            }
        };
        self.heap.push(Entry { t, order, slot });
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| e.t)
    }

    /// The earliest event.
    pub fn peek(&self) -> Option<(Time, &Scheduled)> {
        self.heap.peek().map(|e| (e.t, &self.slab[e.slot as usize]))
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<(Time, Scheduled)> {
        let e = self.heap.pop()?;
        self.free.push(e.slot);
        Some((
            e.t,
            std::mem::replace(&mut self.slab[e.slot as usize], VACANT),
        ))
    }

    /// Everything scheduled, in no particular order (for drawing in-flight messages).
    pub fn iter(&self) -> impl Iterator<Item = (Time, &Scheduled)> + '_ {
        self.heap.iter().map(|e| (e.t, &self.slab[e.slot as usize]))
    }

    /// Removes and returns the earliest event (by time, then insertion) that `pred` accepts:
    /// a scripted run picks the message or timer a model checker's counterexample names, in
    /// whatever order it names them. O(n), fine for the few events such a run holds.
    pub fn take_first(
        &mut self,
        mut pred: impl FnMut(&Scheduled) -> bool,
    ) -> Option<(Time, Scheduled)> {
        let e = *self
            .heap
            .iter()
            .filter(|e| pred(&self.slab[e.slot as usize]))
            .max()?;
        self.heap.retain(|x| x.slot != e.slot);
        self.free.push(e.slot);
        Some((
            e.t,
            std::mem::replace(&mut self.slab[e.slot as usize], VACANT),
        ))
    }

    /// Number of scheduled events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NodeId;

    #[test]
    fn earliest_first_then_insertion_order() {
        let mut q = EventQueue::default();
        let boot = |n| Scheduled::Boot(Address::Node(NodeId(n)));
        q.push(5, boot(1));
        q.push(3, boot(2));
        q.push(5, boot(3));
        q.push(3, boot(4));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![(3, boot(2)), (3, boot(4)), (5, boot(1)), (5, boot(3))]
        );
    }
}

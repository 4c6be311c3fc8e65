//! The record of a run: every message ever sent and every event, in order.
//!
//! The record is append-only and is written only the first time a stretch of the run is
//! computed; replaying from a checkpoint after a rewind uses [`NoRecord`] and reads the same
//! record back. Acting in the past truncates it (a fork).

use std::rc::Rc;

use serde::Serialize;

use super::checker::Violation;
use super::config::Time;
use super::intervention::Action;
use crate::engine::{Address, Incarnation, LogId, Msg, NodeId, Observation, Seq, TimerKind};

/// Stable message identity, in send order (duplicates get their own id).
pub type MsgId = u64;

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// Random loss.
    Lost,
    /// Sender and receiver were in different partition groups when it arrived.
    Partitioned,
    /// The receiver was down.
    ReceiverDown,
    /// A person dropped it.
    ByUser,
    /// A link filter matched it.
    Filtered,
}

impl DropReason {
    /// Name in traces.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partitioned => "partitioned",
            DropReason::ReceiverDown => "receiver-down",
            DropReason::ByUser => "by-user",
            DropReason::Filtered => "filtered",
        }
    }
}

/// How a message ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    /// Still travelling (at the end of the record).
    InFlight,
    /// Arrived.
    Delivered,
    /// Did not arrive.
    Dropped(DropReason),
}

/// One message as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// Identity.
    pub id: MsgId,
    /// Sender.
    pub from: Address,
    /// Receiver.
    pub to: Address,
    /// Send time.
    pub sent: Time,
    /// Arrival (or, for a lost message, the moment it vanishes).
    pub arrive: Time,
    /// Payload.
    pub msg: Msg,
    /// For a duplicate: the original.
    pub dup_of: Option<MsgId>,
    /// How it ended.
    pub fate: Fate,
}

/// What happened at one moment. Frequent events are stored inline; what a process reported
/// about itself is the engine's own [`Observation`], boxed — one vocabulary from the engine to
/// the trace, the explanations and the tours — which keeps the record at 32 bytes per event.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A message left its sender.
    Send(MsgId),
    /// A message arrived.
    Deliver(MsgId),
    /// A message was dropped.
    Drop(MsgId, DropReason),
    /// A process started (at time 0, or a client created by an intervention).
    Boot(Address),
    /// A named timer fired.
    Timer(Address, TimerKind),
    /// A node crashed (intervention).
    Crash(NodeId),
    /// A node restarted as `incarnation`.
    Restart(NodeId, Incarnation),
    /// The safety checker found a violation.
    Violation(Rc<Violation>),
    /// What a node or client reported about itself (learned, proposed, served, became
    /// leader, …).
    Observed(Address, Box<Observation>),
    /// An intervention other than crash/restart took effect.
    Intervene(Box<Action>),
}

impl EventKind {
    /// The timeline marker this event makes, if any.
    pub fn marker(&self) -> Option<MarkerKind> {
        match self {
            EventKind::Crash(_) | EventKind::Restart(..) | EventKind::Intervene(_) => {
                Some(MarkerKind::Intervention)
            }
            EventKind::Violation(_) => Some(MarkerKind::Violation),
            EventKind::Observed(_, o) => match **o {
                Observation::BecameLeader { .. } => Some(MarkerKind::LeaderChange),
                Observation::Proposing {
                    log: LogId::Leadership,
                    ..
                } => Some(MarkerKind::Election),
                Observation::BoundExtended { .. } | Observation::BoundRecovered { .. } => {
                    Some(MarkerKind::BoundExtension)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// What a process reported, and which process, if this is a report.
    pub fn observed(&self) -> Option<(Address, &Observation)> {
        match self {
            EventKind::Observed(a, o) => Some((*a, o)),
            _ => None,
        }
    }

    /// What a node reported, and which node, if this is a node's report.
    pub fn at_node(&self) -> Option<(NodeId, &Observation)> {
        match self {
            EventKind::Observed(Address::Node(n), o) => Some((*n, o)),
            _ => None,
        }
    }

    /// A node passed the leadership check for round `seq`: (node, seq).
    pub fn leader(&self) -> Option<(NodeId, Seq)> {
        match self.at_node() {
            Some((n, &Observation::BecameLeader { seq })) => Some((n, seq)),
            _ => None,
        }
    }
}

/// One entry of the record.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// When.
    pub t: Time,
    /// What.
    pub kind: EventKind,
}

/// A point of interest for the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A leadership proposal began.
    Election,
    /// A node became leader.
    LeaderChange,
    /// The bound was extended or recovered.
    BoundExtension,
    /// An intervention.
    Intervention,
    /// A safety violation.
    Violation,
}

/// A timeline marker: kind, time, and the record index it points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Kind.
    pub kind: MarkerKind,
    /// Time.
    pub t: Time,
    /// Index into [`History::events`].
    pub event: usize,
}

/// Where the simulator writes what happens.
pub trait Recorder {
    /// Whether anything is kept (lets callers skip building records).
    const RECORDS: bool;
    /// An event happened.
    fn event(&mut self, t: Time, kind: EventKind);
    /// A message was sent.
    fn message(&mut self, m: MessageRecord);
    /// A message's fate became known.
    fn resolve(&mut self, id: MsgId, fate: Fate);
    /// One simulator step finished.
    fn end_step(&mut self);
}

/// Replay mode: the record already holds all of this.
pub struct NoRecord;

impl Recorder for NoRecord {
    const RECORDS: bool = false;
    #[inline]
    fn event(&mut self, _: Time, _: EventKind) {}
    #[inline]
    fn message(&mut self, _: MessageRecord) {}
    #[inline]
    fn resolve(&mut self, _: MsgId, _: Fate) {}
    #[inline]
    fn end_step(&mut self) {}
}

/// An append-only sequence stored in fixed-size chunks: growing never copies or frees what
/// is already stored (a plain `Vec` doubling a 100 MB record would), which keeps recording
/// fast.
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

const CHUNK_BITS: u32 = 14;
const CHUNK_LEN: usize = 1 << CHUNK_BITS;

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    /// Appends.
    pub fn push(&mut self, v: T) {
        if self.chunks.len() * CHUNK_LEN == self.len {
            self.chunks.push(Vec::with_capacity(CHUNK_LEN));
        }
        self.chunks[self.len >> CHUNK_BITS].push(v);
        self.len += 1;
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Item `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> CHUNK_BITS)?.get(i & (CHUNK_LEN - 1))
    }

    /// Item `i`, mutably.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(i >> CHUNK_BITS)?
            .get_mut(i & (CHUNK_LEN - 1))
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// Items in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }

    /// Items `range`, in order.
    pub fn range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &T> + '_ {
        let end = range.end.min(self.len);
        (range.start..end).map(move |i| &self[i])
    }

    /// Keeps the first `n` items.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        let keep_chunks = n.div_ceil(CHUNK_LEN);
        self.chunks.truncate(keep_chunks);
        if let Some(last) = self.chunks.last_mut() {
            last.truncate(n - (keep_chunks - 1) * CHUNK_LEN);
        }
        self.len = n;
    }

    /// The first index whose item does not satisfy `pred` (items must be partitioned).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        self.get(i).expect("index within the record")
    }
}

/// The record itself.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Events in order.
    pub events: Chunked<TraceEvent>,
    /// Messages by id.
    pub messages: Chunked<MessageRecord>,
    /// Timeline markers in order.
    pub markers: Vec<Marker>,
    /// `step_ends[i]` = number of events after simulator step i+1.
    pub step_ends: Vec<u32>,
}

impl Recorder for History {
    const RECORDS: bool = true;

    fn event(&mut self, t: Time, kind: EventKind) {
        let marker = kind.marker();
        if let Some(kind) = marker {
            self.markers.push(Marker {
                kind,
                t,
                event: self.events.len(),
            });
        }
        self.events.push(TraceEvent { t, kind });
    }

    fn message(&mut self, m: MessageRecord) {
        debug_assert_eq!(
            m.id as usize,
            self.messages.len(),
            "messages recorded in id order"
        );
        self.messages.push(m);
    }

    fn resolve(&mut self, id: MsgId, fate: Fate) {
        if let Some(m) = self.messages.get_mut(id as usize) {
            m.fate = fate;
        }
    }

    fn end_step(&mut self) {
        self.step_ends
            .push(u32::try_from(self.events.len()).expect("fewer than 4 billion events"));
    }
}

impl History {
    /// Number of events recorded up to and including simulator step `steps`.
    pub fn events_after_steps(&self, steps: u64) -> usize {
        if steps == 0 {
            0
        } else {
            self.step_ends
                .get(steps as usize - 1)
                .map_or(self.events.len(), |&e| e as usize)
        }
    }

    /// Forgets everything after simulator step `steps` and message `next_msg` (a fork).
    /// `in_flight` lists messages still travelling at that point: their fate is unknown again.
    pub fn truncate(
        &mut self,
        steps: u64,
        next_msg: MsgId,
        in_flight: impl Iterator<Item = MsgId>,
    ) {
        let keep = self.events_after_steps(steps);
        self.events.truncate(keep);
        self.step_ends.truncate(steps as usize);
        self.markers.retain(|m| m.event < keep);
        self.messages.truncate(next_msg as usize);
        for id in in_flight {
            self.resolve(id, Fate::InFlight);
        }
    }

    /// The first violation recorded, with its event index.
    pub fn first_violation(&self) -> Option<(usize, &Rc<Violation>)> {
        self.markers
            .iter()
            .find(|m| m.kind == MarkerKind::Violation)
            .and_then(|m| match &self.events[m.event].kind {
                EventKind::Violation(v) => Some((m.event, v)),
                _ => None,
            })
    }

    /// Index of the first event at or after time `t`.
    pub fn first_event_at_or_after(&self, t: Time) -> usize {
        self.events.partition_point(|e| e.t < t)
    }

    /// Index of the first message sent at or after time `t`.
    pub fn first_message_at_or_after(&self, t: Time) -> usize {
        self.messages.partition_point(|m| m.sent < t)
    }
}

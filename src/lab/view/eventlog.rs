//! The event log: a filter and pages of rows, scanned backwards from the cursor.

use crate::engine::{Address, NodeId, Observation};
use crate::sim::history::{EventKind, History, MessageRecord};
use crate::sim::run::Run;

/// A filter for the event log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events involving this node.
    pub node: Option<NodeId>,
    /// Only messages of these types (empty: all); non-message events always pass.
    pub types: Vec<&'static str>,
    /// Hide message sends (show arrivals and drops only).
    pub hide_sends: bool,
    /// Hide timer firings.
    pub hide_timers: bool,
}

impl LogFilter {
    /// Whether event `e` passes.
    pub fn accepts(&self, e: &EventKind, h: &History) -> bool {
        let msg = match e {
            EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => {
                h.messages.get(*id as usize)
            }
            _ => None,
        };
        if self.hide_sends && matches!(e, EventKind::Send(_)) {
            return false;
        }
        if self.hide_timers && matches!(e, EventKind::Timer(..)) {
            return false;
        }
        if let Some(m) = msg {
            if !self.types.is_empty() && !self.types.contains(&m.msg.type_name()) {
                return false;
            }
        }
        match self.node {
            None => true,
            Some(n) => involves(e, msg, n),
        }
    }
}

fn involves(e: &EventKind, msg: Option<&MessageRecord>, n: NodeId) -> bool {
    let a = Address::Node(n);
    if let Some(m) = msg {
        return m.from == a || m.to == a;
    }
    match e {
        EventKind::Boot(x) | EventKind::Timer(x, _) => *x == a,
        EventKind::Crash(x) | EventKind::Restart(x, _) => *x == n,
        EventKind::Violation(v) => v.nodes.contains(&n),
        EventKind::Observed(at, o) => match (*at, &**o) {
            (Address::Node(x), _) => x == n,
            // A grant concerns the server that made it.
            (_, Observation::ClientGranted { from, .. }) => *from == a,
            (_, Observation::ClientLocked { token, .. }) => token.leader.node == n,
            // A client's wish names no node.
            _ => false,
        },
        // What you did concerns everyone.
        EventKind::Intervene(_) => true,
        _ => false,
    }
}

/// A page of the event log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    /// Indices of the events shown, oldest first.
    pub rows: Vec<usize>,
    /// Earlier events exist that were not looked at (offer "show earlier").
    pub more: bool,
}

/// Like [`log_rows`], but looks at no more than `max_scan` events, so a filter that matches
/// rarely cannot make a long run's log slow.
pub fn log_page(run: &Run, filter: &LogFilter, limit: usize, max_scan: usize) -> LogPage {
    let h = run.history();
    let end = run.cursor_event();
    let stop = end.saturating_sub(max_scan);
    let mut rows = Vec::with_capacity(limit.min(1024));
    let mut i = end;
    while i > stop && rows.len() < limit {
        i -= 1;
        if filter.accepts(&h.events[i].kind, h) {
            rows.push(i);
        }
    }
    rows.reverse();
    LogPage { rows, more: i > 0 }
}

/// Indices of the last `limit` events before the cursor that pass `filter`, oldest first.
pub fn log_rows(run: &Run, filter: &LogFilter, limit: usize) -> Vec<usize> {
    let h = run.history();
    let end = run.cursor_event();
    let mut rows = Vec::with_capacity(limit);
    let mut i = end;
    while i > 0 && rows.len() < limit {
        i -= 1;
        if filter.accepts(&h.events[i].kind, h) {
            rows.push(i);
        }
    }
    rows.reverse();
    rows
}

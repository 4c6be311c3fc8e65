//! Every recorded event in one line of plain words — for the event log, tours and tooltips.

use crate::engine::{
    Address, FailReason, LockResult, LogId, Msg, Observation, Phase, TimerKind, TimestampResult,
    Value,
};
use crate::sim::history::{DropReason, EventKind, History, MessageRecord, TraceEvent};

/// "leadership[3]" or "timestamp[0]".
pub fn slot(log: LogId, seq: u64) -> String {
    format!("{}[{seq}]", log.name())
}

/// A value in words.
pub fn value(v: &Value) -> String {
    match v {
        Value::Leader(l) => format!("\"{} leads\"", l),
        Value::Bound { bound, owner } => format!("bound {bound} (from {})", owner.leader.node),
    }
}

fn reason(r: DropReason) -> &'static str {
    match r {
        DropReason::Lost => "lost by the network",
        DropReason::Partitioned => "dropped at the partition",
        DropReason::ReceiverDown => "dropped: the receiver is down",
        DropReason::ByUser => "dropped by you",
        DropReason::Filtered => "dropped by a filter",
    }
}

fn timer(t: TimerKind) -> &'static str {
    match t {
        TimerKind::PingInterval => "time for its next ping",
        TimerKind::PingTimeout => "no answer from the leader in time: it suspects the leader",
        TimerKind::CatchUpTimeout => "catch-up got no quorum in time",
        TimerKind::Backoff => "its random wait is over",
        TimerKind::ElectionCheckTimeout => "its leadership check got no quorum in time",
        TimerKind::LeadershipProposalTimeout => "its leadership proposal got no quorum in time",
        TimerKind::TimestampProposalTimeout => "its bound proposal got no quorum in time",
        TimerKind::ServiceCheckTimeout => "the per-request leadership check got no quorum in time",
        TimerKind::ServiceCheckRetry => "it retries the leadership check",
        TimerKind::RecoveryTimeout => "bound recovery got no quorum in time",
        TimerKind::BoundRetry => "it retries its bound proposal",
        TimerKind::Resend => "it re-sends requests nobody answered",
        TimerKind::ClientNext => "time for its next request",
        TimerKind::ClientTimeout => "no answer in time: it tries another node",
        TimerKind::LockGrace => {
            "its grace period is over: leases from earlier terms have run out, it may grant locks"
        }
        TimerKind::ClientRefresh => "time to refresh its lock",
        TimerKind::ClientLease => "its lock's lease may have run out",
    }
}

/// What a message says, in words (without sender and receiver).
pub fn message(m: &Msg) -> String {
    match m {
        Msg::Prepare { log, seq, ballot } => {
            format!("Prepare {} with ballot {ballot}", slot(*log, *seq))
        }
        Msg::Promise {
            log,
            seq,
            ballot,
            accepted,
        } => match accepted {
            None => format!(
                "Promise {} for ballot {ballot}, nothing accepted yet",
                slot(*log, *seq)
            ),
            Some((b, v)) => format!(
                "Promise {} for ballot {ballot}; already accepted {} at {b}",
                slot(*log, *seq),
                value(v)
            ),
        },
        Msg::Nack {
            log,
            seq,
            ballot,
            promised,
            phase,
        } => format!(
            "Nack: {} of {} with ballot {ballot} refused, {promised} was promised",
            match phase {
                Phase::Prepare => "Prepare",
                Phase::Accept => "Accept",
            },
            slot(*log, *seq)
        ),
        Msg::Accept {
            log,
            seq,
            ballot,
            value: v,
        } => {
            format!(
                "Accept {} = {} at ballot {ballot}",
                slot(*log, *seq),
                value(v)
            )
        }
        Msg::Accepted {
            log,
            seq,
            ballot,
            value: v,
        } => {
            format!(
                "Accepted {} = {} at ballot {ballot}",
                slot(*log, *seq),
                value(v)
            )
        }
        Msg::Learn {
            log, seq, value: v, ..
        } => format!("Learn: {} was chosen as {}", slot(*log, *seq), value(v)),
        Msg::CatchUp { log, from_seq, .. } => format!(
            "CatchUp: what did you learn in {} from {from_seq} on?",
            log.name()
        ),
        Msg::CatchUpReply { values, .. } => {
            if values.is_empty() {
                "CatchUpReply: nothing new".into()
            } else {
                format!("CatchUpReply: {} value(s)", values.len())
            }
        }
        Msg::Ping { leader, .. } => format!("Ping: are you still leading as {leader}?"),
        Msg::PingReply { is_leader, .. } => {
            if *is_leader {
                "PingReply: yes, I lead".into()
            } else {
                "PingReply: no".into()
            }
        }
        Msg::LatestSeq { log, .. } => format!(
            "LatestSeq: latest {} sequence you prepared or accepted?",
            log.name()
        ),
        Msg::LatestSeqReply {
            log,
            seq,
            bound_seq,
            ..
        } => {
            let asked = match seq {
                Some(s) => slot(*log, *s),
                None => format!("nothing in the {} log", log.name()),
            };
            match (log, bound_seq) {
                (LogId::Leadership, Some(b)) => format!(
                    "LatestSeqReply: {asked}; bound at {}",
                    slot(LogId::Timestamp, *b)
                ),
                _ => format!("LatestSeqReply: {asked}"),
            }
        }
        Msg::LearnedQuery { log, seq, .. } => {
            format!("LearnedQuery: what was learned at {}?", slot(*log, *seq))
        }
        Msg::LearnedReply {
            log, seq, value: v, ..
        } => match v {
            Some(v) => format!("LearnedReply: {} = {}", slot(*log, *seq), value(v)),
            None => format!("LearnedReply: {} unknown here", slot(*log, *seq)),
        },
        Msg::TimestampRequest { count, .. } => format!("TimestampRequest for {count} timestamps"),
        Msg::TimestampReply { result, .. } => match result {
            TimestampResult::Granted { first, last } => format!("TimestampReply: {first}–{last}"),
            TimestampResult::NotLeader { hint: Some(h) } => {
                format!("TimestampReply: not the leader, try {h}")
            }
            TimestampResult::NotLeader { hint: None } => "TimestampReply: not the leader".into(),
            TimestampResult::Unavailable => "TimestampReply: unavailable, retry".into(),
        },
        Msg::LockRequest { lock, .. } => format!("LockRequest: may I take {lock}?"),
        Msg::LockRefresh { lock, token, .. } => {
            format!("LockRefresh: I still hold {lock} (token {token})")
        }
        Msg::Unlock { lock, .. } => format!("Unlock: I release {lock}"),
        Msg::LockReply { lock, result, .. } => match result {
            LockResult::Granted { token } => format!("LockReply: {lock} is yours (token {token})"),
            LockResult::Refreshed => format!("LockReply: {lock} is still yours"),
            LockResult::Busy => format!("LockReply: {lock} is held by someone else"),
            LockResult::Unknown => {
                format!("LockReply: this term's lock service does not know your {lock}")
            }
            LockResult::Unlocked => format!("LockReply: {lock} released"),
            LockResult::Wait => {
                "LockReply: a new term — no locks until earlier leases run out".into()
            }
            LockResult::NotLeader { hint: Some(h) } => {
                format!("LockReply: not the leader, try {h}")
            }
            LockResult::NotLeader { hint: None } => "LockReply: not the leader".into(),
        },
        Msg::ConnectionRefused { request } => format!(
            "Connection refused: the process is down, so \"{}\" failed at once",
            request.type_name()
        ),
    }
}

/// The message a send, arrival or drop is about.
pub fn message_of<'h>(e: &TraceEvent, h: &'h History) -> Option<&'h MessageRecord> {
    match e.kind {
        EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => {
            h.messages.get(id as usize)
        }
        _ => None,
    }
}

/// One event in words.
pub fn describe(e: &TraceEvent, h: &History) -> String {
    describe_with(e, message_of(e, h))
}

/// One event in words, given the message it is about (see [`message_of`]): lets a view keep
/// just the event and its message, without the whole record.
pub fn describe_with(e: &TraceEvent, m: Option<&MessageRecord>) -> String {
    let msg = |_: &u64| m;
    match &e.kind {
        EventKind::Send(id) => match msg(id) {
            Some(m) if m.dup_of.is_some() => format!(
                "the network duplicates {} → {}: {}",
                m.from,
                m.to,
                message(&m.msg)
            ),
            Some(m) => format!("{} → {}: {}", m.from, m.to, message(&m.msg)),
            None => format!("message #{id} sent"),
        },
        EventKind::Deliver(id) => match msg(id) {
            Some(m) => match &m.msg {
                Msg::Nack {
                    promised, phase, ..
                } => format!(
                    "{} refused {}'s {}: it had promised {promised}",
                    m.from,
                    m.to,
                    match phase {
                        Phase::Prepare => "Prepare",
                        Phase::Accept => "Accept",
                    }
                ),
                other => format!("{} got from {}: {}", m.to, m.from, message(other)),
            },
            None => format!("message #{id} arrived"),
        },
        EventKind::Drop(id, r) => match msg(id) {
            Some(m) => format!(
                "{} from {} to {} was {}",
                m.msg.type_name(),
                m.from,
                m.to,
                reason(*r)
            ),
            None => format!("message #{id} was {}", reason(*r)),
        },
        EventKind::Boot(a) => format!("{a} starts"),
        EventKind::Timer(a, t) => format!("{a}: {}", timer(*t)),
        EventKind::Crash(n) => format!("{n} crashed: its volatile state is gone, its logs survive"),
        EventKind::Restart(n, inc) => format!("{n} restarted as incarnation {inc}, a new identity"),
        EventKind::Violation(v) => {
            format!("SAFETY VIOLATED ({}): {}", v.invariant.name(), v.detail)
        }
        EventKind::Observed(at, o) => observed(*at, o),
        EventKind::Intervene(a) => format!("you: {}", a.describe()),
    }
}

fn observed(at: Address, o: &Observation) -> String {
    // Nodes print as N1, clients as C0.
    let (node, client) = (at, at);
    match o {
        Observation::BecameLeader { seq } => {
            format!("{node} is leader for round {seq}: a quorum confirmed no later round exists")
        }
        Observation::Learned { log, seq, value: v } => format!("{node} learned {} = {}", slot(*log, *seq), value(v)),
        Observation::Proposing { log: LogId::Leadership, seq, ballot, .. } => {
            format!("{node} proposes itself as leader for round {seq} with ballot {ballot}")
        }
        Observation::Proposing { log, seq, ballot, own } => {
            format!(
                "{node} proposes {} at {} with ballot {ballot}",
                value(own),
                slot(*log, *seq)
            )
        }
        Observation::AcceptPhase { log, seq, value: v, adopted, .. } => format!(
            "{node} has a quorum of promises for {}; it asks to accept {}{}",
            slot(*log, *seq),
            value(v),
            if *adopted {
                " — adopted from a promise, not its own"
            } else {
                ""
            }
        ),
        Observation::AttemptChosen { log, seq, value: v, .. } => {
            format!(
                "a quorum accepted {} at {}: chosen. {node} tells everyone",
                value(v),
                slot(*log, *seq)
            )
        }
        Observation::AttemptFailed { log, seq, ballot, reason } => match reason {
            FailReason::Nacked { promised, .. } => format!(
                "{node}'s ballot {ballot} for {} was pre-empted by {promised}",
                slot(*log, *seq)
            ),
            FailReason::Timeout { .. } => {
                format!(
                    "{node}'s ballot {ballot} for {} got no quorum in time",
                    slot(*log, *seq)
                )
            }
            FailReason::Unreachable { .. } => {
                format!(
                    "{node}'s ballot {ballot} for {} failed: too many acceptors refused the connection",
                    slot(*log, *seq)
                )
            }
        },
        Observation::LostLeadership { seq, reason } => {
            format!("{node} stops leading round {seq}: {reason}")
        }
        Observation::Served { first, last, bound, .. } => {
            format!("{node} hands {client} timestamps {first}–{last} (under the bound {bound})")
        }
        Observation::BoundExtended { seq, bound } => {
            format!(
                "{node} extended the bound to {bound} ({} chosen)",
                slot(LogId::Timestamp, *seq)
            )
        }
        Observation::BoundRecovered { seq, bound } => match seq {
            Some(s) => format!(
                "{node} recovered the bound {bound} from {} before serving",
                slot(LogId::Timestamp, *s)
            ),
            None => format!("{node} found no bound agreed yet: it starts at 0"),
        },
        Observation::StoreLost { seq, found } => format!(
            "{node} found {} at {} — not its own: it stops serving",
            value(found),
            slot(LogId::Timestamp, *seq)
        ),
        Observation::BoundStale { agreed, later } => format!(
            "{node} sees {} — past the bound it serves under ({}): another store moved the bound, so it drops its store and recovers the latest bound before serving",
            slot(LogId::Timestamp, *later),
            match agreed {
                Some(s) => slot(LogId::Timestamp, *s),
                None => "none agreed yet".to_string(),
            }
        ),
        Observation::ClientStarted { count, .. } => {
            format!("{client} asks for {count} timestamps")
        }
        Observation::ClientGranted { from, first, last, .. } => {
            format!("{client} got {first}–{last} from {from}")
        }
        Observation::LockGranted { lock, token, client } => format!("{node} grants {lock} to {client} (token {token})"),
        Observation::ClientLocked { lock, until, .. } => format!(
            "{client} holds {lock}; its lease runs until {}",
            crate::sim::units::secs(*until)
        ),
        Observation::ClientLockRefreshed { lock, until } => format!(
            "{client} refreshed {lock}: its lease now runs until {}",
            crate::sim::units::secs(*until)
        ),
        Observation::ClientLockEnded { lock, why } => match *why {
            "released" => format!("{client} releases {lock}"),
            "expired" => format!("{client}'s lease on {lock} ran out: it no longer holds it"),
            _ => format!("{client}'s refresh of {lock} was refused: it no longer holds it"),
        },
    }
}

/// The process an event happened at (for lanes and filters).
pub fn place(e: &TraceEvent, h: &History) -> Option<Address> {
    place_with(e, message_of(e, h))
}

/// [`place`], given the event's message (see [`message_of`]).
pub fn place_with(e: &TraceEvent, m: Option<&MessageRecord>) -> Option<Address> {
    match &e.kind {
        EventKind::Send(_) => m.map(|m| m.from),
        EventKind::Deliver(_) | EventKind::Drop(..) => m.map(|m| m.to),
        EventKind::Boot(a) | EventKind::Timer(a, _) => Some(*a),
        EventKind::Crash(node) | EventKind::Restart(node, _) => Some(Address::Node(*node)),
        EventKind::Observed(at, _) => Some(*at),
        EventKind::Intervene(_) => None,
        EventKind::Violation(_) => None,
    }
}

/// What kind of thing an event is, for the event log's icons and colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// A message left its sender.
    Send,
    /// A message arrived.
    Arrive,
    /// A message was dropped.
    Drop,
    /// A timer fired.
    Timer,
    /// A node learned a chosen value.
    Learn,
    /// A proposal started (phase 1) or moved to phase 2.
    Propose,
    /// A value was chosen.
    Chosen,
    /// A proposal attempt failed, or a leader stepped down.
    Failed,
    /// A node passed the leadership check.
    Leader,
    /// Timestamps handed out or received.
    Serve,
    /// The bound was extended, recovered or lost.
    Bound,
    /// A client asked for timestamps.
    Client,
    /// A node crashed or restarted.
    Fault,
    /// Something you did (partition, heal, drop…).
    You,
    /// The checker found a safety violation.
    Violation,
    /// A process started.
    Boot,
}

impl Category {
    /// The category of an event.
    pub fn of(e: &EventKind) -> Category {
        match e {
            EventKind::Send(_) => Category::Send,
            EventKind::Deliver(_) => Category::Arrive,
            EventKind::Drop(..) => Category::Drop,
            EventKind::Timer(..) => Category::Timer,
            EventKind::Boot(_) => Category::Boot,
            EventKind::Crash(_) | EventKind::Restart(..) => Category::Fault,
            EventKind::Violation(_) => Category::Violation,
            EventKind::Intervene(_) => Category::You,
            EventKind::Observed(_, o) => match **o {
                Observation::BecameLeader { .. } => Category::Leader,
                Observation::Learned { .. } => Category::Learn,
                Observation::Proposing { .. } | Observation::AcceptPhase { .. } => {
                    Category::Propose
                }
                Observation::AttemptChosen { .. } => Category::Chosen,
                Observation::AttemptFailed { .. } | Observation::LostLeadership { .. } => {
                    Category::Failed
                }
                Observation::Served { .. }
                | Observation::ClientGranted { .. }
                | Observation::LockGranted { .. }
                | Observation::ClientLocked { .. }
                | Observation::ClientLockRefreshed { .. }
                | Observation::ClientLockEnded { .. } => Category::Serve,
                Observation::BoundExtended { .. }
                | Observation::BoundRecovered { .. }
                | Observation::StoreLost { .. }
                | Observation::BoundStale { .. } => Category::Bound,
                Observation::ClientStarted { .. } => Category::Client,
            },
        }
    }

    /// A one-character glyph (plain Unicode that common fonts have, no emoji).
    pub fn icon(self) -> &'static str {
        match self {
            Category::Send => "→",
            Category::Arrive => "↓",
            Category::Drop => "✕",
            Category::Timer => "◷",
            Category::Learn => "✓",
            Category::Propose => "◆",
            Category::Chosen => "●",
            Category::Failed => "↯",
            Category::Leader => "★",
            Category::Serve => "#",
            Category::Bound => "⊤",
            Category::Client => "?",
            Category::Fault => "⏻",
            Category::You => "⚑",
            Category::Violation => "⚠",
            Category::Boot => "▸",
        }
    }

    /// CSS class (and a word for tests and tooltips).
    pub fn name(self) -> &'static str {
        match self {
            Category::Send => "send",
            Category::Arrive => "arrive",
            Category::Drop => "drop",
            Category::Timer => "timer",
            Category::Learn => "learn",
            Category::Propose => "propose",
            Category::Chosen => "chosen",
            Category::Failed => "failed",
            Category::Leader => "leader",
            Category::Serve => "serve",
            Category::Bound => "bound",
            Category::Client => "client",
            Category::Fault => "fault",
            Category::You => "you",
            Category::Violation => "violation",
            Category::Boot => "boot",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario;
    use crate::sim::Run;

    #[test]
    fn every_event_of_a_busy_run_has_a_description() {
        let s = scenario::by_name("leader-crash").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(12_000_000);
        let h = run.history();
        let mut kinds = std::collections::BTreeSet::new();
        for e in h.events.iter() {
            let d = describe(e, h);
            assert!(!d.is_empty());
            kinds.insert(d.split_whitespace().nth(1).unwrap_or("").to_string());
        }
        assert!(kinds.len() > 10);
    }

    #[test]
    fn categories_tell_the_kinds_of_a_busy_run_apart() {
        let s = scenario::by_name("failover-monotonic").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(12_000_000);
        let h = run.history();
        let seen: std::collections::BTreeSet<Category> =
            h.events.iter().map(|e| Category::of(&e.kind)).collect();
        for c in [
            Category::Send,
            Category::Arrive,
            Category::Timer,
            Category::Learn,
            Category::Propose,
            Category::Chosen,
            Category::Leader,
            Category::Serve,
            Category::Bound,
            Category::Client,
            Category::Fault,
        ] {
            assert!(seen.contains(&c), "{c:?} missing from {seen:?}");
        }
        let names: std::collections::BTreeSet<_> = seen.iter().map(|c| c.name()).collect();
        let icons: std::collections::BTreeSet<_> = seen.iter().map(|c| c.icon()).collect();
        assert_eq!(names.len(), seen.len());
        assert_eq!(icons.len(), seen.len(), "one glyph per kind");
        assert!(icons.iter().all(|i| i.chars().count() == 1));
    }

    #[test]
    fn a_refusal_names_the_promise() {
        let run = {
            let s = scenario::by_name("dueling-no-backoff").unwrap();
            let mut r = Run::new(s.config, s.interventions).unwrap();
            r.seek(2_000_000);
            r
        };
        let h = run.history();
        let nack = h
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Deliver(id) if h.messages[id as usize].msg.type_name() == "Nack"))
            .expect("a Nack arrives while proposers duel");
        assert!(
            describe(nack, h).contains("refused"),
            "{}",
            describe(nack, h)
        );
        assert!(describe(nack, h).contains("had promised ("));
    }
}

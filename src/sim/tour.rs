//! Guided tours: a scenario plus steps a lecturer clicks through. A step runs the simulation
//! until something worth explaining happens (its trigger, a predicate over recorded events),
//! stops there, and says what happened in plain words built from that very event — so the
//! caption always matches the picture, whatever the engine does.
//!
//! Moving between steps is time travel: every stop is remembered as a step count of the run,
//! so going back (and forward again) seeks instead of recomputing, and a tour stays exact.
//! [`Progress`] is the state of one tour being followed; [`crate::lab::Lab`] owns it.

use super::config::Time;
use super::explain;
use super::history::{EventKind, Fact, History, MessageRecord, TraceEvent};
use super::intervention::{Action, Intervention, Param};
use super::run::Run;
use super::units::secs;
use super::SimConfig;
use crate::engine::{
    Address, BackoffPolicy, FailReason, LogId, Msg, NodeId, Phase, TimerKind, Value, MS,
};

const S: Time = 1_000_000;

/// What a tour is, for pickers (the steps are built on demand by [`steps`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TourInfo {
    /// Identifier (URLs, tests, actions).
    pub name: &'static str,
    /// Title for the picker and the card.
    pub title: &'static str,
    /// One line for the picker.
    pub summary: &'static str,
    /// The scenario it runs.
    pub scenario: &'static str,
    /// The caption before the first step.
    pub intro: &'static str,
}

/// Every tour, in the order a course would take them.
pub const ALL: [TourInfo; 5] = [
    TourInfo {
        name: "first-election",
        title: "Electing a leader",
        summary: "Three fresh servers agree on a leader with Prepare, Promise, Accept and Learn.",
        scenario: "cold-start-3",
        intro: "Three servers have just started with empty disks. Nobody knows a leader, so \
                each one waits a random time and then proposes itself. Paxos makes sure only \
                one proposal can win, even when several run at once. Press Next to run to the \
                first interesting moment; Back rewinds.",
    },
    TourInfo {
        name: "dueling",
        title: "Dueling proposers and the random wait",
        summary: "With identical timing and no random wait nobody ever wins; switch the wait on and a leader appears.",
        scenario: "dueling-no-backoff",
        intro: "Five servers, every message takes exactly 100 ms, and — unlike TimeLock — \
                nobody waits a random time before proposing. Perfect symmetry is the worst \
                case for Paxos: watch what it does, then what one small change fixes.",
    },
    TourInfo {
        name: "leader-crash",
        title: "The leader crashes",
        summary: "Followers notice the silence, one of them wins the next round and serves again.",
        scenario: "leader-crash",
        intro: "Five servers elect a leader; at 8 s the leader crashes. Nobody tells the \
                others — they have to notice on their own. Follow how the cluster finds a new \
                leader without ever disagreeing about the old one.",
    },
    TourInfo {
        name: "timestamp-bound",
        title: "The timestamp bound: time never goes backwards",
        summary: "The leader serves under a bound agreed by Paxos; after a crash the next leader starts above it.",
        scenario: "failover-monotonic",
        intro: "TimeLock's second use of Paxos. The leader hands out timestamps from a counter, \
                but never above an upper bound agreed by Paxos in a second log, the timestamp \
                log. Three clients keep asking for 10 timestamps at a time; the bound grows in \
                steps of 100. At 8 s the leader crashes.",
    },
    TourInfo {
        name: "partitioned-leader",
        title: "A leader cut off from the rest",
        summary: "An isolated leader still believes it leads, but without a quorum it hands out nothing.",
        scenario: "leader-isolated",
        intro: "At 8 s the network cuts the leader off from everyone else, while clients keep \
                asking it for timestamps. It has not crashed: it still believes it leads. Can \
                it hand out stale timestamps? The network heals at 25 s.",
    },
];

/// Looks a tour up by name.
pub fn info(name: &str) -> Option<TourInfo> {
    ALL.iter().copied().find(|t| t.name == name)
}

/// Where a trigger matched: the run stopped just after the step that recorded `event`.
pub struct Hit<'a> {
    /// The run at the stop.
    pub run: &'a Run,
    /// The matching event's index in the record.
    pub index: usize,
}

impl Hit<'_> {
    /// The matching event.
    pub fn event(&self) -> &TraceEvent {
        &self.run.history().events[self.index]
    }

    fn history(&self) -> &History {
        self.run.history()
    }

    /// The boxed fact, if the event is one.
    fn fact(&self) -> Option<&Fact> {
        self.event().kind.fact()
    }

    /// The message, if the event is a delivery.
    fn delivered(&self) -> Option<&MessageRecord> {
        match self.event().kind {
            EventKind::Deliver(id) => self.history().messages.get(id as usize),
            _ => None,
        }
    }

    /// The message, if the event is a send, delivery or drop.
    fn message(&self) -> Option<&MessageRecord> {
        match self.event().kind {
            EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => {
                self.history().messages.get(id as usize)
            }
            _ => None,
        }
    }

    /// The node that crashed most recently before this event.
    fn last_crashed(&self) -> Option<NodeId> {
        let h = self.history();
        (0..self.index).rev().find_map(|i| match h.events[i].kind {
            EventKind::Crash(n) => Some(n),
            _ => None,
        })
    }

    /// The node that last became leader before this event.
    fn last_leader(&self) -> Option<NodeId> {
        let h = self.history();
        (0..self.index).rev().find_map(|i| match h.events[i].kind {
            EventKind::Leader { node, .. } => Some(node),
            _ => None,
        })
    }

    /// The highest timestamp `node` ever handed out, up to the stop.
    fn max_served_by(&self, node: NodeId) -> Option<u64> {
        self.run
            .world()
            .checker
            .served_ranges()
            .filter(|r| r.node == node)
            .map(|r| r.last)
            .max()
    }
}

/// One stop of a tour.
#[derive(Clone, Debug)]
pub struct Step {
    /// A few words for the card's heading.
    pub title: &'static str,
    /// Applied at the previous stop before running (e.g. switch the random wait on).
    pub action: Option<Action>,
    /// How far past the previous stop the trigger must come (virtual time).
    pub within: Time,
    /// Whether an event is the moment this step stops at.
    pub trigger: fn(&Hit) -> bool,
    /// The caption, from the matching event and the run at the stop.
    pub caption: fn(&Hit) -> String,
}

fn step(
    title: &'static str,
    within: Time,
    trigger: fn(&Hit) -> bool,
    caption: fn(&Hit) -> String,
) -> Step {
    Step {
        title,
        action: None,
        within,
        trigger,
        caption,
    }
}

// ---- triggers shared by several tours ----

fn is_leader(h: &Hit) -> bool {
    matches!(h.event().kind, EventKind::Leader { .. })
}

fn is_new_round_leader(h: &Hit) -> bool {
    matches!(h.event().kind, EventKind::Leader { seq, .. } if seq >= 1)
}

fn is_crash(h: &Hit) -> bool {
    matches!(h.event().kind, EventKind::Crash(_))
}

fn is_leadership_proposal(h: &Hit) -> bool {
    matches!(
        h.fact(),
        Some(Fact::Propose {
            log: LogId::Leadership,
            ..
        })
    )
}

fn is_leadership_chosen(h: &Hit) -> bool {
    matches!(
        h.fact(),
        Some(Fact::Chosen {
            log: LogId::Leadership,
            ..
        })
    )
}

fn is_bound_extended(h: &Hit) -> bool {
    matches!(h.fact(), Some(Fact::BoundExtended { .. }))
}

fn is_bound_recovered(h: &Hit) -> bool {
    matches!(h.fact(), Some(Fact::BoundRecovered { .. }))
}

fn is_serve(h: &Hit) -> bool {
    matches!(h.fact(), Some(Fact::Serve { .. }))
}

fn is_nack(h: &Hit) -> bool {
    h.delivered()
        .is_some_and(|m| matches!(m.msg, Msg::Nack { .. }))
}

// ---- captions shared by several tours ----

/// A duration in seconds without trailing zeros: "0.3 s", "1.5 s".
fn seconds(t: Time) -> String {
    format!("{} s", super::units::short(i128::from(t), 6))
}

fn when(h: &Hit) -> String {
    secs(h.event().t)
}

fn quorum(h: &Hit) -> usize {
    usize::from(h.run.config().protocol.nodes) / 2 + 1
}

fn leader_caption(h: &Hit) -> String {
    let EventKind::Leader { node, seq } = h.event().kind else {
        return explain::describe(h.event(), h.history());
    };
    let p = &h.run.config().protocol;
    format!(
        "{node} learned that round {seq} names it, then asked a quorum whether any later round \
         exists. None does, so {node} is the leader (★) from {}. The others are followers: \
         every {} each one pings {node}, and as long as it answers \"yes, I lead\" nobody \
         proposes.",
        when(h),
        seconds(p.ping_interval),
    )
}

fn recovered_caption(h: &Hit) -> String {
    let Some(&Fact::BoundRecovered { node, seq, bound }) = h.fact() else {
        return explain::describe(h.event(), h.history());
    };
    match seq {
        None => format!(
            "{node} leads, but before its first timestamp it asks a quorum for the latest bound \
             in the timestamp log. None was ever agreed, so its counter starts at 0 and it \
             proposes a first bound by Paxos."
        ),
        Some(s) => format!(
            "Before serving anything, {node} asks a quorum for the highest sequence of the \
             timestamp log and reads the bound there: {bound}, at {}. Any bound the old leader \
             used was agreed by a quorum, and every two quorums share a node, so nothing \
             higher can exist. {node}'s counter starts at {bound}.",
            explain::slot(LogId::Timestamp, s)
        ),
    }
}

fn serve_fields(h: &Hit) -> Option<(NodeId, String, u64, u64, u64)> {
    match h.fact() {
        Some(&Fact::Serve {
            node,
            client,
            first,
            last,
            bound,
            ..
        }) => Some((node, client.to_string(), first, last, bound)),
        _ => None,
    }
}

/// Serving again after a crash or partition: above everything the old leader handed out.
fn serve_above_old_caption(h: &Hit, old: Option<NodeId>) -> String {
    let Some((node, client, first, last, bound)) = serve_fields(h) else {
        return explain::describe(h.event(), h.history());
    };
    let old_max = old.and_then(|o| h.max_served_by(o));
    match (old, old_max) {
        (Some(o), Some(m)) => format!(
            "{node} hands {client} timestamps {first}–{last} (under its bound {bound}). They \
             are larger than every timestamp {o} ever handed out — its highest was {m}. \
             {}Timestamps must be unique and increasing; they need not be gap-free.",
            if first > m + 1 {
                format!(
                    "{}–{} were reserved under the old bound but never handed out: they are \
                     skipped for good. ",
                    m + 1,
                    first - 1
                )
            } else {
                String::new()
            }
        ),
        _ => format!(
            "{node} hands {client} timestamps {first}–{last}, under its bound {bound}: clients \
             are served again."
        ),
    }
}

// ---- the tours ----

fn first_election() -> Vec<Step> {
    vec![
        step(
            "A node proposes itself",
            5 * S,
            is_leadership_proposal,
            |h| {
                let Some(&Fact::Propose {
                    node, seq, ballot, ..
                }) = h.fact()
                else {
                    return explain::describe(h.event(), h.history());
                };
                format!(
                    "{node}'s random wait ended first, at {}. It proposes itself as leader for \
                     round {seq} with ballot {ballot}. A ballot is (number, node, \
                     incarnation) and ballots are compared in that order, so two proposers \
                     never share one. Phase 1 starts: {node} sends Prepare to every node, \
                     itself included.",
                    when(h)
                )
            },
        ),
        step(
            "An acceptor promises",
            5 * S,
            |h| {
                matches!(h.event().kind, EventKind::Send(_))
                    && h.message()
                        .is_some_and(|m| m.from != m.to && matches!(m.msg, Msg::Promise { .. }))
            },
            |h| {
                let Some(m) = h.message() else {
                    return String::new();
                };
                let Msg::Promise {
                    ballot, accepted, ..
                } = &m.msg
                else {
                    return String::new();
                };
                let (from, to) = (m.from, m.to);
                let reported = match accepted {
                    None => format!(
                        "It had accepted nothing yet, so {to} is free to propose its own value."
                    ),
                    Some((b, v)) => format!(
                        "It reports it already accepted {} at {b}: {to} must propose that value, \
                         not its own.",
                        explain::value(v)
                    ),
                };
                format!(
                    "{from} answers with a Promise: from now on it refuses every ballot below \
                     {ballot} for this round, and it writes that promise to disk first, so it \
                     survives a crash. {reported}"
                )
            },
        ),
        step(
            "A quorum of promises: phase 2",
            5 * S,
            |h| {
                matches!(
                    h.fact(),
                    Some(Fact::AcceptPhase {
                        log: LogId::Leadership,
                        ..
                    })
                )
            },
            |h| {
                let Some(&Fact::AcceptPhase {
                    node,
                    ballot,
                    value,
                    adopted,
                    ..
                }) = h.fact()
                else {
                    return String::new();
                };
                format!(
                    "{node} now holds promises from {} of {} nodes: a quorum, that is a \
                     majority. Any two majorities share at least one node, and that node would \
                     have reported any value accepted earlier. Phase 2: {node} asks everyone to \
                     accept {} at ballot {ballot}{}.",
                    quorum(h),
                    h.run.config().protocol.nodes,
                    explain::value(&value),
                    if adopted {
                        " — a value adopted from a promise, not its own"
                    } else {
                        ""
                    }
                )
            },
        ),
        step("Chosen", 5 * S, is_leadership_chosen, |h| {
            let Some(&Fact::Chosen {
                node,
                seq,
                ballot,
                value,
                ..
            }) = h.fact()
            else {
                return String::new();
            };
            format!(
                "A quorum accepted {} at ballot {ballot}: that value is now chosen for round \
                 {seq}, for good — any later ballot would find it in some promise and have to \
                 propose it again. Only {node} knows yet; it sends Learn to everyone.",
                explain::value(&value)
            )
        }),
        step("A latecomer is refused", 5 * S, is_nack, |h| {
            let Some(m) = h.delivered() else {
                return String::new();
            };
            let Msg::Nack {
                ballot, promised, ..
            } = m.msg
            else {
                return String::new();
            };
            let who = if m.from == m.to {
                format!("its own acceptor (every node is also an acceptor) had already promised {promised}")
            } else {
                format!("{} had already promised {promised}", m.from)
            };
            format!(
                "{}'s random wait ended later. Its Prepare with ballot {ballot} was refused: \
                 {who}, a higher ballot. The refusal (a Nack) carries that promise, so {} knows \
                 it lost; it will learn the winner and follow it.",
                m.to, m.to
            )
        }),
        step("A leader", 5 * S, is_leader, leader_caption),
        step("A bound for timestamps", 10 * S, is_bound_extended, |h| {
            let Some(&Fact::BoundExtended { node, seq, bound }) = h.fact() else {
                return String::new();
            };
            format!(
                "Before handing out any timestamp, {node} needs an upper bound agreed by Paxos \
                 in TimeLock's second log. It proposed {bound} at {} (what it needs plus a \
                 buffer of {}), with the same Prepare and Accept as the election, and a quorum \
                 accepted. Up to {bound} it may now serve without another Paxos round.",
                explain::slot(LogId::Timestamp, seq),
                h.run.config().protocol.bound_buffer
            )
        }),
        step("The first timestamps", 5 * S, is_serve, |h| {
            let Some((node, client, first, last, bound)) = serve_fields(h) else {
                return String::new();
            };
            format!(
                "{node} hands {client} timestamps {first}–{last}, all at or below the agreed \
                 bound {bound}. Before every batch it asks a quorum whether a later leadership \
                 round exists, so a leader that was replaced cannot keep serving. That is the \
                 whole election; press Exit to explore on your own."
            )
        }),
    ]
}

fn dueling() -> Vec<Step> {
    vec![
        step(
            "Everyone proposes at once",
            5 * S,
            |h| {
                h.delivered()
                    .is_some_and(|m| m.from != m.to && matches!(m.msg, Msg::Prepare { .. }))
            },
            |h| {
                let props: Vec<String> = h
                    .history()
                    .events
                    .range(0..h.index)
                    .filter_map(|e| match e.kind.fact() {
                        Some(Fact::Propose {
                            log: LogId::Leadership,
                            ballot,
                            ..
                        }) => Some(ballot.to_string()),
                        _ => None,
                    })
                    .collect();
                let t0 = h
                    .history()
                    .events
                    .iter()
                    .find(|e| {
                        matches!(
                            e.kind.fact(),
                            Some(Fact::Propose {
                                log: LogId::Leadership,
                                ..
                            })
                        )
                    })
                    .map_or(0, |e| e.t);
                format!(
                    "At {} no node had a leader to ping, and with no random wait all {} \
                     proposed themselves at the same instant, with ballots {}. Their Prepares \
                     arrive now, all at once. A ballot is (number, node, incarnation): with \
                     equal numbers the higher node wins, and each acceptor promises the highest \
                     ballot it has seen.",
                    secs(t0),
                    props.len(),
                    props.join(", ")
                )
            },
        ),
        step("A refusal", 5 * S, is_nack, |h| {
            let Some(m) = h.delivered() else {
                return String::new();
            };
            let Msg::Nack {
                ballot, promised, ..
            } = m.msg
            else {
                return String::new();
            };
            let to_whom = if Address::Node(promised.node) == m.from {
                "to its own proposer".to_string()
            } else {
                format!("to {}", promised.node)
            };
            format!(
                "{}'s Prepare with ballot {ballot} was rejected: {} had already promised \
                 {promised} {to_whom}, and {promised} is higher. The refusal (a Nack) carries \
                 that promise, so {} knows how high it has to go next time.",
                m.to, m.from, m.to
            )
        }),
        step(
            "Pre-empted: try again at once",
            5 * S,
            |h| {
                matches!(
                    h.fact(),
                    Some(Fact::AttemptFailed {
                        reason: FailReason::Nacked { .. },
                        ..
                    })
                )
            },
            |h| {
                let Some(&Fact::AttemptFailed {
                    node,
                    ballot,
                    reason: FailReason::Nacked { promised, .. },
                    ..
                }) = h.fact()
                else {
                    return String::new();
                };
                format!(
                    "Enough acceptors refused {node} that it can no longer get a quorum: its \
                     ballot {ballot} was pre-empted by {promised}. With no random wait it \
                     immediately tries again with a higher ballot number — and every other \
                     loser does the same."
                )
            },
        ),
        step(
            "An Accept is overtaken",
            5 * S,
            |h| {
                h.delivered().is_some_and(|m| {
                    matches!(
                        m.msg,
                        Msg::Nack {
                            phase: Phase::Accept,
                            ..
                        }
                    )
                })
            },
            |h| {
                let Some(m) = h.delivered() else {
                    return String::new();
                };
                let Msg::Nack {
                    ballot, promised, ..
                } = m.msg
                else {
                    return String::new();
                };
                let refuser = if m.from == m.to {
                    "its own acceptor".to_string()
                } else {
                    m.from.to_string()
                };
                format!(
                    "{}'s Accept at ballot {ballot} was refused by {refuser}. {} had collected a \
                     quorum of promises, but before the Accept arrived a higher Prepare got \
                     there, and {refuser} promised {promised} instead. This is the duel: every \
                     new Prepare kills the Accept before it, and the loser's next Prepare kills \
                     the winner's.",
                    m.to, m.to
                )
            },
        ),
        step(
            "Livelock",
            20 * S,
            |h| h.event().t >= 5 * S && matches!(h.fact(), Some(Fact::AttemptFailed { .. })),
            |h| {
                let w = h.run.world();
                let top = h
                    .history()
                    .events
                    .range(0..h.index + 1)
                    .filter_map(|e| match e.kind.fact() {
                        Some(Fact::Propose { ballot, .. }) => Some(ballot.number),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                format!(
                    "{} and still no leader. Ballot numbers have climbed to {top} and proposals \
                     were pre-empted {} times. With perfectly symmetric timing this never ends. \
                     Paxos stays safe — nothing wrong is ever chosen — but it is not guaranteed \
                     to make progress. Next we switch on TimeLock's remedy.",
                    when(h),
                    w.stats.preempted_total()
                )
            },
        ),
        Step {
            title: "Switch on the random wait",
            action: Some(Action::Set(Param::Backoff(BackoffPolicy::Uniform {
                max: 800 * MS,
            }))),
            within: 10 * S,
            trigger: is_leadership_chosen,
            caption: |h| {
                let Some(&Fact::Chosen {
                    node,
                    ballot,
                    value,
                    ..
                }) = h.fact()
                else {
                    return String::new();
                };
                let w = h.run.world();
                let waiting: Vec<String> = w
                    .nodes
                    .iter()
                    .filter(|n| w.timers(n.id).any(|(k, _, _)| k == TimerKind::Backoff))
                    .map(|n| n.id.to_string())
                    .collect();
                let adopted = match value {
                    Value::Leader(l) if l.node != node => format!(
                        " {node} proposed {}, not itself: a promise reported that value as \
                         already accepted, and Paxos makes a proposer adopt it.",
                        l.node
                    ),
                    _ => String::new(),
                };
                format!(
                    "We switched on the random wait: a pre-empted node now waits a random time, \
                     uniformly between 0 and 800 ms, before it tries again (TimeLock waits up \
                     to 300 ms). The losers of the next clash went to wait{} instead of firing \
                     a new Prepare, so nothing overtook {node}'s Accept: {} is chosen at ballot \
                     {ballot}.{adopted}",
                    if waiting.is_empty() {
                        String::new()
                    } else {
                        format!(" (blue rings: {})", waiting.join(", "))
                    },
                    explain::value(&value),
                )
            },
        },
        step("A leader at last", 10 * S, is_leader, |h| {
            let EventKind::Leader { node, .. } = h.event().kind else {
                return String::new();
            };
            format!(
                "{node} leads, at {}. The others learned the choice during their wait, and when \
                 it ended they had a leader to follow instead of a reason to propose. The \
                 random wait broke the symmetry: one node gets far enough ahead to finish both \
                 phases alone.",
                when(h)
            )
        }),
    ]
}

fn leader_crash() -> Vec<Step> {
    vec![
        step("A leader", 10 * S, is_leader, leader_caption),
        step("The crash", 10 * S, is_crash, |h| {
            let EventKind::Crash(node) = h.event().kind else {
                return String::new();
            };
            format!(
                "{node} crashed at {}. What it wrote to disk — its promises, acceptances and \
                 learned values — survives; everything in memory is gone. It answers nothing \
                 now, and nobody tells the others: watch the amber rings, each follower's ping \
                 timeout running out.",
                when(h)
            )
        }),
        step(
            "Suspicion",
            5 * S,
            |h| {
                matches!(
                    h.event().kind,
                    EventKind::Timer(Address::Node(_), TimerKind::PingTimeout)
                )
            },
            |h| {
                let EventKind::Timer(who, _) = h.event().kind else {
                    return String::new();
                };
                format!(
                    "{who} got no answer from {} for {}: it suspects the leader. First it asks \
                     a quorum what they learned (maybe someone already leads a newer round); \
                     then it waits a random time before proposing itself.",
                    h.last_crashed()
                        .map_or("the leader".to_string(), |n| n.to_string()),
                    seconds(h.run.config().protocol.ping_timeout)
                )
            },
        ),
        step("A new round", 5 * S, is_leadership_proposal, |h| {
            let Some(&Fact::Propose {
                node, seq, ballot, ..
            }) = h.fact()
            else {
                return String::new();
            };
            format!(
                "{node}'s wait ended first: it proposes itself for round {seq} with ballot \
                 {ballot} — the greatest round it has learned, plus one. Round {} stays decided \
                 forever: a chosen value never changes, so a new leader needs a new sequence of \
                 the leadership log.",
                seq.saturating_sub(1)
            )
        }),
        step(
            "Chosen without the old leader",
            5 * S,
            is_leadership_chosen,
            |h| {
                let Some(&Fact::Chosen {
                    seq, value, log, ..
                }) = h.fact()
                else {
                    return String::new();
                };
                let n = h.run.config().protocol.nodes;
                let who = h
                    .run
                    .world()
                    .checker
                    .chosen(log, seq)
                    .map_or(String::new(), |c| format!(" by {}", c.acceptors));
                format!(
                "{} is chosen for round {seq}{who}. A quorum is a majority of all {n} nodes, not \
                 of the living ones, so the cluster elects with up to {} nodes down.",
                explain::value(&value),
                usize::from(n) - quorum(h)
            )
            },
        ),
        step("A new leader", 5 * S, is_new_round_leader, leader_caption),
        step(
            "Recovering the bound",
            5 * S,
            is_bound_recovered,
            recovered_caption,
        ),
        step("Serving again", 5 * S, is_serve, |h| {
            let Some((node, client, first, last, _)) = serve_fields(h) else {
                return String::new();
            };
            let old = h.last_crashed();
            let crash_t = h
                .history()
                .events
                .range(0..h.index)
                .filter(|e| matches!(e.kind, EventKind::Crash(_)))
                .map(|e| e.t)
                .last()
                .unwrap_or(0);
            let above = match old.and_then(|o| h.max_served_by(o).map(|m| (o, m))) {
                Some((o, m)) => format!(", above the last one {o} handed out ({m})"),
                None => String::new(),
            };
            format!(
                "{node} hands {client} timestamps {first}–{last}{above}. The cluster serves \
                 again {} after the crash; in between, the clients timed out and tried other \
                 nodes. The timestamp-bound tour shows why the numbers can only go up.",
                secs(h.event().t.saturating_sub(crash_t))
            )
        }),
    ]
}

fn timestamp_bound() -> Vec<Step> {
    vec![
        step(
            "No bound yet",
            10 * S,
            is_bound_recovered,
            recovered_caption,
        ),
        step("A bound is agreed", 5 * S, is_bound_extended, |h| {
            let Some(&Fact::BoundExtended { node, seq, bound }) = h.fact() else {
                return String::new();
            };
            format!(
                "A quorum accepted bound {bound} at {} — the same Prepare and Accept as the \
                 election, in a separate log. {node} may now hand out timestamps up to {bound} \
                 without another Paxos round. The number line (Timestamps tab) shows the bound \
                 and what was handed out.",
                explain::slot(LogId::Timestamp, seq)
            )
        }),
        step("Serving under the bound", 5 * S, is_serve, |h| {
            let Some((node, client, first, last, bound)) = serve_fields(h) else {
                return String::new();
            };
            format!(
                "{node} hands {client} timestamps {first}–{last} from its counter, below the bound \
                 {bound}. Each batch only needs a quick check that no later leadership round \
                 exists — no Paxos round at all."
            )
        }),
        step("Extending the bound", 10 * S, is_bound_extended, |h| {
            let Some(&Fact::BoundExtended { node, seq, bound }) = h.fact() else {
                return String::new();
            };
            format!(
                "The counter reached the old bound. To go on, {node} proposed {bound} at the \
                 next sequence, {}, and a quorum accepted. Only then did it hand out more. \
                 AtlasDB reserves 1,000,000 at a time, so in production this is rare.",
                explain::slot(LogId::Timestamp, seq)
            )
        }),
        step("The crash", 10 * S, is_crash, |h| {
            let EventKind::Crash(node) = h.event().kind else {
                return String::new();
            };
            let nl = super::view::number_line(h.run);
            let bound = nl.bounds.last().map_or(0, |b| b.bound);
            let max = h.max_served_by(node).unwrap_or(0);
            format!(
                "{node} crashed at {}. The last timestamp it handed out was {max}; the agreed \
                 bound is {bound}. So {}–{bound} were reserved but never handed out. What \
                 will the next leader do?",
                when(h),
                max + 1
            )
        }),
        step(
            "Recovering the bound",
            10 * S,
            is_bound_recovered,
            recovered_caption,
        ),
        step("Never backwards", 5 * S, is_serve, |h| {
            serve_above_old_caption(h, h.last_crashed())
        }),
    ]
}

fn partitioned_leader() -> Vec<Step> {
    vec![
        step("A leader", 10 * S, is_leader, leader_caption),
        step(
            "Cut off",
            10 * S,
            |h| matches!(h.fact(), Some(Fact::Intervene(_))),
            |h| {
                let old = h.last_leader();
                let who = old.map_or("The leader".to_string(), |n| n.to_string());
                format!(
                    "At {} the network starts dropping every message between {who} and the \
                     others (red dashed lines). {who} is alive and still believes it leads; \
                     the others will only notice that its pings go unanswered.",
                    when(h)
                )
            },
        ),
        step(
            "No quorum, no timestamps",
            10 * S,
            |h| {
                matches!(
                    h.event().kind,
                    EventKind::Timer(Address::Node(_), TimerKind::ServiceCheckTimeout)
                )
            },
            |h| {
                let EventKind::Timer(who, _) = h.event().kind else {
                    return String::new();
                };
                format!(
                    "A client's request reached {who}. Before serving, a leader asks a quorum \
                     whether a later leadership round exists — and nobody answered. So {who} \
                     handed out nothing, not even from the bound it still has. Without a \
                     quorum an old leader cannot serve."
                )
            },
        ),
        step(
            "A leader on the majority side",
            10 * S,
            is_new_round_leader,
            |h| {
                let EventKind::Leader { node, seq } = h.event().kind else {
                    return String::new();
                };
                let old = h
                    .history()
                    .events
                    .range(0..h.index)
                    .find_map(|e| match e.kind {
                        EventKind::Leader { node, .. } => Some(node),
                        _ => None,
                    });
                format!(
                "Meanwhile the others stopped hearing from {}, and {node} won round {seq}. For \
                 a while two nodes believe they lead — that is allowed, because only one of \
                 them can reach a quorum, and only that one can serve.",
                old.map_or("the old leader".to_string(), |n| n.to_string())
            )
            },
        ),
        step(
            "The new leader recovers the bound",
            5 * S,
            is_bound_recovered,
            recovered_caption,
        ),
        step("Serving above the old leader", 5 * S, is_serve, |h| {
            let first_leader = h
                .history()
                .events
                .range(0..h.index)
                .find_map(|e| match e.kind {
                    EventKind::Leader { node, .. } => Some(node),
                    _ => None,
                });
            serve_above_old_caption(h, first_leader)
        }),
        step(
            "The old leader steps down",
            10 * S,
            |h| matches!(h.fact(), Some(Fact::LostLeadership { .. })),
            |h| {
                let Some(&Fact::LostLeadership { node, seq, reason }) = h.fact() else {
                    return String::new();
                };
                format!(
                    "{node} stops leading round {seq}: {reason}. It stays cut off, but it no \
                     longer even tries to serve."
                )
            },
        ),
        step(
            "Healed",
            15 * S,
            |h| {
                let first_leader =
                    h.history()
                        .events
                        .range(0..h.index)
                        .find_map(|e| match e.kind {
                            EventKind::Leader { node, .. } => Some(node),
                            _ => None,
                        });
                matches!(h.fact(), Some(&Fact::Learn { node, log: LogId::Leadership, seq, .. })
                    if seq >= 1 && Some(node) == first_leader)
            },
            |h| {
                let Some(&Fact::Learn {
                    node, seq, value, ..
                }) = h.fact()
                else {
                    return String::new();
                };
                let new = match value {
                    Value::Leader(l) => l.node.to_string(),
                    Value::Bound { .. } => "the new leader".into(),
                };
                format!(
                    "The network healed. {node} caught up and learned that round {seq} names \
                     {new}, so it follows {new} now. While it was cut off it did not hand out a \
                     single timestamp: every one it ever served is below the new leader's."
                )
            },
        ),
    ]
}

/// The steps of a tour (empty for an unknown name).
pub fn steps(name: &str) -> Vec<Step> {
    match name {
        "first-election" => first_election(),
        "dueling" => dueling(),
        "leader-crash" => leader_crash(),
        "timestamp-bound" => timestamp_bound(),
        "partitioned-leader" => partitioned_leader(),
        _ => Vec::new(),
    }
}

/// Steps from the cursor until a recorded event satisfies `hit`, or time passes `limit`
/// ([`Run::run_until_event`], but the predicate also sees the record and the world).
/// Returns the matching event's index.
pub fn run_until(
    run: &mut Run,
    limit: Time,
    mut hit: impl FnMut(&Run, usize) -> bool,
) -> Option<usize> {
    loop {
        let before = run.cursor_event();
        match run.world().next_time(run.interventions()) {
            Some(t) if t <= limit => {}
            _ => {
                run.seek(limit);
                return None;
            }
        }
        if !run.step() {
            return None;
        }
        let after = run.cursor_event();
        if let Some(i) = (before..after).find(|&i| hit(run, i)) {
            return Some(i);
        }
    }
}

/// Where a tour stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The run's step count there (the position, for exact rewinds).
    pub steps: u64,
    /// Virtual time there.
    pub t: Time,
    /// The event that triggered it (None for the introduction, or when it never came).
    pub event: Option<usize>,
    /// What the card says.
    pub caption: String,
}

/// Someone following one tour: where they are and every stop reached so far.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The tour.
    pub info: TourInfo,
    /// Its steps.
    pub steps: Vec<Step>,
    /// 0 = the introduction, k = step k reached.
    pub at: usize,
    /// `stops[k]` for every k reached so far (`stops[0]` is the introduction).
    pub stops: Vec<Stop>,
    /// The user did something else since the tour last moved: the run may be elsewhere.
    pub paused: bool,
    /// The configuration and interventions the stops belong to (a different run — forked,
    /// rebuilt, another scenario — invalidates them).
    config: SimConfig,
    interventions: Vec<Intervention>,
}

impl Progress {
    /// A tour starting on `run`, a fresh run of its scenario (at time 0).
    pub fn start(info: TourInfo, run: &Run) -> Progress {
        Progress {
            info,
            steps: steps(info.name),
            at: 0,
            stops: vec![Stop {
                steps: run.world().steps,
                t: run.now(),
                event: None,
                caption: info.intro.to_string(),
            }],
            paused: false,
            config: run.config().clone(),
            interventions: run.interventions().to_vec(),
        }
    }

    /// Number of steps (the introduction not counted).
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the tour has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The current step (None at the introduction).
    pub fn current(&self) -> Option<&Step> {
        self.at.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// The current stop.
    pub fn stop(&self) -> &Stop {
        &self.stops[self.at]
    }

    /// Whether `run` is still the run the stops were recorded on.
    pub fn same_run(&self, run: &Run) -> bool {
        run.config() == &self.config && run.interventions() == self.interventions.as_slice()
    }

    /// Whether `run` is exactly at the current stop.
    pub fn on_track(&self, run: &Run) -> bool {
        self.same_run(run) && run.world().steps == self.stop().steps
    }

    /// Moves `run` (the tour's run) to the current stop.
    pub fn return_to_stop(&self, run: &mut Run) {
        run.seek_steps(self.stop().steps);
    }

    /// Goes one step forward on `run` (the tour's run, at the current stop): to a stop reached
    /// before by seeking, otherwise by applying the step's action and running to its trigger.
    /// Returns false at the end of the tour.
    pub fn next(&mut self, run: &mut Run) -> bool {
        let k = self.at + 1;
        if k > self.steps.len() {
            return false;
        }
        if let Some(stop) = self.stops.get(k) {
            run.seek_steps(stop.steps);
            self.at = k;
            return true;
        }
        let step = &self.steps[k - 1];
        if let Some(action) = step.action.clone() {
            // A tour's own actions are valid by construction.
            let _ = run.act(action);
            self.interventions = run.interventions().to_vec();
        }
        let trigger = step.trigger;
        // Several moments can happen in one simulator step: look at the rest of the previous
        // stop's step first (the clock does not move then).
        let mut found = None;
        if step.action.is_none() {
            if let Some(prev) = self.stops[k - 1].event {
                found = (prev + 1..run.cursor_event()).find(|&index| trigger(&Hit { run, index }));
            }
        }
        if found.is_none() {
            let limit = run.now() + step.within;
            found = run_until(run, limit, |run, index| trigger(&Hit { run, index }));
        }
        let caption = match found {
            Some(index) => (step.caption)(&Hit { run, index }),
            None => format!(
                "This moment did not come within {} — the run went differently than the tour \
                 expected. Press Resume or Back to return to the tour's run.",
                seconds(step.within)
            ),
        };
        self.stops.push(Stop {
            steps: run.world().steps,
            t: run.now(),
            event: found,
            caption,
        });
        self.at = k;
        true
    }

    /// Goes one step back on `run` (the tour's run): a real rewind to the previous stop.
    pub fn back(&mut self, run: &mut Run) {
        if self.at > 0 {
            self.at -= 1;
            run.seek_steps(self.stops[self.at].steps);
        }
    }

    /// Recomputes the stops up to the current one on `fresh`, a new run of the tour's scenario
    /// (after the user left the tour's run). Deterministic: the same stops come back.
    pub fn replay(&mut self, fresh: &mut Run) {
        let target = self.at;
        self.stops.truncate(1);
        self.at = 0;
        self.config = fresh.config().clone();
        self.interventions = fresh.interventions().to_vec();
        while self.at < target && self.next(fresh) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario;

    fn fresh(info: &TourInfo) -> Run {
        let s = scenario::by_name(info.scenario).expect("a tour's scenario exists");
        Run::new(s.config, s.interventions).unwrap()
    }

    #[test]
    fn every_tour_has_a_scenario_and_steps() {
        for t in ALL {
            assert!(scenario::by_name(t.scenario).is_some(), "{}", t.name);
            assert!(steps(t.name).len() >= 5, "{}", t.name);
            assert_eq!(info(t.name), Some(t));
        }
        assert!(info("nope").is_none() && steps("nope").is_empty());
    }

    #[test]
    fn every_step_of_every_tour_triggers_in_order_within_its_limit() {
        for t in ALL {
            let mut run = fresh(&t);
            let mut p = Progress::start(t, &run);
            let mut last_t = 0;
            while p.next(&mut run) {
                let stop = p.stop().clone();
                let step = p.current().unwrap().title;
                let i = stop.event.unwrap_or_else(|| {
                    panic!("{} / {step}: no trigger ({})", t.name, stop.caption)
                });
                assert!(stop.t >= last_t, "{} / {step}: time went back", t.name);
                assert!(stop.t <= last_t + p.current().unwrap().within);
                assert!(p.on_track(&run), "{} / {step}", t.name);
                assert!(
                    i < run.cursor_event(),
                    "{} / {step}: stopped after its trigger",
                    t.name
                );
                assert!(
                    stop.caption.len() > 80,
                    "{} / {step}: {}",
                    t.name,
                    stop.caption
                );
                last_t = stop.t;
            }
            assert_eq!(p.at, p.len(), "{}", t.name);
        }
    }

    #[test]
    fn captions_name_the_triggering_event() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        p.next(&mut run);
        p.next(&mut run);
        let stop = p.stop();
        let EventKind::Deliver(id) = run.history().events[stop.event.unwrap()].kind else {
            panic!("the refusal step stops at a delivery");
        };
        let m = &run.history().messages[id as usize];
        let Msg::Nack { promised, .. } = m.msg else {
            panic!("a Nack");
        };
        assert!(stop.caption.contains("was rejected"), "{}", stop.caption);
        assert!(stop.caption.contains(&promised.to_string()));
        assert!(stop.caption.starts_with(&m.to.to_string()));
    }

    #[test]
    fn the_dueling_tour_livelocks_until_the_random_wait_is_switched_on() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        for _ in 0..5 {
            p.next(&mut run);
        }
        assert_eq!(p.current().unwrap().title, "Livelock");
        assert!(run.now() >= 5 * S);
        assert!(run.world().leader().is_none(), "no leader without the wait");
        assert!(run.interventions().is_empty());
        p.next(&mut run);
        assert!(matches!(
            run.interventions()[0].action,
            Action::Set(Param::Backoff(BackoffPolicy::Uniform { .. }))
        ));
        while p.next(&mut run) {}
        assert!(run.world().leader().is_some());
    }

    #[test]
    fn back_and_next_travel_between_the_same_stops() {
        let t = info("leader-crash").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        for _ in 0..4 {
            p.next(&mut run);
        }
        let at4 = p.stop().clone();
        p.back(&mut run);
        p.back(&mut run);
        assert_eq!(p.at, 2);
        assert_eq!(run.world().steps, p.stops[2].steps);
        assert!(run.now() < at4.t, "really rewound");
        p.next(&mut run);
        p.next(&mut run);
        assert_eq!(p.stop(), &at4);
        assert_eq!(run.world().steps, at4.steps);
        assert!(p.on_track(&run));
    }

    #[test]
    fn replay_on_a_fresh_run_finds_the_same_stops() {
        let t = info("dueling").unwrap();
        let mut run = fresh(&t);
        let mut p = Progress::start(t, &run);
        while p.next(&mut run) {}
        let stops = p.stops.clone();
        let mut again = fresh(&t);
        assert!(
            !p.same_run(&again),
            "the tour's action changed the interventions"
        );
        p.replay(&mut again);
        assert_eq!(p.stops, stops);
        assert!(p.on_track(&again));
    }
}

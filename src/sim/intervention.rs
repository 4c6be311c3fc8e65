//! Interventions: everything a person (or a scenario, or the swarm) does to a run, as data
//! with a time. Seed + configuration + interventions reproduce a run exactly.

use serde::{Deserialize, Serialize};

use super::config::Time;
use crate::engine::{Address, BackoffPolicy, Micros, Msg, NodeId, TimerKind, MS};

/// A parameter that can be changed mid-run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ParamJson", try_from = "ParamJson")]
pub enum Param {
    /// Message loss, parts per million.
    LossPpm(u32),
    /// Message duplication, parts per million.
    DuplicatePpm(u32),
    /// One-way latency range.
    Latency {
        /// Smallest.
        min: Micros,
        /// Largest.
        max: Micros,
    },
    /// The election backoff policy.
    Backoff(BackoffPolicy),
    /// Follower ping period.
    PingInterval(Micros),
    /// Ping reply deadline.
    PingTimeout(Micros),
    /// Turn one injected bug on or off.
    Bug {
        /// Bug name (see [`crate::engine::Bugs::NAMES`]).
        name: String,
        /// On or off.
        on: bool,
    },
    /// Turn one AtlasDB quirk on or off.
    Quirk {
        /// Quirk name (see [`crate::engine::Quirks::NAMES`]).
        name: String,
        /// On or off.
        on: bool,
    },
}

/// Drops messages that match every given field, until filters are cleared.
/// TigerBeetle-style link filters make counterexamples independent of exact timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkFilter {
    /// Only messages from this node (any if None).
    pub from: Option<NodeId>,
    /// Only messages to this node (any if None).
    pub to: Option<NodeId>,
    /// Only this message type, by [`crate::engine::Msg::TYPE_NAMES`] position (any if None).
    pub msg_type: Option<u8>,
}

impl LinkFilter {
    /// Whether a message from `from` to `to` of type `type_index` is dropped.
    pub fn matches(&self, from: Address, to: Address, type_index: usize) -> bool {
        self.from.is_none_or(|f| from == Address::Node(f))
            && self.to.is_none_or(|t| to == Address::Node(t))
            && self.msg_type.is_none_or(|m| usize::from(m) == type_index)
    }

    /// One line, e.g. "Accepted messages to N3".
    pub fn describe(&self) -> String {
        let what = self
            .msg_type
            .and_then(|m| Msg::TYPE_NAMES.get(usize::from(m)))
            .map_or("all".to_string(), |n| n.to_string());
        let mut s = format!("{what} messages");
        if let Some(f) = self.from {
            s.push_str(&format!(" from {f}"));
        }
        if let Some(t) = self.to {
            s.push_str(&format!(" to {t}"));
        }
        s
    }
}

/// One move of a scripted run ([`super::config::SimConfig::scripted`]): in such a run the
/// network and the timers do nothing on their own, so a model checker's counterexample — a
/// sequence of exactly these choices — replays in the ordinary world, event for event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scripted {
    /// The in-flight message with this id arrives now.
    Deliver(u64),
    /// The network copies the in-flight message: a second one (a new id) is in flight too.
    Duplicate(u64),
    /// The in-flight message is lost now.
    Lose(u64),
    /// An armed timer fires now.
    Fire {
        /// Its owner.
        at: Address,
        /// Which timer.
        timer: TimerKind,
    },
}

/// What happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ActionJson", try_from = "ActionJson")]
pub enum Action {
    /// The node stops; volatile state is lost.
    Crash(NodeId),
    /// Whoever leads at that moment crashes (nothing happens if nobody leads).
    CrashLeader,
    /// Whoever leads is cut off together with its `followers` lowest-numbered peers.
    IsolateLeader {
        /// How many followers stay on the leader's side.
        followers: u8,
    },
    /// Start dropping matching messages.
    Filter(LinkFilter),
    /// Stop every filter.
    ClearFilters,
    /// The node comes back as a new incarnation.
    Restart(NodeId),
    /// Split the cluster: messages between different groups are dropped.
    Partition(Vec<Vec<NodeId>>),
    /// Remove every partition.
    Heal,
    /// Drop one in-flight message by its id.
    DropMessage(u64),
    /// A one-off client asks `node` for `count` timestamps.
    ClientRequest {
        /// The node asked first.
        node: NodeId,
        /// How many timestamps.
        count: u64,
    },
    /// Change a parameter from now on.
    Set(Param),
    /// Every message to or from the node takes `extra` longer (a garbage-collection pause, a
    /// slow disk or link): slow is not down — it answers, late. 0 makes it normal again.
    Slow {
        /// The slow node.
        node: NodeId,
        /// Added to every one-way latency to or from it.
        extra: Micros,
    },
    /// One move of a scripted run (a model checker's counterexample).
    Script(Scripted),
}

/// An action at a time. Interventions at time t take effect after every event at t.
/// In JSON: `{"at": 8000000, "action": {"kind": "crash", "node": 3}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    /// When (µs of virtual time).
    pub at: Time,
    /// What.
    pub action: Action,
}

impl Intervention {
    /// Shorthand.
    pub fn new(at: Time, action: Action) -> Intervention {
        Intervention { at, action }
    }
}

impl Action {
    /// Short kind name used in traces.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Crash(_) => "crash",
            Action::CrashLeader => "crash-leader",
            Action::IsolateLeader { .. } => "isolate-leader",
            Action::Filter(_) => "filter",
            Action::ClearFilters => "clear-filters",
            Action::Restart(_) => "restart",
            Action::Partition(_) => "partition",
            Action::Heal => "heal",
            Action::DropMessage(_) => "drop-message",
            Action::ClientRequest { .. } => "client-request",
            Action::Set(_) => "set",
            Action::Slow { .. } => "slow",
            Action::Script(Scripted::Deliver(_)) => "deliver",
            Action::Script(Scripted::Duplicate(_)) => "duplicate",
            Action::Script(Scripted::Lose(_)) => "lose",
            Action::Script(Scripted::Fire { .. }) => "fire",
        }
    }

    /// One line for logs and the timeline.
    pub fn describe(&self) -> String {
        match self {
            Action::Crash(n) => format!("crash {n}"),
            Action::CrashLeader => "crash the leader".into(),
            Action::IsolateLeader { followers: 0 } => "isolate the leader".into(),
            Action::IsolateLeader { followers } => {
                format!("cut the leader off with {followers} follower(s)")
            }
            Action::Filter(f) => format!("drop {}", f.describe()),
            Action::ClearFilters => "stop dropping filtered messages".into(),
            Action::Restart(n) => format!("restart {n}"),
            Action::Partition(groups) => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                format!("partition {}", g.join(" | "))
            }
            Action::Heal => "heal the network".into(),
            Action::DropMessage(id) => format!("drop message #{id}"),
            Action::ClientRequest { node, count } => {
                format!("client asks {node} for {count} timestamps")
            }
            Action::Set(p) => match p {
                Param::LossPpm(p) => format!("loss {}%", super::units::short(i128::from(*p), 4)),
                Param::DuplicatePpm(p) => {
                    format!("duplicates {}%", super::units::short(i128::from(*p), 4))
                }
                Param::Latency { min, max } => {
                    format!("latency {}–{} ms", min / MS, max / MS)
                }
                Param::Backoff(b) => format!("backoff {} {} ms", b.name(), b.max_wait() / MS),
                Param::PingInterval(v) => format!("ping interval {} ms", v / MS),
                Param::PingTimeout(v) => format!("ping timeout {} ms", v / MS),
                Param::Bug { name, on } => {
                    format!("bug {name} {}", if *on { "on" } else { "off" })
                }
                Param::Quirk { name, on } => {
                    format!("AtlasDB quirk {name} {}", if *on { "on" } else { "off" })
                }
            },
            Action::Slow { node, extra: 0 } => format!("{node} back to normal speed"),
            Action::Slow { node, extra } => {
                format!("{node} slow: +{} ms each way", extra / MS)
            }
            Action::Script(Scripted::Deliver(id)) => format!("deliver message #{id}"),
            Action::Script(Scripted::Duplicate(id)) => format!("duplicate message #{id}"),
            Action::Script(Scripted::Lose(id)) => format!("lose message #{id}"),
            Action::Script(Scripted::Fire { at, timer }) => {
                format!("{at}'s {} timer fires", timer.name())
            }
        }
    }

    /// Checks node ids and values against the cluster size; the message is for the user.
    pub fn validate(&self, nodes: u8) -> Result<(), String> {
        let node_ok = |n: &NodeId| {
            if n.0 == 0 || n.0 > nodes {
                Err(format!("node {} does not exist (nodes are 1–{nodes})", n.0))
            } else {
                Ok(())
            }
        };
        match self {
            Action::Crash(n) | Action::Restart(n) => node_ok(n),
            Action::ClientRequest { node, count } => {
                node_ok(node)?;
                if *count == 0 || *count > 10_000 {
                    return Err(format!(
                        "a request asks for 1–10000 timestamps, not {count}"
                    ));
                }
                Ok(())
            }
            Action::Partition(groups) => {
                let mut seen = 0u16;
                for n in groups.iter().flatten() {
                    node_ok(n)?;
                    let bit = 1u16 << n.index();
                    if seen & bit != 0 {
                        return Err(format!("{n} appears in two partition groups"));
                    }
                    seen |= bit;
                }
                if groups.iter().filter(|g| !g.is_empty()).count() < 2 {
                    return Err("a partition needs at least two non-empty groups".into());
                }
                Ok(())
            }
            Action::Set(Param::LossPpm(p)) | Action::Set(Param::DuplicatePpm(p)) => {
                if *p > 1_000_000 {
                    Err("rates must be 0–100 %".into())
                } else {
                    Ok(())
                }
            }
            Action::Set(Param::Latency { min, max }) => {
                if min > max || *max > 60_000 * MS {
                    Err("latency needs min ≤ max ≤ 60 s".into())
                } else {
                    Ok(())
                }
            }
            Action::Set(Param::PingInterval(v)) | Action::Set(Param::PingTimeout(v)) => {
                if *v == 0 || *v > 600_000 * MS {
                    Err("ping times must be 1 µs – 600 s".into())
                } else {
                    Ok(())
                }
            }
            Action::Set(Param::Backoff(b)) => {
                if b.max_wait() > 600_000 * MS {
                    Err("backoff wait must be at most 600 s".into())
                } else {
                    Ok(())
                }
            }
            Action::Set(Param::Bug { name, .. }) => {
                if crate::engine::Bugs::default().get(name).is_none() {
                    Err(format!("unknown bug '{name}'"))
                } else {
                    Ok(())
                }
            }
            Action::Set(Param::Quirk { name, .. }) => {
                if crate::engine::Quirks::default().get(name).is_none() {
                    Err(format!("unknown AtlasDB quirk '{name}'"))
                } else {
                    Ok(())
                }
            }
            Action::Slow { node, extra } => {
                node_ok(node)?;
                if *extra > 60_000 * MS {
                    Err("a node can be slowed by at most 60 s".into())
                } else {
                    Ok(())
                }
            }
            Action::IsolateLeader { followers } => {
                if usize::from(*followers) + 1 >= usize::from(nodes) {
                    Err(format!(
                        "the leader's side must leave someone out (at most {} followers)",
                        nodes.saturating_sub(2)
                    ))
                } else {
                    Ok(())
                }
            }
            Action::Filter(f) => {
                if let Some(n) = &f.from {
                    node_ok(n)?;
                }
                if let Some(n) = &f.to {
                    node_ok(n)?;
                }
                if f.msg_type
                    .is_some_and(|m| usize::from(m) >= Msg::TYPE_NAMES.len())
                {
                    return Err("unknown message type in filter".into());
                }
                Ok(())
            }
            Action::Script(Scripted::Fire {
                at: Address::Node(n),
                ..
            }) => node_ok(n),
            Action::Heal
            | Action::DropMessage(_)
            | Action::CrashLeader
            | Action::ClearFilters
            | Action::Script(_) => Ok(()),
        }
    }
}

/// [`Action`] as JSON: `{"kind": "crash", "node": 3}`. The Rust enum keeps tuple variants
/// (they read well in code); this twin gives every field a name on the wire.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum ActionJson {
    Crash {
        node: NodeId,
    },
    CrashLeader,
    IsolateLeader {
        #[serde(default)]
        followers: u8,
    },
    Filter {
        #[serde(default)]
        from: Option<NodeId>,
        #[serde(default)]
        to: Option<NodeId>,
        /// A message type name such as "Accept"; absent means every type.
        #[serde(default, rename = "type")]
        msg_type: Option<String>,
    },
    ClearFilters,
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Heal,
    DropMessage {
        id: u64,
    },
    ClientRequest {
        node: NodeId,
        count: u64,
    },
    Set(Param),
    Slow {
        node: NodeId,
        extra_us: Micros,
    },
    Deliver {
        id: u64,
    },
    Duplicate {
        id: u64,
    },
    Lose {
        id: u64,
    },
    Fire {
        at: Address,
        timer: TimerKind,
    },
}

impl From<Action> for ActionJson {
    fn from(a: Action) -> ActionJson {
        match a {
            Action::Crash(node) => ActionJson::Crash { node },
            Action::CrashLeader => ActionJson::CrashLeader,
            Action::IsolateLeader { followers } => ActionJson::IsolateLeader { followers },
            Action::Filter(f) => ActionJson::Filter {
                from: f.from,
                to: f.to,
                msg_type: f
                    .msg_type
                    .and_then(|m| Msg::TYPE_NAMES.get(usize::from(m)))
                    .map(|n| n.to_string()),
            },
            Action::ClearFilters => ActionJson::ClearFilters,
            Action::Restart(node) => ActionJson::Restart { node },
            Action::Partition(groups) => ActionJson::Partition { groups },
            Action::Heal => ActionJson::Heal,
            Action::DropMessage(id) => ActionJson::DropMessage { id },
            Action::ClientRequest { node, count } => ActionJson::ClientRequest { node, count },
            Action::Set(param) => ActionJson::Set(param),
            Action::Slow { node, extra } => ActionJson::Slow {
                node,
                extra_us: extra,
            },
            Action::Script(Scripted::Deliver(id)) => ActionJson::Deliver { id },
            Action::Script(Scripted::Duplicate(id)) => ActionJson::Duplicate { id },
            Action::Script(Scripted::Lose(id)) => ActionJson::Lose { id },
            Action::Script(Scripted::Fire { at, timer }) => ActionJson::Fire { at, timer },
        }
    }
}

impl TryFrom<ActionJson> for Action {
    type Error = String;
    fn try_from(a: ActionJson) -> Result<Action, String> {
        Ok(match a {
            ActionJson::Crash { node } => Action::Crash(node),
            ActionJson::CrashLeader => Action::CrashLeader,
            ActionJson::IsolateLeader { followers } => Action::IsolateLeader { followers },
            ActionJson::Filter { from, to, msg_type } => Action::Filter(LinkFilter {
                from,
                to,
                msg_type: match msg_type {
                    None => None,
                    Some(name) => Some(Msg::type_of_name(&name).ok_or_else(|| {
                        format!(
                            "unknown message type '{}' (one of {})",
                            super::units::clip(&name, 40),
                            Msg::TYPE_NAMES.join(", ")
                        )
                    })?),
                },
            }),
            ActionJson::ClearFilters => Action::ClearFilters,
            ActionJson::Restart { node } => Action::Restart(node),
            ActionJson::Partition { groups } => Action::Partition(groups),
            ActionJson::Heal => Action::Heal,
            ActionJson::DropMessage { id } => Action::DropMessage(id),
            ActionJson::ClientRequest { node, count } => Action::ClientRequest { node, count },
            ActionJson::Set(param) => Action::Set(param),
            ActionJson::Slow { node, extra_us } => Action::Slow {
                node,
                extra: extra_us,
            },
            ActionJson::Deliver { id } => Action::Script(Scripted::Deliver(id)),
            ActionJson::Duplicate { id } => Action::Script(Scripted::Duplicate(id)),
            ActionJson::Lose { id } => Action::Script(Scripted::Lose(id)),
            ActionJson::Fire { at, timer } => Action::Script(Scripted::Fire { at, timer }),
        })
    }
}

/// [`Param`] as JSON, beside `"kind": "set"`: `{"param": "latency", "min_us": …, "max_us": …}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "param", rename_all = "kebab-case")]
enum ParamJson {
    LossPpm {
        value: u32,
    },
    DuplicatePpm {
        value: u32,
    },
    Latency {
        min_us: Micros,
        max_us: Micros,
    },
    /// A policy by name and its (largest) wait, as the backoff control sets it.
    Backoff {
        policy: String,
        max_wait_us: Micros,
    },
    PingInterval {
        value_us: Micros,
    },
    PingTimeout {
        value_us: Micros,
    },
    Bug {
        name: String,
        on: bool,
    },
    Quirk {
        name: String,
        on: bool,
    },
}

impl From<Param> for ParamJson {
    fn from(p: Param) -> ParamJson {
        match p {
            Param::LossPpm(value) => ParamJson::LossPpm { value },
            Param::DuplicatePpm(value) => ParamJson::DuplicatePpm { value },
            Param::Latency { min, max } => ParamJson::Latency {
                min_us: min,
                max_us: max,
            },
            Param::Backoff(b) => ParamJson::Backoff {
                policy: b.name().to_string(),
                max_wait_us: b.max_wait(),
            },
            Param::PingInterval(value_us) => ParamJson::PingInterval { value_us },
            Param::PingTimeout(value_us) => ParamJson::PingTimeout { value_us },
            Param::Bug { name, on } => ParamJson::Bug { name, on },
            Param::Quirk { name, on } => ParamJson::Quirk { name, on },
        }
    }
}

impl TryFrom<ParamJson> for Param {
    type Error = String;
    fn try_from(p: ParamJson) -> Result<Param, String> {
        Ok(match p {
            ParamJson::LossPpm { value } => Param::LossPpm(value),
            ParamJson::DuplicatePpm { value } => Param::DuplicatePpm(value),
            ParamJson::Latency { min_us, max_us } => Param::Latency {
                min: min_us,
                max: max_us,
            },
            ParamJson::Backoff {
                policy,
                max_wait_us,
            } => Param::Backoff(BackoffPolicy::from_name(&policy, max_wait_us).ok_or_else(
                || {
                    format!(
                        "unknown backoff '{}' (one of {})",
                        super::units::clip(&policy, 40),
                        BackoffPolicy::NAMES.join(", ")
                    )
                },
            )?),
            ParamJson::PingInterval { value_us } => Param::PingInterval(value_us),
            ParamJson::PingTimeout { value_us } => Param::PingTimeout(value_us),
            ParamJson::Bug { name, on } => Param::Bug { name, on },
            ParamJson::Quirk { name, on } => Param::Quirk { name, on },
        })
    }
}

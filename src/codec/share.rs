//! Share links: a run's seed, configuration, interventions and cursor as a URL query string.
//!
//! Opening the link reproduces the exact run. Decoding never fails: every parameter that is
//! malformed or out of range is reported as a [`LinkProblem`] and replaced by its default, so a
//! broken link still opens a working lab.
//!
//! The query is split and unescaped by `form_urlencoded` and values are escaped with
//! `percent-encoding`, leaving `: , . - _ *` readable; the little language inside `iv`
//! (`at:kind:args`, see [`encode_intervention`]) is this module's own.
//!
//! ```text
//! ?s=leader-crash&seed=7&n=5&loss=10&bo=none:0&iv=8000000:crash:3,12000000:restart:3&t=9500000
//! ```

use std::fmt::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::engine::{Address, BackoffPolicy, Micros, Msg, NodeId, TimerKind, MS};
use crate::sim::config::{Preset, SimConfig, Time};
use crate::sim::intervention::{Action, Intervention, LinkFilter, Param, Scripted};
use crate::sim::scenario;
use crate::sim::units;
use crate::sim::Run;

/// What a link describes.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The scenario it started from, if any (its name labels the run).
    pub scenario: Option<String>,
    /// The timing preset the configuration started from.
    pub preset: Preset,
    /// The full configuration, seed included.
    pub config: SimConfig,
    /// Every intervention, in order.
    pub interventions: Vec<Intervention>,
    /// Cursor time (µs).
    pub cursor: Time,
    /// Steps taken, when the cursor stands inside an instant (after "Step", with more events
    /// due at the same time): a time alone would reopen at the instant's end, one event or
    /// more further on than the screen and than "Copy as Rust test" say. None otherwise.
    pub steps: Option<u64>,
}

/// Where `run`'s cursor is, as a link holds it: its time, and its step count when the time
/// alone would not get back there (see [`Shared::steps`]).
pub fn cursor(run: &Run) -> (Time, Option<u64>) {
    let now = run.now();
    let mid_instant = run
        .world()
        .next_time(run.interventions())
        .is_some_and(|t| t <= now);
    (now, mid_instant.then_some(run.world().steps))
}

/// Moves `run` to a cursor read from a link: step-exact when it has a step count (never past
/// its time, whatever the link says), otherwise to the time.
pub fn go_to(run: &mut Run, t: Time, steps: Option<u64>) {
    match steps {
        Some(steps) => run.seek_steps_until(steps, t),
        None => run.seek(t),
    }
}

impl Default for Shared {
    fn default() -> Self {
        let s = scenario::all().remove(0);
        Shared {
            scenario: Some(s.name.to_string()),
            preset: Preset::Classroom,
            config: s.config,
            interventions: s.interventions,
            cursor: 0,
            steps: None,
        }
    }
}

fn ms(v: Micros) -> String {
    units::short(i128::from(v), 3)
}

fn pct(ppm: u32) -> String {
    units::short(i128::from(ppm), 4)
}

/// The configuration a link starts from before its overrides.
fn base(scenario: Option<&str>, preset: Preset, nodes: u8, seed: u64) -> SimConfig {
    let mut c = scenario
        .and_then(scenario::by_name)
        .map(|s| s.config)
        .unwrap_or_else(|| SimConfig::preset(preset, nodes, seed));
    c.seed = seed;
    c.protocol.nodes = nodes;
    c
}

/// Characters escaped in a value: everything but letters, digits and the punctuation the
/// link's own syntax uses, which is safe in a query and keeps links readable.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b':')
    .remove(b',')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'*');

/// Longest query string read; anything longer is not one of ours.
pub const MAX_QUERY_BYTES: usize = 256 * 1024;

/// Something in a link that could not be used; the lab opens anyway and says which part it
/// ignored. Quoted input is cut short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// Far longer than any link PaxosScope makes.
    TooLong {
        /// Its length.
        bytes: usize,
    },
    /// `s=` names no scenario.
    UnknownScenario(String),
    /// `p=` names no preset.
    UnknownPreset(String),
    /// `seed=` is not a 64-bit whole number.
    BadSeed {
        /// As given.
        value: String,
        /// Used instead.
        used: u64,
    },
    /// `n=` is not 3–9.
    BadNodes {
        /// As given.
        value: String,
        /// Used instead.
        used: u8,
    },
    /// A setting that could not be read; its default stays.
    BadSetting {
        /// The parameter.
        key: String,
        /// Its value.
        value: String,
        /// Why.
        why: String,
    },
    /// The settings, each fine alone, do not fit together; all of them were dropped.
    Inconsistent(String),
    /// One intervention in `iv=` was dropped.
    BadIntervention {
        /// As given.
        item: String,
        /// Why.
        why: String,
    },
    /// `t=` is not a time up to [`MAX_CURSOR`](crate::sim::config::MAX_CURSOR).
    BadTime(String),
    /// `st=` (the cursor's step inside an instant) is not a step count.
    BadSteps(String),
    /// More parameters than any link PaxosScope writes; the rest were not read.
    TooManyParameters {
        /// How many the link has.
        count: usize,
    },
}

fn q(s: &str) -> String {
    units::clip(s, 40)
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblem::TooLong { bytes } => write!(
                f,
                "This link is {} KB long, far more than PaxosScope writes; it was ignored and the default lab opened.",
                bytes / 1024
            ),
            LinkProblem::UnknownScenario(name) => write!(
                f,
                "There is no scenario called '{}'; using the default settings.",
                q(name)
            ),
            LinkProblem::UnknownPreset(p) => {
                write!(f, "Unknown preset '{}'; using classroom.", q(p))
            }
            LinkProblem::BadSeed { value, used } => write!(
                f,
                "The seed '{}' is not a whole number from 0 to 2^64−1; using {used}.",
                q(value)
            ),
            LinkProblem::BadNodes { value, used } => write!(
                f,
                "A cluster has 3–9 nodes, not '{}'; using {used}.",
                q(value)
            ),
            LinkProblem::BadSetting { key, value, why } => {
                write!(f, "Ignored '{}={}': {why}.", q(key), q(value))
            }
            LinkProblem::Inconsistent(why) => write!(
                f,
                "The link's settings are inconsistent ({why}); using the defaults."
            ),
            LinkProblem::BadIntervention { item, why } => {
                write!(f, "Ignored the intervention '{}': {why}.", q(item))
            }
            LinkProblem::BadTime(v) => match v.parse::<u128>() {
                Ok(_) => write!(
                    f,
                    "The time {} µs is past the last moment a link can open at (an hour); starting at 0.",
                    q(v)
                ),
                Err(_) => write!(
                    f,
                    "The time '{}' is not a number of microseconds; starting at 0.",
                    q(v)
                ),
            },
            LinkProblem::BadSteps(v) => write!(
                f,
                "The step '{}' is not a number of steps; opening at the end of that instant.",
                q(v)
            ),
            LinkProblem::TooManyParameters { count } => write!(
                f,
                "This link has {count} parameters, far more than PaxosScope writes; only the first {MAX_PARAMS} were read."
            ),
        }
    }
}

/// Most parameters read from one link (PaxosScope writes fewer than 40).
pub const MAX_PARAMS: usize = 200;

/// The query's `key=value` pairs, unescaped (`+` is a space).
fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect()
}

/// The last value of `key` in a query (the lab reads its own parameters, such as `tour`).
pub fn param(query: &str, key: &str) -> Option<String> {
    if query.len() > MAX_QUERY_BYTES {
        return None;
    }
    pairs(query)
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Encodes a run as a query string (without the leading `?`).
pub fn encode(shared: &Shared) -> String {
    let c = &shared.config;
    let p = &c.protocol;
    let mut q = String::new();
    let mut put = |k: &str, v: String| {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(k);
        q.push('=');
        q.extend(utf8_percent_encode(&v, VALUE));
    };
    match &shared.scenario {
        Some(s) => put("s", s.clone()),
        None => put("p", shared.preset.name().to_string()),
    }
    put("seed", c.seed.to_string());
    put("n", p.nodes.to_string());
    let b = base(shared.scenario.as_deref(), shared.preset, p.nodes, c.seed);
    let (bp, bn, bc) = (&b.protocol, &b.network, &b.clients);
    if (c.network.latency_min, c.network.latency_max) != (bn.latency_min, bn.latency_max) {
        put(
            "lat",
            format!(
                "{}-{}",
                ms(c.network.latency_min),
                ms(c.network.latency_max)
            ),
        );
    }
    if c.network.loss_ppm != bn.loss_ppm {
        put("loss", pct(c.network.loss_ppm));
    }
    if c.network.duplicate_ppm != bn.duplicate_ppm {
        put("dup", pct(c.network.duplicate_ppm));
    }
    if p.backoff != bp.backoff {
        put(
            "bo",
            format!("{}:{}", p.backoff.name(), ms(p.backoff.max_wait())),
        );
    }
    for (k, v, d) in [
        ("pi", p.ping_interval, bp.ping_interval),
        ("pt", p.ping_timeout, bp.ping_timeout),
        ("qt", p.quorum_timeout, bp.quorum_timeout),
        ("rs", p.resend_interval, bp.resend_interval),
        ("ct", c.clients.think, bc.think),
    ] {
        if v != d {
            put(k, ms(v));
        }
    }
    if p.bound_buffer != bp.bound_buffer {
        put("buf", p.bound_buffer.to_string());
    }
    if p.no_quorum_retries != bp.no_quorum_retries {
        put("nqr", p.no_quorum_retries.to_string());
    }
    if c.clients.timeout != bc.timeout {
        put("cto", ms(c.clients.timeout));
    }
    if c.scripted {
        put("scripted", "1".into());
    }
    if c.clients.count != bc.count {
        put("cl", c.clients.count.to_string());
    }
    if c.clients.batch != bc.batch {
        put("cb", c.clients.batch.to_string());
    }
    if c.clients.lock_clients != bc.lock_clients {
        put("lc", c.clients.lock_clients.to_string());
    }
    if c.clients.locks != bc.locks {
        put("ln", c.clients.locks.to_string());
    }
    for (k, v, d) in [
        ("lh", c.clients.lock_hold, bc.lock_hold),
        ("ll", p.lock_lease, bp.lock_lease),
    ] {
        if v != d {
            put(k, ms(v));
        }
    }
    if p.quirks != bp.quirks {
        match crate::engine::Protocol::of(p.quirks) {
            Some(profile) => put("proto", profile.name().to_string()),
            None => put("q", p.quirks.enabled().join(".")),
        }
    }
    if p.bugs != bp.bugs {
        put("bugs", p.bugs.enabled().join("."));
    }
    put(
        "iv",
        shared
            .interventions
            .iter()
            .map(encode_intervention)
            .collect::<Vec<_>>()
            .join(","),
    );
    put("t", shared.cursor.to_string());
    if let Some(steps) = shared.steps {
        put("st", steps.to_string());
    }
    q
}

fn opt_node(n: Option<NodeId>) -> String {
    n.map_or("*".into(), |n| n.0.to_string())
}

/// One intervention, `at:kind[:args]` (times in µs).
pub fn encode_intervention(iv: &Intervention) -> String {
    let mut s = format!("{}:", iv.at);
    match &iv.action {
        Action::Crash(n) => write!(s, "crash:{}", n.0),
        Action::Restart(n) => write!(s, "restart:{}", n.0),
        Action::CrashLeader => write!(s, "crash-leader"),
        Action::IsolateLeader { followers } => write!(s, "isolate-leader:{followers}"),
        Action::Partition(groups) => {
            let g: Vec<String> = groups
                .iter()
                .map(|g| g.iter().map(|n| n.0.to_string()).collect::<String>())
                .collect();
            write!(s, "partition:{}", g.join("-"))
        }
        Action::Heal => write!(s, "heal"),
        Action::DropMessage(id) => write!(s, "drop:{id}"),
        Action::Slow { node, extra } => write!(s, "slow:{}:{extra}", node.0),
        Action::Script(Scripted::Deliver(id)) => write!(s, "deliver:{id}"),
        Action::Script(Scripted::Duplicate(id)) => write!(s, "duplicate:{id}"),
        Action::Script(Scripted::Lose(id)) => write!(s, "lose:{id}"),
        Action::Script(Scripted::Fire { at, timer }) => write!(s, "fire:{at}:{}", timer.name()),
        Action::ClientRequest { node, count } => write!(s, "client:{}:{count}", node.0),
        Action::Filter(f) => write!(
            s,
            "filter:{}:{}:{}",
            opt_node(f.from),
            opt_node(f.to),
            f.msg_type
                .and_then(|m| Msg::TYPE_NAMES.get(usize::from(m)))
                .copied()
                .unwrap_or("*")
        ),
        Action::ClearFilters => write!(s, "clear-filters"),
        Action::Set(p) => match p {
            Param::LossPpm(v) => write!(s, "set:loss:{v}"),
            Param::DuplicatePpm(v) => write!(s, "set:dup:{v}"),
            Param::Latency { min, max } => write!(s, "set:lat:{min}:{max}"),
            Param::Backoff(b) => write!(s, "set:bo:{}:{}", b.name(), b.max_wait()),
            Param::PingInterval(v) => write!(s, "set:pi:{v}"),
            Param::PingTimeout(v) => write!(s, "set:pt:{v}"),
            Param::Bug { name, on } => write!(s, "set:bug:{name}:{}", u8::from(*on)),
            Param::Quirk { name, on } => write!(s, "set:quirk:{name}:{}", u8::from(*on)),
        },
    }
    .expect("writing to a String");
    s
}

fn node(s: &str) -> Result<NodeId, String> {
    s.parse::<u8>()
        .map(NodeId)
        .map_err(|_| format!("'{s}' is not a node number"))
}

fn opt(s: &str) -> Result<Option<NodeId>, String> {
    if s == "*" {
        Ok(None)
    } else {
        node(s).map(Some)
    }
}

/// A whole number of type `T`; a number outside `T`'s range says so rather than "not a
/// number" (`cl=100000` is a number, just far too many clients).
fn num<T: std::str::FromStr + TryFrom<u64>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|_| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let max = (0..64)
                .map(|b| u64::MAX >> b)
                .find(|&m| T::try_from(m).is_ok())
                .unwrap_or(0);
            format!("{} is out of range (0–{max})", units::clip(s, 24))
        } else {
            format!("'{}' is not a number", units::clip(s, 24))
        }
    })
}

/// Parses one `at:kind[:args]` intervention.
pub fn decode_intervention(s: &str) -> Result<Intervention, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let at: Time = num(parts[0])?;
    if at > crate::sim::config::MAX_CURSOR {
        return Err(format!(
            "{} µs is past the last moment a link can reach (an hour)",
            units::clip(parts[0], 24)
        ));
    }
    let arg = |i: usize| {
        parts
            .get(i)
            .copied()
            .ok_or_else(|| format!("'{s}' is missing a value"))
    };
    let kind = arg(1)?;
    let action = match kind {
        "crash" => Action::Crash(node(arg(2)?)?),
        "restart" => Action::Restart(node(arg(2)?)?),
        "crash-leader" => Action::CrashLeader,
        "isolate-leader" => Action::IsolateLeader {
            followers: num(arg(2)?)?,
        },
        "partition" => Action::Partition(
            arg(2)?
                .split('-')
                .map(|g| {
                    g.chars()
                        .map(|c| node(&c.to_string()))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        "heal" => Action::Heal,
        "drop" => Action::DropMessage(num(arg(2)?)?),
        "slow" => Action::Slow {
            node: node(arg(2)?)?,
            extra: num(arg(3)?)?,
        },
        "client" => Action::ClientRequest {
            node: node(arg(2)?)?,
            count: num(arg(3)?)?,
        },
        "filter" => {
            let t = arg(4)?;
            let msg_type = if t == "*" {
                None
            } else {
                Some(
                    Msg::TYPE_NAMES
                        .iter()
                        .position(|&n| n == t)
                        .ok_or_else(|| format!("unknown message type '{t}'"))?
                        as u8,
                )
            };
            Action::Filter(LinkFilter {
                from: opt(arg(2)?)?,
                to: opt(arg(3)?)?,
                msg_type,
            })
        }
        "clear-filters" => Action::ClearFilters,
        "deliver" => Action::Script(Scripted::Deliver(num(arg(2)?)?)),
        "duplicate" => Action::Script(Scripted::Duplicate(num(arg(2)?)?)),
        "lose" => Action::Script(Scripted::Lose(num(arg(2)?)?)),
        "fire" => {
            let at = arg(2)?;
            let at = match at.strip_prefix('C') {
                Some(c) => Address::Client(crate::engine::ClientId(num(c)?)),
                None => Address::Node(node(at.strip_prefix('N').unwrap_or(at))?),
            };
            let name = arg(3)?;
            let timer = TimerKind::ALL
                .into_iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| format!("unknown timer '{name}'"))?;
            Action::Script(Scripted::Fire { at, timer })
        }
        "set" => Action::Set(match arg(2)? {
            "loss" => Param::LossPpm(num(arg(3)?)?),
            "dup" => Param::DuplicatePpm(num(arg(3)?)?),
            "lat" => Param::Latency {
                min: num(arg(3)?)?,
                max: num(arg(4)?)?,
            },
            "bo" => {
                let name = arg(3)?;
                Param::Backoff(
                    BackoffPolicy::from_name(name, num(arg(4)?)?)
                        .ok_or_else(|| format!("unknown backoff '{name}'"))?,
                )
            }
            "pi" => Param::PingInterval(num(arg(3)?)?),
            "pt" => Param::PingTimeout(num(arg(3)?)?),
            "bug" => Param::Bug {
                name: arg(3)?.to_string(),
                on: arg(4)? == "1",
            },
            "quirk" => Param::Quirk {
                name: arg(3)?.to_string(),
                on: arg(4)? == "1",
            },
            other => return Err(format!("unknown setting '{other}'")),
        }),
        other => return Err(format!("unknown intervention '{other}'")),
    };
    Ok(Intervention { at, action })
}

fn parse_ms(v: &str) -> Result<Micros, String> {
    let us = units::parse(v, 3).ok_or_else(|| format!("'{v}' is not a number of milliseconds"))?;
    if us > 3_600_000 * MS {
        return Err(format!("{v} ms is out of range"));
    }
    Ok(us)
}

fn parse_pct(v: &str) -> Result<u32, String> {
    let ppm = units::parse(v, 4).ok_or_else(|| format!("'{v}' is not a percentage"))?;
    if ppm > 1_000_000 {
        return Err(format!("{v}% is outside 0–100"));
    }
    Ok(ppm as u32)
}

/// Decodes a query string (with or without `?`). Never fails: the second value lists what
/// was ignored and why.
pub fn decode(query: &str) -> (Shared, Vec<LinkProblem>) {
    let mut warnings = Vec::new();
    if query.len() > MAX_QUERY_BYTES {
        warnings.push(LinkProblem::TooLong { bytes: query.len() });
        return (Shared::default(), warnings);
    }
    let mut pairs = pairs(query);
    if pairs.is_empty() {
        return (Shared::default(), warnings);
    }
    if pairs.len() > MAX_PARAMS {
        warnings.push(LinkProblem::TooManyParameters { count: pairs.len() });
        pairs.truncate(MAX_PARAMS);
    }
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let mut scenario = get("s").map(str::to_string);
    if let Some(name) = &scenario {
        if scenario::by_name(name).is_none() {
            warnings.push(LinkProblem::UnknownScenario(name.clone()));
            scenario = None;
        }
    }
    let preset = match get("p") {
        None => Preset::Classroom,
        Some(p) => Preset::from_name(p).unwrap_or_else(|| {
            warnings.push(LinkProblem::UnknownPreset(p.to_string()));
            Preset::Classroom
        }),
    };
    let scen = scenario.as_deref().and_then(scenario::by_name);
    let default_seed = scen.as_ref().map_or(1, |s| s.config.seed);
    let seed = match get("seed") {
        None => default_seed,
        Some(v) => v.parse().unwrap_or_else(|_| {
            warnings.push(LinkProblem::BadSeed {
                value: v.to_string(),
                used: default_seed,
            });
            default_seed
        }),
    };
    let default_nodes = scen.as_ref().map_or(5, |s| s.config.protocol.nodes);
    let nodes = match get("n") {
        None => default_nodes,
        Some(v) => match v.parse::<u8>() {
            Ok(n) if (3..=9).contains(&n) => n,
            _ => {
                warnings.push(LinkProblem::BadNodes {
                    value: v.to_string(),
                    used: default_nodes,
                });
                default_nodes
            }
        },
    };
    let mut c = base(scenario.as_deref(), preset, nodes, seed);
    let fallback = c.clone();
    for (k, v) in &pairs {
        let r: Result<(), String> = (|| {
            match k.as_str() {
                // `tour` is the lab's (a guided tour and its step), not the run's.
                // `present` is the lab's too (presenter mode).
                "s" | "p" | "seed" | "n" | "iv" | "t" | "st" | "tour" | "present" => {}
                "lat" => {
                    let (a, b) = v
                        .split_once('-')
                        .ok_or("latency is written min-max, e.g. 60-140")?;
                    c.network.latency_min = parse_ms(a)?;
                    c.network.latency_max = parse_ms(b)?;
                }
                "loss" => c.network.loss_ppm = parse_pct(v)?,
                "dup" => c.network.duplicate_ppm = parse_pct(v)?,
                "bo" => {
                    let (name, max) = v.split_once(':').unwrap_or((v.as_str(), "0"));
                    c.protocol.backoff = BackoffPolicy::from_name(name, parse_ms(max)?)
                        .ok_or_else(|| format!("unknown backoff '{name}'"))?;
                }
                "pi" => c.protocol.ping_interval = parse_ms(v)?,
                "pt" => c.protocol.ping_timeout = parse_ms(v)?,
                "qt" => c.protocol.quorum_timeout = parse_ms(v)?,
                "rs" => c.protocol.resend_interval = parse_ms(v)?,
                "ct" => c.clients.think = parse_ms(v)?,
                "buf" => c.protocol.bound_buffer = num(v)?,
                "nqr" => c.protocol.no_quorum_retries = num(v)?,
                "cto" => c.clients.timeout = parse_ms(v)?,
                "scripted" => c.scripted = v == "1",
                "cl" => c.clients.count = num(v)?,
                "cb" => c.clients.batch = num(v)?,
                "lc" => c.clients.lock_clients = num(v)?,
                "ln" => c.clients.locks = num(v)?,
                "lh" => c.clients.lock_hold = parse_ms(v)?,
                "ll" => c.protocol.lock_lease = parse_ms(v)?,
                // Links made before quirks existed.
                "cup" => {
                    c.protocol.quirks.catch_up_after_preemption = match v.as_str() {
                        "1" => true,
                        "0" => false,
                        _ => return Err("cup is 1 (on) or 0 (off)".into()),
                    }
                }
                "proto" => {
                    c.protocol.quirks = crate::engine::Protocol::from_name(v)
                        .ok_or("the protocol is textbook or atlasdb")?
                        .quirks()
                }
                "q" => {
                    c.protocol.quirks = Default::default();
                    for q in v.split('.').filter(|q| !q.is_empty()) {
                        if !c.protocol.quirks.set(q, true) {
                            return Err(format!("unknown AtlasDB quirk '{q}'"));
                        }
                    }
                }
                "bugs" => {
                    c.protocol.bugs = Default::default();
                    for b in v.split('.').filter(|b| !b.is_empty()) {
                        if !c.protocol.bugs.set(b, true) {
                            return Err(format!("unknown bug '{b}'"));
                        }
                    }
                }
                other => return Err(format!("unknown parameter '{other}'")),
            }
            Ok(())
        })();
        if let Err(why) = r {
            warnings.push(LinkProblem::BadSetting {
                key: k.clone(),
                value: v.clone(),
                why: units::clip(&why, 120),
            });
        }
    }
    let config = match c.validate() {
        Ok(()) => c,
        Err(e) => {
            warnings.push(LinkProblem::Inconsistent(e));
            fallback
        }
    };
    let interventions = match get("iv") {
        None => scen.map(|s| s.interventions).unwrap_or_default(),
        Some(list) => {
            let mut out = Vec::new();
            for item in list.split(',').filter(|i| !i.is_empty()) {
                match decode_intervention(item).and_then(|iv| {
                    iv.action.validate(config.protocol.nodes)?;
                    Ok(iv)
                }) {
                    Ok(iv) => out.push(iv),
                    Err(why) => warnings.push(LinkProblem::BadIntervention {
                        item: item.to_string(),
                        why: units::clip(&why, 120),
                    }),
                }
            }
            out.sort_by_key(|iv| iv.at);
            out
        }
    };
    let cursor = match get("t") {
        None => 0,
        Some(v) => v
            .parse::<Time>()
            .ok()
            .filter(|t| *t <= crate::sim::config::MAX_CURSOR)
            .unwrap_or_else(|| {
                warnings.push(LinkProblem::BadTime(v.to_string()));
                0
            }),
    };
    let steps = match get("st") {
        None => None,
        Some(v) => match v.parse::<u64>() {
            Ok(s) => Some(s),
            Err(_) => {
                warnings.push(LinkProblem::BadSteps(v.to_string()));
                None
            }
        },
    };
    (
        Shared {
            scenario,
            preset,
            config,
            interventions,
            cursor,
            steps,
        },
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_round_trips_a_customised_run() {
        let mut s = Shared {
            scenario: Some("leader-crash".into()),
            config: scenario::by_name("leader-crash").unwrap().config,
            ..Shared::default()
        };
        s.config.seed = 99;
        s.config.network.loss_ppm = 123_400;
        s.config.network.latency_min = 1_500;
        s.config.protocol.backoff = BackoffPolicy::None;
        s.config.protocol.bugs.set("minority-quorum", true);
        s.config.clients.count = 4;
        s.interventions = vec![
            Intervention::new(
                5,
                Action::Partition(vec![vec![NodeId(1), NodeId(2)], vec![NodeId(3)]]),
            ),
            Intervention::new(
                6,
                Action::Filter(LinkFilter {
                    from: None,
                    to: Some(NodeId(2)),
                    msg_type: Some(3),
                }),
            ),
            Intervention::new(
                7,
                Action::Set(Param::Bug {
                    name: "acceptor-forgets".into(),
                    on: true,
                }),
            ),
            Intervention::new(8, Action::Set(Param::Latency { min: 10, max: 20 })),
            Intervention::new(
                9,
                Action::ClientRequest {
                    node: NodeId(3),
                    count: 5,
                },
            ),
            Intervention::new(10, Action::IsolateLeader { followers: 1 }),
            Intervention::new(
                11,
                Action::Slow {
                    node: NodeId(2),
                    extra: 2_000_000,
                },
            ),
            Intervention::new(
                12,
                Action::Set(Param::Quirk {
                    name: "lazy-start".into(),
                    on: true,
                }),
            ),
        ];
        s.cursor = 12_345;
        let q = encode(&s);
        let (back, warnings) = decode(&q);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back, s, "{q}");
        // The AtlasDB profile, a custom set of quirks, and the lock service's settings.
        s.config.protocol.quirks = crate::engine::Protocol::AtlasDb.quirks();
        s.config.clients.lock_clients = 3;
        s.config.clients.locks = 4;
        s.config.clients.lock_hold = 5_000_000;
        s.config.protocol.lock_lease = 2_000_000;
        let q = encode(&s);
        assert!(q.contains("proto=atlasdb"), "{q}");
        assert_eq!(decode(&q).0, s, "{q}");
        s.config.protocol.quirks.uuid_ballots = false;
        let q = encode(&s);
        assert!(q.contains("q=") && !q.contains("uuid-ballots"), "{q}");
        assert_eq!(decode(&q).0, s, "{q}");
    }

    #[test]
    fn an_empty_link_opens_the_default_lab() {
        let (s, w) = decode("");
        assert!(w.is_empty());
        assert_eq!(s, Shared::default());
    }

    #[test]
    fn bad_parameters_are_reported_and_replaced_by_defaults() {
        let (s, w) = decode(
            "?s=nope&seed=-4&n=42&loss=250&bo=sometimes:5&zzz=1&iv=5:crash:8,x:heal,9:heal&t=abc",
        );
        assert_eq!(s.config.protocol.nodes, 5);
        assert_eq!(s.config.network.loss_ppm, 0);
        assert_eq!(s.interventions, vec![Intervention::new(9, Action::Heal)]);
        assert_eq!(s.cursor, 0);
        let all = w
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        for needle in [
            "no scenario called 'nope'",
            "seed '-4'",
            "3–9 nodes",
            "250% is outside",
            "unknown backoff",
            "unknown parameter 'zzz'",
            "node 8 does not exist",
            "'x' is not a number",
            "time 'abc'",
        ] {
            assert!(all.contains(needle), "missing '{needle}' in:\n{all}");
        }
    }

    #[test]
    fn inconsistent_settings_fall_back_as_a_whole() {
        let (s, w) = decode("p=classroom&lat=200-100");
        assert!(matches!(w[0], LinkProblem::Inconsistent(_)), "{w:?}");
        assert_eq!(s.config.network, crate::sim::NetworkConfig::classroom());
    }

    #[test]
    fn percent_encoding_is_understood() {
        assert_eq!(param("x=a%3Ab+c%2&y=1", "x").as_deref(), Some("a:b c%2"));
        let (s, w) = decode("p=atlasdb&seed=3&iv=1000%3Acrash%3A2");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            s.interventions,
            vec![Intervention::new(1000, Action::Crash(NodeId(2)))]
        );
        assert_eq!(s.preset, Preset::AtlasDb);
    }
}

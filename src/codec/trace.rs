//! Trace export and import (JSON, versioned). The export is also what the UI downloads; an
//! import rebuilds the run from seed + config + interventions and checks, event by event, that
//! this engine reproduces the recorded events.
//!
//! ```json
//! {"version":2,"seed":7,"config":{"protocol":{"nodes":5,…},"network":{…},"clients":{…}},
//!  "interventions":[{"at":8000000,"action":{"kind":"crash-leader"}}],
//!  "cursor_us":12000000,"cursor_steps":4711,"events":[
//! {"t":0,"kind":"boot","at":1},
//! {"t":1200,"kind":"send","id":0,"from":1,"to":1,"msg":{"type":"Prepare","log":"leadership","seq":0,"ballot":{…}}},
//! {"t":1800,"at":1,"kind":"learned","log":"leadership","seq":0,"value":{"leader":{…}}},
//! …]}
//! ```
//! Times are µs. Nodes are integers from 1, clients are strings `"c0"`, `"c1"`, … One event
//! per line. What a process reported about itself (`"at"`) is the engine's own
//! [`Observation`](crate::engine::Observation), written by serde as it is.
//!
//! Version 1 (flat config, interventions without `"action"`, events in the old vocabulary) is
//! still read: its run is rebuilt from seed, configuration and interventions, and the replay
//! is checked against the recorded events' times (their contents are in the old vocabulary).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::engine::{Address, Incarnation, Msg, NodeId, Observation, TimerKind};
use crate::sim::checker::Violation;
use crate::sim::config::{SimConfig, Time, MAX_CURSOR};
use crate::sim::history::{Chunked, EventKind, History, MessageRecord, TraceEvent};
use crate::sim::intervention::{Action, Intervention};
use crate::sim::run::Run;
use crate::sim::units::clip;

/// Current trace format version.
pub const TRACE_VERSION: u64 = 2;

/// Largest trace the UI will import (bytes).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

// ---- events ----------------------------------------------------------------------------------

/// One line of `"events"`: the time, then what happened.
#[derive(Serialize)]
struct Line<'a> {
    t: Time,
    #[serde(flatten)]
    body: Body<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Event(EventLine<'a>),
    /// The observation brings its own `"kind"`.
    Observed {
        at: Address,
        #[serde(flatten)]
        observation: &'a Observation,
    },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum EventLine<'a> {
    Send {
        #[serde(flatten)]
        message: Option<MessageLine<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        arrive: Option<Time>,
    },
    Deliver {
        #[serde(flatten)]
        message: Option<MessageLine<'a>>,
    },
    Drop {
        #[serde(flatten)]
        message: Option<MessageLine<'a>>,
        reason: crate::sim::history::DropReason,
    },
    Boot {
        at: Address,
    },
    Timer {
        at: Address,
        timer: TimerKind,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
        incarnation: Incarnation,
    },
    Violation(&'a Violation),
    Intervene {
        action: &'a Action,
    },
}

/// A message's identity and payload, beside send/deliver/drop.
#[derive(Serialize)]
struct MessageLine<'a> {
    id: u64,
    from: Address,
    to: Address,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_of: Option<u64>,
    msg: &'a Msg,
}

fn line<'a>(e: &'a TraceEvent, messages: &'a Chunked<MessageRecord>) -> Line<'a> {
    let record = |id: u64| messages.get(id as usize);
    let message = |id: u64| {
        record(id).map(|m| MessageLine {
            id,
            from: m.from,
            to: m.to,
            duplicate_of: m.dup_of,
            msg: &m.msg,
        })
    };
    let body = match &e.kind {
        EventKind::Send(id) => Body::Event(EventLine::Send {
            message: message(*id),
            arrive: record(*id).map(|m| m.arrive),
        }),
        EventKind::Deliver(id) => Body::Event(EventLine::Deliver {
            message: message(*id),
        }),
        EventKind::Drop(id, reason) => Body::Event(EventLine::Drop {
            message: message(*id),
            reason: *reason,
        }),
        EventKind::Boot(at) => Body::Event(EventLine::Boot { at: *at }),
        EventKind::Timer(at, timer) => Body::Event(EventLine::Timer {
            at: *at,
            timer: *timer,
        }),
        EventKind::Crash(node) => Body::Event(EventLine::Crash { node: *node }),
        EventKind::Restart(node, incarnation) => Body::Event(EventLine::Restart {
            node: *node,
            incarnation: *incarnation,
        }),
        EventKind::Violation(v) => Body::Event(EventLine::Violation(v)),
        EventKind::Observed(at, observation) => Body::Observed {
            at: *at,
            observation,
        },
        EventKind::Intervene(action) => Body::Event(EventLine::Intervene { action }),
    };
    Line { t: e.t, body }
}

/// One event as a JSON line (messages are looked up for send/deliver/drop).
pub fn event_json(e: &TraceEvent, messages: &Chunked<MessageRecord>) -> String {
    serde_json::to_string(&line(e, messages)).unwrap_or_default()
}

/// Events `0..upto` as JSON lines, as [`export`] writes them.
pub fn event_lines(h: &History, upto: usize) -> impl Iterator<Item = String> + '_ {
    h.events.range(0..upto).map(|e| event_json(e, &h.messages))
}

/// FNV-1a: tiny, and the same on every platform (std's hasher is neither promised stable
/// nor the same across versions).
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// An event's fingerprint, independent of key order and whitespace: its JSON with keys sorted
/// (serde_json's `Value` keeps objects sorted), hashed. A trace reformatted by a person or a
/// tool still matches.
fn canonical_hash(v: &serde_json::Value) -> u64 {
    fnv1a(v.to_string().as_bytes(), FNV_OFFSET)
}

/// Fingerprints of events `0..upto`, one per event. Each line is read back as a `Value`, the
/// form an import hashes (this keeps one serializer per type in the browser bundle rather
/// than a second one writing `Value`s directly).
pub fn event_hashes(h: &History, upto: usize) -> impl Iterator<Item = u64> + '_ {
    h.events.range(0..upto).map(|e| {
        serde_json::from_str::<serde_json::Value>(&event_json(e, &h.messages))
            .map(|v| canonical_hash(&v))
            .unwrap_or(0)
    })
}

fn combine(hashes: impl Iterator<Item = u64>) -> u64 {
    hashes.fold(FNV_OFFSET, |acc, h| fnv1a(&h.to_le_bytes(), acc))
}

/// Fingerprint of the first `upto` events: identical runs have identical hashes, on every
/// platform.
pub fn trace_hash(h: &History, upto: usize) -> u64 {
    combine(event_hashes(h, upto))
}

// ---- whole traces ----------------------------------------------------------------------------

/// Everything but the events, in the order a reader wants it.
#[derive(Serialize)]
struct HeaderOut<'a> {
    version: u64,
    seed: u64,
    config: &'a SimConfig,
    interventions: &'a [Intervention],
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor_us: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor_steps: Option<u64>,
    /// The teaching scenario the run came from, so an import shows its title and lesson again.
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a str>,
}

fn open_document(header: &HeaderOut) -> String {
    let mut s = serde_json::to_string(header).unwrap_or_default();
    // The header is an object; the events go inside it, one per line.
    s.pop();
    s.push_str(",\"events\":[");
    s
}

/// A trace with no events: seed, configuration and interventions — what a generated Rust test
/// embeds to rebuild its run.
pub fn header_document(config: &SimConfig, interventions: &[Intervention]) -> String {
    let mut s = open_document(&HeaderOut {
        version: TRACE_VERSION,
        seed: config.seed,
        config,
        interventions,
        cursor_us: None,
        cursor_steps: None,
        scenario: None,
    });
    s.push_str("]}");
    s
}

/// The run's record up to the cursor as a trace document.
pub fn export(run: &Run) -> String {
    export_named(run, None)
}

/// [`export`], naming the teaching scenario the run came from (kept by an import when this
/// build knows a scenario of that name).
pub fn export_named(run: &Run, scenario: Option<&str>) -> String {
    let upto = run.cursor_event();
    let mut s = open_document(&HeaderOut {
        version: TRACE_VERSION,
        seed: run.config().seed,
        config: run.config(),
        interventions: &run.interventions()[..run.world().next_intervention],
        cursor_us: Some(run.now()),
        cursor_steps: Some(run.world().steps),
        scenario,
    });
    s.push('\n');
    for (i, line) in event_lines(run.history(), upto).enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&line);
    }
    s.push_str("\n]}\n");
    s
}

/// Why a file was not imported. Each says what to fix; none echoes more than a short piece of
/// the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Larger than [`MAX_IMPORT_BYTES`].
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Not JSON at all.
    NotJson {
        /// Where the parser gave up (from 1).
        line: usize,
        /// Column there (from 1).
        column: usize,
    },
    /// JSON cut off before its end: a download or copy that did not finish.
    CutOff,
    /// JSON, but not a trace object with a version.
    NotATrace,
    /// A trace of a version this build does not read.
    Version {
        /// The version it has.
        found: u64,
    },
    /// A part of the document is missing, or has an unknown, missing or mistyped field.
    Field {
        /// Which part: `seed`, `config`, `interventions[2]`, `events[7]`, …
        path: String,
        /// Where in the file (from 1).
        line: usize,
        /// Column there (from 1).
        column: usize,
        /// What is wrong.
        problem: String,
    },
    /// The configuration's values do not fit together.
    Config(String),
    /// An intervention names something that does not exist in this cluster.
    Intervention {
        /// Its position, from 1.
        number: usize,
        /// What is wrong.
        problem: String,
    },
    /// An event lacks its time or kind.
    Event {
        /// Its position, from 1.
        number: usize,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooLarge { bytes } => write!(
                f,
                "this file is {} MB; traces up to {} MB can be imported",
                crate::sim::units::fixed(*bytes as i128 * 10 / (1024 * 1024), 1, 1),
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
            ImportError::NotJson { line, column } => write!(
                f,
                "it is not valid JSON (the first mistake is at line {line}, column {column})"
            ),
            ImportError::CutOff => write!(
                f,
                "the file ends in the middle of its JSON (was the download or copy cut short?)"
            ),
            ImportError::NotATrace => write!(
                f,
                "this is not a PaxosScope trace: a trace is a JSON object with \"version\", \"seed\", \"config\", \"interventions\" and \"events\""
            ),
            ImportError::Version { found } => write!(
                f,
                "this trace has version {found}; this PaxosScope reads versions 1 and {TRACE_VERSION} (a newer PaxosScope wrote it?)"
            ),
            ImportError::Field {
                path,
                line,
                column,
                problem,
            } => {
                // serde_json adds its own place ("at line 1 column 40"), relative to the part.
                let problem = match problem.rfind(" at line ") {
                    Some(i) => &problem[..i],
                    None => problem,
                };
                write!(f, "in {path} (line {line}, column {column}): {problem}")
            }
            ImportError::Config(problem) => write!(f, "in config: {problem}"),
            ImportError::Intervention { number, problem } => {
                write!(f, "intervention {number}: {problem}")
            }
            ImportError::Event { number } => {
                write!(f, "event {number} needs a \"t\" (µs) and a \"kind\"")
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// serde's messages quote the offending input; keep the quote short.
fn problem(e: &serde_json::Error) -> String {
    clip(&e.to_string(), 320)
}

/// The document's top level: each member kept as the text it was, so each part is read on its
/// own and an error can say which part, and where in the file.
type TopLevel<'a> = std::collections::BTreeMap<String, &'a RawValue>;

/// Members a trace may have.
const MEMBERS: [&str; 8] = [
    "version",
    "seed",
    "config",
    "interventions",
    "cursor_us",
    "cursor_steps",
    "scenario",
    "events",
];

/// Where `part` (a slice of `text`) starts: line and column, from 1.
fn position(text: &str, part: &str, line: usize, column: usize) -> (usize, usize) {
    let start = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = &text[..start.min(text.len())];
    let lines_before = before.matches('\n').count();
    let col0 = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    if line <= 1 {
        (lines_before + 1, col0 + column)
    } else {
        (lines_before + line, column)
    }
}

/// Reads one part of the document as `T`; errors name the part and the place in the file.
fn read<'a, T: Deserialize<'a>>(
    text: &str,
    path: &str,
    raw: &'a RawValue,
) -> Result<T, ImportError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        let (line, column) = position(text, raw.get(), e.line(), e.column());
        ImportError::Field {
            path: path.to_string(),
            line,
            column,
            problem: problem(&e),
        }
    })
}

/// Like [`read`], for a part rewritten from version 1 (its place is the part's start).
fn read_rewritten<T: for<'de> Deserialize<'de>>(
    text: &str,
    path: &str,
    raw: &RawValue,
    rewritten: &Value,
) -> Result<T, ImportError> {
    serde_json::from_str(&rewritten.to_string()).map_err(|e| {
        let (line, column) = position(text, raw.get(), 1, 1);
        ImportError::Field {
            path: path.to_string(),
            line,
            column,
            problem: problem(&e),
        }
    })
}

/// What an import yields: enough to rebuild the run, plus the recorded events' fingerprints.
#[derive(Clone, Debug)]
pub struct Imported {
    /// Configuration, with the seed.
    pub config: SimConfig,
    /// Interventions.
    pub interventions: Vec<Intervention>,
    /// Where the exporter's cursor was.
    pub cursor: Time,
    /// The exporter's cursor in steps, if recorded (exact even in the middle of an instant).
    pub cursor_steps: Option<u64>,
    /// The teaching scenario the run came from, when the file names one this build knows
    /// (an unknown or malformed name is dropped: the run itself does not depend on it).
    pub scenario: Option<String>,
    /// What the replay is compared with.
    pub recorded: Recorded,
}

/// The recorded events, in the form a replay can be checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Version 2: each event's fingerprint (the function behind [`trace_hash`]).
    Fingerprints(Vec<u64>),
    /// Version 1: each event's time (its contents are in the old vocabulary).
    Times(Vec<Time>),
}

impl Imported {
    /// Number of recorded events.
    pub fn events(&self) -> usize {
        match &self.recorded {
            Recorded::Fingerprints(h) => h.len(),
            Recorded::Times(t) => t.len(),
        }
    }

    /// Fingerprint of all recorded events, comparable with [`trace_hash`] (version 2 only).
    pub fn events_hash(&self) -> Option<u64> {
        match &self.recorded {
            Recorded::Fingerprints(h) => Some(combine(h.iter().copied())),
            Recorded::Times(_) => None,
        }
    }
}

/// Parses and checks a trace document. Nothing is changed on failure.
/// Parses and checks a trace document. Nothing is changed on failure.
pub fn import(text: &str) -> Result<Imported, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Eof => ImportError::CutOff,
        _ => ImportError::NotJson {
            line: e.line(),
            column: e.column(),
        },
    })?;
    // Valid JSON from here on: anything that is not an object with a version is not a trace.
    let top: TopLevel = serde_json::from_str(text).map_err(|_| ImportError::NotATrace)?;
    let found = top
        .get("version")
        .and_then(|v| v.get().parse::<u64>().ok())
        .ok_or(ImportError::NotATrace)?;
    if found != 1 && found != TRACE_VERSION {
        return Err(ImportError::Version { found });
    }
    if let Some((key, raw)) = top.iter().find(|(k, _)| !MEMBERS.contains(&k.as_str())) {
        let (line, column) = position(text, raw.get(), 1, 1);
        return Err(ImportError::Field {
            path: clip(key, 40),
            line,
            column,
            problem: format!("unknown member; a trace has {}", MEMBERS.join(", ")),
        });
    }
    let part = |name: &str| {
        top.get(name).copied().ok_or_else(|| ImportError::Field {
            path: name.to_string(),
            line: 1,
            column: 1,
            problem: format!("the trace has no \"{name}\""),
        })
    };
    let seed: u64 = read(text, "seed", part("seed")?)?;
    let config_raw = part("config")?;
    let mut config: SimConfig = if found == 1 {
        let v1: Value = read(text, "config", config_raw)?;
        read_rewritten(text, "config", config_raw, &config_from_v1(v1))?
    } else {
        read(text, "config", config_raw)?
    };
    config.seed = seed;
    config
        .validate()
        .map_err(|e| ImportError::Config(clip(&e, 160)))?;
    let items: Vec<&RawValue> = read(text, "interventions", part("interventions")?)?;
    let mut interventions = Vec::with_capacity(items.len());
    for (i, raw) in items.into_iter().enumerate() {
        let path = format!("interventions[{i}]");
        let iv: Intervention = if found == 1 {
            let v1: Value = read(text, &path, raw)?;
            read_rewritten(text, &path, raw, &intervention_from_v1(v1))?
        } else {
            read(text, &path, raw)?
        };
        iv.action
            .validate(config.protocol.nodes)
            .map_err(|problem| ImportError::Intervention {
                number: i + 1,
                problem,
            })?;
        interventions.push(iv);
    }
    let optional = |name: &str| -> Result<Option<u64>, ImportError> {
        top.get(name).map(|raw| read(text, name, raw)).transpose()
    };
    let cursor_us = optional("cursor_us")?;
    let cursor_steps = optional("cursor_steps")?;
    if let Some(t) = cursor_us.filter(|t| *t > MAX_CURSOR) {
        return Err(ImportError::Field {
            path: "cursor_us".into(),
            line: 1,
            column: 1,
            problem: format!(
                "{} is past the one hour a trace can cover",
                crate::sim::units::secs(t)
            ),
        });
    }
    let scenario = top
        .get("scenario")
        .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
        .filter(|name| crate::sim::scenario::by_name(name).is_some());
    let events: Vec<&RawValue> = read(text, "events", part("events")?)?;
    let mut last_t = 0;
    let mut hashes = Vec::with_capacity(events.len());
    let mut times = Vec::new();
    for (i, raw) in events.iter().enumerate() {
        let v: Value = read(text, &format!("events[{i}]"), raw)?;
        match (v.get("t").and_then(Value::as_u64), v.get("kind")) {
            (Some(t), Some(Value::String(_))) => last_t = t,
            _ => return Err(ImportError::Event { number: i + 1 }),
        }
        if found == 1 {
            times.push(last_t);
        } else {
            hashes.push(canonical_hash(&v));
        }
    }
    Ok(Imported {
        config,
        interventions,
        cursor: cursor_us.unwrap_or(last_t),
        cursor_steps,
        scenario,
        recorded: if found == 1 {
            Recorded::Times(times)
        } else {
            Recorded::Fingerprints(hashes)
        },
    })
}

// ---- version 1 -------------------------------------------------------------------------------

/// Version 1's flat configuration, rewritten into version 2's sections: each field moves to
/// its section under its new name; unknown fields are kept where serde will refuse them by
/// name.
fn config_from_v1(v1: Value) -> Value {
    const MOVES: [(&str, &str, &str); 26] = [
        ("nodes", "protocol", "nodes"),
        ("ping_interval_us", "protocol", "ping_interval_us"),
        ("ping_timeout_us", "protocol", "ping_timeout_us"),
        ("quorum_timeout_us", "protocol", "quorum_timeout_us"),
        ("bound_buffer", "protocol", "bound_buffer"),
        ("bound_retry_max_us", "protocol", "bound_retry_max_us"),
        (
            "max_timestamps_per_request",
            "protocol",
            "max_timestamps_per_request",
        ),
        ("no_quorum_retries", "protocol", "no_quorum_retries"),
        (
            "no_quorum_retry_delay_us",
            "protocol",
            "no_quorum_retry_delay_us",
        ),
        ("resend_interval_us", "protocol", "resend_interval_us"),
        ("lock_lease_us", "protocol", "lock_lease_us"),
        ("quirks", "protocol", "quirks"),
        ("bugs", "protocol", "bugs"),
        ("latency_min_us", "network", "latency_min_us"),
        ("latency_max_us", "network", "latency_max_us"),
        ("loss_ppm", "network", "loss_ppm"),
        ("duplicate_ppm", "network", "duplicate_ppm"),
        ("clients", "clients", "count"),
        ("client_batch", "clients", "batch"),
        ("client_think_us", "clients", "think_us"),
        ("client_timeout_us", "clients", "timeout_us"),
        ("lock_clients", "clients", "lock_clients"),
        ("locks", "clients", "locks"),
        ("lock_hold_us", "clients", "lock_hold_us"),
        // Consumed below.
        ("backoff", "", ""),
        ("backoff_max_us", "", ""),
    ];
    let Value::Object(mut flat) = v1 else {
        return v1;
    };
    let mut out = serde_json::Map::new();
    for (old, section, new) in MOVES {
        if section.is_empty() {
            continue;
        }
        if let Some(v) = flat.remove(old) {
            let s = out
                .entry(section)
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(s) = s {
                s.insert(new.to_string(), v);
            }
        }
    }
    // The backoff was a name and a wait; now it is the policy itself.
    let name = flat.remove("backoff");
    let max = flat.remove("backoff_max_us");
    if name.is_some() || max.is_some() {
        let name = name.as_ref().and_then(Value::as_str).unwrap_or("uniform");
        let max = max.as_ref().and_then(Value::as_u64).unwrap_or(800_000);
        let policy = crate::engine::BackoffPolicy::from_name(name, max);
        let protocol = out
            .entry("protocol")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(p) = protocol {
            p.insert(
                "backoff".into(),
                match policy {
                    Some(b) => serde_json::to_value(b).unwrap_or(Value::Null),
                    None => Value::String(clip(name, 40)),
                },
            );
        }
    }
    // Written before quirks existed: an on/off field that is now a quirk.
    if let Some(Value::Bool(on)) = flat.remove("catch_up_after_preemption") {
        let protocol = out
            .entry("protocol")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(p) = protocol {
            let quirks = p.entry("quirks").or_insert_with(|| Value::Array(vec![]));
            if let (true, Value::Array(q)) = (on, quirks) {
                q.push("catch-up-after-preemption".into());
            }
        }
    }
    // Whatever is left is unknown; serde refuses it by name.
    out.extend(flat);
    Value::Object(out)
}

/// Version 1 wrote an intervention's action beside its time; version 2 nests it.
fn intervention_from_v1(v1: Value) -> Value {
    let Value::Object(mut flat) = v1 else {
        return v1;
    };
    let at = flat.remove("at").unwrap_or(Value::Null);
    serde_json::json!({ "at": at, "action": Value::Object(flat) })
}

/// Whether this engine replayed a trace exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// Every recorded event, reproduced.
    Exact,
    /// A version 1 record: as many events as recorded, each at its recorded time.
    SameTimes,
    /// The first event (from 0) where the replay departs from the record; the record is of
    /// another engine version, or was edited.
    DivergesAt(usize),
}

/// Builds the run an import describes, at the exporter's cursor, and compares its events with
/// the recorded ones.
pub fn rebuild(imported: &Imported) -> Result<(Run, Replay), ImportError> {
    let mut run = Run::new(imported.config.clone(), imported.interventions.clone())
        .map_err(|e| ImportError::Config(clip(&e, 160)))?;
    if let Some(steps) = imported.cursor_steps {
        run.seek_steps_until(steps, imported.cursor);
    }
    run.seek(imported.cursor);
    let upto = run.cursor_event();
    let first_difference = match &imported.recorded {
        Recorded::Fingerprints(theirs) => event_hashes(run.history(), upto)
            .zip(theirs)
            .position(|(ours, theirs)| ours != *theirs),
        Recorded::Times(theirs) => run
            .history()
            .events
            .range(0..upto)
            .zip(theirs)
            .position(|(ours, theirs)| ours.t != *theirs),
    }
    .or_else(|| (upto != imported.events()).then(|| upto.min(imported.events())));
    let replay = match (first_difference, &imported.recorded) {
        (None, Recorded::Fingerprints(_)) => Replay::Exact,
        (None, Recorded::Times(_)) => Replay::SameTimes,
        (Some(i), _) => Replay::DivergesAt(i),
    };
    Ok((run, replay))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario;

    #[test]
    fn every_event_kind_is_one_json_object_with_t_and_kind() {
        let s = scenario::by_name("leader-crash").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(12_000_000);
        let mut kinds = std::collections::BTreeSet::new();
        for l in event_lines(run.history(), run.cursor_event()) {
            let v: serde_json::Value = serde_json::from_str(&l).unwrap();
            assert!(v["t"].is_u64(), "{l}");
            kinds.insert(v["kind"].as_str().unwrap().to_string());
        }
        for k in [
            "boot",
            "send",
            "deliver",
            "timer",
            "learned",
            "became-leader",
        ] {
            assert!(kinds.contains(k), "no {k} in {kinds:?}");
        }
    }

    #[test]
    fn the_fingerprint_ignores_key_order_and_whitespace() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"t":1,"kind":"crash","node":2}"#).unwrap();
        let b: serde_json::Value =
            serde_json::from_str("{ \"node\": 2,\n \"kind\": \"crash\", \"t\": 1 }").unwrap();
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        let c: serde_json::Value =
            serde_json::from_str(r#"{"t":1,"kind":"crash","node":3}"#).unwrap();
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
    }

    #[test]
    fn invariant_names_in_traces_match_the_ui() {
        use crate::sim::checker::Invariant;
        for i in Invariant::ALL {
            assert_eq!(
                serde_json::to_value(i).unwrap(),
                serde_json::Value::String(i.name().into())
            );
        }
    }
}

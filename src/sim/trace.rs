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

use super::checker::Violation;
use super::config::{SimConfig, Time, MAX_CURSOR};
use super::history::{Chunked, EventKind, History, MessageRecord, TraceEvent};
use super::intervention::{Action, Intervention};
use super::run::Run;
use super::units::clip;
use crate::engine::{Address, Incarnation, Msg, NodeId, Observation, TimerKind};

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
        reason: super::history::DropReason,
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

/// Fingerprints of events `0..upto`, one per event.
pub fn event_hashes(h: &History, upto: usize) -> impl Iterator<Item = u64> + '_ {
    h.events.range(0..upto).map(|e| {
        serde_json::to_value(line(e, &h.messages))
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
    });
    s.push_str("]}");
    s
}

/// The run's record up to the cursor as a trace document.
pub fn export(run: &Run) -> String {
    let upto = run.cursor_event();
    let mut s = open_document(&HeaderOut {
        version: TRACE_VERSION,
        seed: run.config().seed,
        config: run.config(),
        interventions: &run.interventions()[..run.world().next_intervention],
        cursor_us: Some(run.now()),
        cursor_steps: Some(run.world().steps),
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
    /// A field is missing, unknown, or of the wrong type or range.
    Field {
        /// Where, such as `config.protocol.nodes` or `interventions[2].action`.
        path: String,
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
                super::units::fixed(*bytes as i128 * 10 / (1024 * 1024), 1, 1),
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
            ImportError::Field { path, problem } if path.is_empty() || path == "." => {
                write!(f, "{problem}")
            }
            ImportError::Field { path, problem } => write!(f, "at {path}: {problem}"),
            ImportError::Config(problem) => write!(f, "in \"config\": {problem}"),
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

/// Just enough to tell a trace, and its version, from anything else.
#[derive(Deserialize)]
struct Probe {
    version: Option<serde_json::Value>,
}

/// Everything but the events, strictly: unknown fields are refused by name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderIn {
    #[allow(dead_code)]
    version: u64,
    seed: u64,
    config: SimConfig,
    interventions: Vec<Intervention>,
    cursor_us: Option<Time>,
    cursor_steps: Option<u64>,
    #[allow(dead_code)]
    events: serde::de::IgnoredAny,
}

/// The events, borrowed from the text as they are (read on their own, so the header's strict
/// pass need not hold a copy of them).
#[derive(Deserialize)]
struct EventsIn<'a> {
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
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
    let probe: Probe = serde_json::from_str(text).map_err(|_| ImportError::NotATrace)?;
    let found = match probe.version {
        None => return Err(ImportError::NotATrace),
        Some(v) => v.as_u64().ok_or(ImportError::NotATrace)?,
    };
    match found {
        1 => return import_v1(text),
        TRACE_VERSION => {}
        _ => return Err(ImportError::Version { found }),
    }
    let header: HeaderIn = serde_path_to_error::deserialize(
        &mut serde_json::Deserializer::from_str(text),
    )
    .map_err(|e| ImportError::Field {
        path: clip(&e.path().to_string(), 80),
        problem: problem(e.inner()),
    })?;
    let mut config = header.config;
    config.seed = header.seed;
    config
        .validate()
        .map_err(|e| ImportError::Config(clip(&e, 160)))?;
    for (i, iv) in header.interventions.iter().enumerate() {
        iv.action
            .validate(config.protocol.nodes)
            .map_err(|problem| ImportError::Intervention {
                number: i + 1,
                problem,
            })?;
    }
    check_cursor(header.cursor_us)?;
    let mut event_hashes = Vec::new();
    let last_t = for_each_event(text, |v| event_hashes.push(canonical_hash(v)))?;
    Ok(Imported {
        config,
        interventions: header.interventions,
        cursor: header.cursor_us.unwrap_or(last_t),
        cursor_steps: header.cursor_steps,
        recorded: Recorded::Fingerprints(event_hashes),
    })
}

fn check_cursor(cursor: Option<Time>) -> Result<(), ImportError> {
    match cursor {
        Some(t) if t > MAX_CURSOR => Err(ImportError::Field {
            path: "cursor_us".into(),
            problem: format!(
                "{} is past the one hour a trace can cover",
                super::units::secs(t)
            ),
        }),
        _ => Ok(()),
    }
}

/// Reads `"events"` one at a time (each must have `"t"` and `"kind"`); returns the last time.
fn for_each_event(
    text: &str,
    mut each: impl FnMut(&serde_json::Value),
) -> Result<Time, ImportError> {
    let events: EventsIn = serde_json::from_str(text).map_err(|e| ImportError::Field {
        path: "events".into(),
        problem: problem(&e),
    })?;
    let mut last_t = 0;
    for (i, raw) in events.events.iter().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(raw.get()).map_err(|e| ImportError::Field {
                path: format!("events[{i}]"),
                problem: problem(&e),
            })?;
        match (v.get("t").and_then(|t| t.as_u64()), v.get("kind")) {
            (Some(t), Some(serde_json::Value::String(_))) => last_t = t,
            _ => return Err(ImportError::Event { number: i + 1 }),
        }
        each(&v);
    }
    Ok(last_t)
}

// ---- version 1 -------------------------------------------------------------------------------

/// Version 1's header: a flat configuration, and interventions with the action's fields beside
/// `"at"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderV1 {
    #[allow(dead_code)]
    version: u64,
    seed: u64,
    config: ConfigV1,
    interventions: Vec<InterventionV1>,
    cursor_us: Option<Time>,
    cursor_steps: Option<u64>,
    #[allow(dead_code)]
    events: serde::de::IgnoredAny,
}

#[derive(Deserialize)]
struct InterventionV1 {
    at: Time,
    #[serde(flatten)]
    action: Action,
}

/// Version 1's configuration: `"nodes"` required, every other field optional (classroom
/// values), names as they were.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigV1 {
    nodes: u8,
    ping_interval_us: Option<u64>,
    ping_timeout_us: Option<u64>,
    quorum_timeout_us: Option<u64>,
    backoff: Option<String>,
    backoff_max_us: Option<u64>,
    bound_buffer: Option<u64>,
    bound_retry_max_us: Option<u64>,
    max_timestamps_per_request: Option<u64>,
    no_quorum_retries: Option<u32>,
    no_quorum_retry_delay_us: Option<u64>,
    resend_interval_us: Option<u64>,
    quirks: Option<crate::engine::Quirks>,
    bugs: Option<crate::engine::Bugs>,
    /// Written before quirks existed.
    catch_up_after_preemption: Option<bool>,
    latency_min_us: Option<u64>,
    latency_max_us: Option<u64>,
    loss_ppm: Option<u32>,
    duplicate_ppm: Option<u32>,
    clients: Option<u16>,
    client_batch: Option<u64>,
    client_think_us: Option<u64>,
    client_timeout_us: Option<u64>,
    lock_clients: Option<u16>,
    locks: Option<u8>,
    lock_hold_us: Option<u64>,
    lock_lease_us: Option<u64>,
}

/// `*slot = v` when the field was given.
fn given<T>(v: Option<T>, slot: &mut T) {
    if let Some(v) = v {
        *slot = v;
    }
}

impl ConfigV1 {
    fn into_config(self, seed: u64) -> Result<SimConfig, ImportError> {
        let mut c = SimConfig::classroom(seed);
        let p = &mut c.protocol;
        p.nodes = self.nodes;
        given(self.ping_interval_us, &mut p.ping_interval);
        given(self.ping_timeout_us, &mut p.ping_timeout);
        given(self.quorum_timeout_us, &mut p.quorum_timeout);
        if self.backoff.is_some() || self.backoff_max_us.is_some() {
            let name = self.backoff.unwrap_or_else(|| p.backoff.name().to_string());
            let max = self.backoff_max_us.unwrap_or(p.backoff.max_wait());
            p.backoff = crate::engine::BackoffPolicy::from_name(&name, max).ok_or_else(|| {
                ImportError::Field {
                    path: "config.backoff".into(),
                    problem: format!("unknown backoff '{}'", clip(&name, 40)),
                }
            })?;
        }
        given(self.bound_buffer, &mut p.bound_buffer);
        given(self.bound_retry_max_us, &mut p.bound_retry_max);
        given(
            self.max_timestamps_per_request,
            &mut p.max_timestamps_per_request,
        );
        given(self.no_quorum_retries, &mut p.no_quorum_retries);
        given(self.no_quorum_retry_delay_us, &mut p.no_quorum_retry_delay);
        given(self.resend_interval_us, &mut p.resend_interval);
        given(self.lock_lease_us, &mut p.lock_lease);
        given(self.quirks, &mut p.quirks);
        p.quirks.catch_up_after_preemption |= self.catch_up_after_preemption.unwrap_or(false);
        given(self.bugs, &mut p.bugs);
        let n = &mut c.network;
        given(self.latency_min_us, &mut n.latency_min);
        given(self.latency_max_us, &mut n.latency_max);
        given(self.loss_ppm, &mut n.loss_ppm);
        given(self.duplicate_ppm, &mut n.duplicate_ppm);
        let cl = &mut c.clients;
        given(self.clients, &mut cl.count);
        given(self.client_batch, &mut cl.batch);
        given(self.client_think_us, &mut cl.think);
        given(self.client_timeout_us, &mut cl.timeout);
        given(self.lock_clients, &mut cl.lock_clients);
        given(self.locks, &mut cl.locks);
        given(self.lock_hold_us, &mut cl.lock_hold);
        Ok(c)
    }
}

/// Version 1: rebuilt from its header, checked against its events' times.
fn import_v1(text: &str) -> Result<Imported, ImportError> {
    let header: HeaderV1 = serde_path_to_error::deserialize(
        &mut serde_json::Deserializer::from_str(text),
    )
    .map_err(|e| ImportError::Field {
        path: clip(&e.path().to_string(), 80),
        problem: problem(e.inner()),
    })?;
    let config = header.config.into_config(header.seed)?;
    config
        .validate()
        .map_err(|e| ImportError::Config(clip(&e, 160)))?;
    let mut interventions = Vec::with_capacity(header.interventions.len());
    for (i, iv) in header.interventions.into_iter().enumerate() {
        iv.action
            .validate(config.protocol.nodes)
            .map_err(|problem| ImportError::Intervention {
                number: i + 1,
                problem,
            })?;
        interventions.push(Intervention::new(iv.at, iv.action));
    }
    check_cursor(header.cursor_us)?;
    let mut times = Vec::new();
    let last_t = for_each_event(text, |v| {
        times.push(v.get("t").and_then(|t| t.as_u64()).unwrap_or(0))
    })?;
    Ok(Imported {
        config,
        interventions,
        cursor: header.cursor_us.unwrap_or(last_t),
        cursor_steps: header.cursor_steps,
        recorded: Recorded::Times(times),
    })
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

//! The Checker tab: the model checker of [`crate::check`] run from the page, in a Web Worker,
//! with live progress, Cancel, the verdict and — for a violation — the counterexample opened
//! in the visualizer as an ordinary run.
//!
//! Plain Rust like the rest of the lab, tested natively. Three parts:
//!
//! * **The form** ([`CheckForm`]): the fields as typed; [`CheckForm::spec`] turns them into a
//!   [`CheckSpec`] or says, naming the field, what is out of range. [`CheckPreset`]s fill it.
//! * **The tab's state** ([`Checker`], kept in [`super::Lab::checker`]): which check runs (a
//!   `job` number, so messages of a cancelled worker are ignored), its latest progress, and the
//!   result. Every change is a [`CheckerAction`] inside [`super::LabAction::Checker`].
//! * **The worker's side** ([`Session`], [`worker_start`], [`worker_step`]): an
//!   [`Explorer`] kept in a thread-local of the worker's own wasm instance, run in slices of a
//!   fraction of a second, each answered with a [`FromWorker`] message.
//!
//! # The worker protocol (typed; JSON text in both directions)
//! * page → worker: one [`StartCheck`] `{ "job": 3, "spec": { …CheckSpec… } }`;
//! * worker → page: [`FromWorker`], one key naming the kind: `{"progress": {…}}` after every
//!   slice (states,
//!   unique, depth, frontier, elapsed ms, bytes per state), then one `done` (the final
//!   progress and the [`CheckResult`]: verdict, report text, moves, and on a violation the
//!   counterexample as a version-2 trace), or `failed` with a reason.
//!
//! Cancel terminates the worker; nothing is sent to it.

use serde::{Deserialize, Serialize};

use crate::check::{self, CheckConfig, Explorer, LogUnderTest, Search, Verdict};
use crate::codec::trace;
use crate::engine::{Bugs, Protocol, Quirks};

use super::{Lab, LabAction, NoticeKind, Tab};

/// The injected bugs, in the order the form lists them.
pub const BUG_NAMES: &[&str] = Bugs::NAMES;
/// The AtlasDB quirks, in the order the form lists them.
pub const QUIRK_NAMES: &[&str] = Quirks::NAMES;

/// The most unique states a check in the page may explore: the fingerprint table and the
/// frontier live in the worker's memory (about 20–30 bytes a state, more for BFS's frontier).
pub const MAX_STATES_LIMIT: u64 = 20_000_000;

/// Explorer slices between two time checks in the worker (states expanded per call).
const SLICE_STATES: u64 = 1_024;

/// How long the worker computes between two progress messages.
pub const PROGRESS_MS: f64 = 200.0;

/// One field of the form (typed, so the UI cannot misspell one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Cluster size, 3–5.
    Nodes,
    /// `leadership` or `timestamp`.
    Log,
    /// `bfs` or `dfs`.
    Search,
    /// Crashes in a run.
    Crashes,
    /// Active nodes (their timers fire).
    Proposers,
    /// Timer firings per active node.
    Timers,
    /// Messages the network may duplicate.
    Duplicates,
    /// Messages the network may lose.
    Losses,
    /// One-off client requests.
    Requests,
    /// Longest path in moves (empty: no limit).
    MaxDepth,
    /// Stop after this many unique states.
    MaxStates,
}

/// The form's fields as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckForm {
    /// Cluster size.
    pub nodes: String,
    /// Log under test.
    pub log: String,
    /// Search order.
    pub search: String,
    /// Crashes.
    pub crashes: String,
    /// Active nodes.
    pub proposers: String,
    /// Timer firings per active node.
    pub timers: String,
    /// Duplicates.
    pub duplicates: String,
    /// Losses.
    pub losses: String,
    /// Client requests.
    pub requests: String,
    /// Longest path (empty: none).
    pub max_depth: String,
    /// State limit.
    pub max_states: String,
    /// Injected bugs switched on.
    pub bugs: Vec<String>,
    /// AtlasDB quirks switched on (all of them: the `atlasdb` protocol).
    pub quirks: Vec<String>,
}

impl Default for CheckForm {
    fn default() -> CheckForm {
        CheckPreset::Duel.form()
    }
}

/// A configuration that finishes in seconds and shows something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckPreset {
    /// The 3-node leadership duel, every state within 12 moves (breadth-first): safe.
    Duel,
    /// One proposer, one crash, exhausted: safe.
    OneCrash,
    /// AtlasDB as written: the accept-without-state counterexample.
    AtlasDb,
    /// The `ignore-promised-values` bug: two values chosen.
    IgnorePromisedValues,
    /// The `acceptor-forgets` bug: a promise broken after a crash.
    AcceptorForgets,
    /// The `minority-quorum` bug: a value "chosen" by a minority.
    MinorityQuorum,
    /// The whole duel, depth-first, to exhaustion (millions of states: a minute or two).
    FullDuel,
}

impl CheckPreset {
    /// Every preset, in the order the page lists them.
    pub const ALL: [CheckPreset; 7] = [
        CheckPreset::Duel,
        CheckPreset::OneCrash,
        CheckPreset::AtlasDb,
        CheckPreset::IgnorePromisedValues,
        CheckPreset::AcceptorForgets,
        CheckPreset::MinorityQuorum,
        CheckPreset::FullDuel,
    ];

    /// Button label.
    pub fn label(self) -> &'static str {
        match self {
            CheckPreset::Duel => "The duel to depth 12",
            CheckPreset::OneCrash => "1 proposer, 1 crash",
            CheckPreset::AtlasDb => "Find AtlasDB's accept-without-state counterexample",
            CheckPreset::IgnorePromisedValues => "Inject ignore-promised-values",
            CheckPreset::AcceptorForgets => "Inject acceptor-forgets",
            CheckPreset::MinorityQuorum => "Inject minority-quorum",
            CheckPreset::FullDuel => "The whole duel (1.1 M states)",
        }
    }

    /// What it shows, one sentence.
    pub fn about(self) -> &'static str {
        match self {
            CheckPreset::Duel => "Two proposers wake once each; every interleaving within 12 moves, breadth-first. Safe, about 114,000 states.",
            CheckPreset::OneCrash => "One proposer, any one node may crash and restart; exhausted. Safe, about 269,000 states.",
            CheckPreset::AtlasDb => "AtlasDB as written: an acceptor acks an Accept with no state for the round, then promises hiding it. Breadth-first finds the shortest way.",
            CheckPreset::IgnorePromisedValues => "Phase 1 ignores the values promises report: two values chosen, in 8 moves.",
            CheckPreset::AcceptorForgets => "Acceptors keep promises in memory only: a crash and restart break a promise, in 5 moves.",
            CheckPreset::MinorityQuorum => "A quorum of n/2: a value counted as chosen by a minority, in 1 move.",
            CheckPreset::FullDuel => "Every interleaving of the duel, depth-first, to exhaustion: safe, 1.06 million states (5.6 million without the quiet-delivery reduction) — some seconds.",
        }
    }

    /// Stable id for the page (element ids, tests).
    pub fn id(self) -> &'static str {
        match self {
            CheckPreset::Duel => "duel",
            CheckPreset::OneCrash => "one-crash",
            CheckPreset::AtlasDb => "atlasdb",
            CheckPreset::IgnorePromisedValues => "ignore-promised-values",
            CheckPreset::AcceptorForgets => "acceptor-forgets",
            CheckPreset::MinorityQuorum => "minority-quorum",
            CheckPreset::FullDuel => "full-duel",
        }
    }

    /// The form it fills in.
    pub fn form(self) -> CheckForm {
        let mut f = CheckForm {
            nodes: "3".into(),
            log: "leadership".into(),
            search: "bfs".into(),
            crashes: "0".into(),
            proposers: "2".into(),
            timers: "1".into(),
            duplicates: "0".into(),
            losses: "0".into(),
            requests: "0".into(),
            max_depth: String::new(),
            max_states: "2000000".into(),
            bugs: Vec::new(),
            quirks: Vec::new(),
        };
        match self {
            CheckPreset::Duel => f.max_depth = "12".into(),
            CheckPreset::OneCrash => {
                f.proposers = "1".into();
                f.crashes = "1".into();
            }
            CheckPreset::AtlasDb => f.quirks = QUIRK_NAMES.iter().map(|q| q.to_string()).collect(),
            CheckPreset::IgnorePromisedValues => f.bugs = vec!["ignore-promised-values".into()],
            CheckPreset::AcceptorForgets => {
                f.crashes = "1".into();
                f.bugs = vec!["acceptor-forgets".into()];
            }
            CheckPreset::MinorityQuorum => f.bugs = vec!["minority-quorum".into()],
            CheckPreset::FullDuel => {
                f.search = "dfs".into();
                f.max_states = "6000000".into();
            }
        }
        f
    }
}

/// A whole number in `lo..=hi` from a field, or a sentence naming the field.
fn number(name: &str, text: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let t = text.trim().replace([',', '_', ' '], "");
    let shown = crate::sim::units::clip(text.trim(), 30);
    let v: u64 = t
        .parse()
        .map_err(|_| format!("{name}: '{shown}' is not a whole number ({lo}–{hi})."))?;
    if !(lo..=hi).contains(&v) {
        return Err(format!("{name}: {v} is out of range; use {lo}–{hi}."));
    }
    Ok(v)
}

impl CheckForm {
    /// Sets one field (a new log also takes that log's usual budgets: a timestamp check needs
    /// client requests, a leadership one none).
    pub fn set(&mut self, field: Field, value: String) {
        match field {
            Field::Nodes => self.nodes = value,
            Field::Log => {
                if value != self.log {
                    if let Some(b) =
                        LogUnderTest::from_name(&value).map(|l| CheckConfig::new(3, l).bounds)
                    {
                        self.crashes = b.crashes.to_string();
                        self.timers = b.timers.to_string();
                        self.requests = b.requests.to_string();
                    }
                }
                self.log = value;
            }
            Field::Search => self.search = value,
            Field::Crashes => self.crashes = value,
            Field::Proposers => self.proposers = value,
            Field::Timers => self.timers = value,
            Field::Duplicates => self.duplicates = value,
            Field::Losses => self.losses = value,
            Field::Requests => self.requests = value,
            Field::MaxDepth => self.max_depth = value,
            Field::MaxStates => self.max_states = value,
        }
    }

    /// One field's text.
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Nodes => &self.nodes,
            Field::Log => &self.log,
            Field::Search => &self.search,
            Field::Crashes => &self.crashes,
            Field::Proposers => &self.proposers,
            Field::Timers => &self.timers,
            Field::Duplicates => &self.duplicates,
            Field::Losses => &self.losses,
            Field::Requests => &self.requests,
            Field::MaxDepth => &self.max_depth,
            Field::MaxStates => &self.max_states,
        }
    }

    /// Which protocol the quirks amount to: `textbook`, `atlasdb`, or `custom`.
    pub fn protocol(&self) -> &'static str {
        match self.quirks.len() {
            0 => "textbook",
            n if n == QUIRK_NAMES.len() => "atlasdb",
            _ => "custom",
        }
    }

    /// Switches one bug or quirk (names not in the lists are ignored).
    fn toggle(list: &mut Vec<String>, names: &[&str], name: &str, on: bool) {
        list.retain(|n| n != name);
        if on && names.contains(&name) {
            list.push(name.to_string());
        }
        // Keep the lists in the order the page shows them.
        list.sort_by_key(|n| names.iter().position(|m| m == n));
    }

    /// The check the form describes, or what is wrong (naming the field).
    pub fn spec(&self) -> Result<CheckSpec, String> {
        let nodes = number("Nodes", &self.nodes, 3, 5)? as u8;
        let log = match self.log.as_str() {
            l @ ("leadership" | "timestamp") => l.to_string(),
            l => return Err(format!("Log: '{l}' is neither leadership nor timestamp.")),
        };
        let search = match self.search.as_str() {
            s @ ("bfs" | "dfs") => s.to_string(),
            s => return Err(format!("Search: '{s}' is neither bfs nor dfs.")),
        };
        let max_depth = match self.max_depth.trim() {
            "" => None,
            d => Some(number("Max depth", d, 1, 1_000)? as u32),
        };
        let spec = CheckSpec {
            nodes,
            log,
            search,
            crashes: number("Crashes", &self.crashes, 0, 3)? as u8,
            proposers: number("Proposers", &self.proposers, 1, u64::from(nodes))? as u8,
            timers: number("Timers", &self.timers, 0, 16)? as u8,
            duplicates: number("Duplicates", &self.duplicates, 0, 8)? as u8,
            losses: number("Losses", &self.losses, 0, 8)? as u8,
            requests: number("Requests", &self.requests, 0, 8)? as u8,
            max_depth,
            max_states: number("Max states", &self.max_states, 1, MAX_STATES_LIMIT)?,
            bugs: self.bugs.clone(),
            quirks: self.quirks.clone(),
        };
        spec.config()?;
        Ok(spec)
    }
}

/// A validated check: what the page sends the worker (and what `paxoscope check` would run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSpec {
    /// Cluster size.
    pub nodes: u8,
    /// `leadership` or `timestamp`.
    pub log: String,
    /// `bfs` or `dfs`.
    pub search: String,
    /// Crashes.
    pub crashes: u8,
    /// Active nodes.
    pub proposers: u8,
    /// Timer firings per active node.
    pub timers: u8,
    /// Duplicates.
    pub duplicates: u8,
    /// Losses.
    pub losses: u8,
    /// Client requests.
    pub requests: u8,
    /// Longest path in moves.
    pub max_depth: Option<u32>,
    /// State limit.
    pub max_states: u64,
    /// Injected bugs.
    pub bugs: Vec<String>,
    /// AtlasDB quirks.
    pub quirks: Vec<String>,
}

impl CheckSpec {
    /// The model checker's configuration (the CLI's defaults for anything not in the form).
    pub fn config(&self) -> Result<CheckConfig, String> {
        let log = LogUnderTest::from_name(&self.log)
            .ok_or_else(|| format!("Log: '{}' is neither leadership nor timestamp.", self.log))?;
        if !(3..=5).contains(&self.nodes) {
            return Err(format!("Nodes: {} is out of range; use 3–5.", self.nodes));
        }
        if self.proposers == 0 || self.proposers > self.nodes {
            return Err(format!(
                "Proposers: {} is out of range; use 1–{}.",
                self.proposers, self.nodes
            ));
        }
        if self.max_states == 0 || self.max_states > MAX_STATES_LIMIT {
            return Err(format!(
                "Max states: use 1–{MAX_STATES_LIMIT} (the page's memory)."
            ));
        }
        let mut c = CheckConfig::new(self.nodes, log);
        c.search = match self.search.as_str() {
            "bfs" => Search::Bfs,
            "dfs" => Search::Dfs,
            s => return Err(format!("Search: '{s}' is neither bfs nor dfs.")),
        };
        c.bounds.crashes = self.crashes;
        c.bounds.proposers = self.proposers;
        c.bounds.timers = self.timers;
        c.bounds.duplicates = self.duplicates;
        c.bounds.losses = self.losses;
        c.bounds.requests = self.requests;
        c.bounds.max_depth = self.max_depth.unwrap_or(u32::MAX);
        c.max_states = self.max_states;
        for b in &self.bugs {
            if !c.bugs.set(b, true) {
                return Err(format!("Bugs: there is no bug called '{b}'."));
            }
        }
        for q in &self.quirks {
            if !c.quirks.set(q, true) {
                return Err(format!("Quirks: there is no quirk called '{q}'."));
            }
        }
        c.sim_config().validate()?;
        Ok(c)
    }

    /// The same check on the command line.
    pub fn cli(&self) -> String {
        let mut s = format!(
            "paxoscope check --nodes {} --log {} --{} --crashes {} --proposers {} --timers {}",
            self.nodes, self.log, self.search, self.crashes, self.proposers, self.timers
        );
        for (name, v) in [
            ("duplicates", self.duplicates),
            ("losses", self.losses),
            ("requests", self.requests),
        ] {
            s.push_str(&format!(" --{name} {v}"));
        }
        if let Some(d) = self.max_depth {
            s.push_str(&format!(" --max-depth {d}"));
        }
        s.push_str(&format!(" --max-states {}", self.max_states));
        if self.quirks.len() == QUIRK_NAMES.len() {
            s.push_str(" --protocol atlasdb");
        } else {
            for q in &self.quirks {
                s.push_str(&format!(" --quirk {q}"));
            }
        }
        for b in &self.bugs {
            s.push_str(&format!(" --bug {b}"));
        }
        s
    }
}

impl CheckSpec {
    /// The check as a share link's `check=` value:
    /// `nodes:3,log:leadership,search:bfs,crashes:0,…,states:2000000,protocol:atlasdb,bug:NAME`.
    pub fn to_link(&self) -> String {
        let mut parts = vec![
            format!("nodes:{}", self.nodes),
            format!("log:{}", self.log),
            format!("search:{}", self.search),
            format!("crashes:{}", self.crashes),
            format!("proposers:{}", self.proposers),
            format!("timers:{}", self.timers),
            format!("duplicates:{}", self.duplicates),
            format!("losses:{}", self.losses),
            format!("requests:{}", self.requests),
        ];
        if let Some(d) = self.max_depth {
            parts.push(format!("depth:{d}"));
        }
        parts.push(format!("states:{}", self.max_states));
        if self.quirks.len() == QUIRK_NAMES.len() {
            parts.push("protocol:atlasdb".into());
        } else {
            parts.extend(self.quirks.iter().map(|q| format!("quirk:{q}")));
        }
        parts.extend(self.bugs.iter().map(|b| format!("bug:{b}")));
        parts.join(",")
    }
}

impl CheckForm {
    /// The form a link's `check=` value describes (fields left out keep the default preset's),
    /// or what is wrong with it. The form is validated by [`CheckForm::spec`] as typed ones are.
    pub fn from_link(value: &str) -> Result<CheckForm, String> {
        let mut f = CheckPreset::Duel.form();
        f.max_depth = String::new();
        for part in value.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once(':').unwrap_or((part, ""));
            let v = v.to_string();
            match k {
                "nodes" => f.nodes = v,
                "log" => f.log = v,
                "search" => f.search = v,
                "crashes" => f.crashes = v,
                "proposers" => f.proposers = v,
                "timers" => f.timers = v,
                "duplicates" => f.duplicates = v,
                "losses" => f.losses = v,
                "requests" => f.requests = v,
                "depth" => f.max_depth = v,
                "states" => f.max_states = v,
                "protocol" => match Protocol::from_name(&v) {
                    Some(p) => {
                        f.quirks = p.quirks().enabled().iter().map(|q| q.to_string()).collect()
                    }
                    None => {
                        return Err(format!(
                            "there is no protocol '{}'",
                            crate::sim::units::clip(&v, 40)
                        ))
                    }
                },
                "bug" if BUG_NAMES.contains(&v.as_str()) => {
                    CheckForm::toggle(&mut f.bugs, BUG_NAMES, &v, true)
                }
                "quirk" if QUIRK_NAMES.contains(&v.as_str()) => {
                    CheckForm::toggle(&mut f.quirks, QUIRK_NAMES, &v, true)
                }
                "bug" | "quirk" => {
                    return Err(format!(
                        "there is no {k} called '{}'",
                        crate::sim::units::clip(&v, 40)
                    ))
                }
                _ => {
                    return Err(format!(
                        "unknown part '{}'",
                        crate::sim::units::clip(part, 40)
                    ))
                }
            }
        }
        Ok(f)
    }
}

/// Counters of a running check, as the worker reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckProgress {
    /// States generated.
    pub states: u64,
    /// Distinct states.
    pub unique: u64,
    /// Deepest state, in moves after the prefix.
    pub depth: u32,
    /// States waiting to be expanded.
    pub frontier: u64,
    /// Whether some path was cut at the depth limit.
    pub depth_cut: bool,
    /// Milliseconds since the worker started the check.
    pub elapsed_ms: u64,
    /// Fingerprint-table bytes per unique state, ×10.
    pub bytes_per_state_x10: u64,
}

impl CheckProgress {
    /// Unique states per second.
    pub fn unique_per_s(&self) -> u64 {
        (self.unique * 1_000)
            .checked_div(self.elapsed_ms)
            .unwrap_or(0)
    }

    /// States generated per second.
    pub fn states_per_s(&self) -> u64 {
        (self.states * 1_000)
            .checked_div(self.elapsed_ms)
            .unwrap_or(0)
    }

    fn of(ex: &Explorer, elapsed_ms: u64) -> CheckProgress {
        let p = ex.progress();
        CheckProgress {
            states: p.states,
            unique: p.unique,
            depth: p.depth,
            frontier: p.frontier,
            depth_cut: p.depth_cut,
            elapsed_ms,
            bytes_per_state_x10: (ex.bytes_per_state() * 10.0).round() as u64,
        }
    }
}

/// The verdict in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// Nothing breaks within the bounds.
    Safe,
    /// Stopped at the state limit with nothing found so far.
    Unfinished,
    /// An invariant breaks.
    Violation,
}

impl VerdictKind {
    /// As the CLI writes it.
    pub fn word(self) -> &'static str {
        match self {
            VerdictKind::Safe => "SAFE",
            VerdictKind::Unfinished => "UNFINISHED",
            VerdictKind::Violation => "VIOLATION",
        }
    }
}

/// What a finished check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The verdict.
    pub verdict: VerdictKind,
    /// The verdict in a sentence.
    pub summary: String,
    /// The broken invariant's name (a violation).
    pub invariant: Option<String>,
    /// The rule it states.
    pub rule: Option<String>,
    /// The checker's explanation.
    pub detail: Option<String>,
    /// Moves of the fixed prefix before the counterexample's own.
    pub prefix: usize,
    /// The counterexample's moves, one line each.
    pub moves: Vec<String>,
    /// The CLI's report, word for word.
    pub report: String,
    /// The counterexample as a version-2 trace (what `--trace FILE` writes).
    pub trace: Option<String>,
    /// Why no trace could be written, if one could not.
    pub trace_error: Option<String>,
}

/// What the page sends a worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartCheck {
    /// Which start of a check this is.
    pub job: u32,
    /// The check.
    pub spec: CheckSpec,
}

/// What a worker sends the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FromWorker {
    /// Counters after a slice.
    Progress {
        /// The check.
        job: u32,
        /// Counters.
        progress: CheckProgress,
    },
    /// The check is over.
    Done {
        /// The check.
        job: u32,
        /// Final counters.
        progress: CheckProgress,
        /// What it found.
        result: Box<CheckResult>,
    },
    /// The worker could not run it.
    Failed {
        /// The check (0 when the request could not be read).
        job: u32,
        /// Why, in words.
        error: String,
    },
}

impl FromWorker {
    /// As JSON text (what the worker posts).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"failed":{{"job":0,"error":"unwritable reply: {e}"}}}}"#)
        })
    }

    /// Reads a worker's message; anything else becomes `Failed`.
    pub fn from_json(text: &str) -> FromWorker {
        serde_json::from_str(text).unwrap_or_else(|e| FromWorker::Failed {
            job: 0,
            error: format!("the worker sent an unreadable message ({e})"),
        })
    }
}

/// A check running in a worker: the explorer and its clock.
pub struct Session {
    job: u32,
    cfg: CheckConfig,
    explorer: Explorer,
    started_ms: f64,
    finished: bool,
}

impl Session {
    /// Starts the check a [`StartCheck`] message asks for.
    pub fn start(request: &str, now_ms: f64) -> Result<Session, FromWorker> {
        let req: StartCheck = serde_json::from_str(request).map_err(|e| FromWorker::Failed {
            job: 0,
            error: format!("the worker was sent no check it can read ({e})"),
        })?;
        let cfg = req.spec.config().map_err(|error| FromWorker::Failed {
            job: req.job,
            error,
        })?;
        Ok(Session {
            job: req.job,
            explorer: Explorer::new(cfg.clone()),
            cfg,
            started_ms: now_ms,
            finished: false,
        })
    }

    /// Whether the check is over (its `done` message was made).
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Explores for about `slice_ms` (by `now`), then reports: progress, or the result once
    /// the search is over.
    pub fn step(&mut self, now: &dyn Fn() -> f64, slice_ms: f64) -> FromWorker {
        let t0 = now();
        let mut over = self.explorer.done();
        while !over && now() - t0 < slice_ms {
            over = self.explorer.run(SLICE_STATES);
        }
        let elapsed_ms = (now() - self.started_ms).max(0.0).round() as u64;
        let progress = CheckProgress::of(&self.explorer, elapsed_ms);
        if !over {
            return FromWorker::Progress {
                job: self.job,
                progress,
            };
        }
        self.finished = true;
        FromWorker::Done {
            job: self.job,
            progress,
            result: Box::new(self.result(elapsed_ms)),
        }
    }

    fn result(&self, elapsed_ms: u64) -> CheckResult {
        let verdict = self.explorer.verdict();
        let model = self.explorer.model();
        let text = report_text(&self.cfg, &self.explorer, elapsed_ms);
        let summary = text
            .lines()
            .find_map(|l| l.strip_prefix("verdict: "))
            .unwrap_or_default()
            .to_string();
        let mut r = CheckResult {
            verdict: VerdictKind::Safe,
            summary,
            invariant: None,
            rule: None,
            detail: None,
            prefix: model.prefix.len(),
            moves: Vec::new(),
            report: text,
            trace: None,
            trace_error: None,
        };
        match &verdict {
            Verdict::Safe => {}
            Verdict::Unfinished => r.verdict = VerdictKind::Unfinished,
            Verdict::Violation { violation, path } => {
                r.verdict = VerdictKind::Violation;
                r.invariant = Some(violation.invariant.name().to_string());
                r.rule = Some(violation.invariant.rule().to_string());
                r.detail = Some(violation.detail.clone());
                r.moves = path.iter().map(check::Move::describe).collect();
                match check::replay::run(model, path) {
                    Ok(run) => r.trace = Some(trace::export(&run)),
                    Err(e) => r.trace_error = Some(e),
                }
            }
        }
        r
    }
}

/// The CLI's report ([`check::report_text`]) of the worker's explorer, timed by the worker's
/// own clock: the page shows what `paxoscope check` prints for the same check.
fn report_text(cfg: &CheckConfig, ex: &Explorer, elapsed_ms: u64) -> String {
    let r = check::Report {
        progress: ex.progress(),
        seconds: elapsed_ms as f64 / 1_000.0,
        bytes_per_state: ex.bytes_per_state(),
        verdict: ex.verdict(),
    };
    check::report_text(cfg, &r, ex.model())
}

thread_local! {
    /// The worker's check (one per worker instance; the page's own instance never has one).
    static SESSION: std::cell::RefCell<Option<Session>> = const { std::cell::RefCell::new(None) };
}

/// The worker's entry: starts the check in `request` (a [`StartCheck`] as JSON). Returns
/// `None`, or a `failed` message as JSON.
pub fn worker_start(request: &str, now_ms: f64) -> Option<String> {
    match Session::start(request, now_ms) {
        Ok(s) => {
            SESSION.with(|c| *c.borrow_mut() = Some(s));
            None
        }
        Err(msg) => {
            SESSION.with(|c| *c.borrow_mut() = None);
            Some(msg.to_json())
        }
    }
}

/// The worker's loop body: explores for [`PROGRESS_MS`] and returns the message to post
/// (JSON) and whether to call again.
pub fn worker_step(now: &dyn Fn() -> f64) -> (String, bool) {
    SESSION.with(|c| {
        let mut slot = c.borrow_mut();
        let Some(s) = slot.as_mut() else {
            let m = FromWorker::Failed {
                job: 0,
                error: "the worker has no check to run".to_string(),
            };
            return (m.to_json(), false);
        };
        let msg = s.step(now, PROGRESS_MS);
        let more = !s.finished();
        if !more {
            // The explorer's tables are large; free them as soon as the result is out.
            *slot = None;
        }
        (msg.to_json(), more)
    })
}

/// Where the tab's check is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CheckStatus {
    /// Nothing run yet.
    #[default]
    Idle,
    /// A worker is exploring.
    Running,
    /// Finished: the result is in.
    Done,
    /// Stopped by the user.
    Cancelled,
    /// The worker failed (why).
    Failed(String),
}

/// What the buttons and the worker do to the tab.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckerAction {
    /// Edit a field.
    Edit(Field, String),
    /// Switch an injected bug.
    Bug(String, bool),
    /// Switch an AtlasDB quirk.
    Quirk(String, bool),
    /// `textbook` (no quirk) or `atlasdb` (every quirk).
    Protocol(String),
    /// Fill the form from a preset.
    Preset(CheckPreset),
    /// Load a preset and run it at once (what the preset buttons do).
    RunPreset(CheckPreset),
    /// Validate the form and start the check.
    Run,
    /// Stop the check (the page terminates the worker).
    Cancel,
    /// A worker's message.
    Worker(FromWorker),
    /// Open the counterexample in the visualizer, at its violation.
    Open,
}

/// The Checker tab's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checker {
    /// The form as typed.
    pub form: CheckForm,
    /// What was wrong with the form at the last Run.
    pub form_error: Option<String>,
    /// Changes with every start (a cancelled worker's late messages are ignored).
    pub job: u32,
    /// Where it is.
    pub status: CheckStatus,
    /// The check started last.
    pub spec: Option<CheckSpec>,
    /// Its latest counters.
    pub progress: Option<CheckProgress>,
    /// Its result, once done.
    pub result: Option<CheckResult>,
}

impl Checker {
    /// Whether a worker should be exploring.
    pub fn running(&self) -> bool {
        self.status == CheckStatus::Running
    }

    /// The message that starts the current job in a worker.
    pub fn start_message(&self) -> Option<String> {
        let spec = self.spec.clone()?;
        serde_json::to_string(&StartCheck {
            job: self.job,
            spec,
        })
        .ok()
    }

    /// Starts `spec` (validated): a new job, no counters yet.
    pub fn start(&mut self, spec: CheckSpec) {
        self.job = self.job.wrapping_add(1);
        self.spec = Some(spec);
        self.status = CheckStatus::Running;
        self.progress = None;
        self.result = None;
        self.form_error = None;
    }

    /// Takes a worker's message (ignored unless it belongs to the running job).
    pub fn receive(&mut self, msg: FromWorker) {
        let job = match &msg {
            FromWorker::Progress { job, .. }
            | FromWorker::Done { job, .. }
            | FromWorker::Failed { job, .. } => *job,
        };
        // A failure to read the request carries job 0: it still belongs to the running job.
        if !self.running() || (job != self.job && job != 0) {
            return;
        }
        match msg {
            FromWorker::Progress { progress, .. } => self.progress = Some(progress),
            FromWorker::Done {
                progress, result, ..
            } => {
                self.progress = Some(progress);
                self.result = Some(*result);
                self.status = CheckStatus::Done;
            }
            FromWorker::Failed { error, .. } => self.status = CheckStatus::Failed(error),
        }
    }

    /// Stops the running check; its counters so far stay.
    pub fn cancel(&mut self) {
        if self.running() {
            self.status = CheckStatus::Cancelled;
        }
    }

    /// Words for the status line.
    pub fn status_words(&self) -> String {
        let unique = self.progress.map_or(0, |p| p.unique);
        match &self.status {
            CheckStatus::Idle => {
                "Not run yet: pick a preset, or set the bounds below and press Run check.".into()
            }
            CheckStatus::Running if self.progress.is_none() => "Starting the worker…".into(),
            CheckStatus::Running => format!("Exploring… {} unique states so far.", group(unique)),
            CheckStatus::Done => {
                let ms = self.progress.map_or(0, |p| p.elapsed_ms);
                let verdict = self.result.as_ref().map_or("Done", |r| r.verdict.word());
                format!(
                    "{verdict}: {} unique states in {}.",
                    group(unique),
                    duration(ms)
                )
            }
            CheckStatus::Cancelled => format!(
                "Cancelled at {} unique states: no violation among them.",
                group(unique)
            ),
            CheckStatus::Failed(e) => format!("The check failed: {e}"),
        }
    }

    /// Share of `max_states` explored, 0–100 (the search may also end sooner).
    pub fn percent(&self) -> u64 {
        match (&self.spec, self.progress) {
            (Some(s), Some(p)) => (p.unique * 100 / s.max_states.max(1)).min(100),
            _ => 0,
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds for people: `98 ms`, `2.5 s`, `1 min 5 s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{} s", tenths(ms / 100)),
        _ => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1_000),
    }
}

/// `x10` tenths as `12.3`.
pub fn tenths(x10: u64) -> String {
    format!("{}.{}", x10 / 10, x10 % 10)
}

impl Lab {
    /// A link's `check=VALUE`: fills the form, opens the tab and runs the check; a problem
    /// becomes a warning and nothing runs.
    pub(super) fn open_check_link(&mut self, value: &str) -> Option<String> {
        self.tab = Tab::Checker;
        match CheckForm::from_link(value).and_then(|f| f.spec().map(|s| (f, s))) {
            Ok((form, spec)) => {
                self.checker.form = form;
                self.checker.start(spec);
                None
            }
            Err(e) => Some(format!(
                "Ignored 'check={}': {e}",
                crate::sim::units::clip(value, 60)
            )),
        }
    }

    /// Carries out a [`CheckerAction`].
    pub(super) fn checker_apply(&mut self, action: CheckerAction) {
        let c = &mut self.checker;
        match action {
            CheckerAction::Edit(field, value) => c.form.set(field, value),
            CheckerAction::Bug(name, on) => {
                CheckForm::toggle(&mut c.form.bugs, BUG_NAMES, &name, on)
            }
            CheckerAction::Quirk(name, on) => {
                CheckForm::toggle(&mut c.form.quirks, QUIRK_NAMES, &name, on)
            }
            CheckerAction::Protocol(p) => match Protocol::from_name(&p) {
                Some(p) => {
                    c.form.quirks = p.quirks().enabled().iter().map(|q| q.to_string()).collect()
                }
                None => c.form_error = Some(format!("Protocol: there is no protocol '{p}'.")),
            },
            CheckerAction::Preset(p) => {
                c.form = p.form();
                c.form_error = None;
            }
            CheckerAction::RunPreset(p) => {
                self.checker_apply(CheckerAction::Preset(p));
                self.checker_apply(CheckerAction::Run);
            }
            CheckerAction::Run => match c.form.spec() {
                Ok(spec) => {
                    c.start(spec);
                    self.tab = Tab::Checker;
                }
                Err(e) => {
                    c.form_error = Some(e.clone());
                    self.notify(NoticeKind::Error, format!("The check was not started. {e}"));
                }
            },
            CheckerAction::Cancel => c.cancel(),
            CheckerAction::Worker(msg) => c.receive(msg),
            CheckerAction::Open => {
                let Some(trace) = c.result.as_ref().and_then(|r| r.trace.clone()) else {
                    return self.notify(
                        NoticeKind::Info,
                        "There is no counterexample to open: the last check found no violation.",
                    );
                };
                self.apply(LabAction::Import(trace));
                if self.run.history().first_violation().is_some() {
                    self.apply(LabAction::JumpToViolation);
                    self.notices.retain(|n| !n.text.starts_with("Trace loaded"));
                    self.notify_run(
                        NoticeKind::Info,
                        "The model checker's counterexample, replayed by the simulator: one move every 100 ms, paused just after the violation. ← steps back through the moves; Reset replays it from the start.",
                    );
                    self.tab = Tab::SpaceTime;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explore(spec: &CheckSpec) -> (CheckProgress, CheckResult) {
        let req = serde_json::to_string(&StartCheck {
            job: 7,
            spec: spec.clone(),
        })
        .unwrap();
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            // A fake clock: every reading is 1 ms later.
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let mut s = Session::start(&req, 0.0).unwrap_or_else(|m| panic!("{m:?}"));
        let mut progress_messages = 0;
        loop {
            match s.step(&now, 50.0) {
                FromWorker::Progress { job, .. } => {
                    assert_eq!(job, 7);
                    progress_messages += 1;
                }
                FromWorker::Done {
                    job,
                    progress,
                    result,
                } => {
                    assert_eq!(job, 7);
                    assert!(s.finished());
                    let _ = progress_messages;
                    return (progress, *result);
                }
                FromWorker::Failed { error, .. } => panic!("{error}"),
            }
        }
    }

    #[test]
    fn the_default_form_is_the_duel_to_depth_12_and_matches_the_cli() {
        let spec = CheckForm::default().spec().unwrap();
        assert_eq!(spec.max_depth, Some(12));
        assert_eq!(
            spec.cli(),
            "paxoscope check --nodes 3 --log leadership --bfs --crashes 0 --proposers 2 --timers 1 --duplicates 0 --losses 0 --requests 0 --max-depth 12 --max-states 2000000"
        );
        let (p, r) = explore(&spec);
        assert_eq!(r.verdict, VerdictKind::Safe);
        assert_eq!(
            p.unique, 91_253,
            "the CLI's pinned count, reduced (tests/check.rs)"
        );
        assert!(p.depth_cut);
        assert!(r.summary.starts_with("SAFE"), "{}", r.summary);
        assert!(r.report.contains("paths cut at depth 12"), "{}", r.report);
    }

    #[test]
    fn out_of_range_or_junk_fields_are_refused_naming_the_field() {
        let cases: [(Field, &str, &str); 8] = [
            (Field::Nodes, "9", "Nodes: 9 is out of range; use 3–5."),
            (
                Field::Nodes,
                "three",
                "Nodes: 'three' is not a whole number (3–5).",
            ),
            (
                Field::Proposers,
                "4",
                "Proposers: 4 is out of range; use 1–3.",
            ),
            (
                Field::Crashes,
                "-1",
                "Crashes: '-1' is not a whole number (0–3).",
            ),
            (Field::Timers, "17", "Timers: 17 is out of range; use 0–16."),
            (
                Field::MaxDepth,
                "0",
                "Max depth: 0 is out of range; use 1–1000.",
            ),
            (
                Field::MaxStates,
                "99999999999",
                "Max states: 99999999999 is out of range; use 1–20000000.",
            ),
            (
                Field::Search,
                "random",
                "Search: 'random' is neither bfs nor dfs.",
            ),
        ];
        for (field, value, want) in cases {
            let mut f = CheckForm::default();
            f.set(field, value.to_string());
            assert_eq!(f.spec().unwrap_err(), want, "{field:?} = {value}");
        }
        // Separators and spaces are fine.
        let mut f = CheckForm::default();
        f.set(Field::MaxStates, " 1,000,000 ".into());
        assert_eq!(f.spec().unwrap().max_states, 1_000_000);
        // An empty depth is no limit.
        f.set(Field::MaxDepth, " ".into());
        assert_eq!(f.spec().unwrap().max_depth, None);
    }

    #[test]
    fn a_refused_run_starts_nothing_and_says_why() {
        let mut lab = Lab::from_query("");
        lab.apply(LabAction::Checker(CheckerAction::Edit(
            Field::Nodes,
            "7".into(),
        )));
        lab.apply(LabAction::Checker(CheckerAction::Run));
        assert_eq!(lab.checker.status, CheckStatus::Idle);
        assert_eq!(lab.checker.job, 0);
        assert_eq!(
            lab.checker.form_error.as_deref(),
            Some("Nodes: 7 is out of range; use 3–5.")
        );
        assert!(lab
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::Error && n.text.contains("Nodes: 7 is out of range")));
    }

    #[test]
    fn switching_the_log_takes_its_budgets_and_the_protocol_sets_every_quirk() {
        let mut f = CheckForm::default();
        f.set(Field::Log, "timestamp".into());
        assert_eq!((f.requests.as_str(), f.timers.as_str()), ("2", "1"));
        let mut lab = Lab::from_query("");
        let act = |lab: &mut Lab, a| lab.apply(LabAction::Checker(a));
        act(&mut lab, CheckerAction::Protocol("atlasdb".into()));
        assert_eq!(lab.checker.form.protocol(), "atlasdb");
        act(&mut lab, CheckerAction::Quirk("lazy-start".into(), false));
        assert_eq!(lab.checker.form.protocol(), "custom");
        act(&mut lab, CheckerAction::Quirk("lazy-start".into(), true));
        assert_eq!(lab.checker.form.protocol(), "atlasdb");
        assert_eq!(
            lab.checker
                .form
                .spec()
                .unwrap()
                .cli()
                .matches("--protocol atlasdb")
                .count(),
            1
        );
        act(&mut lab, CheckerAction::Protocol("textbook".into()));
        assert!(lab.checker.form.quirks.is_empty());
        act(&mut lab, CheckerAction::Bug("no-such-bug".into(), true));
        assert!(lab.checker.form.bugs.is_empty());
    }

    #[test]
    fn progress_then_done_for_the_running_job_only() {
        let mut lab = Lab::from_query("");
        let act = |lab: &mut Lab, a| lab.apply(LabAction::Checker(a));
        act(&mut lab, CheckerAction::Run);
        assert!(lab.checker.running());
        assert_eq!(lab.tab, Tab::Checker);
        let job = lab.checker.job;
        let start: StartCheck =
            serde_json::from_str(&lab.checker.start_message().unwrap()).unwrap();
        assert_eq!(start.job, job);
        let p = CheckProgress {
            states: 500,
            unique: 100,
            elapsed_ms: 50,
            ..CheckProgress::default()
        };
        // An old job's message is ignored.
        let stale = FromWorker::Progress {
            job: job + 5,
            progress: p,
        };
        act(&mut lab, CheckerAction::Worker(stale));
        assert_eq!(lab.checker.progress, None);
        let msg = FromWorker::from_json(&FromWorker::Progress { job, progress: p }.to_json());
        act(&mut lab, CheckerAction::Worker(msg));
        assert_eq!(lab.checker.progress, Some(p));
        assert_eq!(p.unique_per_s(), 2_000);
        assert_eq!(
            lab.checker.status_words(),
            "Exploring… 100 unique states so far."
        );
        // Cancel keeps the counters and says where it stopped; later messages are ignored.
        act(&mut lab, CheckerAction::Cancel);
        assert_eq!(lab.checker.status, CheckStatus::Cancelled);
        assert_eq!(
            lab.checker.status_words(),
            "Cancelled at 100 unique states: no violation among them."
        );
        let late = FromWorker::Failed {
            job,
            error: "x".into(),
        };
        act(&mut lab, CheckerAction::Worker(late));
        assert_eq!(lab.checker.status, CheckStatus::Cancelled);
        // A new run is a new job.
        act(&mut lab, CheckerAction::Run);
        assert_eq!(lab.checker.job, job + 1);
        assert_eq!(lab.checker.progress, None);
        let failed = FromWorker::from_json("not json");
        act(&mut lab, CheckerAction::Worker(failed));
        assert!(matches!(lab.checker.status, CheckStatus::Failed(_)));
    }

    #[test]
    fn a_bad_request_to_the_worker_fails_in_words_and_never_panics() {
        for bad in ["", "{}", "[1,2]", r#"{"job":1,"spec":{"nodes":9}}"#] {
            assert!(matches!(
                FromWorker::from_json(&worker_start(bad, 0.0).unwrap()),
                FromWorker::Failed { .. }
            ));
            let (msg, more) = worker_step(&|| 0.0);
            assert!(!more);
            assert!(matches!(
                FromWorker::from_json(&msg),
                FromWorker::Failed { .. }
            ));
        }
        let mut spec = CheckForm::default().spec().unwrap();
        spec.nodes = 9;
        let req = serde_json::to_string(&StartCheck { job: 3, spec }).unwrap();
        match FromWorker::from_json(&worker_start(&req, 0.0).unwrap()) {
            FromWorker::Failed { job, error } => {
                assert_eq!(job, 3);
                assert_eq!(error, "Nodes: 9 is out of range; use 3–5.");
            }
            m => panic!("{m:?}"),
        }
    }

    #[test]
    fn the_worker_loop_reports_progress_then_the_result() {
        let spec = CheckPreset::MinorityQuorum.form().spec().unwrap();
        let req = serde_json::to_string(&StartCheck { job: 2, spec }).unwrap();
        assert_eq!(worker_start(&req, 0.0), None);
        let mut last = None;
        for _ in 0..1_000 {
            let (msg, more) = worker_step(&|| 0.0);
            last = Some(FromWorker::from_json(&msg));
            if !more {
                break;
            }
        }
        match last {
            Some(FromWorker::Done { job, result, .. }) => {
                assert_eq!(job, 2);
                assert_eq!(result.verdict, VerdictKind::Violation);
            }
            m => panic!("{m:?}"),
        }
        // The session is freed.
        assert!(!worker_step(&|| 0.0).1);
    }

    #[test]
    fn the_atlasdb_preset_finds_the_counterexample_and_it_opens_on_the_violation() {
        let spec = CheckPreset::AtlasDb.form().spec().unwrap();
        assert!(spec.cli().ends_with("--protocol atlasdb"), "{}", spec.cli());
        let (p, r) = explore(&spec);
        assert_eq!(r.verdict, VerdictKind::Violation, "{}", r.report);
        assert_eq!(r.invariant.as_deref(), Some("promise-reports-accepted"));
        assert!(r
            .summary
            .starts_with("VIOLATION of promise-reports-accepted"));
        assert!(!r.moves.is_empty() && r.prefix > 0);
        assert!(r.report.contains(&r.moves[0]));
        assert!(p.unique > 1);
        let trace = r.trace.clone().expect("a counterexample trace");

        let mut lab = Lab::from_query("");
        let act = |lab: &mut Lab, a| lab.apply(LabAction::Checker(a));
        // Nothing to open before a violation.
        act(&mut lab, CheckerAction::Open);
        assert!(lab.run.history().first_violation().is_none());
        act(&mut lab, CheckerAction::RunPreset(CheckPreset::AtlasDb));
        let job = lab.checker.job;
        act(
            &mut lab,
            CheckerAction::Worker(FromWorker::Done {
                job,
                progress: p,
                result: Box::new(r),
            }),
        );
        assert_eq!(lab.checker.status, CheckStatus::Done);
        assert!(lab.checker.status_words().starts_with("VIOLATION: "));
        act(&mut lab, CheckerAction::Open);
        // The run is the imported counterexample, paused just after its violation: the
        // picture and the banner show it.
        let (i, v) = lab.run.history().first_violation().expect("imported");
        assert_eq!(v.invariant.name(), "promise-reports-accepted");
        assert_eq!(lab.run.cursor_event(), i + 1);
        assert!(crate::lab::view::violation(&lab.run).is_some());
        assert!(!lab.playing);
        assert_eq!(lab.tab, Tab::SpaceTime);
        assert_eq!(lab.run.config().protocol.quirks, Protocol::AtlasDb.quirks());
        // The check's result stays for the tab.
        assert_eq!(lab.checker.status, CheckStatus::Done);
        assert!(crate::codec::trace::import(&trace).is_ok());
    }

    #[test]
    fn the_bug_presets_find_their_shortest_counterexamples() {
        for (preset, invariant, moves) in [
            (CheckPreset::IgnorePromisedValues, "agreement", 8),
            (CheckPreset::MinorityQuorum, "learned-is-chosen", 1),
            // AtlasDB as written: the README's 5-move counterexample.
            (CheckPreset::AtlasDb, "promise-reports-accepted", 5),
        ] {
            let (_, r) = explore(&preset.form().spec().unwrap());
            assert_eq!(r.invariant.as_deref(), Some(invariant), "{}", r.report);
            assert_eq!(r.moves.len(), moves, "{}", r.report);
            assert!(r.trace.is_some());
        }
    }

    #[test]
    fn the_report_is_the_clis_word_for_word() {
        for preset in [
            CheckPreset::Duel,
            CheckPreset::AtlasDb,
            CheckPreset::MinorityQuorum,
        ] {
            let cfg = preset.form().spec().unwrap().config().unwrap();
            let mut ex = Explorer::new(cfg.clone());
            while !ex.run(10_000) {}
            let r = check::Report {
                progress: ex.progress(),
                seconds: 1.25,
                bytes_per_state: ex.bytes_per_state(),
                verdict: ex.verdict(),
            };
            let want = check::report_text(&cfg, &r, ex.model());
            let got = report_text(&cfg, &ex, 1_250);
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_check_link_round_trips_opens_the_tab_and_runs() {
        for preset in CheckPreset::ALL {
            let spec = preset.form().spec().unwrap();
            let back = CheckForm::from_link(&spec.to_link())
                .unwrap()
                .spec()
                .unwrap();
            assert_eq!(back, spec, "{preset:?}");
        }
        let spec = CheckPreset::AtlasDb.form().spec().unwrap();
        let mut lab = Lab::from_query(&format!("?check={}", spec.to_link()));
        assert_eq!(lab.tab, Tab::Checker);
        assert!(lab.checker.running());
        assert_eq!(lab.checker.spec.as_ref(), Some(&spec));
        assert!(lab.notices.is_empty(), "{:?}", lab.notices);
        // The share link carries it back while the tab is open.
        let q = lab.share_query();
        assert!(q.contains(&format!("check={}", spec.to_link())), "{q}");
        lab.apply(LabAction::SetTab(Tab::Log));
        assert!(!lab.share_query().contains("check="));
        // A bad link opens the tab with a warning and runs nothing.
        let lab = Lab::from_query("?check=nodes:9");
        assert_eq!(lab.tab, Tab::Checker);
        assert!(!lab.checker.running());
        assert_eq!(
            lab.notices[0].text,
            "Ignored 'check=nodes:9': Nodes: 9 is out of range; use 3–5."
        );
        let lab = Lab::from_query("?check=bug:nope");
        assert!(lab.notices[0]
            .text
            .contains("there is no bug called 'nope'"));
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(5_617_873), "5,617,873");
        assert_eq!(tenths(223), "22.3");
        assert_eq!(duration(98), "98 ms");
        assert_eq!(duration(2_549), "2.5 s");
        assert_eq!(duration(65_400), "1 min 5 s");
    }
}

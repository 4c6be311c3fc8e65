//! Experiments: a scenario run hundreds or thousands of times per setting, each run at its own
//! seed, measuring how long the cluster had no leader after the fault — the Raft paper's
//! Figure 16, redone for TimeLock's random wait.
//!
//! * A [`SweepSpec`] names a scenario and lists of settings (backoff maximum, cluster size,
//!   loss, latency); every combination is one [`Setting`], and each setting gets `runs` runs.
//! * Run `r` of setting `s` uses the seed [`run_seed`]`(seed, s, r)`: a pure function, so a
//!   chunk of runs computed anywhere (a CLI thread, a Web Worker) gives the same rows, and one
//!   row reopens as the exact run in the visualizer ([`SweepSpec::run_config`]).
//! * [`measure`] runs one seed without recording (like the swarm) and stops as soon as what it
//!   measures is known, which is what makes a thousand runs take a second.
//! * Rows travel as CSV lines ([`RunRow::csv`], [`RunRow::parse_csv`]): the CLI writes them,
//!   workers send them to the page, and both are compared in tests.
//! * [`SettingSummary`] gives the order statistics (median, p95, p99, max by nearest rank,
//!   in whole µs — no floating point, so native and wasm agree to the digit).
//!
//! What is measured, from the **fault**: the time of the scenario's first fault intervention
//! (crash, crash-leader, isolate, partition, restart, filter), or 0 when it has none (then the
//! downtime is the time to the first leader).
//!
//! * `downtime` — fault → the first node to become leader after it (`BecameLeader`).
//! * `from_timeout` — the first follower that gave up on its leader (left *following*: its
//!   ping timed out or failed) → that new leader. The difference is the ping timeout's fixed
//!   cost; what remains is the wait and the duel.
//! * `no_service` — fault → the first timestamp request served after it.
//! * `elections`, `preempted`, `messages` — leadership proposals started, attempts pre-empted
//!   by a rival's ballot, and messages sent, between the fault and the new leader (or the
//!   horizon).

use super::config::{Preset, SimConfig, Time};
use super::history::NoRecord;
use super::intervention::{Action, Intervention, Param};
use super::rng::Rng;
use super::scenario;
use super::units;
use super::world::World;
use crate::engine::election::ElectionState;
use crate::engine::{BackoffPolicy, Micros, Protocol, MS};

/// Most settings one sweep may have (the product of its lists).
pub const MAX_SETTINGS: usize = 64;
/// Most runs per setting.
pub const MAX_RUNS: u32 = 100_000;
/// Longest horizon after the fault.
pub const MAX_HORIZON: Time = 600_000 * MS;

/// Everything that determines a sweep: a scenario, lists of settings, runs and a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepSpec {
    /// The scenario every run starts from (its interventions, clients and timings).
    pub scenario: String,
    /// A timing preset laid over the scenario's timings and network, if any.
    pub preset: Option<Preset>,
    /// Protocol profile (None: the scenario's own quirks).
    pub protocol: Option<Protocol>,
    /// Backoff policy name ([`BackoffPolicy::NAMES`]).
    pub backoff: String,
    /// Backoff maxima to compare (µs).
    pub backoff_max: Vec<Micros>,
    /// Cluster sizes to compare.
    pub nodes: Vec<u8>,
    /// Loss rates to compare (parts per million).
    pub loss: Vec<u32>,
    /// One-way latency ranges to compare (µs).
    pub latency: Vec<(Micros, Micros)>,
    /// Runs per setting.
    pub runs: u32,
    /// The sweep's seed; each run's seed is derived from it.
    pub seed: u64,
    /// How long after the fault a run may take to elect a leader.
    pub horizon: Time,
}

/// One combination of the spec's lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// Cluster size.
    pub nodes: u8,
    /// The backoff's maximum wait (µs).
    pub backoff_max: Micros,
    /// Loss (ppm).
    pub loss: u32,
    /// Latency range (µs).
    pub latency: (Micros, Micros),
}

/// Sweeps Figure 16 of the Raft paper compares: 0–300 ms of random wait after a leader crash.
pub const FIGURE16_MAX_MS: [u64; 6] = [0, 5, 25, 50, 150, 300];

impl Default for SweepSpec {
    fn default() -> Self {
        let mut s = SweepSpec::for_scenario("leader-crash").expect("leader-crash exists");
        s.backoff_max = FIGURE16_MAX_MS.iter().map(|m| m * MS).collect();
        s
    }
}

impl SweepSpec {
    /// A sweep of one setting: the scenario's own values, 100 runs, seed 1.
    pub fn for_scenario(name: &str) -> Result<SweepSpec, String> {
        let s = scenario::by_name(name)
            .ok_or_else(|| format!("there is no scenario called '{name}'"))?;
        let c = &s.config;
        Ok(SweepSpec {
            scenario: s.name.to_string(),
            preset: None,
            protocol: None,
            backoff: c.protocol.backoff.name().to_string(),
            backoff_max: vec![c.protocol.backoff.max_wait()],
            nodes: vec![c.protocol.nodes],
            loss: vec![c.network.loss_ppm],
            latency: vec![(c.network.latency_min, c.network.latency_max)],
            runs: 100,
            seed: 1,
            horizon: 30_000 * MS,
        })
    }

    /// Lays a timing preset over the scenario: its timings and network replace the
    /// scenario's, and the backoff and latency lists start from the preset's values.
    pub fn set_preset(&mut self, p: Preset) {
        let timing = SimConfig::preset(p, 5, 0);
        self.preset = Some(p);
        self.backoff = timing.protocol.backoff.name().to_string();
        self.backoff_max = vec![timing.protocol.backoff.max_wait()];
        self.latency = vec![(timing.network.latency_min, timing.network.latency_max)];
    }

    /// When the scenario's fault strikes (0 without one): where downtime counts from.
    pub fn fault_at(&self) -> Time {
        scenario::by_name(&self.scenario)
            .and_then(|s| {
                s.interventions
                    .iter()
                    .find(|iv| is_fault(&iv.action))
                    .map(|iv| iv.at)
            })
            .unwrap_or(0)
    }

    /// Every combination of the lists, nodes outermost, backoff maximum innermost.
    pub fn settings(&self) -> Vec<Setting> {
        let mut out = Vec::new();
        for &nodes in &self.nodes {
            for &latency in &self.latency {
                for &loss in &self.loss {
                    for &backoff_max in &self.backoff_max {
                        out.push(Setting {
                            nodes,
                            backoff_max,
                            loss,
                            latency,
                        });
                    }
                }
            }
        }
        out
    }

    /// Checks ranges and that every setting builds a valid run; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if scenario::by_name(&self.scenario).is_none() {
            return Err(format!(
                "there is no scenario called '{}'",
                quoted(&self.scenario)
            ));
        }
        if BackoffPolicy::from_name(&self.backoff, 0).is_none() {
            return Err(format!(
                "unknown backoff '{}' (one of {})",
                quoted(&self.backoff),
                BackoffPolicy::NAMES.join(", ")
            ));
        }
        for (name, empty) in [
            ("backoff maximum", self.backoff_max.is_empty()),
            ("cluster size", self.nodes.is_empty()),
            ("loss", self.loss.is_empty()),
            ("latency", self.latency.is_empty()),
        ] {
            if empty {
                return Err(format!("give at least one {name}"));
            }
        }
        let count =
            self.backoff_max.len() * self.nodes.len() * self.loss.len() * self.latency.len();
        if count > MAX_SETTINGS {
            return Err(format!(
                "{count} settings is too many (at most {MAX_SETTINGS}: the lists multiply)"
            ));
        }
        if self.runs == 0 || self.runs > MAX_RUNS {
            return Err(format!(
                "runs per setting must be 1–{MAX_RUNS}, not {}",
                self.runs
            ));
        }
        if self.horizon == 0 || self.horizon > MAX_HORIZON {
            return Err(format!(
                "the horizon must be 1 ms – {} s",
                MAX_HORIZON / 1_000_000
            ));
        }
        for i in 0..count {
            let (cfg, ivs) = self.run_config(i, 0)?;
            cfg.validate()?;
            for iv in &ivs {
                iv.action.validate(cfg.protocol.nodes).map_err(|e| {
                    format!("{} with {} nodes: {e}", self.scenario, cfg.protocol.nodes)
                })?;
            }
        }
        Ok(())
    }

    /// The configuration and interventions of run `run` of setting `setting`: the scenario,
    /// the setting's values, and the run's derived seed. The visualizer opens a row with this.
    pub fn run_config(
        &self,
        setting: usize,
        run: u32,
    ) -> Result<(SimConfig, Vec<Intervention>), String> {
        let s = scenario::by_name(&self.scenario)
            .ok_or_else(|| format!("there is no scenario called '{}'", quoted(&self.scenario)))?;
        let set = *self
            .settings()
            .get(setting)
            .ok_or_else(|| format!("this sweep has no setting {setting}"))?;
        let mut c = s.config;
        if let Some(p) = self.preset {
            let timing = SimConfig::preset(p, set.nodes, 0);
            let keep = c.protocol.clone();
            c.protocol = timing.protocol;
            c.protocol.bugs = keep.bugs;
            c.protocol.quirks = keep.quirks;
            c.network = timing.network;
        }
        c.seed = run_seed(self.seed, setting, run);
        c.protocol.nodes = set.nodes;
        let backoff = BackoffPolicy::from_name(&self.backoff, set.backoff_max)
            .ok_or_else(|| format!("unknown backoff '{}'", quoted(&self.backoff)))?;
        if let Some(p) = self.protocol {
            c.protocol.quirks = p.quirks();
        }
        c.network.loss_ppm = set.loss;
        (c.network.latency_min, c.network.latency_max) = set.latency;
        let mut ivs = s.interventions;
        match ivs.iter().position(|iv| is_fault(&iv.action)) {
            // The swept wait takes over just before the fault: the cluster boots with the
            // scenario's own wait, so every run has a leader to lose (with no wait at all
            // the cold start itself can duel for seconds, and that is not what is measured).
            Some(i) if ivs[i].at > 0 => {
                let at = ivs[i].at;
                ivs.insert(
                    i,
                    Intervention::new(at, Action::Set(Param::Backoff(backoff))),
                );
            }
            _ => c.protocol.backoff = backoff,
        }
        Ok((c, ivs))
    }

    /// Runs `count` runs of setting `setting` from run `first` (the unit of work a worker
    /// thread or a Web Worker takes).
    pub fn run_chunk(&self, setting: usize, first: u32, count: u32) -> Result<Vec<RunRow>, String> {
        let set = *self
            .settings()
            .get(setting)
            .ok_or_else(|| format!("this sweep has no setting {setting}"))?;
        let end = first.saturating_add(count).min(self.runs);
        let mut rows = Vec::with_capacity(end.saturating_sub(first) as usize);
        for run in first..end {
            let (cfg, ivs) = self.run_config(setting, run)?;
            let m = measure(cfg.clone(), &ivs, self.horizon);
            rows.push(RunRow {
                setting: setting as u32,
                set,
                run,
                seed: cfg.seed,
                m,
            });
        }
        Ok(rows)
    }

    /// Names a setting by what differs between the settings (by the backoff when nothing
    /// does), e.g. "≤ 25 ms" or "7 nodes, ≤ 25 ms".
    pub fn label(&self, setting: &Setting) -> String {
        let mut parts = Vec::new();
        if self.nodes.len() > 1 {
            parts.push(format!("{} nodes", setting.nodes));
        }
        if self.latency.len() > 1 {
            parts.push(format!(
                "{}–{} ms",
                ms(setting.latency.0),
                ms(setting.latency.1)
            ));
        }
        if self.loss.len() > 1 {
            parts.push(format!("loss {}%", pct(setting.loss)));
        }
        if self.backoff_max.len() > 1 || parts.is_empty() {
            parts.push(match self.backoff.as_str() {
                "none" => "no wait".to_string(),
                "fixed" => format!("wait {} ms", ms(setting.backoff_max)),
                "uniform" => format!("U[0, {} ms)", ms(setting.backoff_max)),
                _ => format!("exp. ≤ {} ms", ms(setting.backoff_max)),
            });
        }
        parts.join(", ")
    }
}

/// Items joined by commas (the CLI's and the links' list form).
pub(crate) fn join<T>(v: &[T], f: impl Fn(&T) -> String) -> String {
    v.iter().map(f).collect::<Vec<_>>().join(",")
}

/// Milliseconds from µs, without trailing zeros ("12.5").
pub fn ms(us: Micros) -> String {
    units::short(i128::from(us), 3)
}

/// Percent from ppm, without trailing zeros ("2.5").
pub fn pct(ppm: u32) -> String {
    units::short(i128::from(ppm), 4)
}

/// What a refusal quotes of a value: its first 40 characters (a pasted page must not come
/// back whole in a message).
pub(crate) fn quoted(s: &str) -> String {
    units::clip(s, 40)
}

/// A comma-separated list, each item read by `item`.
pub fn parse_list<T>(s: &str, item: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    let items: Vec<&str> = s.split(',').map(str::trim).collect();
    if items.iter().all(|i| i.is_empty()) {
        return Err("the list is empty".into());
    }
    if items.len() > MAX_SETTINGS {
        return Err(format!("a list has at most {MAX_SETTINGS} items"));
    }
    items.into_iter().map(item).collect()
}

/// A cluster size, 3–9.
pub fn parse_nodes(s: &str) -> Result<u8, String> {
    let qs = quoted(s);
    match s.parse::<u8>() {
        Ok(n) if (3..=9).contains(&n) => Ok(n),
        _ => Err(format!("a cluster has 3–9 nodes, not '{qs}'")),
    }
}

/// Milliseconds ("25", "12.5") as µs, up to an hour.
pub fn parse_ms(s: &str) -> Result<Micros, String> {
    let qs = quoted(s);
    match units::parse(s, 3) {
        Some(us) if us <= 3_600_000 * MS => Ok(us),
        Some(_) => Err(format!("{qs} ms is more than an hour")),
        None => Err(format!("'{qs}' is not a number of milliseconds")),
    }
}

/// A loss rate as a fraction ("0.3") or a percentage ("30%"), in ppm.
pub fn parse_loss(s: &str) -> Result<u32, String> {
    let qs = quoted(s);
    let (v, scale) = match s.strip_suffix('%') {
        Some(p) => (p, 4),
        None => (s, 6),
    };
    match units::parse(v, scale) {
        Some(ppm) if ppm <= 1_000_000 => Ok(ppm as u32),
        Some(_) => Err(format!("'{qs}' is outside 0–100%")),
        None => Err(format!("'{qs}' is not a rate (use 0.3 or 30%)")),
    }
}

/// A latency range "MIN-MAX" in ms (or one value for a fixed latency), as µs.
pub fn parse_latency(s: &str) -> Result<(Micros, Micros), String> {
    let qs = quoted(s);
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b) = (parse_ms(a.trim())?, parse_ms(b.trim())?);
    if a > b {
        return Err(format!("latency '{qs}': the minimum is above the maximum"));
    }
    if b > 60_000 * MS {
        return Err(format!("latency '{qs}': at most 60 s"));
    }
    Ok((a, b))
}

/// Runs per setting, 1–[`MAX_RUNS`].
pub fn parse_runs(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(r) if (1..=MAX_RUNS).contains(&r) => Ok(r),
        _ => Err(format!("runs per setting are 1–{MAX_RUNS}, not '{s}'")),
    }
}

/// The seed of run `run` of setting `setting` in a sweep seeded `seed`: the same everywhere,
/// whichever thread or worker computes it, and different for every (setting, run).
pub fn run_seed(seed: u64, setting: usize, run: u32) -> u64 {
    let per_setting = Rng::derive(seed, 0x5EE9_0000 + setting as u64).next_u64();
    Rng::derive(per_setting, u64::from(run)).next_u64()
}

/// What one run measured (times in µs; None: did not happen within the horizon).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measured {
    /// When the fault struck (0 without one).
    pub fault_at: Time,
    /// Whether some node led just before the fault.
    pub leader_at_fault: bool,
    /// Fault → new leader.
    pub downtime: Option<Time>,
    /// First follower giving up on its leader → new leader.
    pub from_timeout: Option<Time>,
    /// Fault → first timestamp request served.
    pub no_service: Option<Time>,
    /// Leadership proposals started between the fault and the new leader.
    pub elections: u64,
    /// Attempts pre-empted by a rival's ballot in that window.
    pub preempted: u64,
    /// Messages sent in that window.
    pub messages: u64,
    /// Simulation steps taken (for speed reports; not part of a row's identity).
    pub steps: u64,
}

fn is_fault(a: &Action) -> bool {
    matches!(
        a,
        Action::Crash(_)
            | Action::CrashLeader
            | Action::IsolateLeader { .. }
            | Action::Partition(_)
            | Action::Restart(_)
            | Action::Filter(_)
    )
}

/// Runs one configuration without recording and measures the leaderless stretch after the
/// scenario's first fault (see the module docs). Stops once a new leader is known and a
/// request has been served (or the configuration has no clients), or at `horizon` after the
/// fault.
pub fn measure(cfg: SimConfig, interventions: &[Intervention], horizon: Time) -> Measured {
    let has_clients = cfg.clients.count > 0;
    let mut w = World::new(cfg);
    let fault = interventions.iter().position(|iv| is_fault(&iv.action));
    let fault_at = fault.map_or(0, |i| interventions[i].at);
    // Everything before the fault's instant runs uncounted.
    if fault_at > 0 {
        w.run_until(fault_at - 1, interventions, &mut NoRecord);
    }
    let sent = |w: &World| w.stats.sent_by_type.iter().sum::<u64>();
    let following = |w: &World| {
        w.nodes.iter().fold(0u16, |m, n| {
            if n.up && matches!(n.v.election, ElectionState::Following { .. }) {
                m | 1 << n.id.index()
            } else {
                m
            }
        })
    };
    let mut m = Measured {
        fault_at,
        leader_at_fault: w.leader().is_some(),
        ..Measured::default()
    };
    let base = (
        w.stats.leader_changes,
        w.stats.requests_served,
        w.stats.elections,
        w.stats.preempted_total(),
        sent(&w),
    );
    let end = fault_at + horizon;
    let mut follow = following(&w);
    let mut suspected: Option<Time> = None;
    let mut leader_at: Option<Time> = None;
    while leader_at.is_none() || (has_clients && m.no_service.is_none()) {
        match w.next_time(interventions) {
            Some(t) if t <= end => {}
            _ => break,
        }
        if !w.step(interventions, &mut NoRecord) {
            break;
        }
        // Until the fault itself has been applied, only the followers are tracked.
        let past_fault = fault.is_none_or(|i| w.next_intervention > i);
        if suspected.is_none() && leader_at.is_none() {
            let now = following(&w);
            if past_fault && follow & !now != 0 {
                suspected = Some(w.now);
            }
            follow = now;
        }
        if !past_fault {
            continue;
        }
        if leader_at.is_none() && w.stats.leader_changes > base.0 {
            leader_at = Some(w.now);
            m.downtime = Some(w.now - fault_at);
            m.from_timeout = suspected.map(|s| w.now - s);
            m.elections = w.stats.elections - base.2;
            m.preempted = w.stats.preempted_total() - base.3;
            m.messages = sent(&w) - base.4;
        }
        if m.no_service.is_none() && w.stats.requests_served > base.1 {
            m.no_service = Some(w.now - fault_at);
        }
    }
    if leader_at.is_none() {
        m.elections = w.stats.elections - base.2;
        m.preempted = w.stats.preempted_total() - base.3;
        m.messages = sent(&w) - base.4;
    }
    m.steps = w.steps;
    m
}

/// One run of a sweep: which setting and seed, and what it measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunRow {
    /// Index of the setting in [`SweepSpec::settings`].
    pub setting: u32,
    /// The setting's values.
    pub set: Setting,
    /// Run index within the setting.
    pub run: u32,
    /// The run's seed ([`run_seed`]).
    pub seed: u64,
    /// What it measured.
    pub m: Measured,
}

/// Order statistics of one measure over a setting's runs. Runs where it never happened count
/// as longer than any that did; a percentile that falls among them is None ("> horizon").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    /// Runs counted.
    pub n: usize,
    /// Runs where it did not happen within the horizon.
    pub never: usize,
    /// Nearest-rank median.
    pub p50: Option<Time>,
    /// Nearest-rank 95th percentile.
    pub p95: Option<Time>,
    /// Nearest-rank 99th percentile.
    pub p99: Option<Time>,
    /// Largest value (None if some run never got there).
    pub max: Option<Time>,
}

impl Percentiles {
    /// From values in any order (None = never).
    pub fn of(values: impl IntoIterator<Item = Option<Time>>) -> Percentiles {
        // "Never" sorts last as Time::MAX (one plain integer sort keeps the wasm small).
        let mut v: Vec<Time> = values.into_iter().map(|x| x.unwrap_or(Time::MAX)).collect();
        v.sort_unstable();
        let n = v.len();
        let rank = |p: usize| -> Option<Time> {
            if n == 0 {
                return None;
            }
            // Nearest rank: the smallest value with at least p % of the runs at or below it.
            let k = (p * n).div_ceil(100).max(1);
            Some(v[k - 1]).filter(|&t| t != Time::MAX)
        };
        Percentiles {
            n,
            never: v.iter().filter(|&&x| x == Time::MAX).count(),
            p50: rank(50),
            p95: rank(95),
            p99: rank(99),
            max: rank(100),
        }
    }
}

/// What the summary table shows for one setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingSummary {
    /// The setting's label ([`SweepSpec::label`]).
    pub label: String,
    /// Downtime from the fault.
    pub downtime: Percentiles,
    /// Downtime from the first follower's timeout.
    pub from_timeout: Percentiles,
    /// Time without timestamp service.
    pub no_service: Percentiles,
    /// Runs in which nobody led when the fault struck.
    pub no_leader_at_fault: usize,
    /// Mean leadership proposals per run, in hundredths.
    pub elections_x100: u64,
    /// Mean pre-empted attempts per run, in hundredths.
    pub preempted_x100: u64,
    /// Mean messages per run, in hundredths.
    pub messages_x100: u64,
}

impl SettingSummary {
    /// Summarises one setting's rows.
    pub fn of(label: String, rows: &[RunRow]) -> SettingSummary {
        let n = rows.len().max(1) as u64;
        let mean = |f: fn(&RunRow) -> u64| rows.iter().map(f).sum::<u64>() * 100 / n;
        SettingSummary {
            label,
            downtime: Percentiles::of(rows.iter().map(|r| r.m.downtime)),
            // Runs that elected without any follower giving up first (nobody led at the
            // fault) have no such stretch; runs that never elected count as "never".
            from_timeout: Percentiles::of(
                rows.iter()
                    .filter(|r| r.m.downtime.is_none() || r.m.from_timeout.is_some())
                    .map(|r| r.m.from_timeout),
            ),
            no_service: Percentiles::of(rows.iter().map(|r| r.m.no_service)),
            no_leader_at_fault: rows.iter().filter(|r| !r.m.leader_at_fault).count(),
            elections_x100: mean(|r| r.m.elections),
            preempted_x100: mean(|r| r.m.preempted),
            messages_x100: mean(|r| r.m.messages),
        }
    }
}

/// Summaries per setting from rows in any order.
pub fn summarize(spec: &SweepSpec, rows: &[RunRow]) -> Vec<SettingSummary> {
    spec.settings()
        .iter()
        .enumerate()
        .map(|(i, set)| {
            let mine: Vec<RunRow> = rows
                .iter()
                .filter(|r| r.setting as usize == i)
                .copied()
                .collect();
            SettingSummary::of(spec.label(set), &mine)
        })
        .collect()
}

/// Runs a whole sweep on `threads` threads; rows in (setting, run) order. With `progress`, a
/// line on stderr every two seconds.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_all(spec: &SweepSpec, threads: usize, progress: bool) -> Result<Vec<RunRow>, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    spec.validate()?;
    const CHUNK: u32 = 16;
    let settings = spec.settings().len();
    let chunks: Vec<(usize, u32)> = (0..settings)
        .flat_map(|s| (0..spec.runs).step_by(CHUNK as usize).map(move |f| (s, f)))
        .collect();
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let total = settings as u64 * u64::from(spec.runs);
    let start = std::time::Instant::now();
    let mut rows: Vec<RunRow> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(&(setting, first)) = chunks.get(i) else {
                            break;
                        };
                        let got = spec.run_chunk(setting, first, CHUNK)?;
                        done.fetch_add(got.len() as u64, Ordering::Relaxed);
                        mine.extend(got);
                    }
                    Ok::<_, String>(mine)
                })
            })
            .collect();
        if progress {
            let mut last = std::time::Instant::now();
            while workers.iter().any(|w| !w.is_finished()) {
                std::thread::sleep(std::time::Duration::from_millis(50));
                if last.elapsed().as_secs() >= 2 {
                    last = std::time::Instant::now();
                    let d = done.load(Ordering::Relaxed);
                    eprintln!(
                        "sweep: {d}/{total} runs ({} %), {:.0} s elapsed",
                        d * 100 / total.max(1),
                        start.elapsed().as_secs_f64()
                    );
                }
            }
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.join().expect("sweep worker panicked")?);
        }
        Ok::<_, String>(all)
    })?;
    rows.sort_by_key(|r| (r.setting, r.run));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SweepSpec {
        SweepSpec {
            backoff_max: vec![0, 25 * MS, 300 * MS],
            runs: 12,
            seed: 7,
            ..SweepSpec::default()
        }
    }

    #[test]
    fn percentiles_are_nearest_rank_on_known_data() {
        let p = Percentiles::of((1..=100).rev().map(Some));
        assert_eq!(
            (p.n, p.never, p.p50, p.p95, p.p99, p.max),
            (100, 0, Some(50), Some(95), Some(99), Some(100))
        );
        // Ten values: the median is the 5th, p95 and p99 the 10th.
        let p = Percentiles::of([7, 1, 9, 3, 5, 2, 8, 4, 10, 6].map(Some));
        assert_eq!(
            (p.p50, p.p95, p.p99, p.max),
            (Some(5), Some(10), Some(10), Some(10))
        );
        // One value: every percentile is it.
        let p = Percentiles::of([Some(42)]);
        assert_eq!((p.p50, p.p99, p.max), (Some(42), Some(42), Some(42)));
        // 200 values 1..=200: p95 = 190th, p99 = 198th.
        let p = Percentiles::of((1..=200).map(Some));
        assert_eq!((p.p50, p.p95, p.p99), (Some(100), Some(190), Some(198)));
        assert_eq!(Percentiles::of([]).p50, None);
    }

    #[test]
    fn run_seeds_depend_on_seed_setting_and_run_only() {
        assert_eq!(run_seed(1, 2, 3), run_seed(1, 2, 3));
        let all = [
            run_seed(1, 0, 0),
            run_seed(1, 0, 1),
            run_seed(1, 1, 0),
            run_seed(2, 0, 0),
        ];
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                assert_ne!(all[i], all[j]);
            }
        }
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_same_spec_gives_the_same_rows_however_it_is_chunked() {
        let spec = small();
        let whole = spec.run_chunk(1, 0, 12).unwrap();
        let mut parts = spec.run_chunk(1, 0, 5).unwrap();
        parts.extend(spec.run_chunk(1, 5, 100).unwrap());
        assert_eq!(whole, parts);
        assert_eq!(whole.len(), 12);
        let threaded = run_all(&spec, 3, false).unwrap();
        let serial = run_all(&spec, 1, false).unwrap();
        assert_eq!(threaded, serial);
        assert_eq!(&threaded[12..24], &whole[..]);
    }

    #[test]
    fn a_leader_crash_is_measured_from_the_crash() {
        let spec = small();
        let rows = spec.run_chunk(2, 0, 12).unwrap();
        for r in &rows {
            assert_eq!(r.m.fault_at, 8_000_000);
            assert!(r.m.leader_at_fault, "seed {} had no leader at 8 s", r.seed);
            let d =
                r.m.downtime
                    .expect("300 ms of random wait always elects within 30 s");
            let t = r.m.from_timeout.expect("a follower timed out first");
            // A follower gives up only after its ping timeout (1.5 s after its last "yes").
            assert!(t < d && d - t <= d, "{r:?}");
            assert!(
                d > 1_000_000,
                "nobody notices a crash in less than the ping timeout"
            );
            assert!(r.m.elections >= 1 && r.m.messages > 0);
            assert!(r.m.no_service.is_some_and(|s| s >= d));
        }
    }

    #[test]
    fn settings_multiply_and_are_labelled_by_what_differs() {
        let mut s = SweepSpec::default();
        assert_eq!(s.settings().len(), 6);
        assert_eq!(s.label(&s.settings()[2]), "U[0, 25 ms)");
        s.nodes = vec![3, 7];
        s.backoff_max = vec![25 * MS];
        let set = s.settings();
        assert_eq!(set.len(), 2);
        assert_eq!(s.label(&set[1]), "7 nodes");
        assert!(s.validate().is_ok());
        s.runs = 0;
        assert!(s.validate().unwrap_err().contains("runs per setting"));
    }

    #[test]
    fn parsers_refuse_bad_values_in_words() {
        assert_eq!(parse_loss("30%"), Ok(300_000));
        assert_eq!(parse_loss("0.3"), Ok(300_000));
        assert!(parse_loss("130%").unwrap_err().contains("0–100%"));
        assert_eq!(parse_latency("60-140"), Ok((60 * MS, 140 * MS)));
        assert_eq!(parse_latency("5"), Ok((5 * MS, 5 * MS)));
        assert!(parse_latency("9-3").is_err());
        assert!(parse_list("", parse_nodes).is_err());
        assert!(parse_nodes("10").is_err());
        assert!(parse_runs("0").is_err());
    }
}

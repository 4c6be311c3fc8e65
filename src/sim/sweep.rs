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
use serde::Serialize;

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

    /// The command that reproduces this sweep (CSV to stdout).
    pub fn command(&self) -> String {
        let mut s = format!("paxoscope sweep --scenario {}", self.scenario);
        if let Some(p) = self.preset {
            s.push_str(&format!(" --preset {}", p.name()));
        }
        if let Some(p) = self.protocol {
            s.push_str(&format!(" --protocol {}", p.name()));
        }
        s.push_str(&format!(
            " --nodes {} --backoff {} --backoff-max-ms {} --loss {} --latency {} --runs {} --seed {} --horizon-ms {}",
            join(&self.nodes, |n| n.to_string()),
            self.backoff,
            join(&self.backoff_max, |m| ms(*m)),
            join(&self.loss, |l| format!("{}%", pct(*l))),
            join(&self.latency, |(a, b)| format!("{}-{}", ms(*a), ms(*b))),
            self.runs,
            self.seed,
            ms(self.horizon)
        ));
        s
    }

    /// The sweep as query parameters (`x=SCENARIO&xn=…`), every key starting with `x` so a
    /// link can carry a run and a sweep side by side.
    pub fn to_query(&self) -> String {
        let mut q = format!("x={}", self.scenario);
        if let Some(p) = self.preset {
            q.push_str(&format!("&xp={}", p.name()));
        }
        if let Some(p) = self.protocol {
            q.push_str(&format!("&xproto={}", p.name()));
        }
        q.push_str(&format!(
            "&xn={}&xbo={}&xmax={}&xloss={}&xlat={}&xruns={}&xseed={}&xh={}",
            join(&self.nodes, |n| n.to_string()),
            self.backoff,
            join(&self.backoff_max, |m| ms(*m)),
            join(&self.loss, |l| pct(*l)),
            join(&self.latency, |(a, b)| format!("{}-{}", ms(*a), ms(*b))),
            self.runs,
            self.seed,
            ms(self.horizon)
        ));
        q
    }

    /// Reads the `x…` parameters of a query string. None when it has no sweep (`x=` absent).
    /// Otherwise the spec and what was wrong with it: each bad value is named and left at the
    /// scenario's default, and a spec that still fails [`SweepSpec::validate`] falls back to
    /// the default sweep — a bad link never stops the page.
    pub fn from_query(query: &str) -> Option<(SweepSpec, Vec<String>)> {
        if query.len() > super::share::MAX_QUERY_BYTES {
            return None;
        }
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
                .into_owned()
                .filter(|(k, _)| k.starts_with('x'))
                .collect();
        let name = pairs.iter().rev().find(|(k, _)| k == "x")?.1.clone();
        let mut warnings = Vec::new();
        let mut spec = SweepSpec::for_scenario(&name).unwrap_or_else(|e| {
            warnings.push(format!(
                "The sweep link names no known scenario ({e}); using the default sweep."
            ));
            SweepSpec::default()
        });
        // The preset first: it sets the defaults the other parameters override.
        let preset = pairs.iter().find(|(k, _)| k == "xp");
        for (k, v) in preset
            .into_iter()
            .chain(pairs.iter().filter(|(k, _)| k != "xp"))
        {
            let r: Result<(), String> = match k.as_str() {
                "x" => Ok(()),
                "xp" => Preset::from_name(v)
                    .map(|p| spec.set_preset(p))
                    .ok_or_else(|| "the preset is classroom or atlasdb".to_string()),
                "xproto" => Protocol::from_name(v)
                    .map(|p| spec.protocol = Some(p))
                    .ok_or_else(|| "the protocol is textbook or atlasdb".to_string()),
                "xbo" => {
                    spec.backoff = v.clone();
                    Ok(())
                }
                "xn" => parse_list(v, parse_nodes).map(|l| spec.nodes = l),
                "xmax" => parse_list(v, parse_ms).map(|l| spec.backoff_max = l),
                "xloss" => parse_list(v, |s| parse_loss(&format!("{s}%"))).map(|l| spec.loss = l),
                "xlat" => parse_list(v, parse_latency).map(|l| spec.latency = l),
                "xruns" => parse_runs(v).map(|r| spec.runs = r),
                "xseed" => v
                    .parse()
                    .map(|s| spec.seed = s)
                    .map_err(|_| "the seed is a whole number from 0 to 2^64−1".to_string()),
                "xh" => parse_ms(v).map(|h| spec.horizon = h),
                other => Err(format!("unknown sweep parameter '{other}'")),
            };
            if let Err(e) = r {
                warnings.push(format!(
                    "Ignored '{}={}' in the sweep link: {e}.",
                    super::units::clip(k, 40),
                    super::units::clip(v, 40)
                ));
            }
        }
        if let Err(e) = spec.validate() {
            warnings.push(format!(
                "The sweep link does not describe a valid sweep ({e}); using the default sweep."
            ));
            spec = SweepSpec::default();
        }
        Some((spec, warnings))
    }
}

fn join<T>(v: &[T], f: impl Fn(&T) -> String) -> String {
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
fn quoted(s: &str) -> String {
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

/// The CSV header matching [`RunRow::csv`].
pub const CSV_HEADER: &str = "backoff_max_ms,run,seed,downtime_ms,leader,from_timeout_ms,no_service_ms,elections,preempted,messages,leader_at_fault,setting,nodes,loss_pct,latency_ms";

fn opt_ms(t: Option<Time>) -> String {
    t.map(ms).unwrap_or_default()
}

impl RunRow {
    /// One CSV line (no newline); empty times mean "not within the horizon".
    pub fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}-{}",
            ms(self.set.backoff_max),
            self.run,
            self.seed,
            opt_ms(self.m.downtime),
            self.m.downtime.is_some(),
            opt_ms(self.m.from_timeout),
            opt_ms(self.m.no_service),
            self.m.elections,
            self.m.preempted,
            self.m.messages,
            self.m.leader_at_fault,
            self.setting,
            self.set.nodes,
            pct(self.set.loss),
            ms(self.set.latency.0),
            ms(self.set.latency.1),
        )
    }

    /// Reads a line written by [`RunRow::csv`] (the page reads workers' rows with this). The
    /// line does not say when the fault struck: `m.fault_at` is 0 (see [`SweepSpec::fault_at`]).
    pub fn parse_csv(line: &str) -> Result<RunRow, String> {
        let f: Vec<&str> = line.trim_end().split(',').collect();
        if f.len() != 15 {
            return Err(format!("a sweep row has 15 fields, not {}", f.len()));
        }
        let num = |i: usize| -> Result<u64, String> {
            f[i].parse::<u64>()
                .map_err(|_| format!("field {} ('{}') is not a number", i + 1, quoted(f[i])))
        };
        let time = |i: usize| -> Result<Option<Time>, String> {
            if f[i].is_empty() {
                Ok(None)
            } else {
                parse_ms(f[i]).map(Some)
            }
        };
        let flag = |i: usize| -> Result<bool, String> {
            match f[i] {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(format!("field {} ('{other}') is not true or false", i + 1)),
            }
        };
        let downtime = time(3)?;
        if flag(4)? != downtime.is_some() {
            return Err("'leader' disagrees with 'downtime_ms'".into());
        }
        Ok(RunRow {
            setting: num(11)? as u32,
            set: Setting {
                nodes: parse_nodes(f[12])?,
                backoff_max: parse_ms(f[0])?,
                loss: parse_loss(&format!("{}%", f[13]))?,
                latency: parse_latency(f[14])?,
            },
            run: num(1)? as u32,
            seed: num(2)?,
            m: Measured {
                downtime,
                from_timeout: time(5)?,
                no_service: time(6)?,
                elections: num(7)?,
                preempted: num(8)?,
                messages: num(9)?,
                leader_at_fault: flag(10)?,
                ..Measured::default()
            },
        })
    }
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

/// A percentile for a table: "123.4" ms (one decimal), or "—" when it lies beyond the horizon.
pub fn show_ms(t: Option<Time>) -> String {
    t.map_or_else(|| "—".to_string(), |t| units::fixed(i128::from(t), 3, 1))
}

/// Like [`show_ms`], but "n/a" when no run had the stretch at all (nobody was following a
/// leader when the fault struck, e.g. at a cold start).
pub fn show_defined(p: &Percentiles, t: Option<Time>) -> String {
    if p.n == 0 {
        "n/a".to_string()
    } else {
        show_ms(t)
    }
}

/// A mean kept in hundredths, with one decimal.
pub fn show_mean(x100: u64) -> String {
    units::fixed(i128::from(x100), 2, 1)
}

/// The text table the CLI prints: one line per setting.
pub fn table(spec: &SweepSpec, summaries: &[SettingSummary]) -> String {
    let mut s = String::new();
    let w = summaries
        .iter()
        .map(|x| x.label.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    s.push_str(&format!(
        "{:<w$}  {:>5} {:>9} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} | {:>9} {:>9} {:>8} | {:>10}\n",
        "setting", "runs", "no leader", "median", "p95", "p99", "max", "median", "p99",
        "elections", "preempted", "messages", "no service"
    ));
    s.push_str(&format!(
        "{:<w$}  {:>5} {:>9} | {:^35} | {:^17} | {:^28} | {:>10}\n",
        "",
        "",
        "",
        "downtime from the fault, ms",
        "from 1st timeout",
        "per run, mean (to leader)",
        "median, ms"
    ));
    for x in summaries {
        s.push_str(&format!(
            "{:<w$}  {:>5} {:>9} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} | {:>9} {:>9} {:>8} | {:>10}\n",
            x.label,
            x.downtime.n,
            x.downtime.never,
            show_ms(x.downtime.p50),
            show_ms(x.downtime.p95),
            show_ms(x.downtime.p99),
            show_ms(x.downtime.max),
            show_defined(&x.from_timeout, x.from_timeout.p50),
            show_defined(&x.from_timeout, x.from_timeout.p99),
            show_mean(x.elections_x100),
            show_mean(x.preempted_x100),
            show_mean(x.messages_x100),
            show_ms(x.no_service.p50),
        ));
    }
    let odd: usize = summaries.iter().map(|x| x.no_leader_at_fault).sum();
    if odd > 0 {
        s.push_str(&format!(
            "({odd} run(s) had no leader when the fault struck: their downtime counts from the fault all the same)\n"
        ));
    }
    s.push_str(&format!("reproduce: {}\n", spec.command()));
    s
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

/// A duration in milliseconds for JSON: a whole number when it is one (`300`), else with its
/// fraction (`1986.402`).
struct Ms(Time);

impl Serialize for Ms {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(1_000) {
            s.serialize_u64(self.0 / 1_000)
        } else {
            s.serialize_f64(self.0 as f64 / 1_000.0)
        }
    }
}

/// A percentage from parts per million, the same way.
struct Pct(u32);

impl Serialize for Pct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(10_000) {
            s.serialize_u32(self.0 / 10_000)
        } else {
            s.serialize_f64(f64::from(self.0) / 10_000.0)
        }
    }
}

#[derive(Serialize)]
struct PercentilesJson {
    median_ms: Option<Ms>,
    p95_ms: Option<Ms>,
    p99_ms: Option<Ms>,
    max_ms: Option<Ms>,
    never: usize,
}

impl From<&Percentiles> for PercentilesJson {
    fn from(p: &Percentiles) -> PercentilesJson {
        PercentilesJson {
            median_ms: p.p50.map(Ms),
            p95_ms: p.p95.map(Ms),
            p99_ms: p.p99.map(Ms),
            max_ms: p.max.map(Ms),
            never: p.never,
        }
    }
}

#[derive(Serialize)]
struct SettingJson<'a> {
    label: &'a str,
    nodes: u8,
    backoff: &'a str,
    backoff_max_ms: Ms,
    loss_pct: Pct,
    latency_ms: [Ms; 2],
    runs: usize,
    no_leader: usize,
    downtime: PercentilesJson,
    from_timeout: PercentilesJson,
    no_service: PercentilesJson,
    elections_mean: f64,
    preempted_mean: f64,
    messages_mean: f64,
}

#[derive(Serialize)]
struct SweepJson<'a> {
    scenario: &'a str,
    runs: u32,
    seed: u64,
    horizon_ms: Ms,
    command: String,
    settings: Vec<SettingJson<'a>>,
}

/// The sweep as one JSON object: the command, and per setting its values and summary.
pub fn json(spec: &SweepSpec, summaries: &[SettingSummary]) -> String {
    let settings = spec.settings();
    let doc = SweepJson {
        scenario: &spec.scenario,
        runs: spec.runs,
        seed: spec.seed,
        horizon_ms: Ms(spec.horizon),
        command: spec.command(),
        settings: settings
            .iter()
            .zip(summaries)
            .map(|(set, x)| SettingJson {
                label: &x.label,
                nodes: set.nodes,
                backoff: &spec.backoff,
                backoff_max_ms: Ms(set.backoff_max),
                loss_pct: Pct(set.loss),
                latency_ms: [Ms(set.latency.0), Ms(set.latency.1)],
                runs: x.downtime.n,
                no_leader: x.downtime.never,
                downtime: (&x.downtime).into(),
                from_timeout: (&x.from_timeout).into(),
                no_service: (&x.no_service).into(),
                elections_mean: x.elections_x100 as f64 / 100.0,
                preempted_mean: x.preempted_x100 as f64 / 100.0,
                messages_mean: x.messages_x100 as f64 / 100.0,
            })
            .collect(),
    };
    serde_json::to_string(&doc).unwrap_or_default()
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

/// Colours of the curves, in setting order (repeating).
pub const PALETTE: [&str; 8] = [
    "#d62728", "#ff7f0e", "#bcbd22", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#e377c2",
];

/// A Figure-16-style picture as a standalone SVG: per setting the cumulative share of runs
/// (y, 0–100 %) that had a leader again within a time (x, log scale, ms). Runs without a
/// leader within the horizon keep a curve below 100 %. Native only (the page draws its own).
#[cfg(not(target_arch = "wasm32"))]
pub fn cdf_svg(spec: &SweepSpec, rows: &[RunRow], title: &str) -> String {
    use std::fmt::Write;
    let (w, h) = (760.0_f64, 440.0_f64);
    let (left, right, top, bottom) = (64.0, 200.0, 40.0, 56.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let times: Vec<Time> = rows.iter().filter_map(|r| r.m.downtime).collect();
    let lo = times.iter().copied().min().unwrap_or(MS).max(MS) as f64 / 1e3;
    let hi = times.iter().copied().max().unwrap_or(MS).max(MS) as f64 / 1e3;
    let (d0, d1) = (
        lo.log10().floor(),
        hi.log10().ceil().max(lo.log10().floor() + 1.0),
    );
    let x = |ms: f64| left + (ms.max(1e-3).log10() - d0) / (d1 - d0) * pw;
    let y = |frac: f64| top + (1.0 - frac) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{}</text>
"##,
        left + pw / 2.0,
        xml(title)
    );
    // Grid and axes: decades with 2 and 5 between them.
    let mut decade = d0;
    while decade <= d1 {
        for m in [1.0, 2.0, 5.0] {
            let v = 10f64.powf(decade) * m;
            if v.log10() > d1 + 1e-9 {
                break;
            }
            let px = x(v);
            let major = m == 1.0;
            let _ = writeln!(
                s,
                r##"<line x1="{px:.1}" y1="{top}" x2="{px:.1}" y2="{}" stroke="{}" />"##,
                top + ph,
                if major { "#bbb" } else { "#e4e4e4" }
            );
            let label = if v >= 1000.0 {
                format!("{} s", v / 1000.0)
            } else {
                format!("{v} ms")
            };
            let _ = writeln!(
                s,
                r##"<text x="{px:.1}" y="{}" text-anchor="middle" fill="#333">{label}</text>"##,
                top + ph + 16.0
            );
        }
        decade += 1.0;
    }
    for pctv in [0, 25, 50, 75, 100] {
        let py = y(f64::from(pctv) / 100.0);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{py:.1}" x2="{}" y2="{py:.1}" stroke="#e4e4e4"/><text x="{}" y="{:.1}" text-anchor="end" fill="#333">{pctv}%</text>"##,
            left + pw,
            left - 6.0,
            py + 4.0
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>
<text x="{}" y="{}" text-anchor="middle">{}</text>
<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">cumulative % of runs</text>"##,
        left + pw / 2.0,
        h - 14.0,
        if spec.fault_at() == 0 {
            "time to the first leader (log scale)"
        } else {
            "time without a leader after the fault (log scale)"
        },
        top + ph / 2.0
    );
    for (i, set) in spec.settings().iter().enumerate() {
        let mut t: Vec<Time> = rows
            .iter()
            .filter(|r| r.setting as usize == i)
            .filter_map(|r| r.m.downtime)
            .collect();
        let n = rows
            .iter()
            .filter(|r| r.setting as usize == i)
            .count()
            .max(1) as f64;
        t.sort_unstable();
        let colour = PALETTE[i % PALETTE.len()];
        let mut d = String::new();
        for (k, v) in t.iter().enumerate() {
            let px = x(*v as f64 / 1e3);
            let (y0, y1) = (y(k as f64 / n), y((k + 1) as f64 / n));
            if k == 0 {
                let _ = write!(d, "M{px:.1} {y0:.1}");
            }
            let _ = write!(d, "H{px:.1}V{y1:.1}");
        }
        let _ = writeln!(
            s,
            r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.8"><title>{}</title></path>"##,
            xml(&spec.label(set))
        );
        let ly = top + 14.0 + i as f64 * 20.0;
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="3"/><text x="{}" y="{}">{}</text>"##,
            left + pw + 14.0,
            left + pw + 38.0,
            left + pw + 44.0,
            ly + 4.0,
            xml(&spec.label(set))
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(not(target_arch = "wasm32"))]
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
    fn runs_without_a_leader_count_as_longer_than_any() {
        // 97 runs elected, 3 did not: p95 is a time, p99 and the max lie beyond the horizon.
        let vals = (1..=97).map(Some).chain([None, None, None]);
        let p = Percentiles::of(vals);
        assert_eq!(p.never, 3);
        assert_eq!(p.p50, Some(50));
        assert_eq!(p.p95, Some(95));
        assert_eq!(p.p99, None);
        assert_eq!(p.max, None);
        assert_eq!(show_ms(p.p99), "—");
        assert_eq!(show_ms(Some(1_234_567)), "1234.6");
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
    fn rows_round_trip_through_csv() {
        for r in small().run_chunk(0, 0, 12).unwrap() {
            let back = RunRow::parse_csv(&r.csv()).unwrap();
            assert_eq!(back.csv(), r.csv());
            assert_eq!(back.m.downtime, r.m.downtime);
            assert_eq!(back.set, r.set);
        }
        assert!(RunRow::parse_csv("1,2,3").is_err());
        assert_eq!(CSV_HEADER.split(',').count(), 15);
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
    fn the_link_round_trips_and_bad_links_say_why() {
        let spec = small();
        let (back, warnings) = SweepSpec::from_query(&spec.to_query()).unwrap();
        assert_eq!(back, spec);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(SweepSpec::from_query("s=leader-crash&seed=3").is_none());
        let (got, w) = SweepSpec::from_query("x=leader-crash&xruns=abc&xn=12&xmax=5,zz").unwrap();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("runs per setting"), "{w:?}");
        assert!(w[1].contains("3–9 nodes"), "{w:?}");
        assert!(w[2].contains("'zz'"), "{w:?}");
        assert_eq!(got.runs, 100);
        let (got, w) = SweepSpec::from_query("x=no-such-thing").unwrap();
        assert_eq!(got, SweepSpec::default());
        assert!(w[0].contains("no-such-thing"));
        // Too many settings: the lists multiply.
        let (got, w) =
            SweepSpec::from_query("x=leader-crash&xn=3,4,5,6,7,8,9&xmax=1,2,3,4,5,6,7,8,9,10")
                .unwrap();
        assert_eq!(got, SweepSpec::default());
        assert!(w.iter().any(|w| w.contains("70 settings")), "{w:?}");
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

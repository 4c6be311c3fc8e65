//! The interactive session behind the browser: a [`Run`] plus everything a person does to it
//! — playback, selection, the partition editor, notices, share links. Every user action is a
//! [`LabAction`]; [`Lab::apply`] is the only place one changes anything.
//!
//! This is plain Rust (no browser types), so it is tested natively; the Yew components only
//! draw a `Lab` and dispatch actions.
//!
//! * [`action`]: [`LabAction`] and the reducer; [`duel`]: the dueling lab; [`tour`]: guided
//!   tours, their scripts and their driving; [`experiments`]: the Experiments tab's state.
//! * [`explain`], [`glossary`]: events and terms in plain words; [`breakdown`]: violations
//!   shaped for the Break Paxos picture; [`view`]: one view model per panel.
//!
//! May import the engine, the simulator, the codecs and the checker. The UI imports only this
//! module, which re-exports on purpose the value types a view may name (below).

pub mod action;
pub mod breakdown;
pub mod checker;
pub mod duel;
pub mod experiments;
pub mod explain;
pub mod glossary;
pub mod tour;
pub mod view;

pub use action::LabAction;

// The vocabulary the UI draws and names its actions in, re-exported on purpose: `src/ui`
// imports from `crate::lab` only (tests/layers.rs fails otherwise), so what the UI can see of
// the engine and the simulator is this list — values and names, never the `World`.
pub use crate::codec::trace::MAX_IMPORT_BYTES;
pub use crate::engine::proposer::Proposer;
pub use crate::engine::{
    Address, BackoffPolicy, Ballot, Bugs, LeaderId, LockName, LogId, Msg, NodeId, NodeSet,
    Observation, Phase, Protocol, Quirks, Role, TimerKind, Value, MS,
};
pub use crate::sim::checker::Invariant;
pub use crate::sim::config::{Preset, Time};
pub use crate::sim::history::{
    DropReason, EventKind, Fate, History, Marker, MarkerKind, MessageRecord, MsgId, TraceEvent,
};
pub use crate::sim::intervention::{Action, Param};
pub use crate::sim::{scenario, units, Run};
pub use duel::{Duel, DuelCounters, DuelRun, DuelSide};

use crate::codec::share::{self, Shared};
use crate::codec::trace;
use crate::sim::config::SimConfig;
use crate::sim::intervention::Intervention;
use crate::sim::sweep::SweepSpec;
use experiments::Experiments;
use view::LogFilter;

/// Fastest and slowest playback, as virtual time per real time.
pub const SPEED_RANGE: (f64, f64) = (0.002, 20.0);

/// The longest real-time step one animation frame may take (a hidden tab must not jump).
const MAX_FRAME_MS: f64 = 100.0;

/// How bad a notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// For information (a fork, a loaded trace).
    Info,
    /// Something was ignored (a bad URL parameter).
    Warning,
    /// An action was refused (a malformed import).
    Error,
}

/// A message shown to the user until dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Severity.
    pub kind: NoticeKind,
    /// Plain words.
    pub text: String,
    /// Whether it describes the run on screen (a violation, a fork) rather than the session
    /// (a link, a refused import): such a notice goes when that run is replaced, so a Reset
    /// or a new scenario never shows a violation under a "Safety holds" banner.
    pub about_run: bool,
}

/// Which side panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// The selected node's state (or the selected message).
    #[default]
    Inspector,
    /// The event log.
    Log,
    /// The space-time diagram.
    SpaceTime,
    /// The timestamp number line.
    NumberLine,
    /// The injected-bug switches.
    BreakPaxos,
    /// Sweeps: many runs per setting, downtime CDFs (the Raft paper's Figure 16).
    Experiments,
    /// The model checker, run in a Web Worker (see [`checker`]).
    Checker,
}

/// An interactive session.
#[derive(Clone, Debug)]
pub struct Lab {
    /// The simulation with time travel.
    pub run: Run,
    /// The scenario the run came from (a label; None for a custom run).
    pub scenario: Option<String>,
    /// The timing preset.
    pub preset: Preset,
    /// Whether time advances on its own.
    pub playing: bool,
    /// Virtual time per real time.
    pub speed: f64,
    /// The node shown in the inspector.
    pub selected_node: Option<NodeId>,
    /// The message shown in the message panel.
    pub selected_msg: Option<MsgId>,
    /// A message highlighted from another view.
    pub highlight: Option<MsgId>,
    /// Partition editor: group (1 or 2) per node, while open.
    pub split: Option<Vec<u8>>,
    /// Messages for the user.
    pub notices: Vec<Notice>,
    /// Event-log filter.
    pub log_filter: LogFilter,
    /// Side panel.
    pub tab: Tab,
    /// Help overlay shown.
    pub help: bool,
    /// Presenter mode: the picture and the tour's caption large for a lecture hall, the side
    /// panels hidden. Kept in the share link, so a lecturer's prepared links open in it.
    pub presenting: bool,
    /// The dueling lab, while open (the normal run waits underneath, unchanged).
    pub duel: Option<Duel>,
    /// The guided tour being followed, if any.
    pub tour: Option<tour::Progress>,
    /// The Experiments tab: a sweep and its results.
    pub experiments: Experiments,
    /// The Checker tab: a model-checking run and its result.
    pub checker: checker::Checker,
    /// Violations already announced (a new one pauses the run).
    announced: usize,
}

/// See [`Lab::quiet_shape`].
#[derive(Clone, Debug, PartialEq)]
pub struct QuietShape {
    playing: bool,
    /// Up, and which life, per node.
    lives: Vec<(bool, u32)>,
    partition: [u8; 16],
}

/// A good default speed for a configuration: a message should take about a third of a second.
pub fn natural_speed(cfg: &SimConfig) -> f64 {
    let mean = (cfg.network.latency_min + cfg.network.latency_max) as f64 / 2.0;
    (mean / 330_000.0).clamp(SPEED_RANGE.0, SPEED_RANGE.1)
}

impl Lab {
    /// A session from a share link (or the default lab for an empty one). Problems with the
    /// link become warnings; the lab always opens.
    pub fn from_query(query: &str) -> Lab {
        // `x…` parameters describe a sweep (see [`SweepSpec::to_query`]); the rest the run.
        let run_query: Vec<&str> = query
            .trim_start_matches('?')
            .split('&')
            .filter(|kv| !kv.starts_with('x') && !kv.starts_with("check="))
            .collect();
        let (shared, problems) = share::decode(&run_query.join("&"));
        let mut lab = Lab::from_shared(shared);
        let mut texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        if let Some((spec, warnings)) = SweepSpec::from_query(query) {
            // A clean sweep link starts computing at once; one with problems waits for Run.
            lab.experiments = Experiments::from_link(spec, warnings.is_empty());
            lab.tab = Tab::Experiments;
            texts.extend(warnings);
        }
        // `check=…`: a model check to run in the Checker tab (see [`checker`]).
        if let Some(v) = share::param(query, "check") {
            texts.extend(lab.open_check_link(&v));
        }
        // `tour=NAME.STEP`: a lecturer's link to one step of a guided tour.
        if let Some(v) = share::param(query, "tour") {
            let (name, step) = v.split_once('.').unwrap_or((&v, "0"));
            match step.parse::<usize>() {
                Ok(step) => {
                    if let Some(problem) = lab.open_tour_at(name, step) {
                        texts.push(problem);
                    }
                }
                Err(_) => texts.push(format!(
                    "Ignored 'tour={}': the part after the dot should be a step number.",
                    crate::sim::units::clip(&v, 40)
                )),
            }
        }
        match share::param(query, "present").as_deref() {
            None | Some("0") => {}
            Some("1") => lab.presenting = true,
            Some(v) => texts.push(format!(
                "Ignored 'present={}': presenter mode is present=1.",
                crate::sim::units::clip(v, 40)
            )),
        }
        lab.link_problems(texts);
        lab
    }

    /// Shows what was wrong with a link. A mangled link can hold thousands of problems; a few
    /// say enough, and one line counts the rest.
    fn link_problems(&mut self, texts: Vec<String>) {
        const SHOWN: usize = 4;
        let more = texts.len().saturating_sub(SHOWN);
        // Each problem quotes the link, cut short; a reason can quote it too (a sweep's list
        // of values), so the whole line is cut as well.
        for text in texts.into_iter().take(SHOWN) {
            self.notify(NoticeKind::Warning, crate::sim::units::clip(&text, 300));
        }
        if more > 0 {
            self.notify(
                NoticeKind::Warning,
                format!("…and {more} more problems in this link were ignored the same way."),
            );
        }
    }

    /// Starts tour `name` and runs it to `step`; a step past its end opens the last one and
    /// returns a problem saying so (as does an unknown tour).
    fn open_tour_at(&mut self, name: &str, step: usize) -> Option<String> {
        let Some(info) = tour::info(name) else {
            return Some(format!(
                "There is no tour called '{}'; the tours are {}.",
                crate::sim::units::clip(name, 40),
                tour::ALL.map(|t| t.name).join(", ")
            ));
        };
        self.start_tour(info.name);
        let steps = self.tour.as_ref().map_or(0, |t| t.steps.len());
        for _ in 0..step.min(steps) {
            self.tour_action(LabAction::TourNext);
        }
        (step > steps).then(|| {
            format!(
                "The tour '{}' has {steps} steps, not {step}; it opened at its last step.",
                info.name
            )
        })
    }

    fn from_shared(s: Shared) -> Lab {
        let (cursor, steps) = (s.cursor, s.steps);
        let run = Run::new(s.config.clone(), s.interventions).unwrap_or_else(|_| {
            Run::new(s.config, vec![]).expect("a validated configuration builds a run")
        });
        let speed = natural_speed(run.config());
        let mut lab = Lab {
            run,
            scenario: s.scenario,
            preset: s.preset,
            playing: false,
            speed,
            selected_node: None,
            selected_msg: None,
            highlight: None,
            split: None,
            notices: Vec::new(),
            log_filter: LogFilter::default(),
            tab: Tab::default(),
            help: false,
            presenting: false,
            duel: None,
            tour: None,
            experiments: Experiments::default(),
            checker: checker::Checker::default(),
            announced: 0,
        };
        share::go_to(&mut lab.run, cursor, steps);
        lab.announced = lab.run.world().checker.violations.len();
        lab
    }

    /// A session for a named scenario (at time 0).
    pub fn scenario(name: &str) -> Option<Lab> {
        let s = scenario::by_name(name)?;
        Some(Lab::from_shared(Shared {
            scenario: Some(s.name.to_string()),
            preset: Preset::Classroom,
            config: s.config,
            interventions: s.interventions,
            cursor: 0,
            steps: None,
        }))
    }

    /// The share link's query string for the current state.
    /// On a tour's stop (not wandered off), the link also names the tour and step, so it
    /// opens there with the caption.
    pub fn share_query(&self) -> String {
        let (cursor, steps) = share::cursor(&self.run);
        let mut q = share::encode(&Shared {
            scenario: self.scenario.clone(),
            preset: self.preset,
            config: self.run.config().clone(),
            interventions: self.run.interventions().to_vec(),
            cursor,
            steps,
        });
        if let Some(t) = self.tour.as_ref().filter(|t| !t.paused) {
            q.push_str(&format!("&tour={}.{}", t.info.name, t.at));
        }
        if self.presenting {
            q.push_str("&present=1");
        }
        // With the Checker tab open the link carries the check, and reruns it.
        if let (Tab::Checker, Some(spec)) = (self.tab, self.checker.spec.as_ref()) {
            q.push_str("&check=");
            q.push_str(&spec.to_link());
        }
        // With the Experiments tab open the link carries the sweep too, and reopens it.
        if self.tab == Tab::Experiments {
            q.push('&');
            q.push_str(&self.experiments.spec.to_query());
        }
        q
    }

    /// What the panels that do not follow the clock (settings, faults, tabs, tours, I/O, help)
    /// show of the running simulation. A tick changes it only when the run pauses (at the end,
    /// or at a new violation), a node goes down or comes back, or the network splits or heals;
    /// the UI re-renders those panels then, not on every frame.
    pub fn quiet_shape(&self) -> QuietShape {
        let w = self.run.world();
        QuietShape {
            playing: self.playing,
            lives: w.nodes.iter().map(|n| (n.up, n.incarnation)).collect(),
            partition: w.partition,
        }
    }

    /// Adds a notice about the session (it stays until dismissed).
    pub fn notify(&mut self, kind: NoticeKind, text: impl Into<String>) {
        self.push_notice(kind, text.into(), false);
    }

    /// Adds a notice about the run on screen (it goes with the run: see [`Notice::about_run`]).
    fn notify_run(&mut self, kind: NoticeKind, text: impl Into<String>) {
        self.push_notice(kind, text.into(), true);
    }

    fn push_notice(&mut self, kind: NoticeKind, text: String, about_run: bool) {
        if !self.notices.iter().any(|n| n.text == text) {
            self.notices.push(Notice {
                kind,
                text,
                about_run,
            });
        }
        if self.notices.len() > 6 {
            self.notices.remove(0);
        }
    }

    /// The notices to keep when the run is replaced: those about the session.
    fn session_notices(&mut self) -> Vec<Notice> {
        let mut kept = std::mem::take(&mut self.notices);
        kept.retain(|n| !n.about_run);
        kept
    }

    /// Loads a counterexample or hazard scenario, runs it to its first violation and shows the
    /// Break Paxos tab.
    fn run_to_violation(&mut self, s: scenario::Scenario) {
        self.apply(LabAction::LoadScenario(s.name.to_string()));
        self.run.run_until_marker(MarkerKind::Violation, s.duration);
        self.check_violations();
        self.tab = Tab::BreakPaxos;
    }

    fn rebuild(&mut self, config: SimConfig, interventions: Vec<Intervention>) {
        let nodes = config.protocol.nodes;
        let (keep, dropped): (Vec<_>, Vec<_>) = interventions
            .into_iter()
            .partition(|iv| iv.action.validate(nodes).is_ok());
        if !dropped.is_empty() {
            self.notify(
                NoticeKind::Info,
                format!(
                    "{} intervention(s) named nodes that no longer exist and were removed.",
                    dropped.len()
                ),
            );
        }
        match Run::new(config, keep) {
            Ok(mut run) => {
                // At t = 0 as a link opens it (start-up events done): a new seed or size shows
                // the roles a fresh page would, and its link needs no step count.
                run.seek(0);
                self.run = run;
                self.notices = self.session_notices();
                self.selected_msg = None;
                self.highlight = None;
                self.split = None;
                if self.selected_node.is_some_and(|n| n.0 > nodes) {
                    self.selected_node = None;
                }
                self.announced = 0;
            }
            Err(e) => self.notify(NoticeKind::Error, e),
        }
    }

    fn act(&mut self, action: Action) {
        let when = self.run.now();
        match self.run.act(action) {
            Ok(true) => self.notify_run(
                NoticeKind::Info,
                format!(
                    "You acted in the past, at {}: the run forked there and what happened after was discarded.",
                    crate::sim::units::secs(when)
                ),
            ),
            Ok(false) => {}
            Err(e) => self.notify(NoticeKind::Error, e),
        }
        self.check_violations();
    }

    /// Pauses and tells the user when a new violation appears.
    fn check_violations(&mut self) {
        let v = &self.run.world().checker.violations;
        if v.len() > self.announced {
            let first = &v[self.announced];
            // The banner explains it; the notice only says why the run stopped.
            let text = format!(
                "Paused at {}: the checker found a safety violation ({}). The banner says which rule broke; ← steps back to what led to it.",
                crate::sim::units::secs(first.t),
                first.invariant.name()
            );
            self.announced = v.len();
            self.playing = false;
            self.notify_run(NoticeKind::Error, text);
        }
    }

    /// Loads one run of the sweep into the visualizer, at its fault, keeping the sweep.
    fn open_sweep_run(&mut self, setting: usize, run: u32) {
        let spec = self.experiments.spec.clone();
        let (config, interventions) = match spec.run_config(setting, run) {
            Ok(x) => x,
            Err(e) => {
                return self.notify(
                    NoticeKind::Error,
                    format!("That run cannot be opened: {e}."),
                )
            }
        };
        let seed = config.seed;
        let mut lab = Lab::from_shared(Shared {
            scenario: Some(spec.scenario.clone()),
            preset: Preset::Classroom,
            config,
            interventions,
            cursor: 0,
            steps: None,
        });
        let row = self.experiments.row(setting, run).copied();
        let fault_at = spec.fault_at();
        lab.run.seek(fault_at);
        lab.announced = lab.run.world().checker.violations.len();
        lab.notices = self.session_notices();
        lab.experiments = std::mem::take(&mut self.experiments);
        lab.checker = std::mem::take(&mut self.checker);
        lab.tab = self.tab;
        let label = spec
            .settings()
            .get(setting)
            .map(|s| spec.label(s))
            .unwrap_or_default();
        let outcome = match row.and_then(|r| r.m.downtime) {
            Some(d) => format!("a new leader {} later", crate::sim::units::secs(d)),
            None => "no new leader within the horizon".to_string(),
        };
        *self = lab;
        self.notify_run(
            NoticeKind::Info,
            format!(
                "Opened run {run} of {label} (seed {seed}) at its fault, {}: {outcome}. Press Play to watch.",
                crate::sim::units::secs(fault_at)
            ),
        );
    }

    /// The file name for downloading this run's trace:
    /// `paxoscope-<scenario or custom>-seed<seed>-t<ms>.json`.
    pub fn export_file_name(&self) -> String {
        format!(
            "paxoscope-{}-seed{}-t{}.json",
            self.scenario.as_deref().unwrap_or("custom"),
            self.run.config().seed,
            self.run.now() / MS
        )
    }

    /// A complete `#[test]` that replays this run to its cursor and pins its outcome.
    pub fn rust_test(&self) -> String {
        crate::codec::rusttest::generate(&self.run, self.scenario.as_deref(), self.preset)
    }
    /// The configuration in force at the cursor: the run's own, as changed by the
    /// interventions so far (a bug switched on at 2 s is on from there).
    pub fn config_now(&self) -> &SimConfig {
        &self.run.world().cfg
    }

    /// Messages sent so far, by type (indexed like [`Msg::TYPE_NAMES`]).
    pub fn sent_by_type(&self) -> &[u64] {
        &self.run.world().stats.sent_by_type
    }

    /// Steps simulated up to the cursor.
    pub fn steps(&self) -> u64 {
        self.run.world().steps
    }

    /// Whether the network is split into groups right now.
    pub fn partitioned(&self) -> bool {
        self.run.world().partition.iter().any(|&g| g != 0)
    }

    /// How many clients the run has (timestamp and lock clients).
    pub fn clients(&self) -> usize {
        self.run.world().clients.len()
    }

    /// The run as a version-2 trace, for the Export button.
    pub fn export_trace(&self) -> String {
        trace::export_named(&self.run, self.scenario.as_deref())
    }

    /// Where to paste the Rust test, and what it pins (shown next to Copy as Rust test).
    pub fn rust_test_hint(&self) -> String {
        crate::codec::rusttest::paste_hint(&self.run, self.scenario.as_deref())
    }
}

/// Events where "step to the next phase" stops.
pub fn is_phase(e: &EventKind) -> bool {
    match e {
        EventKind::Crash(_)
        | EventKind::Restart(..)
        | EventKind::Violation(_)
        | EventKind::Intervene(_) => true,
        EventKind::Observed(_, o) => matches!(
            **o,
            Observation::BecameLeader { .. }
                | Observation::Proposing { .. }
                | Observation::AcceptPhase { .. }
                | Observation::AttemptChosen { .. }
                | Observation::AttemptFailed { .. }
                | Observation::LostLeadership { .. }
                | Observation::BoundExtended { .. }
                | Observation::BoundRecovered { .. }
                | Observation::StoreLost { .. }
                | Observation::BoundStale { .. }
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BackoffPolicy;
    use crate::sim::intervention::Param;

    fn lab() -> Lab {
        Lab::scenario("cold-start-3").unwrap()
    }

    #[test]
    fn playing_advances_time_at_the_chosen_speed_and_pausing_stops_it() {
        let mut l = lab();
        l.apply(LabAction::SetSpeed(1.0));
        l.apply(LabAction::Tick(16.0));
        assert_eq!(l.run.now(), 0, "paused: nothing moves");
        l.apply(LabAction::Play);
        l.apply(LabAction::Tick(16.0));
        assert_eq!(l.run.now(), 16_000);
        l.apply(LabAction::Tick(5_000.0));
        assert_eq!(l.run.now(), 116_000, "a long frame is capped at 100 ms");
        l.apply(LabAction::Pause);
        l.apply(LabAction::Tick(16.0));
        assert_eq!(l.run.now(), 116_000);
    }

    #[test]
    fn the_quiet_shape_moves_with_crashes_and_pauses_not_with_the_clock() {
        // leader-crash: the leader goes down at 8 s.
        let mut l = Lab::scenario("leader-crash").unwrap();
        l.apply(LabAction::SetSpeed(1.0));
        l.apply(LabAction::Play);
        let start = l.quiet_shape();
        l.apply(LabAction::Tick(500.0));
        assert!(l.run.now() > 0);
        assert_eq!(
            l.quiet_shape(),
            start,
            "time alone leaves the quiet panels as they are"
        );
        let mut changed_at = None;
        for _ in 0..200 {
            let before = l.quiet_shape();
            l.apply(LabAction::Tick(100.0));
            if l.quiet_shape() != before {
                changed_at = Some(l.run.now());
                break;
            }
        }
        let t = changed_at.expect("the crash changes the shape");
        assert!(
            l.run.world().nodes.iter().any(|n| !n.up),
            "it changed because a node went down (at {t} µs)"
        );
        let before = l.quiet_shape();
        l.apply(LabAction::TogglePlay);
        assert_ne!(l.quiet_shape(), before, "pausing changes it");

        // A new violation pauses the run: that changes it too.
        let mut l = Lab::scenario("bug-minority-quorum").unwrap();
        l.apply(LabAction::Play);
        let mut changed = false;
        for _ in 0..200 {
            let before = l.quiet_shape();
            l.apply(LabAction::Tick(100.0));
            if l.quiet_shape() != before {
                changed = true;
                break;
            }
        }
        assert!(changed && !l.playing, "the violation's pause changes it");
        assert!(!l.run.world().checker.violations.is_empty());
    }

    #[test]
    fn stepping_to_the_next_phase_stops_at_a_proposal() {
        let mut l = lab();
        l.apply(LabAction::StepPhase);
        let h = l.run.history();
        let step_start = h.events_after_steps(l.run.world().steps - 1);
        let step: Vec<_> = h.events.range(step_start..l.run.cursor_event()).collect();
        assert!(step.iter().any(|e| is_phase(&e.kind)), "{step:?}");
    }

    #[test]
    fn a_new_violation_pauses_and_is_announced() {
        let mut l = Lab::scenario("bug-minority-quorum").unwrap();
        l.apply(LabAction::Play);
        for _ in 0..200 {
            l.apply(LabAction::Tick(100.0));
            if !l.playing {
                break;
            }
        }
        assert!(!l.playing, "paused at the violation");
        assert!(l
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::Error && n.text.contains("learned-is-chosen")));
        l.apply(LabAction::Seek(30_000_000));
        l.apply(LabAction::JumpToViolation);
        let (i, _) = l.run.history().first_violation().unwrap();
        let h = l.run.history();
        assert!(h.events_after_steps(l.run.world().steps - 1) <= i && i < l.run.cursor_event());
    }

    #[test]
    fn the_partition_editor_needs_two_groups() {
        let mut l = lab();
        l.apply(LabAction::StartSplit);
        l.apply(LabAction::ApplySplit);
        assert!(l.split.is_some(), "still editing");
        assert!(l.notices.iter().any(|n| n.kind == NoticeKind::Error));
        l.apply(LabAction::ToggleSplit(NodeId(3)));
        l.apply(LabAction::ApplySplit);
        assert!(l.split.is_none());
        assert!(!l.run.world().connected(NodeId(1), NodeId(3)));
        assert!(l.run.world().connected(NodeId(1), NodeId(2)));
    }

    #[test]
    fn acting_in_the_past_forks_and_says_so() {
        let mut l = Lab::scenario("leader-crash").unwrap();
        l.apply(LabAction::Seek(12_000_000));
        l.apply(LabAction::Seek(2_000_000));
        l.apply(LabAction::Intervene(Action::Crash(NodeId(1))));
        assert!(l.notices.iter().any(|n| n.text.contains("forked")));
        assert_eq!(l.run.interventions().len(), 1, "the 8 s crash was dropped");
    }

    #[test]
    fn a_refused_import_keeps_the_current_run() {
        let mut l = lab();
        l.apply(LabAction::Seek(3_000_000));
        let before = l.share_query();
        l.apply(LabAction::Import("{\"version\": 7}".into()));
        assert_eq!(l.share_query(), before);
        assert!(l.notices.last().unwrap().text.contains("version 7"));
        l.apply(LabAction::Import("{\"version\": 1, \"seed\": ".into()));
        assert_eq!(l.share_query(), before);
        let text = &l.notices.last().unwrap().text;
        assert_eq!(
            text,
            "That file was not loaded: the file ends in the middle of its JSON (was the download or copy cut short?). Your current run is unchanged."
        );
    }

    #[test]
    fn export_then_import_restores_the_run() {
        let mut l = Lab::scenario("leader-crash").unwrap();
        l.apply(LabAction::Seek(9_000_000));
        l.apply(LabAction::Intervene(Action::Crash(NodeId(2))));
        let text = l.export_trace();
        let mut other = lab();
        other.apply(LabAction::Import(text.clone()));
        assert_eq!(other.run.now(), l.run.now());
        // The scenario's title and lesson come back with it; an unknown name is dropped.
        assert_eq!(other.scenario.as_deref(), Some("leader-crash"));
        // …and the link of the imported run names it and still rebuilds the same run.
        let again = Lab::from_query(&other.share_query());
        assert_eq!(again.scenario.as_deref(), Some("leader-crash"));
        assert_eq!(again.run.config(), other.run.config());
        assert_eq!(again.run.interventions(), other.run.interventions());
        other.apply(LabAction::Import(text.replace(
            "\"scenario\":\"leader-crash\"",
            "\"scenario\":\"no-such-scenario\"",
        )));
        assert_eq!(other.scenario, None);
        assert_eq!(other.run.now(), l.run.now());
        assert_eq!(
            trace::trace_hash(other.run.history(), other.run.cursor_event()),
            trace::trace_hash(l.run.history(), l.run.cursor_event())
        );
        assert!(other
            .notices
            .last()
            .unwrap()
            .text
            .contains("reproduced every recorded event"));
    }

    #[test]
    fn the_share_link_reopens_the_same_run() {
        let mut l = Lab::scenario("leader-crash").unwrap();
        l.apply(LabAction::SetParam(Param::LossPpm(100_000)));
        l.apply(LabAction::Seek(4_000_000));
        l.apply(LabAction::Isolate(NodeId(2)));
        l.apply(LabAction::Seek(10_000_000));
        let again = Lab::from_query(&l.share_query());
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        assert_eq!(again.run.now(), l.run.now());
        assert_eq!(
            trace::trace_hash(again.run.history(), again.run.cursor_event()),
            trace::trace_hash(l.run.history(), l.run.cursor_event())
        );
    }

    #[test]
    fn new_seed_draws_a_full_64_bit_seed_and_keeps_the_rest() {
        let mut l = Lab::scenario("leader-crash").unwrap();
        let ivs = l.run.interventions().to_vec();
        let mut seeds = std::collections::BTreeSet::new();
        for _ in 0..64 {
            l.apply(LabAction::NewSeed);
            seeds.insert(l.run.config().seed);
        }
        assert_eq!(seeds.len(), 64, "every draw differs");
        // About half of uniform 64-bit draws exceed 2^63; 30-bit draws never pass 2^30.
        assert!(seeds.iter().any(|&s| s > 1 << 53), "{seeds:?}");
        assert_eq!(l.run.interventions(), &ivs[..], "same interventions");
        // In the dueling lab both sides follow.
        l.apply(LabAction::OpenDuel);
        l.apply(LabAction::NewSeed);
        let d = l.duel.as_ref().unwrap();
        assert_eq!(d.left.run.config().seed, l.run.config().seed);
        assert_eq!(d.right.run.config().seed, l.run.config().seed);
    }

    #[test]
    fn many_link_problems_are_summarised_not_listed() {
        let items: Vec<String> = (0..300).map(|i| format!("{i}:teleport")).collect();
        let l = Lab::from_query(&format!("?s=leader-crash&iv={}", items.join(",")));
        assert_eq!(l.notices.len(), 5, "four problems and a summary");
        assert!(
            l.notices[4].text.contains("296 more problems"),
            "{}",
            l.notices[4].text
        );
        // A long value is quoted short.
        let l = Lab::from_query(&format!("?s={}", "x".repeat(5000)));
        assert!(l.notices[0].text.len() < 200, "{}", l.notices[0].text);
        // A link far longer than any PaxosScope writes is not read at all.
        let l = Lab::from_query(&format!("?seed={}", "9".repeat(300_000)));
        assert!(l.notices[0]
            .text
            .contains("far more than PaxosScope writes"));
    }

    #[test]
    fn a_broken_link_opens_a_working_lab_with_warnings() {
        let l = Lab::from_query("?n=99&seed=x&iv=zz");
        assert_eq!(l.run.config().protocol.nodes, 5);
        assert!(l.notices.len() >= 3);
        assert!(l.notices.iter().all(|n| n.kind == NoticeKind::Warning));
    }

    #[test]
    fn changing_the_cluster_size_drops_interventions_for_missing_nodes() {
        let mut l = Lab::scenario("minority-partition").unwrap();
        l.apply(LabAction::SetNodes(3));
        assert_eq!(l.run.config().protocol.nodes, 3);
        assert!(l
            .run
            .interventions()
            .iter()
            .all(|iv| iv.action.validate(3).is_ok()));
        l.apply(LabAction::SetNodes(12));
        assert!(l.notices.iter().any(|n| n.text.contains("3–9")));
    }

    #[test]
    fn a_counterexample_runs_to_its_violation() {
        let mut l = lab();
        l.apply(LabAction::ShowCounterexample("skip-bound-recovery".into()));
        assert_eq!(l.scenario.as_deref(), Some("bug-skip-bound-recovery"));
        assert_eq!(l.tab, Tab::BreakPaxos);
        // The cursor stops just past the first bad event: the violation is shown, at its time.
        let (i, v) = l.run.history().first_violation().expect("it broke");
        assert!(l.run.cursor_event() > i);
        assert_eq!(l.run.now(), v.t);
        assert!(!l.playing);
    }

    #[test]
    fn dropping_the_selected_message_drops_it() {
        let mut l = lab();
        l.apply(LabAction::Seek(1_100_000));
        let id = crate::lab::view::in_flight(&l.run)[0].id;
        l.apply(LabAction::SelectMessage(Some(id)));
        l.apply(LabAction::DropSelected);
        assert!(l
            .run
            .interventions()
            .iter()
            .any(|iv| iv.action == Action::DropMessage(id)));
    }

    #[test]
    fn the_duel_runs_both_sides_on_one_clock() {
        let mut l = Lab::scenario("dueling-no-backoff").unwrap();
        l.apply(LabAction::Seek(3_000_000));
        l.apply(LabAction::OpenDuel);
        let d = l.duel.as_ref().unwrap();
        assert_eq!(d.now(), 0, "the duel starts at 0");
        assert_eq!(d.left.policy, BackoffPolicy::None);
        assert_eq!(d.right.policy, BackoffPolicy::Uniform { max: 800 * MS });
        l.apply(LabAction::Play);
        for _ in 0..20 {
            l.apply(LabAction::Tick(50.0));
        }
        let d = l.duel.as_ref().unwrap();
        assert!(d.now() > 0);
        assert_eq!(d.left.run.now(), d.right.run.now());
        assert_eq!(l.run.now(), 3_000_000, "the normal run waits underneath");
        l.apply(LabAction::Pause);
        let before = l.duel.as_ref().unwrap().now();
        l.apply(LabAction::Step);
        let d = l.duel.as_ref().unwrap();
        assert!(d.now() > before);
        assert_eq!(d.left.run.now(), d.right.run.now());
        let stepped = d.now();
        l.apply(LabAction::StepBack);
        let d = l.duel.as_ref().unwrap();
        assert!(d.now() < stepped && d.left.run.now() == d.right.run.now());
        l.apply(LabAction::Seek(5_000_000));
        let d = l.duel.as_ref().unwrap();
        assert_eq!(
            (d.left.run.now(), d.right.run.now()),
            (5_000_000, 5_000_000)
        );
        l.apply(LabAction::Reset);
        assert_eq!(l.duel.as_ref().unwrap().now(), 0);
        l.apply(LabAction::CloseDuel);
        assert!(l.duel.is_none());
        assert_eq!(l.run.now(), 3_000_000);
    }

    #[test]
    fn with_symmetric_timing_only_random_backoff_elects_a_leader() {
        let mut l = Lab::scenario("dueling-no-backoff").unwrap();
        l.apply(LabAction::OpenDuel);
        l.apply(LabAction::Seek(10_000_000));
        let d = l.duel.as_ref().unwrap();
        let (none, uniform) = (d.counters(DuelSide::Left), d.counters(DuelSide::Right));
        assert_eq!(none.first_leader_at, None, "{none:?}");
        assert_eq!(none.leader, None);
        assert!(none.preempted > 10 && none.proposals > 10, "{none:?}");
        let at = uniform.first_leader_at.expect("the uniform side elects");
        assert!(at < 10_000_000);
        assert!(uniform.leader.is_some());
        assert!(
            uniform.preempted < none.preempted,
            "{uniform:?} vs {none:?}"
        );
        assert_eq!(none.violation, None);
    }

    #[test]
    fn the_duel_changes_seed_and_policies_for_its_sides() {
        let mut l = Lab::scenario("dueling-random-backoff").unwrap();
        l.apply(LabAction::OpenDuel);
        l.apply(LabAction::Seek(2_000_000));
        l.apply(LabAction::SetSeed(42));
        let d = l.duel.as_ref().unwrap();
        assert_eq!(d.left.run.config().seed, 42);
        assert_eq!(d.right.run.config().seed, 42);
        assert_eq!(l.run.config().seed, 42, "the normal run follows");
        assert_eq!(d.right.policy, BackoffPolicy::Uniform { max: 800 * MS });
        l.apply(LabAction::Seek(4_000_000));
        let fixed = BackoffPolicy::Fixed { wait: 300 * MS };
        l.apply(LabAction::SetDuelPolicy(DuelSide::Left, fixed));
        let d = l.duel.as_ref().unwrap();
        assert_eq!(d.left.policy, fixed);
        assert_eq!(d.left.run.config().protocol.backoff, fixed);
        assert_eq!(d.left.run.config().seed, 42);
        assert_eq!(
            d.left.run.now(),
            4_000_000,
            "recomputed to the shared clock"
        );
        // Loading a scenario leaves the duel.
        l.apply(LabAction::LoadScenario("cold-start-3".into()));
        assert!(l.duel.is_none());
    }

    #[test]
    fn oversized_imports_are_refused_in_words() {
        let mut l = lab();
        let before = l.share_query();
        l.apply(LabAction::ImportTooLarge(40 * 1024 * 1024));
        assert_eq!(l.share_query(), before);
        let n = l.notices.last().unwrap();
        assert_eq!(n.kind, NoticeKind::Error);
        assert!(
            n.text.contains("40.0 MB") && n.text.contains("32 MB"),
            "{}",
            n.text
        );
        assert!(n.text.contains("unchanged"));
    }

    #[test]
    fn export_file_names_say_what_and_when() {
        let mut l = Lab::scenario("leader-crash").unwrap();
        l.apply(LabAction::Seek(9_500_000));
        assert_eq!(
            l.export_file_name(),
            "paxoscope-leader-crash-seed7-t9500.json"
        );
        l.apply(LabAction::SetPreset(Preset::AtlasDb));
        assert!(l.export_file_name().starts_with("paxoscope-custom-seed"));
    }

    #[test]
    fn the_rust_test_pins_the_runs_hash() {
        let mut l = Lab::scenario("lossy-network").unwrap();
        l.apply(LabAction::Seek(4_000_000));
        let code = l.rust_test();
        let h = trace::trace_hash(l.run.history(), l.run.cursor_event());
        let hex = format!("{h:016x}");
        let pinned = format!(
            "assert_eq!(hash, 0x{}_{}_{}_{});",
            &hex[0..4],
            &hex[4..8],
            &hex[8..12],
            &hex[12..16]
        );
        assert!(code.contains(&pinned), "{pinned} in {code}");
        assert!(code.contains(&l.share_query()), "{code}");
    }

    #[test]
    fn finishing_the_instant_makes_a_mid_instant_cursor_shareable() {
        // A link names a time; after "Step" the cursor can sit inside an instant, so the
        // share button first finishes it (Seek to now) — then the link reopens the same run.
        let mut l = Lab::scenario("dueling-no-backoff").unwrap();
        loop {
            l.apply(LabAction::Step);
            let r = &l.run;
            if r.world().next_time(r.interventions()) == Some(r.now()) {
                break;
            }
        }
        l.apply(LabAction::Seek(l.run.now()));
        let again = Lab::from_query(&l.share_query());
        assert_eq!(again.run.cursor_event(), l.run.cursor_event());
        assert_eq!(
            trace::trace_hash(again.run.history(), again.run.cursor_event()),
            trace::trace_hash(l.run.history(), l.run.cursor_event())
        );
    }

    fn toured(name: &str) -> Lab {
        let mut l = lab();
        l.apply(LabAction::StartTour(name.into()));
        l
    }

    #[test]
    fn a_tour_starts_at_its_introduction_on_a_fresh_run() {
        let l = toured("leader-crash");
        let t = l.tour.as_ref().unwrap();
        assert_eq!(l.scenario.as_deref(), Some("leader-crash"));
        assert_eq!((t.at, l.run.now()), (0, 0));
        assert!(!t.paused && t.on_track(&l.run));
        assert!(t.stop().caption.contains("crashes"));
        let mut l = lab();
        l.apply(LabAction::StartTour("nope".into()));
        assert!(l.tour.is_none() && l.notices[0].text.contains("no tour"));
    }

    #[test]
    fn a_link_to_a_tour_step_opens_on_that_step() {
        let mut l = toured("leader-crash");
        l.apply(LabAction::TourNext);
        l.apply(LabAction::TourNext);
        let q = l.share_query();
        assert!(q.contains("tour=leader-crash.2"), "{q}");
        let again = Lab::from_query(&q);
        let (a, b) = (again.tour.as_ref().unwrap(), l.tour.as_ref().unwrap());
        assert_eq!((a.at, again.run.now()), (2, l.run.now()));
        assert_eq!(a.stop().caption, b.stop().caption);
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        // Wandering off: the link is the run's only.
        l.apply(LabAction::Step);
        assert!(!l.share_query().contains("tour="));
        // Bad tour links open the lab with a message.
        let bad = Lab::from_query("?tour=nope.2");
        assert!(bad.tour.is_none() && bad.notices[0].text.contains("no tour"));
        let bad = Lab::from_query("?tour=dueling.x");
        assert!(bad.tour.is_none() && bad.notices[0].text.contains("step"));
        let far = Lab::from_query("?tour=dueling.99");
        let t = far.tour.as_ref().unwrap();
        assert_eq!(t.at, t.steps.len(), "clamped to the last step");
    }

    #[test]
    fn next_runs_to_each_stop_and_back_really_rewinds() {
        let mut l = toured("leader-crash");
        l.apply(LabAction::TourNext);
        l.apply(LabAction::TourNext);
        let (t2, steps2) = (l.run.now(), l.run.world().steps);
        assert!(t2 >= 8_000_000, "stopped at the crash");
        assert!(l.tour.as_ref().unwrap().stop().caption.contains("crashed"));
        l.apply(LabAction::TourBack);
        assert!(l.run.now() < t2);
        assert_eq!(l.tour.as_ref().unwrap().at, 1);
        assert_eq!(l.run.world().steps, l.tour.as_ref().unwrap().stops[1].steps);
        assert!(l.run.world().nodes.iter().all(|n| n.up), "before the crash");
        l.apply(LabAction::TourNext);
        assert_eq!((l.run.now(), l.run.world().steps), (t2, steps2));
        l.apply(LabAction::TourBack);
        l.apply(LabAction::TourBack);
        l.apply(LabAction::TourBack);
        assert_eq!((l.tour.as_ref().unwrap().at, l.run.now()), (0, 0));
    }

    #[test]
    fn exploring_pauses_the_tour_and_resume_returns_to_the_stop() {
        let mut l = toured("dueling");
        l.apply(LabAction::TourNext);
        let t1 = l.run.now();
        l.apply(LabAction::SelectNode(Some(NodeId(2))));
        l.apply(LabAction::SetTab(Tab::Log));
        assert!(
            !l.tour.as_ref().unwrap().paused,
            "looking around is not leaving"
        );
        l.apply(LabAction::Step);
        l.apply(LabAction::Seek(3_000_000));
        assert!(l.tour.as_ref().unwrap().paused);
        l.apply(LabAction::TourResume);
        assert_eq!(l.run.now(), t1);
        assert!(!l.tour.as_ref().unwrap().paused);
        assert!(l.tour.as_ref().unwrap().on_track(&l.run));
    }

    #[test]
    fn resume_after_leaving_the_tours_run_rebuilds_it() {
        let mut l = toured("dueling");
        for _ in 0..6 {
            l.apply(LabAction::TourNext);
        }
        let stop = l.tour.as_ref().unwrap().stop().clone();
        assert_eq!(
            l.run.interventions().len(),
            1,
            "the tour switched the wait on"
        );
        l.apply(LabAction::TourBack);
        l.apply(LabAction::Intervene(Action::Crash(NodeId(1))));
        assert!(l.notices.iter().any(|n| n.text.contains("forked")));
        l.apply(LabAction::LoadScenario("cold-start-5".into()));
        assert!(
            l.tour.as_ref().unwrap().paused,
            "the tour survives other scenarios"
        );
        l.apply(LabAction::TourNext);
        assert_eq!(l.scenario.as_deref(), Some("dueling-no-backoff"));
        assert_eq!(l.tour.as_ref().unwrap().stop(), &stop);
        assert_eq!(l.run.world().steps, stop.steps);
        assert!(l.tour.as_ref().unwrap().on_track(&l.run));
        l.apply(LabAction::ExitTour);
        assert!(l.tour.is_none());
        assert_eq!(
            l.run.world().steps,
            stop.steps,
            "exit leaves the run where it is"
        );
        l.apply(LabAction::TourNext);
        assert_eq!(l.run.world().steps, stop.steps, "no tour: nothing happens");
    }

    #[test]
    fn violation_notices_go_with_the_run_they_describe() {
        let mut l = Lab::from_query("?seed=x");
        for bug in ["minority-quorum", "skip-bound-recovery"] {
            l.apply(LabAction::ShowCounterexample(bug.into()));
        }
        let paused = |l: &Lab| {
            l.notices
                .iter()
                .filter(|n| n.text.starts_with("Paused at"))
                .count()
        };
        assert_eq!(paused(&l), 1, "only the run on screen: {:?}", l.notices);
        l.apply(LabAction::Reset);
        assert_eq!(paused(&l), 0, "{:?}", l.notices);
        l.apply(LabAction::ShowCounterexample("minority-quorum".into()));
        l.apply(LabAction::LoadScenario("leader-crash".into()));
        assert_eq!(paused(&l), 0, "{:?}", l.notices);
        assert!(
            l.notices.iter().any(|n| n.text.contains("seed 'x'")),
            "the link's own warning stays: {:?}",
            l.notices
        );
    }

    #[test]
    fn a_share_link_keeps_the_cursor_inside_an_instant_and_agrees_with_the_rust_test() {
        let mut l = Lab::scenario("dueling-no-backoff").unwrap();
        // Step until the cursor stands inside an instant (more events due at the same time).
        for _ in 0..400 {
            l.apply(LabAction::Step);
            if share::cursor(&l.run).1.is_some() {
                break;
            }
        }
        let (steps, now) = (l.run.world().steps, l.run.now());
        assert!(
            share::cursor(&l.run).1.is_some(),
            "found a cursor mid-instant"
        );
        let q = l.share_query();
        assert_eq!(
            (l.run.world().steps, l.run.now()),
            (steps, now),
            "sharing moves nothing"
        );
        assert!(q.contains(&format!("&st={steps}")), "{q}");
        let again = Lab::from_query(&q);
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        assert_eq!((again.run.world().steps, again.run.now()), (steps, now));
        // "Copy as Rust test" embeds the same link.
        assert!(l.rust_test().contains(&q), "{}", l.rust_test());
        // At the end of an instant the link holds the time alone.
        l.apply(LabAction::Seek(now));
        assert!(!l.share_query().contains("st="));
    }

    #[test]
    fn link_problems_name_the_real_problem() {
        let text = |q: &str| {
            Lab::from_query(q)
                .notices
                .iter()
                .map(|n| n.text.clone())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let t = text("?cl=100000");
        assert!(
            t.contains("100000 is out of range") && !t.contains("not a number"),
            "{t}"
        );
        let t = text("?cup=maybe");
        assert!(
            t.contains("'cup=maybe'") && t.contains("1 (on) or 0 (off)"),
            "{t}"
        );
        let t = text("?iv=99999999999999999:crash:1");
        assert!(t.contains("past the last moment"), "{t}");
        let t = text("?t=99999999999");
        assert!(
            t.contains("past the last moment") && !t.contains("not a number"),
            "{t}"
        );
        let t = text("?tour=first-election.999");
        assert!(t.contains("has 8 steps, not 999"), "{t}");
        let t = text("?tour=first-election.zz");
        assert!(t.contains("should be a step number"), "{t}");
        let t = text("?tour=%3Cb%3Enope");
        assert!(t.contains("'<b>nope'") && !t.contains("%3C"), "{t}");
        // Floods collapse: thousands of unknown parameters, run's or sweep's, make five lines.
        let many: Vec<String> = (0..8000).map(|i| format!("zz{i}=1")).collect();
        let l = Lab::from_query(&format!("?{}", many.join("&")));
        assert!(l.notices.len() <= 6, "{}", l.notices.len());
        let many: Vec<String> = (0..8000).map(|i| format!("xzz{i}=1")).collect();
        let l = Lab::from_query(&format!("?x=leader-crash&{}", many.join("&")));
        assert!(l.notices.len() <= 6, "{}", l.notices.len());
        // A 60 KB value is quoted short, whichever parameter carries it.
        let big = "9".repeat(60_000);
        for key in [
            "s", "seed", "lat", "cl", "iv", "t", "st", "tour", "xn", "zz",
        ] {
            for n in &Lab::from_query(&format!("?x=leader-crash&{key}={big}")).notices {
                assert!(n.text.chars().count() < 400, "{key}: {}", n.text.len());
            }
        }
    }

    #[test]
    fn the_dueling_lab_opens_with_the_roles_the_lab_shows() {
        let mut l = Lab::scenario("dueling-no-backoff").unwrap();
        let roles = |r: &Run| {
            crate::lab::view::nodes(r)
                .iter()
                .map(|n| n.role)
                .collect::<Vec<_>>()
        };
        let lab = roles(&l.run);
        l.apply(LabAction::OpenDuel);
        let d = l.duel.as_ref().unwrap();
        assert_eq!(roles(&d.left.run), lab);
        assert_eq!(roles(&d.right.run), lab);
    }

    #[test]
    fn a_sweep_link_with_problems_opens_without_crashing_the_experiments_view() {
        // It waits for Run with no rows computed; the view still asks for the CDF's points.
        let l = Lab::from_query(&format!("?x=leader-crash&xn={}", "9".repeat(60_000)));
        assert_eq!(l.tab, Tab::Experiments);
        let runs = l.experiments.sorted_runs();
        assert!(runs.iter().all(Vec::is_empty), "{runs:?}");
        assert!(l.notices.iter().all(|n| n.text.chars().count() <= 301));
    }
}

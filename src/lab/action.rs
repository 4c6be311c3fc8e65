//! What a person can do in the lab, as values: [`LabAction`], and the reducer [`Lab::apply`]
//! that is the only place the lab changes. The UI builds actions with typed callbacks; nothing
//! is spelled as a string and parsed back, so a misspelt action is a compile error, not a dead
//! button.

use super::tour::leaves_tour;
use super::view::LogFilter;
use super::*;
use crate::codec::trace;
use crate::engine::{BackoffPolicy, NodeId, Protocol, MS};
use crate::sim::config::{Preset, SimConfig, Time};
use crate::sim::history::MsgId;
use crate::sim::intervention::{Action, Param};
use crate::sim::scenario;
use crate::sim::sweep::SweepSpec;

/// Everything a person can do.
#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    /// Start playing.
    Play,
    /// Stop playing.
    Pause,
    /// Play or pause.
    TogglePlay,
    /// An animation frame: advance by `real_ms` of wall time at the current speed.
    Tick(f64),
    /// One event forward.
    Step,
    /// One event back.
    StepBack,
    /// Forward to the next phase change (proposal, phase 2, choice, leader, fault…).
    StepPhase,
    /// Move the cursor to a time.
    Seek(Time),
    /// Move the cursor to just after a recorded event.
    SeekEvent(usize),
    /// Playback speed (virtual per real time).
    SetSpeed(f64),
    /// Start the current scenario or configuration over (drops what you did).
    Reset,
    /// Load a named scenario.
    LoadScenario(String),
    /// New seed (same configuration and interventions).
    SetSeed(u64),
    /// A fresh random seed from the system (the browser's crypto), then as [`LabAction::SetSeed`].
    NewSeed,
    /// New cluster size (interventions naming missing nodes are dropped).
    SetNodes(u8),
    /// Switch timing preset (a fresh run).
    SetPreset(Preset),
    /// Lock clients and how many locks they share (a fresh run with the same interventions).
    SetLockClients {
        /// Number of lock clients.
        count: u16,
        /// Locks they share.
        locks: u8,
    },
    /// Switch protocol profile: textbook or AtlasDB as written (a fresh run, same
    /// interventions).
    SetProtocol(Protocol),
    /// Client load (a fresh run with the same interventions).
    SetClients {
        /// Number of clients.
        count: u16,
        /// Timestamps per request.
        batch: u64,
    },
    /// Change a parameter from the cursor on (an intervention).
    SetParam(Param),
    /// Any other intervention at the cursor (crash, restart, heal, drop, client request…).
    Intervene(Action),
    /// Cut one node off from all others.
    Isolate(NodeId),
    /// Start choosing two groups by clicking nodes.
    StartSplit,
    /// Move a node to the other group while splitting.
    ToggleSplit(NodeId),
    /// Partition the cluster into the chosen groups.
    ApplySplit,
    /// Leave the partition editor.
    CancelSplit,
    /// Select a node for the inspector (None to clear).
    SelectNode(Option<NodeId>),
    /// Select a message (None to clear).
    SelectMessage(Option<MsgId>),
    /// Highlight a message (hovered in the space-time diagram).
    Highlight(Option<MsgId>),
    /// Drop the selected message, if it is still travelling.
    DropSelected,
    /// Event-log filter.
    SetLogFilter(LogFilter),
    /// Move the cursor to the first violation.
    JumpToViolation,
    /// Load a trace export (keeps the current run if it is refused).
    Import(String),
    /// Switch the side panel.
    SetTab(Tab),
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Enter or leave presenter mode (see [`Lab::presenting`]).
    TogglePresenter,
    /// Dismiss a notice.
    Dismiss(usize),
    /// Turn an injected bug on or off from the cursor on.
    SetBug(String, bool),
    /// Load a bug's counterexample scenario and run to its first violation.
    ShowCounterexample(String),
    /// Turn an AtlasDB quirk on or off from the cursor on.
    SetQuirk(String, bool),
    /// Load the scenario that shows an AtlasDB quirk's hazard and run to its violation.
    ShowHazard(String),
    /// Refuse a file chosen for import before reading it: it has this many bytes, more than
    /// [`trace::MAX_IMPORT_BYTES`].
    ImportTooLarge(u64),
    /// Tell the user something the browser side found out (a clipboard or file error).
    Notify(NoticeKind, String),
    /// Open the dueling lab: the current seed and configuration twice, side by side.
    OpenDuel,
    /// Leave the dueling lab for the normal one.
    CloseDuel,
    /// Change one side's backoff policy in the dueling lab.
    SetDuelPolicy(DuelSide, BackoffPolicy),
    /// Start a guided tour by name (a fresh run of its scenario, at its introduction).
    StartTour(String),
    /// Run to the tour's next stop.
    TourNext,
    /// Rewind to the tour's previous stop.
    TourBack,
    /// Go back to the tour's current stop after exploring freely.
    TourResume,
    /// Leave the tour (the run stays where it is).
    ExitTour,
    /// Start computing a sweep (a validated spec) in the Experiments tab.
    RunSweep(SweepSpec),
    /// Rows a worker computed for sweep `job`, as CSV lines, `elapsed_ms` after the start.
    SweepRows {
        /// Which start of a sweep they belong to.
        job: u32,
        /// [`crate::sim::sweep::RunRow::csv`] lines.
        csv: String,
        /// Wall time since the sweep started.
        elapsed_ms: u64,
    },
    /// A worker failed on sweep `job`.
    SweepFailed {
        /// Which start of a sweep.
        job: u32,
        /// What went wrong, in words.
        error: String,
    },
    /// Stop the sweep; the rows so far stay.
    CancelSweep,
    /// Show one setting's histogram.
    SelectSweepSetting(usize),
    /// Open run `run` of setting `setting` of the sweep in the visualizer, at its fault.
    OpenSweepRun {
        /// Setting index.
        setting: usize,
        /// Run index.
        run: u32,
    },
    /// Anything in the Checker tab (see [`super::checker`]).
    Checker(super::checker::CheckerAction),
}

impl Lab {
    /// Carries out one action.
    pub fn apply(&mut self, action: LabAction) {
        if let Some(t) = self.tour.as_mut() {
            t.paused |= leaves_tour(&action);
        }
        if self.duel.is_some() && self.apply_duel(&action) {
            return;
        }
        match action {
            LabAction::Play => self.playing = true,
            LabAction::Pause => self.playing = false,
            LabAction::TogglePlay => self.playing = !self.playing,
            LabAction::Tick(real_ms) => {
                if self.playing {
                    let dt = real_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0 * self.speed;
                    let target = self.run.now() + dt.round() as Time;
                    self.run.seek(target);
                    self.check_violations();
                }
            }
            LabAction::Step => {
                self.run.step();
                self.check_violations();
            }
            LabAction::StepBack => self.run.step_back(),
            LabAction::StepPhase => {
                let limit = self.run.now() + 120_000 * MS;
                self.run.run_until_event(limit, is_phase);
                self.check_violations();
            }
            LabAction::Seek(t) => {
                self.run.seek(t.min(crate::sim::config::MAX_CURSOR));
                self.check_violations();
            }
            LabAction::SeekEvent(i) => {
                self.run.seek_event(i);
                self.check_violations();
            }
            LabAction::SetSpeed(s) => {
                if s.is_finite() {
                    self.speed = s.clamp(SPEED_RANGE.0, SPEED_RANGE.1);
                }
            }
            LabAction::Reset => {
                let base = match self.scenario.as_deref().and_then(scenario::by_name) {
                    Some(s) => (s.config, s.interventions),
                    None => (self.run.config().clone(), Vec::new()),
                };
                self.rebuild(base.0, base.1);
                self.playing = false;
            }
            LabAction::LoadScenario(name) => match Lab::scenario(&name) {
                Some(mut lab) => {
                    lab.notices = self.session_notices();
                    lab.tab = self.tab;
                    lab.tour = self.tour.take();
                    lab.experiments = std::mem::take(&mut self.experiments);
                    lab.checker = std::mem::take(&mut self.checker);
                    *self = lab;
                }
                None => self.notify(
                    NoticeKind::Error,
                    format!(
                        "There is no scenario called '{}'.",
                        crate::sim::units::clip(&name, 40)
                    ),
                ),
            },
            // In a duel this comes back as SetSeed, which rebuilds both sides.
            LabAction::NewSeed => match crate::sim::fresh_seed() {
                Ok(seed) => self.apply(LabAction::SetSeed(seed)),
                Err(e) => self.notify(NoticeKind::Error, format!("No new seed: {e}.")),
            },
            LabAction::SetSeed(seed) => {
                let mut c = self.run.config().clone();
                c.seed = seed;
                let ivs = self.run.interventions().to_vec();
                self.rebuild(c, ivs);
            }
            LabAction::SetNodes(n) => {
                if !(3..=9).contains(&n) {
                    self.notify(
                        NoticeKind::Error,
                        format!("A cluster has 3–9 nodes, not {n}."),
                    );
                    return;
                }
                let mut c = self.run.config().clone();
                c.protocol.nodes = n;
                let ivs = self.run.interventions().to_vec();
                self.rebuild(c, ivs);
            }
            LabAction::SetPreset(p) => {
                let old = self.run.config();
                let mut c = SimConfig::preset(p, old.protocol.nodes, old.seed);
                c.protocol.bugs = old.protocol.bugs;
                c.protocol.quirks = old.protocol.quirks;
                self.preset = p;
                self.scenario = None;
                self.speed = natural_speed(&c);
                self.rebuild(c, Vec::new());
            }
            LabAction::SetProtocol(p) => {
                let mut c = self.run.config().clone();
                c.protocol.quirks = p.quirks();
                let ivs = self.run.interventions().to_vec();
                self.rebuild(c, ivs);
            }
            LabAction::SetLockClients { count, locks } => {
                let mut c = self.run.config().clone();
                c.clients.lock_clients = count;
                c.clients.locks = locks;
                if let Err(e) = c.validate() {
                    self.notify(NoticeKind::Error, e);
                    return;
                }
                let ivs = self.run.interventions().to_vec();
                self.rebuild(c, ivs);
            }
            LabAction::SetClients { count, batch } => {
                let mut c = self.run.config().clone();
                c.clients.count = count;
                c.clients.batch = batch;
                if let Err(e) = c.validate() {
                    self.notify(NoticeKind::Error, e);
                    return;
                }
                let ivs = self.run.interventions().to_vec();
                self.rebuild(c, ivs);
            }
            LabAction::SetParam(p) => self.act(Action::Set(p)),
            LabAction::Intervene(a) => self.act(a),
            LabAction::Isolate(n) => {
                let rest: Vec<NodeId> = (1..=self.run.config().protocol.nodes)
                    .map(NodeId)
                    .filter(|&m| m != n)
                    .collect();
                self.act(Action::Partition(vec![vec![n], rest]));
            }
            LabAction::StartSplit => {
                self.split = Some(vec![1; usize::from(self.run.config().protocol.nodes)])
            }
            LabAction::ToggleSplit(n) => {
                if let Some(g) = self.split.as_mut().and_then(|s| s.get_mut(n.index())) {
                    *g = if *g == 1 { 2 } else { 1 };
                }
            }
            LabAction::ApplySplit => {
                if let Some(split) = self.split.take() {
                    let group = |k| {
                        split
                            .iter()
                            .enumerate()
                            .filter(|(_, g)| **g == k)
                            .map(|(i, _)| NodeId::from_index(i))
                            .collect::<Vec<_>>()
                    };
                    let (a, b) = (group(1), group(2));
                    if a.is_empty() || b.is_empty() {
                        self.notify(
                            NoticeKind::Error,
                            "Click nodes to move them to the second group first: a partition needs two non-empty groups.",
                        );
                        self.split = Some(split);
                    } else {
                        self.act(Action::Partition(vec![a, b]));
                    }
                }
            }
            LabAction::CancelSplit => self.split = None,
            LabAction::SelectNode(n) => {
                self.selected_node = n;
                if n.is_some() {
                    self.selected_msg = None;
                    self.tab = Tab::Inspector;
                }
            }
            LabAction::SelectMessage(m) => {
                self.selected_msg = m;
                if m.is_some() {
                    self.tab = Tab::Inspector;
                }
            }
            LabAction::Highlight(m) => self.highlight = m,
            LabAction::DropSelected => {
                if let Some(id) = self.selected_msg {
                    let travelling = self.run.world().in_flight().any(|(_, m)| m == id);
                    if travelling {
                        self.act(Action::DropMessage(id));
                    } else {
                        self.notify(
                            NoticeKind::Info,
                            format!("Message #{id} is no longer travelling."),
                        );
                    }
                }
            }
            LabAction::SetLogFilter(f) => self.log_filter = f,
            LabAction::JumpToViolation => {
                match self.run.history().first_violation().map(|(i, _)| i) {
                    Some(i) => {
                        self.playing = false;
                        self.run.seek_event(i);
                    }
                    None => self.notify(NoticeKind::Info, "No violation has happened in this run."),
                }
            }
            LabAction::Import(text) => {
                let imported =
                    trace::import(&text).and_then(|i| Ok((trace::rebuild(&i)?, i.scenario)));
                match imported {
                    Ok(((run, replay), scenario)) => {
                        self.run = run;
                        self.notices = self.session_notices();
                        self.scenario = scenario;
                        self.playing = false;
                        self.announced = self.run.world().checker.violations.len();
                        self.speed = natural_speed(self.run.config());
                        let text = match replay {
                            trace::Replay::Exact => {
                                "Trace loaded: this engine reproduced every recorded event."
                                    .to_string()
                            }
                            trace::Replay::SameTimes => "Trace loaded (version 1, from an older PaxosScope): its seed, settings and interventions replay with every recorded event at its recorded time. Export it again to save it as version 2.".to_string(),
                            trace::Replay::DivergesAt(i) => format!(
                                "Trace loaded, but this engine's replay departs from the record at event {} (made by another version, or edited?). You are looking at this engine's run.",
                                i + 1
                            ),
                        };
                        self.notify_run(NoticeKind::Info, text);
                    }
                    Err(e) => self.notify(
                        NoticeKind::Error,
                        format!("That file was not loaded: {e}. Your current run is unchanged."),
                    ),
                }
            }
            LabAction::SetTab(t) => self.tab = t,
            LabAction::ToggleHelp => self.help = !self.help,
            LabAction::TogglePresenter => self.presenting = !self.presenting,
            LabAction::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            LabAction::SetBug(name, on) => self.act(Action::Set(Param::Bug { name, on })),
            LabAction::ShowCounterexample(bug) => match scenario::for_bug(&bug) {
                Some(s) => self.run_to_violation(s),
                None => self.notify(NoticeKind::Error, format!("No counterexample for '{bug}'.")),
            },
            LabAction::SetQuirk(name, on) => self.act(Action::Set(Param::Quirk { name, on })),
            LabAction::ShowHazard(quirk) => match scenario::for_quirk(&quirk) {
                Some(s) => self.run_to_violation(s),
                None => self.notify(
                    NoticeKind::Error,
                    format!("No scenario shows a hazard of '{quirk}'."),
                ),
            },
            LabAction::StartTour(name) => self.start_tour(&name),
            a @ (LabAction::TourNext
            | LabAction::TourBack
            | LabAction::TourResume
            | LabAction::ExitTour) => self.tour_action(a),
            LabAction::ImportTooLarge(bytes) => self.notify(
                NoticeKind::Error,
                format!(
                    "That file was not loaded: it is {} MB, and traces up to {} MB can be imported. Your current run is unchanged.",
                    crate::sim::units::fixed(i128::from(bytes) * 10 / (1024 * 1024), 1, 1),
                    trace::MAX_IMPORT_BYTES / (1024 * 1024)
                ),
            ),
            LabAction::Notify(kind, text) => self.notify(kind, text),
            LabAction::OpenDuel => {
                self.playing = false;
                self.split = None;
                self.duel = Some(Duel::new(
                    self.run.config(),
                    self.run.interventions(),
                    BackoffPolicy::None,
                    Duel::default_right(self.run.config().protocol.backoff),
                ));
            }
            LabAction::CloseDuel | LabAction::SetDuelPolicy(..) => {}
            LabAction::RunSweep(spec) => match spec.validate() {
                Ok(()) => {
                    self.experiments.start(spec);
                    self.tab = Tab::Experiments;
                }
                Err(e) => self.notify(NoticeKind::Error, format!("The sweep was not started: {e}.")),
            },
            LabAction::SweepRows {
                job,
                csv,
                elapsed_ms,
            } => self.experiments.receive(job, &csv, elapsed_ms),
            LabAction::SweepFailed { job, error } => self.experiments.fail(job, error),
            LabAction::CancelSweep => self.experiments.cancel(),
            LabAction::SelectSweepSetting(i) => {
                if i < self.experiments.spec.settings().len() {
                    self.experiments.selected = i;
                }
            }
            LabAction::OpenSweepRun { setting, run } => self.open_sweep_run(setting, run),
            LabAction::Checker(a) => self.checker_apply(a),
        }
    }
}

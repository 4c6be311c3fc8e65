//! The dueling lab: one scenario run twice on one clock, each side with its own backoff policy,
//! so the random wait's effect on dueling proposers is seen side by side.

use super::*;
use crate::engine::{BackoffPolicy, NodeId, MS};
use crate::sim::config::{SimConfig, Time};
use crate::sim::intervention::{Action, Intervention, Param};
use crate::sim::Run;

impl Lab {
    /// The dueling lab's share of [`Lab::apply`]: the clock, the seed and the policies drive
    /// both runs. Returns false for actions the normal lab handles as usual.
    pub(super) fn apply_duel(&mut self, action: &LabAction) -> bool {
        let speed = self.speed;
        let playing = self.playing;
        let Some(duel) = self.duel.as_mut() else {
            return false;
        };
        match action {
            LabAction::Tick(real_ms) => {
                if playing {
                    let dt = real_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0 * speed;
                    duel.seek(duel.now() + dt.round() as Time);
                }
            }
            LabAction::Step | LabAction::StepPhase => duel.step(),
            LabAction::StepBack => duel.step_back(),
            LabAction::Seek(t) => duel.seek(*t),
            LabAction::Reset => {
                duel.seek(0);
                self.playing = false;
            }
            LabAction::SetDuelPolicy(side, policy) => duel.set_policy(*side, *policy),
            LabAction::CloseDuel => {
                self.duel = None;
                self.playing = false;
            }
            LabAction::SetSeed(_) => {
                let (left, right) = (duel.left.policy, duel.right.policy);
                self.duel = None;
                self.apply(action.clone());
                self.duel = Some(Duel::new(
                    self.run.config(),
                    self.run.interventions(),
                    left,
                    right,
                ));
            }
            LabAction::LoadScenario(_)
            | LabAction::Import(_)
            | LabAction::OpenSweepRun { .. }
            | LabAction::ShowCounterexample(_) => {
                self.duel = None;
                return false;
            }
            // Nothing to jump to or select on the normal run while the duel is shown.
            LabAction::SeekEvent(_) | LabAction::JumpToViolation => {}
            _ => return false,
        }
        true
    }
}

/// One side of the dueling lab.
#[derive(Clone, Debug)]
pub struct DuelRun {
    /// The backoff policy this side runs with.
    pub policy: BackoffPolicy,
    /// The run (same seed and configuration as the other side except the policy).
    pub run: Run,
}

/// Which side of the dueling lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuelSide {
    /// The left run (by default: no backoff).
    Left,
    /// The right run (by default: uniform random backoff).
    Right,
}

/// The counters shown under one side of the dueling lab, at the shared clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuelCounters {
    /// Ballots pre-empted by a rival's higher ballot, all nodes together.
    pub preempted: u64,
    /// Leadership proposals started.
    pub proposals: u64,
    /// When the first leader was elected, if one was.
    pub first_leader_at: Option<Time>,
    /// Who leads now, if anyone.
    pub leader: Option<NodeId>,
    /// The first invariant broken so far, if any (only with injected bugs).
    pub violation: Option<&'static str>,
}

/// The dueling lab: the same seed and configuration twice, each with its own backoff policy,
/// on one clock — to watch random backoff end a duel that the other side never ends.
#[derive(Clone, Debug)]
pub struct Duel {
    /// The left side.
    pub left: DuelRun,
    /// The right side.
    pub right: DuelRun,
}

impl Duel {
    /// The right side's policy when the duel opens: the run's own uniform wait if it has one,
    /// else U[0, 800 ms) as in the dueling scenario.
    pub fn default_right(current: BackoffPolicy) -> BackoffPolicy {
        match current {
            BackoffPolicy::Uniform { max } if max > 0 => current,
            _ => BackoffPolicy::Uniform { max: 800 * MS },
        }
    }

    /// Both sides from one configuration and its interventions (backoff changes among them
    /// are left out: the policy is what differs). Both start at time 0.
    pub fn new(
        config: &SimConfig,
        interventions: &[Intervention],
        left: BackoffPolicy,
        right: BackoffPolicy,
    ) -> Duel {
        let ivs: Vec<Intervention> = interventions
            .iter()
            .filter(|iv| !matches!(iv.action, Action::Set(Param::Backoff(_))))
            .cloned()
            .collect();
        let side = |policy| {
            let mut c = config.clone();
            c.protocol.backoff = policy;
            let mut run = Run::new(c.clone(), ivs.clone())
                .or_else(|_| Run::new(c, Vec::new()))
                .expect("the lab's configuration is valid");
            // At t = 0 as the lab is (its start-up events done), so the two sides open with
            // the roles the lab showed, not a blank world's.
            run.seek(0);
            DuelRun { policy, run }
        };
        Duel {
            left: side(left),
            right: side(right),
        }
    }

    /// One side.
    pub fn side(&self, side: DuelSide) -> &DuelRun {
        match side {
            DuelSide::Left => &self.left,
            DuelSide::Right => &self.right,
        }
    }

    /// The shared clock.
    pub fn now(&self) -> Time {
        self.left.run.now().max(self.right.run.now())
    }

    /// The furthest time either side has computed.
    pub fn horizon(&self) -> Time {
        self.left
            .run
            .horizon_time()
            .max(self.right.run.horizon_time())
    }

    /// Moves both sides to time `t`.
    pub fn seek(&mut self, t: Time) {
        self.left.run.seek(t);
        self.right.run.seek(t);
    }

    /// Forward to the next instant at which anything happens on either side.
    pub fn step(&mut self) {
        let next = |r: &Run| r.world().next_time(r.interventions());
        let t = match (next(&self.left.run), next(&self.right.run)) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(t) => t,
                None => return,
            },
        };
        self.seek(t);
    }

    /// Back to the latest earlier instant at which anything happened on either side.
    pub fn step_back(&mut self) {
        let now = self.now();
        let prev = |r: &Run| {
            let h = r.history();
            match h.first_event_at_or_after(now) {
                0 => 0,
                i => h.events[i - 1].t,
            }
        };
        let t = prev(&self.left.run).max(prev(&self.right.run));
        self.seek(t);
    }

    /// Replaces one side's policy; that side is recomputed up to the shared clock.
    pub fn set_policy(&mut self, side: DuelSide, policy: BackoffPolicy) {
        let now = self.now();
        let target = match side {
            DuelSide::Left => &mut self.left,
            DuelSide::Right => &mut self.right,
        };
        let mut c = target.run.config().clone();
        c.protocol.backoff = policy;
        if let Ok(mut run) = Run::new(c, target.run.interventions().to_vec()) {
            run.seek(now);
            *target = DuelRun { policy, run };
        }
    }

    /// The counters for one side at the shared clock.
    pub fn counters(&self, side: DuelSide) -> DuelCounters {
        let w = self.side(side).run.world();
        DuelCounters {
            preempted: w.stats.preempted_total(),
            proposals: w.stats.elections,
            first_leader_at: w.stats.first_leader_at,
            leader: w.leader(),
            violation: w.checker.violations.first().map(|v| v.invariant.name()),
        }
    }
}

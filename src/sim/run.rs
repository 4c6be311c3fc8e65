//! A run you can travel through: the world at a cursor, the record up to the furthest point
//! ever computed (the horizon), and checkpoints every few thousand steps.
//!
//! * Going forward past the horizon computes and records.
//! * Going back restores the nearest earlier checkpoint and replays — exact, because the
//!   world is deterministic — without recording again.
//! * Acting in the past **forks**: the record after the cursor and every intervention not yet
//!   applied are dropped, and the new intervention is applied at the cursor.

use super::config::{SimConfig, Time};
use super::history::{EventKind, History, MarkerKind, NoRecord};
use super::intervention::{Action, Intervention};
use super::world::World;

/// Steps between checkpoints while a run is young. Seeking replays at most this many steps.
pub const CHECKPOINT_EVERY: u64 = 4_096;

/// The most checkpoints a run holds. Past it the run is **thinned**: every other checkpoint
/// is dropped and new ones are taken half as often, so memory for checkpoints stays bounded
/// however long the run (a world is tens of kilobytes and grows with the logs) while a seek
/// replays at most one stride — 4,096 steps up to about 2 M steps of run, 8,192 up to
/// about 4 M, and so on.
pub const MAX_CHECKPOINTS: usize = 512;

/// A simulation run with time travel.
#[derive(Clone, Debug)]
pub struct Run {
    base: SimConfig,
    interventions: Vec<Intervention>,
    world: World,
    history: History,
    checkpoints: Vec<World>,
    /// Steps between new checkpoints: [`CHECKPOINT_EVERY`], doubled at each thinning.
    stride: u64,
    /// Thin past this many checkpoints ([`MAX_CHECKPOINTS`] unless set).
    checkpoint_cap: usize,
    horizon_steps: u64,
    horizon_time: Time,
    forks: u32,
}

impl Run {
    /// A run of `cfg` with scheduled `interventions` (checked against the configuration).
    pub fn new(cfg: SimConfig, mut interventions: Vec<Intervention>) -> Result<Run, String> {
        cfg.validate()?;
        for iv in &interventions {
            iv.action
                .validate(cfg.protocol.nodes)
                .map_err(|e| format!("intervention at {} ms: {e}", iv.at / 1_000))?;
        }
        interventions.sort_by_key(|iv| iv.at);
        let world = World::new(cfg.clone());
        Ok(Run {
            base: cfg,
            interventions,
            checkpoints: vec![world.clone()],
            stride: CHECKPOINT_EVERY,
            checkpoint_cap: MAX_CHECKPOINTS,
            world,
            history: History::default(),
            horizon_steps: 0,
            horizon_time: 0,
            forks: 0,
        })
    }

    /// The configuration the run started with.
    pub fn config(&self) -> &SimConfig {
        &self.base
    }

    /// Interventions in the order they apply.
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Everything recorded up to the horizon.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Cursor time.
    pub fn now(&self) -> Time {
        self.world.now
    }

    /// The furthest time computed so far.
    pub fn horizon_time(&self) -> Time {
        self.horizon_time
    }

    /// The furthest step computed so far.
    pub fn horizon_steps(&self) -> u64 {
        self.horizon_steps
    }

    /// How many times acting in the past forked this run.
    pub fn forks(&self) -> u32 {
        self.forks
    }

    /// Number of recorded events up to the cursor.
    pub fn cursor_event(&self) -> usize {
        self.history.events_after_steps(self.world.steps)
    }

    /// Checkpoints held (for memory reports).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Steps between checkpoints now: the most a seek replays.
    pub fn checkpoint_stride(&self) -> u64 {
        self.stride
    }

    /// Holds at most `cap` checkpoints (at least 2) instead of [`MAX_CHECKPOINTS`]: less
    /// memory for slower seeks, and a way for tests to see thinning in a short run.
    pub fn with_checkpoint_cap(mut self, cap: usize) -> Run {
        self.checkpoint_cap = cap.max(2);
        self
    }

    /// Doubles the stride and keeps only the checkpoints on it (the start always is).
    fn thin_checkpoints(&mut self) {
        self.stride *= 2;
        let stride = self.stride;
        self.checkpoints.retain(|c| c.steps.is_multiple_of(stride));
    }

    /// One step from the cursor; false if nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let recording = self.world.steps >= self.horizon_steps;
        let moved = if recording {
            self.world.step(&self.interventions, &mut self.history)
        } else {
            self.world.step(&self.interventions, &mut NoRecord)
        };
        if moved && recording {
            self.horizon_steps = self.world.steps;
            self.horizon_time = self.horizon_time.max(self.world.now);
            if self.world.steps.is_multiple_of(self.stride) {
                self.checkpoints.push(self.world.clone());
                if self.checkpoints.len() > self.checkpoint_cap {
                    self.thin_checkpoints();
                }
            }
        }
        moved
    }

    /// Moves the cursor to time `t`: every step due at or before `t` has happened.
    pub fn seek(&mut self, t: Time) {
        // Start from the latest checkpoint at or before `t`, unless the cursor is closer.
        let i = self
            .checkpoints
            .partition_point(|c| c.now <= t)
            .saturating_sub(1);
        if t < self.world.now || self.checkpoints[i].steps > self.world.steps {
            self.world = self.checkpoints[i].clone();
        }
        while self
            .world
            .next_time(&self.interventions)
            .is_some_and(|n| n <= t)
        {
            if !self.step() {
                break;
            }
        }
        self.world.now = self.world.now.max(t);
        self.horizon_time = self.horizon_time.max(self.world.now);
    }

    /// Moves the cursor to just after step `steps` (the step-exact form of [`Run::seek`]).
    pub fn seek_steps(&mut self, steps: u64) {
        let i = self
            .checkpoints
            .partition_point(|c| c.steps <= steps)
            .saturating_sub(1);
        if steps < self.world.steps || self.checkpoints[i].steps > self.world.steps {
            self.world = self.checkpoints[i].clone();
        }
        while self.world.steps < steps {
            if !self.step() {
                break;
            }
        }
    }

    /// Like [`Run::seek_steps`], but never past time `t`: how an imported cursor is reached
    /// without trusting its step count to be sane.
    pub fn seek_steps_until(&mut self, steps: u64, t: Time) {
        if steps < self.world.steps {
            self.seek_steps(steps);
            return;
        }
        while self.world.steps < steps
            && self
                .world
                .next_time(&self.interventions)
                .is_some_and(|n| n <= t)
        {
            if !self.step() {
                break;
            }
        }
    }

    /// Undoes the last step.
    pub fn step_back(&mut self) {
        if self.world.steps > 0 {
            self.seek_steps(self.world.steps - 1);
        }
    }

    /// Moves the cursor to just after the step that recorded event `index`.
    pub fn seek_event(&mut self, index: usize) {
        let step = self
            .history
            .step_ends
            .partition_point(|&end| (end as usize) <= index);
        self.seek_steps(step as u64 + 1);
    }

    /// Steps until a recorded event satisfies `pred` or time passes `limit`.
    /// Returns the index of the matching event.
    pub fn run_until_event(
        &mut self,
        limit: Time,
        mut pred: impl FnMut(&EventKind) -> bool,
    ) -> Option<usize> {
        loop {
            let before = self.cursor_event();
            match self.world.next_time(&self.interventions) {
                Some(t) if t <= limit => {}
                _ => {
                    self.seek(limit);
                    return None;
                }
            }
            if !self.step() {
                return None;
            }
            let after = self.cursor_event();
            if let Some(i) = (before..after).find(|&i| pred(&self.history.events[i].kind)) {
                return Some(i);
            }
        }
    }

    /// Runs to the next marker of `kind` (leader change, violation…) before `limit`.
    pub fn run_until_marker(&mut self, kind: MarkerKind, limit: Time) -> Option<usize> {
        self.run_until_event(limit, |e| e.marker() == Some(kind))
    }

    /// Applies `action` at the cursor. In the past this forks the run: the record after the
    /// cursor and every intervention not yet applied are dropped. Returns whether it forked.
    pub fn act(&mut self, action: Action) -> Result<bool, String> {
        action.validate(self.base.protocol.nodes)?;
        // Interventions take effect after every event of their instant.
        let now = self.world.now;
        while self.world.next_event_time() == Some(now) {
            if !self.step() {
                break;
            }
        }
        let forked = self.world.steps < self.horizon_steps;
        if forked {
            self.fork_here();
        }
        let at = self.world.now;
        self.interventions
            .insert(self.world.next_intervention, Intervention { at, action });
        self.step();
        Ok(forked)
    }

    fn fork_here(&mut self) {
        let steps = self.world.steps;
        if steps < self.horizon_steps {
            let in_flight: Vec<_> = self.world.in_flight().map(|(_, id)| id).collect();
            self.history
                .truncate(steps, self.world.next_msg, in_flight.into_iter());
            self.checkpoints.retain(|c| c.steps <= steps);
            self.horizon_steps = steps;
            self.horizon_time = self.world.now;
        }
        self.interventions.truncate(self.world.next_intervention);
        self.forks += 1;
    }
}

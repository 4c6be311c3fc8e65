//! The discrete-event world around the engine.
//!
//! * [`world`]: nodes, clients, network, timers and the checker at one instant; one step at
//!   a time. Virtual time in µs; events ordered by (time, insertion counter).
//! * [`rng`]: the seeded portable generator (one seed, a sub-stream per subsystem).
//! * [`run`]: time travel — checkpoints, seek, step back, fork on acting in the past.
//! * [`checker`]: the safety invariants, checked on every event.
//! * [`history`], [`trace`]: the record of a run and its JSON export/import.
//! * [`rusttest`]: a run as a pasteable `#[test]` that replays it and pins its outcome.
//! * [`scenario`]: named teaching scenarios shared by the CLI, tests and the UI.
//! * [`swarm`]: random fault schedules derived from seeds (TigerBeetle's VOPR style).
//! * [`sweep`]: experiments — a scenario run many times per setting, downtime statistics.
//! * [`tour`], [`breakdown`]: guided tours, and violations shaped for the Break Paxos panel.

pub mod checker;
pub mod config;
pub mod history;
pub mod intervention;
pub mod queue;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod swarm;
pub mod sweep;
pub mod units;
pub mod world;

pub use checker::{Invariant, Violation};
pub use config::{ClientLoad, NetworkConfig, Preset, SimConfig, Time};
pub use history::{DropReason, EventKind, Fate, History, Marker, MarkerKind, MessageRecord, MsgId};
pub use intervention::{Action, Intervention, Param};
pub use rng::fresh_seed;
pub use run::Run;
pub use world::{Stats, World};

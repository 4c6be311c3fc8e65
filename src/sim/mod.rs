//! The discrete-event world around the engine.
//!
//! * [`world`]: nodes, clients, network, timers and the checker at one instant; one step at
//!   a time. Virtual time in µs; events ordered by (time, insertion counter).
//! * [`rng`]: the seeded portable generator (one seed, a sub-stream per subsystem).
//! * [`run`]: time travel — checkpoints, seek, step back, fork on acting in the past.
//! * [`checker`]: the safety invariants, checked on every event.
//! * [`history`]: the record of a run (events, messages, markers).
//! * [`config`], [`intervention`]: what a run is made of — a configuration and timed actions.
//! * [`scenario`]: named teaching scenarios shared by the CLI, tests and the UI.
//! * [`swarm`]: random fault schedules derived from seeds (TigerBeetle's VOPR style).
//! * [`sweep`]: experiments — a scenario run many times per setting, downtime statistics.
//! * [`queue`], [`units`]: the event queue; fixed-point numbers for display and parsing.
//!
//! May import [`crate::engine`] only. How runs are written down (traces, links, Rust tests) is
//! [`crate::codec`]; how they are taught and drawn is [`crate::lab`].

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

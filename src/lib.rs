//! PaxosScope: AtlasDB TimeLock's Paxos — leader election and the timestamp bound — as a
//! deterministic simulation you can step, rewind, break and check.
//!
//! * [`engine`]: the protocol as pure state machines (no clock, no randomness, no I/O).
//! * [`sim`]: the discrete-event world around it — virtual time, seeded network and faults,
//!   interventions, checkpoints for time travel, the safety checker, traces and scenarios.
//! * [`lab`]: the interactive session (playback, selection, share links) as plain Rust.
//! * [`check`]: the model checker — every interleaving of a small configuration of the
//!   same engine, judged by the same checker.
//! * [`bench`]: the benchmark workload, the same natively and in the browser.
//! * `ui` (wasm32 only): the Yew front end that draws a [`lab::Lab`].

#![warn(missing_docs)]

pub mod bench;
pub mod check;
pub mod codec;
pub mod engine;
pub mod lab;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;

//! PaxosScope: AtlasDB TimeLock's Paxos — leader election and the timestamp bound — as a
//! deterministic simulation you can step, rewind, break and check.
//!
//! * [`engine`]: the protocol as pure state machines (no clock, no randomness, no I/O).
//! * [`sim`]: the discrete-event world around it — virtual time, seeded network and faults,
//!   interventions, checkpoints for time travel, the safety checker, scenarios, swarm, sweeps.
//! * [`codec`]: runs as text — traces, share links, Rust-test export, summaries, sweep files.
//! * [`lab`]: the interactive session (playback, selection, tours, view models per panel) as
//!   plain Rust; the UI's only door into everything below.
//! * [`check`]: the model checker — every interleaving of a small configuration of the
//!   same engine, judged by the same checker.
//! * [`bench`]: the benchmark workload, the same natively and in the browser.
//! * `ui` (wasm32 only): the Yew front end that draws a [`lab::Lab`].
//!
//! Each layer uses only those above it in this list (`tests/layers.rs`).

#![warn(missing_docs)]

pub mod bench;
pub mod check;
pub mod codec;
pub mod engine;
pub mod lab;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;

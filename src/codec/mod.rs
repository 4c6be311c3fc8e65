//! How runs leave and re-enter the program: text formats above the simulator.
//!
//! * [`trace`]: a run's full record as JSON (export, import, rebuild), versions 1 and 2.
//! * [`share`]: a run as a short link (seed, configuration, interventions, cursor).
//! * [`rusttest`]: a run as a pasteable `#[test]` that replays it and pins its outcome.
//! * [`summary`]: what a run amounted to, as CLI text or JSON.
//! * [`sweep`]: an experiment's links, CSV rows, table, JSON and SVG figure.
//!
//! May import [`crate::engine`] and [`crate::sim`]; nothing below imports from here, and the
//! lab and the UI read and write files and links only through these functions.

pub mod rusttest;
pub mod share;
pub mod summary;
pub mod sweep;
pub mod trace;

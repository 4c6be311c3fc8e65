//! The engine's speed budget, as a ratio measured in one process so that a slow or loaded CI
//! machine does not fail it at random: the recording engine (as the page and the CLI run it)
//! against the bare event loop of `src/bench.rs`, interleaved, best of several rounds.
//!
//! The budget is 3 M recorded events/s on the reference machine (this project's 2-core
//! machine, release build, `cargo bench --bench engine`: 3.05 M/s against a 19.6 M/s bare
//! loop, ratio 0.155, on 2026-11-30). In this test's build (debug assertions on) the same code
//! measured ratios 0.149–0.191 on that machine, run to run. [`FLOOR`] sits 20 % under the
//! lowest of them, so noise does not fail CI while a change that makes the engine a quarter
//! slower relative to a plain heap loop does, naming the budget and both figures.

use std::time::Instant;

use paxoscope::bench::{bare_event_loop, run_workload};

/// Recorded engine steps per second ÷ bare-loop events per second, at the 3 M events/s budget.
const FLOOR: f64 = 0.12;

const ENGINE_STEPS: u64 = 200_000;
const BARE_EVENTS: u64 = 1_000_000;
const ROUNDS: usize = 5;

#[test]
fn recording_engine_keeps_its_speed_relative_to_a_bare_event_loop() {
    let (mut bare, mut engine) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        std::hint::black_box(bare_event_loop(BARE_EVENTS));
        bare = bare.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(run_workload(ENGINE_STEPS, true));
        engine = engine.min(t.elapsed().as_secs_f64());
    }
    let bare_rate = BARE_EVENTS as f64 / bare;
    let engine_rate = ENGINE_STEPS as f64 / engine;
    let ratio = engine_rate / bare_rate;
    println!(
        "engine budget: recording {:.2} M steps/s, bare loop {:.2} M events/s, ratio {ratio:.3} (floor {FLOOR:.3})",
        engine_rate / 1e6,
        bare_rate / 1e6
    );
    assert!(
        ratio >= FLOOR,
        "engine speed budget (≥ 3 M events/s recording, as a ratio to the bare loop): \
         ratio {ratio:.3} < floor {FLOOR:.3} (recording {:.2} M/s, bare {:.2} M/s)",
        engine_rate / 1e6,
        bare_rate / 1e6
    );
}

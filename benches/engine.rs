//! `cargo bench`: simulated events per second and seek latency, printed as plain numbers.
//!
//! * throughput: a 5-node cluster with AtlasDB's timings and 4 busy clients, both as the
//!   browser runs it (recording every event and message for time travel) and as the swarm
//!   runs it (no recording);
//! * seek: a run of 1,000,000 steps, then random jumps backwards and forwards.

use std::time::{Duration, Instant};

use paxoscope::bench::{bare_event_loop, workload};
use paxoscope::sim::history::NoRecord;
use paxoscope::sim::rng::Rng;
use paxoscope::sim::{Run, World};

const STEPS: u64 = 1_000_000;

fn config() -> paxoscope::sim::SimConfig {
    workload()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> (Duration, T)) -> (Duration, T) {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..runs {
        let r = f();
        if best.as_ref().is_none_or(|b| r.0 < b.0) {
            best = Some(r);
        }
    }
    best.expect("at least one run")
}

fn main() {
    // Ignore libtest-style arguments (`cargo bench -- --bench`).
    println!("PaxosScope engine benchmark ({} steps per run)", STEPS);

    let (t, sum) = best_of(3, || {
        let start = Instant::now();
        let sum = bare_event_loop(STEPS);
        (start.elapsed(), sum)
    });
    let bare = STEPS as f64 / t.as_secs_f64();
    println!(
        "bare event loop (heap, no Paxos):      {:>6.2} M events/s  ({:.0} ms; checksum {sum:x})",
        bare / 1e6,
        t.as_secs_f64() * 1e3
    );

    let (t, _) = best_of(3, || {
        let mut w = World::new(config());
        let start = Instant::now();
        while w.steps < STEPS && w.step(&[], &mut NoRecord) {}
        (start.elapsed(), w.now)
    });
    let plain = STEPS as f64 / t.as_secs_f64();
    println!(
        "throughput, not recording (swarm):     {:>6.2} M events/s  ({:.0} ms)",
        plain / 1e6,
        t.as_secs_f64() * 1e3
    );

    let (t, run) = best_of(3, || {
        let mut run = Run::new(config(), vec![]).unwrap();
        let start = Instant::now();
        while run.world().steps < STEPS && run.step() {}
        (start.elapsed(), run)
    });
    let recorded = STEPS as f64 / t.as_secs_f64();
    println!(
        "throughput, recording (browser, CLI):  {:>6.2} M events/s  ({:.0} ms; {} trace events, {} messages, {:.1} s virtual)",
        recorded / 1e6,
        t.as_secs_f64() * 1e3,
        run.history().events.len(),
        run.history().messages.len(),
        run.world().now as f64 / 1e6
    );
    println!(
        "ratio to the bare loop: recording {:.3}, not recording {:.3}",
        recorded / bare,
        plain / bare
    );

    let mut run = run;
    let end = run.horizon_time();
    let mut rng = Rng::new(7);
    let mut samples = Vec::new();
    for _ in 0..400 {
        let target = rng.below(end + 1);
        let start = Instant::now();
        run.seek(target);
        samples.push(start.elapsed());
        assert!(run.now() >= target);
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "seek on a {} M-step run ({} checkpoints): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        STEPS / 1_000_000,
        run.checkpoint_count(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    let mut back = Vec::new();
    for i in 0..200u64 {
        let start = Instant::now();
        run.seek(end - (i * 997) % end);
        run.step_back();
        back.push(start.elapsed());
    }
    back.sort();
    println!(
        "seek + step back: p50 {:.2} ms, max {:.2} ms",
        back[back.len() / 2].as_secs_f64() * 1e3,
        back[back.len() - 1].as_secs_f64() * 1e3
    );
}

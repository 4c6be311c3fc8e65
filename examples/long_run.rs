//! Memory of a long recorded run: `cargo run --release --example long_run [EVENTS]` runs the
//! benchmark workload (src/bench.rs) until it has recorded EVENTS trace events (default
//! 10,000,000), printing the process's resident memory, the checkpoints held and what a
//! seek costs as it goes. It shows that checkpoints stay bounded (they are thinned as the run
//! grows; `long_run 10000000 1000000` turns thinning off to compare) while the recorded history — the trace itself, needed for time travel — grows
//! linearly.

use std::time::Instant;

use paxoscope::bench::workload;
use paxoscope::sim::history::{MessageRecord, TraceEvent};
use paxoscope::sim::Run;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let target: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(10_000_000);
    // A second argument sets the checkpoint cap (e.g. 1000000: no thinning, to compare).
    let cap: Option<usize> = std::env::args().nth(2).and_then(|a| a.parse().ok());
    let mut run = Run::new(workload(), vec![]).expect("valid");
    if let Some(cap) = cap {
        run = run.with_checkpoint_cap(cap);
    }
    let start = Instant::now();
    println!(
        "{:>12} {:>10} {:>12} {:>10} {:>12}",
        "events", "steps", "checkpoints", "RSS MiB", "seek ms"
    );
    let mut next_report = target / 10;
    while run.history().events.len() < target && run.step() {
        if run.history().events.len() >= next_report {
            let t = Instant::now();
            let end = run.now();
            run.seek(end / 2);
            run.seek(end);
            let seek = t.elapsed().as_secs_f64() * 1e3 / 2.0;
            println!(
                "{:>12} {:>10} {:>12} {:>10.0} {:>12.2}",
                run.history().events.len(),
                run.world().steps,
                run.checkpoint_count(),
                rss_mib(),
                seek
            );
            next_report += target / 10;
        }
    }
    let h = run.history();
    let history_mib = (h.events.len() * size_of::<TraceEvent>()
        + h.messages.len() * size_of::<MessageRecord>()
        + h.step_ends.len() * 4
        + h.markers.len() * size_of_val(&h.markers[0])) as f64
        / (1024.0 * 1024.0);
    println!(
        "history: {} events × {} B, {} messages × {} B, {} steps × 4 B: {history_mib:.0} MiB",
        h.events.len(),
        size_of::<TraceEvent>(),
        h.messages.len(),
        size_of::<MessageRecord>(),
        h.step_ends.len()
    );
    println!(
        "{} events in {:.1} s; {:.0} bytes of resident memory per recorded event",
        run.history().events.len(),
        start.elapsed().as_secs_f64(),
        rss_mib() * 1024.0 * 1024.0 / run.history().events.len() as f64
    );
}

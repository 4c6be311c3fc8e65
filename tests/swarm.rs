//! 10,000 swarm seeds: random clusters, timings and fault schedules. Safety must hold in
//! every one, and after the network heals a leader must emerge.

use paxoscope::sim::swarm::{reproduce_line, run_case, SwarmOutcome};

#[test]
fn ten_thousand_seeds_stay_safe_and_recover_a_leader() {
    let seeds = 10_000u64;
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4) as u64;
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                s.spawn(move || {
                    (k..seeds)
                        .step_by(threads as usize)
                        .filter_map(|seed| match run_case(seed).0 {
                            SwarmOutcome::Passed => None,
                            SwarmOutcome::Unsafe(v) => Some(format!(
                                "seed {seed}: {} — {} ({})",
                                v.invariant.name(),
                                v.detail,
                                reproduce_line(seed)
                            )),
                            SwarmOutcome::NoLeader => {
                                Some(format!("seed {seed}: no leader ({})", reproduce_line(seed)))
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_swarm_case_is_reproducible() {
    let a = run_case(4242);
    let b = run_case(4242);
    assert_eq!(a, b);
}

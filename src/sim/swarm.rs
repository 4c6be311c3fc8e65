//! Swarm testing in the style of TigerBeetle's VOPR: every seed derives its own cluster,
//! timings, network and a random fault schedule. Two phases:
//!
//! 1. **Safety** — faults fly (crashes, restarts, partitions, loss, duplicates, filters);
//!    the checker must never fire.
//! 2. **Liveness** — the network heals, crashed nodes restart, loss stops, and a client asks
//!    a random node for a timestamp every 2 s; within a deadline a node must lead at the
//!    latest chosen leadership round.
//!
//! A failing seed prints a line that reproduces it exactly.

use super::checker::Violation;
use super::config::{ClientLoad, NetworkConfig, SimConfig, Time};
use super::history::NoRecord;
use super::intervention::{Action, Intervention, LinkFilter, Param};
use super::rng::Rng;
use super::world::World;
use crate::engine::election::ElectionState;
use crate::engine::{
    BackoffPolicy, Bugs, LogId, Msg, NodeId, Protocol, ProtocolConfig, Quirks, MS,
};

const S: Time = 1_000_000;

/// A seed's derived run.
#[derive(Clone, Debug)]
pub struct SwarmCase {
    /// The seed.
    pub seed: u64,
    /// Derived configuration.
    pub config: SimConfig,
    /// Faults, then the heal at `safety_until`.
    pub interventions: Vec<Intervention>,
    /// End of the fault phase.
    pub safety_until: Time,
    /// A leader must exist by then.
    pub liveness_deadline: Time,
}

/// Protocol switches applied on top of what a seed derives: the swarm must find every
/// injected bug, so a run can turn them on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Switches {
    /// Injected bugs.
    pub bugs: Bugs,
    /// AtlasDB quirks.
    pub quirks: Quirks,
    /// Add lock clients (drawn from a stream of their own, so every other draw of a seed is
    /// the same with or without them).
    pub locks: bool,
}

impl Switches {
    /// The CLI flags that set these switches, e.g. " --protocol atlasdb --bug minority-quorum".
    pub fn flags(&self) -> String {
        let mut s = match Protocol::of(self.quirks) {
            Some(Protocol::Textbook) => String::new(),
            Some(p) => format!(" --protocol {}", p.name()),
            None => self
                .quirks
                .enabled()
                .iter()
                .map(|q| format!(" --quirk {q}"))
                .collect(),
        };
        for b in self.bugs.enabled() {
            s.push_str(&format!(" --bug {b}"));
        }
        if self.locks {
            s.push_str(" --locks");
        }
        s
    }
}

/// How a seed ended.
#[derive(Clone, Debug, PartialEq)]
pub enum SwarmOutcome {
    /// Safe, and a leader emerged after the heal.
    Passed,
    /// The checker fired.
    Unsafe(Violation),
    /// No leader by the deadline.
    NoLeader,
}

/// Derives a case from a seed, with `switches` applied.
pub fn case(seed: u64, switches: Switches) -> SwarmCase {
    let mut r = Rng::derive(seed, 0x5A4D);
    let nodes = [3u8, 3, 4, 5, 5, 5, 6, 7, 9][r.below(9) as usize];
    let latency_min = r.between(1, 40) * MS;
    let latency_max = latency_min + r.between(0, 80) * MS;
    let rtt = 2 * latency_max;
    let ping_interval = r.between(50, 300) * MS;
    let ping_timeout = (ping_interval + 2 * rtt).max(r.between(300, 2_000) * MS);
    let quorum_timeout = (3 * rtt).max(r.between(300, 2_000) * MS);
    let backoff_max = r.between(100, 800) * MS;
    let backoff = if r.below(2) == 0 {
        BackoffPolicy::Uniform { max: backoff_max }
    } else {
        BackoffPolicy::Exponential {
            base: backoff_max / 8,
            cap: backoff_max,
        }
    };
    let protocol = ProtocolConfig {
        nodes,
        ping_interval,
        ping_timeout,
        quorum_timeout,
        backoff,
        bound_buffer: r.between(5, 500),
        bound_retry_max: r.between(10, 300) * MS,
        max_timestamps_per_request: 10_000,
        no_quorum_retries: r.between(0, 3) as u32,
        no_quorum_retry_delay: r.between(50, 700) * MS,
        resend_interval: [0, rtt + 50 * MS, 2 * rtt + 100 * MS][r.below(3) as usize],
        lock_lease: 3_000 * MS,
        bugs: switches.bugs,
        quirks: switches.quirks,
    };
    // This draw once chose AtlasDB's catch-up-after-preemption loop; that is a quirk now, set
    // by the switches. It is still drawn so every seed derives the same case as before
    // (reproduce lines in old reports stay valid).
    let _ = r.below(4); // (drawn last among the protocol's fields, as it was)
    let network = NetworkConfig {
        latency_min,
        latency_max,
        loss_ppm: [0, 0, 10_000, 50_000, 200_000][r.below(5) as usize],
        duplicate_ppm: [0, 0, 20_000, 100_000][r.below(4) as usize],
    };
    let mut clients = ClientLoad {
        count: r.below(4) as u16,
        batch: r.between(1, 50),
        think: r.between(20, 500) * MS,
        timeout: (4 * rtt).max(r.between(500, 3_000) * MS),
        ..ClientLoad::NO_LOCKS
    };
    let mut protocol = protocol;
    if switches.locks {
        let mut l = Rng::derive(seed, 0x10C5);
        clients.lock_clients = l.between(2, 4) as u16;
        clients.locks = l.between(1, 2) as u8;
        clients.lock_hold = l.between(100, 3_000) * MS;
        protocol.lock_lease = (4 * rtt).max(l.between(300, 4_000) * MS);
    }
    let safety_until = r.between(8, 20) * S;
    let node = |r: &mut Rng| NodeId(r.between(1, u64::from(nodes)) as u8);
    let mut interventions = Vec::new();
    for _ in 0..r.below(14) {
        let at = r.below(safety_until);
        let action = match r.below(12) {
            0 | 1 => Action::Crash(node(&mut r)),
            2 | 3 => Action::Restart(node(&mut r)),
            4 => Action::CrashLeader,
            5 => Action::IsolateLeader {
                followers: r.below(u64::from(nodes - 1) / 2 + 1) as u8,
            },
            6 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for i in 1..=nodes {
                    groups[r.below(2) as usize].push(NodeId(i));
                }
                if groups.iter().any(|g| g.is_empty()) {
                    Action::Heal
                } else {
                    Action::Partition(groups)
                }
            }
            7 => Action::Heal,
            8 => Action::Set(Param::LossPpm(r.below(500_000) as u32)),
            9 => Action::Set(Param::DuplicatePpm(r.below(200_000) as u32)),
            10 => Action::Filter(LinkFilter {
                from: (r.below(2) == 0).then(|| node(&mut r)),
                to: (r.below(2) == 0).then(|| node(&mut r)),
                msg_type: Some(r.below(Msg::TYPE_NAMES.len() as u64) as u8),
            }),
            _ => Action::ClearFilters,
        };
        interventions.push(Intervention::new(at, action));
    }
    // Liveness phase: everything repaired at once.
    interventions.push(Intervention::new(safety_until, Action::Heal));
    interventions.push(Intervention::new(safety_until, Action::ClearFilters));
    interventions.push(Intervention::new(
        safety_until,
        Action::Set(Param::LossPpm(0)),
    ));
    interventions.push(Intervention::new(
        safety_until,
        Action::Set(Param::DuplicatePpm(0)),
    ));
    // Client requests make every leader re-check its claim, as traffic does in TimeLock (a
    // leader is only ever verified when it is asked to serve).
    for k in 0..20 {
        let node = node(&mut r);
        interventions.push(Intervention::new(
            safety_until + S / 2 + k * 2 * S,
            Action::ClientRequest { node, count: 1 },
        ));
    }
    interventions.sort_by_key(|iv| iv.at);
    SwarmCase {
        seed,
        config: SimConfig {
            seed,
            protocol,
            network,
            clients,
            scripted: false,
        },
        interventions,
        safety_until,
        liveness_deadline: safety_until + 40 * S,
    }
}

/// Whether some node leads at the latest chosen leadership round.
pub fn has_true_leader(w: &World) -> bool {
    let Some(latest) = w.checker.greatest_seq(LogId::Leadership) else {
        return false;
    };
    let Some(chosen) = (0..=latest)
        .rev()
        .find_map(|s| w.checker.chosen(LogId::Leadership, s).map(|c| (s, c)))
    else {
        return false;
    };
    w.nodes.iter().any(|n| {
        n.up && matches!(n.v.election, ElectionState::Leading { seq } if seq == chosen.0)
            && chosen.1.value == crate::engine::Value::Leader(n.identity())
    })
}

/// Runs one seed without recording (fast). Returns the outcome and the steps taken.
pub fn run_case(seed: u64, switches: Switches) -> (SwarmOutcome, u64) {
    run(&case(seed, switches))
}

/// Runs a case: the fault phase must stay safe, then, healed, it must elect a leader.
pub fn run(c: &SwarmCase) -> (SwarmOutcome, u64) {
    let mut w = World::new(c.config.clone());
    let ivs = &c.interventions;
    // Restart crashed nodes at the heal (which nodes is only known now).
    w.run_until(c.safety_until, ivs, &mut NoRecord);
    if let Some(v) = w.checker.violations.first() {
        return (SwarmOutcome::Unsafe(v.clone()), w.steps);
    }
    let restarts: Vec<Intervention> = w
        .nodes
        .iter()
        .filter(|n| !n.up)
        .map(|n| Intervention::new(c.safety_until, Action::Restart(n.id)))
        .collect();
    let mut all = ivs.clone();
    let pos = w.next_intervention;
    all.splice(pos..pos, restarts);
    let mut t = c.safety_until;
    while t < c.liveness_deadline {
        t += 250 * MS;
        w.run_until(t, &all, &mut NoRecord);
        if let Some(v) = w.checker.violations.first() {
            return (SwarmOutcome::Unsafe(v.clone()), w.steps);
        }
        if t >= c.safety_until + S && has_true_leader(&w) {
            return (SwarmOutcome::Passed, w.steps);
        }
    }
    (SwarmOutcome::NoLeader, w.steps)
}

/// The quirks a failing seed is attributed to: a smallest set of the enabled quirks with which
/// the seed still fails, found by switching quirks off one at a time and keeping every
/// switch-off after which it still fails (delta debugging). Every quirk left is needed:
/// switching any one of them off too makes the seed pass. Empty means the seed fails with
/// every quirk off — the textbook protocol (or an injected bug) is to blame, not AtlasDB.
pub fn attribute(seed: u64, switches: Switches) -> Vec<&'static str> {
    let fails = |s: Switches| run_case(seed, s).0 != SwarmOutcome::Passed;
    let mut kept = switches;
    loop {
        let mut shrunk = false;
        for q in kept.quirks.enabled() {
            let mut fewer = kept;
            fewer.quirks.set(q, false);
            if fails(fewer) {
                kept = fewer;
                shrunk = true;
            }
        }
        if !shrunk {
            return kept.quirks.enabled();
        }
    }
}

/// The command that reproduces a seed.
pub fn reproduce_line(seed: u64, switches: Switches) -> String {
    format!(
        "paxoscope swarm --seeds {seed}..{}{}",
        seed + 1,
        switches.flags()
    )
}

/// One seed's result in a range run.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// How it ended.
    pub outcome: SwarmOutcome,
    /// Simulation steps it took.
    pub steps: u64,
}

/// Runs seeds `a..b` on `threads` worker threads, in seed order in the result. With
/// `progress`, a line on stderr every few seconds says how far it got (for million-seed runs).
#[cfg(not(target_arch = "wasm32"))]
pub fn run_range(
    (a, b): (u64, u64),
    switches: Switches,
    threads: usize,
    progress: bool,
) -> Vec<SeedResult> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let threads = threads.max(1) as u64;
    let done = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let start = std::time::Instant::now();
    let mut results: Vec<SeedResult> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                let (done, failed) = (&done, &failed);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let mut seed = a + k;
                    while seed < b {
                        let (outcome, steps) = run_case(seed, switches);
                        if outcome != SwarmOutcome::Passed {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                        mine.push(SeedResult {
                            seed,
                            outcome,
                            steps,
                        });
                        done.fetch_add(1, Ordering::Relaxed);
                        seed += threads;
                    }
                    mine
                })
            })
            .collect();
        if progress {
            let total = b - a;
            let mut last = std::time::Instant::now();
            while workers.iter().any(|w| !w.is_finished()) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if last.elapsed().as_secs() >= 5 {
                    last = std::time::Instant::now();
                    let d = done.load(Ordering::Relaxed);
                    let secs = start.elapsed().as_secs_f64();
                    let eta = if d > 0 {
                        secs * (total - d) as f64 / d as f64
                    } else {
                        0.0
                    };
                    eprintln!(
                        "swarm: {d}/{total} seeds ({:.1} %), {} failed, {:.0} s elapsed, ~{:.0} s left",
                        100.0 * d as f64 / total as f64,
                        failed.load(Ordering::Relaxed),
                        secs,
                        eta
                    );
                }
            }
        }
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("swarm worker panicked"))
            .collect()
    });
    results.sort_by_key(|r| r.seed);
    results
}

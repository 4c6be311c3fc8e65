//! One seed reproduces a run exactly, and time travel is exact: rewinding and replaying gives
//! the same world; acting in the past forks.

use paxoscope::codec::trace::{export, trace_hash};
use paxoscope::engine::{NodeId, MS};
use paxoscope::sim::scenario;
use paxoscope::sim::{Action, Intervention, Run, SimConfig, Time};

const S: Time = 1_000_000;

fn hash_at(run: &Run) -> u64 {
    trace_hash(run.history(), run.cursor_event())
}

/// A fingerprint of the world at the cursor (state, not history).
fn fingerprint(run: &Run) -> String {
    let w = run.world();
    let nodes: Vec<String> = w
        .nodes
        .iter()
        .map(|n| {
            format!(
                "{:?}|{:?}|{:?}|{:?}",
                n.role(),
                n.incarnation,
                n.believed_leader(),
                n.v
            )
        })
        .collect();
    format!(
        "{}|{}|{:?}|{:?}|{:?}",
        w.steps,
        w.next_msg,
        w.stats,
        nodes,
        w.in_flight().collect::<std::collections::BTreeSet<_>>()
    )
}

#[test]
fn the_same_seed_gives_the_same_trace_hash() {
    for name in [
        "cold-start-5",
        "leader-crash",
        "lossy-network",
        "bug-minority-quorum",
    ] {
        let s = scenario::by_name(name).unwrap();
        let mut a = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
        let mut b = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
        a.seek(10 * S);
        b.seek(10 * S);
        assert_eq!(hash_at(&a), hash_at(&b), "{name}");
        assert_eq!(export(&a), export(&b), "{name}");
    }
}

#[test]
fn a_different_seed_gives_a_different_run() {
    let mut a = Run::new(SimConfig::classroom(1), vec![]).unwrap();
    let mut b = Run::new(SimConfig::classroom(2), vec![]).unwrap();
    a.seek(5 * S);
    b.seek(5 * S);
    assert_ne!(hash_at(&a), hash_at(&b));
}

#[test]
fn rewinding_and_replaying_reproduces_the_world_exactly() {
    let s = scenario::by_name("failover-monotonic").unwrap();
    let mut run = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
    // Long enough to span several checkpoints.
    run.seek(60 * S);
    assert!(run.checkpoint_count() > 1, "{}", run.checkpoint_count());
    for t in [0, 3 * S + 123, 9 * S, 27 * S + 5, 59 * S] {
        let mut fresh = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
        fresh.seek(t);
        run.seek(t);
        assert_eq!(fingerprint(&run), fingerprint(&fresh), "at {t}");
        assert_eq!(run.now(), fresh.now());
        assert_eq!(hash_at(&run), hash_at(&fresh), "at {t}");
    }
    // Going forward again over recorded ground does not re-record.
    let events = run.history().events.len();
    run.seek(60 * S);
    assert_eq!(run.history().events.len(), events);
}

#[test]
fn stepping_back_undoes_exactly_one_step() {
    let mut run = Run::new(SimConfig::classroom(4), vec![]).unwrap();
    run.seek(2 * S);
    let before = fingerprint(&run);
    let steps = run.world().steps;
    assert!(run.step());
    assert_eq!(run.world().steps, steps + 1);
    run.step_back();
    // Same state; the clock shows the time of the last step rather than the seek target.
    assert_eq!(fingerprint(&run), before);
    assert!(run.now() <= 2 * S);
}

#[test]
fn acting_in_the_past_forks_and_drops_later_interventions() {
    let s = scenario::by_name("leader-isolated").unwrap();
    let mut run = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
    run.seek(30 * S);
    let horizon = run.horizon_steps();
    run.seek(5 * S);
    let forked = run.act(Action::Crash(NodeId(2))).unwrap();
    assert!(forked);
    assert_eq!(run.forks(), 1);
    assert!(run.horizon_steps() < horizon, "the future was cut");
    // The isolation at 8 s and the heal at 25 s were dropped; the crash at 5 s stays.
    assert_eq!(run.interventions().len(), 1);
    assert_eq!(run.interventions()[0].at, 5 * S);
    run.seek(30 * S);
    assert!(!run.world().nodes[1].up);
    // The fork is itself reproducible from its interventions.
    let mut again = Run::new(s.config.clone(), run.interventions().to_vec()).unwrap();
    again.seek(30 * S);
    assert_eq!(hash_at(&again), hash_at(&run));
}

#[test]
fn acting_at_the_horizon_keeps_scheduled_interventions() {
    let s = scenario::by_name("leader-isolated").unwrap();
    let mut run = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
    run.seek(3 * S);
    assert!(!run.act(Action::Crash(NodeId(1))).unwrap());
    assert_eq!(run.interventions().len(), 3);
    assert_eq!(
        run.interventions()[0],
        Intervention::new(3 * S, Action::Crash(NodeId(1)))
    );
}

#[test]
fn a_dropped_message_never_arrives() {
    let mut run = Run::new(SimConfig::classroom(9), vec![]).unwrap();
    run.seek(1_200 * MS);
    let (_, id) = run
        .world()
        .in_flight()
        .find(|(_, id)| {
            let m = &run.history().messages[*id as usize];
            m.from != m.to
        })
        .expect("something in flight");
    run.act(Action::DropMessage(id)).unwrap();
    run.seek(5 * S);
    let m = &run.history().messages[id as usize];
    assert_eq!(
        m.fate,
        paxoscope::sim::Fate::Dropped(paxoscope::sim::DropReason::ByUser)
    );
}

#[test]
fn bad_interventions_are_refused_with_a_message() {
    let err = Run::new(
        SimConfig::classroom(1),
        vec![Intervention::new(0, Action::Crash(NodeId(7)))],
    )
    .unwrap_err();
    assert!(err.contains("node 7 does not exist"), "{err}");
    let mut run = Run::new(SimConfig::classroom(1), vec![]).unwrap();
    let err = run
        .act(Action::Partition(vec![vec![NodeId(1)], vec![NodeId(1)]]))
        .unwrap_err();
    assert!(err.contains("two partition groups"), "{err}");
    assert_eq!(run.world().steps, 0, "nothing happened");
}

#[path = "common/pinned.rs"]
mod pinned;

#[test]
fn traces_match_the_pinned_fingerprints() {
    // tests/web_determinism.rs asserts the same numbers inside Chromium (wasm32).
    for (name, t, events, hash) in pinned::PINNED {
        assert_eq!(pinned::replay(name, t), (events, hash), "{name} at {t} µs");
    }
}

#[test]
fn thinned_checkpoints_stay_bounded_and_seeks_stay_exact() {
    // A cap of 8 checkpoints over 200,000 steps: thinned four times or more, never over the cap.
    let s = scenario::by_name("bound-extension").unwrap();
    let mut thin = Run::new(s.config.clone(), s.interventions.clone())
        .unwrap()
        .with_checkpoint_cap(8);
    let mut dense = Run::new(s.config.clone(), s.interventions.clone()).unwrap();
    while thin.world().steps < 200_000 && thin.step() {
        assert!(thin.checkpoint_count() <= 8, "{}", thin.checkpoint_count());
    }
    dense.seek_steps(thin.world().steps);
    assert!(
        thin.checkpoint_stride() >= 4 * 4_096,
        "{}",
        thin.checkpoint_stride()
    );
    assert!(
        dense.checkpoint_count() > 8 * 4,
        "{}",
        dense.checkpoint_count()
    );
    // Seeking back and forth in the thinned run lands on the same worlds as in the dense one.
    for t in [S, 7 * S, 3 * S, dense.horizon_time() / 2, 2 * S] {
        thin.seek(t);
        dense.seek(t);
        assert_eq!(fingerprint(&thin), fingerprint(&dense), "at {t} µs");
        assert_eq!(hash_at(&thin), hash_at(&dense), "at {t} µs");
    }
}

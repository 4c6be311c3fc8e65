//! Every scenario teaches something; each test asserts that the lesson really happens.

use paxoscope::engine::Observation;
use paxoscope::engine::{NodeId, Protocol, Role};
use paxoscope::sim::scenario::{self, Scenario};
use paxoscope::sim::{EventKind, Invariant, Run, Time};

const S: Time = 1_000_000;

fn play(name: &str) -> Run {
    let s = scenario::by_name(name).expect("scenario exists");
    play_scenario(&s, s.duration)
}

fn play_scenario(s: &Scenario, until: Time) -> Run {
    let mut run = Run::new(s.config.clone(), s.interventions.clone()).expect("valid scenario");
    run.seek(until);
    run
}

fn leaders(run: &Run) -> Vec<(Time, NodeId, u64)> {
    run.history()
        .events
        .iter()
        .filter_map(|e| e.kind.leader().map(|(node, seq)| (e.t, node, seq)))
        .collect()
}

/// (time, node, first, last) of every range handed out.
fn serves(run: &Run) -> Vec<(Time, NodeId, u64, u64)> {
    run.history()
        .events
        .iter()
        .filter_map(|e| match e.kind.at_node() {
            Some((node, &Observation::Served { first, last, .. })) => {
                Some((e.t, node, first, last))
            }
            _ => None,
        })
        .collect()
}

fn assert_safe(run: &Run) {
    let v = &run.world().checker.violations;
    assert!(v.is_empty(), "unexpected violation: {:?}", v.first());
}

#[test]
fn the_list_starts_with_the_two_dueling_scenarios_and_names_are_unique() {
    let all = scenario::all();
    assert_eq!(all[0].name, "dueling-no-backoff");
    assert_eq!(all[1].name, "dueling-random-backoff");
    let mut names: Vec<_> = all.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len());
    assert!(all.len() >= 16);
}

#[test]
fn without_backoff_symmetric_proposers_duel_forever() {
    let run = play("dueling-no-backoff");
    assert!(
        leaders(&run).is_empty(),
        "no leader in 30 s: {:?}",
        leaders(&run)
    );
    assert!(
        run.world().stats.preempted_total() > 100,
        "ballots keep pre-empting each other ({})",
        run.world().stats.preempted_total()
    );
    assert_safe(&run);
}

#[test]
fn random_backoff_ends_the_duel_quickly() {
    let run = play("dueling-random-backoff");
    let first = run
        .world()
        .stats
        .first_leader_at
        .expect("a leader is elected");
    assert!(first < 3 * S, "leader after {first} µs");
    assert_eq!(leaders(&run).len(), 1, "and it stays leader");
    assert!(run.world().stats.preempted_total() < 20);
    assert_safe(&run);
}

#[test]
fn random_backoff_wins_across_many_seeds_too() {
    // Not a lucky seed: over 20 seeds, no backoff never elects; uniform backoff always does.
    for seed in 0..20 {
        for (name, expect_leader) in [
            ("dueling-no-backoff", false),
            ("dueling-random-backoff", true),
        ] {
            let mut s = scenario::by_name(name).unwrap();
            s.config.seed = seed;
            let run = play_scenario(&s, 15 * S);
            assert_eq!(
                run.world().stats.first_leader_at.is_some(),
                expect_leader,
                "{name} seed {seed}"
            );
        }
    }
}

#[test]
fn cold_start_elects_one_leader_and_serves() {
    for name in ["cold-start-3", "cold-start-5"] {
        let run = play(name);
        let l = leaders(&run);
        assert_eq!(l.len(), 1, "{name}: exactly one election result: {l:?}");
        assert!(l[0].0 < 3 * S, "{name}: leader within 3 s");
        assert_eq!(l[0].2, 0, "{name}: leadership round 0");
        assert!(
            run.world().stats.timestamps_served > 0,
            "{name}: timestamps served"
        );
        // Everyone ends up believing the same leader.
        for n in &run.world().nodes {
            assert_eq!(n.believed_leader().map(|(_, l)| l.node), Some(l[0].1));
        }
        assert_safe(&run);
    }
}

#[test]
fn after_the_leader_crashes_another_node_leads_the_next_round() {
    let run = play("leader-crash");
    let l = leaders(&run);
    let before: Vec<_> = l.iter().filter(|x| x.0 < 8 * S).collect();
    let after: Vec<_> = l.iter().filter(|x| x.0 >= 8 * S).collect();
    let old = before.last().expect("a leader before the crash");
    let new = after.first().expect("a leader after the crash");
    assert_ne!(new.1, old.1);
    assert!(new.2 > old.2, "a later round");
    assert!(new.0 < 13 * S, "re-elected within 5 s of the crash");
    assert!(
        serves(&run).iter().any(|s| s.0 > new.0),
        "the new leader serves"
    );
    assert_eq!(run.world().nodes[old.1.index()].role(), Role::Crashed);
    assert_safe(&run);
}

#[test]
fn a_minority_cannot_elect_and_rejoins_after_the_heal() {
    let s = scenario::by_name("minority-partition").unwrap();
    let run = play_scenario(&s, 14 * S);
    let l = leaders(&run);
    assert!(!l.is_empty(), "the majority elects");
    assert!(
        l.iter().all(|x| x.1 .0 >= 3),
        "only N3–N5 can lead while cut off: {l:?}"
    );
    assert!(
        run.world().nodes[0].believed_leader().is_none(),
        "N1 knows of no leader"
    );
    let run = play("minority-partition");
    let leader = run.world().leader().expect("a leader after the heal");
    for n in &run.world().nodes {
        assert_eq!(n.believed_leader().map(|(_, l)| l.node), Some(leader));
    }
    assert_safe(&run);
}

#[test]
fn an_isolated_leader_stops_serving_and_its_successor_serves_higher() {
    let run = play("leader-isolated");
    let l = leaders(&run);
    let old = l.iter().rfind(|x| x.0 < 8 * S).unwrap().1;
    let new = l.iter().find(|x| x.0 > 8 * S).expect("a new leader").1;
    assert_ne!(old, new);
    let sv = serves(&run);
    let old_max = sv.iter().filter(|s| s.1 == old).map(|s| s.3).max().unwrap();
    // A few requests that passed their check just before the cut may finish; nothing later.
    let old_after = sv.iter().filter(|s| s.1 == old && s.0 > 9 * S).count();
    assert_eq!(old_after, 0, "the isolated leader stopped serving");
    let new_min = sv
        .iter()
        .filter(|s| s.1 == new && s.0 > 8 * S)
        .map(|s| s.2)
        .min()
        .expect("the new leader serves");
    assert!(new_min > old_max, "{new_min} > {old_max}");
    assert_safe(&run);
}

#[test]
fn the_bound_is_extended_again_and_again_under_load() {
    let run = play("bound-extension");
    let w = run.world();
    assert!(
        w.stats.bound_extensions >= 10,
        "{}",
        w.stats.bound_extensions
    );
    // Every serve stayed under a bound that was chosen (the checker verifies each one).
    assert!(w.stats.timestamps_served > 1_000);
    assert_safe(&run);
}

#[test]
fn failover_keeps_timestamps_increasing_and_skips_the_unused_reservation() {
    let run = play("failover-monotonic");
    let sv = serves(&run);
    let crash_t = run
        .history()
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Crash(_)))
        .expect("the leader crashed")
        .t;
    let before_max = sv
        .iter()
        .filter(|s| s.0 < crash_t)
        .map(|s| s.3)
        .max()
        .unwrap();
    let after: Vec<_> = sv.iter().filter(|s| s.0 > crash_t).collect();
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|s| s.2 > before_max),
        "monotonic across leaders"
    );
    let after_min = after.iter().map(|s| s.2).min().unwrap();
    assert!(
        after_min > before_max + 1,
        "the rest of the old reservation ({}..{}) is skipped",
        before_max + 1,
        after_min - 1
    );
    assert_safe(&run);
}

#[test]
fn thirty_percent_loss_slows_the_cluster_but_never_breaks_it() {
    let run = play("lossy-network");
    let w = run.world();
    let sent: u64 = w.stats.sent_by_type.iter().sum();
    assert!(w.stats.dropped * 100 / sent >= 20, "a lot was lost");
    assert!(w.stats.first_leader_at.is_some());
    assert!(w.stats.timestamps_served > 0);
    assert_safe(&run);
}

#[test]
fn a_leader_without_a_quorum_keeps_its_follower() {
    let s = scenario::by_name("quorumless-leader-pings").unwrap();
    let run = play_scenario(&s, 20 * S);
    let l = leaders(&run);
    let old = l.iter().rfind(|x| x.0 < 8 * S).unwrap();
    let newer = l
        .iter()
        .find(|x| x.0 > 8 * S)
        .expect("the majority elects its own leader");
    assert!(newer.2 > old.2);
    // The follower cut off with the old leader still follows it: its pings get "yes".
    let w = run.world();
    let follower = w
        .nodes
        .iter()
        .find(|n| n.id != old.1 && w.connected(n.id, old.1))
        .expect("one follower on the old leader's side");
    assert_eq!(follower.role(), Role::Follower);
    assert_eq!(follower.believed_leader().map(|(_, l)| l.node), Some(old.1));
    assert_safe(&run);
    // After the heal everybody follows one leader again.
    let run = play("quorumless-leader-pings");
    let leader = run.world().leader().expect("a leader at the end");
    assert!(run
        .world()
        .nodes
        .iter()
        .all(|n| n.believed_leader().map(|(_, l)| l.node) == Some(leader)));
}

#[test]
fn every_injected_bug_is_caught_by_its_counterexample() {
    let expected = [
        (
            "acceptor-forgets",
            &[
                Invariant::PromiseKept,
                Invariant::PromiseReportsAccepted,
                Invariant::Agreement,
            ][..],
        ),
        (
            "ignore-promised-values",
            &[Invariant::Agreement, Invariant::LearnedChosen][..],
        ),
        ("minority-quorum", &[Invariant::LearnedChosen][..]),
        ("no-leadership-check", &[Invariant::RealTimeOrder][..]),
        (
            "skip-bound-recovery",
            &[Invariant::UniqueTimestamps, Invariant::RealTimeOrder][..],
        ),
        ("serve-past-bound", &[Invariant::UnderBound][..]),
        ("no-bound-fence", &[Invariant::RealTimeOrder][..]),
    ];
    assert_eq!(
        expected.len(),
        paxoscope::engine::Bugs::NAMES.len(),
        "every bug switch has a counterexample here"
    );
    for (bug, invariants) in expected {
        let s = scenario::for_bug(bug).unwrap_or_else(|| panic!("a scenario for {bug}"));
        assert_eq!(s.config.protocol.bugs.enabled(), vec![bug]);
        let run = play_scenario(&s, s.duration);
        let v = run
            .world()
            .checker
            .violations
            .first()
            .unwrap_or_else(|| panic!("{bug}: no violation"));
        assert!(
            invariants.contains(&v.invariant),
            "{bug}: first violation was {:?}: {}",
            v.invariant,
            v.detail
        );
        // The first bad event can be found and jumped to.
        assert!(run.history().first_violation().is_some());
    }
}

#[test]
fn the_same_counterexamples_are_safe_without_the_bugs() {
    for s in scenario::all().into_iter().filter(|s| s.bug.is_some()) {
        let mut s = s;
        s.config.protocol.bugs = Default::default();
        let run = play_scenario(&s, s.duration);
        assert!(
            run.world().checker.violations.is_empty(),
            "{} without its bug: {:?}",
            s.name,
            run.world().checker.violations.first()
        );
    }
}

#[test]
fn minority_quorum_counterexample_shows_two_disjoint_quorums() {
    let run = play("bug-minority-quorum");
    let v = run
        .world()
        .checker
        .violations
        .iter()
        .find(|v| v.invariant == Invariant::Agreement)
        .expect("agreement broken");
    assert_eq!(v.quorums.len(), 2);
    assert!(v.quorums[0]
        .acceptors
        .intersection(v.quorums[1].acceptors)
        .is_empty());
    assert_ne!(v.quorums[0].value, v.quorums[1].value);
}

#[test]
fn skip_recovery_counterexample_shows_the_overlapping_ranges() {
    let run = play("bug-skip-bound-recovery");
    let v = run
        .world()
        .checker
        .violations
        .iter()
        .find(|v| v.invariant == Invariant::UniqueTimestamps)
        .expect("duplicate timestamps");
    let (a, b) = (v.ranges[0], v.ranges[1]);
    assert_ne!(a.node, b.node, "two leaders");
    // The story the scenario tells: the new leader counted from zero (its range starts at 1,
    // under the bound it happened to learn) after the old one had served from 1 upwards.
    assert_eq!(b.first, 1, "{b:?}");
    assert!(a.t < b.t, "the old leader served first");
    // And the serve really happened in the record, by the node the checker names.
    assert!(serves(&run)
        .iter()
        .any(|&(t, node, first, _)| node == b.node && first == b.first && t == b.t));
}

#[test]
fn a_stale_check_passes_yet_the_fence_keeps_time_moving_forward() {
    // Swarm seed 50019509's race, staged. First: the race really happens — N2 serves after N1
    // was elected at round 1 and had served, because N2's check passed on a stale majority.
    let run = play("stale-check");
    assert_safe(&run);
    let n1_leads = leaders(&run)
        .into_iter()
        .find(|&(_, node, seq)| node == NodeId(1) && seq == 1)
        .map(|(t, ..)| t)
        .expect("N1 takes over at round 1");
    let all = serves(&run);
    let n1_first = all
        .iter()
        .find(|s| s.1 == NodeId(1))
        .copied()
        .expect("N1 serves");
    let n2_late = all
        .iter()
        .find(|s| s.1 == NodeId(2) && s.0 > n1_first.0)
        .copied()
        .expect("N2, deposed, still serves after N1 served");
    assert!(n1_first.0 > n1_leads);
    assert!(n2_late.2 > n1_first.3, "N2 moved the bound past N1's");
    // Then the fence: N1 sees the later bound sequence, drops its store, and serves above N2.
    let stale_at = run
        .history()
        .events
        .iter()
        .find_map(|e| match e.kind.at_node() {
            Some((NodeId(1), Observation::BoundStale { .. })) => Some(e.t),
            _ => None,
        })
        .expect("N1 finds its bound stale");
    assert!(stale_at > n2_late.0);
    let n1_after = all
        .iter()
        .find(|s| s.1 == NodeId(1) && s.0 > stale_at)
        .copied()
        .expect("N1 serves again");
    assert!(
        n1_after.2 > n2_late.3,
        "N1's next range {n1_after:?} starts above N2's {n2_late:?}"
    );
}

#[test]
fn every_atlasdb_hazard_is_caught_and_gone_with_its_quirk_off() {
    // "Found in real code": each scenario runs AtlasDB as written and the checker catches the
    // hazard; switching that one quirk off (every other quirk still on) makes it safe.
    let expected = [
        (
            "accept-without-state",
            &[Invariant::PromiseReportsAccepted, Invariant::Agreement][..],
        ),
        ("leadership-only-check", &[Invariant::RealTimeOrder][..]),
        ("no-lock-grace", &[Invariant::LocksExclusive][..]),
    ];
    let shown: Vec<_> = scenario::all()
        .into_iter()
        .filter_map(|s| s.quirk)
        .collect();
    assert_eq!(shown, expected.map(|(q, _)| q), "one scenario per hazard");
    for (quirk, invariants) in expected {
        let s = scenario::for_quirk(quirk).unwrap();
        assert_eq!(
            s.config.protocol.quirks,
            Protocol::AtlasDb.quirks(),
            "{quirk}"
        );
        let run = play_scenario(&s, s.duration);
        let v = run
            .world()
            .checker
            .violations
            .first()
            .unwrap_or_else(|| panic!("{quirk}: no violation"));
        assert!(
            invariants.contains(&v.invariant),
            "{quirk}: first violation was {:?}: {}",
            v.invariant,
            v.detail
        );
        let mut without = s.clone();
        without.config.protocol.quirks.set(quirk, false);
        let run = play_scenario(&without, s.duration);
        assert_safe(&run);
    }
}

#[test]
fn accept_without_state_elects_two_leaders_at_one_round() {
    let run = play("atlasdb-accept-without-state");
    let round0: Vec<NodeId> = leaders(&run)
        .into_iter()
        .filter(|&(_, _, seq)| seq == 0)
        .map(|(_, n, _)| n)
        .collect();
    assert!(
        round0.contains(&NodeId(1)) && round0.contains(&NodeId(2)),
        "{round0:?}"
    );
    // N3 never stored N1's value: its acceptor shows the promise only.
    let n3 = &run.world().nodes[2];
    let slot = n3
        .acceptor
        .slot(paxoscope::engine::LogId::Leadership, 0)
        .unwrap();
    assert_ne!(
        slot.accepted.map(|(b, _)| b.node),
        Some(NodeId(1)),
        "N3 keeps no value from N1"
    );
}

#[test]
fn a_new_leader_waits_one_lease_before_granting_locks() {
    let run = play("lock-failover");
    assert_safe(&run);
    let (t_new, new) = leaders(&run)
        .into_iter()
        .find(|&(t, _, seq)| seq >= 1 && t > 6 * S)
        .map(|(t, n, _)| (t, n))
        .expect("a new leader after the cut");
    let grants: Vec<Time> = run
        .history()
        .events
        .iter()
        .filter_map(|e| match e.kind.at_node() {
            Some((node, Observation::LockGranted { .. })) if node == new && e.t > t_new => {
                Some(e.t)
            }
            _ => None,
        })
        .collect();
    let lease = run.config().protocol.lock_lease;
    assert!(
        !grants.is_empty(),
        "the new leader grants the lock in the end"
    );
    assert!(
        grants.iter().all(|&g| g >= t_new + lease),
        "{grants:?} vs {t_new} + {lease}"
    );
}

#[test]
fn bugs_and_quirks_switched_on_mid_run_are_judged_like_from_the_start() {
    // The checker never reads the configuration (not even the quorum the code counts), so a
    // switch flipped by an intervention after the run began is judged exactly as one set from
    // the start: the same first violation, at the same moment.
    use paxoscope::sim::intervention::{Action, Intervention, Param};
    let mut cases: Vec<(Scenario, Param)> = Vec::new();
    for s in scenario::all() {
        if let Some(bug) = s.bug {
            let mut off = s.clone();
            off.config.protocol.bugs.set(bug, false);
            cases.push((
                off,
                Param::Bug {
                    name: bug.into(),
                    on: true,
                },
            ));
        }
        if let Some(quirk) = s.quirk {
            let mut off = s.clone();
            off.config.protocol.quirks.set(quirk, false);
            cases.push((
                off,
                Param::Quirk {
                    name: quirk.into(),
                    on: true,
                },
            ));
        }
    }
    assert_eq!(cases.len(), 7 + 3);
    for (mut s, param) in cases {
        let from_start = play_scenario(&scenario::by_name(s.name).unwrap(), s.duration);
        let expected = from_start.world().checker.violations.first().cloned();
        s.interventions
            .insert(0, Intervention::new(1, Action::Set(param.clone())));
        let switched = play_scenario(&s, s.duration);
        let got = switched.world().checker.violations.first().cloned();
        let (e, g) = (
            expected.expect("the scenario breaks"),
            got.expect("switched on mid-run"),
        );
        assert_eq!(
            (g.invariant, g.t, &g.nodes),
            (e.invariant, e.t, &e.nodes),
            "{} with {param:?} at 1 µs",
            s.name
        );
    }
}

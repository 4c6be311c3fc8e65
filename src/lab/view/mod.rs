//! Read-only views of a run for drawing: nodes with their timers, messages in flight and
//! recently dropped, the timestamp number line, space-time arrows, and the event log.
//!
//! Everything here is computed from the run at its cursor; the UI only turns it into SVG.
//! Keeping it here (not in components) means it is tested natively like the engine.

//! One file per panel, mirroring `src/ui/`; every item is re-exported here, so a panel
//! may use another's helpers as `view::…`.

mod cluster;
mod eventlog;
mod inspector;
mod numberline;
mod spacetime;
mod summary;
mod violation;

pub use cluster::*;
pub use eventlog::*;
pub use inspector::*;
pub use numberline::*;
pub use spacetime::*;
pub use summary::*;
pub use violation::*;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::election::ElectionState;
    use crate::engine::leadership_check::LeadershipCheck;

    use crate::engine::{
        Address, LeaderId, NodeId, NodeSet, Observation, ProtocolConfig, Role, Seq, TimerKind,
    };
    use crate::sim::checker::{Invariant, ServedRange};
    use crate::sim::config::{SimConfig, Time};
    use crate::sim::history::{DropReason, EventKind, Fate, MarkerKind};
    use crate::sim::run::Run;

    use crate::sim::scenario;
    use crate::sim::Action;

    #[test]
    fn messages_in_flight_move_from_sender_to_receiver() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(400_000);
        let v = in_flight(&run);
        assert!(!v.is_empty());
        for m in &v {
            assert!(m.sent <= run.now() && run.now() < m.arrive);
            assert!((0.0..1.0).contains(&m.progress));
            assert_ne!(m.from, m.to);
        }
    }

    #[test]
    fn a_waiting_node_shows_its_backoff_draining() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        let mut seen = false;
        for t in (0..2_000_000).step_by(20_000) {
            run.seek(t);
            for n in nodes(&run) {
                if let Some(c) = n.countdown {
                    if c.kind == TimerKind::Backoff {
                        assert_eq!(n.role, Role::Waiting);
                        assert!((0.0..=1.0).contains(&c.remaining));
                        seen = true;
                    }
                }
            }
        }
        assert!(seen, "some node waited before proposing");
    }

    #[test]
    fn dropped_messages_fade_for_a_while() {
        let s = scenario::by_name("lossy-network").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(3_000_000);
        let d = recent_drops(&run, 500_000);
        assert!(!d.is_empty());
        assert!(d
            .iter()
            .all(|m| m.dropped.is_some_and(|(_, ago)| ago <= 500_000)));
    }

    #[test]
    fn the_number_line_shows_bounds_ranges_and_the_leaders_counter() {
        let s = scenario::by_name("failover-monotonic").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(20_000_000);
        let nl = number_line(&run);
        assert!(nl.bounds.len() >= 2);
        assert!(
            nl.bounds.windows(2).all(|w| w[0].bound < w[1].bound),
            "bounds only grow"
        );
        let owners: std::collections::BTreeSet<_> = nl.served.iter().map(|r| r.node).collect();
        assert!(owners.len() >= 2, "two leaders served");
        let (_, counter, limit) = nl.leader.expect("a leader serves");
        assert!(counter <= limit);
    }

    #[test]
    fn the_log_filters_by_node_and_type() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(3_000_000);
        let f = LogFilter {
            node: Some(NodeId(2)),
            types: vec!["Prepare"],
            ..Default::default()
        };
        let rows = log_rows(&run, &f, 50);
        assert!(!rows.is_empty());
        let h = run.history();
        for i in rows {
            if let EventKind::Send(id) | EventKind::Deliver(id) = h.events[i].kind {
                let m = &h.messages[id as usize];
                assert_eq!(m.msg.type_name(), "Prepare");
                assert!(m.from == Address::Node(NodeId(2)) || m.to == Address::Node(NodeId(2)));
            }
        }
    }

    #[test]
    fn a_message_marked_for_dropping_is_flagged() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(1_100_000);
        let id = in_flight(&run)[0].id;
        run.act(Action::DropMessage(id)).unwrap();
        assert!(
            in_flight(&run).iter().any(|m| m.id == id && m.doomed)
                || recent_drops(&run, 1_000_000).iter().any(|m| m.id == id)
        );
    }

    fn bound(seq: Seq, bound: u64, owner: u8) -> BoundMark {
        BoundMark {
            seq,
            bound,
            owner: NodeId(owner),
        }
    }

    fn range(node: u8, first: u64, last: u64) -> ServedRange {
        ServedRange {
            node: NodeId(node),
            first,
            last,
            t: 0,
        }
    }

    #[test]
    fn unused_reservations_are_skipped_and_named_by_their_store() {
        let bounds = [bound(0, 110, 3), bound(1, 220, 3), bound(2, 330, 2)];
        let served = [range(3, 1, 190), range(2, 331, 340)];
        assert_eq!(
            skipped(&bounds, &served, Some(340)),
            vec![
                Skipped {
                    first: 191,
                    last: 220,
                    seq: Some(1),
                    owner: Some(NodeId(3))
                },
                Skipped {
                    first: 221,
                    last: 330,
                    seq: Some(2),
                    owner: Some(NodeId(2))
                },
            ]
        );
        // A new leader that recovered the bound 220 has skipped 191–220 before serving.
        let early = skipped(&bounds[..2], &served[..1], Some(220));
        assert_eq!(early.len(), 1);
        assert_eq!((early[0].first, early[0].last), (191, 220));
        // Nothing is skipped while one leader serves contiguously.
        assert!(skipped(&bounds, &[range(3, 1, 150)], Some(150)).is_empty());
        assert!(skipped(&bounds, &[], Some(0)).is_empty());
    }

    #[test]
    fn failover_skips_the_old_leaders_unused_reservation() {
        let s = scenario::by_name("failover-monotonic").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(20_000_000);
        let nl = number_line(&run);
        let (old, new) = (nl.served[0], nl.served[1]);
        assert_ne!(old.node, new.node);
        assert_eq!(nl.skipped.len(), 1, "{:?}", nl.skipped);
        let gap = nl.skipped[0];
        assert_eq!(gap.first, old.last + 1);
        assert_eq!(
            gap.last + 1,
            new.first,
            "the new leader starts right above the gap"
        );
        assert_eq!(gap.owner, Some(old.node), "reserved by the old leader");
        assert!(
            nl.bounds
                .iter()
                .any(|b| b.bound == gap.last && Some(b.seq) == gap.seq),
            "the gap ends at an agreed bound"
        );
        assert!(nl.conflicts.is_empty());
        let (leader, counter, limit) = nl.leader.unwrap();
        let p = nl.pending.expect("the leader's headroom");
        assert_eq!(
            (p.first, p.last, p.owner),
            (counter + 1, limit, Some(leader))
        );

        // Between the crash and the next leader: the old reservation is pending, not skipped.
        run.seek(9_800_000);
        let nl = number_line(&run);
        assert!(nl.leader.is_none() && nl.skipped.is_empty());
        let p = nl.pending.expect("the crashed leader's reservation");
        assert_eq!((p.first, p.last, p.owner), (gap.first, gap.last, gap.owner));
    }

    #[test]
    fn timestamp_violations_name_their_ranges() {
        let s = scenario::by_name("bug-skip-bound-recovery").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(s.duration);
        let nl = number_line(&run);
        assert!(nl
            .conflicts
            .iter()
            .any(|c| c.invariant == Invariant::UniqueTimestamps));
        for (i, a) in nl.conflicts.iter().enumerate() {
            assert!(
                nl.conflicts[..i]
                    .iter()
                    .all(|b| (b.range.node, b.range.first, b.range.last)
                        != (a.range.node, a.range.first, a.range.last)),
                "each range once"
            );
        }
        let b = bands(&nl, 6, 12);
        for c in &nl.conflicts {
            assert!(position(&b, c.range.last) <= b.len() as f64);
        }
    }

    #[test]
    fn the_broken_axis_folds_quiet_bounds_and_keeps_the_failover() {
        let mut bounds: Vec<BoundMark> = (0..20).map(|i| bound(i, 100 * (i + 1), 5)).collect();
        bounds.extend((20..30).map(|i| bound(i, 100 * (i + 1), 5)));
        bounds[10].owner = NodeId(2); // a brief other leader at sequence 10
        let nl = NumberLine {
            served: vec![range(5, 1, 2_950)],
            max_served: 2_950,
            leader: Some((NodeId(5), 2_950, 3_000)),
            skipped: vec![],
            pending: None,
            conflicts: vec![],
            bounds,
        };
        let b = bands(&nl, 3, 12);
        assert!(b.len() <= 12 && b.len() >= 5, "{b:?}");
        assert_eq!(b[0].lo, 0);
        assert_eq!(b.last().unwrap().hi, 3_000);
        assert!(b.windows(2).all(|w| w[0].hi == w[1].lo), "contiguous");
        assert!(
            b.iter().any(|x| x.seqs == Some((10, 10))),
            "owner change kept"
        );
        assert!(b.iter().any(|x| x.folded()));
        assert_eq!(b[b.len() - 3..].iter().filter(|x| !x.folded()).count(), 3);
        assert_eq!(position(&b, 0), 0.0);
        assert_eq!(position(&b, 3_000), b.len() as f64);
        assert_eq!(position(&b, 9_999), b.len() as f64);
        let mut last = 0.0;
        for v in (0..=3_000).step_by(7) {
            let p = position(&b, v);
            assert!(p >= last, "monotonic at {v}");
            last = p;
        }
        // A tight limit folds the oldest bands.
        assert_eq!(bands(&nl, 3, 4).len(), 4);
    }

    #[test]
    fn the_space_time_window_follows_the_network() {
        assert_eq!(spacetime_window(&SimConfig::classroom(1)), 1_960_000);
        let atlas = SimConfig::preset(crate::sim::Preset::AtlasDb, 5, 1);
        assert_eq!(spacetime_window(&atlas), 70_000);
    }

    #[test]
    fn lanes_show_the_crash_the_downtime_and_the_new_leader() {
        let s = scenario::by_name("leader-crash").unwrap();
        let mut run = Run::new(s.config, s.interventions).unwrap();
        run.seek(7_900_000);
        let old = run.world().leader().expect("a leader before the crash");
        run.seek(14_000_000);
        let marks = lane_marks(&run, 7_000_000);
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkerKind::Intervention && m.node == Some(old)));
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkerKind::LeaderChange && m.node.is_some_and(|n| n != old)));
        assert!(marks.iter().all(|m| m.t >= 7_000_000 && m.t <= 14_000_000));
        let down = down_intervals(&run, 7_000_000);
        assert_eq!(down.len(), 1, "{down:?}");
        let (n, from, until) = down[0];
        assert_eq!(n, old);
        assert!(from >= 8_000_000 && until == 14_000_000);
    }

    #[test]
    fn a_log_page_stops_looking_after_max_scan_events() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(5_000_000);
        let end = run.cursor_event();
        let all = log_page(&run, &LogFilter::default(), 50, usize::MAX);
        assert_eq!(all.rows.len(), 50);
        assert_eq!(*all.rows.last().unwrap(), end - 1);
        assert!(all.more);
        let rare = LogFilter {
            types: vec!["Accepted"],
            hide_sends: true,
            ..Default::default()
        };
        let page = log_page(&run, &rare, 50, 100);
        assert!(page.rows.iter().all(|&i| i >= end - 100));
        assert!(page.more, "earlier events were not looked at");
        // A node filter hides client wishes (they name no node) but keeps what you did.
        let s = scenario::by_name("leader-crash").unwrap();
        let mut busy = Run::new(s.config, s.interventions).unwrap();
        busy.seek(9_000_000);
        let n2 = LogFilter {
            node: Some(NodeId(2)),
            ..Default::default()
        };
        let h = busy.history();
        let rows = log_page(&busy, &n2, 100_000, usize::MAX).rows;
        assert!(rows.iter().all(|&i| !matches!(
            h.events[i].kind.observed(),
            Some((_, Observation::ClientStarted { .. }))
        )));
        let whole = log_page(&run, &rare, 10_000, usize::MAX);
        assert!(!whole.more);
        assert_eq!(whole.rows, log_rows(&run, &rare, 10_000));
    }

    #[test]
    fn arrows_cover_a_window_and_stop_at_the_cursor() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(2_000_000);
        let a = arrows(&run, 1_000_000, 5_000_000);
        assert!(!a.is_empty());
        assert!(a.iter().all(|x| x.sent >= 1_000_000 && x.sent <= 2_000_000));
        // Nothing from after the cursor, and the fate is as known at the cursor: what arrives
        // later is still travelling, what arrived was delivered or dropped.
        assert!(a.iter().all(|x| x.from != x.to), "no local calls");
        for x in &a {
            assert_eq!(x.arrive > 2_000_000, x.fate == Fate::InFlight, "{x:?}");
        }
        assert!(
            a.iter().any(|x| x.fate == Fate::InFlight),
            "some still travel at 2 s"
        );
        assert!(
            a.iter().any(|x| x.fate == Fate::Delivered),
            "some have arrived"
        );
        // The same window seen from later: those messages have arrived since.
        run.seek(3_000_000);
        let later = arrows(&run, 1_000_000, 2_000_000);
        assert!(later
            .iter()
            .all(|x| x.fate != Fate::InFlight || x.arrive > 3_000_000));
    }

    fn scenario_run(name: &str) -> Run {
        let s = scenario::by_name(name).unwrap();
        Run::new(s.config, s.interventions).unwrap()
    }

    fn first_violation_time(run: &mut Run) -> Time {
        run.seek(30_000_000);
        let (_, v) = run.history().first_violation().expect("the bug is caught");
        v.t
    }

    #[test]
    fn the_violation_picture_appears_only_after_the_cursor_passes_it() {
        let mut run = scenario_run("bug-minority-quorum");
        let t = first_violation_time(&mut run);
        run.seek(t.saturating_sub(1));
        assert_eq!(violation(&run), None, "not yet");
        run.seek(5_000_000.max(t));
        let v = violation(&run).expect("shown after it happened");
        // Two of five acceptors took the value: the checker's majority is three.
        assert_eq!(v.invariant, Invariant::LearnedChosen);
        assert_eq!(v.quorums[0].acceptors.len(), 2);
        assert!(v.lines[1].contains("a majority is 3"), "{:?}", v.lines);
        // The agreement violation that follows outlines the two disjoint quorums.
        run.seek(30_000_000);
        let agreement = run
            .world()
            .checker
            .violations
            .iter()
            .find(|v| v.invariant == Invariant::Agreement)
            .expect("the other side learns a different leader");
        let v = violation_view(agreement, 5);
        assert_eq!(v.quorums.len(), 2);
        assert_ne!(v.quorums[0].value, v.quorums[1].value);
        assert!(v.shared.is_empty(), "minority quorums need not meet");
        assert!(v.lines.iter().any(|l| l.contains("share no acceptor")));
        assert!(v.lines[1].starts_with("Quorum A {"), "{:?}", v.lines);
    }

    #[test]
    fn a_forgotten_promise_names_the_acceptor() {
        let mut run = scenario_run("bug-acceptor-forgets");
        first_violation_time(&mut run);
        let v = violation(&run).unwrap();
        assert_eq!(v.invariant, Invariant::PromiseKept);
        let culprit = v.culprit.expect("the acceptor that forgot");
        assert_eq!(Some(&culprit), v.nodes.first());
        assert!(v.lines[0].contains("forgot its promise"));
    }

    #[test]
    fn colliding_timestamps_show_both_ranges_and_the_overlap() {
        let mut run = scenario_run("bug-skip-bound-recovery");
        first_violation_time(&mut run);
        let (_, first) = run.history().first_violation().unwrap();
        let v = violation_view(first, 5);
        match v.invariant {
            Invariant::UniqueTimestamps => {
                assert_eq!(v.ranges.len(), 2);
                assert!(v.lines[2].contains("twice"), "{:?}", v.lines);
            }
            Invariant::RealTimeOrder => assert!(v.lines[1].contains("backwards")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn node_detail_splits_durable_from_volatile_state() {
        let mut run = scenario_run("leader-crash");
        run.seek(30_000_000);
        let crashes: Vec<NodeId> = run
            .history()
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Crash(n) => Some(n),
                _ => None,
            })
            .collect();
        let crashed = *crashes.first().expect("the scenario crashes the leader");
        let (t, _) = run
            .history()
            .events
            .iter()
            .find_map(|e| matches!(e.kind, EventKind::Crash(_)).then_some((e.t, ())))
            .unwrap();
        run.seek(t + 1_000_000);
        let d = node_detail(&run, crashed, 8).unwrap();
        assert!(!d.up);
        assert_eq!(d.role, Role::Crashed);
        assert!(
            !d.logs[0].is_empty(),
            "its leadership log survives the crash"
        );
        assert_eq!(d.proposers[0].counter, 0, "its counters did not");
        assert!(d.timers.is_empty() && d.store.is_none() && d.service.is_none());
        assert!(d.election.starts_with("Down"));
        // The new leader serves, with a store and a service sentence.
        run.seek(t + 10_000_000);
        let leader = run.world().leader().expect("a successor leads");
        let l = node_detail(&run, leader, 8).unwrap();
        assert!(l.up && l.store.is_some() && l.service.is_some());
        assert!(l.election.starts_with("Leads round"));
        for rows in &l.logs {
            assert!(rows.len() <= 8);
            assert!(rows.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        }
        assert!(l.logs[0][0].learned.is_some());
        assert!(l.timers.windows(2).all(|w| w[0].left <= w[1].left));
        assert_eq!(node_detail(&run, NodeId(9), 8), None);
    }

    #[test]
    fn every_election_state_reads_as_a_sentence() {
        let cfg = ProtocolConfig::classroom(5);
        let l = LeaderId {
            node: NodeId(2),
            incarnation: 0,
        };
        for e in [
            ElectionState::Starting,
            ElectionState::Leading { seq: 3 },
            ElectionState::Checking(LeadershipCheck {
                agree: NodeSet(0b11),
                ..LeadershipCheck::new(1, 3)
            }),
            ElectionState::Following {
                leader: l,
                since: 1,
            },
            ElectionState::CatchingUp {
                query: 1,
                from_seq: 2,
                replied: NodeSet(1),
                learned_new: false,
            },
            ElectionState::BackingOff { seen: Some(3) },
            ElectionState::Proposing { seq: 4 },
            ElectionState::AwaitingLearn { seq: 4 },
        ] {
            let w = election_words(&e, &cfg);
            assert!(w.ends_with('.'), "{w}");
        }
        assert!(
            election_words(&ElectionState::BackingOff { seen: Some(3) }, &cfg).contains("round 4")
        );
        assert!(election_words(
            &ElectionState::Following {
                leader: l,
                since: 1
            },
            &cfg
        )
        .contains("every 300 ms"));
        assert_eq!(span(1_500_000), "1.5 s");
    }

    #[test]
    fn a_message_is_in_flight_then_delivered_or_dropped() {
        let mut run = Run::new(SimConfig::classroom(3), vec![]).unwrap();
        run.seek(1_100_000);
        let m = in_flight(&run)[0].clone();
        let d = message_detail(&run, m.id).unwrap();
        assert_eq!(
            d.status,
            MsgStatus::InFlight {
                left: m.arrive - run.now()
            }
        );
        assert!(!d.doomed);
        run.seek(m.sent - 1);
        assert_eq!(
            message_detail(&run, m.id).unwrap().status,
            MsgStatus::NotSent
        );
        run.seek(m.arrive);
        let after = message_detail(&run, m.id).unwrap().status;
        assert!(matches!(
            after,
            MsgStatus::Delivered | MsgStatus::Dropped(_)
        ));
        // Dropping it by hand marks it, then drops it.
        run.seek(1_100_000);
        run.act(Action::DropMessage(m.id)).unwrap();
        assert!(message_detail(&run, m.id).unwrap().doomed);
        run.seek(m.arrive + 1);
        assert_eq!(
            message_detail(&run, m.id).unwrap().status,
            MsgStatus::Dropped(DropReason::ByUser)
        );
        assert_eq!(message_detail(&run, u64::MAX), None);
    }

    #[test]
    fn the_summary_names_the_leader_and_counts_messages() {
        let mut run = scenario_run("cold-start-3");
        run.seek(6_000_000);
        let s = cluster_summary(&run);
        let (leader, round) = s.leader.expect("a leader by 6 s");
        assert_eq!(s.nodes[leader.index()].1, Role::Leader);
        assert_eq!(s.nodes[leader.index()].2, Some(round));
        let all = in_flight_count(&run, None);
        assert_eq!(all, in_flight(&run).len());
        let n1 = in_flight(&run)
            .iter()
            .filter(|m| m.from == Address::Node(NodeId(1)) || m.to == Address::Node(NodeId(1)))
            .count();
        assert_eq!(in_flight_count(&run, Some(NodeId(1))), n1);
        assert!(n1 < all, "some messages do not involve N1");
        assert!(s.elections >= 1);
        assert!(!s.partitioned);
    }
}

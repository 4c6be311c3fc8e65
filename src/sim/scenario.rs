//! Named scenarios: a configuration, a seed and scripted interventions, each with the lesson
//! it teaches. The CLI, the test suite and the browser's scenario picker share this list.

use super::config::{SimConfig, Time};
use super::intervention::{Action, Intervention, LinkFilter};
use crate::engine::{BackoffPolicy, Msg, NodeId, MS};

/// One teaching scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Identifier for the CLI and URLs.
    pub name: &'static str,
    /// Short title for pickers.
    pub title: &'static str,
    /// One line: what happens.
    pub summary: &'static str,
    /// What to watch for, in plain words.
    pub lesson: &'static str,
    /// Configuration, seed included.
    pub config: SimConfig,
    /// Scripted interventions.
    pub interventions: Vec<Intervention>,
    /// How long to run (virtual µs).
    pub duration: Time,
    /// The bug this scenario is a counterexample for, if any.
    pub bug: Option<&'static str>,
    /// The AtlasDB quirk whose hazard this scenario shows, if any (the run uses the `atlasdb`
    /// profile; switching this one quirk off makes it safe).
    pub quirk: Option<&'static str>,
}

const S: Time = 1_000_000;

fn n(i: u8) -> NodeId {
    NodeId(i)
}

fn at(t: Time, action: Action) -> Intervention {
    Intervention::new(t, action)
}

fn msg_type(name: &str) -> Option<u8> {
    Msg::TYPE_NAMES
        .iter()
        .position(|&t| t == name)
        .map(|i| i as u8)
}

/// Drop every message of one type (a timing-independent way to stage a counterexample).
fn drop_all(name: &str) -> Action {
    Action::Filter(LinkFilter {
        from: None,
        to: None,
        msg_type: msg_type(name),
    })
}

fn classroom(nodes: u8, seed: u64) -> SimConfig {
    SimConfig::preset(super::config::Preset::Classroom, nodes, seed)
}

/// Symmetric timing: every message takes exactly 100 ms, nobody is ever early.
fn dueling(backoff: BackoffPolicy) -> SimConfig {
    let mut c = classroom(5, 1);
    c.network.latency_min = 100 * MS;
    c.network.latency_max = 100 * MS;
    c.protocol.backoff = backoff;
    c.clients.count = 0;
    c
}

/// Swarm seed 50019509's race, staged: N3 is down, N2 has just been elected (round 0) and a
/// client's request starts its first leadership check; N2's question to N1 is lost and N1
/// cannot hear N2's pings, so N1 takes over at round 1 and serves — N2 never hears of it.
/// When N3 comes back it answers N2's check (still being re-sent) from a disk that never saw
/// round 1: a stale majority. A second client asks N1 afterwards.
fn stale_check() -> (SimConfig, Vec<Intervention>) {
    let mut c = classroom(3, 2);
    c.clients.count = 0;
    c.clients.timeout = 10 * S;
    // Long enough for the check to outlive N3's downtime (AtlasDB waits 5 s).
    c.protocol.quorum_timeout = 8 * S;
    let only = |from: u8, to: u8, name: &str| {
        Action::Filter(LinkFilter {
            from: Some(n(from)),
            to: Some(n(to)),
            msg_type: msg_type(name),
        })
    };
    let ivs = vec![
        at(0, Action::Crash(n(3))),
        at(0, only(2, 1, "PingReply")),
        at(1_500 * MS, only(1, 2, "Learn")),
        at(1_500 * MS, only(2, 1, "LatestSeq")),
        at(
            1_600 * MS,
            Action::ClientRequest {
                node: n(2),
                count: 5,
            },
        ),
        at(
            5 * S,
            Action::ClientRequest {
                node: n(1),
                count: 5,
            },
        ),
        at(6_500 * MS, Action::Restart(n(3))),
        at(
            9 * S,
            Action::ClientRequest {
                node: n(1),
                count: 5,
            },
        ),
    ];
    (c, ivs)
}

fn with_bug(mut c: SimConfig, bug: &str) -> SimConfig {
    c.protocol.bugs.set(bug, true);
    c
}

/// Every scenario, dueling first.
pub fn all() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "dueling-no-backoff",
            title: "Dueling proposers, no backoff",
            summary: "Five nodes, identical timing, and no random wait: proposers pre-empt each other forever.",
            lesson: "Each proposer's Prepare overtakes the other's Accept. Every Nack raises the loser's ballot and it retries at once — no leader is ever chosen. Watch the pre-empted counter climb.",
            config: dueling(BackoffPolicy::None),
            interventions: vec![],
            duration: 30 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "dueling-random-backoff",
            title: "Dueling proposers, random backoff",
            summary: "The same cluster and timing, but every node waits U[0, 800 ms) before proposing.",
            lesson: "The random wait breaks the symmetry: one node proposes first, its Learn reaches the others during their wait, and they follow it instead of proposing.",
            config: dueling(BackoffPolicy::Uniform { max: 800 * MS }),
            interventions: vec![],
            duration: 30 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "cold-start-3",
            title: "Cold start, 3 nodes",
            summary: "Three empty nodes elect a leader (quorum 2) and start serving timestamps.",
            lesson: "Nobody is known to lead, so every ping fails at once; each node catches up, waits a random time and proposes itself at sequence 0. The first to get a quorum wins; the others learn it and follow.",
            config: classroom(3, 3),
            interventions: vec![],
            duration: 15 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "cold-start-5",
            title: "Cold start, 5 nodes",
            summary: "Five empty nodes elect a leader (quorum 3) and start serving timestamps.",
            lesson: "Same as three nodes with a quorum of three: two nodes could be down and the cluster would still elect.",
            config: classroom(5, 5),
            interventions: vec![],
            duration: 15 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "leader-crash",
            title: "Leader crash and re-election",
            summary: "The leader crashes at 8 s; followers' pings time out and one of them takes over at the next sequence.",
            lesson: "Followers ping the leader every interval. After the ping timeout they catch up, wait, and propose at greatest-learned + 1. The new leader recovers the timestamp bound before serving.",
            config: classroom(5, 7),
            interventions: vec![at(8 * S, Action::CrashLeader)],
            duration: 25 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "minority-partition",
            title: "Minority partition",
            summary: "N1 and N2 are cut off from the start; the majority elects and serves; the network heals at 15 s.",
            lesson: "Two of five cannot form a quorum: their proposals time out. The three others elect a leader. After the heal the minority learns the leader by catch-up.",
            config: classroom(5, 11),
            interventions: vec![
                at(0, Action::Partition(vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]])),
                at(15 * S, Action::Heal),
            ],
            duration: 25 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "leader-isolated",
            title: "Leader isolated in a minority",
            summary: "The leader is cut off alone at 8 s while clients keep asking; heal at 25 s.",
            lesson: "The isolated leader cannot pass its per-request quorum check, so it stops serving. The majority elects a new leader, which recovers the bound: its timestamps are larger than every timestamp the old leader handed out.",
            config: classroom(5, 13),
            interventions: vec![
                at(8 * S, Action::IsolateLeader { followers: 0 }),
                at(25 * S, Action::Heal),
            ],
            duration: 35 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "bound-extension",
            title: "Bound extension under load",
            summary: "Four busy clients; the bound buffer is 100, so the leader extends the bound by Paxos again and again.",
            lesson: "The leader hands out timestamps only up to the agreed bound. When a request would cross it, the leader proposes needed + buffer at the next sequence of the timestamp log and serves only once that is chosen.",
            config: {
                let mut c = classroom(5, 17);
                c.clients.count = 4;
                c.clients.batch = 30;
                c.clients.think = 300 * MS;
                c
            },
            interventions: vec![],
            duration: 20 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "failover-monotonic",
            title: "Failover keeps time moving forward",
            summary: "Clients are busy when the leader crashes at 8 s; the new leader's timestamps continue above the old ones.",
            lesson: "The new leader starts its counter at the highest agreed bound, above anything the old leader could have handed out. The unused part of the old reservation is skipped.",
            config: {
                let mut c = classroom(5, 19);
                c.clients.count = 3;
                c
            },
            interventions: vec![at(8 * S, Action::CrashLeader)],
            duration: 25 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "lossy-network",
            title: "30% message loss",
            summary: "Almost a third of all messages vanish; the cluster still elects and serves, only slower.",
            lesson: "Paxos never needs a message to arrive for safety. Lost Learns are repaired by catch-up; lost Prepares or Accepts make an attempt time out and retry.",
            config: {
                let mut c = classroom(5, 23);
                c.network.loss_ppm = 300_000;
                c
            },
            interventions: vec![],
            duration: 40 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "quorumless-leader-pings",
            title: "A leader without a quorum still answers pings",
            summary: "The leader and one follower are cut off at 8 s; that follower keeps following it; heal at 30 s.",
            lesson: "Pings are answered from local state only (AtlasDB issue #2596): the cut-off leader says \"yes, I lead\" although it cannot reach a quorum, so its follower never proposes. The majority elects its own leader at the next sequence.",
            config: classroom(5, 29),
            interventions: vec![
                at(8 * S, Action::IsolateLeader { followers: 1 }),
                at(30 * S, Action::Heal),
            ],
            duration: 40 * S,
            bug: None,
            quirk: None,
        },
        {
            let (config, interventions) = stale_check();
            Scenario {
                name: "stale-check",
                title: "A stale leadership check, fenced",
                summary: "N2's first leadership check passes on a stale majority after N1 has taken over; N2 moves the bound up, and N1 notices before serving again.",
                lesson: "A check whose replies trickle in over seconds is not a snapshot: N3 answers from a disk that never saw round 1, so N2 believes it still leads. What keeps time moving forward is the bound fence: the same check asks every acceptor for its latest timestamp-log sequence, so N1 sees that another store moved the bound past its own, drops its store and recovers the new bound before serving.",
                config,
                interventions,
                duration: 12 * S,
                bug: None,
                quirk: None,
            }
        },
        Scenario {
            name: "bug-acceptor-forgets",
            title: "Break it: acceptors forget on crash",
            summary: "Accepted replies are lost for 3 s, so a value is chosen but nobody learns it; then every node restarts — and, with the bug, forgets.",
            lesson: "Promises and acceptances must survive a crash. A forgotten acceptance lets a later proposer choose a second value at the same sequence.",
            config: with_bug(classroom(5, 31), "acceptor-forgets"),
            interventions: {
                let mut v = vec![at(0, drop_all("Accepted"))];
                for i in 1..=5 {
                    v.push(at(3 * S, Action::Restart(n(i))));
                }
                v.push(at(3 * S, Action::ClearFilters));
                v
            },
            duration: 15 * S,
            bug: Some("acceptor-forgets"),
            quirk: None,
        },
        Scenario {
            name: "bug-ignore-promised-values",
            title: "Break it: ignore values in promises",
            summary: "Accepted replies are lost for 4 s, so a value is chosen but nobody learns it; the next proposer must adopt it.",
            lesson: "Phase 1 exists to find values that may already be chosen. A proposer that proposes its own value instead overwrites a decision.",
            config: with_bug(classroom(5, 37), "ignore-promised-values"),
            interventions: vec![at(0, drop_all("Accepted")), at(4 * S, Action::ClearFilters)],
            duration: 15 * S,
            bug: Some("ignore-promised-values"),
            quirk: None,
        },
        Scenario {
            name: "bug-minority-quorum",
            title: "Break it: quorum of n/2",
            summary: "With quorums of 2 out of 5, both sides of a 2|3 partition elect a leader at sequence 0.",
            lesson: "Majorities always intersect; halves do not. Two disjoint quorums can choose two different values.",
            config: with_bug(classroom(5, 41), "minority-quorum"),
            interventions: vec![at(
                0,
                Action::Partition(vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]]),
            )],
            duration: 15 * S,
            bug: Some("minority-quorum"),
            quirk: None,
        },
        Scenario {
            name: "bug-no-leadership-check",
            title: "Break it: serve without the leadership check",
            summary: "The leader is isolated at 8 s but keeps serving from its old bound; a client of the new leader sees time go backwards.",
            lesson: "Before serving, a leader must ask a quorum whether a later leadership round exists. Skip that and a deposed leader keeps handing out old timestamps after the new leader has handed out newer ones.",
            config: with_bug(
                {
                    // A large reservation: the deposed leader can keep serving from it.
                    let mut c = classroom(5, 43);
                    c.protocol.bound_buffer = 1_000;
                    c
                },
                "no-leadership-check",
            ),
            interventions: vec![
                at(8 * S, Action::IsolateLeader { followers: 0 }),
                at(14 * S, Action::ClientRequest { node: n(1), count: 5 }),
                at(14 * S, Action::ClientRequest { node: n(3), count: 5 }),
                at(14 * S, Action::ClientRequest { node: n(5), count: 5 }),
            ],
            duration: 25 * S,
            bug: Some("no-leadership-check"),
            quirk: None,
        },
        Scenario {
            name: "bug-skip-bound-recovery",
            title: "Break it: new leader skips bound recovery",
            summary: "The leader crashes under load; the new leader counts from zero under the last bound it learned.",
            lesson: "A new leader must start above every bound a quorum may have agreed. Counting from its own state hands out timestamps the old leader already handed out.",
            config: with_bug(
                {
                    let mut c = classroom(5, 47);
                    c.clients.count = 3;
                    c
                },
                "skip-bound-recovery",
            ),
            interventions: vec![at(8 * S, Action::CrashLeader)],
            duration: 25 * S,
            bug: Some("skip-bound-recovery"),
            quirk: None,
        },
        Scenario {
            name: "bug-serve-past-bound",
            title: "Break it: serve past the bound",
            summary: "Busy clients; the leader hands out timestamps beyond its agreed bound and reserves afterwards.",
            lesson: "The bound is a promise made durable by Paxos before anything beneath it is handed out. Serving first and reserving later leaves timestamps that no quorum knows were used.",
            config: with_bug(
                {
                    let mut c = classroom(5, 53);
                    c.clients.count = 3;
                    c
                },
                "serve-past-bound",
            ),
            interventions: vec![],
            duration: 15 * S,
            bug: Some("serve-past-bound"),
            quirk: None,
        },
        {
            let (config, interventions) = stale_check();
            Scenario {
                name: "bug-no-bound-fence",
                title: "Break it: a stale check without the bound fence",
                summary: "The stale-check race with the fence off (AtlasDB's check): N1 keeps serving from memory under a bound N2 has already moved past.",
                lesson: "The leadership check only asks about leadership rounds. N2 passes it on a stale majority, recovers the bound N1 agreed, extends it and serves 106–110; N1, the true leader, passes its own checks and serves 6–10 from memory to a client who asked after 110 was handed out — time goes backwards.",
                config: with_bug(config, "no-bound-fence"),
                interventions,
                duration: 12 * S,
                bug: Some("no-bound-fence"),
                quirk: None,
            }
        },
    ]
    .into_iter()
    .chain([Scenario {
        name: "lock-failover",
        title: "Locks across a failover",
        summary: "Two clients take turns at one lock under 3 s leases; the leader is cut off at 6 s and the new leader waits one lease before granting.",
        lesson: "The lock table lives in the leader's memory, so a new leader starts with none. It cannot know who still holds a lock under a lease from the old term, so it grants nothing for one lease (its grace period): every old lease has run out by then, because each was counted from a request sent before the old leader's last successful check.",
        config: lock_failover(3),
        interventions: vec![at(6 * S, Action::IsolateLeader { followers: 0 })],
        duration: 20 * S,
        bug: None,
        quirk: None,
    }])
    .chain(atlasdb())
    .collect()
}

/// AtlasDB's accept-without-state, staged with lost messages only (no timing): N1's Prepare to
/// N3 is lost, so N3 first hears of leadership[0] in N1's Accept — it acks without storing the
/// value. N1 counts {N1, N3} and leads. N2, which never heard of N1's value (its Accept and
/// Learn from N1 are lost, its Prepare to N1 too), later gets promises from itself and N3 —
/// and N3 has nothing to report. Lazy start: only N1 runs at first; N2 is asked at 4 s.
fn accept_without_state() -> (SimConfig, Vec<Intervention>) {
    let mut c = classroom(3, 2);
    c.clients.count = 0;
    c.protocol.quirks = crate::engine::Protocol::AtlasDb.quirks();
    let lose = |from: u8, to: u8, name: &str| {
        at(
            0,
            Action::Filter(LinkFilter {
                from: Some(n(from)),
                to: Some(n(to)),
                msg_type: msg_type(name),
            }),
        )
    };
    let ivs = vec![
        lose(1, 3, "Prepare"),
        lose(1, 2, "Accept"),
        lose(1, 2, "Learn"),
        lose(1, 3, "Learn"),
        lose(2, 1, "Prepare"),
        lose(1, 2, "CatchUpReply"),
        at(
            0,
            Action::ClientRequest {
                node: n(1),
                count: 1,
            },
        ),
        at(
            4 * S,
            Action::ClientRequest {
                node: n(2),
                count: 1,
            },
        ),
    ];
    (c, ivs)
}

/// The stale check in AtlasDB as written: the same race as `stale-check`, with a *slow* N3 (a
/// 3 s pause from the start, over at 5.5 s) instead of a crashed one — AtlasDB's non-retrying
/// channels would refuse a crashed N3 at once and end the check.
fn atlasdb_stale_check() -> (SimConfig, Vec<Intervention>) {
    let mut c = classroom(3, 4);
    c.clients.count = 0;
    c.clients.timeout = 12 * S;
    c.protocol.quorum_timeout = 8 * S;
    c.protocol.quirks = crate::engine::Protocol::AtlasDb.quirks();
    let only = |from: u8, to: u8, name: &str| {
        Action::Filter(LinkFilter {
            from: Some(n(from)),
            to: Some(n(to)),
            msg_type: msg_type(name),
        })
    };
    let ivs = vec![
        at(
            0,
            Action::Slow {
                node: n(3),
                extra: 3 * S,
            },
        ),
        at(0, only(2, 1, "PingReply")),
        at(
            0,
            Action::ClientRequest {
                node: n(1),
                count: 1,
            },
        ),
        at(
            0,
            Action::ClientRequest {
                node: n(2),
                count: 1,
            },
        ),
        at(1_500 * MS, only(1, 2, "Learn")),
        at(1_500 * MS, only(2, 1, "LatestSeq")),
        at(
            1_600 * MS,
            Action::ClientRequest {
                node: n(2),
                count: 5,
            },
        ),
        at(
            3_500 * MS,
            Action::ClientRequest {
                node: n(1),
                count: 5,
            },
        ),
        at(
            5_500 * MS,
            Action::Slow {
                node: n(3),
                extra: 0,
            },
        ),
        at(
            11 * S,
            Action::ClientRequest {
                node: n(1),
                count: 5,
            },
        ),
    ];
    (c, ivs)
}

/// Two lock clients take turns at one lock, holding it 8 s under a 3 s lease; the leader is
/// cut off at 6 s.
fn lock_failover(seed: u64) -> SimConfig {
    let mut c = classroom(3, seed);
    c.clients.count = 0;
    c.clients.lock_clients = 2;
    c.clients.locks = 1;
    c.clients.lock_hold = 8 * S;
    c
}

/// The scenarios that run AtlasDB's own code: a failover as it really happens, then the ones
/// that show it breaking safety ("Found in real code").
pub fn atlasdb() -> Vec<Scenario> {
    let (config, interventions) = accept_without_state();
    let (stale_config, stale_interventions) = atlasdb_stale_check();
    vec![
        Scenario {
            name: "atlasdb-failover",
            title: "AtlasDB as written: start, lead, crash",
            summary: "AtlasDB's code on three nodes: nothing happens until a client asks; ballots carry UUIDs; the leader crashes at 7 s and its followers' pings are refused at once.",
            lesson: "Elections start at the first client request (lazy start). A ballot's last part is its proposer's random UUID, which breaks ties. Followers ping one at a time; when the leader's process dies its host refuses the connection, so they suspect it at once instead of waiting for the ping timeout.",
            config: {
                let mut c = classroom(3, 9);
                c.clients.count = 0;
                c.protocol.quirks = crate::engine::Protocol::AtlasDb.quirks();
                c
            },
            interventions: vec![
                at(1_500 * MS, Action::ClientRequest { node: n(1), count: 1 }),
                at(7 * S, Action::CrashLeader),
            ],
            duration: 15 * S,
            bug: None,
            quirk: None,
        },
        Scenario {
            name: "atlasdb-accept-without-state",
            title: "AtlasDB: an Accept acked but not stored",
            summary: "N3 gets N1's Accept without ever seeing its Prepare; AtlasDB's acceptor acks it but keeps only the promise. N1 leads round 0 — and so, later, does N2.",
            lesson: "PaxosAcceptorImpl.accept, with no state for the sequence, stores only the promise and still answers true. N1 counts N3's ack and learns itself leader; N2's phase 1 later asks N3, which has nothing to report, so N2 proposes itself and gets it chosen too. Two leaders at leadership[0]: the checker catches N3's promise that hides the value it acked.",
            config,
            interventions,
            duration: 12 * S,
            bug: None,
            quirk: Some("accept-without-state"),
        },
        Scenario {
            name: "atlasdb-stale-check",
            title: "AtlasDB: a stale leadership check with a slow node",
            summary: "N3 is slow for 5.5 s. N2's check passes on N3's stale reply after N1 took over; N2 moves the bound, and N1, whose check asks only about leadership, serves from memory below it.",
            lesson: "AtlasDB's per-request check (PaxosLatestRoundVerifierImpl) asks a quorum for the latest leadership round and nothing else. Its replies arrive over seconds, so a deposed leader can pass it on a slow node's stale answer — and nothing tells the true leader that the timestamp bound moved past the one it serves under. A client who asked after 110 was handed out gets 8–12.",
            config: stale_config,
            interventions: stale_interventions,
            duration: 14 * S,
            bug: None,
            quirk: Some("leadership-only-check"),
        },
        Scenario {
            name: "atlasdb-lock-failover",
            title: "AtlasDB: a new term grants a lock still held",
            summary: "Two clients take turns at one lock; leadership moves, and the new leader's empty lock table grants the lock at once — while the holder's lease still runs.",
            lesson: "TimeLock keeps locks in the leader's memory and builds a fresh lock service for every term (AsyncLockService.createDefault). The new table is empty and grants at once, so a client that still trusts its lease and a client the new leader just granted hold the same lock. AtlasDB's clients guard against this by checking the leadership id in their lease before trusting it; the textbook leader waits out one lease instead.",
            config: {
                let mut c = lock_failover(15);
                c.protocol.quirks = crate::engine::Protocol::AtlasDb.quirks();
                c
            },
            interventions: vec![at(6 * S, Action::IsolateLeader { followers: 0 })],
            duration: 20 * S,
            bug: None,
            quirk: Some("no-lock-grace"),
        },
    ]
}

/// Looks a scenario up by name.
pub fn by_name(name: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.name == name)
}

/// The scenario that shows an AtlasDB quirk's hazard, if it has one.
pub fn for_quirk(quirk: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.quirk == Some(quirk))
}

/// The counterexample scenario for a bug.
pub fn for_bug(bug: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.bug == Some(bug))
}

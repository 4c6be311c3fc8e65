//! Plain-words explanations of every message type, role and piece of state, for tooltips,
//! the help overlay and the inspector. One place, so every view says the same thing.

/// What a message type is for.
pub fn message(type_name: &str) -> &'static str {
    match type_name {
        "Prepare" => "Phase 1a. A proposer asks an acceptor: \"promise to ignore anything below my ballot for this sequence, and tell me what you already accepted.\"",
        "Promise" => "Phase 1b. The acceptor promises, and reports the highest ballot and value it has already accepted (if any). The proposer must adopt the highest such value.",
        "Nack" => "A refusal. The acceptor already promised a higher ballot, and says which one, so the proposer can raise its counter and try again.",
        "Accept" => "Phase 2a. After a quorum of promises the proposer asks: \"accept this value at my ballot.\"",
        "Accepted" => "Phase 2b. The acceptor accepted the value. Once a quorum has, the value is chosen for good.",
        "Learn" => "The proposer tells every learner which value was chosen. Fire-and-forget: if it is lost, catch-up repairs it.",
        "CatchUp" => "A learner asks its peers for every value they learned from a given sequence on.",
        "CatchUpReply" => "The values a peer has learned, answering CatchUp.",
        "Ping" => "A follower asks the node it believes leads: \"are you still the leader?\"",
        "PingReply" => "The answer, from the leader's local state only — it does not check with a quorum (AtlasDB issue #2596).",
        "LatestSeq" => "\"What is the latest sequence you have prepared or accepted?\" Used by a leader to check that no later round exists, and by a new leader to find the latest timestamp bound.",
        "LatestSeqReply" => "The latest sequence an acceptor has prepared or accepted in the log asked about — and, always, in the timestamp log: a leader's per-request check passes only if a quorum reports neither a later leadership round nor a later bound than the one it serves under (the bound fence).",
        "LearnedQuery" => "A new leader asks: \"which bound did you learn at this sequence?\"",
        "LearnedReply" => "The bound learned at that sequence, if any.",
        "TimestampRequest" => "A client asks for fresh timestamps.",
        "TimestampReply" => "Timestamps handed out, or \"I am not the leader\" (with a hint), or \"unavailable\".",
        "LockRequest" => "A lock client asks the leader for a named lock. Like a timestamp request, it waits for a leadership check that started after it arrived.",
        "LockRefresh" => "A lock client extends its hold before its lease runs out, showing the token it was granted.",
        "Unlock" => "A lock client releases a lock.",
        "LockReply" => "The leader's answer to a lock call: granted (with a token), refreshed, busy, unknown token (the lock is gone — a new term's table never heard of it), released, or \"wait\" while a new leader's grace period runs.",
        "ConnectionRefused" => "Not a protocol message: the network tells a caller that the process it called is down. Only with the refused-connections quirk — AtlasDB's leader-election calls and pings use non-retrying HTTP channels, so a crashed peer fails them at once, while a partitioned or hung one makes them wait for a timeout.",
        _ => "",
    }
}

/// What a role means.
pub fn role(name: &str) -> &'static str {
    match name {
        "leader" => "Passed the quorum check for its leadership round: it may hand out timestamps.",
        "follower" => "Pings the node it believes leads, on a fixed interval.",
        "suspecting" => "The leader did not answer in time; pulling news from a quorum of learners before doing anything.",
        "waiting" => "In the random wait before proposing itself — the wait that breaks dueling proposers.",
        "proposing" => "Running Prepare/Accept to become leader at the next round.",
        "checking" => "Its learned value names it; asking a quorum whether any later round exists before acting as leader.",
        "crashed" => "Down. Its durable state (acceptor and learner logs) survives; everything else is lost.",
        _ => "",
    }
}

/// What a piece of state means (keys as shown in the inspector).
pub fn state(key: &str) -> &'static str {
    match key {
        "promised" => "The highest ballot this acceptor promised for this sequence. It refuses anything lower. Durable.",
        "accepted" => "The last (ballot, value) this acceptor accepted for this sequence. Durable.",
        "learned" => "The value this node knows was chosen for this sequence. Durable.",
        "counter" => "The proposer's ballot counter. Volatile: it restarts at 0 after a crash, which is why ballots carry the incarnation.",
        "incarnation" => "How many times the node restarted. A restarted node is a new identity, like a fresh AtlasDB process UUID.",
        "round" => "The greatest leadership sequence this node has learned; its value names who leads.",
        "ballot" => "A proposal number (number, node, incarnation), compared in that order.",
        "bound" => "The highest timestamp the leader may hand out, agreed by Paxos in the timestamp log.",
        "timestamp counter" => "The last timestamp the leader handed out. It never exceeds the agreed bound.",
        "durable" => "Survives a crash (written to disk before replying, in AtlasDB).",
        "volatile" => "Lost on a crash.",
        "quorum" => "A majority: n/2 + 1 nodes. Any two majorities share a node, which is what carries a chosen value into every later ballot.",
        _ => "",
    }
}

/// Every role's name, in the order the help overlay lists them.
pub fn roles() -> [&'static str; 7] {
    crate::engine::Role::ALL.map(crate::engine::Role::name)
}

/// Every piece of state [`state`] explains, in the order the help overlay lists them.
pub const STATE_KEYS: [&str; 12] = [
    "ballot",
    "quorum",
    "promised",
    "accepted",
    "learned",
    "counter",
    "incarnation",
    "round",
    "bound",
    "timestamp counter",
    "durable",
    "volatile",
];

/// TimeLock's two uses of Paxos, in three sentences (help overlay, tours).
pub const TIMELOCK: &str = "TimeLock runs two independent Paxos logs on the same nodes, each \
    node being proposer, acceptor and learner of both. The leadership log elects the leader: the \
    value chosen at sequence k names the leader of round k, and a node proposes itself at the \
    next sequence when the leader stops answering its pings. The timestamp log holds an upper \
    bound that only the leader proposes: it hands out timestamps from a counter that never \
    passes the agreed bound, and a new leader starts above the latest bound, so timestamps only \
    ever go up.";

/// One injected bug in plain words: the rule it removes and what goes wrong without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BugInfo {
    /// Short title for the switch.
    pub title: &'static str,
    /// The Paxos or TimeLock rule, as it normally holds.
    pub rule: &'static str,
    /// What the node does instead with the switch on.
    pub broken: &'static str,
    /// The invariant its counterexample breaks first.
    pub breaks: crate::sim::checker::Invariant,
}

/// What each bug of [`crate::engine::Bugs::NAMES`] removes (None for an unknown name).
pub fn bug(name: &str) -> Option<BugInfo> {
    use crate::sim::checker::Invariant;
    Some(match name {
        "acceptor-forgets" => BugInfo {
            title: "Acceptors forget on a crash",
            rule: "An acceptor writes every promise and acceptance to disk before it replies, so they survive a crash.",
            broken: "Acceptors keep them in memory only: after a restart an acceptor no longer knows what it promised or accepted, and happily promises a lower ballot.",
            breaks: Invariant::PromiseKept,
        },
        "ignore-promised-values" => BugInfo {
            title: "Ignore values in promises",
            rule: "After phase 1 a proposer must propose the value with the highest ballot reported in the promises — it may already be chosen. Only if none was reported may it propose its own.",
            broken: "The proposer always proposes its own value, overwriting a decision a quorum already made.",
            breaks: Invariant::Agreement,
        },
        "minority-quorum" => BugInfo {
            title: "Quorum of n/2",
            rule: "A quorum is a majority, n/2 + 1 nodes: any two majorities share a node, and that node carries a chosen value into every later ballot.",
            broken: "A quorum is n/2 nodes: a proposer counts a value as chosen when only half the acceptors took it, and the other half of a partition can do the same with a different value — the two quorums share nobody.",
            breaks: Invariant::LearnedChosen,
        },
        "no-leadership-check" => BugInfo {
            title: "Serve without the leadership check",
            rule: "Before handing out timestamps, the leader asks a quorum whether a later leadership round exists.",
            broken: "The leader serves straight from its bound: a deposed leader keeps handing out old timestamps after its successor handed out newer ones.",
            breaks: Invariant::RealTimeOrder,
        },
        "skip-bound-recovery" => BugInfo {
            title: "New leader skips bound recovery",
            rule: "A new leader first reads the latest bound from a quorum and starts counting above it.",
            broken: "The new leader counts from zero under whatever bound it happens to have learned, handing out timestamps the old leader already handed out.",
            breaks: Invariant::UniqueTimestamps,
        },
        "serve-past-bound" => BugInfo {
            title: "Serve past the bound",
            rule: "The leader hands out only timestamps at or below a bound Paxos already agreed; to go higher it first gets a larger bound chosen.",
            broken: "The leader hands out timestamps beyond the bound and asks for a larger one afterwards: if it dies first, nothing durable says those timestamps were used, and a successor recovering the bound hands them out again.",
            breaks: Invariant::UnderBound,
        },
        "no-bound-fence" => BugInfo {
            title: "No bound fence in the leadership check",
            rule: "The per-request check also asks each acceptor for its latest timestamp-log sequence and passes only if a quorum reports nothing past the bound the leader serves under: any bound another store served under was accepted by a quorum, and quorums intersect.",
            broken: "The check asks only about leadership rounds (AtlasDB's check). Its replies arrive over a window, so a deposed leader can pass it on a stale majority and move the bound, while the true leader keeps serving from memory below it.",
            breaks: Invariant::RealTimeOrder,
        },
        _ => return None,
    })
}

/// One AtlasDB quirk in plain words: what the textbook does, what AtlasDB's code does, where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuirkInfo {
    /// Short title for the switch.
    pub title: &'static str,
    /// What the textbook protocol here does.
    pub textbook: &'static str,
    /// What AtlasDB's code does instead.
    pub atlasdb: &'static str,
    /// Where, in palantir/atlasdb (class and method, or PR).
    pub source: &'static str,
    /// What it can break, if anything (the scenario shows it); None: harmless on its own.
    pub hazard: Option<&'static str>,
}

/// What each quirk of [`crate::engine::Quirks::NAMES`] changes (None for an unknown name).
pub fn quirk(name: &str) -> Option<QuirkInfo> {
    Some(match name {
        "accept-without-state" => QuirkInfo {
            title: "An Accept acked but not stored",
            textbook: "An acceptor that acks an Accept records the value, so its next promise reports it.",
            atlasdb: "With no state for the sequence (its Prepare was lost or overtaken), the acceptor acks the Accept but stores only the promise.",
            source: "PaxosAcceptorImpl.accept (since commit c0086d7a65, 2016)",
            hazard: Some("A proposer counts an ack nobody remembers; the next proposer's phase 1 cannot see the value, so two values are chosen — two leaders at one round."),
        },
        "counter-after-phase-one" => QuirkInfo {
            title: "Counter raised only after phase 1 fails",
            textbook: "Every Nack raises the proposer's counter past the rival's ballot.",
            atlasdb: "Only a failed phase 1 raises it, to the highest promise in the replies; a phase-2 Nack does not.",
            source: "PaxosProposerImpl.propose",
            hazard: None,
        },
        "uuid-ballots" => QuirkInfo {
            title: "Ballot ties broken by a random UUID",
            textbook: "Equal ballot numbers are ordered by node id.",
            atlasdb: "They are ordered by the proposer's UUID, a fresh random one each time the process starts.",
            source: "PaxosProposalId.compareTo; TimelockPaxosInstallationContext#nodeUuid",
            hazard: None,
        },
        "catch-up-after-preemption" => QuirkInfo {
            title: "Ping and catch up again after a failed attempt",
            textbook: "A pre-empted proposer goes straight to its next random wait.",
            atlasdb: "The loop starts over: ping the believed leader, catch up from a quorum, then wait and propose.",
            source: "PaxosLeaderElectionService.blockOnBecomingLeader",
            hazard: None,
        },
        "blocking-pinger" => QuirkInfo {
            title: "One ping at a time",
            textbook: "Followers ping on a fixed cadence and suspect the leader only after a whole ping timeout without a \"yes\".",
            atlasdb: "The default single-leader pinger sends one ping, waits up to the timeout, and treats anything but \"yes\" — one lost reply — as a dead leader.",
            source: "SingleLeaderPinger.pingLeaderWithUuid",
            hazard: None,
        },
        "check-then-act" => QuirkInfo {
            title: "Requests finish after leadership moves",
            textbook: "A leader that learns it lost leadership stops: waiting requests are told to go elsewhere.",
            atlasdb: "A request that passed its leadership check runs to the end on that term's timestamp service, extending the bound if it must.",
            source: "AwaitingLeadershipProxy (PR #6117 describes the window)",
            hazard: None,
        },
        "leadership-only-check" => QuirkInfo {
            title: "The check asks about leadership only",
            textbook: "The per-request check also fences the bound: a quorum must report no timestamp-log sequence past the one the leader serves under.",
            atlasdb: "It asks a quorum for the latest leadership round and nothing else.",
            source: "PaxosLatestRoundVerifierImpl; AwaitingLeadershipProxy",
            hazard: Some("A deposed leader passes its check on a slow node's stale answer and moves the bound, while the true leader serves from memory below it: time goes backwards."),
        },
        "refused-connections" => QuirkInfo {
            title: "A crashed node refuses connections",
            textbook: "A crashed node is silent, like a partitioned one: callers wait for a timeout (and re-send).",
            atlasdb: "Leader-election calls and pings go over non-retrying HTTP channels: a crashed process's host refuses the connection, and the call fails at once.",
            source: "PaxosRemoteClients (non-retrying channels); PaxosQuorumChecker",
            hazard: None,
        },
        "lazy-start" => QuirkInfo {
            title: "Elections start at the first request",
            textbook: "Every node starts its election loop when it boots.",
            atlasdb: "A node creates its leadership context — and starts electing — only when the first client request reaches it.",
            source: "LeadershipComponents#getOrCreateNewLeadershipContext",
            hazard: None,
        },
        "no-lock-grace" => QuirkInfo {
            title: "A new term grants locks at once",
            textbook: "A new leader grants no lock for one lease, so every lease granted in earlier terms has run out.",
            atlasdb: "Each term gets a fresh, empty lock service that grants at once; clients are meant to check the leadership id in their lease before trusting it.",
            source: "AsyncLockService.createDefault; LockLeaseService (client side)",
            hazard: Some("A client still trusting its lease from the old term and a client the new leader just granted hold the same lock at once."),
        },
        _ => return None,
    })
}

/// Why TimeLock has no leader lease: a paragraph for the glossary.
pub const NO_LEASE: &str = "TimeLock checks leadership with a quorum before every batch of requests instead of trusting a lease. A lease would let a leader serve alone for a while after its last quorum contact, which is only safe if clocks advance at nearly the same rate everywhere and a paused process notices its lease ran out. AtlasDB added leader leases (PR #3701, to save the 10–40 ms quorum round) and rolled them back (#3836): the per-request check costs a round trip but never depends on clocks. Here, too, every request waits for a check that started after it arrived.";

#[cfg(test)]
mod tests {
    #[test]
    fn every_message_type_and_role_is_explained() {
        for t in crate::engine::Msg::TYPE_NAMES {
            assert!(!super::message(t).is_empty(), "{t}");
        }
        for r in super::roles() {
            assert!(!super::role(r).is_empty(), "{r}");
        }
        // Nothing explained that no longer exists.
        for r in [
            "leader",
            "follower",
            "suspecting",
            "waiting",
            "proposing",
            "checking",
        ] {
            assert!(super::roles().contains(&r), "{r}");
        }
        assert_eq!(super::role("no-such-role"), "");
        for k in super::STATE_KEYS {
            assert!(!super::state(k).is_empty(), "{k}");
        }
    }

    #[test]
    fn every_quirk_is_explained_and_a_hazard_has_a_scenario() {
        for name in crate::engine::Quirks::NAMES {
            let info = super::quirk(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!info.source.is_empty(), "{name} names its source");
            assert_eq!(
                info.hazard.is_some(),
                crate::sim::scenario::for_quirk(name).is_some(),
                "{name}: a hazard is shown by a scenario, and only a hazard"
            );
        }
        assert!(super::quirk("nope").is_none());
    }

    #[test]
    fn every_bug_is_explained_and_its_counterexample_breaks_what_it_says() {
        for name in crate::engine::Bugs::NAMES {
            let info = super::bug(name).unwrap_or_else(|| panic!("{name}"));
            let s = crate::sim::scenario::for_bug(name).unwrap();
            let mut run = crate::sim::Run::new(s.config, s.interventions).unwrap();
            run.run_until_marker(crate::sim::MarkerKind::Violation, s.duration);
            let (_, v) = run
                .history()
                .first_violation()
                .expect("a counterexample violates");
            assert_eq!(v.invariant, info.breaks, "{name}");
        }
        assert!(super::bug("nope").is_none());
    }
}

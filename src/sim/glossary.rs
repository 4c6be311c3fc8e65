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

/// Every role [`role`] explains, in the order the help overlay lists them.
pub const ROLES: [&str; 7] = [
    "leader",
    "follower",
    "suspecting",
    "waiting",
    "proposing",
    "checking",
    "crashed",
];

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
    pub breaks: super::checker::Invariant,
}

/// What each bug of [`crate::engine::Bugs::NAMES`] removes (None for an unknown name).
pub fn bug(name: &str) -> Option<BugInfo> {
    use super::checker::Invariant;
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_message_type_and_role_is_explained() {
        for t in crate::engine::Msg::TYPE_NAMES {
            assert!(!super::message(t).is_empty(), "{t}");
        }
        for r in super::ROLES {
            assert!(!super::role(r).is_empty(), "{r}");
        }
        for k in super::STATE_KEYS {
            assert!(!super::state(k).is_empty(), "{k}");
        }
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

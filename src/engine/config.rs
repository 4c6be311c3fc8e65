//! Protocol parameters, the backoff policies that break dueling, and the injectable bugs.

use serde::{Deserialize, Serialize};

/// Microseconds of virtual time. Everything the engine schedules is a duration in µs.
pub type Micros = u64;

/// One millisecond in [`Micros`].
pub const MS: Micros = 1_000;

/// How long a follower waits before proposing itself after its leader stopped answering.
/// AtlasDB waits U[0, 300 ms) before *every* leadership proposal; without a random wait,
/// followers that time out together propose together and can pre-empt each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "lowercase", deny_unknown_fields)]
pub enum BackoffPolicy {
    /// Propose at once. Under symmetric timing, rivals keep pre-empting each other.
    None,
    /// Always wait the same time: delays proposals, breaks no symmetry.
    Fixed {
        /// The wait.
        #[serde(rename = "wait_us")]
        wait: Micros,
    },
    /// Wait U[0, max): AtlasDB's policy (max 300 ms).
    Uniform {
        /// Exclusive upper end of the wait.
        #[serde(rename = "max_us")]
        max: Micros,
    },
    /// Wait U[0, min(cap, base·2^k)) after k consecutive failed attempts.
    Exponential {
        /// The window after the first failure... and before the first attempt.
        #[serde(rename = "base_us")]
        base: Micros,
        /// Largest window.
        #[serde(rename = "cap_us")]
        cap: Micros,
    },
}

impl BackoffPolicy {
    /// The wait before the next proposal, given how many attempts in a row failed.
    /// Randomness is not drawn here: the engine returns a range, the simulator draws.
    pub fn delay(self, consecutive_failures: u32) -> Delay {
        match self {
            BackoffPolicy::None => Delay::Exactly(0),
            BackoffPolicy::Fixed { wait } => Delay::Exactly(wait),
            BackoffPolicy::Uniform { max } => Delay::Uniform { min: 0, max },
            BackoffPolicy::Exponential { base, cap } => {
                let shift = consecutive_failures.min(20);
                let window = base.saturating_mul(1u64 << shift).min(cap).max(1);
                Delay::Uniform {
                    min: 0,
                    max: window,
                }
            }
        }
    }

    /// Short name used by the CLI, URLs and traces.
    pub fn name(self) -> &'static str {
        match self {
            BackoffPolicy::None => "none",
            BackoffPolicy::Fixed { .. } => "fixed",
            BackoffPolicy::Uniform { .. } => "uniform",
            BackoffPolicy::Exponential { .. } => "exponential",
        }
    }

    /// The policy's main duration (wait, max, or cap), for display and editing.
    pub fn max_wait(self) -> Micros {
        match self {
            BackoffPolicy::None => 0,
            BackoffPolicy::Fixed { wait } => wait,
            BackoffPolicy::Uniform { max } => max,
            BackoffPolicy::Exponential { cap, .. } => cap,
        }
    }

    /// Builds a policy from its name and main duration.
    pub fn from_name(name: &str, max_wait: Micros) -> Option<BackoffPolicy> {
        Some(match name {
            "none" => BackoffPolicy::None,
            "fixed" => BackoffPolicy::Fixed { wait: max_wait },
            "uniform" => BackoffPolicy::Uniform { max: max_wait },
            "exponential" => BackoffPolicy::Exponential {
                base: (max_wait / 8).max(1),
                cap: max_wait,
            },
            _ => return None,
        })
    }

    /// Every policy name, for pickers and help texts.
    pub const NAMES: [&'static str; 4] = ["none", "fixed", "uniform", "exponential"];
}

/// A timer duration requested by the engine; the simulator draws random ones from its seeded
/// generator so the engine stays free of randomness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delay {
    /// This long.
    Exactly(Micros),
    /// Uniform on [min, max).
    Uniform {
        /// Inclusive lower end.
        min: Micros,
        /// Exclusive upper end (treated as `min + 1` if not above `min`).
        max: Micros,
    },
}

/// A named set of on/off switches: a struct of bools, their names in UI order, and lookup by
/// name, for the CLI, links, traces and pickers. Bugs and quirks are both this shape.
macro_rules! switches {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(into = "Vec<String>", try_from = "Vec<String>")]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: bool, )*
        }

        /// As JSON: the names of the switches that are on.
        impl From<$name> for Vec<String> {
            fn from(s: $name) -> Vec<String> {
                s.enabled().into_iter().map(String::from).collect()
            }
        }

        /// From JSON: unknown names are refused, naming the ones that exist.
        impl TryFrom<Vec<String>> for $name {
            type Error = String;
            fn try_from(names: Vec<String>) -> Result<$name, String> {
                let mut s = $name::default();
                for n in names {
                    if !s.set(&n, true) {
                        return Err(format!("unknown name '{n}' (one of {})", $name::NAMES.join(", ")));
                    }
                }
                Ok(s)
            }
        }

        impl $name {
            /// Every switch's name, in the order the UI lists them.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// Reads one switch by name.
            pub fn get(&self, name: &str) -> Option<bool> {
                match name {
                    $( $text => Some(self.$field), )*
                    _ => None,
                }
            }

            /// Sets one switch by name; false if the name is unknown.
            pub fn set(&mut self, name: &str, on: bool) -> bool {
                match name {
                    $( $text => { self.$field = on; true } )*
                    _ => false,
                }
            }

            /// Names of the switches that are on.
            pub fn enabled(&self) -> Vec<&'static str> {
                Self::NAMES
                    .iter()
                    .copied()
                    .filter(|n| self.get(n) == Some(true))
                    .collect()
            }

            /// Whether every switch is off.
            pub fn none(&self) -> bool {
                *self == Self::default()
            }
        }
    };
}

switches! {
    /// Deliberate protocol bugs. Each one removes a single rule so a class can watch which
    /// invariant breaks and why. All are off in a correct run.
    pub struct Bugs {
        /// The acceptor keeps its promises and acceptances in memory only: a crash forgets them.
        acceptor_forgets = "acceptor-forgets",
        /// Phase 1 ignores values reported in promises and always proposes its own.
        ignore_promised_values = "ignore-promised-values",
        /// Quorum is n/2 instead of n/2+1, so two quorums need not intersect.
        minority_quorum = "minority-quorum",
        /// The leader hands out timestamps without first asking a quorum whether it still leads.
        no_leadership_check = "no-leadership-check",
        /// A new leader does not recover the bound from a quorum; it counts from zero under the
        /// last bound it happens to have learned.
        skip_bound_recovery = "skip-bound-recovery",
        /// The leader hands out timestamps past its agreed bound and asks Paxos to extend the
        /// bound afterwards, instead of before.
        serve_past_bound = "serve-past-bound",
        /// The per-request check asks only about leadership rounds, not about the timestamp
        /// log: a stale leader whose check passes on replies gathered over a long window can
        /// move the bound while the true leader serves from memory.
        no_bound_fence = "no-bound-fence",
    }
}

switches! {
    /// Where AtlasDB TimeLock's code (palantir/atlasdb 0.1175.0) behaves differently from the
    /// textbook protocol this lab runs by default. Each is one switch so a lesson can turn them
    /// on one at a time; the `atlasdb` profile ([`Quirks::atlasdb`]) turns on every current one.
    pub struct Quirks {
        /// `PaxosAcceptorImpl.accept`: an Accept for a sequence with no state is acked, but only
        /// the promise is stored, not the value (since commit c0086d7a65, 2016).
        accept_without_state = "accept-without-state",
        /// `PaxosProposerImpl.propose`: the counter is raised only when phase 1 fails (to the
        /// highest promised number in the replies), never on a phase-2 Nack.
        counter_after_phase_one = "counter-after-phase-one",
        /// `PaxosProposalId.compareTo`: equal numbers are ordered by the proposer's UUID, a fresh
        /// random one per process start, not by node id.
        uuid_ballots = "uuid-ballots",
        /// `PaxosLeaderElectionService`: after a failed attempt the loop pings and catches up
        /// again before its next random wait.
        catch_up_after_preemption = "catch-up-after-preemption",
        /// `SingleLeaderPinger` (single-leader mode's pinger): one ping at a time, each waiting
        /// up to the ping timeout; anything but "yes" starts an election at once.
        blocking_pinger = "blocking-pinger",
        /// `AwaitingLeadershipProxy`: a request that passed its leadership check runs to the end
        /// on that term's timestamp service, even if leadership moves meanwhile.
        check_then_act = "check-then-act",
        /// `PaxosLatestRoundVerifierImpl`: the per-request check asks only for the latest
        /// leadership round — no bound fence.
        leadership_only_check = "leadership-only-check",
        /// Non-retrying HTTP channels: a crashed node refuses connections, so leader-election
        /// calls and pings to it fail at once instead of timing out.
        refused_connections = "refused-connections",
        /// `LeadershipComponents#getOrCreateNewLeadershipContext`: a node starts its election
        /// loop only when the first client request reaches it.
        lazy_start = "lazy-start",
        /// `AsyncLockService.createDefault`: a new leader's lock service (a fresh, empty table
        /// per term) grants locks at once, while locks granted in the previous term may still
        /// be held under their leases.
        no_lock_grace = "no-lock-grace",
    }
}

impl Quirks {
    /// AtlasDB as written: every quirk on.
    pub fn atlasdb() -> Quirks {
        let mut q = Quirks::default();
        for name in Quirks::NAMES {
            q.set(name, true);
        }
        q
    }
}

/// A protocol profile: which rules a run follows. Profiles are named sets of [`Quirks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Classic Paxos plus the rules this lab adds for safety (the bound fence).
    Textbook,
    /// AtlasDB TimeLock's code as written.
    AtlasDb,
}

impl Protocol {
    /// Both profiles, for pickers.
    pub const ALL: [Protocol; 2] = [Protocol::Textbook, Protocol::AtlasDb];

    /// Both profiles' names, as the CLI and links accept them.
    pub const NAMES: &'static [&'static str] = &["textbook", "atlasdb"];

    /// Name in the CLI and links.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Textbook => "textbook",
            Protocol::AtlasDb => "atlasdb",
        }
    }

    /// Parses [`Protocol::name`].
    pub fn from_name(s: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == s)
    }

    /// The quirks the profile turns on.
    pub fn quirks(self) -> Quirks {
        match self {
            Protocol::Textbook => Quirks::default(),
            Protocol::AtlasDb => Quirks::atlasdb(),
        }
    }

    /// The profile a set of quirks is exactly, if any.
    pub fn of(quirks: Quirks) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.quirks() == quirks)
    }
}

/// The parameters every node shares. AtlasDB's values are one preset
/// ([`ProtocolConfig::atlasdb`]); the classroom preset slows everything so a person can follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProtocolConfig {
    /// Cluster size (3–9).
    pub nodes: u8,
    /// Follower's pause between successful pings (AtlasDB `pingRate`, 50 ms).
    #[serde(rename = "ping_interval_us")]
    pub ping_interval: Micros,
    /// How long a follower waits for a ping reply before suspecting the leader (2000 ms).
    #[serde(rename = "ping_timeout_us")]
    pub ping_timeout: Micros,
    /// Deadline for collecting any quorum of replies (AtlasDB: 5 s).
    #[serde(rename = "quorum_timeout_us")]
    pub quorum_timeout: Micros,
    /// Wait before proposing leadership.
    pub backoff: BackoffPolicy,
    /// How far beyond the needed timestamp a bound extension reaches (AtlasDB: 1,000,000).
    pub bound_buffer: u64,
    /// A failed bound round is retried after U[1 ms, this + 1 ms) (AtlasDB: 300 ms).
    #[serde(rename = "bound_retry_max_us")]
    pub bound_retry_max: Micros,
    /// Largest request a client may make (AtlasDB: 10,000).
    pub max_timestamps_per_request: u64,
    /// How often the per-request leadership check is retried while it gets no quorum.
    pub no_quorum_retries: u32,
    /// Pause between those retries (AtlasDB: 700 ms).
    #[serde(rename = "no_quorum_retry_delay_us")]
    pub no_quorum_retry_delay: Micros,
    /// While a quorum request waits, re-send it to silent peers this often (0 = never), as
    /// TCP would retransmit an HTTP call; without it one lost reply can sink a whole round.
    #[serde(rename = "resend_interval_us")]
    pub resend_interval: Micros,
    /// A lock client's lease, counted from when it sent the request that was granted or
    /// refreshed (AtlasDB's CLIENT_LEASE_TIMEOUT: 8 s). A new leader waits this long before
    /// granting locks, so every lease from an earlier term has run out.
    #[serde(rename = "lock_lease_us")]
    pub lock_lease: Micros,
    /// Switched-on bugs.
    pub bugs: Bugs,
    /// AtlasDB behaviours switched on (none: the textbook protocol).
    pub quirks: Quirks,
}

/// What a field left out of a hand-written configuration means: the classroom value, 5 nodes.
impl Default for ProtocolConfig {
    fn default() -> ProtocolConfig {
        ProtocolConfig::classroom(5)
    }
}

impl ProtocolConfig {
    /// AtlasDB TimeLock's defaults (§10 of the reference notes).
    pub fn atlasdb(nodes: u8) -> ProtocolConfig {
        ProtocolConfig {
            nodes,
            ping_interval: 50 * MS,
            ping_timeout: 2_000 * MS,
            quorum_timeout: 5_000 * MS,
            backoff: BackoffPolicy::Uniform { max: 300 * MS },
            bound_buffer: 1_000_000,
            bound_retry_max: 300 * MS,
            max_timestamps_per_request: 10_000,
            no_quorum_retries: 10,
            no_quorum_retry_delay: 700 * MS,
            resend_interval: 1_000 * MS,
            lock_lease: 8_000 * MS,
            bugs: Bugs::default(),
            quirks: Quirks::default(),
        }
    }

    /// Slower timings and a small bound buffer so extensions and failovers are visible.
    pub fn classroom(nodes: u8) -> ProtocolConfig {
        ProtocolConfig {
            nodes,
            ping_interval: 300 * MS,
            ping_timeout: 1_500 * MS,
            quorum_timeout: 1_500 * MS,
            backoff: BackoffPolicy::Uniform { max: 800 * MS },
            bound_buffer: 100,
            bound_retry_max: 300 * MS,
            max_timestamps_per_request: 10_000,
            no_quorum_retries: 2,
            no_quorum_retry_delay: 700 * MS,
            resend_interval: 500 * MS,
            lock_lease: 3_000 * MS,
            bugs: Bugs::default(),
            quirks: Quirks::default(),
        }
    }

    /// Replies needed for any quorum: n/2+1, or n/2 with the minority-quorum bug.
    pub fn quorum(&self) -> usize {
        let n = usize::from(self.nodes);
        if self.bugs.minority_quorum {
            (n / 2).max(1)
        } else {
            n / 2 + 1
        }
    }

    /// Checks ranges; the message names the bad field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        if !(3..=9).contains(&self.nodes) {
            return Err(format!("nodes must be 3–9, got {}", self.nodes));
        }
        if self.ping_interval == 0 || self.ping_interval > 60_000 * MS {
            return Err("ping interval must be 1 µs – 60 s".into());
        }
        if self.ping_timeout == 0 || self.ping_timeout > 600_000 * MS {
            return Err("ping timeout must be 1 µs – 600 s".into());
        }
        if self.quorum_timeout == 0 || self.quorum_timeout > 600_000 * MS {
            return Err("quorum timeout must be 1 µs – 600 s".into());
        }
        if self.backoff.max_wait() > 600_000 * MS {
            return Err("backoff wait must be at most 600 s".into());
        }
        if self.bound_buffer == 0 || self.bound_buffer > 1_000_000_000_000 {
            return Err("bound buffer must be 1 – 10^12".into());
        }
        if self.lock_lease == 0 || self.lock_lease > 600_000 * MS {
            return Err("lock lease must be 1 µs – 600 s".into());
        }
        if self.max_timestamps_per_request == 0 || self.max_timestamps_per_request > 1_000_000_000 {
            return Err("max timestamps per request must be 1 – 10^9".into());
        }
        if self.bound_retry_max > 600_000 * MS {
            return Err("bound retry wait must be at most 600 s".into());
        }
        if self.no_quorum_retries > 100 || self.no_quorum_retry_delay > 600_000 * MS {
            return Err("no-quorum retries must be 0–100, at most 600 s apart".into());
        }
        if self.resend_interval > 600_000 * MS {
            return Err("resend interval must be at most 600 s (0 = never)".into());
        }
        if let BackoffPolicy::Exponential { base, cap } = self.backoff {
            if base == 0 || base > cap {
                return Err("exponential backoff needs 0 < base ≤ cap".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_is_a_strict_majority_unless_the_bug_is_on() {
        let mut c = ProtocolConfig::atlasdb(5);
        assert_eq!(c.quorum(), 3);
        c.nodes = 4;
        assert_eq!(c.quorum(), 3);
        c.nodes = 3;
        assert_eq!(c.quorum(), 2);
        c.nodes = 5;
        c.bugs.minority_quorum = true;
        assert_eq!(
            c.quorum(),
            2,
            "two quorums of 2 out of 5 need not intersect"
        );
    }

    #[test]
    fn exponential_backoff_doubles_up_to_its_cap() {
        let p = BackoffPolicy::Exponential { base: 10, cap: 100 };
        assert_eq!(p.delay(0), Delay::Uniform { min: 0, max: 10 });
        assert_eq!(p.delay(2), Delay::Uniform { min: 0, max: 40 });
        assert_eq!(p.delay(9), Delay::Uniform { min: 0, max: 100 });
        assert_eq!(BackoffPolicy::None.delay(3), Delay::Exactly(0));
    }

    #[test]
    fn bug_switches_round_trip_by_name() {
        let mut b = Bugs::default();
        for name in Bugs::NAMES {
            assert!(b.set(name, true));
            assert_eq!(b.get(name), Some(true));
        }
        assert_eq!(b.enabled().len(), Bugs::NAMES.len());
        assert!(!b.set("no-such-bug", true));
    }
}

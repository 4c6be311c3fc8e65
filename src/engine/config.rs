//! Protocol parameters, the backoff policies that break dueling, and the injectable bugs.

/// Microseconds of virtual time. Everything the engine schedules is a duration in µs.
pub type Micros = u64;

/// One millisecond in [`Micros`].
pub const MS: Micros = 1_000;

/// How long a follower waits before proposing itself after its leader stopped answering.
/// AtlasDB waits U[0, 300 ms) before *every* leadership proposal; without a random wait,
/// followers that time out together propose together and can pre-empt each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackoffPolicy {
    /// Propose at once. Under symmetric timing, rivals keep pre-empting each other.
    None,
    /// Always wait the same time: delays proposals, breaks no symmetry.
    Fixed {
        /// The wait.
        wait: Micros,
    },
    /// Wait U[0, max): AtlasDB's policy (max 300 ms).
    Uniform {
        /// Exclusive upper end of the wait.
        max: Micros,
    },
    /// Wait U[0, min(cap, base·2^k)) after k consecutive failed attempts.
    Exponential {
        /// The window after the first failure... and before the first attempt.
        base: Micros,
        /// Largest window.
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

/// Deliberate protocol bugs. Each one removes a single rule so a class can watch which
/// invariant breaks and why. All are off in a correct run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bugs {
    /// The acceptor keeps its promises and acceptances in memory only: a crash forgets them.
    pub acceptor_forgets: bool,
    /// Phase 1 ignores values reported in promises and always proposes its own.
    pub ignore_promised_values: bool,
    /// Quorum is n/2 instead of n/2+1, so two quorums need not intersect.
    pub minority_quorum: bool,
    /// The leader hands out timestamps without first asking a quorum whether it still leads.
    pub no_leadership_check: bool,
    /// A new leader does not recover the bound from a quorum; it counts from zero under the
    /// last bound it happens to have learned.
    pub skip_bound_recovery: bool,
    /// The leader hands out timestamps past its agreed bound and asks Paxos to extend the bound
    /// afterwards, instead of before.
    pub serve_past_bound: bool,
    /// The per-request check asks only about leadership rounds, not about the timestamp log
    /// (AtlasDB's check as written): a stale leader whose check passes on replies gathered
    /// over a long window can move the bound while the true leader serves from memory.
    pub no_bound_fence: bool,
}

impl Bugs {
    /// Every bug's name, in the order the UI lists them.
    pub const NAMES: [&'static str; 7] = [
        "acceptor-forgets",
        "ignore-promised-values",
        "minority-quorum",
        "no-leadership-check",
        "skip-bound-recovery",
        "serve-past-bound",
        "no-bound-fence",
    ];

    /// Reads one switch by name.
    pub fn get(&self, name: &str) -> Option<bool> {
        Some(match name {
            "acceptor-forgets" => self.acceptor_forgets,
            "ignore-promised-values" => self.ignore_promised_values,
            "minority-quorum" => self.minority_quorum,
            "no-leadership-check" => self.no_leadership_check,
            "skip-bound-recovery" => self.skip_bound_recovery,
            "serve-past-bound" => self.serve_past_bound,
            "no-bound-fence" => self.no_bound_fence,
            _ => return None,
        })
    }

    /// Sets one switch by name; false if the name is unknown.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let slot = match name {
            "acceptor-forgets" => &mut self.acceptor_forgets,
            "ignore-promised-values" => &mut self.ignore_promised_values,
            "minority-quorum" => &mut self.minority_quorum,
            "no-leadership-check" => &mut self.no_leadership_check,
            "skip-bound-recovery" => &mut self.skip_bound_recovery,
            "serve-past-bound" => &mut self.serve_past_bound,
            "no-bound-fence" => &mut self.no_bound_fence,
            _ => return false,
        };
        *slot = on;
        true
    }

    /// Names of the switches that are on.
    pub fn enabled(&self) -> Vec<&'static str> {
        Bugs::NAMES
            .iter()
            .copied()
            .filter(|n| self.get(n) == Some(true))
            .collect()
    }

    /// Whether every switch is off.
    pub fn none(&self) -> bool {
        *self == Bugs::default()
    }
}

/// The parameters every node shares. AtlasDB's values are one preset
/// ([`ProtocolConfig::atlasdb`]); the classroom preset slows everything so a person can follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolConfig {
    /// Cluster size (3–9).
    pub nodes: u8,
    /// Follower's pause between successful pings (AtlasDB `pingRate`, 50 ms).
    pub ping_interval: Micros,
    /// How long a follower waits for a ping reply before suspecting the leader (2000 ms).
    pub ping_timeout: Micros,
    /// Deadline for collecting any quorum of replies (AtlasDB: 5 s).
    pub quorum_timeout: Micros,
    /// Wait before proposing leadership.
    pub backoff: BackoffPolicy,
    /// How far beyond the needed timestamp a bound extension reaches (AtlasDB: 1,000,000).
    pub bound_buffer: u64,
    /// A failed bound round is retried after U[1 ms, this + 1 ms) (AtlasDB: 300 ms).
    pub bound_retry_max: Micros,
    /// Largest request a client may make (AtlasDB: 10,000).
    pub max_timestamps_per_request: u64,
    /// How often the per-request leadership check is retried while it gets no quorum.
    pub no_quorum_retries: u32,
    /// Pause between those retries (AtlasDB: 700 ms).
    pub no_quorum_retry_delay: Micros,
    /// While a quorum request waits, re-send it to silent peers this often (0 = never), as
    /// TCP would retransmit an HTTP call; without it one lost reply can sink a whole round.
    pub resend_interval: Micros,
    /// After a pre-empted attempt, run AtlasDB's whole loop again (ping, catch-up, wait)
    /// instead of going straight to the wait. AtlasDB does this; its catch-up round trip is
    /// an extra, non-random delay that damps duels and hides what the random wait is for.
    pub catch_up_after_preemption: bool,
    /// Switched-on bugs.
    pub bugs: Bugs,
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
            catch_up_after_preemption: false,
            bugs: Bugs::default(),
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
            catch_up_after_preemption: false,
            bugs: Bugs::default(),
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
        if self.max_timestamps_per_request == 0 {
            return Err("max timestamps per request must be positive".into());
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

//! Everything that, together with the seed and the interventions, determines a run.

use serde::{Deserialize, Serialize};

use crate::engine::client::{ClientParams, LockPlan};
use crate::engine::{Micros, ProtocolConfig, MS};

/// Virtual time in microseconds since the run began.
pub type Time = u64;

/// The furthest a link or an imported trace may place the cursor (one hour of virtual time):
/// further would keep the page busy for minutes, and no lesson needs it.
pub const MAX_CURSOR: Time = 3_600 * 1_000_000;

/// The simulated network between every pair of processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Smallest one-way latency.
    #[serde(rename = "latency_min_us")]
    pub latency_min: Micros,
    /// Largest one-way latency (uniform in between; reordering follows from it).
    #[serde(rename = "latency_max_us")]
    pub latency_max: Micros,
    /// Chance a message is lost, in parts per million.
    pub loss_ppm: u32,
    /// Chance a message is delivered twice, in parts per million.
    pub duplicate_ppm: u32,
}

impl NetworkConfig {
    /// A datacenter: 1–5 ms, nothing lost.
    pub fn datacenter() -> NetworkConfig {
        NetworkConfig {
            latency_min: MS,
            latency_max: 5 * MS,
            loss_ppm: 0,
            duplicate_ppm: 0,
        }
    }

    /// Slow enough to watch each message travel.
    pub fn classroom() -> NetworkConfig {
        NetworkConfig {
            latency_min: 60 * MS,
            latency_max: 140 * MS,
            loss_ppm: 0,
            duplicate_ppm: 0,
        }
    }

    /// Range checks with a message naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.latency_min > self.latency_max {
            return Err(format!(
                "latency min ({} ms) is above latency max ({} ms)",
                self.latency_min / MS,
                self.latency_max / MS
            ));
        }
        if self.latency_max > 60_000 * MS {
            return Err("latency max must be at most 60 s".into());
        }
        if self.loss_ppm > 1_000_000 || self.duplicate_ppm > 1_000_000 {
            return Err("loss and duplicate rates must be 0–100 %".into());
        }
        Ok(())
    }
}

/// Simulated clients: timestamp clients, and lock clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientLoad {
    /// How many timestamp clients (0 = none).
    pub count: u16,
    /// Timestamps per request.
    pub batch: u64,
    /// Mean pause between requests.
    #[serde(rename = "think_us")]
    pub think: Micros,
    /// Per-attempt timeout.
    #[serde(rename = "timeout_us")]
    pub timeout: Micros,
    /// How many lock clients (0 = none).
    pub lock_clients: u16,
    /// How many named locks they share.
    pub locks: u8,
    /// How long a lock client holds a lock.
    #[serde(rename = "lock_hold_us")]
    pub lock_hold: Micros,
}

impl ClientLoad {
    /// No clients.
    pub fn none() -> ClientLoad {
        ClientLoad::NO_LOCKS
    }

    /// No lock clients (the lock fields of a timestamp-only load).
    pub const NO_LOCKS: ClientLoad = ClientLoad {
        count: 0,
        batch: 10,
        think: 500 * MS,
        timeout: 3_000 * MS,
        lock_clients: 0,
        locks: 2,
        lock_hold: 4_000 * MS,
    };

    /// The behaviour every timestamp client gets.
    pub fn params(&self) -> ClientParams {
        ClientParams {
            batch: self.batch,
            think: self.think,
            timeout: self.timeout,
            retry_pause: 100 * MS,
            one_shot: false,
            locks: None,
        }
    }

    /// The behaviour every lock client gets, under a lease of `lease`.
    pub fn lock_params(&self, lease: Micros) -> ClientParams {
        ClientParams {
            locks: Some(LockPlan {
                names: self.locks,
                hold: self.lock_hold,
                lease,
            }),
            ..self.params()
        }
    }

    /// Range checks.
    pub fn validate(&self, max_batch: u64) -> Result<(), String> {
        if self.count > 64 {
            return Err(format!("clients must be 0–64, got {}", self.count));
        }
        if self.batch == 0 || self.batch > max_batch {
            return Err(format!(
                "client batch must be 1–{max_batch}, got {}",
                self.batch
            ));
        }
        if self.think == 0
            || self.timeout == 0
            || self.think > 600_000 * MS
            || self.timeout > 600_000 * MS
        {
            return Err("client think time and timeout must be 1 µs – 600 s".into());
        }
        if self.lock_clients > 16 || self.locks == 0 || self.locks > 26 {
            return Err("lock clients must be 0–16, sharing 1–26 locks".into());
        }
        if self.lock_hold == 0 || self.lock_hold > 600_000 * MS {
            return Err("a lock is held for 1 µs – 600 s".into());
        }
        Ok(())
    }
}

/// A run's whole configuration. In a trace the seed stands beside it, at the top.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// The one seed behind every random draw.
    #[serde(skip)]
    pub seed: u64,
    /// Protocol parameters (timeouts, backoff, bugs, cluster size).
    pub protocol: ProtocolConfig,
    /// Network model.
    pub network: NetworkConfig,
    /// Client load.
    pub clients: ClientLoad,
    /// The network and the timers do nothing on their own: after the boots, every delivery,
    /// loss, duplicate and timer firing is a [`super::intervention::Scripted`] intervention
    /// (how a model checker's counterexample replays). Absent in ordinary traces.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub scripted: bool,
}

/// Named starting points for a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Slowed down for people: 60–140 ms messages, 300 ms pings, bound buffer 100.
    Classroom,
    /// AtlasDB TimeLock's real constants on a 1–5 ms network.
    AtlasDb,
}

impl Preset {
    /// Every preset's name, as the CLI and links accept them.
    pub const NAMES: &'static [&'static str] = &["classroom", "atlasdb"];

    /// Name in URLs and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Classroom => "classroom",
            Preset::AtlasDb => "atlasdb",
        }
    }

    /// Parses [`Preset::name`].
    pub fn from_name(s: &str) -> Option<Preset> {
        match s {
            "classroom" => Some(Preset::Classroom),
            "atlasdb" => Some(Preset::AtlasDb),
            _ => None,
        }
    }
}

/// What a field left out of a hand-written trace means: the classroom preset's value.
impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig::classroom(0)
    }
}

/// The classroom network.
impl Default for NetworkConfig {
    fn default() -> NetworkConfig {
        NetworkConfig::classroom()
    }
}

/// The classroom clients.
impl Default for ClientLoad {
    fn default() -> ClientLoad {
        SimConfig::classroom(0).clients
    }
}

impl SimConfig {
    /// A configuration from a preset.
    pub fn preset(preset: Preset, nodes: u8, seed: u64) -> SimConfig {
        match preset {
            Preset::Classroom => SimConfig {
                seed,
                protocol: ProtocolConfig::classroom(nodes),
                network: NetworkConfig::classroom(),
                clients: ClientLoad {
                    count: 2,
                    batch: 10,
                    think: 600 * MS,
                    timeout: 2_500 * MS,
                    ..ClientLoad::NO_LOCKS
                },
                scripted: false,
            },
            Preset::AtlasDb => SimConfig {
                seed,
                protocol: ProtocolConfig::atlasdb(nodes),
                network: NetworkConfig::datacenter(),
                clients: ClientLoad {
                    count: 4,
                    batch: 100,
                    think: 20 * MS,
                    timeout: 3_000 * MS,
                    lock_hold: 20_000 * MS,
                    ..ClientLoad::NO_LOCKS
                },
                scripted: false,
            },
        }
    }

    /// The default a newcomer sees: the classroom preset, 5 nodes.
    pub fn classroom(seed: u64) -> SimConfig {
        SimConfig::preset(Preset::Classroom, 5, seed)
    }

    /// Checks every field; the message says which one and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        self.protocol.validate()?;
        self.network.validate()?;
        self.clients
            .validate(self.protocol.max_timestamps_per_request)
    }
}

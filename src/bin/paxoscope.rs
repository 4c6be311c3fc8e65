//! `paxoscope`: run scenarios, list them, and swarm-test the engine from the command line.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fmt;
    use std::io::Write;
    use std::process::ExitCode;

    use clap::builder::PossibleValuesParser;
    use clap::{Parser, Subcommand};
    use paxoscope::engine::{BackoffPolicy, Bugs, Protocol, Quirks, MS};
    use paxoscope::sim::config::Preset;
    use paxoscope::sim::scenario;
    use paxoscope::sim::summary::Summary;
    use paxoscope::sim::swarm::{self, SwarmOutcome};
    use paxoscope::sim::trace;
    use paxoscope::sim::{fresh_seed, Run, SimConfig};

    /// Prints a line on stdout; a closed pipe (`paxoscope swarm … | head`) ends the program
    /// quietly instead of panicking.
    macro_rules! say {
        ($($arg:tt)*) => {
            if writeln!(std::io::stdout(), $($arg)*).is_err() {
                std::process::exit(0);
            }
        };
    }

    /// What can stop a command after clap has checked the arguments' shapes and names.
    #[derive(Debug)]
    enum CliError {
        /// The options combine into a configuration the engine refuses.
        Config(String),
        /// The trace file could not be written.
        Write {
            path: std::path::PathBuf,
            error: std::io::Error,
        },
        /// No seed was given and the system could not draw one.
        NoSeed(String),
    }

    impl fmt::Display for CliError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                CliError::Config(e) => write!(f, "{e}"),
                CliError::Write { path, error } => {
                    write!(f, "cannot write {}: {error}", path.display())
                }
                CliError::NoSeed(e) => write!(f, "{e}; pass --seed"),
            }
        }
    }

    impl CliError {
        fn exit(&self) -> ExitCode {
            eprintln!("error: {self}");
            ExitCode::from(2)
        }
    }

    fn names(list: &'static [&'static str]) -> PossibleValuesParser {
        PossibleValuesParser::new(list.iter().copied())
    }

    fn scenario_names() -> PossibleValuesParser {
        PossibleValuesParser::new(scenario::all().into_iter().map(|s| s.name))
    }

    /// AtlasDB TimeLock's Paxos — leader election and the timestamp bound — simulated
    /// deterministically. One seed reproduces a run exactly.
    #[derive(Parser)]
    #[command(name = "paxoscope", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Simulate a run and print what happened (exit code 1 if an invariant was violated).
        Run(RunArgs),
        /// List the scenarios with a one-line description.
        Scenarios,
        /// Random fault schedules derived from each seed: safety, then heal and require a leader.
        Swarm(SwarmArgs),
    }

    #[derive(clap::Args)]
    struct SwarmArgs {
        /// Seed range, e.g. 0..10000 (end exclusive). Without it, --count seeds from a start
        /// drawn at random (printed, so the run can be repeated).
        #[arg(long, value_parser = parse_range)]
        seeds: Option<(u64, u64)>,
        /// How many seeds to run when --seeds is not given.
        #[arg(long, default_value_t = 1000, conflicts_with = "seeds",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        count: u64,
        /// Worker threads (default: available cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Turn on an injected bug in every seed (repeatable): the swarm must find it.
        #[arg(long, value_parser = names(Bugs::NAMES))]
        bug: Vec<String>,
        /// Protocol profile: textbook, or atlasdb (every AtlasDB quirk on). Failures are
        /// attributed to the quirks responsible.
        #[arg(long, default_value = "textbook", value_parser = names(Protocol::NAMES))]
        protocol: String,
        /// Turn on one AtlasDB quirk (repeatable).
        #[arg(long, value_parser = names(Quirks::NAMES))]
        quirk: Vec<String>,
        /// Add lock clients to every seed (the lock service's safety is checked too).
        #[arg(long)]
        locks: bool,
        /// Print a progress line on stderr every few seconds.
        #[arg(long)]
        progress: bool,
    }

    #[derive(clap::Args)]
    struct RunArgs {
        /// Start from a named scenario (see `paxoscope scenarios`).
        #[arg(long, value_parser = scenario_names())]
        scenario: Option<String>,
        /// Timing preset when no scenario is given.
        #[arg(long, default_value = "classroom", value_parser = names(Preset::NAMES))]
        preset: String,
        /// The seed behind every random draw (default: the scenario's, or one drawn at random
        /// and printed).
        #[arg(long)]
        seed: Option<u64>,
        /// Cluster size.
        #[arg(long, value_parser = clap::value_parser!(u8).range(3..=9))]
        nodes: Option<u8>,
        /// Virtual time to simulate, in milliseconds (up to an hour).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
        duration_ms: Option<u64>,
        /// Backoff before proposing leadership.
        #[arg(long, value_parser = names(&BackoffPolicy::NAMES))]
        backoff: Option<String>,
        /// The backoff's (maximum) wait in milliseconds.
        #[arg(long)]
        backoff_max_ms: Option<u64>,
        /// Message loss: a fraction (0.3) or a percentage (30%).
        #[arg(long, value_parser = parse_rate)]
        loss: Option<u32>,
        /// Turn on an injected bug (repeatable).
        #[arg(long, value_parser = names(Bugs::NAMES))]
        bug: Vec<String>,
        /// Turn every bug off (run a counterexample scenario with the protocol intact).
        #[arg(long, conflicts_with = "bug")]
        no_bugs: bool,
        /// Protocol profile: textbook (the default) or atlasdb (every AtlasDB quirk on).
        #[arg(long, value_parser = names(Protocol::NAMES))]
        protocol: Option<String>,
        /// Turn on one AtlasDB quirk (repeatable), e.g. accept-without-state.
        #[arg(long, value_parser = names(Quirks::NAMES))]
        quirk: Vec<String>,
        /// Write the trace (JSON) to this file.
        #[arg(long)]
        trace: Option<std::path::PathBuf>,
        /// Print one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    }

    fn parse_range(s: &str) -> Result<(u64, u64), String> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| format!("expected A..B, got '{s}'"))?;
        let a: u64 = a
            .trim()
            .parse()
            .map_err(|_| format!("'{a}' is not a number"))?;
        let b: u64 = b
            .trim()
            .parse()
            .map_err(|_| format!("'{b}' is not a number"))?;
        if b <= a {
            return Err(format!("the range {a}..{b} is empty"));
        }
        Ok((a, b))
    }

    /// Parts per million from "0.3" or "30%".
    fn parse_rate(s: &str) -> Result<u32, String> {
        let (num, scale) = match s.strip_suffix('%') {
            Some(p) => (p, 10_000.0),
            None => (s, 1_000_000.0),
        };
        let v: f64 = num
            .trim()
            .parse()
            .map_err(|_| format!("'{s}' is not a rate (use 0.3 or 30%)"))?;
        let ppm = v * scale;
        if !(0.0..=1_000_000.0).contains(&ppm) || ppm.is_nan() {
            return Err(format!("'{s}' is outside 0–100%"));
        }
        Ok(ppm.round() as u32)
    }

    /// Where a run's seed came from, for the report.
    enum SeedSource {
        Given,
        Scenario,
        Drawn,
    }

    /// What `build` makes: configuration, interventions, duration, and where the seed came from.
    type Built = (
        SimConfig,
        Vec<paxoscope::sim::Intervention>,
        u64,
        SeedSource,
    );

    /// The configuration the options describe. Names and ranges were checked by clap, so only
    /// the engine's own consistency checks and the seed draw can fail here.
    fn build(args: &RunArgs) -> Result<Built, CliError> {
        let scenario = args.scenario.as_deref().and_then(scenario::by_name);
        let (mut cfg, interventions, duration) = match scenario {
            Some(s) => (s.config, s.interventions, s.duration),
            None => {
                let preset = Preset::from_name(&args.preset).unwrap_or(Preset::Classroom);
                (SimConfig::preset(preset, 5, 1), vec![], 20_000 * MS)
            }
        };
        let source = match (args.seed, &args.scenario) {
            (Some(seed), _) => {
                cfg.seed = seed;
                SeedSource::Given
            }
            (None, Some(_)) => SeedSource::Scenario,
            (None, None) => {
                cfg.seed = fresh_seed().map_err(CliError::NoSeed)?;
                SeedSource::Drawn
            }
        };
        if let Some(n) = args.nodes {
            cfg.protocol.nodes = n;
        }
        if args.backoff.is_some() || args.backoff_max_ms.is_some() {
            let name = args
                .backoff
                .clone()
                .unwrap_or_else(|| cfg.protocol.backoff.name().to_string());
            let max = args
                .backoff_max_ms
                .map_or(cfg.protocol.backoff.max_wait(), |m| m.saturating_mul(MS));
            if let Some(b) = BackoffPolicy::from_name(&name, max) {
                cfg.protocol.backoff = b;
            }
        }
        if let Some(loss) = args.loss {
            cfg.network.loss_ppm = loss;
        }
        if args.no_bugs {
            cfg.protocol.bugs = Bugs::default();
        }
        for b in &args.bug {
            cfg.protocol.bugs.set(b, true);
        }
        if let Some(p) = args.protocol.as_deref().and_then(Protocol::from_name) {
            cfg.protocol.quirks = p.quirks();
        }
        for q in &args.quirk {
            cfg.protocol.quirks.set(q, true);
        }
        cfg.validate().map_err(CliError::Config)?;
        let duration = args.duration_ms.map_or(duration, |d| d * MS);
        Ok((cfg, interventions, duration, source))
    }

    fn run(args: RunArgs) -> ExitCode {
        let (cfg, interventions, duration, source) = match build(&args) {
            Ok(x) => x,
            Err(e) => return e.exit(),
        };
        let seed = cfg.seed;
        let mut run = match Run::new(cfg, interventions) {
            Ok(r) => r,
            Err(e) => return CliError::Config(e).exit(),
        };
        run.seek(duration);
        if let Some(path) = &args.trace {
            if let Err(error) = std::fs::write(path, trace::export(&run)) {
                return CliError::Write {
                    path: path.clone(),
                    error,
                }
                .exit();
            }
        }
        let summary = Summary::of(&run);
        let drawn = matches!(source, SeedSource::Drawn);
        if args.json {
            say!("{}", summary.json());
            if drawn {
                eprintln!("seed {seed} was drawn at random; add --seed {seed} to repeat this run");
            }
        } else {
            if let Some(name) = &args.scenario {
                say!("scenario {name}");
            }
            for line in summary.text().lines() {
                say!("{line}");
            }
            if drawn {
                say!("seed {seed} was drawn at random; add --seed {seed} to repeat this run");
            }
        }
        if summary.safe() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    fn swarm_cmd(args: SwarmArgs) -> ExitCode {
        let mut switches = swarm::Switches::default();
        for b in &args.bug {
            switches.bugs.set(b, true);
        }
        if let Some(p) = Protocol::from_name(&args.protocol) {
            switches.quirks = p.quirks();
        }
        switches.locks = args.locks;
        for q in &args.quirk {
            switches.quirks.set(q, true);
        }
        let (seeds, drawn) = match args.seeds {
            Some(range) => (range, false),
            None => match fresh_seed() {
                // Room for the whole range below 2^64.
                Ok(s) => {
                    let start = s.min(u64::MAX - args.count);
                    ((start, start + args.count), true)
                }
                Err(e) => return CliError::NoSeed(e).exit(),
            },
        };
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let start = std::time::Instant::now();
        let results = swarm::run_range(seeds, switches, threads, args.progress);
        let steps: u64 = results.iter().map(|r| r.steps).sum();
        let mut failures = 0;
        for r in &results {
            match &r.outcome {
                SwarmOutcome::Passed => continue,
                SwarmOutcome::Unsafe(v) => {
                    say!(
                        "seed {}: UNSAFE {}: {}",
                        r.seed,
                        v.invariant.name(),
                        v.detail
                    )
                }
                SwarmOutcome::NoLeader => {
                    say!("seed {}: no leader after the network healed", r.seed)
                }
            }
            failures += 1;
            if !switches.quirks.none() {
                let blamed = swarm::attribute(r.seed, switches);
                if blamed.is_empty() {
                    say!("  attributed to: no quirk — it fails with every quirk off");
                } else {
                    let mut only = switches;
                    only.quirks = Quirks::default();
                    for q in &blamed {
                        only.quirks.set(q, true);
                    }
                    say!(
                        "  attributed to: {} (fails with only these on; passes if any is off: {})",
                        blamed.join(" + "),
                        swarm::reproduce_line(r.seed, only)
                    );
                }
            }
            say!("  reproduce: {}", swarm::reproduce_line(r.seed, switches));
        }
        let secs = start.elapsed().as_secs_f64();
        say!(
            "swarm: {} seeds, {} failed, {} steps in {:.1} s ({:.2} M steps/s on {} threads)",
            results.len(),
            failures,
            steps,
            secs,
            steps as f64 / secs / 1e6,
            threads
        );
        if drawn {
            say!(
                "seeds {}..{} were drawn at random; repeat with --seeds {}..{}",
                seeds.0,
                seeds.1,
                seeds.0,
                seeds.1
            );
        }
        if failures == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    pub fn main() -> ExitCode {
        match Cli::parse().command {
            Command::Run(args) => run(args),
            Command::Scenarios => {
                for s in scenario::all() {
                    say!("{:<28} {}", s.name, s.summary);
                }
                ExitCode::SUCCESS
            }
            Command::Swarm(args) => swarm_cmd(args),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

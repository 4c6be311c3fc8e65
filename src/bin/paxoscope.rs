//! `paxoscope`: run scenarios, list them, swarm-test the engine and sweep experiments from the
//! command line.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fmt;
    use std::io::Write;
    use std::process::ExitCode;

    use clap::builder::PossibleValuesParser;
    use clap::{Parser, Subcommand};
    use paxoscope::check::{self, CheckConfig, LogUnderTest, Search, Verdict};
    use paxoscope::codec::summary::Summary;
    use paxoscope::codec::sweep as codec_sweep;
    use paxoscope::codec::trace;
    use paxoscope::engine::{BackoffPolicy, Bugs, Protocol, Quirks, MS};
    use paxoscope::sim::config::Preset;
    use paxoscope::sim::scenario;
    use paxoscope::sim::swarm::{self, SwarmOutcome};
    use paxoscope::sim::sweep::{self, SweepSpec};
    use paxoscope::sim::{fresh_seed, Invariant, Run, SimConfig};

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
        /// Run a scenario many times per setting and measure the downtime after its fault
        /// (e.g. the leader crash): a table per setting, CSV rows per run.
        Sweep(SweepArgs),
        /// Model-check a small cluster: every interleaving of deliveries, timer firings,
        /// duplicates, losses, crashes and requests within the bounds (exit code 1 if an
        /// invariant can be violated; --trace writes the counterexample as a replayable trace).
        Check(CheckArgs),
    }

    #[derive(clap::Args)]
    struct CheckArgs {
        /// Cluster size.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(3..=5))]
        nodes: u8,
        /// The log under test: leadership (cold start, two proposers compete) or timestamp
        /// (node 1 leads and serves; node 2 may take over; both race for the next bound).
        #[arg(long, default_value = "leadership", value_parser = names(&["leadership", "timestamp"]))]
        log: String,
        /// Breadth-first search: the counterexample found is a shortest one.
        #[arg(long, conflicts_with = "dfs")]
        bfs: bool,
        /// Depth-first search (the default).
        #[arg(long)]
        dfs: bool,
        /// Longest path explored, in moves after the configuration's prefix.
        #[arg(long)]
        max_depth: Option<u32>,
        /// Crashes allowed in a run (a crashed node may restart).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=3))]
        crashes: Option<u8>,
        /// Nodes 1..=P have timers that fire (the others never time out).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        proposers: Option<u8>,
        /// Timer firings per active node.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=16))]
        timers: Option<u8>,
        /// Messages the network may duplicate in a run.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=8))]
        duplicates: Option<u8>,
        /// Messages the network may lose in a run.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=8))]
        losses: Option<u8>,
        /// One-off client requests in a run.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=8))]
        requests: Option<u8>,
        /// Client retry timers that may fire in a run.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=8))]
        client_timeouts: Option<u8>,
        /// Turn on an injected bug (repeatable).
        #[arg(long, value_parser = names(Bugs::NAMES))]
        bug: Vec<String>,
        /// Protocol profile: textbook (the default) or atlasdb (every AtlasDB quirk on).
        #[arg(long, default_value = "textbook", value_parser = names(Protocol::NAMES))]
        protocol: String,
        /// Turn on one AtlasDB quirk (repeatable).
        #[arg(long, value_parser = names(Quirks::NAMES))]
        quirk: Vec<String>,
        /// Seed of the process identities drawn at each start.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Keep searching past violations of this invariant (repeatable), e.g.
        /// promise-reports-accepted, to see whether a stronger one breaks later.
        #[arg(long, value_parser = PossibleValuesParser::new(Invariant::ALL.map(Invariant::name)))]
        ignore: Vec<String>,
        /// Stop after this many unique states.
        #[arg(long, default_value_t = 50_000_000)]
        max_states: u64,
        /// Branch on every delivery, quiet ones too (the reduction is on by default).
        #[arg(long)]
        no_reduction: bool,
        /// Print one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
        /// Write the counterexample (if any) to this file as a trace `run --import` replays.
        #[arg(long)]
        trace: Option<std::path::PathBuf>,
    }

    #[derive(clap::Args)]
    struct SweepArgs {
        /// The scenario every run starts from (its fault is where downtime counts from).
        #[arg(long, default_value = "leader-crash", value_parser = scenario_names())]
        scenario: String,
        /// Timing preset laid over the scenario's timings and network.
        #[arg(long, value_parser = names(Preset::NAMES))]
        preset: Option<String>,
        /// Protocol profile (default: the scenario's).
        #[arg(long, value_parser = names(Protocol::NAMES))]
        protocol: Option<String>,
        /// Cluster sizes, comma-separated, e.g. 3,5,7 (default: the scenario's).
        #[arg(long)]
        nodes: Option<String>,
        /// Backoff policy (default: the scenario's).
        #[arg(long, value_parser = names(&BackoffPolicy::NAMES))]
        backoff: Option<String>,
        /// The backoff's maximum waits to compare, in ms, comma-separated, e.g. 0,5,25,50,150,300.
        #[arg(long)]
        backoff_max_ms: Option<String>,
        /// Loss rates, comma-separated, as fractions or percentages, e.g. 0,10%.
        #[arg(long)]
        loss: Option<String>,
        /// One-way latency ranges in ms, comma-separated, e.g. 60-140,1-5.
        #[arg(long)]
        latency: Option<String>,
        /// Runs per setting.
        #[arg(long, default_value_t = 100)]
        runs: u32,
        /// The sweep's seed (each run's seed is derived from it, the setting and the run).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How long after the fault a run may take to elect a leader, in ms.
        #[arg(long, default_value_t = 30_000)]
        horizon_ms: u64,
        /// Write one CSV row per run to this file ("-" for stdout, instead of the table).
        #[arg(long)]
        csv: Option<std::path::PathBuf>,
        /// Print one JSON object (the summary per setting) instead of the table.
        #[arg(long)]
        json: bool,
        /// Draw the downtime CDF per setting (log time axis, as the Raft paper's Figure 16)
        /// into this SVG file.
        #[arg(long)]
        svg: Option<std::path::PathBuf>,
        /// The SVG's title.
        #[arg(long, default_value = "Time without a leader after a leader crash")]
        title: String,
        /// Worker threads (default: available cores).
        #[arg(long)]
        threads: Option<usize>,
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
        /// Replay this trace file (e.g. a model checker's counterexample) instead of building
        /// a run from the other options, and report it.
        #[arg(long, conflicts_with_all = ["scenario", "seed", "nodes", "duration_ms"])]
        import: Option<std::path::PathBuf>,
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

    /// `run --import FILE`: the trace's run, rebuilt and checked against its record.
    fn run_imported(args: &RunArgs, path: &std::path::Path) -> ExitCode {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                return CliError::Config(format!("cannot read {}: {e}", path.display())).exit()
            }
        };
        let imported = match trace::import(&text) {
            Ok(i) => i,
            Err(e) => return CliError::Config(e.to_string()).exit(),
        };
        let (run, replay) = match trace::rebuild(&imported) {
            Ok(x) => x,
            Err(e) => return CliError::Config(e.to_string()).exit(),
        };
        let summary = Summary::of(&run);
        if args.json {
            say!("{}", summary.json());
        } else {
            say!("imported {}: replay {:?}", path.display(), replay);
            for line in summary.text().lines() {
                say!("{line}");
            }
        }
        if summary.safe() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    fn run(args: RunArgs) -> ExitCode {
        if let Some(path) = &args.import {
            return run_imported(&args, path);
        }
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

    /// The sweep the options describe. Names were checked by clap; lists and ranges here.
    fn sweep_spec(args: &SweepArgs) -> Result<SweepSpec, CliError> {
        sweep_spec_inner(args).map_err(CliError::Config)
    }

    fn sweep_spec_inner(args: &SweepArgs) -> Result<SweepSpec, String> {
        let mut spec = SweepSpec::for_scenario(&args.scenario)
            .map_err(|e| format!("{e} (see `paxoscope scenarios`)"))?;
        if let Some(p) = args.preset.as_deref().and_then(Preset::from_name) {
            spec.set_preset(p);
        }
        if let Some(p) = args.protocol.as_deref().and_then(Protocol::from_name) {
            spec.protocol = Some(p);
        }
        let list = |what: &str, e: String| format!("--{what}: {e}");
        if let Some(v) = &args.nodes {
            spec.nodes = sweep::parse_list(v, sweep::parse_nodes).map_err(|e| list("nodes", e))?;
        }
        if let Some(b) = &args.backoff {
            spec.backoff = b.clone();
        }
        if let Some(v) = &args.backoff_max_ms {
            spec.backoff_max =
                sweep::parse_list(v, sweep::parse_ms).map_err(|e| list("backoff-max-ms", e))?;
        }
        if let Some(v) = &args.loss {
            spec.loss = sweep::parse_list(v, sweep::parse_loss).map_err(|e| list("loss", e))?;
        }
        if let Some(v) = &args.latency {
            spec.latency =
                sweep::parse_list(v, sweep::parse_latency).map_err(|e| list("latency", e))?;
        }
        spec.runs = args.runs;
        spec.seed = args.seed;
        spec.horizon = args.horizon_ms.saturating_mul(MS);
        spec.validate()?;
        Ok(spec)
    }

    fn sweep_cmd(args: SweepArgs) -> ExitCode {
        let spec = match sweep_spec(&args) {
            Ok(s) => s,
            Err(e) => return e.exit(),
        };
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let start = std::time::Instant::now();
        let rows = match sweep::run_all(&spec, threads, true) {
            Ok(r) => r,
            Err(e) => return CliError::Config(e).exit(),
        };
        let secs = start.elapsed().as_secs_f64();
        let steps: u64 = rows.iter().map(|r| r.m.steps).sum();
        eprintln!(
            "sweep: {} runs in {:.2} s ({:.2} M steps/s on {} threads)",
            rows.len(),
            secs,
            steps as f64 / secs / 1e6,
            threads
        );
        let summaries = sweep::summarize(&spec, &rows);
        let mut to_stdout = false;
        if let Some(path) = &args.csv {
            let mut text = String::from(codec_sweep::CSV_HEADER);
            text.push('\n');
            for r in &rows {
                text.push_str(&r.csv());
                text.push('\n');
            }
            if path.as_os_str() == "-" {
                for line in text.lines() {
                    say!("{line}");
                }
                to_stdout = true;
            } else if let Err(error) = std::fs::write(path, text) {
                return CliError::Write {
                    path: path.clone(),
                    error,
                }
                .exit();
            }
        }
        if let Some(path) = &args.svg {
            if let Err(error) =
                std::fs::write(path, codec_sweep::cdf_svg(&spec, &rows, &args.title))
            {
                return CliError::Write {
                    path: path.clone(),
                    error,
                }
                .exit();
            }
        }
        if args.json {
            say!("{}", codec_sweep::json(&spec, &summaries));
        } else if to_stdout {
            eprint!("{}", codec_sweep::table(&spec, &summaries));
        } else {
            for line in codec_sweep::table(&spec, &summaries).lines() {
                say!("{line}");
            }
        }
        ExitCode::SUCCESS
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

    /// Longest line of a refusal: clap quotes the offending value whole, and a pasted megabyte
    /// must not come back at the user.
    const MAX_ERROR_LINE: usize = 300;

    /// Parses the arguments; on a refusal, clap's message with every line cut to
    /// [`MAX_ERROR_LINE`] characters (help and version print as clap prints them).
    fn parse_args<I, T>(args: I) -> Result<Cli, (String, ExitCode)>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Cli::try_parse_from(args).map_err(|e| {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    (e.render().to_string(), ExitCode::from(e.exit_code() as u8))
                }
                _ => {
                    let text = e.render().to_string();
                    let lines: Vec<String> = text
                        .lines()
                        .map(|l| paxoscope::sim::units::clip(l, MAX_ERROR_LINE))
                        .collect();
                    (lines.join("\n"), ExitCode::from(2))
                }
            }
        })
    }

    /// The model-checking configuration the options describe.
    fn check_config(args: &CheckArgs) -> CheckConfig {
        let log = LogUnderTest::from_name(&args.log).unwrap_or(LogUnderTest::Leadership);
        let mut cfg = CheckConfig::new(args.nodes, log);
        cfg.search = if args.bfs { Search::Bfs } else { Search::Dfs };
        let b = &mut cfg.bounds;
        let set = |v: Option<u8>, slot: &mut u8| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        if let Some(d) = args.max_depth {
            b.max_depth = d;
        }
        set(args.crashes, &mut b.crashes);
        set(args.proposers, &mut b.proposers);
        set(args.timers, &mut b.timers);
        set(args.duplicates, &mut b.duplicates);
        set(args.losses, &mut b.losses);
        set(args.requests, &mut b.requests);
        set(args.client_timeouts, &mut b.client_timeouts);
        for name in &args.bug {
            cfg.bugs.set(name, true);
        }
        if let Some(p) = Protocol::from_name(&args.protocol) {
            cfg.quirks = p.quirks();
        }
        for q in &args.quirk {
            cfg.quirks.set(q, true);
        }
        cfg.seed = args.seed;
        cfg.max_states = args.max_states;
        cfg.reduce = !args.no_reduction;
        cfg.ignore = args
            .ignore
            .iter()
            .filter_map(|n| Invariant::from_name(n))
            .collect();
        cfg
    }

    fn check_cmd(args: CheckArgs) -> ExitCode {
        let cfg = check_config(&args);
        if let Err(e) = cfg.sim_config().validate() {
            return CliError::Config(e).exit();
        }
        let (explorer, report) = check::check(cfg.clone());
        let mut trace_written = None;
        if let (Some(path), Verdict::Violation { path: moves, .. }) = (&args.trace, &report.verdict)
        {
            let text = match check::replay::run(explorer.model(), moves) {
                Ok(run) => trace::export(&run),
                Err(e) => return CliError::Config(e).exit(),
            };
            if let Err(error) = std::fs::write(path, text) {
                return CliError::Write {
                    path: path.clone(),
                    error,
                }
                .exit();
            }
            trace_written = Some(path.clone());
        }
        if args.json {
            say!("{}", check::report_json(&cfg, &report));
        } else {
            for line in check::report_text(&cfg, &report, explorer.model()).lines() {
                say!("{line}");
            }
            if let Some(p) = trace_written {
                say!(
                    "counterexample written to {} (replay: paxoscope run --import {})",
                    p.display(),
                    p.display()
                );
            }
        }
        match report.verdict {
            Verdict::Violation { .. } => ExitCode::from(1),
            _ => ExitCode::SUCCESS,
        }
    }

    pub fn main() -> ExitCode {
        let cli = match parse_args(std::env::args_os()) {
            Ok(cli) => cli,
            Err((text, code)) => {
                if code == ExitCode::SUCCESS {
                    say!("{}", text.trim_end());
                } else {
                    eprintln!("{}", text.trim_end());
                }
                return code;
            }
        };
        match cli.command {
            Command::Run(args) => run(args),
            Command::Scenarios => {
                for s in scenario::all() {
                    say!("{:<28} {}", s.name, s.summary);
                }
                ExitCode::SUCCESS
            }
            Command::Swarm(args) => swarm_cmd(args),
            Command::Sweep(args) => sweep_cmd(args),
            Command::Check(args) => check_cmd(args),
        }
    }

    /// Everything `main` does before it starts simulating: what the fuzz test drives.
    #[cfg(test)]
    fn check_without_running(cli: &Cli) -> Result<(), String> {
        match &cli.command {
            Command::Run(args) => build(args).map(|_| ()).map_err(|e| e.to_string()),
            Command::Sweep(args) => sweep_spec(args).map(|_| ()).map_err(|e| e.to_string()),
            Command::Check(args) => check_config(args).sim_config().validate(),
            Command::Swarm(_) | Command::Scenarios => Ok(()),
        }
    }

    /// Fuzzing the third untrusted input (after share links and traces, `tests/fuzz.rs`): argument
    /// vectors mutated from valid command lines are parsed and, when clap accepts them, turned
    /// into a configuration or sweep — never a panic, and every refusal is short. Cases scale with
    /// `PAXOSCOPE_FUZZ_SCALE` like the other fuzz tests (see the README's Hardening section).
    #[cfg(test)]
    mod fuzz {
        use proptest::prelude::*;

        const VALID: [&[&str]; 7] = [
            &[
                "check",
                "--nodes",
                "3",
                "--log",
                "timestamp",
                "--bfs",
                "--max-depth",
                "12",
                "--crashes",
                "1",
            ],
            &[
                "run",
                "--scenario",
                "leader-crash",
                "--seed",
                "7",
                "--duration-ms",
                "9000",
            ],
            &[
                "run",
                "--preset",
                "atlasdb",
                "--nodes",
                "5",
                "--loss",
                "5%",
                "--backoff",
                "uniform",
                "--backoff-max-ms",
                "300",
            ],
            &[
                "run",
                "--protocol",
                "atlasdb",
                "--quirk",
                "lazy-start",
                "--bug",
                "minority-quorum",
                "--json",
            ],
            &[
                "swarm",
                "--seeds",
                "0..100",
                "--protocol",
                "atlasdb",
                "--locks",
            ],
            &[
                "sweep",
                "--scenario",
                "leader-crash",
                "--backoff-max-ms",
                "0,5,25",
                "--runs",
                "10",
                "--seed",
                "1",
            ],
            &[
                "sweep",
                "--nodes",
                "3,5",
                "--loss",
                "0,10",
                "--latency",
                "1-5,20-40",
                "--csv",
                "-",
            ],
        ];

        fn junk() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                Just("-1".to_string()),
                Just("18446744073709551616".to_string()),
                Just("1e309".to_string()),
                Just("0..0".to_string()),
                Just("5..1".to_string()),
                Just("--".to_string()),
                Just("%".to_string()),
                Just("101%".to_string()),
                Just(",,,".to_string()),
                Just("x".repeat(20_000)),
                "[\\PC]{0,12}",
                "[0-9,.%-]{0,24}",
                "--[a-z-]{1,16}",
            ]
        }

        fn mutated() -> impl Strategy<Value = Vec<String>> {
            (
                0..VALID.len(),
                prop::collection::vec((0u8..4, any::<prop::sample::Index>(), junk()), 1..4),
            )
                .prop_map(|(i, edits)| {
                    let mut v: Vec<String> = VALID[i].iter().map(|s| s.to_string()).collect();
                    for (op, at, junk) in edits {
                        let k = at.index(v.len().max(1));
                        match op {
                            0 if !v.is_empty() => v[k] = junk,
                            1 => v.insert(k.min(v.len()), junk),
                            2 if v.len() > 1 => {
                                v.remove(k);
                            }
                            _ => {
                                let t = v[k % v.len()].clone();
                                v.insert(k.min(v.len()), t);
                            }
                        }
                    }
                    v
                })
        }

        fn cases(base: u32) -> u32 {
            let scale: u32 = std::env::var("PAXOSCOPE_FUZZ_SCALE")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            base.saturating_mul(scale.max(1))
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: cases(2000), failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn mutated_command_lines_are_refused_briefly_or_run_never_a_panic(args in mutated()) {
                let argv = std::iter::once("paxoscope".to_string()).chain(args);
                match super::parse_args(argv) {
                    Ok(cli) => {
                        if let Err(e) = super::check_without_running(&cli) {
                            prop_assert!(e.chars().count() < 2_000, "a {}-char refusal", e.chars().count());
                        }
                    }
                    Err((text, _)) => {
                        for line in text.lines() {
                            prop_assert!(line.chars().count() <= 301, "a {}-char line", line.chars().count());
                        }
                    }
                }
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

//! The Experiments view's state: the sweep being edited or computed, its rows as they stream
//! in from Web Workers, and what the plots and the summary table show. Plain Rust like the rest
//! of the lab: the UI hands it the workers' CSV rows (as [`crate::lab::LabAction`]s) and draws
//! what it says; the runs themselves are [`crate::sim::sweep`]'s.

use crate::engine::{BackoffPolicy, Protocol, MS};
use crate::sim::config::Preset;
use crate::sim::sweep::{self, SettingSummary};
use crate::sim::Time;
use serde::{Deserialize, Serialize};

// What the Experiments panel draws with, re-exported for `src/ui` (which imports only `lab`).
pub use crate::codec::sweep::{show_defined, show_mean, show_ms, PALETTE};
pub use crate::sim::sweep::{ms, RunRow, SweepSpec};

/// Runs a worker computes per message: small enough for a smooth progress bar and a quick
/// Cancel, large enough that messaging costs nothing next to the runs.
pub const CHUNK_RUNS: u32 = 25;

/// Where a sweep is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SweepStatus {
    /// Nothing computed yet.
    #[default]
    Idle,
    /// Workers are computing it.
    Running,
    /// Every row is in.
    Done,
    /// Stopped by the user; the rows so far are kept.
    Cancelled,
    /// A worker reported an error (the message says which).
    Failed(String),
}

/// One unit of work for a worker: `count` runs of setting `setting` from run `first`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Setting index.
    pub setting: usize,
    /// First run.
    pub first: u32,
    /// How many runs.
    pub count: u32,
}

/// What the page asks a sweep worker (`www/sweep-worker.js` hands it to [`run_chunk`] as JSON,
/// unread): one chunk of one job's sweep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkRequest {
    /// The sweep run this chunk belongs to (replies of a cancelled job are ignored).
    pub job: u32,
    /// The sweep, as its `x…` link parameters.
    pub query: String,
    /// Setting index.
    pub setting: usize,
    /// First run.
    pub first: u32,
    /// How many runs.
    pub count: u32,
}

/// What a sweep worker answers: the chunk's rows as CSV lines, or why there are none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkReply {
    /// The request's job.
    pub job: u32,
    /// The rows ([`RunRow::csv`] lines, newline-separated), or what was wrong.
    pub rows: Result<String, String>,
}

/// A worker's whole job: reads a [`ChunkRequest`] written as JSON, runs it, and writes the
/// [`ChunkReply`] as JSON. Bad input gets a reply saying so (job 0 when unreadable), never a
/// panic.
pub fn run_chunk(request: &str) -> String {
    let reply = match serde_json::from_str::<ChunkRequest>(request) {
        Err(e) => ChunkReply {
            job: 0,
            rows: Err(format!("the worker was sent no readable chunk ({e})")),
        },
        Ok(r) => ChunkReply {
            job: r.job,
            rows: match SweepSpec::from_query(&r.query) {
                Some((spec, warnings)) if warnings.is_empty() => spec
                    .run_chunk(r.setting, r.first, r.count)
                    .map(|rows| rows.iter().map(RunRow::csv).collect::<Vec<_>>().join("\n")),
                Some((_, warnings)) => Err(warnings.join(" ")),
                None => Err("the worker was sent no sweep".to_string()),
            },
        },
    };
    serde_json::to_string(&reply).unwrap_or_default()
}

/// Reads a worker's answer (None: not a reply at all).
pub fn read_reply(text: &str) -> Option<ChunkReply> {
    serde_json::from_str(text).ok()
}

/// The Experiments view: a sweep and its results.
#[derive(Clone, Debug, Default)]
pub struct Experiments {
    /// The sweep shown (the last one started, or the default).
    pub spec: SweepSpec,
    /// Changes with every start, so rows of a cancelled sweep arriving late are ignored.
    pub job: u32,
    /// Where the sweep is.
    pub status: SweepStatus,
    /// Rows by (setting × runs + run), None until computed.
    rows: Vec<Option<RunRow>>,
    /// Rows in so far.
    pub done: usize,
    /// Milliseconds from start to the latest rows (the whole sweep once done).
    pub elapsed_ms: Option<u64>,
    /// The setting whose histogram is shown.
    pub selected: usize,
}

/// The form's fields as typed, before they make a [`SweepSpec`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepForm {
    /// Scenario name.
    pub scenario: String,
    /// Preset name, or "" for the scenario's own timings.
    pub preset: String,
    /// Protocol name, or "" for the scenario's.
    pub protocol: String,
    /// Backoff policy name.
    pub backoff: String,
    /// Backoff maxima in ms, comma-separated.
    pub backoff_max: String,
    /// Cluster sizes, comma-separated.
    pub nodes: String,
    /// Loss rates in %, comma-separated.
    pub loss: String,
    /// Latency ranges in ms, comma-separated.
    pub latency: String,
    /// Runs per setting.
    pub runs: String,
    /// The sweep's seed.
    pub seed: String,
}

impl SweepForm {
    /// The form showing `spec`.
    pub fn of(spec: &SweepSpec) -> SweepForm {
        let list = |v: Vec<String>| v.join(", ");
        SweepForm {
            scenario: spec.scenario.clone(),
            preset: spec.preset.map_or("", |p| p.name()).to_string(),
            protocol: spec.protocol.map_or("", |p| p.name()).to_string(),
            backoff: spec.backoff.clone(),
            backoff_max: list(spec.backoff_max.iter().map(|m| sweep::ms(*m)).collect()),
            nodes: list(spec.nodes.iter().map(|n| n.to_string()).collect()),
            loss: list(spec.loss.iter().map(|l| sweep::pct(*l)).collect()),
            latency: list(
                spec.latency
                    .iter()
                    .map(|(a, b)| format!("{}-{}", sweep::ms(*a), sweep::ms(*b)))
                    .collect(),
            ),
            runs: spec.runs.to_string(),
            seed: spec.seed.to_string(),
        }
    }

    /// The sweep the form describes, or what is wrong with it (naming the field).
    pub fn spec(&self, horizon: Time) -> Result<SweepSpec, String> {
        let field = |name: &str, e: String| format!("{name}: {e}.");
        let mut s =
            SweepSpec::for_scenario(self.scenario.trim()).map_err(|e| field("Scenario", e))?;
        match self.preset.as_str() {
            "" => {}
            p => s.set_preset(
                Preset::from_name(p)
                    .ok_or_else(|| field("Timing", format!("unknown preset '{p}'")))?,
            ),
        }
        s.protocol = match self.protocol.as_str() {
            "" => None,
            p => Some(
                Protocol::from_name(p)
                    .ok_or_else(|| field("Protocol", format!("unknown protocol '{p}'")))?,
            ),
        };
        if BackoffPolicy::from_name(&self.backoff, 0).is_none() {
            return Err(field(
                "Backoff",
                format!("unknown policy '{}'", self.backoff),
            ));
        }
        s.backoff = self.backoff.clone();
        s.backoff_max = sweep::parse_list(&self.backoff_max, sweep::parse_ms)
            .map_err(|e| field("Backoff max (ms)", e))?;
        s.nodes =
            sweep::parse_list(&self.nodes, sweep::parse_nodes).map_err(|e| field("Nodes", e))?;
        s.loss = sweep::parse_list(&self.loss, |v| {
            sweep::parse_loss(&format!("{}%", v.trim_end_matches('%')))
        })
        .map_err(|e| field("Loss (%)", e))?;
        s.latency = sweep::parse_list(&self.latency, sweep::parse_latency)
            .map_err(|e| field("Latency (ms)", e))?;
        s.runs = sweep::parse_runs(self.runs.trim()).map_err(|e| field("Runs", e))?;
        s.seed = self
            .seed
            .trim()
            .parse()
            .map_err(|_| field("Seed", format!("'{}' is not a whole number", self.seed)))?;
        s.horizon = horizon;
        s.validate().map_err(|e| format!("{e}."))?;
        Ok(s)
    }
}

impl Experiments {
    /// Opens a sweep from a link; it starts at once unless the link had problems.
    pub fn from_link(spec: SweepSpec, start: bool) -> Experiments {
        let mut e = Experiments {
            spec,
            ..Experiments::default()
        };
        if start {
            e.start(e.spec.clone());
        }
        e
    }

    /// Starts computing `spec` (a validated spec): a new job, no rows yet.
    pub fn start(&mut self, spec: SweepSpec) {
        let total = spec.settings().len() * spec.runs as usize;
        self.spec = spec;
        self.job = self.job.wrapping_add(1);
        self.status = SweepStatus::Running;
        self.rows = vec![None; total];
        self.done = 0;
        self.elapsed_ms = None;
        self.selected = self
            .selected
            .min(self.spec.settings().len().saturating_sub(1));
    }

    /// Every run of the sweep, as chunks for the workers (settings in order).
    pub fn chunks(&self) -> Vec<Chunk> {
        let runs = self.spec.runs;
        (0..self.spec.settings().len())
            .flat_map(|setting| {
                (0..runs)
                    .step_by(CHUNK_RUNS as usize)
                    .map(move |first| Chunk {
                        setting,
                        first,
                        count: CHUNK_RUNS.min(runs - first),
                    })
            })
            .collect()
    }

    /// Runs in the whole sweep.
    pub fn total(&self) -> usize {
        self.rows.len()
    }

    /// Takes a worker's CSV lines for job `job`, `elapsed_ms` after the start. Rows of an
    /// older job or a stopped sweep are ignored; a malformed row fails the sweep.
    pub fn receive(&mut self, job: u32, csv: &str, elapsed_ms: u64) {
        if job != self.job || self.status != SweepStatus::Running {
            return;
        }
        let runs = self.spec.runs as usize;
        let fault_at = self.spec.fault_at();
        for line in csv.lines().filter(|l| !l.trim().is_empty()) {
            match RunRow::parse_csv(line) {
                Ok(mut r) if (r.run as usize) < runs => {
                    r.m.fault_at = fault_at;
                    let i = r.setting as usize * runs + r.run as usize;
                    if let Some(slot) = self.rows.get_mut(i) {
                        if slot.is_none() {
                            self.done += 1;
                        }
                        *slot = Some(r);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    self.status = SweepStatus::Failed(format!("a worker sent a bad row ({e})"));
                    return;
                }
            }
        }
        self.elapsed_ms = Some(elapsed_ms);
        if self.done == self.rows.len() {
            self.status = SweepStatus::Done;
        }
    }

    /// A worker failed: the sweep stops with its message.
    pub fn fail(&mut self, job: u32, error: String) {
        if job == self.job && self.status == SweepStatus::Running {
            self.status = SweepStatus::Failed(error);
        }
    }

    /// Stops the sweep (the UI terminates the workers when it sees this).
    pub fn cancel(&mut self) {
        if self.status == SweepStatus::Running {
            self.status = SweepStatus::Cancelled;
        }
    }

    /// Whether workers should be computing.
    pub fn running(&self) -> bool {
        self.status == SweepStatus::Running
    }

    /// The rows computed so far, in (setting, run) order.
    pub fn rows(&self) -> impl Iterator<Item = &RunRow> {
        self.rows.iter().flatten()
    }

    /// One row, if computed.
    pub fn row(&self, setting: usize, run: u32) -> Option<&RunRow> {
        self.rows
            .get(setting * self.spec.runs as usize + run as usize)?
            .as_ref()
    }

    /// Summaries per setting of the rows so far.
    pub fn summaries(&self) -> Vec<SettingSummary> {
        let rows: Vec<RunRow> = self.rows().copied().collect();
        sweep::summarize(&self.spec, &rows)
    }

    /// Per setting, its runs sorted by downtime (never-elected last): the CDF's points.
    pub fn sorted_runs(&self) -> Vec<Vec<RunRow>> {
        let runs = self.spec.runs as usize;
        (0..self.spec.settings().len())
            .map(|s| {
                // Nothing computed yet (a sweep link with problems waits for Run): no rows.
                let mine = self.rows.get(s * runs..(s + 1) * runs).unwrap_or_default();
                // One integer per run: downtime (never = last) above, run number below (runs
                // < 2^17, downtimes < 2^40 µs), so a plain integer sort orders them.
                let mut keys: Vec<u64> = mine
                    .iter()
                    .flatten()
                    .map(|r| {
                        (r.m.downtime.unwrap_or(1 << 40).min(1 << 40) << 20) | u64::from(r.run)
                    })
                    .collect();
                keys.sort_unstable();
                keys.iter()
                    .filter_map(|k| mine[(k & 0xF_FFFF) as usize])
                    .collect()
            })
            .collect()
    }

    /// The run at a nearest-rank percentile of a setting's downtime (what the table's
    /// numbers open). None while no run of it is in.
    pub fn run_at_percentile(&self, setting: usize, p: usize) -> Option<RunRow> {
        let sorted = self.sorted_runs();
        let v = sorted.get(setting)?;
        if v.is_empty() {
            return None;
        }
        let k = (p * v.len()).div_ceil(100).max(1);
        v.get(k - 1).copied()
    }

    /// The rows as a CSV file (header first), as `paxoscope sweep --csv` writes them.
    pub fn csv(&self) -> String {
        let mut s = String::from(crate::codec::sweep::CSV_HEADER);
        s.push('\n');
        for r in self.rows() {
            s.push_str(&r.csv());
            s.push('\n');
        }
        s
    }

    /// A line for the status bar: "1,234 of 6,000 runs" and the time taken.
    pub fn progress_words(&self) -> String {
        let time = self
            .elapsed_ms
            .map(|ms| format!(" in {} s", crate::sim::units::fixed(i128::from(ms), 3, 2)))
            .unwrap_or_default();
        match &self.status {
            SweepStatus::Idle => "Not run yet.".to_string(),
            SweepStatus::Running => format!("{} of {} runs…", self.done, self.total()),
            SweepStatus::Done => format!("{} runs{time}.", self.total()),
            SweepStatus::Cancelled => {
                format!("Cancelled after {} of {} runs.", self.done, self.total())
            }
            SweepStatus::Failed(e) => format!("Stopped: {e}"),
        }
    }
}

/// The default horizon of a sweep started from the page (as the CLI's).
pub const HORIZON: Time = 30_000 * MS;

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SweepSpec {
        SweepSpec {
            backoff_max: vec![0, 300 * MS],
            runs: 30,
            ..SweepSpec::default()
        }
    }

    #[test]
    fn chunks_cover_every_run_once() {
        let mut e = Experiments::default();
        e.start(small());
        let chunks = e.chunks();
        assert_eq!(chunks.len(), 4, "two settings of 25 + 5 runs");
        assert_eq!(chunks.iter().map(|c| c.count).sum::<u32>(), 60);
        assert_eq!(
            chunks[1],
            Chunk {
                setting: 0,
                first: 25,
                count: 5
            }
        );
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn rows_stream_in_in_any_order_and_equal_the_clis() {
        let spec = small();
        let mut e = Experiments::default();
        e.start(spec.clone());
        let job = e.job;
        for c in e.chunks().into_iter().rev() {
            let rows = spec.run_chunk(c.setting, c.first, c.count).unwrap();
            let csv: Vec<String> = rows.iter().map(|r| r.csv()).collect();
            assert!(e.running());
            e.receive(job, &csv.join("\n"), 10);
        }
        assert_eq!(e.status, SweepStatus::Done);
        let cli = crate::sim::sweep::run_all(&spec, 2, false).unwrap();
        let mut want = String::from(crate::codec::sweep::CSV_HEADER);
        want.push('\n');
        for r in &cli {
            want.push_str(&r.csv());
            want.push('\n');
        }
        assert_eq!(e.csv(), want);
        assert_eq!(e.progress_words(), "60 runs in 0.01 s.");
    }

    #[test]
    fn late_rows_of_a_cancelled_or_older_sweep_are_ignored() {
        let spec = small();
        let mut e = Experiments::default();
        e.start(spec.clone());
        let old = e.job;
        let csv = spec.run_chunk(0, 0, 5).unwrap()[0].csv();
        e.cancel();
        e.receive(old, &csv, 5);
        assert_eq!((e.done, &e.status), (0, &SweepStatus::Cancelled));
        e.start(spec);
        e.receive(old, &csv, 5);
        assert_eq!(e.done, 0, "rows of the old job");
        e.receive(e.job, &csv, 5);
        assert_eq!(e.done, 1);
        e.receive(e.job, "garbage", 6);
        assert!(matches!(e.status, SweepStatus::Failed(_)), "{:?}", e.status);
    }

    #[test]
    fn the_form_reads_lists_and_names_the_bad_field() {
        let spec = SweepSpec::default();
        let form = SweepForm::of(&spec);
        assert_eq!(form.backoff_max, "0, 5, 25, 50, 150, 300");
        assert_eq!(form.spec(spec.horizon).unwrap(), spec);
        let bad = SweepForm {
            nodes: "5, 11".into(),
            ..form.clone()
        };
        assert!(bad
            .spec(HORIZON)
            .unwrap_err()
            .starts_with("Nodes: a cluster has 3–9 nodes"));
        let bad = SweepForm {
            loss: "10%, x".into(),
            ..form.clone()
        };
        assert!(bad.spec(HORIZON).unwrap_err().starts_with("Loss (%):"));
        let bad = SweepForm {
            runs: "0".into(),
            ..form
        };
        assert!(bad.spec(HORIZON).unwrap_err().starts_with("Runs:"));
    }

    #[test]
    fn a_percentile_opens_the_run_at_that_rank() {
        let spec = small();
        let mut e = Experiments::default();
        e.start(spec.clone());
        let job = e.job;
        for c in e.chunks() {
            let rows = spec.run_chunk(c.setting, c.first, c.count).unwrap();
            let csv: Vec<String> = rows.iter().map(|r| r.csv()).collect();
            e.receive(job, &csv.join("\n"), 1);
        }
        let s = &e.summaries()[1];
        let r = e.run_at_percentile(1, 50).unwrap();
        assert_eq!(r.m.downtime, s.downtime.p50);
        assert_eq!(
            e.run_at_percentile(1, 100).unwrap().m.downtime,
            s.downtime.max
        );
    }
}

#[cfg(test)]
mod lab_tests {
    use super::{read_reply, run_chunk, ChunkRequest, RunRow};
    use crate::lab::{Lab, LabAction, Tab};
    use crate::sim::sweep::SweepSpec;

    fn finished(query: &str) -> Lab {
        let mut lab = Lab::from_query(query);
        assert!(lab.experiments.running(), "{:?}", lab.notices);
        let (spec, job) = (lab.experiments.spec.clone(), lab.experiments.job);
        for c in lab.experiments.chunks() {
            let rows = spec.run_chunk(c.setting, c.first, c.count).unwrap();
            let csv: Vec<String> = rows.iter().map(|r| r.csv()).collect();
            lab.apply(LabAction::SweepRows {
                job,
                csv: csv.join("\n"),
                elapsed_ms: 3,
            });
        }
        lab
    }

    #[test]
    fn a_sweep_link_opens_the_tab_and_runs_and_a_bad_one_says_why() {
        let lab = finished("x=leader-crash&xmax=0,300&xruns=4&xseed=2");
        assert_eq!(lab.tab, Tab::Experiments);
        assert_eq!(lab.experiments.done, 8);
        assert!(lab.notices.is_empty(), "{:?}", lab.notices);
        // The link in the address bar carries the sweep back.
        let again = Lab::from_query(&lab.share_query());
        assert_eq!(again.experiments.spec, lab.experiments.spec);
        let bad = Lab::from_query("x=leader-crash&xruns=many&xlat=5-1");
        assert!(
            !bad.experiments.running(),
            "a link with problems waits for Run"
        );
        assert_eq!(bad.notices.len(), 2, "{:?}", bad.notices);
        assert!(bad.notices[0].text.contains("xruns=many"));
    }

    #[test]
    fn an_opened_run_is_the_sweeps_run_and_its_link_reproduces_it() {
        for query in [
            "x=leader-crash&xmax=25&xruns=3&xseed=5",
            "x=leader-crash&xp=atlasdb&xmax=0,150&xruns=3&xseed=5&xn=7",
        ] {
            let mut lab = finished(query);
            let spec: SweepSpec = lab.experiments.spec.clone();
            let last = spec.settings().len() - 1;
            let row = *lab.experiments.row(last, 2).unwrap();
            lab.apply(LabAction::OpenSweepRun {
                setting: last,
                run: 2,
            });
            assert_eq!(lab.run.config().seed, row.seed);
            assert_eq!(lab.run.now(), row.m.fault_at);
            assert_eq!(lab.experiments.done, 3 * (last + 1), "the sweep stays");
            assert!(lab.notices.iter().any(|n| n.text.contains("Opened run 2")));
            // The new leader appears when the row says it did.
            let leader_at = row.m.fault_at + row.m.downtime.unwrap();
            lab.run.seek(leader_at - 1);
            let before = lab.run.world().stats.leader_changes;
            lab.run.seek(leader_at);
            assert_eq!(lab.run.world().stats.leader_changes, before + 1, "{query}");
            // Its share link rebuilds exactly this run.
            let (cfg, ivs) = spec.run_config(last, 2).unwrap();
            let again = Lab::from_query(&lab.share_query());
            assert_eq!(again.run.config(), &cfg, "{query}");
            assert_eq!(again.run.interventions(), &ivs[..]);
        }
    }

    #[test]
    fn a_worker_reads_a_typed_request_and_answers_rows_or_why_not() {
        let spec = SweepSpec {
            runs: 4,
            ..SweepSpec::default()
        };
        let request = ChunkRequest {
            job: 7,
            query: spec.to_query(),
            setting: 0,
            first: 1,
            count: 3,
        };
        let reply = read_reply(&run_chunk(&serde_json::to_string(&request).unwrap())).unwrap();
        assert_eq!(reply.job, 7);
        let want: Vec<String> = spec
            .run_chunk(0, 1, 3)
            .unwrap()
            .iter()
            .map(RunRow::csv)
            .collect();
        assert_eq!(reply.rows, Ok(want.join("\n")));
        // Not a request at all, a sweep link with a problem, a setting that does not exist.
        let bad = read_reply(&run_chunk("JOB 0 1 2 x=leader-crash")).unwrap();
        assert_eq!(bad.job, 0);
        assert!(bad.rows.unwrap_err().contains("no readable chunk"));
        for (query, setting) in [
            ("x=leader-crash&xruns=abc".to_string(), 0),
            (spec.to_query(), 99),
        ] {
            let r = ChunkRequest {
                query,
                setting,
                ..request.clone()
            };
            let reply = read_reply(&run_chunk(&serde_json::to_string(&r).unwrap())).unwrap();
            assert_eq!(reply.job, 7);
            assert!(reply.rows.is_err(), "{reply:?}");
        }
        assert!(read_reply("not json").is_none());
    }
}

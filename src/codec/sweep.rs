//! How a sweep is written and read: the share-link parameters, the CLI command that repeats
//! it, CSV rows (the CLI writes them, Web Workers send them to the page), the text table, JSON
//! and the SVG figure. The sweep itself (settings, seeds, measuring a run) is [`crate::sim::sweep`].

use crate::engine::Protocol;
use crate::sim::config::{Preset, Time};
use crate::sim::sweep::*;
use crate::sim::units;
use serde::Serialize;

impl SweepSpec {
    /// The command that reproduces this sweep (CSV to stdout).
    pub fn command(&self) -> String {
        let mut s = format!("paxoscope sweep --scenario {}", self.scenario);
        if let Some(p) = self.preset {
            s.push_str(&format!(" --preset {}", p.name()));
        }
        if let Some(p) = self.protocol {
            s.push_str(&format!(" --protocol {}", p.name()));
        }
        s.push_str(&format!(
            " --nodes {} --backoff {} --backoff-max-ms {} --loss {} --latency {} --runs {} --seed {} --horizon-ms {}",
            join(&self.nodes, |n| n.to_string()),
            self.backoff,
            join(&self.backoff_max, |m| ms(*m)),
            join(&self.loss, |l| format!("{}%", pct(*l))),
            join(&self.latency, |(a, b)| format!("{}-{}", ms(*a), ms(*b))),
            self.runs,
            self.seed,
            ms(self.horizon)
        ));
        s
    }

    /// The sweep as query parameters (`x=SCENARIO&xn=…`), every key starting with `x` so a
    /// link can carry a run and a sweep side by side.
    pub fn to_query(&self) -> String {
        let mut q = format!("x={}", self.scenario);
        if let Some(p) = self.preset {
            q.push_str(&format!("&xp={}", p.name()));
        }
        if let Some(p) = self.protocol {
            q.push_str(&format!("&xproto={}", p.name()));
        }
        q.push_str(&format!(
            "&xn={}&xbo={}&xmax={}&xloss={}&xlat={}&xruns={}&xseed={}&xh={}",
            join(&self.nodes, |n| n.to_string()),
            self.backoff,
            join(&self.backoff_max, |m| ms(*m)),
            join(&self.loss, |l| pct(*l)),
            join(&self.latency, |(a, b)| format!("{}-{}", ms(*a), ms(*b))),
            self.runs,
            self.seed,
            ms(self.horizon)
        ));
        q
    }

    /// Reads the `x…` parameters of a query string. None when it has no sweep (`x=` absent).
    /// Otherwise the spec and what was wrong with it: each bad value is named and left at the
    /// scenario's default, and a spec that still fails [`SweepSpec::validate`] falls back to
    /// the default sweep — a bad link never stops the page.
    pub fn from_query(query: &str) -> Option<(SweepSpec, Vec<String>)> {
        if query.len() > super::share::MAX_QUERY_BYTES {
            return None;
        }
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
                .into_owned()
                .filter(|(k, _)| k.starts_with('x'))
                .collect();
        let name = pairs.iter().rev().find(|(k, _)| k == "x")?.1.clone();
        let mut warnings = Vec::new();
        let mut spec = SweepSpec::for_scenario(&name).unwrap_or_else(|e| {
            warnings.push(format!(
                "The sweep link names no known scenario ({e}); using the default sweep."
            ));
            SweepSpec::default()
        });
        // The preset first: it sets the defaults the other parameters override.
        let preset = pairs.iter().find(|(k, _)| k == "xp");
        for (k, v) in preset
            .into_iter()
            .chain(pairs.iter().filter(|(k, _)| k != "xp"))
        {
            let r: Result<(), String> = match k.as_str() {
                "x" => Ok(()),
                "xp" => Preset::from_name(v)
                    .map(|p| spec.set_preset(p))
                    .ok_or_else(|| "the preset is classroom or atlasdb".to_string()),
                "xproto" => Protocol::from_name(v)
                    .map(|p| spec.protocol = Some(p))
                    .ok_or_else(|| "the protocol is textbook or atlasdb".to_string()),
                "xbo" => {
                    spec.backoff = v.clone();
                    Ok(())
                }
                "xn" => parse_list(v, parse_nodes).map(|l| spec.nodes = l),
                "xmax" => parse_list(v, parse_ms).map(|l| spec.backoff_max = l),
                "xloss" => parse_list(v, |s| parse_loss(&format!("{s}%"))).map(|l| spec.loss = l),
                "xlat" => parse_list(v, parse_latency).map(|l| spec.latency = l),
                "xruns" => parse_runs(v).map(|r| spec.runs = r),
                "xseed" => v
                    .parse()
                    .map(|s| spec.seed = s)
                    .map_err(|_| "the seed is a whole number from 0 to 2^64−1".to_string()),
                "xh" => parse_ms(v).map(|h| spec.horizon = h),
                other => Err(format!("unknown sweep parameter '{other}'")),
            };
            if let Err(e) = r {
                warnings.push(format!(
                    "Ignored '{}={}' in the sweep link: {e}.",
                    units::clip(k, 40),
                    units::clip(v, 40)
                ));
            }
        }
        if let Err(e) = spec.validate() {
            warnings.push(format!(
                "The sweep link does not describe a valid sweep ({e}); using the default sweep."
            ));
            spec = SweepSpec::default();
        }
        Some((spec, warnings))
    }
}

impl RunRow {
    /// One CSV line (no newline); empty times mean "not within the horizon".
    pub fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}-{}",
            ms(self.set.backoff_max),
            self.run,
            self.seed,
            opt_ms(self.m.downtime),
            self.m.downtime.is_some(),
            opt_ms(self.m.from_timeout),
            opt_ms(self.m.no_service),
            self.m.elections,
            self.m.preempted,
            self.m.messages,
            self.m.leader_at_fault,
            self.setting,
            self.set.nodes,
            pct(self.set.loss),
            ms(self.set.latency.0),
            ms(self.set.latency.1),
        )
    }

    /// Reads a line written by [`RunRow::csv`] (the page reads workers' rows with this). The
    /// line does not say when the fault struck: `m.fault_at` is 0 (see [`SweepSpec::fault_at`]).
    pub fn parse_csv(line: &str) -> Result<RunRow, String> {
        let f: Vec<&str> = line.trim_end().split(',').collect();
        if f.len() != 15 {
            return Err(format!("a sweep row has 15 fields, not {}", f.len()));
        }
        let num = |i: usize| -> Result<u64, String> {
            f[i].parse::<u64>()
                .map_err(|_| format!("field {} ('{}') is not a number", i + 1, quoted(f[i])))
        };
        let time = |i: usize| -> Result<Option<Time>, String> {
            if f[i].is_empty() {
                Ok(None)
            } else {
                parse_ms(f[i]).map(Some)
            }
        };
        let flag = |i: usize| -> Result<bool, String> {
            match f[i] {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(format!("field {} ('{other}') is not true or false", i + 1)),
            }
        };
        let downtime = time(3)?;
        if flag(4)? != downtime.is_some() {
            return Err("'leader' disagrees with 'downtime_ms'".into());
        }
        Ok(RunRow {
            setting: num(11)? as u32,
            set: Setting {
                nodes: parse_nodes(f[12])?,
                backoff_max: parse_ms(f[0])?,
                loss: parse_loss(&format!("{}%", f[13]))?,
                latency: parse_latency(f[14])?,
            },
            run: num(1)? as u32,
            seed: num(2)?,
            m: Measured {
                downtime,
                from_timeout: time(5)?,
                no_service: time(6)?,
                elections: num(7)?,
                preempted: num(8)?,
                messages: num(9)?,
                leader_at_fault: flag(10)?,
                ..Measured::default()
            },
        })
    }
}

/// The CSV header matching [`RunRow::csv`].
pub const CSV_HEADER: &str = "backoff_max_ms,run,seed,downtime_ms,leader,from_timeout_ms,no_service_ms,elections,preempted,messages,leader_at_fault,setting,nodes,loss_pct,latency_ms";

fn opt_ms(t: Option<Time>) -> String {
    t.map(ms).unwrap_or_default()
}

/// A percentile for a table: "123.4" ms (one decimal), or "—" when it lies beyond the horizon.
pub fn show_ms(t: Option<Time>) -> String {
    t.map_or_else(|| "—".to_string(), |t| units::fixed(i128::from(t), 3, 1))
}

/// Like [`show_ms`], but "n/a" when no run had the stretch at all (nobody was following a
/// leader when the fault struck, e.g. at a cold start).
pub fn show_defined(p: &Percentiles, t: Option<Time>) -> String {
    if p.n == 0 {
        "n/a".to_string()
    } else {
        show_ms(t)
    }
}

/// A mean kept in hundredths, with one decimal.
pub fn show_mean(x100: u64) -> String {
    units::fixed(i128::from(x100), 2, 1)
}

/// The text table the CLI prints: one line per setting.
pub fn table(spec: &SweepSpec, summaries: &[SettingSummary]) -> String {
    let mut s = String::new();
    let w = summaries
        .iter()
        .map(|x| x.label.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    s.push_str(&format!(
        "{:<w$}  {:>5} {:>9} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} | {:>9} {:>9} {:>8} | {:>10}\n",
        "setting", "runs", "no leader", "median", "p95", "p99", "max", "median", "p99",
        "elections", "preempted", "messages", "no service"
    ));
    s.push_str(&format!(
        "{:<w$}  {:>5} {:>9} | {:^35} | {:^17} | {:^28} | {:>10}\n",
        "",
        "",
        "",
        "downtime from the fault, ms",
        "from 1st timeout",
        "per run, mean (to leader)",
        "median, ms"
    ));
    for x in summaries {
        s.push_str(&format!(
            "{:<w$}  {:>5} {:>9} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} | {:>9} {:>9} {:>8} | {:>10}\n",
            x.label,
            x.downtime.n,
            x.downtime.never,
            show_ms(x.downtime.p50),
            show_ms(x.downtime.p95),
            show_ms(x.downtime.p99),
            show_ms(x.downtime.max),
            show_defined(&x.from_timeout, x.from_timeout.p50),
            show_defined(&x.from_timeout, x.from_timeout.p99),
            show_mean(x.elections_x100),
            show_mean(x.preempted_x100),
            show_mean(x.messages_x100),
            show_ms(x.no_service.p50),
        ));
    }
    let odd: usize = summaries.iter().map(|x| x.no_leader_at_fault).sum();
    if odd > 0 {
        s.push_str(&format!(
            "({odd} run(s) had no leader when the fault struck: their downtime counts from the fault all the same)\n"
        ));
    }
    s.push_str(&format!("reproduce: {}\n", spec.command()));
    s
}

/// A duration in milliseconds for JSON: a whole number when it is one (`300`), else with its
/// fraction (`1986.402`).
struct Ms(Time);

impl Serialize for Ms {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(1_000) {
            s.serialize_u64(self.0 / 1_000)
        } else {
            s.serialize_f64(self.0 as f64 / 1_000.0)
        }
    }
}

/// A percentage from parts per million, the same way.
struct Pct(u32);

impl Serialize for Pct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(10_000) {
            s.serialize_u32(self.0 / 10_000)
        } else {
            s.serialize_f64(f64::from(self.0) / 10_000.0)
        }
    }
}

#[derive(Serialize)]
struct PercentilesJson {
    median_ms: Option<Ms>,
    p95_ms: Option<Ms>,
    p99_ms: Option<Ms>,
    max_ms: Option<Ms>,
    never: usize,
}

impl From<&Percentiles> for PercentilesJson {
    fn from(p: &Percentiles) -> PercentilesJson {
        PercentilesJson {
            median_ms: p.p50.map(Ms),
            p95_ms: p.p95.map(Ms),
            p99_ms: p.p99.map(Ms),
            max_ms: p.max.map(Ms),
            never: p.never,
        }
    }
}

#[derive(Serialize)]
struct SettingJson<'a> {
    label: &'a str,
    nodes: u8,
    backoff: &'a str,
    backoff_max_ms: Ms,
    loss_pct: Pct,
    latency_ms: [Ms; 2],
    runs: usize,
    no_leader: usize,
    downtime: PercentilesJson,
    from_timeout: PercentilesJson,
    no_service: PercentilesJson,
    elections_mean: f64,
    preempted_mean: f64,
    messages_mean: f64,
}

#[derive(Serialize)]
struct SweepJson<'a> {
    scenario: &'a str,
    runs: u32,
    seed: u64,
    horizon_ms: Ms,
    command: String,
    settings: Vec<SettingJson<'a>>,
}

/// The sweep as one JSON object: the command, and per setting its values and summary.
pub fn json(spec: &SweepSpec, summaries: &[SettingSummary]) -> String {
    let settings = spec.settings();
    let doc = SweepJson {
        scenario: &spec.scenario,
        runs: spec.runs,
        seed: spec.seed,
        horizon_ms: Ms(spec.horizon),
        command: spec.command(),
        settings: settings
            .iter()
            .zip(summaries)
            .map(|(set, x)| SettingJson {
                label: &x.label,
                nodes: set.nodes,
                backoff: &spec.backoff,
                backoff_max_ms: Ms(set.backoff_max),
                loss_pct: Pct(set.loss),
                latency_ms: [Ms(set.latency.0), Ms(set.latency.1)],
                runs: x.downtime.n,
                no_leader: x.downtime.never,
                downtime: (&x.downtime).into(),
                from_timeout: (&x.from_timeout).into(),
                no_service: (&x.no_service).into(),
                elections_mean: x.elections_x100 as f64 / 100.0,
                preempted_mean: x.preempted_x100 as f64 / 100.0,
                messages_mean: x.messages_x100 as f64 / 100.0,
            })
            .collect(),
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// Colours of the curves, in setting order (repeating).
pub const PALETTE: [&str; 8] = [
    "#d62728", "#ff7f0e", "#bcbd22", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#e377c2",
];

/// A Figure-16-style picture as a standalone SVG: per setting the cumulative share of runs
/// (y, 0–100 %) that had a leader again within a time (x, log scale, ms). Runs without a
/// leader within the horizon keep a curve below 100 %. Native only (the page draws its own).
#[cfg(not(target_arch = "wasm32"))]
pub fn cdf_svg(spec: &SweepSpec, rows: &[RunRow], title: &str) -> String {
    use crate::engine::MS;
    use std::fmt::Write;
    let (w, h) = (760.0_f64, 440.0_f64);
    let (left, right, top, bottom) = (64.0, 200.0, 40.0, 56.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let times: Vec<Time> = rows.iter().filter_map(|r| r.m.downtime).collect();
    let lo = times.iter().copied().min().unwrap_or(MS).max(MS) as f64 / 1e3;
    let hi = times.iter().copied().max().unwrap_or(MS).max(MS) as f64 / 1e3;
    let (d0, d1) = (
        lo.log10().floor(),
        hi.log10().ceil().max(lo.log10().floor() + 1.0),
    );
    let x = |ms: f64| left + (ms.max(1e-3).log10() - d0) / (d1 - d0) * pw;
    let y = |frac: f64| top + (1.0 - frac) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{}</text>
"##,
        left + pw / 2.0,
        xml(title)
    );
    // Grid and axes: decades with 2 and 5 between them.
    let mut decade = d0;
    while decade <= d1 {
        for m in [1.0, 2.0, 5.0] {
            let v = 10f64.powf(decade) * m;
            if v.log10() > d1 + 1e-9 {
                break;
            }
            let px = x(v);
            let major = m == 1.0;
            let _ = writeln!(
                s,
                r##"<line x1="{px:.1}" y1="{top}" x2="{px:.1}" y2="{}" stroke="{}" />"##,
                top + ph,
                if major { "#bbb" } else { "#e4e4e4" }
            );
            let label = if v >= 1000.0 {
                format!("{} s", v / 1000.0)
            } else {
                format!("{v} ms")
            };
            let _ = writeln!(
                s,
                r##"<text x="{px:.1}" y="{}" text-anchor="middle" fill="#333">{label}</text>"##,
                top + ph + 16.0
            );
        }
        decade += 1.0;
    }
    for pctv in [0, 25, 50, 75, 100] {
        let py = y(f64::from(pctv) / 100.0);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{py:.1}" x2="{}" y2="{py:.1}" stroke="#e4e4e4"/><text x="{}" y="{:.1}" text-anchor="end" fill="#333">{pctv}%</text>"##,
            left + pw,
            left - 6.0,
            py + 4.0
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>
<text x="{}" y="{}" text-anchor="middle">{}</text>
<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">cumulative % of runs</text>"##,
        left + pw / 2.0,
        h - 14.0,
        if spec.fault_at() == 0 {
            "time to the first leader (log scale)"
        } else {
            "time without a leader after the fault (log scale)"
        },
        top + ph / 2.0
    );
    for (i, set) in spec.settings().iter().enumerate() {
        let mut t: Vec<Time> = rows
            .iter()
            .filter(|r| r.setting as usize == i)
            .filter_map(|r| r.m.downtime)
            .collect();
        let n = rows
            .iter()
            .filter(|r| r.setting as usize == i)
            .count()
            .max(1) as f64;
        t.sort_unstable();
        let colour = PALETTE[i % PALETTE.len()];
        let mut d = String::new();
        for (k, v) in t.iter().enumerate() {
            let px = x(*v as f64 / 1e3);
            let (y0, y1) = (y(k as f64 / n), y((k + 1) as f64 / n));
            if k == 0 {
                let _ = write!(d, "M{px:.1} {y0:.1}");
            }
            let _ = write!(d, "H{px:.1}V{y1:.1}");
        }
        let _ = writeln!(
            s,
            r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.8"><title>{}</title></path>"##,
            xml(&spec.label(set))
        );
        let ly = top + 14.0 + i as f64 * 20.0;
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="3"/><text x="{}" y="{}">{}</text>"##,
            left + pw + 14.0,
            left + pw + 38.0,
            left + pw + 44.0,
            ly + 4.0,
            xml(&spec.label(set))
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(not(target_arch = "wasm32"))]
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SweepSpec {
        SweepSpec {
            backoff_max: vec![0, 25 * crate::engine::MS, 300 * crate::engine::MS],
            runs: 12,
            seed: 7,
            ..SweepSpec::default()
        }
    }

    #[test]
    fn runs_without_a_leader_count_as_longer_than_any() {
        // 97 runs elected, 3 did not: p95 is a time, p99 and the max lie beyond the horizon.
        let vals = (1..=97).map(Some).chain([None, None, None]);
        let p = Percentiles::of(vals);
        assert_eq!(p.never, 3);
        assert_eq!(p.p50, Some(50));
        assert_eq!(p.p95, Some(95));
        assert_eq!(p.p99, None);
        assert_eq!(p.max, None);
        assert_eq!(show_ms(p.p99), "—");
        assert_eq!(show_ms(Some(1_234_567)), "1234.6");
    }

    #[test]
    fn rows_round_trip_through_csv() {
        for r in small().run_chunk(0, 0, 12).unwrap() {
            let back = RunRow::parse_csv(&r.csv()).unwrap();
            assert_eq!(back.csv(), r.csv());
            assert_eq!(back.m.downtime, r.m.downtime);
            assert_eq!(back.set, r.set);
        }
        assert!(RunRow::parse_csv("1,2,3").is_err());
        assert_eq!(CSV_HEADER.split(',').count(), 15);
    }

    #[test]
    fn the_link_round_trips_and_bad_links_say_why() {
        let spec = small();
        let (back, warnings) = SweepSpec::from_query(&spec.to_query()).unwrap();
        assert_eq!(back, spec);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(SweepSpec::from_query("s=leader-crash&seed=3").is_none());
        let (got, w) = SweepSpec::from_query("x=leader-crash&xruns=abc&xn=12&xmax=5,zz").unwrap();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("runs per setting"), "{w:?}");
        assert!(w[1].contains("3–9 nodes"), "{w:?}");
        assert!(w[2].contains("'zz'"), "{w:?}");
        assert_eq!(got.runs, 100);
        let (got, w) = SweepSpec::from_query("x=no-such-thing").unwrap();
        assert_eq!(got, SweepSpec::default());
        assert!(w[0].contains("no-such-thing"));
        // Too many settings: the lists multiply.
        let (got, w) =
            SweepSpec::from_query("x=leader-crash&xn=3,4,5,6,7,8,9&xmax=1,2,3,4,5,6,7,8,9,10")
                .unwrap();
        assert_eq!(got, SweepSpec::default());
        assert!(w.iter().any(|w| w.contains("70 settings")), "{w:?}");
    }
}

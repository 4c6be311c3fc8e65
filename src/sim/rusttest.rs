//! "Copy as Rust test": turns the run on screen into a complete `#[test]` that replays it to
//! its cursor and pins what happened — the exact event sequence (its [`trace_hash`]) and the
//! safety status — so a surprising run found by clicking becomes a regression test by pasting.
//!
//! The generated code rebuilds the run from its share link ([`share::decode`], asserting that
//! the link still decodes without warnings). When the link cannot express the configuration
//! (an imported trace may set fields links do not carry) it embeds a trace header instead
//! ([`trace::import`] of seed, configuration and interventions). It then seeks to the exact
//! step of the cursor (as [`trace::export`]'s `cursor_steps` does) and asserts.
//!
//! [`trace_hash`]: crate::sim::trace::trace_hash

use super::config::Preset;
use super::json::Json;
use super::run::Run;
use super::share::{self, Shared};
use super::trace;
use super::units;

/// `1234567` as `1_234_567`: long literals a reader can check at a glance.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// A hash as `0x0123_4567_89ab_cdef`.
fn hex(h: u64) -> String {
    let s = format!("{h:016x}");
    format!("0x{}_{}_{}_{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

/// A Rust identifier from a scenario name: `leader-crash` → `leader_crash`.
fn ident(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A string literal for `text`: plain when it can be, else raw with enough `#`s.
fn raw(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        return format!("\"{text}\"");
    }
    // One more `#` than the longest run of `#`s after a quote.
    let (mut longest, mut run, mut after_quote) = (0, 0, false);
    for c in text.chars() {
        match c {
            '#' if after_quote => {
                run += 1;
                longest = longest.max(run);
            }
            '"' => {
                after_quote = true;
                run = 0;
            }
            _ => after_quote = false,
        }
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{text}\"{hashes}")
}

/// The name the generated test gets: `replay_<scenario>_seed<seed>_at_<ms>ms`.
pub fn test_name(run: &Run, scenario: Option<&str>) -> String {
    format!(
        "replay_{}_seed{}_at_{}ms",
        ident(scenario.unwrap_or("custom")),
        run.config().seed,
        run.now() / 1_000
    )
}

/// The share link that rebuilds `run` exactly, or None if a link cannot express it.
fn exact_link(run: &Run, scenario: Option<&str>, preset: Preset) -> Option<String> {
    let shared = Shared {
        scenario: scenario.map(str::to_string),
        preset,
        config: run.config().clone(),
        interventions: run.interventions().to_vec(),
        cursor: run.now(),
    };
    let query = share::encode(&shared);
    let (back, warnings) = share::decode(&query);
    (warnings.is_empty() && back == shared).then_some(query)
}

/// A trace document with no events: seed, configuration and every intervention.
fn trace_header(run: &Run) -> String {
    let mut s = String::from("{\"version\":");
    s.push_str(&trace::TRACE_VERSION.to_string());
    s.push_str(",\"seed\":");
    s.push_str(&run.config().seed.to_string());
    s.push_str(",\"config\":");
    trace::config_json(run.config()).write(&mut s);
    s.push_str(",\"interventions\":");
    Json::Arr(
        run.interventions()
            .iter()
            .map(trace::intervention_json)
            .collect(),
    )
    .write(&mut s);
    s.push_str(",\"events\":[]}");
    s
}

/// A complete `#[test]` function (with a header comment saying where to paste it) that
/// replays `run` to its cursor and asserts its trace hash and invariant status.
/// `scenario` and `preset` label the run as the lab does (they shape the share link).
pub fn generate(run: &Run, scenario: Option<&str>, preset: Preset) -> String {
    let steps = run.world().steps;
    let now = run.now();
    let hash = trace::trace_hash(run.history(), run.cursor_event());
    let violation = run
        .world()
        .checker
        .violations
        .first()
        .map(|v| v.invariant.name());
    // A cursor in the middle of an instant (after "Step") is reached by steps alone: seeking
    // to its time would run the rest of the instant.
    let mid_instant = run
        .world()
        .next_time(run.interventions())
        .is_some_and(|t| t <= now);
    let label = scenario.map_or("a custom run".to_string(), |s| format!("`{s}`"));
    let status = match violation {
        None => "safety holds".to_string(),
        Some(inv) => format!("it violates `{inv}`"),
    };

    let mut s = String::new();
    let mut line = |text: &str| {
        s.push_str(text);
        s.push('\n');
    };
    line(&format!(
        "/// Replays {label} (seed {}) to t = {}, step {}: {status}.",
        run.config().seed,
        units::secs(now),
        grouped(steps)
    ));
    line("/// Generated by PaxosScope's \"Copy as Rust test\".");
    line("#[test]");
    line(&format!("fn {}() {{", test_name(run, scenario)));
    match exact_link(run, scenario, preset) {
        Some(query) => {
            line("    use paxoscope::sim::{share, trace, Run};");
            line("");
            line("    // The run as its share link describes it: seed, configuration, interventions, cursor.");
            line(&format!("    let link = {};", raw(&query)));
            line("    let (shared, warnings) = share::decode(link);");
            line("    assert!(warnings.is_empty(), \"{warnings:?}\");");
            line("    let mut run = Run::new(shared.config, shared.interventions).expect(\"a valid run\");");
        }
        None => {
            line("    use paxoscope::sim::{trace, Run};");
            line("");
            line("    // The run as a trace header: seed, full configuration and interventions.");
            line(&format!("    let header = {};", raw(&trace_header(run))));
            line(
                "    let imported = trace::import(header).expect(\"the header is a valid trace\");",
            );
            line("    let mut run = Run::new(imported.config, imported.interventions).expect(\"a valid run\");");
        }
    }
    line("");
    if mid_instant {
        line(&format!(
            "    // The cursor: step {} (in the middle of the instant t = {}).",
            grouped(steps),
            units::secs(now)
        ));
        line(&format!("    run.seek_steps({});", grouped(steps)));
    } else {
        line(&format!(
            "    // The cursor: step {}, then the clock on to t = {}.",
            grouped(steps),
            units::secs(now)
        ));
        line(&format!("    run.seek_steps({});", grouped(steps)));
        line(&format!("    run.seek({});", grouped(now)));
    }
    line(&format!(
        "    assert_eq!((run.world().steps, run.now()), ({}, {}));",
        grouped(steps),
        grouped(now)
    ));
    line("");
    line("    // Exactly the same events, in the same order, as when this test was generated.");
    line("    let hash = trace::trace_hash(run.history(), run.cursor_event());");
    line(&format!("    assert_eq!(hash, {});", hex(hash)));
    match violation {
        None => {
            line("    // Safety holds.");
            line("    let violations = &run.world().checker.violations;");
            line("    assert!(violations.is_empty(), \"violated: {:?}\", violations.first());");
        }
        Some(inv) => {
            line(&format!("    // The first violation breaks `{inv}`."));
            line("    let first = run.world().checker.violations.first().expect(\"a violation\");");
            // Short enough for rustfmt to keep on one line whatever the rule's name.
            line("    let (rule, detail) = (first.invariant.name(), &first.detail);");
            line(&format!("    assert_eq!(rule, \"{inv}\", \"{{detail}}\");"));
        }
    }
    line("}");
    s
}

/// Where to put the generated test, in words for the dialog.
pub fn paste_hint(run: &Run, scenario: Option<&str>) -> String {
    let name = test_name(run, scenario);
    format!(
        "Paste it into a new file in the repository's tests/ folder, e.g. tests/{name}.rs, \
         and run: cargo test --test {name}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NodeId;
    use crate::sim::intervention::{Action, Param};
    use crate::sim::scenario;

    fn scenario_run(name: &str) -> Run {
        let s = scenario::by_name(name).unwrap();
        Run::new(s.config, s.interventions).unwrap()
    }

    #[test]
    fn literals_are_readable() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1_000");
        assert_eq!(grouped(12_345_678), "12_345_678");
        assert_eq!(hex(0xdead_beef), "0x0000_0000_dead_beef");
        assert_eq!(ident("bug-minority-quorum"), "bug_minority_quorum");
        assert_eq!(raw("s=x&t=1"), "\"s=x&t=1\"");
        assert_eq!(raw("a\"b"), "r#\"a\"b\"#");
        assert_eq!(raw("say \"#hi\""), "r##\"say \"#hi\"\"##");
        assert_eq!(raw("\"## #\""), "r###\"\"## #\"\"###");
    }

    #[test]
    fn the_test_pins_the_hash_and_rebuilds_from_the_link() {
        let mut run = scenario_run("leader-crash");
        run.seek(9_000_000);
        run.act(Action::Crash(NodeId(2))).unwrap();
        run.seek(12_000_000);
        let code = generate(&run, Some("leader-crash"), Preset::Classroom);
        let hash = trace::trace_hash(run.history(), run.cursor_event());
        assert!(
            code.contains(&format!("assert_eq!(hash, {});", hex(hash))),
            "{code}"
        );
        assert!(code.contains("fn replay_leader_crash_seed"), "{code}");
        assert!(code.contains("share::decode(link)"), "{code}");
        assert!(code.contains(&format!("run.seek_steps({});", grouped(run.world().steps))));
        assert!(code.contains("run.seek(12_000_000);"), "{code}");
        assert!(code.contains("violations.is_empty()"), "{code}");
        // The embedded link is exactly the lab's, and it reproduces the run.
        let start = code.find("let link = \"").unwrap() + 12;
        let end = code[start..].find('"').unwrap() + start;
        let (shared, warnings) = share::decode(&code[start..end]);
        assert!(warnings.is_empty());
        let mut again = Run::new(shared.config, shared.interventions).unwrap();
        again.seek_steps(run.world().steps);
        again.seek(shared.cursor);
        assert_eq!(
            trace::trace_hash(again.history(), again.cursor_event()),
            hash
        );
    }

    #[test]
    fn a_violation_is_asserted_by_its_invariant() {
        let mut run = scenario_run("bug-minority-quorum");
        run.run_until_marker(crate::sim::MarkerKind::Violation, 60_000_000)
            .expect("the counterexample reaches its violation");
        let code = generate(&run, Some("bug-minority-quorum"), Preset::Classroom);
        assert!(
            code.contains("assert_eq!(rule, \"learned-is-chosen\", \"{detail}\");"),
            "{code}"
        );
        assert!(code.contains("it violates `learned-is-chosen`"), "{code}");
    }

    #[test]
    fn a_cursor_inside_an_instant_is_reached_by_steps_only() {
        let mut run = scenario_run("dueling-no-backoff");
        // Step until the next step happens at the same instant.
        loop {
            run.step();
            if run.world().next_time(run.interventions()) == Some(run.now()) {
                break;
            }
        }
        let code = generate(&run, Some("dueling-no-backoff"), Preset::Classroom);
        assert!(code.contains("in the middle of the instant"), "{code}");
        assert!(!code.contains("run.seek("), "{code}");
    }

    #[test]
    fn a_configuration_links_cannot_carry_is_embedded_as_a_trace_header() {
        let mut c = scenario::by_name("cold-start-3").unwrap().config;
        c.protocol.bound_retry_max = 77_000; // no share-link parameter for this
        let mut run = Run::new(
            c,
            vec![crate::sim::Intervention::new(
                2_000_000,
                Action::Set(Param::LossPpm(50_000)),
            )],
        )
        .unwrap();
        run.seek(3_000_000);
        let code = generate(&run, None, Preset::Classroom);
        assert!(code.contains("trace::import(header)"), "{code}");
        assert!(!code.contains("share::decode"), "{code}");
        let start = code.find("r#\"").unwrap() + 3;
        let end = code[start..].find("\"#").unwrap() + start;
        let imported = trace::import(&code[start..end]).unwrap();
        assert_eq!(&imported.config, run.config());
        assert_eq!(imported.interventions, run.interventions());
    }
}

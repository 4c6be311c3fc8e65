//! The command-line interface: reports, exit codes and error messages.

use std::process::Command;

#[path = "common/cli.rs"]
mod cli;
use cli::paxoscope;

#[test]
fn a_safe_run_prints_a_summary_and_exits_zero() {
    let (code, out, _) = paxoscope(&["run", "--scenario", "cold-start-5", "--duration-ms", "5000"]);
    assert_eq!(code, 0, "{out}");
    for needle in [
        "time to first leader",
        "leaders over time",
        "Prepare",
        "timestamps served",
        "invariants: all held",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
}

#[test]
fn a_violation_exits_one_and_says_which_invariant() {
    let (code, out, _) = paxoscope(&["run", "--scenario", "bug-minority-quorum"]);
    assert_eq!(code, 1);
    assert!(out.contains("learned-is-chosen"), "{out}");
    let (code, _, _) = paxoscope(&["run", "--scenario", "bug-minority-quorum", "--no-bugs"]);
    assert_eq!(code, 0, "the same schedule is safe without the bug");
}

#[test]
fn json_output_is_one_object() {
    let (code, out, _) = paxoscope(&[
        "run",
        "--seed",
        "3",
        "--nodes",
        "3",
        "--duration-ms",
        "4000",
        "--backoff",
        "none",
        "--loss",
        "10%",
        "--json",
    ]);
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(out.trim()).expect("valid JSON");
    assert_eq!(j["seed"], 3);
    assert_eq!(j["nodes"], 3);
    assert_eq!(j["safe"], true);
    assert!(j["messages"]["Prepare"].as_u64().unwrap() > 0);
    assert!(j["leaders"][0]["node"].is_u64(), "{j}");
}

#[test]
fn a_trace_file_is_written() {
    let path = std::env::temp_dir().join(format!("paxoscope-cli-{}.json", std::process::id()));
    let p = path.to_str().unwrap();
    let (code, _, _) = paxoscope(&[
        "run",
        "--scenario",
        "leader-crash",
        "--duration-ms",
        "9000",
        "--trace",
        p,
    ]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(paxoscope::codec::trace::import(&text).is_ok());
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_arguments_get_a_clear_message_and_exit_two() {
    for (args, needle) in [
        (
            vec!["run", "--scenario", "nope"],
            "invalid value 'nope' for '--scenario <SCENARIO>'",
        ),
        (vec!["run", "--scenario", "nope"], "leader-crash"),
        (vec!["run", "--nodes", "12"], "12 is not in 3..=9"),
        (
            vec!["run", "--bug", "gremlins"],
            "[possible values: acceptor-forgets",
        ),
        (vec!["run", "--quirk", "gremlins"], "accept-without-state"),
        (
            vec!["run", "--protocol", "raft"],
            "[possible values: textbook, atlasdb]",
        ),
        (
            vec!["run", "--preset", "x"],
            "[possible values: classroom, atlasdb]",
        ),
        (
            vec!["run", "--backoff", "sometimes"],
            "[possible values: none, fixed, uniform, exponential]",
        ),
        (vec!["run", "--loss", "150%"], "outside 0–100%"),
        (vec!["run", "--duration-ms", "0"], "0 is not in 1..=3600000"),
        (
            vec![
                "run",
                "--preset",
                "atlasdb",
                "--backoff",
                "none",
                "--loss",
                "0.5",
                "--nodes",
                "3",
                "--seed",
                "1",
                "--duration-ms",
                "10",
                "--scenario",
                "lossy-network",
                "--bug",
                "minority-quorum",
                "--no-bugs",
            ],
            "cannot be used with",
        ),
        (vec!["swarm", "--seeds", "9..3"], "is empty"),
        (
            vec!["swarm", "--seeds", "0..5", "--count", "3"],
            "cannot be used with",
        ),
    ] {
        let (code, _, err) = paxoscope(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn scenarios_are_listed_with_descriptions() {
    let (code, out, _) = paxoscope(&["scenarios"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 16);
    assert!(lines[0].starts_with("dueling-no-backoff"));
    assert!(lines.iter().all(|l| l.split_whitespace().count() > 3));
}

#[test]
fn swarm_reports_its_seeds() {
    let (code, out, _) = paxoscope(&["swarm", "--seeds", "0..40", "--threads", "2"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("swarm: 40 seeds, 0 failed"), "{out}");
}

#[test]
fn the_checker_counts_a_true_majority_not_the_codes_quorum() {
    // Issue 9's regression: with quorums of 2 out of 4, 111–150 were served above 110 — the
    // only bound a majority (3) ever accepted — and the run used to exit 0.
    let (code, out, _) = paxoscope(&[
        "run",
        "--seed",
        "9163352",
        "--nodes",
        "4",
        "--loss",
        "22%",
        "--backoff",
        "none",
        "--duration-ms",
        "20000",
        "--bug",
        "minority-quorum",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "under-the-bound: N2 handed out 111–120, but the highest bound agreed so far is 110"
        ),
        "{out}"
    );
}

#[test]
fn the_protocol_and_quirks_are_chosen_on_the_command_line() {
    let (code, out, _) = paxoscope(&["run", "--scenario", "atlasdb-accept-without-state"]);
    assert_eq!(code, 1, "AtlasDB as written breaks here: {out}");
    assert!(out.contains("promise-reports-accepted"), "{out}");
    let (code, _, err) = paxoscope(&["run", "--protocol", "nope"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[possible values: textbook, atlasdb]"),
        "{err}"
    );
    let (code, _, err) = paxoscope(&["run", "--quirk", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("accept-without-state"), "{err}");
    // The swarm names the quirks a failure needs, and how to reproduce it with only those.
    let (code, out, _) = paxoscope(&["swarm", "--seeds", "17..18", "--protocol", "atlasdb"]);
    assert_eq!(code, 1);
    assert!(out.contains("attributed to: accept-without-state"), "{out}");
    assert!(out.contains("--quirk accept-without-state"), "{out}");
    let (code, out, _) = paxoscope(&["swarm", "--seeds", "0..100", "--bug", "minority-quorum"]);
    assert_eq!(code, 1, "the swarm finds the bug: {out}");
    assert!(out.contains("--bug minority-quorum"), "{out}");
}

#[test]
fn without_a_seed_one_is_drawn_and_printed() {
    let (code, out, _) = paxoscope(&["run", "--duration-ms", "3000"]);
    assert_eq!(code, 0, "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("was drawn at random"))
        .expect("the drawn seed is printed");
    let seed: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    // The printed seed reproduces the run.
    let (_, again, _) = paxoscope(&["run", "--duration-ms", "3000", "--seed", &seed.to_string()]);
    let first = out.lines().next().unwrap();
    assert_eq!(again.lines().next().unwrap(), first);
    // A second draw differs (2^-64 odds of a false failure).
    let (_, other, _) = paxoscope(&["run", "--duration-ms", "3000"]);
    assert_ne!(other.lines().next(), Some(first));
    // A scenario keeps its own seed.
    let (_, out, _) = paxoscope(&["run", "--scenario", "cold-start-3", "--duration-ms", "100"]);
    assert!(!out.contains("drawn at random"), "{out}");
    // JSON stays one object; the note goes to stderr.
    let (_, out, err) = paxoscope(&["run", "--duration-ms", "100", "--json"]);
    assert!(
        serde_json::from_str::<serde_json::Value>(out.trim()).is_ok(),
        "{out}"
    );
    assert!(err.contains("drawn at random"), "{err}");
}

#[test]
fn a_swarm_without_seeds_draws_a_range_and_prints_it() {
    let (code, out, _) = paxoscope(&["swarm", "--count", "12", "--threads", "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("swarm: 12 seeds, 0 failed"), "{out}");
    let line = out.lines().find(|l| l.contains("drawn at random")).unwrap();
    let range = line.split_whitespace().last().unwrap();
    let (a, b) = range.split_once("..").unwrap();
    assert_eq!(b.parse::<u64>().unwrap() - a.parse::<u64>().unwrap(), 12);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_paxoscope"))
        .args(["scenarios"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the program writes (as `| head -0` would).
    child.stdout = None;
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

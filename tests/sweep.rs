//! `paxoscope sweep`: the rows are a pure function of the arguments (whatever the thread
//! count), they equal the committed fixture the browser's workers are compared with
//! (`e2e/sweep.test.mjs`), and bad arguments are refused in words.

#[path = "common/cli.rs"]
mod cli;
use cli::paxoscope;

/// The sweep both sides compute: the CLI here, the page's Web Workers in the e2e test (its
/// link is `SWEEP_LINK` there). Regenerate with `UPDATE_FIXTURES=1 cargo test --test sweep`.
const FIXTURE_ARGS: [&str; 10] = [
    "--scenario",
    "leader-crash",
    "--backoff-max-ms",
    "0,25,300",
    "--runs",
    "20",
    "--seed",
    "7",
    "--csv",
    "-",
];
const FIXTURE: &str = "tests/fixtures/sweep-leader-crash-seed7.csv";

fn sweep(args: &[&str]) -> (i32, String, String) {
    let all: Vec<&str> = std::iter::once("sweep")
        .chain(args.iter().copied())
        .collect();
    paxoscope(&all)
}

#[test]
fn the_rows_equal_the_fixture_the_browser_is_compared_with() {
    let (code, csv, err) = sweep(&FIXTURE_ARGS);
    assert_eq!(code, 0, "{err}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &csv).expect("write the fixture");
    }
    let want = std::fs::read_to_string(&path).expect("the fixture is committed");
    assert_eq!(csv.lines().count(), 61, "a header and 3 × 20 rows");
    assert_eq!(
        csv, want,
        "the sweep's rows changed: if the engine changed on purpose, regenerate the fixture \
         (UPDATE_FIXTURES=1 cargo test --test sweep) and say why in the commit"
    );
    assert!(
        err.contains("reproduce: paxoscope sweep --scenario leader-crash"),
        "{err}"
    );
}

#[test]
fn the_same_arguments_give_the_same_rows_on_any_number_of_threads() {
    let base = [
        "--backoff-max-ms",
        "0,50",
        "--runs",
        "30",
        "--seed",
        "3",
        "--csv",
        "-",
    ];
    let one = sweep(&[&base[..], &["--threads", "1"]].concat());
    let three = sweep(&[&base[..], &["--threads", "3"]].concat());
    assert_eq!(one.0, 0, "{}", one.2);
    assert_eq!(one.1, three.1);
    let other_seed = sweep(&[
        "--backoff-max-ms",
        "0,50",
        "--runs",
        "30",
        "--seed",
        "4",
        "--csv",
        "-",
    ]);
    assert_ne!(one.1, other_seed.1, "another seed, other runs");
}

#[test]
fn the_table_has_a_line_per_setting_and_json_has_the_numbers() {
    let (code, out, _) = sweep(&["--backoff-max-ms", "0,300", "--runs", "10"]);
    assert_eq!(code, 0);
    for needle in [
        "U[0, 0 ms)",
        "U[0, 300 ms)",
        "median",
        "p99",
        "no leader",
        "preempted",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    let (code, out, _) = sweep(&["--backoff-max-ms", "0,300", "--runs", "10", "--json"]);
    assert_eq!(code, 0);
    let out = out.trim();
    assert!(out.starts_with('{') && out.ends_with('}'), "{out}");
    for needle in [
        "\"settings\":[",
        "\"median_ms\":",
        "\"p95_ms\":",
        "\"p99_ms\":",
        "\"max_ms\":",
        "\"elections_mean\":",
        "\"backoff_max_ms\":300",
    ] {
        assert!(out.contains(needle), "missing {needle} in {out}");
    }
}

#[test]
fn bad_arguments_are_refused_in_words() {
    for (args, want) in [
        (vec!["--nodes", "12"], "3–9 nodes"),
        (
            vec!["--backoff-max-ms", "5,abc"],
            "'abc' is not a number of milliseconds",
        ),
        (vec!["--loss", "150%"], "outside 0–100%"),
        (vec!["--latency", "9-3"], "minimum is above the maximum"),
        (vec!["--runs", "0"], "runs per setting"),
        (
            vec!["--scenario", "nope"],
            "invalid value 'nope' for '--scenario <SCENARIO>'",
        ),
        (
            vec!["--backoff", "sometimes"],
            "[possible values: none, fixed, uniform, exponential]",
        ),
        (
            vec!["--protocol", "raft"],
            "[possible values: textbook, atlasdb]",
        ),
        (
            vec!["--preset", "fast"],
            "[possible values: classroom, atlasdb]",
        ),
        (
            vec![
                "--nodes",
                "3,4,5,6,7,8,9",
                "--backoff-max-ms",
                "1,2,3,4,5,6,7,8,9,10",
            ],
            "70 settings is too many",
        ),
    ] {
        let (code, out, err) = sweep(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(want), "{args:?}: wanted '{want}' in: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

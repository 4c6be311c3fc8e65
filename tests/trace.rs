//! Trace export and import: the documented shape, round trips, and refusals.

use paxoscope::codec::trace::{
    export, import, rebuild, trace_hash, ImportError, Replay, TRACE_VERSION,
};
use paxoscope::sim::scenario;
use paxoscope::sim::{Run, Time};
use serde_json::Value;

const S: Time = 1_000_000;

fn exported(name: &str, until: Time) -> (Run, String) {
    let s = scenario::by_name(name).unwrap();
    let mut run = Run::new(s.config, s.interventions).unwrap();
    run.seek(until);
    let text = export(&run);
    (run, text)
}

fn kind(e: &Value) -> &str {
    e["kind"].as_str().unwrap()
}

/// Exactly the keys `keys` (and optionally `optional`), nothing else.
fn has_keys(v: &Value, keys: &[&str], optional: &[&str]) -> bool {
    v.as_object().is_some_and(|o| {
        keys.iter().all(|k| o.contains_key(*k))
            && o.keys()
                .all(|k| keys.contains(&k.as_str()) || optional.contains(&k.as_str()))
    })
}

/// {"number": u64, "node": u64, "incarnation": u64} (and "uuid" under uuid-ballots).
fn is_ballot(b: &Value) -> bool {
    has_keys(b, &["number", "node", "incarnation"], &["uuid"])
        && ["number", "node", "incarnation"]
            .iter()
            .all(|k| b[*k].is_u64())
}

/// {"leader": {"node", "incarnation"}} or {"bound": {"bound", "owner"}}.
fn is_value(v: &Value) -> bool {
    let leader = |l: &Value| has_keys(l, &["node", "incarnation"], &[]) && l["node"].is_u64();
    (has_keys(v, &["leader"], &[]) && leader(&v["leader"]))
        || (has_keys(v, &["bound"], &[])
            && v["bound"]["bound"].is_u64()
            && has_keys(&v["bound"]["owner"], &["leader", "epoch"], &[])
            && leader(&v["bound"]["owner"]["leader"]))
}

#[test]
fn the_trace_has_the_documented_shape() {
    let (_, text) = exported("leader-crash", 12 * S);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], TRACE_VERSION);
    assert_eq!(doc["seed"], 7);
    assert_eq!(doc["config"]["protocol"]["nodes"], 5);
    assert!(doc["config"]["network"]["latency_min_us"].is_u64());
    assert!(doc["config"]["clients"]["count"].is_u64());
    assert_eq!(doc["config"]["protocol"]["backoff"]["policy"], "uniform");
    let ivs = doc["interventions"].as_array().unwrap();
    assert_eq!(ivs[0]["action"]["kind"], "crash-leader");
    assert!(ivs[0]["at"].is_u64());
    let events = doc["events"].as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> = events.iter().map(kind).collect();
    for k in [
        "boot",
        "send",
        "deliver",
        "timer",
        "crash",
        "learned",
        "proposing",
        "became-leader",
        "served",
    ] {
        assert!(kinds.contains(k), "no {k} event in {kinds:?}");
    }
    // Messages carry their type, log, sequence and ballot.
    let prepare = events
        .iter()
        .find(|e| kind(e) == "send" && e["msg"]["type"] == "Prepare")
        .unwrap();
    assert_eq!(prepare["msg"]["log"], "leadership");
    assert!(is_ballot(&prepare["msg"]["ballot"]), "{prepare}");
    assert!(prepare["msg"]["seq"].is_u64(), "{prepare}");
    let (from, arrive) = (&prepare["from"], &prepare["arrive"]);
    assert!((1..=5).contains(&from.as_u64().unwrap()), "{prepare}");
    assert!(arrive.as_u64().unwrap() >= prepare["t"].as_u64().unwrap());
    // Promises carry "accepted": null or [ballot, value].
    let promises: Vec<&Value> = events
        .iter()
        .filter(|e| kind(e) == "send")
        .map(|e| &e["msg"])
        .filter(|m| m["type"] == "Promise")
        .collect();
    assert!(!promises.is_empty());
    for p in &promises {
        let a = &p["accepted"];
        let pair = a.as_array().map(Vec::as_slice);
        let ok = match pair {
            Some([b, v]) => is_ballot(b) && is_value(v),
            Some(_) => false,
            None => a.is_null() && p.get("accepted").is_some(),
        };
        assert!(ok, "{p}");
    }
    // A report names its process in "at" and brings its own fields: a learned leadership
    // value is {"leader": {"node": …, "incarnation": …}}.
    let learned = events.iter().find(|e| kind(e) == "learned").unwrap();
    assert!(
        (1..=5).contains(&learned["at"].as_u64().unwrap()),
        "{learned}"
    );
    assert_eq!(learned["log"], "leadership", "{learned}");
    assert!(is_value(&learned["value"]), "{learned}");
    assert!(learned["value"]["leader"]["node"].is_u64(), "{learned}");
    // Clients are strings.
    let client = events
        .iter()
        .find(|e| kind(e) == "boot" && e["at"].is_string())
        .unwrap();
    assert_eq!(client["at"], "c0");
    // Times are non-decreasing µs.
    let ts: Vec<u64> = events.iter().map(|e| e["t"].as_u64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]));
    // A node's messages to itself appear like any other.
    assert!(events
        .iter()
        .any(|e| kind(e) == "deliver" && e["from"] == e["to"]));
    // One event per line.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("{\"t\":")).count(),
        events.len()
    );
}

#[test]
fn violations_carry_their_invariant_and_evidence() {
    let s = scenario::by_name("bug-minority-quorum").unwrap();
    let mut run = Run::new(s.config, s.interventions).unwrap();
    run.seek(20 * S);
    let doc: Value = serde_json::from_str(&export(&run)).unwrap();
    let v = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| kind(e) == "violation")
        .expect("the bug's scenario shows a violation");
    // The first violation the checker found, written as it is.
    let first = &run.world().checker.violations[0];
    assert_eq!(v["invariant"], first.invariant.name(), "{v}");
    assert!(
        v["invariant"] == "agreement" || v["invariant"] == "learned-is-chosen",
        "{v}"
    );
    assert_eq!(v["detail"], first.detail.as_str());
    let quorums = v["quorums"].as_array().unwrap();
    assert_eq!(quorums.len(), first.quorums.len(), "{v}");
    for (q, want) in quorums.iter().zip(&first.quorums) {
        assert!(has_keys(q, &["ballot", "value", "acceptors"], &[]), "{q}");
        assert!(is_ballot(&q["ballot"]) && is_value(&q["value"]), "{q}");
        let acceptors: Vec<u64> = q["acceptors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_u64().unwrap())
            .collect();
        let expected: Vec<u64> = want.acceptors.iter().map(|n| u64::from(n.0)).collect();
        assert_eq!(acceptors, expected, "{q}");
    }
}

#[test]
fn export_then_import_reproduces_the_same_trace_hash() {
    for (name, t) in [
        ("bug-minority-quorum", 5 * S),
        ("lossy-network", 9 * S),
        ("bound-extension", 7 * S),
        ("atlasdb-lock-failover", 30 * S),
    ] {
        let (run, text) = exported(name, t);
        let imported = import(&text).unwrap();
        assert_eq!(imported.events(), run.cursor_event());
        assert_eq!(
            imported.events_hash(),
            Some(trace_hash(run.history(), run.cursor_event()))
        );
        let (again, replay) = rebuild(&imported).unwrap();
        assert_eq!(
            replay,
            Replay::Exact,
            "{name}: the engine reproduced the record"
        );
        assert_eq!(
            trace_hash(again.history(), again.cursor_event()),
            trace_hash(run.history(), run.cursor_event())
        );
        assert_eq!(export(&again), text);
    }
}

#[test]
fn a_reformatted_trace_still_replays_exactly() {
    let (_, text) = exported("cold-start-3", 3 * S);
    let doc: Value = serde_json::from_str(&text).unwrap();
    // Pretty-printed, keys sorted: every byte moves, nothing changes.
    let pretty = serde_json::to_string_pretty(&doc).unwrap();
    assert_ne!(pretty, text);
    let (_, replay) = rebuild(&import(&pretty).unwrap()).unwrap();
    assert_eq!(replay, Replay::Exact);
}

#[test]
fn import_mid_instant_is_exact() {
    let s = scenario::by_name("cold-start-3").unwrap();
    let mut run = Run::new(s.config, s.interventions).unwrap();
    run.seek(S);
    for _ in 0..3 {
        run.step();
    }
    let text = export(&run);
    let (again, replay) = rebuild(&import(&text).unwrap()).unwrap();
    assert_eq!(replay, Replay::Exact);
    assert_eq!(again.world().steps, run.world().steps);
}

#[test]
fn a_tampered_trace_is_detected_at_the_event_that_was_changed() {
    let (_, text) = exported("cold-start-3", 3 * S);
    let lines: Vec<&str> = text.lines().collect();
    let first_event = lines.iter().position(|l| l.starts_with("{\"t\":")).unwrap();
    let victim = lines
        .iter()
        .position(|l| l.contains("\"kind\":\"became-leader\""))
        .unwrap();
    let tampered = text.replacen("\"kind\":\"became-leader\"", "\"kind\":\"crash\"", 1);
    let (_, replay) = rebuild(&import(&tampered).unwrap()).unwrap();
    assert_eq!(replay, Replay::DivergesAt(victim - first_event));
    // A record cut short differs where it ends.
    let doc: Value = serde_json::from_str(&text).unwrap();
    let n = doc["events"].as_array().unwrap().len();
    let mut short = doc.clone();
    short["events"].as_array_mut().unwrap().truncate(n - 5);
    let (_, replay) = rebuild(&import(&short.to_string()).unwrap()).unwrap();
    assert_eq!(replay, Replay::DivergesAt(n - 5));
}

fn doc(config: &str, interventions: &str, events: &str) -> String {
    format!(
        r#"{{"version":2,"seed":1,"config":{config},"interventions":{interventions},"events":{events}}}"#
    )
}

#[test]
fn a_hand_written_trace_takes_classroom_defaults() {
    let imported = import(&doc(
        r#"{"protocol":{"nodes":3}}"#,
        r#"[{"at":5000000,"action":{"kind":"crash","node":2}}]"#,
        "[]",
    ))
    .unwrap();
    assert_eq!(imported.config.protocol.nodes, 3);
    assert_eq!(imported.config.seed, 1);
    assert_eq!(
        imported.config.network,
        paxoscope::sim::NetworkConfig::classroom()
    );
    assert_eq!(imported.interventions.len(), 1);
    let (run, replay) = rebuild(&imported).unwrap();
    assert_eq!(replay, Replay::DivergesAt(0), "no events were recorded");
    assert_eq!(run.now(), 0);
}

#[test]
fn malformed_oversized_and_unknown_version_files_are_refused_clearly() {
    let cases: Vec<(String, &str)> = vec![
        (
            "not json".into(),
            "not valid JSON (the first mistake is at line 1, column 2)",
        ),
        (
            "{\"version\":2,\n\"seed\":1 \"config\"".into(),
            "line 2, column 10",
        ),
        ("{\"version\":2,".into(), "ends in the middle of its JSON"),
        ("[1,2]".into(), "not a PaxosScope trace"),
        ("{}".into(), "not a PaxosScope trace"),
        (r#"{"version":"two"}"#.into(), "not a PaxosScope trace"),
        (r#"{"version":1,"seed":1,"config":{"nodes":12},"interventions":[],"events":[]}"#.into(), "in config: nodes must be 3–9"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5,"bugs":["nope"]},"interventions":[],"events":[]}"#.into(), "in config (line 1, column 32): unknown name 'nope'"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5},"interventions":[{"at":5,"kind":"teleport"}],"events":[]}"#.into(), "unknown variant `teleport`"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5},"interventions":[{"at":5,"kind":"crash","node":8}],"events":[]}"#.into(), "intervention 1: node 8 does not exist"),
        (
            r#"{"version":99}"#.into(),
            "version 99; this PaxosScope reads versions 1 and 2",
        ),
        (
            doc(r#"{"protocol":{"nodes":12}}"#, "[]", "[]"),
            "in config: nodes must be 3–9",
        ),
        (
            doc(r#"{"protocol":{"nodes":-1}}"#, "[]", "[]"),
            "in config (line 1, column 54): invalid value: integer `-1`, expected u8",
        ),
        (
            doc(r#"{"protocol":{"bugs":["nope"]}}"#, "[]", "[]"),
            "in config (line 1, column 60): unknown name 'nope' (one of a",
        ),
        (
            doc(r#"{"protocol":{"nodez":5}}"#, "[]", "[]"),
            "in config (line 1, column 51): unknown field `nodez`, expected one of `nodes`",
        ),
        (
            doc(
                "{}",
                r#"[{"at":5,"action":{"kind":"crash","node":8}}]"#,
                "[]",
            ),
            "intervention 1: node 8 does not exist",
        ),
        (
            doc("{}", r#"[{"at":5,"action":{"kind":"teleport"}}]"#, "[]"),
            "in interventions[0] (line 1, column 86): unknown variant `teleport`, expected one of `crash`",
        ),
        (
            doc(
                "{}",
                r#"[{"at":5,"action":{"kind":"filter","type":"Gossip"}}]"#,
                "[]",
            ),
            "unknown message type 'Gossip'",
        ),
        (
            doc(
                "{}",
                r#"[{"at":5,"action":{"kind":"set","param":"latency","min_us":9,"max_us":1}}]"#,
                "[]",
            ),
            "intervention 1: latency needs min ≤ max",
        ),
        (
            doc(
                r#"{"network":{"latency_min_us":9,"latency_max_us":1}}"#,
                "[]",
                "[]",
            ),
            "latency min",
        ),
        (
            doc("{}", "[]", "[{\"x\":1}]"),
            "event 1 needs a \"t\" (µs) and a \"kind\"",
        ),
        (
            r#"{"version":2,"seed":-3,"config":{},"interventions":[],"events":[]}"#.into(),
            "in seed (line 1, column 22): invalid value: integer `-3`, ex",
        ),
        (
            r#"{"version":2,"seed":1,"config":{},"interventions":[],"events":[],"extra":1}"#.into(),
            "in extra (line 1, column 74): unknown member; a trace has version, seed",
        ),
        (
            format!(
                "{{\"version\":2,\"pad\":\"{}\"}}",
                "x".repeat(33 * 1024 * 1024)
            ),
            "traces up to 32 MB",
        ),
    ];
    for (text, expected) in cases {
        let err = import(&text).unwrap_err().to_string();
        assert!(err.contains(expected), "expected '{expected}' in '{err}'");
        assert!(err.chars().count() < 450, "messages stay short: {err}");
    }
}

#[test]
fn long_bad_input_is_cut_short_in_the_message() {
    let name = "n".repeat(10_000);
    let text = doc(
        &format!(r#"{{"protocol":{{"bugs":["{name}"]}}}}"#),
        "[]",
        "[]",
    );
    let err = import(&text).unwrap_err();
    assert!(matches!(err, ImportError::Field { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.len() < 400 && msg.contains('…'), "{msg}");
}

/// A trace exported by the first format (before serde), kept as it was written.
const V1: &str = include_str!("fixtures/trace-v1.json");

#[test]
fn a_version_1_trace_is_still_read_and_its_replay_checked() {
    let imported = import(V1).expect("version 1 is read");
    assert_eq!(imported.config.seed, 11);
    assert_eq!(imported.config, paxoscope::sim::SimConfig::classroom(11));
    assert_eq!(
        imported.interventions.len(),
        15,
        "every kind of intervention came through"
    );
    assert_eq!(
        imported.events_hash(),
        None,
        "v1 events are in the old vocabulary"
    );
    let (run, replay) = rebuild(&imported).unwrap();
    assert_eq!(replay, Replay::SameTimes, "same events at the same times");
    assert_eq!(run.now(), 4_200_000);
    assert_eq!(run.cursor_event(), imported.events());
    // Saved again, it is version 2 and replays exactly.
    let v2 = export(&run);
    let (_, replay) = rebuild(&import(&v2).unwrap()).unwrap();
    assert_eq!(replay, Replay::Exact);
    // A v1 record whose times were edited is caught where they differ.
    let doc: Value = serde_json::from_str(V1).unwrap();
    let mut edited = doc.clone();
    let events = edited["events"].as_array_mut().unwrap();
    let t = events[100]["t"].as_u64().unwrap();
    events[100]["t"] = (t + 1).into();
    let (_, replay) = rebuild(&import(&edited.to_string()).unwrap()).unwrap();
    assert_eq!(replay, Replay::DivergesAt(100));
}

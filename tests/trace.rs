//! Trace export and import: the format the issue specifies, round trips, and refusals.

use paxoscope::sim::json::{parse, Json};
use paxoscope::sim::scenario;
use paxoscope::sim::trace::{export, import, rebuild, trace_hash, TRACE_VERSION};
use paxoscope::sim::{Run, Time};

const S: Time = 1_000_000;

fn exported(name: &str, until: Time) -> (Run, String) {
    let s = scenario::by_name(name).unwrap();
    let mut run = Run::new(s.config, s.interventions).unwrap();
    run.seek(until);
    let text = export(&run);
    (run, text)
}

#[test]
fn the_trace_has_the_documented_shape() {
    let (_, text) = exported("leader-crash", 12 * S);
    let doc = parse(&text).unwrap();
    assert_eq!(doc.req_u64("version").unwrap(), TRACE_VERSION);
    assert_eq!(doc.req_u64("seed").unwrap(), 7);
    assert_eq!(doc.get("config").unwrap().req_u64("nodes").unwrap(), 5);
    let ivs = doc.get("interventions").unwrap().as_array().unwrap();
    assert_eq!(ivs[0].req_str("kind").unwrap(), "crash-leader");
    let events = doc.get("events").unwrap().as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e.req_str("kind").unwrap()).collect();
    for k in [
        "send", "deliver", "learn", "serve", "leader", "crash", "timer", "propose",
    ] {
        assert!(kinds.contains(k), "no {k} event");
    }
    // Paxos messages carry log, seq and ballot as [number, node, incarnation].
    let prepare = events
        .iter()
        .find(|e| {
            e.req_str("kind").ok() == Some("send")
                && e.get("msg").unwrap().req_str("type").ok() == Some("Prepare")
        })
        .unwrap();
    let msg = prepare.get("msg").unwrap();
    assert_eq!(msg.req_str("log").unwrap(), "leadership");
    assert_eq!(msg.get("ballot").unwrap().as_array().unwrap().len(), 3);
    // Promises carry "accepted": null or {"ballot","value"}; leadership values are [node, inc].
    let promise = events
        .iter()
        .filter_map(|e| e.get("msg"))
        .find(|m| m.req_str("type").ok() == Some("Promise"))
        .unwrap();
    assert!(promise.get("accepted").is_some());
    let learn = events
        .iter()
        .find(|e| e.req_str("kind").ok() == Some("learn"))
        .unwrap();
    assert!(learn.get("value").is_some());
    // Times are non-decreasing µs.
    let ts: Vec<u64> = events.iter().map(|e| e.req_u64("t").unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]));
    // A node's messages to itself appear like any other.
    assert!(events
        .iter()
        .any(|e| e.req_str("kind").ok() == Some("deliver") && e.get("from") == e.get("to")));
}

#[test]
fn export_then_import_reproduces_the_same_trace_hash() {
    for (name, t) in [
        ("bug-minority-quorum", 5 * S),
        ("lossy-network", 9 * S),
        ("bound-extension", 7 * S),
    ] {
        let (run, text) = exported(name, t);
        let imported = import(&text).unwrap();
        let (again, same) = rebuild(&imported).unwrap();
        assert!(same, "{name}: the engine reproduced the recorded events");
        assert_eq!(
            trace_hash(again.history(), again.cursor_event()),
            trace_hash(run.history(), run.cursor_event())
        );
        assert_eq!(export(&again), text);
    }
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
    let (again, same) = rebuild(&import(&text).unwrap()).unwrap();
    assert!(same);
    assert_eq!(again.world().steps, run.world().steps);
}

#[test]
fn a_tampered_trace_is_detected_on_replay() {
    let (_, text) = exported("cold-start-3", 3 * S);
    let tampered = text.replacen("\"kind\":\"leader\"", "\"kind\":\"crash\"", 1);
    let (_, same) = rebuild(&import(&tampered).unwrap()).unwrap();
    assert!(!same);
}

#[test]
fn malformed_oversized_and_unknown_version_files_are_refused_clearly() {
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "JSON error at line 1"),
        ("[1,2]".into(), "is a JSON object"),
        ("{}".into(), "no \"version\""),
        (r#"{"version":99,"seed":1,"config":{"nodes":5},"interventions":[],"events":[]}"#.into(), "version 99"),
        (r#"{"version":1,"seed":1,"config":{"nodes":12},"interventions":[],"events":[]}"#.into(), "\"nodes\" must be 3–9"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5,"bugs":["nope"]},"interventions":[],"events":[]}"#.into(), "unknown bug"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5},"interventions":[{"at":5,"kind":"crash","node":8}],"events":[]}"#.into(), "node 8 does not exist"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5},"interventions":[{"at":5,"kind":"teleport"}],"events":[]}"#.into(), "unknown intervention kind"),
        (r#"{"version":1,"seed":-3,"config":{"nodes":5},"interventions":[],"events":[]}"#.into(), "\"seed\" must be a non-negative integer"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5,"latency_min_us":9,"latency_max_us":1},"interventions":[],"events":[]}"#.into(), "latency min"),
        (r#"{"version":1,"seed":1,"config":{"nodes":5},"interventions":[],"events":[{"x":1}]}"#.into(), "\"t\" and \"kind\""),
        (format!("{{\"version\":1,\"pad\":\"{}\"}}", "x".repeat(33 * 1024 * 1024)), "traces up to 32 MB"),
    ];
    for (text, expected) in cases {
        let err = import(&text).unwrap_err();
        assert!(err.contains(expected), "expected '{expected}' in '{err}'");
    }
}

#[test]
fn json_values_print_back_identically() {
    let (_, text) = exported("failover-monotonic", 10 * S);
    let doc = parse(&text).unwrap();
    let events = doc.get("events").and_then(Json::as_array).unwrap();
    for line in text.lines().filter(|l| l.starts_with("{\"t\"")) {
        let l = line.trim_end_matches(',');
        assert_eq!(parse(l).unwrap().to_text(), l);
    }
    assert!(!events.is_empty());
}

//! The two doors untrusted input comes through — imported traces and share links — fuzzed
//! with proptest: thousands of malformed inputs, made by mutating real ones (so they get past
//! the first check and reach the deep ones). None may panic, a refused import leaves the run
//! exactly as it was, and whatever a link opens can be shared again exactly. (The third door,
//! command-line arguments, is fuzzed inside `src/bin/paxoscope.rs`, where the parser lives.)
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use paxoscope::codec::{share, trace};
use paxoscope::lab::{Lab, LabAction, NoticeKind};
use paxoscope::sim::Run;
use proptest::prelude::*;
use serde_json::Value;

/// A small real trace with interventions of several kinds.
fn base_trace() -> &'static str {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        let mut lab = Lab::from_query(
            "s=leader-crash&seed=3&iv=100000:slow:2:5000,200000:filter:1:*:Accept,300000:set:loss:20000,400000:client:3:5",
        );
        lab.apply(LabAction::Seek(600_000));
        trace::export(&lab.run)
    })
}

/// Values that tend to break parsers and range checks.
fn nasty_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::from(0)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(-1)),
        Just(Value::from(1.5e300)),
        Just(serde_json::json!(9_007_199_254_740_993u64)),
        "[a-z0-9\\-_ ]{0,12}".prop_map(Value::from),
        Just(Value::from("x".repeat(5000))),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!([[1, 2], [3]])),
        Just(serde_json::json!({"kind": "crash", "node": 9})),
    ]
}

/// Replaces the `k`-th value (pre-order) of `v` with `new`; returns whether it found it.
fn replace_nth(v: &mut Value, k: &mut usize, new: &Value) -> bool {
    if *k == 0 {
        *v = new.clone();
        return true;
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| replace_nth(x, k, new)),
        Value::Object(o) => o.values_mut().any(|x| replace_nth(x, k, new)),
        _ => false,
    }
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// A mutated input and what was done to it; a failure prints the description and the start of
/// the text, not all of it.
#[derive(Clone)]
struct Mutated {
    what: String,
    text: String,
}

impl std::fmt::Debug for Mutated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let head: String = self.text.chars().take(300).collect();
        write!(f, "{} ({} bytes): {head}…", self.what, self.text.len())
    }
}

fn mutated(what: String, text: String) -> Mutated {
    Mutated { what, text }
}

/// A trace with one value somewhere in it replaced (favouring the header, where the checks
/// are), or its text cut, spliced or garbled.
fn mutated_trace() -> impl Strategy<Value = Mutated> {
    let doc: Value = serde_json::from_str(base_trace()).unwrap();
    let header_nodes = count(&doc["config"]) + count(&doc["interventions"]) + 8;
    let all_nodes = count(&doc);
    let text = base_trace().to_string();
    let len = text.len();
    prop_oneof![
        3 => (0..header_nodes, nasty_value()).prop_map({
            let doc = doc.clone();
            move |(k, new)| {
                let mut d = doc.clone();
                replace_nth(&mut d, &mut { k }, &new);
                mutated(format!("value #{k} replaced by {}", paxoscope::sim::units::clip(&new.to_string(), 60)), d.to_string())
            }
        }),
        2 => (0..all_nodes, nasty_value()).prop_map({
            let doc = doc.clone();
            move |(k, new)| {
                let mut d = doc.clone();
                replace_nth(&mut d, &mut { k }, &new);
                mutated(format!("value #{k} replaced by {}", paxoscope::sim::units::clip(&new.to_string(), 60)), d.to_string())
            }
        }),
        1 => (0..len).prop_map({
            let text = text.clone();
            move |cut| mutated(format!("cut at {cut}"), text.chars().take(cut).collect::<String>())
        }),
        1 => (0..len, any::<u8>()).prop_map({
            let text = text.clone();
            move |(at, b)| {
                let mut bytes = text.clone().into_bytes();
                bytes[at] = b;
                mutated(format!("byte {at} set to {b}"), String::from_utf8_lossy(&bytes).into_owned())
            }
        }),
        1 => (0..len, "[\\[\\]{}:,\"0-9a-z\\-]{1,6}").prop_map({
            let text = text.clone();
            move |(at, ins)| {
                let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                mutated(format!("{ins:?} inserted at {at}"), format!("{}{}{}", &text[..at], ins, &text[at..]))
            }
        }),
        1 => ".{0,40}".prop_map(|t| mutated("random text".into(), t)),
    ]
}

/// `base` cases, times `PAXOSCOPE_FUZZ_SCALE` (default 1): CI runs the base counts; the
/// documented long fuzz (`PAXOSCOPE_FUZZ_SCALE=120`, README's Hardening section) tries over a
/// million inputs.
fn cases(base: u32) -> u32 {
    let scale: u32 = std::env::var("PAXOSCOPE_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    base.saturating_mul(scale.max(1))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(3000), failure_persistence: None, ..ProptestConfig::default() })]

    /// Import never panics; what it accepts rebuilds without panicking.
    #[test]
    fn a_mutated_trace_is_read_or_refused_never_a_panic(m in mutated_trace()) {
        if let Ok(imported) = trace::import(&m.text) {
            let rebuilt = trace::rebuild(&imported);
            prop_assert!(rebuilt.is_ok() || imported.config.validate().is_err());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1000), failure_persistence: None, ..ProptestConfig::default() })]

    /// In the lab, a refused import changes nothing: same link, same record, a notice saying
    /// so. Short, whatever was pasted.
    #[test]
    fn a_refused_import_leaves_the_run_as_it_was(m in mutated_trace()) {
        let text = m.text;
        let mut lab = Lab::from_query("s=lossy-network&seed=5&t=2000000");
        let link = lab.share_query();
        let hash = trace::trace_hash(lab.run.history(), lab.run.cursor_event());
        lab.apply(LabAction::Import(text.clone()));
        let notice = lab.notices.last().expect("an import always says how it went");
        if notice.kind == NoticeKind::Error {
            prop_assert_eq!(lab.share_query(), link);
            prop_assert_eq!(trace::trace_hash(lab.run.history(), lab.run.cursor_event()), hash);
            prop_assert!(notice.text.contains("Your current run is unchanged"));
            prop_assert!(notice.text.chars().count() < 600, "{}", notice.text);
        } else {
            prop_assert!(trace::import(&text).is_ok());
        }
    }
}

/// Real links to start from: scenarios, presets, settings and interventions of every kind.
const LINKS: &[&str] = &[
    "s=leader-crash&seed=7&n=5&iv=8000000:crash-leader&t=9500000",
    "p=atlasdb&seed=3&n=7&lat=1-5&loss=2.5&dup=1&bo=exponential:300&proto=atlasdb&t=100000",
    "p=classroom&seed=12&n=3&pi=250&pt=1200&qt=900&rs=0&ct=400&buf=50&cl=4&cb=20&lc=2&ln=3&lh=2500&ll=2000&q=lazy-start.uuid-ballots&bugs=minority-quorum&t=500000",
    "s=minority-partition&iv=0:partition:12-345,2000000:heal,2500000:isolate-leader:1,3000000:drop:17,3100000:slow:2:3000,3200000:filter:*:3:Promise,3300000:clear-filters,3400000:set:bo:none:0,3500000:set:lat:1000:2000,3600000:set:pi:100000,3700000:set:pt:900000,3800000:set:bug:acceptor-forgets:1,3900000:set:quirk:lazy-start:0,4000000:client:1:9,4100000:restart:1&t=4200000",
    "s=bug-minority-quorum&seed=41&t=947000&tour=safety.2",
];

fn mutated_link() -> impl Strategy<Value = String> {
    let pick = prop::sample::select(LINKS);
    prop_oneof![
        // One parameter's value replaced.
        3 => (pick.clone(), any::<prop::sample::Index>(), "[a-z0-9:.,*%+\\-]{0,16}").prop_map(|(l, i, v)| {
            let mut parts: Vec<String> = l.split('&').map(String::from).collect();
            let k = i.index(parts.len());
            let key = parts[k].split('=').next().unwrap_or("").to_string();
            parts[k] = format!("{key}={v}");
            parts.join("&")
        }),
        // Characters garbled, inserted or cut.
        2 => (pick.clone(), any::<prop::sample::Index>(), any::<char>()).prop_map(|(l, i, c)| {
            let mut chars: Vec<char> = l.chars().collect();
            let k = i.index(chars.len());
            chars[k] = c;
            chars.into_iter().collect()
        }),
        1 => (pick.clone(), any::<prop::sample::Index>()).prop_map(|(l, i)| {
            l.chars().take(i.index(l.len() + 1)).collect()
        }),
        // Parameters repeated many times over.
        1 => (pick, 1..200usize).prop_map(|(l, n)| vec![l; n].join("&")),
        1 => ".{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(3000), failure_persistence: None, ..ProptestConfig::default() })]

    /// Decoding never fails; what it yields is a valid run; shared again, it decodes to itself
    /// with nothing to complain about.
    #[test]
    fn a_mutated_link_opens_a_valid_run_that_shares_again_exactly(q in mutated_link()) {
        let (shared, problems) = share::decode(&q);
        prop_assert!(shared.config.validate().is_ok());
        for p in &problems {
            prop_assert!(p.to_string().chars().count() < 400, "{p}");
        }
        let again = share::encode(&shared);
        let (back, problems) = share::decode(&again);
        prop_assert!(problems.is_empty(), "{again}: {problems:?}");
        prop_assert_eq!(back, shared);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(600), failure_persistence: None, ..ProptestConfig::default() })]

    /// The whole lab opens from any link, with at most a handful of notices.
    #[test]
    fn the_lab_opens_from_any_link(q in mutated_link()) {
        let lab = Lab::from_query(&q);
        prop_assert!(lab.notices.len() <= 6, "{:?}", lab.notices);
        prop_assert!(Run::new(lab.run.config().clone(), lab.run.interventions().to_vec()).is_ok());
    }
}

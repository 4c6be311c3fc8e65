//! Trace export and import (JSON, versioned). The export is also what the UI downloads; an
//! import rebuilds the run from seed + config + interventions and checks that this engine
//! reproduces the recorded events.
//!
//! ```json
//! {"version":1,"seed":7,"config":{"nodes":5,…},"interventions":[…],"events":[
//! {"t":0,"kind":"boot","node":1},
//! {"t":1200,"kind":"send","id":0,"from":1,"to":1,"msg":{"type":"Prepare","log":"leadership","seq":0,"ballot":[1,1,0]}},
//! …]}
//! ```
//! Times are µs. Nodes are integers from 1, clients are strings `"c0"`, `"c1"`, … Ballots are
//! `[number, node, incarnation]`; leadership values `[node, incarnation]`; bounds integers,
//! with their proposing store in a sibling `"owner": [node, incarnation, epoch]`.

use super::checker::Violation;
use super::config::{ClientLoad, NetworkConfig, SimConfig, Time};
use super::history::{Chunked, EventKind, Fact, History, MessageRecord, TraceEvent};
use super::intervention::{Action, Intervention, LinkFilter, Param};
use super::json::{fnv1a, obj, parse, Json};
use super::run::Run;
use crate::engine::{
    Address, BackoffPolicy, Ballot, Bugs, FailReason, LeaderId, LockResult, LockToken, Msg, NodeId,
    Phase, ProtocolConfig, Quirks, TimestampResult, Value,
};

/// Current trace format version.
pub const TRACE_VERSION: u64 = 1;

/// Largest trace the UI will import (bytes).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

fn addr(a: Address) -> Json {
    match a {
        Address::Node(n) => Json::from(n.0),
        Address::Client(c) => Json::Str(format!("c{}", c.0)),
    }
}

/// `[number, node, incarnation]`, plus the proposer's UUID as a fourth element when it has
/// one (the `uuid-ballots` quirk).
fn ballot(b: Ballot) -> Json {
    let mut a = vec![b.number.into(), b.node.0.into(), b.incarnation.into()];
    if b.uuid != 0 {
        a.push(u64::from(b.uuid).into());
    }
    Json::Arr(a)
}

/// `[node, incarnation, term, id]`.
fn lock_token(t: LockToken) -> Json {
    Json::Arr(vec![
        t.leader.node.0.into(),
        t.leader.incarnation.into(),
        t.term.into(),
        t.id.into(),
    ])
}

fn leader(l: LeaderId) -> Json {
    Json::Arr(vec![l.node.0.into(), l.incarnation.into()])
}

fn value(v: Value) -> Json {
    match v {
        Value::Leader(l) => leader(l),
        Value::Bound { bound, .. } => bound.into(),
    }
}

/// Pushes `"value"` (and `"owner"` for bounds) into an object's members.
fn put_value(members: &mut Vec<(String, Json)>, key: &str, v: Value) {
    members.push((key.to_string(), value(v)));
    if let Value::Bound { owner, .. } = v {
        members.push((
            "owner".into(),
            Json::Arr(vec![
                owner.leader.node.0.into(),
                owner.leader.incarnation.into(),
                owner.epoch.into(),
            ]),
        ));
    }
}

fn phase(p: Phase) -> &'static str {
    match p {
        Phase::Prepare => "prepare",
        Phase::Accept => "accept",
    }
}

/// A message payload as JSON.
pub fn msg_json(m: &Msg) -> Json {
    let mut o: Vec<(String, Json)> = vec![("type".into(), m.type_name().into())];
    let mut put = |k: &str, v: Json| o.push((k.to_string(), v));
    match m {
        Msg::Prepare {
            log,
            seq,
            ballot: b,
        } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("ballot", ballot(*b));
        }
        Msg::Promise {
            log,
            seq,
            ballot: b,
            accepted,
        } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("ballot", ballot(*b));
            let acc = match accepted {
                None => Json::Null,
                Some((ab, av)) => {
                    let mut a = vec![("ballot".to_string(), ballot(*ab))];
                    put_value(&mut a, "value", *av);
                    Json::Obj(a)
                }
            };
            put("accepted", acc);
        }
        Msg::Nack {
            log,
            seq,
            ballot: b,
            promised,
            phase: p,
        } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("ballot", ballot(*b));
            put("promised", ballot(*promised));
            put("phase", phase(*p).into());
        }
        Msg::Accept {
            log,
            seq,
            ballot: b,
            value: v,
        }
        | Msg::Accepted {
            log,
            seq,
            ballot: b,
            value: v,
        }
        | Msg::Learn {
            log,
            seq,
            ballot: b,
            value: v,
        } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("ballot", ballot(*b));
            put_value(&mut o, "value", *v);
        }
        Msg::CatchUp {
            log,
            from_seq,
            query,
        } => {
            put("log", log.name().into());
            put("from_seq", (*from_seq).into());
            put("query", (*query).into());
        }
        Msg::CatchUpReply { log, query, values } => {
            put("log", log.name().into());
            put("query", (*query).into());
            put(
                "values",
                Json::Arr(
                    values
                        .iter()
                        .map(|(s, v)| Json::Arr(vec![(*s).into(), value(*v)]))
                        .collect(),
                ),
            );
        }
        Msg::Ping { leader: l, query } => {
            put("leader", leader(*l));
            put("query", (*query).into());
        }
        Msg::PingReply {
            query,
            is_leader,
            round,
        } => {
            put("query", (*query).into());
            put("is_leader", (*is_leader).into());
            put("round", (*round).into());
        }
        Msg::LatestSeq { log, query } => {
            put("log", log.name().into());
            put("query", (*query).into());
        }
        Msg::LatestSeqReply {
            log,
            query,
            seq,
            bound_seq,
        } => {
            put("log", log.name().into());
            put("query", (*query).into());
            put("seq", (*seq).into());
            put("bound_seq", (*bound_seq).into());
        }
        Msg::LearnedQuery { log, seq, query } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("query", (*query).into());
        }
        Msg::LearnedReply {
            log,
            seq,
            query,
            value: v,
        } => {
            put("log", log.name().into());
            put("seq", (*seq).into());
            put("query", (*query).into());
            match v {
                Some(v) => put_value(&mut o, "value", *v),
                None => o.push(("value".into(), Json::Null)),
            }
        }
        Msg::TimestampRequest { request, count } => {
            put("request", (*request).into());
            put("count", (*count).into());
        }
        Msg::TimestampReply { request, result } => {
            put("request", (*request).into());
            let r = match result {
                TimestampResult::Granted { first, last } => {
                    obj([("granted", Json::Arr(vec![(*first).into(), (*last).into()]))])
                }
                TimestampResult::NotLeader { hint } => {
                    obj([("not_leader", hint.map(|h| h.0).into())])
                }
                TimestampResult::Unavailable => "unavailable".into(),
            };
            put("result", r);
        }
        Msg::ConnectionRefused { request } => put("request", msg_json(request)),
        Msg::LockRequest { request, lock } => {
            put("request", (*request).into());
            put("lock", lock.0.into());
        }
        Msg::LockRefresh {
            request,
            lock,
            token,
        }
        | Msg::Unlock {
            request,
            lock,
            token,
        } => {
            put("request", (*request).into());
            put("lock", lock.0.into());
            put("token", lock_token(*token));
        }
        Msg::LockReply {
            request,
            lock,
            result,
        } => {
            put("request", (*request).into());
            put("lock", lock.0.into());
            let r = match result {
                LockResult::Granted { token } => obj([("granted", lock_token(*token))]),
                LockResult::NotLeader { hint } => obj([("not_leader", hint.map(|h| h.0).into())]),
                LockResult::Refreshed => "refreshed".into(),
                LockResult::Busy => "busy".into(),
                LockResult::Unknown => "unknown".into(),
                LockResult::Unlocked => "unlocked".into(),
                LockResult::Wait => "wait".into(),
            };
            put("result", r);
        }
    }
    Json::Obj(o)
}

fn violation_json(v: &Violation) -> Vec<(String, Json)> {
    let mut o = vec![
        ("invariant".to_string(), v.invariant.name().into()),
        ("detail".to_string(), v.detail.clone().into()),
        (
            "nodes".to_string(),
            Json::Arr(v.nodes.iter().map(|n| n.0.into()).collect()),
        ),
    ];
    if let Some((log, seq)) = v.slot {
        o.push(("log".into(), log.name().into()));
        o.push(("seq".into(), seq.into()));
    }
    if !v.quorums.is_empty() {
        let q = v
            .quorums
            .iter()
            .map(|q| {
                let mut m = vec![("ballot".to_string(), ballot(q.ballot))];
                put_value(&mut m, "value", q.value);
                m.push((
                    "acceptors".into(),
                    Json::Arr(q.acceptors.iter().map(|n| n.0.into()).collect()),
                ));
                Json::Obj(m)
            })
            .collect();
        o.push(("quorums".into(), Json::Arr(q)));
    }
    if !v.ranges.is_empty() {
        let r = v
            .ranges
            .iter()
            .map(|r| {
                obj([
                    ("node", r.node.0.into()),
                    ("first", r.first.into()),
                    ("last", r.last.into()),
                    ("t", r.t.into()),
                ])
            })
            .collect();
        o.push(("ranges".into(), Json::Arr(r)));
    }
    o
}

/// One event as JSON (messages are looked up for send/deliver/drop).
pub fn event_json(e: &TraceEvent, messages: &Chunked<MessageRecord>) -> Json {
    let mut o: Vec<(String, Json)> = vec![("t".into(), e.t.into())];
    let kind = |k: &str, o: &mut Vec<(String, Json)>| o.push(("kind".into(), k.into()));
    let node = |n: NodeId| Json::from(n.0);
    let message = |id: u64, o: &mut Vec<(String, Json)>| {
        o.push(("id".into(), id.into()));
        if let Some(m) = messages.get(id as usize) {
            o.push(("from".into(), addr(m.from)));
            o.push(("to".into(), addr(m.to)));
            if let Some(d) = m.dup_of {
                o.push(("duplicate_of".into(), d.into()));
            }
            o.push(("msg".into(), msg_json(&m.msg)));
        }
    };
    match &e.kind {
        EventKind::Send(id) => {
            kind("send", &mut o);
            message(*id, &mut o);
            if let Some(m) = messages.get(*id as usize) {
                o.push(("arrive".into(), m.arrive.into()));
            }
        }
        EventKind::Deliver(id) => {
            kind("deliver", &mut o);
            message(*id, &mut o);
        }
        EventKind::Drop(id, reason) => {
            kind("drop", &mut o);
            message(*id, &mut o);
            o.push(("reason".into(), reason.name().into()));
        }
        EventKind::Boot(a) => {
            kind("boot", &mut o);
            o.push((
                match a {
                    Address::Node(_) => "node",
                    Address::Client(_) => "client",
                }
                .into(),
                addr(*a),
            ));
        }
        EventKind::Timer(a, t) => {
            kind("timer", &mut o);
            o.push((
                match a {
                    Address::Node(_) => "node",
                    Address::Client(_) => "client",
                }
                .into(),
                addr(*a),
            ));
            o.push(("timer".into(), t.name().into()));
        }
        EventKind::Leader { node: n, seq } => {
            kind("leader", &mut o);
            o.push(("node".into(), node(*n)));
            o.push(("seq".into(), (*seq).into()));
        }
        EventKind::Crash(n) => {
            kind("crash", &mut o);
            o.push(("node".into(), node(*n)));
        }
        EventKind::Restart(n, inc) => {
            kind("restart", &mut o);
            o.push(("node".into(), node(*n)));
            o.push(("incarnation".into(), (*inc).into()));
        }
        EventKind::Violation(v) => {
            kind("violation", &mut o);
            o.extend(violation_json(v));
        }
        EventKind::Fact(f) => match &**f {
            Fact::Learn {
                node: n,
                log,
                seq,
                value: v,
            } => {
                kind("learn", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("log".into(), log.name().into()));
                o.push(("seq".into(), (*seq).into()));
                put_value(&mut o, "value", *v);
            }
            Fact::Propose {
                node: n,
                log,
                seq,
                ballot: b,
                own,
            } => {
                kind("propose", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("log".into(), log.name().into()));
                o.push(("seq".into(), (*seq).into()));
                o.push(("ballot".into(), ballot(*b)));
                put_value(&mut o, "value", *own);
            }
            Fact::AcceptPhase {
                node: n,
                log,
                seq,
                ballot: b,
                value: v,
                adopted,
            } => {
                kind("accept-phase", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("log".into(), log.name().into()));
                o.push(("seq".into(), (*seq).into()));
                o.push(("ballot".into(), ballot(*b)));
                put_value(&mut o, "value", *v);
                o.push(("adopted".into(), (*adopted).into()));
            }
            Fact::Chosen {
                node: n,
                log,
                seq,
                ballot: b,
                value: v,
            } => {
                kind("chosen", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("log".into(), log.name().into()));
                o.push(("seq".into(), (*seq).into()));
                o.push(("ballot".into(), ballot(*b)));
                put_value(&mut o, "value", *v);
            }
            Fact::AttemptFailed {
                node: n,
                log,
                seq,
                ballot: b,
                reason,
            } => {
                kind("attempt-failed", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("log".into(), log.name().into()));
                o.push(("seq".into(), (*seq).into()));
                o.push(("ballot".into(), ballot(*b)));
                match reason {
                    FailReason::Nacked { promised, phase: p } => {
                        o.push(("reason".into(), "nacked".into()));
                        o.push(("promised".into(), ballot(*promised)));
                        o.push(("phase".into(), phase(*p).into()));
                    }
                    FailReason::Timeout { phase: p } => {
                        o.push(("reason".into(), "timeout".into()));
                        o.push(("phase".into(), phase(*p).into()));
                    }
                    FailReason::Unreachable { phase: p } => {
                        o.push(("reason".into(), "unreachable".into()));
                        o.push(("phase".into(), phase(*p).into()));
                    }
                }
            }
            Fact::LostLeadership {
                node: n,
                seq,
                reason,
            } => {
                kind("lost-leadership", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("seq".into(), (*seq).into()));
                o.push(("reason".into(), (*reason).into()));
            }
            Fact::Serve {
                node: n,
                client,
                request,
                first,
                last,
                bound_seq,
                bound,
            } => {
                kind("serve", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("first".into(), (*first).into()));
                o.push(("last".into(), (*last).into()));
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("request".into(), (*request).into()));
                o.push(("bound_seq".into(), (*bound_seq).into()));
                o.push(("bound".into(), (*bound).into()));
            }
            Fact::BoundExtended {
                node: n,
                seq,
                bound,
            } => {
                kind("bound-extended", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("seq".into(), (*seq).into()));
                o.push(("bound".into(), (*bound).into()));
            }
            Fact::BoundRecovered {
                node: n,
                seq,
                bound,
            } => {
                kind("bound-recovered", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("seq".into(), (*seq).into()));
                o.push(("bound".into(), (*bound).into()));
            }
            Fact::StoreLost {
                node: n,
                seq,
                found,
            } => {
                kind("store-lost", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("seq".into(), (*seq).into()));
                put_value(&mut o, "found", *found);
            }
            Fact::BoundStale {
                node: n,
                agreed,
                later,
            } => {
                kind("bound-stale", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("agreed".into(), (*agreed).into()));
                o.push(("later".into(), (*later).into()));
            }
            Fact::ClientRequest {
                client,
                request,
                count,
            } => {
                kind("client-request", &mut o);
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("request".into(), (*request).into()));
                o.push(("count".into(), (*count).into()));
            }
            Fact::ClientGranted {
                client,
                request,
                from,
                first,
                last,
            } => {
                kind("client-granted", &mut o);
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("request".into(), (*request).into()));
                o.push(("from".into(), addr(*from)));
                o.push(("first".into(), (*first).into()));
                o.push(("last".into(), (*last).into()));
            }
            Fact::LockGranted {
                node: n,
                client,
                lock,
                token,
            } => {
                kind("lock-granted", &mut o);
                o.push(("node".into(), node(*n)));
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("lock".into(), lock.0.into()));
                o.push(("token".into(), lock_token(*token)));
            }
            Fact::ClientLocked {
                client,
                lock,
                token,
                until,
            } => {
                kind("client-locked", &mut o);
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("lock".into(), lock.0.into()));
                o.push(("token".into(), lock_token(*token)));
                o.push(("until".into(), (*until).into()));
            }
            Fact::ClientLockRefreshed {
                client,
                lock,
                until,
            } => {
                kind("client-lock-refreshed", &mut o);
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("lock".into(), lock.0.into()));
                o.push(("until".into(), (*until).into()));
            }
            Fact::ClientLockEnded { client, lock, why } => {
                kind("client-lock-ended", &mut o);
                o.push(("client".into(), addr(Address::Client(*client))));
                o.push(("lock".into(), lock.0.into()));
                o.push(("why".into(), (*why).into()));
            }
            Fact::Intervene(a) => {
                kind("intervene", &mut o);
                o.push(("action".into(), action_json(a)));
            }
        },
    }
    Json::Obj(o)
}

// ---- configuration and interventions ---------------------------------------------------------

/// The configuration (without the seed) as JSON.
pub fn config_json(c: &SimConfig) -> Json {
    let p = &c.protocol;
    obj([
        ("nodes", p.nodes.into()),
        ("ping_interval_us", p.ping_interval.into()),
        ("ping_timeout_us", p.ping_timeout.into()),
        ("quorum_timeout_us", p.quorum_timeout.into()),
        ("backoff", p.backoff.name().into()),
        ("backoff_max_us", p.backoff.max_wait().into()),
        ("bound_buffer", p.bound_buffer.into()),
        ("bound_retry_max_us", p.bound_retry_max.into()),
        (
            "max_timestamps_per_request",
            p.max_timestamps_per_request.into(),
        ),
        ("no_quorum_retries", p.no_quorum_retries.into()),
        ("no_quorum_retry_delay_us", p.no_quorum_retry_delay.into()),
        ("resend_interval_us", p.resend_interval.into()),
        (
            "quirks",
            Json::Arr(p.quirks.enabled().into_iter().map(Json::from).collect()),
        ),
        (
            "bugs",
            Json::Arr(p.bugs.enabled().into_iter().map(Json::from).collect()),
        ),
        ("latency_min_us", c.network.latency_min.into()),
        ("latency_max_us", c.network.latency_max.into()),
        ("loss_ppm", c.network.loss_ppm.into()),
        ("duplicate_ppm", c.network.duplicate_ppm.into()),
        ("clients", u64::from(c.clients.count).into()),
        ("client_batch", c.clients.batch.into()),
        ("client_think_us", c.clients.think.into()),
        ("client_timeout_us", c.clients.timeout.into()),
        ("lock_clients", u64::from(c.clients.lock_clients).into()),
        ("locks", u64::from(c.clients.locks).into()),
        ("lock_hold_us", c.clients.lock_hold.into()),
        ("lock_lease_us", p.lock_lease.into()),
    ])
}

fn u32_field(j: &Json, key: &str, default: u32) -> Result<u32, String> {
    match j.opt_u64(key)? {
        None => Ok(default),
        Some(v) => u32::try_from(v).map_err(|_| format!("field \"{key}\" is too large")),
    }
}

fn u64_field(j: &Json, key: &str, default: u64) -> Result<u64, String> {
    Ok(j.opt_u64(key)?.unwrap_or(default))
}

/// Reads a configuration; missing fields take the classroom preset's values.
pub fn config_from_json(j: &Json, seed: u64) -> Result<SimConfig, String> {
    if !matches!(j, Json::Obj(_)) {
        return Err("\"config\" must be an object".into());
    }
    let nodes = j.req_u64("nodes")?;
    let nodes = u8::try_from(nodes)
        .ok()
        .filter(|n| (3..=9).contains(n))
        .ok_or_else(|| format!("\"nodes\" must be 3–9, got {nodes}"))?;
    let mut c = SimConfig::classroom(seed);
    let d = ProtocolConfig::classroom(nodes);
    let backoff_name = match j.get("backoff") {
        None => d.backoff.name(),
        Some(v) => v.as_str().ok_or("field \"backoff\" must be a string")?,
    };
    let backoff_max = u64_field(j, "backoff_max_us", d.backoff.max_wait())?;
    let backoff = BackoffPolicy::from_name(backoff_name, backoff_max).ok_or_else(|| {
        format!(
            "unknown backoff \"{backoff_name}\" (one of {})",
            BackoffPolicy::NAMES.join(", ")
        )
    })?;
    let mut bugs = Bugs::default();
    if let Some(list) = j.get("bugs") {
        for b in list.as_array().ok_or("field \"bugs\" must be a list")? {
            let name = b.as_str().ok_or("bug names must be strings")?;
            if !bugs.set(name, true) {
                return Err(format!(
                    "unknown bug \"{name}\" (one of {})",
                    Bugs::NAMES.join(", ")
                ));
            }
        }
    }
    let mut quirks = Quirks::default();
    if let Some(list) = j.get("quirks") {
        for q in list.as_array().ok_or("field \"quirks\" must be a list")? {
            let name = q.as_str().ok_or("quirk names must be strings")?;
            if !quirks.set(name, true) {
                return Err(format!(
                    "unknown AtlasDB quirk \"{name}\" (one of {})",
                    Quirks::NAMES.join(", ")
                ));
            }
        }
    }
    // Traces written before quirks existed.
    if let Some(v) = j.get("catch_up_after_preemption") {
        quirks.catch_up_after_preemption |= v
            .as_bool()
            .ok_or("field \"catch_up_after_preemption\" must be true or false")?;
    }
    c.protocol = ProtocolConfig {
        nodes,
        ping_interval: u64_field(j, "ping_interval_us", d.ping_interval)?,
        ping_timeout: u64_field(j, "ping_timeout_us", d.ping_timeout)?,
        quorum_timeout: u64_field(j, "quorum_timeout_us", d.quorum_timeout)?,
        backoff,
        bound_buffer: u64_field(j, "bound_buffer", d.bound_buffer)?,
        bound_retry_max: u64_field(j, "bound_retry_max_us", d.bound_retry_max)?,
        max_timestamps_per_request: u64_field(
            j,
            "max_timestamps_per_request",
            d.max_timestamps_per_request,
        )?,
        no_quorum_retries: u32_field(j, "no_quorum_retries", d.no_quorum_retries)?,
        no_quorum_retry_delay: u64_field(j, "no_quorum_retry_delay_us", d.no_quorum_retry_delay)?,
        resend_interval: u64_field(j, "resend_interval_us", d.resend_interval)?,
        lock_lease: u64_field(j, "lock_lease_us", d.lock_lease)?,
        bugs,
        quirks,
    };
    let n = NetworkConfig::classroom();
    c.network = NetworkConfig {
        latency_min: u64_field(j, "latency_min_us", n.latency_min)?,
        latency_max: u64_field(j, "latency_max_us", n.latency_max)?,
        loss_ppm: u32_field(j, "loss_ppm", n.loss_ppm)?,
        duplicate_ppm: u32_field(j, "duplicate_ppm", n.duplicate_ppm)?,
    };
    let cl = c.clients;
    c.clients = ClientLoad {
        count: u16::try_from(u64_field(j, "clients", u64::from(cl.count))?)
            .map_err(|_| "field \"clients\" is too large".to_string())?,
        batch: u64_field(j, "client_batch", cl.batch)?,
        think: u64_field(j, "client_think_us", cl.think)?,
        timeout: u64_field(j, "client_timeout_us", cl.timeout)?,
        lock_clients: u16::try_from(u64_field(j, "lock_clients", u64::from(cl.lock_clients))?)
            .map_err(|_| "field \"lock_clients\" is too large".to_string())?,
        locks: u8::try_from(u64_field(j, "locks", u64::from(cl.locks))?)
            .map_err(|_| "field \"locks\" is too large".to_string())?,
        lock_hold: u64_field(j, "lock_hold_us", cl.lock_hold)?,
    };
    c.validate()?;
    Ok(c)
}

fn groups_json(groups: &[Vec<NodeId>]) -> Json {
    Json::Arr(
        groups
            .iter()
            .map(|g| Json::Arr(g.iter().map(|n| n.0.into()).collect()))
            .collect(),
    )
}

/// An action as JSON (the `"kind"` names match the trace's event kinds).
pub fn action_json(a: &Action) -> Json {
    let mut o: Vec<(String, Json)> = vec![("kind".into(), a.kind().into())];
    match a {
        Action::Crash(n) | Action::Restart(n) => o.push(("node".into(), n.0.into())),
        Action::CrashLeader | Action::Heal | Action::ClearFilters => {}
        Action::IsolateLeader { followers } => o.push(("followers".into(), (*followers).into())),
        Action::Partition(g) => o.push(("groups".into(), groups_json(g))),
        Action::DropMessage(id) => o.push(("id".into(), (*id).into())),
        Action::Slow { node, extra } => {
            o.push(("node".into(), node.0.into()));
            o.push(("extra_us".into(), (*extra).into()));
        }
        Action::ClientRequest { node, count } => {
            o.push(("node".into(), node.0.into()));
            o.push(("count".into(), (*count).into()));
        }
        Action::Filter(f) => {
            o.push(("from".into(), f.from.map(|n| n.0).into()));
            o.push(("to".into(), f.to.map(|n| n.0).into()));
            o.push((
                "type".into(),
                f.msg_type.map(|m| Msg::TYPE_NAMES[usize::from(m)]).into(),
            ));
        }
        Action::Set(p) => {
            let (name, fields): (&str, Vec<(&str, Json)>) = match p {
                Param::LossPpm(v) => ("loss-ppm", vec![("value", (*v).into())]),
                Param::DuplicatePpm(v) => ("duplicate-ppm", vec![("value", (*v).into())]),
                Param::Latency { min, max } => (
                    "latency",
                    vec![("min_us", (*min).into()), ("max_us", (*max).into())],
                ),
                Param::Backoff(b) => (
                    "backoff",
                    vec![
                        ("policy", b.name().into()),
                        ("max_wait_us", b.max_wait().into()),
                    ],
                ),
                Param::PingInterval(v) => ("ping-interval", vec![("value_us", (*v).into())]),
                Param::PingTimeout(v) => ("ping-timeout", vec![("value_us", (*v).into())]),
                Param::Bug { name, on } => (
                    "bug",
                    vec![("name", name.as_str().into()), ("on", (*on).into())],
                ),
                Param::Quirk { name, on } => (
                    "quirk",
                    vec![("name", name.as_str().into()), ("on", (*on).into())],
                ),
            };
            o.push(("param".into(), name.into()));
            o.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
        }
    }
    Json::Obj(o)
}

fn node_field(j: &Json, key: &str) -> Result<NodeId, String> {
    let n = j.req_u64(key)?;
    u8::try_from(n)
        .map(NodeId)
        .map_err(|_| format!("node {n} does not exist"))
}

fn opt_node(j: &Json, key: &str) -> Result<Option<NodeId>, String> {
    match j.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(_) => node_field(j, key).map(Some),
    }
}

/// Reads an action.
pub fn action_from_json(j: &Json) -> Result<Action, String> {
    let kind = j.req_str("kind")?;
    Ok(match kind {
        "crash" => Action::Crash(node_field(j, "node")?),
        "restart" => Action::Restart(node_field(j, "node")?),
        "crash-leader" => Action::CrashLeader,
        "isolate-leader" => Action::IsolateLeader {
            followers: u8::try_from(j.opt_u64("followers")?.unwrap_or(0))
                .map_err(|_| "too many followers".to_string())?,
        },
        "heal" => Action::Heal,
        "clear-filters" => Action::ClearFilters,
        "partition" => {
            let groups = j
                .get("groups")
                .and_then(Json::as_array)
                .ok_or("a partition needs \"groups\": [[1,2],[3,4,5]]")?;
            let mut out = Vec::new();
            for g in groups {
                let members = g.as_array().ok_or("each partition group must be a list")?;
                let mut group = Vec::new();
                for m in members {
                    let n = m.as_u64().ok_or("partition members must be node numbers")?;
                    group.push(NodeId(
                        u8::try_from(n).map_err(|_| format!("node {n} does not exist"))?,
                    ));
                }
                out.push(group);
            }
            Action::Partition(out)
        }
        "drop-message" => Action::DropMessage(j.req_u64("id")?),
        "slow" => Action::Slow {
            node: node_field(j, "node")?,
            extra: j.req_u64("extra_us")?,
        },
        "client-request" => Action::ClientRequest {
            node: node_field(j, "node")?,
            count: j.req_u64("count")?,
        },
        "filter" => {
            let msg_type = match j.get("type") {
                None | Some(Json::Null) => None,
                Some(t) => {
                    let name = t.as_str().ok_or("filter \"type\" must be a message type")?;
                    Some(
                        Msg::TYPE_NAMES
                            .iter()
                            .position(|&n| n == name)
                            .ok_or_else(|| format!("unknown message type \"{name}\""))?
                            as u8,
                    )
                }
            };
            Action::Filter(LinkFilter {
                from: opt_node(j, "from")?,
                to: opt_node(j, "to")?,
                msg_type,
            })
        }
        "set" => {
            let param = j.req_str("param")?;
            Action::Set(match param {
                "loss-ppm" => Param::LossPpm(u32_field(j, "value", 0)?),
                "duplicate-ppm" => Param::DuplicatePpm(u32_field(j, "value", 0)?),
                "latency" => Param::Latency {
                    min: j.req_u64("min_us")?,
                    max: j.req_u64("max_us")?,
                },
                "backoff" => {
                    let policy = j.req_str("policy")?;
                    Param::Backoff(
                        BackoffPolicy::from_name(policy, j.opt_u64("max_wait_us")?.unwrap_or(0))
                            .ok_or_else(|| format!("unknown backoff \"{policy}\""))?,
                    )
                }
                "ping-interval" => Param::PingInterval(j.req_u64("value_us")?),
                "ping-timeout" => Param::PingTimeout(j.req_u64("value_us")?),
                "bug" => Param::Bug {
                    name: j.req_str("name")?.to_string(),
                    on: j
                        .get("on")
                        .and_then(Json::as_bool)
                        .ok_or("a bug switch needs \"on\": true or false")?,
                },
                "quirk" => Param::Quirk {
                    name: j.req_str("name")?.to_string(),
                    on: j
                        .get("on")
                        .and_then(Json::as_bool)
                        .ok_or("a quirk switch needs \"on\": true or false")?,
                },
                other => return Err(format!("unknown parameter \"{other}\"")),
            })
        }
        other => return Err(format!("unknown intervention kind \"{other}\"")),
    })
}

/// An intervention as JSON: the action plus `"at"` (µs).
pub fn intervention_json(iv: &Intervention) -> Json {
    match action_json(&iv.action) {
        Json::Obj(mut o) => {
            o.insert(0, ("at".into(), iv.at.into()));
            Json::Obj(o)
        }
        other => other,
    }
}

/// Reads an intervention.
pub fn intervention_from_json(j: &Json) -> Result<Intervention, String> {
    Ok(Intervention {
        at: j.req_u64("at")?,
        action: action_from_json(j)?,
    })
}

// ---- whole traces ----------------------------------------------------------------------------

/// Events `0..upto` as JSON lines (the form hashed by [`trace_hash`]).
pub fn event_lines(h: &History, upto: usize) -> impl Iterator<Item = String> + '_ {
    h.events
        .range(0..upto)
        .map(|e| event_json(e, &h.messages).to_text())
}

/// Fingerprint of the first `upto` events: identical runs have identical hashes, on every
/// platform.
pub fn trace_hash(h: &History, upto: usize) -> u64 {
    let mut acc = Vec::new();
    for line in event_lines(h, upto) {
        acc.extend_from_slice(line.as_bytes());
        acc.push(b'\n');
    }
    fnv1a(&acc)
}

/// The run's record up to the cursor as a trace document.
pub fn export(run: &Run) -> String {
    let upto = run.cursor_event();
    let mut s = String::new();
    s.push_str("{\"version\":");
    s.push_str(&TRACE_VERSION.to_string());
    s.push_str(",\"seed\":");
    s.push_str(&run.config().seed.to_string());
    s.push_str(",\"config\":");
    config_json(run.config()).write(&mut s);
    s.push_str(",\"interventions\":");
    let applied = &run.interventions()[..run.world().next_intervention];
    Json::Arr(applied.iter().map(intervention_json).collect()).write(&mut s);
    s.push_str(",\"cursor_us\":");
    s.push_str(&run.now().to_string());
    s.push_str(",\"cursor_steps\":");
    s.push_str(&run.world().steps.to_string());
    s.push_str(",\"events\":[\n");
    for (i, line) in event_lines(run.history(), upto).enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&line);
    }
    s.push_str("\n]}\n");
    s
}

/// What an import yields: enough to rebuild the run, plus the recorded events' fingerprint.
#[derive(Clone, Debug)]
pub struct Imported {
    /// Configuration, with the seed.
    pub config: SimConfig,
    /// Interventions.
    pub interventions: Vec<Intervention>,
    /// Where the exporter's cursor was.
    pub cursor: Time,
    /// The exporter's cursor in steps, if recorded (exact even in the middle of an instant).
    pub cursor_steps: Option<u64>,
    /// Number of recorded events.
    pub events: usize,
    /// Fingerprint of the recorded events (same function as [`trace_hash`]).
    pub events_hash: u64,
}

/// Parses and checks a trace document. Nothing is changed on failure.
pub fn import(text: &str) -> Result<Imported, String> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "This file is {} MB; traces up to {} MB can be imported.",
            super::units::fixed(text.len() as i128 * 10 / (1024 * 1024), 1, 1),
            MAX_IMPORT_BYTES / (1024 * 1024)
        ));
    }
    let doc = parse(text)?;
    if !matches!(doc, Json::Obj(_)) {
        return Err("A trace is a JSON object with \"version\", \"seed\", \"config\", \"interventions\" and \"events\".".into());
    }
    let version = doc
        .get("version")
        .ok_or("This is not a PaxosScope trace: it has no \"version\".")?
        .as_u64()
        .ok_or("\"version\" must be a number")?;
    if version != TRACE_VERSION {
        return Err(format!(
            "This trace has version {version}; this PaxosScope reads version {TRACE_VERSION}."
        ));
    }
    let seed = doc.req_u64("seed")?;
    let config = config_from_json(doc.get("config").ok_or("missing \"config\"")?, seed)?;
    let mut interventions = Vec::new();
    for (i, iv) in doc
        .get("interventions")
        .and_then(Json::as_array)
        .ok_or("\"interventions\" must be a list")?
        .iter()
        .enumerate()
    {
        let iv = intervention_from_json(iv).map_err(|e| format!("intervention {}: {e}", i + 1))?;
        iv.action
            .validate(config.protocol.nodes)
            .map_err(|e| format!("intervention {}: {e}", i + 1))?;
        interventions.push(iv);
    }
    let events = doc
        .get("events")
        .and_then(Json::as_array)
        .ok_or("\"events\" must be a list")?;
    let mut acc = Vec::new();
    for e in events {
        if e.get("t").and_then(Json::as_u64).is_none()
            || e.get("kind").and_then(Json::as_str).is_none()
        {
            return Err("every event needs \"t\" and \"kind\"".into());
        }
        e.write_bytes(&mut acc);
        acc.push(b'\n');
    }
    let last_t = events.last().and_then(|e| e.req_u64("t").ok()).unwrap_or(0);
    Ok(Imported {
        config,
        interventions,
        cursor: doc.opt_u64("cursor_us")?.unwrap_or(last_t),
        cursor_steps: doc.opt_u64("cursor_steps")?,
        events: events.len(),
        events_hash: fnv1a(&acc),
    })
}

impl Json {
    fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_text().as_bytes());
    }
}

/// Builds the run an import describes, at the exporter's cursor, and reports whether this
/// engine reproduced the recorded events exactly.
pub fn rebuild(imported: &Imported) -> Result<(Run, bool), String> {
    let mut run = Run::new(imported.config.clone(), imported.interventions.clone())?;
    match imported.cursor_steps {
        Some(steps) => {
            run.seek_steps(steps);
            run.seek(imported.cursor);
        }
        None => run.seek(imported.cursor),
    }
    let same = run.cursor_event() == imported.events
        && trace_hash(run.history(), imported.events) == imported.events_hash;
    Ok((run, same))
}

//! Controls: the transport bar (play, step, speed), the run settings (scenario, seed, cluster
//! size, network, backoff, pings, clients) and the fault buttons (crash, restart, partition).
//! Every control only dispatches a [`LabAction`]; out-of-range values are refused by the lab
//! with a notice.

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::format::{dur, secs};
use super::store::{field, number, on_number, use_lab, use_quiet_lab, LabHandle};
use crate::lab::{
    scenario, units, Action, BackoffPolicy, NodeId, Param, Preset, Protocol, Role, MS,
};
use crate::lab::{LabAction, SPEED_RANGE};

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Longest time a field takes, in µs (ten minutes: far past any timing worth watching).
const MAX_US: u64 = 600_000_000;

/// The speed slider works in hundredths of log10(speed).
fn speed_to_slider(s: f64) -> i64 {
    (js_sys::Math::log10(s) * 100.0).round() as i64
}

/// The log-scale speed slider and its reading (the main transport's and the dueling lab's).
pub fn speed_control(store: &LabHandle, id: &'static str) -> Html {
    let speed = store.lab().speed;
    let on_speed = on_number(store, |v: i64| {
        LabAction::SetSpeed(js_sys::Math::pow(10.0, v as f64 / 100.0))
    });
    let label = if speed >= 1.0 {
        format!(
            "{}× real time",
            units::short((speed * 10.0).round() as i128, 1)
        )
    } else {
        format!("1/{} of real time", (1.0 / speed).round() as u64)
    };
    html! {
        <label class="speed" title="Playback speed (log scale)">
            <span>{ "Speed" }</span>
            <input {id} type="range" aria-label="Playback speed, log scale"
                   min={speed_to_slider(SPEED_RANGE.0).to_string()} max={speed_to_slider(SPEED_RANGE.1).to_string()}
                   step="5" value={speed_to_slider(speed).to_string()} oninput={on_speed} />
            <span class="speed-value">{ label }</span>
        </label>
    }
}

/// Play/pause, stepping, speed, and the clock.
#[component]
pub fn Transport() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let playing = lab.playing;
    let now = lab.run.now();
    html! {
        <div class="transport" role="toolbar" aria-label="Playback">
            <button id="play" class="primary" onclick={store.send(LabAction::TogglePlay)}
                    aria-keyshortcuts="Space" title="Play or pause (Space)">
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button id="step-back" onclick={store.send(LabAction::StepBack)}
                    aria-keyshortcuts="ArrowLeft" title="One event back (←)">{ "◀ Step" }</button>
            <button id="step" onclick={store.send(LabAction::Step)}
                    aria-keyshortcuts="ArrowRight" title="One event forward (→)">{ "Step ▶" }</button>
            <button id="step-phase" onclick={store.send(LabAction::StepPhase)}
                    title="Run to the next proposal, phase, choice, leader change or fault">{ "Next phase ▶▶" }</button>
            { speed_control(&store, "speed") }
            <span class="clock" id="clock" aria-live="off">{ format!("t = {}", secs(now)) }</span>
            <button id="reset" onclick={store.send(LabAction::Reset)}
                    title="Start this scenario over">{ "Reset" }</button>
        </div>
    }
}

/// Scenario, seed, size, network, protocol and client settings.
#[component]
pub fn Settings() -> Html {
    let store = use_quiet_lab();
    let lab = store.lab();
    let cfg = lab.config_now().clone();
    let d: &LabHandle = &store;
    let on_scenario = store.callback(|e: Event| Some(LabAction::LoadScenario(select_value(&e))));
    let on_preset =
        store.callback(|e: Event| Preset::from_name(&select_value(&e)).map(LabAction::SetPreset));
    let on_protocol = store
        .callback(|e: Event| Protocol::from_name(&select_value(&e)).map(LabAction::SetProtocol));
    let profile = Protocol::of(cfg.protocol.quirks);
    let ms = |us: u64| units::short(i128::from(us), 3);
    let on_seed = field(d, cfg.seed.to_string(), |t| {
        number(t, "The seed", 0, 0, u64::MAX).map(LabAction::SetSeed)
    });
    let new_seed = store.send(LabAction::NewSeed);
    // Out-of-range counts reach the lab, which explains the 3–9 rule itself.
    let on_nodes = field(d, cfg.protocol.nodes.to_string(), |t| {
        number(t, "Nodes", 0, 0, 255).map(|n| LabAction::SetNodes(n as u8))
    });
    let ms_param = |name: &'static str, now: u64, make: fn(u64) -> Param| {
        field(d, ms(now), move |t| {
            number(t, name, 3, MS, MAX_US).map(|us| LabAction::SetParam(make(us)))
        })
    };
    let (lat_min, lat_max) = (cfg.network.latency_min, cfg.network.latency_max);
    let on_lat_min = field(d, ms(lat_min), move |t| {
        number(t, "Latency min (ms)", 3, 0, MAX_US).map(|min| {
            LabAction::SetParam(Param::Latency {
                min,
                max: lat_max.max(min),
            })
        })
    });
    let on_lat_max = field(d, ms(lat_max), move |t| {
        number(t, "Latency max (ms)", 3, 0, MAX_US).map(|max| {
            LabAction::SetParam(Param::Latency {
                min: lat_min.min(max),
                max,
            })
        })
    });
    let pct_param = |name: &'static str, now: u32, make: fn(u32) -> Param| {
        field(d, units::short(i128::from(now), 4), move |t| {
            number(t, name, 4, 0, 1_000_000).map(|ppm| LabAction::SetParam(make(ppm as u32)))
        })
    };
    let backoff = cfg.protocol.backoff;
    let on_backoff = store.callback(move |e: Event| {
        let max = match backoff.max_wait() {
            0 => 800 * MS,
            m => m,
        };
        BackoffPolicy::from_name(&select_value(&e), max)
            .map(|b| LabAction::SetParam(Param::Backoff(b)))
    });
    let on_backoff_max = field(d, (backoff.max_wait() / MS).to_string(), move |t| {
        let us = number(t, "The backoff's max wait (ms)", 3, 0, MAX_US)?;
        BackoffPolicy::from_name(backoff.name(), us)
            .map(|b| LabAction::SetParam(Param::Backoff(b)))
            .ok_or_else(|| format!("The {} backoff cannot wait up to {t} ms.", backoff.name()))
    });
    let clients = cfg.clients;
    let on_clients = field(d, clients.count.to_string(), move |t| {
        number(t, "Clients", 0, 0, 64).map(|v| LabAction::SetClients {
            count: v as u16,
            batch: clients.batch,
        })
    });
    let on_batch = field(d, clients.batch.to_string(), move |t| {
        number(t, "Timestamps per request", 0, 1, 10_000).map(|batch| LabAction::SetClients {
            count: clients.count,
            batch,
        })
    });
    let on_lock_clients = field(d, clients.lock_clients.to_string(), move |t| {
        number(t, "Lock clients", 0, 0, 16).map(|v| LabAction::SetLockClients {
            count: v as u16,
            locks: clients.locks,
        })
    });
    let on_locks = field(d, clients.locks.to_string(), move |t| {
        number(t, "Locks", 0, 1, 26).map(|v| LabAction::SetLockClients {
            count: clients.lock_clients,
            locks: v as u8,
        })
    });
    let current = lab.scenario.clone().unwrap_or_default();
    html! {
        <form class="settings" aria-label="Run settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <fieldset>
                <legend>{ "Run" }</legend>
                <label>{ "Scenario" }
                    <select id="scenario" onchange={on_scenario} aria-label="Scenario">
                        if lab.scenario.is_none() {
                            <option value="" selected=true>{ "(custom run)" }</option>
                        }
                        { for scenario::all().into_iter().map(|s| html! {
                            <option value={s.name} selected={s.name == current} title={s.summary}>{ s.title }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Seed" }
                    <input id="seed" type="text" inputmode="numeric" pattern="[0-9]*" spellcheck="false" value={cfg.seed.to_string()} onchange={on_seed} />
                </label>
                <button type="button" id="new-seed" onclick={new_seed} title="A new random seed">{ "New seed" }</button>
                <label>{ "Nodes" }
                    <input id="nodes" type="number" min="3" max="9" step="1" value={cfg.protocol.nodes.to_string()} onchange={on_nodes} />
                </label>
                <label>{ "Timing" }
                    <select id="preset" onchange={on_preset} aria-label="Timing preset">
                        <option value="classroom" selected={lab.preset == Preset::Classroom}>{ "classroom (slow)" }</option>
                        <option value="atlasdb" selected={lab.preset == Preset::AtlasDb}>{ "AtlasDB constants" }</option>
                    </select>
                </label>
                <label>{ "Protocol" }
                    <select id="protocol" onchange={on_protocol} aria-label="Protocol profile"
                            title="Textbook Paxos with this lab's safety rules, or AtlasDB's code as written (every quirk in Break Paxos → Found in real code)">
                        <option value="textbook" selected={profile == Some(Protocol::Textbook)}>{ "textbook" }</option>
                        <option value="atlasdb" selected={profile == Some(Protocol::AtlasDb)}>{ "AtlasDB as written" }</option>
                        if profile.is_none() {
                            <option value="" selected=true disabled=true>
                                { format!("custom: {}", cfg.protocol.quirks.enabled().join(", ")) }
                            </option>
                        }
                    </select>
                </label>
            </fieldset>
            <fieldset>
                <legend>{ "Network" }</legend>
                <label>{ "Latency min (ms)" }
                    <input id="lat-min" type="number" min="0" step="1" value={units::short(i128::from(lat_min), 3)} onchange={on_lat_min} />
                </label>
                <label>{ "max (ms)" }
                    <input id="lat-max" type="number" min="0" step="1" value={units::short(i128::from(lat_max), 3)} onchange={on_lat_max} />
                </label>
                <label>{ "Loss %" }
                    <input id="loss" type="number" min="0" max="100" step="1" value={units::short(i128::from(cfg.network.loss_ppm), 4)} onchange={pct_param("Loss %", cfg.network.loss_ppm, Param::LossPpm)} />
                </label>
                <label>{ "Duplicate %" }
                    <input id="dup" type="number" min="0" max="100" step="1" value={units::short(i128::from(cfg.network.duplicate_ppm), 4)} onchange={pct_param("Duplicate %", cfg.network.duplicate_ppm, Param::DuplicatePpm)} />
                </label>
            </fieldset>
            <fieldset>
                <legend>{ "Election" }</legend>
                <label>{ "Backoff" }
                    <select id="backoff" onchange={on_backoff} aria-label="Backoff before proposing">
                        { for BackoffPolicy::NAMES.iter().map(|&name| html! {
                            <option value={name} selected={backoff.name() == name}>{ name }</option>
                        }) }
                    </select>
                </label>
                <label>{ "max wait (ms)" }
                    <input id="backoff-max" type="number" min="0" step="10" disabled={backoff == BackoffPolicy::None}
                           value={(backoff.max_wait() / MS).to_string()} onchange={on_backoff_max} />
                </label>
                <label>{ "Ping every (ms)" }
                    <input id="ping-interval" type="number" min="1" step="10" value={(cfg.protocol.ping_interval / MS).to_string()} onchange={ms_param("Ping every (ms)", cfg.protocol.ping_interval, Param::PingInterval)} />
                </label>
                <label>{ "Ping timeout (ms)" }
                    <input id="ping-timeout" type="number" min="1" step="10" value={(cfg.protocol.ping_timeout / MS).to_string()} onchange={ms_param("Ping timeout (ms)", cfg.protocol.ping_timeout, Param::PingTimeout)} />
                </label>
            </fieldset>
            <fieldset>
                <legend>{ "Clients" }</legend>
                <label>{ "Clients" }
                    <input id="clients" type="number" min="0" max="64" step="1" value={clients.count.to_string()} onchange={on_clients} />
                </label>
                <label>{ "Timestamps per request" }
                    <input id="batch" type="number" min="1" max="10000" step="1" value={clients.batch.to_string()} onchange={on_batch} />
                </label>
                <span class="hint">{ format!("bound buffer {} · think {}", cfg.protocol.bound_buffer, dur(clients.think)) }</span>
                <label>{ "Lock clients" }
                    <input id="lock-clients" type="number" min="0" max="16" step="1" value={clients.lock_clients.to_string()} onchange={on_lock_clients} />
                </label>
                <label>{ "Locks they share" }
                    <input id="locks" type="number" min="1" max="26" step="1" value={clients.locks.to_string()} onchange={on_locks} />
                </label>
                <span class="hint">{ format!("hold {} · lease {}", dur(clients.lock_hold), dur(cfg.protocol.lock_lease)) }</span>
            </fieldset>
        </form>
    }
}

/// Crash, restart and partition buttons.
#[component]
pub fn Faults() -> Html {
    let store = use_quiet_lab();
    let lab = store.lab();
    let nodes = crate::lab::view::nodes(&lab.run);
    let partitioned = lab.partitioned();
    let selected = lab.selected_node;
    html! {
        <div class="faults" role="group" aria-label="Faults">
            <div class="node-buttons">
                { for nodes.iter().map(|n| {
                    let id = n.id;
                    let (label, action) = if n.role == Role::Crashed {
                        (format!("Restart {id}"), Action::Restart(id))
                    } else {
                        (format!("Crash {id}"), Action::Crash(id))
                    };
                    html! {
                        <button type="button" class={classes!("fault", (n.role == Role::Crashed).then_some("restart"))}
                                data-node={id.0.to_string()} onclick={store.send(LabAction::Intervene(action))}>
                            { label }
                        </button>
                    }
                }) }
            </div>
            <div class="partition-buttons">
                if lab.split.is_some() {
                    // The instructions and the buttons are on the picture, where the clicks go.
                    <span class="hint">{ "Choosing the two groups: see the bar on the picture." }</span>
                } else {
                    <button type="button" id="split" onclick={store.send(LabAction::StartSplit)}
                            title="Choose two groups by clicking nodes">{ "Split the network…" }</button>
                    <button type="button" id="isolate" disabled={selected.is_none()}
                            onclick={store.send(LabAction::Isolate(selected.unwrap_or(NodeId(1))))}
                            title="Cut the selected node off from everyone">
                        { selected.map_or("Isolate (select a node)".into(), |n| format!("Isolate {n}")) }
                    </button>
                    <button type="button" id="crash-leader" onclick={store.send(LabAction::Intervene(Action::CrashLeader))}>{ "Crash the leader" }</button>
                    <button type="button" id="heal" disabled={!partitioned} onclick={store.send(LabAction::Intervene(Action::Heal))}>{ "Heal" }</button>
                    <button type="button" id="client-request" onclick={store.send(LabAction::Intervene(Action::ClientRequest { node: selected.unwrap_or(NodeId(1)), count: 5 }))}
                            title="A one-off client asks the selected node (or N1) for 5 timestamps">{ "Ask for timestamps" }</button>
                }
            </div>
        </div>
    }
}

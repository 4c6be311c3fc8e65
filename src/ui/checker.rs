//! The Checker tab: the model checker's form and presets, live progress with Cancel, and the
//! verdict — a counterexample's moves and a button that opens it in the visualizer. The check
//! runs in a module Web Worker (`www/check-worker.js`, [`use_check_worker`], mounted by the
//! App so it goes on while another tab is open); every rule and all state live in
//! [`crate::lab::checker`], this only draws it and carries messages between worker and lab.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlInputElement, HtmlSelectElement, MessageEvent, Worker, WorkerOptions, WorkerType,
};
use yew::prelude::*;

use super::store::{use_quiet_lab, LabHandle};
use crate::lab::checker::{
    duration, group, tenths, CheckPreset, CheckStatus, Checker, CheckerAction, Field, FromWorker,
    VerdictKind, BUG_NAMES, QUIRK_NAMES,
};
use crate::lab::{LabAction, NoticeKind};

/// Where the worker script is, relative to the page.
const WORKER_URL: &str = "www/check-worker.js";

type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type OnError = Closure<dyn FnMut(web_sys::Event)>;

fn act(a: CheckerAction) -> LabAction {
    LabAction::Checker(a)
}

/// A worker running one check, and its handlers (kept alive as long as it runs).
struct Running {
    worker: Worker,
    _on_message: OnMessage,
    _on_error: OnError,
}

impl Running {
    fn start(store: &LabHandle, job: u32, start: String) -> Result<Running, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options)
            .map_err(|e| format!("a Web Worker could not start ({e:?})"))?;
        let d = store.sender();
        let on_message = OnMessage::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            d.emit(act(CheckerAction::Worker(FromWorker::from_json(&text))));
        });
        let d = store.sender();
        let on_error = OnError::new(move |_e: web_sys::Event| {
            d.emit(act(CheckerAction::Worker(FromWorker::Failed {
                job,
                error: "the Web Worker failed to load the app's module".to_string(),
            })));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker
            .post_message(&start.into())
            .map_err(|e| format!("the check could not be sent to the worker ({e:?})"))?;
        Ok(Running {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Terminates the worker at once (Cancel, a new check, or the check is over).
    fn stop(self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Runs the lab's check in a Web Worker while it is running; terminates the worker when the
/// check is done, cancelled or replaced. Mounted once by the App.
#[hook]
pub fn use_check_worker(store: &LabHandle) {
    let (job, running) = {
        let c = &store.lab().checker;
        (c.job, c.running())
    };
    let store = store.clone();
    use_effect_with((job, running), move |&(job, running)| {
        let mut worker = None;
        let start = if running {
            store.lab().checker.start_message()
        } else {
            None
        };
        if let Some(start) = start {
            match Running::start(&store, job, start) {
                Ok(w) => worker = Some(w),
                Err(error) => store
                    .sender()
                    .emit(act(CheckerAction::Worker(FromWorker::Failed {
                        job,
                        error,
                    }))),
            }
        }
        move || {
            if let Some(w) = worker {
                w.stop();
            }
        }
    });
}

fn target_value(e: &Event) -> String {
    let t = e.target();
    if let Some(i) = t
        .clone()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    {
        return i.value();
    }
    t.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A labelled whole-number field.
fn number(
    store: &LabHandle,
    c: &Checker,
    field: Field,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
) -> Html {
    let oninput = store
        .callback(move |e: InputEvent| Some(act(CheckerAction::Edit(field, target_value(&e)))));
    html! {
        <label for={id} title={hint}>
            <span>{ label }</span>
            <input id={id} type="text" inputmode="numeric" autocomplete="off"
                   value={c.form.get(field).to_string()} {oninput} aria-describedby="check-hint" />
        </label>
    }
}

/// A labelled picker.
fn pick(
    store: &LabHandle,
    value: &str,
    field: Option<Field>,
    id: &'static str,
    label: &'static str,
    options: &[(&'static str, &'static str)],
) -> Html {
    let onchange = store.callback(move |e: Event| {
        let v = target_value(&e);
        Some(act(match field {
            Some(f) => CheckerAction::Edit(f, v),
            None => CheckerAction::Protocol(v),
        }))
    });
    html! {
        <label for={id}>
            <span>{ label }</span>
            <select id={id} {onchange}>
                { for options.iter().map(|(v, text)| html! {
                    <option value={*v} selected={*v == value}>{ *text }</option>
                }) }
            </select>
        </label>
    }
}

/// A fieldset of switches (bugs or quirks).
fn switches(
    store: &LabHandle,
    legend: &'static str,
    prefix: &'static str,
    names: &[&'static str],
    on: &[String],
    quirk: bool,
) -> Html {
    html! {
        <fieldset class="check-switches">
            <legend>{ legend }</legend>
            { for names.iter().map(|name| {
                let checked = on.iter().any(|n| n == name);
                let n = name.to_string();
                let onchange = store.callback(move |e: Event| {
                    let c = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|i| i.checked());
                    Some(act(if quirk { CheckerAction::Quirk(n.clone(), c) } else { CheckerAction::Bug(n.clone(), c) }))
                });
                let id = format!("{prefix}-{name}");
                html! {
                    <label for={id.clone()} class="switch">
                        <input type="checkbox" id={id} {checked} {onchange} />
                        <span>{ *name }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// The live counters.
fn numbers(c: &Checker) -> Html {
    let Some(p) = c.progress else {
        return html! {};
    };
    let rows = [
        ("states", group(p.states)),
        ("unique", group(p.unique)),
        ("depth", group(u64::from(p.depth))),
        ("states/s", group(p.states_per_s())),
        ("unique/s", group(p.unique_per_s())),
        ("bytes/state", tenths(p.bytes_per_state_x10)),
        ("frontier", group(p.frontier)),
        ("time", duration(p.elapsed_ms)),
    ];
    html! {
        <dl class="check-numbers" id="check-numbers" data-unique={p.unique.to_string()} data-states={p.states.to_string()}>
            { for rows.into_iter().map(|(k, v)| html! {
                <div><dt>{ k }</dt><dd>{ v }</dd></div>
            }) }
        </dl>
    }
}

/// Opens the counterexample, and brings the picture into view (on a phone the tab is below it).
fn open_run(store: &LabHandle) -> Callback<MouseEvent> {
    store.callback(|_: MouseEvent| {
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        Some(act(CheckerAction::Open))
    })
}

/// The verdict, the counterexample's moves and what to do with them.
fn result(store: &LabHandle, c: &Checker) -> Html {
    let Some(r) = c.result.as_ref() else {
        return html! {};
    };
    let (class, headline) = match r.verdict {
        VerdictKind::Safe => ("safe", r.summary.clone()),
        VerdictKind::Unfinished => ("unfinished", r.summary.clone()),
        VerdictKind::Violation => (
            "violation",
            format!("VIOLATION of {}", r.invariant.clone().unwrap_or_default()),
        ),
    };
    html! {
        <section class={classes!("check-result", class)} id="check-result" data-verdict={r.verdict.word()} aria-labelledby="check-verdict">
            <h3 id="check-verdict">{ headline }</h3>
            if r.trace.is_some() {
                <div class="check-open">
                    <button type="button" id="check-open" class="primary" onclick={open_run(store)}>
                        { "Open in the visualizer" }
                    </button>
                    <span class="hint">{ "Replays it as a normal run — time travel, space-time diagram, the violation picture." }</span>
                </div>
            }
            if let Some(rule) = &r.rule {
                <p class="check-rule"><strong>{ "The rule: " }</strong>{ rule.clone() }</p>
            }
            if let Some(detail) = &r.detail {
                <p class="check-detail">{ detail.clone() }</p>
            }
            if r.verdict == VerdictKind::Violation {
                <p>{ format!("The counterexample: {} fixed moves set the scene (the configuration's prefix), then these {}:", r.prefix, r.moves.len()) }</p>
                <ol class="check-moves" id="check-moves">
                    { for r.moves.iter().map(|m| html! { <li>{ m.clone() }</li> }) }
                </ol>
                if let Some(e) = &r.trace_error {
                    <p class="form-error">{ format!("The counterexample could not be replayed: {e}") }</p>
                }
            }
            <details class="check-report">
                <summary>{ "The CLI's report" }</summary>
                <pre id="check-report">{ r.report.clone() }</pre>
            </details>
        </section>
    }
}

/// The Checker tab.
#[component]
pub fn CheckerView() -> Html {
    let store = use_quiet_lab();
    let lab = store.lab();
    let c = &lab.checker;
    let running = c.running();
    let on_run = store.callback(|ev: SubmitEvent| {
        ev.prevent_default();
        Some(act(CheckerAction::Run))
    });
    let cli = c.form.spec().map(|s| s.cli());
    let on_copy = {
        let d = store.sender();
        let text = cli.clone().unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let d = d.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = super::io::copy(text.clone()).await;
                d.emit(LabAction::Notify(
                    if ok {
                        NoticeKind::Info
                    } else {
                        NoticeKind::Warning
                    },
                    if ok {
                        "CLI command copied.".to_string()
                    } else {
                        format!("The clipboard was refused; the command is: {text}")
                    },
                ));
            });
        })
    };
    let status = match &c.status {
        CheckStatus::Idle => "idle",
        CheckStatus::Running => "running",
        CheckStatus::Done => "done",
        CheckStatus::Cancelled => "cancelled",
        CheckStatus::Failed(_) => "failed",
    };
    let max_states = c.spec.as_ref().map_or(1, |s| s.max_states);
    let unique = c.progress.map_or(0, |p| p.unique);
    let protocol = c.form.protocol();
    html! {
        <section class="checker" aria-label="Model checker">
            <p class="check-intro">{ "A simulation samples executions; the model checker tries every interleaving of deliveries, timer firings and crashes of a small cluster — the same engine, judged by the same checker. It runs in a Web Worker; a counterexample opens as a normal run." }</p>
            <div class="check-presets" role="group" aria-labelledby="check-presets-label">
                <span id="check-presets-label" class="label">{ "Presets (each runs at once)" }</span>
                { for CheckPreset::ALL.iter().map(|p| {
                    let onclick = store.send(act(CheckerAction::RunPreset(*p)));
                    html! {
                        <button type="button" id={format!("check-preset-{}", p.id())} title={p.about()} disabled={running} {onclick}>{ p.label() }</button>
                    }
                }) }
            </div>
            <div class="check-progress">
                <div class="check-status-line">
                    <span id="check-status" role="status" aria-live="polite" data-status={status} data-unique={unique.to_string()}>
                        { c.status_words() }
                    </span>
                    <button type="button" id="check-cancel" disabled={!running} onclick={store.send(act(CheckerAction::Cancel))}>{ "Cancel" }</button>
                </div>
                if c.progress.is_some() || running {
                    <progress id="check-progress" max={max_states.to_string()} value={unique.to_string()}
                              aria-label="Unique states explored, out of the state limit"
                              aria-valuetext={format!("{} of at most {} unique states", group(unique), group(max_states))}></progress>
                }
                { numbers(c) }
            </div>
            { result(&store, c) }
            <h3 id="check-settings">{ "Settings" }</h3>
            <form class="check-form" onsubmit={on_run} aria-labelledby="check-settings" novalidate=true>
                { number(&store, c, Field::Nodes, "check-nodes", "Nodes (3–5)", "3–5") }
                { pick(&store, &c.form.log, Some(Field::Log), "check-log", "Log", &[("leadership", "leadership"), ("timestamp", "timestamp")]) }
                { pick(&store, &c.form.search, Some(Field::Search), "check-search", "Search", &[("bfs", "BFS"), ("dfs", "DFS")]) }
                { pick(&store, protocol, None, "check-protocol", "Protocol", &[("textbook", "textbook"), ("atlasdb", "AtlasDB"), ("custom", "custom")]) }
                { number(&store, c, Field::Crashes, "check-crashes", "Crashes (0–3)", "0–3: crashes in a run (a crashed node may restart)") }
                { number(&store, c, Field::Proposers, "check-proposers", "Proposers (1–n)", "1–nodes: nodes whose timers fire") }
                { number(&store, c, Field::Timers, "check-timers", "Timers (0–16)", "0–16: timer firings per proposer") }
                { number(&store, c, Field::Duplicates, "check-duplicates", "Duplicates (0–8)", "0–8: messages the network may copy") }
                { number(&store, c, Field::Losses, "check-losses", "Losses (0–8)", "0–8: messages the network may lose") }
                { number(&store, c, Field::Requests, "check-requests", "Requests (0–8)", "0–8: one-off client requests (timestamp log)") }
                { number(&store, c, Field::MaxDepth, "check-max-depth", "Max depth (empty: none)", "1–1000 moves; empty: no limit") }
                { number(&store, c, Field::MaxStates, "check-max-states", "Max states (≤ 20 M)", "1–20,000,000 unique states") }
                <p id="check-hint" class="hint">{ "Budgets bound what can happen in a run; every path within them is explored. Timers: firings per proposer; requests: one-off clients (timestamp log)." }</p>
                { switches(&store, "Injected bugs", "check-bug", BUG_NAMES, &c.form.bugs, false) }
                <details class="check-quirks" open={protocol == "custom"}>
                    <summary>{ format!("AtlasDB quirks ({} of {} on)", c.form.quirks.len(), QUIRK_NAMES.len()) }</summary>
                    { switches(&store, "AtlasDB quirks", "check-quirk", QUIRK_NAMES, &c.form.quirks, true) }
                </details>
                if let Some(e) = &c.form_error {
                    <p class="form-error" id="check-form-error" role="alert">{ e.clone() }</p>
                }
                <div class="check-buttons">
                    <button type="submit" id="check-run" class="primary" disabled={running}>{ "Run check" }</button>
                </div>
            </form>
            <div class="check-cli">
                <span class="label">{ "The same check on the command line (Share link, at the top, reopens this tab and runs it):" }</span>
                <code id="check-cli">{ cli.clone().unwrap_or_else(|e| format!("(fix the form first: {e})")) }</code>
                <button type="button" id="check-copy-cli" disabled={cli.is_err()} onclick={on_copy}>{ "Copy CLI command" }</button>
            </div>
        </section>
    }
}

//! The Experiments tab: a sweep form, a progress bar with Cancel, the downtime CDF per setting
//! (log time axis, as the Raft paper's Figure 16), a histogram and the summary table. The runs
//! are computed in Web Workers, one per core ([`use_sweep_workers`], mounted by the App so a
//! sweep goes on while another tab is open); the sweep's state and every rule live in
//! [`crate::lab::experiments`], this only draws it and carries rows between workers and lab.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlInputElement, HtmlSelectElement, MessageEvent, Worker, WorkerOptions, WorkerType,
};
use yew::prelude::*;

use super::format::px;
use super::store::{use_quiet_lab, LabHandle};
use crate::lab::experiments::{self as sweep, RunRow, PALETTE};
use crate::lab::experiments::{
    read_reply, Chunk, ChunkRequest, Experiments, SweepForm, SweepStatus, HORIZON,
};
use crate::lab::{scenario, BackoffPolicy, Preset, Protocol, Time};
use crate::lab::{Lab, LabAction, NoticeKind};

/// Where the worker script is, relative to the page.
const WORKER_URL: &str = "www/sweep-worker.js";

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type OnError = Closure<dyn FnMut(web_sys::Event)>;

/// How often rows are handed to the lab while workers compute: every message would re-render
/// the tab dozens of times a second and starve the page (and delay Cancel).
const FLUSH_MS: u32 = 150;

/// The workers of one sweep: each takes a chunk, sends its rows back, and gets the next.
struct Pool {
    job: u32,
    query: String,
    workers: Vec<Worker>,
    queue: RefCell<VecDeque<Chunk>>,
    /// Chunks not yet answered.
    outstanding: Cell<usize>,
    /// Rows received since the last hand-over, and the timer that will hand them over.
    pending: RefCell<String>,
    flush_timer: RefCell<Option<gloo::timers::callback::Timeout>>,
    dispatcher: Callback<LabAction>,
    handlers: RefCell<Vec<OnMessage>>,
    on_error: RefCell<Vec<OnError>>,
    stopped: Cell<bool>,
    start: f64,
}

impl Pool {
    /// Starts one worker per core (at most one per chunk), two chunks each to begin with so
    /// none waits while the page takes its rows.
    fn start(
        job: u32,
        query: String,
        chunks: Vec<Chunk>,
        d: Callback<LabAction>,
    ) -> Result<Rc<Pool>, String> {
        let cores = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency() as usize)
            .unwrap_or(1)
            .clamp(1, 16);
        let n = cores.min(chunks.len()).max(1);
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let mut workers = Vec::with_capacity(n);
        for _ in 0..n {
            let w = Worker::new_with_options(WORKER_URL, &options)
                .map_err(|e| format!("a Web Worker could not start ({e:?})"))?;
            workers.push(w);
        }
        let pool = Rc::new(Pool {
            job,
            query,
            workers,
            outstanding: Cell::new(chunks.len()),
            pending: RefCell::new(String::new()),
            flush_timer: RefCell::new(None),
            dispatcher: d.clone(),
            queue: RefCell::new(chunks.into()),
            handlers: RefCell::new(Vec::new()),
            on_error: RefCell::new(Vec::new()),
            stopped: Cell::new(false),
            start: now_ms(),
        });
        for (i, w) in pool.workers.iter().enumerate() {
            let weak: Weak<Pool> = Rc::downgrade(&pool);
            let dm = d.clone();
            let on_message = OnMessage::new(move |e: MessageEvent| {
                let Some(pool) = weak.upgrade() else { return };
                if pool.stopped.get() {
                    return;
                }
                let text = e.data().as_string().unwrap_or_default();
                let rows = match read_reply(&text) {
                    Some(reply) if reply.job == pool.job => reply.rows,
                    // Job 0: the worker could not read the request, or its module failed.
                    Some(reply) if reply.job == 0 => reply
                        .rows
                        .and(Err("a Web Worker answered job 0 with rows".to_string())),
                    Some(_) => return, // a cancelled job's late answer
                    None => Err(format!(
                        "a Web Worker answered something unreadable ({})",
                        crate::lab::units::clip(&text, 80)
                    )),
                };
                let rows = match rows {
                    Ok(rows) => rows,
                    Err(why) => {
                        dm.emit(LabAction::SweepFailed {
                            job: pool.job,
                            error: why,
                        });
                        return;
                    }
                };
                pool.feed(i);
                {
                    let mut pending = pool.pending.borrow_mut();
                    pending.push_str(&rows);
                    pending.push('\n');
                }
                pool.outstanding
                    .set(pool.outstanding.get().saturating_sub(1));
                if pool.outstanding.get() == 0 {
                    pool.flush();
                } else if pool.flush_timer.borrow().is_none() {
                    let weak = weak.clone();
                    let timer = gloo::timers::callback::Timeout::new(FLUSH_MS, move || {
                        if let Some(pool) = weak.upgrade() {
                            pool.flush();
                        }
                    });
                    *pool.flush_timer.borrow_mut() = Some(timer);
                }
            });
            w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            pool.handlers.borrow_mut().push(on_message);
            let weak: Weak<Pool> = Rc::downgrade(&pool);
            let de = d.clone();
            let on_error = OnError::new(move |_e: web_sys::Event| {
                let Some(pool) = weak.upgrade() else { return };
                if !pool.stopped.get() {
                    de.emit(LabAction::SweepFailed {
                        job: pool.job,
                        error: "a Web Worker failed to load the app's module".to_string(),
                    });
                }
            });
            w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool.on_error.borrow_mut().push(on_error);
            pool.feed(i);
            pool.feed(i);
        }
        Ok(pool)
    }

    /// Sends worker `i` the next chunk, if any is left.
    fn feed(&self, i: usize) {
        let Some(c) = self.queue.borrow_mut().pop_front() else {
            return;
        };
        let request = ChunkRequest {
            job: self.job,
            query: self.query.clone(),
            setting: c.setting,
            first: c.first,
            count: c.count,
        };
        let msg = serde_json::to_string(&request).unwrap_or_default();
        let _ = self.workers[i].post_message(&msg.into());
    }

    /// Hands the rows received so far to the lab.
    fn flush(&self) {
        self.flush_timer.borrow_mut().take();
        let csv = std::mem::take(&mut *self.pending.borrow_mut());
        if self.stopped.get() || csv.is_empty() {
            return;
        }
        let elapsed_ms = (now_ms() - self.start).max(0.0).round() as u64;
        self.dispatcher.emit(LabAction::SweepRows {
            job: self.job,
            csv,
            elapsed_ms,
        });
    }

    /// Terminates every worker at once (what Cancel does): their chunks in progress are lost.
    fn stop(&self) {
        self.stopped.set(true);
        // A pending hand-over is dropped with its timer (dropping a gloo Timeout cancels it).
        self.flush_timer.borrow_mut().take();
        for w in &self.workers {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
    }
}

/// Runs the lab's sweep in Web Workers while it is running; stops them (terminates) when it
/// is done, cancelled or replaced. Mounted once by the App.
#[hook]
pub fn use_sweep_workers(store: &LabHandle) {
    let (job, running) = {
        let e = &store.lab().experiments;
        (e.job, e.running())
    };
    let store = store.clone();
    use_effect_with((job, running), move |&(job, running)| {
        let mut pool = None;
        if running {
            let (query, chunks) = {
                let e = &store.lab().experiments;
                (e.spec.to_query(), e.chunks())
            };
            let send = store.sender();
            match Pool::start(job, query, chunks, send.clone()) {
                Ok(p) => pool = Some(p),
                Err(error) => send.emit(LabAction::SweepFailed { job, error }),
            }
        }
        move || {
            if let Some(p) = pool {
                p.stop();
            }
        }
    });
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn input_text(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A labelled text field of the form that writes one of its fields.
fn text_field(
    form: &UseStateHandle<SweepForm>,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: &str,
    set: fn(&mut SweepForm, String),
) -> Html {
    let onchange = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            set(&mut f, input_text(&e));
            form.set(f);
        })
    };
    html! {
        <label for={id}>
            <span>{ label }</span>
            <input id={id} type="text" value={value.to_string()} {onchange} title={hint} aria-describedby="sweep-hint" />
        </label>
    }
}

/// A labelled picker of the form.
fn pick(
    form: &UseStateHandle<SweepForm>,
    id: &'static str,
    label: &'static str,
    value: &str,
    options: Vec<(String, String)>,
    set: fn(&mut SweepForm, String),
) -> Html {
    let onchange = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            set(&mut f, select_value(&e));
            form.set(f);
        })
    };
    html! {
        <label for={id}>
            <span>{ label }</span>
            <select id={id} {onchange}>
                { for options.into_iter().map(|(v, text)| html! {
                    <option value={v.clone()} selected={v == value}>{ text }</option>
                }) }
            </select>
        </label>
    }
}

/// The x axis: log10 of milliseconds between two whole decades.
#[derive(Clone, Copy, PartialEq)]
struct Axis {
    d0: f64,
    d1: f64,
}

impl Axis {
    fn of(e: &Experiments) -> Axis {
        let times = e.rows().filter_map(|r| r.m.downtime);
        let (mut lo, mut hi) = (Time::MAX, 0);
        for t in times {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        if hi == 0 {
            return Axis { d0: 2.0, d1: 5.0 };
        }
        let lg = |t: Time| js_sys::Math::log10((t.max(1_000) as f64) / 1_000.0);
        let d0 = js_sys::Math::floor(lg(lo));
        let d1 = js_sys::Math::ceil(lg(hi)).max(d0 + 1.0);
        Axis { d0, d1 }
    }

    /// 0–1 across the plot for a time in µs.
    fn at(&self, t: Time) -> f64 {
        let v = js_sys::Math::log10((t.max(1) as f64) / 1_000.0);
        ((v - self.d0) / (self.d1 - self.d0)).clamp(0.0, 1.0)
    }

    /// The time (µs) at 0–1 across the plot.
    fn time(&self, f: f64) -> f64 {
        js_sys::Math::pow(10.0, self.d0 + f * (self.d1 - self.d0)) * 1_000.0
    }

    /// Tick marks: (position 0–1, label) at 1, 2 and 5 × each decade.
    fn ticks(&self) -> Vec<(f64, String, bool)> {
        let mut out = Vec::new();
        let mut d = self.d0 as i32;
        while d <= self.d1 as i32 {
            for m in [1u64, 2, 5] {
                // Decades from 1 ms: 10^d ms.
                let us = if d >= 0 {
                    m * 10u64.pow(d as u32) * 1_000
                } else {
                    m * 1_000 / 10u64.pow((-d) as u32)
                };
                let f = self.at(us);
                if js_sys::Math::log10(us as f64 / 1_000.0) > self.d1 + 1e-9 {
                    break;
                }
                let label = if us >= 1_000_000 {
                    format!("{} s", crate::lab::units::short(i128::from(us), 6))
                } else {
                    format!("{} ms", crate::lab::units::short(i128::from(us), 3))
                };
                out.push((f, label, m == 1));
            }
            d += 1;
        }
        out
    }
}

const W: f64 = 480.0;
/// `0 0 W H`, written out: formatting an `f64` would pull float printing into the bundle.
const VIEW_BOX: &str = "0 0 480 230";
const H: f64 = 230.0;
const L: f64 = 40.0;
const R: f64 = 8.0;
const T: f64 = 8.0;
const B: f64 = 30.0;

fn plot_x(f: f64) -> f64 {
    L + f * (W - L - R)
}

fn plot_y(f: f64) -> f64 {
    T + (1.0 - f) * (H - T - B)
}

fn axes(axis: &Axis, y_label: &str) -> Html {
    html! {
        <g class="axes" aria-hidden="true">
            { for axis.ticks().into_iter().map(|(f, label, major)| {
                let x = px(plot_x(f));
                html! {
                    <g>
                        <line x1={x.clone()} x2={x.clone()} y1={px(T)} y2={px(H - B)} class={if major { "grid major" } else { "grid" }} />
                        <text x={x} y={px(H - B + 13.0)} text-anchor="middle">{ label }</text>
                    </g>
                }
            }) }
            <rect x={px(L)} y={px(T)} width={px(W - L - R)} height={px(H - T - B)} class="frame" />
            <text x={px(L + (W - L - R) / 2.0)} y={px(H - 3.0)} text-anchor="middle">{ "time without a leader after the fault (log scale)" }</text>
            <text x="10" y={px(T + (H - T - B) / 2.0)} transform={format!("rotate(-90 10 {})", px(T + (H - T - B) / 2.0))} text-anchor="middle">{ y_label.to_string() }</text>
        </g>
    }
}

/// The CDF: per setting, the share of runs with a leader again by each time. Clicking near a
/// run's step opens that run.
fn cdf(store: &LabHandle, e: &Experiments, axis: &Axis, sorted: &Rc<Vec<Vec<RunRow>>>) -> Html {
    let runs = e.spec.runs as f64;
    let settings = e.spec.settings();
    let paths = sorted.iter().enumerate().map(|(i, rows)| {
        let mut d = String::new();
        let mut k = 0.0;
        for r in rows {
            let Some(t) = r.m.downtime else { break };
            let x = px(plot_x(axis.at(t)));
            if d.is_empty() {
                d.push_str(&format!("M{x} {}", px(plot_y(0.0))));
            }
            k += 1.0;
            d.push_str(&format!("H{x}V{}", px(plot_y(k / runs))));
        }
        let label = settings.get(i).map(|s| e.spec.label(s)).unwrap_or_default();
        html! {
            <path d={d} class="curve" stroke={PALETTE[i % PALETTE.len()]}><title>{ label }</title></path>
        }
    });
    let onclick = {
        let sorted = sorted.clone();
        let axis = *axis;
        store.callback(move |ev: MouseEvent| {
            let svg = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return None;
            }
            let sx = (f64::from(ev.client_x()) - rect.left()) * W / rect.width();
            let sy = (f64::from(ev.client_y()) - rect.top()) * H / rect.height();
            // The nearest step (in plot pixels) among every curve.
            let mut best: Option<(f64, usize, u32)> = None;
            for (i, rows) in sorted.iter().enumerate() {
                let mut k = 0.0;
                for r in rows {
                    let Some(t) = r.m.downtime else { break };
                    k += 1.0;
                    let dx = plot_x(axis.at(t)) - sx;
                    let dy = plot_y(k / runs) - sy;
                    let dist = dx * dx + dy * dy;
                    if best.is_none_or(|b| dist < b.0) {
                        best = Some((dist, i, r.run));
                    }
                }
            }
            let (dist, setting, run) = best?;
            (dist <= 15.0 * 15.0).then_some(LabAction::OpenSweepRun { setting, run })
        })
    };
    html! {
        <svg class="plot cdf" viewBox={VIEW_BOX} role="img" {onclick}
             aria-label="Downtime CDF per setting: the share of runs with a new leader by each time, log scale. Click a step to open that run; the table's numbers open runs too.">
            { axes(axis, "% of runs") }
            { for [0.0, 0.5, 1.0].iter().map(|f| html! {
                <text class="ylabel" x={px(L - 4.0)} y={px(plot_y(*f) + 4.0)} text-anchor="end">{ format!("{}%", (*f * 100.0).round() as u32) }</text>
            }) }
            { for paths }
        </svg>
    }
}

/// The selected setting's downtimes in log-spaced bins.
fn histogram(e: &Experiments, axis: &Axis, sorted: &[Vec<RunRow>]) -> Html {
    const BINS: usize = 24;
    let sel = e.selected.min(sorted.len().saturating_sub(1));
    let mut counts = [0u32; BINS];
    let mut never = 0;
    for r in sorted.get(sel).into_iter().flatten() {
        match r.m.downtime {
            Some(t) => {
                let b = (axis.at(t) * BINS as f64).floor() as usize;
                counts[b.min(BINS - 1)] += 1;
            }
            None => never += 1,
        }
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let bw = (W - L - R) / BINS as f64;
    let colour = PALETTE[sel % PALETTE.len()];
    let label = e
        .spec
        .settings()
        .get(sel)
        .map(|s| e.spec.label(s))
        .unwrap_or_default();
    html! {
        <svg class="plot histogram" viewBox={VIEW_BOX} role="img"
             aria-label={format!("Histogram of downtime for {label}: runs per log-spaced bin{}", if never > 0 { format!("; {never} runs had no leader within the horizon") } else { String::new() })}>
            { axes(axis, "runs") }
            <text class="ylabel" x={px(L - 4.0)} y={px(T + 8.0)} text-anchor="end">{ top }</text>
            { for counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(b, c)| {
                let h = f64::from(*c) / f64::from(top) * (H - T - B);
                let lo = axis.time(b as f64 / BINS as f64) as u64;
                let hi = axis.time((b + 1) as f64 / BINS as f64) as u64;
                html! {
                    <rect x={px(L + b as f64 * bw + 0.5)} y={px(H - B - h)} width={px(bw - 1.0)} height={px(h)} fill={colour}>
                        <title>{ format!("{c} runs between {} and {} ms", sweep::ms(lo / 1_000 * 1_000), sweep::ms(hi / 1_000 * 1_000)) }</title>
                    </rect>
                }
            }) }
        </svg>
    }
}

/// A table cell that opens the run at a percentile of a setting.
fn open_cell(
    store: &LabHandle,
    e: &Experiments,
    setting: usize,
    p: usize,
    t: Option<Time>,
    what: &str,
) -> Html {
    let text = sweep::show_ms(t);
    match (t, e.run_at_percentile(setting, p)) {
        (Some(_), Some(r)) => {
            let label = format!(
                "Open the {what} run (run {}, seed {}): {text} ms",
                r.run, r.seed
            );
            html! {
                <td><button type="button" class="open-run" aria-label={label.clone()} title={label}
                    onclick={store.send(LabAction::OpenSweepRun { setting, run: r.run })}>{ text }</button></td>
            }
        }
        _ => html! { <td>{ text }</td> },
    }
}

/// The summary table: a row per setting.
fn summary(store: &LabHandle, e: &Experiments) -> Html {
    let sums = e.summaries();
    html! {
        <table class="sweep-summary">
            <caption>{ "Downtime after the fault, ms (nearest rank; — = beyond the horizon). Click a number to open that run." }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "setting" }</th>
                    <th scope="col">{ "runs" }</th>
                    <th scope="col" title="runs with no leader within the horizon">{ "no leader" }</th>
                    <th scope="col">{ "median" }</th>
                    <th scope="col">{ "p95" }</th>
                    <th scope="col">{ "p99" }</th>
                    <th scope="col">{ "max" }</th>
                    <th scope="col" title="median time from the first follower's ping timeout to the new leader">{ "from timeout" }</th>
                    <th scope="col" title="leadership proposals per run, mean">{ "elections" }</th>
                    <th scope="col" title="ballots pre-empted by a rival per run, mean">{ "pre-empted" }</th>
                    <th scope="col" title="messages sent until the new leader, mean">{ "messages" }</th>
                    <th scope="col" title="median time from the fault to the first timestamp served">{ "no service" }</th>
                </tr>
            </thead>
            <tbody>
                { for sums.iter().enumerate().map(|(i, s)| html! {
                    <tr class={classes!((i == e.selected).then_some("selected"))} data-setting={i.to_string()}>
                        <th scope="row">
                            <button type="button" class="pick-setting" aria-pressed={(i == e.selected).to_string()}
                                    title="Show this setting's histogram"
                                    onclick={store.send(LabAction::SelectSweepSetting(i))}>
                                <span class="swatch" style={format!("background:{}", PALETTE[i % PALETTE.len()])}></span>
                                { s.label.clone() }
                            </button>
                        </th>
                        <td>{ s.downtime.n }</td>
                        <td>{ s.downtime.never }</td>
                        { open_cell(store, e, i, 50, s.downtime.p50, "median") }
                        { open_cell(store, e, i, 95, s.downtime.p95, "95th-percentile") }
                        { open_cell(store, e, i, 99, s.downtime.p99, "99th-percentile") }
                        { open_cell(store, e, i, 100, s.downtime.max, "slowest") }
                        <td>{ sweep::show_defined(&s.from_timeout, s.from_timeout.p50) }</td>
                        <td>{ sweep::show_mean(s.elections_x100) }</td>
                        <td>{ sweep::show_mean(s.preempted_x100) }</td>
                        <td>{ sweep::show_mean(s.messages_x100) }</td>
                        <td>{ sweep::show_ms(s.no_service.p50) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Offers the rows as a CSV file (the same lines `paxoscope sweep --csv` writes).
fn download_csv(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    let body = gloo::utils::body();
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    gloo::timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The Experiments tab.
#[component]
pub fn ExperimentsView() -> Html {
    let store = use_quiet_lab();
    let form = {
        let store = store.clone();
        use_state(move || SweepForm::of(&store.lab().experiments.spec))
    };
    // The form starts from the lab's sweep (a link's, or the last run); only Run changes that
    // sweep, and it takes the form's values, so the two never disagree.
    let lab = store.lab();
    let e = &lab.experiments;
    let running = e.running();
    let on_run = {
        let form = form.clone();
        store.callback(move |ev: SubmitEvent| {
            ev.prevent_default();
            Some(match form.spec(HORIZON) {
                Ok(spec) => LabAction::RunSweep(spec),
                Err(why) => LabAction::Notify(
                    NoticeKind::Error,
                    format!("The sweep was not started. {why}"),
                ),
            })
        })
    };
    let on_csv = store.reading(|lab: &Lab, _: MouseEvent| {
        let e = &lab.experiments;
        let name = format!(
            "paxoscope-sweep-{}-seed{}.csv",
            e.spec.scenario, e.spec.seed
        );
        download_csv(&name, &e.csv()).is_err().then(|| {
            LabAction::Notify(
                NoticeKind::Error,
                "The browser refused the download.".into(),
            )
        })
    });
    let on_link = {
        let d = store.sender();
        store.reading(move |lab: &Lab, _: MouseEvent| {
            let query = lab.share_query();
            let window = gloo::utils::window();
            let href = format!(
                "{}{}?{query}",
                window.location().origin().unwrap_or_default(),
                window.location().pathname().unwrap_or_default()
            );
            // The clipboard answers later: its notice is sent then, the lab long released.
            let d = d.clone();
            let clip = js_sys::Reflect::get(&window.navigator(), &"clipboard".into())
                .ok()
                .filter(|c| !c.is_undefined());
            match clip {
                Some(c) => {
                    let c: web_sys::Clipboard = c.unchecked_into();
                    let promise = c.write_text(&href);
                    wasm_bindgen_futures::spawn_local(async move {
                        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                        d.emit(LabAction::Notify(
                            if ok {
                                NoticeKind::Info
                            } else {
                                NoticeKind::Warning
                            },
                            if ok {
                                "Sweep link copied: opening it runs this sweep.".to_string()
                            } else {
                                format!("The clipboard was refused; the sweep link is {href}")
                            },
                        ));
                    });
                    None
                }
                None => Some(LabAction::Notify(
                    NoticeKind::Info,
                    format!("The sweep link is {href}"),
                )),
            }
        })
    };
    let f = &*form;
    let scenarios: Vec<(String, String)> = scenario::all()
        .into_iter()
        .filter(|s| s.bug.is_none() && s.quirk.is_none())
        .map(|s| (s.name.to_string(), s.title.to_string()))
        .collect();
    let presets = vec![
        (String::new(), "the scenario's".to_string()),
        (
            Preset::Classroom.name().to_string(),
            "classroom".to_string(),
        ),
        (
            Preset::AtlasDb.name().to_string(),
            "AtlasDB (1–5 ms, 2 s timeout)".to_string(),
        ),
    ];
    let protocols = std::iter::once((String::new(), "the scenario's".to_string()))
        .chain(
            Protocol::ALL
                .iter()
                .map(|p| (p.name().to_string(), p.name().to_string())),
        )
        .collect();
    let policies = BackoffPolicy::NAMES
        .iter()
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    let has_rows = e.done > 0;
    let axis = Axis::of(e);
    let sorted = Rc::new(e.sorted_runs());
    let pct = if e.total() > 0 {
        e.done * 100 / e.total()
    } else {
        0
    };
    html! {
        <section class="experiments" aria-label="Experiments">
            <p class="sweep-intro">{ "Run the scenario many times per setting, each run at its own seed, and measure how long the cluster had no leader after its fault — the Raft paper's Figure 16, for TimeLock's random wait. Runs are computed in Web Workers, one per core." }</p>
            <form class="sweep-form" onsubmit={on_run} aria-label="Sweep settings">
                { pick(&form, "sweep-scenario", "Scenario", &f.scenario, scenarios, |f, v| f.scenario = v) }
                { pick(&form, "sweep-preset", "Timing", &f.preset, presets, |f, v| f.preset = v) }
                { pick(&form, "sweep-protocol", "Protocol", &f.protocol, protocols, |f, v| f.protocol = v) }
                { pick(&form, "sweep-backoff", "Backoff", &f.backoff, policies, |f, v| f.backoff = v) }
                { text_field(&form, "sweep-max", "Backoff max (ms)", "one setting per value, e.g. 0, 5, 25, 50, 150, 300", &f.backoff_max, |f, v| f.backoff_max = v) }
                { text_field(&form, "sweep-nodes", "Nodes", "3–9; a list compares sizes", &f.nodes, |f, v| f.nodes = v) }
                { text_field(&form, "sweep-loss", "Loss (%)", "e.g. 0 or 0, 10", &f.loss, |f, v| f.loss = v) }
                { text_field(&form, "sweep-latency", "Latency (ms)", "min-max, e.g. 60-140", &f.latency, |f, v| f.latency = v) }
                { text_field(&form, "sweep-runs", "Runs per setting", "1–100000", &f.runs, |f, v| f.runs = v) }
                { text_field(&form, "sweep-seed", "Seed", "each run's seed comes from this, its setting and its number", &f.seed, |f, v| f.seed = v) }
                <p id="sweep-hint" class="hint">{ "Lists are comma-separated; every combination is one setting (at most 64)." }</p>
                <div class="sweep-buttons">
                    <button type="submit" id="sweep-run" disabled={running}>{ "Run sweep" }</button>
                    <button type="button" id="sweep-cancel" disabled={!running} onclick={store.send(LabAction::CancelSweep)}>{ "Cancel" }</button>
                    <button type="button" id="sweep-link" onclick={on_link}>{ "Copy sweep link" }</button>
                    <button type="button" id="sweep-csv" disabled={!has_rows} onclick={on_csv}>{ "Download CSV" }</button>
                </div>
            </form>
            <div class="sweep-progress">
                <progress id="sweep-progress" max={e.total().max(1).to_string()} value={e.done.to_string()}
                          aria-label="Sweep progress" aria-valuetext={format!("{pct} %")}></progress>
                <span id="sweep-status" role="status" aria-live="polite" data-status={match &e.status {
                    SweepStatus::Idle => "idle", SweepStatus::Running => "running", SweepStatus::Done => "done",
                    SweepStatus::Cancelled => "cancelled", SweepStatus::Failed(_) => "failed" }}
                      data-done={e.done.to_string()} data-elapsed-ms={e.elapsed_ms.map(|m| m.to_string()).unwrap_or_default()}>
                    { e.progress_words() }
                </span>
            </div>
            if has_rows {
                <h3>{ "Downtime CDF" }</h3>
                { cdf(&store, e, &axis, &sorted) }
                <h3>{ format!("Histogram: {}", e.spec.settings().get(e.selected).map(|s| e.spec.label(s)).unwrap_or_default()) }</h3>
                { histogram(e, &axis, &sorted) }
                <div class="table-scroll">{ summary(&store, e) }</div>
            }
        </section>
    }
}

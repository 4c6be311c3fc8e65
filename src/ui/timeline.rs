//! The timeline: a scrubber over virtual time with markers for elections, leader changes,
//! bound extensions, interventions and violations. Dragging back rewinds exactly.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::fmt::Write;

use super::format::{frac, secs};
use super::store::{on_number, use_lab, use_quiet_lab};
use crate::lab::{EventKind, History, Marker, MarkerKind, Observation, Time};
use crate::lab::{Lab, LabAction};

fn marker_class(k: MarkerKind) -> &'static str {
    match k {
        MarkerKind::Election => "m-election",
        MarkerKind::LeaderChange => "m-leader",
        MarkerKind::BoundExtension => "m-bound",
        MarkerKind::Intervention => "m-intervention",
        MarkerKind::Violation => "m-violation",
    }
}

fn marker_name(k: MarkerKind) -> &'static str {
    match k {
        MarkerKind::Election => "leadership proposal",
        MarkerKind::LeaderChange => "new leader",
        MarkerKind::BoundExtension => "bound extended",
        MarkerKind::Intervention => "intervention",
        MarkerKind::Violation => "safety violation",
    }
}

/// The right end of the scale: the computed time rounded up to a round number (steps of
/// half a power of ten, at least 10 s), so markers keep their place while the run grows
/// instead of every marker moving on every frame.
pub fn scale_end(t: u64) -> u64 {
    let t = t.max(10_000_000);
    let mut step = 1u64;
    while step * 10 <= t {
        step *= 10;
    }
    let step = (step / 2).max(1);
    t.div_ceil(step) * step
}

/// What a marker stands for, in words.
fn marker_words(h: &History, m: &Marker) -> String {
    match &h.events[m.event].kind {
        EventKind::Violation(v) => v.invariant.name().to_string(),
        EventKind::Crash(n) => format!("crash {n}"),
        EventKind::Restart(n, _) => format!("restart {n}"),
        EventKind::Intervene(a) => a.describe(),
        EventKind::Observed(at, o) => match **o {
            Observation::BecameLeader { seq } => format!("{at} leads round {seq}"),
            Observation::Proposing { seq, .. } => format!("{at} proposes itself for round {seq}"),
            Observation::BoundExtended { bound, .. } => format!("bound extended to {bound}"),
            Observation::BoundRecovered { bound, .. } => format!("bound recovered: {bound}"),
            _ => marker_name(m.kind).to_string(),
        },
        _ => marker_name(m.kind).to_string(),
    }
}

/// The span of the scale whose frequent markers share one mark.
fn bucket_width(end: Time) -> Time {
    (end / 400).max(1)
}

/// Which markers are drawn: the frequent kinds thinned to one per 1/400 of the scale, every
/// rare one kept. The first marker of a bucket stays the one drawn as the run grows.
fn shown_markers(h: &History, end: Time) -> Vec<usize> {
    let bucket = bucket_width(end);
    let mut last_bucket = [u64::MAX; 5];
    let mut shown = Vec::new();
    for (i, m) in h.markers.iter().enumerate() {
        if matches!(m.kind, MarkerKind::BoundExtension | MarkerKind::Election) {
            let b = m.t / bucket;
            if std::mem::replace(&mut last_bucket[m.kind as usize], b) == b {
                continue;
            }
        }
        shown.push(i);
    }
    shown
}

/// The tooltip of marker `i`: its own words and, for a thinned kind, the others of its kind its
/// mark stands for. More of those can arrive after the mark is drawn, so pointing at the mark
/// works it out again.
pub fn mark_title(h: &History, end: Time, i: usize) -> Option<String> {
    let m = h.markers.get(i)?;
    let mut title = format!(
        "{} at {}: {}",
        marker_name(m.kind),
        secs(m.t),
        marker_words(h, m)
    );
    if matches!(m.kind, MarkerKind::BoundExtension | MarkerKind::Election) {
        let bucket = bucket_width(end);
        let others: Vec<&Marker> = h.markers[i + 1..]
            .iter()
            .take_while(|o| o.t / bucket == m.t / bucket)
            .filter(|o| o.kind == m.kind)
            .collect();
        if !others.is_empty() {
            let _ = write!(
                title,
                " — and {} more within {}: ",
                others.len(),
                super::format::dur(bucket)
            );
            let words: Vec<String> = others.iter().take(4).map(|o| marker_words(h, o)).collect();
            title.push_str(&words.join("; "));
            if others.len() > 4 {
                title.push_str("; …");
            }
        }
    }
    Some(title)
}

/// Sets the full tooltip ([`mark_title`]) of mark `i` on the element an event came from.
/// Worked out when pointed at: marks of a thinned kind stand for markers added later too.
fn fill_title(lab: &Lab, i: usize, target: Option<web_sys::EventTarget>) {
    let end = scale_end(lab.run.horizon_time().max(lab.run.now()));
    let el = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    if let (Some(el), Some(title)) = (el, mark_title(lab.run.history(), end, i)) {
        let _ = el.set_attribute("title", &title);
    }
}

/// Marks per [`MarkChunk`]: appending a marker re-renders only the last chunk.
const CHUNK: usize = 32;

#[derive(Properties, PartialEq)]
struct MarkChunkProps {
    /// Indices of the markers this chunk draws (a run of [`shown_markers`]).
    shown: Vec<usize>,
    /// The scale's end.
    end: Time,
    /// Forks of the run (a fork can replace markers at the same indices).
    forks: u32,
}

/// Up to [`CHUNK`] marks as buttons. It reads the lab through the quiet context, so it
/// renders when its props change (a marker added to it, the scale grown, the run forked) or
/// the run pauses — not on every frame while time runs, which with hundreds of marks would
/// cost more than the frame has.
#[component]
fn MarkChunk(p: &MarkChunkProps) -> Html {
    let store = use_quiet_lab();
    let lab = store.lab();
    let h = lab.run.history();
    html! {
        { for p.shown.iter().filter_map(|&i| h.markers.get(i).map(|m| (i, m))).map(|(i, m)| {
            let label = format!("{} at {}", marker_name(m.kind), secs(m.t));
            let hover = store.reading(move |lab: &Lab, e: MouseEvent| {
                fill_title(lab, i, e.target());
                None
            });
            let focus = store.reading(move |lab: &Lab, e: FocusEvent| {
                fill_title(lab, i, e.target());
                None
            });
            html! {
                <button type="button" key={i} class={classes!("mark", marker_class(m.kind))}
                        title={mark_title(h, p.end, i).unwrap_or_default()}
                        style={format!("left: {}%", frac(m.t as f64 / p.end as f64 * 100.0, 3))}
                        aria-label={label} onclick={store.send(LabAction::SeekEvent(m.event))}
                        onmouseover={hover} onfocus={focus}></button>
            }
        }) }
    }
}

/// The scrubber.
#[component]
pub fn Timeline() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let run = &lab.run;
    let now = run.now();
    let end = scale_end(run.horizon_time().max(now));
    let on_input = { on_number(&store, LabAction::Seek) };
    let shown = shown_markers(run.history(), end);
    html! {
        <div class="timeline" aria-label="Timeline">
            <div class="marks">
                <div class="computed" style={format!("width: {}%", frac(run.horizon_time() as f64 / end as f64 * 100.0, 3))} />
                <div class="mark-list">
                    { for shown.chunks(CHUNK).enumerate().map(|(k, c)| html! {
                        <MarkChunk key={k} shown={c.to_vec()} {end} forks={run.forks()} />
                    }) }
                </div>
            </div>
            <input id="scrubber" type="range" min="0" max={end.to_string()} step="1000" value={now.to_string()}
                   aria-label="Virtual time" aria-valuetext={secs(now)} oninput={on_input} />
            <div class="ticks">
                <span>{ "0 s" }</span>
                <span>{ secs(end) }</span>
            </div>
            if lab.run.forks() > 0 {
                <span class="forked" title="You acted in the past; the run was forked there">{ format!("forked ×{}", lab.run.forks()) }</span>
            }
        </div>
    }
}

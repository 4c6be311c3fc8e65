//! The timeline: a scrubber over virtual time with markers for elections, leader changes,
//! bound extensions, interventions and violations. Dragging back rewinds exactly.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::fmt::Write;

use super::format::{escape_into, frac, secs};
use super::store::{on_number, use_lab};
use crate::engine::Observation;
use crate::lab::LabAction;
use crate::sim::config::Time;
use crate::sim::history::{EventKind, History, Marker, MarkerKind};

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

/// Sets the full tooltip ([`mark_title`]) of the mark an event came from.
fn fill_title(store: &super::store::LabHandle, target: Option<web_sys::EventTarget>) {
    let Some(el) = target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-marker]").ok().flatten())
    else {
        return;
    };
    let lab = store.lab();
    let end = scale_end(lab.run.horizon_time().max(lab.run.now()));
    let title = el
        .get_attribute("data-marker")
        .and_then(|v| v.parse().ok())
        .and_then(|i| mark_title(lab.run.history(), end, i));
    if let Some(title) = title {
        let _ = el.set_attribute("title", &title);
    }
}

/// The marks as buttons.
fn marks_markup(h: &History, shown: &[usize], end: Time) -> String {
    let mut out = String::new();
    for &i in shown {
        let m = &h.markers[i];
        let (name, at) = (marker_name(m.kind), secs(m.t));
        let _ = write!(
            out,
            r#"<button type="button" class="mark {}" style="left: {}%" data-event="{}" data-marker="{i}" title=""#,
            marker_class(m.kind),
            frac(m.t as f64 / end as f64 * 100.0, 3),
            m.event,
        );
        escape_into(&mut out, &mark_title(h, end, i).unwrap_or_default());
        let _ = write!(out, r#"" aria-label="{name} at {at}"></button>"#);
    }
    out
}

/// The marks in the page: which markers, on which scale (end, forks). The run only ever adds
/// markers at the end, so while the scale stays a frame adds the new marks' markup and
/// leaves the rest alone (a Yew list would diff them all every frame, and re-insert them all
/// when one is added).
#[derive(Default)]
struct DrawnMarks {
    scale: (Time, u32),
    shown: Vec<usize>,
}

/// What to do to the marks' element: replace everything, or append.
enum MarksChange {
    Replace(String),
    Append(String),
}

impl DrawnMarks {
    fn change(&self, h: &History, shown: &[usize], scale: (Time, u32)) -> Option<MarksChange> {
        if scale == self.scale && shown.starts_with(&self.shown) {
            let new = &shown[self.shown.len()..];
            (!new.is_empty()).then(|| MarksChange::Append(marks_markup(h, new, scale.0)))
        } else {
            Some(MarksChange::Replace(marks_markup(h, shown, scale.0)))
        }
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
    // The marks change only when a marker is added, the scale grows or the run forks.
    let h = run.history();
    let shown = shown_markers(h, end);
    let scale = (end, run.forks());
    let list = use_node_ref();
    let drawn = use_mut_ref(DrawnMarks::default);
    let change = drawn.borrow().change(h, &shown, scale);
    {
        let (list, drawn) = (list.clone(), drawn.clone());
        use_effect(move || {
            let Some(el) = list.cast::<web_sys::Element>() else {
                return;
            };
            match change {
                Some(MarksChange::Replace(all)) => el.set_inner_html(&all),
                Some(MarksChange::Append(new)) => {
                    let _ = el.insert_adjacent_html("beforeend", &new);
                }
                None => return,
            }
            *drawn.borrow_mut() = DrawnMarks { scale, shown };
        });
    }
    let on_mark = {
        let d = store.dispatcher();
        Callback::from(move |e: MouseEvent| {
            let event = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("[data-event]").ok().flatten())
                .and_then(|el| el.get_attribute("data-event"))
                .and_then(|v| v.parse().ok());
            if let Some(event) = event {
                d.dispatch(LabAction::SeekEvent(event));
            }
        })
    };
    // Pointing at a mark (or tabbing to it) fills in its full tooltip.
    let on_hover = {
        let store = store.clone();
        Callback::from(move |e: MouseEvent| fill_title(&store, e.target()))
    };
    let on_focus = {
        let store = store.clone();
        Callback::from(move |e: FocusEvent| fill_title(&store, e.target()))
    };
    html! {
        <div class="timeline" aria-label="Timeline">
            <div class="marks" onclick={on_mark} onmouseover={on_hover} onfocusin={on_focus}>
                <div class="computed" style={format!("width: {}%", frac(run.horizon_time() as f64 / end as f64 * 100.0, 3))} />
                // Filled by the effect above; Yew never touches its children.
                <div class="mark-list" ref={list}></div>
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

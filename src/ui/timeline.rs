//! The timeline: a scrubber over virtual time with markers for elections, leader changes,
//! bound extensions, interventions and violations. Dragging back rewinds exactly.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::{frac, secs};
use super::store::use_lab;
use crate::lab::LabAction;
use crate::sim::history::{EventKind, MarkerKind};

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

/// The scrubber.
#[component]
pub fn Timeline() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let run = &lab.run;
    let now = run.now();
    let end = run.horizon_time().max(now).max(10_000_000);
    let on_input = {
        let d = store.dispatcher();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.value().trim().parse::<u64>().ok());
            if let Some(v) = v {
                d.dispatch(LabAction::Seek(v));
            }
        })
    };
    let h = run.history();
    // Thin out markers so at most ~400 are drawn, keeping every rare kind.
    let markers: Vec<_> = h.markers.iter().collect();
    let budget = 400usize;
    let stride = (markers.len() / budget).max(1);
    let shown = markers
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            !matches!(m.kind, MarkerKind::BoundExtension | MarkerKind::Election) || i % stride == 0
        })
        .map(|(_, m)| **m);
    html! {
        <div class="timeline" aria-label="Timeline">
            <div class="marks">
                { for shown.map(|m| {
                    let left = frac(m.t as f64 / end as f64 * 100.0, 3);
                    let d = store.dispatcher();
                    let onclick = Callback::from(move |_: MouseEvent| d.dispatch(LabAction::SeekEvent(m.event)));
                    let what = match &h.events[m.event].kind {
                        EventKind::Leader { node, seq } => format!("{node} leads round {seq}"),
                        EventKind::Violation(v) => v.invariant.name().to_string(),
                        EventKind::Crash(n) => format!("crash {n}"),
                        EventKind::Restart(n, _) => format!("restart {n}"),
                        EventKind::Fact(f) => match &**f {
                            crate::sim::Fact::Intervene(a) => a.describe(),
                            crate::sim::Fact::Propose { node, seq, .. } => format!("{node} proposes itself for round {seq}"),
                            crate::sim::Fact::BoundExtended { bound, .. } => format!("bound extended to {bound}"),
                            crate::sim::Fact::BoundRecovered { bound, .. } => format!("bound recovered: {bound}"),
                            _ => marker_name(m.kind).to_string(),
                        },
                        _ => marker_name(m.kind).to_string(),
                    };
                    html! {
                        <button class={classes!("mark", marker_class(m.kind))} style={format!("left: {left}%")}
                                title={format!("{} at {}: {what}", marker_name(m.kind), secs(m.t))}
                                aria-label={format!("{} at {}", marker_name(m.kind), secs(m.t))} {onclick} />
                    }
                }) }
                <div class="computed" style={format!("width: {}%", frac(run.horizon_time() as f64 / end as f64 * 100.0, 3))} />
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

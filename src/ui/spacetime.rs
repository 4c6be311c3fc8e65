//! The space-time diagram: one lane per node (and one for all clients), time flowing down to
//! the cursor, every message an arrow from (sender, send time) to (receiver, arrival time).
//! Hovering an arrow highlights the message in the cluster picture; clicking it moves the
//! cursor to its arrival (shift-click: to its sending).

use yew::prelude::*;

use super::cluster::short_label;
use super::format::{dur, node_color, owner_color, px, secs};
use super::store::use_lab;
use crate::engine::{Address, Role};
use crate::lab::LabAction;
use crate::sim::explain;
use crate::sim::history::{EventKind, Fate, MarkerKind};
use crate::sim::view::{self, Arrow};
use crate::sim::{units, Time};

const W: f64 = 460.0;
const GUTTER: f64 = 46.0;
const HEAD: f64 = 26.0;
const BODY: f64 = 400.0;
const FOOT: f64 = 18.0;
/// At most this many arrows are drawn (the newest).
const MAX_ARROWS: usize = 700;

/// Maps lanes and times to SVG coordinates.
struct Frame {
    lanes: usize,
    nodes: usize,
    start: Time,
    window: Time,
}

impl Frame {
    fn lane_x(&self, i: usize) -> f64 {
        GUTTER + (i as f64 + 0.5) * (W - GUTTER - 8.0) / self.lanes as f64
    }
    fn x(&self, a: Address) -> f64 {
        match a {
            Address::Node(n) => self.lane_x(n.index()),
            Address::Client(_) => self.lane_x(self.nodes),
        }
    }
    fn y(&self, t: Time) -> f64 {
        HEAD + (t as f64 - self.start as f64) / self.window as f64 * BODY
    }
}

/// A tick step of 1, 2 or 5 × 10^k µs giving at most about six ticks.
fn tick_step(window: Time) -> Time {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if window / (step * m) <= 6 {
                return step * m;
            }
        }
        step *= 10;
    }
}

fn head(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(0.001);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (x2 - ux * 7.0, y2 - uy * 7.0);
    format!(
        "M{} {}L{} {}L{} {}Z",
        px(x2),
        px(y2),
        px(bx - uy * 3.5),
        px(by + ux * 3.5),
        px(bx + uy * 3.5),
        px(by - ux * 3.5)
    )
}

fn fate_words(f: Fate) -> &'static str {
    match f {
        Fate::InFlight => "still travelling",
        Fate::Delivered => "arrived",
        Fate::Dropped(_) => "dropped",
    }
}

/// The diagram.
#[component]
pub fn SpaceTime() -> Html {
    let store = use_lab();
    // Zoom as a power of two of the default window.
    let zoom = use_state(|| 0i32);
    let lab = store.lab();
    let run = &lab.run;
    let cfg = run.config();
    let now = run.now();
    let base = view::spacetime_window(cfg);
    let window = if *zoom >= 0 {
        base << *zoom
    } else {
        (base >> -*zoom).max(1_000)
    };
    let start = now.saturating_sub(window);
    let nodes = usize::from(cfg.protocol.nodes);
    let clients = run.world().clients.len();
    let f = Frame {
        lanes: nodes + usize::from(clients > 0),
        nodes,
        start,
        window,
    };
    let h = run.history();

    // Lanes: names, the lane line, stretches when a node was down.
    let views = view::nodes(run);
    let lane_heads = views.iter().map(|n| {
        let x = f.lane_x(n.id.index());
        let leads = n.role == Role::Leader;
        html! {
            <g class={classes!("lane", (n.role == Role::Crashed).then_some("down"))}>
                <line x1={px(x)} y1={px(HEAD)} x2={px(x)} y2={px(HEAD + BODY)} />
                <text class="lane-name" x={px(x)} y="16" style={format!("fill: {}", node_color(n.id))}>
                    { if leads { format!("★{}", n.id) } else { n.id.to_string() } }
                </text>
            </g>
        }
    });
    let client_lane = (clients > 0).then(|| {
        let x = f.lane_x(nodes);
        html! {
            <g class="lane clients">
                <line x1={px(x)} y1={px(HEAD)} x2={px(x)} y2={px(HEAD + BODY)} />
                <text class="lane-name" x={px(x)} y="16">{ "clients" }</text>
            </g>
        }
    });
    let down = view::down_intervals(run, start).into_iter().map(|(n, a, b)| {
        let x = f.lane_x(n.index());
        let (y1, y2) = (f.y(a).max(HEAD), f.y(b));
        html! {
            <rect class="downtime" x={px(x - 5.0)} y={px(y1)} width="10" height={px((y2 - y1).max(1.0))}>
                <title>{ format!("{n} is down") }</title>
            </rect>
        }
    });

    // Time ticks in the gutter.
    let step = tick_step(window);
    let first_tick = start.div_ceil(step) * step;
    let ticks = (0..8)
        .map(|k| first_tick + k * step)
        .take_while(|&t| t <= now)
        .map(|t| {
            let y = f.y(t);
            html! {
                <g class="tick">
                    <line x1={px(GUTTER - 4.0)} y1={px(y)} x2={px(W - 8.0)} y2={px(y)} />
                    <text x={px(GUTTER - 6.0)} y={px(y + 3.5)}>{ units::fixed(i128::from(t), 6, 3) }</text>
                </g>
            }
        });

    // Arrows, oldest first so the newest draw on top.
    let latency = cfg.network.latency_max;
    let mut arrows = view::arrows(run, start.saturating_sub(latency), now);
    if arrows.len() > MAX_ARROWS {
        arrows.drain(..arrows.len() - MAX_ARROWS);
    }
    let mut labels: Vec<(f64, f64)> = Vec::new();
    let drawn = arrows
        .iter()
        .filter(|a| a.arrive >= start || a.fate == Fate::InFlight)
        .map(|a| {
            let sel = lab.selected_msg == Some(a.id) || lab.highlight == Some(a.id);
            arrow(&f, a, now, sel, &mut labels, &store)
        })
        .collect::<Html>();

    // Marks on lanes: leader changes, proposals, crashes, restarts, interventions.
    let marks = view::lane_marks(run, start).into_iter().map(|m| {
        let e = &h.events[m.event];
        let what = explain::describe(e, h);
        let y = f.y(m.t);
        let d = store.dispatcher();
        let ev = m.event;
        let onclick = Callback::from(move |_: MouseEvent| d.dispatch(LabAction::SeekEvent(ev)));
        let d = store.dispatcher();
        let onkeydown = Callback::from(move |k: KeyboardEvent| {
            if k.key() == "Enter" {
                d.dispatch(LabAction::SeekEvent(ev))
            }
        });
        let (glyph, word, class) = match (&e.kind, m.kind) {
            (EventKind::Crash(_), _) => ("✖", "crash", "crash"),
            (EventKind::Restart(..), _) => ("↻", "restart", "restart"),
            (_, MarkerKind::LeaderChange) => ("★", "leads", "leader"),
            (_, MarkerKind::Election) => ("◆", "", "proposal"),
            (_, MarkerKind::BoundExtension) => ("⊤", "", "bound"),
            (_, MarkerKind::Violation) => ("⚠", "", "violation"),
            (_, MarkerKind::Intervention) => ("⚑", "", "you"),
        };
        let body = match m.node {
            Some(n) => {
                let x = f.lane_x(n.index());
                html! {
                    <>
                        <text class="glyph" x={px(x)} y={px(y + 4.0)}
                              style={(m.kind == MarkerKind::Election).then(|| format!("fill: {}", node_color(n)))}>{ glyph }</text>
                        if !word.is_empty() {
                            <text class="word" x={px(x + 7.0)} y={px(y + 12.0)}>{ word }</text>
                        }
                    </>
                }
            }
            None => html! {
                <>
                    <line x1={px(GUTTER)} y1={px(y)} x2={px(W - 8.0)} y2={px(y)} />
                    <text class="glyph" x={px(W - 14.0)} y={px(y - 3.0)}>{ glyph }</text>
                </>
            },
        };
        html! {
            <g class={classes!("mark", class)} role="button" tabindex="0" aria-label={what.clone()} {onclick} {onkeydown}>
                <title>{ format!("{}: {what}", secs(m.t)) }</title>
                { body }
            </g>
        }
    });

    let zoom_by = |dz: i32| {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.set((*zoom + dz).clamp(-4, 3)))
    };
    let y_now = f.y(now);
    html! {
        <div class="spacetime">
            <div class="st-bar">
                <span>{ format!("Last {} of virtual time, down to the cursor", dur(window)) }</span>
                <button class="zoom" onclick={zoom_by(-1)} aria-label="Show a shorter stretch of time" disabled={*zoom <= -4}>{ "+" }</button>
                <button class="zoom" onclick={zoom_by(1)} aria-label="Show a longer stretch of time" disabled={*zoom >= 3}>{ "−" }</button>
            </div>
            <svg class="st" viewBox={format!("0 0 {} {}", px(W), px(HEAD + BODY + FOOT))} role="group"
                 aria-label="Space-time diagram: one lane per node, time flowing down, messages as arrows">
                <defs>
                    <clipPath id="st-clip"><rect x="0" y={px(HEAD)} width={px(W)} height={px(BODY + 2.0)} /></clipPath>
                </defs>
                <g class="ticks">{ for ticks }</g>
                <g class="lanes">{ for lane_heads }{ for client_lane }</g>
                <g clip-path="url(#st-clip)">
                    <g class="downtimes">{ for down }</g>
                    <g class="arrows">{ drawn }</g>
                    <g class="marks">{ for marks }</g>
                </g>
                <g class="cursor-line">
                    <line x1={px(GUTTER - 4.0)} y1={px(y_now)} x2={px(W - 8.0)} y2={px(y_now)} />
                    <text x={px(W - 8.0)} y={px(y_now + 13.0)}>{ format!("cursor {}", secs(now)) }</text>
                </g>
            </svg>
            <p class="legend">
                <span>{ "colour = ballot owner (grey: no ballot) · " }</span>
                <span class="k-dup">{ "dashed = network duplicate · " }</span>
                <span class="k-drop">{ "✕ = dropped · " }</span>
                <span>{ "● = still travelling · ★ leader · ◆ proposal · ✕/↻ crash/restart" }</span>
            </p>
        </div>
    }
}

fn arrow(
    f: &Frame,
    a: &Arrow,
    now: Time,
    selected: bool,
    labels: &mut Vec<(f64, f64)>,
    store: &super::store::LabHandle,
) -> Html {
    let (x1, y1) = (f.x(a.from), f.y(a.sent));
    let (xt, yt) = (f.x(a.to), f.y(a.arrive));
    let travelling = a.fate == Fate::InFlight;
    let (x2, y2) = if travelling {
        let p = (now - a.sent) as f64 / a.arrive.saturating_sub(a.sent).max(1) as f64;
        (x1 + (xt - x1) * p.clamp(0.0, 1.0), f.y(now))
    } else {
        (xt, yt)
    };
    let color = owner_color(a.owner);
    let mut class = classes!("arrow");
    class.push(match a.fate {
        Fate::InFlight => "flying",
        Fate::Delivered => "delivered",
        Fate::Dropped(_) => "dropped",
    });
    if a.dup {
        class.push("dup");
    }
    if a.owner.is_none() {
        class.push("plain");
    }
    if selected {
        class.push("hl");
    }
    // A type label at the middle when the arrow is long enough and the spot is free.
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt();
    let label = (len > 70.0
        && my > HEAD + 8.0
        && !labels
            .iter()
            .any(|&(x, y)| (x - mx).abs() < 44.0 && (y - my).abs() < 11.0))
    .then(|| {
        labels.push((mx, my));
        html! { <text class="type" x={px(mx)} y={px(my - 2.0)}>{ short_label(a.kind) }</text> }
    });
    let id = a.id;
    let (arrive, sent) = (a.arrive, a.sent);
    let d = store.dispatcher();
    let onclick = Callback::from(move |e: MouseEvent| {
        d.dispatch(LabAction::Seek(if e.shift_key() { sent } else { arrive }))
    });
    let d = store.dispatcher();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            d.dispatch(LabAction::Seek(if e.shift_key() { sent } else { arrive }))
        }
    });
    let hover = |v: Option<u64>| {
        let d = store.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(LabAction::Highlight(v)))
    };
    let focus = |v: Option<u64>| {
        let d = store.dispatcher();
        Callback::from(move |_: FocusEvent| d.dispatch(LabAction::Highlight(v)))
    };
    let words = format!(
        "#{id} {} {} → {}, sent {}, {}{}",
        a.kind,
        a.from,
        a.to,
        secs(a.sent),
        fate_words(a.fate),
        if a.dup { ", a network duplicate" } else { "" }
    );
    html! {
        <g key={id} {class} style={format!("--c: {color}")} data-msg={id.to_string()} data-type={a.kind}
           role="button" tabindex="0" aria-label={words.clone()}
           onmouseenter={hover(Some(id))} onmouseleave={hover(None)}
           onfocus={focus(Some(id))} onblur={focus(None)} {onclick} {onkeydown}>
            <title>{ format!("{words}. Click: go to its arrival; shift-click: to its sending.") }</title>
            <line class="hit" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
            <line class="shaft" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
            { match a.fate {
                Fate::InFlight => html! { <circle class="tip" cx={px(x2)} cy={px(y2)} r="3.5" /> },
                Fate::Delivered => html! { <path class="tip" d={head(x1, y1, x2, y2)} /> },
                Fate::Dropped(_) => html! { <text class="cross" x={px(x2)} y={px(y2 + 4.0)}>{ "✕" }</text> },
            } }
            { for label }
        </g>
    }
}

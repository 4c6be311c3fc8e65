//! The space-time diagram: one lane per node (and one for all clients), time flowing down to
//! the cursor, every message an arrow from (sender, send time) to (receiver, arrival time).
//! Hovering (or focusing) an arrow highlights the message in the cluster picture; clicking it
//! moves the cursor to its arrival (shift-click: to its sending).
//!
//! Built for playing long, busy runs: the arrows carry no listeners of their own (one set on
//! the picture finds the arrow from `data-msg`), and they are drawn in a frame that only
//! moves once per window, so an arrow that already arrived keeps identical attributes from
//! frame to frame and Yew leaves its DOM alone.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::cluster::short_label;
use super::format::{dur, node_color, owner_color, px, secs};
use super::store::use_lab;
use crate::lab::explain;
use crate::lab::view::{self, Arrow};
use crate::lab::{units, Address, EventKind, Fate, MarkerKind, MsgId, Role, Time};
use crate::lab::{Lab, LabAction};

const W: f64 = 460.0;
const GUTTER: f64 = 46.0;
const HEAD: f64 = 26.0;
const BODY: f64 = 400.0;
const FOOT: f64 = 18.0;
/// At most this many arrows are drawn (the newest).
const MAX_ARROWS: usize = 500;

/// Maps lanes and times to SVG coordinates. Times are measured from `origin`, a multiple of
/// the window, and the drawing is shifted up by `shift` — so coordinates stay put while the
/// cursor moves within one window.
struct Frame {
    lanes: usize,
    nodes: usize,
    origin: Time,
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
    /// Unshifted y of time `t`.
    fn y(&self, t: Time) -> f64 {
        HEAD + (t as f64 - self.origin as f64) / self.window as f64 * BODY
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

/// What a click or Enter on the picture hit: an arrow (seek to its arrival, or with shift to
/// its sending) or a lane mark (seek to its event).
fn activate(lab: &Lab, target: Option<web_sys::EventTarget>, shift: bool) -> Option<LabAction> {
    if let Some(id) = index_at(target.clone(), "data-msg") {
        let m = lab.run.history().messages.get(id)?;
        Some(LabAction::Seek(if shift { m.sent } else { m.arrive }))
    } else {
        Some(LabAction::SeekEvent(index_at(target, "data-ev")?))
    }
}

/// The index in `attr` of the shape an event happened in (or of its nearest ancestor with
/// one): arrows carry their message's id and marks their event's index, so one listener
/// serves hundreds of shapes. An index into the run's own lists, never an action's name:
/// what a click does is decided here, in typed code.
fn index_at(target: Option<web_sys::EventTarget>, attr: &str) -> Option<usize> {
    let el: web_sys::Element = target?.dyn_into().ok()?;
    el.closest(&format!("[{attr}]"))
        .ok()??
        .get_attribute(attr)?
        .parse()
        .ok()
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
    let clients = lab.clients();
    let f = Frame {
        lanes: nodes + usize::from(clients > 0),
        nodes,
        origin: start / window * window,
        window,
    };
    let shift = f.y(start) - HEAD;
    let h = run.history();

    // Lanes: names and lines.
    let views = view::nodes(run);
    let lane = |x: f64, class: Classes, name: String, color: Option<String>| {
        html! {
            <g {class}>
                <line x1={px(x)} y1={px(HEAD)} x2={px(x)} y2={px(HEAD + BODY)} />
                <text class="lane-name" x={px(x)} y="16" style={color}>{ name }</text>
            </g>
        }
    };
    let lanes = views
        .iter()
        .map(|n| {
            let name = if n.role == Role::Leader {
                format!("★{}", n.id)
            } else {
                n.id.to_string()
            };
            lane(
                f.lane_x(n.id.index()),
                classes!("lane", (n.role == Role::Crashed).then_some("down")),
                name,
                Some(format!("fill: {}", node_color(n.id))),
            )
        })
        .chain((clients > 0).then(|| {
            lane(
                f.lane_x(nodes),
                classes!("lane", "clients"),
                "clients".into(),
                None,
            )
        }))
        .collect::<Html>();
    // Stretches when a node was down.
    let down = view::down_intervals(run, start)
        .into_iter()
        .map(|(n, a, b)| {
            let x = f.lane_x(n.index());
            let (y1, y2) = (f.y(a), f.y(b));
            html! {
                <rect class="downtime" x={px(x - 5.0)} y={px(y1)} width="10" height={px((y2 - y1).max(1.0))}>
                    <title>{ format!("{n} is down") }</title>
                </rect>
            }
        })
        .collect::<Html>();

    // Time ticks in the gutter.
    let step = tick_step(window);
    let first_tick = start.div_ceil(step) * step;
    let ticks = (0..8)
        .map(|k| first_tick + k * step)
        .take_while(|&t| t <= now)
        .map(|t| {
            let y = f.y(t) - shift;
            html! {
                <g class="tick">
                    <line x1={px(GUTTER - 4.0)} y1={px(y)} x2={px(W - 8.0)} y2={px(y)} />
                    <text x={px(GUTTER - 6.0)} y={px(y + 3.5)}>{ units::fixed(i128::from(t), 6, 3) }</text>
                </g>
            }
        })
        .collect::<Html>();

    // Arrows, oldest first so the newest draw on top.
    let latency = cfg.network.latency_max;
    let mut arrows = view::arrows(run, start.saturating_sub(latency), now);
    arrows.retain(|a| a.arrive >= start || a.fate == Fate::InFlight);
    if arrows.len() > MAX_ARROWS {
        arrows.drain(..arrows.len() - MAX_ARROWS);
    }
    let mut labels: Vec<(f64, f64)> = Vec::new();
    let lit = lab.highlight.or(lab.selected_msg);
    let drawn = arrows
        .iter()
        .map(|a| arrow(&f, a, now, lit == Some(a.id), &mut labels))
        .collect::<Html>();

    // Marks on lanes: leader changes, proposals, crashes, restarts, interventions.
    let marks = view::lane_marks(run, start)
        .into_iter()
        .map(|m| {
            let e = &h.events[m.event];
            let what = explain::describe(e, h);
            let y = f.y(m.t);
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
                    let color = (m.kind == MarkerKind::Election)
                        .then(|| format!("fill: {}", node_color(n)));
                    html! {
                        <>
                            <text class="glyph" x={px(x)} y={px(y + 4.0)} style={color}>{ glyph }</text>
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
                <g key={m.event} class={classes!("mark", class)} role="button" tabindex="0"
                   data-ev={m.event.to_string()} aria-label={what.clone()}>
                    <title>{ format!("{}: {what}", secs(m.t)) }</title>
                    { body }
                </g>
            }
        })
        .collect::<Html>();

    // One set of listeners for every arrow and mark.
    let hovered =
        |target: Option<web_sys::EventTarget>| index_at(target, "data-msg").map(|id| id as MsgId);
    let current = lab.highlight;
    let over = store.callback(move |e: MouseEvent| {
        let id = hovered(e.target());
        (id != current).then_some(LabAction::Highlight(id))
    });
    let out = store.callback(move |e: MouseEvent| {
        (current.is_some() && hovered(e.related_target()).is_none())
            .then_some(LabAction::Highlight(None))
    });
    let focusin = store.callback(move |e: FocusEvent| {
        let id = hovered(e.target());
        (id != current).then_some(LabAction::Highlight(id))
    });
    let focusout = store
        .callback(move |_: FocusEvent| current.is_some().then_some(LabAction::Highlight(None)));
    let onclick =
        store.reading(|lab: &Lab, e: MouseEvent| activate(lab, e.target(), e.shift_key()));
    // Enter only: Space is the page's play/pause key.
    let onkeydown = store.reading(|lab: &Lab, e: KeyboardEvent| {
        (e.key() == "Enter")
            .then(|| activate(lab, e.target(), e.shift_key()))
            .flatten()
    });

    let zoom_by = |dz: i32| {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.set((*zoom + dz).clamp(-4, 3)))
    };
    let y_now = f.y(now) - shift;
    html! {
        <div class="spacetime">
            <div class="st-bar">
                <span>{ format!("Last {} of virtual time, down to the cursor", dur(window)) }</span>
                <button class="zoom" onclick={zoom_by(-1)} aria-label="Show a shorter stretch of time" disabled={*zoom <= -4}>{ "+" }</button>
                <button class="zoom" onclick={zoom_by(1)} aria-label="Show a longer stretch of time" disabled={*zoom >= 3}>{ "−" }</button>
            </div>
            <svg class="st" viewBox={format!("0 0 {} {}", px(W), px(HEAD + BODY + FOOT))} role="group"
                 aria-label="Space-time diagram: one lane per node, time flowing down, messages as arrows"
                 onmouseover={over} onmouseout={out} onfocusin={focusin} onfocusout={focusout} {onclick} {onkeydown}>
                <defs>
                    <clipPath id="st-clip"><rect x="0" y={px(HEAD)} width={px(W)} height={px(BODY + 2.0)} /></clipPath>
                </defs>
                <g class="ticks">{ ticks }</g>
                <g class="lanes">{ lanes }</g>
                <g clip-path="url(#st-clip)">
                    <g transform={format!("translate(0 {})", px(-shift))}>
                        <g class="downtimes">{ down }</g>
                        <g class="arrows">{ drawn }</g>
                        <g class="marks">{ marks }</g>
                    </g>
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
                <span>{ "● = still travelling · ★ leader · ◆ proposal · ✖/↻ crash/restart" }</span>
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ArrowProps {
    a: Arrow,
    /// Sender end and (arrival, drop or current) end, in the unshifted frame.
    from: (f64, f64),
    to: (f64, f64),
    lit: bool,
    label: bool,
}

/// One message. A component so that Yew skips it while its props stay the same — true for
/// every arrow that already arrived, as long as the frame does not move.
#[component]
fn ArrowView(p: &ArrowProps) -> Html {
    let a = &p.a;
    let ((x1, y1), (x2, y2)) = (p.from, p.to);
    let mut class = classes!(
        "arrow",
        match a.fate {
            Fate::InFlight => "flying",
            Fate::Delivered => "delivered",
            Fate::Dropped(_) => "dropped",
        }
    );
    if a.dup {
        class.push("dup");
    }
    if a.owner.is_none() {
        class.push("plain");
    }
    if p.lit {
        class.push("hl");
    }
    let id = a.id;
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
        <g {class} style={format!("--c: {}", owner_color(a.owner))} data-msg={id.to_string()}
           data-type={a.kind} role="button" tabindex="0" aria-label={words.clone()}>
            <title>{ format!("{words}. Click: go to its arrival; shift-click: to its sending.") }</title>
            <line class="hit" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
            <line class="shaft" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
            { match a.fate {
                Fate::InFlight => html! { <circle class="tip" cx={px(x2)} cy={px(y2)} r="3.5" /> },
                Fate::Delivered => html! { <path class="tip" d={head(x1, y1, x2, y2)} /> },
                Fate::Dropped(_) => html! { <text class="cross" x={px(x2)} y={px(y2 + 4.0)}>{ "✕" }</text> },
            } }
            if p.label {
                <text class="type" x={px((x1 + x2) / 2.0)} y={px((y1 + y2) / 2.0 - 2.0)}>{ short_label(a.kind) }</text>
            }
        </g>
    }
}

/// Props for one arrow: where it starts and ends, and whether its type label fits (the
/// middle is at least a label's size away from every label placed before).
fn arrow(f: &Frame, a: &Arrow, now: Time, lit: bool, labels: &mut Vec<(f64, f64)>) -> Html {
    let (x1, y1) = (f.x(a.from), f.y(a.sent));
    let (xt, yt) = (f.x(a.to), f.y(a.arrive));
    let (x2, y2) = if a.fate == Fate::InFlight {
        let p = (now - a.sent) as f64 / a.arrive.saturating_sub(a.sent).max(1) as f64;
        (x1 + (xt - x1) * p.clamp(0.0, 1.0), f.y(now))
    } else {
        (xt, yt)
    };
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt();
    let label = len > 70.0
        && !labels
            .iter()
            .any(|&(x, y)| (x - mx).abs() < 44.0 && (y - my).abs() < 11.0);
    if label {
        labels.push((mx, my));
    }
    html! { <ArrowView key={a.id} a={a.clone()} from={(x1, y1)} to={(x2, y2)} {lit} {label} /> }
}

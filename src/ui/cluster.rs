//! The cluster view: nodes on a ring, clients below, messages travelling along the edges at
//! their virtual-time position, coloured by their ballot's owner; partitions, countdown rings,
//! and — once the cursor has passed a safety violation — the quorums or ranges that explain it.
//!
//! Drawing 300 moving messages at 60 frames a second is the hot path, so what moves every
//! frame is drawn on one canvas over the SVG: the messages (pre-rendered sprites) and the
//! countdown arcs with their labels. The SVG holds what changes only with a role, a crash or a
//! partition; while time runs, its components get equal props from frame to frame and Yew
//! skips them. While paused, each message also gets a transparent DOM target for clicks,
//! focus and screen readers.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
// The browser's sine and cosine: Rust's would add libm's (~8 KB of wasm) for drawing only.
use js_sys::Math::{cos, sin};
use yew::prelude::*;

use super::format::{frac, node_color, owner_color};
use super::store::use_lab;
use crate::lab::view::{MessageView, NodeView, Scene, ViolationView};
use crate::lab::LabAction;
use crate::lab::{Address, Invariant, LockName, NodeId, Role, TimerKind};

/// SVG coordinate box.
pub const WIDTH: f64 = 1000.0;
/// SVG coordinate box.
pub const HEIGHT: f64 = 760.0;
const CENTER: (f64, f64) = (500.0, 345.0);
const RADIUS: f64 = 255.0;
const NODE_R: f64 = 46.0;

/// An SVG coordinate to a tenth of a unit. Like `format::px`, but in `i64`: it runs a few
/// hundred times a frame, and wasm has no native `i128` division.
fn px(x: f64) -> String {
    let v = (x * 10.0).round() as i64;
    let (sign, a) = if v < 0 {
        ("-", v.unsigned_abs())
    } else {
        ("", v as u64)
    };
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// Where node `i` of `n` sits on the ring (node 1 at the top, clockwise).
pub fn node_pos(i: usize, n: usize) -> (f64, f64) {
    let a = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
    (CENTER.0 + RADIUS * cos(a), CENTER.1 + RADIUS * sin(a))
}

/// Where client `c` of `m` sits, in a row under the ring.
pub fn client_pos(c: usize, m: usize) -> (f64, f64) {
    let span = 900.0_f64.min(110.0 * m as f64);
    let x = CENTER.0 - span / 2.0 + span * (c as f64 + 0.5) / m.max(1) as f64;
    (x, HEIGHT - 26.0)
}

/// Position of any address.
pub fn addr_pos(a: Address, nodes: usize, clients: usize) -> (f64, f64) {
    match a {
        Address::Node(n) => node_pos(n.index(), nodes),
        Address::Client(c) => client_pos(usize::from(c.0), clients),
    }
}

/// Short label drawn on a message.
pub fn short_label(type_name: &str) -> &'static str {
    match type_name {
        "Prepare" => "Prepare",
        "Promise" => "Promise",
        "Nack" => "Nack",
        "Accept" => "Accept",
        "Accepted" => "Accepted",
        "Learn" => "Learn",
        "CatchUp" => "CatchUp",
        "CatchUpReply" => "CatchUp↩",
        "Ping" => "Ping",
        "PingReply" => "Ping↩",
        "LatestSeq" => "Latest?",
        "LatestSeqReply" => "Latest↩",
        "LearnedQuery" => "Value?",
        "LearnedReply" => "Value↩",
        "TimestampRequest" => "Req",
        "TimestampReply" => "Reply",
        _ => "?",
    }
}

/// A symbol per role, so roles differ by more than colour.
pub fn role_icon(r: Role) -> &'static str {
    match r {
        Role::Leader => "★",
        Role::Follower => "✓",
        Role::Suspecting => "?",
        Role::Waiting => "◔",
        Role::Proposing => "⚑",
        Role::Checking => "⚖",
        Role::Crashed => "✕",
    }
}

/// What a countdown ring counts down to, as its label says it.
pub fn countdown_name(k: TimerKind) -> &'static str {
    match k {
        TimerKind::Backoff => "random wait",
        TimerKind::PingTimeout => "ping timeout",
        TimerKind::LeadershipProposalTimeout => "proposal timeout",
        TimerKind::CatchUpTimeout => "catch-up timeout",
        TimerKind::ElectionCheckTimeout => "check timeout",
        _ => "timer",
    }
}

/// Point on the segment from `a` to `b`, trimmed at both ends and offset sideways so the two
/// directions of one edge do not overlap. The trim keeps a pill (11 units tall each side of
/// its centre) clear of the node and of the round line under it, even at t = 0 when every
/// node sends at once.
fn along(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let trim = (NODE_R + 31.0).min(len / 3.0);
    let start = (a.0 + ux * trim, a.1 + uy * trim);
    let end = (b.0 - ux * trim, b.1 - uy * trim);
    let off = 9.0;
    (
        start.0 + (end.0 - start.0) * t - uy * off,
        start.1 + (end.1 - start.1) * t + ux * off,
    )
}

/// Partition groups in order of their first node: index into `groups` per node (all 0 when
/// the network is whole).
fn group_index(nodes: &[NodeView]) -> (Vec<usize>, usize) {
    let mut seen: Vec<u8> = Vec::new();
    let idx = nodes
        .iter()
        .map(|n| match seen.iter().position(|&g| g == n.group) {
            Some(i) => i,
            None => {
                seen.push(n.group);
                seen.len() - 1
            }
        })
        .collect();
    (idx, seen.len())
}

const GROUP_NAMES: [&str; 9] = ["A", "B", "C", "D", "E", "F", "G", "H", "I"];

/// An SVG `<text>`: one helper instead of many inlined `html!` tags keeps the bundle small.
fn text(class: Classes, x: f64, y: f64, body: String) -> Html {
    html! { <text {class} x={px(x)} y={px(y)}>{ body }</text> }
}

/// An SVG `<circle>`.
fn circle(class: Classes, (x, y): (f64, f64), r: f64) -> Html {
    html! { <circle {class} cx={px(x)} cy={px(y)} r={px(r)} /> }
}

/// An SVG `<line>`.
fn line(class: &'static str, a: (f64, f64), b: (f64, f64)) -> Html {
    html! { <line {class} x1={px(a.0)} y1={px(a.1)} x2={px(b.0)} y2={px(b.1)} /> }
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    node: NodeView,
    pos: (f64, f64),
    selected: bool,
    split_group: Option<u8>,
    /// Partition group index, when the network is split.
    group: Option<usize>,
    /// Time is moving: the countdown's moving parts are zeroed (see `Picture`).
    live: bool,
    /// Enter or Space on the focused glyph.
    onclick: Callback<NodeId>,
    /// A click on the glyph (the picture decides: a message drawn over it wins).
    onpick: Callback<(NodeId, MouseEvent)>,
}

/// A glyph's line of text with a trailing space: the glyph's lines are separate `<text>`s,
/// and whatever reads the glyph's text as one string (assistive tech, copy and paste) would
/// otherwise run "N2", "✓ follower" and "incarnation 0" together. Not rendered.
fn spaced(line: &str) -> String {
    format!("{line} ")
}

#[component]
fn NodeGlyph(p: &NodeProps) -> Html {
    let n = &p.node;
    let (x, y) = p.pos;
    let id = n.id;
    // Clicks are handled by the picture (a message drawn over a node wins); keys here.
    let onkeydown = {
        let cb = p.onclick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(id)
            }
        })
    };
    let role = n.role.name();
    // The accessible name starts with what the glyph shows, in the order it shows it (speech
    // input users say what they see); what only a reader needs follows.
    let mut extra = String::new();
    let below = y + NODE_R + 19.0;
    let mut parts = Vec::with_capacity(12);
    if let Some(g) = p.group {
        parts.push(circle(
            classes!("group-halo", GROUP_CLASSES[g % 4]),
            (x, y),
            NODE_R + 15.0,
        ));
    }
    parts.push(html! {
        <circle class="body" cx={px(x)} cy={px(y)} r={px(NODE_R)} style={format!("--owner: {}", node_color(id))} />
    });
    if n.role == Role::Crashed {
        let d = format!(
            "M {} {} l 60 60 m 0 -60 l -60 60",
            px(x - 30.0),
            px(y - 30.0)
        );
        parts.push(html! { <path class="crash-x" {d} /> });
    }
    if let Some(c) = n.countdown {
        // The draining arc and its label move every frame: the canvas draws them (`draw`).
        // While time stands still the label says how long is left, for screen readers.
        extra.push_str(&format!(", {} running", countdown_name(c.kind)));
        if !p.live {
            extra.push_str(&format!(
                ", {} s left",
                crate::lab::units::fixed(i128::from(c.left), 6, 1)
            ));
        }
        parts.push(circle(
            classes!("ring-track", c.kind.name()),
            (x, y),
            NODE_R + 7.0,
        ));
    }
    // In the order the lines go from always shown to first hidden (presenter mode and phones
    // hide the small ones), so what is visible is always the start of the accessible name.
    let mut shown = vec![id.to_string(), format!("{} {role}", role_icon(n.role))];
    parts.push(text(classes!("name"), x, y - 10.0, spaced(&shown[0])));
    parts.push(text(classes!("role-word"), x, y + 9.0, spaced(&shown[1])));
    let round = match (n.round, n.believes) {
        (Some(r), Some(l)) if n.role != Role::Leader && l.node != id => {
            // What this node believes, not who leads now (that may have changed unseen).
            format!("round {r} names {}", l.node)
        }
        (Some(r), _) => format!("round {r}"),
        (None, _) => "no leader known".into(),
    };
    parts.push(text(classes!("round"), x, below, spaced(&round)));
    shown.push(round);
    if let Some((counter, bound)) = n.timestamps {
        // Past the bound only with the serve-past-bound bug: say so, in the colour of trouble.
        let (class, sign) = if counter > bound {
            (classes!("ts", "past-bound"), '>')
        } else {
            (classes!("ts"), '≤')
        };
        let ts = format!("ts {counter} {sign} bound {bound}");
        parts.push(text(class, x, below + 15.0, spaced(&ts)));
        shown.push(ts);
    }
    if let Some(locks) = &n.locks {
        if !locks.is_empty() {
            let held: Vec<String> = locks
                .iter()
                .map(|(l, c)| format!("{}:{c}", l.to_string().trim_start_matches("lock ")))
                .collect();
            let locks = format!("🔒 {}", held.join(" "));
            parts.push(text(classes!("locks"), x, below + 30.0, spaced(&locks)));
            shown.push(locks);
        }
    }
    let inc = format!("incarnation {}", n.incarnation);
    parts.push(text(classes!("inc"), x, y + 24.0, spaced(&inc)));
    shown.push(inc);
    if n.role == Role::Leader {
        parts.push(text(classes!("crown"), x, y - NODE_R - 12.0, "★".into()));
    }
    // Drawn last and shown only on keyboard focus: a ring no role's outline looks like.
    parts.push(circle(classes!("focus-ring"), (x, y), NODE_R + 13.0));
    let label = format!("{}{extra}", shown.join(", "));
    let mut class = classes!("node", role);
    if p.selected {
        class.push("selected");
    }
    if let Some(g) = p.split_group {
        class.push(if g == 1 { "split-a" } else { "split-b" });
    }
    html! {
        <g {class} role="button" tabindex="0" aria-label={label.clone()} aria-pressed={p.selected.to_string()}
           data-node={id.0.to_string()} data-role={role} {onkeydown} onclick={p.onpick.reform(move |e: MouseEvent| (id, e))}>
            <title>{ label }</title>
            { for parts }
        </g>
    }
}

const GROUP_CLASSES: [&str; 4] = ["g0", "g1", "g2", "g3"];

/// One message as the canvas draws it and a click finds it, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drawn {
    id: u64,
    x: f64,
    y: f64,
    /// Pill width.
    w: f64,
    /// Sprite: message type × colour (0–8 ballot owner, 9 grey).
    sprite: usize,
    /// 1, or fading for a dropped message.
    alpha: f64,
    /// Extra marks: dropped, duplicate, doomed, selected.
    marks: [bool; 4],
}

const GREY: usize = 9;

/// A countdown as the canvas draws it: the draining arc round a node, and its label under
/// the node (none for the leader, whose timestamp line sits there).
struct Ring {
    x: f64,
    y: f64,
    kind: TimerKind,
    /// Fraction still to wait.
    remaining: f64,
    label: Option<String>,
}

impl Ring {
    fn of(n: &NodeView, (x, y): (f64, f64)) -> Option<Ring> {
        let c = n.countdown?;
        Some(Ring {
            x,
            y,
            kind: c.kind,
            remaining: c.remaining,
            // Tenths of a second: readable while it runs.
            label: n.timestamps.is_none().then(|| {
                format!(
                    "{} {} s",
                    countdown_name(c.kind),
                    crate::lab::units::fixed(i128::from(c.left), 6, 1)
                )
            }),
        })
    }
}

/// The ring colours, read from the style sheet (which has a dark variant), so the canvas and
/// the legend agree: ring, label, and the halo behind labels.
#[derive(Default, PartialEq)]
struct Palette {
    ring: [String; 4],
    label: [String; 4],
    halo: String,
}

impl Palette {
    fn read(el: &web_sys::Element) -> Option<Palette> {
        let css = gloo::utils::window().get_computed_style(el).ok()??;
        // The light theme's values stand in for a variable the page lacks (a style sheet that
        // failed to load), so the rings never come out in the canvas's default black.
        let var = |name: &str, light: &str| match css.get_property_value(name) {
            Ok(v) if !v.trim().is_empty() => v.trim().to_string(),
            _ => light.to_string(),
        };
        let names = ["backoff", "ping", "proposal", "check"];
        let light_ring = ["#2e86de", "#d99a00", "#ff7a1a", "#9b59b6"];
        let light_label = ["#2e86de", "#9a6c00", "#c85400", "#9b59b6"];
        Some(Palette {
            ring: [0, 1, 2, 3].map(|i| var(&format!("--ring-{}", names[i]), light_ring[i])),
            label: [0, 1, 2, 3].map(|i| var(&format!("--ring-{}-text", names[i]), light_label[i])),
            halo: var("--panel", "#fff"),
        })
    }
}

/// Which of the palette's four ring styles a timer uses, and its dash pattern (the legend's:
/// solid, dashed, dotted).
fn ring_style(k: TimerKind) -> (usize, &'static [f64]) {
    match k {
        TimerKind::Backoff => (0, &[]),
        TimerKind::PingTimeout => (1, &[10.0, 3.0]),
        TimerKind::LeadershipProposalTimeout => (2, &[3.0, 3.0]),
        _ => (3, &[3.0, 3.0]),
    }
}

/// The countdown labels' font (the page's, as the SVG labels had).
const LABEL_FONT: &str = "600 12px system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";

/// Strokes the countdown arcs (in SVG units: the caller has scaled).
fn draw_arcs(g: &CanvasRenderingContext2d, palette: &Palette, rings: &[Ring]) -> Option<()> {
    let top = -std::f64::consts::FRAC_PI_2;
    g.set_line_width(5.0);
    for r in rings {
        let (style, dash) = ring_style(r.kind);
        let dashes: js_sys::Array = dash.iter().map(|&d| JsValue::from_f64(d)).collect();
        g.set_line_dash(&dashes).ok()?;
        g.set_line_cap(if dash.is_empty() { "round" } else { "butt" });
        g.set_stroke_style_str(&palette.ring[style]);
        g.begin_path();
        let f = r.remaining.clamp(0.0, 0.9999);
        g.arc(r.x, r.y, NODE_R + 7.0, top, top + f * std::f64::consts::TAU)
            .ok()?;
        g.stroke();
    }
    g.set_line_dash(&js_sys::Array::new()).ok()
}

/// A countdown label's sprite width, in SVG units (generous: the text is centred in it).
fn label_width(text: &str) -> f64 {
    10.0 + 7.5 * text.chars().count() as f64
}

/// A blank canvas of `w` × `h` SVG units at `k` pixels per unit, scaled to draw in units.
fn blank(w: f64, h: f64, k: f64) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let c: HtmlCanvasElement = gloo::utils::document()
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    c.set_width((w * k).ceil() as u32);
    c.set_height((h * k).ceil() as u32);
    let g = context(&c)?;
    g.scale(k, k).ok()?;
    g.set_text_align("center");
    Some((c, g))
}

fn pill_width(kind: &str) -> f64 {
    12.0 + 6.6 * short_label(kind).chars().count() as f64
}

fn pill_colour(c: usize) -> &'static str {
    if c == GREY {
        owner_color(None)
    } else {
        node_color(NodeId::from_index(c))
    }
}

fn context(c: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    c.get_context("2d").ok()??.dyn_into().ok()
}

/// Pre-drawn pills (type × colour) at the canvas's pixel scale: a frame then draws each
/// message with one `drawImage`, passing no strings to the browser.
#[derive(Default)]
struct Sprites {
    scale: f64,
    pills: Vec<Option<HtmlCanvasElement>>,
    /// Canvas pixels per SVG unit, measured when the window resized or time stands still:
    /// measuring forces a layout, which a playing frame should not pay for.
    k: f64,
    /// The window width when `k` was measured.
    window: f64,
    /// The picture is drawn so small (a phone) that the pills' and countdowns' words would
    /// come out under 7 CSS pixels: the canvas then draws no text at all (the colours still
    /// say whose ballot; the inspector reads a tapped message out in full).
    tiny: bool,
    /// Where each message was drawn, for clicks while playing.
    hits: Vec<Drawn>,
    /// The countdowns of the last render.
    rings: Vec<Ring>,
    palette: Option<Palette>,
    /// The canvas's context, fetched once.
    ctx: Option<CanvasRenderingContext2d>,
    /// Countdown labels drawn with their halo, by text: the same few dozen texts come back
    /// each time a timer runs, and a `drawImage` costs less than `strokeText` + `fillText`.
    /// (A short list searched in order: a map's code would cost the bundle more than the
    /// few hundred comparisons cost a frame.)
    labels: Vec<(String, HtmlCanvasElement)>,
}

/// Colours a pill can take (`pill_colour`'s range).
const PILL_COLOURS: usize = 10;

/// Where the marks' sprites start: after one pill per message type and colour. (It was a
/// literal 160 — sixteen types — and the lock and refused-connection messages, types 16–20,
/// drew as marks or indexed past the end: found by the soak test.)
const MARK_SPRITES: usize = crate::lab::Msg::TYPE_NAMES.len() * PILL_COLOURS;

/// The sprite of a pill: message type × colour.
fn pill_sprite(type_index: usize, colour: usize) -> usize {
    type_index * PILL_COLOURS + colour.min(PILL_COLOURS - 1)
}

impl Sprites {
    /// The pill of message type × colour `sprite` ([`pill_sprite`]), or a mark (`MARKS`) at
    /// [`MARK_SPRITES`]` + i`.
    fn get(&mut self, sprite: usize, k: f64) -> Option<HtmlCanvasElement> {
        if self.scale != k {
            self.scale = k;
            self.pills = vec![None; MARK_SPRITES + MARKS.len()];
            self.labels.clear();
        }
        if self.pills[sprite].is_none() {
            let (w, h) = match MARKS.get(sprite.wrapping_sub(MARK_SPRITES)) {
                Some(_) => (16.0, 18.0),
                None => (
                    pill_width(crate::lab::Msg::TYPE_NAMES[sprite / PILL_COLOURS]) + 2.0,
                    22.0,
                ),
            };
            let (c, g) = blank(w, h, k)?;
            if let Some((mark, colour)) = MARKS.get(sprite.wrapping_sub(MARK_SPRITES)) {
                g.set_font("700 14px system-ui, sans-serif");
                g.set_fill_style_str(colour);
                g.fill_text(mark, w / 2.0, 14.0).ok()?;
            } else {
                let kind = crate::lab::Msg::TYPE_NAMES[sprite / PILL_COLOURS];
                g.set_fill_style_str(pill_colour(sprite % PILL_COLOURS));
                g.set_stroke_style_str("rgba(0,0,0,0.3)");
                g.begin_path();
                g.round_rect_with_f64(1.0, 1.0, w - 2.0, 20.0, 10.0).ok()?;
                g.fill();
                g.stroke();
                if !self.tiny {
                    g.set_fill_style_str("#fff");
                    g.set_font("600 11px system-ui, sans-serif");
                    g.fill_text(short_label(kind), w / 2.0, 15.0).ok()?;
                }
            }
            self.pills[sprite] = Some(c);
        }
        self.pills[sprite].clone()
    }

    /// The sprite of a countdown label (`kind` picks its colour).
    fn label(&mut self, text: &str, kind: TimerKind, k: f64) -> Option<HtmlCanvasElement> {
        if let Some((_, c)) = self.labels.iter().find(|(t, _)| t == text) {
            return Some(c.clone());
        }
        if self.labels.len() >= 256 {
            self.labels.clear();
        }
        let palette = self.palette.as_ref()?;
        let w = label_width(text);
        let (c, g) = blank(w, 18.0, k)?;
        g.set_font(LABEL_FONT);
        g.set_line_join("round");
        g.set_line_width(3.0);
        g.set_stroke_style_str(&palette.halo);
        g.stroke_text(text, w / 2.0, 13.0).ok()?;
        g.set_fill_style_str(&palette.label[ring_style(kind).0]);
        g.fill_text(text, w / 2.0, 13.0).ok()?;
        self.labels.push((text.to_string(), c.clone()));
        Some(c)
    }
}

/// Marks drawn beside a pill: dropped, duplicate, asked to drop.
const MARKS: [(&str, &str); 3] = [("✕", "#e03131"), ("×2", "#5f3dc4"), ("✂", "#e03131")];

/// Draws every message on the canvas over the picture. Canvas, not DOM: 300 moving messages
/// then cost a few hundred `drawImage` calls a frame instead of diffing, laying out and
/// painting hundreds of elements.
fn draw(
    canvas: &HtmlCanvasElement,
    sprites: &mut Sprites,
    msgs: &[Drawn],
    live: bool,
) -> Option<()> {
    // Reading the style sheet forces a style pass: only while time stands still.
    if !live || sprites.palette.is_none() {
        let palette = Palette::read(canvas);
        if palette != sprites.palette {
            sprites.labels.clear();
            sprites.palette = palette;
        }
    }
    let window = gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(0.0);
    if window != sprites.window || !live || sprites.k <= 0.0 {
        sprites.window = window;
        let css = f64::from(canvas.client_width()) / WIDTH;
        sprites.k = css * gloo::utils::window().device_pixel_ratio();
        // 11-unit text at `css` pixels per unit.
        sprites.tiny = css * 11.0 < 7.0;
    }
    let k = sprites.k;
    if k <= 0.0 {
        return None;
    }
    let (w, h) = ((WIDTH * k).round() as u32, (HEIGHT * k).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    if sprites.ctx.is_none() {
        sprites.ctx = context(canvas);
    }
    let g = sprites.ctx.clone()?;
    g.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    g.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    // Rings under the messages, as the picture layers them.
    g.set_transform(k, 0.0, 0.0, k, 0.0, 0.0).ok()?;
    draw_arcs(&g, sprites.palette.as_ref()?, &sprites.rings)?;
    g.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    let rings = std::mem::take(&mut sprites.rings);
    let tiny = sprites.tiny;
    for r in rings.iter().filter(|_| !tiny) {
        if let Some(text) = &r.label {
            let sprite = sprites.label(text, r.kind, k)?;
            // The label's baseline sits 13 units down its sprite.
            let (x, y) = (r.x - label_width(text) / 2.0, r.y + NODE_R + 34.0 - 13.0);
            g.draw_image_with_html_canvas_element(&sprite, (x * k).round(), (y * k).round())
                .ok()?;
        }
    }
    sprites.rings = rings;
    let mut alpha = 1.0;
    g.set_global_alpha(1.0);
    for m in msgs {
        let pill = sprites.get(m.sprite, k)?;
        if m.alpha != alpha {
            alpha = m.alpha;
            g.set_global_alpha(alpha);
        }
        let (x, y) = (
            ((m.x - m.w / 2.0 - 1.0) * k).round(),
            ((m.y - 11.0) * k).round(),
        );
        g.draw_image_with_html_canvas_element(&pill, x, y).ok()?;
    }
    // The few marked messages get outlines (in SVG units) and marks.
    g.set_transform(k, 0.0, 0.0, k, 0.0, 0.0).ok()?;
    for m in msgs.iter().filter(|m| m.marks[1..].contains(&true)) {
        let [_, _, doomed, selected] = m.marks;
        g.set_global_alpha(m.alpha);
        g.set_stroke_style_str(if doomed { "#e03131" } else { "#1d1f23" });
        g.set_line_width(if selected { 3.5 } else { 2.0 });
        g.begin_path();
        g.round_rect_with_f64(m.x - m.w / 2.0 - 1.5, m.y - 11.5, m.w + 3.0, 23.0, 11.5)
            .ok()?;
        g.stroke();
    }
    g.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    for m in msgs.iter().filter(|m| m.marks[..3].contains(&true)) {
        g.set_global_alpha(m.alpha);
        for (i, on) in m.marks[..3].iter().enumerate() {
            if *on {
                let x = if i == 2 {
                    m.x - m.w / 2.0 - 16.0
                } else {
                    m.x + m.w / 2.0
                };
                let mark = sprites.get(MARK_SPRITES + i, k)?;
                g.draw_image_with_html_canvas_element(
                    &mark,
                    (x * k).round(),
                    ((m.y - 20.0) * k).round(),
                )
                .ok()?;
            }
        }
    }
    g.set_global_alpha(1.0);
    Some(())
}

/// A message as a transparent, clickable, labelled target over its pill: drawn only while
/// paused (targets that move every frame would cost what the canvas saves).
fn msg_target(
    m: &MessageView,
    d: &Drawn,
    (selected, highlighted): (bool, bool),
    onclick: &Callback<u64>,
) -> Html {
    let id = m.id;
    let kind = m.msg.type_name();
    let [dropped, dup, doomed, _] = d.marks;
    let mut title = format!("#{id} {kind} {} → {}", m.from, m.to);
    if let Some(b) = m.msg.ballot() {
        title.push_str(&format!(", ballot {b}"));
    }
    if dup {
        title.push_str(", a network duplicate");
    }
    if doomed {
        title.push_str(", you asked to drop it");
    }
    if let Some((r, _)) = m.dropped {
        title.push_str(&format!(", dropped ({})", r.name()));
    }
    let class = classes!(
        "msg",
        dropped.then_some("dropped"),
        dup.then_some("duplicate"),
        doomed.then_some("doomed"),
        selected.then_some("selected"),
        highlighted.then_some("highlighted")
    );
    let style = format!(
        "left:{}%;top:{}%;width:{}%",
        frac((d.x - d.w / 2.0) / 10.0, 2),
        frac((d.y - 10.0) / 7.6, 2),
        frac(d.w / 10.0, 2)
    );
    let onclick = {
        let cb = onclick.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(id)
        })
    };
    html! {
        <div key={id} {class} {style} role="button" aria-label={title.clone()} {title}
             data-msg={id.to_string()} data-type={kind} {onclick}></div>
    }
}

/// What changes rarely: drawn once, skipped on every frame its props stay equal.
#[derive(Properties, PartialEq)]
struct BackdropProps {
    n: usize,
    clients: usize,
    /// The lock each client holds.
    held: Vec<Option<LockName>>,
    /// Partition group index per node, when split.
    groups: Option<Vec<usize>>,
    cut: Vec<(NodeId, NodeId)>,
}

/// Every pair of nodes (cut pairs dashed, pairs inside a partition group tinted) and the
/// clients in a row under the ring.
#[component]
fn Backdrop(p: &BackdropProps) -> Html {
    let (n, m) = (p.n, p.clients);
    let mut edges = Vec::with_capacity(n * n / 2 + m + 1);
    for i in 0..n {
        for j in i + 1..n {
            let cut = p
                .cut
                .contains(&(NodeId::from_index(i), NodeId::from_index(j)));
            let class = match (&p.groups, cut) {
                (_, true) => "edge cut",
                (Some(g), false) => ["edge g0", "edge g1", "edge g2", "edge g3"][g[i] % 4],
                (None, false) => "edge",
            };
            edges.push(line(class, node_pos(i, n), node_pos(j, n)));
        }
    }
    let w = (900.0 / m.max(1) as f64 - 3.0).clamp(6.0, 40.0);
    for c in 0..m {
        let (x, y) = client_pos(c, m);
        edges.push(html! {
            <rect class="client" x={px(x - w / 2.0)} y={px(y - 12.0)} width={px(w)} height="24" rx="4" />
        });
        if m <= 12 {
            edges.push(text(classes!("client-name"), x, y + 4.0, format!("C{c}")));
            if let Some(Some(l)) = p.held.get(c) {
                let name = l.to_string();
                let letter = name.trim_start_matches("lock ");
                edges.push(text(
                    classes!("client-lock"),
                    x,
                    y + 24.0,
                    format!("🔒{letter}"),
                ));
            }
        }
    }
    if m > 12 {
        edges.push(text(
            classes!("clients-caption"),
            CENTER.0,
            HEIGHT - 44.0,
            format!("{m} clients"),
        ));
    }
    html! { <g class="backdrop">{ for edges }</g> }
}

/// The halos, badges and centre note that show why a safety rule broke.
fn violation_marks(v: &ViolationView, n: usize) -> Html {
    let pos = |id: NodeId| node_pos(id.index(), n);
    let mut halos = Vec::new();
    let mut badges = Vec::new();
    let mut mark = |id: NodeId, class: &'static str, r: f64, badge: Option<String>, dy: f64| {
        let (x, y) = pos(id);
        halos.push(circle(classes!("why-halo", class), (x, y), r));
        if let Some(b) = badge {
            badges.push(text(
                classes!("why-badge", class),
                x + NODE_R * 0.72,
                y - NODE_R * 0.72 + dy,
                b,
            ));
        }
    };
    match v.invariant {
        Invariant::Agreement if v.quorums.len() >= 2 => {
            let (a, b) = (v.quorums[0].acceptors, v.quorums[1].acceptors);
            for id in a.iter() {
                let both = b.contains(id);
                mark(
                    id,
                    "qa",
                    NODE_R + 20.0,
                    Some(if both { "A+B" } else { "A" }.into()),
                    0.0,
                );
            }
            for id in b.iter() {
                let badge = (!a.contains(id)).then(|| "B".to_string());
                mark(id, "qb", NODE_R + 28.0, badge, 0.0);
            }
            let (big, small) = if v.shared.is_empty() {
                ("A ∩ B = ∅".to_string(), "no acceptor in both quorums")
            } else {
                (
                    format!("A ∩ B = {}", v.shared),
                    "should have passed A's value on",
                )
            };
            badges.push(text(classes!("why-centre"), CENTER.0, CENTER.1 - 4.0, big));
            badges.push(text(
                classes!("why-centre-sub"),
                CENTER.0,
                CENTER.1 + 18.0,
                small.into(),
            ));
        }
        Invariant::LearnedChosen if !v.quorums.is_empty() => {
            // A: the acceptors behind the learned value (too few); B: the majority that chose
            // something else, if any.
            let a = v.quorums[0].acceptors;
            let b = v.quorums.get(1).map(|q| q.acceptors).unwrap_or_default();
            for id in a.iter() {
                mark(id, "qa", NODE_R + 20.0, Some("A".into()), 0.0);
            }
            for id in b.iter() {
                let badge = (!a.contains(id)).then(|| "B".to_string());
                mark(id, "qb", NODE_R + 28.0, badge, 0.0);
            }
            if let Some(c) = v.culprit {
                mark(
                    c,
                    "culprit",
                    NODE_R + 36.0,
                    Some("✕ learned it".into()),
                    14.0,
                );
            }
            badges.push(text(
                classes!("why-centre"),
                CENTER.0,
                CENTER.1 - 4.0,
                format!("|A| = {} < majority", a.len()),
            ));
        }
        _ if !v.ranges.is_empty() && v.culprit.is_none() => {
            for (k, r) in v.ranges.iter().enumerate() {
                let class = if k == 0 { "qa" } else { "qb" };
                let badge = format!("{}–{}", r.first, r.last);
                mark(
                    r.node,
                    class,
                    NODE_R + 20.0 + 8.0 * k as f64,
                    Some(badge),
                    16.0 * k as f64,
                );
            }
        }
        _ => {
            for &id in &v.nodes {
                mark(id, "involved", NODE_R + 18.0, None, 0.0);
            }
            if let Some(c) = v.culprit {
                let badge = match v.invariant {
                    Invariant::PromiseKept => "✕ forgot its promise",
                    Invariant::LearnedChosen => "✕ learned a wrong value",
                    _ => "✕ broke the rule",
                };
                mark(c, "culprit", NODE_R + 24.0, Some(badge.into()), 0.0);
            }
        }
    }
    html! {
        <g class="why-marks" aria-hidden="true">
            { for halos }
            { for badges }
        </g>
    }
}

/// What a [`Picture`] draws and how it reports clicks.
#[derive(Properties, PartialEq)]
pub struct PictureProps {
    /// The scene.
    pub scene: Scene,
    /// Highlighted node.
    #[prop_or_default]
    pub selected_node: Option<NodeId>,
    /// Highlighted message (selected).
    #[prop_or_default]
    pub selected_msg: Option<u64>,
    /// Highlighted message (hovered elsewhere).
    #[prop_or_default]
    pub highlight: Option<u64>,
    /// Partition editor groups, while choosing.
    #[prop_or_default]
    pub split: Option<Vec<u8>>,
    /// A node was clicked.
    #[prop_or_default]
    pub on_node: Callback<NodeId>,
    /// A message was clicked.
    #[prop_or_default]
    pub on_message: Callback<u64>,
    /// The empty background was clicked.
    #[prop_or_default]
    pub on_background: Callback<()>,
    /// Time is moving: skip the per-message click targets (the canvas still takes clicks).
    #[prop_or_default]
    pub live: bool,
    /// Drawn over the picture, in its box (the main view's node toolbar and split bar);
    /// positioned in percent of the box, so it stays on its node at any size.
    #[prop_or_default]
    pub overlay: Html,
    /// Accessible name of the picture.
    #[prop_or(AttrValue::Static(
        "The cluster: nodes on a ring, messages travelling between them"
    ))]
    pub label: AttrValue,
}

/// A cluster picture of any scene (the main view, and each side of the dueling lab).
#[component]
pub fn Picture(p: &PictureProps) -> Html {
    let scene = &p.scene;
    let n = scene.nodes.len();
    let clients = scene.clients;
    let (group_of, group_count) = group_index(&scene.nodes);
    let split = group_count > 1;

    let pos = |m: &MessageView| {
        let (a, b) = (addr_pos(m.from, n, clients), addr_pos(m.to, n, clients));
        along(a, b, m.progress)
    };
    let drawn: Vec<Drawn> = scene
        .messages
        .iter()
        .map(|m| {
            let (x, y) = pos(m);
            let kind = m.msg.type_name();
            let colour = match (m.dropped, m.owner) {
                (None, Some(o)) => o.index().min(8),
                _ => GREY,
            };
            let selected = p.selected_msg == Some(m.id) || p.highlight == Some(m.id);
            Drawn {
                id: m.id,
                x,
                y,
                w: pill_width(kind),
                sprite: pill_sprite(m.msg.type_index(), colour),
                alpha: m.dropped.map_or(1.0, |(_, ago)| {
                    (1.0 - ago as f64 / 600_000.0).clamp(0.15, 1.0)
                }),
                marks: [m.dropped.is_some(), m.dup_of.is_some(), m.doomed, selected],
            }
        })
        .collect();

    // Draw after every render; remember where each message is for clicks while playing.
    let rings: Vec<Ring> = scene
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| Ring::of(node, node_pos(i, n)))
        .collect();
    // What the canvas wrote, for tests and for reading the page's state without pixels.
    let ring_labels = rings
        .iter()
        .filter_map(|r| r.label.as_deref())
        .collect::<Vec<_>>()
        .join(" | ");
    let canvas = use_node_ref();
    let sprites = use_mut_ref(Sprites::default);
    {
        let mut s = sprites.borrow_mut();
        s.hits = drawn.clone();
        s.rings = rings;
    }
    {
        let (canvas, sprites, live) = (canvas.clone(), sprites.clone(), p.live);
        use_effect(move || {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                let mut s = sprites.borrow_mut();
                let msgs = std::mem::take(&mut s.hits);
                draw(&c, &mut s, &msgs, live);
                s.hits = msgs;
            }
        });
    }
    // The message drawn under a click, if any (the canvas has no elements to click).
    let message_at = {
        let (hits, canvas) = (sprites.clone(), canvas.clone());
        move |e: &MouseEvent| -> Option<u64> {
            // (Yew delegates events: `current_target` is its root, not this box.)
            let el = canvas.cast::<web_sys::Element>()?;
            let r = el.get_bounding_client_rect();
            let u = WIDTH / r.width().max(1.0);
            let (x, y) = (
                (f64::from(e.client_x()) - r.left()) * u,
                (f64::from(e.client_y()) - r.top()) * u,
            );
            hits.borrow()
                .hits
                .iter()
                .rev()
                .find(|m| (m.x - x).abs() <= m.w / 2.0 + 2.0 && (m.y - y).abs() <= 12.0)
                .map(|m| m.id)
        }
    };
    // A click on a node's glyph: the message drawn over it if any, else the node. The glyph
    // gets the click first; it stops there, so the box's handler below sees only the rest.
    let onpick = {
        let (message_at, on_message, on_node) =
            (message_at.clone(), p.on_message.clone(), p.on_node.clone());
        Callback::from(move |(id, e): (NodeId, MouseEvent)| {
            e.stop_propagation();
            match message_at(&e) {
                Some(m) => on_message.emit(m),
                None => on_node.emit(id),
            }
        })
    };
    let onclick = {
        let (on_message, on_background) = (p.on_message.clone(), p.on_background.clone());
        Callback::from(move |e: MouseEvent| match message_at(&e) {
            Some(m) => on_message.emit(m),
            None => on_background.emit(()),
        })
    };

    // A duplicate and its original leave together at different speeds: join them.
    let mut extras = Vec::new();
    for m in scene.messages.iter().filter(|m| m.dropped.is_none()) {
        if let Some(o) = m
            .dup_of
            .and_then(|o| scene.messages.iter().find(|x| x.id == o))
        {
            extras.push(line("dup-link", pos(o), pos(m)));
        }
        if p.selected_msg == Some(m.id) {
            let (a, b) = (addr_pos(m.from, n, clients), addr_pos(m.to, n, clients));
            extras.push(line("msg-path", along(a, b, 0.0), along(a, b, 1.0)));
        }
    }
    if split {
        let text_groups = (0..group_count)
            .map(|g| {
                let members: Vec<String> = scene
                    .nodes
                    .iter()
                    .zip(&group_of)
                    .filter(|(_, &k)| k == g)
                    .map(|(node, _)| node.id.to_string())
                    .collect();
                format!("{} {{{}}}", GROUP_NAMES[g % 9], members.join(","))
            })
            .collect::<Vec<_>>()
            .join("  |  ");
        extras.push(text(
            classes!("partition-caption"),
            12.0,
            24.0,
            format!("✂ Partitioned: {text_groups}"),
        ));
    }
    html! {
        <div class="cluster-wrap">
            <div class="cluster-box" {onclick}>
                <svg class="cluster" viewBox={format!("0 0 {} {}", px(WIDTH), px(HEIGHT))} role="group"
                     aria-label={p.label.clone()}>
                    <Backdrop {n} {clients} held={scene.held.clone()} groups={split.then(|| group_of.clone())} cut={scene.cut.clone()} />
                    if let Some(v) = &scene.violation {
                        { violation_marks(v, n) }
                    }
                    <g class="nodes">
                        { for scene.nodes.iter().cloned().enumerate().map(|(i, mut node)| {
                            // The canvas draws the draining part: while time moves, the glyph's
                            // props stay equal from frame to frame and Yew skips it.
                            if p.live {
                                if let Some(c) = &mut node.countdown {
                                    c.remaining = 0.0;
                                    c.left = 0;
                                }
                            }
                            let split_group = p.split.as_ref().and_then(|s| s.get(i).copied());
                            let selected = p.selected_node == Some(node.id);
                            let group = split.then(|| group_of[i]);
                            html! {
                                <NodeGlyph key={i} {selected} pos={node_pos(i, n)} {node} {split_group} {group} live={p.live} onclick={p.on_node.clone()} onpick={onpick.clone()} />
                            }
                        }) }
                    </g>
                    <g class="extras">{ for extras }</g>
                </svg>
                <canvas class="msg-canvas" ref={canvas} aria-hidden="true" data-messages={drawn.len().to_string()}
                        data-rings={ring_labels}></canvas>
                if !p.live {
                    <div class="msg-hits">
                        { for scene.messages.iter().zip(&drawn).map(|(m, d)| msg_target(m, d, (p.selected_msg == Some(m.id), p.highlight == Some(m.id)), &p.on_message)) }
                    </div>
                }
                { p.overlay.clone() }
            </div>
            if let Some(v) = &scene.violation {
                { why_caption(v) }
            }
        </div>
    }
}

/// The violation in words under the picture, keyed to the halos by A/B swatches.
fn why_caption(v: &ViolationView) -> Html {
    // Which caption lines describe quorum (or range) A and B.
    let (a, b) = match v.invariant {
        Invariant::Agreement if v.quorums.len() >= 2 => (1, 2),
        Invariant::LearnedChosen if !v.quorums.is_empty() => (1, 2),
        Invariant::UniqueTimestamps | Invariant::RealTimeOrder if v.ranges.len() >= 2 => (0, 1),
        _ => (usize::MAX, usize::MAX),
    };
    html! {
        <section class="why" aria-label="Why safety broke" id="why">
            <strong>{ format!("Why {} broke", v.invariant.name()) }</strong>
            <ul>
                { for v.lines.iter().enumerate().map(|(i, line)| html! {
                    <li>
                        if i == a {
                            <span class="swatch qa" aria-hidden="true"></span>
                        } else if i == b {
                            <span class="swatch qb" aria-hidden="true"></span>
                        }
                        { line.clone() }
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// One ring of the legend: the timer's class and what it means.
const LEGEND_RINGS: [(&str, &str); 4] = [
    ("backoff", "random wait before proposing"),
    (
        "ping-timeout",
        "ping timeout: time left to hear from the leader",
    ),
    ("leadership-proposal-timeout", "proposal timeout"),
    ("election-check-timeout", "catch-up / check timeout"),
];

/// The role icons of the legend.
const LEGEND_ROLES: [(&str, &str); 7] = [
    ("★", "leader"),
    ("✓", "follower"),
    ("?", "suspecting"),
    ("◔", "waiting"),
    ("⚑", "proposing"),
    ("⚖", "checking"),
    ("✕", "crashed"),
];

#[derive(Properties, PartialEq)]
struct LegendProps {
    nodes: usize,
}

/// What the shapes and colours mean, in one compact block under the picture. A component
/// with the cluster size as its only prop, so Yew skips it on every frame.
#[component]
fn Legend(p: &LegendProps) -> Html {
    let nodes = p.nodes;
    html! {
        <details class="legend" open={true} aria-label="Legend">
            <summary>{ "Legend" }</summary>
            <div class="legend-row">
                <span class="legend-head">{ "Roles" }</span>
                { for LEGEND_ROLES.iter().map(|(icon, name)| html! { <span><i>{ *icon }</i>{ *name }</span> }) }
            </div>
            <div class="legend-row">
                <span class="legend-head">{ "Rings" }</span>
                { for LEGEND_RINGS.iter().map(|(class, words)| html! {
                    <span class={classes!("lg-ring", *class)}><i></i>{ *words }</span>
                }) }
            </div>
            <div class="legend-row">
                <span class="legend-head">{ "Messages" }</span>
                <span>{ "colour = whose ballot:" }</span>
                { for (0..nodes).map(NodeId::from_index).map(|id| html! {
                    <span class="lg-owner" style={format!("--owner:{}", node_color(id))}>{ id.to_string() }</span>
                }) }
                <span class="lg-owner" style="--owner:#8a8f98">{ "no ballot" }</span>
                <span>{ "✕ dropped" }</span>
                <span>{ "×2 duplicate (tied to its original)" }</span>
                <span>{ "✂ you asked to drop it" }</span>
            </div>
        </details>
    }
}

/// A point of the drawing as `left`/`top` in percent of the picture's box.
fn at_percent((x, y): (f64, f64)) -> String {
    format!(
        "left:{}%;top:{}%",
        frac(x / WIDTH * 100.0, 2),
        frac(y / HEIGHT * 100.0, 2)
    )
}

/// Actions on the selected node (or the selected travelling message) next to it on the
/// picture, so acting on something needs no trip to the controls below the page's fold.
fn context_toolbar(store: &super::store::LabHandle, scene: &Scene) -> Option<Html> {
    let lab = store.lab();
    let n = scene.nodes.len();
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    let act = |a: LabAction| store.send::<MouseEvent>(a);
    if let Some(id) = lab.selected_msg {
        let m = scene
            .messages
            .iter()
            .find(|m| m.id == id && m.dropped.is_none())?;
        let (a, b) = (
            addr_pos(m.from, n, scene.clients),
            addr_pos(m.to, n, scene.clients),
        );
        let (x, y) = along(a, b, m.progress);
        return Some(html! {
            <div class="context-toolbar" role="toolbar" aria-label={format!("Message #{id}")}
                 style={at_percent((x, y + 16.0))} onclick={stop}>
                <button type="button" id="ctx-drop" class="danger" onclick={act(LabAction::DropSelected)}>
                    { format!("Drop #{id}") }
                </button>
                <button type="button" class="close" aria-label="Close the message actions"
                        onclick={act(LabAction::SelectMessage(None))}>{ "×" }</button>
            </div>
        });
    }
    let node = lab.selected_node.and_then(|id| {
        let i = id.index();
        scene.nodes.get(i).map(|v| (v, node_pos(i, n)))
    })?;
    let (v, (x, y)) = node;
    let id = v.id;
    let down = v.role == Role::Crashed;
    // Beside the node, on the side away from the ring's centre (where the edges run).
    let right = x >= CENTER.0;
    let side = if right { "right" } else { "left" };
    let x = if right {
        x + NODE_R + 14.0
    } else {
        x - NODE_R - 14.0
    };
    Some(html! {
        <div class={classes!("context-toolbar", side)} role="toolbar" aria-label={format!("Actions on {id}")}
             style={at_percent((x, y - 24.0))} data-node={id.0.to_string()} onclick={stop}>
            if down {
                <button type="button" id="ctx-restart" class="restart" onclick={act(LabAction::Intervene(crate::lab::Action::Restart(id)))}>
                    { format!("Restart {id}") }
                </button>
            } else {
                <button type="button" id="ctx-crash" class="danger" onclick={act(LabAction::Intervene(crate::lab::Action::Crash(id)))}>
                    { format!("Crash {id}") }
                </button>
                <button type="button" id="ctx-isolate" onclick={act(LabAction::Isolate(id))}
                        title={format!("Cut {id} off from every other node")}>{ format!("Isolate {id}") }</button>
                <button type="button" id="ctx-ask" onclick={act(LabAction::Intervene(crate::lab::Action::ClientRequest { node: id, count: 5 }))}
                        title={format!("A one-off client asks {id} for 5 timestamps")}>{ "Ask for timestamps" }</button>
            }
            <button type="button" class="close" aria-label={format!("Close the actions on {id}")}
                    onclick={act(LabAction::SelectNode(None))}>{ "×" }</button>
        </div>
    })
}

/// While the partition editor is open: what to do, and its two buttons, on the picture the
/// clicks go to.
fn split_bar(store: &super::store::LabHandle, split: &[u8]) -> Html {
    let count = |g: u8| split.iter().filter(|&&x| x == g).count();
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="split-bar" role="group" aria-label="Split the network" onclick={stop}>
            <span id="split-hint">{ format!(
                "Click nodes to move them between the two groups (blue {} | red {}), then cut the network.",
                count(1), count(2)
            ) }</span>
            <button type="button" id="apply-split" class="primary" onclick={store.send(LabAction::ApplySplit)}>{ "Cut the network" }</button>
            <button type="button" id="cancel-split" onclick={store.send(LabAction::CancelSplit)}>{ "Cancel" }</button>
        </div>
    }
}

/// The main cluster picture, drawn from the lab, with its legend.
#[component]
pub fn ClusterView() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let splitting = lab.split.is_some();
    let on_node = store.callback(move |id: NodeId| {
        Some(if splitting {
            LabAction::ToggleSplit(id)
        } else {
            LabAction::SelectNode(Some(id))
        })
    });
    let on_message = store.callback(|id: u64| Some(LabAction::SelectMessage(Some(id))));
    let on_background = store.send(LabAction::SelectMessage(None));
    let scene = Scene::of(&lab.run);
    let overlay = match &lab.split {
        Some(split) => split_bar(&store, split),
        None => context_toolbar(&store, &scene).unwrap_or_default(),
    };
    html! {
        <>
            <Picture {scene} live={lab.playing} selected_node={lab.selected_node} selected_msg={lab.selected_msg}
                     highlight={lab.highlight} split={lab.split.clone()} {on_node} {on_message} {on_background} {overlay} />
            <Legend nodes={lab.run.config().protocol.nodes as usize} />
        </>
    }
}

//! The cluster view: nodes on a ring, clients below, messages travelling along the edges at
//! their virtual-time position, coloured by their ballot's owner.

use yew::prelude::*;

use super::format::{frac, node_color, owner_color, px};
use super::store::use_lab;
use crate::engine::{Address, NodeId, Role};
use crate::lab::LabAction;
use crate::sim::view::{self, MessageView, NodeView};
use crate::sim::Run;

/// SVG coordinate box.
pub const WIDTH: f64 = 1000.0;
/// SVG coordinate box.
pub const HEIGHT: f64 = 760.0;
const CENTER: (f64, f64) = (500.0, 340.0);
const RADIUS: f64 = 255.0;
const NODE_R: f64 = 46.0;

/// Where node `i` of `n` sits on the ring (node 1 at the top, clockwise).
pub fn node_pos(i: usize, n: usize) -> (f64, f64) {
    let a = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
    (CENTER.0 + RADIUS * a.cos(), CENTER.1 + RADIUS * a.sin())
}

/// Where client `c` of `m` sits, in a row under the ring.
pub fn client_pos(c: usize, m: usize) -> (f64, f64) {
    let span = 560.0_f64.min(110.0 * m as f64);
    let x = CENTER.0 - span / 2.0 + span * (c as f64 + 0.5) / m.max(1) as f64;
    (x, HEIGHT - 40.0)
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

fn role_class(r: Role) -> &'static str {
    match r {
        Role::Crashed => "crashed",
        Role::Leader => "leader",
        Role::Follower => "follower",
        Role::Suspecting => "suspecting",
        Role::Waiting => "waiting",
        Role::Proposing => "proposing",
        Role::Checking => "checking",
    }
}

/// Point on the segment from `a` to `b`, trimmed by the node radius at both ends and offset
/// sideways so the two directions of one edge do not overlap.
fn along(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let trim = (NODE_R + 8.0).min(len / 3.0);
    let start = (a.0 + ux * trim, a.1 + uy * trim);
    let end = (b.0 - ux * trim, b.1 - uy * trim);
    let off = 9.0;
    (
        start.0 + (end.0 - start.0) * t - uy * off,
        start.1 + (end.1 - start.1) * t + ux * off,
    )
}

fn countdown_arc(cx: f64, cy: f64, r: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 0.9999);
    let a0 = -std::f64::consts::FRAC_PI_2;
    let a1 = a0 + f * std::f64::consts::TAU;
    let (x0, y0) = (cx + r * a0.cos(), cy + r * a0.sin());
    let (x1, y1) = (cx + r * a1.cos(), cy + r * a1.sin());
    let large = if f > 0.5 { 1 } else { 0 };
    format!(
        "M {} {} A {} {} 0 {large} 1 {} {}",
        px(x0),
        px(y0),
        px(r),
        px(r),
        px(x1),
        px(y1)
    )
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    node: NodeView,
    pos: (f64, f64),
    selected: bool,
    split_group: Option<u8>,
    onclick: Callback<NodeId>,
}

#[component]
fn NodeGlyph(p: &NodeProps) -> Html {
    let n = &p.node;
    let (x, y) = p.pos;
    let id = n.id;
    let onclick = {
        let cb = p.onclick.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let onkeydown = {
        let cb = p.onclick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                cb.emit(id)
            }
        })
    };
    let leads = n.role == Role::Leader;
    let label = format!(
        "{}, incarnation {}, {}{}",
        n.id,
        n.incarnation,
        n.role.name(),
        n.round
            .map_or(String::new(), |r| format!(", leadership round {r}"))
    );
    let ring = n.countdown.map(|c| {
        let class = format!("countdown {}", c.kind.name());
        html! {
            <path class={class} d={countdown_arc(x, y, NODE_R + 7.0, c.remaining)}>
                <title>{ format!("{}: {} left", c.kind.name(), super::format::dur(c.left)) }</title>
            </path>
        }
    });
    let mut class = classes!("node", role_class(n.role));
    if p.selected {
        class.push("selected");
    }
    if let Some(g) = p.split_group {
        class.push(if g == 1 { "split-a" } else { "split-b" });
    }
    html! {
        <g class={class} role="button" tabindex="0" aria-label={label.clone()}
           data-node={n.id.0.to_string()} data-role={n.role.name()} {onclick} {onkeydown}>
            <title>{ label }</title>
            <circle class="body" cx={px(x)} cy={px(y)} r={px(NODE_R)}
                    style={format!("--owner: {}", node_color(n.id))} />
            { for ring }
            <text class="name" x={px(x)} y={px(y - 4.0)}>{ n.id.to_string() }</text>
            <text class="sub" x={px(x)} y={px(y + 16.0)}>
                { format!("#{} · {}", n.incarnation, n.role.name()) }
            </text>
            <text class="round" x={px(x)} y={px(y + 30.0)}>
                { n.round.map_or("no leader known".into(), |r| format!("round {r}")) }
            </text>
            if leads {
                <text class="crown" x={px(x)} y={px(y - NODE_R - 14.0)}>{ "★ leader" }</text>
            }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct MsgProps {
    m: MessageView,
    pos: (f64, f64),
    selected: bool,
    highlighted: bool,
    onclick: Callback<u64>,
}

#[component]
fn MessageDot(p: &MsgProps) -> Html {
    let m = &p.m;
    let (x, y) = p.pos;
    let id = m.id;
    let onclick = {
        let cb = p.onclick.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(id)
        })
    };
    let mut class = classes!("msg");
    if m.dropped.is_some() {
        class.push("dropped");
    }
    if m.dup_of.is_some() {
        class.push("duplicate");
    }
    if m.doomed {
        class.push("doomed");
    }
    if p.selected {
        class.push("selected");
    }
    if p.highlighted {
        class.push("highlighted");
    }
    let opacity = match m.dropped {
        Some((_, ago)) => (1.0 - ago as f64 / 600_000.0).clamp(0.15, 1.0),
        None => 1.0,
    };
    let label = short_label(m.msg.type_name());
    let w = 12.0 + 6.6 * label.chars().count() as f64;
    let title = format!(
        "#{} {} {} → {}{}",
        m.id,
        m.msg.type_name(),
        m.from,
        m.to,
        m.msg
            .ballot()
            .map_or(String::new(), |b| format!(" ballot {b}"))
    );
    html! {
        <g {class} transform={format!("translate({} {})", px(x), px(y))} opacity={frac(opacity, 2)}
           data-msg={m.id.to_string()} data-type={m.msg.type_name()} {onclick}>
            <title>{ title }</title>
            <rect x={px(-w / 2.0)} y="-10" width={px(w)} height="20" rx="10"
                  style={format!("--owner: {}", owner_color(m.owner))} />
            <text y="4">{ label }</text>
            if m.dropped.is_some() {
                <text class="cross" y="4">{ "✕" }</text>
            }
            if m.dup_of.is_some() {
                <text class="dup-badge" x={px(w / 2.0 + 2.0)} y="-8">{ "×2" }</text>
            }
        </g>
    }
}

/// Everything one cluster picture shows, computed from a run at its cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Nodes with roles and countdowns.
    pub nodes: Vec<NodeView>,
    /// Messages in flight and recently dropped.
    pub messages: Vec<MessageView>,
    /// Number of clients (drawn under the ring).
    pub clients: usize,
    /// Node pairs that cannot talk (partition).
    pub cut: Vec<(NodeId, NodeId)>,
}

impl Scene {
    /// The scene of `run` at its cursor.
    pub fn of(run: &Run) -> Scene {
        let nodes = view::nodes(run);
        let mut messages = view::in_flight(run);
        messages.extend(view::recent_drops(run, 600_000));
        let w = run.world();
        let n = nodes.len();
        let mut cut = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (NodeId::from_index(i), NodeId::from_index(j));
                if !w.connected(a, b) {
                    cut.push((a, b));
                }
            }
        }
        Scene {
            nodes,
            messages,
            clients: w.clients.len(),
            cut,
        }
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
    let clear = {
        let cb = p.on_background.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (node_pos(i, n), node_pos(j, n));
            let cut = scene
                .cut
                .contains(&(NodeId::from_index(i), NodeId::from_index(j)));
            edges.push(html! {
                <line class={if cut { "edge cut" } else { "edge" }}
                      x1={px(a.0)} y1={px(a.1)}
                      x2={px(b.0)} y2={px(b.1)} />
            });
        }
    }
    html! {
        <svg class="cluster" viewBox={format!("0 0 {} {}", px(WIDTH), px(HEIGHT))} role="img"
             aria-label={p.label.clone()} onclick={clear}>
            <g class="edges">{ for edges }</g>
            <g class="clients">
                { for (0..clients).map(|c| {
                    let (x, y) = client_pos(c, clients);
                    html! {
                        <g class="client" aria-label={format!("client C{c}")}>
                            <rect x={px(x - 20.0)} y={px(y - 14.0)} width="40" height="28" rx="5" />
                            <text x={px(x)} y={px(y + 5.0)}>{ format!("C{c}") }</text>
                        </g>
                    }
                }) }
            </g>
            <g class="nodes">
                { for scene.nodes.iter().cloned().enumerate().map(|(i, node)| {
                    let split_group = p.split.as_ref().and_then(|s| s.get(i).copied());
                    let selected = p.selected_node == Some(node.id);
                    html! {
                        <NodeGlyph key={i} {selected} pos={node_pos(i, n)} {node} {split_group} onclick={p.on_node.clone()} />
                    }
                }) }
            </g>
            <g class="messages">
                { for scene.messages.iter().cloned().map(|m| {
                    let a = addr_pos(m.from, n, clients);
                    let b = addr_pos(m.to, n, clients);
                    let pos = along(a, b, m.progress);
                    let id = m.id;
                    html! {
                        <MessageDot key={id} selected={p.selected_msg == Some(id)}
                                    highlighted={p.highlight == Some(id)}
                                    {pos} {m} onclick={p.on_message.clone()} />
                    }
                }) }
            </g>
        </svg>
    }
}

/// The main cluster picture, drawn from the lab.
#[component]
pub fn ClusterView() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let on_node = {
        let d = store.dispatcher();
        let splitting = lab.split.is_some();
        Callback::from(move |id: NodeId| {
            d.dispatch(if splitting {
                LabAction::ToggleSplit(id)
            } else {
                LabAction::SelectNode(Some(id))
            })
        })
    };
    let on_message = {
        let d = store.dispatcher();
        Callback::from(move |id: u64| d.dispatch(LabAction::SelectMessage(Some(id))))
    };
    let on_background = {
        let d = store.dispatcher();
        Callback::from(move |_: ()| d.dispatch(LabAction::SelectMessage(None)))
    };
    html! {
        <Picture scene={Scene::of(&lab.run)} selected_node={lab.selected_node} selected_msg={lab.selected_msg}
                 highlight={lab.highlight} split={lab.split.clone()} {on_node} {on_message} {on_background} />
    }
}

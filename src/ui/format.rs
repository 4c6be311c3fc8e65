//! Small display helpers shared by the views: times, numbers, colours, names.
//!
//! Views must not format or parse `f64` with `{}`/`parse` (that pulls Rust's float
//! formatting into the wasm bundle): use [`px`], [`frac`] and [`crate::lab::units`].

use crate::lab::{units, Address, Ballot, LeaderId, NodeId, Time, Value};

pub use crate::lab::units::secs;

/// A duration for labels: "850 ms", "2.4 s", "120 µs".
pub fn dur(t: Time) -> String {
    if t < 1_000 {
        format!("{t} µs")
    } else if t < 10_000_000 {
        format!("{} ms", units::fixed(i128::from(t), 3, 0))
    } else {
        format!("{} s", units::fixed(i128::from(t), 6, 1))
    }
}

/// An SVG coordinate, to a tenth of a pixel.
pub fn px(x: f64) -> String {
    units::short((x * 10.0).round() as i128, 1)
}

/// A fraction or percentage with `decimals` digits (for opacity, widths in %).
pub fn frac(x: f64, decimals: u32) -> String {
    units::fixed(
        (x * 10f64.powi(decimals as i32)).round() as i128,
        decimals,
        decimals,
    )
}

/// One colour per node (ballot owner), distinguishable and readable on light and dark.
pub fn node_color(n: NodeId) -> &'static str {
    const PALETTE: [&str; 9] = [
        "#e4572e", "#2e86de", "#17a673", "#9b59b6", "#e1a100", "#d6336c", "#0fb5ba", "#6c757d",
        "#8d6e63",
    ];
    PALETTE[n.index() % PALETTE.len()]
}

/// Colour of a message: its ballot's owner, or grey.
pub fn owner_color(owner: Option<NodeId>) -> &'static str {
    owner.map_or("#8a8f98", node_color)
}

/// "N3" or "C1".
pub fn addr(a: Address) -> String {
    a.to_string()
}

/// A ballot as the trace writes it: (number,node,incarnation).
pub fn ballot(b: Ballot) -> String {
    b.to_string()
}

/// "N2#0".
pub fn leader(l: LeaderId) -> String {
    l.to_string()
}

/// A value in a few words.
pub fn value(v: Value) -> String {
    match v {
        Value::Leader(l) => format!("leader {}", leader(l)),
        Value::Bound { bound, owner } => format!("bound {bound} ({})", owner.leader.node),
    }
}

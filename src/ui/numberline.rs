//! The timestamp number line, running down the panel: the bounds Paxos agreed as fences, the
//! ranges each leader handed out, the current leader's counter, and the reserved timestamps a
//! failover skips — the reason timestamps never go backwards. The axis is broken at every
//! fence (one equal band per agreed bound), so a buffer of 100 and one of 1,000,000 both read.

use yew::prelude::*;

use super::format::{node_color, px};
use super::store::use_lab;
use crate::lab::view::{self, Band};

const W: f64 = 460.0;
/// Left edge of the axis bar.
const AX: f64 = 112.0;
const BAR: f64 = 16.0;
const TOP: f64 = 16.0;
const LABEL_X: f64 = AX + BAR + 24.0;
const LINE: f64 = 13.0;
/// Bands kept unfolded at the end, and at most this many bands in all.
const KEEP: usize = 5;
const MAX_BANDS: usize = 10;

/// A note to the right of the axis, pushed down if it would overlap the previous one.
struct Note {
    y: f64,
    lines: Vec<String>,
    class: &'static str,
    color: Option<&'static str>,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn range_words(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

/// A coordinate rounded to a whole pixel (the picture needs no finer).
fn ip(x: f64) -> i32 {
    x.round() as i32
}

/// One fence: the bound that closes band `b`, spanning `y_lo`..`y_hi` on screen.
fn fence(b: &Band, y_lo: f64, y_hi: f64) -> Html {
    let color = b.owner.map_or("var(--muted)", node_color);
    let name = match b.seqs {
        Some((a, z)) if a != z => format!("seq {a}–{z}"),
        Some((a, _)) => format!("seq {a}"),
        None => "above every bound".into(),
    };
    let owner = b.owner.map_or(String::new(), |o| format!(" · {o}"));
    let folded = if b.folded() {
        " (quiet bounds folded together)"
    } else {
        ""
    };
    let (y, lx) = (ip(y_hi), ip(AX - 16.0));
    html! {
        <g class={classes!("fence", b.seqs.is_none().then_some("unbounded"))} style={format!("--c: {color}")}>
            <title>{ format!("{name}: Paxos agreed the bound {}{folded}", b.hi) }</title>
            <line x1={ip(AX - 12.0).to_string()} y1={y.to_string()} x2={ip(AX + BAR + 6.0).to_string()} y2={y.to_string()} />
            <text class="value" x={lx.to_string()} y={ip(y_hi - 2.0).to_string()}>{ b.hi }</text>
            <text class="seq" x={lx.to_string()} y={ip(y_hi + 10.0).to_string()}>{ format!("{name}{owner}") }</text>
            if b.folded() {
                <text class="fold" x={ip(AX + BAR / 2.0).to_string()} y={ip((y_lo + y_hi) / 2.0 + 4.0).to_string()}>{ "≈" }</text>
            }
        </g>
    }
}

/// The picture, a one-line summary above it and the lesson under it.
#[component]
pub fn NumberLine() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let run = &lab.run;
    let nl = view::number_line(run);
    let bands = view::bands(&nl, KEEP, MAX_BANDS);
    if bands.is_empty() {
        let why = if lab.clients() == 0 {
            "No client asks for timestamps in this run, so no bound is ever agreed. Add clients under Settings to see the number line."
        } else {
            "No timestamps yet: the first leader agrees a bound with Paxos when the first client request reaches it."
        };
        return html! { <div class="numberline"><p class="hint">{ why }</p></div> };
    }
    let band_h = (360.0 / bands.len() as f64).clamp(40.0, 90.0);
    let y = |v: u64| TOP + view::position(&bands, v) * band_h;
    // A range [a, b] covers (a−1, b] on the axis; keep even one timestamp visible.
    let span = |a: u64, b: u64| {
        let (y1, y2) = (y(a.saturating_sub(1)), y(b));
        (y1, (y2 - y1).max(2.0))
    };
    let axis_end = TOP + bands.len() as f64 * band_h;

    let mut svg: Vec<Html> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    svg.push(html! {
        <>
            <rect class="axis" x={ip(AX).to_string()} y={ip(TOP).to_string()} width={ip(BAR).to_string()} height={ip(axis_end - TOP).to_string()} />
            <text class="zero" x={ip(AX - 16.0).to_string()} y={ip(TOP + 4.0).to_string()}>{ "0" }</text>
        </>
    });
    // Ranges: handed out, skipped, the leader's reservation and counter, conflicts.
    let rect = |svg: &mut Vec<Html>,
                class: &'static str,
                x: f64,
                w: f64,
                (a, b): (u64, u64),
                (style, node): (Option<String>, Option<String>),
                title: &str| {
        let (y1, h) = span(a, b);
        svg.push(html! {
            <rect class={class} x={ip(x).to_string()} y={ip(y1).to_string()} width={ip(w).to_string()} height={ip(h).to_string()} {style} data-node={node}>
                <title>{ title.to_string() }</title>
            </rect>
        });
        y1 + h / 2.0
    };
    for r in &nl.served {
        let words = format!("{} handed out {}", r.node, range_words(r.first, r.last));
        let color = node_color(r.node);
        let attrs = (Some(format!("fill: {color}")), Some(r.node.0.to_string()));
        let mid = rect(
            &mut svg,
            "served",
            AX,
            BAR,
            (r.first, r.last),
            attrs,
            &words,
        );
        notes.push(Note {
            y: mid,
            lines: vec![words],
            class: "served",
            color: Some(color),
        });
    }
    for s in &nl.skipped {
        let who = s.owner.map_or("nobody".into(), |o| o.to_string());
        let words = format!("reserved by {who}, never handed out: skipped");
        let range = range_words(s.first, s.last);
        let title = format!("{range}: {words}");
        let mid = rect(
            &mut svg,
            "skipped",
            AX,
            BAR,
            (s.first, s.last),
            (None, None),
            &title,
        );
        notes.push(Note {
            y: mid,
            lines: vec![range, words],
            class: "skipped",
            color: None,
        });
    }
    // The highest bound's headroom: the leader's to hand out, or the next leader's to skip.
    if let Some(p) = nl.pending {
        let owner = p.owner.map_or("nobody".into(), |o| o.to_string());
        let color = p.owner.map_or("var(--muted)", node_color);
        let range = range_words(p.first, p.last);
        let serving = nl.leader.filter(|l| Some(l.0) == p.owner).is_some();
        let title = format!("{range} reserved by {owner}, not handed out yet");
        let style = Some(format!("--c: {color}"));
        let mid = rect(
            &mut svg,
            "reserved",
            AX + 1.0,
            BAR - 2.0,
            (p.first, p.last),
            (style, None),
            &title,
        );
        if !serving {
            notes.push(Note {
                y: mid,
                lines: vec![
                    range,
                    format!("reserved by {owner}, not handed out:"),
                    "skipped if another leader takes over".into(),
                ],
                class: "pending",
                color: None,
            });
        }
    }
    if let Some((n, counter, limit)) = nl.leader {
        let yc = y(counter);
        let color = node_color(n);
        svg.push(html! {
            <path class="counter" style={format!("--c: {color}")} d={format!("M{} {}l9 -6v12z", ip(AX + BAR + 1.0), ip(yc))}>
                <title>{ format!("{n}'s counter: the last timestamp it handed out is {counter}") }</title>
            </path>
        });
        notes.push(Note {
            y: yc,
            lines: vec![format!("◀ {n}'s counter: {counter} (limit {limit})")],
            class: "counter",
            color: Some(color),
        });
    }
    // Fences on top of the ranges they close.
    for b in &bands {
        svg.push(fence(b, y(b.lo), y(b.hi)));
    }
    // Conflicting ranges side by side, one column each.
    for (i, c) in nl.conflicts.iter().enumerate() {
        let r = c.range;
        let words = format!(
            "✗ {} handed out {} ({})",
            r.node,
            range_words(r.first, r.last),
            c.invariant.name()
        );
        let x = AX + BAR + 2.0 + 7.0 * (i % 3) as f64;
        let mid = rect(
            &mut svg,
            "conflict",
            x,
            5.0,
            (r.first, r.last),
            (None, None),
            &words,
        );
        notes.push(Note {
            y: mid,
            lines: vec![words],
            class: "conflict",
            color: None,
        });
    }

    // Lay the notes out top to bottom without overlaps, joined to their spot by a thin line.
    notes.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut bottom = 0.0f64;
    for n in &notes {
        let top = (n.y - LINE / 2.0).max(bottom + 2.0).max(2.0);
        bottom = top + LINE * n.lines.len() as f64;
        svg.push(html! {
            <g class={classes!("note", n.class)} style={n.color.map(|c| format!("--c: {c}"))}>
                <line x1={ip(AX + BAR + 24.0 - 14.0).to_string()} y1={ip(n.y).to_string()}
                      x2={ip(LABEL_X - 3.0).to_string()} y2={ip(top + LINE / 2.0).to_string()} />
                { for n.lines.iter().enumerate().map(|(i, l)| html! {
                    <text x={ip(LABEL_X).to_string()} y={ip(top + 10.0 + LINE * i as f64).to_string()}>{ l.clone() }</text>
                }) }
            </g>
        });
    }
    let height = axis_end.max(bottom) + 16.0;

    let handed: u64 = nl.served.iter().map(|r| r.last - r.first + 1).sum();
    let lost: u64 = nl.skipped.iter().map(|s| s.last - s.first + 1).sum();
    html! {
        <div class="numberline">
            <p class="nl-summary">
                { format!("{} agreed · {handed} timestamps handed out · {lost} skipped", plural(nl.bounds.len(), "bound")) }
            </p>
            <svg class="nl" viewBox={format!("0 0 {} {}", px(W), px(height))} role="img"
                 aria-label={format!("Timestamp number line: {} agreed, {handed} timestamps handed out, {lost} skipped", plural(nl.bounds.len(), "bound"))}>
                <defs>
                    <pattern id="nl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="6" />
                    </pattern>
                </defs>
                { for svg }
            </svg>
            <p class="legend">
                <span class="k-served">{ "■ handed out (colour = leader)" }</span>
                <span class="k-skipped">{ "▨ skipped" }</span>
                <span class="k-reserved">{ "┆ reserved, not yet handed out" }</span>
                <span>{ "— fence: a bound Paxos agreed (colour = the leader that proposed it); ≈ quiet bounds folded" }</span>
            </p>
            if !nl.conflicts.is_empty() {
                <p class="nl-violation">{ "Red: ranges a timestamp invariant names — handed out twice, or smaller than one a client already had." }</p>
            }
            <p class="nl-why">
                { "Timestamps never go backwards across leaders: a leader hands out nothing above a bound Paxos agreed, and a new leader starts counting at the highest agreed bound — above anything an old leader could have handed out — so the old leader's unused reservation is simply skipped." }
            </p>
        </div>
    }
}

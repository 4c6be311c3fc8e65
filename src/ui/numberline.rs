//! The timestamp number line, running down the panel: the bounds Paxos agreed as fences, the
//! ranges each leader handed out, the current leader's counter, and the reserved timestamps a
//! failover skips — the reason timestamps never go backwards. The axis is broken at every
//! fence (one equal band per agreed bound), so a buffer of 100 and one of 1,000,000 both read.

use std::fmt::Write;

use yew::prelude::*;

use super::format::{escape, node_color, px};
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

/// A coordinate rounded to a whole pixel: formatting an integer costs far less wasm than
/// [`px`]'s decimal string.
fn ip(x: f64) -> i32 {
    x.round() as i32
}

/// One fence: the bound that closes band `b`, spanning `y_lo`..`y_hi` on screen.
fn fence(svg: &mut String, b: &Band, y_lo: f64, y_hi: f64) {
    let color = b.owner.map_or("var(--muted)", node_color);
    let name = match b.seqs {
        Some((a, z)) if a != z => format!("seq {a}–{z}"),
        Some((a, _)) => format!("seq {a}"),
        None => "above every bound".into(),
    };
    let owner = b.owner.map_or(String::new(), |o| format!(" · {o}"));
    let _ = write!(
        svg,
        r#"<g class="fence{}" style="--c: {color}"><title>{name}: Paxos agreed the bound {}{}</title><line x1="{}" y1="{y}" x2="{}" y2="{y}"/><text class="value" x="{lx}" y="{}">{}</text><text class="seq" x="{lx}" y="{}">{name}{owner}</text>"#,
        if b.seqs.is_none() { " unbounded" } else { "" },
        b.hi,
        if b.folded() {
            " (quiet bounds folded together)"
        } else {
            ""
        },
        ip(AX - 12.0),
        ip(AX + BAR + 6.0),
        ip(y_hi - 2.0),
        b.hi,
        ip(y_hi + 10.0),
        y = ip(y_hi),
        lx = ip(AX - 16.0),
    );
    if b.folded() {
        let _ = write!(
            svg,
            r#"<text class="fold" x="{}" y="{}">≈</text>"#,
            ip(AX + BAR / 2.0),
            ip((y_lo + y_hi) / 2.0 + 4.0)
        );
    }
    svg.push_str("</g>");
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
        let why = if run.world().clients.is_empty() {
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

    let mut svg = String::with_capacity(4096);
    let mut notes: Vec<Note> = Vec::new();
    // `write!` into a String cannot fail.
    let _ = write!(
        svg,
        r#"<rect class="axis" x="{}" y="{}" width="{}" height="{}"/><text class="zero" x="{}" y="{}">0</text>"#,
        ip(AX),
        ip(TOP),
        ip(BAR),
        ip(axis_end - TOP),
        ip(AX - 16.0),
        ip(TOP + 4.0)
    );
    // Ranges: handed out, skipped, the leader's reservation and counter, conflicts.
    let rect = |svg: &mut String,
                class: &str,
                x: f64,
                w: f64,
                a: u64,
                b: u64,
                extra: &str,
                title: &str| {
        let (y1, h) = span(a, b);
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}"{extra}><title>{}</title></rect>"#,
            ip(x),
            ip(y1),
            ip(w),
            ip(h),
            escape(title)
        );
        y1 + h / 2.0
    };
    for r in &nl.served {
        let words = format!("{} handed out {}", r.node, range_words(r.first, r.last));
        let color = node_color(r.node);
        let extra = format!(r#" style="fill: {color}" data-node="{}""#, r.node.0);
        let mid = rect(&mut svg, "served", AX, BAR, r.first, r.last, &extra, &words);
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
        let mid = rect(&mut svg, "skipped", AX, BAR, s.first, s.last, "", &title);
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
        let extra = format!(r#" style="--c: {color}""#);
        let mid = rect(
            &mut svg,
            "reserved",
            AX + 1.0,
            BAR - 2.0,
            p.first,
            p.last,
            &extra,
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
        let _ = write!(
            svg,
            r#"<path class="counter" style="--c: {color}" d="M{} {}l9 -6v12z"><title>{n}'s counter: the last timestamp it handed out is {counter}</title></path>"#,
            ip(AX + BAR + 1.0),
            ip(yc)
        );
        notes.push(Note {
            y: yc,
            lines: vec![format!("◀ {n}'s counter: {counter} (limit {limit})")],
            class: "counter",
            color: Some(color),
        });
    }
    // Fences on top of the ranges they close.
    for b in &bands {
        fence(&mut svg, b, y(b.lo), y(b.hi));
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
        let mid = rect(&mut svg, "conflict", x, 5.0, r.first, r.last, "", &words);
        notes.push(Note {
            y: mid,
            lines: vec![words],
            class: "conflict",
            color: None,
        });
    }

    // Lay the notes out top to bottom without overlaps, joined to their spot by a thin line.
    // (Insertion sort: a handful of notes, and no sort routine added to the bundle.)
    for i in 1..notes.len() {
        let mut j = i;
        while j > 0 && notes[j - 1].y > notes[j].y {
            notes.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut bottom = 0.0f64;
    for n in &notes {
        let top = (n.y - LINE / 2.0).max(bottom + 2.0).max(2.0);
        bottom = top + LINE * n.lines.len() as f64;
        let style = n
            .color
            .map_or(String::new(), |c| format!(r#" style="--c: {c}""#));
        let _ = write!(
            svg,
            r#"<g class="note {}"{style}><line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n.class,
            ip(AX + BAR + 24.0 - 14.0),
            ip(n.y),
            ip(LABEL_X - 3.0),
            ip(top + LINE / 2.0)
        );
        for (i, l) in n.lines.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}">{}</text>"#,
                ip(LABEL_X),
                ip(top + 10.0 + LINE * i as f64),
                escape(l)
            );
        }
        svg.push_str("</g>");
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
                { Html::from_html_unchecked(svg.into()) }
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

//! The event log: every event up to the cursor in plain words, newest at the bottom, the
//! cursor's own step highlighted. Filter chips narrow it to one node or some message types;
//! clicking a row moves the cursor there. Only the last page of matching rows is rendered,
//! so a run of millions of events stays fast.

use yew::prelude::*;

use super::store::use_lab;
use crate::lab::explain::{self, Category};
use crate::lab::glossary;
use crate::lab::view::{self, LogFilter};
use crate::lab::{units, MessageRecord, Msg, NodeId, TraceEvent};
use crate::lab::{Lab, LabAction, MsgId};

/// Rows per page ("show earlier" adds another page).
const PAGE: usize = 200;
/// Rows while playing (they change every frame).
const PLAYING: usize = 60;
/// Events looked at per page, so a rare filter cannot stall a frame.
const SCAN: usize = 50_000;

fn chip(label: String, pressed: bool, title: &'static str, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button class={classes!("chip", pressed.then_some("on"))} aria-pressed={pressed.to_string()}
                title={title} {onclick}>{ label }</button>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    index: usize,
    current: bool,
    event: TraceEvent,
    msg: Option<MessageRecord>,
    /// Seeks to event `index` (one callback for all rows, made once: rows stay equal).
    on_seek: Callback<usize>,
    /// Highlights a message, or none (made once too).
    on_highlight: Callback<Option<MsgId>>,
}

/// One row. A component so that Yew skips rows whose event did not change (all but the
/// newest while playing) instead of describing them again every frame.
#[component]
fn LogRow(p: &RowProps) -> Html {
    let e = &p.event;
    let m = p.msg.as_ref();
    let cat = Category::of(&e.kind);
    let place = explain::place_with(e, m).map_or_else(|| "·".to_string(), |a| a.to_string());
    let (index, msg) = (p.index, m.map(|m| m.id));
    let onclick = p.on_seek.reform(move |_: MouseEvent| index);
    let onmouseenter = p.on_highlight.reform(move |_: MouseEvent| msg);
    html! {
        <li class={classes!("row", cat.name(), p.current.then_some("current"))}>
            <button class="entry" data-event={p.index.to_string()} data-msg={msg.map(|m| m.to_string())}
                    aria-current={p.current.then_some("step")} {onclick} {onmouseenter}>
                <span class="t">{ units::fixed(i128::from(e.t), 6, 3) }</span>
                <span class="at">{ place }</span>
                <span class="icon" title={cat.name()} aria-label={cat.name()}>{ cat.icon() }</span>
                <span class="text">{ explain::describe_with(e, m) }</span>
            </button>
        </li>
    }
}

/// The filter bar and the rows.
#[component]
pub fn EventLog() -> Html {
    let store = use_lab();
    let pages = use_state(|| 1usize);
    let list = use_node_ref();
    let lab = store.lab();
    let run = &lab.run;
    let h = run.history();
    let filter = lab.log_filter.clone();
    let cursor = run.cursor_event();

    // Newest at the bottom: keep the bottom (the cursor's step) in view as the cursor moves.
    {
        let list = list.clone();
        use_effect_with((cursor, filter.clone()), move |_| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let set = |f: LogFilter| store.send(LabAction::SetLogFilter(f));
    let nodes = run.config().protocol.nodes;
    let node_chips = std::iter::once(chip(
        "all".into(),
        filter.node.is_none(),
        "Events at every node",
        set(LogFilter {
            node: None,
            ..filter.clone()
        }),
    ))
    .chain((1..=nodes).map(NodeId).map(|n| {
        let on = filter.node == Some(n);
        chip(
            n.to_string(),
            on,
            "Only events at this node or messages to and from it (click again for all)",
            set(LogFilter {
                node: (!on).then_some(n),
                ..filter.clone()
            }),
        )
    }));
    let sent = lab.sent_by_type();
    let type_chips = Msg::TYPE_NAMES
        .iter()
        .enumerate()
        .filter(|(i, t)| sent[*i] > 0 || filter.types.contains(t))
        .map(|(_, &t)| {
            let on = filter.types.contains(&t);
            let mut types = filter.types.clone();
            if on {
                types.retain(|&x| x != t);
            } else {
                types.push(t);
            }
            chip(
                t.into(),
                on,
                glossary::message(t),
                set(LogFilter {
                    types,
                    ..filter.clone()
                }),
            )
        });
    let toggle = |label: &'static str, on: bool, f: LogFilter| {
        let cb = set(f);
        html! {
            <label class="toggle">
                <input type="checkbox" checked={on} onclick={cb} />{ label }
            </label>
        }
    };

    // One callback each for every row, made on the first render (the lab is read when the
    // event comes), so a row's props stay equal and Yew skips it.
    let on_seek = {
        let s = store.clone();
        use_memo((), move |_| {
            s.callback(|i: usize| Some(LabAction::SeekEvent(i)))
        })
    };
    let on_highlight = {
        let s = store.clone();
        use_memo((), move |_| {
            s.reading(|lab: &Lab, id: Option<MsgId>| {
                (lab.highlight != id).then_some(LabAction::Highlight(id))
            })
        })
    };

    // While playing, rows fly by: render fewer.
    let limit = if lab.playing { PLAYING } else { PAGE * *pages };
    let page = view::log_page(run, &filter, limit, SCAN * *pages);
    let step_start = h.events_after_steps(lab.steps().saturating_sub(1));
    let rows = page
        .rows
        .iter()
        .map(|&i| {
            let event = h.events[i].clone();
            let msg = explain::message_of(&event, h).cloned();
            html! {
                <LogRow key={i} index={i} current={i >= step_start} {event} {msg}
                        on_seek={(*on_seek).clone()} on_highlight={(*on_highlight).clone()} />
            }
        })
        .collect::<Html>();
    let onmouseleave = store.reading(|lab: &Lab, _: MouseEvent| {
        lab.highlight
            .is_some()
            .then_some(LabAction::Highlight(None))
    });
    let earlier = {
        let pages = pages.clone();
        Callback::from(move |_: MouseEvent| pages.set(*pages + 1))
    };
    let filtered = filter != LogFilter::default();
    html! {
        <div class="eventlog">
            <div class="log-filters" role="group" aria-label="Filter the event log">
                <div class="chips" aria-label="By node">{ for node_chips }</div>
                <div class="chips types" aria-label="By message type">
                    { for type_chips }
                    if !filter.types.is_empty() {
                        { chip("all types".into(), false, "Show every message type", set(LogFilter { types: vec![], ..filter.clone() })) }
                    }
                </div>
                <div class="chips">
                    { toggle("hide sends", filter.hide_sends, LogFilter { hide_sends: !filter.hide_sends, ..filter.clone() }) }
                    { toggle("hide timers", filter.hide_timers, LogFilter { hide_timers: !filter.hide_timers, ..filter.clone() }) }
                    if filtered {
                        <button class="chip clear" onclick={set(LogFilter::default())}>{ "clear filter" }</button>
                    }
                </div>
            </div>
            <ol class="log-rows" ref={list} aria-label="Events up to the cursor, newest last"
                {onmouseleave}>
                if page.more && !lab.playing {
                    <li class="earlier"><button onclick={earlier}>{ "Show earlier events" }</button></li>
                }
                { rows }
            </ol>
            if page.rows.is_empty() {
                <p class="hint">{ if filtered { "No event up to the cursor matches this filter." } else { "Nothing has happened yet: press Play or step forward." } }</p>
            }
            <p class="log-foot">{ format!("{cursor} events up to the cursor · click a row to move the cursor there") }</p>
        </div>
    }
}

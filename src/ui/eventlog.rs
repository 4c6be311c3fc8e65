//! The event log: every event up to the cursor in plain words, newest at the bottom, the
//! cursor's own step highlighted. Filter chips narrow it to one node or some message types;
//! clicking a row moves the cursor there. Only the last page of matching rows is rendered,
//! so a run of millions of events stays fast.

use yew::prelude::*;

use super::store::use_lab;
use crate::engine::{Msg, NodeId};
use crate::lab::LabAction;
use crate::sim::explain::{self, Category};
use crate::sim::glossary;
use crate::sim::history::EventKind;
use crate::sim::units;
use crate::sim::view::{self, LogFilter};

/// Rows per page ("show earlier" adds another page).
const PAGE: usize = 200;
/// Events looked at per page, so a rare filter cannot stall a frame.
const SCAN: usize = 50_000;

fn chip(label: String, pressed: bool, title: &'static str, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button class={classes!("chip", pressed.then_some("on"))} aria-pressed={pressed.to_string()}
                title={title} {onclick}>{ label }</button>
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

    let set = |f: LogFilter| {
        let d = store.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(LabAction::SetLogFilter(f.clone())))
    };
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
    let sent = &run.world().stats.sent_by_type;
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

    let page = view::log_page(run, &filter, PAGE * *pages, SCAN * *pages);
    let step_start = h.events_after_steps(run.world().steps.saturating_sub(1));
    let rows = page.rows.iter().map(|&i| {
        let e = &h.events[i];
        let cat = Category::of(&e.kind);
        let current = i >= step_start;
        let place = explain::place(e, h).map_or_else(|| "·".to_string(), |a| a.to_string());
        let d = store.dispatcher();
        let onclick = Callback::from(move |_: MouseEvent| d.dispatch(LabAction::SeekEvent(i)));
        let msg = match e.kind {
            EventKind::Send(id) | EventKind::Deliver(id) | EventKind::Drop(id, _) => Some(id),
            _ => None,
        };
        let (onmouseenter, onmouseleave) = match msg {
            Some(id) => {
                let (a, b) = (store.dispatcher(), store.dispatcher());
                (
                    Callback::from(move |_: MouseEvent| a.dispatch(LabAction::Highlight(Some(id)))),
                    Callback::from(move |_: MouseEvent| b.dispatch(LabAction::Highlight(None))),
                )
            }
            None => (Callback::noop(), Callback::noop()),
        };
        html! {
            <li key={i} class={classes!("row", cat.name(), current.then_some("current"))}>
                <button class="entry" data-event={i.to_string()} {onclick} {onmouseenter} {onmouseleave}
                        aria-current={current.then_some("step")}>
                    <span class="t">{ units::fixed(i128::from(e.t), 6, 3) }</span>
                    <span class="at">{ place }</span>
                    <span class="icon" title={cat.name()} aria-label={cat.name()}>{ cat.icon() }</span>
                    <span class="text">{ explain::describe(e, h) }</span>
                </button>
            </li>
        }
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
            <ol class="log-rows" ref={list} aria-label="Events up to the cursor, newest last">
                if page.more {
                    <li class="earlier"><button onclick={earlier}>{ "Show earlier events" }</button></li>
                }
                { for rows }
            </ol>
            if page.rows.is_empty() {
                <p class="hint">{ if filtered { "No event up to the cursor matches this filter." } else { "Nothing has happened yet: press Play or step forward." } }</p>
            }
            <p class="log-foot">{ format!("{cursor} events up to the cursor · click a row to move the cursor there") }</p>
        </div>
    }
}

//! Guided tours in the page: the caption card over the cluster picture, the tour picker in
//! the header, and an invitation on a first visit. The tours themselves are
//! [`crate::lab::tour`]; these components only show the lab's tour state and dispatch.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::format::secs;
use super::store::{use_lab, use_quiet_lab};
use crate::lab::tour;
use crate::lab::LabAction;

/// Moves keyboard focus to `selector` inside `root` (so a new card is reachable) without
/// letting the focus scroll the page, then scrolls just enough for the picture and the caption
/// card under it to show together above the sticky play bar (the picture shrinks during a
/// tour so that they fit on one screen).
fn focus_in(root: &NodeRef, selector: &str) {
    let Some(card) = root.cast::<web_sys::Element>() else {
        return;
    };
    if let Some(el) = card
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
    }
    let window = gloo::utils::window();
    let document = gloo::utils::document();
    let Some(picture) = card.closest(".picture").ok().flatten() else {
        return;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    // The play bar covers the bottom of the window only while it is stuck there.
    let bar = document
        .query_selector("footer.playback")
        .ok()
        .flatten()
        .map(|b| b.get_bounding_client_rect())
        .filter(|b| b.bottom() >= height - 1.0)
        .map_or(0.0, |b| b.height());
    let (top, bottom) = (
        picture.get_bounding_client_rect().top(),
        card.get_bounding_client_rect().bottom(),
    );
    let overflow = bottom - (height - bar);
    // Up to the picture's top if it is above the window; otherwise down until the card
    // clears the bar, but never past the picture's top.
    let by = if top < 0.0 { top } else { overflow.min(top) };
    if by != 0.0 && (top < 0.0 || overflow > 0.0) {
        window.scroll_by_with_x_and_y(0.0, by);
    }
}

/// The tour's caption card (step k of n, caption, Back / Next / Exit, Resume when the user
/// wandered off), or an invitation to take a tour before anything has happened.
#[component]
pub fn TourCard() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let card = use_node_ref();
    let started = lab.tour.as_ref().map(|t| t.info.name);
    {
        let card = card.clone();
        use_effect_with(started, move |s| {
            if s.is_some() {
                focus_in(&card, "#tour-next");
            }
        });
    }
    let Some(t) = lab.tour.as_ref() else {
        if lab.run.horizon_time() > 0 {
            return html! {};
        }
        let first = tour::ALL[0];
        return html! {
            <aside class="tour-invite" aria-label="Guided tours">
                <span>{ "New to Paxos? " }</span>
                <button id="invite-tour" class="primary" onclick={store.send(LabAction::StartTour(first.name.into()))}>
                    { format!("Take the tour: {}", first.title) }
                </button>
                <span class="hint">{ " — or pick another under Guided tours." }</span>
            </aside>
        };
    };
    let (at, n) = (t.at, t.len());
    let stop = t.stop();
    let heading = t.current().map_or("Introduction", |s| s.title);
    html! {
        <section class="tour-card" ref={card} aria-label={format!("Guided tour: {}", t.info.title)}
                 data-tour={t.info.name} data-step={at.to_string()}>
            <div class="tour-head">
                <span class="tour-name">{ t.info.title }</span>
                <span class="tour-count" id="tour-count">
                    { if at == 0 { format!("Introduction · {n} steps") } else { format!("Step {at} of {n}") } }
                </span>
            </div>
            <h2 class="tour-step">{ heading }</h2>
            <p class="tour-caption" id="tour-caption" aria-live="polite">{ stop.caption.clone() }</p>
            if t.paused {
                <p class="tour-paused" role="status">
                    { format!("Tour paused: you are exploring on your own. Resume returns to this step at t = {}; Next continues the tour from there.", secs(stop.t)) }
                </p>
            }
            <div class="tour-buttons">
                <button id="tour-back" disabled={at == 0} aria-keyshortcuts="B" title="Rewind to the previous stop (B)"
                        onclick={store.send(LabAction::TourBack)}>{ "◀ Back" }</button>
                if t.paused {
                    <button id="tour-resume" class="primary" onclick={store.send(LabAction::TourResume)}>{ "Resume tour" }</button>
                }
                if at < n {
                    <button id="tour-next" class={classes!((!t.paused).then_some("primary"))} aria-keyshortcuts="N"
                            title="Run to the next stop (N)" onclick={store.send(LabAction::TourNext)}>{ "Next ▶" }</button>
                } else {
                    <button id="tour-finish" class="primary" onclick={store.send(LabAction::ExitTour)}>{ "Finish" }</button>
                }
                <button id="tour-exit" class="quiet" onclick={store.send(LabAction::ExitTour)}
                        title="Leave the tour; the run stays where it is">{ "Exit tour" }</button>
            </div>
        </section>
    }
}

/// "Guided tours ▾": every tour with its one-line summary. A native `<details>` (no state);
/// it is rebuilt — and so closes — whenever a tour starts or ends.
#[component]
pub fn TourPicker() -> Html {
    let store = use_quiet_lab();
    let key = store.lab().tour.as_ref().map_or("", |t| t.info.name);
    html! {
        <details class="tour-picker" key={key}>
            <summary id="tours">{ "Guided tours" }</summary>
            <ul class="tour-list">
                { for tour::ALL.iter().map(|t| html! {
                    <li><button data-tour={t.name} onclick={store.send(LabAction::StartTour(t.name.into()))}>
                        <strong>{ t.title }</strong><span>{ t.summary }</span>
                    </button></li>
                }) }
            </ul>
        </details>
    }
}

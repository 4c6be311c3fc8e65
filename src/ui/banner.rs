//! The safety banner ("safety holds", or which invariant broke and a jump to it) and the
//! notices (warnings about a link, forks, refused imports).

use yew::prelude::*;

use super::format::secs;
use super::store::use_lab;
use crate::lab::{LabAction, NoticeKind};

/// Live safety status.
#[component]
pub fn SafetyBanner() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let protocol = &lab.config_now().protocol;
    let bugs = protocol.bugs.enabled();
    let quirks = protocol.quirks;
    let profile = match crate::lab::Protocol::of(quirks) {
        Some(crate::lab::Protocol::Textbook) => None,
        Some(p) => Some(format!("Protocol: {}", p.name())),
        None => Some(format!("AtlasDB quirks: {}", quirks.enabled().join(", "))),
    };
    match lab.run.history().first_violation() {
        Some((_, v))
            if lab.run.cursor_event() > lab.run.history().first_violation().map_or(0, |x| x.0) =>
        {
            html! {
                <div class="banner violated" role="alert" id="safety">
                    <strong>{ format!("✗ Safety violated: {}", v.invariant.name()) }</strong>
                    <span class="rule">{ v.invariant.rule() }</span>
                    <span class="detail">{ format!("At {}: {}", secs(v.t), v.detail) }</span>
                    <button id="jump-violation" onclick={store.send(LabAction::JumpToViolation)}>{ "Jump to the first bad event" }</button>
                </div>
            }
        }
        _ => html! {
            <div class="banner holds" role="status" id="safety">
                <strong>{ "✓ Safety holds" }</strong>
                <span class="rule">{ "agreement · learned = chosen · promises kept and reported · unique, increasing timestamps under the agreed bound · exclusive locks — checked on every event, by a true majority" }</span>
                if !bugs.is_empty() {
                    <span class="bugs">{ format!("Bugs switched on: {}", bugs.join(", ")) }</span>
                }
                if let Some(p) = profile {
                    <span class="bugs">{ p }</span>
                }
            </div>
        },
    }
}

/// Dismissable messages for the user.
#[component]
pub fn Notices() -> Html {
    let store = use_lab();
    let lab = store.lab();
    if lab.notices.is_empty() {
        return html! {};
    }
    html! {
        <ul class="notices" aria-live="polite">
            { for lab.notices.iter().enumerate().map(|(i, n)| {
                let class = match n.kind {
                    NoticeKind::Info => "info",
                    NoticeKind::Warning => "warning",
                    NoticeKind::Error => "error",
                };
                html! {
                    <li class={classes!("notice", class)}>
                        <span>{ n.text.clone() }</span>
                        <button class="dismiss" aria-label="Dismiss" onclick={store.send(LabAction::Dismiss(i))}>{ "×" }</button>
                    </li>
                }
            }) }
        </ul>
    }
}

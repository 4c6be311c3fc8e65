//! The side panel: one tab per view of the run.

use yew::prelude::*;

use super::store::{dispatch, use_lab};
use crate::lab::{LabAction, Tab};

const TABS: [(Tab, &str); 5] = [
    (Tab::Inspector, "Inspector"),
    (Tab::Log, "Event log"),
    (Tab::SpaceTime, "Space-time"),
    (Tab::NumberLine, "Timestamps"),
    (Tab::BreakPaxos, "Break Paxos"),
];

/// Tab bar and the open tab.
#[component]
pub fn Sidebar() -> Html {
    let store = use_lab();
    let tab = store.lab().tab;
    html! {
        <aside class="side">
            <nav class="tabs" role="tablist" aria-label="Views">
                { for TABS.iter().map(|(t, name)| html! {
                    <button role="tab" aria-selected={(tab == *t).to_string()} class={classes!("tab", (tab == *t).then_some("active"))}
                            id={format!("tab-{}", name.to_lowercase().replace(' ', "-"))}
                            onclick={dispatch(&store, LabAction::SetTab(*t))}>{ *name }</button>
                }) }
            </nav>
            <div class="tab-body" role="tabpanel">
                { match tab {
                    _ => html! { <p class="hint">{ "This view is being built." }</p> },
                } }
            </div>
        </aside>
    }
}

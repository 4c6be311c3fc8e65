//! The side panel: one tab per view of the run.

use yew::prelude::*;

use super::breakpaxos::BreakPaxos;
use super::store::use_quiet_lab;
use crate::lab::{LabAction, Tab};

const TABS: [(Tab, &str, &str); 7] = [
    (Tab::Inspector, "Inspector", "tab-inspector"),
    (Tab::Log, "Event log", "tab-log"),
    (Tab::SpaceTime, "Space-time", "tab-spacetime"),
    (Tab::NumberLine, "Timestamps", "tab-timestamps"),
    (Tab::BreakPaxos, "Break Paxos", "tab-break-paxos"),
    (Tab::Experiments, "Experiments", "tab-experiments"),
    (Tab::Checker, "Checker", "tab-checker"),
];

/// Tab bar and the open tab.
#[component]
pub fn Sidebar() -> Html {
    let store = use_quiet_lab();
    let tab = store.lab().tab;
    let (_, name, id) = TABS
        .iter()
        .copied()
        .find(|(t, _, _)| *t == tab)
        .unwrap_or(TABS[0]);
    html! {
        <aside class="side">
            <nav class="tabs" role="tablist" aria-label="Views">
                { for TABS.iter().map(|(t, name, id)| html! {
                    <button role="tab" aria-selected={(tab == *t).to_string()} class={classes!("tab", (tab == *t).then_some("active"))}
                            id={*id}
                            onclick={store.send(LabAction::SetTab(*t))}>{ *name }</button>
                }) }
            </nav>
            <div class="tab-body" role="tabpanel" aria-labelledby={id}>
                // The panel's own headings (h2 for a node, h3 for a section) sit under this one.
                <h2 class="visually-hidden">{ name }</h2>
                { match tab {
                    Tab::Log => html! { <super::eventlog::EventLog /> },
                    Tab::SpaceTime => html! { <super::spacetime::SpaceTime /> },
                    Tab::NumberLine => html! { <super::numberline::NumberLine /> },
                    Tab::BreakPaxos => html! { <BreakPaxos /> },
                    Tab::Experiments => html! { <super::experiments::ExperimentsView /> },
                    Tab::Checker => html! { <super::checker::CheckerView /> },
                    Tab::Inspector => html! { <super::inspector::Inspector /> },
                } }
            </div>
        </aside>
    }
}

//! The page: header, safety banner, the cluster picture with its side panel, the transport
//! bar and timeline, and the controls. Owns the lab, the animation loop, the keyboard and the
//! URL; everything else only reads the lab and dispatches actions.

use yew::prelude::*;

use super::banner::{Notices, SafetyBanner};
use super::cluster::ClusterView;
use super::controls::{Faults, Settings, Transport};
use super::duel::{compare_button, DuelLab};
use super::experiments::use_sweep_workers;
use super::help::Help;
use super::hooks::{current_query, replace_query, use_animation_frame, use_keys, KeyPress};
use super::io::IoButtons;
use super::sidebar::Sidebar;
use super::store::{LabHandle, LabStore, QuietLab};
use super::timeline::Timeline;
use super::tour::{TourCard, TourPicker};
use crate::lab::{Lab, LabAction};

/// The whole application.
#[component]
pub fn App() -> Html {
    let store = LabHandle::new(use_reducer(|| {
        LabStore::new(Lab::from_query(&current_query()))
    }));
    let playing = store.lab().playing;

    let on_frame = store.callback(|dt: f64| Some(LabAction::Tick(dt)));
    use_animation_frame(playing, on_frame);
    // Sweeps compute in Web Workers whichever tab is open.
    use_sweep_workers(&store);
    super::checker::use_check_worker(&store);

    // Reads the live lab (help open? on a tour?) when the key comes, not at this render.
    let on_key = store.reading(
        move |lab: &Lab,
              KeyPress {
                  event: e,
                  on_control,
              }: KeyPress| {
            let (help, touring, presenting) = (lab.help, lab.tour.is_some(), lab.presenting);
            let action = match e.key().as_str() {
                "?" => LabAction::ToggleHelp,
                "Escape" if help => LabAction::ToggleHelp,
                _ if help => return None,
                // A presenter's clicker sends PageDown/PageUp; on a tour they step it.
                "PageDown" if touring => LabAction::TourNext,
                "PageUp" if touring => LabAction::TourBack,
                // Clickers send arrows too; in presenter mode they step the tour wherever the
                // focus is (the tour's own buttons have it).
                "ArrowRight" if touring && presenting => LabAction::TourNext,
                "ArrowLeft" if touring && presenting => LabAction::TourBack,
                // Otherwise Space and the arrows on a focused control are that control's.
                " " | "ArrowRight" | "ArrowLeft" if on_control => return None,
                " " => LabAction::TogglePlay,
                "ArrowRight" => LabAction::Step,
                "ArrowLeft" => LabAction::StepBack,
                "n" | "N" => LabAction::TourNext,
                "b" | "B" => LabAction::TourBack,
                "Escape" => LabAction::SelectNode(None),
                _ => return None,
            };
            e.prevent_default();
            Some(action)
        },
    );
    use_keys(on_key);

    // Keep the share link in the address bar (not on every frame while playing).
    {
        let store = store.clone();
        use_effect_with(store.version(), move |_| {
            let lab = store.lab();
            if !lab.playing {
                replace_query(&lab.share_query());
            }
        });
    }

    let context = store.clone();
    let quiet = QuietLab::new(store.clone());
    let help = store.lab().help;
    let title = store
        .lab()
        .scenario
        .as_deref()
        .and_then(crate::lab::scenario::by_name)
        .map(|s| (s.title, s.lesson));
    let duel_open = store.lab().duel.is_some();
    let presenting = store.lab().presenting;
    html! {
        <ContextProvider<LabHandle> {context}>
          <ContextProvider<QuietLab> context={quiet}>
            <div class={classes!("app", presenting.then_some("presenter"))}>
                <header class="top">
                    <h1>{ "PaxosScope" }</h1>
                    <p class="tagline">{ "AtlasDB TimeLock's Paxos: leader election and the timestamp bound, step by step" }</p>
                    <IoButtons />
                    <TourPicker />
                    <button type="button" id="present" aria-pressed={presenting.to_string()}
                            title="Presenter mode: large type and high contrast for a lecture hall; PageDown/PageUp step a tour"
                            onclick={store.send(LabAction::TogglePresenter)}>
                        { if presenting { "Leave presenter mode" } else { "Present" } }
                    </button>
                    <button type="button" class="help-button" aria-keyshortcuts="?" onclick={store.send(LabAction::ToggleHelp)}>{ "? Help" }</button>
                </header>
                <main class="main">
                <SafetyBanner />
                <Notices />
                // The dueling lab explains itself; the normal run's lesson would describe
                // only one of its two sides.
                if let (Some((title, lesson)), false) = (title, duel_open) {
                    <section class="lesson" aria-label="About this scenario">
                        <strong>{ title }</strong>{ " — " }{ lesson }
                        { compare_button(&store) }
                    </section>
                }
                // The dueling lab replaces the stage, playback and controls while it is open
                // (the block below is left unindented to keep merges small).
                if duel_open {
                    <DuelLab />
                } else {
                <div class="stage">
                    <section class="picture" aria-label="The cluster"><ClusterView /><TourCard /></section>
                    if !presenting {
                        <Sidebar />
                    }
                </div>
                <footer class="playback">
                    <Transport />
                    <Timeline />
                </footer>
                if !presenting {
                    <section class="controls" aria-label="Faults and settings">
                        <Faults />
                        <Settings />
                    </section>
                }
                }
                </main>
            </div>
            if help {
                <Help />
            }
          </ContextProvider<QuietLab>>
        </ContextProvider<LabHandle>>
    }
}

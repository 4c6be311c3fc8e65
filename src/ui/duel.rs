//! The dueling lab: the same seed and configuration side by side, each with its own backoff
//! policy, on one clock. Left and right are drawn with the shared cluster [`Picture`]; under
//! each, live counters of pre-empted ballots and leadership proposals and when a leader was
//! elected. The state and every rule live in [`crate::lab::Duel`]; this only draws it.

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::cluster::Picture;
use super::format::secs;
use super::store::{field, number, on_number, use_lab, LabHandle};
use crate::lab::view::Scene;
use crate::lab::{units, BackoffPolicy, MS};
use crate::lab::{Duel, DuelSide, LabAction};

fn policy_words(p: BackoffPolicy) -> String {
    let ms = units::short(i128::from(p.max_wait()), 3);
    match p {
        BackoffPolicy::None => "no wait before proposing".into(),
        BackoffPolicy::Fixed { .. } => format!("always wait {ms} ms"),
        BackoffPolicy::Uniform { .. } => format!("random wait U[0, {ms} ms)"),
        BackoffPolicy::Exponential { .. } => format!("random wait, doubling up to {ms} ms"),
    }
}

/// "Compare side by side", shown in the lesson line of the dueling scenarios.
pub fn compare_button(store: &LabHandle) -> Html {
    let lab = store.lab();
    let dueling = lab
        .scenario
        .as_deref()
        .is_some_and(|s| s.starts_with("dueling"));
    if !dueling || lab.duel.is_some() {
        return html! {};
    }
    html! {
        <button type="button" id="compare-duel" class="compare" onclick={store.send(LabAction::OpenDuel)}
                title="Run this seed twice, without and with random backoff, on one clock">
            { "Compare side by side" }
        </button>
    }
}

/// One side: its policy picker, its picture and its counters.
fn panel(store: &LabHandle, duel: &Duel, side: DuelSide) -> Html {
    let this = duel.side(side);
    let policy = this.policy;
    let counters = duel.counters(side);
    let (name, class) = match side {
        DuelSide::Left => ("Left", "left"),
        DuelSide::Right => ("Right", "right"),
    };
    let on_policy = store.callback(move |e: Event| {
        let value = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default();
        let max = match policy.max_wait() {
            0 => 800 * MS,
            m => m,
        };
        BackoffPolicy::from_name(&value, max).map(|b| LabAction::SetDuelPolicy(side, b))
    });
    let leader = match (counters.first_leader_at, counters.leader) {
        (None, _) => "no leader yet".to_string(),
        (Some(t), Some(n)) => format!("leader elected at t = {} · {n} leads", secs(t)),
        (Some(t), None) => format!("leader elected at t = {} · nobody leads now", secs(t)),
    };
    let label = format!("{name}: {}", policy_words(policy));
    html! {
        <article class={classes!("duel-side", class)} data-side={class} aria-label={label.clone()}>
            <header class="duel-side-head">
                <h3>{ name }</h3>
                <label>{ "Backoff" }
                    <select class="duel-policy" aria-label={format!("{name} backoff policy")} onchange={on_policy}>
                        { for BackoffPolicy::NAMES.iter().map(|&n| html! {
                            <option value={n} selected={policy.name() == n}>{ n }</option>
                        }) }
                    </select>
                </label>
                <span class="hint">{ policy_words(policy) }</span>
            </header>
            <dl class="duel-counters">
                <div class="counter">
                    <dt>{ "Pre-empted ballots" }</dt>
                    <dd class="preempted">{ counters.preempted }</dd>
                </div>
                <div class="counter">
                    <dt>{ "Leadership proposals" }</dt>
                    <dd class="proposals">{ counters.proposals }</dd>
                </div>
                <div class={classes!("counter", "leader-line", counters.first_leader_at.is_some().then_some("elected"))}>
                    <dt>{ "Leader" }</dt>
                    <dd class="duel-leader">{ leader }</dd>
                </div>
            </dl>
            if let Some(inv) = counters.violation {
                <p class="duel-violation" role="alert">{ format!("✗ Safety violated: {inv}") }</p>
            }
            <Picture scene={Scene::of(&this.run)} label={AttrValue::from(format!("{label}: the cluster"))} />
        </article>
    }
}

/// The dueling lab, shown in place of the normal stage while it is open.
#[component]
pub fn DuelLab() -> Html {
    let store = use_lab();
    let lab = store.lab();
    let Some(duel) = lab.duel.as_ref() else {
        return html! {};
    };
    let now = duel.now();
    let end = duel.horizon().max(now).max(10_000_000);
    let seed = duel.left.run.config().seed;
    let on_seed = field(&store, seed.to_string(), |t| {
        number(t, "The seed", 0, 0, u64::MAX).map(LabAction::SetSeed)
    });
    let on_scrub = on_number(&store, LabAction::Seek);
    html! {
        <section class="duel" aria-label="Dueling lab">
            <div class="duel-head">
                <h2>{ "Dueling lab" }</h2>
                <p class="hint">
                    { "The same seed and settings twice, on one clock; only the wait before proposing differs. \
                       With identical timing and no wait, rival proposers keep pre-empting each other's ballots; \
                       a random wait lets one finish before the others try." }
                </p>
                <label class="duel-seed">{ "Seed" }
                    <input id="duel-seed" type="number" min="0" step="1" value={seed.to_string()} onchange={on_seed} />
                </label>
                <button type="button" id="close-duel" onclick={store.send(LabAction::CloseDuel)}>{ "← Back to the lab" }</button>
            </div>
            <div class="duel-transport" role="toolbar" aria-label="Playback of both runs">
                <button type="button" id="duel-play" class="primary" onclick={store.send(LabAction::TogglePlay)}
                        aria-keyshortcuts="Space" title="Play or pause both runs (Space)">
                    { if lab.playing { "Pause" } else { "Play" } }
                </button>
                <button type="button" id="duel-step-back" onclick={store.send(LabAction::StepBack)}
                        aria-keyshortcuts="ArrowLeft" title="Back to the previous moment something happened (←)">{ "◀ Step" }</button>
                <button type="button" id="duel-step" onclick={store.send(LabAction::Step)}
                        aria-keyshortcuts="ArrowRight" title="On to the next moment something happens on either side (→)">{ "Step ▶" }</button>
                { super::controls::speed_control(&store, "duel-speed") }
                <span class="clock" id="duel-clock">{ format!("t = {}", secs(now)) }</span>
                <button type="button" id="duel-reset" onclick={store.send(LabAction::Reset)}
                        title="Both runs back to t = 0">{ "Reset" }</button>
                <input id="duel-scrubber" class="duel-scrubber" type="range" min="0" max={end.to_string()} step="1000"
                       value={now.to_string()} aria-label="Virtual time of both runs" aria-valuetext={secs(now)}
                       oninput={on_scrub} />
            </div>
            <div class="duel-sides">
                { panel(&store, duel, DuelSide::Left) }
                { panel(&store, duel, DuelSide::Right) }
            </div>
        </section>
    }
}

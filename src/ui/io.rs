//! Getting runs in and out: the share link, trace export and import, "Copy as Rust test", and
//! the way into the dueling lab — header buttons. Everything about the run itself (what to
//! export, whether an import is acceptable, the generated test) is decided by the lab and
//! `sim`; this file only talks to the browser (clipboard, downloads, file picker).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::hooks::replace_query;
use super::store::use_quiet_lab;
use crate::lab::{Lab, LabAction, NoticeKind, MAX_IMPORT_BYTES};

/// The browser's clipboard, if this page may use it (it is missing outside secure contexts).
fn clipboard() -> Option<web_sys::Clipboard> {
    let navigator = gloo::utils::window().navigator();
    let c = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    (!c.is_undefined() && !c.is_null()).then(|| c.unchecked_into())
}

/// Copies `text`; resolves to whether the browser accepted it.
pub(super) async fn copy(text: String) -> bool {
    match clipboard() {
        Some(c) => JsFuture::from(c.write_text(&text)).await.is_ok(),
        None => false,
    }
}

/// Offers `text` as a file download named `name` (a temporary object URL and anchor).
fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_attribute("hidden", "")?;
    let body = gloo::utils::body();
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    // Give the download a moment to start before the URL goes away.
    Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// What the buttons show besides the lab: confirmations, the hand-copy field, the dialog.
/// One cell and a redraw trigger instead of several state hooks keeps the bundle small.
#[derive(Default)]
struct IoUi {
    /// "Link copied" is showing.
    copied: bool,
    /// The share link to copy by hand (the clipboard was refused).
    manual: Option<String>,
    /// The generated test and where to paste it, while the dialog is open.
    test: Option<(String, String)>,
    /// "Copied" is showing in the dialog.
    test_copied: bool,
    /// The clipboard was refused in the dialog: the code is selected instead.
    by_hand: bool,
    file_input: NodeRef,
    manual_input: NodeRef,
    code_area: NodeRef,
    copy_button: NodeRef,
}

type Ui = Rc<RefCell<IoUi>>;

/// Changes the view state and redraws.
fn update(ui: &Ui, redraw: &UseForceUpdateHandle, change: impl FnOnce(&mut IoUi)) {
    change(&mut ui.borrow_mut());
    redraw.force_update();
}

/// Shows a confirmation for a few seconds.
fn flash(ui: &Ui, redraw: &UseForceUpdateHandle, flag: fn(&mut IoUi) -> &mut bool) {
    update(ui, redraw, |u| *flag(u) = true);
    let (ui, redraw) = (ui.clone(), redraw.clone());
    Timeout::new(2_500, move || update(&ui, &redraw, |u| *flag(u) = false)).forget();
}

/// Focuses (and, for text fields, selects) `node` once it has been drawn.
fn focus_soon(node: NodeRef) {
    Timeout::new(0, move || {
        let Some(n) = node.get() else { return };
        if let Some(e) = n.dyn_ref::<web_sys::HtmlElement>() {
            let _ = e.focus();
        }
        if let Some(i) = n.dyn_ref::<HtmlInputElement>() {
            i.select();
        } else if let Some(a) = n.dyn_ref::<HtmlTextAreaElement>() {
            a.select();
        }
    })
    .forget();
}

/// Share link, export, import, "Copy as Rust test" and the dueling lab, for the header.
#[component]
pub fn IoButtons() -> Html {
    let store = use_quiet_lab();
    let ui = use_mut_ref(IoUi::default);
    let redraw = use_force_update();

    let on_share = {
        let (store, ui, redraw) = (store.clone(), ui.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            // The link holds the cursor as (time, step), so sharing never moves it: the link
            // reopens exactly what is on screen, as "Copy as Rust test" does.
            let query = store.lab().share_query();
            // The address bar is not updated while playing: bring it up to date first.
            replace_query(&query);
            let url = gloo::utils::window().location().href().unwrap_or_default();
            let (ui, redraw) = (ui.clone(), redraw.clone());
            spawn_local(async move {
                if copy(url.clone()).await {
                    update(&ui, &redraw, |u| u.manual = None);
                    flash(&ui, &redraw, |u| &mut u.copied);
                } else {
                    update(&ui, &redraw, |u| u.manual = Some(url));
                    focus_soon(ui.borrow().manual_input.clone());
                }
            });
        })
    };
    let close_manual = {
        let (ui, redraw) = (ui.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| update(&ui, &redraw, |u| u.manual = None))
    };

    let on_export = store.reading(|lab: &Lab, _: MouseEvent| {
        let refused = download(&lab.export_file_name(), &lab.export_trace()).is_err();
        refused.then(|| {
            LabAction::Notify(
                NoticeKind::Error,
                "This browser refused the download.".into(),
            )
        })
    });

    let on_import_click = {
        let ui = ui.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = ui.borrow().file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_file = {
        let d = store.sender();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let file = input.files().and_then(|f| f.get(0));
            // Let the same file be chosen again later.
            input.set_value("");
            let Some(file) = file else { return };
            let size = file.size() as u64;
            if size > MAX_IMPORT_BYTES as u64 {
                d.emit(LabAction::ImportTooLarge(size));
                return;
            }
            let d = d.clone();
            spawn_local(async move {
                match JsFuture::from(file.text()).await.map(|v| v.as_string()) {
                    Ok(Some(text)) => d.emit(LabAction::Import(text)),
                    _ => d.emit(LabAction::Notify(
                        NoticeKind::Error,
                        format!(
                            "That file could not be read ({}). Your current run is unchanged.",
                            file.name()
                        ),
                    )),
                }
            });
        })
    };

    let on_rust_test = {
        let (store, ui, redraw) = (store.clone(), ui.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let test = {
                let lab = store.lab();
                let hint = lab.rust_test_hint();
                (lab.rust_test(), hint)
            };
            update(&ui, &redraw, |u| {
                u.test = Some(test);
                u.test_copied = false;
                u.by_hand = false;
            });
            focus_soon(ui.borrow().copy_button.clone());
        })
    };

    let duel_open = store.lab().duel.is_some();
    let u = ui.borrow();
    html! {
        <>
            <div class="io" role="group" aria-label="Share, export and import this run">
                <button type="button" id="share" onclick={on_share} disabled={duel_open}
                        aria-describedby={duel_open.then_some("io-duel-why")}
                        title={if duel_open { "The dueling lab has no link of its own: leave it to share the run it compares" } else { "Copy a link that reopens exactly this run (seed, settings, what you did, the time)" }}>
                    { "Share link" }
                </button>
                if u.copied {
                    <span class="io-copied" id="share-copied" role="status">{ "Link copied ✓" }</span>
                }
                <button type="button" id="export" onclick={on_export} disabled={duel_open}
                        title="Download this run's events up to now as a JSON trace">{ "Export trace" }</button>
                <button type="button" id="import" onclick={on_import_click}
                        title="Load a JSON trace exported from PaxosScope">{ "Import trace" }</button>
                <input type="file" id="import-file" class="visually-hidden" accept=".json,application/json"
                       tabindex="-1" aria-hidden="true" ref={u.file_input.clone()} onchange={on_file} />
                <button type="button" id="rust-test" onclick={on_rust_test} disabled={duel_open}
                        title="A Rust #[test] that replays this run and checks its outcome">{ "Copy as Rust test" }</button>
                if duel_open {
                    <span class="visually-hidden" id="io-duel-why">{ "Sharing, export and Rust tests work on the normal lab: leave the dueling lab first." }</span>
                    <button type="button" id="duel-toggle" class="active" onclick={store.send(LabAction::CloseDuel)}
                            title="Back to the normal lab">{ "Leave dueling lab" }</button>
                } else {
                    <button type="button" id="duel-toggle" onclick={store.send(LabAction::OpenDuel)}
                            title="The same seed side by side: no backoff against random backoff">{ "Dueling lab" }</button>
                }
            </div>
            if let Some(link) = u.manual.clone() {
                <div class="io-manual" role="group" aria-label="Copy the share link by hand">
                    <label for="share-manual">{ "The browser did not let us copy. Select the link and copy it (Ctrl+C / ⌘C):" }</label>
                    <input id="share-manual" type="text" readonly=true value={link} ref={u.manual_input.clone()} />
                    <button type="button" onclick={close_manual}>{ "Done" }</button>
                </div>
            }
            if u.test.is_some() {
                { dialog(&ui, &redraw) }
            }
        </>
    }
}

/// The "Copy as Rust test" dialog: the generated test, a copy button, where to paste it.
fn dialog(ui: &Ui, redraw: &UseForceUpdateHandle) -> Html {
    let u = ui.borrow();
    let Some((code, hint)) = u.test.clone() else {
        return html! {};
    };
    let on_copy = {
        let (ui, redraw, code) = (ui.clone(), redraw.clone(), code.clone());
        Callback::from(move |_: MouseEvent| {
            let (ui, redraw, code) = (ui.clone(), redraw.clone(), code.clone());
            spawn_local(async move {
                if copy(code).await {
                    flash(&ui, &redraw, |u| &mut u.test_copied);
                } else {
                    update(&ui, &redraw, |u| u.by_hand = true);
                    focus_soon(ui.borrow().code_area.clone());
                }
            });
        })
    };
    let close = {
        let (ui, redraw) = (ui.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| update(&ui, &redraw, |u| u.test = None))
    };
    let on_key = {
        let (ui, redraw) = (ui.clone(), redraw.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                update(&ui, &redraw, |u| u.test = None);
            }
        })
    };
    let rows = code.lines().count().clamp(8, 28).to_string();
    html! {
        <div class="modal-backdrop">
            <div class="modal rust-test" role="dialog" aria-modal="true" aria-labelledby="rust-test-title"
                 onkeydown={on_key}>
                <h2 id="rust-test-title">{ "Copy as Rust test" }</h2>
                <p>{ "This test rebuilds the run from its seed, settings and interventions, replays it to the current moment, and checks that exactly the same events happen (their fingerprint) and the same safety outcome." }</p>
                <textarea id="rust-test-code" readonly=true spellcheck="false" rows={rows}
                          aria-label="The generated Rust test" ref={u.code_area.clone()} value={code} />
                <p class="hint" id="rust-test-hint">{ hint }</p>
                <div class="modal-buttons">
                    <button type="button" id="copy-rust-test" class="primary" ref={u.copy_button.clone()} onclick={on_copy}>{ "Copy" }</button>
                    if u.test_copied {
                        <span class="io-copied" role="status">{ "Copied ✓" }</span>
                    }
                    if u.by_hand {
                        <span class="hint" role="status">{ "The browser did not let us copy: the code is selected, press Ctrl+C (⌘C)." }</span>
                    }
                    <button type="button" id="close-rust-test" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}

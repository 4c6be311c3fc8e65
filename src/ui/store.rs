//! The one piece of shared state: a [`Lab`] behind a Yew reducer. Components read it through
//! [`use_lab`] (or [`use_quiet_lab`]) while rendering and change it only through the callbacks
//! a [`LabHandle`] builds, each of which dispatches a [`LabAction`] to [`Lab::apply`].

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::lab::{Lab, LabAction, NoticeKind};

/// The lab plus a version number that changes with every action (so Yew re-renders), and a
/// second one for the panels that do not follow the clock ([`use_quiet_lab`]).
#[derive(Clone)]
pub struct LabStore {
    lab: Rc<RefCell<Lab>>,
    version: u64,
    quiet: u64,
}

impl PartialEq for LabStore {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.lab, &other.lab)
    }
}

impl LabStore {
    /// Wraps a lab.
    pub fn new(lab: Lab) -> LabStore {
        LabStore {
            lab: Rc::new(RefCell::new(lab)),
            version: 0,
            quiet: 0,
        }
    }

    /// Reads the lab; only [`LabHandle::lab`] and [`LabHandle::reading`] call this.
    fn lab(&self) -> Ref<'_, Lab> {
        self.lab.borrow()
    }

    /// Changes with every action.
    pub fn version(&self) -> u64 {
        self.version
    }
}

impl Reducible for LabStore {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let changed = {
            let mut lab = self.lab.borrow_mut();
            if matches!(action, LabAction::Tick(_)) {
                let before = lab.quiet_shape();
                lab.apply(action);
                lab.quiet_shape() != before
            } else {
                lab.apply(action);
                true
            }
        };
        Rc::new(LabStore {
            lab: self.lab.clone(),
            version: self.version.wrapping_add(1),
            quiet: self.quiet.wrapping_add(u64::from(changed)),
        })
    }
}

/// The lab as the panels that do not follow the clock see it: equal from one animation frame
/// to the next unless the run paused, a node went down or came back, or the network changed
/// (see [`Lab::quiet_shape`]). Those panels then skip the frames.
#[derive(Clone)]
pub struct QuietLab(LabHandle, u64);

impl PartialEq for QuietLab {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1 && Rc::ptr_eq(&self.0 .0.lab, &other.0 .0.lab)
    }
}

impl std::ops::Deref for QuietLab {
    type Target = LabHandle;
    fn deref(&self) -> &LabHandle {
        &self.0
    }
}

impl QuietLab {
    /// Wraps the App's handle for the quiet context. The counter is read now: a reducer
    /// handle always reads the latest state, so two handles compared later would be equal.
    pub fn new(handle: LabHandle) -> QuietLab {
        let quiet = handle.0.quiet;
        QuietLab(handle, quiet)
    }
}

/// The lab for a panel that does not follow the clock (settings, faults, tabs, tours, I/O,
/// help).
#[hook]
pub fn use_quiet_lab() -> QuietLab {
    use_context::<QuietLab>().expect("components are rendered inside the App's QuietLab provider")
}

/// What components get from the context: the lab to read while rendering, and callbacks
/// that change it. There is no `dispatch` here: a change is always a [`Callback`] built by
/// [`LabHandle::send`], [`LabHandle::callback`] or [`LabHandle::reading`], and the closures
/// those take are handed the event (and, for `reading`, a `&Lab` that is released before the
/// action is dispatched) — so a callback cannot hold the lab borrowed while the reducer
/// borrows it mutably, and the reducer is the lab's only writer.
#[derive(Clone, PartialEq)]
pub struct LabHandle(UseReducerHandle<LabStore>);

impl LabHandle {
    /// Wraps the App's reducer.
    pub fn new(handle: UseReducerHandle<LabStore>) -> LabHandle {
        LabHandle(handle)
    }

    /// Reads the lab for drawing. The borrow ends with the render: no callback gets one.
    pub fn lab(&self) -> Ref<'_, Lab> {
        self.0.lab()
    }

    /// Changes with every action (effects that follow the lab key on it).
    pub fn version(&self) -> u64 {
        self.0.version()
    }

    /// A callback that dispatches a fixed action.
    pub fn send<E>(&self, action: LabAction) -> Callback<E> {
        let d = self.0.dispatcher();
        Callback::from(move |_: E| d.dispatch(action.clone()))
    }

    /// A callback that turns its event into an action (or none).
    pub fn callback<E: 'static>(
        &self,
        f: impl Fn(E) -> Option<LabAction> + 'static,
    ) -> Callback<E> {
        let d = self.0.dispatcher();
        Callback::from(move |e: E| {
            if let Some(a) = f(e) {
                d.dispatch(a)
            }
        })
    }

    /// A callback that decides from the lab *as it is when the event comes* (a handle keeps
    /// the state of its render). `f` reads; its borrow ends before the action is dispatched.
    pub fn reading<E: 'static>(
        &self,
        f: impl Fn(&Lab, E) -> Option<LabAction> + 'static,
    ) -> Callback<E> {
        let h = self.0.clone();
        Callback::from(move |e: E| {
            let action = {
                let lab = h.lab.borrow();
                f(&lab, e)
            };
            if let Some(a) = action {
                h.dispatch(a)
            }
        })
    }

    /// Actions from outside a callback's own event (a file read, a worker's message, a timer).
    pub fn sender(&self) -> Callback<LabAction> {
        let d = self.0.dispatcher();
        Callback::from(move |a: LabAction| d.dispatch(a))
    }
}

/// The lab of the surrounding [`crate::ui::App`].
#[hook]
pub fn use_lab() -> LabHandle {
    use_context::<LabHandle>().expect("components are rendered inside the App's LabHandle provider")
}

/// The value of the `<input>` an event came from ("" for anything else).
pub fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// A callback for a numeric slider: dispatches `action(value)` when the input parses as a
/// number (a half-typed or cleared field changes nothing).
pub fn on_number<T: std::str::FromStr + 'static>(
    lab: &LabHandle,
    action: impl Fn(T) -> LabAction + 'static,
) -> Callback<InputEvent> {
    lab.callback(move |e: InputEvent| input_value(&e).trim().parse::<T>().ok().map(&action))
}

/// A number field's change: `read` turns its text into an action or says why it cannot. A
/// refused value changes nothing: the field shows the value in force again and a notice
/// says what was wrong.
pub fn field(
    lab: &LabHandle,
    shown: String,
    read: impl Fn(&str) -> Result<LabAction, String> + 'static,
) -> Callback<Event> {
    lab.callback(move |e: Event| match read(input_value(&e).trim()) {
        Ok(action) => Some(action),
        Err(why) => {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                i.set_value(&shown);
            }
            let why = format!("{why} It stays at {shown}.");
            Some(LabAction::Notify(NoticeKind::Warning, why))
        }
    })
}

/// `text` as a number in `lo..=hi` (in units of 10^-scale), or a sentence saying what
/// `name` takes.
pub fn number(text: &str, name: &str, scale: u32, lo: u64, hi: u64) -> Result<u64, String> {
    let show = |v: u64| crate::lab::units::short(i128::from(v), scale);
    match crate::lab::units::parse(text, scale) {
        Some(v) if (lo..=hi).contains(&v) => Ok(v),
        _ if text.is_empty() => Err(format!("{name} needs a number.")),
        _ => Err(format!(
            "{name} takes a number from {} to {}, not {text}.",
            show(lo),
            show(hi)
        )),
    }
}

//! Keyboard shortcuts: one window key listener that asks `core::shortcuts::interpret` what
//! a press means and runs the action, and the `?` help overlay that lists the same table.
//!
//! Actions reuse the page's own controls (the "Add panel" button, the share button, the
//! Recent menu, a panel's edit button), so a shortcut does exactly what a click does.

use super::state::use_app;
use crate::core::shortcuts::{interpret, Action, KeyPress, Outcome, Target, CHART_KEYS, SHORTCUTS};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether the shortcut help overlay is open, provided as context.
#[derive(Clone, Copy)]
pub struct HelpOpen(pub RwSignal<bool>);

/// Where the key press happened: typing in a field, or anywhere else.
fn target_of(ev: &web_sys::KeyboardEvent) -> Target {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return Target::Page;
    };
    let editable = el
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(|h| h.is_content_editable());
    let kind = el.get_attribute("type");
    Target::of_element(&el.tag_name(), kind.as_deref(), editable)
}

/// The first element matching `selector`, if any.
fn find(selector: &str) -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    doc.query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Clicks the first element matching `selector`; false when there is none.
fn click(selector: &str) -> bool {
    find(selector).map(|e| e.click()).is_some()
}

/// Focuses the first element matching `selector` on the next frame (after a collapsed
/// header menu has opened); false when there is none.
fn focus_soon(selector: &'static str) -> bool {
    let present = find(selector).is_some();
    request_animation_frame(move || {
        if let Some(e) = find(selector) {
            let _ = e.focus();
        }
    });
    present
}

/// Clicks the edit button of the panel that holds keyboard focus.
fn edit_focused_panel() -> bool {
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let panel = active.and_then(|a| a.closest("[data-testid=\"panel\"]").ok().flatten());
    let edit = panel.and_then(|p| {
        p.query_selector("[data-testid=\"panel-edit\"]")
            .ok()
            .flatten()
    });
    edit.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|e| e.click())
        .is_some()
}

/// Listens for shortcuts on the window for the app's lifetime. `menu_open` is the phone
/// layout's collapsed header menu, opened before focusing a control inside it.
pub fn use_shortcuts(menu_open: RwSignal<bool>) -> HelpOpen {
    let state = use_app();
    let help = HelpOpen(RwSignal::new(false));
    provide_context(help);
    let pending = StoredValue::new(None::<&'static str>);
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() || ev.is_composing() {
            return;
        }
        let press = KeyPress {
            key: ev.key(),
            ctrl: ev.ctrl_key(),
            meta: ev.meta_key(),
            alt: ev.alt_key(),
            shift: ev.shift_key(),
            target: target_of(&ev),
        };
        let outcome = interpret(&press, pending.get_value());
        pending.set_value(match outcome {
            Outcome::Pending(prefix) => Some(prefix),
            _ => None,
        });
        let Outcome::Fire(action) = outcome else {
            return;
        };
        if action.handled_elsewhere() {
            return;
        }
        let done = match action {
            Action::Help => {
                help.0.update(|open| *open = !*open);
                true
            }
            Action::Close => {
                if help.0.get_untracked() {
                    help.0.set(false);
                    true
                } else if state.editing.with_untracked(Option::is_some) {
                    state.editing.set(None);
                    true
                } else if find("[data-testid=\"library-menu\"]").is_some() {
                    click("[data-testid=\"library\"]")
                } else if menu_open.get_untracked() {
                    menu_open.set(false);
                    true
                } else {
                    false
                }
            }
            Action::Refresh => {
                state.refresh_now();
                true
            }
            Action::TimePicker => {
                menu_open.set(true);
                focus_soon("[data-testid=\"time-preset\"]")
            }
            Action::EditPanel => edit_focused_panel(),
            Action::NewPanel => click("[data-testid=\"add-panel\"]"),
            Action::Share => {
                menu_open.set(true);
                click("[data-testid=\"share\"]")
            }
            Action::GoHome => {
                let open = find("[data-testid=\"library-menu\"]").is_some();
                open || click("[data-testid=\"library\"]")
            }
            Action::Find => focus_soon("[data-shortcut=\"find\"], .nk-trace-find"),
            Action::Undo | Action::Redo => false,
        };
        if done {
            ev.prevent_default();
        }
    });
    on_cleanup(move || listener.remove());
    help
}

/// The `?` overlay: every shortcut from the table, with its keys and what it does.
#[component]
pub fn ShortcutsHelp() -> impl IntoView {
    let HelpOpen(open) = expect_context::<HelpOpen>();
    let close = NodeRef::<leptos::html::Button>::new();
    // Opening moves focus to the Close button; closing gives it back to where it was.
    let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        if let Some(button) = close.get() {
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let active = active.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
            if active
                .as_ref()
                .is_some_and(|a| a.closest(".nk-help").ok().flatten().is_none())
            {
                before.set_value(active);
            }
            let _ = button.focus();
        }
    });
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if !is_open && was_open == Some(true) {
            if let Some(element) = before.get_value() {
                let _ = element.focus();
            }
            before.set_value(None);
        }
        is_open
    });
    view! {
        <Show when=move || open.get()>
            <div class="nk-help-backdrop" on:click=move |_| open.set(false)></div>
            <div class="nk-help" data-testid="shortcuts-help" role="dialog" aria-modal="true" aria-labelledby="nk-help-title">
                <div class="nk-help-head">
                    <h2 id="nk-help-title">"Keyboard shortcuts"</h2>
                    <button class="nk-button" node_ref=close on:click=move |_| open.set(false)>"Close"</button>
                </div>
                <table class="nk-help-table">
                    <thead><tr><th scope="col">"Keys"</th><th scope="col">"Does"</th></tr></thead>
                    <tbody>
                        {SHORTCUTS.iter().map(|s| view! {
                            <tr data-testid="shortcut" data-keys=s.keys_label()>
                                <td><kbd>{s.keys_label()}</kbd></td>
                                <td>{s.description}</td>
                            </tr>
                        }).collect_view()}
                        {CHART_KEYS.iter().map(|k| view! {
                            <tr data-testid="shortcut" data-keys=k.label data-scope="chart">
                                <td><kbd>{k.label}</kbd></td>
                                <td>{k.description}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="nk-hint">"Shortcuts never fire while you type in a field."</p>
            </div>
        </Show>
    }
}

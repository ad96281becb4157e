//! Throwaway dashboards: autosave to this browser's Recent list, open or discard recent
//! ones, start blank, from a template (`core::templates`) or from the demo, fork the open
//! dashboard into an editable copy under a new identity, export the dashboard as a JSON
//! file and import one (picker or drag-and-drop), and the light/dark theme switch.
//!
//! A dashboard opened from a link always gets its own Recent identity, so it never
//! overwrites the user's autosaved copies; Fork makes yet another copy to change freely.

use super::state::{use_app, AppState};
use crate::core::dashboards::shop_overview;
use crate::core::link::decode_fragment;
use crate::core::recent::{age, RecentEntry, RecentList};
use crate::core::spec::decode_dashboard_str;
use crate::core::templates::{build, fork, Template, TemplateSources};
use crate::io::clock::now_ms;
use crate::io::files::{download, read_text};
use crate::io::storage::{self, random_key, Store};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub(super) const RECENT_KEY: &str = "napkin.recent.v1";
const THEME_KEY: &str = "napkin.theme";

/// This browser's Recent list, and why it could not be read whole (if so).
pub(super) fn read_recent() -> (RecentList, Option<String>) {
    RecentList::decode(storage::get(Store::Local, RECENT_KEY).as_deref())
}

/// Autosave lives in `autosave.rs` (revisions, conflicts between tabs).
pub use super::autosave::use_autosave;

/// Applies the saved theme preference (`light`, `dark`, or the system's).
pub fn apply_saved_theme() {
    set_theme(storage::get(Store::Local, THEME_KEY).as_deref().unwrap_or("system"));
}

fn set_theme(theme: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Imports a dashboard file; problems are reported through the link notice.
pub(super) async fn import_file(state: AppState, file: web_sys::File) {
    let text = read_text(file.clone()).await;
    // A postmortem snapshot opens in read-only snapshot mode (`ui::snapshot`).
    if let Ok(t) = &text {
        match super::snapshot::open_snapshot(state, t) {
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => {
                state.link_error.set(Some(format!("The snapshot could not be opened: {e}")));
                return;
            }
        }
    }
    let result = text.and_then(|text| decode_dashboard_str(&text).map_err(|e| e.to_string()));
    // Not a dashboard (or too big for one): a trace file opens in a waterfall panel.
    if result.is_err() && super::trace::open_trace_file(state, None, file, |_, _| {}).await.is_ok() {
        return;
    }
    match result {
        Ok((dashboard, warnings)) => {
            state.open(dashboard, random_key());
            state.link_warnings.set(warnings.iter().map(|w| w.to_string()).collect());
        }
        Err(e) => state.link_error.set(Some(format!("The file could not be imported: {e}"))),
    }
}

/// Accepts dashboard files dropped anywhere on the page.
pub fn use_file_drop(state: AppState) {
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        let file = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            leptos::task::spawn_local(import_file(state, file));
        }
    });
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}

#[component]
pub fn LibraryMenu() -> impl IntoView {
    let state = use_app();
    let open = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let recent = Memo::new(move |_| {
        version.track();
        open.get().then(read_recent)
    });
    let theme = RwSignal::new(storage::get(Store::Local, THEME_KEY).unwrap_or_else(|| "system".into()));
    let service = RwSignal::new("gateway".to_string());
    let create = move |template: Template| {
        let sources = state.registry.with_untracked(|r| r.as_ref().map(TemplateSources::from_registry).unwrap_or_else(TemplateSources::demo));
        state.open(build(template, &service.get_untracked(), &sources), random_key());
        open.set(false);
    };
    let fork = move |_| {
        let d = state.dashboard.with_untracked(fork);
        state.open(d, random_key());
        open.set(false);
    };
    view! {
        <div class="nk-library">
            <button class="nk-button" data-testid="library" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Dashboards ▾"</button>
            <Show when=move || open.get()>
                <div class="nk-library-menu" data-testid="library-menu">
                    <div class="nk-library-actions">
                        <button class="nk-button" data-testid="new-blank" on:click=move |_| create(Template::Blank)>"New blank"</button>
                        <button class="nk-button" data-testid="new-template-incident-board" on:click=move |_| create(Template::IncidentBoard)>
                            "New " {Template::IncidentBoard.label()}
                        </button>
                        <span class="nk-template">
                            <button class="nk-button" data-testid="new-template-service-red" on:click=move |_| create(Template::ServiceRed)>
                                "New " {Template::ServiceRed.label()} " for"
                            </button>
                            <input class="nk-input nk-template-service" data-testid="template-service" list="nk-template-services"
                                aria-label="Service for the RED overview" prop:value=move || service.get()
                                on:input=move |ev| service.set(event_target_value(&ev))/>
                            <datalist id="nk-template-services">
                                {crate::core::demo::model::SERVICES.map(|s| view! { <option value=s/> }).collect_view()}
                            </datalist>
                        </span>
                        <button class="nk-button" on:click=move |_| { state.open(shop_overview(), random_key()); open.set(false); }>"New from demo"</button>
                        <button class="nk-button" data-testid="fork" title="An editable copy of this dashboard under a new name in Recent; the original stays as it is"
                            on:click=fork>"Fork"</button>
                        <label class="nk-check">"Theme"
                            <select class="nk-select" data-testid="theme" prop:value=move || theme.get()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    let _ = storage::set(Store::Local, THEME_KEY, &v);
                                    set_theme(&v);
                                    theme.set(v);
                                    // Canvases paint with theme colours: repaint them.
                                    state.refresh_now();
                                }>
                                <option value="system">"system"</option>
                                <option value="light">"light"</option>
                                <option value="dark">"dark"</option>
                            </select>
                        </label>
                    </div>
                    <h3 class="nk-library-head">"Recent in this browser"</h3>
                    {move || recent.get().map(|(list, warning)| {
                        let now = now_ms();
                        let current = state.doc_key.get_untracked();
                        view! {
                            {warning.map(|w| view! { <p class="nk-inline-error">{w}</p> })}
                            <ul class="nk-recent" data-testid="recent">
                                {list.entries.into_iter().map(|e| {
                                    let RecentEntry { key, title, last_opened_ms, panel_count, fragment, .. } = e;
                                    let is_current = key == current;
                                    let (k1, k2) = (key.clone(), key.clone());
                                    view! {
                                        <li class="nk-recent-item" class:nk-recent-current=is_current data-testid="recent-item" data-key=key.clone()
                                            data-title=title.clone() data-panel-count=panel_count data-last-opened-ms=last_opened_ms>
                                            <button class="nk-recent-open" on:click=move |_| {
                                                if let Some(d) = decode_fragment(&fragment).dashboard {
                                                    state.open(d, k1.clone());
                                                    open.set(false);
                                                }
                                            }>
                                                <span class="nk-recent-title">{title.clone()}</span>
                                                <span class="nk-recent-meta">{format!("{panel_count} panels · {}", age(last_opened_ms, now))}</span>
                                            </button>
                                            <button class="nk-icon" title="Discard" data-testid="recent-discard" disabled=is_current
                                                on:click=move |_| {
                                                    let (mut l, _) = read_recent();
                                                    l.discard(&k2);
                                                    let _ = storage::set(Store::Local, RECENT_KEY, &l.encode());
                                                    version.update(|v| *v += 1);
                                                }>"✕"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <button class="nk-button" data-testid="discard-all" on:click=move |_| {
                                let (mut l, _) = read_recent();
                                l.discard_all(Some(&state.doc_key.get_untracked()));
                                let _ = storage::set(Store::Local, RECENT_KEY, &l.encode());
                                version.update(|v| *v += 1);
                            }>"Discard all others"</button>
                        }
                    })}
                </div>
            </Show>
            <super::autosave::SaveConflict/>
            <Show when=move || state.save_problem.with(Option::is_some)>
                <span class="nk-inline-error" data-testid="save-problem">{move || state.save_problem.get().unwrap_or_default()}</span>
            </Show>
        </div>
    }
}

/// Export the dashboard as a JSON file, and import one with a file picker; always in the
/// toolbar, so a dashboard too long for a link is one click from a file.
#[component]
pub fn FileButtons() -> impl IntoView {
    let state = use_app();
    let export = move |_| {
        let d = state.dashboard.get_untracked();
        let text = serde_json::to_string_pretty(&d).unwrap_or_default();
        let safe: String = d.title.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        if let Err(e) = download(&format!("napkin-{}.json", safe.trim_matches('-')), &text, "application/json") {
            state.save_problem.set(Some(format!("Export failed: {e}")));
        }
    };
    view! {
        <button class="nk-button" data-testid="export-json" title="Download this dashboard as a JSON file" on:click=export>"Export JSON"</button>
        <label class="nk-button nk-file" title="Open a dashboard JSON file">"Import JSON…"
            <input type="file" accept="application/json,.json" data-testid="import-json-input"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                        input.set_value("");
                        leptos::task::spawn_local(import_file(state, file));
                    }
                }/>
        </label>
    }
}

/// The `<input>` an event came from.
fn event_target<T: JsCast>(ev: &leptos::ev::Event) -> T {
    ev.target().expect("an input event has a target").unchecked_into()
}

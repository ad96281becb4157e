//! The root component: reads the link, provides state, starts the clocks and the fetcher,
//! keeps the URL in step with the dashboard, and lays out the page.

use super::banner::Banner;
use super::editor::PanelEditor;
use super::fetcher::use_panel_fetcher;
use super::grid::Grid;
use super::notices::Notices;
use super::share::ShareBox;
use super::library::{apply_saved_theme, use_autosave, use_file_drop, LibraryMenu};
use super::state::AppState;
use super::status_line::DatasourceStatusLine;
use super::time_picker::{RefreshPicker, TimePicker, ZoneToggle};
use super::variables::VariablesBar;
use crate::core::dashboards::shop_overview;
use crate::core::link::{decode_fragment, encode_share};
use crate::core::refresh::{effective_refresh_s, jittered_delay_ms};
use crate::core::spec::Dashboard;
use crate::io::clock::now_ms;
use crate::io::config::load_registry;
use crate::io::url;
use leptos::prelude::*;
use std::time::Duration;

/// Wires the page-wide `<input id="nk-trace-file">` of index.html (present before the app
/// loads, so it is in every page): a chosen file opens as a trace (or a dashboard), also
/// when it was chosen while the app was still loading.
fn use_page_file_input(state: AppState) {
    use wasm_bindgen::JsCast;
    let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("nk-trace-file"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let take = {
        let input = input.clone();
        move || {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                input.set_value("");
                leptos::task::spawn_local(super::library::import_file(state, file));
            }
        }
    };
    take();
    let on_change = wasm_bindgen::closure::Closure::<dyn Fn()>::new(take);
    let _ = input.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    // The input lives as long as the page, and so does its listener.
    on_change.forget();
}

/// Whether the tab is in the background.
fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false)
}

/// Schedules the next refresh of a chain; a newer chain (`generation`) silently ends it.
fn schedule_refresh(state: AppState, seconds: u32, mine: u64, generation: StoredValue<u64>, missed: StoredValue<bool>) {
    let delay = jittered_delay_ms(seconds, js_sys::Math::random());
    set_timeout(
        move || {
            if generation.try_get_value() != Some(mine) {
                return;
            }
            if page_hidden() {
                missed.set_value(true);
            } else {
                state.refresh_now();
            }
            schedule_refresh(state, seconds, mine, generation, missed);
        },
        Duration::from_millis(delay as u64),
    );
}

/// The last part of the page mounted by [`App`] in its own task.
const LAST_STAGE: u8 = 3;

/// Moves `stage` on by one in a new task (a zero-delay timer), until [`LAST_STAGE`].
fn advance_stage(stage: RwSignal<u8>) {
    set_timeout(
        move || {
            let Some(now) = stage.try_get_untracked() else { return };
            if now < LAST_STAGE {
                stage.set(now + 1);
                advance_stage(stage);
            }
        },
        Duration::ZERO,
    );
}

/// Reads the fragment: the dashboard to show, plus any error and warnings about the link.
fn read_link() -> (Dashboard, Option<String>, Vec<String>) {
    let outcome = decode_fragment(&url::fragment());
    let warnings = outcome.warnings.iter().map(|w| w.to_string()).collect();
    let error = outcome.error.map(|e| e.to_string());
    let dashboard = match (outcome.dashboard, &error) {
        (Some(d), _) => d,
        (None, None) => shop_overview(),
        (None, Some(_)) => Dashboard { title: "Unreadable link".into(), panels: Vec::new(), layout: Vec::new(), ..shop_overview() },
    };
    (dashboard, error, warnings)
}

#[component]
pub fn App() -> impl IntoView {
    let (initial, error, warnings) = read_link();
    let state = AppState::provide(initial);
    super::notes::provide_note_draft();
    super::snapshot::provide_snapshot_mode();
    super::var_options::provide_var_options();
    state.link_error.set(error);
    state.link_warnings.set(warnings);

    leptos::task::spawn_local(async move {
        let (registry, notes) = load_registry().await;
        state.config_notes.set(notes);
        state.registry.set(Some(registry));
    });

    // The URL follows the dashboard. The first run is skipped so an opened link stays
    // exactly as it was pasted (including a damaged one, which the user may want to fix).
    Effect::new(move |prev: Option<()>| {
        // The first run only subscribes: encoding the dashboard it would not write is
        // start-up time spent for nothing (≈ 4 ms of the start task in B4's profile).
        if prev.is_none() {
            state.dashboard.track();
            return;
        }
        let encoded = state.dashboard.with(encode_share);
        let key = state.doc_key.get_untracked();
        if let Some(mode) = state.next_history.get_value() {
            url::set_fragment(&encoded, mode, &key);
        }
    });

    // Back/forward and pasted links: re-read the fragment when it changes under us.
    let on_nav = move || {
        let current = state.dashboard.with_untracked(encode_share);
        if url::fragment() == current {
            return;
        }
        let (dashboard, error, warnings) = read_link();
        state.link_error.set(error);
        state.link_warnings.set(warnings);
        // Back/forward finds the identity in the history entry; a pasted link has none.
        let key = url::state_key().unwrap_or_else(crate::io::storage::random_key);
        url::remember_key(&key);
        state.doc_key.set(key);
        state.load_from_url(dashboard);
    };
    let hash = window_event_listener(leptos::ev::hashchange, move |_| on_nav());
    let pop = window_event_listener(leptos::ev::popstate, move |_| on_nav());
    let online = window_event_listener(leptos::ev::online, move |_| state.refresh_now());
    on_cleanup(move || {
        hash.remove();
        pop.remove();
        online.remove();
    });

    // The wall clock for staleness and ageing.
    if let Ok(handle) = set_interval_with_handle(move || state.clock_ms.set(now_ms()), Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }

    // Auto-refresh: jittered, never faster than the datasources allow, off for frozen
    // ranges, and paused while the tab is hidden (one refresh on return if one was due).
    let interval = Memo::new(move |_| {
        state.registry.with(|r| r.as_ref().and_then(|r| state.dashboard.with(|d| effective_refresh_s(d, r))))
    });
    let generation = StoredValue::new(0u64);
    let missed = StoredValue::new(false);
    Effect::new(move |_| {
        let interval = interval.get();
        generation.update_value(|g| *g += 1);
        if let Some(seconds) = interval {
            schedule_refresh(state, seconds, generation.get_value(), generation, missed);
        }
    });
    let visibility = window_event_listener_untyped("visibilitychange", move |_| {
        if !page_hidden() && missed.get_value() {
            missed.set_value(false);
            state.refresh_now();
        }
    });
    on_cleanup(move || visibility.remove());

    use_panel_fetcher(state);
    apply_saved_theme();
    use_autosave(state);
    use_file_drop(state);
    use_page_file_input(state);
    super::health::use_health_poller(state);

    // Keyboard shortcuts and the phone layout's collapsible header menu (issue #6, comfort).
    let menu_open = RwSignal::new(false);
    let help = super::shortcuts::use_shortcuts(menu_open);

    // The page mounts in later tasks, one part per task (toolbar; context lines, notices and
    // banner; grid and editor), so the start is several short main-thread tasks rather than
    // one long one (B4: the mount of the whole page was a 100 ms task of script here).
    let stage = RwSignal::new(0u8);
    advance_stage(stage);

    view! {
        <div class="nk-app">
            <Show when=move || { stage.get() >= 1 }>
                <header class="nk-toolbar" class:nk-toolbar-open=move || menu_open.get()>
                    <button class="nk-button nk-menu-toggle" data-testid="menu-toggle" aria-label="Menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|o| *o = !*o)>"☰"</button>
                    <LibraryMenu/>
                    <super::editor::DashboardTitle/>
                    <TimePicker/>
                    <RefreshPicker/>
                    <ZoneToggle/>
                    <button class="nk-button" data-testid="add-panel" on:click=move |_| {
                        let id = state.dashboard.with_untracked(|d| crate::core::editor::fresh_id(d.panels.iter().map(|p| p.id.as_str())));
                        state.editing.set(Some(crate::core::editor::PanelDraft::new(id, crate::core::datasource::DEMO.into())));
                    }>"+ Add panel"</button>
                    <super::editor::UndoButtons/>
                    <super::library::FileButtons/>
                    <label class="nk-button" for="nk-trace-file" title="Open a trace (OTLP, Jaeger, Tempo or Zipkin JSON) or a dashboard file">
                        "Open trace file…"
                    </label>
                    <ShareBox/>
                    <button class="nk-button" data-testid="shortcuts-button" title="Keyboard shortcuts (?)"
                        aria-label="Keyboard shortcuts" on:click=move |_| help.0.update(|o| *o = !*o)>"?"</button>
                </header>
            </Show>
            <Show when=move || { stage.get() >= 2 }>
                <super::shortcuts::ShortcutsHelp/>
                <super::breadcrumbs::Breadcrumbs/>
                // A labelled region (laid out as if it were not there) so every line is in a landmark.
                <section class="nk-context" aria-label="Datasources and variables">
                    <DatasourceStatusLine/>
                    <VariablesBar/>
                </section>
                <Notices/>
                <Banner/>
                <super::notes::NotesBar/>
            </Show>
            <Show when=move || { stage.get() >= 3 }>
                <Grid/>
                <PanelEditor/>
            </Show>
        </div>
    }
}

//! The root component: reads the link, provides state, starts the clocks and the fetcher,
//! keeps the URL in step with the dashboard, and lays out the page.

use super::banner::Banner;
use super::editor::PanelEditor;
use super::fetcher::use_panel_fetcher;
use super::grid::Grid;
use super::notices::Notices;
use super::share::ShareBox;
use super::state::AppState;
use super::time_picker::{RefreshPicker, TimePicker, ZoneToggle};
use super::variables::VariablesBar;
use crate::core::dashboards::shop_overview;
use crate::core::link::{decode_fragment, encode_share};
use crate::core::spec::Dashboard;
use crate::io::clock::now_ms;
use crate::io::config::load_registry;
use crate::io::url;
use leptos::prelude::*;
use std::time::Duration;

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
        let encoded = state.dashboard.with(encode_share);
        if prev.is_none() {
            return;
        }
        if let Some(mode) = state.next_history.get_value() {
            url::set_fragment(&encoded, mode);
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

    // Auto-refresh at the dashboard's interval.
    Effect::new(move |prev: Option<Option<IntervalHandle>>| {
        if let Some(Some(old)) = prev {
            old.clear();
        }
        let seconds = state.dashboard.with(|d| d.refresh_s);
        (seconds > 0)
            .then(|| set_interval_with_handle(move || state.refresh_now(), Duration::from_secs(seconds as u64)).ok())
            .flatten()
    });

    use_panel_fetcher(state);
    super::health::use_health_poller(state);

    view! {
        <div class="nk-app">
            <header class="nk-toolbar">
                <h1 class="nk-title">{move || state.dashboard.with(|d| d.title.clone())}</h1>
                <TimePicker/>
                <RefreshPicker/>
                <ZoneToggle/>
                <button class="nk-button" data-testid="add-panel" on:click=move |_| {
                    let id = state.dashboard.with_untracked(|d| crate::core::editor::fresh_id(d.panels.iter().map(|p| p.id.as_str())));
                    state.editing.set(Some(crate::core::editor::PanelDraft::new(id, crate::core::datasource::DEMO.into())));
                }>"+ Add panel"</button>
                <ShareBox/>
            </header>
            <VariablesBar/>
            <Notices/>
            <Banner/>
            <Grid/>
            <PanelEditor/>
        </div>
    }
}

//! Postmortem snapshots at the edge: "Export snapshot" writes the dashboard (frozen at its
//! window) with every fetched frame as one JSON file (`core::snapshot`); importing such a
//! file (through the usual import path) opens it in a read-only snapshot mode in which the
//! fetcher serves the stored frames instead of asking any datasource.
//!
//! Health grids store their last poll per service and trace panels their search rows or
//! opened trace; in snapshot mode they read those and call nothing ([`stored_health`],
//! [`stored_trace`]). A snapshot judges staleness at the instant it was taken. Charts store
//! their exemplar markers (not the traces behind them) and show them again
//! ([`stored_exemplars`]).

use super::state::AppState;
use crate::core::frame::Frame;
use crate::core::share::shared_dashboard;
use crate::core::snapshot::{
    decode, encode_bounded, CheckHistory, HealthPoll, PanelData, Snapshot, SnapshotError, StoredExemplars,
    TracePanel,
};
use crate::core::time::{format_rfc3339_utc, TimeRange};
use crate::io::clock::now_ms;
use crate::io::files::download;
use leptos::prelude::*;
use std::cell::Cell;
use std::sync::Arc;

/// The open snapshot and the Recent key of the dashboard it belongs to.
type Active = Option<(String, Arc<Snapshot>)>;

thread_local! {
    /// The page's snapshot-mode signal, reachable from the fetcher's tasks (which run
    /// outside any component).
    static MODE: Cell<Option<RwSignal<Active>>> = const { Cell::new(None) };
}

/// Creates the page's snapshot-mode state (called once by the app).
pub fn provide_snapshot_mode() {
    MODE.with(|m| m.set(Some(RwSignal::new(None))));
}

fn mode() -> Option<RwSignal<Active>> {
    MODE.with(Cell::get)
}

/// The snapshot shown now, if the open dashboard is one.
fn current(state: AppState, tracked: bool) -> Option<Arc<Snapshot>> {
    let mode = mode()?;
    let key = if tracked {
        state.doc_key.get()
    } else {
        state.doc_key.get_untracked()
    };
    let pick = |a: &Active| {
        a.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, s)| s.clone())
    };
    if tracked {
        mode.with(pick)
    } else {
        mode.with_untracked(pick)
    }
}

/// True while the open dashboard is a snapshot.
pub fn active(state: AppState) -> bool {
    current(state, false).is_some()
}

/// True while the open dashboard is a snapshot, tracked: a reader re-runs when the page
/// enters or leaves snapshot mode (variable options re-load after "Leave snapshot").
pub fn active_tracked(state: AppState) -> bool {
    current(state, true).is_some()
}

/// In snapshot mode (tracked), the exemplars a chart stored (`Some(None)` when it stored
/// none); `None` outside snapshot mode, where charts show the exemplars they fetch.
pub fn stored_exemplars(state: AppState, panel_id: &str) -> Option<Option<StoredExemplars>> {
    current(state, true).map(|s| s.exemplars_of(panel_id).cloned())
}

/// In snapshot mode, the stored frames of a panel and the range they cover (none stored:
/// no frames); `None` outside snapshot mode, where panels fetch as usual.
pub fn stored(state: AppState, panel_id: &str) -> Option<(Result<Vec<Frame>, String>, TimeRange)> {
    let snap = current(state, false)?;
    let fallback = state.range.get_untracked();
    Some(match snap.panel(panel_id) {
        Some(p) => (Ok(p.frames.clone()), p.range),
        None => (Ok(Vec::new()), fallback),
    })
}

/// In snapshot mode (tracked), the instant the snapshot was taken and its stored health
/// polls; `None` outside snapshot mode, where health grids poll as usual.
pub fn stored_health(state: AppState) -> Option<(i64, Vec<HealthPoll>)> {
    current(state, true).map(|s| (s.taken_at_ms, s.health.clone()))
}

/// In snapshot mode, what a trace panel stored (`Some(None)` when it stored nothing);
/// `None` outside snapshot mode, where trace panels ask their datasource.
pub fn stored_trace(state: AppState, panel_id: &str) -> Option<Option<TracePanel>> {
    current(state, false).map(|s| s.trace_panel(panel_id).cloned())
}

/// Opens a snapshot file's text. `Ok(false)` when the text is not a snapshot (the caller
/// then reads it as a dashboard); an error when it is one that cannot be read.
pub fn open_snapshot(state: AppState, text: &str) -> Result<bool, String> {
    if !crate::core::snapshot::looks_like_snapshot(text) {
        return Ok(false);
    }
    match decode(text) {
        Ok((snap, warnings)) => {
            let key = crate::io::storage::random_key();
            let dashboard = snap.dashboard.clone();
            if let Some(m) = mode() {
                m.set(Some((key.clone(), Arc::new(snap))));
            }
            state.open(dashboard, key);
            state
                .link_warnings
                .set(warnings.iter().map(|w| w.to_string()).collect());
            Ok(true)
        }
        Err(SnapshotError::NotSnapshot) | Err(SnapshotError::NotJson(_)) => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}

/// The snapshot of what the page shows now: the dashboard frozen at its window, and every
/// panel's fetched frames.
fn take(
    state: AppState,
    health: Option<super::health::HealthStore>,
    options: super::var_options::VarOptions,
    exemplars: Option<super::exemplars::ExemplarStore>,
) -> Snapshot {
    let now = now_ms();
    let dashboard = state.dashboard.with_untracked(|d| {
        let resolved = options.resolved_untracked(&d.variables);
        shared_dashboard(d, state.anchor_ms.get_untracked(), now, false, &resolved).dashboard
    });
    let data = state.fetches.with_untracked(|m| {
        dashboard
            .panels
            .iter()
            .filter_map(|p| {
                let f = m.get(&p.id)?;
                Some(PanelData {
                    panel: p.id.clone(),
                    range: f.data_range?,
                    frames: f.frames.as_ref()?.as_ref().clone(),
                })
            })
            .collect()
    });
    let health = health.map(health_polls).unwrap_or_default();
    let traces = dashboard
        .panels
        .iter()
        .filter_map(|p| super::trace::shown(&p.id))
        .collect();
    // A snapshot of a snapshot keeps the markers it stored; a live page stores what its
    // charts show.
    let open = current(state, false);
    let exemplars = match (&open, exemplars) {
        (Some(s), _) => s.exemplars.clone(),
        (None, Some(store)) => store.stored_untracked(dashboard.panels.iter().map(|p| p.id.as_str())),
        (None, None) => Vec::new(),
    };
    Snapshot {
        taken_at_ms: open.map(|s| s.taken_at_ms).unwrap_or(now),
        dashboard,
        data,
        health,
        traces,
        exemplars,
    }
}

/// The newest poll of every service a health grid panel shows, with the history each of
/// its checks' strips shows.
fn health_polls(store: super::health::HealthStore) -> Vec<HealthPoll> {
    let wanted: Vec<(String, String)> = store.plans.with_untracked(|plans| {
        let mut w: Vec<(String, String)> = plans
            .iter()
            .filter_map(|(_, p)| p.as_ref())
            .flat_map(|p| {
                p.targets
                    .iter()
                    .map(|t| (t.datasource.clone(), t.service.clone()))
            })
            .collect();
        w.sort();
        w.dedup();
        w
    });
    store.data.with_untracked(|d| {
        wanted
            .iter()
            .filter_map(|(ds, service)| {
                d.get(ds, service).map(|polled| {
                    let book = d.books.get(ds);
                    let history = polled
                        .probe
                        .checks
                        .iter()
                        .filter_map(|c| {
                            let h = book?.get(service, &c.name)?;
                            Some(CheckHistory { check: c.name.clone(), polls: h.entries().collect() })
                        })
                        .collect();
                    HealthPoll { datasource: ds.clone(), polled: polled.clone(), history }
                })
            })
            .collect()
    })
}

/// The "Export snapshot" button and, in snapshot mode, the read-only notice.
#[component]
pub fn SnapshotControls() -> impl IntoView {
    let state = super::state::use_app();
    let problem = RwSignal::new(None::<String>);
    let health = use_context::<super::health::HealthStore>();
    let options = super::var_options::use_var_options();
    let exemplars = super::exemplars::use_exemplar_store();
    let export = move |_| {
        let snap = take(state, health, options, exemplars);
        let safe: String = snap
            .dashboard
            .title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let name = format!("napkin-snapshot-{}.json", safe.trim_matches('-'));
        let written = encode_bounded(&snap)
            .map_err(|e| e.to_string())
            .and_then(|text| download(&name, &text, "application/json"));
        problem.set(written.err().map(|e| format!("Export failed: {e}")));
    };
    let taken = move || current(state, true).map(|s| format_rfc3339_utc(s.taken_at_ms));
    view! {
        <button class="nk-button" data-testid="export-snapshot" on:click=export
            title="Save this dashboard with the data it shows as one file that opens later without any backend">"Export snapshot"</button>
        <span class="nk-note-error">{move || problem.get().unwrap_or_default()}</span>
        <Show when=move || taken().is_some()>
            <span class="nk-snapshot-mode" data-testid="snapshot-mode">
                {move || format!("Snapshot taken {}: read-only, showing stored data; nothing is fetched.", taken().unwrap_or_default())}
                " "
                <button class="nk-button" data-testid="snapshot-leave" on:click=move |_| {
                    if let Some(m) = mode() {
                        m.set(None);
                    }
                    state.refresh_now();
                }>"Leave snapshot"</button>
            </span>
        </Show>
    }
}

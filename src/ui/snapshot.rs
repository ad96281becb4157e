//! Postmortem snapshots at the edge: "Export snapshot" writes the dashboard (frozen at its
//! window) with every fetched frame as one JSON file (`core::snapshot`); importing such a
//! file (through the usual import path) opens it in a read-only snapshot mode in which the
//! fetcher serves the stored frames instead of asking any datasource.
//!
//! Only metric frames are stored; health and trace panels in a snapshot show live data
//! when their datasource answers, or their usual error when it does not.

use super::state::AppState;
use crate::core::frame::Frame;
use crate::core::share::shared_dashboard;
use crate::core::snapshot::{decode, encode, PanelData, Snapshot, SnapshotError};
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
    let key = if tracked { state.doc_key.get() } else { state.doc_key.get_untracked() };
    let pick = |a: &Active| a.as_ref().filter(|(k, _)| *k == key).map(|(_, s)| s.clone());
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
            state.link_warnings.set(warnings.iter().map(|w| w.to_string()).collect());
            Ok(true)
        }
        Err(SnapshotError::NotSnapshot) | Err(SnapshotError::NotJson(_)) => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}

/// The snapshot of what the page shows now: the dashboard frozen at its window, and every
/// panel's fetched frames.
fn take(state: AppState) -> Snapshot {
    let now = now_ms();
    let dashboard = state.dashboard.with_untracked(|d| shared_dashboard(d, state.anchor_ms.get_untracked(), now, false));
    let data = state.fetches.with_untracked(|m| {
        dashboard
            .panels
            .iter()
            .filter_map(|p| {
                let f = m.get(&p.id)?;
                Some(PanelData { panel: p.id.clone(), range: f.data_range?, frames: f.frames.as_ref()?.as_ref().clone() })
            })
            .collect()
    });
    Snapshot { taken_at_ms: current(state, false).map(|s| s.taken_at_ms).unwrap_or(now), dashboard, data }
}

/// The "Export snapshot" button and, in snapshot mode, the read-only notice.
#[component]
pub fn SnapshotControls() -> impl IntoView {
    let state = super::state::use_app();
    let problem = RwSignal::new(None::<String>);
    let export = move |_| {
        let snap = take(state);
        let safe: String = snap.dashboard.title.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        let name = format!("napkin-snapshot-{}.json", safe.trim_matches('-'));
        problem.set(download(&name, &encode(&snap), "application/json").err().map(|e| format!("Export failed: {e}")));
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

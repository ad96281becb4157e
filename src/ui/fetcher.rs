//! Runs every panel's query plan when the dashboard, the range, the datasources or the
//! refresh tick change, and records results in `AppState::fetches`. Panels never fetch:
//! they read what this stores. Failed panels retry with backoff on their own.

use super::state::AppState;
use crate::core::datasource::Registry;
use crate::core::plan::jobs_for;
use crate::core::spec::{resolve_layout, Panel, GRID_COLUMNS};
use crate::core::time::TimeRange;
use crate::core::vars::apply_to_panel;
use crate::io::clock::now_ms;
use crate::io::runner;
use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

thread_local! {
    /// The running task of each panel; a new attempt aborts the previous one, which drops
    /// its wait on any shared request (and so aborts the request if nobody else waits).
    static RUNNING: RefCell<HashMap<String, AbortHandle>> = RefCell::new(HashMap::new());
    /// What each panel last asked for; a round that would ask for exactly the same again
    /// (a move, a rename, a live preview of a title) leaves the panel's data alone.
    static ASKED: RefCell<HashMap<String, Asked>> = RefCell::new(HashMap::new());
}

/// A panel's requests in one round: the dashboard they belong to, the refresh tick, the
/// datasource and the query jobs (which carry the aligned range and the step).
#[derive(Clone, PartialEq)]
struct Asked {
    doc: String,
    tick: u64,
    datasource: String,
    jobs: Vec<crate::core::plan::QueryJob>,
}

/// Stops every panel's running task (used when the app unmounts).
pub fn abort_all() {
    RUNNING.with(|r| r.borrow_mut().drain().for_each(|(_, h)| h.abort()));
    ASKED.with(|a| a.borrow_mut().clear());
}

/// Starts the fetch driver for the app.
pub fn use_panel_fetcher(state: AppState) {
    on_cleanup(abort_all);
    super::exemplars::install_store();
    Effect::new(move |previous: Option<Option<FetchInputs>>| {
        let tick = state.refresh_tick.get();
        let doc = state.doc_key.get();
        let range = state.range.get();
        let registry = state.registry.get()?;
        let (panels, layout, vars) = state.dashboard.with(|d| (d.panels.clone(), resolve_layout(d), d.variables.clone()));
        let inputs = FetchInputs { panels: panels.clone(), vars: vars.clone(), time: state.dashboard.with(|d| d.time), registry: registry.clone() };
        // A refresh tick alone (nothing but the clock moved) leaves a panel whose attempt is
        // still running alone: superseding it would abort its request before the timeout
        // ends it, so a hanging backend would show "loading" forever instead of an error.
        let tick_only = previous.flatten().as_ref() == Some(&inputs);
        let page_px = web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(1280.0);
        for panel in panels {
            let cols = layout.iter().find(|l| l.panel == panel.id).map(|l| l.w).unwrap_or(GRID_COLUMNS);
            let width = (page_px * cols as f64 / GRID_COLUMNS as f64).round().max(100.0) as u32;
            let panel = Panel { def: apply_to_panel(&panel.def, &vars), ..panel };
            let running = state.fetches.with_untracked(|m| m.get(&panel.id).is_some_and(|f| f.in_flight));
            if tick_only && running {
                continue;
            }
            let asked = Asked { doc: doc.clone(), tick, datasource: panel.datasource.clone(), jobs: jobs_for(&panel.def, range, width) };
            let has_entry = state.fetches.with_untracked(|m| m.contains_key(&panel.id));
            let same = ASKED.with(|a| a.borrow().get(&panel.id) == Some(&asked));
            if same && has_entry && !asked.jobs.is_empty() {
                continue;
            }
            ASKED.with(|a| a.borrow_mut().insert(panel.id.clone(), asked));
            fetch_panel(state, panel, range, registry.clone(), width);
        }
        Some(inputs)
    });
}

/// What a fetch round depends on besides the clock: a round with the same inputs is a
/// refresh tick.
#[derive(Clone, PartialEq)]
struct FetchInputs {
    panels: Vec<Panel>,
    vars: Vec<crate::core::spec::Variable>,
    time: crate::core::spec::TimeSpec,
    registry: Registry,
}

fn fetch_panel(state: AppState, panel: Panel, range: TimeRange, registry: Registry, width_px: u32) {
    let id = panel.id.clone();
    let Some(generation) = state.fetches.try_update(|m| m.entry(id.clone()).or_default().begin()) else { return };
    let (handle, registration) = AbortHandle::new_pair();
    if let Some(previous) = RUNNING.with(|r| r.borrow_mut().insert(id.clone(), handle)) {
        previous.abort();
    }
    let task = async move {
        let jobs = jobs_for(&panel.def, range, width_px);
        // A snapshot (`ui::snapshot`) serves its stored frames and their range instead.
        let (result, range, live) = match super::snapshot::stored(state, &id) {
            Some((stored, range)) => (stored, range, false),
            None => (runner::run(&registry, &panel.datasource, &jobs).await, range, true),
        };
        let succeeded = result.is_ok();
        let now = now_ms();
        let phase = crate::io::bench::phase(crate::io::bench::Phase::Store);
        let retry = state
            .fetches
            .try_update(|m| {
                let entry = m.entry(id.clone()).or_default();
                let current = match result {
                    Ok(frames) => entry.succeed(generation, frames, range, now),
                    Err(message) => entry.fail(generation, message),
                };
                current.then(|| entry.retry_delay_ms()).flatten()
            })
            .flatten();
        drop(phase);
        // Exemplars come after the chart's data is stored and never fail the panel.
        // They wait until no panel query is queued for the datasource's connections:
        // 24 exemplar requests interleaved with 24 panel queries in 6 slots delayed the
        // last panels' data (B4).
        if live && succeeded {
            crate::io::http::until_quiet(&panel.datasource).await;
            super::exemplars::fetch_for(&panel, &jobs, &registry).await;
        }
        if let Some(delay) = retry {
            set_timeout(
                move || {
                    let still_current = state.fetches.with_untracked(|m| m.get(&panel.id).map(|f| f.generation) == Some(generation));
                    if still_current {
                        fetch_panel(state, panel, range, registry, width_px);
                    }
                },
                Duration::from_millis(delay as u64),
            );
        }
    };
    leptos::task::spawn_local(async move {
        let _ = Abortable::new(task, registration).await;
    });
}

//! Exemplars on charts: after a chart's data arrives, the fetcher asks for its exemplars
//! (`fetch_for`, through `io::exemplars`) and stores them per panel; the chart shows them as
//! small buttons over the plot (`ExemplarMarkers`), placed by `core::exemplars::markers`.
//! Clicking one opens its trace's waterfall as the level below (a breadcrumb leads back).
//! Exemplars never hold a chart up or fail it: an error is a quiet note under the chart.
//! The markers are one tab stop per chart; the arrow keys move between them.

use super::drill::open_level;
use crate::core::chart::ChartModel;
use crate::core::datasource::{DatasourceKind, Registry, DEMO};
use crate::core::drill::bucket_window;
use crate::core::exemplars::{collect, label, markers, trace_level, ExemplarPoint, MAX_EXEMPLARS};
use crate::core::fetch_state::PanelFetch;
use crate::core::plan::QueryJob;
use crate::core::spec::{Panel, PanelDef};
use crate::core::templates::TemplateSources;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// One chart's exemplars: the points (capped), the trace datasource their traces open in
/// (`None`: no trace backend is configured), and a note when something is missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelExemplars {
    pub points: Arc<Vec<ExemplarPoint>>,
    pub traces: Option<String>,
    pub note: Option<String>,
}

/// Every chart's exemplars by panel id, provided once for the page.
#[derive(Clone, Copy)]
pub struct ExemplarStore(RwSignal<HashMap<String, PanelExemplars>>);

thread_local! {
    /// The page's store, kept for the fetch tasks (which run outside the reactive owner).
    static STORE: std::cell::Cell<Option<ExemplarStore>> = const { std::cell::Cell::new(None) };
}

/// Provides the store for the page's charts and keeps it for the fetch tasks (called once
/// by the fetch driver, which fills it).
pub fn install_store() {
    let store = ExemplarStore(RwSignal::new(HashMap::new()));
    provide_context(store);
    STORE.with(|s| s.set(Some(store)));
}

/// The store, if the page has one (a chart mounted on its own, as in component tests,
/// has no exemplars).
pub fn use_exemplar_store() -> Option<ExemplarStore> {
    use_context::<ExemplarStore>()
}

/// Where a metrics datasource's exemplar traces open: the demo's own traces for the demo;
/// for a real backend the configured trace datasource, never the demo's simulated traces.
fn traces_for(registry: &Registry, metrics: &str) -> Option<String> {
    let kind = registry.get(metrics).ok()?.kind;
    if kind == DatasourceKind::Demo {
        return Some(DEMO.to_string());
    }
    let traces = TemplateSources::from_registry(registry).traces;
    (traces != DEMO).then_some(traces)
}

/// Asks for a time-series panel's exemplars and stores them (other panels: nothing). Runs
/// after the panel's data is stored, inside the panel's fetch task, so a newer round
/// aborts it with the rest.
pub async fn fetch_for(panel: &Panel, jobs: &[QueryJob], registry: &Registry) {
    let Some(store) = STORE.with(|s| s.get()) else { return };
    if !matches!(panel.def, PanelDef::Timeseries(_)) {
        return;
    }
    let entry = match crate::io::exemplars::fetch(registry, &panel.datasource, jobs).await {
        Ok(None) => PanelExemplars::default(),
        Ok(Some(answers)) => {
            let collected = collect(&answers, MAX_EXEMPLARS);
            PanelExemplars { note: collected.note(), points: Arc::new(collected.points), traces: traces_for(registry, &panel.datasource) }
        }
        Err(e) => PanelExemplars { note: Some(format!("Exemplars could not be loaded: {e}")), ..PanelExemplars::default() },
    };
    store.0.try_update(|m| {
        if m.get(&panel.id) != Some(&entry) {
            m.insert(panel.id.clone(), entry);
        }
    });
}

/// A distinct id per marker group, for the markers' element ids.
fn next_group() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Moves the keyboard focus to marker `i` of group `group`.
fn focus_marker(group: u64, i: usize) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("nk-exemplar-{group}-{i}")));
    if let Some(e) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = e.focus();
    }
}

/// The exemplar markers of panel `panel_id` over its chart, and the chart's exemplar note.
#[component]
pub fn ExemplarMarkers(
    panel_id: String,
    fetch: Memo<PanelFetch>,
    model: Memo<Option<ChartModel>>,
    width: RwSignal<f64>,
    height: RwSignal<f64>,
) -> impl IntoView {
    let state = super::state::use_app();
    let store = use_exemplar_store();
    let entry = Memo::new(move |_| store.and_then(|s| s.0.with(|m| m.get(&panel_id).cloned())).unwrap_or_default());
    let placed = Memo::new(move |_| {
        let (w, h) = (width.get(), height.get());
        let points = entry.with(|e| e.points.clone());
        model.with(|m| {
            let Some(m) = m else { return Vec::new() };
            markers(m, &points, w, h).into_iter().map(|mk| (mk.clone(), points[mk.index].clone(), label(&points[mk.index], m.unit))).collect::<Vec<_>>()
        })
    });
    let group = next_group();
    let active = RwSignal::new(0usize);
    let open = move |p: &ExemplarPoint| {
        let Some(ds) = entry.with_untracked(|e| e.traces.clone()) else { return };
        let step = fetch.with_untracked(|f| f.frames.as_ref().and_then(|fr| fr.first().map(|x| x.step_ms)).filter(|s| *s > 0)).unwrap_or(60_000);
        let (from, to) = bucket_window(p.t_ms, step);
        let d = state.dashboard.with_untracked(|d| trace_level(d, &p.trace_id, from, to, &ds));
        open_level(state, d);
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let count = placed.with_untracked(|p| p.len());
        if count == 0 {
            return;
        }
        let now = active.get_untracked().min(count - 1);
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowUp" => (now + 1).min(count - 1),
            "ArrowLeft" | "ArrowDown" => now.saturating_sub(1),
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        active.set(next);
        focus_marker(group, next);
    };
    view! {
        <div class="nk-exemplars" role="group" aria-label="Exemplars: samples linked to traces" data-testid="exemplars"
            data-count=move || placed.with(|p| p.len()).to_string() on:keydown=on_key>
            {move || {
                let has_traces = entry.with(|e| e.traces.is_some());
                let shown = placed.get();
                let current = active.get().min(shown.len().saturating_sub(1));
                shown.into_iter().enumerate().map(|(i, (mk, p, text))| {
                    let title = if has_traces { text.clone() } else { format!("{text} No trace datasource is configured.") };
                    let point = p.clone();
                    view! {
                        <button type="button" class="nk-exemplar" class:nk-exemplar-clamped=mk.clamped data-testid="exemplar"
                            id=format!("nk-exemplar-{group}-{i}")
                            data-trace-id=p.trace_id.clone() data-ts-ms=p.t_ms.to_string() data-value=p.value.to_string()
                            aria-label=text title=title aria-disabled=(!has_traces).then_some("true")
                            tabindex=if i == current { "0" } else { "-1" }
                            style=format!("left: {:.1}px; top: {:.1}px", mk.left_px, mk.top_px)
                            on:focus=move |_| active.set(i)
                            on:mousedown=|ev| ev.stop_propagation()
                            on:click=move |_| open(&point)></button>
                    }
                }).collect_view()
            }}
        </div>
        <Show when=move || entry.with(|e| e.note.is_some())>
            <p class="nk-exemplar-note" data-testid="exemplar-note">{move || entry.with(|e| e.note.clone().unwrap_or_default())}</p>
        </Show>
    }
}

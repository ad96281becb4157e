//! Exemplars on charts: after a chart's data arrives, the fetcher asks for its exemplars
//! (`fetch_for`, through `io::exemplars`) and stores them per panel; the chart shows them as
//! small buttons over the plot (`ExemplarMarkers`), placed by `core::exemplars::markers`.
//! Clicking one opens its trace's waterfall as the level below (a breadcrumb leads back).
//! Exemplars never hold a chart up or fail it: an error is a quiet note under the chart.
//! The markers are one tab stop per chart; the arrow keys move between them.
//!
//! A snapshot shows the markers its charts stored (`ui::snapshot::stored_exemplars`); their
//! traces are not stored, so there a marker opens nothing and says so. On a phone-width
//! viewport markers get a 44 px tap area and are thinned (`core::exemplars::thin_for_taps`).

use super::drill::open_level;
use crate::core::chart::ChartModel;
use crate::core::datasource::{DatasourceKind, Registry, DEMO};
use crate::core::drill::bucket_window;
use crate::core::exemplars::{collect, label, markers, thin_for_taps, trace_level, ExemplarPoint, MAX_EXEMPLARS, NARROW_VIEWPORT_PX};
use crate::core::fetch_state::PanelFetch;
use crate::core::plan::QueryJob;
use crate::core::snapshot::StoredExemplars;
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
    /// True for a snapshot's stored markers, whose traces are not in the snapshot.
    pub frozen: bool,
}

/// The words a snapshot's markers carry: their traces were not stored.
const NOT_STORED: &str = "The trace is not in this snapshot.";

impl PanelExemplars {
    /// A snapshot's stored markers of one chart.
    fn from_snapshot(stored: StoredExemplars) -> Self {
        let gone = (!stored.points.is_empty()).then(|| "Exemplar traces are not in this snapshot; their markers open nothing.".to_string());
        let note = match (stored.note, gone) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        };
        Self { points: Arc::new(stored.points), traces: None, note, frozen: true }
    }
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

impl ExemplarStore {
    /// What the charts `panel_ids` show now (those with markers or a note), as a snapshot
    /// stores it.
    pub fn stored_untracked<'a>(&self, panel_ids: impl Iterator<Item = &'a str>) -> Vec<StoredExemplars> {
        self.0.with_untracked(|m| {
            panel_ids
                .filter_map(|id| {
                    let e = m.get(id).filter(|e| !e.points.is_empty() || e.note.is_some())?;
                    Some(StoredExemplars { panel: id.to_string(), points: e.points.as_ref().clone(), note: e.note.clone() })
                })
                .collect()
        })
    }
}

/// True when the viewport is phone-sized (the width below which the page lays out for
/// phones), so markers grow a tap area and are thinned.
fn narrow_viewport() -> bool {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|w| w <= NARROW_VIEWPORT_PX)
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
            PanelExemplars { note: collected.note(), points: Arc::new(collected.points), traces: traces_for(registry, &panel.datasource), frozen: false }
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

/// A marker's stable identity across refreshes (so a focused marker keeps its focus and
/// unchanged markers keep their elements): instant, trace and a hash of the series.
fn key_of(p: &ExemplarPoint) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.series.hash(&mut h);
    format!("{}-{}-{:x}", p.t_ms, p.trace_id, h.finish())
}

/// One placed marker: its key, its point and where it sits.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    key: String,
    point: ExemplarPoint,
    left: f64,
    top: f64,
    clamped: bool,
}

/// Moves the keyboard focus to the marker `key` of group `group`.
fn focus_marker(group: u64, key: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("nk-exemplar-{group}-{key}")));
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
    // A snapshot shows what its charts stored; a live page what its fetches found.
    let entry = Memo::new(move |_| match super::snapshot::stored_exemplars(state, &panel_id) {
        Some(stored) => stored.map(PanelExemplars::from_snapshot).unwrap_or_default(),
        None => store.and_then(|s| s.0.with(|m| m.get(&panel_id).cloned())).unwrap_or_default(),
    });
    let placed = Memo::new(move |_| {
        let (w, h) = (width.get(), height.get());
        let points = entry.with(|e| e.points.clone());
        // The viewport is read again whenever the chart's width changes (a resize).
        let narrow = narrow_viewport();
        model.with(|m| {
            let Some(m) = m else { return Vec::new() };
            let all = markers(m, &points, w, h);
            let shown = if narrow { thin_for_taps(all) } else { all };
            shown
                .into_iter()
                .map(|mk| {
                    let point = points[mk.index].clone();
                    Placed { key: key_of(&point), point, left: mk.left_px, top: mk.top_px, clamped: mk.clamped }
                })
                .collect::<Vec<_>>()
        })
    });
    let positions = Memo::new(move |_| placed.with(|v| v.iter().map(|p| (p.key.clone(), (p.left, p.top, p.clamped))).collect::<HashMap<_, _>>()));
    // The one marker in the tab order: the last one focused while it is shown, else the first.
    let active = RwSignal::new(None::<String>);
    let tab_key = Memo::new(move |_| {
        let chosen = active.get();
        placed.with(|v| chosen.filter(|k| v.iter().any(|p| p.key == *k)).or_else(|| v.first().map(|p| p.key.clone())))
    });
    let has_traces = Memo::new(move |_| entry.with(|e| e.traces.is_some()));
    let frozen = Memo::new(move |_| entry.with(|e| e.frozen));
    let group = next_group();
    let open = move |p: &ExemplarPoint| {
        let Some(ds) = entry.with_untracked(|e| e.traces.clone()) else { return };
        let step = fetch.with_untracked(|f| f.frames.as_ref().and_then(|fr| fr.first().map(|x| x.step_ms)).filter(|s| *s > 0)).unwrap_or(60_000);
        let (from, to) = bucket_window(p.t_ms, step);
        let d = state.dashboard.with_untracked(|d| trace_level(d, &p.trace_id, from, to, &ds));
        open_level(state, d);
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let next = placed.with_untracked(|v| {
            let last = v.len().checked_sub(1)?;
            let now = tab_key.with_untracked(|k| v.iter().position(|p| Some(&p.key) == k.as_ref())).unwrap_or(0);
            let i = match ev.key().as_str() {
                "ArrowRight" | "ArrowUp" => (now + 1).min(last),
                "ArrowLeft" | "ArrowDown" => now.saturating_sub(1),
                "Home" => 0,
                "End" => last,
                _ => return None,
            };
            Some(v[i].key.clone())
        });
        let Some(key) = next else { return };
        ev.prevent_default();
        ev.stop_propagation();
        focus_marker(group, &key);
        active.set(Some(key));
    };
    view! {
        <div class="nk-exemplars" role="group" aria-label="Exemplars: samples linked to traces" data-testid="exemplars"
            data-count=move || placed.with(|p| p.len()).to_string() on:keydown=on_key>
            <For each=move || placed.get() key=|p| p.key.clone() let:p>
                {
                    let unit = model.with_untracked(|m| m.as_ref().map(|m| m.unit)).unwrap_or_default();
                    let text = label(&p.point, unit);
                    let (k1, k2, k3) = (p.key.clone(), p.key.clone(), p.key.clone());
                    let at = Memo::new(move |_| positions.with(|m| m.get(&k1).copied()));
                    let title = {
                        let text = text.clone();
                        move || if frozen.get() { format!("{} {NOT_STORED}", text.trim_end_matches(" Open the trace.")) } else if has_traces.get() { text.clone() } else { format!("{text} No trace datasource is configured.") }
                    };
                    let point = p.point.clone();
                    view! {
                        <button type="button" class="nk-exemplar" data-testid="exemplar"
                            class:nk-exemplar-clamped=move || at.get().is_some_and(|a| a.2)
                            id=format!("nk-exemplar-{group}-{}", p.key)
                            data-trace-id=p.point.trace_id.clone() data-ts-ms=p.point.t_ms.to_string() data-value=p.point.value.to_string()
                            aria-label=title.clone() title=title aria-disabled=move || (!has_traces.get()).then_some("true")
                            tabindex=move || if tab_key.with(|t| t.as_deref() == Some(k2.as_str())) { "0" } else { "-1" }
                            style=move || at.get().map(|(l, t, _)| format!("left: {l:.1}px; top: {t:.1}px")).unwrap_or_default()
                            on:focus=move |_| active.set(Some(k3.clone()))
                            on:click=move |_| open(&point)></button>
                    }
                }
            </For>
        </div>
        <Show when=move || entry.with(|e| e.note.is_some())>
            <p class="nk-exemplar-note" data-testid="exemplar-note">{move || entry.with(|e| e.note.clone().unwrap_or_default())}</p>
        </Show>
    }
}

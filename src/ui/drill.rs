//! Drill-down at the edge: a KPI tile's click asks the datasource about the query's labels
//! and opens the child `core::drill` plans (or the dashboard the tile names); a chart
//! point's menu opens its bucket or the traces of that window. Each level is a new browser
//! history entry under the same Recent identity, so back/forward walks the levels with
//! each level's time range and variables restored.

use super::state::AppState;
use crate::core::datasource::{DatasourceKind, Registry};
use crate::core::drill::{bucket_window, chosen_child, plan_child, target_ref, traces_level, zoom_level, DrillContext, LabelStat, TargetRef};
use crate::core::link::decode_fragment;
use crate::core::query::Query;
use crate::core::spec::{Dashboard, DrillTarget, PanelDef};
use crate::core::templates::TemplateSources;
use crate::core::time::TimeRange;
use crate::io::clock::now_ms;
use crate::io::suggest::{suggest, Ask};
use crate::io::url::HistoryMode;
use leptos::prelude::*;

/// Most labels whose distinct values a drill-down counts (one request each on Prometheus).
const MAX_LABELS_ASKED: usize = 10;

/// Opens `d` as the level below the current one (a new history entry, same identity).
pub fn open_level(state: AppState, d: Dashboard) {
    state.link_error.set(None);
    state.link_warnings.set(Vec::new());
    state.anchor_ms.set(now_ms());
    state.edit(HistoryMode::Push, move |x| *x = d);
}

/// What a tile click leads to, for `data-drill`.
pub fn drill_kind(target: &Option<DrillTarget>) -> &'static str {
    match target {
        Some(DrillTarget::Dashboard(_)) => "dashboard",
        _ => "auto",
    }
}

/// Opens the drill-down of KPI panel `panel_id`.
pub fn drill_from_tile(state: AppState, panel_id: &str) {
    if super::snapshot::active(state) {
        state.link_warnings.set(vec!["This is a read-only snapshot: drill-downs would fetch new data. Leave the snapshot to drill down.".into()]);
        return;
    }
    let parent = state.dashboard.get_untracked();
    let Some(tile) = parent.panels.iter().find(|p| p.id == panel_id).cloned() else { return };
    let PanelDef::Kpi(kpi) = &tile.def else { return };
    match &kpi.drill {
        Some(DrillTarget::Dashboard(target)) => match chosen_dashboard(target) {
            Ok(d) => open_level(state, chosen_child(&parent, d)),
            Err(e) => state.link_error.set(Some(format!("The drill-down target of \"{}\" could not be opened: {e}", tile.title))),
        },
        _ => {
            let query = crate::core::vars::apply(&kpi.query, &parent.variables);
            let range = state.range.get_untracked();
            leptos::task::spawn_local(async move {
                let Some(registry) = state.registry.get_untracked() else { return };
                let labels = label_stats(&registry, &tile.datasource, &query, range).await;
                // Demo tiles get the demo's traces and health; a tile on a real backend only
                // gets those of configured trace and health datasources.
                let sources = TemplateSources::from_registry(&registry);
                let is_demo = |name: &str| registry.get(name).map(|d| d.kind == DatasourceKind::Demo).unwrap_or(true);
                let on_demo = is_demo(&tile.datasource);
                let traces = (on_demo || !is_demo(&sources.traces)).then_some(sources.traces.as_str());
                let health = (on_demo || !is_demo(&sources.health)).then_some(sources.health.as_str());
                let ctx = DrillContext { parent: &parent, labels: labels.as_deref(), trace_datasource: traces, health_datasource: health };
                if let Some(child) = plan_child(&tile, &ctx) {
                    // The user may have moved on while the labels were asked for.
                    if state.dashboard.with_untracked(|d| *d == parent) {
                        open_level(state, child);
                    }
                }
            });
        }
    }
}

/// Reads a chosen target: a link, or the key of an entry in this browser's Recent list.
fn chosen_dashboard(target: &str) -> Result<Dashboard, String> {
    let fragment = match target_ref(target) {
        TargetRef::Fragment(f) => f,
        TargetRef::RecentKey(key) => {
            let (list, _) = crate::core::recent::RecentList::decode(crate::io::storage::get(crate::io::storage::Store::Local, super::library::RECENT_KEY).as_deref());
            list.entries.into_iter().find(|e| e.key == key).map(|e| e.fragment).ok_or_else(|| format!("no dashboard \"{key}\" in this browser's Recent list"))?
        }
    };
    let outcome = decode_fragment(&fragment);
    match (outcome.dashboard, outcome.error) {
        (Some(d), None) => Ok(d),
        (_, Some(e)) => Err(e.to_string()),
        (None, None) => Err("the link is empty".into()),
    }
}

/// The series metric a query reads (for label questions).
fn series_metric(query: &Query) -> Option<String> {
    let q = match query {
        Query::Metric(q) => q,
        Query::Ratio(r) => &r.den,
        Query::Promql(_) => return None,
    };
    Some(if q.quantile.is_some() { format!("{}_bucket", q.metric) } else { q.metric.clone() })
}

/// What the datasource can tell about the labels of the query's series: their names and
/// how many distinct values each has. `None` when it can tell nothing.
async fn label_stats(registry: &Registry, datasource: &str, query: &Query, range: TimeRange) -> Option<Vec<LabelStat>> {
    let kind = registry.get(datasource).ok()?.kind;
    if !matches!(kind, DatasourceKind::Demo | DatasourceKind::Prometheus) {
        return None;
    }
    let metric = series_metric(query)?;
    let names = suggest(registry, datasource, &Ask::LabelNames { metric: metric.clone() }, range).await.ok()?;
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| n != "__name__" && n != "le").take(MAX_LABELS_ASKED) {
        let ask = Ask::LabelValues { metric: Some(metric.clone()), label: name.clone() };
        let distinct = suggest(registry, datasource, &ask, range).await.ok().map(|v| v.len());
        out.push(LabelStat { name, distinct });
    }
    Some(out)
}

/// A click on a chart point: where, when, and what the chart knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointMenu {
    /// Horizontal position in the chart, CSS pixels.
    pub x: f64,
    pub t_ms: i64,
    pub step_ms: i64,
    pub service: Option<String>,
}

/// The menu a chart point click opens: drill into the bucket, traces in that window, or a
/// note at that instant.
#[component]
pub fn ChartMenu(menu: RwSignal<Option<PointMenu>>) -> impl IntoView {
    let state = super::state::use_app();
    let note_draft = super::notes::use_note_draft();
    let close = move || menu.set(None);
    // The menu takes the focus when it opens, so Escape and the arrow-free Tab order work.
    let first = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = first.get() {
            let _ = b.focus();
        }
    });
    view! {
        {move || menu.get().map(|m| {
            let (from, to) = bucket_window(m.t_ms, m.step_ms);
            let window = crate::core::drill::window_label(from, to);
            let service = m.service.clone();
            // A configured trace backend; the demo's traces only when the metrics are the
            // demo's too (real metrics must not lead to simulated traces).
            let traces_ds = state.registry.with_untracked(|r| {
                r.as_ref().and_then(|r| {
                    let t = TemplateSources::from_registry(r).traces;
                    (t != crate::core::datasource::DEMO || r.metrics_datasource() == crate::core::datasource::DEMO).then_some(t)
                })
            });
            let has_traces = traces_ds.is_some();
            let traces_label = match &service {
                Some(s) => format!("Traces of {s} in this window"),
                None => "Traces in this window".to_string(),
            };
            let at = m.t_ms;
            view! {
                <div class="nk-chart-menu" role="group" aria-label="This point" data-testid="chart-menu" data-from-ms=from.to_string() data-to-ms=to.to_string()
                    // At the point, but never past the chart's right edge (phones).
                    style=format!("left: max(0px, min({}px, 100% - 13rem)); width: 13rem", m.x.max(0.0))
                    on:mousedown=|ev| ev.stop_propagation()
                    on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    <div class="nk-chart-menu-head">{window}</div>
                    <button class="nk-chart-menu-item" data-testid="drill-bucket" node_ref=first
                        on:click=move |_| {
                            close();
                            let d = state.dashboard.with_untracked(|d| zoom_level(d, from, to));
                            open_level(state, d);
                        }>"Drill into this bucket"</button>
                    <button class="nk-chart-menu-item" data-testid="traces-window" hidden=!has_traces
                        on:click=move |_| {
                            close();
                            let Some(ds) = traces_ds.clone() else { return };
                            let d = state.dashboard.with_untracked(|d| traces_level(d, service.clone(), from, to, &ds));
                            open_level(state, d);
                        }>{traces_label}</button>
                    <button class="nk-chart-menu-item" data-testid="note-here"
                        on:click=move |_| {
                            close();
                            note_draft.open_at(at);
                        }>"Add note here"</button>
                    <button class="nk-chart-menu-item" on:click=move |_| close()>"Close"</button>
                </div>
            }
        })}
    }
}

//! The trace search panel: service, operation, tags (TraceQL on Tempo), duration bounds and
//! the dashboard's time range; results as a list and a duration-vs-time scatter; a click
//! opens the trace in a waterfall panel. The search runs through `io::traces`; in a
//! snapshot the stored rows are shown and nothing is asked.

use super::{fmt_us, show_trace};
use crate::core::spec::{Panel, PanelDef, TraceSearchSpec, WaterfallSpec};
use crate::core::time::format_rfc3339_utc;
use crate::core::trace::{SearchParams, TraceSummary};
use crate::io::url::HistoryMode;
use crate::ui::state::use_app;
use leptos::prelude::*;

type Outcome = Result<(Vec<TraceSummary>, Vec<String>), String>;

/// `key=value key2=value2 error` into pairs (a bare key means "has this tag").
fn parse_tags(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|t| match t.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().trim_matches('"').to_string()),
            None => (t.to_string(), String::new()),
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

fn params(spec: &TraceSearchSpec, from_ms: i64, to_ms: i64) -> SearchParams {
    let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    SearchParams {
        service: nonempty(&spec.service),
        operation: nonempty(&spec.operation),
        tags: spec.tags.as_deref().map(parse_tags).unwrap_or_default(),
        traceql: nonempty(&spec.traceql),
        min_duration_us: spec.min_duration_ms.map(|m| m as i64 * 1000),
        max_duration_us: spec.max_duration_ms.map(|m| m as i64 * 1000),
        start_us: from_ms * 1000,
        end_us: to_ms * 1000,
        limit: Some(spec.limit.unwrap_or(20)),
    }
}

#[component]
pub fn TraceSearch(panel: Panel, spec: TraceSearchSpec) -> impl IntoView {
    let state = use_app();
    let datasource = panel.datasource.clone();
    let service = RwSignal::new(spec.service.clone().unwrap_or_default());
    let operation = RwSignal::new(spec.operation.clone().unwrap_or_default());
    let tags = RwSignal::new(spec.tags.clone().unwrap_or_default());
    let traceql = RwSignal::new(spec.traceql.clone().unwrap_or_default());
    let min_ms = RwSignal::new(spec.min_duration_ms.map(|m| m.to_string()).unwrap_or_default());
    let max_ms = RwSignal::new(spec.max_duration_ms.map(|m| m.to_string()).unwrap_or_default());
    let services = RwSignal::new(Vec::<String>::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let searching = RwSignal::new(false);
    let tick = RwSignal::new(0u32);
    let generation = StoredValue::new(0u32);

    {
        let ds = datasource.clone();
        Effect::new(move |prev: Option<bool>| {
            let Some(registry) = state.registry.get() else { return false };
            if prev == Some(true) || crate::ui::snapshot::active(state) {
                return true;
            }
            let ds = ds.clone();
            leptos::task::spawn_local(async move {
                if let Ok(list) = crate::io::traces::services(&registry, &ds).await {
                    services.try_set(list);
                }
            });
            true
        });
    }
    {
        let ds = datasource.clone();
        let spec = spec.clone();
        let pid = panel.id.clone();
        Effect::new(move |_| {
            tick.track();
            let range = state.range.get();
            if let Some(stored) = crate::ui::snapshot::stored_trace(state, &pid) {
                let rows = stored.and_then(|p| p.results).ok_or_else(|| "This snapshot holds no search results for this panel; nothing is fetched in a snapshot.".to_string());
                if let Ok((r, w)) = &rows {
                    super::show_results(&pid, r, w);
                }
                outcome.set(Some(rows));
                return;
            }
            let Some(registry) = state.registry.get() else { return };
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let p = params(&spec, range.from_ms(), range.to_ms());
            let ds = ds.clone();
            let pid = pid.clone();
            searching.set(true);
            leptos::task::spawn_local(async move {
                let result = crate::io::traces::search(&registry, &ds, &p).await;
                if generation.try_get_value() == Some(mine) {
                    match &result {
                        Ok((rows, warnings)) => super::show_results(&pid, rows, warnings),
                        Err(_) => super::show_nothing(&pid),
                    }
                    outcome.try_set(Some(result));
                    searching.try_set(false);
                }
            });
        });
    }

    let run = {
        let pid = panel.id.clone();
        let spec = spec.clone();
        move || {
            let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|s| !s.trim().is_empty());
            let next = TraceSearchSpec {
                service: text(service),
                operation: text(operation),
                tags: text(tags),
                traceql: text(traceql),
                min_duration_ms: min_ms.get_untracked().trim().parse().ok(),
                max_duration_ms: max_ms.get_untracked().trim().parse().ok(),
                limit: spec.limit,
            };
            if next == spec {
                tick.update(|t| *t += 1);
                return;
            }
            let pid = pid.clone();
            state.edit(HistoryMode::Push, move |d| {
                if let Some(p) = d.panels.iter_mut().find(|p| p.id == pid) {
                    p.def = PanelDef::TraceSearch(next);
                }
            });
        }
    };
    let open = {
        let ds = datasource.clone();
        move |hex: String| show_trace(state, None, &ds, WaterfallSpec { trace_id: Some(hex), ..WaterfallSpec::default() })
    };
    let list_id = format!("nk-services-{}", panel.id);
    let input = |label: &'static str, testid: &'static str, sig: RwSignal<String>, placeholder: &'static str| {
        view! {
            <label class="nk-field">{label}
                <input class="nk-input" type="text" data-testid=testid placeholder=placeholder
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/>
            </label>
        }
    };
    let results = {
        let open = open.clone();
        move || {
            let range = state.range.get();
            match outcome.get() {
                None => view! { <p class="nk-trace-loading">"Searching…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="nk-inline-error" data-testid="trace-search-error">{e}</p> }.into_any(),
                Some(Ok((rows, warnings))) => {
                    let (from, to) = (range.from_ms() * 1000, range.to_ms() * 1000);
                    let span = (to - from).max(1) as f64;
                    let max_d = rows.iter().map(|r| r.duration_us).max().unwrap_or(1).max(1) as f64;
                    let dots = rows
                        .iter()
                        .map(|r| {
                            let x = 10.0 + 580.0 * ((r.start_us - from) as f64 / span).clamp(0.0, 1.0);
                            let y = 150.0 - 140.0 * (r.duration_us as f64 / max_d);
                            let err = r.error_count.unwrap_or(0) > 0;
                            let hex = r.trace_id.to_hex();
                            let open = open.clone();
                            let title = format!("{} {} · {}", r.root_service, r.root_name, fmt_us(r.duration_us));
                            view! {
                                <circle class="nk-trace-dot" class:nk-dot-error=err cx=format!("{x:.1}") cy=format!("{y:.1}") r="4"
                                    data-testid="trace-dot" data-trace-id=hex.clone() on:click=move |_| open(hex.clone())>
                                    <title>{title}</title>
                                </circle>
                            }
                        })
                        .collect_view();
                    let items = rows
                        .iter()
                        .map(|r| {
                            let hex = r.trace_id.to_hex();
                            let open = open.clone();
                            let err = r.error_count.unwrap_or(0);
                            let h2 = hex.clone();
                            view! {
                                <li class="nk-trace-result" class:nk-result-error=(err > 0) data-testid="trace-result" data-trace-id=hex.clone()
                                    data-duration-us=r.duration_us.to_string() data-error-count=err.to_string()>
                                    <button class="nk-trace-result-open" on:click=move |_| open(h2.clone())>
                                        <span class="nk-trace-result-name">{format!("{}: {}", r.root_service, r.root_name)}</span>
                                        <span class="nk-trace-result-meta">
                                            {format!("{} · {} spans{} · {}", fmt_us(r.duration_us),
                                                r.span_count.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                                                if err > 0 { format!(" · {err} errors") } else { String::new() },
                                                format_rfc3339_utc(r.start_us.div_euclid(1000)))}
                                        </span>
                                        <span class="nk-trace-result-id">{hex[..16].to_string()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    let count = rows.len();
                    view! {
                        {warnings.into_iter().map(|w| view! { <p class="nk-trace-note">{w}</p> }).collect_view()}
                        <p class="nk-trace-count" data-testid="trace-result-count" data-count=count.to_string()>{format!("{count} traces")}</p>
                        <svg class="nk-trace-scatter" data-testid="trace-scatter" viewBox="0 0 600 160" preserveAspectRatio="none" role="img"
                            aria-label="trace duration against start time">
                            <line x1="10" y1="150" x2="590" y2="150" class="nk-scatter-axis"/>
                            <line x1="10" y1="10" x2="10" y2="150" class="nk-scatter-axis"/>
                            <text x="14" y="18" class="nk-scatter-label">{fmt_us(max_d as i64)}</text>
                            {dots}
                        </svg>
                        <ul class="nk-trace-results" data-testid="trace-results">{items}</ul>
                    }
                    .into_any()
                }
            }
        }
    };
    view! {
        <div class="nk-trace-search" data-testid="trace-search">
            <form class="nk-trace-form" on:submit={ let run = run.clone(); move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); run() } }>
                <label class="nk-field">"Service"
                    <input class="nk-input" type="text" list=list_id.clone() data-testid="trace-search-service" placeholder="any"
                        prop:value=move || service.get() on:input=move |ev| service.set(event_target_value(&ev))/>
                    <datalist id=list_id.clone()>{move || services.get().into_iter().map(|s| view! { <option value=s.clone()></option> }).collect_view()}</datalist>
                </label>
                {input("Operation", "trace-search-operation", operation, "any")}
                {input("Tags", "trace-search-tags", tags, "http.status_code=500 error")}
                {input("TraceQL (Tempo)", "trace-search-traceql", traceql, "{ status = error }")}
                {input("Min ms", "trace-search-min", min_ms, "")}
                {input("Max ms", "trace-search-max", max_ms, "")}
                <button class="nk-button" type="submit" data-testid="trace-search-run">{move || if searching.get() { "Searching…" } else { "Search" }}</button>
            </form>
            {results}
        </div>
    }
}

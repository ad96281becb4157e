//! The health grid panel: paints `core::health::GridView` (rows failing first, cells
//! coloured and labelled, stale overlay, history strips, flapping badges), the
//! "hide all-green" and "expand groups" toggles, and a detail popover with the raw answer.
//! Text nodes and attributes only; it computes nothing itself.

use super::HealthStore;
use crate::core::health::{detail, grid_view, symbol, word, CellView, HealthState, RowView};
use crate::core::spec::HealthGridSpec;
use crate::ui::state::use_app;
use leptos::prelude::*;

#[component]
pub fn HealthGrid(panel_id: String, datasource: String, spec: HealthGridSpec) -> impl IntoView {
    let Some(store) = use_context::<HealthStore>() else {
        return view! { <p class="nk-panel-placeholder">"Health polling is not running on this page."</p> }.into_any();
    };
    let state = use_app();
    let hide = RwSignal::new(spec.hide_green);
    let expand = RwSignal::new(false);
    let selected: RwSignal<Option<CellView>> = RwSignal::new(None);
    let health = Memo::new(move |_| store.panels.with(|m| m.get(&panel_id).cloned()));
    let ds = datasource.clone();
    let view_model = Memo::new(move |_| {
        let now = state.clock_ms.get();
        let (expand, hide) = (expand.get(), hide.get());
        health.with(|h| match h {
            Some(h) => store.data.with(|d| grid_view(&h.grid, d.books.get(&ds), expand, hide, now)),
            None => Default::default(),
        })
    });
    let message = move || {
        health.with(|h| {
            h.as_ref().map(|h| h.error.iter().chain(h.notes.iter()).cloned().collect::<Vec<_>>().join(" ")).unwrap_or_default()
        })
    };
    let summary = move || {
        view_model.with(|v| {
            let mut s = if v.total == 0 {
                String::new()
            } else if v.not_green == 0 {
                format!("{} of {} services green", v.total, v.total)
            } else {
                format!("{} of {} services not green", v.not_green, v.total)
            };
            if v.hidden_green > 0 {
                s.push_str(&format!(" · {} all-green hidden", v.hidden_green));
            }
            s
        })
    };
    let ds_detail = datasource.clone();
    view! {
        <div class="nk-hg">
            <div class="nk-hg-bar">
                <label class="nk-hg-toggle">
                    <input type="checkbox" data-testid="health-hide-green"
                        prop:checked=move || hide.get()
                        on:change=move |ev| hide.set(event_target_checked(&ev))/>
                    " Hide all-green"
                </label>
                <Show when=move || view_model.with(|v| v.has_groups)>
                    <label class="nk-hg-toggle">
                        <input type="checkbox" data-testid="health-expand-groups"
                            prop:checked=move || expand.get()
                            on:change=move |ev| expand.set(event_target_checked(&ev))/>
                        " Expand groups"
                    </label>
                </Show>
                <span class="nk-hg-summary" data-testid="health-summary">{summary}</span>
            </div>
            <Show when=move || !message().is_empty()>
                <p class="nk-hg-message" data-testid="health-message" role="note">{message}</p>
            </Show>
            <div class="nk-hg-rows" role="list">
                <For each=move || view_model.with(|v| v.rows.clone()) key=|row| row.clone() let:row>
                    <HealthRow row=row selected=selected/>
                </For>
            </div>
            {move || selected.get().map(|cell| {
                let d = store.data.with(|data| detail(&cell.service, &cell.check, &cell.members, data.get(&ds_detail, &cell.service)));
                let rows = d.checks.clone();
                let details = d.details.clone();
                let warnings = d.warnings.clone();
                view! {
                    <div class="nk-hg-detail" data-testid="health-detail" role="dialog" aria-label=d.title.clone()
                        data-service=cell.service.clone() data-check=cell.check.clone()>
                        <header class="nk-hg-detail-head">
                            <span class=format!("nk-hg-chip nk-hg-{}", cell.state.as_str())>
                                {symbol(cell.state)} " " {word(cell.state)}
                            </span>
                            <strong>{d.title.clone()}</strong>
                            <button class="nk-button" data-testid="health-detail-close" on:click=move |_| selected.set(None)>"Close"</button>
                        </header>
                        <dl class="nk-hg-detail-list">
                            <dt>"Reason"</dt><dd data-testid="health-detail-reason">{cell.reason.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Status word"</dt><dd>{if cell.raw_status.is_empty() { "—".to_string() } else { cell.raw_status.clone() }}</dd>
                            <dt>"Answer"</dt><dd data-testid="health-detail-status">{d.status_line.clone()}</dd>
                            <dt>"Content-Type"</dt><dd data-testid="health-detail-type">{d.content_type.clone()}</dd>
                            <dt>"URL"</dt><dd class="nk-hg-mono">{d.url.clone()}</dd>
                            <dt>"Format"</dt><dd>{d.format.clone()}</dd>
                            <dt>"Stale"</dt><dd>{if cell.stale { format!("yes (last known: {})", word(cell.last_state)) } else { "no".to_string() }}</dd>
                        </dl>
                        {d.hint.clone().map(|h| view! { <p class="nk-hg-hint" data-testid="health-detail-hint">{h}</p> })}
                        <ul class="nk-hg-detail-checks">
                            {rows.into_iter().map(|(name, state, raw, why)| view! {
                                <li>{format!("{name}: {state} ({raw}){}", if why.is_empty() { String::new() } else { format!(", {why}") })}</li>
                            }).collect_view()}
                            {details.into_iter().map(|(k, v)| view! { <li class="nk-hg-muted">{format!("{k}: {v}")}</li> }).collect_view()}
                            {warnings.into_iter().map(|w| view! { <li class="nk-hg-muted">{w}</li> }).collect_view()}
                        </ul>
                        <pre class="nk-hg-body" data-testid="health-detail-body">{d.body.clone()}</pre>
                        <button class="nk-button" data-testid="health-drilldown"
                            on:click={
                                let service = cell.service.clone();
                                move |_| {
                                    let ds = state.registry.with_untracked(|r| r.as_ref().map(|r| r.metrics_datasource().to_string()).unwrap_or_else(|| "demo".into()));
                                    let time = state.dashboard.with_untracked(|d| d.time);
                                    selected.set(None);
                                    state.open(crate::core::dashboards::service_overview(&service, &ds, time), crate::io::storage::random_key());
                                }
                            }>{format!("Open {} metrics for this window", cell.service)}</button>
                    </div>
                }
            })}
        </div>
    }
    .into_any()
}

#[component]
fn HealthRow(row: RowView, selected: RwSignal<Option<CellView>>) -> impl IntoView {
    let state = row.state;
    view! {
        <div class=format!("nk-hg-row nk-hg-row-{}", state.as_str()) role="listitem"
            data-testid="health-row" data-service=row.service.clone() data-state=state.as_str() data-status=state.as_str()>
            <div class=format!("nk-hg-service nk-hg-{}", state.as_str())>
                <span class="nk-status-symbol" aria-hidden="true">{symbol(state)}</span>
                <span class="nk-hg-service-name">{row.service.clone()}</span>
            </div>
            <div class="nk-hg-cells">
                {row.cells.into_iter().map(|cell| view! { <HealthCell cell=cell selected=selected/> }).collect_view()}
            </div>
        </div>
    }
}

#[component]
fn HealthCell(cell: CellView, selected: RwSignal<Option<CellView>>) -> impl IntoView {
    let s = cell.state;
    let class = format!("nk-hg-cell nk-hg-{}{}", s.as_str(), if cell.stale { " nk-hg-stale" } else { "" });
    let members = if cell.members.is_empty() { String::new() } else { format!(" ({} checks)", cell.members.len()) };
    let reason = cell.reason.clone().unwrap_or_default();
    let title = format!(
        "{} · {}: {}{}{}{}",
        cell.service,
        cell.check,
        word(s),
        if cell.raw_status.is_empty() { String::new() } else { format!(" ({})", cell.raw_status) },
        if reason.is_empty() { String::new() } else { format!(", {reason}") },
        if cell.stale { ", stale" } else { "" }
    );
    let strip = cell.strip.clone();
    let since = cell.since.clone();
    let clicked = cell.clone();
    view! {
        <button type="button" class=class title=title
            data-testid="health-cell"
            data-service=cell.service.clone()
            data-check=cell.check.clone()
            data-state=s.as_str()
            data-status=s.as_str()
            data-stale=cell.stale.to_string()
            data-reason=reason.clone()
            data-raw=cell.raw_status.clone()
            data-flapping=cell.flapping.to_string()
            on:click=move |_| selected.set(Some(clicked.clone()))>
            <span class="nk-hg-cell-head">
                <span class="nk-status-symbol" aria-hidden="true">{symbol(s)}</span>
                <span class="nk-hg-check">{cell.check.clone()}{members}</span>
            </span>
            <span class="nk-hg-cell-words">
                <span class="nk-hg-word" data-testid="health-cell-label">{word(s)}</span>
                <span class="nk-hg-raw">{cell.raw_status.clone()}</span>
                {cell.stale.then(|| view! { <span class="nk-hg-stale-tag">"stale"</span> })}
                {cell.flapping.then(|| view! { <span class="nk-hg-flap" data-testid="health-flapping">"flapping"</span> })}
            </span>
            {(!reason.is_empty()).then(|| view! { <span class="nk-hg-reason" data-testid="health-cell-reason">{reason.clone()}</span> })}
            {(!since.is_empty()).then(|| view! { <span class="nk-hg-since">{since.clone()}</span> })}
            <span class="nk-hg-strip" data-testid="health-strip" data-polls=strip.len().to_string() aria-hidden="true">
                {strip.iter().map(|h: &HealthState| view! { <i class=format!("nk-hg-tick nk-hg-{}", h.as_str())></i> }).collect_view()}
            </span>
        </button>
    }
}

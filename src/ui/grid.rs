//! The panel grid and each panel's frame: title, state, error text, and the body for its
//! kind. The frame carries the `data-testid="panel"` hooks.

use super::chart::ChartPanel;
use super::kpi::KpiTile;
use super::state::use_app;
use crate::core::fetch_state::PanelFetch;
use crate::core::spec::{resolve_layout, LayoutItem, Panel, PanelDef};
use leptos::prelude::*;

#[component]
pub fn Grid() -> impl IntoView {
    let state = use_app();
    let items = Memo::new(move |_| {
        state.dashboard.with(|d| {
            let layout = resolve_layout(d);
            d.panels
                .iter()
                .map(|p| {
                    let place = layout.iter().find(|l| l.panel == p.id).cloned().unwrap_or(LayoutItem { panel: p.id.clone(), x: 0, y: 0, w: 12, h: 4 });
                    let key = format!("{}|{}|{:?}", p.id, serde_json::to_string(p).unwrap_or_default(), place);
                    (key, p.clone(), place)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <main class="nk-grid">
            <Show when=move || items.with(Vec::is_empty)>
                <p class="nk-empty-board">"This dashboard has no panels."</p>
            </Show>
            <For each=move || items.get() key=|(key, _, _)| key.clone() let:item>
                <PanelFrame panel=item.1 place=item.2/>
            </For>
        </main>
    }
}

#[component]
fn PanelFrame(panel: Panel, place: LayoutItem) -> impl IntoView {
    let state = use_app();
    let id = panel.id.clone();
    let fetch = Memo::new(move |_| state.fetches.with(|m| m.get(&id).cloned().unwrap_or_else(PanelFetch::default)));
    let style = format!("grid-column: {} / span {}; grid-row: {} / span {};", place.x + 1, place.w, place.y + 1, place.h);
    let aged = move || {
        let now = state.clock_ms.get();
        fetch.with(|f| match (f.showing_old_data(), f.fetched_at_ms) {
            (true, Some(at)) => format!("Showing data from {} s ago.", ((now - at) / 1000).max(0)),
            _ => String::new(),
        })
    };
    let body = match panel.def.clone() {
        PanelDef::Kpi(spec) => view! { <KpiTile panel_id=panel.id.clone() spec=spec/> }.into_any(),
        PanelDef::Timeseries(spec) => view! { <ChartPanel fetch=fetch spec=spec/> }.into_any(),
        PanelDef::HealthGrid(spec) => view! { <super::health::HealthGrid panel_id=panel.id.clone() datasource=panel.datasource.clone() spec=spec/> }.into_any(),
        PanelDef::Waterfall(spec) => view! { <super::trace::Waterfall panel=panel.clone() spec=spec/> }.into_any(),
        PanelDef::TraceSearch(spec) => view! { <super::trace::TraceSearch panel=panel.clone() spec=spec/> }.into_any(),
    };
    let kind = panel.def.kind();
    let health_state = super::health::data_state(panel.id.clone());
    view! {
        <section
            class=move || format!("nk-panel nk-panel-{}{}", kind, if fetch.with(PanelFetch::showing_old_data) { " nk-panel-old" } else { "" })
            style=style
            data-testid="panel"
            data-kind=kind
            data-title=panel.title.clone()
            data-state=move || health_state.get().unwrap_or_else(|| fetch.with(|f| f.state().as_str()))
            aria-busy=move || fetch.with(|f| f.in_flight).to_string()>
            <header class="nk-panel-head">
                <h2 class="nk-panel-title">{panel.title.clone()}</h2>
                <span class="nk-panel-ds" title="datasource">{panel.datasource.clone()}</span>
                <span class="nk-spinner" class:nk-hidden=move || !fetch.with(|f| f.in_flight) aria-hidden="true"></span>
                <span class="nk-panel-actions">
                    <button class="nk-icon" title="Edit" data-testid="panel-edit"
                        on:click={ let p = panel.clone(); move |_| state.editing.set(Some(crate::core::editor::PanelDraft::from_panel(&p))) }>"✎"</button>
                    <button class="nk-icon" title="Duplicate" data-testid="panel-duplicate"
                        on:click={ let id = panel.id.clone(); move |_| state.duplicate_panel(&id) }>"❐"</button>
                    <button class="nk-icon" title="Remove" data-testid="panel-remove"
                        on:click={ let id = panel.id.clone(); move |_| state.remove_panel(&id) }>"✕"</button>
                </span>
            </header>
            <Show when=move || fetch.with(|f| f.error.is_some())>
                <p class="nk-panel-error" data-testid="panel-error" role="alert">
                    {move || fetch.with(|f| f.error.clone().unwrap_or_default())}
                    " "
                    <span class="nk-panel-aged">{aged}</span>
                </p>
            </Show>
            <Show when=move || fetch.with(|f| f.frames.as_ref().is_some_and(|fr| fr.iter().any(|x| !x.notices.is_empty())))>
                <ul class="nk-panel-notices" data-testid="panel-notice">
                    {move || fetch.with(|f| {
                        let mut notes: Vec<String> = f.frames.iter().flat_map(|fr| fr.iter()).flat_map(|x| x.notices.iter().cloned()).collect();
                        notes.dedup();
                        notes.into_iter().take(5).map(|n| view! { <li>{n}</li> }).collect_view()
                    })}
                </ul>
            </Show>
            <div class="nk-panel-body">{body}</div>
        </section>
    }
}

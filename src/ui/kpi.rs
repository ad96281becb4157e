//! The KPI tile: paints a `core::kpi::KpiView` (value, status in colour and shape, delta,
//! sparkline). It computes nothing itself. A click opens its drill-down (`ui::drill`).

use super::state::use_app;
use crate::core::kpi::sparkline_points;
use crate::core::spec::KpiSpec;
use leptos::prelude::*;

#[component]
pub fn KpiTile(panel_id: String, spec: KpiSpec) -> impl IntoView {
    let state = use_app();
    let tile_id = panel_id.clone();
    let view_of = Memo::new(move |_| state.kpi_views.with(|m| m.get(&panel_id).cloned()));
    let status = move || view_of.with(|v| v.as_ref().map(|v| v.status.as_str()).unwrap_or("unknown"));
    let show_spark = spec.sparkline;
    // "Open logs" for the tile: its query's service and the dashboard's time window.
    let logs_service = crate::core::trace::query_service(&spec.query);
    let logs_context = Signal::derive(move || {
        let r = state.range.get();
        crate::core::trace::LinkContext { service: logs_service.clone(), start_ms: Some(r.from_ms()), end_ms: Some(r.to_ms()), ..Default::default() }
    });
    let drill_kind = super::drill::drill_kind(&spec.drill);
    let drill = {
        let id = tile_id.clone();
        move || super::drill::drill_from_tile(state, &id)
    };
    let on_click = {
        let drill = drill.clone();
        move |ev: web_sys::MouseEvent| {
            // Links and buttons inside the tile (e.g. "Open logs") keep their own meaning.
            let inner = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|e| e.closest("a, button").ok().flatten());
            if inner.is_none() {
                drill();
            }
        }
    };
    view! {
        <div class=move || format!("nk-kpi nk-kpi-drill nk-status-{}", status())
            data-testid="kpi-tile" data-drill=drill_kind title="Click to open the drill-down for this number"
            on:click=on_click>
            <div class="nk-kpi-value"
                data-testid="kpi-value"
                data-value=move || view_of.with(|v| v.as_ref().and_then(|v| v.value).map(|x| x.to_string()).unwrap_or_default())
                data-unit=spec.unit.as_str()
                data-status=status>
                <span class="nk-status-symbol" aria-hidden="true">
                    {move || view_of.with(|v| v.as_ref().map(|v| v.status.symbol()).unwrap_or("?"))}
                </span>
                <span class="nk-kpi-number">{move || view_of.with(|v| v.as_ref().map(|v| v.text.clone()).unwrap_or_else(|| "…".into()))}</span>
            </div>
            <div class="nk-kpi-meta">
                <span class="nk-kpi-status-word">
                    {move || view_of.with(|v| v.as_ref().map(|v| if v.stale { format!("{} (stale)", v.status.label()) } else { v.status.label().to_string() }).unwrap_or_default())}
                </span>
                <span class=move || format!("nk-kpi-delta nk-tone-{}", view_of.with(|v| v.as_ref().map(|v| v.delta_tone).unwrap_or("neutral")))>
                    {move || view_of.with(|v| v.as_ref().and_then(|v| v.delta.clone()).unwrap_or_default())}
                </span>
            </div>
            <Show when=move || show_spark>
                <svg class="nk-sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">
                    <polyline points=move || view_of.with(|v| v.as_ref().map(|v| sparkline_points(&v.spark, 100.0, 24.0)).unwrap_or_default())/>
                </svg>
            </Show>
            // Keyboard users reach the drill-down through this button (a click anywhere on
            // the tile does the same; the button's own click is left to it).
            <button class="nk-kpi-drill-button" data-testid="kpi-drill" on:click=move |_| drill()>"Drill down ›"</button>
            <div class="nk-kpi-logs"><crate::ui::trace::OpenLogs context=logs_context tile=true/></div>
            <p class="nk-kpi-note">{move || view_of.with(|v| v.as_ref().and_then(|v| v.note.clone()).unwrap_or_default())}</p>
        </div>
    }
}

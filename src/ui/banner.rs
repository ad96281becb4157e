//! The overall status banner: the worst status on the page, in colour and in words.

use super::state::use_app;
use crate::core::banner::banner;
use crate::core::spec::TimeSpec;
use leptos::prelude::*;

#[component]
pub fn Banner() -> impl IntoView {
    let state = use_app();
    let frozen_at = Memo::new(move |_| {
        state.dashboard.with(|d| match d.time {
            TimeSpec::Absolute { to_ms, .. } => Some(d.as_of_ms.unwrap_or(to_ms)),
            TimeSpec::Relative { .. } => None,
        })
    });
    let health = super::health::banner_statuses();
    let view = Memo::new(move |_| {
        let mut statuses: Vec<_> = state.kpi_views.with(|m| m.values().map(|v| v.status).collect());
        statuses.extend(health.get());
        banner(statuses, frozen_at.get())
    });
    view! {
        <div class=move || format!("nk-banner nk-status-{}", view.with(|b| b.status.as_str()))
            data-testid="overall-status"
            data-status=move || view.with(|b| b.status.as_str())
            role="status">
            <span class="nk-status-symbol" aria-hidden="true">{move || view.with(|b| b.status.symbol())}</span>
            <span class="nk-banner-text">{move || view.with(|b| b.text.clone())}</span>
            <Show when=move || frozen_at.get().is_some()>
                <button class="nk-button" on:click=move |_| state.go_live()>"Go live"</button>
            </Show>
        </div>
    }
}

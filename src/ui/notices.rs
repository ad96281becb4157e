//! Messages about the link and the deployment's configuration, shown above the board.

use super::state::use_app;
use leptos::prelude::*;

#[component]
pub fn Notices() -> impl IntoView {
    let state = use_app();
    view! {
        <Show when=move || state.link_error.with(Option::is_some)>
            <div class="nk-notice nk-notice-error">
                <p data-testid="link-error">{move || state.link_error.get().unwrap_or_default()}</p>
                <p class="nk-notice-hint">
                    {move || if state.dashboard.with(|d| d.panels.is_empty()) {
                        "Nothing could be recovered from this link. Ask for a fresh one, or start from the demo."
                    } else {
                        "The panels below are what could be recovered. Ask for a fresh link to see the rest."
                    }}
                </p>
                <button class="nk-button" on:click=move |_| state.open_demo()>"Open the demo dashboard"</button>
            </div>
        </Show>
        <Show when=move || !state.link_warnings.with(Vec::is_empty)>
            <div class="nk-notice nk-notice-warn" data-testid="link-warnings">
                <p>"Parts of this link could not be used:"</p>
                <ul>
                    {move || state.link_warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
        <Show when=move || !state.config_notes.with(Vec::is_empty)>
            <div class="nk-notice nk-notice-warn" data-testid="config-notes">
                <ul>
                    {move || state.config_notes.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

//! The datasource status line: whether each configured datasource answers, and its
//! version. Carries the `data-testid="datasource-status"` hooks.

use super::state::use_app;
use crate::io::ds_status::check;
use leptos::prelude::*;

#[component]
pub fn DatasourceStatusLine() -> impl IntoView {
    let state = use_app();
    let checks = LocalResource::new(move || async move {
        let Some(registry) = state.registry.get() else { return Vec::new() };
        let mut out = Vec::new();
        for ds in registry.all() {
            out.push(check(ds).await);
        }
        out
    });
    view! {
        <div class="nk-ds-line" aria-label="Datasources">
            <Transition>
                {move || checks.get().map(|list| list.into_iter().map(|h| view! {
                    <span class=format!("nk-ds nk-ds-{}", h.status) data-testid="datasource-status"
                        data-name=h.name.clone() data-status=h.status title=h.detail.clone()>
                        <span class="nk-ds-dot" aria-hidden="true">{match h.status { "ok" => "●", "error" => "✕", _ => "○" }}</span>
                        {h.name.clone()}
                        <span class="nk-ds-detail">{h.detail.clone()}</span>
                    </span>
                }).collect_view())}
            </Transition>
        </div>
    }
}

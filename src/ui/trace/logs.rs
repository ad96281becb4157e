//! "Open logs" links: one anchor per configured `link` datasource, filled by
//! `core::trace::expand_link` from a span (detail) or a tile (service and time window).
//! A template that cannot make an http(s) link shows its reason instead of an anchor.

use crate::core::trace::{expand_link, LinkContext};
use crate::ui::use_app;
use leptos::prelude::*;

/// The links for `context`; `tile` picks each datasource's `tile_url` when it has one.
#[component]
pub fn OpenLogs(
    #[prop(into)] context: Signal<LinkContext>,
    #[prop(optional)] tile: bool,
) -> impl IntoView {
    let state = use_app();
    move || {
        let context = context.get();
        state.registry.with(|r| {
            let Some(r) = r.as_ref() else { return Vec::new() };
            r.links()
                .map(|ds| {
                    let label = ds.label.clone().filter(|l| !l.trim().is_empty()).unwrap_or_else(|| "Open logs".to_string());
                    let template = if tile { ds.tile_url.as_deref().unwrap_or(&ds.url) } else { &ds.url };
                    match expand_link(template, &context) {
                        Ok(url) => view! {
                            <a class="nk-open-logs" data-testid="open-logs" data-datasource=ds.name.clone() href=url
                                target="_blank" rel="noopener noreferrer">{label}</a>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <span class="nk-open-logs nk-open-logs-off" data-testid="open-logs-unavailable" data-datasource=ds.name.clone()
                                title=format!("{}: {e}", ds.name)>{format!("{label}: unavailable ({e})")}</span>
                        }
                        .into_any(),
                    }
                })
                .collect::<Vec<_>>()
        })
    }
}

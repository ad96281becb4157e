//! Breadcrumbs: the drill-down path from the spec's trail (so a shared link to a child
//! level still shows it), one `data-testid="breadcrumb"` per level, the current one last.
//! A crumb is a real link to its level; a plain click opens it as a new history step.

use super::state::use_app;
use crate::core::drill::crumb_target;
use crate::core::link::encode_share;
use leptos::prelude::*;

#[component]
pub fn Breadcrumbs() -> impl IntoView {
    let state = use_app();
    let crumbs = Memo::new(move |_| {
        state.dashboard.with(|d| {
            (0..d.trail.len())
                .filter_map(|i| crumb_target(d, i).map(|level| (i, level.title.clone(), format!("#{}", encode_share(&level)))))
                .collect::<Vec<_>>()
        })
    });
    let current = move || state.dashboard.with(|d| d.title.clone());
    view! {
        <Show when=move || crumbs.with(|c| !c.is_empty())>
            <nav class="nk-breadcrumbs" aria-label="Drill-down path">
                <ol>
                    {move || crumbs.get().into_iter().map(|(i, title, href)| view! {
                        <li class="nk-crumb" data-testid="breadcrumb" data-level=i.to_string()>
                            // A flex box, so the phone layout's 44 px minimum applies to the link.
                            <a href=href style="display: inline-flex; align-items: center"
                                on:click=move |ev: web_sys::MouseEvent| {
                                    if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                                        return;
                                    }
                                    ev.prevent_default();
                                    if let Some(level) = state.dashboard.with_untracked(|d| crumb_target(d, i)) {
                                        super::drill::open_level(state, level);
                                    }
                                }>{title}</a>
                        </li>
                    }).collect_view()}
                    <li class="nk-crumb nk-crumb-current" data-testid="breadcrumb" aria-current="page"
                        data-level=move || crumbs.with(|c| c.len().to_string())>{current}</li>
                </ol>
            </nav>
        </Show>
    }
}

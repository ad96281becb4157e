//! The Share control: freezes the absolute range by default (or keeps it live on request),
//! shows the link with its length and copies it. A frozen link lists the values of "All"
//! variables as loaded on this page (`ui::var_options`); a variable whose values are not
//! known stays "All", and the box says so in words.

use super::state::use_app;
use super::var_options::use_var_options;
use crate::core::link::encode_share;
use crate::core::share::shared_dashboard;
use crate::io::clipboard::{copy, CopyOutcome};
use crate::io::clock::now_ms;
use crate::io::url::base_url;
use leptos::html::Input;
use leptos::prelude::*;

/// Chat tools and browsers that keep links intact up to this many characters.
const CHAT_SAFE_LEN: usize = 2_000;

#[component]
pub fn ShareBox() -> impl IntoView {
    let state = use_app();
    let keep_live = RwSignal::new(false);
    let shared_at = RwSignal::new(None::<i64>);
    let copied = RwSignal::new(None::<CopyOutcome>);
    let field = NodeRef::<Input>::new();
    let options = use_var_options();
    // The link, and in words each variable it could not freeze to the values shown. The
    // options are read as they were at the click (untracked), so the link shown is the one
    // copied; options that load later take effect on the next click.
    let shared = Memo::new(move |_| {
        let at = shared_at.get()?;
        let shared = state.dashboard.with(|d| {
            let resolved = options.resolved_untracked(&d.variables);
            shared_dashboard(d, state.anchor_ms.get_untracked(), at, keep_live.get(), &resolved)
        });
        let warnings: Vec<String> = shared.warnings.iter().map(|w| w.to_string()).collect();
        Some((format!("{}#{}", base_url(), encode_share(&shared.dashboard)), warnings))
    });
    let link = Memo::new(move |_| shared.with(|s| s.as_ref().map(|(link, _)| link.clone())));
    let warnings = move || shared.with(|s| s.as_ref().map(|(_, w)| w.clone()).unwrap_or_default());
    let share = move |_| {
        shared_at.set(Some(now_ms()));
        let Some(text) = link.get_untracked() else { return };
        let input = field.get_untracked();
        leptos::task::spawn_local(async move {
            copied.set(Some(copy(&text, input).await));
        });
    };
    let meter = move || {
        link.with(|l| {
            let len = l.as_ref().map(|l| l.chars().count()).unwrap_or(0);
            if len <= CHAT_SAFE_LEN {
                format!("{len} characters: fits chat tools")
            } else {
                format!("{len} characters: too long for some chat tools; share the file from Export JSON (or Export snapshot) instead")
            }
        })
    };
    view! {
        <div class="nk-share">
            <button class="nk-button nk-button-primary" data-testid="share" on:click=share>"Share"</button>
            <label class="nk-check" title="Share the relative range (e.g. last 1h) instead of freezing the current window">
                <input type="checkbox" data-testid="share-live" prop:checked=keep_live
                    on:change=move |ev| keep_live.set(event_target_checked(&ev))/>
                "keep live"
            </label>
            <Show when=move || link.with(Option::is_some)>
                <div class="nk-share-result">
                    <input class="nk-input nk-share-link" data-testid="share-link" readonly=true node_ref=field
                        aria-label="Share link" prop:value=move || link.get().unwrap_or_default()/>
                    <span class="nk-share-length" data-testid="link-length">{meter}</span>
                    <span class="nk-share-copied">
                        {move || match copied.get() {
                            Some(CopyOutcome::Copied) => "Copied to the clipboard.",
                            Some(CopyOutcome::SelectedForManualCopy) => "Press Ctrl+C to copy the selected link.",
                            None => "",
                        }}
                    </span>
                    <For each=warnings key=|w| w.clone() let:warning>
                        <span class="nk-share-warning nk-inline-error" data-testid="share-warning">{warning}</span>
                    </For>
                </div>
            </Show>
        </div>
    }
}

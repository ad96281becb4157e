//! Autosave into this browser's Recent list without ever losing a change silently: every
//! state of the dashboard is written under its identity, unless another tab saved
//! different content meanwhile (`core::recent::decide_save`); then nothing is written and a
//! message offers "Keep mine", "Take theirs" or "Keep both". Storage failures (quota,
//! private mode) are shown, and the dashboard stays in the page's link.

use super::library::RECENT_KEY;
use super::state::{use_app, AppState};
use crate::core::link::{decode_fragment, encode_share};
use crate::core::recent::{age, decide_save, RecentEntry, RecentList, SaveDecision};
use crate::io::clock::now_ms;
use crate::io::storage::{self, base_revision, random_key, set_base_revision, Store};
use leptos::prelude::*;

/// Another tab saved different content for this dashboard: autosave waits for the user's
/// choice. Provided by [`use_autosave`].
#[derive(Clone, Copy)]
pub struct SaveConflictState(RwSignal<Option<RecentEntry>>);

/// The pending conflict, from context.
pub fn use_save_conflict() -> RwSignal<Option<RecentEntry>> {
    expect_context::<SaveConflictState>().0
}

fn read_list() -> RecentList {
    RecentList::decode(storage::get(Store::Local, RECENT_KEY).as_deref()).0
}

/// Writes `entry` into the stored list; the error says why it could not be kept.
fn write(entry: RecentEntry) -> Result<(), String> {
    let mut list = read_list();
    list.upsert(entry).map_err(|e| e.to_string())?;
    storage::set(Store::Local, RECENT_KEY, &list.encode())
}

/// The entry this tab would save now.
fn current_entry(state: AppState, key: String, revision: u64) -> RecentEntry {
    state.dashboard.with_untracked(|d| RecentEntry {
        key,
        title: d.title.clone(),
        last_opened_ms: now_ms(),
        panel_count: d.panels.len(),
        fragment: encode_share(d),
        revision,
    })
}

/// Saves this tab's state if the conflict rule allows it, or raises the conflict.
fn save(state: AppState, conflict: RwSignal<Option<RecentEntry>>) {
    let key = state.doc_key.get_untracked();
    let fragment = state.dashboard.with_untracked(encode_share);
    let list = read_list();
    match decide_save(list.get(&key), base_revision(&key), &fragment) {
        SaveDecision::Unchanged { revision } | SaveDecision::Write { revision } => {
            let result = write(current_entry(state, key.clone(), revision));
            if result.is_ok() {
                set_base_revision(&key, revision);
            }
            state.save_problem.set(result.err());
        }
        SaveDecision::Conflict { theirs } => conflict.set(Some(theirs)),
    }
}

/// Starts autosaving: every state of the dashboard is written to the Recent list, and a
/// change saved by another tab to the same dashboard is noticed at once.
pub fn use_autosave(state: AppState) {
    // A reload keeps the history entry, and with it the dashboard's identity.
    let key = crate::io::url::state_key().unwrap_or_else(random_key);
    crate::io::url::remember_key(&key);
    state.doc_key.set(key);
    let conflict = RwSignal::new(None);
    provide_context(SaveConflictState(conflict));
    Effect::new(move |_| {
        state.doc_key.track();
        state.dashboard.track();
        // While a conflict waits for the user, this tab's changes live in its link only.
        if conflict.with(Option::is_none) {
            save(state, conflict);
        }
    });
    // Another tab wrote the list: if it saved different content for this dashboard, say so
    // now rather than at this tab's next change.
    let listener = window_event_listener_untyped("storage", move |_| {
        if conflict.with_untracked(Option::is_some) {
            return;
        }
        let key = state.doc_key.get_untracked();
        let fragment = state.dashboard.with_untracked(encode_share);
        match decide_save(read_list().get(&key), base_revision(&key), &fragment) {
            SaveDecision::Conflict { theirs } => conflict.set(Some(theirs)),
            SaveDecision::Unchanged { revision } => set_base_revision(&key, revision),
            SaveDecision::Write { .. } => {}
        }
    });
    on_cleanup(move || listener.remove());
}

/// The conflict message with its three ways out.
#[component]
pub fn SaveConflict() -> impl IntoView {
    let state = use_app();
    let conflict = use_save_conflict();
    let keep_mine = move |_| {
        let Some(theirs) = conflict.get_untracked() else { return };
        // Based on their revision, this tab's next save wins once, on purpose.
        set_base_revision(&theirs.key, theirs.revision);
        conflict.set(None);
    };
    let take_theirs = move |_| {
        let Some(theirs) = conflict.get_untracked() else { return };
        set_base_revision(&theirs.key, theirs.revision);
        conflict.set(None);
        if let Some(d) = decode_fragment(&theirs.fragment).dashboard {
            state.open(d, theirs.key);
        }
    };
    let keep_both = move |_| {
        // This tab's version becomes a dashboard of its own; theirs stays under the old key.
        let key = random_key();
        crate::io::url::remember_key(&key);
        conflict.set(None);
        state.doc_key.set(key);
    };
    view! {
        <Show when=move || conflict.with(Option::is_some)>
            <div class="nk-inline-error nk-save-conflict" role="alert" data-testid="save-conflict">
                <span>{move || conflict.with(|c| c.as_ref().map(|t| format!(
                    "\"{}\" was changed in another tab ({}). This tab's version is not autosaved until you choose; nothing is overwritten.",
                    t.title.chars().take(80).collect::<String>(), age(t.last_opened_ms, now_ms())
                )))}</span>
                <button class="nk-button" data-testid="conflict-keep-mine" on:click=keep_mine>"Keep mine"</button>
                <button class="nk-button" data-testid="conflict-take-theirs" on:click=take_theirs>"Take theirs"</button>
                <button class="nk-button" data-testid="conflict-keep-both" on:click=keep_both>"Keep both"</button>
            </div>
        </Show>
    }
}

//! Incident notes: the list under the banner with its "Add note" form, and the markers on
//! every chart. Note text is only ever a text node or a `title` attribute, never markup.

use super::state::use_app;
use crate::core::chart::ChartModel;
use crate::core::notes::{add_note, note_line, notes_in, parse_note_time, remove_note};
use crate::core::time::format_rfc3339_utc;
use crate::io::clock::now_ms;
use crate::io::url::HistoryMode;
use leptos::html::Input;
use leptos::prelude::*;

/// The "Add note" form's state, shared so that a chart's point menu can open it at the
/// clicked instant. `Some(at_ms)` while the form is open.
#[derive(Clone, Copy)]
pub struct NoteDraft(RwSignal<Option<i64>>);

impl NoteDraft {
    /// Opens the form with its time set to `at_ms`.
    pub fn open_at(&self, at_ms: i64) {
        self.0.set(Some(at_ms));
    }
}

/// Provides the note form's state for the page (called once by the app).
pub fn provide_note_draft() {
    provide_context(NoteDraft(RwSignal::new(None)));
}

/// The note form's state from context (a chart mounted on its own, as in component tests,
/// gets a private one instead of a panic).
pub fn use_note_draft() -> NoteDraft {
    use_context::<NoteDraft>().unwrap_or_else(|| NoteDraft(RwSignal::new(None)))
}

/// The notes of this dashboard and the "Add note" control.
#[component]
pub fn NotesBar() -> impl IntoView {
    let state = use_app();
    let draft = use_note_draft();
    let error = RwSignal::new(None::<String>);
    let time_field = NodeRef::<Input>::new();
    let text_field = NodeRef::<Input>::new();
    let author_field = NodeRef::<Input>::new();
    let notes = Memo::new(move |_| state.dashboard.with(|d| d.notes.iter().enumerate().map(|(i, n)| (i, note_line(n))).collect::<Vec<_>>()));
    // Focus the text when the form opens (from the button or a chart's menu).
    Effect::new(move |_| {
        if draft.0.get().is_some() {
            if let Some(el) = text_field.get() {
                let _ = el.focus();
            }
        }
    });
    let save = move || {
        let value = |f: NodeRef<Input>| f.get_untracked().map(|e| e.value()).unwrap_or_default();
        let mut d = state.dashboard.get_untracked();
        let result = parse_note_time(&value(time_field)).and_then(|at| {
            let author = value(author_field);
            add_note(&mut d, at, &value(text_field), Some(author.as_str())).map(|_| at)
        });
        match result {
            Ok(at) => {
                error.set(None);
                draft.0.set(None);
                let live = matches!(d.time, crate::core::spec::TimeSpec::Relative { .. });
                state.edit(HistoryMode::Push, move |x| x.notes = d.notes);
                // A live view ends at its last refresh; move it to now so a note pinned
                // "now" shows at once.
                if live && at > state.anchor_ms.get_untracked() {
                    state.refresh_now();
                }
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <section class="nk-notes" aria-label="Incident notes">
            <ul class="nk-notes-list">
                <For each=move || notes.get() key=|(i, line)| format!("{i}|{line}") let:item>
                    <li class="nk-note" data-testid="note-item">
                        <span class="nk-note-flag" aria-hidden="true">"▲"</span>
                        <span class="nk-note-text">{item.1.clone()}</span>
                        <button class="nk-icon" title="Remove this note" data-testid="note-remove"
                            on:click=move |_| state.edit(HistoryMode::Push, |d| remove_note(d, item.0))>"✕"</button>
                    </li>
                </For>
            </ul>
            <Show when=move || draft.0.get().is_none()>
                <button class="nk-button" data-testid="add-note"
                    on:click=move |_| {
                        error.set(None);
                        draft.open_at(now_ms());
                    }>"Add note"</button>
            </Show>
            <super::snapshot::SnapshotControls/>
            <Show when=move || draft.0.get().is_some()>
                <form class="nk-note-form" data-testid="note-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save();
                    }>
                    <label class="nk-field">"At (UTC) "
                        <input class="nk-input" data-testid="note-time" node_ref=time_field
                            prop:value=move || draft.0.get().map(format_rfc3339_utc).unwrap_or_default()/>
                    </label>
                    <label class="nk-field nk-note-text-field">"Note "
                        <input class="nk-input" data-testid="note-text" node_ref=text_field maxlength="500" placeholder="What happened, e.g. rolled back 4.2.1"/>
                    </label>
                    <label class="nk-field">"By "
                        <input class="nk-input" data-testid="note-author" node_ref=author_field maxlength="60" placeholder="optional"/>
                    </label>
                    <button class="nk-button nk-button-primary" type="submit" data-testid="note-save">"Pin note"</button>
                    <button class="nk-button" type="button" on:click=move |_| { error.set(None); draft.0.set(None); }>"Cancel"</button>
                    <span class="nk-note-error" data-testid="note-error">{move || error.get().unwrap_or_default()}</span>
                </form>
            </Show>
        </section>
    }
}

/// The notes inside a chart's window as markers at their instants.
#[component]
pub fn NoteMarkers(model: Memo<Option<ChartModel>>, width: RwSignal<f64>) -> impl IntoView {
    let state = use_app();
    let markers = Memo::new(move |_| {
        let w = width.get();
        model.with(|m| {
            let Some(m) = m else { return Vec::new() };
            state.dashboard.with(|d| notes_in(&d.notes, m.from_ms, m.to_ms).into_iter().map(|(i, n)| (i, n.at_ms, note_line(n), m.x_of(n.at_ms, w))).collect::<Vec<_>>())
        })
    });
    view! {
        {move || markers.get().into_iter().map(|(i, at, line, x)| view! {
            <span class="nk-note-marker" data-testid="note-marker" data-at-ms=at.to_string() data-index=i.to_string()
                role="img" title=line.clone() aria-label=format!("Note: {line}") style=format!("left: {x:.1}px")></span>
        }).collect_view()}
    }
}

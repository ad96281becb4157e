//! Time range, auto-refresh and time-zone controls. Inputs are parsed and formatted by
//! `core::time`; the control only wires them. Carries the `data-testid="time-range"` hooks.

use super::state::use_app;
use crate::core::spec::TimeSpec;
use crate::core::time::{format_duration_short, format_local, format_rfc3339_utc, parse_rfc3339, PRESETS, REFRESH_CHOICES};
use crate::io::clock::local_offset_minutes;
use leptos::prelude::*;

#[component]
pub fn TimePicker() -> impl IntoView {
    let state = use_app();
    let draft_from = RwSignal::new(None::<String>);
    let draft_to = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let live = move || state.dashboard.with(|d| matches!(d.time, TimeSpec::Relative { .. }));
    let preset_value = move || {
        state.dashboard.with(|d| match d.time {
            TimeSpec::Relative { last_s } => PRESETS.iter().find(|(_, s)| *s == last_s).map(|(l, _)| l.to_string()).unwrap_or_else(|| "custom".into()),
            TimeSpec::Absolute { .. } => "custom".into(),
        })
    };
    let show = move |ms: i64| {
        // Inputs show whole seconds; the range itself keeps its milliseconds.
        let ms = ms.div_euclid(1000) * 1000;
        if state.utc.get() {
            format_rfc3339_utc(ms)
        } else {
            format_local(ms, local_offset_minutes(ms))
        }
    };
    let text_from = move || draft_from.get().unwrap_or_else(|| show(state.range.get().from_ms()));
    let text_to = move || draft_to.get().unwrap_or_else(|| show(state.range.get().to_ms()));
    let apply = move || {
        let parse = |s: String| parse_rfc3339(s.trim()).map_err(|e| e.to_string());
        match (parse(text_from()), parse(text_to())) {
            (Ok(from_ms), Ok(to_ms)) if from_ms < to_ms => {
                problem.set(None);
                draft_from.set(None);
                draft_to.set(None);
                state.set_time(TimeSpec::Absolute { from_ms, to_ms });
            }
            (Ok(_), Ok(_)) => problem.set(Some("The start must be before the end.".into())),
            (Err(e), _) => problem.set(Some(format!("From: {e}"))),
            (_, Err(e)) => problem.set(Some(format!("To: {e}"))),
        }
    };
    let label = move || {
        state.dashboard.with(|d| match d.time {
            TimeSpec::Relative { last_s } => format!("Last {}", format_duration_short(last_s)),
            TimeSpec::Absolute { .. } => "Fixed range".to_string(),
        })
    };
    view! {
        <div class="nk-time" data-testid="time-range"
            data-from=move || state.range.get().from_ms().to_string()
            data-to=move || state.range.get().to_ms().to_string()
            data-live=move || live().to_string()>
            <select class="nk-select" data-testid="time-preset" aria-label="Time range"
                prop:value=preset_value
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((_, secs)) = PRESETS.iter().find(|(l, _)| *l == value) {
                        draft_from.set(None);
                        draft_to.set(None);
                        problem.set(None);
                        state.set_time(TimeSpec::Relative { last_s: *secs });
                    }
                }>
                <option value="custom" disabled=true>"Custom"</option>
                {PRESETS.iter().map(|(l, _)| view! { <option value=*l>{format!("Last {l}")}</option> }).collect_view()}
            </select>
            <span class="nk-time-label">{label}</span>
            <input class="nk-input nk-time-input" data-testid="time-from" aria-label="From (RFC 3339)" spellcheck="false"
                prop:value=text_from on:input=move |ev| draft_from.set(Some(event_target_value(&ev)))
                on:keydown=move |ev| if ev.key() == "Enter" { apply() }/>
            <span aria-hidden="true">"–"</span>
            <input class="nk-input nk-time-input" data-testid="time-to" aria-label="To (RFC 3339)" spellcheck="false"
                prop:value=text_to on:input=move |ev| draft_to.set(Some(event_target_value(&ev)))
                on:keydown=move |ev| if ev.key() == "Enter" { apply() }/>
            <button class="nk-button" data-testid="time-apply" on:click=move |_| apply()>"Apply"</button>
            <Show when=move || problem.with(Option::is_some)>
                <span class="nk-inline-error">{move || problem.get().unwrap_or_default()}</span>
            </Show>
        </div>
    }
}

#[component]
pub fn RefreshPicker() -> impl IntoView {
    let state = use_app();
    view! {
        <label class="nk-refresh">
            <span class="nk-sr">"Auto-refresh"</span>
            <select class="nk-select" data-testid="refresh" aria-label="Auto-refresh"
                prop:value=move || state.dashboard.with(|d| d.refresh_s.to_string())
                on:change=move |ev| {
                    let secs = event_target_value(&ev).parse::<u32>().unwrap_or(0);
                    state.edit(crate::io::url::HistoryMode::Replace, |d| d.refresh_s = secs);
                }>
                {REFRESH_CHOICES.iter().map(|s| {
                    let label = if *s == 0 { "Refresh off".to_string() } else { format!("Every {}", format_duration_short(*s as u64)) };
                    view! { <option value=s.to_string()>{label}</option> }
                }).collect_view()}
            </select>
            <button class="nk-button" title="Refresh now" on:click=move |_| state.refresh_now()>"↻"</button>
        </label>
    }
}

#[component]
pub fn ZoneToggle() -> impl IntoView {
    let state = use_app();
    view! {
        <button class="nk-button" data-testid="zone-toggle" title="Show times in UTC or in your local time"
            on:click=move |_| state.utc.update(|u| *u = !*u)>
            {move || if state.utc.get() { "UTC" } else { "Local" }}
        </button>
    }
}

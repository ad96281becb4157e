//! The health grid panel: paints `core::health::GridView` (rows failing first, cells
//! coloured and labelled, stale overlay, history strips, flapping badges), the
//! "hide all-green" and "expand groups" toggles, and a detail popover with the raw answer.
//! Text nodes and attributes only; it computes nothing itself.

use super::HealthStore;
use crate::core::health::{detail, grid_view, symbol, word, CellView, GridView, HealthState, RowView, STRIP_LEN};
use crate::core::spec::HealthGridSpec;
use crate::ui::state::use_app;
use leptos::prelude::*;
use std::collections::HashMap;

#[component]
pub fn HealthGrid(panel_id: String, datasource: String, spec: HealthGridSpec) -> impl IntoView {
    let Some(store) = use_context::<HealthStore>() else {
        return view! { <p class="nk-panel-placeholder">"Health polling is not running on this page."</p> }.into_any();
    };
    let state = use_app();
    let hide = RwSignal::new(spec.hide_green);
    let expand = RwSignal::new(false);
    let selected: RwSignal<Option<CellView>> = RwSignal::new(None);
    let health = Memo::new(move |_| store.panels.with(|m| m.get(&panel_id).cloned()));
    let ds = datasource.clone();
    let view_model = Memo::new(move |_| {
        let now = state.clock_ms.get();
        let (expand, hide) = (expand.get(), hide.get());
        health.with(|h| match h {
            Some(h) => store.data.with(|d| grid_view(&h.grid, d.books.get(&ds), expand, hide, now)),
            None => Default::default(),
        })
    });
    // Rows are keyed by service and cells by check, so a poll updates attributes and text
    // of the cells in place instead of re-creating them (issue #7, B6).
    let row_keys = Memo::new(move |_| {
        view_model.with(|v| v.rows.iter().enumerate().map(|(i, r)| (i, r.service.clone())).collect::<Vec<_>>())
    });
    let message = move || {
        health.with(|h| {
            h.as_ref().map(|h| h.error.iter().chain(h.notes.iter()).cloned().collect::<Vec<_>>().join(" ")).unwrap_or_default()
        })
    };
    let summary = move || {
        view_model.with(|v| {
            let mut s = if v.total == 0 {
                String::new()
            } else if v.not_green == 0 {
                format!("{} of {} services green", v.total, v.total)
            } else {
                format!("{} of {} services not green", v.not_green, v.total)
            };
            if v.hidden_green > 0 {
                s.push_str(&format!(" · {} all-green hidden", v.hidden_green));
            }
            s
        })
    };
    let ds_detail = datasource.clone();
    view! {
        <div class="nk-hg">
            <div class="nk-hg-bar">
                <label class="nk-hg-toggle">
                    <input type="checkbox" data-testid="health-hide-green"
                        prop:checked=move || hide.get()
                        on:change=move |ev| hide.set(event_target_checked(&ev))/>
                    " Hide all-green"
                </label>
                <Show when=move || view_model.with(|v| v.has_groups)>
                    <label class="nk-hg-toggle">
                        <input type="checkbox" data-testid="health-expand-groups"
                            prop:checked=move || expand.get()
                            on:change=move |ev| expand.set(event_target_checked(&ev))/>
                        " Expand groups"
                    </label>
                </Show>
                <span class="nk-hg-summary" data-testid="health-summary">{summary}</span>
            </div>
            <Show when=move || !message().is_empty()>
                <p class="nk-hg-message" data-testid="health-message" role="note">{message}</p>
            </Show>
            <div class="nk-hg-rows" role="list">
                <For each=move || row_keys.get() key=|(_, service)| service.clone() let:item>
                    <HealthRow view_model=view_model hint=item.0 service=item.1 selected=selected/>
                </For>
            </div>
            {move || selected.get().map(|cell| {
                let d = store.data.with(|data| detail(&cell.service, &cell.check, &cell.members, data.get(&ds_detail, &cell.service)));
                let rows = d.checks.clone();
                let details = d.details.clone();
                let warnings = d.warnings.clone();
                view! {
                    <div class="nk-hg-detail" data-testid="health-detail" role="dialog" aria-label=d.title.clone()
                        data-service=cell.service.clone() data-check=cell.check.clone()>
                        <header class="nk-hg-detail-head">
                            <span class=format!("nk-hg-chip nk-hg-{}", cell.state.as_str())>
                                {symbol(cell.state)} " " {word(cell.state)}
                            </span>
                            <strong>{d.title.clone()}</strong>
                            <button class="nk-button" data-testid="health-detail-close" on:click=move |_| selected.set(None)>"Close"</button>
                        </header>
                        <dl class="nk-hg-detail-list">
                            <dt>"Reason"</dt><dd data-testid="health-detail-reason">{cell.reason.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Status word"</dt><dd>{if cell.raw_status.is_empty() { "—".to_string() } else { cell.raw_status.clone() }}</dd>
                            <dt>"Answer"</dt><dd data-testid="health-detail-status">{d.status_line.clone()}</dd>
                            <dt>"Content-Type"</dt><dd data-testid="health-detail-type">{d.content_type.clone()}</dd>
                            <dt>"URL"</dt><dd class="nk-hg-mono">{d.url.clone()}</dd>
                            <dt>"Format"</dt><dd>{d.format.clone()}</dd>
                            <dt>"Stale"</dt><dd>{if cell.stale { format!("yes (last known: {})", word(cell.last_state)) } else { "no".to_string() }}</dd>
                        </dl>
                        {d.hint.clone().map(|h| view! { <p class="nk-hg-hint" data-testid="health-detail-hint">{h}</p> })}
                        <ul class="nk-hg-detail-checks">
                            {rows.into_iter().map(|(name, state, raw, why)| view! {
                                <li>{format!("{name}: {state} ({raw}){}", if why.is_empty() { String::new() } else { format!(", {why}") })}</li>
                            }).collect_view()}
                            {details.into_iter().map(|(k, v)| view! { <li class="nk-hg-muted">{format!("{k}: {v}")}</li> }).collect_view()}
                            {warnings.into_iter().map(|w| view! { <li class="nk-hg-muted">{w}</li> }).collect_view()}
                        </ul>
                        <pre class="nk-hg-body" data-testid="health-detail-body">{d.body.clone()}</pre>
                        <button class="nk-button" data-testid="health-drilldown"
                            on:click={
                                let service = cell.service.clone();
                                move |_| {
                                    let ds = state.registry.with_untracked(|r| r.as_ref().map(|r| r.metrics_datasource().to_string()).unwrap_or_else(|| "demo".into()));
                                    let time = state.dashboard.with_untracked(|d| d.time);
                                    selected.set(None);
                                    state.open(crate::core::dashboards::service_overview(&service, &ds, time), crate::io::storage::random_key());
                                }
                            }>{format!("Open {} metrics for this window", cell.service)}</button>
                    </div>
                }
            })}
        </div>
    }
    .into_any()
}

/// One row, keyed by its service: `hint` is where it was when created (rows move when
/// their state changes, then it is found by name).
#[component]
fn HealthRow(view_model: Memo<GridView>, hint: usize, service: String, selected: RwSignal<Option<CellView>>) -> impl IntoView {
    let name = service.clone();
    let row = Memo::new(move |_| {
        view_model.with(|v| {
            let at_hint = v.rows.get(hint).filter(|r| r.service == name);
            at_hint.or_else(|| v.rows.iter().find(|r| r.service == name)).cloned()
        })
    });
    let state = move || row.with(|r| r.as_ref().map_or(HealthState::Unknown, |r| r.state));
    // Each cell's key: its check name and how many cells of that name come before it.
    let cell_keys = Memo::new(move |_| {
        row.with(|r| {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            r.iter()
                .flat_map(|r| r.cells.iter())
                .enumerate()
                .map(|(i, c)| {
                    let nth = seen.entry(c.check.as_str()).or_default();
                    *nth += 1;
                    (i, (c.check.clone(), *nth - 1))
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class=move || format!("nk-hg-row nk-hg-row-{}", state().as_str()) role="listitem"
            data-testid="health-row" data-service=service.clone()
            data-state=move || state().as_str() data-status=move || state().as_str()>
            <div class=move || format!("nk-hg-service nk-hg-{}", state().as_str())>
                <span class="nk-status-symbol" aria-hidden="true">{move || symbol(state())}</span>
                <span class="nk-hg-service-name">{service.clone()}</span>
            </div>
            <div class="nk-hg-cells">
                <For each=move || cell_keys.get() key=|(_, key)| key.clone() let:item>
                    <HealthCell row=row hint=item.0 key=item.1 selected=selected/>
                </For>
            </div>
        </div>
    }
}

/// The cell `key` (check name, occurrence) of `cells`, looked up at `hint` first.
fn find_cell<'a>(cells: &'a [CellView], hint: usize, key: &(String, usize)) -> Option<&'a CellView> {
    if key.1 == 0 {
        if let Some(c) = cells.get(hint).filter(|c| c.check == key.0) {
            return Some(c);
        }
    }
    cells.iter().filter(|c| c.check == key.0).nth(key.1)
}

/// The class of history tick `k` of a strip drawn as [`STRIP_LEN`] fixed ticks, newest
/// last; ticks before the first poll are blank.
fn tick_class(strip: &[HealthState], k: usize) -> &'static str {
    let blank = STRIP_LEN.saturating_sub(strip.len());
    match k.checked_sub(blank).and_then(|j| strip.get(j)) {
        None => "nk-hg-tick nk-hg-tick-none",
        Some(HealthState::Ok) => "nk-hg-tick nk-hg-ok",
        Some(HealthState::Warn) => "nk-hg-tick nk-hg-warn",
        Some(HealthState::Fail) => "nk-hg-tick nk-hg-fail",
        Some(HealthState::Unknown) => "nk-hg-tick nk-hg-unknown",
    }
}

/// One cell, created once per key. Its elements are made once; a single effect per cell
/// patches only what changed (classes, attributes, words, history ticks) when a poll
/// changes the cell, so 2,000 cells cost 2,000 small patches, not 2,000 re-renders.
#[component]
fn HealthCell(row: Memo<Option<RowView>>, hint: usize, key: (String, usize), selected: RwSignal<Option<CellView>>) -> impl IntoView {
    let first = row.with_untracked(|r| r.as_ref().and_then(|r| find_cell(&r.cells, hint, &key)).cloned()).unwrap_or_else(blank_cell);
    let button = NodeRef::<leptos::html::Button>::new();
    let symbol_el = NodeRef::<leptos::html::Span>::new();
    let check_el = NodeRef::<leptos::html::Span>::new();
    let word_el = NodeRef::<leptos::html::Span>::new();
    let raw_el = NodeRef::<leptos::html::Span>::new();
    let stale_el = NodeRef::<leptos::html::Span>::new();
    let flap_el = NodeRef::<leptos::html::Span>::new();
    let reason_el = NodeRef::<leptos::html::Span>::new();
    let since_el = NodeRef::<leptos::html::Span>::new();
    let strip_el = NodeRef::<leptos::html::Span>::new();
    let shown = StoredValue::new(first.clone());
    Effect::new(move |_| {
        row.with(|r| {
            let Some(next) = r.as_ref().and_then(|r| find_cell(&r.cells, hint, &key)) else { return };
            if shown.try_with_value(|prev| prev != next) != Some(true) {
                return;
            }
            if let Some(b) = button.get_untracked() {
                shown.with_value(|prev| {
                    patch(&b, &symbol_el, &check_el, &word_el, &raw_el, &stale_el, &flap_el, &reason_el, &since_el, &strip_el, prev, next)
                });
            }
            shown.set_value(next.clone());
        })
    });
    let c = first;
    let reason = c.reason.clone().unwrap_or_default();
    view! {
        <button type="button" node_ref=button class=cell_class(&c) title=cell_title(&c)
            data-testid="health-cell"
            data-service=c.service.clone()
            data-check=c.check.clone()
            data-state=c.state.as_str()
            data-status=c.state.as_str()
            data-stale=bool_str(c.stale)
            data-reason=reason.clone()
            data-raw=c.raw_status.clone()
            data-flapping=bool_str(c.flapping)
            on:click=move |_| selected.set(shown.try_get_value())>
            <span class="nk-hg-cell-head">
                <span class="nk-status-symbol" aria-hidden="true" node_ref=symbol_el>{symbol(c.state)}</span>
                <span class="nk-hg-check" node_ref=check_el>{check_text(&c)}</span>
            </span>
            <span class="nk-hg-cell-words">
                <span class="nk-hg-word" data-testid="health-cell-label" node_ref=word_el>{word(c.state)}</span>
                <span class="nk-hg-raw" node_ref=raw_el>{c.raw_status.clone()}</span>
                <span class="nk-hg-stale-tag" node_ref=stale_el hidden=!c.stale>"stale"</span>
                <span class="nk-hg-flap" node_ref=flap_el hidden=!c.flapping data-testid=c.flapping.then_some("health-flapping")>"flapping"</span>
            </span>
            <span class="nk-hg-reason" node_ref=reason_el hidden=reason.is_empty() data-testid=(!reason.is_empty()).then_some("health-cell-reason")>{reason.clone()}</span>
            <span class="nk-hg-since" node_ref=since_el hidden=c.since.is_empty()>{c.since.clone()}</span>
            <span class="nk-hg-strip" data-testid="health-strip" data-polls=c.strip.len().to_string() aria-hidden="true" node_ref=strip_el>
                {(0..STRIP_LEN).map(|k| view! { <i class=tick_class(&c.strip, k)></i> }).collect_view()}
            </span>
        </button>
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn cell_class(c: &CellView) -> String {
    format!("nk-hg-cell nk-hg-{}{}", c.state.as_str(), if c.stale { " nk-hg-stale" } else { "" })
}

fn check_text(c: &CellView) -> String {
    if c.members.is_empty() {
        c.check.clone()
    } else {
        format!("{} ({} checks)", c.check, c.members.len())
    }
}

/// Shows or hides an optional part, with its test hook only while shown.
fn show(el: &web_sys::HtmlElement, visible: bool, testid: Option<&str>) {
    el.set_hidden(!visible);
    if let Some(id) = testid {
        if visible {
            let _ = el.set_attribute("data-testid", id);
        } else {
            let _ = el.remove_attribute("data-testid");
        }
    }
}

/// Applies the difference between two versions of a cell to its elements.
#[allow(clippy::too_many_arguments)] // One reference per patched element reads best here.
fn patch(
    b: &web_sys::HtmlButtonElement,
    symbol_el: &NodeRef<leptos::html::Span>,
    check_el: &NodeRef<leptos::html::Span>,
    word_el: &NodeRef<leptos::html::Span>,
    raw_el: &NodeRef<leptos::html::Span>,
    stale_el: &NodeRef<leptos::html::Span>,
    flap_el: &NodeRef<leptos::html::Span>,
    reason_el: &NodeRef<leptos::html::Span>,
    since_el: &NodeRef<leptos::html::Span>,
    strip_el: &NodeRef<leptos::html::Span>,
    prev: &CellView,
    next: &CellView,
) {
    let set = |name: &str, value: &str| {
        let _ = b.set_attribute(name, value);
    };
    if (prev.state, prev.stale) != (next.state, next.stale) {
        b.set_class_name(&cell_class(next));
    }
    let title = cell_title(next);
    if title != cell_title(prev) {
        b.set_title(&title);
    }
    if prev.service != next.service {
        set("data-service", &next.service);
    }
    if prev.check != next.check {
        set("data-check", &next.check);
    }
    if prev.state != next.state {
        set("data-state", next.state.as_str());
        set("data-status", next.state.as_str());
        if let Some(e) = symbol_el.get_untracked() {
            e.set_text_content(Some(symbol(next.state)));
        }
        if let Some(e) = word_el.get_untracked() {
            e.set_text_content(Some(word(next.state)));
        }
    }
    if prev.stale != next.stale {
        set("data-stale", bool_str(next.stale));
        if let Some(e) = stale_el.get_untracked() {
            show(&e, next.stale, None);
        }
    }
    if prev.flapping != next.flapping {
        set("data-flapping", bool_str(next.flapping));
        if let Some(e) = flap_el.get_untracked() {
            show(&e, next.flapping, Some("health-flapping"));
        }
    }
    if prev.reason != next.reason {
        let reason = next.reason.as_deref().unwrap_or_default();
        set("data-reason", reason);
        if let Some(e) = reason_el.get_untracked() {
            e.set_text_content(Some(reason));
            show(&e, !reason.is_empty(), Some("health-cell-reason"));
        }
    }
    if prev.raw_status != next.raw_status {
        set("data-raw", &next.raw_status);
        if let Some(e) = raw_el.get_untracked() {
            e.set_text_content(Some(&next.raw_status));
        }
    }
    if (&prev.check, &prev.members) != (&next.check, &next.members) {
        if let Some(e) = check_el.get_untracked() {
            e.set_text_content(Some(&check_text(next)));
        }
    }
    if prev.since != next.since {
        if let Some(e) = since_el.get_untracked() {
            e.set_text_content(Some(&next.since));
            show(&e, !next.since.is_empty(), None);
        }
    }
    if prev.strip != next.strip {
        if let Some(strip) = strip_el.get_untracked() {
            if prev.strip.len() != next.strip.len() {
                let _ = strip.set_attribute("data-polls", &next.strip.len().to_string());
            }
            let mut tick = strip.first_element_child();
            for k in 0..STRIP_LEN {
                let Some(t) = tick else { break };
                let class = tick_class(&next.strip, k);
                if class != tick_class(&prev.strip, k) {
                    t.set_class_name(class);
                }
                tick = t.next_element_sibling();
            }
        }
    }
}

/// What a cell shows for the moment between its row changing and its removal.
fn blank_cell() -> CellView {
    CellView {
        service: String::new(),
        check: String::new(),
        state: HealthState::Unknown,
        last_state: HealthState::Unknown,
        stale: false,
        raw_status: String::new(),
        reason: None,
        since: String::new(),
        flapping: false,
        members: Vec::new(),
        strip: Vec::new(),
    }
}

/// The cell's tooltip: service, check, state, raw status, reason and staleness.
fn cell_title(c: &CellView) -> String {
    let reason = c.reason.as_deref().unwrap_or_default();
    format!(
        "{} · {}: {}{}{}{}",
        c.service,
        c.check,
        word(c.state),
        if c.raw_status.is_empty() { String::new() } else { format!(" ({})", c.raw_status) },
        if reason.is_empty() { String::new() } else { format!(", {reason}") },
        if c.stale { ", stale" } else { "" }
    )
}

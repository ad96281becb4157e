//! The health grid panel: paints `core::health::LiveGrid` (rows failing first, cells
//! coloured and labelled, stale overlay, history strips, flapping badges), the
//! "hide all-green" and "expand groups" toggles, and a detail popover with the raw answer.
//! Text nodes and attributes only; it computes nothing itself.
//!
//! A poll costs what it changed (issue #7, B6): one effect refreshes the panel's live grid,
//! which repaints only the row that answered and lists the cells that changed; those
//! cells alone are packed into one `core::health::CellBatch` and applied by one call into
//! the page (`dom::apply`) through a registry of mounted cells. Rows and cells are drawn
//! again only when the structure changes (rows reorder, cells appear or go).

use super::{dom, HealthStore};
use crate::core::health::{
    bool_word, check_text, detail, plan_poll, strip_key, symbol, word, CellBatch, CellView,
    HealthState, LiveGrid,
};
use crate::core::spec::HealthGridSpec;
use crate::ui::state::use_app;
use leptos::prelude::*;
use std::collections::HashMap;

/// What is drawn: the visible rows in order, each as (panel index, service, cell names).
type Layout = Vec<(usize, String, Vec<String>)>;

/// A mounted row: its token, state signal, element and the strip it carries for its
/// cells (`core::health::common_strip`; `None` until written on this element).
type MountedRow = (
    u64,
    RwSignal<HealthState>,
    NodeRef<leptos::html::Div>,
    Option<u64>,
);

/// The panel's mounted cells and rows, by (row, cell) and row index in the panel's order.
/// Each entry carries a token so a removed element never unregisters its replacement.
#[derive(Default)]
struct Mounted {
    cells: HashMap<(usize, usize), (u64, CellSlot)>,
    rows: HashMap<usize, MountedRow>,
    next_token: u64,
}

/// One mounted cell: its elements, what they show and its slot in the page's table.
#[derive(Clone)]
struct CellSlot {
    els: CellEls,
    shown: CellView,
    /// The cell's number in the page's table of cells (`dom::register`).
    slot: u32,
    /// Whether its elements were handed to the page (on its first patch).
    registered: bool,
    /// The strip its strip element holds itself (`None`: it shows its row's).
    own_strip: Option<u64>,
}

/// The header figures: groups present, rows not green, all rows, hidden rows.
type Counts = (bool, usize, usize, usize);

#[component]
pub fn HealthGrid(panel_id: String, datasource: String, spec: HealthGridSpec) -> impl IntoView {
    let Some(store) = use_context::<HealthStore>() else {
        return view! { <p class="nk-panel-placeholder">"Health polling is not running on this page."</p> }.into_any();
    };
    let state = use_app();
    let hide = RwSignal::new(spec.hide_green);
    let expand = RwSignal::new(false);
    let selected: RwSignal<Option<CellView>> = RwSignal::new(None);
    let id = panel_id.clone();
    let message = Memo::new(move |_| {
        store.panels.with(|m| {
            m.get(&id)
                .map(|h| {
                    h.error
                        .iter()
                        .chain(h.notes.iter())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        })
    });
    let plan = Memo::new(move |_| {
        store.plans.with(|ps| {
            ps.iter()
                .find(|(p, _)| *p == panel_id)
                .and_then(|(_, p)| p.clone())
        })
    });
    let live = StoredValue::new_local(LiveGrid::new());
    let mounted = StoredValue::new_local(Mounted::default());
    let layout: RwSignal<Layout> = RwSignal::new(Vec::new());
    let counts: RwSignal<Counts> = RwSignal::new((false, 0, 0, 0));
    let drawn_hide = StoredValue::new(None::<bool>);
    let rows_box = NodeRef::<leptos::html::Div>::new();
    let order_rows = move || {
        let Some(container) = rows_box.get_untracked() else {
            return;
        };
        let want: Vec<web_sys::Element> = layout.with_untracked(|l| {
            mounted
                .try_with_value(|m| {
                    l.iter()
                        .filter_map(|(i, _, _)| {
                            m.rows.get(i).and_then(|(_, _, r, _)| r.get_untracked())
                        })
                        .map(Into::into)
                        .collect()
                })
                .unwrap_or_default()
        });
        dom::order_rows(&container, &want);
    };
    Effect::new(move |_| {
        let now = store.now(state);
        let (expand, hide) = (expand.get(), hide.get());
        plan.with(|plan| {
            let Some(plan) = plan else { return };
            let changes = store
                .data
                .with(|d| live.try_update_value(|g| g.refresh(plan, d, expand, now)));
            let Some(changes) = changes else { return };
            live.with_value(|g| {
                let mut row_states = Vec::new();
                // Every changed cell goes into one batch the page applies in one call.
                let mut batch = CellBatch::new();
                mounted.update_value(|m| {
                    // Which strip each changed row carries and which cells to patch are
                    // decided in the core; here the row strips are written.
                    let plan = plan_poll(
                        &changes.cells,
                        |i| g.row(i).map(|r| r.cells.as_slice()),
                        |i| m.rows.get(&i).map(|row| row.3),
                    );
                    let mut commons: HashMap<usize, Option<u64>> = HashMap::new();
                    for r in &plan.rows {
                        let written = r.write_from.is_none_or(|j| {
                            let shown = g.row(r.row).and_then(|row| row.cells.get(j));
                            match (m.rows.get_mut(&r.row), shown) {
                                (Some((_, _, el, had)), Some(c)) => match el.get_untracked() {
                                    Some(el) => {
                                        dom::set_row_strip(&el, &c.strip);
                                        *had = r.common;
                                        true
                                    }
                                    None => false,
                                },
                                _ => false,
                            }
                        });
                        commons.insert(r.row, r.common.filter(|_| written));
                    }
                    for (i, j) in plan.cells {
                        if let (Some(next), Some((_, slot))) = (
                            g.row(i).and_then(|r| r.cells.get(j)),
                            m.cells.get_mut(&(i, j)),
                        ) {
                            if !slot.registered {
                                slot.registered = register(slot.slot, &slot.els);
                            }
                            if slot.registered {
                                let common = commons.get(&i).copied().flatten();
                                batch.push(
                                    slot.slot,
                                    &slot.shown,
                                    next,
                                    &mut slot.own_strip,
                                    common,
                                );
                            }
                            slot.shown = next.clone();
                        }
                    }
                    for &i in &changes.rows {
                        if let (Some(r), Some((_, sig, _, _))) = (g.row(i), m.rows.get(&i)) {
                            row_states.push((*sig, r.state));
                        }
                    }
                });
                dom::apply(&batch);
                // Row signals are set outside the registry's borrow (their effects may read it).
                for (sig, state) in row_states {
                    sig.set(state);
                }
                if changes.structure || drawn_hide.get_value() != Some(hide) {
                    drawn_hide.set_value(Some(hide));
                    let next: Layout = g
                        .visible(hide)
                        .into_iter()
                        .filter_map(|i| {
                            g.row(i).map(|r| {
                                (
                                    i,
                                    r.service.clone(),
                                    r.cells.iter().map(|c| c.check.clone()).collect(),
                                )
                            })
                        })
                        .collect();
                    if layout.with_untracked(|l| *l != next) {
                        layout.set(next);
                        // Rows already in the page are ordered now; rows the list adds
                        // are ordered once it has drawn them (before the next paint).
                        order_rows();
                        request_animation_frame(order_rows);
                    }
                }
                let (not_green, total) = g.counts();
                let shown_rows = layout.with_untracked(Vec::len);
                let next = (
                    g.has_groups(),
                    not_green,
                    total,
                    total.saturating_sub(shown_rows),
                );
                if counts.get_untracked() != next {
                    counts.set(next);
                }
            });
        });
    });
    // Rows are listed in panel order, so a change of order never rebuilds the list: the
    // page order (failing first) is set by `order_rows`, which moves as few rows as it can.
    let row_keys = Memo::new(move |_| {
        layout.with(|l| {
            let mut keys = l
                .iter()
                .map(|(i, s, _)| (*i, s.clone()))
                .collect::<Vec<_>>();
            keys.sort();
            keys
        })
    });
    let summary = move || {
        let (_, not_green, total, hidden) = counts.get();
        let mut s = if total == 0 {
            String::new()
        } else if not_green == 0 {
            format!("{total} of {total} services green")
        } else {
            format!("{not_green} of {total} services not green")
        };
        if hidden > 0 {
            s.push_str(&format!(" · {hidden} all-green hidden"));
        }
        s
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
                <Show when=move || counts.with(|c| c.0)>
                    <label class="nk-hg-toggle">
                        <input type="checkbox" data-testid="health-expand-groups"
                            prop:checked=move || expand.get()
                            on:change=move |ev| expand.set(event_target_checked(&ev))/>
                        " Expand groups"
                    </label>
                </Show>
                <span class="nk-hg-summary" data-testid="health-summary">{summary}</span>
            </div>
            <Show when=move || message.with(|m| !m.is_empty())>
                <p class="nk-hg-message" data-testid="health-message" role="note">{move || message.get()}</p>
            </Show>
            <div class="nk-hg-rows" role="list" node_ref=rows_box>
                <For each=move || row_keys.get() key=|(i, service)| (*i, service.clone()) let:item>
                    <HealthRow live=live mounted=mounted layout=layout index=item.0 service=item.1 selected=selected/>
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

/// One row, keyed by its panel index and service. Its state is a signal the panel's
/// effect sets when the row's state changes; its cells are drawn from the layout.
#[component]
fn HealthRow(
    live: StoredValue<LiveGrid, LocalStorage>,
    mounted: StoredValue<Mounted, LocalStorage>,
    layout: RwSignal<Layout>,
    index: usize,
    service: String,
    selected: RwSignal<Option<CellView>>,
) -> impl IntoView {
    let first = live.with_value(|g| g.row(index).map_or(HealthState::Unknown, |r| r.state));
    let row_state = RwSignal::new(first);
    let row_el = NodeRef::<leptos::html::Div>::new();
    let token = mounted.try_update_value(|m| {
        m.next_token += 1;
        m.rows
            .insert(index, (m.next_token, row_state, row_el, None));
        m.next_token
    });
    on_cleanup(move || {
        mounted.try_update_value(|m| {
            if m.rows.get(&index).map(|(t, _, _, _)| Some(*t)) == Some(token) {
                m.rows.remove(&index);
            }
        });
    });
    let cell_keys = Memo::new(move |_| {
        layout.with(|l| {
            l.iter()
                .find(|(i, _, _)| *i == index)
                .map(|(_, _, cells)| cells.iter().cloned().enumerate().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let state = move || row_state.get();
    view! {
        <div class=move || format!("nk-hg-row nk-hg-row-{}", state().as_str()) role="listitem" node_ref=row_el
            data-testid="health-row" data-service=service.clone()
            data-state=move || state().as_str() data-status=move || state().as_str()>
            <div class=move || format!("nk-hg-service nk-hg-{}", state().as_str())>
                <span class="nk-status-symbol" aria-hidden="true">{move || symbol(state())}</span>
                <span class="nk-hg-service-name">{service.clone()}</span>
            </div>
            <div class="nk-hg-cells">
                <For each=move || cell_keys.get() key=|key| key.clone() let:item>
                    <HealthCell live=live mounted=mounted row=index cell=item.0 selected=selected/>
                </For>
            </div>
        </div>
    }
}

/// A cell's elements, filled in when it is mounted.
#[derive(Clone, Copy)]
struct CellEls {
    button: NodeRef<leptos::html::Button>,
    check: NodeRef<leptos::html::Span>,
    word: NodeRef<leptos::html::Span>,
    raw: NodeRef<leptos::html::Span>,
    stale: NodeRef<leptos::html::Span>,
    flap: NodeRef<leptos::html::Span>,
    reason: NodeRef<leptos::html::Span>,
    since: NodeRef<leptos::html::Span>,
    strip: NodeRef<leptos::html::Span>,
}

/// One cell, created once per (row, cell, check). Its elements are made once and
/// registered; the panel's effect patches them when a refresh lists this cell as changed.
/// No reactive node per cell: 2,000 cells cost nothing on a poll that does not touch them.
#[component]
fn HealthCell(
    live: StoredValue<LiveGrid, LocalStorage>,
    mounted: StoredValue<Mounted, LocalStorage>,
    row: usize,
    cell: usize,
    selected: RwSignal<Option<CellView>>,
) -> impl IntoView {
    let c = live
        .with_value(|g| g.row(row).and_then(|r| r.cells.get(cell)).cloned())
        .unwrap_or_else(blank_cell);
    let els = CellEls {
        button: NodeRef::new(),
        check: NodeRef::new(),
        word: NodeRef::new(),
        raw: NodeRef::new(),
        stale: NodeRef::new(),
        flap: NodeRef::new(),
        reason: NodeRef::new(),
        since: NodeRef::new(),
        strip: NodeRef::new(),
    };
    let slot = dom::new_slot();
    let token = mounted.try_update_value(|m| {
        m.next_token += 1;
        m.cells.insert(
            (row, cell),
            (
                m.next_token,
                CellSlot {
                    els,
                    shown: c.clone(),
                    slot,
                    registered: false,
                    own_strip: Some(strip_key(&c.strip)),
                },
            ),
        );
        m.next_token
    });
    on_cleanup(move || {
        dom::forget(slot);
        mounted.try_update_value(|m| {
            if m.cells.get(&(row, cell)).map(|(t, _)| Some(*t)) == Some(token) {
                m.cells.remove(&(row, cell));
            }
        });
    });
    let shown = move || {
        mounted
            .try_with_value(|m| m.cells.get(&(row, cell)).map(|(_, s)| s.shown.clone()))
            .flatten()
    };
    let reason = c.reason.clone().unwrap_or_default();
    view! {
        <button type="button" node_ref=els.button class="nk-hg-cell"
            data-testid="health-cell"
            data-service=c.service.clone()
            data-check=c.check.clone()
            data-state=c.state.as_str()
            data-status=c.state.as_str()
            data-stale=bool_word(c.stale)
            data-reason=reason.clone()
            data-raw=c.raw_status.clone()
            data-flapping=bool_word(c.flapping)
            on:mouseenter=move |_| {
                // The tooltip is written when it can be seen, not on every poll.
                if let (Some(b), Some(now)) = (els.button.get_untracked(), shown()) {
                    b.set_title(&cell_title(&now));
                }
            }
            on:click=move |_| selected.set(shown())>
            <span class="nk-hg-cell-head">
                // The symbol is the stylesheet's, keyed by the cell's `data-status`.
                <span class="nk-status-symbol" aria-hidden="true"></span>
                <span class="nk-hg-check" node_ref=els.check>{check_text(&c)}</span>
            </span>
            <span class="nk-hg-cell-words">
                <span class="nk-hg-word" data-testid="health-cell-label" node_ref=els.word>{word(c.state)}</span>
                <span class="nk-hg-raw" node_ref=els.raw>{c.raw_status.clone()}</span>
                <span class="nk-hg-stale-tag" node_ref=els.stale hidden=!c.stale>"stale"</span>
                <span class="nk-hg-flap" node_ref=els.flap hidden=!c.flapping data-testid=c.flapping.then_some("health-flapping")>"flapping"</span>
            </span>
            <span class="nk-hg-reason" node_ref=els.reason hidden=reason.is_empty() data-testid=(!reason.is_empty()).then_some("health-cell-reason")>{reason.clone()}</span>
            <span class="nk-hg-since" node_ref=els.since hidden=c.since.is_empty()>{c.since.clone()}</span>
            // One element: its ticks are a background the stylesheet draws from `--hs`.
            <span class="nk-hg-strip" data-testid="health-strip" data-polls=c.strip.len().to_string() aria-hidden="true"
                node_ref=els.strip style=dom::strip_style(&c.strip)></span>
        </button>
    }
}

/// Hands a mounted cell's elements to the page under its slot; false while any of them
/// is not in the page yet.
fn register(slot: u32, els: &CellEls) -> bool {
    let (
        Some(button),
        Some(check),
        Some(word),
        Some(raw),
        Some(stale),
        Some(flap),
        Some(reason),
        Some(since),
        Some(strip),
    ) = (
        els.button.get_untracked(),
        els.check.get_untracked(),
        els.word.get_untracked(),
        els.raw.get_untracked(),
        els.stale.get_untracked(),
        els.flap.get_untracked(),
        els.reason.get_untracked(),
        els.since.get_untracked(),
        els.strip.get_untracked(),
    )
    else {
        return false;
    };
    dom::register(
        slot,
        &dom::CellParts {
            button: &button,
            check: &check,
            word: &word,
            raw: &raw,
            stale: &stale,
            flap: &flap,
            reason: &reason,
            since: &since,
            strip: &strip,
        },
    );
    true
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
        if c.raw_status.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.raw_status)
        },
        if reason.is_empty() {
            String::new()
        } else {
            format!(", {reason}")
        },
        if c.stale { ", stale" } else { "" }
    )
}

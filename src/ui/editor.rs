//! The side editor for one panel: kind, datasource, a query builder (metric, label
//! filters with suggestions from the datasource, function, aggregation, grouping,
//! quantile) with the generated PromQL shown, or PromQL typed directly; unit and
//! thresholds; for a KPI, what a click opens (its breakdown or a chosen dashboard). The form edits a `core::editor::PanelDraft`; `to_panel` validates it.

use super::state::use_app;
use crate::core::editor::{MatcherDraft, PanelDraft, QueryMode};
use crate::core::prom;
use crate::core::spec::{Reduce, Unit};
use crate::core::undo::{undo_key, UndoKey};
use crate::io::suggest::{suggest, Ask};
use leptos::prelude::*;

/// How long the draft must stay unchanged before the grid previews it.
const PREVIEW_DELAY_MS: u64 = 300;

const UNITS: [(Unit, &str); 6] = [
    (Unit::None, "none"),
    (Unit::Percent, "percent"),
    (Unit::Seconds, "seconds"),
    (Unit::Milliseconds, "milliseconds"),
    (Unit::Bytes, "bytes"),
    (Unit::ReqPerSec, "req/s"),
];

#[component]
pub fn PanelEditor() -> impl IntoView {
    let state = use_app();
    // A new form for each panel edited, so switching panels ends the previous preview.
    let editing_id = Memo::new(move |_| state.editing.with(|e| e.as_ref().map(|d| d.id.clone())));
    move || editing_id.get().and_then(|_| state.editing.get_untracked()).map(|draft| view! { <EditorForm draft=draft/> })
}

#[component]
fn EditorForm(draft: PanelDraft) -> impl IntoView {
    let state = use_app();
    let id = draft.id.clone();
    // Live preview: the grid shows the draft (with its data) while it is valid; the panel as
    // it was comes back unless the edit is applied.
    let original = state.dashboard.with_untracked(|dash| dash.panels.iter().find(|p| p.id == id).cloned());
    let applied = StoredValue::new(false);
    let d = RwSignal::new(draft);
    let pending = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Ok(panel) = d.with(PanelDraft::to_panel) else { return };
        pending.update_value(|g| *g += 1);
        let mine = pending.get_value();
        // Settles typing for a moment before the preview runs the panel's query.
        set_timeout(
            move || {
                if pending.try_get_value() == Some(mine) && applied.try_get_value() == Some(false) {
                    state.preview_panel(panel);
                }
            },
            std::time::Duration::from_millis(PREVIEW_DELAY_MS),
        );
    });
    {
        let (id, original) = (id.clone(), original.clone());
        on_cleanup(move || {
            if applied.try_get_value() != Some(true) {
                state.end_preview(&id, original);
            }
        });
    }
    let problems = RwSignal::new(Vec::<String>::new());
    let set = move |f: &dyn Fn(&mut PanelDraft)| d.update(|d| f(d));
    let text = move |get: fn(&PanelDraft) -> String| move || d.with(get);

    let datasource = Memo::new(move |_| d.with(|d| d.datasource.clone()));
    let metric = Memo::new(move |_| d.with(|d| d.metric.clone()));
    let metrics = LocalResource::new(move || {
        let ds = datasource.get();
        async move {
            let Some(registry) = state.registry.get_untracked() else { return Vec::new() };
            suggest(&registry, &ds, &Ask::MetricNames, state.range.get_untracked()).await.unwrap_or_default()
        }
    });
    let labels = LocalResource::new(move || {
        let (ds, metric) = (datasource.get(), metric.get());
        async move {
            let Some(registry) = state.registry.get_untracked() else { return Vec::new() };
            if metric.is_empty() {
                return Vec::new();
            }
            suggest(&registry, &ds, &Ask::LabelNames { metric }, state.range.get_untracked()).await.unwrap_or_default()
        }
    });
    let promql = move || {
        d.with(|d| match d.query() {
            Ok(q) => prom::compile(&q, 60).unwrap_or_else(|e| e.to_string()),
            Err(p) => p.join(" "),
        })
    };
    let apply = move |_| match d.with_untracked(PanelDraft::to_panel) {
        Ok(panel) => {
            problems.set(Vec::new());
            applied.set_value(true);
            state.end_preview(&id, original.clone());
            state.save_panel(panel);
            state.editing.set(None);
        }
        Err(p) => problems.set(p),
    };
    let names = move || state.registry.with(|r| r.as_ref().map(|r| r.names()).unwrap_or_default());

    view! {
        <aside class="nk-editor" data-testid="panel-editor" aria-label="Panel editor">
            <header class="nk-editor-head">
                <h2>"Edit panel"</h2>
                <button class="nk-button" data-testid="editor-cancel" on:click=move |_| state.editing.set(None)>"Close"</button>
            </header>
            <label class="nk-field">"Title"
                <input class="nk-input" data-testid="editor-title" prop:value=text(|d| d.title.clone())
                    placeholder=move || d.with(|d| d.auto_title().unwrap_or_else(|| "named after its query".into()))
                    on:input=move |ev| { let v = event_target_value(&ev); set(&|d| d.title = v.clone()) }/>
            </label>
            <div class="nk-field-row">
                <label class="nk-field">"Kind"
                    <select class="nk-select" data-testid="editor-kind" prop:value=text(|d| d.kind.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.kind = v.clone()) }>
                        <option value="kpi">"KPI tile"</option>
                        <option value="timeseries">"Time series"</option>
                    </select>
                </label>
                <label class="nk-field">"Datasource"
                    <select class="nk-select" data-testid="editor-datasource" prop:value=move || datasource.get()
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.datasource = v.clone()) }>
                        {move || names().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="nk-tabs" role="tablist">
                <button class="nk-chip" class:nk-chip-on=move || d.with(|d| d.mode == QueryMode::Builder) data-testid="editor-mode-builder"
                    on:click=move |_| set(&|d| d.mode = QueryMode::Builder)>"Builder"</button>
                <button class="nk-chip" class:nk-chip-on=move || d.with(|d| d.mode == QueryMode::Code) data-testid="editor-mode-code"
                    on:click=move |_| set(&|d| { if d.promql.is_empty() { if let Ok(q) = d.query() { d.promql = prom::compile(&q, 60).unwrap_or_default(); } } d.mode = QueryMode::Code; })>"PromQL"</button>
            </div>
            <Show when=move || d.with(|d| d.mode == QueryMode::Kept)>
                <p class="nk-hint">"This query (a ratio) cannot be shown in the builder. It is kept as it is; switch to Builder or PromQL to replace it."</p>
            </Show>
            <Show when=move || d.with(|d| d.mode == QueryMode::Builder)>
                <label class="nk-field">"Metric"
                    <input class="nk-input" data-testid="editor-metric" list="nk-metric-names" placeholder="type to search"
                        prop:value=move || metric.get()
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.metric = v.clone()) }/>
                </label>
                <datalist id="nk-metric-names">
                    <Transition>{move || metrics.get().map(|m| m.into_iter().map(|n| view! { <option value=n/> }).collect_view())}</Transition>
                </datalist>
                <datalist id="nk-label-names">
                    <Transition>{move || labels.get().map(|m| m.into_iter().map(|n| view! { <option value=n/> }).collect_view())}</Transition>
                </datalist>
                <fieldset class="nk-fieldset">
                    <legend>"Filters"</legend>
                    {move || (0..d.with(|d| d.matchers.len())).map(|i| view! { <MatcherRow d=d index=i/> }).collect_view()}
                    <button class="nk-button" data-testid="editor-add-filter"
                        on:click=move |_| set(&|d| d.matchers.push(MatcherDraft { op: "=".into(), ..Default::default() }))>"+ filter"</button>
                </fieldset>
                <div class="nk-field-row">
                    <label class="nk-field">"Function"
                        <select class="nk-select" data-testid="editor-fn" prop:value=text(|d| d.range_fn.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.range_fn = v.clone()) }>
                            <option value="">"none (gauge)"</option>
                            <option value="rate">"rate"</option>
                            <option value="increase">"increase"</option>
                        </select>
                    </label>
                    <label class="nk-field">"Aggregate"
                        <select class="nk-select" data-testid="editor-agg" prop:value=text(|d| d.agg.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.agg = v.clone()) }>
                            <option value="">"none"</option>
                            {["sum", "avg", "min", "max", "count"].map(|a| view! { <option value=a>{a}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="nk-field">"by"
                        <input class="nk-input" data-testid="editor-by" placeholder="service, endpoint" list="nk-label-names"
                            prop:value=text(|d| d.by.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); set(&|d| d.by = v.clone()) }/>
                    </label>
                    <label class="nk-field">"Quantile"
                        <select class="nk-select" data-testid="editor-quantile" prop:value=text(|d| d.quantile.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.quantile = v.clone()) }>
                            <option value="">"none"</option>
                            {["0.5", "0.9", "0.95", "0.99", "0.999"].map(|q| view! { <option value=q>{format!("p{}", q.trim_start_matches("0.").trim_end_matches('0'))}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <p class="nk-field">"PromQL"<code class="nk-code" data-testid="editor-promql-preview">{promql}</code></p>
            </Show>
            <Show when=move || d.with(|d| d.mode == QueryMode::Code)>
                <label class="nk-field">"PromQL"
                    <textarea class="nk-input nk-code-input" data-testid="editor-code" rows="4" spellcheck="false"
                        prop:value=text(|d| d.promql.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); set(&|d| d.promql = v.clone()) }></textarea>
                </label>
            </Show>
            <div class="nk-field-row">
                <label class="nk-field">"Unit"
                    <select class="nk-select" data-testid="editor-unit" prop:value=move || d.with(|d| d.unit.as_str().to_string())
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.unit = UNITS.iter().find(|(u, _)| u.as_str() == v).map(|(u, _)| *u).unwrap_or_default()) }>
                        {UNITS.map(|(u, label)| view! { <option value=u.as_str()>{label}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || d.with(|d| d.kind == "kpi")>
                    <label class="nk-field">"Reduce"
                        <select class="nk-select" data-testid="editor-reduce"
                            prop:value=move || d.with(|d| match d.reduce { Reduce::Last => "last", Reduce::Mean => "mean", Reduce::Max => "max" })
                            on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.reduce = match v.as_str() { "mean" => Reduce::Mean, "max" => Reduce::Max, _ => Reduce::Last }) }>
                            <option value="last">"last"</option>
                            <option value="mean">"mean"</option>
                            <option value="max">"max"</option>
                        </select>
                    </label>
                </Show>
            </div>
            <Show when=move || d.with(|d| d.kind == "kpi")>
                <DrillField d=d/>
            </Show>
            <div class="nk-field-row">
                <label class="nk-field">"Thresholds"
                    <select class="nk-select" data-testid="editor-direction" prop:value=text(|d| d.direction.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|d| d.direction = v.clone()) }>
                        <option value="">"none"</option>
                        <option value="above">"higher is worse"</option>
                        <option value="below">"lower is worse"</option>
                    </select>
                </label>
                <label class="nk-field">"warn at"
                    <input class="nk-input nk-num" data-testid="editor-warn" inputmode="decimal" prop:value=text(|d| d.warn.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); set(&|d| d.warn = v.clone()) }/>
                </label>
                <label class="nk-field">"fail at"
                    <input class="nk-input nk-num" data-testid="editor-fail" inputmode="decimal" prop:value=text(|d| d.fail.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); set(&|d| d.fail = v.clone()) }/>
                </label>
            </div>
            <Show when=move || problems.with(|p| !p.is_empty())>
                <ul class="nk-inline-error" data-testid="editor-problems">
                    {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </Show>
            <footer class="nk-editor-foot">
                <button class="nk-button nk-button-primary" data-testid="editor-apply" on:click=apply>"Apply"</button>
            </footer>
        </aside>
    }
}

/// Where a click on a KPI tile leads: its planned breakdown, or a dashboard the user
/// picks from this browser's Recent list (its link is copied into the tile, so the target
/// travels with shared links) or pastes as a link.
#[component]
fn DrillField(d: RwSignal<PanelDraft>) -> impl IntoView {
    let (recent, _) = super::library::read_recent();
    let entries: Vec<(String, String, String)> =
        recent.entries.into_iter().map(|e| (e.key, format!("{} ({} panels)", e.title, e.panel_count), e.fragment)).collect();
    let fragments = StoredValue::new(entries.iter().map(|(k, _, f)| (k.clone(), f.clone())).collect::<Vec<_>>());
    let chosen = move || d.with(|d| d.drill_mode == "dashboard");
    view! {
        <div class="nk-field-row">
            <label class="nk-field">"Click opens"
                <select class="nk-select" data-testid="editor-drill" prop:value=move || d.with(|d| if d.drill_mode == "dashboard" { "dashboard" } else { "auto" })
                    on:change=move |ev| { let v = event_target_value(&ev); d.update(|d| d.drill_mode = v) }>
                    <option value="auto">"its breakdown (planned)"</option>
                    <option value="dashboard">"a dashboard I choose"</option>
                </select>
            </label>
            <Show when=chosen>
                <label class="nk-field">"From Recent"
                    <select class="nk-select" data-testid="editor-drill-recent" prop:value=""
                        on:change=move |ev| {
                            let key = event_target_value(&ev);
                            if let Some(f) = fragments.with_value(|l| l.iter().find(|(k, _)| *k == key).map(|(_, f)| f.clone())) {
                                d.update(|d| d.drill_target = f);
                            }
                        }>
                        <option value="">"pick a dashboard…"</option>
                        {entries.iter().map(|(key, label, _)| view! { <option value=key.clone()>{label.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="nk-field">"or its link"
                    <input class="nk-input" data-testid="editor-drill-link" placeholder="https://…/#d=1.…" spellcheck="false"
                        prop:value=move || d.with(|d| d.drill_target.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); d.update(|d| d.drill_target = v) }/>
                </label>
            </Show>
        </div>
    }
}

#[component]
fn MatcherRow(d: RwSignal<PanelDraft>, index: usize) -> impl IntoView {
    let state = use_app();
    let get = move |f: fn(&MatcherDraft) -> String| move || d.with(|d| d.matchers.get(index).map(f).unwrap_or_default());
    let label = Memo::new(move |_| d.with(|d| d.matchers.get(index).map(|m| m.label.clone()).unwrap_or_default()));
    let values = LocalResource::new(move || {
        let (ds, metric, label) = (d.with_untracked(|d| d.datasource.clone()), d.with(|d| d.metric.clone()), label.get());
        async move {
            let Some(registry) = state.registry.get_untracked() else { return Vec::new() };
            if label.is_empty() {
                return Vec::new();
            }
            let metric = (!metric.is_empty()).then_some(metric);
            suggest(&registry, &ds, &Ask::LabelValues { metric, label }, state.range.get_untracked()).await.unwrap_or_default()
        }
    });
    let list_id = format!("nk-values-{index}");
    view! {
        <div class="nk-matcher" data-testid="editor-filter">
            <input class="nk-input" placeholder="label" list="nk-label-names" prop:value=get(|m| m.label.clone())
                on:change=move |ev| { let v = event_target_value(&ev); d.update(|d| if let Some(m) = d.matchers.get_mut(index) { m.label = v }) }/>
            <select class="nk-select" prop:value=get(|m| m.op.clone())
                on:change=move |ev| { let v = event_target_value(&ev); d.update(|d| if let Some(m) = d.matchers.get_mut(index) { m.op = v }) }>
                {["=", "!=", "=~", "!~"].map(|o| view! { <option value=o>{o}</option> }).collect_view()}
            </select>
            <input class="nk-input" placeholder="value" list=list_id.clone() prop:value=get(|m| m.value.clone())
                on:input=move |ev| { let v = event_target_value(&ev); d.update(|d| if let Some(m) = d.matchers.get_mut(index) { m.value = v }) }/>
            <datalist id=list_id>
                <Transition>{move || values.get().map(|v| v.into_iter().map(|n| view! { <option value=n/> }).collect_view())}</Transition>
            </datalist>
            <button class="nk-button" title="Remove this filter" on:click=move |_| d.update(|d| { if index < d.matchers.len() { d.matchers.remove(index); } })>"×"</button>
        </div>
    }
}

/// Undo and redo buttons (disabled when there is nothing to undo or redo), and the
/// Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z and Ctrl/Cmd+Y keys outside text fields.
#[component]
pub fn UndoButtons() -> impl IntoView {
    let state = use_app();
    let keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .map(|el| {
                let tag = el.tag_name().to_ascii_lowercase();
                el.is_content_editable() || tag == "input" || tag == "textarea" || tag == "select"
            })
            .unwrap_or(false);
        match undo_key(&ev.key(), ev.ctrl_key() || ev.meta_key(), ev.shift_key(), typing) {
            Some(UndoKey::Undo) => {
                ev.prevent_default();
                state.undo();
            }
            Some(UndoKey::Redo) => {
                ev.prevent_default();
                state.redo();
            }
            None => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <span class="nk-undo">
            <button class="nk-button" data-testid="undo" title="Undo (Ctrl+Z)" aria-label="Undo"
                disabled=move || !state.history.with(|h| h.can_undo()) on:click=move |_| state.undo()>"↶"</button>
            <button class="nk-button" data-testid="redo" title="Redo (Shift+Ctrl+Z)" aria-label="Redo"
                disabled=move || !state.history.with(|h| h.can_redo()) on:click=move |_| state.redo()>"↷"</button>
        </span>
    }
}

/// The dashboard's title, renamed in place: click it, type, Enter (or leave the field) to
/// keep, Escape to cancel.
#[component]
pub fn DashboardTitle() -> impl IntoView {
    let state = use_app();
    let editing = RwSignal::new(false);
    let field = NodeRef::<leptos::html::Input>::new();
    let title = move || state.dashboard.with(|d| d.title.clone());
    let commit = move |value: String| {
        if editing.get_untracked() {
            editing.set(false);
            state.set_title(&value);
        }
    };
    Effect::new(move |_| {
        if editing.get() {
            if let Some(input) = field.get() {
                let _ = input.focus();
                input.select();
            }
        }
    });
    view! {
        <h1 class="nk-title">
            <Show when=move || editing.get()
                fallback=move || view! {
                    <button class="nk-title-button" data-testid="dashboard-title" title="Rename this dashboard"
                        on:click=move |_| editing.set(true)>{title}</button>
                }>
                <input class="nk-input nk-title-input" data-testid="dashboard-title-input" aria-label="Dashboard title" node_ref=field
                    prop:value=title
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => commit(event_target_value(&ev)),
                        "Escape" => editing.set(false),
                        _ => {}
                    }
                    on:blur=move |ev| commit(event_target_value(&ev))/>
            </Show>
        </h1>
    }
}

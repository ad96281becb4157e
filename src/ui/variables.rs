//! The variable selectors in the top bar: one control per dashboard variable. Changing a
//! selection edits the dashboard (so it travels in the link and in history). Each selector
//! records the options it loaded in the page's store (`ui::var_options`) for Share.

use super::state::use_app;
use super::var_options::use_var_options;
use crate::core::spec::Variable;
use crate::core::vars::ALL;
use crate::io::options::variable_options;
use crate::io::url::HistoryMode;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn VariablesBar() -> impl IntoView {
    let state = use_app();
    let vars = Memo::new(move |_| state.dashboard.with(|d| d.variables.clone()));
    let adding = RwSignal::new(false);
    view! {
        <div class="nk-vars" data-testid="variables">
            <For each=move || vars.get() key=|v| format!("{v:?}") let:var>
                <VariableSelect var=var/>
            </For>
            <Show when=move || !adding.get()>
                <button class="nk-chip" data-testid="variable-add" title="Add a dashboard variable such as $service"
                    on:click=move |_| adding.set(true)>"+ variable"</button>
            </Show>
            <Show when=move || adding.get()>
                <NewVariable done=adding/>
            </Show>
        </div>
    }
}

/// A small form that defines a variable whose options are a label's values.
#[component]
fn NewVariable(done: RwSignal<bool>) -> impl IntoView {
    let state = use_app();
    let (name, label, metric, datasource) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(crate::core::datasource::DEMO.to_string()));
    let multi = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        let existing = state.dashboard.with_untracked(|d| d.variables.clone());
        let label_or_name = if label.get_untracked().trim().is_empty() { name.get_untracked() } else { label.get_untracked() };
        match crate::core::vars::new_variable(&existing, &name.get_untracked(), &label_or_name, &metric.get_untracked(), &datasource.get_untracked(), multi.get_untracked()) {
            Ok(v) => {
                state.edit(HistoryMode::Push, move |d| d.variables.push(v));
                done.set(false);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let names = move || state.registry.with(|r| r.as_ref().map(|r| r.names()).unwrap_or_default());
    view! {
        <div class="nk-var-new" data-testid="variable-form">
            <input class="nk-input" placeholder="name (e.g. service)" data-testid="variable-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <input class="nk-input" placeholder="label (default: the name)" data-testid="variable-label" prop:value=label on:input=move |ev| label.set(event_target_value(&ev))/>
            <input class="nk-input" placeholder="metric (optional)" data-testid="variable-metric" prop:value=metric on:input=move |ev| metric.set(event_target_value(&ev))/>
            <select class="nk-select" data-testid="variable-datasource" prop:value=datasource on:change=move |ev| datasource.set(event_target_value(&ev))>
                {move || names().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
            </select>
            <label class="nk-check"><input type="checkbox" prop:checked=multi on:change=move |ev| multi.set(event_target_checked(&ev))/>"multi"</label>
            <button class="nk-button nk-button-primary" data-testid="variable-create" on:click=add>"Add"</button>
            <button class="nk-button" on:click=move |_| done.set(false)>"Cancel"</button>
            <Show when=move || problem.with(Option::is_some)>
                <span class="nk-inline-error">{move || problem.get().unwrap_or_default()}</span>
            </Show>
        </div>
    }
}

#[component]
fn VariableSelect(var: Variable) -> impl IntoView {
    let state = use_app();
    let name = var.name.clone();
    let lookup = var.clone();
    let store = use_var_options();
    // What the options resolve to is also recorded in the page's store, so a frozen share
    // can list the values shown here in place of "All". A snapshot reaches no backend: its
    // variables offer the values they were frozen with.
    let options = LocalResource::new(move || {
        let lookup = lookup.clone();
        // Read tracked, so leaving a snapshot loads the options afresh.
        let frozen = super::snapshot::active_tracked(state);
        async move {
            if frozen {
                return Ok(crate::core::vars::offline_options(&lookup));
            }
            match state.registry.get() {
                Some(registry) => {
                    let outcome = variable_options(&registry, &lookup, state.range.get_untracked()).await;
                    store.record(&lookup, &outcome);
                    outcome
                }
                None => Ok(Vec::new()),
            }
        }
    });
    let current = StoredValue::new(var.current.clone());
    let include_all = var.include_all;
    let selected = move |value: &str| {
        current.with_value(|c| c.iter().any(|x| x == value) || (c.is_empty() && value == ALL && include_all))
    };
    let multi = var.multi;
    let on_change = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
        let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
        let options = select.selected_options();
        let mut chosen: Vec<String> = (0..options.length())
            .filter_map(|i| options.item(i))
            .filter_map(|el| el.get_attribute("value"))
            .collect();
        if chosen.iter().any(|c| c == ALL) {
            chosen = vec![ALL.to_string()];
        }
        let name = name.clone();
        state.edit(HistoryMode::Push, move |d| {
            if let Some(v) = d.variables.iter_mut().find(|v| v.name == name) {
                v.current = chosen;
            }
        });
    }};
    let label = format!("${}", var.name);
    // The selection as the hook reports it: values joined by commas, or `$__all`.
    let data_value = match crate::core::vars::selection(&var) {
        crate::core::vars::Selection::All => ALL.to_string(),
        crate::core::vars::Selection::Values(v) => v.join(","),
        crate::core::vars::Selection::Unset => String::new(),
    };
    let var_name = StoredValue::new(var.name.clone());
    let toggle = move |value: String| {
        let name = var_name.get_value();
        state.edit(HistoryMode::Push, move |d| {
            if let Some(v) = d.variables.iter_mut().find(|v| v.name == name) {
                v.current = toggled(&v.current, &value);
            }
        });
    };
    let chip = move |value: String, text: String| {
        let on = selected(&value);
        view! {
            <button class="nk-chip" class:nk-chip-on=on aria-pressed=on.to_string() data-value=value.clone()
                on:click=move |_| toggle(value.clone())>{text}</button>
        }
    };
    if multi {
        let aria = label.clone();
        return view! {
            <div class="nk-var" role="group" aria-label=aria data-testid="variable" data-name=var.name.clone() data-value=data_value.clone()>
                <span class="nk-var-name">{label}</span>
                {remove_button(var_name)}
                <Show when=move || include_all>{chip(ALL.to_string(), "All".to_string())}</Show>
                <Transition fallback=|| view! { <span class="nk-muted">"Loading…"</span> }>
                    {move || options.get().map(|result| match result {
                        Ok(values) => values.into_iter().map(|v| chip(v.clone(), v)).collect_view().into_any(),
                        Err(e) => view! { <span class="nk-inline-error">{e}</span> }.into_any(),
                    })}
                </Transition>
            </div>
        }
        .into_any();
    }
    view! {
        <label class="nk-var">
            <span class="nk-var-name">{label}</span>
            {remove_button(var_name)}
            <select class="nk-select" data-testid="variable" data-name=var.name.clone() data-value=data_value on:change=on_change>
                <Show when=move || include_all>
                    <option value=ALL selected=selected(ALL)>"All"</option>
                </Show>
                <Transition fallback=|| view! { <option disabled=true>"Loading…"</option> }>
                    {move || options.get().map(|result| match result {
                        Ok(values) => values.into_iter().map(|v| {
                            let on = selected(&v);
                            view! { <option value=v.clone() selected=on>{v.clone()}</option> }
                        }).collect_view().into_any(),
                        Err(e) => view! { <option disabled=true>{e}</option> }.into_any(),
                    })}
                </Transition>
            </select>
        </label>
    }
    .into_any()
}

/// A small button that deletes the variable (its references stay in the queries).
fn remove_button(name: StoredValue<String>) -> impl IntoView {
    let state = use_app();
    view! {
        <button class="nk-icon" title="Remove this variable" data-testid="variable-remove"
            on:click=move |_| {
                let name = name.get_value();
                state.edit(HistoryMode::Push, move |d| d.variables.retain(|v| v.name != name));
            }>"✕"</button>
    }
}

/// The selection after clicking `value` in a multi-select: "All" clears the rest, a value
/// toggles itself (and leaves "All").
fn toggled(current: &[String], value: &str) -> Vec<String> {
    if value == ALL {
        return Vec::new();
    }
    let mut next: Vec<String> = current.iter().filter(|c| *c != ALL && *c != value).cloned().collect();
    if !current.iter().any(|c| c == value) {
        next.push(value.to_string());
    }
    next
}

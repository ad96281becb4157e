//! The page's store of resolved variable options: each variable selector writes the options
//! it loaded (or its failure) here, so Share and snapshot export can freeze an "All"
//! selection to the values the user saw. Entries are keyed by the variable's name and
//! remember the definition they were loaded for; a changed definition makes them stale.

use crate::core::share::ResolvedOptions;
use crate::core::spec::Variable;
use crate::core::vars::OptionsSource;
use leptos::prelude::*;
use std::collections::HashMap;

/// What one variable's selector last loaded.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// What the options were loaded from.
    source: OptionsSource,
    /// The options, or the failure in words.
    outcome: Result<Vec<String>, String>,
}

/// The resolved options of the dashboard's variables, provided as context.
#[derive(Debug, Clone, Copy)]
pub struct VarOptions(RwSignal<HashMap<String, Entry>>);

/// Creates the page's options store (called once by the app).
pub fn provide_var_options() {
    provide_context(VarOptions(RwSignal::new(HashMap::new())));
}

/// The options store from context (a component mounted on its own, as in component tests,
/// gets a private one instead of a panic).
pub fn use_var_options() -> VarOptions {
    use_context::<VarOptions>().unwrap_or_else(|| VarOptions(RwSignal::new(HashMap::new())))
}

impl VarOptions {
    /// Records what `var`'s selector loaded.
    pub fn record(self, var: &Variable, outcome: &Result<Vec<String>, String>) {
        let entry = Entry {
            source: OptionsSource::of(var),
            outcome: outcome.clone(),
        };
        self.0.maybe_update(|m| {
            let changed = m.get(&var.name) != Some(&entry);
            if changed {
                m.insert(var.name.clone(), entry);
            }
            changed
        });
    }

    /// The options resolved for `vars` under their current definitions, read without
    /// tracking: loading, failed and stale entries are left out.
    pub fn resolved_untracked(self, vars: &[Variable]) -> ResolvedOptions {
        self.0.with_untracked(|m| pick(m, vars))
    }
}

fn pick(m: &HashMap<String, Entry>, vars: &[Variable]) -> ResolvedOptions {
    vars.iter()
        .filter_map(|v| {
            let entry = m
                .get(&v.name)
                .filter(|e| e.source == OptionsSource::of(v))?;
            let values = entry.outcome.as_ref().ok()?;
            Some((v.name.clone(), values.clone()))
        })
        .collect()
}

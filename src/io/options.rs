//! Options of a dashboard variable: fixed ones, or label values from its datasource.

use crate::core::datasource::{DatasourceKind, Registry, DEMO};
use crate::core::demo;
use crate::core::spec::Variable;

/// Most options shown for one variable.
pub const MAX_OPTIONS: usize = 500;

/// The options to offer for `var`, sorted and capped.
pub async fn variable_options(registry: &Registry, var: &Variable) -> Result<Vec<String>, String> {
    if !var.options.is_empty() {
        return Ok(var.options.iter().take(MAX_OPTIONS).cloned().collect());
    }
    let name = var.datasource.as_deref().unwrap_or(DEMO);
    let ds = registry.get(name).map_err(|e| e.to_string())?;
    let mut values = match ds.kind {
        DatasourceKind::Demo => match &var.metric {
            Some(metric) => demo::label_values(metric, var.label_name()),
            None => demo::metric_names().into_iter().flat_map(|m| demo::label_values(m, var.label_name())).collect(),
        },
        other => return Err(format!("options from a {} datasource are not supported yet; list them in the variable's options", other.as_str())),
    };
    values.sort();
    values.dedup();
    values.truncate(MAX_OPTIONS);
    Ok(values)
}

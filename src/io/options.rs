//! Options of a dashboard variable: fixed ones, or label values from its datasource.

use crate::core::datasource::{Registry, DEMO};
use crate::core::spec::Variable;
use crate::core::time::TimeRange;
use crate::io::suggest::{suggest, Ask};

/// Most options shown for one variable.
pub const MAX_OPTIONS: usize = 500;

/// The options to offer for `var`, sorted and capped.
pub async fn variable_options(registry: &Registry, var: &Variable, range: TimeRange) -> Result<Vec<String>, String> {
    if !var.options.is_empty() {
        return Ok(var.options.iter().take(MAX_OPTIONS).cloned().collect());
    }
    let ask = Ask::LabelValues { metric: var.metric.clone(), label: var.label_name().to_string() };
    let mut values = suggest(registry, var.datasource.as_deref().unwrap_or(DEMO), &ask, range).await?;
    values.truncate(MAX_OPTIONS);
    Ok(values)
}

//! Suggestions for the query editor and variable options: metric names, label names and
//! label values, from the demo datasource or a Prometheus-API server.

use crate::core::datasource::{Datasource, DatasourceKind, Registry};
use crate::core::demo;
use crate::core::prom;
use crate::core::time::TimeRange;
use crate::io::http;

/// Most suggestions kept for one list.
pub const MAX_SUGGESTIONS: usize = 2_000;

/// Labels the demo's series carry.
const DEMO_LABELS: [&str; 6] = ["service", "endpoint", "status", "le", "dependency", "group"];

/// What to suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    MetricNames,
    LabelNames { metric: String },
    LabelValues { metric: Option<String>, label: String },
}

/// Sorted, de-duplicated, capped suggestions for `ask` on datasource `name`.
pub async fn suggest(registry: &Registry, name: &str, ask: &Ask, range: TimeRange) -> Result<Vec<String>, String> {
    let ds = registry.get(name).map_err(|e| e.to_string())?;
    let mut out = match ds.kind {
        DatasourceKind::Demo => demo_suggest(ask),
        DatasourceKind::Prometheus => prom_suggest(ds, ask, range).await?,
        other => return Err(format!("{} datasources have no metric names", other.as_str())),
    };
    out.sort();
    out.dedup();
    out.truncate(MAX_SUGGESTIONS);
    Ok(out)
}

fn demo_suggest(ask: &Ask) -> Vec<String> {
    match ask {
        Ask::MetricNames => {
            let mut names: Vec<String> = demo::metric_names().into_iter().map(String::from).collect();
            // Histogram base names, for quantile queries.
            names.extend(names.clone().iter().filter_map(|n| n.strip_suffix("_bucket").map(String::from)));
            names
        }
        Ask::LabelNames { metric } => DEMO_LABELS.iter().filter(|l| !demo::label_values(metric, l).is_empty()).map(|l| l.to_string()).collect(),
        Ask::LabelValues { metric: Some(metric), label } => demo::label_values(metric, label),
        Ask::LabelValues { metric: None, label } => demo::metric_names().into_iter().flat_map(|m| demo::label_values(m, label)).collect(),
    }
}

async fn prom_suggest(ds: &Datasource, ask: &Ask, range: TimeRange) -> Result<Vec<String>, String> {
    let selector = |m: &Option<String>| m.iter().map(|m| format!("{{__name__=\"{}\"}}", m.replace('\\', "\\\\").replace('"', "\\\""))).collect::<Vec<_>>();
    let (request, names) = match ask {
        Ask::MetricNames => (prom::label_values(&ds.url, "__name__", &[], range), false),
        Ask::LabelNames { metric } => (prom::labels(&ds.url, &selector(&Some(metric.clone())), range), true),
        Ask::LabelValues { metric, label } => (prom::label_values(&ds.url, label, &selector(metric), range), false),
    };
    let raw = http::send(&ds.name, crate::io::runner::outgoing(request.with_headers(ds.request_headers())), ds.timeout_ms()).await?;
    let parsed = if names {
        prom::parse_labels(raw.status, raw.content_type.as_deref(), &raw.body)
    } else {
        prom::parse_label_values(raw.status, raw.content_type.as_deref(), &raw.body)
    };
    parsed.map_err(|e| e.to_string())
}

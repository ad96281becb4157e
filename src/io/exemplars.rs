//! Fetches the exemplars of a chart's queries: the demo answers from `core::demo::exemplars`;
//! a Prometheus-API datasource gets the `query_exemplars` request `core::prom` builds, and
//! its answer is parsed there. Engines without exemplars (`core::prom::supports_exemplars`)
//! are not asked. Other datasource kinds have none.

use crate::core::datasource::{Datasource, DatasourceKind, Registry};
use crate::core::demo;
use crate::core::plan::QueryJob;
use crate::core::prom::{self, ExemplarSeries, Flavour};
use crate::io::http;
use crate::io::runner::{outgoing, yield_to_browser};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// Engines learned from answers (a VictoriaMetrics tell), by datasource name: a later
    /// round does not ask an engine that has no exemplars again.
    static LEARNED: RefCell<HashMap<String, Flavour>> = RefCell::new(HashMap::new());
}

/// The exemplars of every job, appended; `Ok(None)` when the datasource has no exemplars
/// to ask for. An error is a sentence for the chart's note.
pub async fn fetch(registry: &Registry, datasource: &str, jobs: &[QueryJob]) -> Result<Option<Vec<ExemplarSeries>>, String> {
    let ds = registry.get(datasource).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    match ds.kind {
        DatasourceKind::Demo => {
            for job in jobs {
                yield_to_browser().await;
                out.extend(demo::exemplars(&job.query, job.range, job.step_ms, demo::DEFAULT_SEED).map_err(|e| e.to_string())?);
            }
        }
        DatasourceKind::Prometheus => {
            if !prom::supports_exemplars(flavour(ds)) {
                return Ok(None);
            }
            for job in jobs {
                out.extend(prometheus(ds, job).await?);
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

/// The engine as far as known without asking: a learned tell, else what the URL and
/// headers say.
fn flavour(ds: &Datasource) -> Flavour {
    LEARNED.with(|l| l.borrow().get(&ds.name).copied()).unwrap_or_else(|| prom::detect(&ds.url, None, !ds.headers.is_empty()))
}

/// One job's exemplars from a Prometheus-API datasource.
async fn prometheus(ds: &Datasource, job: &QueryJob) -> Result<Vec<ExemplarSeries>, String> {
    let window_s = job.rate_window_s();
    let promql = prom::compile(&job.query, window_s).map_err(|e| e.to_string())?;
    let request = prom::query_exemplars(&ds.url, &promql, job.range).with_headers(ds.request_headers());
    let raw = http::send(&ds.name, outgoing(request), ds.timeout_ms()).await?;
    let _phase = crate::io::bench::phase(crate::io::bench::Phase::Exemplars);
    if let Some(f) = prom::sniff_body(&raw.body) {
        LEARNED.with(|l| l.borrow_mut().insert(ds.name.clone(), f));
    }
    prom::parse_exemplars(raw.status, raw.content_type.as_deref(), &raw.body).map_err(|e| e.to_string())
}

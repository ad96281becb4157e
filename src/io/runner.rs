//! Executes a panel's query plan against its datasource and returns frames.
//!
//! Dispatch only: the demo datasource is evaluated by `core::demo`; real clients arrive
//! with their issues. Between jobs the task yields to the browser so that a long plan
//! never blocks the page in one piece (a Prometheus plan's first query goes out at once).

use crate::core::datasource::{Datasource, DatasourceKind, LookupError, Registry};
use crate::core::prom;
use crate::core::refresh::many_series_notice;
use crate::io::http;
use crate::core::demo;
use crate::core::frame::Frame;
use crate::core::plan::QueryJob;

/// Runs every job in order; the first failure fails the panel with a readable message.
pub async fn run(registry: &Registry, datasource: &str, jobs: &[QueryJob]) -> Result<Vec<Frame>, String> {
    let ds = registry.get(datasource).map_err(|e| e.to_string())?;
    let mut frames = Vec::with_capacity(jobs.len());
    for (i, job) in jobs.iter().enumerate() {
        // A Prometheus query is sent at once (its answer arrives in a later task anyway);
        // waiting a timer turn first delayed every panel's first request behind the
        // page's mounting frames (B4). Demo evaluations, computed here, yield each time.
        if i > 0 || ds.kind == DatasourceKind::Demo {
            yield_to_browser().await;
        }
        let frame = match ds.kind {
            DatasourceKind::Demo => demo::evaluate(&job.query, job.range, job.step_ms, demo::DEFAULT_SEED).map_err(|e| e.to_string())?,
            DatasourceKind::Prometheus => prometheus(ds, job).await?,
            other => {
                return Err(LookupError::Unsupported { name: ds.name.clone(), kind: other.as_str() }.to_string());
            }
        };
        frames.push(frame);
    }
    Ok(frames)
}

/// Runs one job against a Prometheus-API datasource: compile, send, parse.
async fn prometheus(ds: &Datasource, job: &QueryJob) -> Result<Frame, String> {
    let window_s = job.rate_window_s();
    let promql = prom::compile(&job.query, window_s).map_err(|e| e.to_string())?;
    let request = prom::query_range(&ds.url, &promql, job.range, job.step_ms, Some(ds.timeout_ms()), None).with_headers(ds.request_headers());
    let raw = http::send(&ds.name, outgoing(request), ds.timeout_ms()).await.map_err(|e| format!("Prometheus \"{}\": {e}", ds.name))?;
    let _phase = crate::io::bench::phase(crate::io::bench::Phase::Decode);
    let mut frame = prom::parse_query_range(raw.status, raw.content_type.as_deref(), &raw.body, job.step_ms).map_err(|e| match e {
        prom::PromError::SignIn { .. } => format!("Sign-in expired at {} — reload the page to sign in again.", ds.name),
        other => format!("Prometheus \"{}\": {other}", ds.name),
    })?;
    frame.notices.extend(many_series_notice(frame.series.len()));
    Ok(frame)
}

/// The edge's form of a request the Prometheus core built.
pub fn outgoing(request: prom::HttpRequest) -> http::Outgoing {
    http::Outgoing {
        method: match request.method {
            prom::Method::Get => "GET",
            prom::Method::Post => "POST",
        },
        url: request.url,
        headers: request.headers,
        body: request.body,
    }
}

/// Lets the browser paint and handle input before the next piece of work.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

//! The trace edge: fetch one trace by id or run a trace search on a datasource (Jaeger v1 or
//! api_v3, detected once per datasource; Tempo; Zipkin; the demo), and read a picked or
//! dropped trace file in chunks with progress. Requests and parsing come from
//! `core::trace`; this file only sends and reads.

use crate::core::datasource::{Datasource, DatasourceKind, Registry};
use crate::core::demo;
use crate::core::trace::{
    parse_any, parse_search, parse_services, search_request, services_request, summarize, trace_request, SearchParams, Trace, TraceBackend,
    TraceError, TraceId, TraceSummary,
};
use crate::io::http::{self, RawResponse};
use crate::io::runner::{outgoing, yield_to_browser};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Largest trace file Napkin reads (256 MiB).
pub const MAX_TRACE_FILE_BYTES: f64 = 256.0 * 1024.0 * 1024.0;
/// Bytes read per chunk; the page repaints (progress) between chunks.
const CHUNK: f64 = 1024.0 * 1024.0;

thread_local! {
    /// The API each Jaeger datasource speaks, once detected.
    static DETECTED: RefCell<HashMap<String, TraceBackend>> = RefCell::new(HashMap::new());
}

/// Where a datasource's traces come from.
enum Source<'a> {
    Demo,
    Backend(TraceBackend, &'a Datasource),
}

fn same_origin(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

async fn send(ds: &Datasource, request: crate::core::prom::HttpRequest) -> Result<std::rc::Rc<RawResponse>, String> {
    let request = if same_origin(&ds.url) { request.with_headers(&ds.headers) } else { request };
    http::send(&ds.name, outgoing(request), ds.timeout_ms()).await
}

/// Jaeger v2's api_v3 answers `/api/v3/services`; Jaeger v1 (and v2 without api_v3) does not.
async fn detect_jaeger(ds: &Datasource) -> TraceBackend {
    if let Some(b) = DETECTED.with(|d| d.borrow().get(&ds.name).copied()) {
        return b;
    }
    let v3 = match send(ds, services_request(TraceBackend::JaegerV3, &ds.url)).await {
        Ok(r) => (200..300).contains(&r.status) && parse_services(&r.body).is_ok(),
        Err(_) => false,
    };
    let backend = if v3 { TraceBackend::JaegerV3Snake } else { TraceBackend::JaegerV1 };
    DETECTED.with(|d| d.borrow_mut().insert(ds.name.clone(), backend));
    backend
}

async fn source<'a>(registry: &'a Registry, datasource: &str) -> Result<Source<'a>, String> {
    let ds = registry.get(datasource).map_err(|e| e.to_string())?;
    Ok(match ds.kind {
        DatasourceKind::Demo => Source::Demo,
        DatasourceKind::Jaeger => Source::Backend(detect_jaeger(ds).await, ds),
        DatasourceKind::Tempo => Source::Backend(TraceBackend::Tempo, ds),
        DatasourceKind::Zipkin => Source::Backend(TraceBackend::Zipkin, ds),
        other => {
            return Err(format!(
                "The datasource \"{}\" is a {} datasource; traces need a jaeger, tempo, zipkin or the demo datasource.",
                ds.name,
                other.as_str()
            ))
        }
    })
}

fn backend_name(b: TraceBackend) -> &'static str {
    match b {
        TraceBackend::JaegerV1 => "Jaeger",
        TraceBackend::JaegerV3 | TraceBackend::JaegerV3Snake => "Jaeger api_v3",
        TraceBackend::Tempo | TraceBackend::TempoV2 => "Tempo",
        TraceBackend::Zipkin => "Zipkin",
    }
}

fn explain(ds: &Datasource, backend: TraceBackend, raw: &RawResponse, e: TraceError) -> String {
    match (raw.status, e) {
        (401 | 403, _) => format!("Sign-in expired at {} — reload the page to sign in again.", ds.name),
        (_, TraceError::Html) if raw.status == 200 => format!("Sign-in expired at {} — reload the page to sign in again.", ds.name),
        (status, e) if !(200..300).contains(&status) => format!("{} \"{}\" answered HTTP {status}: {e}", backend_name(backend), ds.name),
        (_, e) => format!("{} \"{}\": {e}", backend_name(backend), ds.name),
    }
}

/// One trace by id. A trace the backend does not have is an error saying so.
pub async fn fetch_trace(registry: &Registry, datasource: &str, id: &TraceId) -> Result<(Trace, Vec<String>), String> {
    match source(registry, datasource).await? {
        Source::Demo => demo::traces::demo_trace(id, demo::DEFAULT_SEED)
            .map(|t| (t, Vec::new()))
            .ok_or_else(|| format!("The demo datasource has no trace {}; pick one from a trace search on demo.", id.to_hex())),
        Source::Backend(backend, ds) => {
            let raw = send(ds, trace_request(backend, &ds.url, id)).await.map_err(|e| format!("{} \"{}\": {e}", backend_name(backend), ds.name))?;
            let (traces, warnings) = parse_any(&raw.body).map_err(|e| explain(ds, backend, &raw, e))?;
            let trace = traces.into_iter().max_by_key(|t| (t.trace_id == *id, t.spans.len()));
            match trace {
                Some(t) if !t.spans.is_empty() => Ok((t, warnings)),
                _ => Err(format!("{} \"{}\" has no trace {} (it may have expired from storage).", backend_name(backend), ds.name, id.to_hex())),
            }
        }
    }
}

/// A trace search; the second value holds warnings (e.g. an incomplete Tempo search).
pub async fn search(registry: &Registry, datasource: &str, params: &SearchParams) -> Result<(Vec<TraceSummary>, Vec<String>), String> {
    match source(registry, datasource).await? {
        Source::Demo => Ok((demo::traces::demo_search(params, demo::DEFAULT_SEED), Vec::new())),
        Source::Backend(backend, ds) => {
            let raw = send(ds, search_request(backend, &ds.url, params)).await.map_err(|e| format!("{} \"{}\": {e}", backend_name(backend), ds.name))?;
            match backend {
                TraceBackend::Tempo | TraceBackend::TempoV2 => parse_search(&raw.body).map_err(|e| explain(ds, backend, &raw, e)),
                _ => {
                    yield_to_browser().await;
                    let (traces, warnings) = parse_any(&raw.body).map_err(|e| explain(ds, backend, &raw, e))?;
                    let mut rows: Vec<TraceSummary> = traces.iter().filter(|t| !t.spans.is_empty()).map(summarize).collect();
                    crate::core::sort::sort_by(&mut rows, |a, b| b.start_us.cmp(&a.start_us));
                    Ok((rows, warnings))
                }
            }
        }
    }
}

/// The service names of a trace datasource.
pub async fn services(registry: &Registry, datasource: &str) -> Result<Vec<String>, String> {
    match source(registry, datasource).await? {
        Source::Demo => Ok(demo::traces::demo_services()),
        Source::Backend(backend, ds) => {
            let raw = send(ds, services_request(backend, &ds.url)).await?;
            parse_services(&raw.body).map_err(|e| explain(ds, backend, &raw, e))
        }
    }
}

/// Reads a picked or dropped file in 1 MiB chunks, calling `progress(read, total)` after
/// each chunk and letting the page repaint in between.
pub async fn read_file(file: &web_sys::File, progress: impl Fn(f64, f64)) -> Result<Vec<u8>, String> {
    let total = file.size();
    if total > MAX_TRACE_FILE_BYTES {
        return Err(format!("\"{}\" is {:.0} MB; Napkin reads trace files up to {:.0} MB.", file.name(), total / 1_048_576.0, MAX_TRACE_FILE_BYTES / 1_048_576.0));
    }
    let mut out = Vec::with_capacity(total as usize);
    let mut at = 0.0;
    progress(0.0, total);
    while at < total {
        let end = (at + CHUNK).min(total);
        let blob = file.slice_with_f64_and_f64(at, end).map_err(|_| format!("\"{}\" could not be read.", file.name()))?;
        let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|_| format!("\"{}\" could not be read.", file.name()))?;
        let bytes = js_sys::Uint8Array::new(buffer.unchecked_ref());
        let start = out.len();
        out.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut out[start..]);
        at = end;
        progress(at, total);
        yield_to_browser().await;
    }
    Ok(out)
}

/// Milliseconds since the page started, for timing parses.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// A `performance.mark` (for the B5 benchmark and profiles: `napkin:trace:*`).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// A `performance.measure` between two marks.
pub fn measure(name: &str, start: &str, end: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

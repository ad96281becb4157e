//! Opens any trace body Napkin supports and says which format it was: Jaeger v1 (envelope or
//! a bare trace object), Jaeger api_v3, Tempo (`batches`, `resourceSpans`, `trace`), OTLP-JSON
//! (also several objects one per line, as collector file exporters write), and Zipkin v2.
//!
//! Detection reads the body once: one wire struct holds every top-level key the formats use,
//! and the keys present decide. Backend error envelopes become [`TraceError::Backend`], except
//! api_v3's 404 "No traces found", which is an empty result. This module must never read
//! files or the network; callers pass the bytes.

use crate::core::trace::error::{from_serde, precheck, TraceError};
use crate::core::trace::jaeger;
use crate::core::trace::model::Trace;
use crate::core::trace::otlp;
use crate::core::trace::otlp_fast;
use crate::core::trace::otlp_wire::WireResourceSpans;
use crate::core::trace::scalar::{Many, Scalar};
use crate::core::trace::warnings::Warnings;
use crate::core::trace::zipkin;
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The format a body was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceFormat {
    JaegerV1,
    JaegerV3,
    TempoBatches,
    TempoV2,
    /// OTLP `TracesData` (also Tempo 2.6+ trace-by-id, which has the same shape).
    Otlp,
    Zipkin,
}

impl TraceFormat {
    /// A label for people: "Jaeger JSON", "OTLP JSON", ...
    pub fn label(&self) -> &'static str {
        match self {
            TraceFormat::JaegerV1 => "Jaeger JSON",
            TraceFormat::JaegerV3 => "Jaeger api_v3 JSON",
            TraceFormat::TempoBatches => "Tempo JSON (before 2.6)",
            TraceFormat::TempoV2 => "Tempo v2 JSON",
            TraceFormat::Otlp => "OTLP JSON",
            TraceFormat::Zipkin => "Zipkin JSON",
        }
    }
}

/// A decoded body: its format, its traces and the decoder's warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: TraceFormat,
    pub traces: Vec<Trace>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireOtlp {
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<Many<WireResourceSpans>>,
    batches: Option<Many<WireResourceSpans>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireJaegerError {
    code: Scalar,
    msg: Scalar,
    #[serde(rename = "traceID")]
    trace_id: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireV3Error {
    #[serde(rename = "httpCode")]
    http_code: Scalar,
    message: Scalar,
}

/// Every top-level key of every supported object format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireObject {
    data: Option<Many<jaeger::WireTrace>>,
    errors: Many<WireJaegerError>,
    result: Option<WireOtlp>,
    error: Option<WireV3Error>,
    batches: Option<Many<WireResourceSpans>>,
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<Many<WireResourceSpans>>,
    trace: Option<WireOtlp>,
    status: Scalar,
    message: Scalar,
    #[serde(rename = "traceID")]
    trace_id: Scalar,
    spans: Option<Many<jaeger::WireSpan>>,
    processes: Option<BTreeMap<String, jaeger::WireProcess>>,
    warnings: Many<Scalar>,
}

/// Reads any supported trace body. Returns the traces in order of appearance and warnings.
pub fn parse_any(body: &[u8]) -> Result<(Vec<Trace>, Vec<String>), TraceError> {
    parse_detailed(body).map(|p| (p.traces, p.warnings))
}

/// Like [`parse_any`], and also says which format the body was. A plain OTLP-JSON file
/// takes the fast reader (`otlp_fast.rs`); everything else, and anything it is unsure of,
/// the tolerant decoder, which gives the same result.
pub fn parse_detailed(body: &[u8]) -> Result<Parsed, TraceError> {
    let trimmed = precheck(body)?;
    if trimmed[0] == b'{' {
        if let Some(traces) = otlp_fast::read(trimmed) {
            return Ok(Parsed { format: TraceFormat::Otlp, traces, warnings: Vec::new() });
        }
    }
    parse_tolerant(body)
}

/// The tolerant decoder alone (every format, every quirk, with warnings).
pub(crate) fn parse_tolerant(body: &[u8]) -> Result<Parsed, TraceError> {
    let body = precheck(body)?;
    let mut warnings = Warnings::default();
    if body[0] == b'[' {
        return parse_zipkin(body, &mut warnings).map(|traces| Parsed { format: TraceFormat::Zipkin, traces, warnings: warnings.finish() });
    }
    let mut objects = Vec::new();
    for item in serde_json::Deserializer::from_slice(body).into_iter::<WireObject>() {
        objects.push(item.map_err(|e| from_serde("trace", &e, body))?);
    }
    let mut format = None;
    let mut traces = Vec::new();
    for object in objects {
        let (f, mut t) = convert_object(object, &mut warnings).ok_or_else(|| wrong_shape(body))??;
        format = format.or(Some(f));
        traces.append(&mut t);
    }
    let format = format.ok_or_else(|| wrong_shape(body))?;
    Ok(Parsed { format, traces, warnings: warnings.finish() })
}

/// A Zipkin list of spans, or a list of lists (the `/api/v2/traces` search answer).
fn parse_zipkin(body: &[u8], warnings: &mut Warnings) -> Result<Vec<Trace>, TraceError> {
    let nested = body[1..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let lists = if nested {
        serde_json::from_slice::<Vec<Vec<zipkin::WireSpan>>>(body)
    } else {
        serde_json::from_slice::<Vec<zipkin::WireSpan>>(body).map(|l| vec![l])
    };
    let lists = lists.map_err(|e| from_serde("Zipkin", &e, body))?;
    Ok(zipkin::convert(lists, warnings))
}

/// Explains a JSON object that matches no format by naming its top-level keys.
fn wrong_shape(body: &[u8]) -> TraceError {
    let keys: Vec<String> = serde_json::Deserializer::from_slice(body)
        .into_iter::<BTreeMap<String, IgnoredAny>>()
        .next()
        .and_then(Result::ok)
        .map(|m| m.into_keys().take(8).collect())
        .unwrap_or_default();
    let found = match keys.as_slice() {
        [] => "an empty object".to_string(),
        k if k.iter().any(|k| k == "traces" || k == "summaries") => "a search result list, not a trace".to_string(),
        k if k.iter().any(|k| k == "services" || k == "operations") => "a services or operations list, not a trace".to_string(),
        k => format!("top-level keys {}", k.join(", ")),
    };
    TraceError::WrongShape { found }
}

fn otlp_groups(w: WireOtlp) -> Option<Vec<WireResourceSpans>> {
    match (w.resource_spans, w.batches) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or_default().items.into_iter().chain(b.unwrap_or_default().items).collect()),
    }
}

type Converted = Result<(TraceFormat, Vec<Trace>), TraceError>;

/// Converts one top-level object, or `None` when it matches no format.
fn convert_object(o: WireObject, warnings: &mut Warnings) -> Option<Converted> {
    if let Some(error) = o.error {
        let message = error.message.as_text().unwrap_or_default();
        if error.http_code.as_i64() == Some(404) {
            warnings.push(if message.is_empty() { "No traces found".to_string() } else { message });
            return Some(Ok((TraceFormat::JaegerV3, Vec::new())));
        }
        return Some(Err(TraceError::Backend(message)));
    }
    let messages: Vec<String> = o
        .errors
        .items
        .iter()
        .map(|e| {
            let msg = e.msg.as_text().unwrap_or_default();
            match (e.trace_id.as_text(), e.code.as_i64()) {
                (Some(id), _) => format!("{msg} (trace {id})"),
                (None, Some(code)) => format!("{msg} (code {code})"),
                (None, None) => msg,
            }
        })
        .collect();
    if let Some(data) = o.data {
        if data.malformed {
            let found = "a `data` field that is not a list of traces (a Prometheus or other API answer?)".to_string();
            return Some(Err(TraceError::WrongShape { found }));
        }
        let traces: Vec<Trace> = data.items.into_iter().filter_map(|t| jaeger::convert(t, warnings)).collect();
        if traces.is_empty() && !messages.is_empty() {
            return Some(Err(TraceError::Backend(messages.join("; "))));
        }
        messages.into_iter().for_each(|m| warnings.push(m));
        return Some(Ok((TraceFormat::JaegerV1, traces)));
    }
    if !messages.is_empty() {
        return Some(Err(TraceError::Backend(messages.join("; "))));
    }
    if let Some(groups) = o.result.and_then(otlp_groups) {
        return Some(Ok((TraceFormat::JaegerV3, otlp::convert(groups, warnings))));
    }
    if let Some(groups) = o.trace.and_then(otlp_groups) {
        if let Some(status) = o.status.as_text().filter(|s| s.eq_ignore_ascii_case("PARTIAL")) {
            let message = o.message.as_text().unwrap_or_default();
            warnings.push(format!("Tempo returned a {status} trace: {message}"));
        }
        return Some(Ok((TraceFormat::TempoV2, otlp::convert(groups, warnings))));
    }
    if let Some(b) = o.batches {
        return Some(Ok((TraceFormat::TempoBatches, otlp::convert(b.items, warnings))));
    }
    if let Some(r) = o.resource_spans {
        return Some(Ok((TraceFormat::Otlp, otlp::convert(r.items, warnings))));
    }
    if let Some(spans) = o.spans {
        let wire = jaeger::WireTrace { trace_id: o.trace_id, spans, processes: o.processes, warnings: o.warnings };
        return Some(Ok((TraceFormat::JaegerV1, jaeger::convert(wire, warnings).into_iter().collect())));
    }
    None
}

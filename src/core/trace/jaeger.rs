//! Jaeger v1 JSON (`/api/traces`, `/api/traces/{id}`, Jaeger UI downloads): the raw wire
//! shapes and their conversion into the trace model.
//!
//! Quirks handled: `processID` → `processes` for the service, the parent as the first
//! same-trace `CHILD_OF` reference (else `FOLLOWS_FROM`, else the deprecated `parentSpanID`),
//! other references kept as links, typed tags with `int64` above 2^53 sent as strings,
//! `binary` tags in base64, 16-hex trace ids left-padded, `null` lists, span kind from the
//! `span.kind` tag, errors from `error=true` or `otel.status_code=ERROR`. This module must
//! never see raw bytes; `detect.rs` parses and picks the format.

use crate::core::trace::name::Name;
use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::model::{AttrValue, Attributes, Event, Link, Resource, Span, SpanKind, Status, Trace};
use crate::core::trace::scalar::{Many, Scalar};
use crate::core::trace::warnings::Warnings;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One trace object of the `data` list (or a whole Jaeger UI download).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireTrace {
    #[serde(rename = "traceID")]
    pub trace_id: Scalar,
    pub spans: Many<WireSpan>,
    pub processes: Option<BTreeMap<String, WireProcess>>,
    pub warnings: Many<Scalar>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireSpan {
    #[serde(rename = "traceID")]
    pub trace_id: Scalar,
    #[serde(rename = "spanID")]
    pub span_id: Scalar,
    #[serde(rename = "parentSpanID")]
    pub parent_span_id: Scalar,
    #[serde(rename = "operationName")]
    pub operation_name: Scalar,
    pub references: Many<WireRef>,
    #[serde(rename = "startTime")]
    pub start_time: Scalar,
    pub duration: Scalar,
    pub tags: Many<WireTag>,
    pub logs: Many<WireLog>,
    #[serde(rename = "processID")]
    pub process_id: Scalar,
    /// Some exports embed the process in the span instead of using `processID`.
    pub process: Option<WireProcess>,
    pub warnings: Many<Scalar>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireRef {
    #[serde(rename = "refType")]
    pub ref_type: Scalar,
    #[serde(rename = "traceID")]
    pub trace_id: Scalar,
    #[serde(rename = "spanID")]
    pub span_id: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireTag {
    pub key: Scalar,
    #[serde(rename = "type")]
    pub kind: Scalar,
    pub value: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireLog {
    pub timestamp: Scalar,
    pub fields: Many<WireTag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireProcess {
    #[serde(rename = "serviceName")]
    pub service_name: Scalar,
    pub tags: Many<WireTag>,
}

/// Converts one Jaeger trace object. Spans whose ids are unusable are skipped with a warning.
pub fn convert(wire: WireTrace, warnings: &mut Warnings) -> Option<Trace> {
    let fallback_id = wire.trace_id.as_text().and_then(|t| TraceId::parse(&t).ok());
    let mut trace_warnings: Vec<String> = wire.warnings.items.iter().filter_map(Scalar::as_text).collect();
    let mut resources = Vec::new();
    let mut process_index = BTreeMap::new();
    for (id, process) in wire.processes.unwrap_or_default() {
        process_index.insert(id, resources.len());
        resources.push(resource(process));
    }
    let mut spans = Vec::with_capacity(wire.spans.items.len());
    for ws in wire.spans.items {
        if let Some(span) = convert_span(ws, fallback_id, &mut resources, &process_index, &mut trace_warnings, warnings) {
            spans.push(span);
        }
    }
    let trace_id = fallback_id.or_else(|| spans.first().map(|s| s.trace_id))?;
    Some(Trace { trace_id, spans, resources, warnings: trace_warnings })
}

fn resource(process: WireProcess) -> Resource {
    Resource { service: process.service_name.as_text().unwrap_or_default(), attributes: tags(process.tags) }
}

fn convert_span(
    ws: WireSpan,
    fallback: Option<TraceId>,
    resources: &mut Vec<Resource>,
    process_index: &BTreeMap<String, usize>,
    trace_warnings: &mut Vec<String>,
    warnings: &mut Warnings,
) -> Option<Span> {
    let name = ws.operation_name.as_text().unwrap_or_default();
    let trace_id = match ws.trace_id.as_text().map(|t| TraceId::parse(&t)) {
        Some(Ok(id)) => id,
        _ => match fallback {
            Some(id) => id,
            None => {
                warnings.push(format!("span \"{name}\" was skipped: it has no usable traceID"));
                return None;
            }
        },
    };
    let span_id = match ws.span_id.as_text().map(|t| SpanId::parse(&t)) {
        Some(Ok(id)) => id,
        Some(Err(e)) => {
            warnings.push(format!("span \"{name}\" was skipped: its spanID is unusable ({e})"));
            return None;
        }
        None => {
            warnings.push(format!("span \"{name}\" was skipped: it has no spanID"));
            return None;
        }
    };
    let duration = ws.duration.as_i64().unwrap_or(0);
    if duration < 0 {
        warnings.push(format!("span {} has a negative duration; shown as 0", span_id.to_hex()));
    }
    let mut span = Span::new(trace_id, span_id, ws.start_time.as_i64().unwrap_or(0), duration);
    span.name = name.into();
    place_parent(&mut span, ws.references.items, ws.parent_span_id);
    span.attributes = tags(ws.tags);
    span.events = ws
        .logs
        .items
        .into_iter()
        .map(|log| {
            let attributes = tags(log.fields);
            let name = ["event", "message"]
                .iter()
                .find_map(|k| crate::core::trace::model::attr(&attributes, k).map(AttrValue::display))
                .unwrap_or_default();
            Event { time_us: log.timestamp.as_i64().unwrap_or(span.start_us), name, attributes }
        })
        .collect();
    span.resource = match (ws.process, ws.process_id.as_text()) {
        (Some(process), _) => {
            resources.push(resource(process));
            Some(resources.len() - 1)
        }
        (None, Some(pid)) => process_index.get(&pid).copied(),
        (None, None) => None,
    };
    span.service = span.resource.map(|r| Name::from(&resources[r].service)).unwrap_or_default();
    apply_semantic_tags(&mut span);
    for w in ws.warnings.items.iter().filter_map(Scalar::as_text) {
        trace_warnings.push(format!("span {}: {w}", span_id.to_hex()));
    }
    Some(span)
}

/// Sets the parent from the references and keeps the rest as links.
fn place_parent(span: &mut Span, refs: Vec<WireRef>, parent_span_id: Scalar) {
    let mut parsed = Vec::new();
    for r in refs {
        let trace_id = r.trace_id.as_text().and_then(|t| TraceId::parse(&t).ok()).unwrap_or(span.trace_id);
        if let Some(span_id) = r.span_id.as_text().and_then(|t| SpanId::parse(&t).ok()) {
            parsed.push((r.ref_type.as_text().unwrap_or_default().to_ascii_uppercase(), trace_id, span_id));
        }
    }
    let same_trace = |kind: &str| parsed.iter().position(|(k, t, _)| k == kind && *t == span.trace_id);
    let chosen = same_trace("CHILD_OF").or_else(|| same_trace("FOLLOWS_FROM"));
    if let Some(i) = chosen {
        span.parent = Some(parsed[i].2);
        span.follows_from = parsed[i].0 == "FOLLOWS_FROM";
    } else if let Some(id) = parent_span_id.as_text().and_then(|t| SpanId::parse(&t).ok()) {
        span.parent = Some(id);
    }
    span.links = parsed
        .into_iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(_, (kind, trace_id, span_id))| Link { trace_id, span_id, kind, attributes: Vec::new() })
        .collect();
}

/// Reads kind and status from the tags Jaeger uses for them.
fn apply_semantic_tags(span: &mut Span) {
    let text = |key: &str| crate::core::trace::model::attr(&span.attributes, key).map(AttrValue::display);
    span.kind = match text("span.kind").unwrap_or_default().to_ascii_lowercase().as_str() {
        "server" => SpanKind::Server,
        "client" => SpanKind::Client,
        "producer" => SpanKind::Producer,
        "consumer" => SpanKind::Consumer,
        "internal" => SpanKind::Internal,
        _ => SpanKind::Unspecified,
    };
    let error_tag = text("error").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let otel = text("otel.status_code").unwrap_or_default().to_ascii_uppercase();
    span.status = if error_tag || otel == "ERROR" {
        Status::Error
    } else if otel == "OK" {
        Status::Ok
    } else {
        Status::Unset
    };
    span.status_message = text("otel.status_description").unwrap_or_default();
}

/// Converts typed Jaeger tags. The declared type wins; a value that does not fit it keeps
/// its text, so nothing is lost.
pub fn tags(list: Many<WireTag>) -> Attributes {
    list.items
        .into_iter()
        .filter_map(|t| {
            let key = t.key.as_text()?;
            let kind = t.kind.as_text().unwrap_or_default().to_ascii_lowercase();
            let text = || AttrValue::Str(t.value.as_text().unwrap_or_default());
            let value = match kind.as_str() {
                "bool" => t.value.as_bool().map(AttrValue::Bool).unwrap_or_else(text),
                "int64" => t.value.as_i64().map(AttrValue::Int).unwrap_or_else(text),
                "float64" => t.value.as_f64().map(AttrValue::Double).unwrap_or_else(text),
                "binary" => AttrValue::Bytes(t.value.as_text().unwrap_or_default()),
                _ => match &t.value {
                    Scalar::Bool(b) => AttrValue::Bool(*b),
                    Scalar::Int(i) => AttrValue::Int(*i),
                    Scalar::Float(f) => AttrValue::Double(*f),
                    _ => text(),
                },
            };
            Some((key.into(), value))
        })
        .collect()
}

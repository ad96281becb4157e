//! The trace part of a snapshot: a trace search panel's loaded result rows and a waterfall
//! panel's opened trace. The trace is stored as a Jaeger JSON trace object (ids, times,
//! parents and references, tags, logs, processes), which the usual trace reader
//! (`core::trace::parse_any`) reads back; kind and status travel as Jaeger's own tags.
//! Pure JSON encoding and tolerant decoding.

use crate::core::trace::{
    parse_any, AttrValue, Attributes, SpanKind, Status, Trace, TraceId, TraceSummary,
};
use super::health::strings;
use serde_json::{json, Map, Value};

/// What one trace panel showed: its search rows (with their warnings) or its opened trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TracePanel {
    pub panel: String,
    pub results: Option<(Vec<TraceSummary>, Vec<String>)>,
    pub trace: Option<(Trace, Vec<String>)>,
}

/// Writes one trace panel's data.
pub fn panel_value(p: &TracePanel) -> Value {
    let mut out = Map::new();
    out.insert("panel".into(), json!(p.panel));
    if let Some((rows, warnings)) = &p.results {
        out.insert(
            "results".into(),
            Value::Array(rows.iter().map(summary_value).collect()),
        );
        out.insert("warnings".into(), json!(warnings));
    }
    if let Some((trace, warnings)) = &p.trace {
        out.insert("trace".into(), json!({ "data": [jaeger_trace(trace)] }));
        out.insert("trace_warnings".into(), json!(warnings));
    }
    Value::Object(out)
}

fn summary_value(s: &TraceSummary) -> Value {
    json!({
        "trace_id": s.trace_id.to_hex(), "root_service": s.root_service, "root_name": s.root_name,
        "start_us": s.start_us, "duration_us": s.duration_us, "span_count": s.span_count, "error_count": s.error_count,
    })
}

/// Reads one trace panel's data; damaged rows are skipped, a damaged trace is an error.
pub fn panel(v: &Value) -> Result<TracePanel, String> {
    let panel = v
        .get("panel")
        .and_then(Value::as_str)
        .ok_or("the panel id is missing")?
        .to_string();
    let list = |key: &str| strings(v.get(key));
    let results = v.get("results").and_then(Value::as_array).map(|rows| {
        (
            rows.iter().filter_map(summary).collect(),
            list("warnings"),
        )
    });
    let trace = match v.get("trace") {
        None | Some(Value::Null) => None,
        Some(t) => {
            let (traces, _) = parse_any(t.to_string().as_bytes())
                .map_err(|e| format!("the stored trace could not be read ({e})"))?;
            let trace = traces
                .into_iter()
                .filter(|t| !t.spans.is_empty())
                .max_by_key(|t| t.spans.len())
                .ok_or("the stored trace has no spans")?;
            Some((trace, list("trace_warnings")))
        }
    };
    Ok(TracePanel {
        panel,
        results,
        trace,
    })
}

fn summary(v: &Value) -> Option<TraceSummary> {
    let count = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    Some(TraceSummary {
        trace_id: TraceId::parse(v.get("trace_id")?.as_str()?).ok()?,
        root_service: v
            .get("root_service")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        root_name: v
            .get("root_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        start_us: v.get("start_us")?.as_i64()?,
        duration_us: v.get("duration_us")?.as_i64()?,
        span_count: count("span_count"),
        error_count: count("error_count"),
    })
}

/// Counts the spans a stored value holds (for the size summary).
pub fn span_count(p: &TracePanel) -> usize {
    p.trace.as_ref().map_or(0, |(t, _)| t.spans.len())
}

fn tag(key: &str, value: &AttrValue) -> Value {
    match value {
        AttrValue::Bool(b) => json!({"key": key, "type": "bool", "value": b}),
        AttrValue::Int(i) => json!({"key": key, "type": "int64", "value": i}),
        AttrValue::Double(d) if d.is_finite() => json!({"key": key, "type": "float64", "value": d}),
        AttrValue::Bytes(b) => json!({"key": key, "type": "binary", "value": b}),
        other => json!({"key": key, "type": "string", "value": other.display()}),
    }
}

fn tags(attributes: &Attributes) -> Vec<Value> {
    attributes.iter().map(|(k, v)| tag(k, v)).collect()
}

/// One trace as a Jaeger trace object. Each span's process is its resource (or, without
/// one, a process named after its service).
fn jaeger_trace(trace: &Trace) -> Value {
    let mut processes = Map::new();
    for (i, r) in trace.resources.iter().enumerate() {
        processes.insert(
            format!("r{i}"),
            json!({"serviceName": r.service, "tags": tags(&r.attributes)}),
        );
    }
    let spans: Vec<Value> = trace
        .spans
        .iter()
        .map(|s| {
            let pid = match s.resource.filter(|r| *r < trace.resources.len()) {
                Some(r) => format!("r{r}"),
                None => {
                    let pid = format!("s:{}", s.service);
                    processes.entry(pid.clone()).or_insert_with(|| json!({"serviceName": s.service, "tags": []}));
                    pid
                }
            };
            let mut attributes = tags(&s.attributes);
            let has = |k: &str| s.attributes.iter().any(|(key, _)| key == k);
            if s.kind != SpanKind::Unspecified && !has("span.kind") {
                attributes.push(json!({"key": "span.kind", "type": "string", "value": s.kind.as_str()}));
            }
            let code = match s.status {
                Status::Error => Some("ERROR"),
                Status::Ok => Some("OK"),
                Status::Unset => None,
            };
            if let Some(code) = code.filter(|_| !has("otel.status_code") && !has("error")) {
                attributes.push(json!({"key": "otel.status_code", "type": "string", "value": code}));
            }
            if !s.status_message.is_empty() && !has("otel.status_description") {
                attributes.push(json!({"key": "otel.status_description", "type": "string", "value": s.status_message}));
            }
            let mut references: Vec<Value> = s
                .parent
                .iter()
                .map(|p| {
                    let kind = if s.follows_from { "FOLLOWS_FROM" } else { "CHILD_OF" };
                    json!({"refType": kind, "traceID": s.trace_id.to_hex(), "spanID": p.to_hex()})
                })
                .collect();
            references.extend(s.links.iter().map(|l| {
                // A link must not become the parent when the span has none of its own.
                let kind = if l.kind.is_empty() || (s.parent.is_none() && l.trace_id == s.trace_id) { "LINK" } else { l.kind.as_str() };
                json!({"refType": kind, "traceID": l.trace_id.to_hex(), "spanID": l.span_id.to_hex()})
            }));
            let logs: Vec<Value> = s
                .events
                .iter()
                .map(|e| {
                    let mut fields = tags(&e.attributes);
                    if !e.attributes.iter().any(|(k, _)| k == "event" || k == "message") {
                        fields.insert(0, json!({"key": "event", "type": "string", "value": e.name}));
                    }
                    json!({"timestamp": e.time_us, "fields": fields})
                })
                .collect();
            json!({
                "traceID": s.trace_id.to_hex(), "spanID": s.span_id.to_hex(), "operationName": s.name,
                "references": references, "startTime": s.start_us, "duration": s.duration_us,
                "tags": attributes, "logs": logs, "processID": pid,
            })
        })
        .collect();
    json!({"traceID": trace.trace_id.to_hex(), "spans": spans, "processes": processes, "warnings": trace.warnings})
}

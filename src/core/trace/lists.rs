//! The lists around traces: services, operations, and search results as [`TraceSummary`]
//! rows, from Jaeger v1 (`{"data":[...]}`), Jaeger api_v3 (`services`, `operations`,
//! `summaries`), Tempo (`/api/search`'s `traces`) and Zipkin (bare lists). Backends that
//! answer a search with whole traces (Jaeger v1, api_v3 `/traces`, Zipkin) go through
//! [`parse_any`](crate::core::trace::parse_any) and [`summarize`].
//!
//! These bodies are small, so they are read as generic JSON. This module must never fetch.

use crate::core::trace::error::{from_serde, precheck, TraceError};
use crate::core::trace::id::TraceId;
use crate::core::trace::model::{Operation, Trace, TraceSummary};
use crate::core::trace::tree::SpanTree;
use serde_json::Value;

fn json(body: &[u8], format: &'static str) -> Result<Value, TraceError> {
    let body = precheck(body)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| from_serde(format, &e, body))?;
    if let Some(message) = backend_error(&value) {
        return Err(TraceError::Backend(message));
    }
    Ok(value)
}

/// The message of a Jaeger v1 `errors` list or an api_v3 `error` object, if any.
fn backend_error(value: &Value) -> Option<String> {
    if let Some(errors) = value.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        let data_empty = value.get("data").is_none_or(|d| d.is_null() || d.as_array().is_some_and(Vec::is_empty));
        if data_empty {
            let msgs: Vec<String> = errors.iter().filter_map(|e| e.get("msg").and_then(Value::as_str)).map(str::to_string).collect();
            return Some(msgs.join("; "));
        }
    }
    let error = value.get("error")?;
    Some(error.get("message").and_then(Value::as_str).unwrap_or("unknown error").to_string())
}

fn wrong(found: &str) -> TraceError {
    TraceError::WrongShape { found: found.to_string() }
}

/// The list under the first of these keys, or the body itself when it is a list.
fn list<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Vec<Value>> {
    value.as_array().or_else(|| keys.iter().find_map(|k| value.get(*k).and_then(Value::as_array)))
}

/// Service names from Jaeger v1 `/api/services`, api_v3 `/api/v3/services`, Zipkin
/// `/api/v2/services` or Tempo tag values (`tagValues`), sorted and without duplicates.
pub fn parse_services(body: &[u8]) -> Result<Vec<String>, TraceError> {
    let value = json(body, "services")?;
    if value.get("data").is_some_and(Value::is_null) || value.get("services").is_some_and(Value::is_null) {
        return Ok(Vec::new());
    }
    let items = list(&value, &["data", "services", "tagValues"])
        .ok_or_else(|| wrong("no `data`, `services` or `tagValues` list of service names"))?;
    let mut names: Vec<String> = items.iter().filter_map(tag_value).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// A name from a list entry: a string, or Tempo v2's `{"type":"string","value":"..."}`.
fn tag_value(item: &Value) -> Option<String> {
    item.as_str().or_else(|| item.get("value").and_then(Value::as_str)).map(str::to_string)
}

/// Operations from Jaeger v1 (`data` of strings, or of `{name, spanKind}` objects), api_v3
/// (`operations`), Zipkin `/api/v2/spans` (strings) or Tempo v2 tag values of `name`
/// (`{"tagValues":[{"type","value"}]}`), sorted by name.
pub fn parse_operations(body: &[u8]) -> Result<Vec<Operation>, TraceError> {
    let value = json(body, "operations")?;
    if value.get("data").is_some_and(Value::is_null) || value.get("operations").is_some_and(Value::is_null) {
        return Ok(Vec::new());
    }
    let items = list(&value, &["data", "operations", "tagValues"]).ok_or_else(|| wrong("no `data`, `operations` or `tagValues` list"))?;
    let mut ops: Vec<Operation> = items
        .iter()
        .filter_map(|item| match item {
            Value::String(name) => Some(Operation { name: name.clone(), span_kind: String::new() }),
            Value::Object(o) => Some(Operation {
                name: o.get("name").or_else(|| o.get("value"))?.as_str()?.to_string(),
                span_kind: o.get("spanKind").and_then(Value::as_str).unwrap_or_default().to_string(),
            }),
            _ => None,
        })
        .collect();
    crate::core::sort::sort_by(&mut ops, |a, b| (&a.name, &a.span_kind).cmp(&(&b.name, &b.span_kind)));
    ops.dedup();
    Ok(ops)
}

/// An integer field written as a number or a decimal string.
fn int(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Search results from Tempo `/api/search` (`traces`) or api_v3 `/api/v3/trace-summaries`
/// (`summaries`), newest first. Rows with unusable ids are skipped with a warning.
pub fn parse_search(body: &[u8]) -> Result<(Vec<TraceSummary>, Vec<String>), TraceError> {
    let value = json(body, "search result")?;
    let mut warnings = Vec::new();
    let (items, tempo) = match (value.get("traces"), value.get("summaries")) {
        (Some(Value::Array(t)), _) => (t, true),
        (_, Some(Value::Array(s))) => (s, false),
        (Some(Value::Null), _) | (_, Some(Value::Null)) => return Ok((Vec::new(), warnings)),
        _ => return Err(wrong("no `traces` (Tempo) or `summaries` (Jaeger api_v3) list")),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let id_field = if tempo { "traceID" } else { "traceId" };
        let Some(trace_id) = item.get(id_field).and_then(Value::as_str).and_then(|t| TraceId::parse(t).ok()) else {
            warnings.push(format!("a search result without a usable {id_field} was skipped"));
            continue;
        };
        out.push(if tempo { tempo_summary(item, trace_id) } else { v3_summary(item, trace_id) });
    }
    if tempo {
        let m = value.get("metrics");
        if let (Some(done), Some(total)) = (int(m.and_then(|m| m.get("completedJobs"))), int(m.and_then(|m| m.get("totalJobs")))) {
            if done < total {
                warnings.push(format!("Tempo searched only {done} of {total} jobs; the list may be incomplete"));
            }
        }
    }
    crate::core::sort::sort_by(&mut out, |a, b| b.start_us.cmp(&a.start_us).then(a.trace_id.cmp(&b.trace_id)));
    Ok((out, warnings))
}

fn tempo_summary(item: &Value, trace_id: TraceId) -> TraceSummary {
    let start_ns = int(item.get("startTimeUnixNano")).unwrap_or(0);
    let (mut spans, mut errors) = (None, None);
    if let Some(stats) = item.get("serviceStats").and_then(Value::as_object) {
        let sum = |k: &str| stats.values().filter_map(|s| int(s.get(k))).sum::<i64>();
        spans = u32::try_from(sum("spanCount")).ok();
        errors = u32::try_from(sum("errorCount")).ok();
    }
    TraceSummary {
        trace_id,
        root_service: text(item.get("rootServiceName")),
        root_name: text(item.get("rootTraceName")),
        start_us: start_ns.div_euclid(1000),
        duration_us: int(item.get("durationMs")).unwrap_or(0).saturating_mul(1000),
        span_count: spans,
        error_count: errors,
    }
}

fn v3_summary(item: &Value, trace_id: TraceId) -> TraceSummary {
    let start_ns = int(item.get("minStartTimeUnixNano")).unwrap_or(0);
    let end_ns = int(item.get("maxEndTimeUnixNano")).unwrap_or(start_ns);
    TraceSummary {
        trace_id,
        root_service: text(item.get("rootServiceName")),
        root_name: text(item.get("rootOperationName")),
        start_us: start_ns.div_euclid(1000),
        duration_us: end_ns.saturating_sub(start_ns).max(0) / 1000,
        span_count: int(item.get("spanCount")).and_then(|n| u32::try_from(n).ok()),
        error_count: Some(int(item.get("errorSpanCount")).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)),
    }
}

/// The search-list row of a whole trace: the root is the earliest-starting top-level span.
pub fn summarize(trace: &Trace) -> TraceSummary {
    let tree = SpanTree::build(&trace.spans);
    let root = tree.roots().into_iter().min_by_key(|&r| (trace.spans[r].start_us, r)).map(|r| &trace.spans[r]);
    TraceSummary {
        trace_id: trace.trace_id,
        root_service: root.map(|r| r.service.to_string()).unwrap_or_default(),
        root_name: root.map(|r| r.name.to_string()).unwrap_or_default(),
        start_us: trace.start_us(),
        duration_us: trace.duration_us(),
        span_count: u32::try_from(trace.spans.len()).ok(),
        error_count: u32::try_from(trace.error_count()).ok(),
    }
}

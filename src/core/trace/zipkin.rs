//! Zipkin API v2 JSON (`/api/v2/trace/{id}`, `/api/v2/traces`, Zipkin UI downloads): a bare
//! list of spans, or a list of such lists. Raw wire shapes and their conversion.
//!
//! Quirks handled: `shared` server spans that reuse their client's id (both kept; the tree
//! places the server under the client), missing `parentId` for roots, missing `timestamp` on
//! incomplete spans (placed at the trace start with a warning), a flat string map of `tags`
//! where any `error` tag marks a failure, `annotations` as events, the service from
//! `localEndpoint.serviceName`. Clock skew is kept as recorded; the tree marks it. This
//! module must never see raw bytes; `detect.rs` parses.

use crate::core::trace::group::Grouper;
use crate::core::trace::name::Name;
use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::model::{AttrValue, Attributes, Event, Resource, Span, SpanKind, Status, Trace};
use crate::core::trace::scalar::{Many, Scalar};
use crate::core::trace::warnings::Warnings;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireSpan {
    pub trace_id: Scalar,
    pub id: Scalar,
    pub parent_id: Scalar,
    pub name: Scalar,
    pub kind: Scalar,
    pub timestamp: Scalar,
    pub duration: Scalar,
    pub local_endpoint: Option<WireEndpoint>,
    pub remote_endpoint: Option<WireEndpoint>,
    pub tags: Option<BTreeMap<String, Scalar>>,
    pub annotations: Many<WireAnnotation>,
    pub shared: Scalar,
    pub debug: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireEndpoint {
    pub service_name: Scalar,
    pub ipv4: Scalar,
    pub ipv6: Scalar,
    pub port: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireAnnotation {
    pub timestamp: Scalar,
    pub value: Scalar,
}

/// The endpoint's fields as attributes with a prefix, skipping empty ones.
fn endpoint_attributes(e: &WireEndpoint, prefix: &str) -> Attributes {
    [("serviceName", &e.service_name), ("ipv4", &e.ipv4), ("ipv6", &e.ipv6), ("port", &e.port)]
        .into_iter()
        .filter_map(|(k, v)| Some((format!("{prefix}{k}").into(), AttrValue::Str(v.as_text().filter(|t| !t.is_empty())?))))
        .collect()
}

/// Converts lists of Zipkin spans (one list per trace, or one list of everything) into traces.
pub fn convert(lists: Vec<Vec<WireSpan>>, warnings: &mut Warnings) -> Vec<Trace> {
    let mut grouper = Grouper::default();
    let mut endpoints: Vec<Resource> = Vec::new();
    let mut missing_start = Vec::new();
    for ws in lists.into_iter().flatten() {
        let name = ws.name.as_text().unwrap_or_default();
        let Some(trace_id) = ws.trace_id.as_text().and_then(|t| TraceId::parse(&t).ok()) else {
            warnings.push(format!("span \"{name}\" was skipped: it has no usable traceId"));
            continue;
        };
        let Some(span_id) = ws.id.as_text().and_then(|t| SpanId::parse(&t).ok()) else {
            warnings.push(format!("span \"{name}\" was skipped: it has no usable id"));
            continue;
        };
        let start = ws.timestamp.as_i64();
        let mut span = Span::new(trace_id, span_id, start.unwrap_or(i64::MIN), ws.duration.as_i64().unwrap_or(0));
        span.name = name.into();
        span.parent = ws.parent_id.as_text().filter(|t| !t.trim().is_empty()).and_then(|t| SpanId::parse(&t).ok());
        span.shared = ws.shared.as_bool().unwrap_or(false);
        span.kind = match ws.kind.as_text().unwrap_or_default().to_ascii_uppercase().as_str() {
            "CLIENT" => SpanKind::Client,
            "SERVER" => SpanKind::Server,
            "PRODUCER" => SpanKind::Producer,
            "CONSUMER" => SpanKind::Consumer,
            _ => SpanKind::Internal,
        };
        for (key, value) in ws.tags.unwrap_or_default() {
            if key == "error" {
                span.status = Status::Error;
                span.status_message = value.as_text().unwrap_or_default();
            }
            span.attributes.push((key.into(), AttrValue::Str(value.as_text().unwrap_or_default())));
        }
        if let Some(remote) = &ws.remote_endpoint {
            span.attributes.extend(endpoint_attributes(remote, "remoteEndpoint."));
        }
        if ws.debug.as_bool() == Some(true) {
            span.attributes.push(("debug".into(), AttrValue::Bool(true)));
        }
        span.events = ws
            .annotations
            .items
            .into_iter()
            .map(|a| Event {
                time_us: a.timestamp.as_i64().unwrap_or(span.start_us),
                name: a.value.as_text().unwrap_or_default(),
                attributes: Vec::new(),
            })
            .collect();
        let resource = ws.local_endpoint.as_ref().map(|e| Resource {
            service: e.service_name.as_text().unwrap_or_default(),
            attributes: endpoint_attributes(e, ""),
        });
        span.service = resource.as_ref().map(|r| Name::from(&r.service)).unwrap_or_default();
        if start.is_none() {
            missing_start.push((trace_id, span_id));
        }
        match resource {
            Some(r) => {
                let number = endpoints.iter().position(|e| *e == r).unwrap_or_else(|| {
                    endpoints.push(r);
                    endpoints.len() - 1
                });
                grouper.push(span, Some((number, &endpoints[number])));
            }
            None => grouper.push(span, None),
        }
    }
    let mut traces = grouper.finish();
    if !missing_start.is_empty() {
        for trace in &mut traces {
            place_untimed(trace, warnings);
        }
    }
    traces
}

/// Spans without a `timestamp` (an incomplete span, or one half of an RPC that was never
/// reported) are placed at the trace's earliest known start with a warning.
fn place_untimed(trace: &mut Trace, warnings: &mut Warnings) {
    let known = trace.spans.iter().map(|s| s.start_us).filter(|t| *t != i64::MIN).min().unwrap_or(0);
    for span in trace.spans.iter_mut().filter(|s| s.start_us == i64::MIN) {
        span.start_us = known;
        warnings.push(format!("span {} (\"{}\") has no timestamp; it is placed at the trace start", span.span_id.to_hex(), span.name));
    }
}

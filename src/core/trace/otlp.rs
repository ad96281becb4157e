//! The second stage of decoding OTLP-shaped traces (OTLP-JSON files, Jaeger api_v3, Tempo
//! `batches` / `resourceSpans`): wire structs in, validated [`Trace`]s and warnings out.
//!
//! Handles both id encodings (hex per the OTLP spec, base64 per Tempo), enums as integers or
//! names, 64-bit integers as strings or numbers, and `instrumentationLibrarySpans`. Times are
//! nanoseconds on the wire and become whole microseconds with integer arithmetic. This module
//! must never see raw bytes (`detect.rs` parses) and never fails: bad spans become warnings.

use crate::core::trace::group::Grouper;
use crate::core::trace::name::Name;
use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::model::{AttrValue, Attributes, Event, Link, Resource, Span, SpanKind, Status, Trace};
use crate::core::trace::otlp_wire::{WireAnyValue, WireKeyValue, WireResourceSpans, WireScopeSpans, WireSpan};
use crate::core::trace::scalar::{Many, Scalar};
use crate::core::trace::warnings::Warnings;

/// Converts resource-span groups into traces, grouped by trace id.
pub fn convert(groups: Vec<WireResourceSpans>, warnings: &mut Warnings) -> Vec<Trace> {
    let mut grouper = Grouper::default();
    for (number, group) in groups.into_iter().enumerate() {
        let attributes = group.resource.map(|r| attributes(r.attributes, warnings)).unwrap_or_default();
        let service = match crate::core::trace::model::attr(&attributes, "service.name") {
            Some(v) => v.display(),
            None => String::new(),
        };
        let resource = Resource { service, attributes };
        if group.scope_spans.malformed || group.instrumentation_library_spans.malformed {
            warnings.push("a resource's scopeSpans is not a list; its spans were skipped");
        }
        let scopes = group.scope_spans.items.into_iter().chain(group.instrumentation_library_spans.items);
        for scope_spans in scopes {
            convert_scope(scope_spans, number, &resource, &mut grouper, warnings);
        }
    }
    grouper.finish()
}

fn convert_scope(scope_spans: WireScopeSpans, number: usize, resource: &Resource, grouper: &mut Grouper, warnings: &mut Warnings) {
    let scope = scope_spans.scope.or(scope_spans.instrumentation_library);
    // One shared copy of the service and scope names for all the scope's spans.
    let scope_name = Name::from(scope.and_then(|s| s.name.as_text()).unwrap_or_default());
    let service = Name::from(&resource.service);
    if scope_spans.spans.malformed {
        warnings.push("a scope's spans field is not a list; it was skipped");
    }
    for wire in scope_spans.spans.items {
        if let Some(mut span) = convert_span(wire, warnings) {
            span.service = service.clone();
            span.scope = scope_name.clone();
            grouper.push(span, Some((number, resource)));
        }
    }
}

/// Nanoseconds to whole microseconds, rounding towards minus infinity.
pub fn ns_to_us(ns: i64) -> i64 {
    ns.div_euclid(1000)
}

/// The text of an id field, or `None` when absent or empty; borrowed when it is a string (the
/// usual case), so 100,000 spans do not copy 300,000 ids before parsing them.
fn id_text(s: &Scalar) -> Option<std::borrow::Cow<'_, str>> {
    match s {
        Scalar::Str(t) => (!t.trim().is_empty()).then_some(std::borrow::Cow::Borrowed(t.as_str())),
        other => other.as_text().filter(|t| !t.trim().is_empty()).map(std::borrow::Cow::Owned),
    }
}

fn convert_span(wire: WireSpan, warnings: &mut Warnings) -> Option<Span> {
    let name = match wire.name {
        Scalar::Str(text) => text,
        other => other.as_text().unwrap_or_default(),
    };
    let trace_id = match id_text(&wire.trace_id).map(|t| TraceId::parse(&t)) {
        Some(Ok(id)) => id,
        Some(Err(e)) => {
            warnings.push(format!("span \"{name}\" was skipped: its traceId is unusable ({e})"));
            return None;
        }
        None => {
            warnings.push(format!("span \"{name}\" was skipped: it has no traceId"));
            return None;
        }
    };
    let span_id = match id_text(&wire.span_id).map(|t| SpanId::parse(&t)) {
        Some(Ok(id)) => id,
        Some(Err(e)) => {
            warnings.push(format!("span \"{name}\" was skipped: its spanId is unusable ({e})"));
            return None;
        }
        None => {
            warnings.push(format!("span \"{name}\" was skipped: it has no spanId"));
            return None;
        }
    };
    let start_ns = wire.start_time_unix_nano.as_i64();
    let end_ns = wire.end_time_unix_nano.as_i64();
    if start_ns.is_none() {
        warnings.push(format!("span {} (\"{name}\") has no start time; it is placed at 0", span_id.to_hex()));
    }
    let (start_ns, end_ns) = (start_ns.unwrap_or(0), end_ns.unwrap_or(start_ns.unwrap_or(0)));
    if end_ns < start_ns {
        warnings.push(format!("span {} (\"{name}\") ends before it starts; its duration is shown as 0", span_id.to_hex()));
    }
    let mut span = Span::new(trace_id, span_id, ns_to_us(start_ns), end_ns.saturating_sub(start_ns).max(0) / 1000);
    span.name = name.into();
    span.parent = match id_text(&wire.parent_span_id).map(|t| SpanId::parse(&t)) {
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => {
            warnings.push(format!("span {}: parentSpanId is unusable ({e}); shown as a root", span_id.to_hex()));
            None
        }
        None => None,
    };
    span.kind = span_kind(&wire.kind);
    if let Some(status) = wire.status {
        span.status = status_code(&status.code);
        span.status_message = status.message.as_text().unwrap_or_default();
    }
    span.attributes = attributes(wire.attributes, warnings);
    span.events = wire
        .events
        .items
        .into_iter()
        .map(|e| Event {
            time_us: ns_to_us(e.time_unix_nano.as_i64().unwrap_or(start_ns)),
            name: e.name.as_text().unwrap_or_default(),
            attributes: attributes(e.attributes, warnings),
        })
        .collect();
    for link in wire.links.items {
        let ids = id_text(&link.trace_id).and_then(|t| TraceId::parse(&t).ok()).zip(id_text(&link.span_id).and_then(|s| SpanId::parse(&s).ok()));
        match ids {
            Some((trace_id, span_id)) => {
                span.links.push(Link { trace_id, span_id, kind: String::new(), attributes: attributes(link.attributes, warnings) })
            }
            None => warnings.push(format!("span {}: a link with unusable ids was skipped", span.span_id.to_hex())),
        }
    }
    Some(span)
}

/// `SPAN_KIND_*` names or integers 0 to 5; anything else is unspecified.
pub fn span_kind(value: &Scalar) -> SpanKind {
    if let Some(n) = value.as_i64() {
        return match n {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        };
    }
    let text = value.as_text().unwrap_or_default().to_ascii_uppercase();
    match text.trim_start_matches("SPAN_KIND_") {
        "INTERNAL" => SpanKind::Internal,
        "SERVER" => SpanKind::Server,
        "CLIENT" => SpanKind::Client,
        "PRODUCER" => SpanKind::Producer,
        "CONSUMER" => SpanKind::Consumer,
        _ => SpanKind::Unspecified,
    }
}

/// `STATUS_CODE_*` names or integers 0 to 2; anything else is unset.
pub fn status_code(value: &Scalar) -> Status {
    if let Some(n) = value.as_i64() {
        return match n {
            1 => Status::Ok,
            2 => Status::Error,
            _ => Status::Unset,
        };
    }
    let text = value.as_text().unwrap_or_default().to_ascii_uppercase();
    match text.trim_start_matches("STATUS_CODE_") {
        "OK" => Status::Ok,
        "ERROR" => Status::Error,
        _ => Status::Unset,
    }
}

/// Converts a key-value list; entries without a key are dropped with a warning.
pub fn attributes(list: Many<WireKeyValue>, warnings: &mut Warnings) -> Attributes {
    let mut out = Vec::with_capacity(list.items.len());
    for kv in list.items {
        match kv.key.as_text() {
            Some(key) => out.push((key.into(), kv.value.map(any_value).unwrap_or(AttrValue::Str(String::new())))),
            None => warnings.push("an attribute without a key was skipped"),
        }
    }
    out
}

/// Converts one `AnyValue`. An `intValue` that is not an integer keeps its text.
pub fn any_value(v: WireAnyValue) -> AttrValue {
    if let Some(s) = v.string_value {
        return AttrValue::Str(s.as_text().unwrap_or_default());
    }
    if let Some(b) = v.bool_value {
        return b.as_bool().map(AttrValue::Bool).unwrap_or_else(|| AttrValue::Str(b.as_text().unwrap_or_default()));
    }
    if let Some(i) = v.int_value {
        return i.as_i64().map(AttrValue::Int).unwrap_or_else(|| AttrValue::Str(i.as_text().unwrap_or_default()));
    }
    if let Some(d) = v.double_value {
        return d.as_f64().map(AttrValue::Double).unwrap_or_else(|| AttrValue::Str(d.as_text().unwrap_or_default()));
    }
    if let Some(b) = v.bytes_value {
        return AttrValue::Bytes(b.as_text().unwrap_or_default());
    }
    if let Some(a) = v.array_value {
        return AttrValue::Array(a.values.items.into_iter().map(any_value).collect());
    }
    if let Some(kv) = v.kvlist_value {
        let entries = kv.values.items.into_iter().filter_map(|e| Some((e.key.as_text()?, e.value.map(any_value)?))).collect();
        return AttrValue::Map(entries);
    }
    AttrValue::Str(String::new())
}

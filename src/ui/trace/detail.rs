//! The span detail: ids, times, status, attributes, events (logs), resource (process),
//! links, and the span as JSON text. Everything is rendered as text nodes.

use super::{fmt_us, Loaded};
use crate::core::trace::{AttrValue, Attributes, Span};
use leptos::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn attr_json(v: &AttrValue) -> Value {
    match v {
        AttrValue::Str(s) | AttrValue::Bytes(s) => Value::String(s.clone()),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Int(i) => json!(i),
        AttrValue::Double(d) => json!(d),
        AttrValue::Array(a) => Value::Array(a.iter().map(attr_json).collect()),
        AttrValue::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), attr_json(v))).collect()),
    }
}

fn attrs_json(a: &Attributes) -> Value {
    Value::Array(a.iter().map(|(k, v)| json!({ "key": k, "value": attr_json(v) })).collect())
}

/// The span as JSON in Napkin's model (ids in hex, times in epoch µs).
pub fn span_json(l: &Loaded, span: &Span) -> String {
    let resource = span.resource.and_then(|r| l.trace.resources.get(r));
    let v = json!({
        "traceId": span.trace_id.to_hex(),
        "spanId": span.span_id.to_hex(),
        "parentSpanId": span.parent.map(|p| p.to_hex()),
        "name": span.name,
        "service": span.service,
        "kind": span.kind.as_str(),
        "startTimeUnixMicro": span.start_us,
        "durationMicro": span.duration_us,
        "status": match span.status { crate::core::trace::Status::Error => "ERROR", crate::core::trace::Status::Ok => "OK", _ => "UNSET" },
        "statusMessage": span.status_message,
        "scope": span.scope,
        "attributes": attrs_json(&span.attributes),
        "events": span.events.iter().map(|e| json!({ "timeUnixMicro": e.time_us, "name": e.name, "attributes": attrs_json(&e.attributes) })).collect::<Vec<_>>(),
        "links": span.links.iter().map(|k| json!({ "traceId": k.trace_id.to_hex(), "spanId": k.span_id.to_hex(), "kind": k.kind, "attributes": attrs_json(&k.attributes) })).collect::<Vec<_>>(),
        "resource": resource.map(|r| json!({ "service": r.service, "attributes": attrs_json(&r.attributes) })),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

fn table(title: &'static str, attrs: &Attributes) -> impl IntoView {
    (!attrs.is_empty()).then(|| {
        view! {
            <h4>{title}</h4>
            <table class="nk-attr-table">
                {attrs.iter().map(|(k, v)| view! { <tr><th>{k.to_string()}</th><td>{v.display()}</td></tr> }).collect_view()}
            </table>
        }
    })
}

#[component]
pub fn SpanDetail(loaded: Arc<Loaded>, span: usize, on_close: impl Fn() + 'static) -> impl IntoView {
    let l = loaded;
    let s = &l.trace.spans[span];
    let t0 = l.trace.start_us();
    let parent = s.parent.map(|p| p.to_hex()).unwrap_or_else(|| "—".into());
    let resource = s.resource.and_then(|r| l.trace.resources.get(r)).cloned();
    let status = match s.status {
        crate::core::trace::Status::Error => format!("ERROR {}", s.status_message),
        crate::core::trace::Status::Ok => "OK".into(),
        crate::core::trace::Status::Unset => "unset".into(),
    };
    let raw = span_json(&l, s);
    // Drill-down: the span's service on the metrics datasource, around the span's window.
    let state = crate::ui::use_app();
    let (service, from_ms, to_ms) = (s.service.clone(), s.start_us / 1000 - 5 * 60_000, (s.start_us + s.duration_us) / 1000 + 5 * 60_000);
    let metrics_label = format!("{} metrics around this span", s.service);
    let logs_context = crate::core::trace::LinkContext {
        trace_id: Some(s.trace_id.to_hex()),
        span_id: Some(s.span_id.to_hex()),
        service: Some(s.service.to_string()),
        start_ms: Some(s.start_us.div_euclid(1000)),
        end_ms: Some(s.end_us().div_euclid(1000) + 1),
    };
    let open_metrics = move |_| {
        let ds = state.registry.with_untracked(|r| r.as_ref().map(|r| r.metrics_datasource().to_string()).unwrap_or_else(|| "demo".into()));
        let time = crate::core::spec::TimeSpec::Absolute { from_ms, to_ms: to_ms.max(from_ms + 1) };
        state.open(crate::core::dashboards::service_overview(&service, &ds, time), crate::io::storage::random_key());
    };
    view! {
        <section class="nk-span-detail" data-testid="span-detail" data-span-id=s.span_id.to_hex() aria-label="span detail">
            <header class="nk-span-detail-head">
                <strong>{s.service.to_string()}" · "{s.name.to_string()}</strong>
                <button class="nk-button" data-testid="span-metrics" on:click=open_metrics>{metrics_label}</button>
                <super::OpenLogs context=Signal::stored(logs_context)/>
                <button class="nk-icon" title="Close" data-testid="span-detail-close" on:click=move |_| on_close()>"✕"</button>
            </header>
            <dl class="nk-span-facts">
                <dt>"span id"</dt><dd>{s.span_id.to_hex()}</dd>
                <dt>"parent"</dt><dd>{parent}</dd>
                <dt>"start"</dt><dd>{format!("+{}", fmt_us(s.start_us - t0))}</dd>
                <dt>"duration"</dt><dd>{fmt_us(s.duration_us)}</dd>
                <dt>"kind"</dt><dd>{s.kind.as_str().to_string()}</dd>
                <dt>"status"</dt><dd class:nk-fail-text=s.is_error()>{status}</dd>
                <dt>"critical path"</dt><dd>{if l.critical.get(span).copied().unwrap_or(false) { "yes" } else { "no" }}</dd>
            </dl>
            {table("Attributes", &s.attributes)}
            {(!s.events.is_empty()).then(|| view! {
                <h4>"Events / logs"</h4>
                <ul class="nk-span-events" data-testid="span-events">
                    {s.events.iter().map(|e| view! {
                        <li><span class="nk-ev-time">{format!("+{}", fmt_us(e.time_us - t0))}</span>" "<strong>{e.name.clone()}</strong>
                            {e.attributes.iter().map(|(k, v)| view! { <span class="nk-ev-attr">{format!(" {k}={}", v.display())}</span> }).collect_view()}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {resource.map(|r| view! {
                <h4>{format!("Resource / process: {}", r.service)}</h4>
                {table("", &r.attributes)}
            })}
            {(!s.links.is_empty()).then(|| view! {
                <h4>"Links"</h4>
                <ul>{s.links.iter().map(|k| view! { <li>{format!("{} {} / {}", k.kind, k.trace_id.to_hex(), k.span_id.to_hex())}</li> }).collect_view()}</ul>
            })}
            <details class="nk-span-raw"><summary>"Span as JSON"</summary><pre data-testid="span-raw">{raw}</pre></details>
        </section>
    }
}

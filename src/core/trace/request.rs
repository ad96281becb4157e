//! Trace backend requests as values: services, operations, search and trace-by-id for Jaeger
//! v1, Jaeger api_v3 (camelCase from 2.19, snake_case before), Tempo and Zipkin, all built
//! from one [`SearchParams`].
//!
//! Each API wants its own units: Jaeger v1 µs, api_v3 RFC 3339, Tempo Unix seconds, Zipkin
//! `endTs`/`lookback` in ms and durations in µs; durations elsewhere are Go durations. This
//! module must never perform a request or read the clock; the caller passes the time range.

use crate::core::prom::{HttpRequest, Method};
use crate::core::time::civil_from_days;
use crate::core::trace::id::TraceId;
use std::fmt::Write;

/// Which API a trace datasource speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceBackend {
    /// Jaeger 1.x and 2.x up to 2.20: `/api/services`, `/api/traces`.
    JaegerV1,
    /// Jaeger api_v3 with camelCase parameters (2.19 and later).
    JaegerV3,
    /// Jaeger api_v3 with snake_case parameters (2.x before 2.19; newer releases accept it too).
    JaegerV3Snake,
    /// Tempo, trace by id through `/api/traces/{id}`.
    Tempo,
    /// Tempo 2.6 and later, trace by id through `/api/v2/traces/{id}`.
    TempoV2,
    /// Zipkin API v2.
    Zipkin,
}

/// One trace search, the same for every backend. Times are epoch µs; durations µs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchParams {
    pub service: Option<String>,
    pub operation: Option<String>,
    /// Tag / attribute filters (`http.status_code` = `500`). For Zipkin an empty value means
    /// "has this tag" (`error`).
    pub tags: Vec<(String, String)>,
    /// A TraceQL query; only Tempo reads it, and it replaces service, operation and tags.
    pub traceql: Option<String>,
    pub min_duration_us: Option<i64>,
    pub max_duration_us: Option<i64>,
    pub start_us: i64,
    pub end_us: i64,
    pub limit: Option<u32>,
}

/// Percent-encodes a query value or path segment: only RFC 3986 unreserved characters stay.
/// (The Prometheus client's encoder is private to its module; this is the same rule.)
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn get(base: &str, path: &str, params: &[(&str, String)]) -> HttpRequest {
    let mut url = format!("{}{path}", base.trim().trim_end_matches('/'));
    for (i, (k, v)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&percent_encode(k));
        url.push('=');
        url.push_str(&percent_encode(v));
    }
    HttpRequest { method: Method::Get, url, headers: Vec::new(), body: None }
}

/// A Go duration for µs: `150ms` when whole milliseconds, else `250us`.
pub fn go_duration(us: i64) -> String {
    if us % 1000 == 0 {
        format!("{}ms", us / 1000)
    } else {
        format!("{us}us")
    }
}

/// RFC 3339 in UTC with microseconds when they are not zero: `2024-06-10T06:13:20.000123Z`.
pub fn rfc3339_us(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let micros = us.rem_euclid(1_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let mut out = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", sod / 3600, sod % 3600 / 60, sod % 60);
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
    out.push('Z');
    out
}

/// A JSON object of string values, for Jaeger's `tags` and api_v3's `query.attributes`.
fn json_map(tags: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        tags.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    serde_json::Value::Object(map).to_string()
}

/// A logfmt value, quoted when it holds spaces, quotes or `=`.
fn logfmt_value(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '"', '=', '\\']) {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        v.to_string()
    }
}

/// The service list.
pub fn services_request(backend: TraceBackend, base: &str) -> HttpRequest {
    match backend {
        TraceBackend::JaegerV1 => get(base, "/api/services", &[]),
        TraceBackend::JaegerV3 | TraceBackend::JaegerV3Snake => get(base, "/api/v3/services", &[]),
        TraceBackend::Tempo | TraceBackend::TempoV2 => get(base, "/api/search/tag/service.name/values", &[]),
        TraceBackend::Zipkin => get(base, "/api/v2/services", &[]),
    }
}

/// The operations (span names) of one service.
pub fn operations_request(backend: TraceBackend, base: &str, service: &str) -> HttpRequest {
    match backend {
        TraceBackend::JaegerV1 => get(base, &format!("/api/services/{}/operations", percent_encode(service)), &[]),
        TraceBackend::JaegerV3 | TraceBackend::JaegerV3Snake => get(base, "/api/v3/operations", &[("service", service.to_string())]),
        TraceBackend::Tempo | TraceBackend::TempoV2 => {
            let q = format!("{{resource.service.name={}}}", serde_json::Value::String(service.to_string()));
            get(base, "/api/v2/search/tag/name/values", &[("q", q)])
        }
        TraceBackend::Zipkin => get(base, "/api/v2/spans", &[("serviceName", service.to_string())]),
    }
}

/// One trace by id.
pub fn trace_request(backend: TraceBackend, base: &str, id: &TraceId) -> HttpRequest {
    let hex = id.to_hex();
    match backend {
        TraceBackend::JaegerV1 => get(base, &format!("/api/traces/{hex}"), &[]),
        TraceBackend::JaegerV3 | TraceBackend::JaegerV3Snake => get(base, &format!("/api/v3/traces/{hex}"), &[]),
        TraceBackend::Tempo => get(base, &format!("/api/traces/{hex}"), &[]),
        TraceBackend::TempoV2 => get(base, &format!("/api/v2/traces/{hex}"), &[]),
        TraceBackend::Zipkin => get(base, &format!("/api/v2/trace/{}", id.to_short_hex()), &[]),
    }
}

/// A trace search over the params' time range.
pub fn search_request(backend: TraceBackend, base: &str, p: &SearchParams) -> HttpRequest {
    let mut q: Vec<(&str, String)> = Vec::new();
    let service = p.service.clone().filter(|s| !s.is_empty());
    let operation = p.operation.clone().filter(|s| !s.is_empty());
    match backend {
        TraceBackend::JaegerV1 => {
            q.extend(service.map(|s| ("service", s)));
            q.extend(operation.map(|o| ("operation", o)));
            if !p.tags.is_empty() {
                q.push(("tags", json_map(&p.tags)));
            }
            q.extend(p.min_duration_us.map(|d| ("minDuration", go_duration(d))));
            q.extend(p.max_duration_us.map(|d| ("maxDuration", go_duration(d))));
            q.push(("start", p.start_us.to_string()));
            q.push(("end", p.end_us.to_string()));
            q.extend(p.limit.map(|l| ("limit", l.to_string())));
            get(base, "/api/traces", &q)
        }
        TraceBackend::JaegerV3 | TraceBackend::JaegerV3Snake => {
            let camel = backend == TraceBackend::JaegerV3;
            let name = |camel_name: &'static str, snake_name: &'static str| if camel { camel_name } else { snake_name };
            q.extend(service.map(|s| (name("query.serviceName", "query.service_name"), s)));
            q.extend(operation.map(|o| (name("query.operationName", "query.operation_name"), o)));
            if !p.tags.is_empty() {
                q.push(("query.attributes", json_map(&p.tags)));
            }
            q.push((name("query.startTimeMin", "query.start_time_min"), rfc3339_us(p.start_us)));
            q.push((name("query.startTimeMax", "query.start_time_max"), rfc3339_us(p.end_us)));
            q.extend(p.min_duration_us.map(|d| (name("query.durationMin", "query.duration_min"), go_duration(d))));
            q.extend(p.max_duration_us.map(|d| (name("query.durationMax", "query.duration_max"), go_duration(d))));
            q.extend(p.limit.map(|l| (name("query.searchDepth", "query.search_depth"), l.to_string())));
            get(base, "/api/v3/traces", &q)
        }
        TraceBackend::Tempo | TraceBackend::TempoV2 => {
            match p.traceql.clone().filter(|t| !t.trim().is_empty()) {
                Some(traceql) => q.push(("q", traceql)),
                None => {
                    let mut tags: Vec<String> = Vec::new();
                    tags.extend(service.map(|s| format!("service.name={}", logfmt_value(&s))));
                    tags.extend(operation.map(|o| format!("name={}", logfmt_value(&o))));
                    tags.extend(p.tags.iter().map(|(k, v)| format!("{k}={}", logfmt_value(v))));
                    if !tags.is_empty() {
                        q.push(("tags", tags.join(" ")));
                    }
                    q.extend(p.min_duration_us.map(|d| ("minDuration", go_duration(d))));
                    q.extend(p.max_duration_us.map(|d| ("maxDuration", go_duration(d))));
                }
            }
            q.extend(p.limit.map(|l| ("limit", l.to_string())));
            q.push(("start", p.start_us.div_euclid(1_000_000).to_string()));
            q.push(("end", (p.end_us + 999_999).div_euclid(1_000_000).to_string()));
            get(base, "/api/search", &q)
        }
        TraceBackend::Zipkin => {
            q.extend(service.map(|s| ("serviceName", s)));
            q.extend(operation.map(|o| ("spanName", o)));
            if !p.tags.is_empty() {
                let terms: Vec<String> =
                    p.tags.iter().map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}={v}") }).collect();
                q.push(("annotationQuery", terms.join(" and ")));
            }
            q.extend(p.min_duration_us.map(|d| ("minDuration", d.to_string())));
            q.extend(p.max_duration_us.map(|d| ("maxDuration", d.to_string())));
            let end_ms = (p.end_us + 999).div_euclid(1000);
            q.push(("endTs", end_ms.to_string()));
            q.push(("lookback", (end_ms - p.start_us.div_euclid(1000)).max(1).to_string()));
            q.extend(p.limit.map(|l| ("limit", l.to_string())));
            get(base, "/api/v2/traces", &q)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SearchParams {
        SearchParams {
            service: Some("checkout".into()),
            operation: Some("GET /cart".into()),
            tags: vec![("http.status_code".into(), "500".into()), ("error".into(), String::new())],
            traceql: None,
            min_duration_us: Some(150_000),
            max_duration_us: Some(2_500),
            start_us: 1_718_000_000_000_000,
            end_us: 1_718_003_600_000_001,
            limit: Some(20),
        }
    }

    #[test]
    fn search_urls_for_each_backend() {
        let cases: &[(TraceBackend, &str)] = &[
            (
                TraceBackend::JaegerV1,
                "/j/api/traces?service=checkout&operation=GET%20%2Fcart&tags=%7B%22error%22%3A%22%22%2C%22http.status_code%22%3A%22500%22%7D&minDuration=150ms&maxDuration=2500us&start=1718000000000000&end=1718003600000001&limit=20",
            ),
            (
                TraceBackend::JaegerV3,
                "/j/api/v3/traces?query.serviceName=checkout&query.operationName=GET%20%2Fcart&query.attributes=%7B%22error%22%3A%22%22%2C%22http.status_code%22%3A%22500%22%7D&query.startTimeMin=2024-06-10T06%3A13%3A20Z&query.startTimeMax=2024-06-10T07%3A13%3A20.000001Z&query.durationMin=150ms&query.durationMax=2500us&query.searchDepth=20",
            ),
            (
                TraceBackend::JaegerV3Snake,
                "/j/api/v3/traces?query.service_name=checkout&query.operation_name=GET%20%2Fcart&query.attributes=%7B%22error%22%3A%22%22%2C%22http.status_code%22%3A%22500%22%7D&query.start_time_min=2024-06-10T06%3A13%3A20Z&query.start_time_max=2024-06-10T07%3A13%3A20.000001Z&query.duration_min=150ms&query.duration_max=2500us&query.search_depth=20",
            ),
            (
                TraceBackend::Tempo,
                "/j/api/search?tags=service.name%3Dcheckout%20name%3D%22GET%20%2Fcart%22%20http.status_code%3D500%20error%3D%22%22&minDuration=150ms&maxDuration=2500us&limit=20&start=1718000000&end=1718003601",
            ),
            (
                TraceBackend::Zipkin,
                "/j/api/v2/traces?serviceName=checkout&spanName=GET%20%2Fcart&annotationQuery=http.status_code%3D500%20and%20error&minDuration=150000&maxDuration=2500&endTs=1718003600001&lookback=3600001&limit=20",
            ),
        ];
        for (backend, url) in cases {
            assert_eq!(search_request(*backend, "/j/", &params()).url, *url, "{backend:?}");
        }
        let traceql = SearchParams { traceql: Some("{ status = error }".into()), ..params() };
        assert_eq!(
            search_request(TraceBackend::TempoV2, "http://tempo:3200", &traceql).url,
            "http://tempo:3200/api/search?q=%7B%20status%20%3D%20error%20%7D&limit=20&start=1718000000&end=1718003601"
        );
        let bare = SearchParams { start_us: 0, end_us: 1_000_000, ..SearchParams::default() };
        assert_eq!(search_request(TraceBackend::JaegerV1, "", &bare).url, "/api/traces?start=0&end=1000000");
    }

    #[test]
    fn list_and_trace_urls_for_each_backend() {
        let id = TraceId::parse("1e223ff1f80f1c69").unwrap();
        let cases: &[(TraceBackend, [&str; 3])] = &[
            (TraceBackend::JaegerV1, ["/api/services", "/api/services/web%20api/operations", "/api/traces/00000000000000001e223ff1f80f1c69"]),
            (TraceBackend::JaegerV3, ["/api/v3/services", "/api/v3/operations?service=web%20api", "/api/v3/traces/00000000000000001e223ff1f80f1c69"]),
            (
                TraceBackend::Tempo,
                [
                    "/api/search/tag/service.name/values",
                    "/api/v2/search/tag/name/values?q=%7Bresource.service.name%3D%22web%20api%22%7D",
                    "/api/traces/00000000000000001e223ff1f80f1c69",
                ],
            ),
            (TraceBackend::TempoV2, ["/api/search/tag/service.name/values", "/api/v2/search/tag/name/values?q=%7Bresource.service.name%3D%22web%20api%22%7D", "/api/v2/traces/00000000000000001e223ff1f80f1c69"]),
            (TraceBackend::Zipkin, ["/api/v2/services", "/api/v2/spans?serviceName=web%20api", "/api/v2/trace/1e223ff1f80f1c69"]),
        ];
        for (backend, [services, operations, trace]) in cases {
            assert_eq!(services_request(*backend, "").url, *services, "{backend:?}");
            assert_eq!(operations_request(*backend, "", "web api").url, *operations, "{backend:?}");
            let request = trace_request(*backend, "", &id);
            assert_eq!((request.url.as_str(), request.method, request.body), (*trace, Method::Get, None), "{backend:?}");
        }
    }

    #[test]
    fn units() {
        let cases: &[(i64, &str)] = &[(0, "0ms"), (1, "1us"), (1500, "1500us"), (2_000_000, "2000ms")];
        for (us, text) in cases {
            assert_eq!(go_duration(*us), *text);
        }
        assert_eq!(rfc3339_us(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_us(-1), "1969-12-31T23:59:59.999999Z");
        assert_eq!(rfc3339_us(1_718_000_000_123_456), "2024-06-10T06:13:20.123456Z");
    }
}

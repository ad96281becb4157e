//! Prometheus HTTP API requests as values: each builder returns the method, URL, headers
//! and body of one call, and the browser edge executes it.
//!
//! This module must never perform a request, read the clock or add a header on its own
//! initiative beyond `Content-Type` for form bodies: direct mode sends no custom headers,
//! because Prometheus's CORS preflight only allows `Accept`, `Authorization`,
//! `Content-Type` and `Origin`. Configured headers are added only through
//! [`HttpRequest::with_headers`], for a same-origin proxy.

use crate::core::prom::encode::{escape_label_name, form_encode, ms_as_seconds};
use crate::core::time::TimeRange;

/// Above this many bytes of encoded parameters a request is sent as a form POST, so that
/// proxies with URL length limits do not reject it.
pub const MAX_GET_QUERY_BYTES: usize = 4096;

/// The content type of form-encoded POST bodies.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One HTTP call to make, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    /// Absolute (`http://host:9090/api/v1/query?...`) or same-origin relative
    /// (`/prom/api/v1/query?...`), depending on the datasource's base URL.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The form-encoded parameters of a POST; `None` for a GET.
    pub body: Option<String>,
}

impl HttpRequest {
    /// Adds configured headers (such as a tenant id). Only for a same-origin proxy: a
    /// direct cross-origin call with a custom header fails Prometheus's CORS preflight.
    pub fn with_headers(mut self, headers: &[(String, String)]) -> Self {
        self.headers.extend(headers.iter().cloned());
        self
    }
}

/// Which methods an endpoint accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allows {
    GetOnly,
    GetOrPost,
}

/// Joins the base URL and an API path with exactly one slash between them.
fn endpoint_url(base: &str, path: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    format!("{base}/api/v1/{}", path.trim_start_matches('/'))
}

/// Builds a GET, or a form POST when the endpoint allows it and the encoded parameters
/// are longer than [`MAX_GET_QUERY_BYTES`].
fn build(base: &str, path: &str, params: &[(&str, String)], allows: Allows) -> HttpRequest {
    let url = endpoint_url(base, path);
    let query = form_encode(params);
    if allows == Allows::GetOrPost && query.len() > MAX_GET_QUERY_BYTES {
        return HttpRequest {
            method: Method::Post,
            url,
            headers: vec![("Content-Type".to_string(), FORM_CONTENT_TYPE.to_string())],
            body: Some(query),
        };
    }
    let url = if query.is_empty() { url } else { format!("{url}?{query}") };
    HttpRequest { method: Method::Get, url, headers: Vec::new(), body: None }
}

/// The `start` and `end` parameters of a range, in Unix seconds.
fn range_params(range: TimeRange) -> [(&'static str, String); 2] {
    [("start", ms_as_seconds(range.from_ms())), ("end", ms_as_seconds(range.to_ms()))]
}

/// `GET|POST /api/v1/query_range`. The step is sent in seconds (`15`, `0.5`); a step
/// below 1 ms is raised to 1 ms, because the server rejects a step of zero. `timeout_ms`
/// asks the server to give up earlier than its own limit; `limit` caps the number of
/// series (0 or `None` means no cap).
pub fn query_range(
    base: &str,
    promql: &str,
    range: TimeRange,
    step_ms: i64,
    timeout_ms: Option<u32>,
    limit: Option<u32>,
) -> HttpRequest {
    let mut params = vec![("query", promql.to_string())];
    params.extend(range_params(range));
    params.push(("step", ms_as_seconds(step_ms.max(1))));
    if let Some(t) = timeout_ms.filter(|t| *t > 0) {
        params.push(("timeout", ms_as_seconds(i64::from(t))));
    }
    if let Some(n) = limit.filter(|n| *n > 0) {
        params.push(("limit", n.to_string()));
    }
    build(base, "query_range", &params, Allows::GetOrPost)
}

/// `GET|POST /api/v1/query`: an instant query evaluated at `time_ms`.
pub fn query(base: &str, promql: &str, time_ms: i64) -> HttpRequest {
    let params = [("query", promql.to_string()), ("time", ms_as_seconds(time_ms))];
    build(base, "query", &params, Allows::GetOrPost)
}

/// Repeated `match[]` selectors followed by the range.
fn match_params(matchers: &[String], range: TimeRange) -> Vec<(&'static str, String)> {
    let mut params: Vec<(&str, String)> = matchers.iter().map(|m| ("match[]", m.clone())).collect();
    params.extend(range_params(range));
    params
}

/// `GET|POST /api/v1/labels`: label names, optionally only of series matching the
/// selectors. The range is always sent, because engines default to expensive or
/// surprising windows without it.
pub fn labels(base: &str, matchers: &[String], range: TimeRange) -> HttpRequest {
    build(base, "labels", &match_params(matchers, range), Allows::GetOrPost)
}

/// `GET /api/v1/label/<name>/values`, with the name `U__`-escaped when it is not a plain
/// label name. This endpoint has no POST form, so it stays a GET however long the
/// selectors are. `__name__` gives the metric names.
pub fn label_values(base: &str, name: &str, matchers: &[String], range: TimeRange) -> HttpRequest {
    let path = format!("label/{}/values", escape_label_name(name));
    build(base, &path, &match_params(matchers, range), Allows::GetOnly)
}

/// `GET|POST /api/v1/series`: the label sets of series matching at least one selector.
pub fn series(base: &str, matchers: &[String], range: TimeRange) -> HttpRequest {
    build(base, "series", &match_params(matchers, range), Allows::GetOrPost)
}

/// `GET /api/v1/metadata`: type, help and unit of one metric, or of all when `None`.
pub fn metadata(base: &str, metric: Option<&str>) -> HttpRequest {
    let params: Vec<(&str, String)> = metric.map(|m| ("metric", m.to_string())).into_iter().collect();
    build(base, "metadata", &params, Allows::GetOnly)
}

/// `GET /api/v1/status/buildinfo`: the server's version, used to detect the engine.
pub fn buildinfo(base: &str) -> HttpRequest {
    build(base, "status/buildinfo", &[], Allows::GetOnly)
}

/// `GET|POST /api/v1/query_exemplars`: exemplars (trace links) of the query's series.
pub fn query_exemplars(base: &str, promql: &str, range: TimeRange) -> HttpRequest {
    let mut params = vec![("query", promql.to_string())];
    params.extend(range_params(range));
    build(base, "query_exemplars", &params, Allows::GetOrPost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    /// 2024-06-10T06:13:20Z and one hour later, with a millisecond part on the end.
    fn hour() -> TimeRange {
        TimeRange::new(1_718_000_000_000, 1_718_003_600_250).unwrap()
    }

    fn get(url: &str) -> HttpRequest {
        HttpRequest { method: Method::Get, url: url.to_string(), headers: Vec::new(), body: None }
    }

    #[test]
    fn joins_base_urls_without_double_slashes() {
        let cases: &[(&str, &str)] = &[
            ("/prom", "/prom/api/v1/status/buildinfo"),
            ("/prom/", "/prom/api/v1/status/buildinfo"),
            ("http://127.0.0.1:9090", "http://127.0.0.1:9090/api/v1/status/buildinfo"),
            ("http://127.0.0.1:9090//", "http://127.0.0.1:9090/api/v1/status/buildinfo"),
            ("https://mimir/prometheus", "https://mimir/prometheus/api/v1/status/buildinfo"),
            ("", "/api/v1/status/buildinfo"),
        ];
        for (base, url) in cases {
            check(base, buildinfo(base), get(url));
        }
    }

    #[test]
    fn builds_each_endpoint() {
        let sel = vec!["up{job=\"api\"}".to_string()];
        let range = "start=1718000000&end=1718003600.25";
        let cases: Vec<(&str, HttpRequest, String)> = vec![
            (
                "query_range",
                query_range("/prom", "up", hour(), 15_000, None, None),
                format!("/prom/api/v1/query_range?query=up&{range}&step=15"),
            ),
            (
                "query_range with sub-second step, timeout and limit",
                query_range("/prom", "up", hour(), 500, Some(2500), Some(100)),
                format!("/prom/api/v1/query_range?query=up&{range}&step=0.5&timeout=2.5&limit=100"),
            ),
            (
                "query_range with a zero step, timeout and limit",
                query_range("/prom", "up", hour(), 0, Some(0), Some(0)),
                format!("/prom/api/v1/query_range?query=up&{range}&step=0.001"),
            ),
            (
                "query",
                query("/prom", "sum(rate(x[5m]))", 1_718_000_000_123),
                "/prom/api/v1/query?query=sum%28rate%28x%5B5m%5D%29%29&time=1718000000.123".to_string(),
            ),
            (
                "labels",
                labels("/prom", &sel, hour()),
                format!("/prom/api/v1/labels?match%5B%5D=up%7Bjob%3D%22api%22%7D&{range}"),
            ),
            ("labels without selectors", labels("/prom", &[], hour()), format!("/prom/api/v1/labels?{range}")),
            (
                "label_values of the metric names",
                label_values("/prom", "__name__", &[], hour()),
                format!("/prom/api/v1/label/__name__/values?{range}"),
            ),
            (
                "label_values with an escaped name",
                label_values("/prom", "http.status_code", &sel, hour()),
                format!("/prom/api/v1/label/U__http_2e_status__code/values?match%5B%5D=up%7Bjob%3D%22api%22%7D&{range}"),
            ),
            (
                "series",
                series("/prom", &["a".to_string(), "b".to_string()], hour()),
                format!("/prom/api/v1/series?match%5B%5D=a&match%5B%5D=b&{range}"),
            ),
            ("metadata of one metric", metadata("/prom", Some("up")), "/prom/api/v1/metadata?metric=up".to_string()),
            ("metadata of all", metadata("/prom", None), "/prom/api/v1/metadata".to_string()),
            (
                "exemplars",
                query_exemplars("/prom", "x", hour()),
                format!("/prom/api/v1/query_exemplars?query=x&{range}"),
            ),
        ];
        for (name, actual, url) in cases {
            check(name, actual, get(&url));
        }
    }

    #[test]
    fn switches_to_post_above_the_size_limit() {
        // The fixed parameters of this query_range encode to 55 bytes; pad the query so
        // the whole string lands exactly on the limit, then one byte over it.
        let fixed = form_encode(&[("query", String::new()), ("start", "1718000000".into()), ("end", "1718003600.25".into()), ("step", "15".into())]).len();
        let at_limit = "x".repeat(MAX_GET_QUERY_BYTES - fixed);
        let get_req = query_range("/prom", &at_limit, hour(), 15_000, None, None);
        check("at the limit", get_req.method, Method::Get);
        check("at the limit, no body", get_req.body, None);

        let over = format!("{at_limit}x");
        let post = query_range("/prom", &over, hour(), 15_000, None, None);
        let body = format!("query={over}&start=1718000000&end=1718003600.25&step=15");
        check(
            "over the limit",
            post,
            HttpRequest {
                method: Method::Post,
                url: "/prom/api/v1/query_range".into(),
                headers: vec![("Content-Type".into(), FORM_CONTENT_TYPE.into())],
                body: Some(body),
            },
        );
    }

    #[test]
    fn label_values_never_posts_and_long_series_calls_do() {
        let long = vec![format!("{{job=~\"{}\"}}", "a|".repeat(3000))];
        check("label_values", label_values("/prom", "job", &long, hour()).method, Method::Get);
        check("series", series("/prom", &long, hour()).method, Method::Post);
        check("labels", labels("/prom", &long, hour()).method, Method::Post);
    }

    #[test]
    fn headers_only_when_the_caller_adds_them() {
        check("direct", query("http://p:9090", "up", 0).headers, Vec::new());
        let tenant = vec![("X-Scope-OrgID".to_string(), "team-a".to_string())];
        check("proxied", query("/mimir", "up", 0).with_headers(&tenant).headers, tenant.clone());
    }
}

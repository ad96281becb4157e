//! "Open logs" links: a `link` datasource holds a URL template (Kibana, Loki, an
//! Elasticsearch UI, ...) with placeholders `{trace_id}`, `{span_id}`, `{service}`, `{start}`,
//! `{end}` (RFC 3339, UTC) and `{start_ms}`, `{end_ms}` (epoch ms), filled from a span or
//! from a KPI tile's service and time window.
//!
//! Values come from trace data and dashboards, so they are hostile: each is percent-encoded
//! (only `A-Z a-z 0-9 - . _ ~` stay as they are), substituted in one pass (a value that
//! looks like a placeholder stays text), and the result must be an absolute `http://` or
//! `https://` URL whose scheme and host come from the template itself. Anything else yields
//! no link and a reason in words. This module must never produce a URL of another scheme.

use crate::core::query::{MatchOp, MetricQuery, Query};
use crate::core::time::format_rfc3339_utc;
use thiserror::Error;

/// What a link can be filled from. A tile has no trace or span id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkContext {
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub service: Option<String>,
    /// Epoch ms of the window's start and end.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

/// Why a template gave no link.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("the link template is empty")]
    Empty,
    #[error("the link template must start with http:// or https:// and a host; other schemes and relative links are never opened")]
    NotHttp,
    #[error("the link template contains spaces or control characters")]
    BadCharacter,
    #[error("the link template has an unclosed or misplaced {{ }}")]
    Unbalanced,
    #[error("the link template uses {{{0}}}, which is not one of {{trace_id}}, {{span_id}}, {{service}}, {{start}}, {{end}}, {{start_ms}}, {{end_ms}}")]
    Unknown(String),
    #[error("the link needs {{{0}}}, which is not known here")]
    Missing(&'static str),
    #[error("the link template puts a placeholder in the scheme or host; only paths, queries and fragments may hold values")]
    PlaceholderInHost,
}

const PLACEHOLDERS: [&str; 7] = [
    "trace_id", "span_id", "service", "start", "end", "start_ms", "end_ms",
];

/// Fills `template` from `context`; the URL is always absolute http(s).
pub fn expand_link(template: &str, context: &LinkContext) -> Result<String, LinkError> {
    if template.is_empty() {
        return Err(LinkError::Empty);
    }
    if template
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(LinkError::BadCharacter);
    }
    let authority_end = http_authority_end(template)?;
    if template[..authority_end].contains(['{', '}']) {
        return Err(LinkError::PlaceholderInHost);
    }
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(LinkError::Unbalanced);
        }
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(LinkError::Unbalanced)?;
        let name = &after[..close];
        if name.contains('{') {
            return Err(LinkError::Unbalanced);
        }
        out.push_str(&encode(&value(name, context)?));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    // The scheme and host came from the template and values were encoded, so this holds;
    // it is checked again on the result so that no future change can break the rule.
    http_authority_end(&out)?;
    Ok(out)
}

/// The byte index just after `scheme://host[:port]`, or why the text is not absolute http(s).
fn http_authority_end(url: &str) -> Result<usize, LinkError> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return Err(LinkError::NotHttp);
    };
    let rest = &url[scheme..];
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_len];
    if host.is_empty() || host.contains(['\\', '@']) || host.starts_with(':') {
        return Err(LinkError::NotHttp);
    }
    Ok(scheme + host_len)
}

fn value(name: &str, c: &LinkContext) -> Result<String, LinkError> {
    let need = |v: &Option<String>, what: &'static str| {
        v.clone()
            .filter(|s| !s.is_empty())
            .ok_or(LinkError::Missing(what))
    };
    let time = |v: Option<i64>, what: &'static str| v.ok_or(LinkError::Missing(what));
    match name {
        "trace_id" => need(&c.trace_id, "trace_id"),
        "span_id" => need(&c.span_id, "span_id"),
        "service" => need(&c.service, "service"),
        "start" => time(c.start_ms, "start").map(format_rfc3339_utc),
        "end" => time(c.end_ms, "end").map(format_rfc3339_utc),
        "start_ms" => time(c.start_ms, "start_ms").map(|v| v.to_string()),
        "end_ms" => time(c.end_ms, "end_ms").map(|v| v.to_string()),
        other => {
            debug_assert!(!PLACEHOLDERS.contains(&other));
            Err(LinkError::Unknown(other.chars().take(40).collect()))
        }
    }
}

/// The service a KPI tile's query is about: the first exact matcher on `service`,
/// `service_name` or `job` (for a ratio, in the numerator first). `None` when there is none.
pub fn query_service(query: &Query) -> Option<String> {
    let of = |m: &MetricQuery| {
        ["service", "service_name", "job"]
            .iter()
            .find_map(|label| {
                m.matchers
                    .iter()
                    .find(|x| x.label == *label && x.op == MatchOp::Eq && !x.value.is_empty())
            })
            .map(|x| x.value.clone())
    };
    match query {
        Query::Metric(m) => of(m),
        Query::Ratio(r) => of(&r.num).or_else(|| of(&r.den)),
        Query::Promql(_) => None,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_context() -> LinkContext {
        LinkContext {
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            span_id: Some("00f067aa0ba902b7".into()),
            service: Some("checkout".into()),
            start_ms: Some(1_767_225_600_000),
            end_ms: Some(1_767_225_600_250),
        }
    }

    #[test]
    fn fills_every_placeholder_encoded() {
        let t = "https://kibana.example.com/app/discover#/?q=trace.id:{trace_id}%20AND%20span.id:{span_id}&svc={service}&from={start}&to={end}&ms={start_ms}-{end_ms}";
        assert_eq!(
            expand_link(t, &span_context()).unwrap(),
            "https://kibana.example.com/app/discover#/?q=trace.id:4bf92f3577b34da6a3ce929d0e0e4736%20AND%20span.id:00f067aa0ba902b7&svc=checkout&from=2026-01-01T00%3A00%3A00Z&to=2026-01-01T00%3A00%3A00.250Z&ms=1767225600000-1767225600250"
        );
        assert_eq!(
            expand_link("HTTP://loki:3100/x?s={service}", &span_context()).unwrap(),
            "HTTP://loki:3100/x?s=checkout"
        );
    }

    #[test]
    fn hostile_values_stay_inside_their_parameter() {
        let hostile = [
            ("javascript:alert(1)", "javascript%3Aalert%281%29"),
            (
                "\"><script>x</script>",
                "%22%3E%3Cscript%3Ex%3C%2Fscript%3E",
            ),
            ("a&b=c#frag", "a%26b%3Dc%23frag"),
            ("../../admin", "..%2F..%2Fadmin"),
            ("x\r\ny: z", "x%0D%0Ay%3A%20z"),
            ("{trace_id}", "%7Btrace_id%7D"),
            ("//evil.example", "%2F%2Fevil.example"),
            ("ünï", "%C3%BCn%C3%AF"),
        ];
        for (value, encoded) in hostile {
            let c = LinkContext {
                service: Some(value.into()),
                ..span_context()
            };
            assert_eq!(
                expand_link("https://logs.example/q?s={service}", &c).unwrap(),
                format!("https://logs.example/q?s={encoded}"),
                "{value:?}"
            );
            // A value can never become the scheme or host.
            assert_eq!(
                expand_link("{service}", &c),
                Err(LinkError::NotHttp),
                "{value:?}"
            );
            assert_eq!(
                expand_link("https://{service}/x", &c),
                Err(LinkError::PlaceholderInHost),
                "{value:?}"
            );
        }
    }

    #[test]
    fn only_absolute_http_templates_make_links() {
        let c = span_context();
        let refused: &[(&str, LinkError)] = &[
            ("", LinkError::Empty),
            (
                "javascript:alert(document.cookie)//{trace_id}",
                LinkError::NotHttp,
            ),
            ("JavaScript:alert(1)", LinkError::NotHttp),
            (
                "data:text/html,<script>alert(1)</script>",
                LinkError::NotHttp,
            ),
            ("vbscript:msgbox", LinkError::NotHttp),
            ("//evil.example/{trace_id}", LinkError::NotHttp),
            ("/logs?trace={trace_id}", LinkError::NotHttp),
            ("logs?trace={trace_id}", LinkError::NotHttp),
            ("https:evil.example", LinkError::NotHttp),
            ("https:///evil.example", LinkError::NotHttp),
            ("https://user@evil.example/", LinkError::NotHttp),
            ("https:\\\\evil.example", LinkError::NotHttp),
            (" https://ok.example/", LinkError::BadCharacter),
            ("java\tscript:alert(1)", LinkError::BadCharacter),
            ("https://ok.example/\n", LinkError::BadCharacter),
            ("{start}://x", LinkError::NotHttp),
            ("http{s}://x", LinkError::NotHttp),
            ("https://{service}.example/", LinkError::PlaceholderInHost),
            ("https://ok.example/{trace_id", LinkError::Unbalanced),
            ("https://ok.example/trace_id}", LinkError::Unbalanced),
            ("https://ok.example/{a{trace_id}}", LinkError::Unbalanced),
            (
                "https://ok.example/{password}",
                LinkError::Unknown("password".into()),
            ),
        ];
        for (template, why) in refused {
            assert_eq!(expand_link(template, &c).as_ref(), Err(why), "{template:?}");
            assert!(!why.to_string().is_empty());
        }
    }

    #[test]
    fn a_tile_query_names_its_service() {
        let q = |json: &str| serde_json::from_str::<Query>(json).unwrap();
        let cases = [
            (
                r#"{"kind":"metric","spec":{"metric":"http_requests_total","matchers":[{"label":"code","value":"500"},{"label":"service","value":"checkout"}]}}"#,
                Some("checkout"),
            ),
            (
                r#"{"kind":"metric","spec":{"metric":"up","matchers":[{"label":"service","op":"=~","value":"c.*"},{"label":"job","value":"api"}]}}"#,
                Some("api"),
            ),
            (r#"{"kind":"metric","spec":{"metric":"up"}}"#, None),
            (
                r#"{"kind":"promql","spec":{"expr":"up{service=\"x\"}"}}"#,
                None,
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(query_service(&q(json)).as_deref(), expected, "{json}");
        }
    }

    #[test]
    fn a_tile_without_ids_says_what_is_missing() {
        let tile = LinkContext {
            service: Some("checkout".into()),
            start_ms: Some(0),
            end_ms: Some(60_000),
            ..LinkContext::default()
        };
        assert_eq!(
            expand_link("https://l.example/?t={trace_id}", &tile),
            Err(LinkError::Missing("trace_id"))
        );
        assert_eq!(
            expand_link("https://l.example/?s={service}&f={start_ms}", &tile).unwrap(),
            "https://l.example/?s=checkout&f=0"
        );
        let no_service = LinkContext {
            service: Some(String::new()),
            ..tile
        };
        assert_eq!(
            expand_link("https://l.example/?s={service}", &no_service),
            Err(LinkError::Missing("service"))
        );
        assert!(LinkError::Missing("trace_id")
            .to_string()
            .contains("{trace_id}"));
    }
}

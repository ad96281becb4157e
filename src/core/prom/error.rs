//! Everything that can go wrong with a Prometheus API answer, as sentences a person can act
//! on, plus the clean-up of server text quoted inside them.
//!
//! This module must never decide how an answer is decoded (`envelope.rs` does) and must
//! never pass server text through unsanitized: quoted messages and body excerpts have
//! control characters removed and their length capped, and HTML tags are stripped.

use thiserror::Error;

/// How many characters of a non-JSON body an error quotes.
pub const EXCERPT_CHARS: usize = 120;

/// How many characters of a server error message an error quotes.
pub const MESSAGE_CHARS: usize = 500;

/// A failed Prometheus API call, decided from the HTTP status and the body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PromError {
    #[error("Prometheus rejected the query as invalid: \"{message}\". Fix the query or the time range.")]
    BadData { message: String },
    #[error("Prometheus could not evaluate the query: \"{message}\". Make it touch fewer series or a shorter time range, or fix the expression.")]
    Execution { message: String },
    #[error("The query took too long and the server stopped it: \"{message}\". Choose a shorter time range, add label matchers or aggregate to fewer series.")]
    Timeout { message: String },
    #[error("The server canceled the query: \"{message}\". It runs again on the next refresh, or reload now.")]
    Canceled { message: String },
    #[error("Prometheus failed with an internal error: \"{message}\". Try again; if it keeps failing, tell whoever runs this Prometheus.")]
    Internal { message: String },
    #[error("The server found nothing there: \"{message}\". Check that the datasource URL in datasources.json points at the Prometheus API.")]
    NotFound { message: String },
    #[error("Prometheus is not ready to answer: \"{message}\". Wait a moment and try again.")]
    Unavailable { message: String },
    #[error("The server answered HTTP {status} with a \"{error_type}\" error: \"{message}\". Check the query and the datasource; if it keeps failing, tell whoever runs the server.")]
    Other { status: u16, error_type: String, message: String },
    #[error("The server asks for sign-in (HTTP {status}), so the sign-in has probably expired. Reload the page to sign in again.{}", said(excerpt))]
    SignIn { status: u16, excerpt: String },
    #[error("The server answered HTTP {status} with {kind} instead of Prometheus JSON; is the URL right? It starts: {excerpt}")]
    NotJson { status: u16, kind: &'static str, excerpt: String },
    #[error("The server answered HTTP {status} with an empty body; the datasource or a proxy in front of it may be down or misconfigured. Check the datasource URL and try again.")]
    EmptyBody { status: u16 },
    #[error("The answer stopped in the middle of the JSON (HTTP {status}, {bytes} bytes received); the connection dropped or a proxy cut it short. Try again, or narrow the query so the answer is smaller.")]
    Truncated { status: u16, bytes: usize },
    #[error("The server answered HTTP {status} with JSON that is not a Prometheus API answer ({detail}); check that the datasource URL points at the Prometheus API, without /api/v1 at the end.")]
    WrongShape { status: u16, detail: String },
    #[error("The query returned {count} series, more than the {max} Napkin draws without freezing the browser. Aggregate it, for example sum by (service) (...), or keep the largest with topk(10, ...).")]
    TooManySeries { count: usize, max: usize },
    #[error("The query returned {count} samples, more than the {max} Napkin draws without freezing the browser. Choose a shorter time range, aggregate with sum by (...), or keep the largest series with topk(10, ...).")]
    TooManySamples { count: usize, max: usize },
}

fn said(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(" It said: {excerpt}")
    }
}

impl PromError {
    /// Maps a `status: "error"` envelope to an error by its `errorType`. Unknown types
    /// (VictoriaMetrics, for one, may send the HTTP code there) keep the type and status.
    pub fn from_envelope(status: u16, error_type: Option<&str>, message: Option<&str>) -> Self {
        let message = clean_message(message.unwrap_or("no message"));
        match error_type.unwrap_or("") {
            "bad_data" => PromError::BadData { message },
            "execution" => PromError::Execution { message },
            "timeout" => PromError::Timeout { message },
            "canceled" => PromError::Canceled { message },
            "internal" => PromError::Internal { message },
            "not_found" => PromError::NotFound { message },
            "unavailable" => PromError::Unavailable { message },
            "" => PromError::Other { status, error_type: "unknown".into(), message },
            other => PromError::Other { status, error_type: clean_message(other), message },
        }
    }
}

/// Removes control characters, collapses runs of whitespace and caps the length, adding
/// `…` when something was cut.
fn tidy(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            continue;
        }
        if count + usize::from(pending_space) + 1 > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// A server error message ready to quote.
pub fn clean_message(text: &str) -> String {
    tidy(text, MESSAGE_CHARS)
}

/// The start of a non-JSON body ready to quote: decoded leniently, HTML tags, comments and
/// the contents of `<script>`/`<style>` removed, control characters dropped, whitespace
/// collapsed, and at most [`EXCERPT_CHARS`] characters.
pub fn body_excerpt(body: &[u8]) -> String {
    // Only the first few kilobytes matter for an excerpt.
    let head = &body[..body.len().min(16 * 1024)];
    let text = String::from_utf8_lossy(head);
    let mut visible = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(open) = rest.find('<') {
        visible.push_str(&rest[..open]);
        visible.push(' ');
        let tag = &rest[open..];
        let lower: String = tag.chars().take(8).collect::<String>().to_ascii_lowercase();
        let skip_to = if lower.starts_with("<!--") {
            tag.find("-->").map(|i| i + 3)
        } else if lower.starts_with("<script") || lower.starts_with("<style") {
            let closing = if lower.starts_with("<script") { "</script" } else { "</style" };
            tag.to_ascii_lowercase().find(closing).and_then(|i| tag[i..].find('>').map(|j| i + j + 1))
        } else {
            tag.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &tag[n..],
            None => {
                rest = "";
            }
        }
    }
    visible.push_str(rest);
    tidy(&visible, EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn excerpts_strip_tags_and_control_characters() {
        let cases: &[(&str, &str)] = &[
            (
                "<html><head><title>502 Bad Gateway</title><style>body{x:y}</style></head>\r\n<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>",
                "502 Bad Gateway 502 Bad Gateway nginx",
            ),
            ("<!-- a comment --><p>hi\u{7}\tthere</p>", "hi there"),
            ("<script>alert('x')</script>Sign in", "Sign in"),
            ("404 page not found\n", "404 page not found"),
            ("<unclosed", ""),
        ];
        for (body, expected) in cases {
            check(body, body_excerpt(body.as_bytes()), expected.to_string());
        }
        let long = "x".repeat(500);
        check("long", body_excerpt(long.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn sign_in_mentions_what_the_server_said_only_when_it_said_something() {
        let quiet = PromError::SignIn { status: 401, excerpt: String::new() }.to_string();
        assert!(quiet.ends_with("Reload the page to sign in again."), "{quiet}");
        let chatty = PromError::SignIn { status: 401, excerpt: "no org id".into() }.to_string();
        assert!(chatty.ends_with("It said: no org id"), "{chatty}");
    }
}

//! The hard failures of trace decoding: bodies that hold no trace data at all. Everything
//! less serious (a span with a bad id, an unknown enum) is a warning beside the value.
//!
//! Each message says what came back and what to check, because the person reading it is
//! usually configuring a datasource URL. This module must never decide what is recoverable;
//! the parsers do.

use thiserror::Error;

/// Why a body could not be read as traces (or as a list the trace UI needs).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TraceError {
    #[error("the response is empty; check the datasource URL and that the backend is running")]
    Empty,
    #[error("an HTML page came back instead of JSON; the URL probably points at a web UI, a proxy error page or a sign-in page rather than the API")]
    Html,
    #[error("the response is not JSON ({detail}); it starts with \"{start}\"")]
    NotJson { detail: String, start: String },
    #[error("the JSON is not a trace format Napkin knows ({found}); expected Jaeger (`data`), api_v3 (`result`), Tempo (`batches`, `trace`), OTLP (`resourceSpans`) or a Zipkin span list")]
    WrongShape { found: String },
    #[error("the {format} JSON is damaged: {detail}")]
    Malformed { format: &'static str, detail: String },
    #[error("the backend answered with an error: {0}")]
    Backend(String),
}

/// The first characters of a body, for messages about bodies that are not what we expect.
pub(crate) fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let line: String = text.chars().filter(|c| !c.is_control()).take(60).collect();
    line.trim().to_string()
}

/// Classifies a body before any JSON parsing: empty, HTML, or the trimmed bytes to parse.
pub(crate) fn precheck(body: &[u8]) -> Result<&[u8], TraceError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).ok_or(TraceError::Empty)?;
    let trimmed = &body[start..];
    let head = String::from_utf8_lossy(&trimmed[..trimmed.len().min(64)]).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with('<') {
        return Err(TraceError::Html);
    }
    if !matches!(trimmed[0], b'{' | b'[') {
        // Tempo and proxies answer errors in plain text; a short text body is their message.
        if trimmed.len() <= 512 {
            if let Ok(text) = std::str::from_utf8(trimmed) {
                return Err(TraceError::Backend(text.trim().to_string()));
            }
        }
        return Err(TraceError::NotJson {
            detail: "it does not start with { or [".to_string(),
            start: body_start(trimmed),
        });
    }
    Ok(trimmed)
}

/// Turns a serde error on a body that passed [`precheck`] into the right variant: a syntax
/// error means the body is not JSON (or was cut off), anything else a damaged format.
pub(crate) fn from_serde(format: &'static str, err: &serde_json::Error, body: &[u8]) -> TraceError {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Io => TraceError::NotJson { detail: err.to_string(), start: body_start(body) },
        Category::Eof => TraceError::Malformed { format, detail: format!("the body ends early, probably cut off ({err})") },
        Category::Data => TraceError::Malformed { format, detail: err.to_string() },
    }
}

//! Reads the Prometheus envelope around any answer: decides from the HTTP status, the
//! content type and the bytes whether the call succeeded, and collects `warnings`,
//! `infos` and partial-response flags as notices.
//!
//! This module must never interpret `data` beyond handing it to serde as the caller's
//! type, and must never turn a warning into an error.

use crate::core::prom::error::{body_excerpt, PromError};
use crate::core::prom::wire::{Envelope, Head};
use serde::de::{DeserializeOwned, IgnoredAny};

/// The data of a successful answer and the notices that came with it.
#[derive(Debug)]
pub struct Success<T> {
    pub data: Option<T>,
    pub notices: Vec<String>,
}

/// True for the answers a sign-in proxy gives: 401 and 403.
fn is_auth(status: u16) -> bool {
    status == 401 || status == 403
}

/// True when the body is HTML by its content type or its first character.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let by_type = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    by_type || body.trim_ascii_start().first() == Some(&b'<')
}

/// A heuristic for the login page an SSO proxy serves with HTTP 200 after a redirect:
/// HTML with a password field or a sign-in phrase near the start.
fn looks_like_login_page(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]).to_ascii_lowercase();
    ["type=\"password\"", "type='password'", "sign in", "sign-in", "log in", "login"]
        .iter()
        .any(|needle| head.contains(needle))
}

/// Decodes an answer whose `data` has type `T`. Serde reads the bytes once on the happy
/// path; only a failure reads them again to find out what went wrong.
pub fn decode<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Success<T>, PromError> {
    if body.trim_ascii().is_empty() {
        return Err(if is_auth(status) {
            PromError::SignIn { status, excerpt: String::new() }
        } else {
            PromError::EmptyBody { status }
        });
    }
    if is_html(content_type, body) {
        return Err(if is_auth(status) || looks_like_login_page(body) {
            PromError::SignIn { status, excerpt: body_excerpt(body) }
        } else {
            PromError::NotJson { status, kind: "HTML", excerpt: body_excerpt(body) }
        });
    }
    match serde_json::from_slice::<Envelope<T>>(body) {
        Ok(envelope) => from_envelope(status, envelope),
        Err(e) => Err(diagnose(status, body, e)),
    }
}

fn from_envelope<T>(status: u16, envelope: Envelope<T>) -> Result<Success<T>, PromError> {
    match envelope.status.as_str() {
        "success" => {
            let mut notices = Vec::new();
            for w in envelope.warnings.unwrap_or_default() {
                notices.push(format!("Prometheus warning: {}", w.trim()));
            }
            for i in envelope.infos.unwrap_or_default() {
                notices.push(format!("Prometheus info: {}", i.trim()));
            }
            if envelope.is_partial == Some(true) {
                notices.push(
                    "The answer is partial: some storage nodes did not respond, so data may be missing."
                        .to_string(),
                );
            }
            Ok(Success { data: envelope.data, notices })
        }
        "error" => Err(PromError::from_envelope(status, envelope.error_type.as_deref(), envelope.error.as_deref())),
        other => Err(wrong_status(status, other)),
    }
}

fn wrong_status(status: u16, value: &str) -> PromError {
    if is_auth(status) {
        return PromError::SignIn { status, excerpt: String::new() };
    }
    PromError::WrongShape { status, detail: format!("its status is \"{}\", not success or error", body_excerpt(value.as_bytes())) }
}

/// Explains why the bytes did not decode as an envelope with data of the expected type.
fn diagnose(status: u16, body: &[u8], error: serde_json::Error) -> PromError {
    if error.is_eof() {
        return PromError::Truncated { status, bytes: body.len() };
    }
    if let Ok(head) = serde_json::from_slice::<Head>(body) {
        match head.status.as_deref() {
            Some("error") => {
                return PromError::from_envelope(status, head.error_type.as_deref(), head.error.as_deref())
            }
            Some("success") => {
                return PromError::WrongShape { status, detail: format!("its data does not fit: {error}") }
            }
            _ => {}
        }
    }
    if is_auth(status) {
        return PromError::SignIn { status, excerpt: body_excerpt(body) };
    }
    let first = body.trim_ascii_start().first().copied();
    if serde_json::from_slice::<IgnoredAny>(body).is_ok() {
        return PromError::WrongShape { status, detail: "it has no \"status\" of success or error".into() };
    }
    if matches!(first, Some(b'{' | b'[')) {
        return PromError::WrongShape { status, detail: format!("the JSON is malformed: {error}") };
    }
    PromError::NotJson { status, kind: "text", excerpt: body_excerpt(body) }
}

//! Decoder for Gatus `/api/v1/endpoints/statuses` (a list of endpoints) and
//! `/api/v1/endpoints/{key}/statuses` (one endpoint): each endpoint is one cell, judged by
//! its newest result's `success`, with failed conditions as the reason.
//!
//! Results are oldest first; durations are Go nanoseconds. This file must never apply HTTP
//! rules and never trust a result it cannot read (that is Unknown, not Ok).

use serde_json::{Map, Value};

use super::assemble::Decoded;
use super::error::BodyError;
use super::json::{as_text, field, text_field, time_field};
use super::model::{reason, Check, Format};
use super::state::HealthState;

/// Whether a value looks like Gatus: an endpoint object, or an array of them, with `results`.
pub fn looks_like(value: &Value) -> bool {
    let is_endpoint = |v: &Value| {
        v.as_object()
            .is_some_and(|o| matches!(field(o, &["results"]), Some(Value::Array(_))))
    };
    match value {
        Value::Array(items) => items.iter().any(is_endpoint),
        other => is_endpoint(other),
    }
}

/// Decodes one endpoint or a list of endpoints.
pub fn decode(value: &Value) -> Result<Decoded, BodyError> {
    let endpoints: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![value],
        _ => {
            return Err(BodyError::UnknownShape(
                "Gatus statuses are a JSON array of endpoints".into(),
            ))
        }
    };
    let mut out = Decoded::new(Format::Gatus);
    for (i, ep) in endpoints.into_iter().enumerate() {
        let Some(obj) = ep.as_object() else {
            out.warnings
                .push(format!("endpoint {} is not an object; skipped", i + 1));
            continue;
        };
        out.checks.push(endpoint(obj, i, &mut out.warnings));
    }
    Ok(out)
}

fn endpoint(obj: &Map<String, Value>, index: usize, warnings: &mut Vec<String>) -> Check {
    let name = text_field(obj, &["name", "key"])
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", index + 1));
    let group = text_field(obj, &["group"])
        .filter(|g| !g.is_empty())
        .map(str::to_string);
    let newest = match field(obj, &["results"]) {
        Some(Value::Array(results)) => results.last().and_then(Value::as_object),
        _ => None,
    };
    let mut check = match newest {
        None => Check::new(name.clone(), HealthState::Unknown, "").with_reason(reason::NO_RESULTS),
        Some(r) => result_check(&name, r, warnings),
    };
    check.group = group;
    check
}

fn result_check(name: &str, r: &Map<String, Value>, warnings: &mut Vec<String>) -> Check {
    let mut check = match field(r, &["success"]).and_then(Value::as_bool) {
        Some(true) => Check::new(name, HealthState::Ok, "success"),
        Some(false) => {
            Check::new(name, HealthState::Fail, "failure").with_reason(failure_reason(r))
        }
        None => {
            warnings.push(format!(
                "endpoint \"{name}\": the newest result has no \"success\"; shown as unknown"
            ));
            Check::new(name, HealthState::Unknown, "").with_reason(reason::NO_STATUS)
        }
    };
    check.observed_at_ms = time_field(r, &["timestamp"], &format!("endpoint \"{name}\""), warnings);
    if let Some(code) = field(r, &["status"]) {
        check.details.push(("http_status".into(), as_text(code)));
    }
    if let Some(host) = text_field(r, &["hostname"]) {
        check.details.push(("hostname".into(), host.to_string()));
    }
    if let Some(ns) = field(r, &["duration"]).and_then(Value::as_f64) {
        check.details.push((
            "duration_ms".into(),
            format!("{}", (ns / 1e6 * 10.0).round() / 10.0),
        ));
    }
    if let Some(Value::Array(errors)) = field(r, &["errors"]) {
        if !errors.is_empty() {
            check.details.push((
                "errors".into(),
                errors.iter().map(as_text).collect::<Vec<_>>().join("; "),
            ));
        }
    }
    check
}

/// The failed conditions, or the errors, or plain `failed`.
fn failure_reason(r: &Map<String, Value>) -> String {
    let failed: Vec<String> = match field(r, &["conditionResults"]) {
        Some(Value::Array(cs)) => cs
            .iter()
            .filter_map(Value::as_object)
            .filter(|c| field(c, &["success"]).and_then(Value::as_bool) == Some(false))
            .filter_map(|c| text_field(c, &["condition"]).map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    if !failed.is_empty() {
        return failed.join("; ");
    }
    match field(r, &["errors"]) {
        Some(Value::Array(errors)) if !errors.is_empty() => {
            errors.iter().map(as_text).collect::<Vec<_>>().join("; ")
        }
        _ => "failed".into(),
    }
}

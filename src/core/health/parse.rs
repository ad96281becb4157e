//! The entry point: one HTTP answer in, one normalised `ProbeResult` out. It picks the
//! format (the deployer's hint first, else detection from the body and content type),
//! runs that decoder and hands the outcome to `assemble`.
//!
//! It never panics and never errors: an unreadable answer becomes an Unknown cell (or Fail,
//! when the HTTP code says so) with a readable warning. It must never read a clock or do IO.

use serde_json::Value;

use super::assemble::{assemble, Decoded, Top};
use super::error::BodyError;
use super::model::{reason, Format, ProbeResult};
use super::state::HealthState;
use super::transport::http_verdict;
use super::{gatus, ietf, k8s, list, spring};

/// Parses one health answer. `http_status` is `None` when no code is known; `format_hint`
/// is the endpoint's `format` from `datasources.json`, if any.
pub fn parse(
    service: &str,
    http_status: Option<u16>,
    content_type: Option<&str>,
    body: &[u8],
    format_hint: Option<&str>,
) -> ProbeResult {
    let mut warnings = Vec::new();
    let hint = match format_hint.map(str::trim).filter(|h| !h.is_empty()) {
        None => None,
        Some(h) => {
            let f = Format::from_hint(h);
            if f.is_none() {
                warnings.push(format!(
                    "{service}: the format \"{h}\" is not known (use list, ietf, spring, kubernetes, gatus, http or prometheus); the format was detected instead"
                ));
            }
            f
        }
    };
    // A Prometheus instant query (`up`, `probe_success`) as the endpoint: each series is a
    // check, 1 ok, 0 fail; an error answer or no series is never green.
    if hint == Some(Format::Prometheus) {
        return match crate::core::prom::parse_query(http_status.unwrap_or(0), content_type, body) {
            Ok(answer) => {
                let mut probe = super::prometheus::probe_from_frame(service, &answer.frame);
                probe.http_status = http_status;
                probe.warnings.extend(warnings);
                probe
            }
            Err(e) => {
                let mut probe = super::prometheus::probe_from_frame(service, &crate::core::frame::Frame::default());
                probe.http_status = http_status;
                probe.warnings.push(format!("{service}: the Prometheus query failed: {e}"));
                probe
            }
        };
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let decoded = match decode(http_status, &ct, body, hint, service, &mut warnings) {
        Ok(d) => d,
        Err(e) => unreadable(&e),
    };
    assemble(service, http_status, decoded, warnings)
}

/// The stand-in for a body that could not be read: Unknown with the error's reason.
fn unreadable(e: &BodyError) -> Decoded {
    let mut d = Decoded::new(Format::Unrecognised);
    d.top = Some(Top::new(HealthState::Unknown, "", Some(e.reason().into())));
    d.warnings.push(e.to_string());
    d
}

/// The verdict of the HTTP code alone, for the `http` format and plain-text bodies.
fn http_only(http_status: Option<u16>) -> Decoded {
    let mut d = Decoded::new(Format::Http);
    d.top = Some(match http_status {
        Some(code) => {
            let (state, why) = http_verdict(code);
            Top::new(state, format!("HTTP {code}"), why)
        }
        None => Top::new(
            HealthState::Unknown,
            "",
            Some(reason::NO_HTTP_STATUS.into()),
        ),
    });
    d
}

fn decode(
    http_status: Option<u16>,
    ct: &str,
    body: &[u8],
    hint: Option<Format>,
    service: &str,
    warnings: &mut Vec<String>,
) -> Result<Decoded, BodyError> {
    if hint == Some(Format::Http) {
        return Ok(http_only(http_status));
    }
    let text = std::str::from_utf8(body).map_err(|_| BodyError::Binary)?;
    if text.contains('\0') {
        return Err(BodyError::Binary);
    }
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(BodyError::Empty);
    }
    if let Some(f) = hint {
        match decode_as(f, text) {
            Ok(d) => return Ok(d),
            Err(e) => warnings.push(format!(
                "{service}: the endpoint is configured as {} but {e}; the format was detected instead",
                f.as_str()
            )),
        }
    }
    detect(http_status, ct, text)
}

/// Decodes with one named format.
fn decode_as(f: Format, text: &str) -> Result<Decoded, BodyError> {
    let json =
        || serde_json::from_str::<Value>(text).map_err(|e| BodyError::NotJson(e.to_string()));
    match f {
        Format::List => list::decode(&json()?),
        Format::Ietf => ietf::decode(&json()?),
        Format::Spring => spring::decode(&json()?),
        Format::Gatus => gatus::decode(&json()?),
        Format::Kubernetes => k8s::decode(text),
        other => Err(BodyError::UnknownShape(format!(
            "{} is not a body format",
            other.as_str()
        ))),
    }
}

/// Picks the format from the body and content type.
fn detect(http_status: Option<u16>, ct: &str, text: &str) -> Result<Decoded, BodyError> {
    if ct.contains("html") || text.starts_with('<') {
        return Err(BodyError::Html);
    }
    // Kubernetes lines start with `[+]` or `[-]`, so they are tried before JSON arrays.
    if k8s::looks_like(text) || text.eq_ignore_ascii_case("ok") {
        return k8s::decode(text);
    }
    if ct.contains("json") || text.starts_with('{') || text.starts_with('[') {
        let value: Value =
            serde_json::from_str(text).map_err(|e| BodyError::NotJson(e.to_string()))?;
        return detect_json(&value, ct);
    }
    // A plain-text answer (Prometheus `/-/healthy`, Tempo `/ready`): only the code counts.
    Ok(http_only(http_status))
}

/// Picks the JSON format from the shape of the value.
fn detect_json(value: &Value, ct: &str) -> Result<Decoded, BodyError> {
    if gatus::looks_like(value) {
        return gatus::decode(value);
    }
    match value {
        Value::Array(_) => list::decode(value),
        Value::Object(obj) => {
            let has = |k: &str| obj.keys().any(|key| key.eq_ignore_ascii_case(k));
            let status = obj
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            let ietf_word = status
                .as_deref()
                .is_some_and(|s| matches!(s, "pass" | "warn" | "fail"));
            if has("checks") || ct.contains("health+json") || (ietf_word && !has("components")) {
                ietf::decode(value)
            } else if has("components") || has("details") || status.is_some() {
                spring::decode(value)
            } else {
                Err(BodyError::UnknownShape(
                    "a JSON object without a \"status\" field".into(),
                ))
            }
        }
        other => Err(BodyError::UnknownShape(format!(
            "a bare JSON value ({other})"
        ))),
    }
}

#[cfg(test)]
mod prometheus_endpoint_tests {
    use super::*;

    #[test]
    fn an_instant_up_query_is_a_health_source() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","job":"billing","instance":"10.0.0.1:8080"},"value":[1718000000,"1"]},
            {"metric":{"__name__":"up","job":"billing","instance":"10.0.0.2:8080"},"value":[1718000000,"0"]}]}}"#;
        let p = parse("billing", Some(200), Some("application/json"), body, Some("prometheus"));
        assert_eq!(p.checks.len(), 2, "{p:?}");
        assert_eq!(p.overall, HealthState::Fail);
        assert!(p.checks.iter().any(|c| c.state == HealthState::Ok));
    }

    #[test]
    fn a_failed_or_empty_query_is_never_green() {
        let empty = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(parse("x", Some(200), None, empty, Some("prometheus")).overall, HealthState::Unknown);
        let error = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        let p = parse("x", Some(400), None, error, Some("prometheus"));
        assert_eq!(p.overall, HealthState::Unknown);
        assert!(p.warnings.iter().any(|w| w.contains("parse error")), "{:?}", p.warnings);
    }
}

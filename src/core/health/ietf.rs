//! Decoder for IETF `application/health+json` (draft-inadarei-api-health-check-06): a
//! top-level `status` and a `checks` map from `"component:measurement"` to an array with
//! one entry per node.
//!
//! An entry without a status inherits the service's status (the service vouches for it).
//! A `checks` value that is an object instead of an array is read as one entry. This file
//! must never apply HTTP rules and never fail on a half-understood shape.

use serde_json::{Map, Value};

use super::assemble::{Decoded, Top};
use super::error::BodyError;
use super::json::{as_text, details, field, text_field, time_field};
use super::model::{reason, Check, Format};
use super::state::HealthState;
use super::words::meaning;

/// Fields of a check entry that are read into the check itself rather than its details.
const ENTRY_FIELDS: [&str; 3] = ["status", "time", "links"];

/// Decodes an IETF health object.
pub fn decode(value: &Value) -> Result<Decoded, BodyError> {
    let Value::Object(obj) = value else {
        return Err(BodyError::UnknownShape(
            "health+json is a JSON object".into(),
        ));
    };
    let mut out = Decoded::new(Format::Ietf);
    out.top = Some(top(obj, &mut out.warnings));
    let inherited = out.top.as_ref().map(|t| (t.state, t.raw.clone()));
    match field(obj, &["checks"]) {
        None => {}
        Some(Value::Object(checks)) => {
            for (key, entries) in checks {
                let entries: Vec<&Value> = match entries {
                    Value::Array(items) => items.iter().collect(),
                    single @ Value::Object(_) => {
                        out.warnings.push(format!("check \"{key}\" is an object, not an array of entries; read as one entry"));
                        vec![single]
                    }
                    other => {
                        out.warnings.push(format!(
                            "check \"{key}\" is {other}, not an array of entries; skipped"
                        ));
                        continue;
                    }
                };
                let many = entries.len() > 1;
                for (i, entry) in entries.into_iter().enumerate() {
                    let Some(e) = entry.as_object() else {
                        out.warnings.push(format!(
                            "check \"{key}\" entry {} is not an object; skipped",
                            i + 1
                        ));
                        continue;
                    };
                    out.checks.push(entry_check(
                        key,
                        e,
                        i,
                        many,
                        inherited.clone(),
                        &mut out.warnings,
                    ));
                }
            }
        }
        Some(other) => out
            .warnings
            .push(format!("\"checks\" is {other}, not an object; ignored")),
    }
    Ok(out)
}

/// The service's own status.
fn top(obj: &Map<String, Value>, warnings: &mut Vec<String>) -> Top {
    let mut t = match text_field(obj, &["status"]) {
        Some(raw) => {
            let m = meaning(raw);
            if !m.recognised {
                warnings.push(format!(
                    "the service status \"{raw}\" is not a known word; shown as unknown"
                ));
            }
            Top::new(m.state, raw, m.reason)
        }
        None => {
            warnings.push("the health+json body has no \"status\", which the draft requires; shown as unknown".into());
            Top::new(HealthState::Unknown, "", Some(reason::NO_STATUS.into()))
        }
    };
    for key in [
        "output",
        "notes",
        "description",
        "version",
        "releaseId",
        "serviceId",
    ] {
        if let Some(v) = field(obj, &[key]) {
            t.details.push((key.to_string(), as_text(v)));
        }
    }
    t
}

/// One entry of `checks[key]`.
fn entry_check(
    key: &str,
    e: &Map<String, Value>,
    index: usize,
    many: bool,
    inherited: Option<(HealthState, String)>,
    warnings: &mut Vec<String>,
) -> Check {
    let node = text_field(e, &["componentId"])
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", index + 1));
    let name = if many {
        format!("{key} [{node}]")
    } else {
        key.to_string()
    };
    let mut check = match text_field(e, &["status"]) {
        Some(raw) => {
            let m = meaning(raw);
            if !m.recognised {
                warnings.push(format!(
                    "check \"{name}\": status \"{raw}\" is not a known word; shown as unknown"
                ));
            }
            let mut c = Check::new(name.clone(), m.state, raw);
            c.reason = m.reason;
            c
        }
        None => {
            let (state, raw) = inherited.unwrap_or((HealthState::Unknown, String::new()));
            let mut c = Check::new(name.clone(), state, raw);
            c.details
                .push(("status".into(), "inherited from the service".into()));
            c
        }
    };
    check.observed_at_ms = time_field(e, &["time"], &format!("check \"{name}\""), warnings);
    check.details.extend(details(e, &ENTRY_FIELDS));
    check.group = if many {
        Some(key.to_string())
    } else {
        key.split_once(':')
            .map(|(component, _)| component.to_string())
    };
    check
}

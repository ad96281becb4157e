//! Decoder for the simple list format from the talk:
//! `[{"Name":"myDB","Status":"TIMEOUT","StatusTime":"2019-07-19T09:27:56.45Z"}, ...]`.
//!
//! Field names are matched ignoring case; entries without a name or status are kept with a
//! warning, non-objects are skipped with a warning. This file must never apply HTTP rules
//! (that is `assemble.rs`) and never fail on a shape it half understands.

use serde_json::Value;

use super::assemble::Decoded;
use super::error::BodyError;
use super::json::{details, field, text_field, time_field};
use super::model::{reason, Check, Format};
use super::state::HealthState;
use super::words::meaning;

const NAME: [&str; 4] = ["Name", "name", "Component", "Dependency"];
const STATUS: [&str; 3] = ["Status", "status", "State"];
const TIME: [&str; 4] = ["StatusTime", "status_time", "time", "timestamp"];

/// Whether an array looks like the list format: some element has a name or a status.
pub fn looks_like(items: &[Value]) -> bool {
    items
        .iter()
        .filter_map(Value::as_object)
        .any(|o| field(o, &NAME).is_some() || field(o, &STATUS).is_some())
}

/// Decodes the list. An empty list decodes to no checks (the caller makes that Unknown).
pub fn decode(value: &Value) -> Result<Decoded, BodyError> {
    let Value::Array(items) = value else {
        return Err(BodyError::UnknownShape(
            "the list format is a JSON array".into(),
        ));
    };
    if !items.is_empty() && !looks_like(items) {
        return Err(BodyError::UnknownShape(
            "a JSON array whose entries have neither \"Name\" nor \"Status\"".into(),
        ));
    }
    let mut out = Decoded::new(Format::List);
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            out.warnings.push(format!(
                "list entry {} is not an object and was skipped",
                i + 1
            ));
            continue;
        };
        let name = match text_field(obj, &NAME) {
            Some(n) if !n.trim().is_empty() => n.trim().to_string(),
            _ => {
                out.warnings.push(format!(
                    "list entry {} has no \"Name\"; it is shown as \"#{}\"",
                    i + 1,
                    i + 1
                ));
                format!("#{}", i + 1)
            }
        };
        let mut check = match field(obj, &STATUS) {
            Some(Value::String(raw)) => {
                let m = meaning(raw);
                if !m.recognised {
                    out.warnings.push(format!(
                        "check \"{name}\": status \"{raw}\" is not a known word; shown as unknown"
                    ));
                }
                let mut c = Check::new(name.clone(), m.state, raw.clone());
                c.reason = m.reason;
                c
            }
            other => {
                out.warnings.push(format!(
                    "check \"{name}\" has no status word; shown as unknown"
                ));
                let raw = other.map(|v| v.to_string()).unwrap_or_default();
                Check::new(name.clone(), HealthState::Unknown, raw).with_reason(reason::NO_STATUS)
            }
        };
        check.observed_at_ms =
            time_field(obj, &TIME, &format!("check \"{name}\""), &mut out.warnings);
        let mut skip: Vec<&str> = NAME.to_vec();
        skip.extend(STATUS);
        skip.extend(TIME);
        check.details = details(obj, &skip);
        out.checks.push(check);
    }
    Ok(out)
}

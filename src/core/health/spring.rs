//! Decoder for Spring Boot actuator `/actuator/health`: a top-level `status` (UP, DOWN,
//! OUT_OF_SERVICE, UNKNOWN or a custom code) and nested `components`, or the Spring Boot
//! 2.0–2.1 nesting under `details`.
//!
//! Composite contributors become one cell per leaf, named by their path (`db/primary`) and
//! grouped under their top-level component. This file must never apply HTTP rules and never
//! recurse without bound.

use serde_json::{Map, Value};

use super::assemble::{Decoded, Top};
use super::error::BodyError;
use super::json::{details, field, text_field};
use super::model::{reason, Check, Format};
use super::state::HealthState;
use super::words::meaning;

/// The deepest nesting followed; deeper contributors are summarised by their parent.
const MAX_DEPTH: usize = 8;

/// Decodes an actuator health object.
pub fn decode(value: &Value) -> Result<Decoded, BodyError> {
    let Value::Object(obj) = value else {
        return Err(BodyError::UnknownShape(
            "actuator health is a JSON object".into(),
        ));
    };
    let mut out = Decoded::new(Format::Spring);
    let (state, raw, why) = status(obj, "the service", &mut out.warnings);
    out.top = Some(Top::new(state, raw, why));
    if let Some(children) = children(obj) {
        for (name, child) in children {
            walk(name, None, child, 1, &mut out);
        }
    }
    Ok(out)
}

/// The nested contributors of a node: `components`, or old-style `details` whose values are
/// themselves contributors (objects with a string `status`).
fn children(obj: &Map<String, Value>) -> Option<&Map<String, Value>> {
    if let Some(Value::Object(c)) = field(obj, &["components"]) {
        return Some(c);
    }
    match field(obj, &["details"]) {
        Some(Value::Object(d)) if !d.is_empty() && d.values().all(is_contributor) => Some(d),
        _ => None,
    }
}

fn is_contributor(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| matches!(field(o, &["status"]), Some(Value::String(_))))
}

/// A node's status word, its state and reason.
fn status(
    obj: &Map<String, Value>,
    what: &str,
    warnings: &mut Vec<String>,
) -> (HealthState, String, Option<String>) {
    match text_field(obj, &["status"]) {
        Some(raw) => {
            let m = meaning(raw);
            if !m.recognised {
                warnings.push(format!("{what}: status \"{raw}\" is not a known word; shown as unknown (custom codes such as FATAL need a mapping)"));
            }
            (m.state, raw.to_string(), m.reason)
        }
        None => {
            warnings.push(format!("{what} has no \"status\"; shown as unknown"));
            (
                HealthState::Unknown,
                String::new(),
                Some(reason::NO_STATUS.into()),
            )
        }
    }
}

/// Adds the leaves under one contributor.
fn walk(path: &str, group: Option<&str>, node: &Value, depth: usize, out: &mut Decoded) {
    let Some(obj) = node.as_object() else {
        out.warnings
            .push(format!("component \"{path}\" is not an object; skipped"));
        return;
    };
    let nested = children(obj).filter(|_| depth < MAX_DEPTH);
    if let Some(kids) = nested.filter(|k| !k.is_empty()) {
        let group = group.unwrap_or(path);
        for (name, child) in kids {
            walk(
                &format!("{path}/{name}"),
                Some(group),
                child,
                depth + 1,
                out,
            );
        }
        return;
    }
    let (state, raw, why) = status(obj, &format!("component \"{path}\""), &mut out.warnings);
    let mut check = Check::new(path, state, raw);
    check.reason = why;
    check.group = group.map(str::to_string);
    if let Some(Value::Object(d)) = field(obj, &["details"]) {
        check.details = details(d, &[]);
    }
    out.checks.push(check);
}

//! Small tolerant helpers the JSON decoders share: case-insensitive field lookup, values
//! as readable text, details flattening and RFC 3339 times with a warning on failure.
//!
//! This file must never decide a health state.

use serde_json::{Map, Value};

use crate::core::time::parse_rfc3339;

/// The most detail pairs kept per check.
pub const MAX_DETAILS: usize = 20;

/// The longest detail value kept, in characters.
const MAX_TEXT: usize = 200;

/// The first field whose name matches one of `names`, ignoring case.
pub fn field<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| {
        obj.get(*n).or_else(|| {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v)
        })
    })
}

/// A string field, if present and a string.
pub fn text_field<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<&'a str> {
    field(obj, names).and_then(Value::as_str)
}

/// Any JSON value as short readable text: strings as is, everything else as compact JSON.
pub fn as_text(value: &Value) -> String {
    let s = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > MAX_TEXT {
        let cut: String = s.chars().take(MAX_TEXT).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Every field of `obj` except those named in `skip` (ignoring case), as readable pairs.
pub fn details(obj: &Map<String, Value>, skip: &[&str]) -> Vec<(String, String)> {
    obj.iter()
        .filter(|(k, _)| !skip.iter().any(|s| k.eq_ignore_ascii_case(s)))
        .take(MAX_DETAILS)
        .map(|(k, v)| (k.clone(), as_text(v)))
        .collect()
}

/// Reads an RFC 3339 time field; an unreadable one is dropped with a warning.
pub fn time_field(
    obj: &Map<String, Value>,
    names: &[&str],
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<i64> {
    let raw = field(obj, names)?;
    let parsed = raw
        .as_str()
        .ok_or_else(|| format!("it is {raw}, not a string"))
        .and_then(|s| parse_rfc3339(s).map_err(|e| e.to_string()));
    match parsed {
        Ok(ms) => Some(ms),
        Err(e) => {
            warnings.push(format!("{what}: its time was ignored because {e}"));
            None
        }
    }
}

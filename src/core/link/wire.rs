//! The compact JSON wire form used inside share links: the spec JSON with default-valued
//! fields dropped, long keys replaced by short upper-case keys and `kind` values replaced
//! by one-letter codes, so that the compressed link stays short.
//!
//! The tables below are frozen for link format version 1: a link that is out in the world
//! must keep decoding forever, so this file must never change an existing entry. New
//! entries may be added (older Napkins pass unknown keys through unchanged), and any other
//! change needs a new link format version. This file must never drop information: every
//! transformation here is undone exactly by [`expand`].

use serde_json::{Map, Value};

/// Long spec keys and their short link keys. Short keys are upper case, and no spec key is,
/// so a short key can never be mistaken for a long one (a test checks this).
const KEYS: &[(&str, &str)] = &[
    ("version", "V"),
    ("title", "T"),
    ("time", "Z"),
    ("refresh_s", "R"),
    ("as_of_ms", "A"),
    ("panels", "P"),
    ("layout", "G"),
    ("kind", "K"),
    ("spec", "S"),
    ("last_s", "L"),
    ("from_ms", "F"),
    ("to_ms", "E"),
    ("id", "I"),
    ("datasource", "D"),
    ("query", "Q"),
    ("queries", "Y"),
    ("unit", "U"),
    ("reduce", "X"),
    ("thresholds", "H"),
    ("decimals", "C"),
    ("sparkline", "B"),
    ("direction", "O"),
    ("warn", "W"),
    ("fail", "J"),
    ("metric", "M"),
    ("matchers", "N"),
    ("window_s", "WI"),
    ("quantile", "QU"),
    ("label", "LA"),
    ("value", "VA"),
    ("panel", "PA"),
    ("scale", "SC"),
    ("expr", "EX"),
    // Added for incident notes and drill-down trails (issue #6); links without them are
    // unchanged.
    ("notes", "NT"),
    ("at_ms", "AM"),
    ("text", "TX"),
    ("author", "AU"),
    ("trail", "TR"),
    ("drill", "DR"),
];

/// Values of `kind` fields (panel kinds, query kinds, time kinds) and their one-letter codes.
const KINDS: &[(&str, &str)] = &[
    ("kpi", "k"),
    ("timeseries", "t"),
    ("trace_search", "s"),
    ("waterfall", "w"),
    ("health_grid", "h"),
    ("metric", "m"),
    ("ratio", "r"),
    ("promql", "q"),
    ("absolute", "a"),
    ("relative", "l"),
];

/// Fields whose value is the spec's default and that are therefore left out of links.
/// Decoding fills them back in through the spec's own defaults.
const DEFAULTS: &[(&str, &str)] = &[("unit", "none"), ("reduce", "last"), ("op", "=")];

/// Which transformations to apply. The link encoder always uses [`WireOptions::LINK_V1`];
/// the other settings exist so that the tests can measure what each step saves.
#[derive(Debug, Clone, Copy)]
pub struct WireOptions {
    pub strip_defaults: bool,
    pub short_keys: bool,
    pub short_kinds: bool,
}

impl WireOptions {
    /// The settings of link format version 1.
    pub const LINK_V1: WireOptions = WireOptions { strip_defaults: true, short_keys: true, short_kinds: true };
    /// The plain spec JSON, unchanged.
    #[cfg(test)]
    pub const PLAIN: WireOptions = WireOptions { strip_defaults: false, short_keys: false, short_kinds: false };
}

/// Turns spec JSON into the compact wire form.
pub fn compact(value: Value, opts: WireOptions) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if opts.strip_defaults && is_default(&key, &v) {
                    continue;
                }
                let v = match v {
                    Value::String(s) if opts.short_kinds && key == "kind" => Value::String(swap(&s, KINDS, false)),
                    other => compact(other, opts),
                };
                let key = if opts.short_keys { swap(&key, KEYS, false) } else { key };
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| compact(v, opts)).collect()),
        other => other,
    }
}

/// Turns the compact wire form back into spec JSON. Long keys and unknown keys pass through
/// unchanged, so a link written by a newer Napkin with new fields still decodes here.
pub fn expand(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                let key = swap(&key, KEYS, true);
                let v = match v {
                    Value::String(s) if key == "kind" => Value::String(swap(&s, KINDS, true)),
                    other => expand(other),
                };
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(expand).collect()),
        other => other,
    }
}

/// Top-level fields in the order links write them: the most important first, so that a
/// link cut off by a chat tool still has its title and time range. The layout goes before
/// the panels because it is small and keeps recovered panels in their places.
const TOP_ORDER: &[&str] = &["version", "title", "time", "refresh_s", "as_of_ms", "layout", "panels"];

/// Writes a wire value as JSON text with the top-level fields in [`TOP_ORDER`] (any other
/// fields follow). Nested objects keep the serializer's order.
pub fn to_text(value: &Value, opts: WireOptions) -> String {
    let Value::Object(map) = value else {
        return value.to_string();
    };
    let wire_key = |k: &str| if opts.short_keys { swap(k, KEYS, false) } else { k.to_string() };
    let first: Vec<String> = TOP_ORDER.iter().map(|k| wire_key(k)).collect();
    let rest = map.keys().filter(|k| !first.contains(k)).cloned();
    let mut out = String::from("{");
    for key in first.iter().cloned().chain(rest) {
        if let Some(v) = map.get(&key) {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&Value::String(key).to_string());
            out.push(':');
            out.push_str(&v.to_string());
        }
    }
    out.push('}');
    out
}

/// Expands one short key (used for paths reported by the JSON repair).
pub fn expand_key(key: &str) -> String {
    swap(key, KEYS, true)
}

fn is_default(key: &str, value: &Value) -> bool {
    DEFAULTS.iter().any(|(k, d)| *k == key && value.as_str() == Some(d))
}

/// Looks `text` up in a table, long to short (`reverse == false`) or short to long.
fn swap(text: &str, table: &[(&str, &str)], reverse: bool) -> String {
    table
        .iter()
        .find(|(long, short)| if reverse { *short == text } else { *long == text })
        .map(|(long, short)| if reverse { *long } else { *short })
        .unwrap_or(text)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::link::sample;

    #[test]
    fn tables_are_unambiguous() {
        // No short key may equal a long key, and each column must be unique, or a link
        // could expand into something other than what was encoded.
        for table in [KEYS, KINDS] {
            let longs: std::collections::HashSet<_> = table.iter().map(|(l, _)| *l).collect();
            let shorts: std::collections::HashSet<_> = table.iter().map(|(_, s)| *s).collect();
            assert_eq!(longs.len(), table.len());
            assert_eq!(shorts.len(), table.len());
            assert!(longs.is_disjoint(&shorts));
        }
        for (_, short) in KEYS {
            assert!(short.chars().all(|c| c.is_ascii_uppercase()), "{short} must be upper case");
        }
    }

    #[test]
    fn compact_then_expand_gives_back_the_spec_json() {
        for d in [sample::shop_dashboard(), sample::small_dashboard()] {
            let plain = serde_json::to_value(&d).unwrap();
            let back = expand(compact(plain.clone(), WireOptions::LINK_V1));
            let decoded: crate::core::spec::Dashboard = serde_json::from_value(back).unwrap();
            assert_eq!(decoded, d);
        }
    }

    #[test]
    fn no_spec_key_is_upper_case() {
        // The short keys rely on this; a new spec field with an upper-case name would break it.
        fn walk(v: &Value) {
            match v {
                Value::Object(m) => m.iter().for_each(|(k, v)| {
                    assert!(!k.chars().any(|c| c.is_ascii_uppercase()), "spec key {k} has upper case");
                    walk(v)
                }),
                Value::Array(a) => a.iter().for_each(walk),
                _ => {}
            }
        }
        walk(&serde_json::to_value(sample::shop_dashboard()).unwrap());
    }
}

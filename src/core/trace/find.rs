//! Find-in-trace and per-service colours: which spans match a search text, and which palette
//! slot a service gets.
//!
//! Matching is a case-insensitive substring test on the span name, the service, the span id,
//! and attribute keys and values (resource attributes included). `key=value` matches one
//! attribute whose key contains `key` and whose value contains `value`. Colours come from a
//! hash of the service name, so a service keeps its colour across traces and share links.
//! This module must never know about the DOM or CSS; it returns indices.

use crate::core::trace::model::{AttrValue, Attributes, Trace};

/// The indices of the spans matching `query`, in source order. An empty query matches none.
pub fn find_spans(trace: &Trace, query: &str) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let pair = query.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string()));
    let has = |text: &str, needle: &str| text.to_lowercase().contains(needle);
    let attr_match = |attrs: &Attributes| {
        attrs.iter().any(|(k, v)| match &pair {
            Some((key, value)) => has(k, key) && has(&v.display(), value),
            None => has(k, &query) || value_contains(v, &query),
        })
    };
    trace
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            (pair.is_none() && (has(&s.name, &query) || has(&s.service, &query) || s.span_id.to_hex().starts_with(&query)))
                || attr_match(&s.attributes)
                || s.resource.and_then(|r| trace.resources.get(r)).is_some_and(|r| attr_match(&r.attributes))
                || s.events.iter().any(|e| (pair.is_none() && has(&e.name, &query)) || attr_match(&e.attributes))
        })
        .map(|(i, _)| i)
        .collect()
}

fn value_contains(v: &AttrValue, needle: &str) -> bool {
    match v {
        AttrValue::Str(s) => s.to_lowercase().contains(needle),
        other => other.display().to_lowercase().contains(needle),
    }
}

/// The palette slot (0..palette_len) of a service: an FNV-1a hash of its name, so the same
/// service gets the same colour in every trace. Returns 0 for an empty palette.
pub fn service_colour(service: &str, palette_len: usize) -> usize {
    if palette_len == 0 {
        return 0;
    }
    let mut hash: u32 = 0x811c_9dc5;
    for b in service.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % palette_len
}

//! The share-link codec: a whole dashboard lives in the URL fragment, so a link is the
//! dashboard. This file holds the public API and the decoding pipeline; the other files each
//! do one step. It must never panic on any fragment, never do work on a fragment longer
//! than [`MAX_FRAGMENT`], and never let a dashboard in except through
//! [`crate::core::spec::decode_dashboard`].
//!
//! # Link forms
//!
//! * `d=1.<payload>`: the compact share form. `1` is the link format version. The payload
//!   is unpadded URL-safe base64 (`[A-Za-z0-9_-]`) of zlib-compressed compact JSON: the spec
//!   JSON with default fields dropped, short keys and one-letter kinds (see `wire.rs`),
//!   title and time first. zlib's Adler-32 checksum tells a changed link ("corrupted")
//!   from a cut-off one ("truncated"), and a cut-off link still yields its first panels.
//! * `json=<percent-encoded dashboard JSON>`: for scripts and alert templates. Decoding
//!   accepts strict percent-encoding and raw characters alike.
//!
//! # Measured lengths
//!
//! The typical 8-panel dashboard of the tests (4 KPI tiles, 4 time-series charts with
//! structured rate, ratio and quantile queries, thresholds, units, a full layout, an
//! absolute range and an "as of" stamp), whole fragment in characters, as printed by
//! `cargo test --lib core::link::tests::measure_link_lengths -- --nocapture`:
//!
//! | form                                                | chars |
//! |-----------------------------------------------------|------:|
//! | `json=` percent-encoded spec JSON                   |  6470 |
//! | zlib of the spec JSON                               |  1064 |
//! | raw deflate of the spec JSON (no checksum)          |  1056 |
//! | zlib, default fields dropped                        |  1044 |
//! | zlib, defaults dropped, short keys                  |   962 |
//! | zlib, defaults dropped, short keys and kinds (used) |   939 |
//! | the same as raw deflate (no checksum)               |   931 |
//!
//! The spec JSON is 4,189 bytes and the compact JSON 3,131. The checksum costs 8
//! characters, which is worth telling damage from truncation; short keys and kinds save
//! about 100 characters and keep the link under 1,000. A preset deflate dictionary of
//! common keys and values would bring the link to about 650 characters (measured with
//! another zlib), but the deflate crate in use cannot read zlib preset dictionaries, so
//! that would need a framing of our own; it is the obvious candidate for link format 2.

mod compact;
mod error;
mod percent;
mod repair;
#[cfg(test)]
mod sample;
mod wire;

pub use error::LinkError;

use crate::core::spec::{decode_dashboard, Dashboard, Warning};
use compact::Status;
use repair::Seg;
use serde_json::Value;

/// The link format version written by [`encode_share`].
pub const LINK_VERSION: u32 = 1;

/// Longest fragment Napkin looks at (256 KiB); longer ones are refused before any work.
pub const MAX_FRAGMENT: usize = 256 * 1024;

/// Characters that chat tools and sentences leave stuck to the end of a link; they can never
/// be part of a compact payload, so they are dropped with a warning.
const TRAILING_JUNK: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '>', '\'', '"', '*'];

/// What opening a link gave: a dashboard (whole or recovered in part), the warnings from
/// decoding it, and an error when the link was damaged or could not be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkOutcome {
    pub dashboard: Option<Dashboard>,
    pub warnings: Vec<Warning>,
    pub error: Option<LinkError>,
}

impl LinkOutcome {
    fn failed(error: LinkError) -> Self {
        Self { dashboard: None, warnings: Vec::new(), error: Some(error) }
    }
}

/// Encodes a dashboard as a compact share fragment (without `#`), e.g. `d=1.eNq...`.
pub fn encode_share(d: &Dashboard) -> String {
    encode_share_with(d, wire::WireOptions::LINK_V1)
}

fn encode_share_with(d: &Dashboard, opts: wire::WireOptions) -> String {
    let value = wire::compact(serde_json::to_value(d).unwrap_or_default(), opts);
    format!("d={LINK_VERSION}.{}", compact::pack(wire::to_text(&value, opts).as_bytes()))
}

/// Encodes a dashboard as a readable `json=` fragment (without `#`).
pub fn encode_json(d: &Dashboard) -> String {
    format!("json={}", percent::encode(&serde_json::to_string(d).unwrap_or_default()))
}

/// Decodes a URL fragment, with or without its leading `#`. An empty fragment gives no
/// dashboard and no error (the app shows its start page).
pub fn decode_fragment(fragment: &str) -> LinkOutcome {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    if fragment.is_empty() {
        return LinkOutcome::default();
    }
    if fragment.len() > MAX_FRAGMENT {
        return LinkOutcome::failed(LinkError::TooLong { len: fragment.chars().count(), max: MAX_FRAGMENT });
    }
    let chars = fragment.chars().count();
    match fragment.split_once('=') {
        Some(("d", value)) => decode_share(value, chars),
        Some(("json", value)) => decode_json(value, chars),
        _ => LinkOutcome::failed(LinkError::UnknownKey { start: fragment.chars().take(12).collect() }),
    }
}

/// Decodes the part after `d=`.
fn decode_share(value: &str, chars: usize) -> LinkOutcome {
    let mut warnings = Vec::new();
    let trimmed = value.trim_end_matches(TRAILING_JUNK);
    if trimmed.len() != value.len() && trimmed.contains('.') {
        warnings.push(Warning::new(
            "link",
            format!("ignored \"{}\" stuck to the end of the link", &value[trimmed.len()..]),
        ));
    }
    let value = if trimmed.contains('.') { trimmed } else { value };
    if value.is_empty() {
        return LinkOutcome::failed(LinkError::Empty { key: "d".into() });
    }
    let Some((version, payload)) = value.split_once('.') else {
        return LinkOutcome::failed(LinkError::NoVersion { start: value.chars().take(8).collect() });
    };
    if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return LinkOutcome::failed(LinkError::NoVersion { start: value.chars().take(8).collect() });
    }
    match version.parse::<u32>() {
        Ok(LINK_VERSION) => {}
        Ok(v) if v > LINK_VERSION => {
            return LinkOutcome::failed(LinkError::NewerVersion { version: version.into(), supported: LINK_VERSION })
        }
        _ => return LinkOutcome::failed(LinkError::NoVersion { start: value.chars().take(8).collect() }),
    }
    if payload.is_empty() {
        return LinkOutcome::failed(LinkError::Empty { key: format!("d={version}.") });
    }
    let unpacked = match compact::unpack(payload) {
        Ok(u) => u,
        Err(bad) => {
            // Positions count from 1 over the whole fragment, as a person would count.
            let position = "d=".len() + version.len() + 1 + bad.position + 1;
            return LinkOutcome::failed(LinkError::BadCharacter { ch: bad.ch, position });
        }
    };
    let text = match String::from_utf8(unpacked.bytes) {
        Ok(text) => text,
        Err(e) if unpacked.status == Status::Complete => {
            return LinkOutcome::failed(LinkError::NotUtf8 { at: e.utf8_error().valid_up_to() })
        }
        // A cut or damaged stream may end inside a character: keep the valid start.
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    let damage = match unpacked.status {
        Status::Complete => None,
        Status::TooLarge => {
            return LinkOutcome::failed(LinkError::TooLarge { limit_kib: compact::MAX_INFLATED / 1024 })
        }
        Status::Truncated => Some(Damage::Truncated { chars }),
        Status::Corrupted => Some(Damage::Corrupted),
    };
    if damage.is_none() && text.trim().is_empty() {
        return LinkOutcome::failed(LinkError::Empty { key: format!("d={version}.") });
    }
    // A complete payload whose checksum matched but that is not JSON was written wrong;
    // that is damage too, from the reader's point of view.
    let damage = match damage {
        None if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() => Some(Damage::Corrupted),
        other => other,
    };
    let mut outcome = decode_text(&text, damage, wire::expand, chars);
    warnings.append(&mut outcome.warnings);
    outcome.warnings = warnings;
    outcome
}

/// Decodes the part after `json=`.
fn decode_json(value: &str, chars: usize) -> LinkOutcome {
    let text = match percent::decode(value) {
        Ok(text) => text,
        Err(e) => return LinkOutcome::failed(LinkError::NotUtf8 { at: e.at }),
    };
    if text.trim().is_empty() {
        return LinkOutcome::failed(LinkError::Empty { key: "json".into() });
    }
    decode_text(&text, None, |v| v, chars)
}

/// What happened to a link on the way, when something did.
#[derive(Debug, Clone, Copy)]
enum Damage {
    Truncated { chars: usize },
    Corrupted,
}

/// Parses JSON text (repairing it when it is known or found to be cut off), converts it
/// with `expand` and decodes the dashboard. `chars` is the fragment length, for messages.
fn decode_text(text: &str, damage: Option<Damage>, expand: fn(Value) -> Value, chars: usize) -> LinkOutcome {
    let damage = match damage {
        Some(d) => d,
        None => match serde_json::from_str::<Value>(text) {
            Ok(value) => return finish(expand(value), None, Vec::new()),
            // Hand-written JSON that simply stops was cut off on the way.
            Err(e) if e.is_eof() => Damage::Truncated { chars },
            Err(e) => return LinkOutcome::failed(LinkError::InvalidJson { detail: e.to_string() }),
        },
    };
    match recover(text) {
        Some((value, warnings)) => finish(expand(value), Some(damage), warnings),
        None => LinkOutcome::failed(damage_error(damage, 0)),
    }
}

/// Runs the spec decoder and reports any damage with the number of panels recovered.
fn finish(value: Value, damage: Option<Damage>, mut warnings: Vec<Warning>) -> LinkOutcome {
    match decode_dashboard(value) {
        Ok((dashboard, mut more)) => {
            warnings.append(&mut more);
            let error = damage.map(|d| damage_error(d, dashboard.panels.len()));
            LinkOutcome { dashboard: Some(dashboard), warnings, error }
        }
        Err(e) => LinkOutcome::failed(match damage {
            Some(d) => damage_error(d, 0),
            None => LinkError::NotDashboard { detail: e.to_string() },
        }),
    }
}

fn damage_error(damage: Damage, recovered: usize) -> LinkError {
    match damage {
        Damage::Truncated { chars } => LinkError::Truncated { chars, recovered },
        Damage::Corrupted => LinkError::Corrupted { recovered },
    }
}

/// Repairs cut-off JSON and drops the panel or layout item that the cut went through, so
/// that only whole panels are recovered (a half panel could show the wrong data).
fn recover(text: &str) -> Option<(Value, Vec<Warning>)> {
    let repaired = repair::repair(text)?;
    let mut value: Value = serde_json::from_str(&repaired.text).ok()?;
    let mut warnings = Vec::new();
    if let [Seg::Key(key), Seg::Index(i), _rest @ ..] = repaired.cut_path.as_slice() {
        let field = wire::expand_key(key);
        if field == "panels" || field == "layout" {
            if let Some(items) = value.get_mut(key.as_str()).and_then(Value::as_array_mut) {
                if *i < items.len() {
                    items.remove(*i);
                    let what = if field == "panels" { "panel" } else { "layout entry" };
                    warnings.push(Warning::new(
                        format!("{field}[{i}]"),
                        format!("this {what} was cut off with the link and was left out"),
                    ));
                }
            }
        }
    }
    Some((value, warnings))
}

#[cfg(test)]
mod tests;

//! Two-stage, tolerant decoding of a dashboard: first the raw wire form (any JSON
//! object), then the validated model. One bad panel becomes a warning, not a blank page.
//!
//! This is the only way a dashboard enters Napkin (links, `#json=`, files, local storage),
//! so the caps and migrations here protect every entry point.

use super::model::*;
use super::{MAX_PANELS, SPEC_VERSION};
use serde_json::{Map, Value};
use std::collections::HashSet;
use thiserror::Error;

/// Something that was wrong with the input but did not stop decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the dashboard, e.g. `panels[2]` or `time`.
    pub path: String,
    /// What was wrong and what Napkin did about it, as a sentence.
    pub message: String,
}

impl Warning {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Input from which no dashboard at all could be recovered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("the dashboard is not valid JSON ({0})")]
    NotJson(String),
    #[error("the dashboard must be a JSON object, but this is {0}")]
    NotObject(&'static str),
}

/// Decodes dashboard JSON text.
pub fn decode_dashboard_str(text: &str) -> Result<(Dashboard, Vec<Warning>), DecodeError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    decode_dashboard(value)
}

/// Decodes a dashboard from its wire form, returning it with the warnings collected.
pub fn decode_dashboard(value: Value) -> Result<(Dashboard, Vec<Warning>), DecodeError> {
    let mut obj = match value {
        Value::Object(map) => map,
        other => return Err(DecodeError::NotObject(json_type(&other))),
    };
    let mut warnings = Vec::new();
    let version = read_version(&obj, &mut warnings);
    migrate(version, &mut obj, &mut warnings);

    const KNOWN: [&str; 10] = ["version", "title", "time", "refresh_s", "as_of_ms", "variables", "panels", "layout", "notes", "trail"];
    for key in obj.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        warnings.push(Warning::new(key.clone(), "this field is not part of the spec and was ignored"));
    }

    let title = match obj.remove("title") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(_) => {
            warnings.push(Warning::new("title", "the title is not a text; using \"Untitled\""));
            "Untitled".to_string()
        }
        None => "Untitled".to_string(),
    };
    let time = decode_time(obj.remove("time"), &mut warnings);
    let refresh_s = match obj.remove("refresh_s") {
        None | Some(Value::Null) => 0,
        Some(v) => match v.as_u64() {
            Some(n) if n <= 86_400 => n as u32,
            _ => {
                warnings.push(Warning::new("refresh_s", "the refresh interval is not a number of seconds up to a day; auto-refresh is off"));
                0
            }
        },
    };
    let as_of_ms = match obj.remove("as_of_ms") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(n) => Some(n),
            None => {
                warnings.push(Warning::new("as_of_ms", "the \"as of\" stamp is not an epoch-millisecond number and was dropped"));
                None
            }
        },
    };
    let variables = decode_variables(obj.remove("variables"), &mut warnings);
    let panels = decode_panels(obj.remove("panels"), &mut warnings);
    let layout = decode_layout(obj.remove("layout"), &panels, &mut warnings);
    let notes = decode_notes(obj.remove("notes"), &mut warnings);
    let trail = decode_trail(obj.remove("trail"), &mut warnings);

    let dashboard = Dashboard { version: SPEC_VERSION, title, time, refresh_s, as_of_ms, variables, panels, layout, notes, trail };
    Ok((dashboard, warnings))
}

fn read_version(obj: &Map<String, Value>, warnings: &mut Vec<Warning>) -> u32 {
    match obj.get("version").and_then(Value::as_u64) {
        Some(v) if v as u32 as u64 == v => {
            let v = v as u32;
            if v > SPEC_VERSION {
                warnings.push(Warning::new(
                    "version",
                    format!("this dashboard was written by a newer Napkin (spec version {v}, this one reads {SPEC_VERSION}); some parts may be missing"),
                ));
            }
            v
        }
        _ => {
            warnings.push(Warning::new("version", format!("no spec version given; read as version {SPEC_VERSION}")));
            SPEC_VERSION
        }
    }
}

/// Rewrites an older wire form into the current one. Version 1 is the first version, so
/// there is nothing to migrate yet; each future version adds a step here and a stored
/// old link to the tests.
fn migrate(version: u32, _obj: &mut Map<String, Value>, _warnings: &mut [Warning]) {
    let _ = version;
}

fn decode_time(value: Option<Value>, warnings: &mut Vec<Warning>) -> TimeSpec {
    const FALLBACK: TimeSpec = TimeSpec::Relative { last_s: 3600 };
    let Some(value) = value else {
        return FALLBACK;
    };
    match serde_json::from_value::<TimeSpec>(value) {
        Ok(TimeSpec::Absolute { from_ms, to_ms }) if from_ms < to_ms => TimeSpec::Absolute { from_ms, to_ms },
        Ok(TimeSpec::Absolute { .. }) => {
            warnings.push(Warning::new("time", "the time range ends before it starts; showing the last hour instead"));
            FALLBACK
        }
        Ok(TimeSpec::Relative { last_s }) if (1..=400 * 86_400).contains(&last_s) => TimeSpec::Relative { last_s },
        Ok(TimeSpec::Relative { .. }) => {
            warnings.push(Warning::new("time", "the relative range is empty or longer than 400 days; showing the last hour instead"));
            FALLBACK
        }
        Err(e) => {
            warnings.push(Warning::new("time", format!("the time range could not be read ({e}); showing the last hour instead")));
            FALLBACK
        }
    }
}

fn decode_panels(value: Option<Value>, warnings: &mut Vec<Warning>) -> Vec<Panel> {
    let items = match value {
        Some(Value::Array(items)) => items,
        None => {
            warnings.push(Warning::new("panels", "the dashboard has no panel list"));
            return Vec::new();
        }
        Some(other) => {
            warnings.push(Warning::new("panels", format!("the panel list is {}, not a list", json_type(&other))));
            return Vec::new();
        }
    };
    if items.len() > MAX_PANELS {
        warnings.push(Warning::new(
            "panels",
            format!("the dashboard has {} panels; only the first {MAX_PANELS} are shown", items.len()),
        ));
    }
    let mut seen = HashSet::new();
    let mut panels = Vec::new();
    for (i, item) in items.into_iter().take(MAX_PANELS).enumerate() {
        let path = format!("panels[{i}]");
        let label = panel_label(&item, i);
        match serde_json::from_value::<Panel>(item) {
            Ok(mut panel) => {
                if panel.id.is_empty() || !seen.insert(panel.id.clone()) {
                    let fresh = unique_id(&seen, i);
                    warnings.push(Warning::new(&path, format!("{label} had a missing or repeated id; renamed to \"{fresh}\"")));
                    seen.insert(fresh.clone());
                    panel.id = fresh;
                }
                panels.push(panel);
            }
            Err(e) => warnings.push(Warning::new(path, format!("{label} could not be read and was skipped: {e}"))),
        }
    }
    panels
}

/// Most variables a dashboard may have.
const MAX_VARIABLES: usize = 20;

fn decode_variables(value: Option<Value>, warnings: &mut Vec<Warning>) -> Vec<Variable> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            warnings.push(Warning::new("variables", "the variables are not a list and were ignored"));
            return Vec::new();
        }
    };
    let mut out: Vec<Variable> = Vec::new();
    for (i, item) in items.into_iter().enumerate().take(MAX_VARIABLES) {
        let path = format!("variables[{i}]");
        match serde_json::from_value::<Variable>(item) {
            Ok(mut v) if is_variable_name(&v.name) && !out.iter().any(|o| o.name == v.name) => {
                v.current.truncate(100);
                out.push(v);
            }
            Ok(v) => warnings.push(Warning::new(path, format!("variable \"{}\" has an invalid or repeated name (letters, digits and _ only) and was skipped", v.name.chars().take(40).collect::<String>()))),
            Err(e) => warnings.push(Warning::new(path, format!("could not be read and was skipped: {e}"))),
        }
    }
    out
}

/// Most incident notes a dashboard keeps, and the longest note text in characters.
pub const MAX_NOTES: usize = 50;
pub const MAX_NOTE_CHARS: usize = 500;

fn decode_notes(value: Option<Value>, warnings: &mut Vec<Warning>) -> Vec<Note> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            warnings.push(Warning::new("notes", "the notes are not a list and were ignored"));
            return Vec::new();
        }
    };
    if items.len() > MAX_NOTES {
        warnings.push(Warning::new("notes", format!("the dashboard has {} notes; only the first {MAX_NOTES} are kept", items.len())));
    }
    let mut out: Vec<Note> = Vec::new();
    for (i, item) in items.into_iter().take(MAX_NOTES).enumerate() {
        match serde_json::from_value::<Note>(item) {
            Ok(mut note) if !note.text.trim().is_empty() => {
                if note.text.chars().count() > MAX_NOTE_CHARS {
                    note.text = note.text.chars().take(MAX_NOTE_CHARS).collect();
                    warnings.push(Warning::new(format!("notes[{i}]"), format!("the note was longer than {MAX_NOTE_CHARS} characters and was shortened")));
                }
                out.push(note);
            }
            Ok(_) => warnings.push(Warning::new(format!("notes[{i}]"), "the note has no text and was skipped")),
            Err(e) => warnings.push(Warning::new(format!("notes[{i}]"), format!("could not be read and was skipped: {e}"))),
        }
    }
    crate::core::sort::sort_by_key(&mut out, |n| n.at_ms);
    out
}

/// Most parent levels a drill-down trail keeps (the oldest are dropped first).
pub const MAX_TRAIL: usize = 5;

/// Decodes the drill-down trail: each level is a whole dashboard, decoded with the same
/// rules, whose own trail is dropped (so the nesting is one level deep, whatever the input).
fn decode_trail(value: Option<Value>, warnings: &mut Vec<Warning>) -> Vec<Dashboard> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            warnings.push(Warning::new("trail", "the drill-down trail is not a list and was ignored"));
            return Vec::new();
        }
    };
    let skip = items.len().saturating_sub(MAX_TRAIL);
    let mut out = Vec::new();
    for (i, mut item) in items.into_iter().enumerate().skip(skip) {
        if let Value::Object(map) = &mut item {
            map.remove("trail");
        }
        match decode_dashboard(item) {
            // A level's warnings are about a parent the user is not looking at; only
            // failures to read a level at all are reported.
            Ok((mut level, _)) => {
                level.trail.clear();
                out.push(level);
            }
            Err(e) => warnings.push(Warning::new(format!("trail[{i}]"), format!("this drill-down level could not be read and was left out: {e}"))),
        }
    }
    out
}

/// Variable names: a letter or `_`, then letters, digits or `_`, at most 40 characters.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 40
}

fn panel_label(item: &Value, index: usize) -> String {
    match item.get("title").and_then(Value::as_str) {
        Some(t) => format!("panel {} (\"{}\")", index + 1, t.chars().take(60).collect::<String>()),
        None => format!("panel {}", index + 1),
    }
}

fn unique_id(seen: &HashSet<String>, index: usize) -> String {
    (index..)
        .map(|n| format!("p{}", n + 1))
        .find(|id| !seen.contains(id))
        .expect("an unbounded range always yields a free id")
}

fn decode_layout(value: Option<Value>, panels: &[Panel], warnings: &mut Vec<Warning>) -> Vec<LayoutItem> {
    let items = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            warnings.push(Warning::new("layout", "the layout is not a list; panels were placed automatically"));
            Vec::new()
        }
    };
    let ids: HashSet<&str> = panels.iter().map(|p| p.id.as_str()).collect();
    let mut placed = HashSet::new();
    let mut layout = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<LayoutItem>(item) {
            Ok(mut it) if ids.contains(it.panel.as_str()) && !placed.contains(&it.panel) => {
                it.w = it.w.clamp(1, GRID_COLUMNS);
                it.x = it.x.min(GRID_COLUMNS - it.w);
                it.h = it.h.clamp(1, 24);
                it.y = it.y.min(10_000);
                placed.insert(it.panel.clone());
                layout.push(it);
            }
            Ok(_) => {}
            Err(e) => warnings.push(Warning::new(format!("layout[{i}]"), format!("could not be read ({e}); the panel was placed automatically"))),
        }
    }
    layout
}

/// Places every panel: explicit layout items first, then the rest in rows below them.
pub fn resolve_layout(dashboard: &Dashboard) -> Vec<LayoutItem> {
    let mut out: Vec<LayoutItem> = dashboard.layout.clone();
    let mut y = out.iter().map(|l| l.y + l.h).max().unwrap_or(0);
    let mut x = 0;
    for panel in &dashboard.panels {
        if out.iter().any(|l| l.panel == panel.id) {
            continue;
        }
        let (w, h) = match panel.def {
            PanelDef::Kpi(_) => (3, 2),
            _ => (12, 4),
        };
        if x + w > GRID_COLUMNS {
            x = 0;
            y += 4;
        }
        out.push(LayoutItem { panel: panel.id.clone(), x, y, w, h });
        x += w;
    }
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

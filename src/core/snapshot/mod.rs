//! Postmortem snapshots: one self-contained JSON file holding the dashboard (frozen at its
//! window) and every metric frame that was fetched for it, so it opens later with no
//! backend. Pure: encoding and tolerant decoding only; the browser edge writes and reads
//! the file and serves the stored frames instead of fetching.
//!
//! # Format (schema version 1)
//!
//! ```json
//! {"format": "napkin-snapshot", "schema": 1, "taken_at_ms": 1763883600000,
//!  "dashboard": { …the dashboard spec… },
//!  "data": [{"panel": "rate", "from_ms": …, "to_ms": …, "frames": [
//!     {"step_ms": 15000, "notices": [], "series": [
//!        {"labels": {"service": "gateway"}, "times": [...], "values": [1.5, null, "+Inf"]}]}]}]}
//! ```
//!
//! Values are numbers, `null` for NaN (a gap), and `"+Inf"` / `"-Inf"`. The dashboard part
//! enters through [`crate::core::spec::decode_dashboard`] like every other dashboard.
//!
//! Optional lists, added within schema 1 (a file without them still opens; an older
//! Napkin ignores them): `"health"`, each health grid's last poll per service
//! (`health.rs`), `"traces"`, each trace panel's search rows or opened trace
//! (`trace.rs`), and `"exemplars"`, each chart's exemplar markers (`exemplars.rs`). The
//! whole file is capped at [`MAX_BYTES`].

mod exemplars;
mod health;
mod trace;

pub use exemplars::StoredExemplars;
pub use health::{stored_plan, CheckHistory, HealthPoll};
pub use trace::TracePanel;

use crate::core::frame::{Frame, Series};
use crate::core::spec::{decode_dashboard, Dashboard, Warning};
use crate::core::time::TimeRange;
use serde_json::{json, Map, Value};
use thiserror::Error;

/// The `format` marker that tells a snapshot from a dashboard file.
pub const FORMAT: &str = "napkin-snapshot";

/// The schema version this Napkin writes and reads.
pub const SCHEMA: u64 = 1;

/// Most samples a snapshot may hold in all (about 100 MB of JSON at worst).
pub const MAX_SAMPLES: usize = 4_000_000;

/// Largest snapshot file Napkin writes (64 MiB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Most spans the stored traces of one snapshot may hold in all.
pub const MAX_SPANS: usize = 200_000;

/// A dashboard with the data it showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When the snapshot was taken, epoch ms UTC.
    pub taken_at_ms: i64,
    pub dashboard: Dashboard,
    pub data: Vec<PanelData>,
    /// The last poll of every service a health grid showed.
    pub health: Vec<HealthPoll>,
    /// What each trace search and waterfall panel showed.
    pub traces: Vec<TracePanel>,
    /// The exemplar markers each chart showed.
    pub exemplars: Vec<StoredExemplars>,
}

/// The frames one panel showed, over the range they were fetched for.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelData {
    pub panel: String,
    pub range: TimeRange,
    pub frames: Vec<Frame>,
}

/// Why a file could not be read as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnapshotError {
    #[error("the file is not valid JSON ({0})")]
    NotJson(String),
    #[error("the file is not a Napkin snapshot")]
    NotSnapshot,
    #[error(
        "the snapshot was written by a newer Napkin (schema {found}; this one reads {SCHEMA})"
    )]
    NewerSchema { found: u64 },
    #[error("the snapshot's dashboard could not be read ({0})")]
    Dashboard(String),
    #[error("the snapshot would be {:.1} MB; Napkin writes snapshots up to {} MB. Narrow the time range, or close the largest traces, and export again", *bytes as f64 / 1_048_576.0, MAX_BYTES / 1_048_576)]
    TooLarge { bytes: usize },
}

impl Snapshot {
    /// The stored data of one panel, if the snapshot has it.
    pub fn panel(&self, id: &str) -> Option<&PanelData> {
        self.data.iter().find(|p| p.panel == id)
    }

    /// The stored trace data of one panel, if the snapshot has it.
    pub fn trace_panel(&self, id: &str) -> Option<&TracePanel> {
        self.traces.iter().find(|p| p.panel == id)
    }

    /// The stored exemplars of one chart, if the snapshot has them.
    pub fn exemplars_of(&self, id: &str) -> Option<&StoredExemplars> {
        self.exemplars.iter().find(|e| e.panel == id)
    }
}

/// Writes a snapshot as JSON text, refusing one larger than [`MAX_BYTES`].
pub fn encode_bounded(s: &Snapshot) -> Result<String, SnapshotError> {
    let text = encode(s);
    if text.len() > MAX_BYTES {
        return Err(SnapshotError::TooLarge { bytes: text.len() });
    }
    Ok(text)
}

/// Writes a snapshot as JSON text.
pub fn encode(s: &Snapshot) -> String {
    let data: Vec<Value> = s
        .data
        .iter()
        .map(|p| {
            json!({
                "panel": p.panel,
                "from_ms": p.range.from_ms(),
                "to_ms": p.range.to_ms(),
                "frames": p.frames.iter().map(frame_value).collect::<Vec<_>>(),
            })
        })
        .collect();
    let health: Vec<Value> = s.health.iter().map(health::poll_value).collect();
    let traces: Vec<Value> = s.traces.iter().map(trace::panel_value).collect();
    let exemplars: Vec<Value> = s.exemplars.iter().map(exemplars::exemplars_value).collect();
    // Written by hand so that the format marker comes first (JSON maps here are sorted).
    format!(
        "{{\"format\":\"{FORMAT}\",\"schema\":{SCHEMA},\"taken_at_ms\":{},\"dashboard\":{},\"data\":{},\"health\":{},\"traces\":{},\"exemplars\":{}}}",
        s.taken_at_ms,
        serde_json::to_value(&s.dashboard).unwrap_or(Value::Null),
        Value::Array(data),
        Value::Array(health),
        Value::Array(traces),
        Value::Array(exemplars)
    )
}

fn frame_value(f: &Frame) -> Value {
    let series: Vec<Value> = f
        .series
        .iter()
        .map(|s| {
            let labels: Map<String, Value> = s
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            let values: Vec<Value> = s.values.iter().map(|v| number(*v)).collect();
            json!({ "labels": labels, "times": s.times, "values": values })
        })
        .collect();
    json!({ "step_ms": f.step_ms, "notices": f.notices, "series": series })
}

fn number(v: f64) -> Value {
    if v.is_nan() {
        Value::Null
    } else if v == f64::INFINITY {
        Value::String("+Inf".into())
    } else if v == f64::NEG_INFINITY {
        Value::String("-Inf".into())
    } else {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// True when `text` may be a snapshot (it names the format marker), so an import tries
/// [`decode`] before reading the text as a dashboard.
pub fn looks_like_snapshot(text: &str) -> bool {
    text.contains(FORMAT)
}

/// Reads a snapshot. Damaged panel data becomes a warning (that panel shows no data);
/// only a file that is not a snapshot at all, or whose dashboard cannot be read, fails.
pub fn decode(text: &str) -> Result<(Snapshot, Vec<Warning>), SnapshotError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SnapshotError::NotJson(e.to_string()))?;
    let Value::Object(mut obj) = value else {
        return Err(SnapshotError::NotSnapshot);
    };
    if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(SnapshotError::NotSnapshot);
    }
    match obj.get("schema").and_then(Value::as_u64) {
        Some(found) if found > SCHEMA => return Err(SnapshotError::NewerSchema { found }),
        _ => {}
    }
    let taken_at_ms = obj.get("taken_at_ms").and_then(Value::as_i64).unwrap_or(0);
    let (dashboard, mut warnings) =
        decode_dashboard(obj.remove("dashboard").unwrap_or(Value::Null))
            .map_err(|e| SnapshotError::Dashboard(e.to_string()))?;
    let mut data = Vec::new();
    let mut budget = MAX_SAMPLES;
    let items = match obj.remove("data") {
        Some(Value::Array(items)) => items,
        _ => {
            warnings.push(Warning::new(
                "data",
                "the snapshot holds no data; its panels will be empty",
            ));
            Vec::new()
        }
    };
    for (i, item) in items.into_iter().enumerate() {
        match panel_data(&item, &mut budget) {
            Ok(p) if dashboard.panels.iter().any(|d| d.id == p.panel) => data.push(p),
            Ok(p) => warnings.push(Warning::new(
                format!("data[{i}]"),
                format!("data for an unknown panel \"{}\" was ignored", p.panel),
            )),
            Err(why) => warnings.push(Warning::new(
                format!("data[{i}]"),
                format!("{why}; that panel shows no data"),
            )),
        }
    }
    let health = decode_health(obj.remove("health"), &mut warnings);
    let traces = decode_traces(obj.remove("traces"), &dashboard, &mut warnings);
    let exemplars = decode_exemplars(obj.remove("exemplars"), &dashboard, &mut warnings);
    Ok((
        Snapshot {
            taken_at_ms,
            dashboard,
            data,
            health,
            traces,
            exemplars,
        },
        warnings,
    ))
}

/// The optional health list: a damaged poll is skipped with a warning.
fn decode_health(v: Option<Value>, warnings: &mut Vec<Warning>) -> Vec<HealthPoll> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match health::poll(item) {
            Ok(p) => out.push(p),
            Err(why) => warnings.push(Warning::new(
                format!("health[{i}]"),
                format!("{why}; it was skipped"),
            )),
        }
    }
    out
}

/// The optional traces list: damaged or unknown panels' data are skipped with a warning,
/// and stored traces beyond [`MAX_SPANS`] spans in all are dropped.
fn decode_traces(
    v: Option<Value>,
    dashboard: &Dashboard,
    warnings: &mut Vec<Warning>,
) -> Vec<TracePanel> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut budget = MAX_SPANS;
    for (i, item) in items.iter().enumerate() {
        let at = format!("traces[{i}]");
        match trace::panel(item) {
            Ok(p) if !dashboard.panels.iter().any(|d| d.id == p.panel) => {
                warnings.push(Warning::new(at, format!("trace data for an unknown panel \"{}\" was ignored", p.panel)));
            }
            Ok(p) => match budget.checked_sub(trace::span_count(&p)) {
                Some(left) => {
                    budget = left;
                    out.push(p);
                }
                None => warnings.push(Warning::new(at, format!("the stored traces hold more than {MAX_SPANS} spans; that panel shows no trace"))),
            },
            Err(why) => warnings.push(Warning::new(at, format!("{why}; that panel shows no trace data"))),
        }
    }
    out
}

/// The optional exemplars list: damaged or unknown panels' exemplars are skipped with a
/// warning (that chart shows no markers).
fn decode_exemplars(
    v: Option<Value>,
    dashboard: &Dashboard,
    warnings: &mut Vec<Warning>,
) -> Vec<StoredExemplars> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("exemplars[{i}]");
        match exemplars::exemplars(item) {
            Ok(e) if dashboard.panels.iter().any(|d| d.id == e.panel) => out.push(e),
            Ok(e) => warnings.push(Warning::new(
                at,
                format!("exemplars for an unknown panel \"{}\" were ignored", e.panel),
            )),
            Err(why) => warnings.push(Warning::new(
                at,
                format!("{why}; that chart shows no exemplars"),
            )),
        }
    }
    out
}

fn panel_data(item: &Value, budget: &mut usize) -> Result<PanelData, String> {
    let panel = item
        .get("panel")
        .and_then(Value::as_str)
        .ok_or("the panel id is missing")?
        .to_string();
    let from = item.get("from_ms").and_then(Value::as_i64);
    let to = item.get("to_ms").and_then(Value::as_i64);
    let range = from
        .zip(to)
        .and_then(|(f, t)| TimeRange::new(f, t))
        .ok_or("the time range is missing or empty")?;
    let frames = item
        .get("frames")
        .and_then(Value::as_array)
        .ok_or("the frames are missing")?;
    let frames = frames
        .iter()
        .map(|f| frame(f, budget))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PanelData {
        panel,
        range,
        frames,
    })
}

fn frame(v: &Value, budget: &mut usize) -> Result<Frame, String> {
    let step_ms = v
        .get("step_ms")
        .and_then(Value::as_i64)
        .filter(|s| *s > 0)
        .ok_or("a frame has no step")?;
    let notices = v
        .get("notices")
        .and_then(Value::as_array)
        .map(|n| {
            n.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let mut series = Vec::new();
    for s in v
        .get("series")
        .and_then(Value::as_array)
        .ok_or("a frame has no series list")?
    {
        let mut labels: Vec<(String, String)> = s
            .get("labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        labels.sort();
        let times: Vec<i64> = s
            .get("times")
            .and_then(Value::as_array)
            .ok_or("a series has no times")?
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        let values: Vec<f64> = s
            .get("values")
            .and_then(Value::as_array)
            .ok_or("a series has no values")?
            .iter()
            .map(|v| match v {
                Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                Value::String(s) if s == "+Inf" => f64::INFINITY,
                Value::String(s) if s == "-Inf" => f64::NEG_INFINITY,
                _ => f64::NAN,
            })
            .collect();
        if times.len() != values.len() || times.windows(2).any(|w| w[0] >= w[1]) {
            return Err("a series has times and values that do not match".into());
        }
        *budget = budget.checked_sub(times.len()).ok_or(format!(
            "the snapshot holds more than {MAX_SAMPLES} samples"
        ))?;
        series.push(Series {
            labels,
            times,
            values,
        });
    }
    Ok(Frame {
        series,
        step_ms,
        notices,
    })
}

#[cfg(test)]
mod parts_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;
    use crate::core::spec::{Note, TimeSpec};

    pub(super) fn sample() -> Snapshot {
        let mut dashboard = shop_overview();
        dashboard.time = TimeSpec::Absolute {
            from_ms: 1_000_000,
            to_ms: 4_600_000,
        };
        dashboard.as_of_ms = Some(4_600_000);
        dashboard.notes = vec![Note {
            at_ms: 2_000_000,
            text: "rollback".into(),
            author: Some("ana".into()),
        }];
        let frame = Frame {
            series: vec![Series {
                labels: vec![
                    ("endpoint".into(), "/cart".into()),
                    ("service".into(), "gateway".into()),
                ],
                times: vec![1_000_000, 1_015_000, 1_030_000, 1_045_000],
                values: vec![1.25, f64::NAN, f64::INFINITY, f64::NEG_INFINITY],
            }],
            step_ms: 15_000,
            notices: vec!["partial response".into()],
        };
        Snapshot {
            taken_at_ms: 4_600_500,
            dashboard,
            data: vec![PanelData {
                panel: "rate".into(),
                range: TimeRange::new(1_000_000, 4_600_000).unwrap(),
                frames: vec![frame],
            }],
            health: Vec::new(),
            traces: Vec::new(),
            exemplars: Vec::new(),
        }
    }

    /// Frames with NaN are not `==`; compare them through their text form.
    fn same(a: &Snapshot, b: &Snapshot) -> bool {
        encode(a) == encode(b) && a.dashboard == b.dashboard
    }

    #[test]
    fn a_snapshot_round_trips_with_gaps_and_infinities() {
        let s = sample();
        let text = encode(&s);
        assert!(looks_like_snapshot(&text));
        let (back, warnings) = decode(&text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(same(&s, &back));
        let v = &back.data[0].frames[0].series[0].values;
        assert!(v[1].is_nan() && v[2] == f64::INFINITY && v[3] == f64::NEG_INFINITY);
        assert_eq!(
            back.data[0].frames[0].notices,
            vec!["partial response".to_string()]
        );
        assert_eq!(back.dashboard.notes.len(), 1);
        assert_eq!(back.panel("rate").unwrap().range.to_ms(), 4_600_000);
    }

    #[test]
    fn a_dashboard_file_is_not_a_snapshot_and_newer_schemas_are_refused() {
        let dash = serde_json::to_string(&shop_overview()).unwrap();
        assert!(!looks_like_snapshot(&dash));
        assert_eq!(decode(&dash), Err(SnapshotError::NotSnapshot));
        assert!(matches!(decode("{oops"), Err(SnapshotError::NotJson(_))));
        let newer = encode(&sample()).replace("\"schema\":1", "\"schema\":7");
        assert_eq!(decode(&newer), Err(SnapshotError::NewerSchema { found: 7 }));
    }

    #[test]
    fn damaged_panel_data_is_a_warning_not_a_failure() {
        let mut v: Value = serde_json::from_str(&encode(&sample())).unwrap();
        v["data"]
            .as_array_mut()
            .unwrap()
            .push(json!({"panel": "errors", "from_ms": 5, "to_ms": 1, "frames": []}));
        v["data"]
            .as_array_mut()
            .unwrap()
            .push(json!({"panel": "nope", "from_ms": 1, "to_ms": 5, "frames": []}));
        v["data"][0]["frames"][0]["series"][0]["times"] = json!([3, 2, 1, 0]);
        let (s, warnings) = decode(&v.to_string()).unwrap();
        assert!(s.data.is_empty());
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[2].message.contains("unknown panel"));
    }

    #[test]
    fn the_stored_text_of_schema_1_keeps_opening() {
        // A schema-1 snapshot as written by this version; future versions must read it.
        let text = r#"{"format":"napkin-snapshot","schema":1,"taken_at_ms":10,"dashboard":{"version":1,"title":"Old","time":{"kind":"absolute","spec":{"from_ms":0,"to_ms":60000}},"panels":[{"id":"a","title":"A","datasource":"demo","kind":"kpi","spec":{"query":{"kind":"metric","spec":{"metric":"up"}}}}]},"data":[{"panel":"a","from_ms":0,"to_ms":60000,"frames":[{"step_ms":15000,"notices":[],"series":[{"labels":{},"times":[0,15000],"values":[1,null]}]}]}]}"#;
        let (s, warnings) = decode(text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(s.dashboard.title, "Old");
        assert!(s.exemplars.is_empty() && s.health.is_empty() && s.traces.is_empty());
        assert_eq!(s.data[0].frames[0].series[0].values[0], 1.0);
    }
}

#[cfg(test)]
mod exemplar_tests {
    use super::tests::sample;
    use super::*;
    use crate::core::exemplars::ExemplarPoint;

    #[test]
    fn a_snapshot_keeps_each_charts_exemplars_and_drops_unknown_or_damaged_ones() {
        let mut s = sample();
        let point = ExemplarPoint {
            t_ms: 1_500_000,
            value: 0.75,
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            series: "service=gateway".into(),
        };
        s.exemplars = vec![StoredExemplars {
            panel: "rate".into(),
            points: vec![point],
            note: None,
        }];
        let (back, warnings) = decode(&encode(&s)).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back.exemplars, s.exemplars);
        assert_eq!(back.exemplars_of("rate").unwrap().points.len(), 1);
        assert!(back.exemplars_of("errors").is_none());
        let mut v: Value = serde_json::from_str(&encode(&s)).unwrap();
        let list = v["exemplars"].as_array_mut().unwrap();
        list.push(json!({"panel": "nope", "points": []}));
        list.push(json!({"panel": "rate"}));
        let (back, warnings) = decode(&v.to_string()).unwrap();
        assert_eq!(back.exemplars.len(), 1);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].message.contains("unknown panel"));
        assert!(warnings[1].message.contains("shows no exemplars"));
    }
}

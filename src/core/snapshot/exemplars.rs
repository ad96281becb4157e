//! The exemplar part of a snapshot: each chart's exemplar points as the sharer saw them
//! (at most [`MAX_EXEMPLARS`] per chart, as live), with the chart's exemplar note. The
//! traces the markers point to are not stored, so an opened snapshot shows the markers and
//! says in words that their traces are not in it. Pure JSON encoding and tolerant decoding.
//!
//! One entry: `{"panel": "p99", "note": null, "points": [[t_ms, value, "trace hex",
//! "series text"], ...]}`.

use crate::core::exemplars::{spread, ExemplarPoint, MAX_EXEMPLARS};
use crate::core::trace::TraceId;
use serde_json::{json, Value};

/// What one chart's exemplar markers showed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredExemplars {
    pub panel: String,
    /// The points, sorted by time.
    pub points: Vec<ExemplarPoint>,
    /// The chart's exemplar note (what the cap or missing trace ids left out), if any.
    pub note: Option<String>,
}

/// Writes one chart's exemplars.
pub fn exemplars_value(e: &StoredExemplars) -> Value {
    let points: Vec<Value> = e
        .points
        .iter()
        .map(|p| json!([p.t_ms, super::number(p.value), p.trace_id, p.series]))
        .collect();
    json!({ "panel": e.panel, "note": e.note, "points": points })
}

/// Reads one chart's exemplars. Points with no time, value or valid trace id are skipped;
/// more than [`MAX_EXEMPLARS`] are thinned as live charts thin them. An entry without a
/// panel id or a points list is refused.
pub fn exemplars(v: &Value) -> Result<StoredExemplars, String> {
    let panel = v
        .get("panel")
        .and_then(Value::as_str)
        .ok_or("the exemplars' panel id is missing")?
        .to_string();
    let list = v
        .get("points")
        .and_then(Value::as_array)
        .ok_or("the exemplar points are missing")?;
    let mut points: Vec<ExemplarPoint> = list.iter().filter_map(point).collect();
    crate::core::sort::sort_by(&mut points, |a, b| {
        (a.t_ms, &a.trace_id, &a.series).cmp(&(b.t_ms, &b.trace_id, &b.series))
    });
    let note = v.get("note").and_then(Value::as_str).map(str::to_string);
    Ok(StoredExemplars {
        panel,
        points: spread(points, MAX_EXEMPLARS),
        note,
    })
}

fn point(v: &Value) -> Option<ExemplarPoint> {
    let a = v.as_array()?;
    let t_ms = a.first()?.as_i64()?;
    let value = match a.get(1)? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) if s == "+Inf" => f64::INFINITY,
        Value::String(s) if s == "-Inf" => f64::NEG_INFINITY,
        _ => return None,
    };
    let trace_id = TraceId::parse(a.get(2)?.as_str()?).ok()?.to_hex();
    let series = a
        .get(3)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Some(ExemplarPoint {
        t_ms,
        value,
        trace_id,
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t_ms: i64) -> ExemplarPoint {
        ExemplarPoint {
            t_ms,
            value: 0.25,
            trace_id: format!("{:032x}", t_ms + 1),
            series: "service=billing".into(),
        }
    }

    #[test]
    fn exemplars_round_trip_and_damaged_points_are_skipped() {
        let e = StoredExemplars {
            panel: "p99".into(),
            points: vec![at(1_000), at(2_000)],
            note: Some("1 exemplar without a trace id is not shown.".into()),
        };
        let back = exemplars(&exemplars_value(&e)).unwrap();
        assert_eq!(back, e);
        let mut v = exemplars_value(&e);
        v["points"].as_array_mut().unwrap().extend([
            json!([3_000, 1.0, "not a trace"]),
            json!(["x", 1.0, "00f067aa0ba902b7"]),
            json!([500, null, "00f067aa0ba902b7"]),
            json!([4_000, 2.0, "00F067AA0BA902B7", "s"]),
        ]);
        let back = exemplars(&v).unwrap();
        let times: Vec<i64> = back.points.iter().map(|p| p.t_ms).collect();
        assert_eq!(
            times,
            [1_000, 2_000, 4_000],
            "damaged points skipped, sorted"
        );
        assert_eq!(back.points[2].trace_id, "000000000000000000f067aa0ba902b7");
        assert!(exemplars(&json!({"points": []})).is_err());
        assert!(exemplars(&json!({"panel": "a"})).is_err());
    }

    #[test]
    fn a_stored_list_beyond_the_cap_is_thinned_like_a_live_chart() {
        let e = StoredExemplars {
            panel: "p".into(),
            points: (0..(MAX_EXEMPLARS as i64 + 40))
                .map(|i| at(i * 10))
                .collect(),
            note: None,
        };
        let back = exemplars(&exemplars_value(&e)).unwrap();
        assert_eq!(back.points.len(), MAX_EXEMPLARS);
        assert_eq!(back.points.last(), e.points.last(), "the newest is kept");
    }
}

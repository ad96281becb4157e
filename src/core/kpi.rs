//! The KPI tile's view model: one number from a frame, its formatting, status (with
//! staleness), delta against the previous period and sparkline points.
//!
//! The tile component only paints this; all judgement about the number happens here.

use crate::core::format::format_value;
use crate::core::frame::Frame;
use crate::core::spec::{Direction, KpiSpec, Unit};
use crate::core::status::{is_stale, kpi_status, reduce, Status};
use crate::core::time::TimeRange;

/// What a KPI tile shows.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiView {
    /// The reduced value in the panel's unit, `None` when unknown.
    pub value: Option<f64>,
    /// The formatted value ("9.1 %"), or "No data".
    pub text: String,
    pub unit: Unit,
    pub status: Status,
    pub stale: bool,
    /// "▲ 12 % vs previous period", if both periods have a value.
    pub delta: Option<String>,
    /// `better`, `worse` or `neutral`, for the delta's colour.
    pub delta_tone: &'static str,
    /// Sparkline samples (finite values only break into segments at NaN).
    pub spark: Vec<(i64, f64)>,
    /// A note for the reader, e.g. when the query returned several series.
    pub note: Option<String>,
}

/// Inputs that are about time rather than data.
#[derive(Debug, Clone, Copy)]
pub struct KpiClock {
    pub range: TimeRange,
    pub step_ms: i64,
    pub fetched_at_ms: Option<i64>,
    pub now_ms: i64,
    pub refresh_s: u32,
}

/// Builds the tile's view from the current and previous-period frames.
pub fn kpi_view(spec: &KpiSpec, current: Option<&Frame>, previous: Option<&Frame>, clock: KpiClock) -> KpiView {
    let series = current.and_then(|f| f.series.first());
    let note = current
        .filter(|f| f.series.len() > 1)
        .map(|f| format!("The query returned {} series; the tile shows the first. Aggregate it (e.g. sum) for one number.", f.series.len()));
    let value = series.and_then(|s| reduce(s, spec.reduce)).filter(|v| v.is_finite());
    let newest = series.and_then(|s| s.last_finite()).map(|(t, _)| t);
    let stale = is_stale(newest, clock.range.to_ms(), clock.step_ms, clock.fetched_at_ms, clock.now_ms, clock.refresh_s);
    let status = kpi_status(value, spec.thresholds.as_ref(), stale);
    let text = match value {
        Some(v) => format_value(v, spec.unit, spec.decimals),
        None => "No data".to_string(),
    };
    let previous_value = previous.and_then(|f| f.series.first()).and_then(|s| reduce(s, spec.reduce)).filter(|v| v.is_finite());
    let (delta, delta_tone) = describe_delta(value, previous_value, spec.thresholds.map(|t| t.direction));
    let spark = series
        .map(|s| s.times.iter().copied().zip(s.values.iter().copied()).collect())
        .unwrap_or_default();
    KpiView { value, text, unit: spec.unit, status, stale, delta, delta_tone, spark, note }
}

/// An SVG polyline `points` attribute for the sparkline in a `width` × `height` box.
/// Non-finite samples are skipped (numbers only: nothing from the data reaches markup).
pub fn sparkline_points(spark: &[(i64, f64)], width: f64, height: f64) -> String {
    let finite: Vec<(i64, f64)> = spark.iter().copied().filter(|(_, v)| v.is_finite()).collect();
    let (Some(first), Some(last)) = (finite.first(), finite.last()) else {
        return String::new();
    };
    let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v)));
    let span_t = (last.0 - first.0).max(1) as f64;
    let span_v = if hi > lo { hi - lo } else { 1.0 };
    finite
        .iter()
        .map(|(t, v)| {
            let x = (*t - first.0) as f64 / span_t * width;
            let y = height - (v - lo) / span_v * height;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn describe_delta(current: Option<f64>, previous: Option<f64>, direction: Option<Direction>) -> (Option<String>, &'static str) {
    let (Some(c), Some(p)) = (current, previous) else {
        return (None, "neutral");
    };
    let diff = c - p;
    let arrow = if diff > 0.0 { "▲" } else if diff < 0.0 { "▼" } else { "=" };
    let text = if p.abs() > f64::EPSILON {
        format!("{arrow} {:.1} % vs previous period", (diff / p.abs() * 100.0).abs())
    } else {
        format!("{arrow} {:.3} vs previous period", diff.abs())
    };
    let tone = match (direction, diff.partial_cmp(&0.0)) {
        (_, Some(std::cmp::Ordering::Equal)) | (None, _) | (_, None) => "neutral",
        (Some(Direction::Above), Some(std::cmp::Ordering::Greater)) | (Some(Direction::Below), Some(std::cmp::Ordering::Less)) => "worse",
        _ => "better",
    };
    (Some(text), tone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::frame::Series;
    use crate::core::query::{MetricQuery, Query};
    use crate::core::spec::{Reduce, Thresholds};

    fn spec(thresholds: Option<Thresholds>) -> KpiSpec {
        KpiSpec {
            query: Query::Metric(MetricQuery { metric: "m".into(), ..Default::default() }),
            unit: Unit::Percent,
            reduce: Reduce::Last,
            thresholds,
            decimals: None,
            sparkline: true,
            drill: None,
        }
    }

    fn frame(times: &[i64], values: &[f64]) -> Frame {
        Frame { series: vec![Series { labels: vec![], times: times.to_vec(), values: values.to_vec() }], step_ms: 15_000, notices: vec![] }
    }

    fn clock() -> KpiClock {
        KpiClock { range: TimeRange::new(0, 600_000).unwrap(), step_ms: 15_000, fetched_at_ms: Some(600_000), now_ms: 600_000, refresh_s: 0 }
    }

    const ABOVE: Thresholds = Thresholds { direction: Direction::Above, warn: Some(1.0), fail: Some(5.0) };

    #[test]
    fn fresh_value_over_fail_threshold_fails() {
        let f = frame(&[585_000, 600_000], &[2.0, 9.1]);
        let v = kpi_view(&spec(Some(ABOVE)), Some(&f), None, clock());
        assert_eq!(v.value, Some(9.1));
        assert_eq!(v.status, Status::Fail);
        assert!(v.text.contains("9.1"), "{}", v.text);
    }

    #[test]
    fn no_data_is_unknown_never_green() {
        let v = kpi_view(&spec(Some(ABOVE)), Some(&Frame::default()), None, clock());
        assert_eq!(v.value, None);
        assert_eq!(v.status, Status::Unknown);
        assert_eq!(v.text, "No data");
    }

    #[test]
    fn old_samples_make_a_good_value_unknown() {
        let f = frame(&[0, 15_000], &[0.1, 0.1]);
        let v = kpi_view(&spec(Some(ABOVE)), Some(&f), None, clock());
        assert!(v.stale);
        assert_eq!(v.status, Status::Unknown);
    }

    #[test]
    fn no_thresholds_means_none() {
        let f = frame(&[600_000], &[0.1]);
        assert_eq!(kpi_view(&spec(None), Some(&f), None, clock()).status, Status::None);
    }

    #[test]
    fn delta_tone_follows_threshold_direction() {
        let cur = frame(&[600_000], &[2.0]);
        let prev = frame(&[0], &[1.0]);
        let v = kpi_view(&spec(Some(ABOVE)), Some(&cur), Some(&prev), clock());
        assert_eq!(v.delta_tone, "worse");
        assert!(v.delta.unwrap().starts_with("▲ 100.0 %"));
    }

    #[test]
    fn sparkline_points_span_the_box_and_skip_gaps() {
        let pts = sparkline_points(&[(0, 1.0), (5, f64::NAN), (10, 3.0)], 100.0, 20.0);
        assert_eq!(pts, "0.0,20.0 100.0,0.0");
        assert_eq!(sparkline_points(&[], 100.0, 20.0), "");
    }

    #[test]
    fn several_series_get_a_note() {
        let mut f = frame(&[600_000], &[1.0]);
        f.series.push(f.series[0].clone());
        assert!(kpi_view(&spec(None), Some(&f), None, clock()).note.is_some());
    }
}

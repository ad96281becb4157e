//! The time-series chart's view model: decimated series, axis ranges and ticks, the plot
//! area, and the crosshair readout. The canvas code only paints what this computes.

use crate::core::decimate::m4_with_gaps;
use crate::core::format::{format_axis, format_value, nice_ticks};
use crate::core::frame::Frame;
use crate::core::spec::{Thresholds, Unit};
use crate::core::time::{time_ticks, TimeRange};
use std::collections::BTreeSet;

/// Series colours, distinguishable for common colour-vision deficiencies (Okabe–Ito).
pub const PALETTE: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

/// Space around the plot in CSS pixels: left holds y labels, bottom holds x labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

pub const MARGINS: Margins = Margins { left: 64.0, right: 12.0, top: 10.0, bottom: 24.0 };

/// One drawable series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub legend: String,
    pub color: &'static str,
    pub hidden: bool,
    /// Decimated samples; NaN values break the line.
    pub times: Vec<i64>,
    pub values: Vec<f64>,
}

/// Everything needed to paint one chart at one size.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartModel {
    pub from_ms: i64,
    pub to_ms: i64,
    pub y_min: f64,
    pub y_max: f64,
    pub unit: Unit,
    pub series: Vec<ChartSeries>,
    pub x_ticks: Vec<(i64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    /// Threshold lines: value and `warn`/`fail`.
    pub threshold_lines: Vec<(f64, &'static str)>,
    /// The zone the x axis is labelled in, e.g. "UTC" or "UTC+01:00".
    pub zone: String,
}

/// Inputs that are about presentation rather than data.
#[derive(Debug, Clone)]
pub struct ChartOptions<'a> {
    pub unit: Unit,
    pub thresholds: Option<&'a Thresholds>,
    pub width_px: u32,
    pub hidden: &'a BTreeSet<usize>,
    pub offset_minutes: i32,
}

/// Builds the chart model from the panel's frames (series of all queries, in order).
pub fn build(frames: &[Frame], range: TimeRange, opts: &ChartOptions) -> ChartModel {
    let plot_px = (opts.width_px as f64 - MARGINS.left - MARGINS.right).max(10.0) as u32;
    let mut series = Vec::new();
    for frame in frames {
        for s in &frame.series {
            let index = series.len();
            let d = m4_with_gaps(&s.times, &s.values, range.from_ms(), range.to_ms(), plot_px, frame.step_ms.max(1));
            series.push(ChartSeries {
                legend: s.legend(),
                color: PALETTE[index % PALETTE.len()],
                hidden: opts.hidden.contains(&index),
                times: d.times,
                values: d.values,
            });
        }
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in series.iter().filter(|s| !s.hidden) {
        for v in s.values.iter().filter(|v| v.is_finite()) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
    }
    let threshold_lines: Vec<(f64, &'static str)> = opts
        .thresholds
        .map(|t| [(t.warn, "warn"), (t.fail, "fail")].into_iter().filter_map(|(v, k)| v.filter(|v| v.is_finite()).map(|v| (v, k))).collect())
        .unwrap_or_default();
    if !lo.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if lo >= 0.0 {
        lo = 0.0;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let ticks = nice_ticks(lo, hi + (hi - lo) * 0.05, 5);
    let y_min = ticks.first().copied().unwrap_or(lo).min(lo);
    let y_max = ticks.last().copied().unwrap_or(hi).max(hi);
    let y_ticks = ticks.iter().map(|v| (*v, format_axis(*v, opts.unit))).collect();
    let max_x_ticks = ((plot_px / 90).max(2)) as usize;
    ChartModel {
        from_ms: range.from_ms(),
        to_ms: range.to_ms(),
        y_min,
        y_max,
        unit: opts.unit,
        series,
        x_ticks: time_ticks(range, max_x_ticks, opts.offset_minutes),
        y_ticks,
        threshold_lines,
        zone: zone_name(opts.offset_minutes),
    }
}

/// "UTC" or "UTC+05:30".
pub fn zone_name(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".into();
    }
    let sign = if offset_minutes > 0 { '+' } else { '-' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

impl ChartModel {
    /// The instant under a horizontal CSS pixel position, clamped to the range.
    pub fn time_at(&self, x: f64, width_px: f64) -> i64 {
        let plot = (width_px - MARGINS.left - MARGINS.right).max(1.0);
        let f = ((x - MARGINS.left) / plot).clamp(0.0, 1.0);
        self.from_ms + (f * (self.to_ms - self.from_ms) as f64).round() as i64
    }

    /// The horizontal CSS pixel position of an instant.
    pub fn x_of(&self, t: i64, width_px: f64) -> f64 {
        let plot = (width_px - MARGINS.left - MARGINS.right).max(1.0);
        MARGINS.left + (t - self.from_ms) as f64 / (self.to_ms - self.from_ms).max(1) as f64 * plot
    }

    /// Crosshair readout: each visible series' nearest sample to `t`, formatted.
    pub fn readout(&self, t: i64) -> Vec<(String, &'static str, String)> {
        self.series
            .iter()
            .filter(|s| !s.hidden)
            .map(|s| {
                let i = s.times.partition_point(|x| *x < t);
                let candidates = [i.checked_sub(1), Some(i).filter(|i| *i < s.times.len())];
                let best = candidates
                    .into_iter()
                    .flatten()
                    .filter(|j| s.values[*j].is_finite())
                    .min_by_key(|j| (s.times[*j] - t).abs());
                let text = best.map(|j| format_value(s.values[j], self.unit, None)).unwrap_or_else(|| "–".into());
                (s.legend.clone(), s.color, text)
            })
            .collect()
    }

    /// Number of series, hidden ones included (for `data-series`).
    pub fn series_count(&self) -> usize {
        self.series.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::frame::Series;

    fn frame() -> Frame {
        let times: Vec<i64> = (0..100).map(|i| i * 15_000).collect();
        let mut values: Vec<f64> = (0..100).map(|i| i as f64).collect();
        values[50] = f64::NAN;
        Frame {
            series: vec![Series { labels: vec![("service".into(), "gateway".into())], times, values }],
            step_ms: 15_000,
            notices: vec![],
        }
    }

    fn opts(hidden: &BTreeSet<usize>) -> ChartOptions<'_> {
        ChartOptions { unit: Unit::ReqPerSec, thresholds: None, width_px: 600, hidden, offset_minutes: 0 }
    }

    #[test]
    fn builds_series_with_legend_colour_and_axis() {
        let hidden = BTreeSet::new();
        let range = TimeRange::new(0, 99 * 15_000).unwrap();
        let m = build(&[frame()], range, &opts(&hidden));
        assert_eq!(m.series_count(), 1);
        assert_eq!(m.series[0].legend, "service=gateway");
        assert_eq!(m.y_min, 0.0);
        assert!(m.y_max >= 99.0);
        assert!(m.series[0].values.iter().any(|v| v.is_nan()), "the gap survives");
        assert_eq!(m.zone, "UTC");
    }

    #[test]
    fn pixel_time_mapping_round_trips() {
        let hidden = BTreeSet::new();
        let range = TimeRange::new(0, 1_000_000).unwrap();
        let m = build(&[frame()], range, &opts(&hidden));
        let x = m.x_of(250_000, 600.0);
        assert!((m.time_at(x, 600.0) - 250_000).abs() <= 1);
        assert_eq!(m.time_at(0.0, 600.0), 0);
    }

    #[test]
    fn readout_picks_the_nearest_finite_sample() {
        let hidden = BTreeSet::new();
        let range = TimeRange::new(0, 99 * 15_000).unwrap();
        let m = build(&[frame()], range, &opts(&hidden));
        let r = m.readout(10 * 15_000 + 1_000);
        assert_eq!(r.len(), 1);
        assert!(r[0].2.starts_with("10"), "{:?}", r);
    }

    #[test]
    fn zone_names() {
        assert_eq!(zone_name(0), "UTC");
        assert_eq!(zone_name(330), "UTC+05:30");
        assert_eq!(zone_name(-300), "UTC-05:00");
    }
}

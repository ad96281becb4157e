//! Exemplars on charts: the samples a datasource links to a trace, shown as small markers
//! over a chart that open their trace. This module turns exemplar answers (from
//! `core::prom::parse_exemplars` or `core::demo::exemplars`) into a bounded list of points,
//! places each point over a chart's plot area, words its label for assistive technology,
//! and plans the drill level that shows its trace.
//!
//! Pure: no IO, no clock. The chart's plot area is the one `core::chart` lays out
//! ([`MARGINS`]), so markers sit exactly over the painted series.

use crate::core::chart::{ChartModel, MARGINS};
use crate::core::drill::{level_below, window_label};
use crate::core::format::format_value;
use crate::core::prom::ExemplarSeries;
use crate::core::spec::{Dashboard, LayoutItem, Panel, PanelDef, TimeSpec, Unit, WaterfallSpec};
use crate::core::time::format_rfc3339_utc;
use crate::core::trace::TraceId;

/// The most exemplars one chart shows; more are thinned by [`spread`].
pub const MAX_EXEMPLARS: usize = 500;

/// One exemplar ready for a chart: when, its value, the trace it links to (lowercase hex)
/// and the series it belongs to (as `label=value` text).
#[derive(Debug, Clone, PartialEq)]
pub struct ExemplarPoint {
    pub t_ms: i64,
    pub value: f64,
    pub trace_id: String,
    pub series: String,
}

/// The exemplars of one chart after collection: the points kept, how many had no usable
/// trace id, and how many the cap left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Collected {
    pub points: Vec<ExemplarPoint>,
    pub without_trace: usize,
    pub dropped: usize,
}

impl Collected {
    /// A short note for the chart when something was left out, else `None`.
    pub fn note(&self) -> Option<String> {
        let shown = self.points.len();
        let capped = (self.dropped > 0).then(|| format!("Showing {shown} of {} exemplars.", shown + self.dropped));
        let untraced = match self.without_trace {
            0 => None,
            1 => Some("1 exemplar without a trace id is not shown.".to_string()),
            n => Some(format!("{n} exemplars without a trace id are not shown.")),
        };
        match (capped, untraced) {
            (None, None) => None,
            (Some(a), None) | (None, Some(a)) => Some(a),
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
        }
    }
}

/// The series labels as text, `__name__` left out (its name when nothing else is left;
/// empty for a series without labels).
fn series_text(labels: &[(String, String)]) -> String {
    let parts: Vec<String> = labels.iter().filter(|(k, _)| k != "__name__").map(|(k, v)| format!("{k}={v}")).collect();
    if parts.is_empty() {
        labels.iter().find(|(k, _)| k == "__name__").map(|(_, v)| v.clone()).unwrap_or_default()
    } else {
        parts.join(", ")
    }
}

/// Flattens exemplar answers (several queries' answers may be appended) into points with
/// a valid trace id, drops exact duplicates (same trace at the same instant) and keeps at
/// most `max` of them with [`spread`]. Points come out sorted by time.
pub fn collect(answers: &[ExemplarSeries], max: usize) -> Collected {
    let mut points = Vec::new();
    let mut without_trace = 0;
    for s in answers {
        let series = series_text(&s.series_labels);
        for e in &s.exemplars {
            match e.trace_id().and_then(|t| TraceId::parse(t).ok()) {
                Some(id) => points.push(ExemplarPoint { t_ms: e.time_ms, value: e.value, trace_id: id.to_hex(), series: series.clone() }),
                None => without_trace += 1,
            }
        }
    }
    crate::core::sort::sort_by(&mut points, |a, b| {
        (a.t_ms, &a.trace_id, &a.series).cmp(&(b.t_ms, &b.trace_id, &b.series))
    });
    points.dedup_by(|b, a| a.t_ms == b.t_ms && a.trace_id == b.trace_id && a.series == b.series);
    let before = points.len();
    let points = spread(points, max);
    Collected { dropped: before - points.len(), points, without_trace }
}

/// Keeps at most `max` points of a time-sorted list, spread over its whole time span: the
/// span is cut into `max` equal slots and each slot keeps its newest point; any room left
/// goes to the newest of the rest. The newest point is always kept; the result stays sorted.
pub fn spread(points: Vec<ExemplarPoint>, max: usize) -> Vec<ExemplarPoint> {
    if points.len() <= max {
        return points;
    }
    if max == 0 {
        return Vec::new();
    }
    let first = points[0].t_ms;
    let span = (points[points.len() - 1].t_ms - first) as i128 + 1;
    let mut chosen = vec![false; points.len()];
    let mut newest_in_slot: Vec<Option<usize>> = vec![None; max];
    for (i, p) in points.iter().enumerate() {
        let slot = ((p.t_ms - first) as i128 * max as i128 / span) as usize;
        newest_in_slot[slot.min(max - 1)] = Some(i);
    }
    let mut kept = 0;
    for i in newest_in_slot.into_iter().flatten() {
        chosen[i] = true;
        kept += 1;
    }
    for i in (0..points.len()).rev() {
        if kept >= max {
            break;
        }
        if !chosen[i] {
            chosen[i] = true;
            kept += 1;
        }
    }
    points.into_iter().zip(chosen).filter(|(_, c)| *c).map(|(p, _)| p).collect()
}

/// Where a sample falls in a plot area, as fractions: `x` from the left edge and `y` from
/// the top edge, each in `[0, 1]`. `None` when the instant is outside `from_ms..=to_ms` or
/// the value is not a number; a value beyond the y range sits on the nearer edge and
/// `clamped` says so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fraction {
    pub x: f64,
    pub y: f64,
    pub clamped: bool,
}

/// See [`Fraction`].
pub fn fraction(t_ms: i64, value: f64, from_ms: i64, to_ms: i64, y_min: f64, y_max: f64) -> Option<Fraction> {
    if to_ms <= from_ms || t_ms < from_ms || t_ms > to_ms || value.is_nan() {
        return None;
    }
    let x = (t_ms - from_ms) as f64 / (to_ms - from_ms) as f64;
    let up = if y_max > y_min && y_max.is_finite() && y_min.is_finite() { (value - y_min) / (y_max - y_min) } else { 0.0 };
    let clamped = !(0.0..=1.0).contains(&up);
    Some(Fraction { x, y: 1.0 - up.clamp(0.0, 1.0), clamped })
}

/// One marker over a chart: which point, and its centre in CSS pixels from the chart
/// area's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub index: usize,
    pub left_px: f64,
    pub top_px: f64,
    pub clamped: bool,
}

/// The markers of `points` over a chart of `width_px` × `height_px` CSS pixels painted from
/// `model` (points outside its time range are left out).
pub fn markers(model: &ChartModel, points: &[ExemplarPoint], width_px: f64, height_px: f64) -> Vec<Marker> {
    let plot_w = (width_px - MARGINS.left - MARGINS.right).max(1.0);
    let plot_h = (height_px - MARGINS.top - MARGINS.bottom).max(1.0);
    points
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            let f = fraction(p.t_ms, p.value, model.from_ms, model.to_ms, model.y_min, model.y_max)?;
            Some(Marker { index, left_px: MARGINS.left + f.x * plot_w, top_px: MARGINS.top + f.y * plot_h, clamped: f.clamped })
        })
        .collect()
}

/// The side of a marker's tap area on a phone, in CSS pixels (the usual minimum touch target).
pub const TAP_PX: f64 = 44.0;

/// The widest viewport, in CSS pixels, laid out for phones (where markers are thinned).
pub const NARROW_VIEWPORT_PX: f64 = 720.0;

/// The markers a phone shows: at most one per [`TAP_PX`]-wide column, so that tap areas
/// never overlap and most of the chart stays free for its own taps. The newest (rightmost)
/// marker is always kept, then each marker at least [`TAP_PX`] left of the last one kept.
/// The result keeps the input's order.
pub fn thin_for_taps(mut markers: Vec<Marker>) -> Vec<Marker> {
    let mut order: Vec<usize> = (0..markers.len()).collect();
    // Rightmost first; among equal positions the newest point (highest index) first.
    crate::core::sort::sort_by(&mut order, |&a, &b| {
        markers[b].left_px.total_cmp(&markers[a].left_px).then(markers[b].index.cmp(&markers[a].index))
    });
    let mut keep = vec![false; markers.len()];
    let mut last: Option<f64> = None;
    for i in order {
        let left = markers[i].left_px;
        if last.is_none_or(|l| l - left >= TAP_PX) {
            keep[i] = true;
            last = Some(left);
        }
    }
    let mut flags = keep.into_iter();
    markers.retain(|_| flags.next().unwrap_or(false));
    markers
}

/// The marker's accessible name: time (UTC), value in the chart's unit, series and trace.
pub fn label(p: &ExemplarPoint, unit: Unit) -> String {
    let series = if p.series.is_empty() { String::new() } else { format!(", {}", p.series) };
    format!("Exemplar at {}, value {}{series}, trace {}. Open the trace.", format_rfc3339_utc(p.t_ms), format_value(p.value, unit, None), p.trace_id)
}

/// The level below `current` that shows trace `trace_hex` (from `datasource`) in a
/// waterfall, over `from_ms..to_ms` (the exemplar's bucket); the title names the trace
/// and the window, and the breadcrumbs lead back.
pub fn trace_level(current: &Dashboard, trace_hex: &str, from_ms: i64, to_ms: i64, datasource: &str) -> Dashboard {
    let short: String = trace_hex.chars().take(8).collect();
    let title = format!("Trace {short}… · {}", window_label(from_ms, to_ms));
    let panel = Panel {
        id: "trace".into(),
        title: "Exemplar trace".into(),
        datasource: datasource.to_string(),
        def: PanelDef::Waterfall(WaterfallSpec { trace_id: Some(trace_hex.to_string()), ..WaterfallSpec::default() }),
    };
    let child = Dashboard {
        title,
        time: TimeSpec::Absolute { from_ms, to_ms: to_ms.max(from_ms + 1) },
        refresh_s: 0,
        panels: vec![panel],
        layout: vec![LayoutItem { panel: "trace".into(), x: 0, y: 0, w: 12, h: 12 }],
        ..current.clone()
    };
    level_below(current, child)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::chart::{build, ChartOptions};
    use crate::core::frame::{Frame, Series};
    use crate::core::prom::Exemplar;
    use crate::core::time::TimeRange;
    use std::collections::BTreeSet;

    fn point(t_ms: i64) -> ExemplarPoint {
        ExemplarPoint { t_ms, value: 1.0, trace_id: format!("{t_ms:032x}"), series: "s".into() }
    }

    fn answer(series: &[(&str, &str)], exemplars: Vec<(i64, f64, Option<&str>)>) -> ExemplarSeries {
        ExemplarSeries {
            series_labels: series.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            exemplars: exemplars
                .into_iter()
                .map(|(t, v, id)| Exemplar {
                    labels: id.map(|id| vec![("trace_id".to_string(), id.to_string())]).unwrap_or_default(),
                    value: v,
                    time_ms: t,
                })
                .collect(),
        }
    }

    #[test]
    fn collect_keeps_valid_trace_ids_sorted_and_counts_the_rest() {
        let a = answer(
            &[("__name__", "x_bucket"), ("service", "billing")],
            vec![
                (3_000, 0.5, Some("4BF92F3577B34DA6A3CE929D0E0E4736")),
                (1_000, 0.2, Some("00f067aa0ba902b7")),
                (2_000, 0.3, None),
                (2_500, 0.3, Some("not a trace id")),
                (1_000, 0.2, Some("00f067aa0ba902b7")),
            ],
        );
        let c = collect(&[a], MAX_EXEMPLARS);
        let ids: Vec<&str> = c.points.iter().map(|p| p.trace_id.as_str()).collect();
        assert_eq!(ids, ["000000000000000000f067aa0ba902b7", "4bf92f3577b34da6a3ce929d0e0e4736"]);
        assert_eq!(c.points[0].series, "service=billing");
        assert_eq!((c.without_trace, c.dropped), (2, 0));
        assert_eq!(c.note().unwrap(), "2 exemplars without a trace id are not shown.");
        // The `traceID` spelling (OpenTelemetry's Java agent) works too.
        let mut other = answer(&[], vec![(5, 1.0, None)]);
        other.exemplars[0].labels = vec![("traceID".into(), "00f067aa0ba902b7".into())];
        let unlabelled = collect(&[other], 10).points[0].clone();
        assert_eq!(unlabelled.series, "");
        assert!(label(&unlabelled, Unit::Seconds).contains(", trace 000000000000000000f067aa0ba902b7."), "no empty series part");
    }

    #[test]
    fn the_cap_spreads_points_over_the_span_and_keeps_the_newest() {
        // 2,000 points, crowded at the end: the cap keeps 500, the newest among them, and
        // every tenth of the span still has points.
        let mut ts: Vec<i64> = (0..1_000).map(|i| i * 1_000).collect();
        ts.extend((0..1_000).map(|i| 1_000_000 + i * 10));
        let points: Vec<ExemplarPoint> = ts.iter().map(|t| point(*t)).collect();
        let newest = points.last().unwrap().clone();
        let kept = spread(points, MAX_EXEMPLARS);
        assert_eq!(kept.len(), MAX_EXEMPLARS);
        assert_eq!(kept.last(), Some(&newest));
        assert!(kept.windows(2).all(|w| w[0].t_ms <= w[1].t_ms), "sorted");
        let span = 1_000_000 + 999 * 10;
        for tenth in 0..10 {
            let (a, b) = (span * tenth / 10, span * (tenth + 1) / 10);
            assert!(kept.iter().any(|p| p.t_ms >= a && p.t_ms < b), "a point in {a}..{b}");
        }
        // Under the cap nothing changes; a zero cap keeps nothing; equal instants still cap.
        assert_eq!(spread(vec![point(1), point(2)], 5).len(), 2);
        assert!(spread(vec![point(1), point(2)], 0).is_empty());
        let same: Vec<ExemplarPoint> = (0..20).map(|i| ExemplarPoint { trace_id: format!("{i:032x}"), ..point(7) }).collect();
        let kept = spread(same, 3);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept.last().unwrap().trace_id, format!("{:032x}", 19));
    }

    #[test]
    fn collect_reports_what_the_cap_dropped() {
        let many: Vec<(i64, f64, Option<&str>)> = (0..600).map(|i| (i as i64 * 1_000, 1.0, Some("00f067aa0ba902b7"))).collect();
        let c = collect(&[answer(&[("job", "api")], many)], MAX_EXEMPLARS);
        assert_eq!((c.points.len(), c.dropped), (500, 100));
        assert_eq!(c.note().unwrap(), "Showing 500 of 600 exemplars.");
        let mut both = c.clone();
        both.without_trace = 1;
        assert_eq!(both.note().unwrap(), "Showing 500 of 600 exemplars. 1 exemplar without a trace id is not shown.");
        assert_eq!(Collected::default().note(), None);
    }

    #[test]
    fn fractions_map_time_and_value_into_the_plot_area() {
        let f = fraction(1_500, 25.0, 1_000, 3_000, 0.0, 100.0).unwrap();
        assert_eq!((f.x, f.y, f.clamped), (0.25, 0.75, false));
        let corner = fraction(1_000, 100.0, 1_000, 3_000, 0.0, 100.0).unwrap();
        assert_eq!((corner.x, corner.y), (0.0, 0.0));
        let end = fraction(3_000, 0.0, 1_000, 3_000, 0.0, 100.0).unwrap();
        assert_eq!((end.x, end.y), (1.0, 1.0));
        // Beyond the y range: on the edge, flagged; outside the time range or NaN: none.
        let high = fraction(2_000, 250.0, 1_000, 3_000, 0.0, 100.0).unwrap();
        assert_eq!((high.y, high.clamped), (0.0, true));
        assert_eq!(fraction(2_000, f64::NEG_INFINITY, 1_000, 3_000, 0.0, 100.0).unwrap().y, 1.0);
        assert!(fraction(999, 1.0, 1_000, 3_000, 0.0, 100.0).is_none());
        assert!(fraction(3_001, 1.0, 1_000, 3_000, 0.0, 100.0).is_none());
        assert!(fraction(2_000, f64::NAN, 1_000, 3_000, 0.0, 100.0).is_none());
        assert!(fraction(2_000, 1.0, 3_000, 3_000, 0.0, 100.0).is_none());
    }

    #[test]
    fn markers_sit_where_the_chart_paints_the_same_sample() {
        let times: Vec<i64> = (0..=60).map(|i| i * 60_000).collect();
        let values: Vec<f64> = (0..=60).map(|i| i as f64).collect();
        let frame = Frame { series: vec![Series { labels: vec![], times, values }], step_ms: 60_000, notices: vec![] };
        let hidden = BTreeSet::new();
        let range = TimeRange::new(0, 3_600_000).unwrap();
        let opts = ChartOptions { unit: Unit::Seconds, thresholds: None, width_px: 676, hidden: &hidden, offset_minutes: 0 };
        let model = build(&[frame], range, &opts);
        let (w, h) = (676.0, 234.0);
        let at = |t: i64, v: f64| ExemplarPoint { t_ms: t, value: v, trace_id: "a".into(), series: "s".into() };
        let points = [at(1_800_000, model.y_min), at(3_600_000, model.y_max), at(4_000_000, 1.0)];
        let m = markers(&model, &points, w, h);
        assert_eq!(m.len(), 2, "the point after the range is left out");
        // Half-way in time at the bottom of the plot; the end at its top-right corner.
        assert_eq!(m[0].left_px, model.x_of(1_800_000, w));
        assert_eq!(m[0].left_px, MARGINS.left + (w - MARGINS.left - MARGINS.right) / 2.0);
        assert_eq!(m[0].top_px, h - MARGINS.bottom);
        assert_eq!((m[1].left_px, m[1].top_px), (w - MARGINS.right, MARGINS.top));
    }

    #[test]
    fn phones_keep_one_marker_per_tap_column_the_newest_first() {
        let at = |index: usize, left_px: f64| Marker { index, left_px, top_px: 50.0, clamped: false };
        // Crowded on the left, sparse on the right: the rightmost is kept, then one per 44 px.
        let all = vec![at(0, 10.0), at(1, 20.0), at(2, 30.0), at(3, 60.0), at(4, 100.0), at(5, 200.0), at(6, 230.0)];
        let kept: Vec<usize> = thin_for_taps(all).iter().map(|m| m.index).collect();
        assert_eq!(kept, [2, 4, 6], "in input order, at least 44 px apart");
        // Markers at one instant: only the newest point of them stays.
        let same = vec![at(0, 80.0), at(1, 80.0), at(2, 80.0)];
        assert_eq!(thin_for_taps(same).iter().map(|m| m.index).collect::<Vec<_>>(), [2]);
        assert!(thin_for_taps(Vec::new()).is_empty());
        // Over a 360 px phone chart, 500 markers become at most one per column.
        let many: Vec<Marker> = (0..500).map(|i| at(i, 70.0 + i as f64 * 0.55)).collect();
        let kept = thin_for_taps(many);
        assert!(kept.len() <= (275.0 / TAP_PX) as usize + 1, "{}", kept.len());
        assert!(kept.windows(2).all(|w| w[1].left_px - w[0].left_px >= TAP_PX));
        assert_eq!(kept.last().unwrap().index, 499, "the newest stays");
    }

    #[test]
    fn the_label_names_time_value_series_and_trace() {
        let p = ExemplarPoint { t_ms: 1_700_000_000_000, value: 1.25, trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(), series: "service=billing".into() };
        let text = label(&p, Unit::Seconds);
        assert!(text.starts_with("Exemplar at 2023-11-14T22:13:20"), "{text}");
        assert!(text.contains("service=billing") && text.contains("4bf92f3577b34da6a3ce929d0e0e4736"), "{text}");
        assert!(text.contains(&format_value(1.25, Unit::Seconds, None)), "{text}");
    }

    #[test]
    fn the_trace_level_shows_one_waterfall_below_the_current_dashboard() {
        let parent = crate::core::dashboards::shop_overview();
        let d = trace_level(&parent, "4bf92f3577b34da6a3ce929d0e0e4736", 60_000, 75_000, "jaeger");
        assert_eq!(d.trail.len(), 1);
        assert_eq!(d.trail[0].title, "Shop overview");
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 60_000, to_ms: 75_000 });
        assert!(d.title.starts_with("Trace 4bf92f35… · "), "{}", d.title);
        assert_eq!(d.panels.len(), 1);
        assert_eq!(d.panels[0].datasource, "jaeger");
        let PanelDef::Waterfall(w) = &d.panels[0].def else { panic!("a waterfall") };
        assert_eq!(w.trace_id.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert_eq!(d.layout[0].panel, "trace");
    }
}

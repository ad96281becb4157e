//! Accessibility helpers: a chart's text summary (its `aria-label`), the chart's data as a
//! small text table, and WCAG contrast ratios for checking the colour palette.
//!
//! Everything here works on the chart's view model, so what a screen reader hears is
//! what the canvas shows.

use crate::core::chart::ChartModel;
use crate::core::format::format_value;
use crate::core::time::{format_local, format_rfc3339_utc};

/// At most this many series are described one by one in a summary.
pub const SUMMARY_SERIES: usize = 6;

/// At most this many rows are in a chart's table.
pub const TABLE_ROWS: usize = 60;

/// The last, lowest and highest finite value of a series, if it has any.
fn last_min_max(values: &[f64]) -> Option<(f64, f64, f64)> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let last = finite.clone().last()?;
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    Some((last, lo, hi))
}

/// The chart's summary for `aria-label`: how many series, the unit, and each series' last,
/// minimum and maximum value (the first [`SUMMARY_SERIES`] of them).
///
/// Example: `Chart, 2 series, unit req/s. gateway: last 12 req/s, min 3 req/s, max 20
/// req/s. cart: no data.`
pub fn chart_summary(model: &ChartModel) -> String {
    let unit = match format_value(1.0, model.unit, None).split_once(' ') {
        Some((_, unit)) => format!(", unit {unit}"),
        None => String::new(),
    };
    let count = model.series.len();
    let mut out = format!("Chart, {count} series{unit}.");
    if count == 0 {
        out.push_str(" No data.");
    }
    for s in model.series.iter().take(SUMMARY_SERIES) {
        let f = |v: f64| format_value(v, model.unit, None);
        match last_min_max(&s.values) {
            Some((last, lo, hi)) => out.push_str(&format!(
                " {}: last {}, min {}, max {}.",
                s.legend,
                f(last),
                f(lo),
                f(hi)
            )),
            None => out.push_str(&format!(" {}: no data.", s.legend)),
        }
    }
    if count > SUMMARY_SERIES {
        out.push_str(&format!(" And {} more series.", count - SUMMARY_SERIES));
    }
    out
}

/// A chart's data as text: a time column and one column per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartTable {
    /// Column headings: `Time (UTC)`, then each series' legend.
    pub headers: Vec<String>,
    /// Each row: the time, then one formatted value per series (`–` when there is none).
    pub rows: Vec<Vec<String>>,
}

/// The chart's data as a table of at most `max_rows` evenly spaced instants across the
/// range (ends included), each cell holding the series' sample nearest to that instant
/// within half a row's spacing. Hidden series keep their column. Times are in the zone
/// `offset_minutes` east of UTC.
pub fn chart_table(model: &ChartModel, max_rows: usize, offset_minutes: i32) -> ChartTable {
    let mut headers = vec![format!("Time ({})", model.zone)];
    headers.extend(model.series.iter().map(|s| s.legend.clone()));
    let span = (model.to_ms - model.from_ms).max(0);
    let rows_wanted = max_rows.max(2);
    // Distinct sample instants bound the useful number of rows.
    let samples = model
        .series
        .iter()
        .map(|s| s.times.len())
        .max()
        .unwrap_or(0);
    let n = rows_wanted.min(samples.max(1));
    if model.series.is_empty() || samples == 0 {
        return ChartTable {
            headers,
            rows: Vec::new(),
        };
    }
    let spacing = if n > 1 {
        span as f64 / (n - 1) as f64
    } else {
        span as f64
    };
    let rows = (0..n)
        .map(|i| {
            let t = model.from_ms + (spacing * i as f64).round() as i64;
            let stamp = if offset_minutes == 0 {
                format_rfc3339_utc(t)
            } else {
                format_local(t, offset_minutes)
            };
            let mut row = vec![stamp];
            row.extend(model.series.iter().map(|s| {
                nearest(&s.times, &s.values, t, (spacing / 2.0).max(1.0))
                    .map(|v| format_value(v, model.unit, None))
                    .unwrap_or_else(|| "–".into())
            }));
            row
        })
        .collect();
    ChartTable { headers, rows }
}

/// The finite value whose time is nearest to `t`, no further than `within` ms away.
fn nearest(times: &[i64], values: &[f64], t: i64, within: f64) -> Option<f64> {
    let i = times.partition_point(|x| *x < t);
    [i.checked_sub(1), Some(i).filter(|i| *i < times.len())]
        .into_iter()
        .flatten()
        .filter(|j| values.get(*j).is_some_and(|v| v.is_finite()))
        .min_by_key(|j| (times[*j] - t).abs())
        .filter(|j| ((times[*j] - t).abs() as f64) <= within)
        .map(|j| values[j])
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#rrggbb` or `#rgb` (any case); anything else is `None`.
    pub fn parse_hex(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize, len: usize| u8::from_str_radix(&hex[i..i + len], 16).ok();
        match hex.len() {
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            _ => None,
        }
    }

    /// WCAG 2 relative luminance, from 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// The WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white); the
/// order of the arguments does not matter.
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG AA's minimum contrast for normal-size text.
pub const AA_TEXT: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::chart::ChartSeries;
    use crate::core::spec::Unit;

    fn series(legend: &str, times: Vec<i64>, values: Vec<f64>) -> ChartSeries {
        ChartSeries {
            legend: legend.into(),
            color: "#000000",
            hidden: false,
            times,
            values,
        }
    }

    fn model(series: Vec<ChartSeries>, unit: Unit) -> ChartModel {
        ChartModel {
            from_ms: 0,
            to_ms: 60_000,
            y_min: 0.0,
            y_max: 1.0,
            unit,
            series,
            x_ticks: vec![],
            y_ticks: vec![],
            threshold_lines: vec![],
            zone: "UTC".into(),
        }
    }

    #[test]
    fn summary_names_count_unit_and_each_series_range() {
        let m = model(
            vec![
                series("gateway", vec![0, 30_000, 60_000], vec![3.0, 20.0, 12.0]),
                series("cart", vec![0, 60_000], vec![f64::NAN, f64::NAN]),
            ],
            Unit::ReqPerSec,
        );
        assert_eq!(
            chart_summary(&m),
            "Chart, 2 series, unit req/s. gateway: last 12 req/s, min 3 req/s, max 20 req/s. cart: no data."
        );
        let percent = model(
            vec![series("errors", vec![0, 60_000], vec![1.5, f64::NAN])],
            Unit::Percent,
        );
        assert_eq!(
            chart_summary(&percent),
            "Chart, 1 series, unit %. errors: last 1.5 %, min 1.5 %, max 1.5 %."
        );
        assert_eq!(
            chart_summary(&model(vec![], Unit::None)),
            "Chart, 0 series. No data."
        );
    }

    #[test]
    fn summary_caps_the_series_it_describes() {
        let many = (0..9)
            .map(|i| series(&format!("s{i}"), vec![0], vec![i as f64]))
            .collect();
        let text = chart_summary(&model(many, Unit::None));
        assert!(text.starts_with("Chart, 9 series."), "{text}");
        assert!(
            text.contains("s5: last 5") && !text.contains("s6:"),
            "{text}"
        );
        assert!(text.ends_with("And 3 more series."), "{text}");
    }

    #[test]
    fn table_has_one_column_per_series_and_bounded_rows() {
        let times: Vec<i64> = (0..=60).map(|i| i * 1000).collect();
        let values: Vec<f64> = (0..=60).map(|i| i as f64).collect();
        let mut hidden = series("b", times.clone(), values.iter().map(|v| v * 2.0).collect());
        hidden.hidden = true;
        let m = model(vec![series("a", times, values), hidden], Unit::None);
        let t = chart_table(&m, 7, 0);
        assert_eq!(t.headers, ["Time (UTC)", "a", "b"]);
        assert_eq!(t.rows.len(), 7);
        assert_eq!(t.rows[0], ["1970-01-01T00:00:00Z", "0", "0"]);
        assert_eq!(t.rows[1], ["1970-01-01T00:00:10Z", "10", "20"]);
        assert_eq!(t.rows[6], ["1970-01-01T00:01:00Z", "60", "120"]);
        assert!(t.rows.iter().all(|r| r.len() == 3));
        assert_eq!(
            chart_table(&m, 1000, 0).rows.len(),
            61,
            "never more rows than samples"
        );
        assert_eq!(
            chart_table(&m, 3, 60).rows[0][0],
            "1970-01-01 01:00:00 +01:00"
        );
    }

    #[test]
    fn table_cells_without_a_nearby_sample_are_dashes() {
        let m = model(
            vec![
                series("a", vec![0, 30_000, 60_000], vec![1.0, f64::NAN, f64::NAN]),
                series("empty", vec![], vec![]),
            ],
            Unit::None,
        );
        let t = chart_table(&m, 3, 0);
        let cells: Vec<Vec<&str>> = t.rows.iter().map(|r| r[1..].iter().map(String::as_str).collect()).collect();
        assert_eq!(cells, [vec!["1", "–"], vec!["–", "–"], vec!["–", "–"]]);
        assert_eq!(chart_table(&model(vec![], Unit::None), 10, 0).rows.len(), 0);
    }

    #[test]
    fn contrast_ratio_matches_wcag_examples() {
        let cases = [
            (("#000000", "#ffffff"), 21.0),
            (("#fff", "#FFFFFF"), 1.0),
            (("#777777", "#ffffff"), 4.48),
            (("#0072b2", "#ffffff"), 5.19),
        ];
        for ((a, b), expected) in cases {
            let ratio = contrast_ratio(Rgb::parse_hex(a).unwrap(), Rgb::parse_hex(b).unwrap());
            assert!((ratio - expected).abs() < 0.01, "{a} on {b}: {ratio}");
        }
        for bad in ["", "#12", "#12345g", "123456", "#1234567"] {
            assert_eq!(Rgb::parse_hex(bad), None, "{bad}");
        }
    }

    /// Reads the `--nk-*: #hex;` variables of the first block whose selector line starts
    /// with `selector`.
    fn palette(css: &str, selector: &str) -> std::collections::HashMap<String, Rgb> {
        let start = css
            .find(selector)
            .unwrap_or_else(|| panic!("no block {selector}"));
        let block = &css[start..];
        let block = &block[block.find('{').unwrap() + 1..block.find('}').unwrap()];
        block
            .split(';')
            .filter_map(|decl| {
                let (name, value) = decl.split_once(':')?;
                let name = name.trim().strip_prefix("--nk-")?;
                Some((name.to_string(), Rgb::parse_hex(value)?))
            })
            .collect()
    }

    /// Text/background pairs the stylesheets use: body text, muted text, links and accents,
    /// status words on the page, on panels and on their own tinted backgrounds, and text on
    /// accent-filled buttons.
    const PAIRS: &[(&str, &str)] = &[
        ("text", "bg"),
        ("text", "surface"),
        ("muted", "bg"),
        ("muted", "surface"),
        ("accent", "bg"),
        ("accent", "surface"),
        ("on-accent", "accent"),
        ("ok", "surface"),
        ("ok", "bg"),
        ("ok", "ok-bg"),
        ("warn", "surface"),
        ("warn", "bg"),
        ("warn", "warn-bg"),
        ("fail", "surface"),
        ("fail", "bg"),
        ("fail", "fail-bg"),
        ("unknown", "surface"),
        ("unknown", "bg"),
        ("unknown", "unknown-bg"),
        ("text", "fail-bg"),
        ("text", "warn-bg"),
        ("muted", "warn-bg"),
        ("muted", "fail-bg"),
    ];

    #[test]
    fn palette_meets_wcag_aa_in_both_themes() {
        let css = include_str!("../../style/base.css");
        let light = palette(css, ":root {");
        let dark = palette(css, ":root[data-theme=\"dark\"]");
        let system_dark = palette(css, ":root:not([data-theme=\"light\"])");
        assert_eq!(
            dark, system_dark,
            "the system dark theme and the chosen dark theme agree"
        );
        let mut report = Vec::new();
        for (theme, colours) in [("light", &light), ("dark", &dark)] {
            for (fg, bg) in PAIRS {
                let (Some(a), Some(b)) = (colours.get(*fg), colours.get(*bg)) else {
                    panic!("{theme}: --nk-{fg} or --nk-{bg} is missing");
                };
                let ratio = contrast_ratio(*a, *b);
                report.push(format!("{theme} {fg}/{bg} {ratio:.2}"));
                assert!(
                    ratio >= AA_TEXT,
                    "{theme}: --nk-{fg} on --nk-{bg} is {ratio:.2}:1, below {AA_TEXT}:1"
                );
            }
        }
        // `cargo test -- --nocapture palette` prints the table.
        println!("{}", report.join("\n"));
    }
}

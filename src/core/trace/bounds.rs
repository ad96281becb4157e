//! Time-to-fraction mapping for the waterfall's time axis and the virtual window's row lookup
//! (the shapes of Jaeger UI's `createViewedBoundsFunc` and `Positions`).
//!
//! Times are epoch µs as `i64`; only offsets from the trace start go through `f64`, so epoch
//! magnitudes never lose precision. This module must never know about spans, the DOM or a
//! canvas: it maps numbers to numbers.

/// Maps span times to fractions of the viewed window: 0 is the window's left edge, 1 its
/// right edge; values outside 0..=1 are off-screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewedBounds {
    trace_start_us: i64,
    /// Offset of the window's left edge from the trace start, µs.
    view_min: f64,
    /// Width of the window, µs (never zero).
    view_width: f64,
}

/// The mapping for a trace from `trace_start_us` to `trace_end_us`, zoomed to the fractions
/// `view_start..view_end` of it (0 and 1 show everything). Fractions are clamped to 0..=1 and
/// put in order; an empty trace or window gets a width of 1 µs instead of dividing by zero.
pub fn viewed_bounds(trace_start_us: i64, trace_end_us: i64, view_start: f64, view_end: f64) -> ViewedBounds {
    let clamp = |f: f64| if f.is_finite() { f.clamp(0.0, 1.0) } else { 0.0 };
    let (a, b) = (clamp(view_start), clamp(view_end));
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let duration = trace_end_us.saturating_sub(trace_start_us).max(0) as f64;
    let view_min = duration * a;
    let view_width = (duration * b - view_min).max(1.0);
    ViewedBounds { trace_start_us, view_min, view_width }
}

impl ViewedBounds {
    /// The fraction of the window at an instant.
    pub fn fraction(&self, t_us: i64) -> f64 {
        (t_us.saturating_sub(self.trace_start_us) as f64 - self.view_min) / self.view_width
    }

    /// The fractions of a span's start and end.
    pub fn at(&self, start_us: i64, end_us: i64) -> (f64, f64) {
        (self.fraction(start_us), self.fraction(end_us))
    }

    /// True when any part of `start..end` falls inside the window.
    pub fn is_visible(&self, start_us: i64, end_us: i64) -> bool {
        let (s, e) = self.at(start_us, end_us);
        e >= 0.0 && s <= 1.0
    }

    /// The instant at a fraction of the window (for the time axis and the cursor readout).
    pub fn time_at(&self, fraction: f64) -> i64 {
        self.trace_start_us.saturating_add((self.view_min + fraction * self.view_width).round() as i64)
    }
}

/// The top of each row from the row heights, plus the total height as a last entry.
pub fn row_tops(heights: &[f64]) -> Vec<f64> {
    let mut tops = Vec::with_capacity(heights.len() + 1);
    let mut y = 0.0;
    tops.push(0.0);
    for h in heights {
        y += h.max(0.0);
        tops.push(y);
    }
    tops
}

/// The index of the row that contains `scroll_top`, by binary search over ascending row tops
/// (as from [`row_tops`], with or without the trailing total). Above the first row gives 0;
/// below the last gives the last row.
pub fn first_visible_row(row_tops: &[f64], scroll_top: f64) -> usize {
    let after = row_tops.partition_point(|top| *top <= scroll_top);
    after.saturating_sub(1).min(row_tops.len().saturating_sub(1))
}

/// The rows to paint for a viewport: from the first visible row to the row containing the
/// viewport's bottom, widened by `overscan` rows on each side and limited to `row_count`.
pub fn visible_range(row_tops: &[f64], row_count: usize, scroll_top: f64, viewport: f64, overscan: usize) -> std::ops::Range<usize> {
    if row_count == 0 {
        return 0..0;
    }
    let first = first_visible_row(row_tops, scroll_top).min(row_count - 1);
    let last = first_visible_row(row_tops, scroll_top + viewport.max(0.0)).min(row_count - 1);
    first.saturating_sub(overscan)..(last + 1 + overscan).min(row_count)
}

/// [`visible_range`] for rows that are all `row_h` tall: row `i` starts at `i × row_h`, so no
/// table of tops is built and the cost does not grow with the row count.
pub fn uniform_visible_range(row_count: usize, row_h: f64, scroll_top: f64, viewport: f64, overscan: usize) -> std::ops::Range<usize> {
    if row_count == 0 || !(row_h > 0.0) {
        return 0..0;
    }
    // A negative or NaN offset counts as the top; the float-to-int cast saturates at the end.
    let row_at = |y: f64| if y.is_nan() || y <= 0.0 { 0 } else { ((y / row_h).floor() as usize).min(row_count - 1) };
    let scroll_top = if scroll_top.is_nan() { 0.0 } else { scroll_top };
    let first = row_at(scroll_top);
    let last = row_at(scroll_top + viewport.max(0.0));
    first.saturating_sub(overscan)..(last + 1 + overscan).min(row_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::type_complexity)] // The case table reads best as inline tuples.
    fn maps_times_to_fractions_of_the_view() {
        let t0 = 1_718_000_000_000_000;
        let cases: &[((f64, f64), (i64, i64), (f64, f64))] = &[
            ((0.0, 1.0), (0, 1000), (0.0, 1.0)),
            ((0.0, 1.0), (250, 500), (0.25, 0.5)),
            ((0.5, 1.0), (500, 750), (0.0, 0.5)),
            ((0.25, 0.75), (0, 1000), (-0.5, 1.5)),
            ((0.75, 0.25), (250, 750), (0.0, 1.0)),
            ((-1.0, 2.0), (0, 1000), (0.0, 1.0)),
        ];
        for ((a, b), (s, e), expected) in cases {
            let v = viewed_bounds(t0, t0 + 1000, *a, *b);
            assert_eq!(v.at(t0 + s, t0 + e), *expected, "view {a}..{b}, span {s}..{e}");
        }
        let v = viewed_bounds(t0, t0 + 1000, 0.5, 1.0);
        assert!(!v.is_visible(t0, t0 + 499));
        assert!(v.is_visible(t0 + 400, t0 + 600));
        assert_eq!(v.time_at(0.5), t0 + 750);
        let empty = viewed_bounds(t0, t0, 0.0, 1.0);
        assert_eq!(empty.at(t0, t0), (0.0, 0.0));
        // One µs in a one-hour trace at epoch magnitudes stays exact.
        let hour = viewed_bounds(t0, t0 + 3_600_000_000, 0.0, 1.0);
        assert_eq!(hour.fraction(t0 + 1), 1.0 / 3_600_000_000.0);
    }

    #[test]
    fn finds_rows_by_binary_search() {
        let tops = row_tops(&[20.0, 20.0, 100.0, 20.0]);
        assert_eq!(tops, vec![0.0, 20.0, 40.0, 140.0, 160.0]);
        let cases: &[(f64, usize)] = &[(-5.0, 0), (0.0, 0), (19.9, 0), (20.0, 1), (139.0, 2), (140.0, 3), (500.0, 4)];
        for (scroll, row) in cases {
            assert_eq!(first_visible_row(&tops, *scroll), *row, "scroll {scroll}");
        }
        assert_eq!(first_visible_row(&[], 10.0), 0);
        assert_eq!(visible_range(&tops, 4, 30.0, 50.0, 0), 1..3);
        assert_eq!(visible_range(&tops, 4, 30.0, 50.0, 5), 0..4);
        assert_eq!(visible_range(&tops, 0, 30.0, 50.0, 5), 0..0);
    }

    #[test]
    fn uniform_rows_give_the_same_range_as_a_table_of_tops() {
        let tops = row_tops(&[24.0; 1000]);
        for scroll in [-10.0, 0.0, 23.9, 24.0, 500.0, 12_000.0, 23_999.0, 24_000.0, 99_999.0] {
            for (viewport, overscan) in [(0.0, 0), (400.0, 8), (1_000_000.0, 3)] {
                assert_eq!(
                    uniform_visible_range(1000, 24.0, scroll, viewport, overscan),
                    visible_range(&tops, 1000, scroll, viewport, overscan),
                    "scroll {scroll}, viewport {viewport}, overscan {overscan}"
                );
            }
        }
        assert_eq!(uniform_visible_range(0, 24.0, 0.0, 400.0, 8), 0..0);
        assert_eq!(uniform_visible_range(10, 0.0, 0.0, 400.0, 8), 0..0);
        assert_eq!(uniform_visible_range(10, 24.0, f64::NAN, f64::INFINITY, 1), 0..10);
    }
}

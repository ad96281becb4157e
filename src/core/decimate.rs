//! Reduces long series to what a chart of a given pixel width can show (M4), and marks
//! the gaps Prometheus leaves by omitting samples.
//!
//! Pure, single-pass and allocation-light: it must never read the clock, never interpolate
//! across a gap and never reorder samples. Input times are epoch ms, ascending.

/// A decimated series: ascending times with their values; NaN values break the line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decimated {
    pub times: Vec<i64>,
    pub values: Vec<f64>,
}

impl Decimated {
    fn push(&mut self, t: i64, v: f64) {
        self.times.push(t);
        self.values.push(v);
    }

    fn ends_with_break(&self) -> bool {
        self.values.last().is_some_and(|v| v.is_nan())
    }
}

/// The pixel column of instant `t` in a chart of `width` columns over `[from, to]`.
///
/// Instants before `from` map to -1 and after `to` to `width`, so the two edge samples
/// get columns of their own. `to > from` and `width > 0` are the caller's duty.
pub fn column_of(t: i64, from: i64, to: i64, width: u32) -> i64 {
    if t < from {
        return -1;
    }
    if t > to {
        return i64::from(width);
    }
    let offset = i128::from(t) - i128::from(from);
    let span = i128::from(to) - i128::from(from);
    let col = offset * i128::from(width) / span;
    (col as i64).min(i64::from(width) - 1)
}

/// The first instant of column `col` (the smallest `t` with `column_of(t) >= col`).
fn column_start(col: i64, from: i64, to: i64, width: u32) -> i128 {
    let span = i128::from(to) - i128::from(from);
    let num = i128::from(col) * span;
    let w = i128::from(width);
    i128::from(from) + (num + w - 1).div_euclid(w)
}

/// What one column has seen so far.
#[derive(Clone, Copy)]
struct Column {
    index: i64,
    /// Indices into the input of the first, minimum, maximum and last finite samples.
    first: Option<usize>,
    min: usize,
    max: usize,
    last: usize,
    /// Time of the first gap between two finite samples of this column.
    inner_break: Option<i64>,
    /// Time of a gap after the newest finite sample of this column, if any.
    trailing_break: Option<i64>,
}

impl Column {
    fn new(index: i64) -> Self {
        Self { index, first: None, min: 0, max: 0, last: 0, inner_break: None, trailing_break: None }
    }
}

/// M4 decimation: for every pixel column of `[from_ms, to_ms]` at `width_px`, keeps the
/// first, minimum, maximum and last finite samples (in time order, without duplicates).
/// A line through the result draws the same pixels as a line through the raw samples.
///
/// Gaps survive: a non-finite sample (NaN or ±Inf) becomes a NaN marker at its own time,
/// between the columns it separated, or inside its column when it fell between that
/// column's finite samples (at most one marker per column there). Samples outside the
/// range are dropped except the nearest one on each side, so lines reach the edges.
///
/// The output holds at most `4 × width_px + 2` finite samples plus the NaN markers (at
/// most two per column). Runs in O(n) with one division per non-empty column.
pub fn m4(times: &[i64], values: &[f64], from_ms: i64, to_ms: i64, width_px: u32) -> Decimated {
    m4_with_gaps(times, values, from_ms, to_ms, width_px, 0)
}

/// [`m4`] over the series as [`gap_breaks`] would mark it, without building that copy:
/// where consecutive samples are more than 1.5 × `step_ms` apart (and neither is NaN), a
/// NaN marker one step after the earlier sample is read as if it were in the input. The
/// result equals `m4` of `gap_breaks`' output exactly; a non-positive step adds nothing.
///
/// This is the chart's path: one pass over the raw samples, no allocation but the output.
pub fn m4_with_gaps(times: &[i64], values: &[f64], from_ms: i64, to_ms: i64, width_px: u32, step_ms: i64) -> Decimated {
    let n = times.len().min(values.len());
    let mut out = Decimated::default();
    if n == 0 || to_ms <= from_ms {
        return out;
    }
    let (times, values) = (&times[..n], &values[..n]);
    let step = i128::from(step_ms);
    // The marker between samples `i` and `i + 1`, if `gap_breaks` would insert one.
    let marker_after = |i: usize| -> Option<i64> {
        if step <= 0 || i + 1 >= n {
            return None;
        }
        let gap = i128::from(times[i + 1]) - i128::from(times[i]);
        let broken = values[i].is_nan() || values[i + 1].is_nan();
        (2 * gap > 3 * step && !broken).then(|| times[i].saturating_add(step_ms))
    };
    // The scan starts at the last element (sample or marker) before `from_ms`.
    let p = times.partition_point(|t| *t < from_ms);
    let first = p.saturating_sub(1);
    let skip_first_sample = p > 0 && marker_after(p - 1).is_some_and(|b| b < from_ms);
    let width = width_px.max(1);
    let room = 4 * width as usize + 4;
    out.times.reserve(room.min(n));
    out.values.reserve(room.min(n));
    let mut scan = Scan::new(from_ms, to_ms, width);
    let mut i = first;
    let mut skip = skip_first_sample;
    while i < n {
        if !skip {
            let t = times[i];
            scan.visit(t, values[i], i, times, values, &mut out);
            if t > to_ms {
                break;
            }
            if values[i].is_finite() {
                i = scan.run(i, times, values, step);
            }
        }
        skip = false;
        if let Some(b) = marker_after(i) {
            scan.visit(b, f64::NAN, usize::MAX, times, values, &mut out);
            if b > to_ms {
                break;
            }
        }
        i += 1;
    }
    scan.finish(times, values, &mut out);
    out
}

/// The running state of one M4 pass: the open column and a gap waiting to be written.
struct Scan {
    from_ms: i64,
    to_ms: i64,
    width: u32,
    /// A gap seen since the last finite sample that has not been written yet.
    pending_break: Option<i64>,
    col: Option<Column>,
    /// Samples before this instant stay in the current column; computed once per column.
    next_start: i128,
}

impl Scan {
    fn new(from_ms: i64, to_ms: i64, width: u32) -> Self {
        Self { from_ms, to_ms, width, pending_break: None, col: None, next_start: i128::MIN }
    }

    /// Reads one element: a sample at input index `i`, or (non-finite `v`) a gap at `t`;
    /// a gap's index is never read.
    #[inline]
    fn visit(&mut self, t: i64, v: f64, i: usize, times: &[i64], values: &[f64], out: &mut Decimated) {
        if self.col.is_none() || i128::from(t) >= self.next_start {
            self.open(t, times, values, out);
        }
        let Some(c) = self.col.as_mut() else { return };
        if !v.is_finite() {
            match c.first {
                None => {
                    self.pending_break.get_or_insert(t);
                }
                Some(_) => {
                    c.trailing_break.get_or_insert(t);
                }
            }
            return;
        }
        match c.first {
            None => {
                c.first = Some(i);
                c.min = i;
                c.max = i;
            }
            Some(_) => {
                if let Some(b) = c.trailing_break.take() {
                    c.inner_break.get_or_insert(b);
                }
                if v < values[c.min] {
                    c.min = i;
                }
                if v > values[c.max] {
                    c.max = i;
                }
            }
        }
        c.last = i;
    }

    /// The fast path after a finite sample `i` was visited: takes the following finite
    /// samples of the same column (no gap, no marker between them) in a tight loop, and
    /// returns the index of the last one taken. What it takes, `visit` would treat alike.
    fn run(&mut self, mut i: usize, times: &[i64], values: &[f64], step: i128) -> usize {
        let limit = i64::try_from(self.next_start).unwrap_or(if self.next_start > 0 { i64::MAX } else { i64::MIN });
        let to = self.to_ms;
        let Some(c) = self.col.as_mut() else { return i };
        let (mut lo, mut hi) = (values[c.min], values[c.max]);
        let n = times.len().min(values.len());
        while i + 1 < n {
            let (t, v) = (times[i + 1], values[i + 1]);
            if !v.is_finite() || t >= limit || t > to {
                break;
            }
            if step > 0 && 2 * (i128::from(t) - i128::from(times[i])) > 3 * step {
                break;
            }
            i += 1;
            if v < lo {
                lo = v;
                c.min = i;
            }
            if v > hi {
                hi = v;
                c.max = i;
            }
        }
        c.last = i;
        i
    }

    /// Moves to the column of `t` when it differs from the open one, flushing that.
    #[cold]
    fn open(&mut self, t: i64, times: &[i64], values: &[f64], out: &mut Decimated) {
        let (from, to, width) = (self.from_ms, self.to_ms, self.width);
        let index = column_of(t, from, to, width);
        if self.col.map(|c| c.index) == Some(index) {
            return;
        }
        if let Some(c) = self.col.take() {
            flush(&c, times, values, &mut self.pending_break, out);
        }
        self.col = Some(Column::new(index));
        let last = i64::from(width) - 1;
        self.next_start = match index {
            i if i < 0 => i128::from(from),
            i if i < last => column_start(i + 1, from, to, width),
            i if i == last => i128::from(to) + 1,
            _ => i128::MAX,
        };
    }

    fn finish(mut self, times: &[i64], values: &[f64], out: &mut Decimated) {
        if let Some(c) = self.col.take() {
            flush(&c, times, values, &mut self.pending_break, out);
        }
    }
}

/// Writes one column's samples (and any gap before or inside it) to `out`.
fn flush(c: &Column, times: &[i64], values: &[f64], pending: &mut Option<i64>, out: &mut Decimated) {
    let Some(first) = c.first else {
        return;
    };
    if let Some(b) = pending.take() {
        if !out.times.is_empty() && !out.ends_with_break() {
            out.push(b, f64::NAN);
        }
    }
    let mut picks = [first, c.min, c.max, c.last];
    picks.sort_unstable();
    let mut previous = None;
    for &i in &picks {
        if previous == Some(i) {
            continue;
        }
        if let Some(b) = c.inner_break {
            if b < times[i] && previous.is_some_and(|p: usize| times[p] < b) {
                out.push(b, f64::NAN);
            }
        }
        out.push(times[i], values[i]);
        previous = Some(i);
    }
    *pending = c.trailing_break;
}

/// Inserts a NaN wherever consecutive samples are more than 1.5 × `step_ms` apart, because
/// Prometheus omits missing samples instead of returning NaN. The marker sits one step
/// after the sample before the gap. A non-positive step returns the input unchanged.
pub fn gap_breaks(times: &[i64], values: &[f64], step_ms: i64) -> (Vec<i64>, Vec<f64>) {
    let n = times.len().min(values.len());
    let mut out_t = Vec::with_capacity(n + 8);
    let mut out_v = Vec::with_capacity(n + 8);
    for i in 0..n {
        if i > 0 && step_ms > 0 {
            let gap = i128::from(times[i]) - i128::from(times[i - 1]);
            let already_broken = values[i - 1].is_nan() || values[i].is_nan();
            if 2 * gap > 3 * i128::from(step_ms) && !already_broken {
                out_t.push(times[i - 1].saturating_add(step_ms));
                out_v.push(f64::NAN);
            }
        }
        out_t.push(times[i]);
        out_v.push(values[i]);
    }
    (out_t, out_v)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    /// Compares series with NaN equal to NaN, by their debug text.
    fn pairs(times: &[i64], values: &[f64]) -> Vec<String> {
        times.iter().zip(values).map(|(t, v)| format!("{t}:{v}")).collect()
    }

    fn check_m4(input: (&[i64], &[f64], i64, i64, u32), expected: (&[i64], &[f64])) {
        let (t, v, from, to, w) = input;
        let d = m4(t, v, from, to, w);
        check(input, pairs(&d.times, &d.values), pairs(expected.0, expected.1));
    }

    const NAN: f64 = f64::NAN;

    #[test]
    fn keeps_first_min_max_last_per_column() {
        // Two columns over [0, 100] hold 0..49 and 50..100.
        check_m4(
            (&[0, 10, 20, 30, 40, 50, 60, 70], &[5.0, 1.0, 9.0, 4.0, 6.0, 2.0, 2.0, 3.0], 0, 100, 2),
            (&[0, 10, 20, 40, 50, 70], &[5.0, 1.0, 9.0, 6.0, 2.0, 3.0]),
        );
        // Few samples pass through untouched.
        check_m4((&[0, 50], &[1.0, 2.0], 0, 100, 10), (&[0, 50], &[1.0, 2.0]));
        // Equal values keep the earliest as min and max.
        check_m4((&[0, 1, 2, 3], &[1.0, 1.0, 1.0, 1.0], 0, 10, 1), (&[0, 3], &[1.0, 1.0]));
    }

    #[test]
    fn keeps_one_sample_beyond_each_edge() {
        check_m4(
            (&[-20, -10, 0, 50, 100, 110, 120], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 0, 100, 4),
            (&[-10, 0, 50, 100, 110], &[2.0, 3.0, 4.0, 5.0, 6.0]),
        );
        // When all samples are outside, only the nearest on each side remain.
        check_m4((&[-5, 200], &[1.0, 2.0], 0, 100, 4), (&[-5, 200], &[1.0, 2.0]));
    }

    #[test]
    fn nan_between_columns_becomes_a_break() {
        check_m4(
            (&[0, 10, 50, 60], &[1.0, NAN, 2.0, 3.0], 0, 100, 10),
            (&[0, 10, 50, 60], &[1.0, NAN, 2.0, 3.0]),
        );
        // A run of NaN across empty columns collapses into one marker at its start.
        check_m4(
            (&[0, 20, 30, 40, 90], &[1.0, NAN, NAN, NAN, 2.0], 0, 100, 10),
            (&[0, 20, 90], &[1.0, NAN, 2.0]),
        );
        // Leading and trailing NaN draw nothing and are dropped.
        check_m4((&[0, 50, 90], &[NAN, 1.0, NAN], 0, 100, 10), (&[50], &[1.0]));
        // Infinities are gaps too.
        check_m4(
            (&[0, 50, 90], &[1.0, f64::INFINITY, 2.0], 0, 100, 10),
            (&[0, 50, 90], &[1.0, NAN, 2.0]),
        );
    }

    #[test]
    fn nan_inside_a_column_stays_inside_it() {
        // One column holds 1 and 9, then a gap, then 0 and 4.
        check_m4(
            (&[0, 10, 20, 30, 40], &[1.0, 9.0, NAN, 0.0, 4.0], 0, 100, 1),
            (&[0, 10, 20, 30, 40], &[1.0, 9.0, NAN, 0.0, 4.0]),
        );
    }

    #[test]
    fn degenerate_input_gives_empty_or_sane_output() {
        check_m4((&[], &[], 0, 100, 10), (&[], &[]));
        check_m4((&[1, 2], &[1.0, 2.0], 100, 100, 10), (&[], &[]));
        check_m4((&[1, 2], &[1.0, 2.0], 0, 100, 0), (&[1, 2], &[1.0, 2.0]));
        // Mismatched lengths use the shorter.
        check_m4((&[1, 2, 3], &[1.0], 0, 100, 10), (&[1], &[1.0]));
    }

    #[test]
    fn gap_breaks_marks_missing_samples() {
        let cases: Vec<((Vec<i64>, Vec<f64>, i64), (Vec<i64>, Vec<f64>))> = vec![
            ((vec![0, 10, 20], vec![1.0, 2.0, 3.0], 10), (vec![0, 10, 20], vec![1.0, 2.0, 3.0])),
            ((vec![0, 15, 30], vec![1.0, 2.0, 3.0], 10), (vec![0, 15, 30], vec![1.0, 2.0, 3.0])),
            ((vec![0, 16, 32], vec![1.0, 2.0, 3.0], 10), (vec![0, 10, 16, 26, 32], vec![1.0, NAN, 2.0, NAN, 3.0])),
            ((vec![0, 100], vec![NAN, 1.0], 10), (vec![0, 100], vec![NAN, 1.0])),
            ((vec![0, 100], vec![1.0, 2.0], 0), (vec![0, 100], vec![1.0, 2.0])),
            ((vec![], vec![], 10), (vec![], vec![])),
        ];
        for ((t, v, step), (et, ev)) in cases {
            let (ot, ov) = gap_breaks(&t, &v, step);
            check((&t, &v, step), pairs(&ot, &ov), pairs(&et, &ev));
        }
    }

    /// The wall-clock timing of this case lives in `tests/timings.rs`, because nothing under
    /// `src/core` may read a clock, not even a test.
    #[test]
    fn decimates_a_million_points() {
        let n = 1_000_000i64;
        let times: Vec<i64> = (0..n).map(|i| i * 1000).collect();
        let values: Vec<f64> = (0..n)
            .map(|i| if i % 50_000 == 7 { f64::NAN } else { ((i as f64) * 0.001).sin() * 100.0 + (i % 97) as f64 })
            .collect();
        let d = m4(&times, &values, 0, n * 1000, 1000);
        println!("m4: 1,000,000 points -> {} points at 1000 px", d.times.len());
        let finite = d.values.iter().filter(|v| v.is_finite()).count();
        assert!(finite <= 4 * 1000 + 2);
        assert_eq!(d.values.iter().filter(|v| v.is_nan()).count(), 20);
    }

    /// Per-column raw facts, computed the slow and obvious way.
    struct RawColumn {
        min: f64,
        max: f64,
    }

    fn brute_columns(times: &[i64], values: &[f64], from: i64, to: i64, width: u32) -> Vec<Option<RawColumn>> {
        let mut cols: Vec<Option<RawColumn>> = (0..width).map(|_| None).collect();
        for (t, v) in times.iter().zip(values) {
            if *t < from || *t > to || !v.is_finite() {
                continue;
            }
            let c = ((*t - from) as i128 * width as i128 / (to - from) as i128).min(width as i128 - 1) as usize;
            let entry = cols[c].get_or_insert(RawColumn { min: *v, max: *v });
            entry.min = entry.min.min(*v);
            entry.max = entry.max.max(*v);
        }
        cols
    }

    fn series() -> impl Strategy<Value = (Vec<i64>, Vec<f64>)> {
        proptest::collection::vec((1i64..40, prop_oneof![16 => -100.0f64..100.0, 2 => Just(f64::NAN), 1 => Just(f64::INFINITY)]), 0..400)
            .prop_map(|steps| {
                let mut t = -50;
                let mut times = Vec::new();
                let mut values = Vec::new();
                for (dt, v) in steps {
                    t += dt;
                    times.push(t);
                    values.push(v);
                }
                (times, values)
            })
    }

    proptest! {
        #[test]
        fn m4_matches_brute_force((times, values) in series(), from in -60i64..200, len in 1i64..3000, width in 1u32..60) {
            let to = from + len;
            let d = m4(&times, &values, from, to, width);
            // Times are strictly ascending and every point is a raw sample.
            for pair in d.times.windows(2) {
                prop_assert!(pair[0] < pair[1]);
            }
            for (t, v) in d.times.iter().zip(&d.values) {
                if v.is_finite() {
                    let i = times.binary_search(t).expect("a raw instant");
                    prop_assert_eq!(values[i].to_bits(), v.to_bits());
                } else {
                    prop_assert!(v.is_nan());
                    let i = times.binary_search(t).expect("a raw gap instant");
                    prop_assert!(!values[i].is_finite());
                }
            }
            // Per-column min and max equal the raw ones.
            let raw = brute_columns(&times, &values, from, to, width);
            let kept = brute_columns(&d.times, &d.values, from, to, width);
            for (c, (r, k)) in raw.iter().zip(&kept).enumerate() {
                match (r, k) {
                    (None, None) => {}
                    (Some(r), Some(k)) => {
                        prop_assert_eq!(r.min, k.min, "column {} min", c);
                        prop_assert_eq!(r.max, k.max, "column {} max", c);
                    }
                    _ => prop_assert!(false, "column {} presence differs", c),
                }
            }
            // First and last finite samples in range, and the finite edge neighbours, survive.
            let inside: Vec<usize> = (0..times.len()).filter(|&i| times[i] >= from && times[i] <= to && values[i].is_finite()).collect();
            for i in [inside.first(), inside.last()].into_iter().flatten() {
                prop_assert!(d.times.contains(&times[*i]));
            }
            let before = times.partition_point(|t| *t < from).checked_sub(1);
            let after = Some(times.partition_point(|t| *t <= to)).filter(|i| *i < times.len());
            for i in [before, after].into_iter().flatten() {
                if values[i].is_finite() {
                    prop_assert!(d.times.contains(&times[i]));
                }
            }
            // The output stays within its size bound.
            let breaks = d.values.iter().filter(|v| v.is_nan()).count();
            let finite = d.values.len() - breaks;
            prop_assert!(finite <= 4 * width as usize + 2);
            prop_assert!(breaks <= 2 * width as usize + 2);
            // Between consecutive finite output points in different columns, a break is
            // present exactly when the raw data had a gap there; within a column a break
            // is only ever shown where the raw data had one.
            let finite_idx: Vec<usize> = (0..d.values.len()).filter(|&j| d.values[j].is_finite()).collect();
            for pair in finite_idx.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let (ta, tb) = (d.times[a], d.times[b]);
                let raw_gap = times.iter().zip(&values).any(|(t, v)| *t > ta && *t < tb && !v.is_finite());
                let shown_gap = b > a + 1;
                let same_column = column_of(ta, from, to, width) == column_of(tb, from, to, width);
                if same_column {
                    prop_assert!(!shown_gap || raw_gap);
                } else {
                    prop_assert_eq!(shown_gap, raw_gap, "between {} and {}", ta, tb);
                }
            }
        }

        #[test]
        fn m4_with_gaps_equals_m4_of_gap_breaks((times, values) in series(), from in -60i64..200, len in 1i64..3000, width in 1u32..60, step in -2i64..30) {
            let to = from + len;
            let (t, v) = gap_breaks(&times, &values, step);
            let expected = m4(&t, &v, from, to, width);
            let actual = m4_with_gaps(&times, &values, from, to, width, step);
            prop_assert_eq!(pairs(&actual.times, &actual.values), pairs(&expected.times, &expected.values));
        }

        #[test]
        fn gap_breaks_only_adds_nan_inside_gaps((times, values) in series(), step in 1i64..30) {
            let (t, v) = gap_breaks(&times, &values, step);
            prop_assert!(t.len() >= times.len());
            for pair in t.windows(2) {
                prop_assert!(pair[0] < pair[1]);
                if 2 * (pair[1] - pair[0]) > 3 * step {
                    // Every remaining wide gap touches a NaN.
                    let i = t.binary_search(&pair[0]).unwrap();
                    prop_assert!(v[i].is_nan() || v[i + 1].is_nan());
                }
            }
            let raw: Vec<String> = pairs(&times, &values);
            let kept: Vec<String> = t.iter().zip(&v).filter(|(t, v)| !(v.is_nan() && times.binary_search(t).is_err())).map(|(t, v)| format!("{t}:{v}")).collect();
            prop_assert_eq!(raw, kept);
        }
    }
}

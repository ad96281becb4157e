//! Tile status: reducing a series to one number, judging it against thresholds, deciding
//! staleness, and comparing with the previous period.
//!
//! The rule that matters most: a tile with thresholds is never green on missing or stale
//! data. This module must never read the clock (callers pass `now_ms`) and never format
//! numbers for display (that is `format`).

use crate::core::frame::Series;
use crate::core::spec::{Direction, Reduce, Thresholds};

/// Shortest allowed lag of the newest sample behind the range end before data is stale.
pub const MIN_SAMPLE_LAG_MS: i64 = 5 * 60 * 1000;

/// Oldest a fetch may be, when auto-refresh is off, before its data counts as stale.
pub const FETCH_MAX_AGE_OFF_MS: i64 = 2 * 60 * 1000;

/// The health of one tile (or of the whole dashboard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Within thresholds, on fresh data.
    Ok,
    /// Past the warn threshold.
    Warn,
    /// Past the fail threshold.
    Fail,
    /// Thresholds exist but the data is missing, NaN or stale, so nobody can say.
    Unknown,
    /// No thresholds: the tile only shows a number and does not count towards health.
    None,
}

impl Status {
    /// Every status, in rank order from best to worst, then `None`.
    pub const ALL: [Status; 5] = [Status::Ok, Status::Unknown, Status::Warn, Status::Fail, Status::None];

    /// The stable machine spelling, used in `data-status` and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::None => "none",
        }
    }

    /// Severity for picking the worst: fail 4 > warn 3 > unknown 2 > ok 1. `None` ranks 0
    /// and is not counted at all (see `is_counted`).
    pub fn rank(self) -> u8 {
        match self {
            Status::Fail => 4,
            Status::Warn => 3,
            Status::Unknown => 2,
            Status::Ok => 1,
            Status::None => 0,
        }
    }

    /// Whether the status takes part in the dashboard's overall health.
    pub fn is_counted(self) -> bool {
        self != Status::None
    }

    /// A word for people, so that status never relies on colour alone.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "Warning",
            Status::Fail => "Failing",
            Status::Unknown => "Unknown",
            Status::None => "No thresholds",
        }
    }

    /// A shape cue shown beside the colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Warn => "!",
            Status::Fail => "✕",
            Status::Unknown => "?",
            Status::None => "–",
        }
    }
}

/// Reduces a series to one number using its finite samples only: the newest, their mean
/// or their maximum. `None` when the series has no finite sample.
pub fn reduce(series: &Series, how: Reduce) -> Option<f64> {
    let finite = series.values.iter().copied().filter(|v| v.is_finite());
    match how {
        Reduce::Last => series.last_finite().map(|(_, v)| v),
        Reduce::Max => finite.reduce(f64::max),
        Reduce::Mean => {
            let (sum, count) = finite.fold((0.0f64, 0usize), |(s, n), v| (s + v, n + 1));
            if count == 0 {
                return None;
            }
            let mean = sum / count as f64;
            if mean.is_finite() {
                Some(mean)
            } else {
                // The sum overflowed; a running mean stays in range.
                let values = series.values.iter().copied().filter(|v| v.is_finite());
                Some(values.enumerate().fold(0.0, |m, (i, v)| m + (v - m) / (i + 1) as f64))
            }
        }
    }
}

/// Whether the thresholds say anything at all (at least one of warn and fail is set).
fn has_levels(t: &Thresholds) -> bool {
    t.warn.is_some() || t.fail.is_some()
}

/// Judges a value against thresholds.
///
/// No thresholds (or neither warn nor fail set) gives `None`; a missing or NaN value gives
/// `Unknown`. With direction `above`, `v ≥ fail` fails and `v ≥ warn` warns; with `below`,
/// `v ≤ fail` fails and `v ≤ warn` warns. Otherwise the value is `Ok`.
pub fn evaluate(value: Option<f64>, thresholds: Option<&Thresholds>) -> Status {
    let Some(t) = thresholds.filter(|t| has_levels(t)) else {
        return Status::None;
    };
    let Some(v) = value.filter(|v| !v.is_nan()) else {
        return Status::Unknown;
    };
    let past = |level: Option<f64>| {
        level.is_some_and(|l| match t.direction {
            Direction::Above => v >= l,
            Direction::Below => v <= l,
        })
    };
    if past(t.fail) {
        Status::Fail
    } else if past(t.warn) {
        Status::Warn
    } else {
        Status::Ok
    }
}

/// Whether a tile's data is too old to trust.
///
/// Stale when the newest sample lags the range end by more than max(2 × step, 5 min), or
/// when the last fetch is older than 3 × the refresh interval (2 min when refresh is off).
/// No sample at all is "no data", not stale, and a range that was never fetched is
/// "loading", not stale; callers show those states themselves.
pub fn is_stale(
    newest_sample_ms: Option<i64>,
    range_end_ms: i64,
    step_ms: i64,
    last_fetch_ms: Option<i64>,
    now_ms: i64,
    refresh_s: u32,
) -> bool {
    let sample_lag_limit = step_ms.saturating_mul(2).max(MIN_SAMPLE_LAG_MS);
    let old_sample =
        newest_sample_ms.is_some_and(|t| range_end_ms.saturating_sub(t) > sample_lag_limit);
    let fetch_age_limit = if refresh_s == 0 {
        FETCH_MAX_AGE_OFF_MS
    } else {
        i64::from(refresh_s) * 3 * 1000
    };
    let old_fetch = last_fetch_ms.is_some_and(|t| now_ms.saturating_sub(t) > fetch_age_limit);
    old_sample || old_fetch
}

/// A KPI tile's status: `None` without thresholds; otherwise `Unknown` when the data is
/// stale or missing (never green on data nobody can vouch for), else the evaluation.
pub fn kpi_status(value: Option<f64>, thresholds: Option<&Thresholds>, stale: bool) -> Status {
    match evaluate(value, thresholds) {
        Status::None => Status::None,
        _ if stale => Status::Unknown,
        status => status,
    }
}

/// Whether a change moved the right way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Better,
    Worse,
    Neutral,
}

impl Verdict {
    /// The stable spelling, used for the delta's tone.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Neutral => "neutral",
        }
    }
}

/// The change of a value against the previous period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    /// `current - previous`.
    pub absolute: f64,
    /// Relative change in percent of |previous|; `None` when previous is zero.
    pub percent: Option<f64>,
}

impl Delta {
    /// `1` when the value rose, `-1` when it fell, `0` when unchanged.
    pub fn sign(&self) -> i8 {
        if self.absolute > 0.0 {
            1
        } else if self.absolute < 0.0 {
            -1
        } else {
            0
        }
    }

    /// An arrow for the change: `▲`, `▼` or `=`.
    pub fn arrow(&self) -> &'static str {
        match self.sign() {
            1 => "▲",
            -1 => "▼",
            _ => "=",
        }
    }

    /// Better or worse given the direction in which values get bad (`above`: rising is
    /// worse; `below`: falling is worse). No direction, or no change, is neutral.
    pub fn verdict(&self, direction: Option<Direction>) -> Verdict {
        match (direction, self.sign()) {
            (None, _) | (_, 0) => Verdict::Neutral,
            (Some(Direction::Above), 1) | (Some(Direction::Below), -1) => Verdict::Worse,
            _ => Verdict::Better,
        }
    }
}

/// The change from `previous` to `current`; `None` unless both are finite.
pub fn delta(current: Option<f64>, previous: Option<f64>) -> Option<Delta> {
    let (c, p) = (current?, previous?);
    if !c.is_finite() || !p.is_finite() {
        return None;
    }
    let absolute = c - p;
    if !absolute.is_finite() {
        return None;
    }
    let percent = (p != 0.0).then(|| absolute / p.abs() * 100.0).filter(|x| x.is_finite());
    Some(Delta { absolute, percent })
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    const NAN: f64 = f64::NAN;
    const MIN: i64 = 60_000;

    fn above(warn: Option<f64>, fail: Option<f64>) -> Thresholds {
        Thresholds { direction: Direction::Above, warn, fail }
    }

    fn below(warn: Option<f64>, fail: Option<f64>) -> Thresholds {
        Thresholds { direction: Direction::Below, warn, fail }
    }

    fn series(values: &[f64]) -> Series {
        Series {
            labels: vec![],
            times: (0..values.len() as i64).map(|i| i * 1000).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn status_spellings_ranks_and_cues() {
        let cases = [
            (Status::Ok, ("ok", 1, "OK", "✓")),
            (Status::Warn, ("warn", 3, "Warning", "!")),
            (Status::Fail, ("fail", 4, "Failing", "✕")),
            (Status::Unknown, ("unknown", 2, "Unknown", "?")),
            (Status::None, ("none", 0, "No thresholds", "–")),
        ];
        for (s, expected) in cases {
            check(s, (s.as_str(), s.rank(), s.label(), s.symbol()), expected);
        }
        let symbols: std::collections::HashSet<_> = Status::ALL.iter().map(|s| s.symbol()).collect();
        check("distinct symbols", symbols.len(), 5);
        check("none not counted", Status::None.is_counted(), false);
    }

    #[test]
    fn reduces_finite_samples() {
        let cases: &[(&[f64], Reduce, Option<f64>)] = &[
            (&[1.0, 2.0, 6.0], Reduce::Last, Some(6.0)),
            (&[1.0, 2.0, NAN], Reduce::Last, Some(2.0)),
            (&[1.0, NAN, 5.0], Reduce::Mean, Some(3.0)),
            (&[1.0, 9.0, NAN, 4.0], Reduce::Max, Some(9.0)),
            (&[-3.0, -1.0], Reduce::Max, Some(-1.0)),
            (&[f64::INFINITY, 2.0], Reduce::Max, Some(2.0)),
            (&[], Reduce::Last, None),
            (&[NAN, NAN], Reduce::Mean, None),
            (&[NAN], Reduce::Max, None),
            (&[f64::MAX, f64::MAX], Reduce::Mean, Some(f64::MAX)),
        ];
        for (values, how, expected) in cases {
            check((values, how), reduce(&series(values), *how), *expected);
        }
    }

    #[test]
    fn evaluates_above() {
        let t = above(Some(1.0), Some(5.0));
        let cases: &[(Option<f64>, Status)] = &[
            (Some(0.5), Status::Ok),
            (Some(1.0), Status::Warn),
            (Some(4.9), Status::Warn),
            (Some(5.0), Status::Fail),
            (Some(9.1), Status::Fail),
            (Some(f64::INFINITY), Status::Fail),
            (None, Status::Unknown),
            (Some(NAN), Status::Unknown),
        ];
        for (v, expected) in cases {
            check(v, evaluate(*v, Some(&t)), *expected);
        }
    }

    #[test]
    fn evaluates_below_and_partial_thresholds() {
        let cases: &[(Thresholds, f64, Status)] = &[
            (below(Some(99.9), Some(99.0)), 99.95, Status::Ok),
            (below(Some(99.9), Some(99.0)), 99.9, Status::Warn),
            (below(Some(99.9), Some(99.0)), 99.0, Status::Fail),
            (below(Some(99.9), Some(99.0)), 12.0, Status::Fail),
            (above(None, Some(5.0)), 4.0, Status::Ok),
            (above(None, Some(5.0)), 5.0, Status::Fail),
            (above(Some(1.0), None), 100.0, Status::Warn),
            (below(None, Some(10.0)), 11.0, Status::Ok),
            (above(None, None), 100.0, Status::None),
        ];
        for (t, v, expected) in cases {
            check((t, v), evaluate(Some(*v), Some(t)), *expected);
        }
        check("no thresholds", evaluate(Some(1.0), None), Status::None);
        check("no thresholds, no value", evaluate(None, None), Status::None);
    }

    #[test]
    fn staleness_by_sample_age() {
        let end = 100 * MIN;
        // Each case is (newest sample, step) and whether that is stale; every fetch is fresh.
        let cases: &[(Option<i64>, i64, bool)] = &[
            (Some(end), 15_000, false),
            (Some(end - 5 * MIN), 15_000, false),
            (Some(end - 5 * MIN - 1), 15_000, true),
            (Some(end - 9 * MIN), 5 * MIN, false),
            (Some(end - 10 * MIN - 1), 5 * MIN, true),
            (None, 15_000, false),
        ];
        for (newest, step, expected) in cases {
            check((newest, step), is_stale(*newest, end, *step, Some(end), end, 0), *expected);
        }
    }

    #[test]
    fn staleness_by_fetch_age() {
        let now = 100 * MIN;
        // Each case is (last fetch, refresh_s) and whether that is stale; every sample is fresh.
        let cases: &[(Option<i64>, u32, bool)] = &[
            (Some(now), 0, false),
            (Some(now - 2 * MIN), 0, false),
            (Some(now - 2 * MIN - 1), 0, true),
            (Some(now - 30_000), 10, false),
            (Some(now - 30_001), 10, true),
            (Some(now - 3 * MIN), 60, false),
            (Some(now - 3 * MIN - 1), 60, true),
            (None, 5, false),
        ];
        for (fetch, refresh, expected) in cases {
            check((fetch, refresh), is_stale(Some(now), now, 15_000, *fetch, now, *refresh), *expected);
        }
    }

    #[test]
    fn kpi_status_is_never_green_on_doubtful_data() {
        let t = above(Some(1.0), Some(5.0));
        let cases: &[((Option<f64>, Option<&Thresholds>, bool), Status)] = &[
            ((Some(0.1), Some(&t), false), Status::Ok),
            ((Some(0.1), Some(&t), true), Status::Unknown),
            ((Some(9.0), Some(&t), true), Status::Unknown),
            ((Some(9.0), Some(&t), false), Status::Fail),
            ((None, Some(&t), false), Status::Unknown),
            ((Some(NAN), Some(&t), false), Status::Unknown),
            ((Some(0.1), None, true), Status::None),
            ((None, None, false), Status::None),
        ];
        for ((v, th, stale), expected) in cases {
            check((v, th, stale), kpi_status(*v, *th, *stale), *expected);
        }
    }

    #[test]
    fn deltas() {
        let d = |a: f64, p: Option<f64>| Some(Delta { absolute: a, percent: p });
        let cases: &[((Option<f64>, Option<f64>), Option<Delta>)] = &[
            ((Some(2.0), Some(1.0)), d(1.0, Some(100.0))),
            ((Some(1.0), Some(2.0)), d(-1.0, Some(-50.0))),
            ((Some(-1.0), Some(-2.0)), d(1.0, Some(50.0))),
            ((Some(3.0), Some(0.0)), d(3.0, None)),
            ((Some(3.0), Some(3.0)), d(0.0, Some(0.0))),
            ((None, Some(1.0)), None),
            ((Some(1.0), None), None),
            ((Some(NAN), Some(1.0)), None),
            ((Some(f64::INFINITY), Some(1.0)), None),
        ];
        for ((c, p), expected) in cases {
            check((c, p), delta(*c, *p), *expected);
        }
    }

    #[test]
    fn delta_verdicts_follow_direction() {
        let up = delta(Some(2.0), Some(1.0)).unwrap();
        let down = delta(Some(1.0), Some(2.0)).unwrap();
        let flat = delta(Some(1.0), Some(1.0)).unwrap();
        let cases: &[((Delta, Option<Direction>), (Verdict, &str))] = &[
            ((up, Some(Direction::Above)), (Verdict::Worse, "▲")),
            ((down, Some(Direction::Above)), (Verdict::Better, "▼")),
            ((up, Some(Direction::Below)), (Verdict::Better, "▲")),
            ((down, Some(Direction::Below)), (Verdict::Worse, "▼")),
            ((up, None), (Verdict::Neutral, "▲")),
            ((flat, Some(Direction::Above)), (Verdict::Neutral, "=")),
        ];
        for ((delta, dir), expected) in cases {
            check((delta, dir), (delta.verdict(*dir), delta.arrow()), *expected);
        }
        check("tone", Verdict::Worse.as_str(), "worse");
    }
}

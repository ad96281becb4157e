//! Number formatting for tiles, tooltips and axes, and "nice" value-axis ticks.
//!
//! Everything here turns numbers into short text that people read at a glance. It must
//! never read the clock, the locale or anything else from the environment, and it must
//! never panic, whatever the input (NaN, infinities, huge or tiny numbers included).

use crate::core::spec::Unit;

/// Significant digits shown when the caller does not ask for fixed decimals.
const SIGNIFICANT: usize = 3;

/// Magnitudes below this (other than zero) are shown in scientific notation.
const TINY: f64 = 1e-4;

/// One rung of a unit ladder: how many base units it holds and its suffix.
type Rung = (f64, &'static str);

const SI: &[Rung] = &[
    (1.0, ""),
    (1e3, "k"),
    (1e6, "M"),
    (1e9, "G"),
    (1e12, "T"),
    (1e15, "P"),
    (1e18, "E"),
];

const TIME: &[Rung] = &[
    (1e-9, "ns"),
    (1e-6, "µs"),
    (1e-3, "ms"),
    (1.0, "s"),
    (60.0, "min"),
    (3600.0, "h"),
    (86_400.0, "d"),
];

const BYTES: &[Rung] = &[
    (1.0, "B"),
    (1024.0, "KiB"),
    (1_048_576.0, "MiB"),
    (1_073_741_824.0, "GiB"),
    (1_099_511_627_776.0, "TiB"),
    (1_125_899_906_842_624.0, "PiB"),
];

/// Formats a value with its unit for a tile or tooltip: `9.1 %`, `245 ms`, `1.2 s`,
/// `2.5 min`, `3.4 MiB`, `1.23k req/s`, `12.3M`.
///
/// Without `decimals` the number keeps three significant digits (trailing zeros dropped);
/// with `decimals` it shows exactly that many after the point. Time and byte units scale to
/// the largest unit that keeps the number at least 1. NaN reads `NaN`, infinities `+Inf`
/// and `-Inf`.
pub fn format_value(v: f64, unit: Unit, decimals: Option<u8>) -> String {
    if let Some(text) = non_finite(v) {
        return text.to_string();
    }
    match unit {
        Unit::None => scaled(v, SI, decimals, ""),
        Unit::Percent => format!("{} %", number(v, decimals)),
        Unit::Seconds => scaled(v, TIME, decimals, " "),
        Unit::Milliseconds => scaled(v / 1000.0, TIME, decimals, " "),
        Unit::Bytes => scaled(v, BYTES, decimals, " "),
        Unit::ReqPerSec => format!("{} req/s", scaled(v, SI, decimals, "")),
    }
}

/// Formats a value as a short axis tick label: `50%`, `250ms`, `1.5s`, `3MiB`, `1.2k`.
/// Rates drop their `req/s` (the axis names the unit once).
pub fn format_axis(v: f64, unit: Unit) -> String {
    if let Some(text) = non_finite(v) {
        return text.to_string();
    }
    match unit {
        Unit::None | Unit::ReqPerSec => scaled(v, SI, None, ""),
        Unit::Percent => format!("{}%", number(v, None)),
        Unit::Seconds => scaled(v, TIME, None, ""),
        Unit::Milliseconds => scaled(v / 1000.0, TIME, None, ""),
        Unit::Bytes => scaled(v, BYTES, None, ""),
    }
}

/// Value-axis ticks on a 1-2-5 grid, at most `max_count` of them, covering `[min, max]`:
/// the first tick is at or below `min` and the last at or above `max`.
///
/// The bounds may come in either order. Equal bounds are widened around the value, one
/// non-finite bound is replaced by the other, and no finite bound at all gives no ticks.
/// A `max_count` below 2 is treated as 2.
pub fn nice_ticks(min: f64, max: f64, max_count: usize) -> Vec<f64> {
    let (mut lo, mut hi) = match (min.is_finite(), max.is_finite()) {
        (true, true) => (min.min(max), min.max(max)),
        (true, false) => (min, min),
        (false, true) => (max, max),
        (false, false) => return Vec::new(),
    };
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let count = max_count.max(2);
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 {
        return vec![lo, hi];
    }
    let raw = span / (count - 1) as f64;
    let mut exponent = raw.log10().floor() as i32;
    // Try 1, 2 and 5 times a power of ten, growing until the ticks fit.
    for _ in 0..64 {
        for mantissa in [1.0, 2.0, 5.0] {
            let step = mantissa * 10f64.powi(exponent);
            if !(step.is_finite() && step > 0.0) {
                continue;
            }
            let first = (lo / step).floor();
            let last = (hi / step).ceil();
            // Steps below the numbers' own precision cannot be represented; widen instead.
            if first.abs() > 1e15 || last.abs() > 1e15 {
                continue;
            }
            let n = (last - first) as usize + 1;
            if n <= count {
                let decimals = (-exponent).max(0);
                return (0..n).map(|i| tidy((first + i as f64) * step, decimals)).collect();
            }
        }
        exponent += 1;
    }
    vec![lo, hi]
}

/// Rounds away binary noise such as `0.30000000000000004` and turns `-0` into `0`.
fn tidy(x: f64, decimals: i32) -> f64 {
    let rounded = if decimals > 0 && decimals < 300 {
        let scale = 10f64.powi(decimals);
        let r = (x * scale).round() / scale;
        if r.is_finite() {
            r
        } else {
            x
        }
    } else {
        x
    };
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("+Inf")
    } else if v == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// Scales `v` along a ladder of units and formats it with the rung's suffix.
fn scaled(v: f64, ladder: &[Rung], decimals: Option<u8>, sep: &str) -> String {
    // Choose the rung from the value as it will be shown, so that 999.6 becomes "1k"
    // rather than "1000".
    let shown = match decimals {
        Some(_) => v.abs(),
        None => round_significant(v, SIGNIFICANT).abs(),
    };
    let (factor, suffix) = ladder
        .iter()
        .rev()
        .find(|(factor, _)| shown >= *factor)
        .or_else(|| ladder.iter().find(|(factor, _)| *factor == 1.0))
        .copied()
        .unwrap_or((1.0, ""));
    let text = number(v / factor, decimals);
    if suffix.is_empty() {
        text
    } else {
        format!("{text}{sep}{suffix}")
    }
}

/// Formats a plain number: fixed decimals, or three significant digits.
fn number(v: f64, decimals: Option<u8>) -> String {
    let text = match decimals {
        Some(d) => format!("{:.*}", usize::from(d), v),
        None => significant(v, SIGNIFICANT),
    };
    // Never show a negative zero such as "-0" or "-0.00".
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_string()
    } else {
        text
    }
}

/// Rounds to `sig` significant digits in decimal (via the exact scientific formatter).
fn round_significant(v: f64, sig: usize) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{:.*e}", sig.saturating_sub(1), v).parse().unwrap_or(v)
}

/// Formats with `sig` significant digits, never dropping integer digits, and with trailing
/// zeros removed: 9.1, 12.3, 1235, 0.05. Tiny magnitudes use scientific notation: 1.23e-7.
fn significant(v: f64, sig: usize) -> String {
    let r = round_significant(v, sig);
    if r == 0.0 {
        return "0".to_string();
    }
    if r.abs() < TINY {
        let text = format!("{:.*e}", sig.saturating_sub(1), r);
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        return format!("{}e{exp}", trim_zeros(mantissa));
    }
    let exponent = decimal_exponent(r);
    let decimals = (sig as i32 - 1 - exponent).max(0) as usize;
    // Integer digits beyond the significant ones come from the original value, so 1234.5
    // reads 1235 rather than 1230.
    let shown = if decimals == 0 { v } else { r };
    trim_zeros(&format!("{shown:.decimals$}")).to_string()
}

/// The power of ten of the leading digit, read from the scientific formatter (exact).
fn decimal_exponent(v: f64) -> i32 {
    let text = format!("{v:e}");
    text.split_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0)
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    fn check_values(unit: Unit, cases: &[(f64, Option<u8>, &str)]) {
        for (v, decimals, expected) in cases {
            check((v, unit, decimals), format_value(*v, unit, *decimals), expected.to_string());
        }
    }

    #[test]
    fn percent_values() {
        check_values(
            Unit::Percent,
            &[
                (9.1, None, "9.1 %"),
                (12.345, None, "12.3 %"),
                (99.95, None, "100 %"),
                (100.0, None, "100 %"),
                (0.05, None, "0.05 %"),
                (0.0, None, "0 %"),
                (-2.5, None, "-2.5 %"),
                (1234.6, None, "1235 %"),
                (9.1, Some(2), "9.10 %"),
                (-0.001, Some(1), "0.0 %"),
            ],
        );
    }

    #[test]
    fn second_values_scale() {
        check_values(
            Unit::Seconds,
            &[
                (0.245, None, "245 ms"),
                (1.2, None, "1.2 s"),
                (150.0, None, "2.5 min"),
                (0.9996, None, "1 s"),
                (59.99, None, "1 min"),
                (5400.0, None, "1.5 h"),
                (172_800.0, None, "2 d"),
                (0.0000123, None, "12.3 µs"),
                (0.0, None, "0 s"),
                (-0.5, None, "-500 ms"),
                (1.23456, Some(3), "1.235 s"),
            ],
        );
    }

    #[test]
    fn millisecond_values_scale() {
        check_values(
            Unit::Milliseconds,
            &[
                (245.0, None, "245 ms"),
                (1500.0, None, "1.5 s"),
                (0.5, None, "500 µs"),
                (90_000.0, None, "1.5 min"),
                (12.0, Some(1), "12.0 ms"),
            ],
        );
    }

    #[test]
    fn byte_values_scale() {
        check_values(
            Unit::Bytes,
            &[
                (512.0, None, "512 B"),
                (3.4 * 1_048_576.0, None, "3.4 MiB"),
                (1536.0, None, "1.5 KiB"),
                (5.0 * 1_073_741_824.0, None, "5 GiB"),
                (0.5, None, "0.5 B"),
                (1023.0, None, "1023 B"),
            ],
        );
    }

    #[test]
    fn rate_and_plain_values_use_si() {
        check_values(
            Unit::ReqPerSec,
            &[(1234.0, None, "1.23k req/s"), (950.0, None, "950 req/s"), (0.5, None, "0.5 req/s")],
        );
        check_values(
            Unit::None,
            &[
                (12.0, None, "12"),
                (999.6, None, "1k"),
                (1234.0, None, "1.23k"),
                (123_456.0, None, "123k"),
                (12_300_000.0, None, "12.3M"),
                (4.5e9, None, "4.5G"),
                (0.001234, None, "0.00123"),
                (0.0000123, None, "1.23e-5"),
                (-1234.0, None, "-1.23k"),
                (1234.0, Some(0), "1k"),
                (42.0, Some(2), "42.00"),
            ],
        );
    }

    #[test]
    fn non_finite_values() {
        for unit in [Unit::None, Unit::Percent, Unit::Seconds, Unit::Bytes, Unit::ReqPerSec] {
            check((unit, "nan"), format_value(f64::NAN, unit, None), "NaN".to_string());
            check((unit, "inf"), format_value(f64::INFINITY, unit, Some(2)), "+Inf".to_string());
            check((unit, "-inf"), format_value(f64::NEG_INFINITY, unit, None), "-Inf".to_string());
            check((unit, "axis nan"), format_axis(f64::NAN, unit), "NaN".to_string());
        }
    }

    #[test]
    fn axis_labels_are_short() {
        let cases: &[(f64, Unit, &str)] = &[
            (50.0, Unit::Percent, "50%"),
            (0.25, Unit::Seconds, "250ms"),
            (1.5, Unit::Seconds, "1.5s"),
            (120.0, Unit::Seconds, "2min"),
            (250.0, Unit::Milliseconds, "250ms"),
            (3.0 * 1_048_576.0, Unit::Bytes, "3MiB"),
            (1200.0, Unit::ReqPerSec, "1.2k"),
            (0.30000000000000004, Unit::None, "0.3"),
            (0.0, Unit::None, "0"),
            (-0.0, Unit::Percent, "0%"),
        ];
        for (v, unit, expected) in cases {
            check((v, unit), format_axis(*v, *unit), expected.to_string());
        }
    }

    #[test]
    fn ticks_on_a_1_2_5_grid() {
        let cases: &[((f64, f64, usize), &[f64])] = &[
            ((0.0, 100.0, 6), &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
            ((0.0, 100.0, 3), &[0.0, 50.0, 100.0]),
            ((0.0, 1.0, 5), &[0.0, 0.5, 1.0]),
            ((0.0, 0.9, 10), &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]),
            ((3.0, 97.0, 5), &[0.0, 50.0, 100.0]),
            ((-7.0, 12.0, 5), &[-10.0, 0.0, 10.0, 20.0]),
            ((100.0, 0.0, 3), &[0.0, 50.0, 100.0]),
            ((5.0, 5.0, 5), &[4.5, 5.0, 5.5]),
            ((0.0, 0.0, 3), &[-1.0, 0.0, 1.0]),
            ((f64::NAN, 10.0, 3), &[9.0, 10.0, 11.0]),
            ((f64::NAN, f64::INFINITY, 3), &[]),
            ((0.0, 1.0, 0), &[0.0, 1.0]),
        ];
        for ((lo, hi, n), expected) in cases {
            check((lo, hi, n), nice_ticks(*lo, *hi, *n), expected.to_vec());
        }
    }

    #[test]
    fn ticks_survive_extreme_input() {
        for (lo, hi) in [(-f64::MAX, f64::MAX), (1e16, 1e16 + 2.0), (1e-300, 2e-300), (0.0, f64::MIN_POSITIVE)] {
            let ticks = nice_ticks(lo, hi, 5);
            assert!(!ticks.is_empty() && ticks.len() <= 5, "{lo} {hi}: {ticks:?}");
        }
    }

    proptest! {
        #[test]
        fn ticks_cover_and_stay_bounded(a in -1e9f64..1e9, b in -1e9f64..1e9, n in 2usize..12) {
            let ticks = nice_ticks(a, b, n);
            prop_assert!(ticks.len() >= 2 && ticks.len() <= n, "{:?}", ticks);
            prop_assert!(ticks[0] <= a.min(b) && *ticks.last().unwrap() >= a.max(b));
            for pair in ticks.windows(2) {
                prop_assert!(pair[0] < pair[1]);
            }
        }

        #[test]
        fn formatting_never_panics_and_is_short(v in proptest::num::f64::ANY, d in proptest::option::of(0u8..6)) {
            for unit in [Unit::None, Unit::Percent, Unit::Seconds, Unit::Milliseconds, Unit::Bytes, Unit::ReqPerSec] {
                let text = format_value(v, unit, d);
                prop_assert!(!text.is_empty());
                let axis = format_axis(v, unit);
                prop_assert!(axis.len() <= 24 || v.abs() > 1e18, "{} -> {}", v, axis);
            }
        }
    }
}

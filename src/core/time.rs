//! Time ranges, presets, RFC 3339 parsing and formatting, query steps and axis ticks.
//!
//! Instants are epoch milliseconds UTC (`i64`). This module must never read the clock or
//! the local time zone: callers pass `now_ms` and the viewer's offset in minutes (the
//! browser knows both). Calendar arithmetic is hand-written (days from civil) so that no
//! date crate bloats the web build.

use crate::core::spec::TimeSpec;
use thiserror::Error;

/// A non-empty time window `[from_ms, to_ms]`, epoch ms UTC. `from_ms < to_ms` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    from_ms: i64,
    to_ms: i64,
}

impl TimeRange {
    /// Returns `None` unless `from_ms < to_ms`.
    pub fn new(from_ms: i64, to_ms: i64) -> Option<Self> {
        (from_ms < to_ms).then_some(Self { from_ms, to_ms })
    }

    pub fn from_ms(&self) -> i64 {
        self.from_ms
    }

    pub fn to_ms(&self) -> i64 {
        self.to_ms
    }

    /// Length in milliseconds (always > 0).
    pub fn duration_ms(&self) -> i64 {
        self.to_ms - self.from_ms
    }

    /// Resolves a dashboard time spec against the current instant.
    pub fn resolve(spec: TimeSpec, now_ms: i64) -> Self {
        match spec {
            TimeSpec::Relative { last_s } => {
                let len = (last_s.max(1) as i64).saturating_mul(1000);
                Self { from_ms: now_ms - len, to_ms: now_ms }
            }
            TimeSpec::Absolute { from_ms, to_ms } if from_ms < to_ms => Self { from_ms, to_ms },
            TimeSpec::Absolute { from_ms, .. } => Self { from_ms, to_ms: from_ms + 1 },
        }
    }
}

/// Relative time presets offered in the picker: `(label, length in seconds)`.
pub const PRESETS: &[(&str, u64)] = &[
    ("5m", 5 * 60),
    ("15m", 15 * 60),
    ("1h", 3600),
    ("6h", 6 * 3600),
    ("24h", 24 * 3600),
    ("7d", 7 * 86_400),
];

/// Auto-refresh choices in seconds; 0 means off.
pub const REFRESH_CHOICES: &[u32] = &[0, 5, 10, 30, 60];

/// The most points one range query may return (Prometheus refuses more than 11,000).
pub const MAX_POINTS: i64 = 11_000;

const SECOND_MS: i64 = 1000;
const MINUTE_MS: i64 = 60 * SECOND_MS;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Query steps that `step_for` rounds up to, in ms. Longer steps are whole days.
const NICE_STEPS_MS: &[i64] = &[
    SECOND_MS,
    5 * SECOND_MS,
    10 * SECOND_MS,
    15 * SECOND_MS,
    30 * SECOND_MS,
    MINUTE_MS,
    2 * MINUTE_MS,
    5 * MINUTE_MS,
    10 * MINUTE_MS,
    15 * MINUTE_MS,
    30 * MINUTE_MS,
    HOUR_MS,
    2 * HOUR_MS,
    3 * HOUR_MS,
    6 * HOUR_MS,
    12 * HOUR_MS,
    DAY_MS,
    2 * DAY_MS,
    7 * DAY_MS,
    14 * DAY_MS,
    30 * DAY_MS,
];

/// Spacings between axis ticks, in ms. Sub-day spacings all divide a day, so ticks land on
/// round local times; day spacings count whole local days.
const TICK_STEPS_MS: &[i64] = &[
    SECOND_MS,
    2 * SECOND_MS,
    5 * SECOND_MS,
    10 * SECOND_MS,
    15 * SECOND_MS,
    30 * SECOND_MS,
    MINUTE_MS,
    2 * MINUTE_MS,
    5 * MINUTE_MS,
    10 * MINUTE_MS,
    15 * MINUTE_MS,
    30 * MINUTE_MS,
    HOUR_MS,
    2 * HOUR_MS,
    3 * HOUR_MS,
    6 * HOUR_MS,
    12 * HOUR_MS,
    DAY_MS,
    2 * DAY_MS,
    5 * DAY_MS,
    10 * DAY_MS,
    15 * DAY_MS,
    30 * DAY_MS,
    60 * DAY_MS,
    90 * DAY_MS,
    180 * DAY_MS,
    365 * DAY_MS,
];

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Text that could not be read as an instant or a duration.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeError {
    #[error("the time is empty; write an instant such as 2026-11-23T06:57:00Z")]
    Empty,
    #[error("\"{0}\" is not an RFC 3339 instant; write it like 2026-11-23T06:57:00Z")]
    Malformed(String),
    #[error(
        "\"{0}\" has no time-zone offset; add Z for UTC (2026-11-23T06:57:00Z) or an offset such as +01:00"
    )]
    MissingOffset(String),
    #[error("\"{input}\" has an impossible {field}; check the date and time")]
    OutOfRange { input: String, field: &'static str },
    #[error("the duration is empty; write one such as 5m, 1h30m or 90s")]
    EmptyDuration,
    #[error("\"{0}\" is not a duration; write a number and a unit (s, m, h, d, w), such as 5m, 1h30m or 90s")]
    BadDuration(String),
    #[error("the duration \"{0}\" is too long; use at most a few years")]
    DurationTooLong(String),
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// The calendar fields of an instant, already shifted to the wanted zone.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
}

fn civil(ms: i64) -> Civil {
    let days = ms.div_euclid(DAY_MS);
    let rem = ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / HOUR_MS) as u32,
        minute: (rem % HOUR_MS / MINUTE_MS) as u32,
        second: (rem % MINUTE_MS / SECOND_MS) as u32,
        milli: (rem % SECOND_MS) as u32,
    }
}

/// Reads exactly `n` ASCII digits at `*pos`, advancing past them.
fn digits(bytes: &[u8], pos: &mut usize, n: usize) -> Option<u32> {
    let slice = bytes.get(*pos..*pos + n)?;
    let mut out = 0u32;
    for b in slice {
        if !b.is_ascii_digit() {
            return None;
        }
        out = out * 10 + u32::from(b - b'0');
    }
    *pos += n;
    Some(out)
}

fn expect(bytes: &[u8], pos: &mut usize, wanted: &[u8]) -> Option<()> {
    let b = *bytes.get(*pos)?;
    wanted.contains(&b).then(|| *pos += 1)
}

/// Parses an RFC 3339 instant into epoch ms UTC.
///
/// Accepts `2026-11-23T06:57:00Z`, an offset such as `+01:00`, fractional seconds (kept to
/// the millisecond, extra digits truncated), a lowercase `t` or `z`, and a space instead of
/// `T`. An instant without an offset is rejected, because guessing the zone would silently
/// shift the range.
pub fn parse_rfc3339(text: &str) -> Result<i64, TimeError> {
    let input = text.trim();
    if input.is_empty() {
        return Err(TimeError::Empty);
    }
    let malformed = || TimeError::Malformed(input.to_string());
    let bytes = input.as_bytes();
    let mut pos = 0;
    let year = digits(bytes, &mut pos, 4).ok_or_else(malformed)?;
    expect(bytes, &mut pos, b"-").ok_or_else(malformed)?;
    let month = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
    expect(bytes, &mut pos, b"-").ok_or_else(malformed)?;
    let day = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
    if pos == bytes.len() {
        // A bare date names a whole day in some unknown zone, which is not an instant.
        return Err(TimeError::MissingOffset(input.to_string()));
    }
    expect(bytes, &mut pos, b"Tt ").ok_or_else(malformed)?;
    let hour = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
    expect(bytes, &mut pos, b":").ok_or_else(malformed)?;
    let minute = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
    expect(bytes, &mut pos, b":").ok_or_else(malformed)?;
    let second = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
    let mut milli = 0u32;
    if expect(bytes, &mut pos, b".,").is_some() {
        let start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            if pos - start < 3 {
                milli = milli * 10 + u32::from(bytes[pos] - b'0');
            }
            pos += 1;
        }
        let count = pos - start;
        if count == 0 {
            return Err(malformed());
        }
        for _ in count..3 {
            milli *= 10;
        }
    }
    let offset_minutes: i64 = match bytes.get(pos) {
        None => return Err(TimeError::MissingOffset(input.to_string())),
        Some(b'Z' | b'z') => {
            pos += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            pos += 1;
            let oh = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
            expect(bytes, &mut pos, b":").ok_or_else(malformed)?;
            let om = digits(bytes, &mut pos, 2).ok_or_else(malformed)?;
            if oh > 23 || om > 59 {
                return Err(TimeError::OutOfRange { input: input.to_string(), field: "offset" });
            }
            let total = i64::from(oh * 60 + om);
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return Err(malformed()),
    };
    if pos != bytes.len() {
        return Err(malformed());
    }
    let year = i64::from(year);
    let out_of_range = |field| TimeError::OutOfRange { input: input.to_string(), field };
    if !(1..=12).contains(&month) {
        return Err(out_of_range("month"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(out_of_range("day"));
    }
    if hour > 23 {
        return Err(out_of_range("hour"));
    }
    if minute > 59 {
        return Err(out_of_range("minute"));
    }
    // RFC 3339 allows a leap second (:60); it is read as the first instant of the next minute.
    if second > 60 {
        return Err(out_of_range("second"));
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second)
        - offset_minutes * 60;
    Ok(secs * 1000 + i64::from(milli))
}

/// Formats epoch ms as RFC 3339 in UTC, e.g. `2026-11-23T06:57:00Z`; milliseconds appear
/// only when they are not zero (`2026-11-23T06:57:00.250Z`).
pub fn format_rfc3339_utc(ms: i64) -> String {
    let c = civil(ms);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    if c.milli != 0 {
        out.push_str(&format!(".{:03}", c.milli));
    }
    out.push('Z');
    out
}

fn format_offset(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 60, abs % 60)
}

/// Formats epoch ms for people in a zone `offset_minutes` east of UTC, e.g.
/// `2026-11-23 07:57:00 +01:00`.
pub fn format_local(ms: i64, offset_minutes: i32) -> String {
    let c = civil(ms.saturating_add(i64::from(offset_minutes) * MINUTE_MS));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        format_offset(offset_minutes)
    )
}

/// Formats a duration compactly and exactly: `5m`, `1h`, `7d`, `1h30m`, `90` s as `1m30s`.
/// Zero is `0s`. The result always reads back with `parse_duration`.
pub fn format_duration_short(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut rest = secs;
    let mut out = String::new();
    for (unit, size) in [("d", 86_400u64), ("h", 3600), ("m", 60), ("s", 1)] {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push_str(unit);
        }
    }
    out
}

/// Parses a compact duration into seconds: `90s`, `5m`, `1h30m`, `7d`, `2w` (also with
/// spaces between the parts). Every number needs a unit.
pub fn parse_duration(text: &str) -> Result<u64, TimeError> {
    let input = text.trim();
    if input.is_empty() {
        return Err(TimeError::EmptyDuration);
    }
    let bad = || TimeError::BadDuration(input.to_string());
    let too_long = || TimeError::DurationTooLong(input.to_string());
    let mut total: u64 = 0;
    let mut chars = input.chars().filter(|c| !c.is_whitespace()).peekable();
    while chars.peek().is_some() {
        let mut number: u64 = 0;
        let mut seen_digit = false;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            number = number.checked_mul(10).and_then(|n| n.checked_add(u64::from(d))).ok_or_else(too_long)?;
            seen_digit = true;
            chars.next();
        }
        if !seen_digit {
            return Err(bad());
        }
        let size: u64 = match chars.next().map(|c| c.to_ascii_lowercase()) {
            Some('s') => 1,
            Some('m') => 60,
            Some('h') => 3600,
            Some('d') => 86_400,
            Some('w') => 7 * 86_400,
            _ => return Err(bad()),
        };
        total = number.checked_mul(size).and_then(|n| total.checked_add(n)).ok_or_else(too_long)?;
    }
    // Keep durations well inside what i64 milliseconds can hold.
    if total > (i64::MAX / 1000 / 4) as u64 {
        return Err(too_long());
    }
    Ok(total)
}

/// The query step for a range drawn `width_px` wide: at least `min_step_ms`, at least one
/// sample per pixel column, rounded up to a nice step (1s, 5s, 10s, 15s, 30s, 1m, 2m, 5m,
/// 10m, 15m, 30m, 1h, ... then whole days), and never so small that the range, once aligned
/// to the step, holds more than `MAX_POINTS` samples.
pub fn step_for(range: TimeRange, width_px: u32, min_step_ms: i64) -> i64 {
    let duration = range.duration_ms();
    let per_pixel = ceil_div(duration, i64::from(width_px.max(1)));
    // Aligning can add up to two steps and both ends count as samples, hence the margin.
    let per_cap = ceil_div(duration, MAX_POINTS - 3);
    let raw = min_step_ms.max(per_pixel).max(per_cap).max(1);
    NICE_STEPS_MS
        .iter()
        .copied()
        .find(|&s| s >= raw)
        .unwrap_or_else(|| ceil_div(raw, DAY_MS).saturating_mul(DAY_MS))
}

fn ceil_div(a: i64, b: i64) -> i64 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 {
        q
    } else {
        q + 1
    }
}

/// Widens a range to multiples of `step_ms` (start down, end up), so that successive
/// refreshes ask for the same sample instants. A non-positive step returns it unchanged.
pub fn align(range: TimeRange, step_ms: i64) -> TimeRange {
    if step_ms <= 0 {
        return range;
    }
    let from = range.from_ms.div_euclid(step_ms) * step_ms;
    let to = ceil_div(range.to_ms, step_ms).saturating_mul(step_ms);
    TimeRange { from_ms: from, to_ms: to.max(from + 1) }
}

/// The range of the same length that ends where this one starts (for "vs previous").
pub fn previous_period(range: TimeRange) -> TimeRange {
    let d = range.duration_ms();
    TimeRange { from_ms: range.from_ms.saturating_sub(d), to_ms: range.from_ms }
}

/// Axis ticks for a range, at round instants of the viewer's zone (`offset_minutes` east of
/// UTC), at most `max_ticks` of them, each with its label.
///
/// Labels are `06:50` (or `06:57:30` when ticks are seconds apart); a tick at local
/// midnight, and every tick of day-spaced axes, reads `Nov 23`; on ranges longer than a day
/// the first tick carries its date as `Nov 23 06:00` when it is not at midnight.
pub fn time_ticks(range: TimeRange, max_ticks: usize, offset_minutes: i32) -> Vec<(i64, String)> {
    if max_ticks == 0 {
        return Vec::new();
    }
    let off = i64::from(offset_minutes) * MINUTE_MS;
    let from = range.from_ms.saturating_add(off);
    let to = range.to_ms.saturating_add(off);
    let count = |step: i64| to.div_euclid(step) - ceil_div(from, step) + 1;
    let mut step = *TICK_STEPS_MS.last().unwrap_or(&DAY_MS);
    match TICK_STEPS_MS.iter().copied().find(|&s| count(s) <= max_ticks as i64) {
        Some(s) => step = s,
        None => {
            while count(step) > max_ticks as i64 {
                step = step.saturating_mul(2);
            }
        }
    }
    let long_range = range.duration_ms() > DAY_MS;
    let mut ticks = Vec::new();
    let mut local = ceil_div(from, step).saturating_mul(step);
    while local <= to && ticks.len() < max_ticks {
        let c = civil(local);
        let date = format!("{} {}", MONTHS[(c.month - 1) as usize], c.day);
        let midnight = local.rem_euclid(DAY_MS) == 0;
        let label = if step >= DAY_MS || midnight {
            date
        } else if ticks.is_empty() && long_range {
            format!("{date} {:02}:{:02}", c.hour, c.minute)
        } else if step < MINUTE_MS {
            format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
        } else {
            format!("{:02}:{:02}", c.hour, c.minute)
        };
        ticks.push((local - off, label));
        match local.checked_add(step) {
            Some(next) => local = next,
            None => break,
        }
    }
    ticks
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-11-23T06:57:00Z, the instant most tests are written around.
    const T0: i64 = 1_795_417_020_000;

    fn range(from: i64, to: i64) -> TimeRange {
        TimeRange::new(from, to).expect("test ranges are non-empty")
    }

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn reference_instant_is_what_the_tests_assume() {
        check("T0", format_rfc3339_utc(T0), "2026-11-23T06:57:00Z".to_string());
    }

    #[test]
    fn presets_and_refresh_choices() {
        let labels: Vec<&str> = PRESETS.iter().map(|(l, _)| *l).collect();
        check("labels", labels, vec!["5m", "15m", "1h", "6h", "24h", "7d"]);
        for (label, secs) in PRESETS {
            check(label, parse_duration(label), Ok(*secs));
        }
        check("refresh", REFRESH_CHOICES, &[0, 5, 10, 30, 60][..]);
    }

    #[test]
    fn parses_valid_instants() {
        let cases: &[(&str, i64)] = &[
            ("2026-11-23T06:57:00Z", T0),
            ("2026-11-23t06:57:00z", T0),
            ("2026-11-23 06:57:00Z", T0),
            ("  2026-11-23T06:57:00Z ", T0),
            ("2026-11-23T07:57:00+01:00", T0),
            ("2026-11-23T01:27:00-05:30", T0),
            ("2026-11-23T06:57:00.5Z", T0 + 500),
            ("2026-11-23T06:57:00.123456789Z", T0 + 123),
            ("2026-11-23T06:57:00,25Z", T0 + 250),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1000),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("2000-03-01T00:00:00Z", 951_868_800_000),
            ("2026-11-23T06:56:60Z", T0),
        ];
        for (text, ms) in cases {
            check(text, parse_rfc3339(text), Ok(*ms));
        }
    }

    #[test]
    fn rejects_bad_instants() {
        let missing = |s: &str| Err(TimeError::MissingOffset(s.to_string()));
        let malformed = |s: &str| Err(TimeError::Malformed(s.to_string()));
        let range_err =
            |s: &str, field| Err(TimeError::OutOfRange { input: s.to_string(), field });
        let cases: Vec<(&str, Result<i64, TimeError>)> = vec![
            ("", Err(TimeError::Empty)),
            ("2026-11-23T06:57:00", missing("2026-11-23T06:57:00")),
            ("2026-11-23T06:57:00.5", missing("2026-11-23T06:57:00.5")),
            ("2026-11-23", missing("2026-11-23")),
            ("2026-11-23T06:57Z", malformed("2026-11-23T06:57Z")),
            ("2026-11-23T06:57:00.Z", malformed("2026-11-23T06:57:00.Z")),
            ("2026-11-23T06:57:00+0100", malformed("2026-11-23T06:57:00+0100")),
            ("2026-11-23T06:57:00Zjunk", malformed("2026-11-23T06:57:00Zjunk")),
            ("26-11-23T06:57:00Z", malformed("26-11-23T06:57:00Z")),
            ("yesterday", malformed("yesterday")),
            ("2026-13-01T00:00:00Z", range_err("2026-13-01T00:00:00Z", "month")),
            ("2026-02-29T00:00:00Z", range_err("2026-02-29T00:00:00Z", "day")),
            ("2026-11-23T24:00:00Z", range_err("2026-11-23T24:00:00Z", "hour")),
            ("2026-11-23T06:60:00Z", range_err("2026-11-23T06:60:00Z", "minute")),
            ("2026-11-23T06:57:00+24:00", range_err("2026-11-23T06:57:00+24:00", "offset")),
        ];
        for (text, expected) in cases {
            check(text, parse_rfc3339(text), expected);
        }
    }

    #[test]
    fn missing_offset_message_says_what_to_do() {
        let message = parse_rfc3339("2026-11-23T06:57:00").unwrap_err().to_string();
        assert!(message.contains("no time-zone offset"), "{message}");
        assert!(message.contains("add Z"), "{message}");
    }

    #[test]
    fn formats_utc() {
        let cases: &[(i64, &str)] = &[
            (T0, "2026-11-23T06:57:00Z"),
            (T0 + 250, "2026-11-23T06:57:00.250Z"),
            (T0 + 7, "2026-11-23T06:57:00.007Z"),
            (0, "1970-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
        ];
        for (ms, text) in cases {
            check(ms, format_rfc3339_utc(*ms), text.to_string());
        }
    }

    #[test]
    fn formats_local() {
        let cases: &[(i64, i32, &str)] = &[
            (T0, 60, "2026-11-23 07:57:00 +01:00"),
            (T0, 0, "2026-11-23 06:57:00 +00:00"),
            (T0, -300, "2026-11-23 01:57:00 -05:00"),
            (T0, 330, "2026-11-23 12:27:00 +05:30"),
            (T0, -420, "2026-11-22 23:57:00 -07:00"),
            (T0 + 999, 0, "2026-11-23 06:57:00 +00:00"),
        ];
        for (ms, off, text) in cases {
            check((ms, off), format_local(*ms, *off), text.to_string());
        }
    }

    #[test]
    fn formats_durations() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (45, "45s"),
            (90, "1m30s"),
            (300, "5m"),
            (3600, "1h"),
            (5400, "1h30m"),
            (86_400, "1d"),
            (7 * 86_400, "7d"),
            (90_061, "1d1h1m1s"),
        ];
        for (secs, text) in cases {
            check(secs, format_duration_short(*secs), text.to_string());
        }
    }

    #[test]
    fn parses_durations() {
        let cases: Vec<(&str, Result<u64, TimeError>)> = vec![
            ("5m", Ok(300)),
            ("1h30m", Ok(5400)),
            ("90s", Ok(90)),
            ("7d", Ok(604_800)),
            ("2w", Ok(1_209_600)),
            ("1H 30M", Ok(5400)),
            (" 24h ", Ok(86_400)),
            ("0s", Ok(0)),
            ("", Err(TimeError::EmptyDuration)),
            ("90", Err(TimeError::BadDuration("90".into()))),
            ("m5", Err(TimeError::BadDuration("m5".into()))),
            ("5y", Err(TimeError::BadDuration("5y".into()))),
            ("1.5h", Err(TimeError::BadDuration("1.5h".into()))),
            ("-5m", Err(TimeError::BadDuration("-5m".into()))),
            (
                "99999999999999999999d",
                Err(TimeError::DurationTooLong("99999999999999999999d".into())),
            ),
            ("9999999999999w", Err(TimeError::DurationTooLong("9999999999999w".into()))),
        ];
        for (text, expected) in cases {
            check(text, parse_duration(text), expected);
        }
    }

    #[test]
    fn steps_are_nice_and_bounded() {
        let cases: &[(i64, u32, i64, i64)] = &[
            // Each case is (duration, width, min step, expected step).
            (3600 * SECOND_MS, 1200, 0, 5 * SECOND_MS),
            (3600 * SECOND_MS, 1200, 15 * SECOND_MS, 15 * SECOND_MS),
            (3600 * SECOND_MS, 1200, 7 * SECOND_MS, 10 * SECOND_MS),
            (300 * SECOND_MS, 1000, 0, SECOND_MS),
            (24 * HOUR_MS, 1000, 0, 2 * MINUTE_MS),
            (7 * DAY_MS, 1000, 0, 15 * MINUTE_MS),
            (7 * DAY_MS, 100_000, 0, MINUTE_MS),
            (365 * DAY_MS, 1000, 0, 12 * HOUR_MS),
            (365 * DAY_MS, 300, 0, 2 * DAY_MS),
            (3650 * DAY_MS, 10, 0, 365 * DAY_MS),
            (3600 * SECOND_MS, 0, 0, HOUR_MS),
        ];
        for (duration, width, min_step, expected) in cases {
            let r = range(T0, T0 + duration);
            check((duration, width, min_step), step_for(r, *width, *min_step), *expected);
        }
    }

    #[test]
    fn aligns_to_step() {
        let cases: &[((i64, i64), i64, (i64, i64))] = &[
            ((1001, 5999), 1000, (1000, 6000)),
            ((1000, 6000), 1000, (1000, 6000)),
            ((-1500, -500), 1000, (-2000, 0)),
            ((1001, 5999), 0, (1001, 5999)),
        ];
        for ((from, to), step, (ef, et)) in cases {
            check((from, to, step), align(range(*from, *to), *step), range(*ef, *et));
        }
    }

    #[test]
    fn previous_period_is_adjacent_and_same_length() {
        check("1h", previous_period(range(T0, T0 + HOUR_MS)), range(T0 - HOUR_MS, T0));
        check("1ms", previous_period(range(5, 6)), range(4, 5));
    }

    fn labels(ticks: &[(i64, String)]) -> Vec<&str> {
        ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn ticks_for_short_ranges() {
        // From 06:47 to 06:57 UTC, six ticks fit every two minutes.
        let r = range(T0 - 10 * MINUTE_MS, T0);
        let ticks = time_ticks(r, 6, 0);
        check("10m utc", labels(&ticks), vec!["06:48", "06:50", "06:52", "06:54", "06:56"]);
        check("first instant", ticks[0].0, T0 - 9 * MINUTE_MS);
        let ticks = time_ticks(r, 6, 60);
        check("10m +01:00", labels(&ticks)[0], "07:48");
        let ticks = time_ticks(range(T0, T0 + 30 * SECOND_MS), 4, 0);
        check("30s", labels(&ticks), vec!["06:57:00", "06:57:10", "06:57:20", "06:57:30"]);
        let ticks = time_ticks(r, 0, 0);
        check("no ticks wanted", ticks.len(), 0);
    }

    #[test]
    fn ticks_mark_day_boundaries() {
        // From 22:00 to 02:00 UTC, the midnight tick reads as the date.
        let midnight = days_from_civil(2026, 11, 24) * DAY_MS;
        let r = range(midnight - 2 * HOUR_MS, midnight + 2 * HOUR_MS);
        let ticks = time_ticks(r, 5, 0);
        check("across midnight", labels(&ticks), vec!["22:00", "23:00", "Nov 24", "01:00", "02:00"]);
        // Seven days get one tick per day at local midnight.
        let ticks = time_ticks(range(T0 - 7 * DAY_MS, T0), 8, 0);
        check(
            "7d",
            labels(&ticks),
            vec!["Nov 17", "Nov 18", "Nov 19", "Nov 20", "Nov 21", "Nov 22", "Nov 23"],
        );
        // Two days with sub-day ticks label the first tick with its date.
        let ticks = time_ticks(range(T0 - 2 * DAY_MS, T0), 10, 0);
        check(
            "2d",
            labels(&ticks),
            vec!["Nov 21 12:00", "18:00", "Nov 22", "06:00", "12:00", "18:00", "Nov 23", "06:00"],
        );
        let ticks = time_ticks(range(T0 - 2 * DAY_MS, T0), 4, 0);
        check("2d, few ticks", labels(&ticks), vec!["Nov 21 12:00", "Nov 22", "12:00", "Nov 23"]);
        // In UTC+01:00 the day starts an hour earlier in UTC.
        let ticks = time_ticks(range(T0 - 3 * DAY_MS, T0), 4, 60);
        check("3d +01:00", ticks[0].0, days_from_civil(2026, 11, 21) * DAY_MS - HOUR_MS);
    }

    #[test]
    fn civil_round_trip_edges() {
        let cases: &[(i64, (i64, u32, u32))] = &[
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (11_016, (2000, 2, 29)),
            (20_415, (2025, 11, 23)),
        ];
        for (days, date) in cases {
            check(days, civil_from_days(*days), *date);
            check(date, days_from_civil(date.0, date.1, date.2), *days);
        }
    }

    proptest! {
        #[test]
        fn rfc3339_round_trips(ms in -62_000_000_000_000i64..250_000_000_000_000i64) {
            prop_assume!(ms >= -62_135_596_800_000); // year 1 and later: four-digit years.
            prop_assert_eq!(parse_rfc3339(&format_rfc3339_utc(ms)), Ok(ms));
        }

        #[test]
        fn local_format_matches_offset_parse(ms in 0i64..4_000_000_000_000i64, off in -720i32..=840) {
            let ms = ms - ms % 1000;
            let text = format_local(ms, off);
            let rfc = format!("{}T{}{}", &text[..10], &text[11..19], &text[20..]);
            prop_assert_eq!(parse_rfc3339(&rfc), Ok(ms));
        }

        #[test]
        fn durations_round_trip(secs in 0u64..100_000_000u64) {
            prop_assert_eq!(parse_duration(&format_duration_short(secs)), Ok(secs));
        }

        #[test]
        fn step_never_exceeds_point_cap(
            from in -1_000_000_000_000i64..4_000_000_000_000i64,
            len in 1i64..400 * DAY_MS,
            width in 0u32..10_000,
            min_step in -5i64..3_600_000,
        ) {
            let r = range(from, from + len);
            let step = step_for(r, width, min_step);
            prop_assert!(step >= min_step && step >= 1);
            let aligned = align(r, step);
            prop_assert!(aligned.from_ms() <= r.from_ms() && aligned.to_ms() >= r.to_ms());
            let points = aligned.duration_ms() / step + 1;
            prop_assert!(points <= MAX_POINTS, "{points} points at step {step}");
        }

        #[test]
        fn ticks_are_bounded_and_inside(
            from in 0i64..4_000_000_000_000i64,
            len in 1i64..800 * DAY_MS,
            max in 0usize..20,
            off in -720i32..=840,
        ) {
            let r = range(from, from + len);
            let ticks = time_ticks(r, max, off);
            prop_assert!(ticks.len() <= max);
            for pair in ticks.windows(2) {
                prop_assert!(pair[0].0 < pair[1].0);
            }
            for (t, label) in &ticks {
                prop_assert!(*t >= r.from_ms() && *t <= r.to_ms());
                prop_assert!(!label.is_empty());
            }
        }
    }
}

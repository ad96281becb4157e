//! The dashboard's one-line verdict: the worst tile status and a sentence that counts the
//! tiles needing attention.
//!
//! It must never read the clock (a frozen view passes its as-of instant) and never call a
//! frozen view "go back to sleep": old data cannot promise that all is well now.

use crate::core::status::Status;
use crate::core::time::format_rfc3339_utc;

/// The text shown when every counted tile is green on live data.
pub const ALL_GREEN_LIVE: &str = "All green — go back to sleep";

/// The text shown when no tile has thresholds.
pub const NO_THRESHOLDS: &str = "No tiles with thresholds";

/// The dashboard's overall status and its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub status: Status,
    pub text: String,
}

/// How many counted tiles are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub ok: usize,
    pub warn: usize,
    pub fail: usize,
    pub unknown: usize,
}

impl Counts {
    /// Counts statuses; `None` (no thresholds) is left out.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Self {
        let mut c = Counts::default();
        for s in statuses {
            match s {
                Status::Ok => c.ok += 1,
                Status::Warn => c.warn += 1,
                Status::Fail => c.fail += 1,
                Status::Unknown => c.unknown += 1,
                Status::None => {}
            }
        }
        c
    }

    /// Number of tiles that count towards health.
    pub fn total(&self) -> usize {
        self.ok + self.warn + self.fail + self.unknown
    }

    /// The worst counted status, or `None` when nothing is counted.
    pub fn worst(&self) -> Status {
        if self.fail > 0 {
            Status::Fail
        } else if self.warn > 0 {
            Status::Warn
        } else if self.unknown > 0 {
            Status::Unknown
        } else if self.ok > 0 {
            Status::Ok
        } else {
            Status::None
        }
    }
}

/// The worst status by rank (fail > warn > unknown > ok), ignoring `None`; `None` when no
/// tile is counted.
pub fn overall(statuses: impl IntoIterator<Item = Status>) -> Status {
    statuses
        .into_iter()
        .filter(|s| s.is_counted())
        .max_by_key(|s| s.rank())
        .unwrap_or(Status::None)
}

/// The banner for a set of tile statuses. `frozen_as_of_ms` is the instant a frozen view
/// was taken; a frozen view says when its verdict held instead of "go back to sleep".
///
/// Examples: `All green — go back to sleep`, `All green as of 2026-11-23T06:57:00Z
/// (frozen)`, `2 failing, 1 warning, 1 unknown`, `No tiles with thresholds`.
pub fn banner(statuses: impl IntoIterator<Item = Status>, frozen_as_of_ms: Option<i64>) -> Banner {
    let counts = Counts::of(statuses);
    let status = counts.worst();
    let frozen_suffix =
        frozen_as_of_ms.map(|ms| format!(" as of {} (frozen)", format_rfc3339_utc(ms)));
    let text = match status {
        Status::None => NO_THRESHOLDS.to_string(),
        Status::Ok => match frozen_suffix {
            Some(suffix) => format!("All green{suffix}"),
            None => ALL_GREEN_LIVE.to_string(),
        },
        _ => {
            let mut parts = Vec::new();
            if counts.fail > 0 {
                parts.push(format!("{} failing", counts.fail));
            }
            if counts.warn > 0 {
                let noun = if counts.warn == 1 { "warning" } else { "warnings" };
                parts.push(format!("{} {noun}", counts.warn));
            }
            if counts.unknown > 0 {
                parts.push(format!("{} unknown", counts.unknown));
            }
            format!("{}{}", parts.join(", "), frozen_suffix.unwrap_or_default())
        }
    };
    Banner { status, text }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use Status::{Fail, Ok, Unknown, Warn};

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    /// 2026-11-23T06:57:00Z.
    const AS_OF: i64 = 1_795_417_020_000;

    #[test]
    fn overall_is_the_worst_counted() {
        let cases: &[(&[Status], Status)] = &[
            (&[Ok, Ok], Ok),
            (&[Ok, Unknown], Unknown),
            (&[Unknown, Warn, Ok], Warn),
            (&[Warn, Fail, Unknown], Fail),
            (&[Status::None, Ok], Ok),
            (&[Status::None, Status::None], Status::None),
            (&[], Status::None),
        ];
        for (statuses, expected) in cases {
            check(statuses, overall(statuses.iter().copied()), *expected);
        }
    }

    #[test]
    fn live_banners() {
        let cases: &[(&[Status], (Status, &str))] = &[
            (&[Ok, Ok, Status::None], (Ok, "All green — go back to sleep")),
            (&[Fail, Fail, Warn, Unknown, Ok], (Fail, "2 failing, 1 warning, 1 unknown")),
            (&[Warn, Warn, Ok], (Warn, "2 warnings")),
            (&[Unknown, Ok], (Unknown, "1 unknown")),
            (&[Fail], (Fail, "1 failing")),
            (&[Status::None], (Status::None, "No tiles with thresholds")),
            (&[], (Status::None, "No tiles with thresholds")),
        ];
        for (statuses, (status, text)) in cases {
            let b = banner(statuses.iter().copied(), None);
            check(statuses, (b.status, b.text.as_str()), (*status, *text));
        }
    }

    #[test]
    fn frozen_banners_never_say_sleep() {
        let cases: &[(&[Status], &str)] = &[
            (&[Ok, Ok], "All green as of 2026-11-23T06:57:00Z (frozen)"),
            (&[Fail, Ok], "1 failing as of 2026-11-23T06:57:00Z (frozen)"),
            (&[Status::None], "No tiles with thresholds"),
        ];
        for (statuses, text) in cases {
            let b = banner(statuses.iter().copied(), Some(AS_OF));
            check(statuses, b.text.as_str(), *text);
            assert!(!b.text.contains("sleep"), "{}", b.text);
        }
    }

    #[test]
    fn counts_agree_with_overall() {
        let statuses = [Ok, Warn, Status::None, Unknown, Fail, Ok];
        let c = Counts::of(statuses);
        check("counts", c, Counts { ok: 2, warn: 1, fail: 1, unknown: 1 });
        check("total", c.total(), 5);
        check("worst", c.worst(), overall(statuses));
    }
}

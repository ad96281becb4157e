//! The dashboard's one-line verdict: the worst status and a sentence that says "All N
//! checks green" or names the checks needing attention; and the worst-first panel order
//! the phone layout uses.
//!
//! It must never read the clock (a frozen view passes its as-of instant) and never call a
//! frozen view "go back to sleep": old data cannot promise that all is well now.

use crate::core::status::Status;
use crate::core::time::format_rfc3339_utc;

/// What follows "All N checks green" when every counted check is green on live data.
pub const ALL_GREEN_LIVE_SUFFIX: &str = " — go back to sleep";

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

/// One named check: a KPI tile (by its title) or a health check (by its service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub status: Status,
}

impl Check {
    pub fn new(name: impl Into<String>, status: Status) -> Self {
        Check {
            name: name.into(),
            status,
        }
    }
}

/// At most this many names are spelled out per status in the banner.
pub const NAMES_PER_STATUS: usize = 3;

/// "Error rate, p99" or "a, b, c and 2 more".
fn names(checks: &[&Check]) -> String {
    let shown: Vec<&str> = checks
        .iter()
        .take(NAMES_PER_STATUS)
        .map(|c| c.name.as_str())
        .collect();
    let mut text = shown.join(", ");
    if checks.len() > NAMES_PER_STATUS {
        text.push_str(&format!(" and {} more", checks.len() - NAMES_PER_STATUS));
    }
    text
}

/// "All 5 checks green" (or "All 1 check green").
fn all_green(total: usize) -> String {
    let noun = if total == 1 { "check" } else { "checks" };
    format!("All {total} {noun} green")
}

/// The banner for a set of named checks: "All N checks green" when every counted check is
/// green, otherwise the checks that are not, worst first, by name. `frozen_as_of_ms` is
/// the instant a frozen view was taken; a frozen view says when its verdict held instead
/// of "go back to sleep".
///
/// Examples: `All 5 checks green — go back to sleep`, `All 5 checks green as of
/// 2026-11-23T06:57:00Z (frozen)`, `2 failing: Error rate, p99; 1 unknown: Orders`,
/// `No tiles with thresholds`.
pub fn banner(checks: &[Check], frozen_as_of_ms: Option<i64>) -> Banner {
    let counts = Counts::of(checks.iter().map(|c| c.status));
    let status = counts.worst();
    let frozen_suffix =
        frozen_as_of_ms.map(|ms| format!(" as of {} (frozen)", format_rfc3339_utc(ms)));
    let text = match status {
        Status::None => NO_THRESHOLDS.to_string(),
        Status::Ok => match frozen_suffix {
            Some(suffix) => format!("{}{suffix}", all_green(counts.total())),
            None => format!("{}{ALL_GREEN_LIVE_SUFFIX}", all_green(counts.total())),
        },
        _ => {
            let groups = [
                (Status::Fail, "failing", "failing"),
                (Status::Warn, "warning", "warnings"),
                (Status::Unknown, "unknown", "unknown"),
            ];
            let parts: Vec<String> = groups
                .iter()
                .filter_map(|(s, one, many)| {
                    let these: Vec<&Check> = checks.iter().filter(|c| c.status == *s).collect();
                    let word = if these.len() == 1 { one } else { many };
                    (!these.is_empty())
                        .then(|| format!("{} {word}: {}", these.len(), names(&these)))
                })
                .collect();
            format!("{}{}", parts.join("; "), frozen_suffix.unwrap_or_default())
        }
    };
    Banner { status, text }
}

/// The order to show panels in on a small screen: worst status first (fail, warn,
/// unknown, then the rest), keeping the dashboard's order among equals. Green panels and
/// panels without a status are equals. Returns each panel's position, by panel index.
pub fn worst_first_positions(statuses: &[Status]) -> Vec<usize> {
    let rank = |s: Status| {
        if s.is_counted() {
            s.rank().max(Status::Ok.rank())
        } else {
            Status::Ok.rank()
        }
    };
    let mut order: Vec<usize> = (0..statuses.len()).collect();
    crate::core::sort::sort_by_key(&mut order, |i| std::cmp::Reverse(rank(statuses[*i])));
    let mut positions = vec![0; statuses.len()];
    for (position, index) in order.into_iter().enumerate() {
        positions[index] = position;
    }
    positions
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

    fn checks(statuses: &[Status]) -> Vec<Check> {
        statuses
            .iter()
            .enumerate()
            .map(|(i, s)| Check::new(format!("c{i}"), *s))
            .collect()
    }

    #[test]
    fn live_banners() {
        let cases: &[(&[Status], (Status, &str))] = &[
            (
                &[Ok, Ok, Status::None],
                (Ok, "All 2 checks green — go back to sleep"),
            ),
            (&[Ok], (Ok, "All 1 check green — go back to sleep")),
            (
                &[Fail, Fail, Warn, Unknown, Ok],
                (Fail, "2 failing: c0, c1; 1 warning: c2; 1 unknown: c3"),
            ),
            (&[Warn, Warn, Ok], (Warn, "2 warnings: c0, c1")),
            (&[Unknown, Ok], (Unknown, "1 unknown: c0")),
            (&[Ok, Fail], (Fail, "1 failing: c1")),
            (
                &[Fail, Fail, Fail, Fail, Fail],
                (Fail, "5 failing: c0, c1, c2 and 2 more"),
            ),
            (&[Status::None], (Status::None, "No tiles with thresholds")),
            (&[], (Status::None, "No tiles with thresholds")),
        ];
        for (statuses, (status, text)) in cases {
            let b = banner(&checks(statuses), None);
            check(statuses, (b.status, b.text.as_str()), (*status, *text));
        }
    }

    #[test]
    fn banner_names_real_titles() {
        let named = [
            Check::new("Error rate", Fail),
            Check::new("Requests", Ok),
            Check::new("billing", Warn),
            Check::new("Chart", Status::None),
        ];
        check(
            "named",
            banner(&named, None).text,
            "1 failing: Error rate; 1 warning: billing".to_string(),
        );
    }

    #[test]
    fn frozen_banners_never_say_sleep() {
        let cases: &[(&[Status], &str)] = &[
            (
                &[Ok, Ok],
                "All 2 checks green as of 2026-11-23T06:57:00Z (frozen)",
            ),
            (
                &[Fail, Ok],
                "1 failing: c0 as of 2026-11-23T06:57:00Z (frozen)",
            ),
            (&[Status::None], "No tiles with thresholds"),
        ];
        for (statuses, text) in cases {
            let b = banner(&checks(statuses), Some(AS_OF));
            check(statuses, b.text.as_str(), *text);
            assert!(!b.text.contains("sleep"), "{}", b.text);
        }
    }

    #[test]
    fn worst_first_is_a_stable_sort_by_status() {
        use Status::None as N;
        let cases: &[(&[Status], &[usize])] = &[
            (&[Ok, Fail, Warn, Unknown], &[3, 0, 1, 2]),
            (&[Ok, N, Ok, Fail], &[1, 2, 3, 0]),
            (&[Warn, Fail, Warn, Fail], &[2, 0, 3, 1]),
            (&[Unknown, Ok, Unknown], &[0, 2, 1]),
            (&[N, N], &[0, 1]),
            (&[], &[]),
        ];
        for (statuses, positions) in cases {
            check(
                statuses,
                worst_first_positions(statuses),
                positions.to_vec(),
            );
        }
    }

    #[test]
    fn counts_agree_with_overall() {
        let statuses = [Ok, Warn, Status::None, Unknown, Fail, Ok];
        let c = Counts::of(statuses);
        check(
            "counts",
            c,
            Counts {
                ok: 2,
                warn: 1,
                fail: 1,
                unknown: 1,
            },
        );
        check("total", c.total(), 5);
        check("worst", c.worst(), overall(statuses));
    }
}

//! Freshness: whether a check's result is recent enough to trust, and the state a cell
//! shows once the stale overlay is applied.
//!
//! Stale is an overlay, not a fifth state: the last known state is kept for the label, but
//! a stale cell is never green. Callers pass `now_ms`; this file must never read a clock.

use super::state::HealthState;

/// The freshness window used when a panel sets none, in seconds.
pub const DEFAULT_FRESHNESS_S: u32 = 60;

/// The window a panel applies: the panel's own setting (or the default), but never less
/// than three poll intervals, so one slow poll does not flash every cell stale.
pub fn freshness_window_s(panel_freshness_s: Option<u32>, poll_interval_s: u32) -> u32 {
    panel_freshness_s
        .unwrap_or(DEFAULT_FRESHNESS_S)
        .max(poll_interval_s.saturating_mul(3))
}

/// Whether a result is fresh at `now_ms`. Its age is measured from the older of the check's
/// own time and our poll time (a service reporting a cached, old check is stale even when we
/// polled it a second ago). With neither time known, nothing vouches for it: not fresh.
/// A time in the future (clock skew) counts as age zero.
pub fn is_fresh(
    observed_at_ms: Option<i64>,
    polled_at_ms: Option<i64>,
    now_ms: i64,
    freshness_s: u32,
) -> bool {
    let reference = match (observed_at_ms, polled_at_ms) {
        (Some(o), Some(p)) => o.min(p),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return false,
    };
    now_ms.saturating_sub(reference) <= i64::from(freshness_s) * 1000
}

/// The state a cell counts as once staleness is known: a stale Ok becomes Unknown, while a
/// stale Warn or Fail keeps its severity (the reference counts a stale child as Unknown; we
/// keep the worse of the two so an old failure still sorts first).
pub fn displayed(state: HealthState, stale: bool) -> HealthState {
    if stale {
        state.worst(HealthState::Unknown)
    } else {
        state
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn freshness_rules() {
        let now = 1_000_000;
        let cases: &[((Option<i64>, Option<i64>, u32), bool)] = &[
            ((None, Some(now), 60), true),
            ((None, Some(now - 60_000), 60), true),
            ((None, Some(now - 60_001), 60), false),
            ((Some(now - 10_000), Some(now), 60), true),
            ((Some(now - 120_000), Some(now), 60), false),
            ((Some(now), Some(now - 120_000), 60), false),
            ((Some(now + 30_000), None, 60), true),
            ((None, None, 60), false),
            ((Some(i64::MIN), Some(now), 60), false),
        ];
        for ((observed, polled, window), expected) in cases {
            check(
                (observed, polled, window),
                is_fresh(*observed, *polled, now, *window),
                *expected,
            );
        }
    }

    #[test]
    fn stale_overlay_is_never_green_and_windows() {
        let cases = [
            ((Ok, true), Unknown),
            ((Ok, false), Ok),
            ((Warn, true), Warn),
            ((Fail, true), Fail),
            ((Unknown, true), Unknown),
        ];
        for ((state, stale), expected) in cases {
            check((state, stale), displayed(state, stale), expected);
        }
        check("default", freshness_window_s(None, 5), 60);
        check("slow polls", freshness_window_s(Some(30), 20), 60);
        check("panel", freshness_window_s(Some(300), 10), 300);
    }
}

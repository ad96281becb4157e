//! The four health states a cell can be in, their stable spellings and their severity.
//!
//! Stale is deliberately not a state here: it is an overlay computed in `freshness.rs`, so
//! the last known state is kept. This file must never parse bodies or know about HTTP.

/// The normalised health of one check, one service or one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HealthState {
    /// Confirmed healthy.
    Ok,
    /// Degraded but serving.
    Warn,
    /// Failing, timed out or drained for maintenance.
    Fail,
    /// Nobody can say: no data, an unreadable answer or an unrecognised status word.
    Unknown,
}

impl HealthState {
    /// Every state, from best to worst.
    pub const ALL: [HealthState; 4] = [
        HealthState::Ok,
        HealthState::Unknown,
        HealthState::Warn,
        HealthState::Fail,
    ];

    /// The stable machine spelling, used in `data-status` and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthState::Ok => "ok",
            HealthState::Warn => "warn",
            HealthState::Fail => "fail",
            HealthState::Unknown => "unknown",
        }
    }

    /// Severity for picking the worst: fail 3 > warn 2 > unknown 1 > ok 0.
    pub fn rank(self) -> u8 {
        match self {
            HealthState::Fail => 3,
            HealthState::Warn => 2,
            HealthState::Unknown => 1,
            HealthState::Ok => 0,
        }
    }

    /// The worse of two states.
    pub fn worst(self, other: HealthState) -> HealthState {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The worst state of many, or `None` when there are none.
    pub fn worst_of(states: impl IntoIterator<Item = HealthState>) -> Option<HealthState> {
        states.into_iter().reduce(HealthState::worst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn spellings_ranks_and_worst() {
        use HealthState::*;
        let cases = [
            (Ok, ("ok", 0)),
            (Unknown, ("unknown", 1)),
            (Warn, ("warn", 2)),
            (Fail, ("fail", 3)),
        ];
        for (s, expected) in cases {
            check(s, (s.as_str(), s.rank()), expected);
        }
        let pairs = [
            ((Ok, Unknown), Unknown),
            ((Warn, Unknown), Warn),
            ((Fail, Warn), Fail),
            ((Ok, Ok), Ok),
        ];
        for ((a, b), expected) in pairs {
            check((a, b), a.worst(b), expected);
            check((b, a), b.worst(a), expected);
        }
        check("empty", HealthState::worst_of([]), None);
        check(
            "many",
            HealthState::worst_of([Ok, Warn, Unknown]),
            Some(Warn),
        );
    }
}

//! Time ranges, presets, RFC 3339 parsing and formatting, query steps and axis ticks.
//!
//! Instants are epoch milliseconds UTC (`i64`). The clock is never read here: callers pass
//! `now_ms`. Time-zone offsets come from the caller (the browser knows them).

use crate::core::spec::TimeSpec;

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

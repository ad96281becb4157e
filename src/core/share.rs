//! What Share puts in a link: by default the dashboard frozen at its current absolute range
//! with an "as of" stamp (so a pasted link never drifts), or with "keep live" the relative
//! range. Pure: the caller passes the range anchor and the click instant.

use crate::core::spec::{Dashboard, TimeSpec};
use crate::core::time::TimeRange;

/// The dashboard as it should travel in a share link.
pub fn shared_dashboard(dashboard: &Dashboard, anchor_ms: i64, shared_at_ms: i64, keep_live: bool) -> Dashboard {
    let mut d = dashboard.clone();
    let range = TimeRange::resolve(d.time, anchor_ms);
    if !keep_live {
        d.time = TimeSpec::Absolute { from_ms: range.from_ms(), to_ms: range.to_ms() };
        d.as_of_ms = Some(d.as_of_ms.unwrap_or(shared_at_ms));
    } else if let TimeSpec::Absolute { .. } = d.time {
        d.time = TimeSpec::Relative { last_s: (range.duration_ms() / 1000).max(60) as u64 };
        d.as_of_ms = None;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    #[test]
    fn share_freezes_the_current_window_by_default() {
        let d = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false);
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 10_000_000 - 3_600_000, to_ms: 10_000_000 });
        assert_eq!(d.as_of_ms, Some(10_000_500));
    }

    #[test]
    fn keep_live_shares_the_relative_range() {
        let live = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, true);
        assert_eq!(live.time, TimeSpec::Relative { last_s: 3600 });
        assert_eq!(live.as_of_ms, None);
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute { from_ms: 0, to_ms: 7_200_000 };
        frozen.as_of_ms = Some(7_200_000);
        let back = shared_dashboard(&frozen, 99, 100, true);
        assert_eq!(back.time, TimeSpec::Relative { last_s: 7200 });
        assert_eq!(back.as_of_ms, None);
    }

    #[test]
    fn an_already_frozen_dashboard_keeps_its_stamp() {
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute { from_ms: 0, to_ms: 60_000 };
        frozen.as_of_ms = Some(42);
        let d = shared_dashboard(&frozen, 999_999, 1_000_000, false);
        assert_eq!(d.time, frozen.time);
        assert_eq!(d.as_of_ms, Some(42));
    }
}

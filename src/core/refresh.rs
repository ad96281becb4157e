//! Load discipline: how often a dashboard may refresh, with jitter, and when a query's
//! answer is big enough to deserve a warning. Thirty responders opening one link must not
//! hurt the datasource. Pure: the caller supplies randomness and the clock.

use crate::core::datasource::Registry;
use crate::core::spec::{Dashboard, TimeSpec};

/// Series count above which a panel suggests `topk` or aggregation.
pub const MANY_SERIES: usize = 50;

/// The refresh interval the dashboard may actually use, in seconds: `None` when refresh is
/// off or the range is frozen (absolute), otherwise the chosen interval raised to the
/// largest `min_refresh_s` among the datasources its panels use.
pub fn effective_refresh_s(dashboard: &Dashboard, registry: &Registry) -> Option<u32> {
    if dashboard.refresh_s == 0 || matches!(dashboard.time, TimeSpec::Absolute { .. }) {
        return None;
    }
    let floor = dashboard
        .panels
        .iter()
        .filter_map(|p| registry.get(&p.datasource).ok())
        .filter_map(|ds| ds.min_refresh_s)
        .max()
        .unwrap_or(0);
    Some(dashboard.refresh_s.max(floor).max(1))
}

/// The delay before the next refresh: the interval ±10 %, spread by `unit_random` in [0, 1)
/// so that many viewers of one link do not query in lockstep.
pub fn jittered_delay_ms(interval_s: u32, unit_random: f64) -> u32 {
    let base = interval_s as f64 * 1000.0;
    let spread = (unit_random.clamp(0.0, 1.0) - 0.5) * 0.2 * base;
    (base + spread).round().max(1000.0) as u32
}

/// A notice for a query that returned many series, suggesting how to narrow it.
pub fn many_series_notice(count: usize) -> Option<String> {
    (count > MANY_SERIES).then(|| {
        format!("This query returned {count} series, which is slow to draw and heavy for the server; consider topk(10, …) or aggregating with sum by (…).")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    #[test]
    fn frozen_or_off_means_no_refresh() {
        let reg = Registry::default();
        let mut d = shop_overview();
        assert_eq!(effective_refresh_s(&d, &reg), Some(10));
        d.refresh_s = 0;
        assert_eq!(effective_refresh_s(&d, &reg), None);
        d.refresh_s = 10;
        d.time = TimeSpec::Absolute { from_ms: 0, to_ms: 1 };
        assert_eq!(effective_refresh_s(&d, &reg), None);
    }

    #[test]
    fn min_refresh_of_a_used_datasource_wins() {
        let (reg, _) = Registry::parse(r#"[{"name":"prom","kind":"prometheus","url":"/p","min_refresh_s":30},{"name":"idle","kind":"prometheus","url":"/q","min_refresh_s":300}]"#).unwrap();
        let mut d = shop_overview();
        d.refresh_s = 5;
        assert_eq!(effective_refresh_s(&d, &reg), Some(5), "only used datasources count");
        d.panels[0].datasource = "prom".into();
        assert_eq!(effective_refresh_s(&d, &reg), Some(30));
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        assert_eq!(jittered_delay_ms(10, 0.5), 10_000);
        assert_eq!(jittered_delay_ms(10, 0.0), 9_000);
        assert_eq!(jittered_delay_ms(10, 0.999_999), 11_000);
        assert_eq!(jittered_delay_ms(1, 0.0), 1_000, "never below a second");
    }

    #[test]
    fn many_series_get_a_topk_hint() {
        assert_eq!(many_series_notice(50), None);
        assert!(many_series_notice(51).unwrap().contains("topk"));
    }
}

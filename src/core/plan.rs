//! Query planning: which queries a panel needs, over which range and at which step.
//!
//! A plan is a value; the browser edge executes it and hands the frames back. Panels never
//! decide for themselves what to fetch.

use crate::core::query::Query;
use crate::core::spec::PanelDef;
use crate::core::time::{align, previous_period, step_for, TimeRange};

/// The smallest step Napkin asks for (the demo and typical scrape interval).
pub const MIN_STEP_MS: i64 = 15_000;

/// Pixel width a KPI sparkline is planned for.
pub const SPARKLINE_PX: u32 = 120;

/// One query over one aligned range at one step.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryJob {
    pub query: Query,
    pub range: TimeRange,
    pub step_ms: i64,
}

/// What a panel fetches. For a KPI: the current range, then the previous period (for the
/// delta). For a chart: one job per query, in order.
pub fn jobs_for(def: &PanelDef, range: TimeRange, width_px: u32) -> Vec<QueryJob> {
    let job = |query: &Query, range: TimeRange, px: u32| {
        let step_ms = step_for(range, px.max(1), MIN_STEP_MS);
        QueryJob { query: query.clone(), range: align(range, step_ms), step_ms }
    };
    match def {
        PanelDef::Kpi(spec) => vec![
            job(&spec.query, range, SPARKLINE_PX),
            job(&spec.query, previous_period(range), SPARKLINE_PX),
        ],
        PanelDef::Timeseries(spec) => spec.queries.iter().map(|q| job(q, range, width_px)).collect(),
        PanelDef::TraceSearch(_) | PanelDef::Waterfall(_) | PanelDef::HealthGrid(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    fn hour() -> TimeRange {
        TimeRange::new(1_700_000_000_000, 1_700_003_600_000).unwrap()
    }

    #[test]
    fn kpi_plans_current_and_previous_period() {
        let d = shop_overview();
        let jobs = jobs_for(&d.panels[0].def, hour(), 300);
        assert_eq!(jobs.len(), 2);
        assert!(jobs[1].range.to_ms() <= jobs[0].range.from_ms() + jobs[0].step_ms);
        assert_eq!(jobs[0].range.from_ms() % jobs[0].step_ms, 0, "aligned to the step");
    }

    #[test]
    fn chart_step_follows_width_and_never_exceeds_the_point_cap() {
        let d = shop_overview();
        let chart = d.panels.iter().find(|p| p.def.kind() == "timeseries").unwrap();
        let narrow = jobs_for(&chart.def, hour(), 100);
        let wide = jobs_for(&chart.def, hour(), 1000);
        assert!(narrow[0].step_ms > wide[0].step_ms);
        let week = TimeRange::new(0, 7 * 86_400_000).unwrap();
        let huge = jobs_for(&chart.def, week, 1_000_000);
        assert!(huge[0].range.duration_ms() / huge[0].step_ms <= 11_000);
    }
}

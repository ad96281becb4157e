//! Query planning: which queries a panel needs, over which range and at which step.
//!
//! A plan is a value; the browser edge executes it and hands the frames back. Panels never
//! decide for themselves what to fetch.

use crate::core::frame::{Frame, Series};
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

impl QueryJob {
    /// The window, in seconds, that a rate inside this job's query covers: one step, and never
    /// less than a minute so that a scrape interval of up to 15 s still gives four samples.
    pub fn rate_window_s(&self) -> u64 {
        (self.step_ms / 1000).max(60) as u64
    }
}

/// What a panel fetches. For a KPI: one job over the previous period and the current
/// range together (split again with [`split_kpi_frame`]). For a chart: one job per query, in order.
pub fn jobs_for(def: &PanelDef, range: TimeRange, width_px: u32) -> Vec<QueryJob> {
    let job = |query: &Query, range: TimeRange, px: u32| {
        let step_ms = step_for(range, px.max(1), MIN_STEP_MS);
        QueryJob { query: query.clone(), range: align(range, step_ms), step_ms }
    };
    match def {
        // One request covers the previous period and the current one; `split_kpi_frame`
        // separates them again. This halves a KPI tile's requests.
        PanelDef::Kpi(spec) => {
            let both = TimeRange::new(previous_period(range).from_ms(), range.to_ms()).unwrap_or(range);
            vec![job(&spec.query, both, SPARKLINE_PX * 2)]
        }
        PanelDef::Timeseries(spec) => spec.queries.iter().map(|q| job(q, range, width_px)).collect(),
        PanelDef::TraceSearch(_) | PanelDef::Waterfall(_) | PanelDef::HealthGrid(_) => Vec::new(),
    }
}

/// Splits a KPI's frame at `range_from_ms`: samples before it are the previous period,
/// the rest the current range. Returns (current, previous).
pub fn split_kpi_frame(frame: &Frame, range_from_ms: i64) -> (Frame, Frame) {
    let mut current = Frame { series: Vec::new(), step_ms: frame.step_ms, notices: frame.notices.clone() };
    let mut previous = Frame { series: Vec::new(), step_ms: frame.step_ms, notices: Vec::new() };
    for s in &frame.series {
        let cut = s.times.partition_point(|t| *t < range_from_ms);
        previous.series.push(Series { labels: s.labels.clone(), times: s.times[..cut].to_vec(), values: s.values[..cut].to_vec() });
        current.series.push(Series { labels: s.labels.clone(), times: s.times[cut..].to_vec(), values: s.values[cut..].to_vec() });
    }
    (current, previous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    fn hour() -> TimeRange {
        TimeRange::new(1_700_000_000_000, 1_700_003_600_000).unwrap()
    }

    #[test]
    fn a_rate_window_is_one_step_but_never_under_a_minute() {
        let job = |step_ms| QueryJob { query: Query::Metric(Default::default()), range: hour(), step_ms };
        assert_eq!(job(15_000).rate_window_s(), 60);
        assert_eq!(job(300_000).rate_window_s(), 300);
    }

    #[test]
    fn kpi_plans_one_request_over_both_periods() {
        let d = shop_overview();
        let jobs = jobs_for(&d.panels[0].def, hour(), 300);
        assert_eq!(jobs.len(), 1);
        assert!(jobs[0].range.from_ms() <= hour().from_ms() - 3_600_000);
        assert!(jobs[0].range.to_ms() >= hour().to_ms());
        assert_eq!(jobs[0].range.from_ms() % jobs[0].step_ms, 0, "aligned to the step");
    }

    #[test]
    fn kpi_frames_split_at_the_range_start() {
        let frame = Frame {
            series: vec![Series { labels: vec![], times: vec![10, 20, 30, 40], values: vec![1.0, 2.0, 3.0, 4.0] }],
            step_ms: 10,
            notices: vec!["n".into()],
        };
        let (current, previous) = split_kpi_frame(&frame, 25);
        assert_eq!(current.series[0].values, vec![3.0, 4.0]);
        assert_eq!(previous.series[0].values, vec![1.0, 2.0]);
        assert_eq!(current.notices, vec!["n".to_string()]);
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

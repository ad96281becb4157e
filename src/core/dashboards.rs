//! Built-in dashboards: "Shop overview" on the demo datasource, shown when a visitor
//! opens Napkin without a link. Plain spec values; nothing here knows about rendering.

use crate::core::datasource::DEMO;
use crate::core::query::{Agg, Matcher, MetricQuery, Query, RangeFn, RatioQuery};
use crate::core::spec::*;

const REQUESTS: &str = "shop_http_requests_total";
const LATENCY: &str = "shop_http_request_duration_seconds";

fn rate_sum(matchers: Vec<Matcher>, by: &[&str]) -> MetricQuery {
    MetricQuery {
        metric: REQUESTS.into(),
        matchers,
        range_fn: Some(RangeFn::Rate),
        agg: Some(Agg::Sum),
        by: by.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn p99(matchers: Vec<Matcher>, by: &[&str]) -> MetricQuery {
    MetricQuery {
        metric: LATENCY.into(),
        matchers,
        range_fn: Some(RangeFn::Rate),
        agg: Some(Agg::Sum),
        by: by.iter().map(|s| s.to_string()).collect(),
        quantile: Some(0.99),
        ..Default::default()
    }
}

fn panel(id: &str, title: &str, def: PanelDef) -> Panel {
    Panel { id: id.into(), title: title.into(), datasource: DEMO.into(), def }
}

fn kpi(query: Query, unit: Unit, reduce: Reduce, thresholds: Thresholds) -> PanelDef {
    PanelDef::Kpi(KpiSpec { query, unit, reduce, thresholds: Some(thresholds), decimals: None, sparkline: true, drill: None })
}

fn chart(queries: Vec<Query>, unit: Unit, thresholds: Option<Thresholds>) -> PanelDef {
    PanelDef::Timeseries(TimeseriesSpec { queries, unit, thresholds })
}

fn above(warn: f64, fail: f64) -> Thresholds {
    Thresholds { direction: Direction::Above, warn: Some(warn), fail: Some(fail) }
}

fn below(warn: f64, fail: f64) -> Thresholds {
    Thresholds { direction: Direction::Below, warn: Some(warn), fail: Some(fail) }
}

fn place(panel: &str, x: u16, y: u16, w: u16, h: u16) -> LayoutItem {
    LayoutItem { panel: panel.into(), x, y, w, h }
}

/// "Shop overview": four KPI tiles over the gateway and four charts across services.
pub fn shop_overview() -> Dashboard {
    let errors = || vec![Matcher::re("status", "5..")];
    let chosen = || vec![Matcher::eq("service", "$service")];
    let chosen_errors = || vec![Matcher::eq("service", "$service"), Matcher::re("status", "5..")];
    let gateway = || vec![Matcher::eq("service", "gateway")];
    let panels = vec![
        panel("rate", "Request rate", kpi(Query::Metric(rate_sum(gateway(), &[])), Unit::ReqPerSec, Reduce::Last, below(50.0, 10.0))),
        panel(
            "errors",
            "Error %",
            kpi(
                Query::Ratio(RatioQuery { num: rate_sum(errors(), &[]), den: rate_sum(vec![], &[]), scale: 100.0 }),
                Unit::Percent,
                Reduce::Last,
                above(1.0, 5.0),
            ),
        ),
        panel("p99", "p99 latency", kpi(Query::Metric(p99(gateway(), &[])), Unit::Seconds, Reduce::Last, above(0.5, 1.0))),
        panel(
            "slo",
            "Availability (SLO 98.5 %)",
            kpi(
                Query::Ratio(RatioQuery {
                    num: rate_sum(vec![Matcher { label: "status".into(), op: crate::core::query::MatchOp::Nre, value: "5..".into() }], &[]),
                    den: rate_sum(vec![], &[]),
                    scale: 100.0,
                }),
                Unit::Percent,
                Reduce::Mean,
                below(98.5, 97.0),
            ),
        ),
        panel("by_service", "Requests by service", chart(vec![Query::Metric(rate_sum(chosen(), &["service"]))], Unit::ReqPerSec, None)),
        panel("errors_by_service", "5xx by service", chart(vec![Query::Metric(rate_sum(chosen_errors(), &["service"]))], Unit::ReqPerSec, None)),
        panel("latency", "p99 latency by service", chart(vec![Query::Metric(p99(chosen(), &["service"]))], Unit::Seconds, Some(above(0.5, 1.0)))),
        panel(
            "error_ratio",
            "Error % by service",
            chart(
                vec![Query::Ratio(RatioQuery { num: rate_sum(chosen_errors(), &["service"]), den: rate_sum(chosen(), &["service"]), scale: 100.0 })],
                Unit::Percent,
                Some(above(1.0, 5.0)),
            ),
        ),
    ];
    let layout = vec![
        place("rate", 0, 0, 3, 2),
        place("errors", 3, 0, 3, 2),
        place("p99", 6, 0, 3, 2),
        place("slo", 9, 0, 3, 2),
        place("by_service", 0, 2, 6, 4),
        place("errors_by_service", 6, 2, 6, 4),
        place("latency", 0, 6, 6, 4),
        place("error_ratio", 6, 6, 6, 4),
    ];
    Dashboard {
        version: SPEC_VERSION,
        title: "Shop overview".into(),
        time: TimeSpec::Relative { last_s: 3600 },
        refresh_s: 10,
        as_of_ms: None,
        variables: vec![Variable {
            name: "service".into(),
            label: None,
            metric: Some(REQUESTS.into()),
            datasource: None,
            options: Vec::new(),
            multi: true,
            include_all: true,
            current: Vec::new(),
        }],
        panels,
        layout,
        notes: Vec::new(),
        trail: Vec::new(),
    }
}

/// A drill-down dashboard for one service on a metrics datasource: rate, error % and p99
/// tiles, then requests by endpoint and by status and p99 by endpoint, over `time` (the
/// parent's window).
pub fn service_overview(service: &str, datasource: &str, time: TimeSpec) -> Dashboard {
    let this = || vec![Matcher::eq("service", service)];
    let this_errors = || vec![Matcher::eq("service", service), Matcher::re("status", "5..")];
    let on = |mut p: Panel| {
        p.datasource = datasource.to_string();
        p
    };
    let panels = vec![
        on(panel("rate", "Request rate", kpi(Query::Metric(rate_sum(this(), &[])), Unit::ReqPerSec, Reduce::Last, below(1.0, 0.1)))),
        on(panel(
            "errors",
            "Error %",
            kpi(Query::Ratio(RatioQuery { num: rate_sum(this_errors(), &[]), den: rate_sum(this(), &[]), scale: 100.0 }), Unit::Percent, Reduce::Last, above(1.0, 5.0)),
        )),
        on(panel("p99", "p99 latency", kpi(Query::Metric(p99(this(), &[])), Unit::Seconds, Reduce::Last, above(0.5, 1.0)))),
        on(panel("by_endpoint", "Requests by endpoint", chart(vec![Query::Metric(rate_sum(this(), &["endpoint"]))], Unit::ReqPerSec, None))),
        on(panel("by_status", "Requests by status", chart(vec![Query::Metric(rate_sum(this(), &["status"]))], Unit::ReqPerSec, None))),
        on(panel("latency", "p99 latency by endpoint", chart(vec![Query::Metric(p99(this(), &["endpoint"]))], Unit::Seconds, Some(above(0.5, 1.0))))),
    ];
    let layout = vec![
        place("rate", 0, 0, 4, 2),
        place("errors", 4, 0, 4, 2),
        place("p99", 8, 0, 4, 2),
        place("by_endpoint", 0, 2, 6, 4),
        place("by_status", 6, 2, 6, 4),
        place("latency", 0, 6, 12, 4),
    ];
    Dashboard {
        version: SPEC_VERSION,
        title: format!("{service} metrics"),
        time,
        refresh_s: 0,
        as_of_ms: None,
        variables: Vec::new(),
        panels,
        layout,
        notes: Vec::new(),
        trail: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_overview_has_four_kpis_and_charts_and_round_trips() {
        let d = shop_overview();
        let kinds: Vec<&str> = d.panels.iter().map(|p| p.def.kind()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "kpi").count(), 4);
        assert!(kinds.contains(&"timeseries"));
        let json = serde_json::to_string(&d).unwrap();
        let (back, warnings) = decode_dashboard_str(&json).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back, d);
    }

    #[test]
    fn shop_overview_share_link_fits_in_a_thousand_characters() {
        let mut d = shop_overview();
        d.time = TimeSpec::Absolute { from_ms: 1_763_880_000_000, to_ms: 1_763_883_600_000 };
        d.as_of_ms = Some(1_763_883_600_000);
        let link = crate::core::link::encode_share(&d);
        println!("Shop overview share fragment (frozen): {} characters", link.len() + 1);
        assert!(link.len() < 1_000, "{} characters", link.len());
    }

    #[test]
    fn service_overview_filters_every_query_to_the_service() {
        let d = service_overview("billing", "prom", TimeSpec::Absolute { from_ms: 0, to_ms: 1 });
        assert_eq!(d.title, "billing metrics");
        assert!(d.panels.iter().all(|p| p.datasource == "prom"));
        let json = serde_json::to_string(&d.panels).unwrap();
        assert_eq!(json.matches(r#""value":"billing""#).count(), 7, "{json}");
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 0, to_ms: 1 });
    }

    #[test]
    fn every_panel_has_a_layout_item() {
        let d = shop_overview();
        for p in &d.panels {
            assert!(d.layout.iter().any(|l| l.panel == p.id), "{} unplaced", p.id);
        }
    }
}

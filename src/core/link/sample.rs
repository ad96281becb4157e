//! Test-only sample dashboards shared by the link tests: the "typical 8-panel dashboard"
//! used to measure link length, and a small one for quick cases.
//!
//! This file must never be compiled into the app: it is only included under `cfg(test)`.

use crate::core::query::{Agg, Matcher, MetricQuery, Query, RangeFn, RatioQuery};
use crate::core::spec::*;

/// A rate of a counter, summed by service, for one service.
fn rate_sum(metric: &str, matchers: Vec<Matcher>) -> MetricQuery {
    MetricQuery {
        metric: metric.into(),
        matchers,
        range_fn: Some(RangeFn::Rate),
        agg: Some(Agg::Sum),
        by: vec!["service".into()],
        ..Default::default()
    }
}

/// The error percentage of a service as a ratio of two request rates.
fn error_ratio(service: &str) -> Query {
    Query::Ratio(RatioQuery {
        num: rate_sum(
            "shop_http_requests_total",
            vec![Matcher::eq("service", service), Matcher::re("code", "5..")],
        ),
        den: rate_sum("shop_http_requests_total", vec![Matcher::eq("service", service)]),
        scale: 100.0,
    })
}

/// The 99th percentile latency of a service from a histogram.
fn p99(service: &str) -> Query {
    Query::Metric(MetricQuery {
        metric: "shop_http_request_duration_seconds".into(),
        matchers: vec![Matcher::eq("service", service)],
        range_fn: Some(RangeFn::Rate),
        window_s: Some(300),
        agg: Some(Agg::Sum),
        by: vec!["service".into()],
        quantile: Some(0.99),
    })
}

fn panel(id: &str, title: &str, def: PanelDef) -> Panel {
    Panel { id: id.into(), title: title.into(), datasource: "demo".into(), def }
}

fn layout(panel: &str, x: u16, y: u16, w: u16, h: u16) -> LayoutItem {
    LayoutItem { panel: panel.into(), x, y, w, h }
}

/// The typical shop dashboard: four KPI tiles and four time-series charts with structured
/// queries, thresholds, units, a full layout, an absolute time range and an "as of" stamp.
pub fn shop_dashboard() -> Dashboard {
    let above = |warn, fail| Some(Thresholds { direction: Direction::Above, warn: Some(warn), fail: Some(fail) });
    let requests = Query::Metric(rate_sum(
        "shop_http_requests_total",
        vec![Matcher::eq("service", "gateway")],
    ));
    let panels = vec![
        panel("req", "Requests / s", PanelDef::Kpi(KpiSpec {
            query: requests.clone(),
            unit: Unit::ReqPerSec,
            reduce: Reduce::Last,
            thresholds: Some(Thresholds { direction: Direction::Below, warn: Some(50.0), fail: Some(10.0) }),
            decimals: Some(1),
            sparkline: true,
            drill: None,
        })),
        panel("err", "Error rate", PanelDef::Kpi(KpiSpec {
            query: error_ratio("gateway"),
            unit: Unit::Percent,
            reduce: Reduce::Mean,
            thresholds: above(1.0, 5.0),
            decimals: Some(2),
            sparkline: true,
            drill: None,
        })),
        panel("lat", "p99 latency", PanelDef::Kpi(KpiSpec {
            query: p99("checkout"),
            unit: Unit::Seconds,
            reduce: Reduce::Max,
            thresholds: above(0.5, 1.0),
            decimals: None,
            sparkline: true,
            drill: None,
        })),
        panel("orders", "Orders / min", PanelDef::Kpi(KpiSpec {
            query: Query::Metric(MetricQuery {
                metric: "shop_orders_total".into(),
                range_fn: Some(RangeFn::Increase),
                window_s: Some(60),
                agg: Some(Agg::Sum),
                ..Default::default()
            }),
            unit: Unit::None,
            reduce: Reduce::Last,
            thresholds: None,
            decimals: Some(0),
            sparkline: false,
            drill: None,
        })),
        panel("traffic", "Traffic by service", PanelDef::Timeseries(TimeseriesSpec {
            queries: vec![Query::Metric(rate_sum(
                "shop_http_requests_total",
                vec![Matcher::re("service", "gateway|checkout|cart")],
            ))],
            unit: Unit::ReqPerSec,
            thresholds: None,
        })),
        panel("errors", "Error % by service", PanelDef::Timeseries(TimeseriesSpec {
            queries: vec![error_ratio("gateway"), error_ratio("checkout")],
            unit: Unit::Percent,
            thresholds: above(1.0, 5.0),
        })),
        panel("latency", "p99 latency by service", PanelDef::Timeseries(TimeseriesSpec {
            queries: vec![p99("gateway"), p99("checkout")],
            unit: Unit::Seconds,
            thresholds: above(0.5, 1.0),
        })),
        panel("cpu", "CPU usage", PanelDef::Timeseries(TimeseriesSpec {
            queries: vec![Query::Metric(MetricQuery {
                metric: "process_cpu_seconds_total".into(),
                matchers: vec![Matcher::eq("job", "shop")],
                range_fn: Some(RangeFn::Rate),
                agg: Some(Agg::Avg),
                by: vec!["instance".into()],
                ..Default::default()
            })],
            unit: Unit::Percent,
            thresholds: Some(Thresholds { direction: Direction::Above, warn: Some(80.0), fail: None }),
        })),
    ];
    let layout = vec![
        layout("req", 0, 0, 3, 2),
        layout("err", 3, 0, 3, 2),
        layout("lat", 6, 0, 3, 2),
        layout("orders", 9, 0, 3, 2),
        layout("traffic", 0, 2, 6, 4),
        layout("errors", 6, 2, 6, 4),
        layout("latency", 0, 6, 6, 4),
        layout("cpu", 6, 6, 6, 4),
    ];
    Dashboard {
        version: SPEC_VERSION,
        title: "Shop overview".into(),
        time: TimeSpec::Absolute { from_ms: 1_767_225_600_000, to_ms: 1_767_229_200_000 },
        refresh_s: 0,
        as_of_ms: Some(1_767_229_200_000),
        variables: Vec::new(),
        panels,
        layout,
        notes: Vec::new(),
        trail: Vec::new(),
    }
}

/// A small dashboard with a relative range, one KPI and one raw-PromQL chart.
pub fn small_dashboard() -> Dashboard {
    Dashboard {
        version: SPEC_VERSION,
        title: "Small \"quoted\" & 50% déjà vu".into(),
        time: TimeSpec::Relative { last_s: 900 },
        refresh_s: 30,
        as_of_ms: None,
        variables: Vec::new(),
        panels: vec![
            panel("a", "Up", PanelDef::Kpi(KpiSpec {
                query: Query::Metric(MetricQuery { metric: "up".into(), ..Default::default() }),
                unit: Unit::None,
                reduce: Reduce::Last,
                thresholds: None,
                decimals: None,
                sparkline: true,
                drill: None,
            })),
            panel("b", "Raw", PanelDef::Timeseries(TimeseriesSpec {
                queries: vec![Query::Promql(crate::core::query::PromqlQuery {
                    expr: "sum(rate(x{a=\"b\"}[5m])) / 2 + 1".into(),
                })],
                unit: Unit::Bytes,
                thresholds: None,
            })),
        ],
        layout: vec![],
        notes: Vec::new(),
        trail: Vec::new(),
    }
}

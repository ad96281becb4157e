//! Dashboard templates offered by "New": a blank dashboard, "Service RED overview" for one
//! service (rate, errors, duration p50/p95/p99 as tiles and charts, plus its traces) and
//! "Incident board" (headline tiles, the health grid, errors by service, trace search).
//!
//! Templates name datasources by role: metrics (the first Prometheus-API datasource, else
//! `demo`), traces (the first Jaeger, Tempo or Zipkin one, else `demo`) and health (the
//! first health one, else `demo`). Plain spec values; pure.

use crate::core::datasource::{DatasourceKind, Registry, DEMO};
use crate::core::query::{Agg, MatchOp, Matcher, MetricQuery, Query, RangeFn, RatioQuery};
use crate::core::spec::*;

const REQUESTS: &str = "shop_http_requests_total";
const LATENCY: &str = "shop_http_request_duration_seconds";

/// The templates "New" offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Blank,
    ServiceRed,
    IncidentBoard,
}

impl Template {
    pub const ALL: [Template; 3] = [
        Template::Blank,
        Template::ServiceRed,
        Template::IncidentBoard,
    ];

    /// A stable name for menus and `data-template`.
    pub fn id(self) -> &'static str {
        match self {
            Template::Blank => "blank",
            Template::ServiceRed => "service-red",
            Template::IncidentBoard => "incident-board",
        }
    }

    /// What the menu calls it.
    pub fn label(self) -> &'static str {
        match self {
            Template::Blank => "Blank",
            Template::ServiceRed => "Service RED overview",
            Template::IncidentBoard => "Incident board",
        }
    }

    /// Whether the template is about one chosen service.
    pub fn needs_service(self) -> bool {
        self == Template::ServiceRed
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// Which datasource plays which role in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSources {
    pub metrics: String,
    pub traces: String,
    pub health: String,
}

impl TemplateSources {
    /// Everything on the demo datasource.
    pub fn demo() -> Self {
        Self {
            metrics: DEMO.into(),
            traces: DEMO.into(),
            health: DEMO.into(),
        }
    }

    /// The first configured datasource of each role, else `demo`.
    pub fn from_registry(registry: &Registry) -> Self {
        let first = |kinds: &[DatasourceKind]| {
            registry
                .all()
                .iter()
                .find(|d| kinds.contains(&d.kind))
                .map(|d| d.name.clone())
                .unwrap_or_else(|| DEMO.into())
        };
        Self {
            metrics: registry.metrics_datasource().to_string(),
            traces: first(&[
                DatasourceKind::Jaeger,
                DatasourceKind::Tempo,
                DatasourceKind::Zipkin,
            ]),
            health: first(&[DatasourceKind::Health]),
        }
    }
}

/// The dashboard a template makes. `service` is used by templates about one service (an
/// empty one means `gateway`).
pub fn build(template: Template, service: &str, sources: &TemplateSources) -> Dashboard {
    let service = match service.trim() {
        "" => "gateway",
        s => s,
    };
    match template {
        Template::Blank => blank(),
        Template::ServiceRed => service_red(service, sources),
        Template::IncidentBoard => incident_board(sources),
    }
}

/// An empty dashboard over the last hour.
pub fn blank() -> Dashboard {
    // Built from the wire form so that fields added to the spec later take their defaults.
    let wire = serde_json::json!({
        "version": SPEC_VERSION,
        "title": "Untitled",
        "time": { "kind": "relative", "spec": { "last_s": 3600 } },
        "panels": [],
    });
    serde_json::from_value(wire).expect("the blank dashboard's wire form is valid")
}

/// An editable copy of `dashboard` for a new Recent identity: the same spec, titled
/// "… (fork)" (once, however often it is forked).
pub fn fork(dashboard: &Dashboard) -> Dashboard {
    let base = dashboard.title.trim_end_matches(" (fork)");
    Dashboard {
        title: format!("{base} (fork)"),
        ..dashboard.clone()
    }
}

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

fn quantile(q: f64, matchers: Vec<Matcher>, by: &[&str]) -> MetricQuery {
    MetricQuery {
        metric: LATENCY.into(),
        matchers,
        range_fn: Some(RangeFn::Rate),
        agg: Some(Agg::Sum),
        by: by.iter().map(|s| s.to_string()).collect(),
        quantile: Some(q),
        ..Default::default()
    }
}

fn panel(id: &str, title: &str, datasource: &str, def: PanelDef) -> Panel {
    Panel {
        id: id.into(),
        title: title.into(),
        datasource: datasource.into(),
        def,
    }
}

fn kpi(query: Query, unit: Unit, direction: Direction, warn: f64, fail: f64) -> PanelDef {
    let thresholds = Some(Thresholds {
        direction,
        warn: Some(warn),
        fail: Some(fail),
    });
    PanelDef::Kpi(KpiSpec {
        query,
        unit,
        reduce: Reduce::Last,
        thresholds,
        decimals: None,
        sparkline: true,
        drill: None,
    })
}

fn chart(queries: Vec<MetricQuery>, unit: Unit) -> PanelDef {
    PanelDef::Timeseries(TimeseriesSpec {
        queries: queries.into_iter().map(Query::Metric).collect(),
        unit,
        thresholds: None,
    })
}

fn place(panel: &str, x: u16, y: u16, w: u16, h: u16) -> LayoutItem {
    LayoutItem {
        panel: panel.into(),
        x,
        y,
        w,
        h,
    }
}

fn error_ratio(matchers: Vec<Matcher>) -> Query {
    let mut errors = matchers.clone();
    errors.push(Matcher::re("status", "5.."));
    Query::Ratio(RatioQuery {
        num: rate_sum(errors, &[]),
        den: rate_sum(matchers, &[]),
        scale: 100.0,
    })
}

/// "Service RED overview": rate, error %, p50/p95/p99 tiles; requests and errors by
/// endpoint, latency quantiles; the service's traces.
fn service_red(service: &str, s: &TemplateSources) -> Dashboard {
    let this = || vec![Matcher::eq("service", service)];
    let errors = || {
        vec![
            Matcher::eq("service", service),
            Matcher::re("status", "5.."),
        ]
    };
    let m = s.metrics.as_str();
    let panels = vec![
        panel(
            "rate",
            "Rate",
            m,
            kpi(
                Query::Metric(rate_sum(this(), &[])),
                Unit::ReqPerSec,
                Direction::Below,
                1.0,
                0.1,
            ),
        ),
        panel(
            "errors",
            "Errors",
            m,
            kpi(
                error_ratio(this()),
                Unit::Percent,
                Direction::Above,
                1.0,
                5.0,
            ),
        ),
        panel(
            "p50",
            "p50 duration",
            m,
            kpi(
                Query::Metric(quantile(0.5, this(), &[])),
                Unit::Seconds,
                Direction::Above,
                0.25,
                0.5,
            ),
        ),
        panel(
            "p95",
            "p95 duration",
            m,
            kpi(
                Query::Metric(quantile(0.95, this(), &[])),
                Unit::Seconds,
                Direction::Above,
                0.4,
                0.8,
            ),
        ),
        panel(
            "p99",
            "p99 duration",
            m,
            kpi(
                Query::Metric(quantile(0.99, this(), &[])),
                Unit::Seconds,
                Direction::Above,
                0.5,
                1.0,
            ),
        ),
        panel(
            "by_endpoint",
            "Requests by endpoint",
            m,
            chart(vec![rate_sum(this(), &["endpoint"])], Unit::ReqPerSec),
        ),
        panel(
            "errors_by_status",
            "5xx by status",
            m,
            chart(vec![rate_sum(errors(), &["status"])], Unit::ReqPerSec),
        ),
        panel(
            "duration",
            "Duration p50 / p95 / p99",
            m,
            chart(
                vec![
                    quantile(0.5, this(), &[]),
                    quantile(0.95, this(), &[]),
                    quantile(0.99, this(), &[]),
                ],
                Unit::Seconds,
            ),
        ),
        panel(
            "traces",
            "Traces",
            &s.traces,
            PanelDef::TraceSearch(TraceSearchSpec {
                service: Some(service.into()),
                limit: Some(20),
                ..Default::default()
            }),
        ),
    ];
    let layout = vec![
        place("rate", 0, 0, 3, 2),
        place("errors", 3, 0, 3, 2),
        place("p50", 6, 0, 2, 2),
        place("p95", 8, 0, 2, 2),
        place("p99", 10, 0, 2, 2),
        place("by_endpoint", 0, 2, 6, 4),
        place("errors_by_status", 6, 2, 6, 4),
        place("duration", 0, 6, 12, 4),
        place("traces", 0, 10, 12, 6),
    ];
    Dashboard {
        title: format!("{service} RED overview"),
        panels,
        layout,
        ..blank()
    }
}

/// "Incident board": headline tiles over all traffic, the health grid, 5xx by service and a
/// trace search for slow requests.
fn incident_board(s: &TemplateSources) -> Dashboard {
    let m = s.metrics.as_str();
    let gateway = || vec![Matcher::eq("service", "gateway")];
    let not_5xx = Matcher {
        label: "status".into(),
        op: MatchOp::Nre,
        value: "5..".into(),
    };
    let availability = Query::Ratio(RatioQuery {
        num: rate_sum(vec![not_5xx], &[]),
        den: rate_sum(vec![], &[]),
        scale: 100.0,
    });
    let panels = vec![
        panel(
            "rate",
            "Request rate",
            m,
            kpi(
                Query::Metric(rate_sum(gateway(), &[])),
                Unit::ReqPerSec,
                Direction::Below,
                50.0,
                10.0,
            ),
        ),
        panel(
            "errors",
            "Error %",
            m,
            kpi(
                error_ratio(Vec::new()),
                Unit::Percent,
                Direction::Above,
                1.0,
                5.0,
            ),
        ),
        panel(
            "p99",
            "p99 latency",
            m,
            kpi(
                Query::Metric(quantile(0.99, gateway(), &[])),
                Unit::Seconds,
                Direction::Above,
                0.5,
                1.0,
            ),
        ),
        panel(
            "availability",
            "Availability",
            m,
            kpi(availability, Unit::Percent, Direction::Below, 99.0, 97.0),
        ),
        panel(
            "health",
            "Health",
            &s.health,
            PanelDef::HealthGrid(HealthGridSpec::default()),
        ),
        panel(
            "errors_by_service",
            "5xx by service",
            m,
            chart(
                vec![rate_sum(vec![Matcher::re("status", "5..")], &["service"])],
                Unit::ReqPerSec,
            ),
        ),
        panel(
            "traces",
            "Slow traces",
            &s.traces,
            PanelDef::TraceSearch(TraceSearchSpec {
                min_duration_ms: Some(500),
                limit: Some(20),
                ..Default::default()
            }),
        ),
    ];
    let layout = vec![
        place("rate", 0, 0, 3, 2),
        place("errors", 3, 0, 3, 2),
        place("p99", 6, 0, 3, 2),
        place("availability", 9, 0, 3, 2),
        place("health", 0, 2, 5, 5),
        place("errors_by_service", 5, 2, 7, 5),
        place("traces", 0, 7, 12, 6),
    ];
    Dashboard {
        title: "Incident board".into(),
        refresh_s: 30,
        panels,
        layout,
        ..blank()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::layout::arrange;

    fn check(d: &Dashboard) {
        let json = serde_json::to_string(d).unwrap();
        let (back, warnings) = decode_dashboard_str(&json).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(&back, d);
        assert_eq!(
            arrange(d),
            d.layout,
            "the template's layout is complete and settled"
        );
    }

    #[test]
    fn service_red_has_rate_errors_and_three_duration_tiles_charts_and_traces() {
        let d = build(Template::ServiceRed, "billing", &TemplateSources::demo());
        check(&d);
        assert_eq!(d.title, "billing RED overview");
        let kpis: Vec<&str> = d
            .panels
            .iter()
            .filter(|p| p.def.kind() == "kpi")
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(
            kpis,
            [
                "Rate",
                "Errors",
                "p50 duration",
                "p95 duration",
                "p99 duration"
            ]
        );
        assert!(
            d.panels
                .iter()
                .filter(|p| p.def.kind() == "timeseries")
                .count()
                >= 3
        );
        let PanelDef::TraceSearch(t) = &d.panels.iter().find(|p| p.id == "traces").unwrap().def
        else {
            panic!("trace search expected")
        };
        assert_eq!(t.service.as_deref(), Some("billing"));
        let json = serde_json::to_string(&d.panels).unwrap();
        assert!(
            !json.contains("gateway"),
            "every query is about the chosen service: {json}"
        );
    }

    #[test]
    fn incident_board_has_kpis_health_errors_and_trace_search() {
        let d = build(Template::IncidentBoard, "", &TemplateSources::demo());
        check(&d);
        let kinds: Vec<&str> = d.panels.iter().map(|p| p.def.kind()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "kpi").count(), 4);
        for kind in ["health_grid", "timeseries", "trace_search"] {
            assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
        }
    }

    #[test]
    fn roles_come_from_the_configured_datasources_else_demo() {
        let (reg, _) = Registry::parse(
            r#"[{"name":"prom","kind":"prometheus","url":"/prom"},{"name":"jaeger","kind":"jaeger","url":"/j"},{"name":"hc","kind":"health","url":"","endpoints":[]}]"#,
        )
        .unwrap();
        let s = TemplateSources::from_registry(&reg);
        assert_eq!(
            s,
            TemplateSources {
                metrics: "prom".into(),
                traces: "jaeger".into(),
                health: "hc".into()
            }
        );
        let d = build(Template::IncidentBoard, "", &s);
        assert_eq!(
            d.panels
                .iter()
                .find(|p| p.id == "health")
                .unwrap()
                .datasource,
            "hc"
        );
        assert!(d
            .panels
            .iter()
            .filter(|p| p.def.kind() == "kpi")
            .all(|p| p.datasource == "prom"));
        assert_eq!(
            TemplateSources::from_registry(&Registry::default()),
            TemplateSources::demo()
        );
    }

    #[test]
    fn a_missing_service_means_the_gateway_and_blank_is_empty() {
        let d = build(Template::ServiceRed, "  ", &TemplateSources::demo());
        assert_eq!(d.title, "gateway RED overview");
        assert!(build(Template::Blank, "x", &TemplateSources::demo())
            .panels
            .is_empty());
        for t in Template::ALL {
            assert_eq!(Template::from_id(t.id()), Some(t));
        }
        assert_eq!(Template::from_id("nope"), None);
    }

    #[test]
    fn a_fork_is_the_same_dashboard_under_a_fork_title() {
        let d = build(Template::IncidentBoard, "", &TemplateSources::demo());
        let f = fork(&d);
        assert_eq!(f.title, "Incident board (fork)");
        assert_eq!(f.panels, d.panels);
        assert_eq!(f.layout, d.layout);
        assert_eq!(fork(&f).title, "Incident board (fork)");
    }

    #[test]
    fn incident_board_share_link_length() {
        let mut d = build(Template::IncidentBoard, "", &TemplateSources::demo());
        d.time = TimeSpec::Absolute {
            from_ms: 1_763_880_000_000,
            to_ms: 1_763_883_600_000,
        };
        d.as_of_ms = Some(1_763_883_600_000);
        let link = crate::core::link::encode_share(&d);
        println!(
            "Incident board share fragment (frozen): {} characters",
            link.len() + 1
        );
        assert!(link.len() < 2_000, "{} characters", link.len());
    }
}

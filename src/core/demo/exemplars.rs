//! Demo exemplars: the samples of the simulated shop's request-duration histogram that link
//! to a demo trace, answered in the same shape as Prometheus' `/api/v1/query_exemplars`
//! (`core::prom::ExemplarSeries`), so charts treat both alike.
//!
//! Every exemplar is a demo trace (`traces.rs`) that really passes through its series: the
//! trace has a server span of the series' service (and endpoint, when the series has one),
//! and the exemplar's value is that span's duration in seconds, as a client library records
//! it. Besides one exemplar per time slot and series, each scripted incident in the range
//! gets three traces spread over it (for an incident inside the window, the very traces the
//! demo's trace search lists for it): the failing checkout through fraud, the billing
//! timeout, the postgres timeout. Only duration-histogram
//! queries have exemplars, as on a real server where counters rarely carry them.
//! This module must never read the clock or do IO.

use super::incidents::{incidents_between, IncidentKind};
use super::model::{DURATION, DURATION_BUCKET, DURATION_COUNT, DURATION_SUM};
use super::signal::{hash, unit};
use super::traces::{demo_trace, demo_trace_id};
use super::DemoError;
use crate::core::prom::{Exemplar, ExemplarSeries};
use crate::core::query::{MatchOp, Query};
use crate::core::time::TimeRange;
use crate::core::trace::{AttrValue, SpanKind, Trace};

/// Time slots per range: each series gets at most one regular exemplar per slot.
const SLOTS: i64 = 15;
/// The most incidents whose traces are added (the newest ones).
const MAX_INCIDENTS: usize = 12;
/// The demo's request kinds (see `traces.rs`): a checkout and an item lookup.
const CHECKOUT: u8 = 0;
const ITEMS: u8 = 1;

/// The exemplars of `query` over `range`, one entry per series of the query's answer at
/// `step_ms`. Queries that are not about the duration histogram have none.
pub fn exemplars(query: &Query, range: TimeRange, step_ms: i64, seed: u64) -> Result<Vec<ExemplarSeries>, DemoError> {
    let Query::Metric(q) = query else { return Ok(Vec::new()) };
    if ![DURATION, DURATION_BUCKET, DURATION_SUM, DURATION_COUNT].contains(&q.metric.as_str()) {
        return Ok(Vec::new());
    }
    let frame = super::evaluate(query, range, step_ms, seed)?;
    let pinned = |label: &str| q.matchers.iter().find(|m| m.label == label && m.op == MatchOp::Eq).map(|m| m.value.clone());
    let (from, to) = (range.from_ms(), range.to_ms());
    let incidents = incidents_between(from, to, seed, MAX_INCIDENTS);
    let mut out = Vec::with_capacity(frame.series.len());
    for (index, series) in frame.series.iter().enumerate() {
        let label = |name: &str| series.labels.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).or_else(|| pinned(name));
        let want = Want { service: label("service"), endpoint: label("endpoint") };
        let mut instants: Vec<(i64, Option<u8>)> = regular_instants(from, to, step_ms, seed, index as u64);
        for inc in &incidents {
            let kind = if inc.kind == IncidentKind::PostgresTimeout { ITEMS } else { CHECKOUT };
            let (s, e) = (inc.start_ms, inc.end_ms);
            instants.extend((0..3).map(|k| (s + (e - s) * (2 * k + 1) / 6, Some(kind))).filter(|(t, _)| (from..=to).contains(t)));
        }
        instants.sort_unstable();
        instants.dedup_by_key(|(t, _)| *t);
        let exemplars = instants.into_iter().filter_map(|(t, kind)| exemplar_at(t, kind, &want, seed)).collect();
        out.push(ExemplarSeries { series_labels: series.labels.clone(), exemplars });
    }
    Ok(out)
}

/// What a series is about: the span an exemplar's trace must contain.
struct Want {
    service: Option<String>,
    endpoint: Option<String>,
}

/// One instant per slot of the range (slots aligned to the epoch, so a live chart's
/// exemplars stay put as its window moves), at a seeded place inside the slot; the request
/// kind is left to [`exemplar_at`].
fn regular_instants(from: i64, to: i64, step_ms: i64, seed: u64, series: u64) -> Vec<(i64, Option<u8>)> {
    let width = ((to - from) / SLOTS).max(step_ms).max(1_000);
    let (first, last) = (from.div_euclid(width), to.div_euclid(width));
    (first..=last)
        .map(|k| k * width + (unit(seed, 0xe8e, (k as u64) ^ series.rotate_left(40)) * width as f64) as i64)
        .filter(|t| (from..=to).contains(t))
        .map(|t| (t, None))
        .collect()
}

/// The exemplar of the demo trace started at `t` that passes through `want`: request kind
/// `kind` when given, else the seeded kind first and the other one second.
fn exemplar_at(t: i64, kind: Option<u8>, want: &Want, seed: u64) -> Option<Exemplar> {
    let first = kind.unwrap_or((hash(seed, 0xe8f, t as u64) % 2) as u8);
    let kinds = if kind.is_some() { vec![first] } else { vec![first, 1 - first] };
    kinds.into_iter().find_map(|k| {
        let id = demo_trace_id(t, k, seed);
        let trace = demo_trace(&id, seed)?;
        let span = matching_span(&trace, want)?;
        let s = &trace.spans[span];
        Some(Exemplar {
            labels: vec![("span_id".into(), s.span_id.to_hex()), ("trace_id".into(), id.to_hex())],
            value: s.duration_us as f64 / 1e6,
            time_ms: t,
        })
    })
}

/// The server span of the wanted service and endpoint (the root when no service is
/// wanted), if the trace has one.
fn matching_span(trace: &Trace, want: &Want) -> Option<usize> {
    let Some(service) = &want.service else { return trace.spans.iter().position(|s| s.parent.is_none()) };
    trace.spans.iter().position(|s| {
        s.service == *service
            && s.kind == SpanKind::Server
            && want.endpoint.as_ref().is_none_or(|e| {
                s.attributes.iter().any(|(k, v)| k == "http.route" && matches!(v, AttrValue::Str(r) if r == e))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::demo::incidents::window;
    use crate::core::query::{Agg, Matcher, MetricQuery, RangeFn};
    use crate::core::trace::TraceId;

    const SEED: u64 = 42;

    fn p99(matchers: Vec<Matcher>, by: &[&str]) -> Query {
        Query::Metric(MetricQuery {
            metric: DURATION.into(),
            matchers,
            range_fn: Some(RangeFn::Rate),
            agg: Some(Agg::Sum),
            by: by.iter().map(|s| s.to_string()).collect(),
            quantile: Some(0.99),
            ..Default::default()
        })
    }

    /// The trace an exemplar names, opened as the demo trace datasource opens it.
    fn trace_of(e: &Exemplar) -> Trace {
        let id = TraceId::parse(e.trace_id().expect("a trace id")).expect("a valid id");
        demo_trace(&id, SEED).expect("the demo trace datasource opens it")
    }

    #[test]
    fn every_exemplar_opens_a_demo_trace_through_its_series() {
        let (s, _) = window(IncidentKind::FraudSwallowedException, 100, SEED);
        let range = TimeRange::new(s - 1_800_000, s + 1_800_000).unwrap();
        let answer = exemplars(&p99(vec![], &["service"]), range, 15_000, SEED).unwrap();
        assert_eq!(answer.len(), 6, "one entry per service series");
        let mut total = 0;
        for series in &answer {
            let service = &series.series_labels.iter().find(|(k, _)| k == "service").unwrap().1;
            assert!(series.exemplars.len() >= 10, "{service}: {}", series.exemplars.len());
            for e in &series.exemplars {
                assert!((range.from_ms()..=range.to_ms()).contains(&e.time_ms));
                let trace = trace_of(e);
                assert_eq!(trace.start_us(), e.time_ms * 1000);
                let span = trace.spans.iter().find(|x| x.service == *service && x.kind == SpanKind::Server).expect("the service's span");
                assert_eq!(e.value, span.duration_us as f64 / 1e6);
                let span_id = e.labels.iter().find(|(k, _)| k == "span_id").unwrap();
                assert_eq!(span_id.1, span.span_id.to_hex());
            }
            total += series.exemplars.len();
        }
        assert!(total <= crate::core::exemplars::MAX_EXEMPLARS, "a demo chart fits the cap: {total}");
    }

    #[test]
    fn the_failing_checkout_of_the_fraud_incident_is_an_exemplar() {
        let (s, e) = window(IncidentKind::FraudSwallowedException, 100, SEED);
        let range = TimeRange::new(s - 600_000, e + 600_000).unwrap();
        let answer = exemplars(&p99(vec![Matcher::eq("service", "transaction")], &[]), range, 15_000, SEED).unwrap();
        assert_eq!(answer.len(), 1);
        let in_incident = |t: &Trace| (s * 1000..e * 1000).contains(&t.start_us());
        let failing: Vec<Trace> = answer[0].exemplars.iter().map(trace_of).filter(|t| in_incident(t) && t.error_count() > 0).collect();
        assert!(failing.len() >= 3, "the incident's traces are exemplars: {}", failing.len());
        for t in &failing {
            assert!(t.spans.iter().any(|x| x.service == "fraud" && x.events.iter().any(|ev| ev.name == "exception")));
            assert!(t.spans.iter().any(|x| x.service == "transaction" && x.is_error()));
        }
        // The incident's three traces are exemplars, and the very ones the demo's trace
        // search lists for that window.
        let params = crate::core::trace::SearchParams { start_us: range.from_ms() * 1000, end_us: range.to_ms() * 1000, limit: Some(50), ..Default::default() };
        let listed: Vec<String> = super::super::traces::demo_search(&params, SEED).into_iter().map(|r| r.trace_id.to_hex()).collect();
        let shown: Vec<String> = failing.iter().map(|t| t.trace_id.to_hex()).collect();
        for k in 0..3 {
            let id = demo_trace_id(s + (e - s) * (2 * k + 1) / 6, CHECKOUT, SEED).to_hex();
            assert!(shown.contains(&id) && listed.contains(&id), "incident trace {k}: {id}");
        }
    }

    #[test]
    fn billing_timeouts_show_as_slow_exemplars_and_endpoints_are_respected() {
        let (s, _) = window(IncidentKind::BillingUpstreamTimeout, 100, SEED);
        let range = TimeRange::new(s - 300_000, s + 300_000).unwrap();
        let answer = exemplars(&p99(vec![Matcher::eq("service", "billing")], &["endpoint"]), range, 15_000, SEED).unwrap();
        let charges = answer.iter().find(|a| a.series_labels.iter().any(|(_, v)| v == "/api/charges")).unwrap();
        assert!(charges.exemplars.iter().any(|e| e.value > 1.5), "a multi-second billing span");
        // No demo trace calls /api/invoices, so that series has no exemplars.
        let invoices = answer.iter().find(|a| a.series_labels.iter().any(|(_, v)| v == "/api/invoices")).unwrap();
        assert!(invoices.exemplars.is_empty());
    }

    #[test]
    fn only_duration_queries_have_exemplars_and_answers_are_stable() {
        let range = TimeRange::new(1_700_000_000_000, 1_700_003_600_000).unwrap();
        let rate = Query::Metric(MetricQuery { metric: "shop_http_requests_total".into(), range_fn: Some(RangeFn::Rate), ..Default::default() });
        assert!(exemplars(&rate, range, 15_000, SEED).unwrap().is_empty());
        let promql = Query::Promql(crate::core::query::PromqlQuery { expr: "up".into() });
        assert!(exemplars(&promql, range, 15_000, SEED).unwrap().is_empty());
        let q = p99(vec![], &[]);
        assert_eq!(exemplars(&q, range, 15_000, SEED).unwrap(), exemplars(&q, range, 15_000, SEED).unwrap());
        // A live window that moved by ten seconds keeps the exemplars both windows cover.
        let later = TimeRange::new(range.from_ms() + 10_000, range.to_ms() + 10_000).unwrap();
        let a = exemplars(&q, range, 15_000, SEED).unwrap();
        let b = exemplars(&q, later, 15_000, SEED).unwrap();
        let ids = |x: &[ExemplarSeries]| x[0].exemplars.iter().filter(|e| e.time_ms > later.from_ms() + 120_000 && e.time_ms < range.to_ms() - 120_000).map(|e| e.trace_id().unwrap().to_string()).collect::<Vec<_>>();
        assert!(!ids(&a).is_empty());
        assert_eq!(ids(&a), ids(&b));
    }
}

//! Demo traces: the simulated shop's requests as traces, consistent with its metrics and
//! scripted incidents. A checkout goes gateway → transaction → credit, fraud (→ redis) and
//! billing (→ postgres, kafka); an item lookup goes gateway → inventory → redis (a run of
//! repeated cache reads) and postgres.
//!
//! During the fraud incident fraud swallows an exception (its span looks fine: status unset,
//! 200, with an `exception` event) and transaction fails with 500; during the billing
//! upstream timeout the kafka send takes seconds and billing answers 504; during the postgres
//! timeout inventory's query times out. A trace is a pure function of its id and the seed:
//! the id carries the instant and the request kind, so a link to a demo trace reopens it.
//! This module must never read the clock or do IO.

use super::incidents::{active, incidents_between, IncidentKind};
use super::signal::{hash, unit};
use crate::core::trace::{summarize, AttrValue, Event, Resource, SearchParams, Span, SpanId, SpanKind, Status, Trace, TraceId, TraceSummary};

/// The kinds of request the demo traces.
const FLAVOURS: u8 = 2;
const CHECKOUT: u8 = 0;
const ITEMS: u8 = 1;
/// Marks a demo trace id (first two bytes).
const MARK: [u8; 2] = [0xde, 0x30];

/// The id of the demo trace of request kind `flavour` at `t_ms`.
pub fn demo_trace_id(t_ms: i64, flavour: u8, seed: u64) -> TraceId {
    let mut b = [0u8; 16];
    b[..2].copy_from_slice(&MARK);
    b[2] = flavour % FLAVOURS;
    let h = hash(seed, 0x7ace, t_ms as u64).to_be_bytes();
    b[3..8].copy_from_slice(&h[..5]);
    b[8..].copy_from_slice(&(t_ms as u64).to_be_bytes());
    TraceId(b)
}

/// The demo trace with this id, or `None` when the id is not one the demo hands out.
pub fn demo_trace(id: &TraceId, seed: u64) -> Option<Trace> {
    let b = id.0;
    if b[..2] != MARK || b[2] >= FLAVOURS {
        return None;
    }
    let t_ms = u64::from_be_bytes(b[8..].try_into().ok()?) as i64;
    if demo_trace_id(t_ms, b[2], seed) != *id {
        return None;
    }
    Some(build(*id, t_ms, b[2], seed))
}

/// Every service that appears in demo traces, sorted.
pub fn demo_services() -> Vec<String> {
    let mut s: Vec<String> =
        ["gateway", "inventory", "transaction", "credit", "fraud", "billing", "postgres", "kafka", "redis"].iter().map(|s| s.to_string()).collect();
    s.sort();
    s
}

/// Search results over the params' time range: regular traffic plus traces inside every
/// incident of the range, filtered by service, operation, tags and duration, newest first.
pub fn demo_search(p: &SearchParams, seed: u64) -> Vec<TraceSummary> {
    let limit = p.limit.unwrap_or(20).clamp(1, 200) as usize;
    let (from_ms, to_ms) = (p.start_us.div_euclid(1000), p.end_us.div_euclid(1000));
    if to_ms <= from_ms {
        return Vec::new();
    }
    let mut candidates: Vec<(i64, u8)> = Vec::new();
    for inc in incidents_between(from_ms, to_ms, seed, 12) {
        let flavour = if inc.kind == IncidentKind::PostgresTimeout { ITEMS } else { CHECKOUT };
        let (s, e) = (inc.start_ms.max(from_ms), inc.end_ms.min(to_ms));
        for k in 0..3 {
            candidates.push((s + (e - s) * (2 * k + 1) / 6, flavour));
        }
    }
    let slots = (limit * 2) as i64;
    let width = (to_ms - from_ms) / slots;
    for i in 0..slots {
        let jitter = (unit(seed, 0x5ea1, (from_ms / 1000 + i) as u64) * width as f64 * 0.8) as i64;
        let t = to_ms - (i + 1) * width + jitter;
        candidates.push((t, (hash(seed, 0xf1a, t as u64) % FLAVOURS as u64) as u8));
    }
    let tags = &p.tags;
    let mut out: Vec<TraceSummary> = Vec::new();
    for (t, flavour) in candidates {
        let trace = build(demo_trace_id(t, flavour, seed), t, flavour, seed);
        let has = |f: &dyn Fn(&Span) -> bool| trace.spans.iter().any(f);
        if p.service.as_deref().is_some_and(|s| !s.is_empty() && !has(&|x| x.service == s)) {
            continue;
        }
        if p.operation.as_deref().is_some_and(|o| !o.is_empty() && !has(&|x| x.name == o)) {
            continue;
        }
        let tag_ok = tags.iter().all(|(k, v)| {
            has(&|x| {
                (k == "error" && x.is_error() && (v.is_empty() || v == "true"))
                    || x.attributes.iter().any(|(ak, av)| ak == k && (v.is_empty() || av.display() == *v))
            })
        });
        let d = trace.duration_us();
        if !tag_ok || p.min_duration_us.is_some_and(|m| d < m) || p.max_duration_us.is_some_and(|m| d > m) {
            continue;
        }
        if out.iter().any(|s| s.trace_id == trace.trace_id) {
            continue;
        }
        out.push(summarize(&trace));
        if out.len() >= limit {
            break;
        }
    }
    crate::core::sort::sort_by(&mut out, |a, b| b.start_us.cmp(&a.start_us));
    out
}

struct Builder {
    trace: Trace,
    seed: u64,
    t_ms: i64,
}

impl Builder {
    fn resource(&mut self, service: &str) -> usize {
        if let Some(i) = self.trace.resources.iter().position(|r| r.service == service) {
            return i;
        }
        let host = format!("{service}-{}", hash(self.seed, 0x4057, service.len() as u64) % 7 + 1);
        self.trace.resources.push(Resource {
            service: service.to_string(),
            attributes: vec![
                ("service.name".into(), AttrValue::Str(service.into())),
                ("host.name".into(), AttrValue::Str(host)),
                ("deployment.environment".into(), AttrValue::Str("demo".into())),
            ],
        });
        self.trace.resources.len() - 1
    }

    /// A jitter factor around 1 for span `n`.
    fn jitter(&self, n: u64) -> f64 {
        0.7 + 0.6 * unit(self.seed, self.t_ms as u64, n)
    }

    #[allow(clippy::too_many_arguments)]
    fn span(&mut self, parent: Option<usize>, service: &str, name: &str, kind: SpanKind, start_us: i64, duration_us: i64, attrs: Vec<(&str, AttrValue)>) -> usize {
        let n = self.trace.spans.len() as u64;
        let mut id = hash(self.seed, self.t_ms as u64 ^ 0x5ba7, n).to_be_bytes();
        if id.iter().all(|b| *b == 0) {
            id[7] = 1;
        }
        let mut span = Span::new(self.trace.trace_id, SpanId(id), start_us, duration_us);
        span.parent = parent.map(|p| self.trace.spans[p].span_id);
        span.service = service.into();
        span.name = name.into();
        span.kind = kind;
        span.resource = Some(self.resource(service));
        span.scope = "napkin-demo".into();
        span.attributes = attrs.into_iter().map(|(k, v)| (k.into(), v)).collect();
        self.trace.spans.push(span);
        self.trace.spans.len() - 1
    }

    fn fail(&mut self, span: usize, status: i64, message: &str) {
        let s = &mut self.trace.spans[span];
        s.status = Status::Error;
        s.status_message = message.to_string();
        s.attributes.retain(|(k, _)| k != "http.status_code");
        s.attributes.push(("http.status_code".into(), AttrValue::Int(status)));
    }
}

fn http(method: &str, route: &str, status: i64) -> Vec<(&'static str, AttrValue)> {
    vec![
        ("http.method", AttrValue::Str(method.into())),
        ("http.route", AttrValue::Str(route.into())),
        ("http.status_code", AttrValue::Int(status)),
    ]
}

fn build(id: TraceId, t_ms: i64, flavour: u8, seed: u64) -> Trace {
    let mut b = Builder { trace: Trace::new(id), seed, t_ms };
    let t0 = t_ms * 1000;
    if flavour == CHECKOUT {
        checkout(&mut b, t0);
    } else {
        items(&mut b, t0);
    }
    b.trace
}

fn checkout(b: &mut Builder, t0: i64) {
    let fraud_incident = active(IncidentKind::FraudSwallowedException, b.t_ms, b.seed);
    let billing_incident = active(IncidentKind::BillingUpstreamTimeout, b.t_ms, b.seed);
    let gw = b.span(None, "gateway", "POST /api/checkout", SpanKind::Server, t0, 0, http("POST", "/api/checkout", 200));
    let tx_start = t0 + 1_200;
    let tx = b.span(Some(gw), "transaction", "POST /api/transactions", SpanKind::Server, tx_start, 0, http("POST", "/api/transactions", 200));
    let mut t = tx_start + 800;
    let credit_d = (25_000.0 * b.jitter(1)) as i64;
    let credit = b.span(Some(tx), "credit", "GET /api/score", SpanKind::Server, t, credit_d, http("GET", "/api/score", 200));
    let _ = credit;
    t += credit_d + 300;
    let fraud_d = (30_000.0 * b.jitter(2)) as i64;
    let mut fraud_attrs = http("POST", "/api/check", 200);
    fraud_attrs.push(("fraud.verdict", AttrValue::Str(if fraud_incident { String::new() } else { "allow".into() })));
    let fraud = b.span(Some(tx), "fraud", "POST /api/check", SpanKind::Server, t, fraud_d, fraud_attrs);
    let redis_d = (900.0 * b.jitter(3)) as i64;
    let redis = b.span(Some(fraud), "redis", "GET fraud:rules", SpanKind::Client, t + 1_500, redis_d, vec![("db.system", AttrValue::Str("redis".into()))]);
    let _ = redis;
    if fraud_incident {
        // The exception is caught and logged; the span itself looks healthy.
        b.trace.spans[fraud].events.push(Event {
            time_us: t + fraud_d - 4_000,
            name: "exception".into(),
            attributes: vec![
                ("exception.type".into(), AttrValue::Str("RulesEngineTimeoutException".into())),
                ("exception.message".into(), AttrValue::Str("rules engine did not answer; returning empty verdict".into())),
                ("exception.escaped".into(), AttrValue::Bool(false)),
            ],
        });
    }
    t += fraud_d + 300;
    if fraud_incident {
        b.fail(tx, 500, "fraud returned an empty verdict; payment rejected");
        b.trace.spans[tx].events.push(Event {
            time_us: t,
            name: "payment rejected".into(),
            attributes: vec![("reason".into(), AttrValue::Str("empty fraud verdict".into()))],
        });
        b.fail(gw, 500, "upstream transaction answered 500");
    } else {
        let billing_start = t;
        let billing = b.span(Some(tx), "billing", "POST /api/charges", SpanKind::Server, billing_start, 0, http("POST", "/api/charges", 200));
        let pg_d = (4_000.0 * b.jitter(4)) as i64;
        b.span(Some(billing), "postgres", "INSERT charges", SpanKind::Client, billing_start + 700, pg_d, vec![
            ("db.system", AttrValue::Str("postgresql".into())),
            ("db.statement", AttrValue::Str("INSERT INTO charges (id, amount) VALUES ($1, $2)".into())),
        ]);
        let kafka_d = if billing_incident { (2_400_000.0 * b.jitter(5)) as i64 } else { (3_000.0 * b.jitter(5)) as i64 };
        let kafka = b.span(Some(billing), "kafka", "send billing-ledger", SpanKind::Producer, billing_start + 1_000 + pg_d, kafka_d, vec![
            ("messaging.system", AttrValue::Str("kafka".into())),
            ("messaging.destination.name", AttrValue::Str("billing-ledger".into())),
        ]);
        let billing_end = billing_start + 1_500 + pg_d + kafka_d;
        b.trace.spans[billing].duration_us = billing_end - billing_start;
        if billing_incident {
            b.fail(kafka, 0, "request timed out after 2000 ms");
            b.trace.spans[kafka].attributes.retain(|(k, _)| k != "http.status_code");
            b.fail(billing, 504, "upstream timeout: kafka did not acknowledge in time");
            b.fail(tx, 504, "billing timed out");
            b.fail(gw, 504, "upstream transaction timed out");
        }
        t = billing_end + 400;
    }
    b.trace.spans[tx].duration_us = t - tx_start;
    b.trace.spans[gw].duration_us = t + 900 - t0;
}

fn items(b: &mut Builder, t0: i64) {
    let pg_incident = active(IncidentKind::PostgresTimeout, b.t_ms, b.seed);
    let gw = b.span(None, "gateway", "GET /api/items", SpanKind::Server, t0, 0, http("GET", "/api/items", 200));
    let inv_start = t0 + 900;
    let inv = b.span(Some(gw), "inventory", "GET /api/items", SpanKind::Server, inv_start, 0, http("GET", "/api/items", 200));
    let mut t = inv_start + 500;
    let reads = 12 + (hash(b.seed, b.t_ms as u64, 9) % 8) as i64;
    for i in 0..reads {
        let d = (350.0 * b.jitter(10 + i as u64)) as i64;
        b.span(Some(inv), "redis", "GET item", SpanKind::Client, t, d, vec![
            ("db.system", AttrValue::Str("redis".into())),
            ("db.redis.key", AttrValue::Str(format!("item:{}", 1000 + i * 7))),
        ]);
        t += d + 60;
    }
    let pg_d = if pg_incident { (1_800_000.0 * b.jitter(40)) as i64 } else { (9_000.0 * b.jitter(40)) as i64 };
    let pg = b.span(Some(inv), "postgres", "SELECT items", SpanKind::Client, t + 200, pg_d, vec![
        ("db.system", AttrValue::Str("postgresql".into())),
        ("db.statement", AttrValue::Str("SELECT id, name, stock FROM items WHERE id = ANY($1)".into())),
    ]);
    t += 200 + pg_d + 300;
    if pg_incident {
        b.fail(pg, 0, "TIMEOUT: canceling statement due to statement timeout");
        b.trace.spans[pg].attributes.retain(|(k, _)| k != "http.status_code");
        b.fail(inv, 503, "postgres timeout");
        b.fail(gw, 503, "upstream inventory answered 503");
    }
    b.trace.spans[inv].duration_us = t - inv_start;
    b.trace.spans[gw].duration_us = t + 700 - t0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::demo::incidents::window;
    use crate::core::trace::SpanTree;

    const SEED: u64 = 42;

    fn by_service<'a>(t: &'a Trace, service: &str) -> &'a Span {
        t.spans.iter().find(|s| s.service == service).unwrap_or_else(|| panic!("no {service} span"))
    }

    #[test]
    fn ids_round_trip_and_foreign_ids_are_refused() {
        let id = demo_trace_id(1_718_000_000_000, CHECKOUT, SEED);
        let trace = demo_trace(&TraceId::parse(&id.to_hex()).unwrap(), SEED).unwrap();
        assert_eq!(trace.trace_id, id);
        assert_eq!(trace.start_us(), 1_718_000_000_000_000);
        assert!(demo_trace(&TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(), SEED).is_none());
        let mut forged = id;
        forged.0[5] ^= 1;
        assert!(demo_trace(&forged, SEED).is_none());
    }

    #[test]
    fn a_normal_checkout_goes_through_every_service() {
        let (s, e) = window(IncidentKind::FraudSwallowedException, 100, SEED);
        let quiet = s - 60_000;
        assert!(!active(IncidentKind::BillingUpstreamTimeout, quiet, SEED) && e > s);
        let t = build(demo_trace_id(quiet, CHECKOUT, SEED), quiet, CHECKOUT, SEED);
        assert_eq!(t.services(), ["billing", "credit", "fraud", "gateway", "kafka", "postgres", "redis", "transaction"]);
        assert_eq!(t.error_count(), 0);
        let tree = SpanTree::build(&t.spans);
        assert!(tree.orphans.is_empty() && tree.roots().len() == 1);
        assert_eq!(tree.max_depth(), 3);
    }

    #[test]
    fn fraud_incident_fails_transaction_while_fraud_looks_fine() {
        let (s, _) = window(IncidentKind::FraudSwallowedException, 100, SEED);
        let t = build(demo_trace_id(s + 30_000, CHECKOUT, SEED), s + 30_000, CHECKOUT, SEED);
        let fraud = by_service(&t, "fraud");
        assert_eq!(fraud.status, Status::Unset);
        assert_eq!(fraud.events[0].name, "exception");
        assert!(by_service(&t, "transaction").is_error());
        assert!(t.spans.iter().all(|s| s.service != "billing"));
    }

    #[test]
    fn billing_timeout_shows_a_long_kafka_span() {
        let (s, _) = window(IncidentKind::BillingUpstreamTimeout, 100, SEED);
        let t = build(demo_trace_id(s + 30_000, CHECKOUT, SEED), s + 30_000, CHECKOUT, SEED);
        let kafka = by_service(&t, "kafka");
        assert!(kafka.duration_us > 1_500_000, "{}", kafka.duration_us);
        assert!(by_service(&t, "billing").is_error());
        // Parents contain children.
        let tree = SpanTree::build(&t.spans);
        assert!(tree.skewed.iter().all(|s| !s));
    }

    #[test]
    fn search_lists_incident_traces_and_filters() {
        let (s, _) = window(IncidentKind::FraudSwallowedException, 100, SEED);
        let p = SearchParams { start_us: (s - 600_000) * 1000, end_us: (s + 600_000) * 1000, limit: Some(20), ..Default::default() };
        let all = demo_search(&p, SEED);
        assert_eq!(all.len(), 20);
        assert!(all.windows(2).all(|w| w[0].start_us >= w[1].start_us));
        assert!(all.iter().any(|r| r.error_count.unwrap_or(0) > 0));
        for r in &all {
            assert!(demo_trace(&r.trace_id, SEED).is_some());
        }
        let errors = demo_search(&SearchParams { tags: vec![("error".into(), "true".into())], ..p.clone() }, SEED);
        assert!(!errors.is_empty() && errors.iter().all(|r| r.error_count.unwrap_or(0) > 0));
        let inv = demo_search(&SearchParams { service: Some("inventory".into()), ..p.clone() }, SEED);
        assert!(!inv.is_empty() && inv.iter().all(|r| r.root_name == "GET /api/items"));
        let slow = demo_search(&SearchParams { min_duration_us: Some(1_000_000), ..p }, SEED);
        assert!(slow.iter().all(|r| r.duration_us >= 1_000_000));
    }
}

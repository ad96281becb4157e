//! The built-in demo datasource: a simulated microservice shop (gateway, inventory,
//! transaction, credit, fraud and billing, with postgres, kafka and redis behind them)
//! whose metrics are computed, not stored, so a newcomer sees a live dashboard with no
//! backend. Values are a pure function of (query, time range, step, seed).
//!
//! This module is the public face: it re-exports the API and holds the error type. Nothing
//! here may read the clock, do IO or depend on browser crates; callers pass the instant.
//!
//! Layout: `model.rs` (topology and metric inventory), `incidents.rs` (scripted incident
//! schedule), `signal.rs` (closed-form counters and gauges), `catalog.rs` (raw series),
//! `histogram.rs` (Prometheus `histogram_quantile`), `eval.rs` (query evaluation).

mod catalog;
mod eval;
pub mod exemplars;
mod histogram;
pub mod incidents;
pub mod model;
mod signal;
pub mod traces;

use crate::core::frame::Frame;
use crate::core::query::Query;
use crate::core::time::TimeRange;

pub use eval::MAX_POINTS;
pub use exemplars::exemplars;
pub use histogram::bucket_quantile;
pub use incidents::{incidents_at, incidents_between, Incident, IncidentKind, CYCLE_MS};

/// The seed dashboards use unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// Why the demo datasource could not answer a query. Each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoError {
    #[error(
        "The demo datasource cannot run raw PromQL; switch the query to the builder or choose a Prometheus datasource."
    )]
    Promql,
    #[error("unknown metric \"{metric}\" (the demo has: {known})")]
    UnknownMetric { metric: String, known: String },
    #[error("the query step must be a positive number of milliseconds, but it is {step_ms}; choose a step of at least 1 ms")]
    BadStep { step_ms: i64 },
    #[error(
        "this time range at this step needs {points} points per series, more than the {max} the demo computes; choose a larger step or a shorter range"
    )]
    TooManyPoints { points: u64, max: usize },
    #[error("the time range or step reaches thousands of years away from today; choose a range closer to now and a shorter step")]
    TimeOutOfRange,
    #[error("the label matcher regex \"{pattern}\" is invalid ({reason}); fix the pattern or use = instead of =~")]
    BadRegex { pattern: String, reason: String },
    #[error(
        "\"{metric}\" is a gauge, so rate and increase do not apply; remove the function or choose a counter such as shop_http_requests_total"
    )]
    RangeFnOnGauge { metric: String },
    #[error(
        "quantiles need a histogram's base name: use shop_http_request_duration_seconds instead of \"{metric}\""
    )]
    NotAHistogram { metric: String },
    #[error(
        "the rate window must be at least 1 second; leave it empty to use the automatic window"
    )]
    BadWindow,
}

/// Evaluates a structured query over `range`, one sample every `step_ms` starting at the
/// range's start aligned down to a multiple of the step, with Prometheus semantics.
/// Raw PromQL is refused with [`DemoError::Promql`].
pub fn evaluate(
    query: &Query,
    range: TimeRange,
    step_ms: i64,
    seed: u64,
) -> Result<Frame, DemoError> {
    eval::evaluate(query, range, step_ms, seed)
}

/// Every concrete metric name the demo serves (histogram parts listed separately, as a
/// Prometheus server lists them).
pub fn metric_names() -> Vec<&'static str> {
    model::METRICS.to_vec()
}

/// The sorted distinct values of `label` on `metric`; empty when either is unknown. The
/// histogram's base name answers for its bucket series.
pub fn label_values(metric: &str, label: &str) -> Vec<String> {
    catalog::label_values(metric, label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::query::{
        Agg, MatchOp, Matcher, MetricQuery, PromqlQuery, RangeFn, RatioQuery,
    };

    /// 2023-11-14T22:00:00Z, the start of a 30-minute incident cycle.
    const T0: i64 = 1_700_000_000_000 - 1_700_000_000_000 % CYCLE_MS;
    const MIN: i64 = 60_000;

    fn range(from: i64, to: i64) -> TimeRange {
        TimeRange::new(from, to).unwrap()
    }

    fn mq(metric: &str) -> MetricQuery {
        MetricQuery {
            metric: metric.into(),
            ..Default::default()
        }
    }

    fn rate(metric: &str, matchers: Vec<Matcher>) -> MetricQuery {
        MetricQuery {
            metric: metric.into(),
            matchers,
            range_fn: Some(RangeFn::Rate),
            ..Default::default()
        }
    }

    fn sum_by(mut q: MetricQuery, by: &[&str]) -> MetricQuery {
        q.agg = Some(Agg::Sum);
        q.by = by.iter().map(|s| s.to_string()).collect();
        q
    }

    fn p99(matchers: Vec<Matcher>, by: &[&str]) -> Query {
        Query::Metric(MetricQuery {
            metric: model::DURATION.into(),
            matchers,
            quantile: Some(0.99),
            by: by.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        })
    }

    fn eval(q: &Query, from: i64, to: i64, step: i64) -> Frame {
        evaluate(q, range(from, to), step, DEFAULT_SEED).unwrap()
    }

    /// The value of the single series of `q` at the minute holding instant `t`.
    fn value_at(q: &Query, t: i64) -> f64 {
        let t = t.div_euclid(MIN) * MIN;
        let f = eval(q, t, t + 1, 60_000);
        assert_eq!(f.series.len(), 1, "{q:?}");
        assert_eq!(f.series[0].times[0], t);
        f.series[0].values[0]
    }

    fn first(kind: IncidentKind) -> Incident {
        incidents_between(T0, T0 + CYCLE_MS, DEFAULT_SEED, 10)
            .into_iter()
            .find(|i| i.kind == kind)
            .unwrap()
    }

    /// A minute-aligned instant well inside the incident (its 2-minute mark, plus a minute).
    fn inside(i: &Incident) -> i64 {
        (i.start_ms / MIN + 3) * MIN
    }

    fn error_percent(service: &str, status_re: &str) -> Query {
        let req = || rate(model::REQUESTS_TOTAL, vec![Matcher::eq("service", service)]);
        let mut num = sum_by(req(), &["service"]);
        num.matchers.push(Matcher::re("status", status_re));
        Query::Ratio(RatioQuery {
            num,
            den: sum_by(req(), &["service"]),
            scale: 100.0,
        })
    }

    #[test]
    fn same_seed_gives_identical_frames_and_other_seeds_differ() {
        let q = Query::Metric(sum_by(rate(model::REQUESTS_TOTAL, vec![]), &["service"]));
        let r = range(T0, T0 + 3 * 3_600_000);
        let a = evaluate(&q, r, 30_000, 42).unwrap();
        let b = evaluate(&q, r, 30_000, 42).unwrap();
        let c = evaluate(&q, r, 30_000, 43).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.series.len(), c.series.len());
        assert_ne!(a.series[0].values, c.series[0].values);
        let i42 = incidents_between(T0, T0 + 86_400_000, 42, 1000);
        let i43 = incidents_between(T0, T0 + 86_400_000, 43, 1000);
        assert_ne!(i42, i43);
    }

    #[test]
    fn timestamps_are_aligned_to_the_step_and_cover_the_range() {
        let (from, to, step) = (T0 + 12_345, T0 + 3_600_000 + 7, 60_000);
        let f = eval(&Query::Metric(mq(model::KAFKA_LAG)), from, to, step);
        assert_eq!(f.step_ms, step);
        for s in &f.series {
            assert_eq!(s.times[0], T0);
            assert!(s.times.iter().all(|t| t % step == 0 && *t <= to));
            assert!(s.times.windows(2).all(|w| w[1] - w[0] == step));
            assert!(*s.times.last().unwrap() + step > to);
            assert_eq!(s.times.len(), s.values.len());
        }
        // Negative instants align down too (to a multiple of the step, not toward zero).
        let f = eval(&Query::Metric(mq(model::KAFKA_LAG)), -90_000, -1, step);
        assert_eq!(f.series[0].times, vec![-120_000, -60_000]);
    }

    #[test]
    fn raw_counters_never_decrease_over_a_day() {
        let q = Query::Metric(mq(model::DURATION_BUCKET));
        let f = eval(&q, T0, T0 + 86_400_000, 15_000);
        assert_eq!(
            f.series.len(),
            model::ENDPOINTS.len() * model::LE_BOUNDS.len()
        );
        for s in &f.series {
            assert_eq!(s.label("__name__"), Some(model::DURATION_BUCKET));
            assert!(s.values.windows(2).all(|w| w[1] >= w[0]), "{:?}", s.labels);
        }
    }

    #[test]
    fn rate_equals_increase_over_window_and_matches_counter_difference() {
        let ms = vec![
            Matcher::eq("service", "billing"),
            Matcher::eq("status", "200"),
        ];
        let mut r = rate(model::REQUESTS_TOTAL, ms.clone());
        r.window_s = Some(300);
        let mut inc = r.clone();
        inc.range_fn = Some(RangeFn::Increase);
        let (from, to) = (T0, T0 + 2 * 3_600_000);
        let fr = eval(&Query::Metric(r), from, to, 60_000);
        let fi = eval(&Query::Metric(inc), from, to, 60_000);
        let raw = eval(
            &Query::Metric(MetricQuery {
                matchers: ms,
                ..mq(model::REQUESTS_TOTAL)
            }),
            from - 300_000,
            to,
            60_000,
        );
        assert_eq!(fr.series.len(), 2);
        for ((sr, si), sraw) in fr.series.iter().zip(&fi.series).zip(&raw.series) {
            assert!(sr.label("__name__").is_none(), "rate drops the metric name");
            for (k, (a, b)) in sr.values.iter().zip(&si.values).enumerate() {
                assert!((a - b / 300.0).abs() < 1e-9 * a.max(1.0));
                let diff = sraw.values[k + 5] - sraw.values[k];
                assert!(
                    (b - diff).abs() < 1e-6 * diff,
                    "increase {b} vs counter difference {diff}"
                );
            }
        }
    }

    #[test]
    fn gateway_traffic_is_plausible_all_day() {
        let q = Query::Metric(sum_by(
            rate(
                model::REQUESTS_TOTAL,
                vec![Matcher::eq("service", "gateway")],
            ),
            &[],
        ));
        let f = eval(&q, T0, T0 + 86_400_000, 60_000);
        assert_eq!(f.series.len(), 1);
        assert!(f.series[0].labels.is_empty());
        let v = &f.series[0].values;
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
        assert!(
            lo > 90.0 && hi < 310.0 && hi - lo > 60.0,
            "gateway {lo}..{hi} req/s"
        );
    }

    #[test]
    fn fraud_incident_shows_500s_in_transaction_while_fraud_stays_200() {
        let i = first(IncidentKind::FraudSwallowedException);
        assert_eq!((i.service, i.cause), ("transaction", "fraud"));
        let during = inside(&i);
        let before = i.start_ms - 5 * MIN;
        let tx = error_percent("transaction", "5..");
        let (tx_during, tx_before) = (value_at(&tx, during), value_at(&tx, before));
        assert!(
            tx_before < 1.0 && tx_during > 10.0,
            "transaction 5xx% {tx_before} -> {tx_during}"
        );
        let fraud = error_percent("fraud", "200");
        assert!(value_at(&fraud, during) > 97.0, "fraud still answers 200");
        assert!((value_at(&fraud, during) - value_at(&fraud, before)).abs() < 0.5);
        assert_eq!(
            incidents_at(during, DEFAULT_SEED)[0].kind,
            IncidentKind::FraudSwallowedException
        );
    }

    #[test]
    fn billing_incident_raises_p99_to_seconds_with_504s_and_lag() {
        let i = first(IncidentKind::BillingUpstreamTimeout);
        let (during, before) = (inside(&i), i.start_ms - 5 * MIN);
        let q = p99(vec![Matcher::eq("service", "billing")], &["service"]);
        let (p_during, p_before) = (value_at(&q, during), value_at(&q, before));
        assert!(
            p_before < 0.5 && p_during > 1.0,
            "billing p99 {p_before} -> {p_during}"
        );
        let timeouts = error_percent("billing", "504");
        assert!(value_at(&timeouts, before) < 0.2 && value_at(&timeouts, during) > 3.0);
        let lag = Query::Metric(MetricQuery {
            matchers: vec![Matcher::eq("group", "billing-ledger")],
            ..mq(model::KAFKA_LAG)
        });
        assert!(value_at(&lag, during) > value_at(&lag, before) + 1000.0);
    }

    #[test]
    fn postgres_incident_drops_dependency_up_and_slows_inventory() {
        let i = first(IncidentKind::PostgresTimeout);
        let (during, before) = (inside(&i), i.start_ms - 5 * MIN);
        let up = Query::Metric(MetricQuery {
            matchers: vec![
                Matcher::eq("service", "inventory"),
                Matcher::eq("dependency", "postgres"),
            ],
            ..mq(model::DEPENDENCY_UP)
        });
        assert_eq!((value_at(&up, before), value_at(&up, during)), (1.0, 0.0));
        let all_up = eval(
            &Query::Metric(mq(model::DEPENDENCY_UP)),
            during,
            during + 1,
            60_000,
        );
        assert_eq!(
            all_up.series.iter().filter(|s| s.values[0] == 0.0).count(),
            1
        );
        let q = p99(vec![Matcher::eq("service", "inventory")], &[]);
        assert!(value_at(&q, during) > 3.0 * value_at(&q, before));
    }

    #[test]
    fn quantile_matches_a_hand_computed_histogram_quantile() {
        let t = T0 + 41 * MIN;
        let ms = vec![
            Matcher::eq("service", "credit"),
            Matcher::eq("endpoint", "/api/score"),
        ];
        let buckets = eval(
            &Query::Metric(rate(model::DURATION_BUCKET, ms.clone())),
            t,
            t + 1,
            60_000,
        );
        let mut pairs: Vec<(f64, f64)> = buckets
            .series
            .iter()
            .map(|s| (catalog::parse_le(s.label("le").unwrap()), s.values[0]))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Hand interpolation: find the bucket holding rank 0.5·total and interpolate linearly.
        let total = pairs.last().unwrap().1;
        let rank = 0.5 * total;
        let i = pairs.iter().position(|p| p.1 >= rank).unwrap();
        let (lo_le, lo_n) = if i == 0 { (0.0, 0.0) } else { pairs[i - 1] };
        let expected = lo_le + (pairs[i].0 - lo_le) * (rank - lo_n) / (pairs[i].1 - lo_n);
        let q = Query::Metric(MetricQuery {
            metric: model::DURATION.into(),
            matchers: ms,
            quantile: Some(0.5),
            ..Default::default()
        });
        let got = value_at(&q, t);
        assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
        // The credit score median is 25 ms; interpolation inside (0.025, 0.05] stays near it.
        assert!((0.02..0.035).contains(&got), "median {got}");
    }

    #[test]
    fn quantile_by_keeps_only_the_by_labels_and_is_nan_without_samples() {
        let f = eval(&p99(vec![], &["service"]), T0, T0 + 600_000, 60_000);
        assert_eq!(f.series.len(), model::SERVICES.len());
        for s in &f.series {
            assert_eq!(s.labels.len(), 1);
            assert!(s.values.iter().all(|v| v.is_finite() && *v > 0.0));
        }
        // A 5-second window sees no two scrapes, so there is no rate and no quantile.
        let q = Query::Metric(MetricQuery {
            window_s: Some(5),
            ..match p99(vec![], &[]) {
                Query::Metric(m) => m,
                _ => unreachable!(),
            }
        });
        let f = eval(&q, T0 + 1000, T0 + 2000, 1000);
        assert!(f.series[0].values[0].is_nan());
    }

    #[test]
    fn regex_matchers_are_fully_anchored_and_negations_work() {
        let services = |ms: Vec<Matcher>| -> Vec<String> {
            let f = eval(
                &Query::Metric(sum_by(rate(model::REQUESTS_TOTAL, ms), &["service"])),
                T0,
                T0 + 1,
                60_000,
            );
            f.series
                .iter()
                .map(|s| s.label("service").unwrap().to_string())
                .collect()
        };
        assert_eq!(
            services(vec![Matcher::re("service", "gate.*|fraud")]),
            ["fraud", "gateway"]
        );
        assert!(
            services(vec![Matcher::re("service", "gate")]).is_empty(),
            "regexes are anchored"
        );
        let nre = Matcher {
            label: "service".into(),
            op: MatchOp::Nre,
            value: "g.*|i.*|t.*".into(),
        };
        assert_eq!(services(vec![nre]), ["billing", "credit", "fraud"]);
        let ne = Matcher {
            label: "service".into(),
            op: MatchOp::Ne,
            value: "gateway".into(),
        };
        assert_eq!(services(vec![ne]).len(), 5);
        // A missing label matches as empty, as in PromQL.
        assert_eq!(services(vec![Matcher::eq("nothere", "")]).len(), 6);
        assert!(services(vec![Matcher::eq("nothere", "x")]).is_empty());
    }

    #[test]
    fn aggregation_by_groups_and_labels_like_prometheus() {
        let base = rate(model::REQUESTS_TOTAL, vec![]);
        let run = |agg: Agg, by: &[&str]| {
            let mut q = sum_by(base.clone(), by);
            q.agg = Some(agg);
            eval(&Query::Metric(q), T0, T0 + 600_000, 60_000)
        };
        let sum = run(Agg::Sum, &["service"]);
        let count = run(Agg::Count, &["service"]);
        let avg = run(Agg::Avg, &["service"]);
        let (min, max) = (run(Agg::Min, &["service"]), run(Agg::Max, &["service"]));
        assert_eq!(sum.series.len(), 6);
        let gw = sum
            .series
            .iter()
            .position(|s| s.label("service") == Some("gateway"))
            .unwrap();
        assert_eq!(
            sum.series[gw].labels,
            vec![("service".to_string(), "gateway".to_string())]
        );
        assert_eq!(count.series[gw].values[0], 18.0, "3 endpoints × 6 statuses");
        for k in 0..sum.series[gw].values.len() {
            let s = sum.series[gw].values[k];
            assert!((avg.series[gw].values[k] - s / 18.0).abs() < 1e-9);
            assert!(min.series[gw].values[k] <= max.series[gw].values[k]);
        }
        let by_two = run(Agg::Sum, &["status", "service"]);
        assert_eq!(by_two.series.len(), 36);
        assert_eq!(by_two.series[0].labels.len(), 2);
        let unaggregated = eval(&Query::Metric(base), T0, T0 + 1, 60_000);
        assert_eq!(unaggregated.series.len(), model::ENDPOINTS.len() * 6);
        assert_eq!(unaggregated.series[0].labels.len(), 3);
        let gauges = eval(&Query::Metric(mq(model::DEPENDENCY_UP)), T0, T0 + 1, 60_000);
        assert_eq!(
            gauges.series[0].label("__name__"),
            Some(model::DEPENDENCY_UP)
        );
    }

    #[test]
    fn ratio_matches_one_to_one_and_is_nan_where_the_denominator_is_zero() {
        let i = first(IncidentKind::PostgresTimeout);
        let up = MetricQuery {
            matchers: vec![Matcher::re("service", "inventory|billing")],
            ..mq(model::DEPENDENCY_UP)
        };
        let only_pg = MetricQuery {
            matchers: vec![Matcher::eq("dependency", "postgres")],
            ..up.clone()
        };
        let q = Query::Ratio(RatioQuery {
            num: up,
            den: only_pg,
            scale: 1.0,
        });
        let f = eval(&q, inside(&i), inside(&i) + 1, 60_000);
        assert_eq!(
            f.series.len(),
            2,
            "only label sets present on both sides are kept"
        );
        for s in &f.series {
            assert!(s.label("__name__").is_none());
            let v = s.values[0];
            if s.label("service") == Some("inventory") {
                assert!(v.is_nan(), "0/0 is NaN");
            } else {
                assert_eq!(v, 1.0);
            }
        }
    }

    #[test]
    fn errors_read_as_advice() {
        let r = range(T0, T0 + 3_600_000);
        let promql = Query::Promql(PromqlQuery { expr: "up".into() });
        assert_eq!(
            evaluate(&promql, r, 60_000, 42).unwrap_err().to_string(),
            "The demo datasource cannot run raw PromQL; switch the query to the builder or choose a Prometheus datasource."
        );
        let unknown = evaluate(&Query::Metric(mq("x")), r, 60_000, 42)
            .unwrap_err()
            .to_string();
        assert!(
            unknown.starts_with("unknown metric \"x\" (the demo has: shop_http_requests_total"),
            "{unknown}"
        );
        let q = Query::Metric(mq(model::KAFKA_LAG));
        assert_eq!(
            evaluate(&q, r, 0, 42).unwrap_err(),
            DemoError::BadStep { step_ms: 0 }
        );
        assert_eq!(
            evaluate(&q, r, -5, 42).unwrap_err(),
            DemoError::BadStep { step_ms: -5 }
        );
        assert!(matches!(
            evaluate(&q, r, 100, 42),
            Err(DemoError::TooManyPoints { points: 36_001, .. })
        ));
        assert!(evaluate(&q, range(0, 10_999 * 1000), 1000, 42).is_ok());
        assert_eq!(
            evaluate(&q, range(i64::MIN, i64::MAX), 1, 42).unwrap_err(),
            DemoError::TimeOutOfRange
        );
        let bad = MetricQuery {
            matchers: vec![Matcher::re("service", "(")],
            ..mq(model::REQUESTS_TOTAL)
        };
        assert!(matches!(
            evaluate(&Query::Metric(bad), r, 60_000, 42),
            Err(DemoError::BadRegex { .. })
        ));
        let gauge_rate = rate(model::DEPENDENCY_UP, vec![]);
        assert!(matches!(
            evaluate(&Query::Metric(gauge_rate), r, 60_000, 42),
            Err(DemoError::RangeFnOnGauge { .. })
        ));
        let wrong_hist = MetricQuery {
            quantile: Some(0.9),
            ..mq(model::DURATION_BUCKET)
        };
        assert!(matches!(
            evaluate(&Query::Metric(wrong_hist), r, 60_000, 42),
            Err(DemoError::NotAHistogram { .. })
        ));
        let zero_window = MetricQuery {
            window_s: Some(0),
            ..rate(model::REQUESTS_TOTAL, vec![])
        };
        assert_eq!(
            evaluate(&Query::Metric(zero_window), r, 60_000, 42).unwrap_err(),
            DemoError::BadWindow
        );
    }

    #[test]
    fn metric_names_and_label_values_describe_the_shop() {
        let names = metric_names();
        assert!(
            names.contains(&"shop_http_requests_total")
                && names.contains(&"shop_kafka_consumer_lag")
        );
        assert_eq!(label_values(model::REQUESTS_TOTAL, "service"), {
            let mut s: Vec<String> = model::SERVICES.iter().map(|s| s.to_string()).collect();
            s.sort();
            s
        });
        assert_eq!(
            label_values(model::REQUESTS_TOTAL, "status"),
            ["200", "400", "404", "500", "503", "504"]
        );
        assert_eq!(label_values(model::DURATION, "le").len(), 12);
        assert_eq!(
            label_values(model::KAFKA_LAG, "group"),
            ["audit-export", "billing-ledger"]
        );
        assert!(label_values(model::DEPENDENCY_UP, "dependency").contains(&"postgres".to_string()));
        assert!(label_values("nope", "service").is_empty());
        assert!(label_values(model::KAFKA_LAG, "service").is_empty());
    }
}

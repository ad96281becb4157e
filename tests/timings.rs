//! Timings of the core's hot paths, printed for the reader and never asserted (tests do not
//! judge wall-clock time; the benchmark command does). Ignored by default; run with
//! `cargo test --release --test timings -- --ignored --nocapture`.

use napkin::core::demo::{evaluate, DEFAULT_SEED};
use napkin::core::query::{Agg, MetricQuery, Query, RangeFn};
use napkin::core::time::TimeRange;
use std::time::Instant;

fn rate_sum_by_service(quantile: Option<f64>) -> Query {
    Query::Metric(MetricQuery {
        metric: if quantile.is_some() { "shop_http_request_duration_seconds" } else { "shop_http_requests_total" }.into(),
        range_fn: Some(RangeFn::Rate),
        agg: Some(Agg::Sum),
        by: vec!["service".into()],
        quantile,
        ..Default::default()
    })
}

#[test]
#[ignore = "prints timings; run explicitly"]
fn demo_seven_days_at_a_thousand_points() {
    let to = 1_763_880_000_000;
    let range = TimeRange::new(to - 7 * 86_400_000, to).unwrap();
    let step = 7 * 86_400_000 / 1000;
    for (name, q) in [("sum by (service) (rate(requests))", rate_sum_by_service(None)), ("p99 by service", rate_sum_by_service(Some(0.99)))] {
        let started = Instant::now();
        let frame = evaluate(&q, range, step, DEFAULT_SEED).unwrap();
        println!("demo {name}: {} series × {} points in {:?}", frame.series.len(), frame.series[0].times.len(), started.elapsed());
    }
}

#[test]
#[ignore = "prints timings; run explicitly"]
fn m4_a_million_points() {
    let n = 1_000_000i64;
    let times: Vec<i64> = (0..n).map(|i| i * 1000).collect();
    let values: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.001).sin()).collect();
    let started = Instant::now();
    let d = napkin::core::decimate::m4(&times, &values, 0, n * 1000, 1000);
    println!("m4: 1,000,000 points -> {} points at 1000 px in {:?}", d.times.len(), started.elapsed());
}

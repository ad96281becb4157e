//! The catalogue of raw series: for each demo metric, every labelled series it has and
//! where its values come from (a counter's coefficients or a gauge).
//!
//! This file only enumerates series and their labels. It must never evaluate values over
//! time, apply matchers or aggregate; `eval.rs` does that.

use super::model::{
    self, DEPENDENCIES, DEPENDENCY_UP, DURATION_BUCKET, DURATION_COUNT, DURATION_SUM, ENDPOINTS,
    KAFKA_GROUPS, KAFKA_LAG, LE_LABELS, REQUESTS_TOTAL, STATUSES,
};
use super::signal::{self, Coefs};

/// Where a raw series' samples come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// A counter of one endpoint, as coefficients over that endpoint's parts.
    Counter { endpoint: usize, coefs: Coefs },
    /// `shop_dependency_up` for one `(service, dependency)` pair.
    DependencyUp {
        service: &'static str,
        dependency: &'static str,
    },
    /// `shop_kafka_consumer_lag` for one consumer group (index into `KAFKA_GROUPS`).
    KafkaLag { group: usize },
}

/// One raw series: labels sorted by name, `__name__` included, and its source.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSeries {
    pub labels: Vec<(String, String)>,
    pub source: Source,
}

fn labels(metric: &str, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    v.push(("__name__".into(), metric.into()));
    v.sort();
    v
}

/// Every raw series of `metric`, or `None` when the demo has no such metric.
pub fn series(metric: &str) -> Option<Vec<RawSeries>> {
    let mut out = Vec::new();
    match metric {
        REQUESTS_TOTAL => {
            for (i, e) in ENDPOINTS.iter().enumerate() {
                for s in STATUSES {
                    out.push(RawSeries {
                        labels: labels(
                            metric,
                            &[("service", e.service), ("endpoint", e.path), ("status", s)],
                        ),
                        source: Source::Counter {
                            endpoint: i,
                            coefs: signal::status_coefs(i, s),
                        },
                    });
                }
            }
        }
        DURATION_BUCKET => {
            for (i, e) in ENDPOINTS.iter().enumerate() {
                for (j, le) in LE_LABELS.iter().enumerate() {
                    out.push(RawSeries {
                        labels: labels(
                            metric,
                            &[("service", e.service), ("endpoint", e.path), ("le", le)],
                        ),
                        source: Source::Counter {
                            endpoint: i,
                            coefs: signal::bucket_coefs(i, j),
                        },
                    });
                }
            }
        }
        DURATION_SUM | DURATION_COUNT => {
            for (i, e) in ENDPOINTS.iter().enumerate() {
                let coefs = if metric == DURATION_SUM {
                    signal::sum_coefs(i)
                } else {
                    signal::count_coefs()
                };
                out.push(RawSeries {
                    labels: labels(metric, &[("service", e.service), ("endpoint", e.path)]),
                    source: Source::Counter { endpoint: i, coefs },
                });
            }
        }
        DEPENDENCY_UP => {
            for (service, dependency) in DEPENDENCIES {
                out.push(RawSeries {
                    labels: labels(metric, &[("service", service), ("dependency", dependency)]),
                    source: Source::DependencyUp {
                        service,
                        dependency,
                    },
                });
            }
        }
        KAFKA_LAG => {
            for (g, group) in KAFKA_GROUPS.iter().enumerate() {
                out.push(RawSeries {
                    labels: labels(metric, &[("group", group)]),
                    source: Source::KafkaLag { group: g },
                });
            }
        }
        _ => return None,
    }
    Some(out)
}

/// The distinct values `label` takes on `metric` (sorted), empty when either is unknown.
/// The histogram's base name answers for its `_bucket` series.
pub fn label_values(metric: &str, label: &str) -> Vec<String> {
    let metric = if metric == model::DURATION {
        DURATION_BUCKET
    } else {
        metric
    };
    let mut v: Vec<String> = series(metric)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| {
            s.labels
                .into_iter()
                .find(|(k, _)| k == label)
                .map(|(_, v)| v)
        })
        .collect();
    if label == "le" {
        // Numeric order reads better than text order for bucket bounds.
        crate::core::sort::sort_by(&mut v, |a, b| parse_le(a).total_cmp(&parse_le(b)));
    } else {
        v.sort();
    }
    v.dedup();
    v
}

/// The bucket bound an `le` label stands for (`+Inf` included); NaN when it is not a number.
pub fn parse_le(s: &str) -> f64 {
    if s == "+Inf" {
        f64::INFINITY
    } else {
        s.parse().unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_carries_exactly_its_metrics_labels() {
        for m in model::METRICS {
            let all = series(m).unwrap();
            assert!(!all.is_empty());
            for s in &all {
                let mut names: Vec<&str> = s
                    .labels
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .filter(|k| *k != "__name__")
                    .collect();
                names.sort();
                assert_eq!(names, model::label_names(m), "{m}");
            }
            let mut sets: Vec<_> = all.iter().map(|s| s.labels.clone()).collect();
            sets.dedup();
            assert_eq!(sets.len(), all.len(), "{m} has duplicate label sets");
        }
        assert!(series("nope").is_none());
        assert_eq!(
            label_values(model::DURATION, "le")
                .first()
                .map(String::as_str),
            Some("0.005")
        );
        assert_eq!(
            label_values(model::DURATION, "le")
                .last()
                .map(String::as_str),
            Some("+Inf")
        );
    }
}

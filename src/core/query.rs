//! Metric queries as data: a structured form that the demo datasource evaluates directly
//! and that the Prometheus client (issue #3) compiles to PromQL, plus raw PromQL.
//!
//! This module only describes queries; it never evaluates or sends them.

use serde::{Deserialize, Serialize};

/// A query a metric panel runs. Serialized as `{"kind": ..., "spec": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "spec", rename_all = "snake_case")]
pub enum Query {
    /// A structured selector with optional range function, aggregation and quantile.
    Metric(MetricQuery),
    /// `num / den * scale`, matched on the grouping labels (e.g. error percentage).
    Ratio(RatioQuery),
    /// Raw PromQL typed by the user; only Prometheus-API datasources can run it.
    Promql(PromqlQuery),
}

/// `num / den * scale`, with series matched on identical label sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatioQuery {
    pub num: MetricQuery,
    pub den: MetricQuery,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub scale: f64,
}

/// Raw PromQL text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromqlQuery {
    pub expr: String,
}

/// A structured metric query: `agg by (by) (fn(metric{matchers}[window]))`, or with
/// `quantile` set, `histogram_quantile(q, sum by (le, by) (rate(metric_bucket{..}[w])))`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MetricQuery {
    /// Metric name; for a quantile query, the histogram's base name (without `_bucket`).
    pub metric: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<Matcher>,
    /// Range function applied per series; `None` reads the raw (gauge) value.
    #[serde(default, rename = "fn", skip_serializing_if = "Option::is_none")]
    pub range_fn: Option<RangeFn>,
    /// Range-function window in seconds; `None` means "automatic" (max(step, 60 s)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_s: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agg: Option<Agg>,
    /// Grouping labels kept by the aggregation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// For histograms: the quantile in (0, 1), e.g. 0.99.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantile: Option<f64>,
}

/// A label matcher, as in PromQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    pub label: String,
    #[serde(default)]
    pub op: MatchOp,
    pub value: String,
}

/// Label matching operators with PromQL semantics (regexes are fully anchored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MatchOp {
    #[default]
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "=~")]
    Re,
    #[serde(rename = "!~")]
    Nre,
}

/// Range functions over counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeFn {
    Rate,
    Increase,
}

/// Aggregations across series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    Sum,
    Avg,
    Min,
    Max,
    Count,
}

impl MatchOp {
    /// The PromQL spelling of the operator.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
            MatchOp::Nre => "!~",
        }
    }
}

impl Matcher {
    /// An equality matcher.
    pub fn eq(label: &str, value: &str) -> Self {
        Self { label: label.into(), op: MatchOp::Eq, value: value.into() }
    }

    /// A regex matcher (fully anchored, as in PromQL).
    pub fn re(label: &str, value: &str) -> Self {
        Self { label: label.into(), op: MatchOp::Re, value: value.into() }
    }
}

fn one() -> f64 {
    1.0
}

fn is_one(v: &f64) -> bool {
    *v == 1.0
}

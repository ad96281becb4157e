//! Compiles a structured [`Query`] into PromQL text, with the same meaning the demo
//! datasource gives it.
//!
//! Names are validated and label values escaped, so a query from a link can never produce
//! a broken or injected selector. This module must never send a query or know which
//! engine will run it; raw PromQL passes through unchanged.
//!
//! Variables seam: dashboard variables such as `$service` are substituted before
//! compiling, by `crate::core::vars::apply`, so this module sees plain queries. A `$name`
//! that survives (an unset variable) is sent literally inside a quoted string, which is
//! safe and shows up as an empty or failed query. [`matcher_value`] is the one place a
//! matcher's value is read, should compiling ever need to substitute on its own.

use crate::core::prom::encode::{is_plain_label_name, is_plain_metric_name};
use crate::core::query::{Agg, Matcher, MetricQuery, Query, RangeFn};
use crate::core::time::format_duration_short;
use thiserror::Error;

/// Why a structured query cannot be turned into PromQL.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CompileError {
    #[error("the query has no metric; pick a metric name")]
    NoMetric,
    #[error("\"{0}\" is not a valid metric name; use letters, digits, _ and : (not starting with a digit), or write the query in PromQL code mode")]
    BadMetricName(String),
    #[error("\"{0}\" is not a valid label name; use letters, digits and _ (not starting with a digit), or write the query in PromQL code mode")]
    BadLabelName(String),
    #[error("the rate window must be at least 1 second; leave it empty to use the automatic window")]
    ZeroWindow,
    #[error("the quantile must be a number between 0 and 1, such as 0.99, but it is {0}")]
    BadQuantile(f64),
    #[error("the ratio's scale must be a finite number, such as 100 for a percentage, but it is {0}")]
    BadScale(f64),
    #[error("the PromQL expression is empty; type a query such as up")]
    EmptyPromql,
}

/// Compiles `query` to PromQL. `default_window_s` is the range-function window used when
/// the query leaves it automatic: the caller passes `max(step, 60 s)` in seconds.
///
/// * `Metric`: `agg by (by) (fn(metric{matchers}[window]))`, dropping the parts not set.
/// * `Metric` with a quantile:
///   `histogram_quantile(q, sum by (le, by) (rate(metric_bucket{matchers}[window])))`;
///   the aggregation and range function are ignored, as the demo datasource does.
/// * `Ratio`: `(num) / (den) * scale` (no `* 1`), one-to-one on identical label sets.
/// * `Promql`: the expression verbatim.
pub fn compile(query: &Query, default_window_s: u64) -> Result<String, CompileError> {
    match query {
        Query::Metric(m) => compile_metric(m, default_window_s),
        Query::Ratio(r) => {
            if !r.scale.is_finite() {
                return Err(CompileError::BadScale(r.scale));
            }
            let num = compile_metric(&r.num, default_window_s)?;
            let den = compile_metric(&r.den, default_window_s)?;
            let mut out = format!("({num}) / ({den})");
            if r.scale != 1.0 {
                out.push_str(&format!(" * {}", r.scale));
            }
            Ok(out)
        }
        Query::Promql(p) if p.expr.trim().is_empty() => Err(CompileError::EmptyPromql),
        Query::Promql(p) => Ok(p.expr.clone()),
    }
}

fn compile_metric(q: &MetricQuery, default_window_s: u64) -> Result<String, CompileError> {
    let window = window(q, default_window_s)?;
    if let Some(quantile) = q.quantile {
        if !(0.0..=1.0).contains(&quantile) {
            return Err(CompileError::BadQuantile(quantile));
        }
        let selector = selector(&format!("{}_bucket", metric_name(q)?), &q.matchers)?;
        let mut by = vec!["le".to_string()];
        by.extend(q.by.iter().filter(|b| *b != "le").cloned());
        let grouping = grouping(&by)?;
        return Ok(format!("histogram_quantile({quantile}, sum{grouping} (rate({selector}[{window}])))"));
    }
    let selector = selector(metric_name(q)?, &q.matchers)?;
    let inner = match q.range_fn {
        None => selector,
        Some(RangeFn::Rate) => format!("rate({selector}[{window}])"),
        Some(RangeFn::Increase) => format!("increase({selector}[{window}])"),
    };
    Ok(match q.agg {
        None => inner,
        Some(agg) => match grouping(&q.by)? {
            g if g.is_empty() => format!("{}({inner})", agg_name(agg)),
            g => format!("{}{g} ({inner})", agg_name(agg)),
        },
    })
}

/// The validated metric name of a structured query.
fn metric_name(q: &MetricQuery) -> Result<&str, CompileError> {
    let name = q.metric.trim();
    if name.is_empty() {
        return Err(CompileError::NoMetric);
    }
    if !is_plain_metric_name(name) {
        return Err(CompileError::BadMetricName(q.metric.clone()));
    }
    Ok(name)
}

/// The range-function window as a Prometheus duration such as `1m` or `5m`.
fn window(q: &MetricQuery, default_window_s: u64) -> Result<String, CompileError> {
    let secs = q.window_s.map(u64::from).unwrap_or(default_window_s);
    if secs == 0 {
        return Err(CompileError::ZeroWindow);
    }
    Ok(format_duration_short(secs))
}

fn agg_name(agg: Agg) -> &'static str {
    match agg {
        Agg::Sum => "sum",
        Agg::Avg => "avg",
        Agg::Min => "min",
        Agg::Max => "max",
        Agg::Count => "count",
    }
}

/// ` by (a, b)` for the grouping labels, or nothing when there are none.
fn grouping(by: &[String]) -> Result<String, CompileError> {
    if by.is_empty() {
        return Ok(String::new());
    }
    for label in by {
        label_name(label)?;
    }
    Ok(format!(" by ({})", by.join(", ")))
}

fn label_name(name: &str) -> Result<&str, CompileError> {
    if is_plain_label_name(name) {
        Ok(name)
    } else {
        Err(CompileError::BadLabelName(name.to_string()))
    }
}

/// `metric{label="value",...}`, or the bare metric name without matchers.
fn selector(metric: &str, matchers: &[Matcher]) -> Result<String, CompileError> {
    if matchers.is_empty() {
        return Ok(metric.to_string());
    }
    let parts = matchers
        .iter()
        .map(|m| {
            let label = label_name(&m.label)?;
            Ok(format!("{label}{}{}", m.op.as_str(), quote(matcher_value(m))))
        })
        .collect::<Result<Vec<_>, CompileError>>()?;
    Ok(format!("{metric}{{{}}}", parts.join(",")))
}

/// The value a matcher compares with, exactly as written: variables were already
/// substituted by `crate::core::vars::apply`. This is the seam for any later substitution.
fn matcher_value(m: &Matcher) -> &str {
    &m.value
}

/// A PromQL double-quoted string literal. Regex values go through here too: their
/// backslashes are doubled, so `4\d\d` is sent as `"4\\d\\d"` and reaches the regex engine
/// unchanged.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::query::{MatchOp, PromqlQuery, RatioQuery};

    fn check(input: &Query, expected: Result<&str, CompileError>) {
        assert_eq!(compile(input, 60), expected.map(str::to_string), "input: {input:?}");
    }

    fn metric(name: &str) -> MetricQuery {
        MetricQuery { metric: name.into(), ..Default::default() }
    }

    fn rate_sum_by(name: &str, by: &[&str]) -> MetricQuery {
        MetricQuery {
            range_fn: Some(RangeFn::Rate),
            agg: Some(Agg::Sum),
            by: by.iter().map(|s| s.to_string()).collect(),
            ..metric(name)
        }
    }

    #[test]
    fn compiles_metric_forms() {
        let cases: Vec<(MetricQuery, &str)> = vec![
            (metric("up"), "up"),
            (MetricQuery { matchers: vec![Matcher::eq("job", "api")], ..metric("up") }, "up{job=\"api\"}"),
            (
                MetricQuery { range_fn: Some(RangeFn::Increase), window_s: Some(300), ..metric("x_total") },
                "increase(x_total[5m])",
            ),
            (rate_sum_by("x_total", &[]), "sum(rate(x_total[1m]))"),
            (rate_sum_by("x_total", &["service", "route"]), "sum by (service, route) (rate(x_total[1m]))"),
            (
                MetricQuery { agg: Some(Agg::Max), by: vec!["pod".into()], ..metric("queue_depth") },
                "max by (pod) (queue_depth)",
            ),
            (
                MetricQuery { window_s: Some(90), range_fn: Some(RangeFn::Rate), ..metric("job:x:rate5m") },
                "rate(job:x:rate5m[1m30s])",
            ),
            (MetricQuery { window_s: Some(300), ..metric("gauge") }, "gauge"),
            (MetricQuery { agg: Some(Agg::Count), by: vec!["a".into()], ..metric("up") }, "count by (a) (up)"),
            (MetricQuery { by: vec!["ignored".into()], ..metric("up") }, "up"),
        ];
        for (q, expected) in cases {
            check(&Query::Metric(q), Ok(expected));
        }
    }

    #[test]
    fn uses_the_callers_default_window() {
        let q = Query::Metric(MetricQuery { range_fn: Some(RangeFn::Rate), ..metric("x_total") });
        assert_eq!(compile(&q, 300).unwrap(), "rate(x_total[5m])");
        assert_eq!(compile(&q, 60).unwrap(), "rate(x_total[1m])");
        assert_eq!(compile(&q, 0), Err(CompileError::ZeroWindow));
    }

    #[test]
    fn escapes_matcher_values() {
        let all_ops = MetricQuery {
            matchers: vec![
                Matcher::eq("a", "say \"hi\""),
                Matcher { label: "b".into(), op: MatchOp::Ne, value: "C:\\path".into() },
                Matcher::re("c", "5..|4\\d\\d"),
                Matcher { label: "d".into(), op: MatchOp::Nre, value: "line\nbreak\ttab\u{1}".into() },
                Matcher::eq("e", "\"}) or vector(1) #"),
            ],
            ..metric("m")
        };
        check(
            &Query::Metric(all_ops),
            Ok(r#"m{a="say \"hi\"",b!="C:\\path",c=~"5..|4\\d\\d",d!~"line\nbreak\ttab\u0001",e="\"}) or vector(1) #"}"#),
        );
    }

    #[test]
    fn refuses_invalid_names_and_numbers() {
        let bad_label = MetricQuery { matchers: vec![Matcher::eq("a\"}or{b", "x")], ..metric("m") };
        let cases: Vec<(Query, CompileError)> = vec![
            (Query::Metric(metric("")), CompileError::NoMetric),
            (Query::Metric(metric("  ")), CompileError::NoMetric),
            (Query::Metric(metric("http.requests")), CompileError::BadMetricName("http.requests".into())),
            (Query::Metric(metric("up{job=\"x\"}")), CompileError::BadMetricName("up{job=\"x\"}".into())),
            (Query::Metric(metric("1up")), CompileError::BadMetricName("1up".into())),
            (Query::Metric(bad_label), CompileError::BadLabelName("a\"}or{b".into())),
            (Query::Metric(rate_sum_by("x", &["a) or (b"])), CompileError::BadLabelName("a) or (b".into())),
            (Query::Metric(rate_sum_by("x", &["http.route"])), CompileError::BadLabelName("http.route".into())),
            (
                Query::Metric(MetricQuery { window_s: Some(0), range_fn: Some(RangeFn::Rate), ..metric("x") }),
                CompileError::ZeroWindow,
            ),
            (Query::Metric(MetricQuery { quantile: Some(1.5), ..metric("h") }), CompileError::BadQuantile(1.5)),
            (
                Query::Ratio(RatioQuery { num: metric("a"), den: metric("b"), scale: f64::INFINITY }),
                CompileError::BadScale(f64::INFINITY),
            ),
            (Query::Promql(PromqlQuery { expr: " \n".into() }), CompileError::EmptyPromql),
        ];
        for (q, err) in cases {
            check(&q, Err(err));
        }
    }

    #[test]
    fn compiles_quantiles() {
        let base = MetricQuery { quantile: Some(0.99), ..metric("http_request_duration_seconds") };
        let by_service = MetricQuery {
            by: vec!["service".into(), "le".into()],
            matchers: vec![Matcher::re("route", "/api/.*")],
            agg: Some(Agg::Avg),
            window_s: Some(300),
            ..base.clone()
        };
        let cases: Vec<(MetricQuery, &str)> = vec![
            (base, "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))"),
            (
                by_service,
                "histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{route=~\"/api/.*\"}[5m])))",
            ),
            (MetricQuery { quantile: Some(0.5), ..metric("d") }, "histogram_quantile(0.5, sum by (le) (rate(d_bucket[1m])))"),
        ];
        for (q, expected) in cases {
            check(&Query::Metric(q), Ok(expected));
        }
    }

    #[test]
    fn compiles_ratios_and_raw_promql() {
        let num = MetricQuery {
            matchers: vec![Matcher::re("code", "5..")],
            ..rate_sum_by("http_requests_total", &["service"])
        };
        let den = rate_sum_by("http_requests_total", &["service"]);
        let pct = RatioQuery { num: num.clone(), den: den.clone(), scale: 100.0 };
        check(
            &Query::Ratio(pct),
            Ok("(sum by (service) (rate(http_requests_total{code=~\"5..\"}[1m]))) / (sum by (service) (rate(http_requests_total[1m]))) * 100"),
        );
        let plain = RatioQuery { num, den, scale: 1.0 };
        let text = compile(&Query::Ratio(plain), 60).unwrap();
        assert!(!text.ends_with("* 1"), "{text}");
        let raw = "sum(rate(x[5m])) by (job) # keep as typed";
        check(&Query::Promql(PromqlQuery { expr: raw.into() }), Ok(raw));
    }
}

//! Evaluation of structured queries against the demo's series with Prometheus semantics:
//! step alignment, label matchers, `rate`/`increase` windows, aggregation `by` labels,
//! `histogram_quantile` and one-to-one ratios.
//!
//! This file turns a query into a frame. It must never invent signal shapes (that is
//! `signal.rs`), decide incident timing (that is `incidents.rs`) or read the clock.

use super::catalog::{self, RawSeries, Source};
use super::histogram::bucket_quantile;
use super::model::{self, DURATION, DURATION_BUCKET};
use super::signal::{self, EndpointSignal, Parts, Tick};
use super::DemoError;
use crate::core::frame::{Frame, Series};
use crate::core::query::{Agg, MatchOp, Matcher, MetricQuery, Query, RangeFn, RatioQuery};
use crate::core::time::TimeRange;
use regex_lite::Regex;
use std::collections::BTreeMap;

/// The most samples one series may have; larger requests are refused, not truncated.
pub const MAX_POINTS: usize = 11_000;
/// Instants further than this from the epoch (about 3,000 years) are refused, which keeps
/// all arithmetic far from overflow and counters precise.
const MAX_ABS_MS: i64 = 100_000_000_000_000;

type Labels = Vec<(String, String)>;

/// Evaluates `query` over `range` at `step_ms` (see `demo::evaluate`).
pub fn evaluate(
    query: &Query,
    range: TimeRange,
    step_ms: i64,
    seed: u64,
) -> Result<Frame, DemoError> {
    if let Query::Promql(_) = query {
        return Err(DemoError::Promql);
    }
    let times = sample_times(range, step_ms)?;
    let mut notices = Vec::new();
    let series = match query {
        Query::Metric(q) => eval_metric(q, &times, step_ms, seed, &mut notices)?,
        Query::Ratio(r) => eval_ratio(r, &times, step_ms, seed, &mut notices)?,
        Query::Promql(_) => unreachable!("handled above"),
    };
    let series = series
        .into_iter()
        .map(|(labels, values)| Series {
            labels,
            times: times.clone(),
            values,
        })
        .collect();
    Ok(Frame {
        series,
        step_ms,
        notices,
    })
}

/// Sample instants `start + k·step` for every k with the instant at or before the range's
/// end, where `start` is the range's start aligned down to a multiple of `step_ms`.
pub fn sample_times(range: TimeRange, step_ms: i64) -> Result<Vec<i64>, DemoError> {
    if step_ms <= 0 {
        return Err(DemoError::BadStep { step_ms });
    }
    let (from, to) = (range.from_ms(), range.to_ms());
    // A step this long also reaches the forbidden zone through alignment and windows.
    if from.unsigned_abs() > MAX_ABS_MS as u64
        || to.unsigned_abs() > MAX_ABS_MS as u64
        || step_ms > MAX_ABS_MS
    {
        return Err(DemoError::TimeOutOfRange);
    }
    let start = from.div_euclid(step_ms) as i128 * step_ms as i128;
    let points = (to as i128 - start) / step_ms as i128 + 1;
    if points > MAX_POINTS as i128 {
        return Err(DemoError::TooManyPoints {
            points: points.min(u64::MAX as i128) as u64,
            max: MAX_POINTS,
        });
    }
    let start = start as i64;
    Ok((0..points as i64).map(|k| start + k * step_ms).collect())
}

/// The range-function window in ms: the query's, or max(step, 60 s) when automatic.
fn window_ms(q: &MetricQuery, step_ms: i64) -> Result<i64, DemoError> {
    match q.window_s {
        Some(0) => Err(DemoError::BadWindow),
        Some(w) => Ok(w as i64 * 1000),
        None => Ok(step_ms.max(60_000)),
    }
}

/// A label matcher ready to test label values.
enum Compiled {
    Eq(String),
    Ne(String),
    Re(Regex),
    Nre(Regex),
}

struct LabelMatcher {
    label: String,
    test: Compiled,
}

impl LabelMatcher {
    fn new(m: &Matcher) -> Result<Self, DemoError> {
        let regex = || {
            Regex::new(&format!("^(?:{})$", m.value)).map_err(|e| DemoError::BadRegex {
                pattern: m.value.clone(),
                reason: e.to_string(),
            })
        };
        let test = match m.op {
            MatchOp::Eq => Compiled::Eq(m.value.clone()),
            MatchOp::Ne => Compiled::Ne(m.value.clone()),
            MatchOp::Re => Compiled::Re(regex()?),
            MatchOp::Nre => Compiled::Nre(regex()?),
        };
        Ok(Self {
            label: m.label.clone(),
            test,
        })
    }

    /// A missing label matches as the empty string, as in PromQL.
    fn matches(&self, labels: &Labels) -> bool {
        let v = labels
            .iter()
            .find(|(k, _)| *k == self.label)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        match &self.test {
            Compiled::Eq(x) => v == x,
            Compiled::Ne(x) => v != x,
            Compiled::Re(r) => r.is_match(v),
            Compiled::Nre(r) => !r.is_match(v),
        }
    }
}

fn select(raw: Vec<RawSeries>, matchers: &[Matcher]) -> Result<Vec<RawSeries>, DemoError> {
    let compiled = matchers
        .iter()
        .map(LabelMatcher::new)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(raw
        .into_iter()
        .filter(|s| compiled.iter().all(|m| m.matches(&s.labels)))
        .collect())
}

fn unknown(metric: &str) -> DemoError {
    let mut known: Vec<&str> = model::METRICS.to_vec();
    known.push(DURATION);
    DemoError::UnknownMetric {
        metric: metric.to_string(),
        known: known.join(", "),
    }
}

/// Per-endpoint counter parts at each sample instant and at each instant minus the window,
/// computed once per endpoint and shared by all of its series. The per-instant values all
/// endpoints share are computed once per instant.
struct PartsCache<'a> {
    times: &'a [i64],
    window_ms: i64,
    seed: u64,
    ticks_now: Option<Vec<Tick>>,
    ticks_before: Option<Vec<Tick>>,
    now: Vec<Option<Vec<Parts>>>,
    before: Vec<Option<Vec<Parts>>>,
}

impl<'a> PartsCache<'a> {
    fn new(times: &'a [i64], window_ms: i64, seed: u64) -> Self {
        let n = model::ENDPOINTS.len();
        Self {
            times,
            window_ms,
            seed,
            ticks_now: None,
            ticks_before: None,
            now: vec![None; n],
            before: vec![None; n],
        }
    }

    fn now(&mut self, endpoint: usize) -> &[Parts] {
        let (times, seed) = (self.times, self.seed);
        let ticks = self
            .ticks_now
            .get_or_insert_with(|| times.iter().map(|&t| Tick::at(t, seed)).collect());
        self.now[endpoint].get_or_insert_with(|| {
            let sig = EndpointSignal::new(endpoint, seed);
            ticks.iter().map(|t| sig.parts_at(t)).collect()
        })
    }

    fn before(&mut self, endpoint: usize) -> &[Parts] {
        let (times, seed, w) = (self.times, self.seed, self.window_ms);
        let ticks = self
            .ticks_before
            .get_or_insert_with(|| times.iter().map(|&t| Tick::at(t - w, seed)).collect());
        self.before[endpoint].get_or_insert_with(|| {
            let sig = EndpointSignal::new(endpoint, seed);
            ticks.iter().map(|t| sig.parts_at(t)).collect()
        })
    }
}

/// The samples of one raw series, raw or through a range function.
fn raw_values(
    s: &RawSeries,
    range_fn: Option<RangeFn>,
    cache: &mut PartsCache,
    seed: u64,
) -> Vec<f64> {
    let times = cache.times;
    match (s.source, range_fn) {
        (Source::Counter { endpoint, coefs }, None) => {
            cache.now(endpoint).iter().map(|p| coefs.value(p)).collect()
        }
        (Source::Counter { endpoint, coefs }, Some(f)) => {
            let w = cache.window_ms;
            let before: Vec<f64> = cache
                .before(endpoint)
                .iter()
                .map(|p| coefs.value(p))
                .collect();
            let now = cache.now(endpoint);
            times
                .iter()
                .zip(now.iter().zip(before))
                .map(|(&t, (p, b))| {
                    // Counters only change at scrape ticks, so the slope is measured between
                    // the ticks at or before each end of the window, then spread over the
                    // window as Prometheus's extrapolation does. Like Prometheus, a window
                    // holding fewer than two scrapes has no rate.
                    let span = signal::tick_floor(t) - signal::tick_floor(t - w);
                    if span < 2 * signal::SCRAPE_MS {
                        return f64::NAN;
                    }
                    let per_s = (coefs.value(p) - b) / (span as f64 / 1000.0);
                    match f {
                        RangeFn::Rate => per_s,
                        RangeFn::Increase => per_s * (w as f64 / 1000.0),
                    }
                })
                .collect()
        }
        (
            Source::DependencyUp {
                service,
                dependency,
            },
            _,
        ) => times
            .iter()
            .map(|&t| signal::dependency_up(service, dependency, t, seed))
            .collect(),
        (Source::KafkaLag { group }, _) => times
            .iter()
            .map(|&t| signal::kafka_lag(group, t, seed))
            .collect(),
    }
}

/// The grouping key of `labels` for `by`: the `by` labels present, sorted by name.
fn group_key(labels: &Labels, by: &[String]) -> Labels {
    let mut key: Labels = labels
        .iter()
        .filter(|(k, v)| by.contains(k) && !v.is_empty())
        .cloned()
        .collect();
    key.sort();
    key
}

fn eval_metric(
    q: &MetricQuery,
    times: &[i64],
    step_ms: i64,
    seed: u64,
    notices: &mut Vec<String>,
) -> Result<Vec<(Labels, Vec<f64>)>, DemoError> {
    if let Some(quantile) = q.quantile {
        return eval_quantile(q, quantile, times, step_ms, seed, notices);
    }
    let raw = catalog::series(&q.metric).ok_or_else(|| unknown(&q.metric))?;
    if q.range_fn.is_some() && !model::is_counter(&q.metric) {
        return Err(DemoError::RangeFnOnGauge {
            metric: q.metric.clone(),
        });
    }
    let selected = select(raw, &q.matchers)?;
    let mut cache = PartsCache::new(times, window_ms(q, step_ms)?, seed);
    let series: Vec<(Labels, Vec<f64>)> = selected
        .iter()
        .map(|s| {
            let mut labels = s.labels.clone();
            if q.range_fn.is_some() {
                // Prometheus drops the metric name once a function has changed the meaning.
                labels.retain(|(k, _)| k != "__name__");
            }
            (labels, raw_values(s, q.range_fn, &mut cache, seed))
        })
        .collect();
    Ok(match q.agg {
        None => series,
        Some(agg) => aggregate(agg, &q.by, series, times.len()),
    })
}

/// `agg by (by) (series)`, Prometheus style: NaN propagates through sum and avg, while min
/// and max prefer any number over NaN.
fn aggregate(
    agg: Agg,
    by: &[String],
    series: Vec<(Labels, Vec<f64>)>,
    n: usize,
) -> Vec<(Labels, Vec<f64>)> {
    let mut groups: BTreeMap<Labels, (Vec<f64>, usize)> = BTreeMap::new();
    for (labels, values) in series {
        let init = match agg {
            Agg::Min | Agg::Max => f64::NAN,
            _ => 0.0,
        };
        let g = groups
            .entry(group_key(&labels, by))
            .or_insert_with(|| (vec![init; n], 0));
        g.1 += 1;
        for (acc, v) in g.0.iter_mut().zip(values) {
            *acc = match agg {
                Agg::Sum | Agg::Avg => *acc + v,
                Agg::Count => *acc + 1.0,
                Agg::Min if acc.is_nan() || v < *acc => v,
                Agg::Max if acc.is_nan() || v > *acc => v,
                Agg::Min | Agg::Max => *acc,
            };
        }
    }
    groups
        .into_iter()
        .map(|(k, (mut values, count))| {
            if agg == Agg::Avg {
                values.iter_mut().for_each(|v| *v /= count as f64);
            }
            (k, values)
        })
        .collect()
}

/// `histogram_quantile(q, sum by (le, by) (rate(metric_bucket{matchers}[window])))`.
fn eval_quantile(
    q: &MetricQuery,
    quantile: f64,
    times: &[i64],
    step_ms: i64,
    seed: u64,
    notices: &mut Vec<String>,
) -> Result<Vec<(Labels, Vec<f64>)>, DemoError> {
    if q.metric != DURATION {
        return Err(if catalog::series(&q.metric).is_some() {
            DemoError::NotAHistogram {
                metric: q.metric.clone(),
            }
        } else {
            unknown(&q.metric)
        });
    }
    if let Some(agg) = q.agg.filter(|a| *a != Agg::Sum) {
        notices.push(format!(
            "A quantile query always sums the histogram's buckets, so the aggregation {agg:?} was ignored."
        ));
    }
    let raw = catalog::series(DURATION_BUCKET).unwrap_or_default();
    let selected = select(raw, &q.matchers)?;
    let mut cache = PartsCache::new(times, window_ms(q, step_ms)?, seed);
    let by: Vec<String> = q.by.iter().filter(|b| *b != "le").cloned().collect();
    // Group key, then bucket bound (as ordered bits), then summed bucket rates.
    let mut groups: BTreeMap<Labels, BTreeMap<u64, (f64, Vec<f64>)>> = BTreeMap::new();
    for s in &selected {
        let le = s
            .labels
            .iter()
            .find(|(k, _)| k == "le")
            .map(|(_, v)| catalog::parse_le(v))
            .unwrap_or(f64::NAN);
        let rates = raw_values(s, Some(RangeFn::Rate), &mut cache, seed);
        let group = groups.entry(group_key(&s.labels, &by)).or_default();
        let slot = group
            .entry(le.to_bits())
            .or_insert_with(|| (le, vec![0.0; times.len()]));
        slot.1.iter_mut().zip(rates).for_each(|(a, r)| *a += r);
    }
    Ok(groups
        .into_iter()
        .map(|(key, buckets)| {
            let mut scratch: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
            let values = (0..times.len())
                .map(|i| {
                    scratch.clear();
                    scratch.extend(buckets.values().map(|(le, v)| (*le, v[i])));
                    bucket_quantile(quantile, &mut scratch)
                })
                .collect();
            (key, values)
        })
        .collect())
}

/// `num / den * scale`, one-to-one on identical label sets (metric names ignored), NaN where
/// the denominator is zero; series without a partner are dropped, as in PromQL.
fn eval_ratio(
    r: &RatioQuery,
    times: &[i64],
    step_ms: i64,
    seed: u64,
    notices: &mut Vec<String>,
) -> Result<Vec<(Labels, Vec<f64>)>, DemoError> {
    let strip = |(mut labels, values): (Labels, Vec<f64>)| {
        labels.retain(|(k, _)| k != "__name__");
        (labels, values)
    };
    let num: Vec<_> = eval_metric(&r.num, times, step_ms, seed, notices)?
        .into_iter()
        .map(strip)
        .collect();
    let den: BTreeMap<Labels, Vec<f64>> = eval_metric(&r.den, times, step_ms, seed, notices)?
        .into_iter()
        .map(strip)
        .collect();
    Ok(num
        .into_iter()
        .filter_map(|(labels, n)| {
            let d = den.get(&labels)?;
            let values = n
                .iter()
                .zip(d)
                .map(|(n, d)| if *d == 0.0 { f64::NAN } else { n / d * r.scale })
                .collect();
            Some((labels, values))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(v: &[(&str, &[f64])]) -> Vec<(Labels, Vec<f64>)> {
        v.iter()
            .map(|(s, vals)| (vec![("service".to_string(), s.to_string())], vals.to_vec()))
            .collect()
    }

    #[test]
    fn aggregation_handles_nan_like_prometheus() {
        let input = || {
            series(&[
                ("a", &[1.0, f64::NAN]),
                ("a", &[3.0, 2.0]),
                ("b", &[5.0, 7.0]),
            ])
        };
        let by = vec!["service".to_string()];
        let sum = aggregate(Agg::Sum, &by, input(), 2);
        assert_eq!(sum[0].1[0], 4.0);
        assert!(sum[0].1[1].is_nan(), "NaN propagates through sum");
        assert_eq!(
            aggregate(Agg::Min, &by, input(), 2)[0].1,
            vec![1.0, 2.0],
            "min skips NaN"
        );
        assert_eq!(
            aggregate(Agg::Max, &by, input(), 2)[0].1,
            vec![3.0, 2.0],
            "max skips NaN"
        );
        assert_eq!(aggregate(Agg::Count, &by, input(), 2)[1].1, vec![1.0, 1.0]);
        let all = aggregate(Agg::Avg, &[], input(), 2);
        assert_eq!(all.len(), 1);
        assert!(all[0].0.is_empty(), "no by labels leaves no labels");
        assert_eq!(all[0].1[0], 3.0);
    }

    #[test]
    fn sample_times_align_down_and_stop_at_the_end() {
        let r = TimeRange::new(61_000, 240_000).unwrap();
        assert_eq!(
            sample_times(r, 60_000).unwrap(),
            vec![60_000, 120_000, 180_000, 240_000]
        );
        let r = TimeRange::new(0, 10_999).unwrap();
        assert_eq!(sample_times(r, 1).unwrap().len(), MAX_POINTS);
        let r = TimeRange::new(0, 11_000).unwrap();
        assert!(matches!(
            sample_times(r, 1),
            Err(DemoError::TooManyPoints { points: 11_001, .. })
        ));
        let r = TimeRange::new(-1, 1).unwrap();
        assert_eq!(sample_times(r, 86_400_000).unwrap(), vec![-86_400_000, 0]);
        assert_eq!(sample_times(r, i64::MAX), Err(DemoError::TimeOutOfRange));
    }
}

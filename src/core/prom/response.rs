//! Turns the bytes of Prometheus API answers into validated model values: frames for
//! queries, plain lists for discovery endpoints, build info and exemplars.
//!
//! Decoding has two stages: serde reads the wire shapes of `wire.rs` straight from the
//! bytes, then this module checks and converts them (sorted labels, ascending times,
//! size guards, native histograms skipped with a notice). It must never fetch, never read
//! the clock and never treat `warnings` or `infos` as errors.

use crate::core::frame::{Frame, Series};
use crate::core::prom::envelope::{decode, Success};
use crate::core::prom::error::PromError;
use crate::core::prom::wire::{
    seconds_to_ms, BuildInfoData, ExemplarSeries as WireExemplarSeries, InstantSeries, MetadataEntry, QueryData,
    RangeSeries, WireLabels,
};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// More series than this in one answer is refused, to keep the browser responsive.
pub const MAX_SERIES: usize = 2_000;

/// More samples than this in one answer, over all series, is refused.
pub const MAX_SAMPLES: usize = 2_000_000;

/// The kind of result an instant query returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultType {
    Vector,
    Matrix,
    Scalar,
    String,
}

/// The answer to an instant query. A vector becomes one single-sample series per element,
/// a scalar one unlabelled series, a matrix its series; a string result has no series and
/// its text in `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantAnswer {
    pub result_type: ResultType,
    pub frame: Frame,
    pub text: Option<String>,
}

/// Type, help and unit of one metric, from `/api/v1/metadata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricMetadata {
    pub metric: String,
    /// `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset`
    /// or `unknown`, as the server wrote it.
    pub metric_type: String,
    pub help: String,
    pub unit: String,
}

/// What `/api/v1/status/buildinfo` says about the server. Fields an engine leaves out are
/// `None`; `has_features` is true when the answer lists features (Mimir does).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildInfo {
    pub version: Option<String>,
    pub revision: Option<String>,
    pub branch: Option<String>,
    pub build_user: Option<String>,
    pub build_date: Option<String>,
    pub go_version: Option<String>,
    pub application: Option<String>,
    pub has_features: bool,
}

/// Exemplars of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct ExemplarSeries {
    /// The series' labels, sorted by name.
    pub series_labels: Vec<(String, String)>,
    pub exemplars: Vec<Exemplar>,
}

/// One exemplar: a sample with its own labels, usually a trace id.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    /// Labels sorted by name.
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub time_ms: i64,
}

impl Exemplar {
    /// The trace id, under `trace_id` or `traceID`, if the exemplar has one.
    pub fn trace_id(&self) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == "trace_id" || k == "traceID")
            .map(|(_, v)| v.as_str())
    }
}

/// The notice shown when native histogram samples were skipped.
fn histogram_notice(series: usize) -> String {
    format!(
        "Prometheus sent native histogram samples for {series} series; native histogram samples are not shown yet, so chart them with histogram_quantile(...), histogram_count(...) or histogram_sum(...)."
    )
}

fn labels_vec(map: WireLabels) -> Vec<(String, String)> {
    map.into_iter().collect()
}

/// Decodes an envelope whose data must be present.
fn required<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(T, Vec<String>), PromError> {
    let Success { data, notices } = decode::<T>(status, content_type, body)?;
    let data = data.ok_or_else(|| PromError::WrongShape { status, detail: "it says success but has no data".into() })?;
    Ok((data, notices))
}

/// Decodes an envelope whose missing or null data means "nothing".
fn or_empty<T: DeserializeOwned + Default>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, PromError> {
    Ok(decode::<T>(status, content_type, body)?.data.unwrap_or_default())
}

fn guard(series: usize, samples: usize) -> Result<(), PromError> {
    if series > MAX_SERIES {
        return Err(PromError::TooManySeries { count: series, max: MAX_SERIES });
    }
    if samples > MAX_SAMPLES {
        return Err(PromError::TooManySamples { count: samples, max: MAX_SAMPLES });
    }
    Ok(())
}

/// Makes times strictly ascending, keeping the first sample of a repeated time.
pub(super) fn ascending(series: &mut Series) {
    if series.times.windows(2).all(|w| w[0] < w[1]) {
        return;
    }
    let mut pairs: Vec<(i64, f64)> = series.times.iter().copied().zip(series.values.iter().copied()).collect();
    crate::core::sort::sort_by_key(&mut pairs, |(t, _)| *t);
    pairs.dedup_by_key(|(t, _)| *t);
    series.times = pairs.iter().map(|(t, _)| *t).collect();
    series.values = pairs.iter().map(|(_, v)| *v).collect();
}

fn matrix_series(result: Vec<RangeSeries>, notices: &mut Vec<String>) -> Result<Vec<Series>, PromError> {
    let samples = result.iter().map(|s| s.values.len()).sum();
    guard(result.len(), samples)?;
    let mut with_histograms = 0;
    let mut out = Vec::with_capacity(result.len());
    for s in result {
        let histograms = s.histograms.as_ref().map_or(0, Vec::len);
        if histograms > 0 {
            with_histograms += 1;
            if s.values.is_empty() {
                continue;
            }
        }
        let mut series = Series {
            labels: labels_vec(s.metric),
            times: s.values.iter().map(|p| p.time_ms).collect(),
            values: s.values.iter().map(|p| p.value).collect(),
        };
        ascending(&mut series);
        out.push(series);
    }
    if with_histograms > 0 {
        notices.push(histogram_notice(with_histograms));
    }
    crate::core::sort::sort_by(&mut out, |a, b| a.labels.cmp(&b.labels));
    Ok(out)
}

fn vector_series(result: Vec<InstantSeries>, notices: &mut Vec<String>) -> Result<Vec<Series>, PromError> {
    guard(result.len(), result.len())?;
    let mut with_histograms = 0;
    let mut out = Vec::with_capacity(result.len());
    for s in result {
        match s.value {
            Some(p) => out.push(Series { labels: labels_vec(s.metric), times: vec![p.time_ms], values: vec![p.value] }),
            None if s.histogram.is_some() => with_histograms += 1,
            None => {}
        }
    }
    if with_histograms > 0 {
        notices.push(histogram_notice(with_histograms));
    }
    crate::core::sort::sort_by(&mut out, |a, b| a.labels.cmp(&b.labels));
    Ok(out)
}

/// Parses a `/api/v1/query_range` answer into a frame with `step_ms` as its step.
/// Warnings and infos become notices; any result type but a matrix is refused.
///
/// A plain successful matrix goes through the fast reader (`matrix.rs`, one scan into
/// the sample vectors); everything else, and every failure, through the general decoder,
/// which gives the same frames (property-tested) and the errors in words.
pub fn parse_query_range(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    step_ms: i64,
) -> Result<Frame, PromError> {
    let html = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    if !html {
        if let Some(frame) = super::matrix::read_matrix(body, step_ms, MAX_SERIES, MAX_SAMPLES) {
            return Ok(frame);
        }
    }
    parse_query_range_general(status, content_type, body, step_ms)
}

/// [`parse_query_range`] by the general two-stage decoder only.
pub(super) fn parse_query_range_general(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    step_ms: i64,
) -> Result<Frame, PromError> {
    let (data, mut notices) = required::<QueryData>(status, content_type, body)?;
    let QueryData::Matrix(result) = data else {
        return Err(PromError::WrongShape {
            status,
            detail: format!("a range query must return a matrix, but this is a {}", result_type_name(&data)),
        });
    };
    let series = matrix_series(result, &mut notices)?;
    Ok(Frame { series, step_ms, notices })
}

fn result_type_name(data: &QueryData) -> &'static str {
    match data {
        QueryData::Matrix(_) => "matrix",
        QueryData::Vector(_) => "vector",
        QueryData::Scalar(_) => "scalar",
        QueryData::String(_) => "string",
    }
}

/// Parses a `/api/v1/query` (instant) answer of any result type. The frame's step is 0.
pub fn parse_query(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<InstantAnswer, PromError> {
    let (data, mut notices) = required::<QueryData>(status, content_type, body)?;
    let (result_type, series, text) = match data {
        QueryData::Matrix(r) => (ResultType::Matrix, matrix_series(r, &mut notices)?, None),
        QueryData::Vector(r) => (ResultType::Vector, vector_series(r, &mut notices)?, None),
        QueryData::Scalar(p) => (
            ResultType::Scalar,
            vec![Series { labels: Vec::new(), times: vec![p.time_ms], values: vec![p.value] }],
            None,
        ),
        QueryData::String(t) => (ResultType::String, Vec::new(), Some(t.1)),
    };
    Ok(InstantAnswer { result_type, frame: Frame { series, step_ms: 0, notices }, text })
}

/// Parses `/api/v1/labels`: label names, in the server's order.
pub fn parse_labels(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Vec<String>, PromError> {
    or_empty(status, content_type, body)
}

/// Parses `/api/v1/label/<name>/values`: label values (metric names for `__name__`).
pub fn parse_label_values(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Vec<String>, PromError> {
    or_empty(status, content_type, body)
}

/// Parses `/api/v1/series`: one sorted label set per series.
pub fn parse_series(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<Vec<(String, String)>>, PromError> {
    let sets: Vec<WireLabels> = or_empty(status, content_type, body)?;
    Ok(sets.into_iter().map(labels_vec).collect())
}

/// Parses `/api/v1/metadata`: one entry per metric and metadata variant, sorted by metric
/// name. VictoriaMetrics answers `{}`, which gives an empty list.
pub fn parse_metadata(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<MetricMetadata>, PromError> {
    let map: BTreeMap<String, Vec<MetadataEntry>> = or_empty(status, content_type, body)?;
    Ok(map
        .into_iter()
        .flat_map(|(metric, entries)| {
            entries.into_iter().map(move |e| MetricMetadata {
                metric: metric.clone(),
                metric_type: e.metric_type,
                help: e.help,
                unit: e.unit,
            })
        })
        .collect())
}

/// Parses `/api/v1/status/buildinfo`.
pub fn parse_buildinfo(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<BuildInfo, PromError> {
    let (d, _) = required::<BuildInfoData>(status, content_type, body)?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(BuildInfo {
        version: nonempty(d.version),
        revision: nonempty(d.revision),
        branch: nonempty(d.branch),
        build_user: nonempty(d.build_user),
        build_date: nonempty(d.build_date),
        go_version: nonempty(d.go_version),
        application: nonempty(d.application),
        has_features: d.features.is_some(),
    })
}

/// Parses `/api/v1/query_exemplars`, with the same size guard as queries.
pub fn parse_exemplars(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<ExemplarSeries>, PromError> {
    let result: Vec<WireExemplarSeries> = or_empty(status, content_type, body)?;
    guard(result.len(), result.iter().map(|s| s.exemplars.len()).sum())?;
    Ok(result
        .into_iter()
        .map(|s| ExemplarSeries {
            series_labels: labels_vec(s.series_labels),
            exemplars: s
                .exemplars
                .into_iter()
                .map(|e| Exemplar { labels: labels_vec(e.labels), value: e.value.0, time_ms: seconds_to_ms(e.timestamp) })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;

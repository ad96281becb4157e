//! The Prometheus HTTP API client core: requests are values and answers are bytes. The
//! core builds each HTTP request and parses each answer; the browser edge only executes.
//!
//! This module tree must never perform IO, read the clock or name a browser crate. Times
//! come in as epoch milliseconds, answers as `(status, content type, bytes)`.
//!
//! | Endpoint | Request builder | Parser | Notes |
//! |---|---|---|---|
//! | `query_range` | [`query_range`] | [`parse_query_range`] → `Frame` | POST when long; step in seconds; `timeout`, `limit` |
//! | `query` | [`query`] | [`parse_query`] → [`InstantAnswer`] | vector, scalar, string and matrix results |
//! | `labels` | [`labels`] | [`parse_labels`] | `match[]`, `start`, `end` always sent |
//! | `label/<name>/values` | [`label_values`] | [`parse_label_values`] | `U__` name escaping; never POST |
//! | `series` | [`series`] | [`parse_series`] | sorted label sets |
//! | `metadata` | [`metadata`] | [`parse_metadata`] | a placeholder on VictoriaMetrics |
//! | `status/buildinfo` | [`buildinfo`] | [`parse_buildinfo`] | feeds [`detect`] |
//! | `query_exemplars` | [`query_exemplars`] | [`parse_exemplars`] | `trace_id` / `traceID` via [`Exemplar::trace_id`] |
//!
//! Structured queries compile to PromQL with [`compile`]. Engine differences (point cap,
//! placeholders, latency offset) live only in `flavour.rs`. Supported answer features:
//! `NaN`/`±Inf` values, `warnings`/`infos` and partial answers as notices, error envelopes
//! by `errorType`, HTML or text from proxies, sign-in pages, truncated bodies, size guards
//! ([`MAX_SERIES`], [`MAX_SAMPLES`]). Native histogram samples are skipped with a notice.
//!
//! Files: `request.rs` (requests), `encode.rs` (percent, seconds, `U__`), `promql.rs`
//! (compiling), `wire.rs` (raw JSON shapes), `envelope.rs` (status and envelope),
//! `response.rs` (validated model), `matrix.rs` (the fast `query_range` reader), `sample.rs` (its eight-bytes-at-a-time lane for one sample), `error.rs` (errors), `flavour.rs` (engines).

mod encode;
mod envelope;
mod error;
mod flavour;
mod matrix;
mod promql;
mod request;
mod response;
mod sample;
mod wire;

pub use encode::escape_label_name;
pub use error::PromError;
pub use flavour::{detect, latency_offset_ms, max_points, sniff_body, supports_exemplars, supports_metadata, Flavour};
pub use promql::{compile, CompileError};
pub use request::{
    buildinfo, label_values, labels, metadata, query, query_exemplars, query_range, series, HttpRequest, Method,
    FORM_CONTENT_TYPE, MAX_GET_QUERY_BYTES,
};
pub use response::{
    parse_buildinfo, parse_exemplars, parse_label_values, parse_labels, parse_metadata, parse_query, parse_query_range,
    parse_series, BuildInfo, Exemplar, ExemplarSeries, InstantAnswer, MetricMetadata, ResultType, MAX_SAMPLES, MAX_SERIES,
};

//! Traces: one model for Jaeger, Tempo, OTLP-JSON and Zipkin, requests as values, and the
//! pure pieces of the waterfall (tree, visible rows, view bounds, critical path, search).
//!
//! This module tree must never perform IO, read the clock or name a browser crate. Bodies
//! come in as bytes, times as epoch microseconds; requests go out as plain values.
//!
//! Files: `id.rs` (the one id decoder), `model.rs` (the model, times in µs), `name.rs` (shared span text), `scalar.rs`
//! (lenient JSON leaves), `otlp_wire.rs` + `otlp.rs` (OTLP, api_v3, Tempo), `otlp_fast.rs`
//! (the fast reader for plain OTLP-JSON files), `jaeger.rs`
//! (Jaeger v1), `zipkin.rs` (Zipkin v2), `group.rs` (spans into traces), `detect.rs`
//! ([`parse_any`]), `lists.rs` (services, operations, search results), `request.rs`
//! (requests), `tree.rs`, `rows.rs`, `collapse.rs` (collapse state in link form), `bounds.rs`, `critical.rs`, `find.rs` (waterfall),
//! `error.rs`, `warnings.rs`; `synthetic.rs` (a deterministic trace of any size);
//! `logs_link.rs` ("Open logs" URLs from a `link` datasource's template, http(s) only).

mod bounds;
mod collapse;
mod critical;
mod detect;
mod error;
mod find;
mod group;
mod id;
mod jaeger;
mod lists;
mod logs_link;
mod model;
mod name;
mod otlp;
mod otlp_fast;
mod otlp_wire;
mod request;
mod rows;
mod scalar;
mod synthetic;
mod tree;
mod warnings;
mod zipkin;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod waterfall_tests;

pub use detect::{parse_any, parse_detailed, Parsed, TraceFormat};
pub use error::TraceError;
pub use id::{parse_traceparent, IdError, SpanId, TraceId};
pub use model::{attr, AttrValue, Attributes, Event, Link, Operation, Resource, Span, SpanKind, Status, Trace, TraceSummary};
pub use warnings::MAX_WARNINGS;
pub use name::{Interner, Name};
pub use bounds::{first_visible_row, row_tops, uniform_visible_range, viewed_bounds, visible_range, ViewedBounds};
pub use collapse::Collapse;
pub use synthetic::{synthetic_trace, to_otlp_json, SYNTHETIC_DURATION_US, SYNTHETIC_START_US};
pub use critical::{critical_path, on_critical_path, CriticalSection};
pub use find::{find_spans, service_colour};
pub use logs_link::{expand_link, query_service, LinkContext, LinkError};
pub use lists::{parse_operations, parse_search, parse_services, summarize};
pub use request::{
    go_duration, operations_request, rfc3339_us, search_request, services_request, trace_request, SearchParams, TraceBackend,
};
pub use rows::{collapse_all, expand_to_depth, hide_shorter_than, min_duration_us, visible_rows, visible_rows_indexed, visible_rows_with, Fold, Row, RowFilter, RowIndex};
pub use tree::SpanTree;

//! The raw JSON shapes of OTLP `TracesData` as OTLP-JSON files, Jaeger api_v3 and Tempo send
//! them: the first, purely structural stage of decoding.
//!
//! Every leaf is a lenient [`Scalar`] and every list a [`Many`], so odd typing (int64 as
//! strings, enums as names or integers, `null` lists) never fails here. This module must
//! never validate or convert; `otlp.rs` does that.

use crate::core::trace::scalar::{Many, Scalar};
use serde::Deserialize;

/// One `ResourceSpans` (also Tempo's pre-2.6 `batches` element).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireResourceSpans {
    pub resource: Option<WireResource>,
    pub scope_spans: Many<WireScopeSpans>,
    /// The name of `scopeSpans` before OTLP 0.15; old Tempo and collectors still write it.
    pub instrumentation_library_spans: Many<WireScopeSpans>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireResource {
    pub attributes: Many<WireKeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireScopeSpans {
    pub scope: Option<WireScope>,
    pub instrumentation_library: Option<WireScope>,
    pub spans: Many<WireSpan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireScope {
    pub name: Scalar,
    pub version: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireSpan {
    pub trace_id: Scalar,
    pub span_id: Scalar,
    pub parent_span_id: Scalar,
    pub name: Scalar,
    pub kind: Scalar,
    pub start_time_unix_nano: Scalar,
    pub end_time_unix_nano: Scalar,
    pub attributes: Many<WireKeyValue>,
    pub events: Many<WireEvent>,
    pub links: Many<WireLink>,
    pub status: Option<WireStatus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireKeyValue {
    pub key: Scalar,
    pub value: Option<WireAnyValue>,
}

/// OTLP `AnyValue`: exactly one field is set.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireAnyValue {
    pub string_value: Option<Scalar>,
    pub bool_value: Option<Scalar>,
    pub int_value: Option<Scalar>,
    pub double_value: Option<Scalar>,
    pub bytes_value: Option<Scalar>,
    pub array_value: Option<WireArray>,
    pub kvlist_value: Option<WireKvList>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireArray {
    pub values: Many<WireAnyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireKvList {
    pub values: Many<WireKeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireEvent {
    pub time_unix_nano: Scalar,
    pub name: Scalar,
    pub attributes: Many<WireKeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireLink {
    pub trace_id: Scalar,
    pub span_id: Scalar,
    pub attributes: Many<WireKeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireStatus {
    pub code: Scalar,
    pub message: Scalar,
}

//! The one trace model every source is decoded into: Jaeger v1 and api_v3, Tempo, OTLP-JSON
//! and Zipkin v2 all become [`Trace`] values made of [`Span`]s.
//!
//! All instants and durations are integer **microseconds** (`i64`): epoch µs for instants,
//! µs for durations. Nanosecond sources are truncated to whole µs with integer arithmetic,
//! never through `f64`, so epoch times keep their precision. This module holds plain data
//! and small accessors; it must never parse wire formats or know about rows and pixels.

use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::name::Name;

/// An attribute (tag) value, as OTLP's `AnyValue` defines it. Jaeger and Zipkin values map
/// onto the same cases.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Str(String),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Binary data, kept as the base64 text the source sent.
    Bytes(String),
    Array(Vec<AttrValue>),
    Map(Vec<(String, AttrValue)>),
}

impl AttrValue {
    /// The value as people read it: strings without quotes, arrays and maps JSON-like.
    pub fn display(&self) -> String {
        match self {
            AttrValue::Str(s) | AttrValue::Bytes(s) => s.clone(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Double(d) => d.to_string(),
            AttrValue::Array(items) => {
                let inner: Vec<String> = items.iter().map(AttrValue::display).collect();
                format!("[{}]", inner.join(", "))
            }
            AttrValue::Map(entries) => {
                let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {}", v.display())).collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }
}

/// A list of attributes in the order the source wrote them. Keys may repeat (Jaeger allows it).
pub type Attributes = Vec<(Name, AttrValue)>;

/// Looks up the first attribute with this key.
pub fn attr<'a>(attributes: &'a Attributes, key: &str) -> Option<&'a AttrValue> {
    attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The role of a span in a call, as OTLP names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    /// Lower-case name for labels: `server`, `client`, ...; empty for unspecified.
    pub fn as_str(&self) -> &'static str {
        match self {
            SpanKind::Unspecified => "",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// Whether a span failed. `Error` comes from OTLP `status.code` 2 (`STATUS_CODE_ERROR`), a
/// Jaeger `error=true` or `otel.status_code=ERROR` tag, or any Zipkin `error` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Unset,
    Ok,
    Error,
}

/// A timestamped event inside a span (OTLP event, Jaeger log, Zipkin annotation).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Epoch µs.
    pub time_us: i64,
    pub name: String,
    pub attributes: Attributes,
}

/// A link from a span to another span, possibly in another trace (OTLP links, Jaeger
/// references other than the parent).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// Jaeger's `refType` (`CHILD_OF`, `FOLLOWS_FROM`) when the link came from a reference.
    pub kind: String,
    pub attributes: Attributes,
}

/// What emitted spans: an OTLP resource or a Jaeger process.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    /// `service.name`, or empty when the source gave none.
    pub service: String,
    pub attributes: Attributes,
}

/// One span. Sources that repeat a span id (Zipkin's shared client and server halves,
/// Jaeger files with duplicates) keep every copy as its own span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent: Option<SpanId>,
    /// True when the parent came from a Jaeger `FOLLOWS_FROM` reference: the parent does not
    /// wait for this span, so the critical path ignores it.
    pub follows_from: bool,
    /// True for a Zipkin server span that shares its id with the client span calling it.
    pub shared: bool,
    /// Shared text ([`Name`]): spans with the same name, service or scope share one copy.
    pub name: Name,
    /// The service name, or empty when the source gave none.
    pub service: Name,
    /// Index into [`Trace::resources`].
    pub resource: Option<usize>,
    /// The instrumentation scope (OTLP) that produced the span, or empty.
    pub scope: Name,
    /// Epoch µs.
    pub start_us: i64,
    /// µs, never negative.
    pub duration_us: i64,
    pub kind: SpanKind,
    pub status: Status,
    /// The status message (OTLP), or the error tag's text when it carries one.
    pub status_message: String,
    pub attributes: Attributes,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
}

impl Span {
    /// A span with only its ids and times set; parsers and tests fill in the rest.
    pub fn new(trace_id: TraceId, span_id: SpanId, start_us: i64, duration_us: i64) -> Self {
        Span {
            trace_id,
            span_id,
            parent: None,
            follows_from: false,
            shared: false,
            name: Name::default(),
            service: Name::default(),
            resource: None,
            scope: Name::default(),
            start_us,
            duration_us: duration_us.max(0),
            kind: SpanKind::Unspecified,
            status: Status::Unset,
            status_message: String::new(),
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Epoch µs of the end, saturating instead of overflowing on absurd input.
    pub fn end_us(&self) -> i64 {
        self.start_us.saturating_add(self.duration_us)
    }

    /// True when the span failed.
    pub fn is_error(&self) -> bool {
        self.status == Status::Error
    }
}

/// One trace: its spans in the order the source listed them, the resources (processes) they
/// point at, and what the decoder had to repair or skip.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub trace_id: TraceId,
    pub spans: Vec<Span>,
    pub resources: Vec<Resource>,
    pub warnings: Vec<String>,
}

impl Trace {
    /// An empty trace with this id.
    pub fn new(trace_id: TraceId) -> Self {
        Trace { trace_id, spans: Vec::new(), resources: Vec::new(), warnings: Vec::new() }
    }

    /// Epoch µs of the earliest start, or 0 for a trace without spans.
    pub fn start_us(&self) -> i64 {
        self.spans.iter().map(|s| s.start_us).min().unwrap_or(0)
    }

    /// Epoch µs of the latest end, or 0 for a trace without spans.
    pub fn end_us(&self) -> i64 {
        self.spans.iter().map(Span::end_us).max().unwrap_or(0)
    }

    /// µs from the earliest start to the latest end.
    pub fn duration_us(&self) -> i64 {
        self.end_us().saturating_sub(self.start_us())
    }

    /// Distinct non-empty service names, sorted.
    pub fn services(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.spans.iter().filter(|s| !s.service.is_empty()).map(|s| s.service.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// How many spans failed.
    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|s| s.is_error()).count()
    }
}

/// One row of a search result list: enough to show a trace without loading it.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceSummary {
    pub trace_id: TraceId,
    pub root_service: String,
    pub root_name: String,
    /// Epoch µs.
    pub start_us: i64,
    /// µs.
    pub duration_us: i64,
    /// Number of spans, when the source says.
    pub span_count: Option<u32>,
    /// Number of failed spans, when the source says.
    pub error_count: Option<u32>,
}

/// An operation (span name) of a service, with its kind when the backend reports one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub name: String,
    /// The backend's spelling (`server`, `client`, ...), or empty.
    pub span_kind: String,
}

//! A fast reader for plain OTLP-JSON trace files: one scan of the bytes straight into
//! [`Span`]s, with ids decoded from the wire text, times parsed from their digits and no
//! intermediate JSON tree or per-leaf `String`s (the tolerant decoder in `otlp_wire.rs` +
//! `otlp.rs` builds a `Scalar` for every leaf first, which dominated opening a 50,000-span
//! file).
//!
//! It reads only the common shape: one `{"resourceSpans": [...]}` object, ids in hex or
//! base64, times as digit strings or integers, enums as integers or names, attribute values
//! of every OTLP kind. Anything else (another format, several objects, `null`s, repeated
//! keys, a span the tolerant decoder would warn about, odd leaf types, damaged JSON) returns
//! `None` and the caller uses the tolerant decoder, so the result is always the tolerant
//! decoder's; a property test in this file holds the two to that. This module must never
//! produce a warning or an error of its own.

use crate::core::trace::group::Grouper;
use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::name::{Interner, Name};
use crate::core::trace::model::{
    attr, AttrValue, Attributes, Event, Link, Resource, Span, SpanKind, Status, Trace,
};
use crate::core::trace::otlp::{ns_to_us, span_kind, status_code};
use crate::core::trace::scalar::Scalar;
use std::borrow::Cow;

/// Deepest nesting the reader follows inside values it skips or recurses into; deeper input
/// goes to the tolerant decoder (which has its own limit and error).
const MAX_DEPTH: u32 = 64;

/// Reads a plain OTLP-JSON body (already past `precheck`, so it starts with `{`). `None`
/// means "not plain": the caller must use the tolerant decoder.
pub(crate) fn read(body: &[u8]) -> Option<Vec<Trace>> {
    let mut r = Reader {
        b: body,
        i: 0,
        last_trace: None,
        names: Interner::default(),
    };
    let mut grouper = Grouper::default();
    let mut seen = 0u32;
    let mut number = 0usize;
    r.object(|r, key| match key {
        "resourceSpans" => {
            once(&mut seen, 0)?;
            r.array(|r| {
                r.resource_spans(number, &mut grouper)?;
                number += 1;
                Some(())
            })
        }
        _ => None,
    })?;
    r.ws();
    (seen == 1 && r.i == r.b.len()).then(|| grouper.finish())
}

/// Fails on a repeated key (serde refuses duplicate fields, so the tolerant decoder errors).
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    let mask = 1 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    /// The wire text and value of the last trace id read: files repeat one id per span.
    last_trace: Option<(&'a [u8], TraceId)>,
    /// Span names, services and scopes repeat: one shared copy of each distinct text.
    names: Interner,
}

/// An event before its span's start is known (an event without a time takes the start).
struct RawEvent {
    time_ns: Option<i64>,
    name: String,
    attributes: Attributes,
}

impl<'a> Reader<'a> {
    // ------------------------------------------------------------------ JSON lexing

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Consumes `null` when it comes next.
    fn null(&mut self) -> bool {
        self.literal(b"null")
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        self.ws();
        let hit = self.b[self.i..].starts_with(word);
        if hit {
            self.i += word.len();
        }
        hit
    }

    /// The raw text of a string without escapes, or `None` (escapes, control characters or
    /// the end of the body); the position is left after the closing quote only on success.
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    /// A JSON string, borrowed from the body when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if self.b[start + len] == b'"' {
            self.i = start + len + 1;
            return std::str::from_utf8(&self.b[start..start + len])
                .ok()
                .map(Cow::Borrowed);
        }
        let mut out = self.b[start..start + len].to_vec();
        self.i = start + len;
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok().map(Cow::Owned),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    let plain = match e {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let ch = self.unicode_escape()?;
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                            continue;
                        }
                        _ => return None,
                    };
                    out.push(plain);
                }
                0..=0x1f => return None,
                _ => out.push(c),
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), joining surrogate pairs; a lone
    /// surrogate is refused, as serde_json refuses it.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                if self.b.get(self.i..self.i + 2)? != b"\\u" {
                    return None;
                }
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            }
            0xDC00..=0xDFFF => None,
            c => char::from_u32(c),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let mut v = 0;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    /// The text of a JSON number, checked against the JSON grammar.
    fn number(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        let digits = |r: &mut Self| {
            let from = r.i;
            while r.b.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i > from
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(self) {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        std::str::from_utf8(&self.b[start..self.i]).ok()
    }

    /// A JSON integer without sign, fraction or exponent that fits an `i64`.
    fn plain_int(&mut self) -> Option<i64> {
        let text = self.number()?;
        digits_i64(text)
    }

    /// Skips any JSON value, checking it as strictly as serde_json would.
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|r, _| r.skip(depth + 1)),
            b'[' => self.array(|r| r.skip(depth + 1)),
            b't' => self.literal(b"true").then_some(()),
            b'f' => self.literal(b"false").then_some(()),
            b'n' => self.null().then_some(()),
            _ => self.number().map(drop),
        }
    }

    /// Skips a value the tolerant decoder holds as a `Scalar`: numbers must be ones
    /// serde_json accepts as a value (`1e400` is out of range there).
    fn scalar_leaf(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' | b'{' | b'[' | b't' | b'f' | b'n' => self.skip(2),
            _ => serde_json::from_str::<Scalar>(self.number()?)
                .ok()
                .map(drop),
        }
    }

    /// Reads an object, calling `field` with each key; `field` must consume the value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            field(self, &key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads an array, calling `item` for each element; `item` must consume it.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string, or `""` for `null` (how the tolerant decoder reads names and messages).
    fn text_or_null(&mut self) -> Option<String> {
        if self.null() {
            return Some(String::new());
        }
        self.string().map(Cow::into_owned)
    }

    /// [`Self::text_or_null`] as a shared [`Name`] (one copy per distinct text).
    fn name_or_null(&mut self) -> Option<Name> {
        if self.null() {
            return Some(Name::default());
        }
        let text = self.string()?;
        Some(self.names.get(&text))
    }

    /// An integer leaf (`Scalar::as_i64` of a digit string or a JSON integer); `None` inside
    /// means `null`.
    fn time(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        if self.peek()? == b'"' {
            let text = self.plain_string()?;
            return digits_i64(std::str::from_utf8(text).ok()?).map(Some);
        }
        self.plain_int().map(Some)
    }

    /// An enum leaf (integer or name) as the [`Scalar`] the tolerant decoder would hold.
    fn enum_scalar(&mut self) -> Option<Scalar> {
        if self.null() {
            return Some(Scalar::Null);
        }
        if self.peek()? == b'"' {
            return self.string().map(|s| Scalar::Str(s.into_owned()));
        }
        self.plain_int().map(Scalar::Int)
    }

    // ------------------------------------------------------------------ ids

    /// A trace id string; the last one read is reused when the text repeats.
    fn trace_id(&mut self) -> Option<TraceId> {
        let text = self.plain_string()?;
        if let Some((last, id)) = self.last_trace {
            if last == text {
                return Some(id);
            }
        }
        let id = match hex_id::<16>(text) {
            Some(bytes) => TraceId(bytes),
            None => {
                let text = std::str::from_utf8(text).ok()?;
                if text.trim().is_empty() {
                    return None;
                }
                TraceId::parse(text).ok()?
            }
        };
        self.last_trace = Some((text, id));
        Some(id)
    }

    /// A span id string that decodes (an empty or bad id is the tolerant decoder's warning).
    fn span_id(&mut self) -> Option<SpanId> {
        let text = self.plain_string()?;
        span_id_text(text)?
    }

    /// A parent span id: `null`, empty and blank mean none.
    fn parent_id(&mut self) -> Option<Option<SpanId>> {
        if self.null() {
            return Some(None);
        }
        let text = self.plain_string()?;
        match span_id_text(text)? {
            Some(id) => Some(Some(id)),
            None => Some(None),
        }
    }

    // ------------------------------------------------------------------ OTLP shapes

    fn resource_spans(&mut self, number: usize, grouper: &mut Grouper) -> Option<()> {
        let mut seen = 0u32;
        let mut resource = Resource::default();
        // Scopes listed before the resource are read once it is known: their positions.
        let mut later: Vec<usize> = Vec::new();
        self.object(|r, key| match key {
            "resource" => {
                once(&mut seen, 0)?;
                let mut inner = 0u32;
                r.object(|r, key| match key {
                    "attributes" => {
                        once(&mut inner, 0)?;
                        resource.attributes = r.attributes()?;
                        Some(())
                    }
                    _ => r.skip(1),
                })?;
                resource.service = attr(&resource.attributes, "service.name")
                    .map(AttrValue::display)
                    .unwrap_or_default();
                Some(())
            }
            "scopeSpans" => {
                once(&mut seen, 1)?;
                let known = seen & 1 != 0;
                r.array(|r| {
                    if known {
                        r.scope_spans(number, &resource, grouper)
                    } else {
                        later.push(r.i);
                        r.skip(1)
                    }
                })
            }
            "instrumentationLibrarySpans" => None,
            _ => r.skip(1),
        })?;
        let end = self.i;
        for at in later {
            self.i = at;
            self.scope_spans(number, &resource, grouper)?;
        }
        self.i = end;
        Some(())
    }

    fn scope_spans(
        &mut self,
        number: usize,
        resource: &Resource,
        grouper: &mut Grouper,
    ) -> Option<()> {
        let mut seen = 0u32;
        let mut scope = String::new();
        // Spans listed before the scope are read once it is known: their position.
        let mut later = None;
        let service = self.names.get(&resource.service);
        let mut read_spans = |r: &mut Self, scope: &str| {
            let scope = r.names.get(scope);
            r.array(|r| {
                let mut span = r.span()?;
                span.service = service.clone();
                span.scope = scope.clone();
                grouper.push(span, Some((number, resource)));
                Some(())
            })
        };
        self.object(|r, key| match key {
            "scope" => {
                once(&mut seen, 0)?;
                let mut inner = 0u32;
                r.object(|r, key| match key {
                    "name" => {
                        once(&mut inner, 0)?;
                        scope = r.text_or_null()?;
                        Some(())
                    }
                    "version" => {
                        once(&mut inner, 1)?;
                        r.scalar_leaf()
                    }
                    _ => r.skip(2),
                })
            }
            "spans" => {
                once(&mut seen, 1)?;
                if seen & 1 != 0 {
                    return read_spans(r, &scope);
                }
                later = Some(r.i);
                r.skip(1)
            }
            "instrumentationLibrary" => None,
            _ => r.skip(1),
        })?;
        if let Some(at) = later {
            let end = self.i;
            self.i = at;
            read_spans(self, &scope)?;
            self.i = end;
        }
        Some(())
    }

    fn span(&mut self) -> Option<Span> {
        let mut seen = 0u32;
        let (mut trace_id, mut span_id, mut parent) = (None, None, None);
        let (mut name, mut kind) = (Name::default(), SpanKind::Unspecified);
        let (mut start, mut end) = (None, None);
        let mut attributes = Vec::new();
        let mut events: Vec<RawEvent> = Vec::new();
        let mut links = Vec::new();
        let mut status = None;
        self.object(|r, key| {
            match key {
                "traceId" => {
                    once(&mut seen, 0)?;
                    trace_id = Some(r.trace_id()?);
                }
                "spanId" => {
                    once(&mut seen, 1)?;
                    span_id = Some(r.span_id()?);
                }
                "parentSpanId" => {
                    once(&mut seen, 2)?;
                    parent = r.parent_id()?;
                }
                "name" => {
                    once(&mut seen, 3)?;
                    name = r.name_or_null()?;
                }
                "kind" => {
                    once(&mut seen, 4)?;
                    kind = span_kind(&r.enum_scalar()?);
                }
                "startTimeUnixNano" => {
                    once(&mut seen, 5)?;
                    start = r.time()?;
                }
                "endTimeUnixNano" => {
                    once(&mut seen, 6)?;
                    end = r.time()?;
                }
                "attributes" => {
                    once(&mut seen, 7)?;
                    attributes = r.attributes()?;
                }
                "events" => {
                    once(&mut seen, 8)?;
                    events = r.events()?;
                }
                "links" => {
                    once(&mut seen, 9)?;
                    links = r.links()?;
                }
                "status" => {
                    once(&mut seen, 10)?;
                    status = r.status()?;
                }
                _ => r.skip(1)?,
            }
            Some(())
        })?;
        // What the tolerant decoder warns about (and so handles) never takes this path.
        let (trace_id, span_id, start_ns) = (trace_id?, span_id?, start?);
        let end_ns = end.unwrap_or(start_ns);
        if end_ns < start_ns {
            return None;
        }
        let mut span = Span::new(
            trace_id,
            span_id,
            ns_to_us(start_ns),
            end_ns.saturating_sub(start_ns).max(0) / 1000,
        );
        span.name = name;
        span.parent = parent;
        span.kind = kind;
        if let Some((status, message)) = status {
            span.status = status;
            span.status_message = message;
        }
        span.attributes = attributes;
        span.events = events
            .into_iter()
            .map(|e| Event {
                time_us: ns_to_us(e.time_ns.unwrap_or(start_ns)),
                name: e.name,
                attributes: e.attributes,
            })
            .collect();
        span.links = links;
        Some(span)
    }

    /// `{"code": ..., "message": ...}`; `null` is no status.
    fn status(&mut self) -> Option<Option<(Status, String)>> {
        if self.null() {
            return Some(None);
        }
        let mut seen = 0u32;
        let (mut code, mut message) = (Scalar::Null, String::new());
        self.object(|r, key| match key {
            "code" => {
                once(&mut seen, 0)?;
                code = r.enum_scalar()?;
                Some(())
            }
            "message" => {
                once(&mut seen, 1)?;
                message = r.text_or_null()?;
                Some(())
            }
            _ => r.skip(2),
        })?;
        Some(Some((status_code(&code), message)))
    }

    fn events(&mut self) -> Option<Vec<RawEvent>> {
        let mut out = Vec::new();
        if self.null() {
            return Some(out);
        }
        self.array(|r| {
            let mut seen = 0u32;
            let mut event = RawEvent {
                time_ns: None,
                name: String::new(),
                attributes: Vec::new(),
            };
            r.object(|r, key| match key {
                "timeUnixNano" => {
                    once(&mut seen, 0)?;
                    event.time_ns = r.time()?;
                    Some(())
                }
                "name" => {
                    once(&mut seen, 1)?;
                    event.name = r.text_or_null()?;
                    Some(())
                }
                "attributes" => {
                    once(&mut seen, 2)?;
                    event.attributes = r.attributes()?;
                    Some(())
                }
                _ => r.skip(3),
            })?;
            out.push(event);
            Some(())
        })?;
        Some(out)
    }

    fn links(&mut self) -> Option<Vec<Link>> {
        let mut out = Vec::new();
        if self.null() {
            return Some(out);
        }
        self.array(|r| {
            let mut seen = 0u32;
            let (mut trace_id, mut span_id, mut attributes) = (None, None, Vec::new());
            r.object(|r, key| match key {
                "traceId" => {
                    once(&mut seen, 0)?;
                    trace_id = Some(r.trace_id()?);
                    Some(())
                }
                "spanId" => {
                    once(&mut seen, 1)?;
                    span_id = Some(r.span_id()?);
                    Some(())
                }
                "attributes" => {
                    once(&mut seen, 2)?;
                    attributes = r.attributes()?;
                    Some(())
                }
                _ => r.skip(3),
            })?;
            out.push(Link {
                trace_id: trace_id?,
                span_id: span_id?,
                kind: String::new(),
                attributes,
            });
            Some(())
        })?;
        Some(out)
    }

    /// A key-value list; `null` is empty. Every entry needs a string key.
    fn attributes(&mut self) -> Option<Attributes> {
        let mut out = Vec::new();
        if self.null() {
            return Some(out);
        }
        self.array(|r| {
            let (key, value) = r.key_value(0)?;
            // Attribute keys repeat on every span: one shared copy of each.
            let key = r.names.get(&key?);
            out.push((key, value.unwrap_or(AttrValue::Str(String::new()))));
            Some(())
        })?;
        Some(out)
    }

    /// One `KeyValue` object: its key (`None` when absent) and value (`None` when absent or
    /// `null`).
    fn key_value(&mut self, depth: u32) -> Option<(Option<Cow<'a, str>>, Option<AttrValue>)> {
        let mut seen = 0u32;
        let (mut key, mut value) = (None, None);
        self.object(|r, k| match k {
            "key" => {
                once(&mut seen, 0)?;
                key = Some(r.string()?);
                Some(())
            }
            "value" => {
                once(&mut seen, 1)?;
                value = if r.null() {
                    None
                } else {
                    Some(r.any_value(depth + 1)?)
                };
                Some(())
            }
            _ => r.skip(depth + 2),
        })?;
        Some((key, value))
    }

    /// One `AnyValue` object; exactly as `otlp::any_value`, for the leaf types it reads
    /// without surprises (one field set; other spellings go to the tolerant decoder).
    fn any_value(&mut self, depth: u32) -> Option<AttrValue> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut seen = 0u32;
        let mut value = None;
        self.object(|r, key| {
            let bit = match key {
                "stringValue" => 0,
                "boolValue" => 1,
                "intValue" => 2,
                "doubleValue" => 3,
                "bytesValue" => 4,
                "arrayValue" => 5,
                "kvlistValue" => 6,
                _ => return r.skip(depth + 1),
            };
            once(&mut seen, bit)?;
            if value.is_some() || r.null() {
                // Two kinds set, or a null field: the tolerant decoder's precedence rules.
                return None;
            }
            value = Some(match bit {
                0 => AttrValue::Str(r.string()?.into_owned()),
                1 => AttrValue::Bool(if r.literal(b"true") {
                    true
                } else if r.literal(b"false") {
                    false
                } else {
                    return None;
                }),
                2 => match r.peek()? {
                    b'"' => {
                        let text = r.string()?.into_owned();
                        let scalar = Scalar::Str(text);
                        match scalar.as_i64() {
                            Some(i) => AttrValue::Int(i),
                            None => AttrValue::Str(scalar.as_text().unwrap_or_default()),
                        }
                    }
                    _ => AttrValue::Int(r.int_number()?),
                },
                3 => {
                    let scalar = match r.peek()? {
                        b'"' => Scalar::Str(r.string()?.into_owned()),
                        _ => serde_json::from_str::<Scalar>(r.number()?).ok()?,
                    };
                    match scalar.as_f64() {
                        Some(d) => AttrValue::Double(d),
                        None => AttrValue::Str(scalar.as_text().unwrap_or_default()),
                    }
                }
                4 => AttrValue::Bytes(r.string()?.into_owned()),
                5 => AttrValue::Array(r.list_of_values(depth + 1)?),
                _ => AttrValue::Map(r.list_of_entries(depth + 1)?),
            });
            Some(())
        })?;
        Some(value.unwrap_or(AttrValue::Str(String::new())))
    }

    /// A JSON integer number (either sign) that fits an `i64`.
    fn int_number(&mut self) -> Option<i64> {
        let text = self.number()?;
        if text.contains(['.', 'e', 'E']) || text == "-0" {
            return None;
        }
        text.parse().ok()
    }

    /// `{"values": [AnyValue, ...]}`.
    fn list_of_values(&mut self, depth: u32) -> Option<Vec<AttrValue>> {
        let mut out = Vec::new();
        let mut seen = 0u32;
        self.object(|r, key| match key {
            "values" => {
                once(&mut seen, 0)?;
                if r.null() {
                    return Some(());
                }
                r.array(|r| {
                    out.push(r.any_value(depth + 1)?);
                    Some(())
                })
            }
            _ => r.skip(depth + 1),
        })?;
        Some(out)
    }

    /// `{"values": [KeyValue, ...]}`; entries without a key or a value are dropped, as the
    /// tolerant decoder drops them.
    fn list_of_entries(&mut self, depth: u32) -> Option<Vec<(String, AttrValue)>> {
        let mut out = Vec::new();
        let mut seen = 0u32;
        self.object(|r, key| match key {
            "values" => {
                once(&mut seen, 0)?;
                if r.null() {
                    return Some(());
                }
                r.array(|r| {
                    if let (Some(k), Some(v)) = r.key_value(depth + 1)? {
                        out.push((k.into_owned(), v));
                    }
                    Some(())
                })
            }
            _ => r.skip(depth + 1),
        })?;
        Some(out)
    }
}

/// A run of ASCII digits (no sign, no spaces) that fits an `i64`.
fn digits_i64(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Exactly `2 * N` hex digits as `N` bytes, refusing all zeros (an invalid id).
fn hex_id<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (k, pair) in text.chunks_exact(2).enumerate() {
        out[k] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    out.iter().any(|b| *b != 0).then_some(out)
}

/// A span id's text: `Some(None)` for blank text (no id), `None` when it does not decode.
fn span_id_text(text: &[u8]) -> Option<Option<SpanId>> {
    if let Some(bytes) = hex_id::<8>(text) {
        return Some(Some(SpanId(bytes)));
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim().is_empty() {
        return Some(None);
    }
    SpanId::parse(text).ok().map(Some)
}

#[cfg(test)]
#[path = "otlp_fast_tests.rs"]
mod tests;

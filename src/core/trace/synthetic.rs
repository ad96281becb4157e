//! A deterministic synthetic trace of any size, for tests and benchmarks of the waterfall at
//! 100,000 spans: a shop-like call tree with several services, runs of repeated sibling
//! calls (so folding has work to do), some failed spans, and spans listed in shuffled order
//! (so the tree cannot rely on the source order). It can also be written as OTLP-JSON, the
//! format a user would open from a file.
//!
//! The same `(spans, seed)` always gives the same trace. This module must never read the
//! clock or use a random source other than its own seeded generator.

use crate::core::trace::id::{SpanId, TraceId};
use crate::core::trace::model::{AttrValue, Span, SpanKind, Status, Trace};
use std::fmt::Write;

/// The epoch µs at which every synthetic trace starts (2026-01-01T00:00:00Z).
pub const SYNTHETIC_START_US: i64 = 1_767_225_600_000_000;
/// The root span's duration in µs (20 s).
pub const SYNTHETIC_DURATION_US: i64 = 20_000_000;

const SERVICES: [&str; 9] = [
    "frontend",
    "checkout",
    "cart",
    "payment",
    "fraud",
    "billing",
    "inventory",
    "shipping",
    "postgres",
];
const OPERATIONS: [&str; 8] = [
    "GET /api/cart",
    "POST /api/checkout",
    "authorize",
    "score",
    "charge",
    "reserve",
    "quote",
    "render",
];

/// A small xorshift generator: deterministic, fast, good enough to shape a tree.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

/// A trace of exactly `spans` spans (at least one) built from `seed`. Span 0 in the tree is the
/// root `frontend GET /checkout`; every other span has a parent in the trace. Children lie
/// inside their parent's time (no clock skew), one span in 200 fails, and one node in 12 makes
/// a run of 8..40 identical `postgres SELECT` calls.
pub fn synthetic_trace(spans: usize, seed: u64) -> Trace {
    let n = spans.max(1);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let trace_id = TraceId(std::array::from_fn(|i| {
        (seed.rotate_left(i as u32 * 5) as u8) ^ (0x5a + i as u8) | 1
    }));
    let mut trace = Trace::new(trace_id);
    let mut out: Vec<Span> = Vec::with_capacity(n);
    let mut root = Span::new(
        trace_id,
        span_id(0),
        SYNTHETIC_START_US,
        SYNTHETIC_DURATION_US,
    );
    root.name = "GET /checkout".into();
    root.service = SERVICES[0].into();
    root.kind = SpanKind::Server;
    out.push(root);
    // Breadth-first: every span gets at least one child until the count is reached, so the
    // tree stays shallow (depth about log n) yet irregular.
    let mut next_parent = 0;
    while out.len() < n {
        let parent = next_parent;
        next_parent += 1;
        let (p_start, p_end, p_service) = {
            let p = &out[parent];
            (p.start_us, p.end_us(), p.service.clone())
        };
        let repeated = rng.below(12) == 0;
        let count = if repeated {
            8 + rng.below(33)
        } else {
            1 + rng.below(6)
        };
        let mut at = p_start;
        for k in 0..count {
            if out.len() >= n {
                break;
            }
            let room = (p_end - at).max(0) as u64;
            let start = at + rng.below(room / 4 + 1) as i64;
            let duration = if repeated {
                (room / (count - k + 1)).max(1) as i64
            } else {
                1 + rng.below((p_end - start).max(0) as u64) as i64
            };
            let duration = duration.min((p_end - start).max(0));
            let mut s = Span::new(trace_id, span_id(out.len()), start, duration);
            s.parent = Some(out[parent].span_id);
            if repeated {
                s.name = "SELECT orders".into();
                s.service = SERVICES[SERVICES.len() - 1].into();
                s.kind = SpanKind::Client;
                s.attributes
                    .push(("db.system".into(), AttrValue::Str("postgresql".into())));
                at = start + duration;
            } else {
                let service = SERVICES[rng.below(SERVICES.len() as u64) as usize];
                s.name = OPERATIONS[rng.below(OPERATIONS.len() as u64) as usize].into();
                s.kind = if service == p_service {
                    SpanKind::Internal
                } else {
                    SpanKind::Server
                };
                s.service = service.into();
                s.attributes.push((
                    "http.route".into(),
                    AttrValue::Str(format!("/api/items/{}", rng.below(50))),
                ));
            }
            if rng.below(200) == 0 {
                s.status = Status::Error;
                s.status_message = "synthetic failure".into();
            }
            out.push(s);
        }
    }
    // Shuffle the source order (Fisher–Yates) so the tree has to sort it out.
    for i in (1..out.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        out.swap(i, j);
    }
    trace.spans = out;
    trace
}

/// The span id of the `i`-th generated span (never zero).
pub fn span_id(i: usize) -> SpanId {
    SpanId(((i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1).to_be_bytes())
}

/// The trace as an OTLP-JSON file (`resourceSpans`, one resource per service, times in
/// nanoseconds as strings, ids in hex), as an exporter would write it.
pub fn to_otlp_json(trace: &Trace) -> String {
    let mut by_service: Vec<(&str, Vec<&Span>)> = Vec::new();
    for s in &trace.spans {
        match by_service.iter_mut().find(|(name, _)| *name == s.service) {
            Some((_, list)) => list.push(s),
            None => by_service.push((&s.service, vec![s])),
        }
    }
    let mut out = String::with_capacity(trace.spans.len() * 260);
    out.push_str("{\"resourceSpans\":[");
    for (r, (service, spans)) in by_service.iter().enumerate() {
        if r > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{service}\"}}}}]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"synthetic\"}},\"spans\":["
        );
        for (k, s) in spans.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            write_span(&mut out, s);
        }
        out.push_str("]}]}");
    }
    out.push_str("]}");
    out
}

fn write_span(out: &mut String, s: &Span) {
    let kind = match s.kind {
        SpanKind::Unspecified => 0,
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    };
    let _ = write!(
        out,
        "{{\"traceId\":\"{}\",\"spanId\":\"{}\",\"parentSpanId\":\"{}\",\"name\":\"{}\",\"kind\":{kind},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
        s.trace_id.to_hex(),
        s.span_id.to_hex(),
        s.parent.map(|p| p.to_hex()).unwrap_or_default(),
        s.name,
        i128::from(s.start_us) * 1000,
        i128::from(s.end_us()) * 1000,
    );
    for (k, (key, value)) in s.attributes.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"key\":\"{key}\",\"value\":{{\"stringValue\":\"{}\"}}}}",
            value.display()
        );
    }
    out.push(']');
    match s.status {
        Status::Error => {
            let _ = write!(
                out,
                ",\"status\":{{\"code\":2,\"message\":\"{}\"}}",
                s.status_message
            );
        }
        Status::Ok => out.push_str(",\"status\":{\"code\":1}"),
        Status::Unset => {}
    }
    out.push('}');
}

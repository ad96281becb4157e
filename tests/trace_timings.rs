//! Timings of the trace pipeline at 10k/50k/100k spans, printed and never asserted (tests
//! do not judge wall-clock time; bench B5 does, in the browser). Two files per size: the
//! core's synthetic trace as OTLP-JSON, and the shape bench B5 opens (`syntheticOtlp` in
//! `tests/e2e/lib/trace-fixtures.cjs`, rebuilt here). Each phase is the fastest of 5 runs.
//! Run with `cargo test --release --test trace_timings -- --ignored --nocapture`.

use napkin::core::trace::{
    critical_path, on_critical_path, parse_detailed, synthetic_trace, to_otlp_json, visible_rows,
    SpanTree,
};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The bench's file: one resource, one scope, a wide and deep tree in source order.
fn bench_shape(n: usize) -> String {
    let sid = |i: usize| format!("{:016x}", i + 1);
    let t0: i128 = 1_767_225_600_000 * 1_000_000;
    let mut parts = Vec::with_capacity(n);
    for i in 0..n {
        let parent = if i == 0 {
            String::new()
        } else {
            sid(if i < 50 { 0 } else { (i - 1) / 4 })
        };
        let start = t0 + i as i128 * 1000;
        let end = start + 1000 + (i as i128 % 97) * 2000;
        let status = if i % 1000 == 7 {
            r#"{"code":2,"message":"boom"}"#
        } else {
            "{}"
        };
        parts.push(format!(
            r#"{{"traceId":"abcdef0123456789abcdef0123456789","spanId":"{}","parentSpanId":"{parent}","name":"op-{}","kind":2,"startTimeUnixNano":"{start}","endTimeUnixNano":"{end}","attributes":[{{"key":"http.route","value":{{"stringValue":"/api/items/{}"}}}}],"status":{status}}}"#,
            sid(i),
            i % 50,
            i % 13
        ));
    }
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"synthetic"}}}}]}},"scopeSpans":[{{"scope":{{"name":"gen"}},"spans":[{}]}}]}}]}}"#,
        parts.join(",")
    )
}

fn best<T>(f: impl Fn() -> T) -> (Duration, T) {
    let mut out = None;
    let mut fastest = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let v = f();
        fastest = fastest.min(t.elapsed());
        out = Some(v);
    }
    (fastest, out.expect("five runs"))
}

#[test]
#[ignore = "prints timings; run explicitly"]
fn trace_pipeline_phases() {
    for n in [10_000, 50_000, 100_000] {
        for (label, text) in [
            ("synthetic", to_otlp_json(&synthetic_trace(n, 7))),
            ("bench B5", bench_shape(n)),
        ] {
            let (lex, _) =
                best(|| serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes()).unwrap());
            let (parse, parsed) = best(|| parse_detailed(text.as_bytes()).unwrap());
            let trace = parsed.traces.into_iter().next().unwrap();
            let (build, tree) = best(|| SpanTree::build(&trace.spans));
            let (crit, critical) =
                best(|| on_critical_path(&critical_path(&trace, &tree), trace.spans.len()));
            let (rows_t, rows) = best(|| visible_rows(&trace, &tree, &HashSet::new()));
            let (services_t, services) = best(|| trace.services().len());
            println!(
                "{n} spans, {label} ({} MB): JSON lex only {lex:?}, parse {parse:?}, tree {build:?}, critical path {crit:?} ({} on it), rows {rows_t:?} ({}), services {services_t:?} ({services})",
                text.len() / 1_048_576,
                critical.iter().filter(|c| **c).count(),
                rows.len()
            );
        }
    }
}

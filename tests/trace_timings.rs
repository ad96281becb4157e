//! Timings of the trace pipeline at 10k/50k/100k spans on the synthetic trace, printed and
//! never asserted (tests do not judge wall-clock time; bench B5 does, in the browser).
//! Run with `cargo test --release --test trace_timings -- --ignored --nocapture`.

use napkin::core::trace::{critical_path, on_critical_path, parse_detailed, synthetic_trace, to_otlp_json, visible_rows, SpanTree};
use std::collections::HashSet;
use std::time::Instant;

#[test]
#[ignore = "prints timings; run explicitly"]
fn trace_pipeline_phases() {
    for n in [10_000, 50_000, 100_000] {
        let text = to_otlp_json(&synthetic_trace(n, 7));
        let t = Instant::now();
        let parsed = parse_detailed(text.as_bytes()).unwrap();
        let parse = t.elapsed();
        let trace = parsed.traces.into_iter().next().unwrap();
        let t = Instant::now();
        let tree = SpanTree::build(&trace.spans);
        let build = t.elapsed();
        let t = Instant::now();
        let critical = on_critical_path(&critical_path(&trace, &tree), trace.spans.len());
        let crit = t.elapsed();
        let t = Instant::now();
        let rows = visible_rows(&trace, &tree, &HashSet::new());
        let rows_t = t.elapsed();
        let t = Instant::now();
        let services = trace.services().len();
        let services_t = t.elapsed();
        println!(
            "{n} spans ({} MB): parse {parse:?}, tree {build:?}, critical path {crit:?} ({} on it), rows {rows_t:?} ({}), services {services_t:?} ({services})",
            text.len() / 1_048_576,
            critical.iter().filter(|c| **c).count(),
            rows.len()
        );
    }
}

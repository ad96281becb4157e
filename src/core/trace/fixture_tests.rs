//! Every real upstream payload in `tests/fixtures/upstream/` (an unchanged copy of `../shared/fixtures/upstream/`) decoded into the model, with
//! facts read from the files themselves (span counts, services, roots, parents, errors).
//!
//! The fixtures live beside the repository, not in it. A missing directory fails the tests
//! with instructions instead of letting them pass without checking anything. These tests must
//! never edit the fixtures.

use crate::core::trace::*;
use std::path::PathBuf;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upstream/");

/// Reads one fixture, failing loudly when the shared directory is not checked out.
pub(super) fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(FIXTURES).join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the upstream fixture {} ({e}); the copies live in tests/fixtures/upstream/",
            path.display()
        )
    })
}

fn parse(name: &str) -> Parsed {
    parse_detailed(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The facts checked for each fixture.
struct Facts {
    file: &'static str,
    format: TraceFormat,
    spans: usize,
    services: &'static [&'static str],
    roots: &'static [&'static str],
    errors: usize,
    orphans: usize,
}

#[test]
fn every_fixture_parses_into_the_right_trace() {
    let cases = [
        Facts { file: "jaeger/v1-ui_01.json", format: TraceFormat::JaegerV1, spans: 5, services: &["service-x", "service-y"], roots: &["test-general-conversion", "some-operation"], errors: 1, orphans: 0 },
        Facts { file: "jaeger/v1-otlp2jaeger-out.json", format: TraceFormat::JaegerV1, spans: 2, services: &["telemetrygen"], roots: &["okey-dokey-0", "okey-dokey-0"], errors: 0, orphans: 2 },
        Facts { file: "jaeger/apiv3-GetTrace.json", format: TraceFormat::JaegerV3, spans: 1, services: &[], roots: &["foobar"], errors: 1, orphans: 0 },
        Facts { file: "jaeger/apiv3-FindTraces.json", format: TraceFormat::JaegerV3, spans: 1, services: &[], roots: &["foobar"], errors: 1, orphans: 0 },
        Facts { file: "tempo/trace-by-id-failed-requests.json", format: TraceFormat::Otlp, spans: 15, services: &["mythical-requester", "mythical-server"], roots: &["requester"], errors: 3, orphans: 0 },
        Facts { file: "tempo/trace-by-id-batches-pre-2.6.json", format: TraceFormat::TempoBatches, spans: 1, services: &["my.service"], roots: &["I'm a server span"], errors: 0, orphans: 1 },
        Facts { file: "tempo/trace-by-id-vulture.json", format: TraceFormat::Otlp, spans: 6, services: &["tempo-vulture"], roots: &["vulture-68", "vulture-36"], errors: 0, orphans: 0 },
        Facts { file: "otlp/trace.json", format: TraceFormat::Otlp, spans: 1, services: &["my.service"], roots: &["I'm a server span"], errors: 0, orphans: 1 },
        Facts { file: "zipkin/envoy.json", format: TraceFormat::Zipkin, spans: 1, services: &[], roots: &["localhost:10000"], errors: 0, orphans: 0 },
        Facts { file: "zipkin/messaging-kafka.json", format: TraceFormat::Zipkin, spans: 28, services: &["servicea", "serviceb"], roots: &["poll"], errors: 3, orphans: 0 },
        Facts { file: "zipkin/skew.json", format: TraceFormat::Zipkin, spans: 4, services: &["servicea", "serviceb"], roots: &["get"], errors: 0, orphans: 0 },
        Facts { file: "zipkin/smartthings-oauth-authorization.json", format: TraceFormat::Zipkin, spans: 175, services: &["account", "auth", "bouncer", "datamgmt", "dove", "paperboy", "pusher", "stlogin"], roots: &["get /oauth/authorize"], errors: 2, orphans: 0 },
        Facts { file: "zipkin/yelp.json", format: TraceFormat::Zipkin, spans: 16, services: &["mobile_api", "routing", "spectre", "unknown", "yelp-main", "yelp_main/api_proxy"], roots: &["post /location/update/v4"], errors: 0, orphans: 0 },
    ];
    for f in cases {
        let parsed = parse(f.file);
        assert_eq!(parsed.format, f.format, "{}: format", f.file);
        assert_eq!(parsed.traces.len(), 1, "{}: one trace", f.file);
        let trace = &parsed.traces[0];
        let tree = SpanTree::build(&trace.spans);
        let roots: Vec<&str> = tree.roots().into_iter().map(|r| trace.spans[r].name.as_str()).collect();
        assert_eq!(trace.spans.len(), f.spans, "{}: span count", f.file);
        assert_eq!(trace.services(), f.services, "{}: services", f.file);
        assert_eq!(roots, f.roots, "{}: top-level spans", f.file);
        assert_eq!(trace.error_count(), f.errors, "{}: errors", f.file);
        assert_eq!(tree.orphans.len(), f.orphans, "{}: orphans", f.file);
        // Every span is shown exactly once, and each span's tree parent carries its parent id.
        let mut seen = tree.order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..f.spans as u32).collect::<Vec<_>>(), "{}: pre-order is a permutation", f.file);
        for (i, span) in trace.spans.iter().enumerate() {
            if let Some(p) = tree.parent[i] {
                let p = &trace.spans[p as usize];
                assert!(span.parent == Some(p.span_id) || (span.shared && p.span_id == span.span_id), "{}: parent of {i}", f.file);
            }
        }
    }
}

#[test]
fn jaeger_v1_keeps_tags_references_logs_and_warnings() {
    let trace = &parse("jaeger/v1-ui_01.json").traces[0];
    assert_eq!(trace.trace_id.to_hex(), "00000000000000000000000000000001");
    let tagged = &trace.spans[1];
    let cases: &[(&str, AttrValue)] = &[
        ("peer.ipv4", AttrValue::Int(23456)),
        ("error", AttrValue::Bool(true)),
        ("temperature", AttrValue::Double(72.5)),
        ("javascript_limit", AttrValue::Int(9_223_372_036_854_775_222)),
        ("blob", AttrValue::Bytes("AAAwOQ==".into())),
    ];
    for (key, value) in cases {
        assert_eq!(attr(&tagged.attributes, key), Some(value), "tag {key}");
    }
    assert!(tagged.is_error());
    let first = &trace.spans[0];
    assert_eq!((first.service.as_str(), first.start_us, first.duration_us), ("service-x", 1_485_467_191_639_875, 5));
    assert_eq!(first.events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["some-event", ""]);
    // The first same-trace CHILD_OF is the parent; the other references become links.
    let refs = &trace.spans[3];
    assert_eq!(refs.parent.map(|p| p.to_hex()).as_deref(), Some("0000000000000002"));
    let links: Vec<(String, String)> = refs.links.iter().map(|l| (l.kind.clone(), l.span_id.to_hex())).collect();
    assert_eq!(links, [("CHILD_OF".to_string(), "00000000000000ff".to_string()), ("FOLLOWS_FROM".into(), "0000000000000002".into())]);
    assert!(trace.warnings.contains(&"some trace warning".to_string()));
    assert!(trace.warnings.contains(&"span 0000000000000004: some span warning".to_string()));
    // Children of the duplicated id 2 hang under its first span.
    let tree = SpanTree::build(&trace.spans);
    assert_eq!(tree.children(0), [2, 3]);
    assert_eq!(tree.children(3), [4]);
    assert!(tree.warnings.iter().any(|w| w.contains("reuse the id")));
}

#[test]
fn tempo_base64_ids_enum_names_and_nanoseconds() {
    let trace = &parse("tempo/trace-by-id-failed-requests.json").traces[0];
    assert_eq!(trace.trace_id.to_hex(), "e8b6dff9f8d44b28f1b22bc3bd2f6768");
    let root = &trace.spans[0];
    assert_eq!((root.name.as_str(), root.kind, root.span_id.to_hex()), ("requester", SpanKind::Client, "9007fea484554ad7".to_string()));
    // 1658325672496201216 ns → 1658325672496201 µs; 1658325672511518720 − start = 15317504 ns → 15317 µs.
    assert_eq!((root.start_us, root.duration_us), (1_658_325_672_496_201, 15_317));
    let kinds = |k: SpanKind| trace.spans.iter().filter(|s| s.kind == k).count();
    assert_eq!((kinds(SpanKind::Internal), kinds(SpanKind::Client), kinds(SpanKind::Server)), (8, 6, 1));
    // One resource per `resourceSpans` group (15 in this file), two distinct services.
    assert_eq!(trace.resources.len(), 15);
    let vulture = &parse("tempo/trace-by-id-vulture.json").traces[0];
    assert_eq!(vulture.spans.iter().map(|s| s.events.len()).sum::<usize>(), 18);
}

#[test]
fn otlp_and_tempo_batches_read_the_same_span() {
    for file in ["otlp/trace.json", "tempo/trace-by-id-batches-pre-2.6.json"] {
        let trace = &parse(file).traces[0];
        let s = &trace.spans[0];
        assert_eq!(trace.trace_id.to_hex(), "5b8efff798038103d269b633813fc60c", "{file}");
        assert_eq!(s.span_id.to_hex(), "eee19b7ec3c1b174", "{file}");
        assert_eq!(s.parent.map(|p| p.to_hex()).as_deref(), Some("eee19b7ec3c1b173"), "{file}");
        assert_eq!((s.start_us, s.duration_us, s.kind), (1_544_712_660_000_000, 1_000_000, SpanKind::Server), "{file}");
        assert_eq!((s.scope.as_str(), attr(&s.attributes, "my.span.attr")), ("my.library", Some(&AttrValue::Str("some value".into()))));
        let tree = SpanTree::build(&trace.spans);
        assert!(tree.warnings.iter().any(|w| w.contains("parent that is not in the trace")), "{file}");
    }
}

#[test]
fn zipkin_skew_keeps_the_shared_server_under_its_client_and_marks_it() {
    let trace = &parse("zipkin/skew.json").traces[0];
    let tree = SpanTree::build(&trace.spans);
    let shape: Vec<(u32, &str, &str)> =
        tree.order.iter().zip(&tree.depth).map(|(&s, &d)| (d, trace.spans[s as usize].name.as_str(), trace.spans[s as usize].service.as_str())).collect();
    assert_eq!(shape, [(0, "get", "servicea"), (1, "post", "servicea"), (2, "post", "serviceb"), (3, "async", "serviceb")]);
    // The server half starts 65 ms before the client that called it: skew, shown as recorded.
    assert_eq!(tree.skewed, [false, true, false, false]);
    assert_eq!(trace.spans[1].start_us, 1_470_150_004_008_761);
    assert!(tree.warnings.iter().any(|w| w.contains("clock skew")));
    assert_eq!(trace.trace_id.to_short_hex(), "1e223ff1f80f1c69");
}

#[test]
fn zipkin_tags_annotations_and_errors() {
    let trace = &parse("zipkin/smartthings-oauth-authorization.json").traces[0];
    assert_eq!(trace.spans.iter().filter(|s| s.shared).count(), 45);
    assert_eq!(trace.spans.iter().map(|s| s.events.len()).sum::<usize>(), 9);
    let tree = SpanTree::build(&trace.spans);
    assert!(tree.warnings.iter().all(|w| !w.contains("reuse the id")), "{:?}", tree.warnings);
    // One `send` client fanned out to five shared `receive` servers with its id: all five sit
    // under the client.
    let send = trace.spans.iter().position(|s| s.name == "send iot-events360").unwrap();
    let receivers: Vec<&str> = tree.children(send).into_iter().map(|c| trace.spans[c].name.as_str()).collect();
    assert_eq!(receivers, ["receive iot-events360"; 5]);
    let kafka = &parse("zipkin/messaging-kafka.json").traces[0];
    assert!(kafka.spans.iter().filter(|s| s.is_error()).all(|s| attr(&s.attributes, "error").is_some()));
    let envoy = &parse("zipkin/envoy.json").traces[0];
    assert_eq!(attr(&envoy.spans[0].attributes, "http.status_code"), Some(&AttrValue::Str("200".into())));
    assert_eq!(envoy.spans[0].kind, SpanKind::Server);
}

#[test]
fn api_v3_lists_and_summaries() {
    assert_eq!(parse_services(&fixture("jaeger/apiv3-GetServices.json")).unwrap(), ["foo"]);
    assert_eq!(
        parse_operations(&fixture("jaeger/apiv3-GetOperations.json")).unwrap(),
        [Operation { name: "get_users".into(), span_kind: "server".into() }]
    );
    let (rows, warnings) = parse_search(&fixture("jaeger/apiv3-FindTraceSummaries.json")).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(
        rows,
        [TraceSummary {
            trace_id: TraceId::parse("1").unwrap(),
            root_service: "frontend".into(),
            root_name: "HTTP GET /".into(),
            start_us: 1_000_000_000,
            duration_us: 1_000_000,
            span_count: Some(2),
            error_count: Some(1),
        }]
    );
    let parsed = parse("jaeger/apiv3-GetTrace.json");
    assert!(parsed.warnings.iter().any(|w| w.contains("no start time")), "{:?}", parsed.warnings);
}

#[test]
fn summaries_of_whole_traces() {
    let trace = &parse("zipkin/yelp.json").traces[0];
    let s = summarize(trace);
    assert_eq!((s.root_name.as_str(), s.span_count, s.error_count), ("post /location/update/v4", Some(16), Some(0)));
    assert_eq!(s.duration_us, trace.duration_us());
}

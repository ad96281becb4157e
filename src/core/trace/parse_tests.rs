//! Tests of format detection and decoding on small inline bodies: bad bodies and their
//! messages, backend error envelopes, and the encoding quirks the fixtures do not cover.
//!
//! These tests must never depend on the shared fixtures; `fixture_tests.rs` covers those.

use crate::core::trace::*;

fn err(body: &str) -> TraceError {
    parse_any(body.as_bytes()).expect_err(body)
}

#[test]
fn bad_bodies_fail_with_messages_that_say_what_came_back() {
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("  \n\t", "empty"),
        ("<!DOCTYPE html><html><body>Sign in</body></html>", "HTML page"),
        ("<html>502 Bad Gateway</html>", "HTML page"),
        ("trace not found", "backend answered with an error: trace not found"),
        ("{\"data\": [", "cut off"),
        ("{\"resourceSpans\": [}", "not JSON"),
        ("{}", "an empty object"),
        ("{\"status\": \"success\", \"data\": {\"resultType\": \"matrix\"}}", "not a list of traces"),
        ("{\"traces\": [], \"metrics\": {}}", "search result list"),
        ("{\"services\": [\"a\"]}", "services or operations list"),
        ("{\"foo\": 1, \"bar\": 2}", "top-level keys bar, foo"),
        ("[1, 2]", "Zipkin JSON is damaged"),
    ];
    for (body, needle) in cases {
        let message = err(body).to_string();
        assert!(message.contains(needle), "body {body:?} gave {message:?}, expected it to mention {needle:?}");
    }
}

#[test]
fn backend_error_envelopes() {
    let v1 = r#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"unable to parse param 'start'"}]}"#;
    assert_eq!(err(v1), TraceError::Backend("unable to parse param 'start' (code 400)".into()));
    let v3 = r#"{"error":{"httpCode":500,"message":"storage down"}}"#;
    assert_eq!(err(v3), TraceError::Backend("storage down".into()));
    // api_v3 says "no traces" with a 404 body: an empty result, not a failure.
    let none = parse_any(br#"{"error":{"httpCode":404,"message":"No traces found"}}"#).unwrap();
    assert_eq!(none, (vec![], vec!["No traces found".to_string()]));
    // A multi-id fetch lists missing ids in `errors` and still returns the others.
    let partial = r#"{"data":[{"traceID":"1","spans":[{"spanID":"2","operationName":"x","startTime":5,"duration":1}],"processes":{}}],
        "errors":[{"code":404,"msg":"trace not found","traceID":"99"}]}"#;
    let (traces, warnings) = parse_any(partial.as_bytes()).unwrap();
    assert_eq!((traces.len(), warnings), (1, vec!["trace not found (trace 99)".to_string()]));
}

#[test]
fn otlp_quirks_enums_numbers_legacy_names_and_json_lines() {
    let body = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
      "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[
        {"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","name":"a","kind":"SPAN_KIND_PRODUCER",
         "startTimeUnixNano":1718000000123456789,"endTimeUnixNano":"1718000000223456789",
         "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
         "attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"d","value":{"doubleValue":"NaN"}},
           {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"boolValue":true}]}}},
           {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"intValue":7}}]}}}],
         "events":[{"timeUnixNano":"1718000000150000000","name":"retry"}],
         "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"},{"traceId":"bad","spanId":"x"}]}]}]}]}
    {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000002","spanId":"03","name":"b","kind":4,
         "startTimeUnixNano":"10","endTimeUnixNano":"5"}]}]}]}"#;
    let parsed = parse_detailed(body.as_bytes()).unwrap();
    assert_eq!((parsed.format, parsed.traces.len()), (TraceFormat::Otlp, 2));
    let a = &parsed.traces[0].spans[0];
    assert_eq!((a.kind, a.status, a.status_message.as_str(), a.scope.as_str()), (SpanKind::Producer, Status::Error, "boom", "old"));
    assert_eq!((a.start_us, a.duration_us, a.service.as_str()), (1_718_000_000_123_456, 100_000, "api"));
    assert_eq!(attr(&a.attributes, "n"), Some(&AttrValue::Int(42)));
    assert!(matches!(attr(&a.attributes, "d"), Some(AttrValue::Double(d)) if d.is_nan()));
    assert_eq!(attr(&a.attributes, "arr").unwrap().display(), "[x, true]");
    assert_eq!(attr(&a.attributes, "kv"), Some(&AttrValue::Map(vec![("k".into(), AttrValue::Int(7))])));
    assert_eq!((a.events[0].time_us, a.events[0].name.as_str()), (1_718_000_000_150_000, "retry"));
    assert_eq!(a.links.len(), 1);
    let b = &parsed.traces[1].spans[0];
    assert_eq!((b.kind, b.duration_us, b.span_id.to_hex()), (SpanKind::Producer, 0, "0000000000000003".to_string()));
    assert!(parsed.warnings.iter().any(|w| w.contains("link with unusable ids")), "{:?}", parsed.warnings);
    assert!(parsed.warnings.iter().any(|w| w.contains("ends before it starts")), "{:?}", parsed.warnings);
}

#[test]
fn bad_spans_become_warnings_not_failures() {
    let body = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"00000000000000000000000000000000","spanId":"01","name":"zero"},
        {"traceId":"01","name":"no span id"},
        {"traceId":"01","spanId":"02","name":"ok","startTimeUnixNano":"1000"}]},
        {"spans":{"not":"a list"}}]}]}"#;
    let (traces, warnings) = parse_any(body.as_bytes()).unwrap();
    assert_eq!(traces[0].spans.len(), 1);
    let joined = warnings.join("\n");
    for needle in ["\"zero\" was skipped", "all zeros", "\"no span id\" was skipped", "not a list"] {
        assert!(joined.contains(needle), "{needle} in {joined}");
    }
    // Thousands of bad spans give a capped list of warnings.
    let many: Vec<String> = (0..500).map(|i| format!("{{\"traceId\":\"zz\",\"spanId\":\"{i:x}\"}}")).collect();
    let body = format!("{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}", many.join(","));
    let (_, warnings) = parse_any(body.as_bytes()).unwrap();
    assert_eq!(warnings.len(), MAX_WARNINGS + 1);
    assert!(warnings.last().unwrap().contains("480 more"));
}

#[test]
fn tempo_v2_and_partial_traces() {
    let body = r#"{"trace":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAE=",
        "name":"x","startTimeUnixNano":"1000","endTimeUnixNano":"3000"}]}]}]},"status":"PARTIAL","message":"too many spans"}"#;
    let parsed = parse_detailed(body.as_bytes()).unwrap();
    assert_eq!((parsed.format, parsed.traces[0].spans[0].duration_us), (TraceFormat::TempoV2, 2));
    assert_eq!(parsed.warnings, ["Tempo returned a PARTIAL trace: too many spans"]);
}

#[test]
fn zipkin_lists_of_traces_and_untimed_spans() {
    let body = r#"[[{"traceId":"a","id":"1","name":"x","timestamp":100,"duration":10,"localEndpoint":{"serviceName":"s"},
        "tags":{"error":"timeout"},"annotations":[{"timestamp":105,"value":"ws"}]},
        {"traceId":"a","id":"2","parentId":"1","name":"y"}],
        [{"traceId":"b","id":"1","name":"z","timestamp":7}]]"#;
    let parsed = parse_detailed(body.as_bytes()).unwrap();
    assert_eq!((parsed.format, parsed.traces.len()), (TraceFormat::Zipkin, 2));
    let x = &parsed.traces[0].spans[0];
    assert_eq!((x.status, x.status_message.as_str(), x.events[0].name.as_str()), (Status::Error, "timeout", "ws"));
    assert_eq!(parsed.traces[0].spans[1].start_us, 100);
    assert!(parsed.warnings[0].contains("no timestamp"), "{:?}", parsed.warnings);
}

#[test]
fn jaeger_bare_trace_with_otel_status_and_embedded_process() {
    let body = r#"{"traceID":"ab","spans":[{"traceID":"ab","spanID":"1","operationName":"x","startTime":"1718000000000001","duration":3,
        "tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},{"key":"otel.status_description","type":"string","value":"bad"},
                {"key":"span.kind","type":"string","value":"client"}],
        "references":null,"logs":null,"process":{"serviceName":"emb","tags":[]}}],"processes":null,"warnings":null}"#;
    let parsed = parse_detailed(body.as_bytes()).unwrap();
    let s = &parsed.traces[0].spans[0];
    assert_eq!(parsed.format, TraceFormat::JaegerV1);
    assert_eq!((s.status, s.status_message.as_str(), s.kind, s.service.as_str()), (Status::Error, "bad", SpanKind::Client, "emb"));
    assert_eq!(s.start_us, 1_718_000_000_000_001);
}

#[test]
fn services_operations_and_tempo_search() {
    let cases: &[(&str, &[&str])] = &[
        (r#"{"data":["redis","frontend","redis"],"total":3}"#, &["frontend", "redis"]),
        (r#"{"data":null,"total":0}"#, &[]),
        (r#"["b","a"]"#, &["a", "b"]),
        (r#"{"tagValues":["t"]}"#, &["t"]),
    ];
    for (body, expected) in cases {
        assert_eq!(parse_services(body.as_bytes()).unwrap(), *expected, "{body}");
    }
    assert!(matches!(parse_services(b"{\"x\":1}"), Err(TraceError::WrongShape { .. })));
    let ops = parse_operations(br#"{"tagValues":[{"type":"string","value":"GET /"}]}"#).unwrap();
    assert_eq!(ops[0].name, "GET /");
    let ops = parse_operations(br#"{"data":["b","a"]}"#).unwrap();
    assert_eq!(ops.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    let search = r#"{"traces":[
        {"traceID":"7c2e0a91f4d3b8","rootServiceName":"gateway","rootTraceName":"POST /pay","startTimeUnixNano":"1718000000500000000",
         "durationMs":812,"serviceStats":{"gateway":{"spanCount":5,"errorCount":1},"db":{"spanCount":2}}},
        {"traceID":"01","startTimeUnixNano":"1718000009000000000"},
        {"traceID":"nope"}],
      "metrics":{"completedJobs":3,"totalJobs":4}}"#;
    let (rows, warnings) = parse_search(search.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].trace_id.to_hex(), "00000000000000000000000000000001", "newest first");
    let pay = &rows[1];
    assert_eq!(pay.trace_id.to_hex(), "0000000000000000007c2e0a91f4d3b8");
    assert_eq!((pay.start_us, pay.duration_us, pay.span_count, pay.error_count), (1_718_000_000_500_000, 812_000, Some(7), Some(1)));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(matches!(parse_search(b"<html>"), Err(TraceError::Html)));
}

//! Tests of `response.rs`: answer bodies in, frames, lists or errors out.
//!
//! Every body here was written by hand after the shapes in the Prometheus API reference;
//! none is a captured response. These tests must never depend on a running server.

use super::*;

const JSON: Option<&str> = Some("application/json");

fn series(labels: &[(&str, &str)], samples: &[(i64, f64)]) -> Series {
    Series {
        labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        times: samples.iter().map(|(t, _)| *t).collect(),
        values: samples.iter().map(|(_, v)| *v).collect(),
    }
}

/// Compares frames with NaN equal to NaN.
fn same_frame(actual: &Frame, expected: &Frame) -> bool {
    let same_values = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
    };
    actual.step_ms == expected.step_ms
        && actual.notices == expected.notices
        && actual.series.len() == expected.series.len()
        && actual.series.iter().zip(&expected.series).all(|(a, b)| {
            a.labels == b.labels && a.times == b.times && same_values(&a.values, &b.values)
        })
}

fn check_range(body: &str, expected: Result<Frame, PromError>) {
    let actual = parse_query_range(200, JSON, body.as_bytes(), 15_000);
    match (&actual, &expected) {
        (Ok(a), Ok(e)) => assert!(same_frame(a, e), "input: {body}\nactual: {a:?}\nexpected: {e:?}"),
        _ => assert_eq!(actual, expected, "input: {body}"),
    }
}

fn check_error(status: u16, content_type: Option<&str>, body: &str, expected: PromError) {
    let actual = parse_query_range(status, content_type, body.as_bytes(), 15_000);
    assert_eq!(actual, Err(expected), "input: HTTP {status} {content_type:?} {body:?}");
}

#[test]
fn matrix_with_special_values_and_gaps() {
    let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"job":"db","__name__":"up"},"values":[[1718000000,"1"]]},
        {"metric":{"job":"api","__name__":"up"},"values":[[1718000000,"0.25"],[1718000015,"NaN"],
         [1718000030,"+Inf"],[1718000060.123,"-Inf"],[1718000075,"1e-07"]]}]}}"#;
    let api = series(
        &[("__name__", "up"), ("job", "api")],
        &[
            (1_718_000_000_000, 0.25),
            (1_718_000_015_000, f64::NAN),
            (1_718_000_030_000, f64::INFINITY),
            (1_718_000_060_123, f64::NEG_INFINITY),
            (1_718_000_075_000, 1e-7),
        ],
    );
    let db = series(&[("__name__", "up"), ("job", "db")], &[(1_718_000_000_000, 1.0)]);
    check_range(body, Ok(Frame { series: vec![api, db], step_ms: 15_000, notices: vec![] }));
}

#[test]
fn empty_matrix_and_unsorted_samples() {
    check_range(
        r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
        Ok(Frame { series: vec![], step_ms: 15_000, notices: vec![] }),
    );
    check_range(
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[30,"3"],[15,"2"],[15,"9"]]}]}}"#,
        Ok(Frame { series: vec![series(&[], &[(15_000, 2.0), (30_000, 3.0)])], step_ms: 15_000, notices: vec![] }),
    );
}

#[test]
fn warnings_infos_and_partial_answers_become_notices() {
    let body = r#"{"status":"success","warnings":["store 10.0.0.3 unavailable"],"infos":["metric might not be a counter"],
        "isPartial":true,"data":{"resultType":"matrix","result":[]}}"#;
    let notices = vec![
        "Prometheus warning: store 10.0.0.3 unavailable".to_string(),
        "Prometheus info: metric might not be a counter".to_string(),
        "The answer is partial: some storage nodes did not respond, so data may be missing.".to_string(),
    ];
    check_range(body, Ok(Frame { series: vec![], step_ms: 15_000, notices }));
}

#[test]
fn native_histograms_are_skipped_with_a_notice() {
    let h = r#"{"count":"120","sum":"33.9","buckets":[[3,"-0.001","0.001","4"],[0,"0.25","0.5","70"]]}"#;
    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[
        {{"metric":{{"job":"a"}},"histograms":[[1718000000,{h}]]}},
        {{"metric":{{"job":"b"}},"values":[[1718000000,"1"]],"histograms":[[1718000015,{h}]]}}]}}}}"#
    );
    let frame = parse_query_range(200, JSON, body.as_bytes(), 15_000).unwrap();
    assert_eq!(frame.series, vec![series(&[("job", "b")], &[(1_718_000_000_000, 1.0)])]);
    assert_eq!(frame.notices.len(), 1);
    assert!(frame.notices[0].contains("native histogram samples are not shown yet"), "{:?}", frame.notices);
    assert!(frame.notices[0].contains("for 2 series"), "{:?}", frame.notices);

    let instant = format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":[
        {{"metric":{{"job":"a"}},"histogram":[1718000000,{h}]}},{{"metric":{{"job":"b"}},"value":[1718000000,"2"]}}]}}}}"#
    );
    let answer = parse_query(200, JSON, instant.as_bytes()).unwrap();
    assert_eq!(answer.frame.series, vec![series(&[("job", "b")], &[(1_718_000_000_000, 2.0)])]);
    assert!(answer.frame.notices[0].contains("native histogram samples are not shown yet"));
}

#[test]
fn instant_results_of_every_type() {
    let vector = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"job":"b"},"value":[1718000000.123,"2"]},{"metric":{"job":"a"},"value":[1718000000.123,"1"]}]}}"#;
    let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1718000000,"42"]}}"#;
    let string = r#"{"status":"success","data":{"resultType":"string","result":[1718000000,"hello"]}}"#;
    let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}}"#;
    let frame = |series| Frame { series, step_ms: 0, notices: vec![] };
    let cases: Vec<(&str, InstantAnswer)> = vec![
        (
            vector,
            InstantAnswer {
                result_type: ResultType::Vector,
                frame: frame(vec![
                    series(&[("job", "a")], &[(1_718_000_000_123, 1.0)]),
                    series(&[("job", "b")], &[(1_718_000_000_123, 2.0)]),
                ]),
                text: None,
            },
        ),
        (
            scalar,
            InstantAnswer {
                result_type: ResultType::Scalar,
                frame: frame(vec![series(&[], &[(1_718_000_000_000, 42.0)])]),
                text: None,
            },
        ),
        (string, InstantAnswer { result_type: ResultType::String, frame: frame(vec![]), text: Some("hello".into()) }),
        (
            matrix,
            InstantAnswer {
                result_type: ResultType::Matrix,
                frame: frame(vec![series(&[], &[(1000, 1.0), (2000, 2.0)])]),
                text: None,
            },
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(parse_query(200, JSON, body.as_bytes()), Ok(expected), "input: {body}");
    }
}

#[test]
fn error_envelopes_map_by_error_type() {
    let envelope = |t: &str| format!(r#"{{"status":"error","errorType":"{t}","error":"it broke: \"x\"","data":null}}"#);
    let m = || "it broke: \"x\"".to_string();
    let cases: Vec<(u16, &str, PromError)> = vec![
        (400, "bad_data", PromError::BadData { message: m() }),
        (422, "execution", PromError::Execution { message: m() }),
        (503, "timeout", PromError::Timeout { message: m() }),
        (499, "canceled", PromError::Canceled { message: m() }),
        (500, "internal", PromError::Internal { message: m() }),
        (404, "not_found", PromError::NotFound { message: m() }),
        (500, "unavailable", PromError::Unavailable { message: m() }),
        (406, "not_acceptable", PromError::Other { status: 406, error_type: "not_acceptable".into(), message: m() }),
        (422, "422", PromError::Other { status: 422, error_type: "422".into(), message: m() }),
    ];
    for (status, error_type, expected) in cases {
        check_error(status, JSON, &envelope(error_type), expected);
    }
    // An error envelope whose data has an unexpected shape is still read as an error.
    check_error(
        400,
        JSON,
        r#"{"status":"error","errorType":"bad_data","error":"bad","data":{"resultType":42}}"#,
        PromError::BadData { message: "bad".into() },
    );
}

#[test]
fn error_messages_quote_the_server_and_say_what_to_do() {
    let body = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\"\n in label matching"}"#;
    let message = parse_query_range(400, JSON, body.as_bytes(), 15_000).unwrap_err().to_string();
    assert_eq!(
        message,
        "Prometheus rejected the query as invalid: \"1:5: parse error: unexpected \"}\" in label matching\". Fix the query or the time range."
    );
}

#[test]
fn bodies_that_are_not_prometheus_json() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center></body></html>";
    let cases: Vec<(u16, Option<&str>, &str, PromError)> = vec![
        (
            502,
            Some("text/html"),
            html,
            PromError::NotJson {
                status: 502,
                kind: "HTML",
                excerpt: "502 Bad Gateway 502 Bad Gateway nginx/1.24.0".into(),
            },
        ),
        (
            404,
            Some("text/plain; charset=utf-8"),
            "404 page not found\n",
            PromError::NotJson { status: 404, kind: "text", excerpt: "404 page not found".into() },
        ),
        (503, None, "", PromError::EmptyBody { status: 503 }),
        (200, JSON, " \n", PromError::EmptyBody { status: 200 }),
        (401, None, "", PromError::SignIn { status: 401, excerpt: String::new() }),
        (401, Some("text/plain"), "no org id", PromError::SignIn { status: 401, excerpt: "no org id".into() }),
        (
            200,
            Some("text/html"),
            "<form><input type=\"password\" name=\"p\"><button>Sign in</button></form>",
            PromError::SignIn { status: 200, excerpt: "Sign in".into() },
        ),
        (
            200,
            JSON,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]"#,
            PromError::Truncated { status: 200, bytes: 90 },
        ),
        (200, JSON, r#"{"hello":"world"}"#, PromError::WrongShape {
            status: 200,
            detail: "it has no \"status\" of success or error".into(),
        }),
        (200, JSON, "[1,2,3]", PromError::WrongShape {
            status: 200,
            detail: "it has no \"status\" of success or error".into(),
        }),
        (200, JSON, r#"{"status":"maybe"}"#, PromError::WrongShape {
            status: 200,
            detail: "its status is \"maybe\", not success or error".into(),
        }),
        (200, JSON, r#"{"status":"success"}"#, PromError::WrongShape {
            status: 200,
            detail: "it says success but has no data".into(),
        }),
    ];
    for (status, content_type, body, expected) in cases {
        check_error(status, content_type, body, expected);
    }
}

#[test]
fn html_message_reads_as_specified() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let message = parse_query_range(502, Some("text/html"), html.as_bytes(), 15_000).unwrap_err().to_string();
    assert_eq!(
        message,
        "The server answered HTTP 502 with HTML instead of Prometheus JSON; is the URL right? It starts: 502 Bad Gateway"
    );
}

#[test]
fn data_of_the_wrong_shape_is_explained() {
    let bad_value = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}"#;
    let number_value = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}}"#;
    let vector = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    for body in [bad_value, number_value] {
        match parse_query_range(200, JSON, body.as_bytes(), 15_000) {
            Err(PromError::WrongShape { status: 200, detail }) => {
                assert!(detail.starts_with("its data does not fit"), "{detail}")
            }
            other => panic!("input: {body}: {other:?}"),
        }
    }
    assert!(parse_query_range(200, JSON, bad_value.as_bytes(), 1).unwrap_err().to_string().contains("\"abc\" is not a number"));
    check_range(
        vector,
        Err(PromError::WrongShape { status: 200, detail: "a range query must return a matrix, but this is a vector".into() }),
    );
}

#[test]
fn huge_answers_are_refused_with_advice() {
    let one = r#"{"metric":{},"values":[[1,"1"]]}"#;
    let many = vec![one; MAX_SERIES + 1].join(",");
    let body = format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":[{many}]}}}}"#);
    let err = parse_query_range(200, JSON, body.as_bytes(), 15_000).unwrap_err();
    assert_eq!(err, PromError::TooManySeries { count: MAX_SERIES + 1, max: MAX_SERIES });
    assert!(err.to_string().contains("topk"), "{err}");

    let samples = vec![r#"[1,"1"]"#; MAX_SAMPLES / 2 + 1].join(",");
    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"a":"1"}},"values":[{samples}]}},{{"metric":{{"a":"2"}},"values":[{samples}]}}]}}}}"#
    );
    let err = parse_query_range(200, JSON, body.as_bytes(), 15_000).unwrap_err();
    assert_eq!(err, PromError::TooManySamples { count: MAX_SAMPLES + 2, max: MAX_SAMPLES });
}

#[test]
fn discovery_endpoints() {
    let labels = r#"{"status":"success","data":["__name__","job"]}"#;
    assert_eq!(parse_labels(200, JSON, labels.as_bytes()), Ok(vec!["__name__".to_string(), "job".to_string()]));
    assert_eq!(parse_label_values(200, JSON, br#"{"status":"success","data":null}"#), Ok(vec![]));
    assert_eq!(
        parse_label_values(200, JSON, br#"{"status":"success","data":["api","db"],"warnings":["w"]}"#),
        Ok(vec!["api".to_string(), "db".to_string()])
    );

    let series_body = r#"{"status":"success","data":[{"job":"api","__name__":"up"},{"__name__":"up"}]}"#;
    assert_eq!(
        parse_series(200, JSON, series_body.as_bytes()),
        Ok(vec![
            vec![("__name__".to_string(), "up".to_string()), ("job".to_string(), "api".to_string())],
            vec![("__name__".to_string(), "up".to_string())],
        ])
    );

    let metadata = r#"{"status":"success","data":{"up":[{"type":"gauge","help":"Target is up.","unit":""}],
        "http_requests_total":[{"type":"counter","help":"Requests.","unit":""}]}}"#;
    assert_eq!(
        parse_metadata(200, JSON, metadata.as_bytes()),
        Ok(vec![
            MetricMetadata {
                metric: "http_requests_total".into(),
                metric_type: "counter".into(),
                help: "Requests.".into(),
                unit: String::new(),
            },
            MetricMetadata { metric: "up".into(), metric_type: "gauge".into(), help: "Target is up.".into(), unit: String::new() },
        ])
    );
    assert_eq!(parse_metadata(200, JSON, br#"{"status":"success","data":{}}"#), Ok(vec![]));
}

#[test]
fn buildinfo_and_exemplars() {
    let prom = r#"{"status":"success","data":{"version":"3.5.0","revision":"abc","branch":"HEAD","buildUser":"root@x",
        "buildDate":"20250714-10:00:00","goVersion":"go1.24.5"}}"#;
    assert_eq!(
        parse_buildinfo(200, JSON, prom.as_bytes()),
        Ok(BuildInfo {
            version: Some("3.5.0".into()),
            revision: Some("abc".into()),
            branch: Some("HEAD".into()),
            build_user: Some("root@x".into()),
            build_date: Some("20250714-10:00:00".into()),
            go_version: Some("go1.24.5".into()),
            application: None,
            has_features: false,
        })
    );
    let vm = r#"{"status":"success","data":{"version":"2.24.0","revision":""}}"#;
    assert_eq!(
        parse_buildinfo(200, JSON, vm.as_bytes()),
        Ok(BuildInfo { version: Some("2.24.0".into()), ..BuildInfo::default() })
    );

    let exemplars = r#"{"status":"success","data":[{"seriesLabels":{"service":"api","__name__":"d_bucket"},
        "exemplars":[{"labels":{"trace_id":"4bf92f35"},"value":"6","timestamp":1718000000.5}]}]}"#;
    let parsed = parse_exemplars(200, JSON, exemplars.as_bytes()).unwrap();
    assert_eq!(
        parsed,
        vec![ExemplarSeries {
            series_labels: vec![("__name__".into(), "d_bucket".into()), ("service".into(), "api".into())],
            exemplars: vec![Exemplar {
                labels: vec![("trace_id".into(), "4bf92f35".into())],
                value: 6.0,
                time_ms: 1_718_000_000_500,
            }],
        }]
    );
    assert_eq!(parsed[0].exemplars[0].trace_id(), Some("4bf92f35"));
    assert_eq!(parse_exemplars(200, JSON, br#"{"status":"success","data":[]}"#), Ok(vec![]));
}

//! Tests of the fast OTLP-JSON reader: it takes plain files and always agrees with the
//! tolerant decoder (named cases, generated files and damaged ones).

use super::*;
use crate::core::trace::detect::parse_tolerant;
use crate::core::trace::{parse_detailed, synthetic_trace, to_otlp_json};
use proptest::prelude::*;

#[test]
fn takes_the_synthetic_file_and_equals_the_tolerant_decoder() {
    let text = to_otlp_json(&synthetic_trace(3_000, 11));
    let fast = read(text.as_bytes()).expect("a plain OTLP file takes the fast path");
    let tolerant = parse_tolerant(text.as_bytes()).unwrap();
    assert_eq!(fast, tolerant.traces);
    assert_eq!(parse_detailed(text.as_bytes()).unwrap(), tolerant);
}

/// A case the property test once shrank to: a span that names itself as its parent.
#[test]
fn a_span_that_is_its_own_parent_reads_as_the_tolerant_decoder_reads_it() {
    let body = r#"{"resourceSpans":[{ "scopeSpans" :[{ "spans" :[{ "traceId" :"0102030405060708090a0b0c0d0e0f10", "spanId" :"0000000000000001", "parentSpanId" :"0000000000000001", "name" :"", "kind" :1, "startTimeUnixNano" :"1700000000000000000", "attributes" :[], "events" :[], "links" :[]}]}]}]}"#;
    assert_eq!(format!("{:?}", parse_detailed(body.as_bytes())), format!("{:?}", parse_tolerant(body.as_bytes())));
}

#[test]
fn leaves_unusual_bodies_to_the_tolerant_decoder() {
    let span = r#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"a","startTimeUnixNano":"5000"}"#;
    let plain = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}}"#);
    assert!(read(plain.as_bytes()).is_some());
    let unusual = [
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}} {{"resourceSpans":[]}}"#
        ),
        format!(r#"{{"batches":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}}"#),
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}],"scopeSpans":[]}}]}}"#
        ),
        plain.replace(
            r#""startTimeUnixNano":"5000""#,
            r#""startTimeUnixNano":null"#,
        ),
        plain.replace("0102030405060708\"", "zz\""),
        plain.replace(r#""name":"a""#, r#""name":7"#),
        plain[..plain.len() - 3].to_string(),
    ];
    for body in unusual {
        assert!(read(body.as_bytes()).is_none(), "{body}");
    }
}

/// One JSON leaf or small value in one of several spellings, some of them odd.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("\"\"".to_string()),
        Just("\"  \"".to_string()),
        Just("{}".to_string()),
        Just("[1,{\"a\":null}]".to_string()),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("2.5".to_string()),
        Just("\"NaN\"".to_string()),
        Just("\"+12\"".to_string()),
        Just("\"a\\u00e9\\n\\\"b\\ud83d\\ude00\"".to_string()),
        (0i64..3_000_000).prop_map(|n| n.to_string()),
        (0i64..3_000_000).prop_map(|n| format!("\"{n}\"")),
        "[a-z .]{0,6}".prop_map(|t| format!("\"{t}\"")),
    ]
}

fn id(bytes: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::collection::vec(any::<u8>(), bytes).prop_map(|b| format!("\"{}\"", b.iter().map(|x| format!("{x:02x}")).collect::<String>())),
        1 => proptest::collection::vec(any::<u8>(), bytes).prop_map(|b| format!("\"{}\"", b.iter().map(|x| format!("{x:02X}")).collect::<String>())),
        1 => Just(format!("\"{}\"", "0".repeat(bytes * 2))),
        1 => Just("\"AAAAAAAAAAE=\"".to_string()),
        1 => Just("\"AAAAAAAAAAAAAAAAAAAAAQ==\"".to_string()),
        1 => Just("\"1a\"".to_string()),
        1 => leaf(),
    ]
}

/// An AnyValue object, sometimes with odd or several fields.
fn any_value() -> impl Strategy<Value = String> {
    let single = prop_oneof![
        "[a-z]{0,5}".prop_map(|t| format!("{{\"stringValue\":\"{t}\"}}")),
        (-50i64..50).prop_map(|n| format!("{{\"intValue\":{n}}}")),
        (-50i64..50).prop_map(|n| format!("{{\"intValue\":\"{n}\"}}")),
        Just("{\"boolValue\":false}".to_string()),
        Just("{\"doubleValue\":0.1}".to_string()),
        Just("{\"bytesValue\":\"AQI=\"}".to_string()),
        Just("{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\"},{\"intValue\":3}]}}".to_string()),
        Just("{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{\"boolValue\":true}},{\"key\":\"no value\"}]}}".to_string()),
        Just("{}".to_string()),
    ];
    prop_oneof![
        6 => single,
        1 => (leaf(), leaf()).prop_map(|(a, b)| format!("{{\"stringValue\":{a},\"intValue\":{b}}}")),
        1 => leaf().prop_map(|a| format!("{{\"doubleValue\":{a}}}")),
        1 => leaf().prop_map(|a| format!("{{\"intValue\":{a}}}")),
    ]
}

fn attributes() -> impl Strategy<Value = String> {
    let kv = prop_oneof![
        8 => ("[a-z.]{1,6}", any_value()).prop_map(|(k, v)| format!("{{\"key\":\"{k}\",\"value\":{v}}}")),
        1 => "[a-z]{1,4}".prop_map(|k| format!("{{\"key\":\"{k}\"}}")),
        1 => any_value().prop_map(|v| format!("{{\"value\":{v}}}")),
    ];
    prop_oneof![
        8 => proptest::collection::vec(kv, 0..3).prop_map(|l| format!("[{}]", l.join(","))),
        1 => leaf(),
    ]
}

/// An object from (key, value) fields in a shuffled order, with random whitespace, an
/// unknown key now and then, and rarely a repeated key.
fn object(
    fields: Vec<(String, String)>,
    order: Vec<usize>,
    spaces: Vec<u8>,
    extra: Option<String>,
    repeat: bool,
) -> String {
    let mut fields: Vec<(String, String)> = fields;
    if let Some(v) = extra {
        fields.push(("droppedAttributesCount".into(), v));
    }
    if repeat && !fields.is_empty() {
        fields.push(fields[0].clone());
    }
    let mut keyed: Vec<(usize, (String, String))> = fields
        .into_iter()
        .enumerate()
        .map(|(i, f)| (order.get(i).copied().unwrap_or(i), f))
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    let ws = |i: usize| {
        [" ", "", "\n", "\t", ""][usize::from(spaces.get(i).copied().unwrap_or(1)) % 5]
    };
    let inner: Vec<String> = keyed
        .iter()
        .enumerate()
        .map(|(i, (_, (k, v)))| format!("{}\"{k}\"{}:{v}", ws(i), ws(i + 1)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn shape() -> impl Strategy<Value = (Vec<usize>, Vec<u8>, Option<String>, bool)> {
    (
        Just((0..12).collect::<Vec<usize>>()).prop_shuffle(),
        proptest::collection::vec(any::<u8>(), 12),
        proptest::option::weighted(0.2, leaf()),
        proptest::bool::weighted(0.03),
    )
}

fn span() -> impl Strategy<Value = String> {
    let time = prop_oneof![
        6 => (1_700_000_000_000_000_000i64..1_700_000_000_100_000_000).prop_map(|n| format!("\"{n}\"")),
        2 => (1_700_000_000_000_000_000i64..1_700_000_000_100_000_000).prop_map(|n| n.to_string()),
        1 => leaf(),
    ];
    let parent =
        prop_oneof![3 => id(8), 1 => Just("\"\"".to_string()), 1 => Just("null".to_string())];
    let kind = prop_oneof![
        (0i64..7).prop_map(|n| n.to_string()),
        Just("\"SPAN_KIND_CLIENT\"".to_string()),
        Just("\"server\"".to_string()),
        leaf()
    ];
    let status = prop_oneof![
        Just("{}".to_string()),
        Just("{\"code\":2,\"message\":\"boom\"}".to_string()),
        Just("{\"code\":\"STATUS_CODE_OK\"}".to_string()),
        (leaf(), leaf()).prop_map(|(c, m)| format!("{{\"code\":{c},\"message\":{m}}}")),
    ];
    let event = (time.clone(), "[a-z]{0,4}", attributes()).prop_map(|(t, n, a)| {
        format!("{{\"timeUnixNano\":{t},\"name\":\"{n}\",\"attributes\":{a}}}")
    });
    let link = (id(16), id(8), attributes()).prop_map(|(t, s, a)| {
        format!("{{\"traceId\":{t},\"spanId\":{s},\"attributes\":{a},\"traceState\":\"x\"}}")
    });
    (
        (
            prop_oneof![
                Just("\"0102030405060708090a0b0c0d0e0f10\"".to_string()),
                Just("\"0202030405060708090a0b0c0d0e0f10\"".to_string()),
                id(16)
            ],
            id(8),
            parent,
        ),
        (
            "[a-z /]{0,8}".prop_map(|n| format!("\"{n}\"")),
            kind,
            time.clone(),
            proptest::option::weighted(0.9, time),
        ),
        (
            attributes(),
            proptest::collection::vec(event, 0..2),
            proptest::collection::vec(link, 0..2),
            proptest::option::weighted(0.5, status),
        ),
        shape(),
    )
        .prop_map(
            |(
                (t, s, p),
                (n, k, start, end),
                (a, ev, ln, st),
                (order, spaces, extra, repeat),
            )| {
                let mut f = vec![
                    ("traceId".to_string(), t),
                    ("spanId".into(), s),
                    ("parentSpanId".into(), p),
                    ("name".into(), n),
                    ("kind".into(), k),
                    ("startTimeUnixNano".into(), start),
                ];
                if let Some(e) = end {
                    f.push(("endTimeUnixNano".into(), e));
                }
                f.push(("attributes".into(), a));
                f.push(("events".into(), format!("[{}]", ev.join(","))));
                f.push(("links".into(), format!("[{}]", ln.join(","))));
                if let Some(st) = st {
                    f.push(("status".into(), st));
                }
                object(f, order, spaces, extra, repeat)
            },
        )
}

fn body() -> impl Strategy<Value = String> {
    let scope = (
        proptest::option::weighted(0.8, leaf()),
        proptest::collection::vec(span(), 0..5),
        shape(),
    )
        .prop_map(|(name, spans, (order, spaces, extra, repeat))| {
            let mut f = Vec::new();
            if let Some(n) = name {
                f.push((
                    "scope".to_string(),
                    format!("{{\"name\":{n},\"version\":\"1\"}}"),
                ));
            }
            f.push(("spans".into(), format!("[{}]", spans.join(","))));
            object(f, order, spaces, extra, repeat)
        });
    let resource = (
        proptest::option::weighted(0.8, attributes()),
        proptest::collection::vec(scope, 0..3),
        shape(),
    )
        .prop_map(|(attrs, scopes, (order, spaces, extra, repeat))| {
            let mut f = Vec::new();
            if let Some(a) = attrs {
                f.push(("resource".to_string(), format!("{{\"attributes\":{a}}}")));
            }
            f.push(("scopeSpans".into(), format!("[{}]", scopes.join(","))));
            object(f, order, spaces, extra, repeat)
        });
    proptest::collection::vec(resource, 0..3)
        .prop_map(|r| format!("{{\"resourceSpans\":[{}]}}", r.join(",")))
}

/// Equality that also holds for NaN attribute values.
fn same(body: &[u8]) -> Result<(), TestCaseError> {
    let fast = format!("{:?}", parse_detailed(body));
    let tolerant = format!("{:?}", parse_tolerant(body));
    prop_assert_eq!(fast, tolerant);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 800, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn equals_the_tolerant_decoder_on_generated_files(body in body()) {
        same(body.as_bytes())?;
    }

    #[test]
    fn equals_the_tolerant_decoder_on_damaged_files(body in body(), cut in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let b = body.as_bytes();
        same(&b[..cut.index(b.len() + 1)])?;
        let mut flipped = b.to_vec();
        let i = at.index(flipped.len());
        flipped[i] = byte;
        same(&flipped)?;
    }
}

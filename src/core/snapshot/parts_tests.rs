//! Round trips of a snapshot's health and trace parts, and the size cap.

use super::tests::sample;
use super::*;
use crate::core::health::{Check, Format, HealthState, Polled, ProbeResult, RawAnswer};
use crate::core::spec::{Panel, PanelDef, TraceSearchSpec, WaterfallSpec};
use crate::core::trace::{
    AttrValue, Event, Resource, Span, SpanId, SpanKind, Status, Trace, TraceId, TraceSummary,
};
use serde_json::json;

fn poll(service: &str, state: HealthState, at: i64) -> HealthPoll {
    let mut check = Check::new("db", state, "DOWN").with_reason("out_of_service");
    check.observed_at_ms = Some(at - 500);
    check.details = vec![("error".into(), "<b>no</b> \"quotes\"".into())];
    check.group = Some("storage".into());
    HealthPoll {
        datasource: "health".into(),
        polled: Polled {
            probe: ProbeResult {
                service: service.into(),
                http_status: Some(503),
                format: Format::Spring,
                checks: vec![check, Check::new("self", HealthState::Ok, "UP")],
                overall: state,
                warnings: vec!["a note".into()],
            },
            polled_at_ms: at,
            raw: Some(RawAnswer::received(
                "http://127.0.0.1:1/health",
                503,
                Some("application/json"),
                b"{\"status\":\"DOWN\"}",
                12,
            )),
        },
        history: Vec::new(),
    }
}

fn trace() -> Trace {
    let tid = TraceId::parse("0af7651916cd43dd8448eb211c80319c").unwrap();
    let root_id = SpanId::parse("b7ad6b7169203331").unwrap();
    let mut resources = vec![Resource {
        service: "gateway".into(),
        attributes: vec![("host".into(), AttrValue::Str("a".into()))],
    }];
    resources.push(Resource {
        service: "orders".into(),
        attributes: Vec::new(),
    });
    let mut root = Span::new(tid, root_id, 1_700_000_000_000_000, 250_000);
    root.name = "GET /checkout".into();
    root.service = "gateway".into();
    root.resource = Some(0);
    root.kind = SpanKind::Server;
    root.attributes = vec![
        ("http.status_code".into(), AttrValue::Int(500)),
        ("retry".into(), AttrValue::Bool(true)),
    ];
    let mut child = Span::new(
        tid,
        SpanId::parse("00f067aa0ba902b7").unwrap(),
        1_700_000_000_010_000,
        120_000,
    );
    child.parent = Some(root_id);
    child.name = "insert \"order\"".into();
    child.service = "orders".into();
    child.resource = Some(1);
    child.kind = SpanKind::Client;
    child.status = Status::Error;
    child.status_message = "deadlock".into();
    child.events = vec![Event {
        time_us: 1_700_000_000_020_000,
        name: "retrying".into(),
        attributes: Vec::new(),
    }];
    Trace {
        trace_id: tid,
        spans: vec![root, child],
        resources,
        warnings: Vec::new(),
    }
}

fn with_parts() -> Snapshot {
    let mut s = sample();
    for (id, def) in [
        ("search", PanelDef::TraceSearch(TraceSearchSpec::default())),
        ("wf", PanelDef::Waterfall(WaterfallSpec::default())),
    ] {
        s.dashboard.panels.push(Panel {
            id: id.into(),
            title: id.into(),
            datasource: "jaeger".into(),
            def,
        });
    }
    let t = trace();
    let row = TraceSummary {
        trace_id: t.trace_id,
        root_service: "gateway".into(),
        root_name: "GET /checkout".into(),
        start_us: 1_700_000_000_000_000,
        duration_us: 250_000,
        span_count: Some(2),
        error_count: None,
    };
    s.health = vec![
        poll("payments", HealthState::Fail, 4_590_000),
        poll("cart", HealthState::Ok, 4_595_000),
    ];
    s.traces = vec![
        TracePanel {
            panel: "search".into(),
            results: Some((vec![row], vec!["partial search".into()])),
            trace: None,
        },
        TracePanel {
            panel: "wf".into(),
            results: None,
            trace: Some((t, vec!["one warning".into()])),
        },
    ];
    s
}

#[test]
fn health_polls_and_trace_panels_round_trip() {
    let s = with_parts();
    let text = encode_bounded(&s).unwrap();
    let (back, warnings) = decode(&text).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(back.health, s.health);
    assert_eq!(back.trace_panel("search"), s.trace_panel("search"));
    let (got, notes) = back.trace_panel("wf").unwrap().trace.clone().unwrap();
    let (want, _) = s.trace_panel("wf").unwrap().trace.clone().unwrap();
    assert_eq!(notes, vec!["one warning".to_string()]);
    assert_eq!(got.trace_id, want.trace_id);
    assert_eq!(got.spans.len(), 2);
    for (g, w) in got.spans.iter().zip(&want.spans) {
        assert_eq!(
            (g.span_id, g.parent, g.start_us, g.duration_us),
            (w.span_id, w.parent, w.start_us, w.duration_us)
        );
        assert_eq!(
            (&g.name, &g.service, g.kind, g.status),
            (&w.name, &w.service, w.kind, w.status)
        );
        assert_eq!(g.status_message, w.status_message);
        for (k, v) in &w.attributes {
            assert_eq!(crate::core::trace::attr(&g.attributes, k), Some(v), "{k}");
        }
    }
    assert_eq!(got.spans[1].events[0].name, "retrying");
    // Encoding again gives the same text: nothing drifts on a second export.
    assert_eq!(encode(&back), encode(&decode(&encode(&back)).unwrap().0));
}

#[test]
fn damaged_health_and_trace_parts_are_warnings() {
    let mut v: Value = serde_json::from_str(&encode(&with_parts())).unwrap();
    v["health"]
        .as_array_mut()
        .unwrap()
        .push(json!({"service": "x"}));
    v["traces"]
        .as_array_mut()
        .unwrap()
        .push(json!({"panel": "gone", "results": []}));
    v["traces"][1]["trace"] = json!({"data": "nonsense"});
    let (s, warnings) = decode(&v.to_string()).unwrap();
    assert_eq!(s.health.len(), 2);
    assert_eq!(s.traces.len(), 1, "only the search rows survive");
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("unknown panel \"gone\"")));
}

#[test]
fn a_schema_1_file_without_health_or_traces_opens_with_empty_parts() {
    let text = encode(&sample());
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("health");
    obj.remove("traces");
    let (s, warnings) = decode(&v.to_string()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(s.health.is_empty() && s.traces.is_empty());
}

#[test]
fn a_snapshot_over_the_size_cap_is_refused_with_a_clear_message() {
    let mut s = sample();
    let mut big = poll("huge", HealthState::Warn, 1);
    big.polled.probe.warnings = vec!["x".repeat(MAX_BYTES)];
    s.health.push(big);
    let err = encode_bounded(&s).unwrap_err();
    assert!(matches!(err, SnapshotError::TooLarge { bytes } if bytes > MAX_BYTES));
    let message = err.to_string();
    assert!(
        message.contains("up to 64 MB") && message.contains("export again"),
        "{message}"
    );
}

#[test]
fn a_stored_plan_shows_stored_services_and_never_polls_unknown_ones() {
    let s = with_parts();
    let spec = crate::core::spec::HealthGridSpec {
        services: vec!["cart".into(), "ghost".into(), "cart".into()],
        ..Default::default()
    };
    let plan = stored_plan(&spec, "health", &s.health, 15);
    assert_eq!(plan.services, vec!["cart".to_string(), "ghost".to_string()]);
    assert_eq!(
        plan.targets
            .iter()
            .map(|t| t.service.as_str())
            .collect::<Vec<_>>(),
        vec!["cart"]
    );
    assert_eq!(plan.unlisted, vec!["ghost".to_string()]);
    assert!(plan.error.is_none());
    // A panel that names no services shows every stored one of its datasource.
    let all = stored_plan(&Default::default(), "health", &s.health, 15);
    assert_eq!(
        all.services,
        vec!["payments".to_string(), "cart".to_string()]
    );
    assert!(stored_plan(&Default::default(), "other", &s.health, 15)
        .services
        .is_empty());
}

#[test]
fn the_stored_incident_board_snapshot_keeps_opening() {
    // Exported by tests/e2e/snapshot.test.cjs against the fixture backends; future versions
    // must keep reading it.
    let text = include_str!("../../../tests/fixtures/snapshots/schema1-incident-health-traces.json");
    let (s, warnings) = decode(text).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(s.dashboard.title, "Incident board");
    let orders = s.health.iter().find(|p| p.polled.probe.service == "orders").unwrap();
    let db = orders.polled.probe.checks.iter().find(|c| c.name == "myDB").unwrap();
    assert_eq!((db.state, db.reason.as_deref()), (HealthState::Fail, Some("timeout")));
    assert!(orders.polled.polled_at_ms <= s.taken_at_ms);
    assert_eq!(s.health.len(), 3);
    let (rows, _) = s.trace_panel("ts").unwrap().results.clone().unwrap();
    assert_eq!((rows.len(), rows[0].root_name.as_str(), rows[0].span_count), (1, "test-general-conversion", Some(5)));
    let (trace, _) = s.trace_panel("w").unwrap().trace.clone().unwrap();
    assert_eq!((trace.spans.len(), trace.error_count()), (5, 1));
    assert_eq!(trace.services(), vec!["service-x".to_string(), "service-y".to_string()]);
}

#[test]
fn a_health_poll_keeps_its_checks_history_and_replays_it_oldest_first() {
    use crate::core::health::{HealthData, HISTORY_LEN};
    let mut p = poll("orders", HealthState::Fail, 100_000);
    let db: Vec<(i64, HealthState)> = (0..70)
        .map(|i| (30_000 + i * 1_000, if i % 2 == 0 { HealthState::Ok } else { HealthState::Fail }))
        .chain([(100_000, HealthState::Fail)])
        .collect();
    p.history = vec![
        CheckHistory { check: "db".into(), polls: db.clone() },
        CheckHistory { check: "self".into(), polls: vec![(99_000, HealthState::Ok), (100_000, HealthState::Ok)] },
    ];
    let mut v = health::poll_value(&p);
    v["history"].as_array_mut().unwrap().push(json!({"polls": []}));
    v["history"][0]["polls"].as_array_mut().unwrap().push(json!(["late", "ok"]));
    let back = health::poll(&v).unwrap();
    // The newest HISTORY_LEN polls per check are kept; damaged entries are skipped.
    assert_eq!(back.history.len(), 2);
    assert_eq!(back.history[0].polls.len(), HISTORY_LEN);
    assert_eq!(back.history[0].polls[..], db[db.len() - HISTORY_LEN..]);
    assert_eq!(back.history[1], p.history[1]);
    // Replaying rebuilds the grid's history strips and ends with the stored poll itself.
    let polls = back.replay();
    assert_eq!(polls.last(), Some(&p.polled));
    assert!(polls.windows(2).all(|w| w[0].polled_at_ms < w[1].polled_at_ms));
    let mut data = HealthData::default();
    polls.into_iter().for_each(|x| data.record("health", x));
    let book = &data.books["health"];
    let strip: Vec<(i64, HealthState)> = book.get("orders", "db").unwrap().entries().collect();
    assert_eq!(strip[..], db[db.len() - HISTORY_LEN..]);
    assert_eq!(book.get("orders", "self").unwrap().len(), 2);
    assert_eq!(data.get("health", "orders"), Some(&p.polled));
    // A poll stored without history (an older snapshot) replays as itself alone.
    let old = health::poll(&json!({"datasource": "h", "service": "s", "polled_at_ms": 5})).unwrap();
    assert!(old.history.is_empty());
    assert_eq!(old.replay().len(), 1);
}

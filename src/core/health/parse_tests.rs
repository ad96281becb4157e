//! Table-driven tests of `parse`: every format with realistic bodies from §5 of the
//! telemetry reference, the HTTP-versus-body rules, unreadable bodies and hints.
//!
//! Tests only; nothing here may be used by production code.

// Case tables are clearer written inline.
#![allow(clippy::type_complexity)]

use super::model::{Format, ProbeResult, SELF_CHECK};
use super::parse::parse;
use super::state::HealthState::{self, *};

fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
    assert_eq!(actual, expected, "input: {input:?}");
}

/// A cell as (name, state, raw word, reason), for compact expectations.
type Cell<'a> = (&'a str, HealthState, &'a str, Option<&'a str>);

fn cells(r: &ProbeResult) -> Vec<(String, HealthState, String, Option<String>)> {
    r.checks
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.state,
                c.raw_status.clone(),
                c.reason.clone(),
            )
        })
        .collect()
}

fn expect(cells_: &[Cell<'_>]) -> Vec<(String, HealthState, String, Option<String>)> {
    cells_
        .iter()
        .map(|(n, s, r, why)| (n.to_string(), *s, r.to_string(), why.map(str::to_string)))
        .collect()
}

fn run(code: Option<u16>, ct: Option<&str>, body: &str, hint: Option<&str>) -> ProbeResult {
    parse("svc", code, ct, body.as_bytes(), hint)
}

const LIST: &str = r#"[ { "Name": "myDB",  "Status": "TIMEOUT", "StatusTime": "2019-07-19T09:27:56.45Z" },
  { "Name": "kafka", "Status": "OK",      "StatusTime": "2019-07-19T09:27:57.02Z" } ]"#;

const IETF: &str = r#"{ "status": "warn", "version": "2", "releaseId": "2.4.1", "serviceId": "orders",
  "checks": {
    "postgres:responseTime": [ { "componentId": "pg-primary", "componentType": "datastore",
        "observedValue": 870, "observedUnit": "ms", "status": "warn",
        "time": "2026-08-20T10:15:02Z", "output": "slow queries" } ],
    "cpu:utilization": [ { "componentId": "node-a", "componentType": "system",
        "observedValue": 41, "observedUnit": "percent", "status": "pass",
        "time": "2026-08-20T10:15:00Z" },
      { "componentId": "node-b", "componentType": "system",
        "observedValue": 97, "observedUnit": "percent", "status": "fail",
        "time": "2026-08-20T10:15:00Z" } ] } }"#;

const SPRING: &str = r#"{ "status": "DOWN",
  "components": {
    "db": { "status": "DOWN", "details": { "database": "PostgreSQL", "error": "Connection refused" } },
    "diskSpace": { "status": "UP", "details": { "total": 499963174912, "free": 91234567890, "threshold": 10485760 } },
    "ping": { "status": "UP" } } }"#;

const SPRING_COMPOSITE: &str = r#"{ "status": "OUT_OF_SERVICE",
  "components": {
    "db": { "status": "UP", "components": {
        "primary": { "status": "UP", "details": { "database": "PostgreSQL" } },
        "replica": { "status": "FATAL" } } },
    "drain": { "status": "OUT_OF_SERVICE" } } }"#;

const SPRING_OLD: &str = r#"{ "status": "UP", "details": {
    "db": { "status": "UP", "details": { "database": "H2", "hello": 1 } },
    "diskSpace": { "status": "UP", "details": { "free": 1024 } } } }"#;

const K8S: &str = "[+]ping ok\n[+]etcd ok\n[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\n[+]informer-sync excluded: ok\nwarn: some health checks cannot be excluded: no matches for \"foo\"\nreadyz check failed\n";

const GATUS: &str = r#"[
  { "name": "frontend", "group": "core", "key": "core_frontend", "results": [
      { "status": 200, "hostname": "example.org", "duration": 56307000, "errors": [],
        "conditionResults": [ { "condition": "[STATUS] == 200", "success": true } ],
        "success": true, "timestamp": "2026-08-20T10:14:00Z" },
      { "status": 503, "hostname": "example.org", "duration": 1000000000, "errors": [],
        "conditionResults": [ { "condition": "[STATUS] == 200", "success": false },
                              { "condition": "[RESPONSE_TIME] < 500", "success": false } ],
        "success": false, "timestamp": "2026-08-20T10:15:00Z" } ], "events": [] },
  { "name": "api", "group": "core", "key": "core_api", "results": [
      { "status": 200, "success": true, "timestamp": "2026-08-20T10:15:00Z", "conditionResults": [] } ] },
  { "name": "new", "group": "", "key": "_new", "results": [] } ]"#;

#[test]
fn simple_list_format() {
    let r = run(Some(503), Some("application/json"), LIST, None);
    check("list", (r.format, r.overall), (Format::List, Fail));
    check(
        "list cells",
        cells(&r),
        expect(&[
            ("myDB", Fail, "TIMEOUT", Some("timeout")),
            ("kafka", Ok, "OK", None),
        ]),
    );
    check(
        "list time",
        r.checks[0].observed_at_ms,
        Some(1_563_528_476_450),
    );
    let odd = run(
        Some(200),
        None,
        r#"[{"name":"cache","status":"Sleepy"},{"status":"up"},7,{"Name":"q","Status":"DEGRADED","StatusTime":"yesterday"}]"#,
        None,
    );
    check(
        "tolerant list",
        cells(&odd),
        expect(&[
            ("cache", Unknown, "Sleepy", Some("unrecognised_status")),
            ("#2", Ok, "up", None),
            ("q", Warn, "DEGRADED", None),
        ]),
    );
    check("tolerant list warnings", odd.warnings.len(), 4);
}

#[test]
fn ietf_health_json() {
    let r = run(Some(200), Some("application/health+json"), IETF, None);
    check("ietf", (r.format, r.overall), (Format::Ietf, Fail));
    check(
        "ietf cells",
        cells(&r),
        expect(&[
            ("cpu:utilization [node-a]", Ok, "pass", None),
            ("cpu:utilization [node-b]", Fail, "fail", Some("fail")),
            ("postgres:responseTime", Warn, "warn", None),
        ]),
    );
    let pg = r.check("postgres:responseTime").unwrap();
    check(
        "group",
        (pg.group.as_deref(), r.checks[0].group.as_deref()),
        (Some("postgres"), Some("cpu:utilization")),
    );
    check(
        "output kept",
        pg.details
            .iter()
            .any(|(k, v)| k == "output" && v == "slow queries"),
        true,
    );
    let bare = run(Some(200), None, r#"{"status":"pass"}"#, None);
    check(
        "bare pass",
        (bare.format, cells(&bare)),
        (Format::Ietf, expect(&[(SELF_CHECK, Ok, "pass", None)])),
    );
    let inherit = run(
        Some(200),
        None,
        r#"{"status":"pass","checks":{"uptime":[{"observedValue":1209600.245,"observedUnit":"s"}]}}"#,
        None,
    );
    check(
        "inherited",
        cells(&inherit),
        expect(&[("uptime", Ok, "pass", None)]),
    );
}

#[test]
fn spring_actuator() {
    let r = run(
        Some(503),
        Some("application/vnd.spring-boot.actuator.v3+json"),
        SPRING,
        None,
    );
    check("spring", (r.format, r.overall), (Format::Spring, Fail));
    check(
        "spring cells",
        cells(&r),
        expect(&[
            ("db", Fail, "DOWN", Some("down")),
            ("diskSpace", Ok, "UP", None),
            ("ping", Ok, "UP", None),
        ]),
    );
    check(
        "details",
        r.checks[0]
            .details
            .contains(&("error".into(), "Connection refused".into())),
        true,
    );
    let c = run(Some(503), None, SPRING_COMPOSITE, None);
    check(
        "composite",
        cells(&c),
        expect(&[
            ("db/primary", Ok, "UP", None),
            ("db/replica", Unknown, "FATAL", Some("unrecognised_status")),
            ("drain", Fail, "OUT_OF_SERVICE", Some("out_of_service")),
        ]),
    );
    check("composite group", c.checks[1].group.as_deref(), Some("db"));
    let old = run(Some(200), None, SPRING_OLD, None);
    check(
        "old details nesting",
        cells(&old),
        expect(&[("db", Ok, "UP", None), ("diskSpace", Ok, "UP", None)]),
    );
    check(
        "old details kept",
        old.checks[0]
            .details
            .contains(&("hello".into(), "1".into())),
        true,
    );
    let default = run(Some(200), None, r#"{"status":"UP"}"#, None);
    check(
        "show-details never",
        (default.format, default.overall),
        (Format::Spring, Ok),
    );
}

#[test]
fn maintenance_is_fail_with_out_of_service() {
    let r = run(Some(503), None, r#"{"status":"OUT_OF_SERVICE"}"#, None);
    check(
        "maintenance",
        cells(&r),
        expect(&[(SELF_CHECK, Fail, "OUT_OF_SERVICE", Some("out_of_service"))]),
    );
    let list = run(
        Some(200),
        None,
        r#"[{"Name":"db","Status":"MAINTENANCE"}]"#,
        None,
    );
    check(
        "list maintenance",
        cells(&list),
        expect(&[("db", Fail, "MAINTENANCE", Some("out_of_service"))]),
    );
}

#[test]
fn kubernetes_text_variants() {
    let r = run(Some(500), Some("text/plain; charset=utf-8"), K8S, None);
    check("k8s", (r.format, r.overall), (Format::Kubernetes, Fail));
    check(
        "k8s cells",
        cells(&r),
        expect(&[
            ("ping", Ok, "ok", None),
            ("etcd", Ok, "ok", None),
            (
                "poststarthook/rbac/bootstrap-roles",
                Fail,
                "failed",
                Some("failed"),
            ),
            ("informer-sync", Ok, "excluded: ok", Some("excluded")),
        ]),
    );
    check(
        "k8s group and message",
        (r.checks[2].group.as_deref(), r.checks[2].details.clone()),
        (
            Some("poststarthook"),
            vec![("message".into(), "reason withheld".into())],
        ),
    );
    check(
        "k8s note",
        r.warnings.iter().any(|w| w.contains("cannot be excluded")),
        true,
    );
    // Each case: (code, body) → (overall, cells).
    let cases: &[((u16, &str), (HealthState, &[Cell<'_>]))] = &[
        ((200, "ok"), (Ok, &[(SELF_CHECK, Ok, "ok", None)])),
        (
            (200, "[+]ping ok\n[+]log ok\nlivez check passed"),
            (Ok, &[("ping", Ok, "ok", None), ("log", Ok, "ok", None)]),
        ),
        (
            (200, "[+]ping ok\n[-]etcd failed\nhealthz check failed"),
            (
                Fail,
                &[
                    ("ping", Ok, "ok", None),
                    ("etcd", Fail, "failed", Some("failed")),
                ],
            ),
        ),
        (
            (500, "[+]ping ok\nreadyz check passed"),
            (
                Fail,
                &[
                    ("ping", Ok, "ok", None),
                    (SELF_CHECK, Fail, "readyz check passed", Some("http_500")),
                ],
            ),
        ),
        (
            (200, "livez check failed"),
            (
                Fail,
                &[(SELF_CHECK, Fail, "livez check failed", Some("failed"))],
            ),
        ),
    ];
    for ((code, body), (overall, expected)) in cases {
        let r = run(Some(*code), None, body, None);
        check(
            (code, body),
            (r.format, r.overall, cells(&r)),
            (Format::Kubernetes, *overall, expect(expected)),
        );
    }
}

#[test]
fn gatus_statuses() {
    let r = run(Some(200), Some("application/json"), GATUS, None);
    check("gatus", (r.format, r.overall), (Format::Gatus, Fail));
    check(
        "gatus cells",
        cells(&r),
        expect(&[
            (
                "frontend",
                Fail,
                "failure",
                Some("[STATUS] == 200; [RESPONSE_TIME] < 500"),
            ),
            ("api", Ok, "success", None),
            ("new", Unknown, "", Some("no_results")),
        ]),
    );
    check(
        "group",
        (r.checks[0].group.as_deref(), r.checks[2].group.as_deref()),
        (Some("core"), None),
    );
    check(
        "newest time",
        r.checks[0].observed_at_ms,
        Some(1_787_220_900_000),
    );
    check(
        "duration in ms",
        r.checks[0]
            .details
            .contains(&("duration_ms".into(), "1000".into())),
        true,
    );
    let single = run(
        Some(200),
        None,
        r#"{"name":"db","key":"_db","results":[{"success":true,"timestamp":"2026-08-20T10:15:00Z"}]}"#,
        None,
    );
    check(
        "single endpoint",
        (single.format, cells(&single)),
        (Format::Gatus, expect(&[("db", Ok, "success", None)])),
    );
}

#[test]
fn plain_http_status_with_any_body() {
    // Each case: (code, content type, body, hint) → (format, overall, reason of the self cell).
    let cases: &[(
        (Option<u16>, Option<&str>, &str, Option<&str>),
        (Format, HealthState, Option<&str>),
    )] = &[
        (
            (
                Some(200),
                Some("text/plain"),
                "Prometheus Server is Healthy.",
                None,
            ),
            (Format::Http, Ok, None),
        ),
        ((Some(200), None, "ready", None), (Format::Http, Ok, None)),
        (
            (
                Some(503),
                Some("text/plain"),
                "Ingester not ready: waiting for 15s after being ready",
                None,
            ),
            (Format::Http, Fail, Some("http_503")),
        ),
        (
            (Some(404), None, "404 page not found", None),
            (Format::Http, Unknown, Some("http_404")),
        ),
        (
            (Some(401), None, "Unauthorized", None),
            (Format::Http, Unknown, Some("http_401")),
        ),
        (
            (Some(429), None, "slow down", None),
            (Format::Http, Unknown, Some("http_429")),
        ),
        (
            (Some(204), None, "", Some("http")),
            (Format::Http, Ok, None),
        ),
        (
            (Some(200), None, "<html>whatever</html>", Some("http")),
            (Format::Http, Ok, None),
        ),
        (
            (Some(502), None, r#"{"status":"pass"}"#, Some("http")),
            (Format::Http, Fail, Some("http_502")),
        ),
        (
            (None, None, "fine", None),
            (Format::Http, Unknown, Some("no_http_status")),
        ),
    ];
    for ((code, ct, body, hint), (format, overall, why)) in cases {
        let r = run(*code, *ct, body, *hint);
        let reason = r.check(SELF_CHECK).and_then(|c| c.reason.as_deref());
        check(
            (code, body, hint),
            (r.format, r.overall, reason),
            (*format, *overall, *why),
        );
    }
}

#[test]
fn http_code_caps_the_body() {
    // Each case: (code, body) → (overall, self cell state and reason, if any).
    let cases: &[(
        (u16, &str),
        (HealthState, Option<(HealthState, Option<&str>)>),
    )] = &[
        (
            (503, r#"{"status":"pass"}"#),
            (Fail, Some((Fail, Some("http_503")))),
        ),
        (
            (500, r#"{"status":"UP"}"#),
            (Fail, Some((Fail, Some("http_500")))),
        ),
        (
            (503, r#"[{"Name":"db","Status":"OK"}]"#),
            (Fail, Some((Fail, Some("http_503")))),
        ),
        ((503, LIST), (Fail, None)),
        ((200, LIST), (Fail, None)),
        (
            (200, r#"{"status":"fail"}"#),
            (Fail, Some((Fail, Some("fail")))),
        ),
        (
            (404, r#"{"status":"pass"}"#),
            (Unknown, Some((Unknown, Some("http_404")))),
        ),
        (
            (404, r#"{"status":"fail"}"#),
            (Fail, Some((Fail, Some("fail")))),
        ),
        ((403, r#"{"status":"warn"}"#), (Warn, Some((Warn, None)))),
        ((301, r#"{"status":"pass"}"#), (Ok, Some((Ok, None)))),
    ];
    for ((code, body), (overall, self_cell)) in cases {
        let r = run(Some(*code), None, body, None);
        let s = r.check(SELF_CHECK).map(|c| (c.state, c.reason.as_deref()));
        check((code, body), (r.overall, s), (*overall, *self_cell));
    }
    let r = run(Some(503), None, r#"{"status":"pass"}"#, None);
    check(
        "contradiction warned",
        r.warnings.iter().any(|w| w.contains("contradicts")),
        true,
    );
}

#[test]
fn unreadable_bodies_are_never_green() {
    let html =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    // Each case: (code, content type, body) → (overall, self cell reason).
    let cases: &[((u16, Option<&str>, &[u8]), (HealthState, &str))] = &[
        ((200, None, b""), (Unknown, "empty_body")),
        ((200, None, b"  \n\t "), (Unknown, "empty_body")),
        ((503, None, b""), (Fail, "http_503")),
        (
            (200, Some("text/html"), html.as_bytes()),
            (Unknown, "html_page"),
        ),
        (
            (200, None, b"<html><body>Sign in</body></html>"),
            (Unknown, "html_page"),
        ),
        (
            (502, Some("text/html"), html.as_bytes()),
            (Fail, "http_502"),
        ),
        (
            (200, Some("application/json"), br#"{"status":"UP","compo"#),
            (Unknown, "unparseable_body"),
        ),
        (
            (200, None, br#"[{"Name":"db","Status":"OK"},"#),
            (Unknown, "unparseable_body"),
        ),
        (
            (200, Some("application/json"), b"all good"),
            (Unknown, "unparseable_body"),
        ),
        (
            (200, None, br#"{"hello":"world"}"#),
            (Unknown, "unrecognised_body"),
        ),
        ((200, None, br#"[1,2,3]"#), (Unknown, "unrecognised_body")),
        (
            (200, Some("application/json"), b"42"),
            (Unknown, "unrecognised_body"),
        ),
        (
            (200, None, b"\xff\xfe\x00garbage"),
            (Unknown, "unrecognised_body"),
        ),
        ((200, None, b"[]"), (Unknown, "no_checks")),
    ];
    for ((code, ct, body), (overall, why)) in cases {
        let r = parse("svc", Some(*code), *ct, body, None);
        let reason = r.check(SELF_CHECK).and_then(|c| c.reason.clone());
        check(
            (code, String::from_utf8_lossy(body)),
            (r.overall, reason),
            (*overall, Some(why.to_string())),
        );
        check(
            ("never ok", String::from_utf8_lossy(body)),
            r.overall == Ok,
            false,
        );
    }
}

#[test]
fn hints_choose_and_fall_back() {
    let r = run(Some(200), None, r#"{"status":"UP"}"#, Some("ietf"));
    check(
        "hint ietf reads UP as an alias",
        (r.format, r.overall),
        (Format::Ietf, Ok),
    );
    let r = run(Some(200), None, LIST, Some("kubernetes"));
    check(
        "wrong hint falls back",
        (
            r.format,
            r.warnings
                .iter()
                .any(|w| w.contains("configured as kubernetes")),
        ),
        (Format::List, true),
    );
    let r = run(Some(200), None, LIST, Some("soap"));
    check(
        "unknown hint",
        (
            r.format,
            r.warnings
                .iter()
                .any(|w| w.contains("\"soap\" is not known")),
        ),
        (Format::List, true),
    );
    let r = run(Some(200), None, "ok", Some("k8s"));
    check("k8s ok", (r.format, r.overall), (Format::Kubernetes, Ok));
}

#[test]
fn never_panics_on_hostile_input() {
    let deep = "[".repeat(10_000);
    let nested_spring = format!(
        "{}{}",
        r#"{"status":"UP","components":{"a":"#.repeat(40),
        r#"{"status":"UP"}"#.to_string() + &"}}".repeat(40)
    );
    let bodies: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        nested_spring.into_bytes(),
        b"\xef\xbb\xbf{\"status\":\"pass\"}".to_vec(),
        b"[+]\n[-] \n[+]x\nx check\n".to_vec(),
        br#"{"status":"pass","checks":{"a":5,"b":[1,{"status":7}],"c":{"status":"warn"}}}"#
            .to_vec(),
        br#"[{"results":"nope"},{"name":"x","results":[{"success":"yes"}]}]"#.to_vec(),
    ];
    for body in &bodies {
        for hint in [
            None,
            Some("list"),
            Some("ietf"),
            Some("spring"),
            Some("kubernetes"),
            Some("gatus"),
        ] {
            let r = parse("svc", Some(200), None, body, hint);
            check(
                (String::from_utf8_lossy(&body[..body.len().min(40)]), hint),
                r.checks.is_empty(),
                false,
            );
        }
    }
    let bom = parse("svc", Some(200), None, &bodies[2], None);
    check("bom", bom.overall, Ok);
}

//! Health for the built-in demo shop, consistent with its scripted incidents: every service
//! answers in the simple list format (a `ping` entry for itself plus one entry per
//! dependency), with HTTP 503 when a dependency is down.
//!
//! During `postgres-timeout`, inventory's postgres check is TIMEOUT (matching
//! `shop_dependency_up`) and the gateway sees inventory DEGRADED; during
//! `billing-upstream-timeout`, billing's kafka check is TIMEOUT, its postgres check SLOW and
//! transaction sees billing DEGRADED. The fraud incident leaves every health check green,
//! which is the lesson of that incident. Pure: callers pass the instant; never a clock.

use serde_json::json;

use crate::core::demo::incidents_at;
use crate::core::demo::model::{DEPENDENCIES, INFRASTRUCTURE, SERVICES};
use crate::core::demo::IncidentKind;
use crate::core::time::format_rfc3339_utc;

use super::model::{reason, Check, Format, ProbeResult, SELF_CHECK};
use super::parse::parse;
use super::state::HealthState;
use super::words::meaning;

/// The demo's scrape interval: health is judged at the same ticks as the demo's metrics,
/// so a health cell and `shop_dependency_up` never disagree.
pub const DEMO_TICK_MS: i64 = 15_000;

/// Every name the demo answers health for: the services, then the infrastructure.
pub fn demo_services() -> Vec<&'static str> {
    SERVICES
        .iter()
        .chain(INFRASTRUCTURE.iter())
        .copied()
        .collect()
}

/// The demo's health answer for `service` at `t_ms`, decoded like a real list endpoint.
pub fn demo_probe(service: &str, t_ms: i64, seed: u64) -> ProbeResult {
    let tick = t_ms.div_euclid(DEMO_TICK_MS) * DEMO_TICK_MS;
    let active: Vec<IncidentKind> = incidents_at(tick, seed)
        .into_iter()
        .map(|i| i.kind)
        .collect();
    let entries: Vec<(&str, &str)> = if SERVICES.contains(&service) {
        let deps = DEPENDENCIES.iter().filter(|(s, _)| *s == service);
        std::iter::once(("ping", "OK"))
            .chain(deps.map(|(_, d)| (*d, dependency_word(service, d, &active))))
            .collect()
    } else if INFRASTRUCTURE.contains(&service) {
        vec![("ping", infrastructure_word(service, &active))]
    } else {
        return unknown_service(service);
    };
    let time = format_rfc3339_utc(tick);
    let body: Vec<_> = entries
        .iter()
        .map(|(n, s)| json!({"Name": n, "Status": s, "StatusTime": time}))
        .collect();
    let down = entries
        .iter()
        .any(|(_, s)| meaning(s).state == HealthState::Fail);
    let code = if down { 503 } else { 200 };
    parse(
        service,
        Some(code),
        Some("application/json"),
        json!(body).to_string().as_bytes(),
        Some("list"),
    )
}

/// What `service` reports about `dependency` while `active` incidents go on.
fn dependency_word(service: &str, dependency: &str, active: &[IncidentKind]) -> &'static str {
    let during = |k: IncidentKind| active.contains(&k);
    match (service, dependency) {
        ("inventory", "postgres") if during(IncidentKind::PostgresTimeout) => "TIMEOUT",
        ("gateway", "inventory") if during(IncidentKind::PostgresTimeout) => "DEGRADED",
        ("billing", "kafka") if during(IncidentKind::BillingUpstreamTimeout) => "TIMEOUT",
        ("billing", "postgres") if during(IncidentKind::BillingUpstreamTimeout) => "SLOW",
        ("transaction", "billing") if during(IncidentKind::BillingUpstreamTimeout) => "DEGRADED",
        _ => "OK",
    }
}

/// What a piece of infrastructure reports about itself: slow while it is an incident's cause.
fn infrastructure_word(name: &str, active: &[IncidentKind]) -> &'static str {
    let during = |k: IncidentKind| active.contains(&k);
    match name {
        "postgres" if during(IncidentKind::PostgresTimeout) => "SLOW",
        "kafka" if during(IncidentKind::BillingUpstreamTimeout) => "SLOW",
        _ => "OK",
    }
}

fn unknown_service(service: &str) -> ProbeResult {
    let check =
        Check::new(SELF_CHECK, HealthState::Unknown, "").with_reason(reason::UNKNOWN_SERVICE);
    ProbeResult {
        service: service.to_string(),
        http_status: None,
        format: Format::List,
        checks: vec![check],
        overall: HealthState::Unknown,
        warnings: vec![format!(
            "the demo has no service \"{service}\"; it simulates {}",
            demo_services().join(", ")
        )],
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use crate::core::demo::incidents::window;
    use crate::core::demo::DEFAULT_SEED;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    /// The middle of the occurrence of `kind` in cycle 1000, on a tick.
    fn during(kind: IncidentKind) -> i64 {
        let (s, e) = window(kind, 1000, DEFAULT_SEED);
        let mid = (s + e) / 2;
        mid - mid.rem_euclid(DEMO_TICK_MS)
    }

    fn state_of(service: &str, check_name: &str, t: i64) -> Option<(HealthState, String)> {
        demo_probe(service, t, DEFAULT_SEED)
            .check(check_name)
            .map(|c| (c.state, c.raw_status.clone()))
    }

    #[test]
    fn demo_health_tells_the_incident_story() {
        let pg = during(IncidentKind::PostgresTimeout);
        let billing = during(IncidentKind::BillingUpstreamTimeout);
        let fraud = during(IncidentKind::FraudSwallowedException);
        let cases: &[((&str, &str, i64), (HealthState, &str))] = &[
            (("inventory", "postgres", pg), (Fail, "TIMEOUT")),
            (("gateway", "inventory", pg), (Warn, "DEGRADED")),
            (("postgres", "ping", pg), (Warn, "SLOW")),
            (("billing", "postgres", pg), (Ok, "OK")),
            (("billing", "kafka", billing), (Fail, "TIMEOUT")),
            (("billing", "postgres", billing), (Warn, "SLOW")),
            (("transaction", "billing", billing), (Warn, "DEGRADED")),
            (("inventory", "postgres", billing), (Ok, "OK")),
            (("transaction", "fraud", fraud), (Ok, "OK")),
        ];
        for ((service, name, t), (state, raw)) in cases {
            check(
                (service, name, t),
                state_of(service, name, *t),
                Some((*state, raw.to_string())),
            );
        }
        let inv = demo_probe("inventory", pg, DEFAULT_SEED);
        check(
            "503 while down",
            (inv.http_status, inv.overall, inv.format),
            (Some(503), Fail, Format::List),
        );
        check(
            "reason",
            inv.check("postgres").and_then(|c| c.reason.clone()),
            Some("timeout".into()),
        );
        check(
            "time",
            inv.check("postgres").and_then(|c| c.observed_at_ms),
            Some(pg),
        );
    }

    #[test]
    fn demo_health_agrees_with_incidents_at_every_tick() {
        // Polls on the demo's ticks, which is where health and `shop_dependency_up` are judged.
        let first = window(IncidentKind::FraudSwallowedException, 1000, DEFAULT_SEED).0 - 60_000;
        let start = first - first.rem_euclid(DEMO_TICK_MS);
        for step in 0..(30 * 60 / 15) {
            let t = start + step * DEMO_TICK_MS;
            let kinds: Vec<IncidentKind> = incidents_at(t, DEFAULT_SEED)
                .into_iter()
                .map(|i| i.kind)
                .collect();
            let pg_down = kinds.contains(&IncidentKind::PostgresTimeout);
            let kafka_down = kinds.contains(&IncidentKind::BillingUpstreamTimeout);
            check(
                ("inventory", t),
                demo_probe("inventory", t, DEFAULT_SEED).overall == Fail,
                pg_down,
            );
            check(
                ("billing", t),
                demo_probe("billing", t, DEFAULT_SEED).overall == Fail,
                kafka_down,
            );
            let quiet = !pg_down && !kafka_down;
            let all_ok = demo_services()
                .iter()
                .all(|s| demo_probe(s, t, DEFAULT_SEED).overall == Ok);
            check(("all ok when quiet", t), all_ok, quiet);
        }
        let unknown = demo_probe("mainframe", 0, DEFAULT_SEED);
        check(
            "unknown service",
            (unknown.overall, unknown.checks[0].reason.as_deref()),
            (Unknown, Some("unknown_service")),
        );
    }
}

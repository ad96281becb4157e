//! The scripted incidents: when each one happens (a fixed cycle with a seeded stagger) and
//! what it does to which endpoint, so metrics, health checks and traces tell one story.
//!
//! This file only answers "what is going on at time t". It must never compute metric
//! values (that is `signal.rs`) and never read the clock: callers pass the instant.

use super::signal::hash;

/// Every incident repeats once per cycle of this length, aligned to the Unix epoch.
pub const CYCLE_MS: i64 = 30 * 60_000;

/// The scripted incidents the demo plays out, in schedule order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// Fraud throws, catches the exception and answers 200 with an empty verdict; the
    /// transaction service rejects the empty verdict and answers 500.
    FraudSwallowedException,
    /// Kafka and postgres stop answering billing in time: billing latency climbs to
    /// seconds and timeouts (504) appear up the call chain.
    BillingUpstreamTimeout,
    /// Postgres reports TIMEOUT to inventory: inventory slows down and its postgres
    /// dependency check fails.
    PostgresTimeout,
}

/// All incident kinds, in schedule order.
pub const KINDS: [IncidentKind; 3] = [
    IncidentKind::FraudSwallowedException,
    IncidentKind::BillingUpstreamTimeout,
    IncidentKind::PostgresTimeout,
];

/// One occurrence of a scripted incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub kind: IncidentKind,
    /// A short stable identifier, e.g. `fraud-swallowed-exception`.
    pub name: &'static str,
    /// One or two sentences a person reads to understand what is wrong.
    pub description: &'static str,
    /// The service whose own metrics show the problem (health checks turn red here).
    pub service: &'static str,
    /// The component where the fault really is (a service or a piece of infrastructure).
    pub cause: &'static str,
    /// First instant of the incident, epoch ms UTC.
    pub start_ms: i64,
    /// First instant after the incident, epoch ms UTC (`start_ms < end_ms`).
    pub end_ms: i64,
}

/// How one incident changes one endpoint while it lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    pub kind: IncidentKind,
    /// Index into `model::ENDPOINTS`.
    pub endpoint: usize,
    /// The status that replaces some of the endpoint's 200s, if any.
    pub error_status: Option<&'static str>,
    /// The error rate added (and taken from the 200s), as a share of the endpoint's mean rate.
    pub error_share: f64,
    /// The rate of requests whose latency follows the slow distribution instead of the
    /// normal one, as a share of the endpoint's mean rate.
    pub slow_share: f64,
    /// Median latency of slow requests in seconds.
    pub slow_median_s: f64,
    /// Log-normal spread of slow requests.
    pub slow_sigma: f64,
}

/// Every endpoint effect of every incident. Endpoint ids refer to `model::ENDPOINTS`.
pub const EFFECTS: [Effect; 9] = [
    // Incident 1: transaction answers 500 (and the gateway passes it on); fraud looks fine.
    effect(
        IncidentKind::FraudSwallowedException,
        5,
        Some("500"),
        0.30,
        0.0,
        0.0,
        0.0,
    ),
    effect(
        IncidentKind::FraudSwallowedException,
        2,
        Some("500"),
        0.30,
        0.0,
        0.0,
        0.0,
    ),
    // Incident 2: billing waits on kafka and postgres; the wait shows up the call chain.
    effect(
        IncidentKind::BillingUpstreamTimeout,
        11,
        Some("504"),
        0.10,
        0.35,
        1.6,
        0.5,
    ),
    effect(
        IncidentKind::BillingUpstreamTimeout,
        12,
        Some("504"),
        0.08,
        0.30,
        1.6,
        0.5,
    ),
    effect(
        IncidentKind::BillingUpstreamTimeout,
        5,
        Some("504"),
        0.06,
        0.25,
        1.8,
        0.5,
    ),
    effect(
        IncidentKind::BillingUpstreamTimeout,
        2,
        Some("504"),
        0.06,
        0.25,
        1.9,
        0.5,
    ),
    // Incident 3: inventory waits on postgres; gateway item pages slow down with it.
    effect(
        IncidentKind::PostgresTimeout,
        3,
        Some("503"),
        0.04,
        0.45,
        0.6,
        0.5,
    ),
    effect(
        IncidentKind::PostgresTimeout,
        4,
        Some("503"),
        0.04,
        0.45,
        0.5,
        0.5,
    ),
    effect(
        IncidentKind::PostgresTimeout,
        0,
        Some("503"),
        0.02,
        0.30,
        0.65,
        0.5,
    ),
];

const fn effect(
    kind: IncidentKind,
    endpoint: usize,
    error_status: Option<&'static str>,
    error_share: f64,
    slow_share: f64,
    slow_median_s: f64,
    slow_sigma: f64,
) -> Effect {
    Effect {
        kind,
        endpoint,
        error_status,
        error_share,
        slow_share,
        slow_median_s,
        slow_sigma,
    }
}

impl IncidentKind {
    /// Position in [`KINDS`].
    pub fn index(self) -> usize {
        match self {
            IncidentKind::FraudSwallowedException => 0,
            IncidentKind::BillingUpstreamTimeout => 1,
            IncidentKind::PostgresTimeout => 2,
        }
    }

    /// The stable identifier.
    pub fn name(self) -> &'static str {
        match self {
            IncidentKind::FraudSwallowedException => "fraud-swallowed-exception",
            IncidentKind::BillingUpstreamTimeout => "billing-upstream-timeout",
            IncidentKind::PostgresTimeout => "postgres-timeout",
        }
    }

    fn description(self) -> &'static str {
        match self {
            IncidentKind::FraudSwallowedException => {
                "The fraud service swallows an exception and answers 200 with an empty verdict, \
                 so transaction rejects payments with 500 while fraud's own status codes look healthy."
            }
            IncidentKind::BillingUpstreamTimeout => {
                "Kafka and postgres stop answering billing in time, so billing's p99 latency climbs \
                 to seconds, 504 timeouts appear and the billing-ledger consumer lag grows."
            }
            IncidentKind::PostgresTimeout => {
                "Postgres reports TIMEOUT to inventory, so inventory latency rises, some item \
                 requests fail with 503 and inventory's postgres dependency check is down."
            }
        }
    }

    fn service(self) -> &'static str {
        match self {
            IncidentKind::FraudSwallowedException => "transaction",
            IncidentKind::BillingUpstreamTimeout => "billing",
            IncidentKind::PostgresTimeout => "inventory",
        }
    }

    fn cause(self) -> &'static str {
        match self {
            IncidentKind::FraudSwallowedException => "fraud",
            IncidentKind::BillingUpstreamTimeout => "kafka",
            IncidentKind::PostgresTimeout => "postgres",
        }
    }

    /// Earliest start within a cycle, in ms after the cycle begins.
    fn base_offset_ms(self) -> i64 {
        match self {
            IncidentKind::FraudSwallowedException => 3 * 60_000,
            IncidentKind::BillingUpstreamTimeout => 12 * 60_000,
            IncidentKind::PostgresTimeout => 22 * 60_000,
        }
    }

    /// How long every occurrence lasts. It is fixed so the time spent in incidents since
    /// the epoch has a closed form.
    pub fn duration_ms(self) -> i64 {
        match self {
            IncidentKind::FraudSwallowedException => 4 * 60_000,
            IncidentKind::BillingUpstreamTimeout => 5 * 60_000,
            IncidentKind::PostgresTimeout => 3 * 60_000,
        }
    }
}

/// The largest seeded delay added to an incident's base offset, so occurrences wander a
/// little from cycle to cycle without ever overlapping (see the test below).
const STAGGER_MS: i64 = 3 * 60_000;

/// `[start, end)` of the occurrence of `kind` in cycle number `cycle`.
pub fn window(kind: IncidentKind, cycle: i64, seed: u64) -> (i64, i64) {
    let stagger_s =
        hash(seed, 0x1c1d_0000 + kind.index() as u64, cycle as u64) % (STAGGER_MS as u64 / 1000);
    let start = cycle * CYCLE_MS + kind.base_offset_ms() + stagger_s as i64 * 1000;
    (start, start + kind.duration_ms())
}

/// True when an occurrence of `kind` is going on at `t_ms`.
pub fn active(kind: IncidentKind, t_ms: i64, seed: u64) -> bool {
    let (s, e) = window(kind, t_ms.div_euclid(CYCLE_MS), seed);
    s <= t_ms && t_ms < e
}

/// Seconds spent inside occurrences of `kind` between the epoch and `t_ms` (negative
/// before the epoch). It is continuous and non-decreasing in `t_ms`, and O(1): every
/// completed cycle contributes exactly one full duration.
pub fn elapsed_s(kind: IncidentKind, t_ms: i64, seed: u64) -> f64 {
    let cycle = t_ms.div_euclid(CYCLE_MS);
    let (s, _) = window(kind, cycle, seed);
    let partial = (t_ms - s).clamp(0, kind.duration_ms());
    (cycle as f64 * kind.duration_ms() as f64 + partial as f64) / 1000.0
}

fn occurrence(kind: IncidentKind, cycle: i64, seed: u64) -> Incident {
    let (start_ms, end_ms) = window(kind, cycle, seed);
    Incident {
        kind,
        name: kind.name(),
        description: kind.description(),
        service: kind.service(),
        cause: kind.cause(),
        start_ms,
        end_ms,
    }
}

/// The incidents going on at `t_ms` (start inclusive, end exclusive).
pub fn incidents_at(t_ms: i64, seed: u64) -> Vec<Incident> {
    let cycle = t_ms.div_euclid(CYCLE_MS);
    KINDS
        .iter()
        .map(|&k| occurrence(k, cycle, seed))
        .filter(|i| i.start_ms <= t_ms && t_ms < i.end_ms)
        .collect()
}

/// The incidents overlapping `[from_ms, to_ms)`, oldest first. At most `max` are returned
/// (the newest ones), so a huge range cannot allocate without bound.
pub fn incidents_between(from_ms: i64, to_ms: i64, seed: u64, max: usize) -> Vec<Incident> {
    if to_ms <= from_ms || max == 0 {
        return Vec::new();
    }
    let first = from_ms.div_euclid(CYCLE_MS);
    let last = (to_ms - 1).div_euclid(CYCLE_MS);
    let first = first.max(last - (max as i64 / KINDS.len() as i64 + 1));
    let mut out: Vec<Incident> = (first..=last)
        .flat_map(|c| KINDS.iter().map(move |&k| occurrence(k, c, seed)))
        .filter(|i| i.start_ms < to_ms && from_ms < i.end_ms)
        .collect();
    crate::core::sort::sort_by_key(&mut out, |i| i.start_ms);
    if out.len() > max {
        out.drain(..out.len() - max);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000 - 1_700_000_000_000 % CYCLE_MS;

    #[test]
    fn occurrences_stay_in_their_cycle_and_never_overlap() {
        for seed in [0, 1, 42, u64::MAX] {
            for cycle in -3..200 {
                let mut prev_end = cycle * CYCLE_MS;
                for k in KINDS {
                    let (s, e) = window(k, cycle, seed);
                    assert!(s >= prev_end, "{k:?} overlaps the previous incident");
                    assert_eq!(e - s, k.duration_ms());
                    prev_end = e;
                }
                assert!(prev_end <= (cycle + 1) * CYCLE_MS);
            }
        }
    }

    #[test]
    fn every_hour_shows_every_incident_and_incidents_at_agrees_with_windows() {
        let list = incidents_between(T0 + 7 * 60_000, T0 + 67 * 60_000, 42, 100);
        for k in KINDS {
            assert!(
                list.iter().any(|i| i.kind == k),
                "{k:?} missing from an hour"
            );
        }
        let i = &list[0];
        let at = incidents_at(i.start_ms + 1000, 42);
        assert_eq!(at, vec![i.clone()]);
        assert!(incidents_at(i.end_ms, 42).iter().all(|j| j.kind != i.kind));
        assert!(!i.description.is_empty() && !i.service.is_empty());
        assert!(incidents_between(0, 400 * 86_400_000, 42, 10).len() == 10);
    }

    #[test]
    fn elapsed_time_matches_a_brute_force_count() {
        let seed = 7;
        for k in KINDS {
            let a = T0 - 2 * CYCLE_MS;
            let mut brute_ms = 0i64;
            let mut t = a;
            while t < T0 + 3 * CYCLE_MS {
                if active(k, t, seed) {
                    brute_ms += 1000;
                }
                t += 1000;
                let got = elapsed_s(k, t, seed) - elapsed_s(k, a, seed);
                assert!((got - brute_ms as f64 / 1000.0).abs() < 1e-6);
            }
        }
    }
}

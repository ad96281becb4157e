//! The simulated shop's topology: services, endpoints, traffic levels, latency shapes,
//! status mixes, dependencies, Kafka consumer groups and the metric and label inventory.
//!
//! This file is static data plus tiny lookups. It must never compute signals, read the
//! clock or know about incidents; those live in `signal.rs` and `incidents.rs`.

/// Counter of HTTP requests, labelled `service`, `endpoint`, `status`.
pub const REQUESTS_TOTAL: &str = "shop_http_requests_total";
/// Base name of the request-duration histogram (quantile queries name this).
pub const DURATION: &str = "shop_http_request_duration_seconds";
/// Cumulative bucket counters of the duration histogram, labelled `service`, `endpoint`, `le`.
pub const DURATION_BUCKET: &str = "shop_http_request_duration_seconds_bucket";
/// Total seconds spent serving requests, labelled `service`, `endpoint`.
pub const DURATION_SUM: &str = "shop_http_request_duration_seconds_sum";
/// Number of observed requests, labelled `service`, `endpoint`.
pub const DURATION_COUNT: &str = "shop_http_request_duration_seconds_count";
/// Gauge, 1 when a service can reach a dependency and 0 when it cannot.
pub const DEPENDENCY_UP: &str = "shop_dependency_up";
/// Gauge, messages a Kafka consumer group is behind, labelled `group`.
pub const KAFKA_LAG: &str = "shop_kafka_consumer_lag";

/// Every concrete metric name the demo serves, in a stable order.
pub const METRICS: [&str; 6] = [
    REQUESTS_TOTAL,
    DURATION_BUCKET,
    DURATION_SUM,
    DURATION_COUNT,
    DEPENDENCY_UP,
    KAFKA_LAG,
];

/// HTTP status codes every endpoint reports, as label strings.
pub const STATUSES: [&str; 6] = ["200", "400", "404", "500", "503", "504"];

/// Upper bounds of the histogram buckets in seconds (the last is `+Inf`).
pub const LE_BOUNDS: [f64; 12] = [
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    f64::INFINITY,
];

/// The `le` label strings, in the same order as [`LE_BOUNDS`].
pub const LE_LABELS: [&str; 12] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
];

/// The application services, in a stable order.
pub const SERVICES: [&str; 6] = [
    "gateway",
    "inventory",
    "transaction",
    "credit",
    "fraud",
    "billing",
];

/// Backing infrastructure that services depend on but that serves no HTTP metrics.
pub const INFRASTRUCTURE: [&str; 3] = ["postgres", "kafka", "redis"];

/// Who calls whom: `(service, dependency)` pairs, one `shop_dependency_up` series each.
pub const DEPENDENCIES: [(&str, &str); 10] = [
    ("gateway", "inventory"),
    ("gateway", "transaction"),
    ("inventory", "postgres"),
    ("inventory", "redis"),
    ("transaction", "credit"),
    ("transaction", "fraud"),
    ("transaction", "billing"),
    ("fraud", "redis"),
    ("billing", "kafka"),
    ("billing", "postgres"),
];

/// Kafka consumer groups, one `shop_kafka_consumer_lag` series each.
pub const KAFKA_GROUPS: [&str; 2] = ["billing-ledger", "audit-export"];

/// One HTTP endpoint of one service and how it behaves on a normal day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Endpoint {
    pub service: &'static str,
    pub path: &'static str,
    /// Mean request rate in requests per second, averaged over a day.
    pub mean_rps: f64,
    /// Median latency in seconds outside incidents.
    pub median_s: f64,
    /// Spread of the log-normal latency (standard deviation of the log of the duration).
    pub sigma: f64,
    /// Share of requests answered 404 (items that do not exist, carts that expired).
    pub not_found_share: f64,
    /// Share of requests answered 500 outside incidents (the background bug rate).
    pub error_share: f64,
}

/// Every endpoint, in a stable order; its index is the endpoint's id elsewhere in the demo.
pub const ENDPOINTS: [Endpoint; 13] = [
    ep("gateway", "/api/items", 120.0, 0.045, 0.55, 0.012, 0.0015),
    ep("gateway", "/api/cart", 45.0, 0.035, 0.5, 0.004, 0.002),
    ep("gateway", "/api/checkout", 30.0, 0.180, 0.5, 0.001, 0.003),
    ep("inventory", "/api/items", 120.0, 0.018, 0.5, 0.012, 0.001),
    ep("inventory", "/api/stock", 60.0, 0.012, 0.45, 0.002, 0.0012),
    ep(
        "transaction",
        "/api/transactions",
        30.0,
        0.120,
        0.45,
        0.001,
        0.0025,
    ),
    ep("transaction", "/api/refunds", 2.0, 0.090, 0.5, 0.002, 0.004),
    ep("credit", "/api/score", 28.0, 0.025, 0.4, 0.001, 0.0008),
    ep("credit", "/api/limits", 4.0, 0.015, 0.4, 0.002, 0.001),
    ep("fraud", "/api/check", 30.0, 0.030, 0.45, 0.001, 0.0006),
    ep("fraud", "/api/rules", 1.5, 0.010, 0.4, 0.002, 0.001),
    ep("billing", "/api/charges", 28.0, 0.040, 0.45, 0.001, 0.002),
    ep("billing", "/api/invoices", 6.0, 0.060, 0.5, 0.002, 0.0035),
];

const fn ep(
    service: &'static str,
    path: &'static str,
    mean_rps: f64,
    median_s: f64,
    sigma: f64,
    not_found_share: f64,
    error_share: f64,
) -> Endpoint {
    Endpoint {
        service,
        path,
        mean_rps,
        median_s,
        sigma,
        not_found_share,
        error_share,
    }
}

impl Endpoint {
    /// The share of this endpoint's requests answered with `status` outside incidents.
    /// The shares of all [`STATUSES`] add up to one and every share is positive.
    pub fn base_share(&self, status: &str) -> f64 {
        match status {
            "400" => 0.006,
            "404" => self.not_found_share,
            "500" => self.error_share,
            "503" => 0.0008,
            "504" => 0.0004,
            _ => 1.0 - 0.006 - self.not_found_share - self.error_share - 0.0008 - 0.0004,
        }
    }
}

/// The id of the endpoint `path` of `service`, if the shop has it.
pub fn endpoint_id(service: &str, path: &str) -> Option<usize> {
    ENDPOINTS
        .iter()
        .position(|e| e.service == service && e.path == path)
}

/// The label names each concrete metric carries (the metric name itself excluded).
pub fn label_names(metric: &str) -> &'static [&'static str] {
    match metric {
        REQUESTS_TOTAL => &["endpoint", "service", "status"],
        DURATION_BUCKET => &["endpoint", "le", "service"],
        DURATION | DURATION_SUM | DURATION_COUNT => &["endpoint", "service"],
        DEPENDENCY_UP => &["dependency", "service"],
        KAFKA_LAG => &["group"],
        _ => &[],
    }
}

/// True when `metric` is one of the demo's counters (rate and increase apply to it).
pub fn is_counter(metric: &str) -> bool {
    matches!(
        metric,
        REQUESTS_TOTAL | DURATION_BUCKET | DURATION_SUM | DURATION_COUNT
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_shares_add_up_to_one_and_are_positive() {
        for e in ENDPOINTS {
            let total: f64 = STATUSES.iter().map(|s| e.base_share(s)).sum();
            assert!((total - 1.0).abs() < 1e-12, "{} {}", e.service, e.path);
            assert!(STATUSES.iter().all(|s| e.base_share(s) > 0.0));
        }
    }

    #[test]
    fn every_service_has_two_or_three_endpoints_and_dependencies_are_known() {
        for s in SERVICES {
            let n = ENDPOINTS.iter().filter(|e| e.service == s).count();
            assert!((2..=3).contains(&n), "{s} has {n} endpoints");
        }
        for (s, d) in DEPENDENCIES {
            assert!(SERVICES.contains(&s));
            assert!(SERVICES.contains(&d) || INFRASTRUCTURE.contains(&d));
        }
        assert_eq!(LE_BOUNDS.len(), LE_LABELS.len());
        let gateway: f64 = ENDPOINTS
            .iter()
            .filter(|e| e.service == "gateway")
            .map(|e| e.mean_rps)
            .sum();
        assert!((100.0..=300.0).contains(&gateway));
    }
}

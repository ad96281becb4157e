//! The health data model: one check (a grid cell), one probe of one service, the formats
//! a body can be in, and the stable reason codes shown in `data-reason`.
//!
//! Values only. This file must never parse bodies, read a clock or do IO; the edge builds
//! `network_error` and `timeout` results here without knowing how it fetched.

use super::state::HealthState;

/// Stable reason codes (shown as `data-reason`). Failing list words use their own
/// lowercased word (e.g. `timeout`), and HTTP codes use `http_<code>` (see [`reason::http`]).
pub mod reason {
    /// Our own probe gave up waiting.
    pub const TIMEOUT: &str = "timeout";
    /// Drained on purpose (Spring `OUT_OF_SERVICE` and friends); shown as maintenance.
    pub const OUT_OF_SERVICE: &str = "out_of_service";
    /// The browser could not fetch; it cannot tell a network failure from missing CORS headers.
    pub const NETWORK_OR_CORS: &str = "network_or_cors";
    /// The answer had no body where one was expected.
    pub const EMPTY_BODY: &str = "empty_body";
    /// The answer was an HTML page (an error page, a login page or an app shell).
    pub const HTML_PAGE: &str = "html_page";
    /// The body claimed to be JSON but could not be read (for instance truncated).
    pub const UNPARSEABLE_BODY: &str = "unparseable_body";
    /// The body was readable but in no health format Napkin knows.
    pub const UNRECOGNISED_BODY: &str = "unrecognised_body";
    /// The status word is not in the normalisation table.
    pub const UNRECOGNISED_STATUS: &str = "unrecognised_status";
    /// A check carried no status at all.
    pub const NO_STATUS: &str = "no_status";
    /// The body was readable but listed no check and no overall status.
    pub const NO_CHECKS: &str = "no_checks";
    /// A Prometheus query returned no series, or a series with no usable sample.
    pub const NO_SERIES: &str = "no_series";
    /// A Gatus endpoint had no results yet.
    pub const NO_RESULTS: &str = "no_results";
    /// No probe of this service has completed yet.
    pub const NO_DATA: &str = "no_data";
    /// Neither a body nor an HTTP status code said anything.
    pub const NO_HTTP_STATUS: &str = "no_http_status";
    /// The demo was asked about a service it does not simulate.
    pub const UNKNOWN_SERVICE: &str = "unknown_service";

    /// The reason for a verdict taken from an HTTP status code, e.g. `http_503`.
    pub fn http(code: u16) -> String {
        format!("http_{code}")
    }
}

/// The name of the cell that stands for the service itself. It is added when a probe has
/// no checks, or when the service's overall verdict is worse than every one of its checks
/// (for instance HTTP 503 with only passing checks), so a row never hides its verdict.
pub const SELF_CHECK: &str = "self";

/// The hint shown beside `network_or_cors` failures.
pub const CORS_HINT: &str =
    "The browser could not read the answer: the endpoint is down, unreachable, or sends no CORS headers. Check the endpoint, or serve it through the same-origin proxy.";

/// The body formats Napkin understands (and the two ways of having none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The simple list `[{"Name":..,"Status":..,"StatusTime":..}]`.
    List,
    /// IETF `application/health+json` (draft-inadarei-api-health-check-06).
    Ietf,
    /// Spring Boot actuator `/actuator/health`.
    Spring,
    /// Kubernetes `/readyz?verbose` and `/livez` text.
    Kubernetes,
    /// Gatus `/api/v1/endpoints/statuses`.
    Gatus,
    /// Only the HTTP status code counts; the body is ignored.
    Http,
    /// Prometheus `up` or `probe_success` series.
    Prometheus,
    /// A body was received but could not be read in any format.
    Unrecognised,
    /// Nothing was received (network failure or timeout).
    None,
}

impl Format {
    /// Every format, for hints and tests.
    pub const ALL: [Format; 9] = [
        Format::List,
        Format::Ietf,
        Format::Spring,
        Format::Kubernetes,
        Format::Gatus,
        Format::Http,
        Format::Prometheus,
        Format::Unrecognised,
        Format::None,
    ];

    /// The stable spelling, also accepted as a `format` hint in `datasources.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::List => "list",
            Format::Ietf => "ietf",
            Format::Spring => "spring",
            Format::Kubernetes => "kubernetes",
            Format::Gatus => "gatus",
            Format::Http => "http",
            Format::Prometheus => "prometheus",
            Format::Unrecognised => "unrecognised",
            Format::None => "none",
        }
    }

    /// Reads a deployer's `format` hint, accepting a few common aliases. `None` when the hint
    /// names no body format (the caller then warns and detects the format itself).
    pub fn from_hint(hint: &str) -> Option<Format> {
        match super::words::canonical(hint).as_str() {
            "list" | "simple" | "simple_list" => Some(Format::List),
            "ietf" | "health+json" | "application/health+json" | "health_json" => {
                Some(Format::Ietf)
            }
            "spring" | "actuator" | "spring_boot" => Some(Format::Spring),
            "kubernetes" | "k8s" | "readyz" | "livez" | "healthz" => Some(Format::Kubernetes),
            "gatus" => Some(Format::Gatus),
            "http" | "plain" | "status" | "http_status" => Some(Format::Http),
            "prometheus" | "promql" | "up" | "probe_success" => Some(Format::Prometheus),
            _ => None,
        }
    }
}

/// One check of one service: a cell of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub state: HealthState,
    /// The source's own word, kept for the tooltip and `data-raw`.
    pub raw_status: String,
    /// A short stable code such as `timeout` or `out_of_service` (see [`reason`]).
    pub reason: Option<String>,
    /// The check's own time (IETF `time`, the list's `StatusTime`), epoch ms UTC.
    pub observed_at_ms: Option<i64>,
    /// Everything else the source said about the check, as readable pairs.
    pub details: Vec<(String, String)>,
    /// The group the check rolls up into, if the source groups checks.
    pub group: Option<String>,
}

impl Check {
    /// A check with only a name, a state and the raw word.
    pub fn new(name: impl Into<String>, state: HealthState, raw_status: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            state,
            raw_status: raw_status.into(),
            reason: None,
            observed_at_ms: None,
            details: Vec::new(),
            group: None,
        }
    }

    /// The same check with a reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// The normalised outcome of probing one service once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub service: String,
    pub http_status: Option<u16>,
    pub format: Format,
    pub checks: Vec<Check>,
    /// The service's verdict: never better than its worst check or its HTTP code allows.
    pub overall: HealthState,
    /// Readable notes about anything skipped, guessed or contradictory.
    pub warnings: Vec<String>,
}

impl ProbeResult {
    /// The fetch failed before any answer could be read. The browser cannot tell a network
    /// failure from a missing CORS header, so the result is Unknown with reason
    /// `network_or_cors` and the hint to use the same-origin proxy.
    pub fn network_error(service: &str, message: &str) -> Self {
        let mut check = Check::new(SELF_CHECK, HealthState::Unknown, "network error")
            .with_reason(reason::NETWORK_OR_CORS);
        check.details = vec![
            ("error".into(), message.to_string()),
            ("hint".into(), CORS_HINT.into()),
        ];
        Self::edge(
            service,
            check,
            format!("{service}: the health endpoint could not be fetched ({message})."),
        )
    }

    /// Our own probe gave up after `ms` milliseconds: Fail with reason `timeout`.
    pub fn timeout(service: &str, ms: u32) -> Self {
        let mut check =
            Check::new(SELF_CHECK, HealthState::Fail, "timeout").with_reason(reason::TIMEOUT);
        check.details = vec![("timeout_ms".into(), ms.to_string())];
        Self::edge(
            service,
            check,
            format!("{service}: no answer within {ms} ms; the probe gave up."),
        )
    }

    fn edge(service: &str, check: Check, warning: String) -> Self {
        Self {
            service: service.to_string(),
            http_status: None,
            format: Format::None,
            overall: check.state,
            checks: vec![check],
            warnings: vec![warning],
        }
    }

    /// The check with this name, if any.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn edge_results_are_never_green() {
        let n = ProbeResult::network_error("orders", "TypeError: Failed to fetch");
        let c = &n.checks[0];
        check(
            "network",
            (n.overall, c.state, c.reason.as_deref()),
            (
                HealthState::Unknown,
                HealthState::Unknown,
                Some("network_or_cors"),
            ),
        );
        check(
            "hint",
            c.details
                .iter()
                .any(|(k, v)| k == "hint" && v.contains("same-origin proxy")),
            true,
        );
        let t = ProbeResult::timeout("orders", 3000);
        check(
            "timeout",
            (t.overall, t.checks[0].reason.as_deref(), t.format),
            (HealthState::Fail, Some("timeout"), Format::None),
        );
    }

    #[test]
    fn format_spellings_round_trip_as_hints() {
        for f in Format::ALL {
            let expected = match f {
                Format::Unrecognised | Format::None => None,
                other => Some(other),
            };
            check(f, Format::from_hint(f.as_str()), expected);
        }
        check(
            "alias",
            Format::from_hint("Health+JSON"),
            Some(Format::Ietf),
        );
        check("alias", Format::from_hint("k8s"), Some(Format::Kubernetes));
        check("nonsense", Format::from_hint("xml"), None);
    }
}

//! Which Prometheus-API engine a datasource is (Prometheus, Thanos, Mimir,
//! VictoriaMetrics) and what that changes for a client: the single place where engine
//! differences live.
//!
//! Detection reads values the edge already has (the base URL, the buildinfo answer,
//! whether a tenant header is configured, a response body); this module must never make
//! a request itself, and no other module may branch on the engine.

use crate::core::prom::response::BuildInfo;

/// A Prometheus-API engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flavour {
    Prometheus,
    Thanos,
    Mimir,
    VictoriaMetrics,
    /// Not detected (yet); treated like Prometheus, whose limits are the strictest.
    #[default]
    Unknown,
}

impl Flavour {
    /// The engine's name for people, e.g. in the datasource health line.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Prometheus => "Prometheus",
            Flavour::Thanos => "Thanos",
            Flavour::Mimir => "Grafana Mimir",
            Flavour::VictoriaMetrics => "VictoriaMetrics",
            Flavour::Unknown => "Prometheus-compatible",
        }
    }
}

/// The most points per series one range query may ask for: Prometheus, Thanos and Mimir
/// refuse more than 11,000; VictoriaMetrics allows 30,000 by default
/// (`-search.maxPointsPerTimeseries`).
pub fn max_points(flavour: Flavour) -> i64 {
    match flavour {
        Flavour::VictoriaMetrics => 30_000,
        Flavour::Prometheus | Flavour::Thanos | Flavour::Mimir | Flavour::Unknown => 11_000,
    }
}

/// Whether `/api/v1/metadata` gives real answers (VictoriaMetrics answers a placeholder `{}`).
pub fn supports_metadata(flavour: Flavour) -> bool {
    flavour != Flavour::VictoriaMetrics
}

/// Whether `/api/v1/query_exemplars` gives real answers (VictoriaMetrics answers `[]`).
pub fn supports_exemplars(flavour: Flavour) -> bool {
    flavour != Flavour::VictoriaMetrics
}

/// How far behind "now" the newest sample lags by design: VictoriaMetrics hides the last
/// 30 seconds by default (`-search.latencyOffset`), which is not staleness.
pub fn latency_offset_ms(flavour: Flavour) -> i64 {
    match flavour {
        Flavour::VictoriaMetrics => 30_000,
        _ => 0,
    }
}

/// True when the URL path holds `/select/<account>[:<project>]/prometheus`, the
/// VictoriaMetrics cluster layout.
fn is_vm_cluster_path(base_url: &str) -> bool {
    let segments: Vec<&str> = base_url.split('/').collect();
    segments.windows(3).any(|w| {
        w[0] == "select"
            && !w[1].is_empty()
            && w[1].split(':').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && w[2] == "prometheus"
    })
}

/// Detects the engine from the datasource's base URL, its buildinfo answer (if fetched)
/// and whether a tenant header (`X-Scope-OrgID`) is configured.
///
/// The tells, strongest first: a `/select/<n>/prometheus` path is a VictoriaMetrics
/// cluster; buildinfo naming Mimir, or listing features, is Mimir; a `0.x` version is
/// Thanos; a version with no revision, branch or Go version is VictoriaMetrics, which
/// answers a fixed fake Prometheus version (or, in 1.79, an empty buildinfo); any other
/// version is Prometheus. Without
/// buildinfo, a `/prometheus` path plus a tenant header suggests Mimir.
pub fn detect(base_url: &str, buildinfo: Option<&BuildInfo>, has_tenant_header: bool) -> Flavour {
    if is_vm_cluster_path(base_url) {
        return Flavour::VictoriaMetrics;
    }
    if let Some(info) = buildinfo {
        let application = info.application.as_deref().unwrap_or("").to_ascii_lowercase();
        if application.contains("mimir") || info.has_features {
            return Flavour::Mimir;
        }
        if let Some(version) = info.version.as_deref() {
            let version = version.trim_start_matches('v');
            if version.starts_with("0.") {
                return Flavour::Thanos;
            }
            if info.revision.is_none() && info.branch.is_none() && info.go_version.is_none() {
                return Flavour::VictoriaMetrics;
            }
            return Flavour::Prometheus;
        }
        // A successful buildinfo with no fields at all: VictoriaMetrics 1.79 answers
        // `{"status":"success","data":{}}`.
        if *info == BuildInfo::default() {
            return Flavour::VictoriaMetrics;
        }
    }
    let path = base_url.trim_end_matches('/');
    if has_tenant_header && path.ends_with("/prometheus") {
        return Flavour::Mimir;
    }
    Flavour::Unknown
}

/// A tell in any query answer: VictoriaMetrics adds `"stats": {"executionTimeMsec": …}`
/// to every query answer, which Prometheus never sends unasked. Returns the engine this
/// proves, if any, so the edge can correct a guess made without buildinfo.
pub fn sniff_body(body: &[u8]) -> Option<Flavour> {
    const TELL: &[u8] = b"\"executionTimeMsec\"";
    body.windows(TELL.len()).any(|w| w == TELL).then_some(Flavour::VictoriaMetrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_buildinfo_is_victoria_metrics() {
        assert_eq!(detect("http://vm:8428", Some(&BuildInfo::default()), false), Flavour::VictoriaMetrics);
        assert_eq!(detect("http://vm:8428", None, false), Flavour::Unknown);
    }

    fn info(version: &str, revision: Option<&str>, go: Option<&str>) -> BuildInfo {
        BuildInfo {
            version: Some(version.into()),
            revision: revision.map(String::from),
            go_version: go.map(String::from),
            ..BuildInfo::default()
        }
    }

    /// A base URL, the buildinfo answer and whether a tenant header is configured.
    type Input<'a> = (&'a str, Option<&'a BuildInfo>, bool);

    fn check(input: Input, expected: Flavour) {
        assert_eq!(detect(input.0, input.1, input.2), expected, "input: {input:?}");
    }

    #[test]
    fn detects_engines() {
        let prometheus = info("3.5.0", Some("8ef767e"), Some("go1.24.5"));
        let thanos = info("0.39.2", Some("abc"), Some("go1.24"));
        let mimir = BuildInfo { application: Some("Grafana Mimir".into()), ..info("2.16.0", Some("a"), Some("go")) };
        let mimir_features = BuildInfo { has_features: true, ..info("r249-5bedc7a1", Some("a"), Some("go")) };
        let vm = info("2.24.0", None, None);
        let cases: Vec<(Input, Flavour)> = vec![
            (("http://127.0.0.1:9090", Some(&prometheus), false), Flavour::Prometheus),
            (("/prom", Some(&thanos), false), Flavour::Thanos),
            (("https://mimir/prometheus", Some(&mimir), true), Flavour::Mimir),
            (("/mimir/prometheus", Some(&mimir_features), false), Flavour::Mimir),
            (("http://vm:8428", Some(&vm), false), Flavour::VictoriaMetrics),
            (("http://vmselect:8481/select/0/prometheus", None, false), Flavour::VictoriaMetrics),
            (("http://vmselect:8481/select/12:3/prometheus/", Some(&prometheus), false), Flavour::VictoriaMetrics),
            (("/select/x/prometheus", None, false), Flavour::Unknown),
            (("https://mimir/prometheus", None, true), Flavour::Mimir),
            (("https://vm/prometheus", None, false), Flavour::Unknown),
            (("/prom", None, false), Flavour::Unknown),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn point_caps_and_quirks() {
        let cases: &[(Flavour, i64, bool, i64)] = &[
            (Flavour::Prometheus, 11_000, true, 0),
            (Flavour::Thanos, 11_000, true, 0),
            (Flavour::Mimir, 11_000, true, 0),
            (Flavour::VictoriaMetrics, 30_000, false, 30_000),
            (Flavour::Unknown, 11_000, true, 0),
        ];
        for (f, points, metadata, lag) in cases {
            assert_eq!(
                (max_points(*f), supports_metadata(*f), supports_exemplars(*f), latency_offset_ms(*f)),
                (*points, *metadata, *metadata, *lag),
                "input: {f:?}"
            );
        }
    }

    #[test]
    fn sniffs_victoriametrics_stats() {
        let vm = br#"{"status":"success","isPartial":false,"data":{"resultType":"matrix","result":[]},"stats":{"seriesFetched":"0","executionTimeMsec":1}}"#;
        let prom = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(sniff_body(vm), Some(Flavour::VictoriaMetrics));
        assert_eq!(sniff_body(prom), None);
    }
}

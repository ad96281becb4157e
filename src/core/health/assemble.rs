//! Turns what a decoder read into a `ProbeResult`: bounds the number of checks, makes
//! names unique, applies the HTTP cap and adds the service's own cell when its verdict is
//! not explained by its checks.
//!
//! Every decoder and adapter ends here, so the strict rules live in one place. This file
//! must never look at raw bodies.

use super::model::{reason, Check, Format, ProbeResult, SELF_CHECK};
use super::state::HealthState;
use super::transport;

/// The most checks kept from one probe; the rest are dropped with a warning.
pub const MAX_CHECKS: usize = 500;

/// The service-level status a body states for itself (IETF and Spring `status`, the
/// Kubernetes aggregate line), or the verdict standing in for a body that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Top {
    pub state: HealthState,
    pub raw: String,
    pub reason: Option<String>,
    pub details: Vec<(String, String)>,
}

impl Top {
    pub fn new(state: HealthState, raw: impl Into<String>, reason: Option<String>) -> Self {
        Self {
            state,
            raw: raw.into(),
            reason,
            details: Vec::new(),
        }
    }
}

/// What one decoder read from one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub format: Format,
    pub checks: Vec<Check>,
    pub top: Option<Top>,
    pub warnings: Vec<String>,
}

impl Decoded {
    pub fn new(format: Format) -> Self {
        Self {
            format,
            checks: Vec::new(),
            top: None,
            warnings: Vec::new(),
        }
    }
}

/// Builds the final result. The overall state is the worst of the body's own status and
/// its checks, capped by the HTTP code (`transport::cap`); a body that says nothing at all
/// is Unknown (`no_checks`), never Ok.
pub fn assemble(
    service: &str,
    http_status: Option<u16>,
    decoded: Decoded,
    mut warnings: Vec<String>,
) -> ProbeResult {
    let Decoded {
        format,
        mut checks,
        top,
        warnings: decoder_warnings,
    } = decoded;
    warnings.extend(decoder_warnings);
    if checks.len() > MAX_CHECKS {
        warnings.push(format!(
            "{service}: the body lists {} checks; only the first {MAX_CHECKS} are shown",
            checks.len()
        ));
        checks.truncate(MAX_CHECKS);
    }
    let worst_check = HealthState::worst_of(checks.iter().map(|c| c.state));
    let body_state = match (&top, worst_check) {
        (Some(t), Some(w)) => t.state.worst(w),
        (Some(t), None) => t.state,
        (None, Some(w)) => w,
        (None, None) => HealthState::Unknown,
    };
    let (overall, http_reason) = transport::cap(body_state, http_status);
    if let (Some(why), Some(code)) = (&http_reason, http_status) {
        if top.is_some() || worst_check.is_some() {
            warnings.push(format!(
                "{service}: HTTP {code} contradicts the body ({}); shown as {} because a body never rates better than its status code ({why})",
                body_state.as_str(),
                overall.as_str()
            ));
        }
    }
    let explained = worst_check.is_some_and(|w| w.rank() >= overall.rank());
    if !explained {
        checks.push(self_check(
            overall,
            top,
            http_reason,
            http_status,
            worst_check.is_none(),
        ));
    }
    make_names_unique(&mut checks, service, &mut warnings);
    ProbeResult {
        service: service.to_string(),
        http_status,
        format,
        checks,
        overall,
        warnings,
    }
}

/// The cell standing for the service itself.
fn self_check(
    state: HealthState,
    top: Option<Top>,
    http_reason: Option<String>,
    http_status: Option<u16>,
    no_checks: bool,
) -> Check {
    let (mut raw, top_reason, mut details) = match top {
        Some(t) => (t.raw, t.reason, t.details),
        None => (
            String::new(),
            no_checks.then(|| reason::NO_CHECKS.to_string()),
            Vec::new(),
        ),
    };
    if let Some(code) = http_status {
        if raw.is_empty() {
            raw = format!("HTTP {code}");
        }
        details.push(("http_status".into(), code.to_string()));
    }
    let mut check = Check::new(SELF_CHECK, state, raw);
    check.reason = http_reason.or(top_reason);
    check.details = details;
    check
}

/// Appends ` (2)`, ` (3)` ... to repeated names, so every cell has its own column.
fn make_names_unique(checks: &mut [Check], service: &str, warnings: &mut Vec<String>) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for check in checks.iter_mut() {
        let count = seen.entry(check.name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let renamed = format!("{} ({count})", check.name);
            warnings.push(format!("{service}: the check \"{}\" appears more than once; the repeat is shown as \"{renamed}\"", check.name));
            check.name = renamed;
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    fn decoded(checks: &[(&str, HealthState)], top: Option<HealthState>) -> Decoded {
        let mut d = Decoded::new(Format::List);
        d.checks = checks
            .iter()
            .map(|(n, s)| Check::new(*n, *s, s.as_str()))
            .collect();
        d.top = top.map(|s| Top::new(s, s.as_str(), None));
        d
    }

    #[test]
    fn overall_and_self_cell() {
        // Each case: (checks, top, HTTP code) → (overall, self cell's state and reason if any).
        let cases: &[(
            (&[(&str, HealthState)], Option<HealthState>, Option<u16>),
            (HealthState, Option<(HealthState, Option<&str>)>),
        )] = &[
            ((&[("db", Ok)], None, Some(200)), (Ok, None)),
            (
                (&[("db", Fail), ("kafka", Ok)], None, Some(503)),
                (Fail, None),
            ),
            (
                (&[("db", Ok)], None, Some(503)),
                (Fail, Some((Fail, Some("http_503")))),
            ),
            (
                (&[("db", Ok)], Some(Fail), Some(200)),
                (Fail, Some((Fail, None))),
            ),
            ((&[], Some(Ok), Some(200)), (Ok, Some((Ok, None)))),
            (
                (&[], None, Some(200)),
                (Unknown, Some((Unknown, Some("no_checks")))),
            ),
            (
                (&[], None, Some(503)),
                (Fail, Some((Fail, Some("http_503")))),
            ),
            ((&[("db", Warn)], Some(Ok), Some(404)), (Warn, None)),
            (
                (&[("db", Ok)], Some(Ok), Some(404)),
                (Unknown, Some((Unknown, Some("http_404")))),
            ),
        ];
        for ((checks, top, code), (overall, self_cell)) in cases {
            let r = assemble("svc", *code, decoded(checks, *top), vec![]);
            let s = r.check(SELF_CHECK).map(|c| (c.state, c.reason.as_deref()));
            check((checks, top, code), (r.overall, s), (*overall, *self_cell));
        }
    }

    #[test]
    fn repeated_names_and_too_many_checks() {
        let r = assemble(
            "svc",
            Some(200),
            decoded(&[("db", Ok), ("db", Ok), ("db", Ok)], None),
            vec![],
        );
        let names: Vec<_> = r.checks.iter().map(|c| c.name.as_str()).collect();
        check("names", names, vec!["db", "db (2)", "db (3)"]);
        let many: Vec<(String, HealthState)> =
            (0..MAX_CHECKS + 5).map(|i| (format!("c{i}"), Ok)).collect();
        let refs: Vec<(&str, HealthState)> = many.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let r = assemble("svc", Some(200), decoded(&refs, None), vec![]);
        check(
            "capped",
            (r.checks.len(), r.warnings.len()),
            (MAX_CHECKS, 1),
        );
    }
}

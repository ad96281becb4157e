//! Prometheus `up` and `probe_success` series as health checks: the newest finite sample
//! of each series is one cell (1 → Ok, 0 → Fail, in between → Warn, none → Unknown).
//!
//! Works on frames already fetched (`crate::core::frame::Frame`); it must never query,
//! read a clock or guess a state for a series without samples.

use crate::core::frame::{Frame, Series};

use super::assemble::{assemble, Decoded, Top};
use super::model::{reason, Check, Format, ProbeResult};
use super::state::HealthState;

/// Labels tried, in order, to name a series' cell.
const NAME_LABELS: [&str; 5] = ["dependency", "instance", "target", "job", "service"];

/// One check per series of the frame.
pub fn checks_from_frame(frame: &Frame) -> Vec<Check> {
    frame.series.iter().map(|s| series_check(s, None)).collect()
}

/// All series of a frame as the checks of one service. A frame without series is Unknown
/// with reason `no_series` (an absent series is never taken as healthy).
pub fn probe_from_frame(service: &str, frame: &Frame) -> ProbeResult {
    probe(
        service,
        frame.series.iter().map(|s| series_check(s, None)).collect(),
        &frame.notices,
    )
}

/// The series of a frame grouped into one probe per value of `label` (e.g. `job` or
/// `service`), in first-seen order; series without the label go under `(no <label>)`.
pub fn probes_by_label(frame: &Frame, label: &str) -> Vec<ProbeResult> {
    let mut groups: Vec<(String, Vec<Check>)> = Vec::new();
    for s in &frame.series {
        let key = s
            .label(label)
            .map(str::to_string)
            .unwrap_or_else(|| format!("(no {label})"));
        let check = series_check(s, Some(label));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, checks)) => checks.push(check),
            None => groups.push((key, vec![check])),
        }
    }
    groups
        .into_iter()
        .map(|(service, checks)| probe(&service, checks, &frame.notices))
        .collect()
}

fn probe(service: &str, checks: Vec<Check>, notices: &[String]) -> ProbeResult {
    let mut d = Decoded::new(Format::Prometheus);
    if checks.is_empty() {
        d.top = Some(Top::new(
            HealthState::Unknown,
            "",
            Some(reason::NO_SERIES.into()),
        ));
    }
    d.checks = checks;
    assemble(service, None, d, notices.to_vec())
}

/// One series as a check, named by the first useful label other than `skip`.
fn series_check(s: &Series, skip: Option<&str>) -> Check {
    let name = NAME_LABELS
        .iter()
        .filter(|l| Some(**l) != skip)
        .find_map(|l| s.label(l))
        .map(str::to_string)
        .unwrap_or_else(|| s.legend());
    let metric = s.label("__name__").unwrap_or("value");
    let mut check = match s.last_finite() {
        None => Check::new(name, HealthState::Unknown, "").with_reason(reason::NO_SERIES),
        Some((t, v)) => {
            let (state, why) = if v >= 1.0 {
                (HealthState::Ok, None)
            } else if v <= 0.0 {
                (HealthState::Fail, Some("down"))
            } else {
                (HealthState::Warn, Some("partial"))
            };
            let mut c = Check::new(name, state, format!("{metric} {v}"));
            c.reason = why.map(str::to_string);
            c.observed_at_ms = Some(t);
            c
        }
    };
    check.details = s
        .labels
        .iter()
        .filter(|(k, _)| k != "__name__")
        .cloned()
        .collect();
    check.group = s.label("group").map(str::to_string);
    check
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    fn series(labels: &[(&str, &str)], values: &[f64]) -> Series {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort();
        Series {
            labels,
            times: (0..values.len() as i64).map(|i| i * 15_000).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn up_and_probe_success_series() {
        let cases: &[(&[f64], (HealthState, Option<&str>, &str))] = &[
            (&[0.0, 1.0], (Ok, None, "up 1")),
            (&[1.0, 0.0], (Fail, Some("down"), "up 0")),
            (&[1.0, 0.5], (Warn, Some("partial"), "up 0.5")),
            (&[1.0, f64::NAN], (Ok, None, "up 1")),
            (&[f64::NAN], (Unknown, Some("no_series"), "")),
            (&[], (Unknown, Some("no_series"), "")),
        ];
        for (values, expected) in cases {
            let f = Frame {
                series: vec![series(
                    &[("__name__", "up"), ("job", "api"), ("instance", "a:9090")],
                    values,
                )],
                step_ms: 15_000,
                notices: vec![],
            };
            let c = &checks_from_frame(&f)[0];
            check(
                values,
                (c.state, c.reason.as_deref(), c.raw_status.as_str()),
                *expected,
            );
            check(values, c.name.as_str(), "a:9090");
        }
    }

    #[test]
    fn frames_become_probes() {
        let empty = probe_from_frame("blackbox", &Frame::default());
        check(
            "absent",
            (empty.overall, empty.checks[0].reason.as_deref()),
            (Unknown, Some("no_series")),
        );
        let f = Frame {
            series: vec![
                series(
                    &[
                        ("__name__", "shop_dependency_up"),
                        ("service", "inventory"),
                        ("dependency", "postgres"),
                    ],
                    &[0.0],
                ),
                series(
                    &[
                        ("__name__", "shop_dependency_up"),
                        ("service", "inventory"),
                        ("dependency", "redis"),
                    ],
                    &[1.0],
                ),
                series(
                    &[
                        ("__name__", "shop_dependency_up"),
                        ("service", "billing"),
                        ("dependency", "kafka"),
                    ],
                    &[1.0],
                ),
                series(
                    &[("__name__", "probe_success"), ("instance", "https://x")],
                    &[1.0],
                ),
            ],
            step_ms: 15_000,
            notices: vec![],
        };
        let probes = probes_by_label(&f, "service");
        let summary: Vec<(&str, HealthState, usize)> = probes
            .iter()
            .map(|p| (p.service.as_str(), p.overall, p.checks.len()))
            .collect();
        check(
            "by service",
            summary,
            vec![
                ("inventory", Fail, 2),
                ("billing", Ok, 1),
                ("(no service)", Ok, 1),
            ],
        );
        check("format", probes[0].format, Format::Prometheus);
        check(
            "named by dependency",
            probes[0].checks[0].name.as_str(),
            "postgres",
        );
    }
}

//! The health part of a snapshot: each health grid's last normalised poll per service, with
//! the instant it was polled (so staleness is judged against the snapshot's own instant)
//! and the answer excerpt behind it, and each of its checks' recent history (the polls the
//! grid's history strip showed, at most [`HISTORY_LEN`] per check, written as
//! `"history": [{"check": "db", "polls": [[t_ms, "ok"], ...]}]`, optional). Pure JSON
//! encoding and tolerant decoding.

use crate::core::health::{Check, Format, HealthState, Polled, ProbeResult, RawAnswer, HISTORY_LEN};
use serde_json::{json, Value};

/// One stored poll: the datasource it was polled on, the poll itself, and the recent
/// history of each of its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthPoll {
    pub datasource: String,
    pub polled: Polled,
    pub history: Vec<CheckHistory>,
}

/// One check's recent polls, oldest first, as its history strip showed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckHistory {
    pub check: String,
    pub polls: Vec<(i64, HealthState)>,
}

impl HealthPoll {
    /// The polls to record, oldest first, to rebuild what the grid showed: one earlier poll
    /// per stored instant before this one (holding the checks polled then), then this poll.
    pub fn replay(&self) -> Vec<Polled> {
        let at = self.polled.polled_at_ms;
        let mut instants: Vec<i64> = self
            .history
            .iter()
            .flat_map(|h| h.polls.iter().map(|(t, _)| *t))
            .filter(|t| *t < at)
            .collect();
        instants.sort_unstable();
        instants.dedup();
        let probe = &self.polled.probe;
        let mut out: Vec<Polled> = instants
            .into_iter()
            .map(|t| {
                let checks: Vec<Check> = self
                    .history
                    .iter()
                    .filter_map(|h| {
                        let (_, state) = h.polls.iter().find(|(pt, _)| *pt == t)?;
                        Some(Check::new(h.check.clone(), *state, String::new()))
                    })
                    .collect();
                Polled {
                    probe: ProbeResult {
                        service: probe.service.clone(),
                        http_status: None,
                        format: probe.format,
                        overall: HealthState::worst_of(checks.iter().map(|c| c.state)).unwrap_or(HealthState::Unknown),
                        checks,
                        warnings: Vec::new(),
                    },
                    polled_at_ms: t,
                    raw: None,
                }
            })
            .collect();
        out.push(self.polled.clone());
        out
    }
}

fn history_value(h: &CheckHistory) -> Value {
    let polls: Vec<Value> = h.polls.iter().map(|(t, s)| json!([t, s.as_str()])).collect();
    json!({ "check": h.check, "polls": polls })
}

/// Reads one check's history: polls without a time are skipped, the newest
/// [`HISTORY_LEN`] in time order kept.
fn history(v: &Value) -> Option<CheckHistory> {
    let check = text(v, "check")?;
    let mut polls: Vec<(i64, HealthState)> = v
        .get("polls")?
        .as_array()?
        .iter()
        .filter_map(|p| Some((p.get(0)?.as_i64()?, state(p.get(1)))))
        .collect();
    crate::core::sort::sort_by_key(&mut polls, |(t, _)| *t);
    let extra = polls.len().saturating_sub(HISTORY_LEN);
    polls.drain(..extra);
    Some(CheckHistory { check, polls })
}

/// Writes one stored poll.
pub fn poll_value(p: &HealthPoll) -> Value {
    let probe = &p.polled.probe;
    let checks: Vec<Value> = probe
        .checks
        .iter()
        .map(|c| {
            json!({
                "name": c.name, "state": c.state.as_str(), "raw_status": c.raw_status, "reason": c.reason,
                "observed_at_ms": c.observed_at_ms,
                "details": c.details.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "group": c.group,
            })
        })
        .collect();
    let raw = p.polled.raw.as_ref().map(|r| {
        json!({
            "url": r.url, "status": r.status, "content_type": r.content_type, "excerpt": r.excerpt,
            "body_bytes": r.body_bytes, "error": r.error, "elapsed_ms": r.elapsed_ms,
        })
    });
    json!({
        "datasource": p.datasource, "polled_at_ms": p.polled.polled_at_ms, "service": probe.service,
        "http_status": probe.http_status, "format": probe.format.as_str(), "overall": probe.overall.as_str(),
        "warnings": probe.warnings, "checks": checks, "raw": raw,
        "history": p.history.iter().map(history_value).collect::<Vec<_>>(),
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn state(v: Option<&Value>) -> HealthState {
    let word = v.and_then(Value::as_str).unwrap_or_default();
    HealthState::ALL
        .into_iter()
        .find(|s| s.as_str() == word)
        .unwrap_or(HealthState::Unknown)
}

/// Reads one stored poll; a poll without its datasource, service or time is refused.
pub fn poll(v: &Value) -> Result<HealthPoll, String> {
    let datasource = text(v, "datasource").ok_or("a health poll has no datasource")?;
    let service = text(v, "service").ok_or("a health poll has no service")?;
    let polled_at_ms = v
        .get("polled_at_ms")
        .and_then(Value::as_i64)
        .ok_or("a health poll has no time")?;
    let word = v.get("format").and_then(Value::as_str).unwrap_or_default();
    let format = Format::ALL
        .into_iter()
        .find(|f| f.as_str() == word)
        .unwrap_or(Format::Unrecognised);
    let checks = v
        .get("checks")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(check).collect())
        .unwrap_or_default();
    let warnings = strings(v.get("warnings"));
    let raw = v.get("raw").filter(|r| r.is_object()).map(|r| RawAnswer {
        url: text(r, "url").unwrap_or_default(),
        status: r
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        content_type: text(r, "content_type"),
        excerpt: text(r, "excerpt").unwrap_or_default(),
        body_bytes: r.get("body_bytes").and_then(Value::as_u64).unwrap_or(0) as usize,
        error: text(r, "error"),
        elapsed_ms: r
            .get("elapsed_ms")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(u64::from(u32::MAX)) as u32,
    });
    let probe = ProbeResult {
        service,
        http_status: v
            .get("http_status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        format,
        checks,
        overall: state(v.get("overall")),
        warnings,
    };
    let history = v
        .get("history")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(history).collect())
        .unwrap_or_default();
    Ok(HealthPoll {
        datasource,
        polled: Polled {
            probe,
            polled_at_ms,
            raw,
        },
        history,
    })
}

/// The strings of a JSON array (other items skipped); nothing when absent or not an array.
pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn check(v: &Value) -> Option<Check> {
    let mut c = Check::new(
        text(v, "name")?,
        state(v.get("state")),
        text(v, "raw_status").unwrap_or_default(),
    );
    c.reason = text(v, "reason");
    c.observed_at_ms = v.get("observed_at_ms").and_then(Value::as_i64);
    c.group = text(v, "group");
    c.details = v
        .get("details")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| {
                    Some((
                        p.get(0)?.as_str()?.to_string(),
                        p.get(1)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(c)
}

/// What a health grid panel shows in a snapshot when the page's `datasources.json` cannot
/// resolve it (not loaded, or the datasource is gone): its named services (all stored ones
/// of its datasource when it names none), each with a stored poll as a target that is never
/// polled, the rest as unlisted.
pub fn stored_plan(
    spec: &crate::core::spec::HealthGridSpec,
    datasource: &str,
    polls: &[HealthPoll],
    refresh_s: u32,
) -> crate::core::health::PanelPlan {
    use crate::core::health::{freshness_window_s, poll_interval_s, PanelPlan, Target};
    let stored: Vec<&str> = polls
        .iter()
        .filter(|p| p.datasource == datasource)
        .map(|p| p.polled.probe.service.as_str())
        .collect();
    let mut services: Vec<String> = if spec.services.is_empty() {
        stored.iter().map(|s| s.to_string()).collect()
    } else {
        spec.services.clone()
    };
    let mut seen = std::collections::HashSet::new();
    services.retain(|s| seen.insert(s.clone()));
    let interval_s = poll_interval_s(refresh_s, None);
    let (known, unlisted): (Vec<String>, Vec<String>) = services
        .iter()
        .cloned()
        .partition(|s| stored.contains(&s.as_str()));
    let targets = known
        .into_iter()
        .map(|service| Target {
            datasource: datasource.to_string(),
            service,
            url: String::new(),
            format: None,
            timeout_ms: 0,
            interval_s,
            demo: false,
        })
        .collect();
    PanelPlan {
        datasource: datasource.to_string(),
        services,
        targets,
        unlisted,
        error: None,
        notes: Vec::new(),
        freshness_s: freshness_window_s(spec.freshness_s, interval_s),
    }
}

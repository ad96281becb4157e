//! What a health grid panel paints, decided here so the UI only draws: which services a
//! panel polls (by name, from the deployer's endpoint list: a panel never holds a URL),
//! the poll interval with jitter, the panel's data state and banner status, the painted
//! rows with history strips and "time since last change", and the detail of one cell
//! (raw answer as text).
//!
//! Pure: callers pass `now_ms` and random numbers. This file must never read a clock or do IO.

use std::collections::HashMap;

use super::grid::{Grid, Latest};
use super::history::HistoryBook;
use super::model::{reason, Check, Format, ProbeResult, CORS_HINT, SELF_CHECK};
use super::state::HealthState;
use crate::core::datasource::{DatasourceKind, Registry};
use crate::core::fetch_state::DataState;
use crate::core::spec::HealthGridSpec;
use crate::core::status::Status;
use crate::core::time::format_duration_short;

/// The poll interval when the dashboard's auto-refresh is off, in seconds.
pub const DEFAULT_POLL_S: u32 = 15;

/// Polls shown in a cell's history strip.
pub const STRIP_LEN: usize = 20;

/// Bytes of a body kept for the detail view.
pub const EXCERPT_BYTES: usize = 2048;

/// The word painted in a cell for a state.
pub fn word(state: HealthState) -> &'static str {
    state.as_str()
}

/// The shape cue painted beside the colour (the same shapes as KPI tiles).
pub fn symbol(state: HealthState) -> &'static str {
    to_status(state).symbol()
}

/// A health state as a banner status.
pub fn to_status(state: HealthState) -> Status {
    match state {
        HealthState::Ok => Status::Ok,
        HealthState::Warn => Status::Warn,
        HealthState::Fail => Status::Fail,
        HealthState::Unknown => Status::Unknown,
    }
}

/// How often one endpoint is polled: the dashboard's refresh interval (the default when
/// auto-refresh is off), never below the datasource's `min_refresh_s`, never below 1 s.
pub fn poll_interval_s(refresh_s: u32, min_refresh_s: Option<u32>) -> u32 {
    let base = if refresh_s == 0 { DEFAULT_POLL_S } else { refresh_s };
    base.max(min_refresh_s.unwrap_or(0)).max(1)
}

/// The wait before the next poll: the interval ±10 %, `random` in `[0, 1)`, so endpoints
/// polled together drift apart instead of hitting their servers in step.
pub fn jittered_ms(interval_s: u32, random: f64) -> u32 {
    let base = f64::from(interval_s) * 1000.0;
    let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 };
    (base * (0.9 + 0.2 * r)).round().max(100.0) as u32
}

/// One endpoint a panel polls.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The datasource name (also the HTTP concurrency pool).
    pub datasource: String,
    pub service: String,
    /// Resolved URL; empty for the demo, which is evaluated, not fetched.
    pub url: String,
    pub format: Option<String>,
    pub timeout_ms: u32,
    pub interval_s: u32,
    pub demo: bool,
}

/// What one health grid panel polls and shows, resolved against `datasources.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelPlan {
    pub datasource: String,
    /// Rows in the panel's order: listed services and unlisted names alike.
    pub services: Vec<String>,
    pub targets: Vec<Target>,
    /// Names the datasource does not list: shown as unknown, never polled.
    pub unlisted: Vec<String>,
    /// Why the panel cannot poll at all (unknown datasource or wrong kind).
    pub error: Option<String>,
    /// Readable notes (for instance about unlisted services).
    pub notes: Vec<String>,
    pub freshness_s: u32,
}

/// Resolves a panel: the services it names (all listed ones when it names none), each
/// matched by name to the datasource's endpoint list. `demo` answers for the demo shop.
pub fn plan_panel(spec: &HealthGridSpec, datasource: &str, registry: &Registry, refresh_s: u32) -> PanelPlan {
    let mut plan = PanelPlan {
        datasource: datasource.to_string(),
        services: Vec::new(),
        targets: Vec::new(),
        unlisted: Vec::new(),
        error: None,
        notes: Vec::new(),
        freshness_s: super::freshness::freshness_window_s(spec.freshness_s, poll_interval_s(refresh_s, None)),
    };
    let ds = match registry.get(datasource) {
        Ok(ds) => ds,
        Err(e) => {
            plan.error = Some(e.to_string());
            return plan;
        }
    };
    let interval_s = poll_interval_s(refresh_s, ds.min_refresh_s);
    plan.freshness_s = super::freshness::freshness_window_s(spec.freshness_s, interval_s);
    let listed: Vec<(String, String, Option<String>)> = match ds.kind {
        DatasourceKind::Demo => super::demo::demo_services()
            .into_iter()
            .map(|s| (s.to_string(), String::new(), None))
            .collect(),
        DatasourceKind::Health => ds
            .endpoints
            .iter()
            .map(|e| (e.service.clone(), resolve_url(&ds.url, &e.url), e.format.clone()))
            .collect(),
        other => {
            plan.error = Some(format!(
                "A health grid needs a \"health\" datasource (or \"demo\"); \"{}\" is a {} datasource. Nothing was polled.",
                ds.name,
                other.as_str()
            ));
            return plan;
        }
    };
    let wanted: Vec<String> = if spec.services.is_empty() {
        listed.iter().map(|(s, _, _)| s.clone()).collect()
    } else {
        spec.services.clone()
    };
    for service in wanted {
        if plan.services.contains(&service) {
            continue;
        }
        match listed.iter().find(|(s, _, _)| *s == service) {
            Some((_, url, format)) => plan.targets.push(Target {
                datasource: ds.name.clone(),
                service: service.clone(),
                url: url.clone(),
                format: format.clone(),
                timeout_ms: ds.timeout_ms(),
                interval_s,
                demo: ds.kind == DatasourceKind::Demo,
            }),
            None => plan.unlisted.push(service.clone()),
        }
        plan.services.push(service);
    }
    if !plan.unlisted.is_empty() {
        let known: Vec<&str> = listed.iter().map(|(s, _, _)| s.as_str()).collect();
        plan.notes.push(format!(
            "The datasource \"{}\" lists no endpoint for {}; nothing is polled for {}. It lists: {}.",
            ds.name,
            quoted(&plan.unlisted),
            if plan.unlisted.len() == 1 { "it" } else { "them" },
            if known.is_empty() { "nothing".to_string() } else { known.join(", ") }
        ));
    }
    plan
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// Joins an endpoint's URL to its datasource's base URL. Absolute URLs stay as they are;
/// with no base, a relative URL is relative to the page (a same-origin proxy).
pub fn resolve_url(base: &str, url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || base.trim().is_empty() {
        return url.to_string();
    }
    format!("{}/{}", base.trim_end_matches('/'), url.trim_start_matches('/'))
}

/// The result of probing a service the datasource does not list.
pub fn unlisted_probe(service: &str, datasource: &str) -> ProbeResult {
    let check = Check::new(SELF_CHECK, HealthState::Unknown, "not listed").with_reason(reason::UNKNOWN_SERVICE);
    ProbeResult {
        service: service.to_string(),
        http_status: None,
        format: Format::None,
        checks: vec![check],
        overall: HealthState::Unknown,
        warnings: vec![format!("the datasource \"{datasource}\" lists no endpoint for \"{service}\"; nothing was polled")],
    }
}

/// The answer behind a probe, kept as text for the detail view (never rendered as HTML).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawAnswer {
    pub url: String,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// The first [`EXCERPT_BYTES`] of the body as text (invalid UTF-8 replaced).
    pub excerpt: String,
    pub body_bytes: usize,
    /// Why nothing was received (network failure or timeout).
    pub error: Option<String>,
    pub elapsed_ms: u32,
}

impl RawAnswer {
    /// A received answer.
    pub fn received(url: &str, status: u16, content_type: Option<&str>, body: &[u8], elapsed_ms: u32) -> Self {
        let cut = body.len().min(EXCERPT_BYTES);
        Self {
            url: url.to_string(),
            status: Some(status),
            content_type: content_type.map(str::to_string),
            excerpt: String::from_utf8_lossy(&body[..cut]).into_owned(),
            body_bytes: body.len(),
            error: None,
            elapsed_ms,
        }
    }

    /// Nothing received.
    pub fn failed(url: &str, error: &str, elapsed_ms: u32) -> Self {
        Self { url: url.to_string(), error: Some(error.to_string()), elapsed_ms, ..Self::default() }
    }

    /// `HTTP 503 Service Unavailable`, or what happened instead.
    pub fn status_line(&self) -> String {
        match (self.status, &self.error) {
            (Some(code), _) => match phrase(code) {
                "" => format!("HTTP {code}"),
                p => format!("HTTP {code} {p}"),
            },
            (None, Some(e)) => format!("no answer: {e}"),
            (None, None) => "no answer".into(),
        }
    }
}

fn phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// One completed poll of one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polled {
    pub probe: ProbeResult,
    pub polled_at_ms: i64,
    /// `None` for the demo, which is simulated.
    pub raw: Option<RawAnswer>,
}

/// Everything the UI knows about polls: the newest per (datasource, service) and the
/// bounded history per datasource.
#[derive(Debug, Clone, Default)]
pub struct HealthData {
    pub latest: HashMap<(String, String), Polled>,
    pub books: HashMap<String, HistoryBook>,
    /// The number of each service's newest poll among all recorded ones, so a painted row
    /// knows whether it is out of date even when two polls share a millisecond.
    seqs: HashMap<(String, String), u64>,
    recorded: u64,
}

impl HealthData {
    /// Records one poll.
    pub fn record(&mut self, datasource: &str, polled: Polled) {
        self.books.entry(datasource.to_string()).or_default().record(&polled.probe, polled.polled_at_ms);
        self.recorded += 1;
        let key = (datasource.to_string(), polled.probe.service.clone());
        self.seqs.insert(key.clone(), self.recorded);
        self.latest.insert(key, polled);
    }

    /// Which poll of a service is the newest (a number that grows with every recorded poll).
    pub fn seq(&self, datasource: &str, service: &str) -> Option<u64> {
        self.seqs.get(&(datasource.to_string(), service.to_string())).copied()
    }

    pub fn get(&self, datasource: &str, service: &str) -> Option<&Polled> {
        self.latest.get(&(datasource.to_string(), service.to_string()))
    }
}

/// One row of a panel's summary: the service and its state (the worst shown cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSummary {
    pub service: String,
    pub state: HealthState,
}

impl RowSummary {
    /// The row's state, as [`Row::state`] gives it for the full row.
    pub fn state(&self) -> HealthState {
        self.state
    }
}

/// The rows of a panel without their cells, failing first (the order of [`Grid::build`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GridSummary {
    pub rows: Vec<RowSummary>,
}

/// One panel's health: its data state, messages, its rows' states and its worst state.
/// Cheap to build and compare, because the banner re-reads it on every poll; the cells
/// themselves are painted by [`super::live::LiveGrid`] (or [`grid_view`] of [`panel_grid`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelHealth {
    pub state: DataState,
    pub error: Option<String>,
    pub notes: Vec<String>,
    pub grid: GridSummary,
    /// The banner's status for this panel: Unknown unless known (loading, error, no rows).
    pub worst: HealthState,
    pub all_green: bool,
    pub freshness_s: u32,
}

/// Each service of a plan with its newest probe (unlisted services get their stand-in,
/// polled "now"), in the panel's order. The stand-ins live in `unlisted`.
pub(super) fn latest_of<'a>(
    plan: &'a PanelPlan,
    data: &'a HealthData,
    unlisted: &'a [ProbeResult],
    now_ms: i64,
) -> Vec<(&'a str, Option<Latest<'a>>)> {
    plan.services
        .iter()
        .map(|s| {
            let latest = match unlisted.iter().find(|p| p.service == *s) {
                Some(p) => Some(Latest { probe: p, polled_at_ms: now_ms }),
                None => data.get(&plan.datasource, s).map(|p| Latest { probe: &p.probe, polled_at_ms: p.polled_at_ms }),
            };
            (s.as_str(), latest)
        })
        .collect()
}

/// The stand-in probes of a plan's unlisted services.
pub(super) fn unlisted_probes(plan: &PanelPlan) -> Vec<ProbeResult> {
    plan.unlisted.iter().map(|s| unlisted_probe(s, &plan.datasource)).collect()
}

/// The full grid of one panel, every cell built (the reference the live grid is tested
/// against, and what [`grid_view`] paints).
pub fn panel_grid(plan: &PanelPlan, data: &HealthData, now_ms: i64) -> Grid {
    let unlisted = unlisted_probes(plan);
    let services = latest_of(plan, data, &unlisted, now_ms);
    Grid::build(&services, data.books.get(&plan.datasource), now_ms, plan.freshness_s)
}

/// The state of one service's row without building its cells: the worst shown check, and
/// whether every check is fresh and Ok. No probe yet is one Unknown `no_data` cell.
fn row_summary(latest: Option<&Latest<'_>>, now_ms: i64, freshness_s: u32) -> (HealthState, bool) {
    let Some(l) = latest else { return (HealthState::Unknown, false) };
    let shown = l.probe.checks.iter().map(|c| {
        let fresh = super::freshness::is_fresh(c.observed_at_ms, Some(l.polled_at_ms), now_ms, freshness_s);
        super::freshness::displayed(c.state, !fresh)
    });
    match HealthState::worst_of(shown) {
        Some(worst) => (worst, worst == HealthState::Ok),
        None => (HealthState::Unknown, false),
    }
}

/// Builds one panel's health from its plan (`None` until `datasources.json` is read).
pub fn panel_health(plan: Option<&PanelPlan>, data: &HealthData, now_ms: i64) -> PanelHealth {
    let loading = PanelHealth {
        state: DataState::Loading,
        error: None,
        notes: Vec::new(),
        grid: GridSummary::default(),
        worst: HealthState::Unknown,
        all_green: false,
        freshness_s: super::freshness::DEFAULT_FRESHNESS_S,
    };
    let Some(plan) = plan else { return loading };
    if let Some(e) = &plan.error {
        return PanelHealth { state: DataState::Error, error: Some(e.clone()), ..loading };
    }
    let unlisted = unlisted_probes(plan);
    let services = latest_of(plan, data, &unlisted, now_ms);
    let mut all_green = !services.is_empty();
    let mut rows: Vec<RowSummary> = services
        .iter()
        .map(|(service, latest)| {
            let (state, green) = row_summary(latest.as_ref(), now_ms, plan.freshness_s);
            all_green &= green;
            RowSummary { service: service.to_string(), state }
        })
        .collect();
    crate::core::sort::sort_by_key(&mut rows, |r| std::cmp::Reverse(r.state.rank()));
    let grid = GridSummary { rows };
    let polled_any = plan.targets.iter().any(|t| data.get(&plan.datasource, &t.service).is_some());
    let state = if plan.services.is_empty() {
        DataState::Empty
    } else if plan.targets.is_empty() {
        DataState::Error
    } else if polled_any {
        DataState::Ok
    } else {
        DataState::Loading
    };
    let error = (state == DataState::Error).then(|| plan.notes.join(" "));
    let worst = match state {
        DataState::Ok | DataState::Error => {
            HealthState::worst_of(grid.rows.iter().map(|r| r.state)).unwrap_or(HealthState::Unknown)
        }
        _ => HealthState::Unknown,
    };
    let notes = if state == DataState::Error { Vec::new() } else { plan.notes.clone() };
    PanelHealth { state, error, notes, grid, worst, all_green, freshness_s: plan.freshness_s }
}

/// One painted cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellView {
    pub service: String,
    pub check: String,
    /// The colour and `data-state`: never Ok when stale.
    pub state: HealthState,
    /// The last known state, kept under the stale overlay.
    pub last_state: HealthState,
    pub stale: bool,
    pub raw_status: String,
    pub reason: Option<String>,
    /// "changed 3m ago", "unchanged for ≥ 5m", or empty before the second poll.
    pub since: String,
    pub flapping: bool,
    /// The checks rolled into this cell (empty for a single check).
    pub members: Vec<String>,
    /// Recent polls, oldest first, at most [`STRIP_LEN`].
    pub strip: Vec<HealthState>,
}

/// One painted row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowView {
    pub service: String,
    pub state: HealthState,
    pub cells: Vec<CellView>,
}

/// The painted grid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GridView {
    pub rows: Vec<RowView>,
    /// All-green rows left out by "hide all-green".
    pub hidden_green: usize,
    pub has_groups: bool,
    /// Rows that are not green, out of all rows.
    pub not_green: usize,
    pub total: usize,
}

/// Paints a grid: groups rolled up (unless `expand`), all-green rows hidden on request,
/// each cell with its history strip and time since its last change.
pub fn grid_view(grid: &Grid, book: Option<&HistoryBook>, expand: bool, hide_green: bool, now_ms: i64) -> GridView {
    let has_groups = grid.rows.iter().any(|r| r.cells.iter().any(|c| c.group.is_some()));
    let shown = if expand || !has_groups { grid.clone() } else { grid.rolled_up() };
    let total = shown.rows.len();
    let not_green = shown.rows.iter().filter(|r| r.state() != HealthState::Ok).count();
    let rows: Vec<RowView> = shown
        .visible_rows(hide_green)
        .into_iter()
        .map(|row| {
            let original = grid.rows.iter().find(|r| r.service == row.service);
            RowView {
                service: row.service.clone(),
                state: row.state(),
                cells: row
                    .cells
                    .iter()
                    .map(|cell| {
                        let members: Vec<String> = if cell.members > 1 {
                            original
                                .map(|o| {
                                    o.cells
                                        .iter()
                                        .filter(|c| c.group.as_deref() == Some(cell.check.as_str()))
                                        .map(|c| c.check.clone())
                                        .collect()
                                })
                                .unwrap_or_default()
                        } else {
                            Vec::new()
                        };
                        let names: Vec<&str> =
                            if members.is_empty() { vec![cell.check.as_str()] } else { members.iter().map(String::as_str).collect() };
                        let (strip, steady_since) = strip_of(book, &row.service, &names);
                        let since = match (cell.last_change_ms, steady_since) {
                            (Some(t), _) => format!("changed {} ago", age(now_ms, t)),
                            (None, Some(t)) if now_ms - t >= 60_000 => format!("unchanged for ≥ {}", age(now_ms, t)),
                            _ => String::new(),
                        };
                        CellView {
                            service: row.service.clone(),
                            check: cell.check.clone(),
                            state: cell.shown(),
                            last_state: cell.state,
                            stale: cell.stale,
                            raw_status: cell.raw_status.clone(),
                            reason: cell.reason.clone(),
                            since,
                            flapping: cell.flapping,
                            members,
                            strip,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    GridView { hidden_green: total - rows.len(), rows, has_groups, not_green, total }
}

/// An age to the minute ("<1m", "4m", "1h5m"), so a cell's words change at most once a
/// minute while nothing happens, instead of on every clock tick (issue #7, B6).
pub(super) fn age(now_ms: i64, t: i64) -> String {
    let secs = ((now_ms - t).max(0) / 1000) as u64;
    if secs < 60 {
        "<1m".to_string()
    } else {
        format_duration_short(secs / 60 * 60)
    }
}

/// The history strip of one cell (the worst member at each poll for a group) and the
/// earliest poll known to have the newest state.
fn strip_of(book: Option<&HistoryBook>, service: &str, checks: &[&str]) -> (Vec<HealthState>, Option<i64>) {
    let Some(book) = book else { return (Vec::new(), None) };
    if let [check] = checks {
        // One check: its own ring is already in time order.
        let Some(h) = book.get(service, check) else { return (Vec::new(), None) };
        let start = h.len().saturating_sub(STRIP_LEN);
        return (h.entries().skip(start).map(|(_, s)| s).collect(), h.steady_since_ms());
    }
    let mut merged: Vec<(i64, HealthState)> = Vec::new();
    let mut steady: Option<i64> = None;
    for check in checks {
        let Some(h) = book.get(service, check) else { continue };
        steady = match (steady, h.steady_since_ms()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (t, s) in h.entries() {
            match merged.iter_mut().find(|(mt, _)| *mt == t) {
                Some(m) => m.1 = m.1.worst(s),
                None => merged.push((t, s)),
            }
        }
    }
    crate::core::sort::sort_by_key(&mut merged, |(t, _)| *t);
    let start = merged.len().saturating_sub(STRIP_LEN);
    (merged[start..].iter().map(|(_, s)| *s).collect(), steady)
}

/// What the detail view of one cell shows, all as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub title: String,
    pub status_line: String,
    pub content_type: String,
    pub url: String,
    pub body: String,
    pub format: String,
    /// (check, state word, raw word, reason) for the cell and its members.
    pub checks: Vec<(String, String, String, String)>,
    pub details: Vec<(String, String)>,
    pub warnings: Vec<String>,
    pub hint: Option<String>,
}

/// The detail of cell `check` (and its `members`, if rolled up) of a service's newest poll.
pub fn detail(service: &str, check: &str, members: &[String], polled: Option<&Polled>) -> Detail {
    let mut d = Detail {
        title: format!("{service} · {check}"),
        status_line: "no poll has completed yet".into(),
        content_type: String::new(),
        url: String::new(),
        body: String::new(),
        format: String::new(),
        checks: Vec::new(),
        details: Vec::new(),
        warnings: Vec::new(),
        hint: None,
    };
    let Some(p) = polled else { return d };
    match &p.raw {
        Some(raw) => {
            d.status_line = raw.status_line();
            d.content_type = raw.content_type.clone().unwrap_or_default();
            d.url = raw.url.clone();
            d.body = if raw.body_bytes > raw.excerpt.len() {
                format!("{}\n… ({} bytes in all)", raw.excerpt, raw.body_bytes)
            } else {
                raw.excerpt.clone()
            };
        }
        None => d.status_line = "simulated by the demo datasource (list format)".into(),
    }
    d.format = p.probe.format.as_str().to_string();
    let names: Vec<&str> = if members.is_empty() { vec![check] } else { members.iter().map(String::as_str).collect() };
    for c in p.probe.checks.iter().filter(|c| names.contains(&c.name.as_str())) {
        d.checks.push((
            c.name.clone(),
            c.state.as_str().to_string(),
            c.raw_status.clone(),
            c.reason.clone().unwrap_or_default(),
        ));
        for (k, v) in &c.details {
            if k == "hint" {
                d.hint = Some(v.clone());
            } else {
                d.details.push((format!("{}.{k}", c.name), v.clone()));
            }
        }
        if c.reason.as_deref() == Some(reason::NETWORK_OR_CORS) && d.hint.is_none() {
            d.hint = Some(CORS_HINT.to_string());
        }
    }
    d.warnings = p.probe.warnings.clone();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::health::parse;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    fn registry() -> Registry {
        Registry::parse(
            r#"[{"name":"hc","kind":"health","url":"http://127.0.0.1:9","timeout_ms":1500,"min_refresh_s":5,
                 "endpoints":[{"service":"orders","url":"/orders/health"},
                              {"service":"billing","url":"https://b.example/h","format":"ietf"}]},
                {"name":"prom","kind":"prometheus","url":"/prom"}]"#,
        )
        .unwrap()
        .0
    }

    fn spec(services: &[&str]) -> HealthGridSpec {
        HealthGridSpec { services: services.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn intervals_and_jitter() {
        let cases = [((0, None), 15), ((0, Some(30)), 30), ((2, None), 2), ((2, Some(5)), 5), ((60, Some(5)), 60)];
        for ((refresh, min), expected) in cases {
            check((refresh, min), poll_interval_s(refresh, min), expected);
        }
        check("low", jittered_ms(10, 0.0), 9000);
        check("high", jittered_ms(10, 1.0), 11000);
        check("nan", jittered_ms(10, f64::NAN), 10000);
    }

    #[test]
    fn plans_pick_services_by_name_and_never_hold_urls() {
        let reg = registry();
        let p = plan_panel(&spec(&["billing", "mainframe", "orders"]), "hc", &reg, 0);
        let targets: Vec<(&str, &str, Option<&str>, u32, u32)> = p
            .targets
            .iter()
            .map(|t| (t.service.as_str(), t.url.as_str(), t.format.as_deref(), t.timeout_ms, t.interval_s))
            .collect();
        check(
            "targets",
            targets,
            vec![
                ("billing", "https://b.example/h", Some("ietf"), 1500, 15),
                ("orders", "http://127.0.0.1:9/orders/health", None, 1500, 15),
            ],
        );
        check("rows", p.services.clone(), vec!["billing".to_string(), "mainframe".into(), "orders".into()]);
        check("unlisted", p.unlisted.clone(), vec!["mainframe".to_string()]);
        assert!(p.notes[0].contains("\"mainframe\""), "{:?}", p.notes);
        let all = plan_panel(&spec(&[]), "hc", &reg, 2);
        check("all listed", all.targets.iter().map(|t| t.interval_s).collect::<Vec<_>>(), vec![5, 5]);
        let demo = plan_panel(&spec(&[]), "demo", &reg, 0);
        check("demo", (demo.targets.len() > 5, demo.targets.iter().all(|t| t.demo && t.url.is_empty())), (true, true));
        assert!(plan_panel(&spec(&[]), "prom", &reg, 0).error.unwrap().contains("\"health\" datasource"));
        assert!(plan_panel(&spec(&[]), "nope", &reg, 0).error.is_some());
    }

    #[test]
    fn urls_resolve_against_the_base() {
        let cases = [
            (("http://h:1/", "/a/health"), "http://h:1/a/health"),
            (("http://h:1", "a"), "http://h:1/a"),
            (("", "/proxy/a"), "/proxy/a"),
            (("http://h:1", "https://x/y"), "https://x/y"),
        ];
        for ((base, url), expected) in cases {
            check((base, url), resolve_url(base, url).as_str(), expected);
        }
    }

    fn polled(service: &str, status: u16, body: &str, at: i64) -> Polled {
        let probe = parse(service, Some(status), Some("application/json"), body.as_bytes(), None);
        Polled { probe, polled_at_ms: at, raw: Some(RawAnswer::received("/x", status, Some("application/json"), body.as_bytes(), 12)) }
    }

    #[test]
    fn panel_states_and_banner_worst() {
        let reg = registry();
        let now = 1_000_000;
        let mut data = HealthData::default();
        let plan = plan_panel(&spec(&["orders", "billing"]), "hc", &reg, 0);
        let h = panel_health(None, &data, now);
        check("no registry", (h.state, h.worst), (DataState::Loading, Unknown));
        let h = panel_health(Some(&plan), &data, now);
        check("not polled", (h.state, h.worst, h.all_green), (DataState::Loading, Unknown, false));
        data.record("hc", polled("orders", 200, r#"[{"Name":"db","Status":"OK"}]"#, now));
        let h = panel_health(Some(&plan), &data, now);
        check("one polled", (h.state, h.worst, h.all_green), (DataState::Ok, Unknown, false));
        data.record("hc", polled("billing", 503, r#"{"status":"pass"}"#, now));
        let h = panel_health(Some(&plan), &data, now);
        check("503 pass", (h.state, h.worst), (DataState::Ok, Fail));
        check("failing first", h.grid.rows[0].service.as_str(), "billing");
        let only_unlisted = plan_panel(&spec(&["mainframe"]), "hc", &reg, 0);
        let h = panel_health(Some(&only_unlisted), &data, now);
        check("unlisted only", (h.state, h.worst), (DataState::Error, Unknown));
        assert!(h.error.unwrap().contains("mainframe"));
        let bad = plan_panel(&spec(&[]), "prom", &reg, 0);
        check("wrong kind", panel_health(Some(&bad), &data, now).state, DataState::Error);
    }

    #[test]
    fn painted_cells_carry_strips_and_since() {
        let reg = registry();
        let plan = plan_panel(&spec(&["orders"]), "hc", &reg, 0);
        let mut data = HealthData::default();
        let bodies = ["OK", "OK", "TIMEOUT", "TIMEOUT"];
        for (i, s) in bodies.iter().enumerate() {
            let body = format!(r#"[{{"Name":"db","Status":"{s}"}},{{"Name":"kafka","Status":"OK"}}]"#);
            data.record("hc", polled("orders", 200, &body, 10_000 + i as i64 * 1000));
        }
        let now = 74_000;
        let h = panel_health(Some(&plan), &data, now);
        let grid = panel_grid(&plan, &data, now);
        check("summary", h.grid.rows.iter().map(|r| r.state()).collect::<Vec<_>>(), vec![Fail]);
        let v = grid_view(&grid, data.books.get("hc"), false, false, now);
        let db = &v.rows[0].cells[0];
        check(
            "db",
            (db.check.as_str(), db.state, db.strip.clone(), db.since.as_str()),
            ("db", Fail, vec![Ok, Ok, Fail, Fail], "changed 1m ago"),
        );
        check("kafka since", v.rows[0].cells[1].since.as_str(), "unchanged for ≥ 1m");
        check("kafka stale", (v.rows[0].cells[1].stale, v.rows[0].cells[1].state), (true, Unknown));
        let hidden = grid_view(&grid, None, false, true, now);
        check("not hidden", hidden.rows.len(), 1);
    }

    #[test]
    fn details_are_text_with_the_raw_answer() {
        let p = polled("orders", 502, "<html><b>Bad gateway</b></html>", 5);
        let d = detail("orders", "self", &[], Some(&p));
        check("status", d.status_line.as_str(), "HTTP 502 Bad Gateway");
        check("body", d.body.as_str(), "<html><b>Bad gateway</b></html>");
        check("check", d.checks[0].1.as_str(), "fail");
        let n = Polled {
            probe: ProbeResult::network_error("orders", "Failed to fetch"),
            polled_at_ms: 5,
            raw: Some(RawAnswer::failed("/x", "Failed to fetch", 3)),
        };
        let d = detail("orders", "self", &[], Some(&n));
        check("no answer", d.status_line.as_str(), "no answer: Failed to fetch");
        assert!(d.hint.unwrap().contains("same-origin proxy"));
        check("nothing yet", detail("a", "b", &[], None).status_line.as_str(), "no poll has completed yet");
    }
}

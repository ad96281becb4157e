//! Drill-down planning: from a KPI tile (its query, the parent's time range and variables,
//! and what the datasource knows about the query's labels) to the child dashboard a click
//! opens; from a chart point to its bucket and from a drag across a chart to its window; from a window to its traces; and the bounded
//! trail of parent levels that breadcrumbs show.
//!
//! Everything here works on typed values: the tile's label matchers are copied as
//! [`Matcher`] values and the parent's variables as [`Variable`] values, never pasted into
//! query text. Pure: the caller passes instants and label facts in.
//!
//! # Which labels a drill-down breaks a query down by
//!
//! 1. Never by `le` or `__name__`, nor by a label the tile pins to one value with an
//!    equality matcher (after variable substitution): such a breakdown has one line.
//! 2. First the known useful labels of [`USEFUL_LABELS`], in that order, that the
//!    datasource says the query's series carry.
//! 3. Then, while fewer than [`MAX_BREAKDOWNS`] were found, the other labels with the
//!    fewest distinct values above one, when the datasource can tell the counts.
//! 4. When the datasource can tell nothing about the labels (or the query is raw PromQL),
//!    the child shows the tile's query without a breakdown.

use crate::core::chart::ChartModel;
use crate::core::query::{Agg, MatchOp, MetricQuery, Query};
use crate::core::spec::*;
use crate::core::time::format_rfc3339_utc;
use crate::core::vars::apply;

/// Label names that usually make a useful breakdown, most useful first.
pub const USEFUL_LABELS: &[&str] = &[
    "service",
    "endpoint",
    "route",
    "handler",
    "path",
    "operation",
    "status",
    "status_code",
    "code",
    "method",
    "instance",
    "pod",
    "host",
];

/// Labels a query is never broken down by.
const NEVER: &[&str] = &["le", "__name__"];

/// Most breakdown charts a planned child shows.
pub const MAX_BREAKDOWNS: usize = 3;

/// What the datasource told about one label of the tile's series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelStat {
    pub name: String,
    /// Number of distinct values, when the datasource can tell.
    pub distinct: Option<usize>,
}

/// Everything a planned drill-down needs besides the tile itself.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillContext<'a> {
    /// The dashboard the tile is on (its time range, variables, notes and trail carry over).
    pub parent: &'a Dashboard,
    /// The labels of the tile's series, or `None` when the datasource cannot tell.
    pub labels: Option<&'a [LabelStat]>,
    /// Datasource for the related traces; `None` leaves the traces out (a tile on a real
    /// backend with no trace backend configured must not show the demo's traces).
    pub trace_datasource: Option<&'a str>,
    /// Datasource for the related health checks; `None` leaves the health grid out.
    pub health_datasource: Option<&'a str>,
}

/// The labels to break `query` down by, by the rule in the module documentation.
pub fn breakdown_labels(query: &Query, vars: &[Variable], labels: Option<&[LabelStat]>) -> Vec<String> {
    let Some(labels) = labels else { return Vec::new() };
    let resolved = apply(query, vars);
    let (pinned, grouped) = match &resolved {
        Query::Metric(q) => (pinned(q), q.by.clone()),
        Query::Ratio(r) => {
            let mut p = pinned(&r.num);
            p.retain(|l| pinned(&r.den).contains(l));
            (p, r.num.by.clone())
        }
        Query::Promql(_) => return Vec::new(),
    };
    let usable = |name: &str| !NEVER.contains(&name) && !pinned.iter().any(|p| p == name) && !grouped.iter().any(|g| g == name);
    let mut out: Vec<String> = USEFUL_LABELS
        .iter()
        .filter(|u| usable(u) && labels.iter().any(|l| l.name == **u && l.distinct != Some(1) && l.distinct != Some(0)))
        .map(|u| u.to_string())
        .take(MAX_BREAKDOWNS)
        .collect();
    if out.len() < MAX_BREAKDOWNS {
        let mut rest: Vec<(usize, &str)> = labels
            .iter()
            .filter(|l| usable(&l.name) && !out.contains(&l.name))
            .filter_map(|l| l.distinct.filter(|n| *n > 1).map(|n| (n, l.name.as_str())))
            .collect();
        rest.sort();
        out.extend(rest.into_iter().take(MAX_BREAKDOWNS - out.len()).map(|(_, n)| n.to_string()));
    }
    out
}

/// Labels an equality matcher pins to one literal value.
fn pinned(q: &MetricQuery) -> Vec<String> {
    q.matchers
        .iter()
        .filter(|m| m.op == MatchOp::Eq && !m.value.contains('$'))
        .map(|m| m.label.clone())
        .collect()
}

/// The query grouped by one more label; `None` for raw PromQL, which has no structure.
pub fn broken_down(query: &Query, label: &str) -> Option<Query> {
    let by = |q: &MetricQuery| {
        let mut q = q.clone();
        if !q.by.iter().any(|b| b == label) {
            q.by.push(label.to_string());
        }
        // Without an aggregation every raw series would show; sum counters, average gauges.
        q.agg = Some(q.agg.unwrap_or(if q.range_fn.is_some() { Agg::Sum } else { Agg::Avg }));
        q
    };
    match query {
        Query::Metric(q) => Some(Query::Metric(by(q))),
        Query::Ratio(r) => {
            let mut r = r.clone();
            r.num = by(&r.num);
            r.den = by(&r.den);
            Some(Query::Ratio(r))
        }
        Query::Promql(_) => None,
    }
}

/// The service the tile is about: an equality matcher on `service` (or `service_name`,
/// `job`) after variable substitution.
pub fn service_of(query: &Query, vars: &[Variable]) -> Option<String> {
    let resolved = apply(query, vars);
    let matchers = match &resolved {
        Query::Metric(q) => q.matchers.clone(),
        Query::Ratio(r) => r.num.matchers.iter().chain(&r.den.matchers).cloned().collect(),
        Query::Promql(_) => return None,
    };
    ["service", "service_name", "job"].iter().find_map(|name| {
        matchers
            .iter()
            .find(|m| m.label == *name && m.op == MatchOp::Eq && !m.value.is_empty() && !m.value.contains('$'))
            .map(|m| m.value.clone())
    })
}

/// Plans the child dashboard of a KPI tile: the tile's query as a chart, then one chart per
/// breakdown label, the related traces and the health of the service (or of all services)
/// when the context names datasources for them.
pub fn plan_child(tile: &Panel, ctx: &DrillContext) -> Option<Dashboard> {
    let PanelDef::Kpi(kpi) = &tile.def else { return None };
    let vars = &ctx.parent.variables;
    let labels = breakdown_labels(&kpi.query, vars, ctx.labels);
    let service = service_of(&kpi.query, vars);
    let chart = |id: String, title: String, query: Query| Panel {
        id,
        title,
        datasource: tile.datasource.clone(),
        def: PanelDef::Timeseries(TimeseriesSpec {
            queries: vec![query],
            unit: kpi.unit,
            thresholds: kpi.thresholds,
        }),
    };
    let mut panels = vec![chart("total".into(), tile.title.clone(), kpi.query.clone())];
    let mut layout = vec![LayoutItem {
        panel: "total".into(),
        x: 0,
        y: 0,
        w: 12,
        h: 4,
    }];
    let mut y = 4;
    for (i, label) in labels.iter().enumerate() {
        let Some(query) = broken_down(&kpi.query, label) else { continue };
        let id = format!("by_{}", label.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>());
        let x = if i % 2 == 0 { 0 } else { 6 };
        let last_alone = i % 2 == 0 && i + 1 == labels.len();
        layout.push(LayoutItem {
            panel: id.clone(),
            x,
            y,
            w: if last_alone { 12 } else { 6 },
            h: 4,
        });
        if i % 2 == 1 || last_alone {
            y += 4;
        }
        panels.push(chart(id, format!("{} by {label}", tile.title), query));
    }
    let both = ctx.trace_datasource.is_some() && ctx.health_datasource.is_some();
    if let Some(ds) = ctx.trace_datasource {
        panels.push(Panel {
            id: "traces".into(),
            title: match &service {
                Some(s) => format!("Traces of {s}"),
                None => "Traces".into(),
            },
            datasource: ds.to_string(),
            def: PanelDef::TraceSearch(TraceSearchSpec { service: service.clone(), limit: Some(20), ..Default::default() }),
        });
        layout.push(LayoutItem { panel: "traces".into(), x: 0, y, w: if both { 8 } else { 12 }, h: 5 });
    }
    if let Some(ds) = ctx.health_datasource {
        panels.push(Panel {
            id: "health".into(),
            title: "Health".into(),
            datasource: ds.to_string(),
            def: PanelDef::HealthGrid(HealthGridSpec { services: service.iter().cloned().collect(), ..Default::default() }),
        });
        layout.push(LayoutItem { panel: "health".into(), x: if both { 8 } else { 0 }, y, w: if both { 4 } else { 12 }, h: 5 });
    }
    let title = match &service {
        Some(s) => format!("{} · {s}", tile.title),
        None => format!("{} breakdown", tile.title),
    };
    Some(level_below(
        ctx.parent,
        Dashboard {
            title,
            panels,
            layout,
            refresh_s: 0,
            ..ctx.parent.clone()
        },
    ))
}

/// A dashboard the user chose as a tile's target, opened as the level below `parent`: it
/// takes the parent's time range and "as of" stamp, and the selection of every variable
/// both dashboards have.
pub fn chosen_child(parent: &Dashboard, mut target: Dashboard) -> Dashboard {
    target.time = parent.time;
    target.as_of_ms = parent.as_of_ms;
    for v in &mut target.variables {
        if let Some(p) = parent.variables.iter().find(|p| p.name == v.name) {
            v.current = p.current.clone();
        }
    }
    level_below(parent, target)
}

/// Where a chosen drill target points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRef {
    /// A link fragment (`d=1.…` or `json=…`) without the `#`.
    Fragment(String),
    /// The key of a Recent entry in this browser.
    RecentKey(String),
}

/// Reads a [`DrillTarget::Dashboard`] value: a whole URL or fragment is a link, anything
/// else a Recent key.
pub fn target_ref(text: &str) -> TargetRef {
    let text = text.trim();
    let fragment = text.rsplit_once('#').map(|(_, f)| f).unwrap_or(text);
    if fragment.starts_with("d=") || fragment.starts_with("json=") {
        TargetRef::Fragment(fragment.to_string())
    } else {
        TargetRef::RecentKey(text.to_string())
    }
}

/// `child` as the level below `parent`: the parent (without its own trail) is appended to
/// the trail, which keeps the newest [`MAX_TRAIL`] levels; the incident notes carry over.
pub fn level_below(parent: &Dashboard, mut child: Dashboard) -> Dashboard {
    let mut trail = parent.trail.clone();
    trail.push(trail_entry(parent));
    let extra = trail.len().saturating_sub(MAX_TRAIL);
    trail.drain(..extra);
    child.trail = trail;
    child.notes = parent.notes.clone();
    child
}

/// A level as the trail stores it: no trail of its own, and no notes (the notes belong to
/// the whole path and travel on the current level).
fn trail_entry(d: &Dashboard) -> Dashboard {
    Dashboard {
        trail: Vec::new(),
        notes: Vec::new(),
        ..d.clone()
    }
}

/// The dashboard a breadcrumb opens: trail level `index` with the levels above it as its
/// trail and the current notes. `None` when there is no such level.
pub fn crumb_target(current: &Dashboard, index: usize) -> Option<Dashboard> {
    let mut level = current.trail.get(index)?.clone();
    level.trail = current.trail[..index].to_vec();
    level.notes = current.notes.clone();
    Some(level)
}

/// The sample bucket a click at `t_ms` falls in, for data at `step_ms`: the window
/// `(T - step, T]` of the first aligned sample time `T` at or after the click (a rate
/// sample at `T` describes the time just before it).
pub fn bucket_window(t_ms: i64, step_ms: i64) -> (i64, i64) {
    let step = step_ms.max(1);
    let to = t_ms.div_euclid(step) * step + if t_ms.rem_euclid(step) == 0 { 0 } else { step };
    (to - step, to)
}

/// Separates a window suffix added by [`zoom_level`] from a title.
const WINDOW_SEP: &str = " · ";

/// A window as a short text: `12:30:00–12:30:15 UTC` (dates only when they differ).
pub fn window_label(from_ms: i64, to_ms: i64) -> String {
    let (a, b) = (format_rfc3339_utc(from_ms), format_rfc3339_utc(to_ms));
    let clock = |s: &str| s.get(11..19).unwrap_or(s).to_string();
    if a.get(..10) == b.get(..10) {
        format!("{}–{} UTC", clock(&a), clock(&b))
    } else {
        format!("{} {}–{} {} UTC", a.get(..10).unwrap_or(""), clock(&a), b.get(..10).unwrap_or(""), clock(&b))
    }
}

/// The title without a window suffix from an earlier zoom.
fn base_title(title: &str) -> &str {
    match title.rsplit_once(WINDOW_SEP) {
        Some((base, suffix)) if suffix.ends_with(" UTC") && !base.is_empty() => base,
        _ => title,
    }
}

/// The same dashboard over exactly `from_ms..to_ms`, as the level below `current` (a chart
/// point's bucket); the title names the window.
pub fn zoom_level(current: &Dashboard, from_ms: i64, to_ms: i64) -> Dashboard {
    let title = format!("{}{WINDOW_SEP}{}", base_title(&current.title), window_label(from_ms, to_ms));
    let child = Dashboard {
        title,
        time: TimeSpec::Absolute {
            from_ms,
            to_ms: to_ms.max(from_ms + 1),
        },
        ..current.clone()
    };
    level_below(current, child)
}

/// "Traces in this window": a trace search for `service` (or every service) over exactly
/// `from_ms..to_ms` on `datasource`, as the level below `current`.
pub fn traces_level(current: &Dashboard, service: Option<String>, from_ms: i64, to_ms: i64, datasource: &str) -> Dashboard {
    let window = window_label(from_ms, to_ms);
    let title = match &service {
        Some(s) => format!("Traces of {s}{WINDOW_SEP}{window}"),
        None => format!("Traces{WINDOW_SEP}{window}"),
    };
    let panel = Panel {
        id: "traces".into(),
        title: "Traces in this window".into(),
        datasource: datasource.to_string(),
        def: PanelDef::TraceSearch(TraceSearchSpec {
            service,
            limit: Some(50),
            ..Default::default()
        }),
    };
    let child = Dashboard {
        title,
        time: TimeSpec::Absolute {
            from_ms,
            to_ms: to_ms.max(from_ms + 1),
        },
        refresh_s: 0,
        panels: vec![panel],
        layout: vec![LayoutItem {
            panel: "traces".into(),
            x: 0,
            y: 0,
            w: 12,
            h: 6,
        }],
        ..current.clone()
    };
    level_below(current, child)
}

/// A press and a release on a chart closer than this many CSS pixels are a click (the
/// point's menu); farther apart they are a drag that selects a window.
pub const MIN_DRAG_PX: f64 = 6.0;

/// What a press and a release on a chart mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartGesture {
    /// Press and release at (nearly) one place: the point's menu.
    Click,
    /// A drag across the plot: drill into exactly this window.
    Window { from_ms: i64, to_ms: i64 },
    /// A drag that selects no time (both ends past the same edge of the plot).
    Nothing,
}

/// What pressing at `from_px` and releasing at `to_px` (CSS pixels from the chart's left
/// edge, in either order) select on `model` painted `width_px` wide. The window is widened
/// outward to whole seconds, so the level's title and link name it exactly.
pub fn chart_gesture(model: &ChartModel, from_px: f64, to_px: f64, width_px: f64) -> ChartGesture {
    if !from_px.is_finite() || !to_px.is_finite() {
        return ChartGesture::Nothing;
    }
    if (to_px - from_px).abs() < MIN_DRAG_PX {
        return ChartGesture::Click;
    }
    let (left, right) = (from_px.min(to_px), from_px.max(to_px));
    match drag_window(model.time_at(left, width_px), model.time_at(right, width_px)) {
        Some((from_ms, to_ms)) => ChartGesture::Window { from_ms, to_ms },
        None => ChartGesture::Nothing,
    }
}

/// The window between two instants (in either order), widened outward to whole seconds;
/// `None` when they are the same instant.
pub fn drag_window(a_ms: i64, b_ms: i64) -> Option<(i64, i64)> {
    let (a, b) = (a_ms.min(b_ms), a_ms.max(b_ms));
    if a == b {
        return None;
    }
    let from = a.div_euclid(1000) * 1000;
    let to = b.div_euclid(1000) * 1000 + if b.rem_euclid(1000) == 0 { 0 } else { 1000 };
    Some((from, to))
}

/// The service a chart's point is about: the `service` label the visible series share
/// (one series, or all of one service), else the service the chart's queries pin.
pub fn service_at_point(visible: &[&[(String, String)]], queries: &[Query], vars: &[Variable]) -> Option<String> {
    let service = |labels: &[(String, String)]| labels.iter().find(|(k, _)| k == "service" || k == "service_name").map(|(_, v)| v.clone());
    let found: Vec<Option<String>> = visible.iter().map(|l| service(l)).collect();
    match found.first() {
        Some(Some(first)) if found.iter().all(|s| s.as_ref() == Some(first)) => Some(first.clone()),
        _ => queries.iter().find_map(|q| service_of(q, vars)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;
    use crate::core::query::{Matcher, RatioQuery};

    fn stat(name: &str, distinct: Option<usize>) -> LabelStat {
        LabelStat { name: name.into(), distinct }
    }

    fn demo_labels() -> Vec<LabelStat> {
        vec![
            stat("service", Some(6)),
            stat("endpoint", Some(9)),
            stat("status", Some(5)),
            stat("le", Some(12)),
        ]
    }

    fn ctx(parent: &Dashboard, labels: Option<&[LabelStat]>) -> DrillContext<'static> {
        let parent: &'static Dashboard = Box::leak(Box::new(parent.clone()));
        let labels: Option<&'static [LabelStat]> = labels.map(|l| &*Box::leak(l.to_vec().into_boxed_slice()));
        DrillContext {
            parent,
            labels,
            trace_datasource: Some("demo"),
            health_datasource: Some("demo"),
        }
    }

    fn tile(d: &Dashboard, id: &str) -> Panel {
        d.panels.iter().find(|p| p.id == id).unwrap().clone()
    }

    fn plain_model(from_ms: i64, to_ms: i64) -> ChartModel {
        ChartModel {
            from_ms,
            to_ms,
            y_min: 0.0,
            y_max: 1.0,
            unit: Unit::None,
            series: Vec::new(),
            x_ticks: Vec::new(),
            y_ticks: Vec::new(),
            threshold_lines: Vec::new(),
            zone: "UTC".into(),
        }
    }

    #[test]
    fn a_drag_selects_the_window_under_it_and_a_short_one_is_a_click() {
        use crate::core::chart::MARGINS;
        // A plot 1000 px wide over 1000 s: one pixel is one second.
        let width = 1000.0 + MARGINS.left + MARGINS.right;
        let m = plain_model(1_700_000_000_000, 1_700_001_000_000);
        let x = |s: f64| MARGINS.left + s;
        assert_eq!(
            chart_gesture(&m, x(300.0), x(700.0), width),
            ChartGesture::Window { from_ms: 1_700_000_300_000, to_ms: 1_700_000_700_000 }
        );
        assert_eq!(chart_gesture(&m, x(700.0), x(300.0), width), chart_gesture(&m, x(300.0), x(700.0), width), "either direction");
        // Fractions of a second widen outward.
        assert_eq!(
            chart_gesture(&m, x(300.4), x(699.6), width),
            ChartGesture::Window { from_ms: 1_700_000_300_000, to_ms: 1_700_000_700_000 }
        );
        assert_eq!(chart_gesture(&m, x(100.0), x(100.0 + MIN_DRAG_PX - 0.5), width), ChartGesture::Click);
        // Past the plot's edges the window stops at the chart's range.
        assert_eq!(chart_gesture(&m, -50.0, x(10.0), width), ChartGesture::Window { from_ms: 1_700_000_000_000, to_ms: 1_700_000_010_000 });
        assert_eq!(chart_gesture(&m, x(900.0), width + 300.0, width), ChartGesture::Window { from_ms: 1_700_000_900_000, to_ms: 1_700_001_000_000 });
        assert_eq!(chart_gesture(&m, -80.0, -20.0, width), ChartGesture::Nothing, "both ends left of the plot");
        assert_eq!(chart_gesture(&m, f64::NAN, x(10.0), width), ChartGesture::Nothing);
        assert_eq!(drag_window(5_500, 1_200), Some((1_000, 6_000)));
        assert_eq!(drag_window(-1_500, -1), Some((-2_000, 0)));
        assert_eq!(drag_window(7, 7), None);
    }

    #[test]
    fn a_dragged_window_drills_into_exactly_that_window_as_a_level() {
        let d = shop_overview();
        let m = plain_model(1_763_880_000_000, 1_763_883_600_000);
        let width = 800.0;
        let ChartGesture::Window { from_ms, to_ms } = chart_gesture(&m, 200.0, 500.0, width) else { panic!("a window") };
        let level = zoom_level(&d, from_ms, to_ms);
        assert_eq!(level.time, TimeSpec::Absolute { from_ms, to_ms });
        assert!(from_ms >= m.from_ms && to_ms <= m.to_ms && from_ms < to_ms);
        assert_eq!(level.trail.len(), 1, "a breadcrumb back to the whole range");
        assert_eq!(level.trail[0].time, d.time);
        assert_eq!(level.panels, d.panels);
    }

    #[test]
    fn a_pinned_service_is_not_a_breakdown_and_known_labels_come_first() {
        let d = shop_overview();
        let rate = tile(&d, "rate");
        let PanelDef::Kpi(k) = &rate.def else { panic!() };
        assert_eq!(breakdown_labels(&k.query, &d.variables, Some(&demo_labels())), vec!["endpoint", "status"]);
        // The error ratio is over every service, so the service is the first breakdown.
        let errors = tile(&d, "errors");
        let PanelDef::Kpi(k) = &errors.def else { panic!() };
        assert_eq!(
            breakdown_labels(&k.query, &d.variables, Some(&demo_labels())),
            vec!["service", "endpoint", "status"]
        );
    }

    #[test]
    fn unknown_labels_fall_back_to_the_fewest_distinct_values_above_one() {
        let q = Query::Metric(MetricQuery {
            metric: "jobs".into(),
            ..Default::default()
        });
        let labels = vec![
            stat("zone", Some(3)),
            stat("queue", Some(40)),
            stat("cluster", Some(1)),
            stat("tier", Some(2)),
            stat("shard", None),
        ];
        assert_eq!(breakdown_labels(&q, &[], Some(&labels)), vec!["tier", "zone", "queue"]);
        let labels = vec![stat("zone", Some(3)), stat("instance", None)];
        assert_eq!(breakdown_labels(&q, &[], Some(&labels)), vec!["instance", "zone"], "known names need no count");
        assert!(breakdown_labels(&q, &[], None).is_empty(), "a datasource that tells nothing gets no breakdown");
        let raw = Query::Promql(crate::core::query::PromqlQuery { expr: "up".into() });
        assert!(breakdown_labels(&raw, &[], Some(&labels)).is_empty());
    }

    #[test]
    fn a_variable_pinning_one_value_pins_the_label() {
        let mut d = shop_overview();
        d.variables[0].current = vec!["billing".into()];
        let q = Query::Metric(MetricQuery {
            metric: "m".into(),
            matchers: vec![Matcher::eq("service", "$service")],
            ..Default::default()
        });
        assert_eq!(breakdown_labels(&q, &d.variables, Some(&demo_labels())), vec!["endpoint", "status"]);
        assert_eq!(service_of(&q, &d.variables).as_deref(), Some("billing"));
        d.variables[0].current = vec!["billing".into(), "orders".into()];
        assert_eq!(breakdown_labels(&q, &d.variables, Some(&demo_labels())), vec!["service", "endpoint", "status"]);
        assert_eq!(service_of(&q, &d.variables), None);
    }

    #[test]
    fn ratio_breakdowns_group_numerator_and_denominator_alike() {
        let q = Query::Ratio(RatioQuery {
            num: MetricQuery {
                metric: "r".into(),
                matchers: vec![Matcher::re("status", "5..")],
                range_fn: Some(crate::core::query::RangeFn::Rate),
                ..Default::default()
            },
            den: MetricQuery {
                metric: "r".into(),
                range_fn: Some(crate::core::query::RangeFn::Rate),
                ..Default::default()
            },
            scale: 100.0,
        });
        let Some(Query::Ratio(r)) = broken_down(&q, "endpoint") else { panic!() };
        assert_eq!(r.num.by, vec!["endpoint"]);
        assert_eq!(r.den.by, vec!["endpoint"]);
        assert_eq!(r.num.agg, Some(Agg::Sum));
        assert_eq!(r.num.matchers, vec![Matcher::re("status", "5..")], "the tile's matchers stay as typed data");
    }

    #[test]
    fn the_child_carries_time_variables_matchers_and_the_trail() {
        let mut parent = shop_overview();
        parent.time = TimeSpec::Absolute {
            from_ms: 1_000_000,
            to_ms: 4_600_000,
        };
        parent.variables[0].current = vec!["orders".into()];
        parent.notes = vec![Note {
            at_ms: 2_000_000,
            text: "deploy".into(),
            author: None,
        }];
        let rate = tile(&parent, "rate");
        let child = plan_child(&rate, &ctx(&parent, Some(&demo_labels()))).unwrap();
        assert_eq!(child.time, parent.time);
        assert_eq!(child.variables, parent.variables);
        assert_eq!(child.title, "Request rate · gateway");
        let kinds: Vec<&str> = child.panels.iter().map(|p| p.def.kind()).collect();
        assert_eq!(kinds, vec!["timeseries", "timeseries", "timeseries", "trace_search", "health_grid"]);
        let titles: Vec<&str> = child.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles[1..3], ["Request rate by endpoint", "Request rate by status"]);
        let PanelDef::Timeseries(by_endpoint) = &child.panels[1].def else { panic!() };
        let Query::Metric(q) = &by_endpoint.queries[0] else { panic!() };
        assert_eq!(q.matchers, vec![Matcher::eq("service", "gateway")]);
        assert_eq!(q.by, vec!["endpoint"]);
        let PanelDef::TraceSearch(t) = &child.panels[3].def else { panic!() };
        assert_eq!(t.service.as_deref(), Some("gateway"));
        assert_eq!(child.trail.len(), 1);
        assert_eq!(child.trail[0].title, "Shop overview");
        assert!(child.trail[0].notes.is_empty() && child.trail[0].trail.is_empty());
        assert_eq!(child.notes, parent.notes);
        let (back, warnings) = decode_dashboard(serde_json::to_value(&child).unwrap()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back, child);
        assert!(child.layout.iter().all(|l| child.panels.iter().any(|p| p.id == l.panel)));
    }

    #[test]
    fn only_kpi_tiles_plan_a_child() {
        let d = shop_overview();
        assert!(plan_child(&tile(&d, "by_service"), &ctx(&d, None)).is_none());
        let child = plan_child(&tile(&d, "errors"), &ctx(&d, None)).unwrap();
        assert_eq!(child.panels.len(), 3, "no label facts: the query, traces and health");
        assert_eq!(child.title, "Error % breakdown");
        let bare = DrillContext { trace_datasource: None, health_datasource: None, ..ctx(&d, None) };
        let child = plan_child(&tile(&d, "errors"), &bare).unwrap();
        assert_eq!(child.panels.iter().map(|p| p.def.kind()).collect::<Vec<_>>(), vec!["timeseries"], "no trace or health source: neither panel");
        let traces_only = DrillContext { trace_datasource: Some("jaeger"), health_datasource: None, ..ctx(&d, None) };
        let child = plan_child(&tile(&d, "errors"), &traces_only).unwrap();
        assert_eq!(child.layout.last().map(|l| l.w), Some(12));
    }

    #[test]
    fn the_trail_is_bounded_and_crumbs_rebuild_their_own_trail() {
        let mut d = shop_overview();
        for i in 0..8 {
            let mut next = zoom_level(&d, i * 1000, i * 1000 + 500);
            next.title = format!("level {}", i + 1);
            d = next;
        }
        assert_eq!(d.trail.len(), MAX_TRAIL);
        assert_eq!(d.trail[0].title, "level 3");
        assert_eq!(d.trail[MAX_TRAIL - 1].title, "level 7");
        let up = crumb_target(&d, 2).unwrap();
        assert_eq!(up.title, "level 5");
        assert_eq!(up.trail.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), vec!["level 3", "level 4"]);
        assert!(crumb_target(&d, MAX_TRAIL).is_none());
    }

    #[test]
    fn buckets_contain_the_click_and_zoom_titles_do_not_pile_up() {
        assert_eq!(bucket_window(100_001, 15_000), (90_000, 105_000));
        assert_eq!(bucket_window(105_000, 15_000), (90_000, 105_000));
        assert_eq!(bucket_window(-1, 15_000), (-15_000, 0));
        let d = shop_overview();
        let z = zoom_level(&d, 1_763_880_000_000, 1_763_880_015_000);
        assert_eq!(z.title, "Shop overview · 06:40:00–06:40:15 UTC");
        assert_eq!(
            z.time,
            TimeSpec::Absolute {
                from_ms: 1_763_880_000_000,
                to_ms: 1_763_880_015_000
            }
        );
        let zz = zoom_level(&z, 1_763_880_000_000, 1_763_880_005_000);
        assert_eq!(zz.title, "Shop overview · 06:40:00–06:40:05 UTC");
        assert_eq!(zz.trail.len(), 2);
        assert_eq!(window_label(0, 86_400_000), "1970-01-01 00:00:00–1970-01-02 00:00:00 UTC");
    }

    #[test]
    fn traces_in_a_window_search_the_service_over_exactly_that_window() {
        let d = shop_overview();
        let t = traces_level(&d, Some("checkout".into()), 60_000, 75_000, "jaeger");
        assert_eq!(
            t.time,
            TimeSpec::Absolute {
                from_ms: 60_000,
                to_ms: 75_000
            }
        );
        assert_eq!(t.panels.len(), 1);
        assert_eq!(t.panels[0].datasource, "jaeger");
        let PanelDef::TraceSearch(s) = &t.panels[0].def else { panic!() };
        assert_eq!(s.service.as_deref(), Some("checkout"));
        assert_eq!(t.trail.last().unwrap().title, "Shop overview");
        let cart = vec![("service".to_string(), "cart".to_string())];
        let orders = vec![("service".to_string(), "orders".to_string())];
        assert_eq!(service_at_point(&[&cart], &[], &[]).as_deref(), Some("cart"));
        assert_eq!(service_at_point(&[&cart, &cart], &[], &[]).as_deref(), Some("cart"));
        let q = Query::Metric(MetricQuery { metric: "m".into(), matchers: vec![Matcher::eq("service", "gateway")], ..Default::default() });
        assert_eq!(service_at_point(&[&cart, &orders], &[q.clone()], &[]).as_deref(), Some("gateway"));
        assert_eq!(service_at_point(&[&cart, &orders], &[], &[]), None);
    }

    #[test]
    fn a_chosen_target_takes_the_parents_window_and_selections() {
        let mut parent = shop_overview();
        parent.time = TimeSpec::Absolute { from_ms: 5, to_ms: 10 };
        parent.variables[0].current = vec!["orders".into()];
        let child = chosen_child(&parent, shop_overview());
        assert_eq!(child.time, parent.time);
        assert_eq!(child.variables[0].current, vec!["orders".to_string()]);
        assert_eq!(child.trail.len(), 1);
        assert_eq!(target_ref("https://x.example/napkin/#d=1.eNq"), TargetRef::Fragment("d=1.eNq".into()));
        assert_eq!(target_ref("json=%7B%7D"), TargetRef::Fragment("json=%7B%7D".into()));
        assert_eq!(target_ref(" k-123 "), TargetRef::RecentKey("k-123".into()));
    }

    #[test]
    fn a_child_link_with_its_trail_stays_short() {
        let mut parent = shop_overview();
        parent.time = TimeSpec::Absolute {
            from_ms: 1_763_880_000_000,
            to_ms: 1_763_883_600_000,
        };
        let child = plan_child(&tile(&parent, "errors"), &ctx(&parent, Some(&demo_labels()))).unwrap();
        let zoomed = zoom_level(&child, 1_763_881_000_000, 1_763_881_015_000);
        let (a, b, c) = (
            crate::core::link::encode_share(&parent).len(),
            crate::core::link::encode_share(&child).len(),
            crate::core::link::encode_share(&zoomed).len(),
        );
        println!("share fragment lengths: parent {a}, child {b}, grandchild {c}");
        assert!(c < 2 * a, "the trail compresses with the level: {a} {b} {c}");
        let out = crate::core::link::decode_fragment(&crate::core::link::encode_share(&zoomed));
        assert_eq!(out.dashboard.unwrap(), zoomed);
    }

    /// The dashboard of the stored link below: two levels down from the Shop overview, with
    /// two notes and a tile whose drill target is a chosen dashboard.
    fn fixture_dashboard() -> Dashboard {
        let mut top = shop_overview();
        top.time = TimeSpec::Absolute { from_ms: 1_763_880_000_000, to_ms: 1_763_883_600_000 };
        top.as_of_ms = Some(1_763_883_600_000);
        top.notes = vec![
            Note { at_ms: 1_763_881_200_000, text: "checkout 5xx alert; rolling back 4.2.1".into(), author: Some("ana".into()) },
            Note { at_ms: 1_763_882_400_000, text: "rollback done".into(), author: None },
        ];
        if let PanelDef::Kpi(k) = &mut top.panels[0].def {
            k.drill = Some(DrillTarget::Dashboard("k-incident".into()));
        }
        let child = plan_child(&tile(&top, "errors"), &ctx(&top, Some(&demo_labels()))).unwrap();
        zoom_level(&child, 1_763_881_200_000, 1_763_881_215_000)
    }

    /// Written once by the first Napkin with notes, trails and drill targets (link format 1
    /// with the added keys NT, AM, TX, AU, TR, DR); it must keep opening. Never edit it.
    #[test]
    fn stored_link_with_notes_trail_and_drill_target_keeps_decoding() {
        let path = format!("{}/tests/fixtures/links/v1-drill-notes.txt", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("NAPKIN_WRITE_LINK_FIXTURES").is_some() {
            std::fs::write(&path, format!("{}\n", crate::core::link::encode_share(&fixture_dashboard()))).unwrap();
        }
        let link = std::fs::read_to_string(&path).unwrap();
        let out = crate::core::link::decode_fragment(link.trim());
        assert_eq!((out.error, out.warnings), (None, vec![]));
        let d = out.dashboard.unwrap();
        assert_eq!(d.title, "Error % breakdown · 07:00:00–07:00:15 UTC");
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 1_763_881_200_000, to_ms: 1_763_881_215_000 });
        let notes: Vec<(i64, &str, Option<&str>)> = d.notes.iter().map(|n| (n.at_ms, n.text.as_str(), n.author.as_deref())).collect();
        assert_eq!(notes, vec![(1_763_881_200_000, "checkout 5xx alert; rolling back 4.2.1", Some("ana")), (1_763_882_400_000, "rollback done", None)]);
        let trail: Vec<&str> = d.trail.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(trail, vec!["Shop overview", "Error % breakdown"]);
        assert_eq!(d.trail[0].panels.len(), 8);
        let PanelDef::Kpi(k) = &d.trail[0].panels[0].def else { panic!("the first panel is a KPI") };
        assert_eq!(k.drill, Some(DrillTarget::Dashboard("k-incident".into())));
        let kinds: Vec<&str> = d.panels.iter().map(|p| p.def.kind()).collect();
        assert_eq!(kinds, vec!["timeseries", "timeseries", "timeseries", "timeseries", "trace_search", "health_grid"]);
    }
}

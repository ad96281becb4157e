//! Types of the dashboard spec. Optional fields have defaults so that later issues can add
//! fields without changing the link version.

use crate::core::query::Query;
use serde::{Deserialize, Serialize};

/// A whole dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Spec version this value was written with.
    pub version: u32,
    pub title: String,
    /// Time range shown: relative ("last 1h") or absolute (frozen).
    pub time: TimeSpec,
    /// Auto-refresh interval in seconds; 0 means off.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refresh_s: u32,
    /// When the dashboard was shared frozen, the instant (epoch ms UTC) it was frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of_ms: Option<i64>,
    /// Dashboard variables (`$service`), used in queries and chosen from the top bar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Variable>,
    pub panels: Vec<Panel>,
    /// Grid positions, by panel id. Panels missing here are placed automatically.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<LayoutItem>,
    /// Incident notes pinned to instants: markers on every chart, a list under the banner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// The drill-down path that led here: each parent level, oldest first, with its own
    /// trail left empty (at most [`super::MAX_TRAIL`] levels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trail: Vec<Dashboard>,
}

/// An incident note pinned to an instant, e.g. "rolled back 4.2.1".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The instant the note is about, epoch milliseconds UTC.
    pub at_ms: i64,
    /// Plain text; it is always shown as text, never as markup.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// Where clicking a KPI tile leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "spec", rename_all = "snake_case")]
pub enum DrillTarget {
    /// A dashboard planned from the tile's query (`core::drill`).
    Auto,
    /// A dashboard the user chose: a share link (`d=1.…`, `json=…` or a whole URL) or the
    /// key of an entry in this browser's Recent list.
    Dashboard(String),
}

/// A dashboard variable: `$name` in queries stands for the selected value(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    /// The name used in queries without the `$` (letters, digits, `_`).
    pub name: String,
    /// The label whose values are the options; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Restricts the options to this metric's series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// Datasource to read options from; defaults to `demo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource: Option<String>,
    /// Fixed options instead of label values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multi: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub include_all: bool,
    /// The selection. Empty means "All" when `include_all`, else nothing selected yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub current: Vec<String>,
}

impl Variable {
    /// The label the options come from.
    pub fn label_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// The dashboard's time range as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "spec", rename_all = "snake_case")]
pub enum TimeSpec {
    /// The last `last_s` seconds up to now (moves with the clock).
    Relative { last_s: u64 },
    /// A fixed window, epoch milliseconds UTC, `from_ms < to_ms`.
    Absolute { from_ms: i64, to_ms: i64 },
}

/// One panel: identity, title, datasource and its kind-specific definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// Stable id used by `layout`, unique within the dashboard.
    pub id: String,
    pub title: String,
    /// Name of a datasource from `datasources.json` (or `demo`).
    pub datasource: String,
    #[serde(flatten)]
    pub def: PanelDef,
}

/// What a panel shows. Serialized as `"kind": ..., "spec": {...}` beside the panel fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "spec", rename_all = "snake_case")]
pub enum PanelDef {
    Kpi(KpiSpec),
    Timeseries(TimeseriesSpec),
    TraceSearch(TraceSearchSpec),
    Waterfall(WaterfallSpec),
    HealthGrid(HealthGridSpec),
}

impl PanelDef {
    /// The `kind` string as it appears in the spec and in `data-kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            PanelDef::Kpi(_) => "kpi",
            PanelDef::Timeseries(_) => "timeseries",
            PanelDef::TraceSearch(_) => "trace_search",
            PanelDef::Waterfall(_) => "waterfall",
            PanelDef::HealthGrid(_) => "health_grid",
        }
    }
}

/// A KPI tile: one number, reduced from one series, with thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSpec {
    pub query: Query,
    #[serde(default)]
    pub unit: Unit,
    #[serde(default)]
    pub reduce: Reduce,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    /// Fixed number of decimals; `None` picks a sensible precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub sparkline: bool,
    /// Where a click on the tile leads; absent means [`DrillTarget::Auto`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<DrillTarget>,
}

/// A time-series chart of one or more queries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeseriesSpec {
    pub queries: Vec<Query>,
    #[serde(default)]
    pub unit: Unit,
    /// Threshold lines drawn on the chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
}

/// Trace search (issue #4). Fields are reserved now so links stay compatible.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TraceSearchSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Tag / attribute filters as `key=value` pairs separated by spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// A TraceQL query (Tempo only); replaces service, operation and tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceql: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_ms: Option<u64>,
}

/// Trace waterfall (issue #4).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WaterfallSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Span ids (hex) whose children are hidden (besides the `collapse_depth` rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collapsed: Vec<String>,
    /// Every span with children at this depth or deeper is collapsed (0: collapse all), so
    /// "collapse all" on 100,000 spans stays a short link. Older links have only `collapsed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collapse_depth: Option<u32>,
    /// Span ids (hex) the `collapse_depth` rule would collapse but that are expanded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expanded: Vec<String>,
    /// The span id (hex) whose detail is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    /// Hide spans shorter than this percentage of the trace (0 or absent shows all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_below_pct: Option<f64>,
    /// The name of the file the trace was opened from; such a trace has no backend, so the
    /// link only names the file to open again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// Health status grid (issue #5).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HealthGridSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freshness_s: Option<u32>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hide_green: bool,
}

/// Display unit of a value. The number is always in this unit (9.1 means 9.1 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    #[default]
    None,
    Percent,
    Seconds,
    Milliseconds,
    Bytes,
    ReqPerSec,
}

impl Unit {
    /// The spec spelling, used for `data-unit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::None => "none",
            Unit::Percent => "percent",
            Unit::Seconds => "seconds",
            Unit::Milliseconds => "milliseconds",
            Unit::Bytes => "bytes",
            Unit::ReqPerSec => "req_per_sec",
        }
    }
}

/// How a KPI turns a series into one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    #[default]
    Last,
    Mean,
    Max,
}

/// Warn/fail thresholds with the direction in which values get worse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail: Option<f64>,
}

/// `above`: values at or above a threshold are bad (error rate, latency).
/// `below`: values at or below a threshold are bad (availability, throughput).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Above,
    Below,
}

/// A panel's place on the 12-column grid; `x`, `y`, `w`, `h` in grid cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayoutItem {
    pub panel: String,
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

/// Number of grid columns.
pub const GRID_COLUMNS: u16 = 12;

fn is_zero(v: &u32) -> bool {
    *v == 0
}

fn yes() -> bool {
    true
}

fn is_true(v: &bool) -> bool {
    *v
}

//! Traces (issue #4): the waterfall panel (`waterfall.rs`), the span detail (`detail.rs`),
//! "Open logs" links from `link` datasources (`logs.rs`)
//! and the trace search panel (`search.rs`), plus what they share: a small in-memory store
//! of loaded traces (backend traces cached by datasource and id; file traces kept for the
//! session because they have no backend), per-panel view memory that survives the panel
//! being rebuilt when its spec changes, and opening a trace from a file. It also keeps what
//! each trace panel shows now, so a snapshot can store it ([`shown`]).

mod detail;
mod logs;
mod search;
mod waterfall;

pub use logs::OpenLogs;
pub use search::TraceSearch;
pub use waterfall::{frame_spec, Waterfall};

use super::state::AppState;
use crate::core::spec::{LayoutItem, Panel, PanelDef, WaterfallSpec};
use crate::core::trace::{critical_path, on_critical_path, parse_detailed, RowIndex, SpanId, SpanTree, Trace};
use crate::io::url::HistoryMode;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A trace ready to paint: the trace, its tree and critical path, computed once.
pub struct Loaded {
    pub trace: Trace,
    pub tree: SpanTree,
    pub critical: Vec<bool>,
    /// Where it came from: "Jaeger JSON file spans.json", "datasource jaeger", ...
    pub source: String,
    pub warnings: Vec<String>,
    /// Milliseconds spent decoding and indexing (0 when unknown).
    pub parse_ms: f64,
    /// Computed once: epoch µs of the first start and last end, distinct non-empty services,
    /// failed spans, and the earliest root's name (a panel may be rebuilt over the same trace).
    pub start_us: i64,
    pub end_us: i64,
    pub service_count: usize,
    pub error_count: usize,
    pub root: String,
    /// The flat arrays the waterfall's row scan reads, built at the first paint (not while
    /// indexing) and kept for every later collapse and expand.
    rows: std::sync::OnceLock<RowIndex>,
}

impl Loaded {
    pub fn new(trace: Trace, source: String, mut warnings: Vec<String>, parse_ms: f64) -> Arc<Self> {
        let tree = SpanTree::build(&trace.spans);
        let critical = on_critical_path(&critical_path(&trace, &tree), trace.spans.len());
        warnings.extend(tree.warnings.iter().take(5).cloned());
        // One pass over the spans for the bounds, the failures and the services (the same
        // values as `Trace::start_us`, `end_us`, `error_count` and `services`). Neighbouring
        // spans mostly share a service: only a change of name is hashed.
        let (mut start_us, mut end_us, mut error_count) = (i64::MAX, i64::MIN, 0);
        let mut names: HashSet<&str> = HashSet::new();
        let mut last = "";
        for s in &trace.spans {
            start_us = start_us.min(s.start_us);
            end_us = end_us.max(s.end_us());
            error_count += usize::from(s.is_error());
            if !s.service.is_empty() && s.service != last {
                names.insert(s.service.as_str());
                last = s.service.as_str();
            }
        }
        if trace.spans.is_empty() {
            (start_us, end_us) = (0, 0);
        }
        let service_count = names.len();
        let root = tree.roots().into_iter().min_by_key(|&r| (trace.spans[r].start_us, r)).map(|r| trace.spans[r].name.to_string()).unwrap_or_default();
        Arc::new(Loaded { trace, tree, critical, source, warnings, parse_ms, start_us, end_us, service_count, error_count, root, rows: Default::default() })
    }

    /// The row scan's index of this trace (built on first use).
    pub fn row_index(&self) -> &RowIndex {
        self.rows.get_or_init(|| RowIndex::build(&self.trace, &self.tree))
    }
}

impl PartialEq for Loaded {
    /// Identity: a loaded trace is never compared by content (it may hold 100,000 spans).
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// What a waterfall panel remembers between rebuilds (an edit of its title or datasource,
/// or the trace opened again).
#[derive(Clone)]
pub struct ViewMemory {
    /// The trace the memory belongs to; memory of another trace is discarded.
    pub key: String,
    pub scroll_top: f64,
    pub focused: bool,
    pub cursor: Option<SpanId>,
    pub view: (f64, f64),
    pub find: String,
    pub fold: bool,
    pub unfolded: HashSet<SpanId>,
}

impl ViewMemory {
    fn new(key: String) -> Self {
        ViewMemory { key, scroll_top: 0.0, focused: false, cursor: None, view: (0.0, 1.0), find: String::new(), fold: true, unfolded: HashSet::new() }
    }
}

const CACHE_SIZE: usize = 6;

thread_local! {
    static CACHE: RefCell<Vec<(String, Arc<Loaded>)>> = const { RefCell::new(Vec::new()) };
    static FILES: RefCell<HashMap<String, Arc<Loaded>>> = RefCell::new(HashMap::new());
    static MEMORY: RefCell<HashMap<String, ViewMemory>> = RefCell::new(HashMap::new());
    /// What each trace panel shows now, by panel id (for snapshots).
    static SHOWN: RefCell<HashMap<String, Shown>> = RefCell::new(HashMap::new());
}

/// What one trace panel shows: search rows with their warnings, or a loaded trace.
#[derive(Clone)]
enum Shown {
    Results(Vec<crate::core::trace::TraceSummary>, Vec<String>),
    Trace(Arc<Loaded>),
}

/// Notes the search rows a trace search panel shows.
pub fn show_results(panel: &str, rows: &[crate::core::trace::TraceSummary], warnings: &[String]) {
    SHOWN.with(|m| m.borrow_mut().insert(panel.to_string(), Shown::Results(rows.to_vec(), warnings.to_vec())));
}

/// Notes the trace a waterfall panel shows.
pub fn show_loaded(panel: &str, loaded: Arc<Loaded>) {
    SHOWN.with(|m| m.borrow_mut().insert(panel.to_string(), Shown::Trace(loaded)));
}

/// Forgets what a panel showed (it now shows an error or nothing).
pub fn show_nothing(panel: &str) {
    SHOWN.with(|m| m.borrow_mut().remove(panel));
}

/// What a trace panel shows now, as a snapshot stores it.
pub fn shown(panel: &str) -> Option<crate::core::snapshot::TracePanel> {
    let shown = SHOWN.with(|m| m.borrow().get(panel).cloned())?;
    let panel = panel.to_string();
    Some(match shown {
        Shown::Results(rows, warnings) => crate::core::snapshot::TracePanel { panel, results: Some((rows, warnings)), trace: None },
        Shown::Trace(l) => crate::core::snapshot::TracePanel { panel, results: None, trace: Some((l.trace.clone(), l.warnings.clone())) },
    })
}

/// A cached backend trace.
pub fn cached(key: &str) -> Option<Arc<Loaded>> {
    CACHE.with(|c| c.borrow().iter().find(|(k, _)| k == key).map(|(_, l)| l.clone()))
}

/// Remembers a backend trace (the last few only).
pub fn remember(key: String, loaded: Arc<Loaded>) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(k, _)| *k != key);
        c.push((key, loaded));
        if c.len() > CACHE_SIZE {
            c.remove(0);
        }
    });
}

/// A trace opened from a file in this session, by trace id (hex).
pub fn file_trace(trace_hex: &str) -> Option<Arc<Loaded>> {
    FILES.with(|f| f.borrow().get(trace_hex).cloned())
}

/// The view memory of a panel for a trace (fresh when the trace changed).
pub fn memory(panel: &str, key: &str) -> ViewMemory {
    MEMORY.with(|m| m.borrow().get(panel).filter(|v| v.key == key).cloned()).unwrap_or_else(|| ViewMemory::new(key.to_string()))
}

/// Updates a panel's view memory.
pub fn update_memory(panel: &str, key: &str, f: impl FnOnce(&mut ViewMemory)) {
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        let entry = m.entry(panel.to_string()).or_insert_with(|| ViewMemory::new(key.to_string()));
        if entry.key != key {
            *entry = ViewMemory::new(key.to_string());
        }
        f(entry);
    });
}

/// Changes one waterfall panel's spec (a history entry only when `mode` says so).
pub fn edit_waterfall(state: AppState, panel: &str, mode: HistoryMode, f: impl FnOnce(&mut WaterfallSpec)) {
    let panel = panel.to_string();
    state.edit(mode, move |d| {
        if let Some(PanelDef::Waterfall(spec)) = d.panels.iter_mut().find(|p| p.id == panel).map(|p| &mut p.def) {
            f(spec);
        }
    });
}

/// Shows a trace in a waterfall: the given panel, else the first waterfall panel on the same
/// datasource, else a new full-width panel at the bottom.
pub fn show_trace(state: AppState, target: Option<&str>, datasource: &str, spec: WaterfallSpec) {
    let target = target.map(str::to_string);
    let datasource = datasource.to_string();
    state.edit(HistoryMode::Push, move |d| {
        let existing = d.panels.iter_mut().find(|p| match (&target, &p.def) {
            (Some(t), _) => p.id == *t,
            (None, PanelDef::Waterfall(_)) => p.datasource == datasource,
            _ => false,
        });
        match existing {
            Some(p) => {
                p.def = PanelDef::Waterfall(spec);
                if spec_is_file(&p.def) {
                    return;
                }
                p.datasource = datasource;
            }
            None => add_panel(d, "Trace", datasource, spec),
        }
    });
}

/// Adds a full-width waterfall panel below the others.
fn add_panel(d: &mut crate::core::spec::Dashboard, title: &str, datasource: String, spec: WaterfallSpec) {
    let id = crate::core::editor::fresh_id(d.panels.iter().map(|p| p.id.as_str()));
    let y = crate::core::spec::resolve_layout(d).iter().map(|l| l.y + l.h).max().unwrap_or(0);
    d.layout.push(LayoutItem { panel: id.clone(), x: 0, y, w: 12, h: 10 });
    d.panels.push(Panel { id, title: title.into(), datasource, def: PanelDef::Waterfall(spec) });
}

fn spec_is_file(def: &PanelDef) -> bool {
    matches!(def, PanelDef::Waterfall(s) if s.file.is_some())
}

/// Decodes a trace file's bytes (any supported format) and keeps its first non-empty trace
/// for the session. Returns the trace id (hex) and a note for the user.
pub fn register_file(name: &str, bytes: &[u8]) -> Result<(String, Option<String>), String> {
    let t0 = crate::io::traces::now_ms();
    crate::io::traces::mark("napkin:trace:parse:start");
    let parsed = parse_detailed(bytes).map_err(|e| format!("\"{name}\" is not a trace file Napkin can read: {e}"))?;
    let total = parsed.traces.len();
    let Some(trace) = parsed.traces.into_iter().filter(|t| !t.spans.is_empty()).max_by_key(|t| t.spans.len()) else {
        return Err(format!("\"{name}\" holds no spans."));
    };
    let hex = trace.trace_id.to_hex();
    let loaded = Loaded::new(trace, format!("{} file {name}", parsed.format.label()), parsed.warnings, 0.0);
    let parse_ms = crate::io::traces::now_ms() - t0;
    crate::io::traces::mark("napkin:trace:indexed");
    crate::io::traces::measure("napkin:trace:parse+index", "napkin:trace:parse:start", "napkin:trace:indexed");
    let loaded = Arc::new(Loaded { parse_ms, ..Arc::try_unwrap(loaded).unwrap_or_else(|_| unreachable!("fresh Arc")) });
    FILES.with(|f| f.borrow_mut().insert(hex.clone(), loaded));
    let note = (total > 1).then(|| format!("\"{name}\" holds {total} traces; showing the largest."));
    Ok((hex, note))
}

/// Opens a trace file's bytes in a waterfall panel (`target`, or a new one).
pub fn open_trace_bytes(state: AppState, target: Option<&str>, name: &str, bytes: &[u8]) -> Result<Option<String>, String> {
    let (hex, note) = register_file(name, bytes)?;
    let spec = WaterfallSpec { trace_id: Some(hex), file: Some(name.to_string()), ..WaterfallSpec::default() };
    let datasource = target
        .and_then(|t| state.dashboard.with_untracked(|d| d.panels.iter().find(|p| p.id == t).map(|p| p.datasource.clone())))
        .unwrap_or_else(|| crate::core::datasource::DEMO.to_string());
    // A file trace goes into the given panel, or a fresh one (never over a backend trace).
    let target = target.map(str::to_string).or_else(|| {
        state.dashboard.with_untracked(|d| d.panels.iter().find(|p| spec_is_file(&p.def)).map(|p| p.id.clone()))
    });
    match target {
        Some(t) => show_trace(state, Some(&t), &datasource, spec),
        None => state.edit(HistoryMode::Push, move |d| add_panel(d, "Trace file", datasource, spec)),
    }
    Ok(note)
}

/// Reads a picked or dropped file and opens it as a trace (used by the dashboard import
/// when a file is not a dashboard). `progress` receives (read, total) bytes.
pub async fn open_trace_file(state: AppState, target: Option<String>, file: web_sys::File, progress: impl Fn(f64, f64)) -> Result<Option<String>, String> {
    let name = file.name();
    let bytes = crate::io::traces::read_file(&file, progress).await?;
    crate::io::runner::yield_to_browser().await;
    open_trace_bytes(state, target.as_deref(), &name, &bytes)
}

/// µs as people read durations: `850 µs`, `12.3 ms`, `2.41 s`.
pub fn fmt_us(us: i64) -> String {
    let a = us.unsigned_abs() as f64;
    let sign = if us < 0 { "-" } else { "" };
    if a < 1000.0 {
        format!("{sign}{a} µs")
    } else if a < 1_000_000.0 {
        let ms = a / 1000.0;
        if ms < 10.0 { format!("{sign}{ms:.2} ms") } else if ms < 100.0 { format!("{sign}{ms:.1} ms") } else { format!("{sign}{ms:.0} ms") }
    } else {
        let s = a / 1_000_000.0;
        if s < 10.0 { format!("{sign}{s:.2} s") } else { format!("{sign}{s:.1} s") }
    }
}

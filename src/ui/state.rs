//! The app's shared state, provided as context and read with `use_app()`.
//!
//! Signals hold `core` values; derived values are `Memo`s. Actions that change the
//! dashboard also say how the change enters the browser history.

use crate::core::dashboards::shop_overview;
use crate::core::datasource::Registry;
use crate::core::fetch_state::PanelFetch;
use crate::core::kpi::{kpi_view, KpiClock, KpiView};
use crate::core::spec::PanelDef;
use crate::core::spec::{Dashboard, TimeSpec};
use crate::core::time::TimeRange;
use crate::io::clock::now_ms;
use crate::io::url::HistoryMode;
use leptos::prelude::*;
use std::collections::HashMap;

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct AppState {
    pub dashboard: RwSignal<Dashboard>,
    /// The instant relative ranges end at; moves on every refresh.
    pub anchor_ms: RwSignal<i64>,
    /// A wall clock for ageing and staleness, ticking every few seconds.
    pub clock_ms: RwSignal<i64>,
    /// Bumped to re-run every panel's queries.
    pub refresh_tick: RwSignal<u64>,
    /// `None` until `datasources.json` has been read.
    pub registry: RwSignal<Option<Registry>>,
    pub config_notes: RwSignal<Vec<String>>,
    pub link_error: RwSignal<Option<String>>,
    pub link_warnings: RwSignal<Vec<String>>,
    pub fetches: RwSignal<HashMap<String, PanelFetch>>,
    /// Viewer preference: axes and inputs in UTC (true) or local time.
    pub utc: RwSignal<bool>,
    /// How the next dashboard change enters history; `None` means "do not write the URL".
    pub next_history: StoredValue<Option<HistoryMode>>,
    pub range: Memo<TimeRange>,
    /// This dashboard's identity in the Recent list (kept across reloads of the tab).
    pub doc_key: RwSignal<String>,
    /// Why the latest autosave failed, if it did.
    pub save_problem: RwSignal<Option<String>>,
    /// The panel being edited in the side editor, if any.
    pub editing: RwSignal<Option<crate::core::editor::PanelDraft>>,
    /// Every KPI tile's view, by panel id; the tiles and the banner both read it.
    pub kpi_views: Memo<HashMap<String, KpiView>>,
    /// Undo/redo of this dashboard's edits (`core::undo`): every `edit` records the state it
    /// leaves; opening another dashboard or walking browser history starts afresh.
    pub history: RwSignal<crate::core::undo::History<Dashboard>>,
}

/// The shared state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

impl AppState {
    /// Creates the state around the first dashboard and provides it as context.
    pub fn provide(initial: Dashboard) -> Self {
        let dashboard = RwSignal::new(initial);
        let anchor_ms = RwSignal::new(now_ms());
        let range = Memo::new(move |_| TimeRange::resolve(dashboard.with(|d| d.time), anchor_ms.get()));
        let clock_ms = RwSignal::new(now_ms());
        let fetches: RwSignal<HashMap<String, PanelFetch>> = RwSignal::new(HashMap::new());
        let kpi_views = Memo::new(move |_| {
            let now = clock_ms.get();
            fetches.with(|fetches| {
                dashboard.with(|d| {
                    d.panels
                        .iter()
                        .filter_map(|p| {
                            let PanelDef::Kpi(spec) = &p.def else { return None };
                            let fetch = fetches.get(&p.id);
                            let shown = fetch.and_then(|f| f.data_range).unwrap_or_else(|| range.get_untracked());
                            let split = fetch
                                .and_then(|f| f.frames.as_ref())
                                .and_then(|f| f.first())
                                .map(|f| crate::core::plan::split_kpi_frame(f, shown.from_ms()));
                            let current = split.as_ref().map(|(c, _)| c);
                            let previous = split.as_ref().map(|(_, p)| p);
                            let clock = KpiClock {
                                range: shown,
                                step_ms: current.map(|f| f.step_ms).unwrap_or(15_000),
                                fetched_at_ms: fetch.and_then(|f| f.fetched_at_ms),
                                now_ms: now,
                                refresh_s: d.refresh_s,
                            };
                            Some((p.id.clone(), kpi_view(spec, current, previous, clock)))
                        })
                        .collect()
                })
            })
        });
        let state = Self {
            dashboard,
            anchor_ms,
            clock_ms,
            refresh_tick: RwSignal::new(0),
            registry: RwSignal::new(None),
            config_notes: RwSignal::new(Vec::new()),
            link_error: RwSignal::new(None),
            link_warnings: RwSignal::new(Vec::new()),
            fetches,
            utc: RwSignal::new(true),
            next_history: StoredValue::new(None),
            range,
            editing: RwSignal::new(None),
            doc_key: RwSignal::new(String::new()),
            save_problem: RwSignal::new(None),
            kpi_views,
            history: RwSignal::new(crate::core::undo::History::default()),
        };
        provide_context(state);
        state
    }

    /// Applies a user's change to the dashboard as a new history entry.
    pub fn edit(&self, mode: HistoryMode, f: impl FnOnce(&mut Dashboard)) {
        self.next_history.set_value(Some(mode));
        let before = self.dashboard.get_untracked();
        self.dashboard.update(f);
        self.dashboard.with_untracked(|after| self.history.update(|h| h.record(before, after)));
    }

    /// Goes back to the state before the latest edit, if any.
    pub fn undo(&self) {
        let current = self.dashboard.get_untracked();
        if let Some(previous) = self.history.try_update(|h| h.undo(current)).flatten() {
            self.next_history.set_value(Some(HistoryMode::Push));
            self.dashboard.set(previous);
        }
    }

    /// Re-applies the latest undone edit, if any.
    pub fn redo(&self) {
        let current = self.dashboard.get_untracked();
        if let Some(next) = self.history.try_update(|h| h.redo(current)).flatten() {
            self.next_history.set_value(Some(HistoryMode::Push));
            self.dashboard.set(next);
        }
    }

    /// Moves or resizes a panel on the grid (`core::layout`); one undoable edit.
    pub fn layout_op(&self, id: &str, op: crate::core::layout::LayoutOp) {
        let id = id.to_string();
        self.edit(HistoryMode::Replace, move |d| crate::core::layout::apply_to(d, &id, op));
    }

    /// Sets the whole layout at once (the end of a drag); one undoable edit.
    pub fn set_layout(&self, layout: Vec<crate::core::spec::LayoutItem>) {
        self.edit(HistoryMode::Replace, move |d| d.layout = layout);
    }

    /// Shows a panel being edited in the grid (live preview) without recording an edit or
    /// writing the link; `end_preview` or `save_panel` follows.
    pub fn preview_panel(&self, panel: crate::core::spec::Panel) {
        if self.dashboard.with_untracked(|d| d.panels.iter().any(|p| *p == panel)) {
            return;
        }
        self.next_history.set_value(None);
        self.dashboard.update(move |d| match d.panels.iter_mut().find(|p| p.id == panel.id) {
            Some(existing) => *existing = panel,
            None => d.panels.push(panel),
        });
    }

    /// Puts back the panel a preview replaced (`None`: the previewed panel was new).
    pub fn end_preview(&self, id: &str, original: Option<crate::core::spec::Panel>) {
        let current = self.dashboard.with_untracked(|d| d.panels.iter().find(|p| p.id == id).cloned());
        if current == original {
            return;
        }
        let id = id.to_string();
        self.next_history.set_value(None);
        self.dashboard.update(move |d| match original {
            Some(o) => {
                if let Some(existing) = d.panels.iter_mut().find(|p| p.id == id) {
                    *existing = o;
                }
            }
            None => {
                d.panels.retain(|p| p.id != id);
                d.layout.retain(|l| l.panel != id);
            }
        });
    }

    /// Renames the dashboard; an empty title is ignored.
    pub fn set_title(&self, title: &str) {
        let title = title.trim().to_string();
        if title.is_empty() || self.dashboard.with_untracked(|d| d.title == title) {
            return;
        }
        self.edit(HistoryMode::Push, move |d| d.title = title);
    }

    /// Changes the time range; a relative range is anchored at now.
    pub fn set_time(&self, time: TimeSpec) {
        self.anchor_ms.set(now_ms());
        self.edit(HistoryMode::Push, |d| {
            d.time = time;
            if matches!(time, TimeSpec::Relative { .. }) {
                d.as_of_ms = None;
            }
        });
    }

    /// Leaves a frozen view: the same length of time, ending now.
    pub fn go_live(&self) {
        let len_s = (self.range.get_untracked().duration_ms() / 1000).max(60) as u64;
        self.set_time(TimeSpec::Relative { last_s: len_s });
    }

    /// Re-runs every query now (relative ranges move to the current instant).
    pub fn refresh_now(&self) {
        let now = now_ms();
        self.anchor_ms.set(now);
        self.clock_ms.set(now);
        self.refresh_tick.update(|t| *t += 1);
    }

    /// Replaces the dashboard with one read from the URL, without writing the URL back.
    pub fn load_from_url(&self, dashboard: Dashboard) {
        self.next_history.set_value(None);
        self.anchor_ms.set(now_ms());
        self.dashboard.set(dashboard);
        self.history.update(|h| h.clear());
    }

    /// Replaces (or adds) a panel, placing a new one below the others.
    pub fn save_panel(&self, panel: crate::core::spec::Panel) {
        self.edit(HistoryMode::Push, move |d| match d.panels.iter_mut().find(|p| p.id == panel.id) {
            Some(existing) => *existing = panel,
            None => d.panels.push(panel),
        });
    }

    /// Removes a panel and its layout item.
    pub fn remove_panel(&self, id: &str) {
        let id = id.to_string();
        self.edit(HistoryMode::Push, move |d| {
            d.panels.retain(|p| p.id != id);
            d.layout.retain(|l| l.panel != id);
        });
    }

    /// Adds a copy of a panel right after it, with a fresh id.
    pub fn duplicate_panel(&self, id: &str) {
        let id = id.to_string();
        self.edit(HistoryMode::Push, move |d| {
            let Some(index) = d.panels.iter().position(|p| p.id == id) else { return };
            let mut copy = d.panels[index].clone();
            copy.id = crate::core::editor::fresh_id(d.panels.iter().map(|p| p.id.as_str()));
            copy.title = format!("{} (copy)", copy.title);
            let copy_id = copy.id.clone();
            d.panels.insert(index + 1, copy);
            crate::core::layout::place_below(d, &id, &copy_id);
        });
    }

    /// Opens another dashboard as a new history entry under its own Recent identity.
    pub fn open(&self, dashboard: Dashboard, key: String) {
        self.link_error.set(None);
        self.link_warnings.set(Vec::new());
        self.anchor_ms.set(now_ms());
        self.doc_key.set(key);
        self.edit(HistoryMode::Push, move |d| *d = dashboard);
        self.history.update(|h| h.clear());
    }

    /// Opens the built-in demo dashboard as a new history entry.
    pub fn open_demo(&self) {
        self.link_error.set(None);
        self.link_warnings.set(Vec::new());
        self.anchor_ms.set(now_ms());
        self.edit(HistoryMode::Push, |d| *d = shop_overview());
        self.history.update(|h| h.clear());
    }
}

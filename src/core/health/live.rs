//! The painted health grid of one panel, kept up to date poll by poll: a poll repaints only
//! the row of the service that answered, and [`LiveGrid::refresh`] says exactly which cells
//! and rows changed, so the edge patches those and nothing else (issue #7, B6).
//!
//! It paints with the same code as [`grid_view`] (one row at a time), and its tests check it
//! equals a full rebuild after any sequence of polls, clock ticks and toggles. Callers pass
//! `now_ms`; this file must never read a clock.

use super::grid::Grid;
use super::state::HealthState;
use super::view::{
    grid_view, latest_of, unlisted_probes, GridView, HealthData, PanelPlan, RowView,
};

/// One row as last painted.
#[derive(Debug, Clone)]
struct LiveRow {
    /// Which poll it was painted from ([`HealthData::seq`]; `None`: no poll yet).
    stamp: Option<u64>,
    /// Whether any of its checks belongs to a group.
    has_groups: bool,
    view: RowView,
}

/// What one [`LiveGrid::refresh`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Cells painted differently, as (row index in the panel's order, cell index).
    pub cells: Vec<(usize, usize)>,
    /// Rows (panel order) whose own state changed.
    pub rows: Vec<usize>,
    /// Rows were added, removed or reordered, or a row's cells changed in number or names:
    /// the structure has to be drawn again (cells then drawn show the new content).
    pub structure: bool,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.rows.is_empty() && !self.structure
    }
}

/// The painted grid of one panel: rows in the panel's order plus the display order.
#[derive(Debug, Clone, Default)]
pub struct LiveGrid {
    datasource: String,
    services: Vec<String>,
    freshness_s: u32,
    expand: bool,
    now_ms: i64,
    rows: Vec<LiveRow>,
    /// Row indices, failing rows first (ties keep the panel's order).
    order: Vec<usize>,
}

impl LiveGrid {
    pub fn new() -> Self {
        Self::default()
    }

    /// Brings the grid up to date with `data` at `now_ms`. Rows whose newest poll is the one
    /// they were painted from are left alone unless the clock, the plan or `expand` changed.
    pub fn refresh(
        &mut self,
        plan: &PanelPlan,
        data: &HealthData,
        expand: bool,
        now_ms: i64,
    ) -> Changes {
        let mut changes = Changes::default();
        let same_plan = self.datasource == plan.datasource
            && self.services == plan.services
            && self.freshness_s == plan.freshness_s
            && self.rows.len() == plan.services.len();
        if !same_plan {
            self.datasource = plan.datasource.clone();
            self.services = plan.services.clone();
            self.freshness_s = plan.freshness_s;
            self.rows.clear();
            changes.structure = true;
        }
        let repaint_all = !same_plan || self.now_ms != now_ms || self.expand != expand;
        self.now_ms = now_ms;
        self.expand = expand;
        let unlisted = unlisted_probes(plan);
        let latest = latest_of(plan, data, &unlisted, now_ms);
        let book = data.books.get(&plan.datasource);
        for (i, (service, latest)) in latest.iter().enumerate() {
            let stamp = data.seq(&plan.datasource, service);
            if !repaint_all && self.rows.get(i).is_some_and(|r| r.stamp == stamp) {
                continue;
            }
            let grid = Grid::build(&[(service, *latest)], book, now_ms, plan.freshness_s);
            let has_groups = grid
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .any(|c| c.group.is_some());
            let Some(view) = grid_view(&grid, book, expand, false, now_ms).rows.pop() else {
                continue;
            };
            let next = LiveRow {
                stamp,
                has_groups,
                view,
            };
            match self.rows.get_mut(i) {
                Some(prev) => {
                    diff_row(i, &prev.view, &next.view, &mut changes);
                    *prev = next;
                }
                None => self.rows.push(next),
            }
        }
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        crate::core::sort::sort_by_key(&mut order, |&i| std::cmp::Reverse(self.rows[i].view.state.rank()));
        if order != self.order {
            self.order = order;
            changes.structure = true;
        }
        changes
    }

    /// Row `i` in the panel's order.
    pub fn row(&self, i: usize) -> Option<&RowView> {
        self.rows.get(i).map(|r| &r.view)
    }

    /// The rows to show, failing first, as panel-order indices: all of them, or with
    /// `hide_green` only those not fully green.
    pub fn visible(&self, hide_green: bool) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&i| !hide_green || self.rows[i].view.state != HealthState::Ok)
            .collect()
    }

    /// Whether any check belongs to a group (the "expand groups" toggle is offered).
    pub fn has_groups(&self) -> bool {
        self.rows.iter().any(|r| r.has_groups)
    }

    /// Rows that are not green, and all rows.
    pub fn counts(&self) -> (usize, usize) {
        let not_green = self
            .rows
            .iter()
            .filter(|r| r.view.state != HealthState::Ok)
            .count();
        (not_green, self.rows.len())
    }

    /// The whole painted grid, as [`grid_view`] paints it (copies every cell: for tests and
    /// one-off reads, not for every poll).
    pub fn view(&self, hide_green: bool) -> GridView {
        let rows: Vec<RowView> = self
            .visible(hide_green)
            .into_iter()
            .map(|i| self.rows[i].view.clone())
            .collect();
        let (not_green, total) = self.counts();
        GridView {
            hidden_green: total - rows.len(),
            rows,
            has_groups: self.has_groups(),
            not_green,
            total,
        }
    }
}

/// Records what differs between two paintings of row `i`.
fn diff_row(i: usize, prev: &RowView, next: &RowView, changes: &mut Changes) {
    if prev.state != next.state {
        changes.rows.push(i);
    }
    let same_cells = prev.cells.len() == next.cells.len()
        && prev
            .cells
            .iter()
            .zip(&next.cells)
            .all(|(a, b)| a.check == b.check);
    if !same_cells {
        changes.structure = true;
        return;
    }
    for (j, (a, b)) in prev.cells.iter().zip(&next.cells).enumerate() {
        if a != b {
            changes.cells.push((i, j));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::datasource::Registry;
    use crate::core::health::model::{Check, Format, ProbeResult};
    use crate::core::health::view::{panel_grid, plan_panel, Polled};
    use crate::core::spec::HealthGridSpec;
    use HealthState::*;

    /// A small deterministic generator (xorshift), so failures replay.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn plan(services: &[&str]) -> PanelPlan {
        let endpoints: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| format!(r#"{{"service":"{s}","url":"/{s}"}}"#))
            .collect();
        let (registry, _) = Registry::parse(&format!(
            r#"[{{"name":"hc","kind":"health","url":"","endpoints":[{}]}}]"#,
            endpoints.join(",")
        ))
        .unwrap();
        let spec = HealthGridSpec {
            services: services.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        plan_panel(&spec, "hc", &registry, 5)
    }

    /// A random probe: up to 6 checks from a small pool of names (some grouped), random
    /// states and check times (some old enough to be stale).
    fn probe(rng: &mut Rng, service: &str, now: i64) -> ProbeResult {
        let states = [Ok, Warn, Fail, Unknown];
        let names = ["db", "cache", "q/1", "q/2", "q/3", "disk"];
        let n = rng.below(7) as usize;
        let checks: Vec<Check> = names
            .iter()
            .take(n)
            .map(|name| {
                let mut c = Check::new(*name, states[rng.below(4) as usize], "word");
                if name.starts_with("q/") {
                    c.group = Some("q".into());
                }
                if rng.below(5) == 0 {
                    c.reason = Some("timeout".into());
                }
                c.observed_at_ms = match rng.below(4) {
                    0 => None,
                    1 => Some(now - 200_000),
                    _ => Some(now - 1000),
                };
                c
            })
            .collect();
        let overall = HealthState::worst_of(checks.iter().map(|c| c.state)).unwrap_or(Unknown);
        ProbeResult {
            service: service.into(),
            http_status: Some(200),
            format: Format::List,
            checks,
            overall,
            warnings: vec![],
        }
    }

    #[test]
    fn incremental_refresh_equals_a_full_rebuild_and_reports_exactly_the_changed_cells() {
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let plan = plan(&["a", "b", "zz", "c", "d"]);
            let mut data = HealthData::default();
            let mut live = LiveGrid::new();
            let mut now = 1_000_000_i64;
            let mut expand = false;
            let mut before: Vec<RowView> = Vec::new();
            for step in 0..60 {
                match rng.below(10) {
                    0 => now += 5000 + rng.below(120_000) as i64,
                    1 => expand = !expand,
                    2 => {} // a refresh with nothing new changes nothing
                    _ => {
                        let service = ["a", "b", "c", "d"][rng.below(4) as usize];
                        let at = now - rng.below(3000) as i64;
                        data.record(
                            "hc",
                            Polled {
                                probe: probe(&mut rng, service, now),
                                polled_at_ms: at,
                                raw: None,
                            },
                        );
                    }
                }
                let changes = live.refresh(&plan, &data, expand, now);
                for hide in [false, true] {
                    let full = grid_view(
                        &panel_grid(&plan, &data, now),
                        data.books.get("hc"),
                        expand,
                        hide,
                        now,
                    );
                    assert_eq!(live.view(hide), full, "seed {seed} step {step} hide {hide}");
                }
                let after: Vec<RowView> = (0..plan.services.len())
                    .map(|i| live.row(i).unwrap().clone())
                    .collect();
                if !before.is_empty() {
                    let mut expected = Changes::default();
                    for (i, (a, b)) in before.iter().zip(&after).enumerate() {
                        diff_row(i, a, b, &mut expected);
                    }
                    check_changes(&changes, &expected, seed, step);
                }
                before = after;
            }
        }
    }

    /// The reported cells and rows are exactly those that differ (structure may be reported
    /// for a reorder the per-row comparison cannot see).
    fn check_changes(got: &Changes, expected: &Changes, seed: u64, step: usize) {
        assert_eq!(got.rows, expected.rows, "rows, seed {seed} step {step}");
        if expected.structure {
            assert!(got.structure, "structure, seed {seed} step {step}");
        } else {
            assert_eq!(got.cells, expected.cells, "cells, seed {seed} step {step}");
        }
    }

    #[test]
    fn a_poll_of_one_service_touches_only_its_row() {
        let plan = plan(&["a", "b"]);
        let mut data = HealthData::default();
        let now = 1_000_000;
        let list = |service: &str, states: &[HealthState]| ProbeResult {
            service: service.into(),
            http_status: Some(200),
            format: Format::List,
            checks: states
                .iter()
                .enumerate()
                .map(|(k, s)| Check {
                    observed_at_ms: Some(now),
                    ..Check::new(format!("c{k}"), *s, s.as_str())
                })
                .collect(),
            overall: Ok,
            warnings: vec![],
        };
        data.record(
            "hc",
            Polled {
                probe: list("a", &[Ok, Ok, Ok]),
                polled_at_ms: now,
                raw: None,
            },
        );
        data.record(
            "hc",
            Polled {
                probe: list("b", &[Ok, Ok]),
                polled_at_ms: now,
                raw: None,
            },
        );
        let mut live = LiveGrid::new();
        assert!(
            live.refresh(&plan, &data, false, now).structure,
            "the first refresh draws everything"
        );
        assert!(
            live.refresh(&plan, &data, false, now).is_empty(),
            "nothing new, nothing changed"
        );
        data.record(
            "hc",
            Polled {
                probe: list("b", &[Ok, Fail]),
                polled_at_ms: now + 1,
                raw: None,
            },
        );
        let changes = live.refresh(&plan, &data, false, now);
        assert_eq!(changes.rows, vec![1], "row b turned fail");
        assert!(changes.cells.contains(&(1, 1)), "{changes:?}");
        assert!(
            changes.cells.iter().all(|(row, _)| *row == 1),
            "row a untouched: {changes:?}"
        );
        assert!(changes.structure, "b now sorts first");
        assert_eq!(live.visible(false), vec![1, 0]);
        assert_eq!(live.visible(true), vec![1]);
    }
}

//! The health grid's view model: one row per service, one cell per check, failing rows
//! first, groups rolled up to their worst state, a "hide all-green" filter and the strict
//! all-green verdict for the banner.
//!
//! Built from the latest probe of each service plus the cell histories; callers pass
//! `now_ms`. This file must never parse bodies or read a clock.

use super::freshness::{displayed, is_fresh};
use super::history::HistoryBook;
use super::model::{reason, ProbeResult, SELF_CHECK};
use super::state::HealthState;

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub check: String,
    pub group: Option<String>,
    /// The last known state (the label); see [`Cell::shown`] for the colour.
    pub state: HealthState,
    /// True when the result is older than the freshness window.
    pub stale: bool,
    pub raw_status: String,
    pub reason: Option<String>,
    pub observed_at_ms: Option<i64>,
    /// When the current state began, if that is within the kept history.
    pub last_change_ms: Option<i64>,
    pub flapping: bool,
    /// How many checks this cell stands for (more than one once groups are rolled up).
    pub members: usize,
}

impl Cell {
    /// The state the cell is coloured and counted as: never green when stale.
    pub fn shown(&self) -> HealthState {
        displayed(self.state, self.stale)
    }
}

/// One service's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub service: String,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The row's state: the worst shown cell, Unknown for a row without cells.
    pub fn state(&self) -> HealthState {
        HealthState::worst_of(self.cells.iter().map(Cell::shown)).unwrap_or(HealthState::Unknown)
    }

    /// The same row with grouped cells merged into one cell per group, placed where the
    /// group's first member was.
    pub fn rolled_up(&self) -> Row {
        let mut cells: Vec<Cell> = Vec::new();
        let mut merged_at: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for cell in &self.cells {
            let Some(group) = &cell.group else {
                cells.push(cell.clone());
                continue;
            };
            match merged_at.get(group.as_str()) {
                Some(&i) => merge(&mut cells[i], cell),
                None => {
                    merged_at.insert(group, cells.len());
                    cells.push(Cell {
                        check: group.clone(),
                        ..cell.clone()
                    });
                }
            }
        }
        Row {
            service: self.service.clone(),
            cells,
        }
    }
}

/// Folds one member into a rolled-up cell: worst state, the worst member's words.
fn merge(into: &mut Cell, member: &Cell) {
    if member.shown().rank() > into.shown().rank() {
        into.raw_status = member.raw_status.clone();
        into.reason = member.reason.clone();
        into.observed_at_ms = member.observed_at_ms;
    }
    into.state = into.state.worst(member.state);
    into.stale |= member.stale;
    into.flapping |= member.flapping;
    into.last_change_ms = into.last_change_ms.max(member.last_change_ms);
    into.members += member.members;
}

/// The newest probe of one service and when we polled it.
#[derive(Debug, Clone, Copy)]
pub struct Latest<'a> {
    pub probe: &'a ProbeResult,
    pub polled_at_ms: i64,
}

/// The whole grid, rows already in display order (failing first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    pub rows: Vec<Row>,
}

impl Grid {
    /// Builds the grid for `services` in the panel's order, then sorts failing rows first
    /// (fail, warn, unknown, ok; ties keep the panel's order). A service with no probe yet
    /// gets one Unknown cell with reason `no_data`.
    pub fn build(
        services: &[(&str, Option<Latest<'_>>)],
        history: Option<&HistoryBook>,
        now_ms: i64,
        freshness_s: u32,
    ) -> Grid {
        let mut rows: Vec<Row> = services
            .iter()
            .map(|(service, latest)| Row {
                service: service.to_string(),
                cells: match latest {
                    Some(l) => cells(service, l, history, now_ms, freshness_s),
                    None => vec![no_data()],
                },
            })
            .collect();
        crate::core::sort::sort_by_key(&mut rows, |r| std::cmp::Reverse(r.state().rank()));
        Grid { rows }
    }

    /// Column names in first-seen order over the rows.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for cell in self.rows.iter().flat_map(|r| &r.cells) {
            if !out.contains(&cell.check) {
                out.push(cell.check.clone());
            }
        }
        out
    }

    /// The grid with every row's groups rolled up to their worst state, re-sorted.
    pub fn rolled_up(&self) -> Grid {
        let mut rows: Vec<Row> = self.rows.iter().map(Row::rolled_up).collect();
        crate::core::sort::sort_by_key(&mut rows, |r| std::cmp::Reverse(r.state().rank()));
        Grid { rows }
    }

    /// The rows to show: all of them, or with `hide_green` only those not fully green.
    pub fn visible_rows(&self, hide_green: bool) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| !hide_green || r.state() != HealthState::Ok)
            .collect()
    }

    /// True only when there is at least one row and every cell is fresh and Ok. Anything
    /// unknown, stale or missing blocks "all green".
    pub fn all_green(&self) -> bool {
        !self.rows.is_empty()
            && self.rows.iter().all(|r| {
                !r.cells.is_empty() && r.cells.iter().all(|c| c.shown() == HealthState::Ok)
            })
    }
}

fn cells(
    service: &str,
    latest: &Latest<'_>,
    history: Option<&HistoryBook>,
    now_ms: i64,
    freshness_s: u32,
) -> Vec<Cell> {
    latest
        .probe
        .checks
        .iter()
        .map(|c| {
            let h = history.and_then(|b| b.get(service, &c.name));
            Cell {
                check: c.name.clone(),
                group: c.group.clone(),
                state: c.state,
                stale: !is_fresh(
                    c.observed_at_ms,
                    Some(latest.polled_at_ms),
                    now_ms,
                    freshness_s,
                ),
                raw_status: c.raw_status.clone(),
                reason: c.reason.clone(),
                observed_at_ms: c.observed_at_ms,
                last_change_ms: h.and_then(|h| h.last_change_ms()),
                flapping: h.is_some_and(|h| h.is_flapping()),
                members: 1,
            }
        })
        .collect()
}

fn no_data() -> Cell {
    Cell {
        check: SELF_CHECK.into(),
        group: None,
        state: HealthState::Unknown,
        stale: false,
        raw_status: String::new(),
        reason: Some(reason::NO_DATA.into()),
        observed_at_ms: None,
        last_change_ms: None,
        flapping: false,
        members: 1,
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use crate::core::health::model::{Check, Format};
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    const NOW: i64 = 10_000_000;

    fn probe(service: &str, checks: &[(&str, Option<&str>, HealthState)]) -> ProbeResult {
        let checks: Vec<Check> = checks
            .iter()
            .map(|(name, group, state)| Check {
                group: group.map(str::to_string),
                ..Check::new(*name, *state, state.as_str())
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

    fn order(g: &Grid) -> Vec<(&str, HealthState)> {
        g.rows
            .iter()
            .map(|r| (r.service.as_str(), r.state()))
            .collect()
    }

    #[test]
    fn failing_rows_first_and_missing_services_unknown() {
        let a = probe("a", &[("db", None, Ok)]);
        let b = probe("b", &[("db", None, Fail), ("q", None, Ok)]);
        let c = probe("c", &[("db", None, Warn)]);
        let fresh = |p| {
            Some(Latest {
                probe: p,
                polled_at_ms: NOW,
            })
        };
        let g = Grid::build(
            &[
                ("a", fresh(&a)),
                ("b", fresh(&b)),
                ("d", None),
                ("c", fresh(&c)),
                ("e", None),
            ],
            None,
            NOW,
            60,
        );
        check(
            "order",
            order(&g),
            vec![
                ("b", Fail),
                ("c", Warn),
                ("d", Unknown),
                ("e", Unknown),
                ("a", Ok),
            ],
        );
        check(
            "no data cell",
            g.rows[2].cells[0].reason.as_deref(),
            Some("no_data"),
        );
        check(
            "columns",
            g.columns(),
            vec!["db".to_string(), "q".into(), "self".into()],
        );
        let visible: Vec<&str> = g
            .visible_rows(true)
            .iter()
            .map(|r| r.service.as_str())
            .collect();
        check("hide green", visible, vec!["b", "c", "d", "e"]);
        check("show all", g.visible_rows(false).len(), 5);
    }

    #[test]
    fn stale_cells_are_never_green() {
        let mut p = probe("a", &[("db", None, Ok), ("q", None, Ok)]);
        p.checks[1].observed_at_ms = Some(NOW - 3_600_000);
        let g = Grid::build(
            &[(
                "a",
                Some(Latest {
                    probe: &p,
                    polled_at_ms: NOW,
                }),
            )],
            None,
            NOW,
            60,
        );
        let shown: Vec<(bool, HealthState, HealthState)> = g.rows[0]
            .cells
            .iter()
            .map(|c| (c.stale, c.state, c.shown()))
            .collect();
        check("overlay", shown, vec![(false, Ok, Ok), (true, Ok, Unknown)]);
        check("row", g.rows[0].state(), Unknown);
        check("not all green", g.all_green(), false);
        let old_poll = Grid::build(
            &[(
                "a",
                Some(Latest {
                    probe: &probe("a", &[("db", None, Ok)]),
                    polled_at_ms: NOW - 61_000,
                }),
            )],
            None,
            NOW,
            60,
        );
        check(
            "old poll",
            (old_poll.rows[0].cells[0].stale, old_poll.all_green()),
            (true, false),
        );
    }

    #[test]
    fn all_green_is_strict() {
        let ok = probe("a", &[("db", None, Ok)]);
        let unknown = probe("b", &[("db", None, Unknown)]);
        let fresh = |p| {
            Some(Latest {
                probe: p,
                polled_at_ms: NOW,
            })
        };
        let cases: Vec<(&str, Vec<(&str, Option<Latest<'_>>)>, bool)> = vec![
            ("all ok", vec![("a", fresh(&ok))], true),
            ("empty grid", vec![], false),
            (
                "one unknown",
                vec![("a", fresh(&ok)), ("b", fresh(&unknown))],
                false,
            ),
            ("one missing", vec![("a", fresh(&ok)), ("z", None)], false),
        ];
        for (name, services, expected) in cases {
            check(
                name,
                Grid::build(&services, None, NOW, 60).all_green(),
                expected,
            );
        }
    }

    #[test]
    fn groups_roll_up_to_their_worst() {
        let a = probe(
            "a",
            &[
                ("db/primary", Some("db"), Ok),
                ("cache", None, Ok),
                ("db/replica", Some("db"), Warn),
                ("db/backup", Some("db"), Ok),
            ],
        );
        let b = probe("b", &[("x", Some("core"), Ok), ("y", Some("core"), Ok)]);
        let fresh = |p| {
            Some(Latest {
                probe: p,
                polled_at_ms: NOW,
            })
        };
        let g = Grid::build(&[("b", fresh(&b)), ("a", fresh(&a))], None, NOW, 60);
        let r = g.rolled_up();
        let a_cells: Vec<(&str, HealthState, usize, &str)> = r.rows[0]
            .cells
            .iter()
            .map(|c| (c.check.as_str(), c.state, c.members, c.raw_status.as_str()))
            .collect();
        check(
            "a rolled",
            (r.rows[0].service.as_str(), a_cells),
            ("a", vec![("db", Warn, 3, "warn"), ("cache", Ok, 1, "ok")]),
        );
        check(
            "b rolled",
            r.rows[1]
                .cells
                .iter()
                .map(|c| (c.check.as_str(), c.state, c.members))
                .collect::<Vec<_>>(),
            vec![("core", Ok, 2)],
        );
        check(
            "columns",
            r.columns(),
            vec!["db".to_string(), "cache".into(), "core".into()],
        );
    }

    #[test]
    fn cells_carry_history() {
        let mut book = HistoryBook::new();
        let states = [Ok, Fail, Ok, Fail, Ok];
        for (i, s) in states.iter().enumerate() {
            book.record(
                &probe("a", &[("db", None, *s), ("q", None, Ok)]),
                NOW - 5000 + i as i64 * 1000,
            );
        }
        let latest = probe("a", &[("db", None, Ok), ("q", None, Ok)]);
        let g = Grid::build(
            &[(
                "a",
                Some(Latest {
                    probe: &latest,
                    polled_at_ms: NOW - 1000,
                }),
            )],
            Some(&book),
            NOW,
            60,
        );
        let cells: Vec<(Option<i64>, bool)> = g.rows[0]
            .cells
            .iter()
            .map(|c| (c.last_change_ms, c.flapping))
            .collect();
        check(
            "history",
            cells,
            vec![(Some(NOW - 1000), true), (None, false)],
        );
    }
}

//! Per-cell poll history: a bounded ring of `(polled_at_ms, state)`, from which the grid
//! reads the history strip, the time of the last change and the flapping badge; and a
//! bounded book of histories keyed by (service, check).
//!
//! Memory stays bounded however long the page runs. This file must never read a clock.

use std::collections::{HashMap, VecDeque};

use super::model::ProbeResult;
use super::state::HealthState;

/// Polls kept per cell.
pub const HISTORY_LEN: usize = 60;

/// The recent polls looked at for flapping.
pub const FLAP_WINDOW: usize = 10;

/// State changes within [`FLAP_WINDOW`] polls that make a cell flapping.
pub const FLAP_CHANGES: usize = 4;

/// Cells a [`HistoryBook`] keeps; the least recently updated cell is dropped beyond it.
pub const MAX_CELLS: usize = 5_000;

/// One cell's recent polls, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    entries: VecDeque<(i64, HealthState)>,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one poll. A poll older than the newest recorded one is ignored (it arrived out
    /// of order) and `false` is returned.
    pub fn push(&mut self, polled_at_ms: i64, state: HealthState) -> bool {
        if self.entries.back().is_some_and(|(t, _)| *t > polled_at_ms) {
            return false;
        }
        if self.entries.len() == HISTORY_LEN {
            self.entries.pop_front();
        }
        self.entries.push_back((polled_at_ms, state));
        true
    }

    /// The polls, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = (i64, HealthState)> + '_ {
        self.entries.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The newest poll.
    pub fn latest(&self) -> Option<(i64, HealthState)> {
        self.entries.back().copied()
    }

    /// When the current state began: the poll time of the first entry of the newest run,
    /// if a change is within the kept history; `None` when every kept poll agrees (the
    /// change, if any, is older than the history).
    pub fn last_change_ms(&self) -> Option<i64> {
        let e = &self.entries;
        (1..e.len())
            .rev()
            .find(|&i| e[i].1 != e[i - 1].1)
            .map(|i| e[i].0)
    }

    /// The earliest poll known to have the current state (the start of the newest run, or
    /// the oldest kept poll when all agree), for "unchanged for at least ...".
    pub fn steady_since_ms(&self) -> Option<i64> {
        self.last_change_ms()
            .or_else(|| self.entries.front().map(|(t, _)| *t))
    }

    /// State changes among the newest [`FLAP_WINDOW`] polls.
    pub fn recent_changes(&self) -> usize {
        let start = self.entries.len().saturating_sub(FLAP_WINDOW);
        let mut recent = self.entries.iter().skip(start).map(|(_, s)| *s);
        let Some(mut prev) = recent.next() else { return 0 };
        let mut changes = 0;
        for s in recent {
            changes += usize::from(s != prev);
            prev = s;
        }
        changes
    }

    /// Whether the cell flips too often to be read at a glance.
    pub fn is_flapping(&self) -> bool {
        self.recent_changes() >= FLAP_CHANGES
    }
}

/// Histories of every cell, keyed by service then check, bounded to [`MAX_CELLS`]. Looking
/// a cell up allocates nothing, and recording a probe clones a name only for a new cell.
#[derive(Debug, Clone, Default)]
pub struct HistoryBook {
    services: HashMap<String, HashMap<String, (u64, History)>>,
    cells: usize,
    clock: u64,
}

impl HistoryBook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records every check of one probe at `polled_at_ms`.
    pub fn record(&mut self, probe: &ProbeResult, polled_at_ms: i64) {
        if !self.services.contains_key(probe.service.as_str()) {
            self.services.insert(probe.service.clone(), HashMap::new());
        }
        let Some(checks) = self.services.get_mut(probe.service.as_str()) else { return };
        for check in &probe.checks {
            self.clock += 1;
            let entry = match checks.get_mut(check.name.as_str()) {
                Some(e) => e,
                None => {
                    self.cells += 1;
                    checks.entry(check.name.clone()).or_default()
                }
            };
            entry.0 = self.clock;
            entry.1.push(polled_at_ms, check.state);
        }
        while self.cells > MAX_CELLS && self.drop_oldest() {}
    }

    /// Drops the least recently updated cell; `false` when there is none.
    fn drop_oldest(&mut self) -> bool {
        let oldest = self
            .services
            .iter()
            .flat_map(|(s, checks)| checks.iter().map(move |(c, (used, _))| (*used, s, c)))
            .min_by_key(|(used, _, _)| *used)
            .map(|(_, s, c)| (s.clone(), c.clone()));
        let Some((service, check)) = oldest else { return false };
        if let Some(checks) = self.services.get_mut(&service) {
            checks.remove(&check);
            if checks.is_empty() {
                self.services.remove(&service);
            }
        }
        self.cells -= 1;
        true
    }

    /// One cell's history.
    pub fn get(&self, service: &str, check: &str) -> Option<&History> {
        self.services.get(service)?.get(check).map(|(_, h)| h)
    }

    /// Number of cells with a history.
    pub fn len(&self) -> usize {
        self.cells
    }

    pub fn is_empty(&self) -> bool {
        self.cells == 0
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

    fn history(states: &[HealthState]) -> History {
        let mut h = History::new();
        for (i, s) in states.iter().enumerate() {
            h.push(i as i64 * 1000, *s);
        }
        h
    }

    #[test]
    fn last_change_and_flapping() {
        // Each case: states polled at 0 s, 1 s, ... → (last change, steady since, flapping).
        let cases: &[(&[HealthState], (Option<i64>, Option<i64>, bool))] = &[
            (&[], (None, None, false)),
            (&[Ok, Ok, Ok], (None, Some(0), false)),
            (&[Ok, Ok, Fail, Fail], (Some(2000), Some(2000), false)),
            (&[Ok, Fail, Ok, Fail], (Some(3000), Some(3000), false)),
            (&[Ok, Fail, Ok, Fail, Ok], (Some(4000), Some(4000), true)),
            (
                &[Ok, Fail, Ok, Fail, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
                (Some(4000), Some(4000), false),
            ),
            (
                &[Ok, Warn, Ok, Unknown, Ok, Ok, Ok, Ok, Ok, Ok],
                (Some(4000), Some(4000), true),
            ),
        ];
        for (states, expected) in cases {
            let h = history(states);
            check(
                states,
                (h.last_change_ms(), h.steady_since_ms(), h.is_flapping()),
                *expected,
            );
        }
    }

    #[test]
    fn ring_is_bounded_and_ignores_out_of_order_polls() {
        let mut h = History::new();
        for i in 0..(HISTORY_LEN as i64 + 25) {
            h.push(i, if i % 7 == 1 { Fail } else { Ok });
        }
        check("len", h.len(), HISTORY_LEN);
        check("oldest", h.entries().next().map(|e| e.0), Some(25));
        check("late poll", h.push(3, Fail), false);
        check(
            "still newest",
            h.latest(),
            Some((HISTORY_LEN as i64 + 24, Ok)),
        );
    }

    #[test]
    fn book_records_every_check_and_stays_bounded() {
        let probe = |service: &str, n: usize| ProbeResult {
            service: service.into(),
            http_status: Some(200),
            format: Format::List,
            checks: (0..n)
                .map(|i| Check::new(format!("c{i}"), Ok, "OK"))
                .collect(),
            overall: Ok,
            warnings: vec![],
        };
        let mut book = HistoryBook::new();
        book.record(&probe("a", 2), 1000);
        book.record(&probe("a", 2), 2000);
        check("two polls", book.get("a", "c1").map(History::len), Some(2));
        check("missing", book.get("b", "c1").is_none(), true);
        book.record(&probe("big", MAX_CELLS + 10), 3000);
        check("bounded", book.len(), MAX_CELLS);
    }
}

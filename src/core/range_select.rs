//! Selecting a time range on a chart by keyboard: the arithmetic behind the keys a focused
//! chart understands (a cursor that moves bucket by bucket, a selection extended from an
//! anchor, Enter to drill in, Escape to clear) and the words that describe the selection.
//!
//! The buckets are the ones "Drill into this bucket" uses ([`bucket_window`]): bucket ends
//! lie on multiples of the data's step, and a bucket is the window `(end - step, end]`.
//! Only whole buckets inside the chart's range can be selected. The cursor and the anchor
//! are kept as bucket ends (instants, not indices), so a selection keeps meaning the same
//! time when a live range slides on; every key snaps them back into the range. Drilling in
//! uses the same window rule as a mouse drag ([`drag_window`]).

use crate::core::drill::{bucket_window, drag_window, window_label};
use crate::core::time::format_duration_short;

/// Buckets a Page Up or Page Down press moves the cursor by.
pub const PAGE: i64 = 10;

/// The whole buckets a chart's range holds: bucket `i` ends at `first_end_ms + i * step_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buckets {
    first_end_ms: i64,
    step_ms: i64,
    count: i64,
}

impl Buckets {
    /// The whole buckets of `step_ms` that lie within `from_ms..=to_ms`; `None` when the step
    /// is not positive or not one whole bucket fits.
    pub fn over(from_ms: i64, to_ms: i64, step_ms: i64) -> Option<Buckets> {
        if step_ms <= 0 || to_ms <= from_ms {
            return None;
        }
        // The first aligned instant at or after `from_ms` starts the first whole bucket.
        let floor = from_ms.div_euclid(step_ms) * step_ms;
        let first_start = if floor == from_ms {
            floor
        } else {
            floor.checked_add(step_ms)?
        };
        let first_end = first_start.checked_add(step_ms)?;
        let last_end = to_ms.div_euclid(step_ms) * step_ms;
        if last_end < first_end {
            return None;
        }
        let count = (last_end - first_end) / step_ms + 1;
        Some(Buckets {
            first_end_ms: first_end,
            step_ms,
            count,
        })
    }

    /// How many buckets there are (at least one).
    pub fn len(&self) -> usize {
        usize::try_from(self.count).unwrap_or(usize::MAX)
    }

    /// Always false: a [`Buckets`] holds at least one bucket.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The data's step, in milliseconds.
    pub fn step_ms(&self) -> i64 {
        self.step_ms
    }

    /// The end of the last (most recent) bucket.
    pub fn last_end_ms(&self) -> i64 {
        self.end_of(self.count - 1)
    }

    /// The end of the first (oldest) bucket.
    pub fn first_end_ms(&self) -> i64 {
        self.first_end_ms
    }

    fn end_of(&self, index: i64) -> i64 {
        self.first_end_ms + index.clamp(0, self.count - 1) * self.step_ms
    }

    /// The index of the bucket an instant's bucket end snaps to, clamped to the range.
    fn index_of(&self, end_ms: i64) -> i64 {
        let inside = end_ms.clamp(self.first_end_ms, self.last_end_ms());
        let end = bucket_window(inside, self.step_ms).1;
        ((end - self.first_end_ms) / self.step_ms).clamp(0, self.count - 1)
    }

    /// `end_ms` snapped to a bucket end inside the range.
    pub fn snap(&self, end_ms: i64) -> i64 {
        self.end_of(self.index_of(end_ms))
    }
}

/// Where the keyboard cursor is, and the anchor a Shift+arrow selection extends from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The end of the bucket under the cursor.
    pub at_ms: i64,
    /// The end of the bucket the selection started at; `None` selects the cursor's bucket.
    pub anchor_ms: Option<i64>,
}

impl Cursor {
    /// The selected window: from the start of the earlier bucket to the end of the later
    /// one, both snapped into `buckets`, widened like a mouse drag's window.
    pub fn window(&self, buckets: &Buckets) -> (i64, i64) {
        let at = buckets.snap(self.at_ms);
        let anchor = buckets.snap(self.anchor_ms.unwrap_or(at));
        let (first, last) = (at.min(anchor), at.max(anchor));
        let from = first - buckets.step_ms;
        drag_window(from, last).unwrap_or((from, last))
    }

    /// How many buckets the selection spans.
    pub fn bucket_count(&self, buckets: &Buckets) -> i64 {
        let at = buckets.index_of(self.at_ms);
        let anchor = self.anchor_ms.map(|a| buckets.index_of(a)).unwrap_or(at);
        (at - anchor).abs() + 1
    }
}

/// What a key press on a focused chart does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyResult {
    /// The cursor or the selection changed (or appeared).
    Moved(Cursor),
    /// Enter: drill into exactly this window.
    Drill { from_ms: i64, to_ms: i64 },
    /// Escape with a selection: it is gone.
    Cleared,
    /// Not a chart key (or Escape with nothing selected): leave it to the page.
    Ignored,
}

/// Interprets a key (the browser's key name, and whether Shift is held) on a chart whose
/// range holds `buckets`, given the current cursor.
///
/// Left and Right move the cursor one bucket, Page Up and Page Down [`PAGE`] buckets,
/// Home and End to the first and last bucket; with Shift they extend the selection from
/// where it started, without Shift the selection is the cursor's bucket alone. The first
/// key with no cursor places it on the last bucket (Home: the first) without moving.
/// Enter drills into the selection; Escape clears it.
pub fn on_key(buckets: &Buckets, current: Option<Cursor>, key: &str, shift: bool) -> KeyResult {
    let delta = match key {
        "ArrowLeft" => Some(-1),
        "ArrowRight" => Some(1),
        "PageUp" => Some(-PAGE),
        "PageDown" => Some(PAGE),
        "Home" => Some(i64::MIN),
        "End" => Some(i64::MAX),
        _ => None,
    };
    match (key, current, delta) {
        ("Enter", Some(c), _) => {
            let (from_ms, to_ms) = c.window(buckets);
            KeyResult::Drill { from_ms, to_ms }
        }
        ("Escape", Some(_), _) => KeyResult::Cleared,
        (_, _, Some(delta)) => {
            let placed = current.map(|c| Cursor {
                at_ms: buckets.snap(c.at_ms),
                anchor_ms: c.anchor_ms.map(|a| buckets.snap(a)),
            });
            let now = match placed {
                Some(c) => buckets.index_of(c.at_ms),
                None if delta == i64::MIN => 0,
                None => buckets.count - 1,
            };
            let next = match (placed, delta) {
                (_, i64::MIN) => 0,
                (_, i64::MAX) => buckets.count - 1,
                (None, _) => now,
                (Some(_), d) => now.saturating_add(d),
            };
            let anchor_ms = if shift {
                placed
                    .and_then(|c| c.anchor_ms)
                    .or(Some(buckets.end_of(now)))
            } else {
                None
            };
            KeyResult::Moved(Cursor {
                at_ms: buckets.end_of(next),
                anchor_ms,
            })
        }
        _ => KeyResult::Ignored,
    }
}

/// Says in words what is selected, for the chart's description that screen readers read.
pub fn describe(buckets: Option<&Buckets>, current: Option<Cursor>) -> String {
    const HOW: &str = "Left and Right arrows pick a time bucket, Shift with the arrows selects a range, Enter drills into it, Escape clears it.";
    let (Some(buckets), Some(c)) = (buckets, current) else {
        return format!("Keyboard: {HOW}");
    };
    let (from, to) = c.window(buckets);
    let n = c.bucket_count(buckets);
    let step = format_duration_short(u64::try_from(buckets.step_ms / 1000).unwrap_or(0).max(1));
    let buckets_word = if n == 1 { "bucket" } else { "buckets" };
    format!(
        "Selected {} ({n} {buckets_word} of {step}). Enter drills into it; Escape clears it.",
        window_label(from, to)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: i64 = 15_000;
    /// 12:00:00 UTC on 2024-01-01.
    const T0: i64 = 1_704_110_400_000;

    fn buckets() -> Buckets {
        // A range from 7 s past an aligned instant to 2 min 3 s later.
        Buckets::over(T0 + 7_000, T0 + 7_000 + 123_000, STEP).expect("buckets")
    }

    fn moved(r: KeyResult) -> Cursor {
        match r {
            KeyResult::Moved(c) => c,
            other => panic!("expected a move, got {other:?}"),
        }
    }

    #[test]
    fn only_whole_aligned_buckets_inside_the_range_count() {
        let b = buckets();
        // The first whole bucket is (T0+15 s, T0+30 s]; the last ends at T0+120 s (≤ T0+130 s).
        assert_eq!(b.first_end_ms(), T0 + 30_000);
        assert_eq!(b.last_end_ms(), T0 + 120_000);
        assert_eq!(b.len(), 7);
        // An aligned range holds every bucket of it.
        let exact = Buckets::over(T0, T0 + 60_000, STEP).unwrap();
        assert_eq!(
            (exact.first_end_ms(), exact.last_end_ms(), exact.len()),
            (T0 + 15_000, T0 + 60_000, 4)
        );
        assert_eq!(
            Buckets::over(T0, T0 + 10_000, STEP),
            None,
            "no whole bucket fits"
        );
        assert_eq!(Buckets::over(T0, T0 + 60_000, 0), None);
        assert_eq!(Buckets::over(T0, T0, STEP), None);
        assert_eq!(
            Buckets::over(i64::MAX - 10, i64::MAX, STEP),
            None,
            "no overflow at the edge"
        );
    }

    #[test]
    fn the_first_key_places_the_cursor_without_moving() {
        let b = buckets();
        let c = moved(on_key(&b, None, "ArrowLeft", false));
        assert_eq!(
            c,
            Cursor {
                at_ms: b.last_end_ms(),
                anchor_ms: None
            }
        );
        assert_eq!(c.window(&b), (T0 + 105_000, T0 + 120_000));
        let c = moved(on_key(&b, None, "Home", false));
        assert_eq!(c.at_ms, b.first_end_ms());
        let c = moved(on_key(&b, None, "ArrowLeft", true));
        assert_eq!(
            c,
            Cursor {
                at_ms: b.last_end_ms(),
                anchor_ms: Some(b.last_end_ms())
            }
        );
    }

    #[test]
    fn arrows_pages_home_and_end_move_and_clamp() {
        let b = buckets();
        let start = Some(Cursor {
            at_ms: T0 + 60_000,
            anchor_ms: None,
        });
        assert_eq!(
            moved(on_key(&b, start, "ArrowLeft", false)).at_ms,
            T0 + 45_000
        );
        assert_eq!(
            moved(on_key(&b, start, "ArrowRight", false)).at_ms,
            T0 + 75_000
        );
        assert_eq!(
            moved(on_key(&b, start, "PageUp", false)).at_ms,
            b.first_end_ms(),
            "clamped to the first"
        );
        assert_eq!(
            moved(on_key(&b, start, "PageDown", false)).at_ms,
            b.last_end_ms(),
            "clamped to the last"
        );
        assert_eq!(
            moved(on_key(&b, start, "Home", false)).at_ms,
            b.first_end_ms()
        );
        assert_eq!(
            moved(on_key(&b, start, "End", false)).at_ms,
            b.last_end_ms()
        );
        let first = Some(Cursor {
            at_ms: b.first_end_ms(),
            anchor_ms: None,
        });
        assert_eq!(
            moved(on_key(&b, first, "ArrowLeft", false)).at_ms,
            b.first_end_ms()
        );
        let wide = Buckets::over(T0, T0 + 60 * STEP, STEP).unwrap();
        let c = moved(on_key(
            &wide,
            Some(Cursor {
                at_ms: T0 + 40 * STEP,
                anchor_ms: None,
            }),
            "PageUp",
            false,
        ));
        assert_eq!(c.at_ms, T0 + 30 * STEP);
    }

    #[test]
    fn shift_extends_from_the_anchor_and_a_plain_move_drops_it() {
        let b = buckets();
        let mut c = moved(on_key(&b, None, "End", false));
        for _ in 0..3 {
            c = moved(on_key(&b, Some(c), "ArrowLeft", true));
        }
        assert_eq!(
            c,
            Cursor {
                at_ms: T0 + 75_000,
                anchor_ms: Some(T0 + 120_000)
            }
        );
        assert_eq!(c.bucket_count(&b), 4);
        assert_eq!(c.window(&b), (T0 + 60_000, T0 + 120_000));
        // Extending back past the anchor selects the other side of it.
        for _ in 0..5 {
            c = moved(on_key(&b, Some(c), "ArrowRight", true));
        }
        assert_eq!(c.at_ms, b.last_end_ms(), "clamped");
        assert_eq!(c.window(&b), (T0 + 105_000, T0 + 120_000));
        let c = moved(on_key(
            &b,
            Some(Cursor {
                at_ms: T0 + 60_000,
                anchor_ms: Some(T0 + 90_000),
            }),
            "ArrowLeft",
            false,
        ));
        assert_eq!(
            c,
            Cursor {
                at_ms: T0 + 45_000,
                anchor_ms: None
            }
        );
    }

    #[test]
    fn enter_drills_into_exactly_the_selection_and_escape_clears() {
        let b = buckets();
        let c = Cursor {
            at_ms: T0 + 45_000,
            anchor_ms: Some(T0 + 90_000),
        };
        assert_eq!(
            on_key(&b, Some(c), "Enter", false),
            KeyResult::Drill {
                from_ms: T0 + 30_000,
                to_ms: T0 + 90_000
            }
        );
        let one = Cursor {
            at_ms: T0 + 45_000,
            anchor_ms: None,
        };
        // One bucket is the same window as "Drill into this bucket" for an instant in it.
        let (from_ms, to_ms) = bucket_window(T0 + 40_000, STEP);
        assert_eq!(
            on_key(&b, Some(one), "Enter", false),
            KeyResult::Drill { from_ms, to_ms }
        );
        assert_eq!(on_key(&b, Some(c), "Escape", false), KeyResult::Cleared);
        assert_eq!(
            on_key(&b, None, "Escape", false),
            KeyResult::Ignored,
            "Escape is the page's when nothing is selected"
        );
        assert_eq!(on_key(&b, None, "Enter", false), KeyResult::Ignored);
        assert_eq!(
            on_key(&b, Some(c), "ArrowUp", false),
            KeyResult::Ignored,
            "up and down are left to the page"
        );
        assert_eq!(on_key(&b, Some(c), "a", false), KeyResult::Ignored);
    }

    #[test]
    fn a_sliding_range_keeps_the_times_and_snaps_them_in() {
        let b = buckets();
        let c = Cursor {
            at_ms: T0 + 45_000,
            anchor_ms: Some(T0 + 60_000),
        };
        // The range moved on by two minutes: both ends fell off the start and snap to the first bucket.
        let later = Buckets::over(T0 + 127_000, T0 + 250_000, STEP).unwrap();
        assert_eq!(
            c.window(&later),
            (later.first_end_ms() - STEP, later.first_end_ms())
        );
        let c = moved(on_key(&later, Some(c), "ArrowRight", true));
        assert_eq!(c.anchor_ms, Some(later.first_end_ms()));
        assert_eq!(c.at_ms, later.first_end_ms() + STEP);
        // A cursor between bucket ends snaps to the bucket holding it.
        assert_eq!(b.snap(T0 + 50_000), T0 + 60_000);
        assert_eq!(b.snap(i64::MIN), b.first_end_ms());
        assert_eq!(b.snap(i64::MAX - STEP), b.last_end_ms());
    }

    #[test]
    fn windows_of_sub_second_steps_widen_to_whole_seconds_like_a_drag() {
        let b = Buckets::over(T0, T0 + 5_000, 250).unwrap();
        let c = Cursor {
            at_ms: T0 + 1_250,
            anchor_ms: None,
        };
        assert_eq!(c.window(&b), (T0 + 1_000, T0 + 2_000));
    }

    #[test]
    fn the_description_names_the_window_and_the_keys() {
        let b = buckets();
        assert!(describe(Some(&b), None).contains("Shift with the arrows selects a range"));
        assert!(describe(
            None,
            Some(Cursor {
                at_ms: T0,
                anchor_ms: None
            })
        )
        .starts_with("Keyboard:"));
        let c = Cursor {
            at_ms: T0 + 45_000,
            anchor_ms: Some(T0 + 90_000),
        };
        assert_eq!(
            describe(Some(&b), Some(c)),
            "Selected 12:00:30–12:01:30 UTC (4 buckets of 15s). Enter drills into it; Escape clears it."
        );
        let one = Cursor {
            at_ms: T0 + 45_000,
            anchor_ms: None,
        };
        assert!(describe(Some(&b), Some(one)).contains("(1 bucket of 15s)"));
    }
}

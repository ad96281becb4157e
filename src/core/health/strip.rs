//! A cell's history strip painted by one element (issue #7, B6): the ticks are one CSS
//! background whose hard colour stops come from the strip's states, so a row holds one
//! element per strip instead of one per tick, and a new poll is one style write.
//!
//! The background is a `linear-gradient` across the strip's width, one twentieth per tick
//! (newest last, blank ticks before the first poll), neighbouring ticks of one state merged
//! into one stop. Colours are the custom properties `--hg-ok`, `--hg-warn`, `--hg-fail`,
//! `--hg-unknown` and `--hg-none` that the stylesheet defines on the strip; the gaps between
//! ticks are the stylesheet's mask, not part of this text.

use super::{HealthState, STRIP_LEN};
use std::fmt::Write;

/// A number naming a strip's contents: equal strips give equal keys, and different strips
/// of at most [`STRIP_LEN`] polls give different keys (two bits per poll above the length).
pub fn strip_key(strip: &[HealthState]) -> u64 {
    let strip = &strip[strip.len().saturating_sub(STRIP_LEN)..];
    strip.iter().fold(strip.len() as u64, |key, s| {
        let bits = match s {
            HealthState::Ok => 0,
            HealthState::Warn => 1,
            HealthState::Fail => 2,
            HealthState::Unknown => 3,
        };
        (key << 2) | bits
    })
}

/// The colour property of one tick.
fn tick_colour(state: Option<HealthState>) -> &'static str {
    match state {
        None => "var(--hg-none)",
        Some(HealthState::Ok) => "var(--hg-ok)",
        Some(HealthState::Warn) => "var(--hg-warn)",
        Some(HealthState::Fail) => "var(--hg-fail)",
        Some(HealthState::Unknown) => "var(--hg-unknown)",
    }
}

/// The strip's background: a `linear-gradient` with one hard stop per run of equal ticks.
/// Only the last [`STRIP_LEN`] polls are drawn.
pub fn strip_gradient(strip: &[HealthState]) -> String {
    let strip = &strip[strip.len().saturating_sub(STRIP_LEN)..];
    let blank = STRIP_LEN - strip.len();
    let tick = |k: usize| k.checked_sub(blank).map(|j| strip[j]);
    let mut out = String::from("linear-gradient(90deg");
    let mut k = 0;
    while k < STRIP_LEN {
        let state = tick(k);
        let mut end = k + 1;
        while end < STRIP_LEN && tick(end) == state {
            end += 1;
        }
        // Each stop starts at 0 (so at the previous stop's end): hard edges between runs.
        let _ = write!(out, ",{} 0 {}%", tick_colour(state), end * 100 / STRIP_LEN);
        k = end;
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use HealthState::*;

    #[test]
    fn an_empty_strip_is_one_blank_run() {
        assert_eq!(
            strip_gradient(&[]),
            "linear-gradient(90deg,var(--hg-none) 0 100%)"
        );
    }

    #[test]
    fn runs_of_equal_ticks_are_one_stop_newest_last() {
        assert_eq!(
            strip_gradient(&[Ok, Ok, Fail]),
            "linear-gradient(90deg,var(--hg-none) 0 85%,var(--hg-ok) 0 95%,var(--hg-fail) 0 100%)"
        );
        let full: Vec<_> = (0..STRIP_LEN)
            .map(|k| if k % 2 == 0 { Warn } else { Unknown })
            .collect();
        let g = strip_gradient(&full);
        assert_eq!(g.matches("var(--hg-").count(), STRIP_LEN);
        assert!(
            g.starts_with("linear-gradient(90deg,var(--hg-warn) 0 5%,var(--hg-unknown) 0 10%"),
            "{g}"
        );
        assert!(g.ends_with("var(--hg-unknown) 0 100%)"), "{g}");
        assert!(!g.contains("--hg-none"), "{g}");
    }

    #[test]
    fn only_the_last_polls_are_drawn() {
        let mut long = vec![Fail; 5];
        long.extend(vec![Ok; STRIP_LEN]);
        assert_eq!(
            strip_gradient(&long),
            "linear-gradient(90deg,var(--hg-ok) 0 100%)"
        );
        assert_eq!(strip_key(&long), strip_key(&vec![Ok; STRIP_LEN]));
    }

    #[test]
    fn keys_tell_every_short_strip_apart() {
        // Every strip of up to 6 polls over the four states (5,461 strips): no two share a key.
        let states = [Ok, Warn, Fail, Unknown];
        let mut seen = std::collections::HashSet::new();
        let mut all = vec![Vec::new()];
        for _ in 0..6 {
            let next: Vec<Vec<HealthState>> = all
                .iter()
                .filter(|s: &&Vec<HealthState>| s.len() == all.last().map_or(0, Vec::len))
                .flat_map(|s| states.iter().map(move |x| [s.clone(), vec![*x]].concat()))
                .collect();
            all.extend(next);
        }
        for s in &all {
            assert!(seen.insert(strip_key(s)), "two strips share a key: {s:?}");
        }
        assert_eq!(seen.len(), all.len());
        // Full strips differing only in the oldest tick differ too.
        let a = vec![Ok; STRIP_LEN];
        let mut b = a.clone();
        b[0] = Unknown;
        assert_ne!(strip_key(&a), strip_key(&b));
    }
}

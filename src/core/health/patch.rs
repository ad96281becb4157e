//! A poll's cell changes packed into one message for the page (issue #7, B6): what each
//! changed cell must write is decided here, and the page applies a whole poll in one call.
//!
//! A [`CellBatch`] holds one record per changed cell, `[slot, mask, n, args…]`: `slot`
//! names the cell's elements in the page, `mask` is a set of [`part`] bits, and the `n`
//! arguments follow in the order of the bits (the state part has two, every other part
//! one). Every argument is the index of a string in the batch's string table, in which
//! each distinct text appears once per batch (a poll's cells share a few words and strips,
//! so 500 flipped cells carry a few dozen strings, not thousands). The table is one text
//! with the strings' boundaries in UTF-16 units, so the page decodes it once and slices.
//!
//! History strips are carried by rows: a row's element holds the strip most of its cells
//! show ([`common_strip`], the custom property `--hs` the strips inherit), and a cell's
//! strip holds its own only when it differs. A poll that moves every cell of a row alike
//! (all answered the same) writes one row property instead of one per cell.

use super::{strip_gradient, strip_key, word, CellView, HealthState};
use std::collections::HashMap;

/// The parts of a cell a record can write, as mask bits. The page applies them in this
/// order; each takes one string argument unless said otherwise.
pub mod part {
    /// `data-state` and `data-status` (first argument) and the visible word (second).
    pub const STATE: u32 = 1;
    /// `data-raw` and the raw status word's text.
    pub const RAW: u32 = 1 << 1;
    /// The "since" words, hidden when empty.
    pub const SINCE: u32 = 1 << 2;
    /// The strip's own background (the custom property `--hs`); an empty string removes
    /// it, so the strip shows its row's.
    pub const STRIP: u32 = 1 << 3;
    /// `data-stale` ("true" or "false"); the "stale" tag is shown when "true".
    pub const STALE: u32 = 1 << 4;
    /// `data-flapping` ("true" or "false"); the "flapping" badge and its test hook are
    /// shown when "true".
    pub const FLAPPING: u32 = 1 << 5;
    /// `data-reason` and the reason's text; hidden, without its test hook, when empty.
    pub const REASON: u32 = 1 << 6;
    /// `data-service`.
    pub const SERVICE: u32 = 1 << 7;
    /// `data-check`.
    pub const CHECK: u32 = 1 << 8;
    /// The check's visible name ([`super::check_text`]).
    pub const CHECK_TEXT: u32 = 1 << 9;
    /// The strip's `data-polls` (how many polls it shows).
    pub const POLLS: u32 = 1 << 10;
}

/// A cell's visible name: its check, with the number of checks rolled into it.
pub fn check_text(c: &CellView) -> String {
    if c.members.is_empty() {
        c.check.clone()
    } else {
        format!("{} ({} checks)", c.check, c.members.len())
    }
}

/// The strip most of a row's cells show, by [`strip_key`] (the first of the most
/// frequent); `None` for a row without cells.
pub fn common_strip<'a>(strips: impl IntoIterator<Item = &'a [HealthState]>) -> Option<u64> {
    let mut counts: Vec<(u64, usize)> = Vec::new();
    for s in strips {
        let key = strip_key(s);
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    let most = counts.iter().map(|(_, n)| *n).max()?;
    counts.iter().find(|(_, n)| *n == most).map(|(k, _)| *k)
}

/// The words of the `data-stale` and `data-flapping` attributes.
pub fn bool_word(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// One poll's packed cell changes; see the module header for the format.
#[derive(Debug, Default)]
pub struct CellBatch {
    ops: Vec<u32>,
    text: String,
    bounds: Vec<u32>,
    texts: HashMap<String, u32>,
    strips: HashMap<u64, u32>,
}

impl CellBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when no cell has anything to write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The records, `[slot, mask, n, args…]` one after another.
    pub fn ops(&self) -> &[u32] {
        &self.ops
    }

    /// The string table's text: every string of the batch, one after another.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The string table's boundaries in UTF-16 units: string `k` is the text from
    /// `bounds[k]` to `bounds[k + 1]` (so there is one more boundary than strings).
    pub fn bounds(&self) -> &[u32] {
        &self.bounds
    }

    /// The strings of the table, in index order (what the page slices out of the text).
    pub fn strings(&self) -> Vec<String> {
        let units: Vec<u16> = self.text.encode_utf16().collect();
        self.bounds
            .windows(2)
            .map(|w| String::from_utf16_lossy(&units[w[0] as usize..w[1] as usize]))
            .collect()
    }

    /// The index of a text in the string table, added on first use.
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.texts.get(s) {
            return k;
        }
        let k = self.add(s);
        self.texts.insert(s.to_string(), k);
        k
    }

    /// Appends a string to the table (without looking it up) and returns its index.
    fn add(&mut self, s: &str) -> u32 {
        if self.bounds.is_empty() {
            self.bounds.push(0);
        }
        let end = self.bounds.last().copied().unwrap_or(0);
        self.text.push_str(s);
        self.bounds.push(end + s.encode_utf16().count() as u32);
        (self.bounds.len() - 2) as u32
    }

    /// The index of a strip's background, made once per distinct strip in a batch.
    fn intern_strip(&mut self, strip: &[HealthState]) -> u32 {
        let key = strip_key(strip);
        if let Some(&k) = self.strips.get(&key) {
            return k;
        }
        let k = self.add(&strip_gradient(strip));
        self.strips.insert(key, k);
        k
    }

    /// Records what the page must write to turn a cell showing `prev` into one showing
    /// `next`: only the parts that differ. `own` is the key of the strip the cell's strip
    /// element holds itself (`None`: it shows its row's), updated here: after the batch it
    /// holds nothing when `next`'s strip is the row's `common` one, else its own. Returns
    /// false (and records nothing) when the cell looks the same.
    pub fn push(
        &mut self,
        slot: u32,
        prev: &CellView,
        next: &CellView,
        own: &mut Option<u64>,
        common: Option<u64>,
    ) -> bool {
        let mut mask = 0;
        let mut args: [u32; 12] = [0; 12];
        let mut n = 0;
        let mut arg = |mask: &mut u32, bit: u32, values: &[u32]| {
            *mask |= bit;
            for v in values {
                args[n] = *v;
                n += 1;
            }
        };
        if prev.state != next.state {
            let (a, b) = (
                self.intern(next.state.as_str()),
                self.intern(word(next.state)),
            );
            arg(&mut mask, part::STATE, &[a, b]);
        }
        if prev.raw_status != next.raw_status {
            let a = self.intern(&next.raw_status);
            arg(&mut mask, part::RAW, &[a]);
        }
        if prev.since != next.since {
            let a = self.intern(&next.since);
            arg(&mut mask, part::SINCE, &[a]);
        }
        let key = strip_key(&next.strip);
        let want = (Some(key) != common).then_some(key);
        if want != *own {
            let a = match want {
                Some(_) => self.intern_strip(&next.strip),
                None => self.intern(""),
            };
            arg(&mut mask, part::STRIP, &[a]);
            *own = want;
        }
        if prev.stale != next.stale {
            let a = self.intern(bool_word(next.stale));
            arg(&mut mask, part::STALE, &[a]);
        }
        if prev.flapping != next.flapping {
            let a = self.intern(bool_word(next.flapping));
            arg(&mut mask, part::FLAPPING, &[a]);
        }
        if prev.reason != next.reason {
            let a = self.intern(next.reason.as_deref().unwrap_or_default());
            arg(&mut mask, part::REASON, &[a]);
        }
        if prev.service != next.service {
            let a = self.intern(&next.service);
            arg(&mut mask, part::SERVICE, &[a]);
        }
        if prev.check != next.check {
            let a = self.intern(&next.check);
            arg(&mut mask, part::CHECK, &[a]);
        }
        if (&prev.check, &prev.members) != (&next.check, &next.members) {
            let a = self.intern(&check_text(next));
            arg(&mut mask, part::CHECK_TEXT, &[a]);
        }
        if prev.strip.len() != next.strip.len() {
            let a = self.intern(&next.strip.len().to_string());
            arg(&mut mask, part::POLLS, &[a]);
        }
        if mask == 0 {
            return false;
        }
        self.ops.extend_from_slice(&[slot, mask, n as u32]);
        self.ops.extend_from_slice(&args[..n]);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::health::HealthState;

    /// What the page shows of a cell, written the way the page's apply function does.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Shown {
        state: String,
        status: String,
        word: String,
        raw_attr: String,
        raw_text: String,
        since: String,
        since_hidden: bool,
        strip: String,
        stale: String,
        stale_hidden: bool,
        flapping: String,
        flap_hidden: bool,
        reason_attr: String,
        reason_text: String,
        reason_hidden: bool,
        service: String,
        check: String,
        check_text: String,
        polls: String,
    }

    /// The page's first drawing of a cell.
    fn drawn(c: &CellView) -> Shown {
        let reason = c.reason.clone().unwrap_or_default();
        Shown {
            state: c.state.as_str().into(),
            status: c.state.as_str().into(),
            word: word(c.state).into(),
            raw_attr: c.raw_status.clone(),
            raw_text: c.raw_status.clone(),
            since: c.since.clone(),
            since_hidden: c.since.is_empty(),
            strip: strip_gradient(&c.strip),
            stale: bool_word(c.stale).into(),
            stale_hidden: !c.stale,
            flapping: bool_word(c.flapping).into(),
            flap_hidden: !c.flapping,
            reason_hidden: reason.is_empty(),
            reason_attr: reason.clone(),
            reason_text: reason,
            service: c.service.clone(),
            check: c.check.clone(),
            check_text: check_text(c),
            polls: c.strip.len().to_string(),
        }
    }

    /// Applies a batch to shown cells by slot, as the page's apply function does.
    fn apply(batch: &CellBatch, cells: &mut [Shown]) {
        let s = batch.strings();
        let ops = batch.ops();
        let mut k = 0;
        while k < ops.len() {
            let (slot, mask, n) = (ops[k] as usize, ops[k + 1], ops[k + 2] as usize);
            let mut args = ops[k + 3..k + 3 + n].iter().map(|a| s[*a as usize].clone());
            k += 3 + n;
            let c = &mut cells[slot];
            let mut next = || args.next().expect("an argument per part");
            if mask & part::STATE != 0 {
                c.state = next();
                c.status = c.state.clone();
                c.word = next();
            }
            if mask & part::RAW != 0 {
                c.raw_attr = next();
                c.raw_text = c.raw_attr.clone();
            }
            if mask & part::SINCE != 0 {
                c.since = next();
                c.since_hidden = c.since.is_empty();
            }
            if mask & part::STRIP != 0 {
                c.strip = next();
            }
            if mask & part::STALE != 0 {
                c.stale = next();
                c.stale_hidden = c.stale != "true";
            }
            if mask & part::FLAPPING != 0 {
                c.flapping = next();
                c.flap_hidden = c.flapping != "true";
            }
            if mask & part::REASON != 0 {
                c.reason_attr = next();
                c.reason_text = c.reason_attr.clone();
                c.reason_hidden = c.reason_attr.is_empty();
            }
            if mask & part::SERVICE != 0 {
                c.service = next();
            }
            if mask & part::CHECK != 0 {
                c.check = next();
            }
            if mask & part::CHECK_TEXT != 0 {
                c.check_text = next();
            }
            if mask & part::POLLS != 0 {
                c.polls = next();
            }
            assert!(args.next().is_none(), "no argument left over");
        }
    }

    fn cell(k: u64) -> CellView {
        // A small deterministic generator, so every field varies across cells.
        let mut x = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut pick = |n: u64| {
            x ^= x >> 29;
            x = x.wrapping_mul(0xbf58476d1ce4e5b9);
            (x >> 33) % n
        };
        let states = [
            HealthState::Ok,
            HealthState::Warn,
            HealthState::Fail,
            HealthState::Unknown,
        ];
        let strip_len = pick(22) as usize;
        CellView {
            service: ["api", "db", "ünïcode ✓"][pick(3) as usize].into(),
            check: ["disk", "db:ping"][pick(2) as usize].into(),
            state: states[pick(4) as usize],
            last_state: states[pick(4) as usize],
            stale: pick(2) == 0,
            raw_status: ["pass", "fail", "", "DOWN"][pick(4) as usize].into(),
            reason: [
                None,
                Some("timed out".to_string()),
                Some(String::new()),
                Some("😀 emoji".into()),
            ][pick(4) as usize]
                .clone(),
            since: ["", "changed 3m ago", "unchanged for ≥ 5m"][pick(3) as usize].into(),
            flapping: pick(2) == 0,
            members: if pick(3) == 0 {
                vec!["a".into(), "b".into()]
            } else {
                Vec::new()
            },
            strip: (0..strip_len).map(|_| states[pick(4) as usize]).collect(),
        }
    }

    /// The strip a cell shows: its own, else its row's (the property it inherits).
    fn seen_strip(c: &Shown, row: &str) -> String {
        if c.strip.is_empty() {
            row.to_string()
        } else {
            c.strip.clone()
        }
    }

    /// The row's strip for a common key, as the panel writes it.
    fn row_strip(cells: &[CellView], common: Option<u64>) -> String {
        cells
            .iter()
            .find(|c| Some(strip_key(&c.strip)) == common)
            .map(|c| strip_gradient(&c.strip))
            .unwrap_or_default()
    }

    #[test]
    fn applying_batches_shows_every_next_cell() {
        for round in 0..200u64 {
            // Three polls of one row: cells first drawn, then patched twice; some rounds
            // give most cells one strip, so the row carries it.
            let polls: Vec<Vec<CellView>> = (0..3)
                .map(|p| {
                    (0..12)
                        .map(|k| {
                            let mut c = cell(round * 100 + p * 20 + k);
                            if round % 2 == 0 && k % 4 != 0 {
                                c.strip = vec![HealthState::Fail; p as usize + 1];
                            }
                            c
                        })
                        .collect()
                })
                .collect();
            let mut shown: Vec<Shown> = polls[0].iter().map(drawn).collect();
            let mut own: Vec<Option<u64>> =
                polls[0].iter().map(|c| Some(strip_key(&c.strip))).collect();
            for w in polls.windows(2) {
                let (prev, next) = (&w[0], &w[1]);
                let common = common_strip(next.iter().map(|c| c.strip.as_slice()));
                let mut batch = CellBatch::new();
                for (k, (p, n)) in prev.iter().zip(next).enumerate() {
                    batch.push(k as u32, p, n, &mut own[k], common);
                }
                apply(&batch, &mut shown);
                let row = row_strip(next, common);
                for (k, n) in next.iter().enumerate() {
                    let mut want = drawn(n);
                    want.strip = seen_strip(&shown[k], &row);
                    assert_eq!(
                        want.strip,
                        strip_gradient(&n.strip),
                        "round {round} cell {k}: strip"
                    );
                    let mut got = shown[k].clone();
                    got.strip = want.strip.clone();
                    assert_eq!(got, want, "round {round} cell {k}");
                }
            }
        }
    }

    #[test]
    fn common_strip_is_the_most_frequent() {
        let a = vec![HealthState::Ok];
        let b = vec![HealthState::Fail];
        let strips = [a.as_slice(), b.as_slice(), b.as_slice()];
        assert_eq!(common_strip(strips), Some(strip_key(&b)));
        assert_eq!(
            common_strip([a.as_slice(), b.as_slice()]),
            Some(strip_key(&a))
        );
        assert_eq!(common_strip(std::iter::empty()), None);
    }

    #[test]
    fn an_unchanged_cell_records_nothing() {
        let c = cell(7);
        let mut batch = CellBatch::new();
        let mut own = Some(strip_key(&c.strip));
        assert!(!batch.push(3, &c, &c, &mut own, None));
        assert!(batch.is_empty());
        assert!(batch.ops().is_empty());
    }

    #[test]
    fn a_flip_writes_state_only_when_the_row_carries_the_strip() {
        let mut batch = CellBatch::new();
        let mut strip = vec![HealthState::Ok; 19];
        strip.push(HealthState::Fail);
        let common = Some(strip_key(&strip));
        for k in 0..500u32 {
            let prev = CellView {
                state: HealthState::Ok,
                strip: vec![HealthState::Ok; 20],
                ..cell(1)
            };
            let mut strip = vec![HealthState::Ok; 19];
            strip.push(HealthState::Fail);
            let next = CellView {
                state: HealthState::Fail,
                strip,
                ..prev.clone()
            };
            let mut own = None;
            assert!(batch.push(k, &prev, &next, &mut own, common));
            assert_eq!(own, None);
        }
        // Per cell: slot, mask, count and the two state words.
        assert_eq!(batch.ops().len(), 500 * 5);
        assert_eq!(batch.ops()[1], part::STATE);
        // "fail" (state and word are the same text here): one string for 500 cells.
        assert_eq!(batch.strings().len(), 1);
    }

    #[test]
    fn bounds_count_utf16_units() {
        let mut batch = CellBatch::new();
        let prev = cell(1);
        let next = CellView {
            reason: Some("😀 ok".into()),
            ..prev.clone()
        };
        batch.push(0, &prev, &next, &mut Some(strip_key(&prev.strip)), None);
        // "😀" is two UTF-16 units: the boundaries are 0 and 5.
        assert_eq!(batch.bounds(), &[0, 5]);
        assert_eq!(batch.strings(), vec!["😀 ok".to_string()]);
    }
}

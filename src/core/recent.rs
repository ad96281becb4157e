//! The "Recent" list: every dashboard the user opened or edited, autosaved locally with its
//! link, so nothing is lost and throwaway dashboards are easy to find or discard.
//!
//! Pure: the browser edge stores the JSON text this module writes (local storage) and
//! passes the clock in. Decoding is tolerant: a damaged store yields an empty list and a
//! warning, never a failure.
//!
//! Two tabs editing one dashboard never overwrite each other silently: every entry has a
//! revision that grows with each change of its content, each tab remembers the revision
//! its own state is based on, and [`decide_save`] refuses to write over a newer revision
//! with different content (a conflict the user resolves: keep mine, take theirs, or keep
//! both).

use serde::{Deserialize, Serialize};

/// Most dashboards kept; the least recently opened are dropped first.
pub const MAX_RECENT: usize = 50;

/// Largest stored link; bigger dashboards are not autosaved (the user is told).
pub const MAX_LINK_CHARS: usize = 64 * 1024;

/// One remembered dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEntry {
    /// Identity of this dashboard in this browser (stable across edits).
    pub key: String,
    pub title: String,
    pub last_opened_ms: i64,
    pub panel_count: usize,
    /// The share fragment (without `#`) of its latest state.
    pub fragment: String,
    /// Grows by one with every saved change of `fragment` (0 in lists saved before
    /// revisions existed).
    #[serde(default)]
    pub revision: u64,
}

/// What an autosave should do, given the stored entry and the tab's own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveDecision {
    /// The stored content is already this tab's: only refresh its place in the list; the
    /// tab's base becomes this revision.
    Unchanged { revision: u64 },
    /// Write this tab's content as this new revision.
    Write { revision: u64 },
    /// Someone else (another tab) saved different content since this tab's base: writing
    /// now would silently overwrite it. Nothing is written; the user chooses.
    Conflict { theirs: RecentEntry },
}

/// The conflict rule. `base` is the revision this tab's state was last saved as or loaded
/// from (`None` when the tab knows none); `fragment` is the tab's current content.
pub fn decide_save(stored: Option<&RecentEntry>, base: Option<u64>, fragment: &str) -> SaveDecision {
    match stored {
        None => SaveDecision::Write { revision: base.unwrap_or(0) + 1 },
        Some(e) if e.fragment == fragment => SaveDecision::Unchanged { revision: e.revision },
        Some(e) if base.is_some_and(|b| b >= e.revision) => SaveDecision::Write { revision: e.revision + 1 },
        Some(e) => SaveDecision::Conflict { theirs: e.clone() },
    }
}

/// The whole list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecentList {
    pub entries: Vec<RecentEntry>,
}

/// Why an autosave did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    #[error("This dashboard is too large to autosave ({0} characters); export it as a JSON file to keep it.")]
    TooLarge(usize),
}

impl RecentList {
    /// Reads the stored text; anything unreadable gives an empty list and a warning.
    pub fn decode(text: Option<&str>) -> (Self, Option<String>) {
        let Some(text) = text else { return (Self::default(), None) };
        match serde_json::from_str::<RecentList>(text) {
            Ok(mut list) => {
                list.entries.truncate(MAX_RECENT);
                (list, None)
            }
            Err(e) => (Self::default(), Some(format!("The list of recent dashboards in this browser was damaged ({e}) and was started afresh."))),
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("plain data always serializes")
    }

    /// Records the latest state of dashboard `key`, moving it to the top.
    pub fn upsert(&mut self, entry: RecentEntry) -> Result<(), SaveError> {
        if entry.fragment.len() > MAX_LINK_CHARS {
            return Err(SaveError::TooLarge(entry.fragment.len()));
        }
        self.entries.retain(|e| e.key != entry.key);
        self.entries.insert(0, entry);
        self.entries.truncate(MAX_RECENT);
        Ok(())
    }

    /// The stored entry of dashboard `key`, if any.
    pub fn get(&self, key: &str) -> Option<&RecentEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// Forgets one dashboard.
    pub fn discard(&mut self, key: &str) {
        self.entries.retain(|e| e.key != key);
    }

    /// Forgets every dashboard except `keep` (the one on screen), if given.
    pub fn discard_all(&mut self, keep: Option<&str>) {
        self.entries.retain(|e| Some(e.key.as_str()) == keep);
    }
}

/// A short age for the list: "just now", "5 min ago", "3 h ago", "2 d ago".
pub fn age(then_ms: i64, now_ms: i64) -> String {
    let s = ((now_ms - then_ms) / 1000).max(0);
    match s {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, t: i64) -> RecentEntry {
        RecentEntry { key: key.into(), title: format!("T {key}"), last_opened_ms: t, panel_count: 2, fragment: "d=1.x".into(), revision: 1 }
    }

    #[test]
    fn upsert_moves_to_top_and_caps() {
        let mut l = RecentList::default();
        for i in 0..60 {
            l.upsert(entry(&i.to_string(), i)).unwrap();
        }
        assert_eq!(l.entries.len(), MAX_RECENT);
        l.upsert(entry("30", 100)).unwrap();
        assert_eq!(l.entries[0].key, "30");
        assert_eq!(l.entries.iter().filter(|e| e.key == "30").count(), 1);
    }

    #[test]
    fn round_trips_and_survives_damage() {
        let mut l = RecentList::default();
        l.upsert(entry("a", 1)).unwrap();
        let (back, warning) = RecentList::decode(Some(&l.encode()));
        assert_eq!(back, l);
        assert!(warning.is_none());
        let (empty, warning) = RecentList::decode(Some("{not json"));
        assert!(empty.entries.is_empty());
        assert!(warning.unwrap().contains("started afresh"));
        assert_eq!(RecentList::decode(None), (RecentList::default(), None));
    }

    #[test]
    fn discard_one_or_all_but_current() {
        let mut l = RecentList::default();
        for k in ["a", "b", "c"] {
            l.upsert(entry(k, 1)).unwrap();
        }
        l.discard("b");
        assert_eq!(l.entries.len(), 2);
        l.discard_all(Some("a"));
        assert_eq!(l.entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), vec!["a"]);
    }

    #[test]
    fn too_large_is_refused_with_advice() {
        let mut l = RecentList::default();
        let mut e = entry("big", 1);
        e.fragment = "x".repeat(MAX_LINK_CHARS + 1);
        assert!(l.upsert(e).unwrap_err().to_string().contains("export it as a JSON file"));
    }

    #[test]
    fn lists_without_revisions_still_open() {
        let old = r#"{"entries":[{"key":"a","title":"Old","last_opened_ms":1,"panel_count":1,"fragment":"d=1.x"}]}"#;
        let (list, warning) = RecentList::decode(Some(old));
        assert!(warning.is_none());
        assert_eq!(list.get("a").map(|e| e.revision), Some(0));
    }

    #[test]
    fn a_new_dashboard_is_written_as_its_first_revision() {
        assert_eq!(decide_save(None, None, "d=1.a"), SaveDecision::Write { revision: 1 });
        assert_eq!(decide_save(None, Some(4), "d=1.a"), SaveDecision::Write { revision: 5 }, "discarded meanwhile: keeps counting");
    }

    #[test]
    fn own_changes_bump_the_revision() {
        let mut stored = entry("a", 1);
        stored.revision = 3;
        assert_eq!(decide_save(Some(&stored), Some(3), "d=1.mine"), SaveDecision::Write { revision: 4 });
        assert_eq!(decide_save(Some(&stored), Some(3), "d=1.x"), SaveDecision::Unchanged { revision: 3 });
    }

    #[test]
    fn a_newer_revision_from_elsewhere_is_never_overwritten() {
        let mut theirs = entry("a", 1);
        theirs.revision = 5;
        theirs.fragment = "d=1.theirs".into();
        assert_eq!(decide_save(Some(&theirs), Some(4), "d=1.mine"), SaveDecision::Conflict { theirs: theirs.clone() });
        assert_eq!(decide_save(Some(&theirs), None, "d=1.mine"), SaveDecision::Conflict { theirs: theirs.clone() }, "no base: assume the worst");
        // The same content is no conflict: the tab just adopts the newer revision.
        assert_eq!(decide_save(Some(&theirs), Some(4), "d=1.theirs"), SaveDecision::Unchanged { revision: 5 });
        // After "keep mine" the tab's base is their revision, so its write wins once.
        assert_eq!(decide_save(Some(&theirs), Some(5), "d=1.mine"), SaveDecision::Write { revision: 6 });
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(0, 30_000), "just now");
        assert_eq!(age(0, 5 * 60_000), "5 min ago");
        assert_eq!(age(0, 3 * 3_600_000), "3 h ago");
        assert_eq!(age(0, 2 * 86_400_000), "2 d ago");
    }
}

//! Undo and redo: a bounded history of whole values (dashboards).
//!
//! Before every edit the caller records the state it is about to leave; `undo` hands back
//! the previous state in exchange for the current one (which becomes redoable), and `redo`
//! does the reverse. A new edit after an undo drops the redo branch. Keeping whole states
//! instead of inverse operations makes every kind of edit undoable by construction.
//! Pure: no IO.

use std::collections::VecDeque;

/// How many edits can be undone by default.
pub const DEFAULT_DEPTH: usize = 100;

/// The undo and redo stacks of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct History<T> {
    past: VecDeque<T>,
    future: Vec<T>,
    depth: usize,
}

impl<T: Clone + PartialEq> Default for History<T> {
    fn default() -> Self {
        Self::new(DEFAULT_DEPTH)
    }
}

impl<T: Clone + PartialEq> History<T> {
    /// An empty history that keeps at most `depth` undoable states (at least one).
    pub fn new(depth: usize) -> Self {
        Self {
            past: VecDeque::new(),
            future: Vec::new(),
            depth: depth.max(1),
        }
    }

    /// Records `before`, the state an edit is leaving. An edit that changes nothing
    /// (`before == after`) records nothing, so it never needs a second undo.
    pub fn record(&mut self, before: T, after: &T) {
        if &before == after {
            return;
        }
        self.future.clear();
        self.past.push_back(before);
        while self.past.len() > self.depth {
            self.past.pop_front();
        }
    }

    /// The state before the latest edit, taking `current` onto the redo stack.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let previous = self.past.pop_back()?;
        self.future.push(current);
        Some(previous)
    }

    /// The state the latest undo left, taking `current` back onto the undo stack.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.future.pop()?;
        self.past.push_back(current);
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// Forgets everything (another document was opened).
    pub fn clear(&mut self) {
        self.past.clear();
        self.future.clear();
    }

    /// Number of undoable edits.
    pub fn undo_len(&self) -> usize {
        self.past.len()
    }
}

/// Which way a key press walks the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoKey {
    Undo,
    Redo,
}

/// The history step a key press asks for: Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z and
/// Ctrl/Cmd+Y redo. Nothing while the user is typing in a field, where the browser's own
/// text undo applies.
pub fn undo_key(key: &str, ctrl_or_meta: bool, shift: bool, typing: bool) -> Option<UndoKey> {
    if !ctrl_or_meta || typing {
        return None;
    }
    match (key.to_ascii_lowercase().as_str(), shift) {
        ("z", false) => Some(UndoKey::Undo),
        ("z", true) | ("y", false) => Some(UndoKey::Redo),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies an edit to `doc` through the history, as the app does.
    fn edit(h: &mut History<String>, doc: &mut String, to: &str) {
        let before = doc.clone();
        *doc = to.to_string();
        h.record(before, doc);
    }

    #[test]
    fn undo_and_redo_walk_the_edits_both_ways() {
        let mut h = History::default();
        let mut doc = "a".to_string();
        edit(&mut h, &mut doc, "b");
        edit(&mut h, &mut doc, "c");
        assert!(h.can_undo() && !h.can_redo());
        doc = h.undo(doc).unwrap();
        assert_eq!(doc, "b");
        doc = h.undo(doc).unwrap();
        assert_eq!(doc, "a");
        assert!(!h.can_undo());
        assert_eq!(h.undo(doc.clone()), None, "nothing more to undo");
        doc = h.redo(doc).unwrap();
        doc = h.redo(doc).unwrap();
        assert_eq!(doc, "c");
        assert_eq!(h.redo(doc.clone()), None);
    }

    #[test]
    fn a_new_edit_after_undo_drops_the_redo_branch() {
        let mut h = History::default();
        let mut doc = "a".to_string();
        edit(&mut h, &mut doc, "b");
        doc = h.undo(doc).unwrap();
        assert!(h.can_redo());
        edit(&mut h, &mut doc, "x");
        assert!(!h.can_redo());
        assert_eq!(h.undo(doc).unwrap(), "a");
    }

    #[test]
    fn the_history_is_bounded_and_drops_the_oldest() {
        let mut h = History::new(3);
        let mut doc = "0".to_string();
        for i in 1..=10 {
            edit(&mut h, &mut doc, &i.to_string());
        }
        assert_eq!(h.undo_len(), 3);
        for expected in ["9", "8", "7"] {
            doc = h.undo(doc).unwrap();
            assert_eq!(doc, expected);
        }
        assert!(!h.can_undo());
        assert_eq!(History::<String>::default().depth, DEFAULT_DEPTH);
    }

    #[test]
    fn an_edit_that_changes_nothing_is_not_recorded() {
        let mut h = History::default();
        let mut doc = "a".to_string();
        edit(&mut h, &mut doc, "a");
        assert!(!h.can_undo());
    }

    #[test]
    fn ctrl_z_undoes_and_shift_ctrl_z_or_ctrl_y_redo_but_not_while_typing() {
        assert_eq!(undo_key("z", true, false, false), Some(UndoKey::Undo));
        assert_eq!(undo_key("Z", true, true, false), Some(UndoKey::Redo));
        assert_eq!(undo_key("y", true, false, false), Some(UndoKey::Redo));
        assert_eq!(
            undo_key("z", false, false, false),
            None,
            "a plain z is a letter"
        );
        assert_eq!(
            undo_key("z", true, false, true),
            None,
            "text fields keep their own undo"
        );
        assert_eq!(undo_key("x", true, false, false), None);
    }

    #[test]
    fn clear_forgets_both_ways() {
        let mut h = History::default();
        let mut doc = "a".to_string();
        edit(&mut h, &mut doc, "b");
        edit(&mut h, &mut doc, "c");
        let _ = h.undo(doc).unwrap();
        h.clear();
        assert!(!h.can_undo() && !h.can_redo());
    }
}

//! Which subtrees of the waterfall are collapsed, in a form small enough for a share link:
//! an optional depth rule ("every span with children at depth N or deeper is collapsed")
//! plus explicit exceptions both ways (ids collapsed above the depth, ids expanded at or
//! below it). "Collapse all" is depth 0 with no ids, whatever the trace's size; links that
//! hold only an explicit id list (the first link form) mean exactly what they meant.
//!
//! This module must never build a set of every collapsed span: the rule is evaluated per row.

use crate::core::trace::id::SpanId;
use std::collections::HashSet;

/// The collapse state of one waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collapse {
    /// Spans with children at this depth or deeper are collapsed (0 collapses everything).
    pub depth: Option<u32>,
    /// Spans collapsed besides the depth rule.
    pub collapsed: HashSet<SpanId>,
    /// Spans the depth rule would collapse but that are expanded.
    pub expanded: HashSet<SpanId>,
}

impl Collapse {
    /// The state from a spec's fields; ids that do not parse are dropped.
    pub fn from_lists(depth: Option<u32>, collapsed: &[String], expanded: &[String]) -> Self {
        let ids = |list: &[String]| {
            list.iter()
                .filter_map(|h| SpanId::parse(h).ok())
                .collect::<HashSet<_>>()
        };
        let collapsed = ids(collapsed);
        let expanded = if depth.is_some() {
            ids(expanded)
        } else {
            HashSet::new()
        };
        Collapse {
            depth,
            collapsed,
            expanded,
        }
    }

    /// The spec's fields: `(depth, collapsed ids, expanded ids)`, ids sorted in hex.
    pub fn to_lists(&self) -> (Option<u32>, Vec<String>, Vec<String>) {
        let hex = |set: &HashSet<SpanId>| {
            let mut v: Vec<SpanId> = set.iter().copied().collect();
            v.sort();
            v.iter().map(SpanId::to_hex).collect::<Vec<_>>()
        };
        (self.depth, hex(&self.collapsed), hex(&self.expanded))
    }

    /// True when nothing is collapsed.
    pub fn is_empty(&self) -> bool {
        self.depth.is_none() && self.collapsed.is_empty()
    }

    /// Whether a span with children at `depth` shows them hidden.
    pub fn is_collapsed(&self, id: &SpanId, depth: u32) -> bool {
        match self.depth {
            Some(d) if depth >= d => !self.expanded.contains(id),
            _ => !self.collapsed.is_empty() && self.collapsed.contains(id),
        }
    }

    /// Flips one span (at `depth`) between collapsed and expanded, keeping the lists minimal.
    pub fn toggle(&mut self, id: SpanId, depth: u32) {
        let by_rule = self.depth.is_some_and(|d| depth >= d);
        if by_rule {
            if !self.expanded.remove(&id) {
                self.expanded.insert(id);
            }
        } else if !self.collapsed.remove(&id) {
            self.collapsed.insert(id);
        }
    }

    /// Every span with children collapsed.
    pub fn all() -> Self {
        Self::to_depth(0)
    }

    /// Depths `0..depth` open, everything deeper collapsed (as the "expand to depth" control).
    pub fn to_depth(depth: u32) -> Self {
        Collapse {
            depth: Some(depth),
            ..Collapse::default()
        }
    }
}

//! The waterfall's visible rows: from the tree, the collapsed set and the filters (hide short
//! spans, fold runs of repeated siblings) to the list of rows to paint, in one linear scan
//! over the pre-order (the shape of Jaeger UI's `generateRowStates`).
//!
//! Collapse state is keyed by span id, so it can travel in a share link. This module must
//! never paint, measure pixels or allocate per hidden span; the cost is one pass over the
//! visible spans plus one hop per skipped subtree.

use crate::core::trace::collapse::Collapse;
use crate::core::trace::id::SpanId;
use crate::core::trace::model::Trace;
use crate::core::trace::tree::SpanTree;
use std::collections::HashSet;

/// A run of sibling spans with the same service and name shown as one row ("×340").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// How many spans the row stands for (at least the fold threshold).
    pub count: usize,
    /// The last span of the run.
    pub last_span: usize,
    /// Epoch µs of the latest end in the run, so the row's bar covers the whole run.
    pub end_us: i64,
}

/// One visible row of the waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Index into the trace's spans (the first span of a fold).
    pub span: usize,
    pub depth: u32,
    /// True when the span has children in the tree (whether or not they are visible).
    pub has_children: bool,
    /// True when the span's children are hidden because it is collapsed.
    pub collapsed: bool,
    /// Set when this row stands for a run of folded siblings.
    pub fold: Option<Fold>,
}

/// What to hide and fold, beyond collapsed subtrees.
#[derive(Debug, Clone, Copy)]
pub struct RowFilter<'a> {
    /// Which spans' children are hidden (an id list and/or a depth rule).
    pub collapse: &'a Collapse,
    /// Spans shorter than this many µs are hidden with their subtree (top-level spans never).
    pub min_duration_us: i64,
    /// Runs of at least this many adjacent siblings with the same service and name become
    /// one row; 0 or 1 turns folding off.
    pub fold_min_run: usize,
    /// Runs whose first span id is in this set are shown expanded.
    pub unfolded: &'a HashSet<SpanId>,
}

/// The rows left visible by collapsed subtrees alone.
pub fn visible_rows(trace: &Trace, tree: &SpanTree, collapsed: &HashSet<SpanId>) -> Vec<Row> {
    let none = HashSet::new();
    let collapse = Collapse { collapsed: collapsed.clone(), ..Collapse::default() };
    visible_rows_with(trace, tree, &RowFilter { collapse: &collapse, min_duration_us: 0, fold_min_run: 0, unfolded: &none })
}

/// The rows left visible by the collapsed set, the duration filter and folding, in one scan.
pub fn visible_rows_with(trace: &Trace, tree: &SpanTree, filter: &RowFilter) -> Vec<Row> {
    let spans = &trace.spans;
    let n = tree.order.len();
    // Most views show most spans: one allocation up front instead of repeated growth.
    let mut rows = Vec::with_capacity(if filter.collapse.is_empty() { n } else { 64 });
    let hidden = |p: usize| tree.depth[p] > 0 && spans[tree.order[p] as usize].duration_us < filter.min_duration_us;
    let folding = filter.fold_min_run >= 2;
    // Per depth, the first position at which a new run may start; stops rescanning a short run.
    let mut no_fold_before: Vec<usize> = Vec::new();
    let mut p = 0;
    while p < n {
        if hidden(p) {
            p = tree.subtree_end[p] as usize;
            continue;
        }
        let s = tree.order[p] as usize;
        let depth = tree.depth[p];
        let has_children = tree.subtree_end[p] as usize > p + 1;
        if folding {
            let d = depth as usize;
            if no_fold_before.len() <= d {
                no_fold_before.resize(d + 1, 0);
            }
            if p >= no_fold_before[d] {
                let run = sibling_run(trace, tree, p, &hidden);
                // An unfolded run is shown span by span, and none of its tail folds again.
                if run.count >= filter.fold_min_run && !filter.unfolded.contains(&spans[s].span_id) {
                    rows.push(Row { span: s, depth, has_children: false, collapsed: false, fold: Some(run.fold) });
                    p = run.end;
                    continue;
                }
                no_fold_before[d] = run.stop;
            }
        }
        let collapsed = has_children && !filter.collapse.is_empty() && filter.collapse.is_collapsed(&spans[s].span_id, depth);
        rows.push(Row { span: s, depth, has_children, collapsed, fold: None });
        p = if collapsed { tree.subtree_end[p] as usize } else { p + 1 };
    }
    rows
}

/// A run of same-named siblings starting at a position.
struct Run {
    count: usize,
    fold: Fold,
    /// The position just after the last run member's subtree.
    end: usize,
    /// The position of the first sibling that ended the run (or the end of the parent).
    stop: usize,
}

/// Counts the siblings from position `p` on that share its service and name, skipping hidden
/// siblings, hopping over subtrees.
fn sibling_run(trace: &Trace, tree: &SpanTree, p: usize, hidden: &dyn Fn(usize) -> bool) -> Run {
    let spans = &trace.spans;
    let first = &spans[tree.order[p] as usize];
    let parent = tree.parent[tree.order[p] as usize];
    let mut fold = Fold { count: 1, last_span: tree.order[p] as usize, end_us: first.end_us() };
    let mut end = tree.subtree_end[p] as usize;
    let mut q = end;
    while q < tree.order.len() && tree.depth[q] == tree.depth[p] && tree.parent[tree.order[q] as usize] == parent {
        let next = tree.subtree_end[q] as usize;
        if hidden(q) {
            q = next;
            continue;
        }
        let s = &spans[tree.order[q] as usize];
        if s.name != first.name || s.service != first.service {
            break;
        }
        fold.count += 1;
        fold.last_span = tree.order[q] as usize;
        fold.end_us = fold.end_us.max(s.end_us());
        end = next;
        q = next;
    }
    Run { count: fold.count, fold, end, stop: q }
}

/// The collapsed set that hides every child: all spans with children.
pub fn collapse_all(trace: &Trace, tree: &SpanTree) -> HashSet<SpanId> {
    expand_to_depth(trace, tree, 0)
}

/// The collapsed set that shows depths `0..=depth` and hides deeper rows: every span with
/// children at `depth` or deeper is collapsed, so expanding one reveals one more level.
pub fn expand_to_depth(trace: &Trace, tree: &SpanTree, depth: u32) -> HashSet<SpanId> {
    (0..tree.order.len())
        .filter(|&p| tree.depth[p] >= depth && tree.subtree_end[p] as usize > p + 1)
        .map(|p| trace.spans[tree.order[p] as usize].span_id)
        .collect()
}

/// The minimum duration in µs for "hide spans shorter than `fraction` of the trace"
/// (`fraction` is clamped to 0..=1; 0.01 means 1 %).
pub fn hide_shorter_than(trace: &Trace, fraction: f64) -> i64 {
    min_duration_us(trace.duration_us(), fraction)
}

/// [`hide_shorter_than`] from a trace's duration in µs, for callers that already know it.
pub fn min_duration_us(duration_us: i64, fraction: f64) -> i64 {
    let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
    (duration_us as f64 * fraction).ceil() as i64
}

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
use std::collections::{HashMap, HashSet};

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

/// What the row scan reads about each position of a tree, in flat arrays: the scan then never
/// touches the (large) spans themselves except for ids when something is collapsed or
/// unfolded. Built once per trace; valid only for the trace and tree it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowIndex {
    /// Per position, a number shared by exactly the spans with the same service and name.
    kind: Vec<u32>,
    /// Per position, the span's duration in µs.
    duration_us: Vec<i64>,
    /// Per position, the span's end in epoch µs.
    end_us: Vec<i64>,
}

impl RowIndex {
    /// The index of a trace's tree, in one pass over the spans in pre-order.
    pub fn build(trace: &Trace, tree: &SpanTree) -> Self {
        let n = tree.order.len();
        let mut kinds: HashMap<(&str, &str), u32> = HashMap::new();
        let mut index = RowIndex { kind: Vec::with_capacity(n), duration_us: Vec::with_capacity(n), end_us: Vec::with_capacity(n) };
        let mut last: Option<(&str, &str, u32)> = None;
        for &s in &tree.order {
            let span = &trace.spans[s as usize];
            let (service, name) = (span.service.as_str(), span.name.as_str());
            let kind = match last {
                Some((a, b, k)) if a == service && b == name => k,
                _ => {
                    let next = kinds.len() as u32;
                    *kinds.entry((service, name)).or_insert(next)
                }
            };
            last = Some((service, name, kind));
            index.kind.push(kind);
            index.duration_us.push(span.duration_us);
            index.end_us.push(span.end_us());
        }
        index
    }
}

/// The rows left visible by the collapsed set, the duration filter and folding, in one scan.
pub fn visible_rows_with(trace: &Trace, tree: &SpanTree, filter: &RowFilter) -> Vec<Row> {
    visible_rows_indexed(trace, tree, &RowIndex::build(trace, tree), filter)
}

/// [`visible_rows_with`] from a [`RowIndex`] built once for the trace (the waterfall keeps
/// one, so a collapse or expand costs one scan of flat arrays).
pub fn visible_rows_indexed(trace: &Trace, tree: &SpanTree, index: &RowIndex, filter: &RowFilter) -> Vec<Row> {
    let spans = &trace.spans;
    let n = tree.order.len().min(index.kind.len());
    // Most views show most spans: one allocation up front instead of repeated growth.
    let mut rows = Vec::with_capacity(if filter.collapse.is_empty() { n } else { 64 });
    let hiding = filter.min_duration_us > 0;
    let hidden = |p: usize| hiding && tree.depth[p] > 0 && index.duration_us[p] < filter.min_duration_us;
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
                let run = sibling_run(tree, index, p, &hidden);
                // An unfolded run is shown span by span, and none of its tail folds again.
                let unfolded = !filter.unfolded.is_empty() && filter.unfolded.contains(&spans[s].span_id);
                if run.count >= filter.fold_min_run && !unfolded {
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
fn sibling_run(tree: &SpanTree, index: &RowIndex, p: usize, hidden: &dyn Fn(usize) -> bool) -> Run {
    let parent = tree.parent[tree.order[p] as usize];
    let mut fold = Fold { count: 1, last_span: tree.order[p] as usize, end_us: index.end_us[p] };
    let mut end = tree.subtree_end[p] as usize;
    let mut q = end;
    while q < tree.order.len().min(index.kind.len()) && tree.depth[q] == tree.depth[p] && tree.parent[tree.order[q] as usize] == parent {
        let next = tree.subtree_end[q] as usize;
        if hidden(q) {
            q = next;
            continue;
        }
        if index.kind[q] != index.kind[p] {
            break;
        }
        fold.count += 1;
        fold.last_span = tree.order[q] as usize;
        fold.end_us = fold.end_us.max(index.end_us[q]);
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

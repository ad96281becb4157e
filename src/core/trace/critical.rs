//! The critical path of a trace: the chain of span sections that determines when the trace
//! ends, found the way Jaeger UI's critical-path computation does it.
//!
//! Start at the top-level span that ends last. Take its last-finishing child; the part of the
//! parent after that child ends is critical. Descend into the child and repeat. At a span
//! without such a child, its remaining part back to its start is critical; then return to the
//! parent and look for the child that finished last *before* this span started (the gap
//! before it). Children are first clipped to their parent's bounds (clock skew), children
//! entirely outside their parent and `FOLLOWS_FROM` children are ignored, as Jaeger UI does.
//! Each span's children are sorted once and scanned with a cursor, so the walk is
//! O(n log n). This module must never recurse (deep traces) or read the clock.

use crate::core::trace::model::Trace;
use crate::core::trace::tree::SpanTree;

/// A stretch of one span that lies on the critical path, epoch µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriticalSection {
    pub span: usize,
    pub start_us: i64,
    pub end_us: i64,
}

/// The critical path in chronological order. Empty for an empty trace.
pub fn critical_path(trace: &Trace, tree: &SpanTree) -> Vec<CriticalSection> {
    let spans = &trace.spans;
    let Some(root) = tree.roots().into_iter().max_by_key(|&r| (spans[r].end_us(), std::cmp::Reverse(r))) else {
        return Vec::new();
    };
    let bounds = clipped_bounds(trace, tree);
    let mut sorted: Vec<Option<Vec<usize>>> = vec![None; spans.len()];
    let mut cursor = vec![0usize; spans.len()];
    let mut path = Vec::new();
    let mut current = root;
    let mut returning: Option<i64> = None;
    while let Some((start, end)) = bounds[current] {
        let limit = returning.unwrap_or(end);
        let children = sorted[current].get_or_insert_with(|| {
            let mut c: Vec<usize> = tree.children(current).into_iter().filter(|&c| bounds[c].is_some()).collect();
            crate::core::sort::sort_by_key(&mut c, |&c| (std::cmp::Reverse(bounds[c].map_or(0, |b| b.1)), c));
            c
        });
        let mut chosen = None;
        while cursor[current] < children.len() {
            let c = children[cursor[current]];
            cursor[current] += 1;
            let child_end = bounds[c].map_or(i64::MIN, |b| b.1);
            if returning.is_none() || child_end < limit {
                chosen = Some((c, child_end));
                break;
            }
        }
        match chosen {
            Some((child, child_end)) => {
                if child_end != limit {
                    path.push(CriticalSection { span: current, start_us: child_end, end_us: limit });
                }
                current = child;
                returning = None;
            }
            None => {
                path.push(CriticalSection { span: current, start_us: start, end_us: limit });
                match tree.parent[current] {
                    Some(p) if current != root => {
                        current = p as usize;
                        returning = Some(start);
                    }
                    _ => break,
                }
            }
        }
    }
    path.reverse();
    path
}

/// For each span, its bounds clipped to its (clipped) parent, or `None` when it is ignored:
/// a `FOLLOWS_FROM` child, a child entirely outside its parent, or below an ignored span.
fn clipped_bounds(trace: &Trace, tree: &SpanTree) -> Vec<Option<(i64, i64)>> {
    let spans = &trace.spans;
    let mut bounds = vec![None; spans.len()];
    for &s in &tree.order {
        let s = s as usize;
        let span = &spans[s];
        let own = (span.start_us, span.end_us());
        bounds[s] = match tree.parent[s] {
            None => Some(own),
            Some(p) => match bounds[p as usize] {
                Some((ps, pe)) if !span.follows_from && own.0 <= pe && own.1 >= ps => Some((own.0.max(ps), own.1.min(pe))),
                _ => None,
            },
        };
    }
    bounds
}

/// For each span, true when some section of the path lies on it.
pub fn on_critical_path(path: &[CriticalSection], span_count: usize) -> Vec<bool> {
    let mut on = vec![false; span_count];
    for section in path {
        if let Some(flag) = on.get_mut(section.span) {
            *flag = true;
        }
    }
    on
}

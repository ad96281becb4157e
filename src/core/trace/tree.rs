//! The span tree of one trace, laid out in pre-order with depths and subtree extents, so
//! that visible rows, folding and the critical path are linear scans over flat arrays.
//!
//! Parent links are resolved by span id. A span whose parent is missing (an orphan) becomes
//! a top-level row, beside the real root, with a warning. A Zipkin `shared` server span goes
//! under the client span with the same id, and the children of that id go under the server.
//! Other duplicate ids keep the first span as the owner of the id. Cycles are broken at one
//! span, which becomes top-level, with a warning. Siblings are ordered by start time, then by
//! their order in the source. A child that starts before its parent or ends after it (clock
//! skew) is kept as recorded and marked in [`SpanTree::skewed`].
//!
//! This module must never drop a span, recurse (deep traces would overflow the stack) or
//! know about pixels; every span appears exactly once in [`SpanTree::order`].

use crate::core::trace::id::SpanId;
use crate::core::trace::model::Span;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for span ids: they are already random bytes, so folding them into a `u64` and
/// mixing once is enough, and several times faster than the default SipHash at 100k spans.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0x100_0000_01B3).rotate_left(17);
        }
    }
}

type IdMap<V> = HashMap<SpanId, V, BuildHasherDefault<IdHasher>>;

/// A trace's spans as a tree in pre-order. "Position" means an index into `order`; "span"
/// means an index into the trace's `spans`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpanTree {
    /// Span indices in pre-order.
    pub order: Vec<u32>,
    /// The depth of each position (0 for top-level rows).
    pub depth: Vec<u32>,
    /// For each position, the position just after its subtree; `subtree_end[p] > p + 1`
    /// exactly when the span at `p` has children.
    pub subtree_end: Vec<u32>,
    /// For each span, the parent span, or `None` at the top level.
    pub parent: Vec<Option<u32>>,
    /// For each span, its position in `order`.
    pub position: Vec<u32>,
    /// For each span, true when it starts before its parent or ends after it.
    pub skewed: Vec<bool>,
    /// Spans whose parent id is not in the trace, in source order.
    pub orphans: Vec<u32>,
    /// What had to be repaired: orphans, duplicate ids, cycles, clock skew.
    pub warnings: Vec<String>,
}

impl SpanTree {
    /// Builds the tree of `spans` in O(n log n) (the log is the sibling sort).
    pub fn build(spans: &[Span]) -> Self {
        let n = spans.len();
        let mut warnings = Vec::new();
        let (mut parent, orphans, duplicates) = resolve_parents(spans);
        if duplicates > 0 {
            warnings.push(format!(
                "{duplicates} spans reuse the id of another span that is not their Zipkin shared client; each is shown separately"
            ));
        }
        if !orphans.is_empty() {
            warnings.push(format!(
                "{} spans point at a parent that is not in the trace (first: {}); they are shown at the top level",
                orphans.len(),
                spans[orphans[0] as usize].span_id.to_hex()
            ));
        }
        let broken = break_cycles(&mut parent);
        if let Some(first) = broken.first() {
            warnings.push(format!(
                "the parent links form {} cycles; each was cut at one span (first: {}), shown at the top level",
                broken.len(),
                spans[*first as usize].span_id.to_hex()
            ));
        }
        let (order, depth) = pre_order(spans, &parent);
        let mut size = vec![1u32; n];
        for &s in order.iter().rev() {
            if let Some(p) = parent[s as usize] {
                size[p as usize] += size[s as usize];
            }
        }
        let mut position = vec![0u32; n];
        let mut subtree_end = vec![0u32; n];
        for (p, &s) in order.iter().enumerate() {
            position[s as usize] = p as u32;
            subtree_end[p] = p as u32 + size[s as usize];
        }
        let skewed: Vec<bool> = (0..n)
            .map(|s| match parent[s] {
                Some(p) => {
                    let (c, p) = (&spans[s], &spans[p as usize]);
                    c.start_us < p.start_us || c.end_us() > p.end_us()
                }
                None => false,
            })
            .collect();
        let skew_count = skewed.iter().filter(|s| **s).count();
        if skew_count > 0 {
            warnings.push(format!(
                "{skew_count} spans start before their parent or end after it (clock skew between hosts); they are shown as recorded"
            ));
        }
        SpanTree { order, depth, subtree_end, parent, position, skewed, orphans, warnings }
    }

    /// The number of spans.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True for a tree without spans.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// True when the span has at least one child.
    pub fn has_children(&self, span: usize) -> bool {
        let p = self.position[span] as usize;
        self.subtree_end[p] as usize > p + 1
    }

    /// The children of a span in display order, found by hopping over subtrees.
    pub fn children(&self, span: usize) -> Vec<usize> {
        let p = self.position[span] as usize;
        let end = self.subtree_end[p] as usize;
        let mut out = Vec::new();
        let mut q = p + 1;
        while q < end {
            out.push(self.order[q] as usize);
            q = self.subtree_end[q] as usize;
        }
        out
    }

    /// The top-level spans in display order.
    pub fn roots(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut q = 0;
        while q < self.order.len() {
            out.push(self.order[q] as usize);
            q = self.subtree_end[q] as usize;
        }
        out
    }

    /// The greatest depth, or 0 for an empty tree.
    pub fn max_depth(&self) -> u32 {
        self.depth.iter().copied().max().unwrap_or(0)
    }
}

/// Resolves each span's parent index. Returns parents, orphans and the number of duplicate
/// ids that are not a shared client/server pair.
fn resolve_parents(spans: &[Span]) -> (Vec<Option<u32>>, Vec<u32>, usize) {
    // The span that owns an id for its children (the shared server when there is one), and
    // the first non-shared span with the id (the client of a shared pair).
    let mut owner: IdMap<u32> = IdMap::with_capacity_and_hasher(spans.len(), Default::default());
    let mut duplicates = 0;
    // Without Zipkin shared spans (most traces) the owner of an id is its first span and a
    // second map is not needed.
    if !spans.iter().any(|s| s.shared) {
        for (i, s) in spans.iter().enumerate() {
            match owner.entry(s.span_id) {
                Entry::Occupied(_) => duplicates += 1,
                Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
            }
        }
        let mut parent = vec![None; spans.len()];
        let mut orphans = Vec::new();
        for (i, s) in spans.iter().enumerate() {
            let Some(pid) = s.parent else { continue };
            match owner.get(&pid) {
                Some(&p) if p != i as u32 => parent[i] = Some(p),
                Some(_) => {}
                None => orphans.push(i as u32),
            }
        }
        return (parent, orphans, duplicates);
    }
    let mut client: IdMap<u32> = IdMap::with_capacity_and_hasher(spans.len(), Default::default());
    for (i, s) in spans.iter().enumerate() {
        let i = i as u32;
        if s.shared {
            // Several shared servers may answer one client (a fan-out); they all go under the
            // client, and the first of them owns the id's children.
            let previous = owner.insert(s.span_id, i);
            if let Some(prev) = previous.filter(|p| spans[*p as usize].shared) {
                owner.insert(s.span_id, prev);
            }
        } else {
            match client.get(&s.span_id) {
                Some(_) => duplicates += 1,
                None => {
                    client.insert(s.span_id, i);
                }
            }
            owner.entry(s.span_id).or_insert(i);
        }
    }
    let mut parent = vec![None; spans.len()];
    let mut orphans = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        let me = i as u32;
        if s.shared {
            if let Some(&c) = client.get(&s.span_id).filter(|c| **c != me) {
                parent[i] = Some(c);
                continue;
            }
        }
        let Some(pid) = s.parent else { continue };
        match owner.get(&pid) {
            Some(&p) if p != me => parent[i] = Some(p),
            Some(_) => {}
            None => orphans.push(me),
        }
    }
    (parent, orphans, duplicates)
}

/// Cuts every cycle of parent links at one span, which becomes top-level. Returns the spans
/// where cycles were cut. Linear: each span is walked once.
fn break_cycles(parent: &mut [Option<u32>]) -> Vec<u32> {
    const NEW: u8 = 0;
    const WALKING: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parent.len()];
    let mut walk = Vec::new();
    let mut cut = Vec::new();
    for start in 0..parent.len() {
        let mut s = start;
        while state[s] == NEW {
            state[s] = WALKING;
            walk.push(s);
            match parent[s] {
                Some(p) => s = p as usize,
                None => break,
            }
        }
        if state[s] == WALKING && parent[s].is_some() {
            // The walk came back to a span of its own: `s` is on a cycle.
            parent[s] = None;
            cut.push(s as u32);
        }
        for w in walk.drain(..) {
            state[w] = DONE;
        }
    }
    cut
}

/// Pre-order positions and depths, with siblings sorted by start time then source order.
fn pre_order(spans: &[Span], parent: &[Option<u32>]) -> (Vec<u32>, Vec<u32>) {
    let n = spans.len();
    // Children lists in one flat array (compressed rows), with roots under a virtual node n.
    let mut count = vec![0u32; n + 2];
    for p in parent {
        count[p.map_or(n, |p| p as usize) + 1] += 1;
    }
    for i in 1..count.len() {
        count[i] += count[i - 1];
    }
    let start = count.clone();
    let mut fill = count;
    let mut children = vec![0u32; n];
    for (s, p) in parent.iter().enumerate() {
        let slot = &mut fill[p.map_or(n, |p| p as usize)];
        children[*slot as usize] = s as u32;
        *slot += 1;
    }
    for node in 0..=n {
        let group = &mut children[start[node] as usize..start[node + 1] as usize];
        // Sources mostly list siblings in start order already: check before sorting.
        if group.len() > 1 && !group.windows(2).all(|w| (spans[w[0] as usize].start_us, w[0]) <= (spans[w[1] as usize].start_us, w[1])) {
            group.sort_by_key(|&c| (spans[c as usize].start_us, c));
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut depth = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    let range = |node: usize| start[node] as usize..start[node + 1] as usize;
    for &c in children[range(n)].iter().rev() {
        stack.push((c, 0));
    }
    while let Some((s, d)) = stack.pop() {
        order.push(s);
        depth.push(d);
        for &c in children[range(s as usize)].iter().rev() {
            stack.push((c, d + 1));
        }
    }
    (order, depth)
}

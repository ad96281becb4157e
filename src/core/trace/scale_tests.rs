//! The waterfall pipeline at 100,000 spans on the synthetic trace: tree and pre-order,
//! visible rows (collapse by id and by depth rule, hide, fold), critical path, the virtual
//! window, and the OTLP-JSON file round trip. Every result is checked against a slow,
//! obviously-correct computation (parent walks, linear scans), not against itself.
//!
//! These tests must never read the clock; speed is measured by the B5 benchmark.

use crate::core::trace::*;
use std::collections::HashSet;

const N: usize = 100_000;

fn big() -> (Trace, SpanTree) {
    let t = synthetic_trace(N, 7);
    let tree = SpanTree::build(&t.spans);
    (t, tree)
}

/// The parent index of each span, resolved by a plain id lookup (independent of the tree).
fn parents(t: &Trace) -> Vec<Option<usize>> {
    let index: std::collections::HashMap<SpanId, usize> = t
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.span_id, i))
        .collect();
    t.spans
        .iter()
        .map(|s| s.parent.map(|p| index[&p]))
        .collect()
}

/// True when `ancestor` is a strict ancestor of `s`.
fn under(parent: &[Option<usize>], mut s: usize, ancestor: usize) -> bool {
    while let Some(p) = parent[s] {
        if p == ancestor {
            return true;
        }
        s = p;
    }
    false
}

fn depth_of(parent: &[Option<usize>], mut s: usize) -> u32 {
    let mut d = 0;
    while let Some(p) = parent[s] {
        d += 1;
        s = p;
    }
    d
}

fn span_set(rows: &[Row]) -> HashSet<usize> {
    rows.iter().map(|r| r.span).collect()
}

#[test]
fn the_synthetic_trace_is_deterministic_and_well_formed() {
    assert_eq!(synthetic_trace(500, 3), synthetic_trace(500, 3));
    assert_ne!(synthetic_trace(500, 3), synthetic_trace(500, 4));
    for n in [0, 1, 2, 37, 1000] {
        let t = synthetic_trace(n, 1);
        assert_eq!(t.spans.len(), n.max(1), "n = {n}");
        assert_eq!(t.spans.iter().filter(|s| s.parent.is_none()).count(), 1);
    }
    let (t, tree) = big();
    assert_eq!(t.spans.len(), N);
    assert_eq!(
        (t.start_us(), t.duration_us()),
        (SYNTHETIC_START_US, SYNTHETIC_DURATION_US)
    );
    let ids: HashSet<SpanId> = t.spans.iter().map(|s| s.span_id).collect();
    assert_eq!(ids.len(), N, "span ids are unique");
    assert!(
        t.error_count() > 100 && t.error_count() < 1500,
        "about one in 200 fails: {}",
        t.error_count()
    );
    assert_eq!(t.services().len(), 9);
    assert!(
        tree.warnings.is_empty(),
        "no orphans, cycles or skew: {:?}",
        tree.warnings
    );
    assert!(
        tree.max_depth() >= 5 && tree.max_depth() < 40,
        "shallow but not flat: {}",
        tree.max_depth()
    );
}

#[test]
fn the_tree_is_a_pre_order_with_true_depths_and_extents() {
    let (t, tree) = big();
    let parent = parents(&t);
    let mut seen = vec![false; N];
    for &s in &tree.order {
        assert!(
            !std::mem::replace(&mut seen[s as usize], true),
            "span {s} appears twice"
        );
    }
    assert!(seen.iter().all(|s| *s), "every span appears once");
    assert_eq!(tree.roots().len(), 1);
    for (p, &s) in tree.order.iter().enumerate() {
        let s = s as usize;
        assert_eq!(
            tree.parent[s].map(|x| x as usize),
            parent[s],
            "parent of span {s}"
        );
        assert_eq!(tree.position[s] as usize, p);
        if let Some(par) = parent[s] {
            assert!(
                (tree.position[par] as usize) < p,
                "a parent precedes its children"
            );
            assert_eq!(tree.depth[p], tree.depth[tree.position[par] as usize] + 1);
        }
    }
    // The extent of each subtree: the first later position not deeper than it.
    let mut stack: Vec<usize> = Vec::new();
    let mut end = vec![N; N];
    for p in 0..N {
        while let Some(&top) = stack.last() {
            if tree.depth[top] >= tree.depth[p] {
                end[top] = p;
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(p);
    }
    assert!(end
        .iter()
        .zip(&tree.subtree_end)
        .all(|(a, b)| *a == *b as usize));
    // Siblings in start order.
    for s in (0..N).step_by(97) {
        let c = tree.children(s);
        assert!(c
            .windows(2)
            .all(|w| t.spans[w[0]].start_us <= t.spans[w[1]].start_us));
        assert_eq!(c.len(), parent.iter().filter(|p| **p == Some(s)).count());
    }
}

#[test]
fn collapsing_a_subtree_removes_exactly_its_descendants() {
    let (t, tree) = big();
    let parent = parents(&t);
    let all = visible_rows(&t, &tree, &HashSet::new());
    assert_eq!(all.len(), N);
    assert!(all
        .iter()
        .zip(&tree.order)
        .all(|(r, &s)| r.span == s as usize && !r.collapsed));
    // Take a few spans with subtrees of different sizes, at different depths.
    let picks: Vec<usize> = (0..N)
        .filter(|&p| tree.subtree_end[p] as usize > p + 1)
        .step_by(4999)
        .map(|p| tree.order[p] as usize)
        .collect();
    assert!(picks.len() >= 4);
    for x in picks {
        let rows = visible_rows(&t, &tree, &HashSet::from([t.spans[x].span_id]));
        let expected: HashSet<usize> = (0..N).filter(|&s| !under(&parent, s, x)).collect();
        assert_eq!(span_set(&rows), expected, "collapse span {x}");
        assert_eq!(rows.len(), expected.len());
        let row = rows.iter().find(|r| r.span == x).unwrap();
        assert!(row.collapsed && row.has_children);
        assert_eq!(rows.iter().filter(|r| r.collapsed).count(), 1);
    }
}

#[test]
fn depth_rules_match_the_explicit_id_lists_of_old_links() {
    let (t, tree) = big();
    let parent = parents(&t);
    let filter = |collapse: &Collapse| {
        let none = HashSet::new();
        visible_rows_with(
            &t,
            &tree,
            &RowFilter {
                collapse,
                min_duration_us: 0,
                fold_min_run: 0,
                unfolded: &none,
            },
        )
    };
    let all = filter(&Collapse::all());
    assert_eq!((all.len(), all[0].collapsed), (1, true));
    for depth in [1, 2, 3, 5] {
        let rule = filter(&Collapse::to_depth(depth));
        let old = visible_rows(&t, &tree, &expand_to_depth(&t, &tree, depth));
        assert_eq!(
            rule, old,
            "depth {depth}: the rule and the explicit list give the same rows"
        );
        let expected = (0..N).filter(|&s| depth_of(&parent, s) <= depth).count();
        assert_eq!(rule.len(), expected);
        // The explicit list of an old link means the same as before.
        let ids: Vec<String> = expand_to_depth(&t, &tree, depth)
            .iter()
            .map(SpanId::to_hex)
            .collect();
        assert_eq!(filter(&Collapse::from_lists(None, &ids, &[])), old);
    }
    // Collapse all, then open the root: its children show, each collapsed.
    let mut c = Collapse::all();
    let root = tree.order[0] as usize;
    c.toggle(t.spans[root].span_id, 0);
    let rows = filter(&c);
    assert_eq!(rows.len(), 1 + tree.children(root).len());
    assert!(rows[1..]
        .iter()
        .all(|r| r.depth == 1 && (r.collapsed == r.has_children)));
    let (depth, collapsed, expanded) = c.to_lists();
    assert_eq!(
        (depth, collapsed.len(), expanded),
        (Some(0), 0, vec![t.spans[root].span_id.to_hex()])
    );
    // Toggling twice restores the rule alone; a collapse above the rule is an explicit id.
    c.toggle(t.spans[root].span_id, 0);
    assert_eq!(c, Collapse::all());
    let mut c = Collapse::to_depth(3);
    let child = tree.children(root)[0];
    c.toggle(t.spans[child].span_id, 1);
    let rows = filter(&c);
    let expected = (0..N)
        .filter(|&s| depth_of(&parent, s) <= 3 && !under(&parent, s, child))
        .count();
    assert_eq!(rows.len(), expected);
}

#[test]
fn hiding_and_folding_cover_every_span_exactly_once() {
    let (t, tree) = big();
    let parent = parents(&t);
    let none = HashSet::new();
    let min = hide_shorter_than(&t, 0.01);
    let rows = visible_rows_with(
        &t,
        &tree,
        &RowFilter {
            collapse: &Collapse::default(),
            min_duration_us: min,
            fold_min_run: 0,
            unfolded: &none,
        },
    );
    let short = |s: usize| parent[s].is_some() && t.spans[s].duration_us < min;
    let expected: HashSet<usize> = (0..N)
        .filter(|&s| {
            let mut x = s;
            loop {
                if short(x) {
                    return false;
                }
                match parent[x] {
                    Some(p) => x = p,
                    None => return true,
                }
            }
        })
        .collect();
    assert_eq!(span_set(&rows), expected);
    let folded = visible_rows_with(
        &t,
        &tree,
        &RowFilter {
            collapse: &Collapse::default(),
            min_duration_us: 0,
            fold_min_run: 5,
            unfolded: &none,
        },
    );
    let folds = folded.iter().filter(|r| r.fold.is_some()).count();
    assert!(folds > 100, "the synthetic runs fold: {folds}");
    let covered: usize = folded
        .iter()
        .map(|r| match r.fold {
            Some(f) => {
                tree.subtree_end[tree.position[f.last_span] as usize] as usize
                    - tree.position[r.span] as usize
            }
            None => 1,
        })
        .sum();
    assert_eq!(covered, N, "each span is a row, or inside exactly one fold");
    for r in folded.iter().filter_map(|r| r.fold.map(|f| (r.span, f))) {
        let (first, f) = r;
        assert!(f.count >= 5 && t.spans[f.last_span].name == t.spans[first].name);
    }
}

#[test]
fn the_critical_path_tiles_the_root_span_in_time() {
    let (t, tree) = big();
    let parent = parents(&t);
    let path = critical_path(&t, &tree);
    assert!(path.len() > 3);
    assert_eq!(path.first().map(|c| c.start_us), Some(SYNTHETIC_START_US));
    assert_eq!(
        path.last().map(|c| c.end_us),
        Some(SYNTHETIC_START_US + SYNTHETIC_DURATION_US)
    );
    for w in path.windows(2) {
        assert_eq!(w[0].end_us, w[1].start_us, "sections are contiguous");
    }
    for c in &path {
        let s = &t.spans[c.span];
        assert!(
            c.start_us < c.end_us && c.start_us >= s.start_us && c.end_us <= s.end_us(),
            "{c:?} inside its span"
        );
    }
    // Each hand-off goes to a child or back to a parent.
    for w in path.windows(2) {
        let (a, b) = (w[0].span, w[1].span);
        assert!(
            a == b || under(&parent, a, b) || under(&parent, b, a),
            "{a} → {b}"
        );
    }
    let on = on_critical_path(&path, N);
    assert!(on[tree.order[0] as usize]);
    assert!(on.iter().filter(|x| **x).count() < N / 100);
}

#[test]
fn the_virtual_window_is_the_linear_answer_at_every_scroll_position() {
    let (t, tree) = big();
    let rows = visible_rows(&t, &tree, &HashSet::new());
    let row_h = 24.0;
    let tops = row_tops(&vec![row_h; rows.len()]);
    assert_eq!(tops.last().copied(), Some(row_h * N as f64));
    let viewport = 600.0;
    let overscan = 8;
    let mut scroll = -50.0;
    while scroll < row_h * N as f64 + 100.0 {
        let linear_first = tops[..rows.len()]
            .iter()
            .rposition(|top| *top <= scroll)
            .unwrap_or(0);
        assert_eq!(
            first_visible_row(&tops, scroll).min(rows.len() - 1),
            linear_first,
            "scroll {scroll}"
        );
        let r = visible_range(&tops, rows.len(), scroll, viewport, overscan);
        assert!(
            r.len() <= (viewport / row_h) as usize + 1 + 2 * overscan,
            "bounded window {r:?}"
        );
        assert!(r.start <= linear_first && r.end > linear_first.min(rows.len() - 1));
        scroll += 7_919.5;
    }
    assert_eq!(
        visible_range(&tops, rows.len(), 1e12, viewport, overscan).end,
        rows.len()
    );
}

#[test]
fn a_hundred_thousand_span_otlp_file_round_trips() {
    let t = synthetic_trace(N, 11);
    let text = to_otlp_json(&t);
    let parsed = parse_detailed(text.as_bytes()).expect("the generated file parses");
    assert_eq!(parsed.format, TraceFormat::Otlp);
    assert_eq!(parsed.traces.len(), 1);
    let back = &parsed.traces[0];
    assert_eq!(back.trace_id, t.trace_id);
    assert_eq!(back.spans.len(), N);
    assert_eq!(
        (back.error_count(), back.services()),
        (t.error_count(), t.services())
    );
    assert_eq!(
        (back.start_us(), back.duration_us()),
        (t.start_us(), t.duration_us())
    );
    let by_id: std::collections::HashMap<SpanId, &Span> =
        back.spans.iter().map(|s| (s.span_id, s)).collect();
    for s in &t.spans {
        let b = by_id[&s.span_id];
        assert_eq!(
            (b.parent, b.start_us, b.duration_us, &b.name, &b.service),
            (s.parent, s.start_us, s.duration_us, &s.name, &s.service)
        );
    }
    // The same tree: each span keeps its depth and subtree size (siblings that start at the
    // same µs may swap, since the file lists spans grouped by service).
    let shape = |tr: &Trace| {
        let tree = SpanTree::build(&tr.spans);
        let mut v: Vec<(SpanId, u32, u32)> = (0..N)
            .map(|s| {
                let p = tree.position[s] as usize;
                (
                    tr.spans[s].span_id,
                    tree.depth[p],
                    tree.subtree_end[p] - p as u32,
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (shape(&t), shape(back));
    assert!(
        a == b,
        "{} spans differ in depth or subtree size",
        a.iter().zip(&b).filter(|(x, y)| x != y).count()
    );
}

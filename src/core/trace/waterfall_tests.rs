//! Tests of the waterfall's pure pieces on hand-built traces: tree (orphans, cycles, order),
//! visible rows (collapse, expand to depth, hide, fold), critical path, find and colours,
//! plus a 100,000-span trace for correctness at scale (timing is measured outside `core`).
//!
//! These tests must never read the clock; they check results only.

#![allow(clippy::type_complexity)] // Case tables read best as inline tuples.

use crate::core::trace::*;
use std::collections::HashSet;

fn sid(n: u32) -> SpanId {
    SpanId::parse(&format!("{n:x}")).unwrap()
}

/// A trace from `(id, parent, start, duration, name)` rows; service = "svc-" + first letter.
fn trace(rows: &[(u32, Option<u32>, i64, i64, &str)]) -> Trace {
    let trace_id = TraceId::parse("abc").unwrap();
    let mut t = Trace::new(trace_id);
    for &(id, parent, start, duration, name) in rows {
        let mut s = Span::new(trace_id, sid(id), start, duration);
        s.parent = parent.map(sid);
        s.name = name.into();
        s.service = format!("svc-{}", &name[..1]).into();
        t.spans.push(s);
    }
    t
}

/// The rows as `(name, depth)` for compact expectations; folds as `name×count`.
fn shape(t: &Trace, rows: &[Row]) -> Vec<(String, u32)> {
    rows.iter()
        .map(|r| match r.fold {
            Some(f) => (format!("{}×{}", t.spans[r.span].name, f.count), r.depth),
            None => (t.spans[r.span].name.to_string(), r.depth),
        })
        .collect()
}

fn names(t: &Trace, rows: &[(&str, u32)]) -> Vec<(String, u32)> {
    let _ = t;
    rows.iter().map(|(n, d)| (n.to_string(), *d)).collect()
}

/// root(0..100) → a(10..40) → a1(12..20), a2(25..38); root → b(50..95) → b1(60..90)
fn sample() -> Trace {
    trace(&[
        (1, None, 0, 100, "root"),
        (5, Some(1), 50, 45, "b"),
        (2, Some(1), 10, 30, "a"),
        (4, Some(2), 25, 13, "a2"),
        (3, Some(2), 12, 8, "a1"),
        (6, Some(5), 60, 30, "b1"),
    ])
}

#[test]
fn tree_orders_siblings_by_start_and_knows_extents() {
    let t = sample();
    let tree = SpanTree::build(&t.spans);
    let order: Vec<&str> = tree.order.iter().map(|&s| t.spans[s as usize].name.as_str()).collect();
    assert_eq!(order, ["root", "a", "a1", "a2", "b", "b1"]);
    assert_eq!(tree.depth, [0, 1, 2, 2, 1, 2]);
    assert_eq!(tree.subtree_end, [6, 4, 3, 4, 6, 6]);
    assert_eq!((tree.roots(), tree.children(0), tree.max_depth()), (vec![0], vec![2, 1], 2));
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
}

#[test]
fn orphans_go_to_the_top_level_with_a_warning() {
    let t = trace(&[(1, None, 0, 100, "root"), (2, Some(9), 5, 10, "lost"), (3, Some(2), 6, 2, "child")]);
    let tree = SpanTree::build(&t.spans);
    assert_eq!(tree.orphans, [1]);
    assert_eq!((tree.roots(), tree.depth.clone()), (vec![0, 1], vec![0, 0, 1]));
    assert!(tree.warnings[0].contains("not in the trace"), "{:?}", tree.warnings);
}

#[test]
fn cycles_are_cut_once_and_every_span_still_shows() {
    let cases: &[(&str, Vec<(u32, Option<u32>, i64, i64, &str)>, usize)] = &[
        ("two-cycle", vec![(1, Some(2), 0, 10, "x"), (2, Some(1), 1, 5, "y")], 1),
        ("three-cycle with a tail", vec![(1, Some(3), 0, 9, "x"), (2, Some(1), 1, 5, "y"), (3, Some(2), 2, 3, "z"), (4, Some(3), 3, 1, "t")], 1),
        ("self parent", vec![(1, Some(1), 0, 10, "x")], 0),
        ("two separate cycles", vec![(1, Some(2), 0, 1, "a"), (2, Some(1), 0, 1, "b"), (3, Some(4), 0, 1, "c"), (4, Some(3), 0, 1, "d")], 2),
    ];
    for (name, rows, cuts) in cases {
        let t = trace(rows);
        let tree = SpanTree::build(&t.spans);
        let mut seen = tree.order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..rows.len() as u32).collect::<Vec<_>>(), "{name}");
        assert_eq!(tree.roots().len(), (*cuts).max(1), "{name}");
        assert_eq!(tree.warnings.iter().any(|w| w.contains("cycle")), *cuts > 0, "{name}: {:?}", tree.warnings);
    }
}

#[test]
fn collapse_and_expand_to_depth() {
    let t = sample();
    let tree = SpanTree::build(&t.spans);
    let set = |ids: &[u32]| ids.iter().map(|&i| sid(i)).collect::<HashSet<_>>();
    let cases: Vec<(&str, HashSet<SpanId>, Vec<(&str, u32)>)> = vec![
        ("nothing collapsed", set(&[]), vec![("root", 0), ("a", 1), ("a1", 2), ("a2", 2), ("b", 1), ("b1", 2)]),
        ("a collapsed", set(&[2]), vec![("root", 0), ("a", 1), ("b", 1), ("b1", 2)]),
        ("root collapsed", set(&[1]), vec![("root", 0)]),
        ("a leaf in the set changes nothing", set(&[3]), vec![("root", 0), ("a", 1), ("a1", 2), ("a2", 2), ("b", 1), ("b1", 2)]),
        ("collapse all", collapse_all(&t, &tree), vec![("root", 0)]),
        ("expand to depth 1", expand_to_depth(&t, &tree, 1), vec![("root", 0), ("a", 1), ("b", 1)]),
        ("expand to depth 5", expand_to_depth(&t, &tree, 5), vec![("root", 0), ("a", 1), ("a1", 2), ("a2", 2), ("b", 1), ("b1", 2)]),
    ];
    for (name, collapsed, expected) in cases {
        let rows = visible_rows(&t, &tree, &collapsed);
        assert_eq!(shape(&t, &rows), names(&t, &expected), "{name}");
    }
    let rows = visible_rows(&t, &tree, &set(&[2]));
    assert_eq!((rows[1].has_children, rows[1].collapsed, rows[3].has_children), (true, true, false));
}

#[test]
fn hides_spans_shorter_than_a_fraction_of_the_trace() {
    let t = sample();
    let tree = SpanTree::build(&t.spans);
    let none = HashSet::new();
    let cases: &[(f64, i64, Vec<(&str, u32)>)] = &[
        (0.0, 0, vec![("root", 0), ("a", 1), ("a1", 2), ("a2", 2), ("b", 1), ("b1", 2)]),
        (0.10, 10, vec![("root", 0), ("a", 1), ("a2", 2), ("b", 1), ("b1", 2)]),
        (0.31, 31, vec![("root", 0), ("b", 1)]),
        (2.0, 100, vec![("root", 0)]),
    ];
    for (fraction, threshold, expected) in cases {
        let min = hide_shorter_than(&t, *fraction);
        assert_eq!(min, *threshold, "fraction {fraction}");
        let filter = RowFilter { collapse: &Collapse::default(), min_duration_us: min, fold_min_run: 0, unfolded: &none };
        assert_eq!(shape(&t, &visible_rows_with(&t, &tree, &filter)), names(&t, expected), "fraction {fraction}");
    }
}

#[test]
fn folds_runs_of_repeated_siblings_and_unfolds_on_request() {
    // root → 5 × "query" (one with a child), then "render", then 2 × "query".
    let mut rows = vec![(1, None, 0, 1000, "root")];
    for i in 0..5 {
        rows.push((10 + i, Some(1), 10 + i as i64 * 10, 5, "query"));
    }
    rows.push((30, Some(12), 31, 2, "inner"));
    rows.push((20, Some(1), 100, 50, "render"));
    rows.push((21, Some(1), 200, 5, "query"));
    rows.push((22, Some(1), 300, 5, "query"));
    let t = trace(&rows);
    let tree = SpanTree::build(&t.spans);
    let none = HashSet::new();
    let unfolded: HashSet<SpanId> = [sid(10)].into_iter().collect();
    let cases: Vec<(&str, usize, &HashSet<SpanId>, Vec<(&str, u32)>)> = vec![
        ("runs of 3 fold", 3, &none, vec![("root", 0), ("query×5", 1), ("render", 1), ("query", 1), ("query", 1)]),
        ("runs of 2 fold", 2, &none, vec![("root", 0), ("query×5", 1), ("render", 1), ("query×2", 1)]),
        ("runs of 6 do not", 6, &none, vec![("root", 0), ("query", 1), ("query", 1), ("query", 1), ("inner", 2), ("query", 1), ("query", 1), ("render", 1), ("query", 1), ("query", 1)]),
        ("an unfolded run shows every span", 3, &unfolded, vec![("root", 0), ("query", 1), ("query", 1), ("query", 1), ("inner", 2), ("query", 1), ("query", 1), ("render", 1), ("query", 1), ("query", 1)]),
    ];
    for (name, min_run, unfolded, expected) in cases {
        let filter = RowFilter { collapse: &Collapse::default(), min_duration_us: 0, fold_min_run: min_run, unfolded };
        assert_eq!(shape(&t, &visible_rows_with(&t, &tree, &filter)), names(&t, &expected), "{name}");
    }
    let filter = RowFilter { collapse: &Collapse::default(), min_duration_us: 0, fold_min_run: 3, unfolded: &none };
    let fold = visible_rows_with(&t, &tree, &filter)[1].fold.unwrap();
    assert_eq!((fold.count, t.spans[fold.last_span].span_id, fold.end_us), (5, sid(14), 55));
}

#[test]
fn critical_path_follows_the_last_finishing_children_and_the_gaps_before_them() {
    // root 0..100: a 10..40 (a1 12..20, a2 25..38), b 50..95 (b1 60..90).
    let t = sample();
    let tree = SpanTree::build(&t.spans);
    let path: Vec<(&str, i64, i64)> =
        critical_path(&t, &tree).iter().map(|c| (t.spans[c.span].name.as_str(), c.start_us, c.end_us)).collect();
    assert_eq!(
        path,
        [
            ("root", 0, 10),
            ("a", 10, 12),
            ("a1", 12, 20),
            ("a", 20, 25),
            ("a2", 25, 38),
            ("a", 38, 40),
            ("root", 40, 50),
            ("b", 50, 60),
            ("b1", 60, 90),
            ("b", 90, 95),
            ("root", 95, 100)
        ]
    );
}

#[test]
fn critical_path_clips_overflowing_children_and_skips_follows_from() {
    // c overflows its parent's end and is clipped; d follows from root (async) and is
    // ignored although it ends last; f overlaps c's start, so it did not hold c up; e did.
    let mut t = trace(&[
        (1, None, 0, 100, "root"),
        (2, Some(1), 60, 80, "c"),
        (3, Some(1), 20, 200, "d"),
        (4, Some(1), 10, 40, "e"),
        (5, Some(1), 30, 35, "f"),
    ]);
    t.spans[2].follows_from = true;
    let tree = SpanTree::build(&t.spans);
    let path = critical_path(&t, &tree);
    let named: Vec<(&str, i64, i64)> = path.iter().map(|c| (t.spans[c.span].name.as_str(), c.start_us, c.end_us)).collect();
    assert_eq!(named, [("root", 0, 10), ("e", 10, 50), ("root", 50, 60), ("c", 60, 100)]);
    assert_eq!(on_critical_path(&path, t.spans.len()), [true, true, false, true, false]);
    assert!(critical_path(&Trace::new(TraceId::parse("1").unwrap()), &SpanTree::default()).is_empty());
}

#[test]
fn finds_spans_by_name_service_and_attributes() {
    let mut t = sample();
    t.spans[3].attributes.push(("http.status_code".into(), AttrValue::Int(503)));
    t.spans[4].attributes.push(("db.statement".into(), AttrValue::Str("SELECT * FROM Orders".into())));
    let cases: &[(&str, &[usize])] = &[
        ("", &[]),
        ("A2", &[3]),
        ("svc-b", &[1, 5]),
        ("orders", &[4]),
        ("status_code=503", &[3]),
        ("status_code=200", &[]),
        ("503", &[3]),
        ("0000000000000005", &[1]),
    ];
    for (query, expected) in cases {
        assert_eq!(find_spans(&t, query), *expected, "query {query:?}");
    }
}

#[test]
fn service_colours_are_stable_and_in_range() {
    assert_eq!(service_colour("checkout", 12), service_colour("checkout", 12));
    assert!((0..200).all(|i| service_colour(&format!("svc-{i}"), 12) < 12));
    let distinct: HashSet<usize> = ["a", "b", "c", "d", "e", "f"].iter().map(|s| service_colour(s, 12)).collect();
    assert!(distinct.len() >= 4, "{distinct:?}");
    assert_eq!(service_colour("x", 0), 0);
}

/// A synthetic trace: a root with `fan` children per node, `n` spans, services by depth, and
/// every tenth leaf-level sibling named alike so folding has work to do.
pub(super) fn big_trace(n: u32, fan: u32) -> Trace {
    let trace_id = TraceId::parse("feed").unwrap();
    let mut t = Trace::new(trace_id);
    for i in 0..n {
        let mut s = Span::new(trace_id, sid(i + 1), i64::from(i), i64::from(n - i));
        s.parent = if i == 0 { None } else { Some(sid((i - 1) / fan + 1)) };
        s.name = format!("op-{}", i % 7).into();
        s.service = format!("svc-{}", i % 13).into();
        t.spans.push(s);
    }
    t
}

#[test]
fn a_hundred_thousand_spans_build_and_scan_correctly() {
    let t = big_trace(100_000, 4);
    let tree = SpanTree::build(&t.spans);
    assert_eq!((tree.len(), tree.roots(), tree.orphans.len()), (100_000, vec![0], 0));
    let rows = visible_rows(&t, &tree, &HashSet::new());
    assert_eq!(rows.len(), 100_000);
    assert!(rows.windows(2).all(|w| w[1].depth <= w[0].depth + 1));
    let collapsed = expand_to_depth(&t, &tree, 2);
    assert_eq!(visible_rows(&t, &tree, &collapsed).len(), 1 + 4 + 16);
    let path = critical_path(&t, &tree);
    assert!(!path.is_empty() && path.windows(2).all(|w| w[0].end_us <= w[1].start_us));
    // A chain 100,000 deep must not overflow the stack anywhere.
    let chain = big_trace(100_000, 1);
    let tree = SpanTree::build(&chain.spans);
    assert_eq!(tree.max_depth(), 99_999);
    assert_eq!(critical_path(&chain, &tree).len(), 100_000);
}

#[test]
fn a_kept_row_index_gives_the_same_rows_and_folds_only_same_service_and_name() {
    // "query" by svc-q five times, then "query" by another service: they do not fold together.
    let mut rows = vec![(1, None, 0, 1000, "root")];
    for i in 0..5 {
        rows.push((10 + i, Some(1), 10 + i as i64 * 10, 5, "query"));
    }
    rows.push((20, Some(1), 100, 50, "render"));
    let mut t = trace(&rows);
    for i in 0..3 {
        let mut s = Span::new(t.trace_id, sid(40 + i), 200 + i as i64, 5);
        (s.parent, s.name, s.service) = (Some(sid(1)), "query".into(), "other".into());
        t.spans.push(s);
    }
    let tree = SpanTree::build(&t.spans);
    let index = RowIndex::build(&t, &tree);
    let none = HashSet::new();
    let unfolded: HashSet<SpanId> = [sid(10)].into_iter().collect();
    for (collapse, min_duration_us, fold_min_run, unfolded) in [
        (Collapse::default(), 0, 3, &none),
        (Collapse::default(), 0, 3, &unfolded),
        (Collapse::default(), 6, 3, &none),
        (Collapse::all(), 0, 3, &none),
        (Collapse::to_depth(1), 0, 0, &none),
    ] {
        let filter = RowFilter { collapse: &collapse, min_duration_us, fold_min_run, unfolded };
        assert_eq!(visible_rows_indexed(&t, &tree, &index, &filter), visible_rows_with(&t, &tree, &filter));
    }
    let filter = RowFilter { collapse: &Collapse::default(), min_duration_us: 0, fold_min_run: 3, unfolded: &none };
    assert_eq!(
        shape(&t, &visible_rows_indexed(&t, &tree, &index, &filter)),
        names(&t, &[("root", 0), ("query×5", 1), ("render", 1), ("query×3", 1)])
    );
    // An index of another (smaller) tree never reads past its arrays.
    let small = trace(&[(1, None, 0, 10, "root")]);
    let other = RowIndex::build(&small, &SpanTree::build(&small.spans));
    assert_eq!(visible_rows_indexed(&t, &tree, &other, &filter).len(), 1);
}

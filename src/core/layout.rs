//! The layout engine: where panels sit on the 12-column grid, and how moving or resizing
//! one panel rearranges the others.
//!
//! The rules, each with a host test below:
//! - Every rectangle is kept on the grid: `1 ≤ w ≤ 12`, `x + w ≤ 12`, `1 ≤ h ≤ MAX_H`.
//! - Gravity: after every change each panel floats up until it touches the panel above it
//!   (or the top of the grid), so the layout never has holes above a panel.
//! - Collisions: the moved or resized panel takes its new place, and every panel it covers
//!   is pushed down below it (and pushes the panels it then covers, in turn).
//! - Swap: a panel moved down onto panels that were below it lets them rise into the space
//!   it left, and settles right under them; so one arrow-key press passes one neighbour.
//! - Keyboard: arrows move by one cell, Shift+arrows resize by one cell.
//!
//! The layout lives in the spec apart from the panel definitions (`Dashboard::layout`);
//! `arrange` gives every panel its place, and `apply` returns the layout after one change.
//! Pure: no IO.

use crate::core::spec::{resolve_layout, Dashboard, LayoutItem, GRID_COLUMNS};

/// Tallest panel, in grid rows.
pub const MAX_H: u16 = 24;

/// One change to one panel's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutOp {
    /// Move by whole cells (negative is left/up).
    MoveBy { dx: i32, dy: i32 },
    /// Grow or shrink by whole cells (negative shrinks).
    ResizeBy { dw: i32, dh: i32 },
    /// Move the top-left corner to this cell.
    MoveTo { x: i32, y: i32 },
    /// Give the panel this size in cells.
    ResizeTo { w: i32, h: i32 },
}

/// A key on a focused panel's move handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrowKey {
    Left,
    Right,
    Up,
    Down,
}

impl ArrowKey {
    /// The arrow named by a keyboard event's `key` value (`ArrowLeft` …), if it is one.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "ArrowLeft" => Some(Self::Left),
            "ArrowRight" => Some(Self::Right),
            "ArrowUp" => Some(Self::Up),
            "ArrowDown" => Some(Self::Down),
            _ => None,
        }
    }
}

/// The change an arrow key makes: a one-cell move, or with Shift a one-cell resize.
pub fn key_op(key: ArrowKey, shift: bool) -> LayoutOp {
    let (dx, dy) = match key {
        ArrowKey::Left => (-1, 0),
        ArrowKey::Right => (1, 0),
        ArrowKey::Up => (0, -1),
        ArrowKey::Down => (0, 1),
    };
    if shift {
        LayoutOp::ResizeBy { dw: dx, dh: dy }
    } else {
        LayoutOp::MoveBy { dx, dy }
    }
}

/// Every panel's place: the spec's layout, unplaced panels put below, all settled by
/// gravity. This is what the grid shows and what every change starts from.
pub fn arrange(dashboard: &Dashboard) -> Vec<LayoutItem> {
    let mut items: Vec<LayoutItem> = resolve_layout(dashboard).into_iter().map(clamped).collect();
    compact(&mut items);
    items
}

/// The layout after applying `op` to panel `id`; unchanged when `id` is not in it.
pub fn apply(layout: &[LayoutItem], id: &str, op: LayoutOp) -> Vec<LayoutItem> {
    let mut items: Vec<LayoutItem> = layout.iter().cloned().map(clamped).collect();
    let Some(index) = items.iter().position(|l| l.panel == id) else {
        return items;
    };
    let old = items[index].clone();
    let (x, y, w, h) = (old.x as i32, old.y as i32, old.w as i32, old.h as i32);
    let target = match op {
        LayoutOp::MoveBy { dx, dy } => rect(&old, x + dx, y + dy, w, h, true),
        LayoutOp::MoveTo { x, y } => rect(&old, x, y, w, h, true),
        LayoutOp::ResizeBy { dw, dh } => rect(&old, x, y, w + dw, h + dh, false),
        LayoutOp::ResizeTo { w, h } => rect(&old, x, y, w, h, false),
    };
    place(&mut items, index, target);
    compact(&mut items);
    items
}

/// A layout with `id` placed by `op`, as the dashboard's new explicit layout.
pub fn apply_to(dashboard: &mut Dashboard, id: &str, op: LayoutOp) {
    dashboard.layout = apply(&arrange(dashboard), id, op);
}

/// Gives panel `copy` the size of panel `original` and puts it right below it, pushing the
/// panels there down (used by Duplicate).
pub fn place_below(dashboard: &mut Dashboard, original: &str, copy: &str) {
    let mut items = arrange(dashboard);
    let Some(o) = items.iter().find(|l| l.panel == original).cloned() else {
        return;
    };
    let Some(c) = items.iter_mut().find(|l| l.panel == copy) else {
        return;
    };
    c.w = o.w;
    c.h = o.h;
    dashboard.layout = apply(
        &items,
        copy,
        LayoutOp::MoveTo {
            x: o.x as i32,
            y: (o.y + o.h) as i32,
        },
    );
}

/// The rectangle for a move (keeping the size) or a resize (keeping the corner), on the grid.
fn rect(old: &LayoutItem, x: i32, y: i32, w: i32, h: i32, moving: bool) -> LayoutItem {
    let cols = GRID_COLUMNS as i32;
    let w = w.clamp(1, cols);
    let h = h.clamp(1, MAX_H as i32);
    let (x, w) = if moving {
        (x.clamp(0, cols - w), w)
    } else {
        (x, w.min(cols - x))
    };
    LayoutItem {
        panel: old.panel.clone(),
        x: x as u16,
        y: y.max(0) as u16,
        w: w as u16,
        h: h as u16,
    }
}

/// Keeps an item on the grid.
fn clamped(mut item: LayoutItem) -> LayoutItem {
    item.w = item.w.clamp(1, GRID_COLUMNS);
    item.x = item.x.min(GRID_COLUMNS - item.w);
    item.h = item.h.clamp(1, MAX_H);
    item
}

fn overlaps(a: &LayoutItem, b: &LayoutItem) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// Puts item `index` at `target` and pushes whatever it covers out of the way.
fn place(items: &mut [LayoutItem], index: usize, mut target: LayoutItem) {
    let old_y = items[index].y;
    // Moving down onto panels that were below: they rise into the space left behind.
    let mut lifted = Vec::new();
    if target.y > old_y {
        for (i, other) in items.iter_mut().enumerate() {
            if i != index && other.y > old_y && overlaps(&target, other) {
                other.y = old_y;
                lifted.push(i);
            }
        }
        if let Some(bottom) = lifted.iter().map(|&i| items[i].y + items[i].h).max() {
            target.y = target.y.max(bottom);
        }
    }
    items[index] = target;
    // Settle in priority order: the changed panel, the lifted ones, then the rest from the
    // top; each goes down only as far as it must to clear those settled before it.
    let mut order: Vec<usize> = vec![index];
    order.extend(lifted.iter().copied());
    let mut rest: Vec<usize> = (0..items.len()).filter(|i| !order.contains(i)).collect();
    crate::core::sort::sort_by_key(&mut rest, |&i| (items[i].y, items[i].x));
    order.extend(rest);
    let mut settled: Vec<LayoutItem> = Vec::with_capacity(items.len());
    for &i in &order {
        let mut item = items[i].clone();
        while let Some(bottom) = settled
            .iter()
            .filter(|s| overlaps(s, &item))
            .map(|s| s.y + s.h)
            .max()
        {
            item.y = bottom;
        }
        items[i] = item.clone();
        settled.push(item);
    }
}

/// Gravity: from the top, each item floats up until it would touch one above it.
pub fn compact(items: &mut [LayoutItem]) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    crate::core::sort::sort_by_key(&mut order, |&i| (items[i].y, items[i].x));
    let mut settled: Vec<LayoutItem> = Vec::with_capacity(items.len());
    for i in order {
        let mut item = items[i].clone();
        while item.y > 0 {
            let up = LayoutItem {
                y: item.y - 1,
                ..item.clone()
            };
            if settled.iter().any(|s| overlaps(s, &up)) {
                break;
            }
            item = up;
        }
        items[i] = item.clone();
        settled.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    fn it(panel: &str, x: u16, y: u16, w: u16, h: u16) -> LayoutItem {
        LayoutItem {
            panel: panel.into(),
            x,
            y,
            w,
            h,
        }
    }

    fn at<'a>(layout: &'a [LayoutItem], id: &str) -> &'a LayoutItem {
        layout.iter().find(|l| l.panel == id).unwrap()
    }

    fn no_overlaps(layout: &[LayoutItem]) {
        for (i, a) in layout.iter().enumerate() {
            assert!(
                a.x + a.w <= GRID_COLUMNS && a.w >= 1 && a.h >= 1 && a.h <= MAX_H,
                "{a:?} is off the grid"
            );
            for b in &layout[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn arrow_keys_move_and_shift_arrows_resize() {
        assert_eq!(ArrowKey::from_key("ArrowLeft"), Some(ArrowKey::Left));
        assert_eq!(ArrowKey::from_key("a"), None);
        assert_eq!(
            key_op(ArrowKey::Right, false),
            LayoutOp::MoveBy { dx: 1, dy: 0 }
        );
        assert_eq!(
            key_op(ArrowKey::Up, false),
            LayoutOp::MoveBy { dx: 0, dy: -1 }
        );
        assert_eq!(
            key_op(ArrowKey::Down, true),
            LayoutOp::ResizeBy { dw: 0, dh: 1 }
        );
        assert_eq!(
            key_op(ArrowKey::Left, true),
            LayoutOp::ResizeBy { dw: -1, dh: 0 }
        );
    }

    #[test]
    fn a_move_right_stays_on_the_grid() {
        let l = vec![it("a", 0, 0, 4, 2)];
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 3, dy: 0 });
        assert_eq!(at(&l, "a"), &it("a", 3, 0, 4, 2));
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 20, dy: 0 });
        assert_eq!(at(&l, "a").x, 8, "x + w never passes 12 columns");
        let l = apply(&l, "a", LayoutOp::MoveTo { x: -5, y: 0 });
        assert_eq!(at(&l, "a").x, 0);
    }

    #[test]
    fn resizing_is_clamped_to_the_grid_and_at_least_one_cell() {
        let l = vec![it("a", 8, 0, 2, 2)];
        let l2 = apply(&l, "a", LayoutOp::ResizeBy { dw: 10, dh: 0 });
        assert_eq!(
            at(&l2, "a"),
            &it("a", 8, 0, 4, 2),
            "the right edge stops at the grid's edge"
        );
        let l3 = apply(&l, "a", LayoutOp::ResizeTo { w: 0, h: -3 });
        assert_eq!(at(&l3, "a"), &it("a", 8, 0, 1, 1));
        let l4 = apply(&l, "a", LayoutOp::ResizeTo { w: 2, h: 100 });
        assert_eq!(at(&l4, "a").h, MAX_H);
    }

    #[test]
    fn gravity_closes_holes_above_panels() {
        let mut l = vec![
            it("a", 0, 3, 6, 2),
            it("b", 0, 9, 6, 2),
            it("c", 6, 4, 6, 2),
        ];
        compact(&mut l);
        assert_eq!(
            l,
            vec![
                it("a", 0, 0, 6, 2),
                it("b", 0, 2, 6, 2),
                it("c", 6, 0, 6, 2)
            ]
        );
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 0, dy: -3 });
        assert_eq!(at(&l, "a").y, 0, "moving up from the top is a no-op");
    }

    #[test]
    fn a_moved_panel_pushes_the_panels_it_covers_down() {
        let l = vec![
            it("a", 0, 0, 6, 2),
            it("b", 6, 0, 6, 2),
            it("c", 0, 2, 12, 4),
        ];
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 1, dy: 0 });
        assert_eq!(at(&l, "a"), &it("a", 1, 0, 6, 2));
        assert_eq!(
            at(&l, "b"),
            &it("b", 6, 2, 6, 2),
            "b was covered and went below a"
        );
        assert_eq!(at(&l, "c"), &it("c", 0, 4, 12, 4), "c was pushed on by b");
        no_overlaps(&l);
    }

    #[test]
    fn moving_down_swaps_with_the_panel_below() {
        let l = vec![it("a", 0, 0, 12, 2), it("b", 0, 2, 12, 6)];
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 0, dy: 1 });
        assert_eq!(at(&l, "b").y, 0);
        assert_eq!(at(&l, "a").y, 6);
        no_overlaps(&l);
        // At the bottom, gravity keeps it where it is.
        let again = apply(&l, "a", LayoutOp::MoveBy { dx: 0, dy: 1 });
        assert_eq!(again, l);
    }

    #[test]
    fn moving_up_swaps_with_the_panel_above() {
        let l = vec![it("a", 0, 0, 12, 4), it("c", 0, 4, 12, 2)];
        let l = apply(&l, "c", LayoutOp::MoveBy { dx: 0, dy: -1 });
        assert_eq!(at(&l, "c").y, 0);
        assert_eq!(at(&l, "a").y, 2);
        no_overlaps(&l);
    }

    #[test]
    fn growing_a_panel_pushes_its_neighbours_and_shrinking_lets_them_rise() {
        let l = vec![
            it("a", 0, 0, 6, 2),
            it("b", 0, 2, 6, 2),
            it("c", 6, 0, 6, 2),
        ];
        let grown = apply(&l, "a", LayoutOp::ResizeBy { dw: 1, dh: 1 });
        assert_eq!(at(&grown, "a"), &it("a", 0, 0, 7, 3));
        assert_eq!(
            at(&grown, "b").y,
            3,
            "b below a moved down by the extra row"
        );
        assert_eq!(
            at(&grown, "c").y,
            3,
            "c, covered by the wider a, went below it"
        );
        no_overlaps(&grown);
        let shrunk = apply(&grown, "a", LayoutOp::ResizeTo { w: 6, h: 2 });
        assert_eq!(shrunk, l, "shrinking back restores the layout");
    }

    #[test]
    fn a_lifted_panel_that_lands_on_another_pushes_it_down() {
        let l = vec![
            it("a", 0, 0, 6, 2),
            it("d", 6, 0, 6, 2),
            it("b", 3, 2, 6, 2),
        ];
        let l = apply(&l, "a", LayoutOp::MoveBy { dx: 0, dy: 1 });
        assert_eq!(at(&l, "b").y, 0, "b rose into a's space");
        assert!(at(&l, "a").y >= 2 && at(&l, "d").y >= 2);
        no_overlaps(&l);
    }

    #[test]
    fn drag_to_a_cell_far_below_settles_under_the_others() {
        let l = vec![it("a", 0, 0, 6, 2), it("b", 6, 0, 6, 2)];
        let l = apply(&l, "a", LayoutOp::MoveTo { x: 6, y: 30 });
        assert_eq!(at(&l, "a"), &it("a", 6, 2, 6, 2));
        assert_eq!(at(&l, "b"), &it("b", 6, 0, 6, 2));
    }

    #[test]
    fn an_unknown_panel_changes_nothing() {
        let l = vec![it("a", 0, 0, 6, 2)];
        assert_eq!(apply(&l, "zz", LayoutOp::MoveBy { dx: 1, dy: 0 }), l);
    }

    #[test]
    fn arrange_places_every_panel_without_overlaps_or_holes() {
        let mut d = shop_overview();
        let full = arrange(&d);
        assert_eq!(full.len(), d.panels.len());
        assert_eq!(full, d.layout, "the demo's layout is already settled");
        d.layout.truncate(2);
        let auto = arrange(&d);
        assert_eq!(auto.len(), d.panels.len());
        no_overlaps(&auto);
        let mut settled = auto.clone();
        compact(&mut settled);
        assert_eq!(settled, auto);
    }

    #[test]
    fn apply_to_writes_a_full_explicit_layout() {
        let mut d = shop_overview();
        d.layout.clear();
        let first = d.panels[0].id.clone();
        apply_to(&mut d, &first, LayoutOp::MoveBy { dx: 1, dy: 0 });
        assert_eq!(d.layout.len(), d.panels.len());
        assert_eq!(at(&d.layout, &first).x, 1);
        no_overlaps(&d.layout);
    }

    #[test]
    fn a_copy_goes_right_below_its_original_with_its_size() {
        let mut d = shop_overview();
        let mut copy = d
            .panels
            .iter()
            .find(|p| p.id == "by_service")
            .unwrap()
            .clone();
        copy.id = "copy".into();
        d.panels.push(copy);
        place_below(&mut d, "by_service", "copy");
        assert_eq!(at(&d.layout, "copy"), &it("copy", 0, 6, 6, 4));
        assert_eq!(
            at(&d.layout, "latency").y,
            10,
            "the panel that was there moved down"
        );
        assert_eq!(
            at(&d.layout, "errors_by_service").y,
            2,
            "the neighbour stays"
        );
        no_overlaps(&d.layout);
    }

    #[test]
    fn many_random_changes_never_overlap_or_leave_the_grid() {
        let mut l = vec![
            it("a", 0, 0, 3, 2),
            it("b", 3, 0, 3, 2),
            it("c", 6, 0, 6, 4),
            it("d", 0, 2, 12, 4),
            it("e", 0, 6, 4, 3),
        ];
        let ids = ["a", "b", "c", "d", "e"];
        let mut seed: u32 = 7;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as i32
        };
        for _ in 0..2_000 {
            let id = ids[(next() % 5) as usize];
            let op = match next() % 4 {
                0 => LayoutOp::MoveBy {
                    dx: next() % 5 - 2,
                    dy: next() % 5 - 2,
                },
                1 => LayoutOp::ResizeBy {
                    dw: next() % 5 - 2,
                    dh: next() % 5 - 2,
                },
                2 => LayoutOp::MoveTo {
                    x: next() % 14 - 1,
                    y: next() % 20 - 1,
                },
                _ => LayoutOp::ResizeTo {
                    w: next() % 14,
                    h: next() % 8,
                },
            };
            l = apply(&l, id, op);
            no_overlaps(&l);
            let mut settled = l.clone();
            compact(&mut settled);
            assert_eq!(settled, l, "after {op:?} on {id} the layout has a hole");
        }
    }
}

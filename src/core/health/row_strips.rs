//! Which strip each row of a poll carries, and which cells the poll must look at (issue
//! #7, B6). A row's element holds the history strip most of its cells show
//! ([`common_strip`]); a cell's strip holds its own only when it differs. When a poll
//! changes a row's common strip, every cell of that row is looked at again (some now match
//! the row, some no longer do); otherwise only the cells the poll changed are.

use super::{common_strip, strip_key, CellView};

/// What a poll does with one row's carried strip.
#[derive(Debug, Clone, PartialEq)]
pub struct RowStrip {
    pub row: usize,
    /// The strip key the row's cells may inherit after the poll (`None`: none).
    pub common: Option<u64>,
    /// When the row must take a new strip: the index of a cell showing it, whose strip the
    /// row's element is given. If that write cannot be made (the row is not in the page
    /// yet), the row carries nothing for this poll and `common` is to be read as `None`.
    pub write_from: Option<usize>,
}

/// A poll's plan: the rows' strips, and every (row, cell) to patch.
#[derive(Debug, Default, PartialEq)]
pub struct PollPlan {
    pub rows: Vec<RowStrip>,
    pub cells: Vec<(usize, usize)>,
}

/// Plans a poll that changed the cells `changed` (row, cell). `row_cells(i)` gives row
/// `i`'s cells after the poll (`None`: no such row); `carried(i)` gives the strip key row
/// `i`'s element carries now (`None`: the row is not mounted; `Some(None)`: it carries
/// none yet).
pub fn plan_poll<'a>(
    changed: &[(usize, usize)],
    row_cells: impl Fn(usize) -> Option<&'a [CellView]>,
    carried: impl Fn(usize) -> Option<Option<u64>>,
) -> PollPlan {
    let mut rows: Vec<usize> = changed.iter().map(|c| c.0).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut plan = PollPlan::default();
    let mut redone: Vec<usize> = Vec::new();
    for i in rows {
        let Some(cells) = row_cells(i) else { continue };
        let want = common_strip(cells.iter().map(|c| c.strip.as_slice()));
        match carried(i) {
            None => plan.rows.push(RowStrip {
                row: i,
                common: None,
                write_from: None,
            }),
            Some(had) if had == want => plan.rows.push(RowStrip {
                row: i,
                common: want,
                write_from: None,
            }),
            Some(_) => {
                let from = cells.iter().position(|c| Some(strip_key(&c.strip)) == want);
                plan.rows.push(RowStrip {
                    row: i,
                    common: from.and(want),
                    write_from: from,
                });
                plan.cells.extend((0..cells.len()).map(|j| (i, j)));
                redone.push(i);
            }
        }
    }
    plan.cells
        .extend(changed.iter().filter(|(i, _)| !redone.contains(i)));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::health::HealthState;

    fn cell(strip: &[HealthState]) -> CellView {
        CellView {
            service: "api".into(),
            check: "disk".into(),
            state: HealthState::Ok,
            last_state: HealthState::Ok,
            stale: false,
            raw_status: "pass".into(),
            reason: None,
            since: String::new(),
            flapping: false,
            members: Vec::new(),
            strip: strip.to_vec(),
        }
    }

    use HealthState::{Fail, Ok};

    #[test]
    fn a_row_whose_common_strip_changes_is_looked_at_whole() {
        let rows = [vec![cell(&[Ok, Fail]), cell(&[Ok, Fail]), cell(&[Ok, Ok])]];
        let before = strip_key(&[Ok, Ok]);
        let plan = plan_poll(
            &[(0, 0), (0, 1)],
            |i| rows.get(i).map(Vec::as_slice),
            |_| Some(Some(before)),
        );
        let want = strip_key(&[Ok, Fail]);
        assert_eq!(
            plan.rows,
            vec![RowStrip {
                row: 0,
                common: Some(want),
                write_from: Some(0)
            }]
        );
        assert_eq!(plan.cells, vec![(0, 0), (0, 1), (0, 2)]);
    }

    #[test]
    fn a_row_keeping_its_strip_patches_only_the_changed_cells() {
        let rows = [
            vec![cell(&[Ok, Ok]), cell(&[Ok, Fail]), cell(&[Ok, Ok])],
            vec![cell(&[Fail])],
        ];
        let carried = |i: usize| {
            Some(Some(if i == 0 {
                strip_key(&[Ok, Ok])
            } else {
                strip_key(&[Fail])
            }))
        };
        let plan = plan_poll(
            &[(1, 0), (0, 1), (0, 1)],
            |i| rows.get(i).map(Vec::as_slice),
            carried,
        );
        assert_eq!(
            plan.rows,
            vec![
                RowStrip {
                    row: 0,
                    common: Some(strip_key(&[Ok, Ok])),
                    write_from: None
                },
                RowStrip {
                    row: 1,
                    common: Some(strip_key(&[Fail])),
                    write_from: None
                },
            ]
        );
        assert_eq!(plan.cells, vec![(1, 0), (0, 1), (0, 1)]);
    }

    #[test]
    fn unmounted_and_unknown_rows_carry_nothing() {
        let rows = [vec![cell(&[Ok])]];
        let plan = plan_poll(
            &[(0, 0), (5, 0)],
            |i| rows.get(i).map(Vec::as_slice),
            |_| None,
        );
        assert_eq!(
            plan.rows,
            vec![RowStrip {
                row: 0,
                common: None,
                write_from: None
            }]
        );
        assert_eq!(plan.cells, vec![(0, 0), (5, 0)]);
    }
}

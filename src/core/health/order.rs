//! Which rows can stay where they are when the grid's order changes (issue #7, B6).
//!
//! Moving a row of 500 cells in a page costs milliseconds, so a reorder moves as few rows
//! as possible: the rows already in the right relative order (a longest increasing run of
//! their current positions) stay, every other row is moved next to its new neighbour.
//! This file only computes; it never touches a page.

/// For each wanted row, in the wanted order, whether it may stay in place. `current[k]`
/// is the position the k-th wanted row has now, or `None` when it is not placed yet (such
/// a row always moves). The rows that stay form a longest increasing run of positions, so
/// moving the others (each before its successor in the wanted order) yields the wanted
/// order with the fewest moves.
pub fn stay_put(current: &[Option<usize>]) -> Vec<bool> {
    // Patience sorting: `tails[len]` is the index (into `current`) of the smallest last
    // position of an increasing run of length `len + 1` seen so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; current.len()];
    for (k, pos) in current.iter().enumerate() {
        let Some(p) = *pos else { continue };
        let len = tails.partition_point(|&t| current[t].is_some_and(|q| q < p));
        before[k] = len.checked_sub(1).map(|l| tails[l]);
        if len == tails.len() {
            tails.push(k);
        } else {
            tails[len] = k;
        }
    }
    let mut keep = vec![false; current.len()];
    let mut at = tails.last().copied();
    while let Some(k) = at {
        keep[k] = true;
        at = before[k];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies the moves `stay_put` allows to `now` (a page order) and returns the result
    /// and how many rows moved: each moved row goes right before its wanted successor.
    fn apply(now: &[u32], want: &[u32]) -> (Vec<u32>, usize) {
        let current: Vec<Option<usize>> = want
            .iter()
            .map(|w| now.iter().position(|x| x == w))
            .collect();
        let keep = stay_put(&current);
        let mut page: Vec<u32> = now.to_vec();
        let mut moved = 0;
        for k in (0..want.len()).rev() {
            if keep[k] {
                continue;
            }
            moved += 1;
            page.retain(|x| *x != want[k]);
            let at = want
                .get(k + 1)
                .and_then(|next| page.iter().position(|x| x == next))
                .unwrap_or(page.len());
            page.insert(at, want[k]);
        }
        (page, moved)
    }

    #[test]
    fn one_row_rising_to_the_top_is_the_only_move() {
        assert_eq!(apply(&[0, 1, 2, 3], &[2, 0, 1, 3]), (vec![2, 0, 1, 3], 1));
        assert_eq!(apply(&[2, 0, 1, 3], &[2, 3, 0, 1]), (vec![2, 3, 0, 1], 1));
    }

    #[test]
    fn an_unchanged_order_moves_nothing_and_a_reversal_moves_all_but_one() {
        assert_eq!(apply(&[0, 1, 2, 3], &[0, 1, 2, 3]), (vec![0, 1, 2, 3], 0));
        assert_eq!(apply(&[0, 1, 2, 3], &[3, 2, 1, 0]), (vec![3, 2, 1, 0], 3));
    }

    #[test]
    fn rows_not_placed_yet_always_move() {
        assert_eq!(stay_put(&[None, Some(0), None]), vec![false, true, false]);
        assert_eq!(stay_put(&[]), Vec::<bool>::new());
    }

    #[test]
    fn every_permutation_of_five_rows_ends_in_the_wanted_order_with_fewest_moves() {
        // All 120 permutations against the identity page order: the result is the wanted
        // order, and the moves are n minus the longest increasing subsequence (brute force).
        let mut perm = vec![0u32, 1, 2, 3, 4];
        let mut seen = 0;
        loop {
            let (page, moved) = apply(&[0, 1, 2, 3, 4], &perm);
            assert_eq!(page, perm);
            let mut lis = 0;
            for mask in 0u32..32 {
                let picked: Vec<u32> = (0..5)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| perm[b])
                    .collect();
                if picked.windows(2).all(|w| w[0] < w[1]) {
                    lis = lis.max(picked.len());
                }
            }
            assert_eq!(moved, 5 - lis, "{perm:?}");
            seen += 1;
            // Next permutation in lexicographic order.
            let Some(i) = (0..4).rev().find(|&i| perm[i] < perm[i + 1]) else {
                break;
            };
            let j = (i + 1..5)
                .rev()
                .find(|&j| perm[j] > perm[i])
                .unwrap_or(i + 1);
            perm.swap(i, j);
            perm[i + 1..].reverse();
        }
        assert_eq!(seen, 120);
    }
}

//! One shared stable sort for the app's small sorts. Each `slice::sort_by` call with its
//! own closure is a separate copy of the standard library's sort in the WebAssembly file
//! (about 4.5 KB each). Sorting through here keeps a single copy: the positions `0..len`
//! are sorted with the caller's comparison behind a reference, then the items are moved
//! into that order in place. The result equals `slice::sort_by`'s (stable: equal items
//! keep their order). Large or hot sorts (decimation, trace trees) call the standard
//! sort directly, since the indirection costs a little time per comparison.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably; the same result as `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` by the key `key` gives, stably; the same result as `items.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The stable sorted order of the positions `0..len` under `compare`: the one copy of the
/// standard sort that every call here shares.
#[inline(never)]
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|a, b| compare(*a, *b));
    order
}

/// Moves `items` so that position `k` holds the item that was at `order[k]`, following
/// each cycle of the permutation with swaps (a finished position is marked by pointing at
/// itself).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, |a, b| a.cmp(b));
        assert!(empty.is_empty());
    }

    proptest! {
        #[test]
        fn equals_the_standard_stable_sort(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200), descending in any::<bool>()) {
            let compare = |a: &(u8, u16), b: &(u8, u16)| if descending { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) };
            let mut ours = v.clone();
            sort_by(&mut ours, compare);
            let mut standard = v;
            standard.sort_by(compare);
            prop_assert_eq!(ours, standard);
        }
    }
}

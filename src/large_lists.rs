//! Mapping a list too large to hold twice: a national study's families, turned from one stage's
//! form into the next's (read sums into figures, figures into the ledger's).
//!
//! Mapped in one go, the whole of the old list stays in memory until the whole of the new one is
//! made, and the two together were the peak of a national job (at 5 million families, about a
//! gigabyte). Mapped a piece at a time from the end, each piece taken off the old list is given
//! back to the allocator before the next is mapped, so the two lists together stay about the size
//! of the larger. The order of the items is kept, and each piece is mapped on every core.

use rayon::prelude::*;

/// Items mapped at a time: enough to keep every core busy, few enough to be a small part of a
/// national list.
const PIECE: usize = 1 << 16;

/// `list` mapped by `map` (given each item's index and the item), in order.
pub(crate) fn map_releasing<T: Send, U: Send>(
    mut list: Vec<T>,
    map: impl Fn(usize, T) -> U + Sync,
) -> Vec<U> {
    let length = list.len();
    map_from_the_end(
        length,
        |start| {
            let piece = list.drain(start..).collect();
            list.shrink_to_fit();
            piece
        },
        map,
    )
}

/// The pairs of `first` and `second` (of the same length) mapped by `map`, in order.
pub(crate) fn map_pairs_releasing<A: Send, B: Send, U: Send>(
    mut first: Vec<A>,
    mut second: Vec<B>,
    map: impl Fn(usize, (A, B)) -> U + Sync,
) -> Vec<U> {
    assert_eq!(first.len(), second.len(), "pairs of lists of one length");
    let length = first.len();
    map_from_the_end(
        length,
        |start| {
            let piece = first.drain(start..).zip(second.drain(start..)).collect();
            first.shrink_to_fit();
            second.shrink_to_fit();
            piece
        },
        map,
    )
}

/// Each pair of `first` and `second` (of the same length), in order, given to `visit`; the
/// lists' memory is given back as they are used up. Stops at the first error.
pub(crate) fn drain_pairs_releasing<A, B, E>(
    mut first: Vec<A>,
    mut second: Vec<B>,
    mut visit: impl FnMut(A, B) -> Result<(), E>,
) -> Result<(), E> {
    assert_eq!(first.len(), second.len(), "pairs of lists of one length");
    // Turned round, so that the first pair is taken off the end, where taking costs nothing.
    first.reverse();
    second.reverse();
    while let (Some(one), Some(other)) = (first.pop(), second.pop()) {
        visit(one, other)?;
        if first.len().is_multiple_of(PIECE) {
            first.shrink_to_fit();
            second.shrink_to_fit();
        }
    }
    Ok(())
}

/// Maps `length` items, taking them off their list with `take_from(start)` (the items from
/// `start` to the end, which it gives back the memory of) a piece at a time, from the end.
fn map_from_the_end<T: Send, U: Send>(
    length: usize,
    mut take_from: impl FnMut(usize) -> Vec<T>,
    map: impl Fn(usize, T) -> U + Sync,
) -> Vec<U> {
    // Reserved, not yet used: the memory is taken as the items are written.
    let mut mapped = Vec::with_capacity(length);
    let mut end = length;
    while end > 0 {
        let start = end.saturating_sub(PIECE);
        let piece: Vec<U> = take_from(start)
            .into_par_iter()
            .enumerate()
            .map(|(at, item)| map(start + at, item))
            .collect();
        // The pieces come last first: each goes in reversed, and the whole is turned round at
        // the end, in place.
        mapped.extend(piece.into_iter().rev());
        end = start;
    }
    mapped.reverse();
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the length (none, less than a piece, several pieces and a part), every item
        /// is mapped once, with its own index, and the order is kept.
        #[test]
        fn items_are_mapped_once_in_order(length in proptest::sample::select(vec![
            0, 1, 2, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 17,
        ])) {
            let list: Vec<u64> = (0..length as u64).map(|item| item * 3).collect();
            let mapped = map_releasing(list, |index, item| (index, item + 1));
            let expected: Vec<(usize, u64)> =
                (0..length).map(|index| (index, index as u64 * 3 + 1)).collect();
            proptest::prop_assert_eq!(mapped, expected);

            let ids: Vec<String> = (0..length).map(|item| item.to_string()).collect();
            let sums: Vec<usize> = (0..length).collect();
            let pairs = map_pairs_releasing(ids, sums, |index, (id, sum)| {
                assert_eq!(id, sum.to_string());
                index + sum
            });
            let expected: Vec<usize> = (0..length).map(|index| 2 * index).collect();
            proptest::prop_assert_eq!(pairs, expected);

            let (ids, sums): (Vec<String>, Vec<usize>) =
                (0..length).map(|item| (item.to_string(), item)).unzip();
            let mut visited = Vec::new();
            drain_pairs_releasing(ids, sums, |id, sum| {
                visited.push((id, sum));
                Ok::<(), ()>(())
            })
            .unwrap();
            let expected: Vec<(String, usize)> =
                (0..length).map(|item| (item.to_string(), item)).collect();
            proptest::prop_assert_eq!(visited, expected);
        }
    }
}

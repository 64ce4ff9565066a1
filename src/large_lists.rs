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
        PIECE,
        |start| {
            let piece = list.drain(start..).collect();
            list.shrink_to_fit();
            piece
        },
        |index, item| (map(index, item), ()),
    )
}

/// Items mapped at a time when the map leaves something to let go: the leftovers of one piece
/// are held until it is mapped, and a national family's are a few hundred bytes.
pub(crate) const PIECE_WITH_LEFTOVERS: usize = 1 << 13;

/// The pairs of `first` and `second` (of the same length) mapped by `map`, in order, `piece`
/// pairs at a time; the map also gives back what it is done with of each pair (its leftovers),
/// which is let go here, on the calling thread, once each piece is mapped.
///
/// Why: memory that one thread allocated and another frees goes back, in glibc's malloc, under
/// the lock of the first thread's arena. A national study's itemised lines are allocated on the
/// reading threads; freed on the threads that map the families, two at a time, each free waited
/// for the other's, and more than a second went to those locks. Freed on one thread while the
/// others wait, no lock is contended.
pub(crate) fn map_pairs_releasing<A: Send, B: Send, U: Send, L: Send>(
    mut first: Vec<A>,
    mut second: Vec<B>,
    piece: usize,
    map: impl Fn(usize, (A, B)) -> (U, L) + Sync,
) -> Vec<U> {
    assert_eq!(first.len(), second.len(), "pairs of lists of one length");
    let length = first.len();
    map_from_the_end(
        length,
        piece,
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
/// `start` to the end, which it gives back the memory of) `piece` at a time, from the end, and
/// letting go of each piece's leftovers (see [`map_pairs_releasing`]) once it is mapped.
fn map_from_the_end<T: Send, U: Send, L: Send>(
    length: usize,
    piece: usize,
    mut take_from: impl FnMut(usize) -> Vec<T>,
    map: impl Fn(usize, T) -> (U, L) + Sync,
) -> Vec<U> {
    // Reserved, not yet used: the memory is taken as the items are written.
    let mut mapped = Vec::with_capacity(length);
    let mut end = length;
    while end > 0 {
        let start = end.saturating_sub(piece.max(1));
        let pieces: Vec<(U, L)> = take_from(start)
            .into_par_iter()
            .enumerate()
            .map(|(at, item)| map(start + at, item))
            .collect();
        // The pieces come last first: each goes in reversed, and the whole is turned round at
        // the end, in place.
        let mut leftovers = Vec::with_capacity(pieces.len());
        for (item, leftover) in pieces.into_iter().rev() {
            mapped.push(item);
            leftovers.push(leftover);
        }
        drop(leftovers);
        // Freed here, the leftovers stay in their threads' arenas, which no later allocation
        // here comes from: given back now, they do not add up piece after piece (a national
        // study's itemised families peaked 15 MB higher without; each costs a few milliseconds).
        if std::mem::needs_drop::<L>() {
            crate::memory::give_back_freed();
        }
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

            let expected: Vec<usize> = (0..length).map(|index| 2 * index).collect();

            // Pairs, in smaller pieces, with leftovers: each pair's leftover is its own, let go
            // once, on the calling thread.
            let ids: Vec<String> = (0..length).map(|item| item.to_string()).collect();
            let sums: Vec<usize> = (0..length).collect();
            let let_go = std::sync::atomic::AtomicUsize::new(0);
            struct Leftover<'a> {
                index: usize,
                let_go: &'a std::sync::atomic::AtomicUsize,
                caller: std::thread::ThreadId,
            }
            impl Drop for Leftover<'_> {
                fn drop(&mut self) {
                    assert_eq!(std::thread::current().id(), self.caller, "let go by the caller");
                    self.let_go.fetch_add(self.index + 1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let caller = std::thread::current().id();
            let mapped = map_pairs_releasing(ids, sums, 1000, |index, (id, sum)| {
                assert_eq!(id, sum.to_string());
                (index + sum, Leftover { index, let_go: &let_go, caller })
            });
            proptest::prop_assert_eq!(mapped, expected);
            proptest::prop_assert_eq!(let_go.into_inner(), length * (length + 1) / 2);

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

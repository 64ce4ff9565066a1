//! A partition's families' plain sums, each in the table slot its id hashes to: finding a row's
//! family and adding to its sums is one cache miss, not two.
//!
//! Why: in the family list of an accumulator, a row's family is found in one table and its sums
//! are in another place (the list), a miss each, and a national study's partitions are evicted
//! between their blocks, so every row paid both. Here the id and the sums of a family share a
//! 32-byte slot, aligned so that it never straddles cache lines: money per window as 64-bit
//! integers (a row too large for them goes to the partition's accumulator instead), and where
//! the family was first seen with its windows in the position's top bits.

use super::super::FamilySums;
use super::super::family_index::mix;

/// A position (see [`position`](super::super::position)) below this keeps two bits free for the
/// windows; any other row goes to the accumulator (it would take four million files).
pub(super) const POSITION_LIMIT: u64 = 1 << WINDOWS_SHIFT;
const WINDOWS_SHIFT: u32 = 62;

/// One family's plain sums. An empty slot has key 0, the packed id no row here has (the empty
/// id's; such a row goes to the accumulator).
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
pub(super) struct Plain {
    key: u64,
    /// Where the family was first seen, and in its top bits which windows it has rows in.
    seen_and_windows: u64,
    money: [i64; 2],
}

impl Plain {
    /// Adds `money` to the window's sum, seen at `position`: false, and nothing changed, if the
    /// sum would not fit.
    #[inline(always)]
    pub(super) fn add(&mut self, window: usize, money: i64, position: u64) -> bool {
        let Some(sum) = self.money[window].checked_add(money) else {
            return false;
        };
        self.money[window] = sum;
        let windows = self.seen_and_windows & !(POSITION_LIMIT - 1);
        let seen = (self.seen_and_windows & (POSITION_LIMIT - 1)).min(position);
        self.seen_and_windows = seen | windows | 1 << (WINDOWS_SHIFT + window as u32);
        true
    }
}

/// The table never holds more than this share (in eighths) of its slots.
const MOST_FULL_EIGHTHS: usize = 7;

/// Plain sums by packed id, by open addressing with linear probing.
#[derive(Default)]
pub(super) struct PlainSums {
    slots: Vec<Plain>,
    len: usize,
}

impl PlainSums {
    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        mix(key) as usize & self.slots.len().wrapping_sub(1)
    }

    /// Asks for the cache line of a key's slot to be fetched (see [`prefetch`]).
    #[inline(always)]
    pub(super) fn prefetch(&self, key: u64) {
        if let Some(slot) = self.slots.get(self.home(key)) {
            prefetch(slot);
        }
    }

    /// The sums of the family with this packed id (not 0), added with none if new.
    #[inline(always)]
    pub(super) fn sums(&mut self, key: u64) -> &mut Plain {
        if (self.len + 1) * 8 > self.slots.len() * MOST_FULL_EIGHTHS {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        loop {
            let slot = self.slots[at];
            if slot.key == key {
                return &mut self.slots[at];
            }
            if slot.key == 0 {
                self.len += 1;
                self.slots[at] = Plain {
                    key,
                    seen_and_windows: POSITION_LIMIT - 1,
                    money: [0; 2],
                };
                return &mut self.slots[at];
            }
            at = (at + 1) & mask;
        }
    }

    #[cold]
    fn grow(&mut self) {
        let slots = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![Plain::default(); slots]);
        let mask = slots - 1;
        for slot in old.into_iter().filter(|slot| slot.key != 0) {
            let mut at = self.home(slot.key);
            while self.slots[at].key != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// How many families have sums here.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The families with a row added, as an accumulator's sums.
    pub(super) fn into_families(self) -> impl Iterator<Item = FamilySums> {
        self.slots
            .into_iter()
            .filter(|slot| slot.seen_and_windows >> WINDOWS_SHIFT != 0)
            .map(|slot| FamilySums {
                fixed: slot.money.map(i128::from),
                first_seen: slot.seen_and_windows & (POSITION_LIMIT - 1),
                key: slot.key,
                windows: (slot.seen_and_windows >> WINDOWS_SHIFT) as u8,
                ..FamilySums::default()
            })
    }
}

/// Asks for the cache line holding `value` to be fetched, without waiting for it: a hint, which
/// changes no result.
#[inline(always)]
pub(super) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch reads nothing the program sees and cannot fault, whatever the
        // address (this one is of a live reference besides); SSE, which it needs, is part of
        // every x86-64 processor.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

//! The table of families with short ids (up to eight bytes, packed into an integer: nearly every
//! id), by open addressing: a slot's place is a hash of the id alone, and a lookup compares
//! integers, never text.
//!
//! Why not a general hash table: in rows of no order, nearly every lookup misses the cache, so a
//! lookup should touch as little memory as it can. Linear probing at most three-quarters full
//! keeps a found key nearly always in its first slot's cache line (four slots to a line).

use super::family_index::mix;

/// One slot: a packed id and its family's index plus one (0: an empty slot).
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    index_plus_one: u32,
}

/// The table never holds more than this share (in eighths) of its slots.
const MOST_FULL_EIGHTHS: usize = 6;

/// Family indices by packed id.
#[derive(Default)]
pub(super) struct ShortTable {
    slots: Vec<Slot>,
    len: usize,
}

impl ShortTable {
    /// Where a key's probe starts.
    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        mix(key) as usize & (self.slots.len().wrapping_sub(1))
    }

    /// The index of the family with this packed id, if it is here.
    #[inline]
    pub(super) fn find(&self, key: u64) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        loop {
            let slot = self.slots[at];
            if slot.index_plus_one == 0 {
                return None;
            }
            if slot.key == key {
                return Some(slot.index_plus_one - 1);
            }
            at = (at + 1) & mask;
        }
    }

    /// Room for `more` keys without growing.
    pub(super) fn reserve(&mut self, more: usize) {
        let wanted = self.len + more;
        if wanted * 8 > self.slots.len() * MOST_FULL_EIGHTHS {
            let slots = (wanted * 8)
                .div_ceil(MOST_FULL_EIGHTHS)
                .next_power_of_two()
                .max(16);
            self.rehash(slots);
        }
    }

    /// Adds a key that is not here.
    pub(super) fn insert(&mut self, key: u64, index: u32) {
        self.reserve(1);
        self.place(key, index + 1);
        self.len += 1;
    }

    fn place(&mut self, key: u64, index_plus_one: u32) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        while self.slots[at].index_plus_one != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = Slot {
            key,
            index_plus_one,
        };
    }

    fn rehash(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); slots]);
        for slot in old {
            if slot.index_plus_one != 0 {
                self.place(slot.key, slot.index_plus_one);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every key put in is found with its index, and no other key is found.
        #[test]
        fn finds_what_was_put_in(keys in proptest::collection::hash_set(0u64..5_000, 0..2_000)) {
            let keys: Vec<u64> = keys.into_iter().collect();
            let (inside, outside) = keys.split_at(keys.len() / 2);
            let mut table = ShortTable::default();
            for (index, &key) in inside.iter().enumerate() {
                proptest::prop_assert_eq!(table.find(key), None);
                table.insert(key, index as u32);
            }
            for (index, &key) in inside.iter().enumerate() {
                proptest::prop_assert_eq!(table.find(key), Some(index as u32));
            }
            for &key in outside {
                proptest::prop_assert_eq!(table.find(key), None);
            }
        }
    }
}

//! Finding a family by its id, for every row: the family of the row before, the one after it,
//! sorted runs found by binary search, and hash tables for the rest.
//!
//! Most extracts are sorted by family, so most lookups never touch a table (see [`Run`]); an
//! id of up to eight bytes is compared as an integer, never as text (see [`Entry`]), in a table
//! of its own whose slots can be fetched ahead (see [`ShortTable`]).

use super::FamilySums;
use super::short_table::ShortTable;
use std::hash::BuildHasher;

/// A family in an accumulator's table. An id of up to eight bytes (most are) is its own key,
/// packed into an integer (see [`pack`](crate::usage::row::pack)), so that finding it compares integers and never goes to
/// the id in memory, a cache miss on a national study. A longer id is keyed by its hash and
/// compared in full. Short ids' entries go in the [`ShortTable`], long ones' in the general table.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The packed id, or for a long id its hash.
    key: u64,
    /// The family's index, with [`LONG_ID`] set for a long id. (Two billion families would need
    /// hundreds of gigabytes before the flag could be reached.)
    tagged_index: u32,
}

const LONG_ID: u32 = 1 << 31;

impl Entry {
    fn index(self) -> u32 {
        self.tagged_index & !LONG_ID
    }

    fn is_long(self) -> bool {
        self.tagged_index & LONG_ID != 0
    }

    /// Where the entry goes in the table: a long id's hash, or a short id's packed bytes mixed.
    fn bucket(self) -> u64 {
        if self.is_long() {
            self.key
        } else {
            mix(self.key)
        }
    }
}

/// A hash of a family's id, well spread over the whole word: its packed bytes mixed, or for a
/// long id the hash its [`Entry`] is keyed by.
#[inline]
pub(super) fn spread(id: &str, packed: Option<u64>) -> u64 {
    match packed {
        Some(key) => mix(key),
        None => rustc_hash::FxBuildHasher.hash_one(id),
    }
}

/// Spreads a packed id's bits over the whole word, high bits included (the table uses both):
/// the full 128-bit product by an odd constant, its halves folded together, so that every bit
/// of the id moves the low bits the tables place entries by.
///
/// Why not a 64-bit multiply and shifts: a product's low bits depend only on the id's low bits,
/// and ids such as `F0271540` differ only in four bits of each byte. That placed sequential ids
/// in half the slots a random hash would, and the national study's families ran 15 slots on
/// average from their first (see the test `sequential_ids_fill_the_low_bits`).
#[inline]
pub(super) fn mix(key: u64) -> u64 {
    let product = u128::from(key) * 0x9E37_79B9_7F4A_7C15;
    (product as u64) ^ ((product >> 64) as u64)
}

/// A packed id as a number that sorts as the id does: its first byte most significant. (Ids hold
/// no NUL bytes, so the zero padding sorts before any byte, as a shorter id sorts before a longer
/// one that starts with it.)
#[inline]
fn sort_key(packed: u64) -> u64 {
    packed.swap_bytes()
}

/// Families added one after another in increasing order of (short) id: a stretch of the family
/// list that is found by binary search, without the table.
///
/// Why: a national study has hundreds of thousands of families, and a table that size is not in
/// the cache, so each lookup in it costs two cache misses. But extracts are usually sorted by
/// family, and then every new family is larger than all before it (it starts or extends a run,
/// with no table), and a known family not seen in the row before is usually the one after it in
/// its run (see [`FamilyIndex::lookup`]). Unsorted files make short runs, which go into the table
/// a few at a time, costing about what the table alone would.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// The families `start..end`, in increasing order of id.
    start: u32,
    end: u32,
    /// The [`sort_key`]s of the first and last.
    lowest: u64,
    highest: u64,
}

/// Runs kept before they are all put in the table: a few, so that a lookup checks them quickly.
const MOST_RUNS: usize = 8;

/// Families are not sorted when runs keep ending this short: after [`SHORT_RUNS_ALLOWED`] of them,
/// every family goes in the table, as runs would only add searches that find nothing.
const SHORT_RUN: u32 = 16;
const SHORT_RUNS_ALLOWED: u32 = 8;

/// Where a lookup found a family.
pub(super) enum Lookup {
    Found(u32),
    New,
}

impl FamilySums {
    fn entry(&self, index: u32) -> Entry {
        Entry {
            key: self.key,
            tagged_index: index | if self.long_id { LONG_ID } else { 0 },
        }
    }
}

/// Where an accumulator's families are, found by their id. The ids and the families' keys are
/// the accumulator's (each family's id is stored once); this holds only what finds them.
pub(super) struct FamilyIndex {
    /// Family indices, found by their id: short ids in `short` (see [`ShortTable`]), long ones in
    /// `table` (see [`Entry`]). Every family is in one of them or in one of `runs`; long ids are
    /// never in a run.
    short: ShortTable,
    table: hashbrown::HashTable<Entry>,
    runs: Vec<Run>,
    /// How many runs have ended short (see [`SHORT_RUN`]).
    short_runs: u32,
    hasher: rustc_hash::FxBuildHasher,
    /// The last family looked up (with its id packed, if short): rows of one family usually
    /// come together.
    pub(super) last: Option<(u32, Option<u64>)>,
}

impl FamilyIndex {
    pub(super) fn new() -> FamilyIndex {
        FamilyIndex {
            short: ShortTable::default(),
            table: hashbrown::HashTable::new(),
            runs: Vec::with_capacity(MOST_RUNS),
            short_runs: 0,
            hasher: rustc_hash::FxBuildHasher,
            last: None,
        }
    }

    /// A family's key (see [`Entry`]).
    #[inline]
    pub(super) fn key_of(&self, id: &str, packed: Option<u64>) -> u64 {
        packed.unwrap_or_else(|| self.hasher.hash_one(id))
    }

    /// Where a family is, if it has been seen: the one after the family last looked up (the
    /// usual answer in a file sorted by family), then the runs, then the table.
    pub(super) fn lookup(
        &self,
        ids: &[Box<str>],
        families: &[FamilySums],
        id: &str,
        packed: Option<u64>,
    ) -> Lookup {
        if let Some((last, _)) = self.last {
            let next = last as usize + 1;
            if next < families.len() && is(ids, families, next, id, packed) {
                return Lookup::Found(next as u32);
            }
        }
        if let Some(key) = packed {
            let order = sort_key(key);
            for run in self.runs.iter().rev() {
                if run.lowest <= order
                    && order <= run.highest
                    && let Some(index) = search_run(families, run, order)
                {
                    return Lookup::Found(index);
                }
            }
        }
        if let Some(key) = packed {
            return self.short.find(key).map_or(Lookup::New, Lookup::Found);
        }
        if self.table.is_empty() {
            return Lookup::New;
        }
        let wanted = Entry {
            key: self.key_of(id, packed),
            tagged_index: if packed.is_none() { LONG_ID } else { 0 },
        };
        self.table
            .find(wanted.bucket(), |entry| {
                entry.key == wanted.key
                    && entry.is_long() == wanted.is_long()
                    && (!entry.is_long() || *ids[entry.index() as usize] == *id)
            })
            .map_or(Lookup::New, |entry| Lookup::Found(entry.index()))
    }

    /// Puts every family in the table from now on (runs included), for lookups in no order of id:
    /// a partition's rows are scattered, and a run is only a binary search that misses the cache.
    pub(super) fn table_only(&mut self, families: &[FamilySums]) {
        if self.short_runs < SHORT_RUNS_ALLOWED {
            self.short_runs = SHORT_RUNS_ALLOWED;
            self.index_runs(families);
        }
    }

    /// Where the family with this short (packed) id is in the table, if there: for
    /// [`Self::table_only`] indexes, the runs and the family of the row before not checked.
    #[inline]
    pub(super) fn find_short(&self, key: u64) -> Option<u32> {
        self.short.find(key)
    }

    /// Makes family `index` findable: the family [`Self::lookup`] did not find, just added (the
    /// last of `families`) with its key set.
    pub(super) fn add(&mut self, families: &[FamilySums], index: u32) {
        let sums = &families[index as usize];
        let (key, long_id) = (sums.key, sums.long_id);
        if long_id {
            self.insert(Entry {
                key,
                tagged_index: index | LONG_ID,
            });
        } else {
            let order = sort_key(key);
            match self.runs.last_mut() {
                Some(run) if run.end == index && order > run.highest => {
                    run.end += 1;
                    run.highest = order;
                }
                last_run => {
                    if last_run.is_some_and(|run| run.end - run.start < SHORT_RUN) {
                        self.short_runs += 1;
                    }
                    let unsorted = self.short_runs >= SHORT_RUNS_ALLOWED;
                    if unsorted || self.runs.len() == MOST_RUNS {
                        self.index_runs(families);
                    }
                    if unsorted {
                        self.insert(Entry {
                            key,
                            tagged_index: index,
                        });
                    } else {
                        self.runs.push(Run {
                            start: index,
                            end: index + 1,
                            lowest: order,
                            highest: order,
                        });
                    }
                }
            }
        }
    }

    /// Puts the families of every run in the table, and forgets the runs.
    fn index_runs(&mut self, families: &[FamilySums]) {
        if self.runs.is_empty() {
            return;
        }
        let in_runs: usize = self
            .runs
            .iter()
            .map(|run| (run.end - run.start) as usize)
            .sum();
        self.short.reserve(in_runs);
        for run in std::mem::take(&mut self.runs) {
            for index in run.start..run.end {
                let entry = families[index as usize].entry(index);
                self.insert(entry);
            }
        }
        self.runs = Vec::with_capacity(MOST_RUNS);
    }

    /// Puts an entry in the table.
    fn insert(&mut self, entry: Entry) {
        if !entry.is_long() {
            self.short.insert(entry.key, entry.index());
            return;
        }
        self.table
            .insert_unique(entry.bucket(), entry, |entry| entry.bucket());
    }
}

/// Whether family `index` has this id.
#[inline]
fn is(
    ids: &[Box<str>],
    families: &[FamilySums],
    index: usize,
    id: &str,
    packed: Option<u64>,
) -> bool {
    let sums = &families[index];
    match packed {
        Some(key) => !sums.long_id && sums.key == key,
        None => sums.long_id && *ids[index] == *id,
    }
}

/// Binary search of a run for the family with this [`sort_key`].
fn search_run(families: &[FamilySums], run: &Run, order: u64) -> Option<u32> {
    let families = &families[run.start as usize..run.end as usize];
    families
        .binary_search_by_key(&order, |sums| sort_key(sums.key))
        .ok()
        .map(|offset| run.start + offset as u32)
}

#[cfg(test)]
mod tests {
    use super::mix;
    use crate::usage::row::pack;
    use std::collections::HashSet;

    /// 65,536 sequential ids, in the shapes extracts use, fill about as many of 65,536 places (by
    /// the low 16 bits, which place entries in a table that size) as random hashes would:
    /// 41,427 on average. The 64-bit multiply used before filled about 20,000 for all but the
    /// plain numbers, and rows hunted far for their family's slot.
    #[test]
    fn sequential_ids_fill_the_low_bits() {
        type Shape = (&'static str, fn(u32) -> String);
        let shapes: [Shape; 5] = [
            ("F0000000", |number| format!("F{number:07}")),
            ("0", |number| number.to_string()),
            ("FAM00000", |number| format!("FAM{number:05}")),
            ("00000000", |number| format!("{number:08}")),
            ("C-000000", |number| format!("C-{number:06}")),
        ];
        for (shape, id) in shapes {
            let places: HashSet<u64> = (0..65_536)
                .map(|number| mix(pack(id(number).as_bytes()).expect("short")) & 0xFFFF)
                .collect();
            assert!(places.len() > 40_000, "{shape}: {} places", places.len());
        }
    }
}

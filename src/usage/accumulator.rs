//! Adding up service use as it is read: per family, the money each window cost; per service, the
//! quantity each window used; and, for studies small enough to itemise, each family's lines.
//!
//! National extracts run to millions of rows, so nothing here grows with the rows: only with the
//! families and services. The hot path is integer arithmetic: quantities and unit costs are held
//! as fixed-point integers (a quantity in millionths, a cost in units of its table's smallest
//! decimal place), so that a row is an integer multiply and add, exact like Decimal and much
//! faster. Whatever does not fit the fixed point (a quantity with more than six decimal places or
//! over a trillion, a sum past the integer's range) is carried exactly in Decimal beside it.
//! Integer addition is associative, so partial sums from several threads merge to exactly the
//! single-threaded result.

use super::ServiceUse;
use super::row::{RowError, pack};
use crate::costs::{CostBook, ServiceId};
use indexmap::IndexMap;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::hash::BuildHasher;

/// Decimal places of a fixed-point quantity: millionths.
pub const QUANTITY_PLACES: u32 = 6;

/// The largest Decimal's mantissa: sums are kept within it (at their scale), so that every total
/// can be reported exactly.
const DECIMAL_MAX: u128 = 79_228_162_514_264_337_593_543_950_335;

/// Unit costs with more decimal places than this are not held as fixed point; their rows take the
/// Decimal path.
const MAX_COST_PLACES: u32 = 12;

/// A quantity as read: fixed point in millionths (up to about a trillion units), or an exact
/// Decimal when it is larger or has more places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Millionths(i64),
    Exact(Decimal),
}

impl Quantity {
    pub fn to_decimal(self) -> Decimal {
        match self {
            // At the places it uses: 62 rather than 62.000000.
            Quantity::Millionths(value) => {
                let places = places_used(value);
                Decimal::new(value / 10i64.pow(QUANTITY_PLACES - places), places)
            }
            Quantity::Exact(value) => value,
        }
    }

    /// The fixed-point form of a Decimal quantity, if it has one.
    pub fn from_decimal(value: Decimal) -> Quantity {
        let normal = value.normalize();
        if normal.scale() <= QUANTITY_PLACES
            && let Some(millionths) = normal
                .mantissa()
                .checked_mul(10i128.pow(QUANTITY_PLACES - normal.scale()))
            && let Ok(millionths) = i64::try_from(millionths)
        {
            return Quantity::Millionths(millionths);
        }
        Quantity::Exact(value)
    }
}

/// Whether `|value| <= bound`, for the bounds sums are kept within (each at least 2^96): at once
/// when the value is far below any of them (under 2^95, so its top 33 bits are all its sign), as
/// nearly every sum is; in full otherwise.
#[inline(always)]
fn within(value: i128, bound: u128) -> bool {
    const { assert!(DECIMAL_MAX * 1_000_000 > 1 << 96) };
    let top = (value >> 95) as i64;
    top == 0 || top == -1 || value.unsigned_abs() <= bound
}

/// Decimal places a quantity in millionths actually uses: 0 for 62, 1 for 1.5.
fn places_used(millionths: i64) -> u32 {
    let mut fraction = millionths.unsigned_abs() % 1_000_000;
    if fraction == 0 {
        return 0;
    }
    let mut places = QUANTITY_PLACES;
    while fraction.is_multiple_of(10) {
        fraction /= 10;
        places -= 1;
    }
    places
}

/// Unit costs as fixed-point integers, shared by every accumulator of a read.
#[derive(Debug, Clone)]
pub struct FixedCosts {
    /// Decimal places of the fixed-point costs.
    places: u32,
    /// Each service's unit cost in units of 10^-places, or `None` to use Decimal.
    costs: Vec<Option<i64>>,
    /// The Decimal unit costs, for the exact path.
    exact: Vec<Decimal>,
    /// The decimal places each unit cost actually uses.
    cost_places: Vec<u32>,
    /// The largest fixed-point money sum that is still a Decimal.
    money_bound: u128,
}

impl FixedCosts {
    pub fn new(book: &CostBook) -> FixedCosts {
        let exact: Vec<Decimal> = book
            .services()
            .iter()
            .map(|service| service.unit_cost)
            .collect();
        let places = exact
            .iter()
            .map(|cost| cost.normalize().scale())
            .filter(|&places| places <= MAX_COST_PLACES)
            .max()
            .unwrap_or(0);
        let costs = exact
            .iter()
            .map(|cost| {
                let normal = cost.normalize();
                if normal.scale() > places {
                    return None;
                }
                let scaled = normal
                    .mantissa()
                    .checked_mul(10i128.pow(places - normal.scale()))?;
                i64::try_from(scaled).ok()
            })
            .collect();
        let money_bound = DECIMAL_MAX
            .checked_mul(10u128.pow(QUANTITY_PLACES + places))
            .map_or(i128::MAX as u128, |bound| bound.min(i128::MAX as u128));
        let cost_places = exact.iter().map(|cost| cost.normalize().scale()).collect();
        debug_assert!(money_bound >= 1 << 96, "`within` relies on it");
        FixedCosts {
            places,
            costs,
            exact,
            cost_places,
            money_bound,
        }
    }
}

/// Where a row is: its file's number and its byte offset, packed so that families sort into the
/// order they were first read, however the reading was split between threads.
pub fn position(file: u32, offset: u64) -> u64 {
    (u64::from(file) << 40) | offset.min((1 << 40) - 1)
}

/// What a few families need beyond the fixed-point sums.
#[derive(Debug, Clone, Default)]
struct FamilyExtra {
    /// Money per window that did not fit the fixed point.
    exact: [Decimal; 2],
    /// Each window's services, when itemising.
    lines: Option<[IndexMap<ServiceId, ServiceUse>; 2]>,
}

/// One family's sums.
#[derive(Debug, Clone, Default)]
struct FamilySums {
    /// Money per window, in units of 10^-(quantity places + cost places).
    fixed: [i128; 2],
    /// Where the family first appears (see [`position`]).
    first_seen: u64,
    /// The family's key (see [`Entry`]): its packed id, or for a long id its hash. Kept here (in
    /// what was padding) so that a family can be checked against an id without going to the id.
    key: u64,
    extra: Option<Box<FamilyExtra>>,
    /// Which windows the family has rows in (bit 0 before, bit 1 after).
    windows: u8,
    long_id: bool,
}

impl FamilySums {
    fn entry(&self, index: u32) -> Entry {
        Entry {
            key: self.key,
            tagged_index: index | if self.long_id { LONG_ID } else { 0 },
        }
    }
}

/// How much itemising to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Itemise {
    /// Every family's lines (for statements of every family).
    Always,
    /// Lines only while the study has at most this many families.
    UpTo(usize),
    /// Totals only.
    Never,
}

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

/// A family in an accumulator's table. An id of up to eight bytes (most are) is its own key,
/// packed into an integer (see [`pack`]), so that finding it compares integers and never goes to
/// the id in memory, a cache miss on a national study. A longer id is keyed by its hash and
/// compared in full.
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

/// Spreads a packed id's bits over the whole word, high bits included (the table uses both).
#[inline]
fn mix(key: u64) -> u64 {
    let key = (key ^ (key >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    key ^ (key >> 29)
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
/// its run (see [`Accumulator::lookup`]). Unsorted files make short runs, which go into the table
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
enum Lookup {
    Found(u32),
    New,
}

/// Running sums for one read (or one thread's share of it).
pub struct Accumulator<'a> {
    costs: &'a FixedCosts,
    /// Each family's id, by index.
    ids: Vec<Box<str>>,
    /// Family indices, found by their id: the ids are stored once, in `ids`. See [`Entry`].
    /// Every family is either here or in one of `runs`; long ids are always here.
    table: hashbrown::HashTable<Entry>,
    runs: Vec<Run>,
    /// How many runs have ended short (see [`SHORT_RUN`]).
    short_runs: u32,
    hasher: rustc_hash::FxBuildHasher,
    families: Vec<FamilySums>,
    /// Per window, per service: total quantity in millionths, and what did not fit.
    quantities: [Vec<i128>; 2],
    exact_quantities: [Vec<Decimal>; 2],
    /// Per window, per service: whether any row used it.
    services_used: [Vec<bool>; 2],
    /// The most decimal places any fixed-point quantity used, so that the sums can be given back
    /// at the scale the inputs had.
    quantity_places: u32,
    /// Keep each family's lines (for statements)? Turned off once there are more families than
    /// `itemise_limit`.
    itemise: bool,
    itemise_limit: Option<usize>,
    /// The last family looked up (with its id packed, if short): rows of one family usually
    /// come together.
    last: Option<(u32, Option<u64>)>,
}

impl<'a> Accumulator<'a> {
    pub fn new(costs: &'a FixedCosts, itemise: Itemise) -> Accumulator<'a> {
        let services = costs.costs.len();
        Accumulator {
            costs,
            ids: Vec::new(),
            table: hashbrown::HashTable::new(),
            runs: Vec::with_capacity(MOST_RUNS),
            short_runs: 0,
            hasher: rustc_hash::FxBuildHasher,
            families: Vec::new(),
            quantities: [vec![0; services], vec![0; services]],
            exact_quantities: [vec![Decimal::ZERO; services], vec![Decimal::ZERO; services]],
            services_used: [vec![false; services], vec![false; services]],
            quantity_places: 0,
            itemise: itemise != Itemise::Never,
            itemise_limit: match itemise {
                Itemise::UpTo(limit) => Some(limit),
                _ => None,
            },
            last: None,
        }
    }

    /// The index of a family, adding it if it is new. `position` (see [`position`]) is where this
    /// row is, for the order families are reported in.
    // Inlined into the reading loop, where the family of the row before is the usual answer;
    // looking up another family is out of line.
    #[inline(always)]
    pub fn family(&mut self, id: &str, position: u64) -> u32 {
        let packed = pack(id.as_bytes());
        if let Some((index, last_packed)) = self.last {
            let same = match (packed, last_packed) {
                (Some(key), Some(last)) => key == last,
                (None, None) => *self.ids[index as usize] == *id,
                _ => false,
            };
            if same {
                let sums = &mut self.families[index as usize];
                sums.first_seen = sums.first_seen.min(position);
                return index;
            }
        }
        self.find_family(id, packed, position)
    }

    /// Finds or adds a family that is not the one of the row before.
    #[inline(never)]
    fn find_family(&mut self, id: &str, packed: Option<u64>, position: u64) -> u32 {
        let index = match self.lookup(id, packed) {
            Lookup::Found(index) => {
                let sums = &mut self.families[index as usize];
                sums.first_seen = sums.first_seen.min(position);
                index
            }
            Lookup::New => {
                let key = self.key_of(id, packed);
                self.add_family(
                    id.into(),
                    FamilySums {
                        first_seen: position,
                        key,
                        long_id: packed.is_none(),
                        ..FamilySums::default()
                    },
                )
            }
        };
        self.last = Some((index, packed));
        index
    }

    /// A family's key (see [`Entry`]).
    #[inline]
    fn key_of(&self, id: &str, packed: Option<u64>) -> u64 {
        packed.unwrap_or_else(|| self.hasher.hash_one(id))
    }

    /// Whether family `index` has this id.
    #[inline]
    fn is(&self, index: usize, id: &str, packed: Option<u64>) -> bool {
        let sums = &self.families[index];
        match packed {
            Some(key) => !sums.long_id && sums.key == key,
            None => sums.long_id && *self.ids[index] == *id,
        }
    }

    /// Where a family is, if it has been seen: the one after the family last looked up (the
    /// usual answer in a file sorted by family), then the runs, then the table.
    fn lookup(&self, id: &str, packed: Option<u64>) -> Lookup {
        if let Some((last, _)) = self.last {
            let next = last as usize + 1;
            if next < self.families.len() && self.is(next, id, packed) {
                return Lookup::Found(next as u32);
            }
        }
        if let Some(key) = packed {
            let order = sort_key(key);
            for run in self.runs.iter().rev() {
                if run.lowest <= order
                    && order <= run.highest
                    && let Some(index) = self.search_run(run, order)
                {
                    return Lookup::Found(index);
                }
            }
        }
        if self.table.is_empty() {
            return Lookup::New;
        }
        let wanted = Entry {
            key: self.key_of(id, packed),
            tagged_index: if packed.is_none() { LONG_ID } else { 0 },
        };
        let ids = &self.ids;
        self.table
            .find(wanted.bucket(), |entry| {
                entry.key == wanted.key
                    && entry.is_long() == wanted.is_long()
                    && (!entry.is_long() || *ids[entry.index() as usize] == *id)
            })
            .map_or(Lookup::New, |entry| Lookup::Found(entry.index()))
    }

    /// Binary search of a run for the family with this [`sort_key`].
    fn search_run(&self, run: &Run, order: u64) -> Option<u32> {
        let families = &self.families[run.start as usize..run.end as usize];
        families
            .binary_search_by_key(&order, |sums| sort_key(sums.key))
            .ok()
            .map(|offset| run.start + offset as u32)
    }

    /// Adds a family that [`Self::lookup`] did not find, with its key set, and makes it findable.
    fn add_family(&mut self, id: Box<str>, sums: FamilySums) -> u32 {
        let index = self.ids.len() as u32;
        let (key, long_id) = (sums.key, sums.long_id);
        self.ids.push(id);
        self.families.push(sums);
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
                        self.index_runs();
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
        self.check_itemise_limit();
        index
    }

    /// Puts the families of every run in the table, and forgets the runs.
    fn index_runs(&mut self) {
        let families: usize = self
            .runs
            .iter()
            .map(|run| (run.end - run.start) as usize)
            .sum();
        self.table.reserve(families, |entry| entry.bucket());
        for run in std::mem::take(&mut self.runs) {
            for index in run.start..run.end {
                let entry = self.families[index as usize].entry(index);
                self.insert(entry);
            }
        }
        self.runs = Vec::with_capacity(MOST_RUNS);
    }

    /// Puts an entry in the table.
    fn insert(&mut self, entry: Entry) {
        self.table
            .insert_unique(entry.bucket(), entry, |entry| entry.bucket());
    }

    fn check_itemise_limit(&mut self) {
        if self.itemise
            && self
                .itemise_limit
                .is_some_and(|limit| self.ids.len() > limit)
        {
            self.itemise = false;
            for family in &mut self.families {
                if let Some(extra) = &mut family.extra {
                    extra.lines = None;
                }
            }
        }
    }

    /// Adds one row. On an error nothing is added: every new sum is worked out first, and stored
    /// only when all of them fit.
    #[inline(always)]
    pub fn add(
        &mut self,
        family: u32,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let service_index = service.0 as usize;
        // The common case: a plain quantity and a fixed-point cost, whose product cannot overflow
        // (each is under 2^63) and whose sums stay within what a Decimal can report.
        if let (Quantity::Millionths(millionths), Some(cost), false) =
            (quantity, self.costs.costs[service_index], self.itemise)
        {
            let product = i128::from(millionths) * i128::from(cost);
            let sums = &self.families[family as usize];
            let money = sums.fixed[window].checked_add(product);
            let used = self.quantities[window][service_index].checked_add(i128::from(millionths));
            if let (Some(money), Some(used)) = (money, used)
                && within(money, self.costs.money_bound)
                && within(used, DECIMAL_MAX * 1_000_000)
            {
                let sums = &mut self.families[family as usize];
                sums.fixed[window] = money;
                sums.windows |= 1 << window;
                self.quantities[window][service_index] = used;
                self.services_used[window][service_index] = true;
                if millionths % 1_000_000 != 0 {
                    self.quantity_places = self.quantity_places.max(places_used(millionths));
                }
                return Ok(());
            }
        }
        self.add_exactly(family, window, service, quantity, note)
    }

    /// Adds a row through Decimal: quantities and sums beyond the fixed point, and itemising.
    #[inline(never)]
    fn add_exactly(
        &mut self,
        family: u32,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let service_index = service.0 as usize;
        let decimal_quantity = quantity.to_decimal();
        let product = decimal_quantity
            .checked_mul(self.costs.exact[service_index])
            .ok_or(RowError::CostOverflow)?;
        let sums = &self.families[family as usize];
        let extra = sums.extra.as_deref();
        let money = extra
            .map_or(Decimal::ZERO, |extra| extra.exact[window])
            .checked_add(product)
            .ok_or(RowError::SumOverflow)?;
        let used = self.exact_quantities[window][service_index]
            .checked_add(decimal_quantity)
            .ok_or(RowError::ServiceTotalOverflow)?;
        let line_quantity = if self.itemise {
            let current = extra
                .and_then(|extra| extra.lines.as_ref())
                .and_then(|lines| lines[window].get(&service))
                .map_or(Decimal::ZERO, |line| line.quantity);
            Some(
                current
                    .checked_add(decimal_quantity)
                    .ok_or(RowError::SumOverflow)?,
            )
        } else {
            None
        };

        // Everything fits: store it.
        let sums = &mut self.families[family as usize];
        let extra = sums.extra.get_or_insert_with(Default::default);
        extra.exact[window] = money;
        sums.windows |= 1 << window;
        self.exact_quantities[window][service_index] = used;
        self.services_used[window][service_index] = true;
        if let Some(quantity) = line_quantity {
            let lines = extra.lines.get_or_insert_with(Default::default);
            let line = lines[window].entry(service).or_default();
            line.quantity = quantity;
            if let Some(note) = note.filter(|note| !note.is_empty())
                && line.notes.len() < NOTES_KEPT
                && !line.notes.iter().any(|kept| kept == note)
            {
                line.notes.push(note.to_string());
            }
        }
        Ok(())
    }

    /// Folds the accumulators of the other threads of a read into this one, and gives the exact
    /// figures.
    pub fn finish_with(mut self, others: Vec<Accumulator<'a>>) -> Result<StudyUsage, RowError> {
        let count = others.len();
        for (number, other) in others.into_iter().enumerate() {
            self.merge(other, number + 1 == count)?;
        }
        self.finish()
    }

    /// Folds another accumulator into this one. When it is the `last` to fold in, no lookup will
    /// follow (see [`Self::finish_with`]): families only it has are appended without being made
    /// findable, which saves a pass of scattered writes over the table.
    fn merge(&mut self, other: Accumulator<'a>, last: bool) -> Result<(), RowError> {
        let Accumulator {
            ids,
            families,
            quantities,
            exact_quantities,
            services_used,
            quantity_places,
            itemise,
            ..
        } = other;
        if !itemise && self.itemise {
            self.itemise_limit = Some(0);
            self.check_itemise_limit();
        }
        self.quantity_places = self.quantity_places.max(quantity_places);
        self.ids.reserve(ids.len());
        self.families.reserve(families.len());
        // Their families come in the order they were first read, as ours did: in sorted files,
        // each is the one after the last in our list, or new (see `lookup`).
        self.last = None;
        for (id, mut theirs) in ids.into_iter().zip(families) {
            let packed = (!theirs.long_id).then_some(theirs.key);
            let index = match self.lookup(&id, packed) {
                Lookup::Found(index) => {
                    add_sums(
                        &mut self.families[index as usize],
                        theirs,
                        self.costs,
                        self.itemise,
                    )?;
                    index
                }
                // A family only they met: take it over whole.
                Lookup::New => {
                    if !self.itemise
                        && let Some(extra) = &mut theirs.extra
                    {
                        extra.lines = None;
                    }
                    if last {
                        self.ids.push(id);
                        self.families.push(theirs);
                        self.ids.len() as u32 - 1
                    } else {
                        self.add_family(id, theirs)
                    }
                }
            };
            self.last = Some((index, packed));
        }
        for window in 0..2 {
            for service in 0..self.quantities[window].len() {
                self.quantities[window][service] = self.quantities[window][service]
                    .checked_add(quantities[window][service])
                    .filter(|sum| sum.unsigned_abs() <= DECIMAL_MAX * 1_000_000)
                    .ok_or(RowError::TotalTooLarge)?;
                let exact = &mut self.exact_quantities[window][service];
                *exact = exact
                    .checked_add(exact_quantities[window][service])
                    .ok_or(RowError::TotalTooLarge)?;
                self.services_used[window][service] |= services_used[window][service];
            }
        }
        self.check_itemise_limit();
        Ok(())
    }

    /// The exact figures, families in the order they were first read.
    pub fn finish(self) -> Result<StudyUsage, RowError> {
        // Every fixed-point quantity is a whole number of 10^-quantity_places, and every cost used
        // a whole number of 10^-(the places the costs used actually need): dividing by the places
        // not used gives sums at the scale of the inputs, exactly (1930, not 1930.0000000000).
        let used_cost_places = (0..self.costs.costs.len())
            .filter(|&service| self.services_used[0][service] || self.services_used[1][service])
            .filter(|&service| self.costs.costs[service].is_some())
            .map(|service| self.costs.cost_places[service])
            .max()
            .unwrap_or(0);
        let quantity_divisor = 10i128.pow(QUANTITY_PLACES - self.quantity_places);
        let money_divisor = quantity_divisor * 10i128.pow(self.costs.places - used_cost_places);
        let money_places = self.quantity_places + used_cost_places;
        let to_decimal = |value: i128, divisor: i128, places: u32| {
            // Most sums fit 64 bits, where division is one instruction rather than a call.
            let scaled = match (i64::try_from(value), i64::try_from(divisor)) {
                (Ok(small), Ok(divisor)) => i128::from(small / divisor),
                _ => value / divisor,
            };
            exact_decimal(scaled, places).ok_or(RowError::TotalTooLarge)
        };

        let (mut ids, mut families) = (self.ids, self.families);
        // Already in order when each thread read its own stretch of the files in turn.
        if !families.is_sorted_by_key(|sums| sums.first_seen) {
            let mut order: Vec<(u64, u32)> = families
                .iter()
                .enumerate()
                .map(|(index, sums)| (sums.first_seen, index as u32))
                .collect();
            order.sort_unstable();
            // Each family is taken once, leaving an empty one (which allocates nothing) behind.
            (ids, families) = order
                .into_iter()
                .map(|(_, index)| {
                    let index = index as usize;
                    (
                        std::mem::take(&mut ids[index]),
                        std::mem::take(&mut families[index]),
                    )
                })
                .unzip();
        }
        // Each family's figures on their own, so on every core. (Collected straight into place:
        // a total too large is flagged rather than returned, which would make the collection
        // build and join lists of parts.)
        let too_large = std::sync::atomic::AtomicBool::new(false);
        let family_money = |sums: &FamilySums| -> Result<[Decimal; 2], RowError> {
            let mut money = [Decimal::ZERO; 2];
            for (window, total) in money.iter_mut().enumerate() {
                *total = to_decimal(sums.fixed[window], money_divisor, money_places)?;
                if let Some(extra) = &sums.extra {
                    *total = total
                        .checked_add(extra.exact[window])
                        .ok_or(RowError::TotalTooLarge)?;
                    // Whichever path a row took, the total is written at the same scale: the
                    // output must not depend on how the reading was shared between threads.
                    if total.scale() < money_places {
                        total.rescale(money_places);
                    }
                }
            }
            Ok(money)
        };
        let out: Vec<FamilyUsage> = ids
            .into_par_iter()
            .zip(families)
            .map(|(family_id, sums)| FamilyUsage {
                family_id,
                money: family_money(&sums).unwrap_or_else(|_| {
                    too_large.store(true, std::sync::atomic::Ordering::Relaxed);
                    [Decimal::ZERO; 2]
                }),
                windows: sums.windows,
                lines: sums.extra.and_then(|extra| extra.lines).map(Box::new),
            })
            .collect();
        if too_large.into_inner() {
            return Err(RowError::TotalTooLarge);
        }
        let mut quantities = [Vec::new(), Vec::new()];
        for (window, totals) in quantities.iter_mut().enumerate() {
            for service in 0..self.quantities[window].len() {
                let fixed = to_decimal(
                    self.quantities[window][service],
                    quantity_divisor,
                    self.quantity_places,
                )?;
                let mut total = fixed
                    .checked_add(self.exact_quantities[window][service])
                    .ok_or(RowError::TotalTooLarge)?;
                if total.scale() < self.quantity_places {
                    total.rescale(self.quantity_places);
                }
                totals.push(total);
            }
        }
        Ok(StudyUsage {
            families: out,
            quantities,
            services_used: self.services_used,
            itemised: self.itemise,
        })
    }
}

/// Adds one family's sums from another thread to ours.
fn add_sums(
    ours: &mut FamilySums,
    theirs: FamilySums,
    costs: &FixedCosts,
    itemise: bool,
) -> Result<(), RowError> {
    for window in 0..2 {
        ours.fixed[window] = ours.fixed[window]
            .checked_add(theirs.fixed[window])
            .filter(|sum| sum.unsigned_abs() <= costs.money_bound)
            .ok_or(RowError::TotalTooLarge)?;
    }
    ours.windows |= theirs.windows;
    ours.first_seen = ours.first_seen.min(theirs.first_seen);
    let Some(their_extra) = theirs.extra else {
        return Ok(());
    };
    let extra = ours.extra.get_or_insert_with(Default::default);
    for window in 0..2 {
        extra.exact[window] = extra.exact[window]
            .checked_add(their_extra.exact[window])
            .ok_or(RowError::TotalTooLarge)?;
    }
    if itemise && let Some(their_lines) = their_extra.lines {
        let lines = extra.lines.get_or_insert_with(Default::default);
        for (window, services) in their_lines.into_iter().enumerate() {
            for (service, usage) in services {
                let line = lines[window].entry(service).or_default();
                line.quantity = line
                    .quantity
                    .checked_add(usage.quantity)
                    .ok_or(RowError::TotalTooLarge)?;
                for note in usage.notes {
                    if line.notes.len() < NOTES_KEPT && !line.notes.contains(&note) {
                        line.notes.push(note);
                    }
                }
            }
        }
    }
    Ok(())
}

/// A fixed-point integer as an exact Decimal, dropping trailing zeros if the mantissa is too wide.
fn exact_decimal(mut value: i128, mut places: u32) -> Option<Decimal> {
    loop {
        if places <= 28
            && let Ok(decimal) = Decimal::try_from_i128_with_scale(value, places)
        {
            return Some(decimal);
        }
        if places == 0 || value % 10 != 0 {
            return None;
        }
        value /= 10;
        places -= 1;
    }
}

/// One family's service use, both windows.
#[derive(Debug, Clone)]
pub struct FamilyUsage {
    pub family_id: Box<str>,
    /// What the family's services cost in each window (before, after).
    pub money: [Decimal; 2],
    /// Which windows the family has rows in (bit 0 before, bit 1 after).
    pub windows: u8,
    /// Each window's services, when the read was itemised.
    pub lines: Option<Box<[IndexMap<ServiceId, ServiceUse>; 2]>>,
}

/// What a study's service-use files add up to.
#[derive(Debug, Clone, Default)]
pub struct StudyUsage {
    pub families: Vec<FamilyUsage>,
    /// Per window, per service id: the total quantity used.
    pub quantities: [Vec<Decimal>; 2],
    /// Per window, per service id: whether any row used it.
    pub services_used: [Vec<bool>; 2],
    /// Whether families carry their lines.
    pub itemised: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn quantities_take_the_fixed_point_when_they_can() {
        assert_eq!(
            Quantity::from_decimal(decimal("62")),
            Quantity::Millionths(62_000_000)
        );
        assert_eq!(
            Quantity::from_decimal(decimal("1.50")),
            Quantity::Millionths(1_500_000)
        );
        assert_eq!(
            Quantity::from_decimal(decimal("1.1234567")),
            Quantity::Exact(decimal("1.1234567"))
        );
        let huge = decimal("79000000000000000000000000000");
        assert_eq!(Quantity::from_decimal(huge), Quantity::Exact(huge));
        assert_eq!(Quantity::Millionths(1_500_000).to_decimal(), decimal("1.5"));
    }

    #[test]
    fn sums_within_a_bound() {
        let bound = DECIMAL_MAX * 1_000_000;
        for value in [
            0,
            1,
            -1,
            1 << 94,
            -(1 << 95),
            (1 << 95) - 1,
            1 << 100,
            -(1 << 120),
        ] {
            assert_eq!(
                within(value, bound),
                value.unsigned_abs() <= bound,
                "{value}"
            );
        }
        let edge = bound as i128;
        assert!(within(edge, bound) && within(-edge, bound));
        assert!(!within(edge + 1, bound) && !within(-edge - 1, bound));
        assert!(!within(i128::MIN, bound) && !within(i128::MAX, bound));
    }

    #[test]
    fn places_used_by_a_quantity() {
        assert_eq!(places_used(62_000_000), 0);
        assert_eq!(places_used(1_500_000), 1);
        assert_eq!(places_used(1), 6);
        assert_eq!(places_used(-2_250_000), 2);
    }

    /// One unit cost of £1, so that a family's money is the sum of its quantities.
    fn unit_costs() -> FixedCosts {
        FixedCosts {
            places: 0,
            costs: vec![Some(1)],
            exact: vec![Decimal::ONE],
            cost_places: vec![0],
            money_bound: DECIMAL_MAX,
        }
    }

    /// Family `number`'s id: short (eight bytes or fewer, packed), long (hashed), or either.
    fn family_id(number: u16, style: u8) -> String {
        match style {
            0 => format!("F{number:04}"),
            1 => format!("FAMILY-{number:08}"),
            _ if number.is_multiple_of(3) => format!("LONG-FAMILY-{number}"),
            _ => format!("{number}"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// However the rows come (sorted by family or not, short ids or long) and however they
        /// are shared between accumulators, each family's rows add up under its own id, and
        /// families come out in the order first read: the runs, the table and the merge find
        /// every family they should and no other.
        #[test]
        fn families_are_found_however_rows_are_ordered_and_shared(
            families in proptest::collection::vec(0u16..400, 1..600),
            sorted_stretch in proptest::option::of(20usize..700),
            style in 0u8..3,
            cuts in proptest::collection::vec((0usize..600, 0usize..3), 0..8),
        ) {
            // As generated (unsorted), or sorted in stretches (one, or several, each a run).
            let mut families = families;
            if let Some(stretch) = sorted_stretch {
                for stretch in families.chunks_mut(stretch) {
                    stretch.sort_unstable();
                }
            }
            let rows: Vec<(String, i64)> = families
                .iter()
                .enumerate()
                .map(|(row, &number)| (family_id(number, style), 1 + (row as i64 % 7)))
                .collect();
            // The model: each id's total, and where it was first read.
            let mut expected: Vec<(String, i64, usize)> = Vec::new();
            for (row, (id, quantity)) in rows.iter().enumerate() {
                match expected.iter_mut().find(|(seen, _, _)| seen == id) {
                    Some(family) => family.1 += quantity,
                    None => expected.push((id.clone(), *quantity, row)),
                }
            }
            // The rows cut into stretches, each read by one of three accumulators, in turn.
            let costs = unit_costs();
            let mut accumulators: Vec<Accumulator<'_>> =
                (0..3).map(|_| Accumulator::new(&costs, Itemise::Never)).collect();
            let mut cuts = cuts;
            cuts.sort_unstable();
            let mut start = 0;
            for (cut, reader) in cuts.into_iter().chain([(rows.len(), 0)]) {
                let end = cut.clamp(start, rows.len());
                for (row, (id, quantity)) in rows.iter().enumerate().take(end).skip(start) {
                    let accumulator = &mut accumulators[reader];
                    let family = accumulator.family(id, position(0, row as u64));
                    accumulator
                        .add(family, 0, ServiceId(0), Quantity::Millionths(quantity * 1_000_000), None)
                        .unwrap();
                }
                start = end;
            }
            let first = accumulators.remove(0);
            let usage = first.finish_with(accumulators).unwrap();
            let found: Vec<(String, Decimal)> = usage
                .families
                .iter()
                .map(|family| (family.family_id.to_string(), family.money[0]))
                .collect();
            let wanted: Vec<(String, Decimal)> = expected
                .into_iter()
                .map(|(id, total, _)| (id, Decimal::from(total)))
                .collect();
            proptest::prop_assert_eq!(found, wanted);
        }
    }

    #[test]
    fn wide_fixed_point_values_convert_exactly() {
        assert_eq!(
            exact_decimal(2_046_000_000_000_000, 12),
            Some(decimal("2046"))
        );
        let wide = 10i128.pow(30) * 123;
        assert_eq!(exact_decimal(wide, 18), Some(decimal("123000000000000")));
        assert_eq!(exact_decimal(i128::MAX, 0), None);
    }
}

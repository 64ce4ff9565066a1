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
    extra: Option<Box<FamilyExtra>>,
    /// Which windows the family has rows in (bit 0 before, bit 1 after).
    windows: u8,
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

/// Running sums for one read (or one thread's share of it).
pub struct Accumulator<'a> {
    costs: &'a FixedCosts,
    /// Each family's id, by index.
    ids: Vec<Box<str>>,
    /// Family indices, found by their id: the ids are stored once, in `ids`. See [`Entry`].
    table: hashbrown::HashTable<Entry>,
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
        let entry = self.entry_for(id, packed);
        let index = match self.find(entry, id) {
            Some(index) => {
                let sums = &mut self.families[index as usize];
                sums.first_seen = sums.first_seen.min(position);
                index
            }
            None => {
                let index = self.ids.len() as u32;
                self.ids.push(id.into());
                self.insert(entry, index);
                self.families.push(FamilySums {
                    first_seen: position,
                    ..FamilySums::default()
                });
                self.check_itemise_limit();
                index
            }
        };
        self.last = Some((index, packed));
        index
    }

    /// The table entry an id would have (with index 0).
    #[inline]
    fn entry_for(&self, id: &str, packed: Option<u64>) -> Entry {
        match packed {
            Some(key) => Entry {
                key,
                tagged_index: 0,
            },
            None => Entry {
                key: self.hasher.hash_one(id),
                tagged_index: LONG_ID,
            },
        }
    }

    /// Puts a family's entry (as made by [`Self::entry_for`]) in the table, at `index`.
    fn insert(&mut self, entry: Entry, index: u32) {
        let entry = Entry {
            tagged_index: entry.tagged_index | index,
            ..entry
        };
        self.table
            .insert_unique(entry.bucket(), entry, |entry| entry.bucket());
    }

    /// The index of the family whose entry (as made by [`Self::entry_for`]) and id are these.
    #[inline]
    fn find(&self, wanted: Entry, id: &str) -> Option<u32> {
        let ids = &self.ids;
        self.table
            .find(wanted.bucket(), |entry| {
                entry.key == wanted.key
                    && entry.is_long() == wanted.is_long()
                    && (!entry.is_long() || *ids[entry.index() as usize] == *id)
            })
            .map(|entry| entry.index())
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
                && money.unsigned_abs() <= self.costs.money_bound
                && used.unsigned_abs() <= DECIMAL_MAX * 1_000_000
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
            .ok_or(RowError::SumOverflow)?;
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

    /// Folds another accumulator (another thread's share) into this one.
    /// Folds another accumulator into this one. When it is the `last` to fold in, its new families
    /// are only appended: no later lookup will need them in the table, and not inserting them
    /// saves a pass of scattered writes over it.
    pub fn merge(&mut self, other: Accumulator<'a>, last: bool) -> Result<(), RowError> {
        let Accumulator {
            ids,
            families,
            table: their_table,
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
        // Their table knows each family's entry: no need to pack or hash the ids again.
        let mut their_entries = vec![
            Entry {
                key: 0,
                tagged_index: 0
            };
            ids.len()
        ];
        for entry in their_table.iter() {
            their_entries[entry.index() as usize] = *entry;
        }
        // Most of their families are new to us (a thread reads its own stretch of the files):
        // make room for them all at once rather than growing step by step.
        if !last {
            self.table.reserve(ids.len(), |entry| entry.bucket());
        }
        self.ids.reserve(ids.len());
        self.families.reserve(families.len());
        self.last = None;
        for ((id, mut theirs), their_entry) in ids.into_iter().zip(families).zip(their_entries) {
            let wanted = Entry {
                tagged_index: their_entry.tagged_index & LONG_ID,
                ..their_entry
            };
            let Some(index) = self.find(wanted, &id) else {
                // A family only they met: take it over whole.
                let index = self.ids.len() as u32;
                self.ids.push(id);
                if !last {
                    self.insert(wanted, index);
                }
                if !self.itemise
                    && let Some(extra) = &mut theirs.extra
                {
                    extra.lines = None;
                }
                self.families.push(theirs);
                continue;
            };
            add_sums(
                &mut self.families[index as usize],
                theirs,
                self.costs,
                self.itemise,
            )?;
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

        let mut order: Vec<(u64, u32)> = self
            .families
            .iter()
            .enumerate()
            .map(|(index, sums)| (sums.first_seen, index as u32))
            .collect();
        order.sort_unstable();
        let (mut ids, mut families) = (self.ids, self.families);
        let mut out = Vec::with_capacity(order.len());
        for (_, index) in order {
            // Each family is taken once, leaving an empty one (which allocates nothing) behind.
            let sums = std::mem::take(&mut families[index as usize]);
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
            out.push(FamilyUsage {
                family_id: std::mem::take(&mut ids[index as usize]),
                money,
                windows: sums.windows,
                lines: sums.extra.and_then(|extra| extra.lines).map(Box::new),
            });
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
    fn places_used_by_a_quantity() {
        assert_eq!(places_used(62_000_000), 0);
        assert_eq!(places_used(1_500_000), 1);
        assert_eq!(places_used(1), 6);
        assert_eq!(places_used(-2_250_000), 2);
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

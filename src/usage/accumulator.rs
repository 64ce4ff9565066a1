//! Adding up service use as it is read, and costing it: each row's quantity times its service's
//! unit cost goes into its family's money for the window, and its quantity into the service's
//! total for the window. This is where each family's before and after costs are summed; the
//! ledger takes them from here and derives everything else (savings, intervention costs, each
//! agency's share of the services' totals).
//!
//! National extracts run to millions of rows, so nothing here grows with the rows: only with the
//! families and services. A row is an integer multiply and add ([`fixed_point`]); its family is
//! found without a hash lookup in sorted files ([`family_index`]); the threads' accumulators fold
//! together exactly ([`merge`]); itemised lines are kept only for small studies ([`lines`]); and
//! the sums are given back as exact Decimals ([`totals`]).

mod family_index;
mod fixed_point;
mod lines;
mod merge;
mod partitions;
mod short_table;
mod totals;

pub use fixed_point::{FixedCosts, QUANTITY_PLACES, Quantity};
pub use lines::{Itemise, ItemisedLines, LineNotes, ServiceUse};
pub use partitions::{Partitions, Scatter};
pub use totals::{FamilyUsage, StudyUsage};

use super::row::{RowError, pack};
use crate::costs::ServiceId;
use family_index::{FamilyIndex, Lookup};
use fixed_point::{DECIMAL_MAX, places_used, within};
use lines::Lines;
use rust_decimal::Decimal;

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
    lines: Option<Lines>,
}

/// One family's sums.
#[derive(Debug, Clone, Default)]
struct FamilySums {
    /// Money per window, in units of 10^-(quantity places + cost places).
    fixed: [i128; 2],
    /// Where the family first appears (see [`position`]).
    first_seen: u64,
    /// The family's key (see `family_index::Entry`): its packed id, or for a long id its hash.
    /// Kept here (in what was padding) so that a family can be checked against an id without
    /// going to the id.
    key: u64,
    extra: Option<Box<FamilyExtra>>,
    /// Which windows the family has rows in (bit 0 before, bit 1 after).
    windows: u8,
    long_id: bool,
}

/// Running sums for one read (or one thread's share of it).
pub struct Accumulator<'a> {
    costs: &'a FixedCosts,
    /// Each family's id, by index.
    ids: Vec<Box<str>>,
    /// Where each family is, found by its id.
    family_index: FamilyIndex,
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
    /// Rows whose family was not the one of the row before (see [`Self::scattered_rows`]).
    family_changes: u64,
}

impl<'a> Accumulator<'a> {
    pub fn new(costs: &'a FixedCosts, itemise: Itemise) -> Accumulator<'a> {
        let services = costs.costs.len();
        Accumulator {
            costs,
            ids: Vec::new(),
            family_index: FamilyIndex::new(),
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
            family_changes: 0,
        }
    }

    /// The costs it adds up with.
    pub fn costs(&self) -> &'a FixedCosts {
        self.costs
    }

    /// How many families it has.
    pub fn family_count(&self) -> usize {
        self.families.len()
    }

    /// Whether it keeps families' lines.
    pub fn itemises(&self) -> bool {
        self.itemise
    }

    /// How many rows so far had a family other than the row before's: in a file sorted or grouped
    /// by family, one per family; in any other order, nearly every row.
    pub fn scattered_rows(&self) -> u64 {
        self.family_changes
    }

    /// The index of a family, adding it if it is new. `position` (see [`position`]) is where this
    /// row is, for the order families are reported in.
    // Inlined into the reading loop, where the family of the row before is the usual answer;
    // looking up another family is out of line.
    #[inline(always)]
    pub fn family(&mut self, id: &str, position: u64) -> u32 {
        let packed = pack(id.as_bytes());
        if let Some((index, last_packed)) = self.family_index.last {
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
        self.family_changes += 1;
        let index = match self
            .family_index
            .lookup(&self.ids, &self.families, id, packed)
        {
            Lookup::Found(index) => {
                let sums = &mut self.families[index as usize];
                sums.first_seen = sums.first_seen.min(position);
                index
            }
            Lookup::New => {
                let key = self.family_index.key_of(id, packed);
                // A short id is its key, and is written from it once the families are in order
                // (see `Accumulator::finish`): made here, the ids of a national study would be
                // the largest part of its memory while reading (32 bytes of heap each, for 8).
                let id = if packed.is_some() {
                    Box::default()
                } else {
                    id.into()
                };
                self.add_family(
                    id,
                    FamilySums {
                        first_seen: position,
                        key,
                        long_id: packed.is_none(),
                        ..FamilySums::default()
                    },
                )
            }
        };
        self.family_index.last = Some((index, packed));
        index
    }

    /// Adds a family that [`FamilyIndex::lookup`] did not find, with its key set, and makes it
    /// findable.
    fn add_family(&mut self, id: Box<str>, sums: FamilySums) -> u32 {
        let index = self.ids.len() as u32;
        self.ids.push(id);
        self.families.push(sums);
        self.family_index.add(&self.families, index);
        self.check_itemise_limit();
        index
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

    /// Adds one row of `family`, read at `position` (see [`position`]: the order of a family's
    /// itemised lines and notes follows it, however the rows were shared between threads). On an
    /// error nothing is added: every new sum is worked out first, and stored only when all of
    /// them fit.
    #[inline(always)]
    pub fn add(
        &mut self,
        family: u32,
        position: u64,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let service_index = service.0 as usize;
        // The common case: a plain quantity and a fixed-point cost, whose product cannot overflow
        // (each is under 2^63) and whose sums stay within what a Decimal can report; itemised,
        // a row with no note whose line adds up in integers too (see `lines::add_plain`).
        if let (Quantity::Millionths(millionths), Some(cost)) =
            (quantity, self.costs.costs[service_index])
            && (!self.itemise || note.is_none())
        {
            let product = i128::from(millionths) * i128::from(cost);
            let sums = &self.families[family as usize];
            let money = sums.fixed[window].checked_add(product);
            let used = self.quantities[window][service_index].checked_add(i128::from(millionths));
            if let (Some(money), Some(used)) = (money, used)
                && within(money, self.costs.money_bound)
                && within(used, DECIMAL_MAX * 1_000_000)
                && (!self.itemise
                    || self.add_to_line(family, window, service, millionths, position))
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
        self.add_exactly(family, position, window, service, quantity, note)
    }

    /// Adds a plain quantity to the family's line (see [`lines::add_plain`]): false, and its
    /// lines unchanged, if it does not add up in integers.
    #[inline]
    fn add_to_line(
        &mut self,
        family: u32,
        window: usize,
        service: ServiceId,
        millionths: i64,
        position: u64,
    ) -> bool {
        let extra = self.families[family as usize]
            .extra
            .get_or_insert_with(Default::default);
        let lines = extra.lines.get_or_insert_with(Default::default);
        lines::add_plain(lines, window, service, millionths, position)
    }

    /// Adds a row through Decimal: quantities and sums beyond the fixed point, and itemised rows
    /// with a note or a line that does not add up in integers.
    #[inline(never)]
    fn add_exactly(
        &mut self,
        family: u32,
        position: u64,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let service_index = service.0 as usize;
        // Each error is returned where it arises, rather than made up front for `ok_or`: made
        // for every row and then dropped, it cost a call for each (RowError owns text in some
        // variants), some 5% of reading an itemised study.
        let decimal_quantity = quantity.to_decimal();
        let Some(product) = decimal_quantity.checked_mul(self.costs.exact[service_index]) else {
            return Err(RowError::CostOverflow);
        };
        let sums = &self.families[family as usize];
        let extra = sums.extra.as_deref();
        let Some(money) = extra
            .map_or(Decimal::ZERO, |extra| extra.exact[window])
            .checked_add(product)
        else {
            return Err(RowError::SumOverflow);
        };
        let Some(used) = self.exact_quantities[window][service_index].checked_add(decimal_quantity)
        else {
            return Err(RowError::ServiceTotalOverflow);
        };
        let line = if self.itemise {
            let (current, at) = lines::line_so_far(
                extra.and_then(|extra| extra.lines.as_ref()),
                window,
                service,
            );
            let Some(total) = current.checked_add(decimal_quantity) else {
                return Err(RowError::SumOverflow);
            };
            Some((total, at))
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
        if let Some((quantity, at)) = line {
            let lines = extra.lines.get_or_insert_with(Default::default);
            lines::record(lines, at, window, service, quantity, position, note);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A family's lines in one window, as compared: service, quantity and notes.
    type WindowLines = Vec<(u32, Decimal, Vec<String>)>;

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
                        .add(family, position(0, row as u64), 0, ServiceId(0), Quantity::Millionths(quantity * 1_000_000), None)
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

        /// However a study's rows are shared between threads, and in whatever order each thread
        /// reads its stretches (a thread that runs out takes a later stretch of another's: see
        /// the fast reader's schedule), each family's itemised lines and their notes come out in
        /// the order of the rows, exactly as when one thread reads every row in turn.
        #[test]
        fn itemised_lines_follow_the_rows_however_they_are_read(
            rows in proptest::collection::vec(
                (0u16..12, 0u32..4, 0usize..2, 1i64..50, proptest::option::of(0u8..9)),
                1..300,
            ),
            cuts in proptest::collection::vec(0usize..300, 0..10),
            readers in proptest::collection::vec(0usize..3, 11),
            order in proptest::collection::vec(proptest::num::u64::ANY, 11),
        ) {
            let costs = FixedCosts {
                places: 0,
                costs: vec![Some(1); 4],
                exact: vec![Decimal::ONE; 4],
                cost_places: vec![0; 4],
                money_bound: DECIMAL_MAX,
            };
            let rows: Vec<(String, u32, usize, i64, Option<String>)> = rows
                .into_iter()
                .map(|(family, service, window, quantity, note)| {
                    let note = note.map(|note| format!("note {note}"));
                    (family_id(family, 2), service, window, quantity, note)
                })
                .collect();
            let add = |accumulator: &mut Accumulator<'_>, row: usize| {
                let (id, service, window, quantity, note) = &rows[row];
                let at = position(0, row as u64);
                let family = accumulator.family(id, at);
                accumulator
                    .add(
                        family,
                        at,
                        *window,
                        ServiceId(*service),
                        Quantity::Millionths(quantity * 1_000_000),
                        note.as_deref(),
                    )
                    .unwrap();
            };
            let lines_of = |usage: StudyUsage| -> Vec<(String, Vec<WindowLines>)> {
                usage
                    .families
                    .into_iter()
                    .map(|family| {
                        let lines = family.lines.expect("itemised");
                        let windows = (0..2)
                            .map(|window| {
                                lines
                                    .window(window)
                                    .map(|line| {
                                        (line.service().0, line.quantity(), lines.notes(&line).map(String::from).collect())
                                    })
                                    .collect()
                            })
                            .collect();
                        (family.family_id.to_string(), windows)
                    })
                    .collect()
            };

            let mut one = Accumulator::new(&costs, Itemise::Always);
            for row in 0..rows.len() {
                add(&mut one, row);
            }
            let expected = lines_of(one.finish().unwrap());

            // The rows cut into stretches, each given to one of three accumulators, and the
            // stretches read in a shuffled order.
            let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(rows.len())).collect();
            cuts.extend([0, rows.len()]);
            cuts.sort_unstable();
            let mut stretches: Vec<(u64, usize, std::ops::Range<usize>)> = cuts
                .windows(2)
                .enumerate()
                .map(|(number, cut)| (order[number], readers[number], cut[0]..cut[1]))
                .collect();
            stretches.sort_by_key(|(key, _, _)| *key);
            let mut accumulators: Vec<Accumulator<'_>> =
                (0..3).map(|_| Accumulator::new(&costs, Itemise::Always)).collect();
            for (_, reader, stretch) in stretches {
                for row in stretch {
                    add(&mut accumulators[reader], row);
                }
            }
            let first = accumulators.remove(0);
            let found = lines_of(first.finish_with(accumulators).unwrap());
            proptest::prop_assert_eq!(found, expected);
        }
    }
}

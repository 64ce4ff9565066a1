//! Adding up service use as it is read: per family, the money each window cost; per service, the
//! quantity each window used; and, for studies small enough to itemise, each family's lines.
//!
//! National extracts run to millions of rows, so nothing here grows with the rows: only with the
//! families and services. The hot path is integer arithmetic: quantities and unit costs are held
//! as fixed-point integers (a quantity in millionths, a cost in units of its table's smallest
//! decimal place), so that a row is an integer multiply and add, exact like Decimal and much
//! faster. Whatever does not fit the fixed point (a quantity with more than six decimal places, a
//! sum past the integer's range) is carried exactly in Decimal beside it. Integer addition is
//! associative, so partial sums from several threads merge to exactly the single-threaded result.

use super::{RowError, ServiceUse};
use crate::costs::{CostBook, ServiceId};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Decimal places of a fixed-point quantity: millionths.
pub const QUANTITY_PLACES: u32 = 6;

/// The largest fixed-point quantity total: the largest Decimal, in millionths. Beyond it a total
/// could not be reported exactly, so the row that takes it there is refused.
const QUANTITY_BOUND: u128 = 79_228_162_514_264_337_593_543_950_335 * 1_000_000;

/// Unit costs with more decimal places than this are not held as fixed point (every product would
/// risk the integer range); their rows take the Decimal path.
const MAX_COST_PLACES: u32 = 12;

/// A quantity as read: fixed point in millionths, or an exact Decimal when it has more places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Millionths(i128),
    Exact(Decimal),
}

impl Quantity {
    /// The quantity as an exact Decimal, or an error if it is too large for one.
    pub fn to_decimal(self) -> Result<Decimal, RowError> {
        match self {
            Quantity::Millionths(value) => {
                exact_decimal(value, QUANTITY_PLACES).ok_or(RowError::QuantityTooLarge)
            }
            Quantity::Exact(value) => Ok(value),
        }
    }

    /// The fixed-point form of a Decimal quantity, if it has it.
    pub fn from_decimal(value: Decimal) -> Quantity {
        let normal = value.normalize();
        if normal.scale() <= QUANTITY_PLACES {
            let factor = 10i128.pow(QUANTITY_PLACES - normal.scale());
            if let Some(millionths) = normal.mantissa().checked_mul(factor) {
                return Quantity::Millionths(millionths);
            }
        }
        Quantity::Exact(value)
    }
}

/// Unit costs as fixed-point integers, shared by every accumulator of a read.
#[derive(Debug, Clone)]
pub struct FixedCosts {
    /// Decimal places of the fixed-point costs.
    places: u32,
    /// Each service's unit cost in units of 10^-places, or `None` to use Decimal.
    costs: Vec<Option<i128>>,
    /// The Decimal unit costs, for the exact path.
    exact: Vec<Decimal>,
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
                (normal.scale() <= places)
                    .then(|| {
                        normal
                            .mantissa()
                            .checked_mul(10i128.pow(places - normal.scale()))
                    })
                    .flatten()
            })
            .collect();
        let money_bound = 79_228_162_514_264_337_593_543_950_335u128
            .checked_mul(10u128.pow(QUANTITY_PLACES + places))
            .map_or(i128::MAX as u128, |bound| bound.min(i128::MAX as u128));
        FixedCosts {
            places,
            costs,
            exact,
            money_bound,
        }
    }

    /// Decimal places of a fixed-point money sum: quantity places plus cost places.
    fn money_places(&self) -> u32 {
        QUANTITY_PLACES + self.places
    }
}

/// One family's sums: fixed point where it fits, Decimal for the rest.
#[derive(Debug, Clone, Default)]
struct FamilySums {
    /// Money per window, in units of 10^-(money places).
    fixed: [i128; 2],
    /// Money per window that did not fit the fixed point.
    exact: Option<Box<[Decimal; 2]>>,
    /// Which windows the family has rows in (bit 0 before, bit 1 after).
    windows: u8,
    /// Where the family first appears: (file number, byte offset), so that families come out in
    /// the order they were first read, however the reading was split between threads.
    first_seen: (u32, u64),
    /// Each window's services, when itemising.
    lines: Option<Box<[IndexMap<ServiceId, ServiceUse>; 2]>>,
}

/// Running sums for one read (or one thread's share of it).
#[derive(Debug)]
pub struct Accumulator<'a> {
    costs: &'a FixedCosts,
    /// Family id to its index; ids are kept once, here and in `ids`.
    index: FxHashMap<Box<str>, u32>,
    ids: Vec<Box<str>>,
    families: Vec<FamilySums>,
    /// Per window, per service: total quantity in millionths, and what did not fit.
    quantities: [Vec<i128>; 2],
    exact_quantities: [Vec<Decimal>; 2],
    /// Per window, per service: whether any row used it.
    services_used: [Vec<bool>; 2],
    /// Keep each family's lines (for statements)? Turned off once there are more families than
    /// `itemise_limit`.
    itemise: bool,
    itemise_limit: Option<usize>,
    /// The last family looked up: rows of one family usually come together.
    last: Option<u32>,
}

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

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

impl<'a> Accumulator<'a> {
    pub fn new(costs: &'a FixedCosts, itemise: Itemise) -> Accumulator<'a> {
        let services = costs.costs.len();
        Accumulator {
            costs,
            index: FxHashMap::default(),
            ids: Vec::new(),
            families: Vec::new(),
            quantities: [vec![0; services], vec![0; services]],
            exact_quantities: [vec![Decimal::ZERO; services], vec![Decimal::ZERO; services]],
            services_used: [vec![false; services], vec![false; services]],
            itemise: itemise != Itemise::Never,
            itemise_limit: match itemise {
                Itemise::UpTo(limit) => Some(limit),
                _ => None,
            },
            last: None,
        }
    }

    /// The index of a family, adding it if it is new. `position` is where this row is, for the
    /// order families are reported in.
    pub fn family(&mut self, id: &str, position: (u32, u64)) -> u32 {
        if let Some(index) = self.last
            && *self.ids[index as usize] == *id
        {
            let sums = &mut self.families[index as usize];
            sums.first_seen = sums.first_seen.min(position);
            return index;
        }
        let index = match self.index.get(id) {
            Some(&index) => {
                let sums = &mut self.families[index as usize];
                sums.first_seen = sums.first_seen.min(position);
                index
            }
            None => {
                let index = self.ids.len() as u32;
                let boxed: Box<str> = id.into();
                self.index.insert(boxed.clone(), index);
                self.ids.push(boxed);
                self.families.push(FamilySums {
                    first_seen: position,
                    ..FamilySums::default()
                });
                self.check_itemise_limit();
                index
            }
        };
        self.last = Some(index);
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
                family.lines = None;
            }
        }
    }

    /// Adds one row. On an error nothing is added: every new sum is worked out first, and stored
    /// only when all of them fit.
    pub fn add(
        &mut self,
        family: u32,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let service_index = service.0 as usize;
        let sums = &self.families[family as usize];

        // Money: the fixed point if the product and the sum fit, else exactly in Decimal.
        let fixed_money = match (quantity, self.costs.costs[service_index]) {
            (Quantity::Millionths(millionths), Some(cost)) => millionths
                .checked_mul(cost)
                .and_then(|product| sums.fixed[window].checked_add(product))
                .filter(|sum| sum.unsigned_abs() <= self.costs.money_bound),
            _ => None,
        };
        let exact_money = match fixed_money {
            Some(_) => None,
            None => {
                let product = quantity
                    .to_decimal()?
                    .checked_mul(self.costs.exact[service_index])
                    .ok_or(RowError::CostOverflow)?;
                let current = sums
                    .exact
                    .as_ref()
                    .map_or(Decimal::ZERO, |exact| exact[window]);
                Some(current.checked_add(product).ok_or(RowError::SumOverflow)?)
            }
        };

        // Quantity per service, for the agency split.
        let fixed_quantity = match quantity {
            Quantity::Millionths(millionths) => self.quantities[window][service_index]
                .checked_add(millionths)
                .filter(|sum| sum.unsigned_abs() <= QUANTITY_BOUND),
            Quantity::Exact(_) => None,
        };
        let exact_quantity = match fixed_quantity {
            Some(_) => None,
            None => Some(
                self.exact_quantities[window][service_index]
                    .checked_add(quantity.to_decimal()?)
                    .ok_or(RowError::SumOverflow)?,
            ),
        };

        // The family's line for the service, when itemising.
        let line_quantity = match (&sums.lines, self.itemise) {
            (_, false) => None,
            (lines, true) => {
                let current = lines
                    .as_ref()
                    .and_then(|lines| lines[window].get(&service))
                    .map_or(Decimal::ZERO, |line| line.quantity);
                Some(
                    current
                        .checked_add(quantity.to_decimal()?)
                        .ok_or(RowError::SumOverflow)?,
                )
            }
        };

        // Everything fits: store it.
        let sums = &mut self.families[family as usize];
        match (fixed_money, exact_money) {
            (Some(sum), _) => sums.fixed[window] = sum,
            (None, Some(sum)) => sums.exact.get_or_insert_with(Default::default)[window] = sum,
            (None, None) => unreachable!("one of the two is always set"),
        }
        match (fixed_quantity, exact_quantity) {
            (Some(sum), _) => self.quantities[window][service_index] = sum,
            (None, Some(sum)) => self.exact_quantities[window][service_index] = sum,
            (None, None) => unreachable!("one of the two is always set"),
        }
        self.services_used[window][service_index] = true;
        sums.windows |= 1 << window;
        if let Some(quantity) = line_quantity {
            let lines = sums.lines.get_or_insert_with(Default::default);
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
    pub fn merge(&mut self, other: Accumulator<'a>) -> Result<(), RowError> {
        let Accumulator {
            ids,
            families,
            quantities,
            exact_quantities,
            services_used,
            itemise,
            ..
        } = other;
        if !itemise {
            self.itemise = false;
            for family in &mut self.families {
                family.lines = None;
            }
        }
        for (id, theirs) in ids.into_iter().zip(families) {
            let index = self.family(&id, theirs.first_seen) as usize;
            let ours = &mut self.families[index];
            for window in 0..2 {
                match ours.fixed[window].checked_add(theirs.fixed[window]) {
                    Some(sum) => ours.fixed[window] = sum,
                    None => {
                        let spill = Decimal::try_from_i128_with_scale(
                            theirs.fixed[window],
                            self.costs.money_places(),
                        )
                        .map_err(|_| RowError::TotalTooLarge)?;
                        let exact = ours.exact.get_or_insert_with(Default::default);
                        exact[window] = exact[window]
                            .checked_add(spill)
                            .ok_or(RowError::TotalTooLarge)?;
                    }
                }
            }
            if let Some(their_exact) = theirs.exact {
                let exact = ours.exact.get_or_insert_with(Default::default);
                for window in 0..2 {
                    exact[window] = exact[window]
                        .checked_add(their_exact[window])
                        .ok_or(RowError::TotalTooLarge)?;
                }
            }
            ours.windows |= theirs.windows;
            if self.itemise
                && let Some(their_lines) = theirs.lines
            {
                let lines = ours.lines.get_or_insert_with(Default::default);
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
        }
        for window in 0..2 {
            for service in 0..self.quantities[window].len() {
                match self.quantities[window][service].checked_add(quantities[window][service]) {
                    Some(sum) => self.quantities[window][service] = sum,
                    None => {
                        let spill = Decimal::try_from_i128_with_scale(
                            quantities[window][service],
                            QUANTITY_PLACES,
                        )
                        .map_err(|_| RowError::TotalTooLarge)?;
                        let exact = &mut self.exact_quantities[window][service];
                        *exact = exact.checked_add(spill).ok_or(RowError::TotalTooLarge)?;
                    }
                }
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
        let money_places = self.costs.money_places();
        let to_decimal =
            |value: i128, places: u32| exact_decimal(value, places).ok_or(RowError::SumOverflow);
        let mut order: Vec<u32> = (0..self.ids.len() as u32).collect();
        order.sort_by_key(|&index| self.families[index as usize].first_seen);

        let mut ids: Vec<Option<Box<str>>> = self.ids.into_iter().map(Some).collect();
        let mut families: Vec<Option<FamilySums>> = self.families.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(order.len());
        for index in order {
            let sums = families[index as usize].take().expect("each family once");
            let mut money = [Decimal::ZERO; 2];
            for (window, total) in money.iter_mut().enumerate() {
                *total = to_decimal(sums.fixed[window], money_places)?;
                if let Some(exact) = &sums.exact {
                    *total = total
                        .checked_add(exact[window])
                        .ok_or(RowError::SumOverflow)?;
                }
            }
            out.push(FamilyUsage {
                family_id: ids[index as usize].take().expect("each family once"),
                money,
                windows: sums.windows,
                lines: sums.lines,
            });
        }
        let mut quantities = [Vec::new(), Vec::new()];
        for (window, totals) in quantities.iter_mut().enumerate() {
            for service in 0..self.quantities[window].len() {
                let fixed = to_decimal(self.quantities[window][service], QUANTITY_PLACES)?;
                totals.push(
                    fixed
                        .checked_add(self.exact_quantities[window][service])
                        .ok_or(RowError::TotalTooLarge)?,
                );
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

/// A fixed-point integer as an exact Decimal, dropping trailing zeros if the mantissa is too wide.
fn exact_decimal(mut value: i128, mut places: u32) -> Option<Decimal> {
    loop {
        if places <= 28
            && let Ok(decimal) = Decimal::try_from_i128_with_scale(value, places)
        {
            return Some(decimal.normalize());
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

    #[test]
    fn quantities_take_the_fixed_point_when_they_can() {
        let decimal = |text: &str| Decimal::from_str(text).unwrap();
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
        assert_eq!(
            Quantity::Millionths(1_500_000).to_decimal(),
            Ok(decimal("1.5"))
        );
        assert_eq!(
            Quantity::Millionths(79_000_000_000_000_000_000_000_000_000 * 1_000_000).to_decimal(),
            Ok(decimal("79000000000000000000000000000"))
        );
        assert_eq!(
            Quantity::Millionths(i128::MAX).to_decimal(),
            Err(RowError::QuantityTooLarge)
        );
    }

    #[test]
    fn wide_fixed_point_values_convert_exactly() {
        assert_eq!(
            exact_decimal(2_046_000_000_000_000, 12),
            Some(Decimal::from(2046))
        );
        let wide = 10i128.pow(30) * 123;
        assert_eq!(
            exact_decimal(wide, 18),
            Some(Decimal::from_str("123000000000000").unwrap())
        );
        assert_eq!(exact_decimal(i128::MAX, 0), None);
    }
}

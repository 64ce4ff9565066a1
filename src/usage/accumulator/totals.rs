//! The figures a read gives: each family's money per window and each service's quantity per
//! window, as exact Decimals at the scale of the inputs, families in the order first read.

use super::fixed_point::{QUANTITY_PLACES, exact_decimal};
use super::lines::ItemisedLines;
use super::{Accumulator, FamilySums};
use crate::usage::RowError;
use rust_decimal::Decimal;

impl Accumulator<'_> {
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
            let order: Vec<u32> = order.into_iter().map(|(_, index)| index).collect();
            put_in_order(&mut ids, &mut families, order);
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
        // What each family's sums were read into (its extra figures' box and its lines' bytes)
        // is let go on this thread, not where the families are mapped (see
        // `map_pairs_releasing`).
        let out: Vec<FamilyUsage> = crate::large_lists::map_pairs_releasing(
            ids,
            families,
            crate::large_lists::PIECE_WITH_LEFTOVERS,
            |_, (family_id, mut sums)| {
                let money = family_money(&sums).unwrap_or_else(|_| {
                    too_large.store(true, std::sync::atomic::Ordering::Relaxed);
                    [Decimal::ZERO; 2]
                });
                let (lines, read_into) = sums
                    .extra
                    .as_mut()
                    .and_then(|extra| extra.lines.take())
                    .map(super::lines::in_reading_order)
                    .unzip();
                let family = FamilyUsage {
                    // A short id was left empty while reading (see `Accumulator::find_family`
                    // and `partitions::add_block`): it is written from its key, its packed
                    // bytes, only now, as each piece of the families is turned into figures.
                    family_id: if sums.long_id {
                        family_id
                    } else {
                        unpacked(sums.key)
                    },
                    money,
                    windows: sums.windows,
                    lines,
                };
                (family, (sums.extra, read_into))
            },
        );
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

/// Moves family `order[new]` to `new`, for every `new`, in place: the lists are the job's largest,
/// and copying them into order would hold two of each at once (on a national study in no order,
/// the job's peak memory). Each cycle of the permutation is followed once, swapping as it goes.
fn put_in_order(ids: &mut [Box<str>], families: &mut [FamilySums], mut order: Vec<u32>) {
    for start in 0..order.len() {
        let mut at = start;
        // A family already in place, or a cycle already followed, is marked by `order[at] == at`.
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start || from == at {
                break;
            }
            ids.swap(at, from);
            families.swap(at, from);
            at = from;
        }
    }
}

/// A short id from its packed bytes (see [`pack`](crate::usage::row::pack)): up to eight bytes,
/// the rest zero (ids hold no NUL bytes).
fn unpacked(key: u64) -> Box<str> {
    let bytes = key.to_le_bytes();
    let length = 8 - (key.leading_zeros() / 8) as usize;
    std::str::from_utf8(&bytes[..length])
        .expect("packed from text")
        .into()
}

/// One family's service use, both windows.
#[derive(Debug, Clone)]
pub struct FamilyUsage {
    pub family_id: Box<str>,
    /// What the family's services cost in each window (before, after).
    pub money: [Decimal; 2],
    /// Which windows the family has rows in (bit 0 before, bit 1 after: see
    /// [`crate::usage::Window::bit`]).
    pub windows: u8,
    /// Each window's services, when the read was itemised. (Not boxed: every family of an
    /// itemised read has them, and a box apiece would be 48 bytes more for each.)
    pub lines: Option<ItemisedLines>,
}

impl FamilyUsage {
    /// Whether the family has rows in `window` and none in the other.
    pub fn only_in(&self, window: crate::usage::Window) -> bool {
        self.windows == window.bit()
    }
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

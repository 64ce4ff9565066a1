//! Folding the accumulators of a read's threads into one. Integer addition is associative, so
//! the merged sums are exactly those of reading every row on one thread.

use super::family_index::Lookup;
use super::fixed_point::{DECIMAL_MAX, FixedCosts};
use super::{Accumulator, FamilySums, lines};
use crate::usage::{RowError, StudyUsage};
use rust_decimal::Decimal;

impl<'a> Accumulator<'a> {
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
        let (ids, families, totals) = other.into_parts();
        if !totals.itemise && self.itemise {
            self.itemise_limit = Some(0);
            self.check_itemise_limit();
        }
        if last && self.families.is_empty() {
            // Nothing to add theirs to, and no lookup to follow: their lists become ours, rather
            // than being copied (a second copy of the largest lists of a national job).
            (self.ids, self.families) = (ids, families);
            if totals.itemise && !self.itemise {
                for sums in &mut self.families {
                    if let Some(extra) = &mut sums.extra {
                        extra.lines = None;
                    }
                }
            }
            self.fold_totals(totals)?;
            self.check_itemise_limit();
            return Ok(());
        }
        self.ids.reserve(ids.len());
        self.families.reserve(families.len());
        // Their families come in the order they were first read, as ours did: in sorted files,
        // each is the one after the last in our list, or new (see `FamilyIndex::lookup`).
        self.family_index.last = None;
        // Their lists given back as they are folded in: ours and theirs whole at once were the
        // peak of a national job.
        crate::large_lists::drain_pairs_releasing(ids, families, |id, theirs| {
            self.fold_family(id, theirs, !last)
        })?;
        self.fold_totals(totals)?;
        self.check_itemise_limit();
        Ok(())
    }

    /// Folds in one family of another accumulator: added to ours if we have it, else taken over
    /// whole (and made findable if `findable`, for lookups to come).
    pub(super) fn fold_family(
        &mut self,
        id: Box<str>,
        mut theirs: FamilySums,
        findable: bool,
    ) -> Result<(), RowError> {
        let packed = (!theirs.long_id).then_some(theirs.key);
        let found = self
            .family_index
            .lookup(&self.ids, &self.families, &id, packed);
        let index = match found {
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
                if findable {
                    self.add_family(id, theirs)
                } else {
                    self.ids.push(id);
                    self.families.push(theirs);
                    self.ids.len() as u32 - 1
                }
            }
        };
        self.family_index.last = Some((index, packed));
        Ok(())
    }

    /// Adds another accumulator's service totals to ours.
    pub(super) fn fold_totals(&mut self, theirs: ServiceTotals) -> Result<(), RowError> {
        self.quantity_places = self.quantity_places.max(theirs.quantity_places);
        for window in 0..2 {
            for service in 0..self.quantities[window].len() {
                self.quantities[window][service] = self.quantities[window][service]
                    .checked_add(theirs.quantities[window][service])
                    .filter(|sum| sum.unsigned_abs() <= DECIMAL_MAX * 1_000_000)
                    .ok_or(RowError::TotalTooLarge)?;
                let exact = &mut self.exact_quantities[window][service];
                *exact = exact
                    .checked_add(theirs.exact_quantities[window][service])
                    .ok_or(RowError::TotalTooLarge)?;
                self.services_used[window][service] |= theirs.services_used[window][service];
            }
        }
        Ok(())
    }

    /// Its families (ids and sums, in the order added) and its service totals.
    pub(super) fn into_parts(self) -> (Vec<Box<str>>, Vec<FamilySums>, ServiceTotals) {
        let Accumulator {
            ids,
            families,
            quantities,
            exact_quantities,
            services_used,
            quantity_places,
            itemise,
            ..
        } = self;
        let totals = ServiceTotals {
            quantities,
            exact_quantities,
            services_used,
            quantity_places,
            itemise,
        };
        (ids, families, totals)
    }
}

/// An accumulator's sums that are not any family's: each service's totals per window.
pub(super) struct ServiceTotals {
    quantities: [Vec<i128>; 2],
    exact_quantities: [Vec<Decimal>; 2],
    services_used: [Vec<bool>; 2],
    quantity_places: u32,
    itemise: bool,
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
        lines::merge(lines, their_lines)?;
    }
    Ok(())
}

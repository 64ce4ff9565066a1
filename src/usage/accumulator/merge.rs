//! Folding the accumulators of a read's threads into one. Integer addition is associative, so
//! the merged sums are exactly those of reading every row on one thread.

use super::family_index::Lookup;
use super::fixed_point::{DECIMAL_MAX, FixedCosts};
use super::{Accumulator, FamilySums, lines};
use crate::usage::{RowError, StudyUsage};

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
        // each is the one after the last in our list, or new (see `FamilyIndex::lookup`).
        self.family_index.last = None;
        for (id, mut theirs) in ids.into_iter().zip(families) {
            let packed = (!theirs.long_id).then_some(theirs.key);
            let index = match self
                .family_index
                .lookup(&self.ids, &self.families, &id, packed)
            {
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
            self.family_index.last = Some((index, packed));
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

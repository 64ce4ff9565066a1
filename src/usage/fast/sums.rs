//! A reading thread's sums: its own accumulator while rows come grouped by family, and the shared
//! partitions ([`Partitions`]) once they do not.
//!
//! Why both: in a file sorted or grouped by family, nearly every row is of the family of the row
//! before, found without a lookup, and the accumulator alone is fastest. In any other order
//! (shuffled, grouped by service) nearly every row looks its family up in a table too large for
//! the cache, and partitioned aggregation is several times faster. Which order a file is in shows
//! after a block or two, so the thread starts with its accumulator and moves its families into
//! the partitions when the rows turn out to be scattered.

use super::Fallback;
use crate::costs::ServiceId;
use crate::usage::accumulator::{Accumulator, Partitions, Quantity, Scatter};

/// Below this many families the table fits the cache well enough that partitions do not pay.
const FEWEST_FAMILIES: usize = 16 << 10;

/// Rows are scattered when more than this share of a block's rows (one in ...) change family.
const SCATTERED_ONE_IN: u64 = 2;

/// Whether every thread is to add up in the partitions from the first row, whatever the order
/// and the number of families (`TFCALC_READER=partitioned`), so that tests can hold them to the
/// accumulator on files of any size.
pub(super) fn partitions_forced() -> bool {
    std::env::var_os("TFCALC_READER").is_some_and(|value| value == "partitioned")
}

pub(super) struct ThreadSums<'c, 'p> {
    accumulator: Accumulator<'c>,
    partitions: &'p Partitions<'c>,
    /// Set once the rows have turned out scattered: every row goes to the partitions.
    scatter: Option<Scatter>,
    /// [`Accumulator::scattered_rows`] at the end of the last block.
    scattered_before: u64,
    /// Move to the partitions at the first block's end whatever the rows (see
    /// [`partitions_forced`]).
    forced: bool,
}

impl<'c, 'p> ThreadSums<'c, 'p> {
    /// Sums starting with the accumulator, or if `partitioned` (to test the partitions on small
    /// files: see [`partitions_forced`]) with the partitions from the first row, where they take
    /// the accumulator's families (see [`Partitions::takes`]).
    pub(super) fn new(
        accumulator: Accumulator<'c>,
        partitions: &'p Partitions<'c>,
        partitioned: bool,
    ) -> Self {
        let scatter = (partitioned && partitions.takes(&accumulator)).then(Scatter::new);
        ThreadSums {
            accumulator,
            partitions,
            scatter,
            scattered_before: 0,
            forced: partitioned,
        }
    }

    /// Adds a row of this family (see [`Accumulator::family`] and [`Accumulator::add`]).
    #[inline(always)]
    pub(super) fn add_row(
        &mut self,
        id: &str,
        position: u64,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), Fallback> {
        match &mut self.scatter {
            None => {
                let family = self.accumulator.family(id, position);
                self.accumulator
                    .add(family, position, window, service, quantity, note)
            }
            Some(scatter) => scatter.add(
                self.partitions,
                id,
                position,
                window,
                service,
                quantity,
                note,
            ),
        }
        .map_err(|_| super::Fallback("a sum too large"))
    }

    /// Called after each block of `rows` rows: moves to the partitions if the block's rows were
    /// scattered among many families.
    pub(super) fn block_read(&mut self, rows: u64) -> Result<(), Fallback> {
        if self.scatter.is_some() {
            return Ok(());
        }
        let scattered = self.accumulator.scattered_rows();
        let in_block = scattered - self.scattered_before;
        self.scattered_before = scattered;
        let scattered = rows > 0
            && in_block * SCATTERED_ONE_IN > rows
            && self.accumulator.family_count() >= FEWEST_FAMILIES;
        if (scattered || self.forced) && self.partitions.takes(&self.accumulator) {
            let empty = Accumulator::new(self.accumulator.costs(), crate::usage::Itemise::Never);
            let accumulator = std::mem::replace(&mut self.accumulator, empty);
            self.partitions
                .absorb(accumulator)
                .map_err(|_| super::Fallback("a sum too large"))?;
            self.scatter = Some(Scatter::new());
        }
        Ok(())
    }

    /// The thread's accumulator (empty if it moved to the partitions), its blocks added up.
    pub(super) fn finish(mut self) -> Result<Accumulator<'c>, Fallback> {
        if let Some(scatter) = &mut self.scatter {
            scatter
                .flush(self.partitions)
                .map_err(|_| super::Fallback("a sum too large"))?;
        }
        Ok(self.accumulator)
    }
}

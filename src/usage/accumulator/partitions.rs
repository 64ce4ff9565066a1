//! Partitioned aggregation, for rows in any order: each family belongs to one of a few dozen
//! partitions by a hash of its id, rows wait in a bounded block per partition, and a full block is
//! added to its partition in one go.
//!
//! Why: a national study has hundreds of thousands of families, whose sums are far larger than
//! the cache. When rows are not grouped by family (shuffled, or grouped by service), nearly every
//! row looks up a family other than the last, and each lookup misses the cache. A partition holds
//! a sixty-fourth of the families, so while its block is added its sums stay in the cache, and
//! the rows of the block reuse them; a plain row's family and sums are found in one place (see
//! [`plain_sums`]), one miss at most. The blocks are reused, so memory grows with the partitions
//! and families, never with the rows.
//!
//! The partitions are shared by the reading threads (each behind its own lock, taken once a
//! block), so each family's sums exist once, not once per thread, and no merge of whole tables is
//! needed: partitions hold different families, and are joined by appending (see
//! [`Partitions::into_accumulator`]). Sums are exact integers, which add up the same in any order,
//! and families are reported in the order first read (by where they were first seen), so the
//! result is identical to reading the rows in order on one thread.

mod plain_sums;

use super::family_index::{mix, spread};
use super::fixed_point::{DECIMAL_MAX, FixedCosts, Quantity, places_used, within};
use super::{Accumulator, FamilySums, Itemise};
use crate::costs::ServiceId;
use crate::usage::RowError;
use crate::usage::row::pack;
use plain_sums::{POSITION_LIMIT, PlainSums, prefetch};
use std::sync::Mutex;

/// How many partitions: enough that a national study's partition (about 6,000 families, some
/// 256 KB of plain sums) stays in a core's 1 MB second-level cache. (128 and 256 partitions, or
/// 16 and 32 with larger blocks, were no faster.)
const PARTITIONS: usize = 64;

/// Rows that wait in each partition's block before it is added up: enough that a national
/// partition's families have a row or more in each block (8,192 against some 6,000 families),
/// few enough that the blocks of a thread (this many rows of 24 bytes in each partition) stay
/// about 12 MB. (Against 4,096, shuffled and grouped by service took 5% less time on the
/// national study, for 3 to 5 MB more at the peak; 128 partitions of 4,096 were between.)
const BLOCK_ROWS: usize = 8192;

/// Rows ahead of the one written in a block whose place in it is asked for: over four cache lines,
/// so that each line of the block is fetched well before its first row is written.
const WRITE_AHEAD: usize = 12;

/// Which partition a family belongs to, from [`spread`]: bits the family table does not use to
/// place entries (its low bits) nor to tag them (its top seven), so that the families of one
/// partition still spread over its own table.
#[inline]
fn partition_of(spread: u64) -> usize {
    (spread >> 40) as usize % PARTITIONS
}

/// The partitions, shared by the reading threads.
pub struct Partitions<'c> {
    parts: Vec<Mutex<Partition<'c>>>,
    /// Whether the partitions keep every family's itemised lines: then every row is added to
    /// its partition's accumulator, a block at a time (see [`add_block`]).
    itemise: bool,
}

/// One partition's families: the sums of plain rows in a table of their own ([`PlainSums`]),
/// and whatever else (families moved in from a thread's accumulator, rows with a long id, an
/// exact quantity, a cost that is not fixed-point, a note) in an accumulator. A family may be in
/// both, and is added up from both at the end ([`Partitions::into_accumulator`]).
struct Partition<'c> {
    plain: PlainSums,
    accumulator: Accumulator<'c>,
}

/// A row waiting in its partition's block: a family with a short id (its packed bytes), and a
/// plain quantity. Any other row is added at once.
///
/// 24 bytes rather than 32, as the blocks are written and read back once a row: where the row is
/// is kept as an offset from the block's first row (see [`Block`]), and the service and window
/// share a word.
#[derive(Clone, Copy)]
struct Waiting {
    key: u64,
    millionths: i64,
    after_base: u32,
    service_window: u32,
}

/// A partition's rows waiting to be added, and where the first of them is: every row's
/// position is at or after it, and within [`u32::MAX`] of it.
struct Block {
    base: u64,
    rows: Vec<Waiting>,
}

/// One reading thread's blocks, one for each partition.
pub struct Scatter {
    blocks: Vec<Block>,
}

impl<'c> Partitions<'c> {
    /// Partitions that keep every family's itemised lines if `itemise` is [`Itemise::Always`],
    /// and none otherwise (a limit on the families itemised is the whole read's, which no
    /// partition knows: see [`Partitions::takes`]).
    pub fn new(costs: &'c FixedCosts, itemise: Itemise) -> Partitions<'c> {
        let itemise = if itemise == Itemise::Always {
            Itemise::Always
        } else {
            Itemise::Never
        };
        Partitions {
            parts: (0..PARTITIONS)
                .map(|_| {
                    Mutex::new(Partition {
                        plain: PlainSums::default(),
                        accumulator: Accumulator::new(costs, itemise),
                    })
                })
                .collect(),
            itemise: itemise == Itemise::Always,
        }
    }

    /// Whether a thread's accumulator can move its families here: it keeps no lines, or these
    /// keep every family's.
    pub fn takes(&self, accumulator: &Accumulator<'_>) -> bool {
        self.itemise || !accumulator.itemises()
    }

    fn part(&self, partition: usize) -> std::sync::MutexGuard<'_, Partition<'c>> {
        self.parts[partition]
            .lock()
            .expect("no thread panics holding it")
    }

    /// Moves an accumulator's families into their partitions, adding to those already there,
    /// and its service totals into the first partition.
    pub fn absorb(&self, accumulator: Accumulator<'c>) -> Result<(), RowError> {
        let (ids, families, totals) = accumulator.into_parts();
        let mut shares: Vec<Vec<_>> = (0..PARTITIONS).map(|_| Vec::new()).collect();
        for (id, sums) in ids.into_iter().zip(families) {
            let packed = (!sums.long_id).then_some(sums.key);
            shares[partition_of(spread(&id, packed))].push((id, sums));
        }
        for (partition, share) in shares.into_iter().enumerate() {
            let part = &mut self.part(partition).accumulator;
            part.family_index.last = None;
            for (id, sums) in share {
                part.fold_family(id, sums, true)?;
            }
        }
        self.part(0).accumulator.fold_totals(totals)
    }

    /// Whether any family has been put in a partition.
    pub fn is_used(&self) -> bool {
        (0..PARTITIONS).any(|partition| {
            let part = self.part(partition);
            part.accumulator.family_count() > 0 || part.plain.len() > 0
        })
    }

    /// All the partitions as one accumulator, for its figures: their families appended one
    /// partition after another (no family is in two), to be put in the order first read by
    /// [`Accumulator::finish`].
    pub fn into_accumulator(self) -> Result<Accumulator<'c>, RowError> {
        let mut parts = self
            .parts
            .into_iter()
            .map(|part| {
                let Partition {
                    plain,
                    accumulator: mut part,
                } = part.into_inner().expect("no thread panics holding it");
                // The plain sums join the families moved in and the rows added otherwise;
                // families only they have are appended, as no lookup follows.
                part.family_index.last = None;
                part.families.reserve_exact(plain.len());
                part.ids.reserve_exact(plain.len());
                for sums in plain.into_families() {
                    part.fold_family(Box::default(), sums, false)?;
                }
                // The tables go before the lists are joined, rather than adding to the job's
                // peak memory while they are.
                part.family_index = super::family_index::FamilyIndex::new();
                Ok(part)
            })
            .collect::<Result<Vec<_>, RowError>>()?
            .into_iter();
        let mut all = parts.next().expect("there are partitions");
        // Room for every family at once: grown by doubling, the lists would at one point take
        // twice their final size, on the job's largest allocation.
        let others: usize = parts.as_slice().iter().map(Accumulator::family_count).sum();
        all.ids.reserve_exact(others);
        all.families.reserve_exact(others);
        for part in parts {
            let (ids, families, totals) = part.into_parts();
            all.ids.extend(ids);
            all.families.extend(families);
            all.fold_totals(totals)?;
        }
        Ok(all)
    }
}

impl Default for Scatter {
    fn default() -> Scatter {
        Scatter::new()
    }
}

impl Scatter {
    pub fn new() -> Scatter {
        Scatter {
            blocks: (0..PARTITIONS)
                .map(|_| Block {
                    base: 0,
                    rows: Vec::with_capacity(BLOCK_ROWS),
                })
                .collect(),
        }
    }

    /// Adds a row (see [`Accumulator::family`] and [`Accumulator::add`]): to its partition's
    /// block, which is added up when full, or at once if it is not a plain row.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        partitions: &Partitions<'_>,
        id: &str,
        position: u64,
        window: usize,
        service: ServiceId,
        quantity: Quantity,
        note: Option<&str>,
    ) -> Result<(), RowError> {
        let packed = pack(id.as_bytes());
        if let (Some(key @ 1..), Quantity::Millionths(millionths), None, true, true) = (
            packed,
            quantity,
            note,
            service.0 < 1 << 31,
            position < POSITION_LIMIT,
        ) {
            let partition = partition_of(mix(key));
            let block = &mut self.blocks[partition];
            // A row before the block's first, or too far after it, starts a block of its own: it
            // happens only where a thread moves to another file or takes over another's chunks.
            let after_base = match position.checked_sub(block.base) {
                Some(after) if !block.rows.is_empty() && after <= u64::from(u32::MAX) => after,
                _ => {
                    if !block.rows.is_empty() {
                        add_block(&mut partitions.part(partition), block)?;
                    }
                    block.base = position;
                    0
                }
            };
            block.rows.push(Waiting {
                key,
                millionths,
                after_base: after_base as u32,
                service_window: service.0 << 1 | window as u32,
            });
            // A thread's blocks are several megabytes, beyond its second-level cache, so the
            // first row written to each cache line of a block would miss, and the stores behind
            // it wait for the line: one miss every three rows, some 40 ns a row on a national
            // study, shuffled. Asked for ahead, the line is there when written to. (Writing whole
            // lines from a small buffer per partition with non-temporal stores, which skip the
            // fetch, was no faster.)
            if let Some(ahead) = block.rows.spare_capacity_mut().get(WRITE_AHEAD) {
                prefetch(ahead);
            }
            if block.rows.len() == BLOCK_ROWS {
                add_block(&mut partitions.part(partition), block)?;
            }
            return Ok(());
        }
        let part = &mut partitions
            .part(partition_of(spread(id, packed)))
            .accumulator;
        let family = part.family(id, position);
        part.add(family, position, window, service, quantity, note)
    }

    /// Adds up every block, full or not.
    pub fn flush(&mut self, partitions: &Partitions<'_>) -> Result<(), RowError> {
        for (partition, block) in self.blocks.iter_mut().enumerate() {
            if !block.rows.is_empty() {
                add_block(&mut partitions.part(partition), block)?;
            }
        }
        Ok(())
    }
}

/// Rows ahead of the one at hand whose family's slot is asked for: enough for the misses of that
/// many rows to overlap.
const PREFETCH_AHEAD: usize = 16;

/// Adds a block's rows to its partition, and empties it.
///
/// The partition's table was evicted since its last block, and nearly each row's family is a
/// miss: each row's slot is asked for [`PREFETCH_AHEAD`] rows before it is added, so that the
/// misses of different rows overlap rather than follow one another.
#[inline(never)]
fn add_block(part: &mut Partition<'_>, block: &mut Block) -> Result<(), RowError> {
    if part.accumulator.itemises() {
        // Each row to its family's lines: a block of a partition's rows together still finds
        // their families in a table a sixty-fourth the size, and each family is kept once rather
        // than once for each thread.
        for row in &block.rows {
            let position = block.base + u64::from(row.after_base);
            let window = (row.service_window & 1) as usize;
            let service = (row.service_window >> 1) as usize;
            add_to_accumulator(&mut part.accumulator, row, position, window, service)?;
        }
        block.rows.clear();
        return Ok(());
    }
    for (at, row) in block.rows.iter().enumerate() {
        if let Some(ahead) = block.rows.get(at + PREFETCH_AHEAD) {
            part.plain.prefetch(ahead.key);
        }
        let position = block.base + u64::from(row.after_base);
        let window = (row.service_window & 1) as usize;
        let service = (row.service_window >> 1) as usize;
        if !add_plain(part, row, position, window, service) {
            add_to_accumulator(&mut part.accumulator, row, position, window, service)?;
        }
    }
    block.rows.clear();
    Ok(())
}

/// Adds a row to its family's plain sums, and its service's totals, as [`Accumulator::add`]
/// would: false, and nothing changed, if it is not the common case (a fixed-point cost, and sums
/// that fit).
#[inline(always)]
fn add_plain(
    part: &mut Partition<'_>,
    row: &Waiting,
    position: u64,
    window: usize,
    service: usize,
) -> bool {
    let accumulator = &mut part.accumulator;
    let Some(cost) = accumulator.costs.costs[service] else {
        return false;
    };
    let Ok(money) = i64::try_from(i128::from(row.millionths) * i128::from(cost)) else {
        return false;
    };
    let Some(used) = accumulator.quantities[window][service]
        .checked_add(i128::from(row.millionths))
        .filter(|&used| within(used, DECIMAL_MAX * 1_000_000))
    else {
        return false;
    };
    if !part.plain.sums(row.key).add(window, money, position) {
        return false;
    }
    accumulator.quantities[window][service] = used;
    accumulator.services_used[window][service] = true;
    if row.millionths % 1_000_000 != 0 {
        accumulator.quantity_places = accumulator.quantity_places.max(places_used(row.millionths));
    }
    true
}

/// Adds a waiting row to its family in the partition's accumulator: every row when the partitions
/// itemise, and otherwise a row that is not the common case (see [`add_plain`]).
#[inline]
fn add_to_accumulator(
    accumulator: &mut Accumulator<'_>,
    row: &Waiting,
    position: u64,
    window: usize,
    service: usize,
) -> Result<(), RowError> {
    accumulator.family_index.table_only(&accumulator.families);
    let index = match accumulator.family_index.find_short(row.key) {
        Some(index) => index,
        // A new family. Its id is left empty, and written from its key once the families are in
        // order (see `Accumulator::finish`): made here, on the reading threads, the ids would be
        // strewn among the partitions' lists, whose memory then could not be given back when the
        // lists are joined.
        None => accumulator.add_family(
            Box::default(),
            FamilySums {
                first_seen: position,
                key: row.key,
                ..FamilySums::default()
            },
        ),
    };
    accumulator.family_index.last = None;
    let sums = &mut accumulator.families[index as usize];
    sums.first_seen = sums.first_seen.min(position);
    accumulator.add(
        index,
        position,
        window,
        ServiceId(service as u32),
        Quantity::Millionths(row.millionths),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::accumulator::fixed_point::DECIMAL_MAX;
    use crate::usage::accumulator::position;
    use rust_decimal::Decimal;

    fn costs() -> FixedCosts {
        FixedCosts {
            places: 2,
            costs: vec![Some(150), Some(7), None],
            exact: vec![Decimal::new(150, 2), Decimal::new(7, 2), Decimal::new(3, 1)],
            cost_places: vec![2, 2, 1],
            money_bound: DECIMAL_MAX,
        }
    }

    /// A family's id: short (packed), longer than eight bytes (hashed), or either.
    fn family_id(number: u16, style: u8) -> String {
        match style {
            0 => format!("F{number}"),
            1 => format!("FAMILY-{number:08}"),
            _ if number.is_multiple_of(3) => format!("LONG-FAMILY-{number}"),
            _ => format!("{number}"),
        }
    }

    /// The figures, families in order, as text: what the report is made from.
    fn figures(accumulator: Accumulator<'_>) -> Vec<String> {
        let usage = accumulator.finish().unwrap();
        let mut out: Vec<String> = usage
            .families
            .iter()
            .map(|family| {
                let lines: Vec<String> = family
                    .lines
                    .iter()
                    .flat_map(|lines| {
                        lines.iter().map(|line| {
                            let notes: Vec<&str> = lines.notes(&line).collect();
                            format!(
                                "{:?} {} {} {notes:?}",
                                line.service(),
                                line.window(),
                                line.quantity()
                            )
                        })
                    })
                    .collect();
                format!(
                    "{} {:?} {} {lines:?}",
                    family.family_id, family.money, family.windows
                )
            })
            .collect();
        out.push(format!("{:?} {:?}", usage.quantities, usage.services_used));
        out
    }

    /// Rows of three families, enough to fill each one's block more than once, in two files, so
    /// that blocks are added when full, when a row of another file starts a block of its own,
    /// and when a thread's blocks are flushed at its end (part full): the sums are those of one
    /// accumulator reading every row in order.
    #[test]
    fn full_blocks_add_up_as_one_accumulator() {
        let costs = costs();
        let rows: Vec<(u64, String, u32, usize, i64)> = (0..BLOCK_ROWS as u64 * 12 + 123)
            .map(|row| {
                let file = u32::from(row > BLOCK_ROWS as u64 * 8);
                let mixed = mix(row + 1);
                (
                    position(file, row),
                    format!("F{}", mixed % 3),
                    (mixed >> 8) as u32 % 2,
                    (mixed >> 16) as usize % 2,
                    (mixed >> 20) as i64 % 5_000_000,
                )
            })
            .collect();
        let mut one = Accumulator::new(&costs, Itemise::Never);
        for (position, id, service, window, millionths) in &rows {
            let family = one.family(id, *position);
            one.add(
                family,
                *position,
                *window,
                ServiceId(*service),
                Quantity::Millionths(*millionths),
                None,
            )
            .unwrap();
        }
        let partitions = Partitions::new(&costs, Itemise::Never);
        let mut scatters = [Scatter::new(), Scatter::new()];
        for (row, (position, id, service, window, millionths)) in rows.iter().enumerate() {
            scatters[row / 1000 % 2]
                .add(
                    &partitions,
                    id,
                    *position,
                    *window,
                    ServiceId(*service),
                    Quantity::Millionths(*millionths),
                    None,
                )
                .unwrap();
        }
        for scatter in &mut scatters {
            scatter.flush(&partitions).unwrap();
        }
        assert_eq!(
            figures(one),
            figures(partitions.into_accumulator().unwrap())
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Rows added through the partitions, by any number of threads, each moving its own
        /// accumulator's families in part way through, give exactly what one accumulator reading
        /// every row in order gives: the same sums at the same scale, families in the same order,
        /// and when itemised the same lines and notes in the same order.
        #[test]
        fn partitions_add_up_as_one_accumulator(
            rows in proptest::collection::vec(
                (0u16..300, 0u32..3, 0usize..2, 0i64..5_000_000, proptest::bool::ANY, 0u8..8),
                1..800,
            ),
            style in 0u8..3,
            itemised in proptest::bool::ANY,
            threads in 1usize..4,
            switch_at in proptest::collection::vec(0usize..800, 3),
        ) {
            let costs = costs();
            // Itemised, every family's lines too (as `family` reads), and some rows with notes.
            let itemise = if itemised { Itemise::Always } else { Itemise::Never };
            let rows: Vec<(String, u32, usize, Quantity, Option<String>)> = rows
                .into_iter()
                .map(|(number, service, window, millionths, exact, note)| {
                    let quantity = if exact {
                        Quantity::Exact(Decimal::new(millionths, 3))
                    } else {
                        Quantity::Millionths(millionths)
                    };
                    let note = (note < 2).then(|| format!("note {}", millionths % 9));
                    (family_id(number, style), service, window, quantity, note)
                })
                .collect();
            let mut one = Accumulator::new(&costs, itemise);
            for (row, (id, service, window, quantity, note)) in rows.iter().enumerate() {
                let family = one.family(id, position(0, row as u64));
                one.add(family, position(0, row as u64), *window, ServiceId(*service), *quantity, note.as_deref()).unwrap();
            }

            // Rows dealt to the threads in turn; each starts with its own accumulator and moves
            // to the partitions at its own row.
            let partitions = Partitions::new(&costs, itemise);
            let mut own: Vec<Accumulator<'_>> =
                (0..threads).map(|_| Accumulator::new(&costs, itemise)).collect();
            let mut scatters: Vec<Option<Scatter>> = (0..threads).map(|_| None).collect();
            for (row, (id, service, window, quantity, note)) in rows.iter().enumerate() {
                let thread = row % threads;
                if scatters[thread].is_none() && row >= switch_at[thread] {
                    let moved = std::mem::replace(
                        &mut own[thread],
                        Accumulator::new(&costs, itemise),
                    );
                    partitions.absorb(moved).unwrap();
                    scatters[thread] = Some(Scatter::new());
                }
                let position = position(0, row as u64);
                match &mut scatters[thread] {
                    Some(scatter) => scatter
                        .add(&partitions, id, position, *window, ServiceId(*service), *quantity, note.as_deref())
                        .unwrap(),
                    None => {
                        let family = own[thread].family(id, position);
                        own[thread].add(family, position, *window, ServiceId(*service), *quantity, note.as_deref()).unwrap();
                    }
                }
            }
            for scatter in scatters.iter_mut().flatten() {
                scatter.flush(&partitions).unwrap();
            }
            for accumulator in own {
                partitions.absorb(accumulator).unwrap();
            }
            let partitioned = partitions.into_accumulator().unwrap();
            proptest::prop_assert_eq!(figures(one), figures(partitioned));
        }
    }
}

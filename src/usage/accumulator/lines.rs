//! Itemised lines: for studies small enough to itemise, each family's services in each window,
//! with their quantities and a few of their notes, for statements.
//!
//! A family's rows can be read by several threads, and a thread can read a later stretch of a
//! file before an earlier one (see the fast reader's schedule). So each line and each note keeps
//! where it was first read, and the order given back is the order of the rows in the files: the
//! same, line for line and note for note, as reading every row on one thread.

use crate::costs::ServiceId;
use crate::usage::{RowError, ServiceUse};
use indexmap::IndexMap;
use rust_decimal::Decimal;

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

/// One family's lines: each window's services, each with where it and its notes were first
/// read (see [`ServiceUse`]).
pub(super) type Lines = [IndexMap<ServiceId, ServiceUse>; 2];

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

/// The quantity a family's line for `service` in `window` has so far.
pub(super) fn quantity_so_far(lines: Option<&Lines>, window: usize, service: ServiceId) -> Decimal {
    lines
        .and_then(|lines| lines[window].get(&service))
        .map_or(Decimal::ZERO, |line| line.quantity)
}

/// Sets a line's quantity to its new total (worked out, and checked, by the caller) for a row
/// read at `position`, and keeps the row's note if it is new and there is room.
pub(super) fn record(
    lines: &mut Lines,
    window: usize,
    service: ServiceId,
    quantity: Decimal,
    position: u64,
    note: Option<&str>,
) {
    let line = lines[window].entry(service).or_insert_with(|| ServiceUse {
        first_read: position,
        ..ServiceUse::default()
    });
    line.quantity = quantity;
    line.first_read = line.first_read.min(position);
    if let Some(note) = note.filter(|note| !note.is_empty()) {
        keep_note(&mut line.notes, position, note);
    }
}

/// Keeps `note`, read at `position`, if it is new (or was seen only later) and among the first
/// [`NOTES_KEPT`] read.
fn keep_note(notes: &mut Vec<(u64, String)>, position: u64, note: &str) {
    if let Some(kept) = notes.iter_mut().find(|(_, kept)| kept == note) {
        kept.0 = kept.0.min(position);
    } else if notes.len() < NOTES_KEPT {
        notes.push((position, note.to_string()));
    } else if let Some(latest) = notes.iter_mut().max_by_key(|(seen, _)| *seen)
        && latest.0 > position
    {
        // Read out of order: this note comes before one kept.
        *latest = (position, note.to_string());
    }
}

/// Adds one family's lines from another thread to ours.
pub(super) fn merge(lines: &mut Lines, theirs: Lines) -> Result<(), RowError> {
    for (window, services) in theirs.into_iter().enumerate() {
        for (service, usage) in services {
            let line = lines[window].entry(service).or_insert_with(|| ServiceUse {
                first_read: usage.first_read,
                ..ServiceUse::default()
            });
            line.quantity = line
                .quantity
                .checked_add(usage.quantity)
                .ok_or(RowError::TotalTooLarge)?;
            line.first_read = line.first_read.min(usage.first_read);
            for (position, note) in usage.notes {
                keep_note(&mut line.notes, position, &note);
            }
        }
    }
    Ok(())
}

/// Puts a family's lines in the order reported: each window's services in the order their first
/// rows were read, each with its notes in the order read. In place: a national study's lines are
/// the largest thing a `family` job holds, and are not to be copied.
pub(super) fn put_in_reading_order(lines: &mut Lines) {
    for services in lines {
        if !services.values().is_sorted_by_key(|line| line.first_read) {
            services.sort_by(|_, one, _, other| one.first_read.cmp(&other.first_read));
        }
        for line in services.values_mut() {
            if !line.notes.is_sorted_by_key(|(position, _)| *position) {
                line.notes.sort_by_key(|(position, _)| *position);
            }
        }
    }
}

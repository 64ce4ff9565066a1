//! Itemised lines: for studies small enough to itemise, each family's services in each window,
//! with their quantities and a few of their notes, for statements.

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

/// One family's lines: each window's services, in the order first used.
pub(super) type Lines = [IndexMap<ServiceId, ServiceUse>; 2];

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

/// The quantity a family's line for `service` in `window` has so far.
pub(super) fn quantity_so_far(lines: Option<&Lines>, window: usize, service: ServiceId) -> Decimal {
    lines
        .and_then(|lines| lines[window].get(&service))
        .map_or(Decimal::ZERO, |line| line.quantity)
}

/// Sets a line's quantity to its new total (worked out, and checked, by the caller), and keeps the
/// row's note if it is new and there is room.
pub(super) fn record(
    lines: &mut Lines,
    window: usize,
    service: ServiceId,
    quantity: Decimal,
    note: Option<&str>,
) {
    let line = lines[window].entry(service).or_default();
    line.quantity = quantity;
    if let Some(note) = note.filter(|note| !note.is_empty())
        && line.notes.len() < NOTES_KEPT
        && !line.notes.iter().any(|kept| kept == note)
    {
        line.notes.push(note.to_string());
    }
}

/// Adds one family's lines from another thread to ours.
pub(super) fn merge(lines: &mut Lines, theirs: Lines) -> Result<(), RowError> {
    for (window, services) in theirs.into_iter().enumerate() {
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
    Ok(())
}

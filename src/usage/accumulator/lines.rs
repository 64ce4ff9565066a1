//! Itemised lines: for studies small enough to itemise, each family's services in each window,
//! with their quantities and a few of their notes, for statements.
//!
//! A family's rows can be read by several threads, and a thread can read a later stretch of a
//! file before an earlier one (see the fast reader's schedule). So each line and each note keeps
//! where it was first read, and the order given back is the order of the rows in the files: the
//! same, line for line and note for note, as reading every row on one thread.
//!
//! A national study itemised keeps millions of lines, read to written, so a line is small: its
//! service, window and quantity in 12 bytes (see [`ServiceUse`]). Both windows share one list,
//! and the notes (which most rows have none of) are a list beside it. Where each was first read is
//! kept beside them only while reading, and let go when the lines are put in order.

use crate::costs::ServiceId;
use crate::usage::RowError;
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

/// A service in a window: the service's id shifted left, and the window (0 before, 1 after) in
/// the lowest bit, in the low [`KEY_BITS`] of a [`ServiceUse`]'s tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineKey(u32);

/// A line's tag: its key, then its quantity's scale (0 to 28, five bits), then whether its
/// quantity is [`EXACT`].
const KEY_BITS: u32 = 26;
const KEY_MASK: u32 = (1 << KEY_BITS) - 1;
/// The quantity is not its mantissa but an index into its lines' exact quantities.
const EXACT: u32 = 1 << 31;

impl LineKey {
    fn new(window: usize, service: ServiceId) -> LineKey {
        // A cost book's ids are indices into its services, far fewer than 2^25: one so large
        // would be another service's line.
        assert!(window < 2 && service.0 < 1 << (KEY_BITS - 1));
        LineKey((service.0 << 1) | window as u32)
    }
}

/// One family's use of one service in a window, summed over its rows: 12 bytes, as a national
/// study itemised has millions. Its quantity is a Decimal's mantissa and scale, which give the
/// Decimal back exactly (the same digits, at the same scale); a quantity whose mantissa needs
/// more than 64 bits is kept among its lines' exact quantities (see [`ItemisedLines::quantity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, packed(4))]
pub struct ServiceUse {
    /// See [`KEY_BITS`].
    tag: u32,
    /// The mantissa, or for an exact quantity its index.
    value: i64,
}

impl ServiceUse {
    fn key(&self) -> LineKey {
        LineKey(self.tag & KEY_MASK)
    }

    pub fn service(&self) -> ServiceId {
        ServiceId(self.key().0 >> 1)
    }

    /// 0 before, 1 after.
    pub fn window(&self) -> usize {
        (self.tag & 1) as usize
    }
}

/// A distinct `note` text of the rows of one of a family's lines.
#[derive(Debug, Clone, PartialEq)]
struct LineNote {
    key: LineKey,
    text: Box<str>,
}

/// One family's itemised lines: each service it used in each window, in the order their first
/// rows were read, and the distinct notes of each line's rows (the first few), in the order first
/// read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemisedLines {
    lines: Vec<ServiceUse>,
    notes: Vec<LineNote>,
    /// The quantities too large for a line's 64 bits, by index.
    exact: Vec<Decimal>,
}

impl ItemisedLines {
    /// The quantity of one of these lines.
    pub fn quantity(&self, line: &ServiceUse) -> Decimal {
        let value = line.value;
        if line.tag & EXACT == 0 {
            Decimal::new(value, line.tag >> KEY_BITS)
        } else {
            self.exact[value as usize]
        }
    }

    /// Sets the quantity of the line at `index`.
    fn set_quantity(&mut self, index: usize, quantity: Decimal) {
        let line = &mut self.lines[index];
        if line.tag & EXACT != 0 {
            self.exact[line.value as usize] = quantity;
            return;
        }
        let key = line.tag & KEY_MASK;
        match i64::try_from(quantity.mantissa()) {
            // Not a negative zero, which `Decimal::new` would give back as zero.
            Ok(mantissa) if mantissa != 0 || !quantity.is_sign_negative() => {
                line.tag = key | (quantity.scale() << KEY_BITS);
                line.value = mantissa;
            }
            _ => {
                line.tag = key | EXACT;
                line.value = self.exact.len() as i64;
                self.exact.push(quantity);
            }
        }
    }

    /// Every line, both windows, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, ServiceUse> {
        self.lines.iter()
    }

    /// The lines of `window` (0 before, 1 after), in order.
    pub fn window(&self, window: usize) -> impl Iterator<Item = &ServiceUse> {
        self.lines
            .iter()
            .filter(move |line| line.window() == window)
    }

    /// The notes of one of these lines, in the order first read.
    pub fn notes(&self, line: &ServiceUse) -> LineNotes<'_> {
        LineNotes {
            notes: self.notes.iter(),
            key: line.key(),
        }
    }

    /// Forgets the notes (free text that could name a family: see [`crate::pseudonym`]).
    pub fn clear_notes(&mut self) {
        self.notes = Vec::new();
    }
}

/// The notes of one line (see [`ItemisedLines::notes`]).
#[derive(Debug, Clone)]
pub struct LineNotes<'a> {
    notes: std::slice::Iter<'a, LineNote>,
    key: LineKey,
}

impl<'a> Iterator for LineNotes<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let key = self.key;
        self.notes
            .find(|note| note.key == key)
            .map(|note| &*note.text)
    }
}

/// One family's lines as they are read: each line and note with where it was first read (see
/// [`crate::usage::accumulator::position`]), index for index.
#[derive(Debug, Clone, Default)]
pub(super) struct Lines {
    itemised: ItemisedLines,
    lines_read: Vec<u64>,
    notes_read: Vec<u64>,
}

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

impl Lines {
    /// Where the line for `key` is, if the family has one. A family has a few dozen lines at most
    /// (one per service and window), which a scan finds as fast as a hash would.
    fn find(&self, key: LineKey) -> Option<usize> {
        self.itemised
            .lines
            .iter()
            .position(|line| line.key() == key)
    }

    fn add_line(&mut self, key: LineKey, quantity: Decimal, position: u64) {
        grow_by_half(&mut self.itemised.lines);
        grow_by_half(&mut self.lines_read);
        self.itemised.lines.push(ServiceUse {
            tag: key.0,
            value: 0,
        });
        self.lines_read.push(position);
        self.itemised
            .set_quantity(self.itemised.lines.len() - 1, quantity);
    }

    /// Keeps `note`, read at `position`, on the line for `key` if it is new there (or was seen
    /// only later) and among the line's first [`NOTES_KEPT`] read.
    fn keep_note(&mut self, key: LineKey, position: u64, note: &str) {
        let (notes, read) = (&mut self.itemised.notes, &mut self.notes_read);
        let mut kept = 0;
        let mut latest: Option<usize> = None;
        for index in (0..notes.len()).filter(|&index| notes[index].key == key) {
            if *notes[index].text == *note {
                read[index] = read[index].min(position);
                return;
            }
            kept += 1;
            if latest.is_none_or(|latest| read[index] >= read[latest]) {
                latest = Some(index);
            }
        }
        if kept < NOTES_KEPT {
            notes.push(LineNote {
                key,
                text: note.into(),
            });
            read.push(position);
        } else if let Some(latest) = latest
            && read[latest] > position
        {
            // Read out of order: this note comes before one kept.
            notes[latest].text = note.into();
            read[latest] = position;
        }
    }
}

/// Makes room for one more, a half more at a time rather than double: a national study's lines
/// are a `family` job's largest allocation, and doubling would leave a quarter of it empty on
/// average.
fn grow_by_half<T>(list: &mut Vec<T>) {
    if list.len() == list.capacity() {
        list.reserve_exact((list.len() / 2).max(4));
    }
}

/// The quantity a family's line for `service` in `window` has so far.
pub(super) fn quantity_so_far(lines: Option<&Lines>, window: usize, service: ServiceId) -> Decimal {
    lines
        .and_then(|lines| {
            let index = lines.find(LineKey::new(window, service))?;
            Some(lines.itemised.quantity(&lines.itemised.lines[index]))
        })
        .unwrap_or(Decimal::ZERO)
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
    let key = LineKey::new(window, service);
    match lines.find(key) {
        Some(index) => {
            lines.itemised.set_quantity(index, quantity);
            lines.lines_read[index] = lines.lines_read[index].min(position);
        }
        None => lines.add_line(key, quantity, position),
    }
    if let Some(note) = note.filter(|note| !note.is_empty()) {
        lines.keep_note(key, position, note);
    }
}

/// Adds one family's lines from another thread to ours.
pub(super) fn merge(lines: &mut Lines, theirs: Lines) -> Result<(), RowError> {
    let Lines {
        itemised: their_itemised,
        lines_read: their_lines_read,
        notes_read: their_notes_read,
    } = theirs;
    for (line, &position) in their_itemised.lines.iter().zip(&their_lines_read) {
        let quantity = their_itemised.quantity(line);
        match lines.find(line.key()) {
            Some(index) => {
                let ours = lines.itemised.quantity(&lines.itemised.lines[index]);
                let total = ours.checked_add(quantity).ok_or(RowError::TotalTooLarge)?;
                lines.itemised.set_quantity(index, total);
                lines.lines_read[index] = lines.lines_read[index].min(position);
            }
            None => lines.add_line(line.key(), quantity, position),
        }
    }
    for (note, position) in their_itemised.notes.into_iter().zip(their_notes_read) {
        lines.keep_note(note.key, position, &note.text);
    }
    Ok(())
}

/// A family's lines in the order reported: in the order their first rows were read, each line's
/// notes in the order read. Sorted in place, and what was kept of where they were read let go: a
/// national study's lines are the largest thing a `family` job holds, and are not to be copied.
pub(super) fn in_reading_order(lines: Lines) -> ItemisedLines {
    let Lines {
        mut itemised,
        lines_read,
        notes_read,
    } = lines;
    sort_by_reading(&mut itemised.lines, &lines_read);
    sort_by_reading(&mut itemised.notes, &notes_read);
    // The list grew by half as lines came; no more will (430 MB for the national `family --format
    // json`, against 465 MB with the room left).
    itemised.lines.shrink_to_fit();
    itemised
}

/// Puts `items` in the order of where each was read (`read`, index for index), in place: each
/// cycle of the permutation is followed once, swapping as it goes.
fn sort_by_reading<T>(items: &mut [T], read: &[u64]) {
    if read.is_sorted() {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_unstable_by_key(|&index| read[index]);
    for start in 0..order.len() {
        let mut at = start;
        // An item already in place, or a cycle already followed, is marked by `order[at] == at`.
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line's quantity comes back exactly as it was set, the same digits at the same scale,
    /// whether it fits a line's 64 bits or is kept aside, and however it changes between the two.
    #[test]
    fn a_lines_quantity_comes_back_as_set() {
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        let quantities = [
            Decimal::ZERO,
            Decimal::new(30, 1),
            Decimal::new(-225, 2),
            Decimal::new(1, 28),
            Decimal::from(i64::MAX),
            Decimal::from(i64::MIN),
            Decimal::from_i128_with_scale(i128::from(i64::MAX) + 1, 3),
            Decimal::MAX,
            Decimal::MIN,
            negative_zero,
            Decimal::new(62, 0),
        ];
        let mut lines = Lines::default();
        for (service, &quantity) in quantities.iter().enumerate() {
            record(&mut lines, 1, ServiceId(service as u32), quantity, 0, None);
            // One line set to each in turn.
            record(&mut lines, 0, ServiceId(0), quantity, 0, None);
            let now = quantity_so_far(Some(&lines), 0, ServiceId(0));
            assert_eq!(now.serialize(), quantity.serialize(), "{quantity}");
        }
        for (service, quantity) in quantities.iter().enumerate() {
            let kept = quantity_so_far(Some(&lines), 1, ServiceId(service as u32));
            assert_eq!(kept.serialize(), quantity.serialize(), "{quantity}");
        }
    }
}

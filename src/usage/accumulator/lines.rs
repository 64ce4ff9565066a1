//! Itemised lines: for studies small enough to itemise, each family's services in each window,
//! with their quantities and a few of their notes, for statements.
//!
//! A family's rows can be read by several threads, and a thread can read a later stretch of a
//! file before an earlier one (see the fast reader's schedule). So each line and each note keeps
//! where it was first read, and the order given back is the order of the rows in the files: the
//! same, line for line and note for note, as reading every row on one thread.
//!
//! A national study itemised keeps millions of lines, read to written, so its lines are packed:
//! each family's lines are one run of bytes, a line a few variable-length integers (see
//! [`Lines`] and [`ItemisedLines`]), about 5 bytes while reading and 2 or 3 once read, against
//! 20 and 12 as fixed-size records. The notes, and quantities too large to pack, which most
//! families have none of, are behind a pointer beside them ([`Rare`]).

use super::fixed_point::{QUANTITY_PLACES, places_used};
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
/// the lowest bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineKey(u32);

impl LineKey {
    fn new(window: usize, service: ServiceId) -> LineKey {
        // A cost book's ids are indices into its services, far fewer than 2^31: one so large
        // would be another service's line.
        assert!(window < 2 && service.0 < 1 << 31);
        LineKey((service.0 << 1) | window as u32)
    }
}

/// A quantity packed in a line: a Decimal's mantissa (zigzagged, so that small negatives stay
/// small) shifted left by [`SCALE_BITS`], and its scale in those bits, which give the Decimal back
/// exactly (the same digits at the same scale). A quantity whose mantissa is too large, or a
/// negative zero, is kept among the family's exact quantities instead, and its code is its index
/// there with [`EXACT_SCALE`] in place of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct QuantityCode(u64);

const SCALE_BITS: u32 = 5;
const SCALE_MASK: u64 = (1 << SCALE_BITS) - 1;
/// Not a scale (a Decimal's is at most 28): the code is an index into the exact quantities.
const EXACT_SCALE: u64 = SCALE_MASK;

impl QuantityCode {
    /// The code for `quantity`, if it packs.
    fn packed(quantity: Decimal) -> Option<QuantityCode> {
        let mantissa = quantity.mantissa();
        // Not a negative zero, which would come back as zero.
        if mantissa == 0 && quantity.is_sign_negative() {
            return None;
        }
        QuantityCode::plain(i64::try_from(mantissa).ok()?, quantity.scale())
    }

    /// The code for the quantity `mantissa` × 10^-`scale`, if it packs.
    fn plain(mantissa: i64, scale: u32) -> Option<QuantityCode> {
        let zigzag = zigzag(mantissa);
        (zigzag < 1 << (64 - SCALE_BITS))
            .then(|| QuantityCode(zigzag << SCALE_BITS | u64::from(scale)))
    }

    /// The mantissa and scale of a packed quantity; none for one kept among the exact ones.
    fn parts(self) -> Option<(i64, u32)> {
        self.exact_index()
            .is_none()
            .then(|| (unzigzag(self.0 >> SCALE_BITS), (self.0 & SCALE_MASK) as u32))
    }

    fn exact(index: usize) -> QuantityCode {
        QuantityCode((index as u64) << SCALE_BITS | EXACT_SCALE)
    }

    /// The index into the exact quantities, if the quantity did not pack.
    fn exact_index(self) -> Option<usize> {
        (self.0 & SCALE_MASK == EXACT_SCALE).then_some((self.0 >> SCALE_BITS) as usize)
    }

    fn quantity(self, rare: Option<&Rare>) -> Decimal {
        match self.exact_index() {
            Some(index) => rare.expect("an exact quantity is kept").exact[index],
            None => Decimal::new(unzigzag(self.0 >> SCALE_BITS), (self.0 & SCALE_MASK) as u32),
        }
    }
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// Appends `value` as a variable-length integer: seven bits a byte, low bits first, the top bit
/// set on every byte but the last.
fn put_varint(out: &mut Vec<u8>, value: u64) {
    let mut bytes = Varints::default();
    bytes.put(value);
    out.extend_from_slice(bytes.as_slice());
}

/// A few variable-length integers (see [`put_varint`]) written on the stack, as a line's are
/// each time its quantity changes.
#[derive(Default)]
struct Varints {
    bytes: [u8; 2 * MOST_VARINT_BYTES],
    len: usize,
}

/// A 64-bit integer takes at most ten bytes, seven bits each.
const MOST_VARINT_BYTES: usize = 10;

impl Varints {
    fn put(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes[self.len] = value as u8 | 0x80;
            self.len += 1;
            value >>= 7;
        }
        self.bytes[self.len] = value as u8;
        self.len += 1;
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The variable-length integer at `*at`, moving `*at` past it.
#[inline(always)]
fn varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut value = 0;
    let mut shift = 0;
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return value;
        }
        shift += 7;
    }
}

/// One family's use of one service in a window, summed over its rows, as given back from its
/// packed lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceUse {
    key: LineKey,
    quantity: Decimal,
}

impl ServiceUse {
    pub fn service(&self) -> ServiceId {
        ServiceId(self.key.0 >> 1)
    }

    /// 0 before, 1 after.
    pub fn window(&self) -> usize {
        (self.key.0 & 1) as usize
    }

    /// The quantity used, exactly as summed (the same digits at the same scale).
    pub fn quantity(&self) -> Decimal {
        self.quantity
    }
}

/// A distinct `note` text of the rows of one of a family's lines.
#[derive(Debug, Clone, PartialEq)]
struct LineNote {
    key: LineKey,
    text: Box<str>,
}

/// What few families' lines have: notes, and quantities too large to pack.
#[derive(Debug, Clone, Default, PartialEq)]
struct Rare {
    notes: Vec<LineNote>,
    /// Where each note was first read, index for index; only while reading.
    notes_read: Vec<u64>,
    /// Quantities too large for a [`QuantityCode`], by index.
    exact: Vec<Decimal>,
}

/// One family's itemised lines: each service it used in each window, in the order their first
/// rows were read, and the distinct notes of each line's rows (the first few), in the order first
/// read.
///
/// The lines are packed one after another: each its key (see [`LineKey`]) and its quantity's
/// code (see [`QuantityCode`]), as variable-length integers. A line of a service among a cost
/// book's first 64, with a quantity under 100 at one decimal place, takes two or three bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemisedLines {
    packed: Box<[u8]>,
    rare: Option<Box<Rare>>,
}

impl ItemisedLines {
    /// Every line, both windows, in order.
    pub fn iter(&self) -> impl Iterator<Item = ServiceUse> + '_ {
        let mut at = 0;
        let rare = self.rare.as_deref();
        std::iter::from_fn(move || {
            (at < self.packed.len()).then(|| {
                let key = LineKey(varint(&self.packed, &mut at) as u32);
                let code = QuantityCode(varint(&self.packed, &mut at));
                ServiceUse {
                    key,
                    quantity: code.quantity(rare),
                }
            })
        })
    }

    /// The lines of `window` (0 before, 1 after), in order.
    pub fn window(&self, window: usize) -> impl Iterator<Item = ServiceUse> + '_ {
        self.iter().filter(move |line| line.window() == window)
    }

    /// The notes of one of these lines, in the order first read.
    pub fn notes(&self, line: &ServiceUse) -> LineNotes<'_> {
        LineNotes {
            notes: self
                .rare
                .as_deref()
                .map_or(&[][..], |rare| &rare.notes)
                .iter(),
            key: line.key,
        }
    }

    /// Forgets the notes (free text that could name a family: see [`crate::pseudonym`]).
    pub fn clear_notes(&mut self) {
        if let Some(rare) = &mut self.rare {
            rare.notes = Vec::new();
        }
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

/// One family's lines as they are read, each with where it was first read (see
/// [`crate::usage::accumulator::position`]).
///
/// Packed one after another, each line is its key, the length in bytes of the rest of it (one
/// byte, so that a search skips a line without reading it), its quantity's code, and where it
/// was first read: as the difference from its window's first line's position (zigzagged), which
/// for rows grouped by family is a few hundred bytes, one or two bytes packed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lines {
    packed: Vec<u8>,
    /// Where the first line of each window was read, or [`NO_BASE`] before there is one.
    base: [u64; 2],
    rare: Option<Box<Rare>>,
}

const NO_BASE: u64 = u64::MAX;

impl Default for Lines {
    fn default() -> Lines {
        Lines {
            packed: Vec::new(),
            base: [NO_BASE; 2],
            rare: None,
        }
    }
}

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

/// Where a line is in [`Lines::packed`]: its first byte, and the first of its quantity's code.
#[derive(Debug, Clone, Copy)]
pub(super) struct LineAt {
    start: usize,
    rest: usize,
}

/// A line as it is read: its key, quantity's code and where it was first read.
#[derive(Debug, Clone, Copy)]
struct LineRead {
    key: LineKey,
    code: QuantityCode,
    position: u64,
}

impl Lines {
    /// Where the line for `key` is, if the family has one. A family has a few dozen lines at most
    /// (one per service and window), which a scan finds as fast as a hash would.
    #[inline]
    fn find(&self, key: LineKey) -> Option<LineAt> {
        let packed = &self.packed[..];
        let mut at = 0;
        while at < packed.len() {
            let start = at;
            let found = varint(packed, &mut at) == u64::from(key.0);
            let rest = at + 1;
            if found {
                return Some(LineAt { start, rest });
            }
            at = rest + usize::from(packed[at]);
        }
        None
    }

    /// The line at `at`.
    fn line_at(&self, at: LineAt) -> LineRead {
        let mut start = at.start;
        let key = LineKey(varint(&self.packed, &mut start) as u32);
        let mut rest = at.rest;
        let code = QuantityCode(varint(&self.packed, &mut rest));
        let delta = unzigzag(varint(&self.packed, &mut rest));
        LineRead {
            key,
            code,
            position: self.base[key.0 as usize & 1].wrapping_add_signed(delta),
        }
    }

    /// Every line, in the order kept.
    fn lines_read(&self) -> impl Iterator<Item = LineRead> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            (at < self.packed.len()).then(|| {
                let start = at;
                varint(&self.packed, &mut at);
                let rest = at + 1;
                at = rest + usize::from(self.packed[at]);
                self.line_at(LineAt { start, rest })
            })
        })
    }

    fn quantity(&self, code: QuantityCode) -> Decimal {
        code.quantity(self.rare.as_deref())
    }

    /// The code for a line's new quantity: `old`'s place among the exact quantities is reused if
    /// it had one.
    fn code_for(&mut self, old: Option<QuantityCode>, quantity: Decimal) -> QuantityCode {
        if let Some(index) = old.and_then(QuantityCode::exact_index) {
            self.rare.as_mut().expect("an exact quantity is kept").exact[index] = quantity;
            return old.expect("it has an index");
        }
        QuantityCode::packed(quantity).unwrap_or_else(|| {
            let rare = self.rare.get_or_insert_with(Box::default);
            rare.exact.push(quantity);
            QuantityCode::exact(rare.exact.len() - 1)
        })
    }

    /// The rest of a line after its key and length: its code, and where it was first read.
    fn rest(&mut self, key: LineKey, code: QuantityCode, position: u64) -> Varints {
        let base = &mut self.base[key.0 as usize & 1];
        if *base == NO_BASE {
            *base = position;
        }
        let delta = position.wrapping_sub(*base) as i64;
        let mut rest = Varints::default();
        rest.put(code.0);
        rest.put(zigzag(delta));
        rest
    }

    /// Adds a line for `key`, with `quantity`, first read at `position`.
    fn add_line(&mut self, key: LineKey, quantity: Decimal, position: u64) {
        let code = self.code_for(None, quantity);
        self.add_line_coded(key, code, position);
    }

    /// Adds a line for `key`, its quantity already coded.
    fn add_line_coded(&mut self, key: LineKey, code: QuantityCode, position: u64) {
        let rest = self.rest(key, code, position);
        let mut key_bytes = Varints::default();
        key_bytes.put(u64::from(key.0));
        grow_by_half(&mut self.packed, key_bytes.len + 1 + rest.len);
        self.packed.extend_from_slice(key_bytes.as_slice());
        self.packed.push(rest.len as u8);
        self.packed.extend_from_slice(rest.as_slice());
    }

    /// Sets the line at `at` to `quantity`, read at `position` (kept if earlier than where it was
    /// first read).
    fn set_line(&mut self, at: LineAt, quantity: Decimal, position: u64) {
        let line = self.line_at(at);
        let code = self.code_for(Some(line.code), quantity);
        self.set_line_coded(at, line, code, position);
    }

    /// Sets `line`, at `at`, to a quantity already coded, read at `position`.
    fn set_line_coded(&mut self, at: LineAt, line: LineRead, code: QuantityCode, position: u64) {
        let rest = self.rest(line.key, code, line.position.min(position));
        let old = at.rest..at.rest + usize::from(self.packed[at.rest - 1]);
        if old.len() == rest.len {
            self.packed[old].copy_from_slice(rest.as_slice());
        } else {
            self.packed[at.rest - 1] = rest.len as u8;
            self.packed.splice(old, rest.as_slice().iter().copied());
        }
    }

    /// Keeps `note`, read at `position`, on the line for `key` if it is new there (or was seen
    /// only later) and among the line's first [`NOTES_KEPT`] read.
    fn keep_note(&mut self, key: LineKey, position: u64, note: &str) {
        let rare = self.rare.get_or_insert_with(Box::default);
        let (notes, read) = (&mut rare.notes, &mut rare.notes_read);
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

/// Makes room for `more`, a half more at a time rather than double: a national study's lines
/// are a `family` job's largest allocation, and doubling would leave a quarter of it empty on
/// average.
fn grow_by_half<T>(list: &mut Vec<T>, more: usize) {
    if list.len() + more > list.capacity() {
        list.reserve_exact((list.len() / 2).max(more).max(16));
    }
}

/// A family's line for `service` in `window` so far: its quantity, and where it is (for
/// [`record`]), if it has one.
pub(super) fn line_so_far(
    lines: Option<&Lines>,
    window: usize,
    service: ServiceId,
) -> (Decimal, Option<LineAt>) {
    lines
        .and_then(|lines| {
            let at = lines.find(LineKey::new(window, service))?;
            Some((lines.quantity(lines.line_at(at).code), Some(at)))
        })
        .unwrap_or((Decimal::ZERO, None))
}

/// Sets a line's quantity to its new total (worked out, and checked, by the caller) for a row
/// read at `position`, and keeps the row's note if it is new and there is room. `at` is where
/// [`line_so_far`] found the line, with no change to the lines since.
pub(super) fn record(
    lines: &mut Lines,
    at: Option<LineAt>,
    window: usize,
    service: ServiceId,
    quantity: Decimal,
    position: u64,
    note: Option<&str>,
) {
    let key = LineKey::new(window, service);
    match at {
        Some(at) => lines.set_line(at, quantity, position),
        None => lines.add_line(key, quantity, position),
    }
    if let Some(note) = note.filter(|note| !note.is_empty()) {
        lines.keep_note(key, position, note);
    }
}

/// Adds a plain quantity (in millionths, see [`Quantity`](super::Quantity)) to the line for `window` and
/// `service`, read at `position`, in integers: the same digits at the same scale as adding it to
/// the line's quantity as a Decimal (which keeps the larger scale of the two, exactly, while the
/// mantissa fits). False, and nothing changed, where the line's quantity is kept among the exact
/// ones or the sum would not pack: the caller adds the row through Decimal instead.
///
/// Why: a study read to be itemised (every family's statement) took each of its rows through
/// Decimal, about a third of reading a national study so.
pub(super) fn add_plain(
    lines: &mut Lines,
    window: usize,
    service: ServiceId,
    millionths: i64,
    position: u64,
) -> bool {
    let key = LineKey::new(window, service);
    // The row's quantity at the places it uses, as `Quantity::to_decimal` gives it.
    let places = places_used(millionths);
    let row = millionths / 10i64.pow(QUANTITY_PLACES - places);
    match lines.find(key) {
        None => {
            let Some(code) = QuantityCode::plain(row, places) else {
                return false;
            };
            lines.add_line_coded(key, code, position);
        }
        Some(at) => {
            let line = lines.line_at(at);
            let Some((mantissa, scale)) = line.code.parts() else {
                return false;
            };
            let total_scale = scale.max(places);
            let Some(code) = 10i64
                .checked_pow(total_scale - scale)
                .and_then(|factor| mantissa.checked_mul(factor))
                .zip(
                    10i64
                        .checked_pow(total_scale - places)
                        .and_then(|factor| row.checked_mul(factor)),
                )
                .and_then(|(line_part, row_part)| line_part.checked_add(row_part))
                .and_then(|total| QuantityCode::plain(total, total_scale))
            else {
                return false;
            };
            lines.set_line_coded(at, line, code, position);
        }
    }
    true
}

/// Adds one family's lines from another thread to ours.
pub(super) fn merge(lines: &mut Lines, theirs: Lines) -> Result<(), RowError> {
    for line in theirs.lines_read() {
        let quantity = theirs.quantity(line.code);
        match lines.find(line.key) {
            Some(at) => {
                let ours = lines.quantity(lines.line_at(at).code);
                let total = ours.checked_add(quantity).ok_or(RowError::TotalTooLarge)?;
                lines.set_line(at, total, line.position);
            }
            None => lines.add_line(line.key, quantity, line.position),
        }
    }
    if let Some(rare) = theirs.rare {
        let Rare {
            notes, notes_read, ..
        } = *rare;
        for (note, position) in notes.into_iter().zip(notes_read) {
            lines.keep_note(note.key, position, &note.text);
        }
    }
    Ok(())
}

/// A family's lines in the order reported: in the order their first rows were read, each line's
/// notes in the order read, packed without where they were read (see [`ItemisedLines`]); and the
/// bytes they were read into, for the caller to let go (see
/// [`map_pairs_releasing`](crate::large_lists::map_pairs_releasing)).
///
/// The lines are packed again into a list of exactly their size, allocated here: shrinking the
/// list they were read into would go back to the reading thread's memory, as letting it go does.
pub(super) fn in_reading_order(lines: Lines) -> (ItemisedLines, Vec<u8>) {
    let mut read: Vec<LineRead> = lines.lines_read().collect();
    if !read.is_sorted_by_key(|line| line.position) {
        read.sort_by_key(|line| line.position);
    }
    let Lines {
        packed: read_into,
        rare,
        ..
    } = lines;
    let size = read
        .iter()
        .map(|line| varint_len(u64::from(line.key.0)) + varint_len(line.code.0))
        .sum();
    let mut packed = Vec::with_capacity(size);
    for line in &read {
        put_varint(&mut packed, u64::from(line.key.0));
        put_varint(&mut packed, line.code.0);
    }
    debug_assert_eq!(
        packed.len(),
        size,
        "the size worked out is the size written"
    );
    let rare = rare.map(|mut rare| {
        let read = std::mem::take(&mut rare.notes_read);
        sort_by_reading(&mut rare.notes, &read);
        rare
    });
    let lines = ItemisedLines {
        packed: packed.into_boxed_slice(),
        rare,
    };
    (lines, read_into)
}

/// How many bytes [`put_varint`] writes of `value`.
fn varint_len(value: u64) -> usize {
    (u64::BITS - value.leading_zeros()).max(1).div_ceil(7) as usize
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

    /// Records a row's quantity on its line, as the accumulator does.
    fn add(lines: &mut Lines, window: usize, service: u32, quantity: Decimal, position: u64) {
        let (so_far, at) = line_so_far(Some(lines), window, ServiceId(service));
        let total = so_far.checked_add(quantity).unwrap();
        record(lines, at, window, ServiceId(service), total, position, None);
    }

    fn set(lines: &mut Lines, window: usize, service: u32, quantity: Decimal, position: u64) {
        let (_, at) = line_so_far(Some(lines), window, ServiceId(service));
        record(
            lines,
            at,
            window,
            ServiceId(service),
            quantity,
            position,
            None,
        );
    }

    /// The size worked out for a variable-length integer is the size written, at each length's
    /// edges.
    #[test]
    fn a_varints_size_is_the_size_written() {
        let mut edges = vec![0, 1, u64::MAX];
        for bits in (7..64).step_by(7) {
            edges.extend([(1 << bits) - 1, 1 << bits]);
        }
        for value in edges {
            let mut written = Vec::new();
            put_varint(&mut written, value);
            assert_eq!(varint_len(value), written.len(), "{value}");
            assert_eq!(varint(&written, &mut 0), value);
        }
    }

    /// A line's quantity comes back exactly as it was set, the same digits at the same scale,
    /// whether it packs or is kept aside, and however it changes between the two.
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
            Decimal::from((1_i64 << 58) - 1),
            Decimal::from(1_i64 << 58),
            Decimal::from(-(1_i64 << 58)),
            Decimal::from_i128_with_scale(i128::from(i64::MAX) + 1, 3),
            Decimal::MAX,
            Decimal::MIN,
            negative_zero,
            Decimal::new(62, 0),
        ];
        let mut lines = Lines::default();
        for (service, &quantity) in quantities.iter().enumerate() {
            set(&mut lines, 1, service as u32, quantity, 0);
            // One line set to each in turn.
            set(&mut lines, 0, 0, quantity, 0);
            let (now, _) = line_so_far(Some(&lines), 0, ServiceId(0));
            assert_eq!(now.serialize(), quantity.serialize(), "{quantity}");
        }
        for (service, quantity) in quantities.iter().enumerate() {
            let (kept, _) = line_so_far(Some(&lines), 1, ServiceId(service as u32));
            assert_eq!(kept.serialize(), quantity.serialize(), "{quantity}");
        }
        let (read, _) = in_reading_order(lines);
        let given: Vec<_> = read
            .window(1)
            .map(|line| line.quantity().serialize())
            .collect();
        let expected: Vec<_> = quantities.iter().map(Decimal::serialize).collect();
        assert_eq!(given, expected);
    }

    /// A family's lines as a plain list would keep them: key, quantity, where first read.
    type Model = Vec<(usize, u32, Decimal, u64)>;

    fn model_add(model: &mut Model, window: usize, service: u32, quantity: Decimal, position: u64) {
        match model
            .iter_mut()
            .find(|line| (line.0, line.1) == (window, service))
        {
            Some(line) => {
                line.2 += quantity;
                line.3 = line.3.min(position);
            }
            None => model.push((window, service, quantity, position)),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Packed lines give back what a plain list of lines would, in the order first read:
        /// rows in any order of position (near and far apart, in several files), on any service,
        /// with quantities small and large, and lines merged in from another thread's.
        #[test]
        fn packed_lines_match_a_plain_list(
            rows in proptest::collection::vec(
                (0usize..2, 0u32..300, -5_000_000_000i64..5_000_000_000, 0u32..6, 0u32..3, 0u64..(1 << 31), proptest::bool::ANY),
                1..120,
            ),
        ) {
            let mut ours = Lines::default();
            let mut theirs = Lines::default();
            let mut model = Model::new();
            // Each row's position is unique, as each row is read at its own place.
            for (row, &(window, service, mantissa, scale, file, offset, their_row)) in rows.iter().enumerate() {
                let quantity = Decimal::new(mantissa, scale);
                let position = crate::usage::accumulator::position(file, offset << 8 | row as u64);
                let lines = if their_row { &mut theirs } else { &mut ours };
                add(lines, window, service, quantity, position);
                model_add(&mut model, window, service, quantity, position);
            }
            merge(&mut ours, theirs).unwrap();
            model.sort_by_key(|line| line.3);
            let (read, _) = in_reading_order(ours);
            let given: Vec<(usize, u32, Decimal)> = read
                .iter()
                .map(|line| (line.window(), line.service().0, line.quantity()))
                .collect();
            let expected: Vec<(usize, u32, Decimal)> =
                model.iter().map(|line| (line.0, line.1, line.2)).collect();
            proptest::prop_assert_eq!(given, expected);
        }

        /// Plain quantities added to lines in integers give what adding them as Decimals gives:
        /// the same lines, in the same order, with the same digits at the same scale (compared as
        /// text, as Decimals equal at different scales compare equal). Quantities have any of
        /// the six places, either sign, and some are large enough that a sum stops packing, where
        /// the integer path leaves the line as it was and the row is added as a Decimal.
        #[test]
        fn plain_quantities_add_up_as_decimals(
            rows in proptest::collection::vec(
                (0usize..2, 0u32..4, -5_000_000_000i64..5_000_000_000, 0u32..7, proptest::bool::ANY),
                1..60,
            ),
        ) {
            let mut integers = Lines::default();
            let mut decimals = Lines::default();
            for (row, &(window, service, small, places, large)) in rows.iter().enumerate() {
                // In millionths: `small` at `places` places, or near the largest that packs.
                let millionths = if large {
                    small.signum() * (1 << 57) + small
                } else {
                    small - small % 10i64.pow(6 - places)
                };
                let quantity = crate::usage::accumulator::Quantity::Millionths(millionths).to_decimal();
                let position = row as u64 * 7;
                if !add_plain(&mut integers, window, ServiceId(service), millionths, position) {
                    add(&mut integers, window, service, quantity, position);
                }
                add(&mut decimals, window, service, quantity, position);
            }
            let text = |lines: Lines| -> Vec<(usize, u32, String)> {
                in_reading_order(lines)
                    .0
                    .iter()
                    .map(|line| (line.window(), line.service().0, line.quantity().to_string()))
                    .collect()
            };
            proptest::prop_assert_eq!(text(integers), text(decimals));
        }
    }

    /// A sum that no longer packs leaves the line as it was, for the Decimal path to take.
    #[test]
    fn a_sum_too_large_to_pack_is_left_to_the_decimal_path() {
        let mut lines = Lines::default();
        let largest = (1 << 58) - 1;
        assert!(add_plain(&mut lines, 0, ServiceId(1), largest, 10));
        assert!(!add_plain(&mut lines, 0, ServiceId(1), 1_000_000, 11));
        let (read, _) = in_reading_order(lines);
        let quantities: Vec<String> = read
            .iter()
            .map(|line| line.quantity().to_string())
            .collect();
        assert_eq!(quantities, ["288230376151.711743"]);
    }
}

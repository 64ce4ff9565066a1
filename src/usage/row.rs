//! One row of a service-use file: finding the columns from the header, reading a row's fields, and
//! what can be wrong with a row. Shared by the fast and the detailed readers, so that both accept
//! exactly the same rows.

use super::accumulator::{QUANTITY_PLACES, Quantity};
use crate::costs::{CostBook, ServiceId};
use crate::csv_input;
use crate::diagnostic::Diagnostics;
use crate::money::{NumberError, parse_quantity};
use rustc_hash::FxHashMap;
use std::fmt;

/// The positions of the columns we use, found from the header row.
pub struct Columns {
    pub family_id: usize,
    pub service: usize,
    pub quantity: usize,
    pub note: Option<usize>,
    /// How many columns the header has.
    pub header_len: usize,
    /// Which of them have no name, and must be empty.
    pub shape: csv_input::HeaderShape,
}

impl Columns {
    /// The columns a header names. With a key, a header's problems do not show its names (see
    /// [`crate::pseudonym::header_problems`]).
    pub fn find(
        file: &str,
        header: &csv::ByteRecord,
        key: Option<&crate::pseudonym::Key>,
        diagnostics: &mut Diagnostics,
    ) -> Option<Columns> {
        let mut found = Diagnostics::new();
        let columns = csv_input::find_columns(
            file,
            header,
            &["family_id", "service", "quantity"],
            &["note"],
            &mut found,
        );
        crate::pseudonym::header_problems(found, "family_id,service,quantity", key, diagnostics);
        let (required, optional) = columns?;
        Some(Columns {
            family_id: required[0],
            service: required[1],
            quantity: required[2],
            note: optional[0],
            header_len: header.len(),
            shape: csv_input::HeaderShape::of(header),
        })
    }
}

/// A row's values, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub family_id: &'a str,
    pub service: ServiceId,
    pub quantity: Quantity,
    pub note: Option<&'a str>,
    /// Whether the quantity was written with a thousands separator (`1,200`): allowed, but a
    /// quantity so large is more often a cost pasted into the count column.
    pub grouped_quantity: bool,
}

/// Service ids to their index in the cost book. Every row looks one up, so ids of up to eight
/// bytes (most of them) are packed into an integer key: one multiply to hash, one compare to match.
pub struct ServiceIndex {
    /// A direct-mapped cache in front of `short`: a service's packed id picks one of 256 slots,
    /// which holds it unless another service took the slot first.
    slots: Box<[(u64, u32); 256]>,
    short: FxHashMap<u64, ServiceId>,
    long: FxHashMap<Box<str>, ServiceId>,
}

/// The slot of a packed id in [`ServiceIndex`]'s cache.
#[inline]
fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// Up to eight bytes as one integer, zero-padded. Input with a NUL byte is refused before any
/// row is read, so the padding cannot make two ids look alike. (Built from whole loads rather than
/// byte by byte: the processor forwards those to the next read without a stall.)
#[inline]
pub fn pack(bytes: &[u8]) -> Option<u64> {
    let length = bytes.len();
    match length {
        0 => Some(0),
        1..=3 => Some(bytes.iter().enumerate().fold(0, |packed, (index, &byte)| {
            packed | u64::from(byte) << (8 * index)
        })),
        4..=8 => {
            let low = u32::from_le_bytes(bytes[..4].try_into().expect("four bytes"));
            let high = u32::from_le_bytes(bytes[length - 4..].try_into().expect("four bytes"));
            // The two loads overlap when there are fewer than eight bytes; the bytes they share
            // land in the same places, so OR-ing them is exact.
            Some(u64::from(low) | u64::from(high) << (8 * (length - 4)))
        }
        _ => None,
    }
}

impl ServiceIndex {
    pub fn new(book: &CostBook) -> ServiceIndex {
        let mut index = ServiceIndex {
            slots: Box::new([(0, u32::MAX); 256]),
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        };
        for (position, service) in book.services().iter().enumerate() {
            let id = service.definition.id.as_str();
            let service = ServiceId(position as u32);
            match pack(id.as_bytes()) {
                Some(key) => {
                    let cached = &mut index.slots[slot(key)];
                    if cached.1 == u32::MAX {
                        *cached = (key, service.0);
                    }
                    index.short.insert(key, service)
                }
                None => index.long.insert(id.into(), service),
            };
        }
        index
    }

    // Always inlined: it is called for every row, and the compiler's heuristics have been seen to
    // leave it out of line in the reading loop.
    #[inline(always)]
    pub fn lookup(&self, id: &str) -> Option<ServiceId> {
        debug_assert!(
            !id.as_bytes().contains(&0),
            "input with NUL bytes is refused before reading"
        );
        match pack(id.as_bytes()) {
            Some(key) => self.lookup_packed(key),
            None => self.long.get(id).copied(),
        }
    }

    /// As [`Self::lookup`], for an id still as bytes (UTF-8, or no service has it).
    #[inline(always)]
    pub fn lookup_bytes(&self, id: &[u8]) -> Option<ServiceId> {
        debug_assert!(
            !id.contains(&0),
            "input with NUL bytes is refused before reading"
        );
        match pack(id) {
            Some(key) => self.lookup_packed(key),
            None => self.long.get(std::str::from_utf8(id).ok()?).copied(),
        }
    }

    #[inline(always)]
    fn lookup_packed(&self, key: u64) -> Option<ServiceId> {
        let (cached_key, cached) = self.slots[slot(key)];
        if cached_key == key && cached != u32::MAX {
            return Some(ServiceId(cached));
        }
        self.short.get(&key).copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    MissingField(&'static str),
    NotText(&'static str),
    EmptyFamily,
    EmptyService,
    UnknownService(String),
    /// A `£` in the quantity: a cost pasted into the count column.
    CostInQuantity(String),
    /// A quoted field closed before its end (`"a"b`): the field, and the line of its quote.
    TextAfterQuote {
        field: usize,
        line: u64,
    },
    BadQuantity(NumberError),
    /// The family's cost in the window, with this row's, does not fit.
    SumOverflow,
    /// The study's total quantity of this service in the window, with this row's, does not fit.
    ServiceTotalOverflow,
    /// A quantity too large to hold exactly.
    QuantityTooLarge,
    /// A study total (of a family's costs, or of a service's quantity) too large to hold exactly.
    TotalTooLarge,
    /// More fields than the header has, or a value under a column it leaves unnamed: usually a
    /// number with an unquoted comma (1,500), which would otherwise be read as 1 with "500" thrown
    /// away or taken for a note.
    ExtraFields(csv_input::Misfit),
    /// The quantity times the unit cost does not fit.
    CostOverflow,
    /// A worksheet cell that holds a date, a boolean, a formula error or a formula where a value
    /// is wanted: the column, the cell (`Before!C7`) and what it holds.
    Cell {
        column: &'static str,
        cell: String,
        holds: crate::worksheet::NotAValue,
    },
}

impl RowError {
    pub fn column(&self, columns: &Columns) -> Option<usize> {
        match self {
            RowError::MissingField(name)
            | RowError::NotText(name)
            | RowError::Cell { column: name, .. } => Some(match *name {
                "family_id" => columns.family_id,
                "service" => columns.service,
                "quantity" => columns.quantity,
                _ => columns.note?,
            }),
            RowError::EmptyFamily => Some(columns.family_id),
            RowError::UnknownService(_) | RowError::EmptyService => Some(columns.service),
            RowError::BadQuantity(_)
            | RowError::CostOverflow
            | RowError::QuantityTooLarge
            | RowError::CostInQuantity(_) => Some(columns.quantity),
            RowError::SumOverflow | RowError::ServiceTotalOverflow | RowError::TotalTooLarge => {
                None
            }
            RowError::TextAfterQuote { field, .. } => Some(*field),
            RowError::ExtraFields(csv_input::Misfit::TooManyFields { header, .. }) => Some(*header),
            RowError::ExtraFields(csv_input::Misfit::UnnamedColumn { column }) => Some(*column),
        }
    }

    pub fn hint(&self, book: &CostBook) -> Option<String> {
        match self {
            RowError::UnknownService(id) => Some(
                book.suggest(id)
                    .map(|guess| format!("{guess} Services are unit-cost ids; `tfcalc costs list` shows them all."))
                    .unwrap_or_else(|| "services are unit-cost ids; `tfcalc costs list` shows them all".to_string()),
            ),
            RowError::BadQuantity(NumberError::Negative(_)) => {
                Some("quantities count service use, so they are zero or more".to_string())
            }
            RowError::BadQuantity(NumberError::TooLarge(_))
            | RowError::SumOverflow
            | RowError::ServiceTotalOverflow => {
                Some("quantities must fit in 28 significant digits".to_string())
            }
                                    RowError::CostOverflow | RowError::QuantityTooLarge | RowError::TotalTooLarge => {
                Some("check the quantity for a mistyped figure".to_string())
            }
            RowError::ExtraFields(_) => Some(csv_input::MISFIT_HINT.to_string()),
            RowError::CostInQuantity(_) => Some(
                "the quantity is a number of units (hours, arrests, weeks); the cost of each comes from the unit-cost table".to_string(),
            ),
            RowError::TextAfterQuote { .. } => Some(
                "a quoted value must end with its quote; a quote inside it is written twice (\"\")".to_string(),
            ),
            RowError::Cell { column, holds, .. } => {
                Some(holds.hint((*column == "quantity").then_some("the number of units")))
            }
            RowError::EmptyService => Some("give every row the service it used: a unit-cost id".to_string()),
            RowError::BadQuantity(_) => Some("write a number such as 62, 1.5 or 1,200".to_string()),
            RowError::MissingField(_) => Some("every row needs a value in each required column".to_string()),
            RowError::EmptyFamily => Some("give every row the family it belongs to".to_string()),
            RowError::NotText(_) => Some("save the file as CSV UTF-8".to_string()),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowError::MissingField(name) => {
                write!(f, "the row has no `{name}` column (it is too short)")
            }
            RowError::NotText(name) => write!(f, "the `{name}` field is not valid UTF-8 text"),
            RowError::EmptyFamily => f.write_str("the `family_id` is empty"),
            RowError::EmptyService => f.write_str("the `service` is empty"),
            RowError::CostInQuantity(text) => write!(
                f,
                "the `quantity` {text:?} has a £ sign: it looks like a cost, not a number of units"
            ),
            RowError::TextAfterQuote { line, .. } => write!(
                f,
                "a quoted field has text after its closing quote (on line {line})"
            ),
            RowError::UnknownService(id) => write!(f, "unknown service `{id}`"),
            RowError::BadQuantity(NumberError::Empty) => f.write_str("the `quantity` is empty"),
            RowError::BadQuantity(error) => write!(f, "bad `quantity`: {error}"),
            RowError::SumOverflow => {
                f.write_str("adding this row's cost overflows the family's total")
            }
            RowError::ServiceTotalOverflow => f.write_str(
                "adding this row's quantity overflows the study's total quantity of this service",
            ),
            RowError::ExtraFields(misfit) => write!(f, "{misfit}"),
            RowError::CostOverflow => {
                f.write_str("the quantity times the unit cost is too large to compute exactly")
            }
            RowError::QuantityTooLarge => f.write_str("the quantity is too large to hold exactly"),
            RowError::Cell {
                column,
                cell,
                holds,
            } => f.write_str(&crate::worksheet::not_a_value_message(
                column,
                cell,
                holds,
                *column == "quantity",
            )),
            RowError::TotalTooLarge => {
                f.write_str("a total is too large to hold exactly (over 28 significant digits)")
            }
        }
    }
}

/// The fields of a row that matter, picked out as the row is split, before they are judged.
#[derive(Debug, Default, Clone, Copy)]
pub struct RawRow<'a> {
    /// How many fields the row has.
    pub fields: usize,
    pub family_id: Option<&'a str>,
    pub service: Option<&'a str>,
    pub quantity: Option<&'a str>,
    pub note: Option<&'a str>,
    /// The first column the header leaves unnamed that has something in it.
    pub unnamed_filled: Option<usize>,
}

impl Columns {
    /// Files field number `index` of a row where it belongs.
    #[inline]
    pub fn place<'a>(&self, raw: &mut RawRow<'a>, index: usize, field: &'a str) {
        if index == self.family_id {
            raw.family_id = Some(field);
        } else if index == self.service {
            raw.service = Some(field);
        } else if index == self.quantity {
            raw.quantity = Some(field);
        } else if Some(index) == self.note {
            raw.note = Some(field);
        } else if index < self.header_len && self.shape.misfit(index, field.as_bytes()) {
            raw.unnamed_filled.get_or_insert(index);
        }
        raw.fields = raw.fields.max(index + 1);
    }
}

/// A field without the spaces around it. Most fields have none, so look before trimming.
#[inline]
pub fn trim(field: &str) -> &str {
    let bytes = field.as_bytes();
    let plain = |byte: Option<&u8>| byte.is_some_and(|byte| plain_end(*byte));
    if plain(bytes.first()) && plain(bytes.last()) {
        field
    } else {
        field.trim()
    }
}

/// Reads a row from its fields (as text, not yet trimmed). `fields` may be shorter or longer than
/// the header: spreadsheets drop trailing empty cells, and add empty ones.
pub fn parse_fields<'a>(
    fields: &[&'a str],
    columns: &Columns,
    services: &ServiceIndex,
) -> Result<Row<'a>, RowError> {
    let mut raw = RawRow::default();
    for (index, field) in fields.iter().enumerate() {
        columns.place(&mut raw, index, field);
    }
    judge(&raw, columns, services)
}

/// Checks a row's fields and reads its values: the one place rows are judged, whichever reader
/// split them.
#[inline(always)]
pub fn judge<'a>(
    raw: &RawRow<'a>,
    columns: &Columns,
    services: &ServiceIndex,
) -> Result<Row<'a>, RowError> {
    if raw.fields > columns.header_len {
        return Err(RowError::ExtraFields(csv_input::Misfit::TooManyFields {
            fields: raw.fields,
            header: columns.header_len,
        }));
    }
    if let Some(column) = raw.unnamed_filled {
        return Err(RowError::ExtraFields(csv_input::Misfit::UnnamedColumn {
            column,
        }));
    }
    let family_id = trim(raw.family_id.ok_or(RowError::MissingField("family_id"))?);
    if family_id.is_empty() {
        return Err(RowError::EmptyFamily);
    }
    let service_text = trim(raw.service.ok_or(RowError::MissingField("service"))?);
    if service_text.is_empty() {
        return Err(RowError::EmptyService);
    }
    let service = services
        .lookup(service_text)
        .ok_or_else(|| RowError::UnknownService(service_text.to_string()))?;
    let quantity_text = trim(raw.quantity.ok_or(RowError::MissingField("quantity"))?);
    let quantity = read_quantity(quantity_text).map_err(RowError::BadQuantity)?;
    if quantity_text.contains('£') {
        return Err(RowError::CostInQuantity(quantity_text.to_string()));
    }
    // A short row simply has no note: spreadsheets drop trailing empty cells.
    let note = raw.note.map(trim).filter(|note| !note.is_empty());
    Ok(Row {
        family_id,
        service,
        quantity,
        note,
        grouped_quantity: quantity_text.contains(','),
    })
}

/// A row of three fields with nothing to trim, a known service and a plain quantity (see
/// [`plain_millionths`]), or `None` for [`judge`] to read. Whatever it accepts, `judge` reads the
/// same way: it is the same reading without the steps such a row does not need. (The service and
/// quantity stay bytes: making them text costs a check of each end.)
#[inline(always)]
pub fn plain_row<'a>(
    family_id: &'a str,
    service: &[u8],
    quantity: &[u8],
    services: &ServiceIndex,
) -> Option<Row<'a>> {
    let untrimmed = |field: &[u8]| match (field.first(), field.last()) {
        (Some(first), Some(last)) => plain_end(*first) && plain_end(*last),
        _ => false,
    };
    if !untrimmed(family_id.as_bytes()) || !untrimmed(service) {
        return None;
    }
    Some(Row {
        family_id,
        service: services.lookup_bytes(service)?,
        quantity: Quantity::Millionths(plain_millionths(quantity)?),
        note: None,
        grouped_quantity: false,
    })
}

/// Whether a field that starts or ends with this byte has nothing for [`trim`] to take off.
#[inline(always)]
fn plain_end(byte: u8) -> bool {
    byte.is_ascii() && !byte.is_ascii_whitespace()
}

/// A quantity: plain digits with up to six decimal places are read straight into millionths (most
/// rows); anything else (`1,200`, `£5`, more places) goes through the full parser.
#[inline(always)]
pub fn read_quantity(text: &str) -> Result<Quantity, NumberError> {
    match plain_millionths(text.as_bytes()) {
        Some(millionths) => Ok(Quantity::Millionths(millionths)),
        None => read_quantity_exactly(text),
    }
}

/// Any other quantity, through the full parser: out of line, as most rows never need it.
#[inline(never)]
fn read_quantity_exactly(text: &str) -> Result<Quantity, NumberError> {
    parse_quantity(text).map(Quantity::from_decimal)
}

/// Digits with an optional point and at most six places, at most twelve before the point, in
/// millionths; `None` for anything else.
#[inline(always)]
fn plain_millionths(bytes: &[u8]) -> Option<i64> {
    const POWERS: [i64; 7] = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
    // 18 characters at most: 18 digits always fit the 64-bit integer, whatever they are.
    if bytes.is_empty() || bytes.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    let mut point = None;
    for (index, &byte) in bytes.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            value = value * 10 + i64::from(digit);
        } else if byte == b'.' && point.is_none() {
            point = Some(index);
        } else {
            return None;
        }
    }
    let integer_digits = point.unwrap_or(bytes.len());
    let places = point.map_or(0, |point| bytes.len() - point - 1);
    (integer_digits > 0 && integer_digits <= 12 && places <= QUANTITY_PLACES as usize)
        .then(|| value * POWERS[places])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_pack_into_distinct_integers() {
        let ids = [
            "", "a", "ab", "abc", "abcd", "abcde", "svc_22", "svc_2", "F0000123", "F000012",
        ];
        let packed: Vec<u64> = ids.iter().map(|id| pack(id.as_bytes()).unwrap()).collect();
        for (index, key) in packed.iter().enumerate() {
            assert_eq!(
                packed.iter().filter(|other| *other == key).count(),
                1,
                "{}",
                ids[index]
            );
        }
        assert_eq!(pack(b"abcdefgh"), Some(u64::from_le_bytes(*b"abcdefgh")));
        assert_eq!(pack(b"abcde"), Some(u64::from_le_bytes(*b"abcde\0\0\0")));
        assert_eq!(pack(b"abcdefghi"), None);
    }

    #[test]
    fn plain_quantities_go_straight_to_millionths() {
        assert_eq!(read_quantity("62"), Ok(Quantity::Millionths(62_000_000)));
        assert_eq!(read_quantity("1.5"), Ok(Quantity::Millionths(1_500_000)));
        assert_eq!(read_quantity("0.000001"), Ok(Quantity::Millionths(1)));
        assert_eq!(
            read_quantity("1,200"),
            Ok(Quantity::Millionths(1_200_000_000))
        );
        assert_eq!(read_quantity("£5"), Ok(Quantity::Millionths(5_000_000)));
        assert!(matches!(read_quantity("1.1234567"), Ok(Quantity::Exact(_))));
        assert!(matches!(read_quantity("-1"), Err(NumberError::Negative(_))));
        assert!(matches!(read_quantity(""), Err(NumberError::Empty)));
        assert!(matches!(
            read_quantity("."),
            Err(NumberError::NotANumber(_))
        ));
        // 40 digits do not fit a quantity, whichever path reads them.
        assert!(read_quantity(&"9".repeat(40)).is_err());
    }
}

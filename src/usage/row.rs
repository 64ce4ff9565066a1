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
    /// How many columns the header names.
    pub header_len: usize,
}

impl Columns {
    pub fn find(
        file: &str,
        header: &csv::ByteRecord,
        diagnostics: &mut Diagnostics,
    ) -> Option<Columns> {
        let (required, optional) = csv_input::find_columns(
            file,
            header,
            &["family_id", "service", "quantity"],
            &["note"],
            diagnostics,
        )?;
        Some(Columns {
            family_id: required[0],
            service: required[1],
            quantity: required[2],
            note: optional[0],
            header_len: header.len(),
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
}

/// Service ids to their index in the cost book, with a fast hash: every row looks one up.
pub struct ServiceIndex {
    ids: FxHashMap<Box<str>, ServiceId>,
}

impl ServiceIndex {
    pub fn new(book: &CostBook) -> ServiceIndex {
        let ids = book
            .services()
            .iter()
            .enumerate()
            .map(|(index, service)| {
                (
                    service.definition.id.as_str().into(),
                    ServiceId(index as u32),
                )
            })
            .collect();
        ServiceIndex { ids }
    }

    pub fn lookup(&self, id: &str) -> Option<ServiceId> {
        self.ids.get(id).copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    MissingField(&'static str),
    NotText(&'static str),
    EmptyFamily,
    UnknownService(String),
    BadQuantity(NumberError),
    SumOverflow,
    /// A quantity too large to hold exactly.
    QuantityTooLarge,
    /// A study total (of a family's costs, or of a service's quantity) too large to hold exactly.
    TotalTooLarge,
    /// More fields than the header names, and not empty ones: usually a number with an unquoted
    /// comma (1,500), which would otherwise be read as 1 with "500" thrown away.
    ExtraFields {
        fields: usize,
        header: usize,
    },
    /// The quantity times the unit cost does not fit.
    CostOverflow,
}

impl RowError {
    pub fn column(&self, columns: &Columns) -> Option<usize> {
        match self {
            RowError::MissingField(name) | RowError::NotText(name) => Some(match *name {
                "family_id" => columns.family_id,
                "service" => columns.service,
                "quantity" => columns.quantity,
                _ => columns.note?,
            }),
            RowError::EmptyFamily => Some(columns.family_id),
            RowError::UnknownService(_) => Some(columns.service),
            RowError::BadQuantity(_) | RowError::CostOverflow | RowError::QuantityTooLarge => {
                Some(columns.quantity)
            }
            RowError::SumOverflow | RowError::TotalTooLarge => None,
            RowError::ExtraFields { header, .. } => Some(*header),
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
            RowError::BadQuantity(NumberError::TooLarge(_)) | RowError::SumOverflow => {
                Some("quantities must fit in 28 significant digits".to_string())
            }
                                    RowError::CostOverflow | RowError::QuantityTooLarge | RowError::TotalTooLarge => {
                Some("check the quantity for a mistyped figure".to_string())
            }
            RowError::ExtraFields { .. } => Some(
                "put numbers with thousands separators in quotes (\"1,500\"), or write them without (1500)".to_string(),
            ),
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
            RowError::UnknownService(id) => write!(f, "unknown service `{id}`"),
            RowError::BadQuantity(NumberError::Empty) => f.write_str("the `quantity` is empty"),
            RowError::BadQuantity(error) => write!(f, "bad `quantity`: {error}"),
            RowError::SumOverflow => {
                f.write_str("adding this row's quantity overflows the family's total")
            }
            RowError::ExtraFields { fields, header } => write!(
                f,
                "the row has {fields} fields but the header names {header}: a value has an unquoted comma?"
            ),
            RowError::CostOverflow => {
                f.write_str("the quantity times the unit cost is too large to compute exactly")
            }
            RowError::QuantityTooLarge => f.write_str("the quantity is too large to hold exactly"),
            RowError::TotalTooLarge => {
                f.write_str("a total is too large to hold exactly (over 28 significant digits)")
            }
        }
    }
}

/// Reads a row from its fields (as text, not yet trimmed). `fields` may be shorter or longer than
/// the header: spreadsheets drop trailing empty cells, and add empty ones.
pub fn parse_fields<'a>(
    fields: &[&'a str],
    columns: &Columns,
    services: &ServiceIndex,
) -> Result<Row<'a>, RowError> {
    if fields.len() > columns.header_len
        && fields[columns.header_len..]
            .iter()
            .any(|field| !field.trim().is_empty())
    {
        return Err(RowError::ExtraFields {
            fields: fields.len(),
            header: columns.header_len,
        });
    }
    let field = |index: usize, name: &'static str| {
        fields
            .get(index)
            .map(|field| field.trim())
            .ok_or(RowError::MissingField(name))
    };
    let family_id = field(columns.family_id, "family_id")?;
    if family_id.is_empty() {
        return Err(RowError::EmptyFamily);
    }
    let service_text = field(columns.service, "service")?;
    let service = services
        .lookup(service_text)
        .ok_or_else(|| RowError::UnknownService(service_text.to_string()))?;
    let quantity =
        read_quantity(field(columns.quantity, "quantity")?).map_err(RowError::BadQuantity)?;
    // A short row simply has no note: spreadsheets drop trailing empty cells.
    let note = columns
        .note
        .and_then(|index| fields.get(index))
        .map(|note| note.trim())
        .filter(|note| !note.is_empty());
    Ok(Row {
        family_id,
        service,
        quantity,
        note,
    })
}

/// A quantity: plain digits with up to six decimal places are read straight into millionths (most
/// rows); anything else (`1,200`, `£5`, more places) goes through the full parser.
pub fn read_quantity(text: &str) -> Result<Quantity, NumberError> {
    let bytes = text.as_bytes();
    let (integer, fraction) = match memchr::memchr(b'.', bytes) {
        Some(point) => (&bytes[..point], &bytes[point + 1..]),
        None => (bytes, &[][..]),
    };
    let plain = !integer.is_empty()
        && integer.len() <= 20
        && fraction.len() <= QUANTITY_PLACES as usize
        && integer.iter().chain(fraction).all(u8::is_ascii_digit);
    if plain {
        let mut millionths: i128 = 0;
        for &digit in integer.iter().chain(fraction) {
            millionths = millionths * 10 + i128::from(digit - b'0');
        }
        millionths *= 10i128.pow(QUANTITY_PLACES - fraction.len() as u32);
        return Ok(Quantity::Millionths(millionths));
    }
    parse_quantity(text).map(Quantity::from_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

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

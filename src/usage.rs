//! Service-use records: the CSV files that say how much of each service each family used in a window.
//!
//! The format is `family_id,service,quantity` with a header row, columns in any order, optional
//! `cohort` and `note` columns, and any other column ignored. Rows for the same family and service
//! add up. Every row read is accounted for: used, blank, or rejected with a reason.

use crate::costs::{CostBook, ServiceId};
use crate::csv_input;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::money::{NumberError, parse_quantity};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::fmt;

/// The two windows a study compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    Before,
    After,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Window::Before => "before",
            Window::After => "after",
        })
    }
}

/// How many rows of one file were read, used, left blank and rejected. `read` always equals the
/// sum of the other three.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileAccount {
    pub file: String,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_blank: u64,
    pub rows_rejected: u64,
}

/// One family's use of one service in a window, summed over its rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceUse {
    pub quantity: Decimal,
    /// The distinct `note` texts of its rows, in the order first seen.
    pub notes: Vec<String>,
}

/// Everything one service-use file says, aggregated by family and then service, in the order
/// first seen.
#[derive(Debug, Clone, Default)]
pub struct UsageFile {
    pub account: FileAccount,
    pub families: IndexMap<String, IndexMap<ServiceId, ServiceUse>>,
}

/// Rejected rows reported one by one per file; beyond this they are counted in one summary line.
const ROW_ERRORS_SHOWN: u64 = 50;

/// Notes kept per family and service: enough for a statement, bounded for hostile input.
const NOTES_KEPT: usize = 5;

/// The positions of the columns we use, found from the header row.
struct Columns {
    family_id: usize,
    service: usize,
    quantity: usize,
    note: Option<usize>,
}

impl Columns {
    fn find(
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
        })
    }
}

/// Reads one service-use file. Problems go to `diagnostics`, each with its file and line.
pub fn read_usage_file(
    input: &InputPath,
    book: &CostBook,
    diagnostics: &mut Diagnostics,
) -> UsageFile {
    let shown = input.shown();
    let mut usage = UsageFile {
        account: FileAccount {
            file: shown.clone(),
            ..FileAccount::default()
        },
        ..UsageFile::default()
    };
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(input.unreadable("service-use file", &error));
            return usage;
        }
    };
    read_usage_bytes(&shown, &bytes, book, diagnostics, &mut usage);
    usage
}

/// Reads service-use records from memory; `file` names them in messages.
pub fn read_usage_bytes(
    file: &str,
    bytes: &[u8],
    book: &CostBook,
    diagnostics: &mut Diagnostics,
    usage: &mut UsageFile,
) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file is empty: it has no header row",
            )
            .hint("the first row must name the columns: family_id,service,quantity");
        return;
    }
    let mut reader = csv_input::reader(bytes);
    let mut lines = csv_input::LineTracker::new(bytes);
    let mut record = csv::ByteRecord::new();

    let columns = match reader.read_byte_record(&mut record) {
        Ok(true) => Columns::find(file, &record, diagnostics),
        Ok(false) => None,
        Err(error) => {
            diagnostics.error(
                Some(Location::line(file, 1)),
                format!("cannot read the header row: {error}"),
            );
            None
        }
    };
    let Some(columns) = columns else { return };

    let mut errors_in_file = 0u64;
    loop {
        let cursor = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                let trailing = lines.trailing_blank_lines(cursor);
                usage.account.rows_read += trailing;
                usage.account.rows_blank += trailing;
                break;
            }
            Err(error) => {
                let (line, _) = lines.record(cursor);
                diagnostics
                    .error(
                        Some(Location::line(file, line)),
                        format!("cannot read the CSV: {error}"),
                    )
                    .hint("check the quoting on this line: a quote opened must be closed");
                usage.account.rows_read += 1;
                usage.account.rows_rejected += 1;
                break;
            }
        }
        // Empty lines the CSV reader skipped are rows read, and blank.
        let (line, empty_lines_before) = lines.record(cursor);
        usage.account.rows_read += empty_lines_before + 1;
        usage.account.rows_blank += empty_lines_before;
        if csv_input::is_blank(&record) {
            usage.account.rows_blank += 1;
            continue;
        }
        match read_row(&record, &columns, book) {
            Ok(row) => {
                let family = usage.families.entry(row.family_id).or_default();
                let service_use = family.entry(row.service).or_default();
                match service_use.quantity.checked_add(row.quantity) {
                    Some(sum) => service_use.quantity = sum,
                    None => {
                        reject(
                            diagnostics,
                            &mut usage.account,
                            &mut errors_in_file,
                            Location::line(file, line),
                            RowError::SumOverflow.to_string(),
                            None,
                        );
                        continue;
                    }
                }
                if let Some(note) = row.note
                    && service_use.notes.len() < NOTES_KEPT
                    && !service_use.notes.contains(&note)
                {
                    service_use.notes.push(note);
                }
                usage.account.rows_used += 1;
            }
            Err(error) => {
                let column = error.column(&columns).map(|index| index as u64 + 1);
                let location = Location {
                    file: file.to_string(),
                    line: Some(line),
                    column,
                };
                let hint = error.hint(book);
                reject(
                    diagnostics,
                    &mut usage.account,
                    &mut errors_in_file,
                    location,
                    error.to_string(),
                    hint,
                );
            }
        }
    }
    if errors_in_file > ROW_ERRORS_SHOWN {
        diagnostics.error(
            Some(Location::file(file)),
            format!(
                "{} more rows were rejected ({} in all); the first {ROW_ERRORS_SHOWN} are listed above",
                errors_in_file - ROW_ERRORS_SHOWN,
                errors_in_file
            ),
        );
    }
    if usage.account.rows_read == usage.account.rows_blank && errors_in_file == 0 {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file has a header row but no records",
            )
            .hint("add rows of family_id,service,quantity, or leave the file out of the study");
    }
}

fn reject(
    diagnostics: &mut Diagnostics,
    account: &mut FileAccount,
    errors_in_file: &mut u64,
    location: Location,
    message: String,
    hint: Option<String>,
) {
    account.rows_rejected += 1;
    *errors_in_file += 1;
    if *errors_in_file <= ROW_ERRORS_SHOWN {
        let problem = diagnostics.error(Some(location), message);
        if let Some(hint) = hint {
            problem.hint(hint);
        }
    }
}

struct Row {
    family_id: String,
    service: ServiceId,
    quantity: Decimal,
    note: Option<String>,
}

#[derive(Debug)]
enum RowError {
    MissingField(&'static str),
    NotText(&'static str),
    EmptyFamily,
    UnknownService(String),
    BadQuantity(NumberError),
    SumOverflow,
}

impl RowError {
    fn column(&self, columns: &Columns) -> Option<usize> {
        match self {
            RowError::MissingField(name) | RowError::NotText(name) => Some(match *name {
                "family_id" => columns.family_id,
                "service" => columns.service,
                "quantity" => columns.quantity,
                _ => columns.note?,
            }),
            RowError::EmptyFamily => Some(columns.family_id),
            RowError::UnknownService(_) => Some(columns.service),
            RowError::BadQuantity(_) => Some(columns.quantity),
            RowError::SumOverflow => None,
        }
    }

    fn hint(&self, book: &CostBook) -> Option<String> {
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
        }
    }
}

fn field<'a>(
    record: &'a csv::ByteRecord,
    index: usize,
    name: &'static str,
) -> Result<&'a str, RowError> {
    csv_input::text_field(record, index)
        .map_err(|_| RowError::NotText(name))?
        .ok_or(RowError::MissingField(name))
}

fn read_row(record: &csv::ByteRecord, columns: &Columns, book: &CostBook) -> Result<Row, RowError> {
    let family_id = field(record, columns.family_id, "family_id")?;
    if family_id.is_empty() {
        return Err(RowError::EmptyFamily);
    }
    let service_text = field(record, columns.service, "service")?;
    let service = book
        .lookup(service_text)
        .ok_or_else(|| RowError::UnknownService(service_text.to_string()))?;
    let quantity = parse_quantity(field(record, columns.quantity, "quantity")?)
        .map_err(RowError::BadQuantity)?;
    // A short row simply has no note: spreadsheets drop trailing empty cells.
    let note = match columns.note {
        Some(index) => csv_input::text_field(record, index)
            .map_err(|_| RowError::NotText("note"))?
            .filter(|note| !note.is_empty()),
        None => None,
    };
    Ok(Row {
        family_id: family_id.to_string(),
        service,
        quantity,
        note: note.map(str::to_string),
    })
}

//! Service-use records: the CSV files that say how much of each service each family used in a window.
//!
//! The format is `family_id,service,quantity` with a header row, columns in any order, optional
//! `cohort` and `note` columns, and any other column ignored. Rows for the same family and service
//! add up. Every row read is accounted for: used, blank, or rejected with a reason.

use crate::costs::{CostBook, ServiceId};
use crate::csv_input;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
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

/// Everything a window's service-use files say, aggregated by family and then service, in the
/// order first seen. A window may be split over several files (monthly extracts, say): their rows
/// add up as if they were one file.
#[derive(Debug, Clone, Default)]
pub struct UsageFile {
    /// Row accounting for each file read into this window, in order.
    pub accounts: Vec<FileAccount>,
    pub families: IndexMap<String, IndexMap<ServiceId, ServiceUse>>,
    /// Rows set aside with `--skip-bad-rows`.
    pub rejected: Vec<RejectedRow>,
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
    /// How many columns the header names.
    header_len: usize,
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
            header_len: header.len(),
        })
    }
}

/// A row set aside with `--skip-bad-rows`, for the rejects file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub file: String,
    pub line: u64,
    pub column: Option<u64>,
    pub reason: String,
    /// The row as it was written, re-quoted as CSV.
    pub row: String,
}

/// The longest line a service-use file may have. A row is a few dozen bytes; a line of megabytes
/// is a file that is not what it claims to be, and is refused before it can exhaust memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Reads one service-use file. Problems go to `diagnostics`, each with its file and line.
pub fn read_usage_file(
    input: &InputPath,
    book: &CostBook,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> UsageFile {
    let mut usage = UsageFile::default();
    read_usage_into(input, book, options, diagnostics, &mut usage);
    usage
}

/// Reads the files of one window into one aggregate.
pub fn read_window(
    inputs: &[InputPath],
    book: &CostBook,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> UsageFile {
    let mut usage = UsageFile::default();
    for input in inputs {
        read_usage_into(input, book, options, diagnostics, &mut usage);
    }
    usage
}

fn read_usage_into(
    input: &InputPath,
    book: &CostBook,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
    usage: &mut UsageFile,
) {
    match input.read_utf8("service-use file", options.encoding, diagnostics) {
        Some(bytes) => read_usage_bytes(&input.shown(), &bytes, book, options, diagnostics, usage),
        None => usage.accounts.push(FileAccount {
            file: input.shown(),
            ..FileAccount::default()
        }),
    }
}

/// The first line longer than [`MAX_LINE_BYTES`]: its number and length.
fn overlong_line(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut start = 0;
    let line_ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (line, end) in (1..).zip(line_ends) {
        if end - start > MAX_LINE_BYTES {
            return Some((line, end - start));
        }
        start = end + 1;
    }
    None
}

/// Reads service-use records from memory (UTF-8); `file` names them in messages.
pub fn read_usage_bytes(
    file: &str,
    bytes: &[u8],
    book: &CostBook,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
    usage: &mut UsageFile,
) {
    let mut account = FileAccount {
        file: file.to_string(),
        ..FileAccount::default()
    };
    read_records(file, bytes, book, options, diagnostics, usage, &mut account);
    usage.accounts.push(account);
}

fn read_records(
    file: &str,
    bytes: &[u8],
    book: &CostBook,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
    usage: &mut UsageFile,
    account: &mut FileAccount,
) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file is empty: it has no header row",
            )
            .hint("the first row must name the columns: family_id,service,quantity");
        return;
    }
    if let Some((line, length)) = overlong_line(bytes) {
        diagnostics
            .error(
                Some(Location::line(file, line)),
                format!("line {line} is {length} bytes long, over the limit of 1 MB for one row"),
            )
            .hint("a service-use file has one short row per family and service: check that this is the right file");
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

    let mut rejects = Rejects {
        file,
        options,
        shown: 0,
    };
    loop {
        let cursor = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                let trailing = lines.trailing_blank_lines(cursor);
                account.rows_read += trailing;
                account.rows_blank += trailing;
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
                account.rows_read += 1;
                account.rows_rejected += 1;
                break;
            }
        }
        // Empty lines the CSV reader skipped are rows read, and blank.
        let (line, empty_lines_before) = lines.record(cursor);
        account.rows_read += empty_lines_before + 1;
        account.rows_blank += empty_lines_before;
        if csv_input::is_blank(&record) {
            account.rows_blank += 1;
            continue;
        }
        let outcome = read_row(&record, &columns, book).and_then(|row| add_row(usage, row));
        match outcome {
            Ok(()) => account.rows_used += 1,
            Err(error) => {
                account.rows_rejected += 1;
                let column = error.column(&columns).map(|index| index as u64 + 1);
                let hint = error.hint(book);
                rejects.reject(
                    diagnostics,
                    usage,
                    &record,
                    line,
                    column,
                    error.to_string(),
                    hint,
                );
            }
        }
    }
    rejects.finish(diagnostics, usage);
    if account.rows_read == account.rows_blank {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file has a header row but no records",
            )
            .hint("add rows of family_id,service,quantity, or leave the file out of the study");
    }
}

fn add_row(usage: &mut UsageFile, row: Row) -> Result<(), RowError> {
    let family = usage.families.entry(row.family_id).or_default();
    let service_use = family.entry(row.service).or_default();
    service_use.quantity = service_use
        .quantity
        .checked_add(row.quantity)
        .ok_or(RowError::SumOverflow)?;
    if let Some(note) = row.note
        && service_use.notes.len() < NOTES_KEPT
        && !service_use.notes.contains(&note)
    {
        service_use.notes.push(note);
    }
    Ok(())
}

/// Where bad rows go: errors (the first few of each file, or all of them for `check`), or the
/// rejects list with `--skip-bad-rows`.
struct Rejects<'a> {
    file: &'a str,
    options: &'a ReadOptions,
    /// Errors reported so far for this file.
    shown: u64,
}

impl Rejects<'_> {
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &mut self,
        diagnostics: &mut Diagnostics,
        usage: &mut UsageFile,
        record: &csv::ByteRecord,
        line: u64,
        column: Option<u64>,
        reason: String,
        hint: Option<String>,
    ) {
        if self.options.skip_bad_rows {
            usage.rejected.push(RejectedRow {
                file: self.file.to_string(),
                line,
                column,
                reason,
                row: requote(record),
            });
            return;
        }
        self.shown += 1;
        if self.options.report_every_row || self.shown <= ROW_ERRORS_SHOWN {
            let location = Location {
                file: self.file.to_string(),
                line: Some(line),
                column,
            };
            let problem = diagnostics.error(Some(location), reason);
            if let Some(hint) = hint {
                problem.hint(hint);
            }
        }
    }

    fn finish(&self, diagnostics: &mut Diagnostics, usage: &UsageFile) {
        let location = Some(Location::file(self.file));
        if self.options.skip_bad_rows && !usage.rejected.is_empty() {
            let count = usage.rejected.len();
            diagnostics
                .warning(
                    location,
                    format!(
                        "{count} bad row{} set aside (--skip-bad-rows)",
                        if count == 1 { " was" } else { "s were" }
                    ),
                )
                .hint("the rejects file lists each one with its line and the reason");
        } else if self.shown > ROW_ERRORS_SHOWN && !self.options.report_every_row {
            diagnostics.error(
                location,
                format!(
                    "{} more rows were rejected ({} in all); the first {ROW_ERRORS_SHOWN} are listed above",
                    self.shown - ROW_ERRORS_SHOWN,
                    self.shown
                ),
            );
        }
    }
}

/// A record written back as one CSV line, for the rejects file.
fn requote(record: &csv::ByteRecord) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; if it somehow did, the row is simply shown empty.
    let _ = writer.write_byte_record(record);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\r', '\n'])
        .to_string()
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
            RowError::BadQuantity(_) | RowError::CostOverflow => Some(columns.quantity),
            RowError::SumOverflow => None,
            RowError::ExtraFields { header, .. } => Some(*header),
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
            RowError::CostOverflow => Some("check the quantity for a mistyped figure".to_string()),
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
    let extra_fields = record.iter().skip(columns.header_len);
    if extra_fields
        .clone()
        .any(|field| !field.iter().all(u8::is_ascii_whitespace))
    {
        return Err(RowError::ExtraFields {
            fields: columns.header_len + extra_fields.count(),
            header: columns.header_len,
        });
    }
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
    if quantity
        .checked_mul(book.service(service).unit_cost)
        .is_none()
    {
        return Err(RowError::CostOverflow);
    }
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

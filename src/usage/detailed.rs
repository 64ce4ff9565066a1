//! The detailed reader: one file at a time with the csv crate, which copes with everything a CSV
//! can hold (quoted fields with commas and line breaks, any encoding once decoded), and reports
//! every bad row with its line. It is the reader of record: the fast reader hands a file over to it
//! whenever it meets anything but plain, well-formed rows.

use super::FileAccount;
use super::accumulator::Quantity;
use super::row::{Columns, RawRow, RowError, ServiceIndex, parse_fields};
use super::row_loop::{LINES_LISTED, Next, RowSource, more, read_rows, shown_field};
use crate::csv_input;
use crate::diagnostic::{Diagnostics, Location};
use std::borrow::Cow;

pub use super::row_loop::{FileToRead, Reading};

/// Reads one file's records (decoded as they are read) into `accumulator`. Memory grows with the
/// families and services, never with the rows: the records are read one at a time, and what is
/// kept of bad rows is bounded.
pub fn read_file<R: std::io::Read>(
    target: &FileToRead<'_>,
    records: &mut csv_input::Records<R>,
    reading: &mut Reading<'_, '_>,
) -> FileAccount {
    let options = reading.options;
    let file = target.file;
    let columns = match records.next_record() {
        csv_input::Next::Record { .. } => Columns::find(
            file,
            &records.record,
            options.pseudonymise.as_ref(),
            reading.diagnostics,
        ),
        csv_input::Next::End { .. } => {
            reading
                .diagnostics
                .error(
                    Some(Location::file(file)),
                    "the file is empty: it has no header row",
                )
                .hint("the first row must name the columns: family_id,service,quantity");
            None
        }
        csv_input::Next::Unreadable(unreadable) => {
            reading.diagnostics.push(unreadable.problem(file));
            None
        }
    };
    let Some(columns) = columns else {
        return FileAccount {
            file: file.to_string(),
            ..FileAccount::default()
        };
    };
    if records.delimiter() != b',' {
        reading.diagnostics.warning(
            Some(Location::file(file)),
            format!(
                "the file is {}-separated: read it so, from its header line",
                csv_input::delimiter_name(records.delimiter())
            ),
        );
    }

    let mut source = CsvRows {
        records,
        file,
        columns: &columns,
        services: reading.services,
        key: options.pseudonymise.as_ref(),
        line: 0,
        cursor: 0,
        notices: FileNotices::default(),
    };
    let account = read_rows(&mut source, &columns, target, reading);
    source.notices.finish(file, reading.diagnostics);
    account
}

/// A CSV file's records as rows: each located by its line, and shown in the rejects file as it
/// was written.
struct CsvRows<'r, R> {
    records: &'r mut csv_input::Records<R>,
    file: &'r str,
    /// For the notices of quoted fields with line breaks.
    columns: &'r Columns,
    services: &'r ServiceIndex,
    key: Option<&'r crate::pseudonym::Key>,
    /// The line the row starts on, and its byte offset.
    line: u64,
    cursor: u64,
    notices: FileNotices,
}

impl<R: std::io::Read> RowSource for CsvRows<'_, R> {
    const PLACES: &'static str = "lines";

    fn next_row(&mut self, diagnostics: &mut Diagnostics) -> Next {
        let empty_lines_before = match self.records.next_record() {
            csv_input::Next::Record {
                line,
                empty_lines_before,
                cursor,
            } => {
                self.line = line;
                self.cursor = cursor;
                empty_lines_before
            }
            csv_input::Next::End {
                trailing_blank_lines,
            } => {
                return Next::End {
                    blank_before: trailing_blank_lines,
                };
            }
            csv_input::Next::Unreadable(unreadable) => {
                diagnostics.push(unreadable.problem(self.file));
                return Next::Unreadable;
            }
        };
        // Empty lines skipped are rows read, and blank.
        let record = &self.records.record;
        if csv_input::is_blank(record) {
            return Next::Blank {
                rows: empty_lines_before + 1,
            };
        }
        for &(field, first, last) in &self.records.quoting.multiline {
            self.notices.multiline(
                record,
                field,
                first,
                last,
                self.columns,
                self.services,
                self.records.delimiter(),
                self.key,
            );
        }
        Next::Row {
            blank_before: empty_lines_before,
        }
    }

    fn fields(&self, columns: &Columns) -> Result<RawRow<'_>, RowError> {
        // Every field is checked for text before anything else is said of the row.
        let mut raw = RawRow::default();
        for (index, field) in self.records.record.iter().enumerate() {
            let field = std::str::from_utf8(field).map_err(|_| RowError::NotText("row"))?;
            columns.place(&mut raw, index, field);
        }
        if let Some((field, line)) = self.records.quoting.text_after_quote {
            return Err(RowError::TextAfterQuote { field, line });
        }
        Ok(raw)
    }

    fn line(&self) -> u64 {
        self.line
    }

    fn offset(&self) -> u64 {
        self.cursor
    }

    fn record(&self) -> Cow<'_, csv::ByteRecord> {
        Cow::Borrowed(&self.records.record)
    }

    fn location(&self, line: u64, column: Option<u64>) -> Location {
        Location {
            file: self.file.to_string(),
            line: Some(line),
            column,
        }
    }

    fn grouped_quantity(&mut self, line: u64, quantity: Quantity) {
        self.notices.grouped_quantity(line, quantity);
    }
}

/// What a file's good rows say that a reader should hear once, not on every row.
#[derive(Default)]
struct FileNotices {
    /// Lines of quoted fields that hold line breaks: (first, last), the first few, and a count.
    multiline: Vec<(u64, u64)>,
    /// Lines inside a quoted field that read as records: (the quote's line, the line, its text).
    swallowed: Vec<(u64, u64, String)>,
    multiline_count: u64,
    /// Lines whose quantity has a thousands separator, the first few, and a count.
    grouped: Vec<(u64, String)>,
    grouped_count: u64,
}

impl FileNotices {
    /// A quoted field that holds line breaks. A line inside it that reads as a record of its own
    /// is a warning naming both lines: the quote is more likely a stray one than a note.
    #[allow(clippy::too_many_arguments)]
    fn multiline(
        &mut self,
        record: &csv::ByteRecord,
        field: usize,
        first: u64,
        last: u64,
        columns: &Columns,
        services: &ServiceIndex,
        delimiter: u8,
        key: Option<&crate::pseudonym::Key>,
    ) {
        self.multiline_count += 1;
        if self.multiline.len() < LINES_LISTED {
            self.multiline.push((first, last));
        }
        let Some(text) = record.get(field) else {
            return;
        };
        for (offset, piece) in text.split(|&byte| byte == b'\n').enumerate().skip(1) {
            let Ok(piece) = std::str::from_utf8(piece) else {
                continue;
            };
            let piece = piece.trim_end_matches('\r');
            let fields: Vec<&str> = piece.split(delimiter as char).collect();
            if parse_fields(&fields, columns, services).is_ok() {
                // The line is quoted so that it can be recognised; with a key, as a row set
                // aside shows it (see `pseudonymised_row`).
                let shown = match key {
                    None => piece.to_string(),
                    Some(key) => fields
                        .iter()
                        .enumerate()
                        .map(|(index, field)| shown_field(index, field.as_bytes(), columns, key))
                        .map(|field| String::from_utf8_lossy(&field).into_owned())
                        .collect::<Vec<_>>()
                        .join(&(delimiter as char).to_string()),
                };
                self.swallowed.push((first, first + offset as u64, shown));
                break;
            }
        }
    }

    fn grouped_quantity(&mut self, line: u64, quantity: Quantity) {
        self.grouped_count += 1;
        if self.grouped.len() < LINES_LISTED {
            self.grouped
                .push((line, crate::money::format_quantity(quantity.to_decimal())));
        }
    }

    fn finish(self, file: &str, diagnostics: &mut Diagnostics) {
        for (quote_line, line, text) in &self.swallowed {
            diagnostics
                .warning(
                    Some(Location::line(file, *quote_line)),
                    format!(
                        "the quoted field that opens on line {quote_line} takes in line {line}, which reads as a record of its own ({text:?}), so that line is not counted as a row"
                    ),
                )
                .hint(format!("if the quote on line {quote_line} is a mistake, close it on that line or remove it"));
        }
        if self.multiline_count > 0 {
            let listed: Vec<String> = self
                .multiline
                .iter()
                .map(|(first, last)| format!("{first}-{last}"))
                .collect();
            diagnostics.warning(
                Some(Location::line(file, self.multiline[0].0)),
                format!(
                    "{} quoted field{} run{} over more than one line (lines {}{}): each is read as one field with its line breaks",
                    self.multiline_count,
                    plural(self.multiline_count),
                    if self.multiline_count == 1 { "s" } else { "" },
                    listed.join(", "),
                    more(self.multiline_count, listed.len()),
                ),
            );
        }
        if self.grouped_count > 0 {
            let listed: Vec<String> = self
                .grouped
                .iter()
                .map(|(line, quantity)| format!("line {line}: {quantity}"))
                .collect();
            diagnostics
                .warning(
                    Some(Location::line(file, self.grouped[0].0)),
                    format!(
                        "{} quantit{} written with a thousands separator ({}{})",
                        self.grouped_count,
                        if self.grouped_count == 1 { "y is" } else { "ies are" },
                        listed.join(", "),
                        more(self.grouped_count, listed.len()),
                    ),
                )
                .hint("a quantity is a number of units (hours, arrests, weeks), not a cost: check that these are counts");
        }
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

//! The detailed reader: one file at a time with the csv crate, which copes with everything a CSV
//! can hold (quoted fields with commas and line breaks, any encoding once decoded), and reports
//! every bad row with its line. It is the reader of record: the fast reader hands a file over to it
//! whenever it meets anything but plain, well-formed rows.

use super::accumulator::{Accumulator, position};
use super::row::{Columns, RowError, ServiceIndex, parse_fields};
use super::{FileAccount, MAX_LINE_BYTES, RejectedRow};
use crate::costs::CostBook;
use crate::csv_input;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::ReadOptions;

/// Rejected rows reported one by one per file; beyond this they are counted in one summary line.
const ROW_ERRORS_SHOWN: u64 = 50;

/// One file to read, and where its rows go.
pub struct FileToRead<'a> {
    /// The file as shown in messages.
    pub file: &'a str,
    /// Its number in reading order, for the order families are reported in.
    pub number: u32,
    /// 0 for the window before, 1 for after.
    pub window: usize,
}

/// Reads one file's records (UTF-8, already decoded) into `accumulator`.
#[allow(clippy::too_many_arguments)]
pub fn read_file(
    target: &FileToRead<'_>,
    bytes: &[u8],
    book: &CostBook,
    services: &ServiceIndex,
    options: &ReadOptions,
    accumulator: &mut Accumulator<'_>,
    rejected: &mut Vec<RejectedRow>,
    diagnostics: &mut Diagnostics,
) -> FileAccount {
    let file = target.file;
    let mut account = FileAccount {
        file: file.to_string(),
        ..FileAccount::default()
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file is empty: it has no header row",
            )
            .hint("the first row must name the columns: family_id,service,quantity");
        return account;
    }
    if let Some((line, length)) = overlong_line(bytes) {
        diagnostics
            .error(
                Some(Location::line(file, line)),
                format!("line {line} is {length} bytes long, over the limit of 1 MB for one row"),
            )
            .hint("a service-use file has one short row per family and service: check that this is the right file");
        return account;
    }
    let mut records = csv_input::Records::new(bytes);
    let columns = match records.next_record() {
        csv_input::Next::Record { .. } => Columns::find(file, &records.record, diagnostics),
        csv_input::Next::End { .. } => None,
        csv_input::Next::Unreadable { line, error } => {
            diagnostics.push(csv_input::unreadable(file, line, &error));
            None
        }
    };
    let Some(columns) = columns else {
        return account;
    };

    let mut rejects = Rejects {
        file,
        options,
        shown: 0,
        set_aside: 0,
    };
    loop {
        let (line, empty_lines_before, cursor) = match records.next_record() {
            csv_input::Next::Record {
                line,
                empty_lines_before,
                cursor,
            } => (line, empty_lines_before, cursor),
            csv_input::Next::End {
                trailing_blank_lines,
            } => {
                account.rows_read += trailing_blank_lines;
                account.rows_blank += trailing_blank_lines;
                break;
            }
            csv_input::Next::Unreadable { line, error } => {
                diagnostics.push(csv_input::unreadable(file, line, &error));
                account.rows_read += 1;
                account.rows_rejected += 1;
                break;
            }
        };
        let record = &records.record;
        // Empty lines the CSV reader skipped are rows read, and blank.
        account.rows_read += empty_lines_before + 1;
        account.rows_blank += empty_lines_before;
        if csv_input::is_blank(record) {
            account.rows_blank += 1;
            continue;
        }
        let outcome = match record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
        {
            Err(_) => Err(RowError::NotText("row")),
            Ok(fields) => parse_fields(&fields, &columns, services).and_then(|row| {
                let family = accumulator.family(row.family_id, position(target.number, cursor));
                accumulator.add(family, target.window, row.service, row.quantity, row.note)
            }),
        };
        match outcome {
            Ok(()) => account.rows_used += 1,
            Err(error) => {
                account.rows_rejected += 1;
                let column = error.column(&columns).map(|index| index as u64 + 1);
                let hint = error.hint(book);
                rejects.reject(
                    diagnostics,
                    rejected,
                    record,
                    line,
                    column,
                    error.to_string(),
                    hint,
                );
            }
        }
    }
    rejects.finish(diagnostics);
    if account.rows_read == account.rows_blank && account.rows_rejected == 0 {
        diagnostics
            .error(
                Some(Location::file(file)),
                "the file has a header row but no records",
            )
            .hint("add rows of family_id,service,quantity, or leave the file out of the study");
    }
    account
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

/// Where bad rows go: errors (the first few of each file, or all of them for `check`), or the
/// rejects list with `--skip-bad-rows`.
struct Rejects<'a> {
    file: &'a str,
    options: &'a ReadOptions,
    /// Errors reported so far for this file.
    shown: u64,
    /// Rows set aside so far for this file.
    set_aside: u64,
}

impl Rejects<'_> {
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &mut self,
        diagnostics: &mut Diagnostics,
        rejected: &mut Vec<RejectedRow>,
        record: &csv::ByteRecord,
        line: u64,
        column: Option<u64>,
        reason: String,
        hint: Option<String>,
    ) {
        if self.options.skip_bad_rows {
            self.set_aside += 1;
            rejected.push(RejectedRow {
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

    fn finish(&self, diagnostics: &mut Diagnostics) {
        let location = Some(Location::file(self.file));
        if self.set_aside > 0 {
            let count = self.set_aside;
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

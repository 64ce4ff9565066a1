//! The detailed reader: one file at a time with the csv crate, which copes with everything a CSV
//! can hold (quoted fields with commas and line breaks, any encoding once decoded), and reports
//! every bad row with its line. It is the reader of record: the fast reader hands a file over to it
//! whenever it meets anything but plain, well-formed rows.

use super::accumulator::{Accumulator, position};
use super::row::{Columns, RowError, ServiceIndex, parse_fields};
use super::{FileAccount, RejectedRow, RejectedRows};
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

/// Reads one file's records (decoded as they are read) into `accumulator`. Memory grows with the
/// families and services, never with the rows: the records are read one at a time, and what is
/// kept of bad rows is bounded (see [`Rejects`]).
#[allow(clippy::too_many_arguments)]
pub fn read_file<R: std::io::Read>(
    target: &FileToRead<'_>,
    records: &mut csv_input::Records<R>,
    book: &CostBook,
    services: &ServiceIndex,
    options: &ReadOptions,
    accumulator: &mut Accumulator<'_>,
    rejected: &mut RejectedRows,
    diagnostics: &mut Diagnostics,
) -> FileAccount {
    let file = target.file;
    let mut account = FileAccount {
        file: file.to_string(),
        ..FileAccount::default()
    };
    let columns = match records.next_record() {
        csv_input::Next::Record { .. } => Columns::find(
            file,
            &records.record,
            options.pseudonymise.as_ref(),
            diagnostics,
        ),
        csv_input::Next::End { .. } => {
            diagnostics
                .error(
                    Some(Location::file(file)),
                    "the file is empty: it has no header row",
                )
                .hint("the first row must name the columns: family_id,service,quantity");
            None
        }
        csv_input::Next::Unreadable(unreadable) => {
            diagnostics.push(unreadable.problem(file));
            None
        }
    };
    let Some(columns) = columns else {
        return account;
    };
    if records.delimiter() != b',' {
        diagnostics.warning(
            Some(Location::file(file)),
            format!(
                "the file is {}-separated: read it so, from its header line",
                csv_input::delimiter_name(records.delimiter())
            ),
        );
    }

    let mut rejects = Rejects::new(file, options, &columns);
    let mut notices = FileNotices::default();
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
            csv_input::Next::Unreadable(unreadable) => {
                diagnostics.push(unreadable.problem(file));
                account.rows_read += 1;
                account.rows_rejected += 1;
                break;
            }
        };
        let record = &records.record;
        // Empty lines skipped are rows read, and blank.
        account.rows_read += empty_lines_before + 1;
        account.rows_blank += empty_lines_before;
        if csv_input::is_blank(record) {
            account.rows_blank += 1;
            continue;
        }
        for &(field, first, last) in &records.quoting.multiline {
            notices.multiline(
                record,
                field,
                first,
                last,
                &columns,
                services,
                records.delimiter(),
                options.pseudonymise.as_ref(),
            );
        }
        let outcome = match record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
        {
            Err(_) => Err(RowError::NotText("row")),
            Ok(_) if let Some((field, line)) = records.quoting.text_after_quote => {
                Err(RowError::TextAfterQuote { field, line })
            }
            Ok(fields) => parse_fields(&fields, &columns, services).and_then(|row| {
                if row.grouped_quantity {
                    notices.grouped_quantity(line, row.quantity);
                }
                let family = accumulator.family(row.family_id, position(target.number, cursor));
                accumulator.add(family, target.window, row.service, row.quantity, row.note)
            }),
        };
        match outcome {
            Ok(()) => account.rows_used += 1,
            Err(error) => {
                account.rows_rejected += 1;
                let column = error.column(&columns).map(|index| index as u64 + 1);
                rejects.reject(rejected, record, line, column, &error, book);
            }
        }
    }
    rejects.finish(diagnostics);
    notices.finish(file, diagnostics);
    account
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

/// Lines listed in a message before "and N more".
const LINES_LISTED: usize = 5;

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

    fn grouped_quantity(&mut self, line: u64, quantity: super::accumulator::Quantity) {
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

/// ", and N more" for a list that shows `listed` of `count`.
fn more(count: u64, listed: usize) -> String {
    match count.saturating_sub(listed as u64) {
        0 => String::new(),
        left => format!(", and {left} more"),
    }
}

/// Where bad rows go: errors, or the rejects list with `--skip-bad-rows`. Errors with the same
/// message (an unknown service on 21 lines) are one error listing the lines: the first few, and a
/// count. What is kept is bounded: at most [`GROUPS_KEPT`] different messages a file, beyond which
/// rows are counted in one summary line, so that a file of bad rows cannot exhaust memory.
pub(super) struct Rejects<'a> {
    file: &'a str,
    /// For a worksheet, its name: errors then name the cell (`Before!C7`) and rows, not lines.
    pub(super) sheet: Option<&'a str>,
    options: &'a ReadOptions,
    /// Where the family id and the note are, to pseudonymise rows set aside.
    columns: &'a Columns,
    /// Each different error so far, in order of first appearance.
    groups: Vec<RejectGroup>,
    /// Rows rejected with a message not kept, past [`GROUPS_KEPT`].
    not_kept: u64,
    /// Rows set aside so far for this file.
    set_aside: u64,
}

struct RejectGroup {
    message: String,
    hint: Option<String>,
    column: Option<u64>,
    lines: Vec<u64>,
    count: u64,
}

/// Different error messages kept for one file (all of them for `tfcalc check`, up to this).
const GROUPS_KEPT: usize = 1000;

impl<'a> Rejects<'a> {
    pub(super) fn new(file: &'a str, options: &'a ReadOptions, columns: &'a Columns) -> Self {
        Rejects {
            file,
            sheet: None,
            options,
            columns,
            groups: Vec::new(),
            not_kept: 0,
            set_aside: 0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn reject(
        &mut self,
        rejected: &mut RejectedRows,
        record: &csv::ByteRecord,
        line: u64,
        column: Option<u64>,
        error: &RowError,
        book: &CostBook,
    ) {
        let reason = error.to_string();
        if self.options.skip_bad_rows {
            self.set_aside += 1;
            rejected.push(RejectedRow {
                file: self.file.to_string(),
                line,
                column,
                reason,
                row: match &self.options.pseudonymise {
                    None => requote(record),
                    Some(key) => requote(&pseudonymised_row(record, self.columns, key)),
                },
            });
            return;
        }
        // Most files have one or two kinds of bad row: a short scan finds the group.
        if let Some(group) = self
            .groups
            .iter_mut()
            .rev()
            .find(|group| group.message == reason && group.column == column)
        {
            group.count += 1;
            if group.lines.len() < LINES_LISTED {
                group.lines.push(line);
            }
            return;
        }
        let shown = if self.options.report_every_row {
            GROUPS_KEPT
        } else {
            ROW_ERRORS_SHOWN as usize
        };
        if self.groups.len() >= shown {
            self.not_kept += 1;
            return;
        }
        self.groups.push(RejectGroup {
            message: reason,
            hint: error.hint(book),
            column,
            lines: vec![line],
            count: 1,
        });
    }

    pub(super) fn finish(self, diagnostics: &mut Diagnostics) {
        let location = Some(Location::file(self.file));
        let lines_word = if self.sheet.is_some() {
            "rows"
        } else {
            "lines"
        };
        if self.set_aside > 0 {
            let count = self.set_aside;
            diagnostics
                .warning(
                    location.clone(),
                    format!(
                        "{count} bad row{} set aside (--skip-bad-rows)",
                        if count == 1 { " was" } else { "s were" }
                    ),
                )
                .hint(if self.options.pseudonymise.is_some() {
                    "the rejects file lists each one with its line and the reason, its family_id pseudonymised and only its service and quantity kept (--pseudonymise): the line finds it in this file"
                } else {
                    "the rejects file lists each one with its line and the reason"
                });
        }
        for group in self.groups {
            let location = match self.sheet {
                None => Location {
                    file: self.file.to_string(),
                    line: Some(group.lines[0]),
                    column: group.column,
                },
                Some(sheet) => Location::file(match group.column {
                    Some(column) => format!(
                        "{} {sheet}!{}",
                        self.file,
                        crate::worksheet::cell_name(group.lines[0], column)
                    ),
                    None => format!("{} {sheet} row {}", self.file, group.lines[0]),
                }),
            };
            let message = if group.count == 1 {
                group.message
            } else {
                let lines: Vec<String> = group.lines.iter().map(u64::to_string).collect();
                format!(
                    "{}, on {} {lines_word}: {}{}",
                    group.message,
                    group.count,
                    lines.join(", "),
                    more(group.count, group.lines.len())
                )
            };
            let problem = diagnostics.error(Some(location), message);
            if let Some(hint) = group.hint {
                problem.hint(hint);
            }
        }
        if self.not_kept > 0 {
            diagnostics.error(
                location,
                format!(
                    "{} more row{} rejected, for other reasons than those listed above",
                    self.not_kept,
                    if self.not_kept == 1 { " was" } else { "s were" },
                ),
            ).hint("run `tfcalc check` to list them; or --skip-bad-rows to write each to the rejects file");
        }
    }
}

/// A bad row as the rejects file shows it with `--pseudonymise`: the rejects file is an output too,
/// so its family id is pseudonymised, and every field but the service and quantity is left empty:
/// the note is free text that may name people, and columns tfcalc ignores (or values past the
/// header's) may hold anything. The fields stay where they were, so that the column named still
/// points at the right one; the file and line find the row, which is what the analyst needs to fix
/// it.
fn pseudonymised_row(
    record: &csv::ByteRecord,
    columns: &Columns,
    key: &crate::pseudonym::Key,
) -> csv::ByteRecord {
    record
        .iter()
        .enumerate()
        .map(|(index, field)| shown_field(index, field, columns, key))
        .collect()
}

/// Field `index` of a row, as [`pseudonymised_row`] shows it. An empty id stays empty, as that may
/// be what is wrong with the row.
fn shown_field(
    index: usize,
    field: &[u8],
    columns: &Columns,
    key: &crate::pseudonym::Key,
) -> Vec<u8> {
    if index == columns.family_id && !field.is_empty() {
        key.pseudonym(&String::from_utf8_lossy(field)).into_bytes()
    } else if index == columns.service || index == columns.quantity {
        field.to_vec()
    } else {
        Vec::new()
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

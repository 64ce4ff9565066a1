//! The row loop of the detailed and worksheet readers: each row judged by [`judge`], accounted
//! (rows read = used + blank + rejected), added to the [`Accumulator`], and a bad row reported or
//! set aside. A [`RowSource`] says only what differs between a CSV file and a sheet: how its rows
//! are read, how a place in it is named, and what a bad row looks like in the rejects file.

use super::accumulator::{Accumulator, Quantity, position};
use super::row::{Columns, RawRow, RowError, ServiceIndex, judge};
use super::{FileAccount, RejectedRow, RejectedRows};
use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::ReadOptions;
use std::borrow::Cow;

/// One file to read, and where its rows go.
pub struct FileToRead<'a> {
    /// The file as shown in messages.
    pub file: &'a str,
    /// Its number in reading order, for the order families are reported in.
    pub number: u32,
    /// 0 for the window before, 1 for after.
    pub window: usize,
}

/// What a [`RowSource`] found when asked for its next row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// A row to judge, after `blank_before` blank rows skipped on the way to it.
    Row { blank_before: u64 },
    /// `rows` blank rows, and nothing else.
    Blank { rows: u64 },
    /// No more rows, after `blank_before` blank ones.
    End { blank_before: u64 },
    /// The rest cannot be read: one row read and rejected, and the end. The source has recorded
    /// why.
    Unreadable,
}

/// The rows of one file after its header, as the row loop reads them. The methods about "the row"
/// are about the one the last [`RowSource::next_row`] gave as [`Next::Row`].
pub(super) trait RowSource {
    /// How messages name a row's places in the plural: "on 3 lines: 4, 7, 9".
    const PLACES: &'static str;

    /// Moves to the next row.
    fn next_row(&mut self, diagnostics: &mut Diagnostics) -> Next;

    /// The row's fields, placed in their columns; or what is wrong with the row that only the
    /// source can see (bytes that are not text, a cell that is not a value).
    fn fields(&self, columns: &Columns) -> Result<RawRow<'_>, RowError>;

    /// The row's line (or, in a sheet, its row number), for messages.
    fn line(&self) -> u64;

    /// Where the row is in the file, for the order its families are reported in.
    fn offset(&self) -> u64;

    /// The row's fields as a CSV record, for the rejects file.
    fn record(&self) -> Cow<'_, csv::ByteRecord>;

    /// Where a problem is, from the line of its first row and the (1-based) column.
    fn location(&self, line: u64, column: Option<u64>) -> Location;

    /// A good row's quantity written with a thousands separator. Only a CSV file warns of these;
    /// a sheet has never done so, and its messages stay as they are.
    fn grouped_quantity(&mut self, _line: u64, _quantity: Quantity) {}
}

/// What the detailed and worksheet readers read each file with (the cost book, its services, the
/// options) and into (the sums, the rows set aside, the problems found): the same for every file
/// of a study.
pub struct Reading<'r, 'c> {
    pub book: &'r CostBook,
    pub services: &'r ServiceIndex,
    pub options: &'r ReadOptions,
    pub accumulator: &'r mut Accumulator<'c>,
    pub rejected: &'r mut RejectedRows,
    pub diagnostics: &'r mut Diagnostics,
}

/// Reads the rows of `source` into the reading's accumulator, with the file's `columns` found from
/// its header. Bad rows are reported in its diagnostics, or set aside with `--skip-bad-rows`.
pub(super) fn read_rows<S: RowSource>(
    source: &mut S,
    columns: &Columns,
    target: &FileToRead<'_>,
    reading: &mut Reading<'_, '_>,
) -> FileAccount {
    let Reading {
        book,
        services,
        options,
        accumulator,
        rejected,
        diagnostics,
    } = reading;
    let mut account = FileAccount {
        file: target.file.to_string(),
        ..FileAccount::default()
    };
    let mut rejects = Rejects::new(target.file, options, columns);
    loop {
        match source.next_row(diagnostics) {
            Next::Row { blank_before } => {
                account.rows_read += blank_before + 1;
                account.rows_blank += blank_before;
            }
            Next::Blank { rows } => {
                account.rows_read += rows;
                account.rows_blank += rows;
                continue;
            }
            Next::End { blank_before } => {
                account.rows_read += blank_before;
                account.rows_blank += blank_before;
                break;
            }
            Next::Unreadable => {
                account.rows_read += 1;
                account.rows_rejected += 1;
                break;
            }
        }
        // Told of whether or not the row's cost then fits: the figure is what looks mistyped.
        let mut grouped = None;
        let outcome = source.fields(columns).and_then(|raw| {
            let row = judge(&raw, columns, services)?;
            if row.grouped_quantity {
                grouped = Some(row.quantity);
            }
            let at = position(target.number, source.offset());
            let family = accumulator.family(row.family_id, at);
            accumulator.add(
                family,
                at,
                target.window,
                row.service,
                row.quantity,
                row.note,
            )
        });
        if let Some(quantity) = grouped {
            source.grouped_quantity(source.line(), quantity);
        }
        match outcome {
            Ok(()) => account.rows_used += 1,
            Err(error) => {
                account.rows_rejected += 1;
                let column = error.column(columns).map(|index| index as u64 + 1);
                rejects.reject(
                    rejected,
                    &source.record(),
                    source.line(),
                    column,
                    &error,
                    book,
                );
            }
        }
    }
    rejects.finish(source, diagnostics);
    account
}

/// Rejected rows reported one by one per file; beyond this they are counted in one summary line.
const ROW_ERRORS_SHOWN: u64 = 50;

/// Lines listed in a message before "and N more".
pub(super) const LINES_LISTED: usize = 5;

/// ", and N more" for a list that shows `listed` of `count`.
pub(super) fn more(count: u64, listed: usize) -> String {
    match count.saturating_sub(listed as u64) {
        0 => String::new(),
        left => format!(", and {left} more"),
    }
}

/// Where bad rows go: errors, or the rejects list with `--skip-bad-rows`. Errors with the same
/// message (an unknown service on 21 lines) are one error listing the lines: the first few, and a
/// count. What is kept is bounded: at most [`GROUPS_KEPT`] different messages a file, beyond which
/// rows are counted in one summary line, so that a file of bad rows cannot exhaust memory.
struct Rejects<'a> {
    file: &'a str,
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
    fn new(file: &'a str, options: &'a ReadOptions, columns: &'a Columns) -> Self {
        Rejects {
            file,
            options,
            columns,
            groups: Vec::new(),
            not_kept: 0,
            set_aside: 0,
        }
    }

    fn reject(
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

    fn finish<S: RowSource>(self, source: &S, diagnostics: &mut Diagnostics) {
        let location = Some(Location::file(self.file));
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
            let location = source.location(group.lines[0], group.column);
            let message = if group.count == 1 {
                group.message
            } else {
                let lines: Vec<String> = group.lines.iter().map(u64::to_string).collect();
                format!(
                    "{}, on {} {}: {}{}",
                    group.message,
                    group.count,
                    S::PLACES,
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
pub(super) fn shown_field(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Itemise;
    use crate::usage::accumulator::FixedCosts;
    use rust_decimal::Decimal;

    /// Rows given as a list of steps, each with its line and fields.
    struct Listed {
        steps: std::vec::IntoIter<(Next, u64, String)>,
        line: u64,
        fields: Vec<String>,
        /// The lines told of as grouped quantities.
        grouped: Vec<u64>,
    }

    impl Listed {
        fn new(steps: Vec<(Next, u64, String)>) -> Listed {
            Listed {
                steps: steps.into_iter(),
                line: 0,
                fields: Vec::new(),
                grouped: Vec::new(),
            }
        }
    }

    impl RowSource for Listed {
        const PLACES: &'static str = "lines";

        fn next_row(&mut self, _diagnostics: &mut Diagnostics) -> Next {
            let Some((next, line, fields)) = self.steps.next() else {
                panic!("read past the end");
            };
            self.line = line;
            self.fields = fields.split('|').map(str::to_string).collect();
            next
        }

        fn fields(&self, columns: &Columns) -> Result<RawRow<'_>, RowError> {
            let mut raw = RawRow::default();
            for (index, field) in self.fields.iter().enumerate() {
                columns.place(&mut raw, index, field);
            }
            Ok(raw)
        }

        fn line(&self) -> u64 {
            self.line
        }

        fn offset(&self) -> u64 {
            self.line
        }

        fn record(&self) -> Cow<'_, csv::ByteRecord> {
            Cow::Owned(self.fields.iter().collect())
        }

        fn location(&self, line: u64, column: Option<u64>) -> Location {
            Location {
                file: "listed.csv".to_string(),
                line: Some(line),
                column,
            }
        }

        fn grouped_quantity(&mut self, line: u64, _quantity: Quantity) {
            self.grouped.push(line);
        }
    }

    /// Reads `source` with the built-in tables, into the before window: the account, the usage,
    /// the rows set aside and the problems.
    fn read(
        source: &mut Listed,
        options: &ReadOptions,
    ) -> (
        FileAccount,
        crate::usage::StudyUsage,
        Vec<RejectedRow>,
        Diagnostics,
    ) {
        let mut diagnostics = Diagnostics::new();
        let book = book();
        let costs = FixedCosts::new(&book);
        let services = ServiceIndex::new(&book);
        let header: csv::ByteRecord = ["family_id", "service", "quantity", "note"]
            .into_iter()
            .collect();
        let columns = Columns::find("listed.csv", &header, None, &mut diagnostics)
            .expect("the header names the columns");
        let mut accumulator = Accumulator::new(&costs, Itemise::Never);
        let mut rejected = RejectedRows::default();
        let target = FileToRead {
            file: "listed.csv",
            number: 0,
            window: 0,
        };
        let account = read_rows(
            source,
            &columns,
            &target,
            &mut Reading {
                book: &book,
                services: &services,
                options,
                accumulator: &mut accumulator,
                rejected: &mut rejected,
                diagnostics: &mut diagnostics,
            },
        );
        let usage = accumulator.finish_with(Vec::new()).expect("the sums fit");
        let mut rows = Vec::new();
        rejected
            .for_each(|row| {
                rows.push(row);
                Ok(())
            })
            .expect("rows set aside are held in memory");
        (account, usage, rows, diagnostics)
    }

    fn book() -> CostBook {
        let mut diagnostics = Diagnostics::new();
        CostBook::load(
            &[],
            None,
            crate::text_file::Encoding::Auto,
            &mut diagnostics,
        )
        .expect("the built-in tables load")
    }

    /// Rows read, used, blank and rejected.
    fn counts(account: &FileAccount) -> (u64, u64, u64, u64) {
        (
            account.rows_read,
            account.rows_used,
            account.rows_blank,
            account.rows_rejected,
        )
    }

    /// The service the tests use, and its unit cost.
    fn service() -> (String, Decimal) {
        let book = book();
        let service = &book.services()[0];
        (service.definition.id.to_string(), service.unit_cost)
    }

    #[test]
    fn every_row_is_read_as_used_blank_or_rejected_and_good_rows_add_up() {
        let (id, unit_cost) = service();
        let row = |family: &str, quantity: &str| format!("{family}|{id}|{quantity}");
        let mut source = Listed::new(vec![
            (Next::Blank { rows: 2 }, 3, String::new()),
            (Next::Row { blank_before: 0 }, 4, row("F1", "2.5")),
            (Next::Row { blank_before: 1 }, 6, row("F2", "1,200")),
            (
                Next::Row { blank_before: 0 },
                7,
                "F1|no_such_service|1".to_string(),
            ),
            (
                Next::Row { blank_before: 0 },
                8,
                "F3|no_such_service|2".to_string(),
            ),
            (Next::Row { blank_before: 0 }, 9, row("F1", "-1")),
            (Next::Row { blank_before: 0 }, 10, row("F1", "0.5")),
            (Next::End { blank_before: 3 }, 0, String::new()),
        ]);
        let (account, usage, set_aside, diagnostics) = read(&mut source, &ReadOptions::default());
        assert_eq!(counts(&account), (12, 3, 6, 3));
        assert!(set_aside.is_empty());
        let families: Vec<(&str, Decimal)> = usage
            .families
            .iter()
            .map(|family| (&*family.family_id, family.money[0]))
            .collect();
        assert_eq!(
            families,
            [
                ("F1", Decimal::new(3, 0) * unit_cost),
                ("F2", Decimal::new(1200, 0) * unit_cost)
            ]
        );
        assert_eq!(usage.quantities[0][0], Decimal::new(12030, 1));
        assert_eq!(source.grouped, [6]);
        // The two unknown services are one error listing both lines; the negative quantity its own.
        let errors: Vec<(Option<u64>, &str)> = diagnostics
            .problems()
            .iter()
            .filter(|problem| problem.is_error())
            .map(|problem| {
                (
                    problem.location.as_ref().and_then(|at| at.line),
                    problem.message.as_str(),
                )
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(
            errors[0],
            (
                Some(7),
                "unknown service `no_such_service`, on 2 lines: 7, 8"
            )
        );
        assert_eq!(errors[1].0, Some(9));
    }

    #[test]
    fn rows_set_aside_keep_their_line_column_and_text_and_an_unreadable_row_ends_the_file() {
        let (id, unit_cost) = service();
        let good = format!("F1|{id}|4");
        let mut source = Listed::new(vec![
            (Next::Row { blank_before: 0 }, 2, good.clone()),
            (
                Next::Row { blank_before: 2 },
                5,
                "F9|nope|1|a note".to_string(),
            ),
            (Next::Unreadable, 6, String::new()),
            (Next::Row { blank_before: 0 }, 7, good),
        ]);
        let options = ReadOptions {
            skip_bad_rows: true,
            ..ReadOptions::default()
        };
        let (account, usage, set_aside, diagnostics) = read(&mut source, &options);
        assert_eq!(counts(&account), (5, 1, 2, 2));
        assert_eq!(usage.families.len(), 1);
        assert_eq!(usage.families[0].money[0], Decimal::new(4, 0) * unit_cost);
        assert_eq!(
            set_aside,
            [RejectedRow {
                file: "listed.csv".to_string(),
                line: 5,
                column: Some(2),
                reason: "unknown service `nope`".to_string(),
                row: "F9,nope,1,a note".to_string(),
            }]
        );
        assert_eq!(diagnostics.error_count(), 0);
        assert_eq!(diagnostics.warning_count(), 1);
    }
}

//! A small table input, from a CSV or a worksheet: the intervention file and the funding file.
//! Both give a header and then rows of text fields, so that each reader has one row loop and
//! judges a sheet's rows exactly as a CSV's. What differs is where a problem is: a CSV row is
//! located by its line (`interventions.csv:7`), a sheet's by its cell (`extract.xlsx
//! Intervention!C7`), or its row when no one cell is at fault.
//!
//! Service-use records are not read here: they can be national extracts, and have a streaming
//! reader of their own ([`crate::usage`]).

use crate::csv_input::{self, HeaderShape, Misfit};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{CsvInput, InputPath, ReadOptions};
use crate::worksheet::{NotAValue, Sheet, SheetRow};

pub struct TableInput {
    /// For messages: the file, or the workbook and its sheet (`budget.xlsx Funding`).
    pub shown: String,
    /// The header row, as read.
    pub header: csv::ByteRecord,
    shape: HeaderShape,
    rows: Rows,
}

enum Rows {
    Csv(Box<CsvInput>),
    Sheet {
        sheet: Sheet,
        /// The next row to read (0-based; the header is row 0).
        next: u32,
    },
}

/// One row after the header, blank or not.
pub struct TableRow {
    /// The line of a CSV, or the row of a sheet as Excel numbers it.
    pub line: u64,
    pub record: csv::ByteRecord,
    /// A sheet's cells that are not values (dates, formulas): the field's index and what it holds.
    pub not_values: Vec<(usize, NotAValue)>,
}

impl TableRow {
    /// Whether the row has nothing in it.
    pub fn is_blank(&self) -> bool {
        self.not_values.is_empty() && csv_input::is_blank(&self.record)
    }

    /// The field at `index`, trimmed: `Ok(None)` if the row is too short to have it, `Err` if it
    /// is not UTF-8 text.
    pub fn field(&self, index: usize) -> Result<Option<&str>, std::str::Utf8Error> {
        csv_input::text_field(&self.record, index)
    }
}

impl TableInput {
    /// Opens `input` as a worksheet if it is a workbook, else as a CSV, and reads its header.
    /// `what` is the kind of file ("intervention file") and `columns` the header it needs
    /// (`family_id,item,amount`), for the messages. A problem is recorded and gives `None`.
    pub fn open(
        input: &InputPath,
        what: &'static str,
        columns: &str,
        options: &ReadOptions,
        diagnostics: &mut Diagnostics,
    ) -> Option<TableInput> {
        if crate::worksheet::is_workbook(&input.path) {
            let sheet = Sheet::open(input, what, columns, diagnostics)?;
            let header = sheet.header();
            return Some(TableInput {
                shown: sheet.shown.clone(),
                shape: HeaderShape::of(&header),
                header,
                rows: Rows::Sheet { sheet, next: 1 },
            });
        }
        let shown = input.shown();
        let mut records = input.open_csv(what, options, diagnostics)?;
        match records.next_record() {
            csv_input::Next::Record { .. } => {
                let header = records.record.clone();
                Some(TableInput {
                    shown,
                    shape: HeaderShape::of(&header),
                    header,
                    rows: Rows::Csv(Box::new(records)),
                })
            }
            csv_input::Next::End { .. } => {
                diagnostics
                    .error(
                        Some(Location::file(&shown)),
                        "the file is empty: it has no header row",
                    )
                    .hint(format!("the first row must name the columns: {columns}"));
                None
            }
            csv_input::Next::Unreadable(unreadable) => {
                diagnostics.push(unreadable.problem(&shown));
                None
            }
        }
    }

    /// The next row, blank ones included (each reader decides what a blank row means); `None` at
    /// the end, or where a CSV cannot be read on (recorded in `diagnostics`).
    pub fn next_row(&mut self, diagnostics: &mut Diagnostics) -> Option<TableRow> {
        match &mut self.rows {
            Rows::Csv(records) => match records.next_record() {
                csv_input::Next::Record { line, .. } => Some(TableRow {
                    line,
                    record: records.record.clone(),
                    not_values: Vec::new(),
                }),
                csv_input::Next::End { .. } => None,
                csv_input::Next::Unreadable(unreadable) => {
                    diagnostics.push(unreadable.problem(&self.shown));
                    None
                }
            },
            Rows::Sheet { sheet, next } => {
                let row: SheetRow = sheet.row(*next)?;
                *next += 1;
                Some(TableRow {
                    line: row.line,
                    record: row.record(),
                    not_values: row.not_values,
                })
            }
        }
    }

    /// Where a row is: its line in a CSV, or its row in a sheet.
    pub fn row_at(&self, line: u64) -> Location {
        match &self.rows {
            Rows::Csv(_) => Location::line(&self.shown, line),
            Rows::Sheet { sheet, .. } => sheet.location(line, None),
        }
    }

    /// Where a field of a row is: its line in a CSV (as every message about a CSV row of these
    /// files has said), or its cell in a sheet.
    pub fn cell_at(&self, line: u64, index: usize) -> Location {
        match &self.rows {
            Rows::Csv(_) => Location::line(&self.shown, line),
            Rows::Sheet { sheet, .. } => sheet.location(line, Some(index)),
        }
    }

    /// Where a column's values are: the file for a CSV, the cells from the first row to the last
    /// in a sheet (`budget.xlsx Funding!B2:B4`).
    pub fn column_at(&self, index: usize, first_line: u64, last_line: u64) -> Location {
        match &self.rows {
            Rows::Csv(_) => Location::file(&self.shown),
            Rows::Sheet { sheet, .. } => {
                let column = index as u64 + 1;
                Location::file(format!(
                    "{} {}!{}:{}",
                    sheet.file,
                    sheet.name,
                    crate::worksheet::cell_name(first_line, column),
                    crate::worksheet::cell_name(last_line, column)
                ))
            }
        }
    }

    /// The first cell of `row` among `columns` (field index, column name) that is not a value,
    /// as the error to report: "the `amount` cell Intervention!C7 holds a date (2024-03-01), not
    /// a number". `numbers` names what each numeric column holds ("the amount"), for the hint.
    pub fn not_a_value(
        &self,
        row: &TableRow,
        columns: &[(usize, &str)],
        numbers: &[(&str, &str)],
        diagnostics: &mut Diagnostics,
    ) -> bool {
        let Rows::Sheet { sheet, .. } = &self.rows else {
            return false;
        };
        let found = row.not_values.iter().find_map(|(index, holds)| {
            let &(_, column) = columns.iter().find(|(at, _)| at == index)?;
            Some((*index, column, holds))
        });
        let Some((index, column, holds)) = found else {
            return false;
        };
        let number = numbers
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, what)| *what);
        diagnostics
            .error(
                Some(sheet.location(row.line, Some(index))),
                crate::worksheet::not_a_value_message(
                    column,
                    &sheet.cell(row.line, index),
                    holds,
                    number.is_some(),
                ),
            )
            .hint(holds.hint(number));
        true
    }

    /// Records the error if `row` does not fit the header: more fields than it has, or a value
    /// under a column it leaves unnamed. Returns whether it did not fit.
    pub fn misfit(&self, row: &TableRow, diagnostics: &mut Diagnostics) -> bool {
        let Some(misfit) = self.shape.check(&row.record) else {
            return false;
        };
        match &self.rows {
            Rows::Csv(_) => {
                diagnostics
                    .error(Some(self.row_at(row.line)), misfit.to_string())
                    .hint(csv_input::MISFIT_HINT);
            }
            // A sheet has no commas to split a value: a value outside the header's columns is
            // one the reader would otherwise drop.
            Rows::Sheet { sheet, .. } => {
                // The first cell past the header that holds something (trailing empty cells are
                // dropped, but those between may not be).
                let index = match misfit {
                    Misfit::TooManyFields { header, .. } => (header..row.record.len())
                        .find(|&index| {
                            row.record
                                .get(index)
                                .is_some_and(|field| !field.iter().all(u8::is_ascii_whitespace))
                        })
                        .unwrap_or(header),
                    Misfit::UnnamedColumn { column } => column,
                };
                diagnostics
                    .error(
                        Some(sheet.location(row.line, Some(index))),
                        format!(
                            "the cell {} holds a value, but the header row names no column above it",
                            sheet.cell(row.line, index)
                        ),
                    )
                    .hint("name the column in the header row, or clear the cell");
            }
        }
        true
    }

    /// After the last row: for a CSV, the warning that it was converted from another encoding.
    pub fn finish(self, input: &InputPath, options: &ReadOptions, diagnostics: &mut Diagnostics) {
        if let Rows::Csv(records) = &self.rows {
            input.finish_csv(records, options.encoding, diagnostics);
        }
    }
}

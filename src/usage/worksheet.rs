//! Service-use records from a worksheet (`.xlsx`, `.xlsm`, `.xls`): the sheet named in the study
//! (`before = { file = "extract.xlsx", sheet = "Before" }`), or the first sheet. Its first row is
//! the header, with the same column rules as a CSV. Each row after it is turned into the fields a
//! CSV row would have (by the cell rules of [`crate::worksheet`]), and judged and accounted exactly
//! as the detailed reader does (rows read = used + blank + rejected; `--skip-bad-rows` sets bad
//! rows aside), each problem naming its cell.
//!
//! A number in the `family_id` or `service` column is read as that text (family 1001 is `1001`).
//! A cell that is not a value (a date, a boolean, a formula error or a formula) in `family_id`,
//! `service` or `quantity` is a bad row naming the cell (`Before!C7`); in the `note` (or an
//! ignored column) it is read as the text calamine gives it.

use super::FileAccount;
use super::row::{Columns, RawRow, RowError};
use super::row_loop::{FileToRead, Next, Reading, RowSource, read_rows};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::worksheet::{Sheet, SheetRow};
use std::borrow::Cow;

/// Whether a service-use file is a workbook, read by this module rather than as CSV.
pub fn is_workbook(input: &InputPath) -> bool {
    crate::worksheet::is_workbook(&input.path)
}

/// Reads one sheet of a workbook into `accumulator`. The account's file is the workbook and sheet.
pub fn read_file(
    input: &InputPath,
    target: &FileToRead<'_>,
    reading: &mut Reading<'_, '_>,
) -> FileAccount {
    let unread = || FileAccount {
        file: target.file.to_string(),
        ..FileAccount::default()
    };
    let Some(sheet) = Sheet::open(
        input,
        "service-use file",
        "family_id,service,quantity",
        reading.diagnostics,
    ) else {
        return unread();
    };
    let header = sheet.header();
    let Some(columns) = Columns::find(
        &sheet.shown,
        &header,
        reading.options.pseudonymise.as_ref(),
        reading.diagnostics,
    ) else {
        return unread();
    };
    let mut source = SheetRows {
        sheet: &sheet,
        rows: sheet.rows(),
        row: SheetRow {
            line: 0,
            fields: Vec::new(),
            not_values: Vec::new(),
        },
    };
    read_rows(&mut source, &columns, target, reading)
}

/// A sheet's rows after its header: each located by its cells (`Before!C7`), and shown in the
/// rejects file as the fields a CSV row would hold.
struct SheetRows<'s, I> {
    sheet: &'s Sheet,
    /// The rows after the header, blank ones included.
    rows: I,
    /// The row last read.
    row: SheetRow,
}

impl<I: Iterator<Item = SheetRow>> RowSource for SheetRows<'_, I> {
    const PLACES: &'static str = "rows";

    fn next_row(&mut self, _diagnostics: &mut Diagnostics) -> Next {
        // A sheet is read whole when it is opened: there is nothing left to fail part-way.
        let Some(row) = self.rows.next() else {
            return Next::End { blank_before: 0 };
        };
        self.row = row;
        if self.row.is_blank() {
            Next::Blank { rows: 1 }
        } else {
            Next::Row { blank_before: 0 }
        }
    }

    fn fields(&self, columns: &Columns) -> Result<RawRow<'_>, RowError> {
        let named = [
            (columns.family_id, "family_id"),
            (columns.service, "service"),
            (columns.quantity, "quantity"),
        ];
        // The first cell of the row's required columns that is not a value.
        let problem = self.row.not_values.iter().find_map(|(index, holds)| {
            let &(_, column) = named.iter().find(|(at, _)| at == index)?;
            Some(RowError::Cell {
                column,
                cell: self.sheet.cell(self.row.line, *index),
                holds: holds.clone(),
            })
        });
        if let Some(problem) = problem {
            return Err(problem);
        }
        let mut raw = RawRow::default();
        for (index, field) in self.row.fields.iter().enumerate() {
            columns.place(&mut raw, index, field);
        }
        Ok(raw)
    }

    fn line(&self) -> u64 {
        self.row.line
    }

    fn offset(&self) -> u64 {
        self.row.line
    }

    fn record(&self) -> Cow<'_, csv::ByteRecord> {
        Cow::Owned(self.row.record())
    }

    fn location(&self, line: u64, column: Option<u64>) -> Location {
        // The column is 1-based; a sheet's cells are named from their 0-based index.
        self.sheet
            .location(line, column.map(|column| column as usize - 1))
    }
}

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

use super::accumulator::{Accumulator, position};
use super::detailed::{FileToRead, Rejects};
use super::row::{Columns, RawRow, RowError, ServiceIndex, judge};
use super::{FileAccount, RejectedRows};
use crate::costs::CostBook;
use crate::diagnostic::Diagnostics;
use crate::input_path::{InputPath, ReadOptions};
use crate::worksheet::Sheet;

/// Whether a service-use file is a workbook, read by this module rather than as CSV.
pub fn is_workbook(input: &InputPath) -> bool {
    crate::worksheet::is_workbook(&input.path)
}

/// Reads one sheet of a workbook into `accumulator`. The account's file is the workbook and sheet.
#[allow(clippy::too_many_arguments)]
pub fn read_file(
    input: &InputPath,
    target: &FileToRead<'_>,
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
    let Some(sheet) = Sheet::open(
        input,
        "service-use file",
        "family_id,service,quantity",
        diagnostics,
    ) else {
        return account;
    };
    let shown = &sheet.shown;
    let header = sheet.header();
    let Some(columns) = Columns::find(shown, &header, options.pseudonymise.as_ref(), diagnostics)
    else {
        return account;
    };
    let mut rejects = Rejects::new(file, options, &columns);
    rejects.sheet = Some(&sheet.name);
    let named = [
        (columns.family_id, "family_id"),
        (columns.service, "service"),
        (columns.quantity, "quantity"),
    ];
    for row in sheet.rows() {
        let line = row.line;
        account.rows_read += 1;
        let record = row.record();
        if row.is_blank() {
            account.rows_blank += 1;
            continue;
        }
        // The first cell of the row's required columns that is not a value.
        let problem = row.not_values.iter().find_map(|(index, holds)| {
            let &(_, column) = named.iter().find(|(at, _)| at == index)?;
            Some(RowError::Cell {
                column,
                cell: sheet.cell(line, *index),
                holds: holds.clone(),
            })
        });
        let outcome = match problem {
            Some(problem) => Err(problem),
            None => {
                let mut raw = RawRow::default();
                for (index, field) in row.fields.iter().enumerate() {
                    columns.place(&mut raw, index, field);
                }
                judge(&raw, &columns, services).and_then(|row| {
                    let family = accumulator.family(row.family_id, position(target.number, line));
                    accumulator.add(family, target.window, row.service, row.quantity, row.note)
                })
            }
        };
        match outcome {
            Ok(()) => account.rows_used += 1,
            Err(error) => {
                account.rows_rejected += 1;
                let column = error.column(&columns).map(|index| index as u64 + 1);
                rejects.reject(rejected, &record, line, column, &error, book);
            }
        }
    }
    rejects.finish(diagnostics);
    account
}

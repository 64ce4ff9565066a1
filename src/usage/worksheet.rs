//! Service-use records from a worksheet (`.xlsx`, `.xlsm`, `.xls`): the sheet named in the study
//! (`before = { file = "extract.xlsx", sheet = "Before" }`), or the first sheet. Its first row is
//! the header, with the same column rules as a CSV. Each row after it is turned into the fields a
//! CSV row would have, and judged and accounted exactly as the detailed reader does (rows read =
//! used + blank + rejected; `--skip-bad-rows` sets bad rows aside), each problem naming its cell.
//!
//! How cells are read:
//! - text is text; an empty cell is an empty field;
//! - an integer is its digits; a float is the decimal Excel shows, rounded to 15 significant
//!   digits (a cell holding 0.1 is read as exactly 0.1, not 0.1000000000000000055...), the rule of
//!   [`crate::costs::import_ucd_workbook::excel_decimal`];
//! - a number in the `family_id` or `service` column is read as that text (family 1001 is `1001`);
//! - a date, a boolean or a formula error (`#N/A`) in `family_id`, `service` or `quantity` is a
//!   bad row naming the cell (`Before!C7`); in the `note` (or an ignored column) it is read as the
//!   text calamine gives it.

use super::accumulator::{Accumulator, position};
use super::detailed::{FileToRead, Rejects};
use super::row::{Columns, RawRow, RowError, ServiceIndex, judge};
use super::{FileAccount, RejectedRows};
use crate::costs::CostBook;
use crate::costs::import_ucd_workbook::excel_decimal;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
use calamine::{Data, Reader, open_workbook_auto};

/// Whether a service-use file is a workbook, read by this module rather than as CSV.
pub fn is_workbook(input: &InputPath) -> bool {
    crate::costs::import_ucd_workbook::is_workbook(&input.path)
}

/// The A1 name of a cell, from its 1-based row and column.
pub fn cell_name(row: u64, column: u64) -> String {
    let mut letters = String::new();
    let mut n = column;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{row}")
}

/// A cell as the text of a field, or what it holds when it is not a value (a date, a boolean, a
/// formula error).
fn cell_text(cell: &Data) -> Result<String, String> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(text) => Ok(text.clone()),
        Data::Int(value) => Ok(value.to_string()),
        Data::Float(value) => excel_decimal(*value)
            .map(|decimal| decimal.to_string())
            .ok_or_else(|| format!("{value}, which is not a finite number")),
        Data::Bool(value) => Err(format!(
            "the boolean {}",
            if *value { "TRUE" } else { "FALSE" }
        )),
        Data::DateTime(date) => Err(format!("a date ({})", excel_date(date.as_f64()))),
        Data::DateTimeIso(_) => Err(format!("a date ({cell})")),
        Data::DurationIso(_) => Err(format!("a duration ({cell})")),
        Data::Error(error) => Err(format!("the formula error {error}")),
    }
}

/// An Excel date serial (days since 1899-12-30, as Excel counts from 1900-03-01) as `yyyy-mm-dd`,
/// or the serial itself when it is out of range.
fn excel_date(serial: f64) -> String {
    if !(61.0..3_000_000.0).contains(&serial) {
        return format!("serial {serial}");
    }
    // Days since 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let days = serial.floor() as i64 - 25_569 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
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
    let named_at = input
        .named_at
        .clone()
        .unwrap_or_else(|| Location::file(file));
    if let Err(error) = std::fs::metadata(&input.path) {
        diagnostics.push(input.unreadable("service-use file", &error));
        return account;
    }
    let mut workbook = match open_workbook_auto(&input.path) {
        Ok(workbook) => workbook,
        Err(error) => {
            diagnostics
                .error(
                    Some(Location::file(file)),
                    format!("cannot read the workbook: {error}"),
                )
                .hint("save it as an Excel workbook (.xlsx), or export the sheet as CSV");
            return account;
        }
    };
    let names = workbook.sheet_names();
    let sheet = match &input.sheet {
        Some(wanted) if names.iter().any(|name| name == wanted) => wanted.clone(),
        Some(wanted) => {
            diagnostics
                .error(
                    Some(named_at),
                    format!(
                        "the workbook {file} has no sheet `{wanted}`: its sheets are {}",
                        names
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .hint("sheet names must match exactly, case and spaces included");
            return account;
        }
        None => match names.first() {
            Some(first) => first.clone(),
            None => {
                diagnostics.error(Some(Location::file(file)), "the workbook has no sheets");
                return account;
            }
        },
    };
    let range = match workbook.worksheet_range(&sheet) {
        Ok(range) => range,
        Err(error) => {
            diagnostics.error(
                Some(Location::file(format!("{file} {sheet}"))),
                format!("cannot read the sheet: {error}"),
            );
            return account;
        }
    };
    let shown = format!("{file} {sheet}");
    let Some((last_row, last_column)) = range.end() else {
        diagnostics
            .error(
                Some(Location::file(&shown)),
                "the sheet is empty: it has no header row",
            )
            .hint("the first row must name the columns: family_id,service,quantity");
        return account;
    };
    let get = |row: u32, column: u32| range.get_value((row, column)).unwrap_or(&Data::Empty);
    // Every cell of a row, from column A, with the trailing empty ones dropped (as a spreadsheet's
    // CSV export drops them).
    let row_cells = |row: u32| -> Vec<&Data> {
        let mut cells: Vec<&Data> = (0..=last_column).map(|column| get(row, column)).collect();
        while cells.last().is_some_and(|cell| {
            matches!(cell, Data::Empty) || *cell == &Data::String(String::new())
        }) {
            cells.pop();
        }
        cells
    };
    // The header is the sheet's first row.
    let header: csv::ByteRecord = row_cells(0)
        .iter()
        .map(|cell| match cell {
            Data::String(text) => text.clone(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .collect();
    let Some(columns) = Columns::find(&shown, &header, options.pseudonymise.as_ref(), diagnostics)
    else {
        return account;
    };
    let mut rejects = Rejects::new(file, options, &columns);
    rejects.sheet = Some(&sheet);
    let named = [
        (columns.family_id, "family_id"),
        (columns.service, "service"),
        (columns.quantity, "quantity"),
    ];
    for row in 1..=last_row {
        let line = u64::from(row) + 1;
        account.rows_read += 1;
        let cells = row_cells(row);
        let mut fields = Vec::with_capacity(cells.len());
        let mut problem = None;
        for (index, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => fields.push(text),
                Err(holds) => {
                    if let Some(&(_, column)) = named.iter().find(|(at, _)| *at == index) {
                        problem.get_or_insert(RowError::Cell {
                            column,
                            cell: format!("{sheet}!{}", cell_name(line, index as u64 + 1)),
                            holds,
                        });
                    }
                    fields.push(cell.to_string());
                }
            }
        }
        let record: csv::ByteRecord = fields.iter().collect();
        if crate::csv_input::is_blank(&record) {
            account.rows_blank += 1;
            continue;
        }
        let outcome = match problem {
            Some(problem) => Err(problem),
            None => {
                let mut raw = RawRow::default();
                for (index, field) in fields.iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_text_a_csv_would_hold() {
        assert_eq!(cell_text(&Data::Float(0.1)), Ok("0.1".to_string()));
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), Ok("0.3".to_string()));
        assert_eq!(cell_text(&Data::Float(1001.0)), Ok("1001".to_string()));
        assert_eq!(cell_text(&Data::Int(62)), Ok("62".to_string()));
        assert_eq!(cell_text(&Data::Empty), Ok(String::new()));
        assert_eq!(
            cell_text(&Data::String(" A ".to_string())),
            Ok(" A ".to_string())
        );
        assert_eq!(
            cell_text(&Data::Bool(true)),
            Err("the boolean TRUE".to_string())
        );
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::NA)),
            Err("the formula error #N/A".to_string())
        );
        assert!(cell_text(&Data::Float(f64::NAN)).is_err());
    }

    #[test]
    fn dates_show_as_excel_shows_them() {
        assert_eq!(excel_date(45_352.0), "2024-03-01");
        assert_eq!(excel_date(25_569.5), "1970-01-01");
        assert_eq!(excel_date(61.0), "1900-03-01");
    }

    #[test]
    fn cell_names_count_columns_from_a() {
        assert_eq!(cell_name(7, 3), "C7");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(2, 27), "AA2");
    }
}

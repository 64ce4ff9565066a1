//! Reading a worksheet of a workbook (`.xlsx`, `.xlsm`, `.xls`) as rows of text, the fields a CSV
//! of the same sheet would hold: for service-use records ([`crate::usage::worksheet`]), intervention
//! files and funding files ([`crate::table_input`]). The sheet is the one named in the study
//! (`{ file = "extract.xlsx", sheet = "Before" }`), or the first. Its first row is the header.
//!
//! How cells are read:
//! - text is text; an empty cell is an empty field;
//! - an integer is its digits; a float is the decimal Excel shows, rounded to 15 significant
//!   digits (a cell holding 0.1 is read as exactly 0.1, not 0.1000000000000000055...), the rule of
//!   [`crate::costs::import_ucd_workbook::excel_decimal`];
//! - a date, a boolean, a formula error (`#N/A`) or a formula is not a value: in a column the
//!   reader uses, it is an error naming the cell (`Before!C7`); elsewhere it is read as the text
//!   calamine gives it. A formula is refused even with a saved result, because that result may be
//!   stale, or (from tools that do not calculate, such as many exporters) a 0 that was never
//!   worked out: a figure read from it would be wrong without a word.

use crate::costs::import_ucd_workbook::excel_decimal;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use calamine::{Data, Range, Reader, Sheets};
use std::fmt;
use std::path::Path;

/// Whether a file is a workbook, read as a worksheet rather than as CSV.
pub fn is_workbook(path: &Path) -> bool {
    crate::costs::import_ucd_workbook::is_workbook(path)
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

/// What a cell holds when it is not a value tfcalc reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAValue {
    /// As Excel shows it: `2024-03-01`.
    Date(String),
    Duration(String),
    Boolean(bool),
    /// `#N/A`, `#DIV/0!`.
    FormulaError(String),
    /// The formula, without its `=`.
    Formula(String),
    /// A float that is infinite or not a number.
    NotFinite(String),
}

impl fmt::Display for NotAValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAValue::Date(date) => write!(f, "a date ({date})"),
            NotAValue::Duration(duration) => write!(f, "a duration ({duration})"),
            NotAValue::Boolean(value) => {
                write!(f, "the boolean {}", if *value { "TRUE" } else { "FALSE" })
            }
            NotAValue::FormulaError(error) => write!(f, "the formula error {error}"),
            NotAValue::Formula(formula) => write!(f, "a formula (={formula})"),
            NotAValue::NotFinite(value) => write!(f, "{value}, which is not a finite number"),
        }
    }
}

impl NotAValue {
    /// How to fix the cell. `number` names what a numeric column holds ("the number of units"),
    /// or is `None` for a column of text.
    pub fn hint(&self, number: Option<&str>) -> String {
        match (self, number) {
            (NotAValue::Formula(_), _) => "tfcalc reads values, not formulas, whose saved results may be out of date: copy the cells and paste them as values".to_string(),
            (NotAValue::Date(_), Some(what)) => format!("type {what} as a number; a date usually means the column is formatted as dates: format it as Number"),
            (_, Some(what)) => format!("type {what} as a number"),
            (_, None) => "type the value itself, as text or a number".to_string(),
        }
    }
}

/// The message for a cell that is not a value: "the `quantity` cell Before!C7 holds a date
/// (2024-03-01), not a number".
pub fn not_a_value_message(column: &str, cell: &str, holds: &NotAValue, number: bool) -> String {
    format!(
        "the `{column}` cell {cell} holds {holds}, not {}",
        if number { "a number" } else { "a value" }
    )
}

/// A cell as the text of a field, or what it holds when it is not a value.
fn cell_text(cell: &Data) -> Result<String, NotAValue> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(text) => Ok(text.clone()),
        Data::Int(value) => Ok(value.to_string()),
        Data::Float(value) => excel_decimal(*value)
            .map(|decimal| decimal.to_string())
            .ok_or_else(|| NotAValue::NotFinite(value.to_string())),
        Data::Bool(value) => Err(NotAValue::Boolean(*value)),
        Data::DateTime(date) => Err(NotAValue::Date(excel_date(date.as_f64()))),
        Data::DateTimeIso(_) => Err(NotAValue::Date(cell.to_string())),
        Data::DurationIso(_) => Err(NotAValue::Duration(cell.to_string())),
        Data::Error(error) => Err(NotAValue::FormulaError(error.to_string())),
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

/// One sheet of a workbook, read whole, with its formulas.
pub struct Sheet {
    /// The sheet's name, as the workbook spells it.
    pub name: String,
    /// The workbook, as messages show it.
    pub file: String,
    /// The workbook and the sheet, for messages: `extract.xlsx Before`.
    pub shown: String,
    values: Range<Data>,
    formulas: Range<String>,
    /// The last row and column (0-based) holding a value or a formula.
    last_row: u32,
    last_column: u32,
}

/// A row of a sheet as the fields a CSV row would hold.
pub struct SheetRow {
    /// The row's number, as Excel shows it (the header is row 1).
    pub line: u64,
    /// Its cells from column A, with the empty ones at the end dropped, as a spreadsheet's CSV
    /// export drops them. A cell that is not a value holds the text calamine gives it.
    pub fields: Vec<String>,
    /// The cells that are not values: the field's index, and what it holds.
    pub not_values: Vec<(usize, NotAValue)>,
}

impl SheetRow {
    /// The fields as a CSV record.
    pub fn record(&self) -> csv::ByteRecord {
        self.fields.iter().collect()
    }

    /// Whether every cell is empty or spaces, as [`crate::csv_input::is_blank`]. A formula is never blank, even with no saved
    /// result.
    pub fn is_blank(&self) -> bool {
        self.not_values.is_empty()
            && self
                .fields
                .iter()
                .all(|field| field.bytes().all(|byte| byte.is_ascii_whitespace()))
    }
}

impl Sheet {
    /// Opens the sheet `input` names (its first, if it names none). A problem is recorded and
    /// gives `None`; `what` is the kind of file ("service-use file") and `columns` the header it
    /// needs (`family_id,service,quantity`), for the messages.
    pub fn open(
        input: &InputPath,
        what: &str,
        columns: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<Sheet> {
        let file = input.shown();
        let named_at = input
            .named_at
            .clone()
            .unwrap_or_else(|| Location::file(&file));
        if let Err(error) = std::fs::metadata(&input.path) {
            diagnostics.push(input.unreadable(what, &error));
            return None;
        }
        let mut workbook = open_by_content(input, what, diagnostics)?;
        let names = workbook.sheet_names();
        let name = match &input.sheet {
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
                return None;
            }
            None => match names.first() {
                Some(first) => first.clone(),
                None => {
                    diagnostics.error(Some(Location::file(&file)), "the workbook has no sheets");
                    return None;
                }
            },
        };
        let shown = format!("{file} {name}");
        let read = workbook.worksheet_range(&name).and_then(|values| {
            let formulas = workbook.worksheet_formula(&name)?;
            Ok((values, formulas))
        });
        let (values, formulas) = match read {
            Ok(read) => read,
            Err(error) => {
                diagnostics.error(
                    Some(Location::file(&shown)),
                    format!("cannot read the sheet: {error}"),
                );
                return None;
            }
        };
        // A formula with no saved result has no value, yet is a cell to be told of: the rows
        // read run to the last formula too.
        let (start_row, start_column) = formulas.start().unwrap_or_default();
        let formula_end = formulas
            .used_cells()
            .filter(|(_, _, formula)| !formula.is_empty())
            .map(|(row, column, _)| (start_row + row as u32, start_column + column as u32))
            .reduce(|(last_row, last_column), (row, column)| {
                (last_row.max(row), last_column.max(column))
            });
        let end = match (values.end(), formula_end) {
            (Some((row, column)), Some((formula_row, formula_column))) => {
                Some((row.max(formula_row), column.max(formula_column)))
            }
            (end, None) | (None, end) => end,
        };
        let Some((last_row, last_column)) = end else {
            diagnostics
                .error(
                    Some(Location::file(&shown)),
                    "the sheet is empty: it has no header row",
                )
                .hint(format!("the first row must name the columns: {columns}"));
            return None;
        };
        Some(Sheet {
            name,
            file,
            shown,
            values,
            formulas,
            last_row,
            last_column,
        })
    }

    /// The header: the sheet's first row, each cell as text.
    pub fn header(&self) -> csv::ByteRecord {
        self.cells(0)
            .iter()
            .map(|(cell, _)| match cell {
                Data::String(text) => text.clone(),
                Data::Empty => String::new(),
                other => other.to_string(),
            })
            .collect()
    }

    /// The rows after the header, in order, blank ones included.
    pub fn rows(&self) -> impl Iterator<Item = SheetRow> + '_ {
        (1..=self.last_row).filter_map(|row| self.row(row))
    }

    /// Row `row` (0-based) as fields; `None` past the last.
    pub fn row(&self, row: u32) -> Option<SheetRow> {
        if row > self.last_row {
            return None;
        }
        let mut fields = Vec::new();
        let mut not_values = Vec::new();
        for (index, (cell, formula)) in self.cells(row).into_iter().enumerate() {
            let read = match formula {
                Some(formula) => Err(NotAValue::Formula(formula.to_string())),
                None => cell_text(cell),
            };
            match read {
                Ok(text) => fields.push(text),
                Err(holds) => {
                    fields.push(cell.to_string());
                    not_values.push((index, holds));
                }
            }
        }
        Some(SheetRow {
            line: u64::from(row) + 1,
            fields,
            not_values,
        })
    }

    /// Every cell of a row from column A, each with its formula if it has one, with the empty
    /// ones at the end dropped.
    fn cells(&self, row: u32) -> Vec<(&Data, Option<&str>)> {
        let mut cells: Vec<(&Data, Option<&str>)> = (0..=self.last_column)
            .map(|column| {
                let value = self.values.get_value((row, column)).unwrap_or(&Data::Empty);
                let formula = self
                    .formulas
                    .get_value((row, column))
                    .map(String::as_str)
                    .filter(|formula| !formula.is_empty());
                (value, formula)
            })
            .collect();
        while cells.last().is_some_and(|(cell, formula)| {
            formula.is_none()
                && (matches!(cell, Data::Empty) || *cell == &Data::String(String::new()))
        }) {
            cells.pop();
        }
        cells
    }

    /// A cell's name with its sheet, `Before!C7`, from its row (as Excel shows it) and its field's
    /// 0-based index.
    pub fn cell(&self, line: u64, index: usize) -> String {
        format!("{}!{}", self.name, cell_name(line, index as u64 + 1))
    }

    /// Where a row is, or one of its cells: `extract.xlsx Before!C7`, or `extract.xlsx Before row 7`.
    pub fn location(&self, line: u64, index: Option<usize>) -> Location {
        Location::file(match index {
            Some(index) => format!("{} {}", self.file, self.cell(line, index)),
            None => format!("{} row {line}", self.shown),
        })
    }
}

/// Opens a workbook with the reader its first bytes call for, not its name: an `.xls` saved as
/// `.xlsx` is read, and a web page or CSV named `.xls` (as some websites' "Excel" downloads are)
/// is told apart from a damaged workbook.
fn open_by_content(
    input: &InputPath,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Sheets<std::io::Cursor<Vec<u8>>>> {
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(input.unreadable(what, &error));
            return None;
        }
    };
    match crate::costs::import_ucd_workbook::open_bytes(bytes) {
        Ok(workbook) => Some(workbook),
        Err(why) => {
            diagnostics
                .error(
                    Some(Location::file(input.shown())),
                    format!("cannot read the workbook: {why}"),
                )
                .hint("save it as an Excel workbook (.xlsx), or export the sheet as CSV");
            None
        }
    }
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
            cell_text(&Data::Bool(true)).unwrap_err().to_string(),
            "the boolean TRUE"
        );
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::NA))
                .unwrap_err()
                .to_string(),
            "the formula error #N/A"
        );
        assert!(cell_text(&Data::Float(f64::NAN)).is_err());
        assert_eq!(
            NotAValue::Formula("B2*2".to_string()).to_string(),
            "a formula (=B2*2)"
        );
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

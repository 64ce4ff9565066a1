//! Cells of a sheet by their A1 names, for messages, and numbers read as the decimals Excel shows.

use crate::diagnostic::Location;
use crate::money::parse_money;
use calamine::{Data, Range};
use rust_decimal::Decimal;

/// The A1 name of a cell, from 0-based row and column.
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// A sheet with absolute cell access, so that every message can name the cell.
pub(super) struct Sheet<'a> {
    pub(super) file: &'a str,
    pub(super) name: &'a str,
    pub(super) range: Range<Data>,
}

impl Sheet<'_> {
    pub(super) fn get(&self, row: u32, column: u32) -> &Data {
        self.range.get_value((row, column)).unwrap_or(&Data::Empty)
    }

    pub(super) fn cell(&self, row: u32, column: u32) -> String {
        format!("{}!{}", self.name, cell_name(row, column))
    }

    pub(super) fn location(&self, row: u32, column: u32) -> Location {
        Location::file(format!("{} {}", self.file, self.cell(row, column)))
    }

    pub(super) fn text(&self, row: u32, column: u32) -> String {
        match self.get(row, column) {
            Data::String(text) => text.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string().trim().to_string(),
        }
    }

    pub(super) fn last_row(&self) -> u32 {
        self.range.end().map_or(0, |(row, _)| row)
    }
}

/// A float cell as the decimal Excel shows: rounded to 15 significant digits (see the module
/// comment), trailing zeros dropped.
pub fn excel_decimal(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    Decimal::from_scientific(&format!("{value:.14e}"))
        .ok()
        .map(|decimal| decimal.normalize())
}

/// A money or number cell: `None` when it is empty (or an empty string), an error message when it
/// is neither empty nor a number.
pub(super) fn number(cell: &Data) -> Result<Option<Decimal>, String> {
    match cell {
        Data::Empty => Ok(None),
        Data::Float(value) => excel_decimal(*value)
            .map(Some)
            .ok_or_else(|| format!("{value} is not a finite number")),
        Data::Int(value) => Ok(Some(Decimal::from(*value))),
        Data::String(text) if text.trim().is_empty() => Ok(None),
        Data::String(text) => parse_money(text)
            .map(Some)
            .map_err(|error| format!("{:?} is not a number ({error})", text.trim())),
        Data::Error(error) => Err(format!("the cell holds the error {error}")),
        other => Err(format!("{other} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
    }

    #[test]
    fn floats_become_the_decimal_excel_shows() {
        assert_eq!(excel_decimal(7.79).unwrap().to_string(), "7.79");
        assert_eq!(excel_decimal(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(excel_decimal(500.0).unwrap().to_string(), "500");
        assert_eq!(
            excel_decimal(327.833_333_333_333_3).unwrap().to_string(),
            "327.833333333333"
        );
        assert_eq!(excel_decimal(f64::NAN), None);
    }
}

//! Importing the Unit Cost Database workbook itself (v1.4, March 2015, `.xlsx`; or the older `.xls`)
//! with calamine, rather than a CSV export of it.
//!
//! Each of the seven theme sheets has two header rows, then one coded line a row: outcome category,
//! outcome detail, cost code, description, unit, agency level 1 and level 2, three groups of
//! (estimated cost/saving, year, updated cost/saving) for the fiscal, economic and social values,
//! source, RAG grade, comment and the v1.4 revision notes. The `Lookups` sheet holds the GDP deflator
//! series the updated values are computed with, and the year they are updated to.
//!
//! Numbers in a workbook are IEEE doubles, not the decimals people typed. The rule used here for
//! every numeric cell: the double rounded to 15 significant digits, which is the precision Excel
//! itself shows and keeps when it writes a number as text. So `7.79` is 7.79, not
//! 7.79000000000000003552713678800500929355621337890625.
//!
//! - [`open`]: which reader a workbook needs, by what the file holds, and opening it.
//! - [`cells`]: cells by their A1 names, and numbers as the decimals Excel shows.
//! - [`themes`]: reading the theme sheets' coded lines.
//! - [`lookups`]: the `Lookups` sheet's deflator series, and checking the updated values by it.
//! - [`render`]: the import as a unit-cost table file, and as a summary for the terminal.

mod cells;
mod lookups;
mod open;
mod render;
mod themes;

pub use cells::excel_decimal;
pub use open::{WorkbookKind, open_bytes, workbook_kind};
pub use render::{summary, to_toml};
pub use themes::import;

use super::import_ucd::Import;
use crate::price_year::PriceYear;
use indexmap::IndexMap;
use rust_decimal::Decimal;

/// The theme sheets, in the workbook's order.
pub const THEMES: [&str; 7] = [
    "Crime",
    "Education & Skills",
    "Employment & Economy",
    "Fire",
    "Health",
    "Housing",
    "Social Services",
];

/// The three kinds of value a line can carry, and the first of their three columns (estimate, year,
/// updated) on a theme sheet: H, K and N.
const VALUE_COLUMNS: [(Kind, usize); 3] =
    [(Kind::Fiscal, 7), (Kind::Economic, 10), (Kind::Social, 13)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Fiscal,
    Economic,
    Social,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Fiscal => "fiscal",
            Kind::Economic => "economic",
            Kind::Social => "social",
        }
    }
}

/// One value of a line as the workbook gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub estimate: Decimal,
    pub year: PriceYear,
    /// The workbook's own "Updated cost/saving" (a formula's cached result), when it has one.
    pub updated: Option<Decimal>,
    /// Where the updated value is, e.g. `Crime!J3`.
    pub updated_cell: String,
}

/// A coded line of a theme sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookLine {
    pub sheet: String,
    pub code: String,
    pub values: IndexMap<&'static str, Value>,
    pub grade: Option<String>,
}

/// The deflator series on the `Lookups` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupDeflator {
    /// (year, % change, the workbook's cumulative index), from the base year on.
    pub years: Vec<(PriceYear, Decimal, Decimal)>,
    pub forecast_from: Option<PriceYear>,
    /// The year the updated values are in ("Current Year").
    pub current_year: PriceYear,
}

/// A value whose updated figure our uprating does not reproduce.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub cell: String,
    pub ours: Decimal,
    pub workbook: Decimal,
}

/// Everything read from the workbook.
#[derive(Debug, Clone)]
pub struct WorkbookImport {
    pub import: Import,
    pub lines: Vec<WorkbookLine>,
    pub deflator: LookupDeflator,
    /// How many updated values of each kind were checked, and the ones that disagree.
    pub checked: IndexMap<&'static str, usize>,
    pub mismatches: Vec<Mismatch>,
    /// Values the workbook gives no updated figure for, by the updated cell.
    pub not_updated: Vec<String>,
    /// Rows below the headers with a value (column H, K or N) but no cost code: the cell of the
    /// missing code and the row's description. Without a code they have no id, so they are reported
    /// and not imported.
    pub uncoded_values: Vec<(String, String)>,
    /// Other rows with something in them but no code (the lists kept below each sheet's lines for
    /// its drop-downs, under "Do not delete rows"): their code cells.
    pub uncoded_rows: Vec<String>,
}

/// Whether a file is a workbook (by its extension) rather than a CSV export.
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            ["xlsx", "xlsm", "xls"]
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// Where the deflator series goes when the table goes to `table`: beside it, as
/// `gdp-deflator-<table name>.toml` (`unit-costs/ucd-v1.4.toml` gives
/// `unit-costs/gdp-deflator-ucd-v1.4.toml`).
pub fn deflator_path(table: &std::path::Path) -> std::path::PathBuf {
    let stem = table.file_stem().map_or_else(
        || "ucd".to_string(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    table.with_file_name(format!("gdp-deflator-{stem}.toml"))
}

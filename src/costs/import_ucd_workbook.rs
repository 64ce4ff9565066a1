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

use super::import_ucd::{Import, ImportedCost, Skipped};
use crate::diagnostic::{Diagnostics, Location, plural};
use crate::input_path::InputPath;
use crate::money::parse_money;
use crate::price_year::PriceYear;
use crate::uprating::Deflator;
use calamine::{Data, Range, Reader, Sheets, Xls, Xlsx, open_workbook_from_rs};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt::Write as _;

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

/// The import as a unit-cost table file.
pub fn to_toml(result: &WorkbookImport, source: &str, deflator_file: &str) -> String {
    let import = &result.import;
    let count = |kind: &str| {
        result
            .lines
            .iter()
            .filter(|line| line.values.contains_key(kind))
            .count()
    };
    let header = format!(
        "# The Unit Cost Database v1.4 (March 2015), New Economy / Greater Manchester Combined Authority,\n\
         # as a tfcalc unit-cost table.\n\
         #\n\
         # Generated by `tfcalc costs import-ucd {source} --output <this file>` from the workbook itself.\n\
         # Do not edit by hand: regenerate it. The same command writes the workbook's deflator series\n\
         # beside it, as {deflator_file}.\n\
         #\n\
         # {} coded lines: {} with a fiscal value, {} with an economic value, {} with a social value.\n\
         # {} unit costs (a line's fiscal value is its `cost`; `economic` and `social` are its other\n\
         # values, at its price year unless `economic_price_year` or `social_price_year` says otherwise,\n\
         # carried beside it and never added to it); {} lines skipped (no fiscal value, or 0 and not costed).\n\
         # {} headlines whose components split them exactly are composites of those components; {} others\n\
         # stay plain costs. Costs are at their own price years; the workbook's own updated figures are in\n\
         # {} prices, which its deflator reproduces for every value.\n\
         \n[table]\nname = \"Unit Cost Database v1.4\"\n\
         source = \"New Economy / Greater Manchester Combined Authority, Unit Cost Database v1.4 (March 2015)\"\n",
        result.lines.len(),
        count("fiscal"),
        count("economic"),
        count("social"),
        import.costs.len(),
        import.skipped.len(),
        import.composite_headlines.len(),
        import.plain_headlines.len(),
        result.deflator.current_year,
    );
    super::import_ucd::table_toml(import, &header)
}

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
struct Sheet<'a> {
    file: &'a str,
    name: &'a str,
    range: Range<Data>,
}

impl Sheet<'_> {
    fn get(&self, row: u32, column: u32) -> &Data {
        self.range.get_value((row, column)).unwrap_or(&Data::Empty)
    }

    fn cell(&self, row: u32, column: u32) -> String {
        format!("{}!{}", self.name, cell_name(row, column))
    }

    fn location(&self, row: u32, column: u32) -> Location {
        Location::file(format!("{} {}", self.file, self.cell(row, column)))
    }

    fn text(&self, row: u32, column: u32) -> String {
        match self.get(row, column) {
            Data::String(text) => text.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string().trim().to_string(),
        }
    }

    fn last_row(&self) -> u32 {
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
fn number(cell: &Data) -> Result<Option<Decimal>, String> {
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

/// The first bytes of an `.xls` (Excel 97–2003) workbook: an OLE2 compound file.
const OLE2_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which reader a workbook needs, by what the file holds rather than what it is called: a file
/// saved from a website or renamed by hand is often not what its extension says (an `.xlsx`
/// renamed `.xls`, or a web page or a CSV given the name `.xls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// Excel 97–2003, BIFF8 in an OLE2 compound file.
    Xls,
    /// Office Open XML, a ZIP archive (`.xlsx`, `.xlsm`).
    Xlsx,
}

/// The kind of workbook `bytes` hold, or what they are instead, in words for a message.
pub fn workbook_kind(bytes: &[u8]) -> Result<WorkbookKind, String> {
    if bytes.starts_with(&OLE2_SIGNATURE) {
        return Ok(WorkbookKind::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An OpenDocument file is a ZIP too, whose first entry, `mimetype`, says what it is.
        if bytes
            .get(30..)
            .is_some_and(|rest| rest.starts_with(b"mimetypeapplication/vnd.oasis.opendocument"))
        {
            return Err("it is an OpenDocument file (.ods), not an Excel workbook".to_string());
        }
        return Ok(WorkbookKind::Xlsx);
    }
    if bytes.is_empty() {
        return Err("it is empty".to_string());
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("%pdf") {
        return Err("it is a PDF, not a workbook".to_string());
    }
    if start.starts_with('<') && (text.contains("<html") || text.contains("<table")) {
        return Err(
            "it is a web page (HTML) named as a workbook, as some websites' \"Excel\" downloads are"
                .to_string(),
        );
    }
    if start.starts_with("<?xml") {
        return Err(
            "it is an XML file (an Excel 2003 XML spreadsheet?), not an .xls or .xlsx workbook"
                .to_string(),
        );
    }
    if !head.contains(&0) && std::str::from_utf8(head).is_ok() {
        return Err("it is text (a CSV or tab-separated file?), not a workbook; the theme sheets' CSV exports are read as CSV when their names end .csv".to_string());
    }
    Err("it is not an Excel workbook: an .xls file begins with the bytes D0 CF 11 E0, an .xlsx file is a ZIP archive".to_string())
}

/// Opens the workbook with the reader its contents need.
fn open(
    file: &InputPath,
    shown: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Sheets<std::io::Cursor<Vec<u8>>>> {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(file.unreadable("Unit Cost Database workbook", &error));
            return None;
        }
    };
    let location = || Some(Location::file(shown));
    let hint = "give the .xlsx or .xls workbook as downloaded (or open this file in Excel or LibreOffice and save it as .xlsx), or its theme sheets exported as CSV";
    let kind = match workbook_kind(&bytes) {
        Ok(kind) => kind,
        Err(what) => {
            diagnostics
                .error(
                    location(),
                    format!("the Unit Cost Database workbook cannot be read: {what}"),
                )
                .hint(hint);
            return None;
        }
    };
    let cursor = std::io::Cursor::new(bytes);
    let opened = match kind {
        WorkbookKind::Xls => open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|error| {
                format!("it begins as an .xls (Excel 97-2003) workbook does, but cannot be read as one ({error}): it may be damaged or cut short")
            }),
        WorkbookKind::Xlsx => open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|error| {
                format!("it is a ZIP archive, as an .xlsx workbook is, but cannot be read as a workbook ({error}): it may be damaged, or another kind of ZIP file")
            }),
    };
    match opened {
        Ok(workbook) => Some(workbook),
        Err(what) => {
            diagnostics
                .error(
                    location(),
                    format!("the Unit Cost Database workbook cannot be read: {what}"),
                )
                .hint(hint);
            None
        }
    }
}

/// Reads the workbook. Problems with it go to `diagnostics`, each naming its sheet and cell.
pub fn import(file: &InputPath, diagnostics: &mut Diagnostics) -> Option<WorkbookImport> {
    let shown = file.shown();
    let mut workbook = open(file, &shown, diagnostics)?;
    let mut sheet = |name: &'static str, diagnostics: &mut Diagnostics| match workbook
        .worksheet_range(name)
    {
        Ok(range) => Some(range),
        Err(error) => {
            diagnostics
                .error(
                    Some(Location::file(&shown)),
                    format!("the workbook has no readable sheet {name:?} ({error})"),
                )
                .hint("the Unit Cost Database v1.4 has the sheets Crime, Education & Skills, Employment & Economy, Fire, Health, Housing, Social Services and Lookups");
            None
        }
    };
    let lookups = sheet("Lookups", diagnostics).map(|range| Sheet {
        file: &shown,
        name: "Lookups",
        range,
    });
    let mut ranges = Vec::new();
    for name in THEMES {
        if let Some(range) = sheet(name, diagnostics) {
            ranges.push((name, range));
        }
    }
    let deflator = read_lookups(lookups.as_ref()?, diagnostics);
    let mut result = WorkbookImport {
        import: Import::default(),
        lines: Vec::new(),
        deflator: deflator?,
        checked: IndexMap::new(),
        mismatches: Vec::new(),
        not_updated: Vec::new(),
        uncoded_values: Vec::new(),
        uncoded_rows: Vec::new(),
    };
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    for (name, range) in ranges {
        let sheet = Sheet {
            file: &shown,
            name,
            range,
        };
        read_theme(&sheet, &mut result, &mut used_ids, diagnostics);
    }
    if diagnostics.has_errors() {
        return None;
    }
    // The workbook spells one agency `Local Authority` on 145 lines and `Local authority` on 25:
    // one spelling, as the CSV import keeps, so that a study is not warned of two agencies that
    // are one, from a table it cannot fix.
    let agencies = super::import_ucd::canonical_spellings(
        result.import.costs.iter().map(|cost| cost.agency.as_str()),
    );
    let details = super::import_ucd::canonical_spellings(
        result
            .import
            .costs
            .iter()
            .filter_map(|cost| cost.agency_detail.as_deref()),
    );
    for cost in &mut result.import.costs {
        if let Some(spelling) = agencies.get(&cost.agency) {
            cost.agency.clone_from(spelling);
        }
        if let Some(detail) = &mut cost.agency_detail
            && let Some(spelling) = details.get(detail.as_str())
        {
            detail.clone_from(spelling);
        }
    }
    super::import_ucd::finish(&mut result.import);
    check_updated(&mut result, diagnostics);
    Some(result)
}

/// Checks the two header rows, so that a sheet laid out differently is an error at the cell that
/// differs rather than a table of wrong figures.
fn check_headers(sheet: &Sheet<'_>, diagnostics: &mut Diagnostics) -> bool {
    let expected: [(u32, u32, &str); 15] = [
        (0, 2, "cost code"),
        (1, 5, "level 1"),
        (1, 6, "level 2"),
        (1, 7, "estimated cost/saving"),
        (1, 8, "year"),
        (1, 9, "updated cost/saving"),
        (1, 10, "estimated cost/saving"),
        (1, 11, "year"),
        (1, 12, "updated cost/saving"),
        (1, 13, "estimated cost/saving"),
        (1, 14, "year"),
        (1, 15, "updated cost/saving"),
        (0, 16, "original source"),
        (0, 17, "rag assessment"),
        (0, 18, "comment"),
    ];
    let mut good = true;
    for (row, column, header) in expected {
        let found = sheet.text(row, column);
        let normal: String = found
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if normal.replace("/ ", "/") != header {
            diagnostics
                .error(
                    Some(sheet.location(row, column)),
                    format!("expected the header {header:?} here, found {found:?}"),
                )
                .hint("this is not the layout of the Unit Cost Database v1.4 theme sheets (two header rows, cost code in column C)");
            good = false;
        }
    }
    good
}

fn read_theme(
    sheet: &Sheet<'_>,
    result: &mut WorkbookImport,
    used_ids: &mut HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) {
    if !check_headers(sheet, diagnostics) {
        return;
    }
    for row in 2..=sheet.last_row() {
        let code = sheet.text(row, 2);
        if code.is_empty() {
            let has_value = VALUE_COLUMNS
                .iter()
                .any(|&(_, column)| !sheet.text(row, column as u32).is_empty());
            if has_value {
                result.uncoded_values.push((
                    sheet.cell(row, 2),
                    super::import_ucd::join_description(&sheet.text(row, 3)),
                ));
            } else if (0..21).any(|column| !sheet.text(row, column).is_empty()) {
                result.uncoded_rows.push(sheet.cell(row, 2));
            }
            continue;
        }
        result.import.lines_read += 1;
        let mut values = IndexMap::new();
        let mut bad = false;
        for (kind, first) in VALUE_COLUMNS {
            let first = first as u32;
            let estimate = match number(sheet.get(row, first)) {
                Ok(estimate) => estimate,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first)),
                        format!("the {} value of {code}: {message}", kind.name()),
                    );
                    bad = true;
                    continue;
                }
            };
            let Some(estimate) = estimate else { continue };
            let year_text = sheet.text(row, first + 1);
            let year = match year_text.parse::<PriceYear>() {
                Ok(year) => year,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first + 1)),
                        format!(
                            "the {} value of {code} has no usable year ({message})",
                            kind.name()
                        ),
                    );
                    bad = true;
                    continue;
                }
            };
            let updated = match number(sheet.get(row, first + 2)) {
                Ok(updated) => updated,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first + 2)),
                        format!("the updated {} value of {code}: {message}", kind.name()),
                    );
                    bad = true;
                    continue;
                }
            };
            // The updated formula is IF(estimate > 0, ..., ""): a 0 estimate has no updated
            // value. An .xls that LibreOffice writes from the .xlsx holds that blank result as
            // the number 0 (Crime!J178, CR8.18.5's), so a 0 there is the same blank, not a cost
            // the workbook updated to £0.
            let updated = updated.filter(|updated| !(estimate.is_zero() && updated.is_zero()));
            values.insert(
                kind.name(),
                Value {
                    estimate,
                    year,
                    updated,
                    updated_cell: sheet.cell(row, first + 2),
                },
            );
        }
        if bad {
            continue;
        }
        let optional = |column: u32| {
            Some(sheet.text(row, column)).filter(|text| !text.is_empty() && text != "-")
        };
        let grade = optional(17);
        let name = super::import_ucd::join_description(&sheet.text(row, 3));
        result.lines.push(WorkbookLine {
            sheet: sheet.name.to_string(),
            code: code.clone(),
            values: values.clone(),
            grade: grade.clone(),
        });
        let Some(fiscal) = values.get("fiscal") else {
            let others: Vec<&str> = values.keys().copied().collect();
            result.import.skipped.push(Skipped {
                code: code.clone(),
                description: name,
                origin: sheet.location(row, 7),
                reason: if others.is_empty() {
                    "no value at all".to_string()
                } else {
                    format!(
                        "no fiscal value (a unit cost's cost is its fiscal value); its {} value is not imported",
                        others.join(" and ")
                    )
                },
            });
            continue;
        };
        // The workbook's updated formula leaves a 0 blank: it does not cost the line (the v1.2
        // import skips the same line, CR7.17.3 there, for the same reason).
        if fiscal.estimate.is_zero() && fiscal.updated.is_none() {
            result.import.skipped.push(Skipped {
                code: code.clone(),
                description: name,
                origin: sheet.location(row, 7),
                reason:
                    "a fiscal value of 0 and no updated value: the workbook does not cost the line"
                        .to_string(),
            });
            continue;
        }
        let (unit, unit_plural) = super::import_ucd::unit_of(&sheet.text(row, 4));
        let id = super::import_ucd::unique_id(&code, None, used_ids);
        result.import.costs.push(ImportedCost {
            id,
            code: code.clone(),
            name,
            category: format!("{} / {}", sheet.text(row, 0), sheet.text(row, 1)),
            agency: sheet.text(row, 5),
            agency_detail: optional(6),
            unit,
            unit_plural,
            cost: fiscal.estimate,
            economic: values
                .get("economic")
                .map(|value| (value.estimate, value.year)),
            social: values
                .get("social")
                .map(|value| (value.estimate, value.year)),
            price_year: fiscal.year,
            uprated_2013_14: None,
            confidence: grade,
            source: optional(16).map(|source| super::import_ucd::join_description(&source)),
            comment: optional(18).map(|comment| super::import_ucd::join_description(&comment)),
            // The workbook has no URL column; where a source names its address, that is its URL.
            url: optional(16).and_then(|source| {
                source
                    .split_whitespace()
                    .find(|word| word.starts_with("http://") || word.starts_with("https://"))
                    .map(|url| url.trim_end_matches([')', '.', ',', ';']).to_string())
            }),
            components: Vec::new(),
            origin: sheet.location(row, 2),
        });
    }
}

/// Reads the GDP deflator table and the current year from `Lookups`, found by their headings.
fn read_lookups(sheet: &Sheet<'_>, diagnostics: &mut Diagnostics) -> Option<LookupDeflator> {
    let find = |heading: &str| {
        sheet.range.cells().find_map(|(row, column, cell)| {
            let start = sheet.range.start().unwrap_or((0, 0));
            matches!(cell, Data::String(text) if text.trim().eq_ignore_ascii_case(heading))
                .then_some((start.0 + row as u32, start.1 + column as u32))
        })
    };
    let missing = |heading: &str, diagnostics: &mut Diagnostics| {
        diagnostics
            .error(
                Some(Location::file(format!("{} Lookups", sheet.file))),
                format!("the Lookups sheet has no heading {heading:?}"),
            )
            .hint("the Unit Cost Database v1.4 Lookups sheet has the GDP lookup table and the current year");
    };
    let Some((heading_row, change_column)) = find("% change on previous year") else {
        missing("% change on previous year", diagnostics);
        return None;
    };
    let Some((current_row, current_column)) = find("Current Year") else {
        missing("Current Year", diagnostics);
        return None;
    };
    // The current year is the first filled cell under its heading.
    let current_year = (current_row + 1..current_row + 4)
        .map(|row| (row, sheet.text(row, current_column)))
        .find(|(_, text)| !text.is_empty());
    let current_year = match current_year.map(|(row, text)| (row, text.parse::<PriceYear>())) {
        Some((_, Ok(year))) => year,
        Some((row, Err(message))) => {
            diagnostics.error(Some(sheet.location(row, current_column)), message);
            return None;
        }
        None => {
            missing("a year under Current Year", diagnostics);
            return None;
        }
    };
    let year_column = change_column - 1;
    let index_column = change_column + 2;
    let flag_column = change_column - 2;
    let mut years = Vec::new();
    let mut forecast_from = None;
    let mut row = heading_row + 1;
    while !sheet.text(row, year_column).is_empty() {
        let year = match sheet.text(row, year_column).parse::<PriceYear>() {
            Ok(year) => year,
            Err(message) => {
                diagnostics.error(Some(sheet.location(row, year_column)), message);
                return None;
            }
        };
        let mut value = |column: u32, what: &str| match number(sheet.get(row, column)) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                diagnostics.error(
                    Some(sheet.location(row, column)),
                    format!("the {what} for {year} is empty"),
                );
                None
            }
            Err(message) => {
                diagnostics.error(
                    Some(sheet.location(row, column)),
                    format!("the {what} for {year}: {message}"),
                );
                None
            }
        };
        let change = value(change_column, "% change");
        let index = value(index_column, "cumulative index");
        years.push((year, change?, index?));
        if forecast_from.is_none() && sheet.text(row, flag_column).eq_ignore_ascii_case("f") {
            forecast_from = Some(year);
        }
        row += 1;
    }
    if years.is_empty() {
        missing("years under \"% change on previous year\"", diagnostics);
        return None;
    }
    Some(LookupDeflator {
        years,
        forecast_from,
        current_year,
    })
}

impl LookupDeflator {
    pub fn first_year(&self) -> PriceYear {
        self.years[0].0
    }

    pub fn last_year(&self) -> PriceYear {
        self.years[self.years.len() - 1].0
    }

    /// The series as a deflator file in the format `unit-costs/gdp-deflator.toml` uses.
    pub fn to_toml(&self, source: &str, table_file: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# The GDP deflator series used by the Unit Cost Database v1.4 (March 2015), from its Lookups sheet.\n\
             #\n\
             # Generated by `tfcalc costs import-ucd {source} --output {table_file}`, which writes this file\n\
             # beside the table. Do not edit by hand: regenerate it.\n\
             #\n\
             # Source: HM Treasury GDP deflators at market prices, March 2015 Budget, financial years {} to {};\n\
             # the years from {} on are marked forecast (f) in the workbook. The workbook updates its costs\n\
             # to {} prices with this series: the index is 100 in {}, and each later year's index is the year\n\
             # before's times (1 + change / 100). A cost moves from price year p to year t as cost x I(t) / I(p).\n\
             # The base year's own change ({}%) does not enter the index.",
            self.first_year(),
            self.last_year(),
            self.forecast_from
                .map_or("(none)".to_string(), |year| year.to_string()),
            self.current_year,
            self.first_year(),
            self.years[0].1,
        );
        let _ = writeln!(
            out,
            "\n[deflator]\nname = \"GDP deflator at market prices (HM Treasury, March 2015 Budget), as used by the Unit Cost Database v1.4\"\nsource = \"HM Treasury, GDP deflators at market prices, as given in the Lookups sheet of the Unit Cost Database v1.4\"\nvintage = \"March 2015 Budget\"\nbase_year = \"{}\"",
            self.first_year()
        );
        if let Some(year) = self.forecast_from {
            let _ = writeln!(out, "forecast_from = \"{year}\"");
        }
        let _ = writeln!(out, "\n[percent_change]");
        let _ = writeln!(
            out,
            "# \"{}\" = \"{}\" is the base year's own change, which the index does not use.",
            self.first_year(),
            self.years[0].1
        );
        for (year, change, _) in &self.years[1..] {
            let _ = writeln!(out, "\"{year}\" = \"{change}\"");
        }
        out
    }

    /// The series as tfcalc's deflator, through the same parser a deflator file goes through.
    pub fn deflator(&self) -> Option<Deflator> {
        let mut diagnostics = Diagnostics::new();
        Deflator::parse(
            "the workbook's deflator",
            &self.to_toml("the workbook", "the table"),
            &mut diagnostics,
        )
    }
}

/// How far our uprated value may be from the workbook's: a penny, the precision a cost is shown at.
const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Uprates every value with the imported deflator and compares it with the workbook's own updated
/// value; also checks the deflator's index against the workbook's cumulative column.
fn check_updated(result: &mut WorkbookImport, diagnostics: &mut Diagnostics) {
    let Some(deflator) = result.deflator.deflator() else {
        diagnostics.error(
            None,
            "internal error: the workbook's deflator series does not load",
        );
        return;
    };
    for (year, _, index) in &result.deflator.years {
        if let Some(ours) = deflator.index(*year)
            && (ours - index).abs() > Decimal::new(1, 9)
        {
            diagnostics.warning(
                None,
                format!("the deflator index for {year} compounds to {ours}; the Lookups sheet says {index}"),
            );
        }
    }
    let target = result.deflator.current_year;
    let Some(to) = deflator.index(target) else {
        diagnostics.error(
            None,
            format!("the deflator series has no value for the current year {target}"),
        );
        return;
    };
    for line in &result.lines {
        for (kind, value) in &line.values {
            let Some(published) = value.updated else {
                // The line skipped for it is reported with the skipped lines.
                if !(kind == &"fiscal" && value.estimate.is_zero()) {
                    result.not_updated.push(value.updated_cell.clone());
                }
                continue;
            };
            *result.checked.entry(kind).or_default() += 1;
            let ours = deflator
                .index(value.year)
                .map(|from| value.estimate * to / from);
            match ours {
                Some(ours) if (ours - published).abs() <= TOLERANCE => {}
                _ => result.mismatches.push(Mismatch {
                    cell: value.updated_cell.clone(),
                    ours: ours.unwrap_or_default(),
                    workbook: published,
                }),
            }
        }
    }
}

/// What the workbook import did, for the terminal.
pub fn summary(result: &WorkbookImport) -> String {
    let mut out = super::import_ucd::summary(&result.import);
    let count = |kind: &str| {
        result
            .lines
            .iter()
            .filter(|line| line.values.contains_key(kind))
            .count()
    };
    let _ = writeln!(
        out,
        "{} coded lines: {} with a fiscal value, {} with an economic value, {} with a social value.",
        result.lines.len(),
        count("fiscal"),
        count("economic"),
        count("social")
    );
    let mut grades: IndexMap<String, usize> = IndexMap::new();
    for line in &result.lines {
        *grades
            .entry(line.grade.clone().unwrap_or_else(|| "none".to_string()))
            .or_default() += 1;
    }
    let grades: Vec<String> = grades
        .iter()
        .map(|(grade, count)| format!("{grade} {count}"))
        .collect();
    let _ = writeln!(out, "RAG grades: {}.", grades.join(", "));
    for (cell, description) in &result.uncoded_values {
        let _ = writeln!(
            out,
            "  not imported: {cell} is empty, so the line \"{description}\" has no cost code (and no id)"
        );
    }
    if !result.uncoded_rows.is_empty() {
        let mut by_sheet: IndexMap<&str, usize> = IndexMap::new();
        for cell in &result.uncoded_rows {
            let sheet = cell
                .rsplit_once('!')
                .map_or(cell.as_str(), |(sheet, _)| sheet);
            *by_sheet.entry(sheet).or_default() += 1;
        }
        let by_sheet: Vec<String> = by_sheet
            .iter()
            .map(|(sheet, count)| format!("{sheet} {count}"))
            .collect();
        let _ = writeln!(
            out,
            "{} {} without a cost code or a value (the drop-down lists below the lines) not read: {}.",
            result.uncoded_rows.len(),
            plural(result.uncoded_rows.len() as u64, "row", "rows"),
            by_sheet.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "Deflator (Lookups): {} to {}, forecast from {}; values updated to {}.",
        result.deflator.first_year(),
        result.deflator.last_year(),
        result
            .deflator
            .forecast_from
            .map_or("(none)".to_string(), |year| year.to_string()),
        result.deflator.current_year
    );
    let total: usize = result.checked.values().sum();
    let by_kind: Vec<String> = result
        .checked
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    let _ = writeln!(
        out,
        "{} of {} updated costs reproduced to the penny with the imported deflator ({}).",
        total - result.mismatches.len(),
        total,
        by_kind.join(", ")
    );
    for cell in &result.not_updated {
        let _ = writeln!(
            out,
            "  {cell}: the workbook gives no updated value to check"
        );
    }
    for mismatch in &result.mismatches {
        let _ = writeln!(
            out,
            "  {}: uprating gives {}, the workbook says {}",
            mismatch.cell, mismatch.ours, mismatch.workbook
        );
    }
    out
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

    #[test]
    fn a_workbook_is_known_by_its_first_bytes() {
        let mut xls = OLE2_SIGNATURE.to_vec();
        xls.extend_from_slice(&[0; 8]);
        assert_eq!(workbook_kind(&xls), Ok(WorkbookKind::Xls));
        assert_eq!(workbook_kind(b"PK\x03\x04\x14\x00"), Ok(WorkbookKind::Xlsx));
        assert!(
            workbook_kind(b"\xEF\xBB\xBF<!DOCTYPE html><html>")
                .unwrap_err()
                .contains("web page")
        );
        assert!(
            workbook_kind(b"<?xml version=\"1.0\"?><Workbook>")
                .unwrap_err()
                .contains("XML file")
        );
        assert!(workbook_kind(b"%PDF-1.4").unwrap_err().contains("PDF"));
        assert!(
            workbook_kind(b"code\tcost\nCR1.0\t500\n")
                .unwrap_err()
                .contains("it is text")
        );
        // The first half of the signature alone is not a workbook.
        assert!(
            workbook_kind(&OLE2_SIGNATURE[..4])
                .unwrap_err()
                .contains("not an Excel workbook")
        );
    }
}

//! Excel: a workbook with one sheet per table. Figures are numbers with number formats (money in
//! £, percentages, returns as `£0.39 : £1.00`), never text, so that a finance team can sum and
//! chart them; each holds the exact figure, and only its format rounds it for display. Text is
//! always written as a string cell, which Excel never runs as a formula.

use super::format::{Style, cell_text, difference_precision, phrase_text, unit_cost_precision};
use super::markup::{indents_items, is_indented};
use super::renderer::Renderer;
use super::view::{Cell, Document, Row, RowKind, TableView};
use crate::money::Precision;
use anyhow::Context;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use std::io::Write;

/// The most rows a sheet can hold (Excel's limit), less the title and header rows.
pub(crate) const MAX_DATA_ROWS: usize = 1_048_576 - 2;

/// Refuses a table of `rows` rows, named `title`, that is too long for a sheet, saying what to do
/// instead (`hint`): checked by the commands as soon as the rows can be counted, and here again
/// for every table before any is written.
pub(crate) fn refuse_too_long(rows: usize, title: &str, hint: &str) -> anyhow::Result<()> {
    if rows > MAX_DATA_ROWS {
        let count = |number: usize| crate::money::format_quantity((number as u64).into());
        anyhow::bail!(
            "the table \"{title}\" would have {} rows, more than an Excel sheet holds ({}): {hint}",
            count(rows),
            count(MAX_DATA_ROWS)
        );
    }
    Ok(())
}
/// Tables longer than this are streamed to a temporary file as they are written, rather than held
/// in memory until the workbook is saved (rust_xlsxwriter's constant-memory mode).
const LOW_MEMORY_ROWS: usize = 50_000;
/// Column widths, in characters.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
/// Rows looked at to size the columns.
const WIDTH_SAMPLE_ROWS: usize = 1_000;

/// The Excel renderer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Xlsx {
    pub precision: Precision,
}

impl Renderer for Xlsx {
    fn render(&self, document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()> {
        render(document, self.precision, output)
    }
}

fn render(
    document: &Document<'_>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let formats = Formats::new(precision);
    let mut sheet_names = SheetNames::default();
    // Every table is checked before any is written: a table too long for a sheet is refused
    // before the work of the ones before it.
    for table in &document.tables {
        refuse_too_long(table.row_count(), &table.title, "use --format csv for it")?;
    }
    for table in &document.tables {
        let worksheet = if table.row_count() > LOW_MEMORY_ROWS {
            // Each row goes to a temporary file once written, and its text is written in the
            // row rather than into the workbook's table of shared strings: a sheet of a row per
            // family has as many different ids as rows, which that table would hold until the
            // workbook is saved.
            workbook.add_worksheet_with_constant_memory()?
        } else {
            workbook.add_worksheet()
        };
        worksheet.set_name(sheet_names.name_for(table))?;
        // The writer's own errors (a cell over Excel's 32,767 characters, say) name no table.
        write_table(worksheet, table, precision, &formats).with_context(|| {
            format!(
                "cannot write the table \"{}\" as an Excel sheet",
                table.title
            )
        })?;
    }
    if document.tables.is_empty() {
        workbook.add_worksheet().write_string(0, 0, "No tables")?;
    }
    if document
        .tables
        .iter()
        .any(|table| table.row_count() > LOW_MEMORY_ROWS)
    {
        // Compressing a long sheet is most of the time its workbook takes; level 3 takes about
        // 0.7 of level 6's time, for a file about 6% larger (rust_xlsxwriter's measures).
        workbook.set_zip_compression_level(3);
    }
    output.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

/// The number formats and styles, made once per workbook.
struct Formats {
    title: Format,
    header: Format,
    header_numeric: Format,
    note: Format,
    money: Format,
    money_pence: Format,
    money_difference: Format,
    money_difference_pence: Format,
    ratio: Format,
    percent: Format,
    count: Format,
    quantity: Format,
    text: Format,
    wrapped_text: Format,
    /// A check's result that differs: bold dark red on pale red in a red border, and it says
    /// DIFFERS, so that it stands out on screen and in a black-and-white print.
    differs: Format,
}

impl Formats {
    fn new(precision: Precision) -> Formats {
        let money = |places: u32| {
            let pence = if places == 0 { "" } else { ".00" };
            format!("£#,##0{pence};-£#,##0{pence}")
        };
        let places = precision.places();
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xE7_EC_F2))
                .set_border_bottom(FormatBorder::Thin),
            header_numeric: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Right)
                .set_background_color(Color::RGB(0xE7_EC_F2))
                .set_border_bottom(FormatBorder::Thin),
            note: Format::new().set_italic(),
            money: Format::new().set_num_format(money(places)),
            money_pence: Format::new().set_num_format(money(2)),
            money_difference: Format::new().set_num_format(format!("+{};£0", money(places))),
            money_difference_pence: Format::new().set_num_format(format!("+{};£0.00", money(2))),
            ratio: Format::new().set_num_format("\"£\"0.00\" : £1.00\""),
            percent: Format::new().set_num_format("0.00%"),
            count: Format::new().set_num_format("#,##0"),
            quantity: Format::new().set_num_format("General"),
            text: Format::new(),
            wrapped_text: Format::new().set_text_wrap(),
            differs: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x9C_00_06))
                .set_background_color(Color::RGB(0xFF_C7_CE))
                .set_border(FormatBorder::Medium)
                .set_border_color(Color::RGB(0xC0_00_00)),
        }
    }
}

fn write_table(
    worksheet: &mut Worksheet,
    table: &TableView<'_>,
    precision: Precision,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let widths = column_widths(table, precision);
    for (column, width) in widths.iter().enumerate() {
        worksheet.set_column_width(column as u16, *width as f64)?;
    }
    write_text(worksheet, 0, 0, &table.title, &formats.title)?;
    for (column, name) in table.columns.iter().enumerate() {
        let format = if table.is_numeric_column(column) {
            &formats.header_numeric
        } else {
            &formats.header
        };
        write_text(worksheet, 1, column as u16, name, format)?;
    }
    worksheet.set_freeze_panes(2, 0)?;
    worksheet.set_repeat_rows(0, 1)?;
    worksheet.set_paper_size(9); // A4
    if table.columns.len() > 4 {
        worksheet.set_landscape();
    }
    worksheet.set_print_fit_to_pages(1, 0);

    let indents_items = indents_items(table);
    let mut sheet_row: u32 = 2;
    for row in table.all_rows() {
        write_row(
            worksheet,
            sheet_row,
            &row,
            indents_items,
            &widths,
            precision,
            formats,
        )?;
        sheet_row += 1;
    }
    let last_data_row = sheet_row - 1;
    // A filter on long lists (one row per family), so that a finance team can sort and pick.
    if table.generated.is_some() && last_data_row >= 2 {
        worksheet.autofilter(1, 0, last_data_row, table.columns.len().max(1) as u16 - 1)?;
    }
    sheet_row += 1;
    for note in &table.notes {
        write_text(
            worksheet,
            sheet_row,
            0,
            &phrase_text(note, precision),
            &formats.note,
        )?;
        sheet_row += 1;
    }
    Ok(())
}

fn write_row(
    worksheet: &mut Worksheet,
    sheet_row: u32,
    row: &Row,
    indents_items: Option<usize>,
    widths: &[usize],
    precision: Precision,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (column, cell) in row.cells.iter().enumerate() {
        let column_number = column as u16;
        let mut number = |value: Decimal, format: &Format| {
            // f64 holds any amount a study has to well below a penny; the format rounds it.
            let value = value.to_f64().unwrap_or(f64::NAN);
            // An item's format is used as it is, rather than copied for each of the millions of
            // figures of a sheet of families.
            let written = if row.kind == RowKind::Item {
                worksheet.write_number_with_format(sheet_row, column_number, value, format)
            } else {
                let bold = format.clone().set_bold();
                worksheet.write_number_with_format(sheet_row, column_number, value, &bold)
            };
            written.map(|_| ())
        };
        match cell {
            Cell::Money(value) => number(*value, &formats.money)?,
            Cell::UnitCost(value) => match unit_cost_precision(*value, precision) {
                Precision::Pence => number(*value, &formats.money_pence)?,
                Precision::Pounds => number(*value, &formats.money)?,
            },
            Cell::MoneyDifference(value) => match difference_precision(*value, precision) {
                Precision::Pence => number(*value, &formats.money_difference_pence)?,
                Precision::Pounds => number(*value, &formats.money_difference)?,
            },
            Cell::Ratio(value) => number(*value, &formats.ratio)?,
            Cell::Percent(fraction) => number(*fraction, &formats.percent)?,
            Cell::Count(count) => number(Decimal::from(*count), &formats.count)?,
            Cell::Quantity(value) => number(*value, &formats.quantity)?,
            Cell::Number { value, places } => {
                let format = match places {
                    0 => "0".to_string(),
                    places => format!("0.{}", "0".repeat(*places as usize)),
                };
                number(*value, &Format::new().set_num_format(format))?
            }
            Cell::Verdict { agrees: false, .. } => {
                let text = shown(cell_text(cell, precision, Style::Display));
                worksheet.write_string_with_format(
                    sheet_row,
                    column_number,
                    text,
                    &formats.differs,
                )?;
            }
            Cell::Text(_) | Cell::Phrase(_) | Cell::Verdict { agrees: true, .. } => {
                let mut text = shown(cell_text(cell, precision, Style::Display));
                if is_indented(indents_items, row.kind, column) {
                    text.insert_str(0, "    ");
                }
                let mut format = if text.chars().count() > widths[column] {
                    formats.wrapped_text.clone()
                } else {
                    formats.text.clone()
                };
                if row.kind != RowKind::Item {
                    format = format.set_bold();
                }
                // Already made safe to show, by `shown`.
                worksheet.write_string_with_format(sheet_row, column_number, text, &format)?;
            }
            Cell::Empty => {
                if row.kind != RowKind::Item {
                    worksheet.write_blank(
                        sheet_row,
                        column_number,
                        &formats.text.clone().set_bold(),
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Text as a cell shows it. Control characters and bidirectional overrides (from a family id,
/// say) are written as visible escapes (`\x1b`), as on a terminal, rather than in Excel's
/// `_x001B_` form, which Excel and LibreOffice turn back into the raw character but openpyxl (and
/// pandas with it) shows as `_x001B_`: every reader shows the same text, and a sheet copied into a
/// terminal or a document cannot act on it. Line breaks and tabs stay: a cell may wrap. CSV and
/// JSON keep the exact text.
fn shown(text: String) -> String {
    let escaped = match crate::display_text::lines(&text) {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(escaped) => Some(escaped),
    };
    escaped.unwrap_or(text)
}

/// Writes text into a cell, made safe to show by [`shown`].
fn write_text(
    worksheet: &mut Worksheet,
    row: u32,
    column: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    worksheet.write_string_with_format(row, column, crate::display_text::lines(text), format)?;
    Ok(())
}

/// Each column as wide as its longest header word or figure, as shown, within limits: long text
/// wraps instead.
fn column_widths(table: &TableView<'_>, precision: Precision) -> Vec<usize> {
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|column| {
            crate::display_text::lines(column)
                .split_whitespace()
                .map(|word| word.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in table.first_rows(WIDTH_SAMPLE_ROWS) {
        for (column, cell) in row.cells.iter().enumerate() {
            if let Some(width) = widths.get_mut(column) {
                let shown = shown(cell_text(cell, precision, Style::Display))
                    .chars()
                    .count()
                    + 2;
                *width = (*width).max(shown);
            }
        }
    }
    widths
        .into_iter()
        .map(|width| (width + 2).clamp(MIN_WIDTH, MAX_WIDTH))
        .collect()
}

/// Sheet names: short, readable, and unique in the workbook (Excel compares them ignoring case).
/// Every name handed out passes [`is_valid_sheet_name`], checked here before it is written: a
/// name Excel refuses makes it refuse the whole workbook, and the writer does not catch all of
/// them (a control character in a name is written raw into workbook.xml, which is then not XML).
#[derive(Default)]
struct SheetNames {
    used: HashSet<String>,
}

/// The longest sheet name, in UTF-16 units, as Excel counts.
const SHEET_NAME_UNITS: usize = 31;

impl SheetNames {
    fn name_for(&mut self, table: &TableView<'_>) -> String {
        let base = sheet_name(&table.key);
        let mut name = base.clone();
        let mut number = 2;
        while !self.is_free(&name) {
            let suffix = format!(" ({number})");
            let room = SHEET_NAME_UNITS - suffix.len();
            name = format!("{}{suffix}", trim_name(&take_units(&base, room)));
            if !is_valid_sheet_name(&name) {
                // A base of apostrophes and spaces only, say: a plain name will do.
                name = format!("Table{suffix}");
            }
            number += 1;
        }
        self.used.insert(fold_case(&name));
        name
    }

    fn is_free(&self, name: &str) -> bool {
        is_valid_sheet_name(name) && !self.used.contains(&fold_case(name))
    }
}

/// A name as Excel compares sheet names: ignoring case, so that "Statement a" and "Statement A"
/// are one name to it.
fn fold_case(name: &str) -> String {
    name.to_lowercase().to_uppercase()
}

/// Whether Excel takes `name` as a sheet name: 1 to 31 UTF-16 units; none of `[ ] : * ? / \`;
/// no apostrophe first or last; no control character (nor anything XML 1.0 forbids, as it is
/// written into an attribute unescaped); and not "History", which Excel keeps for itself.
fn is_valid_sheet_name(name: &str) -> bool {
    let units = name.encode_utf16().count();
    (1..=SHEET_NAME_UNITS).contains(&units)
        && !name.chars().any(is_forbidden_in_sheet_name)
        && !name.starts_with('\'')
        && !name.ends_with('\'')
        && !name.eq_ignore_ascii_case("history")
}

fn is_forbidden_in_sheet_name(character: char) -> bool {
    matches!(
        character,
        '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\u{fffe}' | '\u{ffff}'
    ) || crate::display_text::is_hazard(character, crate::display_text::Lines::Single)
}

/// The longest start of `text` that is at most `units` UTF-16 units, whole characters only.
fn take_units(text: &str, units: usize) -> String {
    let mut taken = 0;
    text.chars()
        .take_while(|character| {
            taken += character.len_utf16();
            taken <= units
        })
        .collect()
}

/// A name without the apostrophes and spaces Excel refuses (or would show) at its ends.
fn trim_name(name: &str) -> &str {
    name.trim_matches(|character: char| character == '\'' || character.is_whitespace())
}

/// A table's key as a sheet name: `families` is "Families", `statement-E` is "Statement E".
/// Family ids go into keys, so anything may be in one: what Excel forbids becomes `_`.
fn sheet_name(key: &str) -> String {
    let name = match key {
        "roi" => "ROI".to_string(),
        "agencies-net" => "Agencies".to_string(),
        _ => {
            let words = key.replace('-', " ");
            let mut characters = words.chars();
            match characters.next() {
                Some(first) => first.to_uppercase().chain(characters).collect(),
                None => "Table".to_string(),
            }
        }
    };
    let cleaned: String = name
        .chars()
        .map(|character| {
            if is_forbidden_in_sheet_name(character) {
                '_'
            } else {
                character
            }
        })
        .collect();
    let cleaned = trim_name(&take_units(trim_name(&cleaned), SHEET_NAME_UNITS)).to_string();
    if is_valid_sheet_name(&cleaned) {
        cleaned
    } else {
        // Empty, or "History".
        format!("Table {}", cleaned).trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_readable_valid_and_unique() {
        assert_eq!(sheet_name("families"), "Families");
        assert_eq!(sheet_name("roi"), "ROI");
        assert_eq!(sheet_name("agencies-net"), "Agencies");
        assert_eq!(sheet_name("statement-E"), "Statement E");
        assert_eq!(sheet_name("statement-a/b:c"), "Statement a_b_c");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
        let mut names = SheetNames::default();
        let families = TableView::new("families", "Study 1", &[]);
        let again = TableView::new("families", "Study 2", &[]);
        let long = TableView::new("y".repeat(40), "Long", &[]);
        assert_eq!(names.name_for(&families), "Families");
        assert_eq!(names.name_for(&again), "Families (2)");
        assert_eq!(names.name_for(&long).chars().count(), 31);
        assert_eq!(names.name_for(&long), format!("Y{} (2)", "y".repeat(26)));
    }

    #[test]
    fn sheet_names_from_hostile_keys_are_ones_excel_takes() {
        assert_eq!(
            sheet_name("statement-a\u{1b}]0;x\u{7}"),
            "Statement a__0;x_"
        );
        assert_eq!(sheet_name("statement-b\u{202e}c\u{9b}"), "Statement b_c_");
        assert_eq!(sheet_name("history"), "Table History");
        assert_eq!(sheet_name("'"), "Table");
        assert_eq!(sheet_name("statement-x' "), "Statement x");
        // Excel counts UTF-16 units: a house is two.
        let houses = sheet_name(&format!("statement-{}", "🏠".repeat(20)));
        assert_eq!(houses, format!("Statement {}", "🏠".repeat(10)));
        let mut names = SheetNames::default();
        let house = TableView::new(format!("statement-{}", "🏠".repeat(20)), "H", &[]);
        assert_eq!(names.name_for(&house), houses);
        assert_eq!(
            names.name_for(&house),
            format!("Statement {} (2)", "🏠".repeat(8))
        );
        for name in ["ok", "a'b", "Σ"] {
            assert!(is_valid_sheet_name(name), "{name}");
        }
        for name in ["", "'a", "a'", "a/b", "a\u{1b}", "HISTORY", &"x".repeat(32)] {
            assert!(!is_valid_sheet_name(name), "{name:?}");
        }
        // Excel ignores case, beyond ASCII too.
        assert_eq!(fold_case("ΣΊΣΥΦΟΣ"), fold_case("σίσυφος"));
    }
}

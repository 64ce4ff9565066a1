//! The default renderer: tables for a terminal, drawn with comfy-table.
//!
//! Given a width (the terminal's, or `COLUMNS`), every table is fitted to it: text columns wrap
//! between words (a wrapped item keeps its indent), and a figure is never broken. A table whose
//! columns cannot all fit even so is drawn in panels, one under the other, each repeating the
//! columns that say what a row is (the study and figure, the agency). With no width (a file, or a
//! pipe without `COLUMNS`), nothing wraps, so that every row stays on one line for grep.
//!
//! This module lays a table out (its panels and column widths) and draws it; `wrap` fits text
//! to a column, and [`pieces`] draws a long table a piece at a time.

use super::markup::{Markup, MarkupTable};
use super::renderer::Renderer;
use super::view::{Document, ROWS_SHOWN, RowKind};
use crate::display_text;
use crate::money::Precision;
use comfy_table::{
    Attribute, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width, presets,
};
use unicode_width::UnicodeWidthStr;
use wrap::{narrowest, wrap};

mod pieces;
mod wrap;

pub use wrap::wrap_message;

/// Where the tables are going, which decides how they are drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalOptions {
    /// Standard output is a terminal: a long table shows its first rows only.
    pub on_terminal: bool,
    /// Headers and totals may be bold (on a terminal, and `NO_COLOR` not set).
    pub styled: bool,
    /// The width to fit, in display columns; `None` draws every row on one line.
    pub width: Option<u16>,
}

/// The terminal renderer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terminal {
    pub precision: Precision,
    pub options: TerminalOptions,
}

impl Markup for Terminal {
    fn precision(&self) -> Precision {
        self.precision
    }

    /// On a terminal, a long table (one row per family of a national study) shows its first rows
    /// and says how many it leaves out. To a file or a pipe, every row is written.
    fn rows_shown(&self) -> Option<usize> {
        self.options.on_terminal.then_some(ROWS_SHOWN)
    }

    fn table(
        &self,
        table: &MarkupTable<'_, '_>,
        output: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        render_table(table, self.options, PIECE_ROWS, output)
    }
}

/// A cell's text as drawn: ids and names from the input files may hold control characters,
/// which a terminal would act on (clearing the screen, say), and a newline would make one cell
/// look like two rows.
fn drawn_text(text: String) -> String {
    display_text::line_owned(text)
}

/// A document as plain terminal text, for tests and messages.
pub fn render_to_string(document: &Document<'_>, precision: Precision) -> String {
    let mut output = Vec::new();
    let terminal = Terminal {
        precision,
        options: TerminalOptions::default(),
    };
    terminal
        .render(document, &mut output)
        .expect("writing to memory cannot fail");
    String::from_utf8(output).expect("tables are text")
}

/// One cell, as text, before it is fitted to its column.
struct DrawnCell {
    text: String,
    /// A figure: right-aligned, and never broken across lines.
    numeric: bool,
}

/// A table's column names, as drawn.
fn header(table: &MarkupTable<'_, '_>) -> Vec<String> {
    table
        .view
        .columns
        .iter()
        .map(|column| display_text::line(column).into_owned())
        .collect()
}

/// A row's cells as drawn, before they are fitted to their columns.
fn drawn_row(row: super::markup::MarkupRow) -> (RowKind, Vec<DrawnCell>) {
    let cells = row
        .cells
        .into_iter()
        .map(|cell| {
            let mut text = drawn_text(cell.text);
            if cell.indented {
                text.insert_str(0, "  ");
            }
            DrawnCell {
                text,
                numeric: cell.numeric,
            }
        })
        .collect();
    (row.kind, cells)
}

/// A table's text, ready to be fitted and drawn.
struct Grid {
    header: Vec<String>,
    rows: Vec<(RowKind, Vec<DrawnCell>)>,
    numeric_columns: Vec<bool>,
}

impl Grid {
    fn from_table(table: &MarkupTable<'_, '_>) -> Grid {
        Grid {
            header: header(table),
            rows: table.rows().map(drawn_row).collect(),
            numeric_columns: table.numeric_columns.clone(),
        }
    }

    fn measures(&self) -> Measures {
        let columns = 0..self.header.len();
        Measures {
            header: self.header.clone(),
            numeric_columns: self.numeric_columns.clone(),
            narrowest: columns
                .clone()
                .map(|column| self.narrowest(column))
                .collect(),
            widest: columns.map(|column| self.widest(column)).collect(),
        }
    }

    fn cells(&self, column: usize) -> impl Iterator<Item = &DrawnCell> {
        self.rows
            .iter()
            .filter_map(move |(_, cells)| cells.get(column))
    }

    /// The narrowest a column can be without breaking a word or a figure.
    fn narrowest(&self, column: usize) -> usize {
        let header = self
            .header
            .get(column)
            .map_or(0, |text| narrowest(text, false));
        self.cells(column)
            .map(|cell| narrowest(&cell.text, cell.numeric))
            .fold(header, usize::max)
    }

    /// How wide a column is with nothing wrapped.
    fn widest(&self, column: usize) -> usize {
        let header = self.header.get(column).map_or(0, |text| text.width());
        self.cells(column)
            .map(|cell| cell.text.width())
            .fold(header, usize::max)
    }
}

/// What a table's borders and padding take: a border between and around the columns, and a space
/// each side of every cell.
fn frame(columns: usize) -> usize {
    3 * columns + 1
}

/// Column widths (of the text, without padding) that add up to no more than `room`: the widest
/// columns give way first, down to their narrowest; only if that is not enough are words broken.
fn fit_widths(narrowest: &[usize], widest: &[usize], room: usize) -> Vec<usize> {
    let mut widths = widest.to_vec();
    let mut total: usize = widths.iter().sum();
    let floors = [narrowest.to_vec(), vec![1; widths.len()]];
    for floor in &floors {
        while total > room {
            let Some(column) = (0..widths.len())
                .filter(|&column| widths[column] > floor[column])
                .max_by_key(|&column| (widths[column], std::cmp::Reverse(column)))
            else {
                break;
            };
            widths[column] -= 1;
            total -= 1;
        }
    }
    widths
}

/// The columns of each panel a table is drawn in at `width`: one panel when its columns fit
/// (wrapped), otherwise as many as it takes, each repeating the leading text columns that say
/// what a row is, so that a row can be read across panels.
fn panels(numeric_columns: &[bool], narrowest: &[usize], width: usize) -> Vec<Vec<usize>> {
    let count = numeric_columns.len();
    let all: Vec<usize> = (0..count).collect();
    let needs = |columns: &[usize]| {
        columns
            .iter()
            .map(|&column| narrowest[column])
            .sum::<usize>()
            + frame(columns.len())
    };
    if count < 3 || needs(&all) <= width {
        return vec![all];
    }
    // The first column, and the text columns after it while they take no more than half the
    // width: the study, check and figure of a reconciliation, say.
    let mut key = vec![0];
    while key.len() < count - 1 && !numeric_columns[key.len()] {
        let mut longer = key.clone();
        longer.push(key.len());
        if needs(&longer) > width / 2 {
            break;
        }
        key = longer;
    }
    let mut panels = Vec::new();
    let mut panel = key.clone();
    for column in key.len()..count {
        panel.push(column);
        if panel.len() > key.len() + 1 && needs(&panel) > width {
            panel.pop();
            panels.push(std::mem::replace(&mut panel, key.clone()));
            panel.push(column);
        }
    }
    panels.push(panel);
    // As many panels, but with the columns shared out evenly where they fit so (benefit, funding
    // and net of each of two studies, rather than five columns and then one).
    let rest: Vec<usize> = (key.len()..count).collect();
    let share = rest.len().div_ceil(panels.len());
    let even: Vec<Vec<usize>> = rest
        .chunks(share.max(1))
        .map(|chunk| key.iter().chain(chunk).copied().collect())
        .collect();
    if even.len() == panels.len() && even.iter().all(|panel| needs(panel) <= width) {
        return even;
    }
    panels
}

/// Tables of more rows than this are drawn in pieces of this many rows (see [`pieces`]), so that
/// a table of 400,000 families written to a file is never held whole, as cells or as text.
const PIECE_ROWS: usize = 4096;

/// What the layout of a table is worked out from: its header and, for each column, whether it
/// holds figures and how narrow and how wide its text can be.
struct Measures {
    header: Vec<String>,
    numeric_columns: Vec<bool>,
    narrowest: Vec<usize>,
    widest: Vec<usize>,
}

/// Writes a table: its title, its rows (in panels, when it is fitted to a width its columns
/// cannot all fit), and its notes. A table of more than `piece_rows` rows is drawn in pieces,
/// each piece the same as that part of the whole table drawn at once.
fn render_table(
    table: &MarkupTable<'_, '_>,
    options: TerminalOptions,
    piece_rows: usize,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let view = table.view;
    let rows = table.shown + view.rows.len();
    let grid = (rows <= piece_rows).then(|| Grid::from_table(table));
    let measures = match &grid {
        Some(grid) => grid.measures(),
        None => pieces::measure(table),
    };
    let title = display_text::line(&view.title).into_owned();
    let width = options.width.map(usize::from);
    let fitted = |text: &str| match width {
        Some(width) => wrap(text, width, false),
        None => text.to_string(),
    };
    let body = |panel: &[usize],
                widths: Option<&[usize]>,
                output: &mut dyn std::io::Write|
     -> anyhow::Result<()> {
        match &grid {
            Some(grid) => Ok(output.write_all(draw(grid, panel, widths, options).as_bytes())?),
            None => pieces::draw(table, &measures, panel, widths, options, piece_rows, output),
        }
    };
    match width {
        None => {
            output.write_all(format!("{title}\n").as_bytes())?;
            body(
                &(0..measures.header.len()).collect::<Vec<_>>(),
                None,
                output,
            )?;
        }
        Some(width) => {
            let narrowest = &measures.narrowest;
            let widest = &measures.widest;
            let panels = panels(&measures.numeric_columns, narrowest, width);
            for (index, panel) in panels.iter().enumerate() {
                let mut heading = String::new();
                if index > 0 {
                    heading.push('\n');
                    heading.push_str(&fitted(&format!("{title} (continued)")));
                } else {
                    heading.push_str(&fitted(&title));
                }
                heading.push('\n');
                output.write_all(heading.as_bytes())?;
                let pick = |widths: &[usize]| {
                    panel
                        .iter()
                        .map(|&column| widths[column])
                        .collect::<Vec<_>>()
                };
                let room = width.saturating_sub(frame(panel.len()));
                let widths = fit_widths(&pick(narrowest), &pick(widest), room);
                body(panel, Some(&widths), output)?;
            }
        }
    }
    let mut trailer = String::new();
    if table.hidden > 0 {
        trailer.push_str(&fitted(&format!(
            "The first {} of {} rows are shown; the totals include them all. --format csv, xlsx or markdown with --output writes every one.",
            table.shown,
            crate::money::format_quantity(rust_decimal::Decimal::from(table.generated() as u64))
        )));
        trailer.push('\n');
    }
    for note in table.notes() {
        trailer.push_str(&fitted(&display_text::line(&note)));
        trailer.push('\n');
    }
    output.write_all(trailer.as_bytes())?;
    Ok(())
}

/// Draws the given columns of a table, each wrapped to its width (when there are widths).
fn draw(
    grid: &Grid,
    columns: &[usize],
    widths: Option<&[usize]>,
    options: TerminalOptions,
) -> String {
    let table = comfy(grid, columns, widths, options, None, true);
    format!("{table}\n")
}

/// The comfy-table of the given columns of a grid, each cell wrapped to its column's width (when
/// there are widths), each column as wide as its text in `content_widths` when they are given
/// (for a piece of a longer table), and with the header row when `header` says so.
fn comfy(
    grid: &Grid,
    columns: &[usize],
    widths: Option<&[usize]>,
    options: TerminalOptions,
    content_widths: Option<&[usize]>,
    header: bool,
) -> Table {
    let mut table = Table::new();
    // The width is decided here, not by comfy-table from the terminal, and escape codes are
    // written only when asked for.
    table.force_no_tty();
    if options.styled {
        // The caller has checked that standard output is a terminal and NO_COLOR is not set.
        table.enforce_styling();
    }
    let bold = |cell: comfy_table::Cell| {
        if options.styled {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    };
    let fitted = |text: &str, place: usize, numeric: bool| match widths {
        Some(widths) => wrap(text, widths[place], numeric),
        None => text.to_string(),
    };
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if header {
        table.set_header(columns.iter().enumerate().map(|(place, &column)| {
            let text = grid.header.get(column).map_or("", String::as_str);
            bold(comfy_table::Cell::new(fitted(text, place, false)))
        }));
    }
    for (kind, cells) in &grid.rows {
        table.add_row(columns.iter().enumerate().map(|(place, &column)| {
            let Some(cell) = cells.get(column) else {
                return comfy_table::Cell::new("");
            };
            let mut drawn = comfy_table::Cell::new(fitted(&cell.text, place, cell.numeric));
            if cell.numeric {
                drawn = drawn.set_alignment(CellAlignment::Right);
            }
            if *kind != RowKind::Item {
                drawn = bold(drawn);
            }
            drawn
        }));
    }
    for (place, column) in table.column_iter_mut().enumerate() {
        if columns
            .get(place)
            .is_some_and(|&index| grid.numeric_columns[index])
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
        if let Some(&width) = content_widths.and_then(|widths| widths.get(place)) {
            // A fixed width is the text's and the padding's (one space each side).
            let width = u16::try_from(width + 2).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(width)));
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::{Cell, Row, TableView};

    fn render(
        document: &Document<'_>,
        precision: Precision,
        options: TerminalOptions,
        output: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        Terminal { precision, options }.render(document, output)
    }
    use rust_decimal::Decimal;

    fn document() -> Document<'static> {
        let mut table = TableView::new("t", "T", &["Agency", "Benefit"]);
        table.rows.push(Row::item(vec![
            Cell::text("Leicestershire County Council"),
            Cell::Money(Decimal::new(-36978, 0)),
        ]));
        table.rows.push(Row::total(vec![
            Cell::text("Total"),
            Cell::Money(Decimal::new(-36978, 0)),
        ]));
        Document {
            title: "T".to_string(),
            charts: Vec::new(),
            tables: vec![table],
        }
    }

    fn rendered(options: TerminalOptions) -> String {
        let mut output = Vec::new();
        render(&document(), Precision::Pounds, options, &mut output).unwrap();
        String::from_utf8(output).unwrap()
    }

    #[test]
    fn bold_headers_and_totals_only_when_styled() {
        let styled = rendered(TerminalOptions {
            on_terminal: true,
            styled: true,
            width: None,
        });
        assert!(styled.contains("\u{1b}[1m Agency"), "{styled}");
        assert!(styled.contains("\u{1b}[1m Total"), "{styled}");
        let plain = rendered(TerminalOptions {
            on_terminal: true,
            styled: false,
            width: None,
        });
        assert!(!plain.contains('\u{1b}'), "{plain}");
        assert!(plain.contains("-£36,978"), "{plain}");
    }

    /// A national study's family table on a terminal: the first rows, the total, and a line
    /// saying how to get the rest. To a file or a pipe, every row.
    #[test]
    fn a_long_table_on_a_terminal_shows_its_first_rows_and_says_so() {
        use crate::report::view::GeneratedRows;
        let mut table = TableView::new("families", "Families", &["Family", "Saving"]);
        table.generated = Some(GeneratedRows::new(2_000, |index| {
            Row::item(vec![
                Cell::text(format!("F{index:04}")),
                Cell::Money(Decimal::from(index)),
            ])
        }));
        table.rows.push(Row::total(vec![
            Cell::text("Total (2000 families)"),
            Cell::Money(Decimal::from(1_999_000)),
        ]));
        let document = Document {
            title: "T".to_string(),
            charts: Vec::new(),
            tables: vec![table],
        };
        let draw = |on_terminal: bool| {
            let mut output = Vec::new();
            let options = TerminalOptions {
                on_terminal,
                styled: false,
                width: None,
            };
            render(&document, Precision::Pounds, options, &mut output).unwrap();
            String::from_utf8(output).unwrap()
        };
        let terminal = draw(true);
        assert!(
            terminal.contains("F0499") && !terminal.contains("F0500"),
            "{terminal}"
        );
        assert!(terminal.contains("£1,999,000"), "{terminal}");
        assert!(
            terminal
                .contains("The first 500 of 2,000 rows are shown; the totals include them all."),
            "{terminal}"
        );
        let file = draw(false);
        assert!(file.contains("F1999") && file.contains("£1,999,000"));
        assert!(!file.contains("rows are shown"));
    }
}

//! The default renderer: tables for a terminal, drawn with comfy-table.

use super::format::{Style, cell_text, phrase_text};
use super::view::{Document, ROWS_SHOWN, RowKind, TableView};
use crate::display_text;
use crate::money::Precision;
use comfy_table::{
    Attribute, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

/// Where the tables are going, which decides how they are drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalOptions {
    /// Standard output is a terminal: tables wrap to its width.
    pub on_terminal: bool,
    /// Headers and totals may be bold (on a terminal, and `NO_COLOR` not set).
    pub styled: bool,
}

pub fn render(
    document: &Document<'_>,
    precision: Precision,
    options: TerminalOptions,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    for (index, table) in document.tables.iter().enumerate() {
        if index > 0 {
            writeln!(output)?;
        }
        output.write_all(render_table(table, precision, options).as_bytes())?;
    }
    Ok(())
}

/// The longest word in each column (of the header and the sample rows),
/// capped so that one long word cannot take the whole terminal.
fn longest_words(view: &TableView<'_>, precision: Precision) -> Vec<u16> {
    let mut longest: Vec<usize> = view
        .columns
        .iter()
        .map(|column| longest_word(&display_text::line(column)))
        .collect();
    for row in view.first_rows(100) {
        for (column, cell) in row.cells.iter().enumerate() {
            if let Some(width) = longest.get_mut(column) {
                let text = drawn_text(cell_text(cell, precision, Style::Display));
                *width = (*width).max(longest_word(&text));
            }
        }
    }
    longest
        .into_iter()
        .map(|width| width.min(24) as u16 + 2)
        .collect()
}

/// A cell's text as drawn: ids and names from the input files may hold control characters,
/// which a terminal would act on (clearing the screen, say), and a newline would make one cell
/// look like two rows.
fn drawn_text(text: String) -> String {
    display_text::line_owned(text)
}

fn longest_word(text: &str) -> usize {
    text.split_whitespace()
        .map(|word| word.chars().count())
        .max()
        .unwrap_or(0)
}

/// A document as plain terminal text, for tests and messages.
pub fn render_to_string(document: &Document<'_>, precision: Precision) -> String {
    let mut output = Vec::new();
    render(document, precision, TerminalOptions::default(), &mut output)
        .expect("writing to memory cannot fail");
    String::from_utf8(output).expect("tables are text")
}

fn render_table(view: &TableView<'_>, precision: Precision, options: TerminalOptions) -> String {
    let mut table = Table::new();
    if !options.on_terminal {
        // Written to a file or a pipe: no terminal width to fit, and no escape codes.
        table.force_no_tty();
    }
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
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            view.columns
                .iter()
                .map(|column| bold(comfy_table::Cell::new(display_text::line(column)))),
        );
    // In a table with block headings (a statement), items are indented under their heading.
    let has_headings = view.rows.iter().any(|row| row.kind == RowKind::Heading);
    // On a terminal, a long table (one row per family of a national study) shows its first rows
    // and says how many it leaves out. To a file or a pipe, every row is written.
    let generated = view.generated.as_ref().map_or(0, |rows| rows.count);
    let shown = if options.on_terminal {
        generated.min(ROWS_SHOWN)
    } else {
        generated
    };
    for row in view.first_rows(shown) {
        let cells = row.cells.iter().enumerate().map(|(column, cell)| {
            let mut text = drawn_text(cell_text(cell, precision, Style::Display));
            if has_headings && column == 0 && row.kind == RowKind::Item {
                text.insert_str(0, "  ");
            }
            let mut drawn = comfy_table::Cell::new(text);
            if cell.is_numeric() {
                drawn = drawn.set_alignment(CellAlignment::Right);
            }
            if row.kind != RowKind::Item {
                drawn = bold(drawn);
            }
            drawn
        });
        table.add_row(cells);
    }
    let longest_words = longest_words(view, precision);
    for (index, column) in table.column_iter_mut().enumerate() {
        if view.is_numeric_column(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        // Fitting a narrow terminal, wrap between words, never inside one ("Leicesters|hire")
        // or inside a figure.
        if let Some(width) = longest_words.get(index) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(*width)));
        }
    }
    let mut output = format!("{}\n{table}\n", display_text::line(&view.title));
    if shown < generated {
        output.push_str(&format!(
            "The first {shown} of {} rows are shown; the totals include them all. --format csv, xlsx or markdown with --output writes every one.\n",
            crate::money::format_quantity(rust_decimal::Decimal::from(generated as u64))
        ));
    }
    for note in &view.notes {
        output.push_str(&display_text::line(&phrase_text(note, precision)));
        output.push('\n');
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::{Cell, Row};
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
        });
        assert!(styled.contains("\u{1b}[1m Agency"), "{styled}");
        assert!(styled.contains("\u{1b}[1m Total"), "{styled}");
        let plain = rendered(TerminalOptions {
            on_terminal: true,
            styled: false,
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
        table.generated = Some(GeneratedRows {
            count: 2_000,
            row: Box::new(|index| {
                Row::item(vec![
                    Cell::text(format!("F{index:04}")),
                    Cell::Money(Decimal::from(index)),
                ])
            }),
        });
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

//! The default renderer: tables for a terminal, drawn with comfy-table.

use super::format::{Style, cell_text, phrase_text};
use super::view::{Document, RowKind, TableView};
use crate::money::Precision;
use comfy_table::{Attribute, CellAlignment, ContentArrangement, Table, presets};

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
                .map(|column| bold(comfy_table::Cell::new(column))),
        );
    // In a table with block headings (a statement), items are indented under their heading.
    let has_headings = view.rows.iter().any(|row| row.kind == RowKind::Heading);
    for row in view.all_rows() {
        let cells = row.cells.iter().enumerate().map(|(column, cell)| {
            let mut text = cell_text(cell, precision, Style::Display);
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
    for (index, column) in table.column_iter_mut().enumerate() {
        if view.is_numeric_column(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut output = format!("{}\n{table}\n", view.title);
    for note in &view.notes {
        output.push_str(&phrase_text(note, precision));
        output.push('\n');
    }
    output
}

//! Long terminal tables (every family of a national study, written to a file) drawn in pieces of
//! rows, so that the table is never held whole, as cells or as text.
//!
//! The rows are walked once to measure each column, then once more for each panel to draw it
//! (and, when the table is fitted to a width, once before that to find how wide each wrapped
//! column comes out). Each piece is drawn with its columns fixed at the widths the whole table
//! has, and without the borders that join it to the pieces either side, so that the pieces put
//! together are the table drawn at once, byte for byte.

use super::wrap::{narrowest, wrap};
use super::{Grid, Measures, TerminalOptions, comfy, drawn_row, header};
use crate::report::markup::MarkupTable;
use unicode_width::UnicodeWidthStr;

/// Measures a table's columns from every row, made one at a time: as [`Grid::measures`] does
/// from rows held.
pub(super) fn measure(table: &MarkupTable<'_, '_>) -> Measures {
    let header = header(table);
    let mut narrowest_widths: Vec<usize> =
        header.iter().map(|text| narrowest(text, false)).collect();
    let mut widest: Vec<usize> = header.iter().map(|text| text.width()).collect();
    for row in table.rows() {
        let (_, cells) = drawn_row(row);
        for (column, cell) in cells.iter().enumerate().take(header.len()) {
            narrowest_widths[column] =
                narrowest_widths[column].max(narrowest(&cell.text, cell.numeric));
            widest[column] = widest[column].max(cell.text.width());
        }
    }
    Measures {
        header,
        numeric_columns: table.numeric_columns.clone(),
        narrowest: narrowest_widths,
        widest,
    }
}

/// The widest line of a cell's text as drawn.
fn line_width(text: &str) -> usize {
    text.split('\n').map(str::width).max().unwrap_or(0)
}

/// Draws the `panel` columns of every row of a table, `piece_rows` rows at a time, each wrapped
/// to its width in `widths` when there are widths.
pub(super) fn draw(
    table: &MarkupTable<'_, '_>,
    measures: &Measures,
    panel: &[usize],
    widths: Option<&[usize]>,
    options: TerminalOptions,
    piece_rows: usize,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    // Each column as wide as comfy-table makes it drawing the whole table: its widest line (the
    // header's too), and at least one character.
    let mut content: Vec<usize> = match widths {
        None => panel
            .iter()
            .map(|&column| measures.widest[column])
            .collect(),
        Some(widths) => {
            let mut content: Vec<usize> = panel
                .iter()
                .enumerate()
                .map(|(place, &column)| {
                    let text = measures.header.get(column).map_or("", String::as_str);
                    line_width(&wrap(text, widths[place], false))
                })
                .collect();
            for (_, cells) in table.rows().map(drawn_row) {
                for (place, &column) in panel.iter().enumerate() {
                    if let Some(cell) = cells.get(column) {
                        let drawn = wrap(&cell.text, widths[place], cell.numeric);
                        content[place] = content[place].max(line_width(&drawn));
                    }
                }
            }
            content
        }
    };
    content
        .iter_mut()
        .for_each(|width| *width = (*width).max(1));
    let mut rows = table.rows().map(drawn_row).peekable();
    let mut first = true;
    loop {
        let piece: Vec<_> = rows.by_ref().take(piece_rows).collect();
        let last = rows.peek().is_none();
        let grid = Grid {
            header: measures.header.clone(),
            rows: piece,
            numeric_columns: measures.numeric_columns.clone(),
        };
        let drawn = comfy(&grid, panel, widths, options, Some(&content), first).to_string();
        let mut lines: Vec<&str> = drawn.split('\n').collect();
        // The border under a piece is the last line, and the border over it (for any but the
        // first, which has the table's header) the first: the pieces either side join there.
        if !last {
            lines.pop();
        }
        let lines = if first { &lines[..] } else { &lines[1..] };
        let mut text = String::with_capacity(drawn.len() + 1);
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        output.write_all(text.as_bytes())?;
        if last {
            return Ok(());
        }
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PIECE_ROWS, Terminal, render_table};
    use super::*;
    use crate::money::Precision;
    use crate::report::markup::{Markup, MarkupTable};
    use crate::report::view::{Cell, GeneratedRows, Piece, Row, TableView};
    use rust_decimal::Decimal;

    /// A long table whose rows differ in width all the way down (the widest near the end), with
    /// text that wraps, a total row and a note.
    fn long_table() -> TableView<'static> {
        let mut table = TableView::new(
            "families",
            "Savings per family",
            &["Family", "Before", "What happened", "Net saving"],
        );
        table.generated = Some(GeneratedRows::new(1_000, |index| {
            Row::item(vec![
                Cell::text(format!("F{index}")),
                Cell::Money(Decimal::from(index as i64 * index as i64 * 1_000)),
                Cell::Phrase(vec![Piece::text(
                    "moved house and then moved again ".repeat(index % 7),
                )]),
                Cell::Money(Decimal::from(-(index as i64) * 37)),
            ])
        }));
        table.rows.push(Row::total(vec![
            Cell::text("Total (1000 families)"),
            Cell::Money(Decimal::from(1_000_000)),
            Cell::Empty,
            Cell::Money(Decimal::from(-1)),
        ]));
        table.note("Net saving is before less intervention less after.");
        table
    }

    fn drawn(options: TerminalOptions, piece_rows: usize) -> String {
        let view = long_table();
        let terminal = Terminal {
            precision: Precision::Pounds,
            options,
        };
        let table = MarkupTable::new(&view, 0, terminal.precision, terminal.rows_shown());
        let mut output = Vec::new();
        render_table(&table, options, piece_rows, &mut output).unwrap();
        String::from_utf8(output).unwrap()
    }

    /// Drawn in pieces of any size, a table is byte for byte the table drawn at once: to a file,
    /// fitted to a width (wrapped, in panels), and styled.
    #[test]
    fn a_table_in_pieces_is_the_table_drawn_at_once() {
        let widths = [None, Some(30), Some(60), Some(200)];
        for width in widths {
            for styled in [false, true] {
                let options = TerminalOptions {
                    on_terminal: false,
                    styled,
                    width,
                };
                let whole = drawn(options, usize::MAX);
                assert!(whole.contains("F999"), "{whole}");
                if width == Some(30) {
                    // In panels, and wrapped.
                    assert!(whole.contains("(continued)"), "{whole}");
                    assert!(whole.lines().count() > 2 * 1_000 + 10, "{whole}");
                }
                for piece_rows in [1, 7, 500, 1_000, 1_001] {
                    assert_eq!(
                        drawn(options, piece_rows),
                        whole,
                        "width {width:?}, styled {styled}, pieces of {piece_rows}"
                    );
                }
            }
        }
        // A terminal's first rows of a long table are drawn at once.
        const { assert!(PIECE_ROWS > crate::report::view::ROWS_SHOWN) };
    }
}

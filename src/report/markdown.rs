//! Markdown: GitHub-flavoured tables, ready to paste into a board paper. Each table has its title
//! as a heading and its notes as paragraphs under it; figures are right-aligned.

use super::format::{Style, cell_text, phrase_text};
use super::view::{Document, RowKind, TableView};
use crate::display_text::{self, Lines};
use crate::money::Precision;
use std::fmt::Write as _;
use std::io::Write;

pub fn render(
    document: &Document<'_>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    for (index, table) in document.tables.iter().enumerate() {
        if index > 0 {
            writeln!(output)?;
        }
        render_table(table, precision, output)?;
    }
    Ok(())
}

fn render_table(
    table: &TableView<'_>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(output, "### {}\n", escape(&table.title))?;
    let header: Vec<String> = table.columns.iter().map(|column| escape(column)).collect();
    writeln!(output, "| {} |", header.join(" | "))?;
    let alignment: Vec<&str> = (0..table.columns.len())
        .map(|column| {
            if table.is_numeric_column(column) {
                "---:"
            } else {
                ":---"
            }
        })
        .collect();
    writeln!(output, "|{}|", alignment.join("|"))?;
    let has_headings = table.rows.iter().any(|row| row.kind == RowKind::Heading);
    let mut line = String::new();
    for row in table.all_rows() {
        line.clear();
        line.push('|');
        for column in 0..table.columns.len() {
            let text = row
                .cells
                .get(column)
                .map(|cell| escape(&cell_text(cell, precision, Style::Display)))
                .unwrap_or_default();
            line.push(' ');
            match row.kind {
                // Headings and totals stand out in bold; an empty cell stays empty, as `****`
                // would show as asterisks.
                RowKind::Heading | RowKind::Total if !text.is_empty() => {
                    line.push_str("**");
                    line.push_str(&text);
                    line.push_str("**");
                }
                RowKind::Item if has_headings && column == 0 => {
                    // Items indented under their heading, as in the published statements.
                    line.push_str("&emsp;");
                    line.push_str(&text);
                }
                _ => line.push_str(&text),
            }
            line.push_str(" |");
        }
        writeln!(output, "{line}")?;
    }
    for note in &table.notes {
        writeln!(output, "\n{}", escape(&phrase_text(note, precision)))?;
    }
    Ok(())
}

/// Text made literal in Markdown: characters that would start emphasis, code, links or HTML, or
/// end a table cell, are escaped, and a line break becomes a space (a table row is one line).
/// Control characters and bidirectional overrides are written as visible escapes (`\x1b`, with
/// its backslash escaped in turn), as on a terminal: raw, they would act on a terminal showing the
/// file, and an override would make a row read in another order.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' => {
                escaped.push('\\');
                escaped.push(character);
            }
            '\r' | '\n' => escaped.push(' '),
            _ if display_text::is_hazard(character, Lines::Kept) => {
                escaped.push('\\');
                let _ = write!(escaped, "{}", display_text::Escaped(character));
            }
            _ => escaped.push(character),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::{Cell, Row};
    use rust_decimal::Decimal;

    #[test]
    fn money_is_right_aligned_and_text_is_literal() {
        let mut table = TableView::new("t", "Savings | *all*", &["Family", "Net saving"]);
        table.rows.push(Row::item(vec![
            Cell::text("A|B_c*"),
            Cell::Money(Decimal::new(-369785, 1)),
        ]));
        table.rows.push(Row::total(vec![
            Cell::text("Total"),
            Cell::Money(Decimal::new(-369785, 1)),
        ]));
        table.note("Line one\nline two");
        let document = Document {
            title: "T".to_string(),
            charts: Vec::new(),
            tables: vec![table],
        };
        let mut written = Vec::new();
        render(&document, Precision::Pounds, &mut written).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "### Savings \\| \\*all\\*\n\n\
             | Family | Net saving |\n\
             |:---|---:|\n\
             | A\\|B\\_c\\* | -£36,979 |\n\
             | **Total** | **-£36,979** |\n\
             \n\
             Line one line two\n"
        );
    }
}

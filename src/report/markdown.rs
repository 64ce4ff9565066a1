//! Markdown: GitHub-flavoured tables, ready to paste into a board paper. Each table has its title
//! as a heading and its notes as paragraphs under it; figures are right-aligned.

use super::markup::{Markup, MarkupTable};
use crate::display_text::{self, Lines};
use crate::money::Precision;
use std::fmt::Write as _;
use std::io::Write;

/// The Markdown renderer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Markdown {
    pub precision: Precision,
}

/// What an item is indented by under its heading: four no-break spaces.
const INDENT: &str = "\u{a0}\u{a0}\u{a0}\u{a0}";
const NO_BREAK_SPACE: char = '\u{a0}';

impl Markup for Markdown {
    fn precision(&self) -> Precision {
        self.precision
    }

    fn table(&self, table: &MarkupTable<'_, '_>, output: &mut dyn Write) -> anyhow::Result<()> {
        let view = table.view;
        writeln!(output, "### {}\n", escape_as(&view.title, Place::Heading))?;
        let header: Vec<String> = view.columns.iter().map(|column| escape(column)).collect();
        writeln!(output, "| {} |", header.join(" | "))?;
        let alignment: Vec<&str> = table
            .numeric_columns
            .iter()
            .map(|&numeric| if numeric { "---:" } else { ":---" })
            .collect();
        writeln!(output, "|{}|", alignment.join("|"))?;
        let mut line = String::new();
        for row in table.rows() {
            line.clear();
            line.push('|');
            for column in 0..view.columns.len() {
                let cell = row.cells.get(column);
                let text = cell.map(|cell| escape(&cell.text)).unwrap_or_default();
                line.push(' ');
                if row.stands_out() && !text.is_empty() {
                    // Headings and totals stand out in bold; an empty cell stays empty, as `****`
                    // would show as asterisks.
                    line.push_str("**");
                    line.push_str(&text);
                    line.push_str("**");
                } else if let Some(cell) = cell.filter(|cell| cell.indented) {
                    // Items indented under their heading, as in the published statements, with
                    // no-break spaces: a table cell drops ordinary leading spaces, and an HTML
                    // entity such as `&emsp;` shows as itself once pasted into Word or Google
                    // Docs. The text's own indent (a composite's parts) is kept the same way.
                    line.push_str(INDENT);
                    let own_indent = cell.own_indent();
                    for _ in 0..own_indent {
                        line.push(NO_BREAK_SPACE);
                    }
                    line.push_str(&text[own_indent..]);
                } else {
                    line.push_str(&text);
                }
                line.push_str(" |");
            }
            writeln!(output, "{line}")?;
        }
        for note in table.notes() {
            writeln!(output, "\n{}", escape_as(&note, Place::Paragraph))?;
        }
        Ok(())
    }
}

/// Text made literal in Markdown, with a backslash only where a character would otherwise change
/// how it renders, so that `police_hour` is written as it is (and reads as it is once pasted
/// into a document): `|` would end a table cell; `*`, `` ` `` and `~` may start emphasis, code or
/// strikethrough; `_` may too, but not inside a word; `<` may start HTML or a link; `]` followed
/// by `(`, `[` or `:` makes a link; `&` may start an entity such as `&amp;`; `\` escapes the
/// punctuation after it; and at the start of the text (a note is a paragraph of its own), `#`,
/// `>`, `-`, `+` or `1.` would make a heading, a quote or a list. A line break becomes a space
/// (a table row is one line).
///
/// Control characters and bidirectional overrides are written as visible escapes (`\x1b`, with
/// its backslash escaped in turn), as on a terminal: raw, they would act on a terminal showing the
/// file, and an override would make a row read in another order.
fn escape_as(text: &str, place: Place) -> String {
    let characters: Vec<char> = text.chars().collect();
    let mut escaped = String::with_capacity(text.len());
    let is_word = |index: Option<usize>| {
        index
            .and_then(|index| characters.get(index))
            .is_some_and(|character| character.is_alphanumeric())
    };
    // Where the text's first character that is not a space or a digit is: a digit run followed
    // by `.` or `)` there is an ordered list item.
    let leading_digits = characters
        .iter()
        .take_while(|character| character.is_ascii_digit())
        .count();
    for (index, &character) in characters.iter().enumerate() {
        let next = characters.get(index + 1).copied();
        let needs_escape = match character {
            '|' | '*' | '`' | '~' => true,
            '_' => !(is_word(index.checked_sub(1)) && is_word(Some(index + 1))),
            '\\' => next.is_some_and(|next| next.is_ascii_punctuation()),
            '<' => next.is_some_and(|next| next.is_ascii_alphabetic() || "/!?".contains(next)),
            ']' => next.is_some_and(|next| "([:".contains(next)),
            '&' => starts_entity(&characters[index + 1..]),
            '#' | '>' | '-' | '+' if place == Place::Paragraph => index == 0,
            '.' | ')' if place == Place::Paragraph => index > 0 && index == leading_digits,
            // A heading's closing `#`s would be dropped.
            '#' if place == Place::Heading => characters[index..].iter().all(|rest| *rest == '#'),
            _ => false,
        };
        match character {
            '\r' | '\n' => escaped.push(' '),
            _ if display_text::is_hazard(character, Lines::Kept) => {
                escaped.push('\\');
                let _ = write!(escaped, "{}", display_text::Escaped(character));
            }
            _ => {
                if needs_escape {
                    escaped.push('\\');
                }
                escaped.push(character);
            }
        }
    }
    escaped
}

/// Where text goes, which decides what must be escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A table cell: inline text, where only inline syntax acts.
    Cell,
    /// After `### `: a `#` at the end would be taken as closing the heading.
    Heading,
    /// A paragraph of its own (a note): at its start, `#`, `>`, `-` or `1.` is a block.
    Paragraph,
}

/// Text made literal in a table cell.
fn escape(text: &str) -> String {
    escape_as(text, Place::Cell)
}

/// Whether the text after a `&` would make it an entity or character reference (`&amp;`,
/// `&#163;`), which Markdown replaces with the character it names.
fn starts_entity(rest: &[char]) -> bool {
    let name = rest
        .iter()
        .take_while(|character| character.is_ascii_alphanumeric() || **character == '#')
        .count();
    name > 0 && rest.get(name) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::renderer::Renderer;
    use crate::report::view::{Cell, Document, Row, TableView};
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
        Markdown {
            precision: Precision::Pounds,
        }
        .render(&document, &mut written)
        .unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "### Savings \\| \\*all\\*\n\n\
             | Family | Net saving |\n\
             |:---|---:|\n\
             | A\\|B_c\\* | -£36,979 |\n\
             | **Total** | **-£36,979** |\n\
             \n\
             Line one line two\n"
        );
    }
}

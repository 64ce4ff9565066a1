//! The shared base of the markup renderers (terminal, Markdown, HTML): the walk through a
//! document, table by table, and the rules every one of them keeps, written once here: which
//! items are indented under a heading, which rows stand out, which columns hold figures, how many
//! rows of a long table are shown, and the text of each cell and note. Each format says only how
//! it writes these (see [`Markup`]).

use super::format::{Style, cell_text, phrase_text};
use super::view::{Cell, Document, RowKind, TableView};
use crate::money::Precision;
use std::io::Write;

/// A markup format: what it writes around and between tables, and how it writes one.
pub(crate) trait Markup {
    /// The precision figures are drawn at.
    fn precision(&self) -> Precision;

    /// How many generated rows of a long table are shown (a page or a terminal, see
    /// [`super::view::ROWS_SHOWN`]); `None` shows every one.
    fn rows_shown(&self) -> Option<usize> {
        None
    }

    /// What comes before the first table (an HTML page's head, summaries and charts).
    fn start(&self, _document: &Document<'_>, _output: &mut dyn Write) -> anyhow::Result<()> {
        Ok(())
    }

    /// What comes between two tables: a blank line, unless the format says otherwise.
    fn between_tables(&self, output: &mut dyn Write) -> anyhow::Result<()> {
        writeln!(output)?;
        Ok(())
    }

    /// Writes one table.
    fn table(&self, table: &MarkupTable<'_, '_>, output: &mut dyn Write) -> anyhow::Result<()>;

    /// What comes after the last table.
    fn finish(&self, _document: &Document<'_>, _output: &mut dyn Write) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Draws a document in a markup format: the [`super::renderer::Renderer`] of each of them.
pub(crate) fn render(
    format: &impl Markup,
    document: &Document<'_>,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    format.start(document, output)?;
    for (index, table) in document.tables.iter().enumerate() {
        if index > 0 {
            format.between_tables(output)?;
        }
        let table = MarkupTable::new(table, index, format.precision(), format.rows_shown());
        format.table(&table, output)?;
    }
    format.finish(document, output)
}

/// Whether a table's items are indented under its headings: it has block headings (a
/// statement). Every format with indents, Excel's too, asks this.
pub(crate) fn indents_items(view: &TableView<'_>) -> bool {
    view.rows.iter().any(|row| row.kind == RowKind::Heading)
}

/// Whether the cell in `column` of a row of `kind` is an item indented under its heading, in a
/// table that [`indents_items`].
pub(crate) fn is_indented(indents_items: bool, kind: RowKind, column: usize) -> bool {
    indents_items && column == 0 && kind == RowKind::Item
}

/// A table as a markup format sees it: its rows as text, with what each format needs to know to
/// set them out.
pub(crate) struct MarkupTable<'t, 'a> {
    pub view: &'t TableView<'a>,
    /// Where it is in the document, from 0.
    pub index: usize,
    /// Whether each column holds figures, which are aligned to the right.
    pub numeric_columns: Vec<bool>,
    /// Generated rows shown, and left out.
    pub shown: usize,
    pub hidden: usize,
    precision: Precision,
    indents_items: bool,
}

/// A row of a [`MarkupTable`].
pub(crate) struct MarkupRow {
    pub kind: RowKind,
    pub cells: Vec<MarkupCell>,
}

impl MarkupRow {
    /// Headings and totals stand out (in bold) from the items.
    pub fn stands_out(&self) -> bool {
        self.kind != RowKind::Item
    }
}

/// A cell of a [`MarkupRow`], as text for people.
pub(crate) struct MarkupCell {
    /// The text as drawn, not yet escaped for the format.
    pub text: String,
    /// A figure: right-aligned, and never broken across lines.
    pub numeric: bool,
    /// A check's result that differs, which formats that can highlight set apart.
    pub differs: bool,
    /// An item under its heading, indented.
    pub indented: bool,
}

impl MarkupCell {
    /// The spaces the text starts with: its own indent (a composite's parts, under their whole).
    pub fn own_indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }
}

impl<'t, 'a> MarkupTable<'t, 'a> {
    fn new(
        view: &'t TableView<'a>,
        index: usize,
        precision: Precision,
        limit: Option<usize>,
    ) -> MarkupTable<'t, 'a> {
        let generated = view.generated.as_ref().map_or(0, |rows| rows.count);
        let shown = limit.map_or(generated, |limit| generated.min(limit));
        MarkupTable {
            view,
            index,
            numeric_columns: (0..view.columns.len())
                .map(|column| view.is_numeric_column(column))
                .collect(),
            shown,
            hidden: generated - shown,
            precision,
            indents_items: indents_items(view),
        }
    }

    /// How many rows are generated, shown or not.
    pub fn generated(&self) -> usize {
        self.shown + self.hidden
    }

    /// The rows shown, in order: the first generated ones, then the held ones.
    pub fn rows(&self) -> impl Iterator<Item = MarkupRow> + '_ {
        self.view.first_rows(self.shown).map(|row| MarkupRow {
            kind: row.kind,
            cells: row
                .cells
                .iter()
                .enumerate()
                .map(|(column, cell)| MarkupCell {
                    text: cell_text(cell, self.precision, Style::Display),
                    numeric: cell.is_numeric(),
                    differs: matches!(cell, Cell::Verdict { agrees: false }),
                    indented: is_indented(self.indents_items, row.kind, column),
                })
                .collect(),
        })
    }

    /// The notes under the table, as sentences not yet escaped.
    pub fn notes(&self) -> impl Iterator<Item = String> + '_ {
        self.view
            .notes
            .iter()
            .map(|note| phrase_text(note, self.precision))
    }
}

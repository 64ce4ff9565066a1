//! The shared base of the markup renderers (terminal, Markdown, HTML): the walk through a
//! document, table by table, and the rules every one of them keeps, written once here: which
//! items are indented under a heading, which rows stand out, which columns hold figures, how many
//! rows of a long table are shown, and the text of each cell and note. Each format says only how
//! it writes these (see [`Markup`]).

use super::format::{Style, cell_text, phrase_text};
use super::view::{Cell, Document, GeneratedTables, RowKind, TableView};
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

    /// What comes before the first table (an HTML page's head, contents, summaries and charts).
    fn start(
        &self,
        _document: &Document<'_>,
        _tables: &Tables<'_, '_>,
        _output: &mut dyn Write,
    ) -> anyhow::Result<()> {
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

/// Every markup format renders through the one walk below: the format says only how it writes.
impl<M: Markup> super::renderer::Renderer for M {
    fn render(&self, document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()> {
        render(self, document, output)
    }

    fn render_with<'a>(
        &self,
        document: &Document<'a>,
        generated: &GeneratedTables<'a>,
        output: &mut dyn Write,
    ) -> anyhow::Result<()> {
        render_with(self, document, Some(generated), output)
    }
}

/// Draws a document in a markup format.
pub(crate) fn render(
    format: &impl Markup,
    document: &Document<'_>,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    render_with(format, document, None, output)
}

/// Draws a document and then `generated`'s tables, each made as it is reached and dropped once
/// drawn.
pub(crate) fn render_with<'a>(
    format: &impl Markup,
    document: &Document<'a>,
    generated: Option<&GeneratedTables<'a>>,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let tables = Tables {
        held: &document.tables,
        generated,
    };
    format.start(document, &tables, output)?;
    let mut index = 0;
    tables.try_for_each(|table| {
        if index > 0 {
            format.between_tables(output)?;
        }
        let table = MarkupTable::new(table, index, format.precision(), format.rows_shown());
        index += 1;
        format.table(&table, output)
    })?;
    format.finish(document, output)
}

/// A document's tables, held and generated, as a markup format walks them.
pub(crate) struct Tables<'d, 'a> {
    held: &'d [TableView<'a>],
    generated: Option<&'d GeneratedTables<'a>>,
}

impl Tables<'_, '_> {
    /// How many tables there are.
    pub fn len(&self) -> usize {
        self.held.len() + self.generated.map_or(0, |generated| generated.count)
    }

    /// Runs `visit` on every table in order, each generated one made as it is reached.
    pub fn try_for_each(
        &self,
        mut visit: impl FnMut(&TableView<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        for table in self.held {
            visit(table)?;
        }
        if let Some(generated) = self.generated {
            for index in 0..generated.count {
                visit(&(generated.table)(index))?;
            }
        }
        Ok(())
    }
}

/// The column a table's items are indented in under its headings, if it has block headings (a
/// statement): its [`TableView::item_column`]. Every format with indents, Excel's too, asks this.
pub(crate) fn indents_items(view: &TableView<'_>) -> Option<usize> {
    view.first_rows(100)
        .any(|row| row.kind == RowKind::Heading)
        .then_some(view.item_column)
}

/// Whether the cell in `column` of a row of `kind` is an item indented under its heading, in a
/// table whose items are indented in the column `indents_items` (see [`indents_items`]).
pub(crate) fn is_indented(indents_items: Option<usize>, kind: RowKind, column: usize) -> bool {
    indents_items == Some(column) && kind == RowKind::Item
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
    indents_items: Option<usize>,
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
    pub(crate) fn new(
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

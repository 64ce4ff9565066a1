//! The one interface every output format is drawn through: a [`Renderer`] takes a [`Document`]
//! and writes it. The markup formats (terminal, Markdown, HTML) share a base, [`super::markup`];
//! CSV, Excel and JSON draw a document their own way.

use super::view::{Document, GeneratedTables};
use std::io::Write;

/// Draws a document in one format. A renderer rounds figures for display and escapes text for
/// its format; it does no arithmetic on money, which is the views' and the ledger's.
pub(crate) trait Renderer {
    /// Writes the whole document to `output`.
    fn render(&self, document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()>;

    /// Writes the document, then `generated`'s tables, each made as it is reached: the formats
    /// that draw tables one after another (terminal, Markdown, HTML). The others write a study's
    /// statements as one table (see [`super::views::statements`]), and refuse.
    fn render_with<'a>(
        &self,
        document: &Document<'a>,
        generated: &GeneratedTables<'a>,
        output: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let _ = (document, output);
        anyhow::bail!(
            "this format cannot write {} tables made one at a time",
            generated.count
        )
    }
}

/// JSON of a document's tables, as [`super::json::render_document`] writes it. (The JSON of a
/// command with study figures behind it is the ledger's, written by [`super::json::render`].)
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Json;

impl Renderer for Json {
    fn render(&self, document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()> {
        super::json::render_document(document, output)
    }
}

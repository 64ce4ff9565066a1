//! The commands: each loads what it needs, builds views from the ledger and hands them to a
//! renderer. Loading is shared here.

pub mod agency;
pub mod check;
pub mod costs;
pub mod family;
pub mod reconcile;
pub mod report;
pub mod roi;

mod load;

pub use load::{
    cost_studies, cost_studies_with_tolerance, read_inputs, read_options, read_studies,
};

use crate::cli::{Format, GlobalArgs};
use crate::costed::Costed;
use crate::diagnostic::Diagnostics;
use crate::money::Precision;
use crate::report::json::{self, JsonOptions};
use crate::report::{Document, terminal};

pub fn precision(global: &GlobalArgs) -> Precision {
    if global.pence {
        Precision::Pence
    } else {
        Precision::Pounds
    }
}

/// Prints warnings to stderr, unless `--quiet`.
pub fn report_warnings(diagnostics: &Diagnostics, global: &GlobalArgs) {
    if global.quiet {
        return;
    }
    for warning in diagnostics.warnings() {
        eprintln!("warning: {warning}");
    }
}

/// Writes a command's output in the format asked for: its document of tables, or the JSON of the
/// studies' figures.
pub fn emit(
    studies: &[Costed],
    document: &Document,
    json_options: JsonOptions,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Table => terminal::render(document, precision(global)),
        Format::Json => json::render(studies, json_options),
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())
}

/// Writes a document with no study figures behind it: JSON is the document's tables.
pub fn emit_document(document: &Document, global: &GlobalArgs) -> anyhow::Result<()> {
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Table => terminal::render(document, precision(global)),
        Format::Json => json::render_document(document),
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())
}

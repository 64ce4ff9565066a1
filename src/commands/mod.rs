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
use crate::output::write_with;
use crate::report::json::{self, JsonOptions};
use crate::report::{Document, terminal};
use anyhow::Context;

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

/// The format to write in: as asked, or from the output file's extension, or terminal tables.
pub fn output_format(global: &GlobalArgs) -> anyhow::Result<Format> {
    if let Some(format) = global.format {
        return Ok(format);
    }
    let extension = global
        .output
        .as_deref()
        .and_then(|path| path.extension())
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match extension.as_deref() {
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        _ => Format::Table,
    })
}

/// Every input file of the studies, which output must never overwrite.
fn input_files(studies: &[Costed]) -> Vec<String> {
    let mut files = Vec::new();
    for costed in studies {
        let ledger = &costed.ledger;
        files.extend(ledger.study_file.iter().cloned());
        files.extend(ledger.inputs.iter().map(|account| account.file.clone()));
        files.extend(
            ledger
                .book
                .tables()
                .iter()
                .filter(|table| !table.builtin)
                .map(|table| table.path.clone()),
        );
    }
    files
}

/// Writes a command's output in the format asked for: its document of tables, or the JSON of the
/// studies' figures.
pub fn emit(
    studies: &[Costed],
    document: &Document<'_>,
    json_options: JsonOptions,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let inputs = input_files(studies);
    let output = global.output.as_deref();
    match output_format(global)? {
        Format::Table => write_with(output, &inputs, |writer| {
            terminal::render(document, precision(global), writer)
        }),
        Format::Json => write_with(output, &inputs, |writer| {
            json::render(studies, json_options, writer)
        }),
        Format::Csv => {
            let started = std::time::Instant::now();
            let written = write_csv_tables(document, global, &inputs);
            if std::env::var_os("TFCALC_DEBUG_READER").is_some() {
                eprintln!("tfcalc: CSV written in {:?}", started.elapsed());
            }
            written
        }
    }
}

/// Writes a document with no study figures behind it: JSON is the document's tables.
pub fn emit_document(document: &Document<'_>, global: &GlobalArgs) -> anyhow::Result<()> {
    let output = global.output.as_deref();
    match output_format(global)? {
        Format::Table => write_with(output, &[], |writer| {
            terminal::render(document, precision(global), writer)
        }),
        Format::Json => write_with(output, &[], |writer| {
            json::render_document(document, writer)
        }),
        Format::Csv => write_csv_tables(document, global, &[]),
    }
}

/// CSV holds one table per file. A one-table document goes to the output (or standard output);
/// a larger one needs `--output`: `FOLDER/` gets `FOLDER/<table>.csv` for each table, and
/// `report.csv` gets `report-<table>.csv`.
fn write_csv_tables(
    document: &Document<'_>,
    global: &GlobalArgs,
    inputs: &[String],
) -> anyhow::Result<()> {
    let precision = precision(global);
    if let [table] = document.tables.as_slice() {
        return write_with(global.output.as_deref(), inputs, |writer| {
            crate::report::csv::render_table(table, precision, writer)
        });
    }
    let Some(output) = global.output.as_deref() else {
        anyhow::bail!(
            "CSV holds one table per file, and this output has {} tables: give --output FOLDER/ (for FOLDER/<table>.csv each) or --output NAME.csv (for NAME-<table>.csv each)",
            document.tables.len()
        );
    };
    let as_folder = output.is_dir() || output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if as_folder {
        std::fs::create_dir_all(output)
            .with_context(|| format!("cannot create the folder {}", output.display()))?;
    }
    let mut written = Vec::new();
    for table in &document.tables {
        let name = crate::output::file_name_part(&table.key);
        let path = if as_folder {
            output.join(format!("{name}.csv"))
        } else {
            let stem = output
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("tfcalc");
            output.with_file_name(format!("{stem}-{name}.csv"))
        };
        write_with(Some(&path), inputs, |writer| {
            crate::report::csv::render_table(table, precision, writer)
        })?;
        written.push(path);
    }
    if !global.quiet {
        for path in &written {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

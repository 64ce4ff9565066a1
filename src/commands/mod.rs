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
use crate::report::{Document, html, markdown, terminal, xlsx};
use anyhow::Context;

/// Leaves the studies for the operating system to reclaim when the command ends. Freeing a
/// national study's hundreds of thousands of families one by one takes milliseconds the user
/// waits for, just before the process exits and all its memory goes back at once.
fn keep_until_exit(studies: Vec<Costed>) {
    std::mem::forget(studies);
}

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
        // A problem escapes what it quotes when drawn (see `Problem`'s Display), so this is safe
        // to print as it is.
        eprintln!("warning: {warning}");
    }
}

/// The format to write in: as asked, or from the output file's extension, or terminal tables.
pub fn output_format(global: &GlobalArgs) -> anyhow::Result<Format> {
    if let Some(format) = global.format {
        return Ok(format);
    }
    let Some(output) = global.output.as_deref() else {
        return Ok(Format::Table);
    };
    // A folder holds CSV files, one per table.
    if is_folder(output) {
        return Ok(Format::Csv);
    }
    let Some(extension) = output.extension().and_then(|extension| extension.to_str()) else {
        return Ok(Format::Table);
    };
    Format::from_extension(extension).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot tell the output format from the extension .{extension} of {}: name the file .txt, .md, .csv, .json, .xlsx or .html, or give --format table|markdown|csv|json|xlsx|html",
            output.display()
        )
    })
}

/// Whether `--output` names a folder: one that exists, or a path ending in a slash.
fn is_folder(output: &std::path::Path) -> bool {
    output.is_dir() || output.as_os_str().to_string_lossy().ends_with(['/', '\\'])
}

/// Checks the output options before any work is done, so that a mistake in them is reported at
/// once rather than after reading a national extract.
pub fn check_output(global: &GlobalArgs) -> anyhow::Result<()> {
    let format = output_format(global)?;
    refuse_binary_to_terminal(format, global)?;
    if let Some(output) = global.output.as_deref()
        && is_folder(output)
        && format != Format::Csv
    {
        anyhow::bail!(
            "--output {} is a folder, which holds CSV files (one per table): give --format csv, or a file name such as report.{}",
            output.display(),
            format.extension()
        );
    }
    Ok(())
}

/// Refuses to send a workbook or a web page to a terminal, where it would be unreadable: they go
/// to a file (`--output`) or through a pipe.
fn refuse_binary_to_terminal(format: Format, global: &GlobalArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let name = match format {
        Format::Xlsx => "an Excel workbook",
        Format::Html => "an HTML page",
        _ => return Ok(()),
    };
    if global.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "--format {} writes {name}, not text for a terminal: give --output FILE (e.g. --output report.{})",
            format_name(format),
            format_name(format)
        );
    }
    Ok(())
}

/// The format's name as `--format` takes it (clap's own spelling of the value).
fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |value| value.get_name().to_string())
}

/// How terminal tables are drawn: styled and fitted to the width only on a real terminal, and
/// never styled when `NO_COLOR` is set (<https://no-color.org>).
fn terminal_options(global: &GlobalArgs) -> terminal::TerminalOptions {
    use std::io::IsTerminal;
    let on_terminal = global.output.is_none() && std::io::stdout().is_terminal();
    terminal::TerminalOptions {
        on_terminal,
        styled: on_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
    }
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
    if output_format(global)? == Format::Json {
        return write_with(global.output.as_deref(), &inputs, |writer| {
            json::render(studies, json_options, writer)
        });
    }
    render_document(document, global, &inputs)
}

/// Writes a document with no study figures behind it: JSON is the document's tables.
pub fn emit_document(document: &Document<'_>, global: &GlobalArgs) -> anyhow::Result<()> {
    render_document(document, global, &[])
}

/// Draws a document with the renderer of the format asked for.
fn render_document(
    document: &Document<'_>,
    global: &GlobalArgs,
    inputs: &[String],
) -> anyhow::Result<()> {
    let format = output_format(global)?;
    refuse_binary_to_terminal(format, global)?;
    let output = global.output.as_deref();
    let precision = precision(global);
    let started = std::time::Instant::now();
    let written = match format {
        Format::Table => write_with(output, inputs, |writer| {
            terminal::render(document, precision, terminal_options(global), writer)
        }),
        Format::Markdown => write_with(output, inputs, |writer| {
            markdown::render(document, precision, writer)
        }),
        Format::Json => write_with(output, inputs, |writer| {
            json::render_document(document, writer)
        }),
        Format::Csv => write_csv_tables(document, global, inputs),
        Format::Xlsx => write_with(output, inputs, |writer| {
            xlsx::render(document, precision, writer)
        }),
        Format::Html => write_with(output, inputs, |writer| {
            html::render(document, precision, writer)
        }),
    };
    if std::env::var_os("TFCALC_DEBUG_READER").is_some() {
        eprintln!(
            "tfcalc: {} written in {:?}",
            format_name(format),
            started.elapsed()
        );
    }
    written
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
    let as_folder = is_folder(output);
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

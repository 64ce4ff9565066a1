//! The commands: each loads what it needs, builds views from the ledger and hands them to a
//! renderer. Loading is shared here.

pub mod agency;
pub mod check;
pub mod costs;
pub mod family;
pub mod new;
pub mod reconcile;
pub mod report;
pub mod roi;
pub mod shell;

pub mod config;
mod limits;
mod load;

pub use config::RunConfig;

pub use load::{
    cost_studies, cost_studies_checked, cost_studies_with_tolerance, read_inputs, read_studies,
};

use crate::cli::Format;
use crate::costed::Costed;
use crate::diagnostic::Diagnostics;
use crate::money::Precision;
use crate::output::{FileSet, InputFiles, write_with};
use crate::report::json::{self, JsonOptions};
use crate::report::renderer::Renderer;
use crate::report::{Document, GeneratedTables, html, markdown, terminal, xlsx};
use anyhow::Context;
use config::{format_name, is_folder};

/// Leaves the studies for the operating system to reclaim when the command ends. Freeing a
/// national study's hundreds of thousands of families one by one takes milliseconds the user
/// waits for, just before the process exits and all its memory goes back at once.
fn keep_until_exit(studies: Vec<Costed>) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(studies);
    }
}

/// Whether [`keep_until_exit`] leaves the studies to the operating system. It is turned off where
/// commands run one after another in one process (fuzzing, property tests), which would otherwise
/// keep every run's studies until the process ends.
static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Frees each command's studies when it ends: for running many commands in one process.
pub fn free_studies_after_each_command() {
    LEAVE_TO_EXIT.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// Prints warnings to stderr, unless `--quiet`.
pub fn report_warnings(diagnostics: &Diagnostics, config: &RunConfig) {
    if config.quiet {
        return;
    }
    for warning in diagnostics.warnings() {
        // A problem escapes what it quotes when drawn (see `Problem`'s Display), so this is safe
        // to print as it is.
        eprintln!("warning: {warning}");
    }
}

/// Checks the output options before any work is done, so that a mistake in them is reported at
/// once rather than after reading a national extract.
pub fn check_output(config: &RunConfig) -> anyhow::Result<()> {
    let format = config.format()?;
    refuse_binary_to_terminal(format, config)?;
    if let Some(output) = config.output.as_deref()
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
fn refuse_binary_to_terminal(format: Format, config: &RunConfig) -> anyhow::Result<()> {
    let name = match format {
        Format::Xlsx => "an Excel workbook",
        Format::Html => "an HTML page",
        _ => return Ok(()),
    };
    if config.on_terminal {
        anyhow::bail!(
            "--format {} writes {name}, not text for a terminal: give --output FILE (e.g. --output report.{})",
            format_name(format),
            format_name(format)
        );
    }
    Ok(())
}

/// Every file the studies were read from, which output must never overwrite: the study files,
/// service-use files and unit-cost tables (the intervention files are refused earlier, with the
/// rest, by [`load::refuse_to_overwrite_inputs`]).
fn input_files(studies: &[Costed]) -> InputFiles {
    let mut files = InputFiles::new();
    for costed in studies {
        let context = &costed.context;
        if let Some(study_file) = &context.study_file {
            files.add("the study file", study_file);
        }
        for account in &context.inputs {
            files.add("the service-use file", &account.file);
        }
        for table in context.book.tables().iter().filter(|table| !table.builtin) {
            files.add("the unit-cost table", &table.path);
        }
    }
    files
}

/// Writes a command's output in the format asked for: its document of tables, or the JSON of the
/// studies' figures.
pub fn emit(
    studies: &[Costed],
    document: &Document<'_>,
    json_options: JsonOptions,
    config: &RunConfig,
) -> anyhow::Result<()> {
    let inputs = all_inputs(studies, config);
    if config.format()? == Format::Json {
        return write_with(config.output.as_deref(), "--output", &inputs, |writer| {
            json::render(studies, json_options, writer)
        });
    }
    render_document(document, config, &inputs, None)
}

/// Every file the run read or wrote, which its output must not replace.
fn all_inputs(studies: &[Costed], config: &RunConfig) -> InputFiles {
    let mut inputs = input_files(studies);
    inputs.extend(&load::study_inputs());
    inputs.extend(&load::written_files(config));
    inputs
}

/// Writes a document and then `generated`'s tables, each made as it is drawn and dropped once
/// written, in a format that draws tables one after another (terminal, Markdown, HTML).
pub fn emit_generated<'a>(
    studies: &[Costed],
    document: &Document<'a>,
    generated: &GeneratedTables<'a>,
    config: &RunConfig,
) -> anyhow::Result<()> {
    let inputs = all_inputs(studies, config);
    let format = config.format()?;
    refuse_binary_to_terminal(format, config)?;
    let renderer = renderer(format, config.precision, config.terminal_options(None));
    write_with(config.output.as_deref(), "--output", &inputs, |writer| {
        renderer.render_with(document, generated, writer)
    })
}

/// Writes a document with no study figures behind it (JSON is the document's tables), read from
/// `inputs`.
pub fn emit_document(
    document: &Document<'_>,
    config: &RunConfig,
    inputs: &InputFiles,
) -> anyhow::Result<()> {
    render_document(document, config, inputs, None)
}

/// Writes a document as [`emit_document`] does, but wrapping terminal tables at `piped_width`
/// when piped with no `COLUMNS` set: for long free text that a pager cannot read on one line.
pub fn emit_wrapped_document(
    document: &Document<'_>,
    config: &RunConfig,
    inputs: &InputFiles,
    piped_width: u16,
) -> anyhow::Result<()> {
    render_document(document, config, inputs, Some(piped_width))
}

/// Draws a document with the renderer of the format asked for.
fn render_document(
    document: &Document<'_>,
    config: &RunConfig,
    inputs: &InputFiles,
    piped_width: Option<u16>,
) -> anyhow::Result<()> {
    let format = config.format()?;
    refuse_binary_to_terminal(format, config)?;
    let output = config.output.as_deref();
    let precision = config.precision;
    let started = std::time::Instant::now();
    let written = match format {
        // CSV holds one table per file, which may be many files.
        Format::Csv => write_csv_tables(document, config, inputs),
        _ => {
            let renderer = renderer(format, precision, config.terminal_options(piped_width));
            write_with(output, "--output", inputs, |writer| {
                renderer.render(document, writer)
            })
        }
    };
    log::debug!("{} written in {:?}", format_name(format), started.elapsed());
    written
}

/// The renderer of a format, which draws a document into one file (or standard output).
pub(crate) fn renderer(
    format: Format,
    precision: Precision,
    terminal: terminal::TerminalOptions,
) -> Box<dyn Renderer> {
    match format {
        Format::Table => Box::new(terminal::Terminal {
            precision,
            options: terminal,
        }),
        Format::Markdown => Box::new(markdown::Markdown { precision }),
        Format::Csv => Box::new(crate::report::csv::Csv { precision }),
        Format::Json => Box::new(crate::report::renderer::Json),
        Format::Xlsx => Box::new(xlsx::Xlsx { precision }),
        Format::Html => Box::new(html::Html { precision }),
    }
}

/// CSV holds one table per file. A one-table document goes to the output (or standard output);
/// a larger one needs `--output`: `FOLDER/` gets `FOLDER/<table>.csv` for each table, and
/// `report.csv` gets `report-<table>.csv`. The files of a document are written all or none (see
/// [`FileSet`]), and named so that no two are one file (see [`crate::output::file_names`]).
fn write_csv_tables(
    document: &Document<'_>,
    config: &RunConfig,
    inputs: &InputFiles,
) -> anyhow::Result<()> {
    let precision = config.precision;
    let output = config.output.as_deref();
    let as_folder = output.is_some_and(is_folder);
    if let [table] = document.tables.as_slice()
        && !as_folder
    {
        return write_with(output, "--output", inputs, |writer| {
            render_csv_table(table, precision, writer)
        });
    }
    let Some(output) = output else {
        anyhow::bail!(
            "CSV holds one table per file, and this output has {} tables: give --output FOLDER/ (for FOLDER/<table>.csv each) or --output NAME.csv (for NAME-<table>.csv each)",
            document.tables.len()
        );
    };
    if as_folder {
        std::fs::create_dir_all(output)
            .with_context(|| format!("cannot create the folder {}", output.display()))?;
    }
    let names = crate::output::file_names(document.tables.iter().map(|table| table.key.as_str()));
    let mut files = FileSet::new("--output", inputs);
    let mut written = Vec::new();
    for (table, name) in document.tables.iter().zip(names) {
        let path = if as_folder {
            output.join(format!("{name}.csv"))
        } else {
            let stem = output
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("tfcalc");
            output.with_file_name(format!("{stem}-{name}.csv"))
        };
        files.write(&path, |writer| render_csv_table(table, precision, writer))?;
        written.push(path);
    }
    files.commit()?;
    if !config.quiet {
        for path in &written {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// A family's statement is named by its table key, `statement-<family id>`.
const STATEMENT_KEY: &str = "statement-";

/// Writes one table as CSV. A family's statement has its family in a first column (`Family`, as
/// in the families table), since the file name alone cannot always say whose it is: an id such
/// as `A/B` is not a file name as it stands.
fn render_csv_table(
    table: &crate::report::TableView<'_>,
    precision: crate::money::Precision,
    writer: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let Some(family) = table.key.strip_prefix(STATEMENT_KEY) else {
        return crate::report::csv::render_table(table, precision, writer);
    };
    use crate::report::{Cell, Row};
    let mut named = crate::report::TableView::new(table.key.clone(), table.title.clone(), &[]);
    named.columns = std::iter::once("Family".to_string())
        .chain(table.columns.iter().cloned())
        .collect();
    named.rows = table
        .rows
        .iter()
        .map(|row| Row {
            kind: row.kind,
            cells: std::iter::once(Cell::text(family))
                .chain(row.cells.iter().cloned())
                .collect(),
        })
        .collect();
    debug_assert!(table.generated.is_none(), "a statement's rows are held");
    crate::report::csv::render_table(&named, precision, writer)
}

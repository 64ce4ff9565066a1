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

mod load;

pub use load::{
    cost_studies, cost_studies_with_tolerance, read_inputs, read_options, read_studies,
};

use crate::cli::{Format, GlobalArgs};
use crate::costed::Costed;
use crate::diagnostic::Diagnostics;
use crate::money::Precision;
use crate::output::{FileSet, InputFiles, write_with};
use crate::report::json::{self, JsonOptions};
use crate::report::renderer::Renderer;
use crate::report::{Document, html, markdown, terminal, xlsx};
use anyhow::Context;

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
        refuse_contradicting_extension(format, global.output.as_deref())?;
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

/// Refuses `--format F --output NAME.E` when `.E` is the extension of another format: the file
/// would hold one format under the other's name (HTML in `report.xlsx`, which Excel then cannot
/// open), and which of the two was meant cannot be known. An extension that is no format's
/// (`report.out`) is the user's choice of name. `.txt` says only "text", so it takes any format
/// but the workbook, which is not text.
fn refuse_contradicting_extension(
    format: Format,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let Some(output) = output else {
        return Ok(());
    };
    // A folder's format is checked by `check_output`, which says what a folder holds.
    if is_folder(output) {
        return Ok(());
    }
    let Some(extension) = output.extension().and_then(|extension| extension.to_str()) else {
        return Ok(());
    };
    let Some(named) = Format::from_extension(extension) else {
        return Ok(());
    };
    if named == format || (named == Format::Table && format != Format::Xlsx) {
        return Ok(());
    }
    let renamed = output.with_extension(format.extension());
    anyhow::bail!(
        "--format {} but --output {} names {}: to write {}, name the file .{} (--output {}); to write {}, leave out --format",
        format_name(format),
        output.display(),
        format_description(named),
        format_description(format),
        format.extension(),
        renamed.display(),
        format_description(named),
    )
}

/// What a file of the format is, for messages.
fn format_description(format: Format) -> &'static str {
    match format {
        Format::Table => "a text file",
        Format::Markdown => "a Markdown file",
        Format::Csv => "a CSV file",
        Format::Json => "a JSON file",
        Format::Xlsx => "an Excel workbook",
        Format::Html => "an HTML page",
    }
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

/// How terminal tables are drawn: styled only on a real terminal, and never when `NO_COLOR` is set
/// (<https://no-color.org>); fitted to `COLUMNS` when it is set (as clap and most tools honour it),
/// otherwise to the terminal's width, and otherwise, piped, not wrapped, so that every row stays
/// on one line for grep. `piped_width` is the width a command wraps to when piped with no
/// `COLUMNS` (`costs show`, whose long fields a pager cannot read on one line). A file written
/// with `--output` is never wrapped.
fn terminal_options(global: &GlobalArgs, piped_width: Option<u16>) -> terminal::TerminalOptions {
    use std::io::IsTerminal;
    let on_terminal = global.output.is_none() && std::io::stdout().is_terminal();
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<u16>().ok())
        .filter(|columns| *columns > 0);
    let terminal_width = || comfy_table::Table::new().width();
    let width = match (global.output.is_some(), on_terminal) {
        (true, _) => None,
        (false, true) => columns.or_else(terminal_width),
        (false, false) => columns.or(piped_width),
    };
    terminal::TerminalOptions {
        on_terminal,
        styled: on_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
        width,
    }
}

/// The width messages written to standard output are wrapped to, as tables are (see
/// [`terminal_options`]).
pub fn text_width(global: &GlobalArgs) -> Option<u16> {
    terminal_options(global, None).width
}

/// Every file the studies were read from, which output must never overwrite: the study files,
/// service-use files and unit-cost tables (the intervention files are refused earlier, with the
/// rest, by [`load::refuse_to_overwrite_inputs`]).
fn input_files(studies: &[Costed]) -> InputFiles {
    let mut files = InputFiles::new();
    for costed in studies {
        let ledger = &costed.ledger;
        if let Some(study_file) = &ledger.study_file {
            files.add("the study file", study_file);
        }
        for account in &ledger.inputs {
            files.add("the service-use file", &account.file);
        }
        for table in ledger.book.tables().iter().filter(|table| !table.builtin) {
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
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let mut inputs = input_files(studies);
    inputs.extend(&load::study_inputs());
    inputs.extend(&load::written_files(global));
    if output_format(global)? == Format::Json {
        // The rounding gaps the JSON lists are those of the tables at the precision asked for.
        let json_options = JsonOptions {
            precision: precision(global),
            ..json_options
        };
        return write_with(global.output.as_deref(), "--output", &inputs, |writer| {
            json::render(studies, json_options, writer)
        });
    }
    render_document(document, global, &inputs, None)
}

/// Writes a document with no study figures behind it (JSON is the document's tables), read from
/// `inputs`.
pub fn emit_document(
    document: &Document<'_>,
    global: &GlobalArgs,
    inputs: &InputFiles,
) -> anyhow::Result<()> {
    render_document(document, global, inputs, None)
}

/// Writes a document as [`emit_document`] does, but wrapping terminal tables at `piped_width`
/// when piped with no `COLUMNS` set: for long free text that a pager cannot read on one line.
pub fn emit_wrapped_document(
    document: &Document<'_>,
    global: &GlobalArgs,
    inputs: &InputFiles,
    piped_width: u16,
) -> anyhow::Result<()> {
    render_document(document, global, inputs, Some(piped_width))
}

/// Draws a document with the renderer of the format asked for.
fn render_document(
    document: &Document<'_>,
    global: &GlobalArgs,
    inputs: &InputFiles,
    piped_width: Option<u16>,
) -> anyhow::Result<()> {
    let format = output_format(global)?;
    refuse_binary_to_terminal(format, global)?;
    let output = global.output.as_deref();
    let precision = precision(global);
    let started = std::time::Instant::now();
    let written = match format {
        // CSV holds one table per file, which may be many files.
        Format::Csv => write_csv_tables(document, global, inputs),
        _ => {
            let renderer = renderer(format, precision, terminal_options(global, piped_width));
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
    global: &GlobalArgs,
    inputs: &InputFiles,
) -> anyhow::Result<()> {
    let precision = precision(global);
    let output = global.output.as_deref();
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
    if !global.quiet {
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

//! The run configuration: the command line resolved once into what the commands act on (the
//! output format, the precision, how terminal tables are drawn, how inputs are read, the files
//! the run writes), so that no command reads a raw flag for these. Clap's [`GlobalArgs`] is the
//! low-level form, as the user typed it; [`RunConfig`] is the high-level one.

use crate::cli::{Format, GlobalArgs};
use crate::input_path::ReadOptions;
use crate::money::Precision;
use crate::pseudonym;
use crate::report::terminal;
use std::path::{Path, PathBuf};

/// The file bad rows go to with `--skip-bad-rows`, unless `--rejects` names another.
pub const DEFAULT_REJECTS_FILE: &str = "tfcalc-rejects.csv";

/// What the command line asks of a run, resolved from [`GlobalArgs`].
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The format to write in: as `--format` asks, or from `--output`'s extension, or terminal
    /// tables. A contradiction between them is kept to be reported by the commands that write,
    /// when they would have found it.
    format: Result<Format, String>,
    /// Where the output goes (`--output`); `None` is standard output.
    pub output: Option<PathBuf>,
    /// Money to the penny (`--pence`) or in whole pounds.
    pub precision: Precision,
    /// No warnings (`--quiet`).
    pub quiet: bool,
    /// Standard output is a terminal and no `--output` is given.
    pub on_terminal: bool,
    /// Terminal tables may be styled: on a terminal, and `NO_COLOR` not set.
    styled: bool,
    /// The width `COLUMNS` asks for.
    columns: Option<u16>,
    /// How inputs are read: `--encoding`, `--skip-bad-rows`, `--threads`, `--quiet`,
    /// `--max-input-size` and `--pseudonymise`.
    pub read: ReadOptions,
    /// The rejects file the run writes, with `--skip-bad-rows`.
    pub rejects: Option<PathBuf>,
    /// `--rejects` names the rejects file (rather than the default one).
    pub rejects_named: bool,
    /// The command line as given, for the options not resolved here: `--costs`, `--deflator`,
    /// `--price-year` (each a study's input, combined with the study's own in `load`).
    pub args: GlobalArgs,
}

impl RunConfig {
    /// Resolves the command line. Nothing is refused here: a mistake in the output options is
    /// reported by the commands that write output, at the point they always reported it.
    pub fn resolve(mut args: GlobalArgs) -> RunConfig {
        use std::io::IsTerminal;
        args.threads = args.threads.map(|asked| {
            let threads = crate::threads_within_cap(asked, crate::available_cores());
            if threads < asked && !args.quiet {
                eprintln!(
                    "warning: --threads {asked} is more than {} per core on this machine's {} cores: using {threads}",
                    crate::THREADS_PER_CORE,
                    crate::available_cores()
                );
            }
            threads
        });
        // `-o -` is standard output, as for most command-line tools (a file named `-` is `./-`).
        let output = args
            .output
            .clone()
            .filter(|output| output.as_os_str() != "-");
        let on_terminal = output.is_none() && std::io::stdout().is_terminal();
        let rejects_file = args
            .rejects
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_REJECTS_FILE));
        RunConfig {
            format: resolve_format(args.format, output.as_deref()).map_err(|e| e.to_string()),
            output,
            precision: if args.pence {
                Precision::Pence
            } else {
                Precision::Pounds
            },
            quiet: args.quiet,
            on_terminal,
            styled: on_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
            columns: std::env::var("COLUMNS")
                .ok()
                .and_then(|columns| columns.trim().parse::<u16>().ok())
                .filter(|columns| *columns > 0),
            read: ReadOptions {
                encoding: args.encoding,
                skip_bad_rows: args.skip_bad_rows,
                report_every_row: false,
                threads: args.threads,
                quiet: args.quiet,
                max_input_bytes: args.max_input_size,
                detailed_only: crate::logging::detailed_reader_forced(),
                pseudonymise: args.pseudonymise.as_deref().map(pseudonym::Key::new),
            },
            rejects: (args.skip_bad_rows || args.rejects.is_some()).then_some(rejects_file),
            rejects_named: args.rejects.is_some(),
            args,
        }
    }

    /// The format to write in, or why `--format` and `--output` cannot be told apart.
    pub fn format(&self) -> anyhow::Result<Format> {
        self.format.clone().map_err(anyhow::Error::msg)
    }

    /// The rejects file written with `--skip-bad-rows`.
    pub fn skip_bad_rows_to(&self) -> Option<&Path> {
        self.rejects.as_deref().filter(|_| self.read.skip_bad_rows)
    }

    /// How terminal tables are drawn: styled only on a real terminal, and never when `NO_COLOR`
    /// is set (<https://no-color.org>); fitted to `COLUMNS` when it is set (as clap and most
    /// tools honour it), otherwise to the terminal's width, and otherwise, piped, not wrapped, so
    /// that every row stays on one line for grep. `piped_width` is the width a command wraps to
    /// when piped with no `COLUMNS` (`costs show`, whose long fields a pager cannot read on one
    /// line). A file written with `--output` is never wrapped.
    pub fn terminal_options(&self, piped_width: Option<u16>) -> terminal::TerminalOptions {
        let terminal_width = || comfy_table::Table::new().width();
        let width = match (self.output.is_some(), self.on_terminal) {
            (true, _) => None,
            (false, true) => self.columns.or_else(terminal_width),
            (false, false) => self.columns.or(piped_width),
        };
        terminal::TerminalOptions {
            on_terminal: self.on_terminal,
            styled: self.styled,
            width,
        }
    }

    /// The width messages written to standard output are wrapped to, as tables are (see
    /// [`RunConfig::terminal_options`]).
    pub fn text_width(&self) -> Option<u16> {
        self.terminal_options(None).width
    }
}

/// The format to write in: as asked, or from the output file's extension, or terminal tables.
fn resolve_format(format: Option<Format>, output: Option<&Path>) -> anyhow::Result<Format> {
    if let Some(format) = format {
        refuse_contradicting_extension(format, output)?;
        return Ok(format);
    }
    let Some(output) = output else {
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
fn refuse_contradicting_extension(format: Format, output: Option<&Path>) -> anyhow::Result<()> {
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
pub(super) fn is_folder(output: &Path) -> bool {
    output.is_dir() || output.as_os_str().to_string_lossy().ends_with(['/', '\\'])
}

/// The format's name as `--format` takes it (clap's own spelling of the value).
pub(super) fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |value| value.get_name().to_string())
}

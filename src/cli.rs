//! The command line: commands and options only. What they do is in [`crate::commands`].
//!
//! The options' doc comments are their `--help` text, which clap shows as written: its brackets
//! (`[index]`) and placeholders (`<family>`) are not links nor HTML.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use crate::costs::Confidence;
use crate::price_year::PriceYear;
use crate::text_file::Encoding;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const ABOUT: &str = "Cost-savings calculator for family-intervention programmes (Troubled Families / Supporting Families)";

// Paragraphs are one line each (the `\` joins the source lines with a space): clap wraps help to
// the terminal, and a hard line break inside a paragraph would break it mid-phrase there.
const LONG_ABOUT: &str = "\
Costs families' use of public services before and after a keyworker intervention, from published \
unit costs, and reports the saving per family, the benefit to each agency, and the return on \
investment, in the styles councils publish.";

const AFTER_HELP: &str = "\
STUDY is a study .toml file, or a folder holding study.toml. Without one, give --before and \
--after service-use CSVs for a quick run. With no --costs, the reference unit costs built into \
tfcalc are used.

Exit codes:
  0  success
  1  reconcile --strict: a computed figure differs from its published value
  2  bad input or bad usage (the message names the file, the line and how to fix it)

Examples:
  tfcalc report examples/hertfordshire-family-e
  tfcalc family examples/hertfordshire-family-e --summary
  tfcalc family --before before.csv --after after.csv --intervention 6208";

#[derive(Debug, Parser)]
#[command(name = "tfcalc", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Output format [default: table, or as --output's extension says: .md, .csv, .json,
    /// .xlsx, .html]
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,

    /// Write the output to FILE instead of the terminal (`-`: standard output)
    #[arg(long, short = 'o', value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// Show money to the penny instead of whole pounds
    #[arg(long, global = true)]
    pub pence: bool,

    /// Unit-cost table(s) to use, in load order (repeatable): a file, or a built-in table's name
    /// (ucd-v1.4, hertfordshire-2013, ucd-v1.2). Added after a study's own tables; otherwise used
    /// instead of the default ones (ucd-v1.4 and hertfordshire-2013)
    #[arg(long = "costs", value_name = "TABLE", global = true)]
    pub costs: Vec<PathBuf>,

    /// Uprate every unit cost from its own price year to this one (e.g. 2013/14) with the GDP
    /// deflator. A bare year (2024) is a calendar year, taken only with a calendar-year
    /// deflator series (--deflator hmt-gdp-deflator-2024). Overrides a study's price_year
    #[arg(long, value_name = "YEAR", global = true, value_parser = parse_price_year)]
    pub price_year: Option<PriceYear>,

    /// The GDP deflator series to uprate with: a built-in series' name (hmt-gdp-deflator-2024,
    /// gdp-deflator-ucd-v1.4, gdp-deflator-ucd-v1.2) or a TOML file of [index] (year = index) or
    /// [percent_change], by financial year ("2023/24") or calendar year ("2024"). Overrides a
    /// study's deflator. [default: the series published with the database table used]
    #[arg(long, value_name = "SERIES", global = true)]
    pub deflator: Option<PathBuf>,

    /// The text encoding of input files. auto reads UTF-8, or Windows-1252 (as Excel's "CSV" on
    /// Windows) with a warning when a file is not UTF-8
    #[arg(long, value_enum, default_value_t = Encoding::Auto, global = true)]
    pub encoding: Encoding,

    /// Set aside bad service-use rows instead of stopping: each is written to the rejects file
    /// with its line and reason, and every report counts them
    #[arg(long, global = true)]
    pub skip_bad_rows: bool,

    /// Where --skip-bad-rows writes bad rows [default: tfcalc-rejects.csv]
    #[arg(long, value_name = "FILE", global = true, requires = "skip_bad_rows")]
    pub rejects: Option<PathBuf>,

    /// Replace family ids in every output, warning, error and rejects file with a keyed hash
    /// (stable for the same key, not reversible without it), and leave out free-text notes. Use
    /// a long random key and keep it secret; an empty one is refused. The key may also be given
    /// in the environment as TFCALC_PSEUDONYMISE_KEY (which keeps it out of the shell's history)
    #[arg(
        long,
        value_name = "KEY",
        global = true,
        env = "TFCALC_PSEUDONYMISE_KEY",
        hide_env_values = true,
        value_parser = crate::pseudonym::parse_key
    )]
    pub pseudonymise: Option<String>,

    /// Threads to read and cost large inputs with [default: one per core; at most 4 per core]
    #[arg(long, value_name = "N", global = true, value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Do not print warnings
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// The most one input file may hold (such as 500M or 64G): an input that is larger, or a pipe
    /// or device that never ends, is stopped with an error
    #[arg(long, value_name = "SIZE", global = true, default_value = "64G", value_parser = crate::text_file::parse_size)]
    pub max_input_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for the terminal
    // The aliases are the formats' file extensions, which `--output` already takes: `.md`
    // working where `--format md` did not was a trap.
    #[value(alias = "txt", alias = "text")]
    Table,
    /// GitHub-flavoured Markdown tables, to paste into a paper
    #[value(alias = "md")]
    Markdown,
    /// One table per file, figures as plain numbers for spreadsheets
    Csv,
    /// Exact figures as JSON, money as decimal strings
    Json,
    /// An Excel workbook, one sheet per table (needs --output)
    Xlsx,
    /// A self-contained HTML report with charts, for a browser or to print (needs --output)
    #[value(alias = "htm")]
    Html,
}

impl Format {
    /// The usual extension of a file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "txt" => Some(Format::Table),
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything: statements, agencies, ROI, assumptions and the reconciliation with published figures
    Report(StudyArgs),

    /// Hertfordshire-style itemised statement for each family (--summary: one row each)
    ///
    /// As CSV or Excel, the statements of a study are one file (or one sheet), one after another,
    /// with a Family column: --output DIR/ writes DIR/statements.csv. --file-per-family writes a
    /// CSV file for each family instead, for studies of up to 10,000 families.
    Family(FamilyArgs),

    /// Benefits by agency, one column per study (Leicestershire Table 3); --net adds who pays
    Agency(AgencyArgs),

    /// Return on investment, one column per study (Leicestershire Table 2)
    Roi(StudyArgs),

    /// Published figures beside computed ones, and internal consistency checks
    Reconcile(ReconcileArgs),

    /// Check every input of the studies and list every problem, with file, line and how to fix it
    Check(StudyArgs),

    /// Browse, search and import unit-cost tables
    #[command(subcommand)]
    Costs(CostsCommand),

    /// Write a commented starting study (study.toml, a local cost table, before and after CSVs)
    New {
        /// The folder to create; refused if it exists and is not empty
        #[arg(value_name = "DIR")]
        folder: PathBuf,
    },

    /// Print a shell completion script: tfcalc completions bash > ~/.local/share/bash-completion/completions/tfcalc
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff): tfcalc man > ~/.local/share/man/man1/tfcalc.1
    Man,
}

#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// List unit costs, filtered by agency, words or confidence grade
    List(CostsListArgs),

    /// Every field of one unit cost: its source, components and agency split
    Show {
        /// The unit cost's id, e.g. cr2.0 or police_hour
        id: String,
    },

    /// The agencies that bear costs, and how many costs each bears
    Agencies,

    /// Convert the Unit Cost Database (its .xlsx or .xls workbook, or its sheets exported as CSV)
    /// into a unit-cost table (write it with --output)
    ImportUcd {
        /// The database's workbook (.xlsx, .xls), or its theme sheets exported as CSV (no header
        /// row, 14 columns)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CostsListArgs {
    /// Only costs borne by this agency (any part of its name, in any case)
    #[arg(long)]
    pub agency: Option<String>,

    /// Only costs whose id, name, code, category or source contain all these words
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,

    /// Only costs with this confidence grade: G (high), A (medium) or R (low)
    #[arg(long, value_name = "G|A|R", value_parser = parse_confidence)]
    pub confidence: Option<Confidence>,
}

/// Which studies to cost: study files, or a quick run from two CSVs.
#[derive(Debug, Args, Clone)]
pub struct StudyArgs {
    /// Study file(s), or folder(s) holding study.toml
    #[arg(value_name = "STUDY")]
    pub studies: Vec<PathBuf>,

    /// Quick run: service use in the window before the intervention (CSV; repeat for several files)
    #[arg(
        long,
        value_name = "CSV",
        requires = "after",
        conflicts_with = "studies"
    )]
    pub before: Vec<PathBuf>,

    /// Quick run: service use in the window after the intervention (CSV; repeat for several files)
    #[arg(
        long,
        value_name = "CSV",
        requires = "before",
        conflicts_with = "studies"
    )]
    pub after: Vec<PathBuf>,

    /// Quick run: intervention cost per family, e.g. 6208
    #[arg(long, value_name = "AMOUNT", requires = "before")]
    pub intervention: Option<String>,

    /// Quick run: counterfactual cost per family (services used anyway), e.g. 4105
    #[arg(long, value_name = "AMOUNT", requires = "before")]
    pub counterfactual: Option<String>,

    /// Quick run: length of the before and after windows in months
    #[arg(long, value_name = "MONTHS", requires = "before")]
    pub window_months: Option<u64>,

    /// Quick run: a name for the study in reports
    #[arg(long, requires = "before")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct FamilyArgs {
    #[command(flatten)]
    pub study: StudyArgs,

    /// One row per family instead of itemised statements
    #[arg(long)]
    pub summary: bool,

    /// With --format csv: one CSV file per family's statement (statement-<family>.csv), at most
    /// 10,000 families, rather than one file of every statement with a Family column
    #[arg(long, conflicts_with = "summary")]
    pub file_per_family: bool,
}

#[derive(Debug, Args)]
pub struct AgencyArgs {
    #[command(flatten)]
    pub study: StudyArgs,

    /// Add, for each agency, its share of the delivery cost (funding) and its net benefit
    #[arg(long)]
    pub net: bool,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub study: StudyArgs,

    /// Exit with code 1 if any figure differs by more than the tolerance
    #[arg(long)]
    pub strict: bool,

    /// How far a money figure may differ and still agree, in pounds
    #[arg(long, value_name = "POUNDS", default_value = "0.50")]
    pub tolerance: String,
}

fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("--threads needs at least 1 thread".to_string()),
        Ok(threads) => Ok(threads),
        Err(_) => Err(format!(
            "{text:?} is not a number of threads: give a whole number such as 4"
        )),
    }
}

/// A bare year is kept as a calendar year rather than refused here: it is right with a
/// calendar-year deflator series and ambiguous with a financial-year one, and which series is in
/// use is known only once the study is read.
fn parse_price_year(text: &str) -> Result<PriceYear, String> {
    PriceYear::parse_target(text)
}

fn parse_confidence(text: &str) -> Result<Confidence, String> {
    text.parse().map_err(|()| {
        format!("{text:?} is not a confidence grade; use G (high), A (medium) or R (low)")
    })
}

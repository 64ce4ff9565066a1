//! Service-use records: the CSV files that say how much of each service each family used in a window.
//!
//! The format is `family_id,service,quantity` with a header row, columns in any order, optional
//! `cohort` and `note` columns, and any other column ignored. Rows for the same family and service
//! add up, across all the files of a window. Every row read is accounted for: used, blank, or
//! rejected with a reason.
//!
//! - [`row`]: the columns, and reading and judging one row (shared by both readers);
//! - [`fast`]: plain files of any size, on every core, in bounded memory;
//! - [`detailed`]: any CSV, one row at a time, reporting every problem with its line;
//! - [`accumulator`]: the exact sums both readers add rows into.

pub mod accumulator;
pub mod detailed;
pub mod fast;
pub mod row;

pub use accumulator::{FamilyUsage, Itemise, StudyUsage};
pub use row::RowError;

use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
use accumulator::{Accumulator, FixedCosts};
use row::ServiceIndex;
use rust_decimal::Decimal;
use std::fmt;

/// The two windows a study compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    Before,
    After,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Window::Before => "before",
            Window::After => "after",
        })
    }
}

/// How many rows of one file were read, used, left blank and rejected. `read` always equals the
/// sum of the other three.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileAccount {
    pub file: String,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_blank: u64,
    pub rows_rejected: u64,
}

/// One family's use of one service in a window, summed over its rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceUse {
    pub quantity: Decimal,
    /// The distinct `note` texts of its rows, in the order first seen.
    pub notes: Vec<String>,
}

/// A row set aside with `--skip-bad-rows`, for the rejects file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub file: String,
    pub line: u64,
    pub column: Option<u64>,
    pub reason: String,
    /// The row as it was written, re-quoted as CSV.
    pub row: String,
}

/// The longest line a service-use file may have. A row is a few dozen bytes; a line of megabytes
/// is a file that is not what it claims to be, and is refused before it can exhaust memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Inputs larger than this show a progress bar (on a terminal, unless --quiet).
pub const PROGRESS_BYTES: u64 = 50 << 20;

/// Everything a study's service-use files say.
#[derive(Debug, Clone, Default)]
pub struct UsageRead {
    pub usage: StudyUsage,
    /// Row accounting for each file, before files first.
    pub accounts: Vec<FileAccount>,
    /// Rows set aside with `--skip-bad-rows`.
    pub rejected: Vec<RejectedRow>,
}

/// Reads a study's before and after files. Plain files go through the fast reader; anything else,
/// and any file with a problem, through the detailed reader, which records every problem in
/// `diagnostics`.
pub fn read_study_usage(
    before: &[InputPath],
    after: &[InputPath],
    book: &CostBook,
    options: &ReadOptions,
    itemise: Itemise,
    diagnostics: &mut Diagnostics,
) -> UsageRead {
    let costs = FixedCosts::new(book);
    let services = ServiceIndex::new(book);
    let files: Vec<(usize, &InputPath)> = before
        .iter()
        .map(|input| (0, input))
        .chain(after.iter().map(|input| (1, input)))
        .collect();

    if options.encoding != crate::text_file::Encoding::Windows1252 && !options.report_every_row {
        let fast_files: Vec<fast::FastFile<'_>> = files
            .iter()
            .enumerate()
            .map(|(number, (window, input))| fast::FastFile {
                path: &input.path,
                shown: input.shown(),
                number: number as u32,
                window: *window,
            })
            .collect();
        let progress = progress_bar(&files, options);
        let read = fast::read(
            &fast_files,
            &services,
            &costs,
            itemise,
            options.threads(),
            progress.as_ref(),
        );
        if let Some(progress) = progress {
            progress.finish_and_clear();
        }
        // TFCALC_DEBUG_READER=1 says which reader ran, and why the fast one gave way: for
        // profiling, not for users.
        if std::env::var_os("TFCALC_DEBUG_READER").is_some() {
            match &read {
                Ok(_) => eprintln!("tfcalc: fast reader, {} threads", options.threads()),
                Err(fallback) => eprintln!("tfcalc: detailed reader ({})", fallback.0),
            }
        }
        if let Ok((usage, accounts)) = read {
            return UsageRead {
                usage,
                accounts,
                rejected: Vec::new(),
            };
        }
    }

    let mut accumulator = Accumulator::new(&costs, itemise);
    let mut result = UsageRead::default();
    for (number, (window, input)) in files.iter().enumerate() {
        let shown = input.shown();
        let Some(bytes) = input.read_utf8("service-use file", options.encoding, diagnostics) else {
            result.accounts.push(FileAccount {
                file: shown,
                ..FileAccount::default()
            });
            continue;
        };
        let target = detailed::FileToRead {
            file: &shown,
            number: number as u32,
            window: *window,
        };
        let account = detailed::read_file(
            &target,
            &bytes,
            book,
            &services,
            options,
            &mut accumulator,
            &mut result.rejected,
            diagnostics,
        );
        result.accounts.push(account);
    }
    match accumulator.finish() {
        Ok(usage) => result.usage = usage,
        Err(error) => {
            let files: Vec<&str> = result
                .accounts
                .iter()
                .map(|account| account.file.as_str())
                .collect();
            diagnostics
                .error(
                    Some(Location::file(files.join(", "))),
                    format!("the totals cannot be computed: {error}"),
                )
                .hint("check the quantities for a mistyped figure");
        }
    }
    result
}

/// A progress bar on standard error for inputs over [`PROGRESS_BYTES`], when it is a terminal.
fn progress_bar(
    files: &[(usize, &InputPath)],
    options: &ReadOptions,
) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if options.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = files
        .iter()
        .filter_map(|(_, input)| std::fs::metadata(&input.path).ok())
        .map(|metadata| metadata.len())
        .sum();
    (total > PROGRESS_BYTES).then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} reading {bytes}/{total_bytes} [{wide_bar}] {msg}, {eta} left",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar
    })
}

//! Service-use records: the CSV files that say how much of each service each family used in a window.
//!
//! The format is `family_id,service,quantity` with a header row, columns in any order, an
//! optional `note` column, and any other column ignored. (`cohort`, which the format has always
//! allowed, is one of those: a study is one cohort, so it is never read.) Rows for the same family and service
//! add up, across all the files of a window. Every row read is accounted for: used, blank, or
//! rejected with a reason.
//!
//! - [`row`]: the columns, and reading and judging one row (shared by both readers);
//! - [`fast`]: plain files of any size, on every core, in bounded memory;
//! - [`detailed`]: any CSV, one row at a time, reporting every problem with its line;
//! - [`worksheet`]: a sheet of a workbook, its rows judged and accounted as the detailed reader's;
//! - `row_loop`: the one row loop the detailed and worksheet readers share, over a source of rows;
//! - [`accumulator`]: the exact sums both readers add rows into. This is where service use is
//!   costed: each row's quantity times its unit cost is added to its family's money for the
//!   window, so each family's before and after costs are summed here; the ledger takes them and
//!   derives savings, intervention costs and each agency's share from them.

pub mod accumulator;
pub(crate) mod detailed;
pub(crate) mod fast;
pub mod row;
pub(crate) mod worksheet;

mod row_loop;

pub use accumulator::{FamilyUsage, Itemise, ItemisedLines, LineNotes, ServiceUse, StudyUsage};
pub use row::RowError;

use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
use accumulator::{Accumulator, FixedCosts};
use row::ServiceIndex;
use std::fmt;

/// The two windows a study compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    Before,
    After,
}

impl Window {
    /// Both windows, in the order of every per-window array (`[before, after]`).
    pub const BOTH: [Window; 2] = [Window::Before, Window::After];

    /// The window's place in a per-window array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The window it is compared with.
    pub fn other(self) -> Window {
        match self {
            Window::Before => Window::After,
            Window::After => Window::Before,
        }
    }

    /// The window's bit in [`FamilyUsage::windows`].
    pub fn bit(self) -> u8 {
        1 << self.index()
    }
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

/// The rows set aside with `--skip-bad-rows`, in the order found. The first few thousand are held
/// in memory; the rest go to an anonymous temporary file as they are found, so that a file of bad
/// rows cannot exhaust memory (the rejects file is written from both at the end).
#[derive(Debug, Default)]
pub struct RejectedRows {
    held: Vec<RejectedRow>,
    spilled: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    count: u64,
}

/// Rejected rows held in memory before the rest are written to a temporary file.
const REJECTS_HELD: usize = 10_000;

impl RejectedRows {
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn push(&mut self, row: RejectedRow) {
        self.count += 1;
        if self.held.len() < REJECTS_HELD {
            self.held.push(row);
            return;
        }
        if self.spilled.is_none() {
            // If no temporary file can be made, the rows are held after all: slower to fail than
            // to lose one.
            match tempfile::tempfile() {
                Ok(file) => {
                    self.spilled = Some(csv::Writer::from_writer(std::io::BufWriter::new(file)))
                }
                Err(_) => {
                    self.held.push(row);
                    return;
                }
            }
        }
        let column = row
            .column
            .map(|column| column.to_string())
            .unwrap_or_default();
        let written = self.spilled.as_mut().map(|writer| {
            writer.write_record([
                &row.file,
                &row.line.to_string(),
                &column,
                &row.reason,
                &row.row,
            ])
        });
        if !matches!(written, Some(Ok(()))) {
            self.held.push(row);
        }
    }

    /// Moves `other`'s rows after these.
    pub fn append(&mut self, other: RejectedRows) -> std::io::Result<()> {
        other.for_each(|row| {
            self.push(row);
            Ok(())
        })
    }

    /// Each row, in the order found.
    pub fn for_each(
        self,
        mut each: impl FnMut(RejectedRow) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for row in self.held {
            each(row)?;
        }
        let Some(writer) = self.spilled else {
            return Ok(());
        };
        let mut file = writer
            .into_inner()
            .map_err(|error| std::io::Error::other(error.to_string()))?
            .into_inner()
            .map_err(|error| error.into_error())?;
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(0))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(std::io::BufReader::new(file));
        for record in reader.records() {
            let record = record.map_err(std::io::Error::other)?;
            each(RejectedRow {
                file: record[0].to_string(),
                line: record[1].parse().unwrap_or(0),
                column: record[2].parse().ok(),
                reason: record[3].to_string(),
                row: record[4].to_string(),
            })?;
        }
        Ok(())
    }
}

pub use crate::text_file::MAX_LINE_BYTES;

/// Inputs larger than this show a progress bar (on a terminal, unless --quiet).
pub const PROGRESS_BYTES: u64 = 50 << 20;

/// Everything a study's service-use files say.
#[derive(Debug, Default)]
pub struct UsageRead {
    pub usage: StudyUsage,
    /// Row accounting for each file, before files first.
    pub accounts: Vec<FileAccount>,
    /// Rows set aside with `--skip-bad-rows`.
    pub rejected: RejectedRows,
}

/// Reads a study's before and after files. Each plain regular file goes through the fast reader;
/// anything else (a pipe, a tab-separated file, a file with a problem) through the detailed
/// reader, which records every problem in `diagnostics`. The choice is made file by file: one odd
/// file does not slow the others.
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

    // Only regular files can be read in parts by several threads; anything else is read once.
    let mut detailed: Vec<bool> = files
        .iter()
        .map(|(_, input)| {
            options.detailed_only
                || worksheet::is_workbook(input)
                || options.encoding == crate::text_file::Encoding::Windows1252
                || !std::fs::metadata(&input.path).is_ok_and(|metadata| metadata.is_file())
        })
        .collect();
    let mut fast_read = None;
    loop {
        let fast_numbers: Vec<usize> = (0..files.len())
            .filter(|&number| !detailed[number])
            .collect();
        if fast_numbers.is_empty() {
            break;
        }
        let fast_files: Vec<fast::FastFile<'_>> = fast_numbers
            .iter()
            .map(|&number| {
                let (window, input) = files[number];
                fast::FastFile {
                    path: &input.path,
                    shown: input.shown(),
                    number: number as u32,
                    window,
                }
            })
            .collect();
        let progress = progress_bar(&files, options);
        let read = fast::read(
            &fast_files,
            &services,
            &costs,
            itemise,
            options,
            progress.as_ref(),
        );
        if let Some(progress) = progress {
            progress.finish_and_clear();
        }
        match read {
            Ok(read) => {
                log::debug!(
                    "fast reader, {} threads, {} files",
                    options.threads(),
                    fast_numbers.len()
                );
                fast_read = Some((fast_numbers, read));
                break;
            }
            Err(fallback) => {
                // The file is read again by the detailed reader, and the others by the fast one:
                // what was read of them so far is dropped, so nothing is counted twice.
                log::debug!(
                    "detailed reader for {} ({})",
                    fallback
                        .file
                        .map_or("every file".to_string(), |file| fast_files[file]
                            .shown
                            .clone()),
                    fallback.reason
                );
                match fallback.file {
                    Some(file) => detailed[fast_numbers[file]] = true,
                    None => detailed.iter_mut().for_each(|detailed| *detailed = true),
                }
            }
        }
    }

    let mut accounts: Vec<Option<FileAccount>> = vec![None; files.len()];
    let mut read_cleanly = vec![true; files.len()];
    let mut accumulator = Accumulator::new(&costs, itemise);
    let mut result = UsageRead::default();
    let mut reading = detailed::Reading {
        book,
        services: &services,
        options,
        accumulator: &mut accumulator,
        rejected: &mut result.rejected,
        diagnostics,
    };
    for (number, (window, input)) in files.iter().enumerate() {
        if !detailed[number] {
            continue;
        }
        let shown = input.shown();
        let errors_before = reading.diagnostics.error_count();
        if worksheet::is_workbook(input) {
            let target = detailed::FileToRead {
                file: &shown,
                number: number as u32,
                window: *window,
            };
            let account = worksheet::read_file(input, &target, &mut reading);
            read_cleanly[number] = reading.diagnostics.error_count() == errors_before;
            accounts[number] = Some(account);
            continue;
        }
        let Some(mut records) = input.open_csv("service-use file", options, reading.diagnostics)
        else {
            read_cleanly[number] = false;
            accounts[number] = Some(FileAccount {
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
        let account = detailed::read_file(&target, &mut records, &mut reading);
        input.finish_csv(&records, options.encoding, reading.diagnostics);
        read_cleanly[number] = reading.diagnostics.error_count() == errors_before;
        accounts[number] = Some(account);
    }
    let mut others = Vec::new();
    if let Some((numbers, read)) = fast_read {
        for ((number, account), converted) in numbers.iter().zip(read.accounts).zip(read.converted)
        {
            if let Some(from) = converted {
                files[*number]
                    .1
                    .converted_warning(from, options.encoding, diagnostics);
            }
            accounts[*number] = Some(account);
        }
        others = read.accumulators;
    }
    result.accounts = accounts
        .into_iter()
        .map(|account| account.unwrap_or_default())
        .collect();
    warn_of_empty_windows(&files, &result.accounts, &read_cleanly, diagnostics);
    match accumulator.finish_with(others) {
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

/// A file with a header and no records is a window in which nobody used anything: allowed, and
/// said, since it may as well be the wrong file.
fn warn_of_empty_windows(
    files: &[(usize, &InputPath)],
    accounts: &[FileAccount],
    read_cleanly: &[bool],
    diagnostics: &mut Diagnostics,
) {
    if read_cleanly.iter().any(|clean| !clean) {
        // A file that could not be read has its own error; "no records" would only confuse.
        return;
    }
    for window in Window::BOTH {
        let in_window: Vec<(&InputPath, &FileAccount)> = files
            .iter()
            .zip(accounts)
            .filter(|((number, _), _)| *number == window as usize)
            .map(|((_, input), account)| (*input, account))
            .collect();
        let empty = |account: &FileAccount| account.rows_used == 0 && account.rows_rejected == 0;
        if in_window.is_empty() {
            continue;
        }
        if in_window.iter().all(|(_, account)| empty(account)) {
            let names: Vec<String> = in_window.iter().map(|(input, _)| input.shown()).collect();
            diagnostics
                .warning(
                    Some(Location::file(names.join(", "))),
                    format!("the window {window} has no records: every family's costs {window} are £0"),
                )
                .hint("if someone used services in that window, this is the wrong file, or its rows are missing");
            continue;
        }
        for (input, account) in in_window {
            if empty(account) {
                diagnostics.warning(
                    Some(Location::file(input.shown())),
                    format!("the file has a header row but no records: it adds nothing to the window {window}"),
                );
            }
        }
    }
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

//! The fast reader, for national-scale extracts: both cores, bounded memory, no per-row allocation.
//!
//! Each file is cut into chunks at line boundaries, and each thread reads its own stretch of the
//! chunks of every file, taking over half of another's when it runs out (see `Schedule`). A
//! thread reads its chunk in blocks of a megabyte, so memory grows with the families and services,
//! never with the rows. Rows are split on commas in place and judged by the same
//! [`judge`](super::row::judge) as the detailed reader (a tidy row of a three-column file by
//! [`plain_row`](super::row::plain_row), which reads it the same way with fewer steps), so both
//! readers accept exactly the same rows; sums are exact integers,
//! which add up the same in any order, so the result is identical to reading the files one row at
//! a time.
//!
//! It handles plain rows only. At the first sign of anything else (a quote, a byte that is not
//! UTF-8, a bad row) it stops, and the whole study is read by the detailed reader instead, which
//! copes with every CSV and reports every problem with its line. Bad input is never read twice
//! differently: it is only ever judged by the detailed reader.
//!
//! This module prepares the files and runs the threads; [`schedule`] shares out the chunks,
//! [`chunk`] reads one chunk's rows, and [`separators`] finds the commas and newlines in a block.

mod chunk;
mod schedule;
mod separators;
mod sums;

use super::FileAccount;
use super::MAX_LINE_BYTES;
use super::accumulator::{Accumulator, FixedCosts, Itemise, Partitions};
use super::row::{Columns, ServiceIndex};
use crate::diagnostic::Diagnostics;
use crate::input_path::ReadOptions;
use crate::text_file::DecodingReader;
use chunk::read_chunk;
use indicatif::ProgressBar;
use schedule::{Chunk, Schedule};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use sums::ThreadSums;

/// The input is not plain enough for the fast reader: read it with the detailed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// Which file (its place in the list read), or `None` for all of them.
    pub file: Option<usize>,
    pub reason: &'static str,
}

#[allow(non_snake_case)]
fn Fallback(reason: &'static str) -> Fallback {
    Fallback { file: None, reason }
}

impl Fallback {
    fn in_file(self, file: usize) -> Fallback {
        Fallback {
            file: self.file.or(Some(file)),
            ..self
        }
    }
}

/// What the fast reader read: the threads' sums (to be merged), and each file's accounting and
/// the encoding it was converted from, if not UTF-8.
pub struct FastRead<'c> {
    pub accumulators: Vec<Accumulator<'c>>,
    pub accounts: Vec<FileAccount>,
    pub converted: Vec<Option<&'static str>>,
}

/// Bytes read at a time by each thread.
const BLOCK: usize = 1 << 20;

/// Files are cut into chunks, so that threads finishing early take more: about eight chunks a
/// thread, and neither so small that the chunks cost more than they save nor so
/// large that one slow chunk holds up the end.
const CHUNKS_PER_THREAD: u64 = 8;
const SMALLEST_CHUNK: u64 = 256 << 10;
const LARGEST_CHUNK: u64 = 8 << 20;

/// One file for the fast reader.
pub struct FastFile<'a> {
    pub path: &'a Path,
    pub shown: String,
    /// Its number in reading order, for the order families are reported in.
    pub number: u32,
    /// 0 for the window before, 1 for after.
    pub window: usize,
}

struct Prepared<'a> {
    file: &'a FastFile<'a>,
    columns: Columns,
    /// Where the rows start, after the header line.
    data_start: u64,
    length: u64,
}

/// Row counts of one file, added to by every thread that reads a chunk of it, and whether a line
/// of it was not UTF-8 (and read as Windows-1252).
#[derive(Default)]
struct Counts {
    rows: AtomicU64,
    blank: AtomicU64,
    windows_1252: AtomicBool,
}

/// Reads the files with `threads` threads. Returns their sums and each file's row accounting, or
/// [`Fallback`] if anything in the files needs the detailed reader.
pub fn read<'c>(
    files: &[FastFile<'_>],
    services: &ServiceIndex,
    costs: &'c FixedCosts,
    itemise: Itemise,
    options: &ReadOptions,
    progress: Option<&ProgressBar>,
) -> Result<FastRead<'c>, Fallback> {
    let threads = options.threads();
    let read_started = std::time::Instant::now();
    let prepared = files
        .iter()
        .enumerate()
        .map(|(index, file)| prepare(file, options).map_err(|fallback| fallback.in_file(index)))
        .collect::<Result<Vec<_>, _>>()?;
    let total_bytes: u64 = prepared
        .iter()
        .map(|file| file.length - file.data_start)
        .sum();
    let chunk_size = (total_bytes / (threads.max(1) as u64 * CHUNKS_PER_THREAD))
        .clamp(SMALLEST_CHUNK, LARGEST_CHUNK);
    let chunks: Vec<Chunk> = prepared
        .iter()
        .enumerate()
        .flat_map(|(index, file)| {
            let mut start = file.data_start;
            std::iter::from_fn(move || {
                (start < file.length).then(|| {
                    let end = (start + chunk_size).min(file.length);
                    let chunk = Chunk {
                        file: index,
                        start,
                        end,
                    };
                    start = end;
                    chunk
                })
            })
        })
        .collect();
    let counts: Vec<Counts> = prepared.iter().map(|_| Counts::default()).collect();
    let schedule = Schedule::new(&chunks, threads.max(1));
    let rows_so_far = AtomicU64::new(0);
    let abandon = AtomicBool::new(false);
    let reason = Mutex::new(None);
    // Where threads whose rows turn out scattered add them up (see `ThreadSums`).
    let partitions = Partitions::new(costs, itemise);
    let partitioned = sums::partitions_forced();

    // (No room is set aside from the size of the input: memory must grow with the families, never
    // with the rows. The tables grow as families arrive.)
    let worker = |thread: usize| -> Result<Accumulator<'c>, Fallback> {
        let mut sums = ThreadSums::new(Accumulator::new(costs, itemise), &partitions, partitioned);
        let mut buffer = vec![0u8; BLOCK];
        while let Some(index) = schedule.next(thread) {
            let chunk = &chunks[index];
            if abandon.load(Ordering::Relaxed) {
                return Err(Fallback("another thread stopped"));
            }
            let file = &prepared[chunk.file];
            let outcome = read_chunk(
                file,
                chunk,
                services,
                &mut sums,
                &mut buffer,
                &abandon,
                options.encoding,
                &counts[chunk.file].windows_1252,
            );
            match outcome {
                Ok((rows, blank)) => {
                    counts[chunk.file].rows.fetch_add(rows, Ordering::Relaxed);
                    counts[chunk.file].blank.fetch_add(blank, Ordering::Relaxed);
                    let rows_read = rows_so_far.fetch_add(rows, Ordering::Relaxed) + rows;
                    if let Some(progress) = progress {
                        progress.inc(chunk.end - chunk.start);
                        let seconds = progress.elapsed().as_secs_f64().max(0.001);
                        let rate = (rows_read as f64 / seconds) as u64;
                        progress.set_message(format!(
                            "{} rows/s",
                            crate::money::format_quantity(rate.into())
                        ));
                    }
                }
                Err(fallback) => {
                    let fallback = fallback.in_file(chunk.file);
                    // The first thread to stop says why; the others stop because it did.
                    if !abandon.swap(true, Ordering::Relaxed) {
                        reason
                            .lock()
                            .expect("no thread panics holding it")
                            .get_or_insert(fallback.clone());
                    }
                    return Err(fallback);
                }
            }
        }
        sums.finish()
    };

    let results: Vec<Result<Accumulator<'c>, Fallback>> = if threads <= 1 {
        vec![worker(0)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|thread| scope.spawn(move || worker(thread)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or(Err(Fallback("a reading thread failed")))
                })
                .collect()
        })
    };
    if abandon.load(Ordering::Relaxed) {
        let why = reason
            .lock()
            .expect("no thread panics holding it")
            .take()
            .unwrap_or(Fallback("abandoned"));
        return Err(why);
    }
    log::debug!("read in {:?}", read_started.elapsed());
    let mut accumulators = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    if partitions.is_used() {
        // Some thread's rows were scattered: the others' families join them in the partitions,
        // which hold every family once.
        for accumulator in accumulators {
            partitions
                .absorb(accumulator)
                .map_err(|_| Fallback("a sum too large"))?;
        }
        accumulators = vec![
            partitions
                .into_accumulator()
                .map_err(|_| Fallback("a sum too large"))?,
        ];
    }
    let mut converted = Vec::with_capacity(prepared.len());
    for (index, (file, counts)) in prepared.iter().zip(&counts).enumerate() {
        let windows_1252 = counts.windows_1252.load(Ordering::Relaxed);
        // A line that was not UTF-8 makes the file Windows-1252 only if the file as a whole is
        // (see `text_file`): a rare case, checked by decoding it once more, start to end.
        if windows_1252 && !decodes_as_windows_1252(file.file.path, options) {
            return Err(Fallback("text that is not UTF-8 nor Windows-1252").in_file(index));
        }
        converted.push(windows_1252.then_some("Windows-1252"));
    }
    let accounts = prepared
        .iter()
        .zip(&counts)
        .map(|(file, counts)| {
            let rows = counts.rows.load(Ordering::Relaxed);
            let blank = counts.blank.load(Ordering::Relaxed);
            FileAccount {
                file: file.file.shown.clone(),
                rows_read: rows,
                rows_used: rows - blank,
                rows_blank: blank,
                rows_rejected: 0,
            }
        })
        .collect::<Vec<_>>();
    Ok(FastRead {
        accumulators,
        accounts,
        converted,
    })
}

/// Whether the whole file decodes by the rules of [`crate::text_file`] as Windows-1252.
fn decodes_as_windows_1252(path: &Path, options: &ReadOptions) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut reader = DecodingReader::new(
        std::io::BufReader::new(file),
        options.encoding,
        options.max_input_bytes,
    );
    std::io::copy(&mut reader, &mut std::io::sink()).is_ok()
        && reader.converted_from() == Some("Windows-1252")
}

/// Reads a file's header line and finds the columns. Anything unusual is left to the detailed
/// reader, which explains it.
fn prepare<'a>(file: &'a FastFile<'a>, options: &ReadOptions) -> Result<Prepared<'a>, Fallback> {
    let mut handle = File::open(file.path).map_err(|_| Fallback("cannot open a file"))?;
    let metadata = handle
        .metadata()
        .map_err(|_| Fallback("cannot read a file"))?;
    if !metadata.is_file() {
        return Err(Fallback("not a regular file"));
    }
    let length = metadata.len();
    if length > options.max_input_bytes {
        return Err(Fallback("over the size limit"));
    }
    let mut head = Vec::new();
    (&mut handle)
        .take(MAX_LINE_BYTES as u64 + 4)
        .read_to_end(&mut head)
        .map_err(|_| Fallback("cannot read a file"))?;
    let newline = memchr::memchr(b'\n', &head).ok_or(Fallback("no complete header line"))?;
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let line = &head[bom..newline];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&b'"') || line.contains(&b'\r') || std::str::from_utf8(line).is_err() {
        return Err(Fallback("an unusual header line"));
    }
    if crate::csv_input::choose_delimiter(line) != b',' {
        return Err(Fallback("a delimiter other than comma"));
    }
    let header = csv::ByteRecord::from(line.split(|&byte| byte == b',').collect::<Vec<_>>());
    let mut ignored = Diagnostics::new();
    let columns = Columns::find(&file.shown, &header, None, &mut ignored)
        .ok_or(Fallback("a header problem"))?;
    Ok(Prepared {
        file,
        columns,
        data_start: newline as u64 + 1,
        length,
    })
}

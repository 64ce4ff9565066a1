//! The fast reader, for national-scale extracts: both cores, bounded memory, no per-row allocation.
//!
//! Each file is cut into chunks at line boundaries, and each thread reads its own stretch of the
//! chunks of every file, taking over half of another's when it runs out (see `Schedule`). A
//! thread reads its chunk in blocks of a megabyte, so memory grows with the families and services,
//! never with the rows. Rows are split on commas in place and judged by the same [`judge`] as the
//! detailed reader (a tidy row of a three-column file by [`plain_row`], which reads it the same
//! way with fewer steps), so both readers accept exactly the same rows; sums are exact integers,
//! which add up the same in any order, so the result is identical to reading the files one row at
//! a time.
//!
//! It handles plain rows only. At the first sign of anything else (a quote, a byte that is not
//! UTF-8, a bad row) it stops, and the whole study is read by the detailed reader instead, which
//! copes with every CSV and reports every problem with its line. Bad input is never read twice
//! differently: it is only ever judged by the detailed reader.

use super::FileAccount;
use super::MAX_LINE_BYTES;
use super::accumulator::{Accumulator, FixedCosts, Itemise, position};
use super::row::{Columns, RawRow, ServiceIndex, judge, plain_row};
use crate::csv_input::Splitter;
use crate::diagnostic::Diagnostics;
use crate::input_path::ReadOptions;
use crate::text_file::{DecodingReader, Encoding};
use indicatif::ProgressBar;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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

/// One stretch of a file: the rows whose lines start in `start..end`.
struct Chunk {
    file: usize,
    start: u64,
    end: u64,
}

/// Row counts of one file, added to by every thread that reads a chunk of it, and whether a line
/// of it was not UTF-8 (and read as Windows-1252).
#[derive(Default)]
struct Counts {
    rows: AtomicU64,
    blank: AtomicU64,
    windows_1252: AtomicBool,
}

/// Which chunks each thread reads. Each thread starts with its own stretch of every file (the
/// first thread the first part of each, and so on) and reads it in order; a thread that runs out
/// takes the later half of what another has left.
///
/// Why stretches rather than chunks dealt out in turn: in a file sorted by family (the usual
/// extract), a thread that reads one stretch of each file meets the same families in both, in
/// increasing order, so it finds them without a table, and the threads' sums merge with little
/// lookup (see the accumulator's runs). Dealt out in turn, every thread would meet every family.
struct Schedule {
    /// Per thread, the ranges of chunk numbers it has still to read, in order.
    queues: Mutex<Vec<VecDeque<Range<usize>>>>,
}

impl Schedule {
    fn new(chunks: &[Chunk], threads: usize) -> Schedule {
        let mut queues = vec![VecDeque::new(); threads];
        let mut first = 0;
        while first < chunks.len() {
            let file = chunks[first].file;
            let end = first + chunks[first..].partition_point(|chunk| chunk.file == file);
            let count = end - first;
            for (thread, queue) in queues.iter_mut().enumerate() {
                let range =
                    first + count * thread / threads..first + count * (thread + 1) / threads;
                if !range.is_empty() {
                    queue.push_back(range);
                }
            }
            first = end;
        }
        Schedule {
            queues: Mutex::new(queues),
        }
    }

    /// The next chunk for `thread` to read, or `None` when every chunk is taken.
    fn next(&self, thread: usize) -> Option<usize> {
        let mut queues = self.queues.lock().expect("no thread panics holding it");
        if queues[thread].is_empty() {
            // Take the later half of the last range of the thread with the most left.
            let (busiest, left) = queues
                .iter()
                .enumerate()
                .map(|(number, queue)| {
                    (number, queue.iter().map(|range| range.len()).sum::<usize>())
                })
                .max_by_key(|&(_, left)| left)?;
            if left == 0 {
                return None;
            }
            let range = queues[busiest]
                .back_mut()
                .expect("a thread with chunks left has a range");
            let middle = range.start + range.len() / 2;
            let taken = middle..range.end;
            range.end = middle;
            if range.start == range.end {
                queues[busiest].pop_back();
            }
            queues[thread].push_back(taken);
        }
        let queue = &mut queues[thread];
        let range = queue.front_mut()?;
        let chunk = range.start;
        range.start += 1;
        if range.start == range.end {
            queue.pop_front();
        }
        Some(chunk)
    }
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

    // (No room is set aside from the size of the input: memory must grow with the families, never
    // with the rows. The tables grow as families arrive.)
    let worker = |thread: usize| -> Result<Accumulator<'c>, Fallback> {
        let mut accumulator = Accumulator::new(costs, itemise);
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
                &mut accumulator,
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
        Ok(accumulator)
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
    if std::env::var_os("TFCALC_DEBUG_READER").is_some() {
        eprintln!("tfcalc: read in {:?}", read_started.elapsed());
    }
    let accumulators = results.into_iter().collect::<Result<Vec<_>, _>>()?;
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

/// Reads the rows of one chunk into the accumulator. Returns the rows read and how many were blank.
#[allow(clippy::too_many_arguments)]
fn read_chunk(
    prepared: &Prepared<'_>,
    chunk: &Chunk,
    services: &ServiceIndex,
    accumulator: &mut Accumulator<'_>,
    buffer: &mut Vec<u8>,
    abandon: &AtomicBool,
    encoding: Encoding,
    windows_1252: &AtomicBool,
) -> Result<(u64, u64), Fallback> {
    // For the rare line with a quote: the detailed reader's own grammar, one line at a time.
    let mut splitter: Option<Splitter> = None;
    let mut handle = File::open(prepared.file.path).map_err(|_| Fallback("cannot open a file"))?;
    // A chunk owns the lines that start inside it. Unless it starts right after a newline, its
    // first partial line belongs to the chunk before: read from the byte before, and skip to the
    // first newline.
    let mut skip_partial_line = chunk.start > prepared.data_start;
    let read_from = if skip_partial_line {
        chunk.start - 1
    } else {
        chunk.start
    };
    handle
        .seek(SeekFrom::Start(read_from))
        .map_err(|_| Fallback("cannot seek"))?;

    let mut offset = read_from; // the file offset of buffer[0]
    let mut filled = 0;
    let (mut rows, mut blank) = (0, 0);
    loop {
        if abandon.load(Ordering::Relaxed) {
            return Err(Fallback("another thread stopped"));
        }
        if filled == buffer.len() {
            if buffer.len() > MAX_LINE_BYTES + BLOCK {
                return Err(Fallback("a very long line"));
            }
            buffer.resize(buffer.len() * 2, 0);
        }
        let read = handle
            .read(&mut buffer[filled..])
            .map_err(|_| Fallback("cannot read"))?;
        filled += read;
        let at_end = read == 0;
        // Whole lines only; the last line of the file may lack its newline.
        let complete = match memchr::memrchr(b'\n', &buffer[..filled]) {
            _ if at_end => filled,
            Some(last) => last + 1,
            None => continue,
        };
        let mut start = 0;
        if skip_partial_line {
            match memchr::memchr(b'\n', &buffer[..complete]) {
                Some(newline) => start = newline + 1,
                None if at_end => return Ok((rows, blank)),
                None => continue,
            }
            skip_partial_line = false;
        }
        let bytes = &buffer[start..complete];
        // A block of plain UTF-8 (nearly every block) is read as text throughout; any other is
        // read line by line, each line judged as the detailed reader would.
        let plain = memchr::memchr3(b'"', b'\0', b'\r', bytes).is_none() || plain_crlf(bytes);
        let text = if plain {
            std::str::from_utf8(bytes).ok()
        } else {
            None
        };
        let columns = &prepared.columns;
        let three_columns = columns.header_len == 3 && columns.note.is_none();
        let block_offset = offset + start as u64;
        // One pass over the block finds every comma and newline; a row is handled at its newline
        // (or at the end of the file's last line, which may have none).
        let mut separators = Separators::new(bytes);
        let mut line_from = 0;
        while line_from < bytes.len() {
            let line_start = block_offset + line_from as u64;
            if line_start >= chunk.end {
                return Ok((rows, blank));
            }
            // The line's end, and where its first two commas are.
            let mut commas = [0; 2];
            let mut comma_count = 0;
            let newline = loop {
                match separators.next() {
                    Some((at, true)) => break at,
                    Some((at, false)) => {
                        if let Some(comma) = commas.get_mut(comma_count) {
                            *comma = at;
                        }
                        comma_count += 1;
                    }
                    None => break bytes.len(),
                }
            };
            let line_end = if newline > line_from && bytes[newline - 1] == b'\r' {
                newline - 1
            } else {
                newline
            };
            let line = line_from..line_end;
            line_from = newline + 1;
            rows += 1;
            if line.len() > MAX_LINE_BYTES {
                return Err(Fallback("a line over the limit"));
            }
            let position = position(prepared.file.number, line_start);
            let window = prepared.file.window;
            let Some(text) = text else {
                let splitter = splitter.get_or_insert_with(|| Splitter::new(b','));
                let line_bytes = &bytes[line];
                if read_odd_line(
                    line_bytes,
                    columns,
                    services,
                    splitter,
                    accumulator,
                    position,
                    window,
                    encoding,
                    windows_1252,
                )? {
                    blank += 1;
                }
                continue;
            };
            // Most rows of most files: exactly the three columns, each as plain as can be.
            if three_columns && comma_count == 2 && line_end > commas[1] {
                let fields = [
                    line.start..commas[0],
                    commas[0] + 1..commas[1],
                    commas[1] + 1..line_end,
                ];
                if let Some(row) = plain_row(
                    &text[fields[columns.family_id].clone()],
                    &bytes[fields[columns.service].clone()],
                    &bytes[fields[columns.quantity].clone()],
                    services,
                ) {
                    let family = accumulator.family(row.family_id, position);
                    accumulator
                        .add(family, window, row.service, row.quantity, None)
                        .map_err(|_| Fallback("a sum too large"))?;
                    continue;
                }
            }
            // Anything else: the fields placed and judged one by one.
            if read_split_line(
                &text[line],
                columns,
                services,
                accumulator,
                position,
                window,
            )? {
                blank += 1;
            }
        }
        if at_end {
            return Ok((rows, blank));
        }
        // Keep the incomplete last line for the next read.
        buffer.copy_within(complete..filled, 0);
        offset += complete as u64;
        filled -= complete;
    }
}

/// Reads a line of a block that is not plain UTF-8 text: a line with a quote, a carriage return,
/// or bytes that are not UTF-8. Returns whether it is blank. Anything the detailed reader would
/// say something about (a quote left open, a byte that is neither UTF-8 nor Windows-1252, a bad
/// row, a thousands separator in a quantity) hands the file to it.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn read_odd_line(
    line: &[u8],
    columns: &Columns,
    services: &ServiceIndex,
    splitter: &mut Splitter,
    accumulator: &mut Accumulator<'_>,
    position: u64,
    window: usize,
    encoding: Encoding,
    windows_1252: &AtomicBool,
) -> Result<bool, Fallback> {
    if memchr::memchr2(b'\0', b'\r', line).is_some() {
        return Err(Fallback("NUL bytes or carriage returns"));
    }
    let decoded: std::borrow::Cow<'_, str> = match std::str::from_utf8(line) {
        Ok(text) => text.into(),
        Err(_) if encoding == Encoding::Utf8 => return Err(Fallback("text that is not UTF-8")),
        Err(_) => {
            windows_1252.store(true, Ordering::Relaxed);
            crate::text_file::windows_1252_line(line)
                .ok_or(Fallback("text that is not UTF-8 nor Windows-1252"))?
                .into()
        }
    };
    if decoded.contains('"') {
        let mut raw = RawRow::default();
        crate::csv_input::split_line(splitter, decoded.as_bytes())
            .map_err(|_| Fallback("a quote left open"))?;
        if splitter.quoting.text_after_quote.is_some() {
            return Err(Fallback("text after a closing quote"));
        }
        // The fields were text, and a quote is a whole character: they still are.
        for (index, field) in splitter.record.iter().enumerate() {
            let field =
                std::str::from_utf8(field).map_err(|_| Fallback("text that is not UTF-8"))?;
            columns.place(&mut raw, index, field);
        }
        if crate::csv_input::is_blank(&splitter.record) {
            return Ok(true);
        }
        return add_judged(&raw, columns, services, accumulator, position, window);
    }
    read_split_line(&decoded, columns, services, accumulator, position, window)
}

/// Reads a line with no quotes, split on its commas. Returns whether it is blank: a row of
/// nothing but spaces and commas, as the detailed reader counts it.
fn read_split_line(
    line: &str,
    columns: &Columns,
    services: &ServiceIndex,
    accumulator: &mut Accumulator<'_>,
    position: u64,
    window: usize,
) -> Result<bool, Fallback> {
    let mut raw = RawRow::default();
    for (index, field) in line.split(',').enumerate() {
        columns.place(&mut raw, index, field);
    }
    if line
        .bytes()
        .all(|byte| byte == b',' || byte.is_ascii_whitespace())
    {
        return Ok(true);
    }
    add_judged(&raw, columns, services, accumulator, position, window)
}

/// Judges a row of an odd line and adds it: false (not blank) if it is good.
fn add_judged(
    raw: &RawRow<'_>,
    columns: &Columns,
    services: &ServiceIndex,
    accumulator: &mut Accumulator<'_>,
    position: u64,
    window: usize,
) -> Result<bool, Fallback> {
    let row = judge(raw, columns, services).map_err(|_| Fallback("a bad row"))?;
    if row.grouped_quantity {
        return Err(Fallback("a thousands separator in a quantity"));
    }
    let family = accumulator.family(row.family_id, position);
    accumulator
        .add(family, window, row.service, row.quantity, row.note)
        .map_err(|_| Fallback("a sum too large"))?;
    Ok(false)
}

/// The positions of the commas and newlines in a block, found sixteen bytes at a time: a row is
/// mostly short fields, and testing each byte for a comma costs a mispredicted branch per field.
struct Separators<'a> {
    bytes: &'a [u8],
    /// Where the bytes of `mask` start, and where the next sixteen start.
    base: usize,
    next_step: usize,
    /// One bit per byte from `base` (bit i for byte base + i) that is a comma or a newline and
    /// not yet returned, and which of them are newlines.
    mask: u32,
    newlines: u32,
}

/// Bytes looked at in one step.
const STEP: usize = 16;

impl<'a> Separators<'a> {
    fn new(bytes: &'a [u8]) -> Separators<'a> {
        Separators {
            bytes,
            base: 0,
            next_step: 0,
            mask: 0,
            newlines: 0,
        }
    }
}

impl Iterator for Separators<'_> {
    /// Where the separator is, and whether it is a newline (else a comma).
    type Item = (usize, bool);

    #[inline]
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.mask == 0 {
            if self.next_step >= self.bytes.len() {
                return None;
            }
            let rest = &self.bytes[self.next_step..];
            let step = match rest.first_chunk::<STEP>() {
                Some(step) => *step,
                // The last few bytes, padded with zeros, which match nothing.
                None => {
                    let mut padded = [0u8; STEP];
                    padded[..rest.len()].copy_from_slice(rest);
                    padded
                }
            };
            (self.mask, self.newlines) = separator_bits(&step);
            self.base = self.next_step;
            self.next_step += STEP;
        }
        let byte = self.mask.trailing_zeros();
        self.mask &= self.mask - 1;
        Some((self.base + byte as usize, self.newlines >> byte & 1 == 1))
    }
}

/// Bit i set for each byte i of `step` that is a comma or a newline, and for each that is a
/// newline: two SSE2 compares (which every x86-64 processor has) for all sixteen bytes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let [low, high] = [&step[..8], &step[8..]]
        .map(|half| i64::from_le_bytes(half.try_into().expect("eight bytes")));
    // SAFETY: these intrinsics only need SSE2, which this code is compiled for (the `cfg` above;
    // every x86-64 processor has it). They work on values, not pointers.
    let (separators, newlines) = unsafe {
        let bytes = _mm_set_epi64x(high, low);
        let commas = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b',' as i8));
        let newlines = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
        (
            _mm_movemask_epi8(_mm_or_si128(commas, newlines)),
            _mm_movemask_epi8(newlines),
        )
    };
    (separators as u32, newlines as u32)
}

/// The same, eight bytes at a time in ordinary integers, for other processors.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    portable_separator_bits(step)
}

/// [`separator_bits`] without SIMD: each half's matching bytes get their top bit set (see
/// [`bytes_equal`]), and those eight bits are gathered into one byte by a multiplication.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline(always)]
fn portable_separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    // One bit per byte: the top bit of each byte, gathered into one byte.
    let gather = |top_bits: u64| ((top_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    let [low, high] = [&step[..8], &step[8..]]
        .map(|half| u64::from_le_bytes(half.try_into().expect("eight bytes")));
    let newlines = [low, high].map(|word| gather(bytes_equal(word, b'\n')));
    let commas = [low, high].map(|word| gather(bytes_equal(word, b',')));
    (
        (commas[0] | newlines[0]) | (commas[1] | newlines[1]) << 8,
        newlines[0] | newlines[1] << 8,
    )
}

/// The high bit of each byte of `word` that equals `byte`, exactly (no false matches).
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let zero_where_equal = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((zero_where_equal & LOW_SEVEN) + LOW_SEVEN) | zero_where_equal | LOW_SEVEN)
}

/// Whether every carriage return in `text` ends a line (CRLF), and there are no quotes or NULs.
fn plain_crlf(text: &[u8]) -> bool {
    memchr::memchr2(b'"', b'\0', text).is_none()
        && memchr::memchr_iter(b'\r', text).all(|index| text.get(index + 1) == Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_every_comma_and_newline() {
        for text in [
            "",
            "a",
            ",",
            "F0000000,svc_28,2\nF0000000,svc_23,3\n",
            "a,b\r\nc,,d\n,,,\n\n12345678,\n",
            "no separators at all in this longer text",
            "é,ü\n€,\u{7f},\u{ac}\u{2c}",
        ] {
            let expected: Vec<(usize, bool)> = text
                .bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b',' || *byte == b'\n')
                .map(|(index, byte)| (index, byte == b'\n'))
                .collect();
            assert_eq!(
                Separators::new(text.as_bytes()).collect::<Vec<_>>(),
                expected,
                "{text:?}"
            );
        }
        // Every byte value next to a separator, so that no near miss counts.
        let all: Vec<u8> = (0..=255u8).flat_map(|byte| [byte, b',', byte]).collect();
        let found = Separators::new(&all).count();
        assert_eq!(found, 256 + 2 * 2);
    }

    /// The SIMD and portable ways of finding separators agree on every byte value in every place.
    #[test]
    fn separator_bits_agree_with_the_portable_version() {
        for byte in 0..=255u8 {
            for place in 0..STEP {
                let mut step = [b'x'; STEP];
                step[place] = byte;
                step[(place + 5) % STEP] = b',';
                let bits = |wanted: &[u8]| -> u32 {
                    step.iter()
                        .enumerate()
                        .filter(|(_, byte)| wanted.contains(byte))
                        .map(|(index, _)| 1 << index)
                        .sum()
                };
                let expected = (bits(b",\n"), bits(b"\n"));
                assert_eq!(separator_bits(&step), expected, "{step:?}");
                assert_eq!(portable_separator_bits(&step), expected, "{step:?}");
            }
        }
        let all_commas = [b','; STEP];
        assert_eq!(portable_separator_bits(&all_commas), (0xFFFF, 0));
        assert_eq!(separator_bits(&[b'\n'; STEP]), (0xFFFF, 0xFFFF));
        assert_eq!(portable_separator_bits(&[b'\n'; STEP]), (0xFFFF, 0xFFFF));
    }
}

//! Reading the rows of one chunk into a thread's accumulator: a block at a time, a plain row by
//! its commas, and an odd line (a quote, a carriage return, a byte that is not UTF-8) judged as the
//! detailed reader would, or handed back to it.

use super::schedule::Chunk;
use super::separators::Separators;
use super::sums::ThreadSums;
use super::{BLOCK, Fallback, Prepared};
use crate::csv_input::Splitter;
use crate::text_file::Encoding;
use crate::usage::MAX_LINE_BYTES;
use crate::usage::accumulator::position;
use crate::usage::row::{Columns, RawRow, ServiceIndex, judge, plain_row};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads the rows of one chunk into the accumulator. Returns the rows read and how many were blank.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_chunk(
    prepared: &Prepared<'_>,
    chunk: &Chunk,
    services: &ServiceIndex,
    sums: &mut ThreadSums<'_, '_>,
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
        let rows_before_block = rows;
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
                    sums,
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
                    sums.add_row(
                        row.family_id,
                        position,
                        window,
                        row.service,
                        row.quantity,
                        None,
                    )?;
                    continue;
                }
            }
            // Anything else: the fields placed and judged one by one.
            if read_split_line(&text[line], columns, services, sums, position, window)? {
                blank += 1;
            }
        }
        sums.block_read(rows - rows_before_block)?;
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
    sums: &mut ThreadSums<'_, '_>,
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
        return add_judged(&raw, columns, services, sums, position, window);
    }
    read_split_line(&decoded, columns, services, sums, position, window)
}

/// Reads a line with no quotes, split on its commas. Returns whether it is blank: a row of
/// nothing but spaces and commas, as the detailed reader counts it.
fn read_split_line(
    line: &str,
    columns: &Columns,
    services: &ServiceIndex,
    sums: &mut ThreadSums<'_, '_>,
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
    add_judged(&raw, columns, services, sums, position, window)
}

/// Judges a row of an odd line and adds it: false (not blank) if it is good.
fn add_judged(
    raw: &RawRow<'_>,
    columns: &Columns,
    services: &ServiceIndex,
    sums: &mut ThreadSums<'_, '_>,
    position: u64,
    window: usize,
) -> Result<bool, Fallback> {
    let row = judge(raw, columns, services).map_err(|_| Fallback("a bad row"))?;
    if row.grouped_quantity {
        return Err(Fallback("a thousands separator in a quantity"));
    }
    sums.add_row(
        row.family_id,
        position,
        window,
        row.service,
        row.quantity,
        row.note,
    )?;
    Ok(false)
}

/// Whether every carriage return in `text` ends a line (CRLF), and there are no quotes or NULs.
fn plain_crlf(text: &[u8]) -> bool {
    memchr::memchr2(b'"', b'\0', text).is_none()
        && memchr::memchr_iter(b'\r', text).all(|index| text.get(index + 1) == Some(&b'\n'))
}

//! What every CSV input shares: finding columns by header name, and reading fields as text.

use crate::diagnostic::{Diagnostics, Location};

/// Finds the named columns in a header row. Names match whatever their case and surrounding
/// spaces. Returns the position of each required column and each optional one (`None` if absent),
/// or `None` after recording what is missing or repeated.
pub fn find_columns(
    file: &str,
    header: &csv::ByteRecord,
    required: &[&str],
    optional: &[&str],
    diagnostics: &mut Diagnostics,
) -> Option<(Vec<usize>, Vec<Option<usize>>)> {
    let names: Vec<String> = header
        .iter()
        .map(|field| {
            String::from_utf8_lossy(field)
                .trim()
                .trim_start_matches('\u{feff}')
                .trim()
                .to_lowercase()
        })
        .collect();
    let location = Location::line(file, 1);
    let wanted: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut positions: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut ok = true;
    for (index, name) in names.iter().enumerate() {
        let Some(slot) = wanted.iter().position(|wanted| wanted == name) else {
            continue;
        };
        if let Some(first) = positions[slot] {
            diagnostics
                .error(
                    Some(location.clone()),
                    format!(
                        "the column `{name}` appears twice in the header (columns {} and {})",
                        first + 1,
                        index + 1
                    ),
                )
                .hint("remove or rename one of them");
            ok = false;
        } else {
            positions[slot] = Some(index);
        }
    }
    let expected = required.join(",");
    let found: Vec<&str> = names
        .iter()
        .filter(|name| !name.is_empty())
        .map(String::as_str)
        .collect();
    for (name, position) in required.iter().zip(&positions) {
        if position.is_none() {
            let unclaimed = names
                .iter()
                .enumerate()
                .filter(|(index, name)| !name.is_empty() && !positions.contains(&Some(*index)))
                .map(|(_, name)| name.as_str());
            let hint = match likely_meant(name, unclaimed) {
                Some(column) => format!(
                    "rename the column `{column}` to `{name}`; the header must name {expected}"
                ),
                None => format!("the first row must name the columns {expected} (in any order)"),
            };
            let listed = if found.is_empty() {
                "(none)".to_string()
            } else {
                found.join(", ")
            };
            diagnostics
                .error(
                    Some(location.clone()),
                    format!("missing required column `{name}`; the columns found are: {listed}"),
                )
                .hint(hint);
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let (required_positions, optional_positions) = positions.split_at(required.len());
    Some((
        required_positions
            .iter()
            .map(|position| position.expect("checked above"))
            .collect(),
        optional_positions.to_vec(),
    ))
}

/// Names people give our columns in their own exports.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "family_id",
        &[
            "family",
            "familyid",
            "family id",
            "family_ref",
            "case_id",
            "case",
            "id",
        ],
    ),
    (
        "service",
        &["service_id", "unit_cost", "cost_id", "item", "code"],
    ),
    ("quantity", &["qty", "count", "units", "number", "amount"]),
    ("amount", &["cost", "value", "per_family"]),
];

/// The found column most likely meant as the missing `wanted` one.
fn likely_meant<'a>(wanted: &str, found: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let aliases = ALIASES
        .iter()
        .find(|(name, _)| *name == wanted)
        .map_or(&[][..], |(_, aliases)| *aliases);
    found
        .clone()
        .find(|column| aliases.contains(column))
        .or_else(|| crate::suggest::nearest(wanted, found, 1).first().copied())
}

/// The header's width, and which of its columns have no name. Spreadsheets pad rows with empty
/// cells, header included; a value beyond the header, or under a column with no name, is almost
/// always a number with an unquoted thousands separator (`1,200`) that has pushed its digits along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderShape {
    pub len: usize,
    unnamed: Vec<bool>,
}

/// A row that does not fit its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    /// More fields than the header has.
    TooManyFields { fields: usize, header: usize },
    /// A value under a column the header leaves unnamed (0-based).
    UnnamedColumn { column: usize },
}

impl HeaderShape {
    pub fn of(header: &csv::ByteRecord) -> HeaderShape {
        HeaderShape {
            len: header.len(),
            unnamed: header
                .iter()
                .map(|name| name.iter().all(u8::is_ascii_whitespace))
                .collect(),
        }
    }

    /// Whether field `index` holding `field` breaks the shape.
    #[inline]
    pub fn misfit(&self, index: usize, field: &[u8]) -> bool {
        match self.unnamed.get(index) {
            None => true,
            Some(&unnamed) => unnamed && !field.iter().all(u8::is_ascii_whitespace),
        }
    }

    /// The first way a whole row breaks the shape, if it does.
    pub fn check(&self, record: &csv::ByteRecord) -> Option<Misfit> {
        if record.len() > self.len {
            return Some(Misfit::TooManyFields {
                fields: record.len(),
                header: self.len,
            });
        }
        record
            .iter()
            .enumerate()
            .position(|(index, field)| self.misfit(index, field))
            .map(|column| Misfit::UnnamedColumn { column })
    }
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Misfit::TooManyFields { fields, header } => write!(
                f,
                "the row has {fields} fields but the header names {header}: a value has an unquoted comma?"
            ),
            Misfit::UnnamedColumn { column } => write!(
                f,
                "the row has a value in column {}, which the header leaves unnamed: a value has an unquoted comma?",
                column + 1
            ),
        }
    }
}

/// The hint for a [`Misfit`].
pub const MISFIT_HINT: &str =
    "put numbers with thousands separators in quotes (\"1,500\"), or write them without (1500)";

/// Whether every field of a row is empty or spaces: a blank row, counted but not used.
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// A field as trimmed text, `Ok(None)` if the row is too short to have it.
pub fn text_field(
    record: &csv::ByteRecord,
    index: usize,
) -> Result<Option<&str>, std::str::Utf8Error> {
    match record.get(index) {
        Some(bytes) => std::str::from_utf8(bytes).map(|text| Some(text.trim())),
        None => Ok(None),
    }
}

/// The largest record (all its fields together) a CSV input may have: a quoted field may hold
/// line breaks, but not a megabyte of them; past this, it is a quote left open.
pub const MAX_RECORD_BYTES: usize = crate::text_file::MAX_LINE_BYTES;

/// The delimiters a CSV input may use: comma, and tab (Excel's "Unicode text") and semicolon
/// (Excel in much of Europe).
pub const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// The name of a delimiter, for messages.
pub fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b'\t' => "tab",
        b';' => "semicolon",
        _ => "comma",
    }
}

/// How the fields of the record just read were quoted, where that matters for its reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quoting {
    /// Quoted fields that hold line breaks: the field's index, and its first and last lines.
    pub multiline: Vec<(usize, u64, u64)>,
    /// A quoted field whose closing quote is followed by other text (`"a"b`): the field's index
    /// and the line of that quote. The text is kept, as the csv crate keeps it, but the row is
    /// refused, since a quote that closes mid-field is usually a stray one that opened too soon.
    pub text_after_quote: Option<(usize, u64)>,
}

/// Why a CSV cannot be read from a line on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
    pub hint: String,
}

impl Unreadable {
    /// The problem to report for file `file`.
    pub fn problem(&self, file: &str) -> crate::diagnostic::Problem {
        let location = Location {
            line: self.line,
            column: self.column,
            ..Location::file(file)
        };
        crate::diagnostic::Problem::error(Some(location), self.message.clone())
            .with_hint(self.hint.clone())
    }

    fn from_io(error: &std::io::Error, line: u64, what: &str) -> Unreadable {
        match crate::text_file::DecodeError::from_io(error) {
            Some(decode) => Unreadable {
                line: decode.line,
                column: decode.column,
                message: format!("the {what} {}", decode.message),
                hint: decode.hint.clone(),
            },
            None => Unreadable {
                line: Some(line),
                column: None,
                message: format!("cannot read the file: {error}"),
                hint: "check that the file exists and that you may read it".to_string(),
            },
        }
    }
}

/// What reading the next record found.
pub enum Next {
    Record {
        /// The line the record starts on.
        line: u64,
        /// Empty lines skipped since the record before (each is a blank row).
        empty_lines_before: u64,
        /// The byte offset of the record in the (decoded) input, for ordering.
        cursor: u64,
    },
    End {
        /// Empty lines after the last record.
        trailing_blank_lines: u64,
    },
    /// The CSV cannot be read from this line on (an unclosed quote, bytes that are not text).
    Unreadable(Unreadable),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote in a quoted field: a second quote is a quote in the text; anything else
    /// closes the field.
    QuoteInQuoted,
}

/// The CSV grammar, fed bytes in pieces: RFC 4180, as the csv crate reads it (a quote opens a
/// quoted field only at the field's start; `""` in a quoted field is a quote; CRLF, LF or CR end a
/// record; empty lines are skipped). It knows what the csv crate does not tell: the line each
/// record starts on, the empty lines it skips, and which quoted fields span lines.
#[derive(Debug)]
pub struct Splitter {
    delimiter: u8,
    state: State,
    field: Vec<u8>,
    /// The fields of the record being read.
    pub record: csv::ByteRecord,
    pub quoting: Quoting,
    /// The line at the scan position.
    line: u64,
    /// Bytes consumed so far.
    offset: u64,
    /// Whether a record has started (its first byte is read).
    in_record: bool,
    record_line: u64,
    record_offset: u64,
    empty_lines: u64,
    /// Where the quoted field being read opened.
    quote_line: u64,
    quote_column: u64,
    /// Characters into the current line, for the column a quote opened at.
    line_chars: u64,
    /// A record ended at a CR: a LF right after it belongs to the same line ending.
    after_cr: bool,
    /// The last byte of the quoted field being read was a line ending.
    quoted_ends_line: bool,
    /// The record is over [`MAX_RECORD_BYTES`]: stop keeping its bytes, read on to see where its
    /// quote ends.
    overflowed: bool,
}

/// What [`Splitter::feed`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Fed {
    /// All the bytes were used, and no record ended.
    NeedMore,
    /// A record ended after this many of the bytes.
    Record(usize),
    /// A record was too large after this many bytes (see [`Splitter::overflow_problem`]).
    Overflow(usize),
}

impl Splitter {
    pub fn new(delimiter: u8) -> Splitter {
        Splitter {
            delimiter,
            state: State::FieldStart,
            field: Vec::new(),
            record: csv::ByteRecord::new(),
            quoting: Quoting::default(),
            line: 1,
            offset: 0,
            in_record: false,
            record_line: 1,
            record_offset: 0,
            empty_lines: 0,
            quote_line: 0,
            quote_column: 0,
            line_chars: 0,
            after_cr: false,
            quoted_ends_line: false,
            overflowed: false,
        }
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Clears the record just returned, to read the next.
    fn start_next(&mut self) {
        self.record.clear();
        self.quoting.multiline.clear();
        self.quoting.text_after_quote = None;
        self.in_record = false;
        self.empty_lines = 0;
        self.state = State::FieldStart;
    }

    /// The record just read, placed: its first line, the empty lines before it and its offset.
    fn placed(&self) -> Next {
        Next::Record {
            line: self.record_line,
            empty_lines_before: self.empty_lines,
            cursor: self.record_offset,
        }
    }

    fn end_field(&mut self) {
        if !self.overflowed {
            self.record.push_field(&self.field);
        }
        self.field.clear();
    }

    fn close_quote(&mut self) {
        if self.line > self.quote_line {
            self.quoting
                .multiline
                .push((self.record.len(), self.quote_line, self.line));
        }
    }

    /// Reads bytes until a record ends.
    pub fn feed(&mut self, bytes: &[u8]) -> Fed {
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            index += 1;
            self.offset += 1;
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            if !self.in_record {
                match byte {
                    b'\n' | b'\r' => {
                        self.empty_lines += 1;
                        self.new_line(byte);
                        continue;
                    }
                    _ => {
                        self.in_record = true;
                        self.record_line = self.line;
                        self.record_offset = self.offset - 1;
                    }
                }
            }
            if byte & 0xC0 != 0x80 {
                self.line_chars += 1;
            }
            match self.state {
                State::FieldStart | State::Unquoted => {
                    if byte == self.delimiter {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if byte == b'\n' || byte == b'\r' {
                        self.end_field();
                        self.new_line(byte);
                        return Fed::Record(index);
                    } else if byte == b'"' && self.state == State::FieldStart {
                        self.state = State::Quoted;
                        self.quote_line = self.line;
                        self.quote_column = self.line_chars;
                    } else {
                        self.state = State::Unquoted;
                        self.keep(byte);
                    }
                }
                State::Quoted => {
                    self.quoted_ends_line = byte == b'\n';
                    if byte == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        if byte == b'\n' {
                            self.line += 1;
                            self.line_chars = 0;
                        }
                        self.keep(byte);
                    }
                }
                State::QuoteInQuoted => {
                    if byte == b'"' {
                        self.keep(b'"');
                        self.state = State::Quoted;
                        continue;
                    }
                    self.close_quote();
                    if byte == self.delimiter {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if byte == b'\n' || byte == b'\r' {
                        self.end_field();
                        self.new_line(byte);
                        return Fed::Record(index);
                    } else {
                        self.quoting
                            .text_after_quote
                            .get_or_insert((self.record.len(), self.line));
                        self.state = State::Unquoted;
                        self.keep(byte);
                    }
                }
            }
            if !self.overflowed
                && self.field.len() + self.record.as_slice().len() > MAX_RECORD_BYTES
            {
                self.overflowed = true;
                self.field = Vec::new();
                if self.state != State::Quoted {
                    return Fed::Overflow(index);
                }
            }
        }
        Fed::NeedMore
    }

    fn keep(&mut self, byte: u8) {
        if !self.overflowed {
            self.field.push(byte);
        }
    }

    fn new_line(&mut self, byte: u8) {
        self.line += 1;
        self.line_chars = 0;
        self.after_cr = byte == b'\r';
    }

    /// At the end of the input: whether a last record (with no line ending) was being read, or
    /// a quote was left open.
    pub fn finish(&mut self) -> Result<bool, Unreadable> {
        if !self.in_record {
            return Ok(false);
        }
        match self.state {
            State::Quoted => return Err(self.unclosed_quote()),
            State::QuoteInQuoted => self.close_quote(),
            _ => {}
        }
        if self.overflowed {
            return Err(self.overflow_problem());
        }
        self.end_field();
        Ok(true)
    }

    fn unclosed_quote(&self) -> Unreadable {
        // A file's last line ending does not start a line that could be swallowed.
        let last_line = self.line - u64::from(self.quoted_ends_line && self.line > self.quote_line);
        let swallowed = last_line - self.quote_line;
        let rest = if swallowed == 0 {
            "the end of the line is the end of the file".to_string()
        } else {
            format!(
                "everything after it, {swallowed} more line{} to line {}, would be read as one field",
                if swallowed == 1 { "" } else { "s" },
                last_line
            )
        };
        Unreadable {
            line: Some(self.quote_line),
            column: Some(self.quote_column),
            message: format!("a quote opened here is never closed: {rest}"),
            hint: "close the quote, or remove it; a quote inside a quoted value is written twice (\"\")"
                .to_string(),
        }
    }

    /// The problem with a record over [`MAX_RECORD_BYTES`].
    pub fn overflow_problem(&self) -> Unreadable {
        if self.state == State::Quoted
            || self.quote_line >= self.record_line && !self.quoting.multiline.is_empty()
        {
            return self.unclosed_quote();
        }
        Unreadable {
            line: Some(self.record_line),
            column: None,
            message: format!(
                "the record that starts here is over the limit of 1 MB (it runs to line {})",
                self.line
            ),
            hint: "a quote left open makes the rest of the file one field: check the quoting"
                .to_string(),
        }
    }
}

/// Bytes read from the input at a time.
const READ_BLOCK: usize = 64 * 1024;

/// The records of a CSV input, read as a stream in bounded memory, each with the line it starts
/// on: the one loop every CSV reader of tfcalc shares, so that each reports lines, quoting and
/// unreadable files the same way. The delimiter is found from the header line (see
/// [`choose_delimiter`]).
pub struct Records<R> {
    input: R,
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    at_end: bool,
    splitter: Option<Splitter>,
    /// The record just read.
    pub record: csv::ByteRecord,
    pub quoting: Quoting,
    failed: bool,
    what: &'static str,
}

impl<R: std::io::Read> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records {
            input,
            buffer: vec![0; READ_BLOCK],
            start: 0,
            end: 0,
            at_end: false,
            splitter: None,
            record: csv::ByteRecord::new(),
            quoting: Quoting::default(),
            failed: false,
            what: "file",
        }
    }

    /// What the input is, for messages: "service-use file".
    pub fn named(mut self, what: &'static str) -> Self {
        self.what = what;
        self
    }

    /// The delimiter, once the header is read.
    pub fn delimiter(&self) -> u8 {
        self.splitter.as_ref().map_or(b',', Splitter::delimiter)
    }

    /// The input, to ask the decoder what it found.
    pub fn input(&self) -> &R {
        &self.input
    }

    /// Reads more input after what is held. Returns false at the end.
    fn refill(&mut self, line: u64) -> Result<bool, Unreadable> {
        if self.at_end {
            return Ok(false);
        }
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buffer.len() {
            let grown = self.buffer.len() * 2;
            self.buffer.resize(grown, 0);
        }
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.at_end = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.end += read;
                    return Ok(true);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(Unreadable::from_io(&error, line, self.what)),
            }
        }
    }

    /// Reads the header line ahead, to choose the delimiter.
    fn start_reading(&mut self) -> Result<Splitter, Unreadable> {
        loop {
            let held = &self.buffer[self.start..self.end];
            let line_ends = memchr::memchr2(b'\n', b'\r', held).is_some();
            if line_ends || held.len() > MAX_RECORD_BYTES || !self.refill(1)? {
                break;
            }
        }
        Ok(Splitter::new(choose_delimiter(
            &self.buffer[self.start..self.end],
        )))
    }

    /// Reads the next record into [`Records::record`].
    pub fn next_record(&mut self) -> Next {
        if self.failed {
            return Next::End {
                trailing_blank_lines: 0,
            };
        }
        let next = self.read_next();
        if matches!(next, Next::Unreadable(_)) {
            self.failed = true;
        }
        next
    }

    fn read_next(&mut self) -> Next {
        let mut splitter = match self.splitter.take() {
            Some(splitter) => splitter,
            None => match self.start_reading() {
                Ok(splitter) => splitter,
                Err(unreadable) => return Next::Unreadable(unreadable),
            },
        };
        splitter.start_next();
        let next = loop {
            match splitter.feed(&self.buffer[self.start..self.end]) {
                Fed::Record(used) => {
                    self.start += used;
                    break splitter.placed();
                }
                Fed::Overflow(_) => break Next::Unreadable(splitter.overflow_problem()),
                Fed::NeedMore => {
                    self.start = self.end;
                    match self.refill(splitter.line) {
                        Ok(true) => continue,
                        Ok(false) => match splitter.finish() {
                            Ok(true) => break splitter.placed(),
                            Ok(false) => {
                                break Next::End {
                                    trailing_blank_lines: splitter.empty_lines,
                                };
                            }
                            Err(unreadable) => break Next::Unreadable(unreadable),
                        },
                        Err(unreadable) => break Next::Unreadable(unreadable),
                    }
                }
            }
        };
        std::mem::swap(&mut self.record, &mut splitter.record);
        std::mem::swap(&mut self.quoting, &mut splitter.quoting);
        self.splitter = Some(splitter);
        next
    }

    /// The line of the next record that has something in it, skipping blank ones; `None` at the
    /// end of the file, or where it cannot be read on (recorded in `diagnostics`, naming `file`).
    /// For readers that need no more than the line of each record.
    pub fn next_filled_record(&mut self, file: &str, diagnostics: &mut Diagnostics) -> Option<u64> {
        loop {
            match self.next_record() {
                Next::Record { .. } if is_blank(&self.record) => continue,
                Next::Record { line, .. } => return Some(line),
                Next::End { .. } => return None,
                Next::Unreadable(unreadable) => {
                    diagnostics.push(unreadable.problem(file));
                    return None;
                }
            }
        }
    }
}

/// The delimiter of a CSV file, from its header line: whichever of comma, tab and semicolon it has
/// most of outside quotes, comma if none (a file of one column) or on a tie.
pub fn choose_delimiter(bytes: &[u8]) -> u8 {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &byte in bytes {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(slot) = DELIMITERS.iter().position(|&delimiter| delimiter == byte) {
                    counts[slot] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for slot in 1..3 {
        if counts[slot] > counts[best] {
            best = slot;
        }
    }
    DELIMITERS[best]
}

/// Splits one line (no line ending) into `record` by the same grammar as [`Records`]; `Err` if a
/// quote opened in it is not closed by its end.
pub fn split_line(splitter: &mut Splitter, line: &[u8]) -> Result<(), Unreadable> {
    splitter.start_next();
    splitter.line = 1;
    splitter.line_chars = 0;
    splitter.after_cr = false;
    splitter.overflowed = false;
    match splitter.feed(line) {
        Fed::NeedMore => match splitter.finish() {
            Ok(_) => Ok(()),
            Err(unreadable) => Err(unreadable),
        },
        Fed::Record(_) | Fed::Overflow(_) => Err(splitter.overflow_problem()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line of each record, empty lines before it), and the empty lines at the end.
    fn lines_of(input: &str) -> (Vec<(u64, u64)>, u64) {
        let mut records = Records::new(input.as_bytes());
        let mut found = Vec::new();
        loop {
            match records.next_record() {
                Next::Record {
                    line,
                    empty_lines_before,
                    ..
                } => found.push((line, empty_lines_before)),
                Next::End {
                    trailing_blank_lines,
                } => return (found, trailing_blank_lines),
                Next::Unreadable(unreadable) => panic!("{unreadable:?}"),
            }
        }
    }

    fn all_records(input: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
        let mut records = Records::new(input);
        let mut found = Vec::new();
        loop {
            match records.next_record() {
                Next::Record { .. } => found.push(
                    records
                        .record
                        .iter()
                        .map(|field| String::from_utf8_lossy(field).into_owned())
                        .collect(),
                ),
                Next::End { .. } => return Ok(found),
                Next::Unreadable(unreadable) => return Err(unreadable),
            }
        }
    }

    #[test]
    fn tracks_lines_across_empty_lines_crlf_and_quoted_newlines() {
        assert_eq!(lines_of("h\na\n\n\nb\n"), (vec![(1, 0), (2, 0), (5, 2)], 0));
        assert_eq!(
            lines_of("h\na\n\n\nb\n\n\n"),
            (vec![(1, 0), (2, 0), (5, 2)], 2)
        );
        assert_eq!(lines_of("h\na\n\n\nb"), (vec![(1, 0), (2, 0), (5, 2)], 0));
        assert_eq!(
            lines_of("h\r\na\r\n\r\nb\r\n\r\n"),
            (vec![(1, 0), (2, 0), (4, 1)], 1)
        );
        assert_eq!(
            lines_of("h\n\"x\ny\"\n\nb\n"),
            (vec![(1, 0), (2, 0), (5, 1)], 0)
        );
        assert_eq!(lines_of("\n\nh\na\n"), (vec![(3, 2), (4, 0)], 0));
    }

    #[test]
    fn an_unclosed_quote_names_its_line_and_the_lines_it_would_swallow() {
        let error = all_records(
            b"family_id,service,quantity,note\nF1,a,2,\"oops\nF2,b,3,\nF3,b,1,\nF4,b,1,\n",
        )
        .unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(8)));
        assert!(
            error
                .message
                .contains("never closed: everything after it, 3 more lines to line 5"),
            "{error:?}"
        );
    }

    #[test]
    fn quoted_fields_spanning_lines_and_text_after_a_quote_are_told() {
        let mut records = Records::new(&b"a,b\n1,\"x\ny\nz\"\n2,\"q\"r\n"[..]);
        assert!(matches!(
            records.next_record(),
            Next::Record { line: 1, .. }
        ));
        assert!(matches!(
            records.next_record(),
            Next::Record { line: 2, .. }
        ));
        assert_eq!(records.quoting.multiline, vec![(1, 2, 4)]);
        assert_eq!(&records.record[1], b"x\ny\nz");
        assert!(matches!(
            records.next_record(),
            Next::Record { line: 5, .. }
        ));
        assert_eq!(records.quoting.text_after_quote, Some((1, 5)));
        assert!(records.quoting.multiline.is_empty());
        assert_eq!(&records.record[1], b"qr");
    }

    #[test]
    fn the_delimiter_is_chosen_from_the_header() {
        assert_eq!(choose_delimiter(b"family_id,service,quantity\n"), b',');
        assert_eq!(
            choose_delimiter(b"family_id\tservice\tquantity\n1,2,3,4,5"),
            b'\t'
        );
        assert_eq!(
            choose_delimiter(b"\xEF\xBB\xBFfamily_id;service;quantity\r\n"),
            b';'
        );
        assert_eq!(choose_delimiter(b"\"a;b;c\",d\n"), b',');
        assert_eq!(choose_delimiter(b"family_id\n"), b',');
        assert_eq!(
            all_records(b"a\tb\tc\n1\t\"2,5\"\t3\n").unwrap(),
            vec![vec!["a", "b", "c"], vec!["1", "2,5", "3"]]
        );
    }

    #[test]
    fn a_record_over_the_limit_is_refused_in_bounded_memory() {
        let mut input = b"a,b\n1,\"".to_vec();
        input.extend(
            std::iter::repeat_n(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".iter().copied(), 40_000)
                .flatten(),
        );
        let error = all_records(&input).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("never closed"), "{error:?}");
    }

    proptest::proptest! {
        /// Wherever its input is cut, the splitter reads what the csv crate reads, for input the
        /// crate and tfcalc both accept (no open quote, no text after a closing quote).
        #[test]
        fn reads_what_the_csv_crate_reads(
            fields in proptest::collection::vec(proptest::collection::vec("[a,\"\n\r ]{0,4}", 1..4), 0..6),
            delimiter in proptest::sample::select(&DELIMITERS[..]),
        ) {
            let mut writer = csv::WriterBuilder::new().delimiter(delimiter).flexible(true).from_writer(Vec::new());
            for record in &fields {
                writer.write_record(record).unwrap();
            }
            let bytes = writer.into_inner().unwrap();
            let mut expected = Vec::new();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(&bytes[..]);
            for record in reader.byte_records() {
                expected.push(record.unwrap().iter().map(|field| field.to_vec()).collect::<Vec<_>>());
            }
            let mut splitter = Splitter::new(delimiter);
            let mut found = Vec::new();
            let mut rest = &bytes[..];
            loop {
                // Fed three bytes at a time.
                let piece = &rest[..rest.len().min(3)];
                match splitter.feed(piece) {
                    Fed::Record(used) => {
                        found.push(splitter.record.iter().map(|field| field.to_vec()).collect::<Vec<_>>());
                        splitter.start_next();
                        rest = &rest[used..];
                    }
                    Fed::NeedMore if piece.is_empty() => {
                        if splitter.finish().unwrap() {
                            found.push(splitter.record.iter().map(|field| field.to_vec()).collect::<Vec<_>>());
                        }
                        break;
                    }
                    Fed::NeedMore => rest = &rest[piece.len()..],
                    Fed::Overflow(_) => unreachable!(),
                }
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }
}

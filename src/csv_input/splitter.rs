//! The CSV grammar, fed bytes in pieces: fields, records, the lines they start on, and the
//! quoting that matters for their reading.

use super::{MAX_RECORD_BYTES, Next, Unreadable};

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
    pub(super) line: u64,
    /// Bytes consumed so far.
    offset: u64,
    /// Whether a record has started (its first byte is read).
    in_record: bool,
    record_line: u64,
    record_offset: u64,
    pub(super) empty_lines: u64,
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
    pub(super) fn start_next(&mut self) {
        self.record.clear();
        self.quoting.multiline.clear();
        self.quoting.text_after_quote = None;
        self.in_record = false;
        self.empty_lines = 0;
        self.state = State::FieldStart;
    }

    /// The record just read, placed: its first line, the empty lines before it and its offset.
    pub(super) fn placed(&self) -> Next {
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

/// Splits one line (no line ending) into `record` by the same grammar as
/// [`Records`](super::Records); `Err` if a quote opened in it is not closed by its end.
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
    use crate::csv_input::DELIMITERS;

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

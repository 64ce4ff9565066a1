//! The records of a CSV input, read as a stream in bounded memory, and the delimiter chosen from
//! its header line.

use super::{DELIMITERS, Fed, MAX_RECORD_BYTES, Quoting, Splitter, Unreadable, is_blank};
use crate::diagnostic::Diagnostics;

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
}

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

/// Whether every field of a row is empty or spaces: a blank row, counted but not used.
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// Finds the true line each record starts on, and counts the empty lines the csv crate skips
/// without a word. (The crate's own record positions are taken before it skips empty lines, and
/// before the `\n` of a CRLF, so they drift from the line an editor shows.)
struct LineTracker<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines_before: u64,
}

impl<'a> LineTracker<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineTracker {
            bytes,
            counted_to: 0,
            newlines_before: 0,
        }
    }

    /// The 1-based line of a byte offset. Offsets must not go backwards.
    fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.bytes.len());
        if offset > self.counted_to {
            self.newlines_before += memchr_count(b'\n', &self.bytes[self.counted_to..offset]);
            self.counted_to = offset;
        }
        self.newlines_before + 1
    }

    /// Where the reader stood before reading a record, past the `\n` of a CRLF it stopped inside.
    fn normalise(&self, cursor: usize) -> usize {
        let at_crlf_middle = cursor > 0
            && self.bytes.get(cursor) == Some(&b'\n')
            && self.bytes.get(cursor - 1) == Some(&b'\r');
        cursor + usize::from(at_crlf_middle)
    }

    /// For a record read from reader position `cursor` (its byte offset before the read): the line
    /// it starts on, and how many empty lines came before it since the last record.
    fn record(&mut self, cursor: u64) -> (u64, u64) {
        let cursor = self.normalise(cursor as usize);
        let mut start = cursor;
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let cursor_line = self.line_at(cursor);
        let start_line = self.line_at(start);
        (start_line, start_line - cursor_line)
    }

    /// Empty lines after the last record, from reader position `cursor` at the end.
    fn trailing_blank_lines(&self, cursor: u64) -> u64 {
        let cursor = self.normalise(cursor as usize).min(self.bytes.len());
        memchr_count(b'\n', &self.bytes[cursor..])
    }
}

fn memchr_count(needle: u8, haystack: &[u8]) -> u64 {
    haystack.iter().filter(|&&byte| byte == needle).count() as u64
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

/// The records of a CSV file in memory, each with the line it starts on: the one loop every CSV
/// reader of tfcalc shares, so that each reports lines and unreadable files the same way.
pub struct Records<'a> {
    reader: csv::Reader<&'a [u8]>,
    lines: LineTracker<'a>,
    /// The record just read.
    pub record: csv::ByteRecord,
}

/// What reading the next record found.
pub enum Next {
    Record {
        /// The line the record starts on.
        line: u64,
        /// Empty lines skipped since the record before (the csv crate skips them silently).
        empty_lines_before: u64,
        /// The reader's byte offset before the record, for ordering.
        cursor: u64,
    },
    End {
        /// Empty lines after the last record.
        trailing_blank_lines: u64,
    },
    /// The CSV cannot be read from this line on (an unclosed quote, say).
    Unreadable { line: u64, error: csv::Error },
}

impl<'a> Records<'a> {
    pub fn new(bytes: &'a [u8]) -> Records<'a> {
        Records {
            reader: reader(bytes),
            lines: LineTracker::new(bytes),
            record: csv::ByteRecord::new(),
        }
    }

    /// Reads the next record into [`Records::record`].
    pub fn next_record(&mut self) -> Next {
        let cursor = self.reader.position().byte();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                let (line, empty_lines_before) = self.lines.record(cursor);
                Next::Record {
                    line,
                    empty_lines_before,
                    cursor,
                }
            }
            Ok(false) => Next::End {
                trailing_blank_lines: self.lines.trailing_blank_lines(cursor),
            },
            Err(error) => Next::Unreadable {
                line: self.lines.record(cursor).0,
                error,
            },
        }
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
                Next::Unreadable { line, error } => {
                    diagnostics.push(unreadable(file, line, &error));
                    return None;
                }
            }
        }
    }
}

/// The problem for a CSV that cannot be read from `line` on.
pub fn unreadable(file: &str, line: u64, error: &csv::Error) -> crate::diagnostic::Problem {
    crate::diagnostic::Problem::error(
        Some(crate::diagnostic::Location::line(file, line)),
        format!("cannot read the CSV: {error}"),
    )
    .with_hint("check the quoting on this line: a quote opened must be closed")
}

/// A CSV reader configured as every input needs: rows may have trailing columns missing.
fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line of each record, empty lines before it), and the empty lines at the end.
    fn lines_of(input: &str) -> (Vec<(u64, u64)>, u64) {
        let mut reader = reader(input.as_bytes());
        let mut tracker = LineTracker::new(input.as_bytes());
        let mut record = csv::ByteRecord::new();
        let mut found = Vec::new();
        loop {
            let cursor = reader.position().byte();
            if !reader.read_byte_record(&mut record).unwrap() {
                return (found, tracker.trailing_blank_lines(cursor));
            }
            found.push(tracker.record(cursor));
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
}

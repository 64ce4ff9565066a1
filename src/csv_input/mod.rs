//! What every CSV input shares: finding columns by header name, splitting records by one grammar
//! with the line each starts on, and reading fields as text.
//!
//! - [`header`]: finding columns by name, and the header's shape a row must fit.
//! - [`splitter`]: the CSV grammar, fed bytes in pieces.
//! - [`records`]: the records of an input, read as a stream.
//! - [`unreadable`]: why a CSV cannot be read from a line on.

mod header;
mod records;
mod splitter;
mod unreadable;

pub use header::{HeaderShape, MISFIT_HINT, Misfit, find_columns};
pub use records::{Next, Records, choose_delimiter};
pub use splitter::{Fed, Quoting, Splitter, split_line};
pub use unreadable::Unreadable;

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

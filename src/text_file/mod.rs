//! Reading input files as text, as people really save them: UTF-8 with or without Excel's
//! byte-order mark, Windows-1252 from Excel's "CSV" on Windows (where `£` is byte 0xA3), UTF-16
//! from "Unicode text", and refusing binary files (a workbook saved as .xlsx, say) with a clear
//! message instead of mojibake.
//!
//! [`DecodingReader`] does this as a stream, so that no file is ever held whole in memory, and
//! one rule decides every file's encoding, whichever reader reads it:
//!
//! - A file is UTF-8 if it is valid UTF-8.
//! - It is read as Windows-1252 only if it is not UTF-8 *as a whole*: it has bytes that are not
//!   UTF-8 and none of the multi-byte sequences UTF-8 writes (such as `ë`, bytes C3 AB), and none of
//!   the five bytes Windows-1252 leaves undefined. (A UTF-8 byte-order mark does not count: Excel
//!   puts one on files it then fills with Windows-1252.)
//! - A file with both (valid UTF-8 but for a few bytes) is refused at the first bad byte's line
//!   and column: reading it either way would change some of its text, and so perhaps a family id.
//! - UTF-16, from its byte-order mark, with a lone surrogate refused rather than replaced.
//!
//! Because a file's first non-UTF-8 byte comes before anything that could contradict it, this is
//! decided in one pass: text before it is ASCII, the same in both encodings.
//!
//! - [`reader`]: the streaming reader, which applies the rule.
//! - [`error`]: why a file cannot be read as text, and where.
//! - [`bytes`]: what raw bytes are: binary, UTF-8 sequences, Windows-1252 lines.
//! - [`size`]: sizes in bytes, read and written as people write them.

mod bytes;
mod error;
mod reader;
mod size;

pub use bytes::windows_1252_line;
pub use error::DecodeError;
pub use reader::DecodingReader;
pub use size::{format_bytes, parse_size};

use std::io::Read;

/// The encoding to read CSV input files in. (TOML files are UTF-8 by definition.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 if the file is valid UTF-8, else Windows-1252 if it is that as a whole (with a
    /// warning saying so); a file that is UTF-8 except for a few bytes is an error
    #[default]
    Auto,
    /// UTF-8 only: anything else is an error
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252, as Excel writes "CSV" on Windows
    #[value(name = "windows-1252", alias = "cp1252", alias = "latin1")]
    Windows1252,
}

/// The longest line an input may have. A row is a few dozen bytes; a line of megabytes is a file
/// that is not what it claims to be, and is refused before it can exhaust memory. The same limit
/// holds on every path.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The default limit on one input file's size (`--max-input-size`): far beyond any real extract
/// (a national cohort of 5 million families is about 3.5 GB), so that an input that never ends
/// (a device, a pipe from a program that loops) is stopped rather than read for ever.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 30;

/// File contents as UTF-8, and what was done to get them.
#[derive(Debug)]
pub struct Decoded {
    pub text: Vec<u8>,
    /// Set when the file was not UTF-8 and was converted: what it was read as.
    pub converted_from: Option<&'static str>,
}

/// Decodes a whole file's contents (for the small inputs read whole) by the same rules as
/// [`DecodingReader`].
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<Decoded, DecodeError> {
    let mut reader = DecodingReader::new(bytes, encoding, u64::MAX);
    let mut text = Vec::with_capacity(bytes.len());
    if let Err(error) = reader.read_to_end(&mut text) {
        return Err(DecodeError::from_io(&error)
            .cloned()
            .unwrap_or(DecodeError {
                line: None,
                column: None,
                message: format!("cannot be read: {error}"),
                hint: "check that the file exists and that you may read it".to_string(),
            }));
    }
    Ok(Decoded {
        text,
        converted_from: reader.converted_from(),
    })
}

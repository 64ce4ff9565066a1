//! Paths to input files, remembered with where they were named, so that a missing file is
//! reported at the line of the study file that names it.

use crate::diagnostic::{Diagnostics, Location, Problem, display_path};
use crate::text_file::{self, Encoding};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPath {
    /// The path as resolved: relative to the study file's folder for paths named in a study.
    pub path: PathBuf,
    /// Where the path is written (a study file's line), or `None` for the command line.
    pub named_at: Option<Location>,
    /// For a workbook, the sheet to read (`{ file = "extract.xlsx", sheet = "Before" }`); `None`
    /// reads its first sheet. Ignored for a CSV.
    pub sheet: Option<String>,
}

impl InputPath {
    /// A path given on the command line.
    pub fn given(path: impl Into<PathBuf>) -> Self {
        InputPath {
            path: path.into(),
            named_at: None,
            sheet: None,
        }
    }

    pub fn shown(&self) -> String {
        display_path(&self.path)
    }

    /// The problem to report when the file cannot be read.
    pub fn unreadable(&self, what: &str, error: &std::io::Error) -> Problem {
        let resolved = absolute(&self.path);
        let (message, hint) = match error.kind() {
            std::io::ErrorKind::NotFound => (
                format!("the {what} {} does not exist", resolved.display()),
                if self.named_at.is_some() {
                    "paths in a study file are relative to the study file's folder"
                } else {
                    "check the path; it is relative to the folder you ran tfcalc in"
                },
            ),
            _ if self.path.is_dir() => (
                format!("the {what} {} is a folder, not a file", resolved.display()),
                "name the file inside it",
            ),
            _ => (
                format!("cannot read the {what} {}: {error}", resolved.display()),
                "check that the file exists and that you may read it",
            ),
        };
        let location = self
            .named_at
            .clone()
            .unwrap_or_else(|| Location::file(self.shown()));
        Problem::error(Some(location), message).with_hint(hint)
    }
}

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub encoding: Encoding,
    /// Set aside bad service-use rows (to a rejects file) instead of stopping at them.
    pub skip_bad_rows: bool,
    /// Report every bad row, not just the first few of each file (`tfcalc check`).
    pub report_every_row: bool,
    /// Threads to read with; `None` for one per core.
    pub threads: Option<usize>,
    /// No progress bar or warnings.
    pub quiet: bool,
    /// The most bytes one input may have (`--max-input-size`).
    pub max_input_bytes: u64,
    /// Read every file with the detailed reader (for tests that hold the two readers to the same
    /// answers; `TFCALC_READER=detailed` in the environment).
    pub detailed_only: bool,
    /// The `--pseudonymise` key: messages written while reading (and rows set aside) show each
    /// family id as its pseudonym, as the outputs do.
    pub pseudonymise: Option<crate::pseudonym::Key>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: Encoding::Auto,
            skip_bad_rows: false,
            report_every_row: false,
            threads: None,
            quiet: false,
            max_input_bytes: text_file::DEFAULT_MAX_INPUT_BYTES,
            detailed_only: false,
            pseudonymise: None,
        }
    }
}

impl ReadOptions {
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |cores| cores.get()))
            .max(1)
    }
}

/// A CSV input read as a stream of records.
pub type CsvInput =
    crate::csv_input::Records<text_file::DecodingReader<Box<dyn std::io::Read + Send>>>;

impl InputPath {
    /// Opens the file (a regular file, or a pipe, device or process substitution, read once as a
    /// stream), recording the problem and giving `None` if it cannot be.
    pub fn open(
        &self,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<Box<dyn std::io::Read + Send>> {
        let opened = std::fs::File::open(&self.path).and_then(|file| {
            if file.metadata()?.is_dir() {
                return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
            }
            Ok(Box::new(file) as Box<dyn std::io::Read + Send>)
        });
        match opened {
            Ok(opened) => Some(opened),
            Err(error) => {
                diagnostics.push(self.unreadable(what, &error));
                None
            }
        }
    }

    /// Records a problem decoding this file.
    pub fn decode_problem(&self, what: &str, error: &text_file::DecodeError) -> Problem {
        let location = Location {
            line: error.line,
            column: error.column,
            ..Location::file(self.shown())
        };
        Problem::error(Some(location), format!("the {what} {}", error.message))
            .with_hint(error.hint.clone())
    }

    /// The warning that a CSV input was converted from another encoding, when it was not asked for.
    pub fn converted_warning(&self, from: &str, encoding: Encoding, diagnostics: &mut Diagnostics) {
        if encoding != Encoding::Auto || from.starts_with("UTF-16") {
            return;
        }
        diagnostics
            .warning(
                Some(Location::file(self.shown())),
                format!("the file is not UTF-8: read it as {from}"),
            )
            .hint(
                "Excel's plain \"CSV\" on Windows is Windows-1252 (where £ is byte 0xA3); save as \"CSV UTF-8\" \
                 to avoid this, or give --encoding if it is something else",
            );
    }

    /// Opens a CSV input to read its records as a stream, decoded to UTF-8 as `options` say.
    pub fn open_csv(
        &self,
        what: &'static str,
        options: &ReadOptions,
        diagnostics: &mut Diagnostics,
    ) -> Option<CsvInput> {
        let opened = self.open(what, diagnostics)?;
        Some(
            crate::csv_input::Records::new(text_file::DecodingReader::new(
                opened,
                options.encoding,
                options.max_input_bytes,
            ))
            .named(what),
        )
    }

    /// After reading a CSV input to its end: the warning that it was converted, if it was.
    pub fn finish_csv(
        &self,
        records: &CsvInput,
        encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) {
        if let Some(from) = records.input().converted_from() {
            self.converted_warning(from, encoding, diagnostics);
        }
    }

    /// Reads a whole CSV file as UTF-8 bytes, converting it from another text encoding if need be
    /// (with a warning saying so). For the small inputs that are read whole; a problem reading or
    /// decoding it is recorded and gives `None`.
    pub fn read_utf8(
        &self,
        what: &str,
        encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) -> Option<Vec<u8>> {
        let bytes = match read_bounded(&self.path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                diagnostics
                    .error(
                        Some(Location::file(self.shown())),
                        format!(
                            "the {what} is over {} MiB, far more than any {what}: it may be a device, an endless stream or the wrong file",
                            MAX_TEXT_FILE_BYTES >> 20
                        ),
                    )
                    .hint(format!("name the {what} itself, a text file"));
                return None;
            }
            Err(error) => {
                diagnostics.push(self.unreadable(what, &error));
                return None;
            }
        };
        match text_file::decode(&bytes, encoding) {
            Ok(decoded) => {
                if let Some(from) = decoded.converted_from {
                    self.converted_warning(from, encoding, diagnostics);
                }
                Some(decoded.text)
            }
            Err(error) => {
                diagnostics.push(self.decode_problem(what, &error));
                None
            }
        }
    }

    /// Reads a TOML file as a string without a byte-order mark. TOML is UTF-8 by definition, so
    /// `--encoding` (which is for CSV inputs) does not apply: a file in another encoding is an
    /// error at its first bad byte.
    pub fn read_string(
        &self,
        what: &str,
        _csv_encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) -> Option<String> {
        let bytes = self.read_utf8(what, Encoding::Utf8, diagnostics)?;
        // Decoding as strict UTF-8 either gave UTF-8 or an error.
        String::from_utf8(bytes).ok()
    }
}

/// The most a study, unit-cost table, deflator or agency file may hold. They are read whole, so
/// an endless input (`/dev/zero`, a pipe that never closes) must stop somewhere; the largest
/// real one, the Unit Cost Database v1.4, is under 1 MiB.
const MAX_TEXT_FILE_BYTES: u64 = 256 << 20;

/// The whole file, or `None` if it holds more than [`MAX_TEXT_FILE_BYTES`].
fn read_bounded(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_TEXT_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_TEXT_FILE_BYTES).then_some(bytes))
}

/// The absolute form of a path, for messages; the path itself if that fails.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

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
}

impl InputPath {
    /// A path given on the command line.
    pub fn given(path: impl Into<PathBuf>) -> Self {
        InputPath {
            path: path.into(),
            named_at: None,
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
#[derive(Debug, Clone, Copy, Default)]
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
}

impl ReadOptions {
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |cores| cores.get()))
            .max(1)
    }
}

impl InputPath {
    /// Reads the file as UTF-8 bytes, converting it from another text encoding if need be (with a
    /// warning saying so). A problem reading or decoding it is recorded and gives `None`.
    pub fn read_utf8(
        &self,
        what: &str,
        encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) -> Option<Vec<u8>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) => {
                diagnostics.push(self.unreadable(what, &error));
                return None;
            }
        };
        let location = Some(Location::file(self.shown()));
        let decoded = match text_file::decode(&bytes, encoding) {
            Ok(decoded) => decoded,
            Err(error) => {
                let location = Location {
                    line: error.line,
                    ..Location::file(self.shown())
                };
                diagnostics
                    .error(Some(location), format!("the {what} {}", error.message))
                    .hint(error.hint);
                return None;
            }
        };
        let Some(from) = decoded.converted_from else {
            drop(decoded);
            return Some(bytes);
        };
        if encoding == Encoding::Auto {
            diagnostics
                .warning(location, format!("the file is not UTF-8: read it as {from}"))
                .hint(
                    "Excel's plain \"CSV\" on Windows is Windows-1252 (where £ is byte 0xA3); save as \"CSV UTF-8\" \
                     to avoid this, or give --encoding if it is something else",
                );
        }
        Some(decoded.text.into_owned())
    }

    /// As [`InputPath::read_utf8`], as a string without a byte-order mark.
    pub fn read_string(
        &self,
        what: &str,
        encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) -> Option<String> {
        let bytes = self.read_utf8(what, encoding, diagnostics)?;
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..'\u{feff}'.len_utf8());
                }
                Some(text)
            }
            Err(_) => {
                diagnostics.error(
                    Some(Location::file(self.shown())),
                    "the file is not UTF-8 text",
                );
                None
            }
        }
    }
}

/// The absolute form of a path, for messages; the path itself if that fails.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

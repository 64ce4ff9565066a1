//! Paths to input files, remembered with where they were named, so that a missing file is
//! reported at the line of the study file that names it.

use crate::diagnostic::{Location, Problem, display_path};
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

/// The absolute form of a path, for messages; the path itself if that fails.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

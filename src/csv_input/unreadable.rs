//! Why a CSV cannot be read from a line on, and the problem that reports it.

use crate::diagnostic::Location;

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

    pub(super) fn from_io(error: &std::io::Error, line: u64, what: &str) -> Unreadable {
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

//! Problems found in input files, with where they are and how to fix them.
//!
//! Loaders never stop at the first problem: they record each one in a [`Diagnostics`] list and carry
//! on where that makes sense, so that `tfcalc check` can list everything wrong with a study at once.
//! Commands that compute figures turn a list with any errors into an [`InputErrors`] value, which
//! `main` prints and maps to exit code 2.

use std::fmt;
use std::path::Path;

/// A place in an input file. Lines and columns count from 1, as editors show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: None,
        }
    }

    pub fn at(file: impl Into<String>, line: u64, column: u64) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// The location of a byte offset within `text`, the contents of `file`.
    pub fn at_offset(file: impl Into<String>, text: &str, offset: usize) -> Self {
        let (line, column) = line_and_column(text, offset);
        Location::at(file, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file may be named with control characters, like any text from outside.
        f.write_str(&crate::display_text::line(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_and_column(text: &str, offset: usize) -> (u64, u64) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How a path is shown in messages: as the user would type it, relative where possible.
pub fn display_path(path: &Path) -> String {
    let shown = path
        .strip_prefix(std::env::current_dir().unwrap_or_default())
        .unwrap_or(path);
    lexically_normal(shown).display().to_string()
}

/// A path with `.` and `folder/..` taken out without touching the disk, so that
/// "examples/e/../../unit-costs/t.toml" is shown as "unit-costs/t.toml".
fn lexically_normal(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut normal = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(normal.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    normal.pop();
                } else {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    if normal.as_os_str().is_empty() {
        normal.push(".");
    }
    normal
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, and usually right: `check` lists it, counted apart from the warnings, and
    /// no other command prints it.
    Note,
}

/// One problem: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            location,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(location, message)
        }
    }

    pub fn note(location: Option<Location>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Note,
            ..Problem::error(location, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The word `check` labels it with, in every format.
    pub fn label(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        // Messages quote ids and names from the input files, and are printed to a terminal:
        // escaped here, every way of showing a problem (errors, warnings, `check`) is safe. The
        // fields stay exact, for `check --format json` and csv.
        f.write_str(&crate::display_text::line(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {}", crate::display_text::line(hint))?;
        }
        Ok(())
    }
}

/// Problems collected while reading inputs.
#[derive(Debug, Default)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn error(
        &mut self,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.problems.push(Problem::error(location, message));
        self.problems.last_mut().expect("just pushed")
    }

    pub fn warning(
        &mut self,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.problems.push(Problem::warning(location, message));
        self.problems.last_mut().expect("just pushed")
    }

    pub fn note(&mut self, location: Option<Location>, message: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::note(location, message));
        self.problems.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count()
    }

    pub fn note_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Note)
            .count()
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The warnings, which every command prints; notes are for `check` alone.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.problems.extend(other.problems);
    }

    /// `Ok(())` if nothing is wrong (warnings allowed), or every error found.
    pub fn into_result(self) -> Result<Vec<Problem>, InputErrors> {
        if self.has_errors() {
            Err(InputErrors {
                problems: self
                    .problems
                    .into_iter()
                    .filter(Problem::is_error)
                    .collect(),
            })
        } else {
            Ok(self.problems)
        }
    }
}

impl Problem {
    /// Sets the hint of a problem just recorded: `diagnostics.error(..).hint("...")`.
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The word for `count` things: "1 error", but "0 errors" and "2 errors".
pub fn plural<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// Every error found in the inputs. Printed by `main`, and mapped to exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors {
    pub problems: Vec<Problem>,
}

/// The most errors printed at once: enough to see a pattern, few enough to read.
const ERRORS_SHOWN: usize = 20;

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().take(ERRORS_SHOWN).enumerate() {
            if index > 0 {
                f.write_str("\nerror: ")?;
            }
            write!(f, "{problem}")?;
        }
        if self.problems.len() > ERRORS_SHOWN {
            let more = self.problems.len() - ERRORS_SHOWN;
            write!(
                f,
                "\n... and {more} more {} (run `tfcalc check` to list them all)",
                plural(more as u64, "error", "errors")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

impl From<Problem> for InputErrors {
    fn from(problem: Problem) -> Self {
        InputErrors {
            problems: vec![problem],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_column_of_an_offset() {
        let text = "a = 1\nb = £2\nc";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 6), (2, 1));
        assert_eq!(line_and_column(text, 10), (2, 5));
        // An offset inside the two bytes of £ is placed at the £.
        assert_eq!(line_and_column(text, 11), (2, 5));
        assert_eq!(line_and_column(text, 999), (3, 2));
    }

    #[test]
    fn shows_paths_without_dot_segments() {
        assert_eq!(
            lexically_normal(Path::new("examples/e/../../unit-costs/t.toml")),
            Path::new("unit-costs/t.toml")
        );
        assert_eq!(
            lexically_normal(Path::new("./before.csv")),
            Path::new("before.csv")
        );
        assert_eq!(
            lexically_normal(Path::new("../x/./y.csv")),
            Path::new("../x/y.csv")
        );
        assert_eq!(lexically_normal(Path::new(".")), Path::new("."));
    }

    #[test]
    fn shows_location_message_and_hint() {
        let problem = Problem::error(Some(Location::at("before.csv", 3, 2)), "unknown service")
            .with_hint("did you mean `arrest`?");
        assert_eq!(
            problem.to_string(),
            "before.csv:3:2: unknown service\n  help: did you mean `arrest`?"
        );
    }
}

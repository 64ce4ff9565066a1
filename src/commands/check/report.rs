//! What a check found, computed once: the problems listed and every count and sentence about
//! them. Each format draws this one value ([`super::render`]), so that the terminal, JSON and CSV
//! can never disagree on what was found or how it is counted.

use crate::diagnostic::{Diagnostics, Problem};
use crate::usage::FileAccount;

/// The result of `tfcalc check`.
#[derive(Debug)]
pub(super) struct CheckReport<'a> {
    /// The problems shown, in the order found: every one, or with `--quiet` the errors alone.
    pub problems: Vec<&'a Problem>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Warnings counted but left out of `problems` by `--quiet`.
    pub warnings_not_shown: usize,
    /// Notes counted but left out of `problems` by `--quiet`.
    pub notes_not_shown: usize,
    /// Studies read.
    pub studies: usize,
    /// Service-use files read, over every study.
    pub files: usize,
    /// Rows read from those files.
    pub rows: u64,
}

impl<'a> CheckReport<'a> {
    /// The report of every problem in `diagnostics`, over `studies` studies whose service-use
    /// files are `accounts`.
    pub fn new(
        diagnostics: &'a Diagnostics,
        quiet: bool,
        studies: usize,
        accounts: &[FileAccount],
    ) -> Self {
        let (warnings, notes) = (diagnostics.warning_count(), diagnostics.note_count());
        // `--quiet` means no warnings (nor notes), here as in every command; the counts still say
        // how many were left out, so that a clean-looking check is not mistaken for one with
        // nothing to look at.
        let (warnings_not_shown, notes_not_shown) = if quiet { (warnings, notes) } else { (0, 0) };
        CheckReport {
            problems: diagnostics
                .problems()
                .iter()
                .filter(|problem| problem.is_error() || !quiet)
                .collect(),
            errors: diagnostics.error_count(),
            warnings,
            notes,
            warnings_not_shown,
            notes_not_shown,
            studies,
            files: accounts.len(),
            rows: accounts.iter().map(|account| account.rows_read).sum(),
        }
    }

    /// Whether the check fails: errors do, warnings and notes do not.
    pub fn failed(&self) -> bool {
        self.errors > 0
    }

    /// The sentence that ends the listing: what was checked when nothing is wrong, otherwise
    /// how many of each were found, and how many `--quiet` left out.
    pub fn summary(&self) -> String {
        let (errors, warnings, notes) = (
            count(self.errors as u64, "error", "errors"),
            count(self.warnings as u64, "warning", "warnings"),
            count(self.notes as u64, "note", "notes"),
        );
        if self.errors == 0 && self.warnings == 0 {
            // Notes are no problem: a clean check still says how many there are.
            let notes = match (self.notes, self.notes_not_shown) {
                (0, _) => String::new(),
                (_, 0) => format!("; {notes}"),
                _ => format!("; {notes} not shown: --quiet"),
            };
            return format!(
                "check: no problems in {} ({} service-use {}, {} read){notes}",
                count(self.studies as u64, "study", "studies"),
                self.files,
                plural(self.files, "file", "files"),
                count(self.rows, "row", "rows"),
            );
        }
        let (warnings_not_shown, notes_not_shown) = (
            count(self.warnings_not_shown as u64, "warning", "warnings"),
            count(self.notes_not_shown as u64, "note", "notes"),
        );
        match (self.warnings_not_shown, self.notes_not_shown) {
            (0, 0) if self.notes > 0 => format!("check: {errors}, {warnings} and {notes}"),
            (0, 0) => format!("check: {errors} and {warnings}"),
            (_, 0) => format!("check: {errors} ({warnings_not_shown} not shown: --quiet)"),
            (0, _) => format!("check: {errors} ({notes_not_shown} not shown: --quiet)"),
            _ => format!(
                "check: {errors} ({warnings_not_shown} and {notes_not_shown} not shown: --quiet)"
            ),
        }
    }
}

/// "1 error", "2 errors".
fn count(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", crate::diagnostic::plural(count, one, many))
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    crate::diagnostic::plural(count as u64, one, many)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;

    fn account(rows_read: u64) -> FileAccount {
        FileAccount {
            rows_read,
            ..FileAccount::default()
        }
    }

    fn diagnostics(errors: usize, warnings: usize, notes: usize) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        for index in 0..errors {
            diagnostics.error(
                Some(Location::line("before.csv", 2)),
                format!("error {index}"),
            );
        }
        for index in 0..warnings {
            diagnostics.warning(None, format!("warning {index}"));
        }
        for index in 0..notes {
            diagnostics.note(None, format!("note {index}"));
        }
        diagnostics
    }

    #[test]
    fn a_clean_check_says_what_was_read() {
        let found = diagnostics(0, 0, 0);
        let report = CheckReport::new(&found, false, 1, &[account(2), account(0)]);
        assert_eq!(
            report.summary(),
            "check: no problems in 1 study (2 service-use files, 2 rows read)"
        );
        assert!(!report.failed());
        let report = CheckReport::new(&found, false, 2, &[account(1)]);
        assert_eq!(
            report.summary(),
            "check: no problems in 2 studies (1 service-use file, 1 row read)"
        );
    }

    #[test]
    fn notes_hidden_by_quiet_are_still_counted() {
        let found = diagnostics(0, 0, 2);
        let quiet = CheckReport::new(&found, true, 1, &[account(6), account(6)]);
        assert!(quiet.problems.is_empty());
        assert_eq!((quiet.notes, quiet.notes_not_shown), (2, 2));
        assert_eq!(
            quiet.summary(),
            "check: no problems in 1 study (2 service-use files, 12 rows read); 2 notes not shown: --quiet"
        );
        let shown = CheckReport::new(&found, false, 1, &[account(6), account(6)]);
        assert_eq!(shown.problems.len(), 2);
        assert_eq!(
            shown.summary(),
            "check: no problems in 1 study (2 service-use files, 12 rows read); 2 notes"
        );
    }

    #[test]
    fn errors_and_warnings_are_counted() {
        let found = diagnostics(1, 2, 0);
        let report = CheckReport::new(&found, false, 1, &[]);
        assert!(report.failed());
        assert_eq!(report.problems.len(), 3);
        assert_eq!(report.summary(), "check: 1 error and 2 warnings");
        let found = diagnostics(2, 1, 1);
        let report = CheckReport::new(&found, false, 1, &[]);
        assert_eq!(report.summary(), "check: 2 errors, 1 warning and 1 note");
        // Warnings alone are counted too, and do not fail the check.
        let found = diagnostics(0, 1, 0);
        let report = CheckReport::new(&found, false, 1, &[]);
        assert!(!report.failed());
        assert_eq!(report.summary(), "check: 0 errors and 1 warning");
    }

    #[test]
    fn quiet_lists_the_errors_alone_and_counts_the_rest() {
        let found = diagnostics(1, 1, 0);
        let report = CheckReport::new(&found, true, 1, &[]);
        assert_eq!(report.problems.len(), 1);
        assert!(report.problems[0].is_error());
        assert_eq!(
            report.summary(),
            "check: 1 error (1 warning not shown: --quiet)"
        );
        let found = diagnostics(3, 2, 1);
        let report = CheckReport::new(&found, true, 1, &[]);
        assert_eq!(
            report.summary(),
            "check: 3 errors (2 warnings and 1 note not shown: --quiet)"
        );
        let found = diagnostics(1, 0, 2);
        let report = CheckReport::new(&found, true, 1, &[]);
        assert_eq!(
            report.summary(),
            "check: 1 error (2 notes not shown: --quiet)"
        );
        // Nothing to hide: quiet changes nothing.
        let found = diagnostics(2, 0, 0);
        let report = CheckReport::new(&found, true, 1, &[]);
        assert_eq!(report.summary(), "check: 2 errors and 0 warnings");
    }
}

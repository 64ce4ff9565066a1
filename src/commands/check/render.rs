//! Draws a [`CheckReport`] in each format `check` writes. CSV goes through the project's CSV
//! renderer, as a document of one table; the terminal listing and the JSON have shapes of their
//! own (a problem over two lines, counts beside the problems), so they are drawn here, and only
//! here, from the same report.

use super::report::CheckReport;
use crate::cli::Format;
use crate::money::Precision;
use crate::report::renderer::Renderer;
use crate::report::{Cell, Document, Row, TableView};
use serde::Serialize;
use std::fmt::Write;

/// The report in `format`, as the bytes to write. Terminal text is wrapped to `width`.
pub(super) fn render(
    report: &CheckReport<'_>,
    format: Format,
    precision: Precision,
    width: Option<u16>,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Markdown | Format::Xlsx | Format::Html => anyhow::bail!(
            "check lists problems as a table, csv or json: give --format table, csv or json"
        ),
        Format::Table => text(report, width),
        Format::Json => json(report),
        Format::Csv => csv(report, precision)?,
    })
}

/// Each problem labelled with its severity (its hint on a line of its own), then the summary.
fn text(report: &CheckReport<'_>, width: Option<u16>) -> String {
    let mut text = String::new();
    for problem in &report.problems {
        writeln!(text, "{}: {problem}", problem.label()).expect("writing to a string");
    }
    writeln!(text, "{}", report.summary()).expect("writing to a string");
    crate::report::terminal::wrap_message(&text, width)
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    errors: usize,
    warnings: usize,
    notes: usize,
    #[serde(skip_serializing_if = "is_zero")]
    warnings_not_shown: usize,
    #[serde(skip_serializing_if = "is_zero")]
    notes_not_shown: usize,
    problems: Vec<JsonProblem<'a>>,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// One problem, its fields exact (not escaped for a terminal, as the listing's are).
#[derive(Serialize)]
struct JsonProblem<'a> {
    severity: &'static str,
    file: Option<&'a str>,
    line: Option<u64>,
    column: Option<u64>,
    message: &'a str,
    hint: Option<&'a str>,
}

/// The counts, then the problems listed. The counts not shown appear only when `--quiet` left
/// something out.
fn json(report: &CheckReport<'_>) -> String {
    let problems = report
        .problems
        .iter()
        .map(|problem| {
            let location = problem.location.as_ref();
            JsonProblem {
                severity: problem.label(),
                file: location.map(|location| location.file.as_str()),
                line: location.and_then(|location| location.line),
                column: location.and_then(|location| location.column),
                message: &problem.message,
                hint: problem.hint.as_deref(),
            }
        })
        .collect();
    let check = JsonCheck {
        errors: report.errors,
        warnings: report.warnings,
        notes: report.notes,
        warnings_not_shown: report.warnings_not_shown,
        notes_not_shown: report.notes_not_shown,
        problems,
    };
    let mut text = serde_json::to_string_pretty(&check).expect("serialisable");
    text.push('\n');
    text
}

/// The problems as a document of one table, one row each: what `--format csv` draws.
fn document(report: &CheckReport<'_>) -> Document<'static> {
    let mut table = TableView::new(
        "problems",
        "Problems",
        &["severity", "file", "line", "column", "message", "hint"],
    );
    let number = |value: Option<u64>| value.map_or(Cell::Empty, Cell::Count);
    table.rows = report
        .problems
        .iter()
        .map(|problem| {
            let location = problem.location.as_ref();
            Row::item(vec![
                Cell::text(problem.label()),
                Cell::text(location.map_or("", |location| location.file.as_str())),
                number(location.and_then(|location| location.line)),
                number(location.and_then(|location| location.column)),
                Cell::text(problem.message.as_str()),
                Cell::text(problem.hint.as_deref().unwrap_or("")),
            ])
        })
        .collect();
    Document {
        title: "Problems".to_string(),
        charts: Vec::new(),
        tables: vec![table],
    }
}

/// The problems as CSV, drawn by the CSV renderer, which makes them spreadsheet-safe.
fn csv(report: &CheckReport<'_>, precision: Precision) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    crate::report::csv::Csv { precision }.render(&document(report), &mut bytes)?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostics, Location};
    use crate::usage::FileAccount;

    fn found() -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        diagnostics
            .error(
                Some(Location::at("before.csv", 3, 2)),
                "the cost is \"abc\"",
            )
            .hint("write a number");
        diagnostics.warning(Some(Location::file("after.csv")), "=SUM(A1)");
        diagnostics.note(None, "a service is used only before");
        diagnostics
    }

    fn draw(report: &CheckReport<'_>, format: Format) -> String {
        render(report, format, Precision::Pence, None).unwrap()
    }

    #[test]
    fn the_listing_ends_with_the_summary() {
        let found = found();
        let report = CheckReport::new(&found, false, 1, &[FileAccount::default()]);
        assert_eq!(
            draw(&report, Format::Table),
            "error: before.csv:3:2: the cost is \"abc\"\n  help: write a number\n\
             warning: after.csv: =SUM(A1)\n\
             note: a service is used only before\n\
             check: 1 error, 1 warning and 1 note\n"
        );
    }

    #[test]
    fn json_counts_what_quiet_left_out() {
        let found = found();
        let quiet = CheckReport::new(&found, true, 1, &[]);
        let json: serde_json::Value = serde_json::from_str(&draw(&quiet, Format::Json)).unwrap();
        assert_eq!(json["errors"], 1);
        assert_eq!(json["warnings"], 1);
        assert_eq!(json["notes"], 1);
        assert_eq!(json["warnings_not_shown"], 1);
        assert_eq!(json["notes_not_shown"], 1);
        assert_eq!(json["problems"].as_array().unwrap().len(), 1);
        assert_eq!(json["problems"][0]["severity"], "error");
        assert_eq!(json["problems"][0]["line"], 3);
        assert_eq!(json["problems"][0]["column"], 2);
        assert_eq!(json["problems"][0]["hint"], "write a number");
        // Nothing left out: the counts not shown are not written at all.
        let all = CheckReport::new(&found, false, 1, &[]);
        let json: serde_json::Value = serde_json::from_str(&draw(&all, Format::Json)).unwrap();
        assert_eq!(json["problems"].as_array().unwrap().len(), 3);
        assert!(json.get("warnings_not_shown").is_none());
        assert!(json.get("notes_not_shown").is_none());
        assert_eq!(json["problems"][2]["file"], serde_json::Value::Null);
    }

    #[test]
    fn csv_has_a_row_per_problem_made_safe_for_a_spreadsheet() {
        let found = found();
        let report = CheckReport::new(&found, false, 1, &[]);
        let csv = draw(&report, Format::Csv);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "{csv}");
        assert_eq!(lines[0], "severity,file,line,column,message,hint");
        assert_eq!(
            lines[1],
            "error,before.csv,3,2,\"the cost is \"\"abc\"\"\",write a number"
        );
        // A message that would read as a formula is kept as text.
        assert_eq!(lines[2], "warning,after.csv,,,'=SUM(A1),");
        assert_eq!(lines[3], "note,,,,a service is used only before,");
    }

    #[test]
    fn formats_with_no_listing_are_refused() {
        let found = found();
        let report = CheckReport::new(&found, false, 1, &[]);
        for format in [Format::Markdown, Format::Xlsx, Format::Html] {
            let error = render(&report, format, Precision::Pence, None).unwrap_err();
            assert_eq!(
                error.to_string(),
                "check lists problems as a table, csv or json: give --format table, csv or json"
            );
        }
    }
}

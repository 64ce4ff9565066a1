//! Issue 14: an intervention file from a worksheet, read by the rules of service-use worksheets.

use crate::common::Scratch;
use crate::worksheets::{Cell, workbook};
use rust_decimal::Decimal;

const BEFORE: &str = "family_id,service,quantity\nA,arrest,2\n1001,police_hour,10\n";
const AFTER: &str = "family_id,service,quantity\nA,arrest,1\n";

/// A study of the Hertfordshire table over `BEFORE` and `AFTER`, with `intervention` as the body of
/// its `[intervention]` section.
fn study(scratch: &Scratch, intervention: &str) {
    scratch
        .write(
            "study.toml",
            format!(
                "[study]\nname = \"Test\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\n{intervention}\n"
            ),
        )
        .write("before.csv", BEFORE)
        .write("after.csv", AFTER);
}

fn report(scratch: &Scratch) -> serde_json::Value {
    serde_json::from_str(&scratch.succeeds(&["report", ".", "--format", "json"])).unwrap()
}

/// Runs `tfcalc check .`, which lists every problem (on standard output), asserting that it
/// found errors; returns what it printed.
fn check_fails(scratch: &Scratch) -> String {
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap()
    );
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(!all.contains("panicked"), "{all}");
    all
}

fn decimal(value: &serde_json::Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string"))
        .parse()
        .unwrap()
}

#[test]
fn an_intervention_file_from_a_workbook_gives_the_figures_of_the_csv() {
    let csv = Scratch::new();
    study(&csv, "file = \"interventions.csv\"");
    csv.write(
        "interventions.csv",
        "family_id,item,amount,note\nA,Keyworker,2419.1,from the ledger\n,,,\nA,Background,\"£1,500.50\",\n1001,Keyworker,0.1,\n",
    );

    let sheet = Scratch::new();
    study(
        &sheet,
        "file = { file = \"extract.xlsx\", sheet = \"Intervention\" }",
    );
    workbook(
        &sheet,
        "extract.xlsx",
        &[(
            "Intervention",
            vec![
                vec![
                    Cell::Text("family_id"),
                    Cell::Text("item"),
                    Cell::Text("amount"),
                    Cell::Text("note"),
                ],
                // A float amount is the decimal Excel shows; a date in an ignored column is
                // no error.
                vec![
                    Cell::Text("A"),
                    Cell::Text("Keyworker"),
                    Cell::Number(2419.1),
                    Cell::Date,
                ],
                // Blank rows are passed over, as in the CSV.
                vec![],
                vec![
                    Cell::Text("A"),
                    Cell::Text("Background"),
                    Cell::Text("£1,500.50"),
                ],
                // A numeric family id is its text, the family of the service-use CSVs.
                vec![
                    Cell::Number(1001.0),
                    Cell::Text("Keyworker"),
                    Cell::Number(0.1),
                ],
            ],
        )],
    );

    let (from_csv, from_sheet) = (report(&csv), report(&sheet));
    for key in ["families", "agencies", "summary"] {
        assert_eq!(
            from_sheet["studies"][0][key], from_csv["studies"][0][key],
            "{key}"
        );
    }
    let families = &from_sheet["studies"][0]["families"];
    assert_eq!(families[0]["family_id"], "A", "{families}");
    assert_eq!(
        decimal(&families[0]["intervention"]),
        "3919.60".parse().unwrap()
    );
    assert_eq!(families[1]["family_id"], "1001");
    // 0.1 exactly: the float 0.1 read as the decimal Excel shows.
    assert_eq!(
        decimal(&families[1]["intervention"]),
        "0.1".parse().unwrap()
    );
}

#[test]
fn a_date_in_an_intervention_amount_is_an_error_naming_the_cell() {
    let scratch = Scratch::new();
    study(&scratch, "file = \"interventions.xlsx\"");
    workbook(
        &scratch,
        "interventions.xlsx",
        &[(
            "Sheet1",
            vec![
                vec![
                    Cell::Text("family_id"),
                    Cell::Text("item"),
                    Cell::Text("amount"),
                ],
                vec![
                    Cell::Text("A"),
                    Cell::Text("Keyworker"),
                    Cell::Number(100.0),
                ],
                vec![Cell::Text("A"), Cell::Text("Background"), Cell::Date],
            ],
        )],
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "interventions.xlsx Sheet1!C3: the `amount` cell Sheet1!C3 holds a date (2024-03-01), not a number"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("format it as Number"), "{stderr}");
}

#[test]
fn a_missing_sheet_is_an_error_at_the_study_line_listing_the_sheets() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "file = { file = \"extract.xlsx\", sheet = \"Costs\" }",
    );
    workbook(
        &scratch,
        "extract.xlsx",
        &[
            ("Intervention", vec![vec![Cell::Text("family_id")]]),
            ("Funding", vec![vec![Cell::Text("agency")]]),
        ],
    );
    let stderr = check_fails(&scratch);
    assert!(
        stderr.contains(
            "study.toml:8:8: the workbook extract.xlsx has no sheet `Costs`: its sheets are `Intervention`, `Funding`"
        ),
        "{stderr}"
    );
}

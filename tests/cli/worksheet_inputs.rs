//! Issue 14: an intervention file from a worksheet, and funding from a file (a CSV or a worksheet),
//! read by the rules of service-use worksheets and checked as the study's inline funding is.

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

/// An agency's row of a report's agency table.
fn agency<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["studies"][0]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|agency| agency["agency"] == name)
        .unwrap_or_else(|| panic!("no agency {name} in {report}"))
}

#[test]
fn an_intervention_file_and_funding_from_a_workbook_give_the_figures_of_the_csvs() {
    let csv = Scratch::new();
    study(
        &csv,
        "file = \"interventions.csv\"\nfunding = \"funding.csv\"",
    );
    csv.write(
        "interventions.csv",
        "family_id,item,amount,note\nA,Keyworker,2419.1,from the ledger\n,,,\nA,Background,\"£1,500.50\",\n1001,Keyworker,0.1,\n",
    )
    .write("funding.csv", "agency,share\nPolice,0.4\nCounty Council,0.6\n");

    let sheet = Scratch::new();
    study(
        &sheet,
        "file = { file = \"extract.xlsx\", sheet = \"Intervention\" }\nfunding = { file = \"extract.xlsx\", sheet = \"Funding\" }",
    );
    workbook(
        &sheet,
        "extract.xlsx",
        &[
            (
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
            ),
            (
                "Funding",
                vec![
                    vec![Cell::Text("agency"), Cell::Text("share")],
                    vec![Cell::Text("Police"), Cell::Number(0.4)],
                    vec![Cell::Text("County Council"), Cell::Number(0.6)],
                ],
            ),
        ],
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
    // The delivery cost of £3,919.70 split 0.4 : 0.6.
    let police = agency(&from_sheet, "Police");
    assert_eq!(decimal(&police["funding"]), "1567.88".parse().unwrap());
    assert_eq!(decimal(&police["benefit"]), "2260".parse().unwrap());
    let council = agency(&from_sheet, "County Council");
    assert_eq!(decimal(&council["funding"]), "2351.82".parse().unwrap());
}

#[test]
fn funding_amounts_from_a_sheet_split_the_cost_as_funding_amounts_do() {
    let summary = |funding: &str| {
        format!(
            "[study]\nname = \"S\"\nfamilies = 10\n\n[intervention]\nper_family = \"100\"\n{funding}\n\n[benefit.by_agency]\n\"Police\" = \"500\"\n\"County Council\" = \"500\"\n"
        )
    };
    let inline = Scratch::new();
    inline.write(
        "study.toml",
        summary("funding_amounts = { \"Police\" = \"100000\", \"County Council\" = \"300,000\" }"),
    );
    let sheet = Scratch::new();
    // The first sheet, as `before = "service-use.xlsx"` reads it.
    sheet.write("study.toml", summary("funding = \"budget.xlsx\""));
    workbook(
        &sheet,
        "budget.xlsx",
        &[
            (
                "Pooled budget",
                vec![
                    vec![Cell::Text("Agency"), Cell::Text("Amount")],
                    vec![Cell::Text("Police"), Cell::Number(100_000.0)],
                    vec![Cell::Text("County Council"), Cell::Text("£300,000")],
                ],
            ),
            (
                "Notes",
                vec![vec![Cell::Text("agency"), Cell::Text("share")]],
            ),
        ],
    );
    let (from_inline, from_sheet) = (report(&inline), report(&sheet));
    assert_eq!(
        from_sheet["studies"][0]["agencies"],
        from_inline["studies"][0]["agencies"]
    );
    assert_eq!(
        decimal(&agency(&from_sheet, "Police")["funding"]),
        Decimal::from(250)
    );
    assert_eq!(
        decimal(&agency(&from_sheet, "County Council")["funding"]),
        Decimal::from(750)
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
fn a_formula_in_a_funding_share_is_an_error_naming_the_cell() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "per_family = \"100\"\nfunding = { file = \"budget.xlsx\", sheet = \"Funding\" }",
    );
    workbook(
        &scratch,
        "budget.xlsx",
        &[(
            "Funding",
            vec![
                vec![Cell::Text("agency"), Cell::Text("share")],
                vec![Cell::Text("Police"), Cell::Number(0.4)],
                // Saved with no result: read as its value, it would be a share of 0.
                vec![Cell::Text("County Council"), Cell::Formula("=1-B2")],
            ],
        )],
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "budget.xlsx Funding!B3: the `share` cell Funding!B3 holds a formula (=1-B2), not a number"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("paste them as values"), "{stderr}");
}

#[test]
fn a_missing_sheet_is_an_error_at_the_study_line_listing_the_sheets() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "file = { file = \"extract.xlsx\", sheet = \"Costs\" }\nfunding = { file = \"extract.xlsx\", sheet = \"Budget\" }",
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
    assert!(
        stderr.contains(
            "study.toml:9:11: the workbook extract.xlsx has no sheet `Budget`: its sheets are `Intervention`, `Funding`"
        ),
        "{stderr}"
    );
}

#[test]
fn funding_shares_in_a_sheet_that_do_not_sum_to_one_are_an_error_naming_the_cells() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "per_family = \"100\"\nfunding = { file = \"budget.xlsx\", sheet = \"Funding\" }",
    );
    workbook(
        &scratch,
        "budget.xlsx",
        &[(
            "Funding",
            vec![
                vec![Cell::Text("agency"), Cell::Text("share")],
                vec![Cell::Text("Police"), Cell::Number(0.3)],
                vec![Cell::Text("County Council"), Cell::Text("60%")],
            ],
        )],
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("budget.xlsx Funding!B2:B3: the funding shares sum to 0.9, not 1"),
        "{stderr}"
    );
    // The fix the inline form suggests, said for a file.
    assert!(
        stderr.contains("in an `amount` column instead of `share`"),
        "{stderr}"
    );
}

#[test]
fn blank_rows_and_agencies_named_twice_in_a_funding_sheet_are_errors() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "per_family = \"100\"\nfunding = { file = \"budget.xlsx\", sheet = \"Funding\" }",
    );
    workbook(
        &scratch,
        "budget.xlsx",
        &[(
            "Funding",
            vec![
                vec![Cell::Text("agency"), Cell::Text("share")],
                vec![Cell::Text("Police"), Cell::Number(0.5)],
                vec![],
                vec![Cell::Text("Police"), Cell::Number(0.5)],
                vec![Cell::Text(""), Cell::Number(0.5)],
            ],
        )],
    );
    let stderr = check_fails(&scratch);
    for expected in [
        "budget.xlsx Funding row 3: the row is blank",
        "budget.xlsx Funding!A4: the funding names \"Police\" twice (first at budget.xlsx Funding!A2)",
        "budget.xlsx Funding!A5: the `agency` is empty",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn a_funding_csv_with_the_wrong_columns_is_an_error_saying_which() {
    let scratch = Scratch::new();
    study(&scratch, "per_family = \"100\"\nfunding = \"funding.csv\"");
    for (header, expected) in [
        (
            "agency,share,notes",
            "funding.csv:1: the funding file has a column tfcalc does not know: `notes`",
        ),
        (
            "agency,share,amount",
            "funding.csv:1: the funding file has both a `share` and an `amount` column",
        ),
        (
            "agency,percent",
            "funding.csv:1: the funding file has a column tfcalc does not know: `percent`",
        ),
        (
            "agency",
            "funding.csv:1: the funding file has no `share` or `amount` column",
        ),
        (
            "funder,share",
            "funding.csv:1: missing required column `agency`",
        ),
    ] {
        scratch.write("funding.csv", format!("{header}\nPolice,1\n"));
        let stderr = scratch.fails(&["report", "."]);
        assert!(stderr.contains(expected), "{header}: {stderr}");
    }
    scratch.write("funding.csv", "agency,share\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("funding.csv: the funding file names no agency"),
        "{stderr}"
    );
}

#[test]
fn a_funding_csv_row_is_located_by_its_line() {
    let scratch = Scratch::new();
    study(&scratch, "per_family = \"100\"\nfunding = \"funding.csv\"");
    scratch.write(
        "funding.csv",
        "agency,share\nPolice,0.5\n,\nNHS,half\nCounty Council,0.5,x\n",
    );
    let stderr = check_fails(&scratch);
    for expected in [
        "funding.csv:3: the row is blank",
        "funding.csv:4: the funding share for \"NHS\" is not a valid number: \"half\" is not a number",
        "funding.csv:5: the row has 3 fields but the header names 2",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn a_funding_file_beside_funding_amounts_is_an_error() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "per_family = \"100\"\nfunding = \"funding.csv\"\nfunding_amounts = { \"Police\" = \"1\" }",
    );
    scratch.write("funding.csv", "agency,share\nPolice,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "study.toml:9:11: [intervention] names a funding file and gives `funding_amounts`"
        ),
        "{stderr}"
    );
}

#[test]
fn a_sheet_of_a_funding_csv_is_an_error() {
    let scratch = Scratch::new();
    study(
        &scratch,
        "per_family = \"100\"\nfunding = { file = \"funding.csv\", sheet = \"Funding\" }",
    );
    scratch.write("funding.csv", "agency,share\nPolice,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "`funding` names the sheet `Funding` of funding.csv, which is not a workbook"
        ),
        "{stderr}"
    );
}

#[test]
fn an_agency_called_file_is_still_an_agency() {
    // Before funding could name a file, `{ file = "1" }` was an agency called "file" paying it
    // all; a study written so still reads as it did.
    let scratch = Scratch::new();
    study(&scratch, "per_family = \"100\"\nfunding = { file = \"1\" }");
    let report = report(&scratch);
    assert_eq!(
        decimal(&agency(&report, "file")["funding"]),
        Decimal::from(200)
    );
}

#[test]
fn the_output_may_not_replace_the_funding_file() {
    let scratch = Scratch::new();
    study(&scratch, "per_family = \"100\"\nfunding = \"funding.csv\"");
    scratch.write("funding.csv", "agency,share\nPolice,1\n");
    let stderr = scratch.fails(&["report", ".", "--output", "funding.csv"]);
    assert!(stderr.contains("the funding file"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("funding.csv")).unwrap(),
        "agency,share\nPolice,1\n"
    );
}

#[test]
fn a_funding_csv_given_as_the_study_is_an_error_saying_where_it_goes() {
    let scratch = Scratch::new();
    scratch.write("funding.csv", "agency,share\nPolice,1\n");
    let stderr = scratch.fails(&["report", "funding.csv"]);
    assert!(
        stderr.contains("funding.csv: this is a funding CSV, not a study"),
        "{stderr}"
    );
    assert!(stderr.contains("funding = \"funding.csv\""), "{stderr}");
}

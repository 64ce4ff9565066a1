//! Issue 14: service-use records from a worksheet, read and accounted as the same rows in a CSV.

use crate::common::Scratch;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell to write.
pub enum Cell {
    Text(&'static str),
    Number(f64),
    Date,
    /// A formula, saved with no result worked out (as rust_xlsxwriter and many exporters save
    /// them: a reader sees 0).
    Formula(&'static str),
}

/// Writes a workbook of sheets, each a header and rows of cells.
pub fn workbook(scratch: &Scratch, name: &str, sheets: &[(&str, Vec<Vec<Cell>>)]) {
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (sheet_name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*sheet_name).unwrap();
        for (row, cells) in rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                let (row, column) = (row as u32, column as u16);
                match cell {
                    Cell::Text(text) => sheet.write_string(row, column, *text).map(|_| ()),
                    Cell::Number(value) => sheet.write_number(row, column, *value).map(|_| ()),
                    Cell::Date => {
                        let date = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
                        sheet
                            .write_datetime_with_format(row, column, &date, &date_format)
                            .map(|_| ())
                    }
                    Cell::Formula(formula) => {
                        sheet.write_formula(row, column, *formula).map(|_| ())
                    }
                }
                .unwrap();
            }
        }
    }
    book.save(scratch.path().join(name)).unwrap();
}

fn header() -> Vec<Cell> {
    vec![
        Cell::Text("family_id"),
        Cell::Text("service"),
        Cell::Text("quantity"),
    ]
}

fn report(scratch: &Scratch, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", ".", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&scratch.succeeds(&all)).unwrap()
}

fn study_toml(before: &str, after: &str) -> String {
    format!("[study]\nname = \"Test\"\nwindow_months = 6\nbefore = {before}\nafter = {after}\n")
}

#[test]
fn a_worksheet_reads_as_the_same_rows_in_a_csv() {
    let sheet_scratch = Scratch::new();
    workbook(
        &sheet_scratch,
        "extract.xlsx",
        &[
            (
                "Before",
                vec![
                    header(),
                    // A numeric family id is read as its text: 1001.
                    vec![
                        Cell::Number(1001.0),
                        Cell::Text("arrest"),
                        Cell::Number(2.0),
                    ],
                    vec![Cell::Text("B"), Cell::Text("arrest"), Cell::Number(0.1)],
                    vec![Cell::Text("B"), Cell::Text("arrest"), Cell::Text("1.5")],
                ],
            ),
            (
                "After",
                vec![
                    header(),
                    vec![
                        Cell::Number(1001.0),
                        Cell::Text("arrest"),
                        Cell::Number(1.0),
                    ],
                ],
            ),
        ],
    );
    sheet_scratch.write(
        "study.toml",
        study_toml(
            "{ file = \"extract.xlsx\", sheet = \"Before\" }",
            "[{ file = \"extract.xlsx\", sheet = \"After\" }]",
        ),
    );
    let csv_scratch = Scratch::new();
    csv_scratch.study(
        "family_id,service,quantity\n1001,arrest,2\nB,arrest,0.1\nB,arrest,1.5\n",
        "family_id,service,quantity\n1001,arrest,1\n",
    );
    let from_sheet = report(&sheet_scratch, &[]);
    let from_csv = report(&csv_scratch, &[]);
    let families = &from_sheet["studies"][0]["families"];
    assert_eq!(families, &from_csv["studies"][0]["families"]);
    assert_eq!(families[0]["family_id"], "1001");
    assert_eq!(families[0]["after"], "1930");
    assert_eq!(families[0]["before"], "3860");
    // 0.1 + 1.5 arrests at £1930: exactly 1.6 × 1930, so the 0.1 was read as 0.1.
    assert_eq!(families[1]["family_id"], "B");
    assert_eq!(families[1]["before"], "3088");
    let input = &from_sheet["studies"][0]["inputs"][0];
    assert_eq!(input["rows_read"], 3);
    assert_eq!(input["rows_used"], 3);
}

#[test]
fn a_quick_run_reads_the_first_sheet() {
    let scratch = Scratch::new();
    workbook(
        &scratch,
        "before.xlsx",
        &[(
            "Sheet1",
            vec![
                header(),
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Number(3.0)],
            ],
        )],
    );
    scratch.write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let output = scratch.succeeds(&[
        "report",
        "--before",
        "before.xlsx",
        "--after",
        "after.csv",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&output).unwrap();
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["before"], "5790", "{report}");
    assert_eq!(family["after"], "1930");
}

#[test]
fn a_date_in_the_quantity_is_an_error_naming_the_cell() {
    let scratch = Scratch::new();
    workbook(
        &scratch,
        "extract.xlsx",
        &[(
            "Before",
            vec![
                header(),
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Number(1.0)],
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Date],
            ],
        )],
    );
    scratch
        .write(
            "study.toml",
            study_toml(
                "{ file = \"extract.xlsx\", sheet = \"Before\" }",
                "\"after.csv\"",
            ),
        )
        .write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "extract.xlsx Before!C3: the `quantity` cell Before!C3 holds a date (2024-03-01), not a number"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("format it as Number"), "{stderr}");
}

#[test]
fn a_formula_in_the_quantity_is_an_error_naming_the_cell() {
    // Saved with no result worked out, the formula would be read as a quantity of 0.
    let scratch = Scratch::new();
    workbook(
        &scratch,
        "extract.xlsx",
        &[(
            "Before",
            vec![
                header(),
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Formula("=1+1")],
            ],
        )],
    );
    scratch
        .write(
            "study.toml",
            study_toml("\"extract.xlsx\"", "\"after.csv\""),
        )
        .write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "extract.xlsx Before!C2: the `quantity` cell Before!C2 holds a formula (=1+1), not a number"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("paste them as values"), "{stderr}");
}

#[test]
fn an_unknown_sheet_is_an_error_listing_the_sheets() {
    let scratch = Scratch::new();
    workbook(
        &scratch,
        "extract.xlsx",
        &[("Before", vec![header()]), ("After", vec![header()])],
    );
    scratch.write(
        "study.toml",
        study_toml(
            "{ file = \"extract.xlsx\", sheet = \"Pre\" }",
            "{ file = \"extract.xlsx\", sheet = \"After\" }",
        ),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "the workbook extract.xlsx has no sheet `Pre`: its sheets are `Before`, `After`"
        ),
        "{stderr}"
    );
}

#[test]
fn skip_bad_rows_accounts_for_every_row_of_a_sheet() {
    let scratch = Scratch::new();
    workbook(
        &scratch,
        "extract.xlsx",
        &[(
            "Before",
            vec![
                header(),
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Number(2.0)],
                vec![Cell::Text(""), Cell::Text(""), Cell::Text("")],
                vec![Cell::Text("A"), Cell::Text("nonsense"), Cell::Number(1.0)],
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Date],
            ],
        )],
    );
    scratch
        .write(
            "study.toml",
            study_toml("\"extract.xlsx\"", "\"after.csv\""),
        )
        .write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let report = report(&scratch, &["--skip-bad-rows"]);
    let study = &report["studies"][0];
    assert_eq!(study["families"][0]["before"], "3860");
    let input = &study["inputs"][0];
    assert_eq!(input["rows_read"], 4, "{input}");
    assert_eq!(input["rows_used"], 1);
    assert_eq!(input["rows_blank"], 1);
    assert_eq!(input["rows_rejected"], 2);
    let rejects = std::fs::read_to_string(scratch.path().join("tfcalc-rejects.csv")).unwrap();
    assert!(rejects.contains("unknown service `nonsense`"), "{rejects}");
    assert!(rejects.contains("Before!C5 holds a date"), "{rejects}");
}

#[test]
fn a_worksheet_entry_with_an_unknown_key_is_an_error() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            study_toml(
                "{ file = \"extract.xlsx\", sheat = \"Before\" }",
                "\"after.csv\"",
            ),
        )
        .write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("`before` must be a file name, a worksheet, or a list of them"),
        "{stderr}"
    );
    assert!(
        stderr.contains("before = { file = \"extract.xlsx\", sheet = \"before\" }"),
        "{stderr}"
    );
}

#[test]
fn a_sheet_of_a_csv_is_an_error() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,arrest,1\n",
        "family_id,service,quantity\nA,arrest,1\n",
    );
    scratch.write(
        "study.toml",
        study_toml(
            "{ file = \"before.csv\", sheet = \"Before\" }",
            "\"after.csv\"",
        ),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("`before` names the sheet `Before` of before.csv, which is not a workbook"),
        "{stderr}"
    );
}

#[test]
fn a_workbook_is_read_by_what_it_holds_not_by_its_name() {
    let scratch = Scratch::new();
    // An .xlsx saved under an .xls name (or the other way round) is still the workbook it is.
    workbook(
        &scratch,
        "before.xls",
        &[(
            "Sheet1",
            vec![
                header(),
                vec![Cell::Text("A"), Cell::Text("arrest"), Cell::Number(3.0)],
            ],
        )],
    );
    scratch.write("after.csv", "family_id,service,quantity\nA,arrest,1\n");
    let args = [
        "report",
        "--before",
        "before.xls",
        "--after",
        "after.csv",
        "--format",
        "json",
    ];
    let report: serde_json::Value = serde_json::from_str(&scratch.succeeds(&args)).unwrap();
    assert_eq!(report["studies"][0]["families"][0]["before"], "5790");

    // A web page saved as "Excel", as some websites' downloads are, is named for what it is.
    scratch.write(
        "before.xls",
        "<html><body><table><tr><td>family_id</td></tr></table></body></html>",
    );
    let stderr = scratch.fails(&args);
    assert!(
        stderr.contains(
            "before.xls: cannot read the workbook: it is a web page (HTML) named as a workbook"
        ),
        "{stderr}"
    );
}

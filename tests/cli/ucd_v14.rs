//! The Unit Cost Database v1.4 workbook (March 2015), imported from the `.xlsx` itself: its counts,
//! its three kinds of value, its deflator, and the committed table generated from it.

use crate::common::{Scratch, repo, stdout, tfcalc};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::Arc;
use tfcalc::costs::import_ucd_workbook::{self, WorkbookImport};
use tfcalc::costs::{CostBook, OtherValue, table::parse_table};
use tfcalc::diagnostic::Diagnostics;
use tfcalc::input_path::InputPath;
use tfcalc::uprating::{Deflator, Uprating};

fn workbook() -> PathBuf {
    repo().join("tests/fixtures/ucd-v1.4/unit-cost-database-v1.4.xlsx")
}

fn imported() -> WorkbookImport {
    let mut diagnostics = Diagnostics::new();
    let import = import_ucd_workbook::import(&InputPath::given(workbook()), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.problems());
    import.expect("the workbook imports")
}

fn committed(name: &str) -> String {
    std::fs::read_to_string(repo().join("unit-costs").join(name)).unwrap()
}

fn money(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn the_workbook_has_683_coded_lines_with_its_published_counts() {
    let result = imported();
    assert_eq!(result.lines.len(), 683);
    let count = |kind: &str| {
        result
            .lines
            .iter()
            .filter(|line| line.values.contains_key(kind))
            .count()
    };
    assert_eq!(count("fiscal"), 674);
    assert_eq!(count("economic"), 80);
    assert_eq!(count("social"), 25);
    let grade = |grade: &str| {
        result
            .lines
            .iter()
            .filter(|line| line.grade.as_deref() == Some(grade))
            .count()
    };
    assert_eq!((grade("G"), grade("A"), grade("R")), (507, 173, 3));
    // 683 lines: 673 costs, 9 with no fiscal value (apprenticeships valued economically only) and
    // CR8.18.5, whose fiscal value is 0 and which the workbook does not update.
    assert_eq!(result.import.costs.len(), 673);
    assert_eq!(result.import.skipped.len(), 10);
    assert!(
        result.import.repeated_codes.is_empty(),
        "no code twice in v1.4"
    );
    // The line without a code is reported, not lost.
    assert_eq!(result.uncoded_values.len(), 1);
    assert_eq!(result.uncoded_values[0].0, "Crime!C58");
}

#[test]
fn a_line_carries_its_fiscal_economic_and_social_values_and_both_agency_levels() {
    let result = imported();
    let cost = |code: &str| {
        result
            .import
            .costs
            .iter()
            .find(|cost| cost.code == code)
            .unwrap_or_else(|| panic!("{code} is imported"))
    };
    let year = |text: &str| text.parse().unwrap();

    let truancy = cost("E&S1.0");
    assert_eq!(truancy.cost, money("1509"));
    assert_eq!(truancy.economic, Some((money("842"), year("2005/06"))));
    assert_eq!(truancy.social, None);
    assert_eq!(truancy.price_year, year("2005/06"));

    let jsa = cost("E&E1.0");
    assert_eq!(jsa.cost, money("9800"));
    assert_eq!(jsa.economic, Some((money("14044"), year("2012/13"))));
    assert_eq!(jsa.agency, "Multiple");
    assert_eq!(jsa.agency_detail.as_deref(), Some("DWP"));
    assert_eq!(jsa.confidence.as_deref(), Some("G"));

    let alcohol = cost("HE1.0");
    assert_eq!(alcohol.cost, money("1800"));
    assert_eq!(alcohol.economic, None);
    assert_eq!(alcohol.social, Some((money("1398"), year("2009/10"))));
    assert_eq!(alcohol.agency, "NHS");
    assert_eq!(
        alcohol.agency_detail.as_deref(),
        Some("Clinical Commissioning Group")
    );
    assert!(alcohol.source.as_deref().unwrap().contains("NICE"));
    assert!(alcohol.comment.as_deref().unwrap().contains("QALY"));

    // SS16.0's economic value is at another price year than its fiscal value, and says so.
    let ss16 = cost("SS16.0");
    assert_eq!(ss16.price_year, year("2009/10"));
    assert_eq!(ss16.economic.unwrap().1, year("2008/09"));
}

#[test]
fn the_lookups_deflator_is_the_march_2015_budget_series() {
    let result = imported();
    let deflator = &result.deflator;
    assert_eq!(deflator.years.len(), 31);
    assert_eq!(deflator.first_year().to_string(), "1989/90");
    assert_eq!(deflator.last_year().to_string(), "2019/20");
    assert_eq!(deflator.forecast_from.unwrap().to_string(), "2014/15");
    assert_eq!(deflator.current_year.to_string(), "2015/16");
    // Float cells become the decimals the workbook shows: 8.27, not 8.2699999999999995737.
    assert_eq!(deflator.years[1].1, money("8.27"));
    assert_eq!(deflator.years[2].1, money("5.868"));
}

#[test]
fn every_updated_cost_in_the_workbook_is_reproduced_with_its_own_deflator() {
    let result = imported();
    assert!(result.mismatches.is_empty(), "{:?}", result.mismatches);
    assert!(result.not_updated.is_empty(), "{:?}", result.not_updated);
    assert_eq!(result.checked["fiscal"], 673);
    assert_eq!(result.checked["economic"], 80);
    assert_eq!(result.checked["social"], 25);

    // And the committed files do the same through tfcalc's own uprating: the table's fiscal costs,
    // uprated to 2015/16 with the committed deflator file, are the workbook's updated column.
    let mut diagnostics = Diagnostics::new();
    let deflator = Deflator::parse(
        "gdp-deflator-ucd-v1.4.toml",
        &committed("gdp-deflator-ucd-v1.4.toml"),
        &mut diagnostics,
    )
    .expect("the deflator file loads");
    let uprating = Uprating {
        target: "2015/16".parse().unwrap(),
        deflator: Arc::new(deflator),
    };
    let table = parse_table(
        "ucd-v1.4.toml",
        &committed("ucd-v1.4.toml"),
        false,
        &mut diagnostics,
    )
    .unwrap();
    let book = CostBook::from_tables(vec![table], Some(&uprating), &mut diagnostics)
        .expect("the table loads");
    let mut checked = 0;
    for cost in &result.import.costs {
        let line = result
            .lines
            .iter()
            .find(|line| line.code == cost.code)
            .unwrap();
        let published = line.values["fiscal"].updated.unwrap();
        let ours = book.service(book.lookup(&cost.id).unwrap()).unit_cost;
        assert!(
            (ours - published).abs() <= money("0.01"),
            "{}: uprated to {ours}, the workbook says {published}",
            cost.code
        );
        checked += 1;
    }
    assert_eq!(checked, 673);
}

#[test]
fn the_committed_table_and_deflator_are_what_the_import_writes() {
    let scratch = Scratch::new();
    let output = tfcalc()
        .args(["costs", "import-ucd"])
        .arg(workbook())
        .arg("--output")
        .arg(scratch.path().join("ucd-v1.4.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Read 683 lines. Imported 673 unit costs; skipped 10 lines"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "683 coded lines: 674 with a fiscal value, 80 with an economic value, 25 with a social value."
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("RAG grades: R 3, A 173, G 507."),
        "{stderr}"
    );
    assert!(
        stderr.contains("778 of 778 updated costs reproduced to the penny"),
        "{stderr}"
    );
    assert!(stderr.contains("Crime!C58"), "{stderr}");
    let written = std::fs::read_to_string(scratch.path().join("ucd-v1.4.toml")).unwrap();
    assert!(
        written == committed("ucd-v1.4.toml"),
        "unit-costs/ucd-v1.4.toml is out of date: regenerate it with `tfcalc costs import-ucd tests/fixtures/ucd-v1.4/unit-cost-database-v1.4.xlsx --output unit-costs/ucd-v1.4.toml`"
    );
    let deflator =
        std::fs::read_to_string(scratch.path().join("gdp-deflator-ucd-v1.4.toml")).unwrap();
    assert!(
        deflator == committed("gdp-deflator-ucd-v1.4.toml"),
        "unit-costs/gdp-deflator-ucd-v1.4.toml is out of date: regenerate it with the import"
    );
}

#[test]
fn the_v1_4_table_loads_with_its_economic_and_social_values() {
    let listed = stdout(&[
        "costs",
        "list",
        "--costs",
        repo().join("unit-costs/ucd-v1.4.toml").to_str().unwrap(),
    ]);
    assert!(listed.contains("673 of 673 unit costs."), "{listed}");

    let mut diagnostics = Diagnostics::new();
    let (_, costs) = parse_table(
        "ucd-v1.4.toml",
        &committed("ucd-v1.4.toml"),
        false,
        &mut diagnostics,
    )
    .unwrap();
    let alcohol = costs.iter().find(|cost| cost.id == "he1.0").unwrap();
    assert_eq!(
        alcohol.social,
        Some(OtherValue {
            amount: money("1398"),
            price_year: Some("2009/10".parse().unwrap())
        })
    );
    let ss16 = costs.iter().find(|cost| cost.id == "ss16.0").unwrap();
    assert_eq!(
        ss16.economic.as_ref().unwrap().price_year,
        Some("2008/09".parse().unwrap())
    );
}

/// A workbook in the v1.4 layout with one theme line, built here so that a bad cell can be placed.
/// `social` is the header of the social group's estimate column (N2).
fn small_workbook(path: &std::path::Path, cost: Option<&str>, social: &str) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    for name in import_ucd_workbook::THEMES {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (column, header) in [
            (2, "Cost code"),
            (16, "Original source"),
            (17, "RAG assessment"),
            (18, "Comment"),
        ] {
            sheet.write_string(0, column, header).unwrap();
        }
        sheet.write_string(1, 5, "Level 1").unwrap();
        sheet.write_string(1, 6, "Level 2").unwrap();
        // Fiscal, economic and social: (estimate, year, updated) each.
        for first in [7, 10, 13] {
            let estimate = if first == 13 {
                social
            } else {
                "Estimated cost/saving"
            };
            sheet.write_string(1, first, estimate).unwrap();
            sheet.write_string(1, first + 1, "Year").unwrap();
            sheet
                .write_string(1, first + 2, "Updated cost/saving")
                .unwrap();
        }
        if name == "Crime" {
            sheet.write_string(2, 2, "CR1.0").unwrap();
            sheet.write_string(2, 3, "A line").unwrap();
            sheet.write_string(2, 4, "Per incident").unwrap();
            sheet.write_string(2, 5, "Police").unwrap();
            match cost {
                Some(text) => sheet.write_string(2, 7, text).unwrap(),
                None => sheet.write_number(2, 7, 100.0).unwrap(),
            };
            sheet.write_string(2, 8, "2014/15").unwrap();
            sheet.write_number(2, 9, 102.0).unwrap();
            sheet.write_string(2, 17, "G").unwrap();
        }
    }
    let lookups = book.add_worksheet();
    lookups.set_name("Lookups").unwrap();
    lookups.write_string(0, 9, "Current Year").unwrap();
    lookups.write_string(1, 9, "2015/16").unwrap();
    lookups
        .write_string(0, 12, "% change on previous year")
        .unwrap();
    for (row, year, change, index) in [(1, "2014/15", 1.0, 100.0), (2, "2015/16", 2.0, 102.0)] {
        lookups.write_string(row, 11, year).unwrap();
        lookups.write_number(row, 12, change).unwrap();
        lookups.write_number(row, 14, index).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_small_workbook_in_the_layout_imports() {
    let scratch = Scratch::new();
    small_workbook(
        &scratch.path().join("ucd.xlsx"),
        None,
        "Estimated cost/saving",
    );
    let table = scratch.succeeds(&["costs", "import-ucd", "ucd.xlsx"]);
    assert!(table.contains("cost = \"100\""), "{table}");
}

#[test]
fn a_cell_that_is_not_a_number_is_an_error_naming_its_sheet_and_cell() {
    let scratch = Scratch::new();
    small_workbook(
        &scratch.path().join("ucd.xlsx"),
        Some("about £100"),
        "Estimated cost/saving",
    );
    let stderr = scratch.fails(&["costs", "import-ucd", "ucd.xlsx"]);
    assert!(stderr.contains("Crime!H3"), "{stderr}");
    assert!(stderr.contains("the fiscal value of CR1.0"), "{stderr}");
}

#[test]
fn a_file_that_is_not_a_workbook_is_a_clear_error() {
    let scratch = Scratch::new();
    scratch.write("ucd.xlsx", "not a workbook");
    let stderr = scratch.fails(&["costs", "import-ucd", "ucd.xlsx"]);
    assert!(
        stderr.contains("the Unit Cost Database workbook cannot be read"),
        "{stderr}"
    );
}

#[test]
fn a_sheet_laid_out_differently_is_an_error_at_the_header_cell() {
    let scratch = Scratch::new();
    // As if a column were inserted before the social group.
    small_workbook(&scratch.path().join("other.xlsx"), None, "Notes");
    let stderr = scratch.fails(&["costs", "import-ucd", "other.xlsx"]);
    assert!(stderr.contains("Crime!N2"), "{stderr}");
    assert!(stderr.contains("\"estimated cost/saving\""), "{stderr}");
}

#[test]
fn a_workbook_with_csv_exports_is_refused() {
    let scratch = Scratch::new();
    small_workbook(
        &scratch.path().join("ucd.xlsx"),
        None,
        "Estimated cost/saving",
    );
    scratch.write("crime.csv", "");
    let stderr = scratch.fails(&["costs", "import-ucd", "ucd.xlsx", "crime.csv"]);
    assert!(stderr.contains("reads one workbook"), "{stderr}");
}

#[test]
fn a_tables_economic_value_must_be_a_number() {
    let scratch = Scratch::new();
    scratch.write(
        "costs.toml",
        "[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"10\"\neconomic = \"lots\"\nagency = \"Police\"\n",
    );
    let stderr = scratch.fails(&["costs", "list", "--costs", "costs.toml"]);
    assert!(stderr.contains("the economic value of `a`"), "{stderr}");
}

/// `costs show` gives a v1.4 line's economic and social values beside its cost, as stated, and
/// says that only the fiscal value is costed; the table is built in by name.
#[test]
fn costs_show_gives_the_economic_and_social_values_as_stated() {
    let output = tfcalc()
        .args(["--quiet", "costs", "show", "HE1.0", "--costs", "ucd-v1.4"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(crate::common::table_row(&text, "Cost")[1], "£1,800");
    assert_eq!(
        crate::common::table_row(&text, "Social value (2009/10 prices)")[1],
        "£1,398"
    );
    assert!(
        text.contains("the cost tfcalc adds up is the fiscal value alone"),
        "{text}"
    );
    let output = tfcalc()
        .args(["--quiet", "costs", "show", "E&E1.0", "--costs", "ucd-v1.4"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        crate::common::table_row(&text, "Cost")[1],
        "£9,800",
        "{text}"
    );
    assert!(text.contains("Economic value"), "{text}");
    assert!(text.contains("£14,044"), "{text}");
}

/// The workbook spells one agency two ways (`Local Authority` on 145 lines, `Local authority` on
/// 25): the import keeps one, as the CSV import does, so that the built-in table warns no study
/// of two agencies that are one.
#[test]
fn the_v14_table_spells_each_agency_one_way() {
    let table = std::fs::read_to_string(repo().join("unit-costs/ucd-v1.4.toml")).unwrap();
    assert!(!table.contains("agency = \"Local authority\""));
    assert_eq!(table.matches("agency = \"Local Authority\"").count(), 170);
    let output = tfcalc()
        .args(["costs", "list", "--costs", "ucd-v1.4"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

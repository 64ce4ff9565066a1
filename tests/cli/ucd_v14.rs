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

fn xls_workbook() -> PathBuf {
    repo().join("tests/fixtures/ucd-v1.4/unit-cost-database-v1.4.xls")
}

fn imported_from(path: PathBuf) -> WorkbookImport {
    let mut diagnostics = Diagnostics::new();
    let import = import_ucd_workbook::import(&InputPath::given(path), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.problems());
    import.expect("the workbook imports")
}

/// Runs `costs import-ucd FILE --output DIR/ucd-v1.4.toml` and returns the table, the deflator
/// file and what the import said.
fn import_into(
    scratch: &Scratch,
    file: &std::path::Path,
    folder: &str,
) -> (String, String, String) {
    std::fs::create_dir_all(scratch.path().join(folder)).unwrap();
    let output = scratch
        .tfcalc()
        .args(["costs", "import-ucd"])
        .arg(file)
        .arg("--output")
        .arg(format!("{folder}/ucd-v1.4.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    let read =
        |name: &str| std::fs::read_to_string(scratch.path().join(folder).join(name)).unwrap();
    (
        read("ucd-v1.4.toml"),
        read("gdp-deflator-ucd-v1.4.toml"),
        stderr,
    )
}

/// The lines of `ours` that differ from `theirs`, as (line number, ours, theirs).
fn differing_lines<'a>(ours: &'a str, theirs: &'a str) -> Vec<(usize, &'a str, &'a str)> {
    assert_eq!(ours.lines().count(), theirs.lines().count());
    ours.lines()
        .zip(theirs.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(number, (a, b))| (number + 1, a, b))
        .collect()
}

/// The `.xls` fixture is the `.xlsx` saved as Excel 97-2003 by LibreOffice 7.4 (see
/// tests/fixtures/ucd-v1.4/README.md). Importing it gives the committed table and deflator file
/// byte for byte, but for the one comment line that names the file they were generated from.
#[test]
fn the_older_xls_workbook_imports_to_the_same_table_and_deflator_as_the_xlsx() {
    let scratch = Scratch::new();
    let (table, deflator, said) = import_into(&scratch, &xls_workbook(), "from-xls");
    assert_eq!(
        differing_lines(&table, &committed("ucd-v1.4.toml")),
        vec![(
            4,
            "# Generated by `tfcalc costs import-ucd unit-cost-database-v1.4.xls --output <this file>` from the workbook itself.",
            "# Generated by `tfcalc costs import-ucd unit-cost-database-v1.4.xlsx --output <this file>` from the workbook itself.",
        )]
    );
    assert_eq!(
        differing_lines(&deflator, &committed("gdp-deflator-ucd-v1.4.toml")),
        vec![(
            3,
            "# Generated by `tfcalc costs import-ucd unit-cost-database-v1.4.xls --output ucd-v1.4.toml`, which writes this file",
            "# Generated by `tfcalc costs import-ucd unit-cost-database-v1.4.xlsx --output ucd-v1.4.toml`, which writes this file",
        )]
    );
    // And it says the same, file names apart.
    let (_, _, said_from_xlsx) = import_into(&scratch, &workbook(), "from-xlsx");
    assert_eq!(
        said.replace("v1.4.xls ", "v1.4.xlsx ")
            .replace("from-xls/", "from-xlsx/"),
        said_from_xlsx
    );
    assert!(
        said.contains("Read 683 lines. Imported 673 unit costs; skipped 10 lines"),
        "{said}"
    );
    assert!(
        said.contains("778 of 778 updated costs reproduced to the penny"),
        "{said}"
    );
}

/// calamine's `.xls` reader gives whole numbers as integers and the rest as doubles, where the
/// `.xlsx` reader gives doubles throughout: every figure must still come out as the same decimal.
#[test]
fn the_xls_reader_gives_every_figure_the_xlsx_reader_gives_exactly() {
    let (xls, xlsx) = (imported_from(xls_workbook()), imported_from(workbook()));
    assert_eq!(xls.lines.len(), 683);
    assert_eq!(xls.lines, xlsx.lines, "every value, year and updated value");
    assert_eq!(xls.deflator, xlsx.deflator);
    assert_eq!(xls.deflator.years[1].1, money("8.27"));
    let without_origin = |import: &WorkbookImport| {
        import
            .import
            .costs
            .iter()
            .map(|cost| {
                (
                    cost.code.clone(),
                    cost.cost,
                    cost.economic,
                    cost.social,
                    cost.price_year,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_origin(&xls), without_origin(&xlsx));
    assert_eq!(xls.checked, xlsx.checked);
    assert!(xls.mismatches.is_empty(), "{:?}", xls.mismatches);
    assert!(xls.not_updated.is_empty(), "{:?}", xls.not_updated);
    assert_eq!(xls.uncoded_values, xlsx.uncoded_values);
    assert_eq!(xls.uncoded_rows, xlsx.uncoded_rows);
    let cost = |import: &WorkbookImport, code: &str| {
        import
            .import
            .costs
            .iter()
            .find(|cost| cost.code == code)
            .unwrap()
            .cost
    };
    // A whole number (CR1.0's £500, an integer cell in the .xls) and fractional ones.
    assert_eq!(cost(&xls, "CR2.0"), cost(&xlsx, "CR2.0"));
    let updated = |import: &WorkbookImport, code: &str| {
        import
            .lines
            .iter()
            .find(|line| line.code == code)
            .unwrap()
            .values["fiscal"]
            .updated
            .unwrap()
    };
    assert_eq!(updated(&xls, "CR1.0"), money("673.23121831556"));
    assert_eq!(updated(&xlsx, "CR1.0"), money("673.23121831556"));
}

/// The one thing LibreOffice's conversion changes: CR8.18.5's fiscal value is 0, and the
/// workbook's formula, IF(H178>0, ..., ""), leaves its updated value blank. The .xlsx caches that
/// blank as an empty string; the .xls LibreOffice writes caches it as the number 0. Both mean the
/// workbook does not cost the line, and both imports skip it.
#[test]
fn a_zero_cost_whose_blank_updated_value_the_xls_holds_as_0_is_skipped_as_in_the_xlsx() {
    use calamine::{Data, Reader, Xls, Xlsx, open_workbook};
    let mut xls: Xls<_> = open_workbook(xls_workbook()).unwrap();
    let mut xlsx: Xlsx<_> = open_workbook(workbook()).unwrap();
    let (xls, xlsx) = (
        xls.worksheet_range("Crime").unwrap(),
        xlsx.worksheet_range("Crime").unwrap(),
    );
    assert_eq!(
        xls.get_value((177, 2)),
        Some(&Data::String("CR8.18.5".into()))
    );
    assert_eq!(xls.get_value((177, 9)), Some(&Data::Float(0.0)));
    assert_eq!(xlsx.get_value((177, 9)), Some(&Data::String(String::new())));
    for import in [imported_from(xls_workbook()), imported_from(workbook())] {
        let skipped = import
            .import
            .skipped
            .iter()
            .find(|skipped| skipped.code == "CR8.18.5")
            .expect("CR8.18.5 is skipped");
        assert_eq!(
            skipped.reason,
            "a fiscal value of 0 and no updated value: the workbook does not cost the line"
        );
        assert!(
            !import
                .import
                .costs
                .iter()
                .any(|cost| cost.code == "CR8.18.5")
        );
    }
}

/// The reader is chosen by what the file holds: an `.xls` renamed `.xlsx` (or the reverse) is
/// read, as Excel itself would open it.
#[test]
fn a_workbook_is_read_by_what_it_holds_not_by_its_name() {
    let scratch = Scratch::new();
    std::fs::copy(xls_workbook(), scratch.path().join("renamed.xlsx")).unwrap();
    std::fs::copy(workbook(), scratch.path().join("renamed.xls")).unwrap();
    std::fs::copy(workbook(), scratch.path().join("UPPER.XLS")).unwrap();
    let expected = committed("ucd-v1.4.toml");
    for file in ["renamed.xlsx", "renamed.xls", "UPPER.XLS"] {
        let (table, _, _) = import_into(&scratch, &scratch.path().join(file), "out");
        let differing = differing_lines(&table, &expected);
        assert_eq!(differing.len(), 1, "{file}: {differing:?}");
        assert_eq!(differing[0].0, 4, "{file}: only the line naming the file");
        assert!(
            differing[0].1.contains(&format!("import-ucd {file} ")),
            "{differing:?}"
        );
    }
}

#[test]
fn a_file_named_xls_that_is_not_a_workbook_is_a_clear_error() {
    let scratch = Scratch::new();
    let truncated = std::fs::read(xls_workbook()).unwrap()[..4096].to_vec();
    let mut ods = b"PK\x03\x04".to_vec();
    ods.resize(30, 0);
    ods.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "export.xls",
            b"Outcome category,Outcome detail,Cost code\nCRIME,ARREST,CR1.0\n".to_vec(),
            "it is text (a CSV or tab-separated file?), not a workbook; the theme sheets' CSV exports are read as CSV when their names end .csv",
        ),
        (
            "download.xls",
            b"<html><body><table><tr><td>CR1.0</td></tr></table></body></html>".to_vec(),
            "it is a web page (HTML) named as a workbook",
        ),
        ("empty.xls", Vec::new(), "it is empty"),
        (
            "cut-short.xls",
            truncated,
            "it begins as an .xls (Excel 97-2003) workbook does, but cannot be read as one (",
        ),
        (
            "sheet.xls",
            ods,
            "it is an OpenDocument file (.ods), not an Excel workbook",
        ),
        (
            "binary.xls",
            vec![0, 1, 2, 3, 0xff, 0xfe, 0],
            "it is not an Excel workbook: an .xls file begins with the bytes D0 CF 11 E0, an .xlsx file is a ZIP archive",
        ),
    ];
    for (name, contents, expected) in cases {
        scratch.write(name, contents);
        let stderr = scratch.fails(&["costs", "import-ucd", name, "--output", "ucd.toml"]);
        assert!(
            stderr.starts_with(&format!(
                "error: {name}: the Unit Cost Database workbook cannot be read: "
            )),
            "{stderr}"
        );
        assert!(stderr.contains(expected), "{name}: {expected}\n{stderr}");
        assert!(
            stderr.contains("open this file in Excel or LibreOffice and save it as .xlsx"),
            "{stderr}"
        );
        assert_eq!(
            stderr
                .lines()
                .filter(|line| line.starts_with("error:"))
                .count(),
            1,
            "{stderr}"
        );
        assert!(!scratch.path().join("ucd.toml").exists());
    }
}

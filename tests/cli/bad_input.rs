//! Bad input gets a clear error naming the file and line, exit code 2, and never a panic.

use crate::common::Scratch;

const HEADER: &str = "family_id,service,quantity\n";

fn with_before(rows: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch.study(&format!("{HEADER}{rows}"), &format!("{HEADER}A,arrest,1\n"));
    scratch
}

#[test]
fn unknown_service_names_file_line_and_nearest_ids() {
    let scratch = with_before("A,police_hour,2\nA,arest,1\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:3:2: unknown service `arest`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `arrest`?"), "{stderr}");
}

#[test]
fn negative_quantity_is_refused() {
    let stderr = with_before("A,arrest,-1\n").fails(&["report", "."]);
    assert!(stderr.contains("before.csv:2:3"), "{stderr}");
    assert!(stderr.contains("\"-1\" is negative"), "{stderr}");
}

#[test]
fn empty_quantity_is_refused() {
    let stderr = with_before("A,arrest,\n").fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:3: the `quantity` is empty"),
        "{stderr}"
    );
}

#[test]
fn non_numeric_quantity_is_refused() {
    let stderr = with_before("A,arrest,three\n").fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:3: bad `quantity`: \"three\" is not a number"),
        "{stderr}"
    );
}

#[test]
fn overflowing_quantity_is_refused() {
    let huge = "9".repeat(40);
    let stderr = with_before(&format!("A,arrest,{huge}\n")).fails(&["report", "."]);
    assert!(stderr.contains("before.csv:2:3"), "{stderr}");
    assert!(
        stderr.contains("more digits than tfcalc can hold"),
        "{stderr}"
    );
}

#[test]
fn overflowing_cost_is_refused() {
    // Each quantity fits, but quantity × £1,930 does not.
    let stderr = with_before("A,arrest,79000000000000000000000000000\n").fails(&["report", "."]);
    assert!(
        stderr.contains(
            "before.csv:2:3: the quantity times the unit cost is too large to compute exactly"
        ),
        "{stderr}"
    );
}

#[test]
fn overflowing_sum_of_rows_is_refused() {
    let big = "50000000000000000000000000000";
    let scratch =
        with_table("[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"0.5\"\nagency = \"X\"\n");
    scratch.write("before.csv", format!("{HEADER}A,a,{big}\nA,a,{big}\n"));
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:3: adding this row's quantity overflows the study's total quantity of this service"),
        "{stderr}"
    );
}

#[test]
fn a_number_with_an_unquoted_comma_is_not_half_read() {
    let stderr = with_before("A,arrest,1,500\n").fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:4: the row has 4 fields but the header names 3: a value has an unquoted comma?"),
        "{stderr}"
    );
}

#[test]
fn missing_column_is_named_with_the_columns_found() {
    let scratch = Scratch::new();
    scratch.study(
        "family,service,qty\nA,arrest,1\n",
        &format!("{HEADER}A,arrest,1\n"),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:1: missing required column `family_id`; the columns found are: family, service, qty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rename the column `family` to `family_id`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rename the column `qty` to `quantity`"),
        "{stderr}"
    );
}

#[test]
fn a_header_only_file_is_a_window_in_which_nobody_used_anything() {
    // Issue 11, defect 3: refused before; now family A costs £0 before, and the file is counted.
    let scratch = with_before("");
    let output = scratch.succeeds(&["report", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&output).unwrap();
    let study = &report["studies"][0];
    assert_eq!(study["families"][0]["family_id"], "A");
    assert_eq!(study["families"][0]["before"], "0");
    assert_eq!(study["families"][0]["after"], "1930");
    assert_eq!(study["inputs"][0]["rows_read"], 0);
    assert_eq!(study["inputs"][0]["rows_used"], 0);
    let check = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{text}");
    assert!(
        text.contains("warning: before.csv: the window before has no records: every family's costs before are £0"),
        "{text}"
    );
}

#[test]
fn empty_csv_is_an_error() {
    let scratch = Scratch::new();
    scratch.study("", &format!("{HEADER}A,arrest,1\n"));
    let stderr = scratch.fails(&["report", "."]);
    assert!(stderr.contains("before.csv: the file is empty"), "{stderr}");
}

#[test]
fn study_naming_a_missing_file_shows_the_resolved_path() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"data/before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("after.csv", format!("{HEADER}A,arrest,1\n"));
    let stderr = scratch.fails(&["report", "."]);
    let resolved = scratch
        .path()
        .canonicalize()
        .unwrap()
        .join("data/before.csv");
    assert!(stderr.contains("study.toml:3:10"), "{stderr}");
    assert!(
        stderr.contains(&format!("{} does not exist", resolved.display())),
        "{stderr}"
    );
}

#[test]
fn study_toml_syntax_error_gives_line_and_column() {
    let scratch = Scratch::new();
    scratch.write("study.toml", "[study]\nname = \"T\"\nbefore = before.csv\n");
    let stderr = scratch.fails(&["report", "study.toml"]);
    assert!(stderr.contains("study.toml:3:10: invalid TOML"), "{stderr}");
}

fn with_table(table: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("costs.toml", table)
        .write("before.csv", format!("{HEADER}A,a,1\n"))
        .write("after.csv", format!("{HEADER}A,a,0\n"));
    scratch
}

#[test]
fn table_toml_syntax_error_gives_line_and_column() {
    let stderr = with_table("[[unit_cost]]\nid = \"a\"\ncost = \"1\nagency = \"X\"\n")
        .fails(&["report", "."]);
    assert!(stderr.contains("costs.toml:3:"), "{stderr}");
    assert!(stderr.contains("invalid TOML"), "{stderr}");
}

#[test]
fn missing_cost_is_an_error() {
    let stderr = with_table("[[unit_cost]]\nid = \"a\"\nname = \"A\"\nagency = \"Police\"\n")
        .fails(&["report", "."]);
    assert!(
        stderr.contains("costs.toml:2:6: unit cost `a` has no `cost`"),
        "{stderr}"
    );
}

#[test]
fn missing_agency_is_an_error() {
    let stderr = with_table("[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"1\"\n")
        .fails(&["report", "."]);
    assert!(
        stderr.contains("costs.toml:2:6: unit cost `a` has no `agency`"),
        "{stderr}"
    );
}

#[test]
fn float_cost_is_refused_as_inexact() {
    let stderr =
        with_table("[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = 0.1\nagency = \"X\"\n")
            .fails(&["report", "."]);
    assert!(stderr.contains("costs.toml:4:8"), "{stderr}");
    assert!(stderr.contains("TOML float"), "{stderr}");
}

#[test]
fn duplicate_id_in_one_table_is_an_error() {
    let entry = "[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"1\"\nagency = \"X\"\n";
    let stderr = with_table(&format!("{entry}\n{entry}")).fails(&["report", "."]);
    assert!(
        stderr.contains(
            "costs.toml:8:6: duplicate unit-cost id `a`: it is already defined at costs.toml:2:6"
        ),
        "{stderr}"
    );
}

#[test]
fn duplicate_id_across_tables_is_an_error() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch.write(
        "local.toml",
        "[[unit_cost]]\nid = \"arrest\"\nname = \"Arrest\"\ncost = \"2000\"\nagency = \"Police\"\n",
    );
    let stderr = scratch.fails(&[
        "report",
        ".",
        "--costs",
        "../hertfordshire.toml",
        "--costs",
        "local.toml",
    ]);
    assert!(
        stderr.contains("hertfordshire.toml does not exist"),
        "{stderr}"
    );

    let table = crate::common::repo().join("unit-costs/hertfordshire-2013.toml");
    let stderr = scratch.fails(&[
        "report",
        ".",
        "--costs",
        table.to_str().unwrap(),
        "--costs",
        "local.toml",
    ]);
    assert!(
        stderr
            .contains("local.toml:2:6: duplicate unit-cost id `arrest`: it is already defined at"),
        "{stderr}"
    );
    assert!(stderr.contains("overrides = true"), "{stderr}");
}

#[test]
fn composite_cycle_is_an_error() {
    let table = "\
[[unit_cost]]
id = \"a\"
name = \"A\"
components = [{ id = \"b\", quantity = \"2\" }]

[[unit_cost]]
id = \"b\"
name = \"B\"
components = [{ id = \"c\" }]

[[unit_cost]]
id = \"c\"
name = \"C\"
components = [{ id = \"a\" }]
";
    let stderr = with_table(table).fails(&["report", "."]);
    assert!(
        stderr.contains("composite unit costs form a cycle: a → b → c → a"),
        "{stderr}"
    );
}

#[test]
fn composite_with_unknown_component_suggests_ids() {
    let table = "\
[[unit_cost]]
id = \"officer_hour\"
name = \"Officer\"
cost = \"42\"
agency = \"Council\"

[[unit_cost]]
id = \"a\"
name = \"A\"
components = [{ id = \"oficer_hour\", quantity = \"36\" }]
";
    let stderr = with_table(table).fails(&["report", "."]);
    assert!(
        stderr.contains("costs.toml:10:22: composite `a` uses unknown unit cost `oficer_hour`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `officer_hour`?"), "{stderr}");
}

#[test]
fn excel_exports_with_bom_crlf_and_pound_signs_are_read() {
    let scratch = Scratch::new();
    scratch.study(
        "\u{feff}Family_ID , Service,QUANTITY\r\nA,arrest,\"1,000\"\r\nA,police_hour,2\r\n\r\n,,\r\n",
        "family_id,service,quantity\r\nA,arrest,1\r\n",
    );
    let output = scratch.succeeds(&["report", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&output).unwrap();
    let study = &report["studies"][0];
    // 1,000 arrests at £1,930 and 2 police hours at £33.
    assert_eq!(study["families"][0]["before"], "1930066");
    assert_eq!(study["inputs"][0]["rows_read"], 4);
    assert_eq!(study["inputs"][0]["rows_used"], 2);
    assert_eq!(study["inputs"][0]["rows_blank"], 2);
}

#[test]
fn no_study_is_a_usage_error() {
    let stderr = Scratch::new().fails(&["report"]);
    assert!(stderr.contains("no study given"), "{stderr}");
}

#[test]
fn a_folder_without_study_toml_is_explained() {
    let scratch = Scratch::new();
    scratch.write("data/x.csv", "");
    let stderr = scratch.fails(&["report", "data"]);
    assert!(stderr.contains("has no study.toml"), "{stderr}");
}

#[test]
fn line_numbers_count_empty_lines_and_crlf() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\r\nA,arrest,1\r\n\r\n\r\nA,arest,1\r\n",
        &format!("{HEADER}A,arrest,1\n"),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:5:2: unknown service `arest`"),
        "{stderr}"
    );
}

/// Families are costed on every core, but the error is always the first family's in reading
/// order, never whichever a thread happened to reach first.
#[test]
fn a_family_too_large_to_cost_is_the_first_in_order_on_any_threads() {
    let scratch =
        with_table("[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"1\"\nagency = \"X\"\n");
    scratch.write(
        "study.toml",
        "[study]\nname = \"T\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"79228162514264337593543950335\"\n",
    );
    // Families F0500 and F1500 cost more after than before: less the largest intervention cost,
    // their net savings go past what a Decimal holds.
    let (mut before, mut after) = (String::from(HEADER), String::from(HEADER));
    for family in 0..2000 {
        let worse = family == 500 || family == 1500;
        before.push_str(&format!("F{family:04},a,{}\n", if worse { 1 } else { 5 }));
        after.push_str(&format!("F{family:04},a,{}\n", if worse { 3 } else { 1 }));
    }
    scratch
        .write("before.csv", before)
        .write("after.csv", after);
    for threads in ["1", "2", "4"] {
        let stderr = scratch.fails(&["report", ".", "--threads", threads]);
        assert!(
            stderr.contains("family F0500's net savings cannot be computed exactly"),
            "{threads} threads: {stderr}"
        );
        assert!(!stderr.contains("F1500"), "{threads} threads: {stderr}");
    }
}

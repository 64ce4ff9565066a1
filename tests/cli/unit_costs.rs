//! The unit-cost library: importing the Unit Cost Database, uprating it, browsing it, and local
//! overrides.

use crate::common::{Scratch, repo, stdout, table_row, tfcalc};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::PathBuf;
use tfcalc::costs::import_ucd::{self, Import};
use tfcalc::costs::{CostBasis, CostBook, table::parse_table};
use tfcalc::diagnostic::Diagnostics;
use tfcalc::input_path::InputPath;
use tfcalc::uprating::Uprating;

const THEMES: [&str; 7] = [
    "crime.csv",
    "education-skills.csv",
    "employment-economy.csv",
    "fire.csv",
    "health.csv",
    "housing.csv",
    "socialservices.csv",
];

fn theme_files() -> Vec<PathBuf> {
    THEMES
        .iter()
        .map(|name| repo().join("unit-costs/source/ucd-v1.2").join(name))
        .collect()
}

fn imported() -> Import {
    let mut diagnostics = Diagnostics::new();
    let inputs: Vec<InputPath> = theme_files().into_iter().map(InputPath::given).collect();
    let import = import_ucd::import(&inputs, &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.problems());
    import
}

fn committed_table() -> String {
    std::fs::read_to_string(repo().join("unit-costs/ucd-v1.2.toml")).unwrap()
}

fn book(text: &str, uprating: Option<&Uprating>) -> CostBook {
    let mut diagnostics = Diagnostics::new();
    let parsed = parse_table("ucd-v1.2.toml", text, false, &mut diagnostics).unwrap();
    CostBook::from_tables(vec![parsed], uprating, &mut diagnostics).expect("the table loads")
}

#[test]
fn import_reads_every_line_and_gives_unique_readable_ids() {
    let import = imported();
    assert_eq!(import.lines_read, 673);
    assert_eq!(import.costs.len(), 672);
    let ids: HashSet<&str> = import.costs.iter().map(|cost| cost.id.as_str()).collect();
    assert_eq!(ids.len(), 672, "ids are unique");
    let codes: HashSet<&str> = import.costs.iter().map(|cost| cost.code.as_str()).collect();
    assert_eq!(codes.len(), 635);
    assert_eq!(import.repeated_codes.len(), 19);
    // CR7.0.3 is three lines: homicide courts, prisons and other CJS.
    let homicide: Vec<&str> = import
        .costs
        .iter()
        .filter(|cost| cost.code == "CR7.0.3")
        .map(|cost| cost.id.as_str())
        .collect();
    assert_eq!(
        homicide,
        [
            "cr7.0.3-courts-legal-aid",
            "cr7.0.3-prisons",
            "cr7.0.3-other-cjs"
        ]
    );
    assert!(ids.contains("cr2.0") && ids.contains("ee1.7") && ids.contains("es1.0"));
}

#[test]
fn import_reports_and_skips_the_line_with_no_usable_cost() {
    let import = imported();
    assert_eq!(import.skipped.len(), 1);
    let skipped = &import.skipped[0];
    assert_eq!(skipped.code, "CR7.17.3");
    assert_eq!(skipped.description, "Shoplifting - Other CJS");
    assert!(
        skipped.origin.to_string().ends_with("crime.csv:278"),
        "{}",
        skipped.origin
    );
    assert!(skipped.reason.contains("a cost of 0 and no 2013/14 value"));
    assert_eq!(import.lines_read, import.costs.len() + import.skipped.len());
}

#[test]
fn import_handles_the_messy_cells() {
    let import = imported();
    let cost = |code: &str| {
        import
            .costs
            .iter()
            .find(|cost| cost.code == code)
            .unwrap()
            .clone()
    };
    // Multi-line description, joined.
    assert_eq!(
        cost("CR1.0").name,
        "Anti-social behaviour, further action necessary (cost of dealing with incident)"
    );
    // " £900 " as written in the social services sheet.
    assert_eq!(cost("SS4.0").cost, Decimal::from(900));
    // 327.8333333333 kept exactly.
    assert_eq!(cost("E&S1.0.4").cost.to_string(), "327.8333333333");
    // "Local authority" joins "Local Authority"; the level-2 agency is kept as detail.
    assert_eq!(cost("HO1.0.1").agency, "Local Authority");
    assert_eq!(cost("HO1.0.1").agency_detail.as_deref(), Some("RSL"));
    assert_eq!(cost("E&E1.7").unit, "week");
    assert_eq!(
        cost("E&E1.0").unit_plural.as_deref(),
        Some("claimants per year")
    );
    let agencies: HashSet<&str> = import
        .costs
        .iter()
        .map(|cost| cost.agency.as_str())
        .collect();
    assert!(!agencies.contains("Local authority"));
}

#[test]
fn domestic_violence_headline_is_a_composite_of_its_five_agency_components() {
    let import = imported();
    let headline = import
        .costs
        .iter()
        .find(|cost| cost.code == "CR2.0")
        .unwrap();
    assert_eq!(
        headline.components,
        ["cr2.0.1", "cr2.0.2", "cr2.0.3", "cr2.0.4", "cr2.0.5"]
    );

    let book = book(&committed_table(), None);
    let service = book.service(book.lookup("cr2.0").unwrap());
    assert!(matches!(service.definition.basis, CostBasis::Components(_)));
    // 1,171 + 581 + 415 + 193 + 110.
    assert_eq!(service.unit_cost, Decimal::from(2470));
    let split: Vec<(&str, Decimal)> = service
        .agency_split
        .iter()
        .map(|(agency, amount)| (book.agency_name(*agency), *amount))
        .collect();
    let mut split_sorted = split.clone();
    split_sorted.sort();
    assert_eq!(
        split_sorted,
        [
            ("Criminal Justice System", Decimal::from(581)),
            ("Local Authority", Decimal::from(193 + 110)),
            ("NHS", Decimal::from(1171)),
            ("Police", Decimal::from(415)),
        ]
    );
}

#[test]
fn headlines_whose_components_do_not_split_them_stay_plain() {
    let import = imported();
    assert_eq!(
        import.composite_headlines.len() + import.plain_headlines.len(),
        68
    );
    // HE6.0: £1,713, with components of £3,208 and £1,438 that are variants, not a split.
    let he6 = import
        .plain_headlines
        .iter()
        .find(|plain| plain.code == "HE6.0")
        .unwrap();
    assert!(
        he6.reason.contains("sum to 4646, not its 1713"),
        "{}",
        he6.reason
    );
    // CR4.0 sums exactly, but its components are at another price year.
    let cr4 = import
        .plain_headlines
        .iter()
        .find(|plain| plain.code == "CR4.0")
        .unwrap();
    assert!(cr4.reason.contains("2008/09 prices"), "{}", cr4.reason);

    let book = book(&committed_table(), None);
    let he6 = book.service(book.lookup("he6.0").unwrap());
    assert_eq!(he6.definition.basis, CostBasis::Amount(Decimal::from(1713)));
    assert_eq!(he6.unit_cost, Decimal::from(1713));
}

#[test]
fn committed_table_is_what_the_import_writes() {
    let sources: Vec<String> = THEMES.iter().map(|name| name.to_string()).collect();
    let generated = import_ucd::to_toml(&imported(), &sources);
    assert!(
        generated == committed_table(),
        "unit-costs/ucd-v1.2.toml is out of date: regenerate it with `tfcalc costs import-ucd`"
    );
}

#[test]
fn uprating_reproduces_the_databases_own_2013_14_column_for_all_672_lines() {
    let import = imported();
    let book = book(
        &committed_table(),
        Some(&Uprating::to("2013/14".parse().unwrap())),
    );
    let mut checked = 0;
    for cost in &import.costs {
        let Some(published) = cost.uprated_2013_14 else {
            continue;
        };
        let ours = book.service(book.lookup(&cost.id).unwrap()).unit_cost;
        assert!(
            (ours - published).abs() <= Decimal::ONE,
            "{} ({}): uprated to {ours}, the database says {published}",
            cost.id,
            cost.code
        );
        checked += 1;
    }
    assert_eq!(checked, 672);
}

#[test]
fn import_ucd_writes_the_table_from_the_command_line() {
    let scratch = Scratch::new();
    let output = tfcalc()
        .args(["costs", "import-ucd"])
        .args(theme_files())
        .arg("--output")
        .arg(scratch.path().join("ucd.toml"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "Read 673 lines. Imported 672 unit costs; skipped 1 line with no usable cost."
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("CR7.17.3 (Shoplifting - Other CJS)"),
        "{stderr}"
    );
    assert!(stderr.contains("68 headlines have components"), "{stderr}");
    let written = std::fs::read_to_string(scratch.path().join("ucd.toml")).unwrap();
    assert_eq!(written, committed_table());
}

#[test]
fn import_refuses_lines_that_are_not_the_database_layout() {
    let scratch = Scratch::new();
    scratch.write(
        "bad.csv",
        "CRIME,X,CR1.0,desc,Police,,Per incident,500,2002/03\n",
    );
    let stderr = scratch.fails(&["costs", "import-ucd", "bad.csv"]);
    assert!(
        stderr.contains("bad.csv:1: the line has 9 columns; the Unit Cost Database export has 14"),
        "{stderr}"
    );
}

#[test]
fn import_skips_and_reports_lines_without_a_usable_cost_or_year() {
    let scratch = Scratch::new();
    let line = |code: &str, cost: &str, year: &str| {
        format!("CRIME,X,{code},\"Thing\nmore\",Police,,Per incident,{cost},{year}, £1 ,src,G,,\n")
    };
    scratch.write(
        "odd.csv",
        [
            line("CR1.0", "\" £1,234 \"", "2010/11"),
            line("CR1.1", "n/a", "2010/11"),
            line("CR1.2", "5", "someday"),
        ]
        .concat(),
    );
    let output = scratch
        .tfcalc()
        .args(["costs", "import-ucd", "odd.csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("Imported 1 unit cost; skipped 2 lines"),
        "{stderr}"
    );
    assert!(
        stderr.contains("odd.csv:3 CR1.1 (Thing, more): no usable cost"),
        "{stderr}"
    );
    assert!(
        stderr.contains("odd.csv:5 CR1.2 (Thing, more): no usable price year"),
        "{stderr}"
    );
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("cost = \"1234\""), "{table}");
}

/// The tables of the Unit Cost Database v1.2 and Hertfordshire, named: what tfcalc used when no
/// table was named, before v1.4 became the default.
const V1_2: [&str; 4] = ["--costs", "ucd-v1.2", "--costs", "hertfordshire-2013"];

fn v1_2(args: &[&str]) -> String {
    stdout(&[args, &V1_2[..]].concat())
}

#[test]
fn default_table_is_the_v1_4_database_plus_hertfordshire() {
    let text = stdout(&["costs", "list"]);
    assert!(text.contains("685 of 685 unit costs."), "{text}");
    assert_eq!(table_row(&text, "police_hour")[2], "£33");
    // v1.4's own numbering: CR1.3 is the Acceptable Behaviour Contract (v1.2's CR1.5).
    assert_eq!(
        table_row(&text, "cr1.3")[1],
        "Acceptable Behaviour Contract issued"
    );
    assert_eq!(table_row(&text, "ee1.3")[2], "£72.40");
    let text = v1_2(&["costs", "list"]);
    assert!(text.contains("684 of 684 unit costs."), "{text}");
    assert_eq!(table_row(&text, "cr2.0")[2], "£2,470");
    assert_eq!(
        table_row(&text, "cr1.5")[1],
        "Acceptable Behaviour Contract issued"
    );
}

#[test]
fn list_filters_by_agency_words_and_confidence() {
    let text = stdout(&["costs", "list", "--search", "domestic violence"]);
    assert!(text.contains("8 of 685 unit costs."), "{text}");
    let text = v1_2(&["costs", "list", "--search", "domestic violence"]);
    assert!(text.contains("7 of 684 unit costs."), "{text}");
    let text = v1_2(&["costs", "list", "--agency", "police", "--confidence", "R"]);
    let ids: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with("│ "))
        .map(|line| {
            line.trim_matches('│')
                .split('┆')
                .next()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["Id", "cr1.0", "cr1.1"]);
    let text = v1_2(&["costs", "list", "--search", "seeker single 25"]);
    assert_eq!(table_row(&text, "ee1.7")[2], "£71");
    tfcalc()
        .args(["costs", "list", "--confidence", "X"])
        .assert()
        .code(2);
}

#[test]
fn list_uprates_when_asked_and_says_so() {
    let text = v1_2(&[
        "costs",
        "list",
        "--search",
        "cr2.0.1",
        "--price-year",
        "2013/14",
    ]);
    // A unit cost is shown with its pence when it has them: uprating gives it some.
    assert_eq!(table_row(&text, "cr2.0.1")[2], "£1,311.43");
    assert_eq!(table_row(&text, "cr2.0.1")[5], "2013/14");
    assert!(text.contains("Costs are in 2013/14 prices"), "{text}");
}

#[test]
fn show_gives_every_field_the_components_and_the_agency_split() {
    // Wide enough that no field wraps (piped, `costs show` wraps at 100 columns).
    let output = crate::common::tfcalc()
        .env("COLUMNS", "400")
        .args(["costs", "show", "cr2.0"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for (field, value) in [
        ("Code", "CR2.0"),
        ("Cost", "£2,470"),
        ("Agency", "Multiple"),
        ("Price year", "2008/09"),
        ("Confidence", "A (medium)"),
        (
            "Source",
            "Sylvia Walby - The Cost of Domestic violence, update (2009), p.8",
        ),
    ] {
        assert_eq!(table_row(&text, field)[1], value, "{field}");
    }
    assert_eq!(
        table_row(&text, "cr2.0.3")[1..],
        [
            "Domestic violence - fiscal cost per incident: police",
            "1",
            "£415",
            "Police"
        ]
    );
    assert_eq!(table_row(&text, "Local Authority")[1], "£303");
    assert_eq!(table_row(&text, "Total")[1], "£2,470");

    let stderr = Scratch::new().fails(&["costs", "show", "cr2.O"]);
    assert!(
        stderr.contains("no unit cost has the id `cr2.O`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `cr2.0`"), "{stderr}");
}

#[test]
fn agencies_counts_the_costs_each_bears() {
    let text = v1_2(&["costs", "agencies"]);
    assert_eq!(table_row(&text, "Police")[1], "31");
    assert_eq!(table_row(&text, "Local Authority")[1], "170");
    assert!(!text.contains("│ Local authority "), "{text}");
}

#[test]
fn local_overrides_replace_reference_costs_and_reports_say_so() {
    let scratch = Scratch::new();
    scratch
        .write(
            "local.toml",
            "[table]\nname = \"Our local costs\"\noverrides = true\nprice_year = \"2013/14\"\n\n[[unit_cost]]\nid = \"arrest\"\nname = \"Arrests\"\nunit = \"arrest\"\ncost = \"2000\"\nagency = \"Police\"\n",
        )
        .write("before.csv", "family_id,service,quantity\nE,arrest,3\nE,cr2.0,1\n")
        .write("after.csv", "family_id,service,quantity\nE,arrest,0\n");
    let args = [
        "report",
        "--before",
        "before.csv",
        "--after",
        "after.csv",
        "--costs",
    ];
    // Without the reference table named, there is nothing to override: the local table is used alone.
    let stderr = scratch.fails(&[&args[..], &["local.toml"]].concat());
    assert!(stderr.contains("unknown service `cr2.0`"), "{stderr}");

    let reference = repo().join("unit-costs/ucd-v1.2.toml");
    let hertfordshire = repo().join("unit-costs/hertfordshire-2013.toml");
    let text = scratch.succeeds(
        &[
            &args[..],
            &[
                reference.to_str().unwrap(),
                "--costs",
                hertfordshire.to_str().unwrap(),
                "--costs",
                "local.toml",
            ],
        ]
        .concat(),
    );
    // 3 arrests at the local £2,000 and one domestic violence incident at £2,470.
    assert_eq!(table_row(&text, "Costs before")[1], "£8,470", "{text}");
    let overridden = table_row(&text, "Quick run");
    let row = text
        .lines()
        .find(|line| line.contains("Overridden unit cost"))
        .unwrap_or_else(|| panic!("no override listed:\n{text}"));
    assert!(
        row.contains("arrest: £1,930 (") && row.contains("hertfordshire-2013.toml:25:6)"),
        "{row}"
    );
    assert!(row.contains("replaced by £2,000 (local.toml:7:6)"), "{row}");
    let _ = overridden;
}

#[test]
fn near_miss_agency_names_are_warned_about() {
    let scratch = Scratch::new();
    scratch.write(
        "t.toml",
        "[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"1\"\nagency = \"Local Authority\"\n\n[[unit_cost]]\nid = \"b\"\nname = \"B\"\ncost = \"1\"\nagency = \"Local  authority.\"\n",
    );
    let output = scratch
        .tfcalc()
        .args(["costs", "agencies", "--costs", "t.toml"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("warning: t.toml:8:6: agency \"Local  authority.\" differs from \"Local Authority\" (at t.toml:2:6) only in case, spacing or punctuation"),
        "{stderr}"
    );
    let quiet = scratch
        .tfcalc()
        .args(["costs", "agencies", "--costs", "t.toml", "--quiet"])
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn uprating_a_cost_with_no_price_year_is_an_error_naming_it() {
    let scratch = Scratch::new();
    scratch.write(
        "t.toml",
        "[[unit_cost]]\nid = \"a\"\nname = \"A\"\ncost = \"10\"\nagency = \"Police\"\n",
    );
    let stderr = scratch.fails(&[
        "costs",
        "list",
        "--costs",
        "t.toml",
        "--price-year",
        "2013/14",
    ]);
    assert!(
        stderr.contains(
            "t.toml:2:6: unit cost `a` has no price year, so it cannot be uprated to 2013/14"
        ),
        "{stderr}"
    );
    let stderr = scratch.fails(&["costs", "list", "--price-year", "2040/41"]);
    assert!(
        stderr.contains("outside the GDP deflator series")
            || stderr.contains("no value for 2040/41"),
        "{stderr}"
    );
}

#[test]
fn studies_uprate_with_price_year_and_reports_state_it() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nprice_year = \"2013/14\"\nunit_costs = [\"ucd-v1.2\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", "family_id,service,quantity\nA,cr2.0,1\n")
        .write("after.csv", "family_id,service,quantity\nA,cr2.0,0\n");
    let json: serde_json::Value =
        serde_json::from_str(&scratch.succeeds(&["report", ".", "--format", "json"])).unwrap();
    let study = &json["studies"][0];
    assert_eq!(study["price_year"], "2013/14");
    let before: Decimal = study["families"][0]["before"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        tfcalc::money::round_for_display(before, 0),
        Decimal::from(2766)
    );

    let text = scratch.succeeds(&["report", "."]);
    assert!(
        text.contains("1 incident at £2,766.21 per incident = £2,766"),
        "{text}"
    );
    assert!(
        text.contains("police at £464.77 per incident = £464.77"),
        "{text}"
    );
    let prices = text
        .lines()
        .find(|line| line.contains("┆ Prices "))
        .unwrap();
    assert!(
        prices.contains("2013/14 prices: unit costs uprated"),
        "{prices}"
    );
    // The sources list each uprated cost at the year it was uprated to, not the year it was
    // published in (cr2.0 is a 2008/09 cost).
    scratch.succeeds(&[
        "report", ".", "--format", "csv", "--output", "out/", "--quiet",
    ]);
    let sources = std::fs::read_to_string(scratch.path().join("out/sources.csv")).unwrap();
    let cr2 = sources
        .lines()
        .find(|line| line.starts_with("cr2.0,"))
        .unwrap();
    assert!(
        cr2.contains(",2766.21,incident,") && cr2.contains(",2013/14,"),
        "{cr2}"
    );

    // --price-year on the command line wins over the study's.
    let json: serde_json::Value = serde_json::from_str(&scratch.succeeds(&[
        "report",
        ".",
        "--format",
        "json",
        "--price-year",
        "2008/09",
    ]))
    .unwrap();
    assert_eq!(json["studies"][0]["families"][0]["before"], "2470");
}

/// A composite with no grade of its own is as sure as its least sure part; with a part ungraded,
/// it is ungraded; a grade of its own stands.
#[test]
fn a_composite_takes_the_weakest_grade_of_its_components() {
    use tfcalc::costs::Confidence;
    let text = r#"
[table]
name = "graded"

[[unit_cost]]
id = "green"
name = "Green"
cost = "10"
agency = "Police"
confidence = "G"

[[unit_cost]]
id = "amber"
name = "Amber"
cost = "20"
agency = "NHS"
confidence = "A"

[[unit_cost]]
id = "ungraded"
name = "Ungraded"
cost = "5"
agency = "NHS"

[[unit_cost]]
id = "green_and_amber"
name = "Both"
components = [{ id = "green", quantity = "2" }, { id = "amber", quantity = "1" }]

[[unit_cost]]
id = "nested"
name = "Nested"
components = [{ id = "green_and_amber", quantity = "1" }, { id = "green", quantity = "3" }]

[[unit_cost]]
id = "with_ungraded"
name = "With an ungraded part"
components = [{ id = "green", quantity = "1" }, { id = "ungraded", quantity = "1" }]

[[unit_cost]]
id = "graded_itself"
name = "Graded itself"
components = [{ id = "amber", quantity = "1" }, { id = "ungraded", quantity = "1" }]
confidence = "R"
"#;
    let book = book(text, None);
    let grade = |id: &str| book.service(book.lookup(id).unwrap()).grade;
    assert_eq!(grade("green"), Some(Confidence::Green));
    assert_eq!(grade("ungraded"), None);
    assert_eq!(grade("green_and_amber"), Some(Confidence::Amber));
    assert_eq!(grade("nested"), Some(Confidence::Amber));
    assert_eq!(grade("with_ungraded"), None);
    assert_eq!(grade("graded_itself"), Some(Confidence::Red));
    // The composite's cost is unchanged by its grade: 2 × £10 + £20.
    assert_eq!(
        book.service(book.lookup("green_and_amber").unwrap())
            .unit_cost,
        rust_decimal::Decimal::from(40)
    );
}

//! Issue 14: a study maps the database's agencies to the council's own (`[agencies]`): renames,
//! merges and splits by shares, applied where agency totals are formed.

use crate::common::Scratch;

const TABLE: &str = r#"[table]
name = "Test costs"
price_year = "2013/14"

[[unit_cost]]
id = "la_visit"
name = "Social worker visit"
unit = "visit"
cost = "100"
agency = "Local authority"

[[unit_cost]]
id = "cc_visit"
name = "Council visit"
unit = "visit"
cost = "50"
agency = "County Council"

[[unit_cost]]
id = "multi"
name = "Domestic violence incident"
unit = "incident"
cost = "33.33"
agency = "Multiple"

[[unit_cost]]
id = "cjs"
name = "Offence"
unit = "offence"
cost = "10"
agency = "Criminal Justice System"
"#;

const HEADER: &str = r#"[study]
name = "Mapped"
window_months = 6
unit_costs = ["table.toml"]
before = "before.csv"
after = "after.csv"
"#;

const MAPPING: &str = r#"[agencies]
"Local authority" = "County Council"
"Multiple" = { "Police" = "40%", "NHS" = "0.6" }
"Criminal Justice System" = { "Courts" = "0.3", "Probation" = "30%", "Prisons" = "0.4" }
"#;

/// Before: £200 local authority, £50 council, £133.32 "Multiple", £10 criminal justice;
/// after: £100 local authority, £33.33 "Multiple".
fn scratch(study_rest: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write("table.toml", TABLE)
        .write(
            "before.csv",
            "family_id,service,quantity\nF1,la_visit,2\nF1,cc_visit,1\nF1,multi,3\nF1,cjs,1\nF2,multi,1\n",
        )
        .write(
            "after.csv",
            "family_id,service,quantity\nF1,la_visit,1\nF1,multi,1\n",
        )
        .write("study.toml", format!("{HEADER}{study_rest}"));
    scratch
}

fn agencies_json(scratch: &Scratch) -> serde_json::Value {
    let out = scratch.succeeds(&["agency", ".", "--format", "json"]);
    serde_json::from_str(&out).unwrap()
}

/// Pence, as an integer, from an exact JSON figure: "59.99" → 5999.
fn pence(figure: &serde_json::Value) -> i64 {
    let text = figure.as_str().expect("an exact figure is a string");
    let (pounds, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 2, "{text} is not to the penny");
    let sign = if pounds.starts_with('-') { -1 } else { 1 };
    let whole: i64 = pounds.trim_start_matches('-').parse().unwrap();
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap();
    sign * (whole * 100 + fraction)
}

#[test]
fn renames_merges_and_splits_to_the_penny() {
    let scratch = scratch(MAPPING);
    let json = agencies_json(&scratch);
    let study = &json["studies"][0];
    let rows: Vec<(String, String, String, String)> = study["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let figure = |key: &str| row[key].as_str().unwrap().to_string();
            (
                figure("agency"),
                figure("before"),
                figure("after"),
                figure("benefit"),
            )
        })
        .collect();
    let row = |agency: &str, before: &str, after: &str, benefit: &str| {
        (
            agency.to_string(),
            before.to_string(),
            after.to_string(),
            benefit.to_string(),
        )
    };
    assert_eq!(
        rows,
        vec![
            // "Local authority" (£200 − £100) merged with the council's own £50.
            row("County Council", "250", "100", "150"),
            // 40% of £133.32 is £53.328, to the penny £53.33; NHS takes the rest, £79.99.
            row("Police", "53.33", "13.33", "40"),
            row("NHS", "79.99", "20", "59.99"),
            row("Courts", "3", "0", "3"),
            row("Probation", "3", "0", "3"),
            row("Prisons", "4", "0", "4"),
        ]
    );
    // The agencies add up to the study's benefit exactly, and to its before and after costs.
    let sum = |key: &str| -> i64 {
        study["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| pence(&row[key]))
            .sum()
    };
    assert_eq!(sum("benefit"), pence(&study["totals"]["benefit"]));
    assert_eq!(sum("benefit"), 25999);
    assert_eq!(sum("before"), pence(&study["totals"]["before"]));
    assert_eq!(sum("after"), pence(&study["totals"]["after"]));
    // The assumptions say how the agencies were mapped.
    let mapping = &study["assumptions"]["agency_map"];
    assert_eq!(mapping[0]["agency"], "Local authority");
    assert_eq!(mapping[0]["to"][0]["agency"], "County Council");
    assert_eq!(mapping[1]["to"][1]["agency"], "NHS");
    assert_eq!(mapping[1]["to"][1]["share"], "0.6");
}

#[test]
fn the_assumptions_table_shows_the_mapping() {
    let scratch = scratch(MAPPING);
    let out = scratch.succeeds(&["report", "."]);
    assert!(out.contains("Agency mapping: Local authority"), "{out}");
    assert!(out.contains("counted as County Council"), "{out}");
    assert!(out.contains("split: Police 40%; NHS 60%"), "{out}");
    assert!(
        out.contains("split: Courts 30%; Probation 30%; Prisons 40%"),
        "{out}"
    );
}

#[test]
fn a_shared_agency_file_gives_the_same_figures() {
    let scratch = scratch("");
    scratch.write(
        "study.toml",
        HEADER.replace(
            "[study]\n",
            "[study]\nagencies = \"shared/agencies.toml\"\n",
        ),
    );
    scratch.write("shared/agencies.toml", MAPPING);
    let shared = agencies_json(&scratch);
    let inline = agencies_json(&self::scratch(MAPPING));
    assert_eq!(
        shared["studies"][0]["agencies"],
        inline["studies"][0]["agencies"]
    );
    assert_eq!(shared["studies"][0]["agencies"][1]["benefit"], "40");
}

#[test]
fn shares_that_do_not_sum_to_one_are_an_error_at_their_line() {
    let scratch =
        scratch("[agencies]\n\"Multiple\" = { \"Police\" = \"40%\", \"NHS\" = \"0.5\" }\n");
    let stderr = scratch.fails(&["agency", "."]);
    assert!(stderr.contains("study.toml:8"), "{stderr}");
    assert!(
        stderr.contains("the shares of \"Multiple\" sum to 0.9, not 1"),
        "{stderr}"
    );
}

#[test]
fn a_share_that_is_not_a_share_is_an_error() {
    let scratch =
        scratch("[agencies]\n\"Multiple\" = { \"Police\" = \"forty\", \"NHS\" = \"0.6\" }\n");
    let stderr = scratch.fails(&["agency", "."]);
    assert!(stderr.contains("study.toml:8"), "{stderr}");
    assert!(stderr.contains("\"forty\""), "{stderr}");
    let scratch = self::scratch("[agencies]\n\"Multiple\" = 3\n");
    let stderr = scratch.fails(&["agency", "."]);
    assert!(
        stderr.contains("must be mapped to an agency name or to shares"),
        "{stderr}"
    );
}

#[test]
fn a_mapped_name_no_agency_has_is_a_warning_with_the_nearest() {
    let scratch = scratch("[agencies]\n\"Local authorty\" = \"County Council\"\n");
    let output = scratch.tfcalc().args(["agency", "."]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("study.toml:8"), "{stderr}");
    assert!(
        stderr.contains("[agencies] maps \"Local authorty\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `Local authority`?"),
        "{stderr}"
    );
}

#[test]
fn unmapped_multiple_costs_are_a_warning_naming_their_money() {
    let scratch = scratch("");
    let output = scratch.tfcalc().args(["agency", "."]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "costs borne by \"Multiple\" (£133.32 before and £33.33 after) are not split"
        ),
        "{stderr}"
    );
    // Mapped, there is nothing to warn of.
    let scratch = self::scratch(MAPPING);
    let output = scratch.tfcalc().args(["agency", "."]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("Multiple"), "{stderr}");
}

#[test]
fn a_summary_studys_agencies_are_renamed_and_merged() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        r#"[study]
name = "Summary"
families = 10

[benefit.by_agency]
"Local authority" = "1000.10"
"County Council" = "500"
"Police" = "200"

[agencies]
"Local authority" = "County Council"
"Police" = { "Police" = "0.5", "Courts" = "0.5" }
"#,
    );
    let json = agencies_json(&scratch);
    let agencies = &json["studies"][0]["agencies"];
    assert_eq!(agencies[0]["agency"], "County Council");
    assert_eq!(agencies[0]["benefit"], "1500.1");
    assert_eq!(agencies[1]["agency"], "Police");
    assert_eq!(agencies[1]["benefit"], "100");
    assert_eq!(agencies[2]["agency"], "Courts");
    assert_eq!(agencies[2]["benefit"], "100");
    assert_eq!(agencies.as_array().unwrap().len(), 3);
    assert_eq!(json["studies"][0]["totals"]["benefit"], "1700.1");
}

#[test]
fn an_agencies_table_and_file_together_are_an_error() {
    let scratch = scratch(MAPPING);
    scratch.write(
        "study.toml",
        format!(
            "{}{MAPPING}",
            HEADER.replace("[study]\n", "[study]\nagencies = \"agencies.toml\"\n")
        ),
    );
    let stderr = scratch.fails(&["agency", "."]);
    assert!(
        stderr.contains("both an [agencies] table and `agencies`"),
        "{stderr}"
    );
}

#[test]
fn published_benefits_of_the_councils_agencies_are_not_warned_of() {
    let scratch = scratch(&format!(
        "{MAPPING}\n[published.agencies]\n\"Courts\" = \"3\"\n\"Nobody\" = \"1\"\n"
    ));
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("published for \"Nobody\""), "{all}");
    assert!(!all.contains("published for \"Courts\""), "{all}");
}

//! Issue 11, "No figure wrong in silence": inputs that were accepted and gave a wrong or
//! meaningless figure without a word. Each test is named after the defect it pins.

use crate::common::Scratch;

const HEADER: &str = "family_id,service,quantity\n";

// ---- E: plurals ---------------------------------------------------------------------------------

#[test]
fn one_error_beyond_those_shown_is_one_more_error_not_errors() {
    let scratch = Scratch::new();
    let agencies: String = (1..=21)
        .map(|n| format!("\"Agency {n}\" = \"x\"\n"))
        .collect();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch.write(
        "study.toml",
        format!(
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[published.agencies]\n{agencies}"
        ),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("\n... and 1 more error (run `tfcalc check` to list them all)"),
        "{stderr}"
    );
}

// ---- D: values accepted that mean nothing ------------------------------------------------------

/// A records study with `extra` appended to its file.
fn study_with(extra: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch.write(
        "study.toml",
        format!("[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n{extra}"),
    );
    scratch
}

#[test]
fn a_negative_counterfactual_per_family_is_an_error() {
    let stderr = study_with("\n[counterfactual]\nper_family = \"-100\"\n").fails(&["report", "."]);
    assert!(
        stderr.contains("error: study.toml:7:14: the counterfactual cost per family is -100, but it is a cost, so zero or more"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: the counterfactual is what"),
        "{stderr}"
    );
}

#[test]
fn a_window_of_zero_months_is_an_error() {
    let stderr = study_with("window_months = 0\n").fails(&["report", "."]);
    assert!(
        stderr.contains(
            "error: study.toml:5:17: window_months must be a whole number of at least 1, not 0"
        ),
        "{stderr}"
    );
    let stderr = Scratch::new()
        .study(
            &format!("{HEADER}A,arrest,1\n"),
            &format!("{HEADER}A,arrest,0\n"),
        )
        .fails(&[
            "report",
            "--before",
            "before.csv",
            "--after",
            "after.csv",
            "--window-months",
            "0",
        ]);
    assert!(
        stderr.contains("--window-months 0 is a window of no time"),
        "{stderr}"
    );
}

#[test]
fn a_published_family_count_must_be_a_whole_number_that_fits() {
    for (written, message) in [
        (
            "-5",
            "study.toml:7:12: published `families` must be a whole number of at least 0, not -5",
        ),
        (
            "\"2.7\"",
            "study.toml:7:12: published `families` must be a whole number of at least 0, not 2.7",
        ),
        (
            "\"18446744073709551616\"",
            "study.toml:7:12: published `families` is 18446744073709551616, more than tfcalc can count",
        ),
    ] {
        let stderr =
            study_with(&format!("\n[published]\nfamilies = {written}\n")).fails(&["report", "."]);
        assert!(stderr.contains(message), "{written}: {stderr}");
    }
    // The study's own count, too: past 2^64 it was dropped without a word.
    let stderr = study_with("families = \"18446744073709551616\"\n").fails(&["report", "."]);
    assert!(
        stderr.contains(
            "study.toml:5:12: families is 18446744073709551616, more than tfcalc can count"
        ),
        "{stderr}"
    );
}

#[test]
fn a_negative_counterfactual_or_intervention_on_the_command_line_is_an_error() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    let stderr = scratch.fails(&[
        "report",
        "--before",
        "before.csv",
        "--after",
        "after.csv",
        "--counterfactual=-5",
    ]);
    assert!(
        stderr.contains(
            "--counterfactual -5 is negative, but it is a cost per family, so zero or more"
        ),
        "{stderr}"
    );
}

// ---- A: the same file named twice --------------------------------------------------------------

#[test]
fn the_same_file_named_twice_in_a_window_is_an_error_naming_both_entries() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = [\"b.csv\", \"./b.csv\"]\nafter = \"a.csv\"\n",
        )
        .write("b.csv", format!("{HEADER}A,arrest,1\n"))
        .write("a.csv", format!("{HEADER}A,arrest,0\n"));
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("error: study.toml:3:20: the file b.csv is named twice, in `before` at study.toml:3:11 and in `before` at study.toml:3:20: its rows would be counted twice"),
        "{stderr}"
    );
}

#[test]
fn one_file_as_both_before_and_after_is_an_error_even_through_a_link() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"b.csv\"\nafter = \"link.csv\"\n",
        )
        .write("b.csv", format!("{HEADER}A,arrest,1\n"));
    std::os::unix::fs::symlink("b.csv", scratch.path().join("link.csv")).unwrap();
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout.contains("error: study.toml:4:9: link.csv and b.csv are the same file, in `before` at study.toml:3:10 and in `after` at study.toml:4:9: its rows would be counted in both windows"),
        "{stdout}"
    );
}

#[test]
fn one_file_as_both_before_and_after_on_the_command_line_is_an_error() {
    let scratch = Scratch::new();
    scratch.write("b.csv", format!("{HEADER}A,arrest,1\n"));
    let stderr = scratch.fails(&["report", "--before", "b.csv", "--after", "./b.csv"]);
    assert!(
        stderr.contains("error: the file b.csv is named twice, as --before b.csv and as --after ./b.csv: its rows would be counted in both windows"),
        "{stderr}"
    );
}

// ---- B: a study may leave out a window --------------------------------------------------------

#[test]
fn a_study_without_after_costs_every_family_nothing_after_with_a_warning() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"b.csv\"\n\n[intervention]\nper_family = \"100\"\nfunding = { \"Police\" = \"1\" }\n",
        )
        .write("b.csv", format!("{HEADER}A,arrest,1\nB,police_hour,3\n"));
    let warning = "warning: study.toml: the study names no `after` files, so no family used any service after the intervention: every family's costs after are £0";
    let output = scratch
        .tfcalc()
        .args(["report", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(warning), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let study = &report["studies"][0];
    assert_eq!(study["families"][0]["after"], "0");
    assert_eq!(study["families"][1]["net_saving"], "-1");
    assert_eq!(study["totals"]["before"], "2029");
    assert_eq!(study["totals"]["after"], "0");
    assert_eq!(study["agencies"][0]["agency"], "Police");
    assert_eq!(study["agencies"][0]["after"], "0");
    assert_eq!(study["agencies"][0]["net"], "1829");
    // check lists the one warning, not also each family and service as "before only".
    let check = scratch.succeeds(&["check", "."]);
    assert!(check.contains(warning), "{check}");
    assert!(
        check.ends_with("check: 0 errors and 1 warning\n"),
        "{check}"
    );
}

#[test]
fn a_study_without_before_costs_every_family_nothing_before() {
    let scratch = Scratch::new();
    scratch
        .write("study.toml", "[study]\nname = \"T\"\nafter = \"a.csv\"\n")
        .write("a.csv", format!("{HEADER}A,arrest,1\n"));
    let report: serde_json::Value =
        serde_json::from_str(&scratch.succeeds(&["report", ".", "--format", "json", "--quiet"]))
            .unwrap();
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["before"], "0");
    assert_eq!(family["after"], "1930");
    assert_eq!(family["net_saving"], "-1930");
}

#[test]
fn a_study_with_neither_window_nor_benefit_is_still_an_error() {
    let scratch = Scratch::new();
    scratch.write("study.toml", "[study]\nname = \"T\"\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "study.toml: the study has neither service-use records nor a [benefit] section"
        ),
        "{stderr}"
    );
}

// ---- C: funding that charges nobody ------------------------------------------------------------

#[test]
fn empty_funding_is_an_error_at_its_line() {
    for (key, column) in [("funding", 11), ("funding_amounts", 19)] {
        let stderr = study_with(&format!(
            "\n[intervention]\nper_family = \"100\"\n{key} = {{}}\n"
        ))
        .fails(&["report", "."]);
        assert!(
            stderr.contains(&format!(
                "error: study.toml:8:{column}: `{key}` names no agency, so the delivery cost would be charged to no one"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_funding_agency_no_unit_cost_names_is_a_warning_with_the_nearest_names() {
    let scratch = study_with(
        "\n[intervention]\nper_family = \"100\"\nfunding = { \"Polic\" = \"0.5\", \"County Council\" = \"0.5\" }\n",
    );
    let warning = "warning: study.toml:8:23: funding agency \"Polic\" bears none of the study's unit costs and has no benefit: its row of the agency table would be funding alone\n  help: did you mean `Police`?";
    let output = scratch.tfcalc().args(["report", "."]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(warning), "{stderr}");
    assert!(!stderr.contains("\"County Council\""), "{stderr}");
    let check = scratch.succeeds(&["check", "."]);
    assert!(check.contains(warning), "{check}");
}

// ---- F: family ids that differ only in case ----------------------------------------------------

#[test]
fn family_ids_that_differ_only_in_case_are_a_warning_naming_both() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A1,arrest,1\nZoë,arrest,1\nB2,arrest,1\n"),
        &format!("{HEADER}a1,arrest,0\nZOË,arrest,0\nB2,arrest,0\n"),
    );
    let warning = "warning: study.toml: 2 sets of family ids differ only in case, and each id is counted as a family of its own: A1 and a1; Zoë and ZOË\n  help: if they are one family, spell its id the same way in every file";
    let output = scratch
        .tfcalc()
        .args(["report", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(warning), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["studies"][0]["summary"]["families"], 5);
    let check = scratch.succeeds(&["check", "."]);
    assert!(check.contains(warning), "{check}");
}

#[test]
fn many_family_ids_that_differ_only_in_case_are_counted_with_a_few_examples() {
    let scratch = Scratch::new();
    let before: String = (1..=8).map(|n| format!("F{n},arrest,1\n")).collect();
    let after: String = (1..=8).map(|n| format!("f{n},arrest,0\n")).collect();
    scratch.study(&format!("{HEADER}{before}"), &format!("{HEADER}{after}"));
    let check = scratch.succeeds(&["check", "."]);
    assert!(
        check.contains("8 sets of family ids differ only in case, and each id is counted as a family of its own: F1 and f1; F2 and f2; F3 and f3; F4 and f4; F5 and f5; and 3 more"),
        "{check}"
    );
}

// ---- D: a composite whose own agency its components contradict ---------------------------------

const CONTRADICTED_TABLE: &str = r#"[table]
name = "Local"

[[unit_cost]]
id = "officer_hour"
name = "Officer time"
unit = "hour"
cost = "40"
agency = "Police"

[[unit_cost]]
id = "callout"
name = "Call-out"
unit = "call-out"
agency = "NHS"
components = [{ id = "officer_hour", quantity = "2" }]
"#;

#[test]
fn a_composite_whose_agency_its_components_contradict_is_a_warning_at_its_line() {
    let scratch = Scratch::new();
    scratch
        .write("costs.toml", CONTRADICTED_TABLE)
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", format!("{HEADER}A,callout,1\n"))
        .write("after.csv", format!("{HEADER}A,callout,0\n"));
    let warning = "warning: costs.toml:12:6: composite `callout` gives agency \"NHS\", but its cost goes to its components' agencies (Police), and the agency tables follow them";
    let output = scratch.tfcalc().args(["agency", "."]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(warning), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        crate::common::table_row(&stdout, "Police")[1],
        "£80",
        "{stdout}"
    );
    let check = scratch.succeeds(&["check", "."]);
    assert!(check.contains(warning), "{check}");
    // And `costs show` says where the cost goes, beside the agency the table gives.
    let show = scratch.succeeds(&["costs", "show", "callout", "--costs", "costs.toml"]);
    assert_eq!(
        crate::common::table_row(&show, "Cost borne by")[1],
        "Police (its components' agencies; the agency above bears none of it)",
        "{show}"
    );
}

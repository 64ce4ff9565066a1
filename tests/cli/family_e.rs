//! Hertfordshire's Family E, rebuilt from unit costs and service-use records
//! (shared/reference/seeds/001: Health and Wellbeing Board, 13 November 2013).

use crate::common::{json, stdout, tfcalc};
use serde_json::Value;

const STUDY: &str = "examples/hertfordshire-family-e";

fn study() -> Value {
    let report = json(&["report", STUDY]);
    report["studies"][0].clone()
}

#[test]
fn family_e_figures_are_computed_from_unit_costs() {
    let study = study();
    let family = &study["families"][0];
    assert_eq!(family["family_id"], "E");
    // The itemised before costs: 2,046 + 5,790 + 1,704 + 600 + 1,900 + 19,707 + 6,011 + 2,220 + 3,024.
    assert_eq!(family["before"], "43002");
    // 3,789 + 2,419.
    assert_eq!(family["intervention"], "6208");
    // 1,000 + 1,704 + 1,896.
    assert_eq!(family["after"], "4600");
    assert_eq!(family["gross_saving"], "38402");
    assert_eq!(family["net_saving"], "32194");

    assert_eq!(study["totals"]["before"], "43002");
    assert_eq!(study["totals"]["net_saving"], "32194");
    assert_eq!(study["summary"]["families"], 1);
    assert_eq!(study["summary"]["delivery_cost_per_family"], "6208");
    assert_eq!(study["summary"]["benefit_per_family"], "38402");
}

#[test]
fn family_e_itemised_lines_match_the_paper() {
    let report = json(&["family", STUDY]);
    let lines = &report["studies"][0]["families"][0]["lines"];
    let amounts = |window: &str| -> Vec<(String, String)> {
        lines[window]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| {
                (
                    line["service"].as_str().unwrap().to_string(),
                    line["amount"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let expected_before = [
        ("police_hour", "2046"),
        ("arrest", "5790"),
        ("jsa_week", "1704"),
        ("notice_seeking_possession", "600"),
        ("rent_arrears", "1900"),
        ("domestic_violence_case", "19707"),
        ("cpp_setup", "6011"),
        ("cpp_month", "2220"),
        ("truancy_case", "3024"),
    ];
    let expected_after = [
        ("drugs_programme", "1000"),
        ("jsa_week", "1704"),
        ("dla_week", "1896"),
    ];
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(amounts("before"), owned(&expected_before));
    assert_eq!(amounts("after"), owned(&expected_after));
    let intervention: Vec<&str> = lines["intervention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["amount"].as_str().unwrap())
        .collect();
    assert_eq!(intervention, ["3789", "2419"]);
}

#[test]
fn family_e_statement_reads_as_the_paper_does() {
    let text = stdout(&["family", STUDY]);
    for line in [
        "Costs in the 6 months before",
        "Police call outs: 62 hours at £33 per hour = £2,046",
        "Arrests: 3 arrests at £1,930 per arrest = £5,790",
        "Job Seekers Allowance: 24 weeks at £71 per week = £1,704",
        "Cost of issuing Notice of Seeking Possession: 1 notice at £600 per notice = £600",
        "Cost of dealing with rent arrears: 1 case at £1,900 per case = £1,900",
        "Domestic Violence: national cost of dealing with domestic violence: 1 case at £19,707 per case = £19,707",
        "Cost of setting up Child Protection Plan: 1 plan at £6,011 per plan = £6,011",
        "Monitoring Child Protection Plan: 6 months at £370 per month = £2,220",
        "Truancy: 2 children at £1,512 per child = £3,024",
        "each child is 36 hours of Attendance Improvement Officer time at £42 per hour = £1,512",
        "Intervention cost",
        "Cost of Family Intervention Worker time for a 9 month intervention: £2,419",
        "Costs in the 6 months after",
        "Drugs Programme: cost of accessing Turning Point: 1 programme at £1,000 per programme = £1,000",
        "Disability Living Allowance: 24 weeks at £79 per week = £1,896",
        "Savings for 6 months: £43,002 less £6,208 less £4,600 = £32,194",
    ] {
        assert!(text.contains(line), "statement lacks {line:?}:\n{text}");
    }
}

#[test]
fn family_e_reconciliation_flags_the_papers_two_wrong_figures() {
    let study = study();
    let checks = study["reconciliation"].as_array().unwrap();
    let check = |figure: &str| {
        checks
            .iter()
            .find(|check| check["figure"] == figure)
            .unwrap()
            .clone()
    };
    let before = check("before");
    assert_eq!(before["published"], "42999");
    assert_eq!(before["computed"], "43002");
    assert_eq!(before["difference"], "3");
    assert_eq!(before["agrees"], false);
    let net_saving = check("net_saving");
    assert_eq!(net_saving["published"], "32191");
    assert_eq!(net_saving["computed"], "32194");
    assert_eq!(net_saving["difference"], "3");
    assert_eq!(net_saving["agrees"], false);
    for figure in ["intervention", "after"] {
        assert_eq!(check(figure)["agrees"], true, "{figure}");
        assert_eq!(check(figure)["difference"], "0", "{figure}");
    }
    let published = checks.iter().filter(|check| check["kind"] == "published");
    assert_eq!(published.count(), 4);
    // And tfcalc's own figures agree with each other.
    for key in [
        "consistency:agencies",
        "consistency:families",
        "consistency:funding",
    ] {
        assert_eq!(check(key)["agrees"], true, "{key}");
        assert_eq!(check(key)["difference"], "0", "{key}");
    }

    let text = stdout(&["report", STUDY]);
    assert!(text.contains("£42,999"), "{text}");
    assert!(text.contains("£43,002"), "{text}");
    assert!(text.contains("+£3"), "{text}");
    // The two figures, and the paper's items against its own printed total (tests/cli/reasons.rs).
    assert!(text.contains("3 checks differ"), "{text}");
}

#[test]
fn family_e_agencies_split_the_costs() {
    let study = study();
    let agencies = study["agencies"].as_array().unwrap();
    let benefit = |name: &str| {
        agencies
            .iter()
            .find(|agency| agency["agency"] == name)
            .unwrap()["benefit"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(benefit("Police"), "7836");
    assert_eq!(benefit("DWP"), "-1896");
    assert_eq!(benefit("Housing"), "2500");
    assert_eq!(benefit("County Council"), "11255");
    assert_eq!(benefit("NHS"), "-1000");
    assert_eq!(benefit("Multiple agencies"), "19707");
    // The agencies' benefits add up to the study's gross saving.
    let total: i64 = agencies
        .iter()
        .map(|agency| agency["benefit"].as_str().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 38402);
}

#[test]
fn family_summary_gives_one_row_per_family() {
    let text = stdout(&["family", STUDY, "--summary"]);
    assert!(text.contains("│ E "), "{text}");
    for figure in ["£43,002", "£6,208", "£4,600", "£38,402", "£32,194"] {
        assert!(text.contains(figure), "summary lacks {figure}:\n{text}");
    }
    assert!(!text.contains("Police call outs"), "{text}");
}

#[test]
fn quick_mode_needs_no_study_file() {
    let report = json(&[
        "family",
        "--before",
        "examples/hertfordshire-family-e/before.csv",
        "--after",
        "examples/hertfordshire-family-e/after.csv",
        "--costs",
        "unit-costs/hertfordshire-2013.toml",
        "--intervention",
        "6208",
        "--summary",
    ]);
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["before"], "43002");
    assert_eq!(family["after"], "4600");
    assert_eq!(family["net_saving"], "32194");
}

#[test]
fn quick_mode_uses_the_built_in_table_when_none_is_named() {
    let report = json(&[
        "family",
        "--before",
        "examples/hertfordshire-family-e/before.csv",
        "--after",
        "examples/hertfordshire-family-e/after.csv",
    ]);
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["before"], "43002");
    assert_eq!(family["intervention"], "0");
    assert_eq!(family["net_saving"], "38402");
}

#[test]
fn pence_shows_two_places() {
    let text = stdout(&["family", STUDY, "--summary", "--pence"]);
    assert!(text.contains("£43,002.00"), "{text}");
}

#[test]
fn output_goes_to_a_file_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    tfcalc()
        .args(["report", STUDY, "--format", "json", "--output"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(written["studies"][0]["totals"]["net_saving"], "32194");
}

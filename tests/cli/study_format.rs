//! Study-file features: derived intervention items, per-family intervention files, declared family
//! counts.

use crate::common::Scratch;
use serde_json::Value;

const HEADER: &str = "family_id,service,quantity\n";

fn report(scratch: &Scratch) -> Value {
    serde_json::from_str(&scratch.succeeds(&["family", ".", "--format", "json"])).unwrap()
}

#[test]
fn running_costs_are_shared_between_the_families_worked_with_in_a_year() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            r#"[study]
name = "T"
before = "before.csv"
after = "after.csv"

[intervention]
items = [
  { name = "Background costs", running_costs = "1,705,050", families_per_year = 450 },
  { name = "Keyworker", per_family = "2419" },
]
"#,
        )
        .write("before.csv", format!("{HEADER}A,arrest,1\n"))
        .write("after.csv", format!("{HEADER}A,arrest,0\n"));
    let report = report(&scratch);
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["intervention"], "6208");
    assert_eq!(family["lines"]["intervention"][0]["amount"], "3789");
    let text = scratch.succeeds(&["family", "."]);
    assert!(
        text.contains("Background costs: £1,705,050 running costs ÷ 450 families a year = £3,789"),
        "{text}"
    );
}

#[test]
fn per_family_intervention_costs_come_from_a_file() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"100\"\nfile = \"intervention.csv\"\n",
        )
        .write("before.csv", format!("{HEADER}A,arrest,1\nB,arrest,2\n"))
        .write("after.csv", format!("{HEADER}A,arrest,0\n"))
        .write("intervention.csv", "family_id,item,amount\nA,Keyworker,\"£2,000\"\nB,Keyworker,500\nB,Course,250.50\n");
    let report = report(&scratch);
    let families = report["studies"][0]["families"].as_array().unwrap();
    assert_eq!(families[0]["intervention"], "2100");
    assert_eq!(families[1]["intervention"], "850.5");
    assert_eq!(report["studies"][0]["totals"]["intervention"], "2950.5");
    // B: 2 arrests before, none after, less 850.50.
    assert_eq!(families[1]["net_saving"], "3009.5");
}

#[test]
fn declared_family_count_must_match_the_records() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nfamilies = 3\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", format!("{HEADER}A,arrest,1\nB,arrest,2\n"))
        .write("after.csv", format!("{HEADER}A,arrest,0\n"));
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("study.toml:3:12: the study says families = 3, but the service-use records name 2 families"),
        "{stderr}"
    );
}

#[test]
fn a_family_in_only_one_window_costs_nothing_in_the_other() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", format!("{HEADER}A,arrest,1\n"))
        .write("after.csv", format!("{HEADER}B,police_hour,2\n"));
    let report = report(&scratch);
    let families = report["studies"][0]["families"].as_array().unwrap();
    assert_eq!(families.len(), 2);
    assert_eq!(families[0]["after"], "0");
    assert_eq!(families[1]["before"], "0");
    assert_eq!(families[1]["net_saving"], "-66");
    assert_eq!(report["studies"][0]["summary"]["families"], 2);
}

#[test]
fn unknown_keys_in_a_study_are_reported_with_their_line() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"T\"\nbefor = \"before.csv\"\n",
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("study.toml:3:1: invalid TOML: unknown field `befor`"),
        "{stderr}"
    );
}

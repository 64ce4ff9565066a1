//! Issue 13: `report --format json` holds every figure the table report shows (the statements,
//! the unit costs and their sources, the inputs' row accounts, the assumptions, the reconciliation
//! and the notes that carry figures), and every figure is one exact decimal spelling.

use crate::common::{Scratch, json};
use serde_json::Value;

const FAMILY_E: &str = "examples/hertfordshire-family-e";
const YEAR_2: &str = "examples/leicestershire/year-2.toml";
const YEAR_3: &str = "examples/leicestershire/year-3.toml";

fn study(args: &[&str]) -> Value {
    json(args)["studies"][0].clone()
}

/// The entry of `array` whose `key` is `value`.
fn find<'a>(array: &'a Value, key: &str, value: &str) -> &'a Value {
    array
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {array}"))
        .iter()
        .find(|entry| entry[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {array}"))
}

#[test]
fn family_e_report_json_itemises_the_statement_as_the_table_does() {
    let study = study(&["report", FAMILY_E]);
    assert_eq!(study["itemised"], true);
    let lines = &study["families"][0]["lines"];
    let police = find(&lines["before"], "service", "police_hour");
    assert_eq!(police["name"], "Police call outs");
    assert_eq!(police["quantity"], "62");
    assert_eq!(police["unit"], "hour");
    assert_eq!(police["unit_cost"], "33");
    assert_eq!(police["amount"], "2046");
    assert_eq!(
        police["notes"],
        serde_json::json!(["14 police logs in two months in 2011"])
    );
    let arrests = find(&lines["before"], "service", "arrest");
    assert_eq!(
        (&arrests["quantity"], &arrests["amount"]),
        (&Value::from("3"), &Value::from("5790"))
    );
    let truancy = find(&lines["before"], "service", "truancy_case");
    assert_eq!(truancy["amount"], "3024");
    assert_eq!(lines["before"].as_array().unwrap().len(), 9);
    let intervention: Vec<&str> = lines["intervention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["amount"].as_str().unwrap())
        .collect();
    assert_eq!(intervention, ["3789", "2419"]);
    let after = &lines["after"];
    assert_eq!(find(after, "service", "drugs_programme")["amount"], "1000");
    assert_eq!(
        find(after, "service", "drugs_programme")["notes"],
        serde_json::json!(["referred to Turning Point"])
    );
    assert_eq!(find(after, "service", "dla_week")["amount"], "1896");
    // Not uprated: no stated cost to show.
    assert!(police.get("uprated_from").is_none(), "{police}");
}

#[test]
fn family_e_report_json_lists_the_unit_costs_used_with_their_sources() {
    let study = study(&["report", FAMILY_E]);
    let costs = &study["unit_costs"];
    assert_eq!(costs.as_array().unwrap().len(), 12, "{costs}");
    let police = find(costs, "id", "police_hour");
    assert_eq!(police["name"], "Police call outs");
    assert_eq!(police["cost"], "33");
    assert_eq!(police["unit"], "hour");
    assert_eq!(police["agency"], "Police");
    assert_eq!(police["price_year"], "2013/14");
    assert_eq!(
        police["source"],
        "Hertfordshire CC, Family E: \"62 hours of police time at £33 per hour\""
    );
    assert_eq!(
        police["agency_split"],
        serde_json::json!([{"agency": "Police", "amount": "33"}])
    );
    // The composite, and the part it is built from, which is listed too.
    let truancy = find(costs, "id", "truancy_case");
    assert_eq!(truancy["cost"], "1512");
    assert_eq!(
        truancy["components"],
        serde_json::json!([{
            "id": "attendance_officer_hour",
            "name": "Attendance Improvement Officer time",
            "quantity": "36",
            "unit": "hour",
            "unit_cost": "42",
            "amount": "1512"
        }])
    );
    assert_eq!(find(costs, "id", "attendance_officer_hour")["cost"], "42");
}

#[test]
fn uprated_costs_carry_the_cost_their_table_states() {
    let study = study(&["report", FAMILY_E, "--price-year", "2016/17"]);
    assert_eq!(study["price_year"], "2016/17");
    let police_line = find(
        &study["families"][0]["lines"]["before"],
        "service",
        "police_hour",
    );
    assert_eq!(police_line["unit_cost"], "34.814234862");
    assert_eq!(
        police_line["uprated_from"],
        serde_json::json!({"cost": "33", "price_year": "2013/14"})
    );
    let police = find(&study["unit_costs"], "id", "police_hour");
    assert_eq!(police["cost"], "34.814234862");
    assert_eq!(police["price_year"], "2016/17");
    assert_eq!(police["stated_cost"], "33");
    assert_eq!(police["stated_price_year"], "2013/14");
    assert!(
        study["assumptions"]["uprated_with"]
            .as_str()
            .unwrap()
            .starts_with("GDP deflator"),
        "{}",
        study["assumptions"]
    );
}

#[test]
fn family_e_report_json_holds_inputs_assumptions_reconciliation_and_findings() {
    let study = study(&["report", FAMILY_E]);
    let before = find(
        &study["inputs"],
        "file",
        "examples/hertfordshire-family-e/before.csv",
    );
    assert_eq!(
        (
            &before["rows_read"],
            &before["rows_used"],
            &before["rows_blank"],
            &before["rows_rejected"]
        ),
        (
            &Value::from(9),
            &Value::from(9),
            &Value::from(0),
            &Value::from(0)
        )
    );

    let assumptions = &study["assumptions"];
    assert_eq!(assumptions["basis"], "records");
    assert_eq!(
        assumptions["unit_cost_tables"],
        serde_json::json!([{
            "name": "Hertfordshire Thriving Families case-study costs",
            "path": "unit-costs/hertfordshire-2013.toml (built in)",
            "price_year": "2013/14"
        }])
    );
    assert_eq!(
        assumptions["funding"],
        serde_json::json!({"basis": "shares", "agencies": [{"agency": "County Council", "share": "1"}]})
    );
    assert_eq!(assumptions["counterfactual_cost_per_family"], "0");
    assert_eq!(assumptions["intervention_items"][1]["amount"], "2419");
    assert_eq!(
        assumptions["published_source"],
        "Hertfordshire CC Health and Wellbeing Board, 13 Nov 2013, Family E"
    );

    let before_check = find(&study["reconciliation"], "figure", "before");
    assert_eq!(before_check["expected"], "42999");
    assert_eq!(before_check["computed"], "43002");
    assert_eq!(before_check["tolerance"], "0.5");
    assert_eq!(before_check["tolerance_basis"], "the tolerance");
    assert_eq!(
        before_check["reason"],
        "every published item agrees with its computed line, and the items add up to £43,002, \
         the computed costs before; the published costs before (£42,999) are £3 less than their \
         own items"
    );
    // The table's "Difference %" of 0.01%: 3 ÷ 42,999 exactly.
    assert_eq!(
        before_check["relative_difference"],
        "0.0000697690643968464382892625"
    );
    let own = find(&study["reconciliation"], "figure", "consistency:agencies");
    assert_eq!(own["tolerance"], "0.005");

    let findings = &study["agency_findings"];
    assert_eq!(findings["funding_stated"], true);
    assert_eq!(
        findings["costs_rose_for"],
        serde_json::json!(["DWP", "NHS"])
    );
    assert_eq!(
        findings["come_out_ahead"],
        serde_json::json!(["Police", "Housing", "Multiple agencies", "County Council"])
    );
    assert_eq!(findings["fund_more_than_they_gain"], serde_json::json!([]));
    assert_eq!(study["totals"]["funding"], "6208");
    assert_eq!(study["totals"]["benefit_less_funding"], "32194");
}

#[test]
fn leicestershire_year_2_report_json_holds_every_figure_of_the_tables() {
    let study = study(&["report", YEAR_2]);
    let summary = &study["summary"];
    assert_eq!(summary["net_benefit"], "-99230");
    // The totals table's counterfactual step, and the net cost the ROI note sets the benefit
    // against.
    assert_eq!(summary["counterfactual_total"], "307875");
    assert_eq!(summary["net_cost_total"], "163575");
    assert_eq!(
        summary["benefit_per_family"],
        "857.9333333333333333333333333"
    );
    assert_eq!(study["totals"]["net_saving"], "-407105");
    assert_eq!(study["itemised"], false);
    assert_eq!(study["unit_costs"], serde_json::json!([]));

    let assumptions = &study["assumptions"];
    assert_eq!(assumptions["basis"], "summary");
    assert_eq!(
        assumptions["intervention_items"],
        serde_json::json!([{"item": "Delivery cost per family", "amount": "6286"}])
    );
    assert_eq!(assumptions["counterfactual_cost_per_family"], "4105");
    assert_eq!(
        assumptions["funding"],
        serde_json::json!({"basis": "not stated", "agencies": []})
    );

    // "no funding split is stated, so the delivery cost of £471,450 is not charged"
    let findings = &study["agency_findings"];
    assert_eq!(findings["funding_stated"], false);
    assert_eq!(study["totals"]["funding"], "0");
    assert_eq!(
        findings["costs_rose_for"],
        serde_json::json!([
            "Leicestershire County Council",
            "District Councils",
            "School/ educational establishment"
        ])
    );

    let benefit = find(&study["reconciliation"], "figure", "benefit_per_family");
    assert_eq!(benefit["tolerance"], "0.5");
    assert_eq!(benefit["difference"], "-0.0666666666666666666666667");
    let families_times = find(
        &study["reconciliation"],
        "figure",
        "consistency:benefit_per_family",
    );
    assert_eq!(families_times["expected"], "64345");
    assert_eq!(families_times["computed"], "64350");
    assert_eq!(families_times["tolerance"], "37.5");
    assert_eq!(
        families_times["tolerance_basis"],
        "50p a family, the rounding of a whole-pound figure"
    );
    let roi = find(&study["reconciliation"], "figure", "roi");
    assert_eq!(roi["expected"], "0.39");
    assert!(roi.get("tolerance").is_none(), "{roi}");
}

#[test]
fn the_rounding_rows_of_the_reconciliation_are_in_the_json() {
    let scratch = Scratch::new();
    // Three families of half an hour of police time, £16.50 each: each shown as £17 (half away
    // from zero), £51 added up, but the total of £49.50 is shown as £50.
    scratch.study(
        "family_id,service,quantity\nA,police_hour,0.5\nB,police_hour,0.5\nC,police_hour,0.5\n",
        "family_id,service,quantity\n",
    );
    let table = scratch.succeeds(&["report", "."]);
    assert!(table.contains("rounding only"), "{table}");
    let report: Value =
        serde_json::from_str(&scratch.succeeds(&["report", ".", "--format", "json"])).unwrap();
    let rounding = &report["studies"][0]["rounding"];
    let gap = rounding
        .as_array()
        .unwrap()
        .iter()
        .find(|gap| gap["lines"].as_str().unwrap().contains("families"))
        .unwrap_or_else(|| panic!("no families' gap in {rounding}"));
    assert_eq!(gap["places"], 0);
    assert_eq!(gap["rounded_total"], "50");
    assert_eq!(gap["sum_of_rounded"], "51");
    assert_eq!(gap["difference"], "1");
}

/// A money or quantity string as the contract spells it: plain digits, an optional minus, and
/// no trailing zeros after a point.
fn assert_normalised(path: &str, text: &str) {
    let numeric = text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if !numeric {
        return;
    }
    assert!(
        !text.contains(['e', 'E', '+']),
        "{path}: {text} has an exponent"
    );
    if text.contains('.') {
        assert!(
            !text.ends_with('0') && !text.ends_with('.'),
            "{path}: {text} has trailing zeros"
        );
    }
    assert_ne!(text, "-0", "{path}");
}

/// Keys whose values are text that may happen to be digits (an id, a name), not figures.
const TEXT_KEYS: &[&str] = &["family_id", "name", "study_file", "file", "path", "id"];

fn scan(path: &str, value: &Value, checked: &mut usize) {
    match value {
        Value::String(text) => {
            let key = path.rsplit('.').next().unwrap_or_default();
            if !TEXT_KEYS.contains(&key) {
                assert_normalised(path, text);
                *checked += 1;
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                scan(&format!("{path}[{index}]"), item, checked);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                scan(&format!("{path}.{key}"), item, checked);
            }
        }
        _ => {}
    }
}

#[test]
fn every_figure_in_the_json_is_a_normalised_exact_decimal() {
    for args in [
        &["report", FAMILY_E][..],
        &["report", FAMILY_E, "--pence"],
        &["report", FAMILY_E, "--price-year", "2016/17"],
        &["report", YEAR_2, YEAR_3],
        &["family", FAMILY_E],
        &["agency", YEAR_2, YEAR_3, "--net"],
        &["roi", YEAR_2, YEAR_3],
        &["reconcile", YEAR_2, FAMILY_E],
        &["costs", "list"],
    ] {
        let mut checked = 0;
        scan("", &json(args), &mut checked);
        assert!(checked > 10, "{args:?}: only {checked} strings checked");
    }
}

#[test]
fn huge_and_tiny_figures_are_written_in_plain_digits() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,police_hour,2400000000000000000000000000\n",
        "family_id,service,quantity\nA,police_hour,0.0000000000000000000000000001\n",
    );
    let text = scratch.succeeds(&["report", ".", "--format", "json"]);
    let report: Value = serde_json::from_str(&text).unwrap();
    let family = &report["studies"][0]["families"][0];
    assert_eq!(family["before"], "79200000000000000000000000000");
    assert_eq!(family["after"], "0.0000000000000000000000000033");
    assert_eq!(
        family["lines"]["after"][0]["quantity"],
        "0.0000000000000000000000000001"
    );
    let mut checked = 0;
    scan("", &report, &mut checked);
}

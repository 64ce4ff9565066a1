//! The edge cases of ROI and agency tables that need a clear answer.

use crate::common::{Scratch, table_row};

fn summary_study(scratch: &Scratch, name: &str, body: &str) {
    scratch.write(
        &format!("{name}.toml"),
        format!("[study]\nname = \"{name}\"\n{body}"),
    );
}

#[test]
fn roi_is_undefined_in_words_when_there_is_no_net_cost() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 10\n[intervention]\nper_family = \"4000\"\n[counterfactual]\nper_family = \"4500\"\n[benefit]\nper_family = \"900\"\n",
    );
    let text = scratch.succeeds(&["roi", "A.toml"]);
    assert_eq!(table_row(&text, "Average net cost per family")[1], "-£500");
    assert_eq!(table_row(&text, "Return on Investment")[1], "undefined");
    assert!(
        text.contains("A: the return on investment is undefined: the net cost per family is -£500"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&scratch.succeeds(&["roi", "A.toml", "--format", "json"])).unwrap();
    assert!(json["studies"][0]["summary"]["roi"].is_null());
    assert!(
        json["studies"][0]["summary"]["roi_note"]
            .as_str()
            .unwrap()
            .starts_with("undefined")
    );
}

#[test]
fn roi_is_undefined_when_net_cost_is_exactly_zero() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 10\n[intervention]\nper_family = \"4000\"\n[counterfactual]\nper_family = \"4000\"\n[benefit]\nper_family = \"900\"\n",
    );
    let text = scratch.succeeds(&["roi", "A.toml"]);
    assert_eq!(table_row(&text, "Return on Investment")[1], "undefined");
    assert!(text.contains("the net cost per family is £0"), "{text}");
}

#[test]
fn a_study_with_no_families_has_no_per_family_figures() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "Empty",
        "families = 0\n[intervention]\nper_family = \"4000\"\n[benefit.by_agency]\n\"Police\" = \"0\"\n",
    );
    let text = scratch.succeeds(&["roi", "Empty.toml"]);
    assert_eq!(
        table_row(&text, "Average benefit per family")[1],
        "n/a (no families)"
    );
    assert_eq!(table_row(&text, "Return on Investment")[1], "undefined");
    assert!(text.contains("the study has no families"), "{text}");
}

#[test]
fn funding_shares_must_sum_to_one() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 10\n[intervention]\nper_family = \"100\"\nfunding = { \"County Council\" = \"0.6\", \"Police\" = \"0.3\" }\n[benefit]\nper_family = \"50\"\n",
    );
    let stderr = scratch.fails(&["agency", "A.toml", "--net"]);
    assert!(
        stderr.contains("A.toml:6:11: the funding shares sum to 0.9, not 1"),
        "{stderr}"
    );
    assert!(stderr.contains("funding_amounts"), "{stderr}");
}

#[test]
fn funding_amounts_split_the_delivery_cost_in_proportion() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 3\n[intervention]\nper_family = \"100\"\nfunding_amounts = { \"County Council\" = \"200000\", \"Police\" = \"100000\" }\n[benefit.by_agency]\n\"Police\" = \"250\"\n",
    );
    let text = scratch.succeeds(&["agency", "A.toml", "--net"]);
    assert_eq!(
        table_row(&text, "Police"),
        ["Police", "£250", "£100", "£150"]
    );
    // An agency that funds delivery but bears no unit cost still appears, with a benefit of £0.
    assert_eq!(
        table_row(&text, "County Council"),
        ["County Council", "£0", "£200", "-£200"]
    );
    assert_eq!(table_row(&text, "Total"), ["Total", "£250", "£300", "-£50"]);
}

#[test]
fn funding_thirds_add_up_to_the_penny() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 1\n[intervention]\nper_family = \"100\"\nfunding_amounts = { \"A\" = \"1\", \"B\" = \"1\", \"C\" = \"1\" }\n[benefit]\nper_family = \"0\"\n",
    );
    let json: serde_json::Value =
        serde_json::from_str(&scratch.succeeds(&["agency", "A.toml", "--format", "json"])).unwrap();
    let funding: Vec<rust_decimal::Decimal> = json["studies"][0]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|agency| agency["agency"] != "Not split by agency")
        .map(|agency| agency["funding"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(funding.len(), 3);
    assert_eq!(
        funding.iter().sum::<rust_decimal::Decimal>(),
        rust_decimal::Decimal::from(100)
    );
    let checks = json["studies"][0]["reconciliation"].as_array().unwrap();
    let check = checks
        .iter()
        .find(|check| check["figure"] == "consistency:funding")
        .unwrap();
    assert_eq!(check["agrees"], true);
}

#[test]
fn studies_with_different_agencies_side_by_side_show_zero_not_blank() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 1\n[benefit.by_agency]\n\"Police\" = \"100\"\n\"NHS\" = \"50\"\n",
    );
    summary_study(
        &scratch,
        "B",
        "families = 2\n[benefit.by_agency]\n\"Police\" = \"10\"\n\"Schools\" = \"-5\"\n",
    );
    let text = scratch.succeeds(&["agency", "A.toml", "B.toml"]);
    assert_eq!(table_row(&text, "Police"), ["Police", "£100", "£10"]);
    assert_eq!(table_row(&text, "NHS"), ["NHS", "£50", "£0"]);
    assert_eq!(table_row(&text, "Schools"), ["Schools", "£0", "-£5"]);
    assert_eq!(table_row(&text, "Total"), ["Total", "£150", "£5"]);
}

#[test]
fn a_summary_study_without_an_agency_split_has_one_row() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 4\n[benefit]\nper_family = \"250\"\n",
    );
    let text = scratch.succeeds(&["agency", "A.toml"]);
    assert_eq!(
        table_row(&text, "Not split by agency"),
        ["Not split by agency", "£1,000"]
    );
    assert_eq!(table_row(&text, "Total"), ["Total", "£1,000"]);
}

#[test]
fn a_summary_study_cannot_be_itemised() {
    let scratch = Scratch::new();
    summary_study(
        &scratch,
        "A",
        "families = 4\n[benefit]\nper_family = \"250\"\n",
    );
    let stderr = scratch.fails(&["family", "A.toml"]);
    assert!(stderr.contains("summary study"), "{stderr}");
}

#[test]
fn a_summary_study_needs_families() {
    let scratch = Scratch::new();
    summary_study(&scratch, "A", "[benefit]\nper_family = \"250\"\n");
    let stderr = scratch.fails(&["roi", "A.toml"]);
    assert!(
        stderr.contains("a summary study needs `families`"),
        "{stderr}"
    );
}

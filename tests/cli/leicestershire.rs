//! Leicestershire's Table 2 (return on investment) and Table 3 (benefits by agency), rebuilt from
//! summary studies (shared/reference/seeds/002: LSCSB update, 8 December 2016).

use crate::common::{json, stdout, table_row, tfcalc};

const YEAR_2: &str = "examples/leicestershire/year-2.toml";
const YEAR_3: &str = "examples/leicestershire/year-3.toml";

#[test]
fn table_2_return_on_investment_is_reproduced_exactly() {
    let text = stdout(&["roi", YEAR_2, YEAR_3]);
    let rows = [
        (
            "Average cost per family of delivering the service",
            "£6,286",
            "£6,286",
        ),
        (
            "Counterfactual per family: services the families would have used anyway",
            "£4,105",
            "£4,645",
        ),
        ("Average net cost per family", "£2,181", "£1,641"),
        ("Average benefit per family", "£858", "£2,412"),
        ("Return on Investment", "£0.39 : £1.00", "£1.47 : £1.00"),
    ];
    for (label, year_2, year_3) in rows {
        assert_eq!(table_row(&text, label), [label, year_2, year_3], "{text}");
    }
    assert_eq!(
        table_row(&text, ""),
        ["", "Year 2 (Phase 1 2013/14)", "Year 3 (Phase 1 2014/15)"]
    );
    assert!(text.contains(
        "Year 2 (Phase 1 2013/14): for every £1 of net cost, the projected fiscal benefit is 39p."
    ));
    assert!(text.contains(
        "Year 3 (Phase 1 2014/15): for every £1 of net cost, the projected fiscal benefit is £1.47."
    ));
}

#[test]
fn table_3_benefits_by_agency_are_reproduced_exactly() {
    let text = stdout(&["agency", YEAR_2, YEAR_3]);
    let rows = [
        ("Leicestershire County Council", "-£36,978", "-£26,489"),
        ("District Councils", "-£24,731", "£7,102"),
        ("Police", "£18,919", "£624"),
        ("Ministry of Justice (MOJ)", "£16,807", "£17,270"),
        ("HMT (incorporating DWP)", "£35,225", "£10,726"),
        ("Fire and Rescue Service", "£0", "£0"),
        ("NHS", "£69,320", "£108,349"),
        ("School/ educational establishment", "-£14,217", "£610"),
        ("Total", "£64,345", "£118,192"),
    ];
    for (label, year_2, year_3) in rows {
        assert_eq!(table_row(&text, label), [label, year_2, year_3], "{text}");
    }
}

#[test]
fn summary_figures_are_exact_and_totals_are_families_times_benefit_per_family() {
    let report = json(&["roi", YEAR_2, YEAR_3]);
    let year_2 = &report["studies"][0];
    let summary = &year_2["summary"];
    assert_eq!(summary["families"], 75);
    assert_eq!(summary["delivery_cost_per_family"], "6286");
    assert_eq!(summary["counterfactual_cost_per_family"], "4105");
    assert_eq!(summary["net_cost_per_family"], "2181");
    // 64,345 / 75, exactly to Decimal's 28 significant digits.
    assert!(
        summary["benefit_per_family"]
            .as_str()
            .unwrap()
            .starts_with("857.933333333333333333333333")
    );
    assert!(summary["roi"].as_str().unwrap().starts_with("0.3933"));
    assert_eq!(year_2["totals"]["benefit"], "64345");

    let year_3 = &report["studies"][1];
    assert_eq!(year_3["summary"]["families"], 49);
    assert_eq!(year_3["summary"]["net_cost_per_family"], "1641");
    assert!(
        year_3["summary"]["benefit_per_family"]
            .as_str()
            .unwrap()
            .starts_with("2412.0816")
    );
    assert!(
        year_3["summary"]["roi"]
            .as_str()
            .unwrap()
            .starts_with("1.4698")
    );
    assert_eq!(year_3["totals"]["benefit"], "118192");

    // The agencies sum to the total; the families × per-family check is within rounding.
    for study in report["studies"].as_array().unwrap() {
        let checks = study["reconciliation"].as_array().unwrap();
        assert!(
            checks.iter().all(|check| check["agrees"] == true),
            "{checks:?}"
        );
        let agencies = checks
            .iter()
            .find(|check| check["figure"] == "consistency:agencies")
            .unwrap();
        assert_eq!(agencies["difference"], "0");
    }
}

#[test]
fn agency_json_uses_the_contract_key_names() {
    let report = json(&["agency", YEAR_2]);
    let police = report["studies"][0]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|agency| agency["agency"] == "Police")
        .unwrap()
        .clone();
    assert_eq!(police["benefit"], "18919");
    assert_eq!(police["funding"], "0");
    assert_eq!(police["net"], "18919");
    for key in [
        "delivery_cost_per_family",
        "counterfactual_cost_per_family",
        "net_cost_per_family",
        "benefit_per_family",
        "roi",
    ] {
        assert!(
            report["studies"][0]["summary"].get(key).is_some(),
            "summary lacks {key}"
        );
    }
}

#[test]
fn reconcile_agrees_with_the_published_table_2() {
    let text = stdout(&["reconcile", YEAR_2, YEAR_3, "--strict"]);
    assert!(text.contains("checks agree"), "{text}");
    // Computed benefit per family is £857.93 against the published £858: 7p, within rounding.
    let row = table_row(&text, "Year 2 (Phase 1 2013/14)");
    assert_eq!(row[1], "published");
    let checks = json(&["reconcile", YEAR_2]);
    let benefit = checks["studies"][0]["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["figure"] == "benefit_per_family")
        .unwrap()
        .clone();
    assert_eq!(benefit["published"], "858");
    assert_eq!(benefit["agrees"], true);
    assert!(
        benefit["difference"]
            .as_str()
            .unwrap()
            .starts_with("-0.0666")
    );
}

#[test]
fn reconcile_strict_fails_on_family_e_and_tolerance_relaxes_it() {
    let output = tfcalc()
        .args(["reconcile", "examples/hertfordshire-family-e", "--strict"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let before = table_row(&text, "Family E");
    assert_eq!(
        before[2..9],
        [
            "Costs before",
            "£42,999",
            "£43,002",
            "+£3",
            "0.01%",
            "DIFFERS",
            "£0.50"
        ]
    );
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("3 figures differ")
    );

    // Without --strict it reports and exits 0.
    tfcalc()
        .args(["reconcile", "examples/hertfordshire-family-e"])
        .assert()
        .success();
    // A tolerance of £3 accepts the paper's arithmetic slip.
    tfcalc()
        .args([
            "reconcile",
            "examples/hertfordshire-family-e",
            "--strict",
            "--tolerance",
            "3",
        ])
        .assert()
        .success();
    tfcalc()
        .args([
            "reconcile",
            "examples/hertfordshire-family-e",
            "--tolerance",
            "lots",
        ])
        .assert()
        .code(2);
}

#[test]
fn family_e_works_with_roi_and_agency() {
    let text = stdout(&["roi", "examples/hertfordshire-family-e"]);
    assert_eq!(
        table_row(
            &text,
            "Counterfactual per family: services the families would have used anyway"
        )[1],
        "£0"
    );
    assert_eq!(table_row(&text, "Return on Investment")[1], "£6.19 : £1.00");
    let report = json(&["roi", "examples/hertfordshire-family-e"]);
    assert!(
        report["studies"][0]["summary"]["roi"]
            .as_str()
            .unwrap()
            .starts_with("6.1858")
    );

    let text = stdout(&["agency", "examples/hertfordshire-family-e", "--net"]);
    assert_eq!(
        table_row(&text, "County Council"),
        ["County Council", "£11,255", "£6,208", "£5,047"]
    );
    assert_eq!(
        table_row(&text, "Police"),
        ["Police", "£7,836", "£0", "£7,836"]
    );
    assert_eq!(
        table_row(&text, "Total"),
        ["Total", "£38,402", "£6,208", "£32,194"]
    );
    // DWP and the NHS fund nothing: their costs rose, which is a line of its own.
    assert!(
        text.contains("Fund more than they gain: none.")
            && text.contains("Family E: costs rose for: DWP, NHS."),
        "{text}"
    );
}

#[test]
fn report_holds_statements_agencies_roi_assumptions_and_reconciliation() {
    let text = stdout(&["report", "examples/hertfordshire-family-e"]);
    for title in [
        "Family E: costs before and after the intervention",
        "Family E: savings per family",
        "Study totals",
        "Benefits and funding by agency",
        "Return on investment",
        "Assumptions",
        "Reconciliation with published figures",
        "Inputs read",
        "Unit costs used",
    ] {
        assert!(
            text.lines().any(|line| line == title),
            "report lacks {title:?}:\n{text}"
        );
    }
    assert_eq!(
        table_row(&text, "Family E")[..3],
        ["Family E", "Basis", "service-use records for each family"]
    );
}

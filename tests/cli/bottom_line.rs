//! One bottom line (issue 13): the counterfactual, the services the families would have used
//! anyway, is in every net figure a reader sees or in none. Leicestershire's year 2 showed a net
//! saving of -£407,105 beside a return of £0.39 : £1.00; allowing for the counterfactual, as the
//! return does, the study's net position is £64,345 - 75 × £2,181 = -£99,230. And the wording
//! that misled: agencies that fund nothing "funding more than they gain", "75 families × £858 =
//! £64,345", and a warning that fires on every real case.

use crate::common::{Scratch, json, stdout, table_row, tfcalc};

const YEAR_2: &str = "examples/leicestershire/year-2.toml";
const YEAR_3: &str = "examples/leicestershire/year-3.toml";
const FAMILY_E: &str = "examples/hertfordshire-family-e";

/// The titles of the bars of the chart titled `title` in an HTML report: each is "label: figure".
fn chart_bars(html: &str, title: &str) -> Vec<String> {
    let start = html
        .find(&format!("\">{title}</title>"))
        .unwrap_or_else(|| panic!("no chart {title:?} in the page"));
    let chart = &html[start..];
    let chart = &chart[..chart.find("</svg>").expect("the chart ends")];
    chart
        .split("<rect ")
        .skip(1)
        .filter_map(|rect| {
            let title = rect.split_once("<title>")?.1;
            Some(title.split_once("</title>")?.0.to_string())
        })
        .collect()
}

fn html(args: &[&str]) -> String {
    let mut args = args.to_vec();
    args.extend(["--format", "html"]);
    stdout(&args)
}

#[test]
fn leicestershire_net_benefit_allows_for_the_counterfactual_exactly() {
    let report = json(&["report", YEAR_2, YEAR_3]);
    let year_2 = &report["studies"][0];
    // 64,345 − 75 × (6,286 − 4,105) = 64,345 − 163,575.
    assert_eq!(year_2["summary"]["net_benefit"], "-99230");
    // The per-family contract is unchanged: the net saving still leaves the counterfactual out.
    assert_eq!(year_2["totals"]["net_saving"], "-407105");
    let year_3 = &report["studies"][1];
    // 118,192 − 49 × (6,286 − 4,645) = 118,192 − 80,409.
    assert_eq!(year_3["summary"]["net_benefit"], "37783");
    assert_eq!(year_3["totals"]["net_saving"], "-189822");
}

#[test]
fn the_totals_table_shows_the_counterfactual_and_ends_on_the_net_benefit() {
    let text = stdout(&["report", YEAR_2, YEAR_3]);
    let totals = &text[text.find("Study totals").unwrap()..];
    let totals = &totals[..totals.find("\n\n").unwrap()];
    assert_eq!(
        table_row(totals, "Net saving (before less intervention less after)"),
        [
            "Net saving (before less intervention less after)",
            "-£407,105",
            "-£189,822"
        ]
    );
    assert_eq!(
        table_row(
            totals,
            "Counterfactual: services the families would have used anyway"
        )[1..],
        ["£307,875", "£227,605"]
    );
    let last_row = totals.lines().rfind(|line| line.starts_with('│')).unwrap();
    assert!(
        last_row.contains("Net benefit (net saving plus the counterfactual)")
            && last_row.contains("-£99,230")
            && last_row.contains("£37,783"),
        "the table ends on the net benefit:\n{totals}"
    );
    assert!(
        totals.contains("Year 2 (Phase 1 2013/14): the counterfactual is 75 families × £4,105 = £307,875; the net benefit is -£407,105 + £307,875 = -£99,230."),
        "{totals}"
    );

    // The return on investment says the same figure, beside the return it agrees with.
    let roi = stdout(&["roi", YEAR_2, YEAR_3]);
    assert_eq!(
        table_row(
            &roi,
            "Net benefit of all the families (benefit less net cost)"
        )[1..],
        ["-£99,230", "£37,783"]
    );
    assert!(roi.contains("Year 2 (Phase 1 2013/14): the net benefit is £64,345 benefit less £163,575 net cost of all 75 families (delivery less counterfactual) = -£99,230."), "{roi}");
}

#[test]
fn the_csv_totals_and_roi_name_the_net_benefit() {
    let scratch = Scratch::new();
    let out = scratch.path().join("out/");
    let out = out.to_str().unwrap();
    stdout(&["report", YEAR_2, "--output", out]);
    let totals = std::fs::read_to_string(scratch.path().join("out/totals.csv")).unwrap();
    assert!(
        totals.ends_with(
            "Counterfactual: services the families would have used anyway,307875\nNet benefit (net saving plus the counterfactual),-99230\n"
        ),
        "{totals}"
    );
    let roi = std::fs::read_to_string(scratch.path().join("out/roi.csv")).unwrap();
    assert!(
        roi.ends_with("\nNet benefit of all the families (benefit less net cost),-99230\n"),
        "{roi}"
    );
}

#[test]
fn the_waterfall_shows_the_counterfactual_and_ends_where_the_return_does() {
    let page = html(&["report", YEAR_2]);
    assert_eq!(
        chart_bars(
            &page,
            "Year 2 (Phase 1 2013/14): from costs before to net benefit"
        ),
        [
            "Gross saving (before less after): £64,345",
            "Intervention cost: -£471,450",
            "Services they would have used anyway (counterfactual): £307,875",
            "Net benefit: -£99,230",
        ]
    );
    assert!(
        !page.contains("Net saving: -£407,105"),
        "a second bottom line"
    );
}

/// A study of family records with a counterfactual: the waterfall runs from costs before, and the
/// totals and the return end on the same figure.
#[test]
fn a_records_study_with_a_counterfactual_ends_on_one_figure() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n\
             [intervention]\nper_family = \"1000\"\n\n[counterfactual]\nper_family = \"250.50\"\n",
        )
        // Before: an arrest (£1,930) and 10 hours of police time (£330); after: 2 hours (£66).
        .write(
            "before.csv",
            "family_id,service,quantity\nA,arrest,1\nB,police_hour,10\n",
        )
        .write("after.csv", "family_id,service,quantity\nA,police_hour,2\n");
    let report = scratch.succeeds(&["report", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let study = &report["studies"][0];
    // Benefit 2,260 − 66 = 2,194; net cost 2 × (1,000 − 250.50) = 1,499.
    assert_eq!(study["totals"]["net_saving"], "194");
    assert_eq!(study["summary"]["net_benefit"], "695");
    assert_eq!(study["families"][0]["net_saving"], "864");

    let page = scratch.succeeds(&["report", ".", "--format", "html"]);
    assert_eq!(
        chart_bars(&page, "Test: from costs before to net benefit"),
        [
            "Costs before (6 months): £2,260",
            "Intervention cost: -£2,000",
            "Costs after (6 months): -£66",
            "Services they would have used anyway (counterfactual): £501",
            "Net benefit: £695",
        ]
    );
    let text = scratch.succeeds(&["report", "."]);
    assert_eq!(
        table_row(&text, "Net benefit (net saving plus the counterfactual)"),
        ["Net benefit (net saving plus the counterfactual)", "£695"]
    );
    assert_eq!(
        table_row(
            &text,
            "Net benefit of all the families (benefit less net cost)"
        ),
        [
            "Net benefit of all the families (benefit less net cost)",
            "£695"
        ]
    );
    // The families' net savings keep the contract's meaning, and say what they leave out.
    for who in ["the family", "the families"] {
        assert!(
            text.contains(&format!("The net saving leaves out the counterfactual, the services {who} would have used anyway (£250.50 per family), which the study's net benefit and return on investment allow for: see the study totals.")),
            "{text}"
        );
    }
}

#[test]
fn family_e_has_no_counterfactual_step_and_keeps_its_bottom_line() {
    let report = json(&["report", FAMILY_E]);
    let study = &report["studies"][0];
    assert_eq!(study["summary"]["net_benefit"], "32194");
    assert_eq!(study["totals"]["net_saving"], "32194");

    let text = stdout(&["report", FAMILY_E]);
    let totals = &text[text.find("Study totals").unwrap()..];
    let totals = &totals[..totals.find("\n\n").unwrap()];
    let last_row = totals.lines().rfind(|line| line.starts_with('│')).unwrap();
    assert!(
        last_row.contains("Net saving (before less intervention less after)")
            && last_row.contains("£32,194"),
        "{totals}"
    );
    assert!(!totals.contains("Counterfactual"), "{totals}");
    assert!(!totals.contains("Net benefit"), "{totals}");
    assert!(!text.contains("Net benefit of all the families"), "{text}");

    assert_eq!(
        chart_bars(
            &html(&["report", FAMILY_E]),
            "Family E: from costs before to net saving"
        ),
        [
            "Costs before (6 months): £43,002",
            "Intervention cost: -£6,208",
            "Costs after (6 months): -£4,600",
            "Net saving: £32,194",
        ]
    );
}

#[test]
fn an_overflowing_counterfactual_is_an_error_at_the_study() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"Huge\"\nfamilies = 18446744073709551615\n\n[intervention]\nper_family = \"0\"\n\n\
         [counterfactual]\nper_family = \"10000000000000000000\"\n\n[benefit]\nper_family = \"0\"\n",
    );
    let stderr = scratch.fails(&["roi", "study.toml"]);
    assert!(
        stderr.contains("study.toml: the counterfactual of all the families of Huge cannot be computed exactly: the figure would be over 28 digits"),
        "{stderr}"
    );
}

#[test]
fn agencies_that_fund_nothing_do_not_fund_more_than_they_gain() {
    let text = stdout(&["agency", FAMILY_E, "--net"]);
    assert!(
        text.contains("Family E: come out ahead: Police, Housing, Multiple agencies, County Council. Fund more than they gain: none."),
        "{text}"
    );
    assert!(
        text.contains("Family E: costs rose for: DWP, NHS."),
        "{text}"
    );
    assert!(!text.contains("Fund more than they gain: DWP"), "{text}");
}

#[test]
fn a_funder_whose_funding_exceeds_its_benefit_funds_more_than_it_gains() {
    // Family E with the delivery paid half by the NHS, whose costs rose, and half by the council.
    let scratch = Scratch::new();
    let study = std::fs::read_to_string(
        crate::common::repo().join("examples/hertfordshire-family-e/study.toml"),
    )
    .unwrap()
    .replace(
        "funding = { \"County Council\" = \"1\" }",
        "funding = { \"County Council\" = \"0.5\", \"NHS\" = \"0.5\" }",
    );
    assert!(
        study.contains("\"NHS\" = \"0.5\""),
        "the example's funding line moved"
    );
    let study = study.replace(
        "../../unit-costs/",
        &format!("{}/unit-costs/", crate::common::repo().display()),
    );
    scratch.write("study.toml", study);
    for file in ["before.csv", "after.csv"] {
        scratch.write(
            file,
            std::fs::read(
                crate::common::repo()
                    .join("examples/hertfordshire-family-e")
                    .join(file),
            )
            .unwrap(),
        );
    }
    let text = scratch.succeeds(&["agency", ".", "--net"]);
    assert!(
        text.contains("Fund more than they gain: NHS."),
        "the NHS funds £3,104 and its costs rose by £1,000:\n{text}"
    );
    assert!(
        text.contains("Family E: costs rose for: DWP, NHS."),
        "{text}"
    );
}

#[test]
fn the_benefit_per_family_multiplied_is_shown_to_the_penny() {
    let text = stdout(&["agency", YEAR_2]);
    assert!(
        text.contains("Year 2 (Phase 1 2013/14): the total is 75 families × £857.93 benefit per family = £64,345."),
        "{text}"
    );
    assert!(!text.contains("× £858"), "{text}");
}

#[test]
fn the_counterfactual_is_not_called_a_cost_before() {
    let text = stdout(&["roi", YEAR_2]);
    assert_eq!(
        table_row(
            &text,
            "Counterfactual per family: services the families would have used anyway"
        )[1],
        "£4,105"
    );
    assert!(!text.contains("pre-programme"), "{text}");
    // Nor in the reconciliation, which labels the published figure.
    let text = stdout(&["reconcile", YEAR_2]);
    assert!(!text.contains("pre-programme"), "{text}");
    assert!(
        text.contains("Counterfactual per family: services the families would have used anyway"),
        "{text}"
    );
}

#[test]
fn services_used_in_one_window_are_a_note_of_check_and_nothing_elsewhere() {
    let output = tfcalc().args(["report", FAMILY_E]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("used only"), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");

    let check = stdout(&["check", FAMILY_E]);
    assert!(
        check.contains("note: examples/hertfordshire-family-e/after.csv: services are used only after the intervention, never before: dla_week, drugs_programme"),
        "{check}"
    );
    assert!(!check.contains("warning:"), "{check}");
    assert!(
        check.ends_with(
            "check: no problems in 1 study (2 service-use files, 12 rows read); 2 notes\n"
        ),
        "{check}"
    );

    let report = json(&["check", FAMILY_E]);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["notes"], 2);
    assert_eq!(report["problems"][0]["severity"], "note");

    let csv = stdout(&["check", FAMILY_E, "--format", "csv"]);
    assert!(
        csv.lines()
            .skip(1)
            .all(|line| line.starts_with("note,examples/hertfordshire-family-e/")),
        "{csv}"
    );
}

#[test]
fn a_warning_beside_notes_is_counted_apart_from_them() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,arrest,1\nB,arrest,1\n",
        "family_id,service,quantity\nA,arrest,1\nA,police_hour,1\n",
    );
    let text = scratch.succeeds(&["check", "."]);
    assert!(
        text.contains("warning: before.csv: 1 family has before rows but none after (B)"),
        "{text}"
    );
    assert!(
        text.contains("note: after.csv: a service is used only after the intervention, never before: police_hour"),
        "{text}"
    );
    assert!(
        text.ends_with("check: 0 errors, 1 warning and 1 note\n"),
        "{text}"
    );
}

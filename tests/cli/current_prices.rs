//! Issue 14: reporting in current prices — a price year past the deflator, mixed price years, and
//! a deflator series the user supplies.

use crate::common::Scratch;
use rust_decimal::Decimal;
use std::str::FromStr;

#[test]
fn a_price_year_past_the_deflator_is_one_error_naming_the_range_and_the_remedy() {
    let scratch = Scratch::new();
    let stderr = scratch.fails(&["costs", "show", "ee1.4", "--price-year", "2023/24"]);
    assert_eq!(
        stderr.matches("error:").count(),
        1,
        "one cause, one error: {stderr}"
    );
    assert!(!stderr.contains("more"), "{stderr}");
    assert!(
        stderr.contains("price year 2023/24 is outside the GDP deflator series")
            && stderr.contains("which covers 1989/90 to 2019/20"),
        "{stderr}"
    );
    assert!(stderr.contains("--deflator FILE"), "{stderr}");
}

/// A table with one cost at 2002/03 prices and two at 2014/15, and a study that uses all three.
fn mixed_year_study(scratch: &Scratch, study_extra: &str) {
    scratch
        .write(
            "t.toml",
            "[table]\nname = \"Mixed\"\n\n\
             [[unit_cost]]\nid = \"old\"\nname = \"Old\"\nunit = \"visit\"\ncost = \"100\"\nagency = \"Police\"\nprice_year = \"2002/03\"\n\n\
             [[unit_cost]]\nid = \"new\"\nname = \"New\"\nunit = \"visit\"\ncost = \"100\"\nagency = \"Police\"\nprice_year = \"2014/15\"\n\n\
             [[unit_cost]]\nid = \"newer\"\nname = \"Newer\"\nunit = \"visit\"\ncost = \"50\"\nagency = \"Police\"\nprice_year = \"2014/15\"\n",
        )
        .write(
            "study.toml",
            format!("[study]\nname = \"Mixed years\"\nunit_costs = [\"t.toml\"]\n{study_extra}before = \"before.csv\"\nafter = \"after.csv\"\n"),
        )
        .write(
            "before.csv",
            "family_id,service,quantity\nA,old,1\nA,new,1\nA,newer,1\n",
        )
        .write("after.csv", "family_id,service,quantity\nA,old,0\n");
}

#[test]
fn check_warns_of_a_study_mixing_price_years_without_uprating() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    // `check` writes its findings to standard output: they are its result.
    let out = scratch.succeeds(&["check", "."]);
    assert!(
        out.contains(
            "\"Mixed years\" adds costs from 2 price years without uprating them: from 2002/03 (1 cost) to 2014/15 (2 costs)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "add price_year = \"2014/15\" to the study's [study], or give --price-year 2014/15"
        ),
        "{out}"
    );
}

#[test]
fn an_uprated_study_is_not_warned_of_mixed_price_years() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2013/14\"\n");
    // `check` writes its findings to standard output: they are its result.
    let out = scratch.succeeds(&["check", "."]);
    assert!(!out.contains("price years without uprating"), "{out}");
}

const HMT: &str = "unit-costs/hmt-gdp-deflator-2024.toml";

/// The shipped HM Treasury series, copied into a scratch folder as `hmt.toml`.
fn with_hmt(scratch: &Scratch) {
    let text = std::fs::read_to_string(crate::common::repo().join(HMT)).unwrap();
    scratch.write("hmt.toml", text);
}

fn before_total(scratch: &Scratch, args: &[&str]) -> Decimal {
    let mut all = vec!["report", ".", "--format", "json"];
    all.extend_from_slice(args);
    let json: serde_json::Value = serde_json::from_str(&scratch.succeeds(&all)).unwrap();
    json["studies"][0]["families"][0]["before"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn pence(amount: Decimal) -> Decimal {
    tfcalc::money::round_for_display(amount, 2)
}

#[test]
fn a_calendar_series_reports_in_2023_24_prices_by_the_three_quarters_rule() {
    // 2023/24 = ¾ × 96.2507 + ¼ × 100 = 97.188025; 2002/03 = ¾ × 56.911 + ¼ × 58.266 = 57.24975;
    // 2014/15 = ¾ × 74.6524 + ¼ × 75.1536 = 74.7777. So £100 (2002/03) is £169.7615 and £150
    // (2014/15) is £194.9539: £364.7154 (computed to 40 digits by hand, not by tfcalc).
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    with_hmt(&scratch);
    let total = before_total(
        &scratch,
        &["--price-year", "2023/24", "--deflator", "hmt.toml"],
    );
    assert_eq!(pence(total), Decimal::from_str("364.72").unwrap());
    assert_eq!(
        tfcalc::money::round_for_display(total, 4),
        Decimal::from_str("364.7154").unwrap()
    );

    let text = scratch.succeeds(&[
        "report",
        ".",
        "--price-year",
        "2023/24",
        "--deflator",
        "hmt.toml",
    ]);
    assert!(text.contains("Old: 1 visit at £169.76 per visit"), "{text}");
}

#[test]
fn a_calendar_series_reports_in_calendar_2024_prices_given_a_bare_year() {
    // 2024 = 100: £100 × 100 / 57.24975 + £150 × 100 / 74.7777 = £375.2678.
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    with_hmt(&scratch);
    let total = before_total(
        &scratch,
        &["--price-year", "2024", "--deflator", "hmt.toml"],
    );
    assert_eq!(
        tfcalc::money::round_for_display(total, 4),
        Decimal::from_str("375.2678").unwrap()
    );
    let json: serde_json::Value = serde_json::from_str(&scratch.succeeds(&[
        "report",
        ".",
        "--format",
        "json",
        "--price-year",
        "2024",
        "--deflator",
        "hmt.toml",
    ]))
    .unwrap();
    assert_eq!(json["studies"][0]["price_year"], "2024");
}

#[test]
fn a_bare_year_stays_ambiguous_with_a_financial_year_series() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    let stderr = scratch.fails(&["report", ".", "--price-year", "2024"]);
    assert!(
        stderr.contains("2024 is ambiguous: the financial year 2024/25 or 2023/24?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("only with a calendar-year deflator series"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn a_study_names_its_deflator_and_the_assumptions_name_series_vintage_and_rule() {
    let scratch = Scratch::new();
    mixed_year_study(
        &scratch,
        "price_year = \"2023/24\"\ndeflator = \"hmt.toml\"\n",
    );
    with_hmt(&scratch);
    assert_eq!(
        tfcalc::money::round_for_display(before_total(&scratch, &[]), 4),
        Decimal::from_str("364.7154").unwrap()
    );
    let text = scratch
        .tfcalc()
        .args(["report", "."])
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("2023/24 prices: unit costs uprated from their own price years with the HM Treasury GDP deflator at market prices, calendar years, 2024 = 100; source: HM Treasury, GDP deflators at market prices, and money GDP; vintage: December 2025 (Quarterly National Accounts); calendar-year series: a financial year t/t+1 is taken as ¾ of calendar year t plus ¼ of t+1"),
        "{text}"
    );
}

#[test]
fn the_assumptions_mark_forecast_years_used() {
    // The built-in series was published in June 2013; from 2013/14 on it was a forecast.
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2013/14\"\n");
    let output = scratch
        .tfcalc()
        .args(["report", "."])
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "vintage: June 2013; financial-year series; forecast when the series was published: 2013/14, 2014/15"
        ),
        "{text}"
    );
}

#[test]
fn past_the_calendar_series_the_error_names_both_ranges() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    with_hmt(&scratch);
    let stderr = scratch.fails(&[
        "report",
        ".",
        "--price-year",
        "2024/25",
        "--deflator",
        "hmt.toml",
    ]);
    assert!(
        stderr.contains("covers calendar years 1990 to 2024 (financial years 1990/91 to 2023/24"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn a_bad_deflator_file_is_an_error_at_its_line() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "");
    for (text, expected) in [
        (
            "[deflator]\nname = \"D\"\n\n[index]\n\"2013\" = \"90\"\n\"2014/15\" = \"95\"\n",
            "d.toml:6:13: \"2014/15\" mixes calendar and financial years",
        ),
        (
            "[deflator]\nname = \"D\"\n\n[index]\n\"2013\" = \"90\"\n\"2015\" = \"95\"\n",
            "d.toml: the deflator series has no value for 2014, between its first and last years",
        ),
        (
            "[deflator]\nname = \"D\"\n\n[index]\n\"2013\" = \"0\"\n",
            "the index for 2013 is 0; a price index is above zero",
        ),
        (
            "[deflator]\nname = \"D\"\n",
            "needs exactly one of [index] (year = index) or [percent_change]",
        ),
    ] {
        scratch.write("d.toml", text);
        // `check` writes its findings to standard output, and exits 2 on an error.
        let output = scratch
            .tfcalc()
            .args(["check", ".", "--deflator", "d.toml"])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(2), "{out}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
        assert!(out.contains(expected), "{expected}\n{out}");
    }
}

/// The study's JSON report, run with `args` (after `report STUDY --format json`).
fn study_json(scratch: &Scratch, study: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", study, "--format", "json"];
    all.extend_from_slice(args);
    let json: serde_json::Value = serde_json::from_str(&scratch.succeeds(&all)).unwrap();
    json["studies"][0].clone()
}

fn decimal(value: &serde_json::Value) -> Decimal {
    value.as_str().unwrap().parse().unwrap()
}

/// The figures of a study's JSON that the price year decides.
fn priced_figures(study: &serde_json::Value) -> Vec<serde_json::Value> {
    [
        "price_year",
        "families",
        "agencies",
        "summary",
        "totals",
        "unit_costs",
    ]
    .iter()
    .map(|key| study[*key].clone())
    .chain([study["assumptions"]["deflator"].clone()])
    .collect()
}

#[test]
fn a_study_in_calendar_2024_prices_gives_the_figures_of_the_flag() {
    // 2024 = 100: £100 × 100 / 57.24975 + £150 × 100 / 74.7777 = £375.2678 (as with the flag).
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let from_study = study_json(&scratch, "study.toml", &[]);
    assert_eq!(
        tfcalc::money::round_for_display(decimal(&from_study["families"][0]["before"]), 4),
        Decimal::from_str("375.2678").unwrap()
    );
    assert_eq!(from_study["price_year"], "2024");
    let old = from_study["unit_costs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cost| cost["id"] == "old")
        .unwrap();
    assert_eq!(old["price_year"], "2024");
    assert_eq!(old["stated_price_year"], "2002/03");
    assert_eq!(
        tfcalc::money::round_for_display(decimal(&old["cost"]), 4),
        Decimal::from_str("174.6733").unwrap()
    );

    // The same study without a price year, given one on the command line.
    let study = std::fs::read_to_string(scratch.path().join("study.toml")).unwrap();
    scratch.write(
        "flag.toml",
        study
            .replace("price_year = \"2024\"\n", "")
            .replace("deflator = \"hmt.toml\"\n", ""),
    );
    let from_flag = study_json(
        &scratch,
        "flag.toml",
        &["--price-year", "2024", "--deflator", "hmt.toml"],
    );
    assert_eq!(priced_figures(&from_study), priced_figures(&from_flag));
}

#[test]
fn a_study_names_the_shipped_calendar_series_by_name() {
    // No deflator file beside the study: the series is the one compiled into tfcalc.
    let scratch = Scratch::new();
    mixed_year_study(
        &scratch,
        "price_year = \"2024\"\ndeflator = \"hmt-gdp-deflator-2024\"\n",
    );
    let study = study_json(&scratch, ".", &[]);
    assert_eq!(
        tfcalc::money::round_for_display(decimal(&study["families"][0]["before"]), 4),
        Decimal::from_str("375.2678").unwrap()
    );
    assert_eq!(
        study["assumptions"]["deflator"]["name"],
        "HM Treasury GDP deflator at market prices, calendar years, 2024 = 100"
    );
    // And `--deflator` takes the name too, for 2023/24.
    mixed_year_study(&scratch, "");
    let total = before_total(
        &scratch,
        &[
            "--price-year",
            "2023/24",
            "--deflator",
            "hmt-gdp-deflator-2024",
        ],
    );
    assert_eq!(
        tfcalc::money::round_for_display(total, 4),
        Decimal::from_str("364.7154").unwrap()
    );
}

#[test]
fn a_study_bare_year_with_a_financial_series_is_an_error_at_its_line_saying_how_to_fix_it() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\n");
    let stderr = scratch.fails(&["report", "."]);
    assert_eq!(
        stderr,
        "error: study.toml:4:14: 2024 is ambiguous: the financial year 2024/25 or 2023/24? write 2024/25 for April 2024 to March 2025, or 2023/24 for the year to March 2024\n  \
         help: a bare year is a calendar year only with a calendar-year deflator series, and the one in use (GDP deflator at market prices (ONS, June 2013), as published with the Unit Cost Database v1.2, built in) is by financial year: write price_year as a financial year, or, for calendar 2024 prices, add deflator = \"hmt-gdp-deflator-2024\" to the study's [study] (HM Treasury's calendar-year series, shipped with tfcalc)\n"
    );
    // `check` lists it the same way.
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("study.toml:4:14: 2024 is ambiguous"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // A study's calendar series replaced by a financial one with --deflator: the study's bare
    // year is refused at its line, and the fix is the flag's.
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let stderr = scratch.fails(&["report", ".", "--deflator", "gdp-deflator-ucd-v1.2"]);
    assert!(
        stderr.starts_with("error: study.toml:4:14: 2024 is ambiguous"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(GDP deflator at market prices (ONS, June 2013), as published with the Unit Cost Database v1.2, from --deflator) is by financial year"),
        "{stderr}"
    );
    assert!(
        stderr.contains("give --deflator hmt-gdp-deflator-2024"),
        "{stderr}"
    );

    // A financial-year series named in the study: the fix is in the study.
    std::fs::copy(
        crate::common::repo().join("unit-costs/gdp-deflator.toml"),
        scratch.path().join("financial.toml"),
    )
    .unwrap();
    mixed_year_study(
        &scratch,
        "price_year = \"2024\"\ndeflator = \"financial.toml\"\n",
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(", the study's deflator) is by financial year"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add deflator = \"hmt-gdp-deflator-2024\" to the study's [study]"),
        "{stderr}"
    );
}

#[test]
fn the_flag_price_year_overrides_the_study_s_whatever_its_kind() {
    // The study's calendar 2024 and its calendar series; the flag's 2023/24 wins.
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let study = study_json(&scratch, ".", &["--price-year", "2023/24"]);
    assert_eq!(study["price_year"], "2023/24");
    assert_eq!(
        tfcalc::money::round_for_display(decimal(&study["families"][0]["before"]), 4),
        Decimal::from_str("364.7154").unwrap()
    );
    // The study's financial year, and the flag's calendar year with the study's calendar series.
    mixed_year_study(
        &scratch,
        "price_year = \"2023/24\"\ndeflator = \"hmt.toml\"\n",
    );
    let study = study_json(&scratch, ".", &["--price-year", "2024"]);
    assert_eq!(study["price_year"], "2024");
    assert_eq!(
        tfcalc::money::round_for_display(decimal(&study["families"][0]["before"]), 4),
        Decimal::from_str("375.2678").unwrap()
    );
    // A bare year in a study with the built-in (financial) series is not used when the flag
    // gives the year, so it is not refused: 2013/14 with the built-in series, £276.71
    // (£100 × 178.3832 / 137.7440 + £150 × 178.3832 / 181.7725, worked to 40 digits).
    mixed_year_study(&scratch, "price_year = \"2024\"\n");
    let study = study_json(&scratch, ".", &["--price-year", "2013/14"]);
    assert_eq!(study["price_year"], "2013/14");
    assert_eq!(
        pence(decimal(&study["families"][0]["before"])),
        Decimal::from_str("276.71").unwrap()
    );
}

#[test]
fn a_study_bare_year_past_the_calendar_series_names_both_ranges_and_the_study_fix() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2030\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.starts_with("error: study.toml:4:14: price year 2030 is outside the GDP deflator series (HM Treasury GDP deflator at market prices, calendar years, 2024 = 100), which covers calendar years 1990 to 2024"),
        "{stderr}"
    );
    assert!(
        stderr.contains("choose a price year from 1990/91 to 2023/24 (or a calendar year from 1990 to 2024, written bare), or give a newer series in the study's deflator = \"FILE\""),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn a_summary_study_with_a_bare_year_is_warned_of_as_with_any_price_year() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"S\"\nfamilies = 2\nprice_year = \"2024\"\n\n[intervention]\nper_family = \"100\"\n\n[benefit]\nper_family = \"300\"\n",
    );
    let output = scratch
        .tfcalc()
        .args(["report", ".", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("price_year = \"2024\" does not apply to \"S\": it is a summary study"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["studies"][0]["price_year"], serde_json::Value::Null);
    assert_eq!(
        json["studies"][0]["assumptions"]["deflator"],
        serde_json::Value::Null
    );
}

#[test]
fn the_json_report_carries_the_calendar_deflator_used() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let study = study_json(&scratch, ".", &[]);
    assert_eq!(
        study["assumptions"]["deflator"],
        serde_json::json!({
            "name": "HM Treasury GDP deflator at market prices, calendar years, 2024 = 100",
            "source": "HM Treasury, GDP deflators at market prices, and money GDP",
            "vintage": "December 2025 (Quarterly National Accounts)",
            "kind": "calendar",
            "covers": {"from": "1990", "to": "2024"},
            "financial_year_rule": "a financial year t/t+1 is taken as ¾ of calendar year t plus ¼ of t+1",
            "price_year": "2024",
            "forecast_from": null,
            "forecast_years_used": [],
            // ¾ × 56.911 + ¼ × 58.266; ¾ × 74.6524 + ¼ × 75.1536; and 2024 itself.
            "years_used": [
                {"year": "2002/03", "index": "57.24975", "forecast": false},
                {"year": "2014/15", "index": "74.7777", "forecast": false},
                {"year": "2024", "index": "100", "forecast": false},
            ],
        })
    );
}

#[test]
fn the_json_report_carries_the_financial_deflator_and_its_forecast_years() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2013/14\"\n");
    let study = study_json(&scratch, ".", &[]);
    let deflator = &study["assumptions"]["deflator"];
    assert_eq!(
        deflator["name"],
        "GDP deflator at market prices (ONS, June 2013), as published with the Unit Cost Database v1.2"
    );
    assert_eq!(deflator["vintage"], "June 2013");
    assert_eq!(deflator["kind"], "financial");
    assert_eq!(
        deflator["covers"],
        serde_json::json!({"from": "1989/90", "to": "2017/18"})
    );
    assert_eq!(deflator["financial_year_rule"], serde_json::Value::Null);
    assert_eq!(deflator["price_year"], "2013/14");
    assert_eq!(deflator["forecast_from"], "2013/14");
    assert_eq!(
        deflator["forecast_years_used"],
        serde_json::json!(["2013/14", "2014/15"])
    );
    let years = deflator["years_used"].as_array().unwrap();
    let shown: Vec<(&str, bool)> = years
        .iter()
        .map(|year| {
            (
                year["year"].as_str().unwrap(),
                year["forecast"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [("2002/03", false), ("2013/14", true), ("2014/15", true)]
    );
    // The indices compounded from 1989/90 = 100 (worked to 60 digits outside tfcalc).
    let index = |at: usize| tfcalc::money::round_for_display(decimal(&years[at]["index"]), 6);
    assert_eq!(index(0), Decimal::from_str("137.744017").unwrap());
    assert_eq!(index(1), Decimal::from_str("178.383195").unwrap());
    assert_eq!(index(2), Decimal::from_str("181.772476").unwrap());
    // Not uprated: null.
    mixed_year_study(&scratch, "");
    let study = study_json(&scratch, ".", &[]);
    assert_eq!(study["assumptions"]["deflator"], serde_json::Value::Null);
}

#[test]
fn only_the_years_of_costs_used_are_marked_forecast() {
    // The table has costs at 2014/15 (a forecast year of the built-in series), but the study uses
    // only the 2002/03 one and reports in 2012/13: no forecast index enters its figures.
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2012/13\"\n");
    scratch
        .write("before.csv", "family_id,service,quantity\nA,old,1\n")
        .write("after.csv", "family_id,service,quantity\nA,old,0\n");
    let study = study_json(&scratch, ".", &[]);
    assert_eq!(
        study["assumptions"]["deflator"]["forecast_years_used"],
        serde_json::json!([])
    );
    // £100 × 174.3726 / 137.7440.
    assert_eq!(
        pence(decimal(&study["families"][0]["before"])),
        Decimal::from_str("126.59").unwrap()
    );
    let output = scratch
        .tfcalc()
        .args(["report", "."])
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains("forecast"), "{text}");
}

/// The Prices and Deflator index rows of the Assumptions, as CSV and the workbook carry them.
const CALENDAR_PRICES: &str = "calendar-year 2024 prices: unit costs uprated from their own price years with the HM Treasury GDP deflator at market prices, calendar years, 2024 = 100; source: HM Treasury, GDP deflators at market prices, and money GDP; vintage: December 2025 (Quarterly National Accounts); calendar-year series: a financial year t/t+1 is taken as ¾ of calendar year t plus ¼ of t+1";
const CALENDAR_INDICES: &str = "2002/03: 57.24975; 2014/15: 74.7777; 2024: 100";
const FINANCIAL_PRICES: &str = "2013/14 prices: unit costs uprated from their own price years with the GDP deflator at market prices (ONS, June 2013), as published with the Unit Cost Database v1.2; source: ONS, annual percentage change in the GDP deflator at market prices, as published with the Unit Cost Database v1.2; vintage: June 2013; financial-year series; forecast when the series was published: 2013/14, 2014/15";

/// The Value of each Assumptions row of `assumptions.csv` whose Assumption is `label`.
fn csv_assumption(scratch: &Scratch, label: &str) -> String {
    let text = std::fs::read_to_string(scratch.path().join("out/assumptions.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["Study", "Assumption", "Value"]
    );
    reader
        .records()
        .map(Result::unwrap)
        .find(|record| &record[1] == label)
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))[2]
        .to_string()
}

#[test]
fn the_csv_assumptions_name_the_deflator_its_kind_rule_target_and_indices() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    scratch.succeeds(&["report", ".", "--output", "out/"]);
    assert_eq!(csv_assumption(&scratch, "Prices"), CALENDAR_PRICES);
    assert_eq!(
        csv_assumption(&scratch, "Deflator index used"),
        CALENDAR_INDICES
    );

    mixed_year_study(&scratch, "price_year = \"2013/14\"\n");
    scratch.succeeds(&["report", ".", "--output", "out/"]);
    assert_eq!(csv_assumption(&scratch, "Prices"), FINANCIAL_PRICES);
    let indices = csv_assumption(&scratch, "Deflator index used");
    assert!(
        // A compounded index is shown to six places, marked as rounded (the JSON has every digit).
        indices
            == "2002/03: ≈137.744017; 2013/14: ≈178.383195 (forecast); 2014/15: ≈181.772476 (forecast)",
        "{indices}"
    );
}

#[test]
fn the_workbook_assumptions_name_the_deflator_its_kind_rule_target_and_indices() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    scratch.succeeds(&["report", ".", "--output", "report.xlsx"]);
    let mut book: Xlsx<_> = open_workbook(scratch.path().join("report.xlsx")).unwrap();
    let sheet = book.worksheet_range("Assumptions").unwrap();
    let row = |label: &str| {
        sheet
            .rows()
            .find(|row| row.get(1) == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("no {label:?} row"))
            .to_vec()
    };
    assert_eq!(
        row("Prices"),
        [
            Data::String("Mixed years".into()),
            Data::String("Prices".into()),
            Data::String(CALENDAR_PRICES.into())
        ]
    );
    assert_eq!(
        row("Deflator index used")[2],
        Data::String(CALENDAR_INDICES.into())
    );
}

#[test]
fn the_markdown_and_html_assumptions_carry_the_same_rows() {
    let scratch = Scratch::new();
    mixed_year_study(&scratch, "price_year = \"2024\"\ndeflator = \"hmt.toml\"\n");
    with_hmt(&scratch);
    let markdown = scratch.succeeds(&["report", ".", "--format", "markdown"]);
    assert!(
        markdown.contains(&format!("| Mixed years | Prices | {CALENDAR_PRICES} |")),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!(
            "| Mixed years | Deflator index used | {CALENDAR_INDICES} |"
        )),
        "{markdown}"
    );
    let html = scratch.succeeds(&["report", ".", "--format", "html"]);
    assert!(html.contains(CALENDAR_INDICES), "{html}");
    assert!(
        html.contains("calendar-year 2024 prices: unit costs uprated from their own price years with the HM Treasury GDP deflator at market prices, calendar years, 2024 = 100; source: HM Treasury, GDP deflators at market prices, and money GDP; vintage: December 2025 (Quarterly National Accounts); calendar-year series: a financial year t/t+1 is taken as ¾ of calendar year t plus ¼ of t+1"),
        "html"
    );
}

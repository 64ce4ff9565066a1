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
            "vintage: June 2013; forecast when the series was published: 2013/14, 2014/15"
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

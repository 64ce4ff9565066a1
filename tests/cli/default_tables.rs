//! Issue 14: v1.4 is the default reference table. A file that names no table was perhaps written
//! when the default was v1.2, whose ids v1.4 renumbered and whose costs it revised: such a file
//! keeps its figures where the two agree and is refused, with both figures, where they do not.

use crate::common::{Scratch, table_row};

const BEFORE: &str = "family_id,service,quantity\nA,ee1.7,10\nA,police_hour,2\n";
const AFTER: &str = "family_id,service,quantity\nA,ee1.7,0\n";

fn study(unit_costs: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            format!("[study]\nname = \"T\"\n{unit_costs}before = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"100\"\n"),
        )
        .write("before.csv", BEFORE)
        .write("after.csv", AFTER);
    scratch
}

#[test]
fn a_study_naming_no_table_is_refused_where_the_default_changed_a_cost() {
    // ee1.7 was JSA at £71 a week in v1.2; in v1.4 it is the cost of maintaining a claim, £363.
    let scratch = study("");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("error: study.toml: this names no unit-cost table, and 1 of the services it uses cost differently"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`ee1.7` was \"Job Seeker's Allowance, Income based allowance - single 25 or over\", £71.00 per week (DWP) and is now \"Job Seeker's Allowance, Cost of maintaining claims\", £363.00 per"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "unit_costs = [\"ucd-v1.2\", \"hertfordshire-2013\"] for the figures this gave before"
        ),
        "{stderr}"
    );
    // police_hour is the same in both: it is not listed.
    assert!(!stderr.contains("`police_hour`"), "{stderr}");

    // Named, each gives its own figures.
    let before_of = |scratch: &Scratch| {
        let text = scratch.succeeds(&["family", ".", "--summary"]);
        table_row(&text, "A")[1].clone()
    };
    let v1_2 = study("unit_costs = [\"ucd-v1.2\", \"hertfordshire-2013\"]\n");
    assert_eq!(before_of(&v1_2), "£776"); // 10 × £71 + 2 × £33
    let v1_4 = study("unit_costs = [\"ucd-v1.4\", \"hertfordshire-2013\"]\n");
    assert_eq!(before_of(&v1_4), "£3,696"); // 10 × £363 + 2 × £33
}

#[test]
fn a_quick_run_naming_no_table_is_refused_with_the_flags_to_name_one() {
    let scratch = Scratch::new();
    scratch
        .write("before.csv", BEFORE)
        .write("after.csv", AFTER);
    let stderr = scratch.fails(&["report", "--before", "before.csv", "--after", "after.csv"]);
    assert!(stderr.contains("`ee1.7` was"), "{stderr}");
    assert!(
        stderr.contains(
            "--costs ucd-v1.2 --costs hertfordshire-2013 for the figures this gave before"
        ),
        "{stderr}"
    );
    let text = scratch.succeeds(&[
        "report",
        "--before",
        "before.csv",
        "--after",
        "after.csv",
        "--costs",
        "ucd-v1.2",
        "--costs",
        "hertfordshire-2013",
    ]);
    assert!(text.contains("£776"), "{text}");
}

#[test]
fn a_study_naming_no_table_runs_as_before_where_the_defaults_agree() {
    // cr1.0 and police_hour cost the same in both defaults, so the figures cannot have changed.
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,cr1.0,2\nA,police_hour,3\n",
        "family_id,service,quantity\nA,cr1.0,1\n",
    );
    let text = scratch.succeeds(&["family", ".", "--summary"]);
    assert_eq!(table_row(&text, "A")[1], "£1,099");
    assert_eq!(table_row(&text, "A")[3], "£500");
}

#[test]
fn an_id_only_the_earlier_default_had_says_which_table_to_name() {
    // v1.2's CR1.5 (Acceptable Behaviour Contract) is CR1.3 in v1.4, which has no CR1.5.
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,cr1.5,1\n",
        "family_id,service,quantity\nA,cr1.5,0\n",
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(stderr.contains("unknown service `cr1.5`"), "{stderr}");
    assert!(
        stderr.contains("`cr1.5` is in the Unit Cost Database v1.2, the default table before v1.4"),
        "{stderr}"
    );
}

#[test]
fn a_price_year_beyond_the_earlier_series_holds_nothing_to_it() {
    // v1.2's series stops at 2017/18, so no file had 2019/20 figures from it: v1.4's are used.
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"T\"\nprice_year = \"2019/20\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
    )
    .write("before.csv", "family_id,service,quantity\nA,ee1.7,1\n")
    .write("after.csv", "family_id,service,quantity\nA,ee1.7,0\n");
    let text = scratch.succeeds(&["family", ".", "--summary", "--pence"]);
    assert!(table_row(&text, "A")[1].starts_with('£'), "{text}");
}

#[test]
fn each_database_is_uprated_with_its_own_deflator_unless_one_is_named() {
    let scratch = Scratch::new();
    let cost = |args: &[&str]| {
        let text = scratch.succeeds(
            &[
                &[
                    "costs",
                    "list",
                    "--search",
                    "ee1.3",
                    "--price-year",
                    "2015/16",
                ],
                args,
            ]
            .concat(),
        );
        table_row(&text, "ee1.3")[2].clone()
    };
    // v1.4's ee1.3 is £72.40 at 2014/15 prices; its own series moves it 1.4% to 2015/16.
    assert_eq!(cost(&[]), "£73.41");
    assert_eq!(cost(&["--deflator", "gdp-deflator-ucd-v1.4"]), "£73.41");
    // v1.2's series has 1.8% for 2015/16.
    assert_eq!(cost(&["--deflator", "gdp-deflator-ucd-v1.2"]), "£73.70");
    // v1.2's ee1.3 (£56.25 at 2013/14) with v1.2's series by default.
    assert_eq!(
        cost(&["--costs", "ucd-v1.2"]),
        cost(&["--costs", "ucd-v1.2", "--deflator", "gdp-deflator-ucd-v1.2"])
    );
}

#[test]
fn a_deflator_is_named_like_a_table_and_a_wrong_name_gets_the_known_ones() {
    let scratch = Scratch::new();
    let stderr = scratch.fails(&[
        "costs",
        "list",
        "--price-year",
        "2020/21",
        "--deflator",
        "hmt-gdp-deflator-2042",
    ]);
    assert!(
        stderr.contains("`hmt-gdp-deflator-2042` is not the name of a built-in deflator series"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `hmt-gdp-deflator-2024`"),
        "{stderr}"
    );
    let text = scratch.succeeds(&[
        "costs",
        "list",
        "--search",
        "ee1.3",
        "--price-year",
        "2023/24",
        "--deflator",
        "hmt-gdp-deflator-2024",
    ]);
    assert!(text.contains("2023/24"), "{text}");
}

#[test]
fn costs_show_notes_an_id_that_meant_another_line_in_v1_2() {
    let output = crate::common::tfcalc()
        .args(["costs", "show", "ee1.7"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        table_row(&stdout, "Name")[1],
        "Job Seeker's Allowance, Cost of maintaining claims"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("note: `ee1.7` is another line in the Unit Cost Database v1.2, the default table before v1.4: \"Job Seeker's Allowance, Income based allowance - single 25 or over\", £71 per week at 2011/12 prices"),
        "{stderr}"
    );
    // Named tables are what the user asked for: no note.
    for args in [
        &["costs", "show", "ee1.7", "--costs", "ucd-v1.4"][..],
        &["costs", "show", "cr1.0"][..],
    ] {
        let output = crate::common::tfcalc().args(args).output().unwrap();
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_study_naming_v1_4_is_uprated_with_v1_4s_series() {
    // `ucd-v1.4` once read as a file called "ucd-v1" with the extension ".4", and so got v1.2's
    // series, which stops at 2017/18.
    for unit_costs in ["[\"ucd-v1.4\"]", "[\"hertfordshire-2013\", \"ucd-v1.4\"]"] {
        let scratch = Scratch::new();
        scratch
            .write(
                "study.toml",
                format!("[study]\nname = \"T\"\nprice_year = \"2019/20\"\nunit_costs = {unit_costs}\nbefore = \"before.csv\"\nafter = \"after.csv\"\n"),
            )
            .write("before.csv", "family_id,service,quantity\nA,ee1.3,1\n")
            .write("after.csv", "family_id,service,quantity\nA,ee1.3,0\n");
        let text = scratch.succeeds(&["report", ".", "--format", "markdown"]);
        assert!(
            text.contains("as used by the Unit Cost Database v1.4; source: HM Treasury, GDP deflators at market prices, as given in the Lookups sheet of the Unit Cost Database v1.4; vintage: March 2015 Budget"),
            "{unit_costs}: {text}"
        );
    }
}

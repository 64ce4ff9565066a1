//! Issue 14: reporting in current prices — a price year past the deflator, mixed price years, and
//! a deflator series the user supplies.

use crate::common::Scratch;

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
            && stderr.contains("which covers 1989/90 to 2017/18"),
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

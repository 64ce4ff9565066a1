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

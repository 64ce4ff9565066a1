//! Money and quantities: parsing from text, rounding for display, and display itself.
//!
//! All arithmetic in tfcalc is exact `Decimal` arithmetic. Rounding happens only here, and only when a
//! figure is about to be shown to a person. Parsing accepts what spreadsheets write (`£1,930.00`,
//! `"1,930"`, `-36978`), but rejects anything ambiguous, such as `1,5` (a European decimal comma?) or
//! `1e3`, instead of guessing.
//!
//! - [`parse`]: reading amounts, ratios, shares and quantities from text.
//! - [`arithmetic`]: exact sums and exact division.
//! - [`format`]: rounding for display, and display itself.

mod arithmetic;
mod format;
mod parse;

pub use arithmetic::{DIVISION_PLACES, checked_sum, divide, sum_in_parallel, sums_in_parallel};
pub use format::{
    Pounds, Precision, fixed_places, format_money, format_money_plain, format_per_pound,
    format_percent, format_quantity, format_ratio, percent_plain, round_for_display,
    write_money_plain,
};
pub use parse::{NumberError, parse_money, parse_quantity, parse_ratio, parse_share};

//! Reading money, ratios, shares and quantities from text as spreadsheets write them, refusing
//! anything ambiguous.

use rust_decimal::Decimal;

/// Why a piece of text is not an amount of money or a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("it is empty")]
    Empty,
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("{0:?} has a misplaced thousands separator (write 1,930 or 1930)")]
    BadGrouping(String),
    #[error("{0:?} has more digits than tfcalc can hold exactly (28 significant digits)")]
    TooLarge(String),
    #[error("{0:?} is negative, and quantities must be zero or more")]
    Negative(String),
    /// A return written as a ratio whose second term is not £1 (`£4.10 : £2.00`).
    #[error("{0:?} is not a return per £1: its second term must be £1")]
    NotPerPound(String),
}

/// Parses an amount of money such as `1930`, `1930.00`, `£1,930.00`, `1,930`, `-36978`, `-£36,978`,
/// `£-36,978` or ` £511 ` (surrounding spaces are ignored, as spreadsheet exports pad them).
pub fn parse_money(text: &str) -> Result<Decimal, NumberError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let not_a_number = || NumberError::NotANumber(trimmed.to_string());

    // A sign may come before or after the pound sign: -£5 and £-5 both mean minus five pounds.
    let mut rest = trimmed;
    let mut negative = false;
    let mut take_sign = |rest: &mut &str| {
        if let Some(after) = rest.strip_prefix('-') {
            *rest = after;
            negative = true;
            true
        } else if let Some(after) = rest.strip_prefix('+') {
            *rest = after;
            true
        } else {
            false
        }
    };
    let signed_first = take_sign(&mut rest);
    if let Some(after) = rest.strip_prefix('£') {
        rest = after.trim_start();
    }
    if !signed_first {
        take_sign(&mut rest);
    }

    let (integer_part, fraction_part) = match rest.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (rest, None),
    };
    if integer_part.is_empty() && fraction_part.is_none_or(str::is_empty) {
        return Err(not_a_number());
    }
    let integer_digits = strip_thousands_separators(integer_part)
        .ok_or_else(|| classify_bad_integer(trimmed, integer_part))?;
    if let Some(fraction) = fraction_part
        && !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(not_a_number());
    }

    let mut plain = String::with_capacity(rest.len() + 2);
    if negative {
        plain.push('-');
    }
    plain.push_str(if integer_digits.is_empty() {
        "0"
    } else {
        &integer_digits
    });
    let integer_length = plain.len();
    if let Some(fraction) = fraction_part.filter(|f| !f.is_empty()) {
        plain.push('.');
        plain.push_str(fraction);
    }
    Decimal::from_str_exact(&plain).or_else(|_| {
        // Trailing zeros count against Decimal's 28 digits but add no value: without them,
        // "9999999999999999999999999999.00" is exact. (Found by fuzzing.)
        let trimmed_zeros = plain.trim_end_matches('0').trim_end_matches('.');
        let kept = if plain.len() > integer_length {
            trimmed_zeros
        } else {
            &plain
        };
        Decimal::from_str_exact(kept).map_err(|_| NumberError::TooLarge(trimmed.to_string()))
    })
}

/// Parses a return on investment as it is published: a plain number (`0.39`), or the benefit for
/// each pound of net cost as tfcalc itself displays it (`£0.39 : £1.00`, `£4.10 : £1`, `0.39:1`).
/// A ratio's second term must be £1, so that the first term is the return: `4.10 : 2` would need
/// a division, which a published figure copied from a table never does.
pub fn parse_ratio(text: &str) -> Result<Decimal, NumberError> {
    let Some((benefit, per)) = text.split_once(':') else {
        return parse_money(text);
    };
    let benefit =
        parse_money(benefit).map_err(|_| NumberError::NotANumber(text.trim().to_string()))?;
    match parse_money(per) {
        Ok(one) if one == Decimal::ONE => Ok(benefit),
        Ok(_) => Err(NumberError::NotPerPound(text.trim().to_string())),
        Err(_) => Err(NumberError::NotANumber(text.trim().to_string())),
    }
}

/// Parses a share of a whole: a fraction (`0.25`) or a percentage (`25%`, `12.5 %`), which is
/// the fraction exactly: the point moves two places, with no division to round.
pub fn parse_share(text: &str) -> Result<Decimal, NumberError> {
    let trimmed = text.trim();
    let Some(percent) = trimmed.strip_suffix('%') else {
        return parse_money(trimmed);
    };
    if percent.contains('£') {
        return Err(NumberError::NotANumber(trimmed.to_string()));
    }
    let value = parse_money(percent).map_err(|error| match error {
        NumberError::Empty => NumberError::NotANumber(trimmed.to_string()),
        other => other,
    })?;
    Decimal::try_from_i128_with_scale(value.mantissa(), value.scale() + 2)
        .map(|share| share.normalize())
        .map_err(|_| NumberError::TooLarge(trimmed.to_string()))
}

/// Parses a quantity of service use: the same forms as money, but never negative.
pub fn parse_quantity(text: &str) -> Result<Decimal, NumberError> {
    let value = parse_money(text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(NumberError::Negative(text.trim().to_string()));
    }
    Ok(value)
}

/// Returns the digits of `integer_part` with correctly placed thousands separators removed, or
/// `None` if it holds anything other than digits and well-placed commas.
fn strip_thousands_separators(integer_part: &str) -> Option<String> {
    if !integer_part.contains(',') {
        return integer_part
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| integer_part.to_string());
    }
    let mut groups = integer_part.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    first_ok.then_some(digits)
}

fn classify_bad_integer(whole: &str, integer_part: &str) -> NumberError {
    let only_digits_and_commas = integer_part
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b',');
    if only_digits_and_commas && integer_part.contains(',') {
        NumberError::BadGrouping(whole.to_string())
    } else {
        NumberError::NotANumber(whole.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }
    use crate::money::{Precision, checked_sum, format_money, format_money_plain};

    #[test]
    fn returns_are_read_as_tfcalc_displays_them() {
        for (text, expected) in [
            ("0.39", "0.39"),
            ("£0.39 : £1.00", "0.39"),
            ("£4.10 : £1.00", "4.10"),
            ("0.39:1", "0.39"),
            (" 1.47 : £1 ", "1.47"),
            ("-£0.50 : £1.00", "-0.50"),
            ("£1,234.50 : £1.00", "1234.50"),
        ] {
            assert_eq!(parse_ratio(text).unwrap(), dec(expected), "{text}");
        }
        assert_eq!(
            parse_ratio("£4.10 : £2.00"),
            Err(NumberError::NotPerPound("£4.10 : £2.00".to_string()))
        );
        for bad in ["£4.10 :", ": £1.00", "4:1:1", "abc : 1", "4 : one", ""] {
            assert!(parse_ratio(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn shares_may_be_percentages_and_stay_exact() {
        for (text, expected) in [
            ("10%", "0.1"),
            ("12.5%", "0.125"),
            (" 100 % ", "1"),
            ("0%", "0"),
            ("0.25", "0.25"),
            (
                "33.333333333333333333333333%",
                "0.33333333333333333333333333",
            ),
        ] {
            assert_eq!(parse_share(text).unwrap(), dec(expected), "{text}");
        }
        assert_eq!(parse_share("10%").unwrap().to_string(), "0.1");
        // Percentages that add up to 100% must add up to exactly 1, as the shares are checked.
        let parts = ["25%", "25%", "50%"].map(|text| parse_share(text).unwrap());
        assert_eq!(checked_sum(parts), Some(Decimal::ONE));
        for bad in ["%", "£10%", "ten%", "10%%", "1e1%"] {
            assert!(parse_share(bad).is_err(), "{bad} should not parse");
        }
        assert!(matches!(
            parse_share(&format!("0.{}1%", "0".repeat(27))),
            Err(NumberError::TooLarge(_))
        ));
    }

    #[test]
    fn parses_the_forms_spreadsheets_write() {
        assert_eq!(parse_money("1930").unwrap(), dec("1930"));
        assert_eq!(parse_money("1930.00").unwrap(), dec("1930.00"));
        assert_eq!(parse_money("£1,930.00").unwrap(), dec("1930.00"));
        assert_eq!(parse_money("1,930").unwrap(), dec("1930"));
        assert_eq!(parse_money("-36978").unwrap(), dec("-36978"));
        assert_eq!(parse_money("-£36,978").unwrap(), dec("-36978"));
        assert_eq!(parse_money("£-36,978").unwrap(), dec("-36978"));
        assert_eq!(parse_money(" £511 ").unwrap(), dec("511"));
        assert_eq!(parse_money("£ 1,234,567.891").unwrap(), dec("1234567.891"));
        assert_eq!(parse_money(".5").unwrap(), dec("0.5"));
        assert_eq!(
            parse_money("327.8333333333").unwrap(),
            dec("327.8333333333")
        );
    }

    #[test]
    fn rejects_ambiguous_or_broken_numbers() {
        assert_eq!(parse_money(""), Err(NumberError::Empty));
        assert_eq!(parse_money("   "), Err(NumberError::Empty));
        assert!(matches!(
            parse_money("1,5"),
            Err(NumberError::BadGrouping(_))
        ));
        assert!(matches!(
            parse_money("1,9300"),
            Err(NumberError::BadGrouping(_))
        ));
        assert!(matches!(
            parse_money(",930"),
            Err(NumberError::BadGrouping(_))
        ));
        for bad in [
            "abc", "1e3", "NaN", "£", "-", "1.2.3", "1.5e2", "12 34", "0x10", "£1.a",
        ] {
            assert!(
                matches!(parse_money(bad), Err(NumberError::NotANumber(_))),
                "{bad} should not parse"
            );
        }
    }

    #[test]
    fn twenty_eight_nines_with_pence_round_trip() {
        // Fuzzing found that this displayed with pence did not parse back.
        let nines = "9".repeat(28);
        let value = parse_money(&nines).unwrap();
        let shown = format_money_plain(value, Precision::Pence);
        assert_eq!(shown, format!("{nines}.00"));
        assert_eq!(parse_money(&shown).unwrap(), value);
        assert_eq!(
            parse_money(&format_money(value, Precision::Pence)).unwrap(),
            value
        );
        crate::fuzzing::money(nines.as_bytes());
    }

    #[test]
    fn rejects_numbers_beyond_decimal_range_without_panicking() {
        let huge = "9".repeat(40);
        assert!(matches!(parse_money(&huge), Err(NumberError::TooLarge(_))));
        let long_fraction = format!("1.{}", "1".repeat(40));
        assert!(matches!(
            parse_money(&long_fraction),
            Err(NumberError::TooLarge(_))
        ));
    }

    #[test]
    fn quantities_must_not_be_negative() {
        assert_eq!(parse_quantity("62").unwrap(), dec("62"));
        assert_eq!(parse_quantity("1,200").unwrap(), dec("1200"));
        assert_eq!(parse_quantity("-0").unwrap(), dec("0"));
        assert!(matches!(
            parse_quantity("-1"),
            Err(NumberError::Negative(_))
        ));
    }
}

//! Showing money, quantities, ratios and percentages to people and spreadsheets, rounded only
//! here.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// How many decimal places money is shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Whole pounds, as councils publish.
    #[default]
    Pounds,
    /// Two decimal places (`--pence`).
    Pence,
}

impl Precision {
    pub fn places(self) -> u32 {
        match self {
            Precision::Pounds => 0,
            Precision::Pence => 2,
        }
    }
}

/// 10^0 to 10^18: every power of ten an i64 holds.
const POWERS_OF_TEN: [i64; 19] = {
    let mut powers = [1i64; 19];
    let mut index = 1;
    while index < 19 {
        powers[index] = powers[index - 1] * 10;
        index += 1;
    }
    powers
};

/// Rounds for display: half away from zero (£0.50 becomes £1, -£0.50 becomes -£1), as councils publish.
/// A rounded zero never keeps a minus sign.
pub fn round_for_display(value: Decimal, places: u32) -> Decimal {
    // Most figures (whole pounds times whole quantities) have no places to round away: skip the
    // rounding, which costs more than the rest of writing a number.
    let scale = value.scale();
    let mut rounded = if scale <= places {
        value
    } else if let (Ok(mantissa), Some(&divisor)) = (
        i64::try_from(value.mantissa()),
        POWERS_OF_TEN.get((scale - places) as usize),
    ) {
        // The common case, a mantissa of 64 bits, rounded with integer division: Decimal's own
        // rounding works on 96 bits and costs ten times as much, once per figure shown.
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        let away = remainder.unsigned_abs() * 2 >= divisor.unsigned_abs();
        Decimal::new(
            if away {
                quotient + mantissa.signum()
            } else {
                quotient
            },
            places,
        )
    } else {
        value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
    };
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    rounded
}

/// Formats money for people: `£2,046`, `-£36,978`, or with pence `£2,046.00`.
pub fn format_money(value: Decimal, precision: Precision) -> String {
    let rounded = round_for_display(value, precision.places());
    let sign = if rounded.is_sign_negative() { "-" } else { "" };
    format!(
        "{sign}£{}",
        group_thousands(rounded.abs(), precision.places())
    )
}

/// Formats money as a plain number for spreadsheets: `-36978`, or `-36978.00` with pence.
pub fn format_money_plain(value: Decimal, precision: Precision) -> String {
    let mut text = Vec::new();
    write_money_plain(&mut text, value, precision);
    // Only digits, a sign and a point: always UTF-8.
    String::from_utf8_lossy(&text).into_owned()
}

/// Appends money as a plain number to bytes being written: CSV output writes one for every figure
/// of every family.
pub fn write_money_plain(out: &mut Vec<u8>, value: Decimal, precision: Precision) {
    let places = precision.places();
    // The common case, a figure that fits 64 bits, is rounded and written as an integer.
    let Some(units) = displayed_units(value, places) else {
        out.extend_from_slice(fixed_places(value, places).as_bytes());
        return;
    };
    if places == 0 {
        out.extend_from_slice(itoa::Buffer::new().format(units).as_bytes());
        return;
    }
    let unit = POWERS_OF_TEN[places as usize].unsigned_abs();
    if units < 0 {
        out.push(b'-');
    }
    let magnitude = units.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(magnitude / unit).as_bytes());
    out.push(b'.');
    let mut digits = itoa::Buffer::new();
    let fraction = digits.format(magnitude % unit).as_bytes();
    out.resize(out.len() + places as usize - fraction.len(), b'0');
    out.extend_from_slice(fraction);
}

/// A figure rounded as [`round_for_display`] rounds it, as a whole number of 10^-places, when that
/// fits 64 bits: what a plain number is written from, with no Decimal built on the way. (An integer
/// has no negative zero, so a figure that rounds to zero is written without a sign, as wanted.)
#[inline]
fn displayed_units(value: Decimal, places: u32) -> Option<i64> {
    let mantissa = i64::try_from(value.mantissa()).ok()?;
    let scale = value.scale();
    if scale <= places {
        return mantissa.checked_mul(*POWERS_OF_TEN.get((places - scale) as usize)?);
    }
    let (quotient, remainder) = divide_by_power_of_ten(mantissa, scale - places)?;
    // Half away from zero. (The remainder is below 10^18, so doubling it cannot overflow.)
    Some(
        if remainder.unsigned_abs() * 2 >= POWERS_OF_TEN[(scale - places) as usize].unsigned_abs() {
            quotient + mantissa.signum()
        } else {
            quotient
        },
    )
}

/// `value / 10^exponent` and the remainder, by constants for the usual exponents: dividing by a
/// constant is a multiplication, by a variable a divide several times slower.
#[inline(always)]
fn divide_by_power_of_ten(value: i64, exponent: u32) -> Option<(i64, i64)> {
    macro_rules! by {
        ($divisor:expr) => {
            Some((value / $divisor, value % $divisor))
        };
    }
    match exponent {
        1 => by!(10),
        2 => by!(100),
        3 => by!(1_000),
        4 => by!(10_000),
        5 => by!(100_000),
        6 => by!(1_000_000),
        7 => by!(10_000_000),
        8 => by!(100_000_000),
        _ => {
            let divisor = *POWERS_OF_TEN.get(exponent as usize)?;
            Some((value / divisor, value % divisor))
        }
    }
}

/// Formats a quantity as it was counted: `62`, `1.5`, `1,200`; never in scientific notation.
pub fn format_quantity(value: Decimal) -> String {
    let normalized = value.normalize();
    let sign = if normalized.is_sign_negative() && !normalized.is_zero() {
        "-"
    } else {
        ""
    };
    format!(
        "{sign}{}",
        group_thousands(normalized.abs(), normalized.scale())
    )
}

/// Formats a return on investment as `£0.39 : £1.00`: the benefit for every pound of net cost.
pub fn format_ratio(ratio: Decimal) -> String {
    format!("{} : £1.00", format_money(ratio, Precision::Pence))
}

/// Formats a return for each pound in words: `39p` below £1 (rounded to the penny), `£1.47` from £1.
pub fn format_per_pound(ratio: Decimal) -> String {
    // Rounded to the penny first, so that the pence are worked out only below £1: a ratio near
    // Decimal's limit cannot be multiplied by 100.
    let rounded = round_for_display(ratio, 2);
    if rounded.abs() < Decimal::ONE {
        format!("{}p", (rounded * Decimal::ONE_HUNDRED).normalize())
    } else {
        format_money(ratio, Precision::Pence)
    }
}

/// Formats a fraction as a percentage with two decimal places: `0.069768` becomes `6.98%`.
/// Two places, because reconciliation differences are often small: £3 in £42,999 is 0.01%.
pub fn format_percent(fraction: Decimal) -> String {
    format!("{}%", percent_plain(fraction))
}

/// A fraction as a percentage with two places, without the sign: `0.069768` becomes `6.98`. The
/// fraction is rounded to four places and its point moved, rather than multiplied by 100, which
/// would overflow near Decimal's limit (a difference of 10²⁴ times the published figure).
pub fn percent_plain(fraction: Decimal) -> String {
    let text = fixed_places(round_for_display(fraction, 4), 4);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, "0000"));
    let integer = format!("{integer}{}", &fraction[..2]);
    let integer = integer.trim_start_matches('0');
    let integer = if integer.is_empty() { "0" } else { integer };
    format!("{sign}{integer}.{}", &fraction[2..])
}

/// A value with exactly `places` decimal places, rounded as for display. Decimal's own
/// `{:.N}` formatting panics when its digits and the padding overflow the buffer it writes into
/// (a 28-digit figure to two places), so every fixed-places figure is written here instead.
pub fn fixed_places(value: Decimal, places: u32) -> String {
    let rounded = round_for_display(value, places);
    let mut text = rounded.to_string();
    let shown = rounded.scale();
    if shown < places {
        if shown == 0 {
            text.push('.');
        }
        text.extend(std::iter::repeat_n('0', (places - shown) as usize));
    }
    text
}

/// Writes the digits of a non-negative value with commas between thousands and exactly `places`
/// decimal places. `value` must already be rounded to `places`.
fn group_thousands(value: Decimal, places: u32) -> String {
    let text = fixed_places(value, places);
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(text.len() + text.len() / 3);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// A Decimal that displays as `£2,046` (whole pounds): handy in messages.
pub struct Pounds(pub Decimal);

impl fmt::Display for Pounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_money(self.0, Precision::Pounds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_for_display(dec("2.5"), 0), dec("3"));
        assert_eq!(round_for_display(dec("-2.5"), 0), dec("-3"));
        assert_eq!(round_for_display(dec("2.4999"), 0), dec("2"));
        assert_eq!(round_for_display(dec("0.125"), 2), dec("0.13"));
        assert_eq!(round_for_display(dec("-0.4"), 0), dec("0"));
        assert!(!round_for_display(dec("-0.4"), 0).is_sign_negative());
    }

    proptest::proptest! {
        /// The integer shortcut rounds exactly as Decimal's own rounding does, sign included.
        #[test]
        fn fast_rounding_agrees_with_decimal(mantissa in proptest::num::i64::ANY, scale in 0u32..=28, places in 0u32..=4) {
            let value = Decimal::new(mantissa, scale);
            let expected = {
                let mut rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
                if rounded.is_zero() {
                    rounded.set_sign_positive(true);
                }
                rounded
            };
            let rounded = round_for_display(value, places);
            proptest::prop_assert_eq!(rounded, expected);
            proptest::prop_assert_eq!(rounded.is_sign_negative(), expected.is_sign_negative());
            proptest::prop_assert_eq!(
                format_money_plain(value, Precision::Pence),
                format!("{:.2}", value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
                    .replace("-0.00", "0.00")
            );
            let pounds = format!("{:.0}", value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero));
            proptest::prop_assert_eq!(
                format_money_plain(value, Precision::Pounds),
                if pounds == "-0" { "0".to_string() } else { pounds }
            );
        }
    }

    #[test]
    fn fixed_places_percentages_and_pence_never_overflow() {
        assert_eq!(fixed_places(Decimal::new(15, 1), 2), "1.50");
        assert_eq!(fixed_places(Decimal::new(-5, 3), 2), "-0.01");
        assert_eq!(fixed_places(Decimal::new(-4, 3), 2), "0.00");
        assert_eq!(
            fixed_places(Decimal::MAX, 2),
            format!("{}.00", Decimal::MAX)
        );
        assert_eq!(percent_plain(Decimal::new(69768, 6)), "6.98");
        assert_eq!(percent_plain(Decimal::new(-1, 4)), "-0.01");
        assert_eq!(percent_plain(Decimal::ZERO), "0.00");
        assert_eq!(percent_plain(Decimal::ONE), "100.00");
        assert_eq!(
            percent_plain(Decimal::MAX),
            format!("{}00.00", Decimal::MAX)
        );
        assert_eq!(format_percent(Decimal::new(1, 4)), "0.01%");
        assert_eq!(format_per_pound(Decimal::new(39, 2)), "39p");
        assert_eq!(format_per_pound(Decimal::new(3949, 4)), "39p");
        assert_eq!(format_per_pound(Decimal::new(4, 1)), "40p");
        assert_eq!(format_per_pound(Decimal::new(147, 2)), "£1.47");
        assert!(format_per_pound(Decimal::MAX).starts_with("£79,228"));
        assert_eq!(
            format_money(Decimal::MAX, Precision::Pence),
            format!("£{}.00", group_thousands(Decimal::MAX, 0))
        );
    }

    #[test]
    fn halves_at_every_scale_round_away_from_zero() {
        for scale in 1..=18 {
            let half = Decimal::new(5 * 10i64.pow(scale - 1), scale);
            assert_eq!(round_for_display(half, 0), Decimal::ONE, "{half}");
            assert_eq!(round_for_display(-half, 0), -Decimal::ONE, "{half}");
        }
        assert_eq!(
            round_for_display(Decimal::new(i64::MIN, 0), 0),
            Decimal::new(i64::MIN, 0)
        );
        assert_eq!(
            round_for_display(Decimal::new(i64::MIN, 3), 0),
            dec("-9223372036854776")
        );
    }

    #[test]
    fn displays_money_as_councils_publish_it() {
        assert_eq!(format_money(dec("2046"), Precision::Pounds), "£2,046");
        assert_eq!(format_money(dec("-36978"), Precision::Pounds), "-£36,978");
        assert_eq!(format_money(dec("857.9333"), Precision::Pounds), "£858");
        assert_eq!(format_money(dec("0.5"), Precision::Pounds), "£1");
        assert_eq!(format_money(dec("-0.4"), Precision::Pounds), "£0");
        assert_eq!(format_money(dec("999"), Precision::Pounds), "£999");
        assert_eq!(
            format_money(dec("1000000"), Precision::Pounds),
            "£1,000,000"
        );
        assert_eq!(format_money(dec("2046"), Precision::Pence), "£2,046.00");
        assert_eq!(
            format_money(dec("-1234.565"), Precision::Pence),
            "-£1,234.57"
        );
        assert_eq!(format_money(dec("0.005"), Precision::Pence), "£0.01");
    }

    #[test]
    fn displays_plain_money_for_spreadsheets() {
        assert_eq!(
            format_money_plain(dec("-36978"), Precision::Pounds),
            "-36978"
        );
        assert_eq!(
            format_money_plain(dec("-36978"), Precision::Pence),
            "-36978.00"
        );
        assert_eq!(format_money_plain(dec("2.5"), Precision::Pounds), "3");
    }

    #[test]
    fn displays_ratios_quantities_and_percentages() {
        assert_eq!(format_ratio(dec("0.393397")), "£0.39 : £1.00");
        assert_eq!(format_ratio(dec("1.469886")), "£1.47 : £1.00");
        assert_eq!(format_per_pound(dec("0.393397")), "39p");
        assert_eq!(format_per_pound(dec("1.469886")), "£1.47");
        assert_eq!(format_per_pound(dec("0.995")), "£1.00");
        assert_eq!(format_per_pound(dec("-0.2")), "-20p");
        assert_eq!(format_quantity(dec("62")), "62");
        assert_eq!(format_quantity(dec("62.50")), "62.5");
        assert_eq!(format_quantity(dec("1200")), "1,200");
        assert_eq!(format_percent(dec("0.069768")), "6.98%");
        assert_eq!(format_percent(dec("-0.5")), "-50.00%");
        assert_eq!(format_percent(dec("0.0000697")), "0.01%");
    }
}

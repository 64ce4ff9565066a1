//! How JSON writes a figure: exact, unrounded and normalised, as a decimal string.

use rust_decimal::Decimal;
use serde::Serialize;

/// A Decimal written as its exact decimal string, without making a String first.
pub(super) struct Exact(Decimal);

impl Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = [0; LONGEST];
        let text = normalised(self.0, &mut text);
        serializer.serialize_str(std::str::from_utf8(text).expect("a figure's text is ASCII"))
    }
}

/// Writes a figure as [`Exact`] serialises it, quotes and all, straight into `out`: a figure's
/// text has nothing to escape.
pub(super) fn write_figure(out: &mut Vec<u8>, value: Decimal) {
    out.push(b'"');
    write_digits(out, value);
    out.push(b'"');
}

/// Writes a figure's text without its quotes, for text made around it.
pub(super) fn write_digits(out: &mut Vec<u8>, value: Decimal) {
    let mut text = [0; LONGEST];
    out.extend_from_slice(normalised(value, &mut text));
}

/// The longest a Decimal's text can be: a sign, 29 digits and a point, or a sign, "0." and 28
/// places.
const LONGEST: usize = 31;

/// `value.normalize().to_string()`, spelt into `text` from the mantissa's digits and the scale:
/// a national study's JSON has tens of millions of figures, and `Display` goes through
/// `fmt`'s machinery for each.
fn normalised(value: Decimal, text: &mut [u8; LONGEST]) -> &[u8] {
    let mut buffer = itoa::Buffer::new();
    // Most figures fit in 64 bits: their trailing zeros are dropped here, by 64-bit division,
    // and their digits found quicker than 128 bits'. (`normalize` divides the 96-bit mantissa by
    // ten in a loop, and was a tenth of writing a national study's family JSON.)
    let (negative, digits, scale) = match u64::try_from(value.mantissa().unsigned_abs()) {
        Ok(mut small) => {
            let mut scale = value.scale();
            while scale > 0 && small % 10 == 0 {
                small /= 10;
                scale -= 1;
            }
            // A zero has no sign, as `normalize` leaves it.
            let negative = small != 0 && value.is_sign_negative();
            (negative, buffer.format(small), scale)
        }
        Err(_) => {
            let value = value.normalize();
            let digits = buffer.format(value.mantissa().unsigned_abs());
            (value.is_sign_negative(), digits, value.scale())
        }
    };
    let digits = digits.as_bytes();
    let scale = scale as usize;
    let mut length = 0;
    let mut push = |bytes: &[u8]| {
        text[length..length + bytes.len()].copy_from_slice(bytes);
        length += bytes.len();
    };
    if negative {
        push(b"-");
    }
    if scale == 0 {
        push(digits);
    } else if digits.len() > scale {
        let (whole, places) = digits.split_at(digits.len() - scale);
        push(whole);
        push(b".");
        push(places);
    } else {
        push(b"0.");
        for _ in digits.len()..scale {
            push(b"0");
        }
        push(digits);
    }
    &text[..length]
}

/// A figure as JSON writes it: exact, in one style whatever scale the arithmetic left it at, so
/// that `0.50` from a tolerance and `0.5` from a share are not two spellings of one value for a
/// program comparing strings. `normalize` only drops trailing zeros (and the sign of a zero),
/// which keeps the value, and Decimal's `Display` writes plain digits, never an exponent.
pub(crate) fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

pub(super) fn exact(value: Decimal) -> Exact {
    Exact(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn written(value: Decimal) -> String {
        serde_json::to_value(Exact(value))
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn money_is_written_without_trailing_zeros() {
        for (stated, expected) in [
            ("12000.0", "12000"),
            ("54000.00", "54000"),
            ("120000", "120000"),
            ("0.50", "0.5"),
            ("858.000", "858"),
            ("-36978.00", "-36978"),
            ("-0.00", "0"),
            (
                "857.9333333333333333333333333",
                "857.9333333333333333333333333",
            ),
        ] {
            let value = Decimal::from_str(stated).unwrap();
            assert_eq!(written(value), expected, "{stated}");
            assert_eq!(decimal_text(value), expected, "{stated}");
        }
    }

    #[test]
    fn normalising_never_changes_a_value() {
        for stated in [
            "0",
            "0.5000",
            "-1.10",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "1000000000000000000000000000.0",
        ] {
            let value = Decimal::from_str(stated).unwrap();
            assert_eq!(
                Decimal::from_str(&written(value)).unwrap(),
                value,
                "{stated}"
            );
        }
    }

    #[test]
    fn extremes_are_written_as_display_writes_them() {
        for value in [
            Decimal::ZERO,
            -Decimal::ZERO,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::from_i128_with_scale(1, 28),
            Decimal::from_i128_with_scale(-1, 28),
            Decimal::from_i128_with_scale(0, 28),
            Decimal::from_i128_with_scale(10_000, 4),
            Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 28),
            Decimal::from_i128_with_scale(-79_228_162_514_264_337_593_543_950_330, 28),
            Decimal::from_i128_with_scale(18_446_744_073_709_551_616, 10),
        ] {
            assert_eq!(written(value), value.normalize().to_string(), "{value:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_figure_is_written_as_display_writes_it(
            low: u32,
            middle: u32,
            high: u32,
            negative: bool,
            scale in 0u32..=28,
        ) {
            let value = Decimal::from_parts(low, middle, high, negative, scale);
            proptest::prop_assert_eq!(written(value), value.normalize().to_string());
            let mut figure = Vec::new();
            write_figure(&mut figure, value);
            proptest::prop_assert_eq!(
                String::from_utf8(figure).unwrap(),
                format!("\"{}\"", value.normalize())
            );
        }

        #[test]
        fn figures_with_trailing_zeros_are_written_as_display_writes_them(
            mantissa: i32,
            zeros in 0u32..=18,
            scale in 0u32..=28,
        ) {
            // Random parts seldom end in zeros, which are what `normalize` drops.
            let value = Decimal::from_i128_with_scale(
                i128::from(mantissa) * 10i128.pow(zeros),
                scale,
            );
            proptest::prop_assert_eq!(written(value), value.normalize().to_string());
        }
    }

    #[test]
    fn huge_and_tiny_figures_are_plain_digits() {
        assert_eq!(written(Decimal::MAX), "79228162514264337593543950335");
        assert_eq!(
            written(Decimal::from_str("0.0000000000000000000000000001").unwrap()),
            "0.0000000000000000000000000001"
        );
        // 7.9e28 with a scale, as a division can leave it.
        let huge = Decimal::from_str("79000000000000000000000000000").unwrap();
        assert_eq!(written(huge), "79000000000000000000000000000");
    }
}

//! How JSON writes a figure: exact, unrounded and normalised, as a decimal string.

use rust_decimal::Decimal;
use serde::Serialize;

/// A Decimal written as its exact decimal string, without making a String first.
pub(super) struct Exact(Decimal);

impl Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
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

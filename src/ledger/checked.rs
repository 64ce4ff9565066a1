//! Checked arithmetic for the ledger: an overflow is an input error that names the figure.

use crate::diagnostic::{InputErrors, Location, Problem};
use rust_decimal::Decimal;

/// What a figure is, for the message if it overflows: worked out only then, because most figures
/// never do, and a national study has hundreds of thousands of them.
pub(super) trait Describe {
    fn describe(&self) -> String;
}

impl Describe for &str {
    fn describe(&self) -> String {
        self.to_string()
    }
}

impl<T: Describe> Describe for &T {
    fn describe(&self) -> String {
        (*self).describe()
    }
}

/// "family E's before costs".
pub(super) struct FamilyFigure<'a> {
    pub(super) family: &'a str,
    pub(super) figure: &'static str,
}

impl Describe for FamilyFigure<'_> {
    fn describe(&self) -> String {
        format!("family {}'s {}", self.family, self.figure)
    }
}

/// Checked arithmetic that names what overflowed.
pub(super) struct Checked {
    pub(super) location: Option<Location>,
}

impl Checked {
    pub(super) fn overflow(&self, what: impl Describe) -> InputErrors {
        Problem::error(
            self.location.clone(),
            format!(
                "{} cannot be computed exactly: the figure would be over 28 digits",
                what.describe()
            ),
        )
        .with_hint("check the quantities and unit costs for a mistyped figure")
        .into()
    }

    pub(super) fn add(
        &self,
        a: Decimal,
        b: Decimal,
        what: impl Describe,
    ) -> Result<Decimal, InputErrors> {
        a.checked_add(b).ok_or_else(|| self.overflow(what))
    }

    pub(super) fn subtract(
        &self,
        a: Decimal,
        b: Decimal,
        what: impl Describe,
    ) -> Result<Decimal, InputErrors> {
        a.checked_sub(b).ok_or_else(|| self.overflow(what))
    }

    pub(super) fn multiply(
        &self,
        a: Decimal,
        b: Decimal,
        what: impl Describe,
    ) -> Result<Decimal, InputErrors> {
        a.checked_mul(b).ok_or_else(|| self.overflow(what))
    }

    pub(super) fn sum(
        &self,
        values: impl IntoIterator<Item = Decimal>,
        what: impl Describe,
    ) -> Result<Decimal, InputErrors> {
        let mut total = Decimal::ZERO;
        for value in values {
            total = total
                .checked_add(value)
                .ok_or_else(|| self.overflow(&what))?;
        }
        Ok(total)
    }
}

//! Fixed-point arithmetic for the hot path: quantities in millionths and unit costs in units of
//! their table's smallest decimal place, so that costing a row is an integer multiply and add,
//! exact like Decimal and much faster. Whatever does not fit (a quantity with more than six
//! decimal places or over a trillion, a sum past the integer's range) is carried exactly in
//! Decimal beside it, and every sum is kept within what a Decimal can report.

use crate::costs::CostBook;
use rust_decimal::Decimal;

/// Decimal places of a fixed-point quantity: millionths.
pub const QUANTITY_PLACES: u32 = 6;

/// The largest Decimal's mantissa: sums are kept within it (at their scale), so that every total
/// can be reported exactly.
pub(super) const DECIMAL_MAX: u128 = 79_228_162_514_264_337_593_543_950_335;

/// Unit costs with more decimal places than this are not held as fixed point; their rows take the
/// Decimal path.
const MAX_COST_PLACES: u32 = 12;

/// A quantity as read: fixed point in millionths (up to about a trillion units), or an exact
/// Decimal when it is larger or has more places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Millionths(i64),
    Exact(Decimal),
}

impl Quantity {
    pub fn to_decimal(self) -> Decimal {
        match self {
            // At the places it uses: 62 rather than 62.000000.
            Quantity::Millionths(value) => {
                let places = places_used(value);
                Decimal::new(value / 10i64.pow(QUANTITY_PLACES - places), places)
            }
            Quantity::Exact(value) => value,
        }
    }

    /// The fixed-point form of a Decimal quantity, if it has one.
    pub fn from_decimal(value: Decimal) -> Quantity {
        let normal = value.normalize();
        if normal.scale() <= QUANTITY_PLACES
            && let Some(millionths) = normal
                .mantissa()
                .checked_mul(10i128.pow(QUANTITY_PLACES - normal.scale()))
            && let Ok(millionths) = i64::try_from(millionths)
        {
            return Quantity::Millionths(millionths);
        }
        Quantity::Exact(value)
    }
}

/// Whether `|value| <= bound`, for the bounds sums are kept within (each at least 2^96): at once
/// when the value is far below any of them (under 2^95, so its top 33 bits are all its sign), as
/// nearly every sum is; in full otherwise.
#[inline(always)]
pub(super) fn within(value: i128, bound: u128) -> bool {
    const { assert!(DECIMAL_MAX * 1_000_000 > 1 << 96) };
    let top = (value >> 95) as i64;
    top == 0 || top == -1 || value.unsigned_abs() <= bound
}

/// Decimal places a quantity in millionths actually uses: 0 for 62, 1 for 1.5.
pub(super) fn places_used(millionths: i64) -> u32 {
    let mut fraction = millionths.unsigned_abs() % 1_000_000;
    if fraction == 0 {
        return 0;
    }
    let mut places = QUANTITY_PLACES;
    while fraction.is_multiple_of(10) {
        fraction /= 10;
        places -= 1;
    }
    places
}

/// Unit costs as fixed-point integers, shared by every accumulator of a read.
#[derive(Debug, Clone)]
pub struct FixedCosts {
    /// Decimal places of the fixed-point costs.
    pub(super) places: u32,
    /// Each service's unit cost in units of 10^-places, or `None` to use Decimal.
    pub(super) costs: Vec<Option<i64>>,
    /// The Decimal unit costs, for the exact path.
    pub(super) exact: Vec<Decimal>,
    /// The decimal places each unit cost actually uses.
    pub(super) cost_places: Vec<u32>,
    /// The largest fixed-point money sum that is still a Decimal.
    pub(super) money_bound: u128,
}

impl FixedCosts {
    pub fn new(book: &CostBook) -> FixedCosts {
        let exact: Vec<Decimal> = book
            .services()
            .iter()
            .map(|service| service.unit_cost)
            .collect();
        let places = exact
            .iter()
            .map(|cost| cost.normalize().scale())
            .filter(|&places| places <= MAX_COST_PLACES)
            .max()
            .unwrap_or(0);
        let costs = exact
            .iter()
            .map(|cost| {
                let normal = cost.normalize();
                if normal.scale() > places {
                    return None;
                }
                let scaled = normal
                    .mantissa()
                    .checked_mul(10i128.pow(places - normal.scale()))?;
                i64::try_from(scaled).ok()
            })
            .collect();
        let money_bound = DECIMAL_MAX
            .checked_mul(10u128.pow(QUANTITY_PLACES + places))
            .map_or(i128::MAX as u128, |bound| bound.min(i128::MAX as u128));
        let cost_places = exact.iter().map(|cost| cost.normalize().scale()).collect();
        debug_assert!(money_bound >= 1 << 96, "`within` relies on it");
        FixedCosts {
            places,
            costs,
            exact,
            cost_places,
            money_bound,
        }
    }
}

/// A fixed-point integer as an exact Decimal, dropping trailing zeros if the mantissa is too wide.
pub(super) fn exact_decimal(mut value: i128, mut places: u32) -> Option<Decimal> {
    loop {
        if places <= 28
            && let Ok(decimal) = Decimal::try_from_i128_with_scale(value, places)
        {
            return Some(decimal);
        }
        if places == 0 || value % 10 != 0 {
            return None;
        }
        value /= 10;
        places -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn quantities_take_the_fixed_point_when_they_can() {
        assert_eq!(
            Quantity::from_decimal(decimal("62")),
            Quantity::Millionths(62_000_000)
        );
        assert_eq!(
            Quantity::from_decimal(decimal("1.50")),
            Quantity::Millionths(1_500_000)
        );
        assert_eq!(
            Quantity::from_decimal(decimal("1.1234567")),
            Quantity::Exact(decimal("1.1234567"))
        );
        let huge = decimal("79000000000000000000000000000");
        assert_eq!(Quantity::from_decimal(huge), Quantity::Exact(huge));
        assert_eq!(Quantity::Millionths(1_500_000).to_decimal(), decimal("1.5"));
    }

    #[test]
    fn sums_within_a_bound() {
        let bound = DECIMAL_MAX * 1_000_000;
        for value in [
            0,
            1,
            -1,
            1 << 94,
            -(1 << 95),
            (1 << 95) - 1,
            1 << 100,
            -(1 << 120),
        ] {
            assert_eq!(
                within(value, bound),
                value.unsigned_abs() <= bound,
                "{value}"
            );
        }
        let edge = bound as i128;
        assert!(within(edge, bound) && within(-edge, bound));
        assert!(!within(edge + 1, bound) && !within(-edge - 1, bound));
        assert!(!within(i128::MIN, bound) && !within(i128::MAX, bound));
    }

    #[test]
    fn places_used_by_a_quantity() {
        assert_eq!(places_used(62_000_000), 0);
        assert_eq!(places_used(1_500_000), 1);
        assert_eq!(places_used(1), 6);
        assert_eq!(places_used(-2_250_000), 2);
    }

    #[test]
    fn wide_fixed_point_values_convert_exactly() {
        assert_eq!(
            exact_decimal(2_046_000_000_000_000, 12),
            Some(decimal("2046"))
        );
        let wide = 10i128.pow(30) * 123;
        assert_eq!(exact_decimal(wide, 18), Some(decimal("123000000000000")));
        assert_eq!(exact_decimal(i128::MAX, 0), None);
    }
}

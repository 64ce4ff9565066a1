//! Exact arithmetic on money: sums of many items (in parallel, the same on any number of threads)
//! and division held to a fixed scale.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places kept when money must be divided into parts that are summed again (a funding split
/// in thirds, running costs shared between families). A ten-billionth of a pound is far below any
/// figure anyone reads, and holding parts to a fixed scale keeps every later sum exact, so that
/// the parts always add up to the whole they are reported beside.
pub const DIVISION_PLACES: u32 = 10;

/// Items are summed this many at a time: the blocks on every core, then the blocks' sums in order.
/// The grouping is fixed, so the sum is the same to the last digit on any number of threads.
const SUM_BLOCK: usize = 4096;

/// The exact sum of a figure of many items (the families of a study), or `None` if it is too
/// large for a Decimal.
pub fn sum_in_parallel<T: Sync>(
    items: &[T],
    figure: impl Fn(&T) -> Decimal + Sync,
) -> Option<Decimal> {
    let [sum] = sums_in_parallel(items, |item| [figure(item)]);
    sum
}

/// The exact sums of several figures of many items, in one pass over them (a national study's
/// families are tens of megabytes: reading them once per figure costs more than the adding). Each
/// is `None` if it is too large for a Decimal.
pub fn sums_in_parallel<T: Sync, const N: usize>(
    items: &[T],
    figures: impl Fn(&T) -> [Decimal; N] + Sync,
) -> [Option<Decimal>; N] {
    use rayon::prelude::*;
    let add = |sums: [Option<Decimal>; N], values: [Option<Decimal>; N]| {
        std::array::from_fn(|index| {
            sums[index]
                .zip(values[index])
                .and_then(|(sum, value)| sum.checked_add(value))
        })
    };
    let blocks: Vec<[Option<Decimal>; N]> = items
        .par_chunks(SUM_BLOCK)
        .map(|block| {
            block.iter().fold([Some(Decimal::ZERO); N], |sums, item| {
                add(sums, figures(item).map(Some))
            })
        })
        .collect();
    blocks.into_iter().fold([Some(Decimal::ZERO); N], add)
}

/// The exact sum, or `None` if it is too large for a Decimal.
pub fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |sum, value| sum.checked_add(value))
}

/// `numerator / denominator`, held to [`DIVISION_PLACES`]; `None` on division by zero or overflow.
pub fn divide(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    numerator.checked_div(denominator).map(|quotient| {
        quotient.round_dp_with_strategy(DIVISION_PLACES, RoundingStrategy::MidpointAwayFromZero)
    })
}

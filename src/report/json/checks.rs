//! How a study's figures check out, as JSON: each published figure and consistency check
//! against the computed one, and the tables whose rounded lines add up to other than their
//! rounded total.

use super::decimal::{Exact, exact};
use crate::analysis::check::Check;
use crate::analysis::consistency::RoundingGap;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Rounding<'a> {
    /// The lines, in words: "the 8 agencies' benefits".
    lines: &'a str,
    /// The decimal places the lines and the total are shown to.
    places: u32,
    rounded_total: Exact,
    sum_of_rounded: Exact,
    /// sum_of_rounded − rounded_total.
    difference: Exact,
}

#[derive(Serialize)]
pub(super) struct Reconciled<'a> {
    figure: &'a str,
    description: &'a str,
    /// `published`, `published item`, `published consistency` or `consistency`.
    kind: &'static str,
    /// The figure the source printed: only for checks of a published figure, since a consistency
    /// check's expected figure is a total tfcalc computes, which no one published.
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<Exact>,
    /// What the computed figure is checked against: the published figure, or the total.
    expected: Exact,
    computed: Option<Exact>,
    difference: Option<Exact>,
    /// difference ÷ expected, as a fraction (`0.0001` is 0.01%).
    relative_difference: Option<Exact>,
    agrees: bool,
    /// For money, how close counts as agreeing, and why that close.
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance_basis: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// Why a figure differs, where tfcalc can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// Each check, published figures first, as the reconciliation table lists them.
pub(super) fn reconciliation(checks: &[Check]) -> Vec<Reconciled<'_>> {
    checks
        .iter()
        .map(|check| Reconciled {
            figure: &check.key,
            description: &check.subject,
            kind: check.kind.label(),
            published: check
                .kind
                .expects_published()
                .then(|| exact(check.expected)),
            expected: exact(check.expected),
            computed: check.computed.map(exact),
            difference: check.difference.map(exact),
            relative_difference: check.relative_difference.map(exact),
            agrees: check.agrees,
            tolerance: check
                .tolerance
                .as_ref()
                .map(|tolerance| exact(tolerance.amount)),
            tolerance_basis: check
                .tolerance
                .as_ref()
                .map(|tolerance| tolerance.basis.as_str()),
            note: check.note.as_deref(),
            reason: check.reason.as_deref(),
        })
        .collect()
}

/// The tables whose lines, each rounded as the report shows them, add up to other than the total
/// shown: the consistency stage's rounding gaps, as the reconciliation table lists them.
pub(super) fn rounding(gaps: &[RoundingGap]) -> Vec<Rounding<'_>> {
    gaps.iter()
        .map(|gap| Rounding {
            lines: &gap.lines,
            places: gap.places,
            rounded_total: exact(gap.rounded_total),
            sum_of_rounded: exact(gap.sum_of_rounded),
            difference: exact(gap.difference),
        })
        .collect()
}

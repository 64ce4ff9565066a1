//! A check: one figure set against another, and whether the two agree. Shared by the
//! reconciliation and consistency stages, which make them.

use crate::context::StudyContext;
use crate::diagnostic::Location;
use rust_decimal::Decimal;

/// What kind of figure a check compares, which decides how close counts as agreeing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Pounds: agree within the tolerance (by default £0.50, the rounding of whole-pound tables).
    Money,
    /// A count of families: must agree exactly.
    Count,
    /// A ratio such as an ROI: agrees if it rounds to the published figure at its published precision.
    Ratio,
}

/// What a check sets against what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// A published figure against the one tfcalc computes.
    Published,
    /// A published line item (`[[published.items]]`) against the statement lines it covers.
    Item,
    /// A published figure against what the other published figures give: whether the source's
    /// own figures agree with each other.
    PublishedConsistency,
    /// tfcalc's own figures against each other.
    Consistency,
}

impl CheckKind {
    /// In words, for the table's Check column and JSON's `kind`.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Published => "published",
            CheckKind::Item => "published item",
            CheckKind::PublishedConsistency => "published consistency",
            CheckKind::Consistency => "consistency",
        }
    }

    /// Whether the expected figure is one the source printed (rather than a total tfcalc computed).
    pub fn expects_published(self) -> bool {
        !matches!(self, CheckKind::Consistency)
    }
}

/// How close two money figures must be to agree, and why that close.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerance {
    pub amount: Decimal,
    /// In words: "the tolerance", "half a penny", "50p a family, the rounding of a whole-pound figure".
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub study: String,
    pub kind: CheckKind,
    /// What is compared, in words.
    pub subject: String,
    /// The figure's key, for JSON and CSV (`before`, `agency:Police`, `consistency:agencies`,
    /// `item:before:police_hour`, `consistency:published:net_saving`).
    pub key: String,
    pub measure: Measure,
    pub expected: Decimal,
    /// `None` when the figure cannot be computed (an ROI with no net cost).
    pub computed: Option<Decimal>,
    /// Computed less expected.
    pub difference: Option<Decimal>,
    /// The difference as a fraction of the expected figure.
    pub relative_difference: Option<Decimal>,
    pub agrees: bool,
    /// For money, how close counts as agreeing.
    pub tolerance: Option<Tolerance>,
    /// Where the expected figure was written, for a published figure.
    pub location: Option<Location>,
    /// Why the two might differ, or why the check could not be made.
    pub note: Option<String>,
    /// For a figure that differs, why, where the other checks show it: "the published net saving
    /// follows from the published costs before (£42,999), which are £3 less than ...".
    pub reason: Option<String>,
}

/// The default tolerance for money: half a pound, the rounding of tables in whole pounds.
pub fn default_tolerance() -> Decimal {
    Decimal::new(50, 2)
}

/// A per-family figure rounded to whole pounds, times the families, may be out by up to 50p a
/// family from the total it came from; more than that, and the two figures disagree.
pub(crate) fn per_family_rounding(families: Decimal) -> Tolerance {
    Tolerance {
        // Cannot overflow: at most 2⁶⁴ families × 50p is far inside Decimal's range.
        amount: families * Decimal::new(50, 2),
        basis: "50p a family, the rounding of a whole-pound figure".to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn compare(
    context: &StudyContext,
    kind: CheckKind,
    subject: String,
    key: String,
    measure: Measure,
    expected: Decimal,
    computed: Option<Decimal>,
    tolerance: Option<Tolerance>,
    location: Option<Location>,
    note: Option<String>,
) -> Check {
    let difference = computed.and_then(|computed| computed.checked_sub(expected));
    let relative_difference = difference
        .filter(|_| !expected.is_zero())
        .and_then(|difference| difference.checked_div(expected.abs()));
    let agrees = match (difference, measure) {
        (None, _) => false,
        (Some(difference), Measure::Money) => {
            difference.abs()
                <= tolerance
                    .as_ref()
                    .map_or(Decimal::ZERO, |tolerance| tolerance.amount)
        }
        (Some(difference), Measure::Count) => difference.is_zero(),
        (Some(_), Measure::Ratio) => {
            let places = expected.scale();
            computed.map(|computed| crate::money::round_for_display(computed, places))
                == Some(expected)
        }
    };
    Check {
        study: context.name.clone(),
        kind,
        subject,
        key,
        measure,
        expected,
        computed,
        difference,
        relative_difference,
        agrees,
        tolerance,
        location,
        note,
        reason: None,
    }
}

//! Reconciliation: every published figure beside the computed one, and the checks that the
//! computed figures agree with each other.

use crate::appraisal::Appraisal;
use crate::diagnostic::Location;
use crate::ledger::StudyLedger;
use crate::money::{checked_sum, sum_in_parallel, sums_in_parallel};
use crate::study::Figure;
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

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub study: String,
    /// What is compared, in words.
    pub subject: String,
    /// The figure's key, for JSON and CSV (`before`, `agency:Police`, `consistency:agencies`).
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
    /// Where the expected figure was written, for a published figure.
    pub location: Option<Location>,
    /// Why the two might differ, or why the check could not be made.
    pub note: Option<String>,
}

/// The default tolerance for money: half a pound, the rounding of tables in whole pounds.
pub fn default_tolerance() -> Decimal {
    Decimal::new(50, 2)
}

/// Compares each published figure of a study with the computed one.
pub fn reconcile(ledger: &StudyLedger, appraisal: &Appraisal, tolerance: Decimal) -> Vec<Check> {
    let mut checks = Vec::new();
    for published in &ledger.published.figures {
        let figure = published.figure;
        let measure = match figure {
            Figure::Families => Measure::Count,
            Figure::Roi => Measure::Ratio,
            _ => Measure::Money,
        };
        let computed = computed_figure(figure, ledger, appraisal);
        let note = match (figure, computed) {
            (Figure::Roi, None) => appraisal.roi.explanation(),
            (_, None) => Some("not available for this study".to_string()),
            _ => None,
        };
        checks.push(compare(
            ledger,
            figure.label().to_string(),
            figure.key().to_string(),
            measure,
            published.value.value,
            computed,
            tolerance,
            Some(published.value.location.clone()),
            note,
        ));
    }
    for (agency, published) in &ledger.published.agencies {
        let computed = ledger
            .agencies
            .iter()
            .find(|row| &row.agency == agency)
            .map(|row| row.benefit);
        let note = computed
            .is_none()
            .then(|| format!("no agency named {agency:?} bears any cost in this study"));
        checks.push(compare(
            ledger,
            format!("Benefit to {agency}"),
            format!("agency:{agency}"),
            Measure::Money,
            published.value,
            Some(computed.unwrap_or_default()),
            tolerance,
            Some(published.location.clone()),
            note,
        ));
    }
    checks
}

/// Half a penny: how closely figures tfcalc computes must agree with each other.
fn half_penny() -> Decimal {
    Decimal::new(5, 3)
}

/// Checks that the figures agree with each other: agencies add up to the total benefit, families
/// add up to the study, and families × a per-family figure gives the total it came from.
pub fn consistency(ledger: &StudyLedger) -> Vec<Check> {
    let mut checks = Vec::new();
    let totals = &ledger.totals;
    let agencies_sum = ledger
        .agencies
        .iter()
        .try_fold(Decimal::ZERO, |sum, agency| sum.checked_add(agency.benefit));
    checks.push(compare(
        ledger,
        "The agencies' benefits add up to the total benefit".to_string(),
        "consistency:agencies".to_string(),
        Measure::Money,
        totals.benefit,
        agencies_sum,
        half_penny(),
        None,
        None,
    ));
    let funding_sum = ledger
        .agencies
        .iter()
        .try_fold(Decimal::ZERO, |sum, agency| sum.checked_add(agency.funding));
    if !matches!(ledger.funding, crate::study::Funding::Unstated) {
        checks.push(compare(
            ledger,
            "The agencies' funding adds up to the delivery cost".to_string(),
            "consistency:funding".to_string(),
            Measure::Money,
            totals.intervention,
            funding_sum,
            half_penny(),
            None,
            None,
        ));
    }
    if !ledger.is_summary {
        let families_sum = sum_in_parallel(&ledger.families, |family| family.net_saving());
        checks.push(compare(
            ledger,
            "The families' net savings add up to the study's net saving".to_string(),
            "consistency:families".to_string(),
            Measure::Money,
            totals.net_saving,
            families_sum,
            half_penny(),
            None,
            None,
        ));
    }

    // A per-family figure rounded to whole pounds, times the families, may be out by up to 50p a
    // family from the total it came from; more than that, and the two figures disagree.
    let families = Decimal::from(ledger.family_count);
    // Cannot overflow: at most 2⁶⁴ families × 50p is far inside Decimal's range.
    let rounding_allowance = families * Decimal::new(50, 2);
    let published_per_family = ledger
        .published
        .figures
        .iter()
        .find(|published| published.figure == Figure::BenefitPerFamily);
    let stated = published_per_family
        .map(|published| {
            (
                published.value.value,
                "published",
                Some(published.value.location.clone()),
            )
        })
        .or_else(|| {
            ledger
                .stated_benefit_per_family
                .map(|value| (value, "stated", None))
        });
    if let Some((per_family, how, location)) = stated
        && ledger.family_count > 0
    {
        checks.push(compare(
            ledger,
            format!(
                "{} families × the {how} benefit per family ({}) against the total benefit",
                ledger.family_count,
                crate::money::Pounds(per_family)
            ),
            "consistency:benefit_per_family".to_string(),
            Measure::Money,
            totals.benefit,
            per_family.checked_mul(families),
            rounding_allowance,
            location,
            Some("agrees when the difference is within 50p a family, the rounding of a whole-pound figure".to_string()),
        ));
    }
    checks
}

/// The computed value of a figure that can be published.
pub fn computed_figure(
    figure: Figure,
    ledger: &StudyLedger,
    appraisal: &Appraisal,
) -> Option<Decimal> {
    let totals = &ledger.totals;
    match figure {
        Figure::Families => Some(Decimal::from(ledger.family_count)),
        Figure::Before => totals.before,
        Figure::Intervention => Some(totals.intervention),
        Figure::After => totals.after,
        Figure::GrossSaving | Figure::Benefit => Some(totals.benefit),
        Figure::NetSaving => Some(totals.net_saving),
        Figure::DeliveryCostPerFamily => appraisal.delivery_cost_per_family,
        Figure::CounterfactualCostPerFamily => Some(appraisal.counterfactual_cost_per_family),
        Figure::NetCostPerFamily => appraisal.net_cost_per_family,
        Figure::BenefitPerFamily => appraisal.benefit_per_family,
        Figure::Roi => appraisal.roi.ratio(),
    }
}

#[allow(clippy::too_many_arguments)]
fn compare(
    ledger: &StudyLedger,
    subject: String,
    key: String,
    measure: Measure,
    expected: Decimal,
    computed: Option<Decimal>,
    tolerance: Decimal,
    location: Option<Location>,
    note: Option<String>,
) -> Check {
    let difference = computed.and_then(|computed| computed.checked_sub(expected));
    let relative_difference = difference
        .filter(|_| !expected.is_zero())
        .and_then(|difference| difference.checked_div(expected.abs()));
    let agrees = match (difference, measure) {
        (None, _) => false,
        (Some(difference), Measure::Money) => difference.abs() <= tolerance,
        (Some(difference), Measure::Count) => difference.is_zero(),
        (Some(_), Measure::Ratio) => {
            let places = expected.scale();
            computed.map(|computed| crate::money::round_for_display(computed, places))
                == Some(expected)
        }
    };
    Check {
        study: ledger.name.clone(),
        subject,
        key,
        measure,
        expected,
        computed,
        difference,
        relative_difference,
        agrees,
        location,
        note,
    }
}

/// Lines of a table that, each rounded for display, do not add up to their total as displayed.
/// The displayed total is always the exact total rounded, never the sum of rounded lines; this
/// says when a reader adding up the lines would find a different figure, and by how much.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundingGap {
    pub study: String,
    /// The lines, in words: "the 8 agencies' benefits".
    pub lines: String,
    /// The lines rounded, then added up.
    pub sum_of_rounded: Decimal,
    /// The exact total, rounded.
    pub rounded_total: Decimal,
    /// The lines' sum less the total: what a reader adding up the lines finds in excess.
    pub difference: Decimal,
}

/// The rounding gaps of a study's per-family and per-agency tables at `places` decimal places.
pub fn rounding_gaps(ledger: &StudyLedger, places: u32) -> Vec<RoundingGap> {
    let round = |value: Decimal| crate::money::round_for_display(value, places);
    let mut gaps = Vec::new();
    let mut compare = |lines: String, sum_of_rounded: Option<Decimal>, total: Decimal| {
        let rounded_total = round(total);
        // Rounded lines too many to add up exactly, or a gap wider than a Decimal holds, are
        // past any report: no gap is claimed (the exact totals still stand).
        if let Some(sum_of_rounded) = sum_of_rounded
            && sum_of_rounded != rounded_total
            && let Some(difference) = sum_of_rounded.checked_sub(rounded_total)
        {
            gaps.push(RoundingGap {
                study: ledger.name.clone(),
                lines,
                sum_of_rounded,
                rounded_total,
                difference,
            });
        }
    };
    let families = ledger.families.len();
    if families > 1 {
        let plural = format!("the {families} families'");
        let [net, gross] = sums_in_parallel(&ledger.families, |family| {
            [round(family.net_saving()), round(family.gross_saving())]
        });
        compare(
            format!("{plural} net savings"),
            net,
            ledger.totals.net_saving,
        );
        compare(
            format!("{plural} gross savings"),
            gross,
            ledger.totals.benefit,
        );
    }
    let agencies = ledger.agencies.len();
    if agencies > 1 {
        compare(
            format!("the {agencies} agencies' benefits"),
            checked_sum(ledger.agencies.iter().map(|agency| round(agency.benefit))),
            ledger.totals.benefit,
        );
        compare(
            format!("the {agencies} agencies' net figures"),
            checked_sum(ledger.agencies.iter().map(|agency| round(agency.net))),
            ledger.totals.benefit_less_funding,
        );
    }
    gaps
}

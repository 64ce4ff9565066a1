//! The consistency stage: checks that tfcalc's own figures agree with each other, and the
//! rounding gaps of the tables that show them.

use super::Findings;
use super::check::{Check, CheckKind, Measure, Tolerance, compare, per_family_rounding};
use crate::context::StudyContext;
use crate::diagnostic::InputErrors;
use crate::ledger::StudyLedger;
use crate::money::{checked_sum, sum_in_parallel, sums_in_parallel};
use crate::study::Figure;
use rust_decimal::Decimal;

/// The consistency stage: tfcalc's own figures against each other (see [`consistency`]).
pub(crate) fn stage(
    ledger: &StudyLedger,
    context: &StudyContext,
    _found: &Findings,
) -> Result<Findings, InputErrors> {
    Ok(Findings {
        checks: consistency(ledger, context),
        rounding_gaps: rounding_gaps(ledger, context),
        ..Findings::default()
    })
}

/// Half a penny: how closely figures tfcalc computes must agree with each other.
fn half_penny() -> Tolerance {
    Tolerance {
        amount: Decimal::new(5, 3),
        basis: "half a penny, as tfcalc's own figures must agree exactly".to_string(),
    }
}

/// Checks that the figures agree with each other: agencies add up to the total benefit, families
/// add up to the study, and families × a per-family figure gives the total it came from.
pub(crate) fn consistency(ledger: &StudyLedger, context: &StudyContext) -> Vec<Check> {
    let mut checks = Vec::new();
    let totals = &ledger.totals;
    let agencies_sum = ledger
        .agencies
        .iter()
        .try_fold(Decimal::ZERO, |sum, agency| sum.checked_add(agency.benefit));
    checks.push(compare(
        context,
        CheckKind::Consistency,
        "The agencies' benefits add up to the total benefit".to_string(),
        "consistency:agencies".to_string(),
        Measure::Money,
        totals.benefit,
        agencies_sum,
        Some(half_penny()),
        None,
        None,
    ));
    let funding_sum = ledger
        .agencies
        .iter()
        .try_fold(Decimal::ZERO, |sum, agency| sum.checked_add(agency.funding));
    if !matches!(context.funding, crate::study::Funding::Unstated) {
        checks.push(compare(
            context,
            CheckKind::Consistency,
            "The agencies' funding adds up to the delivery cost".to_string(),
            "consistency:funding".to_string(),
            Measure::Money,
            totals.intervention,
            funding_sum,
            Some(half_penny()),
            None,
            None,
        ));
    }
    if !ledger.is_summary {
        let families_sum = sum_in_parallel(&ledger.families, |family| family.net_saving());
        checks.push(compare(
            context,
            CheckKind::Consistency,
            "The families' net savings add up to the study's net saving".to_string(),
            "consistency:families".to_string(),
            Measure::Money,
            totals.net_saving,
            families_sum,
            Some(half_penny()),
            None,
            None,
        ));
    }

    let families = Decimal::from(ledger.family_count);
    let published_per_family = context
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
            context
                .stated_benefit_per_family
                .map(|value| (value, "stated", None))
        });
    if let Some((per_family, how, location)) = stated
        && ledger.family_count > 0
    {
        checks.push(compare(
        context,
            CheckKind::Consistency,
            format!(
                "{} families × the {how} benefit per family ({}) against the total benefit",
                ledger.family_count,
                crate::money::Pounds(per_family)
            ),
            "consistency:benefit_per_family".to_string(),
            Measure::Money,
            totals.benefit,
            per_family.checked_mul(families),
            Some(per_family_rounding(families)),
            location,
            Some("agrees when the difference is within 50p a family, the rounding of a whole-pound figure".to_string()),
        ));
    }
    checks
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
    /// The decimal places the lines and the total are rounded to.
    pub places: u32,
}

/// The rounding gaps of a study's per-family and per-agency tables at the precision the report
/// shows money at.
fn rounding_gaps(ledger: &StudyLedger, context: &StudyContext) -> Vec<RoundingGap> {
    let places = context.display.places();
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
                study: context.name.clone(),
                lines,
                sum_of_rounded,
                rounded_total,
                difference,
                places,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{AgencyLedger, Totals};
    use crate::money::Precision;

    fn context(display: Precision) -> StudyContext {
        let mut diagnostics = crate::diagnostic::Diagnostics::new();
        let book = crate::costs::CostBook::from_tables(Vec::new(), None, &mut diagnostics)
            .expect("an empty book is made");
        StudyContext {
            name: "Study".to_string(),
            study_file: None,
            window_months: None,
            book: std::sync::Arc::new(book),
            counterfactual_cost_per_family: Decimal::ZERO,
            intervention_items: Vec::new(),
            funding: crate::study::Funding::Unstated,
            inputs: Vec::new(),
            published: Default::default(),
            stated_benefit_per_family: None,
            agency_map: Default::default(),
            tolerance: super::super::check::default_tolerance(),
            display,
        }
    }

    /// Three agencies each gaining 40p: £0 each in whole pounds, against a total of £1.20 shown
    /// as £1.
    fn ledger() -> StudyLedger {
        let benefit = Decimal::new(40, 2);
        let total = Decimal::new(120, 2);
        StudyLedger {
            families: Vec::new(),
            family_count: 0,
            agencies: ["Police", "NHS", "DWP"]
                .map(|agency| AgencyLedger {
                    agency: agency.to_string(),
                    before: None,
                    after: None,
                    benefit,
                    funding: Decimal::ZERO,
                    net: benefit,
                })
                .to_vec(),
            totals: Totals {
                before: None,
                after: None,
                intervention: Decimal::ZERO,
                benefit: total,
                net_saving: total,
                funding: Decimal::ZERO,
                benefit_less_funding: total,
            },
            services: Vec::new(),
            is_summary: true,
        }
    }

    #[test]
    fn the_stage_finds_the_rounding_gaps_of_the_precision_shown() {
        let found = stage(&ledger(), &context(Precision::Pounds), &Findings::default()).unwrap();
        let gap = |lines: &str| RoundingGap {
            study: "Study".to_string(),
            lines: lines.to_string(),
            sum_of_rounded: Decimal::ZERO,
            rounded_total: Decimal::ONE,
            difference: -Decimal::ONE,
            places: 0,
        };
        assert_eq!(
            found.rounding_gaps,
            vec![
                gap("the 3 agencies' benefits"),
                gap("the 3 agencies' net figures")
            ]
        );
        // To the penny, 3 × £0.40 is the £1.20 shown.
        let found = stage(&ledger(), &context(Precision::Pence), &Findings::default()).unwrap();
        assert_eq!(found.rounding_gaps, Vec::new());
    }
}

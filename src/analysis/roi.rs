//! Return on investment, Leicestershire Table 2 style: what delivery costs per family beyond what
//! the family's services would have cost anyway, against the fiscal benefit per family; and the
//! study's net benefit, the bottom line that agrees with that return.

use super::Findings;
use crate::context::StudyContext;
use crate::diagnostic::{InputErrors, Location, Problem};
use crate::ledger::StudyLedger;
use rust_decimal::Decimal;

/// The ROI stage: the study's appraisal.
pub(crate) fn stage(
    ledger: &StudyLedger,
    context: &StudyContext,
    _found: &Findings,
) -> Result<Findings, InputErrors> {
    Ok(Findings {
        appraisal: Some(Appraisal::of(ledger, context)?),
        ..Findings::default()
    })
}

/// A study's per-family figures and its return on investment.
#[derive(Debug, Clone, PartialEq)]
pub struct Appraisal {
    pub families: u64,
    /// `None` when the study has no families to average over.
    pub delivery_cost_per_family: Option<Decimal>,
    pub counterfactual_cost_per_family: Decimal,
    /// Delivery less counterfactual.
    pub net_cost_per_family: Option<Decimal>,
    pub benefit_per_family: Option<Decimal>,
    pub roi: Roi,
    /// The counterfactual of every family: families × the counterfactual cost per family, the
    /// services the families would have used anyway.
    pub counterfactual_total: Decimal,
    /// The net cost of every family: the delivery cost less [`Self::counterfactual_total`].
    pub net_cost_total: Decimal,
    /// The study's bottom line net of the counterfactual: benefit − families × net cost per family,
    /// which is also the ledger's net saving (benefit − delivery) plus
    /// [`Self::counterfactual_total`].
    /// Worked from totals, so a per-family average that does not divide exactly never enters it.
    /// The net saving leaves the counterfactual out, so it disagrees with the return on investment
    /// whenever the counterfactual is not zero; this figure never does.
    pub net_benefit: Decimal,
}

/// The return on investment: fiscal benefit for every £1 of net cost.
#[derive(Debug, Clone, PartialEq)]
pub enum Roi {
    Ratio(Decimal),
    /// There are no families, so there is nothing per family to compare.
    NoFamilies,
    /// The counterfactual costs as much as delivery or more, so there is no net cost to return on.
    NoNetCost {
        net_cost_per_family: Decimal,
    },
}

impl Roi {
    pub fn ratio(&self) -> Option<Decimal> {
        match self {
            Roi::Ratio(ratio) => Some(*ratio),
            _ => None,
        }
    }

    /// Why there is no ratio, in words for a report.
    pub fn explanation(&self) -> Option<String> {
        match self {
            Roi::Ratio(_) => None,
            Roi::NoFamilies => Some("undefined: the study has no families".to_string()),
            Roi::NoNetCost {
                net_cost_per_family,
            } => Some(format!(
                "undefined: the net cost per family is {}, so there is no net cost to set the benefit against",
                crate::money::Pounds(*net_cost_per_family)
            )),
        }
    }
}

impl Appraisal {
    /// The study's appraisal, or an error at the study file if a total would pass Decimal's range.
    pub fn of(ledger: &StudyLedger, context: &StudyContext) -> Result<Appraisal, InputErrors> {
        let families = ledger.family_count;
        let per_family = |total: Decimal| {
            (families > 0)
                .then(|| total.checked_div(Decimal::from(families)))
                .flatten()
        };
        // A summary study states delivery per family directly; averaging the total would only
        // reintroduce rounding.
        let delivery_cost_per_family = if ledger.is_summary {
            // Checked, though the ledger has already summed these items times the families.
            (families > 0)
                .then(|| {
                    context
                        .intervention_items
                        .iter()
                        .try_fold(Decimal::ZERO, |sum, item| sum.checked_add(item.per_family))
                })
                .flatten()
        } else {
            per_family(ledger.totals.intervention)
        };
        let counterfactual = context.counterfactual_cost_per_family;
        let net_cost_per_family =
            delivery_cost_per_family.and_then(|delivery| delivery.checked_sub(counterfactual));
        let benefit_per_family = per_family(ledger.totals.benefit);
        let roi = match (net_cost_per_family, benefit_per_family) {
            (Some(net_cost), Some(benefit)) if net_cost > Decimal::ZERO => {
                match benefit.checked_div(net_cost) {
                    Some(ratio) => Roi::Ratio(ratio),
                    None => Roi::NoNetCost {
                        net_cost_per_family: net_cost,
                    },
                }
            }
            (Some(net_cost), Some(_)) => Roi::NoNetCost {
                net_cost_per_family: net_cost,
            },
            _ => Roi::NoFamilies,
        };
        let overflow = |what: &str| -> InputErrors {
            Problem::error(
                context.study_file.clone().map(Location::file),
                format!(
                    "{what} of {} cannot be computed exactly: the figure would be over 28 digits",
                    context.name
                ),
            )
            .with_hint(
                "check the counterfactual cost per family and the number of families for a mistyped figure",
            )
            .into()
        };
        let counterfactual_total = counterfactual
            .checked_mul(Decimal::from(families))
            .ok_or_else(|| overflow("the counterfactual of all the families"))?;
        let net_cost_total = ledger
            .totals
            .intervention
            .checked_sub(counterfactual_total)
            .ok_or_else(|| overflow("the net cost of all the families"))?;
        let net_benefit = ledger
            .totals
            .benefit
            .checked_sub(net_cost_total)
            .ok_or_else(|| overflow("the net benefit (benefit less net cost)"))?;
        Ok(Appraisal {
            families,
            delivery_cost_per_family,
            counterfactual_cost_per_family: counterfactual,
            net_cost_per_family,
            benefit_per_family,
            roi,
            counterfactual_total,
            net_cost_total,
            net_benefit,
        })
    }
}

//! The waterfall stage: how costs before become the bottom line, step by step, with where each
//! step starts and ends worked out exactly here, so that a chart only has to draw them.

use super::Findings;
use super::roi::Appraisal;
use crate::context::StudyContext;
use crate::diagnostic::{InputErrors, Location, Problem};
use crate::ledger::{FamilyLedger, StudyLedger, Totals};
use rust_decimal::Decimal;

/// The waterfall stage: the study's totals as a waterfall (see [`study`]).
pub(crate) fn stage(
    ledger: &StudyLedger,
    context: &StudyContext,
    found: &Findings,
) -> Result<Findings, InputErrors> {
    Ok(Findings {
        waterfall: Some(study(ledger, context, found.appraisal())?),
        ..Findings::default()
    })
}

/// What a step of a waterfall stands for: the view puts it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepFigure {
    Before,
    /// A summary study's gross saving: where its waterfall starts, as it publishes no costs before
    /// and after.
    GrossSaving,
    Intervention,
    After,
    NetSaving,
    /// The services the families would have used anyway, added back.
    Counterfactual,
    NetBenefit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A bar from zero: where the waterfall starts, and the totals it reaches.
    Total,
    /// A bar floating from the running total to the running total plus the change.
    Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub figure: StepFigure,
    pub kind: StepKind,
    /// For a total, its value; for a change, the amount added (negative for one taken away).
    pub value: Decimal,
    /// Where the bar starts: zero for a total, the running total before a change.
    pub start: Decimal,
    /// Where the bar ends: the total, or the running total after the change.
    pub end: Decimal,
}

/// A waterfall's steps, in the order they are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    pub steps: Vec<Step>,
}

/// A study's totals as a waterfall: costs before, less the intervention, less the costs after,
/// leaves the net saving. A summary study, which publishes no costs before and after, starts from
/// its gross saving. With a counterfactual, the services the families would have used anyway are
/// a step of their own, and the waterfall ends on the net benefit, the figure the return on
/// investment agrees with, rather than on a net saving that disagrees with it.
pub fn study(
    ledger: &StudyLedger,
    context: &StudyContext,
    appraisal: &Appraisal,
) -> Result<Waterfall, InputErrors> {
    study_steps(&ledger.totals, appraisal).map_err(|Overflow| overflow(context, None))
}

/// One family's statement as a waterfall: costs before, less the intervention, less the costs
/// after, leaves the net saving (the contract's, before any counterfactual).
///
/// Not a stage: a chart is drawn for a few families only, and working one out for each of a
/// national study's hundreds of thousands of families would be waste. The view calls this for the
/// families it draws; it reads only the ledger, as a stage would.
pub fn family(context: &StudyContext, family: &FamilyLedger) -> Result<Waterfall, InputErrors> {
    family_steps(
        family.before,
        family.intervention,
        family.after,
        family.net_saving(),
    )
    .map_err(|Overflow| overflow(context, Some(&family.family_id)))
}

/// A running total past Decimal's range.
#[derive(Debug)]
struct Overflow;

fn overflow(context: &StudyContext, family: Option<&str>) -> InputErrors {
    let whose = match family {
        Some(family) => format!("family {family} of {}", context.name),
        None => context.name.clone(),
    };
    Problem::error(
        context.study_file.clone().map(Location::file),
        format!(
            "a running total of the waterfall of {whose} cannot be computed exactly: the figure would be over 28 digits"
        ),
    )
    .with_hint("check the quantities and unit costs for a mistyped figure")
    .into()
}

/// Steps with their running total, each change's end checked.
#[derive(Default)]
struct Steps {
    steps: Vec<Step>,
    running: Decimal,
}

impl Steps {
    fn total(&mut self, figure: StepFigure, value: Decimal) {
        self.steps.push(Step {
            figure,
            kind: StepKind::Total,
            value,
            start: Decimal::ZERO,
            end: value,
        });
        self.running = value;
    }

    /// A change from the running total. Costs are never negative, so `before − intervention`
    /// lies between the two and cannot pass Decimal's range, and every later end is a figure the
    /// ledger or the appraisal already holds; checked all the same, as an overflow must be an
    /// error, never a panic.
    fn change(&mut self, figure: StepFigure, value: Decimal) -> Result<(), Overflow> {
        let end = self.running.checked_add(value).ok_or(Overflow)?;
        self.steps.push(Step {
            figure,
            kind: StepKind::Change,
            value,
            start: self.running,
            end,
        });
        self.running = end;
        Ok(())
    }
}

fn study_steps(totals: &Totals, appraisal: &Appraisal) -> Result<Waterfall, Overflow> {
    let mut steps = Steps::default();
    match (totals.before, totals.after) {
        (Some(before), Some(after)) => {
            steps.total(StepFigure::Before, before);
            steps.change(StepFigure::Intervention, -totals.intervention)?;
            steps.change(StepFigure::After, -after)?;
        }
        _ => {
            steps.total(StepFigure::GrossSaving, totals.benefit);
            steps.change(StepFigure::Intervention, -totals.intervention)?;
        }
    }
    if appraisal.counterfactual_total.is_zero() {
        steps.total(StepFigure::NetSaving, totals.net_saving);
    } else {
        // One bottom line: the net saving's bar would be a second, disagreeing with the return.
        steps.change(StepFigure::Counterfactual, appraisal.counterfactual_total)?;
        steps.total(StepFigure::NetBenefit, appraisal.net_benefit);
    }
    Ok(Waterfall { steps: steps.steps })
}

fn family_steps(
    before: Decimal,
    intervention: Decimal,
    after: Decimal,
    net_saving: Decimal,
) -> Result<Waterfall, Overflow> {
    let mut steps = Steps::default();
    steps.total(StepFigure::Before, before);
    steps.change(StepFigure::Intervention, -intervention)?;
    steps.change(StepFigure::After, -after)?;
    steps.total(StepFigure::NetSaving, net_saving);
    Ok(Waterfall { steps: steps.steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::roi::Roi;

    fn pounds(value: i64) -> Decimal {
        Decimal::from(value)
    }

    /// (figure, start, end) of each step.
    fn spans(waterfall: &Waterfall) -> Vec<(StepFigure, Decimal, Decimal)> {
        waterfall
            .steps
            .iter()
            .map(|step| (step.figure, step.start, step.end))
            .collect()
    }

    fn appraisal(counterfactual_total: Decimal, net_benefit: Decimal) -> Appraisal {
        Appraisal {
            families: 1,
            delivery_cost_per_family: None,
            counterfactual_cost_per_family: counterfactual_total,
            net_cost_per_family: None,
            benefit_per_family: None,
            roi: Roi::NoFamilies,
            counterfactual_total,
            net_cost_total: Decimal::ZERO,
            net_benefit,
        }
    }

    fn totals(before: Option<i64>, intervention: i64, after: Option<i64>, benefit: i64) -> Totals {
        Totals {
            before: before.map(pounds),
            after: after.map(pounds),
            intervention: pounds(intervention),
            benefit: pounds(benefit),
            net_saving: pounds(benefit - intervention),
            funding: Decimal::ZERO,
            benefit_less_funding: pounds(benefit),
        }
    }

    /// Family E of the Hertfordshire paper: £43,002 before, £6,208 intervention, £4,600 after.
    #[test]
    fn family_e_steps_down_from_costs_before_to_the_net_saving() {
        let waterfall =
            family_steps(pounds(43_002), pounds(6_208), pounds(4_600), pounds(32_194)).unwrap();
        assert_eq!(
            spans(&waterfall),
            vec![
                (StepFigure::Before, pounds(0), pounds(43_002)),
                (StepFigure::Intervention, pounds(43_002), pounds(36_794)),
                (StepFigure::After, pounds(36_794), pounds(32_194)),
                (StepFigure::NetSaving, pounds(0), pounds(32_194)),
            ]
        );
        let values: Vec<Decimal> = waterfall.steps.iter().map(|step| step.value).collect();
        assert_eq!(
            values,
            vec![
                pounds(43_002),
                pounds(-6_208),
                pounds(-4_600),
                pounds(32_194)
            ]
        );
    }

    #[test]
    fn a_counterfactual_is_added_back_and_the_waterfall_ends_on_the_net_benefit() {
        let waterfall = study_steps(
            &totals(Some(43_002), 6_208, Some(4_600), 38_402),
            &appraisal(pounds(1_000), pounds(33_194)),
        )
        .unwrap();
        assert_eq!(
            spans(&waterfall),
            vec![
                (StepFigure::Before, pounds(0), pounds(43_002)),
                (StepFigure::Intervention, pounds(43_002), pounds(36_794)),
                (StepFigure::After, pounds(36_794), pounds(32_194)),
                (StepFigure::Counterfactual, pounds(32_194), pounds(33_194)),
                (StepFigure::NetBenefit, pounds(0), pounds(33_194)),
            ]
        );
    }

    #[test]
    fn a_summary_study_starts_from_its_gross_saving() {
        let waterfall = study_steps(
            &totals(None, 1_800, None, 64_345),
            &appraisal(Decimal::ZERO, Decimal::ZERO),
        )
        .unwrap();
        assert_eq!(
            spans(&waterfall),
            vec![
                (StepFigure::GrossSaving, pounds(0), pounds(64_345)),
                (StepFigure::Intervention, pounds(64_345), pounds(62_545)),
                (StepFigure::NetSaving, pounds(0), pounds(62_545)),
            ]
        );
    }

    /// A change that would carry the running total past Decimal's range is an error, not a
    /// panic.
    #[test]
    fn a_running_total_past_decimals_range_is_an_error() {
        let mut steps = Steps::default();
        steps.total(StepFigure::Before, Decimal::MAX);
        assert!(
            steps
                .change(StepFigure::Counterfactual, Decimal::MAX)
                .is_err()
        );
        assert!(steps.change(StepFigure::Intervention, Decimal::MIN).is_ok());
    }
}

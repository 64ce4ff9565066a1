//! Charts of the studies' figures: who benefits, how the costs before become the net saving, and
//! the return on investment. Each holds figures read from the ledger and the analysis; nothing
//! here computes money.

use super::agencies::{agency_benefit, agency_names};
use crate::analysis::waterfall::{self, StepFigure, Waterfall};
use crate::context::StudyContext;
use crate::costed::Costed;
use crate::diagnostic::InputErrors;
use crate::ledger::FamilyLedger;
use crate::report::view::{BarSeries, ChartKind, ChartMeasure, ChartView, WaterfallStep};
use rust_decimal::Decimal;

/// Benefit by agency: one group of bars per agency, one bar per study.
pub fn agency_benefits(studies: &[Costed]) -> ChartView {
    let names = agency_names(studies);
    let series = studies
        .iter()
        .map(|costed| BarSeries {
            name: costed.context.name.clone(),
            values: names
                .iter()
                .map(|name| Some(agency_benefit(costed, name)))
                .collect(),
        })
        .collect();
    ChartView {
        key: "agency-benefits".to_string(),
        title: "Benefit by agency".to_string(),
        kind: ChartKind::Bars {
            categories: names.iter().map(|name| name.to_string()).collect(),
            series,
            measure: ChartMeasure::Money,
            reference: None,
        },
        notes: vec![
            "Benefit is an agency's costs before less its costs after. A bar below the line is a cost that rose."
                .to_string(),
        ],
    }
}

/// A study's totals as a waterfall, as the waterfall stage worked them out (see
/// [`crate::analysis::waterfall::study`]).
pub fn study_waterfall(costed: &Costed) -> ChartView {
    let ledger = &costed.ledger;
    let context = &costed.context;
    let with_counterfactual = !costed.appraisal.counterfactual_total.is_zero();
    let mut notes = match ledger.family_count {
        0 | 1 => Vec::new(),
        count => vec![format!("All {count} families of the study together.")],
    };
    if with_counterfactual {
        notes.push(
            "The counterfactual, the cost of the services the families would have used anyway, is added back, as the return on investment allows for it: the net benefit is the bottom line the return agrees with."
                .to_string(),
        );
    }
    ChartView {
        key: format!("waterfall-{}", context.name),
        title: if with_counterfactual {
            format!("{}: from costs before to net benefit", context.name)
        } else {
            format!("{}: from costs before to net saving", context.name)
        },
        kind: ChartKind::Waterfall {
            steps: labelled(context, &costed.waterfall),
        },
        notes,
    }
}

/// One family's statement as a waterfall; an error only if a running total passes Decimal's
/// range. Its figures are worked out here, by the analysis, for the families charted only (see
/// [`waterfall::family`]).
pub fn family_waterfall(
    context: &StudyContext,
    family: &FamilyLedger,
) -> Result<ChartView, InputErrors> {
    Ok(ChartView {
        key: format!("waterfall-{}", family.family_id),
        title: format!(
            "{}: family {}, from costs before to net saving",
            context.name, family.family_id
        ),
        kind: ChartKind::Waterfall {
            steps: labelled(context, &waterfall::family(context, family)?),
        },
        // A family's statement is the contract's net saving; the counterfactual is allowed for
        // in the study's net benefit and return, which the note points to.
        notes: if context.counterfactual_cost_per_family.is_zero() {
            Vec::new()
        } else {
            vec![
                "Before the counterfactual (services the family would have used anyway), which the study's net benefit and return on investment allow for."
                    .to_string(),
            ]
        },
    })
}

/// A waterfall's steps, each with its label.
fn labelled(context: &StudyContext, waterfall: &Waterfall) -> Vec<WaterfallStep> {
    let window = match context.window_months {
        Some(1) => " (1 month)".to_string(),
        Some(months) => format!(" ({months} months)"),
        None => String::new(),
    };
    waterfall
        .steps
        .iter()
        .map(|step| WaterfallStep {
            label: match step.figure {
                StepFigure::Before => format!("Costs before{window}"),
                StepFigure::GrossSaving => "Gross saving (before less after)".to_string(),
                StepFigure::Intervention => "Intervention cost".to_string(),
                StepFigure::After => format!("Costs after{window}"),
                StepFigure::NetSaving => "Net saving".to_string(),
                // Short enough to wrap to three lines under a bar of five.
                StepFigure::Counterfactual => {
                    "Services they would have used anyway (counterfactual)".to_string()
                }
                StepFigure::NetBenefit => "Net benefit".to_string(),
            },
            kind: step.kind,
            value: step.value,
            start: step.start,
            end: step.end,
        })
        .collect()
}

/// The return on investment of each study, against break-even at £1 back for each £1.
pub fn roi(studies: &[Costed]) -> ChartView {
    let mut notes = Vec::new();
    let values = studies
        .iter()
        .map(|costed| {
            let ratio = costed.appraisal.roi.ratio();
            if ratio.is_none() {
                let why = costed
                    .appraisal
                    .roi
                    .explanation()
                    .unwrap_or_else(|| "undefined".to_string());
                notes.push(format!(
                    "{}: no bar, as the return is {why}.",
                    costed.context.name
                ));
            }
            ratio
        })
        .collect();
    notes.push(
        "The return is the benefit per family for each £1 of net cost; above the line, the programme returns more than it costs."
            .to_string(),
    );
    ChartView {
        key: "roi".to_string(),
        title: "Return on investment by study".to_string(),
        kind: ChartKind::Bars {
            categories: studies
                .iter()
                .map(|costed| costed.context.name.clone())
                .collect(),
            series: vec![BarSeries {
                name: "Return for each £1 of net cost".to_string(),
                values,
            }],
            measure: ChartMeasure::Ratio,
            reference: Some((
                Decimal::ONE,
                "break-even: £1.00 back for each £1.00".to_string(),
            )),
        },
        notes,
    }
}

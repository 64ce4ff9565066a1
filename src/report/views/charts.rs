//! Charts of the studies' figures: who benefits, how the costs before become the net saving, and
//! the return on investment. Each holds figures read from the ledger and the appraisal; nothing
//! here computes money.

use super::agencies::{agency_benefit, agency_names};
use crate::context::StudyContext;
use crate::costed::Costed;
use crate::ledger::FamilyLedger;
use crate::report::view::{BarSeries, ChartKind, ChartMeasure, ChartView, StepKind, WaterfallStep};
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

/// A study's totals as a waterfall: costs before, less the intervention, less the costs after,
/// leaves the net saving. A summary study, which publishes no costs before and after, starts from
/// its gross saving. With a counterfactual, the services the families would have used anyway are
/// a step of their own, and the waterfall ends on the net benefit, the figure the return on
/// investment agrees with, rather than on a net saving that disagrees with it.
pub fn study_waterfall(costed: &Costed) -> ChartView {
    let ledger = &costed.ledger;
    let context = &costed.context;
    let appraisal = &costed.appraisal;
    let totals = &ledger.totals;
    let with_counterfactual = !appraisal.counterfactual_total.is_zero();
    let mut steps = match (totals.before, totals.after) {
        (Some(before), Some(after)) => waterfall_steps(
            context,
            before,
            totals.intervention,
            after,
            totals.net_saving,
        ),
        _ => vec![
            WaterfallStep {
                label: "Gross saving (before less after)".to_string(),
                kind: StepKind::Total,
                value: totals.benefit,
            },
            WaterfallStep {
                label: "Intervention cost".to_string(),
                kind: StepKind::Change,
                value: -totals.intervention,
            },
            WaterfallStep {
                label: "Net saving".to_string(),
                kind: StepKind::Total,
                value: totals.net_saving,
            },
        ],
    };
    let mut notes = match ledger.family_count {
        0 | 1 => Vec::new(),
        count => vec![format!("All {count} families of the study together.")],
    };
    if with_counterfactual {
        // One bottom line: the net saving's bar would be a second, disagreeing with the return.
        steps.pop();
        steps.extend([
            WaterfallStep {
                // Short enough to wrap to three lines under a bar of five.
                label: "Services they would have used anyway (counterfactual)".to_string(),
                kind: StepKind::Change,
                value: appraisal.counterfactual_total,
            },
            WaterfallStep {
                label: "Net benefit".to_string(),
                kind: StepKind::Total,
                value: appraisal.net_benefit,
            },
        ]);
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
        kind: ChartKind::Waterfall { steps },
        notes,
    }
}

/// One family's statement as a waterfall.
pub fn family_waterfall(context: &StudyContext, family: &FamilyLedger) -> ChartView {
    ChartView {
        key: format!("waterfall-{}", family.family_id),
        title: format!(
            "{}: family {}, from costs before to net saving",
            context.name, family.family_id
        ),
        kind: ChartKind::Waterfall {
            steps: waterfall_steps(
                context,
                family.before,
                family.intervention,
                family.after,
                family.net_saving(),
            ),
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
    }
}

fn waterfall_steps(
    context: &StudyContext,
    before: Decimal,
    intervention: Decimal,
    after: Decimal,
    net_saving: Decimal,
) -> Vec<WaterfallStep> {
    let window = match context.window_months {
        Some(1) => " (1 month)".to_string(),
        Some(months) => format!(" ({months} months)"),
        None => String::new(),
    };
    vec![
        WaterfallStep {
            label: format!("Costs before{window}"),
            kind: StepKind::Total,
            value: before,
        },
        WaterfallStep {
            label: "Intervention cost".to_string(),
            kind: StepKind::Change,
            value: -intervention,
        },
        WaterfallStep {
            label: format!("Costs after{window}"),
            kind: StepKind::Change,
            value: -after,
        },
        WaterfallStep {
            label: "Net saving".to_string(),
            kind: StepKind::Total,
            value: net_saving,
        },
    ]
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

//! `tfcalc report`: everything about the studies in one document.

use super::{cost_studies_checked, emit};
use crate::cli::StudyArgs;
use crate::commands::RunConfig;
use crate::costed::Costed;
use crate::report::json::JsonOptions;
use crate::report::{Document, views};
use crate::usage::Itemise;
use std::process::ExitCode;

/// Itemised statements are shown for studies up to this many families; beyond it, a statement per
/// family is not a report anyone reads, and `tfcalc family` prints them all.
const STATEMENTS_SHOWN: usize = 20;

pub fn run(args: &StudyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    super::check_output(config)?;
    let before_reading = |studies: &[crate::study::Study]| {
        super::limits::refuse_sheet_before_reading(studies, config, super::limits::FAMILIES_SHEET)
    };
    let studies = cost_studies_checked(
        args,
        config,
        Itemise::UpTo(STATEMENTS_SHOWN),
        &before_reading,
    )?;
    let document = report_document(&studies);
    let json_options = JsonOptions {
        lines: Itemise::UpTo(STATEMENTS_SHOWN),
    };
    emit(&studies, &document, json_options, config)?;
    drop(document);
    super::keep_until_exit(studies);
    Ok(ExitCode::SUCCESS)
}

/// The full report: statements, per-family savings, agencies, ROI, totals, assumptions,
/// reconciliation, inputs and sources.
pub fn report_document(studies: &[Costed]) -> Document<'_> {
    let names: Vec<&str> = studies
        .iter()
        .map(|costed| costed.context.name.as_str())
        .collect();
    let mut document = Document {
        title: format!("Cost-benefit report: {}", names.join("; ")),
        charts: Vec::new(),
        tables: Vec::new(),
    };
    document
        .charts
        .push(views::charts::agency_benefits(studies));
    document
        .charts
        .extend(studies.iter().map(views::charts::study_waterfall));
    document.charts.push(views::charts::roi(studies));
    for costed in studies {
        let ledger = &costed.ledger;
        let context = &costed.context;
        if ledger.families.len() <= STATEMENTS_SHOWN {
            document.tables.extend(
                ledger
                    .families
                    .iter()
                    .map(|family| views::statement(context, family)),
            );
        }
        if !ledger.is_summary {
            let mut summary = views::family_summary(ledger, context);
            if ledger.families.len() > STATEMENTS_SHOWN {
                summary.note(format!(
                    "Itemised statements are left out of the report for studies of more than {STATEMENTS_SHOWN} families; `tfcalc family` prints them."
                ));
            }
            document.tables.push(summary);
        }
    }
    document.tables.push(views::totals(studies));
    document.tables.push(views::agencies(studies, true));
    document.tables.push(views::roi(studies));
    document.tables.push(views::assumptions(studies));
    document.tables.push(views::reconciliation(studies));
    if studies
        .iter()
        .any(|costed| !costed.context.inputs.is_empty())
    {
        document.tables.push(views::inputs(studies));
    }
    if studies
        .iter()
        .any(|costed| !costed.ledger.families.is_empty())
    {
        document.tables.push(views::sources(studies));
    }
    document
}

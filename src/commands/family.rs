//! `tfcalc family`: the Hertfordshire-style statement of each family, or one row per family.

use super::{cost_studies, emit};
use crate::cli::FamilyArgs;
use crate::commands::RunConfig;
use crate::report::json::JsonOptions;
use crate::report::{Document, views};
use crate::usage::Itemise;
use std::process::ExitCode;

/// Families with a waterfall chart each; a study with more gets one chart for the whole study.
const FAMILY_CHARTS: usize = 20;

pub fn run(args: &FamilyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    super::check_output(config)?;
    let itemise = if args.summary {
        Itemise::Never
    } else {
        Itemise::Always
    };
    let studies = cost_studies(&args.study, config, itemise)?;
    let mut document = Document {
        title: "Family statements".to_string(),
        charts: Vec::new(),
        tables: Vec::new(),
    };
    for costed in &studies {
        let ledger = &costed.ledger;
        let context = &costed.context;
        if ledger.is_summary {
            anyhow::bail!(
                "{} is a summary study: it has no family records to itemise; try `tfcalc roi` or `tfcalc agency`",
                context.name
            );
        }
        // A chart for each family while there are few enough to look at; beyond that, one for
        // the study.
        if args.summary || ledger.families.len() > FAMILY_CHARTS {
            document.charts.push(views::charts::study_waterfall(costed));
        } else {
            for family in &ledger.families {
                document
                    .charts
                    .push(views::charts::family_waterfall(context, family)?);
            }
        }
        if args.summary {
            document.tables.push(views::family_summary(ledger, context));
        } else {
            document.tables.extend(
                ledger
                    .families
                    .iter()
                    .map(|family| views::statement(context, family)),
            );
        }
    }
    let json_options = JsonOptions { lines: itemise };
    emit(&studies, &document, json_options, config)?;
    drop(document);
    super::keep_until_exit(studies);
    Ok(ExitCode::SUCCESS)
}

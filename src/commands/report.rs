//! `tfcalc report`: everything about the studies in one document.

use super::{cost_studies, precision};
use crate::cli::{Format, GlobalArgs, StudyArgs};
use crate::report::json::{self, JsonOptions};
use crate::report::{Document, terminal, views};
use std::process::ExitCode;

/// Itemised statements are shown for studies up to this many families; beyond it, a statement per
/// family is not a report anyone reads, and `tfcalc family` prints them all.
const STATEMENTS_SHOWN: usize = 20;

pub fn run(args: &StudyArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let studies = cost_studies(args, global)?;
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Json => {
            let figures: Vec<_> = studies.iter().map(super::Costed::figures).collect();
            json::render(&figures, JsonOptions { lines: false })
        }
        Format::Table => {
            let ledgers: Vec<_> = studies.iter().map(|costed| costed.ledger.clone()).collect();
            let mut document = Document {
                title: "tfcalc report".to_string(),
                tables: Vec::new(),
            };
            for ledger in &ledgers {
                if ledger.families.len() <= STATEMENTS_SHOWN {
                    document.tables.extend(
                        ledger
                            .families
                            .iter()
                            .map(|family| views::statement(ledger, family)),
                    );
                }
                if !ledger.is_summary {
                    let mut summary = views::family_summary(ledger);
                    if ledger.families.len() > STATEMENTS_SHOWN {
                        summary.notes.push(format!(
                            "Itemised statements are left out of the report for studies of more than {STATEMENTS_SHOWN} families; `tfcalc family` prints them."
                        ));
                    }
                    document.tables.push(summary);
                }
            }
            document.tables.push(views::totals(&ledgers));
            let checks: Vec<_> = studies
                .iter()
                .flat_map(|costed| costed.checks.clone())
                .collect();
            document.tables.push(views::reconciliation(&checks));
            document.tables.push(views::inputs(&ledgers));
            document.tables.push(views::sources(&ledgers));
            terminal::render(&document, precision(global))
        }
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

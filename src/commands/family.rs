//! `tfcalc family`: the Hertfordshire-style statement of each family, or one row per family.

use super::{cost_studies, precision};
use crate::cli::{FamilyArgs, Format, GlobalArgs};
use crate::report::json::{self, JsonOptions};
use crate::report::{Document, terminal, views};
use std::process::ExitCode;

pub fn run(args: &FamilyArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let studies = cost_studies(&args.study, global)?;
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Json => {
            let figures: Vec<_> = studies.iter().map(super::Costed::figures).collect();
            json::render(
                &figures,
                JsonOptions {
                    lines: !args.summary,
                },
            )
        }
        Format::Table => {
            let mut document = Document {
                title: "Family statements".to_string(),
                tables: Vec::new(),
            };
            for costed in &studies {
                let ledger = &costed.ledger;
                if args.summary {
                    document.tables.push(views::family_summary(ledger));
                } else {
                    document.tables.extend(
                        ledger
                            .families
                            .iter()
                            .map(|family| views::statement(ledger, family)),
                    );
                }
            }
            terminal::render(&document, precision(global))
        }
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

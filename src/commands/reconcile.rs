//! `tfcalc reconcile`: computed figures against published ones, and the internal consistency
//! checks. Exits 1 under `--strict` when any figure disagrees.

use super::{cost_studies_with_tolerance, emit};
use crate::cli::ReconcileArgs;
use crate::commands::RunConfig;
use crate::money::parse_money;
use crate::report::json::JsonOptions;
use crate::report::{Document, views};
use crate::usage::Itemise;
use std::process::ExitCode;

pub fn run(args: &ReconcileArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    let tolerance = parse_money(&args.tolerance)
        .ok()
        .filter(|tolerance| !tolerance.is_sign_negative())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--tolerance {:?} is not an amount of money; write it in pounds, e.g. --tolerance 0.50",
                args.tolerance
            )
        })?;
    super::check_output(config)?;
    let studies = cost_studies_with_tolerance(&args.study, config, Itemise::Never, tolerance)?;
    let document = Document {
        title: "Reconciliation".to_string(),
        charts: Vec::new(),
        tables: vec![views::reconciliation(&studies)],
    };
    emit(&studies, &document, JsonOptions::default(), config)?;
    let disagreements = studies
        .iter()
        .flat_map(|costed| &costed.checks)
        .filter(|check| !check.agrees)
        .count();
    if args.strict && disagreements > 0 {
        if !config.quiet {
            eprintln!(
                "reconcile --strict: {disagreements} figure{} differ{} by more than the tolerance",
                if disagreements == 1 { "" } else { "s" },
                if disagreements == 1 { "s" } else { "" }
            );
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

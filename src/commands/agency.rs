//! `tfcalc agency`: benefits by agency, one column per study (Leicestershire Table 3), and with
//! `--net` who pays for delivery against who benefits.

use super::{cost_studies, emit};
use crate::cli::AgencyArgs;
use crate::commands::RunConfig;
use crate::report::json::JsonOptions;
use crate::report::{Document, views};
use crate::usage::Itemise;
use std::process::ExitCode;

pub fn run(args: &AgencyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    super::check_output(config)?;
    let studies = cost_studies(&args.study, config, Itemise::Never)?;
    let document = Document {
        title: "Benefits by agency".to_string(),
        charts: vec![views::charts::agency_benefits(&studies)],
        tables: vec![views::agencies(&studies, args.net)],
    };
    emit(&studies, &document, JsonOptions::default(), config)?;
    drop(document);
    super::keep_until_exit(studies);
    Ok(ExitCode::SUCCESS)
}

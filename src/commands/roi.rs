//! `tfcalc roi`: return on investment, one column per study (Leicestershire Table 2).

use super::{cost_studies, emit};
use crate::cli::StudyArgs;
use crate::commands::RunConfig;
use crate::report::json::JsonOptions;
use crate::report::{Document, views};
use crate::usage::Itemise;
use std::process::ExitCode;

pub fn run(args: &StudyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    super::check_output(config)?;
    let studies = cost_studies(args, config, Itemise::Never)?;
    let document = Document {
        title: "Return on investment".to_string(),
        charts: vec![views::charts::roi(&studies)],
        tables: vec![views::roi(&studies)],
    };
    emit(&studies, &document, JsonOptions::default(), config)?;
    drop(document);
    super::keep_until_exit(studies);
    Ok(ExitCode::SUCCESS)
}

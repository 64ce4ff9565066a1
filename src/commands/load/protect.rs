//! Keeping output off the input files: the files a run reads and writes, and the refusal of an
//! `--output` or `--rejects` that would replace one of them.

use crate::commands::RunConfig;
use crate::commands::config::DEFAULT_REJECTS_FILE;
use crate::costs::builtin;
use crate::input_path::InputPath;
use crate::output::InputFiles;
use crate::study::{Study, StudyData};

/// The files a run writes besides its output, which the output must not replace: the rejects
/// file, with `--skip-bad-rows`.
pub fn written_files(config: &RunConfig) -> InputFiles {
    let mut files = InputFiles::new();
    if let Some(rejects) = config.skip_bad_rows_to() {
        files.add_written("the rejects file", rejects);
    }
    files
}

/// `--rejects` and `--output` naming one file would have the report replace the bad rows (or
/// the other way round): refused before any work.
pub(super) fn refuse_rejects_as_output(config: &RunConfig) -> anyhow::Result<()> {
    let Some(rejects) = &config.rejects else {
        return Ok(());
    };
    if let Some(output) = &config.output
        && crate::output::same_destination(rejects, output)
    {
        anyhow::bail!(
            "--output {} is also the rejects file{}: the report would replace the bad rows set aside; give --output and --rejects different files",
            output.display(),
            if config.rejects_named {
                String::new()
            } else {
                format!(
                    " (--skip-bad-rows writes {DEFAULT_REJECTS_FILE} unless --rejects names another)"
                )
            }
        );
    }
    Ok(())
}

/// Adds the files `study` is read from: its study file, unit-cost tables, service-use files,
/// intervention file, funding file, deflator series and agency file. A built-in table or series,
/// named by its name, is no file.
pub fn study_input_files(study: &Study, files: &mut InputFiles) {
    if let Some(path) = &study.path {
        files.add("the study file", path);
    }
    let is_file = |input: &&InputPath| !builtin::is_name(&input.path.to_string_lossy());
    for table in study.unit_cost_tables.iter().filter(is_file) {
        files.add("the unit-cost table", &table.path);
    }
    if let Some(deflator) = study.deflator.as_ref().filter(is_file) {
        files.add("the deflator series", &deflator.path);
    }
    if let Some(agencies) = &study.agency_file {
        files.add("the agency file", &agencies.path);
    }
    if let StudyData::Records { before, after, .. } = &study.data {
        for input in before.iter().chain(after) {
            files.add("the service-use file", &input.path);
        }
    }
    if let Some(file) = &study.intervention.per_family_file {
        files.add("the intervention file", &file.path);
    }
    if let Some(file) = &study.funding_file {
        files.add("the funding file", &file.path);
    }
}

/// Refuses an `--output` or `--rejects` that is one of the files the studies (or `--costs`) are
/// read from, and returns those files.
pub fn refuse_to_overwrite_inputs(
    studies: &[Study],
    config: &RunConfig,
) -> anyhow::Result<InputFiles> {
    let mut inputs = InputFiles::new();
    for study in studies {
        study_input_files(study, &mut inputs);
    }
    for table in &config.args.costs {
        if !builtin::is_name(&table.to_string_lossy()) {
            inputs.add("the unit-cost table", table);
        }
    }
    if let Some(deflator) = config
        .args
        .deflator
        .as_ref()
        .filter(|deflator| !builtin::is_name(&deflator.to_string_lossy()))
    {
        inputs.add("the deflator series", deflator);
    }
    if let Some(output) = &config.output {
        inputs.refuse(output, "--output")?;
    }
    if let Some(rejects) = &config.rejects {
        inputs.refuse(rejects, "--rejects")?;
    }
    *STUDY_INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = inputs.clone();
    Ok(inputs)
}

/// The files the last studies costed were read from: the output, written later from the ledger
/// (which does not keep the intervention file), is refused over any of them too.
static STUDY_INPUTS: std::sync::Mutex<InputFiles> = std::sync::Mutex::new(InputFiles::new());

/// See [`STUDY_INPUTS`].
pub fn study_inputs() -> InputFiles {
    STUDY_INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

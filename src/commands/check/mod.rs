//! `tfcalc check`: read every input of the studies, and find every problem, each with its file,
//! line and column, what is wrong and how to fix it. Exits 2 if anything is wrong, 0 if all is
//! clean; warnings are listed but do not fail the check, and notes (usually right, worth knowing)
//! are listed and counted apart from the warnings. With `--quiet`, warnings and notes are only
//! counted. What was found is one `CheckReport` (module `report`), drawn in each format by the
//! module `render`.

mod render;
mod report;

use super::{read_inputs, read_studies};
use crate::cli::StudyArgs;
use crate::commands::RunConfig;
use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, Location, display_path};
use crate::ledger::{self, StudyInputs};
use crate::study::StudyData;
use crate::usage::{FileAccount, Itemise, Window};
use anyhow::Context;
use report::CheckReport;
use std::process::ExitCode;

/// Families named in a warning before "and N more".
const EXAMPLES_SHOWN: usize = 5;

pub fn run(args: &StudyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    crate::output::set_quiet(config.quiet);
    let mut options = config.read.clone();
    options.report_every_row = true;
    options.skip_bad_rows = false;
    let mut diagnostics = Diagnostics::new();
    let studies = read_studies(args, &options, &mut diagnostics);
    let study_count = studies.len();
    // The files checked are never the file the problems are written to.
    let mut inputs = crate::output::InputFiles::new();
    for study in &studies {
        super::load::study_input_files(study, &mut inputs);
    }
    for table in &config.args.costs {
        inputs.add("the unit-cost table", table);
    }
    if let Some(output) = &config.output {
        inputs.refuse(output, "--output")?;
    }
    warn_of_stale_temporaries(&studies, config, &mut diagnostics);
    let mut accounts: Vec<FileAccount> = Vec::new();
    for study in studies {
        // Each study is read with problems of its own: `read_inputs` stops at errors already
        // found, and another study's (or a file that is not a study at all) must not stop this
        // one being checked, since check lists every problem.
        let mut found = Diagnostics::new();
        check_study(study, config, &options, &mut accounts, &mut found);
        diagnostics.extend(found);
    }

    let report = CheckReport::new(&diagnostics, config.quiet, study_count, &accounts);
    let text = render::render(
        &report,
        config.format()?,
        config.precision,
        config.text_width(),
    )?;
    emit(&text, config, &inputs)?;
    Ok(if report.failed() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the drawn report to `--output`, or standard output. A folder (`--output out/`) holds
/// the problems as one CSV file, as other commands' tables.
fn emit(text: &str, config: &RunConfig, inputs: &crate::output::InputFiles) -> anyhow::Result<()> {
    let in_folder = match config.output.as_deref() {
        Some(folder) if super::is_folder(folder) => {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the folder {}", folder.display()))?;
            Some(folder.join("problems.csv"))
        }
        _ => None,
    };
    let output = in_folder.as_deref().or(config.output.as_deref());
    crate::output::emit(text.as_bytes(), output, "--output", inputs)?;
    if let Some(path) = &in_folder
        && !config.quiet
    {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Reads and costs one study, for its problems and its files' row counts.
fn check_study(
    study: crate::study::Study,
    config: &RunConfig,
    options: &crate::input_path::ReadOptions,
    accounts: &mut Vec<FileAccount>,
    diagnostics: &mut Diagnostics,
) {
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    let Some((inputs, _)) = read_inputs(study, config, options, Itemise::Never, diagnostics) else {
        return;
    };
    warn_about_windows(&inputs, options.pseudonymise.is_some(), diagnostics);
    warn_about_published_agencies(&inputs, location, diagnostics);
    // No published figure is compared here, so the tolerance is the default's.
    match ledger::build(
        inputs,
        crate::analysis::check::default_tolerance(),
        config.precision,
    ) {
        Ok(built) => {
            built
                .warnings
                .into_iter()
                .for_each(|problem| diagnostics.push(problem));
            accounts.extend(built.context.inputs)
        }
        Err(errors) => errors
            .problems
            .into_iter()
            .for_each(|problem| diagnostics.push(problem)),
    }
}

/// Names the temporaries that tfcalc runs killed mid-write (SIGKILL, a power cut) left beside the
/// study's files and the output: they are hidden files, and the next run writing into the folder
/// removes them, but a folder of inputs is worth knowing clean.
fn warn_of_stale_temporaries(
    studies: &[crate::study::Study],
    config: &RunConfig,
    diagnostics: &mut Diagnostics,
) {
    let mut files = Vec::new();
    for study in studies {
        files.extend(study.path.clone());
        files.extend(
            study
                .unit_cost_tables
                .iter()
                .map(|table| table.path.clone()),
        );
        if let StudyData::Records { before, after, .. } = &study.data {
            files.extend(before.iter().chain(after).map(|input| input.path.clone()));
        }
        if let Some(file) = &study.intervention.per_family_file {
            files.push(file.path.clone());
        }
        if let Some(file) = &study.funding_file {
            files.push(file.path.clone());
        }
    }
    files.extend(config.args.costs.iter().cloned());
    files.extend(config.output.clone());
    let mut folders: Vec<std::path::PathBuf> = Vec::new();
    for file in &files {
        let folder = match file.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => std::path::Path::new("."),
        };
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in &folders {
        for stale in crate::output::stale_temporaries(folder) {
            diagnostics
                .warning(
                    Some(Location::file(display_path(&stale.path))),
                    format!(
                        "a temporary file left by an interrupted tfcalc run: {}",
                        stale.why
                    ),
                )
                .hint(
                    "delete it; the next tfcalc run that writes a file into this folder removes it",
                );
        }
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    crate::diagnostic::plural(count as u64, one, many)
}

/// Families in only one window are costed at £0 in the other, which is right for a family whose
/// services stopped, and wrong for one missing from an incomplete extract; a service used in only
/// one window may be a renamed id. Both are worth a look.
/// With `pseudonymised`, the families' ids were replaced as they were read, and the warning says
/// how to see them.
fn warn_about_windows(inputs: &StudyInputs, pseudonymised: bool, diagnostics: &mut Diagnostics) {
    let Some(records) = &inputs.records else {
        return;
    };
    let StudyData::Records { before, after, .. } = &inputs.study.data else {
        return;
    };
    // A window with no files has its own warning, which says all these would.
    if before.is_empty() || after.is_empty() {
        return;
    }
    let window_files = [files(before), files(after)];
    let usage = &records.usage;
    let only_in = |window: Window| -> Vec<&str> {
        usage
            .families
            .iter()
            .filter(|family| family.only_in(window))
            .map(|family| &*family.family_id)
            .collect()
    };
    for window in Window::BOTH {
        let (families, file, other) = (
            only_in(window),
            &window_files[window.index()],
            window.other(),
        );
        if families.is_empty() {
            continue;
        }
        let mut named = families
            .iter()
            .take(EXAMPLES_SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if families.len() > EXAMPLES_SHOWN {
            named.push_str(&format!(" and {} more", families.len() - EXAMPLES_SHOWN));
        }
        diagnostics
            .warning(
                Some(Location::file(file.clone())),
                format!(
                    "{} {} {window} rows but none {other} ({named}): they are costed at £0 {other}",
                    families.len(),
                    plural(families.len(), "family has", "families have")
                ),
            )
            .hint(format!(
                "check that the {other} file covers every family{}",
                if pseudonymised {
                    crate::pseudonym::TO_SEE_THE_IDS
                } else {
                    ""
                }
            ));
    }
    let book: &CostBook = &inputs.book;
    for window in Window::BOTH {
        let only = one_window(
            &usage.services_used[window.index()],
            &usage.services_used[window.other().index()],
        );
        let (file, other) = (&window_files[window.index()], window.other());
        if only.is_empty() {
            continue;
        }
        let ids: Vec<&str> = only
            .iter()
            .map(|&index| book.services()[index].definition.id.as_str())
            .collect();
        // A note, not a warning: services that stop after the intervention (or start with it)
        // are what an intervention is for, and every real case has them.
        diagnostics
            .note(
                Some(Location::file(file.clone())),
                format!(
                    "{} used only {window} the intervention, never {other}: {}",
                    plural(ids.len(), "a service is", "services are"),
                    ids.join(", ")
                ),
            )
            .hint(format!(
                "that is right if the families stopped or started using them; if an id was renamed between the {window} and {other} extracts, use one id in both"
            ));
    }
}

/// The services used in one window and not the other.
fn one_window(these: &[bool], those: &[bool]) -> Vec<usize> {
    these
        .iter()
        .zip(those)
        .enumerate()
        .filter(|(_, (this, that))| **this && !**that)
        .map(|(index, _)| index)
        .collect()
}

/// The files of a window, for a message's location.
fn files(inputs: &[crate::input_path::InputPath]) -> String {
    inputs
        .iter()
        .map(|input| input.shown())
        .collect::<Vec<_>>()
        .join(", ")
}

fn warn_about_published_agencies(
    inputs: &StudyInputs,
    location: Option<Location>,
    diagnostics: &mut Diagnostics,
) {
    let Some(_) = &inputs.records else { return };
    for (agency, published) in &inputs.study.published.agencies {
        // The council's agencies the study maps costs to (`[agencies]`) are known too.
        let mapped_to = inputs
            .study
            .agency_map
            .entries
            .iter()
            .flat_map(|entry| &entry.to)
            .any(|(known, _)| known == agency);
        if !mapped_to && !inputs.book.agencies().iter().any(|known| known == agency) {
            let hint = crate::suggest::did_you_mean(
                agency,
                inputs.book.agencies().iter().map(String::as_str),
            )
            .unwrap_or_else(|| {
                "published agencies are compared with the agencies of the unit costs".to_string()
            });
            diagnostics
                .warning(
                    Some(published.location.clone()),
                    format!("a benefit is published for \"{agency}\", but no unit cost of this study is borne by it"),
                )
                .hint(hint);
        }
    }
    let _ = location;
}

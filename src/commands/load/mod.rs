//! Reading, checking and costing the studies a command names: shared by every command. This
//! module runs the steps in order; each step is in its own module.

mod inputs;
mod protect;
mod rejects;
mod studies;
mod warnings;

pub use inputs::{load_deflator, read_inputs};
pub use protect::{refuse_to_overwrite_inputs, study_input_files, study_inputs, written_files};
pub use studies::read_studies;

use super::report_warnings;
use crate::analysis::check as reconciliation;
use crate::cli::{GlobalArgs, StudyArgs};
use crate::costed::Costed;
use crate::diagnostic::Diagnostics;
use crate::input_path::ReadOptions;
use crate::ledger;
use crate::pseudonym;
use crate::usage::{Itemise, RejectedRows};
use protect::refuse_rejects_as_output;

pub fn read_options(global: &GlobalArgs) -> ReadOptions {
    ReadOptions {
        encoding: global.encoding,
        skip_bad_rows: global.skip_bad_rows,
        report_every_row: false,
        threads: global.threads,
        quiet: global.quiet,
        max_input_bytes: global.max_input_size,
        detailed_only: crate::logging::detailed_reader_forced(),
        pseudonymise: global.pseudonymise.as_deref().map(pseudonym::Key::new),
    }
}

/// Reads, checks and costs every study named on the command line (or the quick run). `itemise`
/// says whether families keep their lines, for statements.
pub fn cost_studies(
    args: &StudyArgs,
    global: &GlobalArgs,
    itemise: Itemise,
) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with_tolerance(args, global, itemise, reconciliation::default_tolerance())
}

/// As [`cost_studies`], reconciling published money figures to within `tolerance`.
pub fn cost_studies_with_tolerance(
    args: &StudyArgs,
    global: &GlobalArgs,
    itemise: Itemise,
    tolerance: rust_decimal::Decimal,
) -> anyhow::Result<Vec<Costed>> {
    crate::output::set_quiet(global.quiet);
    refuse_rejects_as_output(global)?;
    let options = read_options(global);
    let mut diagnostics = Diagnostics::new();
    let studies = read_studies(args, &options, &mut diagnostics);
    report_warnings(&diagnostics, global);
    diagnostics.into_result()?;
    // Before a row is read: refusing after reading a national extract wastes the user's time.
    let files_read = refuse_to_overwrite_inputs(&studies, global)?;

    let mut costed = Vec::with_capacity(studies.len());
    let mut rejected = RejectedRows::default();
    for study in studies {
        let mut diagnostics = Diagnostics::new();
        let inputs = read_inputs(study, global, &options, itemise, &mut diagnostics);
        report_warnings(&diagnostics, global);
        diagnostics.into_result()?;
        let (inputs, set_aside) = inputs.expect("inputs are complete when there are no errors");
        rejected.append(set_aside)?;
        let started = std::time::Instant::now();
        let mut ledger = ledger::build(inputs)?;
        let mut agency_warnings = Diagnostics::new();
        std::mem::take(&mut ledger.agency_warnings)
            .into_iter()
            .for_each(|problem| agency_warnings.push(problem));
        report_warnings(&agency_warnings, global);
        log::debug!("ledger built in {:?}", started.elapsed());
        // The ids were replaced as they were read (in `read_inputs`).
        if options.pseudonymise.is_some() {
            pseudonym::mark_pseudonymised(&mut ledger);
        }
        costed.push(Costed::new(ledger, tolerance)?);
    }
    rejects::write_rejects_file(global, rejected, &files_read)?;
    Ok(costed)
}

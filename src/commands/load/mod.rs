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
use crate::cli::StudyArgs;
use crate::commands::RunConfig;
use crate::costed::Costed;
use crate::diagnostic::Diagnostics;

use crate::ledger;
use crate::pseudonym;
use crate::study::Study;
use crate::usage::{Itemise, RejectedRows};
use protect::refuse_rejects_as_output;

/// Reads, checks and costs every study named on the command line (or the quick run). `itemise`
/// says whether families keep their lines, for statements.
pub fn cost_studies(
    args: &StudyArgs,
    config: &RunConfig,
    itemise: Itemise,
) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with_tolerance(args, config, itemise, reconciliation::default_tolerance())
}

/// As [`cost_studies`], with `before_reading` run on the studies once their files are found and
/// before a row of them is read: to refuse an output that what the studies declare shows cannot
/// be written (see [`super::limits`]).
pub fn cost_studies_checked(
    args: &StudyArgs,
    config: &RunConfig,
    itemise: Itemise,
    before_reading: &dyn Fn(&[Study]) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with(
        args,
        config,
        itemise,
        reconciliation::default_tolerance(),
        before_reading,
    )
}

/// As [`cost_studies`], reconciling published money figures to within `tolerance`.
pub fn cost_studies_with_tolerance(
    args: &StudyArgs,
    config: &RunConfig,
    itemise: Itemise,
    tolerance: rust_decimal::Decimal,
) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with(args, config, itemise, tolerance, &|_| Ok(()))
}

fn cost_studies_with(
    args: &StudyArgs,
    config: &RunConfig,
    itemise: Itemise,
    tolerance: rust_decimal::Decimal,
    before_reading: &dyn Fn(&[Study]) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Costed>> {
    crate::output::set_quiet(config.quiet);
    refuse_rejects_as_output(config)?;
    let options = config.read.clone();
    let mut diagnostics = Diagnostics::new();
    let studies = read_studies(args, &options, &mut diagnostics);
    report_warnings(&diagnostics, config);
    diagnostics.into_result()?;
    // Before a row is read: refusing after reading a national extract wastes the user's time.
    let files_read = refuse_to_overwrite_inputs(&studies, config)?;
    before_reading(&studies)?;

    let mut costed = Vec::with_capacity(studies.len());
    let mut rejected = RejectedRows::default();
    for study in studies {
        let mut diagnostics = Diagnostics::new();
        let inputs = read_inputs(study, config, &options, itemise, &mut diagnostics);
        report_warnings(&diagnostics, config);
        diagnostics.into_result()?;
        let (inputs, set_aside) = inputs.expect("inputs are complete when there are no errors");
        rejected.append(set_aside)?;
        let started = std::time::Instant::now();
        let ledger::Built {
            mut ledger,
            context,
            warnings,
        } = ledger::build(inputs, tolerance, config.precision)?;
        let mut agency_warnings = Diagnostics::new();
        warnings
            .into_iter()
            .for_each(|problem| agency_warnings.push(problem));
        report_warnings(&agency_warnings, config);
        log::debug!("ledger built in {:?}", started.elapsed());
        // The ids were replaced as they were read (in `read_inputs`).
        if options.pseudonymise.is_some() {
            pseudonym::mark_pseudonymised(&mut ledger);
        }
        costed.push(Costed::new(ledger, context)?);
    }
    rejects::write_rejects_file(config, rejected, &files_read)?;
    Ok(costed)
}

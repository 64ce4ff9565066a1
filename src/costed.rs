//! A study's ledger and context with what the analysis stages found: everything a report draws on.

use crate::analysis::{self, check::Check, roi::Appraisal};
use crate::context::StudyContext;
use crate::ledger::StudyLedger;

pub struct Costed {
    pub ledger: StudyLedger,
    pub context: StudyContext,
    pub appraisal: Appraisal,
    /// Published figures against computed ones, then the internal consistency checks.
    pub checks: Vec<Check>,
}

impl Costed {
    /// Runs the analysis stages over a ledger and its context; an error if a stage's figures
    /// pass Decimal's range.
    pub fn new(
        ledger: StudyLedger,
        context: StudyContext,
    ) -> Result<Costed, crate::diagnostic::InputErrors> {
        let analysis::Findings { appraisal, checks } = analysis::run(&ledger, &context)?;
        Ok(Costed {
            ledger,
            context,
            appraisal: appraisal.expect("the analysis stages include the ROI stage"),
            checks,
        })
    }
}

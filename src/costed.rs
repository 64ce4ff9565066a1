//! A study's ledger and context with what the analysis stages found: everything a report draws on.

use crate::analysis::{self, check::Check, roi::Appraisal};
use crate::context::StudyContext;
use crate::ledger::StudyLedger;
use rust_decimal::Decimal;

pub struct Costed {
    pub ledger: StudyLedger,
    pub context: StudyContext,
    pub appraisal: Appraisal,
    /// Published figures against computed ones, then the internal consistency checks.
    pub checks: Vec<Check>,
}

impl Costed {
    /// Runs the analysis stages over a ledger, with money agreeing within `tolerance`; an error
    /// if a stage's figures pass Decimal's range.
    pub fn new(
        ledger: StudyLedger,
        tolerance: Decimal,
    ) -> Result<Costed, crate::diagnostic::InputErrors> {
        let context = StudyContext { tolerance };
        let analysis::Findings { appraisal, checks } = analysis::run(&ledger, &context)?;
        Ok(Costed {
            ledger,
            context,
            appraisal: appraisal.expect("the analysis stages include the ROI stage"),
            checks,
        })
    }
}

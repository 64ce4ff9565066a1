//! A study's ledger and context with what the analysis stages found: everything a report draws on.

use crate::analysis::{
    self, check::Check, consistency::RoundingGap, roi::Appraisal, waterfall::Waterfall,
};
use crate::context::StudyContext;
use crate::ledger::StudyLedger;

pub struct Costed {
    pub ledger: StudyLedger,
    pub context: StudyContext,
    pub appraisal: Appraisal,
    /// The study's totals as a waterfall, ready to draw.
    pub waterfall: Waterfall,
    /// Published figures against computed ones, then the internal consistency checks.
    pub checks: Vec<Check>,
    /// Tables whose lines, rounded as shown, add up to other than their rounded total.
    pub rounding_gaps: Vec<RoundingGap>,
}

impl Costed {
    /// Runs the analysis stages over a ledger and its context; an error if a stage's figures
    /// pass Decimal's range.
    pub fn new(
        ledger: StudyLedger,
        context: StudyContext,
    ) -> Result<Costed, crate::diagnostic::InputErrors> {
        let analysis::Findings {
            appraisal,
            waterfall,
            checks,
            rounding_gaps,
        } = analysis::run(&ledger, &context)?;
        Ok(Costed {
            ledger,
            context,
            appraisal: appraisal.expect("the analysis stages include the ROI stage"),
            waterfall: waterfall.expect("the analysis stages include the waterfall stage"),
            checks,
            rounding_gaps,
        })
    }
}

//! A study costed, appraised and reconciled: everything a report draws on.

use crate::appraisal::Appraisal;
use crate::ledger::StudyLedger;
use crate::reconcile::{self, Check};
use rust_decimal::Decimal;

pub struct Costed {
    pub ledger: StudyLedger,
    pub appraisal: Appraisal,
    /// Published figures against computed ones, then the internal consistency checks.
    pub checks: Vec<Check>,
}

impl Costed {
    /// Appraises and reconciles a ledger, with money agreeing within `tolerance`; an error if the
    /// appraisal's totals pass Decimal's range.
    pub fn new(
        ledger: StudyLedger,
        tolerance: Decimal,
    ) -> Result<Costed, crate::diagnostic::InputErrors> {
        let appraisal = Appraisal::of(&ledger)?;
        let mut checks = reconcile::reconcile(&ledger, &appraisal, tolerance);
        checks.extend(reconcile::consistency(&ledger));
        Ok(Costed {
            ledger,
            appraisal,
            checks,
        })
    }
}

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
    /// Appraises and reconciles a ledger, with money agreeing within `tolerance`.
    pub fn new(ledger: StudyLedger, tolerance: Decimal) -> Costed {
        let appraisal = Appraisal::of(&ledger);
        let mut checks = reconcile::reconcile(&ledger, &appraisal, tolerance);
        checks.extend(reconcile::consistency(&ledger));
        Costed {
            ledger,
            appraisal,
            checks,
        }
    }
}

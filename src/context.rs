//! The study's context: the inputs and options the ledger's facts are read beside.

use rust_decimal::Decimal;

/// What a study was costed and is appraised with, beside the ledger's facts.
#[derive(Debug, Clone)]
pub struct StudyContext {
    /// How close money figures must be to agree with published ones.
    pub tolerance: Decimal,
}

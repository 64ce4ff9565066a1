//! Analysis: an ordered list of pure stages over a ledger and its context, each returning the new
//! figures it finds or a located error.
//!
//! A stage reads only the ledger's facts, the study's context and what the stages before it found,
//! so it can be rerun (for sensitivity, for Monte Carlo) without reading any file again. To add a
//! stage, write its file (a `pub(crate) fn stage` of type [`Stage`]) and add one line to
//! [`STAGES`].

pub mod check;
pub mod consistency;
pub mod reconciliation;
pub mod roi;
pub mod waterfall;

use crate::context::StudyContext;
use crate::diagnostic::InputErrors;
use crate::ledger::StudyLedger;
use check::Check;
use consistency::RoundingGap;
use roi::Appraisal;
use waterfall::Waterfall;

/// One stage: the figures it adds, given the ledger, its context and the findings so far; or an
/// error naming where the input is at fault. Checked arithmetic throughout: never a panic.
pub(crate) type Stage = fn(&StudyLedger, &StudyContext, &Findings) -> Result<Findings, InputErrors>;

/// The stages, in the order they run: each sees what those above it found.
pub(crate) const STAGES: &[Stage] = &[
    roi::stage,
    waterfall::stage,
    reconciliation::stage,
    consistency::stage,
];

/// What the stages found: every figure derived from the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// The return on investment and the per-family figures (the ROI stage).
    pub appraisal: Option<Appraisal>,
    /// The study's totals as a waterfall, each step with where it starts and ends (the waterfall
    /// stage).
    pub waterfall: Option<Waterfall>,
    /// Published figures against computed ones, then the internal consistency checks.
    pub checks: Vec<Check>,
    /// Tables whose lines, rounded as the report shows them, add up to other than their rounded
    /// total (the consistency stage).
    pub rounding_gaps: Vec<RoundingGap>,
}

impl Findings {
    /// Adds a stage's figures to those found before.
    fn add(&mut self, found: Findings) {
        let Findings {
            appraisal,
            waterfall,
            checks,
            rounding_gaps,
        } = found;
        if appraisal.is_some() {
            self.appraisal = appraisal;
        }
        if waterfall.is_some() {
            self.waterfall = waterfall;
        }
        self.checks.extend(checks);
        self.rounding_gaps.extend(rounding_gaps);
    }

    /// The appraisal, for a stage listed after the ROI stage.
    pub(crate) fn appraisal(&self) -> &Appraisal {
        self.appraisal
            .as_ref()
            .expect("the ROI stage runs before any stage that reads the appraisal")
    }
}

/// Runs every stage in order over a ledger and its context.
pub(crate) fn run(ledger: &StudyLedger, context: &StudyContext) -> Result<Findings, InputErrors> {
    run_stages(STAGES, ledger, context)
}

fn run_stages(
    stages: &[Stage],
    ledger: &StudyLedger,
    context: &StudyContext,
) -> Result<Findings, InputErrors> {
    let mut findings = Findings::default();
    for stage in stages {
        let found = stage(ledger, context, &findings)?;
        findings.add(found);
    }
    Ok(findings)
}

//! The study's context: the inputs and options its ledger was costed with, beside the ledger's
//! facts. The ledger says what the families' services cost; the context says what they were costed
//! with (the cost book, the intervention, funding, published figures, files read) and the options
//! the analysis runs with, so that a stage can be rerun with other options over the same facts.

use crate::agency_map::AgencyMap;
use crate::costs::CostBook;
use crate::money::Precision;
use crate::study::{Funding, InterventionItem, Published, StudyData};
use crate::usage::FileAccount;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a study was costed and is appraised with, beside the ledger's facts.
#[derive(Debug, Clone)]
pub struct StudyContext {
    pub name: String,
    /// The study file, as shown in messages, or `None` for a quick run.
    pub study_file: Option<String>,
    pub window_months: Option<u64>,
    pub book: Arc<CostBook>,
    pub counterfactual_cost_per_family: Decimal,
    /// Intervention items every family costs.
    pub intervention_items: Vec<InterventionItem>,
    pub funding: Funding,
    /// Row accounting for each input file.
    pub inputs: Vec<FileAccount>,
    pub published: Published,
    /// A summary study's own `[benefit] per_family`, when it also gives `by_agency` totals.
    pub stated_benefit_per_family: Option<Decimal>,
    /// How the database's agencies map to the council's own (applied to the ledger's agencies).
    pub agency_map: AgencyMap,
    /// How close money figures must be to agree with published ones.
    pub tolerance: Decimal,
    /// The precision money is shown at, which decides where lines rounded for display stop adding
    /// up to their rounded total (the consistency stage's rounding gaps).
    pub display: Precision,
}

impl StudyContext {
    /// The context of a study read with `book` and its files' `inputs`, reconciled within
    /// `tolerance` and shown at `display` precision.
    pub fn new(
        study: &crate::study::Study,
        book: Arc<CostBook>,
        inputs: Vec<FileAccount>,
        tolerance: Decimal,
        display: Precision,
    ) -> StudyContext {
        let stated_benefit_per_family = match &study.data {
            StudyData::Summary { benefit, .. } if !benefit.by_agency.is_empty() => {
                benefit.per_family
            }
            _ => None,
        };
        StudyContext {
            name: study.name.clone(),
            study_file: study.path.as_deref().map(crate::diagnostic::display_path),
            window_months: study.window_months,
            book,
            counterfactual_cost_per_family: study.counterfactual_per_family,
            intervention_items: study.intervention.items.clone(),
            funding: study.funding.clone(),
            inputs,
            published: study.published.clone(),
            stated_benefit_per_family,
            agency_map: study.agency_map.clone(),
            tolerance,
            display,
        }
    }
}

//! The ledger: every exact figure of a study, per family, per agency and in total.
//!
//! This is the only place (with [`crate::appraisal`]) where money is computed. Views and renderers
//! read these figures and never add them up again. All arithmetic is checked: an overflow is an
//! input error naming the family or agency, never a panic.

use crate::costs::{AgencyId, CostBook, ServiceId};
use crate::diagnostic::{InputErrors, Location, Problem};
use crate::intervention_file::FamilyInterventions;
use crate::study::{Funding, InterventionItem, Published, Study, StudyData};
use crate::usage::{FileAccount, UsageFile};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A study read and checked, ready to be costed.
pub struct StudyInputs {
    pub study: Study,
    pub book: Arc<CostBook>,
    /// Present for a study with service-use records.
    pub records: Option<RecordInputs>,
}

pub struct RecordInputs {
    pub before: UsageFile,
    pub after: UsageFile,
    pub interventions: FamilyInterventions,
}

#[derive(Debug, Clone)]
pub struct StudyLedger {
    pub name: String,
    /// The study file, as shown in messages, or `None` for a quick run.
    pub study_file: Option<String>,
    pub window_months: Option<u64>,
    pub book: Arc<CostBook>,
    /// Per-family figures (empty for a summary study).
    pub families: Vec<FamilyLedger>,
    pub family_count: u64,
    pub agencies: Vec<AgencyLedger>,
    pub totals: Totals,
    pub counterfactual_cost_per_family: Decimal,
    /// Intervention items every family costs.
    pub intervention_items: Vec<InterventionItem>,
    pub funding: Funding,
    /// Row accounting for each input file.
    pub inputs: Vec<FileAccount>,
    pub published: Published,
    /// A summary study's own `[benefit] per_family`, when it also gives `by_agency` totals.
    pub stated_benefit_per_family: Option<Decimal>,
    pub is_summary: bool,
    /// Whether family ids were replaced by pseudonyms (and notes dropped).
    pub pseudonymised: bool,
}

/// Study totals. Before and after are unknown for a summary study, which gives only the benefit.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    pub intervention: Decimal,
    /// Before less after: the fiscal benefit, or gross saving.
    pub benefit: Decimal,
    /// Before less intervention less after.
    pub net_saving: Decimal,
    /// The delivery cost charged to agencies: all of it if the study says who funds it, else nothing.
    pub funding: Decimal,
    /// Benefit less funding: the sum of the agencies' net figures.
    pub benefit_less_funding: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FamilyLedger {
    pub family_id: String,
    pub before: Decimal,
    pub after: Decimal,
    pub intervention: Decimal,
    /// Before less after.
    pub gross_saving: Decimal,
    /// Before less intervention less after.
    pub net_saving: Decimal,
    pub before_lines: Vec<CostLine>,
    pub after_lines: Vec<CostLine>,
    pub intervention_lines: Vec<InterventionLine>,
}

/// One service a family used in a window: quantity × unit cost.
#[derive(Debug, Clone, PartialEq)]
pub struct CostLine {
    pub service: ServiceId,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    pub amount: Decimal,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterventionLine {
    pub item: InterventionItem,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyLedger {
    pub agency: String,
    /// Costs the agency bore before and after (unknown for a summary study).
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    pub benefit: Decimal,
    /// The agency's share of the delivery cost.
    pub funding: Decimal,
    /// Benefit less funding: positive if the agency comes out ahead.
    pub net: Decimal,
}

/// The agency row a summary study's benefit goes in when it is not split by agency.
pub const UNSPLIT_AGENCY: &str = "Not split by agency";

/// Costs a study.
pub fn build(inputs: StudyInputs) -> Result<StudyLedger, InputErrors> {
    let StudyInputs {
        study,
        book,
        records,
    } = inputs;
    let study_file = study.path.as_deref().map(crate::diagnostic::display_path);
    let context = Context {
        location: study_file.clone().map(Location::file),
    };
    let mut ledger = StudyLedger {
        name: study.name.clone(),
        study_file,
        window_months: study.window_months,
        book: Arc::clone(&book),
        families: Vec::new(),
        family_count: 0,
        agencies: Vec::new(),
        totals: Totals {
            before: None,
            after: None,
            intervention: Decimal::ZERO,
            benefit: Decimal::ZERO,
            net_saving: Decimal::ZERO,
            funding: Decimal::ZERO,
            benefit_less_funding: Decimal::ZERO,
        },
        counterfactual_cost_per_family: study.counterfactual_per_family,
        intervention_items: study.intervention.items.clone(),
        funding: study.funding.clone(),
        inputs: Vec::new(),
        published: study.published.clone(),
        stated_benefit_per_family: None,
        is_summary: false,
        pseudonymised: false,
    };
    let uniform_intervention = context.sum(
        study.intervention.items.iter().map(|item| item.per_family),
        "the intervention items",
    )?;

    let mut agency_rows: IndexMap<String, AgencyLedger> = IndexMap::new();
    match (&study.data, records) {
        (
            StudyData::Records {
                declared_families, ..
            },
            Some(records),
        ) => {
            cost_records(&mut ledger, &book, &study, records, &context)?;
            if let Some((declared, location)) = declared_families
                && *declared != ledger.family_count
            {
                return Err(Problem::error(
                    Some(location.clone()),
                    format!(
                        "the study says families = {declared}, but the service-use records name {} families",
                        ledger.family_count
                    ),
                )
                .with_hint(
                    "every family must appear in the records (give a family with no service use a row with quantity 0), \
                     or correct `families`",
                )
                .into());
            }
            for (agency, before, after) in agency_costs(&ledger, &book, &context)? {
                agency_rows.insert(
                    agency.clone(),
                    AgencyLedger {
                        agency,
                        before: Some(before),
                        after: Some(after),
                        benefit: context.subtract(before, after, "an agency's benefit")?,
                        funding: Decimal::ZERO,
                        net: Decimal::ZERO,
                    },
                );
            }
        }
        (StudyData::Summary { families, benefit }, _) => {
            ledger.is_summary = true;
            ledger.family_count = *families;
            let family_count = Decimal::from(*families);
            ledger.totals.intervention =
                context.multiply(uniform_intervention, family_count, "the delivery cost")?;
            if benefit.by_agency.is_empty() {
                let per_family = benefit.per_family.unwrap_or_default();
                let total = context.multiply(per_family, family_count, "the benefit")?;
                agency_rows.insert(
                    UNSPLIT_AGENCY.to_string(),
                    summary_agency(UNSPLIT_AGENCY, total),
                );
                ledger.totals.benefit = total;
            } else {
                ledger.stated_benefit_per_family = benefit.per_family;
                for (agency, amount) in &benefit.by_agency {
                    agency_rows.insert(agency.clone(), summary_agency(agency, *amount));
                }
                ledger.totals.benefit = context.sum(
                    benefit.by_agency.values().copied(),
                    "the agencies' benefits",
                )?;
            }
        }
        (StudyData::Records { .. }, None) => {
            unreachable!("a records study is always loaded with its records")
        }
    }

    for (agency, funding) in split_funding(&ledger.funding, ledger.totals.intervention, &context)? {
        agency_rows
            .entry(agency.clone())
            .or_insert_with(|| AgencyLedger {
                agency,
                before: (!ledger.is_summary).then_some(Decimal::ZERO),
                after: (!ledger.is_summary).then_some(Decimal::ZERO),
                benefit: Decimal::ZERO,
                funding: Decimal::ZERO,
                net: Decimal::ZERO,
            })
            .funding = funding;
    }
    for agency in agency_rows.values_mut() {
        agency.net = context.subtract(agency.benefit, agency.funding, "an agency's net benefit")?;
    }
    ledger.totals.net_saving = context.subtract(
        ledger.totals.benefit,
        ledger.totals.intervention,
        "the study's net saving",
    )?;
    ledger.totals.funding = match ledger.funding {
        Funding::Unstated => Decimal::ZERO,
        _ => ledger.totals.intervention,
    };
    ledger.totals.benefit_less_funding = context.subtract(
        ledger.totals.benefit,
        ledger.totals.funding,
        "the study's benefit less funding",
    )?;
    ledger.agencies = agency_rows.into_values().collect();
    Ok(ledger)
}

fn summary_agency(agency: &str, benefit: Decimal) -> AgencyLedger {
    AgencyLedger {
        agency: agency.to_string(),
        before: None,
        after: None,
        benefit,
        funding: Decimal::ZERO,
        net: Decimal::ZERO,
    }
}

fn cost_records(
    ledger: &mut StudyLedger,
    book: &CostBook,
    study: &Study,
    records: RecordInputs,
    context: &Context,
) -> Result<(), InputErrors> {
    let RecordInputs {
        before,
        after,
        interventions,
    } = records;
    let mut family_ids: IndexMap<&str, ()> = IndexMap::new();
    for id in before
        .families
        .keys()
        .chain(after.families.keys())
        .chain(interventions.keys())
    {
        family_ids.insert(id.as_str(), ());
    }
    let mut totals = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for family_id in family_ids.keys() {
        let family_context = Context {
            location: context.location.clone(),
        };
        let what = |window: &str| format!("family {family_id}'s {window} costs");
        let before_lines = cost_lines(
            book,
            before.families.get(*family_id),
            &family_context,
            &what("before"),
        )?;
        let after_lines = cost_lines(
            book,
            after.families.get(*family_id),
            &family_context,
            &what("after"),
        )?;
        let mut intervention_lines: Vec<InterventionLine> = study
            .intervention
            .items
            .iter()
            .map(|item| InterventionLine { item: item.clone() })
            .collect();
        for (name, amount) in interventions.get(*family_id).into_iter().flatten() {
            intervention_lines.push(InterventionLine {
                item: InterventionItem {
                    name: name.clone(),
                    per_family: *amount,
                    derivation: None,
                },
            });
        }
        let family_before =
            family_context.sum(before_lines.iter().map(|line| line.amount), &what("before"))?;
        let family_after =
            family_context.sum(after_lines.iter().map(|line| line.amount), &what("after"))?;
        let family_intervention = family_context.sum(
            intervention_lines.iter().map(|line| line.item.per_family),
            &what("intervention"),
        )?;
        let gross_saving = family_context.subtract(family_before, family_after, &what("saving"))?;
        let family = FamilyLedger {
            family_id: family_id.to_string(),
            before: family_before,
            after: family_after,
            intervention: family_intervention,
            gross_saving,
            net_saving: family_context.subtract(
                gross_saving,
                family_intervention,
                &what("net saving"),
            )?,
            before_lines,
            after_lines,
            intervention_lines,
        };
        totals.0 = context.add(totals.0, family.before, "the study's before costs")?;
        totals.1 = context.add(totals.1, family.after, "the study's after costs")?;
        totals.2 = context.add(
            totals.2,
            family.intervention,
            "the study's intervention costs",
        )?;
        ledger.families.push(family);
    }
    ledger.family_count = ledger.families.len() as u64;
    ledger.totals = Totals {
        before: Some(totals.0),
        after: Some(totals.1),
        intervention: totals.2,
        benefit: context.subtract(totals.0, totals.1, "the study's benefit")?,
        net_saving: Decimal::ZERO,
        funding: Decimal::ZERO,
        benefit_less_funding: Decimal::ZERO,
    };
    ledger.inputs = before.accounts.into_iter().chain(after.accounts).collect();
    Ok(())
}

fn cost_lines(
    book: &CostBook,
    usage: Option<&IndexMap<ServiceId, crate::usage::ServiceUse>>,
    context: &Context,
    what: &str,
) -> Result<Vec<CostLine>, InputErrors> {
    let mut lines = Vec::new();
    for (&service, service_use) in usage.into_iter().flatten() {
        let unit_cost = book.service(service).unit_cost;
        lines.push(CostLine {
            service,
            quantity: service_use.quantity,
            unit_cost,
            amount: context.multiply(service_use.quantity, unit_cost, what)?,
            notes: service_use.notes.clone(),
        });
    }
    Ok(lines)
}

/// Each agency's before and after costs, summed over the study's families, in the cost book's
/// agency order. Agencies that bore nothing in either window are left out.
fn agency_costs(
    ledger: &StudyLedger,
    book: &CostBook,
    context: &Context,
) -> Result<Vec<(String, Decimal, Decimal)>, InputErrors> {
    let mut before = vec![Decimal::ZERO; book.agencies().len()];
    let mut after = vec![Decimal::ZERO; book.agencies().len()];
    let mut used = vec![false; book.agencies().len()];
    for family in &ledger.families {
        for (lines, sums) in [
            (&family.before_lines, &mut before),
            (&family.after_lines, &mut after),
        ] {
            for line in lines {
                for &(AgencyId(agency), share) in &book.service(line.service).agency_split {
                    let amount = context.multiply(line.quantity, share, "an agency's costs")?;
                    sums[agency as usize] =
                        context.add(sums[agency as usize], amount, "an agency's costs")?;
                    used[agency as usize] = true;
                }
            }
        }
    }
    Ok(book
        .agencies()
        .iter()
        .enumerate()
        .filter(|(index, _)| used[*index])
        .map(|(index, name)| (name.clone(), before[index], after[index]))
        .collect())
}

/// Splits the delivery cost between the agencies that fund it. The last agency takes what is left,
/// so that the parts always add up exactly to the whole.
fn split_funding(
    funding: &Funding,
    delivery: Decimal,
    context: &Context,
) -> Result<Vec<(String, Decimal)>, InputErrors> {
    let (weights, total_weight) = match funding {
        Funding::Unstated => return Ok(Vec::new()),
        Funding::Shares(shares) => (shares, Decimal::ONE),
        Funding::Amounts(amounts) => (
            amounts,
            context.sum(amounts.values().copied(), "the funding amounts")?,
        ),
    };
    let mut parts = Vec::with_capacity(weights.len());
    let mut allocated = Decimal::ZERO;
    for (index, (agency, weight)) in weights.iter().enumerate() {
        let part = if index + 1 == weights.len() {
            delivery - allocated
        } else {
            let product = context.multiply(delivery, *weight, "an agency's funding")?;
            crate::money::divide(product, total_weight)
                .ok_or_else(|| context.overflow("an agency's funding"))?
        };
        allocated = context.add(allocated, part, "the funding")?;
        parts.push((agency.clone(), part));
    }
    Ok(parts)
}

/// Checked arithmetic that names what overflowed.
struct Context {
    location: Option<Location>,
}

impl Context {
    fn overflow(&self, what: &str) -> InputErrors {
        Problem::error(
            self.location.clone(),
            format!("{what} are too large to compute exactly (over 28 digits)"),
        )
        .with_hint("check the quantities and unit costs for a mistyped figure")
        .into()
    }

    fn add(&self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, InputErrors> {
        a.checked_add(b).ok_or_else(|| self.overflow(what))
    }

    fn subtract(&self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, InputErrors> {
        a.checked_sub(b).ok_or_else(|| self.overflow(what))
    }

    fn multiply(&self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, InputErrors> {
        a.checked_mul(b).ok_or_else(|| self.overflow(what))
    }

    fn sum(
        &self,
        values: impl IntoIterator<Item = Decimal>,
        what: &str,
    ) -> Result<Decimal, InputErrors> {
        values
            .into_iter()
            .try_fold(Decimal::ZERO, |total, value| self.add(total, value, what))
    }
}

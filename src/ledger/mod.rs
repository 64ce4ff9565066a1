//! The ledger: the facts of a costed study, per family, per agency, per service and in total.
//!
//! Each family's before and after costs arrive summed from its service use by
//! [`crate::usage::accumulator`]; everything else is derived here, and the figures drawn from them
//! (ROI, checks) in [`crate::analysis`]. Views and renderers read these figures and never add them
//! up again. All arithmetic is checked: an overflow is an
//! input error naming the family or agency, never a panic.

mod checked;

use crate::context::StudyContext;
use crate::costs::{AgencyId, Confidence, CostBook, ServiceId};
use crate::diagnostic::{InputErrors, Location, Problem};
use crate::intervention_file::FamilyInterventions;
use crate::study::{Funding, InterventionItem, Study, StudyData};
use crate::usage::{FamilyUsage, FileAccount, ItemisedLines, LineNotes, ServiceUse, StudyUsage};
use checked::{Checked, Describe, FamilyFigure};
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
    /// What the before and after files add up to.
    pub usage: StudyUsage,
    /// Row accounting for each file.
    pub accounts: Vec<FileAccount>,
    pub interventions: FamilyInterventions,
}

/// The facts of a costed study: what its families' services cost, per family, per agency, per
/// service and in total. What it was costed with is its [`StudyContext`].
#[derive(Debug, Clone)]
pub struct StudyLedger {
    /// Per-family figures (empty for a summary study).
    pub families: Vec<FamilyLedger>,
    pub family_count: u64,
    pub agencies: Vec<AgencyLedger>,
    pub totals: Totals,
    /// The services the families used, in cost-book order: quantity and money in each window,
    /// split by the database's agencies, with each cost's confidence grade (empty for a summary
    /// study, which gives no service use).
    pub services: Vec<ServiceLedger>,
    pub is_summary: bool,
}

/// A study costed: the ledger's facts, the context they were costed with, and the warnings the
/// costing found (about the agency mapping, and costs left with "Multiple") for the caller to
/// report.
pub struct Built {
    pub ledger: StudyLedger,
    pub context: StudyContext,
    pub warnings: Vec<Problem>,
}

/// One service the families used, in both windows.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLedger {
    pub service: ServiceId,
    /// The cost's confidence grade (a composite's rule is in [`crate::costs::Service::grade`]).
    pub grade: Option<Confidence>,
    /// The total quantity the families used, before and after.
    pub quantity: [Decimal; 2],
    /// Quantity × unit cost, before and after.
    pub money: [Decimal; 2],
    /// Quantity × each agency's share of the unit cost, before and after, by the database's
    /// agencies (before the study's `[agencies]` mapping), in agency order.
    pub by_agency: Vec<(AgencyId, [Decimal; 2])>,
}

impl StudyLedger {
    /// The figures of one service the families used, or `None` if they used none of it.
    pub fn service(&self, id: ServiceId) -> Option<&ServiceLedger> {
        // `services` is in cost-book order, which is id order.
        self.services
            .binary_search_by_key(&id, |service| service.service)
            .ok()
            .map(|index| &self.services[index])
    }
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

/// One family's figures. Kept small: a national study has hundreds of thousands of them.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyLedger {
    pub family_id: Box<str>,
    pub before: Decimal,
    pub after: Decimal,
    pub intervention: Decimal,
    /// What few families have, behind one pointer so that the many without it pay 8 bytes, not
    /// 24: a national study keeps millions of these.
    extra: Option<Box<FamilyExtra>>,
}

/// A family's itemised lines and its own intervention items, when it has either.
#[derive(Debug, Clone, PartialEq, Default)]
struct FamilyExtra {
    /// The services behind the figures, for statements: kept for small studies only. As read:
    /// what each line costs is worked out from the cost book when it is shown (see [`CostLine`]).
    lines: Option<ItemisedLines>,
    /// Intervention items for this family alone (from the study's intervention file), on top of
    /// the study's items every family costs.
    own_intervention: Vec<InterventionItem>,
}

impl FamilyLedger {
    /// Before less after. (Worked out when asked for, not kept: a national study keeps millions
    /// of families, and a subtraction costs less than the memory. It cannot overflow: it was
    /// checked when the family was costed.)
    pub fn gross_saving(&self) -> Decimal {
        self.before - self.after
    }

    /// Before less intervention less after (checked when the family was costed).
    pub fn net_saving(&self) -> Decimal {
        self.gross_saving() - self.intervention
    }

    /// The services behind the figures, if the study was itemised.
    pub fn lines(&self) -> Option<&ItemisedLines> {
        self.extra.as_ref().and_then(|extra| extra.lines.as_ref())
    }

    /// The services behind the figures, to change their notes (see [`crate::pseudonym`]).
    pub fn lines_mut(&mut self) -> Option<&mut ItemisedLines> {
        self.extra.as_mut().and_then(|extra| extra.lines.as_mut())
    }

    /// The services behind the before costs, if the study was itemised, costed with `book` (the
    /// one the ledger was built with).
    pub fn before_lines<'a>(&'a self, book: &'a CostBook) -> impl Iterator<Item = CostLine<'a>> {
        self.cost_lines(book, 0)
    }

    /// The services behind the after costs, if the study was itemised, costed with `book` (the
    /// one the ledger was built with).
    pub fn after_lines<'a>(&'a self, book: &'a CostBook) -> impl Iterator<Item = CostLine<'a>> {
        self.cost_lines(book, 1)
    }

    fn cost_lines<'a>(
        &'a self,
        book: &'a CostBook,
        window: usize,
    ) -> impl Iterator<Item = CostLine<'a>> {
        self.lines().into_iter().flat_map(move |lines| {
            lines
                .window(window)
                .map(move |line| CostLine::new(book, lines, &line))
        })
    }

    /// Intervention items for this family alone, on top of the study's.
    pub fn own_intervention(&self) -> &[InterventionItem] {
        self.extra
            .as_ref()
            .map_or(&[], |extra| &extra.own_intervention)
    }

    /// Every item of the family's intervention cost: the study's, then its own.
    pub fn intervention_items<'a>(
        &'a self,
        context: &'a StudyContext,
    ) -> impl Iterator<Item = &'a InterventionItem> {
        context
            .intervention_items
            .iter()
            .chain(self.own_intervention())
    }
}

/// One service a family used in a window: quantity × unit cost. Made as it is shown, from the
/// line as read and the cost book: a national study itemised has millions of lines, and the unit
/// cost and amount of each would be 32 bytes more apiece.
#[derive(Debug, Clone)]
pub struct CostLine<'a> {
    pub service: ServiceId,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    pub amount: Decimal,
    /// The records' notes on the line (the first few kept), in the order read.
    pub notes: LineNotes<'a>,
}

impl<'a> CostLine<'a> {
    fn new(book: &CostBook, lines: &'a ItemisedLines, line: &ServiceUse) -> CostLine<'a> {
        let service = line.service();
        let quantity = line.quantity();
        let unit_cost = book.service(service).unit_cost;
        CostLine {
            service,
            quantity,
            unit_cost,
            amount: quantity
                .checked_mul(unit_cost)
                .expect("checked when the family was costed"),
            notes: lines.notes(line),
        }
    }
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

/// Costs a study: its ledger of facts, the context beside it, and the costing's warnings. The
/// analysis stages compare published money figures within `tolerance`, and find the rounding gaps
/// of tables shown at `display` precision.
pub fn build(
    inputs: StudyInputs,
    tolerance: Decimal,
    display: crate::money::Precision,
) -> Result<Built, InputErrors> {
    let StudyInputs {
        study,
        book,
        mut records,
    } = inputs;
    let accounts = records
        .as_mut()
        .map(|records| std::mem::take(&mut records.accounts))
        .unwrap_or_default();
    let context = StudyContext::new(&study, Arc::clone(&book), accounts, tolerance, display);
    let checked = Checked {
        location: context.study_file.clone().map(Location::file),
    };
    let mut ledger = StudyLedger {
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
        services: Vec::new(),
        is_summary: false,
    };
    let uniform_intervention = checked.sum(
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
            cost_records(&mut ledger, &book, uniform_intervention, records, &checked)?;
            if let Some((declared, location)) = declared_families
                && *declared != ledger.family_count
            {
                return Err(Problem::error(
                    Some(location.clone()),
                    format!(
                        "the study says families = {declared}, but the service-use records name {} {}",
                        ledger.family_count,
                        crate::diagnostic::plural(ledger.family_count, "family", "families")
                    ),
                )
                .with_hint(
                    "every family must appear in the records (give a family with no service use a row with quantity 0), \
                     or correct `families`",
                )
                .into());
            }
            for (agency, before, after) in agency_costs(&ledger.services, &book, &checked)? {
                agency_rows.insert(
                    agency.clone(),
                    AgencyLedger {
                        agency,
                        before: Some(before),
                        after: Some(after),
                        benefit: checked.subtract(before, after, "an agency's benefit")?,
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
                checked.multiply(uniform_intervention, family_count, "the delivery cost")?;
            if benefit.by_agency.is_empty() {
                let per_family = benefit.per_family.unwrap_or_default();
                let total = checked.multiply(per_family, family_count, "the benefit")?;
                agency_rows.insert(
                    UNSPLIT_AGENCY.to_string(),
                    summary_agency(UNSPLIT_AGENCY, total),
                );
                ledger.totals.benefit = total;
            } else {
                for (agency, amount) in &benefit.by_agency {
                    agency_rows.insert(agency.clone(), summary_agency(agency, *amount));
                }
                ledger.totals.benefit = checked.sum(
                    benefit.by_agency.values().copied(),
                    "the agencies' benefits",
                )?;
            }
        }
        (StudyData::Records { .. }, None) => {
            unreachable!("a records study is always loaded with its records")
        }
    }

    let (mut agency_rows, warnings) = map_agencies(&context, agency_rows, &checked)?;
    for (agency, funding) in split_funding(&context.funding, ledger.totals.intervention, &checked)?
    {
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
        agency.net = checked.subtract(agency.benefit, agency.funding, "an agency's net benefit")?;
    }
    ledger.totals.net_saving = checked.subtract(
        ledger.totals.benefit,
        ledger.totals.intervention,
        "the study's net saving",
    )?;
    ledger.totals.funding = match context.funding {
        Funding::Unstated => Decimal::ZERO,
        _ => ledger.totals.intervention,
    };
    ledger.totals.benefit_less_funding = checked.subtract(
        ledger.totals.benefit,
        ledger.totals.funding,
        "the study's benefit less funding",
    )?;
    ledger.agencies = agency_rows.into_values().collect();
    Ok(Built {
        ledger,
        context,
        warnings,
    })
}

/// Maps the database's agencies to the council's (the study's `[agencies]`), and notes what the
/// caller should warn of. Funding is charged after, to the council's agencies as named.
fn map_agencies(
    context: &StudyContext,
    rows: IndexMap<String, AgencyLedger>,
    checked: &Checked,
) -> Result<(IndexMap<String, AgencyLedger>, Vec<Problem>), InputErrors> {
    use crate::agency_map::Figures;
    let figures: Vec<(String, Figures)> = rows
        .into_values()
        .map(|row| {
            (
                row.agency,
                Figures {
                    before: row.before,
                    after: row.after,
                    benefit: row.benefit,
                },
            )
        })
        .collect();
    let mapped = crate::agency_map::apply(&context.agency_map, figures.clone())
        .ok_or_else(|| checked.overflow("an agency's costs, mapped to the council's agencies"))?;
    // Mapped names are checked against the database's agencies; "Multiple" after mapping.
    let warnings = crate::agency_map::warnings(
        &context.agency_map,
        &figures,
        &mapped,
        checked.location.as_ref(),
    );
    let rows = mapped
        .into_iter()
        .map(|(agency, figures)| {
            (
                agency.clone(),
                AgencyLedger {
                    agency,
                    before: figures.before,
                    after: figures.after,
                    benefit: figures.benefit,
                    funding: Decimal::ZERO,
                    net: Decimal::ZERO,
                },
            )
        })
        .collect();
    Ok((rows, warnings))
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
    // The study's items every family costs, summed once by the caller.
    uniform: Decimal,
    records: RecordInputs,
    checked: &Checked,
) -> Result<(), InputErrors> {
    let RecordInputs {
        usage,
        accounts: _,
        interventions,
    } = records;
    let own_items = |family_id: &str| -> Vec<InterventionItem> {
        interventions
            .get(family_id)
            .into_iter()
            .flatten()
            .map(|(name, amount)| InterventionItem {
                name: name.clone(),
                per_family: *amount,
                derivation: None,
            })
            .collect()
    };
    let StudyUsage {
        families,
        quantities,
        services_used,
        ..
    } = usage;
    // Families named only in the intervention file are members too, with no service use.
    let only_in_intervention_file: Vec<FamilyUsage> = if interventions.is_empty() {
        Vec::new()
    } else {
        let in_records: rustc_hash::FxHashSet<&str> =
            families.iter().map(|family| &*family.family_id).collect();
        interventions
            .keys()
            .filter(|id| !in_records.contains(id.as_str()))
            .map(|id| FamilyUsage {
                family_id: id.as_str().into(),
                money: [Decimal::ZERO; 2],
                windows: 0,
                lines: None,
            })
            .collect()
    };
    let mut families = families;
    families.extend(only_in_intervention_file);
    // Each family is costed on its own, so a national study's are costed on every core. So that
    // the error reported does not depend on which thread met its family first, every family is
    // costed, and the first in order that failed is reported.
    let first_failure: std::sync::Mutex<Option<(usize, InputErrors)>> = Default::default();
    ledger.families = crate::large_lists::map_releasing(families, |index, family| {
        cost_family(family, book, uniform, &own_items, checked).unwrap_or_else(|error| {
            let mut failure = first_failure
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            if failure.as_ref().is_none_or(|(first, _)| index < *first) {
                *failure = Some((index, error));
            }
            // Never seen: the ledger is not returned.
            FamilyLedger::failed()
        })
    });
    if let Some((_, error)) = first_failure
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
    {
        return Err(error);
    }
    let [before, after, intervention] =
        crate::money::sums_in_parallel(&ledger.families, |family| {
            [family.before, family.after, family.intervention]
        });
    let before = before.ok_or_else(|| checked.overflow("the study's before costs"))?;
    let after = after.ok_or_else(|| checked.overflow("the study's after costs"))?;
    let intervention =
        intervention.ok_or_else(|| checked.overflow("the study's intervention costs"))?;
    ledger.family_count = ledger.families.len() as u64;
    ledger.totals = Totals {
        before: Some(before),
        after: Some(after),
        intervention,
        benefit: checked.subtract(before, after, "the study's benefit")?,
        net_saving: Decimal::ZERO,
        funding: Decimal::ZERO,
        benefit_less_funding: Decimal::ZERO,
    };
    ledger.services = service_ledgers(&quantities, &services_used, book, checked)?;
    Ok(())
}

/// Each service the families used, in cost-book order: its quantity in each window, times its
/// unit cost and each agency's share of it.
fn service_ledgers(
    quantities: &[Vec<Decimal>; 2],
    services_used: &[Vec<bool>; 2],
    book: &CostBook,
    checked: &Checked,
) -> Result<Vec<ServiceLedger>, InputErrors> {
    let used = |index: usize| {
        services_used.iter().any(|used| used[index])
            || quantities.iter().any(|window| !window[index].is_zero())
    };
    let mut services = Vec::new();
    for index in (0..book.services().len()).filter(|&index| used(index)) {
        let id = ServiceId(index as u32);
        let service = book.service(id);
        let quantity = [quantities[0][index], quantities[1][index]];
        let times = |per_unit: Decimal| -> Result<[Decimal; 2], InputErrors> {
            Ok([
                checked.multiply(quantity[0], per_unit, "a service's costs")?,
                checked.multiply(quantity[1], per_unit, "a service's costs")?,
            ])
        };
        let by_agency = service
            .agency_split
            .iter()
            .map(|&(agency, share)| Ok((agency, times(share)?)))
            .collect::<Result<_, InputErrors>>()?;
        services.push(ServiceLedger {
            service: id,
            grade: service.grade,
            quantity,
            money: times(service.unit_cost)?,
            by_agency,
        });
    }
    Ok(services)
}

/// One family's figures, checked: every figure later derived from them is then known to fit.
fn cost_family(
    family: FamilyUsage,
    book: &CostBook,
    uniform_intervention: Decimal,
    own_items: &(impl Fn(&str) -> Vec<InterventionItem> + Sync),
    checked: &Checked,
) -> Result<FamilyLedger, InputErrors> {
    let figure = |figure: &'static str| FamilyFigure {
        family: &family.family_id,
        figure,
    };
    let own_intervention = own_items(&family.family_id);
    let own_total = checked.sum(
        own_intervention.iter().map(|item| item.per_family),
        figure("intervention costs"),
    )?;
    let intervention = checked.add(
        uniform_intervention,
        own_total,
        figure("intervention costs"),
    )?;
    let [before, after] = family.money;
    // Checked here, so that working them out later cannot fail (see `FamilyLedger::net_saving`).
    let gross_saving = checked.subtract(before, after, figure("gross savings"))?;
    checked.subtract(gross_saving, intervention, figure("net savings"))?;
    if let Some(lines) = &family.lines {
        check_lines(book, lines, 0, checked, figure("before costs"))?;
        check_lines(book, lines, 1, checked, figure("after costs"))?;
    }
    // Moved, not copied: the ledger keeps the lines as read.
    let lines = family.lines;
    let extra = (lines.is_some() || !own_intervention.is_empty()).then(|| {
        Box::new(FamilyExtra {
            lines,
            own_intervention,
        })
    });
    Ok(FamilyLedger {
        family_id: family.family_id,
        before,
        after,
        intervention,
        extra,
    })
}

impl FamilyLedger {
    /// A stand-in for a family whose costing failed, in a ledger that is then thrown away.
    fn failed() -> FamilyLedger {
        FamilyLedger {
            family_id: Box::default(),
            before: Decimal::ZERO,
            after: Decimal::ZERO,
            intervention: Decimal::ZERO,
            extra: None,
        }
    }
}

/// Checks that each of a family's lines in `window` can be costed: quantity × unit cost fits, so
/// that [`CostLine`] can work it out whenever a line is shown.
fn check_lines(
    book: &CostBook,
    lines: &ItemisedLines,
    window: usize,
    checked: &Checked,
    what: impl Describe,
) -> Result<(), InputErrors> {
    for line in lines.window(window) {
        let unit_cost = book.service(line.service()).unit_cost;
        checked.multiply(line.quantity(), unit_cost, &what)?;
    }
    Ok(())
}

/// Each agency's before and after costs: the sum over the services of each service's total
/// quantity in the window times the agency's share of its unit cost. Agencies that bore nothing in
/// either window are left out.
fn agency_costs(
    services: &[ServiceLedger],
    book: &CostBook,
    checked: &Checked,
) -> Result<Vec<(String, Decimal, Decimal)>, InputErrors> {
    let agencies = book.agencies().len();
    let mut sums = vec![[Decimal::ZERO; 2]; agencies];
    let mut used = vec![false; agencies];
    for service in services {
        for &(AgencyId(agency), amounts) in &service.by_agency {
            for window in 0..2 {
                if service.quantity[window].is_zero() {
                    continue;
                }
                let sum = &mut sums[agency as usize][window];
                *sum = checked.add(*sum, amounts[window], "an agency's costs")?;
                used[agency as usize] = true;
            }
        }
    }
    Ok(book
        .agencies()
        .iter()
        .enumerate()
        .filter(|(index, _)| used[*index])
        .map(|(index, name)| (name.clone(), sums[index][0], sums[index][1]))
        .collect())
}

/// Splits the delivery cost between the agencies that fund it. The last agency takes what is left,
/// so that the parts always add up exactly to the whole.
fn split_funding(
    funding: &Funding,
    delivery: Decimal,
    checked: &Checked,
) -> Result<Vec<(String, Decimal)>, InputErrors> {
    let (weights, total_weight) = match funding {
        Funding::Unstated => return Ok(Vec::new()),
        Funding::Shares(shares) => (shares, Decimal::ONE),
        Funding::Amounts(amounts) => (
            amounts,
            checked.sum(amounts.values().copied(), "the funding amounts")?,
        ),
    };
    let mut parts = Vec::with_capacity(weights.len());
    let mut allocated = Decimal::ZERO;
    for (index, (agency, weight)) in weights.iter().enumerate() {
        let part = if index + 1 == weights.len() {
            checked.subtract(delivery, allocated, "an agency's funding")?
        } else {
            let product = checked.multiply(delivery, *weight, "an agency's funding")?;
            crate::money::divide(product, total_weight)
                .ok_or_else(|| checked.overflow("an agency's funding"))?
        };
        allocated = checked.add(allocated, part, "the funding")?;
        parts.push((agency.clone(), part));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A national study keeps millions of families: each one's size is kept in view.
    #[test]
    fn a_familys_figures_take_72_bytes() {
        assert_eq!(std::mem::size_of::<FamilyLedger>(), 72);
    }
}

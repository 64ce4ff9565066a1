//! The unit costs a study used, as JSON: each cost, who bears it, where it came from, and the
//! parts of a composite.

use super::decimal::{Exact, exact};
use crate::context::StudyContext;
use crate::costs::{CostBasis, CostBook, Service};
use crate::ledger::StudyLedger;
use crate::report::views;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct UnitCostUsed<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    cost: Exact,
    /// The price year `cost` is at.
    price_year: Option<String>,
    /// Who bears the cost, as the sources table names them (for a composite, its parts').
    agency: String,
    /// How one unit's cost splits across agencies; the amounts add up to `cost`.
    agency_split: Vec<Borne<'a>>,
    confidence: Option<String>,
    code: Option<&'a str>,
    source: Option<&'a str>,
    /// For an uprated cost, the cost as its table states it, at `stated_price_year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    stated_cost: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stated_price_year: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<Vec<Part<'a>>>,
}

#[derive(Serialize)]
struct Borne<'a> {
    agency: &'a str,
    amount: Exact,
}

#[derive(Serialize)]
struct Part<'a> {
    id: &'a str,
    name: &'a str,
    quantity: Exact,
    unit: &'a str,
    unit_cost: Exact,
    /// quantity × unit cost, as the cost book worked it out to cost the composite. Always a
    /// figure: a composite whose parts pass Decimal's 28 digits is refused when the book is made,
    /// but the key stays nullable, as the file format has it.
    amount: Option<Exact>,
}

/// Every unit cost the study used, and the parts of its composites; none for a summary study,
/// which is costed from no unit costs.
pub(super) fn unit_costs<'a>(
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
) -> Vec<UnitCostUsed<'a>> {
    if ledger.is_summary {
        Vec::new()
    } else {
        views::unit_costs_used(ledger, context)
            .into_iter()
            .map(|id| unit_cost(&context.book, context.book.service(id)))
            .collect()
    }
}

fn unit_cost<'a>(book: &'a CostBook, service: &'a Service) -> UnitCostUsed<'a> {
    let definition = &service.definition;
    UnitCostUsed {
        id: &definition.id,
        name: &definition.name,
        unit: &definition.unit,
        cost: exact(service.unit_cost),
        price_year: views::price_year_of(book, service).map(|year| year.to_string()),
        agency: views::agency_of(book, service),
        agency_split: service
            .agency_split
            .iter()
            .map(|(agency, amount)| Borne {
                agency: book.agency_name(*agency),
                amount: exact(*amount),
            })
            .collect(),
        confidence: definition.confidence.map(|grade| grade.to_string()),
        code: definition.code.as_deref(),
        source: definition.source.as_deref(),
        stated_cost: views::stated_cost(service).map(|(cost, _)| exact(cost)),
        stated_price_year: views::stated_cost(service).map(|(_, year)| year.to_string()),
        components: match &definition.basis {
            CostBasis::Amount(_) => None,
            CostBasis::Components(_) => Some(
                service
                    .parts
                    .iter()
                    .map(|component| {
                        let part = book.service(component.service);
                        Part {
                            id: &part.definition.id,
                            name: &part.definition.name,
                            quantity: exact(component.quantity),
                            unit: &part.definition.unit,
                            unit_cost: exact(part.unit_cost),
                            amount: Some(exact(component.cost)),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

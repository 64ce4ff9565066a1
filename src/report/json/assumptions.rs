//! What a study's figures rest on, as JSON: the basis, the deflator, the unit-cost tables and
//! overrides, the intervention items, the funding and the agency map, as the assumptions table
//! shows them.

use super::decimal::{Exact, exact};
use super::families::{InterventionLine, intervention_line};
use crate::context::StudyContext;
use crate::costs::CostBasis;
use crate::diagnostic::Location;
use crate::ledger::StudyLedger;
use crate::report::views;
use crate::study::Funding;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Assumptions<'a> {
    /// `records` (service-use records for each family) or `summary` (published programme-level
    /// figures).
    basis: &'static str,
    /// The deflator costs were uprated with to `price_year`, if they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    uprated_with: Option<&'a str>,
    /// The deflator series in full, as the Assumptions table describes it, or null when no cost
    /// was uprated.
    deflator: Option<DeflatorUsed<'a>>,
    unit_cost_tables: Vec<CostTable<'a>>,
    overrides: Vec<Overridden<'a>>,
    intervention_items: Vec<InterventionLine<'a>>,
    counterfactual_cost_per_family: Exact,
    funding: FundingJson<'a>,
    published_source: Option<&'a str>,
    /// The study's `[agencies]`: each database agency and the council's agencies its costs go
    /// to, with their shares (1 for a rename). Left out when the study maps none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    agency_map: Vec<AgencyMapping<'a>>,
}

#[derive(Serialize)]
struct DeflatorUsed<'a> {
    name: &'a str,
    source: Option<&'a str>,
    vintage: Option<&'a str>,
    /// `calendar` or `financial`: the kind of year the series is by.
    kind: &'static str,
    /// The first and last years the series gives, as it writes them.
    covers: Covers,
    /// For a calendar-year series, how a financial year's index is made from it; else null.
    financial_year_rule: Option<&'static str>,
    /// The year costs were uprated to (as the study's `price_year`).
    price_year: String,
    /// Years from this one on were forecasts when the series was published; null if none were.
    forecast_from: Option<String>,
    /// The years used that were forecasts: of `years_used`, those with `forecast`.
    forecast_years_used: Vec<String>,
    /// The target and the own price years of the unit costs used, each with its index.
    years_used: Vec<DeflatorYear>,
}

#[derive(Serialize)]
struct Covers {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct DeflatorYear {
    year: String,
    index: Exact,
    forecast: bool,
}

fn deflator_used<'a>(
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
) -> Option<DeflatorUsed<'a>> {
    let uprating = context.book.uprating()?;
    let deflator = &uprating.deflator;
    let years = views::deflator_years_used(ledger, context);
    let (from, to) = deflator.series_years();
    Some(DeflatorUsed {
        name: &deflator.name,
        source: deflator.source.as_deref(),
        vintage: deflator.vintage.as_deref(),
        kind: deflator.kind(),
        covers: Covers {
            from: from.to_string(),
            to: to.to_string(),
        },
        financial_year_rule: deflator.financial_year_rule(),
        price_year: uprating.target.to_string(),
        forecast_from: deflator.forecast_from.map(|year| year.to_string()),
        forecast_years_used: views::forecast_years(&years)
            .iter()
            .map(|year| year.to_string())
            .collect(),
        years_used: years
            .iter()
            .map(|used| DeflatorYear {
                year: used.year.to_string(),
                index: exact(used.index),
                forecast: used.forecast,
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct AgencyMapping<'a> {
    agency: &'a str,
    to: Vec<Funder<'a>>,
}

#[derive(Serialize)]
struct CostTable<'a> {
    name: &'a str,
    path: &'a str,
    price_year: Option<String>,
}

#[derive(Serialize)]
struct Overridden<'a> {
    id: &'a str,
    replaced: String,
    by: String,
    /// The replaced and the replacing cost as their tables state them, or `null` for a
    /// composite (whose cost is its components').
    replaced_cost: Option<Exact>,
    cost: Option<Exact>,
}

#[derive(Serialize)]
struct FundingJson<'a> {
    /// `not stated`, `shares` (fractions of the delivery cost) or `amounts` (contributions, each
    /// agency paying in proportion).
    basis: &'static str,
    agencies: Vec<Funder<'a>>,
}

#[derive(Serialize)]
struct Funder<'a> {
    agency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Exact>,
}

fn funders(by_agency: &indexmap::IndexMap<String, Decimal>, shares: bool) -> Vec<Funder<'_>> {
    by_agency
        .iter()
        .map(|(agency, value)| Funder {
            agency,
            share: shares.then(|| exact(*value)),
            amount: (!shares).then(|| exact(*value)),
        })
        .collect()
}

pub(super) fn assumptions<'a>(
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
) -> Assumptions<'a> {
    let book = &context.book;
    Assumptions {
        basis: if ledger.is_summary {
            "summary"
        } else {
            "records"
        },
        uprated_with: book
            .uprating()
            .map(|uprating| uprating.deflator.name.as_str()),
        deflator: deflator_used(ledger, context),
        // A summary study is costed from no unit costs: the tables loaded for it are not what
        // its figures rest on, and the assumptions table leaves them out too.
        unit_cost_tables: if ledger.is_summary {
            Vec::new()
        } else {
            book.tables()
                .iter()
                .map(|table| CostTable {
                    name: &table.name,
                    path: &table.path,
                    price_year: table.price_year.map(|year| year.to_string()),
                })
                .collect()
        },
        overrides: if ledger.is_summary {
            Vec::new()
        } else {
            book.overrides()
                .iter()
                .map(|overridden| Overridden {
                    id: &overridden.id,
                    replaced: location(&overridden.replaced),
                    by: location(&overridden.by),
                    replaced_cost: stated_amount(&overridden.replaced_cost),
                    cost: stated_amount(&overridden.cost),
                })
                .collect()
        },
        intervention_items: context
            .intervention_items
            .iter()
            .map(intervention_line)
            .collect(),
        counterfactual_cost_per_family: exact(context.counterfactual_cost_per_family),
        funding: match &context.funding {
            Funding::Unstated => FundingJson {
                basis: "not stated",
                agencies: Vec::new(),
            },
            Funding::Shares(shares) => FundingJson {
                basis: "shares",
                agencies: funders(shares, true),
            },
            Funding::Amounts(amounts) => FundingJson {
                basis: "amounts",
                agencies: funders(amounts, false),
            },
        },
        published_source: context.published.source.as_deref(),
        agency_map: context
            .agency_map
            .entries
            .iter()
            .map(|entry| AgencyMapping {
                agency: &entry.from,
                to: entry
                    .to
                    .iter()
                    .map(|(agency, share)| Funder {
                        agency,
                        share: Some(exact(*share)),
                        amount: None,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A plain cost's stated amount; `None` for a composite.
fn stated_amount(basis: &CostBasis) -> Option<Exact> {
    match basis {
        CostBasis::Amount(amount) => Some(exact(*amount)),
        CostBasis::Components(_) => None,
    }
}

/// A place in a file as JSON writes it: the exact file name (JSON escapes what needs escaping),
/// not the escaped one a terminal is shown.
fn location(location: &Location) -> String {
    match (location.line, location.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", location.file),
        (Some(line), None) => format!("{}:{line}", location.file),
        _ => location.file.clone(),
    }
}

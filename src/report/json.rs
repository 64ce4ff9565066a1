//! JSON output: the ledger's exact figures, with money as unrounded, normalised decimal strings,
//! and for `report` everything its tables show, drawn from the same ledger, appraisal and checks
//! as the views rather than from the views' cells. The key names are part of the file-format
//! contract (DESIGN.md, Part 1): keys may be added, never renamed.

use crate::costed::Costed;
use crate::costs::{CostBasis, CostBook, Service};
use crate::diagnostic::Location;
use crate::ledger::{CostLine, FamilyLedger, StudyLedger};
use crate::money::Precision;
use crate::report::views;
use crate::study::{Derivation, Funding};
use crate::usage::{FileAccount, Itemise};
use rust_decimal::Decimal;
use serde::Serialize;

/// What to include beyond the core figures.
#[derive(Debug, Clone, Copy)]
pub struct JsonOptions {
    /// Which studies' families carry their itemised lines (for statements): the same studies
    /// whose statements the command's tables show.
    pub lines: Itemise,
    /// The places figures are rounded to for display, which decides the rounding gaps.
    pub precision: Precision,
}

impl Default for JsonOptions {
    fn default() -> JsonOptions {
        JsonOptions {
            lines: Itemise::Never,
            precision: Precision::Pounds,
        }
    }
}

impl JsonOptions {
    fn itemises(&self, ledger: &StudyLedger) -> bool {
        !ledger.is_summary
            && match self.lines {
                Itemise::Always => true,
                Itemise::UpTo(families) => ledger.families.len() <= families,
                Itemise::Never => false,
            }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    studies: Vec<Study<'a>>,
}

#[derive(Serialize)]
struct Study<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    study_file: Option<&'a str>,
    window_months: Option<u64>,
    /// The price year unit costs were uprated to, or null if they are at their own years.
    price_year: Option<String>,
    families: Families<'a>,
    agencies: Vec<Agency<'a>>,
    summary: Summary,
    totals: Totals,
    reconciliation: Vec<Reconciled<'a>>,
    inputs: Vec<Input<'a>>,
    /// Whether each family carries its `lines`: the report leaves them out of a study of more
    /// families than it itemises, as its tables leave out the statements.
    itemised: bool,
    /// What the figures rest on, as the assumptions table shows it.
    assumptions: Assumptions<'a>,
    /// Every unit cost the study used, and the parts of its composites.
    unit_costs: Vec<UnitCostUsed<'a>>,
    /// What the notes under the agency table say.
    agency_findings: Findings<'a>,
    /// Tables whose lines, each rounded as shown, add up to other than the total shown.
    rounding: Vec<Rounding>,
}

#[derive(Serialize)]
struct Family<'a> {
    family_id: &'a str,
    before: Exact,
    after: Exact,
    gross_saving: Exact,
    intervention: Exact,
    net_saving: Exact,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Lines<'a>>,
}

#[derive(Serialize)]
struct Lines<'a> {
    before: Vec<Line<'a>>,
    intervention: Vec<InterventionLine<'a>>,
    after: Vec<Line<'a>>,
}

#[derive(Serialize)]
struct Line<'a> {
    service: &'a str,
    name: &'a str,
    quantity: Exact,
    unit: &'a str,
    unit_cost: Exact,
    amount: Exact,
    /// The records' notes on the line (the first few kept).
    notes: &'a [String],
    /// For a cost uprated from another price year, the cost as its table states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    uprated_from: Option<Stated>,
}

#[derive(Serialize)]
struct Stated {
    cost: Exact,
    price_year: String,
}

#[derive(Serialize)]
struct InterventionLine<'a> {
    item: &'a str,
    amount: Exact,
    #[serde(skip_serializing_if = "Option::is_none")]
    derivation: Option<Derived>,
}

/// How an intervention item was worked out: running costs ÷ families a year.
#[derive(Serialize)]
struct Derived {
    running_costs: Exact,
    families_per_year: Exact,
}

fn derived(derivation: &Option<Derivation>) -> Option<Derived> {
    derivation.as_ref().map(|derivation| Derived {
        running_costs: exact(derivation.running_costs),
        families_per_year: exact(derivation.families_per_year),
    })
}

#[derive(Serialize)]
struct Assumptions<'a> {
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

fn deflator_used(ledger: &StudyLedger) -> Option<DeflatorUsed<'_>> {
    let uprating = ledger.book.uprating()?;
    let deflator = &uprating.deflator;
    let years = views::deflator_years_used(ledger);
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
        forecast_years_used: years
            .iter()
            .filter(|used| used.forecast)
            .map(|used| used.year.to_string())
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

#[derive(Serialize)]
struct UnitCostUsed<'a> {
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
    /// quantity × unit cost, or null past Decimal's 28 digits.
    amount: Option<Exact>,
}

#[derive(Serialize)]
struct Findings<'a> {
    /// Whether the study says who pays for delivery: if not, no agency is charged any of it.
    funding_stated: bool,
    come_out_ahead: Vec<&'a str>,
    fund_more_than_they_gain: Vec<&'a str>,
    costs_rose_for: Vec<&'a str>,
}

#[derive(Serialize)]
struct Rounding {
    /// The lines, in words: "the 8 agencies' benefits".
    lines: String,
    /// The decimal places the lines and the total are shown to.
    places: u32,
    rounded_total: Exact,
    sum_of_rounded: Exact,
    /// sum_of_rounded − rounded_total.
    difference: Exact,
}

#[derive(Serialize)]
struct Agency<'a> {
    agency: &'a str,
    before: Option<Exact>,
    after: Option<Exact>,
    benefit: Exact,
    funding: Exact,
    net: Exact,
}

#[derive(Serialize)]
struct Summary {
    families: u64,
    delivery_cost_per_family: Option<Exact>,
    counterfactual_cost_per_family: Exact,
    net_cost_per_family: Option<Exact>,
    benefit_per_family: Option<Exact>,
    roi: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roi_note: Option<String>,
    /// benefit − families × net cost per family: the bottom line the return on investment agrees
    /// with (`totals.net_saving` leaves the counterfactual out).
    net_benefit: Exact,
    /// families × counterfactual cost per family.
    counterfactual_total: Exact,
    /// families × net cost per family: what the benefit is set against.
    net_cost_total: Exact,
}

#[derive(Serialize)]
struct Totals {
    before: Option<Exact>,
    intervention: Exact,
    after: Option<Exact>,
    gross_saving: Exact,
    net_saving: Exact,
    benefit: Exact,
    /// The delivery cost charged to agencies (0 when no funding is stated).
    funding: Exact,
    /// benefit − funding: the agency table's net total.
    benefit_less_funding: Exact,
}

#[derive(Serialize)]
struct Reconciled<'a> {
    figure: &'a str,
    description: &'a str,
    /// `published`, `published item`, `published consistency` or `consistency`.
    kind: &'static str,
    /// The figure the source printed: only for checks of a published figure, since a consistency
    /// check's expected figure is a total tfcalc computes, which no one published.
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<Exact>,
    /// What the computed figure is checked against: the published figure, or the total.
    expected: Exact,
    computed: Option<Exact>,
    difference: Option<Exact>,
    /// difference ÷ expected, as a fraction (`0.0001` is 0.01%).
    relative_difference: Option<Exact>,
    agrees: bool,
    /// For money, how close counts as agreeing, and why that close.
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance_basis: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// Why a figure differs, where tfcalc can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    rows_read: u64,
    rows_used: u64,
    rows_blank: u64,
    rows_rejected: u64,
}

/// A Decimal written as its exact decimal string, without making a String first.
struct Exact(Decimal);

impl Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
}

/// A figure as JSON writes it: exact, in one style whatever scale the arithmetic left it at, so
/// that `0.50` from a tolerance and `0.5` from a share are not two spellings of one value for a
/// program comparing strings. `normalize` only drops trailing zeros (and the sign of a zero),
/// which keeps the value, and Decimal's `Display` writes plain digits, never an exponent.
pub(crate) fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

fn exact(value: Decimal) -> Exact {
    Exact(value)
}

/// A study's families, serialised one at a time as the JSON is written: a national study has
/// hundreds of thousands.
struct Families<'a> {
    ledger: &'a StudyLedger,
    options: JsonOptions,
}

impl Serialize for Families<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.ledger
                .families
                .iter()
                .map(|family| self::family(self.ledger, family, self.options)),
        )
    }
}

/// Writes the studies' figures as JSON, streaming the families.
pub fn render(
    studies: &[Costed],
    options: JsonOptions,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let report = Report {
        studies: studies
            .iter()
            .map(|figures| study(figures, options))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *output, &report).map_err(std::io::Error::from)?;
    writeln!(output)?;
    Ok(())
}

fn study(figures: &Costed, options: JsonOptions) -> Study<'_> {
    let ledger = &figures.ledger;
    let appraisal = &figures.appraisal;
    Study {
        name: &ledger.name,
        study_file: ledger.study_file.as_deref(),
        window_months: ledger.window_months,
        price_year: ledger
            .book
            .uprating()
            .map(|uprating| uprating.target.to_string()),
        families: Families { ledger, options },
        agencies: ledger
            .agencies
            .iter()
            .map(|agency| Agency {
                agency: &agency.agency,
                before: agency.before.map(exact),
                after: agency.after.map(exact),
                benefit: exact(agency.benefit),
                funding: exact(agency.funding),
                net: exact(agency.net),
            })
            .collect(),
        summary: Summary {
            families: appraisal.families,
            delivery_cost_per_family: appraisal.delivery_cost_per_family.map(exact),
            counterfactual_cost_per_family: exact(appraisal.counterfactual_cost_per_family),
            net_cost_per_family: appraisal.net_cost_per_family.map(exact),
            benefit_per_family: appraisal.benefit_per_family.map(exact),
            roi: appraisal.roi.ratio().map(exact),
            roi_note: appraisal.roi.explanation(),
            net_benefit: exact(appraisal.net_benefit),
            counterfactual_total: exact(appraisal.counterfactual_total),
            net_cost_total: exact(appraisal.net_cost_total),
        },
        totals: Totals {
            before: ledger.totals.before.map(exact),
            intervention: exact(ledger.totals.intervention),
            after: ledger.totals.after.map(exact),
            gross_saving: exact(ledger.totals.benefit),
            net_saving: exact(ledger.totals.net_saving),
            benefit: exact(ledger.totals.benefit),
            funding: exact(ledger.totals.funding),
            benefit_less_funding: exact(ledger.totals.benefit_less_funding),
        },
        reconciliation: figures
            .checks
            .iter()
            .map(|check| Reconciled {
                figure: &check.key,
                description: &check.subject,
                kind: check.kind.label(),
                published: check
                    .kind
                    .expects_published()
                    .then(|| exact(check.expected)),
                expected: exact(check.expected),
                computed: check.computed.map(exact),
                difference: check.difference.map(exact),
                relative_difference: check.relative_difference.map(exact),
                agrees: check.agrees,
                tolerance: check
                    .tolerance
                    .as_ref()
                    .map(|tolerance| exact(tolerance.amount)),
                tolerance_basis: check
                    .tolerance
                    .as_ref()
                    .map(|tolerance| tolerance.basis.as_str()),
                note: check.note.as_deref(),
                reason: check.reason.as_deref(),
            })
            .collect(),
        inputs: ledger.inputs.iter().map(input).collect(),
        itemised: options.itemises(ledger),
        assumptions: assumptions(ledger),
        unit_costs: if ledger.is_summary {
            Vec::new()
        } else {
            views::unit_costs_used(ledger)
                .into_iter()
                .map(|id| unit_cost(&ledger.book, ledger.book.service(id)))
                .collect()
        },
        agency_findings: findings(ledger),
        rounding: crate::analysis::consistency::rounding_gaps(ledger, options.precision.places())
            .into_iter()
            .map(|gap| Rounding {
                lines: gap.lines,
                places: options.precision.places(),
                rounded_total: exact(gap.rounded_total),
                sum_of_rounded: exact(gap.sum_of_rounded),
                difference: exact(gap.difference),
            })
            .collect(),
    }
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

fn assumptions(ledger: &StudyLedger) -> Assumptions<'_> {
    let book = &ledger.book;
    Assumptions {
        basis: if ledger.is_summary {
            "summary"
        } else {
            "records"
        },
        uprated_with: book
            .uprating()
            .map(|uprating| uprating.deflator.name.as_str()),
        deflator: deflator_used(ledger),
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
        intervention_items: ledger
            .intervention_items
            .iter()
            .map(|item| InterventionLine {
                item: &item.name,
                amount: exact(item.per_family),
                derivation: derived(&item.derivation),
            })
            .collect(),
        counterfactual_cost_per_family: exact(ledger.counterfactual_cost_per_family),
        funding: match &ledger.funding {
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
        published_source: ledger.published.source.as_deref(),
        agency_map: ledger
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

/// A place in a file as JSON writes it: the exact file name (JSON escapes what needs escaping),
/// not the escaped one a terminal is shown.
/// A plain cost's stated amount; `None` for a composite.
fn stated_amount(basis: &crate::costs::CostBasis) -> Option<Exact> {
    match basis {
        crate::costs::CostBasis::Amount(amount) => Some(exact(*amount)),
        crate::costs::CostBasis::Components(_) => None,
    }
}

fn location(location: &Location) -> String {
    match (location.line, location.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", location.file),
        (Some(line), None) => format!("{}:{line}", location.file),
        _ => location.file.clone(),
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
        stated_cost: service.stated_cost.map(exact),
        stated_price_year: service
            .stated_cost
            .and(definition.price_year)
            .map(|year| year.to_string()),
        components: match &definition.basis {
            CostBasis::Amount(_) => None,
            CostBasis::Components(components) => Some(
                components
                    .iter()
                    .filter_map(|component| {
                        let part = book.service(book.lookup(&component.id)?);
                        Some(Part {
                            id: &part.definition.id,
                            name: &part.definition.name,
                            quantity: exact(component.quantity),
                            unit: &part.definition.unit,
                            unit_cost: exact(part.unit_cost),
                            // The book checked this product when it costed the composite;
                            // checked again here rather than trusted.
                            amount: component.quantity.checked_mul(part.unit_cost).map(exact),
                        })
                    })
                    .collect(),
            ),
        },
    }
}

fn findings(ledger: &StudyLedger) -> Findings<'_> {
    let found = views::AgencyFindings::of(ledger);
    Findings {
        funding_stated: !matches!(ledger.funding, Funding::Unstated),
        come_out_ahead: found.come_out_ahead,
        fund_more_than_they_gain: found.fund_more_than_they_gain,
        costs_rose_for: found.costs_rose_for,
    }
}

fn family<'a>(
    ledger: &'a StudyLedger,
    family: &'a FamilyLedger,
    options: JsonOptions,
) -> Family<'a> {
    let line = |line: &'a CostLine| {
        let service = ledger.book.service(line.service);
        let definition = &service.definition;
        Line {
            service: &definition.id,
            name: &definition.name,
            quantity: exact(line.quantity),
            unit: &definition.unit,
            unit_cost: exact(line.unit_cost),
            amount: exact(line.amount),
            notes: &line.notes,
            uprated_from: views::uprated_from(&ledger.book, service).map(|(cost, year)| Stated {
                cost: exact(cost),
                price_year: year.to_string(),
            }),
        }
    };
    Family {
        family_id: &family.family_id,
        before: exact(family.before),
        after: exact(family.after),
        gross_saving: exact(family.gross_saving()),
        intervention: exact(family.intervention),
        net_saving: exact(family.net_saving()),
        lines: options.itemises(ledger).then(|| Lines {
            before: family.before_lines().iter().map(line).collect(),
            intervention: family
                .intervention_items(ledger)
                .map(|item| InterventionLine {
                    item: &item.name,
                    amount: exact(item.per_family),
                    derivation: derived(&item.derivation),
                })
                .collect(),
            after: family.after_lines().iter().map(line).collect(),
        }),
    }
}

fn input(account: &FileAccount) -> Input<'_> {
    Input {
        file: &account.file,
        rows_read: account.rows_read,
        rows_used: account.rows_used,
        rows_blank: account.rows_blank,
        rows_rejected: account.rows_rejected,
    }
}

/// Any document as JSON: each table an array of objects keyed by column, money as exact decimal
/// strings. For outputs with no study figures, such as `costs list`.
pub fn render_document(
    document: &crate::report::Document<'_>,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    use crate::report::view::Cell;
    let tables: Vec<serde_json::Value> = document
        .tables
        .iter()
        .map(|table| {
            let rows: Vec<serde_json::Value> = table
                .all_rows()
                .map(|row| {
                    let mut object = serde_json::Map::new();
                    for (column, cell) in table.columns.iter().zip(&row.cells) {
                        let value = match cell {
                            Cell::Text(text) => serde_json::Value::String(text.clone()),
                            Cell::Money(value)
                            | Cell::UnitCost(value)
                            | Cell::MoneyDifference(value)
                            | Cell::Ratio(value)
                            | Cell::Quantity(value)
                            | Cell::Percent(value)
                            | Cell::Number { value, .. } => {
                                serde_json::Value::String(decimal_text(*value))
                            }
                            Cell::Count(count) => serde_json::Value::from(*count),
                            Cell::Verdict { .. } => {
                                serde_json::Value::String(crate::report::format::cell_text(
                                    cell,
                                    crate::money::Precision::Pence,
                                    crate::report::format::Style::Display,
                                ))
                            }
                            Cell::Phrase(pieces) => {
                                serde_json::Value::String(crate::report::format::phrase_text(
                                    pieces,
                                    crate::money::Precision::Pence,
                                ))
                            }
                            Cell::Empty => serde_json::Value::Null,
                        };
                        object.insert(json_key(column), value);
                    }
                    serde_json::Value::Object(object)
                })
                .collect();
            serde_json::json!({ "table": table.key, "title": table.title, "rows": rows })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *output, &serde_json::json!({ "tables": tables }))
        .map_err(std::io::Error::from)?;
    writeln!(output)?;
    Ok(())
}

/// A column heading as a JSON key: "Price year" becomes "price_year".
fn json_key(column: &str) -> String {
    let mut key = String::new();
    for character in column.chars() {
        if character.is_ascii_alphanumeric() {
            key.push(character.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn written(value: Decimal) -> String {
        serde_json::to_value(Exact(value))
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn money_is_written_without_trailing_zeros() {
        for (stated, expected) in [
            ("12000.0", "12000"),
            ("54000.00", "54000"),
            ("120000", "120000"),
            ("0.50", "0.5"),
            ("858.000", "858"),
            ("-36978.00", "-36978"),
            ("-0.00", "0"),
            (
                "857.9333333333333333333333333",
                "857.9333333333333333333333333",
            ),
        ] {
            let value = Decimal::from_str(stated).unwrap();
            assert_eq!(written(value), expected, "{stated}");
            assert_eq!(decimal_text(value), expected, "{stated}");
        }
    }

    #[test]
    fn normalising_never_changes_a_value() {
        for stated in [
            "0",
            "0.5000",
            "-1.10",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "1000000000000000000000000000.0",
        ] {
            let value = Decimal::from_str(stated).unwrap();
            assert_eq!(
                Decimal::from_str(&written(value)).unwrap(),
                value,
                "{stated}"
            );
        }
    }

    #[test]
    fn huge_and_tiny_figures_are_plain_digits() {
        assert_eq!(written(Decimal::MAX), "79228162514264337593543950335");
        assert_eq!(
            written(Decimal::from_str("0.0000000000000000000000000001").unwrap()),
            "0.0000000000000000000000000001"
        );
        // 7.9e28 with a scale, as a division can leave it.
        let huge = Decimal::from_str("79000000000000000000000000000").unwrap();
        assert_eq!(written(huge), "79000000000000000000000000000");
    }
}

//! JSON output: the ledger's exact figures, with money as unrounded decimal strings. The key names
//! are part of the file-format contract (DESIGN.md, Part 1): keys may be added, never renamed.

use crate::costed::Costed;
use crate::ledger::{CostLine, FamilyLedger, StudyLedger};
use crate::usage::FileAccount;
use rust_decimal::Decimal;
use serde::Serialize;

/// What to include beyond the core figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonOptions {
    /// Each family's itemised lines (for statements).
    pub lines: bool,
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
    families: Vec<Family<'a>>,
    agencies: Vec<Agency<'a>>,
    summary: Summary,
    totals: Totals,
    reconciliation: Vec<Reconciled<'a>>,
    inputs: Vec<Input<'a>>,
}

#[derive(Serialize)]
struct Family<'a> {
    family_id: &'a str,
    before: String,
    after: String,
    gross_saving: String,
    intervention: String,
    net_saving: String,
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
    quantity: String,
    unit: &'a str,
    unit_cost: String,
    amount: String,
}

#[derive(Serialize)]
struct InterventionLine<'a> {
    item: &'a str,
    amount: String,
}

#[derive(Serialize)]
struct Agency<'a> {
    agency: &'a str,
    before: Option<String>,
    after: Option<String>,
    benefit: String,
    funding: String,
    net: String,
}

#[derive(Serialize)]
struct Summary {
    families: u64,
    delivery_cost_per_family: Option<String>,
    counterfactual_cost_per_family: String,
    net_cost_per_family: Option<String>,
    benefit_per_family: Option<String>,
    roi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roi_note: Option<String>,
}

#[derive(Serialize)]
struct Totals {
    before: Option<String>,
    intervention: String,
    after: Option<String>,
    gross_saving: String,
    net_saving: String,
    benefit: String,
}

#[derive(Serialize)]
struct Reconciled<'a> {
    figure: &'a str,
    description: &'a str,
    published: String,
    computed: Option<String>,
    difference: Option<String>,
    agrees: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    rows_read: u64,
    rows_used: u64,
    rows_blank: u64,
    rows_rejected: u64,
}

fn exact(value: Decimal) -> String {
    value.to_string()
}

pub fn render(studies: &[Costed], options: JsonOptions) -> String {
    let report = Report {
        studies: studies
            .iter()
            .map(|figures| study(figures, options))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("a report always serialises");
    text.push('\n');
    text
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
        families: ledger
            .families
            .iter()
            .map(|family| self::family(ledger, family, options))
            .collect(),
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
        },
        totals: Totals {
            before: ledger.totals.before.map(exact),
            intervention: exact(ledger.totals.intervention),
            after: ledger.totals.after.map(exact),
            gross_saving: exact(ledger.totals.benefit),
            net_saving: exact(ledger.totals.net_saving),
            benefit: exact(ledger.totals.benefit),
        },
        reconciliation: figures
            .checks
            .iter()
            .map(|check| Reconciled {
                figure: &check.key,
                description: &check.subject,
                published: exact(check.expected),
                computed: check.computed.map(exact),
                difference: check.difference.map(exact),
                agrees: check.agrees,
                note: check.note.as_deref(),
            })
            .collect(),
        inputs: ledger.inputs.iter().map(input).collect(),
    }
}

fn family<'a>(
    ledger: &'a StudyLedger,
    family: &'a FamilyLedger,
    options: JsonOptions,
) -> Family<'a> {
    let line = |line: &CostLine| {
        let definition = &ledger.book.service(line.service).definition;
        Line {
            service: &definition.id,
            name: &definition.name,
            quantity: exact(line.quantity),
            unit: &definition.unit,
            unit_cost: exact(line.unit_cost),
            amount: exact(line.amount),
        }
    };
    Family {
        family_id: &family.family_id,
        before: exact(family.before),
        after: exact(family.after),
        gross_saving: exact(family.gross_saving()),
        intervention: exact(family.intervention),
        net_saving: exact(family.net_saving()),
        lines: options.lines.then(|| Lines {
            before: family.before_lines().iter().map(line).collect(),
            intervention: family
                .intervention_items(ledger)
                .map(|item| InterventionLine {
                    item: &item.name,
                    amount: exact(item.per_family),
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
pub fn render_document(document: &crate::report::Document) -> String {
    use crate::report::view::Cell;
    let tables: Vec<serde_json::Value> = document
        .tables
        .iter()
        .map(|table| {
            let rows: Vec<serde_json::Value> = table
                .rows
                .iter()
                .map(|row| {
                    let mut object = serde_json::Map::new();
                    for (column, cell) in table.columns.iter().zip(&row.cells) {
                        let value = match cell {
                            Cell::Text(text) => serde_json::Value::String(text.clone()),
                            Cell::Money(value)
                            | Cell::MoneyDifference(value)
                            | Cell::Ratio(value)
                            | Cell::Quantity(value)
                            | Cell::Percent(value) => serde_json::Value::String(exact(*value)),
                            Cell::Number { value, .. } => serde_json::Value::String(exact(*value)),
                            Cell::Count(count) => serde_json::Value::from(*count),
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
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "tables": tables }))
        .expect("serialisable");
    text.push('\n');
    text
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

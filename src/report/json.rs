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
    families: Families<'a>,
    agencies: Vec<Agency<'a>>,
    summary: Summary,
    totals: Totals,
    reconciliation: Vec<Reconciled<'a>>,
    inputs: Vec<Input<'a>>,
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
}

#[derive(Serialize)]
struct InterventionLine<'a> {
    item: &'a str,
    amount: Exact,
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
}

#[derive(Serialize)]
struct Totals {
    before: Option<Exact>,
    intervention: Exact,
    after: Option<Exact>,
    gross_saving: Exact,
    net_saving: Exact,
    benefit: Exact,
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
                kind: check.kind.label(),
                published: check
                    .kind
                    .expects_published()
                    .then(|| exact(check.expected)),
                expected: exact(check.expected),
                computed: check.computed.map(exact),
                difference: check.difference.map(exact),
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

//! A study's families as JSON: each family's figures and, where its statement is itemised, its
//! lines, streamed a few families at a time, serialised in parallel.

use super::JsonOptions;
use super::decimal::{Exact, exact};
use super::pieces::Pieces;
use super::pretty::Pretty;
use crate::context::StudyContext;
use crate::ledger::{CostLine, FamilyLedger, StudyLedger};
use crate::report::views;
use crate::study::{Derivation, InterventionItem};
use crate::usage::LineNotes;
use serde::Serialize;

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
    notes: Notes<'a>,
    /// For a cost uprated from another price year, the cost as its table states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    uprated_from: Option<Stated>,
}

/// A line's notes, written as a list straight from the ledger's.
struct Notes<'a>(LineNotes<'a>);

impl Serialize for Notes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

#[derive(Serialize)]
struct Stated {
    cost: Exact,
    price_year: String,
}

#[derive(Serialize)]
pub(super) struct InterventionLine<'a> {
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

/// An intervention item as JSON writes it, in a family's lines and in the assumptions.
pub(super) fn intervention_line(item: &InterventionItem) -> InterventionLine<'_> {
    InterventionLine {
        item: &item.name,
        amount: exact(item.per_family),
        derivation: derived(&item.derivation),
    }
}

fn derived(derivation: &Option<Derivation>) -> Option<Derived> {
    derivation.as_ref().map(|derivation| Derived {
        running_costs: exact(derivation.running_costs),
        families_per_year: exact(derivation.families_per_year),
    })
}

/// A study's families, serialised a few at a time as the JSON is written: a national study has
/// hundreds of thousands. Written only by [`super::render`], whose formatter takes the pieces
/// they are serialised in (see `pieces`).
pub(super) struct Families<'a> {
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
    options: JsonOptions,
}

/// The families of `ledger`, to be serialised as the JSON is written.
pub(super) fn families<'a>(
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
    options: JsonOptions,
) -> Families<'a> {
    Families {
        ledger,
        context,
        options,
    }
}

/// How deep a study's families are in the report: inside the report, its list of studies, the
/// study and the list of families.
const FAMILY: usize = 4;

/// Families serialised together on one thread: about a megabyte of JSON when itemised (some
/// 30 lines each), so that a wave of pieces, two for each thread, stays a few megabytes.
const PER_PIECE: usize = 128;

impl Serialize for Families<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Pieces {
            items: &self.ledger.families,
            write: |family: &FamilyLedger, out: &mut Vec<u8>| {
                self::family(self.ledger, self.context, family, self.options).serialize(
                    &mut serde_json::Serializer::with_formatter(out, Pretty::at(FAMILY)),
                )
            },
            depth: FAMILY,
            per_piece: PER_PIECE,
        }
        .serialize(serializer)
    }
}

fn family<'a>(
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
    family: &'a FamilyLedger,
    options: JsonOptions,
) -> Family<'a> {
    let line = |line: CostLine<'a>| {
        let service = context.book.service(line.service);
        let definition = &service.definition;
        Line {
            service: &definition.id,
            name: &definition.name,
            quantity: exact(line.quantity),
            unit: &definition.unit,
            unit_cost: exact(line.unit_cost),
            amount: exact(line.amount),
            notes: Notes(line.notes),
            uprated_from: views::uprated_from(&context.book, service).map(|(cost, year)| Stated {
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
            before: family.before_lines(&context.book).map(line).collect(),
            intervention: family
                .intervention_items(context)
                .map(intervention_line)
                .collect(),
            after: family.after_lines(&context.book).map(line).collect(),
        }),
    }
}

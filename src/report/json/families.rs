//! A study's families as JSON: each family's figures and, where its statement is itemised, its
//! lines, streamed a few families at a time, serialised in parallel.
//!
//! A national study's families are nearly all of its JSON (gigabytes, with tens of millions of
//! lines), so they are written by hand rather than derived: each key and its indent as one run of
//! bytes, each figure straight from its digits, and what a line repeats of its service (the id,
//! name, unit, unit cost and stated cost) made once a study. The bytes are what serde_json's
//! pretty formatter writes of the same fields (the output's tests compare them); the key names are
//! part of the file format, as everywhere in the JSON.

use super::JsonOptions;
use super::decimal::{Exact, exact, write_digits, write_figure};
use super::pieces::Pieces;
use super::pretty::{Pretty, line_break};
use crate::context::StudyContext;
use crate::costs::CostBook;
use crate::ledger::{CostLine, FamilyLedger, StudyLedger};
use crate::report::views;
use crate::study::{Derivation, InterventionItem};
use serde::Serialize;

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
/// study and the list of families. A family's fields are one deeper, its `lines`' lists two, a
/// line three and a line's fields four.
const FAMILY: usize = 4;

/// Families serialised together on one thread: about a megabyte of JSON when itemised (some
/// 30 lines each), so that a wave of pieces, two for each thread, stays a few megabytes.
const PER_PIECE: usize = 128;

impl Serialize for Families<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let itemised = self.options.itemises(self.ledger);
        let services = if itemised {
            services(&self.context.book, FAMILY).map_err(serde::ser::Error::custom)?
        } else {
            Vec::new()
        };
        let writer = FamilyWriter {
            context: self.context,
            depth: FAMILY,
            itemised,
            services,
        };
        Pieces {
            items: &self.ledger.families,
            write: |family: &FamilyLedger, out: &mut Vec<u8>| writer.family(family, out),
            depth: FAMILY,
            per_piece: PER_PIECE,
        }
        .serialize(serializer)
    }
}

/// What a line writes of its service, made once a study: everything but the quantity, the
/// amount and the notes.
struct ServiceText {
    /// From the line's opening brace to the quote the quantity follows.
    head: Vec<u8>,
    /// From the quote after the quantity to the quote the amount follows.
    middle: Vec<u8>,
    /// The stated cost if it was uprated, and the line's closing brace.
    tail: Vec<u8>,
}

/// Each of the book's services' text, in the book's order, for families `depth` deep.
fn services(book: &CostBook, depth: usize) -> serde_json::Result<Vec<ServiceText>> {
    let line = depth + 3;
    let field = depth + 4;
    book.services()
        .iter()
        .map(|service| {
            let definition = &service.definition;
            let mut head = b"{".to_vec();
            key(&mut head, field, true, "service");
            string(&mut head, &definition.id)?;
            key(&mut head, field, false, "name");
            string(&mut head, &definition.name)?;
            key(&mut head, field, false, "quantity");
            head.push(b'"');
            let mut middle = b"\"".to_vec();
            key(&mut middle, field, false, "unit");
            string(&mut middle, &definition.unit)?;
            key(&mut middle, field, false, "unit_cost");
            write_figure(&mut middle, service.unit_cost);
            key(&mut middle, field, false, "amount");
            middle.push(b'"');
            let mut tail = Vec::new();
            if let Some((cost, year)) = views::uprated_from(book, service) {
                key(&mut tail, field, false, "uprated_from");
                tail.push(b'{');
                key(&mut tail, field + 1, true, "cost");
                write_figure(&mut tail, cost);
                key(&mut tail, field + 1, false, "price_year");
                string(&mut tail, &year.to_string())?;
                close(&mut tail, field, b'}');
            }
            close(&mut tail, line, b'}');
            Ok(ServiceText { head, middle, tail })
        })
        .collect()
}

/// Writes a study's families, each as it stands in the report.
struct FamilyWriter<'a> {
    context: &'a StudyContext,
    /// How deep the families are in the document.
    depth: usize,
    /// Whether each family carries its lines.
    itemised: bool,
    /// Each service's text, if the families are itemised.
    services: Vec<ServiceText>,
}

impl FamilyWriter<'_> {
    fn family(&self, family: &FamilyLedger, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let field = self.depth + 1;
        out.push(b'{');
        key(out, field, true, "family_id");
        string(out, &family.family_id)?;
        for (name, value) in [
            ("before", family.before),
            ("after", family.after),
            ("gross_saving", family.gross_saving()),
            ("intervention", family.intervention),
            ("net_saving", family.net_saving()),
        ] {
            key(out, field, false, name);
            write_figure(out, value);
        }
        if self.itemised {
            let book = &self.context.book;
            let list = self.depth + 2;
            key(out, field, false, "lines");
            out.push(b'{');
            key(out, list, true, "before");
            self.lines(family.before_lines(book), out)?;
            key(out, list, false, "intervention");
            let mut items = family.intervention_items(self.context).peekable();
            out.push(b'[');
            if items.peek().is_some() {
                for (index, item) in items.enumerate() {
                    next_line(out, list + 1, index > 0);
                    intervention_line(item).serialize(
                        &mut serde_json::Serializer::with_formatter(
                            &mut *out,
                            Pretty::at(list + 1),
                        ),
                    )?;
                }
                next_line(out, list, false);
            }
            out.push(b']');
            key(out, list, false, "after");
            self.lines(family.after_lines(book), out)?;
            close(out, field, b'}');
        }
        close(out, self.depth, b'}');
        Ok(())
    }

    /// Writes a list of lines: each its service's text around its quantity, amount and notes.
    fn lines<'a>(
        &self,
        lines: impl Iterator<Item = CostLine<'a>>,
        out: &mut Vec<u8>,
    ) -> serde_json::Result<()> {
        let list = self.depth + 2;
        let field = self.depth + 4;
        out.push(b'[');
        let mut any = false;
        for (index, line) in lines.enumerate() {
            any = true;
            next_line(out, list + 1, index > 0);
            let text = &self.services[line.service.0 as usize];
            debug_assert_eq!(
                line.unit_cost,
                self.context.book.service(line.service).unit_cost,
                "a line's unit cost is its service's"
            );
            out.extend_from_slice(&text.head);
            write_digits(out, line.quantity);
            out.extend_from_slice(&text.middle);
            write_digits(out, line.amount);
            out.push(b'"');
            key(out, field, false, "notes");
            let mut notes = line.notes.peekable();
            out.push(b'[');
            if notes.peek().is_some() {
                for (index, note) in notes.enumerate() {
                    next_line(out, field + 1, index > 0);
                    string(out, note)?;
                }
                next_line(out, field, false);
            }
            out.push(b']');
            out.extend_from_slice(&text.tail);
        }
        if any {
            next_line(out, list, false);
        }
        out.push(b']');
        Ok(())
    }
}

/// Writes a key `depth` deep, after a comma unless it is the object's `first`, as the pretty
/// formatter does. Keys are plain words, with nothing to escape.
fn key(out: &mut Vec<u8>, depth: usize, first: bool, name: &str) {
    next_line(out, depth, !first);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// Writes the line break before the closing bracket of an object or list with values in it,
/// `depth` deep, and the bracket.
fn close(out: &mut Vec<u8>, depth: usize, bracket: u8) {
    next_line(out, depth, false);
    out.push(bracket);
}

/// Writes a line break indented `depth` levels, after a comma if `comma`.
fn next_line(out: &mut Vec<u8>, depth: usize, comma: bool) {
    line_break(out, depth, comma).expect("a Vec takes any write");
}

/// Writes a string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    serde_json::to_writer(out, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::costed::Costed;
    use crate::usage::{Itemise, LineNotes};
    use clap::Parser;

    // A study's families as serde derives them, as they were written before they were written
    // by hand: the bytes to match.

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
        notes: Notes<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        uprated_from: Option<Stated>,
    }

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
                uprated_from: views::uprated_from(&context.book, service).map(|(cost, year)| {
                    Stated {
                        cost: exact(cost),
                        price_year: year.to_string(),
                    }
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

    /// The studies `tfcalc family ARGUMENTS` costs, with every family's lines.
    fn studies(arguments: &[&str]) -> Vec<Costed> {
        let cli = Cli::parse_from(["tfcalc", "family", "--quiet"].iter().chain(arguments));
        let Command::Family(family) = &cli.command else {
            unreachable!("a family command")
        };
        let config = crate::commands::RunConfig::resolve(cli.global.clone());
        crate::commands::cost_studies(&family.study, &config, Itemise::Always).unwrap()
    }

    #[test]
    fn families_written_by_hand_are_the_bytes_serde_derives() {
        let hertfordshire = "examples/hertfordshire-family-e";
        for arguments in [
            // Lines with notes, and an intervention of two items.
            &[hertfordshire][..],
            // Costs uprated, so each line says what it was uprated from.
            &[
                hertfordshire,
                "--price-year",
                "2024",
                "--deflator",
                "hmt-gdp-deflator-2024",
            ],
            &["tests/fixtures/streamed"],
        ] {
            for costed in studies(arguments) {
                for lines in [Itemise::Always, Itemise::Never] {
                    let options = JsonOptions { lines };
                    let (ledger, context) = (&costed.ledger, &costed.context);
                    let derived: Vec<Family> = ledger
                        .families
                        .iter()
                        .map(|each| family(ledger, context, each, options))
                        .collect();
                    let expected = serde_json::to_string_pretty(&derived).unwrap();
                    // At the top of a document, one deep in its array, rather than in a report.
                    let writer = FamilyWriter {
                        context,
                        depth: 1,
                        itemised: options.itemises(ledger),
                        services: services(&context.book, 1).unwrap(),
                    };
                    let mut written = Vec::new();
                    Pieces {
                        items: &ledger.families,
                        write: |each: &FamilyLedger, out: &mut Vec<u8>| writer.family(each, out),
                        depth: 1,
                        per_piece: 5,
                    }
                    .serialize(&mut serde_json::Serializer::with_formatter(
                        &mut written,
                        Pretty::new(),
                    ))
                    .unwrap();
                    assert_eq!(
                        String::from_utf8(written).unwrap(),
                        expected,
                        "{arguments:?}, {lines:?}"
                    );
                }
            }
        }
    }
}

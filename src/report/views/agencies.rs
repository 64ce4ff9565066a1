//! Benefits by agency, in the layout of Leicestershire's Table 3: agencies down, studies across.
//! With `net`, each study also shows the agency's share of the delivery cost and what it comes out
//! with: who benefits against who pays.

use crate::costed::Costed;
use crate::ledger::AgencyLedger;
use crate::report::view::{Cell, Piece, Row, TableView};
use crate::study::Funding;
use indexmap::IndexSet;
use rust_decimal::Decimal;

/// Every agency of every study, in the order first seen, so that studies with different agency sets
/// line up; an agency missing from a study is £0 there, never a blank.
pub fn agency_names(studies: &[Costed]) -> IndexSet<&str> {
    studies
        .iter()
        .flat_map(|costed| {
            costed
                .ledger
                .agencies
                .iter()
                .map(|agency| agency.agency.as_str())
        })
        .collect()
}

/// The benefit to `agency` in a study: £0 if the study has no figures for it.
pub fn agency_benefit(costed: &Costed, agency: &str) -> Decimal {
    costed
        .ledger
        .agencies
        .iter()
        .find(|candidate| candidate.agency == agency)
        .map_or(Decimal::ZERO, |found| found.benefit)
}

pub fn agencies(studies: &[Costed], net: bool) -> TableView<'_> {
    let names = agency_names(studies);
    let mut columns = vec!["Agency".to_string()];
    for costed in studies {
        let name = &costed.context.name;
        if net {
            columns.extend([
                format!("{name}: benefit"),
                format!("{name}: funding"),
                format!("{name}: net"),
            ]);
        } else {
            columns.push(name.clone());
        }
    }
    let column_names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let title = if net {
        "Benefits and funding by agency"
    } else {
        "Benefits by agency"
    };
    let mut table = TableView::new(
        if net { "agencies-net" } else { "agencies" },
        title,
        &column_names,
    );

    let zero = AgencyLedger {
        agency: String::new(),
        before: None,
        after: None,
        benefit: Decimal::ZERO,
        funding: Decimal::ZERO,
        net: Decimal::ZERO,
    };
    for name in &names {
        let mut cells = vec![Cell::text(*name)];
        for costed in studies {
            let agency = costed
                .ledger
                .agencies
                .iter()
                .find(|agency| agency.agency == *name)
                .unwrap_or(&zero);
            cells.push(Cell::Money(agency.benefit));
            if net {
                cells.extend([Cell::Money(agency.funding), Cell::Money(agency.net)]);
            }
        }
        table.rows.push(Row::item(cells));
    }

    let mut total = vec![Cell::text("Total")];
    for costed in studies {
        let totals = &costed.ledger.totals;
        total.push(Cell::Money(totals.benefit));
        if net {
            total.extend([
                Cell::Money(totals.funding),
                Cell::Money(totals.benefit_less_funding),
            ]);
        }
    }
    table.rows.push(Row::total(total));

    for costed in studies {
        let ledger = &costed.ledger;
        let context = &costed.context;
        if let Some(per_family) = costed.appraisal.benefit_per_family {
            table.note_with_figures(vec![
                Piece::text(format!(
                    "{}: the total is {} {} × ",
                    context.name,
                    ledger.family_count,
                    if ledger.family_count == 1 {
                        "family"
                    } else {
                        "families"
                    }
                )),
                // The figure multiplied is shown to the penny (where it has pence): "75 × £858
                // = £64,345" would read as wrong arithmetic, when £858 is £857.93 rounded.
                Piece::UnitCost(per_family),
                Piece::text(" benefit per family = "),
                Piece::Money(ledger.totals.benefit),
                Piece::text("."),
            ]);
        }
        if net {
            note_who_pays(&mut table, costed);
        }
    }
    table.note("Benefit is an agency's costs before less its costs after; a negative benefit is a cost that rose.");
    table
}

fn note_who_pays(table: &mut TableView<'_>, costed: &Costed) {
    let ledger = &costed.ledger;
    let context = &costed.context;
    let findings = AgencyFindings::of(ledger, context);
    if !findings.funding_stated {
        table.note_with_figures(vec![
            Piece::text(format!("{}: no funding split is stated, so the delivery cost of ", context.name)),
            Piece::Money(ledger.totals.intervention),
            Piece::text(" is not charged to any agency (give `funding` shares in the study's [intervention])."),
        ]);
        return;
    }
    let listed = |names: &[&str]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    table.note(format!(
        "{}: come out ahead: {}. Fund more than they gain: {}.",
        context.name,
        listed(&findings.come_out_ahead),
        listed(&findings.fund_more_than_they_gain),
    ));
    if !findings.costs_rose_for.is_empty() {
        table.note(format!(
            "{}: costs rose for: {}.",
            context.name,
            findings.costs_rose_for.join(", ")
        ));
    }
}

/// Who comes out ahead, who pays more than they gain, and whose costs rose: what the notes under
/// the agency table say, kept here so that the JSON says the same.
pub(crate) struct AgencyFindings<'a> {
    /// Whether the study says who pays for delivery: if not, no agency is charged any of it.
    pub funding_stated: bool,
    pub come_out_ahead: Vec<&'a str>,
    pub fund_more_than_they_gain: Vec<&'a str>,
    pub costs_rose_for: Vec<&'a str>,
}

impl<'a> AgencyFindings<'a> {
    pub(crate) fn of(
        ledger: &'a crate::ledger::StudyLedger,
        context: &crate::context::StudyContext,
    ) -> AgencyFindings<'a> {
        let chosen = |keep: &dyn Fn(&AgencyLedger) -> bool| -> Vec<&'a str> {
            ledger
                .agencies
                .iter()
                .filter(|a| keep(a))
                .map(|a| a.agency.as_str())
                .collect()
        };
        AgencyFindings {
            funding_stated: !matches!(context.funding, Funding::Unstated),
            come_out_ahead: chosen(&|agency| agency.net > Decimal::ZERO),
            // An agency that funds nothing and whose costs rose is behind, but it does not "fund
            // more than it gains": it funds nothing. Costs that rose are a list of their own.
            fund_more_than_they_gain: chosen(&|agency| {
                agency.funding > Decimal::ZERO && agency.funding > agency.benefit
            }),
            costs_rose_for: chosen(&|agency| agency.benefit < Decimal::ZERO),
        }
    }
}

//! Builders of report tables from the ledger. Nothing here computes money: every figure is read
//! from a [`StudyLedger`], the cost book, or what the analysis found (an
//! [`Appraisal`](crate::analysis::roi::Appraisal), a reconciliation
//! [`Check`](crate::analysis::check::Check), a rounding gap, a waterfall).

mod agencies;
mod assumptions;
pub mod charts;
mod costs;
mod reconciliation;
mod roi;
mod statements;

pub(crate) use agencies::AgencyFindings;
pub use agencies::agencies;
pub use assumptions::assumptions;
pub use costs::{agency_list, cost_detail, cost_list};
pub(crate) use costs::{agency_of, price_year_of};

pub use reconciliation::reconciliation;
pub use roi::roi;
pub use statements::{STATEMENTS_KEY, statement_rows, statements, statements_rows};

use super::view::{Cell, GeneratedRows, Piece, Row, TableView};
use crate::context::StudyContext;
use crate::costed::Costed;
use crate::costs::ServiceId;
use crate::ledger::{CostLine, FamilyLedger, StudyLedger};
use std::collections::BTreeSet;

fn window_heading(context: &StudyContext, when: &str) -> String {
    match context.window_months {
        Some(1) => format!("Costs in the month {when}"),
        Some(months) => format!("Costs in the {months} months {when}"),
        None => format!("Costs {when}"),
    }
}

/// The Hertfordshire-style statement of one family: costs before, the intervention, costs after,
/// and the saving.
pub fn statement(context: &StudyContext, family: &FamilyLedger) -> TableView<'static> {
    // A one-family study is usually named after its family ("Family E"): don't say it twice.
    let named_after_family = *context.name == *family.family_id
        || context.name.ends_with(&format!(" {}", family.family_id));
    let title = if named_after_family {
        format!("{}: costs before and after the intervention", context.name)
    } else {
        format!("{}: family {}", context.name, family.family_id)
    };
    let mut table = TableView::new(
        format!("statement-{}", family.family_id),
        title,
        &["Item", "Amount", "Unit cost"],
    );

    table.rows.push(Row::heading(vec![
        Cell::text(window_heading(context, "before")),
        Cell::Money(family.before),
        Cell::Empty,
    ]));
    for line in family.before_lines(&context.book) {
        push_cost_line(&mut table, context, &line);
    }

    table.rows.push(Row::heading(vec![
        Cell::text("Intervention cost"),
        Cell::Money(family.intervention),
        Cell::Empty,
    ]));
    for item in family.intervention_items(context) {
        let mut pieces = vec![Piece::text(format!("{}: ", item.name))];
        if let Some(derivation) = &item.derivation {
            pieces.extend([
                Piece::Money(derivation.running_costs),
                Piece::text(" running costs ÷ "),
                Piece::Quantity(derivation.families_per_year),
                Piece::text(" families a year = "),
            ]);
        }
        pieces.push(Piece::Money(item.per_family));
        table.rows.push(Row::item(vec![
            Cell::Phrase(pieces),
            Cell::Money(item.per_family),
            Cell::Empty,
        ]));
    }

    table.rows.push(Row::heading(vec![
        Cell::text(window_heading(context, "after")),
        Cell::Money(family.after),
        Cell::Empty,
    ]));
    for line in family.after_lines(&context.book) {
        push_cost_line(&mut table, context, &line);
    }

    let period = match context.window_months {
        Some(1) => " for 1 month".to_string(),
        Some(months) => format!(" for {months} months"),
        None => String::new(),
    };
    table.rows.push(Row::total(vec![
        Cell::Phrase(vec![
            Piece::text(format!("Savings{period}: ")),
            Piece::Money(family.before),
            Piece::text(" less "),
            Piece::Money(family.intervention),
            Piece::text(" less "),
            Piece::Money(family.after),
            Piece::text(" = "),
            Piece::Money(family.net_saving()),
        ]),
        Cell::Money(family.net_saving()),
        Cell::Empty,
    ]));
    table.note("Savings are costs before less intervention costs less costs after.");
    note_counterfactual_left_out(&mut table, context, "the family");
    table
}

/// A family's net saving leaves the counterfactual out, as the contract defines it; where there is
/// one, the note says so, so that the saving is not read as the bottom line the return agrees with.
fn note_counterfactual_left_out(table: &mut TableView<'_>, context: &StudyContext, who: &str) {
    if context.counterfactual_cost_per_family.is_zero() {
        return;
    }
    table.note_with_figures(vec![
        Piece::text(format!(
            "The net saving leaves out the counterfactual, the services {who} would have used anyway ("
        )),
        Piece::UnitCost(context.counterfactual_cost_per_family),
        Piece::text(
            " per family), which the study's net benefit and return on investment allow for: see the study totals.",
        ),
    ]);
}

/// "Police call outs: 62 hours at £33 per hour = £2,046", and for a composite the line it is built from.
fn push_cost_line(table: &mut TableView<'_>, context: &StudyContext, line: &CostLine<'_>) {
    let service = context.book.service(line.service);
    let definition = &service.definition;
    let mut pieces = vec![
        Piece::text(format!("{}: ", definition.name)),
        Piece::Quantity(line.quantity),
        Piece::text(format!(" {} at ", definition.unit_for(line.quantity))),
        Piece::UnitCost(line.unit_cost),
        Piece::text(format!(" per {} = ", definition.unit)),
        Piece::Money(line.amount),
    ];
    if let Some((stated, year)) = uprated_from(&context.book, service) {
        pieces.extend([
            Piece::text(" (uprated from "),
            Piece::UnitCost(stated),
            Piece::text(format!(" per {} at {year} prices)", definition.unit)),
        ]);
    }
    let notes: Vec<&str> = line.notes.clone().collect();
    if !notes.is_empty() {
        pieces.push(Piece::text(format!(" ({})", notes.join("; "))));
    }
    table.rows.push(Row::item(vec![
        Cell::Phrase(pieces),
        Cell::Money(line.amount),
        Cell::text(definition.id.clone()),
    ]));
    // Each part's cost is the one the cost book worked out, checked, to cost the composite.
    for component in &service.parts {
        let part = context.book.service(component.service);
        table.rows.push(Row::item(vec![
            Cell::Phrase(vec![
                Piece::text(format!("    each {} is ", definition.unit)),
                Piece::Quantity(component.quantity),
                Piece::text(format!(
                    " {} of {} at ",
                    part.definition.unit_for(component.quantity),
                    part.definition.name
                )),
                Piece::UnitCost(part.unit_cost),
                Piece::text(format!(" per {} = ", part.definition.unit)),
                Piece::UnitCost(component.cost),
            ]),
            Cell::Empty,
            Cell::text(part.definition.id.clone()),
        ]));
    }
}

/// The years a study's uprated figures draw on (the target, and the own price years of the unit
/// costs it used and their parts), with the deflator's index for each; empty if it is not uprated.
pub(crate) fn deflator_years_used(
    ledger: &StudyLedger,
    context: &StudyContext,
) -> Vec<crate::uprating::YearUsed> {
    let Some(uprating) = context.book.uprating() else {
        return Vec::new();
    };
    uprating.years_used(
        unit_costs_used(ledger, context)
            .into_iter()
            .filter_map(|id| context.book.service(id).definition.price_year),
    )
}

/// The years of [`deflator_years_used`] whose index was a forecast when the series was
/// published: the assumptions table names them, and the JSON lists them.
pub(crate) fn forecast_years(
    years: &[crate::uprating::YearUsed],
) -> Vec<crate::price_year::PriceYear> {
    years
        .iter()
        .filter(|used| used.forecast)
        .map(|used| used.year)
        .collect()
}

/// For a plain cost in an uprated book, the cost as its table states it and the price year it
/// states it at (which may be the year uprated to); `None` if the book was not uprated.
pub(crate) fn stated_cost(
    service: &crate::costs::Service,
) -> Option<(rust_decimal::Decimal, crate::price_year::PriceYear)> {
    service.stated_cost.zip(service.definition.price_year)
}

/// For a cost uprated from another price year, the cost as its table states it and that year:
/// the [`stated_cost`] of a cost whose own year is not the one uprated to.
pub(crate) fn uprated_from(
    book: &crate::costs::CostBook,
    service: &crate::costs::Service,
) -> Option<(rust_decimal::Decimal, crate::price_year::PriceYear)> {
    let target = book.uprating()?.target;
    stated_cost(service).filter(|(_, year)| *year != target)
}

/// One row per family: before, intervention, after, gross and net saving, with a total row.
pub fn family_summary<'a>(ledger: &'a StudyLedger, context: &StudyContext) -> TableView<'a> {
    let mut table = TableView::new(
        "families",
        format!("{}: savings per family", context.name),
        &[
            "Family",
            "Before",
            "Intervention",
            "After",
            "Gross saving",
            "Net saving",
        ],
    );
    // One row per family, made as the renderer reaches it: a national study has hundreds of
    // thousands of families.
    table.generated = Some(GeneratedRows::new(ledger.families.len(), |index| {
        let family = &ledger.families[index];
        Row::item(vec![
            Cell::text(&*family.family_id),
            Cell::Money(family.before),
            Cell::Money(family.intervention),
            Cell::Money(family.after),
            Cell::Money(family.gross_saving()),
            Cell::Money(family.net_saving()),
        ])
    }));
    let totals = &ledger.totals;
    table.rows.push(Row::total(vec![
        Cell::text(match ledger.family_count {
            1 => "Total (1 family)".to_string(),
            count => format!("Total ({count} families)"),
        }),
        totals.before.map_or(Cell::Empty, Cell::Money),
        Cell::Money(totals.intervention),
        totals.after.map_or(Cell::Empty, Cell::Money),
        Cell::Money(totals.benefit),
        Cell::Money(totals.net_saving),
    ]));
    table.note(
        "Gross saving is before less after; net saving also takes off the intervention cost.",
    );
    note_counterfactual_left_out(&mut table, context, "the families");
    table
}

/// The study totals, one column per study.
pub fn totals(studies: &[Costed]) -> TableView<'_> {
    let ledgers: Vec<&StudyLedger> = studies.iter().map(|costed| &costed.ledger).collect();
    let mut columns = vec!["Figure"];
    columns.extend(studies.iter().map(|costed| costed.context.name.as_str()));
    let mut table = TableView::new("totals", "Study totals", &columns);
    let money_row = |label: &str, value: &dyn Fn(&StudyLedger) -> Option<rust_decimal::Decimal>| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(
            ledgers
                .iter()
                .map(|ledger| value(ledger).map_or(Cell::Empty, Cell::Money)),
        );
        cells
    };
    let mut families = vec![Cell::text("Families")];
    families.extend(
        ledgers
            .iter()
            .map(|ledger| Cell::Count(ledger.family_count)),
    );
    table.rows.push(Row::item(families));
    table
        .rows
        .push(Row::item(money_row("Costs before", &|l| l.totals.before)));
    table
        .rows
        .push(Row::item(money_row("Intervention cost", &|l| {
            Some(l.totals.intervention)
        })));
    table
        .rows
        .push(Row::item(money_row("Costs after", &|l| l.totals.after)));
    table.rows.push(Row::item(money_row(
        "Gross saving (before less after)",
        &|l| Some(l.totals.benefit),
    )));
    let net_saving = money_row("Net saving (before less intervention less after)", &|l| {
        Some(l.totals.net_saving)
    });
    if !any_counterfactual(studies) {
        // With no counterfactual the net saving is the bottom line, and agrees with the return.
        table.rows.push(Row::total(net_saving));
        return table;
    }
    // The return on investment sets the benefit against delivery less the counterfactual, so the
    // net saving is not the bottom line: the counterfactual is a step of its own, and the table
    // ends on the figure the return agrees with.
    table.rows.push(Row::item(net_saving));
    let appraised_row = |label: &str, value: &dyn Fn(&Costed) -> rust_decimal::Decimal| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(studies.iter().map(|costed| Cell::Money(value(costed))));
        cells
    };
    table
        .rows
        .push(Row::item(appraised_row(COUNTERFACTUAL_STEP, &|costed| {
            costed.appraisal.counterfactual_total
        })));
    table.rows.push(Row::total(appraised_row(
        "Net benefit (net saving plus the counterfactual)",
        &|costed| costed.appraisal.net_benefit,
    )));
    for costed in studies {
        let appraisal = &costed.appraisal;
        if appraisal.counterfactual_total.is_zero() {
            continue;
        }
        table.note_with_figures(vec![
            Piece::text(format!(
                "{}: the counterfactual is {} {} × ",
                costed.context.name,
                appraisal.families,
                if appraisal.families == 1 {
                    "family"
                } else {
                    "families"
                }
            )),
            Piece::UnitCost(appraisal.counterfactual_cost_per_family),
            Piece::text(" = "),
            Piece::Money(appraisal.counterfactual_total),
            Piece::text("; the net benefit is "),
            Piece::Money(costed.ledger.totals.net_saving),
            Piece::text(" + "),
            Piece::Money(appraisal.counterfactual_total),
            Piece::text(" = "),
            Piece::Money(appraisal.net_benefit),
            Piece::text("."),
        ]);
    }
    table.note(
        "The counterfactual is the cost of the services the families would have used anyway: the \
         delivery cost beyond it is the net cost, which the return on investment sets the benefit \
         against, so the net benefit is the bottom line that agrees with the return.",
    );
    table
}

/// The label of the counterfactual's step in the totals and the waterfall.
pub(crate) const COUNTERFACTUAL_STEP: &str =
    "Counterfactual: services the families would have used anyway";

/// Whether any of the studies has a counterfactual, and so a net benefit that differs from its net
/// saving.
pub(crate) fn any_counterfactual(studies: &[Costed]) -> bool {
    studies
        .iter()
        .any(|costed| !costed.appraisal.counterfactual_total.is_zero())
}

/// How many rows of each input were read, used, blank and rejected.
pub fn inputs(studies: &[Costed]) -> TableView<'_> {
    let mut table = TableView::new(
        "inputs",
        "Inputs read",
        &["Study", "File", "Rows read", "Used", "Blank", "Rejected"],
    );
    for Costed { context, .. } in studies {
        for account in &context.inputs {
            table.rows.push(Row::item(vec![
                Cell::text(context.name.clone()),
                Cell::text(account.file.clone()),
                Cell::Count(account.rows_read),
                Cell::Count(account.rows_used),
                Cell::Count(account.rows_blank),
                Cell::Count(account.rows_rejected),
            ]));
        }
    }
    table
}

/// Every unit cost the studies used (and the parts of composites), with its source.
pub fn sources(studies: &[Costed]) -> TableView<'_> {
    let mut table = TableView::new(
        "sources",
        "Unit costs used",
        &[
            "Unit cost",
            "Name",
            "Cost",
            "Per",
            "Agency",
            "Price year",
            "Confidence",
            "Source",
        ],
    );
    for Costed {
        ledger, context, ..
    } in studies
    {
        let book = &context.book;
        for service_id in unit_costs_used(ledger, context) {
            let service = book.service(service_id);
            let mut cells = costs::unit_cost_cells(book, service);
            cells.push(Cell::text(
                service.definition.source.clone().unwrap_or_default(),
            ));
            table.rows.push(Row::item(cells));
        }
    }
    table
}

/// The unit costs a study used, and the parts of the composites among them, in the cost book's
/// order: the sources table and the JSON list the same costs.
pub(crate) fn unit_costs_used(ledger: &StudyLedger, context: &StudyContext) -> BTreeSet<ServiceId> {
    let book = &context.book;
    let mut used: BTreeSet<ServiceId> = BTreeSet::new();
    let mut pending: Vec<ServiceId> = ledger.services.iter().map(|used| used.service).collect();
    while let Some(service) = pending.pop() {
        if !used.insert(service) {
            continue;
        }
        pending.extend(book.service(service).parts.iter().map(|part| part.service));
    }
    used
}

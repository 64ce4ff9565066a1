//! Return on investment, in the layout of Leicestershire's Table 2: one column per study.

use crate::costed::Costed;
use crate::report::view::{Cell, Piece, Row, TableView};

pub fn roi(studies: &[Costed]) -> TableView<'_> {
    let mut columns = vec![""];
    columns.extend(studies.iter().map(|costed| costed.context.name.as_str()));
    let mut table = TableView::new("roi", "Return on investment", &columns);
    let row = |label: &str, cell: &dyn Fn(&Costed) -> Cell| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(studies.iter().map(cell));
        Row::item(cells)
    };
    let money_or_none = |value: Option<rust_decimal::Decimal>| {
        value.map_or(Cell::text("n/a (no families)"), Cell::Money)
    };
    table.rows.push(row(
        "Average cost per family of delivering the service",
        &|costed| money_or_none(costed.appraisal.delivery_cost_per_family),
    ));
    // Not "cost pre-programme", as the published table has it: that reads as the families' costs
    // before the intervention, which is a different figure.
    table.rows.push(row(
        "Counterfactual per family: services the families would have used anyway",
        &|costed| Cell::Money(costed.appraisal.counterfactual_cost_per_family),
    ));
    table
        .rows
        .push(row("Average net cost per family", &|costed| {
            money_or_none(costed.appraisal.net_cost_per_family)
        }));
    table
        .rows
        .push(row("Average benefit per family", &|costed| {
            money_or_none(costed.appraisal.benefit_per_family)
        }));
    table.rows.push(Row::total(
        row(
            "Return on Investment",
            &|costed| match costed.appraisal.roi.ratio() {
                Some(ratio) => Cell::Ratio(ratio),
                None => Cell::text("undefined"),
            },
        )
        .cells,
    ));
    // With a counterfactual, a study's net saving leaves out what the return allows for: the
    // bottom line that agrees with the return is the net benefit, shown here beside it.
    let any_counterfactual = super::any_counterfactual(studies);
    if any_counterfactual {
        table.rows.push(row(
            "Net benefit of all the families (benefit less net cost)",
            &|costed| Cell::Money(costed.appraisal.net_benefit),
        ));
    }

    for costed in studies {
        let name = &costed.context.name;
        match (
            costed.appraisal.roi.ratio(),
            costed.appraisal.roi.explanation(),
        ) {
            (Some(ratio), _) => table.note_with_figures(vec![
                Piece::text(format!(
                    "{name}: for every £1 of net cost, the projected fiscal benefit is "
                )),
                Piece::PerPound(ratio),
                Piece::text("."),
            ]),
            (None, Some(why)) => table.note(format!("{name}: the return on investment is {why}.")),
            (None, None) => {}
        }
        let appraisal = &costed.appraisal;
        if any_counterfactual {
            table.note_with_figures(vec![
                Piece::text(format!("{name}: the net benefit is ")),
                Piece::Money(costed.ledger.totals.benefit),
                Piece::text(" benefit less "),
                Piece::Money(appraisal.net_cost_total),
                Piece::text(format!(
                    " net cost of all {} {} (delivery less counterfactual) = ",
                    appraisal.families,
                    if appraisal.families == 1 {
                        "family"
                    } else {
                        "families"
                    }
                )),
                Piece::Money(appraisal.net_benefit),
                Piece::text("."),
            ]);
        }
    }
    table.note(
        "Net cost is the delivery cost less the estimated cost of services the family would have used anyway; \
         the return is the benefit per family for each £1 of net cost.",
    );
    table
}

//! The assumptions behind each study's figures: windows, unit-cost tables, intervention items,
//! counterfactual and funding, so that a reader can see what the numbers rest on.

use crate::costed::Costed;
use crate::report::view::{Cell, Piece, Row, TableView};
use crate::study::Funding;

pub fn assumptions(studies: &[Costed]) -> TableView<'_> {
    let mut table = TableView::new(
        "assumptions",
        "Assumptions",
        &["Study", "Assumption", "Value"],
    );
    for costed in studies {
        let ledger = &costed.ledger;
        let context = &costed.context;
        let mut add = |assumption: &str, value: Cell| {
            table.rows.push(Row::item(vec![
                Cell::text(context.name.clone()),
                Cell::text(assumption),
                value,
            ]));
        };
        add(
            "Basis",
            Cell::text(if ledger.is_summary {
                "published programme-level figures (no family records)"
            } else {
                "service-use records for each family"
            }),
        );
        add("Families", Cell::Count(ledger.family_count));
        if let Some(months) = context.window_months {
            add(
                "Window",
                Cell::text(format!("{months} months before and {months} months after")),
            );
        }
        if !ledger.is_summary {
            add(
                "Prices",
                Cell::text(match context.book.uprating() {
                    Some(uprating) => {
                        let mut text = format!(
                            "{} prices: unit costs uprated from their own price years with the {}",
                            uprating.target_words(),
                            uprating.deflator.describe()
                        );
                        // A forecast index is a guess the series' publisher later revised: a
                        // reader should know which figures rest on one.
                        let forecasts: Vec<String> =
                            super::forecast_years(&super::deflator_years_used(ledger, context))
                                .iter()
                                .map(|year| year.to_string())
                                .collect();
                        if !forecasts.is_empty() {
                            text.push_str(&format!(
                                "; forecast when the series was published: {}",
                                forecasts.join(", ")
                            ));
                        }
                        text
                    }
                    None => "each unit cost at its own price year (not uprated; --price-year uprates them)".to_string(),
                }),
            );
            // The indices themselves, so that a reader can redo any uprating by hand:
            // cost × I(target) ÷ I(its own year).
            let years = super::deflator_years_used(ledger, context);
            if !years.is_empty() {
                let indices: Vec<String> = years
                    .iter()
                    .map(|used| {
                        // A series of percentage changes compounds to 28 digits, which no one
                        // redoes by hand: six places are shown, marked as rounded, and the JSON
                        // report has every digit.
                        const PLACES: u32 = 6;
                        let index = if used.index.normalize().scale() > PLACES {
                            format!(
                                "≈{}",
                                crate::money::round_for_display(used.index, PLACES).normalize()
                            )
                        } else {
                            crate::report::json::decimal_text(used.index)
                        };
                        format!(
                            "{}: {index}{}",
                            used.year,
                            if used.forecast { " (forecast)" } else { "" }
                        )
                    })
                    .collect();
                add("Deflator index used", Cell::text(indices.join("; ")));
            }
            let tables: Vec<String> = context
                .book
                .tables()
                .iter()
                .map(|table| match table.price_year {
                    Some(year) => format!("{} ({}, {year} prices)", table.name, table.path),
                    None => format!("{} ({})", table.name, table.path),
                })
                .collect();
            add("Unit costs", Cell::text(tables.join("; ")));
            for overridden in context.book.overrides() {
                add(
                    "Overridden unit cost",
                    Cell::text(format!(
                        "{}: {} ({}) replaced by {} ({})",
                        overridden.id,
                        overridden.replaced_cost.stated(),
                        overridden.replaced,
                        overridden.cost.stated(),
                        overridden.by
                    )),
                );
            }
        }
        for item in &context.intervention_items {
            add(
                &format!("Intervention: {}", item.name),
                Cell::Money(item.per_family),
            );
        }
        if context.intervention_items.is_empty() && ledger.totals.intervention.is_zero() {
            add("Intervention", Cell::text("no intervention cost given"));
        }
        add(
            "Counterfactual cost per family (services used anyway)",
            Cell::Money(context.counterfactual_cost_per_family),
        );
        add(
            "Funding of delivery",
            match &context.funding {
                Funding::Unstated => Cell::text("not stated"),
                Funding::Shares(shares) => Cell::Phrase(share_pieces(shares)),
                Funding::Amounts(amounts) => Cell::Phrase(amount_pieces(amounts)),
            },
        );
        for entry in &context.agency_map.entries {
            add(
                &format!("Agency mapping: {}", entry.from),
                Cell::text(if entry.to.len() == 1 {
                    format!("counted as {}", entry.describe_targets())
                } else {
                    format!("split: {}", entry.describe_targets())
                }),
            );
        }
        if let Some(source) = &context.published.source {
            add("Published figures from", Cell::text(source.clone()));
        }
    }
    table
}

fn share_pieces(shares: &indexmap::IndexMap<String, rust_decimal::Decimal>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (index, (agency, share)) in shares.iter().enumerate() {
        if index > 0 {
            pieces.push(Piece::text("; "));
        }
        pieces.push(Piece::text(format!("{agency} ")));
        pieces.push(Piece::Percent(*share));
    }
    pieces
}

fn amount_pieces(amounts: &indexmap::IndexMap<String, rust_decimal::Decimal>) -> Vec<Piece> {
    let mut pieces = vec![Piece::text("in proportion to contributions: ")];
    for (index, (agency, amount)) in amounts.iter().enumerate() {
        if index > 0 {
            pieces.push(Piece::text("; "));
        }
        pieces.push(Piece::text(format!("{agency} ")));
        pieces.push(Piece::Money(*amount));
    }
    pieces
}

//! Views of unit-cost tables: a list, one cost in full, and the agencies.

use crate::costs::{CostBasis, CostBook, Service};
use crate::price_year::PriceYear;
use crate::report::view::{Cell, Row, TableView};
use std::collections::BTreeMap;

fn price_note(book: &CostBook) -> String {
    match book.uprating() {
        Some(uprating) => format!(
            "Costs are in {} prices, uprated from their own price years with the {}.",
            uprating.target, uprating.deflator.name
        ),
        None => {
            "Costs are at their own price years; --price-year uprates them to one year.".to_string()
        }
    }
}

/// The agency that bears a unit cost, or for a composite the agencies of its parts.
pub(crate) fn agency_of(book: &CostBook, service: &Service) -> String {
    match &service.definition.basis {
        CostBasis::Amount(_) => service.definition.agency.clone().unwrap_or_default(),
        CostBasis::Components(_) => {
            let names: Vec<&str> = service
                .agency_split
                .iter()
                .map(|(agency, _)| book.agency_name(*agency))
                .collect();
            names.join(", ")
        }
    }
}

/// The price year a unit cost's cost is at: the year the book was uprated to, if it was, and
/// otherwise the cost's own.
pub(crate) fn price_year_of(book: &CostBook, service: &Service) -> Option<PriceYear> {
    match book.uprating() {
        Some(uprating) => Some(uprating.target),
        None => service.definition.price_year,
    }
}

/// A unit cost as the lists of them show it: id, name, cost, unit, agency, the price year its cost
/// is at (the year it was uprated to, if the book was), and confidence.
pub(super) fn unit_cost_cells(book: &CostBook, service: &Service) -> Vec<Cell> {
    let definition = &service.definition;
    let price_year = price_year_of(book, service)
        .map(|year| year.to_string())
        .unwrap_or_default();
    vec![
        Cell::text(definition.id.clone()),
        Cell::text(definition.name.clone()),
        Cell::UnitCost(service.unit_cost),
        Cell::text(definition.unit.clone()),
        Cell::text(agency_of(book, service)),
        Cell::text(price_year),
        Cell::text(
            definition
                .confidence
                .map(|grade| grade.to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// The unit costs `keep` chooses, one row each.
pub fn cost_list(book: &CostBook, keep: &dyn Fn(&Service) -> bool) -> TableView<'static> {
    let mut table = TableView::new(
        "unit-costs",
        "Unit costs",
        &[
            "Id",
            "Name",
            "Cost",
            "Per",
            "Agency",
            "Price year",
            "Confidence",
        ],
    );
    for service in book.services().iter().filter(|service| keep(service)) {
        table.rows.push(Row::item(unit_cost_cells(book, service)));
    }
    table.note(format!(
        "{} of {} unit costs.",
        table.rows.len(),
        book.services().len()
    ));
    table.note(price_note(book));
    table
}

/// Every field of one unit cost, then its components and its split across agencies.
pub fn cost_detail(book: &CostBook, service: &Service) -> Vec<TableView<'static>> {
    let definition = &service.definition;
    let table_info = &book.tables()[service.table];
    let mut fields = TableView::new(
        "unit-cost",
        format!("Unit cost {}", definition.id),
        &["Field", "Value"],
    );
    let mut add =
        |field: &str, value: Cell| fields.rows.push(Row::item(vec![Cell::text(field), value]));
    add("Id", Cell::text(definition.id.clone()));
    add("Name", Cell::text(definition.name.clone()));
    if let Some(code) = &definition.code {
        add("Code", Cell::text(code.clone()));
    }
    if let Some(category) = &definition.category {
        add("Category", Cell::text(category.clone()));
    }
    add("Unit", Cell::text(definition.unit.clone()));
    add("Cost", Cell::UnitCost(service.unit_cost));
    if let Some(stated) = service.stated_cost {
        let year = definition
            .price_year
            .map(|year| format!(" ({year} prices)"))
            .unwrap_or_default();
        add(&format!("Cost as stated{year}"), Cell::Money(stated));
    }
    if let CostBasis::Components(_) = definition.basis {
        add("Built from", Cell::text("its components, below"));
    }
    // The Unit Cost Database v1.4 gives, beside the fiscal cost that tfcalc costs with, the
    // economic and social values of some lines: shown as stated, in their own price years, and
    // never added to the cost (they count the same outcome in other terms).
    for (label, value) in [
        ("Economic value", &definition.economic),
        ("Social value", &definition.social),
    ] {
        if let Some(value) = value {
            let year = value
                .price_year
                .or(definition.price_year)
                .map(|year| format!(" ({year} prices)"))
                .unwrap_or_default();
            add(&format!("{label}{year}"), Cell::Money(value.amount));
        }
    }
    if let Some(agency) = &definition.agency {
        add("Agency", Cell::text(agency.clone()));
    }
    if book.contradicted_agency(service).is_some() {
        add(
            "Cost borne by",
            Cell::text(format!(
                "{} (its components' agencies; the agency above bears none of it)",
                book.bearers(service)
            )),
        );
    }
    if let Some(detail) = &definition.agency_detail {
        add("Agency detail", Cell::text(detail.clone()));
    }
    add(
        "Price year",
        Cell::text(
            definition
                .price_year
                .map(|year| year.to_string())
                .unwrap_or_else(|| "not given".to_string()),
        ),
    );
    if let Some(grade) = definition.confidence {
        let meaning = match grade {
            crate::costs::Confidence::Green => "high",
            crate::costs::Confidence::Amber => "medium",
            crate::costs::Confidence::Red => "low",
        };
        add("Confidence", Cell::text(format!("{grade} ({meaning})")));
    }
    if let Some(source) = &definition.source {
        add("Source", Cell::text(source.clone()));
    }
    if let Some(url) = &definition.url {
        add("URL", Cell::text(url.clone()));
    }
    if let Some(comment) = &definition.comment {
        add("Comment", Cell::text(comment.clone()));
    }
    add(
        "Table",
        Cell::text(format!("{} ({})", table_info.name, table_info.path)),
    );
    add("Defined at", Cell::text(definition.origin.to_string()));
    if let Some(overridden) = book.overrides().iter().find(|o| o.id == definition.id) {
        add(
            "Overrides",
            Cell::text(format!("the cost defined at {}", overridden.replaced)),
        );
    }
    fields.note(price_note(book));
    if definition.economic.is_some() || definition.social.is_some() {
        fields.note(
            "The economic and social values are as the database states them, in their own price years: the cost tfcalc adds up is the fiscal value alone.",
        );
    }
    let mut tables = vec![fields];

    if let CostBasis::Components(components) = &definition.basis {
        let mut parts = TableView::new(
            "components",
            "Components",
            &["Component", "Name", "Quantity", "Unit cost", "Agency"],
        );
        for component in components {
            let Some(part_id) = book.lookup(&component.id) else {
                continue;
            };
            let part = book.service(part_id);
            parts.rows.push(Row::item(vec![
                Cell::text(component.id.clone()),
                Cell::text(part.definition.name.clone()),
                Cell::Quantity(component.quantity),
                Cell::UnitCost(part.unit_cost),
                Cell::text(agency_of(book, part)),
            ]));
        }
        tables.push(parts);
    }
    let mut split = TableView::new(
        "agency-split",
        "Who bears the cost of one unit",
        &["Agency", "Amount"],
    );
    for (agency, amount) in &service.agency_split {
        split.rows.push(Row::item(vec![
            Cell::text(book.agency_name(*agency)),
            Cell::UnitCost(*amount),
        ]));
    }
    split.rows.push(Row::total(vec![
        Cell::text("Total"),
        Cell::UnitCost(service.unit_cost),
    ]));
    tables.push(split);
    tables
}

/// The agencies and how many unit costs each bears.
pub fn agency_list(book: &CostBook) -> TableView<'_> {
    let mut counts: BTreeMap<&str, (u64, Vec<&str>)> = BTreeMap::new();
    for service in book.services() {
        if let (CostBasis::Amount(_), Some(agency)) =
            (&service.definition.basis, &service.definition.agency)
        {
            let entry = counts.entry(agency.as_str()).or_default();
            entry.0 += 1;
            if let Some(detail) = &service.definition.agency_detail
                && !entry.1.contains(&detail.as_str())
            {
                entry.1.push(detail);
            }
        }
    }
    let mut table = TableView::new(
        "agencies",
        "Agencies bearing unit costs",
        &["Agency", "Unit costs", "Parts of the agency"],
    );
    for agency in book.agencies() {
        let (count, details) = counts.remove(agency.as_str()).unwrap_or_default();
        table.rows.push(Row::item(vec![
            Cell::text(agency.clone()),
            Cell::Count(count),
            Cell::text(details.join("; ")),
        ]));
    }
    table.note(format!(
        "{} agencies. Composite costs are not counted here: their parts are, under the agencies that bear them.",
        book.agencies().len()
    ));
    table
}

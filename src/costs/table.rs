//! The unit-cost table file format (TOML), read into checked [`UnitCost`] definitions.
//!
//! One file is one table. Checks that need several tables at once (duplicate ids, composites that
//! refer to other tables, cycles) happen in [`super::book`].

use super::{Component, Confidence, CostBasis, OtherValue, TableInfo, UnitCost};
use crate::diagnostic::{Diagnostics, Location};
use crate::price_year::PriceYear;
use crate::toml_input::{RawNumber, Source};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTableFile {
    table: Option<RawTableHeader>,
    #[serde(default)]
    unit_cost: Vec<Spanned<RawUnitCost>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTableHeader {
    name: Option<String>,
    price_year: Option<Spanned<String>>,
    source: Option<String>,
    description: Option<String>,
    #[serde(default)]
    overrides: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnitCost {
    id: Option<Spanned<String>>,
    name: Option<String>,
    unit: Option<String>,
    unit_plural: Option<String>,
    cost: Option<Spanned<RawNumber>>,
    /// The Unit Cost Database's economic and social values beside the fiscal `cost`, at the same
    /// price year. Carried with the cost, not added to it.
    economic: Option<Spanned<RawNumber>>,
    social: Option<Spanned<RawNumber>>,
    /// Given only where a value is at another price year than the cost.
    economic_price_year: Option<Spanned<String>>,
    social_price_year: Option<Spanned<String>>,
    components: Option<Vec<Spanned<RawComponent>>>,
    agency: Option<Spanned<String>>,
    agency_detail: Option<String>,
    price_year: Option<Spanned<String>>,
    confidence: Option<Spanned<String>>,
    code: Option<String>,
    source: Option<String>,
    url: Option<String>,
    comment: Option<String>,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    id: Spanned<String>,
    quantity: Option<Spanned<RawNumber>>,
}

/// Whether `id` is a valid unit-cost id: lower-case letters, digits, `_`, `.` and `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        })
}

/// Reads one table. Entries with problems are recorded in `diagnostics` and left out; the rest are
/// returned so that later checks can still report what else is wrong.
pub fn parse_table(
    name: &str,
    text: &str,
    builtin: bool,
    diagnostics: &mut Diagnostics,
) -> Option<(TableInfo, Vec<UnitCost>)> {
    let source = Source::new(name, text);
    let raw: RawTableFile = source.parse(diagnostics)?;
    let header = raw.table.unwrap_or_default();
    let default_price_year = header
        .price_year
        .as_ref()
        .and_then(|year| parse_price_year(&source, year, diagnostics));
    let info = TableInfo {
        name: header.name.unwrap_or_else(|| name.to_string()),
        path: name.to_string(),
        source: header.source,
        description: header.description,
        price_year: default_price_year,
        overrides: header.overrides,
        builtin,
    };
    if raw.unit_cost.is_empty() {
        diagnostics
            .error(
                Some(Location::file(name)),
                "the table has no [[unit_cost]] entries",
            )
            .hint("add at least one [[unit_cost]] with an id, name, cost and agency");
    }
    let costs = raw
        .unit_cost
        .iter()
        .filter_map(|entry| parse_unit_cost(&source, entry, &info, diagnostics))
        .collect();
    Some((info, costs))
}

fn parse_unit_cost(
    source: &Source<'_>,
    entry: &Spanned<RawUnitCost>,
    table: &TableInfo,
    diagnostics: &mut Diagnostics,
) -> Option<UnitCost> {
    let raw = entry.get_ref();
    let entry_location = source.location(entry);
    let errors_before = diagnostics.error_count();

    let Some(id) = &raw.id else {
        diagnostics
            .error(Some(entry_location), "a [[unit_cost]] has no `id`")
            .hint("give it an id such as id = \"police_hour\", which service-use rows refer to");
        return None;
    };
    let id_location = source.location(id);
    if !is_valid_id(id.get_ref()) {
        diagnostics
            .error(
                Some(id_location.clone()),
                format!(
                    "unit-cost id {:?} has characters other than a-z, 0-9, `_`, `.` and `-`",
                    id.get_ref()
                ),
            )
            .hint(format!("try {:?}", suggest_id(id.get_ref())));
    }
    let shown_id = id.get_ref().as_str();
    if raw
        .name
        .as_deref()
        .is_none_or(|name| name.trim().is_empty())
    {
        diagnostics
            .error(
                Some(id_location.clone()),
                format!("unit cost `{shown_id}` has no `name`"),
            )
            .hint("add name = \"...\": it is the wording used in statements and reports");
    }

    let basis = match (&raw.cost, &raw.components) {
        (Some(cost), None) => {
            let amount = source.decimal(cost, &format!("the cost of `{shown_id}`"), diagnostics);
            if let Some(amount) = amount
                && amount.is_sign_negative()
                && !amount.is_zero()
            {
                diagnostics
                    .error(
                        Some(source.location(cost)),
                        format!("the cost of `{shown_id}` is negative ({amount})"),
                    )
                    .hint("unit costs are what a service costs, so zero or more");
            }
            amount.map(CostBasis::Amount)
        }
        (None, Some(components)) => {
            if components.is_empty() {
                diagnostics
                    .error(Some(id_location.clone()), format!("composite `{shown_id}` has an empty component list"))
                    .hint("list its parts, e.g. components = [{ id = \"officer_hour\", quantity = \"36\" }]");
            }
            let parsed: Vec<Component> = components
                .iter()
                .filter_map(|component| parse_component(source, shown_id, component, diagnostics))
                .collect();
            Some(CostBasis::Components(parsed))
        }
        (Some(_), Some(_)) => {
            diagnostics
                .error(
                    Some(id_location.clone()),
                    format!("unit cost `{shown_id}` has both a `cost` and `components`"),
                )
                .hint("a composite's cost is the sum of its components: remove one of the two");
            None
        }
        (None, None) => {
            diagnostics
                .error(Some(id_location.clone()), format!("unit cost `{shown_id}` has no `cost`"))
                .hint("add cost = \"33\" (a string, so it stays exact), or components = [...] for a composite");
            None
        }
    };

    let price_year = match &raw.price_year {
        Some(year) => parse_price_year(source, year, diagnostics),
        None => table.price_year,
    };
    let other_value = |kind: &str,
                       value: &Option<Spanned<RawNumber>>,
                       year: &Option<Spanned<String>>,
                       diagnostics: &mut Diagnostics| {
        let amount = source.decimal(
            value.as_ref()?,
            &format!("the {kind} value of `{shown_id}`"),
            diagnostics,
        )?;
        let price_year = match year {
            Some(year) => Some(parse_price_year(source, year, diagnostics)?),
            None => price_year,
        };
        Some(OtherValue { amount, price_year })
    };
    let economic = other_value(
        "economic",
        &raw.economic,
        &raw.economic_price_year,
        diagnostics,
    );
    let social = other_value("social", &raw.social, &raw.social_price_year, diagnostics);

    let agency = raw
        .agency
        .as_ref()
        .map(|agency| agency.get_ref().trim().to_string());
    let is_plain = matches!(basis, Some(CostBasis::Amount(_)));
    if is_plain && agency.as_deref().is_none_or(str::is_empty) {
        diagnostics
            .error(Some(id_location.clone()), format!("unit cost `{shown_id}` has no `agency`"))
            .hint("add agency = \"Police\" (who bears the cost): the benefits-by-agency table needs it");
    }

    let confidence = raw.confidence.as_ref().and_then(|grade| {
        let parsed = grade.get_ref().parse::<Confidence>();
        if parsed.is_err() {
            diagnostics
                .error(
                    Some(source.location(grade)),
                    format!(
                        "confidence {:?} of `{shown_id}` is not a grade",
                        grade.get_ref()
                    ),
                )
                .hint("use G (high), A (medium) or R (low), as in the Unit Cost Database");
        }
        parsed.ok()
    });

    if diagnostics.error_count() > errors_before {
        return None;
    }
    Some(UnitCost {
        id: id.get_ref().clone(),
        name: raw.name.clone().unwrap_or_default().trim().to_string(),
        unit: raw.unit.clone().unwrap_or_else(|| "item".to_string()),
        unit_plural: raw.unit_plural.clone(),
        basis: basis?,
        economic,
        social,
        agency: agency.filter(|agency| !agency.is_empty()),
        agency_detail: raw
            .agency_detail
            .clone()
            .filter(|detail| !detail.trim().is_empty()),
        price_year,
        confidence,
        code: raw.code.clone(),
        source: raw.source.clone().or_else(|| table.source.clone()),
        url: raw.url.clone(),
        comment: raw.comment.clone(),
        category: raw.category.clone(),
        origin: id_location,
    })
}

fn parse_component(
    source: &Source<'_>,
    parent: &str,
    component: &Spanned<RawComponent>,
    diagnostics: &mut Diagnostics,
) -> Option<Component> {
    let raw = component.get_ref();
    let quantity = match &raw.quantity {
        Some(quantity) => {
            let what = format!("the quantity of `{}` in `{parent}`", raw.id.get_ref());
            let value = source.decimal(quantity, &what, diagnostics)?;
            if value.is_sign_negative() && !value.is_zero() {
                diagnostics
                    .error(
                        Some(source.location(quantity)),
                        format!("{what} is negative ({value})"),
                    )
                    .hint("component quantities must be zero or more");
                return None;
            }
            value
        }
        None => rust_decimal::Decimal::ONE,
    };
    Some(Component {
        id: raw.id.get_ref().clone(),
        quantity,
        location: source.location(&raw.id),
    })
}

fn parse_price_year(
    source: &Source<'_>,
    year: &Spanned<String>,
    diagnostics: &mut Diagnostics,
) -> Option<PriceYear> {
    match year.get_ref().parse::<PriceYear>() {
        Ok(year) => Some(year),
        Err(message) => {
            diagnostics.error(Some(source.location(year)), message);
            None
        }
    }
}

/// A valid id close to an invalid one: `Police Hour` becomes `police_hour`.
fn suggest_id(id: &str) -> String {
    let mut suggestion = String::new();
    for character in id.trim().chars() {
        let lower = character.to_ascii_lowercase();
        if lower.is_ascii_lowercase() || lower.is_ascii_digit() || matches!(lower, '.' | '-') {
            suggestion.push(lower);
        } else if !suggestion.ends_with('_') {
            suggestion.push('_');
        }
    }
    suggestion.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lower_case_and_plain() {
        assert!(is_valid_id("police_hour"));
        assert!(is_valid_id("cr2.0-1"));
        assert!(!is_valid_id("Police"));
        assert!(!is_valid_id("police hour"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Police Hour"), "police_hour");
    }
}

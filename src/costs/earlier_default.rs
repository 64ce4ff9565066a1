//! Files that name no unit-cost table, held to the figures they were written for.
//!
//! With no table named, tfcalc costs with its default tables. Those were the Unit Cost Database
//! v1.2 and the Hertfordshire costs, uprated with v1.2's deflator; they are now v1.4 and the
//! Hertfordshire costs, uprated with v1.4's. The database renumbered its lines between the two
//! (v1.2's `cr1.5` is v1.4's `cr1.3`) and revised costs, so the same service id can cost
//! differently, or be a different service. A file written before the change would then get a
//! different figure in silence, the worst thing tfcalc can do. So a file that names no table is
//! costed as before wherever the two defaults agree, which is for most rows, and is refused,
//! with both figures and the fix, for every service whose cost they do not agree on.

use super::book::CostBook;
use super::builtin::{self, EARLIER_DEFAULTS};
use super::table::parse_table;
use super::{Service, TableInfo, UnitCost};
use crate::diagnostic::{Diagnostics, Location};
use crate::money::{Precision, format_money};
use crate::uprating::{Deflator, Uprating};
use std::sync::{Arc, OnceLock};

/// A service the two default tables cost differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    pub id: String,
    /// How the earlier default (v1.2) describes it, and its cost per unit there.
    pub earlier: String,
    /// How the current default (v1.4) describes it, and its cost per unit there.
    pub now: String,
}

/// The earlier default tables, parsed once (they are compiled in and a test holds them valid).
fn earlier_tables() -> &'static [(TableInfo, Vec<UnitCost>)] {
    static TABLES: OnceLock<Vec<(TableInfo, Vec<UnitCost>)>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut diagnostics = Diagnostics::new();
        EARLIER_DEFAULTS
            .iter()
            .filter_map(|name| {
                let table = builtin::by_name(name).expect("an earlier default is a built-in table");
                parse_table(
                    &builtin::display_name(table.name),
                    table.text,
                    true,
                    &mut diagnostics,
                )
            })
            .collect()
    })
}

/// Whether the earlier default tables define `id`: for the hint on an id the current ones lack.
pub fn earlier_default_has(id: &str) -> bool {
    earlier_tables()
        .iter()
        .any(|(_, costs)| costs.iter().any(|cost| cost.id == id))
}

/// For a cost shown from the default tables: how the earlier default described the same id, if
/// it named another service or stated another cost, so that a reader of `costs show` is not
/// misled by a code they know from v1.2.
pub fn earlier_meaning(book: &CostBook, service: &Service) -> Option<String> {
    if !book.is_by_default() {
        return None;
    }
    let (_, earlier) = earlier_tables()
        .iter()
        .flat_map(|(info, costs)| costs.iter().map(move |cost| (info, cost)))
        .find(|(_, cost)| cost.id == service.definition.id)?;
    let same = earlier.name == service.definition.name
        && earlier.basis == service.definition.basis
        && earlier.price_year == service.definition.price_year;
    (!same).then(|| {
        format!(
            "`{}` is another line in the Unit Cost Database v1.2, the default table before v1.4: \"{}\", {} per {}{}; `--costs ucd-v1.2` shows it",
            earlier.id,
            earlier.name,
            earlier.basis.stated(),
            earlier.unit,
            earlier
                .price_year
                .map(|year| format!(" at {year} prices"))
                .unwrap_or_default(),
        )
    })
}

/// The services used (`used[i]` for `book.services()[i]`) that the earlier default tables cost
/// differently from `book`, which was loaded by default. `named_deflator` is the series the user
/// named, if any: both books uprate with it then; otherwise each with its own database's series.
pub fn changed_services(
    book: &CostBook,
    used: impl Fn(usize) -> bool,
    named_deflator: Option<&Arc<Deflator>>,
) -> Vec<Changed> {
    let uprating = book.uprating().map(|current| {
        let deflator = named_deflator.cloned().unwrap_or_else(|| {
            Arc::new(builtin::deflator_for_tables(EARLIER_DEFAULTS.iter().copied()).parse())
        });
        Uprating::with(current.target, deflator)
    });
    // The earlier defaults may not cover the price year asked for (v1.2's series stops in
    // 2017/18): then no file could have had figures from them, and nothing is held to them.
    let mut scratch = Diagnostics::new();
    let Some(earlier) =
        CostBook::from_tables(earlier_tables().to_vec(), uprating.as_ref(), &mut scratch)
    else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for (index, service) in book.services().iter().enumerate() {
        if !used(index) {
            continue;
        }
        let id = &service.definition.id;
        // A service only the current default has could not have been costed before.
        let Some(earlier_id) = earlier.lookup(id) else {
            continue;
        };
        let before = earlier.service(earlier_id);
        if !same_cost(&earlier, before, book, service) {
            changed.push(Changed {
                id: id.clone(),
                earlier: describe(&earlier, before),
                now: describe(book, service),
            });
        }
    }
    changed
}

/// Whether two services cost the same per unit and split it the same way between agencies of
/// the same names: then every figure a report draws from them is the same.
fn same_cost(a_book: &CostBook, a: &Service, b_book: &CostBook, b: &Service) -> bool {
    let split = |book: &CostBook, service: &Service| {
        let mut split: Vec<(String, rust_decimal::Decimal)> = service
            .agency_split
            .iter()
            .map(|(agency, amount)| (book.agency_name(*agency).to_string(), amount.normalize()))
            .collect();
        split.sort();
        split
    };
    a.unit_cost.normalize() == b.unit_cost.normalize() && split(a_book, a) == split(b_book, b)
}

/// "\"Acceptable Behaviour Contract issued\", £230.00 a item (Police)".
fn describe(book: &CostBook, service: &Service) -> String {
    format!(
        "\"{}\", {} per {} ({})",
        service.definition.name,
        format_money(service.unit_cost, Precision::Pence),
        service.definition.unit,
        book.bearers(service)
    )
}

/// Refuses a file that names no table and uses services the two defaults cost differently: one
/// error, at the study, listing the first few with both figures, and the fix.
pub fn refuse_changed(
    changed: &[Changed],
    location: Option<Location>,
    command_line: bool,
    diagnostics: &mut Diagnostics,
) {
    const LISTED: usize = 5;
    let Some(first) = changed.first() else {
        return;
    };
    let listed: Vec<String> = changed
        .iter()
        .take(LISTED)
        .map(|change| {
            format!(
                "`{}` was {} and is now {}",
                change.id, change.earlier, change.now
            )
        })
        .collect();
    let more = match changed.len().saturating_sub(LISTED) {
        0 => String::new(),
        left => format!("; and {left} more"),
    };
    let (earlier, now) = if command_line {
        (
            "--costs ucd-v1.2 --costs hertfordshire-2013".to_string(),
            "--costs ucd-v1.4 --costs hertfordshire-2013".to_string(),
        )
    } else {
        (
            "unit_costs = [\"ucd-v1.2\", \"hertfordshire-2013\"]".to_string(),
            "unit_costs = [\"ucd-v1.4\", \"hertfordshire-2013\"]".to_string(),
        )
    };
    diagnostics
        .error(
            location,
            format!(
                "this names no unit-cost table, and {} of the services it uses cost differently in the default tables now (Unit Cost Database v1.4) from those tfcalc used before (v1.2): {}{more}",
                changed.len(),
                listed.join("; "),
            ),
        )
        .hint(format!(
            "name the tables you mean, so that the figures cannot change under you: {earlier} for the figures this gave before (v1.2 numbers its lines differently, so `{}` there may be another service in v1.4), or {now} for the current database, after checking each id against `tfcalc costs show ID`",
            first.id
        ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earlier_defaults_parse_whole() {
        let tables = earlier_tables();
        assert_eq!(tables.len(), EARLIER_DEFAULTS.len());
        assert!(earlier_default_has("cr1.5"));
        assert!(earlier_default_has("police_hour"));
        assert!(!earlier_default_has("no-such-service"));
    }
}

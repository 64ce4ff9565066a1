//! Unit costs: what one unit of a public service costs, and which agency bears it.
//!
//! - [`table`] reads one TOML table file into [`UnitCost`] definitions.
//! - [`book`] merges several tables into a [`CostBook`], checks ids across them, and resolves
//!   composites into a cost per unit and its split across agencies.
//! - [`builtin`] holds the reference tables compiled into the binary.
//! - [`earlier_default`] holds a file that names no table to the figures the earlier default
//!   tables gave it.

pub(crate) mod book;
pub(crate) mod builtin;
pub(crate) mod earlier_default;
pub mod import_ucd;
pub mod import_ucd_workbook;
pub mod table;

pub use book::{AgencyId, CostBook, Override, Service, ServiceId};

use crate::diagnostic::Location;
use crate::price_year::PriceYear;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// One table file's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    /// The file it came from, as shown in messages.
    pub path: String,
    pub source: Option<String>,
    pub description: Option<String>,
    /// The price year of entries that give none.
    pub price_year: Option<PriceYear>,
    /// Whether this table may replace costs loaded before it (a council's local costs).
    pub overrides: bool,
    /// Whether it is compiled into the binary rather than read from disk.
    pub builtin: bool,
}

/// A unit cost as defined in a table, before composites are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCost {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub unit_plural: Option<String>,
    pub basis: CostBasis,
    /// Economic and social values (Unit Cost Database v1.4), beside the fiscal cost in `basis`.
    pub economic: Option<OtherValue>,
    pub social: Option<OtherValue>,
    pub agency: Option<String>,
    pub agency_detail: Option<String>,
    pub price_year: Option<PriceYear>,
    pub confidence: Option<Confidence>,
    pub code: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub comment: Option<String>,
    /// A grouping such as the Unit Cost Database's "CRIME / DOMESTIC VIOLENCE".
    pub category: Option<String>,
    /// Where the id is written.
    pub origin: Location,
}

/// A value of a unit cost other than its fiscal cost: an amount and the price year it is in (the
/// cost's own unless the table says otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct OtherValue {
    pub amount: Decimal,
    pub price_year: Option<PriceYear>,
}

impl UnitCost {
    /// The unit, made plural for a quantity other than one: "hour" becomes "hours".
    pub fn unit_for(&self, quantity: Decimal) -> String {
        if quantity == Decimal::ONE {
            return self.unit.clone();
        }
        if let Some(plural) = &self.unit_plural {
            return plural.clone();
        }
        pluralise(&self.unit)
    }
}

fn pluralise(unit: &str) -> String {
    if unit.ends_with('s') || unit.ends_with("sh") || unit.ends_with("ch") || unit.ends_with('x') {
        format!("{unit}es")
    } else if unit.ends_with('y')
        && !unit.ends_with("ay")
        && !unit.ends_with("ey")
        && !unit.ends_with("oy")
    {
        format!("{}ies", &unit[..unit.len() - 1])
    } else {
        format!("{unit}s")
    }
}

/// How a unit cost's amount is known.
#[derive(Debug, Clone, PartialEq)]
pub enum CostBasis {
    /// A cost given directly.
    Amount(Decimal),
    /// A cost built from other unit costs: a truancy case is 36 attendance-officer hours.
    Components(Vec<Component>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    pub quantity: Decimal,
    pub location: Location,
}

/// The Unit Cost Database's confidence grade for a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// G: high.
    Green,
    /// A: medium.
    Amber,
    /// R: low.
    Red,
}

impl FromStr for Confidence {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_uppercase().as_str() {
            "G" | "GREEN" => Ok(Confidence::Green),
            "A" | "AMBER" => Ok(Confidence::Amber),
            "R" | "RED" => Ok(Confidence::Red),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Green => "G",
            Confidence::Amber => "A",
            Confidence::Red => "R",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pluralises_units() {
        assert_eq!(pluralise("hour"), "hours");
        assert_eq!(pluralise("case"), "cases");
        assert_eq!(pluralise("bed day"), "bed days");
        assert_eq!(pluralise("child protection plan"), "child protection plans");
        assert_eq!(pluralise("inquiry"), "inquiries");
        assert_eq!(pluralise("class"), "classes");
    }
}

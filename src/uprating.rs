//! Uprating: moving a unit cost from its own price year to the year a report is in, with the GDP
//! deflator series published with the Unit Cost Database.

use crate::diagnostic::{Diagnostics, Location};
use crate::price_year::PriceYear;
use crate::toml_input::{RawNumber, Source};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use toml::Spanned;

/// The deflator series compiled into the binary.
const BUILTIN: &str = include_str!("../unit-costs/gdp-deflator.toml");

/// A price index by financial year: 100 in the base year, compounding each year's percentage change.
#[derive(Debug, Clone, PartialEq)]
pub struct Deflator {
    pub name: String,
    pub base_year: PriceYear,
    /// Years from this one on were forecasts when the series was published.
    pub forecast_from: Option<PriceYear>,
    index: BTreeMap<PriceYear, Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeflatorFile {
    deflator: RawHeader,
    percent_change: IndexMap<String, Spanned<RawNumber>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    base_year: Spanned<String>,
    forecast_from: Option<String>,
}

impl Deflator {
    /// The series published with the Unit Cost Database v1.2.
    pub fn builtin() -> Deflator {
        let mut diagnostics = Diagnostics::new();
        Deflator::parse(
            "unit-costs/gdp-deflator.toml (built in)",
            BUILTIN,
            &mut diagnostics,
        )
        .expect("the built-in deflator series is valid")
    }

    pub fn parse(name: &str, text: &str, diagnostics: &mut Diagnostics) -> Option<Deflator> {
        let source = Source::new(name, text);
        let raw: RawDeflatorFile = source.parse(diagnostics)?;
        let base_year = match raw.deflator.base_year.get_ref().parse::<PriceYear>() {
            Ok(year) => year,
            Err(message) => {
                diagnostics.error(Some(source.location(&raw.deflator.base_year)), message);
                return None;
            }
        };
        let mut changes = BTreeMap::new();
        for (year_text, change) in &raw.percent_change {
            let location = source.location(change);
            let Ok(year) = year_text.parse::<PriceYear>() else {
                diagnostics.error(
                    Some(location),
                    format!("{year_text:?} is not a financial year"),
                );
                continue;
            };
            if let Some(change) =
                source.decimal(change, &format!("the change for {year}"), diagnostics)
            {
                changes.insert(year, change);
            }
        }
        let mut index = BTreeMap::from([(base_year, Decimal::ONE_HUNDRED)]);
        let mut level = Decimal::ONE_HUNDRED;
        let mut expected = PriceYear {
            start: base_year.start + 1,
        };
        for (&year, &change) in changes.range(expected..) {
            if year != expected {
                diagnostics.error(
                    Some(Location::file(name)),
                    format!("the deflator series has no change for {expected}, so it cannot reach {year}"),
                );
                return None;
            }
            // Checked: a deflator file's changes could compound past what a Decimal holds.
            let Some(next) = level.checked_mul(Decimal::ONE + change / Decimal::ONE_HUNDRED) else {
                diagnostics.error(
                    Some(Location::file(name)),
                    format!("the deflator series grows too large to compute exactly by {year} (over 28 digits)"),
                );
                return None;
            };
            level = next;
            index.insert(year, level);
            expected = PriceYear {
                start: year.start + 1,
            };
        }
        Some(Deflator {
            name: raw.deflator.name,
            base_year,
            forecast_from: raw
                .deflator
                .forecast_from
                .and_then(|year| year.parse().ok()),
            index,
        })
    }

    pub fn index(&self, year: PriceYear) -> Option<Decimal> {
        self.index.get(&year).copied()
    }

    pub fn first_year(&self) -> PriceYear {
        self.base_year
    }

    pub fn last_year(&self) -> PriceYear {
        *self
            .index
            .keys()
            .next_back()
            .expect("the base year is always present")
    }

    /// `amount` in `from` prices, moved to `to` prices: amount × I(to) / I(from), held to
    /// [`crate::money::DIVISION_PLACES`] so that sums of uprated costs stay exact.
    pub fn uprate(
        &self,
        amount: Decimal,
        from: PriceYear,
        to: PriceYear,
    ) -> Result<Decimal, String> {
        if from == to {
            return Ok(amount);
        }
        let covered = |year: PriceYear| {
            self.index(year).ok_or_else(|| {
                format!(
                    "the deflator series has no value for {year}; it covers {} to {}",
                    self.first_year(),
                    self.last_year()
                )
            })
        };
        let (index_from, index_to) = (covered(from)?, covered(to)?);
        amount
            .checked_mul(index_to)
            .and_then(|scaled| crate::money::divide(scaled, index_from))
            .ok_or_else(|| format!("uprating {amount} from {from} to {to} is too large to compute"))
    }
}

/// A request to express every cost in one price year.
#[derive(Debug, Clone)]
pub struct Uprating {
    pub target: PriceYear,
    pub deflator: Arc<Deflator>,
}

impl Uprating {
    /// Reports, once, a target year the series does not reach. Checked before any cost is uprated:
    /// otherwise every cost fails on its own and the user reads hundreds of errors for one cause.
    pub fn check_target(&self, location: Option<Location>, diagnostics: &mut Diagnostics) -> bool {
        if self.deflator.index(self.target).is_some() {
            return true;
        }
        diagnostics
            .error(
                location,
                format!(
                    "price year {} is outside the GDP deflator series ({}), which covers {} to {}",
                    self.target,
                    self.deflator.name,
                    self.deflator.first_year(),
                    self.deflator.last_year()
                ),
            )
            .hint(format!(
                "choose a price year from {} to {}, or give a newer series with --deflator FILE (or deflator = \"FILE\" in the study's [study]); tfcalc ships HM Treasury's calendar-year series as unit-costs/hmt-gdp-deflator-2024.toml",
                self.deflator.first_year(),
                self.deflator.last_year()
            ));
        false
    }

    pub fn to(target: PriceYear) -> Uprating {
        Uprating {
            target,
            deflator: Arc::new(Deflator::builtin()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn year(text: &str) -> PriceYear {
        text.parse().unwrap()
    }

    #[test]
    fn builtin_series_compounds_from_the_base_year() {
        let deflator = Deflator::builtin();
        assert_eq!(deflator.index(year("1989/90")), Some(Decimal::ONE_HUNDRED));
        assert_eq!(
            deflator.index(year("1990/91")),
            Some(Decimal::from_str("107.14").unwrap())
        );
        assert_eq!(deflator.first_year(), year("1989/90"));
        assert_eq!(deflator.last_year(), year("2017/18"));
    }

    #[test]
    fn uprates_domestic_violence_as_the_database_does() {
        // CR2.0: £2,470 in 2008/09 prices is £2,766 in 2013/14 prices (column 10 of the database).
        let deflator = Deflator::builtin();
        let uprated = deflator
            .uprate(Decimal::from(2470), year("2008/09"), year("2013/14"))
            .unwrap();
        assert_eq!(
            crate::money::round_for_display(uprated, 0),
            Decimal::from(2766)
        );
        assert!(uprated.scale() <= crate::money::DIVISION_PLACES);
    }

    #[test]
    fn refuses_years_outside_the_series() {
        let error = Deflator::builtin()
            .uprate(Decimal::ONE, year("2008/09"), year("2030/31"))
            .unwrap_err();
        assert!(
            error.contains("no value for 2030/31; it covers 1989/90 to 2017/18"),
            "{error}"
        );
    }
}

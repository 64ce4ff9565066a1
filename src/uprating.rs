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

/// The built-in calendar-year series, which messages suggest for calendar-year prices.
pub const SHIPPED_CALENDAR: &str = "hmt-gdp-deflator-2024";

/// Where the deflator series in use came from, for messages that say how to change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesGiven {
    /// `--deflator`.
    Flag,
    /// The study's `deflator`.
    Study,
    /// Neither: the built-in series.
    BuiltIn,
}

/// Where the price year to report in came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearGiven {
    /// `--price-year`.
    Flag,
    /// The study's `price_year`.
    Study,
}

/// A price index by year: by financial year (`2013/14`), or by calendar year (`2024`).
#[derive(Debug, Clone, PartialEq)]
pub struct Deflator {
    pub name: String,
    /// Who published the series, as its file says.
    pub source: Option<String>,
    /// Which release of the series this is: deflators are revised with each release, so two
    /// vintages give different uprated figures for the same years.
    pub vintage: Option<String>,
    /// Keyed by calendar year, not financial year.
    pub calendar: bool,
    /// Years from this one on were forecasts when the series was published.
    pub forecast_from: Option<PriceYear>,
    /// By the start year of a financial year, or by calendar year.
    index: BTreeMap<u16, Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeflatorFile {
    deflator: RawHeader,
    percent_change: Option<IndexMap<String, Spanned<RawNumber>>>,
    index: Option<IndexMap<String, Spanned<RawNumber>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    source: Option<String>,
    vintage: Option<String>,
    base_year: Option<Spanned<String>>,
    forecast_from: Option<String>,
}

/// A year as a deflator file writes it: `2024` is a calendar year, `2013/14` a financial year.
/// In a deflator file a bare year is unambiguous, since a series is one or the other.
fn series_year(text: &str) -> Result<PriceYear, String> {
    PriceYear::parse_target(text)
        .map_err(|_| format!("{text:?} is not a year: write a financial year like \"2013/14\" or a calendar year like \"2024\""))
}

impl Deflator {
    /// The series published with the Unit Cost Database v1.2.
    pub fn builtin() -> Deflator {
        crate::costs::builtin::deflator_by_name("gdp-deflator-ucd-v1.2")
            .expect("v1.2's series is built in")
            .parse()
    }

    pub fn parse(name: &str, text: &str, diagnostics: &mut Diagnostics) -> Option<Deflator> {
        let source = Source::new(name, text);
        let raw: RawDeflatorFile = source.parse(diagnostics)?;
        let whole_file = || Some(Location::file(name));
        let (values, by_change) = match (&raw.percent_change, &raw.index) {
            (Some(changes), None) => (changes, true),
            (None, Some(index)) => (index, false),
            _ => {
                diagnostics
                    .error(
                        whole_file(),
                        "a deflator file needs exactly one of [index] (year = index) or [percent_change] (year = % change on the year before)",
                    );
                return None;
            }
        };
        let mut years = BTreeMap::new();
        let mut calendar = None;
        for (year_text, value) in values {
            let location = source.location(value);
            let year = match series_year(year_text) {
                Ok(year) => year,
                Err(message) => {
                    diagnostics.error(Some(location), message);
                    continue;
                }
            };
            // One series, one kind of year: a mix would make "2014" mean two different things.
            if *calendar.get_or_insert(year.calendar) != year.calendar {
                diagnostics.error(
                    Some(location),
                    format!("{year_text:?} mixes calendar and financial years in one deflator series; write every year the same way"),
                );
                continue;
            }
            if let Some(value) =
                source.decimal(value, &format!("the value for {year}"), diagnostics)
            {
                years.insert(year.start, (value, location));
            }
        }
        let calendar = calendar.unwrap_or(false);
        let forecast_from = match raw.deflator.forecast_from.as_deref().map(series_year) {
            None => None,
            Some(Ok(year)) if year.calendar == calendar => Some(year),
            Some(_) => {
                diagnostics.error(
                    whole_file(),
                    "forecast_from is not a year of the series' kind (calendar or financial)",
                );
                return None;
            }
        };
        let header = (raw.deflator.name, raw.deflator.source, raw.deflator.vintage);
        let index = if by_change {
            let Some(base) = raw.deflator.base_year.as_ref() else {
                diagnostics.error(
                    whole_file(),
                    "a [percent_change] series needs base_year in [deflator]: the year whose index is 100",
                );
                return None;
            };
            let base_year = match series_year(base.get_ref()) {
                Ok(year) if year.calendar == calendar => year,
                Ok(_) | Err(_) => {
                    diagnostics.error(
                        Some(source.location(base)),
                        "base_year is not a year of the series' kind (calendar or financial)",
                    );
                    return None;
                }
            };
            compound(name, base_year, &years, diagnostics)?
        } else {
            let mut index = BTreeMap::new();
            for (&year, (value, location)) in &years {
                if *value <= Decimal::ZERO {
                    diagnostics.error(
                        Some(location.clone()),
                        format!("the index for {year} is {value}; a price index is above zero"),
                    );
                    return None;
                }
                index.insert(year, *value);
            }
            index
        };
        if index.is_empty() {
            diagnostics.error(whole_file(), "the deflator series has no years");
            return None;
        }
        // Gaps are refused: uprating across one would need a value nobody published.
        let (&first, &last) = (index.keys().next()?, index.keys().next_back()?);
        if let Some(missing) = (first..=last).find(|year| !index.contains_key(year)) {
            let shown = PriceYear {
                start: missing,
                calendar,
            };
            diagnostics.error(
                whole_file(),
                format!(
                    "the deflator series has no value for {shown}, between its first and last years"
                ),
            );
            return None;
        }
        Some(Deflator {
            name: header.0,
            source: header.1,
            vintage: header.2,
            calendar,
            forecast_from,
            index,
        })
    }

    /// The index for a year. With a calendar-year series a financial year t/t+1 is
    /// ¾ × I(t) + ¼ × I(t+1): nine of its months fall in t and three in t+1. Exact: dividing by 4
    /// always terminates.
    pub fn index(&self, year: PriceYear) -> Option<Decimal> {
        match (self.calendar, year.calendar) {
            (false, false) | (true, true) => self.index.get(&year.start).copied(),
            (false, true) => None,
            (true, false) => {
                let this = *self.index.get(&year.start)?;
                let next = *self.index.get(&year.start.checked_add(1)?)?;
                this.checked_mul(Decimal::from(3))?
                    .checked_add(next)?
                    .checked_div(Decimal::from(4))
            }
        }
    }

    fn first(&self) -> u16 {
        *self.index.keys().next().expect("a series has a year")
    }

    fn last(&self) -> u16 {
        *self.index.keys().next_back().expect("a series has a year")
    }

    /// The first and last years of the series as it is written: calendar years for a calendar
    /// series.
    pub fn series_years(&self) -> (PriceYear, PriceYear) {
        let year = |start| PriceYear {
            start,
            calendar: self.calendar,
        };
        (year(self.first()), year(self.last()))
    }

    /// The first financial year the series gives an index for.
    pub fn first_year(&self) -> PriceYear {
        PriceYear::financial(self.first())
    }

    /// The last financial year the series gives an index for: with a calendar series, the one
    /// whose following calendar year is its last.
    pub fn last_year(&self) -> PriceYear {
        PriceYear::financial(if self.calendar {
            self.last() - 1
        } else {
            self.last()
        })
    }

    /// The years the series covers, for messages.
    pub fn covers(&self) -> String {
        if self.calendar {
            format!(
                "calendar years {} to {} (financial years {} to {}, each ¾ of its first calendar year and ¼ of its second)",
                self.first(),
                self.last(),
                self.first_year(),
                self.last_year()
            )
        } else {
            format!("{} to {}", self.first_year(), self.last_year())
        }
    }

    /// Whether `year` (or, for a financial year priced from a calendar series, any calendar year
    /// it draws on) was a forecast when the series was published.
    pub fn is_forecast(&self, year: PriceYear) -> bool {
        let Some(from) = self.forecast_from else {
            return false;
        };
        let last_drawn = if self.calendar && !year.calendar {
            year.start.saturating_add(1)
        } else {
            year.start
        };
        last_drawn >= from.start
    }

    /// `calendar` or `financial`: the kind of year the series is by.
    pub fn kind(&self) -> &'static str {
        if self.calendar {
            "calendar"
        } else {
            "financial"
        }
    }

    /// How a financial year's index is made from a calendar-year series, when this series is one:
    /// unit costs are always at financial years, so every uprating with it uses the rule.
    pub fn financial_year_rule(&self) -> Option<&'static str> {
        self.calendar
            .then_some("a financial year t/t+1 is taken as ¾ of calendar year t plus ¼ of t+1")
    }

    /// The series as a report's Assumptions names it: name, source, vintage, the kind of year it
    /// is by and, for a calendar series used for financial years, the rule that bridges them.
    pub fn describe(&self) -> String {
        let mut text = self.name.clone();
        if let Some(source) = &self.source {
            text.push_str(&format!("; source: {source}"));
        }
        if let Some(vintage) = &self.vintage {
            text.push_str(&format!("; vintage: {vintage}"));
        }
        match self.financial_year_rule() {
            Some(rule) => text.push_str(&format!("; calendar-year series: {rule}")),
            None => text.push_str("; financial-year series"),
        }
        text
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
                    "the deflator series has no value for {year}; it covers {}",
                    self.covers()
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

/// The index from a base year of 100 and each later year's percentage change, as the Unit Cost
/// Database builds it. The base year's own change does not enter.
fn compound(
    name: &str,
    base_year: PriceYear,
    changes: &BTreeMap<u16, (Decimal, Location)>,
    diagnostics: &mut Diagnostics,
) -> Option<BTreeMap<u16, Decimal>> {
    let mut index = BTreeMap::from([(base_year.start, Decimal::ONE_HUNDRED)]);
    let mut level = Decimal::ONE_HUNDRED;
    for (&year, (change, _)) in changes.range(base_year.start + 1..) {
        let shown = PriceYear {
            start: year,
            calendar: base_year.calendar,
        };
        // Checked: a deflator file's changes could compound past what a Decimal holds.
        let Some(next) = Decimal::ONE
            .checked_add(*change / Decimal::ONE_HUNDRED)
            .and_then(|factor| level.checked_mul(factor))
        else {
            diagnostics.error(
                Some(Location::file(name)),
                format!("the deflator series grows too large to compute exactly by {shown} (over 28 digits)"),
            );
            return None;
        };
        level = next;
        index.insert(year, level);
    }
    Some(index)
}

/// A year an uprating draws on, with the series' index for it.
#[derive(Debug, Clone, PartialEq)]
pub struct YearUsed {
    pub year: PriceYear,
    /// I(year); for a financial year from a calendar series, by [`Deflator::financial_year_rule`].
    pub index: Decimal,
    /// Whether the index was a forecast when the series was published.
    pub forecast: bool,
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
        self.check_target_given(location, YearGiven::Flag, None, diagnostics)
    }

    /// As [`Uprating::check_target`], for a price year and a series given as `year` and `series`
    /// say, so that the message says how to fix what was given where it was given: a study's
    /// `price_year` in the study, `--price-year` on the command line. `series` is `None` where the
    /// caller does not say where the series came from (the `costs` commands).
    pub fn check_target_given(
        &self,
        location: Option<Location>,
        year: YearGiven,
        series: Option<SeriesGiven>,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        if self.deflator.index(self.target).is_some() {
            return true;
        }
        let calendar_series = crate::costs::builtin::deflator_by_name(SHIPPED_CALENDAR)
            .and_then(|builtin| {
                Deflator::parse(builtin.file, builtin.text, &mut Diagnostics::new())
            })
            .filter(|shipped| {
                shipped
                    .index(PriceYear::calendar(self.target.start))
                    .is_some()
            });
        if self.target.calendar && !self.deflator.calendar {
            let in_use = match series {
                Some(SeriesGiven::Flag) => format!("{}, from --deflator", self.deflator.name),
                Some(SeriesGiven::Study) => {
                    format!("{}, the study's deflator", self.deflator.name)
                }
                Some(SeriesGiven::BuiltIn) => format!("{}, built in", self.deflator.name),
                None => self.deflator.name.clone(),
            };
            let calendar_fix = match (&calendar_series, year, series) {
                (Some(_), YearGiven::Study, Some(SeriesGiven::Study | SeriesGiven::BuiltIn)) => {
                    format!(
                        "add deflator = \"{SHIPPED_CALENDAR}\" to the study's [study] (HM Treasury's calendar-year series, shipped with tfcalc)"
                    )
                }
                (Some(_), _, _) => format!(
                    "give --deflator {SHIPPED_CALENDAR} (HM Treasury's calendar-year series, shipped with tfcalc)"
                ),
                (None, YearGiven::Study, Some(SeriesGiven::Study | SeriesGiven::BuiltIn)) => {
                    "name a calendar-year series that covers it in the study's deflator = \"FILE\""
                        .to_string()
                }
                (None, _, _) => {
                    "give a calendar-year series that covers it with --deflator FILE".to_string()
                }
            };
            let where_year = match year {
                YearGiven::Study => "price_year",
                YearGiven::Flag => "--price-year",
            };
            diagnostics
                .error(location, self.target.ambiguity())
                .hint(format!(
                    "a bare year is a calendar year only with a calendar-year deflator series, and the one in use ({in_use}) is by financial year: write {where_year} as a financial year, or, for calendar {} prices, {calendar_fix}",
                    self.target.start
                ));
            return false;
        }
        let newer = match year {
            YearGiven::Study => format!(
                "give a newer series in the study's deflator = \"FILE\" (or with --deflator FILE); tfcalc ships HM Treasury's calendar-year series to 2024 as deflator = \"{SHIPPED_CALENDAR}\""
            ),
            YearGiven::Flag => format!(
                "give a newer series with --deflator FILE (or deflator = \"FILE\" in the study's [study]); tfcalc ships HM Treasury's calendar-year series to 2024 as --deflator {SHIPPED_CALENDAR}"
            ),
        };
        diagnostics
            .error(
                location,
                format!(
                    "price year {} is outside the GDP deflator series ({}), which covers {}",
                    self.target,
                    self.deflator.name,
                    self.deflator.covers()
                ),
            )
            .hint(format!(
                "choose a price year from {} to {}{}, or {newer}",
                self.deflator.first_year(),
                self.deflator.last_year(),
                if self.deflator.calendar {
                    format!(
                        " (or a calendar year from {} to {}, written bare)",
                        self.deflator.first(),
                        self.deflator.last()
                    )
                } else {
                    String::new()
                }
            ));
        false
    }

    /// The years the figures draw on: the target year and the price years of the costs used,
    /// in order, each with its index. A year the series lacks is left out: loading refuses a
    /// cost at such a year before any figure is made.
    pub fn years_used(&self, cost_years: impl IntoIterator<Item = PriceYear>) -> Vec<YearUsed> {
        let years: std::collections::BTreeSet<PriceYear> =
            std::iter::once(self.target).chain(cost_years).collect();
        years
            .into_iter()
            .filter_map(|year| {
                Some(YearUsed {
                    year,
                    index: self.deflator.index(year)?,
                    forecast: self.deflator.is_forecast(year),
                })
            })
            .collect()
    }

    /// The target as a report heads its prices with: `2023/24`, or `calendar-year 2024`.
    pub fn target_words(&self) -> String {
        if self.target.calendar {
            format!("calendar-year {}", self.target)
        } else {
            self.target.to_string()
        }
    }

    pub fn to(target: PriceYear) -> Uprating {
        Uprating {
            target,
            deflator: Arc::new(Deflator::builtin()),
        }
    }

    pub fn with(target: PriceYear, deflator: Arc<Deflator>) -> Uprating {
        Uprating { target, deflator }
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

    #[test]
    fn a_calendar_series_gives_financial_years_three_quarters_and_one_quarter() {
        let mut diagnostics = Diagnostics::new();
        let deflator = Deflator::parse(
            "hmt",
            include_str!("../unit-costs/hmt-gdp-deflator-2024.toml"),
            &mut diagnostics,
        )
        .unwrap();
        assert!(deflator.calendar);
        // ¾ × 96.2507 + ¼ × 100, exactly.
        assert_eq!(
            deflator.index(year("2023/24")),
            Some(Decimal::from_str("97.188025").unwrap())
        );
        assert_eq!(
            deflator.index(PriceYear::calendar(2024)),
            Some(Decimal::ONE_HUNDRED)
        );
        // 2024/25 would need calendar 2025, which the series does not have.
        assert_eq!(deflator.index(year("2024/25")), None);
        assert_eq!(deflator.last_year(), year("2023/24"));
        // A financial-year series has no calendar years.
        assert_eq!(Deflator::builtin().index(PriceYear::calendar(2010)), None);
    }
}

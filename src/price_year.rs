//! Financial years as unit-cost tables write them: `2013/14` is April 2013 to March 2014; and, as a
//! price year to report in, the calendar years of a calendar-year deflator series (`2024`).

use std::fmt;
use std::str::FromStr;

/// A UK financial year, named by the calendar year it starts in; or, with `calendar`, a calendar
/// year. Unit costs are always at financial years; a calendar year is only ever a year to report
/// in, and only with a calendar-year deflator series (see [`PriceYear::parse_target`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PriceYear {
    pub start: u16,
    pub calendar: bool,
}

impl PriceYear {
    pub const fn financial(start: u16) -> PriceYear {
        PriceYear {
            start,
            calendar: false,
        }
    }

    pub const fn calendar(year: u16) -> PriceYear {
        PriceYear {
            start: year,
            calendar: true,
        }
    }

    /// A year to report in, as `--price-year` takes it: a financial year as [`FromStr`] reads it,
    /// or a bare `2024` as the calendar year 2024. The bare form is kept as written, not guessed
    /// into a financial year: whether it is allowed depends on the deflator series, which is
    /// calendar-year or financial-year, and [`crate::uprating::Uprating::check_target`] refuses
    /// it (as ambiguous) with a financial-year series.
    pub fn parse_target(text: &str) -> Result<PriceYear, String> {
        let trimmed = text.trim();
        if trimmed.len() == 4 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            let year: u16 = trimmed
                .parse()
                .map_err(|_| format!("{text:?} is not a year"))?;
            return Ok(PriceYear::calendar(year));
        }
        text.parse()
    }

    /// Why a bare year cannot be a financial year: the message [`FromStr`] gives for it.
    pub fn ambiguity(self) -> String {
        match self.start.to_string().parse::<PriceYear>() {
            Err(message) => message,
            Ok(_) => format!("{} is ambiguous", self.start),
        }
    }
}

impl FromStr for PriceYear {
    type Err = String;

    /// Accepts `2013/14`, `2013-14` and `2013/2014`. A bare `2013` is refused: a financial year
    /// spans two calendar years, and people name it by either (the year it starts, or the year its
    /// accounts close), so taking it as 2013/14 would be a guess that is wrong half the time.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let bad = || format!("{text:?} is not a financial year; write it like \"2013/14\"");
        let (first, second) = match text.split_once(['/', '-']) {
            Some((first, second)) => (first, Some(second)),
            None => (text, None),
        };
        if first.len() != 4 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let start: u16 = first.parse().map_err(|_| bad())?;
        let Some(second) = second else {
            let starting = PriceYear::financial(start);
            return Err(match start.checked_sub(1) {
                Some(before) => format!(
                    "{text} is ambiguous: the financial year {starting} or {}? write {starting} for April {start} to March {}, or {} for the year to March {start}",
                    PriceYear::financial(before),
                    start + 1,
                    PriceYear::financial(before),
                ),
                None => format!("{text} is ambiguous: write the financial year as {starting}"),
            });
        };
        let end: u16 = second.parse().map_err(|_| bad())?;
        let expected = match second.len() {
            2 => (start + 1) % 100,
            4 => start + 1,
            _ => return Err(bad()),
        };
        if end != expected {
            return Err(format!(
                "{text:?} is not a financial year: the year after {start} is {}",
                PriceYear::financial(start)
            ));
        }
        Ok(PriceYear::financial(start))
    }
}

impl fmt::Display for PriceYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.calendar {
            return write!(f, "{}", self.start);
        }
        write!(f, "{}/{:02}", self.start, (self.start + 1) % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_financial_years() {
        for text in ["2013/14", "2013-14", "2013/2014", " 2013/14 "] {
            assert_eq!(
                text.parse::<PriceYear>().unwrap(),
                PriceYear::financial(2013)
            );
        }
        assert_eq!(PriceYear::financial(1999).to_string(), "1999/00");
        assert_eq!("1999/00".parse::<PriceYear>().unwrap().start, 1999);
        assert!("2013/15".parse::<PriceYear>().is_err());
        assert!("13/14".parse::<PriceYear>().is_err());
        assert!("soon".parse::<PriceYear>().is_err());
    }

    #[test]
    fn a_bare_year_is_refused_as_ambiguous() {
        assert_eq!(
            "2014".parse::<PriceYear>().unwrap_err(),
            "2014 is ambiguous: the financial year 2014/15 or 2013/14? write 2014/15 for April 2014 to March 2015, or 2013/14 for the year to March 2014"
        );
        assert!(
            "0000"
                .parse::<PriceYear>()
                .unwrap_err()
                .contains("ambiguous")
        );
    }
}

#[cfg(test)]
mod target_tests {
    use super::*;

    #[test]
    fn a_bare_year_is_a_calendar_target_and_keeps_its_ambiguity_message() {
        let year = PriceYear::parse_target("2024").unwrap();
        assert_eq!(year, PriceYear::calendar(2024));
        assert_eq!(year.to_string(), "2024");
        assert!(year.ambiguity().starts_with("2024 is ambiguous"));
        assert_eq!(
            PriceYear::parse_target("2023/24").unwrap(),
            PriceYear::financial(2023)
        );
        assert!(PriceYear::parse_target("soon").is_err());
    }
}

//! Shared pieces for reading our TOML files (unit-cost tables and studies): syntax errors with line
//! and column, and numbers that stay exact.

use crate::diagnostic::{Diagnostics, Location, Problem};
use crate::money::{self, NumberError};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// A TOML document being read, kept with its name so that any span in it can become a location.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// The byte offset where each line starts, so that a span's line is a binary search rather
    /// than a scan of the whole file (tables run to thousands of lines).
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        Source {
            name,
            text,
            line_starts,
        }
    }

    pub fn location<T>(&self, spanned: &Spanned<T>) -> Location {
        self.location_of(spanned.span().start)
    }

    /// The location of a byte offset: its line, and its column in characters.
    pub fn location_of(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let mut column_end = offset;
        while !self.text.is_char_boundary(column_end) {
            column_end -= 1;
        }
        let column = self.text[line_start..column_end].chars().count() as u64 + 1;
        Location::at(self.name, line_index as u64 + 1, column)
    }

    /// Parses the whole document, recording a syntax or shape error with its line and column.
    pub fn parse<T: for<'de> Deserialize<'de>>(&self, diagnostics: &mut Diagnostics) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(value) => Some(value),
            Err(error) => {
                let location = match error.span() {
                    Some(span) => self.location_of(span.start),
                    None => Location::file(self.name),
                };
                let message = error.message().trim_end().to_string();
                let hint = toml_error_hint(&message);
                let problem = Problem::error(Some(location), format!("invalid TOML: {message}"));
                diagnostics.push(match hint {
                    Some(hint) => problem.with_hint(hint),
                    None => problem,
                });
                None
            }
        }
    }

    /// Reads an exact decimal written as a string (`"1,930.00"`) or a TOML integer. TOML floats are
    /// refused, because they cannot hold money exactly.
    pub fn decimal(
        &self,
        value: &Spanned<RawNumber>,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<Decimal> {
        self.number_as(value, what, money::parse_money, number_hint, diagnostics)
    }

    /// As [`Source::decimal`], for a return on investment, which may also be written as tfcalc
    /// displays it: `"£0.39 : £1.00"`.
    pub fn ratio(
        &self,
        value: &Spanned<RawNumber>,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<Decimal> {
        let hint = |error: &NumberError| {
            match error {
            NumberError::TooLarge(_) => number_hint(error),
            _ => "write the return as a number (\"0.39\") or per £1, as tfcalc shows it (\"£0.39 : £1.00\")".into(),
        }
        };
        self.number_as(value, what, money::parse_ratio, hint, diagnostics)
    }

    /// As [`Source::decimal`], for a share of a whole, which may also be a percentage: `"10%"`.
    pub fn share(
        &self,
        value: &Spanned<RawNumber>,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<Decimal> {
        self.number_as(value, what, money::parse_share, share_hint, diagnostics)
    }

    /// Reads a number written as a string with `parse`, or as a TOML integer; `hint` says how to
    /// write a string that does not parse.
    fn number_as(
        &self,
        value: &Spanned<RawNumber>,
        what: &str,
        parse: fn(&str) -> Result<Decimal, NumberError>,
        hint: impl Fn(&NumberError) -> String,
        diagnostics: &mut Diagnostics,
    ) -> Option<Decimal> {
        let location = Some(self.location(value));
        match value.get_ref() {
            RawNumber::Text(text) => match parse(text) {
                Ok(amount) => Some(amount),
                Err(error) => {
                    diagnostics
                        .error(location, format!("{what} is not a valid number: {error}"))
                        .hint(hint(&error));
                    None
                }
            },
            RawNumber::Integer(integer) => Some(Decimal::from(*integer)),
            RawNumber::Unsigned(integer) => Some(Decimal::from(*integer)),
            RawNumber::Float(float) => {
                // Quote what the user wrote, not the float it became: 18446744073709551616
                // read as a float prints as 18446744073709552000, a different number.
                let written = self
                    .text
                    .get(value.span())
                    .map(str::trim)
                    .filter(|written| !written.is_empty())
                    .map_or_else(|| float.to_string(), str::to_string);
                let is_integer = written
                    .bytes()
                    .all(|byte| byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'_'));
                let message = if is_integer {
                    format!(
                        "{what} ({written}) is too large for a TOML integer, so it would be read as a float, which cannot hold it exactly"
                    )
                } else {
                    format!(
                        "{what} is written as a TOML float ({written}), which cannot hold money exactly"
                    )
                };
                diagnostics.error(location, message).hint(if is_integer {
                    format!("write it as a string: \"{}\"", written.replace('_', ""))
                } else {
                    format!("write it as a string: \"{float}\"")
                });
                None
            }
        }
    }
}

/// How to write an amount that did not parse.
pub fn number_hint(error: &NumberError) -> String {
    match error {
        NumberError::BadGrouping(_) => {
            "use a comma only between thousands, and a point for pence: \"1,930.50\"".into()
        }
        NumberError::TooLarge(_) => "amounts must fit in 28 significant digits".into(),
        _ => "write a plain number such as \"1930\", \"1930.50\" or \"£1,930\"".into(),
    }
}

/// How to write a share that did not parse.
pub fn share_hint(error: &NumberError) -> String {
    match error {
        NumberError::TooLarge(_) => number_hint(error),
        _ => "write a share as a fraction (\"0.25\") or a percentage (\"25%\")".into(),
    }
}

fn toml_error_hint(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("check the spelling of the key against the file format in the README".into())
    } else if message.contains("as i128") {
        Some("TOML integers stop at 9223372036854775807: write a larger number as a string, such as \"18446744073709551616\"".into())
    } else if message.contains("missing field") {
        Some("add the missing key; the README shows a complete example".into())
    } else {
        None
    }
}

/// A number as written in TOML, before it is checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawNumber {
    Text(String),
    Integer(i64),
    /// Past i64, up to u64: TOML's integers stop at i64, but the parser hands these over whole.
    Unsigned(u64),
    Float(f64),
}

/// Reads a whole number of families or months, at least `minimum`, written as an integer or a
/// string. A number that is negative, has a fraction or does not fit in 64 bits is an error: read
/// as a count, it would otherwise become 0 or lose its fraction without a word.
pub fn whole_number(
    source: &Source<'_>,
    value: &Spanned<RawNumber>,
    what: &str,
    minimum: u64,
    diagnostics: &mut Diagnostics,
) -> Option<u64> {
    let decimal = source.decimal(value, what, diagnostics)?;
    let whole = (decimal.fract().is_zero() && !decimal.is_sign_negative())
        .then(|| u64::try_from(decimal.trunc()).ok())
        .flatten();
    match whole {
        Some(count) if count >= minimum => Some(count),
        _ => {
            let normal = decimal.normalize();
            let (problem, hint) = if whole.is_none()
                && decimal.fract().is_zero()
                && decimal.is_sign_positive()
            {
                (
                    format!(
                        "{what} is {normal}, more than tfcalc can count (18,446,744,073,709,551,615)"
                    ),
                    "check the figure for extra digits".to_string(),
                )
            } else {
                (
                    format!("{what} must be a whole number of at least {minimum}, not {normal}"),
                    format!(
                        "write a count such as {}",
                        if what.contains("month") { "6" } else { "75" }
                    ),
                )
            };
            diagnostics
                .error(Some(source.location(value)), problem)
                .hint(hint);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_agree_with_a_plain_scan() {
        let text = "a = 1\nb = \"£2\"\n\nc = 3";
        let source = Source::new("t.toml", text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                source.location_of(offset),
                Location::at_offset("t.toml", text, offset),
                "{offset}"
            );
        }
    }
}

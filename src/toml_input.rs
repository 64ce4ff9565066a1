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
}

impl Source<'_> {
    pub fn location<T>(&self, spanned: &Spanned<T>) -> Location {
        Location::at_offset(self.name, self.text, spanned.span().start)
    }

    /// Parses the whole document, recording a syntax or shape error with its line and column.
    pub fn parse<T: for<'de> Deserialize<'de>>(&self, diagnostics: &mut Diagnostics) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(value) => Some(value),
            Err(error) => {
                let location = match error.span() {
                    Some(span) => Location::at_offset(self.name, self.text, span.start),
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
        let location = Some(self.location(value));
        match value.get_ref() {
            RawNumber::Text(text) => match money::parse_money(text) {
                Ok(amount) => Some(amount),
                Err(error) => {
                    diagnostics
                        .error(location, format!("{what} is not a valid number: {error}"))
                        .hint(number_hint(&error));
                    None
                }
            },
            RawNumber::Integer(integer) => Some(Decimal::from(*integer)),
            RawNumber::Float(float) => {
                diagnostics
                    .error(
                        location,
                        format!("{what} is written as a TOML float ({float}), which cannot hold money exactly"),
                    )
                    .hint(format!("write it as a string: \"{float}\""));
                None
            }
        }
    }
}

fn number_hint(error: &NumberError) -> String {
    match error {
        NumberError::BadGrouping(_) => {
            "use a comma only between thousands, and a point for pence: \"1,930.50\"".into()
        }
        NumberError::TooLarge(_) => "amounts must fit in 28 significant digits".into(),
        _ => "write a plain number such as \"1930\", \"1930.50\" or \"£1,930\"".into(),
    }
}

fn toml_error_hint(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("check the spelling of the key against the file format in the README".into())
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
    Float(f64),
}

/// Reads a non-negative whole number of families or months written as an integer or a string.
pub fn whole_number(
    source: &Source<'_>,
    value: &Spanned<RawNumber>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<u64> {
    let decimal = source.decimal(value, what, diagnostics)?;
    if decimal.is_sign_negative() || !decimal.fract().is_zero() {
        diagnostics
            .error(
                Some(source.location(value)),
                format!("{what} must be a whole number of at least 0, not {decimal}"),
            )
            .hint("write a count such as 75");
        return None;
    }
    u64::try_from(decimal.trunc().mantissa() / 10i128.pow(decimal.scale())).ok()
}

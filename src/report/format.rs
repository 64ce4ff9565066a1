//! Drawing cells as text, shared by the text renderers. This is where rounding for display happens.

use super::view::{Cell, Piece};
use crate::money::{self, Precision};

/// How figures are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// For people: `£2,046`, `-£36,978`, `£0.39 : £1.00`.
    Display,
    /// For spreadsheets: `2046`, `-36978`, `0.39`, so that the cells sum.
    Plain,
}

pub fn cell_text(cell: &Cell, precision: Precision, style: Style) -> String {
    match (cell, style) {
        (Cell::Text(text), _) => text.clone(),
        (Cell::Empty, _) => String::new(),
        (Cell::Money(value), Style::Display) => money::format_money(*value, precision),
        (Cell::Money(value) | Cell::MoneyDifference(value), Style::Plain) => {
            money::format_money_plain(*value, precision)
        }
        (Cell::MoneyDifference(value), Style::Display) => {
            let precision = difference_precision(*value, precision);
            let shown = money::format_money(*value, precision);
            if shown.starts_with('-')
                || money::round_for_display(*value, precision.places()).is_zero()
            {
                shown
            } else {
                format!("+{shown}")
            }
        }
        (Cell::UnitCost(value), Style::Display) => {
            money::format_money(*value, unit_cost_precision(*value, precision))
        }
        (Cell::UnitCost(value), Style::Plain) => {
            money::format_money_plain(*value, unit_cost_precision(*value, precision))
        }
        (Cell::Ratio(value), Style::Display) => money::format_ratio(*value),
        (Cell::Ratio(value), Style::Plain) => money::fixed_places(*value, 2),
        (Cell::Count(count), Style::Display) => group_count(*count),
        (Cell::Count(count), Style::Plain) => count.to_string(),
        (Cell::Quantity(value), Style::Display) => money::format_quantity(*value),
        (Cell::Quantity(value), Style::Plain) => value.normalize().to_string(),
        (Cell::Percent(fraction), Style::Display) => money::format_percent(*fraction),
        (Cell::Percent(fraction), Style::Plain) => money::percent_plain(*fraction),
        (Cell::Number { value, places }, _) => money::fixed_places(*value, *places),
        (Cell::Phrase(pieces), _) => phrase_text(pieces, precision),
        (Cell::Verdict { agrees }, _) => verdict_word(*agrees).to_string(),
    }
}

/// The word a check's result starts with: the one a reader scans the Result column for.
pub fn verdict_word(agrees: bool) -> &'static str {
    if agrees { "agrees" } else { "DIFFERS" }
}

/// A phrase as a sentence. Figures inside sentences are always written for people.
pub fn phrase_text(pieces: &[Piece], precision: Precision) -> String {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(part) => text.push_str(part),
            Piece::Money(value) => text.push_str(&money::format_money(*value, precision)),
            Piece::UnitCost(value) => text.push_str(&money::format_money(
                *value,
                unit_cost_precision(*value, precision),
            )),
            Piece::Quantity(value) => text.push_str(&money::format_quantity(*value)),
            Piece::Percent(fraction) => text.push_str(&money::format_percent(*fraction)),
            Piece::MoneyPence(value) => {
                text.push_str(&money::format_money(*value, Precision::Pence))
            }
            Piece::PerPound(value) => text.push_str(&money::format_per_pound(*value)),
        }
    }
    text
}

/// A difference of pence would show as "£0" in whole pounds: it is shown with its pence instead.
pub fn difference_precision(value: rust_decimal::Decimal, precision: Precision) -> Precision {
    if money::round_for_display(value, precision.places()).is_zero() && !value.is_zero() {
        Precision::Pence
    } else {
        precision
    }
}

/// A unit cost is shown with its pence whenever it has them, whatever the report's precision.
pub fn unit_cost_precision(value: rust_decimal::Decimal, precision: Precision) -> Precision {
    if value.fract().is_zero() {
        precision
    } else {
        Precision::Pence
    }
}

fn group_count(count: u64) -> String {
    money::format_quantity(rust_decimal::Decimal::from(count))
}

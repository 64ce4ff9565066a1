//! The reconciliation table: every published figure beside the computed one, the published
//! figures against each other, tfcalc's own consistency checks, and rounding gaps; and the
//! summary a report opens with.

use super::super::view::{Cell, Piece, Row, TableView};
use crate::analysis::check::{Check, CheckKind, Measure};
use crate::costed::Costed;
use rust_decimal::Decimal;

/// Published figures beside computed ones, and where figures rounded for display do not add up to
/// their displayed totals.
pub fn reconciliation(studies: &[Costed]) -> TableView<'_> {
    let checks: Vec<&Check> = studies.iter().flat_map(|costed| &costed.checks).collect();
    let mut table = TableView::new(
        "reconciliation",
        "Reconciliation with published figures",
        &[
            "Study",
            "Check",
            "Figure",
            "Expected",
            "Computed",
            "Difference",
            "Difference %",
            "Result",
            "Tolerance",
            "Why",
        ],
    );
    for check in &checks {
        let figure = |value: Decimal| match check.measure {
            Measure::Money => Cell::Money(value),
            Measure::Count => {
                Cell::Count(u64::try_from(value.trunc().mantissa()).unwrap_or_default())
            }
            Measure::Ratio => Cell::Ratio(value),
        };
        let difference = match (check.difference, check.measure) {
            (None, _) => Cell::Empty,
            (Some(difference), Measure::Ratio) => Cell::Number {
                value: difference,
                places: 4,
            },
            (Some(difference), Measure::Money) => Cell::MoneyDifference(difference),
            (Some(difference), Measure::Count) => Cell::Number {
                value: difference,
                places: 0,
            },
        };
        table.rows.push(Row::item(vec![
            Cell::text(check.study.clone()),
            Cell::text(check.kind.label()),
            Cell::text(check.subject.clone()),
            figure(check.expected),
            check.computed.map_or(Cell::Empty, figure),
            difference,
            check.relative_difference.map_or(Cell::Empty, Cell::Percent),
            Cell::Verdict {
                agrees: check.agrees,
            },
            check
                .tolerance
                .as_ref()
                .map_or(Cell::Empty, |tolerance| tolerance_cell(tolerance.amount)),
            phrase_or_empty(verdict_detail(check)),
        ]));
    }
    // Rows, not notes, so that a spreadsheet user summing the lines of a CSV sees them too.
    let mut rounding_rows = 0;
    for costed in studies {
        for gap in &costed.rounding_gaps {
            rounding_rows += 1;
            table.rows.push(Row::item(vec![
                Cell::text(gap.study.clone()),
                Cell::text("rounding"),
                Cell::text(format!("{}, each rounded as shown, added up", gap.lines)),
                Cell::Money(gap.rounded_total),
                Cell::Money(gap.sum_of_rounded),
                Cell::MoneyDifference(gap.difference),
                Cell::Empty,
                Cell::text("rounding only"),
                Cell::Empty,
                Cell::text("the total shown is the exact total rounded"),
            ]));
        }
    }
    if rounding_rows > 0 {
        table.note(
            "A rounding row compares the lines of a table, each rounded as shown, with the total shown: \
             the total is the exact total rounded, so the two can differ by rounding alone.",
        );
    }
    table.note(
        "Difference is Computed less Expected: + means tfcalc computes more than the expected figure, \
         - less.",
    );
    table.note(
        "Expected is the published figure; for a consistency check, the total the figures must add up to. \
         For a published consistency check, Computed is what the other published figures give.",
    );
    table.note_with_figures(tolerance_note(&checks));
    let differing = checks.iter().filter(|check| !check.agrees).count();
    table.note(match (checks.len(), differing) {
        (0, _) => "No figures to check: add a [published] section to the study.".to_string(),
        (_, 0) => format!("All {} checks agree.", checks.len()),
        (_, 1) => "1 check differs: the expected figure is not what tfcalc computes.".to_string(),
        (_, n) => format!("{n} checks differ: the expected figures are not what tfcalc computes."),
    });
    table.summary = summary(&checks);
    table
}

/// A tolerance with its pence whenever it has them (£0.50 is not "£1"), and half a penny as the
/// plain 0.005 it is, which no money format shows.
fn tolerance_cell(amount: Decimal) -> Cell {
    // Rounding, not multiplying by 100: a tolerance at the edge of Decimal's range would overflow.
    if amount.round_dp(2) == amount {
        Cell::UnitCost(amount)
    } else {
        Cell::Number {
            value: amount,
            places: amount.scale(),
        }
    }
}

fn phrase_or_empty(pieces: Vec<Piece>) -> Cell {
    if pieces.is_empty() {
        Cell::Empty
    } else {
        Cell::Phrase(pieces)
    }
}

/// Money as a sentence shows it: to the penny when it has pence (a tolerance of £0.50, a
/// difference of 7p), which whole pounds would hide.
fn money(value: Decimal) -> Piece {
    if value.fract().is_zero() {
        Piece::Money(value)
    } else {
        Piece::MoneyPence(value)
    }
}

/// A difference with its sign: `+£5`, `-£0.07`.
fn signed(value: Decimal) -> Vec<Piece> {
    if value.is_sign_positive() && !value.is_zero() {
        vec![Piece::text("+"), money(value)]
    } else {
        vec![money(value)]
    }
}

/// What follows "agrees" or "DIFFERS": for a figure that agrees only within a tolerance, the
/// difference and the tolerance (so that "75 families × £858" agreeing at +£5 says why); for one
/// that differs, why, where tfcalc can tell.
fn verdict_detail(check: &Check) -> Vec<Piece> {
    if check.agrees {
        return match (check.difference, &check.tolerance, check.measure) {
            (Some(difference), Some(tolerance), Measure::Money) if !difference.is_zero() => {
                // Worded so as not to start with a sign, which CSV would guard as a formula.
                let mut pieces = vec![Piece::text("a difference of ")];
                pieces.extend(signed(difference));
                pieces.push(Piece::text(" is within "));
                pieces.push(money(tolerance.amount));
                pieces.push(Piece::text(format!(" ({})", tolerance.basis)));
                pieces
            }
            (Some(difference), _, Measure::Ratio) if !difference.is_zero() => {
                vec![Piece::text(format!(
                    "rounds to the expected figure at its {} decimal places",
                    check.expected.scale()
                ))]
            }
            _ => Vec::new(),
        };
    }
    let mut pieces = Vec::new();
    if let Some(reason) = &check.reason {
        pieces.push(Piece::text(reason.clone()));
    } else if let Some(note) = &check.note {
        pieces.push(Piece::text(note.clone()));
    } else if let (Some(difference), Some(tolerance), Measure::Money) =
        (check.difference, &check.tolerance, check.measure)
    {
        pieces.push(Piece::text("a difference of "));
        pieces.extend(signed(difference));
        pieces.push(Piece::text(" is more than "));
        pieces.push(money(tolerance.amount));
        pieces.push(Piece::text(format!(" ({})", tolerance.basis)));
    }
    pieces
}

/// The tolerances the checks used, said once under the table.
fn tolerance_note(checks: &[&Check]) -> Vec<Piece> {
    let given = checks
        .iter()
        .filter(|check| check.kind != CheckKind::Consistency)
        .find_map(|check| check.tolerance.as_ref())
        .map(|tolerance| tolerance.amount)
        .unwrap_or_else(crate::analysis::check::default_tolerance);
    vec![
        Piece::text("Money agrees when the difference is at most the tolerance: "),
        money(given),
        Piece::text(
            " for published figures (--tolerance sets it), half a penny for tfcalc's own figures, \
             and 50p a family for families × a whole-pound figure per family. A return on investment \
             agrees when it rounds to the published figure.",
        ),
    ]
}

/// What a reader wants first: how many published figures agree, and which differ, by how much
/// and why.
fn summary(checks: &[&Check]) -> Vec<Vec<Piece>> {
    let published: Vec<&&Check> = checks
        .iter()
        .filter(|check| matches!(check.kind, CheckKind::Published | CheckKind::Item))
        .collect();
    if checks.is_empty() {
        return Vec::new();
    }
    let agreeing = published.iter().filter(|check| check.agrees).count();
    let mut lead = vec![Piece::text(format!(
        "Reconciliation: {agreeing} of {} published figures and items agree with the computed ones",
        published.len(),
    ))];
    let differing: Vec<&&Check> = checks.iter().filter(|check| !check.agrees).collect();
    lead.push(Piece::text(match differing.len() {
        0 => "; every check agrees.".to_string(),
        1 => "; 1 check differs:".to_string(),
        n => format!("; {n} checks differ:"),
    }));
    let mut lines = vec![lead];
    for check in differing {
        let mut line = vec![Piece::text(format!(
            "DIFFERS: {}, {} ({}): ",
            check.study,
            check.subject,
            check.kind.label()
        ))];
        let value = |value: Decimal| match check.measure {
            Measure::Money => money(value),
            Measure::Ratio | Measure::Count => Piece::text(match check.measure {
                Measure::Ratio => crate::money::format_ratio(value),
                _ => crate::money::format_quantity(value),
            }),
        };
        line.push(Piece::text(if check.kind.expects_published() {
            "published "
        } else {
            "expected "
        }));
        line.push(value(check.expected));
        match (check.computed, check.difference) {
            (Some(computed), Some(difference)) => {
                line.push(Piece::text(", computed "));
                line.push(value(computed));
                line.push(Piece::text(" ("));
                match check.measure {
                    Measure::Money => line.extend(signed(difference)),
                    _ => line.push(Piece::text(format!("{difference:+}"))),
                }
                line.push(Piece::text(")"));
            }
            _ => line.push(Piece::text(", not computed")),
        }
        let mut why = verdict_detail(check);
        if let Some(Piece::Text(first)) = why.first_mut() {
            // A sentence of its own here, where the Why column starts mid-sentence.
            let mut letters = first.chars();
            if let Some(letter) = letters.next() {
                *first = letter.to_uppercase().chain(letters).collect();
            }
        }
        if !why.is_empty() {
            line.push(Piece::text(". "));
            line.extend(why);
        }
        line.push(Piece::text("."));
        lines.push(line);
    }
    lines
}

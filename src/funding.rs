//! Who pays for delivery, and the one set of checks every way of writing it goes through: inline in
//! the study (`funding = { "County Council" = "0.6", "Police" = "0.4" }`, or `funding_amounts` in
//! pounds), or a funding file (`funding = "funding.csv"`, `funding = { file = "budget.xlsx",
//! sheet = "Funding" }`), a CSV or worksheet whose header says which: `agency,share` or
//! `agency,amount`.
//!
//! A funding file is read strictly, since every row of it moves money between agencies: a blank
//! row (often an agency whose figures were cleared), a column tfcalc does not know and an agency
//! named twice are errors, never passed over.

use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
use crate::study::Funding;
use crate::table_input::TableInput;
use indexmap::IndexMap;
use rust_decimal::Decimal;

/// Whether the figures are shares of the delivery cost or contributions in pounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Shares,
    Amounts,
}

/// How the funding was written, which decides how a message says to give pounds instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// In the study file: `funding` or `funding_amounts`.
    Inline,
    /// A funding file, whose `share` or `amount` column says which.
    File,
}

impl Written {
    /// Where contributions in pounds would be given instead: for the inline form, `funding_amounts`
    /// after `preposition` ("with", "as"), as the study's messages have always said it.
    fn pounds_instead(self, preposition: &str) -> String {
        match self {
            Written::Inline => format!("{preposition} funding_amounts"),
            Written::File => "in an `amount` column instead of `share`".to_string(),
        }
    }
}

/// One agency's share or contribution, as read.
#[derive(Debug, Clone)]
pub struct Entry {
    pub agency: String,
    pub value: Decimal,
    /// Where the agency is written, for messages about it now and later (a funder that bears
    /// none of the costs, say).
    pub at: Location,
}

/// The funding `entries` make, once checked: each agency named once and not empty, shares
/// between 0 and 1 summing to exactly 1, contributions not negative and not all 0. A problem with
/// the set as a whole is reported at `whole` (the study's table, or the file's column of figures).
/// Also returns where each agency is written.
pub fn check(
    basis: Basis,
    written: Written,
    entries: Vec<Entry>,
    whole: Location,
    diagnostics: &mut Diagnostics,
) -> (Funding, IndexMap<String, Location>) {
    let mut figures = IndexMap::new();
    let mut named_at: IndexMap<String, Location> = IndexMap::new();
    for entry in entries {
        if entry.agency.is_empty() {
            diagnostics
                .error(Some(entry.at), "a funding agency's name is empty")
                .hint(
                    "name the agency that pays as the unit costs name it, e.g. \"County Council\"",
                );
            continue;
        }
        if let Some(first) = named_at.get(&entry.agency) {
            diagnostics
                .error(
                    Some(entry.at),
                    format!(
                        "the funding names {:?} twice (first at {first})",
                        entry.agency
                    ),
                )
                .hint(match basis {
                    Basis::Shares => "give each agency once, with its whole share",
                    Basis::Amounts => "give each agency once, with its whole contribution",
                });
            continue;
        }
        named_at.insert(entry.agency.clone(), entry.at);
        figures.insert(entry.agency, entry.value);
    }
    // With no figure read, each entry's own error says what is wrong.
    if figures.is_empty() {
        return (
            match basis {
                Basis::Shares => Funding::Shares(figures),
                Basis::Amounts => Funding::Amounts(figures),
            },
            named_at,
        );
    }
    match basis {
        Basis::Shares => {
            if let Some((agency, share)) = figures
                .iter()
                .find(|(_, share)| **share < Decimal::ZERO || **share > Decimal::ONE)
            {
                diagnostics
                    .error(
                        Some(whole.clone()),
                        format!(
                            "the funding share of {agency:?} is {share}; shares are between 0 and 1"
                        ),
                    )
                    .hint(format!(
                        "write 0.25 or \"25%\" for a quarter, or give contributions in pounds {}",
                        written.pounds_instead("with")
                    ));
            }
            // Shares past 1 are reported above; their sum may not even fit, so it is checked.
            let total = figures
                .values()
                .try_fold(Decimal::ZERO, |sum, share| sum.checked_add(*share));
            if let Some(total) = total
                && total != Decimal::ONE
            {
                diagnostics
                    .error(Some(whole), format!("the funding shares sum to {total}, not 1"))
                    .hint(format!(
                        "make the shares add up to exactly 1, or give the contributions in pounds {}, which tfcalc turns into shares",
                        written.pounds_instead("as")
                    ));
            }
            (Funding::Shares(figures), named_at)
        }
        Basis::Amounts => {
            if figures
                .values()
                .any(|amount| amount.is_sign_negative() && !amount.is_zero())
            {
                diagnostics.error(Some(whole.clone()), "a funding amount is negative");
            }
            if figures.values().all(Decimal::is_zero) {
                diagnostics
                    .error(
                        Some(whole),
                        "the funding amounts sum to 0, so they cannot split the delivery cost",
                    )
                    .hint("give each agency's contribution to the pooled budget in pounds");
            }
            (Funding::Amounts(figures), named_at)
        }
    }
}

/// The header a funding file needs, for messages.
const COLUMNS: &str = "agency,share (or agency,amount)";

/// Reads a funding file. Returns `None` if it has errors, which are in `diagnostics`.
pub fn read_file(
    input: &InputPath,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> Option<(Funding, IndexMap<String, Location>)> {
    let errors_before = diagnostics.error_count();
    let mut table = TableInput::open(input, "funding file", COLUMNS, options, diagnostics)?;
    let (agency_column, value_column, basis) = find_columns(&table, diagnostics)?;
    let (value_name, value_what, parse): (_, _, fn(&str) -> _) = match basis {
        Basis::Shares => ("share", "the share", crate::money::parse_share),
        Basis::Amounts => ("amount", "the amount", crate::money::parse_money),
    };
    let named = [(agency_column, "agency"), (value_column, value_name)];
    let mut entries = Vec::new();
    let mut lines = None;
    while let Some(row) = table.next_row(diagnostics) {
        let line = row.line;
        lines = Some(lines.map_or((line, line), |(first, _)| (first, line)));
        if row.is_blank() {
            diagnostics
                .error(Some(table.row_at(line)), "the row is blank")
                .hint(format!(
                    "every row of a funding file gives an agency and its {value_name}: delete the row, or fill it in"
                ));
            continue;
        }
        if table.misfit(&row, diagnostics)
            || table.not_a_value(&row, &named, &[(value_name, value_what)], diagnostics)
        {
            continue;
        }
        let field = |index| row.field(index).ok().flatten().unwrap_or("");
        let (agency, value) = (field(agency_column), field(value_column));
        let at = table.cell_at(line, agency_column);
        if agency.is_empty() {
            diagnostics
                .error(Some(at), "the `agency` is empty")
                .hint("name the agency that pays as the unit costs name it, e.g. County Council");
            continue;
        }
        match parse(value) {
            Ok(value) => entries.push(Entry {
                agency: agency.to_string(),
                value,
                at,
            }),
            Err(error) => {
                let hint = match basis {
                    Basis::Shares => crate::toml_input::share_hint(&error),
                    Basis::Amounts => crate::toml_input::number_hint(&error),
                };
                diagnostics
                    .error(
                        Some(table.cell_at(line, value_column)),
                        format!(
                            "the funding {value_name} for {agency:?} is not a valid number: {error}"
                        ),
                    )
                    .hint(hint);
            }
        }
    }
    let Some((first_line, last_line)) = lines else {
        diagnostics
            .error(
                Some(Location::file(&table.shown)),
                "the funding file names no agency, so the delivery cost would be charged to no one",
            )
            .hint(format!(
                "add a row for each funder under the header {}, or leave funding out of the study if who pays is not known",
                match basis {
                    Basis::Shares => "agency,share",
                    Basis::Amounts => "agency,amount",
                }
            ));
        return None;
    };
    let whole = table.column_at(value_column, first_line, last_line);
    table.finish(input, options, diagnostics);
    let funding = check(basis, Written::File, entries, whole, diagnostics);
    (diagnostics.error_count() == errors_before).then_some(funding)
}

/// The funding file's `agency` column and its `share` or `amount` column. A missing, repeated or
/// unknown column, or both `share` and `amount`, is recorded and gives `None`.
fn find_columns(
    table: &TableInput,
    diagnostics: &mut Diagnostics,
) -> Option<(usize, usize, Basis)> {
    const KNOWN: [&str; 3] = ["agency", "share", "amount"];
    let mut ok = true;
    for (index, name) in table.header.iter().enumerate() {
        let name = String::from_utf8_lossy(name);
        let name = name.trim().trim_start_matches('\u{feff}').trim();
        if name.is_empty() || KNOWN.contains(&name.to_lowercase().as_str()) {
            continue;
        }
        ok = false;
        let hint = match crate::suggest::did_you_mean(name, KNOWN) {
            Some(suggestion) => format!(
                "{suggestion} A funding file has the columns agency and share, or agency and amount"
            ),
            None => format!(
                "a funding file has the columns agency and share (shares of the delivery cost summing to 1), or agency and amount (contributions in pounds): remove or rename `{name}`"
            ),
        };
        diagnostics
            .error(
                Some(table.cell_at(1, index)),
                format!("the funding file has a column tfcalc does not know: `{name}`"),
            )
            .hint(hint);
    }
    let (required, optional) = crate::csv_input::find_columns(
        &table.shown,
        &table.header,
        &["agency"],
        &["share", "amount"],
        diagnostics,
    )?;
    let basis = match (optional[0], optional[1]) {
        (Some(share), None) => Some((share, Basis::Shares)),
        (None, Some(amount)) => Some((amount, Basis::Amounts)),
        (Some(_), Some(_)) => {
            diagnostics
                .error(
                    Some(table.row_at(1)),
                    "the funding file has both a `share` and an `amount` column",
                )
                .hint("give shares of the delivery cost (share) or contributions in pounds (amount), not both: remove one of the columns");
            None
        }
        (None, None) => {
            diagnostics
                .error(
                    Some(table.row_at(1)),
                    "the funding file has no `share` or `amount` column",
                )
                .hint("add a `share` column (each agency's share of the delivery cost, such as 0.25 or 25%, summing to 1) or an `amount` column (contributions in pounds, which tfcalc turns into shares)");
            None
        }
    };
    let (value_column, basis) = basis?;
    ok.then_some((required[0], value_column, basis))
}

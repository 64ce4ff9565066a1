//! Per-family intervention costs from a CSV of `family_id,item,amount`, for studies whose families
//! did not all cost the same to work with.

use crate::csv_input::{self, HeaderShape};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::{InputPath, ReadOptions};
use crate::money::parse_money;
use indexmap::IndexMap;
use rust_decimal::Decimal;

/// Each family's intervention items, in the order first seen.
pub type FamilyInterventions = IndexMap<String, Vec<(String, Decimal)>>;

pub fn read_intervention_file(
    input: &InputPath,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> FamilyInterventions {
    let shown = input.shown();
    let mut result = FamilyInterventions::new();
    let Some(mut records) = input.open_csv("intervention file", options, diagnostics) else {
        return result;
    };
    let columns = match records.next_record() {
        csv_input::Next::Record { .. } => {
            let mut found = Diagnostics::new();
            let columns = csv_input::find_columns(
                &shown,
                &records.record,
                &["family_id", "item", "amount"],
                &[],
                &mut found,
            );
            // With a key, a headerless file's first family id is not quoted as a column name.
            crate::pseudonym::header_problems(
                found,
                "family_id,item,amount",
                options.pseudonymise.as_ref(),
                diagnostics,
            );
            columns.map(|(columns, _)| (columns, HeaderShape::of(&records.record)))
        }
        csv_input::Next::End { .. } => {
            diagnostics
                .error(
                    Some(Location::file(&shown)),
                    "the file is empty: it has no header row",
                )
                .hint("the first row must name the columns: family_id,item,amount");
            None
        }
        csv_input::Next::Unreadable(unreadable) => {
            diagnostics.push(unreadable.problem(&shown));
            None
        }
    };
    let Some((columns, shape)) = columns else {
        return result;
    };
    while let Some(line) = records.next_filled_record(&shown, diagnostics) {
        let record = &records.record;
        let location = Location::line(&shown, line);
        if let Some(misfit) = shape.check(record) {
            diagnostics
                .error(Some(location), misfit.to_string())
                .hint(csv_input::MISFIT_HINT);
            continue;
        }
        let fields: Vec<Option<&str>> = columns
            .iter()
            .map(|&index| csv_input::text_field(record, index).ok().flatten())
            .collect();
        let [Some(family_id), Some(item), Some(amount)] = fields[..] else {
            diagnostics
                .error(
                    Some(location),
                    "the row is missing a family_id, item or amount, or is not UTF-8 text",
                )
                .hint("every row needs family_id,item,amount");
            continue;
        };
        if family_id.is_empty() {
            diagnostics.error(Some(location), "the `family_id` is empty");
            continue;
        }
        match parse_money(amount) {
            Ok(value) if value.is_sign_negative() && !value.is_zero() => {
                diagnostics
                    .error(Some(location), format!("the amount {amount:?} is negative"))
                    .hint("intervention costs are zero or more");
            }
            Ok(value) => result
                .entry(family_id.to_string())
                .or_default()
                .push((item.to_string(), value)),
            Err(error) => {
                diagnostics
                    .error(Some(location), format!("bad `amount`: {error}"))
                    .hint("write an amount such as 2419 or £2,419.50");
            }
        }
    }
    input.finish_csv(&records, options.encoding, diagnostics);
    result
}

//! Per-family intervention costs from a table of `family_id,item,amount`, for studies whose
//! families did not all cost the same to work with: a CSV, or a worksheet
//! (`file = { file = "extract.xlsx", sheet = "Intervention" }`), read by the same rules
//! ([`crate::table_input`]). Blank rows are passed over, as in every CSV tfcalc reads.

use crate::diagnostic::Diagnostics;
use crate::input_path::{InputPath, ReadOptions};
use crate::money::parse_money;
use crate::table_input::TableInput;
use indexmap::IndexMap;
use rust_decimal::Decimal;

/// Each family's intervention items, in the order first seen.
pub type FamilyInterventions = IndexMap<String, Vec<(String, Decimal)>>;

const COLUMNS: [&str; 3] = ["family_id", "item", "amount"];

pub fn read_intervention_file(
    input: &InputPath,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> FamilyInterventions {
    let mut result = FamilyInterventions::new();
    let header = COLUMNS.join(",");
    let Some(mut table) =
        TableInput::open(input, "intervention file", &header, options, diagnostics)
    else {
        return result;
    };
    let mut found = Diagnostics::new();
    let columns =
        crate::csv_input::find_columns(&table.shown, &table.header, &COLUMNS, &[], &mut found);
    // With a key, a headerless file's first family id is not quoted as a column name.
    crate::pseudonym::header_problems(found, &header, options.pseudonymise.as_ref(), diagnostics);
    let Some((columns, _)) = columns else {
        return result;
    };
    let [family_column, _, amount_column] = columns[..] else {
        unreachable!("find_columns gives one position for each required column");
    };
    let named: Vec<(usize, &str)> = columns.iter().copied().zip(COLUMNS).collect();
    while let Some(row) = table.next_row(diagnostics) {
        if row.is_blank()
            || table.misfit(&row, diagnostics)
            || table.not_a_value(&row, &named, &[("amount", "the amount")], diagnostics)
        {
            continue;
        }
        let line = row.line;
        let fields: Vec<Option<&str>> = columns
            .iter()
            .map(|&index| row.field(index).ok().flatten())
            .collect();
        let [Some(family_id), Some(item), Some(amount)] = fields[..] else {
            diagnostics
                .error(
                    Some(table.row_at(line)),
                    "the row is missing a family_id, item or amount, or is not UTF-8 text",
                )
                .hint("every row needs family_id,item,amount");
            continue;
        };
        if family_id.is_empty() {
            diagnostics.error(
                Some(table.cell_at(line, family_column)),
                "the `family_id` is empty",
            );
            continue;
        }
        let location = Some(table.cell_at(line, amount_column));
        match parse_money(amount) {
            Ok(value) if value.is_sign_negative() && !value.is_zero() => {
                diagnostics
                    .error(location, format!("the amount {amount:?} is negative"))
                    .hint("intervention costs are zero or more");
            }
            Ok(value) => result
                .entry(family_id.to_string())
                .or_default()
                .push((item.to_string(), value)),
            Err(error) => {
                diagnostics
                    .error(location, format!("bad `amount`: {error}"))
                    .hint("write an amount such as 2419 or £2,419.50");
            }
        }
    }
    table.finish(input, options, diagnostics);
    result
}

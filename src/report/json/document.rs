//! Any document's tables as JSON, for outputs with no study figures behind them.

use super::decimal_text;

/// Any document as JSON: each table an array of objects keyed by column, money as exact decimal
/// strings. For outputs with no study figures, such as `costs list`.
pub fn render_document(
    document: &crate::report::Document<'_>,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    use crate::report::view::Cell;
    let tables: Vec<serde_json::Value> = document
        .tables
        .iter()
        .map(|table| {
            let rows: Vec<serde_json::Value> = table
                .all_rows()
                .map(|row| {
                    let mut object = serde_json::Map::new();
                    for (column, cell) in table.columns.iter().zip(&row.cells) {
                        let value = match cell {
                            Cell::Text(text) => serde_json::Value::String(text.clone()),
                            Cell::Money(value)
                            | Cell::UnitCost(value)
                            | Cell::MoneyDifference(value)
                            | Cell::Ratio(value)
                            | Cell::Quantity(value)
                            | Cell::Percent(value)
                            | Cell::Number { value, .. } => {
                                serde_json::Value::String(decimal_text(*value))
                            }
                            Cell::Count(count) => serde_json::Value::from(*count),
                            Cell::Verdict { .. } => {
                                serde_json::Value::String(crate::report::format::cell_text(
                                    cell,
                                    crate::money::Precision::Pence,
                                    crate::report::format::Style::Display,
                                ))
                            }
                            Cell::Phrase(pieces) => {
                                serde_json::Value::String(crate::report::format::phrase_text(
                                    pieces,
                                    crate::money::Precision::Pence,
                                ))
                            }
                            Cell::Empty => serde_json::Value::Null,
                        };
                        object.insert(json_key(column), value);
                    }
                    serde_json::Value::Object(object)
                })
                .collect();
            serde_json::json!({ "table": table.key, "title": table.title, "rows": rows })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *output, &serde_json::json!({ "tables": tables }))
        .map_err(std::io::Error::from)?;
    writeln!(output)?;
    Ok(())
}

/// A column heading as a JSON key: "Price year" becomes "price_year".
fn json_key(column: &str) -> String {
    let mut key = String::new();
    for character in column.chars() {
        if character.is_ascii_alphanumeric() {
            key.push(character.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_string()
}

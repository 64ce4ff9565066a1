//! CSV: one table per file, figures as plain numbers so that a spreadsheet can sum them, and
//! text made safe to open in one (see [`crate::spreadsheet`]).

use super::format::{Style, cell_text};
use super::view::{Cell, Row, TableView};
use crate::money::Precision;
use crate::spreadsheet::safe_text;
use std::io::Write;

/// Generated rows past this many are written by several threads, each into memory, then copied
/// out in order: the families of a national study are most of the output.
const PARALLEL_ROWS: usize = 50_000;

/// Writes one table: a header row, then every row.
pub fn render_table(
    table: &TableView<'_>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut *output);
        writer.write_record(
            table
                .columns
                .iter()
                .map(|column| safe_text(column).into_owned()),
        )?;
        writer.flush()?;
    }
    if let Some(generated) = &table.generated {
        let threads = std::thread::available_parallelism()
            .map_or(1, |cores| cores.get())
            .min(8);
        if generated.count > PARALLEL_ROWS && threads > 1 {
            let share = generated.count.div_ceil(threads);
            let parts: Vec<anyhow::Result<Vec<u8>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|part| {
                        let range = (part * share).min(generated.count)
                            ..((part + 1) * share).min(generated.count);
                        scope.spawn(move || {
                            let mut buffer = Vec::with_capacity(range.len() * 48);
                            write_rows(
                                range.map(|index| (generated.row)(index)),
                                precision,
                                &mut buffer,
                            )?;
                            Ok(buffer)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|handle| {
                        handle
                            .join()
                            .unwrap_or_else(|_| Err(anyhow::anyhow!("a writing thread failed")))
                    })
                    .collect()
            });
            for part in parts {
                output.write_all(&part?)?;
            }
        } else {
            write_rows(
                (0..generated.count).map(|index| (generated.row)(index)),
                precision,
                output,
            )?;
        }
    }
    write_rows(table.rows.iter().cloned(), precision, output)
}

/// Writes rows (no header), each field as a spreadsheet should read it.
fn write_rows(
    rows: impl Iterator<Item = Row>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(output);
    let mut record = csv::StringRecord::new();
    let mut field = String::new();
    for row in rows {
        record.clear();
        for cell in &row.cells {
            match cell {
                // Only text can start with "=", "+", "-" or "@" and be taken for a formula: a
                // negative amount is a number, and must stay one.
                Cell::Text(text) => record.push_field(&safe_text(text)),
                Cell::Phrase(_) => {
                    record.push_field(&safe_text(&cell_text(cell, precision, Style::Plain)))
                }
                Cell::Money(value) | Cell::MoneyDifference(value) => {
                    field.clear();
                    crate::money::write_money_plain(&mut field, *value, precision);
                    record.push_field(&field);
                }
                _ => record.push_field(&cell_text(cell, precision, Style::Plain)),
            }
        }
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn money_is_plain_and_text_is_defused() {
        let mut table = TableView::new("t", "T", &["Family", "Net saving"]);
        table.rows.push(Row::item(vec![
            Cell::text("=HYPERLINK(\"http://x\",\"y\")"),
            Cell::Money(Decimal::new(-36978, 0)),
        ]));
        table.rows.push(Row::item(vec![
            Cell::text("-5 families"),
            Cell::Money(Decimal::new(20465, 1)),
        ]));
        let mut written = Vec::new();
        render_table(&table, Precision::Pounds, &mut written).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "Family,Net saving\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-36978\n'-5 families,2047\n"
        );
        let mut pence = Vec::new();
        render_table(&table, Precision::Pence, &mut pence).unwrap();
        assert!(
            String::from_utf8(pence)
                .unwrap()
                .ends_with("'-5 families,2046.50\n")
        );
    }
}

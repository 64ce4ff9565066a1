//! CSV: one table per file, figures as plain numbers so that a spreadsheet can sum them, and
//! text made safe to open in one (see [`crate::spreadsheet`]).

use super::format::{Style, cell_text};
use super::renderer::Renderer;
use super::view::{Cell, Document, Row, TableView};
use super::waves::WaveError;
use crate::money::Precision;
use crate::spreadsheet::safe_text;
use std::io::Write;

/// Generated rows past this many are written by every thread (see `--threads`), each into memory,
/// then copied out in order: the families of a national study are most of the output.
const PARALLEL_ROWS: usize = 50_000;

/// Rows each thread writes at a time.
const BLOCK_ROWS: usize = 8192;

/// The CSV renderer. CSV holds one table per file: a document of many tables is written one
/// table after another, and a command that writes files writes each with [`render_table`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Csv {
    pub precision: Precision,
}

impl Renderer for Csv {
    fn render(&self, document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()> {
        for table in &document.tables {
            render_table(table, self.precision, output)?;
        }
        Ok(())
    }
}

/// Writes one table: a header row, then every row.
pub fn render_table(
    table: &TableView<'_>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    write_header(&table.columns, output)?;
    if let Some(generated) = &table.generated {
        let rows = |range: std::ops::Range<usize>| generated.rows(range);
        let threads = rayon::current_num_threads();
        if generated.count > PARALLEL_ROWS && threads > 1 {
            let blocks = generated.count.div_ceil(BLOCK_ROWS);
            let block_rows =
                |block: usize| block * BLOCK_ROWS..((block + 1) * BLOCK_ROWS).min(generated.count);
            super::waves::write_in_waves(
                blocks,
                |block, buffer| write_rows(rows(block_rows(block)), precision, buffer),
                |buffer| output.write_all(buffer),
            )
            .map_err(|error| match error {
                WaveError::Making(error) => error,
                WaveError::Writing(error) => error.into(),
            })?;
        } else {
            write_rows(rows(0..generated.count), precision, output)?;
        }
    }
    write_rows(table.rows.iter().cloned(), precision, output)
}

/// The header row: the columns' names, made safe to open in a spreadsheet.
fn write_header(columns: &[String], output: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(&mut *output);
    writer.write_record(columns.iter().map(|column| safe_text(column).into_owned()))?;
    writer.flush()?;
    Ok(())
}

/// Starts a table whose rows come one at a time from a source that can be walked only once
/// (the rows set aside by `--skip-bad-rows`, some of them spilled to a file): writes the header
/// row, and hands back the writer of the rows, which must be [finished](RowWriter::finish).
pub(crate) fn stream_table<'w>(
    columns: &[&str],
    precision: Precision,
    output: &'w mut dyn Write,
) -> anyhow::Result<RowWriter<'w>> {
    let columns: Vec<String> = columns.iter().map(|column| column.to_string()).collect();
    write_header(&columns, output)?;
    Ok(RowWriter::new(precision, output))
}

/// Writes rows (no header), each field as a spreadsheet should read it.
fn write_rows(
    rows: impl Iterator<Item = Row>,
    precision: Precision,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut writer = RowWriter::new(precision, output);
    for row in rows {
        writer.push(&row)?;
    }
    writer.finish()?;
    Ok(())
}

/// Writes rows, each field as a spreadsheet should read it. Fields are quoted exactly as the csv
/// crate quotes them (when they hold a comma, a quote or a line break), but written straight into
/// a buffer: the families of a national study are millions of fields.
pub(crate) struct RowWriter<'w> {
    output: &'w mut dyn Write,
    buffer: Vec<u8>,
    precision: Precision,
}

impl<'w> RowWriter<'w> {
    fn new(precision: Precision, output: &'w mut dyn Write) -> RowWriter<'w> {
        RowWriter {
            output,
            buffer: Vec::with_capacity(1 << 16),
            precision,
        }
    }

    /// Writes one row.
    pub(crate) fn push(&mut self, row: &Row) -> std::io::Result<()> {
        let (precision, buffer) = (self.precision, &mut self.buffer);
        if let [only] = row.cells.as_slice()
            && cell_text(only, precision, Style::Plain).is_empty()
        {
            // A row of one empty field is written as "", or it would read as no row at all.
            buffer.extend_from_slice(b"\"\"\n");
        } else {
            for (index, cell) in row.cells.iter().enumerate() {
                if index > 0 {
                    buffer.push(b',');
                }
                match cell {
                    // Only text can start with "=", "+", "-" or "@" and be taken for a formula: a
                    // negative amount is a number, and must stay one.
                    Cell::Text(text) => write_field(buffer, &safe_text(text)),
                    Cell::Phrase(_) | Cell::Verdict { .. } => write_field(
                        buffer,
                        &safe_text(&cell_text(cell, precision, Style::Plain)),
                    ),
                    Cell::Money(value) | Cell::MoneyDifference(value) => {
                        crate::money::write_money_plain(buffer, *value, precision);
                    }
                    _ => write_field(buffer, &cell_text(cell, precision, Style::Plain)),
                }
            }
            buffer.push(b'\n');
        }
        if self.buffer.len() >= 1 << 16 {
            self.output.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Writes what is left of the rows.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        self.output.write_all(&self.buffer)
    }
}

/// One field, in quotes (with its quotes doubled) if it holds a comma, a quote or a line break.
fn write_field(buffer: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let needs_quotes = if bytes.len() <= 32 {
        // Most fields are short (a family id): a plain loop beats two searches set up for long text.
        bytes
            .iter()
            .any(|&byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
            || memchr::memchr(b'\r', bytes).is_some()
    };
    if !needs_quotes {
        buffer.extend_from_slice(bytes);
        return;
    }
    buffer.push(b'"');
    for &byte in bytes {
        if byte == b'"' {
            buffer.push(b'"');
        }
        buffer.push(byte);
    }
    buffer.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// Fields are quoted just as the csv crate would quote them, so the file reads back the same.
    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let texts = [
            "plain",
            "",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\r",
            " spaced ",
            "£5",
            "'",
            // Longer than the short-field check: the searches for long text.
            "a field of more than thirty-two bytes, with a comma",
            "a field of more than thirty-two bytes \"quoted\" in it",
            "a field of more than thirty-two bytes ending in a CR\r",
            "a plain field of more than thirty-two bytes and no quotes",
        ];
        let mut table = TableView::new("t", "T", &["A", "B"]);
        for text in texts {
            table
                .rows
                .push(Row::item(vec![Cell::text(text), Cell::text("x")]));
        }
        table.rows.push(Row::item(vec![Cell::text("")]));
        let mut ours = Vec::new();
        render_table(&table, Precision::Pounds, &mut ours).unwrap();
        let mut theirs = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        theirs.write_record(["A", "B"]).unwrap();
        for text in texts {
            theirs.write_record([text, "x"]).unwrap();
        }
        theirs.write_record([""]).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

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

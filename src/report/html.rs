//! HTML: one self-contained page, for a browser or to print on A4. Its styles are inline and its
//! charts are inline SVG (see [`super::svg`]): it loads nothing from the network and needs no
//! JavaScript.

use super::format::{phrase_text, verdict_word};
use super::markup::{Markup, MarkupTable, Tables};
use super::svg::{self, escape};
use super::view::{Document, ROWS_SHOWN, RowKind};
use crate::money::Precision;
use std::io::Write;

/// The HTML renderer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Html {
    pub precision: Precision,
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1f23; max-width: 1000px; margin: 0 auto; padding: 24px; line-height: 1.4; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 6px; break-after: avoid; }
.meta { color: #5a6270; margin: 0 0 12px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 20px; color: #5a6270; }
nav a { color: #2f5d8a; }
figure { margin: 18px 0; break-inside: avoid; }
figcaption { font-weight: 600; font-size: 15px; margin-bottom: 4px; }
svg { width: 100%; max-width: 760px; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #d8dee4; text-align: left; vertical-align: top; }
th { background: #eef2f6; border-bottom: 2px solid #8c959f; }
.num { text-align: right; }
td.num { white-space: nowrap; }
td.indent { padding-left: 22px; }
td.indent-more { padding-left: 40px; font-style: italic; }
tr.heading td { font-weight: 600; background: #f6f8fa; }
tr.total td { font-weight: 700; border-top: 2px solid #57606a; }
tr.more td { color: #5a6270; font-style: italic; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.note { color: #4a525c; font-size: 13px; margin: 4px 0; }
td.differs { border: 2px solid #b3261e; background: #fde8e7; color: #6e0b07; }
td.differs strong, .summary strong { font-weight: 700; letter-spacing: 0.02em; }
.summary { border: 1px solid #8c959f; border-left: 6px solid #57606a; padding: 8px 14px; margin: 16px 0;
  break-inside: avoid; }
.summary.differs { border-left-color: #b3261e; }
.summary p { margin: 4px 0; font-weight: 600; }
.summary ul { margin: 4px 0; padding-left: 20px; }
section { break-inside: auto; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 5px; }
  nav { display: none; }
  h2 { font-size: 13pt; }
}
"#;

impl Markup for Html {
    fn precision(&self) -> Precision {
        self.precision
    }

    fn rows_shown(&self) -> Option<usize> {
        Some(ROWS_SHOWN)
    }

    /// The page's head, the summaries and the charts.
    fn start(
        &self,
        document: &Document<'_>,
        tables: &Tables<'_, '_>,
        output: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let precision = self.precision;
        let mut page = String::new();
        page.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.push_str(&format!(
            "<meta name=\"generator\" content=\"tfcalc {}\">\n",
            env!("CARGO_PKG_VERSION")
        ));
        page.push_str(&format!("<title>{}</title>\n", escape(&document.title)));
        page.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
        page.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(&document.title),
        match precision {
            Precision::Pounds =>
                "Money in whole pounds, rounded half away from zero; totals are the exact totals rounded, so lines may not add to them by a pound or so.",
            Precision::Pence => "Money to the penny.",
        }
    ));
        if tables.len() > 2 {
            page.push_str("<nav><ol>\n");
            let mut index = 0;
            tables.try_for_each(|table| {
                page.push_str(&format!(
                    "<li><a href=\"#{}\">{}</a></li>\n",
                    anchor(index, &table.key),
                    escape(&table.title)
                ));
                index += 1;
                Ok(())
            })?;
            page.push_str("</ol></nav>\n");
        }
        page.push_str("</header>\n");
        page.push_str(&summaries(tables, precision)?);
        output.write_all(page.as_bytes())?;

        for (index, chart) in document.charts.iter().enumerate() {
            let id = format!("chart-{index}");
            let mut figure = format!(
                "<figure id=\"{id}\">\n<figcaption>{}</figcaption>\n",
                escape(&chart.title)
            );
            figure.push_str(&svg::chart(chart, precision, &id));
            figure.push('\n');
            for note in &chart.notes {
                figure.push_str(&format!("<p class=\"note\">{}</p>\n", escape(note)));
            }
            figure.push_str("</figure>\n");
            output.write_all(figure.as_bytes())?;
        }
        Ok(())
    }

    /// Tables follow one another as sections.
    fn between_tables(&self, _output: &mut dyn Write) -> anyhow::Result<()> {
        Ok(())
    }

    fn table(&self, table: &MarkupTable<'_, '_>, output: &mut dyn Write) -> anyhow::Result<()> {
        render_table(table, output)
    }

    fn finish(&self, _document: &Document<'_>, output: &mut dyn Write) -> anyhow::Result<()> {
        output.write_all(b"</body>\n</html>\n")?;
        Ok(())
    }
}

/// What the tables find, first, so that a reader sees at once which published figures differ:
/// each table's summary as a lead sentence and its points. A point that starts with DIFFERS has
/// the word in bold, as the table's Result cell does.
fn summaries(tables: &Tables<'_, '_>, precision: Precision) -> anyhow::Result<String> {
    let mut html = String::new();
    tables.try_for_each(|table| {
        let Some((lead, points)) = table.summary.split_first() else {
            return Ok(());
        };
        let differs = if points.is_empty() { "" } else { " differs" };
        html.push_str(&format!(
            "<section class=\"summary{differs}\" aria-label=\"Summary\">\n<p>{}</p>\n",
            escape(&phrase_text(lead, precision))
        ));
        if !points.is_empty() {
            html.push_str("<ul>\n");
            for point in points {
                html.push_str(&format!(
                    "<li>{}</li>\n",
                    bold_verdict(&phrase_text(point, precision))
                ));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</section>\n");
        Ok(())
    })?;
    Ok(html)
}

/// Escaped text with a leading "DIFFERS" in bold.
fn bold_verdict(text: &str) -> String {
    let word = verdict_word(false);
    match text.strip_prefix(word) {
        Some(rest) => format!("<strong>{word}</strong>{}", escape(rest)),
        None => escape(text),
    }
}

/// A unique id for a table, to link to from the contents.
fn anchor(index: usize, key: &str) -> String {
    format!("t{index}-{}", crate::output::file_name_part(key))
}

fn render_table(table: &MarkupTable<'_, '_>, output: &mut dyn Write) -> anyhow::Result<()> {
    let view = table.view;
    let numeric = &table.numeric_columns;
    let mut html = format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n<table>\n<thead><tr>",
        anchor(table.index, &view.key),
        escape(&view.title)
    );
    for (column, name) in view.columns.iter().enumerate() {
        html.push_str(&format!(
            "<th{} scope=\"col\">{}</th>",
            if numeric[column] {
                " class=\"num\""
            } else {
                ""
            },
            escape(name)
        ));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    // The first generated rows, then a line saying how many are left out, then the held rows.
    let (shown, hidden) = (table.shown, table.hidden);
    for (index, row) in table.rows().enumerate() {
        if hidden > 0 && index == shown {
            html.push_str(&format!(
                "<tr class=\"more\"><td colspan=\"{}\">… and {} more {}, not shown here: the CSV and Excel outputs (--format csv or xlsx) have every one. The totals below include them.</td></tr>\n",
                view.columns.len().max(1),
                crate::money::format_quantity(rust_decimal::Decimal::from(hidden as u64)),
                crate::diagnostic::plural(hidden as u64, "row", "rows")
            ));
        }
        let class = match row.kind {
            RowKind::Item => "",
            RowKind::Heading => " class=\"heading\"",
            RowKind::Total => " class=\"total\"",
        };
        html.push_str(&format!("<tr{class}>"));
        for (column, cell) in row.cells.iter().enumerate() {
            let mut classes = Vec::new();
            if cell.numeric || numeric.get(column).copied().unwrap_or(false) {
                classes.push("num");
            }
            let mut text = cell.text.as_str();
            if cell.indented {
                // A line that explains the line above it (a composite's parts) is indented
                // further, as spaces would be collapsed.
                if cell.own_indent() >= 2 {
                    text = text.trim_start();
                    classes.push("indent-more");
                } else {
                    classes.push("indent");
                }
            }
            if cell.differs {
                classes.push("differs");
            }
            let class = if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", classes.join(" "))
            };
            let content = if cell.differs {
                format!("<strong>{}</strong>", escape(text))
            } else {
                escape(text)
            };
            html.push_str(&format!("<td{class}>{content}</td>"));
        }
        html.push_str("</tr>\n");
        // Long tables are written as they are made, not held whole.
        if html.len() > 1 << 16 {
            output.write_all(html.as_bytes())?;
            html.clear();
        }
    }
    html.push_str("</tbody>\n</table>\n");
    for note in table.notes() {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    }
    html.push_str("</section>\n");
    output.write_all(html.as_bytes())?;
    Ok(())
}

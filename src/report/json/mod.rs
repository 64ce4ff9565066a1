//! JSON output: the ledger's exact figures, with money as unrounded, normalised decimal strings,
//! and for `report` everything its tables show, drawn from the same ledger, appraisal and checks
//! as the views rather than from the views' cells. The key names are part of the file-format
//! contract (DESIGN.md, Part 1): keys may be added, never renamed.
//!
//! This module holds the entry points and their options; `study` writes one study, from the
//! parts `families`, `agencies`, `assumptions`, `unit_costs` and `checks` write, all
//! with figures as `decimal` spells them; `document` writes a document with no study behind it.
//! `pretty` is the formatter a study's JSON is written with, and `pieces` serialises a long array
//! (the families) in parallel.

mod agencies;
mod assumptions;
mod checks;
mod decimal;
mod document;
mod families;
mod pieces;
mod pretty;
mod study;
mod unit_costs;

pub(crate) use decimal::decimal_text;
pub use document::render_document;

use crate::costed::Costed;
use crate::ledger::StudyLedger;
use crate::usage::Itemise;
use serde::Serialize;

/// What to include beyond the core figures.
#[derive(Debug, Clone, Copy)]
pub struct JsonOptions {
    /// Which studies' families carry their itemised lines (for statements): the same studies
    /// whose statements the command's tables show.
    pub lines: Itemise,
}

impl Default for JsonOptions {
    fn default() -> JsonOptions {
        JsonOptions {
            lines: Itemise::Never,
        }
    }
}

impl JsonOptions {
    fn itemises(&self, ledger: &StudyLedger) -> bool {
        !ledger.is_summary
            && match self.lines {
                Itemise::Always => true,
                Itemise::UpTo(families) => ledger.families.len() <= families,
                Itemise::Never => false,
            }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    studies: Vec<study::Study<'a>>,
}

/// Writes the studies' figures as JSON, streaming the families: a few at a time are serialised
/// in parallel and written out in order, and no study's JSON is ever held whole.
pub fn render(
    studies: &[Costed],
    options: JsonOptions,
    output: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let report = Report {
        studies: studies
            .iter()
            .map(|figures| study::study(figures, options))
            .collect(),
    };
    // serde_json writes a national study's JSON in billions of small pieces (a quote, a colon,
    // an indent): a buffer of its own takes each without a call through `dyn Write`, and hands
    // the output whole blocks.
    use std::io::Write as _;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, output);
    report
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut buffered,
            pretty::Pretty::new(),
        ))
        .map_err(std::io::Error::from)?;
    writeln!(buffered)?;
    buffered.flush()?;
    Ok(())
}

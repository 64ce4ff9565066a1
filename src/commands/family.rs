//! `tfcalc family`: the Hertfordshire-style statement of each family, or one row per family.
//!
//! Statements are made one family at a time as they are written, never all held: as terminal
//! tables, Markdown or HTML, one table per family; as CSV or Excel, one table of every statement
//! of a study with a Family column (one file, or one sheet); as JSON, the ledger's figures.
//! `--file-per-family` writes a CSV file per family instead, for up to
//! [`limits::MAX_FILES_PER_FAMILY`] families.

use super::limits::{self, SheetRows};
use super::{cost_studies_checked, emit, emit_generated};
use crate::cli::{FamilyArgs, Format};
use crate::commands::RunConfig;
use crate::costed::Costed;
use crate::report::json::JsonOptions;
use crate::report::{Document, GeneratedTables, views};
use crate::study::Study;
use crate::usage::Itemise;
use std::process::ExitCode;

/// Families with a waterfall chart each; a study with more gets one chart for the whole study.
const FAMILY_CHARTS: usize = 20;

/// A family's statement takes at least four rows of a sheet: three headings and the savings.
const STATEMENT_SHEET: SheetRows = SheetRows {
    per_family: 4,
    besides: 0,
    what: "statements sheet",
    hint: STATEMENTS_HINT,
};

/// What to do instead of a workbook of statements too long for a sheet.
const STATEMENTS_HINT: &str =
    "give --summary for one row per family, or --format csv for every statement in one file";

pub fn run(args: &FamilyArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    super::check_output(config)?;
    let format = config.format()?;
    if args.file_per_family && format != Format::Csv {
        anyhow::bail!(
            "--file-per-family writes a CSV file for each family: give --format csv (or --output FOLDER/), or leave it out for one {} of every statement",
            if format == Format::Xlsx {
                "sheet"
            } else {
                "file"
            }
        );
    }
    let itemise = if args.summary {
        Itemise::Never
    } else {
        Itemise::Always
    };
    let before_reading = |studies: &[Study]| {
        if args.file_per_family {
            limits::refuse_files_before_reading(studies)?;
        }
        let sheet = if args.summary {
            limits::FAMILIES_SHEET
        } else {
            STATEMENT_SHEET
        };
        limits::refuse_sheet_before_reading(studies, config, sheet)
    };
    let studies = cost_studies_checked(&args.study, config, itemise, &before_reading)?;
    for costed in &studies {
        if costed.ledger.is_summary {
            anyhow::bail!(
                "{} is a summary study: it has no family records to itemise; try `tfcalc roi` or `tfcalc agency`",
                costed.context.name
            );
        }
    }
    let mut document = Document {
        title: "Family statements".to_string(),
        charts: if args.summary {
            study_charts(&studies)
        } else {
            family_charts(&studies)?
        },
        tables: Vec::new(),
    };
    let json_options = JsonOptions { lines: itemise };
    match format {
        // The ledger's figures, streamed family by family: no table is made.
        Format::Json => emit(&studies, &document, json_options, config)?,
        _ if args.summary => {
            document.tables = studies
                .iter()
                .map(|costed| views::family_summary(&costed.ledger, &costed.context))
                .collect();
            emit(&studies, &document, json_options, config)?;
        }
        Format::Csv if args.file_per_family => {
            let families = studies.iter().map(|costed| costed.ledger.families.len());
            limits::refuse_files_per_family(families.sum(), false)?;
            document.tables = studies
                .iter()
                .flat_map(|costed| {
                    costed
                        .ledger
                        .families
                        .iter()
                        .map(|family| views::statement(&costed.context, family))
                })
                .collect();
            emit(&studies, &document, json_options, config)?;
        }
        Format::Csv | Format::Xlsx => {
            for costed in &studies {
                let rows = views::statements_rows(&costed.ledger, &costed.context);
                if format == Format::Xlsx {
                    let title = format!("{}: family statements", costed.context.name);
                    crate::report::xlsx::refuse_too_long(rows, &title, STATEMENTS_HINT)?;
                }
            }
            document.tables = studies
                .iter()
                .map(|costed| views::statements(&costed.ledger, &costed.context))
                .collect();
            emit(&studies, &document, json_options, config)?;
        }
        Format::Table | Format::Markdown | Format::Html => {
            let statements = statement_tables(&studies);
            emit_generated(&studies, &document, &statements, config)?;
        }
    }
    drop(document);
    super::keep_until_exit(studies);
    Ok(ExitCode::SUCCESS)
}

/// One waterfall for each study.
fn study_charts(studies: &[Costed]) -> Vec<crate::report::ChartView> {
    studies.iter().map(views::charts::study_waterfall).collect()
}

/// A chart for each family while there are few enough to look at; beyond that, one for the
/// study.
fn family_charts(studies: &[Costed]) -> anyhow::Result<Vec<crate::report::ChartView>> {
    let mut charts = Vec::new();
    for costed in studies {
        if costed.ledger.families.len() > FAMILY_CHARTS {
            charts.push(views::charts::study_waterfall(costed));
        } else {
            for family in &costed.ledger.families {
                charts.push(views::charts::family_waterfall(&costed.context, family)?);
            }
        }
    }
    Ok(charts)
}

/// Every family's statement, study after study, each made when it is drawn.
fn statement_tables(studies: &[Costed]) -> GeneratedTables<'_> {
    // The first family of each study, counting on from the studies before it.
    let mut starts = Vec::with_capacity(studies.len() + 1);
    starts.push(0);
    for costed in studies {
        starts.push(starts.last().copied().unwrap_or(0) + costed.ledger.families.len());
    }
    let count = starts.last().copied().unwrap_or(0);
    GeneratedTables {
        count,
        table: Box::new(move |index| {
            let study = starts.partition_point(|&start| start <= index) - 1;
            let costed = &studies[study];
            views::statement(
                &costed.context,
                &costed.ledger.families[index - starts[study]],
            )
        }),
    }
}

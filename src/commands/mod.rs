//! The commands: each loads what it needs, builds views from the ledger and hands them to a
//! renderer. Loading is shared here.

pub mod agency;
pub mod costs;
pub mod family;
pub mod reconcile;
pub mod report;
pub mod roi;

use crate::cli::{Format, GlobalArgs, StudyArgs};
use crate::costed::Costed;
use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, InputErrors, Location, Problem, display_path};
use crate::input_path::InputPath;
use crate::intervention_file::read_intervention_file;
use crate::ledger::{self, RecordInputs, StudyInputs};
use crate::money::{Precision, parse_money};
use crate::reconcile as reconciliation;
use crate::report::json::{self, JsonOptions};
use crate::report::{Document, terminal};
use crate::study::{QuickStudy, Study, StudyData, load_study};
use crate::uprating::Uprating;
use crate::usage::read_usage_file;
use std::sync::Arc;

pub fn precision(global: &GlobalArgs) -> Precision {
    if global.pence {
        Precision::Pence
    } else {
        Precision::Pounds
    }
}

/// Reads, checks and costs every study named on the command line (or the quick run).
pub fn cost_studies(args: &StudyArgs, global: &GlobalArgs) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with_tolerance(args, global, reconciliation::default_tolerance())
}

/// As [`cost_studies`], reconciling published money figures to within `tolerance`.
pub fn cost_studies_with_tolerance(
    args: &StudyArgs,
    global: &GlobalArgs,
    tolerance: rust_decimal::Decimal,
) -> anyhow::Result<Vec<Costed>> {
    let studies = read_studies(args)?;
    let mut costed = Vec::with_capacity(studies.len());
    for study in studies {
        let mut diagnostics = Diagnostics::new();
        let inputs = read_inputs(study, global, &mut diagnostics);
        report_warnings(&diagnostics, global);
        diagnostics.into_result()?;
        let ledger = ledger::build(inputs.expect("inputs are complete when there are no errors"))?;
        costed.push(Costed::new(ledger, tolerance));
    }
    Ok(costed)
}

fn read_studies(args: &StudyArgs) -> Result<Vec<Study>, InputErrors> {
    if let (Some(before), Some(after)) = (&args.before, &args.after) {
        let amount = |text: &Option<String>, what: &str| -> Result<_, InputErrors> {
            text.as_deref()
                .map(|text| {
                    parse_money(text).map_err(|error| {
                        InputErrors::from(
                            Problem::error(
                                None,
                                format!("--{what} {text:?} is not an amount: {error}"),
                            )
                            .with_hint("write an amount such as 6208 or £6,208"),
                        )
                    })
                })
                .transpose()
        };
        let quick = QuickStudy {
            before: before.clone(),
            after: after.clone(),
            unit_cost_tables: Vec::new(),
            intervention_per_family: amount(&args.intervention, "intervention")?,
            counterfactual_per_family: amount(&args.counterfactual, "counterfactual")?,
            window_months: args.window_months,
            name: args.name.clone(),
        };
        return Ok(vec![quick.into_study()]);
    }
    if args.studies.is_empty() {
        return Err(Problem::error(None, "no study given")
            .with_hint("name a study file or folder (tfcalc report examples/hertfordshire-family-e), or give --before and --after CSVs")
            .into());
    }
    let mut diagnostics = Diagnostics::new();
    let studies: Vec<Study> = args
        .studies
        .iter()
        .filter_map(|path| load_study(path, &mut diagnostics))
        .collect();
    diagnostics.into_result()?;
    Ok(studies)
}

/// Loads a study's unit costs and records. Returns `None` if anything is wrong, with every problem
/// found in `diagnostics`.
pub fn read_inputs(
    study: Study,
    global: &GlobalArgs,
    diagnostics: &mut Diagnostics,
) -> Option<StudyInputs> {
    let mut tables = study.unit_cost_tables.clone();
    tables.extend(global.costs.iter().map(InputPath::given));
    let uprating = global.price_year.or(study.price_year).map(Uprating::to);
    if let Some(uprating) = &uprating {
        let deflator = &uprating.deflator;
        if deflator.index(uprating.target).is_none() {
            let location = study
                .path
                .as_deref()
                .map(|path| Location::file(display_path(path)));
            diagnostics
                .error(
                    location,
                    format!(
                        "price year {} is outside the GDP deflator series, which covers {} to {}",
                        uprating.target,
                        deflator.first_year(),
                        deflator.last_year()
                    ),
                )
                .hint("choose a price year within the series, e.g. --price-year 2013/14");
            return None;
        }
    }
    let book = CostBook::load(&tables, uprating.as_ref(), diagnostics);
    let records = match (&study.data, &book) {
        (StudyData::Records { before, after, .. }, Some(book)) => {
            let before = read_usage_file(before, book, diagnostics);
            let after = read_usage_file(after, book, diagnostics);
            let interventions = study
                .intervention
                .per_family_file
                .as_ref()
                .map(|path| read_intervention_file(path, diagnostics))
                .unwrap_or_default();
            Some(RecordInputs {
                before,
                after,
                interventions,
            })
        }
        _ => None,
    };
    if diagnostics.has_errors() {
        return None;
    }
    Some(StudyInputs {
        study,
        book: Arc::new(book?),
        records,
    })
}

/// Prints warnings to stderr, unless `--quiet`.
pub fn report_warnings(diagnostics: &Diagnostics, global: &GlobalArgs) {
    if global.quiet {
        return;
    }
    for warning in diagnostics.warnings() {
        eprintln!("warning: {warning}");
    }
}

/// Writes a command's output in the format asked for: its document of tables, or the JSON of the
/// studies' figures.
pub fn emit(
    studies: &[Costed],
    document: &Document,
    json_options: JsonOptions,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Table => terminal::render(document, precision(global)),
        Format::Json => json::render(studies, json_options),
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())
}

/// Writes a document with no study figures behind it: JSON is the document's tables.
pub fn emit_document(document: &Document, global: &GlobalArgs) -> anyhow::Result<()> {
    let text = match global.format.unwrap_or(Format::Table) {
        Format::Table => terminal::render(document, precision(global)),
        Format::Json => json::render_document(document),
    };
    crate::output::emit(text.as_bytes(), global.output.as_deref())
}

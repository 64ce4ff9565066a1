//! Reading one study's inputs: its unit-cost tables, deflator series, service use, intervention
//! and funding files, into what the ledger is built from.

use super::warnings::{
    check_published_item_services, refuse_changed_defaults,
    warn_of_contradicted_composite_agencies, warn_of_ids_differing_only_in_case,
    warn_of_mixed_price_years, warn_of_price_year_on_summary, warn_of_unknown_funders,
};
use crate::commands::RunConfig;
use crate::costs::{CostBook, builtin};
use crate::diagnostic::{Diagnostics, Location, display_path};
use crate::input_path::{InputPath, ReadOptions};
use crate::intervention_file::read_intervention_file;
use crate::ledger::{RecordInputs, StudyInputs};
use crate::pseudonym;
use crate::study::{Study, StudyData};
use crate::uprating::{Deflator, SeriesGiven, Uprating, YearGiven};
use crate::usage::{Itemise, RejectedRows, read_study_usage};
use std::sync::Arc;

/// Loads a study's unit costs and records. Returns `None` if anything is wrong, with every problem
/// found in `diagnostics`.
/// Alongside the inputs come the rows set aside by `--skip-bad-rows`.
pub fn read_inputs(
    mut study: Study,
    config: &RunConfig,
    options: &ReadOptions,
    itemise: Itemise,
    diagnostics: &mut Diagnostics,
) -> Option<(StudyInputs, RejectedRows)> {
    let mut tables = study.unit_cost_tables.clone();
    tables.extend(config.args.costs.iter().map(InputPath::given));
    // A summary study's figures are published amounts, costed from no unit cost, so a price year
    // changes nothing in it: say so rather than print it as if it had, and do not uprate its
    // tables (which it reads only for agency names) into errors about costs it never uses.
    let summary = matches!(study.data, StudyData::Summary { .. });
    if summary {
        warn_of_price_year_on_summary(&study, config, diagnostics);
    }
    let named_deflator = config
        .args
        .deflator
        .as_ref()
        .map(InputPath::given)
        .or_else(|| study.deflator.clone());
    let series_given = match (&config.args.deflator, &study.deflator) {
        (Some(_), _) => SeriesGiven::Flag,
        (None, Some(_)) => SeriesGiven::Study,
        (None, None) => SeriesGiven::BuiltIn,
    };
    let deflator = load_deflator(
        named_deflator.clone(),
        &tables,
        options.encoding,
        diagnostics,
    )?;
    // Only a series the user named is shared with the earlier defaults' costing.
    let named_deflator = named_deflator.map(|_| deflator.clone());
    let named_deflator = named_deflator.as_ref();
    // `--price-year` wins over the study's own, which is then not used, so not checked.
    let target = match (config.args.price_year, study.price_year) {
        (Some(year), _) => Some((year, YearGiven::Flag)),
        (None, Some(year)) => Some((year, YearGiven::Study)),
        (None, None) => None,
    };
    let uprating = target
        .filter(|_| !summary)
        .map(|(target, given)| (Uprating::with(target, deflator.clone()), given));
    if let Some((uprating, given)) = &uprating {
        let study_file = study
            .path
            .as_deref()
            .map(|path| Location::file(display_path(path)));
        let location = match given {
            YearGiven::Study => study.price_year_at.clone().or(study_file),
            YearGiven::Flag => study_file,
        };
        if !uprating.check_target_given(location, *given, Some(series_given), diagnostics) {
            return None;
        }
    }
    let uprating = uprating.map(|(uprating, _)| uprating);
    let book = CostBook::load(&tables, uprating.as_ref(), options.encoding, diagnostics);
    if let Some(book) = &book {
        check_published_item_services(&study, book, diagnostics);
    }
    let mut rejected = RejectedRows::default();
    let records = match (&study.data, &book) {
        (StudyData::Records { before, after, .. }, Some(book)) => {
            let read = read_study_usage(before, after, book, options, itemise, diagnostics);
            rejected = read.rejected;
            let interventions = study
                .intervention
                .per_family_file
                .as_ref()
                .map(|path| read_intervention_file(path, options, diagnostics))
                .unwrap_or_default();
            let mut interventions = interventions;
            let mut usage = read.usage;
            warn_of_ids_differing_only_in_case(
                &study,
                &usage,
                &interventions,
                options,
                diagnostics,
            );
            warn_of_contradicted_composite_agencies(book, &usage, diagnostics);
            warn_of_mixed_price_years(&study, book, &usage, diagnostics);
            if book.is_by_default() {
                refuse_changed_defaults(&study, book, &usage, named_deflator, diagnostics);
            }
            // From here on, with a key, no raw id is held: not by the ledger, nor by any message
            // about a family that `check` or the costing may write.
            if let Some(key) = &options.pseudonymise {
                pseudonym::pseudonymise_records(&mut usage, &mut interventions, key);
            }
            Some(RecordInputs {
                usage,
                accounts: read.accounts,
                interventions,
            })
        }
        _ => None,
    };
    // Read after the cost book, which is not built once any error has been found: a mistake in
    // the funding file must not hide the others.
    if let Some(file) = &study.funding_file
        && let Some((funding, named_at)) = crate::funding::read_file(file, options, diagnostics)
    {
        study.funding = funding;
        study.funding_named_at = named_at;
    }
    if let Some(book) = &book {
        warn_of_unknown_funders(&study, book, diagnostics);
    }
    if diagnostics.has_errors() {
        return None;
    }
    let inputs = StudyInputs {
        study,
        book: Arc::new(book?),
        records,
    };
    Some((inputs, rejected))
}

/// The deflator series to uprate with: `--deflator`, else the study's `deflator`, else the series
/// published with the first database table loaded. Either may name a built-in series
/// (`hmt-gdp-deflator-2024`) or a file. A named file is read even if nothing is uprated, so that
/// `check` finds its mistakes.
pub fn load_deflator(
    named: Option<InputPath>,
    tables: &[InputPath],
    encoding: crate::text_file::Encoding,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<Deflator>> {
    let Some(input) = named else {
        // A table is known by its name, or by its file's name without `.toml`:
        // `unit-costs/ucd-v1.4.toml` is v1.4. (Not `file_stem`, which makes `ucd-v1.4` "ucd-v1".)
        let stems: Vec<String> = tables
            .iter()
            .filter_map(|table| {
                let name = table.path.file_name()?.to_string_lossy();
                let stem = match name.len().checked_sub(".toml".len()) {
                    Some(end)
                        if name.is_char_boundary(end)
                            && name[end..].eq_ignore_ascii_case(".toml") =>
                    {
                        &name[..end]
                    }
                    _ => &name,
                };
                Some(stem.to_string())
            })
            .collect();
        let builtin = builtin::deflator_for_tables(stems.iter().map(String::as_str));
        return Some(Arc::new(builtin.parse()));
    };
    let written = input.path.to_string_lossy();
    if builtin::is_name(&written) {
        let Some(builtin) = builtin::deflator_by_name(&written) else {
            let known: Vec<&str> = builtin::DEFLATORS
                .iter()
                .map(|deflator| deflator.name)
                .collect();
            builtin::unknown_name(&input, ("deflator series", "series"), &known, diagnostics);
            return None;
        };
        return Some(Arc::new(builtin.parse()));
    }
    let text = input.read_string("deflator series", encoding, diagnostics)?;
    Deflator::parse(&input.shown(), &text, diagnostics).map(Arc::new)
}

//! The warnings and refusals that need more than one input to see: a study's file against its
//! cost book, its service use and its flags.

use crate::commands::RunConfig;
use crate::costs::CostBook;
use crate::diagnostic::{Diagnostics, Location, display_path};
use crate::input_path::InputPath;
use crate::input_path::ReadOptions;
use crate::pseudonym;
use crate::study::{Study, StudyData};
use crate::uprating::Deflator;
use std::sync::Arc;

/// `--price-year`, or a study's own `price_year`, given for a summary study: warned of, not
/// refused, since one run may cost summary and records studies together, and the price year is
/// right for the others.
pub(super) fn warn_of_price_year_on_summary(
    study: &Study,
    config: &RunConfig,
    diagnostics: &mut Diagnostics,
) {
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    // Problems escape what they quote when they are drawn, so the name goes in as written.
    let shown_name = &study.name;
    if let Some(year) = config.args.price_year {
        diagnostics
            .warning(
                location.clone(),
                format!(
                    "--price-year {year} does not apply to \"{shown_name}\": it is a summary study, whose figures are published amounts rather than costed from unit costs, so they stay as published"
                ),
            )
            .hint("uprate a summary study's figures before entering them; --price-year uprates the unit costs of studies with service-use records");
    }
    if let Some(year) = study.price_year {
        diagnostics
            .warning(
                location,
                format!(
                    "price_year = \"{year}\" does not apply to \"{shown_name}\": it is a summary study, whose figures are published amounts rather than costed from unit costs, so nothing in it is uprated"
                ),
            )
            .hint("remove price_year from the study, and give its figures in the prices they are to be read in");
    }
}

/// A funding agency that bears none of the study's costs and has no benefit is a row of the
/// agency table with funding and nothing else: right for a funder that gains nothing, and wrong
/// for a misspelt one ("Polic"), whose real row then shows a benefit it did not pay for. Warn,
/// naming the nearest known agencies; a name that differs only in case, spacing or punctuation
/// from a cost agency's gets its own wording.
pub(super) fn warn_of_unknown_funders(
    study: &Study,
    book: &CostBook,
    diagnostics: &mut Diagnostics,
) {
    let funders = match &study.funding {
        crate::study::Funding::Shares(shares) => shares.keys().collect::<Vec<_>>(),
        crate::study::Funding::Amounts(amounts) => amounts.keys().collect(),
        crate::study::Funding::Unstated => return,
    };
    let mut known: Vec<&str> = book.agencies().iter().map(String::as_str).collect();
    if let StudyData::Summary { benefit, .. } = &study.data {
        known.extend(benefit.by_agency.keys().map(String::as_str));
    }
    known.extend(study.published.agencies.keys().map(String::as_str));
    let study_location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    for funder in funders {
        if known.contains(&funder.as_str()) {
            continue;
        }
        let location = study
            .funding_named_at
            .get(funder)
            .cloned()
            .or_else(|| study_location.clone());
        let key = crate::costs::book::agency_key(funder);
        if let Some(agency) = book
            .agencies()
            .iter()
            .find(|agency| crate::costs::book::agency_key(agency) == key)
        {
            diagnostics
                .warning(
                    location,
                    format!(
                        "funding agency \"{funder}\" differs from the cost agency \"{agency}\" only in case, spacing or punctuation; they are counted as two agencies"
                    ),
                )
                .hint("spell the agency the same way in the study and the unit-cost table");
            continue;
        }
        let hint = match crate::suggest::did_you_mean(funder, known.iter().copied()) {
            Some(suggestion) => format!("{suggestion} Agencies are named as the unit costs (and any benefit by agency) name them"),
            None => "no known agency is near it; `tfcalc costs agencies` lists the agencies of the unit costs".to_string(),
        };
        diagnostics
            .warning(
                location,
                format!(
                    "funding agency \"{funder}\" bears none of the study's unit costs and has no benefit: its row of the agency table would be funding alone"
                ),
            )
            .hint(hint);
    }
}

/// Family ids that differ only in case are two families, as tfcalc compares ids exactly: say so,
/// with a few of them, since one family typed two ways would be counted twice.
pub(super) fn warn_of_ids_differing_only_in_case(
    study: &Study,
    usage: &crate::usage::StudyUsage,
    interventions: &crate::intervention_file::FamilyInterventions,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) {
    let ids = usage
        .families
        .iter()
        .map(|family| &*family.family_id)
        .chain(interventions.keys().map(String::as_str));
    let started = std::time::Instant::now();
    let groups = crate::family_ids::differing_only_in_case(ids);
    log::debug!("family ids compared for case in {:?}", started.elapsed());
    if groups.is_empty() {
        return;
    }
    const GROUPS_SHOWN: usize = 5;
    let mut named = groups
        .iter()
        .take(GROUPS_SHOWN)
        .map(|group| {
            // Compared as read (pseudonyms of ids that differ in case do not), shown as the
            // outputs show them.
            let shown: Vec<_> = group
                .iter()
                .map(|id| pseudonym::shown(options.pseudonymise.as_ref(), id))
                .collect();
            match shown.as_slice() {
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    if groups.len() > GROUPS_SHOWN {
        named.push_str(&format!("; and {} more", groups.len() - GROUPS_SHOWN));
    }
    let location = match (&study.path, &study.data) {
        (Some(path), _) => Some(Location::file(display_path(path))),
        (None, StudyData::Records { before, after, .. }) => Some(Location::file(
            before
                .iter()
                .chain(after)
                .map(InputPath::shown)
                .collect::<Vec<_>>()
                .join(", "),
        )),
        (None, _) => None,
    };
    let count = groups.len() as u64;
    diagnostics
        .warning(
            location,
            format!(
                "{count} {} of family ids {} only in case, and each id is counted as a family of its own: {named}",
                crate::diagnostic::plural(count, "set", "sets"),
                crate::diagnostic::plural(count, "differs", "differ"),
            ),
        )
        .hint(format!(
            "if they are one family, spell its id the same way in every file: ids are compared exactly{}",
            if options.pseudonymise.is_some() { pseudonym::TO_SEE_THE_IDS } else { "" }
        ));
}

/// A composite used by the study whose own `agency` bears none of its cost: the agency tables
/// put the cost with the components' agencies, which is right, and the table says another,
/// which a reader of the table would believe. Warned of only when used, because the Unit Cost
/// Database labels some headlines "Multiple" or "Criminal Justice System" for agencies its
/// components name one by one, and every study would otherwise repeat them.
pub(super) fn warn_of_contradicted_composite_agencies(
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    diagnostics: &mut Diagnostics,
) {
    let [before, after] = &usage.services_used;
    for (index, service) in book.services().iter().enumerate() {
        // A read that failed leaves no record of services used (its errors are reported).
        let used = |window: &[bool]| window.get(index).copied().unwrap_or(false);
        if !(used(before) || used(after)) {
            continue;
        }
        let Some(stated) = book.contradicted_agency(service) else {
            continue;
        };
        diagnostics
            .warning(
                Some(service.definition.origin.clone()),
                format!(
                    "composite `{}` gives agency \"{stated}\", but its cost goes to its components' agencies ({}), and the agency tables follow them",
                    service.definition.id,
                    book.bearers(service)
                ),
            )
            .hint("make the composite's agency one that bears its cost, or leave it out: its components decide who bears it");
    }
}

/// Costs in different price years, added without uprating, sum pounds of different value: £100
/// of 2002/03 bought nearly a third more than £100 of 2014/15. Not an error, since a study may
/// knowingly report costs as published, but the span is named so that it is a choice.
pub(super) fn warn_of_mixed_price_years(
    study: &Study,
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    diagnostics: &mut Diagnostics,
) {
    if book.uprating().is_some() {
        return;
    }
    let [before, after] = &usage.services_used;
    let mut counts = std::collections::BTreeMap::new();
    for (index, service) in book.services().iter().enumerate() {
        let used = |window: &[bool]| window.get(index).copied().unwrap_or(false);
        if let Some(year) = service.definition.price_year
            && (used(before) || used(after))
        {
            *counts.entry(year).or_insert(0usize) += 1;
        }
    }
    let (Some((earliest, first_count)), Some((latest, last_count))) =
        (counts.first_key_value(), counts.last_key_value())
    else {
        return;
    };
    if earliest == latest {
        return;
    }
    let plural = |count: usize| if count == 1 { "cost" } else { "costs" };
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    diagnostics
        .warning(
            location,
            format!(
                "\"{}\" adds costs from {} price years without uprating them: from {earliest} ({first_count} {}) to {latest} ({last_count} {}), so its totals mix pounds of different value",
                study.name,
                counts.len(),
                plural(*first_count),
                plural(*last_count),
            ),
        )
        .hint(format!(
            "uprate every cost to one price year: add price_year = \"{latest}\" to the study's [study], or give --price-year {latest}"
        ));
}

/// A file that names no table, and uses services the default tables now cost differently from
/// the earlier defaults, is refused rather than given new figures in silence.
pub(super) fn refuse_changed_defaults(
    study: &Study,
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    named_deflator: Option<&Arc<Deflator>>,
    diagnostics: &mut Diagnostics,
) {
    let [before, after] = &usage.services_used;
    let used = |index: usize| {
        before.get(index).copied().unwrap_or(false) || after.get(index).copied().unwrap_or(false)
    };
    let changed = crate::costs::earlier_default::changed_services(book, used, named_deflator);
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    let command_line = study.path.is_none();
    crate::costs::earlier_default::refuse_changed(&changed, location, command_line, diagnostics);
}

/// A published line item names unit costs to be reconciled against; one the cost book does not
/// have is a typing mistake to be told of at its line, with the nearest ids, not a row that
/// "cannot be computed" in the reconciliation.
pub(super) fn check_published_item_services(
    study: &Study,
    book: &CostBook,
    diagnostics: &mut Diagnostics,
) {
    for item in &study.published.items {
        let crate::study::ItemCovers::Services(services) = &item.covers else {
            continue;
        };
        for (id, location) in services {
            if book.lookup(id).is_some() {
                continue;
            }
            let problem = diagnostics.error(
                Some(location.clone()),
                format!(
                    "the published item \"{}\" names the unknown service `{id}`",
                    item.label
                ),
            );
            match book.suggest(id) {
                Some(guess) => problem.hint(guess),
                None => {
                    problem.hint("services are unit-cost ids; `tfcalc costs list` shows them all")
                }
            };
        }
    }
}

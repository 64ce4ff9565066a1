//! Reading a study file into a [`Study`], checking it as it goes: every problem is reported with
//! where it is written, and a study with errors is not returned.
//!
//! This file reads `[study]` and the sections small enough to read in place; the window files,
//! `[intervention]` (with who pays) and `[published]` each have their own file.

mod files;
mod intervention;
mod published;

use super::file_format::{RawBenefit, RawFiles, RawStudyFile};
use super::{Intervention, Study, StudyData, SummaryBenefit};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::price_year::PriceYear;
use crate::text_file::Encoding;
use crate::toml_input::{RawNumber, Source, whole_number};
pub use files::refuse_files_named_twice;
use files::{warn_of_window_without_files, window_files};
use indexmap::IndexMap;
use intervention::{StudyFunding, read_funding, read_intervention};
use published::read_published;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The study file a STUDY argument means: the file itself, or `study.toml` in a folder.
pub fn study_file(argument: &Path) -> PathBuf {
    if argument.is_dir() {
        argument.join("study.toml")
    } else {
        argument.to_path_buf()
    }
}

/// Reads a study file. Returns `None` if it has errors, which are in `diagnostics`.
pub fn load_study(
    argument: &Path,
    encoding: Encoding,
    diagnostics: &mut Diagnostics,
) -> Option<Study> {
    let path = study_file(argument);
    let input = InputPath::given(&path);
    let shown = input.shown();
    if !path.is_file() {
        diagnostics.push(not_a_study_file(argument, &path, &input));
        return None;
    }
    let text = input.read_string("study file", encoding, diagnostics)?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_study(&shown, &text, &folder, Some(path.clone()), diagnostics)
}

/// The error for a STUDY argument that names no study file: nothing there, a folder without
/// `study.toml` (naming the `.toml` files it does hold), or something that is not a file at all
/// (`/dev/zero`, a pipe), which would otherwise be read forever or said not to exist.
fn not_a_study_file(argument: &Path, path: &Path, input: &InputPath) -> crate::diagnostic::Problem {
    let usage = "STUDY is a study .toml file, or a folder that holds study.toml";
    if argument.is_dir() {
        let error = std::io::Error::from(std::io::ErrorKind::NotFound);
        let mut held: Vec<String> = std::fs::read_dir(argument)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|file| file.is_file() && file.extension().is_some_and(|ext| ext == "toml"))
            .filter_map(|file| {
                file.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .collect();
        held.sort();
        let hint = match held.as_slice() {
            [] => format!(
                "the folder {} has no study.toml; name the study file itself",
                argument.display()
            ),
            [first, ..] => {
                const LISTED: usize = 5;
                let more = held.len().saturating_sub(LISTED);
                let mut listed = held[..held.len().min(LISTED)].join(", ");
                if more > 0 {
                    listed.push_str(&format!(" and {more} more"));
                }
                format!(
                    "the folder {} has no study.toml, but holds {listed}: if one is the study, name it, as in {}",
                    argument.display(),
                    argument.join(first).display()
                )
            }
        };
        return input.unreadable("study file", &error).with_hint(hint);
    }
    if path.exists() {
        let location = crate::diagnostic::Location::file(input.shown());
        return crate::diagnostic::Problem::error(
            Some(location),
            format!(
                "the study file {} is not a regular file (it is a device, a pipe or a socket)",
                input.shown()
            ),
        )
        .with_hint(usage);
    }
    let error = std::io::Error::from(std::io::ErrorKind::NotFound);
    input.unreadable("study file", &error).with_hint(usage)
}

/// Reads a study from its text. `folder` is where relative paths start.
pub fn parse_study(
    name: &str,
    text: &str,
    folder: &Path,
    path: Option<PathBuf>,
    diagnostics: &mut Diagnostics,
) -> Option<Study> {
    let source = Source::new(name, text);
    let raw: RawStudyFile = source.parse(diagnostics)?;
    let errors_before = diagnostics.error_count();
    let file_location = Location::file(name);

    let Some(header) = raw.study else {
        diagnostics
            .error(Some(file_location), "the study file has no [study] section")
            .hint("start it with [study] and a name; the README shows a complete example");
        return None;
    };
    let resolve = |written: &Spanned<String>| InputPath {
        sheet: None,
        path: folder.join(written.get_ref()),
        named_at: Some(source.location(written)),
    };

    let window_months = header
        .window_months
        .as_ref()
        .and_then(|months| whole_number(&source, months, "window_months", 1, diagnostics));
    let price_year =
        header
            .price_year
            .as_ref()
            .and_then(|year| match PriceYear::parse_target(year.get_ref()) {
                Ok(year) => Some(year),
                Err(message) => {
                    diagnostics.error(Some(source.location(year)), message);
                    None
                }
            });
    let declared_families = header.families.as_ref().and_then(|families| {
        Some((
            whole_number(&source, families, "families", 0, diagnostics)?,
            source.location(families),
        ))
    });

    let data = match (&header.before, &header.after, &raw.benefit) {
        (before @ Some(_), after, benefit) | (before, after @ Some(_), benefit) => {
            if benefit.is_some() {
                diagnostics
                    .error(
                        Some(file_location.clone()),
                        "the study has service-use records and a [benefit] section",
                    )
                    .hint("the benefit is computed from the records; remove [benefit], or the before/after files for a summary study");
            }
            let mut files = |key: &str, value: &Option<Spanned<RawFiles>>| match value {
                Some(value) => window_files(&source, key, value, folder, diagnostics),
                None => {
                    warn_of_window_without_files(&file_location, key, diagnostics);
                    Vec::new()
                }
            };
            let before = files("before", before);
            let after = files("after", after);
            refuse_files_named_twice(&before, &after, diagnostics);
            Some(StudyData::Records {
                before,
                after,
                declared_families,
            })
        }
        (None, None, Some(benefit)) => {
            summary_data(&source, declared_families, benefit, diagnostics)
                .map(|(families, benefit)| StudyData::Summary { families, benefit })
        }
        (None, None, None) => {
            diagnostics
                .error(Some(file_location.clone()), "the study has neither service-use records nor a [benefit] section")
                .hint(
                    "give before = \"before.csv\" and after = \"after.csv\" in [study], or, for published \
                     programme figures, families = N and a [benefit] section",
                );
            None
        }
    };

    let (intervention, funding) = match &raw.intervention {
        Some(raw_intervention) => (
            read_intervention(&source, raw_intervention, folder, diagnostics),
            read_funding(&source, raw_intervention, folder, diagnostics),
        ),
        None => (Intervention::default(), StudyFunding::default()),
    };
    let counterfactual_per_family = raw
        .counterfactual
        .as_ref()
        .and_then(|counterfactual| counterfactual.per_family.as_ref())
        .and_then(|amount| {
            let value = source.decimal(amount, "the counterfactual cost per family", diagnostics)?;
            if value < Decimal::ZERO {
                diagnostics
                    .error(
                        Some(source.location(amount)),
                        format!("the counterfactual cost per family is {value}, but it is a cost, so zero or more"),
                    )
                    .hint("the counterfactual is what the families' services would have cost anyway: write per_family = \"0\" if there is none");
            }
            Some(value)
        })
        .unwrap_or_default();
    let published = raw
        .published
        .as_ref()
        .map(|published| read_published(&source, published, &intervention, diagnostics))
        .unwrap_or_default();

    let agency_map = match (&raw.agencies, &header.agencies) {
        (Some(_), Some(file)) => {
            diagnostics
                .error(
                    Some(source.location(file)),
                    "the study gives both an [agencies] table and `agencies` naming a file",
                )
                .hint("give the mapping in one place: the study's [agencies] table or the shared file");
            None
        }
        (Some(table), None) => Some(crate::agency_map::read(&source, table, diagnostics)),
        (None, Some(file)) => crate::agency_map::load_file(&resolve(file), diagnostics),
        (None, None) => Some(crate::agency_map::AgencyMap::default()),
    };
    if diagnostics.error_count() > errors_before {
        return None;
    }
    let _ = (
        &header.description,
        raw.counterfactual.as_ref().map(|c| &c.description),
    );
    // A built-in table's or deflator's name is kept as written, not joined to the study's
    // folder: it is looked up by name (see `costs::builtin::is_name`).
    let resolve_or_name = |written: &Spanned<String>| {
        if crate::costs::builtin::is_name(written.get_ref()) {
            InputPath {
                sheet: None,
                path: PathBuf::from(written.get_ref()),
                named_at: Some(source.location(written)),
            }
        } else {
            resolve(written)
        }
    };
    Some(Study {
        name: header.name.unwrap_or_else(|| default_name(path.as_deref())),
        path,
        window_months,
        unit_cost_tables: header
            .unit_costs
            .unwrap_or_default()
            .iter()
            .map(resolve_or_name)
            .collect(),
        price_year,
        price_year_at: header.price_year.as_ref().map(|year| source.location(year)),
        deflator: header.deflator.as_ref().map(resolve_or_name),
        data: data?,
        intervention,
        funding: funding.funding,
        funding_named_at: funding.named_at,
        funding_file: funding.file,
        counterfactual_per_family,
        published,
        agency_map: agency_map?,
        agency_file: header.agencies.as_ref().map(resolve),
    })
}

fn default_name(path: Option<&Path>) -> String {
    let Some(path) = path else {
        return "Study".to_string();
    };
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("Study");
    if stem == "study" {
        path.parent()
            .and_then(|folder| folder.file_name())
            .and_then(|name| name.to_str())
            .unwrap_or(stem)
            .to_string()
    } else {
        stem.to_string()
    }
}

fn summary_data(
    source: &Source<'_>,
    declared_families: Option<(u64, Location)>,
    benefit: &RawBenefit,
    diagnostics: &mut Diagnostics,
) -> Option<(u64, SummaryBenefit)> {
    let Some((families, _)) = declared_families else {
        diagnostics
            .error(
                Some(Location::file(source.name)),
                "a summary study needs `families` in [study]",
            )
            .hint("add families = N: the number of families the published figures cover");
        return None;
    };
    let per_family = benefit
        .per_family
        .as_ref()
        .and_then(|amount| source.decimal(amount, "the benefit per family", diagnostics));
    let by_agency = read_agency_amounts(source, benefit.by_agency.as_ref(), "benefit", diagnostics);
    if benefit.per_family.is_none() && by_agency.is_empty() {
        diagnostics
            .error(
                Some(Location::file(source.name)),
                "[benefit] gives neither `per_family` nor `by_agency`",
            )
            .hint("give per_family = \"858\", or a [benefit.by_agency] table of agency totals");
        return None;
    }
    Some((
        families,
        SummaryBenefit {
            per_family,
            by_agency,
        },
    ))
}

fn read_agency_amounts(
    source: &Source<'_>,
    amounts: Option<&IndexMap<String, Spanned<RawNumber>>>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> IndexMap<String, Decimal> {
    let mut result = IndexMap::new();
    for (agency, amount) in amounts.into_iter().flatten() {
        let description = format!("the {what} for {agency:?}");
        if let Some(value) = source.decimal(amount, &description, diagnostics) {
            result.insert(agency.trim().to_string(), value);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<Study>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let folder = Path::new("/data/lambeth");
        let study = parse_study("study.toml", text, folder, None, &mut diagnostics);
        (study, diagnostics)
    }

    fn messages(diagnostics: &Diagnostics) -> Vec<String> {
        diagnostics
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_minimal_study_reads_its_windows_from_its_folder() {
        let (study, diagnostics) =
            read("[study]\nname = \"Lambeth\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n");
        assert!(
            diagnostics.problems().is_empty(),
            "{:?}",
            messages(&diagnostics)
        );
        let study = study.expect("a study");
        assert_eq!(study.name, "Lambeth");
        let StudyData::Records {
            before,
            after,
            declared_families,
        } = &study.data
        else {
            panic!("a study of records, not {:?}", study.data);
        };
        assert_eq!(
            before,
            &[InputPath {
                path: PathBuf::from("/data/lambeth/before.csv"),
                named_at: Some(Location::at("study.toml", 3, 10)),
                sheet: None,
            }]
        );
        assert_eq!(after[0].path, PathBuf::from("/data/lambeth/after.csv"));
        assert_eq!(*declared_families, None);
        assert!(study.unit_cost_tables.is_empty());
        assert!(study.intervention.items.is_empty());
        assert_eq!(study.funding, super::super::Funding::Unstated);
        assert_eq!(study.counterfactual_per_family, Decimal::ZERO);
        assert!(study.published.figures.is_empty());
    }

    #[test]
    fn a_minimal_summary_study_reads_its_families_and_benefit() {
        let (study, diagnostics) =
            read("[study]\nfamilies = 120\n\n[benefit]\nper_family = \"858\"\n");
        assert!(
            diagnostics.problems().is_empty(),
            "{:?}",
            messages(&diagnostics)
        );
        let study = study.expect("a study");
        let StudyData::Summary { families, benefit } = &study.data else {
            panic!("a summary study, not {:?}", study.data);
        };
        assert_eq!(*families, 120);
        assert_eq!(benefit.per_family, Some(Decimal::from(858)));
        assert!(benefit.by_agency.is_empty());
    }

    #[test]
    fn a_window_of_no_months_is_an_error_where_it_is_written() {
        let (study, diagnostics) =
            read("[study]\nbefore = \"b.csv\"\nafter = \"a.csv\"\nwindow_months = 0\n");
        assert!(study.is_none());
        let errors: Vec<_> = diagnostics
            .problems()
            .iter()
            .filter(|problem| problem.is_error())
            .collect();
        assert_eq!(errors.len(), 1, "{:?}", messages(&diagnostics));
        assert_eq!(errors[0].location, Some(Location::at("study.toml", 4, 17)));
        assert!(errors[0].message.contains("window_months"), "{}", errors[0]);
    }

    #[test]
    fn a_file_without_a_study_section_is_an_error_of_the_whole_file() {
        let (study, diagnostics) = read("[benefit]\nper_family = \"1\"\n");
        assert!(study.is_none());
        let problem = &diagnostics.problems()[0];
        assert_eq!(problem.location, Some(Location::file("study.toml")));
        assert_eq!(problem.message, "the study file has no [study] section");
    }

    #[test]
    fn a_study_is_named_for_its_file_or_its_folder() {
        assert_eq!(default_name(None), "Study");
        assert_eq!(
            default_name(Some(Path::new("/x/lambeth/study.toml"))),
            "lambeth"
        );
        assert_eq!(
            default_name(Some(Path::new("/x/cohort-2.toml"))),
            "cohort-2"
        );
    }
}

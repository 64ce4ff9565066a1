//! Study files: one programme, cohort or year, with its inputs and the figures it published.
//!
//! A study either points at service-use records (before and after CSVs) or is a summary of
//! published programme-level figures (`families` and `[benefit]`). Paths inside a study are relative
//! to the study file's folder.

use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::price_year::PriceYear;
use crate::text_file::Encoding;
use crate::toml_input::{RawNumber, Source, whole_number};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Clone)]
pub struct Study {
    pub name: String,
    /// The study file, or `None` for a quick run from the command line.
    pub path: Option<PathBuf>,
    pub window_months: Option<u64>,
    /// Unit-cost tables to load, in order. Empty means the built-in reference tables.
    pub unit_cost_tables: Vec<InputPath>,
    /// The year to report in. A bare year (`2024`) is kept as the calendar year: it is right with a
    /// calendar-year deflator series and ambiguous with a financial-year one, and which series is
    /// in use is known only once the deflator is read (see `Uprating::check_target_given`).
    pub price_year: Option<PriceYear>,
    /// Where `price_year` is written, for messages about it.
    pub price_year_at: Option<Location>,
    /// A deflator series file to uprate with, instead of the built-in one; or a shipped series'
    /// name, kept as written.
    pub deflator: Option<InputPath>,
    pub data: StudyData,
    pub intervention: Intervention,
    pub funding: Funding,
    /// Where each funding agency is written, for messages about it.
    pub funding_named_at: IndexMap<String, Location>,
    /// A funding file (`funding = "funding.csv"`), read with the other inputs into `funding` and
    /// `funding_named_at`, which until then are unstated.
    pub funding_file: Option<InputPath>,
    /// What the families' services would have cost anyway, per family (Leicestershire "pre-SLF").
    pub counterfactual_per_family: Decimal,
    pub published: Published,
    /// The council's own agencies: how the database's agencies map to them.
    pub agency_map: crate::agency_map::AgencyMap,
    /// The shared file the mapping was read from (`agencies = "agencies.toml"`), if any.
    pub agency_file: Option<InputPath>,
}

#[derive(Debug, Clone)]
pub enum StudyData {
    /// Service-use records for each family.
    Records {
        /// The service-use files of each window: usually one each.
        before: Vec<InputPath>,
        after: Vec<InputPath>,
        /// The number of families the study says it covers, checked against the records.
        declared_families: Option<(u64, Location)>,
    },
    /// Published programme-level figures, for when the records are not available.
    Summary {
        families: u64,
        benefit: SummaryBenefit,
    },
}

/// A summary study's benefit: per family, by agency (study totals), or both.
#[derive(Debug, Clone, Default)]
pub struct SummaryBenefit {
    pub per_family: Option<Decimal>,
    pub by_agency: IndexMap<String, Decimal>,
}

/// The cost of delivering the intervention.
#[derive(Debug, Clone, Default)]
pub struct Intervention {
    /// Items every family costs.
    pub items: Vec<InterventionItem>,
    /// A CSV or worksheet of `family_id,item,amount` with amounts for individual families.
    pub per_family_file: Option<InputPath>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterventionItem {
    pub name: String,
    pub per_family: Decimal,
    /// How the amount was worked out, when it was: "£1,705,050 running costs ÷ 450 families a year".
    pub derivation: Option<Derivation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    pub running_costs: Decimal,
    pub families_per_year: Decimal,
}

/// Who pays for delivery.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Funding {
    /// Not stated.
    #[default]
    Unstated,
    /// Shares of the delivery cost that sum to exactly 1.
    Shares(IndexMap<String, Decimal>),
    /// Contributions to a pooled budget; each agency pays in proportion to its contribution.
    Amounts(IndexMap<String, Decimal>),
}

/// Figures printed in the source document, to check the computed ones against.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub figures: Vec<PublishedFigure>,
    /// Published benefit by agency (study totals).
    pub agencies: IndexMap<String, PublishedValue>,
    /// The source's own line items (`[[published.items]]`), to trace a difference to its line.
    pub items: Vec<PublishedItem>,
    pub source: Option<String>,
}

/// A line item printed in the source: one service or several ("Child Protection Plan" is the
/// set-up and six months' monitoring), or one intervention item, with the amount printed for it.
#[derive(Debug, Clone)]
pub struct PublishedItem {
    pub part: StatementPart,
    /// The item as the source names it.
    pub label: String,
    /// What the item is computed from: unit-cost ids (before and after), or the name of an
    /// `[intervention]` item.
    pub covers: ItemCovers,
    pub value: PublishedValue,
}

/// The part of a family's statement a published item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementPart {
    Before,
    Intervention,
    After,
}

impl StatementPart {
    /// As written in `window = "..."`, and in JSON keys.
    pub fn key(self) -> &'static str {
        match self {
            StatementPart::Before => "before",
            StatementPart::Intervention => "intervention",
            StatementPart::After => "after",
        }
    }

    /// The published total the part's items add up to.
    pub fn figure(self) -> Figure {
        match self {
            StatementPart::Before => Figure::Before,
            StatementPart::Intervention => Figure::Intervention,
            StatementPart::After => Figure::After,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemCovers {
    /// Unit-cost ids, each with where it is written.
    Services(Vec<(String, Location)>),
    InterventionItem(String),
}

#[derive(Debug, Clone)]
pub struct PublishedFigure {
    pub figure: Figure,
    pub value: PublishedValue,
}

#[derive(Debug, Clone)]
pub struct PublishedValue {
    pub value: Decimal,
    pub location: Location,
}

/// The study-level figures that can be published and reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Families,
    Before,
    Intervention,
    After,
    GrossSaving,
    NetSaving,
    Benefit,
    DeliveryCostPerFamily,
    CounterfactualCostPerFamily,
    NetCostPerFamily,
    BenefitPerFamily,
    Roi,
}

impl Figure {
    /// The key used in `[published]`, JSON and CSV.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Families => "families",
            Figure::Before => "before",
            Figure::Intervention => "intervention",
            Figure::After => "after",
            Figure::GrossSaving => "gross_saving",
            Figure::NetSaving => "net_saving",
            Figure::Benefit => "benefit",
            Figure::DeliveryCostPerFamily => "delivery_cost_per_family",
            Figure::CounterfactualCostPerFamily => "counterfactual_cost_per_family",
            Figure::NetCostPerFamily => "net_cost_per_family",
            Figure::BenefitPerFamily => "benefit_per_family",
            Figure::Roi => "roi",
        }
    }

    /// The figure in words, for tables.
    pub fn label(self) -> &'static str {
        match self {
            Figure::Families => "Families",
            Figure::Before => "Costs before",
            Figure::Intervention => "Intervention cost",
            Figure::After => "Costs after",
            Figure::GrossSaving => "Gross saving (before less after)",
            Figure::NetSaving => "Net saving (before less intervention less after)",
            Figure::Benefit => "Total benefit",
            Figure::DeliveryCostPerFamily => "Average cost per family of delivering the service",
            // Not the paper's "cost per family pre-programme", which reads as the costs before.
            Figure::CounterfactualCostPerFamily => {
                "Counterfactual per family: services the families would have used anyway"
            }
            Figure::NetCostPerFamily => "Average net cost per family",
            Figure::BenefitPerFamily => "Average benefit per family",
            Figure::Roi => "Return on investment",
        }
    }

    pub const ALL: [Figure; 12] = [
        Figure::Families,
        Figure::Before,
        Figure::Intervention,
        Figure::After,
        Figure::GrossSaving,
        Figure::NetSaving,
        Figure::Benefit,
        Figure::DeliveryCostPerFamily,
        Figure::CounterfactualCostPerFamily,
        Figure::NetCostPerFamily,
        Figure::BenefitPerFamily,
        Figure::Roi,
    ];
}

// ---- The file format -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudyFile {
    study: Option<RawStudyHeader>,
    intervention: Option<RawIntervention>,
    counterfactual: Option<RawCounterfactual>,
    benefit: Option<RawBenefit>,
    published: Option<RawPublished>,
    agencies: Option<crate::agency_map::RawAgencies>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudyHeader {
    name: Option<String>,
    description: Option<String>,
    window_months: Option<Spanned<RawNumber>>,
    unit_costs: Option<Vec<Spanned<String>>>,
    price_year: Option<Spanned<String>>,
    deflator: Option<Spanned<String>>,
    /// A file name, or a list of them for a window split over several files.
    before: Option<Spanned<RawFiles>>,
    after: Option<Spanned<RawFiles>>,
    families: Option<Spanned<RawNumber>>,
    /// A shared file with the `[agencies]` table.
    agencies: Option<Spanned<String>>,
}

/// A window's files as written: `before = "before.csv"`, a worksheet
/// (`before = { file = "extract.xlsx", sheet = "Before" }`), or a list of either, each kept with
/// its place so that a file named twice can be reported at both.
enum RawFiles {
    One(String),
    Many(Vec<Spanned<toml::Value>>),
    /// `{ file = ..., sheet = ... }`.
    Sheet(toml::Table),
    /// A number, a table or anything else that is not a file name.
    Other,
}

impl<'de> Deserialize<'de> for RawFiles {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess};
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawFiles;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a file name, or a list of file names")
            }
            fn visit_str<E>(self, name: &str) -> Result<RawFiles, E> {
                Ok(RawFiles::One(name.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<RawFiles, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = items.next_element::<Spanned<toml::Value>>()? {
                    names.push(name);
                }
                Ok(RawFiles::Many(names))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<RawFiles, A::Error> {
                let mut table = toml::Table::new();
                while let Some(key) = entries.next_key::<String>()? {
                    let value = entries.next_value::<toml::Value>()?;
                    table.insert(key, value);
                }
                Ok(RawFiles::Sheet(table))
            }
            fn visit_bool<E>(self, _: bool) -> Result<RawFiles, E> {
                Ok(RawFiles::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<RawFiles, E> {
                Ok(RawFiles::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<RawFiles, E> {
                Ok(RawFiles::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<RawFiles, E> {
                Ok(RawFiles::Other)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntervention {
    per_family: Option<Spanned<RawNumber>>,
    items: Option<Vec<Spanned<RawItem>>>,
    /// `file = "interventions.csv"`, or a worksheet.
    file: Option<Spanned<RawFiles>>,
    funding: Option<Spanned<RawFunding>>,
    funding_amounts: Option<Spanned<IndexMap<String, Spanned<RawNumber>>>>,
}

/// `funding` as written: shares by agency (`{ "County Council" = "1" }`), or a funding file
/// (`"funding.csv"`, or `{ file = "budget.xlsx", sheet = "Funding" }`, which arrives as a table and
/// is told apart by [`funding_file_entry`]).
enum RawFunding {
    File(String),
    Table(IndexMap<String, Spanned<RawNumber>>),
}

impl<'de> Deserialize<'de> for RawFunding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::MapAccess;
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawFunding;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of agencies and their shares, or a funding file's name")
            }
            fn visit_str<E>(self, name: &str) -> Result<RawFunding, E> {
                Ok(RawFunding::File(name.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<RawFunding, A::Error> {
                let mut table = IndexMap::new();
                while let Some(key) = entries.next_key::<String>()? {
                    table.insert(key, entries.next_value::<Spanned<RawNumber>>()?);
                }
                Ok(RawFunding::Table(table))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    name: Option<String>,
    per_family: Option<Spanned<RawNumber>>,
    running_costs: Option<Spanned<RawNumber>>,
    families_per_year: Option<Spanned<RawNumber>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCounterfactual {
    per_family: Option<Spanned<RawNumber>>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBenefit {
    per_family: Option<Spanned<RawNumber>>,
    by_agency: Option<IndexMap<String, Spanned<RawNumber>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublished {
    source: Option<String>,
    families: Option<Spanned<RawNumber>>,
    before: Option<Spanned<RawNumber>>,
    intervention: Option<Spanned<RawNumber>>,
    after: Option<Spanned<RawNumber>>,
    gross_saving: Option<Spanned<RawNumber>>,
    net_saving: Option<Spanned<RawNumber>>,
    benefit: Option<Spanned<RawNumber>>,
    delivery_cost_per_family: Option<Spanned<RawNumber>>,
    counterfactual_cost_per_family: Option<Spanned<RawNumber>>,
    net_cost_per_family: Option<Spanned<RawNumber>>,
    benefit_per_family: Option<Spanned<RawNumber>>,
    roi: Option<Spanned<RawNumber>>,
    agencies: Option<IndexMap<String, Spanned<RawNumber>>>,
    items: Option<Vec<Spanned<RawPublishedItem>>>,
}

/// `[[published.items]]`: `window`, `label`, `amount`, and `service`, `services` or `item`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublishedItem {
    window: Spanned<String>,
    label: String,
    amount: Spanned<RawNumber>,
    service: Option<Spanned<String>>,
    services: Option<Vec<Spanned<String>>>,
    item: Option<Spanned<String>>,
}

impl RawPublished {
    fn figure(&self, figure: Figure) -> Option<&Spanned<RawNumber>> {
        match figure {
            Figure::Families => self.families.as_ref(),
            Figure::Before => self.before.as_ref(),
            Figure::Intervention => self.intervention.as_ref(),
            Figure::After => self.after.as_ref(),
            Figure::GrossSaving => self.gross_saving.as_ref(),
            Figure::NetSaving => self.net_saving.as_ref(),
            Figure::Benefit => self.benefit.as_ref(),
            Figure::DeliveryCostPerFamily => self.delivery_cost_per_family.as_ref(),
            Figure::CounterfactualCostPerFamily => self.counterfactual_cost_per_family.as_ref(),
            Figure::NetCostPerFamily => self.net_cost_per_family.as_ref(),
            Figure::BenefitPerFamily => self.benefit_per_family.as_ref(),
            Figure::Roi => self.roi.as_ref(),
        }
    }
}

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
        let hint = if argument.is_dir() {
            format!(
                "the folder {} has no study.toml; name the study file itself",
                argument.display()
            )
        } else {
            "STUDY is a study .toml file, or a folder that holds study.toml".to_string()
        };
        let error = std::io::Error::from(std::io::ErrorKind::NotFound);
        diagnostics.push(input.unreadable("study file", &error).with_hint(hint));
        return None;
    }
    let text = input.read_string("study file", encoding, diagnostics)?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_study(&shown, &text, &folder, Some(path.clone()), diagnostics)
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

/// The files of a window: `before = "before.csv"`, or a list of names for a window split over
/// several files (monthly extracts, say), whose rows add up as if they were one file.
fn window_files(
    source: &Source<'_>,
    key: &str,
    value: &Spanned<RawFiles>,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<InputPath> {
    let location = source.location(value);
    let names: Vec<(Option<FileEntry<'_>>, Location)> = match value.get_ref() {
        RawFiles::One(name) => vec![(Some((name.as_str(), None)), location.clone())],
        RawFiles::Sheet(table) => vec![(file_and_sheet(table), location.clone())],
        RawFiles::Many(names) => names
            .iter()
            .map(|name| {
                let entry = match name.get_ref() {
                    toml::Value::String(name) => Some((name.as_str(), None)),
                    toml::Value::Table(table) => file_and_sheet(table),
                    _ => None,
                };
                (entry, source.location(name))
            })
            .collect(),
        RawFiles::Other => vec![(None, location.clone())],
    };
    let mut files = Vec::new();
    let mut refused = false;
    for (entry, named_at) in names {
        match resolve_entry(key, entry, named_at, folder, diagnostics) {
            Resolved::File(input) => files.push(input),
            Resolved::Refused => refused = true,
            Resolved::NotAFile(named_at) => {
                refused = true;
                diagnostics
                    .error(
                        Some(named_at),
                        format!("`{key}` must be a file name, a worksheet, or a list of them"),
                    )
                    .hint(format!(
                        "write {key} = \"{key}.csv\", {key} = {{ file = \"extract.xlsx\", sheet = \"{key}\" }}, or {key} = [\"{key}-1.csv\", \"{key}-2.csv\"]"
                    ));
            }
        }
    }
    if files.is_empty() && !refused {
        diagnostics
            .error(Some(location), format!("`{key}` names no files"))
            .hint(format!("write {key} = \"{key}.csv\""));
    }
    files
}

/// A window's file entry: the file name and, for a worksheet, the sheet.
type FileEntry<'a> = (&'a str, Option<&'a str>);

/// A worksheet entry, `{ file = "extract.xlsx", sheet = "Before" }` (`sheet` optional: the first
/// sheet), as its file and sheet; `None` for any other table.
fn file_and_sheet(table: &toml::Table) -> Option<FileEntry<'_>> {
    if table.keys().any(|key| key != "file" && key != "sheet") {
        return None;
    }
    let file = table.get("file")?.as_str()?;
    let sheet = match table.get("sheet") {
        None => None,
        Some(sheet) => Some(sheet.as_str().filter(|sheet| !sheet.is_empty())?),
    };
    Some((file, sheet))
}

/// A file entry, resolved.
enum Resolved {
    File(InputPath),
    /// Refused, with the error recorded.
    Refused,
    /// Not a file name or a worksheet at all: the caller's message says what its key may hold.
    NotAFile(Location),
}

/// Resolves one file entry, written at `named_at`, against the study's folder. A sheet named for
/// a file that is not a workbook is refused here, for every key alike.
fn resolve_entry(
    key: &str,
    entry: Option<FileEntry<'_>>,
    named_at: Location,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> Resolved {
    match entry {
        Some((name, Some(sheet))) if !crate::worksheet::is_workbook(Path::new(name)) => {
            diagnostics
                .error(
                    Some(named_at),
                    format!("`{key}` names the sheet `{sheet}` of {name}, which is not a workbook"),
                )
                .hint("a sheet is only for an Excel workbook (.xlsx, .xlsm, .xls): remove `sheet` for a CSV");
            Resolved::Refused
        }
        Some((name, sheet)) if !name.trim().is_empty() => Resolved::File(InputPath {
            path: folder.join(name),
            named_at: Some(named_at),
            sheet: sheet.map(str::to_string),
        }),
        _ => Resolved::NotAFile(named_at),
    }
}

/// The one file a key names: `"name.csv"`, or a worksheet (`{ file = "extract.xlsx", sheet =
/// "S" }`); `None` after an error if it is neither, with `hint` saying how to write it.
fn one_file(
    source: &Source<'_>,
    key: &str,
    value: &Spanned<RawFiles>,
    folder: &Path,
    hint: &str,
    diagnostics: &mut Diagnostics,
) -> Option<InputPath> {
    let entry = match value.get_ref() {
        RawFiles::One(name) => Some((name.as_str(), None)),
        RawFiles::Sheet(table) => file_and_sheet(table),
        RawFiles::Many(_) | RawFiles::Other => None,
    };
    match resolve_entry(key, entry, source.location(value), folder, diagnostics) {
        Resolved::File(input) => Some(input),
        Resolved::Refused => None,
        Resolved::NotAFile(named_at) => {
            diagnostics
                .error(
                    Some(named_at),
                    format!("`{key}` must be one file name or a worksheet"),
                )
                .hint(hint);
            None
        }
    }
}

/// A window with no files is a window in which nobody used anything: every family's costs in it
/// are £0. That is a real case (a study of services that stopped), and also what a forgotten
/// `after` line looks like, so it is said.
fn warn_of_window_without_files(study: &Location, key: &str, diagnostics: &mut Diagnostics) {
    let window = key;
    diagnostics
        .warning(
            Some(study.clone()),
            format!(
                "the study names no `{key}` files, so no family used any service {window} the intervention: every family's costs {window} are £0"
            ),
        )
        .hint(format!(
            "that is right if no family used a service {window} it; if the {window} extract is missing, add {key} = \"{key}.csv\" to [study]"
        ));
}

/// A file named twice, in one window or in both, would have its rows counted twice: every family
/// in it would cost double, or the same in both windows, and nothing would look wrong. Paths are
/// compared as the file system resolves them (`./b.csv`, `b.csv` and a link to it are one file);
/// a path that does not exist is left for its own error.
pub fn refuse_files_named_twice(
    before: &[InputPath],
    after: &[InputPath],
    diagnostics: &mut Diagnostics,
) {
    let mut seen: std::collections::HashMap<PathBuf, (&str, &InputPath)> =
        std::collections::HashMap::new();
    let windows = before
        .iter()
        .map(|input| ("before", input))
        .chain(after.iter().map(|input| ("after", input)));
    for (window, input) in windows {
        let Ok(canonical) = std::fs::canonicalize(&input.path) else {
            continue;
        };
        // Two sheets of one workbook are two sources; the same sheet twice is one.
        let canonical = match &input.sheet {
            None => canonical,
            Some(sheet) => canonical.join(format!("#sheet#{sheet}")),
        };
        let Some(&(first_window, first)) = seen.get(&canonical) else {
            seen.insert(canonical, (window, input));
            continue;
        };
        let (first_shown, shown) = (first.shown(), input.shown());
        let named = if first_shown == shown {
            format!("the file {shown} is named twice")
        } else {
            format!("{shown} and {first_shown} are the same file")
        };
        let place = |window: &str, input: &InputPath| match &input.named_at {
            Some(location) => format!("in `{window}` at {location}"),
            None => format!("as --{window} {}", input.path.display()),
        };
        let (consequence, hint) = if first_window == window {
            (
                "its rows would be counted twice",
                "name each file of a window once",
            )
        } else {
            (
                "its rows would be counted in both windows",
                "the before and after windows each need their own file: name the right one in each",
            )
        };
        diagnostics
            .error(
                input.named_at.clone(),
                format!(
                    "{named}, {} and {}: {consequence}",
                    place(first_window, first),
                    place(window, input)
                ),
            )
            .hint(hint);
    }
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

fn read_intervention(
    source: &Source<'_>,
    raw: &RawIntervention,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> Intervention {
    let mut items = Vec::new();
    if let (Some(per_family), Some(_)) = (&raw.per_family, &raw.items) {
        diagnostics
            .error(
                Some(source.location(per_family)),
                "[intervention] gives both `per_family` and `items`",
            )
            .hint("use per_family for one amount, or items for an itemised cost, not both");
    }
    if let Some(per_family) = &raw.per_family
        && let Some(amount) =
            source.decimal(per_family, "the intervention cost per family", diagnostics)
    {
        items.push(InterventionItem {
            name: "Delivery cost per family".to_string(),
            per_family: amount,
            derivation: None,
        });
    }
    for item in raw.items.iter().flatten() {
        items.extend(read_item(source, item, diagnostics));
    }
    for item in &items {
        if item.per_family.is_sign_negative() && !item.per_family.is_zero() {
            diagnostics
                .error(
                    Some(Location::file(source.name)),
                    format!("intervention item {:?} is negative", item.name),
                )
                .hint("intervention items are costs, so zero or more");
        }
    }
    let per_family_file = raw.file.as_ref().and_then(|file| {
        one_file(
            source,
            "file",
            file,
            folder,
            "write file = \"interventions.csv\", or file = { file = \"extract.xlsx\", sheet = \"Intervention\" } (columns family_id,item,amount)",
            diagnostics,
        )
    });
    Intervention {
        items,
        per_family_file,
    }
}

fn read_item(
    source: &Source<'_>,
    item: &Spanned<RawItem>,
    diagnostics: &mut Diagnostics,
) -> Option<InterventionItem> {
    let raw = item.get_ref();
    let location = source.location(item);
    let Some(name) = raw.name.clone().filter(|name| !name.trim().is_empty()) else {
        diagnostics
            .error(Some(location), "an intervention item has no `name`")
            .hint("name it as the report should show it, e.g. name = \"Keyworker time, 9 months\"");
        return None;
    };
    match (&raw.per_family, &raw.running_costs, &raw.families_per_year) {
        (Some(per_family), None, None) => {
            let per_family =
                source.decimal(per_family, &format!("the amount of {name:?}"), diagnostics)?;
            Some(InterventionItem {
                name,
                per_family,
                derivation: None,
            })
        }
        (None, Some(running_costs), Some(families_per_year)) => {
            let running_costs = source.decimal(
                running_costs,
                &format!("the running costs of {name:?}"),
                diagnostics,
            )?;
            let location = source.location(families_per_year);
            let families = source.decimal(
                families_per_year,
                &format!("families_per_year of {name:?}"),
                diagnostics,
            )?;
            if families <= Decimal::ZERO {
                diagnostics
                    .error(
                        Some(location),
                        format!("families_per_year of {name:?} must be more than 0"),
                    )
                    .hint(
                        "the running costs are shared between the families worked with in a year",
                    );
                return None;
            }
            Some(InterventionItem {
                name,
                per_family: crate::money::divide(running_costs, families)?,
                derivation: Some(Derivation {
                    running_costs,
                    families_per_year: families,
                }),
            })
        }
        _ => {
            diagnostics
                .error(Some(location), format!("intervention item {name:?} needs an amount"))
                .hint("give per_family = \"2419\", or running_costs = \"...\" with families_per_year = 450");
            None
        }
    }
}

/// Who pays, as the study gives it.
#[derive(Default)]
struct StudyFunding {
    funding: Funding,
    /// Where each agency is written.
    named_at: IndexMap<String, Location>,
    /// A funding file, read later with the other inputs.
    file: Option<InputPath>,
}

fn read_funding(
    source: &Source<'_>,
    raw: &RawIntervention,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> StudyFunding {
    // `funding` naming a file: its header says whether it holds shares or amounts.
    let file_entry = raw.funding.as_ref().and_then(|funding| {
        let entry = match funding.get_ref() {
            RawFunding::File(name) => Some((name.as_str(), None)),
            RawFunding::Table(table) => funding_file_entry(table)?,
        };
        Some((source.location(funding), entry))
    });
    if let Some((named_at, entry)) = file_entry {
        if raw.funding_amounts.is_some() {
            diagnostics
                .error(
                    Some(named_at),
                    "[intervention] names a funding file and gives `funding_amounts`",
                )
                .hint("give who pays in one place: the file (with an `amount` column for contributions in pounds), or funding_amounts");
            return StudyFunding::default();
        }
        let file = match resolve_entry("funding", entry, named_at, folder, diagnostics) {
            Resolved::File(input) => Some(input),
            Resolved::Refused => None,
            Resolved::NotAFile(named_at) => {
                diagnostics
                    .error(
                        Some(named_at),
                        "the `sheet` of `funding` must be the name of a sheet, as text",
                    )
                    .hint("write funding = { file = \"budget.xlsx\", sheet = \"Funding\" }, or leave out `sheet` to read the first sheet");
                None
            }
        };
        return StudyFunding {
            file,
            ..StudyFunding::default()
        };
    }
    let shares = raw
        .funding
        .as_ref()
        .and_then(|funding| match funding.get_ref() {
            RawFunding::Table(table) => Some((source.location(funding), table)),
            RawFunding::File(_) => None,
        });
    let amounts = raw
        .funding_amounts
        .as_ref()
        .map(|amounts| (source.location(amounts), amounts.get_ref()));
    for (key, funders) in [("funding", &shares), ("funding_amounts", &amounts)] {
        if let Some((location, funders)) = funders
            && funders.is_empty()
        {
            diagnostics
                .error(
                    Some(location.clone()),
                    format!("`{key}` names no agency, so the delivery cost would be charged to no one"),
                )
                .hint(format!(
                    "give each funder's {}, e.g. {key} = {{ \"County Council\" = \"{}\" }}, or leave {key} out if who pays is not known",
                    if key == "funding" { "share" } else { "contribution" },
                    if key == "funding" { "1" } else { "1,500,000" },
                ));
            return StudyFunding::default();
        }
    }
    let (basis, whole, funders) = match (shares, amounts) {
        (Some((whole, shares)), None) => (crate::funding::Basis::Shares, whole, shares),
        (None, Some((whole, amounts))) => (crate::funding::Basis::Amounts, whole, amounts),
        (Some((whole, _)), Some(_)) => {
            diagnostics
                .error(
                    Some(whole),
                    "[intervention] gives both `funding` and `funding_amounts`",
                )
                .hint(
                    "give shares (funding) or contributions in pounds (funding_amounts), not both",
                );
            return StudyFunding::default();
        }
        (None, None) => return StudyFunding::default(),
    };
    let entries = funders
        .iter()
        .filter_map(|(agency, written)| {
            let value = match basis {
                crate::funding::Basis::Shares => source.share(
                    written,
                    &format!("the funding share for {agency:?}"),
                    diagnostics,
                ),
                crate::funding::Basis::Amounts => source.decimal(
                    written,
                    &format!("the funding amount for {agency:?}"),
                    diagnostics,
                ),
            }?;
            Some(crate::funding::Entry {
                agency: agency.trim().to_string(),
                value,
                at: source.location(written),
            })
        })
        .collect();
    let (funding, named_at) = crate::funding::check(
        basis,
        crate::funding::Written::Inline,
        entries,
        whole,
        diagnostics,
    );
    StudyFunding {
        funding,
        named_at,
        file: None,
    }
}

/// `funding = { file = "budget.xlsx", sheet = "Funding" }` names a file rather than agencies: a
/// table of only `file` (and `sheet`) whose `file` is not a share. So an agency called "file"
/// with its share (`{ file = "1" }`), which was always read as one, still is. `Some(None)` is a
/// file entry whose `sheet` is not a sheet's name.
fn funding_file_entry(
    table: &IndexMap<String, Spanned<RawNumber>>,
) -> Option<Option<FileEntry<'_>>> {
    if !table.keys().all(|key| key == "file" || key == "sheet") {
        return None;
    }
    let RawNumber::Text(file) = table.get("file")?.get_ref() else {
        return None;
    };
    if crate::money::parse_share(file).is_ok() {
        return None;
    }
    let sheet = match table.get("sheet").map(Spanned::get_ref) {
        None => None,
        Some(RawNumber::Text(sheet)) if !sheet.is_empty() => Some(sheet.as_str()),
        Some(_) => return Some(None),
    };
    Some(Some((file.as_str(), sheet)))
}

fn read_published(
    source: &Source<'_>,
    raw: &RawPublished,
    intervention: &Intervention,
    diagnostics: &mut Diagnostics,
) -> Published {
    let mut figures = Vec::new();
    for figure in Figure::ALL {
        let Some(value) = raw.figure(figure) else {
            continue;
        };
        let what = format!("published `{}`", figure.key());
        let amount = if figure == Figure::Families {
            whole_number(source, value, &what, 0, diagnostics).map(Decimal::from)
        } else if figure == Figure::Roi {
            source.ratio(value, &what, diagnostics)
        } else {
            source.decimal(value, &what, diagnostics)
        };
        if let Some(amount) = amount {
            figures.push(PublishedFigure {
                figure,
                value: PublishedValue {
                    value: amount,
                    location: source.location(value),
                },
            });
        }
    }
    let mut agencies = IndexMap::new();
    for (agency, value) in raw.agencies.iter().flatten() {
        if let Some(amount) = source.decimal(
            value,
            &format!("the published benefit for {agency:?}"),
            diagnostics,
        ) {
            agencies.insert(
                agency.trim().to_string(),
                PublishedValue {
                    value: amount,
                    location: source.location(value),
                },
            );
        }
    }
    let items = raw
        .items
        .iter()
        .flatten()
        .filter_map(|item| read_published_item(source, item, intervention, diagnostics))
        .collect();
    Published {
        figures,
        agencies,
        items,
        source: raw.source.clone(),
    }
}

/// One `[[published.items]]` entry. Service ids are checked against the unit costs when the study
/// is reconciled, since the tables are read after the study file; an intervention item's name is
/// checked here.
fn read_published_item(
    source: &Source<'_>,
    raw: &Spanned<RawPublishedItem>,
    intervention: &Intervention,
    diagnostics: &mut Diagnostics,
) -> Option<PublishedItem> {
    let item = raw.get_ref();
    let part = match item.window.get_ref().trim() {
        "before" => StatementPart::Before,
        "after" => StatementPart::After,
        "intervention" => StatementPart::Intervention,
        other => {
            diagnostics
                .error(
                    Some(source.location(&item.window)),
                    format!("the published item {:?} has window = {other:?}", item.label),
                )
                .hint("write window = \"before\", \"after\" or \"intervention\"");
            return None;
        }
    };
    let amount = source.decimal(
        &item.amount,
        &format!("the published amount of {:?}", item.label),
        diagnostics,
    )?;
    let services: Vec<Spanned<String>> = item
        .service
        .iter()
        .chain(item.services.iter().flatten())
        .cloned()
        .collect();
    let covers = match (part, &item.item) {
        (StatementPart::Intervention, Some(name)) if services.is_empty() => {
            let wanted = name.get_ref().trim();
            if !intervention.items.iter().any(|known| known.name == wanted) {
                let known: Vec<String> = intervention
                    .items
                    .iter()
                    .map(|known| format!("{:?}", known.name))
                    .collect();
                diagnostics
                    .error(
                        Some(source.location(name)),
                        format!("the published item {:?} names the intervention item {wanted:?}, which [intervention] does not list", item.label),
                    )
                    .hint(if known.is_empty() {
                        "[intervention] lists no items: give them as items = [{ name = \"...\", per_family = \"...\" }]".to_string()
                    } else {
                        format!("write item = one of {}", known.join(", "))
                    });
                return None;
            }
            ItemCovers::InterventionItem(wanted.to_string())
        }
        (StatementPart::Intervention, _) => {
            diagnostics
                .error(
                    Some(source.location(raw)),
                    format!("the published intervention item {:?} names no [intervention] item", item.label),
                )
                .hint("write item = \"...\", the name of the [intervention] item it is (not service or services)");
            return None;
        }
        (_, None) if !services.is_empty() => ItemCovers::Services(
            services
                .iter()
                .map(|service| {
                    (
                        service.get_ref().trim().to_string(),
                        source.location(service),
                    )
                })
                .collect(),
        ),
        (_, _) => {
            diagnostics
                .error(
                    Some(source.location(raw)),
                    format!("the published item {:?} names no service", item.label),
                )
                .hint("write service = \"police_hour\", or services = [\"cpp_setup\", \"cpp_month\"] for an item of several unit costs (item = \"...\" is for window = \"intervention\")");
            return None;
        }
    };
    Some(PublishedItem {
        part,
        label: item.label.trim().to_string(),
        covers,
        value: PublishedValue {
            value: amount,
            location: source.location(&item.amount),
        },
    })
}

/// A study made from command-line options, with no study file.
pub struct QuickStudy {
    pub before: Vec<PathBuf>,
    pub after: Vec<PathBuf>,
    pub unit_cost_tables: Vec<InputPath>,
    pub intervention_per_family: Option<Decimal>,
    pub counterfactual_per_family: Option<Decimal>,
    pub window_months: Option<u64>,
    pub name: Option<String>,
}

impl QuickStudy {
    pub fn into_study(self) -> Study {
        Study {
            name: self.name.unwrap_or_else(|| "Quick run".to_string()),
            path: None,
            window_months: self.window_months,
            unit_cost_tables: self.unit_cost_tables,
            price_year: None,
            price_year_at: None,
            deflator: None,
            data: StudyData::Records {
                before: self.before.into_iter().map(InputPath::given).collect(),
                after: self.after.into_iter().map(InputPath::given).collect(),
                declared_families: None,
            },
            intervention: Intervention {
                items: self
                    .intervention_per_family
                    .map(|amount| InterventionItem {
                        name: "Intervention cost per family".to_string(),
                        per_family: amount,
                        derivation: None,
                    })
                    .into_iter()
                    .collect(),
                per_family_file: None,
            },
            funding: Funding::Unstated,
            funding_named_at: IndexMap::new(),
            funding_file: None,
            counterfactual_per_family: self.counterfactual_per_family.unwrap_or_default(),
            published: Published::default(),
            agency_map: crate::agency_map::AgencyMap::default(),
            agency_file: None,
        }
    }
}

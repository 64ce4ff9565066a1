//! Study files: one programme, cohort or year, with its inputs and the figures it published.
//!
//! A study either points at service-use records (before and after CSVs) or is a summary of
//! published programme-level figures (`families` and `[benefit]`). Paths inside a study are relative
//! to the study file's folder.
//!
//! This module is the model a study is read into; the pieces around it each do one thing:
//! `file_format` is the TOML shape as written, `read` turns it into a [`Study`] (checking it on
//! the way), `published` holds the figures a source can print (one table of them, [`Figure`]),
//! and `quick` makes a study from command-line options ([`QuickStudy`]).

mod file_format;
mod published;
mod quick;
mod read;

pub use published::{
    Figure, ItemCovers, Published, PublishedFigure, PublishedItem, PublishedValue, StatementPart,
};
pub use quick::QuickStudy;
pub use read::{load_study, parse_study, refuse_files_named_twice, study_file};

use crate::diagnostic::Location;
use crate::input_path::InputPath;
use crate::price_year::PriceYear;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::path::PathBuf;

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

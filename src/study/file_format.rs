//! The study file's TOML shape, as written: what serde reads before anything is checked. Every
//! section refuses keys it does not know, so a misspelt key is an error, not a silent default.

use super::Figure;
use super::published::published_figures;
use crate::toml_input::RawNumber;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStudyFile {
    pub(super) study: Option<RawStudyHeader>,
    pub(super) intervention: Option<RawIntervention>,
    pub(super) counterfactual: Option<RawCounterfactual>,
    pub(super) benefit: Option<RawBenefit>,
    pub(super) published: Option<RawPublished>,
    pub(super) agencies: Option<crate::agency_map::RawAgencies>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStudyHeader {
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
    pub(super) window_months: Option<Spanned<RawNumber>>,
    pub(super) unit_costs: Option<Vec<Spanned<String>>>,
    pub(super) price_year: Option<Spanned<String>>,
    pub(super) deflator: Option<Spanned<String>>,
    /// A file name, or a list of them for a window split over several files.
    pub(super) before: Option<Spanned<RawFiles>>,
    pub(super) after: Option<Spanned<RawFiles>>,
    pub(super) families: Option<Spanned<RawNumber>>,
    /// A shared file with the `[agencies]` table.
    pub(super) agencies: Option<Spanned<String>>,
}

/// A window's files as written: `before = "before.csv"`, a worksheet
/// (`before = { file = "extract.xlsx", sheet = "Before" }`), or a list of either, each kept with
/// its place so that a file named twice can be reported at both.
pub(super) enum RawFiles {
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
pub(super) struct RawIntervention {
    pub(super) per_family: Option<Spanned<RawNumber>>,
    pub(super) items: Option<Vec<Spanned<RawItem>>>,
    /// `file = "interventions.csv"`, or a worksheet.
    pub(super) file: Option<Spanned<RawFiles>>,
    pub(super) funding: Option<Spanned<RawFunding>>,
    pub(super) funding_amounts: Option<Spanned<IndexMap<String, Spanned<RawNumber>>>>,
}

/// `funding` as written: shares by agency (`{ "County Council" = "1" }`), or a funding file
/// (`"funding.csv"`, or `{ file = "budget.xlsx", sheet = "Funding" }`, which arrives as a table and
/// is told apart by `read::intervention::funding_file_entry`).
pub(super) enum RawFunding {
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
pub(super) struct RawItem {
    pub(super) name: Option<String>,
    pub(super) per_family: Option<Spanned<RawNumber>>,
    pub(super) running_costs: Option<Spanned<RawNumber>>,
    pub(super) families_per_year: Option<Spanned<RawNumber>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCounterfactual {
    pub(super) per_family: Option<Spanned<RawNumber>>,
    pub(super) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBenefit {
    pub(super) per_family: Option<Spanned<RawNumber>>,
    pub(super) by_agency: Option<IndexMap<String, Spanned<RawNumber>>>,
}
/// `[[published.items]]`: `window`, `label`, `amount`, and `service`, `services` or `item`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPublishedItem {
    pub(super) window: Spanned<String>,
    pub(super) label: String,
    pub(super) amount: Spanned<RawNumber>,
    pub(super) service: Option<Spanned<String>>,
    pub(super) services: Option<Vec<Spanned<String>>>,
    pub(super) item: Option<Spanned<String>>,
}

/// Makes [`RawPublished`] from the table of published figures: one field for each figure, by its
/// key, between `source` and `agencies` (the order serde lists them in when a key is unknown).
macro_rules! raw_published {
    ($($variant:ident, $key:ident, $label:literal, $reading:ident;)*) => {
        /// `[published]`: the source, each published figure by its key, the benefit by agency and
        /// the line items.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct RawPublished {
            pub(super) source: Option<String>,
            $(pub(super) $key: Option<Spanned<RawNumber>>,)*
            pub(super) agencies: Option<IndexMap<String, Spanned<RawNumber>>>,
            pub(super) items: Option<Vec<Spanned<RawPublishedItem>>>,
        }

        impl RawPublished {
            /// The figure as written, if it is.
            pub(super) fn figure(&self, figure: Figure) -> Option<&Spanned<RawNumber>> {
                match figure {
                    $(Figure::$variant => self.$key.as_ref(),)*
                }
            }
        }
    };
}
published_figures!(raw_published);

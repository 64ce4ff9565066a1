//! The figures a study's source printed: the one table of figures that can be published (with
//! each one's TOML key, label and how it is read), and the published line items and values.

use crate::diagnostic::Location;
use indexmap::IndexMap;
use rust_decimal::Decimal;

/// Every study-level figure that can be published and reconciled, once each, in the order they
/// are read, listed and reported. Each row is the [`Figure`] variant, its key (in `[published]`,
/// where it is also the field of [`RawPublished`](super::file_format::RawPublished), and in JSON
/// and CSV), its label for tables, and how its written value is read ([`Reading`]).
///
/// Adding a published figure is one row here: the `Figure` variant, `Figure::key`,
/// `Figure::label`, `Figure::reading`, `Figure::ALL` and the `[published]` field are all made
/// from this table. The compiler then asks only for what reconciling it needs in `reconcile.rs`
/// (its computed value and its noun in a sentence).
///
/// The table is handed to `$then`, a macro that makes something from its rows
/// (`figure_and_labels` below, `raw_published` in the file format).
macro_rules! published_figures {
    ($then:ident) => {
        $then! {
            Families, families, "Families", WholeNumber;
            Before, before, "Costs before", Money;
            Intervention, intervention, "Intervention cost", Money;
            After, after, "Costs after", Money;
            GrossSaving, gross_saving, "Gross saving (before less after)", Money;
            NetSaving, net_saving, "Net saving (before less intervention less after)", Money;
            Benefit, benefit, "Total benefit", Money;
            DeliveryCostPerFamily, delivery_cost_per_family,
                "Average cost per family of delivering the service", Money;
            // Not the paper's "cost per family pre-programme", which reads as the costs before.
            CounterfactualCostPerFamily, counterfactual_cost_per_family,
                "Counterfactual per family: services the families would have used anyway", Money;
            NetCostPerFamily, net_cost_per_family, "Average net cost per family", Money;
            BenefitPerFamily, benefit_per_family, "Average benefit per family", Money;
            Roi, roi, "Return on investment", Ratio;
        }
    };
}
pub(super) use published_figures;

/// How a published figure's written value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// A count: a whole number, 0 or more (`families = 450`).
    WholeNumber,
    /// A ratio, which may also be written as tfcalc shows it (`roi = "£0.39 : £1.00"`).
    Ratio,
    /// An amount of money.
    Money,
}

/// Makes [`Figure`] and what it knows of itself from the table's rows.
macro_rules! figure_and_labels {
    ($($variant:ident, $key:ident, $label:literal, $reading:ident;)*) => {
        /// The study-level figures that can be published and reconciled.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Figure {
            $($variant,)*
        }

        impl Figure {
            /// The key used in `[published]`, JSON and CSV.
            pub fn key(self) -> &'static str {
                match self {
                    $(Figure::$variant => stringify!($key),)*
                }
            }

            /// The figure in words, for tables.
            pub fn label(self) -> &'static str {
                match self {
                    $(Figure::$variant => $label,)*
                }
            }

            /// How the figure's written value is read.
            pub(crate) fn reading(self) -> Reading {
                match self {
                    $(Figure::$variant => Reading::$reading,)*
                }
            }

            pub const ALL: [Figure; [$(stringify!($key)),*].len()] = [$(Figure::$variant),*];
        }
    };
}
published_figures!(figure_and_labels);

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_figure_is_in_the_table_once_with_a_key_and_label_of_its_own() {
        for figure in Figure::ALL {
            let rows = Figure::ALL.iter().filter(|row| **row == figure).count();
            assert_eq!(rows, 1, "{figure:?} is in the table {rows} times");
        }
        let keys: HashSet<&str> = Figure::ALL.iter().map(|figure| figure.key()).collect();
        assert_eq!(keys.len(), Figure::ALL.len(), "two figures share a key");
        let labels: HashSet<&str> = Figure::ALL.iter().map(|figure| figure.label()).collect();
        assert_eq!(labels.len(), Figure::ALL.len(), "two figures share a label");
        for figure in Figure::ALL {
            // A key is a bare TOML key, a JSON key and a CSV value alike.
            assert!(
                figure
                    .key()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{:?}",
                figure.key()
            );
        }
    }

    #[test]
    fn the_table_keeps_its_order_and_readings() {
        let keys: Vec<&str> = Figure::ALL.iter().map(|figure| figure.key()).collect();
        assert_eq!(
            keys,
            [
                "families",
                "before",
                "intervention",
                "after",
                "gross_saving",
                "net_saving",
                "benefit",
                "delivery_cost_per_family",
                "counterfactual_cost_per_family",
                "net_cost_per_family",
                "benefit_per_family",
                "roi",
            ]
        );
        for figure in Figure::ALL {
            let expected = match figure {
                Figure::Families => Reading::WholeNumber,
                Figure::Roi => Reading::Ratio,
                _ => Reading::Money,
            };
            assert_eq!(figure.reading(), expected, "{figure:?}");
        }
    }

    #[test]
    fn each_part_of_a_statement_adds_up_to_the_figure_of_its_key() {
        for part in [
            StatementPart::Before,
            StatementPart::Intervention,
            StatementPart::After,
        ] {
            assert_eq!(part.figure().key(), part.key());
        }
    }
}

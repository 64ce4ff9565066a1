//! Reading `[published]`: the figures, agency totals and line items the source printed, each
//! figure read as the table of published figures says (see `study::published`).

use super::super::file_format::{RawPublished, RawPublishedItem};
use super::super::published::Reading;
use super::super::{
    Figure, Intervention, ItemCovers, Published, PublishedFigure, PublishedItem, PublishedValue,
    StatementPart,
};
use crate::diagnostic::Diagnostics;
use crate::toml_input::{Source, whole_number};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use toml::Spanned;

pub(super) fn read_published(
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
        let amount = match figure.reading() {
            Reading::WholeNumber => {
                whole_number(source, value, &what, 0, diagnostics).map(Decimal::from)
            }
            Reading::Ratio => source.ratio(value, &what, diagnostics),
            Reading::Money => source.decimal(value, &what, diagnostics),
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

#[cfg(test)]
mod tests {
    use super::super::parse_study;
    use super::*;
    use std::path::Path;

    #[test]
    fn every_published_figure_is_read_from_its_key() {
        for figure in Figure::ALL {
            let text = format!(
                "[study]\nfamilies = 2\n[benefit]\nper_family = \"1\"\n[published]\n{} = \"2\"\n",
                figure.key()
            );
            let mut diagnostics = Diagnostics::new();
            let study = parse_study("study.toml", &text, Path::new("."), None, &mut diagnostics)
                .unwrap_or_else(|| panic!("{figure:?}: {:?}", diagnostics.problems()));
            let figures = &study.published.figures;
            assert_eq!(figures.len(), 1, "{figure:?}");
            assert_eq!(figures[0].figure, figure);
            assert_eq!(figures[0].value.value, Decimal::from(2));
            assert_eq!(
                figures[0].value.location,
                crate::diagnostic::Location::at("study.toml", 6, figure.key().len() as u64 + 4)
            );
        }
    }

    #[test]
    fn an_unknown_key_in_published_lists_the_keys_in_the_order_they_always_had() {
        let mut diagnostics = Diagnostics::new();
        let text = "[study]\nfamilies = 2\n[benefit]\nper_family = \"1\"\n[published]\nnet_savings = \"1\"\n";
        let study = parse_study("study.toml", text, Path::new("."), None, &mut diagnostics);
        assert!(study.is_none());
        let message = &diagnostics.problems()[0].message;
        assert!(
            message.contains(
                "unknown field `net_savings`, expected one of `source`, `families`, `before`, \
                 `intervention`, `after`, `gross_saving`, `net_saving`, `benefit`, \
                 `delivery_cost_per_family`, `counterfactual_cost_per_family`, \
                 `net_cost_per_family`, `benefit_per_family`, `roi`, `agencies`, `items`"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_count_of_families_is_a_whole_number() {
        let mut diagnostics = Diagnostics::new();
        let text = "[study]\nfamilies = 2\n[benefit]\nper_family = \"1\"\n[published]\nfamilies = \"2.5\"\n";
        let study = parse_study("study.toml", text, Path::new("."), None, &mut diagnostics);
        assert!(study.is_none());
        assert!(diagnostics.has_errors());
    }
}

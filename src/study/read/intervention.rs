//! Reading `[intervention]`: what delivery costs per family (one amount, or items, or a file of
//! amounts for individual families) and who pays for it (shares, contributions, or a file).

use super::super::file_format::{RawFunding, RawIntervention, RawItem};
use super::super::{Derivation, Funding, Intervention, InterventionItem};
use super::files::{FileEntry, Resolved, one_file, resolve_entry};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::toml_input::{RawNumber, Source};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::path::Path;
use toml::Spanned;

pub(super) fn read_intervention(
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
pub(super) struct StudyFunding {
    pub(super) funding: Funding,
    /// Where each agency is written.
    pub(super) named_at: IndexMap<String, Location>,
    /// A funding file, read later with the other inputs.
    pub(super) file: Option<InputPath>,
}

pub(super) fn read_funding(
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

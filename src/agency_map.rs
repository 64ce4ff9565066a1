//! The council's own agencies: a study's `[agencies]` table (or a shared file it names) maps the
//! unit-cost database's agencies to them. A name mapped to a name renames it (several to one
//! merge); a name mapped to shares splits it between several, the shares summing to exactly 1.
//!
//! The mapping is applied where agency totals are formed ([`crate::ledger`]), so every view and
//! format shows the council's agencies.

use crate::diagnostic::{Diagnostics, Location, Problem};
use crate::input_path::InputPath;
use crate::text_file::Encoding;
use crate::toml_input::Source;
use indexmap::IndexMap;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use toml::Spanned;

/// The agency table as written: database agency = council agency, or = shares.
pub type RawAgencies = IndexMap<String, Spanned<toml::Value>>;

/// A study's mapping, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyMap {
    pub entries: Vec<MapEntry>,
}

/// One database agency and where its costs go: one agency (a share of 1), or several by shares.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    pub from: String,
    pub to: Vec<(String, Decimal)>,
    pub at: Location,
}

impl AgencyMap {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, agency: &str) -> Option<&MapEntry> {
        self.entries.iter().find(|entry| entry.from == agency)
    }
}

impl MapEntry {
    /// "Police 40%; NHS 60%", or "County Council".
    pub fn describe_targets(&self) -> String {
        if let [(only, _)] = self.to.as_slice() {
            return only.clone();
        }
        self.to
            .iter()
            .map(|(agency, share)| {
                let percent = (share * Decimal::ONE_HUNDRED).normalize();
                format!("{agency} {percent}%")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Reads an `[agencies]` table.
pub fn read(source: &Source<'_>, raw: &RawAgencies, diagnostics: &mut Diagnostics) -> AgencyMap {
    let mut entries = Vec::new();
    for (from, value) in raw {
        let at = source.location(value);
        let from = from.trim().to_string();
        if from.is_empty() {
            diagnostics
                .error(Some(at), "an [agencies] entry maps an empty agency name")
                .hint("write the database's agency name on the left: \"Local authority\" = \"County Council\"");
            continue;
        }
        match value.get_ref() {
            toml::Value::String(to) => {
                let to = to.trim();
                if to.is_empty() {
                    diagnostics
                        .error(
                            Some(at),
                            format!("agency {from:?} is mapped to an empty name"),
                        )
                        .hint(
                            "name the council's agency: \"Local authority\" = \"County Council\"",
                        );
                    continue;
                }
                entries.push(MapEntry {
                    from,
                    to: vec![(to.to_string(), Decimal::ONE)],
                    at,
                });
            }
            toml::Value::Table(shares) => {
                if let Some(to) = read_shares(&from, shares, &at, diagnostics) {
                    entries.push(MapEntry { from, to, at });
                }
            }
            _ => {
                diagnostics
                    .error(
                        Some(at),
                        format!("agency {from:?} must be mapped to an agency name or to shares"),
                    )
                    .hint("write \"Local authority\" = \"County Council\", or \"Multiple\" = { \"Police\" = \"40%\", \"NHS\" = \"60%\" }");
            }
        }
    }
    AgencyMap { entries }
}

fn read_shares(
    from: &str,
    shares: &toml::map::Map<String, toml::Value>,
    at: &Location,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<(String, Decimal)>> {
    let hint = "write each share as a fraction (\"0.4\") or a percentage (\"40%\"); they must add up to exactly 1";
    if shares.is_empty() {
        diagnostics
            .error(
                Some(at.clone()),
                format!("agency {from:?} is split between no agencies"),
            )
            .hint(hint);
        return None;
    }
    let mut read = Vec::with_capacity(shares.len());
    let mut failed = false;
    for (agency, value) in shares {
        let parsed = match value {
            toml::Value::String(text) => crate::money::parse_share(text).ok(),
            toml::Value::Integer(whole) => Some(Decimal::from(*whole)),
            _ => None,
        };
        match parsed {
            Some(share) if share >= Decimal::ZERO && share <= Decimal::ONE => {
                read.push((agency.trim().to_string(), share));
            }
            Some(share) => {
                diagnostics
                    .error(
                        Some(at.clone()),
                        format!("the share of {from:?} for {agency:?} is {share}; shares are between 0 and 1"),
                    )
                    .hint(hint);
                failed = true;
            }
            None => {
                diagnostics
                    .error(
                        Some(at.clone()),
                        format!("the share of {from:?} for {agency:?} is not a share: {value}"),
                    )
                    .hint(hint);
                failed = true;
            }
        }
    }
    if failed {
        return None;
    }
    let total = read
        .iter()
        .try_fold(Decimal::ZERO, |sum, (_, share)| sum.checked_add(*share));
    if total != Some(Decimal::ONE) {
        let shown = total.map_or_else(|| "too much".to_string(), |total| total.to_string());
        diagnostics
            .error(
                Some(at.clone()),
                format!("the shares of {from:?} sum to {shown}, not 1"),
            )
            .hint(hint);
        return None;
    }
    Some(read)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgencyFile {
    agencies: Option<RawAgencies>,
}

/// Reads a shared agency file: a TOML file with an `[agencies]` table.
pub fn load_file(input: &InputPath, diagnostics: &mut Diagnostics) -> Option<AgencyMap> {
    let text = input.read_string("agency file", Encoding::Auto, diagnostics)?;
    let shown = input.shown();
    let source = Source::new(&shown, &text);
    let raw: RawAgencyFile = source.parse(diagnostics)?;
    match raw.agencies {
        Some(agencies) => Some(read(&source, &agencies, diagnostics)),
        None => {
            diagnostics
                .error(
                    Some(Location::file(shown.clone())),
                    "the agency file has no [agencies] table",
                )
                .hint("write [agencies] and then lines such as \"Local authority\" = \"County Council\"");
            None
        }
    }
}

/// An agency's figures, to be mapped: before and after (unknown for a summary study) and benefit.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    pub benefit: Decimal,
}

/// Maps agency rows (database agency, figures) to the council's, in order of first appearance.
/// Every split part but the last is rounded to the penny and the last takes what is left, so the
/// parts add up exactly to the whole. Returns `None` if a figure would overflow.
pub fn apply(map: &AgencyMap, rows: Vec<(String, Figures)>) -> Option<Vec<(String, Figures)>> {
    let mut out: IndexMap<String, Figures> = IndexMap::new();
    for (agency, figures) in rows {
        let targets = match map.get(&agency) {
            Some(entry) => entry.to.clone(),
            None => vec![(agency, Decimal::ONE)],
        };
        let before = split(figures.before, &targets)?;
        let after = split(figures.after, &targets)?;
        let benefit = split(Some(figures.benefit), &targets)?;
        for (index, (target, _)) in targets.iter().enumerate() {
            let part = Figures {
                before: before.as_ref().map(|parts| parts[index]),
                after: after.as_ref().map(|parts| parts[index]),
                // Before less after, when known, so that each row's benefit is its own difference.
                benefit: match (&before, &after) {
                    (Some(b), Some(a)) => b[index].checked_sub(a[index])?,
                    _ => benefit.as_ref()?[index],
                },
            };
            match out.get_mut(target) {
                Some(sum) => {
                    sum.before = add(sum.before, part.before)?;
                    sum.after = add(sum.after, part.after)?;
                    sum.benefit = sum.benefit.checked_add(part.benefit)?;
                }
                None => {
                    out.insert(target.clone(), part);
                }
            }
        }
    }
    Some(out.into_iter().collect())
}

fn add(a: Option<Decimal>, b: Option<Decimal>) -> Option<Option<Decimal>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Some(a.checked_add(b)?)),
        _ => Some(None),
    }
}

/// `amount` by shares: the last part takes what is left. `Some(None)` for an unknown amount.
fn split(amount: Option<Decimal>, shares: &[(String, Decimal)]) -> Option<Option<Vec<Decimal>>> {
    let Some(amount) = amount else {
        return Some(None);
    };
    let mut parts = Vec::with_capacity(shares.len());
    let mut allocated = Decimal::ZERO;
    for (index, (_, share)) in shares.iter().enumerate() {
        let part = if index + 1 == shares.len() {
            amount.checked_sub(allocated)?
        } else {
            amount
                .checked_mul(*share)?
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        };
        allocated = allocated.checked_add(part)?;
        parts.push(part);
    }
    Some(Some(parts))
}

/// Warnings about a mapping and the agencies it met: a mapped name no agency has (with the
/// nearest), and costs left with "Multiple", which no one agency bears.
pub fn warnings(
    map: &AgencyMap,
    agencies: &[(String, Figures)],
    mapped: &[(String, Figures)],
    study: Option<&Location>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let names: Vec<&str> = agencies.iter().map(|(name, _)| name.as_str()).collect();
    for entry in &map.entries {
        if names.contains(&entry.from.as_str()) {
            continue;
        }
        let mut message = format!(
            "[agencies] maps {:?}, but no cost the study uses is borne by an agency of that name",
            entry.from
        );
        if let Some(suggestion) = crate::suggest::did_you_mean(&entry.from, names.iter().copied()) {
            message.push_str(&format!("; {suggestion}"));
        }
        problems.push(
            Problem::warning(Some(entry.at.clone()), message).with_hint(
                "agency names are matched exactly; the agency table lists the agencies the study's costs go to",
            ),
        );
    }
    if map.get("Multiple").is_none()
        && let Some((_, figures)) = mapped.iter().find(|(name, _)| name == "Multiple")
    {
        let held = match (figures.before, figures.after) {
            (Some(before), Some(after)) => format!(
                "{} before and {} after",
                crate::money::format_money(before, crate::money::Precision::Pence),
                crate::money::format_money(after, crate::money::Precision::Pence)
            ),
            _ => format!(
                "a benefit of {}",
                crate::money::format_money(figures.benefit, crate::money::Precision::Pence)
            ),
        };
        problems.push(
            Problem::warning(
                study.cloned(),
                format!("costs borne by \"Multiple\" ({held}) are not split between the agencies that bear them"),
            )
            .with_hint("split them in the study's [agencies] table: \"Multiple\" = { \"Police\" = \"40%\", \"NHS\" = \"60%\" }"),
        );
    }
    problems
}

//! Reading a CSV header: finding the columns by name (with a hint when one is misnamed), and the
//! header's shape that a row must fit.

use crate::diagnostic::{Diagnostics, Location};

/// Finds the named columns in a header row. Names match whatever their case and surrounding
/// spaces. Returns the position of each required column and each optional one (`None` if absent),
/// or `None` after recording what is missing or repeated.
pub fn find_columns(
    file: &str,
    header: &csv::ByteRecord,
    required: &[&str],
    optional: &[&str],
    diagnostics: &mut Diagnostics,
) -> Option<(Vec<usize>, Vec<Option<usize>>)> {
    let names: Vec<String> = header
        .iter()
        .map(|field| {
            String::from_utf8_lossy(field)
                .trim()
                .trim_start_matches('\u{feff}')
                .trim()
                .to_lowercase()
        })
        .collect();
    let location = Location::line(file, 1);
    let wanted: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut positions: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut ok = true;
    for (index, name) in names.iter().enumerate() {
        let Some(slot) = wanted.iter().position(|wanted| wanted == name) else {
            continue;
        };
        if let Some(first) = positions[slot] {
            diagnostics
                .error(
                    Some(location.clone()),
                    format!(
                        "the column `{name}` appears twice in the header (columns {} and {})",
                        first + 1,
                        index + 1
                    ),
                )
                .hint("remove or rename one of them");
            ok = false;
        } else {
            positions[slot] = Some(index);
        }
    }
    let expected = required.join(",");
    let found: Vec<&str> = names
        .iter()
        .filter(|name| !name.is_empty())
        .map(String::as_str)
        .collect();
    for (name, position) in required.iter().zip(&positions) {
        if position.is_none() {
            let unclaimed = names
                .iter()
                .enumerate()
                .filter(|(index, name)| !name.is_empty() && !positions.contains(&Some(*index)))
                .map(|(_, name)| name.as_str());
            let hint = match likely_meant(name, unclaimed) {
                Some(column) => format!(
                    "rename the column `{column}` to `{name}`; the header must name {expected}"
                ),
                None => format!("the first row must name the columns {expected} (in any order)"),
            };
            let listed = if found.is_empty() {
                "(none)".to_string()
            } else {
                found.join(", ")
            };
            diagnostics
                .error(
                    Some(location.clone()),
                    format!("missing required column `{name}`; the columns found are: {listed}"),
                )
                .hint(hint);
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let (required_positions, optional_positions) = positions.split_at(required.len());
    Some((
        required_positions
            .iter()
            .map(|position| position.expect("checked above"))
            .collect(),
        optional_positions.to_vec(),
    ))
}

/// Names people give our columns in their own exports.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "family_id",
        &[
            "family",
            "familyid",
            "family id",
            "family_ref",
            "case_id",
            "case",
            "id",
        ],
    ),
    (
        "service",
        &["service_id", "unit_cost", "cost_id", "item", "code"],
    ),
    ("quantity", &["qty", "count", "units", "number", "amount"]),
    ("amount", &["cost", "value", "per_family"]),
];

/// The found column most likely meant as the missing `wanted` one.
fn likely_meant<'a>(wanted: &str, found: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let aliases = ALIASES
        .iter()
        .find(|(name, _)| *name == wanted)
        .map_or(&[][..], |(_, aliases)| *aliases);
    found
        .clone()
        .find(|column| aliases.contains(column))
        .or_else(|| crate::suggest::nearest(wanted, found, 1).first().copied())
}

/// The header's width, and which of its columns have no name. Spreadsheets pad rows with empty
/// cells, header included; a value beyond the header, or under a column with no name, is almost
/// always a number with an unquoted thousands separator (`1,200`) that has pushed its digits along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderShape {
    pub len: usize,
    unnamed: Vec<bool>,
}

/// A row that does not fit its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    /// More fields than the header has.
    TooManyFields { fields: usize, header: usize },
    /// A value under a column the header leaves unnamed (0-based).
    UnnamedColumn { column: usize },
}

impl HeaderShape {
    pub fn of(header: &csv::ByteRecord) -> HeaderShape {
        HeaderShape {
            len: header.len(),
            unnamed: header
                .iter()
                .map(|name| name.iter().all(u8::is_ascii_whitespace))
                .collect(),
        }
    }

    /// Whether field `index` holding `field` breaks the shape.
    #[inline]
    pub fn misfit(&self, index: usize, field: &[u8]) -> bool {
        match self.unnamed.get(index) {
            None => true,
            Some(&unnamed) => unnamed && !field.iter().all(u8::is_ascii_whitespace),
        }
    }

    /// The first way a whole row breaks the shape, if it does.
    pub fn check(&self, record: &csv::ByteRecord) -> Option<Misfit> {
        if record.len() > self.len {
            return Some(Misfit::TooManyFields {
                fields: record.len(),
                header: self.len,
            });
        }
        record
            .iter()
            .enumerate()
            .position(|(index, field)| self.misfit(index, field))
            .map(|column| Misfit::UnnamedColumn { column })
    }
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Misfit::TooManyFields { fields, header } => write!(
                f,
                "the row has {fields} fields but the header names {header}: a value has an unquoted comma?"
            ),
            Misfit::UnnamedColumn { column } => write!(
                f,
                "the row has a value in column {}, which the header leaves unnamed: a value has an unquoted comma?",
                column + 1
            ),
        }
    }
}

/// The hint for a [`Misfit`].
pub const MISFIT_HINT: &str =
    "put numbers with thousands separators in quotes (\"1,500\"), or write them without (1500)";

//! What every CSV input shares: finding columns by header name, and reading fields as text.

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
            let guess = crate::suggest::did_you_mean(name, found.iter().copied());
            let hint = match guess {
                Some(guess) => format!("{guess} The header must name {expected} (in any order)."),
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

/// Whether every field of a row is empty or spaces: a blank row, counted but not used.
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// The line a record starts on (1-based).
pub fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// A field as trimmed text, `Ok(None)` if the row is too short to have it.
pub fn text_field(
    record: &csv::ByteRecord,
    index: usize,
) -> Result<Option<&str>, std::str::Utf8Error> {
    match record.get(index) {
        Some(bytes) => std::str::from_utf8(bytes).map(|text| Some(text.trim())),
        None => Ok(None),
    }
}

/// A CSV reader configured as every input needs: rows may have trailing columns missing.
pub fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

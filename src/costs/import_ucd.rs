//! Importing the Unit Cost Database (New Economy for the Troubled Families Unit, v1.2) from its CSV
//! export into a unit-cost table.
//!
//! The export has no header row and 14 columns: outcome category, outcome detail, code, description,
//! agency (level 1), agency (level 2), unit, cost, price year, cost uprated to 2013/14, source,
//! confidence grade, comment and source URL. The data is messier than that suggests, and the import
//! copes with what it has:
//!
//! - descriptions span several lines, and costs are written `1171`, `327.8333333333` or ` £511 `;
//! - the same agency is spelt `Local Authority` and `Local authority`: one spelling is kept;
//! - 673 lines carry only 635 codes (`CR7.0.3` is homicide courts, prisons and other CJS), so an id
//!   is the code, with a slug of the description where the code is not unique;
//! - a headline code (`CR2.0`) has components (`CR2.0.1`, ...) that sometimes split its cost between
//!   agencies and sometimes are variants or partial breakdowns. Only a true split (the components
//!   add up exactly to the headline, at the same price year) makes the headline a composite, so that
//!   using it never counts a component twice and its agency split follows the components;
//! - a line with no usable cost is reported by code and skipped, and counted.

use crate::csv_input;
use crate::diagnostic::{Diagnostics, Location, plural};
use crate::input_path::InputPath;
use crate::money::parse_money;
use crate::price_year::PriceYear;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The number of columns in the database's export.
const COLUMNS: usize = 14;

/// One usable line of the database.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCost {
    pub id: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub agency: String,
    pub agency_detail: Option<String>,
    pub unit: String,
    pub unit_plural: Option<String>,
    /// The fiscal value: the cost to the public purse.
    pub cost: Decimal,
    /// The workbook's economic and social values (v1.4), each with its price year.
    pub economic: Option<(Decimal, PriceYear)>,
    pub social: Option<(Decimal, PriceYear)>,
    pub price_year: PriceYear,
    /// The database's own cost in 2013/14 prices (column 10), when it gives one.
    pub uprated_2013_14: Option<Decimal>,
    pub confidence: Option<String>,
    pub source: Option<String>,
    pub comment: Option<String>,
    pub url: Option<String>,
    /// For a headline its components split exactly: their ids.
    pub components: Vec<String>,
    /// Where the line is in the export.
    pub origin: Location,
}

/// A line left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub code: String,
    pub description: String,
    pub origin: Location,
    pub reason: String,
}

/// A headline with components that is kept as a plain cost, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainHeadline {
    pub code: String,
    pub reason: String,
}

/// The result of an import: what was read, what became costs, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Import {
    pub lines_read: usize,
    pub costs: Vec<ImportedCost>,
    pub skipped: Vec<Skipped>,
    /// Codes that appear on more than one line.
    pub repeated_codes: Vec<String>,
    pub composite_headlines: Vec<String>,
    pub plain_headlines: Vec<PlainHeadline>,
}

/// A line as read, before it is judged usable.
struct Line {
    fields: Vec<String>,
    origin: Location,
}

/// Reads the database's CSV files in order. Problems with the files themselves go to
/// `diagnostics`; lines without a usable cost are in [`Import::skipped`].
pub fn import(files: &[InputPath], diagnostics: &mut Diagnostics) -> Import {
    let mut lines = Vec::new();
    for file in files {
        read_lines(file, &mut lines, diagnostics);
    }
    let mut import = Import {
        lines_read: lines.len(),
        ..Import::default()
    };

    let agencies = canonical_spellings(lines.iter().map(|line| line.fields[4].trim()));
    let details = canonical_spellings(lines.iter().map(|line| line.fields[5].trim()));
    let mut code_counts: IndexMap<String, usize> = IndexMap::new();
    for line in &lines {
        *code_counts
            .entry(line.fields[2].trim().to_string())
            .or_default() += 1;
    }
    import.repeated_codes = code_counts
        .iter()
        .filter(|(_, count)| **count > 1)
        .map(|(code, _)| code.clone())
        .collect();

    let mut used_ids: HashMap<String, usize> = HashMap::new();
    for line in &lines {
        let field = |index: usize| line.fields[index].trim();
        let code = field(2).to_string();
        let name = join_description(&line.fields[3]);
        let skip = |reason: String| Skipped {
            code: code.clone(),
            description: name.clone(),
            origin: line.origin.clone(),
            reason,
        };
        let cost = match parse_money(field(7)) {
            Ok(cost) => cost,
            Err(error) => {
                import
                    .skipped
                    .push(skip(format!("no usable cost ({error})")));
                continue;
            }
        };
        let uprated = parse_money(field(9)).ok();
        if cost.is_zero() && uprated.is_none() {
            import.skipped.push(skip(
                "a cost of 0 and no 2013/14 value: the line is not costed".to_string(),
            ));
            continue;
        }
        let price_year = match field(8).parse::<PriceYear>() {
            Ok(year) => year,
            Err(message) => {
                import
                    .skipped
                    .push(skip(format!("no usable price year ({message})")));
                continue;
            }
        };
        let repeated = code_counts.get(&code).copied().unwrap_or(0) > 1;
        let id = unique_id(&code, repeated.then_some(name.as_str()), &mut used_ids);
        let (unit, unit_plural) = unit_of(field(6));
        let optional = |index: usize| {
            Some(field(index).to_string()).filter(|text| !text.is_empty() && text != "-")
        };
        import.costs.push(ImportedCost {
            id,
            code,
            name,
            category: format!("{} / {}", field(0), field(1)),
            agency: agencies[field(4)].clone(),
            agency_detail: optional(5).map(|detail| details[detail.as_str()].clone()),
            unit,
            unit_plural,
            cost,
            economic: None,
            social: None,
            price_year,
            uprated_2013_14: uprated,
            confidence: optional(11),
            source: optional(10).map(|source| join_description(&source)),
            comment: optional(12).map(|comment| join_description(&comment)),
            url: optional(13),
            components: Vec::new(),
            origin: line.origin.clone(),
        });
    }
    finish(&mut import);
    import
}

/// What every import does once its lines are read: links headlines to the components that split
/// them.
pub(crate) fn finish(import: &mut Import) {
    link_headlines(import);
}

fn read_lines(file: &InputPath, lines: &mut Vec<Line>, diagnostics: &mut Diagnostics) {
    let shown = file.shown();
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(file.unreadable("Unit Cost Database file", &error));
            return;
        }
    };
    let mut records = csv_input::Records::new(&bytes[..]);
    while let Some(line) = records.next_filled_record(&shown, diagnostics) {
        let record = &records.record;
        let origin = Location::line(&shown, line);
        if record.len() != COLUMNS {
            diagnostics
                .error(
                    Some(origin),
                    format!(
                        "the line has {} columns; the Unit Cost Database export has {COLUMNS}",
                        record.len()
                    ),
                )
                .hint("export the database's theme sheets as CSV without a header row");
            continue;
        }
        let fields: Result<Vec<String>, _> = record
            .iter()
            .map(|field| std::str::from_utf8(field).map(str::to_string))
            .collect();
        match fields {
            Ok(fields) => lines.push(Line { fields, origin }),
            Err(_) => {
                diagnostics
                    .error(Some(origin), "the line is not UTF-8 text")
                    .hint("save the export as CSV UTF-8");
            }
        }
    }
}

/// For each spelling, the one to use: spellings that differ only in case become the most common of
/// them (the first seen on a tie), so `Local authority` joins `Local Authority`.
pub(crate) fn canonical_spellings<'a>(
    spellings: impl Iterator<Item = &'a str>,
) -> HashMap<String, String> {
    let mut counts: IndexMap<String, IndexMap<String, usize>> = IndexMap::new();
    for spelling in spellings {
        *counts
            .entry(spelling.to_lowercase())
            .or_default()
            .entry(spelling.to_string())
            .or_default() += 1;
    }
    let mut canonical = HashMap::new();
    for variants in counts.values() {
        let best = variants
            .iter()
            .fold(
                None::<(&String, usize)>,
                |best, (spelling, &count)| match best {
                    Some((_, best_count)) if best_count >= count => best,
                    _ => Some((spelling, count)),
                },
            )
            .map(|(spelling, _)| spelling.clone())
            .unwrap_or_default();
        for spelling in variants.keys() {
            canonical.insert(spelling.clone(), best.clone());
        }
    }
    canonical
}

/// A description written over several lines, as one line.
pub(crate) fn join_description(text: &str) -> String {
    let mut joined = String::new();
    for part in text.lines().map(str::trim).filter(|part| !part.is_empty()) {
        if !joined.is_empty() {
            let glue = if part.starts_with('(') || joined.ends_with('-') || joined.ends_with(':') {
                " "
            } else {
                ", "
            };
            joined.push_str(glue);
        }
        joined.push_str(part);
    }
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The id for a code: the code in lower case without `&` (`E&E1.0` is `ee1.0`), and for a code
/// that appears on several lines, a slug of what tells its lines apart.
pub(crate) fn unique_id(
    code: &str,
    repeated_description: Option<&str>,
    used: &mut HashMap<String, usize>,
) -> String {
    let mut id: String = code
        .to_lowercase()
        .chars()
        .filter(|character| {
            character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-')
        })
        .collect();
    if let Some(description) = repeated_description {
        // "Homicide - Courts/legal aid": the part after the dash is what differs between the lines.
        let distinguishing = description
            .rsplit_once(" - ")
            .map_or(description, |(_, tail)| tail);
        let slug = slugify(distinguishing);
        if !slug.is_empty() {
            id = format!("{id}-{slug}");
        }
    }
    let seen = used.entry(id.clone()).or_default();
    *seen += 1;
    if *seen > 1 {
        format!("{id}-{seen}")
    } else {
        id
    }
}

fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// "Per person per year" is a unit of "person per year", and several are "people per year".
pub(crate) fn unit_of(text: &str) -> (String, Option<String>) {
    let text = text.trim();
    let lower = text.to_lowercase();
    let unit = match lower.strip_prefix("per ") {
        Some(rest) => rest.trim().to_string(),
        None if lower == "each" || lower.is_empty() => "item".to_string(),
        None => lower,
    };
    let (first, rest) = match unit.split_once(' ') {
        Some((first, rest)) => (first.to_string(), Some(rest.to_string())),
        None => (unit.clone(), None),
    };
    let plural_first = match first.as_str() {
        "person" => "people".to_string(),
        "child" => "children".to_string(),
        "fte" => "FTEs".to_string(),
        "lifetime" => "lifetimes".to_string(),
        _ => return (unit.clone(), rest.map(|rest| format!("{first}s {rest}"))),
    };
    let unit = if first == "fte" {
        unit.replacen("fte", "FTE", 1)
    } else {
        unit
    };
    let plural = match rest {
        Some(rest) => format!("{plural_first} {rest}"),
        None => plural_first,
    };
    (unit, Some(plural))
}

/// Makes each headline whose components split it exactly into a composite of them, and records
/// why every other headline with components stays a plain cost.
fn link_headlines(import: &mut Import) {
    let mut headlines: IndexMap<String, Vec<usize>> = IndexMap::new();
    for (index, cost) in import.costs.iter().enumerate() {
        let parts: Vec<&str> = cost.code.split('.').collect();
        if parts.len() == 3 {
            headlines
                .entry(format!("{}.{}", parts[0], parts[1]))
                .or_default()
                .push(index);
        }
    }
    let skipped_codes: Vec<&str> = import
        .skipped
        .iter()
        .map(|skipped| skipped.code.as_str())
        .collect();
    for (headline_code, component_indices) in headlines {
        let Some(headline_index) = import
            .costs
            .iter()
            .position(|cost| cost.code == headline_code)
        else {
            continue;
        };
        let headline = &import.costs[headline_index];
        let components: Vec<&ImportedCost> = component_indices
            .iter()
            .map(|&index| &import.costs[index])
            .collect();
        // Checked: a hostile export's components can add up past what a Decimal holds.
        let sum = components.iter().try_fold(Decimal::ZERO, |sum, component| {
            sum.checked_add(component.cost)
        });
        let prefix = format!("{headline_code}.");
        let reason = if skipped_codes.iter().any(|code| code.starts_with(&prefix)) {
            Some("a component has no usable cost".to_string())
        } else if sum.is_none() {
            Some("its components add up to more than a cost can hold".to_string())
        } else if let Some(sum) = sum
            && sum != headline.cost
        {
            let parts = match components.len() {
                1 => "its 1 component is".to_string(),
                count => format!("its {count} components sum to"),
            };
            let near = sum
                .checked_sub(headline.cost)
                .is_some_and(|difference| difference.abs() <= Decimal::ONE);
            let why = if near {
                "rounding in the source; the published headline is kept"
            } else {
                "they are variants or a partial breakdown, not a split"
            };
            Some(format!(
                "{parts} {}, not its {}: {why}",
                sum.normalize(),
                headline.cost.normalize()
            ))
        } else {
            components
                .iter()
                .find(|component| component.price_year != headline.price_year)
                .map(|other| {
                    format!(
                        "its components sum to it but are in {} prices and it is in {} prices",
                        other.price_year, headline.price_year
                    )
                })
        };
        match reason {
            Some(reason) => import.plain_headlines.push(PlainHeadline {
                code: headline_code,
                reason,
            }),
            None => {
                let ids = components
                    .iter()
                    .map(|component| component.id.clone())
                    .collect();
                import.costs[headline_index].components = ids;
                import.composite_headlines.push(headline_code);
            }
        }
    }
}

/// The import as a unit-cost table file.
pub fn to_toml(import: &Import, sources: &[String]) -> String {
    let header = format!(
        "# The Unit Cost Database v1.2 (2013/14 prices), compiled by New Economy (Manchester) for the\n\
         # Troubled Families Unit of DCLG, as a tfcalc unit-cost table.\n\
         #\n\
         # Generated by `tfcalc costs import-ucd` from {}. Do not edit by hand: regenerate it.\n\
         # {} lines read; {} unit costs; {} lines skipped (no usable cost). {} headlines whose components\n\
         # split them exactly are composites of those components; {} others stay plain costs.\n\
         # Costs are at their own price years (price_year); `--price-year 2013/14` uprates them with the\n\
         # GDP deflator to the database's own 2013/14 figures.\n\
         \n[table]\nname = \"Unit Cost Database v1.2\"\n\
         source = \"New Economy (Manchester), Unit Cost Database v1.2, for the Troubled Families Unit (DCLG); published by the Cabinet Office\"\n",
        sources.join(", "),
        import.lines_read,
        import.costs.len(),
        import.skipped.len(),
        import.composite_headlines.len(),
        import.plain_headlines.len(),
    );
    table_toml(import, &header)
}

/// The import's costs as a unit-cost table file, after `header` (comments and the `[table]` part).
pub(crate) fn table_toml(import: &Import, header: &str) -> String {
    let quoted = |text: &str| toml::Value::String(text.to_string()).to_string();
    let mut out = header.to_string();
    for cost in &import.costs {
        out.push('\n');
        if !cost.components.is_empty() {
            let _ = writeln!(
                out,
                "# {} is the headline of {} components that add up to its {} ({} prices): a composite,\n\
                 # so that it is never counted twice and its agency split follows the components.",
                cost.code,
                cost.components.len(),
                crate::money::Pounds(cost.cost),
                cost.price_year
            );
        }
        let _ = writeln!(out, "[[unit_cost]]");
        let _ = writeln!(out, "id = {}", quoted(&cost.id));
        let _ = writeln!(out, "code = {}", quoted(&cost.code));
        let _ = writeln!(out, "name = {}", quoted(&cost.name));
        let _ = writeln!(out, "category = {}", quoted(&cost.category));
        let _ = writeln!(out, "unit = {}", quoted(&cost.unit));
        if let Some(plural) = &cost.unit_plural {
            let _ = writeln!(out, "unit_plural = {}", quoted(plural));
        }
        if cost.components.is_empty() {
            let _ = writeln!(out, "cost = {}", quoted(&cost.cost.to_string()));
        } else {
            let parts: Vec<String> = cost
                .components
                .iter()
                .map(|id| format!("{{ id = {}, quantity = \"1\" }}", quoted(id)))
                .collect();
            let _ = writeln!(out, "components = [{}]", parts.join(", "));
        }
        for (kind, value) in [("economic", cost.economic), ("social", cost.social)] {
            let Some((amount, year)) = value else {
                continue;
            };
            let _ = writeln!(out, "{kind} = {}", quoted(&amount.to_string()));
            // Only where it differs: a value is at the cost's price year unless it says otherwise.
            if year != cost.price_year {
                let _ = writeln!(out, "{kind}_price_year = {}", quoted(&year.to_string()));
            }
        }
        let _ = writeln!(out, "agency = {}", quoted(&cost.agency));
        if let Some(detail) = &cost.agency_detail {
            let _ = writeln!(out, "agency_detail = {}", quoted(detail));
        }
        let _ = writeln!(out, "price_year = {}", quoted(&cost.price_year.to_string()));
        if let Some(confidence) = &cost.confidence {
            let _ = writeln!(out, "confidence = {}", quoted(confidence));
        }
        if let Some(source) = &cost.source {
            let _ = writeln!(out, "source = {}", quoted(source));
        }
        if let Some(url) = &cost.url {
            let _ = writeln!(out, "url = {}", quoted(url));
        }
        if let Some(comment) = &cost.comment {
            let _ = writeln!(out, "comment = {}", quoted(comment));
        }
    }
    out
}

/// What the import did, in words, for the terminal.
pub fn summary(import: &Import) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Read {} {}. Imported {} unit {}; skipped {} {} with no usable cost.",
        import.lines_read,
        plural(import.lines_read as u64, "line", "lines"),
        import.costs.len(),
        plural(import.costs.len() as u64, "cost", "costs"),
        import.skipped.len(),
        plural(import.skipped.len() as u64, "line", "lines"),
    );
    for skipped in &import.skipped {
        let _ = writeln!(
            out,
            "  skipped {} {} ({}): {}",
            skipped.origin, skipped.code, skipped.description, skipped.reason
        );
    }
    let _ = writeln!(
        out,
        "{} {} on more than one line; their ids add a slug of the description (e.g. cr7.0.3-prisons).",
        import.repeated_codes.len(),
        plural(
            import.repeated_codes.len() as u64,
            "code appears",
            "codes appear"
        ),
    );
    let headlines = import.composite_headlines.len() + import.plain_headlines.len();
    let _ = writeln!(
        out,
        "{headlines} {} components: {} {} split exactly by them and became composites; {} {} plain {}:",
        plural(headlines as u64, "headline has", "headlines have"),
        import.composite_headlines.len(),
        plural(import.composite_headlines.len() as u64, "is", "are"),
        import.plain_headlines.len(),
        plural(import.plain_headlines.len() as u64, "stays a", "stay"),
        plural(import.plain_headlines.len() as u64, "cost", "costs"),
    );
    for plain in &import.plain_headlines {
        let _ = writeln!(out, "  {}: {}", plain.code, plain.reason);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_multi_line_descriptions() {
        assert_eq!(
            join_description(
                "Anti-social behaviour\nfurther action necessary\n(cost of dealing with incident)"
            ),
            "Anti-social behaviour, further action necessary (cost of dealing with incident)"
        );
        assert_eq!(
            join_description("Shoplifting -\n(average total cost)"),
            "Shoplifting - (average total cost)"
        );
    }

    #[test]
    fn units_and_their_plurals() {
        assert_eq!(unit_of("Per incident"), ("incident".to_string(), None));
        assert_eq!(
            unit_of("Per person per year"),
            (
                "person per year".to_string(),
                Some("people per year".to_string())
            )
        );
        assert_eq!(
            unit_of("Per claimant per year"),
            (
                "claimant per year".to_string(),
                Some("claimants per year".to_string())
            )
        );
        assert_eq!(unit_of("Each"), ("item".to_string(), None));
        assert_eq!(
            unit_of("Per FTE"),
            ("FTE".to_string(), Some("FTEs".to_string()))
        );
    }

    #[test]
    fn ids_come_from_codes() {
        let mut used = HashMap::new();
        assert_eq!(unique_id("CR2.0", None, &mut used), "cr2.0");
        assert_eq!(unique_id("E&E1.0", None, &mut used), "ee1.0");
        assert_eq!(
            unique_id("CR7.0.3", Some("Homicide - Courts/legal aid"), &mut used),
            "cr7.0.3-courts-legal-aid"
        );
        assert_eq!(
            unique_id("CR7.0.3", Some("Homicide - Prisons"), &mut used),
            "cr7.0.3-prisons"
        );
        assert_eq!(
            unique_id("CR7.0.3", Some("Homicide - Prisons"), &mut used),
            "cr7.0.3-prisons-2"
        );
    }

    #[test]
    fn spellings_differing_in_case_become_the_most_common() {
        let canonical = canonical_spellings(
            [
                "Local Authority",
                "Local authority",
                "Local Authority",
                "NHS",
            ]
            .into_iter(),
        );
        assert_eq!(canonical["Local authority"], "Local Authority");
        assert_eq!(canonical["NHS"], "NHS");
    }
}

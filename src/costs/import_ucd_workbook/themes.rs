//! Reading the workbook: the header rows and coded lines of each theme sheet, into the import.

use super::cells::{Sheet, number};
use super::lookups::{check_updated, read_lookups};
use super::open::open;
use super::{THEMES, VALUE_COLUMNS, Value, WorkbookImport, WorkbookLine};
use crate::costs::import_ucd::{Import, ImportedCost, Skipped};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::price_year::PriceYear;
use calamine::Reader;
use indexmap::IndexMap;
use std::collections::HashMap;

/// Reads the workbook. Problems with it go to `diagnostics`, each naming its sheet and cell.
pub fn import(file: &InputPath, diagnostics: &mut Diagnostics) -> Option<WorkbookImport> {
    let shown = file.shown();
    let mut workbook = open(file, &shown, diagnostics)?;
    let mut sheet = |name: &'static str, diagnostics: &mut Diagnostics| match workbook
        .worksheet_range(name)
    {
        Ok(range) => Some(range),
        Err(error) => {
            diagnostics
                .error(
                    Some(Location::file(&shown)),
                    format!("the workbook has no readable sheet {name:?} ({error})"),
                )
                .hint("the Unit Cost Database v1.4 has the sheets Crime, Education & Skills, Employment & Economy, Fire, Health, Housing, Social Services and Lookups");
            None
        }
    };
    let lookups = sheet("Lookups", diagnostics).map(|range| Sheet {
        file: &shown,
        name: "Lookups",
        range,
    });
    let mut ranges = Vec::new();
    for name in THEMES {
        if let Some(range) = sheet(name, diagnostics) {
            ranges.push((name, range));
        }
    }
    let deflator = read_lookups(lookups.as_ref()?, diagnostics);
    let mut result = WorkbookImport {
        import: Import::default(),
        lines: Vec::new(),
        deflator: deflator?,
        checked: IndexMap::new(),
        mismatches: Vec::new(),
        not_updated: Vec::new(),
        uncoded_values: Vec::new(),
        uncoded_rows: Vec::new(),
    };
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    for (name, range) in ranges {
        let sheet = Sheet {
            file: &shown,
            name,
            range,
        };
        read_theme(&sheet, &mut result, &mut used_ids, diagnostics);
    }
    if diagnostics.has_errors() {
        return None;
    }
    // The workbook spells one agency `Local Authority` on 145 lines and `Local authority` on 25:
    // one spelling, as the CSV import keeps, so that a study is not warned of two agencies that
    // are one, from a table it cannot fix.
    let agencies = crate::costs::import_ucd::canonical_spellings(
        result.import.costs.iter().map(|cost| cost.agency.as_str()),
    );
    let details = crate::costs::import_ucd::canonical_spellings(
        result
            .import
            .costs
            .iter()
            .filter_map(|cost| cost.agency_detail.as_deref()),
    );
    for cost in &mut result.import.costs {
        if let Some(spelling) = agencies.get(&cost.agency) {
            cost.agency.clone_from(spelling);
        }
        if let Some(detail) = &mut cost.agency_detail
            && let Some(spelling) = details.get(detail.as_str())
        {
            detail.clone_from(spelling);
        }
    }
    crate::costs::import_ucd::finish(&mut result.import);
    check_updated(&mut result, diagnostics);
    Some(result)
}

/// Checks the two header rows, so that a sheet laid out differently is an error at the cell that
/// differs rather than a table of wrong figures.
fn check_headers(sheet: &Sheet<'_>, diagnostics: &mut Diagnostics) -> bool {
    let expected: [(u32, u32, &str); 15] = [
        (0, 2, "cost code"),
        (1, 5, "level 1"),
        (1, 6, "level 2"),
        (1, 7, "estimated cost/saving"),
        (1, 8, "year"),
        (1, 9, "updated cost/saving"),
        (1, 10, "estimated cost/saving"),
        (1, 11, "year"),
        (1, 12, "updated cost/saving"),
        (1, 13, "estimated cost/saving"),
        (1, 14, "year"),
        (1, 15, "updated cost/saving"),
        (0, 16, "original source"),
        (0, 17, "rag assessment"),
        (0, 18, "comment"),
    ];
    let mut good = true;
    for (row, column, header) in expected {
        let found = sheet.text(row, column);
        let normal: String = found
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if normal.replace("/ ", "/") != header {
            diagnostics
                .error(
                    Some(sheet.location(row, column)),
                    format!("expected the header {header:?} here, found {found:?}"),
                )
                .hint("this is not the layout of the Unit Cost Database v1.4 theme sheets (two header rows, cost code in column C)");
            good = false;
        }
    }
    good
}

fn read_theme(
    sheet: &Sheet<'_>,
    result: &mut WorkbookImport,
    used_ids: &mut HashMap<String, usize>,
    diagnostics: &mut Diagnostics,
) {
    if !check_headers(sheet, diagnostics) {
        return;
    }
    for row in 2..=sheet.last_row() {
        let code = sheet.text(row, 2);
        if code.is_empty() {
            let has_value = VALUE_COLUMNS
                .iter()
                .any(|&(_, column)| !sheet.text(row, column as u32).is_empty());
            if has_value {
                result.uncoded_values.push((
                    sheet.cell(row, 2),
                    crate::costs::import_ucd::join_description(&sheet.text(row, 3)),
                ));
            } else if (0..21).any(|column| !sheet.text(row, column).is_empty()) {
                result.uncoded_rows.push(sheet.cell(row, 2));
            }
            continue;
        }
        result.import.lines_read += 1;
        let mut values = IndexMap::new();
        let mut bad = false;
        for (kind, first) in VALUE_COLUMNS {
            let first = first as u32;
            let estimate = match number(sheet.get(row, first)) {
                Ok(estimate) => estimate,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first)),
                        format!("the {} value of {code}: {message}", kind.name()),
                    );
                    bad = true;
                    continue;
                }
            };
            let Some(estimate) = estimate else { continue };
            let year_text = sheet.text(row, first + 1);
            let year = match year_text.parse::<PriceYear>() {
                Ok(year) => year,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first + 1)),
                        format!(
                            "the {} value of {code} has no usable year ({message})",
                            kind.name()
                        ),
                    );
                    bad = true;
                    continue;
                }
            };
            let updated = match number(sheet.get(row, first + 2)) {
                Ok(updated) => updated,
                Err(message) => {
                    diagnostics.error(
                        Some(sheet.location(row, first + 2)),
                        format!("the updated {} value of {code}: {message}", kind.name()),
                    );
                    bad = true;
                    continue;
                }
            };
            // The updated formula is IF(estimate > 0, ..., ""): a 0 estimate has no updated
            // value. An .xls that LibreOffice writes from the .xlsx holds that blank result as
            // the number 0 (Crime!J178, CR8.18.5's), so a 0 there is the same blank, not a cost
            // the workbook updated to £0.
            let updated = updated.filter(|updated| !(estimate.is_zero() && updated.is_zero()));
            values.insert(
                kind.name(),
                Value {
                    estimate,
                    year,
                    updated,
                    updated_cell: sheet.cell(row, first + 2),
                },
            );
        }
        if bad {
            continue;
        }
        let optional = |column: u32| {
            Some(sheet.text(row, column)).filter(|text| !text.is_empty() && text != "-")
        };
        let grade = optional(17);
        let name = crate::costs::import_ucd::join_description(&sheet.text(row, 3));
        result.lines.push(WorkbookLine {
            sheet: sheet.name.to_string(),
            code: code.clone(),
            values: values.clone(),
            grade: grade.clone(),
        });
        let Some(fiscal) = values.get("fiscal") else {
            let others: Vec<&str> = values.keys().copied().collect();
            result.import.skipped.push(Skipped {
                code: code.clone(),
                description: name,
                origin: sheet.location(row, 7),
                reason: if others.is_empty() {
                    "no value at all".to_string()
                } else {
                    format!(
                        "no fiscal value (a unit cost's cost is its fiscal value); its {} value is not imported",
                        others.join(" and ")
                    )
                },
            });
            continue;
        };
        // The workbook's updated formula leaves a 0 blank: it does not cost the line (the v1.2
        // import skips the same line, CR7.17.3 there, for the same reason).
        if fiscal.estimate.is_zero() && fiscal.updated.is_none() {
            result.import.skipped.push(Skipped {
                code: code.clone(),
                description: name,
                origin: sheet.location(row, 7),
                reason:
                    "a fiscal value of 0 and no updated value: the workbook does not cost the line"
                        .to_string(),
            });
            continue;
        }
        let (unit, unit_plural) = crate::costs::import_ucd::unit_of(&sheet.text(row, 4));
        let id = crate::costs::import_ucd::unique_id(&code, None, used_ids);
        result.import.costs.push(ImportedCost {
            id,
            code: code.clone(),
            name,
            category: format!("{} / {}", sheet.text(row, 0), sheet.text(row, 1)),
            agency: sheet.text(row, 5),
            agency_detail: optional(6),
            unit,
            unit_plural,
            cost: fiscal.estimate,
            economic: values
                .get("economic")
                .map(|value| (value.estimate, value.year)),
            social: values
                .get("social")
                .map(|value| (value.estimate, value.year)),
            price_year: fiscal.year,
            uprated_2013_14: None,
            confidence: grade,
            source: optional(16).map(|source| crate::costs::import_ucd::join_description(&source)),
            comment: optional(18)
                .map(|comment| crate::costs::import_ucd::join_description(&comment)),
            // The workbook has no URL column; where a source names its address, that is its URL.
            url: optional(16).and_then(|source| {
                source
                    .split_whitespace()
                    .find(|word| word.starts_with("http://") || word.starts_with("https://"))
                    .map(|url| url.trim_end_matches([')', '.', ',', ';']).to_string())
            }),
            components: Vec::new(),
            origin: sheet.location(row, 2),
        });
    }
}

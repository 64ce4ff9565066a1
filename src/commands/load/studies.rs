//! Reading the studies the command line names (or the quick run), refusing a STUDY that is
//! another kind of tfcalc input.

use crate::cli::StudyArgs;
use crate::diagnostic::{Diagnostics, Location, Problem, display_path};
use crate::input_path::ReadOptions;
use crate::money::parse_money;
use crate::pseudonym;
use crate::study::{QuickStudy, Study, StudyData, load_study};
use std::path::Path;

/// The studies named on the command line, or the quick run. Problems go to `diagnostics`.
pub fn read_studies(
    args: &StudyArgs,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) -> Vec<Study> {
    if let Some(key) = &options.pseudonymise
        && key.characters() < pseudonym::SHORT_KEY
    {
        diagnostics
            .warning(
                None,
                format!(
                    "the --pseudonymise key is only {} characters: whoever knows one family's id and pseudonym could find a short key by trying keys, and with it every family's id",
                    key.characters()
                ),
            )
            .hint(format!(
                "use a random key of {} or more characters (a password manager makes one), and keep it to give the same pseudonyms again",
                pseudonym::SHORT_KEY
            ));
    }
    if !args.before.is_empty() {
        let (before, after) = (&args.before, &args.after);
        if args.window_months == Some(0) {
            diagnostics
                .error(None, "--window-months 0 is a window of no time")
                .hint("give the length of each window in months, e.g. --window-months 6");
        }
        let mut amount = |text: &Option<String>, what: &str| {
            let text = text.as_deref()?;
            match parse_money(text) {
                Ok(amount) if amount < rust_decimal::Decimal::ZERO => {
                    diagnostics
                        .error(None, format!("--{what} {text} is negative, but it is a cost per family, so zero or more"))
                        .hint("write an amount such as 6208 or £6,208, or 0");
                    None
                }
                Ok(amount) => Some(amount),
                Err(error) => {
                    diagnostics
                        .error(None, format!("--{what} {text:?} is not an amount: {error}"))
                        .hint("write an amount such as 6208 or £6,208");
                    None
                }
            }
        };
        let quick = QuickStudy {
            before: before.clone(),
            after: after.clone(),
            unit_cost_tables: Vec::new(),
            intervention_per_family: amount(&args.intervention, "intervention"),
            counterfactual_per_family: amount(&args.counterfactual, "counterfactual"),
            window_months: args.window_months,
            name: args.name.clone(),
        };
        let study = quick.into_study();
        if let StudyData::Records { before, after, .. } = &study.data {
            crate::study::refuse_files_named_twice(before, after, diagnostics);
        }
        return vec![study];
    }
    if args.studies.is_empty() {
        diagnostics.push(Problem::error(None, "no study given").with_hint(
            "name a study file or folder (tfcalc report examples/hertfordshire-family-e), or give --before and --after CSVs",
        ));
        return Vec::new();
    }
    args.studies
        .iter()
        .filter_map(|path| {
            if refuse_other_kinds_of_file(path, diagnostics) {
                return None;
            }
            load_study(path, options.encoding, diagnostics)
        })
        .collect()
}

/// How much of a STUDY file is looked at to tell what kind of file it is: a unit-cost table's
/// `[table]` header and a CSV's header row come first, and a national extract given by mistake
/// must not be read whole to say so.
const KIND_SNIFF_BYTES: u64 = 1 << 20;

/// Refuses a STUDY that is another of tfcalc's inputs (a unit-cost table, a service-use or
/// intervention CSV), saying what it is and how to give it. Read as a study, it would only draw
/// TOML syntax errors about the wrong thing (`invalid TOML: expected '='` at a CSV header).
/// Returns whether it was refused.
fn refuse_other_kinds_of_file(argument: &Path, diagnostics: &mut Diagnostics) -> bool {
    use std::io::Read;
    let path = crate::study::study_file(argument);
    // Only a regular file: a pipe read here could not be read again as the study, and a missing
    // file is reported by the study reader with its own hint.
    if !std::fs::metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(&path)
        .and_then(|file| file.take(KIND_SNIFF_BYTES).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let shown = display_path(&path);
    let name = path
        .file_name()
        .map_or_else(|| shown.clone(), |name| name.to_string_lossy().into_owned());
    let location = Some(Location::file(shown.clone()));
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let columns: Vec<String> = first_line
        .split([',', '\t', ';'])
        .map(|column| column.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |column: &str| columns.iter().any(|found| found == column);
    let csv_extension = path.extension().is_some_and(|extension| {
        ["csv", "tsv"]
            .iter()
            .any(|csv| extension.eq_ignore_ascii_case(csv))
    });
    let csv_header = columns.len() >= 2 && has("family_id") && !first_line.contains('=');
    if csv_extension || csv_header {
        let (what, hint) = if has("family_id") && has("service") {
            // Named for the window its name suggests, so that the hint can be pasted.
            let (before, after, window) = if name.to_ascii_lowercase().contains("after") {
                ("before.csv".to_string(), shown.clone(), "after")
            } else {
                (shown.clone(), "after.csv".to_string(), "before")
            };
            (
                "a service-use CSV",
                format!(
                    "for a quick run give --before {before} --after {after}, or name it in a study's before or after ({window} = \"{name}\")"
                ),
            )
        } else if has("family_id") && has("amount") {
            (
                "an intervention CSV",
                format!("name it in a study's [intervention] section: file = \"{name}\""),
            )
        } else if has("agency") && (has("share") || has("amount")) {
            (
                "a funding CSV",
                format!("name it in a study's [intervention] section: funding = \"{name}\""),
            )
        } else {
            (
                "a CSV file",
                "STUDY is a study .toml file or a folder holding study.toml; service-use CSVs are given with --before and --after, or named in a study's before and after".to_string(),
            )
        };
        diagnostics
            .error(location, format!("this is {what}, not a study"))
            .hint(hint);
        return true;
    }
    let section = |header: &str| {
        text.lines()
            .any(|line| line.trim_start().starts_with(header))
    };
    if !section("[study]") && (section("[table]") || section("[[unit_cost]]")) {
        diagnostics
            .error(
                location,
                "this is a unit-cost table ([table] and [[unit_cost]] entries), not a study",
            )
            .hint(format!(
                "give it with --costs {shown} (tfcalc costs list --costs {shown} lists its costs), or name it in a study's unit_costs = [\"{name}\"]"
            ));
        return true;
    }
    false
}

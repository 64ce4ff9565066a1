//! Reading, checking and costing the studies a command names: shared by every command.

use super::report_warnings;
use crate::analysis::check as reconciliation;
use crate::cli::{GlobalArgs, StudyArgs};
use crate::costed::Costed;
use crate::costs::{CostBook, builtin};
use crate::diagnostic::{Diagnostics, Location, Problem, display_path};
use crate::input_path::{InputPath, ReadOptions};
use crate::intervention_file::read_intervention_file;
use crate::ledger::{self, RecordInputs, StudyInputs};
use crate::money::parse_money;
use crate::output::InputFiles;
use crate::pseudonym;
use crate::study::{QuickStudy, Study, StudyData, load_study};
use crate::uprating::{Deflator, SeriesGiven, Uprating, YearGiven};
use crate::usage::{Itemise, RejectedRows, read_study_usage};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file bad rows go to with `--skip-bad-rows`, unless `--rejects` names another.
pub const DEFAULT_REJECTS_FILE: &str = "tfcalc-rejects.csv";

pub fn read_options(global: &GlobalArgs) -> ReadOptions {
    ReadOptions {
        encoding: global.encoding,
        skip_bad_rows: global.skip_bad_rows,
        report_every_row: false,
        threads: global.threads,
        quiet: global.quiet,
        max_input_bytes: global.max_input_size,
        detailed_only: crate::logging::detailed_reader_forced(),
        pseudonymise: global.pseudonymise.as_deref().map(pseudonym::Key::new),
    }
}

/// Reads, checks and costs every study named on the command line (or the quick run). `itemise`
/// says whether families keep their lines, for statements.
pub fn cost_studies(
    args: &StudyArgs,
    global: &GlobalArgs,
    itemise: Itemise,
) -> anyhow::Result<Vec<Costed>> {
    cost_studies_with_tolerance(args, global, itemise, reconciliation::default_tolerance())
}

/// As [`cost_studies`], reconciling published money figures to within `tolerance`.
pub fn cost_studies_with_tolerance(
    args: &StudyArgs,
    global: &GlobalArgs,
    itemise: Itemise,
    tolerance: rust_decimal::Decimal,
) -> anyhow::Result<Vec<Costed>> {
    crate::output::set_quiet(global.quiet);
    refuse_rejects_as_output(global)?;
    let options = read_options(global);
    let mut diagnostics = Diagnostics::new();
    let studies = read_studies(args, &options, &mut diagnostics);
    report_warnings(&diagnostics, global);
    diagnostics.into_result()?;
    // Before a row is read: refusing after reading a national extract wastes the user's time.
    let files_read = refuse_to_overwrite_inputs(&studies, global)?;

    let mut costed = Vec::with_capacity(studies.len());
    let mut rejected = RejectedRows::default();
    for study in studies {
        let mut diagnostics = Diagnostics::new();
        let inputs = read_inputs(study, global, &options, itemise, &mut diagnostics);
        report_warnings(&diagnostics, global);
        diagnostics.into_result()?;
        let (inputs, set_aside) = inputs.expect("inputs are complete when there are no errors");
        rejected.append(set_aside)?;
        let started = std::time::Instant::now();
        let mut ledger = ledger::build(inputs)?;
        let mut agency_warnings = Diagnostics::new();
        std::mem::take(&mut ledger.agency_warnings)
            .into_iter()
            .for_each(|problem| agency_warnings.push(problem));
        report_warnings(&agency_warnings, global);
        log::debug!("ledger built in {:?}", started.elapsed());
        // The ids were replaced as they were read (in `read_inputs`).
        if options.pseudonymise.is_some() {
            pseudonym::mark_pseudonymised(&mut ledger);
        }
        costed.push(Costed::new(ledger, tolerance)?);
    }
    if global.skip_bad_rows {
        let path = rejects_path(global);
        let count = rejected.len();
        // The rejects file belongs to the last run: a run with no bad rows leaves one from an
        // earlier run holding only its header, rather than rows this run did not set aside.
        let stale = count == 0 && follow_links_is_file(&path);
        if count > 0 || stale {
            write_rejects(&path, rejected, &files_read)?;
        }
        if !global.quiet && count > 0 {
            eprintln!(
                "warning: {count} bad row{} set aside: written to {} with the reason for each",
                if count == 1 { "" } else { "s" },
                path.display()
            );
        } else if !global.quiet && stale {
            eprintln!(
                "note: no bad rows were set aside, so {} (from an earlier run) now holds only its header row",
                path.display()
            );
        }
    }
    Ok(costed)
}

/// Where `--skip-bad-rows` writes bad rows.
fn rejects_path(global: &GlobalArgs) -> PathBuf {
    global
        .rejects
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_REJECTS_FILE))
}

/// Whether `path` is, or links to, a regular file.
fn follow_links_is_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file())
}

/// The files a run writes besides its output, which the output must not replace: the rejects
/// file, with `--skip-bad-rows`.
pub fn written_files(global: &GlobalArgs) -> InputFiles {
    let mut files = InputFiles::new();
    if global.skip_bad_rows {
        files.add_written("the rejects file", rejects_path(global));
    }
    files
}

/// `--rejects` and `--output` naming one file would have the report replace the bad rows (or
/// the other way round): refused before any work.
fn refuse_rejects_as_output(global: &GlobalArgs) -> anyhow::Result<()> {
    if global.rejects.is_none() && !global.skip_bad_rows {
        return Ok(());
    }
    let rejects = rejects_path(global);
    if let Some(output) = &global.output
        && crate::output::same_destination(&rejects, output)
    {
        anyhow::bail!(
            "--output {} is also the rejects file{}: the report would replace the bad rows set aside; give --output and --rejects different files",
            output.display(),
            if global.rejects.is_some() {
                String::new()
            } else {
                format!(
                    " (--skip-bad-rows writes {DEFAULT_REJECTS_FILE} unless --rejects names another)"
                )
            }
        );
    }
    Ok(())
}

/// Adds the files `study` is read from: its study file, unit-cost tables, service-use files,
/// intervention file, funding file, deflator series and agency file. A built-in table or series,
/// named by its name, is no file.
pub fn study_input_files(study: &Study, files: &mut InputFiles) {
    if let Some(path) = &study.path {
        files.add("the study file", path);
    }
    let is_file = |input: &&InputPath| !builtin::is_name(&input.path.to_string_lossy());
    for table in study.unit_cost_tables.iter().filter(is_file) {
        files.add("the unit-cost table", &table.path);
    }
    if let Some(deflator) = study.deflator.as_ref().filter(is_file) {
        files.add("the deflator series", &deflator.path);
    }
    if let Some(agencies) = &study.agency_file {
        files.add("the agency file", &agencies.path);
    }
    if let StudyData::Records { before, after, .. } = &study.data {
        for input in before.iter().chain(after) {
            files.add("the service-use file", &input.path);
        }
    }
    if let Some(file) = &study.intervention.per_family_file {
        files.add("the intervention file", &file.path);
    }
    if let Some(file) = &study.funding_file {
        files.add("the funding file", &file.path);
    }
}

/// Refuses an `--output` or `--rejects` that is one of the files the studies (or `--costs`) are
/// read from, and returns those files.
pub fn refuse_to_overwrite_inputs(
    studies: &[Study],
    global: &GlobalArgs,
) -> anyhow::Result<InputFiles> {
    let mut inputs = InputFiles::new();
    for study in studies {
        study_input_files(study, &mut inputs);
    }
    for table in &global.costs {
        if !builtin::is_name(&table.to_string_lossy()) {
            inputs.add("the unit-cost table", table);
        }
    }
    if let Some(deflator) = global
        .deflator
        .as_ref()
        .filter(|deflator| !builtin::is_name(&deflator.to_string_lossy()))
    {
        inputs.add("the deflator series", deflator);
    }
    if let Some(output) = &global.output {
        inputs.refuse(output, "--output")?;
    }
    if global.skip_bad_rows || global.rejects.is_some() {
        inputs.refuse(&rejects_path(global), "--rejects")?;
    }
    *STUDY_INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = inputs.clone();
    Ok(inputs)
}

/// The files the last studies costed were read from: the output, written later from the ledger
/// (which does not keep the intervention file), is refused over any of them too.
static STUDY_INPUTS: std::sync::Mutex<InputFiles> = std::sync::Mutex::new(InputFiles::new());

/// See [`STUDY_INPUTS`].
pub fn study_inputs() -> InputFiles {
    STUDY_INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// The rejects file: each bad row with its file, line, column and reason, drawn as a table by the
/// CSV renderer (which makes it spreadsheet-safe) as the rows come.
fn write_rejects(path: &Path, rejected: RejectedRows, inputs: &InputFiles) -> anyhow::Result<()> {
    use crate::report::{Cell, Row};
    // Written as a stream into a temporary file beside the target, renamed when complete.
    crate::output::write_with(Some(path), "--rejects", inputs, |output| {
        let columns = ["file", "line", "column", "reason", "row"];
        // No money in it: the precision is never used.
        let mut writer =
            crate::report::csv::stream_table(&columns, crate::money::Precision::Pounds, output)?;
        rejected.for_each(|row| {
            writer.push(&Row::item(vec![
                Cell::Text(row.file),
                Cell::Count(row.line),
                row.column.map_or(Cell::Empty, Cell::Count),
                Cell::Text(row.reason),
                Cell::Text(row.row),
            ]))
        })?;
        writer.finish()?;
        Ok(())
    })
}

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

/// Loads a study's unit costs and records. Returns `None` if anything is wrong, with every problem
/// found in `diagnostics`.
/// Alongside the inputs come the rows set aside by `--skip-bad-rows`.
pub fn read_inputs(
    mut study: Study,
    global: &GlobalArgs,
    options: &ReadOptions,
    itemise: Itemise,
    diagnostics: &mut Diagnostics,
) -> Option<(StudyInputs, RejectedRows)> {
    let mut tables = study.unit_cost_tables.clone();
    tables.extend(global.costs.iter().map(InputPath::given));
    // A summary study's figures are published amounts, costed from no unit cost, so a price year
    // changes nothing in it: say so rather than print it as if it had, and do not uprate its
    // tables (which it reads only for agency names) into errors about costs it never uses.
    let summary = matches!(study.data, StudyData::Summary { .. });
    if summary {
        warn_of_price_year_on_summary(&study, global, diagnostics);
    }
    let named_deflator = global
        .deflator
        .as_ref()
        .map(InputPath::given)
        .or_else(|| study.deflator.clone());
    let series_given = match (&global.deflator, &study.deflator) {
        (Some(_), _) => SeriesGiven::Flag,
        (None, Some(_)) => SeriesGiven::Study,
        (None, None) => SeriesGiven::BuiltIn,
    };
    let deflator = load_deflator(
        named_deflator.clone(),
        &tables,
        options.encoding,
        diagnostics,
    )?;
    // Only a series the user named is shared with the earlier defaults' costing.
    let named_deflator = named_deflator.map(|_| deflator.clone());
    let named_deflator = named_deflator.as_ref();
    // `--price-year` wins over the study's own, which is then not used, so not checked.
    let target = match (global.price_year, study.price_year) {
        (Some(year), _) => Some((year, YearGiven::Flag)),
        (None, Some(year)) => Some((year, YearGiven::Study)),
        (None, None) => None,
    };
    let uprating = target
        .filter(|_| !summary)
        .map(|(target, given)| (Uprating::with(target, deflator.clone()), given));
    if let Some((uprating, given)) = &uprating {
        let study_file = study
            .path
            .as_deref()
            .map(|path| Location::file(display_path(path)));
        let location = match given {
            YearGiven::Study => study.price_year_at.clone().or(study_file),
            YearGiven::Flag => study_file,
        };
        if !uprating.check_target_given(location, *given, Some(series_given), diagnostics) {
            return None;
        }
    }
    let uprating = uprating.map(|(uprating, _)| uprating);
    let book = CostBook::load(&tables, uprating.as_ref(), options.encoding, diagnostics);
    if let Some(book) = &book {
        check_published_item_services(&study, book, diagnostics);
    }
    let mut rejected = RejectedRows::default();
    let records = match (&study.data, &book) {
        (StudyData::Records { before, after, .. }, Some(book)) => {
            let read = read_study_usage(before, after, book, options, itemise, diagnostics);
            rejected = read.rejected;
            let interventions = study
                .intervention
                .per_family_file
                .as_ref()
                .map(|path| read_intervention_file(path, options, diagnostics))
                .unwrap_or_default();
            let mut interventions = interventions;
            let mut usage = read.usage;
            warn_of_ids_differing_only_in_case(
                &study,
                &usage,
                &interventions,
                options,
                diagnostics,
            );
            warn_of_contradicted_composite_agencies(book, &usage, diagnostics);
            warn_of_mixed_price_years(&study, book, &usage, diagnostics);
            if book.is_by_default() {
                refuse_changed_defaults(&study, book, &usage, named_deflator, diagnostics);
            }
            // From here on, with a key, no raw id is held: not by the ledger, nor by any message
            // about a family that `check` or the costing may write.
            if let Some(key) = &options.pseudonymise {
                pseudonym::pseudonymise_records(&mut usage, &mut interventions, key);
            }
            Some(RecordInputs {
                usage,
                accounts: read.accounts,
                interventions,
            })
        }
        _ => None,
    };
    // Read after the cost book, which is not built once any error has been found: a mistake in
    // the funding file must not hide the others.
    if let Some(file) = &study.funding_file
        && let Some((funding, named_at)) = crate::funding::read_file(file, options, diagnostics)
    {
        study.funding = funding;
        study.funding_named_at = named_at;
    }
    if let Some(book) = &book {
        warn_of_unknown_funders(&study, book, diagnostics);
    }
    if diagnostics.has_errors() {
        return None;
    }
    let inputs = StudyInputs {
        study,
        book: Arc::new(book?),
        records,
    };
    Some((inputs, rejected))
}

/// The deflator series to uprate with: `--deflator`, else the study's `deflator`, else the series
/// published with the first database table loaded. Either may name a built-in series
/// (`hmt-gdp-deflator-2024`) or a file. A named file is read even if nothing is uprated, so that
/// `check` finds its mistakes.
pub fn load_deflator(
    named: Option<InputPath>,
    tables: &[InputPath],
    encoding: crate::text_file::Encoding,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<Deflator>> {
    let Some(input) = named else {
        // A table is known by its name, or by its file's name without `.toml`:
        // `unit-costs/ucd-v1.4.toml` is v1.4. (Not `file_stem`, which makes `ucd-v1.4` "ucd-v1".)
        let stems: Vec<String> = tables
            .iter()
            .filter_map(|table| {
                let name = table.path.file_name()?.to_string_lossy();
                let stem = match name.len().checked_sub(".toml".len()) {
                    Some(end)
                        if name.is_char_boundary(end)
                            && name[end..].eq_ignore_ascii_case(".toml") =>
                    {
                        &name[..end]
                    }
                    _ => &name,
                };
                Some(stem.to_string())
            })
            .collect();
        let builtin = builtin::deflator_for_tables(stems.iter().map(String::as_str));
        return Some(Arc::new(parse_builtin_deflator(builtin)));
    };
    let written = input.path.to_string_lossy();
    if builtin::is_name(&written) {
        let Some(builtin) = builtin::deflator_by_name(&written) else {
            let nearest = crate::suggest::did_you_mean(
                &written,
                builtin::DEFLATORS.iter().map(|deflator| deflator.name),
            )
            .map(|suggestion| format!("{suggestion} "))
            .unwrap_or_default();
            diagnostics
                .error(
                    Some(
                        input
                            .named_at
                            .clone()
                            .unwrap_or_else(|| Location::file(input.shown())),
                    ),
                    format!("`{written}` is not the name of a built-in deflator series"),
                )
                .hint(format!(
                    "{nearest}the built-in series are {}; a file of your own is named with its \
                     .toml ending or a folder, such as \"{written}.toml\" or \"./{written}\"",
                    builtin::known_deflator_names()
                ));
            return None;
        };
        return Some(Arc::new(parse_builtin_deflator(builtin)));
    }
    let text = input.read_string("deflator series", encoding, diagnostics)?;
    Deflator::parse(&input.shown(), &text, diagnostics).map(Arc::new)
}

/// A series compiled into the binary, which a test holds valid.
fn parse_builtin_deflator(builtin: &builtin::BuiltinDeflator) -> Deflator {
    let mut diagnostics = Diagnostics::new();
    Deflator::parse(
        &format!("{} (built in)", builtin.file),
        builtin.text,
        &mut diagnostics,
    )
    .expect("every built-in deflator series is valid")
}

/// `--price-year`, or a study's own `price_year`, given for a summary study: warned of, not
/// refused, since one run may cost summary and records studies together, and the price year is
/// right for the others.
fn warn_of_price_year_on_summary(
    study: &Study,
    global: &GlobalArgs,
    diagnostics: &mut Diagnostics,
) {
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    // Problems escape what they quote when they are drawn, so the name goes in as written.
    let shown_name = &study.name;
    if let Some(year) = global.price_year {
        diagnostics
            .warning(
                location.clone(),
                format!(
                    "--price-year {year} does not apply to \"{shown_name}\": it is a summary study, whose figures are published amounts rather than costed from unit costs, so they stay as published"
                ),
            )
            .hint("uprate a summary study's figures before entering them; --price-year uprates the unit costs of studies with service-use records");
    }
    if let Some(year) = study.price_year {
        diagnostics
            .warning(
                location,
                format!(
                    "price_year = \"{year}\" does not apply to \"{shown_name}\": it is a summary study, whose figures are published amounts rather than costed from unit costs, so nothing in it is uprated"
                ),
            )
            .hint("remove price_year from the study, and give its figures in the prices they are to be read in");
    }
}

/// A funding agency that bears none of the study's costs and has no benefit is a row of the
/// agency table with funding and nothing else: right for a funder that gains nothing, and wrong
/// for a misspelt one ("Polic"), whose real row then shows a benefit it did not pay for. Warn,
/// naming the nearest known agencies; a name that differs only in case, spacing or punctuation
/// from a cost agency's gets its own wording.
fn warn_of_unknown_funders(study: &Study, book: &CostBook, diagnostics: &mut Diagnostics) {
    let funders = match &study.funding {
        crate::study::Funding::Shares(shares) => shares.keys().collect::<Vec<_>>(),
        crate::study::Funding::Amounts(amounts) => amounts.keys().collect(),
        crate::study::Funding::Unstated => return,
    };
    let mut known: Vec<&str> = book.agencies().iter().map(String::as_str).collect();
    if let StudyData::Summary { benefit, .. } = &study.data {
        known.extend(benefit.by_agency.keys().map(String::as_str));
    }
    known.extend(study.published.agencies.keys().map(String::as_str));
    let study_location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    for funder in funders {
        if known.contains(&funder.as_str()) {
            continue;
        }
        let location = study
            .funding_named_at
            .get(funder)
            .cloned()
            .or_else(|| study_location.clone());
        let key = crate::costs::book::agency_key(funder);
        if let Some(agency) = book
            .agencies()
            .iter()
            .find(|agency| crate::costs::book::agency_key(agency) == key)
        {
            diagnostics
                .warning(
                    location,
                    format!(
                        "funding agency \"{funder}\" differs from the cost agency \"{agency}\" only in case, spacing or punctuation; they are counted as two agencies"
                    ),
                )
                .hint("spell the agency the same way in the study and the unit-cost table");
            continue;
        }
        let hint = match crate::suggest::did_you_mean(funder, known.iter().copied()) {
            Some(suggestion) => format!("{suggestion} Agencies are named as the unit costs (and any benefit by agency) name them"),
            None => "no known agency is near it; `tfcalc costs agencies` lists the agencies of the unit costs".to_string(),
        };
        diagnostics
            .warning(
                location,
                format!(
                    "funding agency \"{funder}\" bears none of the study's unit costs and has no benefit: its row of the agency table would be funding alone"
                ),
            )
            .hint(hint);
    }
}

/// Family ids that differ only in case are two families, as tfcalc compares ids exactly: say so,
/// with a few of them, since one family typed two ways would be counted twice.
fn warn_of_ids_differing_only_in_case(
    study: &Study,
    usage: &crate::usage::StudyUsage,
    interventions: &crate::intervention_file::FamilyInterventions,
    options: &ReadOptions,
    diagnostics: &mut Diagnostics,
) {
    let ids = usage
        .families
        .iter()
        .map(|family| &*family.family_id)
        .chain(interventions.keys().map(String::as_str));
    let started = std::time::Instant::now();
    let groups = crate::family_ids::differing_only_in_case(ids);
    log::debug!("family ids compared for case in {:?}", started.elapsed());
    if groups.is_empty() {
        return;
    }
    const GROUPS_SHOWN: usize = 5;
    let mut named = groups
        .iter()
        .take(GROUPS_SHOWN)
        .map(|group| {
            // Compared as read (pseudonyms of ids that differ in case do not), shown as the
            // outputs show them.
            let shown: Vec<_> = group
                .iter()
                .map(|id| pseudonym::shown(options.pseudonymise.as_ref(), id))
                .collect();
            match shown.as_slice() {
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    if groups.len() > GROUPS_SHOWN {
        named.push_str(&format!("; and {} more", groups.len() - GROUPS_SHOWN));
    }
    let location = match (&study.path, &study.data) {
        (Some(path), _) => Some(Location::file(display_path(path))),
        (None, StudyData::Records { before, after, .. }) => Some(Location::file(
            before
                .iter()
                .chain(after)
                .map(InputPath::shown)
                .collect::<Vec<_>>()
                .join(", "),
        )),
        (None, _) => None,
    };
    let count = groups.len() as u64;
    diagnostics
        .warning(
            location,
            format!(
                "{count} {} of family ids {} only in case, and each id is counted as a family of its own: {named}",
                crate::diagnostic::plural(count, "set", "sets"),
                crate::diagnostic::plural(count, "differs", "differ"),
            ),
        )
        .hint(format!(
            "if they are one family, spell its id the same way in every file: ids are compared exactly{}",
            if options.pseudonymise.is_some() { pseudonym::TO_SEE_THE_IDS } else { "" }
        ));
}

/// A composite used by the study whose own `agency` bears none of its cost: the agency tables
/// put the cost with the components' agencies, which is right, and the table says another,
/// which a reader of the table would believe. Warned of only when used, because the Unit Cost
/// Database labels some headlines "Multiple" or "Criminal Justice System" for agencies its
/// components name one by one, and every study would otherwise repeat them.
fn warn_of_contradicted_composite_agencies(
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    diagnostics: &mut Diagnostics,
) {
    let [before, after] = &usage.services_used;
    for (index, service) in book.services().iter().enumerate() {
        // A read that failed leaves no record of services used (its errors are reported).
        let used = |window: &[bool]| window.get(index).copied().unwrap_or(false);
        if !(used(before) || used(after)) {
            continue;
        }
        let Some(stated) = book.contradicted_agency(service) else {
            continue;
        };
        diagnostics
            .warning(
                Some(service.definition.origin.clone()),
                format!(
                    "composite `{}` gives agency \"{stated}\", but its cost goes to its components' agencies ({}), and the agency tables follow them",
                    service.definition.id,
                    book.bearers(service)
                ),
            )
            .hint("make the composite's agency one that bears its cost, or leave it out: its components decide who bears it");
    }
}

/// Costs in different price years, added without uprating, sum pounds of different value: £100
/// of 2002/03 bought nearly a third more than £100 of 2014/15. Not an error, since a study may
/// knowingly report costs as published, but the span is named so that it is a choice.
fn warn_of_mixed_price_years(
    study: &Study,
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    diagnostics: &mut Diagnostics,
) {
    if book.uprating().is_some() {
        return;
    }
    let [before, after] = &usage.services_used;
    let mut counts = std::collections::BTreeMap::new();
    for (index, service) in book.services().iter().enumerate() {
        let used = |window: &[bool]| window.get(index).copied().unwrap_or(false);
        if let Some(year) = service.definition.price_year
            && (used(before) || used(after))
        {
            *counts.entry(year).or_insert(0usize) += 1;
        }
    }
    let (Some((earliest, first_count)), Some((latest, last_count))) =
        (counts.first_key_value(), counts.last_key_value())
    else {
        return;
    };
    if earliest == latest {
        return;
    }
    let plural = |count: usize| if count == 1 { "cost" } else { "costs" };
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    diagnostics
        .warning(
            location,
            format!(
                "\"{}\" adds costs from {} price years without uprating them: from {earliest} ({first_count} {}) to {latest} ({last_count} {}), so its totals mix pounds of different value",
                study.name,
                counts.len(),
                plural(*first_count),
                plural(*last_count),
            ),
        )
        .hint(format!(
            "uprate every cost to one price year: add price_year = \"{latest}\" to the study's [study], or give --price-year {latest}"
        ));
}

/// A file that names no table, and uses services the default tables now cost differently from
/// the earlier defaults, is refused rather than given new figures in silence.
fn refuse_changed_defaults(
    study: &Study,
    book: &CostBook,
    usage: &crate::usage::StudyUsage,
    named_deflator: Option<&Arc<Deflator>>,
    diagnostics: &mut Diagnostics,
) {
    let [before, after] = &usage.services_used;
    let used = |index: usize| {
        before.get(index).copied().unwrap_or(false) || after.get(index).copied().unwrap_or(false)
    };
    let changed = crate::costs::earlier_default::changed_services(book, used, named_deflator);
    let location = study
        .path
        .as_deref()
        .map(|path| Location::file(display_path(path)));
    let command_line = study.path.is_none();
    crate::costs::earlier_default::refuse_changed(&changed, location, command_line, diagnostics);
}

/// A published line item names unit costs to be reconciled against; one the cost book does not
/// have is a typing mistake to be told of at its line, with the nearest ids, not a row that
/// "cannot be computed" in the reconciliation.
fn check_published_item_services(study: &Study, book: &CostBook, diagnostics: &mut Diagnostics) {
    for item in &study.published.items {
        let crate::study::ItemCovers::Services(services) = &item.covers else {
            continue;
        };
        for (id, location) in services {
            if book.lookup(id).is_some() {
                continue;
            }
            let problem = diagnostics.error(
                Some(location.clone()),
                format!(
                    "the published item \"{}\" names the unknown service `{id}`",
                    item.label
                ),
            );
            match book.suggest(id) {
                Some(guess) => problem.hint(guess),
                None => {
                    problem.hint("services are unit-cost ids; `tfcalc costs list` shows them all")
                }
            };
        }
    }
}

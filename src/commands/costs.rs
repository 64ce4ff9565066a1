//! `tfcalc costs`: browse, search and import unit-cost tables.

use super::{emit_document, emit_wrapped_document, report_warnings};
use crate::cli::{CostsCommand, CostsListArgs};
use crate::commands::RunConfig;
use crate::costs::import_ucd;
use crate::costs::import_ucd_workbook;
use crate::costs::{CostBook, Service, builtin};
use crate::diagnostic::{Diagnostics, Problem};
use crate::input_path::InputPath;
use crate::output::InputFiles;
use crate::report::{Document, views};
use crate::uprating::Uprating;
use std::process::ExitCode;

pub fn run(command: &CostsCommand, config: &RunConfig) -> anyhow::Result<ExitCode> {
    crate::output::set_quiet(config.quiet);
    match command {
        CostsCommand::List(args) => list(args, config),
        CostsCommand::Show { id } => show(id, config),
        CostsCommand::Agencies => agencies(config),
        CostsCommand::ImportUcd { files } => import(files, config),
    }
}

/// The tables named with --costs and the --deflator series, which output must not replace
/// (a built-in one, named by its name, is no file).
fn cost_tables(config: &RunConfig) -> InputFiles {
    let mut files = InputFiles::new();
    let is_file = |path: &&std::path::PathBuf| !builtin::is_name(&path.to_string_lossy());
    for table in config.args.costs.iter().filter(is_file) {
        files.add("the unit-cost table", table);
    }
    if let Some(deflator) = config.args.deflator.as_ref().filter(is_file) {
        files.add("the deflator series", deflator);
    }
    files
}

/// The tables named with --costs, or the built-in ones.
fn load_book(config: &RunConfig) -> anyhow::Result<CostBook> {
    // Refused before the tables are read, as every command refuses.
    if let Some(output) = &config.output {
        cost_tables(config).refuse(output, "--output")?;
    }
    let mut diagnostics = Diagnostics::new();
    let paths: Vec<InputPath> = config.args.costs.iter().map(InputPath::given).collect();
    // `--deflator` replaces the series here as in a study's costing, and with none named the
    // series is the one published with the tables shown.
    let deflator = super::load::load_deflator(
        config.args.deflator.as_ref().map(InputPath::given),
        &paths,
        config.read.encoding,
        &mut diagnostics,
    );
    if diagnostics.has_errors() {
        report_warnings(&diagnostics, config);
        return Err(diagnostics.into_result().err().map_or_else(
            || anyhow::anyhow!("the deflator series cannot be read"),
            anyhow::Error::from,
        ));
    }
    let uprating = config
        .args
        .price_year
        .zip(deflator)
        .map(|(year, deflator)| Uprating::with(year, deflator));
    let book = CostBook::load(
        &paths,
        uprating.as_ref(),
        config.read.encoding,
        &mut diagnostics,
    );
    report_warnings(&diagnostics, config);
    diagnostics.into_result()?;
    Ok(book.expect("a cost book loads when there are no errors"))
}

fn list(args: &CostsListArgs, config: &RunConfig) -> anyhow::Result<ExitCode> {
    let book = load_book(config)?;
    let words: Vec<String> = args
        .search
        .iter()
        .flat_map(|search| search.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    let agency = args.agency.as_deref().map(str::to_lowercase);
    let keep = |service: &Service| {
        let definition = &service.definition;
        let bears = |wanted: &str| {
            let mut agencies = service
                .agency_split
                .iter()
                .map(|(id, _)| book.agency_name(*id).to_lowercase());
            agencies.any(|name| name.contains(wanted))
                || definition
                    .agency
                    .as_deref()
                    .is_some_and(|name| name.to_lowercase().contains(wanted))
                || definition
                    .agency_detail
                    .as_deref()
                    .is_some_and(|detail| detail.to_lowercase().contains(wanted))
        };
        let text = [
            Some(definition.id.as_str()),
            Some(definition.name.as_str()),
            definition.code.as_deref(),
            definition.category.as_deref(),
            definition.source.as_deref(),
            definition.comment.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
        agency.as_deref().is_none_or(bears)
            && args
                .confidence
                .is_none_or(|grade| definition.confidence == Some(grade))
            && words.iter().all(|word| text.contains(word.as_str()))
    };
    let document = Document {
        title: "Unit costs".to_string(),
        charts: Vec::new(),
        tables: vec![views::cost_list(&book, &keep)],
    };
    emit_document(&document, config, &cost_tables(config))?;
    Ok(ExitCode::SUCCESS)
}

/// The width `costs show` wraps to when piped with no `COLUMNS`: its source and comment run to
/// thousands of characters, which a pager shows as one endless line. Unlike a wide table, a field
/// is read, not grepped by row, so wrapping it costs nothing.
const SHOW_PIPED_WIDTH: u16 = 100;

fn show(wanted: &str, config: &RunConfig) -> anyhow::Result<ExitCode> {
    let book = load_book(config)?;
    let service_id = find_cost(&book, wanted)?;
    let id = &book.service(service_id).definition.id;
    let document = Document {
        title: format!("Unit cost {id}"),
        charts: Vec::new(),
        tables: views::cost_detail(&book, book.service(service_id)),
    };
    emit_wrapped_document(&document, config, &cost_tables(config), SHOW_PIPED_WIDTH)?;
    if let Some(earlier) =
        crate::costs::earlier_default::earlier_meaning(&book, book.service(service_id))
        && !config.quiet
    {
        eprintln!("note: {}", crate::display_text::line(&earlier));
    }
    Ok(ExitCode::SUCCESS)
}

/// The cost `costs show` asks for: by its id, or by its database code in any case (`CR2.0`, as
/// the Unit Cost Database and the papers that cite it write it, or `cr2.0`). A code on several
/// lines of the database is not guessed between: the error lists their ids.
fn find_cost(book: &CostBook, wanted: &str) -> anyhow::Result<crate::costs::ServiceId> {
    if let Some(found) = book.lookup(wanted) {
        return Ok(found);
    }
    let folded = wanted.trim().to_lowercase();
    let by_id = book
        .services()
        .iter()
        .position(|service| service.definition.id.to_lowercase() == folded);
    let by_code: Vec<usize> = book
        .services()
        .iter()
        .enumerate()
        .filter(|(_, service)| {
            service
                .definition
                .code
                .as_deref()
                .is_some_and(|code| code.trim().to_lowercase() == folded)
        })
        .map(|(index, _)| index)
        .collect();
    let found = match (by_id, by_code.as_slice()) {
        (Some(index), _) | (None, &[index]) => Some(index),
        (None, []) => None,
        (None, several) => {
            let ids: Vec<String> = several
                .iter()
                .map(|&index| format!("`{}`", book.services()[index].definition.id))
                .collect();
            let problem = Problem::error(
                None,
                format!(
                    "the code `{wanted}` is on {} unit costs: {}",
                    several.len(),
                    ids.join(", ")
                ),
            )
            .with_hint(
                "give one of their ids, e.g. tfcalc costs show ".to_string()
                    + &ids[0].replace('`', ""),
            );
            return Err(crate::diagnostic::InputErrors::from(problem).into());
        }
    };
    if let Some(index) = found {
        return Ok(book
            .lookup(&book.services()[index].definition.id)
            .expect("a listed service has its id"));
    }
    let hint = book.suggest(&folded).unwrap_or_else(|| {
        "`tfcalc costs list --search WORDS` finds unit costs by name".to_string()
    });
    let problem = Problem::error(
        None,
        format!("no unit cost has the id `{wanted}`, nor that database code"),
    )
    .with_hint(hint);
    Err(crate::diagnostic::InputErrors::from(problem).into())
}

fn agencies(config: &RunConfig) -> anyhow::Result<ExitCode> {
    let book = load_book(config)?;
    let document = Document {
        title: "Agencies".to_string(),
        charts: Vec::new(),
        tables: vec![views::agency_list(&book)],
    };
    emit_document(&document, config, &cost_tables(config))?;
    Ok(ExitCode::SUCCESS)
}

fn import(files: &[std::path::PathBuf], config: &RunConfig) -> anyhow::Result<ExitCode> {
    let mut exports = InputFiles::new();
    for file in files {
        exports.add("the Unit Cost Database export", file);
    }
    // An output over an export is the worse mistake, so it is the one named first.
    if let Some(output) = &config.output {
        exports.refuse(output, "--output")?;
    }
    refuse_other_formats(config)?;
    if files
        .iter()
        .any(|file| import_ucd_workbook::is_workbook(file))
    {
        return import_workbook(files, config, &exports);
    }
    let mut diagnostics = Diagnostics::new();
    let inputs: Vec<InputPath> = files.iter().map(InputPath::given).collect();
    let imported = import_ucd::import(&inputs, &mut diagnostics);
    report_warnings(&diagnostics, config);
    diagnostics.into_result()?;
    let sources: Vec<String> = files
        .iter()
        .map(|file| {
            file.file_name().map_or_else(
                || file.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let table = import_ucd::to_toml(&imported, &sources);

    // The table must load as it will be used: check it before writing it anywhere.
    let mut check = Diagnostics::new();
    let parsed = crate::costs::table::parse_table("imported table", &table, false, &mut check);
    let _ = CostBook::from_tables(parsed.into_iter().collect(), None, &mut check);
    if check.has_errors() {
        anyhow::bail!(
            "internal error: the imported table does not load: {:?}",
            check.problems()
        );
    }
    crate::output::emit(
        table.as_bytes(),
        config.output.as_deref(),
        "--output",
        &exports,
    )?;
    if !config.quiet {
        eprint!("{}", import_ucd::summary(&imported));
        if let Some(output) = &config.output {
            eprintln!("Wrote {}.", output.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports the database workbook (v1.4): the table, and its deflator series as a file of its own
/// beside the table, written together (all or none).
fn import_workbook(
    files: &[std::path::PathBuf],
    config: &RunConfig,
    exports: &InputFiles,
) -> anyhow::Result<ExitCode> {
    let [file] = files else {
        anyhow::bail!(
            "costs import-ucd reads one workbook, or the CSV exports of its theme sheets, not both or several workbooks: give the .xlsx (or .xls) alone"
        );
    };
    let mut diagnostics = Diagnostics::new();
    let imported = import_ucd_workbook::import(&InputPath::given(file), &mut diagnostics);
    report_warnings(&diagnostics, config);
    diagnostics.into_result()?;
    let Some(imported) = imported else {
        anyhow::bail!("internal error: the workbook import failed without saying why");
    };
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let table_name = config.output.as_deref().map_or_else(
        || "ucd.toml".to_string(),
        |output| {
            output.file_name().map_or("ucd.toml".into(), |name| {
                name.to_string_lossy().into_owned()
            })
        },
    );
    let deflator_name = import_ucd_workbook::deflator_path(std::path::Path::new(&table_name))
        .display()
        .to_string();
    let table = import_ucd_workbook::to_toml(&imported, &source, &deflator_name);
    let mut check = Diagnostics::new();
    let parsed = crate::costs::table::parse_table("imported table", &table, false, &mut check);
    let _ = CostBook::from_tables(parsed.into_iter().collect(), None, &mut check);
    if check.has_errors() {
        anyhow::bail!(
            "internal error: the imported table does not load: {:?}",
            check.problems()
        );
    }
    let deflator = imported.deflator.to_toml(&source, &table_name);
    match &config.output {
        Some(output) => {
            let deflator_path = import_ucd_workbook::deflator_path(output);
            let mut set = crate::output::FileSet::new("--output", exports);
            set.write(output, |writer| Ok(writer.write_all(table.as_bytes())?))?;
            set.write(&deflator_path, |writer| {
                Ok(writer.write_all(deflator.as_bytes())?)
            })?;
            set.commit()?;
            if !config.quiet {
                eprint!("{}", import_ucd_workbook::summary(&imported));
                eprintln!(
                    "Wrote {} and its deflator series {}.",
                    output.display(),
                    deflator_path.display()
                );
            }
        }
        None => {
            crate::output::emit(table.as_bytes(), None, "--output", exports)?;
            if !config.quiet {
                eprint!("{}", import_ucd_workbook::summary(&imported));
                eprintln!(
                    "The deflator series is written only with --output (beside the table, as gdp-deflator-NAME.toml)."
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The import writes a unit-cost table, which is TOML whatever else is asked: `--format json`, or
/// `--output ucd.json`, would be a TOML file under a name that says otherwise, so both are refused
/// before the exports are read.
fn refuse_other_formats(config: &RunConfig) -> anyhow::Result<()> {
    if let Some(format) = config.args.format {
        anyhow::bail!(
            "costs import-ucd writes a unit-cost table, which is TOML, so --format {} does not apply: leave out --format, and name the file with --output NAME.toml",
            super::format_name(format)
        );
    }
    let Some(output) = config.output.as_deref() else {
        return Ok(());
    };
    if super::is_folder(output) {
        anyhow::bail!(
            "--output {} is a folder, but costs import-ucd writes one unit-cost table: give a file name, such as --output {}",
            output.display(),
            output.join("ucd.toml").display()
        );
    }
    match output.extension().and_then(|extension| extension.to_str()) {
        None => Ok(()),
        Some(extension) if extension.eq_ignore_ascii_case("toml") => Ok(()),
        Some(extension) => anyhow::bail!(
            "--output {} names a .{extension} file, but costs import-ucd writes a unit-cost table, which is TOML: name it {} (then load it with --costs or a study's unit_costs)",
            output.display(),
            output.with_extension("toml").display()
        ),
    }
}

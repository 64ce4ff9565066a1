//! The files a study names: each window's service-use files (one, several, or a worksheet), the
//! one file a key such as `file` or `funding` names, and the check that no file is named twice.

use super::super::file_format::RawFiles;
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::toml_input::Source;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The files of a window: `before = "before.csv"`, or a list of names for a window split over
/// several files (monthly extracts, say), whose rows add up as if they were one file.
pub(super) fn window_files(
    source: &Source<'_>,
    key: &str,
    value: &Spanned<RawFiles>,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<InputPath> {
    let location = source.location(value);
    let names: Vec<(Option<FileEntry<'_>>, Location)> = match value.get_ref() {
        RawFiles::One(name) => vec![(Some((name.as_str(), None)), location.clone())],
        RawFiles::Sheet(table) => vec![(file_and_sheet(table), location.clone())],
        RawFiles::Many(names) => names
            .iter()
            .map(|name| {
                let entry = match name.get_ref() {
                    toml::Value::String(name) => Some((name.as_str(), None)),
                    toml::Value::Table(table) => file_and_sheet(table),
                    _ => None,
                };
                (entry, source.location(name))
            })
            .collect(),
        RawFiles::Other => vec![(None, location.clone())],
    };
    let mut files = Vec::new();
    let mut refused = false;
    for (entry, named_at) in names {
        match resolve_entry(key, entry, named_at, folder, diagnostics) {
            Resolved::File(input) => files.push(input),
            Resolved::Refused => refused = true,
            Resolved::NotAFile(named_at) => {
                refused = true;
                diagnostics
                    .error(
                        Some(named_at),
                        format!("`{key}` must be a file name, a worksheet, or a list of them"),
                    )
                    .hint(format!(
                        "write {key} = \"{key}.csv\", {key} = {{ file = \"extract.xlsx\", sheet = \"{key}\" }}, or {key} = [\"{key}-1.csv\", \"{key}-2.csv\"]"
                    ));
            }
        }
    }
    if files.is_empty() && !refused {
        diagnostics
            .error(Some(location), format!("`{key}` names no files"))
            .hint(format!("write {key} = \"{key}.csv\""));
    }
    files
}

/// A window's file entry: the file name and, for a worksheet, the sheet.
pub(super) type FileEntry<'a> = (&'a str, Option<&'a str>);

/// A worksheet entry, `{ file = "extract.xlsx", sheet = "Before" }` (`sheet` optional: the first
/// sheet), as its file and sheet; `None` for any other table.
fn file_and_sheet(table: &toml::Table) -> Option<FileEntry<'_>> {
    if table.keys().any(|key| key != "file" && key != "sheet") {
        return None;
    }
    let file = table.get("file")?.as_str()?;
    let sheet = match table.get("sheet") {
        None => None,
        Some(sheet) => Some(sheet.as_str().filter(|sheet| !sheet.is_empty())?),
    };
    Some((file, sheet))
}

/// A file entry, resolved.
pub(super) enum Resolved {
    File(InputPath),
    /// Refused, with the error recorded.
    Refused,
    /// Not a file name or a worksheet at all: the caller's message says what its key may hold.
    NotAFile(Location),
}

/// Resolves one file entry, written at `named_at`, against the study's folder. A sheet named for
/// a file that is not a workbook is refused here, for every key alike.
pub(super) fn resolve_entry(
    key: &str,
    entry: Option<FileEntry<'_>>,
    named_at: Location,
    folder: &Path,
    diagnostics: &mut Diagnostics,
) -> Resolved {
    match entry {
        Some((name, Some(sheet))) if !crate::worksheet::is_workbook(Path::new(name)) => {
            diagnostics
                .error(
                    Some(named_at),
                    format!("`{key}` names the sheet `{sheet}` of {name}, which is not a workbook"),
                )
                .hint("a sheet is only for an Excel workbook (.xlsx, .xlsm, .xls): remove `sheet` for a CSV");
            Resolved::Refused
        }
        Some((name, sheet)) if !name.trim().is_empty() => Resolved::File(InputPath {
            path: folder.join(name),
            named_at: Some(named_at),
            sheet: sheet.map(str::to_string),
        }),
        _ => Resolved::NotAFile(named_at),
    }
}

/// The one file a key names: `"name.csv"`, or a worksheet (`{ file = "extract.xlsx", sheet =
/// "S" }`); `None` after an error if it is neither, with `hint` saying how to write it.
pub(super) fn one_file(
    source: &Source<'_>,
    key: &str,
    value: &Spanned<RawFiles>,
    folder: &Path,
    hint: &str,
    diagnostics: &mut Diagnostics,
) -> Option<InputPath> {
    let entry = match value.get_ref() {
        RawFiles::One(name) => Some((name.as_str(), None)),
        RawFiles::Sheet(table) => file_and_sheet(table),
        RawFiles::Many(_) | RawFiles::Other => None,
    };
    match resolve_entry(key, entry, source.location(value), folder, diagnostics) {
        Resolved::File(input) => Some(input),
        Resolved::Refused => None,
        Resolved::NotAFile(named_at) => {
            diagnostics
                .error(
                    Some(named_at),
                    format!("`{key}` must be one file name or a worksheet"),
                )
                .hint(hint);
            None
        }
    }
}

/// A window with no files is a window in which nobody used anything: every family's costs in it
/// are £0. That is a real case (a study of services that stopped), and also what a forgotten
/// `after` line looks like, so it is said.
pub(super) fn warn_of_window_without_files(
    study: &Location,
    key: &str,
    diagnostics: &mut Diagnostics,
) {
    let window = key;
    diagnostics
        .warning(
            Some(study.clone()),
            format!(
                "the study names no `{key}` files, so no family used any service {window} the intervention: every family's costs {window} are £0"
            ),
        )
        .hint(format!(
            "that is right if no family used a service {window} it; if the {window} extract is missing, add {key} = \"{key}.csv\" to [study]"
        ));
}

/// A file named twice, in one window or in both, would have its rows counted twice: every family
/// in it would cost double, or the same in both windows, and nothing would look wrong. Paths are
/// compared as the file system resolves them (`./b.csv`, `b.csv` and a link to it are one file);
/// a path that does not exist is left for its own error.
pub fn refuse_files_named_twice(
    before: &[InputPath],
    after: &[InputPath],
    diagnostics: &mut Diagnostics,
) {
    let mut seen: std::collections::HashMap<PathBuf, (&str, &InputPath)> =
        std::collections::HashMap::new();
    let windows = before
        .iter()
        .map(|input| ("before", input))
        .chain(after.iter().map(|input| ("after", input)));
    for (window, input) in windows {
        let Ok(canonical) = std::fs::canonicalize(&input.path) else {
            continue;
        };
        // Two sheets of one workbook are two sources; the same sheet twice is one.
        let canonical = match &input.sheet {
            None => canonical,
            Some(sheet) => canonical.join(format!("#sheet#{sheet}")),
        };
        let Some(&(first_window, first)) = seen.get(&canonical) else {
            seen.insert(canonical, (window, input));
            continue;
        };
        let (first_shown, shown) = (first.shown(), input.shown());
        let named = if first_shown == shown {
            format!("the file {shown} is named twice")
        } else {
            format!("{shown} and {first_shown} are the same file")
        };
        let place = |window: &str, input: &InputPath| match &input.named_at {
            Some(location) => format!("in `{window}` at {location}"),
            None => format!("as --{window} {}", input.path.display()),
        };
        let (consequence, hint) = if first_window == window {
            (
                "its rows would be counted twice",
                "name each file of a window once",
            )
        } else {
            (
                "its rows would be counted in both windows",
                "the before and after windows each need their own file: name the right one in each",
            )
        };
        diagnostics
            .error(
                input.named_at.clone(),
                format!(
                    "{named}, {} and {}: {consequence}",
                    place(first_window, first),
                    place(window, input)
                ),
            )
            .hint(hint);
    }
}

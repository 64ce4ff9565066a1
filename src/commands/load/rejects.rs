//! The rejects file: where `--skip-bad-rows` sets bad rows aside, and writing it.

use crate::commands::RunConfig;
use crate::output::InputFiles;
use crate::usage::RejectedRows;
use std::path::Path;

/// Whether `path` is, or links to, a regular file.
fn follow_links_is_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file())
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

/// With `--skip-bad-rows`, writes the rows set aside to the rejects file and says how many there
/// were.
pub(super) fn write_rejects_file(
    config: &RunConfig,
    rejected: RejectedRows,
    files_read: &InputFiles,
) -> anyhow::Result<()> {
    let Some(path) = config.skip_bad_rows_to() else {
        return Ok(());
    };
    let count = rejected.len();
    // The rejects file belongs to the last run: a run with no bad rows leaves one from an
    // earlier run holding only its header, rather than rows this run did not set aside.
    let stale = count == 0 && follow_links_is_file(path);
    if count > 0 || stale {
        write_rejects(path, rejected, files_read)?;
    }
    if !config.quiet && count > 0 {
        eprintln!(
            "warning: {count} bad row{} set aside: written to {} with the reason for each",
            if count == 1 { "" } else { "s" },
            path.display()
        );
    } else if !config.quiet && stale {
        eprintln!(
            "note: no bad rows were set aside, so {} (from an earlier run) now holds only its header row",
            path.display()
        );
    }
    Ok(())
}

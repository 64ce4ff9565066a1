//! What one output can hold, refused as soon as it can be known: the rows of an Excel sheet, and
//! the files `family --file-per-family` writes.
//!
//! How many families a study has is known only once its records are read, unless it says
//! (`families = N`, which the records must then match): such a study is refused before a row is
//! read; any other as soon as its records are costed, before a table is built or a file written.

use crate::commands::RunConfig;
use crate::study::{Study, StudyData};
use rust_decimal::Decimal;

/// The most files `--file-per-family` writes: a folder of hundreds of thousands of files is
/// slow to write (each is made durable before it takes its name) and to open, and no one reads
/// it file by file.
pub const MAX_FILES_PER_FAMILY: usize = 10_000;

/// A number with its thousands separated, for messages.
fn count(number: usize) -> String {
    crate::money::format_quantity(Decimal::from(number as u64))
}

/// The number of families a study says it has, which its records must match.
fn declared_families(study: &Study) -> Option<usize> {
    match &study.data {
        StudyData::Records {
            declared_families: Some((families, _)),
            ..
        } => usize::try_from(*families).ok(),
        _ => None,
    }
}

/// What a sheet of families holds: at least `per_family` rows for each family, and `besides`
/// more (a total row), described as `what` ("families sheet").
#[derive(Debug, Clone, Copy)]
pub struct SheetRows {
    pub per_family: usize,
    pub besides: usize,
    pub what: &'static str,
    /// What to do instead, for the message.
    pub hint: &'static str,
}

/// The families sheet of `report` and `family --summary`: a row per family and the total.
pub const FAMILIES_SHEET: SheetRows = SheetRows {
    per_family: 1,
    besides: 1,
    what: "families sheet",
    hint: "use --format csv for it",
};

/// Refuses, before any record is read, a workbook with a sheet that the families a study says it
/// has cannot fit in.
pub fn refuse_sheet_before_reading(
    studies: &[Study],
    config: &RunConfig,
    sheet: SheetRows,
) -> anyhow::Result<()> {
    if !matches!(config.format(), Ok(crate::cli::Format::Xlsx)) {
        return Ok(());
    }
    for study in studies {
        let Some(families) = declared_families(study) else {
            continue;
        };
        let rows = families
            .saturating_mul(sheet.per_family)
            .saturating_add(sheet.besides);
        if rows > crate::report::xlsx::MAX_DATA_ROWS {
            anyhow::bail!(
                "{} says families = {}, so its {} would have {}{} rows, more than an Excel sheet holds ({}): {} (refused before its records are read)",
                study.name,
                families,
                sheet.what,
                if sheet.per_family > 1 {
                    "at least "
                } else {
                    ""
                },
                count(rows),
                count(crate::report::xlsx::MAX_DATA_ROWS),
                sheet.hint
            );
        }
    }
    Ok(())
}

/// Refuses `--file-per-family` for more than [`MAX_FILES_PER_FAMILY`] families: `families`
/// is how many there are, or how many a study says it has.
pub fn refuse_files_per_family(families: usize, declared: bool) -> anyhow::Result<()> {
    if families > MAX_FILES_PER_FAMILY {
        anyhow::bail!(
            "--file-per-family would write {} files, one for each {}family, and it writes at most {}: leave out --file-per-family for one file of every statement with a Family column (statements.csv), or give --summary for one row per family{}",
            count(families),
            if declared { "declared " } else { "" },
            count(MAX_FILES_PER_FAMILY),
            if declared {
                " (refused before the records are read)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// Refuses, before any record is read, `--file-per-family` for studies that say they have more
/// families than it writes files.
pub fn refuse_files_before_reading(studies: &[Study]) -> anyhow::Result<()> {
    let declared: usize = studies.iter().filter_map(declared_families).sum();
    refuse_files_per_family(declared, true)
}

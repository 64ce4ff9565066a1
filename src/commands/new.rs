//! `tfcalc new DIR`: a commented starting study that runs at once, to edit into one's own.

use crate::commands::RunConfig;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

/// The files of a new study, kept as files in `templates/` so that they read as a user sees them.
const FILES: &[(&str, &str)] = &[
    ("study.toml", include_str!("templates/study.toml")),
    (
        "local-costs.toml",
        include_str!("templates/local-costs.toml"),
    ),
    ("before.csv", include_str!("templates/before.csv")),
    ("after.csv", include_str!("templates/after.csv")),
];

pub fn run(folder: &Path, config: &RunConfig) -> anyhow::Result<ExitCode> {
    // A folder that holds anything is refused: a new study must never overwrite someone's files.
    if folder.exists() {
        let empty = folder.is_dir()
            && std::fs::read_dir(folder)
                .with_context(|| format!("cannot read the folder {}", folder.display()))?
                .next()
                .is_none();
        if !empty {
            let problem = crate::diagnostic::Problem::error(
                None,
                format!(
                    "{} already exists and is not an empty folder",
                    folder.display()
                ),
            )
            .with_hint("give a new folder name (tfcalc new creates it), or an empty folder");
            return Err(crate::diagnostic::InputErrors::from(problem).into());
        }
    }
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    for (name, text) in FILES {
        let path = folder.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !config.quiet {
        eprintln!(
            "wrote a new study in {shown}: run it with `tfcalc report {shown}`, then edit study.toml and the CSVs",
            shown = folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `tfcalc completions SHELL` and `tfcalc man`: generated from the command line's own definition
//! (clap_complete, clap_mangen), so that they never fall behind a new command or option.

use crate::cli::Cli;
use crate::commands::RunConfig;
use anyhow::Context;
use clap::CommandFactory;
use std::process::ExitCode;

/// Writes the completion script for `shell` to standard output (or `--output`).
pub fn completions(shell: clap_complete::Shell, config: &RunConfig) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "tfcalc", &mut script);
    write(&script, config)
}

/// Writes the man page, in roff, to standard output (or `--output`).
pub fn man(config: &RunConfig) -> anyhow::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .context("cannot render the man page")?;
    write(&page, config)
}

/// Written as every output is: atomically to `--output` (never over a file of tfcalc's own
/// naming half-written, kept permissions, links followed), or to standard output, where a closed
/// pipe (`tfcalc man | head`) is not a failure.
fn write(bytes: &[u8], config: &RunConfig) -> anyhow::Result<ExitCode> {
    crate::output::emit(
        bytes,
        config.output.as_deref(),
        "--output",
        &crate::output::InputFiles::new(),
    )?;
    Ok(ExitCode::SUCCESS)
}

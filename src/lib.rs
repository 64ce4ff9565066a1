//! tfcalc: a cost-savings calculator for family-intervention programmes.
//!
//! Data flows one way: input files ([`costs`], [`study`], [`usage`]) are read and checked, the
//! [`ledger`] computes every exact fact (with the study's [`context`] beside it), the
//! [`analysis`] stages derive the return on investment and the checks against published figures,
//! and [`report`] builds views of those figures and renders them. Nothing after the analysis
//! computes money; nothing before a renderer formats it.

// The documentation is for those who work on tfcalc (`cargo doc --document-private-items`): a
// module's doc links to the private modules it is made of.
#![allow(rustdoc::private_intra_doc_links)]

// The public API: what the binary, the integration tests, the benchmarks and the fuzzers use.
// The library is not a published crate, so everything else stays inside it (`pub(crate)`), and a
// module is made public only when something outside needs it.
pub mod analysis;
pub mod cli;
pub mod context;
pub mod costed;
pub mod costs;
pub mod diagnostic;
pub mod display_text;
/// Entry points for the fuzz targets (`fuzz/`) and the property tests that run them: not part of
/// the API.
#[doc(hidden)]
pub mod fuzzing;
pub mod input_path;
pub mod ledger;
pub mod money;
pub mod pseudonym;
pub mod report;
pub mod study;
pub mod uprating;
pub mod usage;

pub(crate) mod agency_map;
pub(crate) mod commands;
pub(crate) mod csv_input;
pub(crate) mod family_ids;
pub(crate) mod funding;
pub(crate) mod intervention_file;
pub(crate) mod large_lists;
mod logging;
pub mod memory;
pub(crate) mod output;
pub(crate) mod price_year;
pub(crate) mod spreadsheet;
pub(crate) mod suggest;
pub(crate) mod table_input;
pub(crate) mod text_file;
pub(crate) mod toml_input;
pub(crate) mod worksheet;

use cli::{Cli, Command};
use std::process::ExitCode;

/// Runs one command. Errors are returned for `main` to print; bad input is a
/// [`diagnostic::InputErrors`].
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    logging::init();
    let config = commands::RunConfig::resolve(cli.global);
    // Every step that runs on several cores (reading, costing, writing) keeps to --threads.
    if let Some(threads) = config.read.threads {
        // Fails only if the pool is already running, as in tests that run commands in-process.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    }
    match &cli.command {
        Command::Report(args) => commands::report::run(args, &config),
        Command::Family(args) => commands::family::run(args, &config),
        Command::Agency(args) => commands::agency::run(args, &config),
        Command::Roi(args) => commands::roi::run(args, &config),
        Command::Reconcile(args) => commands::reconcile::run(args, &config),
        Command::Check(args) => commands::check::run(args, &config),
        Command::Costs(command) => commands::costs::run(command, &config),
        Command::New { folder } => commands::new::run(folder, &config),
        Command::Completions { shell } => commands::shell::completions(*shell, &config),
        Command::Man => commands::shell::man(&config),
    }
}

/// The most threads `--threads` may ask for, per core. More threads than cores never read faster
/// (the work is CPU-bound), and thousands of them only cost time and memory to start: a job of
/// 0.05 s took a minute with 5,000 threads.
pub const THREADS_PER_CORE: usize = 4;

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get())
}

/// The threads a run uses for `--threads asked` on a machine with `cores` cores.
fn threads_within_cap(asked: usize, cores: usize) -> usize {
    asked.clamp(1, cores.saturating_mul(THREADS_PER_CORE).max(1))
}

/// Whether an error is a closed pipe (`tfcalc report | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_capped_at_four_per_core() {
        assert_eq!(threads_within_cap(3, 2), 3);
        assert_eq!(threads_within_cap(8, 2), 8);
        assert_eq!(threads_within_cap(9, 2), 8);
        assert_eq!(threads_within_cap(usize::MAX, 2), 8);
        assert_eq!(threads_within_cap(usize::MAX, usize::MAX), usize::MAX);
    }
}

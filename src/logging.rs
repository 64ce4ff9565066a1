//! What a run says about itself (how long reading took, which reader read a file), for anyone
//! asking why a run is slow or which path it took. Silent unless `TFCALC_LOG` names a level; it
//! never carries a figure or a message about the input, which go to reports and diagnostics.
//!
//! - `TFCALC_LOG=debug` (or `trace`, `info`, `warn`, `error`, `off`) sets the level.
//! - `TFCALC_DEBUG_READER`, the older switch, still works and means `debug`.

use log::{LevelFilter, Log, Metadata, Record};

/// Writes each message to standard error as `tfcalc: ...`, with the memory the process holds
/// and the most it has held, where the system says (Linux): so that a run's peak can be pinned on
/// the step that made it.
struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            match memory() {
                Some((now, peak)) => eprintln!(
                    "tfcalc: {} [memory {} MB, peak {} MB]",
                    record.args(),
                    now / 1024,
                    peak / 1024
                ),
                None => eprintln!("tfcalc: {}", record.args()),
            }
        }
    }

    fn flush(&self) {}
}

/// The process's resident memory now and at its peak, in kilobytes, if the system says.
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

static LOGGER: StderrLogger = StderrLogger;

/// Sets the level from the environment, once per process (later calls, as in tests that run
/// commands in-process, keep the first).
pub fn init() {
    let level = match std::env::var("TFCALC_LOG") {
        Ok(value) => parse_level(&value).unwrap_or_else(|| {
            eprintln!(
                "warning: TFCALC_LOG={value:?} is not a level (off, error, warn, info, debug or trace): logging is off"
            );
            LevelFilter::Off
        }),
        Err(_) if std::env::var_os("TFCALC_DEBUG_READER").is_some() => LevelFilter::Debug,
        Err(_) => LevelFilter::Off,
    };
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

fn parse_level(value: &str) -> Option<LevelFilter> {
    value.trim().parse().ok()
}

/// Whether the detailed (single-threaded, row-by-row) reader is forced for every file, to
/// compare it with the fast one: `TFCALC_READER=detailed`, or the older
/// `TFCALC_DEBUG_READER=detailed`.
pub fn detailed_reader_forced() -> bool {
    ["TFCALC_READER", "TFCALC_DEBUG_READER"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| value == "detailed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_in_any_case() {
        assert_eq!(parse_level("debug"), Some(LevelFilter::Debug));
        assert_eq!(parse_level(" TRACE "), Some(LevelFilter::Trace));
        assert_eq!(parse_level("off"), Some(LevelFilter::Off));
        assert_eq!(parse_level("loud"), None);
    }
}

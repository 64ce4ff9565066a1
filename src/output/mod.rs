//! Writing a rendered report to the terminal or to files, safely.
//!
//! A file is written so that a run never destroys what it reads and never leaves half a file:
//!
//! - A file the run reads is never written over, however it is named (`./b.csv`, `dir/../b.csv`, a
//!   symbolic link to it or another hard link of it): see [`InputFiles`].
//! - A regular file is written to a temporary `.tfcalc-<pid>-XXXXXX` beside it and renamed into
//!   place when complete; several files (a CSV folder) are renamed only when all are complete.
//!   The temporaries of a run are removed if it fails, or is interrupted by SIGINT, SIGTERM or
//!   SIGHUP; after SIGKILL, which no program can catch, the next run writing into the folder removes
//!   them (see [`remove_stale_temporaries`]).
//! - Writing over a file keeps its permission bits; a symbolic link is written through, to its
//!   target, and stays a link; a device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is
//!   written in place, never replaced by a regular file.
//!
//! - [`inputs`]: the files no output may replace ([`InputFiles`]), and whether two paths are one
//!   file.
//! - [`target`]: what a destination is, and so how it is written.
//! - [`emit`]: writing one output, to a file or to standard output.
//! - [`file_set`]: writing several files together, all or none ([`FileSet`]).
//! - [`temporary`]: the temporary an output is written to, and renaming it into place.
//! - [`signals`]: removing this run's temporaries when a signal ends it.
//! - [`stale`]: finding and removing the temporaries of runs that were killed.
//! - [`file_names`]: safe, distinct file names for a document's tables.

mod emit;
mod file_names;
mod file_set;
mod inputs;
mod signals;
mod stale;
mod target;
mod temporary;

pub use emit::{emit, write_with};
pub use file_names::{file_name_part, file_names};
pub use file_set::FileSet;
pub use inputs::{InputFiles, same_destination};
pub use stale::{set_quiet, stale_temporaries};

/// The start of every temporary file tfcalc writes beside an output.
const TEMPORARY_PREFIX: &str = ".tfcalc-";

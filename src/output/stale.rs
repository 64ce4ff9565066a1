//! Finding and removing the temporaries that runs killed before they could remove them left
//! behind.

use super::TEMPORARY_PREFIX;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How long a temporary of a process that has ended is left alone before it is removed: a run in
/// another PID namespace (a container sharing the folder) looks ended from here while it writes,
/// and a temporary it is still writing is younger than this.
const STALE_AFTER_DEAD_WRITER: Duration = Duration::from_secs(5 * 60);

/// How old a temporary must be to be removed when its writer cannot be known to have ended (no
/// `/proc`, or a name without a process id).
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Whether notes about files (a stale temporary removed) are left unsaid: `--quiet`.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says whether the run is `--quiet`, for the notes this module prints.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Removes, once per folder and run, the temporaries that earlier runs left in `folder` (see
/// [`remove_stale_temporaries`]).
pub(super) fn sweep_once(folder: &Path) {
    static SWEPT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let key = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let mut swept = SWEPT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if swept.contains(&key) {
        return;
    }
    swept.push(key);
    drop(swept);
    for path in remove_stale_temporaries(folder) {
        if QUIET.load(std::sync::atomic::Ordering::Relaxed) {
            continue;
        }
        eprintln!(
            "note: removed {}, a temporary file left by a tfcalc run that was killed",
            path.display()
        );
    }
}

/// A temporary of tfcalc's naming in `folder` that no running tfcalc is writing, with why it is
/// thought stale.
pub struct StaleTemporary {
    pub path: PathBuf,
    pub why: String,
}

/// The temporaries of tfcalc's naming in `folder` that were left by runs that ended without
/// removing them (killed with SIGKILL, or a power cut). A temporary named with a process id
/// (`.tfcalc-<pid>-XXXXXX`) is stale when that process is no longer running and the file has
/// not changed for five minutes; one whose writer cannot be known (no `/proc`, or an older name
/// without a process id) when it has not changed for an hour. A run's own temporaries are never
/// stale, nor are those of another run still writing.
pub fn stale_temporaries(folder: &Path) -> Vec<StaleTemporary> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let proc_mounted = Path::new("/proc/self").exists();
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(writer) = temporary_writer(name) else {
            continue;
        };
        // Never through a link, and never a folder: only files tfcalc itself makes.
        let Ok(metadata) = entry.path().symlink_metadata() else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        let age = metadata
            .modified()
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .unwrap_or_default();
        let why = match writer {
            Some(pid) if pid == std::process::id() => continue,
            Some(pid) if proc_mounted => {
                if Path::new("/proc").join(pid.to_string()).exists()
                    || age < STALE_AFTER_DEAD_WRITER
                {
                    continue;
                }
                format!("the tfcalc run that wrote it (process {pid}) is no longer running")
            }
            _ => {
                if age < STALE_AFTER {
                    continue;
                }
                "it has not changed for over an hour".to_string()
            }
        };
        stale.push(StaleTemporary {
            path: entry.path(),
            why,
        });
    }
    stale.sort_by(|a, b| a.path.cmp(&b.path));
    stale
}

/// Removes the stale temporaries in `folder` (see [`stale_temporaries`]) and returns those
/// removed.
pub fn remove_stale_temporaries(folder: &Path) -> Vec<PathBuf> {
    stale_temporaries(folder)
        .into_iter()
        .filter(|stale| std::fs::remove_file(&stale.path).is_ok())
        .map(|stale| stale.path)
        .collect()
}

/// Whether `name` is a tfcalc temporary: `Some(Some(pid))` for `.tfcalc-<pid>-XXXXXX`,
/// `Some(None)` for the older `.tfcalc-XXXXXX`, `None` for any other name.
fn temporary_writer(name: &str) -> Option<Option<u32>> {
    let rest = name.strip_prefix(TEMPORARY_PREFIX)?;
    let random = |text: &str| text.len() == 6 && text.chars().all(|c| c.is_ascii_alphanumeric());
    match rest.split_once('-') {
        Some((pid, suffix)) if random(suffix) => {
            let pid = pid
                .parse::<u32>()
                .ok()
                .filter(|_| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()))?;
            Some(Some(pid))
        }
        None if random(rest) => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(temporary_writer(".tfcalc-1234-aB3dE9"), Some(Some(1234)));
        assert_eq!(temporary_writer(".tfcalc-aB3dE9"), Some(None));
        assert_eq!(temporary_writer(".tfcalc-12x4-aB3dE9"), None);
        assert_eq!(temporary_writer(".tfcalc--aB3dE9"), None);
        assert_eq!(temporary_writer(".tfcalc-1234-aB3dE"), None);
        assert_eq!(temporary_writer("tfcalc-1234-aB3dE9"), None);
        assert_eq!(temporary_writer(".tfcalc-rejects.csv"), None);
    }
}

//! The temporary an output is written to beside its file, made durable and renamed into place
//! when complete, or deleted.

use super::TEMPORARY_PREFIX;
use super::signals::{install_signal_handler, live_temporaries};
use super::stale::sweep_once;
use super::target::{Kept, folder_of};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A complete temporary, and the file it is to become. Dropped without being committed, it is
/// deleted.
///
/// Its file is closed once written, and made durable only at [`commit`]: a folder of statements
/// is thousands of files, more than a process may have open (often 1,024), and syncing each
/// as it is written waited for the disk thousands of times rather than once.
pub(super) struct Pending {
    temporary: Option<tempfile::TempPath>,
    /// The file it replaces, links followed.
    pub(super) target: PathBuf,
    /// The path as it was given, for messages.
    pub(super) shown: PathBuf,
}

impl Pending {
    /// Renders into a new temporary beside `target`, registered for removal on a signal, and
    /// readable as the file it replaces (or as an ordinary new file: temporaries are otherwise
    /// private to their owner).
    pub(super) fn write(
        target: PathBuf,
        keep: Option<Kept>,
        shown: &Path,
        render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<Pending> {
        let folder = folder_of(&target).to_path_buf();
        sweep_once(&folder);
        install_signal_handler();
        let mut builder = tempfile::Builder::new();
        let prefix = format!("{TEMPORARY_PREFIX}{}-", std::process::id());
        builder.prefix(&prefix).rand_bytes(6);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Never wider than the file it replaces; made exactly its mode below (the umask
            // narrows this one).
            let mode = keep.map_or(0o644, |keep| keep.mode & 0o777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        // Created and registered under the lock, so that a signal in between cannot leave it.
        let mut live = live_temporaries();
        let mut file = builder
            .tempfile_in(&folder)
            .map_err(|error| cannot_write_in(&folder, shown, error))?;
        live.push(file.path().to_path_buf());
        drop(live);
        if let Some(keep) = keep {
            keep_attributes(&file, keep);
        }
        // From here on, dropped on an error, it is deleted.
        let shown_text = shown.display().to_string();
        let written = (|| {
            let mut writer = std::io::BufWriter::with_capacity(1 << 16, file.as_file_mut());
            render(&mut writer)?;
            writer.flush()?;
            Ok::<(), anyhow::Error>(())
        })();
        let pending = Pending {
            temporary: Some(file.into_temp_path()),
            target,
            shown: shown.to_path_buf(),
        };
        written.with_context(|| format!("cannot write {shown_text}"))?;
        Ok(pending)
    }

    /// Makes the temporary's data durable: a file renamed over the old one before its data
    /// reaches the disk can be empty after a power cut.
    fn sync(&self) -> anyhow::Result<()> {
        let temporary = self.temporary.as_ref().expect("an uncommitted temporary");
        std::fs::File::open(temporary)
            .and_then(|file| file.sync_all())
            .with_context(|| format!("cannot write {}", self.shown.display()))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let mut live = live_temporaries();
            live.retain(|path| path != &*temporary);
            drop(temporary); // Deletes it.
        }
    }
}

/// Why a temporary could not be made in `folder`, in words: tempfile's own message names the
/// temporary, which the user never asked for.
fn cannot_write_in(folder: &Path, shown: &Path, error: std::io::Error) -> anyhow::Error {
    let folder = folder.display();
    let shown = shown.display();
    match error.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "cannot write {shown}: the folder {folder} does not exist; create it, or write to a folder that exists"
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "cannot write {shown}: you may not create files in the folder {folder} (tfcalc writes a temporary file beside the output and renames it, so the folder must be writable); write to another folder"
        ),
        // The system's own words (tempfile's would name the temporary).
        _ => anyhow::anyhow!(
            "cannot write {shown}: cannot create a file in the folder {folder}: {}",
            error.raw_os_error().map_or_else(
                || std::io::Error::from(error.kind()),
                std::io::Error::from_raw_os_error
            )
        ),
    }
}

/// The existing file's permission bits, and its owner and group where this user may set them
/// (the owner's own files, or any as root), go to the file that replaces it.
fn keep_attributes(file: &tempfile::NamedTempFile, keep: Kept) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // Best effort: a user who may not give the file its group still gets their output.
        if let Ok(metadata) = file.as_file().metadata()
            && (metadata.uid(), metadata.gid()) != keep.owner
        {
            let _ =
                std::os::unix::fs::fchown(file.as_file(), Some(keep.owner.0), Some(keep.owner.1))
                    .or_else(|_| {
                        std::os::unix::fs::fchown(file.as_file(), None, Some(keep.owner.1))
                    });
        }
        let _ = file
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(keep.mode));
    }
    #[cfg(not(unix))]
    let _ = (file, keep);
}

/// Makes every temporary durable, then renames each to its file, holding the lock of live
/// temporaries so that a signal arriving meanwhile waits until all are renamed (rather than
/// finding half of them).
pub(super) fn commit(mut pending: Vec<Pending>) -> anyhow::Result<()> {
    // All written before any is synced, and synced together: the disk then takes the data of
    // many in one go, rather than a folder of statements waiting for it thousands of times.
    {
        use rayon::prelude::*;
        pending
            .par_iter()
            .with_max_len(1)
            .try_for_each(Pending::sync)?;
    }
    let mut live = live_temporaries();
    let mut renamed = std::collections::HashSet::new();
    for pending in &mut pending {
        let temporary = pending.temporary.take().expect("an uncommitted temporary");
        let path = temporary.to_path_buf();
        match temporary.persist(&pending.target) {
            Ok(()) => {
                renamed.insert(path);
            }
            Err(error) => {
                // Put back, so that it (and every one not yet renamed) is deleted on drop.
                pending.temporary = Some(error.path);
                live.retain(|path| !renamed.contains(path));
                drop(live);
                return Err(error.error)
                    .with_context(|| format!("cannot write {}", pending.shown.display()));
            }
        }
    }
    // In one pass: a folder of statements is thousands of files.
    live.retain(|path| !renamed.contains(path));
    Ok(())
}

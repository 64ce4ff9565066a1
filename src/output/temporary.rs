//! The temporary an output is written to beside its file, made durable and renamed into place
//! when complete, or deleted.

use super::TEMPORARY_PREFIX;
use super::signals::{install_signal_handler, live_temporaries};
use super::stale::sweep_once;
use super::target::{Kept, folder_of};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A complete or half-written temporary, and the file it is to become. Dropped without being
/// committed, it is deleted.
pub(super) struct Pending {
    file: Option<tempfile::NamedTempFile>,
    /// The file it replaces, links followed.
    pub(super) target: PathBuf,
    /// The path as it was given, for messages.
    pub(super) shown: PathBuf,
}

impl Pending {
    /// A new temporary beside `target`, registered for removal on a signal, and readable as the
    /// file it replaces (or as an ordinary new file: temporaries are otherwise private to their
    /// owner).
    pub(super) fn create(
        target: PathBuf,
        keep: Option<Kept>,
        shown: &Path,
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
        let file = builder
            .tempfile_in(&folder)
            .map_err(|error| cannot_write_in(&folder, shown, error))?;
        live.push(file.path().to_path_buf());
        drop(live);
        if let Some(keep) = keep {
            keep_attributes(&file, keep);
        }
        Ok(Pending {
            file: Some(file),
            target,
            shown: shown.to_path_buf(),
        })
    }

    /// Renders into the temporary, and makes it durable: a file renamed over the old one before
    /// its data reaches the disk can be empty after a power cut.
    pub(super) fn write(
        &mut self,
        render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let shown = self.shown.display().to_string();
        let file = self.file.as_mut().expect("an uncommitted temporary");
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, file.as_file_mut());
        render(&mut writer).with_context(|| format!("cannot write {shown}"))?;
        writer
            .flush()
            .with_context(|| format!("cannot write {shown}"))?;
        drop(writer);
        file.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {shown}"))?;
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut live = live_temporaries();
            live.retain(|path| path != file.path());
            drop(file); // Deletes it.
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
        _ => anyhow::anyhow!(
            "cannot write {shown}: cannot create a file in the folder {folder}: {}",
            std::io::Error::from(error.kind())
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

/// Renames every temporary to its file, holding the lock of live temporaries so that a signal
/// arriving meanwhile waits until all are renamed (rather than finding half of them).
pub(super) fn commit(mut pending: Vec<Pending>) -> anyhow::Result<()> {
    let mut live = live_temporaries();
    for pending in &mut pending {
        let file = pending.file.take().expect("an uncommitted temporary");
        let temporary = file.path().to_path_buf();
        match file.persist(&pending.target) {
            Ok(_) => live.retain(|path| *path != temporary),
            Err(error) => {
                // Put back, so that it (and every one not yet renamed) is deleted on drop.
                pending.file = Some(error.file);
                drop(live);
                return Err(error.error)
                    .with_context(|| format!("cannot write {}", pending.shown.display()));
            }
        }
    }
    Ok(())
}

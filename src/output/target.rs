//! What a destination is (a file to replace, or a device or descriptor to write in place), and
//! the links it is reached through.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// The folder a path is in: `.` for a bare file name.
pub(super) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

/// Follows the symbolic links a path names, to the file they lead to (which may not exist yet: a
/// link to a new file is written through to create it, as `cp` and shells do).
pub(super) fn follow_links(path: &Path) -> anyhow::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // The limit the kernel itself keeps to, so that a loop of links ends.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&path)
                    .with_context(|| format!("cannot read the link {}", path.display()))?;
                path = if link.is_absolute() {
                    link
                } else {
                    folder_of(&path).join(link)
                };
            }
            _ => return Ok(path),
        }
    }
    bail!("its symbolic links go round in a loop")
}

/// Where a file's output goes.
pub(super) enum Target {
    /// A regular file, or none yet: replaced atomically by a temporary beside it. `keep` is the
    /// existing file's permissions and owner, which the new file takes.
    Replace { path: PathBuf, keep: Option<Kept> },
    /// A device, a FIFO, or a file named by its descriptor (`/dev/stdout`): opened and written
    /// where it is. Replacing it would put a regular file where `/dev/null` was, or write past the
    /// shell that opened standard output.
    InPlace(PathBuf),
}

/// What an existing file keeps when it is written over.
#[derive(Clone, Copy)]
pub(super) struct Kept {
    pub(super) mode: u32,
    #[cfg(unix)]
    pub(super) owner: (u32, u32),
}

/// Whether a path names an open file descriptor rather than a file: `/dev/stdout`,
/// `/dev/fd/1`, `/proc/self/fd/1`. Whatever it leads to (a terminal, a pipe, a file the shell
/// opened with `>>`) is written through the descriptor, never replaced.
fn names_a_descriptor(path: &Path) -> bool {
    let text = path.to_string_lossy();
    matches!(&*text, "/dev/stdout" | "/dev/stderr")
        || text.starts_with("/dev/fd/")
        || (text.starts_with("/proc/") && text.contains("/fd/"))
}

/// Decides how `path` is written (`option` names it in messages).
pub(super) fn target(path: &Path, option: &str) -> anyhow::Result<Target> {
    if names_a_descriptor(path) {
        return Ok(Target::InPlace(path.to_path_buf()));
    }
    let resolved =
        follow_links(path).with_context(|| format!("cannot write {}", path.display()))?;
    let metadata = match std::fs::metadata(&resolved) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Target::Replace {
                path: resolved,
                keep: None,
            });
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot write {}", path.display()));
        }
    };
    if metadata.is_file() {
        // Renaming over a read-only file would succeed where writing it fails: the folder is
        // writable, not the file. A file made read-only is meant to be kept.
        if let Err(error) = std::fs::OpenOptions::new().write(true).open(&resolved)
            && error.kind() == std::io::ErrorKind::PermissionDenied
        {
            bail!(
                "cannot write {}: it is read-only; make it writable (chmod u+w) to replace it, or give {option} another file",
                path.display()
            );
        }
        #[cfg(unix)]
        let keep = {
            use std::os::unix::fs::MetadataExt;
            Kept {
                mode: metadata.mode() & 0o7777,
                owner: (metadata.uid(), metadata.gid()),
            }
        };
        #[cfg(not(unix))]
        let keep = Kept { mode: 0 };
        return Ok(Target::Replace {
            path: resolved,
            keep: Some(keep),
        });
    }
    if metadata.is_dir() {
        bail!(
            "cannot write {}: it is a folder; give {option} a file name",
            path.display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_char_device() || kind.is_fifo() {
            return Ok(Target::InPlace(resolved));
        }
        let what = if kind.is_block_device() {
            "a block device (a disk), which a report must never be written over"
        } else if kind.is_socket() {
            "a socket, which cannot be opened as a file"
        } else {
            "neither a file nor a device"
        };
        bail!(
            "cannot write {}: it is {what}; give {option} a file name",
            path.display()
        );
    }
    #[cfg(not(unix))]
    Ok(Target::InPlace(resolved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_recognised() {
        for path in ["/dev/stdout", "/dev/stderr", "/dev/fd/3", "/proc/self/fd/1"] {
            assert!(names_a_descriptor(Path::new(path)), "{path}");
        }
        for path in ["/dev/shm/report.csv", "stdout", "/proc/report.csv"] {
            assert!(!names_a_descriptor(Path::new(path)), "{path}");
        }
    }
}

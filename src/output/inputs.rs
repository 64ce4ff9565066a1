//! The files a run reads, which no output may replace, and whether two paths are one file.

use super::target::{folder_of, follow_links};
use anyhow::bail;
use std::path::{Path, PathBuf};

/// A file the run reads, with what it is, for the message that refuses to write over it.
#[derive(Debug, Clone)]
struct InputFile {
    what: String,
    path: PathBuf,
    /// "reads", or "writes" for a file the run has written (the rejects file).
    verb: &'static str,
}

/// The files a run reads (and the files it has written, such as the rejects file), which no
/// output may replace.
#[derive(Debug, Clone, Default)]
pub struct InputFiles {
    files: Vec<InputFile>,
}

impl InputFiles {
    pub const fn new() -> InputFiles {
        InputFiles { files: Vec::new() }
    }

    /// Adds a file, described for messages ("the study file", "the unit-cost table").
    pub fn add(&mut self, what: impl Into<String>, path: impl Into<PathBuf>) {
        self.files.push(InputFile {
            what: what.into(),
            path: path.into(),
            verb: "reads",
        });
    }

    /// Adds a file the run writes itself, which a later output must not replace.
    pub fn add_written(&mut self, what: impl Into<String>, path: impl Into<PathBuf>) {
        self.files.push(InputFile {
            what: what.into(),
            path: path.into(),
            verb: "writes",
        });
    }

    pub fn extend(&mut self, other: &InputFiles) {
        self.files.extend(other.files.iter().cloned());
    }

    /// Refuses to write `target` (named by `option`, such as `--output`) if it is one of these
    /// files: writing over an input would destroy the data the figures came from.
    pub fn refuse(&self, target: &Path, option: &str) -> anyhow::Result<()> {
        for input in &self.files {
            if !same_existing_file(target, &input.path) {
                continue;
            }
            let what = format!("{} {}", input.what, input.path.display());
            match input.verb {
                "reads" => bail!(
                    "refusing to write {}: it is one of this run's input files ({what}), and writing over it would destroy it; give {option} another file",
                    target.display()
                ),
                _ => bail!(
                    "refusing to write {}: it is {what}, which this run also writes; give {option} another file",
                    target.display()
                ),
            }
        }
        Ok(())
    }
}

/// Whether `a` and `b` are one regular file that exists: the same device and inode on Unix, which
/// catches hard links as well as every spelling of a path and symbolic links; the same canonical
/// path elsewhere. Devices and pipes are not files that writing destroys (`--before /dev/stdin`
/// with `--output /dev/stdout` may be one terminal).
fn same_existing_file(a: &Path, b: &Path) -> bool {
    let (Ok(a_metadata), Ok(b_metadata)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    if !a_metadata.is_file() || !b_metadata.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a_metadata.dev() == b_metadata.dev() && a_metadata.ino() == b_metadata.ino()
    }
    #[cfg(not(unix))]
    {
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
    }
}

/// Whether two destinations, which need not exist yet, are one file: `--rejects` and `--output`
/// naming the same file would have one write over the other.
pub fn same_destination(a: &Path, b: &Path) -> bool {
    let b = DestinationKeys::of(b);
    DestinationKeys::of(a).iter().any(|key| b.contains(key))
}

/// What makes two destinations one file (see [`same_destination`]): the regular file that exists
/// there, and the canonical path, each if known. Two destinations are one file when they share a
/// key, so that among thousands of files (a folder of statements) the ones that are one are found
/// by looking keys up, not by comparing every pair.
#[derive(Debug, Default)]
pub struct DestinationKeys {
    existing: Option<DestinationKey>,
    path: Option<DestinationKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DestinationKey {
    /// A regular file that exists, by device and inode (see [`same_existing_file`]).
    Existing(u64, u64),
    /// A path, links followed and its folder made canonical.
    Path(PathBuf),
}

impl DestinationKeys {
    pub fn of(path: &Path) -> DestinationKeys {
        DestinationKeys {
            existing: existing_file_key(path),
            path: destination_identity(path).map(DestinationKey::Path),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &DestinationKey> {
        self.existing.iter().chain(&self.path)
    }

    fn contains(&self, key: &DestinationKey) -> bool {
        self.iter().any(|own| own == key)
    }
}

/// The key of the regular file at `path`, if there is one. (Elsewhere than Unix, the canonical
/// path, which [`destination_identity`] gives, is what identifies it.)
fn existing_file_key(path: &Path) -> Option<DestinationKey> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(path).ok()?;
        metadata
            .is_file()
            .then(|| DestinationKey::Existing(metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A destination's path with its links followed and its folder made canonical, so that `b.csv`,
/// `./b.csv` and `dir/../b.csv` compare equal before any of them exists.
fn destination_identity(path: &Path) -> Option<PathBuf> {
    let path = follow_links(path).ok()?;
    if let Ok(canonical) = std::fs::canonicalize(&path) {
        return Some(canonical);
    }
    let folder = std::fs::canonicalize(folder_of(&path)).ok()?;
    Some(folder.join(path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn destinations_not_there_yet_compare_by_folder_and_name() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("dir")).unwrap();
        let plain = folder.path().join("out.csv");
        let roundabout = folder.path().join("dir/../out.csv");
        assert!(same_destination(&plain, &roundabout));
        assert!(!same_destination(
            &plain,
            &folder.path().join("dir/out.csv")
        ));
        // A link to a file not there yet is that file.
        std::os::unix::fs::symlink("out.csv", folder.path().join("link.csv")).unwrap();
        assert!(same_destination(&plain, &folder.path().join("link.csv")));
    }
}

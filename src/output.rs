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

use anyhow::{Context, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The start of every temporary file tfcalc writes beside an output.
const TEMPORARY_PREFIX: &str = ".tfcalc-";

/// How long a temporary of a process that has ended is left alone before it is removed: a run in
/// another PID namespace (a container sharing the folder) looks ended from here while it writes,
/// and a temporary it is still writing is younger than this.
const STALE_AFTER_DEAD_WRITER: Duration = Duration::from_secs(5 * 60);

/// How old a temporary must be to be removed when its writer cannot be known to have ended (no
/// `/proc`, or a name without a process id).
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

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
    if same_existing_file(a, b) {
        return true;
    }
    match (destination_identity(a), destination_identity(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
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

/// The folder a path is in: `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

/// Follows the symbolic links a path names, to the file they lead to (which may not exist yet: a
/// link to a new file is written through to create it, as `cp` and shells do).
fn follow_links(path: &Path) -> anyhow::Result<PathBuf> {
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
enum Target {
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
struct Kept {
    mode: u32,
    #[cfg(unix)]
    owner: (u32, u32),
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
fn target(path: &Path, option: &str) -> anyhow::Result<Target> {
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

/// Runs `render` on the destination: the file at `path` (named by `option`, such as `--output`,
/// in messages; written atomically, and never one of `inputs`), or standard output. Output is
/// buffered; a closed pipe surfaces as an error that `main` treats as success.
pub fn write_with(
    path: Option<&Path>,
    option: &str,
    inputs: &InputFiles,
    render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = path else {
        let stdout = std::io::stdout();
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        render(&mut writer)?;
        writer.flush()?;
        return Ok(());
    };
    inputs.refuse(path, option)?;
    match target(path, option)? {
        Target::InPlace(device) => {
            // Appending, so that a regular file behind a descriptor (`>> log`) is added to.
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(&device)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut writer = std::io::BufWriter::with_capacity(1 << 16, file);
            render(&mut writer).with_context(|| format!("cannot write {}", path.display()))?;
            writer
                .flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(())
        }
        Target::Replace {
            path: resolved,
            keep,
        } => {
            let mut pending = Pending::create(resolved, keep, path)?;
            pending.write(render)?;
            commit(vec![pending])
        }
    }
}

/// Writes `content` to `path` (atomically: see [`write_with`]), or to standard output if there is
/// none.
pub fn emit(
    content: &[u8],
    path: Option<&Path>,
    option: &str,
    inputs: &InputFiles,
) -> anyhow::Result<()> {
    write_with(
        path,
        option,
        inputs,
        |writer| Ok(writer.write_all(content)?),
    )
}

/// Files written together, all or none: each goes to a temporary as it is rendered, and they take
/// their names only when every one is complete. If one fails, no file is created or changed.
pub struct FileSet<'a> {
    option: &'a str,
    inputs: &'a InputFiles,
    pending: Vec<Pending>,
}

impl<'a> FileSet<'a> {
    pub fn new(option: &'a str, inputs: &'a InputFiles) -> FileSet<'a> {
        FileSet {
            option,
            inputs,
            pending: Vec::new(),
        }
    }

    /// Renders one file of the set into its temporary.
    pub fn write(
        &mut self,
        path: &Path,
        render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.inputs.refuse(path, self.option)?;
        let Target::Replace {
            path: resolved,
            keep,
        } = target(path, self.option)?
        else {
            // A device among a folder of tables is a mistake, and cannot be taken back.
            bail!(
                "cannot write {}: it is a device or a pipe, and {} writes a set of files, all or none: remove it or give {} another folder",
                path.display(),
                self.option,
                self.option
            );
        };
        if let Some(earlier) = self
            .pending
            .iter()
            .find(|pending| same_destination(&pending.target, &resolved))
        {
            // Names are kept apart (see `file_names`), so only links can make two one file.
            bail!(
                "cannot write {}: it is the same file as {}, which this output also writes (one is a link to the other); remove the link, or give {} another folder",
                path.display(),
                earlier.shown.display(),
                self.option
            );
        }
        let mut pending = Pending::create(resolved, keep, path)?;
        pending.write(render)?;
        self.pending.push(pending);
        Ok(())
    }

    /// Gives every file its name.
    pub fn commit(self) -> anyhow::Result<()> {
        commit(self.pending)
    }
}

/// A complete or half-written temporary, and the file it is to become. Dropped without being
/// committed, it is deleted.
struct Pending {
    file: Option<tempfile::NamedTempFile>,
    /// The file it replaces, links followed.
    target: PathBuf,
    /// The path as it was given, for messages.
    shown: PathBuf,
}

impl Pending {
    /// A new temporary beside `target`, registered for removal on a signal, and readable as the
    /// file it replaces (or as an ordinary new file: temporaries are otherwise private to their
    /// owner).
    fn create(target: PathBuf, keep: Option<Kept>, shown: &Path) -> anyhow::Result<Pending> {
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
    fn write(
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
fn commit(mut pending: Vec<Pending>) -> anyhow::Result<()> {
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

/// The temporaries this process has open, which a signal removes before the process ends.
static LIVE_TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while it was held leaves the list as good as it was.
    LIVE_TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Installs, once, a thread that removes the live temporaries on SIGINT, SIGTERM or SIGHUP and
/// then ends the process by the same signal (so that a shell sees exit status 130 for Ctrl-C, 143
/// for SIGTERM, and a script's loop stops). Installed with the first temporary: until then the
/// signals' default, ending the process, leaves nothing behind.
fn install_signal_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    #[cfg(unix)]
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return; // Without the handler, an interrupted run may leave a temporary to sweep.
        };
        let spawned = std::thread::Builder::new()
            .name("tfcalc-signals".to_string())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the process ends: no temporary is created or renamed after
                    // these are removed.
                    let live = live_temporaries();
                    for path in live.iter() {
                        let _ = std::fs::remove_file(path);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        let _ = spawned;
    });
    #[cfg(not(unix))]
    INSTALLED.call_once(|| {});
}

/// Whether notes about files (a stale temporary removed) are left unsaid: `--quiet`.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says whether the run is `--quiet`, for the notes this module prints.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Removes, once per folder and run, the temporaries that earlier runs left in `folder` (see
/// [`remove_stale_temporaries`]).
fn sweep_once(folder: &Path) {
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

/// A table's key made safe as part of a file name: letters, digits, `-` and `_` only, at most 80
/// characters. Two keys can give one part (`A/B` and `A_B`): [`file_names`] keeps file names
/// apart.
pub fn file_name_part(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '-' | '_') {
                character
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if safe.is_empty() {
        "table".to_string()
    } else {
        safe
    }
}

/// A file name part for each of a document's table keys, every one different from the others
/// even on a filesystem that ignores case. A key that had to be changed to be safe (`A/B`, or one
/// cut short at 80 characters), or whose part differs from another's only in case (`a` and `A`),
/// has a short hash of the key added (`statement-A_B-1f0c2e9a`), which stays the same from run to
/// run; a key given twice (one family id in two studies) is numbered (`-2`).
pub fn file_names<'k>(keys: impl IntoIterator<Item = &'k str>) -> Vec<String> {
    let keys: Vec<&str> = keys.into_iter().collect();
    let parts: Vec<String> = keys.iter().map(|key| file_name_part(key)).collect();
    // The different keys behind each part, compared as a filesystem that ignores case would.
    let mut by_case: std::collections::HashMap<String, std::collections::HashSet<&str>> =
        std::collections::HashMap::new();
    for (key, part) in keys.iter().zip(&parts) {
        by_case.entry(part.to_lowercase()).or_default().insert(key);
    }
    let mut used = std::collections::HashSet::new();
    keys.iter()
        .zip(parts)
        .map(|(key, part)| {
            let shared = by_case[&part.to_lowercase()].len() > 1;
            let name = if part != *key || shared {
                format!("{part}-{}", short_hash(key))
            } else {
                part
            };
            let mut candidate = name.clone();
            let mut number = 2;
            while !used.insert(candidate.to_lowercase()) {
                candidate = format!("{name}-{number}");
                number += 1;
            }
            candidate
        })
        .collect()
}

/// Eight hex digits of the key's SHA-256: short, and the same for the same key in every run.
fn short_hash(key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
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

    #[test]
    fn descriptors_are_recognised() {
        for path in ["/dev/stdout", "/dev/stderr", "/dev/fd/3", "/proc/self/fd/1"] {
            assert!(names_a_descriptor(Path::new(path)), "{path}");
        }
        for path in ["/dev/shm/report.csv", "stdout", "/proc/report.csv"] {
            assert!(!names_a_descriptor(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn file_names_never_collide() {
        let long_a = format!("statement-{}a", "x".repeat(90));
        let long_b = format!("statement-{}b", "x".repeat(90));
        let keys = [
            "statement-A/B",
            "statement-A_B",
            "statement-A B",
            "statement-a",
            "statement-A",
            &long_a,
            &long_b,
            "totals",
            "statement-E",
            "statement-E",
        ];
        let names = file_names(keys);
        let lower: std::collections::HashSet<String> =
            names.iter().map(|name| name.to_lowercase()).collect();
        assert_eq!(lower.len(), keys.len(), "{names:?}");
        // Keys that are safe as they are, and unique, keep their names.
        assert_eq!(names[7], "totals");
        assert_eq!(names[8], "statement-E");
        assert_eq!(names[9], "statement-E-2");
        // A_B is safe, and its part is shared only with keys that changed, but it is one of
        // three parts alike: all three carry a hash.
        assert!(names[1].starts_with("statement-A_B-"), "{names:?}");
        assert_eq!(names, file_names(keys), "stable from run to run");
    }
}

//! Writing one output: to a file, atomically, or to a device or standard output.

use super::InputFiles;
use super::target::{Target, target};
use super::temporary::{Pending, commit};
use anyhow::Context;
use std::io::Write;
use std::path::Path;

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
            let pending = Pending::write(resolved, keep, path, render)?;
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

//! Writing a rendered report to the terminal or to a file.

use anyhow::{Context, bail};
use std::io::Write;
use std::path::Path;

/// Runs `render` on the destination: the file at `path` (written atomically, and never one of the
/// run's `inputs`), or standard output. Output is buffered; a closed pipe surfaces as an error that
/// `main` treats as success.
pub fn write_with(
    path: Option<&Path>,
    inputs: &[String],
    render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            refuse_to_overwrite_inputs(path, &inputs)?;
            let folder = match path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => Path::new("."),
            };
            let temporary = temporary_file(folder)?;
            let mut writer = std::io::BufWriter::with_capacity(1 << 16, temporary);
            render(&mut writer).with_context(|| format!("cannot write {}", path.display()))?;
            let temporary = writer
                .into_inner()
                .map_err(|error| error.into_error())
                .with_context(|| format!("cannot write {}", path.display()))?;
            temporary
                .persist(path)
                .map_err(|error| error.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(())
        }
        None => {
            let stdout = std::io::stdout();
            let mut writer = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            render(&mut writer)?;
            writer.flush()?;
            Ok(())
        }
    }
}

/// A temporary file beside the output, readable as an ordinary file would be once it takes the
/// output's name (temporary files are otherwise private to their owner).
fn temporary_file(folder: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tfcalc-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))
}

/// A table's key made safe as part of a file name: letters, digits, `-` and `_` only.
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

/// Writes `content` to `path` (atomically: see [`write_with`]), or to standard output if there is
/// none.
pub fn emit(content: &[u8], path: Option<&Path>) -> anyhow::Result<()> {
    write_with(path, &[], |writer| Ok(writer.write_all(content)?))
}

/// Refuses to write over a file the run reads: `--output before.csv` would destroy the data.
pub fn refuse_to_overwrite_inputs(output: &Path, inputs: &[&str]) -> anyhow::Result<()> {
    let Ok(output) = std::fs::canonicalize(output) else {
        return Ok(()); // It does not exist yet, so it is not an input.
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|input| input == output) {
            bail!(
                "refusing to write to {}: it is one of this run's input files; choose another --output",
                output.display()
            );
        }
    }
    Ok(())
}

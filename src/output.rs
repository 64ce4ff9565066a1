//! Writing a rendered report to the terminal or to a file.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Writes `content` to `path`, or to standard output if there is none.
pub fn emit(content: &[u8], path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(path) => std::fs::write(path, content)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(content)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

//! Writing several files together, all or none: a folder of tables.

use super::InputFiles;
use super::inputs::{DestinationKey, DestinationKeys};
use super::target::{Target, target};
use super::temporary::{Pending, commit};
use anyhow::bail;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Files written together, all or none: each goes to a temporary as it is rendered, and they take
/// their names only when every one is complete. If one fails, no file is created or changed.
pub struct FileSet<'a> {
    option: &'a str,
    inputs: &'a InputFiles,
    pending: Vec<Pending>,
    /// Which of `pending` each destination key belongs to, to find a file written twice.
    destinations: HashMap<DestinationKey, usize>,
}

impl<'a> FileSet<'a> {
    pub fn new(option: &'a str, inputs: &'a InputFiles) -> FileSet<'a> {
        FileSet {
            option,
            inputs,
            pending: Vec::new(),
            destinations: HashMap::new(),
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
        let keys = DestinationKeys::of(&resolved);
        if let Some(&earlier) = keys.iter().find_map(|key| self.destinations.get(key)) {
            let earlier = &self.pending[earlier];
            // Names are kept apart (see `file_names`), so only links can make two one file.
            bail!(
                "cannot write {}: it is the same file as {}, which this output also writes (one is a link to the other); remove the link, or give {} another folder",
                path.display(),
                earlier.shown.display(),
                self.option
            );
        }
        let pending = Pending::write(resolved, keep, path, render)?;
        for key in keys.iter() {
            self.destinations.insert(key.clone(), self.pending.len());
        }
        self.pending.push(pending);
        Ok(())
    }

    /// Gives every file its name.
    pub fn commit(self) -> anyhow::Result<()> {
        commit(self.pending)
    }
}

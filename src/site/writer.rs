//! The one writer: every output file goes through here, on its way to a target.

use std::{collections::HashSet, io};

use super::{
    Layout,
    plan::{Content, OutFile},
};
use crate::target::{Outcome, Target};

/// What a sync did, path by path (logical keys of the target).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStats {
    /// Keys whose content changed (new or rewritten).
    pub written: Vec<String>,
    /// How many keys already held the right content.
    pub unchanged: usize,
    /// Keys removed because nothing produces them any more.
    pub removed: Vec<String>,
}

impl SyncStats {
    /// Adds another sync's figures to these.
    pub fn absorb(&mut self, other: SyncStats) {
        self.written.extend(other.written);
        self.unchanged += other.unchanged;
        self.removed.extend(other.removed);
    }

    /// Every key that changed, written or removed (what a CDN purge needs).
    #[must_use]
    pub fn changed(&self) -> Vec<&str> {
        self.written
            .iter()
            .chain(&self.removed)
            .map(String::as_str)
            .collect()
    }
}

/// Writes files to a target in a layout.
pub struct Writer<'a> {
    target: &'a dyn Target,
    layout: Layout,
}

impl<'a> Writer<'a> {
    /// A writer onto `target` in `layout`.
    #[must_use]
    pub fn new(target: &'a dyn Target, layout: Layout) -> Self {
        Writer { target, layout }
    }

    /// Writes `files`, which must be every file under `scope` (a set of key prefixes): any
    /// other key under the scope is removed.
    ///
    /// # Errors
    /// The target's I/O errors.
    pub fn sync_scope<I>(&self, scope: &[String], files: I) -> io::Result<SyncStats>
    where
        I: IntoIterator<Item = OutFile>,
    {
        let mut stats = SyncStats::default();
        let mut keep = HashSet::new();
        for file in files {
            let key = self.write_one(file, &mut stats)?;
            keep.insert(key);
        }
        for prefix in scope {
            for key in self.target.list(prefix)? {
                if !keep.contains(&key) && self.target.remove(&key)? {
                    stats.removed.push(key);
                }
            }
        }
        Ok(stats)
    }

    /// Writes one file and returns the key it landed at.
    ///
    /// # Errors
    /// The target's I/O errors.
    pub fn write_one(&self, file: OutFile, stats: &mut SyncStats) -> io::Result<String> {
        let key = self.layout.key(&file.path);
        let outcome = match &file.content {
            Content::Bytes(bytes) => self.target.put(&key, bytes)?,
            Content::Blob(path) => self.target.put_blob(&key, path)?,
        };
        match outcome {
            Outcome::Written => stats.written.push(key.clone()),
            Outcome::Unchanged => stats.unchanged += 1,
        }
        Ok(key)
    }

    /// Removes every key under `scope` that is not in `keep`.
    ///
    /// # Errors
    /// The target's I/O errors.
    pub fn remove_except(&self, scope: &str, keep: &HashSet<String>) -> io::Result<Vec<String>> {
        let mut removed = Vec::new();
        for key in self.target.list(scope)? {
            if !keep.contains(&key) && self.target.remove(&key)? {
                removed.push(key);
            }
        }
        Ok(removed)
    }
}

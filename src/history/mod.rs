//! Files derived from the index's git history rather than its current state: the change
//! feed (`-/changes…`, [`feed`]) and the copy of the index a static host serves to
//! `git clone` (`-/index.git/`, [`export`]). Each owns its key prefix, which the
//! registry-wide files leave alone.
//!
//! This layer sits above the index (it reads the repository and its history) and below the
//! registry (which hands its files to the one writer); it never writes the index, and
//! returns the index's own errors.

pub mod export;
pub mod feed;

use std::path::Path;

use crate::{
    index::{IndexConfig, IndexError},
    output::OutFile,
    progress::Progress,
};

/// Files under one key prefix, which they are all of (stale keys under `scope` go).
pub struct ScopedFiles {
    /// Key prefixes these files own; empty when they only add (append-only files).
    pub scope: Vec<String>,
    /// The files.
    pub files: Vec<OutFile>,
    /// The files that name others of `files` (the feed's head, `-/index.git/`'s refs and
    /// list of packs): written only once every one of `files` is, and stale keys removed
    /// only after them, so a reader never follows a name to a file not there yet (or gone).
    pub pointers: Vec<OutFile>,
    /// Files of the data directory (a cache's state, such as the feed's) to write once
    /// `files` and `pointers` are in the target ([`ScopedFiles::written`]), never before:
    /// a state that says a page is done while the page is not there would never write it.
    pub after: Vec<(std::path::PathBuf, Vec<u8>)>,
}

impl ScopedFiles {
    /// Writes [`ScopedFiles::after`]: call it once the files are in the target.
    ///
    /// # Errors
    /// I/O errors.
    pub fn written(&self) -> std::io::Result<()> {
        use std::io::Write as _;
        for (path, bytes) in &self.after {
            // Through a temporary file beside it, renamed over it: whole or not at all (a
            // kill leaves a temporary the start-up recovery removes).
            let dir = path.parent().unwrap_or_else(|| Path::new("."));
            std::fs::create_dir_all(dir)?;
            let mut temp = tempfile::NamedTempFile::new_in(dir)?;
            temp.write_all(bytes)?;
            temp.persist(path).map_err(|e| e.error)?;
        }
        Ok(())
    }

    /// Every file, in the order they may land (`files`, then `pointers`).
    #[must_use]
    pub fn ordered(&self) -> Vec<&OutFile> {
        self.files.iter().chain(&self.pointers).collect()
    }
}

/// The history-derived files after a change (`full` for a full build) of the index
/// repository at `index_root`, with a first export's stages told to `progress`. Each call
/// opens the repository itself, so a build can derive them on a thread of their own.
///
/// # Errors
/// Git and I/O errors.
pub fn files(
    index_root: &Path,
    data: &Path,
    config: &IndexConfig,
    full: bool,
    progress: &dyn Progress,
) -> Result<Vec<ScopedFiles>, IndexError> {
    let started = std::time::Instant::now();
    if full {
        progress.stage("reading the change feed", "commits", None);
    }
    let feed = feed::files(index_root, data, config, full)?;
    let fed = started.elapsed();
    let export = export::files(index_root, data, full, progress)?;
    tracing::debug!(feed = ?fed, export = ?(started.elapsed() - fed), "history files derived");
    Ok(vec![feed, export])
}

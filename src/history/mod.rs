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
    index::{IndexConfig, IndexError, IndexRepo},
    output::OutFile,
    progress::Progress,
};

/// Files under one key prefix, which they are all of (stale keys under `scope` go).
pub struct ScopedFiles {
    /// Key prefixes these files own; empty when they only add (append-only files).
    pub scope: Vec<String>,
    /// The files.
    pub files: Vec<OutFile>,
}

/// The history-derived files after a change (`full` for a full build), with a first export's
/// stages told to `progress`.
///
/// # Errors
/// Git and I/O errors.
pub fn files(
    index: &IndexRepo,
    data: &Path,
    config: &IndexConfig,
    full: bool,
    progress: &dyn Progress,
) -> Result<Vec<ScopedFiles>, IndexError> {
    let started = std::time::Instant::now();
    if full {
        progress.stage("reading the change feed", "commits", None);
    }
    let feed = feed::files(index, data, config, full)?;
    let fed = started.elapsed();
    let export = export::files(index, data, full, progress)?;
    tracing::debug!(feed = ?fed, export = ?(started.elapsed() - fed), "history files derived");
    Ok(vec![feed, export])
}

//! `shelf check`: does everything on disk say what the index says?
//!
//! After a crash (a killed server, a full disk, a power cut) an operator wants one answer:
//! is anything acknowledged missing, torn or stale? The check reads the index (every line
//! valid, the working tree clean), the blobs every live version names (present, the right
//! size and SHA-256), and renders the whole site through a *checking* directory target that
//! compares instead of writing ([`DirTarget::checking`]): each file that differs from the
//! render, is missing, or should not be there (a deleted version's file, a temporary file
//! an interrupted write left) is reported. Nothing in the site is changed; `shelf build
//! --verify` repairs what the check reports (a plain `shelf build`, and the one `shelf
//! serve` runs on start, trust the record of the last build's inputs for the packages whose
//! index files did not change: [`super::inputs`]). The check never reads that record.

use std::{fs, path::Path};

use super::{Options, Registry, RegistryError};
use crate::{
    blob::{self, BlobStore},
    index::IndexRepo,
    output::{DirTarget, Layout},
    progress::{Reporter, Tally},
};

/// What the check found; empty lists mean a consistent registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Index problems: uncommitted or untracked files, lines that do not parse.
    pub index: Vec<String>,
    /// Blob problems: a live version's zip missing, of the wrong size, or not its SHA-256.
    pub blobs: Vec<String>,
    /// Site files missing or whose bytes differ from what the index renders to.
    pub differing: Vec<String>,
    /// Site files nothing in the index produces.
    pub extra: Vec<String>,
    /// Packages whose files cannot be planned or compared (`protocol:name: why`): an
    /// index file today's rules refuse, or a site that cannot hold a file.
    pub unbuildable: Vec<String>,
    /// How many site files matched.
    pub matching: usize,
    /// How many blobs were verified.
    pub blobs_checked: usize,
}

impl Report {
    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.index.is_empty()
            && self.blobs.is_empty()
            && self.differing.is_empty()
            && self.extra.is_empty()
            && self.unbuildable.is_empty()
    }
}

/// Checks the registry in `opts.data` and its directory site; changes nothing in the index,
/// the blobs or the site (the feed's and the index export's caches in the data directory may
/// be refreshed, as by any build).
///
/// # Errors
/// No registry at `opts.data`, a remote `--target` (the check reads a directory), or I/O and
/// git errors that stop the check itself.
pub fn check(opts: &Options, progress: &Reporter) -> Result<Report, RegistryError> {
    let index_root = opts.data.join("index");
    if !index_root.join(".git").is_dir() {
        return Err(RegistryError::Io(std::io::Error::other(format!(
            "no registry at {}: its index {} does not exist",
            opts.data.display(),
            index_root.display()
        ))));
    }
    if opts.target.is_some() || opts.layout == Layout::Keys {
        return Err(RegistryError::Io(std::io::Error::other(
            "shelf check compares a directory site; run it without --target and --layout keys",
        )));
    }
    let mut report = Report::default();
    let index = IndexRepo::open_or_init(&index_root, "")?;
    report.index.extend(
        index
            .dirty_paths()?
            .into_iter()
            .map(|path| format!("{path}: not committed")),
    );
    let blobs = BlobStore::open(&opts.data.join("blobs"))?;
    let (lists, total) = crate::protocols::packages(index.root())?;
    progress.stage("hashing blobs", "packages", Some(total));
    let mut tally = Tally::default();
    for (protocol, names) in lists {
        for canonical in names {
            match protocol.blobs(index.root(), &canonical) {
                Ok(uses) => {
                    for used in uses {
                        report.blobs_checked += 1;
                        tally.files += 1;
                        tally.bytes += used.size;
                        let path = blobs.path(&used.sha256);
                        if let Some(problem) = blob_problem(&path, used.size, &used.sha256) {
                            report.blobs.push(format!("{}: {problem}", used.label));
                        }
                    }
                }
                Err(e) => report.index.push(e.to_string()),
            }
            tally.done += 1;
            progress.tally(tally);
        }
    }
    // A package whose record cannot be read fails alone: the rest of the site is compared.
    {
        let mut quiet = opts.clone();
        // A check tells nobody anything: no purge, no push.
        quiet.purge_url = None;
        quiet.purge_token = None;
        quiet.purge_command = None;
        quiet.index_remote = None;
        quiet.base_url = None;
        let target = DirTarget::checking(&opts.site_dir());
        let mut registry = Registry::open_with_target(&quiet, Box::new(target))?;
        registry.forget_inputs();
        registry.set_progress(progress.clone());
        let stats = registry.build(None)?;
        report.differing = stats.written;
        report.extra = stats.removed;
        report.matching = stats.unchanged;
        report.unbuildable = stats.failed;
    }
    Ok(report)
}

/// What is wrong with the blob at `path` for a line of `size` bytes and `sha256`, if anything.
fn blob_problem(path: &Path, size: u64, sha256: &str) -> Option<String> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Some(format!("blob {sha256} is missing")),
    };
    if meta.len() != size {
        return Some(format!(
            "blob {sha256} holds {} bytes, the index says {size}",
            meta.len()
        ));
    }
    match blob::sha256_of(path) {
        Ok(actual) if actual == sha256 => None,
        Ok(actual) => Some(format!("blob {sha256} hashes to {actual}")),
        Err(e) => Some(format!("blob {sha256} cannot be read: {e}")),
    }
}

//! Garbage collection: blobs no index line of any protocol names, older than a grace
//! period, are deleted; so are what crashes and abandoned uploads left in the store's
//! working folders.
//!
//! The mark is every blob each protocol's packages name ([`Protocol::blobs`], what `shelf
//! check` verifies): Serverless zips and npm tarballs of live versions, OCI manifests and
//! the blobs they name. A blob is kept while it is younger than the grace period: stored,
//! or marked fresh (a client found it there and its manifest is coming,
//! [`BlobStore::mark_fresh`]) less than `grace` ago, so a push in progress (blobs uploaded,
//! manifest not yet put) never loses one. Run on the writer (`shelf serve --gc-every`, or
//! `shelf gc` holding the data directory's lock), no commit can come between the mark and
//! the sweep; freshness is read again just before each deletion, so a blob uploaded again
//! meanwhile stays.
//!
//! [`Protocol::blobs`]: crate::site::protocol::Protocol::blobs

use std::{collections::BTreeSet, time::Duration, time::SystemTime};

use super::{Registry, RegistryError};
use crate::{progress::Tally, protocols};

/// What a collection did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Blobs some index line names.
    pub referenced: usize,
    /// Unreferenced blobs kept because they are younger than the grace period.
    pub fresh: usize,
    /// Unreferenced blobs deleted (or to delete): SHA-256 and size.
    pub deleted: Vec<(String, u64)>,
    /// Leftover files of the store's working folders deleted (or to delete).
    pub leftovers: usize,
}

impl GcReport {
    /// The bytes the deleted blobs held.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.deleted.iter().map(|(_, size)| size).sum()
    }
}

impl Registry {
    /// Collects the blob store's garbage: see the module's essay. With `dry_run`, nothing
    /// is deleted and the report says what would be.
    ///
    /// # Errors
    /// A record that cannot be read (nothing is deleted then), I/O errors.
    pub fn gc(&self, grace: Duration, dry_run: bool) -> Result<GcReport, RegistryError> {
        let root = self.index().root();
        let mut referenced = BTreeSet::new();
        let progress = &self.progress;
        progress.stage("reading the index", "packages", None);
        let mut tally = Tally::default();
        for protocol in protocols::ALL {
            for canonical in protocol.packages(root)? {
                for used in protocol.blobs(root, &canonical)? {
                    referenced.insert(used.sha256);
                }
                tally.done += 1;
                progress.tally(tally);
            }
        }
        let now = SystemTime::now();
        let old = |at: SystemTime| now.duration_since(at).is_ok_and(|age| age > grace);
        let blobs = self.blobs();
        let mut report = GcReport {
            referenced: referenced.len(),
            ..GcReport::default()
        };
        let stored = blobs.list()?;
        progress.stage("sweeping blobs", "blobs", Some(stored.len() as u64));
        let mut tally = Tally::default();
        for sha256 in stored {
            tally.done += 1;
            progress.tally(tally);
            if referenced.contains(&sha256) {
                continue;
            }
            if !blobs.freshness(&sha256).is_some_and(old) {
                report.fresh += 1;
                continue;
            }
            let size = std::fs::metadata(blobs.path(&sha256)).map_or(0, |m| m.len());
            if !dry_run {
                blobs.remove_unreferenced(&sha256)?;
            }
            tally.written += 1;
            tally.bytes += size;
            report.deleted.push((sha256, size));
        }
        if !dry_run && !report.deleted.is_empty() {
            // Who held a deleted blob holds it no more: one uploaded again later is held
            // only by who uploads it; and aliases of it go.
            blobs.forget_gone()?;
        }
        let cutoff = now.checked_sub(grace).unwrap_or(SystemTime::UNIX_EPOCH);
        for path in blobs.leftovers(cutoff)? {
            if !dry_run {
                let _ = std::fs::remove_file(&path);
            }
            report.leftovers += 1;
        }
        if !dry_run && !report.deleted.is_empty() {
            tracing::info!(
                deleted = report.deleted.len(),
                bytes = report.bytes(),
                "garbage collected"
            );
        }
        Ok(report)
    }
}

//! The seam between the registry and the protocols it serves: what a protocol tells the
//! registry about its packages, and nothing about their formats.
//!
//! A protocol keeps its records in the index (each under its own paths), plans the files its
//! clients read for one package, and gives the registry-wide files a summary of each package.
//! The registry lists, plans, writes and catalogues packages through this trait alone; the
//! protocol's uploads, records and HTTP routes are its own business.

use std::path::Path;

use serde_json::{Map, Value};

use super::{docs::SearchEntry, plan::Context, render::RenderError};
use crate::{index::IndexError, output::OutFile};

/// A package: which protocol it belongs to, and its canonical name (how its index file is
/// named).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageId {
    /// The protocol's [`Protocol::name`].
    pub protocol: &'static str,
    /// The package's canonical name.
    pub canonical: String,
}

/// One package's files and its summary.
#[derive(Debug)]
pub struct Planned {
    /// The package's name as published (its catalog key).
    pub name: String,
    /// Key prefixes the package's files live under: stale keys there are removed.
    pub scope: Vec<String>,
    /// The files, in the order readers may meet them (a version's archive and documents
    /// before the lists that name it).
    pub files: Vec<OutFile>,
    /// Its entry in the catalog; `None` when it has no live version (all its files go).
    pub entry: Option<SearchEntry>,
}

/// A blob a live version names, as `shelf check` verifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobUse {
    /// What names it (`hello@1.0.0`).
    pub label: String,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Why a package could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Its record could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A page could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// A protocol, as the registry sees it.
pub trait Protocol: Sync {
    /// Its name (`serverless`, `npm`).
    fn name(&self) -> &'static str;

    /// The canonical names of its packages in the index's working tree at `root`, sorted.
    ///
    /// # Errors
    /// I/O errors walking the tree.
    fn packages(&self, root: &Path) -> Result<Vec<String>, IndexError>;

    /// Which of its packages the index file `rel` holds; `None` when it is not one of its
    /// files.
    fn package_of(&self, rel: &str) -> Option<String>;

    /// One package's files and summary, read from the working tree at `root`; `None` when
    /// the package has no index file.
    ///
    /// # Errors
    /// A record that cannot be read, a page that cannot be rendered.
    fn plan(
        &self,
        root: &Path,
        canonical: &str,
        cx: &Context<'_>,
    ) -> Result<Option<Planned>, PlanError>;

    /// The key prefixes of one package's files, from its canonical name alone: what a
    /// full build keeps of a package whose files cannot be planned (a record broken by
    /// hand leaves the site as it was until it is fixed).
    fn scope(&self, canonical: &str) -> Vec<String>;

    /// Whether the package has an index file.
    ///
    /// # Errors
    /// I/O errors.
    fn package_exists(&self, root: &Path, canonical: &str) -> Result<bool, IndexError>;

    /// The package's entry in the catalog, without planning its files; `None` when it has
    /// no live version (or no file).
    ///
    /// # Errors
    /// A record that cannot be read.
    fn summary(&self, root: &Path, canonical: &str) -> Result<Option<SearchEntry>, IndexError>;

    /// The blobs one package's live versions name.
    ///
    /// # Errors
    /// A record that cannot be read.
    fn blobs(&self, root: &Path, canonical: &str) -> Result<Vec<BlobUse>, IndexError>;

    /// The package's name as published (not canonical), from the text of its index file;
    /// `None` when the text does not say (the change feed then names the canonical one).
    fn published_name(&self, text: &str) -> Option<String> {
        let _ = text;
        None
    }

    /// Whether a commit subject's `name@version` (index/README.md 2.9, the messages
    /// Shelf's Serverless writes have always had) names one of its releases: the change
    /// feed reads such commits from their messages.
    fn names_a_release(&self, name: &str, version: Option<&str>) -> bool {
        let _ = (name, version);
        false
    }

    /// What a commit subject this protocol writes in its own words means in the change
    /// feed's, when it names one release or one whole package: the verb (`Publish`,
    /// `Delete`: index/README.md 2.9), the name as published, and the version (`None` for
    /// the whole package). The feed then reads such a commit from its message, not from a
    /// diff of its trees and a read of the record it changed. `None`: described from the
    /// diff (an `update` of the names it touched).
    fn release_in_subject(&self, subject: &str) -> Option<(&'static str, String, Option<String>)> {
        let _ = subject;
        None
    }

    /// Its path templates in `-/config.json`.
    fn config_paths(&self) -> Map<String, Value> {
        Map::new()
    }

    /// Its rules in the shipped nginx configuration (`-/nginx.conf`), placed before the
    /// registry's own (nginx takes the first regular expression that matches).
    fn nginx(&self) -> &'static str {
        ""
    }
}

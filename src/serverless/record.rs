//! The index line: one JSON object per version, and a package as the list of its lines.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use std::{io, path::Path};

use git2::Oid;

use crate::{
    index::{Author, IndexError, IndexRepo, repo::read_file, shard_path},
    serverless::package::{Version, version},
};

pub use crate::text::{
    DESCRIPTION_CAP, FieldError, LINE_CAP, LIST_CAP, LIST_ITEM_CAP, NOTES_CAP, README_CAP,
    SHORT_TEXT_CAP, cap_readme, check_list, check_text, clip,
};

/// The line format's version, written in every line as `v`.
pub const LINE_FORMAT: u32 = 1;

/// One version of one package, as stored in the index. Field order here is the order in the
/// file. Unknown fields are kept when a line is rewritten (yank, delete).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexLine {
    /// Format version of this line ([`LINE_FORMAT`]).
    pub v: u32,
    /// Package name as published.
    pub name: String,
    /// Version, SemVer without build metadata.
    pub version: String,
    /// `Component`, `Plugin`, `Project` or `Application`.
    #[serde(rename = "type")]
    pub kind: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// Home page URL.
    #[serde(default)]
    pub home: String,
    /// Cloud providers the package works with.
    #[serde(default)]
    pub provider: Vec<String>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Serverless Package Model edition (`3.0.0`).
    #[serde(default)]
    pub edition: String,
    /// Lowercase hex SHA-256 of the zip: the blob's address and the download's checksum.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size: u64,
    /// When the version was published, RFC 3339 UTC with a `Z`.
    pub created_at: String,
    /// Release notes.
    #[serde(default)]
    pub body: String,
    /// The package's README (Markdown), at most [`README_CAP`] bytes.
    #[serde(default)]
    pub readme: String,
    /// Set when the readme was longer than [`README_CAP`] and was cut.
    #[serde(default, skip_serializing_if = "is_false")]
    pub readme_truncated: bool,
    /// `Service` from publish.yaml.
    #[serde(default)]
    pub service: Map<String, Value>,
    /// `Commands` from publish.yaml.
    #[serde(default)]
    pub commands: Map<String, Value>,
    /// `Properties` from publish.yaml.
    #[serde(default)]
    pub properties: Map<String, Value>,
    /// `Parameters` from publish.yaml.
    #[serde(default)]
    pub parameters: Map<String, Value>,
    /// `Dependencies` from publish.yaml: package name to version requirement.
    #[serde(default)]
    pub dependencies: Map<String, Value>,
    /// A yanked version stays downloadable but is never "latest".
    #[serde(default)]
    pub yanked: bool,
    /// Account that published the version.
    #[serde(default)]
    pub publisher: String,
    /// When the version was deleted. A deleted version's line stays as a tombstone so its
    /// number is never used again; readers skip it and its files are removed from the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Fields a later version of Shelf wrote, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_false(b: &bool) -> bool {
    !*b
}

impl IndexLine {
    /// Checks a new line against the documented caps (index/README.md 2.5): notes,
    /// description, home page, category, tags, providers, then the whole line.
    ///
    /// # Errors
    /// The first field over its cap.
    pub fn check_caps(&self) -> Result<(), FieldError> {
        check_text("description", &self.description, DESCRIPTION_CAP)?;
        check_text("body (release notes)", &self.body, NOTES_CAP)?;
        check_text("home", &self.home, SHORT_TEXT_CAP)?;
        check_text("category", &self.category, SHORT_TEXT_CAP)?;
        check_text("readme", &self.readme, README_CAP)?;
        check_list("tags", &self.tags)?;
        check_list("provider", &self.provider)?;
        let size = serde_json::to_vec(self).map_or(usize::MAX, |line| line.len());
        if size > LINE_CAP {
            return Err(FieldError::LineTooLong {
                size,
                limit: LINE_CAP,
            });
        }
        Ok(())
    }

    /// Whether the version still exists (is not a tombstone).
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// The parsed version. Lines are only written after their version was checked, so a line
    /// that fails here was edited by hand; callers report it rather than guess.
    ///
    /// # Errors
    /// The version's parse error.
    pub fn parsed_version(&self) -> Result<Version, crate::serverless::package::VersionError> {
        Version::parse(&self.version)
    }
}

/// A package as the index holds it: every line of its file, tombstones included, in publish
/// order.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageRecord {
    /// Lines in publish order.
    pub lines: Vec<IndexLine>,
}

/// A line of a package file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// Not JSON, or not an index line.
    #[error("line {line} is not a valid index line")]
    Invalid {
        /// 1-based line number.
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    /// Written by a newer Shelf in a format this one does not know; guessing could
    /// publish wrong data, so it is refused.
    #[error("line {line} has format version {found}; this Shelf reads version {LINE_FORMAT}")]
    Newer {
        /// 1-based line number.
        line: usize,
        /// The line's `v`.
        found: u32,
    },
}

impl PackageRecord {
    /// Parses a package file: one JSON object per non-empty line.
    ///
    /// # Errors
    /// [`LineError`] for the first line that is not a valid index line.
    pub fn parse(text: &str) -> Result<Self, LineError> {
        let lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let line: IndexLine =
                    serde_json::from_str(l).map_err(|source| LineError::Invalid {
                        line: i + 1,
                        source,
                    })?;
                if line.v > LINE_FORMAT {
                    return Err(LineError::Newer {
                        line: i + 1,
                        found: line.v,
                    });
                }
                Ok(line)
            })
            .collect::<Result<_, _>>()?;
        Ok(PackageRecord { lines })
    }

    /// The file's text: each line serialised compactly, each ending in `\n`.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            // Serialising a struct of strings, numbers and JSON maps cannot fail.
            out.push_str(&serde_json::to_string(line).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// The published name: that of the newest line (all lines carry the same name).
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.lines.last().map(|l| l.name.as_str())
    }

    /// Lines of versions that exist, in publish order.
    pub fn live(&self) -> impl DoubleEndedIterator<Item = &IndexLine> {
        self.lines.iter().filter(|l| l.is_live())
    }

    /// The line for `version`, tombstones included.
    #[must_use]
    pub fn find(&self, version: &Version) -> Option<&IndexLine> {
        self.lines
            .iter()
            .find(|l| l.parsed_version().is_ok_and(|v| &v == version))
    }

    /// Mutable access to the line for `version`, tombstones included.
    pub fn find_mut(&mut self, version: &Version) -> Option<&mut IndexLine> {
        self.lines
            .iter_mut()
            .find(|l| l.parsed_version().is_ok_and(|v| &v == version))
    }

    /// The latest live version's line (see [`version::latest`]).
    #[must_use]
    pub fn latest(&self) -> Option<&IndexLine> {
        let parsed: Vec<(Version, &IndexLine)> = self
            .live()
            .filter_map(|l| l.parsed_version().ok().map(|v| (v, l)))
            .collect();
        let best = version::latest(parsed.iter().map(|(v, l)| (v, l.yanked)))?;
        // Not yanked: a hand-edited file may hold the version twice, once yanked.
        parsed
            .iter()
            .find(|(v, l)| v == best && !l.yanked)
            .map(|(_, l)| *l)
    }
}

/// A package's record from the index's working tree at `root`, `None` when it has no file.
/// Reads files only (no git), so threads can call it at once (a full build does).
///
/// # Errors
/// I/O errors, and [`IndexError::Invalid`] for a file that is not UTF-8 or a line that does
/// not parse.
pub fn read_record(root: &Path, canonical: &str) -> Result<Option<PackageRecord>, IndexError> {
    let rel = shard_path(canonical);
    let Some(bytes) = read_file(root, &rel)? else {
        return Ok(None);
    };
    let invalid = |path: String, source: Box<dyn std::error::Error + Send + Sync>| {
        IndexError::Invalid { path, source }
    };
    let text = String::from_utf8(bytes).map_err(|e| invalid(rel.clone(), Box::new(e)))?;
    PackageRecord::parse(&text)
        .map(Some)
        .map_err(|e| invalid(rel, Box::new(e)))
}

/// The canonical names of every package file in the working tree at `root`, sorted: the
/// files at their own shard path (not READMEs, stray files, or another protocol's folder).
///
/// # Errors
/// I/O errors walking the tree.
pub fn packages(root: &Path) -> Result<Vec<String>, IndexError> {
    let mut names = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .min_depth(2)
        .max_depth(3)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walk {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy();
        let name = entry.file_name().to_string_lossy();
        if shard_path(&name) == rel {
            names.push(name.into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Serverless records in the index: a package's file at its shard path, one line per version.
pub trait RecordStore {
    /// A package's record, by canonical name; `None` when it has no file.
    ///
    /// # Errors
    /// I/O errors, or [`IndexError::Invalid`] when a line is not valid.
    fn read(&self, canonical: &str) -> Result<Option<PackageRecord>, IndexError>;

    /// Writes a package's file and commits it.
    ///
    /// # Errors
    /// Git and I/O errors.
    fn write(
        &self,
        canonical: &str,
        record: &PackageRecord,
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError>;

    /// The canonical names of every package, sorted.
    ///
    /// # Errors
    /// I/O errors walking the tree.
    fn packages(&self) -> Result<Vec<String>, IndexError>;
}

impl RecordStore for IndexRepo {
    fn read(&self, canonical: &str) -> Result<Option<PackageRecord>, IndexError> {
        read_record(self.root(), canonical)
    }

    fn write(
        &self,
        canonical: &str,
        record: &PackageRecord,
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        let rel = shard_path(canonical);
        self.write_file(&rel, record.to_text().as_bytes(), message, author)
    }

    fn packages(&self) -> Result<Vec<String>, IndexError> {
        packages(self.root())
    }
}

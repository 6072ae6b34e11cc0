//! A repository as the index holds it: one file, `oci/{name}/_repository` (no component of
//! a repository name can be `_repository`, so the files of `a` and `a/b` never meet), with
//! one JSON line for the repository (its tags and settings), then one line per manifest.
//!
//! A manifest's line says what the registry must know without reading the manifest: its
//! digest and media type, its size, the blobs and manifests it names (so a pull's files and
//! a garbage collection's marks come from the index alone), its `subject` and artifact type
//! (for referrers), who pushed it and when. The manifest's bytes are a blob, addressed by
//! their digest. A deleted manifest's line goes; the history keeps it. The format is
//! written up in index/README.md (section 5).

use std::{collections::BTreeMap, path::Path};

use git2::Oid;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{manifest::Descriptor, name::RepoName};
use crate::index::{Author, IndexError, IndexRepo, lines};

/// The line format's version, written in every line as `v`.
pub const LINE_FORMAT: u32 = 1;

/// The folder of the index repositories live under.
pub const INDEX_FOLDER: &str = "oci";

/// The name of a repository's file in its folder.
pub const FILE_NAME: &str = "_repository";

/// The repository line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoLine {
    /// Format version ([`LINE_FORMAT`]).
    pub v: u32,
    /// The repository's name.
    pub name: String,
    /// Whether a tag, once pushed, may never point elsewhere.
    #[serde(default)]
    pub immutable_tags: bool,
    /// Tag → manifest digest.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Fields a later version of Shelf wrote, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestLine {
    /// Format version ([`LINE_FORMAT`]).
    pub v: u32,
    /// Its digest, `sha256:…` (the SHA-256 of its bytes, which are a blob) or `sha512:…`.
    pub digest: String,
    /// The blob store's address of its bytes when its digest is not `sha256:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The blobs it names (config and layers).
    #[serde(default)]
    pub blobs: Vec<Descriptor>,
    /// The manifests it names (an index's).
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// What it refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Its artifact type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Its annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Map<String, Value>>,
    /// The account that pushed it.
    pub pushed_by: String,
    /// When, RFC 3339 UTC.
    pub pushed_at: String,
    /// Fields a later version of Shelf wrote, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ManifestLine {
    /// The blob store's address of its bytes.
    #[must_use]
    pub fn store(&self) -> &str {
        self.sha256
            .as_deref()
            .unwrap_or_else(|| super::name::hex_of(&self.digest))
    }
}

/// A repository: its line and its manifests' lines, in push order.
#[derive(Debug, Clone, PartialEq)]
pub struct OciRecord {
    /// The repository line.
    pub repo: RepoLine,
    /// Every manifest.
    pub manifests: Vec<ManifestLine>,
}

/// A record file that could not be read.
pub use crate::index::lines::FileError as RecordError;

impl OciRecord {
    /// A repository with nothing in it.
    #[must_use]
    pub fn new(name: &RepoName) -> Self {
        OciRecord {
            repo: RepoLine {
                v: LINE_FORMAT,
                name: name.as_str().to_owned(),
                immutable_tags: false,
                tags: BTreeMap::new(),
                extra: Map::new(),
            },
            manifests: Vec::new(),
        }
    }

    /// Parses a repository file.
    ///
    /// # Errors
    /// [`RecordError`] naming the first line that is not valid.
    pub fn parse(text: &str) -> Result<Self, RecordError> {
        let (repo, manifests) = lines::parse_file(text, LINE_FORMAT)?;
        Ok(OciRecord { repo, manifests })
    }

    /// The file's text.
    #[must_use]
    pub fn to_text(&self) -> String {
        lines::to_text(&self.repo, &self.manifests)
    }

    /// The manifest `digest`, if the repository has it.
    #[must_use]
    pub fn find(&self, digest: &str) -> Option<&ManifestLine> {
        self.manifests.iter().find(|m| m.digest == digest)
    }

    /// The manifests whose subject is `digest`, in push order.
    pub fn referrers<'a>(&'a self, digest: &'a str) -> impl Iterator<Item = &'a ManifestLine> {
        self.manifests
            .iter()
            .filter(move |m| m.subject.as_deref() == Some(digest))
    }

    /// The index of this repository that names `digest`, if one does.
    #[must_use]
    pub fn named_by_index(&self, digest: &str) -> Option<&ManifestLine> {
        self.manifests
            .iter()
            .find(|m| m.manifests.iter().any(|c| c.digest == digest))
    }
}

/// Where `name`'s file is in the index.
#[must_use]
pub fn index_path(name: &RepoName) -> String {
    format!("{INDEX_FOLDER}/{name}/{FILE_NAME}")
}

/// The repository a path of the index is the file of.
#[must_use]
pub fn repository_of(rel: &str) -> Option<String> {
    let name = rel
        .strip_prefix(INDEX_FOLDER)?
        .strip_prefix('/')?
        .strip_suffix(FILE_NAME)?
        .strip_suffix('/')?;
    RepoName::parse(name).ok().map(|n| n.as_str().to_owned())
}

/// The repository `name`'s record from the working tree at `root`.
///
/// # Errors
/// I/O errors, [`IndexError::Invalid`] for a file that does not parse.
pub fn read_record(root: &Path, name: &RepoName) -> Result<Option<OciRecord>, IndexError> {
    lines::read_record(root, &index_path(name), OciRecord::parse)
}

/// Commits `record` as its repository's file.
///
/// # Errors
/// Git and I/O errors; the working tree is back at `HEAD` after any of them.
pub fn write_record(
    index: &IndexRepo,
    record: &OciRecord,
    message: &str,
    author: &Author,
) -> Result<Oid, IndexError> {
    let name = RepoName::parse(&record.repo.name).map_err(|e| IndexError::Invalid {
        path: record.repo.name.clone(),
        source: Box::new(e),
    })?;
    index.write_file(
        &index_path(&name),
        record.to_text().as_bytes(),
        message,
        author,
    )
}

/// Every repository in the working tree at `root`, sorted.
///
/// # Errors
/// I/O errors walking the tree.
pub fn repositories(root: &Path) -> Result<Vec<String>, IndexError> {
    let folder = root.join(INDEX_FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in walkdir::WalkDir::new(&folder).min_depth(2) {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() || entry.file_name() != FILE_NAME {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        if let Some(name) = rel.to_str().and_then(repository_of) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_nested_repositories_never_meet() {
        let a = RepoName::parse("a").expect("valid");
        let ab = RepoName::parse("a/b").expect("valid");
        assert_eq!(index_path(&a), "oci/a/_repository");
        assert_eq!(index_path(&ab), "oci/a/b/_repository");
        assert_eq!(repository_of("oci/a/b/_repository").as_deref(), Some("a/b"));
        assert_eq!(repository_of("oci/_repository"), None);
        assert_eq!(repository_of("npm/a/_repository"), None);
    }

    #[test]
    fn a_record_round_trips() {
        let mut record = OciRecord::new(&RepoName::parse("lib/x").expect("valid"));
        record
            .repo
            .tags
            .insert("latest".to_owned(), "sha256:aa".to_owned());
        record.manifests.push(ManifestLine {
            v: LINE_FORMAT,
            digest: "sha256:aa".to_owned(),
            sha256: None,
            media_type: "m".to_owned(),
            size: 3,
            blobs: Vec::new(),
            manifests: Vec::new(),
            subject: Some("sha256:bb".to_owned()),
            artifact_type: None,
            annotations: None,
            pushed_by: "ann".to_owned(),
            pushed_at: "2026-11-30T00:00:00Z".to_owned(),
            extra: Map::new(),
        });
        assert_eq!(OciRecord::parse(&record.to_text()).expect("valid"), record);
        assert_eq!(record.referrers("sha256:bb").count(), 1);
    }
}

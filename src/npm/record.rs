//! An npm package as the index holds it: one file per package under `npm/`, one JSON line
//! for the package (its dist-tags and maintainers), then one line per version.
//!
//! A version's line keeps the version's manifest as it was published (its `package.json`
//! and what npm added to it, less `dist` and `readme`, which Shelf computes and caps), the
//! digests of its tarball (the blob's SHA-256, npm's SHA-512 `integrity` and SHA-1
//! `shasum`), who published it and when, and its deprecation message. An unpublished
//! version stays as a tombstone (`deleted_at`), so its number is never used again, as npm's
//! registry does. The format is written up in index/README.md (section 4).

use std::{collections::BTreeMap, path::Path};

use git2::Oid;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::name::{NpmName, shard_path};
use crate::index::{Author, IndexError, IndexRepo, lines};

/// The line format's version, written in every line as `v`.
pub const LINE_FORMAT: u32 = 1;

/// The folder of the index npm packages live under.
pub const INDEX_FOLDER: &str = "npm";

/// The longest version line, in bytes: the manifest and the readme (at most 64 KiB) together.
pub const LINE_CAP: usize = 256 * 1024;

/// The package line: what belongs to the package rather than to one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageLine {
    /// Format version ([`LINE_FORMAT`]).
    pub v: u32,
    /// The package name, `@scope/name` for scoped packages.
    pub name: String,
    /// Tag → version (`latest`, `next`, …).
    #[serde(rename = "dist-tags", default)]
    pub dist_tags: Map<String, Value>,
    /// The accounts shown as the package's maintainers (`npm owner ls`); who may change
    /// the package is Shelf's maintainers table, which `npm owner add/rm` updates too.
    #[serde(default)]
    pub maintainers: Vec<String>,
    /// The maintainers' e-mail addresses (account → address), as their accounts gave them
    /// when they became maintainers: npm prints `name <email>`. A maintainer missing here
    /// is shown with the address Shelf's commits give an account without one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub emails: BTreeMap<String, String>,
    /// Fields a later version of Shelf wrote, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionLine {
    /// Format version ([`LINE_FORMAT`]).
    pub v: u32,
    /// The version, SemVer.
    pub version: String,
    /// The version's manifest as published, less `dist` and `readme`.
    pub manifest: Map<String, Value>,
    /// Lowercase hex SHA-256 of the tarball: the blob's address.
    pub sha256: String,
    /// npm's `dist.integrity`: `sha512-` and the base64 SHA-512 of the tarball.
    pub integrity: String,
    /// npm's `dist.shasum`: lowercase hex SHA-1 of the tarball.
    pub shasum: String,
    /// Size of the tarball in bytes.
    pub size: u64,
    /// How many files the tarball holds.
    #[serde(default)]
    pub file_count: usize,
    /// Their unpacked size in bytes.
    #[serde(default)]
    pub unpacked_size: u64,
    /// When it was published, RFC 3339 UTC.
    pub created_at: String,
    /// The account that published it.
    pub publisher: String,
    /// The readme, at most 64 KiB.
    #[serde(default)]
    pub readme: String,
    /// A deprecation message; `None` when not deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// When it was unpublished: a tombstone, its number never used again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Fields a later version of Shelf wrote, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl VersionLine {
    /// Whether the version still exists (is not a tombstone).
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// A package: its line and its versions' lines, tombstones included, in publish order.
#[derive(Debug, Clone, PartialEq)]
pub struct NpmRecord {
    /// The package line.
    pub package: PackageLine,
    /// Every version in publish order.
    pub versions: Vec<VersionLine>,
}

/// A record file that could not be read.
pub use crate::index::lines::FileError as RecordError;

impl NpmRecord {
    /// A new package with no version yet.
    #[must_use]
    pub fn new(name: &NpmName) -> Self {
        NpmRecord {
            package: PackageLine {
                v: LINE_FORMAT,
                name: name.as_str().to_owned(),
                dist_tags: Map::new(),
                maintainers: Vec::new(),
                emails: BTreeMap::new(),
                extra: Map::new(),
            },
            versions: Vec::new(),
        }
    }

    /// Parses a package file.
    ///
    /// # Errors
    /// [`RecordError`] naming the first line that is not valid.
    pub fn parse(text: &str) -> Result<Self, RecordError> {
        let (package, versions) = lines::parse_file(text, LINE_FORMAT)?;
        Ok(NpmRecord { package, versions })
    }

    /// The file's text: the package line, then each version's, each ending in a newline.
    #[must_use]
    pub fn to_text(&self) -> String {
        lines::to_text(&self.package, &self.versions)
    }

    /// The versions that exist (not unpublished), in publish order.
    pub fn live(&self) -> impl DoubleEndedIterator<Item = &VersionLine> {
        self.versions.iter().filter(|l| l.is_live())
    }

    /// The line of `version`, tombstone or not.
    #[must_use]
    pub fn find(&self, version: &str) -> Option<&VersionLine> {
        self.versions.iter().find(|l| l.version == version)
    }

    /// The maintainers with their e-mail addresses, as a packument shows them.
    #[must_use]
    pub fn people(&self) -> Vec<(String, String)> {
        (self.package.maintainers.iter())
            .map(|name| {
                let email = (self.package.emails.get(name).cloned())
                    .unwrap_or_else(|| Author::named(name).email);
                (name.clone(), email)
            })
            .collect()
    }

    /// The line of the version number `version` is, tombstone or not: the version equal
    /// to it in SemVer precedence, build metadata aside (`2.0.0+evil` is the number
    /// `2.0.0`, which npm's own registry and its clients treat as one), so that a number
    /// once used is never used again however its build is spelled.
    #[must_use]
    pub fn find_number(&self, version: &str) -> Option<&VersionLine> {
        let number = |v: &str| {
            semver::Version::parse(v)
                .ok()
                .map(|v| (v.major, v.minor, v.patch, v.pre))
        };
        let wanted = number(version);
        self.versions
            .iter()
            .find(|l| match (&wanted, number(&l.version)) {
                (Some(wanted), Some(number)) => *wanted == number,
                _ => l.version == version,
            })
    }

    /// The line of `version`, to change it.
    pub fn find_mut(&mut self, version: &str) -> Option<&mut VersionLine> {
        self.versions.iter_mut().find(|l| l.version == version)
    }

    /// The version `latest` names, if it exists.
    #[must_use]
    pub fn latest(&self) -> Option<&VersionLine> {
        let tagged = self.package.dist_tags.get("latest")?.as_str()?;
        self.live().find(|l| l.version == tagged)
    }

    /// Points `latest` at the highest live release version when it names none that is
    /// live (after an unpublish), or removes it when no version is left; tags naming an
    /// unpublished version go.
    pub fn repair_tags(&mut self) {
        let live: Vec<String> = self.live().map(|l| l.version.clone()).collect();
        self.package
            .dist_tags
            .retain(|_, v| v.as_str().is_some_and(|v| live.iter().any(|l| l == v)));
        if !self.package.dist_tags.contains_key("latest") {
            let highest = live
                .iter()
                .filter_map(|v| semver::Version::parse(v).ok())
                .filter(|v| v.pre.is_empty())
                .max()
                .or_else(|| {
                    live.iter()
                        .filter_map(|v| semver::Version::parse(v).ok())
                        .max()
                });
            if let Some(v) = highest {
                self.package
                    .dist_tags
                    .insert("latest".to_owned(), Value::from(v.to_string()));
            }
        }
    }
}

/// Where `name`'s file is in the index.
#[must_use]
pub fn index_path(name: &NpmName) -> String {
    format!("{INDEX_FOLDER}/{}", shard_path(name))
}

/// The package `name`'s record from the working tree at `root`; `None` when it has none.
///
/// # Errors
/// I/O errors, [`IndexError::Invalid`] for a file that does not parse.
pub fn read_record(root: &Path, name: &NpmName) -> Result<Option<NpmRecord>, IndexError> {
    lines::read_record(root, &index_path(name), NpmRecord::parse)
}

/// Commits `record` as its package's file.
///
/// # Errors
/// Git and I/O errors; the working tree is back at `HEAD` after any of them.
pub fn write_record(
    index: &IndexRepo,
    record: &NpmRecord,
    message: &str,
    author: &Author,
) -> Result<Oid, IndexError> {
    let name = NpmName::parse(&record.package.name).map_err(|e| IndexError::Invalid {
        path: record.package.name.clone(),
        source: Box::new(e),
    })?;
    index.write_file(
        &index_path(&name),
        record.to_text().as_bytes(),
        message,
        author,
    )
}

/// Every npm package in the working tree at `root`, by name, sorted: the files under
/// `npm/` that sit at their own shard path.
///
/// # Errors
/// I/O errors walking the tree.
pub fn packages(root: &Path) -> Result<Vec<String>, IndexError> {
    let folder = root.join(INDEX_FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in walkdir::WalkDir::new(&folder).min_depth(2).max_depth(4) {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        if let Some(name) = package_of(&rel.to_string_lossy()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The npm package whose file is the index path `rel`; `None` when it is not one.
#[must_use]
pub fn package_of(rel: &str) -> Option<String> {
    let inner = rel.strip_prefix(INDEX_FOLDER)?.strip_prefix('/')?;
    let file = inner.rsplit('/').next()?;
    let scope = inner.split('/').next().filter(|s| s.starts_with('@'));
    let full = match scope {
        Some(scope) => format!("{scope}/{file}"),
        None => file.to_owned(),
    };
    let name = NpmName::parse(&full).ok()?;
    (shard_path(&name) == inner).then(|| name.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(v: &str) -> VersionLine {
        VersionLine {
            v: 1,
            version: v.to_owned(),
            manifest: Map::new(),
            sha256: "0".repeat(64),
            integrity: "sha512-x".to_owned(),
            shasum: "0".repeat(40),
            size: 1,
            file_count: 1,
            unpacked_size: 1,
            created_at: "2026-01-01T00:00:00Z".to_owned(),
            publisher: "alice".to_owned(),
            readme: String::new(),
            deprecated: None,
            deleted_at: None,
            extra: Map::new(),
        }
    }

    #[test]
    fn a_record_round_trips_and_tags_follow_unpublishes() {
        let name = NpmName::parse("@acme/widget").expect("name");
        let mut record = NpmRecord::new(&name);
        record.versions = vec![version("1.0.0"), version("1.1.0"), version("2.0.0-rc.1")];
        record
            .package
            .dist_tags
            .insert("latest".into(), Value::from("1.1.0"));
        record
            .package
            .dist_tags
            .insert("next".into(), Value::from("2.0.0-rc.1"));
        let parsed = NpmRecord::parse(&record.to_text()).expect("parses");
        assert_eq!(parsed, record);
        assert_eq!(record.latest().map(|l| l.version.as_str()), Some("1.1.0"));
        record.find_mut("1.1.0").expect("1.1.0").deleted_at = Some("now".into());
        record.repair_tags();
        assert_eq!(record.package.dist_tags["latest"], "1.0.0");
        assert_eq!(record.package.dist_tags["next"], "2.0.0-rc.1");
    }

    #[test]
    fn index_paths_name_their_package_and_nothing_else_does() {
        for name in ["express", "@acme/widget", "a", "ab", "abc", "@x/y"] {
            let parsed = NpmName::parse(name).expect("valid");
            let rel = index_path(&parsed);
            assert_eq!(package_of(&rel).as_deref(), Some(name), "{rel}");
        }
        for rel in ["npm/README.md", "he/ll/hello", "npm/ex/pr/other", "npm"] {
            assert_eq!(package_of(rel), None, "{rel}");
        }
    }
}

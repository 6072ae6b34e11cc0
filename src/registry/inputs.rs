//! What a build read, remembered so that the next build of the same target knows which
//! packages cannot have changed.
//!
//! A full build plans every package and compares every file with the target: at 100,000
//! versions nearly all of its time goes into proving that nothing changed. So after each
//! build the registry records its inputs in `DATA/build-inputs/{target}.json`: one
//! fingerprint of what every file depends on (Shelf's version and binary, the index's
//! settings, the templates and assets, the layout, the target) and, per package, one of
//! its index files at `HEAD` (their paths and git ids, read from the trees alone) with how
//! many files it made. The next build compares: with the same global fingerprint, only the
//! packages whose fingerprint differs are planned and written, with the registry-wide files
//! when any did; the history's files (incremental on their own) when the index has commits
//! the last build did not see. With nothing changed, nothing is planned, compared or sent. A package that left the index, a working tree that differs
//! from `HEAD`, a target that lost its `-/config.json`, or no record at all means a full
//! build. `shelf build --verify` compares every file as before (and records the inputs);
//! `shelf check` never reads the record.
//!
//! The record is removed before a build starts and written after it succeeded, so a build
//! that stopped half-way is followed by a full one (as is a `shelf build --package`, whose
//! packages' index files did not change). Every other write of the site (a publish, a yank,
//! a tag) follows a commit of the package's own index file, so a server stopped half-way
//! through one leaves a package the next build sees as changed, and repairs. What the
//! record cannot see is a target changed behind Shelf's back (a file deleted by hand): that
//! is what `--verify` is for.

use std::{
    collections::BTreeMap,
    fs, io,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{index::IndexRepo, protocols, site::protocol::PackageId};

/// The folder of the records, under the data directory.
pub const INPUTS_DIR: &str = "build-inputs";

/// One package's inputs and what they made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInputs {
    /// SHA-256 of its index files' paths and git ids, lowercase hex.
    pub hash: String,
    /// How many files its plan wrote.
    pub files: usize,
}

/// A build's inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// The fingerprint of what every file depends on.
    pub global: String,
    /// `{protocol}:{canonical}` → the package's inputs.
    pub packages: BTreeMap<String, PackageInputs>,
    /// How many registry-wide files the build wrote (pages, lists, search document).
    pub registry_files: usize,
    /// The index commit the build's history files (change feed, `-/index.git/`) reached.
    #[serde(default)]
    pub head: String,
}

/// What a build can skip, from the last build's record and the current inputs.
#[derive(Debug)]
pub enum Plan {
    /// Plan and write everything.
    Full(&'static str),
    /// Only these packages changed (possibly none); the others' files are as recorded.
    Changed {
        changed: Vec<PackageId>,
        /// How many files the packages left alone made, registry-wide files included
        /// when nothing changed.
        untouched: usize,
        /// Whether the index has commits the history files may not include yet.
        history: bool,
    },
}

/// The key of a package in the record.
#[must_use]
pub fn key(id: &PackageId) -> String {
    format!("{}:{}", id.protocol, id.canonical)
}

fn id_of(key: &str) -> Option<PackageId> {
    let (protocol, canonical) = key.split_once(':')?;
    Some(PackageId {
        protocol: protocols::named(protocol)?.name(),
        canonical: canonical.to_owned(),
    })
}

/// The record's file for the target named `target` (its spec or site directory) and the
/// layout, under `data`.
#[must_use]
pub fn record_path(data: &Path, target: &str, layout: &str) -> PathBuf {
    let digest = Sha256::digest(format!("{target}\n{layout}"));
    data.join(INPUTS_DIR)
        .join(format!("{}.json", &hex::encode(digest)[..16]))
}

/// Every package's fingerprint, from the index's `HEAD` trees.
///
/// # Errors
/// Git errors.
pub fn package_hashes(
    index: &IndexRepo,
) -> Result<BTreeMap<String, String>, crate::index::IndexError> {
    let mut hashers: BTreeMap<String, Sha256> = BTreeMap::new();
    for (rel, id) in index.head_files()? {
        if let Some(package) = protocols::package_of(&rel) {
            let hasher = hashers.entry(key(&package)).or_default();
            hasher.update(rel.as_bytes());
            hasher.update([0]);
            hasher.update(id.as_bytes());
        }
    }
    Ok(hashers
        .into_iter()
        .map(|(key, hasher)| (key, hex::encode(hasher.finalize())))
        .collect())
}

/// A fingerprint of `parts`, each length-prefixed.
#[must_use]
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// The files of a folder (templates, assets), by name, sorted: part of the fingerprint.
///
/// # Errors
/// I/O errors reading them.
pub fn folder_files(dir: &Path) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push((name, fs::read(entry.path())?));
        }
    }
    files.sort();
    Ok(files)
}

/// Shelf's version and the size and time of the running binary: a rebuilt Shelf may render
/// differently, so its first build is a full one.
#[must_use]
pub fn binary_stamp() -> String {
    let exe = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|meta| {
            let time = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {time}", meta.len())
        })
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// The record at `path`; `None` when there is none or it cannot be read (a full build then
/// writes a new one).
#[must_use]
pub fn load(path: &Path) -> Option<Inputs> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Removes the record at `path` (a build is about to change the target).
///
/// # Errors
/// I/O errors other than its absence.
pub fn forget(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes the record at `path` (through a temporary file, so it is whole or absent).
///
/// # Errors
/// I/O errors.
pub fn save(path: &Path, inputs: &Inputs) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("json.tmp");
    fs::write(&temp, serde_json::to_vec(inputs).map_err(io::Error::other)?)?;
    fs::rename(&temp, path)
}

/// What the build after `previous` has to do, given the current global fingerprint,
/// package hashes and index commit.
#[must_use]
pub fn plan(
    previous: Option<&Inputs>,
    global: &str,
    current: &BTreeMap<String, String>,
    head: &str,
) -> Plan {
    let Some(previous) = previous else {
        return Plan::Full("no record of an earlier build of this target");
    };
    if previous.global != global {
        return Plan::Full("Shelf, the index settings, templates or assets changed");
    }
    if previous.packages.keys().any(|k| !current.contains_key(k)) {
        return Plan::Full("a package left the index");
    }
    let mut changed = Vec::new();
    let mut untouched = 0;
    for (key, hash) in current {
        match previous.packages.get(key) {
            Some(old) if &old.hash == hash => untouched += old.files,
            _ => match id_of(key) {
                Some(id) => changed.push(id),
                None => return Plan::Full("a package of an unknown protocol"),
            },
        }
    }
    if changed.is_empty() {
        untouched += previous.registry_files;
    }
    Plan::Changed {
        changed,
        untouched,
        history: previous.head != head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(packages: &[(&str, &str, usize)]) -> Inputs {
        Inputs {
            global: "g".into(),
            packages: packages
                .iter()
                .map(|(k, h, n)| {
                    let inputs = PackageInputs {
                        hash: (*h).into(),
                        files: *n,
                    };
                    ((*k).to_owned(), inputs)
                })
                .collect(),
            registry_files: 6,
            head: "h".into(),
        }
    }

    fn current(packages: &[(&str, &str)]) -> BTreeMap<String, String> {
        packages
            .iter()
            .map(|(k, h)| ((*k).to_owned(), (*h).to_owned()))
            .collect()
    }

    #[test]
    fn only_changed_and_new_packages_are_planned() {
        let old = record(&[("serverless:a", "1", 10), ("npm:b", "2", 4)]);
        let now = current(&[("serverless:a", "1"), ("npm:b", "3"), ("oci:c", "4")]);
        let Plan::Changed {
            changed,
            untouched,
            history,
        } = plan(Some(&old), "g", &now, "h2")
        else {
            panic!("an incremental plan");
        };
        let keys: Vec<String> = changed.iter().map(key).collect();
        assert_eq!(keys, ["npm:b", "oci:c"]);
        assert_eq!(untouched, 10);
        assert!(history, "new commits");
        let same = current(&[("serverless:a", "1"), ("npm:b", "2")]);
        let Plan::Changed {
            changed,
            untouched,
            history,
        } = plan(Some(&old), "g", &same, "h")
        else {
            panic!("an incremental plan");
        };
        assert!(changed.is_empty() && !history);
        assert_eq!(untouched, 20, "registry-wide files too");
    }

    #[test]
    fn anything_global_or_a_vanished_package_means_a_full_build() {
        let old = record(&[("serverless:a", "1", 10)]);
        assert!(matches!(plan(None, "g", &current(&[]), "h"), Plan::Full(_)));
        let now = current(&[("serverless:a", "1")]);
        assert!(matches!(
            plan(Some(&old), "other", &now, "h"),
            Plan::Full(_)
        ));
        let gone = current(&[]);
        assert!(matches!(plan(Some(&old), "g", &gone, "h"), Plan::Full(_)));
        let odd = current(&[("serverless:a", "1"), ("nobody:x", "1")]);
        assert!(matches!(plan(Some(&old), "g", &odd, "h"), Plan::Full(_)));
    }
}

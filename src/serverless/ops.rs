//! The Serverless protocol's changes to the registry: publish a zip, yank, delete. Each
//! reads the package's record, checks the change, commits the new record as one index
//! commit, and has the registry write the package's files before returning.
//!
//! These run on the registry (the writer thread's, or the command line's); the HTTP
//! routes ([`super::api`]) and `shelf add`/`yank`/`delete` call them.

use std::{
    io::{BufReader, Read},
    path::Path,
};

use time::OffsetDateTime;

use super::{
    NAME,
    package::{
        PackageName, Version,
        archive::{self, Inspected, Limits},
    },
    record::{self as line, IndexLine, LINE_FORMAT, PackageRecord, RecordStore, read_record},
};
use crate::{
    blob::Staged,
    clock,
    index::Author,
    output::writer::SyncStats,
    registry::{Published, Registry, RegistryError},
    site::protocol::PackageId,
};

/// The ids of the Serverless packages `names` (any spelling), for `shelf build --package`.
///
/// # Errors
/// A name that is not valid.
pub fn package_ids(names: &[String]) -> Result<Vec<PackageId>, RegistryError> {
    names
        .iter()
        .map(|name| Ok(package_id(&PackageName::parse(name)?.canonical())))
        .collect()
}

/// The id of the Serverless package `canonical`.
#[must_use]
pub fn package_id(canonical: &str) -> PackageId {
    PackageId {
        protocol: NAME,
        canonical: canonical.to_owned(),
    }
}

impl Registry {
    /// Checks a zip and publishes it: blob, index line, commit, then the package's files and
    /// the registry-wide files. `notes` become the release notes (`body`).
    ///
    /// # Errors
    /// A client error when the zip or its version is refused (nothing is written then);
    /// an I/O, git or render error otherwise.
    pub fn add(
        &mut self,
        zip: impl Read,
        notes: &str,
        publisher: &Author,
        now: OffsetDateTime,
    ) -> Result<Published, RegistryError> {
        let staged = self.blobs().stage(zip, self.limits().max_zip_bytes)?;
        let inspected = inspect_staged(&staged, self.limits())?;
        let release = Release {
            notes: notes.to_owned(),
            ..Release::default()
        };
        self.publish(staged, &inspected, &release, publisher, now, |_| {
            Ok::<(), RegistryError>(())
        })
    }

    /// Whether `name@version` could be published now: the name is not taken under another
    /// spelling and the version number was never used. `authorize` sees the package's
    /// record (`None` for a new name) and may refuse.
    ///
    /// # Errors
    /// The reason it cannot be published.
    pub fn check_publishable<E: From<RegistryError>>(
        &self,
        name: &PackageName,
        version: &Version,
        authorize: impl FnOnce(Option<&PackageRecord>) -> Result<(), E>,
    ) -> Result<(), E> {
        check_publishable_at(self.index().root(), name, version, authorize)
    }

    /// Publishes a staged, inspected zip: the version check, `authorize` (which sees the
    /// package's record, `None` for a new name, and may refuse), the blob, the index line
    /// and its commit, then the files. Everything that can refuse runs before anything is
    /// written.
    ///
    /// # Errors
    /// A client error when the version or the caller is refused; I/O, git or render errors.
    pub fn publish<E: From<RegistryError>>(
        &mut self,
        staged: Staged,
        inspected: &Inspected,
        release: &Release,
        publisher: &Author,
        now: OffsetDateTime,
        authorize: impl FnOnce(Option<&PackageRecord>) -> Result<(), E>,
    ) -> Result<Published, E> {
        let manifest = &inspected.manifest;
        let (name, version) = (
            manifest.name.as_str().to_owned(),
            manifest.version.to_string(),
        );
        let canonical = manifest.name.canonical();
        let existing = self.index().read(&canonical).map_err(RegistryError::from)?;
        if let Some(record) = &existing {
            check_new_version(record, &name, &manifest.version)?;
        }
        authorize(existing.as_ref())?;
        let mut record = existing.unwrap_or(PackageRecord { lines: Vec::new() });

        let (sha256, size) = (staged.sha256.clone(), staged.size);
        let or = |own: &str, given: &str| {
            if own.is_empty() {
                given.to_owned()
            } else {
                own.to_owned()
            }
        };
        let or_list = |own: &[String], given: &[String]| {
            if own.is_empty() {
                given.to_vec()
            } else {
                own.to_vec()
            }
        };
        let (readme, readme_truncated) = match &release.readme {
            Some(text) if !text.is_empty() => line::cap_readme(text),
            _ => (inspected.readme.clone(), inspected.readme_truncated),
        };
        let line = IndexLine {
            v: LINE_FORMAT,
            name: name.clone(),
            version: version.clone(),
            kind: manifest.kind.as_str().to_owned(),
            description: or(&manifest.description, &release.description),
            home: or(&manifest.home, &release.home),
            provider: or_list(&manifest.provider, &release.provider),
            tags: or_list(&manifest.tags, &release.tags),
            category: manifest.category.clone(),
            edition: manifest.edition.clone(),
            sha256: sha256.clone(),
            size,
            created_at: clock::rfc3339(now),
            body: release.notes.clone(),
            readme,
            readme_truncated,
            service: or_map(&manifest.service, &release.service),
            commands: or_map(&manifest.commands, &release.commands),
            properties: or_map(&manifest.properties, &release.properties),
            parameters: manifest.parameters.clone(),
            dependencies: manifest.dependencies.clone(),
            yanked: false,
            publisher: publisher.name.clone(),
            deleted_at: None,
            extra: serde_json::Map::new(),
        };
        line.check_caps().map_err(RegistryError::from)?;
        record.lines.push(line);
        // A blob this publish adds goes again if its commit fails, so a refused or failed
        // publish leaves the store as it found it.
        let new_blob = !self.blobs().contains(&sha256);
        self.blobs().commit(staged).map_err(RegistryError::from)?;
        let written = self.index().write(
            &canonical,
            &record,
            &format!("Publish {name}@{version}"),
            publisher,
        );
        let commit = match written {
            Ok(commit) => commit,
            Err(error) => {
                if new_blob && let Err(e) = self.blobs().remove_unnamed(&sha256) {
                    tracing::warn!("cannot remove the blob of a failed publish: {e}");
                }
                return Err(RegistryError::from(error).into());
            }
        };
        let stats = self.regenerate(&[package_id(&canonical)])?;
        let config = self.index().config().map_err(RegistryError::from)?;
        Ok(Published {
            release_url: config.url(&format!("{name}/releases/tags/{version}")),
            zipball_url: config.zipball_url(&name, &version),
            page_url: config.url(&format!("{name}/")),
            name,
            version,
            sha256,
            size,
            commit: commit.to_string(),
            stats,
        })
    }

    /// Whether a package with this name (any spelling) has ever been published: its record.
    ///
    /// # Errors
    /// Index errors.
    pub fn record(&self, name: &PackageName) -> Result<Option<PackageRecord>, RegistryError> {
        Ok(self.index().read(&name.canonical())?)
    }

    /// Yanks (`yanked = true`) or un-yanks a version. Returns `false`, committing nothing,
    /// when the version already was in that state.
    ///
    /// # Errors
    /// Client errors for an unknown package or version; I/O, git or render errors.
    pub fn set_yanked(
        &mut self,
        name: &str,
        version: &str,
        yanked: bool,
        actor: &Author,
    ) -> Result<bool, RegistryError> {
        let (canonical, mut record, version) = self.find_version(name, version)?;
        let name = record.name().unwrap_or(name).to_owned();
        let Some(line) = record.find_mut(&version).filter(|l| l.is_live()) else {
            return Err(RegistryError::VersionNotFound {
                name,
                version: version.to_string(),
            });
        };
        if line.yanked == yanked {
            return Ok(false);
        }
        line.yanked = yanked;
        let verb = if yanked { "Yank" } else { "Unyank" };
        self.index().write(
            &canonical,
            &record,
            &format!("{verb} {name}@{version}"),
            actor,
        )?;
        self.regenerate(&[package_id(&canonical)])?;
        Ok(true)
    }

    /// Deletes one version (`Some`) or every version of a package (`None`). Lines stay as
    /// tombstones so the numbers are never used again; the files are removed from the site.
    ///
    /// # Errors
    /// Client errors for an unknown package or version; I/O, git or render errors.
    pub fn delete(
        &mut self,
        name: &str,
        version: Option<&str>,
        actor: &Author,
        now: OffsetDateTime,
    ) -> Result<SyncStats, RegistryError> {
        let parsed = PackageName::parse(name)?;
        let canonical = parsed.canonical();
        let mut record = self.live_record(&canonical, name)?;
        let name = record.name().unwrap_or(name).to_owned();
        let stamp = clock::rfc3339(now);
        let message = if let Some(version) = version {
            let version = Version::parse(version)?;
            let Some(line) = record.find_mut(&version).filter(|l| l.is_live()) else {
                return Err(RegistryError::VersionNotFound {
                    name,
                    version: version.to_string(),
                });
            };
            line.deleted_at = Some(stamp);
            format!("Delete {name}@{version}")
        } else {
            for line in record.lines.iter_mut().filter(|l| l.is_live()) {
                line.deleted_at = Some(stamp.clone());
            }
            format!("Delete {name}")
        };
        self.index().write(&canonical, &record, &message, actor)?;
        self.regenerate(&[package_id(&canonical)])
    }

    fn find_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<(String, PackageRecord, Version), RegistryError> {
        let canonical = PackageName::parse(name)?.canonical();
        let version = Version::parse(version)?;
        let record = self.live_record(&canonical, name)?;
        Ok((canonical, record, version))
    }

    fn live_record(&self, canonical: &str, name: &str) -> Result<PackageRecord, RegistryError> {
        self.index()
            .read(canonical)?
            .filter(|r| r.live().next().is_some())
            .ok_or_else(|| RegistryError::PackageNotFound(name.to_owned()))
    }
}

/// What a publisher says about a release besides the zip: notes, and values for fields the
/// zip's `publish.yaml` leaves empty (the zip wins where it has a value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Release {
    /// Release notes (`body`).
    pub notes: String,
    /// A readme to use instead of the zip's.
    pub readme: Option<String>,
    /// Description, when publish.yaml has none.
    pub description: String,
    /// Home page, when publish.yaml has none.
    pub home: String,
    /// Tags, when publish.yaml has none.
    pub tags: Vec<String>,
    /// Providers, when publish.yaml has none.
    pub provider: Vec<String>,
    /// `Service`, when publish.yaml has none.
    pub service: serde_json::Map<String, serde_json::Value>,
    /// `Commands`, when publish.yaml has none.
    pub commands: serde_json::Map<String, serde_json::Value>,
    /// `Properties`, when publish.yaml has none.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// Runs the zip checks on a staged upload.
///
/// # Errors
/// [`RegistryError::Archive`] naming the problem, or I/O errors reading the staged file.
pub fn inspect_staged(staged: &Staged, limits: &Limits) -> Result<Inspected, RegistryError> {
    Ok(archive::inspect(BufReader::new(staged.open()?), limits)?)
}

fn or_map(
    own: &serde_json::Map<String, serde_json::Value>,
    given: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    if own.is_empty() {
        given.clone()
    } else {
        own.clone()
    }
}

/// [`Registry::check_publishable`] from the index's working tree at `root`, for a first
/// look from outside the writer: the record read is the last one the writer wrote, and the
/// writer looks again before it commits.
///
/// # Errors
/// The reason it cannot be published.
pub fn check_publishable_at<E: From<RegistryError>>(
    root: &Path,
    name: &PackageName,
    version: &Version,
    authorize: impl FnOnce(Option<&PackageRecord>) -> Result<(), E>,
) -> Result<(), E> {
    let record = read_record(root, &name.canonical()).map_err(RegistryError::from)?;
    if let Some(record) = &record {
        check_new_version(record, name.as_str(), version)?;
    }
    authorize(record.as_ref())
}

fn check_new_version(
    record: &PackageRecord,
    name: &str,
    version: &Version,
) -> Result<(), RegistryError> {
    if let Some(existing) = record.name().filter(|n| *n != name) {
        return Err(RegistryError::NameTaken {
            name: name.to_owned(),
            existing: existing.to_owned(),
        });
    }
    match record.find(version) {
        Some(line) if line.is_live() => Err(RegistryError::VersionExists {
            name: name.to_owned(),
            version: version.to_string(),
        }),
        Some(_) => Err(RegistryError::VersionDeleted {
            name: name.to_owned(),
            version: version.to_string(),
        }),
        None => Ok(()),
    }
}

//! npm's changes to the registry: publish a version, set or remove a dist-tag, deprecate,
//! unpublish, set the maintainers shown. Each reads the package's record, checks the change,
//! commits the new record as one index commit, and has the registry write the package's
//! files before returning.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    NAME,
    name::NpmName,
    record::{LINE_CAP, LINE_FORMAT, NpmRecord, VersionLine, read_record, write_record},
    tarball::Inspected,
};
use crate::{
    blob::Staged,
    clock,
    index::Author,
    output::writer::SyncStats,
    registry::{Registry, RegistryError},
    site::protocol::PackageId,
    text::{FieldError, cap_readme},
};

/// The id of the npm package `name`.
#[must_use]
pub fn package_id(name: &NpmName) -> PackageId {
    PackageId {
        protocol: NAME,
        canonical: name.as_str().to_owned(),
    }
}

/// A version to publish, checked against its tarball by the caller.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The package.
    pub name: NpmName,
    /// The version, valid SemVer.
    pub version: String,
    /// The version's manifest from the publish document, less `dist` and `readme`.
    pub manifest: Map<String, Value>,
    /// The readme (the document's, else the tarball's).
    pub readme: String,
    /// `sha512-…` of the tarball, as verified.
    pub integrity: String,
    /// Hex SHA-1 of the tarball.
    pub shasum: String,
    /// The tags to point at the version (`latest` unless `--tag` said otherwise).
    pub tags: Vec<String>,
}

/// What a publish did.
#[derive(Debug, Clone)]
pub struct NpmPublished {
    /// The index commit.
    pub commit: String,
    /// The files written.
    pub stats: SyncStats,
}

impl Registry {
    /// The record of the npm package `name`, if it has one.
    ///
    /// # Errors
    /// Index errors.
    pub fn npm_record(&self, name: &NpmName) -> Result<Option<NpmRecord>, RegistryError> {
        Ok(read_record(self.index().root(), name)?)
    }

    /// Publishes one version of an npm package: the version check, `authorize` (which sees
    /// the package's record, `None` for a new name, and may refuse), the blob, the record
    /// and its commit, then the files.
    ///
    /// # Errors
    /// [`RegistryError::VersionExists`] or [`RegistryError::VersionDeleted`] for a number
    /// used before, the caller's refusal; I/O, git or render errors.
    pub fn npm_publish<E: From<RegistryError>>(
        &mut self,
        new: NewVersion,
        staged: Staged,
        inspected: &Inspected,
        publisher: &Author,
        now: OffsetDateTime,
        authorize: impl FnOnce(Option<&NpmRecord>) -> Result<(), E>,
    ) -> Result<NpmPublished, E> {
        let existing = self.npm_record(&new.name)?;
        if let Some(line) = existing.as_ref().and_then(|r| r.find_number(&new.version)) {
            let name = new.name.to_string();
            // `2.0.0+evil` after `2.0.0`: say which number it is.
            let version = if line.version == new.version {
                new.version.clone()
            } else {
                format!("{} (the number of {})", line.version, new.version)
            };
            return Err(if line.is_live() {
                RegistryError::VersionExists { name, version }.into()
            } else {
                RegistryError::VersionDeleted { name, version }.into()
            });
        }
        authorize(existing.as_ref())?;
        let mut record = existing.unwrap_or_else(|| {
            let mut record = NpmRecord::new(&new.name);
            record.package.maintainers.push(publisher.name.clone());
            record
        });
        // The address npm shows beside the publisher's name, when the record lacks it.
        if record.package.maintainers.contains(&publisher.name)
            && !record.package.emails.contains_key(&publisher.name)
        {
            (record.package.emails).insert(publisher.name.clone(), publisher.email.clone());
        }
        let (readme, _) = cap_readme(&new.readme);
        let line = VersionLine {
            v: LINE_FORMAT,
            version: new.version.clone(),
            manifest: new.manifest,
            sha256: staged.sha256.clone(),
            integrity: new.integrity,
            shasum: new.shasum,
            size: staged.size,
            file_count: inspected.files,
            unpacked_size: inspected.unpacked_size,
            created_at: clock::rfc3339(now),
            publisher: publisher.name.clone(),
            readme,
            deprecated: None,
            deleted_at: None,
            extra: Map::new(),
        };
        let size = serde_json::to_vec(&line).map_or(usize::MAX, |l| l.len());
        if size > LINE_CAP {
            let error = FieldError::LineTooLong {
                size,
                limit: LINE_CAP,
            };
            return Err(RegistryError::from(error).into());
        }
        record.versions.push(line);
        for tag in &new.tags {
            record
                .package
                .dist_tags
                .insert(tag.clone(), Value::from(new.version.as_str()));
        }
        record.repair_tags();
        let sha256 = staged.sha256.clone();
        let new_blob = !self.blobs().contains(&sha256);
        self.blobs().commit(staged).map_err(RegistryError::from)?;
        let message = format!("npm: publish {}@{}", new.name, new.version);
        let commit = match write_record(self.index(), &record, &message, publisher) {
            Ok(commit) => commit,
            Err(error) => {
                if new_blob && let Err(e) = self.blobs().remove_unnamed(&sha256) {
                    tracing::warn!("cannot remove the blob of a failed publish: {e}");
                }
                return Err(RegistryError::from(error).into());
            }
        };
        let stats = self.regenerate(&[package_id(&new.name)])?;
        Ok(NpmPublished {
            commit: commit.to_string(),
            stats,
        })
    }

    /// Applies `change` to the live record of `name` and commits it with `message`, unless
    /// `change` answers `false` (nothing to do: no commit).
    fn npm_change(
        &mut self,
        name: &NpmName,
        message: &str,
        actor: &Author,
        change: impl FnOnce(&mut NpmRecord) -> Result<bool, RegistryError>,
    ) -> Result<bool, RegistryError> {
        let mut record = self
            .npm_record(name)?
            .filter(|r| r.live().next().is_some())
            .ok_or_else(|| RegistryError::PackageNotFound(name.to_string()))?;
        if !change(&mut record)? {
            return Ok(false);
        }
        write_record(self.index(), &record, message, actor)?;
        self.regenerate(&[package_id(name)])?;
        Ok(true)
    }

    /// Points `tag` at `version`, or removes it (`None`). `latest` cannot be removed.
    ///
    /// # Errors
    /// An unknown package or version; I/O, git or render errors.
    pub fn npm_dist_tag(
        &mut self,
        name: &NpmName,
        tag: &str,
        version: Option<&str>,
        actor: &Author,
    ) -> Result<bool, RegistryError> {
        let message = match version {
            Some(v) => format!("npm: tag {name}@{v} {tag}"),
            None => format!("npm: untag {name} {tag}"),
        };
        self.npm_change(name, &message, actor, |record| {
            let old = record.package.dist_tags.get(tag).cloned();
            match version {
                Some(v) => {
                    if record.live().all(|l| l.version != v) {
                        return Err(RegistryError::VersionNotFound {
                            name: record.package.name.clone(),
                            version: v.to_owned(),
                        });
                    }
                    record.package.dist_tags.insert(tag.to_owned(), v.into());
                }
                None => {
                    record.package.dist_tags.remove(tag);
                }
            }
            record.repair_tags();
            Ok(record.package.dist_tags.get(tag) != old.as_ref())
        })
    }

    /// Sets (or, with an empty message, clears) the deprecation message of each listed
    /// version.
    ///
    /// # Errors
    /// An unknown package; I/O, git or render errors.
    pub fn npm_deprecate(
        &mut self,
        name: &NpmName,
        messages: &[(String, Option<String>)],
        actor: &Author,
    ) -> Result<bool, RegistryError> {
        let message = format!("npm: deprecate {name}");
        self.npm_change(name, &message, actor, |record| {
            let mut changed = false;
            for (version, text) in messages {
                let text = text.clone().filter(|t| !t.is_empty());
                if let Some(line) = record.find_mut(version).filter(|l| l.is_live())
                    && line.deprecated != text
                {
                    line.deprecated = text;
                    changed = true;
                }
            }
            Ok(changed)
        })
    }

    /// Unpublishes one version (`Some`) or every version (`None`). Lines stay as tombstones,
    /// so the numbers are never used again; the files are removed from the site.
    ///
    /// # Errors
    /// An unknown package or version; I/O, git or render errors.
    pub fn npm_unpublish(
        &mut self,
        name: &NpmName,
        version: Option<&str>,
        actor: &Author,
        now: OffsetDateTime,
    ) -> Result<bool, RegistryError> {
        let stamp = clock::rfc3339(now);
        let message = match version {
            Some(v) => format!("npm: unpublish {name}@{v}"),
            None => format!("npm: unpublish {name}"),
        };
        self.npm_change(name, &message, actor, |record| {
            match version {
                Some(v) => {
                    let Some(line) = record.find_mut(v).filter(|l| l.is_live()) else {
                        return Err(RegistryError::VersionNotFound {
                            name: record.package.name.clone(),
                            version: v.to_owned(),
                        });
                    };
                    line.deleted_at = Some(stamp);
                }
                None => {
                    for line in record.versions.iter_mut().filter(|l| l.is_live()) {
                        line.deleted_at = Some(stamp.clone());
                    }
                }
            }
            record.repair_tags();
            Ok(true)
        })
    }

    /// Sets the maintainers a package's packument shows (`npm owner ls`).
    ///
    /// # Errors
    /// An unknown package; I/O, git or render errors.
    pub fn npm_set_maintainers(
        &mut self,
        name: &NpmName,
        maintainers: Vec<Author>,
        actor: &Author,
    ) -> Result<bool, RegistryError> {
        let message = format!("npm: owners of {name}");
        let names: Vec<String> = maintainers.iter().map(|m| m.name.clone()).collect();
        let emails: std::collections::BTreeMap<String, String> = (maintainers.into_iter())
            .map(|m| (m.name, m.email))
            .collect();
        self.npm_change(name, &message, actor, |record| {
            if record.package.maintainers == names && record.package.emails == emails {
                return Ok(false);
            }
            record.package.maintainers = names;
            record.package.emails = emails;
            Ok(true)
        })
    }
}

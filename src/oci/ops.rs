//! OCI's changes to the registry: put a manifest (and point a tag at it), delete a manifest,
//! delete a tag. Each reads the repository's record, checks the change (every blob and
//! manifest a manifest names exists, a tag of an immutable repository does not move),
//! commits the new record as one index commit, and has the registry write the repository's
//! files before returning.

use time::OffsetDateTime;

use super::{
    NAME,
    manifest::Manifest,
    name::{Algorithm, Digest, RepoName, Tag},
    record::{LINE_FORMAT, ManifestLine, OciRecord, read_record, write_record},
};
use crate::{
    blob::Staged,
    clock,
    index::Author,
    registry::{Registry, RegistryError},
    site::protocol::PackageId,
};

/// The holder of the repository `name`'s blobs in the store ([`crate::blob::BlobStore::hold`]).
#[must_use]
pub fn holder(name: &RepoName) -> String {
    format!("{NAME}/{name}")
}

/// Whether the repository `record` (of `name`; `None` when it has none yet) holds the blob
/// `hex`: uploaded or mounted to it, or named by one of its manifests.
#[must_use]
pub fn repository_holds(
    blobs: &crate::blob::BlobStore,
    name: &RepoName,
    record: Option<&OciRecord>,
    hex: &str,
) -> bool {
    let named =
        |line: &ManifestLine| line.store() == hex || line.blobs.iter().any(|b| b.store() == hex);
    blobs.holds(&holder(name), hex)
        || (record.is_some_and(|r| r.manifests.iter().any(named)) && blobs.contains(hex))
}

/// The id of the repository `name`.
#[must_use]
pub fn package_id(name: &RepoName) -> PackageId {
    PackageId {
        protocol: NAME,
        canonical: name.as_str().to_owned(),
    }
}

/// Why a change is refused, in the spec's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A blob the manifest names is not in the registry.
    #[error("the manifest names the blob {0}, which is not in the registry")]
    BlobUnknown(String),
    /// A manifest the index names is not in the repository.
    #[error("the index names the manifest {0}, which is not in this repository")]
    ManifestUnknown(String),
    /// A descriptor's size is not that of what it names.
    #[error("the manifest says {digest} is {said} bytes, but it is {is}")]
    SizeMismatch {
        /// The descriptor's digest.
        digest: String,
        /// Its size as the manifest says it.
        said: u64,
        /// The size of what it names.
        is: u64,
    },
    /// The repository has no such manifest or tag.
    #[error("{0} is not in this repository")]
    Unknown(String),
    /// The repository's tags are immutable and this one exists.
    #[error("the tag {tag} already names {digest} and this repository's tags are immutable")]
    TagImmutable {
        /// The tag.
        tag: String,
        /// What it names.
        digest: String,
    },
    /// An index of the repository names the manifest.
    #[error("the manifest is named by the index {0}; delete that first")]
    Referenced(String),
}

/// A manifest to put.
#[derive(Debug)]
pub struct NewManifest {
    /// The repository.
    pub name: RepoName,
    /// Its digest (of the staged bytes).
    pub digest: Digest,
    /// What it says.
    pub manifest: Manifest,
    /// The tag to point at it, when pushed by tag.
    pub tag: Option<Tag>,
}

/// What a change did.
#[derive(Debug, Clone)]
pub struct OciChanged {
    /// The index commit; `None` when the change was already there (the same manifest put
    /// again under the same tag).
    pub commit: Option<String>,
}

impl Registry {
    /// The record of the repository `name`, if it has one.
    ///
    /// # Errors
    /// Index errors.
    pub fn oci_record(&self, name: &RepoName) -> Result<Option<OciRecord>, RegistryError> {
        Ok(read_record(self.index().root(), name)?)
    }

    /// Puts a manifest: `authorize` (which sees the record, `None` for a new repository)
    /// may refuse; then every blob and manifest it names must exist, a tag may not move
    /// in an immutable repository; then the manifest's bytes become a blob, the record is
    /// committed, and the files are written.
    ///
    /// # Errors
    /// The caller's refusal, a [`Refusal`], I/O, git or render errors.
    pub fn oci_put_manifest<E: From<RegistryError> + From<Refusal>>(
        &mut self,
        new: NewManifest,
        staged: Staged,
        pusher: &Author,
        now: OffsetDateTime,
        authorize: impl FnOnce(Option<&OciRecord>) -> Result<(), E>,
    ) -> Result<OciChanged, E> {
        let existing = self.oci_record(&new.name)?;
        authorize(existing.as_ref())?;
        let mut record = existing.unwrap_or_else(|| OciRecord::new(&new.name));
        // Each descriptor names something there, of the size it says (a client reads
        // exactly that many bytes, and `shelf check` verifies it).
        let mismatch = |digest: &str, said: u64, is: u64| Refusal::SizeMismatch {
            digest: digest.to_owned(),
            said,
            is,
        };
        let mut blobs = new.manifest.blobs.clone();
        for blob in &mut blobs {
            // Only what this repository holds (module `crate::blob`'s `hold`), found by
            // its store address (a `sha512:` digest's alias).
            let key = (Digest::parse(&blob.digest).ok())
                .and_then(|d| d.store_key(self.blobs()))
                .filter(|key| repository_holds(self.blobs(), &new.name, Some(&record), key));
            let size = (key.as_ref())
                .and_then(|key| std::fs::metadata(self.blobs().path(key)).ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len());
            let (Some(key), Some(size)) = (key, size) else {
                return Err(Refusal::BlobUnknown(blob.digest.clone()).into());
            };
            if size != blob.size {
                return Err(mismatch(&blob.digest, blob.size, size).into());
            }
            // The record keeps the address of a digest that is not it; never what the
            // client's manifest said there.
            blob.sha256 = (!blob.digest.starts_with("sha256:")).then_some(key);
        }
        for child in &new.manifest.manifests {
            let Some(line) = record.find(&child.digest) else {
                return Err(Refusal::ManifestUnknown(child.digest.clone()).into());
            };
            if line.size != child.size {
                return Err(mismatch(&child.digest, child.size, line.size).into());
            }
        }
        let digest = new.digest.as_str();
        if let Some(tag) = &new.tag
            && let Some(old) = record.repo.tags.get(tag.as_str())
            && old != digest
            && record.repo.immutable_tags
        {
            return Err(Refusal::TagImmutable {
                tag: tag.to_string(),
                digest: old.clone(),
            }
            .into());
        }
        let known = record.find(digest).is_some();
        let tag_unchanged = new
            .tag
            .as_ref()
            .is_none_or(|t| record.repo.tags.get(t.as_str()).map(String::as_str) == Some(digest));
        if known && tag_unchanged {
            return Ok(OciChanged { commit: None });
        }
        if !known {
            let m = &new.manifest;
            record.manifests.push(ManifestLine {
                v: LINE_FORMAT,
                digest: digest.to_owned(),
                sha256: (new.digest.algorithm() != Algorithm::Sha256)
                    .then(|| staged.sha256.clone()),
                media_type: m.media_type.to_owned(),
                size: staged.size,
                blobs,
                manifests: m.manifests.clone(),
                subject: m.subject.as_ref().map(|s| s.digest.clone()),
                artifact_type: m.artifact_type.clone(),
                annotations: m.annotations.clone(),
                pushed_by: pusher.name.clone(),
                pushed_at: clock::rfc3339(now),
                extra: serde_json::Map::new(),
            });
        }
        if let Some(tag) = &new.tag {
            record.repo.tags.insert(tag.to_string(), digest.to_owned());
        }
        let sha256 = staged.sha256.clone();
        let new_blob = !self.blobs().contains(&sha256);
        self.blobs().commit(staged).map_err(RegistryError::from)?;
        if new.digest.algorithm() != Algorithm::Sha256 {
            (self.blobs())
                .alias("sha512", new.digest.encoded(), &sha256)
                .map_err(RegistryError::from)?;
        }
        let message = match &new.tag {
            Some(tag) => format!("oci: push {}:{tag} {digest}", new.name),
            None => format!("oci: push {}@{digest}", new.name),
        };
        self.oci_commit(&record, &message, pusher, new_blob.then_some(&sha256))
    }

    /// Deletes the manifest `digest` and every tag naming it.
    ///
    /// # Errors
    /// The caller's refusal, [`Refusal::Unknown`], [`Refusal::Referenced`], I/O, git or
    /// render errors.
    pub fn oci_delete_manifest<E: From<RegistryError> + From<Refusal>>(
        &mut self,
        name: &RepoName,
        digest: &Digest,
        author: &Author,
        authorize: impl FnOnce(&OciRecord) -> Result<(), E>,
    ) -> Result<OciChanged, E> {
        let digest = digest.as_str();
        let mut record = self
            .oci_record(name)?
            .filter(|r| r.find(digest).is_some())
            .ok_or_else(|| Refusal::Unknown(digest.to_owned()))?;
        authorize(&record)?;
        if let Some(index) = record.named_by_index(digest) {
            return Err(Refusal::Referenced(index.digest.clone()).into());
        }
        record.manifests.retain(|m| m.digest != digest);
        record.repo.tags.retain(|_, d| d != digest);
        let message = format!("oci: delete {name}@{digest}");
        self.oci_commit(&record, &message, author, None)
    }

    /// Deletes the tag `tag` (the manifest stays, reachable by digest).
    ///
    /// # Errors
    /// The caller's refusal, [`Refusal::Unknown`], [`Refusal::TagImmutable`], I/O, git or
    /// render errors.
    pub fn oci_delete_tag<E: From<RegistryError> + From<Refusal>>(
        &mut self,
        name: &RepoName,
        tag: &Tag,
        author: &Author,
        authorize: impl FnOnce(&OciRecord) -> Result<(), E>,
    ) -> Result<OciChanged, E> {
        let mut record = self
            .oci_record(name)?
            .filter(|r| r.repo.tags.contains_key(tag.as_str()))
            .ok_or_else(|| Refusal::Unknown(tag.to_string()))?;
        authorize(&record)?;
        if record.repo.immutable_tags {
            let digest = record.repo.tags[tag.as_str()].clone();
            return Err(Refusal::TagImmutable {
                tag: tag.to_string(),
                digest,
            }
            .into());
        }
        record.repo.tags.remove(tag.as_str());
        let message = format!("oci: untag {name}:{tag}");
        self.oci_commit(&record, &message, author, None)
    }

    /// Commits `record` and writes its files; a blob this change added goes again when the
    /// commit fails.
    fn oci_commit<E: From<RegistryError>>(
        &mut self,
        record: &OciRecord,
        message: &str,
        author: &Author,
        new_blob: Option<&String>,
    ) -> Result<OciChanged, E> {
        let commit = match write_record(self.index(), record, message, author) {
            Ok(commit) => commit,
            Err(error) => {
                if let Some(sha256) = new_blob
                    && let Err(e) = self.blobs().remove_unnamed(sha256)
                {
                    tracing::warn!("cannot remove the blob of a failed push: {e}");
                }
                return Err(RegistryError::from(error).into());
            }
        };
        let name = RepoName::parse(&record.repo.name).map_err(|e| {
            RegistryError::from(crate::index::IndexError::Invalid {
                path: record.repo.name.clone(),
                source: Box::new(e),
            })
        })?;
        self.regenerate(&[package_id(&name)])?;
        Ok(OciChanged {
            commit: Some(commit.to_string()),
        })
    }
}

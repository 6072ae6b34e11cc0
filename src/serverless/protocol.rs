//! The Serverless protocol as the registry sees it ([`Protocol`]): its packages are the
//! files at their shard paths at the index's root, one JSON line per version.

use std::path::Path;

use serde_json::{Map, Value};

use super::{
    docs,
    package::{PackageName, Version},
    paths::package_prefixes,
    plan,
    record::{self, read_record},
};
use crate::{
    index::{IndexError, shard_path},
    site::{
        docs::SearchEntry,
        plan::Context,
        protocol::{BlobUse, PlanError, Planned, Protocol},
    },
};

/// The protocol's name, in package ids and the catalog.
pub const NAME: &str = "serverless";

/// The Serverless protocol.
pub struct Serverless;

/// The one instance, for registration.
pub static SERVERLESS: Serverless = Serverless;

/// The canonical package name whose file sits at `rel` (a `/`-separated path in the index),
/// or `None` when `rel` is not a package file (a README, CI configuration, another
/// protocol's folder).
#[must_use]
pub fn package_of(rel: &str) -> Option<String> {
    let file = rel.rsplit('/').next()?;
    let name = PackageName::parse(file).ok()?;
    (name.canonical() == file && shard_path(file) == rel).then(|| file.to_owned())
}

impl Protocol for Serverless {
    fn name(&self) -> &'static str {
        NAME
    }

    fn packages(&self, root: &Path) -> Result<Vec<String>, IndexError> {
        record::packages(root)
    }

    fn package_of(&self, rel: &str) -> Option<String> {
        package_of(rel)
    }

    fn published_name(&self, text: &str) -> Option<String> {
        let record = record::PackageRecord::parse(text).ok()?;
        record
            .name()
            .filter(|n| PackageName::parse(n).is_ok())
            .map(str::to_owned)
    }

    fn names_a_release(&self, name: &str, version: Option<&str>) -> bool {
        PackageName::parse(name).is_ok()
            && !name.contains(' ')
            && version.is_none_or(|v| Version::parse(v).is_ok())
    }

    fn plan(
        &self,
        root: &Path,
        canonical: &str,
        cx: &Context<'_>,
    ) -> Result<Option<Planned>, PlanError> {
        let Some(record) = read_record(root, canonical)? else {
            return Ok(None);
        };
        let name = record.name().unwrap_or(canonical);
        Ok(Some(Planned {
            name: name.to_owned(),
            scope: package_prefixes(name).to_vec(),
            files: plan::package_files(&record, cx)?,
            entry: docs::search_entry(&record),
        }))
    }

    fn scope(&self, canonical: &str) -> Vec<String> {
        package_prefixes(canonical).to_vec()
    }

    fn package_exists(&self, root: &Path, canonical: &str) -> Result<bool, IndexError> {
        Ok(read_record(root, canonical)?.is_some())
    }

    fn summary(&self, root: &Path, canonical: &str) -> Result<Option<SearchEntry>, IndexError> {
        Ok(read_record(root, canonical)?
            .as_ref()
            .and_then(docs::search_entry))
    }

    fn blobs(&self, root: &Path, canonical: &str) -> Result<Vec<BlobUse>, IndexError> {
        let Some(record) = read_record(root, canonical)? else {
            return Ok(Vec::new());
        };
        Ok(record
            .live()
            .map(|line| BlobUse {
                label: format!("{}@{}", line.name, line.version),
                sha256: line.sha256.clone(),
                size: line.size,
            })
            .collect())
    }

    fn config_paths(&self) -> Map<String, Value> {
        docs::config_paths()
    }

    fn nginx(&self) -> &'static str {
        super::paths::NGINX
    }
}

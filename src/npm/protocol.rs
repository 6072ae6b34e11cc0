//! npm as the registry sees it ([`Protocol`]): its packages are the files under the index's
//! `npm/` folder.

use std::path::Path;

use serde_json::{Map, Value};

use super::{
    docs,
    name::NpmName,
    paths::package_scope,
    plan,
    record::{self, read_record},
};
use crate::{
    index::IndexError,
    site::{
        docs::SearchEntry,
        plan::Context,
        protocol::{BlobUse, PlanError, Planned, Protocol},
    },
};

/// The protocol's name, in package ids and the catalog.
pub const NAME: &str = "npm";

/// npm's block of `-/nginx.conf`. nginx decodes `@scope%2fname` (either case) to
/// `@scope/name` before it matches, so scoped packuments are found in their folder.
const NGINX: &str = r#"
    # npm: the registry URL to give npm is http://HOST/npm/ (with the trailing slash).
    # A version's tarball never changes.
    location ~ ^/npm/.+/-/[^/]+\.tgz$ {
        types { }
        default_type application/octet-stream;
        add_header X-Content-Type-Options nosniff always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
    # A package's page.
    location ~ ^/npm/.+/-/$ {
        default_type text/html;
        try_files ${uri}index.html =404;
    }
    # Packuments (each is also its package's folder) and dist-tags are JSON.
    location ~ ^/npm/ {
        types { }
        default_type application/json;
        try_files $uri/index.json $uri =404;
    }
"#;

/// The npm protocol.
pub struct Npm;

/// The one instance, for registration.
pub static NPM: Npm = Npm;

fn parse(canonical: &str) -> Result<NpmName, IndexError> {
    NpmName::parse(canonical).map_err(|e| IndexError::Invalid {
        path: canonical.to_owned(),
        source: Box::new(e),
    })
}

impl Protocol for Npm {
    fn name(&self) -> &'static str {
        NAME
    }

    fn packages(&self, root: &Path) -> Result<Vec<String>, IndexError> {
        record::packages(root)
    }

    fn package_of(&self, rel: &str) -> Option<String> {
        record::package_of(rel)
    }

    /// `npm: publish NAME@VERSION` and `npm: unpublish NAME[@VERSION]` (`ops.rs`).
    fn release_in_subject(&self, subject: &str) -> Option<(&'static str, String, Option<String>)> {
        let (verb, target) = subject.strip_prefix("npm: ")?.split_once(' ')?;
        let verb = match verb {
            "publish" => "Publish",
            "unpublish" => "Delete",
            _ => return None,
        };
        // The version is after the last `@` (a scoped name begins with one).
        let (name, version) = match target.rsplit_once('@') {
            Some((name, version))
                if !name.is_empty() && semver::Version::parse(version).is_ok() =>
            {
                (name, Some(version.to_owned()))
            }
            _ => (target, None),
        };
        if NpmName::parse(name).is_err() || (verb == "Publish" && version.is_none()) {
            return None;
        }
        Some((verb, name.to_owned(), version))
    }

    fn plan(
        &self,
        root: &Path,
        canonical: &str,
        cx: &Context<'_>,
    ) -> Result<Option<Planned>, PlanError> {
        let name = parse(canonical)?;
        let Some(record) = read_record(root, &name)? else {
            return Ok(None);
        };
        Ok(Some(Planned {
            name: name.to_string(),
            scope: package_scope(name.as_str()),
            files: plan::package_files(&record, cx)?,
            entry: docs::search_entry(&record),
        }))
    }

    fn scope(&self, canonical: &str) -> Vec<String> {
        package_scope(canonical)
    }

    fn package_exists(&self, root: &Path, canonical: &str) -> Result<bool, IndexError> {
        Ok(read_record(root, &parse(canonical)?)?.is_some())
    }

    fn summary(&self, root: &Path, canonical: &str) -> Result<Option<SearchEntry>, IndexError> {
        Ok(read_record(root, &parse(canonical)?)?
            .as_ref()
            .and_then(docs::search_entry))
    }

    fn blobs(&self, root: &Path, canonical: &str) -> Result<Vec<BlobUse>, IndexError> {
        let Some(record) = read_record(root, &parse(canonical)?)? else {
            return Ok(Vec::new());
        };
        Ok(record
            .live()
            .map(|line| BlobUse {
                label: format!("npm {}@{}", record.package.name, line.version),
                sha256: line.sha256.clone(),
                size: line.size,
            })
            .collect())
    }

    fn config_paths(&self) -> Map<String, Value> {
        plan::config_paths()
    }

    fn nginx(&self) -> &'static str {
        NGINX
    }
}

//! OCI as the registry sees it ([`Protocol`]): its packages are the repositories under the
//! index's `oci/` folder.

use std::path::Path;

use serde_json::{Map, Value};

use super::{
    name::RepoName,
    paths::repository_scope,
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
pub const NAME: &str = "oci";

/// OCI's block of `-/nginx.conf`. OCI clients read from the host's root (`/v2/`), so the
/// site must be served at the root for them. A manifest, by tag or by digest, is a folder
/// holding one file named `{digest}.{ext}`: `random_index` serves that one file, whose
/// location takes the digest for `Docker-Content-Digest` from its name and the media type
/// from its extension.
const NGINX: &str = r#"
    # OCI: `docker pull HOST/NAME:TAG` (pulls need the site at the host's root).
    location = /v2/ {
        add_header Docker-Distribution-API-Version registry/2.0 always;
        return 200 '{}';
    }
    # A repository's page.
    location ~ ^/v2/.+/-/$ {
        default_type text/html;
        try_files ${uri}index.html =404;
    }
    # A manifest by tag or digest: the one file of its folder.
    location ~ ^/v2/.+/manifests/[^/]+$ {
        rewrite ^(.*)$ $1/ last;
    }
    location ~ ^/v2/.+/manifests/[^/]+/$ {
        random_index on;
        error_page 403 404 = @oci_manifest_unknown;
    }
    location ~ "^/v2/.+/manifests/((?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))/((?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))\.[a-z-]+$" {
        types {
            application/vnd.oci.image.manifest.v1+json oci-manifest;
            application/vnd.oci.image.index.v1+json oci-index;
            application/vnd.docker.distribution.manifest.v2+json docker-manifest;
            application/vnd.docker.distribution.manifest.list.v2+json docker-list;
        }
        add_header Docker-Content-Digest $2 always;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
        add_header X-Content-Type-Options nosniff always;
    }
    location ~ "^/v2/.+/manifests/[^/]+/((?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))\.[a-z-]+$" {
        types {
            application/vnd.oci.image.manifest.v1+json oci-manifest;
            application/vnd.oci.image.index.v1+json oci-index;
            application/vnd.docker.distribution.manifest.v2+json docker-manifest;
            application/vnd.docker.distribution.manifest.list.v2+json docker-list;
        }
        add_header Docker-Content-Digest $1 always;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=60, must-revalidate" always;
        add_header X-Content-Type-Options nosniff always;
    }
    # A blob never changes.
    location ~ "^/v2/.+/blobs/((?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))$" {
        types { }
        default_type application/octet-stream;
        error_page 404 = @oci_blob_unknown;
        add_header Docker-Content-Digest $1 always;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
        add_header X-Content-Type-Options nosniff always;
    }
    location ~ "^/v2/.+/referrers/(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$" {
        types { }
        default_type application/vnd.oci.image.index.v1+json;
        error_page 404 = @oci_no_referrers;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=60, must-revalidate" always;
        add_header X-Content-Type-Options nosniff always;
    }
    location ~ ^/v2/.+/tags/list$ {
        types { }
        default_type application/json;
        error_page 404 = @oci_name_unknown;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=60, must-revalidate" always;
        add_header X-Content-Type-Options nosniff always;
    }
    # Whatever else is under /v2/, and what the tree does not hold, answers as the
    # distribution spec has it: its error document, with the API's version; a digest with
    # no referrers has an empty list, never a 404.
    location /v2/ {
        error_page 403 404 = @oci_name_unknown;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header X-Content-Type-Options nosniff always;
    }
    location @oci_manifest_unknown {
        default_type application/json;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header X-Content-Type-Options nosniff always;
        return 404 '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown to this registry"}]}';
    }
    location @oci_blob_unknown {
        default_type application/json;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header X-Content-Type-Options nosniff always;
        return 404 '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to this registry"}]}';
    }
    location @oci_name_unknown {
        default_type application/json;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header X-Content-Type-Options nosniff always;
        return 404 '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to this registry"}]}';
    }
    location @oci_no_referrers {
        default_type application/vnd.oci.image.index.v1+json;
        add_header Docker-Distribution-API-Version registry/2.0 always;
        add_header Cache-Control "public, max-age=60, must-revalidate" always;
        add_header X-Content-Type-Options nosniff always;
        return 200 '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';
    }
"#;

/// The OCI protocol.
pub struct Oci;

/// The one instance, for registration.
pub static OCI: Oci = Oci;

fn parse(canonical: &str) -> Result<RepoName, IndexError> {
    RepoName::parse(canonical).map_err(|e| IndexError::Invalid {
        path: canonical.to_owned(),
        source: Box::new(e),
    })
}

impl Protocol for Oci {
    fn name(&self) -> &'static str {
        NAME
    }

    fn packages(&self, root: &Path) -> Result<Vec<String>, IndexError> {
        record::repositories(root)
    }

    fn package_of(&self, rel: &str) -> Option<String> {
        record::repository_of(rel)
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
            scope: repository_scope(name.as_str()),
            files: plan::repository_files(&record, cx)?,
            entry: plan::search_entry(&record),
        }))
    }

    fn scope(&self, canonical: &str) -> Vec<String> {
        repository_scope(canonical)
    }

    fn package_exists(&self, root: &Path, canonical: &str) -> Result<bool, IndexError> {
        Ok(read_record(root, &parse(canonical)?)?.is_some())
    }

    fn summary(&self, root: &Path, canonical: &str) -> Result<Option<SearchEntry>, IndexError> {
        Ok(read_record(root, &parse(canonical)?)?
            .as_ref()
            .and_then(plan::search_entry))
    }

    fn blobs(&self, root: &Path, canonical: &str) -> Result<Vec<BlobUse>, IndexError> {
        let Some(record) = read_record(root, &parse(canonical)?)? else {
            return Ok(Vec::new());
        };
        let name = &record.repo.name;
        let mut uses = Vec::new();
        for line in &record.manifests {
            // By their store addresses (a `sha512:` digest's is kept beside it).
            uses.push(BlobUse {
                label: format!("oci {name}@{}", line.digest),
                sha256: line.store().to_owned(),
                size: line.size,
            });
            for blob in &line.blobs {
                uses.push(BlobUse {
                    label: format!("oci {name}@{} blob {}", line.digest, blob.digest),
                    sha256: blob.store().to_owned(),
                    size: blob.size,
                });
            }
        }
        Ok(uses)
    }

    fn config_paths(&self) -> Map<String, Value> {
        plan::config_paths()
    }

    fn nginx(&self) -> &'static str {
        NGINX
    }
}

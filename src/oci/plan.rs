//! The files of one repository, in the order a puller may meet them: blobs, then each
//! manifest by digest (an index after the manifests it names), the referrers lists, the
//! tags, the tag list and the page, so that no file names another that is not there yet.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    manifest::{Descriptor, OCI_INDEX},
    paths::{PREFIX, blob_path, manifest_path},
    record::{ManifestLine, OciRecord},
};
use crate::{
    output::{Content, OutFile},
    site::{
        docs::{RegistryConfig, SearchEntry},
        plan::Context,
        render::RenderError,
    },
    text::clip,
};

/// The longest description taken from a manifest's annotations into the registry-wide
/// documents.
const DESCRIPTION_CAP: usize = 280;

/// The annotation a description is read from.
const DESCRIPTION: &str = "org.opencontainers.image.description";

/// The tag list, as `GET /v2/{name}/tags/list` answers it.
#[derive(Debug, Serialize)]
pub struct TagList<'a> {
    /// The repository.
    pub name: &'a str,
    /// Its tags, sorted.
    pub tags: Vec<&'a str>,
}

/// A referrers list: an image index of the manifests whose subject is one digest.
#[derive(Debug, Serialize)]
pub struct Referrers {
    /// Always 2.
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// Always an OCI index.
    #[serde(rename = "mediaType")]
    pub media_type: &'static str,
    /// One descriptor per referrer.
    pub manifests: Vec<Descriptor>,
}

/// The context of `oci-repository.html`.
#[derive(Debug, Serialize)]
struct Page<'a> {
    config: &'a RegistryConfig,
    name: &'a str,
    description: String,
    host: String,
    tags: Vec<PageManifest>,
    manifests: Vec<PageManifest>,
}

/// A manifest on the page.
#[derive(Debug, Serialize)]
struct PageManifest {
    tag: String,
    digest: String,
    media_type: String,
    artifact_type: Option<String>,
    size: u64,
    platforms: Vec<String>,
    pushed_at: String,
}

/// `os/architecture[/variant]` of an index's entry.
fn platform(descriptor: &Descriptor) -> Option<String> {
    let p = descriptor.platform.as_ref()?;
    let field = |k: &str| p.get(k).and_then(Value::as_str);
    let mut text = format!("{}/{}", field("os")?, field("architecture")?);
    if let Some(variant) = field("variant") {
        text.push('/');
        text.push_str(variant);
    }
    Some(text)
}

fn page_manifest(tag: &str, line: &ManifestLine) -> PageManifest {
    PageManifest {
        tag: tag.to_owned(),
        digest: line.digest.clone(),
        media_type: line.media_type.clone(),
        artifact_type: line.artifact_type.clone(),
        size: line.size + line.blobs.iter().map(|b| b.size).sum::<u64>(),
        platforms: line.manifests.iter().filter_map(platform).collect(),
        pushed_at: line.pushed_at.clone(),
    }
}

/// A manifest's descriptor in a referrers list.
#[must_use]
pub fn referrer(line: &ManifestLine) -> Descriptor {
    Descriptor {
        media_type: line.media_type.clone(),
        digest: line.digest.clone(),
        size: line.size,
        artifact_type: line.artifact_type.clone(),
        annotations: line.annotations.clone(),
        platform: None,
        urls: None,
        sha256: None,
    }
}

/// The referrers list of `digest` in `record`.
#[must_use]
pub fn referrers(record: &OciRecord, digest: &str) -> Referrers {
    Referrers {
        schema_version: 2,
        media_type: OCI_INDEX,
        manifests: record.referrers(digest).map(referrer).collect(),
    }
}

/// Every file of one repository. A repository whose manifests were all deleted still
/// exists: its tag list says it has none.
///
/// # Errors
/// Template errors.
pub fn repository_files(record: &OciRecord, cx: &Context<'_>) -> Result<Vec<OutFile>, RenderError> {
    let name = record.repo.name.as_str();
    if record.manifests.is_empty() {
        let list = TagList {
            name,
            tags: Vec::new(),
        };
        return Ok(vec![OutFile::json(
            format!("{PREFIX}/{name}/tags/list"),
            &list,
        )]);
    }
    let mut files = Vec::new();
    let mut blobs = BTreeSet::new();
    for line in &record.manifests {
        for blob in &line.blobs {
            if blobs.insert(blob.digest.as_str()) {
                files.push(OutFile {
                    path: blob_path(name, &blob.digest),
                    content: Content::Blob(cx.blobs.path(blob.store())),
                });
            }
        }
    }
    // Push order puts an index after the manifests it names: they must exist to push it.
    for line in &record.manifests {
        files.push(OutFile {
            path: manifest_path(name, &line.digest, &line.digest, &line.media_type),
            content: Content::Blob(cx.blobs.path(line.store())),
        });
    }
    // A referrers list for every manifest and every subject named: never a 404 for a
    // digest the registry knows.
    let mut subjects: BTreeSet<&str> = record.manifests.iter().map(|m| m.digest.as_str()).collect();
    subjects.extend(record.manifests.iter().filter_map(|m| m.subject.as_deref()));
    for digest in subjects {
        files.push(OutFile::json(
            format!("{PREFIX}/{name}/referrers/{digest}"),
            &referrers(record, digest),
        ));
    }
    for (tag, digest) in &record.repo.tags {
        if let Some(line) = record.find(digest) {
            files.push(OutFile {
                path: manifest_path(name, tag, digest, &line.media_type),
                content: Content::Blob(cx.blobs.path(line.store())),
            });
        }
    }
    let list = TagList {
        name,
        tags: record.repo.tags.keys().map(String::as_str).collect(),
    };
    files.push(OutFile::json(format!("{PREFIX}/{name}/tags/list"), &list));
    let tagged: Vec<PageManifest> = record
        .repo
        .tags
        .iter()
        .filter_map(|(tag, digest)| record.find(digest).map(|l| page_manifest(tag, l)))
        .collect();
    let host = cx
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(&cx.config.base_url)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let page = Page {
        config: &cx.registry,
        name,
        description: description(record),
        host,
        tags: tagged,
        manifests: record
            .manifests
            .iter()
            .rev()
            .map(|l| page_manifest("", l))
            .collect(),
    };
    files.push(OutFile {
        path: format!("{PREFIX}/{name}/-/index.html"),
        content: Content::Bytes(cx.renderer.oci_repository(&page)?.into_bytes()),
    });
    Ok(files)
}

/// The newest manifest's description annotation, clipped.
fn description(record: &OciRecord) -> String {
    record
        .manifests
        .iter()
        .rev()
        .find_map(|m| m.annotations.as_ref()?.get(DESCRIPTION)?.as_str())
        .map(|d| clip(d, DESCRIPTION_CAP).to_owned())
        .unwrap_or_default()
}

/// The repository's entry in the catalog; `None` when it has no manifest.
#[must_use]
pub fn search_entry(record: &OciRecord) -> Option<SearchEntry> {
    let newest = record.manifests.last()?;
    let latest = if record.repo.tags.contains_key("latest") {
        Some("latest".to_owned())
    } else {
        record.repo.tags.keys().next_back().cloned()
    };
    let mut extra = Map::new();
    extra.insert("protocol".into(), Value::from("oci"));
    extra.insert(
        "page".into(),
        Value::from(format!("{PREFIX}/{}/-/", record.repo.name)),
    );
    Some(SearchEntry {
        name: record.repo.name.clone(),
        kind: "oci".to_owned(),
        description: description(record),
        tags: Vec::new(),
        provider: Vec::new(),
        latest,
        updated: newest.pushed_at.clone(),
        category: String::new(),
        people: Vec::new(),
        extra,
    })
}

/// OCI's path templates in `-/config.json`.
#[must_use]
pub fn config_paths() -> Map<String, Value> {
    let mut paths = Map::new();
    for (key, path) in [
        ("oci_manifest", "v2/{name}/manifests/{reference}"),
        ("oci_blob", "v2/{name}/blobs/{digest}"),
        ("oci_tags", "v2/{name}/tags/list"),
        ("oci_referrers", "v2/{name}/referrers/{digest}"),
        ("oci_page", "v2/{name}/-/"),
    ] {
        paths.insert(key.to_owned(), Value::from(path));
    }
    paths
}

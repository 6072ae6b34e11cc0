//! Manifests as a registry must read them: which media type a pushed document is, which
//! blobs and manifests it names (each must exist before it is accepted), its `subject`
//! (what it is a referrer of) and what the referrers list says of it.
//!
//! Four media types are taken: OCI image manifests and indexes, Docker schema 2 manifests
//! and manifest lists. An artifact is an OCI image manifest with an `artifactType` (or a
//! config of its own type). The bytes are kept exactly as pushed: their SHA-256 is the
//! manifest's digest.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::name::{Digest, NameError};

/// The largest manifest accepted, in bytes (what the distribution spec asks every
/// registry to take).
pub const MAX_MANIFEST: usize = 4 << 20;

/// An OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// An OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// A Docker schema 2 manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// A Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// Every media type taken, with the file extension its manifests have in the dir layout
/// (which tells nginx the `Content-Type`).
pub const MEDIA_TYPES: &[(&str, &str)] = &[
    (OCI_MANIFEST, "oci-manifest"),
    (OCI_INDEX, "oci-index"),
    (DOCKER_MANIFEST, "docker-manifest"),
    (DOCKER_LIST, "docker-list"),
];

/// The media type `text` names, as the static string of [`MEDIA_TYPES`].
#[must_use]
pub fn media_type(text: &str) -> Option<&'static str> {
    MEDIA_TYPES.iter().map(|(t, _)| *t).find(|t| *t == text)
}

/// The dir-layout extension of a media type.
#[must_use]
pub fn extension(media_type: &str) -> Option<&'static str> {
    MEDIA_TYPES
        .iter()
        .find(|(t, _)| *t == media_type)
        .map(|(_, e)| *e)
}

/// The media type of a dir-layout extension.
#[must_use]
pub fn by_extension(ext: &str) -> Option<&'static str> {
    MEDIA_TYPES.iter().find(|(_, e)| *e == ext).map(|(t, _)| *t)
}

/// Whether the media type is an index (names manifests, not blobs).
#[must_use]
pub fn is_index(media_type: &str) -> bool {
    media_type == OCI_INDEX || media_type == DOCKER_LIST
}

/// Why a manifest is refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Over [`MAX_MANIFEST`].
    #[error("the manifest is {size} bytes, over the limit of {MAX_MANIFEST}")]
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// Not JSON, or not the shape of its type.
    #[error("the manifest is not valid: {0}")]
    Invalid(String),
    /// A media type this registry does not take.
    #[error(
        "the media type {0:?} is not one this registry takes (OCI image manifest or index, Docker schema 2 manifest or list)"
    )]
    MediaType(String),
    /// A descriptor names a digest Shelf cannot address.
    #[error(transparent)]
    Digest(#[from] NameError),
}

/// A descriptor: what a manifest says of a blob or manifest it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Its media type.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Its digest.
    pub digest: String,
    /// Its size in bytes.
    pub size: u64,
    /// The artifact type (in a referrers list).
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Map<String, Value>>,
    /// The platform of an index's entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Value>,
    /// Where a foreign layer is downloaded from: such a blob need not be in the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    /// In a record: the blob store's address of a blob whose digest is not `sha256:`
    /// (set by the registry when it checks the manifest; whatever a client's manifest
    /// says here is replaced).
    #[serde(
        rename = "_shelf_sha256",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sha256: Option<String>,
}

impl Descriptor {
    /// The blob store's address of what it names (a record's descriptor).
    #[must_use]
    pub fn store(&self) -> &str {
        self.sha256
            .as_deref()
            .unwrap_or_else(|| super::name::hex_of(&self.digest))
    }
}

/// What a registry reads of a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Its media type, one of [`MEDIA_TYPES`].
    pub media_type: &'static str,
    /// The blobs it names that must be in the registry: the config and each layer (less
    /// foreign layers).
    pub blobs: Vec<Descriptor>,
    /// The manifests an index names.
    pub manifests: Vec<Descriptor>,
    /// What it refers to.
    pub subject: Option<Descriptor>,
    /// Its artifact type: `artifactType`, else a config's media type other than an image
    /// config's.
    pub artifact_type: Option<String>,
    /// Its annotations.
    pub annotations: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "schemaVersion")]
    schema_version: Option<u64>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    #[serde(rename = "artifactType")]
    artifact_type: Option<String>,
    config: Option<Descriptor>,
    layers: Option<Vec<Descriptor>>,
    manifests: Option<Vec<Descriptor>>,
    subject: Option<Descriptor>,
    annotations: Option<Map<String, Value>>,
}

/// The image config types, which do not make a manifest an artifact.
const IMAGE_CONFIGS: &[&str] = &[
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];

/// Reads a pushed manifest: `content_type` is the request's `Content-Type` (which wins
/// when the document does not say; when both do, they must agree).
///
/// # Errors
/// [`ManifestError`].
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<Manifest, ManifestError> {
    if bytes.len() > MAX_MANIFEST {
        return Err(ManifestError::TooLarge { size: bytes.len() });
    }
    let raw: Raw =
        serde_json::from_slice(bytes).map_err(|e| ManifestError::Invalid(e.to_string()))?;
    if raw.schema_version != Some(2) {
        return Err(ManifestError::Invalid("schemaVersion must be 2".to_owned()));
    }
    let content_type = content_type
        .map(|t| t.split(';').next().unwrap_or_default().trim())
        .filter(|t| !t.is_empty() && *t != "application/json");
    let named = match (content_type, raw.media_type.as_deref()) {
        (Some(header), Some(body)) if header != body => {
            return Err(ManifestError::Invalid(format!(
                "the Content-Type {header:?} is not the document's mediaType {body:?}"
            )));
        }
        (Some(t), _) | (None, Some(t)) => t.to_owned(),
        (None, None) if raw.manifests.is_some() => OCI_INDEX.to_owned(),
        (None, None) => OCI_MANIFEST.to_owned(),
    };
    let media_type = media_type(&named).ok_or(ManifestError::MediaType(named))?;
    let check = |d: &Descriptor| Digest::parse(&d.digest).map(|_| ());
    let mut blobs = Vec::new();
    let mut manifests = Vec::new();
    if is_index(media_type) {
        if raw.config.is_some() || raw.layers.is_some() {
            return Err(ManifestError::Invalid(
                "an index has manifests, not a config or layers".to_owned(),
            ));
        }
        let list = raw.manifests.ok_or_else(|| {
            ManifestError::Invalid("an index must have a manifests list".to_owned())
        })?;
        for d in &list {
            check(d)?;
        }
        manifests = list;
    } else {
        if raw.manifests.is_some() {
            return Err(ManifestError::Invalid(
                "an image manifest has a config and layers, not manifests".to_owned(),
            ));
        }
        let config = raw
            .config
            .ok_or_else(|| ManifestError::Invalid("a manifest must have a config".to_owned()))?;
        check(&config)?;
        let layers = raw.layers.unwrap_or_default();
        if media_type == DOCKER_MANIFEST && layers.is_empty() {
            return Err(ManifestError::Invalid(
                "a Docker manifest must have layers".to_owned(),
            ));
        }
        blobs.push(config);
        for layer in layers {
            check(&layer)?;
            if layer.urls.as_ref().is_none_or(Vec::is_empty) {
                blobs.push(layer);
            }
        }
    }
    if let Some(subject) = &raw.subject {
        check(subject)?;
    }
    let artifact_type = raw.artifact_type.or_else(|| {
        blobs
            .first()
            .map(|c| c.media_type.clone())
            .filter(|t| !IMAGE_CONFIGS.contains(&t.as_str()))
    });
    Ok(Manifest {
        media_type,
        blobs,
        manifests,
        subject: raw.subject,
        artifact_type,
        annotations: raw.annotations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    #[test]
    fn an_image_manifest_names_its_config_and_layers() {
        let doc = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": digest('a'), "size": 2},
            "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": digest('b'), "size": 3},
                {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar",
                 "digest": digest('c'), "size": 4, "urls": ["https://example.com/c"]}
            ]
        });
        let m = parse(doc.to_string().as_bytes(), Some(OCI_MANIFEST)).expect("valid");
        assert_eq!(m.media_type, OCI_MANIFEST);
        let named: Vec<_> = m.blobs.iter().map(|d| d.digest.clone()).collect();
        assert_eq!(named, [digest('a'), digest('b')]);
        assert_eq!(m.artifact_type, None);
    }

    #[test]
    fn refusals() {
        let ok_config = serde_json::json!({"mediaType": "x", "digest": digest('a'), "size": 1});
        for (doc, content_type) in [
            (serde_json::json!({"schemaVersion": 1}), None),
            (
                serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX}),
                Some(OCI_MANIFEST),
            ),
            (
                serde_json::json!({"schemaVersion": 2, "config": ok_config}),
                Some("application/vnd.example+json"),
            ),
            (
                serde_json::json!({"schemaVersion": 2, "config":
                    {"mediaType": "x", "digest": "sha256:nothex", "size": 1}}),
                None,
            ),
            (serde_json::json!({"schemaVersion": 2}), Some(OCI_MANIFEST)),
            (serde_json::json!({"schemaVersion": 2}), Some(OCI_INDEX)),
        ] {
            assert!(
                parse(doc.to_string().as_bytes(), content_type).is_err(),
                "{doc}"
            );
        }
        assert!(parse(b"not json", None).is_err());
        assert!(matches!(
            parse(&vec![b' '; MAX_MANIFEST + 1], None),
            Err(ManifestError::TooLarge { .. })
        ));
    }

    #[test]
    fn an_artifact_with_a_subject() {
        let doc = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": "application/vnd.example.sbom",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                       "digest": digest('a'), "size": 2},
            "layers": [],
            "subject": {"mediaType": OCI_MANIFEST, "digest": digest('d'), "size": 9}
        });
        let m = parse(doc.to_string().as_bytes(), None).expect("valid");
        assert_eq!(
            m.artifact_type.as_deref(),
            Some("application/vnd.example.sbom")
        );
        assert_eq!(m.subject.expect("valid").digest, digest('d'));
    }
}

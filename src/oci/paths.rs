//! What OCI's files are. Under `v2/{name}/`: `manifests/{reference}/{digest}.{ext}` (a
//! manifest, by tag or by digest: a folder holding one file whose name gives nginx its
//! digest and, by extension, its media type; an object store keeps it at
//! `manifests/{reference}` with both stored), `blobs/{digest}`, `tags/list`,
//! `referrers/{digest}` and the repository's page `-/index.html`.

use super::{
    manifest::{OCI_INDEX, by_extension},
    name::Digest,
};
use crate::output::{Class, Kind, PathRules};

/// The folder every OCI file lives under.
pub const PREFIX: &str = "v2";

/// The header a manifest or blob is served with, stored with the object.
pub const DIGEST_HEADER: &str = "docker-content-digest";

/// OCI's path rules.
pub struct OciPaths;

/// The one instance, for registration.
pub static PATHS: OciPaths = OciPaths;

/// What a path under `v2/` is.
#[derive(Debug, PartialEq, Eq)]
enum File<'a> {
    /// `…/manifests/{reference}/{digest}.{ext}`.
    Manifest {
        reference: &'a str,
        digest: &'a str,
        media_type: &'static str,
    },
    /// `…/blobs/{digest}`.
    Blob { digest: &'a str },
    /// `…/tags/list`.
    Tags,
    /// `…/referrers/{digest}`.
    Referrers,
    /// `…/-/index.html`.
    Page,
}

fn is_digest(text: &str) -> bool {
    Digest::parse(text).is_ok()
}

/// Reads a path from its end, the way the API's routes are read.
fn file(logical: &str) -> Option<File<'_>> {
    let rest = logical.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [.., _, "manifests", reference, name] => {
            let (digest, ext) = name.rsplit_once('.')?;
            Some(File::Manifest {
                reference,
                digest: is_digest(digest).then_some(digest)?,
                media_type: by_extension(ext)?,
            })
        }
        [.., _, "blobs", digest] if is_digest(digest) => Some(File::Blob { digest }),
        [.., _, "tags", "list"] => Some(File::Tags),
        [.., _, "referrers", digest] if is_digest(digest) => Some(File::Referrers),
        [.., _, "-", "index.html"] => Some(File::Page),
        _ => None,
    }
}

impl PathRules for OciPaths {
    fn class_of(&self, logical: &str) -> Option<Class> {
        if logical != PREFIX && !logical.starts_with("v2/") {
            return None;
        }
        Some(match file(logical) {
            Some(File::Manifest {
                reference,
                media_type,
                ..
            }) => {
                // By digest a manifest never changes; a tag may move.
                if Digest::parse(reference).is_ok() {
                    Class::immutable(Kind::Media(media_type))
                } else {
                    Class::revalidate(Kind::Media(media_type))
                }
            }
            Some(File::Blob { .. }) => Class::immutable(Kind::Binary),
            Some(File::Referrers) => Class::revalidate(Kind::Media(OCI_INDEX)),
            Some(File::Page) => Class::revalidate(Kind::Html),
            Some(File::Tags) | None => Class::revalidate(Kind::Json),
        })
    }

    fn object_key(&self, logical: &str) -> Option<String> {
        match file(logical)? {
            File::Manifest { .. } => logical.rsplit_once('/').map(|(key, _)| key.to_owned()),
            _ => None,
        }
    }

    fn stored_header(&self, logical: &str) -> Option<(&'static str, String)> {
        match file(logical)? {
            File::Manifest { digest, .. } | File::Blob { digest } => {
                Some((DIGEST_HEADER, digest.to_owned()))
            }
            _ => None,
        }
    }
}

/// The key prefixes one repository's files live under (its own folders only: the folder
/// `v2/{name}/` also holds the repositories named `{name}/…`).
#[must_use]
pub fn repository_scope(name: &str) -> Vec<String> {
    ["manifests", "blobs", "tags", "referrers", "-"]
        .iter()
        .map(|folder| format!("{PREFIX}/{name}/{folder}/"))
        .collect()
}

/// The dir-layout path of the manifest `digest` of type `media_type` under `reference`.
#[must_use]
pub fn manifest_path(name: &str, reference: &str, digest: &str, media_type: &str) -> String {
    let ext = super::manifest::extension(media_type).unwrap_or("oci-manifest");
    format!("{PREFIX}/{name}/manifests/{reference}/{digest}.{ext}")
}

/// The path of a blob.
#[must_use]
pub fn blob_path(name: &str, digest: &str) -> String {
    format!("{PREFIX}/{name}/blobs/{digest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cache, Layout, RegistryPaths, Rules};

    static RULES: Rules = Rules::new(&[&PATHS, &RegistryPaths]);

    #[test]
    fn manifests_are_typed_by_their_file_and_stored_at_their_reference() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let by_tag = manifest_path("lib/x", "latest", &digest, OCI_INDEX);
        assert_eq!(
            by_tag,
            format!("v2/lib/x/manifests/latest/{digest}.oci-index")
        );
        assert_eq!(Layout::Dir.key(&by_tag, &RULES), by_tag);
        assert_eq!(
            Layout::Keys.key(&by_tag, &RULES),
            "v2/lib/x/manifests/latest"
        );
        let class = RULES.class_of(&by_tag);
        assert_eq!(class.kind.content_type(), OCI_INDEX);
        assert_eq!(class.cache, Cache::Revalidate);
        let by_digest = manifest_path("lib/x", &digest, &digest, OCI_INDEX);
        assert_eq!(RULES.class_of(&by_digest).cache, Cache::Immutable);
        assert_eq!(
            RULES.stored_header(&by_digest),
            Some((DIGEST_HEADER, digest.clone()))
        );
        let blob = blob_path("lib/x", &digest);
        assert_eq!(RULES.class_of(&blob), Class::immutable(Kind::Binary));
        assert_eq!(RULES.stored_header(&blob), Some((DIGEST_HEADER, digest)));
        assert_eq!(RULES.class_of("v2/lib/x/tags/list").kind, Kind::Json);
        // Another protocol's paths are not OCI's.
        assert_eq!(PATHS.class_of("v2x/a"), None);
    }
}

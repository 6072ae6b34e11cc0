//! What a file is to a reader: its media type and how long caches may keep it, decided once
//! per logical path by the rules of the part of the site that owns the path.
//!
//! Each protocol owns some paths (its documents, its archives) and says what they are
//! ([`PathRules`]); the registry owns the rest (`index.html`, `-/…`: [`RegistryPaths`]).
//! [`Rules`] asks each in turn. The writer hands every file's [`Class`] to the target (an
//! object store stores it with the object), and `shelf serve` answers with the same class,
//! so a file is typed and cached alike wherever it is read from.

use super::Kind;

/// How long caches may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// Content that never changes at its URL: a version's archive and documents (a version
    /// number is never reused), full pages of the change feed, packs of the exported index.
    Immutable,
    /// Content that may change with any publish: lists, `latest`, pages, search, config.
    Revalidate,
}

/// `Cache-Control` of [`Cache::Immutable`] content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of [`Cache::Revalidate`] content: kept a minute, then revalidated (a
/// CDN learns of a change sooner through the purge hook).
pub const REVALIDATE: &str = "public, max-age=60, must-revalidate";

impl Cache {
    /// The `Cache-Control` header value.
    #[must_use]
    pub fn header(self) -> &'static str {
        match self {
            Cache::Immutable => IMMUTABLE,
            Cache::Revalidate => REVALIDATE,
        }
    }
}

/// A file's media type and cache class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    /// What it is, which decides its `Content-Type`.
    pub kind: Kind,
    /// How long caches may keep it.
    pub cache: Cache,
}

impl Class {
    /// A class that may change with any publish.
    #[must_use]
    pub const fn revalidate(kind: Kind) -> Self {
        Class {
            kind,
            cache: Cache::Revalidate,
        }
    }

    /// A class that never changes at its URL.
    #[must_use]
    pub const fn immutable(kind: Kind) -> Self {
        Class {
            kind,
            cache: Cache::Immutable,
        }
    }
}

/// The rules of one part of the site's paths.
pub trait PathRules: Send + Sync {
    /// What the file at `logical` is, when this part owns the path; `None` leaves it to the
    /// next part.
    fn class_of(&self, logical: &str) -> Option<Class>;

    /// Whether `logical` is a document that is also a folder (`hello/releases` holds
    /// `hello/releases/latest`): the dir layout stores it as `{logical}/index.json`, and a
    /// static server answers the bare path with that file.
    fn is_folder_document(&self, logical: &str) -> bool {
        let _ = logical;
        false
    }

    /// The key the keys layout stores `logical` under, when it is not `logical` itself. A
    /// file whose type is its content's (an OCI manifest) is planned under its dir-layout
    /// name, which tells a static server its type and digest
    /// (`…/manifests/latest/sha256:….oci-manifest`), and is requested from an object store,
    /// which keeps both with the object, at the folder (`…/manifests/latest`).
    fn object_key(&self, logical: &str) -> Option<String> {
        let _ = logical;
        None
    }

    /// A header an object store keeps with the file (S3 user metadata, which a CDN rule
    /// turns into the response header a client needs): its name and value.
    fn stored_header(&self, logical: &str) -> Option<(&'static str, String)> {
        let _ = logical;
        None
    }
}

/// The registry-wide paths: `index.html`, `-/…` (config, search, assets, nginx.conf, the
/// change feed, the exported index), and the type of any file by its extension.
pub struct RegistryPaths;

impl PathRules for RegistryPaths {
    fn class_of(&self, logical: &str) -> Option<Class> {
        let parts: Vec<&str> = logical.split('/').collect();
        match parts.as_slice() {
            // The packs of the git repository a static host serves for `git clone` are named
            // by their hash; its refs change with every commit.
            ["-", "index.git", "objects", "pack", _] => Some(Class::immutable(Kind::Binary)),
            ["-", "index.git", ..] => Some(Class::revalidate(Kind::Binary)),
            // A full page of the change feed never changes again.
            ["-", "changes", _] => Some(Class::immutable(Kind::Json)),
            _ => Some(Class::revalidate(Kind::by_extension(logical))),
        }
    }
}

/// Every part's rules, asked in order: protocols first, [`RegistryPaths`] last.
#[derive(Clone, Copy)]
pub struct Rules(&'static [&'static dyn PathRules]);

impl Rules {
    /// Rules asking `parts` in order.
    #[must_use]
    pub const fn new(parts: &'static [&'static dyn PathRules]) -> Self {
        Rules(parts)
    }

    /// What the file at `logical` is (JSON, revalidated, when no part claims it).
    #[must_use]
    pub fn class_of(&self, logical: &str) -> Class {
        self.0
            .iter()
            .find_map(|part| part.class_of(logical))
            .unwrap_or(Class::revalidate(Kind::Json))
    }

    /// Whether any part says `logical` is a document that is also a folder.
    #[must_use]
    pub fn is_folder_document(&self, logical: &str) -> bool {
        self.0.iter().any(|part| part.is_folder_document(logical))
    }

    /// [`PathRules::object_key`] of the first part that has one.
    #[must_use]
    pub fn object_key(&self, logical: &str) -> Option<String> {
        self.0.iter().find_map(|part| part.object_key(logical))
    }

    /// [`PathRules::stored_header`] of the first part that has one.
    #[must_use]
    pub fn stored_header(&self, logical: &str) -> Option<(&'static str, String)> {
        self.0.iter().find_map(|part| part.stored_header(logical))
    }
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rules({} parts)", self.0.len())
    }
}

/// Only the registry-wide rules: for tests of the output layer alone.
pub static REGISTRY_ONLY: Rules = Rules::new(&[&RegistryPaths]);

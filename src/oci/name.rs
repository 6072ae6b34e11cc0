//! The names of the OCI distribution spec: repositories, tags, digests, and a manifest's
//! reference (a tag or a digest).
//!
//! A repository is `[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*`, at most
//! [`MAX_NAME`] bytes; a tag `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`; a digest
//! `sha256:` and 64 lowercase hex digits (the algorithm the blob store addresses by, and
//! the one every client uses) or `sha512:` and 128 (an alias of an address).

use std::fmt;

/// The longest repository name accepted (the spec's clients keep the whole reference
/// under 256 bytes).
pub const MAX_NAME: usize = 200;

/// Components no repository name has: the words of the API's paths, so that a path under
/// `/v2/` names one repository however it is read, and one repository's files never lie in
/// another's folders.
pub const RESERVED: &[&str] = &["manifests", "blobs", "tags", "referrers"];

/// Why a name, tag or digest is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Not a repository name.
    #[error(
        "{0:?} is not a repository name: lowercase letters and digits in `/`-separated \
         components, each part joined by one `.`, `_`, `__` or `-`s, at most {MAX_NAME} bytes, \
         and no component `manifests`, `blobs`, `tags` or `referrers`"
    )]
    Repository(String),
    /// Not a tag.
    #[error("{0:?} is not a tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}")]
    Tag(String),
    /// Not a digest Shelf can address.
    #[error(
        "{0:?} is not a digest this registry takes: sha256: and 64 lowercase hex digits, or \
         sha512: and 128"
    )]
    Digest(String),
}

/// A valid repository name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoName(String);

fn component_ok(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !alnum(first) || !alnum(last) {
        return false;
    }
    // Separators: one `.`, one or two `_`, or any number of `-` (the spec's grammar).
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if alnum(b) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
        if !ok {
            return false;
        }
    }
    true
}

impl RepoName {
    /// Checks `name` against the grammar.
    ///
    /// # Errors
    /// [`NameError::Repository`].
    pub fn parse(name: &str) -> Result<Self, NameError> {
        let ok = |c: &str| component_ok(c) && !RESERVED.contains(&c);
        if name.is_empty() || name.len() > MAX_NAME || !name.split('/').all(ok) {
            return Err(NameError::Repository(name.to_owned()));
        }
        Ok(RepoName(name.to_owned()))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A valid tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    /// Checks `tag` against the grammar.
    ///
    /// # Errors
    /// [`NameError::Tag`].
    pub fn parse(tag: &str) -> Result<Self, NameError> {
        let bytes = tag.as_bytes();
        let ok = !bytes.is_empty()
            && bytes.len() <= 128
            && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(NameError::Tag(tag.to_owned()));
        }
        Ok(Tag(tag.to_owned()))
    }

    /// The tag.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A digest this registry takes: `sha256:` and 64 lowercase hex digits, or `sha512:` and
/// 128. The blob store addresses blobs by SHA-256: a `sha512:` digest is an alias of an
/// address ([`crate::blob::BlobStore::alias`]), found by [`Digest::store_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

/// The algorithms a [`Digest`] may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// SHA-256, the blob store's address.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Digest {
    /// Checks `digest`.
    ///
    /// # Errors
    /// [`NameError::Digest`].
    pub fn parse(digest: &str) -> Result<Self, NameError> {
        let hex = |text: &str, len: usize| {
            text.len() == len
                && text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        match digest.split_once(':') {
            Some(("sha256", encoded)) if is_sha256_hex(encoded) => Ok(Digest(digest.to_owned())),
            Some(("sha512", encoded)) if hex(encoded, 128) => Ok(Digest(digest.to_owned())),
            _ => Err(NameError::Digest(digest.to_owned())),
        }
    }

    /// The digest of a blob-store address (lowercase hex SHA-256).
    #[must_use]
    pub fn of_sha256(hex: &str) -> Self {
        Digest(format!("sha256:{hex}"))
    }

    /// The digest, `sha256:…` or `sha512:…`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        if self.0.starts_with("sha512:") {
            Algorithm::Sha512
        } else {
            Algorithm::Sha256
        }
    }

    /// The hex digits after the algorithm.
    #[must_use]
    pub fn encoded(&self) -> &str {
        self.0.split_once(':').map_or(self.0.as_str(), |(_, e)| e)
    }

    /// The blob store's address of what it names: the hex itself for `sha256:`, the
    /// address a `sha512:` digest was recorded as an alias of (`None` when none was).
    #[must_use]
    pub fn store_key(&self, blobs: &crate::blob::BlobStore) -> Option<String> {
        match self.algorithm() {
            Algorithm::Sha256 => Some(self.encoded().to_owned()),
            Algorithm::Sha512 => blobs.resolve("sha512", self.encoded()),
        }
    }

    /// Whether `bytes` are what it names.
    #[must_use]
    pub fn verifies(&self, bytes: &[u8]) -> bool {
        use sha2::Digest as _;
        let computed = match self.algorithm() {
            Algorithm::Sha256 => hex::encode(sha2::Sha256::digest(bytes)),
            Algorithm::Sha512 => hex::encode(sha2::Sha512::digest(bytes)),
        };
        computed == self.encoded()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub use crate::blob::is_sha256 as is_sha256_hex;

/// The hex part of a `sha256:` digest already checked (a record's): the blob store's
/// address. A record's `sha512:` digests carry their address beside them
/// ([`super::record::ManifestLine::store`]).
#[must_use]
pub fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

/// What a manifest URL names: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A tag.
    Tag(Tag),
    /// A digest.
    Digest(Digest),
}

impl Reference {
    /// A digest when it looks like one (`algorithm:…`), else a tag.
    ///
    /// # Errors
    /// [`NameError`] for a reference that is neither.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if text.contains(':') {
            Digest::parse(text).map(Reference::Digest)
        } else {
            Tag::parse(text).map(Reference::Tag)
        }
    }

    /// The reference as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Reference::Tag(tag) => tag.as_str(),
            Reference::Digest(digest) => digest.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_follow_the_grammar() {
        for good in [
            "a",
            "library/ubuntu",
            "a.b/c_d/e__f/g---h",
            "0/1",
            "my-org/my.app",
        ] {
            assert!(RepoName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "A",
            "a/",
            "/a",
            "a//b",
            "a..b",
            "a___b",
            "-a",
            "a-",
            "a_.b",
            "a/../b",
            "a b",
            "a/manifests",
            "tags/b",
            &"a".repeat(201),
        ] {
            assert!(RepoName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_and_digests() {
        assert!(Tag::parse("v1.0.0-rc_1").is_ok());
        assert!(Tag::parse("_x").is_ok());
        assert!(Tag::parse(&"a".repeat(128)).is_ok());
        for bad in ["", ".x", "-x", "a/b", "a:b", &"a".repeat(129)] {
            assert!(Tag::parse(bad).is_err(), "{bad}");
        }
        let hex = "a".repeat(64);
        assert_eq!(
            Digest::parse(&format!("sha256:{hex}"))
                .expect("valid")
                .encoded(),
            hex
        );
        let long = Digest::parse(&format!("sha512:{}", "b".repeat(128))).expect("valid");
        assert_eq!(long.algorithm(), Algorithm::Sha512);
        for bad in [
            format!("sha256:{}", "A".repeat(64)),
            format!("sha256:{}", "a".repeat(63)),
            format!("sha512:{}", "a".repeat(127)),
            format!("sha384:{}", "a".repeat(96)),
            "sha256:".to_owned(),
        ] {
            assert!(Digest::parse(&bad).is_err(), "{bad}");
        }
        assert!(matches!(Reference::parse("latest"), Ok(Reference::Tag(_))));
        assert!(matches!(
            Reference::parse(&format!("sha256:{hex}")),
            Ok(Reference::Digest(_))
        ));
        assert!(Reference::parse("sha256:xyz").is_err());
    }
}

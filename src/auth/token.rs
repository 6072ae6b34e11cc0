//! Bearer tokens, API-key ids and secrets, and upload ids: made from the OS random source.
//!
//! A token is `shelf_` followed by 43 base64url characters (32 random bytes). The prefix lets
//! secret scanners recognise a leaked token; only [`hash_token`] of it is ever stored, so a
//! copy of the database does not let anyone call the API.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// What every bearer token starts with.
pub const TOKEN_PREFIX: &str = "shelf_";

/// What every API-key id starts with.
pub const KEY_ID_PREFIX: &str = "sk_";

/// A secret shown to its owner once: a token or an API-key secret. `Debug` prints no part
/// of it, so a stray `{:?}` in a log line leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret received from elsewhere (a client's config, a test).
    #[must_use]
    pub fn new(secret: String) -> Self {
        Secret(secret)
    }

    /// The secret itself, for the one place that must send or hash it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret itself, unwrapped.
    #[must_use]
    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…redacted)")
    }
}

/// `N` bytes from the OS random source.
///
/// # Panics
/// When the OS has no random source. That happens only on a broken system, where carrying
/// on with predictable secrets would be worse than stopping.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .expect("the OS random source works on every platform Shelf runs on");
    bytes
}

/// A new bearer token: [`TOKEN_PREFIX`] and 32 random bytes, base64url without padding.
#[must_use]
pub fn new_token() -> Secret {
    Secret(format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random::<32>())
    ))
}

/// The form a token is stored and looked up in: lowercase hex SHA-256 of the whole token.
/// A lookup by hash compares no secret bytes, so it leaks nothing through timing.
#[must_use]
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new API-key id (public; sent in `X-Api-Key`): [`KEY_ID_PREFIX`] and 16 hex digits.
#[must_use]
pub fn new_key_id() -> String {
    format!("{KEY_ID_PREFIX}{}", hex::encode(random::<8>()))
}

/// A new API-key secret (the HMAC key, never sent again): 32 random bytes, base64url
/// without padding.
#[must_use]
pub fn new_key_secret() -> Secret {
    Secret(URL_SAFE_NO_PAD.encode(random::<32>()))
}

/// A new upload id (the last segment of an upload URL): 32 hex digits.
#[must_use]
pub fn new_upload_id() -> String {
    hex::encode(random::<16>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_documented_shape_and_differ() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        let body = a.expose().strip_prefix(TOKEN_PREFIX).expect("prefix");
        assert_eq!(body.len(), 43);
        assert!(
            body.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn debug_redacts() {
        let token = new_token();
        let printed = format!("{token:?}");
        assert_eq!(printed, "Secret(…redacted)");
        assert!(!printed.contains(TOKEN_PREFIX));
    }

    #[test]
    fn hashes_are_lowercase_hex_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ids_and_secrets_have_the_documented_shape() {
        let key = new_key_id();
        let hex_part = key.strip_prefix(KEY_ID_PREFIX).expect("prefix");
        assert_eq!(hex_part.len(), 16);
        assert!(
            hex_part
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_eq!(new_key_secret().expose().len(), 43);
        let upload = new_upload_id();
        assert_eq!(upload.len(), 32);
        assert!(upload.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(new_upload_id(), upload);
    }
}

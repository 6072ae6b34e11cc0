//! Which credentials a request carries: the rules, as pure functions of what the flags, the
//! environment and the credentials file hold.

use super::credentials::{RegistryCredentials, Secret};

/// How a request proves who sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Nothing (only `POST /login`).
    Anonymous,
    /// `Authorization: Bearer <token>`.
    Token(Secret),
    /// A signed request: `X-Api-Key`, `X-Timestamp`, `X-Nonce`, `X-Signature`.
    Key {
        /// The key's public id, sent as `X-Api-Key`.
        id: String,
        /// The HMAC secret; never sent.
        secret: Secret,
    },
}

/// Credentials found outside the credentials file.
#[derive(Debug, Clone, Default)]
pub struct Supplied {
    /// `SHELF_TOKEN`.
    pub token: Option<Secret>,
    /// `--key-id`, else `SHELF_API_KEY`.
    pub key_id: Option<String>,
    /// `SHELF_API_SECRET`.
    pub key_secret: Option<Secret>,
}

impl Supplied {
    /// `SHELF_TOKEN` and `SHELF_API_SECRET` from the environment (empty values ignored), and
    /// the key id the command line resolved (clap already fell back to `SHELF_API_KEY`).
    #[must_use]
    pub fn from_env(key_id: Option<String>) -> Self {
        let secret = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::new)
        };
        Supplied {
            token: secret(super::env::ENV_TOKEN),
            key_id: key_id.filter(|id| !id.is_empty()),
            key_secret: secret(super::env::ENV_API_SECRET),
        }
    }
}

/// Why no credentials could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("not logged in to {registry}: run `shelf login --registry {registry}`")]
    NotLoggedIn { registry: String },
    #[error(
        "no secret for API key {key_id}: set SHELF_API_SECRET, or create a key with \
         `shelf key create --registry {registry} --save`"
    )]
    NoSecret { key_id: String, registry: String },
}

/// Credentials for publishing to `registry`.
///
/// A key id (flag or environment) asks for a signed request; its secret comes from
/// `SHELF_API_SECRET`, else from the file when the file's key has that id. Without a key id:
/// `SHELF_TOKEN`, else the stored token, else the stored key pair.
///
/// # Errors
/// [`AuthError::NoSecret`] for a key id without a secret, [`AuthError::NotLoggedIn`] when
/// nothing is available.
pub fn for_publish(
    registry: &str,
    stored: Option<&RegistryCredentials>,
    supplied: &Supplied,
) -> Result<Auth, AuthError> {
    let stored_key = stored.and_then(|s| Some((s.key_id.as_ref()?, s.key_secret.as_ref()?)));
    if let Some(id) = &supplied.key_id {
        let secret = supplied.key_secret.clone().or_else(|| {
            stored_key
                .filter(|(stored_id, _)| *stored_id == id)
                .map(|(_, secret)| secret.clone())
        });
        return match secret {
            Some(secret) => Ok(Auth::Key {
                id: id.clone(),
                secret,
            }),
            None => Err(AuthError::NoSecret {
                key_id: id.clone(),
                registry: registry.to_owned(),
            }),
        };
    }
    if let Ok(token) = login_token(registry, stored, supplied) {
        return Ok(token);
    }
    match stored_key {
        Some((id, secret)) => Ok(Auth::Key {
            id: id.clone(),
            secret: secret.clone(),
        }),
        None => Err(AuthError::NotLoggedIn {
            registry: registry.to_owned(),
        }),
    }
}

/// Credentials for managing tokens and keys, which the server grants to login tokens only:
/// `SHELF_TOKEN`, else the stored token.
///
/// # Errors
/// [`AuthError::NotLoggedIn`] when there is no token.
pub fn login_token(
    registry: &str,
    stored: Option<&RegistryCredentials>,
    supplied: &Supplied,
) -> Result<Auth, AuthError> {
    supplied
        .token
        .clone()
        .or_else(|| stored.and_then(|s| s.token.clone()))
        .map(Auth::Token)
        .ok_or_else(|| AuthError::NotLoggedIn {
            registry: registry.to_owned(),
        })
}

//! The JSON documents of the registry's write API, as the client sends and reads them.
//!
//! Answers are read leniently: only the fields the client uses are required, so a server
//! that adds fields (or leaves out a cosmetic one) does not break publishing.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::credentials::Secret;
use crate::serverless::package::archive::Inspected;

/// `POST /login`. Not `Debug`: it holds the password.
#[derive(Serialize)]
pub struct LoginRequest<'a> {
    /// Account name.
    pub username: &'a str,
    /// Password, in clear over the connection (use https).
    pub password: &'a str,
}

/// Answer to `POST /login` (200).
#[derive(Debug, Clone, Deserialize)]
pub struct LoginAnswer {
    /// The login token, `shelf_…`.
    pub token: Secret,
    /// When it stops working, RFC 3339.
    #[serde(default)]
    pub expires: Option<String>,
}

/// `POST /releases`: announces a version before its zip is uploaded. Every field but `body`
/// comes from the zip's `publish.yaml` (and its readme), as [`NewRelease::from_inspected`]
/// reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewRelease {
    /// `Name`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Description`.
    pub description: String,
    /// `Type`: `Component`, `Plugin`, `Project` or `Application`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Provider`: cloud names.
    pub provider: Vec<String>,
    /// `Tags`.
    pub tags: Vec<String>,
    /// `Service`: service name to its authorities.
    pub service: Map<String, Value>,
    /// `Commands`: command to description.
    pub command: Map<String, Value>,
    /// `Properties`: JSON-Schema-like inputs.
    pub properties: Map<String, Value>,
    /// `HomePage`.
    pub home: String,
    /// The readme next to `publish.yaml`, as the validator cut it; empty when there is none.
    pub readme: String,
    /// Release notes (`--notes FILE`); empty when not given.
    pub body: String,
}

impl NewRelease {
    /// The release a checked zip describes, with `notes` as its release notes.
    #[must_use]
    pub fn from_inspected(inspected: &Inspected, notes: String) -> Self {
        let manifest = &inspected.manifest;
        NewRelease {
            name: manifest.name.as_str().to_owned(),
            version: manifest.version.to_string(),
            description: manifest.description.clone(),
            kind: manifest.kind.as_str().to_owned(),
            provider: manifest.provider.clone(),
            tags: manifest.tags.clone(),
            service: manifest.service.clone(),
            command: manifest.commands.clone(),
            properties: manifest.properties.clone(),
            home: manifest.home.clone(),
            readme: inspected.readme.clone(),
            body: notes,
        }
    }
}

/// Answer to `POST /releases` (201): the release as the read API will show it, and where to
/// upload its zip.
#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    /// Package name.
    #[serde(default)]
    pub name: String,
    /// The version.
    #[serde(default)]
    pub tag_name: String,
    /// Creation time, RFC 3339.
    #[serde(default)]
    pub created_at: String,
    /// Where the zip will be downloadable.
    #[serde(default)]
    pub zipball_url: String,
    /// Absolute URL the zip is `PUT` to.
    pub upload_url: String,
    /// When `upload_url` stops accepting the zip, RFC 3339.
    #[serde(default)]
    pub upload_expires: Option<String>,
}

/// Answer to `PUT {upload_url}` (200): the published version.
#[derive(Debug, Clone, Deserialize)]
pub struct Uploaded {
    /// Human-readable confirmation.
    #[serde(default)]
    pub message: String,
    /// Package name.
    #[serde(default)]
    pub name: String,
    /// The version.
    #[serde(default)]
    pub version: String,
    /// SHA-256 of the stored zip, lowercase hex; checked against what was sent.
    pub sha256: String,
    /// Size of the stored zip, in bytes.
    #[serde(default)]
    pub size: u64,
    /// The release document (`{name}/releases/tags/{version}`).
    #[serde(default)]
    pub release_url: String,
    /// The zip.
    #[serde(default)]
    pub zipball_url: String,
    /// The package's HTML page.
    #[serde(default)]
    pub page_url: String,
}

/// `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewToken {
    /// A label to recognise the token by.
    pub name: String,
    /// What it may do, e.g. `publish:hello*`.
    pub scopes: Vec<String>,
    /// Lifetime in days; left out for the registry's default (tokens 30 days, keys never
    /// expire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
    /// Keys only: `s-client` for a code the official `s` client signs with; left out for an
    /// HMAC key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Answer to `POST /tokens` (201).
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedToken {
    /// The token's id (to revoke it), a number or a string.
    #[serde(default)]
    pub id: Value,
    /// The token itself; shown once.
    pub token: Secret,
    /// Its label.
    #[serde(default)]
    pub name: String,
    /// What it may do.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When it stops working, RFC 3339.
    #[serde(default)]
    pub expires: Option<String>,
}

/// `POST /keys`: same shape as [`NewToken`].
pub type NewKey = NewToken;

/// Answer to `POST /keys` (201).
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedKey {
    /// Public id, sent as `X-Api-Key`.
    pub key_id: String,
    /// The HMAC secret (an `s` client's code, for `kind: s-client`); shown once, never
    /// sent again.
    pub secret: Secret,
    /// `hmac` or `s-client`.
    #[serde(default)]
    pub kind: String,
    /// Its label.
    #[serde(default)]
    pub name: String,
    /// What it may do.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When it stops working, RFC 3339.
    #[serde(default)]
    pub expires: Option<String>,
}

/// Every error answer: `{"error": "…"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorAnswer {
    /// What went wrong, for the user.
    pub error: String,
}

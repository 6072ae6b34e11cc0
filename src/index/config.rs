//! `config.json` at the index root: where the registry is served from.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The registry-wide settings recorded in the index, so that a clone of the index knows where
/// its zips are served. Unknown fields are kept when the file is rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexConfig {
    /// Format version of the index; this is version 1.
    pub v: u32,
    /// Public base URL every absolute URL starts with, without a trailing slash.
    pub base_url: String,
    /// Template of a zip's URL: `{base_url}`, `{name}` and `{version}` are replaced.
    pub zipball_url: String,
    /// Base URL of the publish API, when it is served apart from the static files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Fields this version of Shelf does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The zipball URL template a new index starts with.
pub const DEFAULT_ZIPBALL_URL: &str = "{base_url}/{name}/zipball/{version}";

impl IndexConfig {
    /// A new index's configuration for `base_url`.
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        IndexConfig {
            v: 1,
            base_url: normalize_base_url(base_url),
            zipball_url: DEFAULT_ZIPBALL_URL.to_owned(),
            api_url: None,
            extra: Map::new(),
        }
    }

    /// The absolute URL a version's zip is downloaded from.
    #[must_use]
    pub fn zipball_url(&self, name: &str, version: &str) -> String {
        self.zipball_url
            .replace("{base_url}", &self.base_url)
            .replace("{name}", name)
            .replace("{version}", version)
    }

    /// The API's base URL: `api_url` when set, else the static base URL (`shelf serve`
    /// answers both on one port).
    #[must_use]
    pub fn api_url(&self) -> &str {
        self.api_url.as_deref().unwrap_or(&self.base_url)
    }

    /// An absolute URL for a path below the base URL.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// Base URLs are stored without a trailing slash so that `{base_url}/path` never doubles it.
#[must_use]
pub fn normalize_base_url(raw: &str) -> String {
    raw.trim().trim_end_matches('/').to_owned()
}

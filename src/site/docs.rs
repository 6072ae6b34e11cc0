//! The registry-wide JSON documents, as types: `-/search.json` and `-/config.json`. A
//! protocol's own documents are its own (the Serverless ones: [`crate::serverless::docs`]).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::index::IndexConfig;

/// One package in `-/search.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchEntry {
    /// Package name.
    pub name: String,
    /// Package type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Description.
    pub description: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Providers.
    pub provider: Vec<String>,
    /// The latest version, if any.
    pub latest: Option<String>,
    /// When the newest version was published.
    pub updated: String,
    /// Category, for the `s` client's list; not in `-/search.json`, whose format predates
    /// it.
    #[serde(skip)]
    pub category: String,
    /// The people behind the package (account and e-mail address), for a protocol's
    /// search answer (npm's `maintainers`); not in `-/search.json`.
    #[serde(skip)]
    pub people: Vec<(String, String)>,
    /// What the package's protocol adds (npm's: `protocol` and the `page` path); empty
    /// for the Serverless protocol, whose entries predate it.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SearchEntry {
    /// How well an entry matches, lower is better; `None` when it does not match. Names are
    /// compared in canonical form (`_` as `-`), everything case-insensitively.
    pub fn score(&self, term: &str) -> Option<u8> {
        let name = self.name.replace('_', "-");
        let wanted = term.to_lowercase().replace('_', "-");
        if name == wanted {
            return Some(0);
        }
        if name.starts_with(&wanted) {
            return Some(1);
        }
        if name.contains(&wanted) {
            return Some(2);
        }
        let term = term.to_lowercase();
        let in_text = self.description.to_lowercase().contains(&term)
            || self
                .tags
                .iter()
                .chain(&self.provider)
                .any(|t| t.to_lowercase().contains(&term));
        in_text.then_some(3)
    }
}

/// `-/search.json` of `entries` (sorted by name), compact.
#[must_use]
pub fn search_document(entries: &[&SearchEntry]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = entries
        .iter()
        .map(|entry| serde_json::to_vec(entry).unwrap_or_default())
        .collect();
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    join_search_document(&parts)
}

/// `-/search.json` from each entry's JSON, in order: `{"v":1,"packages":[…]}` and a line
/// break, the shape [`SearchIndex`] describes.
#[must_use]
pub fn join_search_document(entries: &[&[u8]]) -> Vec<u8> {
    let size: usize = entries.iter().map(|e| e.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 32);
    out.extend_from_slice(b"{\"v\":1,\"packages\":[");
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry);
    }
    out.extend_from_slice(b"]}\n");
    out
}

/// `-/search.json`: every package, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchIndex<'a> {
    /// Format version of this document.
    pub v: u32,
    /// Every package with at least one live version, sorted by name.
    pub packages: &'a [&'a SearchEntry],
}

/// `-/config.json`: what a client needs to find everything else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryConfig {
    /// Format version of this document.
    pub v: u32,
    /// Public base URL of the static files.
    pub base_url: String,
    /// Base URL of the publish API.
    pub api_url: String,
    /// URL of the v3 registry root, for `s set registry`.
    pub v3_url: String,
    /// Path templates (relative to `base_url`) of every document the site serves, each
    /// protocol's and the registry's, in that order.
    pub paths: Map<String, Value>,
}

/// `-/config.json`, with the protocols' path templates `paths` (to which the registry's
/// own are added).
#[must_use]
pub fn registry_config(config: &IndexConfig, mut paths: Map<String, Value>) -> RegistryConfig {
    paths.insert("search".to_owned(), Value::from("-/search.json"));
    RegistryConfig {
        v: 1,
        base_url: config.base_url.clone(),
        api_url: config.api_url().to_owned(),
        v3_url: config.url("v3"),
        paths,
    }
}

//! `GET /search?search=TERM`: answered from the in-memory catalog, ranked.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Query, State, rejection::QueryRejection},
    http::request::Parts,
    routing::get,
};
use serde::{Deserialize, Serialize};

use super::{
    App,
    error::ApiError,
    limits::{Limit, client_ip},
};
use crate::site::docs::SearchEntry;

/// Most results one search answers.
pub const MAX_RESULTS: usize = 100;

/// The routes of this group.
pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/search", get(search))
}

#[derive(Debug, Deserialize)]
struct Params {
    search: Option<String>,
    limit: Option<usize>,
}

/// One result: the spec's four fields, plus what a result list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Package name.
    pub name: String,
    /// Latest version.
    pub tag_name: String,
    /// When the package last changed, RFC 3339.
    pub created_at: String,
    /// Absolute URL of the latest version's zip.
    pub zipball_url: String,
    /// Description.
    pub description: String,
    /// Package type.
    #[serde(rename = "type")]
    pub kind: String,
}

async fn search(
    State(app): State<Arc<App>>,
    parts: Parts,
    params: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Vec<Hit>>, ApiError> {
    app.limits.check(Limit::Search, &client_ip(&parts))?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(format!("Invalid query: {e}")))?;
    let term = params.search.as_deref().map(str::trim).unwrap_or_default();
    if term.is_empty() {
        return Err(ApiError::bad_request("Search term is required"));
    }
    let limit = params.limit.unwrap_or(MAX_RESULTS).clamp(1, MAX_RESULTS);
    let ranked = app.catalog.read(|entries| rank(entries, term, limit));
    Ok(Json(
        ranked
            .into_iter()
            .filter_map(|entry| {
                let tag = entry.latest?;
                Some(Hit {
                    zipball_url: app.config.zipball_url(&entry.name, &tag),
                    name: entry.name,
                    tag_name: tag,
                    created_at: entry.updated,
                    description: entry.description,
                    kind: entry.kind,
                })
            })
            .collect(),
    ))
}

/// How well an entry matches, lower is better; `None` when it does not match. Names are
/// compared in canonical form (`_` as `-`), everything case-insensitively.
pub(super) fn score(entry: &SearchEntry, term: &str) -> Option<u8> {
    let name = entry.name.replace('_', "-");
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
    let in_text = entry.description.to_lowercase().contains(&term)
        || entry
            .tags
            .iter()
            .chain(&entry.provider)
            .any(|t| t.to_lowercase().contains(&term));
    in_text.then_some(3)
}

/// The best `limit` matches: exact name, then name prefix, then name substring, then
/// description, tags and providers; by name within each rank. Packages with no installable
/// version (all yanked) are left out.
fn rank(
    entries: &mut dyn Iterator<Item = &SearchEntry>,
    term: &str,
    limit: usize,
) -> Vec<SearchEntry> {
    let mut hits: Vec<(u8, &SearchEntry)> = entries
        .filter(|e| e.latest.is_some())
        .filter_map(|e| score(e, term).map(|s| (s, e)))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    hits.into_iter()
        .take(limit)
        .map(|(_, e)| e.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, description: &str, tags: &[&str]) -> SearchEntry {
        SearchEntry {
            name: name.into(),
            kind: "Component".into(),
            description: description.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            provider: vec!["alibaba".into()],
            latest: Some("1.0.0".into()),
            updated: "2026-01-01T00:00:00Z".into(),
            category: String::new(),
        }
    }

    #[test]
    fn exact_then_prefix_then_substring_then_text() {
        let entries = [
            entry("a-http-proxy", "", &[]),
            entry("http", "", &[]),
            entry("http-trigger", "", &[]),
            entry("static-site", "Serves HTTP content", &[]),
            entry("tagged", "", &["http"]),
            entry("unrelated", "nothing", &[]),
        ];
        let names = |term: &str, limit| -> Vec<String> {
            rank(&mut entries.iter(), term, limit)
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(
            names("http", 10),
            [
                "http",
                "http-trigger",
                "a-http-proxy",
                "static-site",
                "tagged"
            ]
        );
        assert_eq!(names("HTTP", 2), ["http", "http-trigger"]);
        assert_eq!(
            names("http_trigger", 10),
            ["http-trigger"],
            "'_' and '-' are one character"
        );
        assert!(names("zzz", 10).is_empty());
    }
}

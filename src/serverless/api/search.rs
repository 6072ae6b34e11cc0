//! `GET /search?search=TERM`: answered from the in-memory catalog, ranked.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::request::Parts,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    api::{
        App,
        error::{ApiError, ErrorBody},
        extract::saturating_count,
        files,
        limits::{Limit, client_ip},
    },
    site::docs::SearchEntry,
};

/// Most results one search answers.
pub const MAX_RESULTS: usize = 100;

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new().routes(files::api_only(routes!(search)))
}

/// `GET /search` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Params {
    /// What to look for: a name, part of one, or a word of a description, tag or provider.
    #[param(required = true, value_type = String, pattern = r"\S")]
    search: Option<String>,
    /// Most results: 1 to 100 (the default); a larger number means 100.
    #[serde(default, deserialize_with = "saturating_count")]
    #[param(value_type = Option<usize>, minimum = 0)]
    limit: Option<u64>,
}

/// One result: the spec's four fields, plus what a result list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
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

/// Searches the packages: exact name, then prefix, then substring, then text.
#[utoipa::path(
    get,
    path = "/search",
    tag = "search",
    params(Params),
    responses(
        (status = 200, description = "The best matches, best first", body = [Hit]),
        (status = 400, description = "No search term, or an invalid query", body = ErrorBody),
        (status = 429, description = "Too many searches from this address", body = ErrorBody),
    ),
)]
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
    let limit = params
        .limit
        .map_or(MAX_RESULTS, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .clamp(1, MAX_RESULTS);
    // The answer's fields are the Serverless ones (a zipball URL): its packages only.
    let ranked = app.catalog.read_in(crate::serverless::NAME, |entries| {
        rank(entries, term, limit)
    });
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
        .filter_map(|e| e.score(term).map(|s| (s, e)))
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
            people: Vec::new(),
            extra: serde_json::Map::new(),
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
